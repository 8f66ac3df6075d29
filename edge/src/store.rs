//! D1: accounts, sessions, channels and the index of conversations. Every
//! query the edge runs against D1 is in this file.

use charla_shared::api::{
    ChannelSummary, ChatbotSummary, OfflineMessage, OfflineRecord, OperatorForm, OperatorProfile,
    PreviousConversation, Record, RecordKind, RecordSummary, StaffRole, Teammate,
};
use charla_shared::bot::Chatbot;
use charla_shared::canned::Canned;
use charla_shared::channel::{ChannelOptions, ChannelSettings, Language, Rule};
use charla_shared::identity::ChannelSecurity;
use charla_shared::ids::{ArticleSlug, ChannelId, ConversationId, OperatorId, VisitorKey};
use charla_shared::knowledge::{KbArticle, ModelSettings};
use charla_shared::limits::{RATING_REPORT_ROWS, RECORD_LIST, STATS_CONVERSATIONS};
use charla_shared::protocol::Message;
use charla_shared::rating::{ConversationStat, Rating, RatingFilter, RatingRecord};
use charla_shared::Millis;
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::{D1Database, Env};

use crate::error::{EdgeError, EdgeResult};
use crate::internal::{SignedOut, StaffSession, DB};

/// The edge's D1 database.
pub struct Db(D1Database);

/// A channel as stored.
pub struct Channel {
    /// Its id.
    pub id: ChannelId,
    /// Its name.
    pub name: String,
    /// Look and texts.
    pub options: ChannelOptions,
    /// Where and how the widget shows.
    pub rules: Vec<Rule>,
    /// Who may embed it, whether visitors must be signed in.
    pub security: ChannelSecurity,
    /// The key customers sign user ids with; empty until first generated.
    pub identity_secret: String,
}

/// An operator account with its stored password hash.
pub struct Operator {
    /// What the console shows.
    pub profile: OperatorProfile,
    /// shared/src/password.rs format.
    pub password_hash: String,
}

/// The scope of the canned responses every channel shares.
pub const GLOBAL_SCOPE: &str = "*";

impl Db {
    /// The database bound to this worker.
    pub fn new(env: &Env) -> EdgeResult<Self> {
        Ok(Db(env.d1(DB)?))
    }

    /// A channel by id.
    pub async fn channel(&self, id: &ChannelId) -> EdgeResult<Option<Channel>> {
        #[derive(Deserialize)]
        struct Row {
            name: String,
            options: String,
            rules: String,
            #[serde(flatten)]
            security: SecurityRow,
            identity_secret: String,
        }
        let row: Option<Row> = self
            .0
            .prepare(
                "SELECT name, options, rules, allowed_origins, require_identity, identity_secret \
                 FROM channels WHERE id = ?1",
            )
            .bind(&[id.as_str().into()])?
            .first(None)
            .await?;
        row.map(|r| {
            Ok(Channel {
                id: id.clone(),
                name: r.name,
                options: serde_json::from_str(&r.options)?,
                rules: serde_json::from_str(&r.rules)?,
                security: r.security.parse()?,
                identity_secret: r.identity_secret,
            })
        })
        .transpose()
    }

