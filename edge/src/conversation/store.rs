//! A conversation's SQLite: its record, its messages, its visitor's rate
//! bucket and how far everyone has read. Every statement the conversation
//! object runs is here.
//!
//! The object keeps copies of the record and of the last sequence number in
//! memory, read once per wake-up: an evicted object starts with them empty
//! and reads storage again, so hibernation loses nothing.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};

use charla_shared::bot::{Chatbot, InputKind, Run};
use charla_shared::channel::{ChatMode, Language};
use charla_shared::identity::ChannelSecurity;
use charla_shared::ids::{ClientMsgId, ParticipantId, Seq};
use charla_shared::limits::{INDEX_BATCH, UNREAD_TAIL};
use charla_shared::protocol::{
    Attending, Author, Contact, Holder, Member, Message, Note, PageView, ReadMark, Role,
    VisitorDetails,
};
use charla_shared::rate::{Bucket, Rate};
use charla_shared::Millis;
use serde::Deserialize;
use worker::{SqlStorage, SqlStorageValue};

use crate::error::{EdgeError, EdgeResult};
use crate::internal::NewConversation;
use crate::schema::Schema;
use crate::store::Moment;

/// The object's schema, one step per change (see [`Schema`]).
const SCHEMA: Schema = Schema {
    marker: "conversation",
    steps: &[
        // 1: the conversation's record and its messages. `sender` is the
        // author's participant id (`visitor`, `operator:<id>`; rows of
        // every version have that form) and scopes the client's message id,
        // so a retry is stored once and one participant cannot collide with
        // another's ids.
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
        // 4: the channel's security settings as last known, which every
        // visitor frame is checked against. Older objects start permissive
        // and learn the settings at the next connection or change.
        "ALTER TABLE conversation ADD COLUMN allowed_origins TEXT NOT NULL DEFAULT '[]';
         ALTER TABLE conversation ADD COLUMN require_identity INTEGER NOT NULL DEFAULT 0;",
        // 5: the chatbot: a copy of its script and where this conversation's
        // run of it is; who answers the channel; the visitor's phone number.
        "CREATE TABLE bot (
             id INTEGER PRIMARY KEY CHECK (id = 1),
             bot_id TEXT NOT NULL,
             script TEXT NOT NULL,
             run TEXT NOT NULL,
             language TEXT NOT NULL
         );
         ALTER TABLE conversation ADD COLUMN mode TEXT NOT NULL DEFAULT '\"both\"';
         ALTER TABLE conversation ADD COLUMN phone TEXT;
         ALTER TABLE messages ADD COLUMN kind TEXT;",
        // 6: the visitor's language (older objects speak English), the
        // moments the dashboard counts, and the copies sent by e-mail.
        "ALTER TABLE conversation ADD COLUMN language TEXT NOT NULL DEFAULT '\"en\"';
         ALTER TABLE conversation ADD COLUMN first_visitor_at INTEGER;
         ALTER TABLE conversation ADD COLUMN first_response_at INTEGER;
         ALTER TABLE conversation ADD COLUMN ended_at INTEGER;
         ALTER TABLE conversation ADD COLUMN copies_sent INTEGER NOT NULL DEFAULT 0;",
        // 7: how far each participant has read (one row per reader; a mark
        // only moves forward).
        "CREATE TABLE reads (
             reader TEXT PRIMARY KEY,
             role TEXT NOT NULL,
             seq INTEGER NOT NULL,
             at INTEGER NOT NULL
         );",
        // 8: operators' private notes (numbered apart from messages, so the
        // visitor's sequence has no holes), and the visitor's latest page
        // views.
        "CREATE TABLE notes (
             n INTEGER PRIMARY KEY AUTOINCREMENT,
             sender TEXT NOT NULL,
             client_id TEXT NOT NULL,
             role TEXT NOT NULL,
             author TEXT NOT NULL,
             body TEXT NOT NULL,
             at INTEGER NOT NULL,
             UNIQUE (sender, client_id)
         );
         CREATE TABLE pages (
             position INTEGER PRIMARY KEY,
             url TEXT NOT NULL,
             title TEXT NOT NULL,
             at INTEGER NOT NULL
         );",
        // 9: what operators see about the visitor's visit, apart from the
        // record that every frame reads. Older objects have no row and
        // show what they know.
        "CREATE TABLE visit (
             id INTEGER PRIMARY KEY CHECK (id = 1),
             country TEXT,
             browser TEXT NOT NULL,
             os TEXT NOT NULL,
             visits INTEGER NOT NULL DEFAULT 0,
             offset_min INTEGER,
             started_url TEXT,
             started_title TEXT,
             started_at INTEGER
         );",
        // 10: the two operators of a direct conversation, as JSON (an
        // empty list for a visitor's).
        "ALTER TABLE conversation ADD COLUMN members TEXT NOT NULL DEFAULT '[]';",
        // 11: who attends it, as its channel's inbox last said (JSON): what
        // the visitor is shown, and the operator who holds it.
        "ALTER TABLE conversation ADD COLUMN attending TEXT;
         ALTER TABLE conversation ADD COLUMN holder TEXT;",
    ],
};

