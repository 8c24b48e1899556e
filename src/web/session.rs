//! Server-side sessions: the cookie, the row it names, the signed-in user and their units.
//!
//! The cookie holds a random token; the database holds only its SHA-256, so a leaked sessions
//! table cannot be replayed. (Route guards are in `guard`, the CSRF check in `extract`.)

use std::sync::Arc;

use axum::extract::{FromRequestParts, OptionalFromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::Duration;
use sha2::{Digest, Sha256};

use super::error::AppError;
use super::http::cookie;
use super::state::AppState;
use crate::db::auth as queries;
use crate::db::directory::{Directory, Names, Versions};
use crate::domain::access::Actor;
use crate::domain::{Role, UnitId, UserId};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "rtp_session";

/// The signed-in user of a request.
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub id: UserId,
    pub username: String,
    pub full_name: String,
    pub role: Role,
    pub unit_id: UnitId,
    pub unit_name: String,
    pub must_change_password: bool,
    pub actor: Actor,
}

/// A live session, put in the request's extensions by [`load_session`].
#[derive(Debug, Clone)]
pub struct Session {
    /// SHA-256 of the cookie value (the row's id).
    pub id: String,
    pub csrf_token: String,
    pub user: SessionUser,
    /// The one-time message this page shows (already cleared in the database).
    pub flash: Option<Flash>,
    /// Unread notifications, for the bell in the header (counted up to a cap).
    pub unread_notifications: i64,
    /// The names of units, people, shortcomings and plans, as committed when the request came.
    pub directory: Arc<Directory>,
}

impl Session {
    /// Where the request's pages take the names of units, people, shortcomings and plans.
    pub fn names<'a>(&'a self, state: &'a AppState) -> Names<'a> {
        Names {
            cache: &state.directory,
            directory: &self.directory,
        }
    }
}

/// A one-time message: a catalog key and an optional value for its `{n}`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Flash {
    pub key: String,
    #[serde(default)]
    pub value: Option<String>,
}

impl Session {
    /// Leaves a message for the next page this session shows (after a 303). Written after the
    /// action it reports was committed, so it cannot fail the action: if the database went
    /// away in between, the message is lost and said in the log, and the user is still sent on
    /// as after a success (the next page shows what was saved).
    pub async fn flash(
        &self,
        state: &AppState,
        key: &str,
        value: Option<String>,
    ) -> Result<(), AppError> {
        let flash = serde_json::to_value(Flash {
            key: key.to_owned(),
            value,
        })
        .map_err(|e| AppError::Internal(e.into()))?;
        if let Err(e) = queries::set_flash(&state.pool, &self.id, &flash).await {
            tracing::warn!(error = %e, key, "the one-time message after a saved change was lost");
        }
        Ok(())
    }
}

/// The session id stored for a cookie value.
pub fn session_id(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The `Set-Cookie` value for a session token (or, with `None`, one that removes it).
pub fn session_cookie(token: Option<&str>, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let value = match token {
        Some(token) => format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax{secure}"),
        None => format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"),
    };
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Middleware (every route): finds the session the cookie names, if it is still alive, and
/// keeps it alive.
pub async fn load_session(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    // Machines and static files never need a session (and must not depend on one).
    let path = request.uri().path();
    let sessionless = path.starts_with("/static/") || path == "/healthz" || path == "/readyz";
    if !sessionless && let Some(token) = cookie(request.headers(), SESSION_COOKIE) {
        let id = session_id(&token);
        let now = state.clock.now();
        let idle_since = now - Duration::from_std(state.config.session_idle).unwrap_or_default();
        match signed_in(
            &state,
            &id,
            now,
            idle_since,
            request.method() == Method::GET,
        )
        .await
        {
            Ok(Some(session)) => {
                request.extensions_mut().insert(session);
            }
            Ok(None) => {}
            // Not "signed out": the database is unreachable, and the page says so.
            Err(e) => return AppError::Internal(e.into()).into_response(),
        }
    }
    let session = request.extensions().get::<Session>().cloned();
    let mut response = next.run(request).await;
    // The error-page middleware, outside this one, shows who is signed in.
    if let Some(session) = session {
        response.extensions_mut().insert(session);
    }
    response
}

/// The live session `id` with its user, their units and the directory; a GET shows (and
/// forgets) the session's one-time message.
async fn signed_in(
    state: &AppState,
    id: &str,
    now: chrono::DateTime<chrono::Utc>,
    idle_since: chrono::DateTime<chrono::Utc>,
    shows_flash: bool,
) -> Result<Option<Session>, sqlx::Error> {
    let Some(row) = queries::load_session(&state.pool, id, now, idle_since).await? else {
        return Ok(None);
    };
    // Refresh the idle clock at most once a minute, not on every request.
    if now - row.last_seen_at > Duration::seconds(60)
        && let Err(e) = queries::touch_session(&state.pool, id, now).await
    {
        tracing::warn!(error = %e, "touching the session");
    }
    // A one-time message is shown by the next page, then forgotten.
    let flash = match (&row.flash, shows_flash) {
        (Some(value), true) => {
            if let Err(e) = queries::clear_flash(&state.pool, id).await {
                tracing::warn!(error = %e, "clearing the flash message");
            }
            serde_json::from_value::<Flash>(value.clone()).ok()
        }
        _ => None,
    };
    let directory = state
        .directory
        .at_least(&state.pool, Versions::from_column(&row.directory_versions))
        .await?;
    // A unit head works on the units below theirs too; others on their own only.
    let units = match row.role {
        Role::UnitHead => directory.units().subtree(row.unit_id),
        _ => vec![row.unit_id],
    };
    // The user's unit was committed with the versions just read, so the directory has it.
    let unit_name = directory
        .unit(row.unit_id)
        .map(|u| u.name.clone())
        .unwrap_or_default();
    let actor = Actor {
        id: row.user_id,
        role: row.role,
        unit_id: row.unit_id,
        units,
    };
    Ok(Some(Session {
        id: id.to_owned(),
        csrf_token: row.csrf_token,
        user: SessionUser {
            id: row.user_id,
            username: row.username,
            full_name: row.full_name,
            role: row.role,
            unit_id: row.unit_id,
            unit_name,
            must_change_password: row.must_change_password,
            actor,
        },
        flash,
        unread_notifications: row.unread_notifications,
        directory,
    }))
}

impl FromRequestParts<AppState> for Session {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, AppError> {
        parts
            .extensions
            .get::<Session>()
            .cloned()
            .ok_or(AppError::Unauthenticated)
    }
}

impl OptionalFromRequestParts<AppState> for Session {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        _: &AppState,
    ) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<Session>().cloned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_are_stored_hashed() {
        let token = crate::web::http::random_token();
        assert_eq!(session_id(&token).len(), 64);
        assert_ne!(session_id(&token), token);
    }
}
