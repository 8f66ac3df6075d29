//! Components the widget and the console share.

use std::time::Duration;

use charla_shared::bot::{self, AnswerId, Choice, InputKind, Pending};
use charla_shared::channel::Language;
use charla_shared::chat::Outgoing;
use charla_shared::clock::Clock;
use charla_shared::emoji::only_emoji;
use charla_shared::files::{size_text, Attachment, Uploads, ACCEPT, INLINE_IMAGES};
use charla_shared::ids::{ConversationId, ParticipantId, Seq, VisitorToken};
use charla_shared::limits::MAX_MESSAGE_CHARS;
use charla_shared::links::{spans, Span};
use charla_shared::protocol::{Message, MessageKind};
use charla_shared::routes;
use leptos::either::{Either, EitherOf3};
use leptos::ev::{Event, KeyboardEvent, MouseEvent, SubmitEvent};
use leptos::html::{Div, Input, Textarea};
use leptos::prelude::*;

use wasm_bindgen::JsCast;

use crate::net::Edge;

/// Where a conversation's files are: the edge, the conversation, and the
/// visitor's token (operators bring their session cookie instead).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSource {
    /// The edge.
    pub edge: Edge,
    /// The conversation.
    pub conversation: ConversationId,
    /// The visitor's token, for the widget.
    pub token: Option<VisitorToken>,
}

impl FileSource {
    /// The edge path of a file.
    pub fn path(&self, file: u64) -> String {
        routes::file(&self.conversation, file, self.token.as_ref())
    }

    /// The full address of a file.
    pub fn url(&self, file: u64) -> String {
        self.edge.url(&self.path(file))
    }
}

/// A text with its web and mail addresses as anchors that open in a new
/// tab and tell the linked site nothing; built as nodes, never as HTML.
pub fn linked(text: &str) -> impl IntoView {
    // `Either` keeps the two kinds of node apart without type erasure,
    // which costs the widget far more code.
    spans(text)
        .into_iter()
        .map(|span| match span {
            Span::Text(text) => Either::Left(text.to_owned()),
            Span::Link { text, href } => Either::Right(view! {
                <a href=href target="_blank" rel="noopener noreferrer nofollow">{text.to_owned()}</a>
            }),
        })
        .collect::<Vec<_>>()
}

/// Up to two initials of a name, upper case ("Ana María" → "AM").
pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|word| word.chars().next())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