/// A conversation's chatbot, as stored.
#[derive(Debug, Clone)]
pub struct BotState {
    /// The chatbot's id.
    pub id: String,
    /// The copy of the chatbot taken when the conversation started.
    pub chatbot: Chatbot,
    /// Where the run is.
    pub run: Run,
    /// The language it speaks to the visitor.
    pub language: Language,
}

/// The conversation's own record.
#[derive(Debug, Clone, PartialEq)]
pub struct Meta {
    /// The conversation id.
    pub conversation: String,
    /// Its channel.
    pub channel: String,
    /// SHA-256 of the visitor token; empty once revoked.
    pub token_digest: String,
    /// The visitor's display name.
    pub visitor: String,
    /// When it started.
    pub created_at: Millis,
    /// An address the visitor gave.
    pub email: Option<String>,
    /// The customer's verified id for the visitor.
    pub verified_user: Option<String>,
    /// The chatbot that answers first.
    pub chatbot: Option<String>,
    /// The channel's security settings as last known.
    pub security: ChannelSecurity,
    /// Who answers the channel.
    pub mode: ChatMode,
    /// A phone number the visitor gave.
    pub phone: Option<String>,
    /// The language the visitor's widget speaks.
    pub language: Language,
    /// When the visitor first wrote.
    pub first_visitor_at: Option<Millis>,
    /// When an operator first answered.
    pub first_response_at: Option<Millis>,
    /// When it ended.
    pub ended_at: Option<Millis>,
    /// How many copies of the transcript were sent by e-mail.
    pub copies_sent: u32,
    /// A direct conversation's two operators; empty for a visitor's.
    pub members: Vec<Member>,
}

impl Meta {
    /// Whether this is a conversation between two operators.
    pub fn is_direct(&self) -> bool {
        !self.members.is_empty()
    }
}

/// The conversation's storage.
pub struct Store {
    sql: SqlStorage,
    /// The schema was brought up to date since this instance started.
    upgraded: Cell<bool>,
    // In-memory copies of rows every message would otherwise read again.
    // Each is read from SQLite on first use by this instance (so after a
    // wake-up from hibernation too) and kept equal to it by the writes below,
    // which go to SQLite first; `None` means not read yet.
    meta: RefCell<Option<Meta>>,
    last: Cell<Option<Seq>>,
    bot: RefCell<Option<Option<BotState>>>,
    attending: RefCell<Option<AttendingRow>>,
    buckets: RefCell<HashMap<ParticipantId, Bucket>>,
    visitor_tail: RefCell<Option<VecDeque<Seq>>>,
}

impl Store {
    /// The storage of an object; nothing is read or written yet.
    pub fn new(sql: SqlStorage) -> Self {
        Store {
            sql,
            upgraded: Cell::new(false),
            meta: RefCell::new(None),
            last: Cell::new(None),
            bot: RefCell::new(None),
            attending: RefCell::new(None),
            buckets: RefCell::default(),
            visitor_tail: RefCell::new(None),
        }
    }

    /// The conversation's record, `None` if it was never created. Brings
    /// the schema up to date first. (An object woken for an id that was
    /// never created, a guess or a typo, writes nothing.)
    pub fn meta(&self) -> EdgeResult<Option<Meta>> {
        if let Some(meta) = self.meta.borrow().as_ref() {
            return Ok(Some(meta.clone()));
        }
        if !self.upgraded.get() {
            if !SCHEMA.upgrade_existing(&self.sql)? {
                return Ok(None);
            }
            self.upgraded.set(true);
        }
        let meta = self
            .sql
            .exec(
                "SELECT conversation, channel, token_digest, visitor, created_at, email,
                        verified_user, chatbot, allowed_origins, require_identity, mode, phone,
                        language, first_visitor_at, first_response_at, ended_at, copies_sent,
                        members
                 FROM conversation",
                None,
            )?
            .to_array::<MetaRow>()?
            .into_iter()
            .next()
            .map(MetaRow::into_meta)
            .transpose()?;
        self.meta.replace(meta.clone());
        Ok(meta)
    }

