//! One channel's inbox: a Durable Object that keeps a summary of every
//! conversation of the channel and pushes changes to the operators
//! subscribed to it.
//!
//! Conversation objects report to it after stored messages and when their
//! visitor comes or goes; operators' consoles hold one hibernatable
//! WebSocket per channel. Like the conversation object, it keeps nothing in
//! memory that a wake-up could not rebuild from storage, and it upgrades its
//! own schema the same way.

mod queue;

use charla_shared::identity::ChannelSecurity;
use charla_shared::ids::{ChannelId, ConversationId};
use charla_shared::ids::{OperatorId, Seq};
use charla_shared::limits::{INBOX_SNAPSHOT, MAX_SEARCH_WORDS};
use charla_shared::protocol::{
    ConversationSummary, ErrorCode, InboxFrame, InboxRequest, Problem, Seen, CLOSE_REFUSED,
    CLOSE_SIGNED_OUT,
};
use serde::Deserialize;
use worker::{
    durable_object, wasm_bindgen, DurableObject, Env, Request, Response, SqlStorage,
    SqlStorageValue, State, WebSocket, WebSocketIncomingMessage, WebSocketPair,
};

use crate::error::{EdgeError, EdgeResult};
use crate::http::{json, query};
use crate::internal::{
    self, paths, Admission, Call, OperatorRead, Report, Search, SignedOut, StaffSession,
};
use crate::now;
use crate::schema::Schema;

/// The inbox's schema, one step per change (see [`Schema`]).
const SCHEMA: Schema = Schema {
    marker: "conversations",
    steps: &[
        // 1: a summary per conversation, newest activity first.
        "CREATE TABLE IF NOT EXISTS conversations (
             id TEXT PRIMARY KEY,
             channel TEXT NOT NULL,
             last_seq INTEGER NOT NULL,
             activity INTEGER NOT NULL,
             summary TEXT NOT NULL
         );
         CREATE INDEX IF NOT EXISTS conversations_by_activity
             ON conversations (channel, activity DESC);",
        // 2: whether the visitor has the conversation open, so that a change
        // of the channel's security settings reaches exactly those.
        "ALTER TABLE conversations ADD COLUMN visitor_online INTEGER NOT NULL DEFAULT 0;
         CREATE INDEX conversations_online ON conversations (visitor_online) WHERE visitor_online = 1;",
        // 3: how far each operator has read each conversation, so unread
        // counts survive reloads and agree across tabs and devices.
        "CREATE TABLE reads (
             operator TEXT NOT NULL,
             conversation TEXT NOT NULL,
             seq INTEGER NOT NULL,
             PRIMARY KEY (operator, conversation)
         );",
        // 4: a direct conversation's two operators, each between spaces
        // (` ana bo `), the only ones its summary is shown to; NULL for a
        // visitor's conversation.
        "ALTER TABLE conversations ADD COLUMN members TEXT;",
        // 5: what people wrote, for search (accents folded), and how far
        // each conversation is indexed, so a text sent twice is kept once.
        "CREATE VIRTUAL TABLE texts USING fts5(
             body, conversation UNINDEXED, seq UNINDEXED,
             tokenize = 'unicode61 remove_diacritics 2'
         );
         CREATE TABLE indexed (
             conversation TEXT PRIMARY KEY,
             seq INTEGER NOT NULL
         );",
        // 6: the queue (see `queue.rs`): conversations waiting for a
        // person or held by one, the operators on duty, and the channel's
        // routing settings as last read from D1.
        "CREATE TABLE queue (
             conversation TEXT PRIMARY KEY,
             channel TEXT NOT NULL,
             since INTEGER NOT NULL,
             operator TEXT,
             operator_name TEXT,
             operator_color TEXT,
             taken_at INTEGER,
             ended INTEGER NOT NULL DEFAULT 0,
             place INTEGER
         );
         CREATE INDEX queue_open ON queue (ended, operator, since);
         CREATE TABLE duty (
             operator TEXT PRIMARY KEY,
             joined INTEGER NOT NULL DEFAULT 1,
             last_active INTEGER NOT NULL DEFAULT 0,
             last_assigned INTEGER NOT NULL DEFAULT 0
         );
         CREATE TABLE routing (
             id INTEGER PRIMARY KEY CHECK (id = 1),
             settings TEXT NOT NULL
         );",
    ],
};

