//! Channel endpoints: the public widget configuration, the operators' live
//! inbox, and the security settings only admins see.

use charla_shared::api::WidgetConfig;
use charla_shared::identity::{ChannelSecrets, ChannelSecurity};
use charla_shared::ids::{hex_digest, ChannelId};
use charla_shared::protocol::ErrorCode;
use worker::{Env, Request, Response, Url};

use crate::auth::{self, require_admin};
use crate::conversations::session_of;
use crate::crypto::random_bytes;
use crate::error::{EdgeError, EdgeResult};
use crate::http::{expect_same_origin, expect_websocket, json, origin, read_json};
use crate::internal::{self, paths, Admission, Call};
use crate::now;
use crate::store::{Channel, Db};

/// `GET /api/channels/{id}/widget`: public and cacheable; nothing private.
/// A page from an origin the channel does not allow is refused, so the
/// widget does not appear there. (Same-origin requests carry no `Origin`.)
pub async fn widget_config(req: &Request, env: &Env, id: &ChannelId) -> EdgeResult<Response> {
    let channel = Db::new(env)?
        .channel(id)
        .await?
        .ok_or_else(|| internal::no_channel(id))?;
    if let Some(origin) = origin(req)? {
        if !channel.security.allows(Some(&origin)) {
            return Err(internal::origin_refused());
        }
    }
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

/// `GET /api/channels/{id}/inbox`: the live list, for its operators.
pub async fn inbox(
    req: &Request,
    url: &Url,
    env: &Env,
    channel: &ChannelId,
) -> EdgeResult<Response> {
    expect_websocket(req, url)?;
    expect_same_origin(req, url)?;
    let db = Db::new(env)?;
    let staff = auth::staff(req, &db, now()).await?;
    if !db.may_answer(&staff.profile, channel).await? {
        return Err(EdgeError::refuse(
            ErrorCode::Forbidden,
            format!("You do not answer the channel {channel}."),
        ));
    }
    Call::upgrade(
        format!("{}?channel={channel}", paths::CONNECT),
        &Admission::Operator(session_of(staff)),
    )?
    .send(&internal::inbox(env, channel)?)
    .await
}

/// `GET /api/channels/{id}/security` (admins): the settings and the signing
/// secret, generating the secret the first time.
pub async fn security(req: &Request, env: &Env, id: &ChannelId) -> EdgeResult<Response> {
    let (db, mut channel) = admin_channel(req, env, id).await?;
    if channel.identity_secret.is_empty() {
        channel.identity_secret = new_secret()?;
        db.set_identity_secret(id, &channel.identity_secret).await?;
    }
    secrets(channel)
}

/// `PUT /api/channels/{id}/security` (admins).
pub async fn set_security(
    req: &mut Request,
    url: &Url,
    env: &Env,
    id: &ChannelId,
) -> EdgeResult<Response> {
    expect_same_origin(req, url)?;
    let (db, mut channel) = admin_channel(req, env, id).await?;
    let wanted: ChannelSecurity = read_json(req).await?;
    channel.security = wanted.validated()?;
    db.set_security(id, &channel.security).await?;
    secrets(channel)
}

/// `POST /api/channels/{id}/security/secret` (admins): a new signing secret;
/// hashes made with the old one stop verifying.
pub async fn rotate_secret(
    req: &Request,
    url: &Url,
    env: &Env,
    id: &ChannelId,
) -> EdgeResult<Response> {
    expect_same_origin(req, url)?;
    let (db, mut channel) = admin_channel(req, env, id).await?;
    channel.identity_secret = new_secret()?;
    db.set_identity_secret(id, &channel.identity_secret).await?;
    secrets(channel)
}

async fn admin_channel(req: &Request, env: &Env, id: &ChannelId) -> EdgeResult<(Db, Channel)> {
    let db = Db::new(env)?;
    let staff = auth::staff(req, &db, now()).await?;
    require_admin(&staff)?;
    let channel = db
        .channel(id)
        .await?
        .ok_or_else(|| internal::no_channel(id))?;
    Ok((db, channel))
}

fn secrets(channel: Channel) -> EdgeResult<Response> {
    json(
        200,
        &ChannelSecrets {
            security: channel.security,
            identity_secret: channel.identity_secret,
        },
    )
}

fn new_secret() -> EdgeResult<String> {
    Ok(hex_digest(&random_bytes::<32>()?))
}
