//! How the worker talks to its Durable Objects. These requests never come
//! from a browser: a stub is reachable only from this worker's code, and every
//! internal request is built fresh here, so nothing a client sent is passed
//! through unchecked.

use charla_shared::bot::Chatbot;
use charla_shared::channel::{ChatMode, Language};
use charla_shared::identity::ChannelSecurity;
use charla_shared::ids::{ChannelId, ClientMsgId, ConversationId, OperatorId, Seq};
use charla_shared::protocol::{
    Attending, Author, Contact, ConversationSummary, ErrorCode, Holder, Member, PING, PONG,
};
use charla_shared::rate::Rate;
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
/// Binding of the rate limiter objects (one per address or account).
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
    /// Inbox: the same, and whether the visitor is connected now (which
    /// plain summaries do not change, since they may arrive late).
    pub const PRESENCE: &str = "/presence";
    /// Conversation: stop honouring the visitor's token, disconnect them.
    pub const REVOKE: &str = "/revoke";
    /// Conversation and inbox: close the sockets of an operator whose
    /// session (or every session) ended ([`SignedOut`]).
    pub const SIGN_OUT: &str = "/sign-out";
    /// Conversation: the channel's security settings changed; close the
    /// visitor sockets they no longer admit.
    pub const READMIT: &str = "/readmit";
    /// Inbox: the channel's security settings changed; pass them on to
    /// every conversation with a visitor connected.
    pub const SECURITY: &str = "/security";
    /// Limiter: take tokens from the bucket ([`Take`]).
    pub const TAKE: &str = "/take";
    /// Inbox: how many operators are connected.
    pub const AVAILABLE: &str = "/available";
    /// Inbox: an operator read further in a conversation
    /// ([`OperatorRead`](super::OperatorRead)).
    pub const READ: &str = "/read";
    /// Conversation (direct): store and relay a message one of its two
    /// operators wrote elsewhere ([`Relayed`](super::Relayed)), such as a
    /// mention in a note.
    pub const RELAY: &str = "/relay";
    /// Conversation and inbox: the channel is being deleted; close every
    /// socket and delete all storage.
    pub const ERASE: &str = "/erase";
    /// Inbox: the conversations matching a search ([`Search`](super::Search)).
    pub const SEARCH: &str = "/search";
    /// Inbox: a conversation was deleted; forget it and tell subscribers.
    pub const REMOVE: &str = "/remove";
    /// Conversation: whether it admits the request's admission, as it
    /// would a socket; answers the participant's [`Author`](charla_shared::protocol::Author).
    pub const ADMIT: &str = "/admit";
    /// Inbox: a conversation waits for a person ([`Enqueue`](super::Enqueue));
    /// answers the [`Availability`](super::Availability) after routing.
    pub const ENQUEUE: &str = "/enqueue";
    /// Inbox: an operator takes, puts back or hands on a conversation
    /// ([`Hold`](super::Hold)).
    pub const HOLD: &str = "/hold";
    /// Inbox: a conversation ended ([`Enqueue`](super::Enqueue)); whoever
    /// held it is free of it.
    pub const ENDED: &str = "/ended";
    /// Inbox: an operator joins or leaves the rotation
    /// ([`DutyChange`](super::DutyChange)).
    pub const DUTY: &str = "/duty";
    /// Inbox: an operator's account is being removed
    /// ([`DutyChange`](super::DutyChange)): what they held waits again.
    pub const GONE: &str = "/gone";
    /// Inbox: the queue, the operators and today's service level
    /// (`?channel=`).
    pub const SUPERVISE: &str = "/supervise";
    /// Conversation: who attends it now ([`Assignment`](super::Assignment)).
    pub const ASSIGN: &str = "/assign";
}

/// A message for a direct conversation that one of its operators wrote in
/// another conversation; its id makes a repeat store nothing.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Relayed {
    /// Who wrote it: one of the two.
    pub author: Author,
    /// Unique per source, so a retry is recognised.
    pub id: ClientMsgId,
    /// The text.
    pub text: String,
}

/// Who the worker lets onto a socket, decided before the object is asked.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "as", rename_all = "snake_case")]
pub enum Admission {
    /// Someone holding a visitor token. The object compares the digest with
    /// the one it stored first, and only then looks at the page's origin
    /// and the channel's identity rule, so an answer to someone without the
    /// right token never depends on whether the conversation exists.
    Visitor {
        /// SHA-256 of the presented token.
        token_digest: String,
        /// The page's `Origin`, if the browser sent one.
        origin: Option<String>,
        /// The channel's security settings, read from D1 just now.
        security: ChannelSecurity,
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
    /// Their avatar's colour (`#rrggbb`); empty: none.
    #[serde(default)]
    pub color: String,
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
    /// The chatbot that answers first, if any: its id and a copy of it,
    /// so that editing the bot later never breaks this conversation.
    pub bot: Option<(String, Chatbot)>,
    /// The language the visitor's widget speaks.
    pub language: Language,
    /// Who answers the channel.
    pub mode: ChatMode,
    /// The channel's security settings when it started.
    pub security: ChannelSecurity,
    /// Creation time.
    pub created_at: Millis,
    /// The visitor's country, when known.
    pub country: Option<String>,
    /// The visitor's browser and operating system, by name.
    pub browser: String,
    /// See `browser`.
    pub os: String,
    /// For a direct conversation, its two operators (sorted by id); empty
    /// for a visitor's.
    #[serde(default)]
    pub members: Vec<Member>,
}

/// An operator's session, or all their sessions, ended.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SignedOut {
    /// Whose.
    pub operator: OperatorId,
    /// The digest of the session that ended; `None` when every session of
    /// the operator ended.
    pub session: Option<String>,
}

