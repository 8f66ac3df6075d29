//! The live dashboard of a channel: today's figures as cards, and the last
//! 30 days as charts with tables, current without a reload
//! ([`live_figures`]).

use charla_shared::api::Session;
use charla_shared::rating::{duration_text, ChannelStats, DayStats, Rating};
use charla_shared::routes;
use leptos::prelude::*;

use crate::chart::{BarChart, Point};
use crate::desk::date;
use crate::figures::live_figures;
use crate::pick::ChannelSelect;
use crate::words::{tr, trf};

/// Days of history the charts show.
const DAYS: usize = 30;

/// The dashboard.
#[component]
pub fn Dashboard(session: Session) -> impl IntoView {
    let channel = RwSignal::new(session.channels.first().map(|c| c.id.clone()));
    let (stats, notice) =
        live_figures::<ChannelStats>(channel, |id| routes::stats(id, local_midnight(), DAYS));

    let today = Memo::new(move |_| stats.with(|s| s.as_ref().map(ChannelStats::today)));
    let waiting = move || stats.with(|s| s.as_ref().map_or(0, ChannelStats::waiting));
    let card = move |pick: fn(&DayStats) -> String| {
        move || today.with(|t| t.as_ref().map(pick).unwrap_or_else(|| "…".into()))
    };
    let series = move |value: fn(&DayStats) -> Option<f64>, text: fn(&DayStats) -> String| {
        Signal::derive(move || {
            stats.with(|s| {
                s.as_ref()
                    .map(|s| {
                        s.days
                            .iter()
                            .map(|day| Point {
                                label: date(day.start),
                                value: value(day),
                                text: text(day),
                            })
                            .collect()
                    })
                    .unwrap_or_default()
            })
        })
    };
    let channels = session.channels.clone();
    view! {
        <main class="report dashboard">
            <h2>{tr("Dashboard")}</h2>
            <div class="filters">
                <ChannelSelect id="dashboard-channel" channels=channels channel=channel />
            </div>
            <p class="notice" role="status">{move || notice.get()}</p>
            <dl class="cards" aria-label=tr("Today")>
                <div class="card" data-figure="conversations">
                    <dt>{tr("Conversations today")}</dt>
                    <dd>{card(|d| d.conversations.to_string())}</dd>
                </div>
                <div class="card" data-figure="waiting">
                    <dt>{tr("Waiting now")}</dt>
                    <dd>{move || stats.with(|s| s.as_ref().map(|_| waiting().to_string()).unwrap_or_else(|| "…".into()))}</dd>
                </div>
                <div class="card" data-figure="first-response">
                    <dt>{tr("Average first response")}</dt>
                    <dd>{card(|d| d.first_response_ms.map_or_else(|| "–".into(), duration_text))}</dd>
                </div>
                <div class="card" data-figure="duration">
                    <dt>{tr("Average duration")}</dt>
                    <dd>{card(|d| d.duration_ms.map_or_else(|| "–".into(), duration_text))}</dd>
                </div>
                <div class="card" data-figure="satisfaction">
                    <dt>{tr("Satisfaction")}</dt>
                    <dd>{card(satisfaction_text)}</dd>
                </div>
            </dl>
            <BarChart
                title=tr("Conversations per day")
                points=series(|d| Some(d.conversations as f64), |d| d.conversations.to_string())
                label_heading=tr("Day")
            />
            <BarChart
                title=tr("Average first response per day")
                points=series(
                    |d| d.first_response_ms.map(|ms| ms as f64),
                    |d| d.first_response_ms.map_or_else(|| "–".into(), duration_text),
                )
                label_heading=tr("Day")
            />
            <BarChart
                title=tr("Satisfied per day")
                points=series(
                    |d| (d.ratings.total() > 0).then(|| d.ratings.percent_of(Rating::Satisfied)),
                    satisfaction_text,
                )
                label_heading=tr("Day")
            />
        </main>
    }
}

/// The satisfied share of a day's ratings, or a dash without ratings.
fn satisfaction_text(day: &DayStats) -> String {
    if day.ratings.total() == 0 {
        "–".into()
    } else {
        trf(
            "{}% satisfied",
            &[&format!("{:.1}", day.ratings.percent_of(Rating::Satisfied))],
        )
    }
}

/// The operator's last midnight, in milliseconds.
fn local_midnight() -> i64 {
    let date = js_sys::Date::new_0();
    date.set_hours(0);
    date.set_minutes(0);
    date.set_seconds(0);
    date.set_milliseconds(0);
    date.get_time() as i64
}
