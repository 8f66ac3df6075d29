//! The emoji button. The picker itself is a module of its own
//! (`widget/emoji`), which the loader imports the first time a visitor
//! presses the button, so none of it is in the widget's first download: the
//! button only hands itself and the message box to the loader's `emoji`
//! function, and the picker does the rest.

use leptos::html::{Button, Textarea};
use leptos::prelude::*;

use crate::host;

/// A button that opens and closes the picker, which puts the emoji picked
/// at the cursor of `input`.
#[component]
pub fn EmojiButton(
    /// The message box.
    input: NodeRef<Textarea>,
    /// The accessible name of the button and the picker.
    #[prop(into)]
    label: Signal<&'static str>,
) -> impl IntoView {
    let button = NodeRef::<Button>::new();
    let toggle = move |_| {
        if let (Some(button), Some(input)) = (button.get_untracked(), input.get_untracked()) {
            host::on_demand("emoji", &[button.into(), input.into()]);
        }
    };
    view! {
        <button
            type="button"
            class="charla-emoji-button"
            aria-label=label
            aria-expanded="false"
            node_ref=button
            on:click=toggle
        >
            "🙂"
        </button>
    }
}
