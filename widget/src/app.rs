//! The widget's view: the chat button and the chat window. It only renders
//! [`WidgetState`](crate::state::WidgetState) and calls the controller.

use std::rc::Rc;

use leptos::ev::KeyboardEvent;
use leptos::html::{Button, Textarea};
use leptos::prelude::*;

use crate::controller::Controller;
use crate::net::Link;
use crate::state::HasChat;
use crate::texts::EN as T;
use crate::ui::{Composer, MessageList};

/// The whole widget.
#[component]
pub fn App(controller: Rc<Controller>) -> impl IntoView {
    let state = controller.state;
    let config = controller.config;
    let open = Memo::new(move |_| state.with(|s| s.is_open()));
    let unread = Memo::new(move |_| state.with(|s| s.unread()));
    let messages =
        Signal::derive(move || state.with(|s| s.chat().log().messages().cloned().collect()));
    let pending = Signal::derive(move || state.with(|s| s.chat().log().outbox().to_vec()));
    let me = Signal::derive(move || state.with(|s| s.chat().log().you().cloned()));
    let option = move |pick: fn(&charla_shared::api::ChannelOptions) -> &String| {
        config.with(|c| {
            c.as_ref()
                .map(|c| pick(&c.options).clone())
                .unwrap_or_default()
        })
    };
    let name = move || config.with(|c| c.as_ref().map(|c| c.name.clone()).unwrap_or_default());
    let status = move || {
        state.with(|s| match (s.chat().notice(), s.chat().link()) {
            (Some(notice), _) => notice.to_owned(),
            (None, Some(Link::Connecting)) => T.connecting.to_owned(),
            (None, Some(Link::Waiting)) => T.reconnecting.to_owned(),
            (None, Some(Link::Offline)) => T.offline.to_owned(),
            _ => String::new(),
        })
    };

    let input = NodeRef::<Textarea>::new();
    let bubble = NodeRef::<Button>::new();
    // Focus follows the window: into the input when it opens, back to the
    // button when it closes.
    Effect::new(move |was_open: Option<bool>| {
        let is_open = open.get();
        if was_open.is_some_and(|was| was != is_open) {
            if is_open {
                if let Some(input) = input.get() {
                    let _ = input.focus();
                }
            } else if let Some(bubble) = bubble.get() {
                let _ = bubble.focus();
            }
        }
        is_open
    });

    let send = {
        let controller = controller.clone();
        UnsyncCallback::new(move |text: String| controller.send(&text).is_ok())
    };
    let on_window_key = {
        let controller = controller.clone();
        move |event: KeyboardEvent| {
            if event.key() == "Escape" {
                controller.close();
            }
        }
    };
    let close = {
        let controller = controller.clone();
        move |_| controller.close()
    };
    let toggle = move |_| controller.toggle();

    view! {
        <div
            class="charla"
            style:--charla-button=move || option(|o| &o.button_color)
            style:--charla-header=move || option(|o| &o.header_color)
        >
            <section
                class="charla-window"
                role="dialog"
                aria-label=name
                hidden=move || !open.get()
                on:keydown=on_window_key
            >
                <header class="charla-header">
                    <h2 class="charla-title">{name}</h2>
                    <button type="button" class="charla-close" aria-label=T.close_chat on:click=close>
                        <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                            <path d="M6 6l12 12M18 6L6 18"></path>
                        </svg>
                    </button>
                </header>
                <MessageList
                    messages=messages
                    pending=pending
                    me=me
                    intro=Signal::derive(move || option(|o| &o.welcome_message))
                    label=T.log_label
                    you=T.you
                    sending=T.sending
                />
                <p class="charla-status" role="status">{status}</p>
                <Composer
                    class="charla-compose"
                    id="charla-input"
                    label=T.message_label
                    placeholder=Signal::derive(move || option(|o| &o.input_placeholder))
                    button_label=T.send
                    send=send
                    input=input
                >
                    <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                        <path d="M3 20l18-8L3 4v6l12 2-12 2z"></path>
                    </svg>
                </Composer>
            </section>
            <button
                type="button"
                class="charla-bubble"
                aria-label=T.open_chat
                aria-expanded=move || open.get().to_string()
                node_ref=bubble
                on:click=toggle
            >
                <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                    <path d="M4 4h16v11H8l-4 4z"></path>
                </svg>
                <span class="charla-unread" hidden=move || unread.get() == 0>
                    {move || unread.get()}
                    <span class="charla-sr">" " {T.unread}</span>
                </span>
            </button>
        </div>
    }
}
