//! Raw clients of the edge for tests: plain HTTP and a real WebSocket client
//! (tokio-tungstenite) that speaks the wire protocol from `charla-shared`.

use std::time::Duration;

use charla_shared::api::{ClockAdvance, ConversationCreated, CreateConversation, SignIn};
use charla_shared::channel::{ChannelSettings, NewChannel};
use charla_shared::identity::Visitor;
use charla_shared::ids::{ChannelId, ConversationId, Seq, VisitorToken};
use charla_shared::protocol::{
    Attending, Author, ClientFrame, InboxFrame, Message, Note, Problem, Role, ServerFrame,
    StaffFrame, VisitorDetails,
};
use charla_shared::routes;
use futures_util::{SinkExt, StreamExt};
use serde::Serialize;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::{HeaderName, HeaderValue};
use tokio_tungstenite::tungstenite::{self, Message as WsMessage};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::edge::LocalEdge;

/// How long a test waits for one frame before it fails.
pub const FRAME_TIMEOUT: Duration = Duration::from_secs(10);

/// An HTTP answer.
#[derive(Debug)]
pub struct Reply {
    /// Status code.
    pub status: u16,
    /// Body text.
    pub body: String,
    /// The `Set-Cookie` header, if any.
    pub set_cookie: Option<String>,
    /// Every header, lowercase names.
    pub headers: Vec<(String, String)>,
    /// The body as bytes (a file).
    pub bytes: Vec<u8>,
}

impl Reply {
    /// The body as a problem; panics if it is not one.
    pub fn problem(&self) -> Problem {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not a problem body ({e}): {}", self.body))
    }

    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The edge's HTTP API.
pub struct Api {
    base: String,
    agent: ureq::Agent,
}

impl Api {
    /// The API of a running edge.
    pub fn new(edge: &LocalEdge) -> Api {
        Api::at(&edge.url())
    }

    /// The API of an edge at `base` (`http://127.0.0.1:8787`).
    pub fn at(base: &str) -> Api {
        Api {
            base: base.trim_end_matches('/').to_owned(),
            agent: ureq::Agent::config_builder()
                .http_status_as_error(false)
                .build()
                .into(),
        }
    }

    /// `GET`, with a cookie if given.
    pub fn get(&self, path: &str, cookie: Option<&str>) -> Reply {
        let headers: Vec<(&str, &str)> = cookie.map(|c| ("cookie", c)).into_iter().collect();
        self.request("GET", path, None, &headers)
    }

    /// Any request, with any headers and an optional JSON body.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let url = format!("{}{path}", self.base);
        let mut request = ureq::http::Request::builder().method(method).uri(&url);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if body.is_some() {
            request = request.header("content-type", "application/json");
        }
        let request = request
            .body(body.unwrap_or_default().to_owned())
            .expect("test requests are well formed");
        reply(self.agent.run(request))
    }

    /// Moves the edge's test clock on by `by_ms` (an edge built with
    /// `test-clock`), as an admin whose cookie is `admin`.
    pub fn advance_clock(&self, by_ms: i64, admin: &str) {
        let moved = self.request(
            "PUT",
            routes::TEST_CLOCK,
            Some(&serde_json::to_string(&ClockAdvance { by_ms }).expect("a clock step")),
            &[("cookie", admin)],
        );
        assert_eq!(moved.status, 200, "{}", moved.body);
    }

