//! The widget's state as a plain value. Components only render it; every
//! change goes through these methods, which are tested natively.

use charla_client::chat::{ChatView, HasChat};
use charla_shared::channel::ButtonMode;
use charla_shared::chat::Applied;
use charla_shared::protocol::ServerFrame;

/// Everything the widget shows.
#[derive(Debug, Clone, Default)]
pub struct WidgetState {
    open: bool,
    unread: usize,
    chat: ChatView,
    button: ButtonMode,
    /// The visitor opened or closed the window themselves, or dismissed the
    /// notification: the page's rule does not push it on them again.
    touched: bool,
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

    /// How the chat button shows on this page.
    pub fn button(&self) -> ButtonMode {
        self.button
    }

    /// Whether the notification bubble shows beside the button.
    pub fn shows_notification(&self) -> bool {
        self.button == ButtonMode::ShowWithNotification && !self.open && !self.touched
    }

    /// Whether the chat button shows.
    pub fn shows_button(&self) -> bool {
        self.button != ButtonMode::Hide
    }

    /// Applies the page's rule.
    pub fn set_button(&mut self, button: ButtonMode) {
        self.button = button;
    }

    /// Opens the window; `true` if it was closed.
    pub fn open(&mut self) -> bool {
        self.unread = 0;
        self.touched = true;
        !std::mem::replace(&mut self.open, true)
    }

    /// Closes the window; `true` if it was open.
    pub fn close(&mut self) -> bool {
        self.touched = true;
        std::mem::replace(&mut self.open, false)
    }

    /// Opens the window because the page's rule says so, unless the visitor
    /// has already opened or closed it; `true` if it opened.
    pub fn open_by_rule(&mut self) -> bool {
        !self.touched && self.open()
    }

    /// Hides the notification bubble.
    pub fn dismiss_notification(&mut self) {
        self.touched = true;
    }

    /// Drops the conversation (the window stays as it is).
    pub fn reset_chat(&mut self) {
        self.chat = ChatView::default();
        self.unread = 0;
    }
}

impl HasChat for WidgetState {
    fn chat(&self) -> &ChatView {
        &self.chat
    }

    fn chat_mut(&mut self) -> &mut ChatView {
        &mut self.chat
    }

    /// Live replies that arrive while the window is closed count as unread.
    fn receive(&mut self, frame: ServerFrame) -> Applied {
        let live = matches!(frame, ServerFrame::Message { .. });
        let applied = self.chat.receive(frame);
        if live && !self.open {
            let log = self.chat.log();
            self.unread += applied
                .new_messages
                .iter()
                .filter(|m| !log.is_own(m))
                .count();
        }
        applied
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use charla_shared::ids::{ClientMsgId, ConversationId, OperatorId, ParticipantId, Seq};
    use charla_shared::protocol::{Author, Message, Role, PROTOCOL_VERSION};

    fn author(role: Role) -> Author {
        let id = match role {
            Role::Visitor => ParticipantId::visitor(),
            _ => ParticipantId::operator(&OperatorId::parse("ana").unwrap()),
        };
        Author {
            role,
            id,
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
    fn the_rule_opens_the_window_only_if_the_visitor_has_not_chosen() {
        let mut state = WidgetState::new();
        state.set_button(ButtonMode::OpenAutomatically);
        assert!(state.open_by_rule());
        let mut closed_first = WidgetState::new();
        closed_first.close();
        assert!(
            !closed_first.open_by_rule(),
            "the visitor closed it: leave it"
        );
    }

    #[test]
    fn the_notification_shows_until_opened_or_dismissed() {
        let mut state = WidgetState::new();
        assert!(!state.shows_notification(), "only in its mode");
        state.set_button(ButtonMode::ShowWithNotification);
        assert!(state.shows_notification());
        state.dismiss_notification();
        assert!(!state.shows_notification());
        let mut opened = WidgetState::new();
        opened.set_button(ButtonMode::ShowWithNotification);
        opened.open();
        opened.close();
        assert!(!opened.shows_notification());
        let mut hidden = WidgetState::new();
        hidden.set_button(ButtonMode::Hide);
        assert!(!hidden.shows_button());
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
}
