//! The widget's glue between the edge, the state and the host page: it owns
//! the socket, turns frames into state changes and tells the host page's
//! listeners what happened. Components and the host API only call it.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use charla_client::chat::HasChat;
use charla_client::json;
use charla_client::live::{random_message_id, Live};
use charla_client::net::{Edge, Timer};
use charla_client::sound::Chime;
use charla_client::ui::FileSource;
use charla_shared::api::{
    ConversationCreated, CreateConversation, OfflineMessage, VisitorInfo, WidgetConfig,
    WidgetPreview, PREVIEW_READY,
};
use charla_shared::bot::AnswerId;
use charla_shared::channel::Language;
use charla_shared::chat::Rated;
use charla_shared::files::Attachment;
use charla_shared::identity::{self, Visitor};
use charla_shared::ids::ChannelId;
use charla_shared::limits::BOT_TYPING_MS;
use charla_shared::protocol::{ClientFrame, ErrorCode, Message, Problem, Role};
use charla_shared::rating::Rating;
use charla_shared::routes;
use leptos::prelude::*;
use serde::Serialize;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use crate::rules;
use crate::state::WidgetState;
use crate::storage::{self, StoredConversation};

/// A message chimes only if it was stored this recently, in milliseconds:
/// history brought back by a reload stays silent.
const CHIME_WITHIN_MS: f64 = 10_000.0;

/// Events the host page can listen to with `Charla.on(name, callback)`.
pub mod events {
    /// The window opened.
    pub const OPEN: &str = "open";
    /// The window closed.
    pub const CLOSE: &str = "close";
    /// A message appeared in the conversation.
    pub const MESSAGE: &str = "message";
}

/// How the widget sits on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// A chat button in the corner that opens a window.
    Bubble,
    /// The whole page is the chat (the channel's direct link).
    Page,
}

/// One widget instance.
pub struct Controller {
    edge: Edge,
    channel: ChannelId,
    /// How the widget sits on the page.
    pub layout: Layout,
    /// What the components render.
    pub state: RwSignal<WidgetState>,
    /// The channel's look and texts, once loaded.
    pub config: RwSignal<Option<WidgetConfig>>,
    /// Whether a chime sounds for new replies (the visitor's choice; off
    /// until they turn it on).
    pub sound: RwSignal<bool>,
    chime: Chime,
    /// The language the widget speaks.
    pub language: RwSignal<Language>,
    /// Where the current conversation's files are, while there is one.
    pub files: RwSignal<Option<FileSource>>,
    /// Whether the page or the browser chose the language (otherwise the
    /// channel's fallback language applies once known).
    language_chosen: Cell<bool>,
    /// The chatbot the page's rule names, for the next conversation.
    chatbot: RefCell<Option<String>>,
    /// Opens the window when the page's rule says so.
    auto_open: Timer,
    /// Reveals the chatbot's next message after its "typing" pause.
    reveal: Timer,
    live: Rc<Live<WidgetState>>,
    /// What the host page said about the visitor (`Charla.identify`).
    visitor: RefCell<Visitor>,
    /// The conversation the socket is joined to.
    current: RefCell<Option<StoredConversation>>,
    creating: Cell<bool>,
    /// Whether this is the channel editor's preview.
    previewing: Cell<bool>,
    listeners: RefCell<Vec<(String, js_sys::Function)>>,
    this: Weak<Controller>,
}

/// What `Charla.on("message", cb)` callbacks receive.
#[derive(Serialize)]
struct HostMessage<'a> {
    /// `visitor`, `operator`, `bot`, `assistant` or `system`.
    author: &'a str,
    /// The author's stable participant id.
    id: &'a str,
    /// The author's display name.
    name: &'a str,
    text: &'a str,
    seq: u64,
}

impl Controller {
    /// A widget for a channel served by an edge, speaking `language` if the
    /// page or the browser asked for one Charla knows.
    pub fn new(
        edge: Edge,
        channel: ChannelId,
        layout: Layout,
        language: Option<Language>,
    ) -> Rc<Controller> {
        let state = RwSignal::new(WidgetState::new());
        let outbox_channel = channel.clone();
        let live = Live::new(state, move |outbox| {
            storage::save_outbox(&outbox_channel, outbox);
        });
        Rc::new_cyclic(|this| Controller {
            edge,
            channel,
            layout,
            state,
            config: RwSignal::new(None),
            sound: RwSignal::new(storage::load_sound()),
            chime: Chime::new(),
            language: RwSignal::new(language.unwrap_or(Language::En)),
            files: RwSignal::new(None),
            language_chosen: Cell::new(language.is_some()),
            chatbot: RefCell::new(None),
            auto_open: Timer::default(),
            reveal: Timer::default(),
            live,
            visitor: RefCell::new(Visitor::default()),
            current: RefCell::new(None),
            creating: Cell::new(false),
            previewing: Cell::new(false),
            listeners: RefCell::new(Vec::new()),
            this: this.clone(),
        })
    }

