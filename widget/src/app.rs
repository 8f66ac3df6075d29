//! The widget's view: the chat button, its notification and the chat
//! window. It only renders [`WidgetState`](crate::state::WidgetState) and the
//! channel's configuration, and calls the controller.

use std::rc::Rc;

use charla_shared::channel::ChannelTexts;
use leptos::ev::{KeyboardEvent, MouseEvent, SubmitEvent};
use leptos::html::{Button, Input, Textarea};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use charla_client::chat::HasChat;
use charla_client::ui::{initials, AttachFile, BotControls, Composer, MessageList};
use charla_shared::bot::{self, AnswerId, Pending};
use charla_shared::channel::ChatMode;

use charla_shared::files::Attachment;
use charla_shared::limits::MAX_REASON_CHARS;
use charla_shared::protocol::Attending;
use charla_shared::rating::Rating;

use crate::controller::{Controller, Layout};
use crate::emoji::EmojiButton;
use crate::offline::OutOfHours;
use crate::state::{Closing, WidgetState};
use crate::texts::{say, texts};

/// The whole widget.
#[component]
pub fn App(controller: Rc<Controller>) -> impl IntoView {
    let state = controller.state;
    let config = controller.config;
    let language = controller.language;
    let page = controller.layout == Layout::Page;
    let t = move || texts(language.get());
    let channel_text = move |pick: fn(ChannelTexts) -> String| {
        config.with(|c| {
            c.as_ref()
                .map(|c| pick(c.texts(language.get())))
                .unwrap_or_default()
        })
    };
    let theme = move |pick: fn(&charla_shared::channel::Theme) -> &String| {
        config.with(|c| {
            c.as_ref()
                .map(|c| pick(&c.theme).clone())
                .unwrap_or_default()
        })
    };
    let open = Memo::new(move |_| state.with(|s| s.is_open()));
    let unread = Memo::new(move |_| state.with(|s| s.unread()));
    let shows_button = Memo::new(move |_| !page && state.with(|s| s.shows_button()));
    let shows_note = Memo::new(move |_| {
        !page && state.with(|s| s.shows_notification()) && config.with(Option::is_some)
    });
    let messages = Signal::derive(move || state.with(WidgetState::visible_messages));
    let typing = move || {
        state.with(|s| {
            s.typing()
                .map(|name| format!("{name} {}", t().typing))
                .unwrap_or_default()
        })
    };
    let expects = Signal::derive(move || {
        messages.with(|m| match bot::pending(m) {
            Pending::Type(kind) => Some(kind),
            _ => None,
        })
    });
    let asks_for_person = move || {
        messages.with(|m| {
            bot::assistant_offers_person(m)
                || (bot::bot_active(m)
                    && config.with(|c| c.as_ref().is_some_and(|c| c.mode == ChatMode::Both)))
        })
    };
    let answered = move || messages.with(|m| bot::assistant_answered(m));
    let draft = move || {
        state.with(|s| {
            s.chat()
                .log()
                .draft()
                .map(|(_, text)| text.clone())
                .unwrap_or_default()
        })
    };
    let pending = Signal::derive(move || state.with(|s| s.chat().log().outbox().to_vec()));
    let me = Signal::derive(move || state.with(|s| s.chat().log().you().map(|you| you.id.clone())));
    let name = move || config.with(|c| c.as_ref().map(|c| c.name.clone()).unwrap_or_default());
    let status = move || state.with(|s| s.chat().connection().status(&t().status));

    let input = NodeRef::<Textarea>::new();
    let bubble = NodeRef::<Button>::new();
    let close_button = NodeRef::<Button>::new();
    // Focus follows the window: into the input when it opens, back to the
    // button when it closes. On a phone the open window fills the screen:
    // the page behind holds still, and focus goes to the close button, so
    // the keyboard opens only when the visitor taps the input.
    let page_overflow = StoredValue::new(None::<String>);
    Effect::new(move |was_open: Option<bool>| {
        let is_open = open.get();
        let phone = !page && is_phone();
        hold_page_still(page_overflow, is_open && phone);
        if was_open.is_some_and(|was| was != is_open) {
            let target = match (is_open, phone) {
                (true, false) => input.get().map(Into::into),
                (true, true) => close_button.get().map(Into::into),
                (false, _) => bubble.get().map(Into::into),
            };
            if let Some(target) = target {
                let target: web_sys::HtmlElement = target;
                let _ = target.focus();
            }
        }
        is_open
    });

    let send = {
        let controller = controller.clone();
        UnsyncCallback::new(move |text: String| controller.send(&text).is_ok())
    };
    let choose = {
        let controller = controller.clone();
        UnsyncCallback::new(move |(answer, label): (AnswerId, String)| {
            controller.choose(answer, &label)
        })
    };
    // The message box's tools must be `Send`; the controller is not, so
    // the callback reaches it through a local handle.
    let (attach, start) = {
        let controller = StoredValue::new_local(controller.clone());
        (
            Callback::new(move |attachment: Attachment| {
                controller.with_value(|c| c.attach(&attachment));
            }),
            Callback::new(move |()| controller.with_value(|c| c.start_conversation())),
        )
    };
    let restart = {
        let controller = controller.clone();
        UnsyncCallback::new(move |()| controller.restart())
    };
    let person = {
        let controller = controller.clone();
        move |_| controller.ask_for_person()
    };
    // The help articles are a module of their own, which the loader
    // imports the first time they are opened (see `widget/help`).
    let help = move |event: MouseEvent| {
        let channel = config.with(|c| c.as_ref().map(|c| c.channel.as_str().to_owned()));
        if let (Some(button), Some(channel)) = (event.current_target(), channel) {
            crate::host::on_demand(
                "help",
                &[
                    button.into(),
                    channel.into(),
                    language.get_untracked().code().into(),
                ],
            );
        }
    };
    let helped = {
        let controller = controller.clone();
        move |_| {
            let _ = controller.send(t().helped[2]);
        }
    };
    let on_window_key = {
        let controller = controller.clone();
        move |event: KeyboardEvent| {
            if event.key() == "Escape" && !page {
                controller.close();
            }
        }
    };
    let close = {
        let controller = controller.clone();
        move |_| controller.close()
    };
    let open_from_note = {
        let controller = controller.clone();
        move |_| controller.open()
    };
    let dismiss = move |_| state.update(|s| s.dismiss_notification());
    let closing = Memo::new(move |_| state.with(WidgetState::closing));
    let can_end = Memo::new(move |_| state.with(WidgetState::can_end));
    let end = {
        let controller = controller.clone();
        move |_| controller.end()
    };
    let ending = view! {
        <ClosingPanel
            controller=controller.clone()
            closing=closing
            closing_message=Signal::derive(move || channel_text(|c| c.closing_message))
        />
    };
    let typing_now = {
        let controller = controller.clone();
        UnsyncCallback::new(move |()| controller.typing())
    };
    let sound = controller.sound;
    let toggle_sound = {
        let controller = controller.clone();
        move |_| controller.toggle_sound()
    };
    let seen = Signal::derive(move || state.with(|s| s.chat().log().seen()));
    title_counts(unread);
    let files = controller.files;
    let offline = controller.clone();
    let toggle = move |_| controller.toggle();

    view! {
        <div
            class="charla"
            class:charla-page=page
            lang=move || language.get().code()
            // Set once the channel's configuration is applied (rules,
            // texts, colours): pages and tests can tell "not shown by a rule"
            // from "not loaded yet".
            data-ready=move || config.with(Option::is_some).then_some("")
            style:--charla-button=move || theme(|t| &t.button.background)
            style:--charla-button-text=move || theme(|t| &t.button.text)
            style:--charla-header=move || theme(|t| &t.header.background)
            style:--charla-header-text=move || theme(|t| &t.header.text)
        >
            <section
                class="charla-window"
                role=if page { "main" } else { "dialog" }
                aria-label=name
                hidden=move || !open.get()
                on:keydown=on_window_key
            >
                <header class="charla-header">
                    <div class="charla-heading">
                    <h2 class="charla-title">{name}</h2>
                    <p class="charla-attending" role="status">
                        {move || {
                            state
                                .with(|s| s.attending().cloned())
                                .map(|attending| {
                                    let words = t();
                                    let (online, text, avatar) = match attending {
                                        Attending::Waiting { place } => {
                                            (false, format!("{}{place}{}", words.waiting[0], words.waiting[1]), None)
                                        }
                                        Attending::Online { operator, color } => {
                                            let avatar = (!color.is_empty()).then(|| (initials(&operator), color));
                                            (true, format!("{operator} · {}", words.online), avatar)
                                        }
                                    };
                                    view! {
                                        <span class="charla-dot" class:charla-dot-on=online aria-hidden="true"></span>
                                        {avatar
                                            .map(|(letters, color)| {
                                                view! {
                                                    <span class="charla-avatar" aria-hidden="true" style:background-color=color>
                                                        {letters}
                                                    </span>
                                                }
                                            })}
                                        {text}
                                    }
                                })
                        }}
                    </p>
                    </div>
                    <button
                        type="button"
                        class="charla-help-button"
                        aria-label=say(language, |t| t.help)
                        aria-expanded="false"
                        hidden=move || !config.with(|c| c.as_ref().is_some_and(|c| c.help))
                        on:click=help
                    >
                        <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                            <path d="M4 5h6a2 2 0 0 1 2 2v12a2 2 0 0 0-2-2H4zM20 5h-6a2 2 0 0 0-2 2v12a2 2 0 0 1 2-2h6z"></path>
                        </svg>
                    </button>
                    <button
                        type="button"
                        class="charla-sound"
                        aria-label=say(language, |t| t.sound)
                        aria-pressed=move || sound.get().to_string()
                        on:click=toggle_sound
                    >
                        <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                            <path d="M6 16V11a6 6 0 0 1 12 0v5l2 2H4zM10 20h4"></path>
                        </svg>
                    </button>
                    <button type="button" class="charla-end" hidden=move || !can_end.get() on:click=end>
                        {say(language, |t| t.end_chat)}
                    </button>
                    <button
                        type="button"
                        class="charla-close"
                        aria-label=say(language, |t| t.close_chat)
                        hidden=page
                        node_ref=close_button
                        on:click=close
                    >
                        <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                            <path d="M6 6l12 12M18 6L6 18"></path>
                        </svg>
                    </button>
                </header>
                <MessageList
                    messages=messages
                    pending=pending
                    me=me
                    intro=Signal::derive(move || channel_text(|c| c.welcome_message))
                    label=say(language, |t| t.log_label)
                    you=say(language, |t| t.you)
                    sending=say(language, |t| t.sending)
                    language=language
                    seen=seen
                    seen_label=say(language, |t| t.seen)
                    files=files
                />
                // An answer being written grows here; screen readers hear
                // it once, complete, when it joins the log.
                <p class="charla-draft" aria-hidden="true">{draft}</p>
                <p class="charla-typing" aria-hidden="true">{typing}</p>
                {ending}
                <p class="charla-status" role="status">{status}</p>
                <OutOfHours
                    controller=offline
                    // Inside a conversation the out-of-hours notice is in
                    // the log already.
                    message=Signal::derive(move || {
                        match state.with(|s| (s.busy(), s.out_of_hours())) {
                            (true, _) => channel_text(|c| c.unavailable_message),
                            (false, true) => channel_text(|c| c.out_of_hours_message),
                            (false, false) => String::new(),
                        }
                    })
                    prompt=Signal::derive(move || channel_text(|c| c.offline_prompt))
                />
                <div
                    class="charla-live"
                    hidden=move || closing.get() != Closing::Open || state.with(WidgetState::out_of_hours)
                >
                <BotControls
                    messages=messages
                    choose=choose
                    restart=restart
                    restart_label=say(language, |t| t.restart)
                    choices_label=say(language, |t| t.answers)
                />
                <p class="charla-helped" hidden=move || !answered()>
                    {say(language, |t| t.helped[0])}
                    " "
                    <button type="button" on:click=helped>
                        {say(language, |t| t.helped[1])}
                    </button>
                </p>
                <button
                    type="button"
                    class="charla-person"
                    hidden=move || !asks_for_person()
                    on:click=person
                >
                    {say(language, |t| t.talk_to_person)}
                </button>
                <Composer
                    class="charla-compose"
                    id="charla-input"
                    label=say(language, |t| t.message_label)
                    placeholder=Signal::derive(move || channel_text(|c| c.input_placeholder))
                    button_label=say(language, |t| t.send)
                    send=send
                    input=input
                    expects=expects
                    on_typing=typing_now
                    tools=Box::new(move || {
                        view! {
                            <EmojiButton input=input label=say(language, |t| t.emoji) />
                            <AttachFile
                                files=files
                                posted=attach
                                start=start
                                label=say(language, |t| t.attach)
                                retry=say(language, |t| t.retry)
                                dismiss=say(language, |t| t.dismiss)
                            />
                        }
                        .into_any()
                    })
                >
                    <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                        <path d="M3 20l18-8L3 4v6l12 2-12 2z"></path>
                    </svg>
                </Composer>
                </div>
            </section>
            <div class="charla-note" hidden=move || !shows_note.get()>
                <button type="button" class="charla-note-text" on:click=open_from_note>
                    {move || channel_text(|c| c.button_text)}
                </button>
                <button
                    type="button"
                    class="charla-note-dismiss"
                    aria-label=say(language, |t| t.dismiss)
                    on:click=dismiss
                >
                    <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                        <path d="M6 6l12 12M18 6L6 18"></path>
                    </svg>
                </button>
            </div>
            <button
                type="button"
                class="charla-bubble"
                aria-label=move || if open.get() { t().close_chat } else { t().open_chat }
                aria-expanded=move || open.get().to_string()
                hidden=move || !shows_button.get()
                node_ref=bubble
                on:click=toggle
            >
                <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                    <path d="M4 4h16v11H8l-4 4z"></path>
                </svg>
                <span class="charla-unread" hidden=move || unread.get() == 0>
                    {move || unread.get()}
                    <span class="charla-sr">" " {say(language, |t| t.unread)}</span>
                </span>
            </button>
        </div>
    }
}