    /// Drops what this instance read, after storage was deleted.
    pub fn forget(&self) {
        self.upgraded.set(false);
        self.meta.replace(None);
        self.last.set(None);
        self.bot.replace(None);
        self.attending.replace(None);
        self.buckets.borrow_mut().clear();
        self.visitor_tail.replace(None);
    }

    /// Creates the tables and stores the record of a new conversation.
    pub fn create(&self, new: &NewConversation) -> EdgeResult<Meta> {
        if self.meta()?.is_some() {
            return Err(EdgeError::Corrupt(format!(
                "conversation {} initialised twice",
                new.id
            )));
        }
        SCHEMA.upgrade(&self.sql, 0)?;
        self.upgraded.set(true);
        self.sql.exec(
            "INSERT INTO conversation
                 (id, conversation, channel, token_digest, visitor, created_at, email,
                  verified_user, chatbot, allowed_origins, require_identity, mode, language,
                  members)
             VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            vec![
                new.id.as_str().into(),
                new.channel.as_str().into(),
                new.token_digest.as_str().into(),
                new.visitor.as_str().into(),
                SqlStorageValue::from(new.created_at),
                new.contact.email.clone().into(),
                new.contact.verified_user.clone().into(),
                new.bot.as_ref().map(|(id, _)| id.clone()).into(),
                serde_json::to_string(&new.security.allowed_origins)?.into(),
                SqlStorageValue::from(i64::from(new.security.require_identity)),
                serde_json::to_string(&new.mode)?.into(),
                serde_json::to_string(&new.language)?.into(),
                serde_json::to_string(&new.members)?.into(),
            ],
        )?;
        self.sql.exec(
            "INSERT INTO visit (id, country, browser, os) VALUES (1, ?, ?, ?)",
            vec![
                new.country.clone().into(),
                new.browser.as_str().into(),
                new.os.as_str().into(),
            ],
        )?;
        self.reread()
    }

    /// Keeps what the visitor's browser reported: the page views, the
    /// visit count, the time zone, and (the first time) the page the
    /// conversation started on, the newest of the first report.
    pub fn set_visit(&self, pages: &[PageView], visits: u32, offset_min: i32) -> EdgeResult<()> {
        self.set_pages(pages)?;
        let started = pages.last();
        self.sql.exec(
            "INSERT INTO visit (id, browser, os) VALUES (1, 'Unknown', 'Unknown')
             ON CONFLICT (id) DO NOTHING",
            None,
        )?;
        self.sql.exec(
            "UPDATE visit SET visits = ?1, offset_min = ?2,
                 started_url = COALESCE(started_url, ?3),
                 started_title = COALESCE(started_title, ?4),
                 started_at = COALESCE(started_at, ?5)
             WHERE id = 1",
            vec![
                SqlStorageValue::from(i64::from(visits)),
                SqlStorageValue::from(i64::from(offset_min)),
                started.map(|p| p.url.clone()).into(),
                started.map(|p| p.title.clone()).into(),
                started
                    .map(|p| SqlStorageValue::from(p.at))
                    .unwrap_or(SqlStorageValue::Null),
            ],
        )?;
        Ok(())
    }

    /// What operators see about the visitor.
    pub fn visitor_details(&self, meta: &Meta) -> EdgeResult<VisitorDetails> {
        #[derive(Deserialize)]
        struct Row {
            country: Option<String>,
            browser: String,
            os: String,
            visits: i64,
            offset_min: Option<i64>,
            started_url: Option<String>,
            started_title: Option<String>,
            started_at: Option<Millis>,
        }
        let visit = self
            .sql
            .exec(
                "SELECT country, browser, os, visits, offset_min, started_url, started_title,
                        started_at FROM visit",
                None,
            )?
            .to_array::<Row>()?
            .into_iter()
            .next();
        let mut details = VisitorDetails {
            name: meta.visitor.clone(),
            contact: Contact {
                email: meta.email.clone(),
                verified_user: meta.verified_user.clone(),
            },
            language: meta.language,
            browser: "Unknown".into(),
            os: "Unknown".into(),
            pages: self.pages()?,
            ..VisitorDetails::default()
        };
        if let Some(visit) = visit {
            details.country = visit.country;
            details.browser = visit.browser;
            details.os = visit.os;
            details.visits = u32::try_from(visit.visits).unwrap_or(0);
            details.offset_min = visit.offset_min.and_then(|o| i32::try_from(o).ok());
            details.started_on = match (visit.started_url, visit.started_at) {
                (Some(url), Some(at)) => Some(PageView {
                    url,
                    title: visit.started_title.unwrap_or_default(),
                    at,
                }),
                _ => None,
            };
        }
        Ok(details)
    }

