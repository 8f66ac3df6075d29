//! Limits read from the Worker's environment (`[vars]` in wrangler.toml,
//! overridable per deployment or with `wrangler dev --var`). Missing or
//! unreadable values fall back to the defaults in `charla_shared::limits`.
//! Also how outside services (mail, the language model) are configured:
//! a secret, or a variable of the same name.

use charla_shared::limits::{
    ADDRESS_RATE, SIGN_IN_ACCOUNT_RATE, SIGN_IN_ADDRESS_RATE, VISITOR_RATE,
};
use charla_shared::rate::Rate;
use worker::Env;

/// A setting kept as a secret (`wrangler secret put`) or, for local
/// development and tests, as a variable; `None` when unset or blank.
pub fn secret_or_var(env: &Env, name: &str) -> Option<String> {
    env.secret(name)
        .map(|s| s.to_string())
        .or_else(|_| env.var(name).map(|v| v.to_string()))
        .ok()
        .filter(|v| !v.trim().is_empty())
}

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