    /// Creates a channel with default settings; `false` if the id is taken.
    pub async fn create_channel(
        &self,
        id: &ChannelId,
        name: &str,
        now: Millis,
    ) -> EdgeResult<bool> {
        let result = self
            .0
            .prepare(
                "INSERT OR IGNORE INTO channels (id, name, options, created_at) VALUES (?1, ?2, '{}', ?3)",
            )
            .bind(&[id.as_str().into(), name.into(), millis(now)])?
            .run()
            .await?;
        Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0) > 0)
    }

    /// A channel's operators.
    pub async fn channel_operators(&self, id: &ChannelId) -> EdgeResult<Vec<OperatorId>> {
        #[derive(Deserialize)]
        struct Row {
            operator_id: String,
        }
        let rows: Vec<Row> = self
            .0
            .prepare("SELECT operator_id FROM channel_operators WHERE channel_id = ?1 ORDER BY operator_id")
            .bind(&[id.as_str().into()])?
            .all()
            .await?
            .results()?;
        rows.into_iter()
            .map(|r| OperatorId::parse(r.operator_id).map_err(corrupt))
            .collect()
    }

    /// Saves what admins edit about a channel, operators included, in one
    /// batch (D1 runs a batch as a transaction).
    pub async fn save_settings(
        &self,
        id: &ChannelId,
        settings: &ChannelSettings,
    ) -> EdgeResult<()> {
        let mut statements = vec![
            self.0
                .prepare("UPDATE channels SET name = ?2, options = ?3, rules = ?4 WHERE id = ?1")
                .bind(&[
                    id.as_str().into(),
                    settings.name.as_str().into(),
                    serde_json::to_string(&settings.options)?.into(),
                    serde_json::to_string(&settings.rules)?.into(),
                ])?,
            self.0
                .prepare("DELETE FROM channel_operators WHERE channel_id = ?1")
                .bind(&[id.as_str().into()])?,
        ];
        for operator in &settings.operators {
            statements.push(
                self.0
                    .prepare(
                        "INSERT INTO channel_operators (channel_id, operator_id) VALUES (?1, ?2)",
                    )
                    .bind(&[id.as_str().into(), operator.as_str().into()])?,
            );
        }
        self.0.batch(statements).await?;
        Ok(())
    }

    /// The canned responses of a scope: a channel's id, or
    /// [`GLOBAL_SCOPE`] for every channel's.
    pub async fn canned(&self, scope: &str) -> EdgeResult<Vec<Canned>> {
        Ok(self
            .0
            .prepare(
                "SELECT shortcut, text FROM canned_responses WHERE scope = ?1 ORDER BY shortcut",
            )
            .bind(&[scope.into()])?
            .all()
            .await?
            .results()?)
    }

    /// Replaces a scope's canned responses in one batch (a transaction).
    pub async fn save_canned(&self, scope: &str, list: &[Canned]) -> EdgeResult<()> {
        let mut statements = vec![self
            .0
            .prepare("DELETE FROM canned_responses WHERE scope = ?1")
            .bind(&[scope.into()])?];
        for canned in list {
            statements.push(
                self.0
                    .prepare(
                        "INSERT INTO canned_responses (scope, shortcut, text) VALUES (?1, ?2, ?3)",
                    )
                    .bind(&[
                        scope.into(),
                        canned.shortcut.as_str().into(),
                        canned.text.as_str().into(),
                    ])?,
            );
        }
        self.0.batch(statements).await?;
        Ok(())
    }

    /// Every operator account.
    pub async fn operators(&self) -> EdgeResult<Vec<OperatorProfile>> {
        let rows: Vec<OperatorRow> = self
            .0
            .prepare("SELECT id, email, name, role, password_hash, chat_name, avatar_color, must_change_password FROM operators ORDER BY name")
            .all()
            .await?
            .results()?;
        rows.into_iter()
            .map(|r| Ok(r.into_operator()?.profile))
            .collect()
    }

    /// The channel of a conversation and its security settings, if the
    /// conversation exists: what a visitor's connection is checked against.
    pub async fn conversation_access(
        &self,
        id: &ConversationId,
    ) -> EdgeResult<Option<ChannelSecurity>> {
        let row: Option<SecurityRow> = self
            .0
            .prepare(
                "SELECT c.allowed_origins, c.require_identity FROM conversations v \
                 JOIN channels c ON c.id = v.channel_id WHERE v.id = ?1",
            )
            .bind(&[id.as_str().into()])?
            .first(None)
            .await?;
        row.map(SecurityRow::parse).transpose()
    }

    /// Replaces a channel's security settings.
    pub async fn set_security(&self, id: &ChannelId, security: &ChannelSecurity) -> EdgeResult<()> {
        self.0
            .prepare(
                "UPDATE channels SET allowed_origins = ?2, require_identity = ?3 WHERE id = ?1",
            )
            .bind(&[
                id.as_str().into(),
                serde_json::to_string(&security.allowed_origins)?.into(),
                JsValue::from_f64(f64::from(u8::from(security.require_identity))),
            ])?
            .run()
            .await?;
        Ok(())
    }

    /// Replaces a channel's signing secret.
    pub async fn set_identity_secret(&self, id: &ChannelId, secret: &str) -> EdgeResult<()> {
        self.0
            .prepare("UPDATE channels SET identity_secret = ?2 WHERE id = ?1")
            .bind(&[id.as_str().into(), secret.into()])?
            .run()
            .await?;
        Ok(())
    }

    /// Creates an account; `false` if the id or the e-mail address is taken.
    pub async fn insert_operator(
        &self,
        form: &OperatorForm,
        password_hash: &str,
        now: Millis,
    ) -> EdgeResult<bool> {
        let result = self
            .0
            .prepare(
                "INSERT INTO operators (id, email, name, role, password_hash, chat_name, \
                 avatar_color, must_change_password, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?8, 1, ?7) ON CONFLICT DO NOTHING",
            )
            .bind(&[
                form.id.as_str().into(),
                form.email.as_str().into(),
                form.name.as_str().into(),
                role_name(form.role).into(),
                password_hash.into(),
                form.chat_name.as_str().into(),
                millis(now),
                form.avatar_color.as_str().into(),
            ])?
            .run()
            .await?;
        Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0) > 0)
    }

    /// Changes an account (its password too when `password_hash` is given,
    /// which its owner must then replace); `false` if there is none.
    pub async fn update_operator(
        &self,
        form: &OperatorForm,
        password_hash: Option<&str>,
    ) -> EdgeResult<bool> {
        let result = self
            .0
            .prepare(
                "UPDATE operators SET email = ?2, name = ?3, role = ?4, chat_name = ?5, \
                 avatar_color = ?7, password_hash = COALESCE(?6, password_hash), \
                 must_change_password = CASE WHEN ?6 IS NULL THEN must_change_password ELSE 1 END \
                 WHERE id = ?1",
            )
            .bind(&[
                form.id.as_str().into(),
                form.email.as_str().into(),
                form.name.as_str().into(),
                role_name(form.role).into(),
                form.chat_name.as_str().into(),
                optional(password_hash),
                form.avatar_color.as_str().into(),
            ])?
            .run()
            .await?;
        Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0) > 0)
    }

    /// Whether another account uses this e-mail address.
    pub async fn email_taken(&self, email: &str, by_other_than: &OperatorId) -> EdgeResult<bool> {
        let found: Option<serde_json::Value> = self
            .0
            .prepare("SELECT id FROM operators WHERE email = ?1 AND id <> ?2")
            .bind(&[email.into(), by_other_than.as_str().into()])?
            .first(None)
            .await?;
        Ok(found.is_some())
    }

    /// Removes an account with its sessions and channel memberships;
    /// `false` if there is none.
    pub async fn delete_operator(&self, id: &OperatorId) -> EdgeResult<bool> {
        let result = self
            .0
            .prepare("DELETE FROM operators WHERE id = ?1")
            .bind(&[id.as_str().into()])?
            .run()
            .await?;
        Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0) > 0)
    }

    /// Replaces an operator's password with one they chose.
    pub async fn set_own_password(&self, id: &OperatorId, password_hash: &str) -> EdgeResult<()> {
        self.0
            .prepare(
                "UPDATE operators SET password_hash = ?2, must_change_password = 0 WHERE id = ?1",
            )
            .bind(&[id.as_str().into(), password_hash.into()])?
            .run()
            .await?;
        Ok(())
    }

    /// An operator by sign-in address (case-insensitive).
    pub async fn operator_by_email(&self, email: &str) -> EdgeResult<Option<Operator>> {
        let row: Option<OperatorRow> = self
            .0
            .prepare("SELECT id, email, name, role, password_hash, chat_name, avatar_color, must_change_password FROM operators WHERE email = ?1")
            .bind(&[email.into()])?
            .first(None)
            .await?;
        row.map(OperatorRow::into_operator).transpose()
    }

    /// Records a new session by the digest of its token.
    pub async fn create_session(
        &self,
        token_digest: &str,
        operator: &OperatorId,
        now: Millis,
        expires_at: Millis,
    ) -> EdgeResult<()> {
        self.0
            .prepare(
                "INSERT INTO sessions (token_digest, operator_id, created_at, expires_at) \
                 VALUES (?1, ?2, ?3, ?4)",
            )
            .bind(&[
                token_digest.into(),
                operator.as_str().into(),
                millis(now),
                millis(expires_at),
            ])?
            .run()
            .await?;
        Ok(())
    }

    /// The operator and expiry of a live session.
    pub async fn session(
        &self,
        token_digest: &str,
        now: Millis,
    ) -> EdgeResult<Option<(Operator, Millis)>> {
        #[derive(Deserialize)]
        struct Row {
            #[serde(flatten)]
            operator: OperatorRow,
            expires_at: Millis,
        }
        let row: Option<Row> = self
            .0
            .prepare(
                "SELECT o.id, o.email, o.name, o.role, o.password_hash, o.chat_name, o.avatar_color, o.must_change_password, s.expires_at \
                 FROM sessions s JOIN operators o ON o.id = s.operator_id \
                 WHERE s.token_digest = ?1 AND s.expires_at > ?2",
            )
            .bind(&[token_digest.into(), millis(now)])?
            .first(None)
            .await?;
        row.map(|r| Ok((r.operator.into_operator()?, r.expires_at)))
            .transpose()
    }

    /// Ends every session of an operator.
    pub async fn delete_sessions_of(&self, operator: &OperatorId) -> EdgeResult<()> {
        self.0
            .prepare("DELETE FROM sessions WHERE operator_id = ?1")
            .bind(&[operator.as_str().into()])?
            .run()
            .await?;
        Ok(())
    }

    /// Ends every session of an operator but one.
    pub async fn delete_other_sessions(&self, operator: &OperatorId, keep: &str) -> EdgeResult<()> {
        self.0
            .prepare("DELETE FROM sessions WHERE operator_id = ?1 AND token_digest <> ?2")
            .bind(&[operator.as_str().into(), keep.into()])?
            .run()
            .await?;
        Ok(())
    }

    /// Whether a session (by the digest of its token) is still live.
    pub async fn session_is_live(&self, token_digest: &str, now: Millis) -> EdgeResult<bool> {
        let found: Option<serde_json::Value> = self
            .0
            .prepare("SELECT 1 AS yes FROM sessions WHERE token_digest = ?1 AND expires_at > ?2")
            .bind(&[token_digest.into(), millis(now)])?
            .first(None)
            .await?;
        Ok(found.is_some())
    }

    /// Ends a session.
    pub async fn delete_session(&self, token_digest: &str) -> EdgeResult<()> {
        self.0
            .prepare("DELETE FROM sessions WHERE token_digest = ?1")
            .bind(&[token_digest.into()])?
            .run()
            .await?;
        Ok(())
    }

    /// The channels an operator answers: all of them for admins, their own
    /// for operators.
    pub async fn channels_for(
        &self,
        operator: &OperatorProfile,
    ) -> EdgeResult<Vec<ChannelSummary>> {
        #[derive(Deserialize)]
        struct Row {
            id: String,
            name: String,
        }
        let statement = match operator.role {
            StaffRole::Admin => self
                .0
                .prepare("SELECT id, name FROM channels ORDER BY name"),
            StaffRole::Operator => self
                .0
                .prepare(
                    "SELECT c.id, c.name FROM channels c \
                     JOIN channel_operators m ON m.channel_id = c.id \
                     WHERE m.operator_id = ?1 ORDER BY c.name",
                )
                .bind(&[operator.id.as_str().into()])?,
        };
        let rows: Vec<Row> = statement.all().await?.results()?;
        rows.into_iter()
            .map(|r| {
                Ok(ChannelSummary {
                    id: ChannelId::parse(r.id).map_err(corrupt)?,
                    name: r.name,
                })
            })
            .collect()
    }

    /// Whether an operator answers a channel.
    pub async fn may_answer(
        &self,
        operator: &OperatorProfile,
        channel: &ChannelId,
    ) -> EdgeResult<bool> {
        if operator.role == StaffRole::Admin {
            return Ok(self.channel(channel).await?.is_some());
        }
        let found: Option<serde_json::Value> = self
            .0
            .prepare(
                "SELECT 1 AS yes FROM channel_operators WHERE channel_id = ?1 AND operator_id = ?2",
            )
            .bind(&[channel.as_str().into(), operator.id.as_str().into()])?
            .first(None)
            .await?;
        Ok(found.is_some())
    }

    /// Indexes a new conversation under its channel.
    pub async fn insert_conversation(
        &self,
        id: &ConversationId,
        channel: &ChannelId,
        visitor_key: Option<&VisitorKey>,
        created_at: Millis,
    ) -> EdgeResult<()> {
        self.0
            .prepare(
                "INSERT INTO conversations (id, channel_id, created_at, visitor_key) \
                 VALUES (?1, ?2, ?3, ?4)",
            )
            .bind(&[
                id.as_str().into(),
                channel.as_str().into(),
                millis(created_at),
                optional(visitor_key.map(VisitorKey::as_str)),
            ])?
            .run()
            .await?;
        Ok(())
    }

    /// The earlier conversations on the same channel of the visitor of a
    /// conversation (by the key their browser keeps), newest first.
    pub async fn previous_conversations(
        &self,
        id: &ConversationId,
    ) -> EdgeResult<Vec<PreviousConversation>> {
        #[derive(Deserialize)]
        struct Row {
            id: String,
            created_at: f64,
        }
        let rows: Vec<Row> = self
            .0
            .prepare(
                "SELECT earlier.id, earlier.created_at FROM conversations this \
                 JOIN conversations earlier ON earlier.channel_id = this.channel_id \
                     AND earlier.visitor_key = this.visitor_key AND earlier.id != this.id \
                 WHERE this.id = ?1 AND this.visitor_key IS NOT NULL \
                 ORDER BY earlier.created_at DESC LIMIT 20",
            )
            .bind(&[id.as_str().into()])?
            .all()
            .await?
            .results()?;
        rows.into_iter()
            .map(|row| {
                Ok(PreviousConversation {
                    conversation: ConversationId::parse(row.id).map_err(corrupt)?,
                    created_at: row.created_at as Millis,
                })
            })
            .collect()
    }

    /// Records a moment of a conversation the dashboard counts, the first
    /// time it happens (a later one changes nothing).
    pub async fn conversation_moment(
        &self,
        id: &ConversationId,
        moment: Moment,
        at: Millis,
    ) -> EdgeResult<()> {
        let column = match moment {
            Moment::VisitorWrote => "first_visitor_at",
            Moment::OperatorAnswered => "first_response_at",
            Moment::Ended => "ended_at",
        };
        self.0
            .prepare(format!(
                "UPDATE conversations SET {column} = ?2 WHERE id = ?1 AND {column} IS NULL"
            ))
            .bind(&[id.as_str().into(), millis(at)])?
            .run()
            .await?;
        Ok(())
    }

    /// Stores a conversation's rating, replacing an earlier one (which keeps
    /// its "internal only" mark).
    pub async fn save_rating(&self, rating: &NewRating<'_>) -> EdgeResult<()> {
        self.0
            .prepare(
                "INSERT INTO ratings (conversation_id, channel_id, operator_id, operator_name, \
                 visitor, rating, reason, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) \
                 ON CONFLICT (conversation_id) DO UPDATE SET operator_id = excluded.operator_id, \
                 operator_name = excluded.operator_name, rating = excluded.rating, \
                 reason = excluded.reason, at = excluded.at",
            )
            .bind(&[
                rating.conversation.as_str().into(),
                rating.channel.as_str().into(),
                optional(rating.operator.map(OperatorId::as_str)),
                optional(rating.operator_name),
                rating.visitor.into(),
                rating.rating.as_str().into(),
                optional(rating.reason),
                millis(rating.at),
            ])?
            .run()
            .await?;
        Ok(())
    }

    /// A channel's ratings that pass `filter`, newest first, at most
    /// [`RATING_REPORT_ROWS`].
    pub async fn ratings(
        &self,
        channel: &ChannelId,
        filter: &RatingFilter,
    ) -> EdgeResult<Vec<RatingRecord>> {
        #[derive(Deserialize)]
        struct Row {
            id: u64,
            conversation_id: String,
            operator_id: Option<String>,
            operator_name: Option<String>,
            visitor: String,
            rating: String,
            reason: Option<String>,
            hidden: i64,
            at: Millis,
        }
        let rows: Vec<Row> = self
            .0
            .prepare(format!(
                "SELECT id, conversation_id, operator_id, operator_name, visitor, rating, reason, \
                 hidden, at FROM ratings WHERE channel_id = ?1 \
                 AND (?2 IS NULL OR operator_id = ?2) AND (?3 IS NULL OR rating = ?3) \
                 AND (?4 IS NULL OR at >= ?4) AND (?5 IS NULL OR at < ?5) \
                 ORDER BY at DESC, id DESC LIMIT {RATING_REPORT_ROWS}"
            ))
            .bind(&[
                channel.as_str().into(),
                optional(filter.operator.as_ref().map(OperatorId::as_str)),
                optional(filter.rating.map(Rating::as_str)),
                filter.from.map_or(JsValue::NULL, millis),
                filter.to.map_or(JsValue::NULL, millis),
            ])?
            .all()
            .await?
            .results()?;
        rows.into_iter()
            .map(|row| {
                Ok(RatingRecord {
                    id: row.id,
                    channel: channel.clone(),
                    conversation: ConversationId::parse(row.conversation_id).map_err(corrupt)?,
                    operator: row
                        .operator_id
                        .map(OperatorId::parse)
                        .transpose()
                        .map_err(corrupt)?,
                    operator_name: row.operator_name,
                    visitor: row.visitor,
                    rating: Rating::parse(&row.rating)
                        .ok_or_else(|| corrupt(format!("unknown rating {}", row.rating)))?,
                    reason: row.reason,
                    hidden: row.hidden != 0,
                    at: row.at,
                })
            })
            .collect()
    }

    /// Marks a rating of a channel "visible internally only" or not;
    /// `false` if the channel has no such rating.
    pub async fn set_rating_hidden(
        &self,
        channel: &ChannelId,
        id: u64,
        hidden: bool,
    ) -> EdgeResult<bool> {
        let result = self
            .0
            .prepare("UPDATE ratings SET hidden = ?3 WHERE channel_id = ?1 AND id = ?2")
            .bind(&[
                channel.as_str().into(),
                JsValue::from_f64(id as f64),
                JsValue::from_f64(f64::from(u8::from(hidden))),
            ])?
            .run()
            .await?;
        Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0) > 0)
    }

    /// Keeps a message left outside office hours; returns its number.
    pub async fn insert_offline_message(
        &self,
        channel: &ChannelId,
        message: &OfflineMessage,
        at: Millis,
    ) -> EdgeResult<u64> {
        let id: Option<f64> = self
            .0
            .prepare(
                "INSERT INTO offline_messages (channel_id, name, email, text, language, page, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
            )
            .bind(&[
                channel.as_str().into(),
                message.name.as_str().into(),
                message.email.as_str().into(),
                message.text.as_str().into(),
                message.language.code().into(),
                optional(message.page.as_deref()),
                JsValue::from_f64(at as f64),
            ])?
            .first(Some("id"))
            .await?;
        id.map(|id| id as u64)
            .ok_or_else(|| EdgeError::Corrupt("no id for the new offline message".into()))
    }

    /// A channel's messages left outside office hours, newest first, at
    /// most [`RECORD_LIST`].
    pub async fn offline_messages(&self, channel: &ChannelId) -> EdgeResult<Vec<OfflineRecord>> {
        #[derive(Deserialize)]
        struct Row {
            id: u64,
            name: String,
            email: String,
            text: String,
            language: String,
            page: Option<String>,
            created_at: Millis,
            read: u8,
        }
        let rows: Vec<Row> = self
            .0
            .prepare(format!(
                "SELECT id, name, email, text, language, page, created_at, read FROM offline_messages \
                 WHERE channel_id = ?1 ORDER BY created_at DESC, id DESC LIMIT {RECORD_LIST}"
            ))
            .bind(&[channel.as_str().into()])?
            .all()
            .await?
            .results()?;
        Ok(rows
            .into_iter()
            .map(|row| OfflineRecord {
                id: row.id,
                message: OfflineMessage {
                    name: row.name,
                    email: row.email,
                    text: row.text,
                    language: Language::from_tag(&row.language).unwrap_or_default(),
                    page: row.page,
                },
                created_at: row.created_at,
                read: row.read != 0,
            })
            .collect())
    }

    /// Marks a channel's offline message read or unread; `false` if the
    /// channel has no such message.
    pub async fn set_offline_read(
        &self,
        channel: &ChannelId,
        id: u64,
        read: bool,
    ) -> EdgeResult<bool> {
        let result = self
            .0
            .prepare("UPDATE offline_messages SET read = ?3 WHERE channel_id = ?1 AND id = ?2")
            .bind(&[
                channel.as_str().into(),
                JsValue::from_f64(id as f64),
                JsValue::from_f64(f64::from(u8::from(read))),
            ])?
            .run()
            .await?;
        Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0) > 0)
    }

    /// What the dashboard needs of a channel's conversations started since
    /// `since`, the newest [`STATS_CONVERSATIONS`].
    pub async fn conversation_stats(
        &self,
        channel: &ChannelId,
        since: Millis,
    ) -> EdgeResult<Vec<ConversationStat>> {
        #[derive(Deserialize)]
        struct Row {
            created_at: Millis,
            first_visitor_at: Option<Millis>,
            first_response_at: Option<Millis>,
            ended_at: Option<Millis>,
            rating: Option<String>,
        }
        let rows: Vec<Row> = self
            .0
            .prepare(format!(
                "SELECT c.created_at, c.first_visitor_at, c.first_response_at, c.ended_at, \
                 r.rating FROM conversations c LEFT JOIN ratings r ON r.conversation_id = c.id \
                 WHERE c.channel_id = ?1 AND c.created_at >= ?2 AND c.direct IS NULL \
                 ORDER BY c.created_at DESC LIMIT {STATS_CONVERSATIONS}"
            ))
            .bind(&[channel.as_str().into(), millis(since)])?
            .all()
            .await?
            .results()?;
        Ok(rows
            .into_iter()
            .map(|row| ConversationStat {
                created_at: row.created_at,
                first_visitor_at: row.first_visitor_at,
                first_response_at: row.first_response_at,
                ended_at: row.ended_at,
                rating: row.rating.as_deref().and_then(Rating::parse),
            })
            .collect())
    }

    /// Records that a session opened a socket on a conversation.
    pub async fn record_operator_socket(
        &self,
        session: &StaffSession,
        conversation: &ConversationId,
        now: Millis,
    ) -> EdgeResult<()> {
        self.0
            .prepare(
                "INSERT OR IGNORE INTO operator_sockets \
                 (session_digest, operator_id, conversation_id, opened_at) VALUES (?1, ?2, ?3, ?4)",
            )
            .bind(&[
                session.session.as_str().into(),
                session.id.as_str().into(),
                conversation.as_str().into(),
                millis(now),
            ])?
            .run()
            .await?;
        Ok(())
    }

    /// The conversations where a session that ended (or every session of
    /// an operator) may still hold sockets.
    pub async fn operator_sockets(&self, ended: &SignedOut) -> EdgeResult<Vec<ConversationId>> {
        #[derive(Deserialize)]
        struct Row {
            conversation_id: String,
        }
        let statement = match &ended.session {
            Some(session) => self
                .0
                .prepare("SELECT conversation_id FROM operator_sockets WHERE session_digest = ?1")
                .bind(&[session.as_str().into()])?,
            None => self
                .0
                .prepare(
                    "SELECT DISTINCT conversation_id FROM operator_sockets WHERE operator_id = ?1",
                )
                .bind(&[ended.operator.as_str().into()])?,
        };
        let rows: Vec<Row> = statement.all().await?.results()?;
        rows.into_iter()
            .map(|r| ConversationId::parse(r.conversation_id).map_err(corrupt))
            .collect()
    }

    /// Forgets the sockets of a session that ended (or of every session of
    /// an operator).
    pub async fn forget_operator_sockets(&self, ended: &SignedOut) -> EdgeResult<()> {
        let statement = match &ended.session {
            Some(session) => self
                .0
                .prepare("DELETE FROM operator_sockets WHERE session_digest = ?1")
                .bind(&[session.as_str().into()])?,
            None => self
                .0
                .prepare("DELETE FROM operator_sockets WHERE operator_id = ?1")
                .bind(&[ended.operator.as_str().into()])?,
        };
        statement.run().await?;
        Ok(())
    }

    /// Every conversation indexed under a channel.
    pub async fn channel_conversations(&self, id: &ChannelId) -> EdgeResult<Vec<ConversationId>> {
        #[derive(Deserialize)]
        struct Row {
            id: String,
        }
        let rows: Vec<Row> = self
            .0
            .prepare("SELECT id FROM conversations WHERE channel_id = ?1")
            .bind(&[id.as_str().into()])?
            .all()
            .await?
            .results()?;
        rows.into_iter()
            .map(|row| ConversationId::parse(row.id).map_err(corrupt))
            .collect()
    }

    /// Forgets a conversation and its rating, in one transaction.
    pub async fn delete_conversation(&self, id: &ConversationId) -> EdgeResult<()> {
        let statements = [
            "DELETE FROM ratings WHERE conversation_id = ?1",
            "DELETE FROM operator_sockets WHERE conversation_id = ?1",
            "DELETE FROM conversations WHERE id = ?1",
        ]
        .into_iter()
        .map(|sql| self.0.prepare(sql).bind(&[id.as_str().into()]))
        .collect::<Result<Vec<_>, _>>()?;
        self.0.batch(statements).await?;
        Ok(())
    }

    /// Forgets a channel and everything D1 keeps of it, in one transaction
    /// (membership, ratings, leads and tickets go by cascade).
    pub async fn delete_channel(&self, id: &ChannelId) -> EdgeResult<()> {
        let statements = [
            "DELETE FROM conversations WHERE channel_id = ?1",
            "DELETE FROM canned_responses WHERE scope = ?1",
            "DELETE FROM channels WHERE id = ?1",
        ]
        .into_iter()
        .map(|sql| self.0.prepare(sql).bind(&[id.as_str().into()]))
        .collect::<Result<Vec<_>, _>>()?;
        self.0.batch(statements).await?;
        Ok(())
    }

    /// Where a conversation belongs, if it exists: its channel, and for a
    /// direct conversation its two operators.
    pub async fn conversation_place(&self, id: &ConversationId) -> EdgeResult<Option<Place>> {
        #[derive(Deserialize)]
        struct Row {
            channel_id: String,
            direct: Option<String>,
        }
        let row: Option<Row> = self
            .0
            .prepare("SELECT channel_id, direct FROM conversations WHERE id = ?1")
            .bind(&[id.as_str().into()])?
            .first(None)
            .await?;
        row.map(|row| {
            Ok(Place {
                channel: ChannelId::parse(row.channel_id).map_err(corrupt)?,
                direct: row
                    .direct
                    .map(|members| {
                        members
                            .split(' ')
                            .map(|m| OperatorId::parse(m).map_err(corrupt))
                            .collect()
                    })
                    .transpose()?,
            })
        })
        .transpose()
    }

    /// The operators who share a channel with `operator` (admins answer
    /// every channel), by name.
    pub async fn team(&self, operator: &OperatorId) -> EdgeResult<Vec<Teammate>> {
        #[derive(Deserialize)]
        struct Row {
            id: String,
            name: String,
        }
        let rows: Vec<Row> = self
            .0
            .prepare(format!(
                "SELECT y.id, y.name FROM operators x JOIN operators y ON y.id != x.id \
                 WHERE x.id = ?1 AND EXISTS (SELECT 1 FROM channels c WHERE {SHARED}) \
                 ORDER BY y.name, y.id"
            ))
            .bind(&[operator.as_str().into()])?
            .all()
            .await?
            .results()?;
        rows.into_iter()
            .map(|row| {
                Ok(Teammate {
                    id: OperatorId::parse(row.id).map_err(corrupt)?,
                    name: row.name,
                })
            })
            .collect()
    }

    /// The first channel (by id) two operators both answer, and the second
    /// one's name; `None` if they share none.
    pub async fn shared_channel(
        &self,
        x: &OperatorId,
        y: &OperatorId,
    ) -> EdgeResult<Option<(ChannelId, String)>> {
        #[derive(Deserialize)]
        struct Row {
            channel: String,
            name: String,
        }
        let row: Option<Row> = self
            .0
            .prepare(format!(
                "SELECT c.id AS channel, y.name FROM channels c, operators x, operators y \
                 WHERE x.id = ?1 AND y.id = ?2 AND {SHARED} ORDER BY c.id LIMIT 1"
            ))
            .bind(&[x.as_str().into(), y.as_str().into()])?
            .first(None)
            .await?;
        row.map(|row| Ok((ChannelId::parse(row.channel).map_err(corrupt)?, row.name)))
            .transpose()
    }

    /// Indexes a direct conversation under the channel its summaries go
    /// to, unless it is indexed already.
    pub async fn insert_direct(
        &self,
        id: &ConversationId,
        channel: &ChannelId,
        members: [&OperatorId; 2],
        created_at: Millis,
    ) -> EdgeResult<()> {
        self.0
            .prepare(
                "INSERT INTO conversations (id, channel_id, created_at, direct) \
                 VALUES (?1, ?2, ?3, ?4) ON CONFLICT (id) DO NOTHING",
            )
            .bind(&[
                id.as_str().into(),
                channel.as_str().into(),
                millis(created_at),
                format!("{} {}", members[0], members[1]).into(),
            ])?
            .run()
            .await?;
        Ok(())
    }
}

