//! Leads and tickets the chatbots recorded, per channel: newest first,
//! searchable by number, name or e-mail address, and each with the
//! conversation up to when it was made.

use charla_client::ui::MessageList;
use charla_shared::api::{Record, RecordKind, RecordLink, RecordSummary, Session};
use charla_shared::ids::ChannelId;
use charla_shared::routes;
use leptos::prelude::*;

use crate::app::page_edge;
use crate::desk::clock_and_date;
use crate::words::tr;

/// The leads and tickets screen.
#[component]
pub fn Records(
    session: Session,
    /// A lead or ticket to show, set when a link to one is followed.
    link: RwSignal<Option<RecordLink>>,
) -> impl IntoView {
    let channel = RwSignal::new(session.channels.first().map(|c| c.id.clone()));
    let kind = RwSignal::new(RecordKind::Lead);
    let search = RwSignal::new(String::new());
    let list = RwSignal::new(Vec::<RecordSummary>::new());
    let open = RwSignal::new(None::<Record>);
    let notice = RwSignal::new(None::<String>);
    let path = move || {
        channel.get().map(|channel| {
            let search = search.get();
            let search = Some(search.as_str());
            match kind.get() {
                RecordKind::Lead => routes::leads(&channel, search),
                RecordKind::Ticket => routes::tickets(&channel, search),
            }
        })
    };
    Effect::new(move |_| {
        let Some(path) = path() else { return };
        leptos::task::spawn_local(async move {
            match page_edge().get::<Vec<RecordSummary>>(&path).await {
                Ok(found) => {
                    notice.set(None);
                    list.set(found);
                }
                Err(e) => notice.set(Some(e.to_string())),
            }
        });
    });
    let show = move |number: u64| {
        let (Some(channel), kind) = (channel.get_untracked(), kind.get_untracked()) else {
            return;
        };
        let path = match kind {
            RecordKind::Lead => routes::lead(&channel, number),
            RecordKind::Ticket => routes::ticket(&channel, number),
        };
        leptos::task::spawn_local(async move {
            match page_edge().get::<Record>(&path).await {
                Ok(record) => open.set(Some(record)),
                Err(e) => notice.set(Some(e.to_string())),
            }
        });
    };
    Effect::new(move |_| {
        if let Some(target) = link.get() {
            channel.set(Some(target.channel));
            kind.set(target.kind);
            show(target.number);
        }
    });
    let channels = session.channels.clone();
    view! {
        <main class="records">
            <section class="record-list" aria-labelledby="records-title">
                <h2 id="records-title">{tr("Leads and tickets")}</h2>
                <label for="records-channel">{tr("Channel")}</label>
                <select
                    id="records-channel"
                    prop:value=move || channel.get().map(|c| c.to_string()).unwrap_or_default()
                    on:change=move |e| {
                        channel.set(ChannelId::parse(event_target_value(&e)).ok());
                        open.set(None);
                    }
                >
                    {channels
                        .into_iter()
                        .map(|c| view! { <option value=c.id.to_string()>{c.name}</option> })
                        .collect_view()}
                </select>
                <div class="languages" role="group" aria-label=tr("Show")>
                    {[(RecordKind::Lead, tr("Leads")), (RecordKind::Ticket, tr("Tickets"))]
                        .into_iter()
                        .map(|(which, label)| {
                            view! {
                                <button
                                    type="button"
                                    aria-pressed=move || (kind.get() == which).to_string()
                                    on:click=move |_| {
                                        kind.set(which);
                                        open.set(None);
                                    }
                                >
                                    {label}
                                </button>
                            }
                        })
                        .collect_view()}
                </div>
                <label for="records-search">{tr("Search by number, name or e-mail")}</label>
                <input
                    id="records-search"
                    type="search"
                    prop:value=search
                    on:input=move |e| search.set(event_target_value(&e))
                />
                <p class="notice" role="status">{move || notice.get()}</p>
                <p class="empty" hidden=move || !list.with(Vec::is_empty)>{tr("Nothing yet.")}</p>
                <ul class="conversation-list">
                    <For
                        each=move || list.get()
                        key=|r| r.number
                        children=move |record: RecordSummary| {
                            let number = record.number;
                            let who = match &record.email {
                                Some(email) => format!("{} · {email}", record.name),
                                None => record.name.clone(),
                            };
                            view! {
                                <li class="conversation record" data-number=number>
                                    <button type="button" on:click=move |_| show(number)>
                                        <span class="visitor">{format!("#{number} {}", record.title)}</span>
                                        <time>{clock_and_date(record.created_at)}</time>
                                        <span class="preview">{who}</span>
                                        <span class="preview">{record.team.clone().unwrap_or_default()}</span>
                                    </button>
                                </li>
                            }
                        }
                    />
                </ul>
            </section>
            {move || open.get().map(|record| view! { <RecordDetail record=record /> })}
        </main>
    }
}

/// One lead or ticket with its transcript.
#[component]
fn RecordDetail(record: Record) -> impl IntoView {
    let what = match record.kind {
        RecordKind::Lead => tr("Lead"),
        RecordKind::Ticket => tr("Ticket"),
    };
    let messages = record.transcript.clone();
    let rows = [
        (tr("Name"), Some(record.name.clone())),
        (tr("E-mail"), record.email.clone()),
        (tr("Phone"), record.phone.clone()),
        (tr("Team"), record.team.clone()),
        (tr("Source"), Some(record.source.clone())),
        (tr("Created"), Some(clock_and_date(record.created_at))),
    ];
    view! {
        <article class="pane record-detail" aria-label=format!("{what} {}", record.number)>
            <header>
                <h3>{format!("{what} #{}: {}", record.number, record.title)}</h3>
            </header>
            <dl>
                {rows
                    .into_iter()
                    .filter_map(|(term, value)| value.map(|v| view! { <dt>{term}</dt><dd>{v}</dd> }))
                    .collect_view()}
            </dl>
            <MessageList
                messages=Signal::derive(move || messages.clone())
                pending=Signal::derive(Vec::new)
                me=Signal::derive(|| None)
                label=tr("Transcript")
                you=tr("You")
                sending=tr("Sending…")
            />
        </article>
    }
}
