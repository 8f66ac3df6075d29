//! One conversation: a Durable Object that owns its transcript and relays
//! messages between the visitor and any number of operators.
//!
//! The object uses the WebSocket hibernation API: the runtime keeps the
//! sockets open while the object is evicted from memory, and wakes it (by
//! constructing it again) when a frame arrives. So nothing that routes or
//! authorises a message lives only in memory: who is behind each socket is
//! serialised into the socket's attachment, and everything else is read from
//! the object's SQLite storage.

use std::cell::{Cell, RefCell};
use std::time::Duration;

use charla_shared::ids::{ChannelId, ClientMsgId, ConversationId, Seq};
use charla_shared::limits::HISTORY_PAGE;
use charla_shared::logs::CONVERSATION_STARTED;
use charla_shared::password::constant_time_eq;
use charla_shared::protocol::{
    Author, ClientFrame, Contact, ConversationSummary, ErrorCode, Message, Preview, Problem, Role,
    ServerFrame, PROTOCOL_VERSION,
};
use charla_shared::rate::Bucket;
use charla_shared::Millis;
use serde::{Deserialize, Serialize};
use worker::{
    durable_object, wasm_bindgen, Delay, DurableObject, Env, Request, Response, SqlStorage,
    SqlStorageValue, State, WebSocket, WebSocketIncomingMessage, WebSocketPair,
};

use crate::error::{EdgeError, EdgeResult};
use crate::http::{json, query};
use crate::internal::{self, paths, Admission, Call, NewConversation, StaffSession};
use crate::store::Db;
use crate::{now, settings};

/// How often an operator's session is checked again while messages flow.
const SESSION_RECHECK_MS: Millis = 60_000;

/// The least time between two reports of one conversation to its channel's
/// inbox. Every conversation of a channel reports to the one inbox object,
/// so a report per message would make it the channel's bottleneck (the
/// benchmark measured it at half the relay's work); the list may lag a busy
/// conversation by this much, the conversation itself never does.
const INBOX_REPORT_INTERVAL_MS: Millis = 500;

/// Close code for a socket whose visitor token was revoked.
const CLOSE_REVOKED: u16 = 4403;

/// Close code for a socket whose operator session ended.
const CLOSE_SIGNED_OUT: u16 = 4401;

/// The object's schema, one step per change. A new conversation runs them
/// all; an object created by an older version runs the ones it lacks when it
/// first wakes after the upgrade.
const SCHEMA: &[&str] = &[
    // 1: the conversation's record and its messages. `sender` scopes the
    // client's message id, so a retry is stored once and one participant
    // cannot collide with another's ids.
    "CREATE TABLE conversation (
         id INTEGER PRIMARY KEY CHECK (id = 1),
         conversation TEXT NOT NULL,
         channel TEXT NOT NULL,
         token_digest TEXT NOT NULL,
         visitor TEXT NOT NULL,
         created_at INTEGER NOT NULL
     );
     CREATE TABLE messages (
         seq INTEGER PRIMARY KEY,
         sender TEXT NOT NULL,
         client_id TEXT NOT NULL,
         role TEXT NOT NULL,
         author TEXT NOT NULL,
         body TEXT NOT NULL,
         at INTEGER NOT NULL,
         UNIQUE (sender, client_id)
     );",
    // 2: what is known of the visitor, and per-sender rate limits.
    "ALTER TABLE conversation ADD COLUMN email TEXT;
     ALTER TABLE conversation ADD COLUMN verified_user TEXT;
     CREATE TABLE rate (
         sender TEXT PRIMARY KEY,
         tokens REAL NOT NULL,
         at INTEGER NOT NULL
     );",
    // 3: the chatbot the page's rule chose.
    "ALTER TABLE conversation ADD COLUMN chatbot TEXT;",
];

/// A conversation's Durable Object.
///
/// The `Cell`s hold copies of what storage says, read once per wake-up: an
/// evicted object starts with them empty and reads storage again.
#[durable_object]
pub struct Conversation {
    state: State,
    env: Env,
    sql: SqlStorage,
    /// The schema was brought up to date since this instance started.
    migrated: Cell<bool>,
    /// The conversation's record.
    meta: RefCell<Option<Meta>>,
    /// The last stored sequence number.
    last: Cell<Option<Seq>>,
    /// Inbox reports: one in flight at a time, the latest waiting.
    inbox: RefCell<InboxReports>,
    /// When the operators' sessions were last checked.
    rechecked: Cell<Millis>,
}