/// Where a conversation belongs.
pub struct Place {
    /// Its channel (for a direct conversation, the one its summaries go to).
    pub channel: ChannelId,
    /// A direct conversation's two operators.
    pub direct: Option<Vec<OperatorId>>,
}

/// Whether operators `x` and `y` both answer channel `c`: admins answer
/// every channel, operators those they are members of.
const SHARED: &str = "(x.role = 'admin' OR EXISTS (SELECT 1 FROM channel_operators m \
     WHERE m.channel_id = c.id AND m.operator_id = x.id)) \
     AND (y.role = 'admin' OR EXISTS (SELECT 1 FROM channel_operators m \
     WHERE m.channel_id = c.id AND m.operator_id = y.id))";

/// What a chatbot's step records: the fields of a lead or a ticket.
pub struct NewRecord<'a> {
    /// Lead or ticket.
    pub kind: RecordKind,
    /// Its channel.
    pub channel: &'a ChannelId,
    /// Its conversation.
    pub conversation: &'a ConversationId,
    /// The team a ticket goes to.
    pub team: Option<&'a str>,
    /// A short title.
    pub title: &'a str,
    /// The visitor's name.
    pub name: &'a str,
    /// The visitor's e-mail address.
    pub email: Option<&'a str>,
    /// The visitor's phone number.
    pub phone: Option<&'a str>,
    /// The transcript so far.
    pub transcript: &'a [Message],
    /// When.
    pub created_at: Millis,
}