    /// Records a moment the dashboard counts, the first time it happens;
    /// `true` if this was the first time.
    pub fn mark(&self, moment: Moment, at: Millis) -> EdgeResult<bool> {
        let meta = self
            .meta()?
            .ok_or_else(|| EdgeError::Corrupt("a moment of an uncreated conversation".into()))?;
        let (column, set) = match moment {
            Moment::VisitorWrote => ("first_visitor_at", meta.first_visitor_at),
            Moment::OperatorAnswered => ("first_response_at", meta.first_response_at),
            Moment::Ended => ("ended_at", meta.ended_at),
        };
        if set.is_some() {
            return Ok(false);
        }
        self.sql.exec(
            &format!("UPDATE conversation SET {column} = ?"),
            vec![SqlStorageValue::from(at)],
        )?;
        self.reread()?;
        Ok(true)
    }

    /// Counts a copy of the transcript sent by e-mail.
    pub fn count_copy(&self) -> EdgeResult<()> {
        self.sql.exec(
            "UPDATE conversation SET copies_sent = copies_sent + 1",
            None,
        )?;
        self.reread().map(|_| ())
    }

    /// The operator who wrote last, if any did.
    pub fn last_operator(&self) -> EdgeResult<Option<Author>> {
        Ok(self
            .sql
            .exec(
                "SELECT seq, sender, client_id, role, author, body, at, kind FROM messages
                 WHERE role = 'operator' ORDER BY seq DESC LIMIT 1",
                None,
            )?
            .to_array::<MessageRow>()?
            .into_iter()
            .next()
            .map(MessageRow::into_message)
            .transpose()?
            .map(|message| message.author))
    }

    /// Forgets the visitor's token: it opens nothing any more.
    pub fn revoke_token(&self) -> EdgeResult<()> {
        self.sql
            .exec("UPDATE conversation SET token_digest = ''", None)?;
        self.reread().map(|_| ())
    }

    /// Keeps what the visitor gave the chatbot: an e-mail address (which
    /// operators see with the conversation) or a phone number.
    pub fn set_contact(&self, input: InputKind, value: &str) -> EdgeResult<()> {
        let column = match input {
            InputKind::Email => "email",
            InputKind::Phone => "phone",
            InputKind::Text | InputKind::Multiline => return Ok(()),
        };
        self.sql.exec(
            &format!("UPDATE conversation SET {column} = ?"),
            vec![value.into()],
        )?;
        self.reread().map(|_| ())
    }

    /// The conversation's chatbot, if it has one.
    pub fn bot(&self) -> EdgeResult<Option<BotState>> {
        if let Some(known) = self.bot.borrow().as_ref() {
            return Ok(known.clone());
        }
        let stored = self.read_bot()?;
        self.bot.replace(Some(stored.clone()));
        Ok(stored)
    }

    fn read_bot(&self) -> EdgeResult<Option<BotState>> {
        #[derive(Deserialize)]
        struct Row {
            bot_id: String,
            script: String,
            run: String,
            language: String,
        }
        self.sql
            .exec("SELECT bot_id, script, run, language FROM bot", None)?
            .to_array::<Row>()?
            .into_iter()
            .next()
            .map(|row| {
                Ok(BotState {
                    id: row.bot_id,
                    chatbot: serde_json::from_str(&row.script)?,
                    run: serde_json::from_str(&row.run)?,
                    language: serde_json::from_str(&row.language)?,
                })
            })
            .transpose()
    }

    /// Stores a chatbot and its run for the conversation.
    pub fn set_bot(&self, state: &BotState) -> EdgeResult<()> {
        self.sql.exec(
            "INSERT INTO bot (id, bot_id, script, run, language) VALUES (1, ?, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET run = excluded.run",
            vec![
                state.id.as_str().into(),
                serde_json::to_string(&state.chatbot)?.into(),
                serde_json::to_string(&state.run)?.into(),
                serde_json::to_string(&state.language)?.into(),
            ],
        )?;
        // What the upsert left: a new row, or only the run replaced.
        match &mut *self.bot.borrow_mut() {
            Some(Some(known)) => known.run = state.run.clone(),
            known @ Some(None) => *known = Some(Some(state.clone())),
            None => {}
        }
        Ok(())
    }

