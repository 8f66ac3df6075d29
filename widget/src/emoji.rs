//! The emoji button and its picker. The set is a small file the edge serves
//! ([`EMOJI_SET`]), fetched the first time the picker opens, so it is never
//! part of the widget's first download. Its buttons are made with plain DOM
//! calls and share one click handler: a keyed Leptos list would add several
//! kilobytes to the widget for forty static buttons.

use charla_client::net::Edge;
use charla_client::ui::insert_at_cursor;
use charla_shared::routes::EMOJI_SET;
use leptos::html::{Div, Textarea};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// A button that opens the picker; picking an emoji puts it at the cursor
/// of `input` and closes the picker.
#[component]
pub fn EmojiPicker(
    /// The edge that serves the set.
    edge: Edge,
    /// The message box.
    input: NodeRef<Textarea>,
    /// The accessible name of the button and the picker.
    #[prop(into)]
    label: Signal<&'static str>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let picker = NodeRef::<Div>::new();
    let toggle = move |_| {
        let opening = !open.get_untracked();
        open.set(opening);
        let Some(picker) = picker.get_untracked() else {
            return;
        };
        if opening && picker.child_element_count() == 0 {
            let edge = edge.clone();
            leptos::task::spawn_local(async move {
                match edge.get::<Vec<String>>(EMOJI_SET).await {
                    Ok(set) => fill(&picker, &set),
                    Err(_) => open.set(false),
                }
            });
        }
    };
    let pick = move |event: leptos::ev::MouseEvent| {
        let emoji = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::HtmlButtonElement>().ok())
            .and_then(|button| button.text_content());
        if let Some(emoji) = emoji {
            insert_at_cursor(input, &emoji);
            open.set(false);
            if let Some(area) = input.get_untracked() {
                let _ = area.focus();
            }
        }
    };
    view! {
        <button
            type="button"
            class="charla-emoji-button"
            aria-label=label
            aria-expanded=move || open.get().to_string()
            on:click=toggle
        >
            "🙂"
        </button>
        <div
            class="charla-emoji-picker"
            role="group"
            aria-label=label
            hidden=move || !open.get()
            node_ref=picker
            on:click=pick
        ></div>
    }
}

/// Puts a button per emoji in the picker, as text.
fn fill(picker: &web_sys::HtmlDivElement, set: &[String]) {
    let Some(document) = picker.owner_document() else {
        return;
    };
    for emoji in set {
        if let Ok(button) = document.create_element("button") {
            let _ = button.set_attribute("type", "button");
            button.set_text_content(Some(emoji));
            let _ = picker.append_child(&button);
        }
    }
}
