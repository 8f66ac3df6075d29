//! Conversation endpoints: starting one, joining it over a WebSocket, and
//! what operators do with it (read the transcript, revoke the visitor).

use charla_shared::agent::browser_and_os;
use charla_shared::api::{ConversationCreated, CreateConversation, Transcript};
use charla_shared::channel::ChatMode;
use charla_shared::identity;
use charla_shared::ids::ChannelId;
use charla_shared::ids::{ConversationId, Seq, VisitorToken};
use charla_shared::limits::FILE_REQUEST_COST;
use charla_shared::protocol::{Contact, ErrorCode};
use charla_shared::routes::{Matched, RouteName};
use worker::{Env, Request, Response, Url};

use crate::auth::{self, Staff};
use crate::channels::request_country;
use crate::crypto::{random_bytes, token_digest};
use crate::error::{EdgeError, EdgeResult};
use crate::http::{expect_same_origin, expect_websocket, json, origin, query, read_json};
use crate::internal::{self, paths, Admission, Availability, Call, NewConversation, StaffSession};
use crate::limiter;
use crate::now;
use crate::router::{Caller, Ctx};
use crate::store::{Channel, Db};

/// `POST /api/conversations`: checks the page's origin and the visitor's
/// identity against the channel, then creates the conversation object.
pub async fn create(req: &mut Request, ctx: &Ctx<'_>) -> EdgeResult<Response> {
    limiter::address(ctx.env, req, 1.0).await?;
    let body: CreateConversation = read_json(req).await?;
    let db = Db::new(ctx.env)?;
    let channel = db
        .channel(&body.channel)
        .await?
        .ok_or_else(|| internal::no_channel(&body.channel))?;
    if !channel.security.allows(origin(req)?.as_deref()) {
        return Err(internal::origin_refused());
    }
    let visitor = body.visitor.validated()?;
    let verified_user =
        match (&visitor.user_id, &visitor.user_hash) {
            (Some(user), Some(hash)) if identity::verify(&channel.identity_secret, user, hash) => {
                Some(user.clone())
            }
            (Some(_), Some(_)) => return Err(EdgeError::refuse(
                ErrorCode::Forbidden,
                "The visitor's identity could not be verified: user_hash does not sign user_id.",
            )),
            _ => None,
        };
    if channel.security.require_identity && verified_user.is_none() {
        return Err(EdgeError::refuse(
            ErrorCode::Forbidden,
            "This channel only talks to signed-in visitors: identify them with user_id and user_hash.",
        ));
    }
    if !channel.options.answering(now()) {
        return Err(EdgeError::refuse(
            ErrorCode::Closed,
            "This channel is outside its office hours: nobody takes new conversations now.",
        ));
    }
    let bot = match chatbot_for(ctx.env, &channel, body.chatbot.as_deref()).await? {
        Some(id) => db.chatbot(&id).await?.map(|chatbot| (id, chatbot)),
        None => None,
    };
    // Without a chatbot to answer first, the conversation goes straight to
    // the queue: a full one takes nobody more.
    if bot.is_none() && queue_is_full(ctx.env, &channel).await? {
        return Err(EdgeError::refuse(
            ErrorCode::Busy,
            "Every operator is busy and the queue is full; try again in a few minutes.",
        ));
    }
    let id = ConversationId::from_random(random_bytes()?);
    let token = VisitorToken::from_random(random_bytes()?);
    let created_at = now();
    db.insert_conversation(&id, &channel.id, body.visitor_key.as_ref(), created_at)
        .await?;
    let agent = req.headers().get("user-agent")?.unwrap_or_default();
    let (browser, os) = browser_and_os(&agent);
    let init = NewConversation {
        id: id.clone(),
        channel: channel.id,
        token_digest: token_digest(token.as_str()),
        visitor: visitor
            .name
            .unwrap_or_else(|| format!("Visitor {}", id.as_str()[..4].to_uppercase())),
        contact: Contact {
            email: visitor.email,
            verified_user,
        },
        bot,
        language: body.language.unwrap_or(channel.options.fallback_language),
        mode: channel.options.mode,
        security: channel.security,
        created_at,
        country: request_country(req, ctx)?,
        browser: browser.to_owned(),
        os: os.to_owned(),
        members: Vec::new(),
    };
    Call::post(paths::INIT, &init)?
        .expect(&internal::conversation(ctx.env, &id)?, 201)
        .await?;
    json(
        201,
        &ConversationCreated {
            conversation: id,
            token,
        },
    )
}

