//! The channel's queue, kept by its inbox: which conversations wait for a
//! person and since when, who holds which, and who is on duty.
//!
//! The inbox is the one place every conversation of the channel and every
//! operator's console meet, so it decides alone and in order: a decision
//! is a few synchronous SQL statements, made before anything is awaited,
//! so two requests never assign the same operator past their maximum or
//! the same conversation twice. Only then are the conversations told
//! (each stores who attends it and tells its visitor) and the consoles.
//! The routing itself is pure (`shared/src/routing.rs`).

use charla_shared::api::{OperatorLoad, Supervision};
use charla_shared::channel::ChannelOptions;
use charla_shared::hours::start_of_day;
use charla_shared::ids::{ChannelId, ConversationId, OperatorId};
use charla_shared::protocol::{Attending, ConversationSummary, ErrorCode, Holder};
use charla_shared::routing::{OnDuty, Routing, Wait};
use charla_shared::Millis;
use serde::Deserialize;
use worker::{Response, SqlStorageValue};

use super::Inbox;
use crate::error::{EdgeError, EdgeResult};
use crate::http::json;
use crate::internal::{
    self, paths, Assignment, Availability, Call, DutyChange, Enqueue, Hold, HoldAction,
    StaffSession,
};
use crate::now;
use crate::store::Db;

/// A conversation whose attendance changed, and the note that goes with it.
struct Change {
    conversation: String,
    note: Option<(Holder, String)>,
    greet: bool,
}

#[derive(Deserialize)]
struct QueueRow {
    conversation: String,
    since: i64,
    operator: Option<String>,
    operator_name: Option<String>,
    operator_color: Option<String>,
    taken_at: Option<i64>,
    ended: i64,
    place: Option<u32>,
}

/// A waiting conversation's new place in line.
#[derive(Deserialize)]
struct Moved {
    conversation: String,
    place: u32,
}

impl QueueRow {
    fn holder(&self) -> Option<Holder> {
        let id = OperatorId::parse(self.operator.as_deref()?).ok()?;
        Some(Holder {
            id,
            name: self.operator_name.clone().unwrap_or_default(),
            color: self.operator_color.clone().unwrap_or_default(),
        })
    }
}

impl Inbox {
    /// A conversation starts waiting for a person (once: asking again
    /// changes nothing), and is assigned if the strategy can.
    pub(super) async fn enqueue(&self, waiting: &Enqueue) -> EdgeResult<Response> {
        let routing = self.routing(&waiting.channel).await?;
        let cursor = self.sql.exec(
            "INSERT INTO queue (conversation, channel, since) VALUES (?1, ?2, ?3)
             ON CONFLICT (conversation) DO NOTHING",
            vec![
                waiting.conversation.as_str().into(),
                waiting.channel.as_str().into(),
                SqlStorageValue::from(now()),
            ],
        )?;
        let mut changes = Vec::new();
        if cursor.rows_written() > 0 {
            changes.push(Change {
                conversation: waiting.conversation.to_string(),
                note: None,
                greet: false,
            });
        }
        self.settle(&routing, changes).await;
        json(200, &self.availability_with(&routing, now())?)
    }