/// The messages of a conversation as a `role="log"` live region, so screen
/// readers announce new ones. Texts are rendered as text nodes, never as
/// HTML. The author's name starts each run of messages by the same
/// participant; the reader's own are told apart by participant id, and each
/// message carries its author's role as a class (a role this version does
/// not know gets the neutral `charla-role-other`). Each message shows when
/// it was written and each day starts with a separator, in the reader's
/// language and time zone; "Seen" follows the reader's latest message the
/// other side has read. Unacknowledged messages follow, marked as sending.
#[component]
pub fn MessageList(
    /// Stored messages, ascending by sequence number.
    #[prop(into)]
    messages: Signal<Vec<Message>>,
    /// Sent but not yet acknowledged.
    #[prop(into)]
    pending: Signal<Vec<Outgoing>>,
    /// This client's own participant id, once the edge has said it.
    #[prop(into)]
    me: Signal<Option<ParticipantId>>,
    /// A first message shown before the transcript (the channel's welcome).
    #[prop(optional, into)]
    intro: MaybeProp<String>,
    /// Accessible name of the list.
    #[prop(into)]
    label: Signal<&'static str>,
    /// How the reader's own messages are signed.
    #[prop(into)]
    you: Signal<&'static str>,
    /// Marks pending messages.
    #[prop(into)]
    sending: Signal<&'static str>,
    /// The reader's language, for times and dates.
    #[prop(optional, into)]
    language: Signal<Language>,
    /// The reader's message the other side has read, if any.
    #[prop(optional, into)]
    seen: MaybeProp<Seq>,
    /// The words of the read mark.
    #[prop(optional, into)]
    seen_label: MaybeProp<&'static str>,
    /// Where the conversation's files are, once it exists.
    #[prop(optional, into)]
    files: Signal<Option<FileSource>>,
) -> impl IntoView {
    let list = NodeRef::<Div>::new();
    // "5 min ago" must age: the clock ticks twice a minute.
    let clock = RwSignal::new(browser_clock());
    if let Ok(tick) =
        set_interval_with_handle(move || clock.set(browser_clock()), Duration::from_secs(30))
    {
        on_cleanup(move || tick.clear());
    }
    // Keep the newest message in view.
    Effect::new(move |_| {
        let count = messages.with(Vec::len) + pending.with(Vec::len);
        if let Some(list) = list.get() {
            list.set_scroll_top(list.scroll_height());
        }
        count
    });
    // The live region wraps the list: a role on the <ol> itself would take
    // its list semantics away from screen readers. It takes focus, so that
    // keyboard users can scroll a long conversation.
    view! {
        <div class="charla-log" role="log" aria-live="polite" aria-label=label tabindex="0" node_ref=list>
        <ol class="charla-messages">
            {move || {
                intro
                    .get()
                    .filter(|text| !text.is_empty())
                    .map(|text| {
                        view! {
                            <li class="charla-msg charla-intro">
                                <p class="charla-text">{text}</p>
                            </li>
                        }
                    })
            }}
            <For
                each=move || runs(&messages.get(), &clock.get())
                key=|row| (row.message.seq, row.starts_run, row.starts_day)
                children=move |Row { message, starts_run, starts_day }| {
                    let own = me.with(|me| me.as_ref() == Some(&message.author.id));
                    let big = only_emoji(&message.text);
                    let author_name = message.author.name;
                    let author = author_name.clone();
                    let name = move || if own { you.get().to_owned() } else { author.clone() };
                    let class = format!("charla-msg charla-role-{}", message.author.role.as_str());
                    let (at, seq) = (message.at, message.seq);
                    let day = move || clock.get().day_label(at, language.get());
                    let stamp = move || clock.get().stamp(at, language.get());
                    let is_seen = move || seen.get() == Some(seq);
                    view! {
                        {starts_day.then(|| view! {
                            <li class="charla-day">{day}</li>
                        })}
                        <li class=class class:charla-own=own class:charla-emoji=big data-seq=seq.0>
                            // A run starts with its author: initials and name
                            // for others; the reader's own say "You" to screen
                            // readers only (side and colour say it on screen).
                            {starts_run.then(|| {
                                let initials = (!own).then(|| initials(&author_name));
                                view! {
                                    {initials.map(|i| view! { <span class="charla-avatar" aria-hidden="true">{i}</span> })}
                                    <span class="charla-who" class:charla-sr=own>{name}</span>
                                }
                            })}
                            <p class="charla-text">{match message.kind {
                                MessageKind::File { attachment } => EitherOf3::A(view! {
                                    <FileView attachment=attachment files=files />
                                }),
                                // The assistant's answer names the articles it
                                // quotes, each a link to its help page.
                                MessageKind::Sourced { sources, .. } => EitherOf3::B(view! {
                                    {linked(&message.text)}
                                    {sources.into_iter().map(|source| {
                                        let href = files.with_untracked(|f| {
                                            f.as_ref().map(|f| f.edge.url(&source.url))
                                        });
                                        view! {
                                            <a class="charla-source" href=href target="_blank"
                                                rel="noopener noreferrer nofollow">{source.title}</a>
                                        }
                                    }).collect_view()}
                                }),
                                _ => EitherOf3::C(linked(&message.text)),
                            }}</p>
                            <span class="charla-time">{stamp}</span>
                            <span class="charla-seen" hidden=move || !is_seen()>
                                {move || seen_label.get().unwrap_or_default()}
                            </span>
                        </li>
                    }
                }
            />
            <For
                each=move || pending.get()
                key=|outgoing| outgoing.id.clone()
                children=move |outgoing| {
                    view! {
                        <li class="charla-msg charla-own charla-pending">
                            <span class="charla-who">{sending}</span>
                            <p class="charla-text">{outgoing.text}</p>
                        </li>
                    }
                }
            />
        </ol>
        </div>
    }
}