    /// Loads the channel's look and rules, puts back messages a reload
    /// interrupted, and reconnects to a remembered conversation, so replies
    /// that came while the visitor was away show at once.
    pub fn start(&self) {
        if self.previewing.get() {
            self.listen_for_previews();
            return;
        }
        if self.layout == Layout::Page {
            self.state.update(|s| {
                s.open();
            });
        }
        let this = self.this.clone();
        leptos::task::spawn_local(async move {
            if let Some(this) = this.upgrade() {
                this.load_config().await;
            }
        });
        self.read_when_shown();
        // The pages the visitor viewed go with every connection, so the
        // operator's /history is as fresh as the visitor's last page.
        if let Some(window) = web_sys::window() {
            let now = js_sys::Date::new_0();
            let at = now.get_time() as i64;
            let url = window.location().href().unwrap_or_default();
            let title = window.document().map(|d| d.title()).unwrap_or_default();
            self.live.greet_with(ClientFrame::Visit {
                pages: storage::record_page_view(url, title, at),
                visits: storage::count_visit(at),
                offset_min: -(now.get_timezone_offset() as i32),
            });
        }
        let saved = storage::load_outbox(&self.channel);
        let unsent = !saved.is_empty();
        self.state.update(|s| s.chat_mut().restore_outbox(saved));
        match storage::load_conversation(&self.channel) {
            Some(stored) => self.connect(stored),
            None if unsent => self.create_conversation(),
            None => {}
        }
    }

    /// Tells the widget who the visitor is, for the next conversation it
    /// starts. A remembered conversation of another signed-in user (or of an
    /// anonymous visitor, once someone signs in) is forgotten, so a shared
    /// computer never shows one person's conversation to the next.
    pub fn identify(&self, visitor: Visitor) -> Result<(), Problem> {
        let visitor = visitor.validated()?;
        let stale = storage::load_conversation(&self.channel)
            .is_some_and(|stored| stored.user != visitor.user_id);
        *self.visitor.borrow_mut() = visitor;
        if stale {
            self.forget_conversation();
        }
        Ok(())
    }

    /// Switches the widget's language (`Charla.setLocale("pt-BR")`).
    pub fn set_locale(&self, tag: &str) -> Result<(), Problem> {
        let language = Language::from_tag(tag).ok_or_else(|| {
            Problem::new(
                ErrorCode::Invalid,
                format!("Charla speaks en, es and pt, not {tag:?}."),
            )
        })?;
        self.language_chosen.set(true);
        self.language.set(language);
        Ok(())
    }

    /// Opens the window. Where the page's rule names a chatbot, opening
    /// starts the conversation, so the bot greets the visitor at once.
    pub fn open(&self) {
        if self.state.try_update(WidgetState::open).unwrap_or(false) {
            self.emit(events::OPEN, &JsValue::UNDEFINED);
        }
        self.start_bot_if_open();
        self.read_if_seen();
    }

    /// The visitor is typing: the operators see it.
    pub fn typing(&self) {
        self.live.typing();
    }

    /// Turns the chime for new replies on or off, and remembers it.
    pub fn toggle_sound(&self) {
        let on = !self.sound.get_untracked();
        self.sound.set(on);
        storage::save_sound(on);
    }

    /// Closes the window.
    pub fn close(&self) {
        if self.state.try_update(WidgetState::close).unwrap_or(false) {
            self.emit(events::CLOSE, &JsValue::UNDEFINED);
        }
    }

    /// Opens a closed window and closes an open one.
    pub fn toggle(&self) {
        if self.state.with_untracked(WidgetState::is_open) {
            self.close();
        } else {
            self.open();
        }
    }