/// Whether the page is as narrow as a phone's, where the window takes the
/// whole screen (the stylesheet's breakpoint).
fn is_phone() -> bool {
    web_sys::window()
        .and_then(|w| w.inner_width().ok())
        .and_then(|width| width.as_f64())
        .is_some_and(|width| width <= PHONE_WIDTH)
}

/// The breakpoint of `widget.css`, in CSS pixels.
const PHONE_WIDTH: f64 = 480.0;

/// Stops the page behind the window from scrolling (`hold`), or lets it
/// scroll as it did before.
fn hold_page_still(before: StoredValue<Option<String>>, hold: bool) {
    let Some(style) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        .map(|e| e.style())
    else {
        return;
    };
    match (hold, before.get_value()) {
        (true, None) => {
            before.set_value(Some(
                style.get_property_value("overflow").unwrap_or_default(),
            ));
            let _ = style.set_property("overflow", "hidden");
        }
        (false, Some(old)) => {
            let _ = style.set_property("overflow", &old);
            before.set_value(None);
        }
        _ => {}
    }
}

/// While the window is closed and replies wait, the page's title starts
/// with their count, "(2) …", as chat tabs do; it is put back as it was when
/// they are read. A title the page changed meanwhile is left alone.
fn title_counts(unread: Memo<usize>) {
    let original = StoredValue::new(None::<(String, String)>);
    Effect::new(move |_| {
        let count = unread.get();
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let current = document.title();
        let base = match original.get_value() {
            Some((base, shown)) if shown == current => base,
            _ => current,
        };
        let shown = if count == 0 {
            base.clone()
        } else {
            format!("({count}) {base}")
        };
        document.set_title(&shown);
        original.set_value((count > 0).then_some((base, shown)));
    });
}