/// A file in a message: a picture shows as a preview that a click (or
/// Enter) enlarges to the whole window and another click makes small
/// again; any other file is a link with its name and size that downloads
/// it (fetched with the visitor's token, so the channel's allowed-sites
/// rule holds for files too). The enlarged state lives on the element
/// itself: a signal per picture would cost the widget more code than the
/// two attributes it flips.
#[component]
fn FileView(attachment: Attachment, files: Signal<Option<FileSource>>) -> impl IntoView {
    let file = attachment.file;
    // Messages arrive once the conversation is connected, so its files'
    // place is known by then and need not be watched.
    let url = files.with_untracked(|f| f.as_ref().map(|f| f.url(file)));
    let name = attachment.name;
    if INLINE_IMAGES.contains(&attachment.mime.as_str()) {
        let enlarge = |button: web_sys::Element, big: bool| {
            let _ = button
                .class_list()
                .toggle_with_force("charla-enlarged", big);
            let _ = button.set_attribute("aria-expanded", if big { "true" } else { "false" });
        };
        // The picture's button (a click lands on the picture inside, and
        // Leptos listens on the document, not on the button).
        let button_of = |event: &web_sys::Event| {
            event
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|t| t.closest(".charla-image").ok().flatten())
        };
        let toggle = move |event: MouseEvent| {
            let Some(button) = button_of(&event) else {
                return;
            };
            let big = button.class_list().contains("charla-enlarged");
            enlarge(button, !big);
        };
        // Escape makes an enlarged picture small, and only that: the
        // widget's window stays open.
        let shrink = move |event: KeyboardEvent| {
            let Some(button) = button_of(&event) else {
                return;
            };
            if event.key() == "Escape" && button.class_list().contains("charla-enlarged") {
                event.stop_propagation();
                enlarge(button, false);
            }
        };
        Either::Left(view! {
            <button type="button" class="charla-image" aria-expanded="false" on:click=toggle on:keydown=shrink>
                <img src=url alt=name crossorigin="anonymous" loading="lazy" />
            </button>
        })
    } else {
        let size = size_text(attachment.size);
        let saved = name.clone();
        let label = name.clone();
        let download = move |event: MouseEvent| {
            event.prevent_default();
            let (Some(source), name) = (files.get_untracked(), saved.clone()) else {
                return;
            };
            leptos::task::spawn_local(async move {
                if let Err(e) = source.edge.download(&source.path(file), &name).await {
                    leptos::logging::error!("Charla: {name} did not download: {e}");
                }
            });
        };
        Either::Right(view! {
            <a class="charla-file" href=url download=name on:click=download>{label}</a>
            " "
            <span class="charla-size">{size}</span>
        })
    }
}

