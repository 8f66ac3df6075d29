//! The widget's state as a plain value. Components only render it; every
//! change goes through these methods, which are tested natively.

use charla_client::chat::{ChatView, HasChat};
use charla_shared::channel::ButtonMode;
use charla_shared::chat::Applied;
use charla_shared::ids::Seq;
use charla_shared::protocol::{Attending, Message, MessageKind, Notice, Role, ServerFrame};
use charla_shared::rating::Rating;
use serde::de::IgnoredAny;

/// Everything the widget shows.
#[derive(Debug, Clone, Default)]
pub struct WidgetState {
    open: bool,
    chat: ChatView,
    button: ButtonMode,
    /// The visitor opened or closed the window themselves, or dismissed the
    /// notification: the page's rule does not push it on them again.
    touched: bool,
    /// The last chatbot message shown: later ones appear one by one after
    /// a short "typing" pause, as a person's would.
    shown: Seq,
    /// The conversation started on this page, so even the chatbot's first
    /// messages (which arrive as history) appear one by one.
    fresh: bool,
    /// The visitor asked to end the conversation (the edge's notice of the
    /// end may not have arrived yet).
    ending: bool,
    /// The face picked, waiting for its reason.
    picked: Option<Rating>,
    /// Where a copy of the conversation was sent.
    copy_sent: Option<String>,
    /// Nobody takes new conversations now (office hours) and the visitor
    /// has none going: the window offers the offline form instead.
    closed: bool,
    /// The channel's queue was full when the visitor wrote: the window
    /// offers the offline form with the unavailable message instead.
    busy: bool,
    /// The message left outside office hours.
    offline: OfflineForm,
}

/// Where a message left outside office hours stands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum OfflineForm {
    /// The visitor fills it in.
    #[default]
    Writing,
    /// On its way to the edge.
    Sending,
    /// Kept: the form gives way to thanks.
    Sent,
    /// The edge refused it, and said why; the visitor may correct it.
    Refused(String),
}

