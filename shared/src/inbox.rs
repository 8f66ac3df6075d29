//! The console's list of open conversations across the operator's channels,
//! newest activity first, with what the operator has not read yet.

use std::collections::HashMap;

use crate::ids::{ConversationId, Seq};
use crate::protocol::{ConversationSummary, InboxFrame, Problem, Role};

/// Open conversations as one operator sees them.
#[derive(Debug, Clone, Default)]
pub struct Inbox {
    /// Newest activity first.
    conversations: Vec<ConversationSummary>,
    /// The last sequence number the operator has seen, per conversation.
    seen: HashMap<ConversationId, Seq>,
}

impl Inbox {
    /// An empty inbox.
    pub fn new() -> Self {
        Self::default()
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
            } => {
                self.conversations.retain(|c| c.channel != channel);
                for summary in conversations {
                    self.upsert(summary);
                }
                None
            }
            InboxFrame::Upsert { conversation } => {
                self.upsert(conversation);
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

    /// Every seen mark, to remember them across page loads.
    pub fn seen_marks(&self) -> Vec<(ConversationId, Seq)> {
        self.seen
            .iter()
            .map(|(id, seq)| (id.clone(), *seq))
            .collect()
    }

    /// Whether the visitor wrote something the operator has not seen.
    pub fn is_unread(&self, id: &ConversationId) -> bool {
        self.get(id).is_some_and(|c| {
            c.last_seq > self.seen(id) && c.last.as_ref().is_some_and(|l| l.role == Role::Visitor)
        })
    }

    /// How many conversations are unread.
    pub fn unread_count(&self) -> usize {
        self.conversations
            .iter()
            .filter(|c| self.is_unread(&c.id))
            .count()
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
    use crate::protocol::{Contact, Preview};

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
        }
    }

    fn ids(inbox: &Inbox) -> Vec<ConversationId> {
        inbox.conversations().iter().map(|c| c.id.clone()).collect()
    }

    #[test]
    fn newest_activity_comes_first() {
        let mut inbox = Inbox::new();
        inbox.apply(InboxFrame::Snapshot {
            channel: ChannelId::parse("demo").unwrap(),
            conversations: vec![
                summary(1, "demo", 1, Role::Visitor, 10),
                summary(2, "demo", 1, Role::Visitor, 20),
            ],
        });
        assert_eq!(ids(&inbox)[0], summary(2, "demo", 0, Role::Visitor, 0).id);
        inbox.apply(InboxFrame::Upsert {
            conversation: summary(1, "demo", 2, Role::Visitor, 30),
        });
        assert_eq!(ids(&inbox)[0], summary(1, "demo", 0, Role::Visitor, 0).id);
        assert_eq!(inbox.conversations().len(), 2);
    }

    #[test]
    fn a_snapshot_replaces_only_its_channel() {
        let mut inbox = Inbox::new();
        inbox.apply(InboxFrame::Upsert {
            conversation: summary(1, "sales", 1, Role::Visitor, 1),
        });
        inbox.apply(InboxFrame::Upsert {
            conversation: summary(2, "demo", 1, Role::Visitor, 1),
        });
        inbox.apply(InboxFrame::Snapshot {
            channel: ChannelId::parse("demo").unwrap(),
            conversations: vec![],
        });
        assert_eq!(inbox.conversations().len(), 1);
        assert_eq!(inbox.conversations()[0].channel.as_str(), "sales");
    }

    #[test]
    fn unread_means_the_visitor_wrote_after_what_was_seen() {
        let mut inbox = Inbox::new();
        let visitor_wrote = summary(1, "demo", 2, Role::Visitor, 1);
        let operator_wrote = summary(2, "demo", 3, Role::Operator, 1);
        inbox.apply(InboxFrame::Upsert {
            conversation: visitor_wrote.clone(),
        });
        inbox.apply(InboxFrame::Upsert {
            conversation: operator_wrote.clone(),
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
        assert_eq!(inbox.seen_marks(), vec![(visitor_wrote.id.clone(), Seq(2))]);
    }

    #[test]
    fn stale_updates_are_ignored() {
        let mut inbox = Inbox::new();
        inbox.apply(InboxFrame::Upsert {
            conversation: summary(1, "demo", 5, Role::Visitor, 5),
        });
        inbox.apply(InboxFrame::Upsert {
            conversation: summary(1, "demo", 4, Role::Visitor, 4),
        });
        assert_eq!(inbox.conversations()[0].last_seq, Seq(5));
    }
}