impl Db {
    /// Every chatbot, by name.
    pub async fn chatbots(&self) -> EdgeResult<Vec<ChatbotSummary>> {
        #[derive(Deserialize)]
        struct Row {
            id: String,
            script: String,
        }
        let rows: Vec<Row> = self
            .0
            .prepare("SELECT id, script FROM chatbots ORDER BY name")
            .all()
            .await?
            .results()?;
        rows.into_iter()
            .map(|row| {
                let bot: Chatbot = serde_json::from_str(&row.script)?;
                Ok(ChatbotSummary {
                    id: row.id,
                    name: bot.name,
                    steps: bot.steps.len(),
                })
            })
            .collect()
    }

    /// A chatbot by id.
    pub async fn chatbot(&self, id: &str) -> EdgeResult<Option<Chatbot>> {
        let script: Option<String> = self
            .0
            .prepare("SELECT script FROM chatbots WHERE id = ?1")
            .bind(&[id.into()])?
            .first(Some("script"))
            .await?;
        script
            .map(|s| serde_json::from_str(&s).map_err(EdgeError::from))
            .transpose()
    }

    /// Creates or replaces a chatbot.
    pub async fn save_chatbot(&self, id: &str, bot: &Chatbot, now: Millis) -> EdgeResult<()> {
        self.0
            .prepare(
                "INSERT INTO chatbots (id, name, script, updated_at) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, script = excluded.script, \
                 updated_at = excluded.updated_at",
            )
            .bind(&[
                id.into(),
                bot.name.as_str().into(),
                serde_json::to_string(bot)?.into(),
                millis(now),
            ])?
            .run()
            .await?;
        Ok(())
    }

