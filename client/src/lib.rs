//! What the widget and the console share: talking to the edge ([`net`],
//! with JSON through the browser's own parser, [`json`]),
//! keeping a conversation live over a socket ([`live`]), the conversation
//! and connection state they show ([`chat`]), the message list and the
//! message box ([`ui`]), what they remember across reloads ([`storage`]),
//! rule patterns run with the browser's `RegExp` ([`pattern`]) and the
//! new-message chime ([`sound`]).
//!
//! Architecture Invariant: this crate depends on `charla-shared`, Leptos
//! and the browser only; the widget and the console depend on it and never
//! on each other.

pub mod chat;
pub mod json;
pub mod live;
pub mod net;
pub mod pattern;
pub mod sound;
pub mod storage;
pub mod ui;
