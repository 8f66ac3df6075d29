//! The console's list of open conversations across the operator's channels,
//! newest activity first, with what the operator has not read yet (the
//! edge keeps how far each operator has read, so counts survive reloads
//! and agree across tabs).

use std::collections::HashMap;

use crate::ids::{ChannelId, ConversationId, OperatorId, Seq};
use crate::protocol::{ConversationSummary, InboxFrame, Problem, Role};

/// Open conversations as one operator sees them.
#[derive(Debug, Clone)]
pub struct Inbox {
    /// Whose inbox it is: in a direct conversation, what the other
    /// operator wrote is what counts as unread.
    me: OperatorId,
    /// Newest activity first.
    conversations: Vec<ConversationSummary>,
    /// The last sequence number the operator has seen, per conversation.
    seen: HashMap<ConversationId, Seq>,
    /// Who has each channel's inbox open.
    online: HashMap<ChannelId, Vec<OperatorId>>,
    /// Who of them is away (left the channel, or inactive).
    away: HashMap<ChannelId, Vec<OperatorId>>,
}

/// Where an operator is, as their teammates see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Their console is open and conversations may go to them.
    Online,
    /// Their console is open, but they take no conversations now.
    Away,
    /// No console of theirs is open.
    Offline,
}

/// Which of the console's lists a conversation is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queue {
    /// It waits for a person.
    Waiting,
    /// The operator whose inbox it is holds it.
    Mine,
    /// Another operator holds it.
    Others,
    /// Nobody needs to take it: a chatbot has it, or it has not started,
    /// or it is between two operators.
    Open,
}

impl Inbox {
    /// An empty inbox for an operator.
    pub fn new(me: OperatorId) -> Self {
        Inbox {
            me,
            conversations: Vec::new(),
            seen: HashMap::new(),
            online: HashMap::new(),
            away: HashMap::new(),
        }
    }

    /// Whether an operator is online and taking conversations somewhere,
    /// online but away everywhere (they left the channels or were inactive
    /// too long), or offline.
    pub fn presence(&self, operator: &OperatorId) -> Presence {
        let mut online_in = self
            .online
            .iter()
            .filter(|(_, online)| online.contains(operator))
            .map(|(channel, _)| channel)
            .peekable();
        if online_in.peek().is_none() {
            return Presence::Offline;
        }
        if online_in.any(|channel| !self.is_away(channel, operator)) {
            Presence::Online
        } else {
            Presence::Away
        }
    }

    /// Whether an operator is online on a channel but away: they left it
    /// or were inactive too long, so nothing is assigned to them there.
    pub fn is_away(&self, channel: &ChannelId, operator: &OperatorId) -> bool {
        self.away
            .get(channel)
            .is_some_and(|away| away.contains(operator))
    }

    /// Which list a conversation belongs in.
    pub fn queue_of(&self, summary: &ConversationSummary) -> Queue {
        match &summary.holder {
            Some(holder) if holder.id == self.me => Queue::Mine,
            Some(_) => Queue::Others,
            None if summary.waiting_since.is_some() => Queue::Waiting,
            None => Queue::Open,
        }
    }

    /// How many conversations wait for a person, across the channels.
    pub fn waiting(&self) -> usize {
        self.conversations
            .iter()
            .filter(|c| self.queue_of(c) == Queue::Waiting)
            .count()
    }

    /// Whose inbox it is.
    pub fn me(&self) -> &OperatorId {
        &self.me
    }

    /// Whether an operator has the inbox of any of this operator's
    /// channels open.
    pub fn is_online(&self, operator: &OperatorId) -> bool {
        self.online.values().any(|online| online.contains(operator))
    }

    /// Conversations, newest activity first.
    pub fn conversations(&self) -> &[ConversationSummary] {
        &self.conversations
    }

    /// One conversation's summary.
    pub fn get(&self, id: &ConversationId) -> Option<&ConversationSummary> {
        self.conversations.iter().find(|c| &c.id == id)
    }

