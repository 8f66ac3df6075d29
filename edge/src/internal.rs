//! How the worker talks to its Durable Objects. These requests never come
//! from a browser: a stub is reachable only from this worker's code, and every
//! internal request is built fresh here, so nothing a client sent is passed
//! through unchecked.

use charla_shared::ids::{ChannelId, ConversationId, OperatorId};
use charla_shared::protocol::{Contact, ErrorCode, PING, PONG};
use charla_shared::Millis;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use worker::{Env, Headers, Method, Request, RequestInit, Response, Stub, WebSocket};

use crate::error::{EdgeError, EdgeResult};
use crate::http::problem_response;

/// Binding of the D1 database.
pub const DB: &str = "DB";
/// Binding of the conversation objects.
const CONVERSATIONS: &str = "CONVERSATION";
/// Binding of the per-channel inbox objects.
const INBOXES: &str = "INBOX";
/// Binding of the per-address rate limiter objects.
const LIMITERS: &str = "ADDRESS_LIMITER";
/// Binding of the static assets (the widget, the console, the demo site).
pub const ASSETS: &str = "ASSETS";
/// Header carrying an [`Admission`] as JSON.
const ADMISSION_HEADER: &str = "x-charla-admission";

/// Paths the objects answer.
pub mod paths {
    /// Conversation: store the metadata of a new conversation.
    pub const INIT: &str = "/init";
    /// Conversation and inbox: accept a WebSocket.
    pub const CONNECT: &str = "/connect";
    /// Conversation: the whole transcript as JSON.
    pub const TRANSCRIPT: &str = "/transcript";
    /// Inbox: record a conversation summary and tell subscribers.
    pub const UPSERT: &str = "/upsert";
    /// Conversation: stop honouring the visitor's token, disconnect them.
    pub const REVOKE: &str = "/revoke";
    /// Inbox: disconnect an operator whose sessions all ended.
    pub const EVICT: &str = "/evict";
    /// Address limiter: take tokens from the bucket.
    pub const TAKE: &str = "/take";
    /// Inbox: how many operators are connected.
    pub const AVAILABLE: &str = "/available";
}

/// Who the worker lets onto a socket, decided before the object is asked.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "as", rename_all = "snake_case")]
pub enum Admission {
    /// Someone holding a visitor token; the object compares the digest with
    /// the one it stored, so the worker needs no lookup for visitors.
    Visitor {
        /// SHA-256 of the presented token.
        token_digest: String,
        /// The channel accepts only visitors whose identity was verified.
        require_identity: bool,
    },
    /// A signed-in operator the worker has checked against the channel.
    Operator(StaffSession),
}

/// A signed-in operator as an object remembers them on a socket: enough to
/// check later that the session still holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffSession {
    /// The account.
    pub id: OperatorId,
    /// The name visitors see.
    pub name: String,
    /// SHA-256 of the session token.
    pub session: String,
    /// When the session ends.
    pub expires_at: Millis,
}

/// What a conversation object stores when it is created.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewConversation {
    /// Its id (also the object's name).
    pub id: ConversationId,
    /// Its channel.
    pub channel: ChannelId,
    /// SHA-256 of the visitor token.
    pub token_digest: String,
    /// The visitor's display name.
    pub visitor: String,
    /// What else is known of the visitor.
    pub contact: Contact,
    /// The chatbot that answers first, if any.
    pub chatbot: Option<String>,
    /// Creation time.
    pub created_at: Millis,
}

/// How many operators are connected to a channel's inbox.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Availability {
    /// Operator sockets open on the inbox.
    pub operators: usize,
}

/// The object that holds a conversation.
pub fn conversation(env: &Env, id: &ConversationId) -> EdgeResult<Stub> {
    Ok(env
        .durable_object(CONVERSATIONS)?
        .id_from_name(id.as_str())?
        .get_stub()?)
}

/// The object that lists a channel's conversations.
pub fn inbox(env: &Env, channel: &ChannelId) -> EdgeResult<Stub> {
    Ok(env
        .durable_object(INBOXES)?
        .id_from_name(channel.as_str())?
        .get_stub()?)
}

