//! Operator sign-in and sessions.
//!
//! A session token is 256 random bits handed to the console in an
//! `HttpOnly; SameSite=Strict` cookie; D1 keeps only its SHA-256 with an
//! expiry. Passwords are checked with PBKDF2 and a constant-time comparison,
//! and an unknown address costs the same hashing work as a wrong password so
//! that timing does not reveal which accounts exist.

use charla_shared::api::{OperatorProfile, Session, SignIn, StaffRole};
use charla_shared::ids::SessionToken;
use charla_shared::limits::{
    MAX_EMAIL_CHARS, MAX_PASSWORD_BYTES, PASSWORD_ITERATIONS, SESSION_TTL_SECS,
};
use charla_shared::password::{PasswordHash, DIGEST_BYTES, SALT_BYTES};
use charla_shared::protocol::ErrorCode;
use charla_shared::routes::SESSION_COOKIE;
use charla_shared::Millis;
use worker::{Env, Request, Response, Url};

use crate::crypto::{pbkdf2, random_bytes, token_digest};
use crate::error::{EdgeError, EdgeResult};
use crate::http::{cookie, json, read_json, set_cookie};
use crate::internal::{self, paths, Call, SignedOut};
use crate::limiter;
use crate::now;
use crate::router::Ctx;
use crate::store::{Db, Operator};

/// A signed-in operator.
#[derive(Debug, Clone)]
pub struct Staff {
    /// Who.
    pub profile: OperatorProfile,
    /// SHA-256 of the session token.
    pub session: String,
    /// When the session ends.
    pub expires_at: Millis,
}

/// `POST /api/session`: signs in, setting the session cookie. Attempts
/// are limited per address and per account, apart from all other traffic.
pub async fn sign_in_route(req: &mut Request, ctx: &Ctx<'_>) -> EdgeResult<Response> {
    let form: SignIn = read_json(req).await?;
    limiter::sign_in(ctx.env, req, &form.email).await?;
    let (session, token) = sign_in(&Db::new(ctx.env)?, &form, now()).await?;
    Ok(json(200, &session)?.with_headers(set_cookie(&session_cookie(&token, ctx.url))?))
}

/// `GET /api/session`: who is signed in.
pub async fn session_route(ctx: &Ctx<'_>) -> EdgeResult<Response> {
    let staff = ctx.staff()?;
    let channels = Db::new(ctx.env)?.channels_for(&staff.profile).await?;
    json(
        200,
        &Session {
            operator: staff.profile.clone(),
            channels,
            expires_at: staff.expires_at,
        },
    )
}

/// `DELETE /api/session` ends this session; `DELETE /api/sessions` ends
/// every session of the operator. Either way every socket the ended
/// sessions hold, inboxes and conversations alike, is told and closed at
/// once, so a signed-out operator stops receiving anything.
pub async fn sign_out_route(ctx: &Ctx<'_>, everywhere: bool) -> EdgeResult<Response> {
    let staff = ctx.staff()?;
    let db = Db::new(ctx.env)?;
    let ended = SignedOut {
        operator: staff.profile.id.clone(),
        session: (!everywhere).then(|| staff.session.clone()),
    };
    if everywhere {
        db.delete_sessions_of(&staff.profile.id).await?;
    } else {
        db.delete_session(&staff.session).await?;
    }
    close_sockets(ctx.env, &db, &staff.profile, &ended).await?;
    Ok(Response::empty()?
        .with_status(204)
        .with_headers(set_cookie(&cleared_cookie(ctx.url))?))
}

/// The operator whose live session the request carries, from the session
/// cookie or an `Authorization: Bearer` header.
pub async fn staff(req: &Request, db: &Db, now: Millis) -> EdgeResult<Staff> {
    let token = presented_token(req)?.ok_or_else(|| {
        EdgeError::refuse(ErrorCode::Unauthorized, "Sign in to the console first.")
    })?;
    let session = token_digest(token.as_str());
    let (operator, expires_at) = db.session(&session, now).await?.ok_or_else(|| {
        EdgeError::refuse(
            ErrorCode::Unauthorized,
            "Your session has ended. Sign in again.",
        )
    })?;
    Ok(Staff {
        profile: operator.profile,
        session,
        expires_at,
    })
}

/// Refuses anyone but an admin.
pub fn require_admin(staff: &Staff) -> EdgeResult<()> {
    if staff.profile.role == StaffRole::Admin {
        Ok(())
    } else {
        Err(EdgeError::refuse(
            ErrorCode::Forbidden,
            "Only admins can do this.",
        ))
    }
}

/// Refuses an operator who still has the password an admin gave them:
/// they choose their own before anything else.
pub fn require_own_password(staff: &Staff) -> EdgeResult<()> {
    if staff.profile.must_change_password {
        return Err(EdgeError::refuse(
            ErrorCode::Forbidden,
            "Choose your own password first: the one you were given works only for that.",
        ));
    }
    Ok(())
}

