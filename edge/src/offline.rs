//! Messages visitors leave outside a channel's office hours: taken from
//! anyone (on a channel that accepts them, from a site it allows), listed
//! for the channel's operators in D1, where they outlive any conversation.

use charla_shared::api::{OfflineMessage, OfflineRead};
use charla_shared::protocol::ErrorCode;
use worker::{Request, Response};

use crate::channels;
use crate::error::{EdgeError, EdgeResult};
use crate::http::{json, origin, read_json};
use crate::internal;
use crate::limiter;
use crate::now;
use crate::router::Ctx;
use crate::store::Db;

/// `POST /api/channels/{channel}/offline` (anyone): keeps the message and
/// answers with its number. Refused, with the reason, on a channel that
/// takes none, from a site the channel does not allow, and for any field
/// out of its limits.
pub async fn leave(req: &mut Request, ctx: &Ctx<'_>) -> EdgeResult<Response> {
    limiter::address(ctx.env, req, 1.0).await?;
    let (db, channel) = channels::channel_of(ctx).await?;
    if !channel.security.allows(origin(req)?.as_deref()) {
        return Err(internal::origin_refused());
    }
    if !channel.options.offline_messages {
        return Err(EdgeError::refuse(
            ErrorCode::Forbidden,
            "This channel does not take messages outside its office hours.",
        ));
    }
    let message = read_json::<OfflineMessage>(req).await?.validated()?;
    let number = db
        .insert_offline_message(&channel.id, &message, now())
        .await?;
    json(201, &number)
}

/// `GET /api/channels/{channel}/offline` (its operators): newest first.
pub async fn list(ctx: &Ctx<'_>) -> EdgeResult<Response> {
    json(
        200,
        &Db::new(ctx.env)?.offline_messages(ctx.channel()?).await?,
    )
}

/// `PUT /api/channels/{channel}/offline/{id}` (its operators): read or
/// unread.
pub async fn mark(req: &mut Request, ctx: &Ctx<'_>) -> EdgeResult<Response> {
    let body: OfflineRead = read_json(req).await?;
    let id = ctx
        .matched
        .record
        .ok_or_else(|| EdgeError::Corrupt("offline message route without an id".into()))?;
    let channel = ctx.channel()?;
    if !Db::new(ctx.env)?
        .set_offline_read(channel, id, body.read)
        .await?
    {
        return Err(EdgeError::refuse(
            ErrorCode::NotFound,
            format!("The channel {channel} has no offline message {id}."),
        ));
    }
    json(200, &body)
}
