//! One conversation as a screen shows it, and the connection line every
//! screen shows, as plain values: components only render them, and every
//! change goes through these methods, which are tested natively.

use charla_shared::bot::AnswerId;
use charla_shared::channel::Language;
use charla_shared::chat::{Applied, ChatLog, Outgoing, Rated};
use charla_shared::files::Attachment;
use charla_shared::ids::ClientMsgId;
use charla_shared::protocol::{
    message_text, ClientFrame, ErrorCode, Problem, ServerFrame, StaffFrame, StaffPart,
};
use serde::de::DeserializeOwned;

use crate::net::Link;

/// What a connection is doing and the last refusal, as the people using it
/// should know it. The widget, each console pane and the console's inbox
/// hold one and show [`Connection::status`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Connection {
    link: Option<Link>,
    notice: Option<String>,
}

/// The words of the status line, in the reader's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusWords {
    /// While the first connection opens.
    pub connecting: &'static str,
    /// While a lost connection is re-established.
    pub reconnecting: &'static str,
    /// While the browser has no network.
    pub offline: &'static str,
}

impl Connection {
    /// The connection, once there is one.
    pub fn link(&self) -> Option<Link> {
        self.link
    }

    /// The last refusal or failure to show, if any.
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    /// Records the connection state.
    pub fn set_link(&mut self, link: Link) {
        self.link = Some(link);
    }

    /// Shows a failure or a refusal until it is cleared.
    pub fn set_notice(&mut self, notice: impl Into<String>) {
        self.notice = Some(notice.into());
    }

    /// Takes the notice away.
    pub fn clear_notice(&mut self) {
        self.notice = None;
    }

    /// The one line that says what is going on: the notice if there is
    /// one, else what the link is doing; empty while all is well.
    pub fn status(&self, words: &StatusWords) -> String {
        match (&self.notice, self.link) {
            (Some(notice), _) => notice.clone(),
            (None, Some(Link::Connecting)) => words.connecting.to_owned(),
            (None, Some(Link::Waiting)) => words.reconnecting.to_owned(),
            (None, Some(Link::Offline)) => words.offline.to_owned(),
            (None, Some(Link::Open | Link::Closed) | None) => String::new(),
        }
    }
}

/// One conversation as a screen shows it: the log, the connection and the
/// last refusal. The widget and each console pane hold one.
#[derive(Debug, Clone, Default)]
pub struct ChatView {
    log: ChatLog,
    connection: Connection,
    /// The notice asks to wait; the next acknowledgement clears it.
    waiting: bool,
    /// The edge said the reader's session has ended.
    session_ended: bool,
}

/// State that holds a [`ChatView`]; [`Live`](crate::live::Live) keeps any
/// such state in sync with the edge.
pub trait HasChat: 'static {
    /// The conversation.
    fn chat(&self) -> &ChatView;
    /// The conversation, to change it.
    fn chat_mut(&mut self) -> &mut ChatView;
    /// How this state reads the frames only operators receive: the
    /// console as [`StaffFrame`](charla_shared::protocol::StaffFrame)s, the
    /// widget not at all, so that it carries no code to decode them.
    type Staff: StaffPart + DeserializeOwned;

    /// Applies a frame from the edge. States that count unread messages
    /// wrap this.
    fn receive(&mut self, frame: ServerFrame<Self::Staff>) -> Applied {
        self.chat_mut().receive(frame)
    }
}

impl ChatView {
    /// The messages and the outbox.
    pub fn log(&self) -> &ChatLog {
        &self.log
    }

    /// The connection and the last notice.
    pub fn connection(&self) -> &Connection {
        &self.connection
    }

    /// Whether the edge said the reader's session has ended (an operator
    /// signed out, here or elsewhere): the UI should ask them to sign in.
    pub fn session_ended(&self) -> bool {
        self.session_ended
    }

    /// Checks and queues a message; returns the frame that sends it, or the
    /// reason it cannot be sent (shown, nothing queued).
    pub fn compose(&mut self, id: ClientMsgId, text: &str) -> Result<ClientFrame, Problem> {
        match message_text(text) {
            Ok(text) => {
                self.connection.clear_notice();
                Ok(self.log.compose(id, text))
            }
            Err(problem) => {
                self.connection.set_notice(problem.message.clone());
                Err(problem)
            }
        }
    }

    /// Queues a chatbot answer; returns the frame that sends it.
    pub fn choose(&mut self, id: ClientMsgId, answer: AnswerId, label: &str) -> ClientFrame {
        self.connection.clear_notice();
        self.log.choose(id, answer, label.to_owned())
    }

    /// Queues an uploaded file; returns the frame that posts it.
    pub fn attach(&mut self, id: ClientMsgId, attachment: &Attachment) -> ClientFrame {
        self.connection.clear_notice();
        self.log.attach(id, attachment)
    }

    /// Queues a rating; returns the frame that sends it.
    pub fn rate(&mut self, id: ClientMsgId, rated: Rated, language: Language) -> ClientFrame {
        self.connection.clear_notice();
        self.log.rate(id, rated, language)
    }

