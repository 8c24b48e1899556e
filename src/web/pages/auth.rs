//! Sign-in, sign-out and changing one's password.

use askama::Template;

use axum::extract::{FromRequest, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use chrono::Duration;
use serde::Deserialize;
use serde_json::json;

use super::render;
use crate::db::audit::{self, AuditEntry};
use crate::db::auth as queries;
use crate::domain::input::FieldErrors;
use crate::domain::password::{self, check_policy};
use crate::web::ctx::PageCtx;
use crate::web::error::AppError;
use crate::web::extract::{CsrfForm, PlainForm};
use crate::web::forms::NoFields;
use crate::web::http::{client_ip, random_token, see_other};
use crate::web::http::{local_path, request_id};
use crate::web::session::{Session, session_cookie, session_id};
use crate::web::state::AppState;

#[derive(Template)]
#[template(path = "auth/signin.html")]
pub struct SignInPage {
    ctx: PageCtx,
    username: String,
    next: String,
    error: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct SignInQuery {
    next: Option<String>,
}

/// `GET /signin`.
pub async fn signin_form(
    ctx: PageCtx,
    session: Option<Session>,
    Query(query): Query<SignInQuery>,
) -> Result<Response, AppError> {
    if session.is_some() {
        return Ok(see_other("/"));
    }
    Ok(render(&SignInPage {
        ctx,
        username: String::new(),
        next: safe_next(query.next.as_deref()),
        error: None,
    })?
    .into_response())
}

#[derive(Debug, Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// `POST /signin`: the same answer, in about the same time, whether the user exists or not.
pub async fn signin(
    State(state): State<AppState>,
    ctx: PageCtx,
    old_session: Option<Session>,
    headers: HeaderMap,
    request_parts: axum::extract::Request,
) -> Result<Response, AppError> {
    let ip = client_ip(request_parts.extensions());
    let PlainForm(form) = PlainForm::<SignInForm>::from_request(request_parts, &state).await?;
    let username = form.username.trim().to_owned();
    let next = safe_next(Some(&form.next));
    let now = state.clock.now();
    let again = |ctx: PageCtx,
                 key: &str,
                 status: StatusCode,
                 extra: Option<String>|
     -> Result<Response, AppError> {
        let message = match extra {
            Some(text) => text,
            None => ctx.t(key).to_owned(),
        };
        Ok((
            status,
            render(&SignInPage {
                ctx,
                username: username.clone(),
                next: next.clone(),
                error: Some(message),
            })?,
        )
            .into_response())
    };

    if username.is_empty() || form.password.is_empty() {
        return again(
            ctx,
            "signin.missing",
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
        );
    }
    // Throttle guessing from one address, whatever usernames it tries.
    if let Some(ip) = ip {
        let window = now - Duration::minutes(15);
        if queries::failures_from(&state.pool, ip, window).await?
            >= i64::from(state.config.login_ip_limit)
        {
            return again(ctx, "signin.throttled", StatusCode::TOO_MANY_REQUESTS, None);
        }
    }

    let user = queries::find_for_sign_in(&state.pool, &username).await?;
    // A username with no account is locked the same way as an account, so the answer never
    // tells which usernames exist.
    let locked_until = match &user {
        Some(user) => user.locked_until,
        None => queries::unknown_locked_until(&state.pool, &username).await?,
    };
    if let Some(locked_until) = locked_until.filter(|t| *t > now) {
        queries::record_attempt(&state.pool, ip, &username, false, now).await?;
        let minutes = ((locked_until - now).num_seconds() + 59) / 60;
        let text = ctx.tf("signin.locked", minutes.max(1));
        return again(
            ctx,
            "signin.locked",
            StatusCode::TOO_MANY_REQUESTS,
            Some(text),
        );
    }
    let hash = user
        .as_ref()
        .map(|u| u.password_hash.clone())
        .unwrap_or_else(|| password::dummy_hash().to_owned());
    let matches = password::verify_blocking(form.password.clone(), hash).await?;

    let request_id = request_id(&headers).map(str::to_owned);
    let user = match (user, matches) {
        (Some(user), true) => user,
        (user, _) => {
            let mut tx = state.pool.begin().await?;
            let mut locked = None;
            let lock_until = now + Duration::from_std(state.config.login_lock).unwrap_or_default();
            if let Some(user) = &user {
                locked = queries::record_failure(
                    &mut *tx,
                    user.id,
                    state.config.login_max_failures,
                    lock_until,
                )
                .await?;
            } else {
                queries::record_unknown_failure(
                    &mut *tx,
                    &username,
                    state.config.login_max_failures,
                    lock_until,
                )
                .await?;
            }
            queries::record_attempt(&mut *tx, ip, &username, false, now).await?;
            audit::record(
                &mut *tx,
                AuditEntry {
                    actor: user.as_ref().map(|u| u.id),
                    action: "auth.sign_in_failed",
                    entity: "user",
                    entity_id: Some(username.clone()),
                    unit: user.as_ref().map(|u| u.unit_id),
                    after: Some(json!({ "locked": locked.is_some() })),
                    request_id: request_id.as_deref(),
                    ip,
                    ..Default::default()
                },
            )
            .await?;
            tx.commit().await?;
            return again(ctx, "signin.failed", StatusCode::UNPROCESSABLE_ENTITY, None);
        }
    };

    // A new session with a new id (never the one the browser came with), and a new token.
    let token = random_token();
    let id = session_id(&token);
    let expires = now + Duration::from_std(state.config.session_lifetime).unwrap_or_default();
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok());
    let mut tx = state.pool.begin().await?;
    if let Some(old) = &old_session {
        queries::delete_session(&mut *tx, &old.id).await?;
    }
    queries::create_session(
        &mut *tx,
        &queries::NewSession {
            id: &id,
            user: user.id,
            csrf_token: &random_token(),
            ip,
            user_agent,
            now,
            expires_at: expires,
        },
    )
    .await?;
    queries::record_success(&mut *tx, user.id, now).await?;
    queries::record_attempt(&mut *tx, ip, &user.username, true, now).await?;
    audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user.id),
            action: "auth.sign_in",
            entity: "user",
            entity_id: Some(user.id.to_string()),
            unit: Some(user.unit_id),
            request_id: request_id.as_deref(),
            ip,
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    if let Err(e) = queries::purge_expired(&state.pool, now).await {
        tracing::warn!(error = %e, "purging old sign-in attempts");
    }

    let target = if user.must_change_password {
        "/account/password".to_owned()
    } else {
        next
    };
    let mut response = see_other(&target);
    response.headers_mut().insert(
        header::SET_COOKIE,
        session_cookie(Some(&token), state.config.https),
    );
    Ok(response)
}

