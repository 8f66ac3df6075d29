//! A list of named things to pick one from, the current one marked: the
//! channels and the chatbots screens both start with one.

use leptos::prelude::*;

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