    /// Removes a chatbot; `false` if there was none.
    pub async fn delete_chatbot(&self, id: &str) -> EdgeResult<bool> {
        let result = self
            .0
            .prepare("DELETE FROM chatbots WHERE id = ?1")
            .bind(&[id.into()])?
            .run()
            .await?;
        Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0) > 0)
    }

    /// A channel's articles, every language; only the published ones with
    /// `published_only`.
    pub async fn articles(
        &self,
        channel: &ChannelId,
        published_only: bool,
    ) -> EdgeResult<Vec<KbArticle>> {
        #[derive(Deserialize)]
        struct Row {
            slug: String,
            language: String,
            title: String,
            body: String,
            tags: String,
            published: i64,
        }
        let sql = if published_only {
            "SELECT slug, language, title, body, tags, published FROM kb_articles \
             WHERE channel_id = ?1 AND published = 1 ORDER BY slug, language"
        } else {
            "SELECT slug, language, title, body, tags, published FROM kb_articles \
             WHERE channel_id = ?1 ORDER BY slug, language"
        };
        let rows: Vec<Row> = self
            .0
            .prepare(sql)
            .bind(&[channel.as_str().into()])?
            .all()
            .await?
            .results()?;
        rows.into_iter()
            .map(|row| {
                Ok(KbArticle {
                    slug: ArticleSlug::parse(row.slug)
                        .map_err(|e| EdgeError::Corrupt(e.to_string()))?,
                    language: Language::from_tag(&row.language)
                        .ok_or_else(|| EdgeError::Corrupt(format!("language {}", row.language)))?,
                    title: row.title,
                    body: row.body,
                    tags: serde_json::from_str(&row.tags)?,
                    published: row.published != 0,
                })
            })
            .collect()
    }

    /// What the knowledge base of a channel is now, cheaply: how many
    /// articles and when the last changed. Equal versions, equal articles.
    pub async fn knowledge_version(&self, channel: &ChannelId) -> EdgeResult<(u64, Millis)> {
        #[derive(Deserialize)]
        struct Row {
            count: f64,
            latest: Option<f64>,
        }
        let row: Option<Row> = self
            .0
            .prepare(
                "SELECT COUNT(*) AS count, MAX(updated_at) AS latest FROM kb_articles \
                 WHERE channel_id = ?1",
            )
            .bind(&[channel.as_str().into()])?
            .first(None)
            .await?;
        Ok(row.map_or((0, 0), |r| {
            (r.count as u64, r.latest.unwrap_or(0.0) as Millis)
        }))
    }

    /// Whether the channel has at least one published article.
    pub async fn has_published_articles(&self, channel: &ChannelId) -> EdgeResult<bool> {
        #[derive(Deserialize)]
        struct Row {
            found: f64,
        }
        let row: Option<Row> = self
            .0
            .prepare(
                "SELECT EXISTS (SELECT 1 FROM kb_articles \
                 WHERE channel_id = ?1 AND published = 1) AS found",
            )
            .bind(&[channel.as_str().into()])?
            .first(None)
            .await?;
        Ok(row.is_some_and(|r| r.found > 0.0))
    }

    /// Saves articles (adding or replacing the same slug and language) in
    /// one transaction; with `replace`, the channel's other articles go.
    pub async fn save_articles(
        &self,
        channel: &ChannelId,
        articles: &[KbArticle],
        replace: bool,
        now: Millis,
    ) -> EdgeResult<()> {
        let mut statements = Vec::with_capacity(articles.len() + 1);
        if replace {
            statements.push(
                self.0
                    .prepare("DELETE FROM kb_articles WHERE channel_id = ?1")
                    .bind(&[channel.as_str().into()])?,
            );
        }
        for article in articles {
            statements.push(
                self.0
                    .prepare(
                        "INSERT INTO kb_articles (channel_id, slug, language, title, body, tags, \
                         published, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) \
                         ON CONFLICT (channel_id, slug, language) DO UPDATE SET \
                         title = excluded.title, body = excluded.body, tags = excluded.tags, \
                         published = excluded.published, updated_at = excluded.updated_at",
                    )
                    .bind(&[
                        channel.as_str().into(),
                        article.slug.as_str().into(),
                        article.language.code().into(),
                        article.title.as_str().into(),
                        article.body.as_str().into(),
                        serde_json::to_string(&article.tags)?.into(),
                        i32::from(article.published).into(),
                        millis(now),
                    ])?,
            );
        }
        if !statements.is_empty() {
            self.0.batch(statements).await?;
        }
        Ok(())
    }

    /// The channel's own language model (its address, name and key), if it
    /// has one.
    pub async fn channel_model(&self, channel: &ChannelId) -> EdgeResult<Option<ModelSettings>> {
        #[derive(Deserialize)]
        struct Row {
            base_url: String,
            model: String,
            api_key: String,
        }
        let row: Option<Row> = self
            .0
            .prepare("SELECT base_url, model, api_key FROM channel_models WHERE channel_id = ?1")
            .bind(&[channel.as_str().into()])?
            .first(None)
            .await?;
        Ok(row.map(|r| ModelSettings {
            base_url: r.base_url,
            model: r.model,
            api_key: (!r.api_key.is_empty()).then_some(r.api_key),
        }))
    }

    /// Sets the channel's own language model (keeping the saved key when
    /// none is given), or removes it when `settings` names none.
    pub async fn set_channel_model(
        &self,
        channel: &ChannelId,
        settings: &ModelSettings,
    ) -> EdgeResult<()> {
        let statement = if settings.base_url.is_empty() {
            self.0
                .prepare("DELETE FROM channel_models WHERE channel_id = ?1")
                .bind(&[channel.as_str().into()])?
        } else {
            self.0
                .prepare(
                    "INSERT INTO channel_models (channel_id, base_url, model, api_key) \
                     VALUES (?1, ?2, ?3, COALESCE(?4, '')) \
                     ON CONFLICT (channel_id) DO UPDATE SET base_url = ?2, model = ?3, \
                     api_key = COALESCE(?4, channel_models.api_key)",
                )
                .bind(&[
                    channel.as_str().into(),
                    settings.base_url.as_str().into(),
                    settings.model.as_str().into(),
                    settings
                        .api_key
                        .as_deref()
                        .map_or(JsValue::NULL, JsValue::from_str),
                ])?
        };
        statement.run().await?;
        Ok(())
    }

    /// Removes an article in one language, or in all; how many went.
    pub async fn delete_article(
        &self,
        channel: &ChannelId,
        slug: &ArticleSlug,
        language: Option<Language>,
    ) -> EdgeResult<u64> {
        let statement = match language {
            Some(language) => self
                .0
                .prepare(
                    "DELETE FROM kb_articles WHERE channel_id = ?1 AND slug = ?2 AND language = ?3",
                )
                .bind(&[
                    channel.as_str().into(),
                    slug.as_str().into(),
                    language.code().into(),
                ])?,
            None => self
                .0
                .prepare("DELETE FROM kb_articles WHERE channel_id = ?1 AND slug = ?2")
                .bind(&[channel.as_str().into(), slug.as_str().into()])?,
        };
        let result = statement.run().await?;
        Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0) as u64)
    }

    /// Records a lead or a ticket; returns its number.
    pub async fn insert_record(&self, record: &NewRecord<'_>) -> EdgeResult<u64> {
        let (table, key) = record_table(record.kind);
        let team = match record.kind {
            RecordKind::Ticket => ", team",
            RecordKind::Lead => "",
        };
        let team_value = match record.kind {
            RecordKind::Ticket => ", ?10",
            RecordKind::Lead => "",
        };
        let sql = format!(
            "INSERT INTO {table} (channel_id, conversation_id, title, name, email, phone, source, \
             transcript, created_at{team}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9{team_value}) \
             RETURNING {key} AS number"
        );
        let mut values = vec![
            record.channel.as_str().into(),
            record.conversation.as_str().into(),
            record.title.into(),
            record.name.into(),
            optional(record.email),
            optional(record.phone),
            SOURCE_LIVE_CHAT.into(),
            serde_json::to_string(record.transcript)?.into(),
            millis(record.created_at),
        ];
        if record.kind == RecordKind::Ticket {
            values.push(optional(record.team));
        }
        let number: Option<f64> = self
            .0
            .prepare(&sql)
            .bind(&values)?
            .first(Some("number"))
            .await?;
        number
            .map(|n| n as u64)
            .ok_or_else(|| EdgeError::Corrupt(format!("no number for the new {table} row")))
    }

    /// A channel's leads or tickets, newest first, at most
    /// [`RECORD_LIST`]; `search` matches the number, or part of the name
    /// or e-mail address.
    pub async fn records(
        &self,
        kind: RecordKind,
        channel: &ChannelId,
        search: Option<&str>,
    ) -> EdgeResult<Vec<RecordSummary>> {
        let (table, key) = record_table(kind);
        let team = match kind {
            RecordKind::Ticket => "team",
            RecordKind::Lead => "NULL AS team",
        };
        let search = search.map(str::trim).filter(|s| !s.is_empty());
        let pattern = search.map(|s| format!("%{}%", escape_like(s)));
        let sql = format!(
            "SELECT {key} AS number, title, name, email, {team}, created_at FROM {table} \
             WHERE channel_id = ?1 AND (?2 IS NULL OR CAST({key} AS TEXT) = ?2 \
             OR name LIKE ?3 ESCAPE '\\' OR email LIKE ?3 ESCAPE '\\' \
             OR title LIKE ?3 ESCAPE '\\') \
             ORDER BY created_at DESC LIMIT {RECORD_LIST}"
        );
        let rows: Vec<RecordSummary> = self
            .0
            .prepare(&sql)
            .bind(&[
                channel.as_str().into(),
                optional(search),
                optional(pattern.as_deref()),
            ])?
            .all()
            .await?
            .results()?;
        Ok(rows)
    }

    /// One lead or ticket of a channel.
    pub async fn record(
        &self,
        kind: RecordKind,
        channel: &ChannelId,
        number: u64,
    ) -> EdgeResult<Option<Record>> {
        #[derive(Deserialize)]
        struct Row {
            number: u64,
            conversation_id: String,
            title: String,
            name: String,
            email: Option<String>,
            phone: Option<String>,
            team: Option<String>,
            source: String,
            transcript: String,
            created_at: Millis,
        }
        let (table, key) = record_table(kind);
        let team = match kind {
            RecordKind::Ticket => "team",
            RecordKind::Lead => "NULL AS team",
        };
        let sql = format!(
            "SELECT {key} AS number, conversation_id, title, name, email, phone, {team}, source, \
             transcript, created_at FROM {table} WHERE channel_id = ?1 AND {key} = ?2"
        );
        let row: Option<Row> = self
            .0
            .prepare(&sql)
            .bind(&[channel.as_str().into(), JsValue::from_f64(number as f64)])?
            .first(None)
            .await?;
        row.map(|row| {
            Ok(Record {
                kind,
                number: row.number,
                channel: channel.clone(),
                conversation: ConversationId::parse(row.conversation_id).map_err(corrupt)?,
                title: row.title,
                name: row.name,
                email: row.email,
                phone: row.phone,
                team: row.team,
                source: row.source,
                created_at: row.created_at,
                transcript: serde_json::from_str(&row.transcript)?,
            })
        })
        .transpose()
    }
}