    /// Sends a message, starting the conversation if there is none yet. The
    /// message waits in the outbox until the edge acknowledges it.
    pub fn send(&self, text: &str) -> Result<(), Problem> {
        if self.previewing.get() {
            let problem = Problem::new(
                ErrorCode::Invalid,
                "This is a preview: nothing written here is sent.",
            );
            self.state
                .update(|s| s.chat_mut().set_notice(problem.message.clone()));
            return Err(problem);
        }
        self.live.post(text)?;
        if !self.live.is_connected() {
            self.create_conversation();
        }
        Ok(())
    }

    /// Makes this the channel editor's preview: once started, it shows
    /// the look and texts the console sends, opened, and sends nothing.
    pub fn preview(&self) {
        self.previewing.set(true);
    }

    /// Starts a conversation if there is none yet (a file was picked
    /// first); not in a preview.
    pub fn start_conversation(&self) {
        if self.current.borrow().is_none() && !self.previewing.get() {
            self.create_conversation();
        }
    }

    /// Leaves a message for the channel's operators outside office hours;
    /// the state says when it is kept or why it was refused.
    pub fn leave_message(&self, name: String, email: String, text: String) {
        if !self
            .state
            .try_update(WidgetState::send_offline)
            .unwrap_or(false)
        {
            return;
        }
        let body = OfflineMessage {
            name,
            email,
            text,
            language: self.language.get_untracked(),
            page: web_sys::window().and_then(|w| w.location().href().ok()),
        };
        let edge = self.edge.clone();
        let path = routes::offline_messages(&self.channel);
        let state = self.state;
        leptos::task::spawn_local(async move {
            let left = edge.post::<_, u64>(&path, &body).await;
            state.update(|s| s.offline_answered(left.err().map(|e| e.to_string())));
        });
    }

    /// Posts a file the visitor uploaded.
    pub fn attach(&self, attachment: &Attachment) {
        self.live.attach(attachment);
    }

    /// Answers the chatbot's question with one of its choices.
    pub fn choose(&self, answer: AnswerId, label: &str) {
        self.live.choose(answer, label);
    }

    /// Restarts the chatbot's script once it has ended.
    pub fn restart(&self) {
        self.live.act(&ClientFrame::Restart);
    }

    /// Asks for a person instead of the chatbot.
    pub fn ask_for_person(&self) {
        self.live.act(&ClientFrame::AskForPerson);
    }

    /// Ends the conversation; the window asks for a rating.
    pub fn end(&self) {
        self.state.update(WidgetState::end);
        self.live.act(&ClientFrame::End);
    }

    /// The visitor picks a face: a happy one is sent at once, the others
    /// wait for a reason.
    pub fn pick(&self, rating: Rating) {
        if self.state.try_update(|s| s.pick(rating)).unwrap_or(false) {
            self.rate(rating, None);
        }
    }

    /// Sends the rating, with the reason if the visitor gave one; it waits
    /// in the outbox like a message until the edge has it.
    pub fn rate(&self, rating: Rating, reason: Option<String>) {
        self.state.update(WidgetState::rated);
        let reason = reason.filter(|r| !r.trim().is_empty());
        self.live
            .rate(Rated { rating, reason }, self.language.get_untracked());
    }

    /// Asks the edge to e-mail a copy of the conversation.
    pub fn send_copy(&self, email: &str) {
        match identity::email(email) {
            Ok(email) => {
                self.live.act(&ClientFrame::SendCopy { email });
            }
            Err(problem) => self
                .state
                .update(|s| s.chat_mut().set_notice(problem.message)),
        }
    }

    /// Downloads the conversation as a text file.
    pub fn download(&self) {
        let Some(stored) = self.current.borrow().clone() else {
            return;
        };
        let edge = self.edge.clone();
        let state = self.state;
        leptos::task::spawn_local(async move {
            let path = routes::transcript_text(&stored.conversation, Some(&stored.token));
            if let Err(e) = edge.download(&path, "conversation.txt").await {
                state.update(|s| s.chat_mut().set_notice(e.to_string()));
            }
        });
    }

    /// Forgets the ended conversation and closes the window: the next
    /// message starts a new one.
    pub fn finish(&self) {
        self.forget_conversation();
        self.close();
    }

    /// Registers a host page listener.
    pub fn on(&self, event: String, callback: js_sys::Function) {
        self.listeners.borrow_mut().push((event, callback));
    }

    /// Starts a conversation when the window is open, none exists yet, and
    /// the page's rule names a chatbot (known once the configuration is).
    fn start_bot_if_open(&self) {
        let open = self.state.with_untracked(WidgetState::is_open);
        if open && self.chatbot.borrow().is_some() && !self.live.is_connected() {
            self.create_conversation();
        }
    }

