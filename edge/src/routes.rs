//! The HTTP API: which path and method lead to which handler. Handlers check
//! who is asking before touching any storage, and every failure leaves as a
//! [`Problem`](charla_shared::protocol::Problem) with the status of its code.
//!
//! | path | method | who |
//! |---|---|---|
//! | `/api/health` | GET | anyone |
//! | `/api/session` | POST, GET, DELETE | anyone (sign in), the signed-in |
//! | `/api/sessions` | DELETE | the signed-in: sign out everywhere |
//! | `/api/conversations` | POST | visitors (allowed origins, identity rules) |
//! | `/api/conversations/{id}/socket` | GET (upgrade) | its visitor token, or its channel's operators |
//! | `/api/conversations/{id}/transcript` | GET | its channel's operators |
//! | `/api/conversations/{id}/revoke` | POST | its channel's operators |
//! | `/api/channels/{id}/widget` | GET | anyone (allowed origins) |
//! | `/api/channels/{id}/inbox` | GET (upgrade) | its operators |
//! | `/api/channels/{id}/security` | GET, PUT | admins |
//! | `/api/channels/{id}/security/secret` | POST | admins |
//! | `/api/channels` | POST | admins: a new channel |
//! | `/api/channels/{id}/settings` | GET, PUT | admins |
//! | `/api/operators` | GET | admins |
//! | `/api/visitor` | GET | anyone: their country |
//! | `/chat/{id}` | GET | anyone: the full-page chat |

use charla_shared::api::routes;
use charla_shared::ids::{ChannelId, ConversationId, IdError};
use charla_shared::protocol::ErrorCode;
use worker::{Env, Method, Request, Response};

use crate::error::{EdgeError, EdgeResult};
use crate::http::{allow_any_origin, problem_response};
use crate::{auth, channels, conversations};

/// Answers one request. Internal failures are logged by
/// [`EdgeError::to_problem`]; the client gets a problem body.
pub async fn handle(req: Request, env: Env) -> Response {
    let public = [routes::CONVERSATIONS, routes::VISITOR].contains(&req.path().as_str())
        || req.path().ends_with("/widget");
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
    Sessions,
    Conversations,
    ConversationSocket(ConversationId),
    Transcript(ConversationId),
    Revoke(ConversationId),
    WidgetConfig(ChannelId),
    InboxSocket(ChannelId),
    Security(ChannelId),
    Secret(ChannelId),
    Channels,
    Settings(ChannelId),
    Operators,
    Visitor,
    ChatPage(ChannelId),
}

async fn route(mut req: Request, env: &Env) -> EdgeResult<Response> {
    let url = req.url()?;
    match (parse(url.path())?, req.method()) {
        (Route::Health, Method::Get) => Ok(Response::ok("ok")?),
        (Route::Session, Method::Post) => auth::sign_in_route(&mut req, &url, env).await,
        (Route::Session, Method::Get) => auth::session_route(&req, env).await,
        (Route::Session, Method::Delete) => auth::sign_out_route(&req, &url, env, false).await,
        (Route::Sessions, Method::Delete) => auth::sign_out_route(&req, &url, env, true).await,
        (Route::Conversations | Route::WidgetConfig(_), Method::Options) => {
            Ok(Response::empty()?.with_status(204))
        }
        (Route::Conversations, Method::Post) => conversations::create(&mut req, env).await,
        (Route::ConversationSocket(id), Method::Get) => {
            conversations::connect(&req, &url, env, &id).await
        }
        (Route::Transcript(id), Method::Get) => conversations::transcript(&req, env, &id).await,
        (Route::Revoke(id), Method::Post) => conversations::revoke(&req, &url, env, &id).await,
        (Route::WidgetConfig(channel), Method::Get) => {
            channels::widget_config(&req, env, &channel).await
        }
        (Route::InboxSocket(channel), Method::Get) => {
            channels::inbox(&req, &url, env, &channel).await
        }
        (Route::Security(channel), Method::Get) => channels::security(&req, env, &channel).await,
        (Route::Security(channel), Method::Put) => {
            channels::set_security(&mut req, &url, env, &channel).await
        }
        (Route::Secret(channel), Method::Post) => {
            channels::rotate_secret(&req, &url, env, &channel).await
        }
        (Route::Channels, Method::Post) => channels::create(&mut req, &url, env).await,
        (Route::Settings(channel), Method::Get) => channels::settings(&req, env, &channel).await,
        (Route::Settings(channel), Method::Put) => {
            channels::save_settings(&mut req, &url, env, &channel).await
        }
        (Route::Operators, Method::Get) => channels::operators(&req, env).await,
        (Route::Visitor, Method::Get | Method::Options) => channels::visitor(&req, &url, env),
        (Route::ChatPage(channel), Method::Get) => channels::chat_page(&req, env, &channel).await,
        _ => Err(EdgeError::refuse(
            ErrorCode::MethodNotAllowed,
            format!("{} is not allowed on {}.", req.method(), url.path()),
        )),
    }
}

fn parse(path: &str) -> EdgeResult<Route> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').skip(1).collect();
    let conversation = |id: &str| ConversationId::parse(id).map_err(invalid);
    let channel = |id: &str| ChannelId::parse(id).map_err(invalid);
    let route = match segments.as_slice() {
        ["api", "health"] => Route::Health,
        ["api", "session"] => Route::Session,
        ["api", "sessions"] => Route::Sessions,
        ["api", "conversations"] => Route::Conversations,
        ["api", "conversations", id, "socket"] => Route::ConversationSocket(conversation(id)?),
        ["api", "conversations", id, "transcript"] => Route::Transcript(conversation(id)?),
        ["api", "conversations", id, "revoke"] => Route::Revoke(conversation(id)?),
        ["api", "channels", id, "widget"] => Route::WidgetConfig(channel(id)?),
        ["api", "channels", id, "inbox"] => Route::InboxSocket(channel(id)?),
        ["api", "channels", id, "security"] => Route::Security(channel(id)?),
        ["api", "channels", id, "security", "secret"] => Route::Secret(channel(id)?),
        ["api", "channels"] => Route::Channels,
        ["api", "channels", id, "settings"] => Route::Settings(channel(id)?),
        ["api", "operators"] => Route::Operators,
        ["api", "visitor"] => Route::Visitor,
        ["chat", id] => Route::ChatPage(channel(id)?),
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
