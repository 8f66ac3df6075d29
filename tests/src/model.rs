//! A local stand-in for an OpenAI-compatible chat-completions endpoint: it
//! takes `POST /v1/chat/completions` with `"stream": true` and answers with
//! real server-sent events, as hosted APIs and local model servers do. It
//! behaves as the test sets it: answering from the article it was given, a
//! few words per event; answering with something the article does not say;
//! failing; or going silent. The edge reaches it over real HTTP.

use std::io::Write;
use std::net::TcpStream;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use serde_json::{json, Value};

use crate::http::{serve, Incoming};
use crate::HarnessResult;

/// The key the edge must present.
pub const KEY: &str = "test-model-key";

/// The model the installation names (the stand-in answers for any name,
/// and keeps the name asked for).
pub const MODEL: &str = "charla-test-model";

/// What the model says when it makes things up.
pub const MADE_UP: &str = "Our unicorn stable lends free dragons every Tuesday at midnight.";

/// How long the model waits between two events of a stream.
pub const BETWEEN_EVENTS: Duration = Duration::from_millis(60);

/// How the stand-in answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    /// The first sentence of the article it was given, a word per event.
    Grounded,
    /// [`MADE_UP`], a word per event.
    MadeUp,
    /// `500` with an error body.
    Failing,
    /// The stream's headers, then nothing for a minute.
    Silent,
}

/// A running stand-in. It stops with the test process.
pub struct FakeModel {
    url: String,
    behaviour: Arc<Mutex<Behaviour>>,
    requests: Arc<Mutex<Vec<Value>>>,
}

impl FakeModel {
    /// Listens on a free local port, answering from the article.
    pub fn start() -> HarnessResult<FakeModel> {
        let behaviour = Arc::new(Mutex::new(Behaviour::Grounded));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (how, kept) = (behaviour.clone(), requests.clone());
        let port = serve("the fake model", move |stream| answer(stream, &how, &kept))?;
        Ok(FakeModel {
            url: format!("http://127.0.0.1:{port}/v1"),
            behaviour,
            requests,
        })
    }

    /// Its base URL, up to `/v1`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The edge's settings that point it here.
    pub fn vars(&self) -> [(&'static str, String); 3] {
        [
            ("AI_BASE_URL", self.url.clone()),
            ("AI_API_KEY", KEY.to_owned()),
            ("AI_MODEL", MODEL.to_owned()),
        ]
    }

    /// Answers the next requests as `behaviour` says.
    pub fn behave(&self, behaviour: Behaviour) {
        if let Ok(mut how) = self.behaviour.lock() {
            *how = behaviour;
        }
    }

    /// Every well-formed request received so far, as JSON.
    pub fn requests(&self) -> Vec<Value> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

/// Answers one request: `401`, `404` or `400` for one that is not an
/// authorised, streamed chat completion of a named model; otherwise as the
/// behaviour says.
fn answer(stream: TcpStream, behaviour: &Mutex<Behaviour>, requests: &Mutex<Vec<Value>>) {
    let Some(request) = Incoming::read(&stream) else {
        return;
    };
    let body: Option<Value> = serde_json::from_slice(&request.body).ok();
    let refusal = if !request.is("POST", "/v1/chat/completions") {
        Some("404 Not Found")
    } else if !request.bears(KEY) {
        Some("401 Unauthorized")
    } else if body
        .as_ref()
        .is_none_or(|b| !b["model"].is_string() || b["stream"] != true)
    {
        Some("400 Bad Request")
    } else {
        None
    };
    let body = body.unwrap_or_default();
    if let Ok(mut all) = requests.lock() {
        all.push(body.clone());
    }
    let how = behaviour.lock().map(|b| *b).unwrap_or(Behaviour::Failing);
    let mut stream = stream;
    if let Some(status) = refusal {
        let _ = write!(
            stream,
            "HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
        );
        return;
    }
    let words = match how {
        Behaviour::Failing => {
            let error = json!({"error": {"message": "the model is overloaded"}}).to_string();
            let _ = write!(
                stream,
                "HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/json\r\n\
                 content-length: {}\r\nconnection: close\r\n\r\n{error}",
                error.len()
            );
            return;
        }
        Behaviour::Silent => {
            let _ = write!(stream, "{EVENTS}");
            thread::sleep(Duration::from_secs(60));
            return;
        }
        Behaviour::Grounded => first_sentence(&body),
        Behaviour::MadeUp => MADE_UP.to_owned(),
    };
    let _ = write!(stream, "{EVENTS}");
    let role = json!({"choices": [{"index": 0, "delta": {"role": "assistant"}}]});
    let _ = write!(stream, "data: {role}\n\n");
    let mut first = true;
    for word in words.split(' ') {
        thread::sleep(BETWEEN_EVENTS);
        let piece = if first {
            word.to_owned()
        } else {
            format!(" {word}")
        };
        first = false;
        let chunk = json!({"choices": [{"index": 0, "delta": {"content": piece}}]});
        if write!(stream, "data: {chunk}\n\n").is_err() {
            return;
        }
        let _ = stream.flush();
    }
    let _ = write!(stream, "data: [DONE]\n\n");
}

/// The headers of a stream of server-sent events, which ends when the
/// connection closes.
const EVENTS: &str = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\
                      cache-control: no-cache\r\nconnection: close\r\n\r\n";

/// The first sentence of the article in the request's user message
/// (`Article: <title>\n\n<body>\n\nQuestion: …`), on one line.
fn first_sentence(request: &Value) -> String {
    let user = request["messages"]
        .as_array()
        .and_then(|m| m.iter().find(|m| m["role"] == "user"))
        .and_then(|m| m["content"].as_str())
        .unwrap_or_default();
    let body = user
        .split_once("\n\n")
        .map(|(_, rest)| rest)
        .unwrap_or_default();
    let text = body.split_whitespace().collect::<Vec<_>>().join(" ");
    match text.find(". ") {
        Some(end) => text[..=end].to_owned(),
        None => text,
    }
}
