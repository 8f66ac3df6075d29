//! A conversation kept live: a [`Socket`] feeding frames into state that
//! holds a [`ChatView`](crate::chat::ChatView). It resends the outbox after
//! every welcome, answers gaps with a sync, and reports each message that
//! newly appears. The widget and every console pane use it.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use charla_shared::bot::AnswerId;
use charla_shared::channel::Language;
use charla_shared::chat::{Outgoing, Rated};
use charla_shared::command::Command;
use charla_shared::files::Attachment;
use charla_shared::ids::{hex_digest, ClientMsgId, Seq};
use charla_shared::limits::{TYPING_EVERY_MS, TYPING_SHOWN_MS};
use charla_shared::protocol::{
    message_text, ClientFrame, ErrorCode, Message, Problem, ServerFrame,
};
use leptos::prelude::*;

use crate::chat::HasChat;
use crate::json;
use crate::net::{Socket, Timer};

/// Where a [`Live`] keeps its outbox.
type OutboxStore = dyn Fn(&[Outgoing]);

/// Keeps the conversation in `state` in sync with the edge.
pub struct Live<S: HasChat> {
    state: RwSignal<S>,
    socket: RefCell<Option<Socket>>,
    /// Keeps the outbox somewhere that survives a reload.
    store: Box<OutboxStore>,
    /// Sends the outbox again after the edge asked to slow down.
    resend: Timer,
    /// Takes "… is typing" away once the typist has been quiet a while.
    typing_shown: Timer,
    /// When this client last said it was typing.
    typed_at: Cell<f64>,
    /// Sent after every welcome (the widget's page views).
    greeting: RefCell<Option<ClientFrame>>,
    this: Weak<Live<S>>,
}

impl<S: HasChat + Send + Sync> Live<S> {
    /// Not connected yet. `store` is given the outbox whenever it changes.
    pub fn new(state: RwSignal<S>, store: impl Fn(&[Outgoing]) + 'static) -> Rc<Self> {
        Rc::new_cyclic(|this| Live {
            state,
            socket: RefCell::new(None),
            store: Box::new(store),
            resend: Timer::default(),
            typing_shown: Timer::default(),
            typed_at: Cell::new(f64::MIN),
            greeting: RefCell::new(None),
            this: this.clone(),
        })
    }

    /// Connects (replacing any previous socket). `url` builds the socket URL
    /// from the last sequence number held, so a reconnect asks only for
    /// what is missing; `on_new` hears of every message that appears.
    pub fn connect(
        &self,
        url: impl Fn(Seq) -> String + 'static,
        on_new: impl Fn(&Message) + 'static,
    ) {
        let state = self.state;
        let this = self.this.clone();
        let socket = Socket::open(
            move || url(state.with_untracked(|s| s.chat().log().frontier())),
            move |raw| {
                if let Some(this) = this.upgrade() {
                    for message in this.receive(&raw) {
                        on_new(&message);
                    }
                }
            },
            move |link| state.update(|s| s.chat_mut().set_link(link)),
        );
        *self.socket.borrow_mut() = Some(socket);
    }

    /// Whether a socket exists (open or reconnecting).
    pub fn is_connected(&self) -> bool {
        self.socket.borrow().is_some()
    }

    /// Queues a message and sends it if the socket is open; otherwise it
    /// goes out after the next welcome.
    pub fn post(&self, text: &str) -> Result<(), Problem> {
        let id = random_message_id();
        let frame = self
            .state
            .try_update(|s| s.chat_mut().compose(id, text))
            .unwrap_or_else(|| Err(Problem::new(ErrorCode::Internal, "This chat has stopped.")))?;
        self.queued(&frame);
        Ok(())
    }

    /// Queues the choice of a chatbot's answer (shown as its label until
    /// stored), exactly once like a message.
    pub fn choose(&self, answer: AnswerId, label: &str) {
        let id = random_message_id();
        if let Some(frame) = self
            .state
            .try_update(|s| s.chat_mut().choose(id, answer, label))
        {
            self.queued(&frame);
        }
    }

    /// Queues an uploaded file, posted exactly once like a message.
    pub fn attach(&self, attachment: &Attachment) {
        let id = random_message_id();
        if let Some(frame) = self
            .state
            .try_update(|s| s.chat_mut().attach(id, attachment))
        {
            self.queued(&frame);
        }
    }

    /// Queues a rating, exactly once like a message.
    pub fn rate(&self, rated: Rated, language: Language) {
        let id = random_message_id();
        if let Some(frame) = self
            .state
            .try_update(|s| s.chat_mut().rate(id, rated, language))
        {
            self.queued(&frame);
        }
    }

