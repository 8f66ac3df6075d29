//! Sending e-mail: a copy of a conversation to its visitor. Two ways, chosen
//! by configuration: an HTTP mail service (a Resend-compatible
//! `POST {MAIL_API_URL}/emails` with `MAIL_API_KEY` as a bearer token; tests
//! point it at a local receiver), or Cloudflare's `send_email` binding named
//! `EMAIL` where the account has one. Both need `MAIL_FROM`. With neither,
//! the widget does not offer the copy.

use serde::Serialize;
use worker::{Env, Fetch, Headers, Method, Request, RequestInit, SendEmail, SendEmailBuilder};

use crate::error::{EdgeError, EdgeResult};
use crate::settings::secret_or_var;

/// The `send_email` binding Charla uses when it is configured.
const BINDING: &str = "EMAIL";

/// One e-mail.
#[derive(Debug, Serialize)]
pub struct Mail<'a> {
    /// The sender, `MAIL_FROM`.
    pub from: &'a str,
    /// The one recipient.
    pub to: [&'a str; 1],
    /// The subject.
    pub subject: &'a str,
    /// The plain-text body.
    pub text: &'a str,
    /// The HTML body (every text in it escaped).
    pub html: &'a str,
}

/// How this edge sends e-mail.
pub enum Mailer {
    /// An HTTP mail service.
    Http {
        /// Its base URL.
        url: String,
        /// Its API key.
        key: String,
        /// The sender.
        from: String,
    },
    /// Cloudflare's `send_email` binding.
    Binding {
        /// The binding.
        binding: SendEmail,
        /// The sender.
        from: String,
    },
}

impl Mailer {
    /// The configured way to send mail, if there is one.
    pub fn from_env(env: &Env) -> Option<Mailer> {
        let read = |name: &str| secret_or_var(env, name);
        let from = read("MAIL_FROM")?;
        if let (Some(url), Some(key)) = (read("MAIL_API_URL"), read("MAIL_API_KEY")) {
            return Some(Mailer::Http { url, key, from });
        }
        env.send_email(BINDING)
            .ok()
            .map(|binding| Mailer::Binding { binding, from })
    }

    /// The sender every mail carries.
    pub fn from(&self) -> &str {
        match self {
            Mailer::Http { from, .. } | Mailer::Binding { from, .. } => from,
        }
    }

    /// Hands a mail to the service. A refusal or an unreachable service is
    /// an error whose detail is for the log.
    pub async fn send(&self, mail: &Mail<'_>) -> EdgeResult<()> {
        match self {
            Mailer::Http { url, key, .. } => {
                let headers = Headers::new();
                headers.set("content-type", "application/json")?;
                headers.set("authorization", &format!("Bearer {key}"))?;
                let mut init = RequestInit::new();
                init.with_method(Method::Post)
                    .with_headers(headers)
                    .with_body(Some(serde_json::to_string(mail)?.into()));
                let endpoint = format!("{}/emails", url.trim_end_matches('/'));
                let mut response = Fetch::Request(Request::new_with_init(&endpoint, &init)?)
                    .send()
                    .await?;
                if (200..300).contains(&response.status_code()) {
                    return Ok(());
                }
                let body = response.text().await.unwrap_or_default();
                Err(EdgeError::Corrupt(format!(
                    "the mail service answered {}: {body}",
                    response.status_code()
                )))
            }
            Mailer::Binding { binding, .. } => {
                let message = SendEmailBuilder::new(mail.from, mail.to[0], mail.subject);
                message.set_text(mail.text);
                message.set_html(mail.html);
                binding
                    .send_with_builder(&message)
                    .await
                    .map(|_| ())
                    .map_err(|e| EdgeError::Corrupt(format!("send_email: {e:?}")))
            }
        }
    }
}