/// Who may open a conversation socket: someone with a visitor token (the
/// page's origin and the channel's rules travel along, and the object
/// compares the token's digest with its own; one indexed D1 read per
/// connection, none per message), or an operator of its channel.
pub async fn admission(
    req: &Request,
    env: &Env,
    url: &Url,
    matched: &Matched,
) -> EdgeResult<Caller> {
    let id = matched
        .conversation
        .as_ref()
        .ok_or_else(|| EdgeError::Corrupt("socket route without a conversation".into()))?;
    let db = Db::new(env)?;
    if let Some(token) = query(url, "token") {
        let cost = match matched.route.name {
            RouteName::UploadFile | RouteName::File => FILE_REQUEST_COST,
            _ => 1.0,
        };
        limiter::address(env, req, cost).await?;
        // An unknown conversation is refused like a wrong token: a token
        // holder learns nothing about other ids.
        let security = db
            .conversation_access(id)
            .await?
            .ok_or_else(internal::token_refused)?;
        return Ok(Caller::Participant(Admission::Visitor {
            token_digest: token_digest(&token),
            origin: origin(req)?,
            security,
        }));
    }
    if req.headers().has("cookie")? || req.headers().has("authorization")? {
        expect_same_origin(req, url)?;
        let staff = auth::staff(req, &db, now()).await?;
        auth::require_own_password(&staff)?;
        authorize(&db, &staff, id).await?;
        return Ok(Caller::Participant(Admission::Operator(session_of(staff))));
    }
    Err(internal::token_refused())
}

/// `GET /api/conversations/{id}/socket`: hands the socket to the
/// conversation object, which has the last word on who may hold it.
pub async fn connect(req: &Request, ctx: &Ctx<'_>) -> EdgeResult<Response> {
    expect_websocket(req, ctx.url)?;
    let after = match query(ctx.url, "after") {
        None => Seq(0),
        Some(after) => Seq::parse(&after).map_err(|e| {
            EdgeError::refuse(ErrorCode::Invalid, format!("`after` must be {}.", e.rule))
        })?,
    };
    let Caller::Participant(admission) = &ctx.caller else {
        return Err(EdgeError::Corrupt("socket without an admission".into()));
    };
    let id = ctx.conversation()?;
    let response = Call::upgrade(format!("{}?after={after}", paths::CONNECT), admission)?
        .send(&internal::conversation(ctx.env, id)?)
        .await?;
    if let (101, Admission::Operator(session)) = (response.status_code(), admission) {
        // Signing out finds this socket through this row.
        Db::new(ctx.env)?
            .record_operator_socket(session, id, now())
            .await?;
    }
    Ok(response)
}

/// `GET /api/conversations/{id}/transcript`.
pub async fn transcript(ctx: &Ctx<'_>) -> EdgeResult<Response> {
    let mut response = Call::get(paths::TRANSCRIPT)
        .expect(&internal::conversation(ctx.env, ctx.conversation()?)?, 200)
        .await?;
    let transcript: Transcript = response.json().await?;
    json(200, &transcript)
}

/// `GET /api/conversations/{id}/previous` (operators of its channel): the
/// visitor's earlier conversations on the channel, newest first.
pub async fn previous(ctx: &Ctx<'_>) -> EdgeResult<Response> {
    json(
        200,
        &Db::new(ctx.env)?
            .previous_conversations(ctx.conversation()?)
            .await?,
    )
}

/// `GET /api/conversations/{id}/transcript.txt`: the conversation as a
/// plain-text file, for its visitor (the token) or its operators (the
/// cookie); the object admits the caller as it would a socket.
pub async fn transcript_text(ctx: &Ctx<'_>) -> EdgeResult<Response> {
    let Caller::Participant(admission) = &ctx.caller else {
        return Err(EdgeError::Corrupt("transcript without an admission".into()));
    };
    let mut response = Call::get(paths::TRANSCRIPT)
        .admitting(admission)?
        .send(&internal::conversation(ctx.env, ctx.conversation()?)?)
        .await?;
    if response.status_code() != 200 {
        return Ok(response);
    }
    let transcript: Transcript = response.json().await?;
    let name = Db::new(ctx.env)?
        .channel(&transcript.channel)
        .await?
        .map_or_else(|| transcript.channel.to_string(), |c| c.name);
    let headers = worker::Headers::new();
    headers.set("content-type", "text/plain; charset=utf-8")?;
    headers.set(
        "content-disposition",
        &format!(
            "attachment; filename=\"{}\"",
            charla_shared::transcript::file_name(&transcript)
        ),
    )?;
    Ok(Response::ok(charla_shared::transcript::plain(&transcript, &name))?.with_headers(headers))
}