/// Texts indexed by one statement: two bound values each, and one for the
/// conversation, within the runtime's 100 bound values a statement.
const TEXTS_PER_STATEMENT: usize = 49;

/// A stored summary and whether its visitor is connected.
#[derive(Deserialize)]
struct SummaryRow {
    summary: String,
    visitor_online: i64,
}

impl SummaryRow {
    fn summary(self) -> EdgeResult<ConversationSummary> {
        let mut summary: ConversationSummary = serde_json::from_str(&self.summary)?;
        summary.visitor_online = self.visitor_online != 0;
        Ok(summary)
    }
}

/// The prefix of the tag that names a socket's channel.
const CHANNEL_TAG: &str = "channel:";

/// A channel's inbox object.
#[durable_object]
pub struct Inbox {
    state: State,
    env: Env,
    sql: SqlStorage,
}

impl DurableObject for Inbox {
    fn new(state: State, env: Env) -> Self {
        // Only the worker creates inboxes, and only for channels that exist,
        // so creating the schema up front never writes for a bogus name.
        let sql = state.storage().sql();
        if let Err(error) = SCHEMA.create_or_upgrade(&sql) {
            worker::console_error!("inbox schema: {error}");
        }
        internal::answer_heartbeats(&state);
        Inbox { state, env, sql }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        internal::respond(match req.path().as_str() {
            paths::CONNECT => self.admit(&req).await,
            paths::UPSERT => async { self.report(internal::body(&mut req).await?) }.await,
            paths::PRESENCE => async { self.upsert(internal::body(&mut req).await?, true) }.await,
            paths::SIGN_OUT => async { self.sign_out(&internal::body(&mut req).await?) }.await,
            paths::SECURITY => {
                async { self.security(&internal::body(&mut req).await?).await }.await
            }
            paths::AVAILABLE => self.availability(),
            paths::ENQUEUE => async { self.enqueue(&internal::body(&mut req).await?).await }.await,
            paths::HOLD => async { self.hold(&internal::body(&mut req).await?).await }.await,
            paths::ENDED => async { self.ended(&internal::body(&mut req).await?).await }.await,
            paths::DUTY => async { self.duty(&internal::body(&mut req).await?).await }.await,
            paths::GONE => async { self.gone(&internal::body(&mut req).await?).await }.await,
            paths::SUPERVISE => {
                async {
                    let channel = query(&req.url()?, "channel")
                        .and_then(|c| ChannelId::parse(c).ok())
                        .ok_or_else(|| EdgeError::Corrupt("supervision without channel".into()))?;
                    self.supervise(&channel).await
                }
                .await
            }
            paths::READ => async { self.read(&internal::body(&mut req).await?) }.await,
            paths::ERASE => self.erase().await,
            paths::SEARCH => async { self.search(&internal::body(&mut req).await?) }.await,
            paths::REMOVE => async { self.remove(internal::body(&mut req).await?) }.await,
            other => Err(EdgeError::Corrupt(format!("no internal path {other}"))),
        })
    }

    async fn websocket_message(
        &self,
        ws: WebSocket,
        message: WebSocketIncomingMessage,
    ) -> worker::Result<()> {
        // The only frame a console sends is its operator's activity.
        let request = match &message {
            WebSocketIncomingMessage::String(raw) => InboxRequest::decode(raw),
            WebSocketIncomingMessage::Binary(_) => InboxRequest::decode(""),
        };
        let session = ws.deserialize_attachment::<StaffSession>().ok().flatten();
        match (request, session, self.channel_of(&ws)) {
            (Ok(InboxRequest::Active), Some(session), Some(channel)) => {
                if let Err(error) = self.active(&session, channel).await {
                    worker::console_error!("inbox activity: {error}");
                }
            }
            (Err(problem), _, _) => {
                let _ = ws.send_with_str(InboxFrame::Error { problem }.encode());
            }
            _ => {}
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
        internal::finish_close(&ws)?;
        // Whoever is left hears who is still here.
        if let Some(channel) = self.channel_of(&ws) {
            self.tell_presence(channel, Some(&ws));
        }
        Ok(())
    }

    async fn websocket_error(&self, ws: WebSocket, error: worker::Error) -> worker::Result<()> {
        internal::close_failed("inbox", &ws, &error)
    }
}

impl Inbox {
    /// The channel a socket listens to: it rides in a tag, since the
    /// object is not told its own name.
    fn channel_of(&self, ws: &WebSocket) -> Option<ChannelId> {
        self.state
            .get_tags(ws)
            .iter()
            .find_map(|tag| tag.strip_prefix(CHANNEL_TAG))
            .and_then(|channel| ChannelId::parse(channel).ok())
    }