/// The account whose password this is, or a refusal that does not say
/// which of the two was wrong. An unknown address costs the same hashing.
pub async fn check_password(db: &Db, email: &str, password: &str) -> EdgeResult<Operator> {
    if email.chars().count() > MAX_EMAIL_CHARS || password.len() > MAX_PASSWORD_BYTES {
        return Err(EdgeError::refuse(
            ErrorCode::Invalid,
            format!(
                "An e-mail address has at most {MAX_EMAIL_CHARS} characters and a password at most {MAX_PASSWORD_BYTES} bytes."
            ),
        ));
    }
    let operator = db.operator_by_email(email.trim()).await?;
    let stored = match &operator {
        Some(operator) => PasswordHash::parse(&operator.password_hash)
            .map_err(|e| EdgeError::Corrupt(e.to_string()))?,
        None => PasswordHash {
            iterations: PASSWORD_ITERATIONS,
            salt: vec![0; SALT_BYTES],
            digest: vec![0; DIGEST_BYTES],
        },
    };
    let derived = pbkdf2(password, &stored.salt, stored.iterations).await?;
    match operator {
        Some(operator) if stored.matches(&derived) => Ok(operator),
        _ => Err(EdgeError::refuse(
            ErrorCode::Unauthorized,
            "The e-mail address or the password is wrong.",
        )),
    }
}

/// Ends every session of the operator but the one in use (after they
/// chose a new password). Their sockets stop at the next session check.
pub async fn end_other_sessions(db: &Db, staff: &Staff) -> EdgeResult<()> {
    db.delete_other_sessions(&staff.profile.id, &staff.session)
        .await
}

/// Tells every object where the ended sessions hold sockets. The sessions
/// are gone from D1 already, so any frame they send is refused anyway; an
/// object that cannot be reached is logged and the others are still told.
pub async fn close_sockets(
    env: &Env,
    db: &Db,
    operator: &OperatorProfile,
    ended: &SignedOut,
) -> EdgeResult<()> {
    let mut stubs = Vec::new();
    for conversation in db.operator_sockets(ended).await? {
        stubs.push(internal::conversation(env, &conversation)?);
    }
    for channel in db.channels_for(operator).await? {
        stubs.push(internal::inbox(env, &channel.id)?);
    }
    for stub in stubs {
        if let Err(error) = Call::post(paths::SIGN_OUT, ended)?.expect(&stub, 204).await {
            worker::console_error!("sign-out did not reach an object: {error}");
        }
    }
    db.forget_operator_sockets(ended).await
}

/// Checks credentials and opens a session; returns it with its token.
async fn sign_in(db: &Db, form: &SignIn, now: Millis) -> EdgeResult<(Session, SessionToken)> {
    let operator = check_password(db, &form.email, &form.password).await?;
    let token = SessionToken::from_random(random_bytes()?);
    let expires_at = now + SESSION_TTL_SECS * 1000;
    db.create_session(
        &token_digest(token.as_str()),
        &operator.profile.id,
        now,
        expires_at,
    )
    .await?;
    let channels = db.channels_for(&operator.profile).await?;
    Ok((
        Session {
            operator: operator.profile,
            channels,
            expires_at,
        },
        token,
    ))
}

/// The `Set-Cookie` value that hands the console its session.
fn session_cookie(token: &SessionToken, url: &Url) -> String {
    format!(
        "{SESSION_COOKIE}={}; Path=/api; HttpOnly; SameSite=Strict; Max-Age={SESSION_TTL_SECS}{}",
        token.as_str(),
        secure_attribute(url)
    )
}

/// The `Set-Cookie` value that removes the session cookie.
fn cleared_cookie(url: &Url) -> String {
    format!(
        "{SESSION_COOKIE}=; Path=/api; HttpOnly; SameSite=Strict; Max-Age=0{}",
        secure_attribute(url)
    )
}

fn presented_token(req: &Request) -> EdgeResult<Option<SessionToken>> {
    let bearer = req
        .headers()
        .get("authorization")?
        .and_then(|h| h.strip_prefix("Bearer ").map(str::to_owned));
    let raw = match bearer {
        Some(token) => Some(token),
        None => cookie(req, SESSION_COOKIE)?,
    };
    // A malformed token is treated like a missing one: it opens nothing.
    Ok(raw.and_then(|t| SessionToken::parse(t).ok()))
}

/// Plain-HTTP local development cannot use `Secure` cookies.
fn secure_attribute(url: &Url) -> &'static str {
    if url.scheme() == "https" {
        "; Secure"
    } else {
        ""
    }
}
