//! The queue in the console: whether the operator takes conversations in
//! each channel, how many wait, taking a conversation, putting it back or
//! handing it to someone online, and the supervision view of a channel.
//! The channel's inbox on the edge decides; this only asks and shows.

use charla_client::chat::Connection;
use charla_shared::api::{ChannelSummary, Duty, Session, Supervision, Teammate, Transfer};
use charla_shared::ids::{ChannelId, ConversationId, OperatorId};
use charla_shared::inbox::Queue;
use charla_shared::protocol::ConversationSummary;
use charla_shared::rating::duration_text;
use charla_shared::routes;
use leptos::prelude::*;

use crate::app::page_edge;
use crate::desk::clock;
use crate::figures::live_figures;
use crate::pick::ChannelSelect;
use crate::state::DeskState;
use crate::words::{tr, trf};

/// Per channel, whether conversations are assigned to the operator, and
/// how many wait for someone across the channels.
#[component]
pub fn DutySwitches(
    channels: Vec<ChannelSummary>,
    desk: RwSignal<DeskState>,
    connection: RwSignal<Connection>,
) -> impl IntoView {
    let waiting = Memo::new(move |_| desk.with(|d| d.inbox().waiting()));
    let switch = move |channel: ChannelSummary| {
        let id = channel.id.clone();
        let on = Memo::new({
            let id = id.clone();
            move |_| desk.with(|d| !d.inbox().is_away(&id, d.inbox().me()))
        });
        let change = move |e| {
            let duty = Duty {
                on: event_target_checked(&e),
            };
            let path = routes::duty(&id);
            leptos::task::spawn_local(async move {
                if let Err(e) = page_edge().put::<_, ()>(&path, &duty).await {
                    connection.update(|c| c.set_notice(e.to_string()));
                }
            });
        };
        let input = format!("duty-{}", channel.id);
        view! {
            <div class="check duty" data-channel=channel.id.to_string()>
                <input id=input.clone() type="checkbox" prop:checked=on on:change=change />
                <label for=input>{trf("Taking conversations in {}", &[&channel.name])}</label>
            </div>
        }
    };
    view! {
        <p class="queue-count" data-waiting=move || waiting.get().to_string()>
            {move || match waiting.get() {
                0 => tr("Nobody is waiting.").to_owned(),
                1 => tr("1 conversation is waiting.").to_owned(),
                n => trf("{} conversations are waiting.", &[&n.to_string()]),
            }}
        </p>
        {channels.into_iter().map(switch).collect_view()}
    }
}

/// Who holds an open conversation, and what the operator may do about
/// it: take it, put it back, or hand it to someone online with a note.
#[component]
pub fn HoldBar(
    id: ConversationId,
    summary: Signal<Option<ConversationSummary>>,
    desk: RwSignal<DeskState>,
    admin: bool,
    /// Where refusals and outcomes are shown.
    notice: Callback<String>,
) -> impl IntoView {
    let queue = Memo::new(move |_| {
        summary.with(|s| s.as_ref().map(|s| desk.with(|d| d.inbox().queue_of(s))))
    });
    let holder = Memo::new(move |_| summary.with(|s| s.as_ref().and_then(|s| s.holder.clone())));
    let state = move || match (queue.get(), holder.get()) {
        (Some(Queue::Waiting), _) => summary
            .with(|s| s.as_ref().and_then(|s| s.waiting_since))
            .map(|since| trf("Waiting for an operator since {}", &[&clock(since)]))
            .unwrap_or_default(),
        (Some(Queue::Mine), _) => tr("You hold this conversation.").to_owned(),
        (Some(Queue::Others), Some(holder)) => trf("{} holds this conversation.", &[&holder.name]),
        _ => String::new(),
    };
    let mine = move || queue.get() == Some(Queue::Mine);
    let may_pass = move || mine() || (admin && queue.get() == Some(Queue::Others));
    let act = {
        let id = id.clone();
        move |path: fn(&ConversationId) -> String| {
            let path = path(&id);
            leptos::task::spawn_local(async move {
                if let Err(e) = page_edge().act(&path).await {
                    notice.run(e.to_string());
                }
            });
        }
    };
    let take = {
        let act = act.clone();
        move |_| act(routes::take)
    };
    let release = move |_| act(routes::release);

    // The transfer form lists the channel's operators who are online.
    let choosing = RwSignal::new(false);
    let team = RwSignal::new(Vec::<Teammate>::new());
    let open_transfer = move |_| {
        choosing.set(!choosing.get_untracked());
        leptos::task::spawn_local(async move {
            match page_edge().get::<Vec<Teammate>>(routes::TEAM).await {
                Ok(list) => team.set(list),
                Err(e) => notice.run(e.to_string()),
            }
        });
    };
    let online = Memo::new(move |_| {
        team.with(|team| {
            desk.with(|d| {
                team.iter()
                    .filter(|mate| &mate.id != d.inbox().me() && d.inbox().is_online(&mate.id))
                    .cloned()
                    .collect::<Vec<_>>()
            })
        })
    });
    let to = RwSignal::new(None::<OperatorId>);
    let note = RwSignal::new(String::new());
    let transfer = {
        let id = id.clone();
        move |e: leptos::ev::SubmitEvent| {
            e.prevent_default();
            let Some(operator) = to
                .get_untracked()
                .or_else(|| online.with_untracked(|o| o.first().map(|m| m.id.clone())))
            else {
                notice.run(tr("Nobody else is online to take it.").to_owned());
                return;
            };
            let body = Transfer {
                to: operator,
                note: note.get_untracked(),
            };
            let path = routes::transfer(&id);
            leptos::task::spawn_local(async move {
                match page_edge().post::<_, ()>(&path, &body).await {
                    Ok(()) => {
                        choosing.set(false);
                        note.set(String::new());
                    }
                    Err(e) => notice.run(e.to_string()),
                }
            });
        }
    };
    let form_id = format!("transfer-{id}");
    view! {
        <div class="hold" data-queue=move || format!("{:?}", queue.get()).to_lowercase()>
            <span class="hold-state">{state}</span>
            <button
                type="button"
                class="take"
                hidden=move || match queue.get() {
                    Some(Queue::Waiting | Queue::Open) => false,
                    Some(Queue::Others) => !admin,
                    Some(Queue::Mine) | None => true,
                }
                on:click=take
            >
                {tr("Take")}
            </button>
            <button type="button" class="release" hidden=move || !may_pass() on:click=release>
                {tr("Put back in the queue")}
            </button>
            <button
                type="button"
                class="transfer"
                hidden=move || !may_pass()
                aria-expanded=move || choosing.get().to_string()
                aria-controls=form_id.clone()
                on:click=open_transfer
            >
                {tr("Transfer")}
            </button>
            <form id=form_id class="transfer-form" hidden=move || !choosing.get() on:submit=transfer>
                <label for=format!("transfer-to-{id}")>{tr("To")}</label>
                <select
                    id=format!("transfer-to-{id}")
                    on:change=move |e| to.set(OperatorId::parse(event_target_value(&e)).ok())
                >
                    {move || {
                        online
                            .get()
                            .into_iter()
                            .map(|mate| view! { <option value=mate.id.to_string()>{mate.name}</option> })
                            .collect_view()
                    }}
                </select>
                <label for=format!("transfer-note-{id}")>{tr("Note for them")}</label>
                <input
                    id=format!("transfer-note-{id}")
                    prop:value=note
                    on:input=move |e| note.set(event_target_value(&e))
                />
                <button type="submit">{tr("Transfer")}</button>
            </form>
        </div>
    }
}