    /// An operator takes, puts back or hands on a conversation.
    pub(super) async fn hold(&self, hold: &Hold) -> EdgeResult<Response> {
        let conversation = hold.conversation.conversation.as_str();
        let routing = self.routing(&hold.conversation.channel).await?;
        let at = now();
        // Who acts, as their console's session on this inbox has them.
        let by = self
            .online_session(&hold.by.id, at)
            .map_or_else(|| hold.by.clone(), holder_of);
        let row = self.queue_row(conversation)?;
        let held_by_other = row
            .as_ref()
            .and_then(QueueRow::holder)
            .filter(|holder| holder.id != by.id);
        let mut note = None;
        // Only a take from the queue greets the visitor: someone answering
        // has said something already, and a transfer or a return to the
        // queue is no new welcome.
        let greet = matches!(hold.action, HoldAction::Take);
        match &hold.action {
            HoldAction::Take | HoldAction::Answered => {
                if let Some(holder) = &held_by_other {
                    if !hold.admin || matches!(hold.action, HoldAction::Answered) {
                        return Err(EdgeError::refuse(
                            ErrorCode::Conflict,
                            format!("{} holds this conversation already.", holder.name),
                        ));
                    }
                }
                if row.as_ref().and_then(QueueRow::holder).map(|h| h.id) == Some(by.id.clone()) {
                    return Ok(Response::empty()?.with_status(204));
                }
                self.give(&hold.conversation, Some(&by), at)?;
            }
            HoldAction::Release | HoldAction::Transfer { .. } => {
                let holds = row.as_ref().and_then(QueueRow::holder);
                match holds {
                    Some(holder) if holder.id == by.id || hold.admin => {}
                    Some(holder) => {
                        return Err(EdgeError::refuse(
                            ErrorCode::Forbidden,
                            format!(
                                "{} holds this conversation; only they or an admin can pass it on.",
                                holder.name
                            ),
                        ))
                    }
                    None => {
                        return Err(EdgeError::refuse(
                            ErrorCode::Conflict,
                            "Nobody holds this conversation: take it first.",
                        ))
                    }
                }
                if let HoldAction::Transfer { to, note: text } = &hold.action {
                    let Some(next) = self.online_session(to, at) else {
                        return Err(EdgeError::refuse(
                            ErrorCode::Conflict,
                            "That operator is not online on this channel; transfer to someone who is.",
                        ));
                    };
                    let next = holder_of(next);
                    self.give(&hold.conversation, Some(&next), at)?;
                    note = Some((by.clone(), transfer_note(&next, text)));
                } else {
                    self.give(&hold.conversation, None, at)?;
                }
            }
        }
        self.settle(
            &routing,
            vec![Change {
                conversation: conversation.to_owned(),
                note,
                greet,
            }],
        )
        .await;
        Ok(Response::empty()?.with_status(204))
    }

    /// A conversation ended: it leaves the queue and frees its operator.
    pub(super) async fn ended(&self, ended: &Enqueue) -> EdgeResult<Response> {
        self.sql.exec(
            "UPDATE queue SET ended = 1 WHERE conversation = ?",
            vec![ended.conversation.as_str().into()],
        )?;
        let routing = self.routing(&ended.channel).await?;
        self.settle(&routing, Vec::new()).await;
        Ok(Response::empty()?.with_status(204))
    }

    /// An operator joins or leaves the rotation.
    pub(super) async fn duty(&self, change: &DutyChange) -> EdgeResult<Response> {
        self.sql.exec(
            "INSERT INTO duty (operator, joined, last_active) VALUES (?1, ?2, ?3)
             ON CONFLICT (operator) DO UPDATE SET joined = excluded.joined,
                 last_active = excluded.last_active",
            vec![
                change.operator.as_str().into(),
                SqlStorageValue::from(i64::from(change.on)),
                SqlStorageValue::from(now()),
            ],
        )?;
        let routing = self.routing(&change.channel).await?;
        self.tell_presence(change.channel.clone(), None);
        self.settle(&routing, Vec::new()).await;
        Ok(Response::empty()?.with_status(204))
    }

    /// An operator's account is being removed: what they held waits
    /// again (in its old place, by when it first waited), and they are
    /// off duty.
    pub(super) async fn gone(&self, gone: &DutyChange) -> EdgeResult<Response> {
        let held = self.rows(
            "WHERE ended = 0 AND operator = ?",
            vec![gone.operator.as_str().into()],
        )?;
        let at = now();
        for row in &held {
            self.set_holder(&row.conversation, None, at)?;
        }
        self.sql.exec(
            "DELETE FROM duty WHERE operator = ?",
            vec![gone.operator.as_str().into()],
        )?;
        let routing = self.routing(&gone.channel).await?;
        let changes = held
            .into_iter()
            .map(|row| Change {
                conversation: row.conversation,
                note: None,
                greet: false,
            })
            .collect();
        self.settle(&routing, changes).await;
        Ok(Response::empty()?.with_status(204))
    }