    /// Records the channel's current security settings, if they changed.
    pub fn set_security(&self, security: &ChannelSecurity) -> EdgeResult<Meta> {
        let meta = self
            .meta()?
            .ok_or_else(|| EdgeError::Corrupt("security for an uncreated conversation".into()))?;
        if &meta.security == security {
            return Ok(meta);
        }
        self.sql.exec(
            "UPDATE conversation SET allowed_origins = ?, require_identity = ?",
            vec![
                serde_json::to_string(&security.allowed_origins)?.into(),
                SqlStorageValue::from(i64::from(security.require_identity)),
            ],
        )?;
        self.reread()
    }

    /// The last stored sequence number.
    pub fn last_seq(&self) -> EdgeResult<Seq> {
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

    /// A message a participant already sent with this client id, if any.
    pub fn find(&self, sender: &ParticipantId, id: &ClientMsgId) -> EdgeResult<Option<Message>> {
        self.sql
            .exec(
                "SELECT seq, sender, client_id, role, author, body, at, kind FROM messages
                 WHERE sender = ? AND client_id = ?",
                vec![sender.as_str().into(), id.as_str().into()],
            )?
            .to_array::<MessageRow>()?
            .into_iter()
            .next()
            .map(MessageRow::into_message)
            .transpose()
    }

    /// Stores a message under its sequence number.
    pub fn insert(&self, message: &Message) -> EdgeResult<()> {
        self.insert_with(message, "")?;
        Ok(())
    }

    /// Stores a message unless its sender stored one with the same client
    /// id before; whether it was stored now.
    pub fn insert_new(&self, message: &Message) -> EdgeResult<bool> {
        self.insert_with(message, " ON CONFLICT (sender, client_id) DO NOTHING")
    }

    fn insert_with(&self, message: &Message, on_conflict: &str) -> EdgeResult<bool> {
        let cursor = self.sql.exec(
            &format!(
                "INSERT INTO messages (seq, sender, client_id, role, author, body, at, kind)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?){on_conflict}"
            ),
            vec![
                SqlStorageValue::from(message.seq.to_i64()),
                message.author.id.as_str().into(),
                message.id.as_str().into(),
                message.author.role.as_str().into(),
                message.author.name.as_str().into(),
                message.text.as_str().into(),
                SqlStorageValue::from(message.at),
                (!message.kind.is_text())
                    .then(|| serde_json::to_string(&message.kind))
                    .transpose()?
                    .into(),
            ],
        )?;
        let stored = cursor.rows_written() > 0;
        if stored {
            self.last.set(Some(message.seq));
            if message.author.role == Role::Visitor {
                if let Some(tail) = self.visitor_tail.borrow_mut().as_mut() {
                    tail.push_back(message.seq);
                    if tail.len() > UNREAD_TAIL {
                        tail.pop_front();
                    }
                }
            }
        }
        Ok(stored)
    }

    /// The last stored message, if any.
    pub fn latest(&self) -> EdgeResult<Option<Message>> {
        self.sql
            .exec(
                "SELECT seq, sender, client_id, role, author, body, at, kind FROM messages
                 ORDER BY seq DESC LIMIT 1",
                None,
            )?
            .to_array::<MessageRow>()?
            .into_iter()
            .next()
            .map(MessageRow::into_message)
            .transpose()
    }

    /// Up to `limit` messages after `after`, in sequence order.
    pub fn after(&self, after: Seq, limit: usize) -> EdgeResult<Vec<Message>> {
        self.sql
            .exec(
                "SELECT seq, sender, client_id, role, author, body, at, kind FROM messages
                 WHERE seq > ? ORDER BY seq LIMIT ?",
                vec![
                    SqlStorageValue::from(after.to_i64()),
                    SqlStorageValue::from(i64::try_from(limit).unwrap_or(i64::MAX)),
                ],
            )?
            .to_array::<MessageRow>()?
            .into_iter()
            .map(MessageRow::into_message)
            .collect()
    }

    /// Takes one token from a participant's bucket, kept in storage so that
    /// it holds across hibernation and reconnects. `Ok(Err(wait))` means the
    /// bucket is empty for `wait` more milliseconds.
    pub fn take(
        &self,
        sender: &ParticipantId,
        rate: Rate,
        now: Millis,
    ) -> EdgeResult<Result<(), u64>> {
        Ok(match self.try_take(sender, rate, now)? {
            Ok(bucket) => Ok(self.keep_bucket(sender, bucket)?),
            Err(wait) => Err(wait),
        })
    }

    /// The participant's bucket with one token taken, not yet stored
    /// ([`Store::keep_bucket`] does that); `Err(wait)` as for `take`.
    pub fn try_take(
        &self,
        sender: &ParticipantId,
        rate: Rate,
        now: Millis,
    ) -> EdgeResult<Result<Bucket, u64>> {
        let known = self.buckets.borrow().get(sender).copied();
        let stored = match known {
            Some(bucket) => Some(bucket),
            None => self
                .sql
                .exec(
                    "SELECT tokens, at FROM rate WHERE sender = ?",
                    vec![sender.as_str().into()],
                )?
                .to_array::<Bucket>()?
                .into_iter()
                .next(),
        };
        let mut bucket = stored.unwrap_or_else(|| rate.full(now));
        Ok(bucket.take(rate, 1.0, now).map(|()| bucket))
    }

    /// Stores a participant's bucket (see [`Store::try_take`]).
    pub fn keep_bucket(&self, sender: &ParticipantId, bucket: Bucket) -> EdgeResult<()> {
        self.sql.exec(
            "INSERT INTO rate (sender, tokens, at) VALUES (?, ?, ?)
             ON CONFLICT (sender) DO UPDATE SET tokens = excluded.tokens, at = excluded.at",
            vec![
                sender.as_str().into(),
                bucket.tokens.into(),
                SqlStorageValue::from(bucket.at),
            ],
        )?;
        self.buckets.borrow_mut().insert(sender.clone(), bucket);
        Ok(())
    }

    /// Who attends the conversation, if its inbox ever said.
    pub fn attending(&self) -> EdgeResult<Option<Attending>> {
        parse_column(self.attending_row()?.attending)
    }

    /// The operator who holds the conversation, if one does.
    pub fn holder(&self) -> EdgeResult<Option<Holder>> {
        parse_column(self.attending_row()?.holder)
    }

    /// Keeps what the inbox said about who attends the conversation.
    pub fn set_attending(&self, attending: &Attending, holder: Option<&Holder>) -> EdgeResult<()> {
        let row = AttendingRow {
            attending: Some(serde_json::to_string(attending)?),
            holder: holder.map(serde_json::to_string).transpose()?,
        };
        self.sql.exec(
            "UPDATE conversation SET attending = ?, holder = ?",
            vec![row.attending.clone().into(), row.holder.clone().into()],
        )?;
        self.attending.replace(Some(row));
        Ok(())
    }

    /// How far each participant has read.
    pub fn reads(&self) -> EdgeResult<Vec<ReadMark>> {
        #[derive(Deserialize)]
        struct Row {
            reader: String,
            role: String,
            seq: i64,
        }
        self.sql
            .exec("SELECT reader, role, seq FROM reads", None)?
            .to_array::<Row>()?
            .into_iter()
            .map(|row| {
                let reader = stored_author(&row.role, row.reader, String::new())?;
                Ok(ReadMark {
                    reader: reader.id,
                    role: reader.role,
                    seq: Seq(u64::try_from(row.seq).map_err(|e| EdgeError::Corrupt(e.to_string()))?),
                })
            })
            .collect()
    }

    /// Moves a reader's mark forward; `false` if it was there already (a
    /// mark never goes back, so a late frame changes nothing).
    pub fn mark_read(&self, mark: &ReadMark, at: Millis) -> EdgeResult<bool> {
        let cursor = self.sql.exec(
            "INSERT INTO reads (reader, role, seq, at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (reader) DO UPDATE SET seq = excluded.seq, at = excluded.at
             WHERE excluded.seq > reads.seq",
            vec![
                mark.reader.as_str().into(),
                mark.role.as_str().into(),
                SqlStorageValue::from(mark.seq.to_i64()),
                SqlStorageValue::from(at),
            ],
        )?;
        Ok(cursor.rows_written() > 0)
    }

    /// Stores a note under the next note number; a retry (the same sender
    /// and id) stores nothing and returns the note stored first, with
    /// `false`.
    pub fn insert_note(
        &self,
        author: &Author,
        id: &ClientMsgId,
        text: &str,
        at: Millis,
    ) -> EdgeResult<(Note, bool)> {
        let written = self
            .sql
            .exec(
                "INSERT INTO notes (sender, client_id, role, author, body, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (sender, client_id) DO NOTHING",
                vec![
                    author.id.as_str().into(),
                    id.as_str().into(),
                    author.role.as_str().into(),
                    author.name.as_str().into(),
                    text.into(),
                    SqlStorageValue::from(at),
                ],
            )?
            .rows_written()
            > 0;
        let note = self
            .sql
            .exec(
                "SELECT n, sender, client_id, role, author, body, at FROM notes
                 WHERE sender = ? AND client_id = ?",
                vec![author.id.as_str().into(), id.as_str().into()],
            )?
            .one::<NoteRow>()?
            .into_note()?;
        Ok((note, written))
    }

    /// Every note, ascending.
    pub fn notes(&self) -> EdgeResult<Vec<Note>> {
        self.sql
            .exec(
                "SELECT n, sender, client_id, role, author, body, at FROM notes ORDER BY n",
                None,
            )?
            .to_array::<NoteRow>()?
            .into_iter()
            .map(NoteRow::into_note)
            .collect()
    }

    /// Replaces the visitor's page views (checked already).
    fn set_pages(&self, pages: &[PageView]) -> EdgeResult<()> {
        self.sql.exec("DELETE FROM pages", None)?;
        for (position, page) in pages.iter().enumerate() {
            self.sql.exec(
                "INSERT INTO pages (position, url, title, at) VALUES (?, ?, ?, ?)",
                vec![
                    SqlStorageValue::from(position as i64),
                    page.url.as_str().into(),
                    page.title.as_str().into(),
                    SqlStorageValue::from(page.at),
                ],
            )?;
        }
        Ok(())
    }

    /// The visitor's page views, newest last.
    pub fn pages(&self) -> EdgeResult<Vec<PageView>> {
        #[derive(Deserialize)]
        struct Row {
            url: String,
            title: String,
            at: Millis,
        }
        Ok(self
            .sql
            .exec("SELECT url, title, at FROM pages ORDER BY position", None)?
            .to_array::<Row>()?
            .into_iter()
            .map(|row| PageView {
                url: row.url,
                title: row.title,
                at: row.at,
            })
            .collect())
    }

    /// The sequence numbers of the visitor's latest [`UNREAD_TAIL`]
    /// messages, ascending: what the console counts unread messages from.
    pub fn visitor_seqs(&self) -> EdgeResult<Vec<Seq>> {
        if let Some(tail) = self.visitor_tail.borrow().as_ref() {
            return Ok(tail.iter().copied().collect());
        }
        let seqs = latest_seqs(&self.sql, "role", Role::Visitor.as_str())?;
        self.visitor_tail
            .replace(Some(seqs.iter().copied().collect()));
        Ok(seqs)
    }

    /// The storage itself, for work that outlives one event (the inbox
    /// reports, which read the new messages' texts when they go out).
    pub fn sql(&self) -> SqlStorage {
        self.sql.clone()
    }

    fn reread(&self) -> EdgeResult<Meta> {
        self.meta.replace(None);
        self.meta()?
            .ok_or_else(|| EdgeError::Corrupt("the conversation record is missing".into()))
    }
}

/// The texts of the messages after `after` (at most [`INDEX_BATCH`]), for
/// the inbox's search index: what people wrote, not the edge's notices.
pub fn texts_after(sql: &SqlStorage, after: Seq) -> EdgeResult<Vec<(Seq, String)>> {
    #[derive(Deserialize)]
    struct Row {
        seq: i64,
        body: String,
    }
    sql.exec(
        "SELECT seq, body FROM messages WHERE seq > ? AND role != 'system'
         ORDER BY seq LIMIT ?",
        vec![
            SqlStorageValue::from(after.to_i64()),
            SqlStorageValue::from(INDEX_BATCH as i64),
        ],
    )?
    .to_array::<Row>()?
    .into_iter()
    .map(|row| {
        let seq = u64::try_from(row.seq).map_err(|e| EdgeError::Corrupt(e.to_string()))?;
        Ok((Seq(seq), row.body))
    })
    .collect()
}

/// The sequence numbers of one sender's latest messages, ascending, at
/// most [`UNREAD_TAIL`].
pub fn seqs_of(sql: &SqlStorage, sender: &ParticipantId) -> EdgeResult<Vec<Seq>> {
    latest_seqs(sql, "sender", sender.as_str())
}

/// The latest messages' sequence numbers where `column` is `value`.
fn latest_seqs(sql: &SqlStorage, column: &str, value: &str) -> EdgeResult<Vec<Seq>> {
    #[derive(Deserialize)]
    struct Row {
        seq: i64,
    }
    let mut seqs = sql
        .exec(
            &format!("SELECT seq FROM messages WHERE {column} = ? ORDER BY seq DESC LIMIT ?"),
            vec![value.into(), SqlStorageValue::from(UNREAD_TAIL as i64)],
        )?
        .to_array::<Row>()?
        .into_iter()
        .map(|row| u64::try_from(row.seq).map(Seq))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| EdgeError::Corrupt(e.to_string()))?;
    seqs.reverse();
    Ok(seqs)
}