    /// Applies a frame from the edge; a refusal becomes the notice, and a
    /// request to slow down lasts until the edge acknowledges again.
    pub fn receive<S: StaffPart>(&mut self, frame: ServerFrame<S>) -> Applied {
        let ack = matches!(frame, ServerFrame::Ack { .. });
        let applied = self.log.apply(frame);
        if let Some(problem) = &applied.problem {
            self.connection.set_notice(problem.message.clone());
            self.waiting = applied.resend_after_ms.is_some();
            self.session_ended |= problem.code == ErrorCode::Unauthorized;
        } else if ack && std::mem::take(&mut self.waiting) {
            self.connection.clear_notice();
        }
        applied
    }

    /// Nobody has typed for a while: the indicator goes.
    pub fn clear_typing(&mut self) {
        self.log.clear_typing();
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
        self.connection.set_link(link);
    }

    /// Shows a failure that is not tied to a frame.
    pub fn set_notice(&mut self, notice: impl Into<String>) {
        self.connection.set_notice(notice);
    }
}

impl HasChat for ChatView {
    type Staff = StaffFrame;

    fn chat(&self) -> &ChatView {
        self
    }

    fn chat_mut(&mut self) -> &mut ChatView {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Frames as the edge writes them.
    type Frame = ServerFrame;
    use charla_shared::ids::{ConversationId, ParticipantId, Seq};
    use charla_shared::limits::MAX_MESSAGE_CHARS;
    use charla_shared::protocol::{Author, ErrorCode, Role, PROTOCOL_VERSION};

    const WORDS: StatusWords = StatusWords {
        connecting: "connecting",
        reconnecting: "reconnecting",
        offline: "offline",
    };

    fn welcomed() -> ChatView {
        let mut chat = ChatView::default();
        chat.receive(Frame::Welcome {
            protocol: PROTOCOL_VERSION,
            conversation: ConversationId::from_random([1; 16]),
            you: Author {
                role: Role::Visitor,
                id: ParticipantId::visitor(),
                name: "V".into(),
            },
            last_seq: Seq(0),
            reads: vec![],
        });
        chat.receive(Frame::History {
            messages: vec![],
            more: false,
        });
        chat
    }

    #[test]
    fn the_status_line_says_the_notice_first_then_the_link() {
        let mut connection = Connection::default();
        assert_eq!(connection.status(&WORDS), "");
        for (link, said) in [
            (Link::Connecting, "connecting"),
            (Link::Waiting, "reconnecting"),
            (Link::Offline, "offline"),
            (Link::Open, ""),
            (Link::Closed, ""),
        ] {
            connection.set_link(link);
            assert_eq!(connection.status(&WORDS), said, "{link:?}");
        }
        connection.set_link(Link::Offline);
        connection.set_notice("refused");
        assert_eq!(connection.status(&WORDS), "refused");
        connection.clear_notice();
        assert_eq!(connection.status(&WORDS), "offline");
    }

    #[test]
    fn an_invalid_message_is_explained_and_not_queued() {
        let mut chat = welcomed();
        let id = ClientMsgId::parse("x").unwrap();
        let problem = chat.compose(id.clone(), "   ").unwrap_err();
        assert_eq!(problem.code, ErrorCode::EmptyMessage);
        assert!(chat.connection().notice().is_some());
        let long = "a".repeat(MAX_MESSAGE_CHARS + 1);
        assert!(chat.compose(id.clone(), &long).is_err());
        assert!(chat.log().outbox().is_empty());
        assert!(chat.compose(id, " hola ").is_ok());
        assert_eq!(chat.connection().notice(), None);
        assert_eq!(chat.log().outbox()[0].text, "hola");
    }

    #[test]
    fn a_request_to_slow_down_lasts_until_the_next_ack() {
        let mut chat = welcomed();
        let id = ClientMsgId::parse("fast").unwrap();
        chat.compose(id.clone(), "x").unwrap();
        let applied = chat.receive(Frame::Error {
            problem: Problem::rate_limited("Slow down.", 500).for_message(id.clone()),
        });
        assert_eq!(applied.resend_after_ms, Some(500));
        assert_eq!(chat.connection().status(&WORDS), "Slow down.");
        assert_eq!(chat.log().outbox().len(), 1, "kept to go again");
        chat.receive(Frame::Ack { id, seq: Seq(1) });
        assert_eq!(chat.connection().notice(), None);
    }

    #[test]
    fn the_end_of_a_session_is_remembered() {
        let mut chat = welcomed();
        assert!(!chat.session_ended());
        chat.receive(Frame::Error {
            problem: Problem::session_ended(),
        });
        assert!(chat.session_ended());
    }

    #[test]
    fn an_edge_refusal_becomes_the_notice() {
        let mut chat = welcomed();
        chat.receive(Frame::Error {
            problem: Problem::new(ErrorCode::RateLimited, "Slow down."),
        });
        assert_eq!(chat.connection().notice(), Some("Slow down."));
    }
}
