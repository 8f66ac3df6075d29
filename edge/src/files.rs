//! Files attached to conversations, kept in R2 (the `FILES` bucket) under
//! `conversations/{id}/{number}`. The worker stores and serves them; the
//! conversation object decides who may (the same admission as its socket)
//! and turns an uploaded file into a message when its uploader posts it.
//!
//! Everything a client could lie about is decided here from what the edge
//! sees: the size from the bytes read (a declared length over the limit is
//! refused before reading), the type from the first bytes
//! ([`sniff`](charla_shared::files::sniff)), the uploader from the
//! admission. A file is served inline only if it is a raster image, always
//! with `nosniff` and a sandboxing content security policy, so nothing
//! uploaded ever runs as a page of the edge's origin.

use std::collections::HashMap;

use charla_shared::files::{self, Attachment};
use charla_shared::ids::{ConversationId, ParticipantId};
use charla_shared::limits::MAX_FILES_PER_CONVERSATION;
use charla_shared::protocol::{Author, ErrorCode};
use worker::{Bucket, Env, Headers, HttpMetadata, Request, Response};

use crate::crypto::random_bytes;
use crate::error::{EdgeError, EdgeResult};
use crate::http::{json, query};
use crate::internal::{self, paths, Call};
use crate::router::{Caller, Ctx};

/// Binding of the bucket that holds every conversation's files.
const BUCKET: &str = "FILES";

/// `POST /api/conversations/{id}/files?name=…`: stores the body as a file
/// of the conversation, uploaded by whoever the object admits, and answers
/// its [`Attachment`]. Posting it as a message is a separate frame, so a
/// message is never stored for a file that is not.
pub async fn upload(req: &mut Request, ctx: &Ctx<'_>) -> EdgeResult<Response> {
    let name = files::file_name(&query(ctx.url, "name").unwrap_or_default());
    let declared = req
        .headers()
        .get("content-length")?
        .and_then(|l| l.parse::<u64>().ok());
    if let Some(declared) = declared {
        files::check_size(&name, declared)?;
    }
    let conversation = ctx.conversation()?;
    let author = admitted(ctx).await?;
    let bytes = req.bytes().await?;
    files::check_size(&name, bytes.len() as u64)?;
    let mime = files::sniff(&bytes, &name)?;
    let bucket = ctx.env.bucket(BUCKET)?;
    if list_keys(&bucket, conversation).await?.len() >= MAX_FILES_PER_CONVERSATION {
        return Err(EdgeError::refuse(
            ErrorCode::TooLarge,
            format!(
                "This conversation already holds {MAX_FILES_PER_CONVERSATION} files, the most it may; “{name}” was not sent."
            ),
        ));
    }
    // JavaScript reads numbers exactly up to 2⁵³, so the number stays
    // under it; 53 random bits make a collision in one conversation's
    // twenty files practically impossible.
    let file = u64::from_le_bytes(random_bytes()?) & ((1 << 53) - 1);
    let attachment = Attachment {
        file,
        name,
        size: bytes.len() as u64,
        mime: mime.to_owned(),
    };
    let metadata = HashMap::from([
        ("name".to_owned(), attachment.name.clone()),
        ("by".to_owned(), author.id.as_str().to_owned()),
    ]);
    bucket
        .put(key(conversation, file), bytes)
        .http_metadata(HttpMetadata {
            content_type: Some(attachment.mime.clone()),
            ..HttpMetadata::default()
        })
        .custom_metadata(metadata)
        .execute()
        .await?;
    json(201, &attachment)
}

