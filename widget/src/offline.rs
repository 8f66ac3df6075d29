//! Outside office hours: the channel's out-of-hours message and, when the
//! channel takes them, a form to leave a message with an e-mail address;
//! also under a conversation handed to people while nobody is on duty.
//! The browser's own form checks (required fields, an e-mail address, the
//! lengths the edge allows) speak the visitor's language; the edge checks
//! again and its refusal shows beside the button.

use std::rc::Rc;

use charla_shared::limits::{MAX_EMAIL_CHARS, MAX_MESSAGE_CHARS, MAX_NAME_CHARS};
use leptos::html::{Input, Textarea};
use leptos::prelude::*;

use crate::controller::Controller;
use crate::state::OfflineForm;
use crate::texts::{say, texts};

/// The out-of-hours message, and the offline form when the channel takes
/// messages.
#[component]
pub fn OutOfHours(
    controller: Rc<Controller>,
    /// The out-of-hours message in the visitor's language.
    #[prop(into)]
    message: Signal<String>,
    /// The text above the form.
    #[prop(into)]
    prompt: Signal<String>,
) -> impl IntoView {
    let state = controller.state;
    let config = controller.config;
    let language = controller.language;
    let t = move || texts(language.get());
    let takes_messages = move || config.with(|c| c.as_ref().is_some_and(|c| c.offline_messages));
    let offline = Memo::new(move |_| state.with(|s| s.offline().clone()));
    let name = NodeRef::<Input>::new();
    let email = NodeRef::<Input>::new();
    let text = NodeRef::<Textarea>::new();
    let leave = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let value =
            |input: NodeRef<Input>| input.get_untracked().map(|i| i.value()).unwrap_or_default();
        let written = text.get_untracked().map(|t| t.value()).unwrap_or_default();
        controller.leave_message(value(name), value(email), written);
    };
    view! {
        <div class="charla-closed" hidden=move || !state.with(|s| s.offers_offline_form())>
            <p class="charla-closed-message" hidden=move || message.with(String::is_empty)>
                {message}
            </p>
            <form
                class="charla-offline"
                hidden=move || !takes_messages() || offline.get() == OfflineForm::Sent
                on:submit=leave
            >
                <p>{prompt}</p>
                <label for="charla-offline-name">{say(language, |t| t.your_name)}</label>
                <input
                    id="charla-offline-name"
                    autocomplete="name"
                    required
                    maxlength=MAX_NAME_CHARS
                    node_ref=name
                />
                <label for="charla-offline-email">{say(language, |t| t.your_email)}</label>
                <input
                    id="charla-offline-email"
                    type="email"
                    autocomplete="email"
                    required
                    maxlength=MAX_EMAIL_CHARS
                    node_ref=email
                />
                <label for="charla-offline-text">{say(language, |t| t.message_label)}</label>
                <textarea
                    id="charla-offline-text"
                    rows="4"
                    required
                    maxlength=MAX_MESSAGE_CHARS
                    node_ref=text
                ></textarea>
                <button type="submit" disabled=move || offline.get() == OfflineForm::Sending>
                    {say(language, |t| t.leave_message)}
                </button>
            </form>
            <p class="charla-offline-status" role="status">
                {move || match offline.get() {
                    OfflineForm::Sent => t().message_left.to_owned(),
                    OfflineForm::Refused(why) => why,
                    OfflineForm::Writing | OfflineForm::Sending => String::new(),
                }}
            </p>
        </div>
    }
}