    /// A request with any method name, even one HTTP clients refuse to send
    /// (`PROPFIND`), written by hand over TCP; the edge closes the
    /// connection after answering.
    pub fn raw_request(&self, method: &str, path: &str, headers: &[(&str, &str)]) -> Reply {
        use std::io::{Read, Write};
        let host = self.base.trim_start_matches("http://");
        let mut stream = std::net::TcpStream::connect(host).expect("the edge listens");
        let mut request =
            format!("{method} {path} HTTP/1.1\r\nhost: {host}\r\nconnection: close\r\n");
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("content-length: 0\r\n\r\n");
        stream
            .write_all(request.as_bytes())
            .expect("the request is sent");
        let mut raw = String::new();
        stream.read_to_string(&mut raw).expect("the answer is read");
        let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|s| s.parse().ok())
            .expect("a status line");
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_lowercase(), v.trim().to_owned()))
            .collect();
        let body = if headers
            .iter()
            .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"))
        {
            unchunk(body)
        } else {
            body.to_owned()
        };
        Reply {
            status,
            set_cookie: None,
            bytes: body.as_bytes().to_vec(),
            body,
            headers,
        }
    }

    /// `POST` of raw bytes (a file), with any headers.
    pub fn post_bytes(&self, path: &str, bytes: &[u8], headers: &[(&str, &str)]) -> Reply {
        let url = format!("{}{path}", self.base);
        let mut request = ureq::http::Request::builder().method("POST").uri(&url);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request
            .body(bytes.to_vec())
            .expect("test requests are well formed");
        reply(self.agent.run(request))
    }

    /// `POST` of a raw body.
    pub fn post_raw(&self, path: &str, body: &str, cookie: Option<&str>) -> Reply {
        let headers: Vec<(&str, &str)> = cookie.map(|c| ("cookie", c)).into_iter().collect();
        self.request("POST", path, Some(body), &headers)
    }

    /// `POST` of a JSON body.
    pub fn post<B: Serialize>(&self, path: &str, body: &B, cookie: Option<&str>) -> Reply {
        self.post_raw(
            path,
            &serde_json::to_string(body).expect("test bodies encode"),
            cookie,
        )
    }

    /// `DELETE`, with a cookie.
    pub fn delete(&self, path: &str, cookie: &str) -> Reply {
        self.request("DELETE", path, None, &[("cookie", cookie)])
    }

    /// Starts a conversation on a channel as a visitor would.
    pub fn create_conversation(&self, channel: &str) -> ConversationCreated {
        let reply = self.post(
            routes::CONVERSATIONS,
            &CreateConversation {
                channel: ChannelId::parse(channel).expect("test channel ids are valid"),
                visitor: Visitor::default(),
                chatbot: None,
                language: None,
                visitor_key: None,
            },
            None,
        );
        assert_eq!(reply.status, 201, "creating a conversation: {}", reply.body);
        serde_json::from_str(&reply.body).expect("a created conversation")
    }

    /// Creates a channel as an admin, then changes its settings.
    pub fn create_channel(
        &self,
        admin: &str,
        id: &str,
        change: impl FnOnce(&mut ChannelSettings),
    ) -> ChannelSettings {
        let new = NewChannel {
            id: ChannelId::parse(id).expect("test channel ids are valid"),
            name: format!("Channel {id}"),
        };
        let reply = self.post(routes::CHANNELS, &new, Some(admin));
        assert_eq!(reply.status, 201, "creating channel {id}: {}", reply.body);
        self.configure(admin, id, change)
    }

    /// Changes a channel's settings as an admin.
    pub fn configure(
        &self,
        admin: &str,
        channel: &str,
        change: impl FnOnce(&mut ChannelSettings),
    ) -> ChannelSettings {
        let path = routes::channel_settings(&ChannelId::parse(channel).expect("valid id"));
        let mut settings: ChannelSettings =
            serde_json::from_str(&self.get(&path, Some(admin)).body).expect("settings");
        change(&mut settings);
        let reply = self.request(
            "PUT",
            &path,
            Some(&serde_json::to_string(&settings).expect("settings encode")),
            &[("cookie", admin)],
        );
        assert_eq!(reply.status, 200, "saving {channel}: {}", reply.body);
        serde_json::from_str(&reply.body).expect("saved settings")
    }

    /// Signs in and returns the `Cookie` header value that carries the session.
    pub fn sign_in(&self, email: &str, password: &str) -> String {
        let reply = self.post(
            routes::SESSION,
            &SignIn {
                email: email.into(),
                password: password.into(),
            },
            None,
        );
        assert_eq!(reply.status, 200, "signing in {email}: {}", reply.body);
        let set_cookie = reply.set_cookie.expect("sign-in sets the session cookie");
        set_cookie
            .split(';')
            .next()
            .expect("a cookie has a name=value part")
            .to_owned()
    }
}