/// `GET /api/conversations/{id}/files/{n}`: the file, for whoever the
/// conversation's object admits: pictures inline, everything else as a
/// download, never interpreted by the browser as anything else.
pub async fn download(ctx: &Ctx<'_>) -> EdgeResult<Response> {
    let conversation = ctx.conversation()?;
    let number = ctx
        .matched
        .record
        .ok_or_else(|| EdgeError::Corrupt("file route without a number".into()))?;
    admitted(ctx).await?;
    let object = ctx
        .env
        .bucket(BUCKET)?
        .get(key(conversation, number))
        .execute()
        .await?
        .ok_or_else(no_file)?;
    let (attachment, _) = described(&object, number)?;
    let headers = Headers::new();
    headers.set("content-type", &attachment.mime)?;
    headers.set(
        "content-disposition",
        &files::content_disposition(&attachment),
    )?;
    headers.set("x-content-type-options", "nosniff")?;
    headers.set("content-security-policy", "default-src 'none'; sandbox")?;
    headers.set("cache-control", "private, max-age=3600")?;
    let body = object.body().ok_or_else(no_file)?.response_body()?;
    Ok(Response::from_body(body)?.with_headers(headers))
}

/// A stored file of the conversation and who uploaded it, read from R2
/// (not from anything a client says): what the object posts as a message.
pub async fn stored(
    env: &Env,
    conversation: &ConversationId,
    number: u64,
) -> EdgeResult<Option<(Attachment, ParticipantId)>> {
    match env.bucket(BUCKET)?.head(key(conversation, number)).await? {
        Some(object) => described(&object, number).map(Some),
        None => Ok(None),
    }
}

/// Deletes every file of a conversation (it is being deleted, alone or
/// with its channel).
pub async fn erase(env: &Env, conversation: &ConversationId) -> EdgeResult<()> {
    let bucket = env.bucket(BUCKET)?;
    loop {
        let keys: Vec<String> = list_keys(&bucket, conversation).await?;
        if keys.is_empty() {
            return Ok(());
        }
        bucket.delete_multiple(keys).await?;
    }
}

/// Asks the conversation's object to admit the caller as it would admit
/// their socket; its refusal is the caller's.
async fn admitted(ctx: &Ctx<'_>) -> EdgeResult<Author> {
    let Caller::Participant(admission) = &ctx.caller else {
        return Err(EdgeError::Corrupt("file route without an admission".into()));
    };
    let mut response = Call::get(paths::ADMIT)
        .admitting(admission)?
        .send(&internal::conversation(ctx.env, ctx.conversation()?)?)
        .await?;
    if response.status_code() == 200 {
        return Ok(response.json().await?);
    }
    let problem = response
        .json()
        .await
        .map_err(|e| EdgeError::Corrupt(format!("the object's refusal was unreadable: {e}")))?;
    Err(EdgeError::Refused(problem))
}

async fn list_keys(bucket: &Bucket, conversation: &ConversationId) -> EdgeResult<Vec<String>> {
    Ok(bucket
        .list()
        .prefix(prefix(conversation))
        .execute()
        .await?
        .objects()
        .iter()
        .map(worker::Object::key)
        .collect())
}

fn described(object: &worker::Object, number: u64) -> EdgeResult<(Attachment, ParticipantId)> {
    let metadata = object.custom_metadata()?;
    let field = |name: &str| {
        metadata
            .get(name)
            .cloned()
            .ok_or_else(|| EdgeError::Corrupt(format!("file {number} without its {name}")))
    };
    let by = ParticipantId::parse(field("by")?)
        .map_err(|e| EdgeError::Corrupt(format!("file {number}: {}", e.rule)))?;
    let mime = object
        .http_metadata()
        .content_type
        .ok_or_else(|| EdgeError::Corrupt(format!("file {number} without its type")))?;
    Ok((
        Attachment {
            file: number,
            name: field("name")?,
            size: object.size(),
            mime,
        },
        by,
    ))
}

fn no_file() -> EdgeError {
    EdgeError::refuse(ErrorCode::NotFound, "This file does not exist any more.")
}

fn prefix(conversation: &ConversationId) -> String {
    format!("conversations/{conversation}/")
}

fn key(conversation: &ConversationId, number: u64) -> String {
    format!("{}{number}", prefix(conversation))
}