#[derive(Debug, Deserialize)]
struct MetaRow {
    conversation: String,
    channel: String,
    token_digest: String,
    visitor: String,
    created_at: Millis,
    email: Option<String>,
    verified_user: Option<String>,
    chatbot: Option<String>,
    allowed_origins: String,
    require_identity: i64,
    mode: String,
    phone: Option<String>,
    language: String,
    first_visitor_at: Option<Millis>,
    first_response_at: Option<Millis>,
    ended_at: Option<Millis>,
    copies_sent: i64,
    members: String,
}

impl MetaRow {
    fn into_meta(self) -> EdgeResult<Meta> {
        Ok(Meta {
            conversation: self.conversation,
            channel: self.channel,
            token_digest: self.token_digest,
            visitor: self.visitor,
            created_at: self.created_at,
            email: self.email,
            verified_user: self.verified_user,
            chatbot: self.chatbot,
            security: ChannelSecurity {
                allowed_origins: serde_json::from_str(&self.allowed_origins)?,
                require_identity: self.require_identity != 0,
            },
            mode: serde_json::from_str(&self.mode)?,
            phone: self.phone,
            language: serde_json::from_str(&self.language)?,
            first_visitor_at: self.first_visitor_at,
            first_response_at: self.first_response_at,
            ended_at: self.ended_at,
            copies_sent: u32::try_from(self.copies_sent).unwrap_or(u32::MAX),
            members: serde_json::from_str(&self.members)?,
        })
    }
}

