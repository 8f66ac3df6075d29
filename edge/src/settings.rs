//! Settings read from the Worker's environment (`[vars]` in wrangler.toml,
//! overridable per deployment or with `wrangler dev --var`). Missing or
//! unreadable values fall back to the defaults here.

use charla_shared::rate::Rate;
use worker::Env;

/// Messages one visitor may send: a burst, then a steady rate.
const VISITOR_DEFAULT: Rate = Rate {
    burst: 20.0,
    per_minute: 60.0,
};

/// Costly requests (starting conversations, connecting, signing in) one
/// network address may make.
const ADDRESS_DEFAULT: Rate = Rate {
    burst: 30.0,
    per_minute: 60.0,
};

/// The visitor message limit (`VISITOR_BURST`, `VISITOR_PER_MINUTE`).
pub fn visitor_rate(env: &Env) -> Rate {
    rate(env, "VISITOR_BURST", "VISITOR_PER_MINUTE", VISITOR_DEFAULT)
}

/// The per-address request limit (`ADDRESS_BURST`, `ADDRESS_PER_MINUTE`).
pub fn address_rate(env: &Env) -> Rate {
    rate(env, "ADDRESS_BURST", "ADDRESS_PER_MINUTE", ADDRESS_DEFAULT)
}

fn rate(env: &Env, burst: &str, per_minute: &str, default: Rate) -> Rate {
    let read = |name: &str| env.var(name).ok().map(|v| v.to_string());
    Rate::from_settings(read(burst).as_deref(), read(per_minute).as_deref(), default)
}