    /// Subscribes an operator the worker admitted and sends the snapshot;
    /// what waits may go to them now.
    async fn admit(&self, req: &Request) -> EdgeResult<Response> {
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
        // Tagged with the operator and the session, so that signing out
        // finds their sockets, and with the channel, for presence; the
        // session rides along to check its expiry.
        let mut tags = internal::staff_tags(&session).to_vec();
        tags.push(format!("{CHANNEL_TAG}{channel}"));
        let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
        self.state.accept_websocket_with_tags(&pair.server, &tags);
        pair.server.serialize_attachment(&session)?;
        let frame = InboxFrame::Snapshot {
            conversations: self.snapshot(&channel, &session.id)?,
            read: self.reads(&session.id, &channel)?,
            channel: channel.clone(),
        };
        let _ = pair.server.send_with_str(frame.encode());
        self.connected(&session, &channel).await;
        self.tell_presence(channel, None);
        Ok(Response::from_websocket(pair.client)?)
    }

    /// Tells every subscriber who is here now (all but `closing`).
    fn tell_presence(&self, channel: ChannelId, closing: Option<&WebSocket>) {
        let at = now();
        let sockets: Vec<WebSocket> = self
            .state
            .get_websockets()
            .into_iter()
            .filter(|socket| {
                closing.is_none_or(|closing| !js_sys::Object::is(socket.as_ref(), closing.as_ref()))
            })
            .collect();
        let mut online: Vec<OperatorId> = sockets
            .iter()
            .filter_map(|socket| {
                socket
                    .deserialize_attachment::<StaffSession>()
                    .ok()
                    .flatten()
            })
            .filter(|session| session.expires_at > at)
            .map(|session| session.id)
            .collect();
        online.sort();
        online.dedup();
        let away = self.away(&online);
        let frame = InboxFrame::Presence {
            channel,
            online,
            away,
        }
        .encode();
        for socket in sockets {
            let _ = socket.send_with_str(&frame);
        }
    }

    /// Records a summary unless a newer one is stored already (reports from
    /// one conversation can overtake each other), then tells subscribers.
    /// Whether the visitor is connected changes only with `presence`
    /// reports, which the conversation sends at once when its visitor comes
    /// or goes; plain summaries are spaced out and may carry an older view.
    fn upsert(&self, mut summary: ConversationSummary, presence: bool) -> EdgeResult<Response> {
        let activity = summary.last.as_ref().map_or(summary.created_at, |l| l.at);
        let members = summary.is_direct().then(|| {
            let ids: Vec<&str> = summary.direct.iter().map(|m| m.id.as_str()).collect();
            format!(" {} ", ids.join(" "))
        });
        let cursor = self.sql.exec(
            "INSERT INTO conversations
                 (id, channel, last_seq, activity, summary, visitor_online, members)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?8)
             ON CONFLICT (id) DO UPDATE SET
                 last_seq = excluded.last_seq,
                 activity = excluded.activity,
                 summary = excluded.summary,
                 visitor_online = CASE WHEN ?7 THEN excluded.visitor_online
                                       ELSE conversations.visitor_online END
             WHERE excluded.last_seq >= conversations.last_seq
             RETURNING visitor_online",
            vec![
                summary.id.as_str().into(),
                summary.channel.as_str().into(),
                SqlStorageValue::from(summary.last_seq.to_i64()),
                SqlStorageValue::from(activity),
                serde_json::to_string(&summary)?.into(),
                SqlStorageValue::from(i64::from(presence && summary.visitor_online)),
                SqlStorageValue::from(i64::from(presence)),
                members.into(),
            ],
        )?;
        // A row comes back only when the summary was newer than the stored
        // one, with the presence as stored (a report without presence keeps
        // what the last presence update said).
        if let Some(row) = cursor.to_array::<OnlineRow>()?.first() {
            summary.visitor_online = row.visitor_online != 0;
            self.overlay(&mut summary)?;
            self.broadcast(&summary);
        }
        Ok(Response::empty()?.with_status(204))
    }

