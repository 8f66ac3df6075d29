//! The signed-in console: the live list of conversations of every channel
//! the operator answers, and the conversations open beside it.

use charla_client::chat::Connection;
use charla_client::net::Socket;
use charla_client::sound::Chime;
use charla_client::ui::page_visible;
use charla_shared::api::{DirectStarted, Session, StaffRole, StartDirect, Teammate};
use charla_shared::ids::{ConversationId, OperatorId, ParticipantId};
use charla_shared::inbox::{Presence, Queue};
use charla_shared::limits::{ACTIVE_EVERY_MS, UNREAD_TAIL};
use charla_shared::protocol::{ConversationSummary, ErrorCode, InboxFrame, InboxRequest};
use charla_shared::routes;
use leptos::prelude::*;

use crate::app::page_edge;
use crate::pane::Pane;
use crate::queue::DutySwitches;
use crate::state::DeskState;
use crate::storage;
use crate::words::{status, tr, trf};

/// The desk of a signed-in operator.
#[component]
pub fn Desk(
    session: Session,
    hidden: Signal<bool>,
    /// Called when the edge says the session has ended.
    on_ended: Callback<()>,
    /// Set to how many conversations wait, for the top bar.
    waiting: RwSignal<usize>,
) -> impl IntoView {
    let operator = session.operator.clone();
    let desk = RwSignal::new(DeskState::new(operator.id.clone()));
    Effect::new(move |_| waiting.set(desk.with(|d| d.inbox().waiting())));
    let connection = RwSignal::new(Connection::default());
    let me = ParticipantId::operator(&operator.id);
    let admin = operator.role == StaffRole::Admin;

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
    let sockets = StoredValue::new_local(sockets);

    // While the operator uses the console, its inboxes hear so (at most
    // once a minute): an operator idle past the channel's limit leaves the
    // rotation until they come back.
    let last_active = StoredValue::new_local(None::<f64>);
    let active = move || {
        let at = js_sys::Date::now();
        if last_active
            .get_value()
            .is_some_and(|last| at - last < ACTIVE_EVERY_MS as f64)
        {
            return;
        }
        let frame = InboxRequest::Active.encode();
        let sent = sockets.with_value(|sockets| sockets.iter().any(|s| s.send(&frame)));
        if sent {
            last_active.set_value(Some(at));
        }
    };
    let on_key = window_event_listener(leptos::ev::keydown, move |_| active());
    let on_pointer = window_event_listener(leptos::ev::pointerdown, move |_| active());
    on_cleanup(move || {
        on_key.remove();
        on_pointer.remove();
    });

    // The tab's title and icon count unread messages (the edge keeps the
    // read marks, so the count survives reloads and agrees across tabs),
    // and a chime sounds when the count grows, unless turned off.
    let sound = RwSignal::new(storage::load_sound());
    let chime = Chime::new();
    let visible = page_visible();
    Effect::new(move |before: Option<usize>| {
        let unread = desk.with(|d| d.inbox().unread_total());
        show_unread(unread);
        if before.is_some_and(|before| unread > before) && sound.get_untracked() {
            chime.play();
        }
        unread
    });
    let toggle_sound = move |_| {
        let on = !sound.get_untracked();
        sound.set(on);
        storage::save_sound(on);
    };

    // A search replaces the list with what it found, across channels.
    let search = RwSignal::new(String::new());
    let found = RwSignal::new(None::<Vec<ConversationSummary>>);
    let channels: Vec<_> = session.channels.iter().map(|c| c.id.clone()).collect();
    let run_search = move |words: String| {
        search.set(words.clone());
        if words.trim().chars().count() < 2 {
            found.set(None);
            return;
        }
        let channels = channels.clone();
        leptos::task::spawn_local(async move {
            let mut all = Vec::new();
            for channel in &channels {
                match page_edge()
                    .get::<Vec<ConversationSummary>>(&routes::search(channel, &words))
                    .await
                {
                    Ok(list) => all.extend(list),
                    Err(e) => connection.update(|c| c.set_notice(e.to_string())),
                }
            }
            all.sort_by_key(|c| std::cmp::Reverse(c.last.as_ref().map_or(c.created_at, |l| l.at)));
            // A slower answer to an older search is dropped.
            if search.get_untracked() == words {
                found.set(Some(all));
            }
        });
    };
    let conversations = Memo::new(move |_| match found.get() {
        Some(found) => found,
        None => desk.with(|d| d.inbox().conversations().to_vec()),
    });
    let panes = Memo::new(move |_| desk.with(|d| d.panes().to_vec()));
    let words = status();
    let status = move || connection.with(|c| c.status(&words));

    view! {
        <main class="desk" hidden=hidden>
            <p class="status" role="status">{status}</p>
            <nav class="inbox" aria-labelledby="inbox-title">
                <h2 id="inbox-title">{tr("Conversations")}</h2>
                <DutySwitches channels=session.channels.clone() desk=desk connection=connection />
                <label class="sound">
                    <input type="checkbox" prop:checked=sound on:change=toggle_sound />
                    " "
                    {tr("Sound for new messages")}
                </label>
                <label class="charla-sr" for="conversation-search">{tr("Search conversations")}</label>
                <input
                    id="conversation-search"
                    type="search"
                    placeholder=tr("Search by name, e-mail, words or ticket number")
                    prop:value=search
                    on:input=move |e| run_search(event_target_value(&e))
                />
                <p class="empty" hidden=move || !conversations.with(Vec::is_empty)>
                    {move || {
                        if found.with(Option::is_some) {
                            tr("Nothing found.")
                        } else {
                            tr("No conversations yet. They appear here as visitors write.")
                        }
                    }}
                </p>
                {[
                    (Queue::Waiting, "waiting", tr("Waiting")),
                    (Queue::Mine, "mine", tr("Mine")),
                    (Queue::Others, "others", tr("With other operators")),
                    (Queue::Open, "open", tr("Other conversations")),
                ]
                    .into_iter()
                    .map(|(queue, key, title)| {
                        let listed = Memo::new(move |_| {
                            conversations
                                .get()
                                .into_iter()
                                .filter(|c| desk.with(|d| d.inbox().queue_of(c)) == queue)
                                .collect::<Vec<_>>()
                        });
                        let me = me.clone();
                        view! {
                            <section class="list-section" data-list=key hidden=move || listed.with(Vec::is_empty)>
                                <h3>{title} " (" {move || listed.with(Vec::len)} ")"</h3>
                                <ul class="conversation-list">
                                    <For
                                        each=move || listed.get()
                                        key=|c| (c.id.clone(), c.last_seq)
                                        children=move |summary| {
                                            view! { <ListItem summary=summary desk=desk me=me.clone() /> }
                                        }
                                    />
                                </ul>
                            </section>
                        }
                    })
                    .collect_view()}
                <Team desk=desk connection=connection />
            </nav>
            <section class="panes" aria-label=tr("Open conversations")>
                <p class="empty" hidden=move || !panes.with(Vec::is_empty)>
                    {tr("Pick a conversation to answer it.")}
                </p>
                <For
                    each=move || panes.get()
                    key=|id| id.clone()
                    children=move |id| {
                        let summary = Signal::derive({
                            let id = id.clone();
                            move || desk.with(|d| d.inbox().get(&id).cloned())
                        });
                        view! { <Pane id=id summary=summary desk=desk visible=visible admin=admin on_ended=on_ended /> }
                    }
                />
            </section>
        </main>
    }
}

