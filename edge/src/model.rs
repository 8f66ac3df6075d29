//! The language model the assistant may write its answers with: any
//! OpenAI-compatible chat-completions endpoint (a hosted API, Cloudflare
//! Workers AI's compatible endpoint, a local server), set for the whole
//! installation as secrets or variables: `AI_BASE_URL` (up to `/v1`),
//! `AI_MODEL` and `AI_API_KEY` (optional for local servers), or for one
//! channel by its admins (`GET`/`PUT /api/channels/{c}/model`, the key
//! write-only). A channel chooses whether its assistant uses one.
//!
//! The answer streams back as server-sent events; every piece is handed to
//! the caller as it arrives so the visitor sees the text grow. Deadlines
//! bound the wait ([`MODEL_FIRST_WORDS_MS`] for the first words,
//! [`MODEL_ANSWER_MS`] for the whole answer); past them the request is
//! aborted, and the caller gives the answer from the articles instead.

use std::future::Future;
use std::time::Duration;

use charla_assistant::generate::{ChatRequest, Event, Events, StreamError};
use charla_shared::ids::ChannelId;
use charla_shared::knowledge::{ModelSettings, ModelView};
use charla_shared::limits::{MODEL_ANSWER_MS, MODEL_FIRST_WORDS_MS};
use futures_util::future::{select, Either};
use futures_util::StreamExt;
use worker::{AbortController, Delay, Env, Fetch, Headers, Method, Request, RequestInit, Response};

use crate::error::{EdgeError, EdgeResult};
use crate::http::{json, read_json};
use crate::internal;
use crate::router::Ctx;
use crate::settings::secret_or_var;
use crate::store::Db;

/// Why no answer came from the model. Logged; the visitor gets the answer
/// from the articles.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("the model could not be reached: {0}")]
    Unreachable(String),
    #[error("the model answered {status}: {body}")]
    Refused { status: u16, body: String },
    #[error(transparent)]
    Stream(#[from] StreamError),
    #[error("the model took longer than {0} ms")]
    TooSlow(u64),
}

/// Where the model is and which one to ask.
#[derive(Debug, Clone)]
pub struct Model {
    url: String,
    key: Option<String>,
    name: String,
}

impl Model {
    /// The channel's own model, else the installation's, if either is set.
    pub async fn for_channel(env: &Env, channel: &ChannelId) -> EdgeResult<Option<Model>> {
        Ok(match Db::new(env)?.channel_model(channel).await? {
            Some(own) => Some(Model {
                url: own.base_url,
                key: own.api_key,
                name: own.model,
            }),
            None => Model::from_env(env),
        })
    }

    /// The installation's model, if one is set.
    pub fn from_env(env: &Env) -> Option<Model> {
        let read = |name: &str| secret_or_var(env, name);
        Some(Model {
            url: read("AI_BASE_URL")?.trim_end_matches('/').to_owned(),
            key: read("AI_API_KEY"),
            name: read("AI_MODEL")?,
        })
    }

    /// The model's name, for requests.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Asks for an answer and streams it: `grown` gets the text so far after
    /// every piece. Returns the whole text once the model is done.
    pub async fn write(
        &self,
        request: &ChatRequest,
        mut grown: impl FnMut(&str),
    ) -> Result<String, ModelError> {
        let headers = Headers::new();
        let unreachable = |e: worker::Error| ModelError::Unreachable(e.to_string());
        headers
            .set("content-type", "application/json")
            .map_err(unreachable)?;
        headers
            .set("accept", "text/event-stream")
            .map_err(unreachable)?;
        if let Some(key) = &self.key {
            headers
                .set("authorization", &format!("Bearer {key}"))
                .map_err(unreachable)?;
        }
        let body =
            serde_json::to_string(request).map_err(|e| ModelError::Unreachable(e.to_string()))?;
        let mut init = RequestInit::new();
        init.with_method(Method::Post)
            .with_headers(headers)
            .with_body(Some(body.into()));
        let url = format!("{}/chat/completions", self.url);
        let request = Request::new_with_init(&url, &init).map_err(unreachable)?;
        let controller = AbortController::default();
        let started = worker::Date::now().as_millis();
        let elapsed = || worker::Date::now().as_millis().saturating_sub(started);
        let written = async {
            let fetch = Fetch::Request(request);
            let mut response = within(
                MODEL_FIRST_WORDS_MS,
                fetch.send_with_signal(&controller.signal()),
            )
            .await?
            .map_err(unreachable)?;
            let status = response.status_code();
            if status != 200 {
                let body = response.text().await.unwrap_or_default();
                return Err(ModelError::Refused { status, body });
            }
            let mut stream = response.stream().map_err(unreachable)?;
            let mut events = Events::default();
            let mut text = String::new();
            loop {
                // Until the first words, the first deadline; then the whole
                // answer's.
                let deadline = if text.is_empty() {
                    MODEL_FIRST_WORDS_MS
                } else {
                    MODEL_ANSWER_MS
                };
                let left = deadline.saturating_sub(elapsed());
                let Some(chunk) = within(left, stream.next()).await? else {
                    return Ok(text);
                };
                for event in events.push(&chunk.map_err(unreachable)?)? {
                    match event {
                        Event::Text(piece) => {
                            text.push_str(&piece);
                            grown(&text);
                        }
                        Event::Done => return Ok(text),
                    }
                }
            }
        };
        let result = written.await;
        if result.is_err() {
            // Whatever is still in flight stops here, so a slow model costs
            // nothing more.
            controller.abort();
        }
        result
    }
}

/// `GET`: the channel's own model, without its key.
pub async fn view(ctx: &Ctx<'_>) -> EdgeResult<Response> {
    let channel = ctx.channel()?;
    let own = Db::new(ctx.env)?.channel_model(channel).await?;
    json(
        200,
        &own.map(|own| ModelView {
            base_url: own.base_url,
            model: own.model,
            has_key: own.api_key.is_some(),
        })
        .unwrap_or_default(),
    )
}

/// `PUT` a [`ModelSettings`]: sets the channel's own model (the saved key
/// stays unless a new one comes), or removes it.
pub async fn set(req: &mut Request, ctx: &Ctx<'_>) -> EdgeResult<Response> {
    let channel = ctx.channel()?;
    let settings: ModelSettings = read_json(req).await?;
    let settings = settings.validated().map_err(EdgeError::Refused)?;
    let db = Db::new(ctx.env)?;
    if db.channel(channel).await?.is_none() {
        return Err(internal::no_channel(channel));
    }
    db.set_channel_model(channel, &settings).await?;
    view(ctx).await
}

/// `future`'s output if it comes within `ms` milliseconds.
async fn within<T>(ms: u64, future: impl Future<Output = T>) -> Result<T, ModelError> {
    let future = std::pin::pin!(future);
    let delay = Delay::from(Duration::from_millis(ms));
    match select(future, delay).await {
        Either::Left((output, _)) => Ok(output),
        Either::Right(_) => Err(ModelError::TooSlow(ms)),
    }
}