/// A handshake the edge refused.
#[derive(Debug)]
pub struct Refusal {
    /// The HTTP status.
    pub status: u16,
    /// The problem in the body.
    pub problem: Option<Problem>,
}

/// A WebSocket to the edge.
pub struct Socket {
    stream: WebSocketStream<MaybeTlsStream<TcpStream>>,
    /// What an operator's socket got after its history: the notes and
    /// what is known about the visitor.
    staff: Option<(Vec<Note>, VisitorDetails)>,
}

impl Socket {
    /// Joins a conversation as its visitor.
    pub async fn visitor(
        edge: &LocalEdge,
        id: &ConversationId,
        token: &VisitorToken,
        after: Seq,
    ) -> Result<Socket, Refusal> {
        let url = format!(
            "{}{}",
            edge.ws_url(),
            routes::conversation_socket(id, after, Some(token))
        );
        Socket::open(&url, None).await
    }

    /// Joins a conversation as a signed-in operator.
    pub async fn operator(
        edge: &LocalEdge,
        id: &ConversationId,
        cookie: &str,
        after: Seq,
    ) -> Result<Socket, Refusal> {
        let url = format!(
            "{}{}",
            edge.ws_url(),
            routes::conversation_socket(id, after, None)
        );
        Socket::open(&url, Some(cookie)).await
    }

    /// Subscribes to a channel's inbox as a signed-in operator.
    pub async fn inbox(edge: &LocalEdge, channel: &str, cookie: &str) -> Result<Socket, Refusal> {
        let channel = ChannelId::parse(channel).expect("test channel ids are valid");
        let url = format!("{}{}", edge.ws_url(), routes::inbox_socket(&channel));
        Socket::open(&url, Some(cookie)).await
    }

    /// Opens any URL, with a cookie if given.
    pub async fn open(url: &str, cookie: Option<&str>) -> Result<Socket, Refusal> {
        let headers: Vec<(&str, &str)> = cookie.map(|c| ("cookie", c)).into_iter().collect();
        Socket::open_with(url, &headers).await
    }

    /// Opens any URL as a page of `origin` would.
    pub async fn open_from(url: &str, origin: &str) -> Result<Socket, Refusal> {
        Socket::open_with(url, &[("origin", origin)]).await
    }

    /// Opens any URL with extra headers.
    pub async fn open_with(url: &str, headers: &[(&str, &str)]) -> Result<Socket, Refusal> {
        let mut request = url.into_client_request().expect("test URLs are valid");
        for (name, value) in headers {
            request.headers_mut().insert(
                HeaderName::from_bytes(name.as_bytes()).expect("test headers are valid"),
                HeaderValue::from_str(value).expect("test headers are valid"),
            );
        }
        let cookie = headers
            .iter()
            .find(|(n, _)| *n == "cookie")
            .map(|(_, v)| *v);
        match tokio_tungstenite::connect_async(request).await {
            Ok((stream, _)) => Ok(Socket {
                stream,
                staff: None,
            }),
            Err(tungstenite::Error::Http(response)) => {
                // tungstenite keeps only the part of the body that came with
                // the headers; when that is not all of it, ask again over
                // plain HTTP with the same upgrade headers to read the rest.
                let problem = match response
                    .body()
                    .as_ref()
                    .and_then(|b| serde_json::from_slice(b).ok())
                {
                    Some(problem) => Some(problem),
                    None => refusal_body(url, cookie).await,
                };
                Err(Refusal {
                    status: response.status().as_u16(),
                    problem,
                })
            }
            Err(other) => panic!("connecting to {url}: {other}"),
        }
    }

    /// Sends a frame.
    pub async fn send(&mut self, frame: &ClientFrame) {
        self.send_raw(&frame.encode()).await;
    }

