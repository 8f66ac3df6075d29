//! Rate limits kept outside any conversation: one small Durable Object per
//! bucket (a network address, or an account being signed in to) holds a
//! token bucket, like the workers chat demo's rate limiter.
//!
//! The bucket lives in memory. The object is evicted only after it has been
//! idle for a while, by which time the bucket would have filled up anyway,
//! so losing it costs nothing; a limit that must survive (a visitor's
//! messages) is kept in the conversation's storage instead.
//!
//! The address is Cloudflare's `CF-Connecting-IP`, which Cloudflare's
//! network sets on every request it passes to the worker. Locally, `wrangler
//! dev` fills it from the connection only when the client sent none (so that
//! developers can pretend to be elsewhere); README.md's security section
//! says what that means.

use std::cell::RefCell;

use charla_shared::protocol::Problem;
use charla_shared::rate::{Bucket, Rate};
use worker::{durable_object, wasm_bindgen, DurableObject, Env, Request, Response, State};

use crate::error::{EdgeError, EdgeResult};
use crate::http::json;
use crate::internal::{self, paths, Call, Take};
use crate::{now, settings};

/// One bucket's limiter. (The class keeps its first name, which its
/// Durable Object migration recorded.)
#[durable_object]
pub struct AddressLimiter {
    bucket: RefCell<Option<Bucket>>,
}

impl DurableObject for AddressLimiter {
    fn new(_state: State, _env: Env) -> Self {
        AddressLimiter {
            bucket: RefCell::new(None),
        }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        internal::respond(match req.path().as_str() {
            paths::TAKE => async { self.take(internal::body(&mut req).await?) }.await,
            other => Err(EdgeError::Corrupt(format!("no internal path {other}"))),
        })
    }
}

impl AddressLimiter {
    fn take(&self, take: Take) -> EdgeResult<Response> {
        let at = now();
        let mut bucket = self.bucket.borrow_mut();
        let bucket = bucket.get_or_insert_with(|| take.rate.full(at));
        match bucket.take(take.rate, take.cost, at) {
            Ok(()) => Ok(Response::empty()?.with_status(204)),
            Err(wait) => json(
                429,
                &Problem::rate_limited(
                    "Too many requests from your network. Try again in a little while.",
                    wait,
                ),
            ),
        }
    }
}

/// Takes `cost` from the bucket of the address a request comes from;
/// refuses with 429 when it is empty. Starting conversations and visitor
/// connections share this bucket.
pub async fn address(env: &Env, req: &Request, cost: f64) -> EdgeResult<()> {
    let address = client_address(req)?;
    take(
        env,
        &format!("address:{address}"),
        settings::address_rate(env),
        cost,
    )
    .await
}

/// Counts a sign-in attempt against its own buckets: one per address and
/// one per account, so that other traffic cannot lock an admin out and one
/// password cannot be guessed from many addresses at full speed.
pub async fn sign_in(env: &Env, req: &Request, email: &str) -> EdgeResult<()> {
    let address = client_address(req)?;
    take(
        env,
        &format!("sign-in:{address}"),
        settings::sign_in_address_rate(env),
        1.0,
    )
    .await?;
    let account = email.trim().to_lowercase();
    take(
        env,
        &format!("account:{account}"),
        settings::sign_in_account_rate(env),
        1.0,
    )
    .await
}

async fn take(env: &Env, bucket: &str, rate: Rate, cost: f64) -> EdgeResult<()> {
    if rate.is_unlimited() {
        return Ok(());
    }
    let stub = internal::limiter(env, bucket)?;
    let mut response = Call::post(paths::TAKE, &Take { rate, cost })?
        .send(&stub)
        .await?;
    match response.status_code() {
        204 => Ok(()),
        429 => Err(EdgeError::Refused(response.json::<Problem>().await?)),
        status => Err(EdgeError::Corrupt(format!("limiter answered {status}"))),
    }
}

fn client_address(req: &Request) -> EdgeResult<String> {
    Ok(req
        .headers()
        .get("cf-connecting-ip")?
        .unwrap_or_else(|| "unknown".into()))
}