/// An author as stored: their role, participant id and name.
fn stored_author(role: &str, sender: String, name: String) -> EdgeResult<Author> {
    Ok(Author {
        role: Role::parse(role)
            .ok_or_else(|| EdgeError::Corrupt(format!("unknown role {role}")))?,
        id: ParticipantId::parse(sender).map_err(|e| EdgeError::Corrupt(e.to_string()))?,
        name,
    })
}

#[derive(Debug, Deserialize)]
struct NoteRow {
    n: i64,
    sender: String,
    client_id: String,
    role: String,
    author: String,
    body: String,
    at: Millis,
}

impl NoteRow {
    fn into_note(self) -> EdgeResult<Note> {
        let corrupt = |e: &dyn std::fmt::Display| EdgeError::Corrupt(e.to_string());
        Ok(Note {
            n: u64::try_from(self.n).map_err(|e| corrupt(&e))?,
            id: ClientMsgId::parse(self.client_id).map_err(|e| corrupt(&e))?,
            author: stored_author(&self.role, self.sender, self.author)?,
            text: self.body,
            at: self.at,
        })
    }
}

#[derive(Debug, Deserialize)]
struct MessageRow {
    seq: i64,
    sender: String,
    client_id: String,
    role: String,
    author: String,
    body: String,
    at: Millis,
    /// `MessageKind` as JSON; null for text.
    kind: Option<String>,
}