    fn create_conversation(&self) {
        if self.creating.replace(true) {
            return;
        }
        let this = self.this.clone();
        let edge = self.edge.clone();
        let body = CreateConversation {
            channel: self.channel.clone(),
            visitor: self.visitor.borrow().clone(),
            chatbot: self.chatbot.borrow().clone(),
            language: Some(self.language.get_untracked()),
            visitor_key: Some(storage::visitor_key(random_message_id)),
        };
        self.state.update(WidgetState::started_here);
        leptos::task::spawn_local(async move {
            let created = edge
                .post::<_, ConversationCreated>(routes::CONVERSATIONS, &body)
                .await;
            let Some(this) = this.upgrade() else { return };
            this.creating.set(false);
            match created {
                Ok(created) => {
                    let stored = StoredConversation {
                        conversation: created.conversation,
                        token: created.token,
                        user: body.visitor.user_id,
                    };
                    storage::save_conversation(&this.channel, &stored);
                    this.connect(stored);
                }
                // Office hours ended since the page loaded: the window
                // offers the offline form. The message stays in the outbox
                // either way, and goes with the next conversation.
                Err(e) if e.code() == Some(ErrorCode::Closed) => {
                    this.state.update(|s| s.set_closed(true, false));
                }
                // The queue is full: the same form, with the unavailable
                // message.
                Err(e) if e.code() == Some(ErrorCode::Busy) => {
                    this.state.update(WidgetState::set_busy);
                }
                // The next send tries again.
                Err(e) => this
                    .state
                    .update(|s| s.chat_mut().set_notice(e.to_string())),
            }
        });
    }

    /// Fetches the channel's configuration (and, if a rule needs it, the
    /// visitor's country), then applies the rule for this page.
    async fn load_config(&self) {
        let config = match self
            .edge
            .get::<WidgetConfig>(&routes::widget_config(&self.channel))
            .await
        {
            Ok(config) => config,
            Err(e) => {
                self.state
                    .update(|s| s.chat_mut().set_notice(e.to_string()));
                return;
            }
        };
        if !self.language_chosen.get() {
            self.language.set(config.fallback_language);
        }
        let country = if config.uses_country() {
            self.country().await
        } else {
            None
        };
        let page = web_sys::window()
            .and_then(|w| w.location().href().ok())
            .unwrap_or_default();
        let behaviour = rules::behaviour(&config, &page, country.as_deref());
        let going = self.current.borrow().is_some();
        self.state.update(|s| s.set_closed(config.closed, going));
        self.config.set(Some(config));
        *self.chatbot.borrow_mut() = behaviour.chatbot;
        self.start_bot_if_open();
        if self.layout == Layout::Page {
            return;
        }
        self.state.update(|s| s.set_button(behaviour.button));
        if let Some(wait) = behaviour.open_after_ms {
            let this = self.this.clone();
            self.auto_open.start_once(wait, move || {
                if let Some(this) = this.upgrade() {
                    if this
                        .state
                        .try_update(WidgetState::open_by_rule)
                        .unwrap_or(false)
                    {
                        this.emit(events::OPEN, &JsValue::UNDEFINED);
                        this.start_bot_if_open();
                    }
                }
            });
        }
    }

    /// The visitor's country as the edge sees it. A page address with
    /// `charla_country=XX` asks the edge to pretend, which only local
    /// development edges do.
    async fn country(&self) -> Option<String> {
        let pretend = web_sys::window()
            .and_then(|w| w.location().search().ok())
            .and_then(|search| web_sys::UrlSearchParams::new_with_str(&search).ok())
            .and_then(|params| params.get("charla_country"));
        match self
            .edge
            .get::<VisitorInfo>(&routes::visitor(pretend.as_deref()))
            .await
        {
            Ok(info) => info.country,
            Err(e) => {
                leptos::logging::warn!("Charla: the visitor's country is unknown: {e}");
                None
            }
        }
    }

