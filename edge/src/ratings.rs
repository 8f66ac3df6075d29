//! Ratings and figures over many conversations, read from D1: the ratings
//! report (and its CSV), the "visible internally only" mark, the
//! dashboard's figures, and a channel's published ratings page. Every
//! figure is computed by `charla_shared::rating`, so the report, the page
//! and the dashboard agree.

use charla_shared::api::RatingVisibility;
use charla_shared::limits::{MAX_STATS_DAYS, PUBLIC_LAST_RATINGS};
use charla_shared::protocol::ErrorCode;
use charla_shared::rating::{self, ChannelStats, RatingFilter, DAY_MS};
use worker::{Headers, Request, Response};

use crate::error::{EdgeError, EdgeResult};
use crate::http::{json, query, read_json};
use crate::internal;
use crate::router::Ctx;
use crate::store::Db;

/// `GET /api/channels/{channel}/ratings` (its operators): the ratings that
/// pass the query's filter, newest first, hidden ones included.
pub async fn list(ctx: &Ctx<'_>) -> EdgeResult<Response> {
    let filter = filter(ctx)?;
    json(
        200,
        &Db::new(ctx.env)?.ratings(ctx.channel()?, &filter).await?,
    )
}

/// `GET /api/channels/{channel}/ratings.csv` (its operators): the same as
/// a CSV file.
pub async fn csv(ctx: &Ctx<'_>) -> EdgeResult<Response> {
    let filter = filter(ctx)?;
    let channel = ctx.channel()?;
    let records = Db::new(ctx.env)?.ratings(channel, &filter).await?;
    let headers = Headers::new();
    headers.set("content-type", "text/csv; charset=utf-8")?;
    headers.set(
        "content-disposition",
        &format!("attachment; filename=\"ratings-{channel}.csv\""),
    )?;
    Ok(Response::ok(rating::csv(&records))?.with_headers(headers))
}

/// `PUT /api/channels/{channel}/ratings/{id}/visibility` (admins): keeps a
/// rating off the public page, or puts it back.
pub async fn set_visibility(req: &mut Request, ctx: &Ctx<'_>) -> EdgeResult<Response> {
    let body: RatingVisibility = read_json(req).await?;
    let id = ctx
        .matched
        .record
        .ok_or_else(|| EdgeError::Corrupt("rating route without an id".into()))?;
    let channel = ctx.channel()?;
    if !Db::new(ctx.env)?
        .set_rating_hidden(channel, id, body.hidden)
        .await?
    {
        return Err(EdgeError::refuse(
            ErrorCode::NotFound,
            format!("The channel {channel} has no rating {id}."),
        ));
    }
    json(200, &body)
}

/// `GET /api/channels/{channel}/stats?today=…&days=…` (its operators): the
/// figures of each day, `today` being the reader's midnight.
pub async fn stats(ctx: &Ctx<'_>) -> EdgeResult<Response> {
    let bad = |what: &str| EdgeError::refuse(ErrorCode::Invalid, what.to_owned());
    let today = query(ctx.url, "today")
        .and_then(|t| t.parse::<i64>().ok())
        .filter(|t| (0..=i64::MAX / 2).contains(t))
        .ok_or_else(|| bad("`today` must be the reader's midnight, in milliseconds since 1970."))?;
    let days = query(ctx.url, "days")
        .and_then(|d| d.parse::<usize>().ok())
        .filter(|d| (1..=MAX_STATS_DAYS).contains(d))
        .ok_or_else(|| {
            EdgeError::refuse(
                ErrorCode::Invalid,
                format!("`days` must be 1 to {MAX_STATS_DAYS}."),
            )
        })?;
    let since = today - DAY_MS * (days as i64 - 1);
    let conversations = Db::new(ctx.env)?
        .conversation_stats(ctx.channel()?, since)
        .await?;
    json(
        200,
        &ChannelStats {
            days: rating::daily(&conversations, today, days),
        },
    )
}

/// `GET /stats/{channel}`: the channel's ratings page, once an admin has
/// published it; before that it does not exist.
pub async fn public_page(ctx: &Ctx<'_>) -> EdgeResult<Response> {
    let id = ctx.channel()?;
    let db = Db::new(ctx.env)?;
    let channel = db
        .channel(id)
        .await?
        .filter(|c| c.options.publish_ratings)
        .ok_or_else(|| internal::no_channel(id))?;
    let records = db.ratings(id, &RatingFilter::default()).await?;
    let page = rating::public_page(
        &channel.name,
        &rating::public_stats(&records, PUBLIC_LAST_RATINGS),
    );
    let headers = Headers::new();
    headers.set("content-type", "text/html; charset=utf-8")?;
    headers.set("cache-control", "no-cache")?;
    Ok(Response::ok(page)?.with_headers(headers))
}

fn filter(ctx: &Ctx<'_>) -> EdgeResult<RatingFilter> {
    Ok(RatingFilter::from_query(|name| query(ctx.url, name))?)
}