    /// Sends a summary to every console that may see it.
    fn broadcast(&self, summary: &ConversationSummary) {
        let frame = InboxFrame::Upsert {
            conversation: Box::new(summary.clone()),
        }
        .encode();
        let at = now();
        for socket in self.state.get_websockets() {
            match socket.deserialize_attachment::<StaffSession>() {
                Ok(Some(session)) if session.expires_at <= at => {
                    signed_out(&socket);
                }
                // A direct conversation's summary goes to its two
                // operators only.
                Ok(Some(session)) if !summary.shown_to(&session.id) => {}
                Ok(Some(_)) => {
                    let _ = socket.send_with_str(&frame);
                }
                _ if summary.is_direct() => {}
                _ => {
                    let _ = socket.send_with_str(&frame);
                }
            }
        }
    }

    /// A conversation's stored summary, with whether its visitor is here.
    fn stored_summary(&self, id: &ConversationId) -> EdgeResult<Option<ConversationSummary>> {
        self.sql
            .exec(
                "SELECT summary, visitor_online FROM conversations WHERE id = ?",
                vec![id.as_str().into()],
            )?
            .to_array::<SummaryRow>()?
            .into_iter()
            .next()
            .map(SummaryRow::summary)
            .transpose()
    }

    /// A conversation's report: its summary, and its new texts for search.
    fn report(&self, report: Report) -> EdgeResult<Response> {
        let conversation = report.summary.id.as_str();
        // The new texts go in a few dozen to a statement (a report carries
        // several, and each statement crosses into the runtime), and the
        // statement itself leaves out those indexed before: a report sent
        // again after a wake-up repeats recent texts.
        for batch in report.texts.chunks(TEXTS_PER_STATEMENT) {
            let rows = vec!["(?, ?)"; batch.len()].join(", ");
            let mut values = vec![SqlStorageValue::from(conversation)];
            for (seq, text) in batch {
                values.push(text.as_str().into());
                values.push(SqlStorageValue::from(seq.to_i64()));
            }
            self.sql.exec(
                &format!(
                    "INSERT INTO texts (body, conversation, seq)
                     SELECT column1, ?1, column2 FROM (VALUES {rows})
                     WHERE column2 > COALESCE(
                         (SELECT seq FROM indexed WHERE conversation = ?1), 0)"
                ),
                values,
            )?;
        }
        if let Some((last, _)) = report.texts.iter().max_by_key(|(seq, _)| *seq) {
            self.sql.exec(
                "INSERT INTO indexed (conversation, seq) VALUES (?1, ?2)
                 ON CONFLICT (conversation) DO UPDATE SET seq = MAX(seq, excluded.seq)",
                vec![conversation.into(), SqlStorageValue::from(last.to_i64())],
            )?;
        }
        self.upsert(report.summary, false)
    }

