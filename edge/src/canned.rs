//! Canned responses: a channel's operators read the channel's list with
//! the global one; admins replace either. A list is checked as a whole and
//! every problem is reported at once.

use charla_shared::canned::{self, Canned, CannedLists};
use worker::{Request, Response};

use crate::error::{EdgeError, EdgeResult};
use crate::http::{json, read_json};
use crate::router::Ctx;
use crate::store::{Db, GLOBAL_SCOPE};

/// `GET /api/channels/{channel}/canned` (its operators).
pub async fn lists(ctx: &Ctx<'_>) -> EdgeResult<Response> {
    let db = Db::new(ctx.env)?;
    json(
        200,
        &CannedLists {
            channel: db.canned(ctx.channel()?.as_str()).await?,
            global: db.canned(GLOBAL_SCOPE).await?,
        },
    )
}

/// `PUT /api/channels/{channel}/canned` (admins): replaces the channel's
/// list; answers with it as saved.
pub async fn save(req: &mut Request, ctx: &Ctx<'_>) -> EdgeResult<Response> {
    let scope = ctx.channel()?.as_str().to_owned();
    save_scope(req, ctx, &scope).await
}

/// `PUT /api/canned` (admins): replaces the list every channel shares.
pub async fn save_global(req: &mut Request, ctx: &Ctx<'_>) -> EdgeResult<Response> {
    save_scope(req, ctx, GLOBAL_SCOPE).await
}

async fn save_scope(req: &mut Request, ctx: &Ctx<'_>, scope: &str) -> EdgeResult<Response> {
    let list: Vec<Canned> = read_json(req).await?;
    let list = canned::validate(list).map_err(EdgeError::Refused)?;
    Db::new(ctx.env)?.save_canned(scope, &list).await?;
    json(200, &list)
}
