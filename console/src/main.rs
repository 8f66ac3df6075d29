//! The Charla operator console: sign in, watch the channels' conversations
//! arrive, and answer several at once.
//!
//! It shares its networking, live conversations and message list with the
//! widget through `charla-client`; what is its own is the desk (the inbox
//! and the panes) and the channel editor.

mod app;
mod bots;
mod canned;
mod channels;
mod chart;
mod dashboard;
mod desk;
mod draft;
mod pane;
mod pick;
mod ratings;
mod records;
mod script;
mod state;
mod storage;
mod visitor;

use charla_client::chat::StatusWords;

/// The console's status line.
const STATUS: StatusWords = StatusWords {
    connecting: "Connecting…",
    reconnecting: "Connection lost. Reconnecting… Your replies will be sent.",
    offline: "Offline. Your replies will be sent when you are back online.",
};

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
