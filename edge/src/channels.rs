//! Channel endpoints: the public widget configuration and full-page chat,
//! the operators' live inbox, and the settings only admins see and change.

use charla_shared::api::{RecordKind, VisitorInfo, WidgetConfig};
use charla_shared::channel::{ChannelSettings, NewChannel, URL_REGEX_FLAGS};
use charla_shared::identity::{ChannelSecrets, ChannelSecurity};
use charla_shared::ids::{hex_digest, OperatorId};
use charla_shared::limits::MAX_SEARCH_CHARS;
use charla_shared::protocol::{display_name, ConversationSummary, ErrorCode};
use charla_shared::transcript::escape_html;
use js_sys::{Array, Function, Reflect};
use wasm_bindgen::JsCast;
use worker::{Headers, Request, Response};

use crate::conversations::session_of;
use crate::crypto::{random_bytes, token_digest};
use crate::error::{EdgeError, EdgeResult};
use crate::http::{expect_websocket, json, origin, query, read_json};
use crate::internal::{self, paths, Admission, Call, Search};
use crate::mail::Mailer;
use crate::now;
use crate::router::Ctx;
use crate::store::{Channel, Db};

/// `GET /api/channels/{id}/widget`: public and cacheable; nothing private.
/// Browsers keep it but ask again on every page load (`no-cache` with an
/// `ETag`), so a restyle reaches visitors on their next page while an
/// unchanged config costs a `304`. A page from an origin the channel does
/// not allow is refused, so the widget does not appear there. (Same-origin
/// requests carry no `Origin`.)
pub async fn widget_config(req: &Request, ctx: &Ctx<'_>) -> EdgeResult<Response> {
    let id = ctx.channel()?;
    let db = Db::new(ctx.env)?;
    let channel = db
        .channel(id)
        .await?
        .ok_or_else(|| internal::no_channel(id))?;
    if let Some(origin) = origin(req)? {
        if !channel.security.allows(Some(&origin)) {
            return Err(internal::origin_refused());
        }
    }
    let mut config = WidgetConfig::of(channel.id, channel.name, &channel.options, channel.rules);
    config.transcript_by_mail = Mailer::from_env(ctx.env).is_some();
    config.closed = !channel.options.answering(now());
    config.help = db.has_published_articles(id).await?;
    let body = serde_json::to_string(&config)?;
    let etag = format!("\"{}\"", &token_digest(&body)[..32]);
    let headers = Headers::new();
    headers.set("etag", &etag)?;
    headers.set("cache-control", "public, no-cache")?;
    if req.headers().get("if-none-match")?.as_deref() == Some(etag.as_str()) {
        return Ok(Response::empty()?.with_status(304).with_headers(headers));
    }
    headers.set("content-type", "application/json")?;
    Ok(Response::ok(body)?.with_headers(headers))
}

/// `GET /api/visitor`: the requester's country from Cloudflare's
/// `CF-IPCountry`. Where `ALLOW_COUNTRY_OVERRIDE` is `true` (local
/// development and tests) `?country=XX` replaces it, so rules by country can
/// be tried from anywhere.
pub fn visitor(req: &Request, ctx: &Ctx<'_>) -> EdgeResult<Response> {
    let country = request_country(req, ctx)?;
    let mut response = json(200, &VisitorInfo { country })?;
    response.headers_mut().set("cache-control", "no-store")?;
    Ok(response)
}

/// The requester's country, as [`visitor`] tells it; `None` when unknown.
pub fn request_country(req: &Request, ctx: &Ctx<'_>) -> EdgeResult<Option<String>> {
    let overridable = ctx
        .env
        .var("ALLOW_COUNTRY_OVERRIDE")
        .is_ok_and(|v| v.to_string() == "true");
    let asked = query(ctx.url, "country").filter(|_| overridable);
    Ok(match asked {
        Some(country) => Some(country),
        None => req.headers().get("cf-ipcountry")?,
    }
    .map(|c| c.trim().to_ascii_uppercase())
    .filter(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()) && c != "XX"))
}