    /// The console says its operator is active: they stay in (or come
    /// back to) the rotation.
    pub(super) async fn active(
        &self,
        session: &StaffSession,
        channel: ChannelId,
    ) -> EdgeResult<()> {
        let routing = self.cached_routing()?;
        let at = now();
        let was_active = self
            .duty_row(&session.id)?
            .is_some_and(|row| routing.is_active(row.last_active, at));
        self.touch(&session.id, at)?;
        if !was_active {
            self.tell_presence(channel.clone(), None);
            let routing = self.routing(&channel).await?;
            self.settle(&routing, Vec::new()).await;
        }
        Ok(())
    }

    /// An operator connected: active now, and perhaps able to take what
    /// waits.
    pub(super) async fn connected(&self, session: &StaffSession, channel: &ChannelId) {
        let settled = async {
            self.touch(&session.id, now())?;
            let routing = self.routing(channel).await?;
            self.settle(&routing, Vec::new()).await;
            Ok::<_, EdgeError>(())
        }
        .await;
        if let Err(error) = settled {
            worker::console_error!("routing after a connection: {error}");
        }
    }

    /// Who can take conversations now, and how many wait.
    pub(super) fn availability(&self) -> EdgeResult<Response> {
        let routing = self.cached_routing()?;
        json(200, &self.availability_with(&routing, now())?)
    }

    /// The channel now: the queue, the operators and their load, today's
    /// service level ("today" where the channel keeps its office hours,
    /// else in UTC).
    pub(super) async fn supervise(&self, channel: &ChannelId) -> EdgeResult<Response> {
        let options = self.options(channel).await?;
        let routing = options.routing;
        let at = now();
        let zone = options
            .hours
            .map_or_else(|| "UTC".to_owned(), |h| h.time_zone);
        let today = start_of_day(&zone, at);
        let rows = self.rows(
            "WHERE ended = 0 OR since >= ?",
            vec![SqlStorageValue::from(today)],
        )?;
        let open: Vec<&QueueRow> = rows.iter().filter(|r| r.ended == 0).collect();
        let waits: Vec<Wait> = rows
            .iter()
            .map(|r| Wait {
                since: r.since,
                taken_at: r.taken_at,
            })
            .collect();
        let team = self.team(at)?;
        let mut operators: Vec<OperatorLoad> = self
            .sessions(at)
            .into_iter()
            .map(|session| {
                let duty = team.iter().find(|d| d.id == session.id);
                OperatorLoad {
                    available: duty.is_some_and(|d| routing.is_active(d.last_active, at)),
                    load: self.load(&session.id).unwrap_or(0),
                    id: session.id,
                    name: session.name,
                }
            })
            .collect();
        operators.sort_by(|a, b| a.name.cmp(&b.name));
        let supervision = Supervision {
            waiting: count(open.iter().filter(|r| r.operator.is_none())),
            in_progress: count(open.iter().filter(|r| r.operator.is_some())),
            operators,
            figures: routing.figures(&waits, today, at),
            service_level_secs: routing.service_level_secs,
        };
        json(200, &supervision)
    }

    /// Puts the queue's view into a summary: waiting since when, or held
    /// by whom.
    pub(super) fn overlay(&self, summary: &mut ConversationSummary) -> EdgeResult<()> {
        let row = self.queue_row(summary.id.as_str())?;
        summary.holder = row.as_ref().and_then(QueueRow::holder);
        summary.waiting_since = row.filter(|r| r.operator.is_none()).map(|r| r.since);
        Ok(())
    }

    /// Operators who are connected but away: they left the rotation or
    /// were inactive too long.
    pub(super) fn away(&self, online: &[OperatorId]) -> Vec<OperatorId> {
        let at = now();
        let Ok(routing) = self.cached_routing() else {
            return Vec::new();
        };
        online
            .iter()
            .filter(|id| {
                !self
                    .duty_row(id)
                    .ok()
                    .flatten()
                    .is_some_and(|row| row.joined != 0 && routing.is_active(row.last_active, at))
            })
            .cloned()
            .collect()
    }

