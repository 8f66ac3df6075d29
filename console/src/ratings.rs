//! The ratings report: what visitors said of each channel, filtered by
//! operator, period and rating, as cards, a pivot (operator × rating), a
//! graph and a list; exportable as CSV. Each rating opens its
//! conversation, and admins mark ratings "visible internally only".

use charla_client::ui::MessageList;
use charla_shared::api::{RatingVisibility, Session, StaffRole, Transcript};
use charla_shared::ids::{ChannelId, OperatorId};
use charla_shared::rating::{by_operator, Rating, RatingFilter, RatingRecord, Shares, DAY_MS};
use charla_shared::routes;
use leptos::prelude::*;

use crate::app::page_edge;
use crate::chart::{BarChart, Point};
use crate::desk::clock_and_date;
use crate::words::{tr, trf};

/// The periods a report covers, in days (`None`: all time).
const PERIODS: [Option<i64>; 4] = [Some(7), Some(30), Some(90), None];

/// The ratings report.
#[component]
pub fn RatingsReport(session: Session) -> impl IntoView {
    let admin = session.operator.role == StaffRole::Admin;
    let channel = RwSignal::new(session.channels.first().map(|c| c.id.clone()));
    let days = RwSignal::new(Some(30_i64));
    let operator = RwSignal::new(None::<OperatorId>);
    let rating = RwSignal::new(None::<Rating>);
    let all = RwSignal::new(Vec::<RatingRecord>::new());
    let notice = RwSignal::new(None::<String>);
    let open = RwSignal::new(None::<Transcript>);

    // The period is asked of the edge; operator and rating narrow what
    // came back, so the operator list stays whole while one is picked.
    let filter = move || RatingFilter {
        operator: operator.get(),
        rating: rating.get(),
        from: since(days.get()),
        to: None,
    };
    let load = move || {
        let Some(channel) = channel.get_untracked() else {
            return;
        };
        let period = RatingFilter {
            from: since(days.get_untracked()),
            ..RatingFilter::default()
        };
        let path = routes::ratings(&channel, &period);
        leptos::task::spawn_local(async move {
            match page_edge().get::<Vec<RatingRecord>>(&path).await {
                Ok(found) => {
                    notice.set(None);
                    all.set(found);
                }
                Err(e) => notice.set(Some(e.to_string())),
            }
        });
    };
    Effect::new(move |_| {
        channel.track();
        days.track();
        load();
    });
    let shown = Memo::new(move |_| {
        let filter = filter();
        all.with(|all| {
            all.iter()
                .filter(|r| filter.matches(r))
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let operators = Memo::new(move |_| {
        let mut seen: Vec<(OperatorId, String)> = Vec::new();
        all.with(|all| {
            for record in all {
                if let (Some(id), Some(name)) = (&record.operator, &record.operator_name) {
                    if !seen.iter().any(|(s, _)| s == id) {
                        seen.push((id.clone(), name.clone()));
                    }
                }
            }
        });
        seen
    });
    let shares = Memo::new(move |_| shown.with(|s| Shares::of(s.iter().map(|r| r.rating))));
    let pivot = Memo::new(move |_| shown.with(|s| by_operator(s)));
    let csv = move || {
        channel
            .get()
            .map(|c| routes::ratings_csv(&c, &filter()))
            .unwrap_or_default()
    };
    let graph = Signal::derive(move || {
        pivot.with(|pivot| {
            pivot
                .iter()
                .map(|(name, shares)| Point {
                    label: name.clone().unwrap_or_else(|| tr("No operator").into()),
                    value: Some(shares.percent_of(Rating::Satisfied)),
                    text: trf(
                        "{}% satisfied",
                        &[&format!("{:.1}", shares.percent_of(Rating::Satisfied))],
                    ),
                })
                .collect()
        })
    });
    let read = move |record: RatingRecord| {
        let path = routes::transcript(&record.conversation);
        leptos::task::spawn_local(async move {
            match page_edge().get::<Transcript>(&path).await {
                Ok(transcript) => open.set(Some(transcript)),
                Err(e) => notice.set(Some(e.to_string())),
            }
        });
    };
    let hide = move |(record, hidden): (RatingRecord, bool)| {
        let path = routes::rating_visibility(&record.channel, record.id);
        leptos::task::spawn_local(async move {
            match page_edge()
                .put::<_, RatingVisibility>(&path, &RatingVisibility { hidden })
                .await
            {
                Ok(_) => all.update(|all| {
                    if let Some(r) = all.iter_mut().find(|r| r.id == record.id) {
                        r.hidden = hidden;
                    }
                }),
                Err(e) => notice.set(Some(e.to_string())),
            }
        });
    };
    let channels = session.channels.clone();

    view! {
        <main class="report">
            <h2>{tr("Ratings")}</h2>
            <div class="filters">
                <label for="ratings-channel">{tr("Channel")}</label>
                <select
                    id="ratings-channel"
                    on:change=move |e| {
                        channel.set(ChannelId::parse(event_target_value(&e)).ok());
                        operator.set(None);
                        open.set(None);
                    }
                >
                    {channels
                        .into_iter()
                        .map(|c| view! { <option value=c.id.to_string()>{c.name}</option> })
                        .collect_view()}
                </select>
                <label for="ratings-period">{tr("Period")}</label>
                <select
                    id="ratings-period"
                    on:change=move |e| days.set(PERIODS[event_target_value(&e).parse::<usize>().unwrap_or(1).min(3)])
                >
                    {PERIODS
                        .iter()
                        .enumerate()
                        .map(|(i, d)| view! { <option value=i.to_string() selected=*d == Some(30)>{period_name(*d)}</option> })
                        .collect_view()}
                </select>
                <label for="ratings-operator">{tr("Operator")}</label>
                <select
                    id="ratings-operator"
                    on:change=move |e| operator.set(OperatorId::parse(event_target_value(&e)).ok())
                >
                    <option value="">{tr("Every operator")}</option>
                    {move || {
                        operators
                            .get()
                            .into_iter()
                            .map(|(id, name)| {
                                let selected = operator.get().as_ref() == Some(&id);
                                view! { <option value=id.to_string() selected=selected>{name}</option> }
                            })
                            .collect_view()
                    }}
                </select>
                <label for="ratings-rating">{tr("Rating")}</label>
                <select
                    id="ratings-rating"
                    on:change=move |e| rating.set(Rating::parse(&event_target_value(&e)))
                >
                    <option value="">{tr("Every rating")}</option>
                    {Rating::ALL
                        .into_iter()
                        .map(|r| view! { <option value=r.as_str()>{rating_word(r)}</option> })
                        .collect_view()}
                </select>
                <a class="export" href=csv download>{tr("Export as CSV")}</a>
            </div>
            <p class="notice" role="status">{move || notice.get()}</p>
            <ul class="cards" aria-label=tr("Shares")>
                {Rating::ALL
                    .into_iter()
                    .map(|r| {
                        view! {
                            <li class=format!("card {}", r.as_str())>
                                <span aria-hidden="true">{r.face()}</span>
                                " " {rating_word(r)} ": "
                                <strong>{move || format!("{:.1}%", shares.get().percent_of(r))}</strong>
                                {move || format!(" ({})", shares.get().count_of(r))}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <table class="pivot">
                <caption>{tr("By operator")}</caption>
                <thead>
                    <tr>
                        <th scope="col">{tr("Operator")}</th>
                        {Rating::ALL.into_iter().map(|r| view! { <th scope="col">{rating_word(r)}</th> }).collect_view()}
                        <th scope="col">{tr("Total")}</th>
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        pivot
                            .get()
                            .into_iter()
                            .map(|(name, shares)| {
                                view! {
                                    <tr>
                                        <th scope="row">{name.unwrap_or_else(|| tr("No operator").into())}</th>
                                        {Rating::ALL
                                            .into_iter()
                                            .map(|r| view! { <td>{format!("{} ({:.1}%)", shares.count_of(r), shares.percent_of(r))}</td> })
                                            .collect_view()}
                                        <td>{shares.total()}</td>
                                    </tr>
                                }
                            })
                            .collect_view()
                    }}
                </tbody>
            </table>
            <BarChart title=tr("Satisfied, by operator") points=graph label_heading=tr("Operator") />
            <table class="rating-list">
                <caption>{tr("Ratings")}</caption>
                <thead>
                    <tr>
                        <th scope="col">{tr("When")}</th>
                        <th scope="col">{tr("Operator")}</th>
                        <th scope="col">{tr("Visitor")}</th>
                        <th scope="col">{tr("Rating")}</th>
                        <th scope="col">{tr("Reason")}</th>
                        <th scope="col">{tr("Visible internally only")}</th>
                        <th scope="col">{tr("Conversation")}</th>
                    </tr>
                </thead>
                <tbody>
                    <For
                        each=move || shown.get()
                        key=|r| (r.id, r.hidden)
                        children=move |record: RatingRecord| {
                            let id = record.id;
                            let hidden = record.hidden;
                            let toggled = record.clone();
                            let opened = record.clone();
                            view! {
                                <tr data-rating=id>
                                    <td>{clock_and_date(record.at)}</td>
                                    <td>{record.operator_name.clone().unwrap_or_default()}</td>
                                    <td>{record.visitor.clone()}</td>
                                    <td>
                                        <span aria-hidden="true">{record.rating.face()}</span>
                                        " " {rating_word(record.rating)}
                                    </td>
                                    <td>{record.reason.clone().unwrap_or_default()}</td>
                                    <td>
                                        <input
                                            type="checkbox"
                                            aria-label=trf("Rating {} visible internally only", &[&id.to_string()])
                                            prop:checked=hidden
                                            disabled=!admin
                                            on:change=move |e| hide((toggled.clone(), event_target_checked(&e)))
                                        />
                                    </td>
                                    <td>
                                        <button type="button" on:click=move |_| read(opened.clone())>
                                            {tr("Read")}
                                        </button>
                                    </td>
                                </tr>
                            }
                        }
                    />
                </tbody>
            </table>
            <p class="empty" hidden=move || !shown.with(Vec::is_empty)>{tr("No ratings in this period.")}</p>
            {move || {
                open.get().map(|transcript| {
                    let messages = transcript.messages.clone();
                    view! {
                        <article class="pane" aria-label=trf("Conversation with {}", &[&transcript.visitor])>
                            <header>
                                <h3>{trf("Conversation with {}", &[&transcript.visitor])}</h3>
                                <button type="button" class="close" aria-label=tr("Close this conversation") on:click=move |_| open.set(None)>
                                    "×"
                                </button>
                            </header>
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
                })
            }}
        </main>
    }
}

/// The start of a period of `days` days ending now.
fn since(days: Option<i64>) -> Option<i64> {
    days.map(|d| js_sys::Date::now() as i64 - d * DAY_MS)
}

/// What the report calls a period.
fn period_name(days: Option<i64>) -> &'static str {
    match days {
        Some(7) => tr("Last 7 days"),
        Some(30) => tr("Last 30 days"),
        Some(90) => tr("Last 90 days"),
        _ => tr("All time"),
    }
}

/// A rating's word in the console's language.
pub fn rating_word(rating: Rating) -> &'static str {
    match rating {
        Rating::Satisfied => tr("Satisfied"),
        Rating::Neutral => tr("Neutral"),
        Rating::Dissatisfied => tr("Dissatisfied"),
    }
}
