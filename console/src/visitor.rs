//! The side panel of a conversation: what operators know about the
//! visitor (from the conversation's socket, operators only) and the
//! visitor's earlier conversations on the channel, each openable.

use charla_shared::api::PreviousConversation;
use charla_shared::clock::Clock;
use charla_shared::ids::ConversationId;
use charla_shared::protocol::{PageView, VisitorDetails};
use charla_shared::routes;
use leptos::prelude::*;

use crate::app::page_edge;
use crate::desk::clock_and_date;
use crate::state::DeskState;
use crate::words::{tr, trf};

/// What is known about the visitor of a conversation.
#[component]
pub fn VisitorPanel(
    conversation: ConversationId,
    #[prop(into)] details: Signal<Option<VisitorDetails>>,
    desk: RwSignal<DeskState>,
) -> impl IntoView {
    let previous = RwSignal::new(Vec::<PreviousConversation>::new());
    {
        let conversation = conversation.clone();
        leptos::task::spawn_local(async move {
            let path = routes::previous_conversations(&conversation);
            if let Ok(list) = page_edge().get::<Vec<PreviousConversation>>(&path).await {
                previous.set(list);
            }
        });
    }
    let field = move |pick: fn(&VisitorDetails) -> Option<String>| {
        move || {
            details
                .with(|d| d.as_ref().and_then(pick))
                .unwrap_or_else(|| "—".into())
        }
    };
    let identity = field(|d| {
        Some(match &d.contact.verified_user {
            Some(user) => trf("verified ({})", &[user]),
            None => tr("not verified").into(),
        })
    });
    let local_time = field(|d| {
        d.offset_min.map(|offset_min| {
            let clock = Clock {
                now: js_sys::Date::now() as i64,
                offset_min,
            };
            let hours = f64::from(offset_min) / 60.0;
            format!("{} (UTC{hours:+})", clock.time_now())
        })
    });

    view! {
        <details class="visitor-panel">
            <summary>{tr("About the visitor")}</summary>
            <dl>
                <dt>{tr("Name")}</dt>
                <dd class="visitor-name">{field(|d| Some(d.name.clone()))}</dd>
                <dt>{tr("E-mail")}</dt>
                <dd>{field(|d| d.contact.email.clone())}</dd>
                <dt>{tr("Identity")}</dt>
                <dd>{identity}</dd>
                <dt>{tr("Country")}</dt>
                <dd>{field(|d| d.country.clone())}</dd>
                <dt>{tr("Language")}</dt>
                <dd>{field(|d| Some(d.language.native_name().to_owned()))}</dd>
                <dt>{tr("Local time")}</dt>
                <dd>{local_time}</dd>
                <dt>{tr("Browser")}</dt>
                <dd>{field(|d| Some(trf("{} on {}", &[&d.browser, &d.os])))}</dd>
                <dt>{tr("Current page")}</dt>
                <dd class="current-page">{field(|d| page(d.pages.last()))}</dd>
                <dt>{tr("Started on")}</dt>
                <dd class="started-on">{field(|d| page(d.started_on.as_ref()))}</dd>
                <dt>{tr("Visits")}</dt>
                <dd>{field(|d| (d.visits > 0).then(|| d.visits.to_string()))}</dd>
                <dt>{tr("Earlier conversations")}</dt>
                <dd>
                    <span hidden=move || !previous.with(Vec::is_empty)>{tr("none")}</span>
                    <ul class="previous">
                        <For
                            each=move || previous.get()
                            key=|p| p.conversation.clone()
                            children=move |p| {
                                let id = p.conversation.clone();
                                view! {
                                    <li>
                                        <button type="button" on:click=move |_| desk.update(|d| d.open(&id))>
                                            {clock_and_date(p.created_at)}
                                        </button>
                                    </li>
                                }
                            }
                        />
                    </ul>
                </dd>
            </dl>
        </details>
    }
}

/// A page as the panel names it: its title and address.
fn page(page: Option<&PageView>) -> Option<String> {
    page.map(|p| {
        if p.title.is_empty() {
            p.url.clone()
        } else {
            format!("{} — {}", p.title, p.url)
        }
    })
}