/// The paperclip: picks files (several at once), uploads each with its
/// progress shown, and posts each once it is stored. One line says how the
/// first file still on its way is doing, or why it failed, with a retry
/// when that may help and a button to let it go. Where it may start the
/// conversation (the widget), a file picked before there is one waits for
/// it; otherwise the paperclip shows once the conversation exists.
#[component]
pub fn AttachFile(
    /// Where the conversation's files go.
    #[prop(into)]
    files: Signal<Option<FileSource>>,
    /// Posts an uploaded file as a message.
    posted: Callback<Attachment>,
    /// Starts the conversation, for a file picked before there is one.
    #[prop(optional)]
    start: Option<Callback<()>>,
    /// The accessible name of the file picker.
    #[prop(into)]
    label: Signal<&'static str>,
    /// The button that sends a failed file again.
    #[prop(into)]
    retry: Signal<&'static str>,
    /// The accessible name of the button that drops a failed file.
    #[prop(into)]
    dismiss: Signal<&'static str>,
) -> impl IntoView {
    let uploads = RwSignal::new(Uploads::default());
    // A list, not a map: a few files at most, and no hash table code.
    let chosen = StoredValue::new_local(Vec::<(u32, web_sys::File)>::new());
    let forget = move |key: u32| chosen.update_value(|c| c.retain(|(k, _)| *k != key));
    // Files picked before the conversation exists, in order.
    let waiting = StoredValue::new_local(Vec::<u32>::new());
    let send = move |key: u32| {
        if files.with_untracked(Option::is_none) {
            waiting.update_value(|w| w.push(key));
            if let Some(start) = start {
                start.run(());
            }
            return;
        }
        let (Some(source), Some(file)) = (
            files.get_untracked(),
            chosen.with_value(|c| c.iter().find(|(k, _)| *k == key).map(|(_, f)| f.clone())),
        ) else {
            return;
        };
        let name = uploads.with_untracked(|u| u.name(key).unwrap_or_default().to_owned());
        leptos::task::spawn_local(async move {
            let path = routes::upload(&source.conversation, &name, source.token.as_ref());
            let sent = source
                .edge
                .upload::<Attachment>(&path, &file, move |share| {
                    uploads.update(|u| u.progress(key, share));
                })
                .await;
            match sent {
                Ok(attachment) => {
                    uploads.update(|u| u.remove(key));
                    forget(key);
                    posted.run(attachment);
                }
                Err(error) => {
                    let problem = match error {
                        crate::net::NetError::Refused(problem) => problem,
                        other => charla_shared::protocol::Problem::new(
                            charla_shared::protocol::ErrorCode::Unavailable,
                            other.to_string(),
                        ),
                    };
                    uploads.update(|u| u.fail(key, &problem));
                }
            }
        });
    };
    // Once the conversation exists, the files that waited for it go.
    Effect::new(move |_| {
        if files.with(Option::is_some) {
            for key in waiting.try_update_value(std::mem::take).unwrap_or_default() {
                send(key);
            }
        }
    });
    let on_change = move |event: Event| {
        let input: web_sys::HtmlInputElement = event_target(&event);
        let Some(list) = input.files() else { return };
        for file in (0..list.length()).filter_map(|i| list.get(i)) {
            if let Some(Some(key)) =
                uploads.try_update(|u| u.start(&file.name(), file.size() as u64))
            {
                chosen.update_value(|c| c.push((key, file)));
                send(key);
            }
        }
        // The same file may be picked again (after it failed, say).
        input.set_value("");
    };
    let shown = move || uploads.with(|u| u.shown().cloned());
    // One reactive block for the whole line: each reactive attribute would
    // cost the widget its own copy of the effect machinery.
    let line = move || {
        shown().map(|upload| {
            let key = upload.key;
            match upload.failed {
                None => Either::Left(view! {
                    <span class="charla-upload-name">{upload.name}</span>
                    <progress max="100" value=upload.percent></progress>
                }),
                Some(reason) => Either::Right(view! {
                    <span class="charla-upload-error">{reason}</span>
                    <button
                        type="button"
                        hidden=!upload.can_retry
                        on:click=move |_| {
                            if uploads.try_update(|u| u.retry(key)).unwrap_or(false) {
                                send(key);
                            }
                        }
                    >
                        {retry.get()}
                    </button>
                    <button
                        type="button"
                        aria-label=dismiss.get()
                        on:click=move |_| {
                            uploads.update(|u| u.remove(key));
                            forget(key);
                        }
                    >
                        "×"
                    </button>
                }),
            }
        })
    };
    view! {
        <label class="charla-attach" hidden=move || start.is_none() && files.with(Option::is_none)>
            <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                <path d="M16 7l-7.5 7.5a2 2 0 0 0 3 3L19 10a4 4 0 0 0-6-6l-7.5 7.5a6 6 0 0 0 9 9L20 15"></path>
            </svg>
            <input type="file" class="charla-sr" multiple accept=ACCEPT aria-label=label on:change=on_change />
        </label>
        <p class="charla-uploads" role="status" hidden=move || uploads.with(|u| u.shown().is_none())>{line}</p>
    }
}

