//! The HTTP API. Each handler checks who is asking before touching any
//! storage, and every failure leaves as a [`Problem`] with the status of its
//! code.

use charla_shared::api::{
    ConversationCreated, CreateConversation, SignIn, Transcript, WidgetConfig,
};
use charla_shared::ids::{ChannelId, ConversationId, IdError, Seq, VisitorToken};
use charla_shared::protocol::{display_name, ErrorCode};
use worker::{Env, Method, Request, Response, Url};

use crate::auth::{self, Staff};
use crate::crypto::{random_bytes, token_digest};
use crate::error::{EdgeError, EdgeResult};
use crate::http::{
    allow_any_origin, expect_same_origin, expect_websocket, json, problem_response, query,
    read_json, set_cookie,
};
use crate::internal::{self, paths, Admission, Call, NewConversation};
use crate::now;
use crate::store::Db;

/// Answers one request. Internal failures are logged by
/// [`EdgeError::to_problem`]; the client gets a problem body.
pub async fn handle(req: Request, env: Env) -> Response {
    let public =
        req.path() == charla_shared::api::routes::CONVERSATIONS || req.path().ends_with("/widget");
    let response = match route(req, &env).await {
        Ok(response) => response,
        Err(error) => problem_response(&error.to_problem()),
    };
    if public {
        allow_any_origin(response)
    } else {
        response
    }
}

/// Where a path leads.
enum Route {
    Health,
    Session,
    Conversations,
    ConversationSocket(ConversationId),
    Transcript(ConversationId),
    WidgetConfig(ChannelId),
    InboxSocket(ChannelId),
}

async fn route(mut req: Request, env: &Env) -> EdgeResult<Response> {
    let url = req.url()?;
    let route = parse(url.path())?;
    match (route, req.method()) {
        (Route::Health, Method::Get) => Ok(Response::ok("ok")?),
        (Route::Session, Method::Post) => {
            let form: SignIn = read_json(&mut req).await?;
            let db = Db::new(env)?;
            let (session, token) = auth::sign_in(&db, &form, now()).await?;
            Ok(json(200, &session)?.with_headers(set_cookie(&auth::session_cookie(&token, &url))?))
        }
        (Route::Session, Method::Get) => {
            let db = Db::new(env)?;
            let staff = auth::staff(&req, &db, now()).await?;
            let channels = db.channels_for(&staff.profile).await?;
            json(
                200,
                &charla_shared::api::Session {
                    operator: staff.profile,
                    channels,
                    expires_at: staff.expires_at,
                },
            )
        }
        (Route::Session, Method::Delete) => {
            expect_same_origin(&req, &url)?;
            auth::sign_out(&req, &Db::new(env)?).await?;
            Ok(Response::empty()?
                .with_status(204)
                .with_headers(set_cookie(&auth::cleared_cookie(&url))?))
        }
        (Route::Conversations | Route::WidgetConfig(_), Method::Options) => {
            Ok(Response::empty()?.with_status(204))
        }
        (Route::Conversations, Method::Post) => create_conversation(&mut req, env).await,
        (Route::ConversationSocket(id), Method::Get) => {
            connect_conversation(&req, &url, env, &id).await
        }
        (Route::Transcript(id), Method::Get) => {
            let db = Db::new(env)?;
            let staff = auth::staff(&req, &db, now()).await?;
            authorize_operator(&db, &staff, &id).await?;
            let mut response = Call::get(paths::TRANSCRIPT)
                .send(&internal::conversation(env, &id)?)
                .await?;
            let transcript: Transcript = response.json().await?;
            json(200, &transcript)
        }
        (Route::WidgetConfig(channel), Method::Get) => {
            let channel = Db::new(env)?
                .channel(&channel)
                .await?
                .ok_or_else(|| no_channel(&channel))?;
            let config = WidgetConfig {
                channel: channel.id,
                name: channel.name,
                options: channel.options,
            };
            let mut response = json(200, &config)?;
            response
                .headers_mut()
                .set("cache-control", "public, max-age=60")?;
            Ok(response)
        }
        (Route::InboxSocket(channel), Method::Get) => {
            expect_websocket(&req, &url)?;
            expect_same_origin(&req, &url)?;
            let db = Db::new(env)?;
            let staff = auth::staff(&req, &db, now()).await?;
            if !db.may_answer(&staff.profile, &channel).await? {
                return Err(EdgeError::refuse(
                    ErrorCode::Forbidden,
                    format!("You do not answer the channel {channel}."),
                ));
            }
            Call::upgrade(
                format!("{}?channel={channel}", paths::CONNECT),
                &operator_admission(staff),
            )?
            .send(&internal::inbox(env, &channel)?)
            .await
        }
        _ => Err(EdgeError::refuse(
            ErrorCode::MethodNotAllowed,
            format!("{} is not allowed on {}.", req.method(), url.path()),
        )),
    }
}