    /// Assigns what the strategy can, then tells every conversation whose
    /// attendance changed (and every waiting one whose place in line
    /// moved) and the consoles. Failing to tell a conversation is logged:
    /// the queue holds the truth, and the next change tells it again.
    async fn settle(&self, routing: &Routing, mut changes: Vec<Change>) {
        match self.assign_waiting(routing) {
            // A conversation queued and assigned at once is told once,
            // greeted.
            Ok(assigned) => {
                for change in assigned {
                    match changes
                        .iter_mut()
                        .find(|c| c.conversation == change.conversation)
                    {
                        Some(listed) => listed.greet |= change.greet,
                        None => changes.push(change),
                    }
                }
            }
            Err(error) => worker::console_error!("routing: {error}"),
        }
        // Whoever's place in the queue moved is told theirs. SQLite ranks
        // the queue and returns only the rows whose place moved: reading
        // every waiting row across into WebAssembly on each arrival made a
        // thousand arrivals cost a million rows.
        let moved = self.moved().unwrap_or_default();
        for row in &moved {
            if !changes.iter().any(|c| c.conversation == row.conversation) {
                changes.push(Change {
                    conversation: row.conversation.clone(),
                    note: None,
                    greet: false,
                });
            }
        }
        for change in changes {
            if let Err(error) = self.tell(&change, &moved).await {
                worker::console_error!("telling {} who attends it: {error}", change.conversation);
            }
        }
    }

    /// Tells one conversation who attends it, and the consoles; `moved`
    /// holds the new places of the waiting conversations whose place
    /// moved (any other waiting one keeps its own).
    async fn tell(&self, change: &Change, moved: &[Moved]) -> EdgeResult<()> {
        let Some(row) = self.queue_row(&change.conversation)? else {
            return Ok(());
        };
        let holder = row.holder();
        let place = match &holder {
            Some(_) => None,
            None => Some(
                moved
                    .iter()
                    .find(|m| m.conversation == row.conversation)
                    .map(|m| m.place)
                    .or(row.place)
                    .unwrap_or(1),
            ),
        };
        let attending = match (&holder, place) {
            (Some(holder), _) => Attending::Online {
                operator: holder.name.clone(),
                color: holder.color.clone(),
            },
            (None, place) => Attending::Waiting {
                place: place.unwrap_or(1),
            },
        };
        self.sql.exec(
            "UPDATE queue SET place = ? WHERE conversation = ?",
            vec![
                place.map(i64::from).into(),
                change.conversation.as_str().into(),
            ],
        )?;
        let id = ConversationId::parse(change.conversation.as_str())
            .map_err(|e| EdgeError::Corrupt(e.to_string()))?;
        if let Some(mut summary) = self.stored_summary(&id)? {
            self.overlay(&mut summary)?;
            self.broadcast(&summary);
        }
        let assignment = Assignment {
            attending,
            holder,
            note: change.note.clone(),
            greet: change.greet,
        };
        Call::post(paths::ASSIGN, &assignment)?
            .expect(&internal::conversation(&self.env, &id)?, 204)
            .await?;
        Ok(())
    }

    /// Gives every waiting conversation, oldest first, to the operator the
    /// strategy picks, while one can take it.
    fn assign_waiting(&self, routing: &Routing) -> EdgeResult<Vec<Change>> {
        let at = now();
        let mut changes = Vec::new();
        loop {
            let waiting = self.rows(
                "WHERE ended = 0 AND operator IS NULL ORDER BY since, rowid LIMIT 1",
                Vec::new(),
            )?;
            let Some(next) = waiting.into_iter().next() else {
                break;
            };
            let team = self.team(at)?;
            let Some(chosen) = routing.pick(&team, at) else {
                break;
            };
            let Some(session) = self.online_session(chosen, at) else {
                break;
            };
            self.set_holder(&next.conversation, Some(&holder_of(session)), at)?;
            changes.push(Change {
                conversation: next.conversation,
                note: None,
                greet: true,
            });
        }
        Ok(changes)
    }