/// A message box that sends on Enter (Shift+Enter starts a new line) or with
/// its button, and clears itself when the text was taken. While a chatbot
/// asks for an e-mail address, a phone number or one line of text, it is a
/// one-line field of that type, so phones show the right keyboard.
#[component]
pub fn Composer(
    /// The form's class.
    class: &'static str,
    /// The textarea's id, for its label.
    #[prop(into)]
    id: String,
    /// The (visually hidden) label of the textarea.
    #[prop(into)]
    label: Signal<&'static str>,
    /// The textarea's placeholder.
    #[prop(into)]
    placeholder: Signal<String>,
    /// The accessible name of the send button.
    #[prop(into)]
    button_label: Signal<&'static str>,
    /// Takes the text; returns whether it was accepted.
    send: UnsyncCallback<String, bool>,
    /// The textarea, for moving focus to it from outside.
    #[prop(optional)]
    input: Option<NodeRef<Textarea>>,
    /// What a chatbot asks for, if it asks for typed text.
    #[prop(optional, into)]
    expects: MaybeProp<InputKind>,
    /// Hears every keystroke that changes the text (for "… is typing").
    #[prop(optional)]
    on_typing: Option<UnsyncCallback<()>>,
    /// Sees each key first; returning `true` takes it (Enter then does not
    /// send), as a list opened over the box does.
    #[prop(optional)]
    on_key: Option<UnsyncCallback<KeyboardEvent, bool>>,
    /// Controls shown between the box and the send button (the widget's
    /// emoji button).
    #[prop(optional)]
    tools: Option<Children>,
    /// The send button's content.
    children: Children,
) -> impl IntoView {
    let input = input.unwrap_or_default();
    let line = NodeRef::<Input>::new();
    let typed = move || {
        if let Some(on_typing) = on_typing {
            on_typing.run(());
        }
    };
    let one_line = move || {
        matches!(
            expects.get(),
            Some(InputKind::Email | InputKind::Phone | InputKind::Text)
        )
    };
    let submit = move || {
        if one_line() {
            if let Some(field) = line.get() {
                if send.run(field.value()) {
                    field.set_value("");
                }
            }
        } else if let Some(area) = input.get() {
            if send.run(area.value()) {
                area.set_value("");
            }
        }
    };
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        submit();
    };
    let on_key = move |event: KeyboardEvent| {
        if on_key.is_some_and(|hook| hook.run(event.clone())) {
            event.prevent_default();
            return;
        }
        if event.key() == "Enter" && !event.shift_key() && !event.is_composing() {
            event.prevent_default();
            submit();
        }
    };
    let line_id = format!("{id}-line");
    let label_for = {
        let (id, line_id) = (id.clone(), line_id.clone());
        move || {
            if one_line() {
                line_id.clone()
            } else {
                id.clone()
            }
        }
    };
    let line_type = move || match expects.get() {
        Some(InputKind::Email) => "email",
        Some(InputKind::Phone) => "tel",
        _ => "text",
    };
    let autocomplete = move || match expects.get() {
        Some(InputKind::Email) => "email",
        Some(InputKind::Phone) => "tel",
        _ => "off",
    };
    view! {
        <form class=class on:submit=on_submit>
            <label class="charla-sr" for=label_for>{label}</label>
            <textarea
                id=id
                class="charla-input"
                rows="1"
                maxlength=MAX_MESSAGE_CHARS
                placeholder=placeholder
                hidden=one_line
                node_ref=input
                on:keydown=on_key
                on:input=move |_| typed()
            ></textarea>
            <input
                id=line_id
                class="charla-input"
                type=line_type
                autocomplete=autocomplete
                maxlength=MAX_MESSAGE_CHARS
                hidden=move || !one_line()
                node_ref=line
                on:keydown=on_key
                on:input=move |_| typed()
            />
            {tools.map(|tools| tools())}
            <button type="submit" class="charla-send" aria-label=button_label>
                {children()}
            </button>
        </form>
    }
}