/// `POST /signout`: ends the session.
pub async fn signout(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let request_id = request_id(&headers);
    let mut tx = state.pool.begin().await?;
    queries::delete_session(&mut *tx, &session.id).await?;
    audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(session.user.id),
            action: "auth.sign_out",
            entity: "user",
            entity_id: Some(session.user.id.to_string()),
            unit: Some(session.user.unit_id),
            request_id,
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    let mut response = see_other("/signin");
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session_cookie(None, state.config.https));
    Ok(response)
}

#[derive(Template)]
#[template(path = "auth/password.html")]
pub struct PasswordPage {
    ctx: PageCtx,
    forced: bool,
    errors: FieldErrors,
    done: bool,
}

#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

/// `GET /account/password`.
pub async fn password_form(
    ctx: PageCtx,
    session: Session,
    Query(q): Query<DoneQuery>,
) -> Result<Html<String>, AppError> {
    render(&PasswordPage {
        ctx,
        forced: session.user.must_change_password,
        errors: FieldErrors::default(),
        done: q.done.is_some(),
    })
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

/// `POST /account/password`: checks the current password and the policy, then ends every other
/// session of the user.
pub async fn change_password(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> Result<Response, AppError> {
    let user = &session.user;
    let current_hash = queries::password_hash(&state.pool, user.id).await?;
    let current_ok = password::verify_blocking(form.current.clone(), current_hash).await?;
    let mut errors = FieldErrors::default();
    if !current_ok {
        errors.add("current", ctx.t("password.current_wrong"));
    }
    if let Err(problem) = check_policy(&form.new, &user.username) {
        errors.add("new", ctx.t(problem.message_key()));
    } else if form.new == form.current {
        errors.add("new", ctx.t("password.same_as_current"));
    }
    if form.confirm != form.new {
        errors.add("confirm", ctx.t("password.mismatch"));
    }
    if !errors.is_empty() {
        let forced = user.must_change_password;
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&PasswordPage {
                ctx,
                forced,
                errors,
                done: false,
            })?,
        )
            .into_response());
    }
    let hash = password::hash_blocking(form.new.clone()).await?;
    let request_id = request_id(&headers);
    let mut tx = state.pool.begin().await?;
    queries::set_password(&mut *tx, user.id, &hash, false, state.clock.now()).await?;
    let ended = queries::delete_user_sessions(&mut *tx, user.id, Some(&session.id)).await?;
    audit::record(
        &mut *tx,
        AuditEntry {
            actor: Some(user.id),
            action: "user.change_password",
            entity: "user",
            entity_id: Some(user.id.to_string()),
            unit: Some(user.unit_id),
            after: Some(json!({ "other_sessions_ended": ended })),
            request_id,
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(see_other("/account/password?done=1"))
}

/// Where to go after signing in: a path of this site, never the sign-in page itself.
fn safe_next(next: Option<&str>) -> String {
    let path = local_path(next);
    if path.starts_with("/signin") {
        "/".to_owned()
    } else {
        path
    }
}