/// What the window shows once the conversation has ended: the channel's
/// closing comments, the three faces, the reason box, the thanks, a copy
/// by e-mail, the download, and "Close conversation".
#[component]
fn ClosingPanel(
    controller: Rc<Controller>,
    closing: Memo<Closing>,
    closing_message: Signal<String>,
) -> impl IntoView {
    let language = controller.language;
    let t = move || texts(language.get());
    let config = controller.config;
    let state = controller.state;
    let by_mail = move || config.with(|c| c.as_ref().is_some_and(|c| c.transcript_by_mail));
    let first_face = NodeRef::<Button>::new();
    let reason = NodeRef::<Textarea>::new();
    let email = NodeRef::<Input>::new();
    // Whoever ended it, the visitor is taken to the question; a new
    // conversation starts with empty boxes.
    Effect::new(move |was: Option<Closing>| {
        let now = closing.get();
        if was == Some(Closing::Open) && now == Closing::Ask {
            if let Some(face) = first_face.get() {
                let _ = face.focus();
            }
        }
        if now == Closing::Open {
            if let Some(reason) = reason.get_untracked() {
                reason.set_value("");
            }
            if let Some(email) = email.get_untracked() {
                email.set_value("");
            }
        }
        now
    });
    let faces = Rating::ALL
        .into_iter()
        .enumerate()
        .map(|(i, rating)| {
            let controller = controller.clone();
            let node = if i == 0 { first_face } else { NodeRef::new() };
            view! {
                <button
                    type="button"
                    class=format!("charla-face charla-{}", rating.as_str())
                    aria-label=move || t().faces[i]
                    node_ref=node
                    on:click=move |_| controller.pick(rating)
                >
                    <span aria-hidden="true">{rating.face()}</span>
                </button>
            }
        })
        .collect_view();
    let send_reason = {
        let controller = controller.clone();
        move |event: SubmitEvent| {
            event.prevent_default();
            if let Closing::Reason(rating) = closing.get_untracked() {
                controller.rate(rating, reason.get().map(|r| r.value()));
            }
        }
    };
    let send_copy = {
        let controller = controller.clone();
        move |event: SubmitEvent| {
            event.prevent_default();
            if let Some(input) = email.get() {
                controller.send_copy(&input.value());
            }
        }
    };
    let download = {
        let controller = controller.clone();
        move |_| controller.download()
    };
    let finish = move |_| controller.finish();
    view! {
        <section class="charla-closing" aria-labelledby="charla-question" hidden=move || closing.get() == Closing::Open>
            <p class="charla-closing-text">{closing_message}</p>
            <div hidden=move || closing.get() != Closing::Ask>
                <p id="charla-question">{say(language, |t| t.question)}</p>
                <div class="charla-faces" role="group" aria-labelledby="charla-question">{faces}</div>
            </div>
            <form class="charla-reason" hidden=move || !matches!(closing.get(), Closing::Reason(_)) on:submit=send_reason>
                <label for="charla-reason">{say(language, |t| t.reason)}</label>
                <textarea id="charla-reason" maxlength=MAX_REASON_CHARS node_ref=reason></textarea>
                <button type="submit">{say(language, |t| t.send)}</button>
            </form>
            <p class="charla-thanks" hidden=move || closing.get() != Closing::Thanks>{say(language, |t| t.thanks)}</p>
            <form class="charla-copy" hidden=move || !by_mail() on:submit=send_copy>
                <label for="charla-copy">{say(language, |t| t.copy)}</label>
                <input id="charla-copy" type="email" autocomplete="email" node_ref=email />
                <button type="submit">{say(language, |t| t.send_copy)}</button>
                <p role="status">
                    {move || state.with(|s| s.copy_sent().map(|to| format!("{} {to}.", t().copy_sent)))}
                </p>
            </form>
            <button type="button" class="charla-download" on:click=download>{say(language, |t| t.download)}</button>
            <button type="button" class="charla-finish" on:click=finish>{say(language, |t| t.close_conversation)}</button>
        </section>
    }
}