    /// Records who holds a conversation (none: back to the queue), adding
    /// it to the queue if it never was (an operator took it from the list).
    fn give(&self, conversation: &Enqueue, holder: Option<&Holder>, at: Millis) -> EdgeResult<()> {
        self.sql.exec(
            "INSERT INTO queue (conversation, channel, since) VALUES (?1, ?2, ?3)
             ON CONFLICT (conversation) DO UPDATE SET ended = 0",
            vec![
                conversation.conversation.as_str().into(),
                conversation.channel.as_str().into(),
                SqlStorageValue::from(at),
            ],
        )?;
        self.set_holder(conversation.conversation.as_str(), holder, at)
    }

    fn set_holder(
        &self,
        conversation: &str,
        holder: Option<&Holder>,
        at: Millis,
    ) -> EdgeResult<()> {
        // The first time it is taken is what the service level counts.
        self.sql.exec(
            "UPDATE queue SET operator = ?2, operator_name = ?3, operator_color = ?5,
                 taken_at = CASE WHEN ?2 IS NULL THEN taken_at ELSE coalesce(taken_at, ?4) END
             WHERE conversation = ?1",
            vec![
                conversation.into(),
                holder.map(|h| h.id.to_string()).into(),
                holder.map(|h| h.name.clone()).into(),
                SqlStorageValue::from(at),
                holder.map(|h| h.color.clone()).into(),
            ],
        )?;
        if let Some(holder) = holder {
            self.sql.exec(
                "INSERT INTO duty (operator, last_assigned) VALUES (?1, ?2)
                 ON CONFLICT (operator) DO UPDATE SET last_assigned = excluded.last_assigned",
                vec![holder.id.as_str().into(), SqlStorageValue::from(at)],
            )?;
        }
        Ok(())
    }

    /// Operators connected, joined and with their load, for routing.
    fn team(&self, at: Millis) -> EdgeResult<Vec<OnDuty>> {
        let mut team = Vec::new();
        for session in self.sessions(at) {
            let Some(row) = self.duty_row(&session.id)? else {
                continue;
            };
            if row.joined == 0 {
                continue;
            }
            team.push(OnDuty {
                load: self.load(&session.id)?,
                id: session.id,
                last_assigned: row.last_assigned,
                last_active: row.last_active,
            });
        }
        Ok(team)
    }

    fn availability_with(&self, routing: &Routing, at: Millis) -> EdgeResult<Availability> {
        let operators = self
            .team(at)?
            .iter()
            .filter(|o| routing.is_active(o.last_active, at))
            .count();
        let waiting = self.count_rows("WHERE ended = 0 AND operator IS NULL", Vec::new())?;
        Ok(Availability {
            operators,
            waiting,
            full: routing.queue_full(waiting),
        })
    }

    /// The live sessions on this inbox, one per operator.
    fn sessions(&self, at: Millis) -> Vec<StaffSession> {
        let mut sessions: Vec<StaffSession> = self
            .state
            .get_websockets()
            .iter()
            .filter_map(|s| s.deserialize_attachment::<StaffSession>().ok().flatten())
            .filter(|s| s.expires_at > at)
            .collect();
        sessions.sort_by(|a, b| a.id.cmp(&b.id));
        sessions.dedup_by(|a, b| a.id == b.id);
        sessions
    }

    fn online_session(&self, operator: &OperatorId, at: Millis) -> Option<StaffSession> {
        self.sessions(at).into_iter().find(|s| &s.id == operator)
    }

    fn load(&self, operator: &OperatorId) -> EdgeResult<u32> {
        self.count_rows(
            "WHERE ended = 0 AND operator = ?",
            vec![operator.as_str().into()],
        )
    }

    /// How many queue rows match, counted by SQLite rather than by reading
    /// every row across into WebAssembly.
    fn count_rows(&self, filter: &str, params: Vec<SqlStorageValue>) -> EdgeResult<u32> {
        #[derive(Deserialize)]
        struct Counted {
            n: i64,
        }
        let counted = self
            .sql
            .exec(&format!("SELECT COUNT(*) AS n FROM queue {filter}"), params)?
            .one::<Counted>()?;
        Ok(u32::try_from(counted.n).unwrap_or(u32::MAX))
    }