    /// Applies a frame from a channel's inbox socket; returns a refusal to show.
    pub fn apply(&mut self, frame: InboxFrame) -> Option<Problem> {
        match frame {
            InboxFrame::Snapshot {
                channel,
                conversations,
                read,
            } => {
                self.conversations.retain(|c| c.channel != channel);
                for summary in conversations {
                    self.upsert(summary);
                }
                for seen in read {
                    self.mark_seen(&seen.conversation, seen.seq);
                }
                None
            }
            InboxFrame::Read { seen } => {
                self.mark_seen(&seen.conversation, seen.seq);
                None
            }
            InboxFrame::Upsert { conversation } => {
                self.upsert(*conversation);
                None
            }
            InboxFrame::Removed { conversation } => {
                self.conversations.retain(|c| c.id != conversation);
                self.seen.remove(&conversation);
                None
            }
            InboxFrame::Presence {
                channel,
                online,
                away,
            } => {
                self.away.insert(channel.clone(), away);
                self.online.insert(channel, online);
                None
            }
            InboxFrame::Error { problem } => Some(problem),
        }
    }

    /// Records that the operator has seen everything up to `seq`.
    pub fn mark_seen(&mut self, id: &ConversationId, seq: Seq) {
        let seen = self.seen.entry(id.clone()).or_default();
        *seen = (*seen).max(seq);
    }

    /// The last sequence number the operator has seen in a conversation.
    pub fn seen(&self, id: &ConversationId) -> Seq {
        self.seen.get(id).copied().unwrap_or_default()
    }

    /// How many of the visitor's messages (in a direct conversation, the
    /// other operator's) the operator has not read (at most
    /// [`UNREAD_TAIL`](crate::limits::UNREAD_TAIL); more shows as that many
    /// with a plus).
    pub fn unread(&self, id: &ConversationId) -> usize {
        let seen = self.seen(id);
        self.get(id).map_or(0, |c| {
            if c.is_direct() {
                return c
                    .direct
                    .iter()
                    .filter(|m| m.id != self.me)
                    .flat_map(|m| &m.seqs)
                    .filter(|s| **s > seen)
                    .count();
            }
            let counted = c.visitor_seqs.iter().filter(|s| **s > seen).count();
            // A summary without the list (from an older edge) still says
            // whether the visitor wrote last.
            let wrote_last =
                c.last_seq > seen && c.last.as_ref().is_some_and(|l| l.role == Role::Visitor);
            counted.max(usize::from(wrote_last))
        })
    }

    /// Whether the visitor wrote something the operator has not read.
    pub fn is_unread(&self, id: &ConversationId) -> bool {
        self.unread(id) > 0
    }

    /// How many conversations are unread.
    pub fn unread_count(&self) -> usize {
        self.conversations
            .iter()
            .filter(|c| self.is_unread(&c.id))
            .count()
    }

    /// How many messages are unread across every conversation.
    pub fn unread_total(&self) -> usize {
        self.conversations.iter().map(|c| self.unread(&c.id)).sum()
    }

    fn upsert(&mut self, summary: ConversationSummary) {
        if let Some(old) = self.conversations.iter().position(|c| c.id == summary.id) {
            // Frames from two sockets can cross; never go back in time.
            if self.conversations[old].last_seq > summary.last_seq {
                return;
            }
            self.conversations.remove(old);
        }
        let key = activity(&summary);
        let at = self.conversations.partition_point(|c| activity(c) >= key);
        self.conversations.insert(at, summary);
    }
}