/// Reports to the channel's inbox. Only the newest summary matters: the
/// first report after a quiet spell goes at once, and while one is on its
/// way or [`INBOX_REPORT_INTERVAL_MS`] has not passed, later summaries
/// replace each other and the newest goes next.
#[derive(Debug, Default)]
struct InboxReports {
    sending: bool,
    waiting: Option<ConversationSummary>,
    last_sent: Millis,
}

impl DurableObject for Conversation {
    fn new(state: State, env: Env) -> Self {
        // The schema is created by `init`, not here: an object woken for an
        // id that was never created (a guess, a typo) must not write
        // anything to storage.
        let sql = state.storage().sql();
        internal::answer_heartbeats(&state);
        // One line per start, first use or wake-up from hibernation, so the
        // logs show how often objects are woken (a test counts them too).
        worker::console_log!("{CONVERSATION_STARTED}");
        Conversation {
            state,
            env,
            sql,
            migrated: Cell::new(false),
            meta: RefCell::new(None),
            last: Cell::new(None),
            inbox: RefCell::default(),
            rechecked: Cell::new(0),
        }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        internal::respond(match req.path().as_str() {
            paths::INIT => async { self.init(&internal::body(&mut req).await?).await }.await,
            paths::CONNECT => self.admit(&req),
            paths::TRANSCRIPT => self.transcript(),
            paths::REVOKE => self.revoke(),
            other => Err(EdgeError::Corrupt(format!("no internal path {other}"))),
        })
    }

    async fn websocket_message(
        &self,
        ws: WebSocket,
        message: WebSocketIncomingMessage,
    ) -> worker::Result<()> {
        if let Err(error) = self.on_frame(&ws, message).await {
            send(
                &ws,
                &ServerFrame::Error {
                    problem: error.to_problem(),
                },
            );
        }
        Ok(())
    }

    async fn websocket_close(
        &self,
        ws: WebSocket,
        _code: usize,
        _reason: String,
        _was_clean: bool,
    ) -> worker::Result<()> {
        internal::finish_close(&ws)
    }

    async fn websocket_error(&self, ws: WebSocket, error: worker::Error) -> worker::Result<()> {
        internal::close_failed("conversation", &ws, &error)
    }
}

/// Who is behind a socket. It travels in the socket's attachment so that it
/// survives hibernation.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Participant {
    /// How their messages are shown.
    author: Author,
    /// Scopes client message ids: a retry is recognised per sender.
    sender: String,
    /// For operators: the session that let them in, and when it was last
    /// found still live.
    staff: Option<(StaffSession, Millis)>,
}

/// The conversation's own record, one row.
#[derive(Debug, Clone, Deserialize)]
struct Meta {
    conversation: String,
    channel: String,
    token_digest: String,
    visitor: String,
    created_at: Millis,
    email: Option<String>,
    verified_user: Option<String>,
    chatbot: Option<String>,
}

#[derive(Debug, Deserialize)]
struct MessageRow {
    seq: i64,
    client_id: String,
    role: String,
    author: String,
    body: String,
    at: Millis,
}