/// Where the end of the conversation stands, for the rating view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closing {
    /// The conversation goes on.
    Open,
    /// It ended: the visitor may pick a face.
    Ask,
    /// A neutral or dissatisfied face was picked: the visitor may say why.
    Reason(Rating),
    /// The visitor rated it.
    Thanks,
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

    /// Whether the window shows the out-of-hours message instead of the
    /// chat.
    pub fn out_of_hours(&self) -> bool {
        self.closed || self.busy
    }

    /// Whether the window offers the offline form: no conversation can
    /// start (office hours, a full queue), or the one going went to people
    /// while nobody is on duty and none has taken it yet.
    pub fn offers_offline_form(&self) -> bool {
        self.out_of_hours()
            || (self.closing() == Closing::Open && self.chat.log().offline_offered())
    }

    /// Whether it is the full queue, not the hours, that keeps the visitor
    /// from starting a conversation.
    pub fn busy(&self) -> bool {
        self.busy
    }

    /// The queue was full: the visitor's message stays in the outbox, and
    /// the window shows the unavailable message (and the offline form).
    pub fn set_busy(&mut self) {
        self.busy = true;
    }

    /// Whether a person attends the conversation, while it goes on.
    pub fn attending(&self) -> Option<&Attending> {
        if self.closing() != Closing::Open {
            return None;
        }
        self.chat.log().attending()
    }

    /// The channel is closed (or open) for new conversations; one already
    /// `going` carries on regardless.
    pub fn set_closed(&mut self, closed: bool, going: bool) {
        self.closed = closed && !going;
    }

    /// Where the offline message stands.
    pub fn offline(&self) -> &OfflineForm {
        &self.offline
    }

    /// Starts sending the offline message: `false` while one is on its way
    /// or once it is kept, so a double submit sends it once.
    pub fn send_offline(&mut self) -> bool {
        if matches!(self.offline, OfflineForm::Sending | OfflineForm::Sent) {
            return false;
        }
        self.offline = OfflineForm::Sending;
        true
    }

    /// What the edge answered to the offline message.
    pub fn offline_answered(&mut self, refused: Option<String>) {
        self.offline = refused.map_or(OfflineForm::Sent, OfflineForm::Refused);
    }

    /// Replies the visitor has not read, shown while the window is closed.
    /// The edge keeps how far the visitor has read, so the count survives a
    /// reload and agrees across tabs.
    pub fn unread(&self) -> usize {
        if self.open {
            0
        } else {
            self.chat.log().unread()
        }
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
        self.shown = Seq(0);
        self.ending = false;
        self.picked = None;
        self.copy_sent = None;
    }

    /// Whether there is a conversation the visitor may end.
    pub fn can_end(&self) -> bool {
        self.chat.log().you().is_some() && self.closing() == Closing::Open
    }

    /// The visitor ends the conversation.
    pub fn end(&mut self) {
        self.ending = true;
    }

    /// Where the end of the conversation stands. A rating in the log or in
    /// the outbox means it was rated, so a reload keeps the thanks.
    pub fn closing(&self) -> Closing {
        let log = self.chat.log();
        let rated = log
            .messages()
            .any(|m| log.is_own(m) && matches!(m.kind, MessageKind::Rated { .. }))
            || log.outbox().iter().any(|o| o.rating.is_some());
        let ended = self.ending || log.messages().any(|m| m.kind == MessageKind::Closed);
        match (rated, self.picked) {
            (true, _) => Closing::Thanks,
            (false, Some(rating)) => Closing::Reason(rating),
            (false, None) if ended => Closing::Ask,
            (false, None) => Closing::Open,
        }
    }

    /// The visitor picks a face. `true` when the rating goes out at once
    /// (satisfied); a neutral or dissatisfied face waits for a reason.
    pub fn pick(&mut self, rating: Rating) -> bool {
        if rating == Rating::Satisfied {
            self.picked = None;
            true
        } else {
            self.picked = Some(rating);
            false
        }
    }

    /// The rating was queued: the thanks show from the outbox on.
    pub fn rated(&mut self) {
        self.picked = None;
    }

    /// Where a copy of the conversation went, once the edge said so.
    pub fn copy_sent(&self) -> Option<&str> {
        self.copy_sent.as_deref()
    }

    /// The conversation was started on this page: the chatbot's first
    /// messages appear one by one too.
    pub fn started_here(&mut self) {
        self.fresh = true;
    }

    /// The messages to show: all of them up to the first chatbot message
    /// not revealed yet.
    pub fn visible_messages(&self) -> Vec<Message> {
        self.chat
            .log()
            .messages()
            .take_while(|m| m.author.role != Role::Bot || m.seq <= self.shown)
            .cloned()
            .collect()
    }

    /// Whether a chatbot message waits to be revealed (the widget shows the
    /// bot typing meanwhile): the name of the bot, if so.
    pub fn bot_typing(&self) -> Option<&str> {
        self.next_hidden().map(|m| m.author.name.as_str())
    }

    /// Who is typing, as the window says it: the chatbot before its next
    /// message, else an operator the edge says is typing.
    pub fn typing(&self) -> Option<&str> {
        self.bot_typing().or_else(|| {
            self.chat
                .log()
                .typing()
                .first()
                .map(|author| author.name.as_str())
        })
    }

    /// Reveals the next chatbot message; `true` if one was revealed.
    pub fn reveal_next(&mut self) -> bool {
        match self.next_hidden().map(|m| m.seq) {
            Some(seq) => {
                self.shown = seq;
                true
            }
            None => false,
        }
    }

    fn next_hidden(&self) -> Option<&Message> {
        self.chat
            .log()
            .messages()
            .find(|m| m.author.role == Role::Bot && m.seq > self.shown)
    }
}

impl HasChat for WidgetState {
    /// A visitor is never sent what only operators receive.
    type Staff = IgnoredAny;

    fn chat(&self) -> &ChatView {
        &self.chat
    }

    fn chat_mut(&mut self) -> &mut ChatView {
        &mut self.chat
    }