/// `POST /api/conversations/{id}/revoke`: the visitor's token stops working
/// and their open sockets are closed.
pub async fn revoke(ctx: &Ctx<'_>) -> EdgeResult<Response> {
    Call::post(paths::REVOKE, &())?
        .expect(&internal::conversation(ctx.env, ctx.conversation()?)?, 204)
        .await?;
    Ok(Response::empty()?.with_status(204))
}

/// `DELETE /api/conversations/{id}` (admins): the conversation's object
/// closes its sockets and deletes its storage, its channel's inbox forgets
/// it (consoles drop it from their lists), and D1 forgets it with its
/// rating. Direct conversations are only their members' to delete.
pub async fn delete(ctx: &Ctx<'_>) -> EdgeResult<Response> {
    let id = ctx.conversation()?;
    let db = Db::new(ctx.env)?;
    let place = db
        .conversation_place(id)
        .await?
        .ok_or_else(|| EdgeError::refuse(ErrorCode::NotFound, format!("No conversation {id}.")))?;
    let me = &ctx.staff()?.profile.id;
    if place.direct.is_some_and(|members| !members.contains(me)) {
        return Err(EdgeError::refuse(
            ErrorCode::Forbidden,
            "This conversation is between two other operators.",
        ));
    }
    Call::post(paths::ERASE, &())?
        .expect(&internal::conversation(ctx.env, id)?, 204)
        .await?;
    Call::post(paths::REMOVE, id)?
        .expect(&internal::inbox(ctx.env, &place.channel)?, 204)
        .await?;
    db.delete_conversation(id).await?;
    Ok(Response::empty()?.with_status(204))
}

/// What an object keeps of a signed-in operator.
pub fn session_of(staff: Staff) -> StaffSession {
    StaffSession {
        name: staff.profile.shown_name().to_owned(),
        color: staff.profile.avatar_color,
        id: staff.profile.id,
        session: staff.session,
        expires_at: staff.expires_at,
    }
}

/// Staff see a conversation only if it exists and they answer its channel;
/// a direct conversation only its two operators see, admins included.
pub async fn authorize(db: &Db, staff: &Staff, id: &ConversationId) -> EdgeResult<()> {
    let place = db
        .conversation_place(id)
        .await?
        .ok_or_else(|| EdgeError::refuse(ErrorCode::NotFound, format!("No conversation {id}.")))?;
    match place.direct {
        Some(members) if members.contains(&staff.profile.id) => Ok(()),
        Some(_) => Err(EdgeError::refuse(
            ErrorCode::Forbidden,
            "This conversation is between two other operators.",
        )),
        None if db.may_answer(&staff.profile, &place.channel).await? => Ok(()),
        None => Err(EdgeError::refuse(
            ErrorCode::Forbidden,
            format!("You do not answer the channel {}.", place.channel),
        )),
    }
}

/// The chatbot a conversation starts with: the one the page's rule named,
/// if a rule of the channel names it, unless the channel is answered by
/// operators only, or that rule wants it only when no operator is
/// available and one is.
async fn chatbot_for(
    env: &Env,
    channel: &Channel,
    asked: Option<&str>,
) -> EdgeResult<Option<String>> {
    let Some(asked) = asked else { return Ok(None) };
    if channel.options.mode == ChatMode::Operators {
        return Ok(None);
    }
    let Some(rule) = channel
        .rules
        .iter()
        .find(|r| r.chatbot.as_deref() == Some(asked))
    else {
        return Ok(None);
    };
    if rule.chatbot_only_if_no_operator && operators_available(env, &channel.id).await? {
        return Ok(None);
    }
    Ok(Some(asked.to_owned()))
}

/// Whether an operator of the channel can take a conversation: one is on
/// duty (console open, taking conversations, active) and the queue has
/// room.
pub async fn operators_available(env: &Env, channel: &ChannelId) -> EdgeResult<bool> {
    let availability = availability(env, channel).await?;
    Ok(availability.operators > 0 && !availability.full)
}

/// Whether a channel's queue takes no more conversations (only a channel
/// with a limit asks its inbox).
async fn queue_is_full(env: &Env, channel: &Channel) -> EdgeResult<bool> {
    let routing = &channel.options.routing;
    if routing.max_waiting == 0 || channel.options.mode == ChatMode::Bot {
        return Ok(false);
    }
    let waiting = availability(env, &channel.id).await?.waiting;
    Ok(routing.queue_full(waiting))
}

async fn availability(env: &Env, channel: &ChannelId) -> EdgeResult<Availability> {
    let mut response = Call::get(paths::AVAILABLE)
        .expect(&internal::inbox(env, channel)?, 200)
        .await?;
    Ok(response.json().await?)
}