impl MessageRow {
    fn into_message(self) -> EdgeResult<Message> {
        let corrupt = |e: &dyn std::fmt::Display| EdgeError::Corrupt(e.to_string());
        Ok(Message {
            seq: Seq(u64::try_from(self.seq).map_err(|e| corrupt(&e))?),
            id: ClientMsgId::parse(self.client_id).map_err(|e| corrupt(&e))?,
            author: stored_author(&self.role, self.sender, self.author)?,
            text: self.body,
            at: self.at,
            kind: self
                .kind
                .map(|kind| serde_json::from_str(&kind))
                .transpose()?
                .unwrap_or_default(),
        })
    }
}

/// Who attends and who holds the conversation, as stored (JSON).
#[derive(Debug, Clone, Default, Deserialize)]
struct AttendingRow {
    attending: Option<String>,
    holder: Option<String>,
}

impl Store {
    fn attending_row(&self) -> EdgeResult<AttendingRow> {
        if let Some(known) = self.attending.borrow().as_ref() {
            return Ok(known.clone());
        }
        let row = self
            .sql
            .exec("SELECT attending, holder FROM conversation", Vec::new())?
            .to_array::<AttendingRow>()?
            .into_iter()
            .next()
            .unwrap_or_default();
        self.attending.replace(Some(row.clone()));
        Ok(row)
    }
}

fn parse_column<T: serde::de::DeserializeOwned>(value: Option<String>) -> EdgeResult<Option<T>> {
    Ok(match value {
        Some(value) => Some(serde_json::from_str(&value)?),
        None => None,
    })
}
