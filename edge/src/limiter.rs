//! Rate limits per network address: one small Durable Object per address
//! holds a token bucket, like the workers chat demo's rate limiter.
//!
//! The bucket lives in memory. The object is evicted only after it has been
//! idle for a while, by which time the bucket would have filled up anyway,
//! so losing it costs nothing; a limit that must survive (a visitor's
//! messages) is kept in the conversation's storage instead.

use std::cell::RefCell;

use charla_shared::protocol::Problem;
use charla_shared::rate::Bucket;
use worker::{durable_object, wasm_bindgen, DurableObject, Env, Request, Response, State};

use crate::error::{EdgeError, EdgeResult};
use crate::http::json;
use crate::internal::{self, paths, Call};
use crate::{now, settings};

/// One network address's limiter.
#[durable_object]
pub struct AddressLimiter {
    env: Env,
    bucket: RefCell<Option<Bucket>>,
}

impl DurableObject for AddressLimiter {
    fn new(_state: State, env: Env) -> Self {
        AddressLimiter {
            env,
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
    fn take(&self, cost: f64) -> EdgeResult<Response> {
        let rate = settings::address_rate(&self.env);
        let at = now();
        let mut bucket = self.bucket.borrow_mut();
        let bucket = bucket.get_or_insert_with(|| rate.full(at));
        match bucket.take(rate, cost, at) {
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

/// Takes `cost` from the bucket of the address a request comes from
/// (Cloudflare's `CF-Connecting-IP`); refuses with 429 when it is empty.
pub async fn check(env: &Env, req: &Request, cost: f64) -> EdgeResult<()> {
    let address = req
        .headers()
        .get("cf-connecting-ip")?
        .unwrap_or_else(|| "unknown".into());
    let stub = internal::limiter(env, &address)?;
    let mut response = Call::post(paths::TAKE, &cost)?.send(&stub).await?;
    match response.status_code() {
        204 => Ok(()),
        429 => Err(EdgeError::Refused(response.json::<Problem>().await?)),
        status => Err(EdgeError::Corrupt(format!(
            "address limiter answered {status}"
        ))),
    }
}
