//! One open conversation: its transcript, live, and the reply box. Each pane
//! has its own socket, opened when the pane appears and closed when it goes.

use charla_client::chat::ChatView;
use charla_client::live::Live;
use charla_client::ui::{
    linked, put_before_cursor, replace_reply, split_at_cursor, AttachFile, Composer, FileSource,
    MessageList,
};
use charla_shared::api::RecordLink;
use charla_shared::canned::CannedLists;
use charla_shared::command::{self, Command, Piece};
use charla_shared::files::Attachment;
use charla_shared::ids::ConversationId;
use charla_shared::protocol::{ClientFrame, ConversationSummary, MessageKind, Role};
use charla_shared::routes;
use leptos::html::Textarea;
use leptos::prelude::*;

use crate::app::{confirm, page_edge};
use crate::canned::{CannedMenu, MenuKey};
use crate::queue::HoldBar;
use crate::state::DeskState;
use crate::storage;
use crate::visitor::VisitorPanel;
use crate::words::{status, tr};

/// A conversation open on the desk.
#[component]
pub fn Pane(
    id: ConversationId,
    summary: Signal<Option<ConversationSummary>>,
    desk: RwSignal<DeskState>,
    /// Whether the console's page is in view.
    visible: Signal<bool>,
    /// Whether the operator is an admin, who may delete a conversation.
    admin: bool,
    /// Called when the edge says the session has ended.
    on_ended: Callback<()>,
) -> impl IntoView {
    let mut restored = ChatView::default();
    restored.restore_outbox(storage::load_outbox(&id));
    let chat = RwSignal::new(restored);
    let outbox_of = id.clone();
    let live = Live::new(chat, move |outbox| storage::save_outbox(&outbox_of, outbox));
    let edge = page_edge();
    {
        let id = id.clone();
        let seen = id.clone();
        live.connect(
            move |after| edge.socket_url(&routes::conversation_socket(&id, after, None)),
            // The pane is on screen, so what arrives in it has been seen
            // while the page is in view (the edge hears of it below).
            move |message| {
                if visible.get_untracked() {
                    desk.update(|d| d.mark_seen(&seen, message.seq));
                }
            },
        );
    }
    // What the pane shows is read whenever the page is in view: as it
    // arrives, and when the operator comes back to the tab.
    {
        let live = live.clone();
        Effect::new(move |_| {
            let frontier = chat.with(|c| c.log().frontier());
            if visible.get() {
                live.read();
            }
            frontier
        });
    }
    // The socket closes when the pane goes away.
    StoredValue::new_local(live.clone());
    Effect::new(move |_| {
        if chat.with(ChatView::session_ended) {
            on_ended.run(());
        }
    });

    let messages = Signal::derive(move || chat.with(|c| c.log().messages().cloned().collect()));
    let pending = Signal::derive(move || chat.with(|c| c.log().outbox().to_vec()));
    let me = Signal::derive(move || chat.with(|c| c.log().you().map(|you| you.id.clone())));
    // A conversation with another operator has no visitor: no visitor's
    // panel, notes, commands, ending or blocking, and the title is the
    // other operator's name.
    let direct =
        Signal::derive(move || summary.with(|s| s.as_ref().is_some_and(|s| s.is_direct())));
    let visitor = move || {
        summary.with(|s| {
            s.as_ref()
                .map(|s| desk.with(|d| s.title_for(d.inbox().me()).to_owned()))
                .unwrap_or_default()
        })
    };
    let words = status();
    let status = move || chat.with(|c| c.connection().status(&words));
    let typing = move || {
        chat.with(|c| {
            c.log()
                .typing()
                .first()
                .map(|a| format!("{} is typing…", a.name))
                .unwrap_or_default()
        })
    };
    let seen = Signal::derive(move || chat.with(|c| c.log().seen()));
    // Canned responses: the channel's and the global ones, loaded once the
    // conversation's channel is known.
    let menu = RwSignal::new(CannedMenu::default());
    Effect::new(move |loaded: Option<bool>| {
        if loaded == Some(true) {
            return true;
        }
        let Some(channel) = summary.with(|s| s.as_ref().map(|s| s.channel.clone())) else {
            return false;
        };
        leptos::task::spawn_local(async move {
            if let Ok(lists) = page_edge()
                .get::<CannedLists>(&routes::canned(&channel))
                .await
            {
                menu.set(CannedMenu::new(lists.merged()));
            }
        });
        true
    });
    let reply = NodeRef::<Textarea>::new();
    let listbox = format!("canned-{id}");
    let typing_now = {
        let live = live.clone();
        UnsyncCallback::new(move |()| {
            live.typing();
            if let Some((before, after)) = split_at_cursor(reply) {
                if let Some(expanded) = menu.try_update(|m| m.typed(&before)).flatten() {
                    replace_reply(reply, &expanded, &after);
                }
            }
        })
    };
    let on_key = UnsyncCallback::new(move |event: leptos::ev::KeyboardEvent| {
        match menu.try_update(|m| m.key(&event.key())) {
            Some(MenuKey::Insert(text)) => {
                put_before_cursor(reply, &text);
                true
            }
            Some(MenuKey::Moved | MenuKey::Closed) => true,
            Some(MenuKey::Pass) | None => false,
        }
    });
    let listbox_id = listbox.clone();
    let options = Memo::new(move |_| {
        menu.with(|m| {
            m.options()
                .into_iter()
                .cloned()
                .enumerate()
                .collect::<Vec<_>>()
        })
    });
    // The reply box points screen readers at the highlighted option.
    {
        let listbox = listbox.clone();
        Effect::new(move |_| {
            let active = menu.with(|m| m.is_open().then(|| m.active()));
            if let Some(area) = reply.get() {
                match active {
                    Some(at) => {
                        let _ =
                            area.set_attribute("aria-activedescendant", &format!("{listbox}-{at}"));
                    }
                    None => {
                        let _ = area.remove_attribute("aria-activedescendant");
                    }
                }
            }
        });
    }

    let contact = move || {
        summary.with(|s| {
            let Some(s) = s else { return String::new() };
            let mut parts = Vec::new();
            if let Some(user) = &s.contact.verified_user {
                parts.push(format!("verified user {user}"));
            }
            if let Some(email) = &s.contact.email {
                parts.push(email.clone());
            }
            parts.join(" · ")
        })
    };
    let revoke = {
        let id = id.clone();
        move |_| {
            if !confirm(tr("Block this visitor? Their chat stops working.")) {
                return;
            }
            let path = routes::revoke(&id);
            leptos::task::spawn_local(async move {
                let notice = match page_edge().act(&path).await {
                    Ok(()) => tr("The visitor is blocked: their chat no longer opens.").to_owned(),
                    Err(e) => e.to_string(),
                };
                chat.update(|c| c.set_notice(notice));
            });
        }
    };
    let ended = move || chat.with(|c| c.log().messages().any(|m| m.kind == MessageKind::Closed));
    let end = {
        let live = live.clone();
        move |_| {
            if !live.act(&ClientFrame::End) {
                chat.update(|c| {
                    c.set_notice(tr(
                        "Not connected: the conversation was not ended. Try again in a moment.",
                    ))
                });
            }
        }
    };
    let delete = {
        let id = id.clone();
        move |_| {
            if !confirm(tr(
                "Delete this conversation for good, with its transcript, notes and rating?",
            )) {
                return;
            }
            let id = id.clone();
            leptos::task::spawn_local(async move {
                match page_edge().delete(&routes::conversation(&id)).await {
                    Ok(()) => desk.update(|d| d.close(&id)),
                    Err(e) => chat.update(|c| c.set_notice(e.to_string())),
                }
            });
        }
    };
    let download = routes::transcript_text(&id, None);
    let files = Signal::stored(Some(FileSource {
        edge: page_edge(),
        conversation: id.clone(),
        token: None,
    }));
    let attach = {
        let live = StoredValue::new_local(live.clone());
        Callback::new(move |attachment: Attachment| {
            live.with_value(|live| live.attach(&attachment));
        })
    };
    let leave_id = id.clone();
    // A text that starts with "/" is a command, and with "Private note"
    // ticked a note: both go to operators only.
    let private = RwSignal::new(false);
    let send = {
        let live = live.clone();
        UnsyncCallback::new(move |text: String| {
            let plain = !private.get_untracked() && !text.trim_start().starts_with('/');
            if plain || direct.get_untracked() {
                return live.post(&text).is_ok();
            }
            match live.note(&text) {
                Ok(()) => {
                    if Command::parse(&text) == Ok(Some(Command::Leave)) {
                        desk.update(|d| d.close(&leave_id));
                    }
                    true
                }
                Err(problem) => {
                    chat.update(|c| c.set_notice(problem.message));
                    false
                }
            }
        })
    };
    let notes = Memo::new(move |_| chat.with(|c| c.log().notes().to_vec()));
    let close = {
        let id = id.clone();
        move |_| desk.update(|d| d.close(&id))
    };

    view! {
        <article class="pane" data-conversation=id.to_string() aria-label=visitor>
            <header>
                <h3>{visitor}</h3>
                <span class="contact">{contact}</span>
                <button type="button" class="end" hidden=move || ended() || direct.get() on:click=end>
                    {tr("End conversation")}
                </button>
                <span class="ended" hidden=move || !ended()>{tr("Ended")}</span>
                <a class="download" href=download download="conversation.txt">{tr("Download transcript")}</a>
                <button type="button" class="block" hidden=direct on:click=revoke>
                    {tr("Block visitor")}
                </button>
                <button type="button" class="delete" hidden=move || !admin || direct.get() on:click=delete>
                    {tr("Delete")}
                </button>
                <button type="button" class="close" aria-label=tr("Close this conversation") on:click=close>
                    "×"
                </button>
            </header>
            {
                let id = id.clone();
                move || {
                    (!direct.get())
                        .then(|| {
                            view! {
                                <HoldBar
                                    id=id.clone()
                                    summary=summary
                                    desk=desk
                                    admin=admin
                                    notice=Callback::new(move |text: String| chat.update(|c| c.set_notice(text)))
                                />
                            }
                        })
                }
            }
            <MessageList
                messages=messages
                pending=pending
                me=me
                label=tr("Transcript")
                you=tr("You")
                sending=tr("Sending…")
                seen=seen
                seen_label=Signal::derive(move || {
                    if direct.get() { tr("Seen") } else { tr("Seen by the visitor") }
                })
                files=files
            />
            {
                let id = id.clone();
                move || {
                    (!direct.get())
                        .then(|| {
                            view! {
                                <VisitorPanel
                                    conversation=id.clone()
                                    details=Signal::derive(move || chat.with(|c| c.log().visitor().cloned()))
                                    desk=desk
                                />
                            }
                        })
                }
            }
            <section class="notes" aria-label=tr("Notes for operators") tabindex="0" hidden=move || notes.with(Vec::is_empty)>
                <h4>{tr("Notes · only operators see these")}</h4>
                <ol>
                    <For
                        each=move || notes.get()
                        key=|note| note.n
                        children=move |note| {
                            view! {
                                <li class="note" class:note-charla=note.author.role == Role::System>
                                    <span class="note-who">{note.author.name}</span>
                                    <p class="note-text">
                                        {note_text(note.text, note.author.role, summary)}
                                    </p>
                                </li>
                            }
                        }
                    />
                </ol>
            </section>
            <p class="charla-typing" aria-hidden="true">{typing}</p>
            <p class="pane-status" role="status">{status}</p>
            <Composer
                class="reply"
                id=format!("reply-{id}")
                label=tr("Reply")
                placeholder=tr("Write a reply…").to_string()
                button_label=tr("Send")
                send=send
                on_typing=typing_now
                on_key=on_key
                input=reply
                tools=Box::new(move || {
                    view! {
                        <AttachFile
                            files=files
                            posted=attach
                            label=tr("Attach a file")
                            retry=tr("Try again")
                            dismiss=tr("Dismiss")
                        />
                    }
                    .into_any()
                })
            >
                {tr("Send")}
            </Composer>
            <ul
                class="canned-menu"
                id=listbox_id
                role="listbox"
                aria-label=tr("Canned responses")
                hidden=move || options.with(Vec::is_empty)
            >
                <For
                    each=move || options.get()
                    key=|(at, canned)| (*at, canned.shortcut.clone())
                    children=move |(at, canned)| {
                        let listbox = listbox.clone();
                        view! {
                            <li
                                role="option"
                                id=format!("{listbox}-{at}")
                                aria-selected=move || menu.with(|m| (m.active() == at).to_string())
                                // Picking with the mouse keeps the focus in the reply.
                                on:mousedown=move |event| {
                                    event.prevent_default();
                                    if let Some(MenuKey::Insert(text)) = menu.try_update(|m| m.pick(at)) {
                                        put_before_cursor(reply, &text);
                                    }
                                }
                            >
                                <strong>":" {canned.shortcut}</strong>
                                " " {canned.text}
                            </li>
                        }
                    }
                />
            </ul>
            <label class="private" hidden=direct>
                <input type="checkbox" prop:checked=private on:change=move |_| private.update(|p| *p = !*p) />
                " "
                {tr("Private note (type / for commands, @name to tell an operator)")}
            </label>
        </article>
    }
}

/// A note as text; in Charla's answers, each lead or ticket it names is a
/// link that shows it (under Leads and tickets).
fn note_text(
    text: String,
    role: Role,
    summary: Signal<Option<ConversationSummary>>,
) -> impl IntoView {
    let channel = summary.with_untracked(|s| s.as_ref().map(|s| s.channel.clone()));
    let (Some(channel), Role::System) = (channel, role) else {
        return linked(&text).into_any();
    };
    command::pieces(&text)
        .into_iter()
        .map(|piece| match piece {
            Piece::Text(text) => text.to_owned().into_any(),
            Piece::Record {
                kind,
                number,
                label,
            } => {
                let link = RecordLink {
                    kind,
                    channel: channel.clone(),
                    number,
                };
                view! { <a href=link.fragment()>{label.to_owned()}</a> }.into_any()
            }
        })
        .collect_view()
        .into_any()
}