impl Conversation {
    /// Creates the tables and stores the record of a new conversation.
    async fn init(&self, new: &NewConversation) -> EdgeResult<Response> {
        if self.meta()?.is_some() {
            return Err(EdgeError::Corrupt(format!(
                "conversation {} initialised twice",
                new.id
            )));
        }
        self.migrate(0)?;
        self.sql.exec(
            "INSERT INTO conversation
                 (id, conversation, channel, token_digest, visitor, created_at, email, verified_user, chatbot)
             VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)",
            vec![
                new.id.as_str().into(),
                new.channel.as_str().into(),
                new.token_digest.as_str().into(),
                new.visitor.as_str().into(),
                SqlStorageValue::from(new.created_at),
                new.contact.email.clone().into(),
                new.contact.verified_user.clone().into(),
                new.chatbot.clone().into(),
            ],
        )?;
        let meta = self
            .meta()?
            .ok_or_else(|| EdgeError::Corrupt("metadata missing after insert".into()))?;
        self.tell_inbox(&meta, None).await;
        Ok(Response::empty()?.with_status(201))
    }

    /// Accepts a WebSocket for someone the worker admitted, sends the welcome
    /// and the history the client asked for.
    fn admit(&self, req: &Request) -> EdgeResult<Response> {
        let meta = self.meta()?;
        let participant = match (internal::admission(req)?, &meta) {
            (
                Admission::Visitor {
                    token_digest,
                    require_identity,
                },
                Some(meta),
            ) if constant_time_eq(token_digest.as_bytes(), meta.token_digest.as_bytes()) => {
                if require_identity && meta.verified_user.is_none() {
                    return Err(EdgeError::refuse(
                        ErrorCode::Forbidden,
                        "This channel now only talks to signed-in visitors. Sign in and start a new conversation.",
                    ));
                }
                Participant {
                    author: Author {
                        role: Role::Visitor,
                        name: meta.visitor.clone(),
                    },
                    sender: "visitor".into(),
                    staff: None,
                }
            }
            // A wrong token, a revoked one and a conversation that does not
            // exist get the same answer.
            (Admission::Visitor { .. }, _) => return Err(internal::token_refused()),
            (Admission::Operator(session), Some(_)) => Participant {
                author: Author {
                    role: Role::Operator,
                    name: session.name.clone(),
                },
                sender: format!("operator:{}", session.id),
                staff: Some((session, now())),
            },
            (Admission::Operator(_), None) => {
                return Err(EdgeError::refuse(
                    ErrorCode::NotFound,
                    "This conversation does not exist.",
                ))
            }
        };
        let meta = meta.ok_or_else(|| EdgeError::Corrupt("admitted without metadata".into()))?;
        let after = Seq(query(&req.url()?, "after")
            .and_then(|a| a.parse().ok())
            .unwrap_or(0));

        let pair = WebSocketPair::new()?;
        let server = pair.server;
        // Accepting through the state (not `server.accept()`) is what lets
        // the runtime hibernate the object while the socket stays open.
        self.state
            .accept_websocket_with_tags(&server, &[participant.author.role.as_str()]);
        server.serialize_attachment(&participant)?;
        send(
            &server,
            &ServerFrame::Welcome {
                protocol: PROTOCOL_VERSION,
                conversation: parse_stored(ConversationId::parse(meta.conversation))?,
                you: participant.author,
                last_seq: self.last_seq()?,
            },
        );
        self.send_history(&server, after)?;
        Ok(Response::from_websocket(pair.client)?)
    }

    /// The whole transcript, for the operators' transcript endpoint.
    fn transcript(&self) -> EdgeResult<Response> {
        let meta = self.meta()?.ok_or_else(|| {
            EdgeError::refuse(ErrorCode::NotFound, "This conversation does not exist.")
        })?;
        let messages = self
            .sql
            .exec(
                "SELECT seq, client_id, role, author, body, at FROM messages ORDER BY seq",
                None,
            )?
            .to_array::<MessageRow>()?
            .into_iter()
            .map(MessageRow::into_message)
            .collect::<EdgeResult<Vec<_>>>()?;
        json(
            200,
            &charla_shared::api::Transcript {
                conversation: parse_stored(ConversationId::parse(meta.conversation))?,
                channel: parse_stored(ChannelId::parse(meta.channel))?,
                visitor: meta.visitor,
                contact: Contact {
                    email: meta.email,
                    verified_user: meta.verified_user,
                },
                chatbot: meta.chatbot,
                created_at: meta.created_at,
                messages,
            },
        )
    }

    /// Forgets the visitor's token, so it opens nothing any more, and closes
    /// the visitor's sockets. Operators keep the transcript.
    fn revoke(&self) -> EdgeResult<Response> {
        if self.meta()?.is_none() {
            return Err(EdgeError::refuse(
                ErrorCode::NotFound,
                "This conversation does not exist.",
            ));
        }
        self.sql
            .exec("UPDATE conversation SET token_digest = ''", None)?;
        self.meta.replace(None);
        let frame = ServerFrame::Error {
            problem: Problem::new(
                ErrorCode::Forbidden,
                "An operator has closed this conversation.",
            ),
        };
        for socket in self.state.get_websockets_with_tag(Role::Visitor.as_str()) {
            send(&socket, &frame);
            let _ = socket.close(Some(CLOSE_REVOKED), Some("revoked"));
        }
        Ok(Response::empty()?.with_status(204))
    }

    async fn on_frame(&self, ws: &WebSocket, message: WebSocketIncomingMessage) -> EdgeResult<()> {
        let participant: Participant = ws
            .deserialize_attachment()?
            .ok_or_else(|| EdgeError::Corrupt("socket without attachment".into()))?;
        if let Some((session, _)) = &participant.staff {
            // An operator acts only while their session holds: signing out
            // everywhere or the session's end stops them at once.
            let live = session.expires_at > now()
                && Db::new(&self.env)?
                    .session_is_live(&session.session, now())
                    .await?;
            if !live {
                signed_out(ws);
                return Ok(());
            }
        }
        let WebSocketIncomingMessage::String(raw) = message else {
            return Err(EdgeError::refuse(
                ErrorCode::Malformed,
                "Frames are JSON text, not binary.",
            ));
        };
        match ClientFrame::decode(&raw)? {
            ClientFrame::Send { id, text } => self.post(ws, &participant, id, text).await,
            ClientFrame::Sync { after } => self.send_history(ws, after),
        }
    }

    /// Stores a message, acknowledges it to its sender, relays it to everyone
    /// and updates the channel's inbox, in that order.
    async fn post(
        &self,
        ws: &WebSocket,
        participant: &Participant,
        id: ClientMsgId,
        text: String,
    ) -> EdgeResult<()> {
        let meta = self
            .meta()?
            .ok_or_else(|| EdgeError::Corrupt("socket on an uncreated conversation".into()))?;
        if let Some(stored) = self.stored(&participant.sender, &id)? {
            // A retry of a message that is already stored (its ack was lost
            // with a connection): acknowledge it again, store nothing.
            send(
                ws,
                &ServerFrame::Ack {
                    id,
                    seq: stored.seq,
                },
            );
            send(ws, &ServerFrame::Message { message: stored });
            return Ok(());
        }
        if participant.author.role == Role::Visitor {
            self.take_visitor_token(&participant.sender)
                .map_err(|problem| problem.for_message(id.clone()))?;
        }
        // The object handles one event at a time and this code does not
        // await between reading the last number and inserting, so sequence
        // numbers have no gaps and no duplicates.
        let message = Message {
            seq: self.last_seq()?.next(),
            id,
            author: participant.author.clone(),
            text,
            at: now(),
        };
        self.sql.exec(
            "INSERT INTO messages (seq, sender, client_id, role, author, body, at)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
            vec![
                seq_value(message.seq)?,
                participant.sender.as_str().into(),
                message.id.as_str().into(),
                message.author.role.as_str().into(),
                message.author.name.as_str().into(),
                message.text.as_str().into(),
                SqlStorageValue::from(message.at),
            ],
        )?;
        self.last.set(Some(message.seq));
        // The runtime's output gate holds these frames until the write above
        // is durable, so nobody sees a message that a crash could lose.
        send(
            ws,
            &ServerFrame::Ack {
                id: message.id.clone(),
                seq: message.seq,
            },
        );
        let frame = ServerFrame::Message {
            message: message.clone(),
        }
        .encode();
        for socket in self.state.get_websockets() {
            // A socket that is closing cannot take frames; its client will
            // catch up with a sync when it reconnects.
            let _ = socket.send_with_str(&frame);
        }
        self.tell_inbox(&meta, Some(&message)).await;
        self.recheck_operators().await;
        Ok(())
    }

    /// Applies the visitor's rate limit, kept in storage so that it holds
    /// across hibernation and reconnects.
    fn take_visitor_token(&self, sender: &str) -> Result<(), Problem> {
        let rate = settings::visitor_rate(&self.env);
        if rate.is_unlimited() {
            return Ok(());
        }
        let at = now();
        let stored: Option<Bucket> = self
            .sql
            .exec(
                "SELECT tokens, at FROM rate WHERE sender = ?",
                vec![sender.into()],
            )
            .and_then(|c| c.to_array::<Bucket>())
            .ok()
            .and_then(|rows| rows.into_iter().next());
        let mut bucket = stored.unwrap_or_else(|| rate.full(at));
        bucket.take(rate, 1.0, at).map_err(|wait| {
            Problem::rate_limited(
                "You are sending messages faster than this chat accepts. They will go out in a moment.",
                wait,
            )
        })?;
        let _ = self.sql.exec(
            "INSERT INTO rate (sender, tokens, at) VALUES (?, ?, ?)
             ON CONFLICT (sender) DO UPDATE SET tokens = excluded.tokens, at = excluded.at",
            vec![
                sender.into(),
                bucket.tokens.into(),
                SqlStorageValue::from(bucket.at),
            ],
        );
        Ok(())
    }

    /// Operators who only read never send a frame that would be checked, so
    /// while messages flow their sessions are checked again at most once a
    /// minute, after the relay; a session that ended loses its socket.
    async fn recheck_operators(&self) {
        let at = now();
        if at - self.rechecked.get() < SESSION_RECHECK_MS {
            return;
        }
        self.rechecked.set(at);
        for socket in self.state.get_websockets_with_tag(Role::Operator.as_str()) {
            let Ok(Some(mut participant)) = socket.deserialize_attachment::<Participant>() else {
                continue;
            };
            let Some((session, checked)) = &participant.staff else {
                continue;
            };
            if at - checked < SESSION_RECHECK_MS && session.expires_at > at {
                continue;
            }
            // A session that expired or was ended (signing out everywhere)
            // loses its socket.
            let live = session.expires_at > at
                && match Db::new(&self.env) {
                    Ok(db) => db
                        .session_is_live(&session.session, at)
                        .await
                        .unwrap_or(true),
                    Err(_) => true,
                };
            if live {
                participant.staff = participant.staff.map(|(s, _)| (s, at));
                let _ = socket.serialize_attachment(&participant);
            } else {
                signed_out(&socket);
            }
        }
    }

    /// Sends the messages after `after` in pages of [`HISTORY_PAGE`].
    fn send_history(&self, ws: &WebSocket, after: Seq) -> EdgeResult<()> {
        let mut after = after;
        loop {
            let rows = self
                .sql
                .exec(
                    "SELECT seq, client_id, role, author, body, at FROM messages
                     WHERE seq > ? ORDER BY seq LIMIT ?",
                    vec![
                        seq_value(after)?,
                        SqlStorageValue::from(HISTORY_PAGE as i64 + 1),
                    ],
                )?
                .to_array::<MessageRow>()?;
            let more = rows.len() > HISTORY_PAGE;
            let messages = rows
                .into_iter()
                .take(HISTORY_PAGE)
                .map(MessageRow::into_message)
                .collect::<EdgeResult<Vec<_>>>()?;
            after = messages.last().map_or(after, |m| m.seq);
            send(ws, &ServerFrame::History { messages, more });
            if !more {
                return Ok(());
            }
        }
    }

    /// Tells the channel's inbox about this conversation. A failure is only
    /// logged: the message is stored and relayed already, and the next one
    /// will bring the inbox up to date.
    async fn tell_inbox(&self, meta: &Meta, last: Option<&Message>) {
        let summary = match summary(meta, last) {
            Ok(summary) => summary,
            Err(error) => return worker::console_error!("inbox summary: {error}"),
        };
        {
            let mut reports = self.inbox.borrow_mut();
            if reports.sending {
                reports.waiting = Some(summary);
                return;
            }
            reports.sending = true;
        }
        let mut next = Some(summary);
        while let Some(mut summary) = next {
            let wait = self.inbox.borrow().last_sent + INBOX_REPORT_INTERVAL_MS - now();
            if wait > 0 {
                Delay::from(Duration::from_millis(wait.unsigned_abs())).await;
                // Messages stored while waiting left a newer summary.
                if let Some(newer) = self.inbox.borrow_mut().waiting.take() {
                    summary = newer;
                }
            }
            self.inbox.borrow_mut().last_sent = now();
            let sent = async {
                Call::post(paths::UPSERT, &summary)?
                    .send(&internal::inbox(&self.env, &summary.channel)?)
                    .await
            }
            .await;
            if let Err(error) = sent {
                worker::console_error!("inbox update failed: {error}");
            }
            next = self.inbox.borrow_mut().waiting.take();
        }
        self.inbox.borrow_mut().sending = false;
    }

    /// The conversation's record, `None` if it was never created. Brings the
    /// schema up to date first.
    fn meta(&self) -> EdgeResult<Option<Meta>> {
        if let Some(meta) = self.meta.borrow().as_ref() {
            return Ok(Some(meta.clone()));
        }
        let Some(version) = self.schema_version()? else {
            return Ok(None);
        };
        if !self.migrated.get() && version < SCHEMA.len() {
            self.migrate(version)?;
        }
        self.migrated.set(true);
        let meta = self
            .sql
            .exec(
                "SELECT conversation, channel, token_digest, visitor, created_at, email, verified_user,
                        chatbot
                 FROM conversation",
                None,
            )?
            .to_array::<Meta>()?
            .into_iter()
            .next();
        self.meta.replace(meta.clone());
        Ok(meta)
    }

    /// The schema steps applied, `None` for an object never created. Objects
    /// from before versions were recorded have step 1.
    fn schema_version(&self) -> EdgeResult<Option<usize>> {
        #[derive(Deserialize)]
        struct Table {
            name: String,
        }
        let tables: Vec<String> = self
            .sql
            .exec(
                "SELECT name FROM sqlite_master WHERE type = 'table'
                 AND name IN ('conversation', 'schema_version')",
                None,
            )?
            .to_array::<Table>()?
            .into_iter()
            .map(|t| t.name)
            .collect();
        if !tables.iter().any(|t| t == "conversation") {
            return Ok(None);
        }
        if !tables.iter().any(|t| t == "schema_version") {
            return Ok(Some(1));
        }
        #[derive(Deserialize)]
        struct Version {
            version: i64,
        }
        let version = self
            .sql
            .exec("SELECT version FROM schema_version", None)?
            .one::<Version>()?
            .version;
        Ok(Some(
            usize::try_from(version).map_err(|e| EdgeError::Corrupt(e.to_string()))?,
        ))
    }

    /// Runs the schema steps after `from`, and records the new version.
    fn migrate(&self, from: usize) -> EdgeResult<()> {
        for step in &SCHEMA[from..] {
            self.sql.exec(step, None)?;
        }
        self.sql.exec(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
             DELETE FROM schema_version;",
            None,
        )?;
        self.sql.exec(
            "INSERT INTO schema_version (version) VALUES (?)",
            vec![SqlStorageValue::from(SCHEMA.len() as i64)],
        )?;
        Ok(())
    }

    fn last_seq(&self) -> EdgeResult<Seq> {
        if let Some(last) = self.last.get() {
            return Ok(last);
        }
        #[derive(Deserialize)]
        struct Row {
            last: i64,
        }
        let last = self
            .sql
            .exec("SELECT COALESCE(MAX(seq), 0) AS last FROM messages", None)?
            .one::<Row>()?
            .last;
        let last = Seq(u64::try_from(last).map_err(|e| EdgeError::Corrupt(e.to_string()))?);
        self.last.set(Some(last));
        Ok(last)
    }

    fn stored(&self, sender: &str, id: &ClientMsgId) -> EdgeResult<Option<Message>> {
        self.sql
            .exec(
                "SELECT seq, client_id, role, author, body, at FROM messages
                 WHERE sender = ? AND client_id = ?",
                vec![sender.into(), id.as_str().into()],
            )?
            .to_array::<MessageRow>()?
            .into_iter()
            .next()
            .map(MessageRow::into_message)
            .transpose()
    }
}