    /// Sends a frame, ignoring failure: as a client would that pays no
    /// attention to being refused or closed.
    pub async fn try_send(&mut self, frame: &ClientFrame) {
        let _ = self.stream.send(WsMessage::text(frame.encode())).await;
    }

    /// Whether the edge closes the socket before any other frame arrives
    /// (within [`FRAME_TIMEOUT`]).
    pub async fn is_closed(&mut self) -> bool {
        loop {
            match tokio::time::timeout(FRAME_TIMEOUT, self.stream.next()).await {
                Err(_) => return false,
                Ok(None | Some(Err(_)) | Some(Ok(WsMessage::Close(_)))) => return true,
                Ok(Some(Ok(WsMessage::Text(_) | WsMessage::Binary(_)))) => return false,
                Ok(Some(Ok(_))) => continue,
            }
        }
    }

    /// Closes the socket cleanly, as a browser does when its tab goes.
    pub async fn close(mut self) {
        let _ = self.stream.close(None).await;
    }

    /// Sends a text frame as is.
    pub async fn send_raw(&mut self, text: &str) {
        self.stream
            .send(WsMessage::text(text))
            .await
            .expect("sending a frame");
    }

    /// Sends a binary frame.
    pub async fn send_binary(&mut self, bytes: &[u8]) {
        self.stream
            .send(WsMessage::binary(bytes.to_vec()))
            .await
            .expect("sending a frame");
    }

    /// The next text frame, as text.
    pub async fn next_text(&mut self) -> String {
        loop {
            let message = tokio::time::timeout(FRAME_TIMEOUT, self.stream.next())
                .await
                .expect("a frame within the timeout")
                .expect("the socket is open")
                .expect("a readable frame");
            match message {
                WsMessage::Text(text) => return text.to_string(),
                WsMessage::Close(close) => panic!("the edge closed the socket: {close:?}"),
                _ => continue,
            }
        }
    }

    /// The next conversation frame other than who attends the
    /// conversation, which the channel's queue sends whenever it moves (see
    /// [`Socket::next_attending`]).
    pub async fn next(&mut self) -> ServerFrame {
        loop {
            let frame = self.next_frame().await;
            if !matches!(frame, ServerFrame::Attending { .. }) {
                return frame;
            }
        }
    }

    /// Who attends the conversation, as the next frame that says so tells
    /// (other frames before it are dropped).
    pub async fn next_attending(&mut self) -> Attending {
        loop {
            if let ServerFrame::Attending { attending } = self.next_frame().await {
                return attending;
            }
        }
    }

    /// The next conversation frame, whatever it is.
    pub async fn next_frame(&mut self) -> ServerFrame {
        let text = self.next_text().await;
        ServerFrame::decode(&text).unwrap_or_else(|e| panic!("bad frame {text}: {e}"))
    }

    /// The next inbox frame other than who is online, which comes and goes
    /// with every operator's console (see [`Socket::next_inbox_frame`]).
    pub async fn next_inbox(&mut self) -> InboxFrame {
        loop {
            let frame = self.next_inbox_frame().await;
            if !matches!(frame, InboxFrame::Presence { .. }) {
                return frame;
            }
        }
    }

    /// The next inbox frame, whatever it is.
    pub async fn next_inbox_frame(&mut self) -> InboxFrame {
        let text = self.next_text().await;
        InboxFrame::decode(&text).unwrap_or_else(|e| panic!("bad inbox frame {text}: {e}"))
    }

    /// A new conversation on `channel`, its visitor's socket and the socket
    /// of the operator signed in with `cookie`, both past their history.
    pub async fn pair(
        edge: &LocalEdge,
        api: &Api,
        channel: &str,
        cookie: &str,
    ) -> (ConversationCreated, Socket, Socket) {
        let created = api.create_conversation(channel);
        let mut visitor = Socket::visitor(edge, &created.conversation, &created.token, Seq(0))
            .await
            .expect("the visitor is admitted");
        visitor.joined().await;
        let mut operator = Socket::operator(edge, &created.conversation, cookie, Seq(0))
            .await
            .expect("the operator is admitted");
        operator.joined().await;
        (created, visitor, operator)
    }

