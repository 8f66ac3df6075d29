//! The Charla operator console: sign in, watch the channels' conversations
//! arrive, and answer several at once.
//!
//! It shares its networking, live conversations and message list with the
//! widget through `charla-client`; what is its own is the desk (the inbox
//! and the panes) and the channel editor.

mod accounts;
mod app;
mod articles;
mod bots;
mod canned;
mod channels;
mod chart;
mod dashboard;
mod desk;
mod draft;
mod figures;
mod model;
mod offline;
mod pane;
mod pick;
mod queue;
mod ratings;
mod records;
mod script;
mod state;
mod storage;
mod visitor;
mod words;

fn main() {
    console_error_panic_hook::set_once();
    words::init();
    leptos::mount::mount_to_body(app::App);
}