/// A moment in a conversation that the dashboard counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moment {
    /// The visitor's first message.
    VisitorWrote,
    /// An operator's first answer.
    OperatorAnswered,
    /// The end.
    Ended,
}

/// A rating to store.
pub struct NewRating<'a> {
    /// Its conversation.
    pub conversation: &'a ConversationId,
    /// Its channel.
    pub channel: &'a ChannelId,
    /// The operator who answered last, if any.
    pub operator: Option<&'a OperatorId>,
    /// Their name then.
    pub operator_name: Option<&'a str>,
    /// The visitor's name.
    pub visitor: &'a str,
    /// The rating.
    pub rating: Rating,
    /// Why.
    pub reason: Option<&'a str>,
    /// When.
    pub at: Millis,
}

/// Where leads and tickets say they came from.
const SOURCE_LIVE_CHAT: &str = "live chat";

fn record_table(kind: RecordKind) -> (&'static str, &'static str) {
    match kind {
        RecordKind::Lead => ("leads", "id"),
        RecordKind::Ticket => ("tickets", "number"),
    }
}

/// A search text as a `LIKE` pattern's literal part.
fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

fn optional(value: Option<&str>) -> JsValue {
    value.map_or(JsValue::NULL, JsValue::from)
}

#[derive(Deserialize)]
struct SecurityRow {
    allowed_origins: String,
    require_identity: i64,
}

