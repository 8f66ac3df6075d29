//! The signed-in console: the live list of conversations of every channel
//! the operator answers, and the conversations open beside it.

use charla_client::chat::Connection;
use charla_client::net::Socket;
use charla_shared::api::Session;
use charla_shared::ids::{ConversationId, ParticipantId};
use charla_shared::protocol::{ConversationSummary, ErrorCode, InboxFrame};
use charla_shared::routes;
use leptos::prelude::*;

use crate::app::page_edge;
use crate::pane::Pane;
use crate::state::DeskState;
use crate::{storage, STATUS};

/// The desk of a signed-in operator.
#[component]
pub fn Desk(
    session: Session,
    hidden: Signal<bool>,
    /// Called when the edge says the session has ended.
    on_ended: Callback<()>,
) -> impl IntoView {
    let operator = session.operator.clone();
    let desk = RwSignal::new(DeskState::with_seen(storage::load_seen(&operator.id)));
    let connection = RwSignal::new(Connection::default());
    let me = ParticipantId::operator(&operator.id);

    // One inbox socket per channel, closed when the desk goes away.
    let edge = page_edge();
    let sockets: Vec<Socket> = session
        .channels
        .iter()
        .map(|channel| {
            let url = edge.socket_url(&routes::inbox_socket(&channel.id));
            Socket::open(
                move || url.clone(),
                move |raw| match InboxFrame::decode(&raw) {
                    Ok(frame) => {
                        if let Some(problem) = desk.try_update(|d| d.apply(frame)).flatten() {
                            if problem.code == ErrorCode::Unauthorized {
                                on_ended.run(());
                            }
                            connection.update(|c| c.set_notice(problem.message));
                        }
                    }
                    Err(e) => leptos::logging::error!("unreadable inbox frame: {e}"),
                },
                move |state| connection.update(|c| c.set_link(state)),
            )
        })
        .collect();
    StoredValue::new_local(sockets);

    // Read marks survive reloads, and the tab title counts unread chats.
    let seen_by = operator.id.clone();
    Effect::new(move |_| {
        let (marks, unread) = desk.with(|d| (d.inbox().seen_marks(), d.inbox().unread_count()));
        storage::save_seen(&seen_by, &marks);
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            document.set_title(&match unread {
                0 => "Charla console".to_owned(),
                n => format!("({n}) Charla console"),
            });
        }
    });

    let conversations = Memo::new(move |_| desk.with(|d| d.inbox().conversations().to_vec()));
    let panes = Memo::new(move |_| desk.with(|d| d.panes().to_vec()));
    let status = move || connection.with(|c| c.status(&STATUS));

    view! {
        <main class="desk" hidden=hidden>
            <p class="status" role="status">{status}</p>
            <nav class="inbox" aria-labelledby="inbox-title">
                <h2 id="inbox-title">"Conversations"</h2>
                <p class="empty" hidden=move || !conversations.with(Vec::is_empty)>
                    "No conversations yet. They appear here as visitors write."
                </p>
                <ul class="conversation-list">
                    <For
                        each=move || conversations.get()
                        key=|c| (c.id.clone(), c.last_seq)
                        children=move |summary| {
                            view! { <ListItem summary=summary desk=desk me=me.clone() /> }
                        }
                    />
                </ul>
            </nav>
            <section class="panes" aria-label="Open conversations">
                <p class="empty" hidden=move || !panes.with(Vec::is_empty)>
                    "Pick a conversation to answer it."
                </p>
                <For
                    each=move || panes.get()
                    key=|id| id.clone()
                    children=move |id| {
                        let summary = Signal::derive({
                            let id = id.clone();
                            move || desk.with(|d| d.inbox().get(&id).cloned())
                        });
                        view! { <Pane id=id summary=summary desk=desk on_ended=on_ended /> }
                    }
                />
            </section>
        </main>
    }
}

/// One conversation in the list.
#[component]
fn ListItem(
    summary: ConversationSummary,
    desk: RwSignal<DeskState>,
    /// The signed-in operator: their own last message reads "You:".
    me: ParticipantId,
) -> impl IntoView {
    let id: ConversationId = summary.id.clone();
    let unread = {
        let id = id.clone();
        Memo::new(move |_| desk.with(|d| d.inbox().is_unread(&id)))
    };
    let preview = summary.last.as_ref().map(|last| {
        let who = if last.author == me { "You: " } else { "" };
        format!("{who}{}", last.text)
    });
    let at = summary.last.as_ref().map_or(summary.created_at, |l| l.at);
    let key = id.to_string();
    view! {
        <li class="conversation" class:unread=move || unread.get() data-conversation=key>
            <button type="button" on:click=move |_| desk.update(|d| d.open(&id))>
                <span class="visitor">
                    {summary.visitor}
                    {summary
                        .contact
                        .verified_user
                        .map(|_| view! { <span class="verified" title="Identity verified by the site">" ✓"</span> })}
                </span>
                <time>{clock(at)}</time>
                <span class="preview">{preview.unwrap_or_else(|| "No messages yet".into())}</span>
                <span class="unread-mark" hidden=move || !unread.get()>"unread"</span>
            </button>
        </li>
    }
}

/// `HH:MM` in the operator's time zone.
pub fn clock(millis: i64) -> String {
    let date = js_sys::Date::new(&(millis as f64).into());
    format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
}

/// `YYYY-MM-DD HH:MM` in the operator's time zone.
pub fn clock_and_date(millis: i64) -> String {
    format!("{} {}", date(millis), clock(millis))
}

/// `YYYY-MM-DD` in the operator's time zone.
pub fn date(millis: i64) -> String {
    let date = js_sys::Date::new(&(millis as f64).into());
    format!(
        "{}-{:02}-{:02}",
        date.get_full_year(),
        date.get_month() + 1,
        date.get_date()
    )
}
