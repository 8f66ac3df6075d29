//! Conversation endpoints: starting one, joining it over a WebSocket, and
//! what operators do with it (read the transcript, revoke the visitor).

use charla_shared::api::{ConversationCreated, CreateConversation, Transcript};
use charla_shared::identity;
use charla_shared::ids::{ConversationId, Seq, VisitorToken};
use charla_shared::protocol::{Contact, ErrorCode};
use worker::{Env, Request, Response, Url};

use crate::auth::{self, Staff};
use crate::crypto::{random_bytes, token_digest};
use crate::error::{EdgeError, EdgeResult};
use crate::http::{expect_same_origin, expect_websocket, json, origin, query, read_json};
use crate::internal::{self, paths, Admission, Availability, Call, NewConversation, StaffSession};
use crate::limiter;
use crate::now;
use crate::store::{Channel, Db};

/// `POST /api/conversations`: checks the page's origin and the visitor's
/// identity against the channel, then creates the conversation object.
pub async fn create(req: &mut Request, env: &Env) -> EdgeResult<Response> {
    limiter::check(env, req, 1.0).await?;
    let body: CreateConversation = read_json(req).await?;
    let db = Db::new(env)?;
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
    let chatbot = chatbot_for(env, &channel, body.chatbot.as_deref()).await?;
    let id = ConversationId::from_random(random_bytes()?);
    let token = VisitorToken::from_random(random_bytes()?);
    let created_at = now();
    db.insert_conversation(&id, &channel.id, created_at).await?;
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
        chatbot,
        created_at,
    };
    let response = Call::post(paths::INIT, &init)?
        .send(&internal::conversation(env, &id)?)
        .await?;
    if response.status_code() != 201 {
        return Err(EdgeError::Corrupt(format!(
            "conversation object refused init with status {}",
            response.status_code()
        )));
    }
    json(
        201,
        &ConversationCreated {
            conversation: id,
            token,
        },
    )
}

/// `GET /api/conversations/{id}/socket`. A visitor is admitted by the
/// conversation object, which compares the digest of the token with its
/// own; the worker checks only the page's origin and whether the channel
/// requires signed-in visitors (one indexed D1 read per connection, none per
/// message). Operators are checked here against their session and channel.
pub async fn connect(
    req: &Request,
    url: &Url,
    env: &Env,
    id: &ConversationId,
) -> EdgeResult<Response> {
    expect_websocket(req, url)?;
    let after = match query(url, "after") {
        None => Seq(0),
        Some(after) => Seq(after.parse().map_err(|_| {
            EdgeError::refuse(
                ErrorCode::Invalid,
                "`after` must be a sequence number (0 or more).",
            )
        })?),
    };
    let db = Db::new(env)?;
    let admission = if let Some(token) = query(url, "token") {
        limiter::check(env, req, 1.0).await?;
        // An unknown conversation is refused like a wrong token: a token
        // holder learns nothing about other ids.
        let security = db
            .conversation_access(id)
            .await?
            .ok_or_else(internal::token_refused)?;
        if !security.allows(origin(req)?.as_deref()) {
            return Err(internal::origin_refused());
        }
        Admission::Visitor {
            token_digest: token_digest(&token),
            require_identity: security.require_identity,
        }
    } else if req.headers().has("cookie")? || req.headers().has("authorization")? {
        expect_same_origin(req, url)?;
        let staff = auth::staff(req, &db, now()).await?;
        authorize(&db, &staff, id).await?;
        Admission::Operator(session_of(staff))
    } else {
        return Err(internal::token_refused());
    };
    Call::upgrade(format!("{}?after={after}", paths::CONNECT), &admission)?
        .send(&internal::conversation(env, id)?)
        .await
}

/// `GET /api/conversations/{id}/transcript`.
pub async fn transcript(req: &Request, env: &Env, id: &ConversationId) -> EdgeResult<Response> {
    let db = Db::new(env)?;
    let staff = auth::staff(req, &db, now()).await?;
    authorize(&db, &staff, id).await?;
    let mut response = Call::get(paths::TRANSCRIPT)
        .send(&internal::conversation(env, id)?)
        .await?;
    let transcript: Transcript = response.json().await?;
    json(200, &transcript)
}

/// `POST /api/conversations/{id}/revoke`: the visitor's token stops working
/// and their open sockets are closed.
pub async fn revoke(
    req: &Request,
    url: &Url,
    env: &Env,
    id: &ConversationId,
) -> EdgeResult<Response> {
    expect_same_origin(req, url)?;
    let db = Db::new(env)?;
    let staff = auth::staff(req, &db, now()).await?;
    authorize(&db, &staff, id).await?;
    let response = Call::post(paths::REVOKE, &())?
        .send(&internal::conversation(env, id)?)
        .await?;
    if response.status_code() != 204 {
        return Err(EdgeError::Corrupt(format!(
            "conversation object refused revoke with status {}",
            response.status_code()
        )));
    }
    Ok(Response::empty()?.with_status(204))
}

/// The chatbot a conversation starts with: the one the page's rule named,
/// if a rule of the channel names it, unless that rule wants it only when no
/// operator is available and one is.
async fn chatbot_for(
    env: &Env,
    channel: &Channel,
    asked: Option<&str>,
) -> EdgeResult<Option<String>> {
    let Some(asked) = asked else { return Ok(None) };
    let Some(rule) = channel
        .rules
        .iter()
        .find(|r| r.chatbot.as_deref() == Some(asked))
    else {
        return Ok(None);
    };
    if rule.chatbot_only_if_no_operator {
        let mut response = Call::get(paths::AVAILABLE)
            .send(&internal::inbox(env, &channel.id)?)
            .await?;
        let availability: Availability = response.json().await?;
        if availability.operators > 0 {
            return Ok(None);
        }
    }
    Ok(Some(asked.to_owned()))
}

/// What an object keeps of a signed-in operator.
pub fn session_of(staff: Staff) -> StaffSession {
    StaffSession {
        id: staff.profile.id,
        name: staff.profile.name,
        session: staff.session,
        expires_at: staff.expires_at,
    }
}

/// Staff see a conversation only if it exists and they answer its channel.
async fn authorize(db: &Db, staff: &Staff, id: &ConversationId) -> EdgeResult<()> {
    let channel = db
        .conversation_channel(id)
        .await?
        .ok_or_else(|| EdgeError::refuse(ErrorCode::NotFound, format!("No conversation {id}.")))?;
    if db.may_answer(&staff.profile, &channel).await? {
        Ok(())
    } else {
        Err(EdgeError::refuse(
            ErrorCode::Forbidden,
            format!("You do not answer the channel {channel}."),
        ))
    }
}
