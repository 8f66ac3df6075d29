//! Operator accounts, as admins manage them from the console: create (with
//! an initial password its owner must replace at their first sign-in),
//! change, remove; and an operator replacing their own password. An admin
//! cannot remove or demote themselves, so there is always one admin left.

use charla_shared::api::{new_password, OperatorForm, PasswordChange, StaffRole};
use charla_shared::ids::OperatorId;
use charla_shared::limits::PASSWORD_ITERATIONS;
use charla_shared::password::{PasswordHash, SALT_BYTES};
use charla_shared::protocol::ErrorCode;
use worker::{Request, Response};

use crate::auth;
use crate::crypto::{pbkdf2, random_bytes};
use crate::error::{EdgeError, EdgeResult};
use crate::http::{json, read_json};
use crate::internal::{self, paths, Call, DutyChange, SignedOut};
use crate::now;
use crate::router::Ctx;
use crate::store::Db;

/// `GET /api/operators` (admins): every account, by name.
pub async fn list(ctx: &Ctx<'_>) -> EdgeResult<Response> {
    json(200, &Db::new(ctx.env)?.operators().await?)
}

/// `POST /api/operators` (admins): a new account, which must choose its
/// own password at its first sign-in.
pub async fn create(req: &mut Request, ctx: &Ctx<'_>) -> EdgeResult<Response> {
    let form = read_json::<OperatorForm>(req).await?.validated(true)?;
    let hash = hash(form.password.as_deref().unwrap_or_default()).await?;
    if !Db::new(ctx.env)?
        .insert_operator(&form, &hash, now())
        .await?
    {
        return Err(EdgeError::refuse(
            ErrorCode::Conflict,
            format!(
                "An account with the id {} or the address {} exists already.",
                form.id, form.email
            ),
        ));
    }
    json(201, &form.id)
}

/// `PUT /api/operators/{id}` (admins): changes an account. A password
/// given is an initial one again, and every session of the account ends.
pub async fn update(req: &mut Request, ctx: &Ctx<'_>) -> EdgeResult<Response> {
    let id = operator_in_path(ctx)?;
    let form = read_json::<OperatorForm>(req).await?.validated(false)?;
    if form.id != *id {
        return Err(EdgeError::refuse(
            ErrorCode::Invalid,
            "An account's id cannot change.",
        ));
    }
    let me = &ctx.staff()?.profile;
    if me.id == form.id && form.role != StaffRole::Admin {
        return Err(EdgeError::refuse(
            ErrorCode::Forbidden,
            "You cannot take away your own admin role: another admin can.",
        ));
    }
    let db = Db::new(ctx.env)?;
    if db.email_taken(&form.email, &form.id).await? {
        return Err(EdgeError::refuse(
            ErrorCode::Conflict,
            format!("Another account uses the address {}.", form.email),
        ));
    }
    let hash = match &form.password {
        Some(password) => Some(hash(password).await?),
        None => None,
    };
    if !db.update_operator(&form, hash.as_deref()).await? {
        return Err(no_account(id));
    }
    if hash.is_some() {
        end_sessions(ctx, &db, id).await?;
    }
    json(200, &form.id)
}

/// `DELETE /api/operators/{id}` (admins): removes an account, its
/// sessions (their sockets are closed) and its channel memberships. The
/// conversations it answered keep its messages.
pub async fn delete(ctx: &Ctx<'_>) -> EdgeResult<Response> {
    let id = operator_in_path(ctx)?;
    if ctx.staff()?.profile.id == *id {
        return Err(EdgeError::refuse(
            ErrorCode::Forbidden,
            "You cannot remove your own account: another admin can.",
        ));
    }
    let db = Db::new(ctx.env)?;
    let Some(profile) = db.operators().await?.into_iter().find(|o| o.id == *id) else {
        return Err(no_account(id));
    };
    end_sessions(ctx, &db, id).await?;
    // What they held goes back to each channel's queue, before the account
    // goes, so that a failure leaves an account an admin can remove again.
    for channel in db.channels_for(&profile).await? {
        let gone = DutyChange {
            channel: channel.id.clone(),
            operator: id.clone(),
            on: false,
        };
        Call::post(paths::GONE, &gone)?
            .expect(&internal::inbox(ctx.env, &channel.id)?, 204)
            .await?;
    }
    if !db.delete_operator(id).await? {
        return Err(no_account(id));
    }
    Ok(Response::empty()?.with_status(204))
}

/// `PUT /api/session/password` (signed in): the operator replaces their
/// password, giving the current one; the other sessions of the account
/// end, this one goes on. Answers `null`.
pub async fn change_password(req: &mut Request, ctx: &Ctx<'_>) -> EdgeResult<Response> {
    let change: PasswordChange = read_json(req).await?;
    let staff = ctx.staff()?;
    let db = Db::new(ctx.env)?;
    auth::check_password(&db, &staff.profile.email, &change.current).await?;
    let chosen = new_password(&change.new)?;
    if chosen == change.current {
        return Err(EdgeError::refuse(
            ErrorCode::Invalid,
            "Choose a password other than the current one.",
        ));
    }
    db.set_own_password(&staff.profile.id, &hash(&chosen).await?)
        .await?;
    auth::end_other_sessions(&db, staff).await?;
    json(200, &())
}

/// A password in the stored form, with a fresh salt.
async fn hash(password: &str) -> EdgeResult<String> {
    let salt = random_bytes::<SALT_BYTES>()?.to_vec();
    let digest = pbkdf2(password, &salt, PASSWORD_ITERATIONS).await?;
    Ok(PasswordHash {
        iterations: PASSWORD_ITERATIONS,
        salt,
        digest,
    }
    .encode())
}

/// Ends every session of an account and closes their sockets.
async fn end_sessions(ctx: &Ctx<'_>, db: &Db, id: &OperatorId) -> EdgeResult<()> {
    let Some(profile) = db.operators().await?.into_iter().find(|o| o.id == *id) else {
        return Ok(());
    };
    db.delete_sessions_of(id).await?;
    let ended = SignedOut {
        operator: id.clone(),
        session: None,
    };
    auth::close_sockets(ctx.env, db, &profile, &ended).await
}

fn operator_in_path<'a>(ctx: &'a Ctx<'_>) -> EdgeResult<&'a OperatorId> {
    ctx.matched
        .operator
        .as_ref()
        .ok_or_else(|| EdgeError::Corrupt("operator route without an operator".into()))
}

fn no_account(id: &OperatorId) -> EdgeError {
    EdgeError::refuse(ErrorCode::NotFound, format!("There is no account {id}."))
}