/// A channel now: waiting and in progress, the operators online and their
/// load, and today's service level, current without a reload.
#[component]
pub fn SupervisionView(session: Session) -> impl IntoView {
    let channel = RwSignal::new(session.channels.first().map(|c| c.id.clone()));
    let (figures, notice) =
        live_figures::<Supervision>(channel, |id: &ChannelId| routes::supervision(id));
    let card = move |pick: fn(&Supervision) -> String| {
        move || figures.with(|f| f.as_ref().map(pick).unwrap_or_else(|| "…".into()))
    };
    view! {
        <main class="report supervision">
            <h2>{tr("Supervision")}</h2>
            <div class="filters">
                <ChannelSelect id="supervision-channel" channels=session.channels.clone() channel=channel />
            </div>
            <p class="notice" role="status">{move || notice.get()}</p>
            <dl class="cards" aria-label=tr("Now and today")>
                <div class="card" data-figure="waiting">
                    <dt>{tr("Waiting now")}</dt>
                    <dd>{card(|f| f.waiting.to_string())}</dd>
                </div>
                <div class="card" data-figure="in-progress">
                    <dt>{tr("In progress")}</dt>
                    <dd>{card(|f| f.in_progress.to_string())}</dd>
                </div>
                <div class="card" data-figure="service-level">
                    <dt>{move || trf("Taken within {} today", &[&figures.with(|f| f.as_ref().map(|f| seconds(u64::from(f.service_level_secs))).unwrap_or_default())])}</dt>
                    <dd>{card(|f| f.figures.service_level_percent.map_or_else(|| "–".into(), |p| format!("{p}%")))}</dd>
                </div>
                <div class="card" data-figure="average-wait">
                    <dt>{tr("Average wait today")}</dt>
                    <dd>{card(|f| seconds(f.figures.average_wait_secs))}</dd>
                </div>
                <div class="card" data-figure="longest-wait">
                    <dt>{tr("Longest wait today")}</dt>
                    <dd>{card(|f| seconds(f.figures.longest_wait_secs))}</dd>
                </div>
            </dl>
            <table class="operators-load">
                <caption>{tr("Operators online")}</caption>
                <thead>
                    <tr>
                        <th scope="col">{tr("Operator")}</th>
                        <th scope="col">{tr("Taking conversations")}</th>
                        <th scope="col">{tr("Conversations held")}</th>
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        figures
                            .get()
                            .map(|f| f.operators)
                            .unwrap_or_default()
                            .into_iter()
                            .map(|o| {
                                view! {
                                    <tr data-operator=o.id.to_string()>
                                        <th scope="row">{o.name}</th>
                                        <td>{if o.available { tr("yes") } else { tr("away") }}</td>
                                        <td>{o.load}</td>
                                    </tr>
                                }
                            })
                            .collect_view()
                    }}
                </tbody>
            </table>
        </main>
    }
}

/// A wait in words ("45 s", "2 min").
fn seconds(secs: u64) -> String {
    duration_text(secs.saturating_mul(1_000))
}