fn activity(summary: &ConversationSummary) -> i64 {
    summary.last.as_ref().map_or(summary.created_at, |l| l.at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{ChannelId, ParticipantId};
    use crate::protocol::{Contact, Holder, Preview};

    fn summary(n: u8, channel: &str, last_seq: u64, role: Role, at: i64) -> ConversationSummary {
        ConversationSummary {
            id: ConversationId::from_random([n; 16]),
            channel: ChannelId::parse(channel).unwrap(),
            visitor: format!("Visitor {n}"),
            contact: Contact::default(),
            created_at: 0,
            last_seq: Seq(last_seq),
            last: (last_seq > 0).then(|| Preview {
                role,
                author: ParticipantId::visitor(),
                text: "hi".into(),
                at,
            }),
            visitor_online: false,
            visitor_seqs: (last_seq > 0 && role == Role::Visitor)
                .then_some(Seq(last_seq))
                .into_iter()
                .collect(),
            direct: Vec::new(),
            waiting_since: None,
            holder: None,
        }
    }

    fn ana() -> OperatorId {
        OperatorId::parse("ana").unwrap()
    }

    fn member(id: &str, seqs: &[u64]) -> crate::protocol::Member {
        crate::protocol::Member {
            id: OperatorId::parse(id).unwrap(),
            name: id.to_uppercase(),
            seqs: seqs.iter().copied().map(Seq).collect(),
        }
    }

    fn ids(inbox: &Inbox) -> Vec<ConversationId> {
        inbox.conversations().iter().map(|c| c.id.clone()).collect()
    }

    #[test]
    fn newest_activity_comes_first() {
        let mut inbox = Inbox::new(ana());
        inbox.apply(InboxFrame::Snapshot {
            channel: ChannelId::parse("demo").unwrap(),
            conversations: vec![
                summary(1, "demo", 1, Role::Visitor, 10),
                summary(2, "demo", 1, Role::Visitor, 20),
            ],
            read: vec![],
        });
        assert_eq!(ids(&inbox)[0], summary(2, "demo", 0, Role::Visitor, 0).id);
        inbox.apply(InboxFrame::Upsert {
            conversation: Box::new(summary(1, "demo", 2, Role::Visitor, 30)),
        });
        assert_eq!(ids(&inbox)[0], summary(1, "demo", 0, Role::Visitor, 0).id);
        assert_eq!(inbox.conversations().len(), 2);
    }

    #[test]
    fn a_snapshot_replaces_only_its_channel() {
        let mut inbox = Inbox::new(ana());
        inbox.apply(InboxFrame::Upsert {
            conversation: Box::new(summary(1, "sales", 1, Role::Visitor, 1)),
        });
        inbox.apply(InboxFrame::Upsert {
            conversation: Box::new(summary(2, "demo", 1, Role::Visitor, 1)),
        });
        inbox.apply(InboxFrame::Snapshot {
            channel: ChannelId::parse("demo").unwrap(),
            conversations: vec![],
            read: vec![],
        });
        assert_eq!(inbox.conversations().len(), 1);
        assert_eq!(inbox.conversations()[0].channel.as_str(), "sales");
    }

    #[test]
    fn unread_means_the_visitor_wrote_after_what_was_seen() {
        let mut inbox = Inbox::new(ana());
        let visitor_wrote = summary(1, "demo", 2, Role::Visitor, 1);
        let operator_wrote = summary(2, "demo", 3, Role::Operator, 1);
        inbox.apply(InboxFrame::Upsert {
            conversation: Box::new(visitor_wrote.clone()),
        });
        inbox.apply(InboxFrame::Upsert {
            conversation: Box::new(operator_wrote.clone()),
        });
        assert!(inbox.is_unread(&visitor_wrote.id));
        assert!(!inbox.is_unread(&operator_wrote.id));
        assert_eq!(inbox.unread_count(), 1);
        inbox.mark_seen(&visitor_wrote.id, Seq(2));
        assert!(!inbox.is_unread(&visitor_wrote.id));
        inbox.mark_seen(&visitor_wrote.id, Seq(1));
        assert_eq!(
            inbox.seen(&visitor_wrote.id),
            Seq(2),
            "seen never goes back"
        );
    }

    #[test]
    fn counts_are_the_visitor_messages_past_the_mark_from_the_edge() {
        let mut inbox = Inbox::new(ana());
        let mut busy = summary(1, "demo", 6, Role::Operator, 1);
        busy.visitor_seqs = vec![Seq(2), Seq(3), Seq(5)];
        let channel = busy.channel.clone();
        inbox.apply(InboxFrame::Snapshot {
            channel,
            conversations: vec![busy.clone()],
            read: vec![crate::protocol::Seen {
                conversation: busy.id.clone(),
                seq: Seq(2),
            }],
        });
        assert_eq!(inbox.unread(&busy.id), 2);
        assert_eq!(inbox.unread_total(), 2);
        inbox.apply(InboxFrame::Read {
            seen: crate::protocol::Seen {
                conversation: busy.id.clone(),
                seq: Seq(5),
            },
        });
        assert_eq!(inbox.unread(&busy.id), 0, "read in another tab");
        assert_eq!(inbox.unread_count(), 0);
    }

    #[test]
    fn stale_updates_are_ignored() {
        let mut inbox = Inbox::new(ana());
        inbox.apply(InboxFrame::Upsert {
            conversation: Box::new(summary(1, "demo", 5, Role::Visitor, 5)),
        });
        inbox.apply(InboxFrame::Upsert {
            conversation: Box::new(summary(1, "demo", 4, Role::Visitor, 4)),
        });
        assert_eq!(inbox.conversations()[0].last_seq, Seq(5));
    }

    #[test]
    fn in_a_direct_conversation_what_the_other_operator_wrote_is_unread() {
        let mut inbox = Inbox::new(ana());
        let mut direct = summary(1, "demo", 4, Role::Operator, 1);
        direct.direct = vec![member("ana", &[1, 3]), member("bo", &[2, 4])];
        inbox.apply(InboxFrame::Upsert {
            conversation: Box::new(direct.clone()),
        });
        assert_eq!(inbox.unread(&direct.id), 2, "Bo's two messages");
        inbox.mark_seen(&direct.id, Seq(2));
        assert_eq!(inbox.unread(&direct.id), 1);
        assert_eq!(direct.title_for(&ana()), "BO");
        assert!(direct.shown_to(&ana()));
        assert!(!direct.shown_to(&OperatorId::parse("cy").unwrap()));
        let visitor = summary(2, "demo", 1, Role::Visitor, 1);
        assert!(visitor.shown_to(&OperatorId::parse("cy").unwrap()));
        assert_eq!(visitor.title_for(&ana()), "Visitor 2");
    }

    #[test]
    fn presence_is_per_channel_and_online_anywhere_counts() {
        let mut inbox = Inbox::new(ana());
        let bo = OperatorId::parse("bo").unwrap();
        let presence = |channel: &str, online: Vec<OperatorId>| InboxFrame::Presence {
            channel: ChannelId::parse(channel).unwrap(),
            online,
            away: Vec::new(),
        };
        inbox.apply(presence("demo", vec![ana(), bo.clone()]));
        inbox.apply(presence("sales", vec![]));
        assert!(inbox.is_online(&bo));
        inbox.apply(presence("demo", vec![ana()]));
        assert!(!inbox.is_online(&bo), "gone from the only channel");
        let demo = ChannelId::parse("demo").unwrap();
        inbox.apply(InboxFrame::Presence {
            channel: demo.clone(),
            online: vec![ana()],
            away: vec![ana()],
        });
        assert!(inbox.is_away(&demo, &ana()));
        assert!(!inbox.is_away(&ChannelId::parse("sales").unwrap(), &ana()));
        assert_eq!(inbox.presence(&ana()), Presence::Away);
        assert_eq!(inbox.presence(&bo), Presence::Offline);
        inbox.apply(presence("sales", vec![ana()]));
        assert_eq!(
            inbox.presence(&ana()),
            Presence::Online,
            "taking them in sales"
        );
    }

    #[test]
    fn conversations_fall_into_queued_mine_and_others() {
        let mut inbox = Inbox::new(ana());
        let mut waiting = summary(1, "demo", 1, Role::Visitor, 1);
        waiting.waiting_since = Some(1);
        let mut mine = summary(2, "demo", 1, Role::Visitor, 2);
        mine.holder = Some(Holder {
            id: ana(),
            name: "Ana".into(),
            color: String::new(),
        });
        let mut theirs = summary(3, "demo", 1, Role::Visitor, 3);
        theirs.holder = Some(Holder {
            id: OperatorId::parse("bo").unwrap(),
            name: "Bo".into(),
            color: String::new(),
        });
        let open = summary(4, "demo", 1, Role::Visitor, 4);
        for conversation in [&waiting, &mine, &theirs, &open] {
            inbox.apply(InboxFrame::Upsert {
                conversation: Box::new(conversation.clone()),
            });
        }
        assert_eq!(inbox.queue_of(&waiting), Queue::Waiting);
        assert_eq!(inbox.queue_of(&mine), Queue::Mine);
        assert_eq!(inbox.queue_of(&theirs), Queue::Others);
        assert_eq!(inbox.queue_of(&open), Queue::Open);
        assert_eq!(inbox.waiting(), 1);
        // Taken: it leaves the queue, even though no message came.
        waiting.waiting_since = None;
        waiting.holder = mine.holder.clone();
        inbox.apply(InboxFrame::Upsert {
            conversation: Box::new(waiting),
        });
        assert_eq!(inbox.waiting(), 0);
    }

    #[test]
    fn a_removed_conversation_leaves_the_list() {
        let mut inbox = Inbox::new(ana());
        let gone = summary(1, "demo", 2, Role::Visitor, 1);
        inbox.apply(InboxFrame::Upsert {
            conversation: Box::new(gone.clone()),
        });
        inbox.apply(InboxFrame::Removed {
            conversation: gone.id.clone(),
        });
        assert!(inbox.get(&gone.id).is_none());
        assert_eq!(inbox.unread_total(), 0);
    }
}
