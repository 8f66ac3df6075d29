//! The Charla operator console: sign in, watch the channels' conversations
//! arrive, and answer several at once.
//!
//! It reuses the widget's networking ([`charla_widget::net`],
//! [`charla_widget::live`]) and message list ([`charla_widget::ui`]); what is
//! its own is the desk: the inbox and the panes.

mod app;
mod channels;
mod desk;
mod draft;
mod pane;
mod state;
mod storage;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
