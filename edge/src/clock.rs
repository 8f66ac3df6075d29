//! The edge's clock. A build with the `test-clock` feature (the one
//! `cargo xtask test` makes) lets an admin move it forward through
//! `PUT /api/test/clock`, so tests reach the decisions that depend on
//! time (an operator's inactivity, office hours) without waiting; every
//! other build (`cargo xtask dev`, `deploy`, `bench`) has no way to, and
//! answers that route with `404`.

use charla_shared::Millis;
use worker::Response;

use crate::error::EdgeResult;
use crate::router::Ctx;

/// Now, as the edge sees it.
pub fn now() -> Millis {
    worker::Date::now().as_millis() as Millis + moved::offset()
}

/// `PUT /api/test/clock` (admins): moves the clock forward by the body's
/// [`ClockAdvance`](charla_shared::api::ClockAdvance) in a test build.
pub async fn advance(req: &mut worker::Request, ctx: &Ctx<'_>) -> EdgeResult<Response> {
    moved::advance(req, ctx).await
}

#[cfg(feature = "test-clock")]
mod moved {
    //! How far tests moved the clock: one value per isolate, which local
    //! workerd shares between the worker and its objects.

    use std::sync::atomic::{AtomicI64, Ordering};

    use charla_shared::api::ClockAdvance;
    use charla_shared::Millis;
    use worker::Response;

    use crate::error::EdgeResult;
    use crate::http::{json, read_json};
    use crate::router::Ctx;

    static OFFSET: AtomicI64 = AtomicI64::new(0);

    pub fn offset() -> Millis {
        OFFSET.load(Ordering::Relaxed)
    }

    pub async fn advance(req: &mut worker::Request, _ctx: &Ctx<'_>) -> EdgeResult<Response> {
        let advance: ClockAdvance = read_json(req).await?;
        let by = advance.validated()?;
        OFFSET.fetch_add(by, Ordering::Relaxed);
        json(200, &())
    }
}

#[cfg(not(feature = "test-clock"))]
mod moved {
    //! A release build's clock is the runtime's.

    use charla_shared::protocol::ErrorCode;
    use charla_shared::Millis;
    use worker::Response;

    use crate::error::{EdgeError, EdgeResult};
    use crate::router::Ctx;

    pub fn offset() -> Millis {
        0
    }

    pub async fn advance(_req: &mut worker::Request, _ctx: &Ctx<'_>) -> EdgeResult<Response> {
        Err(EdgeError::refuse(
            ErrorCode::NotFound,
            "This edge has no test clock: only test builds can move it.",
        ))
    }
}