/// What a chatbot lets the visitor do, read from the transcript: answer
/// its question with one of its choices, or restart it once it has ended.
/// An answer that opens a page opens it in a new tab as it is chosen.
#[component]
pub fn BotControls(
    /// The messages shown.
    #[prop(into)]
    messages: Signal<Vec<Message>>,
    /// Sends a choice: the answer and its label.
    choose: UnsyncCallback<(AnswerId, String)>,
    /// Restarts the script.
    restart: UnsyncCallback<()>,
    /// The label of the restart button.
    #[prop(into)]
    restart_label: Signal<&'static str>,
    /// The accessible name of the group of answers.
    #[prop(into)]
    choices_label: Signal<&'static str>,
) -> impl IntoView {
    // A restart is offered as the one choice there is.
    let choices = move || {
        messages.with(|m| match bot::pending(m) {
            Pending::Choose(choices) => Some(choices.to_vec()),
            Pending::Restart => Some(Vec::new()),
            Pending::Type(_) | Pending::Nothing => None,
        })
    };
    move || {
        choices().map(|choices| {
            let ended = choices.is_empty();
            let buttons = choices
                .into_iter()
                .map(|Choice { id, label, link }| {
                    let text = label.clone();
                    let pick = move |_| {
                        if let Some(link) = link.as_deref().filter(|l| is_web_link(l)) {
                            if let Some(window) = web_sys::window() {
                                let _ = window.open_with_url_and_target_and_features(
                                    link,
                                    "_blank",
                                    "noopener,noreferrer",
                                );
                            }
                        }
                        choose.run((id, label.clone()));
                    };
                    view! { <button type="button" class="charla-choice" on:click=pick>{text}</button> }
                })
                .collect_view();
            view! {
                <div class="charla-choices" role="group" aria-label=choices_label>
                    {buttons}
                    <button
                        type="button"
                        class="charla-choice"
                        hidden=!ended
                        on:click=move |_| restart.run(())
                    >
                        {restart_label}
                    </button>
                </div>
            }
        })
    }
}

/// Whether a link is one a chatbot answer may open: `http` or `https`.
fn is_web_link(link: &str) -> bool {
    link.starts_with("https://") || link.starts_with("http://")
}

/// Each message with whether it starts a run: the first message, or one
/// whose author (by participant id) differs from the one before.
pub fn runs(messages: &[Message], clock: &Clock) -> Vec<Row> {
    let mut previous: Option<&Message> = None;
    messages
        .iter()
        .map(|message| {
            let starts_day = previous.is_none_or(|p| !clock.same_day(p.at, message.at));
            let starts_run =
                starts_day || previous.is_none_or(|p| p.author.id != message.author.id);
            previous = Some(message);
            Row {
                message: message.clone(),
                starts_run,
                starts_day,
            }
        })
        .collect()
}

/// A message as the list shows it.
#[derive(Debug, Clone)]
pub struct Row {
    /// The message.
    pub message: Message,
    /// It starts a run of one participant's messages: their name shows.
    pub starts_run: bool,
    /// It is the day's first: a separator goes above it.
    pub starts_day: bool,
}

/// Whether the page is in view (not a background tab, not minimised), as a
/// signal that follows `visibilitychange`: what is shown on a hidden page
/// has not been read.
pub fn page_visible() -> Signal<bool> {
    let hidden = || {
        web_sys::window()
            .and_then(|w| w.document())
            .is_some_and(|d| d.hidden())
    };
    let visible = RwSignal::new(!hidden());
    let handle = window_event_listener_untyped("visibilitychange", move |_| visible.set(!hidden()));
    on_cleanup(move || handle.remove());
    visible.into()
}