/// The object that limits one network address.
pub fn limiter(env: &Env, address: &str) -> EdgeResult<Stub> {
    Ok(env
        .durable_object(LIMITERS)?
        .id_from_name(address)?
        .get_stub()?)
}

/// A request to an object, built fresh.
pub struct Call {
    method: Method,
    path: String,
    headers: Headers,
    body: Option<String>,
}

impl Call {
    /// A `GET` of `path` (which may carry a query).
    pub fn get(path: impl Into<String>) -> Self {
        Call {
            method: Method::Get,
            path: path.into(),
            headers: Headers::new(),
            body: None,
        }
    }

    /// A `POST` of a JSON body.
    pub fn post<T: Serialize>(path: &str, body: &T) -> EdgeResult<Self> {
        let mut call = Call::get(path);
        call.method = Method::Post;
        call.body = Some(serde_json::to_string(body)?);
        call.headers.set("content-type", "application/json")?;
        Ok(call)
    }

    /// Asks for a WebSocket on behalf of `admission`.
    pub fn upgrade(path: impl Into<String>, admission: &Admission) -> EdgeResult<Self> {
        let call = Call::get(path);
        call.headers.set("upgrade", "websocket")?;
        call.headers
            .set(ADMISSION_HEADER, &serde_json::to_string(admission)?)?;
        Ok(call)
    }

    /// Sends the request to an object.
    pub async fn send(self, stub: &Stub) -> EdgeResult<Response> {
        let mut init = RequestInit::new();
        init.with_method(self.method).with_headers(self.headers);
        if let Some(body) = self.body {
            init.with_body(Some(body.into()));
        }
        let url = format!("https://object.internal{}", self.path);
        Ok(stub
            .fetch_with_request(Request::new_with_init(&url, &init)?)
            .await?)
    }
}

/// Reads the admission the worker attached to an internal request.
pub fn admission(req: &Request) -> EdgeResult<Admission> {
    let header = req
        .headers()
        .get(ADMISSION_HEADER)?
        .ok_or_else(|| EdgeError::Corrupt("internal request without admission".into()))?;
    Ok(serde_json::from_str(&header)?)
}

/// The refusal for a visitor token that does not open a conversation, the
/// same whether the conversation exists or not.
pub fn token_refused() -> EdgeError {
    EdgeError::refuse(
        ErrorCode::Forbidden,
        "This token does not open this conversation.",
    )
}

/// The refusal for a page whose origin the channel does not allow.
pub fn origin_refused() -> EdgeError {
    EdgeError::refuse(
        ErrorCode::Forbidden,
        "This site may not use this chat channel.",
    )
}

/// The refusal for a channel that does not exist.
pub fn no_channel(channel: &ChannelId) -> EdgeError {
    EdgeError::refuse(ErrorCode::NotFound, format!("No channel {channel}."))
}

/// The JSON body of an internal request.
pub async fn body<T: DeserializeOwned>(req: &mut Request) -> EdgeResult<T> {
    Ok(req.json().await?)
}

/// An object's answer to an internal request: the handler's response, or
/// its error as a problem (logged if internal).
pub fn respond(result: EdgeResult<Response>) -> worker::Result<Response> {
    Ok(result.unwrap_or_else(|e| problem_response(&e.to_problem())))
}

/// Lets the runtime answer heartbeats itself, without waking the object, so
/// idle connections cost nothing while the object hibernates.
pub fn answer_heartbeats(state: &worker::State) {
    match worker::worker_sys::WebSocketRequestResponsePair::new(PING, PONG) {
        Ok(pair) => state.set_websocket_auto_response(&pair),
        Err(e) => worker::console_error!("heartbeat auto-response: {e:?}"),
    }
}

/// Completes the closing handshake a client started. The socket may already
/// be closed, which is fine.
pub fn finish_close(ws: &WebSocket) -> worker::Result<()> {
    let _ = ws.close(Some(1000), Some("closed"));
    Ok(())
}

/// Logs a socket failure and closes the socket.
pub fn close_failed(what: &str, ws: &WebSocket, error: &worker::Error) -> worker::Result<()> {
    worker::console_warn!("{what} socket error: {error}");
    let _ = ws.close(Some(1011), Some("socket error"));
    Ok(())
}