async fn create_conversation(req: &mut Request, env: &Env) -> EdgeResult<Response> {
    let body: CreateConversation = read_json(req).await?;
    let db = Db::new(env)?;
    let channel = db
        .channel(&body.channel)
        .await?
        .ok_or_else(|| no_channel(&body.channel))?;
    let id = ConversationId::from_random(random_bytes()?);
    let visitor = match body.visitor_name {
        Some(name) => display_name(&name, "The visitor's name")?,
        None => format!("Visitor {}", id.as_str()[..4].to_uppercase()),
    };
    let token = VisitorToken::from_random(random_bytes()?);
    let created_at = now();
    db.insert_conversation(&id, &channel.id, created_at).await?;
    let init = NewConversation {
        id: id.clone(),
        channel: channel.id,
        token_digest: token_digest(token.as_str()),
        visitor,
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

/// Visitors are admitted by the conversation object itself, which compares
/// their token's digest with its own; the worker needs no lookup for them.
/// Operators are checked here against D1.
async fn connect_conversation(
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
    let admission = if let Some(token) = query(url, "token") {
        Admission::Visitor {
            token_digest: token_digest(&token),
        }
    } else if req.headers().has("cookie")? || req.headers().has("authorization")? {
        expect_same_origin(req, url)?;
        let db = Db::new(env)?;
        let staff = auth::staff(req, &db, now()).await?;
        authorize_operator(&db, &staff, id).await?;
        operator_admission(staff)
    } else {
        return Err(EdgeError::refuse(
            ErrorCode::Forbidden,
            "Opening a conversation needs its visitor token.",
        ));
    };
    Call::upgrade(format!("{}?after={after}", paths::CONNECT), &admission)?
        .send(&internal::conversation(env, id)?)
        .await
}

/// Staff see a conversation only if it exists and they answer its channel.
async fn authorize_operator(db: &Db, staff: &Staff, id: &ConversationId) -> EdgeResult<()> {
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

fn operator_admission(staff: Staff) -> Admission {
    Admission::Operator {
        id: staff.profile.id,
        name: staff.profile.name,
    }
}

fn parse(path: &str) -> EdgeResult<Route> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').skip(1).collect();
    let route = match segments.as_slice() {
        ["api", "health"] => Route::Health,
        ["api", "session"] => Route::Session,
        ["api", "conversations"] => Route::Conversations,
        ["api", "conversations", id, "socket"] => {
            Route::ConversationSocket(ConversationId::parse(*id).map_err(invalid)?)
        }
        ["api", "conversations", id, "transcript"] => {
            Route::Transcript(ConversationId::parse(*id).map_err(invalid)?)
        }
        ["api", "channels", id, "widget"] => {
            Route::WidgetConfig(ChannelId::parse(*id).map_err(invalid)?)
        }
        ["api", "channels", id, "inbox"] => {
            Route::InboxSocket(ChannelId::parse(*id).map_err(invalid)?)
        }
        _ => {
            return Err(EdgeError::refuse(
                ErrorCode::NotFound,
                format!("Nothing is served at {path}."),
            ))
        }
    };
    Ok(route)
}

fn invalid(e: IdError) -> EdgeError {
    EdgeError::refuse(ErrorCode::Invalid, format!("The path is wrong: {e}."))
}

fn no_channel(channel: &ChannelId) -> EdgeError {
    EdgeError::refuse(ErrorCode::NotFound, format!("No channel {channel}."))
}