/// The browser's clock and time zone now.
fn browser_clock() -> Clock {
    let now = js_sys::Date::new_0();
    Clock {
        now: now.get_time() as i64,
        offset_min: -(now.get_timezone_offset() as i32),
    }
}

/// A text box's text before and after the cursor.
pub fn split_at_cursor(reply: NodeRef<Textarea>) -> Option<(String, String)> {
    let area = reply.get_untracked()?;
    let value = area.value();
    let cursor = area
        .selection_start()
        .ok()
        .flatten()
        .map_or(value.len(), |at| utf16_to_byte(&value, at as usize));
    Some((value[..cursor].to_owned(), value[cursor..].to_owned()))
}

/// Replaces what is before the cursor with `text`.
pub fn put_before_cursor(reply: NodeRef<Textarea>, text: &str) {
    let after = split_at_cursor(reply)
        .map(|(_, after)| after)
        .unwrap_or_default();
    replace_reply(reply, text, &after);
}

/// Puts `before` and `after` in the reply, the cursor between them.
pub fn replace_reply(reply: NodeRef<Textarea>, before: &str, after: &str) {
    if let Some(area) = reply.get_untracked() {
        area.set_value(&format!("{before}{after}"));
        let cursor = before.encode_utf16().count() as u32;
        let _ = area.set_selection_range(cursor, cursor);
    }
}

/// The byte index of a position the browser counts in UTF-16 units.
fn utf16_to_byte(text: &str, units: usize) -> usize {
    let mut counted = 0;
    for (at, c) in text.char_indices() {
        if counted >= units {
            return at;
        }
        counted += c.len_utf16();
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use charla_shared::ids::{ClientMsgId, OperatorId, Seq};
    use charla_shared::protocol::{Author, Role};

    fn by(seq: u64, id: ParticipantId, name: &str) -> Message {
        Message {
            seq: Seq(seq),
            id: ClientMsgId::parse(format!("m{seq}")).unwrap(),
            author: Author {
                role: Role::Operator,
                id,
                name: name.into(),
            },
            text: "hi".into(),
            at: 0,
            kind: charla_shared::protocol::MessageKind::Text,
        }
    }

    #[test]
    fn a_run_is_one_participant_whatever_the_names() {
        let ana = ParticipantId::operator(&OperatorId::parse("ana").unwrap());
        let other_ana = ParticipantId::operator(&OperatorId::parse("ana-2").unwrap());
        let messages = [
            by(1, ana.clone(), "Ana"),
            by(2, ana.clone(), "Ana"),
            by(3, other_ana, "Ana"),
            by(4, ParticipantId::visitor(), "V"),
            by(5, ana, "Ana"),
        ];
        let starts: Vec<bool> = runs(&messages, &CLOCK)
            .into_iter()
            .map(|row| row.starts_run)
            .collect();
        assert_eq!(starts, [true, false, true, true, true]);
    }

    const CLOCK: Clock = Clock {
        now: 0,
        offset_min: 0,
    };

    #[test]
    fn initials_are_the_first_letters_of_two_words() {
        assert_eq!(initials("Ana María López"), "AM");
        assert_eq!(initials("luis"), "L");
        assert_eq!(initials("  élodie  d'Arc "), "ÉD");
        assert_eq!(initials(""), "");
    }

    #[test]
    fn a_new_day_starts_a_separator_and_a_run() {
        let ana = ParticipantId::operator(&OperatorId::parse("ana").unwrap());
        let day = 24 * 60 * 60 * 1000;
        let mut messages = [
            by(1, ana.clone(), "Ana"),
            by(2, ana.clone(), "Ana"),
            by(3, ana, "Ana"),
        ];
        messages[2].at = day + 1;
        let rows = runs(&messages, &CLOCK);
        let days: Vec<bool> = rows.iter().map(|row| row.starts_day).collect();
        let starts: Vec<bool> = rows.iter().map(|row| row.starts_run).collect();
        assert_eq!(days, [true, false, true]);
        assert_eq!(
            starts,
            [true, false, true],
            "the name shows again after a separator"
        );
    }
}
