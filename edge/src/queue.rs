//! The queue's routes: an operator takes a conversation, puts it back or
//! hands it to someone else, joins or leaves a channel's rotation; the
//! supervision view's figures. The worker checks who may call (the route
//! table) and passes the request on to the channel's inbox, which decides.

use charla_shared::api::{Duty, StaffRole, Transfer};
use charla_shared::protocol::{message_text, ErrorCode, Holder};
use worker::{Request, Response};

use crate::error::{EdgeError, EdgeResult};
use crate::http::{json, read_json};
use crate::internal::{self, paths, Call, DutyChange, Enqueue, Hold, HoldAction};
use crate::router::Ctx;
use crate::store::Db;

/// `POST /api/conversations/{id}/take` (the channel's operators).
pub async fn take(ctx: &Ctx<'_>) -> EdgeResult<Response> {
    hold(ctx, HoldAction::Take).await
}

/// `POST /api/conversations/{id}/release` (whoever holds it, or an admin).
pub async fn release(ctx: &Ctx<'_>) -> EdgeResult<Response> {
    hold(ctx, HoldAction::Release).await
}

/// `POST /api/conversations/{id}/transfer` (whoever holds it, or an
/// admin): the note is a message's size at most.
pub async fn transfer(req: &mut Request, ctx: &Ctx<'_>) -> EdgeResult<Response> {
    let transfer: Transfer = read_json(req).await?;
    let note = if transfer.note.trim().is_empty() {
        String::new()
    } else {
        message_text(&transfer.note)?
    };
    if transfer.to == ctx.staff()?.profile.id {
        return Err(EdgeError::refuse(
            ErrorCode::Invalid,
            "You hold this conversation already; transfer it to someone else.",
        ));
    }
    hold(
        ctx,
        HoldAction::Transfer {
            to: transfer.to,
            note,
        },
    )
    .await
}

/// `PUT /api/channels/{channel}/duty` (its operators): join or leave.
pub async fn duty(req: &mut Request, ctx: &Ctx<'_>) -> EdgeResult<Response> {
    let duty: Duty = read_json(req).await?;
    let channel = ctx.channel()?;
    let change = DutyChange {
        channel: channel.clone(),
        operator: ctx.staff()?.profile.id.clone(),
        on: duty.on,
    };
    Call::post(paths::DUTY, &change)?
        .expect(&internal::inbox(ctx.env, channel)?, 204)
        .await?;
    json(200, &())
}

/// `GET /api/channels/{channel}/supervision` (its operators).
pub async fn supervision(ctx: &Ctx<'_>) -> EdgeResult<Response> {
    let channel = ctx.channel()?;
    Call::get(format!("{}?channel={channel}", paths::SUPERVISE))
        .send(&internal::inbox(ctx.env, channel)?)
        .await
}

/// Passes an operator's action on a conversation to its channel's inbox;
/// a refusal (someone else holds it, the other operator is not online)
/// reaches the caller as it is.
async fn hold(ctx: &Ctx<'_>, action: HoldAction) -> EdgeResult<Response> {
    let id = ctx.conversation()?;
    let place = Db::new(ctx.env)?
        .conversation_place(id)
        .await?
        .ok_or_else(|| EdgeError::refuse(ErrorCode::NotFound, format!("No conversation {id}.")))?;
    if place.direct.is_some() {
        return Err(EdgeError::refuse(
            ErrorCode::Invalid,
            "A conversation between operators has no queue.",
        ));
    }
    let staff = ctx.staff()?;
    let hold = Hold {
        conversation: Enqueue {
            conversation: id.clone(),
            channel: place.channel.clone(),
        },
        by: Holder {
            id: staff.profile.id.clone(),
            name: staff.profile.shown_name().to_owned(),
            color: staff.profile.avatar_color.clone(),
        },
        admin: staff.profile.role == StaffRole::Admin,
        action,
    };
    let response = Call::post(paths::HOLD, &hold)?
        .send(&internal::inbox(ctx.env, &place.channel)?)
        .await?;
    if response.status_code() == 204 {
        return json(200, &());
    }
    Ok(response)
}