    /// Listens for the console's drafts (only from the edge's own origin,
    /// where the console is) and tells the console it may send them.
    fn listen_for_previews(&self) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let console = self.edge.url("");
        let this = self.this.clone();
        let from = console.clone();
        let listener =
            Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
                let (Some(this), Some(text)) = (this.upgrade(), event.data().as_string()) else {
                    return;
                };
                if event.origin() != from {
                    return;
                }
                match json::parse::<WidgetPreview>(&text) {
                    Ok(preview) => {
                        this.language.set(preview.language);
                        this.config.set(Some(preview.config));
                        this.state.update(|s| {
                            s.open();
                        });
                    }
                    Err(e) => leptos::logging::warn!("Charla: not a preview: {e}"),
                }
            });
        let _ =
            window.add_event_listener_with_callback("message", listener.as_ref().unchecked_ref());
        // It listens for as long as the page lives.
        listener.forget();
        if let Ok(Some(parent)) = window.parent() {
            let _ = parent.post_message(&PREVIEW_READY.into(), &console);
        }
    }

    /// Closes the socket and forgets the conversation, here and in storage.
    fn forget_conversation(&self) {
        self.live.close();
        *self.current.borrow_mut() = None;
        self.files.set(None);
        storage::forget(&self.channel);
        self.state.update(WidgetState::reset_chat);
    }

    fn connect(&self, stored: StoredConversation) {
        *self.current.borrow_mut() = Some(stored.clone());
        self.files.set(Some(FileSource {
            edge: self.edge.clone(),
            conversation: stored.conversation.clone(),
            token: Some(stored.token.clone()),
        }));
        let edge = self.edge.clone();
        let url = move |after| {
            edge.socket_url(&routes::conversation_socket(
                &stored.conversation,
                after,
                Some(&stored.token),
            ))
        };
        let this = self.this.clone();
        self.live.connect(url, move |message| {
            if let Some(this) = this.upgrade() {
                this.emit(events::MESSAGE, &host_message(message));
                this.reveal_soon();
                this.read_if_seen();
                this.chime_for(message);
            }
        });
    }

    /// Tells the edge the visitor has read what the window shows, when it
    /// is open on a page in view (a window open in a background tab has
    /// not been read).
    fn read_if_seen(&self) {
        let shown = web_sys::window()
            .and_then(|w| w.document())
            .is_some_and(|d| !d.hidden());
        if shown && self.state.with_untracked(WidgetState::is_open) {
            self.live.read();
        }
    }

    /// Reads again whenever the page comes back into view.
    fn read_when_shown(&self) {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let this = self.this.clone();
        let listener = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
            if let Some(this) = this.upgrade() {
                this.read_if_seen();
            }
        });
        let _ = document.add_event_listener_with_callback(
            "visibilitychange",
            wasm_bindgen::JsCast::unchecked_ref(listener.as_ref()),
        );
        // The widget lives as long as the page.
        listener.forget();
    }

    /// Chimes for a reply that just arrived (not for history a reload
    /// brings back), if the visitor asked for sound.
    fn chime_for(&self, message: &Message) {
        let own = self
            .state
            .with_untracked(|s| s.chat().log().is_own(message));
        let just_now = js_sys::Date::now() - (message.at as f64) < CHIME_WITHIN_MS;
        if self.sound.get_untracked() && !own && message.author.role != Role::System && just_now {
            self.chime.play();
        }
    }

    /// Shows the chatbot's next message after a short pause, while the
    /// widget says it is typing; then the next, until all are shown.
    fn reveal_soon(&self) {
        if self.reveal.is_running() || self.state.with_untracked(|s| s.bot_typing().is_none()) {
            return;
        }
        let this = self.this.clone();
        self.reveal.start_once(BOT_TYPING_MS, move || {
            if let Some(this) = this.upgrade() {
                this.reveal.clear();
                this.state.update(|s| {
                    s.reveal_next();
                });
                this.reveal_soon();
            }
        });
    }

    fn emit(&self, event: &str, payload: &JsValue) {
        // Copy the callbacks out first: a callback may register another.
        let callbacks: Vec<js_sys::Function> = self
            .listeners
            .borrow()
            .iter()
            .filter(|(name, _)| name == event)
            .map(|(_, callback)| callback.clone())
            .collect();
        for callback in callbacks {
            if let Err(e) = callback.call1(&JsValue::NULL, payload) {
                leptos::logging::error!("Charla: a {event} listener failed: {e:?}");
            }
        }
    }
}

fn host_message(message: &Message) -> JsValue {
    let payload = HostMessage {
        author: message.author.role.as_str(),
        id: message.author.id.as_str(),
        name: &message.author.name,
        text: &message.text,
        seq: message.seq.0,
    };
    json::to_js(&payload)
}
