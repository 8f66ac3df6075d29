//! Chatbots and what they record: admins list, read, save and remove
//! chatbots (a script is checked as a whole before it is saved, and every
//! problem is reported at once); a channel's operators read its leads and
//! tickets.

use charla_shared::api::{RecordKind, SavedChatbot};
use charla_shared::bot::{self, Chatbot, Severity};
use charla_shared::protocol::ErrorCode;
use worker::{Request, Response};

use crate::error::{EdgeError, EdgeResult};
use crate::http::{json, query, read_json};
use crate::now;
use crate::router::Ctx;
use crate::store::Db;

/// `GET /api/chatbots` (admins).
pub async fn list(ctx: &Ctx<'_>) -> EdgeResult<Response> {
    json(200, &Db::new(ctx.env)?.chatbots().await?)
}

/// `GET /api/chatbots/{bot}` (admins): the chatbot and what in its script
/// could strand visitors.
pub async fn get(ctx: &Ctx<'_>) -> EdgeResult<Response> {
    let id = ctx.bot()?;
    let chatbot = Db::new(ctx.env)?
        .chatbot(id.as_str())
        .await?
        .ok_or_else(|| no_chatbot(id.as_str()))?;
    json(200, &saved(chatbot))
}

/// `PUT /api/chatbots/{bot}` (admins): creates or replaces a chatbot. A
/// script with errors is refused with all of them; warnings come back with
/// the saved chatbot.
pub async fn save(req: &mut Request, ctx: &Ctx<'_>) -> EdgeResult<Response> {
    let id = ctx.bot()?;
    let mut chatbot: Chatbot = read_json(req).await?;
    chatbot.name = chatbot.name.trim().to_owned();
    let issues = bot::validate(&chatbot);
    if bot::has_errors(&issues) {
        let errors: Vec<String> = issues
            .iter()
            .filter(|i| i.severity == Severity::Error)
            .map(|i| format!("- {}", i.message))
            .collect();
        return Err(EdgeError::refuse(
            ErrorCode::Invalid,
            format!(
                "The script was not saved; it has {} problem{}:\n{}",
                errors.len(),
                if errors.len() == 1 { "" } else { "s" },
                errors.join("\n")
            ),
        ));
    }
    Db::new(ctx.env)?
        .save_chatbot(id.as_str(), &chatbot, now())
        .await?;
    json(200, &saved(chatbot))
}

/// `DELETE /api/chatbots/{bot}` (admins). Conversations already running it
/// keep their copy of the script.
pub async fn delete(ctx: &Ctx<'_>) -> EdgeResult<Response> {
    let id = ctx.bot()?;
    if !Db::new(ctx.env)?.delete_chatbot(id.as_str()).await? {
        return Err(no_chatbot(id.as_str()));
    }
    Ok(Response::empty()?.with_status(204))
}

/// `GET /api/channels/{channel}/leads` or `…/tickets` (its operators):
/// newest first, searched with `q`.
pub async fn records(ctx: &Ctx<'_>, kind: RecordKind) -> EdgeResult<Response> {
    let search = query(ctx.url, "q");
    let found = Db::new(ctx.env)?
        .records(kind, ctx.channel()?, search.as_deref())
        .await?;
    json(200, &found)
}

/// `GET /api/channels/{channel}/leads/{number}` or `…/tickets/{number}`.
pub async fn record(ctx: &Ctx<'_>, kind: RecordKind) -> EdgeResult<Response> {
    let number = ctx
        .matched
        .record
        .ok_or_else(|| EdgeError::Corrupt("record route without a number".into()))?;
    let found = Db::new(ctx.env)?
        .record(kind, ctx.channel()?, number)
        .await?
        .ok_or_else(|| {
            EdgeError::refuse(
                ErrorCode::NotFound,
                format!("This channel has no such record ({number})."),
            )
        })?;
    json(200, &found)
}

fn saved(chatbot: Chatbot) -> SavedChatbot {
    let issues = bot::validate(&chatbot);
    SavedChatbot { chatbot, issues }
}

fn no_chatbot(id: &str) -> EdgeError {
    EdgeError::refuse(ErrorCode::NotFound, format!("There is no chatbot {id}."))
}