impl SecurityRow {
    fn parse(self) -> EdgeResult<ChannelSecurity> {
        Ok(ChannelSecurity {
            allowed_origins: serde_json::from_str(&self.allowed_origins)?,
            require_identity: self.require_identity != 0,
        })
    }
}

#[derive(Deserialize)]
struct OperatorRow {
    id: String,
    email: String,
    name: String,
    role: String,
    password_hash: String,
    chat_name: String,
    avatar_color: String,
    must_change_password: u8,
}

impl OperatorRow {
    fn into_operator(self) -> EdgeResult<Operator> {
        let role = match self.role.as_str() {
            "admin" => StaffRole::Admin,
            "operator" => StaffRole::Operator,
            other => return Err(EdgeError::Corrupt(format!("unknown role {other:?}"))),
        };
        Ok(Operator {
            profile: OperatorProfile {
                id: OperatorId::parse(self.id).map_err(corrupt)?,
                name: self.name,
                email: self.email,
                role,
                chat_name: self.chat_name,
                avatar_color: self.avatar_color,
                must_change_password: self.must_change_password != 0,
            },
            password_hash: self.password_hash,
        })
    }
}

/// How the `role` column spells a role.
fn role_name(role: StaffRole) -> &'static str {
    match role {
        StaffRole::Admin => "admin",
        StaffRole::Operator => "operator",
    }
}

/// D1 binds numbers as JavaScript numbers; milliseconds fit exactly.
fn millis(value: Millis) -> JsValue {
    JsValue::from_f64(value as f64)
}

fn corrupt(e: impl std::fmt::Display) -> EdgeError {
    EdgeError::Corrupt(e.to_string())
}
