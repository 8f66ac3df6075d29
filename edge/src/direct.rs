//! Operators writing to each other: whom they can write to, and the one
//! conversation each pair shares.
//!
//! A direct conversation is an ordinary conversation object with no
//! visitor and two members: its token digest is empty, so no visitor token
//! opens it, and only its two operators are admitted (admins included). It
//! keeps the same storage, sequence numbers and acknowledgements as a
//! visitor's, so its messages are delivered exactly once the same way. Its
//! id is derived from the pair, so asking twice (or both at once) finds the
//! same conversation; its summaries go to the inbox of a channel the two
//! share, which passes them to the two of them only.

use charla_shared::api::{DirectStarted, StartDirect};
use charla_shared::channel::{ChatMode, Language};
use charla_shared::identity::ChannelSecurity;
use charla_shared::ids::{ConversationId, OperatorId};
use charla_shared::protocol::{Contact, ErrorCode, Member};
use sha2::{Digest, Sha256};
use worker::{Env, Request, Response};

use crate::error::{EdgeError, EdgeResult};
use crate::http::{json, read_json};
use crate::internal::{self, paths, Call, NewConversation};
use crate::now;
use crate::router::Ctx;
use crate::store::Db;

/// `GET /api/team`: the operators who share a channel with the caller.
pub async fn team(ctx: &Ctx<'_>) -> EdgeResult<Response> {
    let me = &ctx.staff()?.profile;
    json(200, &Db::new(ctx.env)?.team(&me.id).await?)
}

/// `POST /api/direct`: the caller's conversation with another operator of
/// one of their channels, created the first time either of them asks.
pub async fn start(req: &mut Request, ctx: &Ctx<'_>) -> EdgeResult<Response> {
    let body: StartDirect = read_json(req).await?;
    let me = &ctx.staff()?.profile;
    let conversation = open(ctx.env, &me.id, &me.name, body.operator).await?;
    json(200, &DirectStarted { conversation })
}

/// The direct conversation of operator `me` (named `my_name`) with
/// `other`, created if it does not exist yet.
pub async fn open(
    env: &Env,
    me: &OperatorId,
    my_name: &str,
    other: OperatorId,
) -> EdgeResult<ConversationId> {
    if &other == me {
        return Err(EdgeError::refuse(
            ErrorCode::Invalid,
            "Pick another operator: a direct conversation has two people in it.",
        ));
    }
    let db = Db::new(env)?;
    let (channel, their_name) = db.shared_channel(me, &other).await?.ok_or_else(|| {
        EdgeError::refuse(
            ErrorCode::NotFound,
            format!("No operator {other} shares a channel with you."),
        )
    })?;
    let mut members = [
        Member {
            id: me.clone(),
            name: my_name.to_owned(),
            seqs: Vec::new(),
        },
        Member {
            id: other,
            name: their_name,
            seqs: Vec::new(),
        },
    ];
    members.sort_by(|a, b| a.id.cmp(&b.id));
    let id = conversation_of(&members[0].id, &members[1].id);
    let created_at = now();
    db.insert_direct(&id, &channel, [&members[0].id, &members[1].id], created_at)
        .await?;
    // The object creates itself once; asking again finds it as it is.
    let init = NewConversation {
        id: id.clone(),
        channel,
        token_digest: String::new(),
        visitor: String::new(),
        contact: Contact::default(),
        bot: None,
        language: Language::En,
        mode: ChatMode::Operators,
        security: ChannelSecurity::default(),
        created_at,
        country: None,
        browser: String::new(),
        os: String::new(),
        members: members.to_vec(),
    };
    Call::post(paths::INIT, &init)?
        .expect(&internal::conversation(env, &id)?, 201)
        .await?;
    Ok(id)
}

/// The id of the direct conversation of two operators, given in order.
fn conversation_of(first: &OperatorId, second: &OperatorId) -> ConversationId {
    let digest = Sha256::digest(format!("charla direct {first} {second}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    ConversationId::from_random(bytes)
}
