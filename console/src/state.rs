//! The operator's desk as a plain value: the inbox across channels and the
//! conversations open side by side. Components only render it.

use charla_shared::ids::{ConversationId, OperatorId, Seq};
use charla_shared::inbox::Inbox;
use charla_shared::limits::MAX_PANES;
use charla_shared::protocol::{InboxFrame, Problem};

/// What the console shows once signed in.
#[derive(Debug, Clone)]
pub struct DeskState {
    inbox: Inbox,
    /// Open conversations, oldest first.
    panes: Vec<ConversationId>,
}

impl DeskState {
    /// The desk of an operator, empty until the inbox sockets speak.
    pub fn new(me: OperatorId) -> Self {
        DeskState {
            inbox: Inbox::new(me),
            panes: Vec::new(),
        }
    }

    /// The conversation list.
    pub fn inbox(&self) -> &Inbox {
        &self.inbox
    }

    /// Open conversations, oldest first.
    pub fn panes(&self) -> &[ConversationId] {
        &self.panes
    }

    /// Applies a frame from an inbox socket.
    pub fn apply(&mut self, frame: InboxFrame) -> Option<Problem> {
        // A deleted conversation's pane closes with it.
        if let InboxFrame::Removed { conversation } = &frame {
            self.close(conversation);
        }
        self.inbox.apply(frame)
    }

    /// Opens a conversation beside the others; an open one stays where it is.
    pub fn open(&mut self, id: &ConversationId) {
        if self.panes.contains(id) {
            return;
        }
        if self.panes.len() == MAX_PANES {
            self.panes.remove(0);
        }
        self.panes.push(id.clone());
    }

    /// Closes a conversation's pane.
    pub fn close(&mut self, id: &ConversationId) {
        self.panes.retain(|p| p != id);
    }

    /// Records that the operator has seen a conversation up to `seq`.
    pub fn mark_seen(&mut self, id: &ConversationId, seq: Seq) {
        self.inbox.mark_seen(id, seq);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use charla_shared::ids::{ChannelId, ParticipantId};
    use charla_shared::protocol::{Contact, ConversationSummary, Preview, Role, Seen};

    fn id(n: u8) -> ConversationId {
        ConversationId::from_random([n; 16])
    }

    #[test]
    fn panes_open_once_and_the_oldest_makes_room() {
        let mut desk = DeskState::new(OperatorId::parse("ana").unwrap());
        desk.open(&id(1));
        desk.open(&id(1));
        assert_eq!(desk.panes(), [id(1)]);
        for n in 2..=u8::try_from(MAX_PANES).unwrap() + 1 {
            desk.open(&id(n));
        }
        assert_eq!(desk.panes().len(), MAX_PANES);
        assert!(!desk.panes().contains(&id(1)));
        desk.close(&id(2));
        assert!(!desk.panes().contains(&id(2)));
    }

    #[test]
    fn marks_from_the_edge_keep_read_conversations_read() {
        let summary = ConversationSummary {
            id: id(1),
            channel: ChannelId::parse("demo").unwrap(),
            visitor: "V".into(),
            contact: Contact::default(),
            created_at: 0,
            last_seq: Seq(3),
            last: Some(Preview {
                role: Role::Visitor,
                author: ParticipantId::visitor(),
                text: "hi".into(),
                at: 1,
            }),
            visitor_online: false,
            visitor_seqs: vec![Seq(3)],
            direct: Vec::new(),
            waiting_since: None,
            holder: None,
        };
        let mut desk = DeskState::new(OperatorId::parse("ana").unwrap());
        desk.apply(InboxFrame::Snapshot {
            channel: summary.channel.clone(),
            conversations: vec![summary.clone()],
            read: vec![Seen {
                conversation: id(1),
                seq: Seq(3),
            }],
        });
        assert!(!desk.inbox().is_unread(&id(1)));
        desk.apply(InboxFrame::Upsert {
            conversation: Box::new(ConversationSummary {
                last_seq: Seq(4),
                visitor_seqs: vec![Seq(3), Seq(4)],
                ..summary
            }),
        });
        assert!(desk.inbox().is_unread(&id(1)));
        desk.mark_seen(&id(1), Seq(4));
        assert!(!desk.inbox().is_unread(&id(1)));
    }
}
