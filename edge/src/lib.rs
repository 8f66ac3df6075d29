//! The Charla edge, a Cloudflare Worker.
//!
//! The worker itself is stateless: it routes HTTP requests, checks operator
//! sessions against D1 and hands WebSockets to Durable Objects. Each
//! conversation is a [`Conversation`](conversation::Conversation) object that
//! stores its transcript in its own SQLite and relays messages; each channel
//! has an [`Inbox`](inbox::Inbox) object that operators subscribe to for the
//! live list of its conversations. Static files (the widget, the console and
//! the demo site) are served by the Workers assets binding before the worker
//! is reached.

mod auth;
mod canned;
mod channels;
mod chatbots;
mod clock;
mod conversation;
mod conversations;
mod crypto;
mod direct;
mod error;
mod files;
mod http;
mod inbox;
mod internal;
mod knowledge;
mod limiter;
mod mail;
mod model;
mod offline;
mod operators;
mod queue;
mod ratings;
mod router;
mod schema;
mod settings;
mod store;

use charla_shared::Millis;
use worker::{event, Context, Env, Request, Response};

pub use conversation::Conversation;
pub use inbox::Inbox;
pub use limiter::AddressLimiter;

/// Every request that is not a static asset arrives here.
#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> worker::Result<Response> {
    Ok(router::handle(req, env).await)
}

/// Runs once per isolate: panics are logged with their message.
#[event(start)]
fn start() {
    console_error_panic_hook::set_once();
}

/// The edge's clock (see [`clock`]).
pub(crate) fn now() -> Millis {
    clock::now()
}
