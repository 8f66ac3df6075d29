//! One channel's inbox: a Durable Object that keeps a summary of every
//! conversation of the channel and pushes changes to the operators
//! subscribed to it.
//!
//! Conversation objects report to it after each stored message; operators'
//! consoles hold one hibernatable WebSocket per channel. Like the
//! conversation object, it keeps nothing in memory that a wake-up could not
//! rebuild from storage.

use charla_shared::ids::{ChannelId, OperatorId};
use charla_shared::limits::INBOX_SNAPSHOT;
use charla_shared::protocol::{ConversationSummary, ErrorCode, InboxFrame, Problem};
use serde::Deserialize;
use worker::{
    durable_object, wasm_bindgen, DurableObject, Env, Request, Response, SqlStorage,
    SqlStorageValue, State, WebSocket, WebSocketIncomingMessage, WebSocketPair,
};

use crate::error::{EdgeError, EdgeResult};
use crate::http::{json, query};
use crate::internal::{self, paths, Admission, Availability, StaffSession};
use crate::now;

/// A channel's inbox object.
#[durable_object]
pub struct Inbox {
    state: State,
    sql: SqlStorage,
}

impl DurableObject for Inbox {
    fn new(state: State, _env: Env) -> Self {
        // Only the worker creates inboxes, and only for channels that exist,
        // so creating the table up front never writes for a bogus name.
        let sql = state.storage().sql();
        if let Err(error) = sql.exec(
            "CREATE TABLE IF NOT EXISTS conversations (
                 id TEXT PRIMARY KEY,
                 channel TEXT NOT NULL,
                 last_seq INTEGER NOT NULL,
                 activity INTEGER NOT NULL,
                 summary TEXT NOT NULL
             );
             CREATE INDEX IF NOT EXISTS conversations_by_activity
                 ON conversations (channel, activity DESC);",
            None,
        ) {
            worker::console_error!("inbox schema: {error}");
        }
        internal::answer_heartbeats(&state);
        Inbox { state, sql }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        internal::respond(match req.path().as_str() {
            paths::CONNECT => self.admit(&req),
            paths::UPSERT => async { self.upsert(&internal::body(&mut req).await?) }.await,
            paths::EVICT => async { self.evict(&internal::body(&mut req).await?) }.await,
            paths::AVAILABLE => self.availability(),
            other => Err(EdgeError::Corrupt(format!("no internal path {other}"))),
        })
    }

    async fn websocket_message(
        &self,
        ws: WebSocket,
        _message: WebSocketIncomingMessage,
    ) -> worker::Result<()> {
        let frame = InboxFrame::Error {
            problem: Problem::new(
                ErrorCode::Malformed,
                "The inbox socket only sends; it takes no frames.",
            ),
        };
        let _ = ws.send_with_str(frame.encode());
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
        internal::close_failed("inbox", &ws, &error)
    }
}

impl Inbox {
    /// Subscribes an operator the worker admitted and sends the snapshot.
    fn admit(&self, req: &Request) -> EdgeResult<Response> {
        let Admission::Operator(session) = internal::admission(req)? else {
            return Err(EdgeError::refuse(
                ErrorCode::Forbidden,
                "Only operators can open an inbox.",
            ));
        };
        let channel = query(&req.url()?, "channel")
            .and_then(|c| ChannelId::parse(c).ok())
            .ok_or_else(|| EdgeError::Corrupt("inbox connect without channel".into()))?;
        let pair = WebSocketPair::new()?;
        // Tagged with the operator, so that signing out everywhere finds
        // their sockets; the session rides along to check its expiry.
        self.state
            .accept_websocket_with_tags(&pair.server, &[&operator_tag(&session.id)]);
        pair.server.serialize_attachment(&session)?;
        let frame = InboxFrame::Snapshot {
            conversations: self.snapshot(&channel)?,
            channel,
        };
        let _ = pair.server.send_with_str(frame.encode());
        Ok(Response::from_websocket(pair.client)?)
    }

    /// Records a summary unless a newer one is stored already (reports from
    /// one conversation can overtake each other), then tells subscribers.
    fn upsert(&self, summary: &ConversationSummary) -> EdgeResult<Response> {
        let activity = summary.last.as_ref().map_or(summary.created_at, |l| l.at);
        let last_seq =
            i64::try_from(summary.last_seq.0).map_err(|e| EdgeError::Corrupt(e.to_string()))?;
        let cursor = self.sql.exec(
            "INSERT INTO conversations (id, channel, last_seq, activity, summary)
             VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET
                 last_seq = excluded.last_seq,
                 activity = excluded.activity,
                 summary = excluded.summary
             WHERE excluded.last_seq >= conversations.last_seq",
            vec![
                summary.id.as_str().into(),
                summary.channel.as_str().into(),
                SqlStorageValue::from(last_seq),
                SqlStorageValue::from(activity),
                serde_json::to_string(summary)?.into(),
            ],
        )?;
        if cursor.rows_written() > 0 {
            let frame = InboxFrame::Upsert {
                conversation: summary.clone(),
            }
            .encode();
            let at = now();
            for socket in self.state.get_websockets() {
                match socket.deserialize_attachment::<StaffSession>() {
                    Ok(Some(session)) if session.expires_at <= at => {
                        let _ = socket.close(Some(4401), Some("session ended"));
                    }
                    _ => {
                        let _ = socket.send_with_str(&frame);
                    }
                }
            }
        }
        Ok(Response::empty()?.with_status(204))
    }

    /// How many operators are here now, their sessions still running.
    fn availability(&self) -> EdgeResult<Response> {
        let at = now();
        let operators = self
            .state
            .get_websockets()
            .iter()
            .filter(|socket| {
                socket
                    .deserialize_attachment::<StaffSession>()
                    .ok()
                    .flatten()
                    .is_some_and(|session| session.expires_at > at)
            })
            .count();
        json(200, &Availability { operators })
    }

    /// Closes the sockets of an operator whose sessions were all ended.
    fn evict(&self, operator: &OperatorId) -> EdgeResult<Response> {
        let frame = InboxFrame::Error {
            problem: Problem::new(
                ErrorCode::Unauthorized,
                "Your session has ended. Sign in again.",
            ),
        }
        .encode();
        for socket in self.state.get_websockets_with_tag(&operator_tag(operator)) {
            let _ = socket.send_with_str(&frame);
            let _ = socket.close(Some(4401), Some("signed out"));
        }
        Ok(Response::empty()?.with_status(204))
    }

    fn snapshot(&self, channel: &ChannelId) -> EdgeResult<Vec<ConversationSummary>> {
        #[derive(Deserialize)]
        struct Row {
            summary: String,
        }
        self.sql
            .exec(
                "SELECT summary FROM conversations WHERE channel = ?
                 ORDER BY activity DESC LIMIT ?",
                vec![
                    channel.as_str().into(),
                    SqlStorageValue::from(INBOX_SNAPSHOT as i64),
                ],
            )?
            .to_array::<Row>()?
            .into_iter()
            .map(|row| Ok(serde_json::from_str(&row.summary)?))
            .collect()
    }
}

fn operator_tag(operator: &OperatorId) -> String {
    format!("operator:{operator}")
}