    /// Forgets a deleted conversation (its summary, read marks and texts)
    /// and tells those who could see it.
    fn remove(&self, conversation: ConversationId) -> EdgeResult<Response> {
        #[derive(Deserialize)]
        struct Row {
            summary: String,
        }
        let summary: Option<ConversationSummary> = self
            .sql
            .exec(
                "SELECT summary FROM conversations WHERE id = ?",
                vec![conversation.as_str().into()],
            )?
            .to_array::<Row>()?
            .into_iter()
            .next()
            .map(|row| serde_json::from_str(&row.summary))
            .transpose()?;
        for table in [
            "conversations WHERE id",
            "reads WHERE conversation",
            "texts WHERE conversation",
            "indexed WHERE conversation",
            "queue WHERE conversation",
        ] {
            self.sql.exec(
                &format!("DELETE FROM {table} = ?"),
                vec![conversation.as_str().into()],
            )?;
        }
        let frame = InboxFrame::Removed {
            conversation: conversation.clone(),
        }
        .encode();
        for socket in self.state.get_websockets() {
            let shown = match (&summary, socket.deserialize_attachment::<StaffSession>()) {
                (Some(summary), Ok(Some(session))) => summary.shown_to(&session.id),
                (Some(summary), _) => !summary.is_direct(),
                (None, _) => true,
            };
            if shown {
                let _ = socket.send_with_str(&frame);
            }
        }
        Ok(Response::empty()?.with_status(204))
    }

    /// The channel's conversations whose visitor's name or e-mail address,
    /// or any message, has every word searched for (a word's start will do,
    /// accents aside), newest activity first; direct conversations only for
    /// their members.
    fn search(&self, search: &Search) -> EdgeResult<Response> {
        let words: Vec<String> = search
            .words
            .split_whitespace()
            .take(MAX_SEARCH_WORDS)
            .map(|word| format!("\"{}\"*", word.replace('"', "\"\"")))
            .collect();
        if words.is_empty() {
            return json(200, &Vec::<ConversationSummary>::new());
        }
        let like = format!("%{}%", search.words.trim().replace(['%', '_'], ""));
        let rows = self
            .sql
            .exec(
                "SELECT summary, visitor_online FROM conversations
                 WHERE id IN (SELECT conversation FROM texts WHERE texts MATCH ?1)
                    OR json_extract(summary, '$.visitor') LIKE ?2
                    OR json_extract(summary, '$.email') LIKE ?2
                    OR id IN (SELECT value FROM json_each(?4))
                    OR (length(?5) >= 8 AND id LIKE ?5 || '%')
                 ORDER BY activity DESC LIMIT ?3",
                vec![
                    words.join(" ").into(),
                    like.into(),
                    SqlStorageValue::from(INBOX_SNAPSHOT as i64),
                    serde_json::to_string(&search.tickets)?.into(),
                    search
                        .words
                        .trim()
                        .to_ascii_lowercase()
                        .replace(['%', '_'], "")
                        .into(),
                ],
            )?
            .to_array::<SummaryRow>()?;
        let mut found = Vec::new();
        for row in rows {
            let mut summary = row.summary()?;
            if summary.shown_to(&search.operator) {
                self.overlay(&mut summary)?;
                found.push(summary);
            }
        }
        json(200, &found)
    }

    /// Records how far an operator has read (never backwards) and tells
    /// their consoles, every tab of them.
    fn read(&self, read: &OperatorRead) -> EdgeResult<Response> {
        let cursor = self.sql.exec(
            "INSERT INTO reads (operator, conversation, seq) VALUES (?1, ?2, ?3)
             ON CONFLICT (operator, conversation) DO UPDATE SET seq = excluded.seq
             WHERE excluded.seq > reads.seq",
            vec![
                read.operator.as_str().into(),
                read.seen.conversation.as_str().into(),
                SqlStorageValue::from(read.seen.seq.to_i64()),
            ],
        )?;
        if cursor.rows_written() > 0 {
            let frame = InboxFrame::Read {
                seen: read.seen.clone(),
            }
            .encode();
            for socket in self
                .state
                .get_websockets_with_tag(&internal::operator_tag(&read.operator))
            {
                let _ = socket.send_with_str(&frame);
            }
        }
        Ok(Response::empty()?.with_status(204))
    }

    /// The channel is being deleted: subscribers are told and let go, and
    /// storage starts again empty (a channel made later with the same id
    /// starts with an empty inbox).
    async fn erase(&self) -> EdgeResult<Response> {
        let frame = InboxFrame::Error {
            problem: Problem::new(ErrorCode::NotFound, "This channel was removed."),
        }
        .encode();
        for socket in self.state.get_websockets() {
            let _ = socket.send_with_str(&frame);
            let _ = socket.close(Some(CLOSE_REFUSED), Some("removed"));
        }
        self.state.storage().delete_all().await?;
        SCHEMA.create_or_upgrade(&self.sql)?;
        Ok(Response::empty()?.with_status(204))
    }