/// `/chat/{id}`: the full-page chat of a channel, the link to send by
/// e-mail. The page is a static asset; its script reads the channel from the
/// path.
pub async fn chat_page(_req: &Request, ctx: &Ctx<'_>) -> EdgeResult<Response> {
    let id = ctx.channel()?;
    let Some(channel) = Db::new(ctx.env)?.channel(id).await? else {
        // Someone followed a link: they get a page, not JSON.
        let page = format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>Chat not found</title></head><body><main><h1>This chat does not exist</h1>\
             <p>There is no chat “{}”. The link may be mistyped, or the chat was removed.</p>\
             </main></body></html>",
            escape_html(id.as_str())
        );
        return Ok(Response::from_html(page)?.with_status(404));
    };
    let page = format!("{}/chat/", ctx.url.origin().ascii_serialization());
    let mut asset = ctx.env.assets(internal::ASSETS)?.fetch(page, None).await?;
    if asset.status_code() != 200 {
        return Ok(asset);
    }
    // The tab says whose chat it is. The page's own headers (its security
    // policy) stay; its length is the new one's.
    let html = asset.text().await?.replacen(
        "<title>Chat</title>",
        &format!("<title>{} · Chat</title>", escape_html(&channel.name)),
        1,
    );
    let headers = worker::Headers::new();
    for (name, value) in asset.headers().entries() {
        if name != "content-length" {
            headers.set(&name, &value)?;
        }
    }
    Ok(Response::ok(html)?.with_headers(headers))
}

/// `POST /api/channels` (admins): a new channel with default settings.
pub async fn create(req: &mut Request, ctx: &Ctx<'_>) -> EdgeResult<Response> {
    let db = Db::new(ctx.env)?;
    let new: NewChannel = read_json(req).await?;
    let name = display_name(&new.name, "The channel name")?;
    if !db.create_channel(&new.id, &name, now()).await? {
        return Err(EdgeError::refuse(
            ErrorCode::Conflict,
            format!("A channel {} exists already.", new.id),
        ));
    }
    let channel = db
        .channel(&new.id)
        .await?
        .ok_or_else(|| internal::no_channel(&new.id))?;
    settings_of(&db, channel, 201).await
}

/// `DELETE /api/channels/{id}` (admins): every conversation object of the
/// channel (direct conversations delivered through it included) closes its
/// sockets and deletes its storage, then the inbox does, then D1 forgets
/// the channel with its ratings, leads, tickets and canned responses. A
/// failure part-way leaves the channel listed, so asking again finishes.
pub async fn delete(ctx: &Ctx<'_>) -> EdgeResult<Response> {
    let (db, channel) = channel_of(ctx).await?;
    for id in db.channel_conversations(&channel.id).await? {
        Call::post(paths::ERASE, &())?
            .expect(&internal::conversation(ctx.env, &id)?, 204)
            .await?;
    }
    Call::post(paths::ERASE, &())?
        .expect(&internal::inbox(ctx.env, &channel.id)?, 204)
        .await?;
    db.delete_channel(&channel.id).await?;
    Ok(Response::empty()?.with_status(204))
}

/// `GET /api/channels/{id}/search?q=WORDS` (its operators): the channel's
/// inbox finds the conversations.
pub async fn search(ctx: &Ctx<'_>) -> EdgeResult<Response> {
    let words = query(ctx.url, "q").unwrap_or_default();
    if words.chars().count() > MAX_SEARCH_CHARS {
        return Err(EdgeError::refuse(
            ErrorCode::TooLarge,
            format!("A search may have at most {MAX_SEARCH_CHARS} characters."),
        ));
    }
    // A number is also a ticket's: its conversation is found too.
    let channel = ctx.channel()?;
    let mut tickets = Vec::new();
    if let Ok(number) = words.trim().trim_start_matches('#').parse::<u64>() {
        if let Some(ticket) = Db::new(ctx.env)?
            .record(RecordKind::Ticket, channel, number)
            .await?
        {
            tickets.push(ticket.conversation);
        }
    }
    let search = Search {
        operator: ctx.staff()?.profile.id.clone(),
        words,
        tickets,
    };
    let mut found = Call::post(paths::SEARCH, &search)?
        .expect(&internal::inbox(ctx.env, channel)?, 200)
        .await?;
    let found: Vec<ConversationSummary> = found.json().await?;
    json(200, &found)
}

/// `GET /api/channels/{id}/settings` (admins).
pub async fn settings(ctx: &Ctx<'_>) -> EdgeResult<Response> {
    let (db, channel) = channel_of(ctx).await?;
    settings_of(&db, channel, 200).await
}

