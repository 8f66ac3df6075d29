//! A local stand-in for an HTTP mail service: it takes `POST /emails`
//! requests as a Resend-compatible provider would and keeps them, so tests
//! read the e-mails the edge sent. The edge reaches it over real HTTP.

use std::io::Write;
use std::net::TcpStream;
use std::sync::{Arc, Mutex};

use serde::Deserialize;

use crate::http::{serve, Incoming};
use crate::HarnessResult;

/// The key the edge must present.
pub const KEY: &str = "test-mail-key";

/// One e-mail as the edge handed it over.
#[derive(Debug, Clone, Deserialize)]
pub struct Sent {
    /// The sender.
    pub from: String,
    /// The recipients.
    pub to: Vec<String>,
    /// The subject.
    pub subject: String,
    /// The plain-text body.
    pub text: String,
    /// The HTML body.
    pub html: String,
}

/// A running receiver. It stops with the test process.
pub struct MailReceiver {
    url: String,
    sent: Arc<Mutex<Vec<Sent>>>,
}

impl MailReceiver {
    /// Listens on a free local port.
    pub fn start() -> HarnessResult<MailReceiver> {
        let sent = Arc::new(Mutex::new(Vec::new()));
        let kept = sent.clone();
        let port = serve("the mail receiver", move |stream| answer(stream, &kept))?;
        Ok(MailReceiver {
            url: format!("http://127.0.0.1:{port}"),
            sent,
        })
    }

    /// The base URL to give the edge as `MAIL_API_URL`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The edge's settings that point it here.
    pub fn vars(&self) -> [(&'static str, String); 3] {
        [
            ("MAIL_API_URL", self.url.clone()),
            ("MAIL_API_KEY", KEY.to_owned()),
            ("MAIL_FROM", "Charla <chat@example.com>".to_owned()),
        ]
    }

    /// Every e-mail received so far.
    pub fn sent(&self) -> Vec<Sent> {
        self.sent.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

/// Reads one request and answers it: `200` with an id for a well-formed,
/// authorised `POST /emails`, `401` or `400` otherwise.
fn answer(stream: TcpStream, sent: &Mutex<Vec<Sent>>) {
    let Some(request) = Incoming::read(&stream) else {
        return;
    };
    let status = if !request.is("POST", "/emails") {
        "404 Not Found"
    } else if !request.bears(KEY) {
        "401 Unauthorized"
    } else {
        match serde_json::from_slice::<Sent>(&request.body) {
            Ok(mail) => {
                if let Ok(mut all) = sent.lock() {
                    all.push(mail);
                }
                "200 OK"
            }
            Err(_) => "400 Bad Request",
        }
    };
    let reply = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: 11\r\nconnection: close\r\n\r\n{{\"id\":\"m1\"}}"
    );
    let _ = (&stream).write_all(reply.as_bytes());
}
