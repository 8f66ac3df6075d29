//! The widget's state as a plain value. Components only render it; every
//! change goes through these methods, which are tested natively.

use charla_shared::chat::{Applied, ChatLog};
use charla_shared::ids::ClientMsgId;
use charla_shared::protocol::{message_text, ClientFrame, Problem, ServerFrame};

use crate::net::Link;

/// Everything the widget shows.
#[derive(Debug, Clone, Default)]
pub struct WidgetState {
    open: bool,
    unread: usize,
    log: ChatLog,
    link: Option<Link>,
    notice: Option<String>,
}

impl WidgetState {
    /// A closed widget with no conversation.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the window is open.
    pub fn is_open(&self) -> bool {
        self.open
    }

    /// Replies that arrived while the window was closed.
    pub fn unread(&self) -> usize {
        self.unread
    }

    /// The conversation.
    pub fn log(&self) -> &ChatLog {
        &self.log
    }

    /// The last refusal or failure to show, if any.
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    /// The connection, once a conversation exists.
    pub fn link(&self) -> Option<Link> {
        self.link
    }

    /// Opens the window; `true` if it was closed.
    pub fn open(&mut self) -> bool {
        self.unread = 0;
        !std::mem::replace(&mut self.open, true)
    }

    /// Closes the window; `true` if it was open.
    pub fn close(&mut self) -> bool {
        std::mem::replace(&mut self.open, false)
    }

    /// Checks and queues a message; returns the frame that sends it, or the
    /// reason it cannot be sent (shown to the visitor, nothing queued).
    pub fn compose(&mut self, id: ClientMsgId, text: &str) -> Result<ClientFrame, Problem> {
        match message_text(text) {
            Ok(text) => {
                self.notice = None;
                Ok(self.log.compose(id, text))
            }
            Err(problem) => {
                self.notice = Some(problem.message.clone());
                Err(problem)
            }
        }
    }

    /// Applies a frame from the edge. Live replies that arrive while the
    /// window is closed count as unread.
    pub fn receive(&mut self, frame: ServerFrame) -> Applied {
        let live = matches!(frame, ServerFrame::Message { .. });
        let applied = self.log.apply(frame);
        if live && !self.open {
            self.unread += applied
                .new_messages
                .iter()
                .filter(|m| !self.log.is_own(m))
                .count();
        }
        if let Some(problem) = &applied.problem {
            self.notice = Some(problem.message.clone());
        }
        applied
    }

    /// Records the connection state.
    pub fn set_link(&mut self, link: Link) {
        if link != Link::Open {
            self.log.disconnected();
        }
        self.link = Some(link);
    }

    /// Shows a failure that is not tied to a frame.
    pub fn set_notice(&mut self, notice: impl Into<String>) {
        self.notice = Some(notice.into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use charla_shared::ids::{ConversationId, Seq};
    use charla_shared::limits::MAX_MESSAGE_CHARS;
    use charla_shared::protocol::{Author, ErrorCode, Message, Role, PROTOCOL_VERSION};

    fn author(role: Role) -> Author {
        Author {
            role,
            name: format!("{role:?}"),
        }
    }

    fn welcomed() -> WidgetState {
        let mut state = WidgetState::new();
        state.receive(ServerFrame::Welcome {
            protocol: PROTOCOL_VERSION,
            conversation: ConversationId::from_random([1; 16]),
            you: author(Role::Visitor),
            last_seq: Seq(0),
        });
        state.receive(ServerFrame::History {
            messages: vec![],
            more: false,
        });
        state
    }

    fn live(seq: u64, role: Role) -> ServerFrame {
        ServerFrame::Message {
            message: Message {
                seq: Seq(seq),
                id: ClientMsgId::parse(format!("m{seq}")).unwrap(),
                author: author(role),
                text: "hi".into(),
                at: 0,
            },
        }
    }

    #[test]
    fn opening_and_closing_report_changes_once() {
        let mut state = WidgetState::new();
        assert!(state.open());
        assert!(!state.open());
        assert!(state.close());
        assert!(!state.close());
    }

    #[test]
    fn replies_while_closed_are_unread_until_opened() {
        let mut state = welcomed();
        state.receive(live(1, Role::Operator));
        state.receive(live(2, Role::Visitor));
        assert_eq!(state.unread(), 1, "own messages are never unread");
        state.open();
        assert_eq!(state.unread(), 0);
        state.receive(live(3, Role::Operator));
        assert_eq!(state.unread(), 0, "the open window shows it");
    }

    #[test]
    fn an_invalid_message_is_explained_and_not_queued() {
        let mut state = welcomed();
        let id = ClientMsgId::parse("x").unwrap();
        let problem = state.compose(id.clone(), "   ").unwrap_err();
        assert_eq!(problem.code, ErrorCode::EmptyMessage);
        assert!(state.notice().is_some());
        let long = "a".repeat(MAX_MESSAGE_CHARS + 1);
        assert!(state.compose(id.clone(), &long).is_err());
        assert!(state.log().outbox().is_empty());
        assert!(state.compose(id, " hola ").is_ok());
        assert_eq!(state.notice(), None);
        assert_eq!(state.log().outbox()[0].text, "hola");
    }

    #[test]
    fn an_edge_refusal_becomes_the_notice() {
        let mut state = welcomed();
        state.receive(ServerFrame::Error {
            problem: Problem::new(ErrorCode::RateLimited, "Slow down."),
        });
        assert_eq!(state.notice(), Some("Slow down."));
    }
}
