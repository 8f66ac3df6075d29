//! Limits read from the Worker's environment (`[vars]` in wrangler.toml,
//! overridable per deployment or with `wrangler dev --var`). Missing or
//! unreadable values fall back to the defaults in `charla_shared::limits`.

use charla_shared::limits::{
    ADDRESS_RATE, SIGN_IN_ACCOUNT_RATE, SIGN_IN_ADDRESS_RATE, VISITOR_RATE,
};
use charla_shared::rate::Rate;
use worker::Env;

/// The visitor message limit (`VISITOR_BURST`, `VISITOR_PER_MINUTE`).
pub fn visitor_rate(env: &Env) -> Rate {
    rate(env, "VISITOR_BURST", "VISITOR_PER_MINUTE", VISITOR_RATE)
}

/// The per-address request limit (`ADDRESS_BURST`, `ADDRESS_PER_MINUTE`).
pub fn address_rate(env: &Env) -> Rate {
    rate(env, "ADDRESS_BURST", "ADDRESS_PER_MINUTE", ADDRESS_RATE)
}

/// Sign-ins per address (`SIGN_IN_BURST`, `SIGN_IN_PER_MINUTE`).
pub fn sign_in_address_rate(env: &Env) -> Rate {
    rate(
        env,
        "SIGN_IN_BURST",
        "SIGN_IN_PER_MINUTE",
        SIGN_IN_ADDRESS_RATE,
    )
}

/// Sign-ins per account (`ACCOUNT_SIGN_IN_BURST`, `ACCOUNT_SIGN_IN_PER_MINUTE`).
pub fn sign_in_account_rate(env: &Env) -> Rate {
    rate(
        env,
        "ACCOUNT_SIGN_IN_BURST",
        "ACCOUNT_SIGN_IN_PER_MINUTE",
        SIGN_IN_ACCOUNT_RATE,
    )
}

fn rate(env: &Env, burst: &str, per_minute: &str, default: Rate) -> Rate {
    let read = |name: &str| env.var(name).ok().map(|v| v.to_string());
    Rate::from_settings(read(burst).as_deref(), read(per_minute).as_deref(), default)
}