    /// Reads the welcome and the whole history that follows it, and on an
    /// operator's socket the notes and the visitor's details that follow
    /// (see [`Socket::staff`]).
    pub async fn joined(&mut self) -> (Author, Vec<Message>) {
        let ServerFrame::Welcome { you, .. } = self.next().await else {
            panic!("the first frame is not a welcome");
        };
        let history = self.history().await;
        if you.role != Role::Visitor {
            let ServerFrame::Staff(StaffFrame::Notes { notes }) = self.next().await else {
                panic!("an operator's history is followed by the notes");
            };
            let ServerFrame::Staff(StaffFrame::Visitor { details }) = self.next().await else {
                panic!("an operator's notes are followed by the visitor's details");
            };
            self.staff = Some((notes, details));
        }
        (you, history)
    }

    /// The notes and the visitor's details an operator's socket got when it
    /// joined; `None` on a visitor's.
    pub fn staff(&self) -> Option<&(Vec<Note>, VisitorDetails)> {
        self.staff.as_ref()
    }

    /// Reads history frames until the last one.
    pub async fn history(&mut self) -> Vec<Message> {
        let mut messages = Vec::new();
        loop {
            match self.next().await {
                ServerFrame::History {
                    messages: page,
                    more,
                } => {
                    messages.extend(page);
                    if !more {
                        return messages;
                    }
                }
                other => panic!("expected history, got {other:?}"),
            }
        }
    }

    /// Reads frames until an error arrives, and returns its code.
    pub async fn next_error(&mut self) -> Problem {
        loop {
            if let ServerFrame::Error { problem } = self.next().await {
                return problem;
            }
        }
    }

    /// Whether no frame (but news of who attends the conversation)
    /// arrives within `wait`.
    pub async fn is_quiet_for(&mut self, wait: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            match tokio::time::timeout_at(deadline, self.stream.next()).await {
                Err(_) => return true,
                // Who attends the conversation is news of the queue, not
                // of the transcript.
                Ok(Some(Ok(WsMessage::Text(text))))
                    if matches!(
                        ServerFrame::decode(&text),
                        Ok(ServerFrame::Attending { .. })
                    ) => {}
                Ok(_) => return false,
            }
        }
    }
}

/// The body of a chunked HTTP/1.1 answer.
fn unchunk(mut chunked: &str) -> String {
    let mut body = String::new();
    while let Some((size, rest)) = chunked.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if size == 0 || rest.len() < size {
            break;
        }
        body.push_str(&rest[..size]);
        chunked = rest[size..].trim_start_matches("\r\n");
    }
    body
}

/// The problem an upgrade request is refused with, read over plain HTTP.
async fn refusal_body(url: &str, cookie: Option<&str>) -> Option<Problem> {
    let http_url = url.replacen("ws://", "http://", 1);
    let cookie = cookie.map(str::to_owned);
    tokio::task::spawn_blocking(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut request = agent
            .get(&http_url)
            .header("upgrade", "websocket")
            .header("connection", "upgrade");
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        let body = request.call().ok()?.body_mut().read_to_string().ok()?;
        serde_json::from_str(&body).ok()
    })
    .await
    .ok()
    .flatten()
}

fn reply(result: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Reply {
    let mut response = result.expect("the edge answers HTTP");
    let status = response.status().as_u16();
    let headers: Vec<(String, String)> = response
        .headers()
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                v.to_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let set_cookie = headers
        .iter()
        .find(|(n, _)| n == "set-cookie")
        .map(|(_, v)| v.clone());
    let bytes = response
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_vec()
        .unwrap_or_default();
    Reply {
        status,
        body: String::from_utf8_lossy(&bytes).into_owned(),
        bytes,
        set_cookie,
        headers,
    }
}