impl MessageRow {
    fn into_message(self) -> EdgeResult<Message> {
        Ok(Message {
            seq: Seq(u64::try_from(self.seq).map_err(|e| EdgeError::Corrupt(e.to_string()))?),
            id: parse_stored(ClientMsgId::parse(self.client_id))?,
            author: Author {
                role: Role::parse(&self.role)
                    .ok_or_else(|| EdgeError::Corrupt(format!("unknown role {}", self.role)))?,
                name: self.author,
            },
            text: self.body,
            at: self.at,
        })
    }
}

/// Sends a frame; a socket that is already closing drops it.
fn send(ws: &WebSocket, frame: &ServerFrame) {
    let _ = ws.send_with_str(frame.encode());
}

/// Tells an operator their session has ended and closes their socket.
fn signed_out(ws: &WebSocket) {
    send(
        ws,
        &ServerFrame::Error {
            problem: Problem::new(
                ErrorCode::Unauthorized,
                "Your session has ended. Sign in again.",
            ),
        },
    );
    let _ = ws.close(Some(CLOSE_SIGNED_OUT), Some("signed out"));
}

fn seq_value(seq: Seq) -> EdgeResult<SqlStorageValue> {
    Ok(SqlStorageValue::from(
        i64::try_from(seq.0).map_err(|e| EdgeError::Corrupt(e.to_string()))?,
    ))
}

fn parse_stored<T>(parsed: Result<T, charla_shared::ids::IdError>) -> EdgeResult<T> {
    parsed.map_err(|e| EdgeError::Corrupt(e.to_string()))
}

/// What the inbox shows of a conversation.
fn summary(meta: &Meta, last: Option<&Message>) -> EdgeResult<ConversationSummary> {
    Ok(ConversationSummary {
        id: parse_stored(ConversationId::parse(meta.conversation.as_str()))?,
        channel: parse_stored(ChannelId::parse(meta.channel.as_str()))?,
        visitor: meta.visitor.clone(),
        contact: Contact {
            email: meta.email.clone(),
            verified_user: meta.verified_user.clone(),
        },
        created_at: meta.created_at,
        last_seq: last.map_or(Seq(0), |m| m.seq),
        last: last.map(Preview::of),
    })
}