    /// Closes the sockets of a session that ended (or of every session of
    /// an operator).
    fn sign_out(&self, ended: &SignedOut) -> EdgeResult<Response> {
        for socket in self
            .state
            .get_websockets_with_tag(&internal::signed_out_tag(ended))
        {
            signed_out(&socket);
        }
        Ok(Response::empty()?.with_status(204))
    }

    /// Passes new security settings on to every conversation whose visitor
    /// is connected; those close the sockets the settings no longer admit.
    /// A conversation that cannot be reached is logged, not skipped
    /// silently, and the others still hear of it; it checks the settings
    /// again on its visitor's next connection.
    async fn security(&self, security: &ChannelSecurity) -> EdgeResult<Response> {
        #[derive(Deserialize)]
        struct Row {
            id: String,
        }
        let online = self
            .sql
            .exec(
                "SELECT id FROM conversations WHERE visitor_online = 1",
                None,
            )?
            .to_array::<Row>()?;
        let mut failed = 0;
        for row in online {
            let sent = async {
                let id = ConversationId::parse(row.id.as_str())
                    .map_err(|e| EdgeError::Corrupt(e.to_string()))?;
                Call::post(paths::READMIT, security)?
                    .expect(&internal::conversation(&self.env, &id)?, 204)
                    .await
            }
            .await;
            if let Err(error) = sent {
                failed += 1;
                worker::console_error!("readmit {}: {error}", row.id);
            }
        }
        if failed > 0 {
            return Err(EdgeError::Corrupt(format!(
                "{failed} conversations did not take the new security settings"
            )));
        }
        Ok(Response::empty()?.with_status(204))
    }

    /// The channel's latest conversations an operator may see.
    fn snapshot(
        &self,
        channel: &ChannelId,
        operator: &OperatorId,
    ) -> EdgeResult<Vec<ConversationSummary>> {
        self.sql
            .exec(
                "SELECT summary, visitor_online FROM conversations
                 WHERE channel = ?1 AND (members IS NULL OR instr(members, ?3) > 0)
                 ORDER BY activity DESC LIMIT ?2",
                vec![
                    channel.as_str().into(),
                    SqlStorageValue::from(INBOX_SNAPSHOT as i64),
                    format!(" {operator} ").into(),
                ],
            )?
            .to_array::<SummaryRow>()?
            .into_iter()
            .map(|row| {
                let mut summary = row.summary()?;
                self.overlay(&mut summary)?;
                Ok(summary)
            })
            .collect()
    }

    /// How far an operator has read the conversations of the snapshot.
    fn reads(&self, operator: &OperatorId, channel: &ChannelId) -> EdgeResult<Vec<Seen>> {
        #[derive(Deserialize)]
        struct Row {
            conversation: String,
            seq: i64,
        }
        self.sql
            .exec(
                "SELECT r.conversation, r.seq FROM reads r
                 JOIN conversations c ON c.id = r.conversation
                 WHERE r.operator = ? AND c.channel = ?",
                vec![operator.as_str().into(), channel.as_str().into()],
            )?
            .to_array::<Row>()?
            .into_iter()
            .map(|row| {
                Ok(Seen {
                    conversation: ConversationId::parse(row.conversation.as_str())
                        .map_err(|e| EdgeError::Corrupt(e.to_string()))?,
                    seq: Seq(u64::try_from(row.seq).map_err(|e| EdgeError::Corrupt(e.to_string()))?),
                })
            })
            .collect()
    }
}

/// Tells an operator their session has ended and closes their socket.
fn signed_out(ws: &WebSocket) {
    let frame = InboxFrame::Error {
        problem: Problem::session_ended(),
    };
    let _ = ws.send_with_str(frame.encode());
    let _ = ws.close(Some(CLOSE_SIGNED_OUT), Some("signed out"));
}

/// Whether a conversation's visitor is connected, as the inbox stored it.
#[derive(Deserialize)]
struct OnlineRow {
    visitor_online: i64,
}