    /// Sends a frame that is not a message (restarting a chatbot, asking
    /// for a person); `false` while not connected.
    pub fn act(&self, frame: &ClientFrame) -> bool {
        self.socket
            .borrow()
            .as_ref()
            .is_some_and(|socket| socket.send(&json::stringify(frame)))
    }

    /// Sends an operator's note or command; `Err` with what to show if it
    /// is not sent (the caller keeps the text). Notes have no outbox: one
    /// that is not sent stays in the box to be sent again.
    pub fn note(&self, text: &str) -> Result<(), Problem> {
        let text = message_text(text)?;
        Command::parse(&text)?;
        let frame = ClientFrame::Note {
            id: random_message_id(),
            text,
        };
        if self.act(&frame) {
            Ok(())
        } else {
            Err(Problem::new(
                ErrorCode::Unavailable,
                "Not connected: the note was not sent. Try again in a moment.",
            ))
        }
    }

    /// A frame to send after every welcome, so the edge has it whenever
    /// the conversation connects.
    pub fn greet_with(&self, frame: ClientFrame) {
        *self.greeting.borrow_mut() = Some(frame);
    }

    /// The reader is typing: says so at most once per [`TYPING_EVERY_MS`].
    pub fn typing(&self) {
        let now = js_sys::Date::now();
        if now - self.typed_at.get() >= TYPING_EVERY_MS as f64 && self.act(&ClientFrame::Typing) {
            self.typed_at.set(now);
        }
    }

    /// The reader has seen everything shown: tells the edge, if it does not
    /// know yet. Call it whenever messages arrive or come into view.
    pub fn read(&self) {
        if let Some(frame) = self.state.with_untracked(|s| s.chat().log().read_frame()) {
            self.act(&frame);
        }
    }

    /// Keeps the outbox and sends a frame that was just queued in it.
    fn queued(&self, frame: &ClientFrame) {
        self.store_outbox();
        if let Some(socket) = self.socket.borrow().as_ref() {
            socket.send(&json::stringify(frame));
        }
    }

    /// Closes the socket for good.
    pub fn close(&self) {
        if let Some(socket) = self.socket.borrow_mut().take() {
            socket.close();
        }
    }

    /// Applies one frame; returns the messages that newly appeared.
    fn receive(&self, raw: &str) -> Vec<Message> {
        let frame = match json::parse::<ServerFrame<S::Staff>>(raw) {
            Ok(frame) => frame,
            Err(e) => {
                leptos::logging::error!("Charla: unreadable frame from the edge: {e}");
                return Vec::new();
            }
        };
        let welcome = matches!(frame, ServerFrame::Welcome { .. });
        let waiting = self.outbox_len();
        let Some(applied) = self.state.try_update(|s| s.receive(frame)) else {
            return Vec::new();
        };
        if self.outbox_len() != waiting {
            self.store_outbox();
        }
        let mut outgoing = Vec::new();
        if welcome {
            outgoing.extend(self.greeting.borrow().clone());
            outgoing.extend(self.state.with_untracked(|s| s.chat().log().resend()));
        }
        outgoing.extend(applied.reply);
        self.send_all(outgoing);
        if applied.typing {
            let state = self.state;
            self.typing_shown.start_once(TYPING_SHOWN_MS, move || {
                state.update(|s| s.chat_mut().clear_typing());
            });
        }
        if let Some(wait) = applied.resend_after_ms {
            let this = self.this.clone();
            let wait = u32::try_from(wait).unwrap_or(u32::MAX);
            self.resend.start_once(wait, move || {
                if let Some(live) = this.upgrade() {
                    live.send_all(live.state.with_untracked(|s| s.chat().log().resend()));
                }
            });
        }
        applied.new_messages
    }

    fn send_all(&self, frames: Vec<ClientFrame>) {
        if let Some(socket) = self.socket.borrow().as_ref() {
            for frame in frames {
                socket.send(&json::stringify(&frame));
            }
        }
    }

    fn outbox_len(&self) -> usize {
        self.state.with_untracked(|s| s.chat().log().outbox().len())
    }

    fn store_outbox(&self) {
        self.state
            .with_untracked(|s| (self.store)(s.chat().log().outbox()));
    }
}

/// A fresh message id from the browser's CSPRNG. `crypto.randomUUID` would
/// do, but it exists only on HTTPS pages and customers' sites may be plain
/// HTTP; `getRandomValues` exists everywhere.
pub fn random_message_id() -> ClientMsgId {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        for byte in &mut bytes {
            *byte = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    ClientMsgId::parse(hex_digest(&bytes)).expect("32 hex digits are a valid message id")
}
