//! What the local stand-ins for outside services (the mail service, the
//! language model) share: listening on a free port, and reading one
//! HTTP/1.1 request off a socket.

use std::io::{BufRead, BufReader, Read};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::thread;

use crate::{io_context, HarnessResult};

/// Listens on a free local port and answers every connection with
/// `answer` on a thread of its own, for as long as the test process runs;
/// returns the port. `what` names the stand-in in errors.
pub fn serve(what: &str, answer: impl Fn(TcpStream) + Send + Sync + 'static) -> HarnessResult<u16> {
    let listener =
        TcpListener::bind("127.0.0.1:0").map_err(io_context(format!("starting {what}")))?;
    let port = listener
        .local_addr()
        .map_err(io_context(format!("starting {what}")))?
        .port();
    let answer = Arc::new(answer);
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let answer = answer.clone();
            thread::spawn(move || answer(stream));
        }
    });
    Ok(port)
}

/// One request as a stand-in reads it.
#[derive(Debug, Clone)]
pub struct Incoming {
    /// The request line, such as `POST /emails HTTP/1.1`.
    pub first: String,
    /// The `authorization` header's value, if any.
    pub authorization: Option<String>,
    /// The body, read to its `content-length`.
    pub body: Vec<u8>,
}

impl Incoming {
    /// Reads a request; `None` if the connection breaks first.
    pub fn read(stream: &TcpStream) -> Option<Incoming> {
        let mut reader = BufReader::new(stream);
        let mut first = String::new();
        reader.read_line(&mut first).ok()?;
        let mut length = 0;
        let mut authorization = None;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() || line.trim().is_empty() {
                break;
            }
            let (name, value) = line.split_once(':').unwrap_or((&line, ""));
            match name.trim().to_ascii_lowercase().as_str() {
                "content-length" => length = value.trim().parse().unwrap_or(0),
                "authorization" => authorization = Some(value.trim().to_owned()),
                _ => {}
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).ok()?;
        Some(Incoming {
            first,
            authorization,
            body,
        })
    }

    /// Whether it is `method path`.
    pub fn is(&self, method: &str, path: &str) -> bool {
        self.first.starts_with(&format!("{method} {path} "))
    }

    /// Whether it carries `Bearer key`.
    pub fn bears(&self, key: &str) -> bool {
        self.authorization.as_deref() == Some(format!("Bearer {key}").as_str())
    }
}