    fn touch(&self, operator: &OperatorId, at: Millis) -> EdgeResult<()> {
        self.sql.exec(
            "INSERT INTO duty (operator, last_active) VALUES (?1, ?2)
             ON CONFLICT (operator) DO UPDATE SET last_active = excluded.last_active",
            vec![operator.as_str().into(), SqlStorageValue::from(at)],
        )?;
        Ok(())
    }

    fn duty_row(&self, operator: &OperatorId) -> EdgeResult<Option<DutyRow>> {
        Ok(self
            .sql
            .exec(
                "SELECT joined, last_active, last_assigned FROM duty WHERE operator = ?",
                vec![operator.as_str().into()],
            )?
            .to_array::<DutyRow>()?
            .into_iter()
            .next())
    }

    fn queue_row(&self, conversation: &str) -> EdgeResult<Option<QueueRow>> {
        Ok(self
            .rows(
                "WHERE conversation = ? AND ended = 0",
                vec![conversation.into()],
            )?
            .into_iter()
            .next())
    }

    /// The waiting conversations whose place in line (oldest first) is not
    /// the one they were last told, with their new place.
    fn moved(&self) -> EdgeResult<Vec<Moved>> {
        Ok(self
            .sql
            .exec(
                "SELECT conversation, place FROM (
                     SELECT conversation, place AS told,
                            ROW_NUMBER() OVER (ORDER BY since, rowid) AS place
                     FROM queue WHERE ended = 0 AND operator IS NULL
                 ) WHERE told IS NOT place",
                Vec::new(),
            )?
            .to_array::<Moved>()?)
    }

    fn rows(&self, filter: &str, params: Vec<SqlStorageValue>) -> EdgeResult<Vec<QueueRow>> {
        Ok(self
            .sql
            .exec(
                &format!(
                    "SELECT conversation, since, operator, operator_name, operator_color, taken_at, ended, place FROM queue {filter}"
                ),
                params,
            )?
            .to_array::<QueueRow>()?)
    }

    /// The channel's routing settings from D1, kept for the decisions that
    /// cannot wait for it (presence, activity).
    async fn routing(&self, channel: &ChannelId) -> EdgeResult<Routing> {
        Ok(self.options(channel).await?.routing)
    }

    /// The channel's settings from D1, its routing kept as above.
    async fn options(&self, channel: &ChannelId) -> EdgeResult<ChannelOptions> {
        let options = Db::new(&self.env)?
            .channel(channel)
            .await?
            .map(|c| c.options)
            .unwrap_or_default();
        self.sql.exec(
            "INSERT INTO routing (id, settings) VALUES (1, ?)
             ON CONFLICT (id) DO UPDATE SET settings = excluded.settings",
            vec![serde_json::to_string(&options.routing)?.into()],
        )?;
        Ok(options)
    }

    fn cached_routing(&self) -> EdgeResult<Routing> {
        #[derive(Deserialize)]
        struct Row {
            settings: String,
        }
        let row = self
            .sql
            .exec("SELECT settings FROM routing WHERE id = 1", Vec::new())?
            .to_array::<Row>()?
            .into_iter()
            .next();
        Ok(match row {
            Some(row) => serde_json::from_str(&row.settings)?,
            None => Routing::default(),
        })
    }
}

#[derive(Deserialize)]
struct DutyRow {
    joined: i64,
    last_active: i64,
    last_assigned: i64,
}

/// An operator as the queue shows them.
fn holder_of(session: StaffSession) -> Holder {
    Holder {
        id: session.id,
        name: session.name,
        color: session.color,
    }
}

/// What the next operator reads when a conversation is handed to them.
fn transfer_note(next: &Holder, note: &str) -> String {
    let note = note.trim();
    if note.is_empty() {
        format!("Transferred to {}.", next.name)
    } else {
        format!("Transferred to {}: {note}", next.name)
    }
}

fn count<T>(items: impl Iterator<Item = T>) -> u32 {
    u32::try_from(items.count()).unwrap_or(u32::MAX)
}
