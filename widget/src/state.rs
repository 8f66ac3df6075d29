//! The widget's state as a plain value. Components only render it; every
//! change goes through these methods, which are tested natively.

use charla_shared::chat::{Applied, ChatLog, Outgoing};
use charla_shared::ids::ClientMsgId;
use charla_shared::protocol::{message_text, ClientFrame, Problem, ServerFrame};

use charla_shared::channel::ButtonMode;

use crate::net::Link;

/// One conversation as a screen shows it: the log, the connection and the
/// last refusal. The widget and each console pane hold one.
#[derive(Debug, Clone, Default)]
pub struct ChatView {
    log: ChatLog,
    link: Option<Link>,
    notice: Option<String>,
    /// The notice asks to wait; the next acknowledgement clears it.
    waiting: bool,
}

/// State that holds a [`ChatView`]; [`Live`](crate::live::Live) keeps any
/// such state in sync with the edge.
pub trait HasChat: 'static {
    /// The conversation.
    fn chat(&self) -> &ChatView;
    /// The conversation, to change it.
    fn chat_mut(&mut self) -> &mut ChatView;
    /// Applies a frame from the edge. States that count unread messages
    /// wrap this.
    fn receive(&mut self, frame: ServerFrame) -> Applied {
        self.chat_mut().receive(frame)
    }
}

impl ChatView {
    /// The messages and the outbox.
    pub fn log(&self) -> &ChatLog {
        &self.log
    }

    /// The connection, once there is one.
    pub fn link(&self) -> Option<Link> {
        self.link
    }

    /// The last refusal or failure to show, if any.
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    /// Checks and queues a message; returns the frame that sends it, or the
    /// reason it cannot be sent (shown, nothing queued).
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

    /// Applies a frame from the edge; a refusal becomes the notice, and a
    /// request to slow down lasts until the edge acknowledges again.
    pub fn receive(&mut self, frame: ServerFrame) -> Applied {
        let ack = matches!(frame, ServerFrame::Ack { .. });
        let applied = self.log.apply(frame);
        if let Some(problem) = &applied.problem {
            self.notice = Some(problem.message.clone());
            self.waiting = applied.resend_after_ms.is_some();
        } else if ack && std::mem::take(&mut self.waiting) {
            self.notice = None;
        }
        applied
    }

    /// Puts back the outbox saved before a reload.
    pub fn restore_outbox(&mut self, saved: Vec<Outgoing>) {
        self.log.restore_outbox(saved);
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

impl HasChat for ChatView {
    fn chat(&self) -> &ChatView {
        self
    }

    fn chat_mut(&mut self) -> &mut ChatView {
        self
    }
}

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

    #[test]
    fn an_invalid_message_is_explained_and_not_queued() {
        let mut state = welcomed();
        let id = ClientMsgId::parse("x").unwrap();
        let chat = state.chat_mut();
        let problem = chat.compose(id.clone(), "   ").unwrap_err();
        assert_eq!(problem.code, ErrorCode::EmptyMessage);
        assert!(chat.notice().is_some());
        let long = "a".repeat(MAX_MESSAGE_CHARS + 1);
        assert!(chat.compose(id.clone(), &long).is_err());
        assert!(chat.log().outbox().is_empty());
        assert!(chat.compose(id, " hola ").is_ok());
        assert_eq!(chat.notice(), None);
        assert_eq!(chat.log().outbox()[0].text, "hola");
    }

    #[test]
    fn a_request_to_slow_down_lasts_until_the_next_ack() {
        let mut state = welcomed();
        let id = ClientMsgId::parse("fast").unwrap();
        state.chat_mut().compose(id.clone(), "x").unwrap();
        let applied = state.receive(ServerFrame::Error {
            problem: Problem::rate_limited("Slow down.", 500).for_message(id.clone()),
        });
        assert_eq!(applied.resend_after_ms, Some(500));
        assert_eq!(state.chat().notice(), Some("Slow down."));
        assert_eq!(state.chat().log().outbox().len(), 1, "kept to go again");
        state.receive(ServerFrame::Ack { id, seq: Seq(1) });
        assert_eq!(state.chat().notice(), None);
    }

    #[test]
    fn an_edge_refusal_becomes_the_notice() {
        let mut state = welcomed();
        state.receive(ServerFrame::Error {
            problem: Problem::new(ErrorCode::RateLimited, "Slow down."),
        });
        assert_eq!(state.chat().notice(), Some("Slow down."));
    }
}
