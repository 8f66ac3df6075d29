//! A list of named things to pick one from, the current one marked, and
//! the form that creates one (a name and an id): the channels and the
//! chatbots screens both start with them. And the channel a report shows.

use charla_shared::api::ChannelSummary;
use charla_shared::ids::ChannelId;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::words::tr;

/// The buttons of a list; clicking one selects its id.
#[component]
pub fn PickList<Id>(
    /// Each item's id and name, in order.
    #[prop(into)]
    items: Signal<Vec<(Id, String)>>,
    /// The selected item.
    selected: RwSignal<Option<Id>>,
) -> impl IntoView
where
    Id: Clone + PartialEq + Eq + std::hash::Hash + Send + Sync + 'static,
{
    view! {
        <ul>
            <For
                each=move || items.get()
                key=|(id, name)| (id.clone(), name.clone())
                children=move |(id, name)| {
                    let current = id.clone();
                    view! {
                        <li>
                            <button
                                type="button"
                                aria-current=move || {
                                    (selected.get().as_ref() == Some(&current)).then_some("page")
                                }
                                on:click=move |_| selected.set(Some(id.clone()))
                            >
                                {name}
                            </button>
                        </li>
                    }
                }
            />
        </ul>
    }
}

/// The form that creates a named thing with a slug id.
/// A report's channel: its label and select; picking one sets `channel`.
#[component]
pub fn ChannelSelect(
    /// The select's id.
    id: &'static str,
    /// The channels to choose from.
    channels: Vec<ChannelSummary>,
    /// The one chosen.
    channel: RwSignal<Option<ChannelId>>,
) -> impl IntoView {
    view! {
        <label for=id>{tr("Channel")}</label>
        <select id=id on:change=move |e| channel.set(ChannelId::parse(event_target_value(&e)).ok())>
            {channels
                .into_iter()
                .map(|c| view! { <option value=c.id.to_string()>{c.name}</option> })
                .collect_view()}
        </select>
    }
}

#[component]
pub fn NewNamedForm(
    /// The form's heading.
    title: &'static str,
    /// Prefix of the fields' ids.
    prefix: &'static str,
    name: RwSignal<String>,
    id: RwSignal<String>,
    /// The last refusal.
    error: RwSignal<Option<String>>,
    /// Creates it.
    submit: impl Fn(SubmitEvent) + 'static,
) -> impl IntoView {
    view! {
        <form class="new-channel" on:submit=submit>
            <h3>{title}</h3>
            <label for=format!("{prefix}-name")>{tr("Name")}</label>
            <input
                id=format!("{prefix}-name")
                required
                prop:value=name
                on:input=move |e| name.set(event_target_value(&e))
            />
            <label for=format!("{prefix}-id")>{tr("Id (a-z, 0-9, -)")}</label>
            <input
                id=format!("{prefix}-id")
                required
                pattern="[a-z0-9-]{1,40}"
                prop:value=id
                on:input=move |e| id.set(event_target_value(&e))
            />
            <p class="error" role="alert">{move || error.get()}</p>
            <button type="submit">{tr("Create")}</button>
        </form>
    }
}
