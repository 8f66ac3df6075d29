//! A local stand-in for an HTTP mail service: it takes `POST /emails`
//! requests as a Resend-compatible provider would and keeps them, so tests
//! read the e-mails the edge sent. The edge reaches it over real HTTP.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;

use serde::Deserialize;

use crate::{io_context, HarnessResult};

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
        let listener =
            TcpListener::bind("127.0.0.1:0").map_err(io_context("starting the mail receiver"))?;
        let port = listener
            .local_addr()
            .map_err(io_context("starting the mail receiver"))?
            .port();
        let sent = Arc::new(Mutex::new(Vec::new()));
        let kept = sent.clone();
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let kept = kept.clone();
                thread::spawn(move || answer(stream, &kept));
            }
        });
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
    let mut reader = BufReader::new(&stream);
    let mut first = String::new();
    if reader.read_line(&mut first).is_err() {
        return;
    }
    let mut length = 0;
    let mut authorised = false;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).is_err() || line.trim().is_empty() {
            break;
        }
        let (name, value) = line.split_once(':').unwrap_or((&line, ""));
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => length = value.trim().parse().unwrap_or(0),
            "authorization" => authorised = value.trim() == format!("Bearer {KEY}"),
            _ => {}
        }
    }
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let status = if !first.starts_with("POST /emails ") {
        "404 Not Found"
    } else if !authorised {
        "401 Unauthorized"
    } else {
        match serde_json::from_slice::<Sent>(&body) {
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