/// A conversation's report to its inbox: the summary, and the texts of the
/// messages since its last report, which the inbox indexes for search.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    /// What the list shows.
    pub summary: ConversationSummary,
    /// New messages' sequence numbers and texts, oldest first.
    #[serde(default)]
    pub texts: Vec<(Seq, String)>,
}

/// A search of a channel's conversations (`GET /api/channels/{c}/search`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Search {
    /// Who searches: a direct conversation is found only by its members.
    pub operator: OperatorId,
    /// What they typed.
    pub words: String,
    /// The conversations of the tickets whose number they typed.
    #[serde(default)]
    pub tickets: Vec<ConversationId>,
}

/// An operator read further in one of the channel's conversations.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OperatorRead {
    /// Who.
    pub operator: OperatorId,
    /// Where, and how far.
    pub seen: charla_shared::protocol::Seen,
}

/// A request to a limiter: take `cost` from a bucket that refills at `rate`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Take {
    /// The bucket's limit.
    pub rate: Rate,
    /// How much this request costs.
    pub cost: f64,
}

/// Who can take a channel's conversations now.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Availability {
    /// Operators on duty: connected, joined and active.
    pub operators: usize,
    /// Conversations waiting for one.
    pub waiting: u32,
    /// Whether the queue takes no more (as the channel's routing settings
    /// were when the inbox last read them).
    pub full: bool,
}

/// A conversation of a channel, for its inbox's queue.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Enqueue {
    /// The conversation.
    pub conversation: ConversationId,
    /// Its channel.
    pub channel: ChannelId,
}

/// What an operator does with a conversation of the queue.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Hold {
    /// The conversation and its channel.
    pub conversation: Enqueue,
    /// Who acts.
    pub by: Holder,
    /// Whether they are an admin (who may act on anyone's).
    pub admin: bool,
    /// What they do.
    pub action: HoldAction,
}

/// See [`Hold`].
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HoldAction {
    /// Takes it.
    Take,
    /// Takes it by answering (so it is not greeted as well), unless
    /// someone else holds it.
    Answered,
    /// Puts it back in the queue.
    Release,
    /// Hands it to another operator online on the channel, with a note.
    Transfer {
        /// Who.
        to: OperatorId,
        /// What they should know (may be empty).
        note: String,
    },
}

/// An operator joins or leaves a channel's rotation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DutyChange {
    /// The channel.
    pub channel: ChannelId,
    /// Who.
    pub operator: OperatorId,
    /// Joined or not.
    pub on: bool,
}

/// The inbox tells a conversation who attends it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Assignment {
    /// What the visitor is shown.
    pub attending: Attending,
    /// The operator who holds it now, if one does.
    pub holder: Option<Holder>,
    /// A note for the operators, from whoever handed it on.
    pub note: Option<(Holder, String)>,
    /// Whether the operator greets the visitor with the channel's agent
    /// message (not when they took it by writing).
    pub greet: bool,
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

/// The object that keeps one rate limit bucket.
pub fn limiter(env: &Env, bucket: &str) -> EdgeResult<Stub> {
    Ok(env
        .durable_object(LIMITERS)?
        .id_from_name(bucket)?
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
        let call = Call::get(path).admitting(admission)?;
        call.headers.set("upgrade", "websocket")?;
        Ok(call)
    }

    /// Asks on behalf of `admission`, which the object checks.
    pub fn admitting(self, admission: &Admission) -> EdgeResult<Self> {
        self.headers
            .set(ADMISSION_HEADER, &serde_json::to_string(admission)?)?;
        Ok(self)
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

    /// Sends the request and expects `expected` back; anything else is an
    /// internal failure (the object's problem body goes to the log).
    pub async fn expect(self, stub: &Stub, expected: u16) -> EdgeResult<Response> {
        let path = self.path.clone();
        let mut response = self.send(stub).await?;
        if response.status_code() == expected {
            return Ok(response);
        }
        let body = response.text().await.unwrap_or_default();
        Err(EdgeError::Corrupt(format!(
            "object answered {} to {path}: {body}",
            response.status_code()
        )))
    }
}

/// Reads the admission the worker attached to an internal request.
pub fn admission(req: &Request) -> EdgeResult<Admission> {
    admission_if_any(req)?
        .ok_or_else(|| EdgeError::Corrupt("internal request without admission".into()))
}

/// Reads the admission of an internal request that may carry one.
pub fn admission_if_any(req: &Request) -> EdgeResult<Option<Admission>> {
    req.headers()
        .get(ADMISSION_HEADER)?
        .map(|header| serde_json::from_str(&header).map_err(EdgeError::from))
        .transpose()
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

/// The refusal for a visitor who is not signed in on a channel that now
/// requires it.
pub fn identity_required() -> EdgeError {
    EdgeError::refuse(
        ErrorCode::Forbidden,
        "This channel now only talks to signed-in visitors. Sign in and start a new conversation.",
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

/// Tags that find an operator's sockets when they sign out: one for the
/// operator, one for the session.
pub fn staff_tags(session: &StaffSession) -> [String; 2] {
    [
        operator_tag(&session.id),
        format!("session:{}", session.session),
    ]
}

/// The tag of every socket an operator holds.
pub fn operator_tag(operator: &OperatorId) -> String {
    format!("operator:{operator}")
}

/// The tag of the sockets a sign-out closes.
pub fn signed_out_tag(signed_out: &SignedOut) -> String {
    match &signed_out.session {
        Some(session) => format!("session:{session}"),
        None => operator_tag(&signed_out.operator),
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