/// The operators who share a channel with this one, online or not, each
/// with a button that opens the direct conversation with them.
#[component]
fn Team(desk: RwSignal<DeskState>, connection: RwSignal<Connection>) -> impl IntoView {
    let team = RwSignal::new(Vec::<Teammate>::new());
    leptos::task::spawn_local(async move {
        match page_edge().get::<Vec<Teammate>>(routes::TEAM).await {
            Ok(list) => team.set(list),
            Err(e) => connection.update(|c| c.set_notice(e.to_string())),
        }
    });
    let write_to = move |operator: OperatorId| {
        leptos::task::spawn_local(async move {
            let body = StartDirect { operator };
            match page_edge()
                .post::<_, DirectStarted>(routes::DIRECT, &body)
                .await
            {
                Ok(started) => desk.update(|d| d.open(&started.conversation)),
                Err(e) => connection.update(|c| c.set_notice(e.to_string())),
            }
        });
    };
    view! {
        <section class="team" aria-labelledby="team-title">
            <h2 id="team-title">{tr("Operators")}</h2>
            <p class="empty" hidden=move || !team.with(Vec::is_empty)>
                {tr("Nobody else answers your channels yet.")}
            </p>
            <ul class="team-list">
                <For
                    each=move || team.get()
                    key=|mate| mate.id.clone()
                    children=move |mate| {
                        let presence = {
                            let id = mate.id.clone();
                            Memo::new(move |_| desk.with(|d| d.inbox().presence(&id)))
                        };
                        let id = mate.id.clone();
                        view! {
                            <li
                                class="teammate"
                                class:online=move || presence.get() == Presence::Online
                                class:away=move || presence.get() == Presence::Away
                                data-operator=mate.id.to_string()
                            >
                                <span class="presence" aria-hidden="true"></span>
                                <span class="teammate-name">{mate.name.clone()}</span>
                                <span class="presence-label">
                                    {move || match presence.get() {
                                        Presence::Online => tr("online"),
                                        Presence::Away => tr("away"),
                                        Presence::Offline => tr("offline"),
                                    }}
                                </span>
                                <button
                                    type="button"
                                    aria-label=trf("Message {}", &[&mate.name])
                                    on:click=move |_| write_to(id.clone())
                                >
                                    {tr("Message")}
                                </button>
                            </li>
                        }
                    }
                />
            </ul>
        </section>
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
        Memo::new(move |_| desk.with(|d| d.inbox().unread(&id)))
    };
    let count = move || match unread.get() {
        n if n >= UNREAD_TAIL => trf("{}+ unread", &[&UNREAD_TAIL.to_string()]),
        n => trf("{} unread", &[&n.to_string()]),
    };
    let preview = summary.last.as_ref().map(|last| {
        let who = if last.author == me { tr("You: ") } else { "" };
        format!("{who}{}", last.text)
    });
    let at = summary.last.as_ref().map_or(summary.created_at, |l| l.at);
    let key = id.to_string();
    let title = desk.with_untracked(|d| summary.title_for(d.inbox().me()).to_owned());
    let direct = summary.is_direct();
    let open = {
        let id = id.clone();
        Memo::new(move |_| desk.with(|d| d.panes().contains(&id)))
    };
    view! {
        <li
            class="conversation"
            class:unread=move || { unread.get() > 0 }
            class:open=open
            data-conversation=key
        >
            <button
                type="button"
                aria-current=move || open.get().then_some("true")
                on:click=move |_| desk.update(|d| d.open(&id))
            >
                <span class="visitor">
                    {title}
                    {direct.then(|| view! { <span class="direct-mark">" · " {tr("operator")}</span> })}
                    {summary
                        .contact
                        .verified_user
                        .map(|_| view! { <span class="verified" title=tr("Identity verified by the site")>" ✓"</span> })}
                </span>
                <time>{clock(at)}</time>
                <span class="preview">{preview.unwrap_or_else(|| tr("No messages yet").into())}</span>
                <span class="unread-mark" hidden=move || unread.get() == 0>{count}</span>
            </button>
        </li>
    }
}