/// `PUT /api/channels/{id}/settings` (admins): everything is checked before
/// anything is saved; an invalid rule pattern is refused with the reason
/// the JavaScript engine gives.
pub async fn save_settings(req: &mut Request, ctx: &Ctx<'_>) -> EdgeResult<Response> {
    let (db, channel) = channel_of(ctx).await?;
    let wanted: ChannelSettings = read_json(req).await?;
    let settings = wanted.validated()?;
    for (position, rule) in settings.rules.iter().enumerate() {
        if let Err(why) = compile(&rule.url_regex) {
            return Err(EdgeError::refuse(
                ErrorCode::Invalid,
                format!("Rule {}: the URL regex is not valid: {why}", position + 1),
            ));
        }
    }
    let known: Vec<OperatorId> = db.operators().await?.into_iter().map(|o| o.id).collect();
    if let Some(unknown) = settings.operators.iter().find(|o| !known.contains(o)) {
        return Err(EdgeError::refuse(
            ErrorCode::Invalid,
            format!("There is no operator {unknown}."),
        ));
    }
    let bots: Vec<String> = db.chatbots().await?.into_iter().map(|b| b.id).collect();
    for (position, rule) in settings.rules.iter().enumerate() {
        if let Some(bot) = rule.chatbot.as_ref().filter(|b| !bots.contains(b)) {
            return Err(EdgeError::refuse(
                ErrorCode::Invalid,
                format!("Rule {}: there is no chatbot {bot}.", position + 1),
            ));
        }
    }
    db.save_settings(&channel.id, &settings).await?;
    json(200, &settings)
}

/// `GET /api/channels/{id}/inbox`: the live list, for its operators.
pub async fn inbox(req: &Request, ctx: &Ctx<'_>) -> EdgeResult<Response> {
    expect_websocket(req, ctx.url)?;
    let channel = ctx.channel()?;
    Call::upgrade(
        format!("{}?channel={channel}", paths::CONNECT),
        &Admission::Operator(session_of(ctx.staff()?.clone())),
    )?
    .send(&internal::inbox(ctx.env, channel)?)
    .await
}

/// `GET /api/channels/{id}/security` (admins): the settings and the signing
/// secret, generating the secret the first time.
pub async fn security(ctx: &Ctx<'_>) -> EdgeResult<Response> {
    let (db, mut channel) = channel_of(ctx).await?;
    if channel.identity_secret.is_empty() {
        channel.identity_secret = new_secret()?;
        db.set_identity_secret(&channel.id, &channel.identity_secret)
            .await?;
    }
    secrets(channel)
}

/// `PUT /api/channels/{id}/security` (admins). The new settings hold at
/// once for sockets already open too: every conversation whose visitor is
/// connected checks them and closes the sockets they no longer admit.
pub async fn set_security(req: &mut Request, ctx: &Ctx<'_>) -> EdgeResult<Response> {
    let (db, mut channel) = channel_of(ctx).await?;
    let wanted: ChannelSecurity = read_json(req).await?;
    channel.security = wanted.validated()?;
    db.set_security(&channel.id, &channel.security).await?;
    Call::post(paths::SECURITY, &channel.security)?
        .expect(&internal::inbox(ctx.env, &channel.id)?, 204)
        .await?;
    secrets(channel)
}

/// `POST /api/channels/{id}/security/secret` (admins): a new signing secret;
/// hashes made with the old one stop verifying.
pub async fn rotate_secret(ctx: &Ctx<'_>) -> EdgeResult<Response> {
    let (db, mut channel) = channel_of(ctx).await?;
    channel.identity_secret = new_secret()?;
    db.set_identity_secret(&channel.id, &channel.identity_secret)
        .await?;
    secrets(channel)
}

/// The channel named in the route's path (its access was checked by the
/// router), or a clear "no such channel".
pub async fn channel_of(ctx: &Ctx<'_>) -> EdgeResult<(Db, Channel)> {
    let db = Db::new(ctx.env)?;
    let id = ctx.channel()?;
    let channel = db
        .channel(id)
        .await?
        .ok_or_else(|| internal::no_channel(id))?;
    Ok((db, channel))
}

async fn settings_of(db: &Db, channel: Channel, status: u16) -> EdgeResult<Response> {
    let operators = db.channel_operators(&channel.id).await?;
    json(
        status,
        &ChannelSettings {
            name: channel.name,
            options: channel.options,
            rules: channel.rules,
            operators,
        },
    )
}

/// Compiles a rule pattern with the runtime's own `RegExp`, the engine the
/// widget runs it with in the browser.
fn compile(pattern: &str) -> Result<(), String> {
    let constructor: Function = Reflect::get(&js_sys::global(), &"RegExp".into())
        .map_err(|_| "RegExp is missing".to_owned())?
        .unchecked_into();
    let args = Array::of2(&pattern.into(), &URL_REGEX_FLAGS.into());
    Reflect::construct(&constructor, &args)
        .map(|_| ())
        .map_err(|e| {
            e.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
                .unwrap_or_else(|| "invalid pattern".to_owned())
        })
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
