//! What every part of Charla agrees on: the wire protocol between browsers and
//! the edge, the ids it carries, the limits the edge enforces, and the pure
//! logic (transcript merging, inbox bookkeeping, password hash format) that the
//! widget, the console and the edge run alike.
//!
//! Architecture Invariant: this crate has no web, Leptos or worker
//! dependencies, so all of it is tested natively with `cargo test`.

pub mod agent;
pub mod api;
pub mod bot;
pub mod canned;
pub mod channel;
pub mod chat;
pub mod clock;
pub mod color;
pub mod command;
pub mod emoji;
pub mod files;
pub mod hours;
pub mod identity;
pub mod ids;
pub mod inbox;
pub mod knowledge;
pub mod limits;
pub mod links;
pub mod logs;
pub mod mention;
pub mod page_match;
pub mod password;
pub mod protocol;
pub mod rate;
pub mod rating;
pub mod routes;
pub mod routing;
pub mod transcript;

mod hex;

/// Milliseconds since the Unix epoch, as the edge's clock saw them.
pub type Millis = i64;