/// Puts the unread count in the tab's title and draws it on its icon.
fn show_unread(unread: usize) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    document.set_title(&match unread {
        0 => tr("Charla console").to_owned(),
        n => trf("({}) Charla console", &[&n.to_string()]),
    });
    let badge = match unread {
        0 => String::new(),
        n if n > 9 => "<text x='22' y='29' font-size='14' text-anchor='middle' fill='white' font-family='sans-serif'>9+</text>".into(),
        n => format!("<text x='22' y='29' font-size='16' text-anchor='middle' fill='white' font-family='sans-serif'>{n}</text>"),
    };
    let dot = if unread == 0 {
        String::new()
    } else {
        format!("<circle cx='22' cy='23' r='10' fill='%23cf222e'/>{badge}")
    };
    let icon = format!(
        "data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'><path d='M4 4h22v16H10l-6 6z' fill='%231f6f5c'/>{dot}</svg>"
    );
    let link = match document.query_selector("link[rel=icon]").ok().flatten() {
        Some(link) => link,
        None => {
            let Ok(link) = document.create_element("link") else {
                return;
            };
            let _ = link.set_attribute("rel", "icon");
            if let Some(head) = document.head() {
                let _ = head.append_child(&link);
            }
            link
        }
    };
    let _ = link.set_attribute("href", &icon);
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