    fn receive(&mut self, frame: ServerFrame<IgnoredAny>) -> Applied {
        // History of a conversation from before this page shows at once;
        // only what is new here is revealed one by one.
        let shows_history = matches!(frame, ServerFrame::History { .. }) && !self.fresh;
        let applied = self.chat.receive(frame);
        if let Some(Notice::CopySent { email }) = &applied.notice {
            self.copy_sent = Some(email.clone());
        }
        if shows_history {
            self.shown = self.shown.max(self.chat.log().frontier());
        }
        applied
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use charla_shared::channel::Language;
    use charla_shared::chat::Rated;
    use charla_shared::ids::{ClientMsgId, ConversationId, OperatorId, ParticipantId, Seq};
    use charla_shared::protocol::{Author, ClientFrame, ReadMark, PROTOCOL_VERSION};

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
            reads: vec![],
        });
        state.receive(ServerFrame::History {
            messages: vec![],
            more: false,
        });
        state
    }

    fn live(seq: u64, role: Role) -> ServerFrame<IgnoredAny> {
        ServerFrame::Message {
            message: Message {
                seq: Seq(seq),
                id: ClientMsgId::parse(format!("m{seq}")).unwrap(),
                author: author(role),
                text: "hi".into(),
                at: 0,
                kind: MessageKind::Text,
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
        state.receive(live(1, Role::Visitor));
        state.receive(live(2, Role::Operator));
        state.receive(live(3, Role::Operator));
        assert_eq!(state.unread(), 2, "own messages are never unread");
        state.open();
        assert_eq!(state.unread(), 0, "the open window shows them");
        assert_eq!(
            state.chat().log().read_frame(),
            Some(ClientFrame::Read { seq: Seq(3) }),
            "and tells the edge"
        );
        state.receive(ServerFrame::Read {
            mark: ReadMark {
                reader: ParticipantId::visitor(),
                role: Role::Visitor,
                seq: Seq(3),
            },
        });
        state.close();
        assert_eq!(state.unread(), 0);
        state.receive(live(4, Role::Operator));
        assert_eq!(state.unread(), 1);
    }

    #[test]
    fn an_operator_typing_shows_until_they_write() {
        let mut state = welcomed();
        state.receive(ServerFrame::Typing {
            author: author(Role::Operator),
        });
        assert_eq!(state.typing(), Some("Operator"));
        state.receive(live(1, Role::Operator));
        assert_eq!(state.typing(), None);
    }

    fn bot_message(seq: u64) -> ServerFrame<IgnoredAny> {
        let ServerFrame::Message { mut message } = live(seq, Role::Bot) else {
            unreachable!("live builds a message frame");
        };
        message.author.id = ParticipantId::bot("welcome-bot");
        ServerFrame::Message { message }
    }

    #[test]
    fn bot_messages_appear_one_by_one_after_typing() {
        let mut state = welcomed();
        state.receive(live(1, Role::Visitor));
        state.receive(bot_message(2));
        state.receive(bot_message(3));
        let seqs = |s: &WidgetState| {
            s.visible_messages()
                .iter()
                .map(|m| m.seq.0)
                .collect::<Vec<_>>()
        };
        assert_eq!(seqs(&state), [1]);
        assert!(state.typing().is_some(), "the bot is typing");
        assert!(state.reveal_next());
        assert_eq!(seqs(&state), [1, 2]);
        assert!(state.reveal_next());
        assert_eq!(seqs(&state), [1, 2, 3]);
        assert!(state.typing().is_none());
        assert!(!state.reveal_next());
    }

    fn closed() -> ServerFrame<IgnoredAny> {
        let ServerFrame::Message { mut message } = live(5, Role::System) else {
            unreachable!("a message frame");
        };
        message.kind = MessageKind::Closed;
        ServerFrame::Message { message }
    }

    #[test]
    fn an_ended_conversation_asks_for_a_face_then_a_reason_then_thanks() {
        let mut state = welcomed();
        assert!(state.can_end());
        assert_eq!(state.closing(), Closing::Open);
        state.receive(closed());
        assert_eq!(state.closing(), Closing::Ask, "the operator ended it");
        assert!(!state.can_end());
        assert!(
            !state.pick(Rating::Dissatisfied),
            "a sad face waits for why"
        );
        assert_eq!(state.closing(), Closing::Reason(Rating::Dissatisfied));
        state.rated();
        state.chat_mut().rate(
            ClientMsgId::parse("r").unwrap(),
            Rated {
                rating: Rating::Dissatisfied,
                reason: Some("slow".into()),
            },
            Language::En,
        );
        assert_eq!(state.closing(), Closing::Thanks, "queued is rated");
        state.reset_chat();
        assert_eq!(state.closing(), Closing::Open, "closing starts afresh");
    }

    #[test]
    fn ending_shows_the_faces_at_once_and_a_happy_face_goes_out_at_once() {
        let mut state = welcomed();
        state.end();
        assert_eq!(state.closing(), Closing::Ask);
        assert!(state.pick(Rating::Satisfied));
        state.receive(ServerFrame::Notice {
            notice: Notice::CopySent {
                email: "mia@example.com".into(),
            },
        });
        assert_eq!(state.copy_sent(), Some("mia@example.com"));
    }

    #[test]
    fn history_from_an_earlier_page_shows_at_once() {
        let mut state = WidgetState::new();
        state.receive(ServerFrame::Welcome {
            protocol: PROTOCOL_VERSION,
            conversation: ConversationId::from_random([1; 16]),
            you: author(Role::Visitor),
            last_seq: Seq(2),
            reads: vec![],
        });
        let ServerFrame::Message { message: first } = bot_message(1) else {
            unreachable!("a message frame");
        };
        let ServerFrame::Message { message: second } = bot_message(2) else {
            unreachable!("a message frame");
        };
        let history = ServerFrame::History {
            messages: vec![first, second],
            more: false,
        };
        state.receive(history.clone());
        assert_eq!(state.visible_messages().len(), 2);
        assert!(state.typing().is_none());

        let mut fresh = WidgetState::new();
        fresh.started_here();
        fresh.receive(history);
        assert!(
            fresh.visible_messages().is_empty(),
            "a new chat's bot types"
        );
    }

    #[test]
    fn outside_office_hours_the_form_goes_once_and_a_refusal_can_be_corrected() {
        let mut state = WidgetState::new();
        state.set_closed(true, true);
        assert!(!state.out_of_hours(), "a conversation going carries on");
        state.set_closed(true, false);
        assert!(state.out_of_hours());
        assert!(state.send_offline());
        assert!(!state.send_offline(), "one on its way");
        state.offline_answered(Some("Your name must have 1 to 80 characters.".into()));
        assert_eq!(
            state.offline(),
            &OfflineForm::Refused("Your name must have 1 to 80 characters.".into())
        );
        assert!(state.send_offline(), "corrected, it goes again");
        state.offline_answered(None);
        assert_eq!(state.offline(), &OfflineForm::Sent);
        assert!(!state.send_offline(), "kept once");
        state.set_closed(false, false);
        assert!(!state.out_of_hours());
    }

    #[test]
    fn a_conversation_handed_over_after_hours_offers_the_form_until_it_ends() {
        let mut state = welcomed();
        state.receive(live(1, Role::Visitor));
        assert!(!state.offers_offline_form());
        let ServerFrame::Message { mut message } = live(2, Role::System) else {
            unreachable!()
        };
        message.kind = MessageKind::Offline;
        state.receive(ServerFrame::Message { message });
        assert!(state.offers_offline_form());
        assert!(!state.out_of_hours(), "the message box stays");
        let ServerFrame::Message { mut message } = live(3, Role::System) else {
            unreachable!()
        };
        message.kind = MessageKind::Closed;
        state.receive(ServerFrame::Message { message });
        assert!(!state.offers_offline_form(), "the rating takes its place");
    }

    #[test]
    fn a_full_queue_offers_the_form_with_the_unavailable_message() {
        let mut state = WidgetState::new();
        state.set_busy();
        assert!(state.out_of_hours() && state.busy());
        state.set_closed(false, false);
        assert!(state.out_of_hours(), "open hours do not empty the queue");
    }

    #[test]
    fn the_dot_follows_who_attends_until_the_conversation_ends() {
        let mut state = welcomed();
        assert_eq!(state.attending(), None, "nobody said yet");
        state.receive(ServerFrame::Attending {
            attending: Attending::Waiting { place: 2 },
        });
        assert_eq!(state.attending(), Some(&Attending::Waiting { place: 2 }));
        let luis = Attending::Online {
            operator: "Luis".into(),
            color: "#0a3069".into(),
        };
        state.receive(ServerFrame::Attending {
            attending: luis.clone(),
        });
        assert_eq!(state.attending(), Some(&luis));
        state.receive(closed());
        assert_eq!(state.attending(), None, "ended: the rating shows instead");
    }
}
