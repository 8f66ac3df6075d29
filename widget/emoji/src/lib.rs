//! The widget's emoji picker, a WebAssembly module of its own so that no
//! visitor downloads it before they open it: the widget's emoji button asks
//! the loader (`widget/loader/widget.js`) for it, and the loader imports this
//! module once and calls [`toggle`] on every press.
//!
//! It works on the widget's own elements: the picker is a group of buttons
//! placed right after the emoji button. Picking one puts it at the message
//! box's cursor and tells the box with an `input` event, as typing would;
//! Escape closes the picker and gives focus back to the button.

use wasm_bindgen::prelude::*;
use web_sys::{Element, Event, EventInit, HtmlElement, HtmlTextAreaElement, KeyboardEvent};

/// Opens the picker beside `button`, making it the first time, or closes it.
#[wasm_bindgen]
pub fn toggle(button: HtmlElement, input: HtmlTextAreaElement) {
    let made = button
        .next_element_sibling()
        .filter(|next| next.class_name() == PICKER_CLASS)
        .map(JsCast::unchecked_into::<HtmlElement>);
    let Some(picker) = made.or_else(|| make(&button, input)) else {
        return;
    };
    if picker.hidden() {
        open(&button, &picker);
    } else {
        close(&button, &picker);
    }
}

/// The emoji on offer: faces, gestures, and what a shop's visitors write
/// about (parcels, payments, dates, calls).
const SET: [&str; 40] = [
    "😀", "😂", "😊", "😍", "🤔", "😅", "😢", "😮", "😡", "😴", "👍", "👎", "👏", "🙏", "🙌", "👋",
    "💪", "🤝", "❤️", "🎉", "✨", "🔥", "⭐", "✅", "❌", "⚠️", "❓", "💡", "📦", "🚚", "💳", "🛒",
    "☕", "🎁", "📅", "⏰", "📞", "📧", "🔒", "🏠",
];

/// The picker's class, which the widget's stylesheet places and sizes.
const PICKER_CLASS: &str = "charla-emoji-picker";

/// Makes the picker, hidden, after `button`, with one click handler for all
/// its emoji and one key handler.
fn make(button: &HtmlElement, input: HtmlTextAreaElement) -> Option<HtmlElement> {
    let document = button.owner_document()?;
    let picker: HtmlElement = document.create_element("div").ok()?.unchecked_into();
    picker.set_class_name(PICKER_CLASS);
    picker.set_attribute("role", "group").ok()?;
    picker.set_hidden(true);
    for emoji in SET {
        let choice = document.create_element("button").ok()?;
        choice.set_attribute("type", "button").ok()?;
        choice.set_text_content(Some(emoji));
        picker.append_child(&choice).ok()?;
    }
    button.after_with_node_1(&picker).ok()?;

    let (owner, shown) = (button.clone(), picker.clone());
    let pick = Closure::<dyn Fn(Event)>::new(move |event: Event| {
        let chosen = event
            .target()
            .and_then(|target| target.dyn_into::<Element>().ok())
            .filter(|target| target.tag_name() == "BUTTON")
            .and_then(|choice| choice.text_content());
        if let Some(emoji) = chosen {
            insert(&input, &emoji);
            close(&owner, &shown);
            let _ = input.focus();
        }
    });
    let (owner, shown) = (button.clone(), picker.clone());
    let keys = Closure::<dyn Fn(KeyboardEvent)>::new(move |event: KeyboardEvent| {
        if event.key() == "Escape" {
            // The widget closes its window on Escape; here it only closes
            // the picker.
            event.stop_propagation();
            close(&owner, &shown);
            let _ = owner.focus();
        }
    });
    picker
        .add_event_listener_with_callback("click", pick.as_ref().unchecked_ref())
        .ok()?;
    picker
        .add_event_listener_with_callback("keydown", keys.as_ref().unchecked_ref())
        .ok()?;
    // The picker lives as long as the widget's message box: so do they.
    pick.forget();
    keys.forget();
    Some(picker)
}

/// Shows the picker, named like its button (whose name follows the
/// visitor's language), and puts focus on its first emoji.
fn open(button: &HtmlElement, picker: &HtmlElement) {
    if let Some(name) = button.get_attribute("aria-label") {
        let _ = picker.set_attribute("aria-label", &name);
    }
    picker.set_hidden(false);
    let _ = button.set_attribute("aria-expanded", "true");
    if let Some(first) = picker
        .first_element_child()
        .and_then(|first| first.dyn_into::<HtmlElement>().ok())
    {
        let _ = first.focus();
    }
}

fn close(button: &HtmlElement, picker: &HtmlElement) {
    picker.set_hidden(true);
    let _ = button.set_attribute("aria-expanded", "false");
}

/// Puts `emoji` in place of the message box's selection (or at its cursor),
/// the cursor after it, and tells the box's listeners.
fn insert(input: &HtmlTextAreaElement, emoji: &str) {
    let length = input.value().encode_utf16().count() as u32;
    let end = input.selection_end().ok().flatten().unwrap_or(length);
    let start = input.selection_start().ok().flatten().unwrap_or(end);
    let _ = input.set_range_text_with_start_and_end_and_mode(emoji, start, end, "end");
    let init = EventInit::new();
    init.set_bubbles(true);
    if let Ok(typed) = Event::new_with_event_init_dict("input", &init) {
        let _ = input.dispatch_event(&typed);
    }
}
