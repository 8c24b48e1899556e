//! Server-side sessions, the guards that protect route groups, and CSRF protection.
//!
//! The cookie holds a random token; the database holds only its SHA-256, so a leaked sessions
//! table cannot be replayed. Every state-changing request must come from this site (`Origin` /
//! `Sec-Fetch-Site`) and, once signed in, carry the session's CSRF token in its form.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{
    ConnectInfo, FromRequest, FromRequestParts, OptionalFromRequestParts, Request, State,
};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Duration;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use super::ctx::cookie;
use super::error::AppError;
use super::state::AppState;
use crate::db::auth as queries;
use crate::db::directory::{Directory, Names, Versions};
use crate::domain::access::Actor;
use crate::domain::{Role, UnitId, UserId};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "rtp_session";
/// Name of the form field that carries the CSRF token.
pub const CSRF_FIELD: &str = "_csrf";

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

/// A new random token (256 bits from the OS generator, via two v4 UUIDs).
pub fn random_token() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
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

/// The client's address, when the server knows it.
pub fn client_ip(parts_extensions: &axum::http::Extensions) -> Option<IpAddr> {
    parts_extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
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

/// Paths a user who must change their password may still open.
const PASSWORD_CHANGE_PATHS: [&str; 2] = ["/account/password", "/signout"];

/// The guard of a route group: no session → the sign-in page; a password to change → the
/// change-password page first, whatever the group; then the group's own rule (`allowed`) →
/// the 403 page if it does not hold.
pub async fn require(allowed: fn(&Actor) -> bool, request: Request, next: Next) -> Response {
    let Some(session) = request.extensions().get::<Session>() else {
        return AppError::Unauthenticated.into_response();
    };
    if session.user.must_change_password && !PASSWORD_CHANGE_PATHS.contains(&request.uri().path()) {
        return Redirect::to("/account/password").into_response();
    }
    if !allowed(&session.user.actor) {
        return AppError::Forbidden.into_response();
    }
    next.run(request).await
}

/// Middleware (every route): a query string with a NUL character is refused before any page
/// reads it. No person types one, and PostgreSQL refuses it in text; forms are checked the same
/// way by their extractors ([`CsrfForm`], `MultipartForm`).
pub async fn refuse_nul_in_query(request: Request, next: Next) -> Response {
    if request
        .uri()
        .query()
        .is_some_and(|query| has_nul(query.as_bytes()))
    {
        return AppError::BadRequest.into_response();
    }
    next.run(request).await
}

/// Middleware (every route): a state-changing request must come from a page of this site.
/// Browsers send `Origin` (and `Sec-Fetch-Site`) with every POST; a request from another site
/// is refused before any handler runs.
pub async fn verify_origin(request: Request, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    if !same_origin(request.headers()) {
        tracing::warn!(origin = ?request.headers().get(header::ORIGIN), "cross-site request refused");
        return AppError::CsrfRejected.into_response();
    }
    next.run(request).await
}

fn same_origin(headers: &HeaderMap) -> bool {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("");
        let origin_host = origin
            .strip_prefix("https://")
            .or_else(|| origin.strip_prefix("http://"))
            .unwrap_or("");
        return host.is_some_and(|h| h.eq_ignore_ascii_case(origin_host));
    }
    match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        Some(site) => matches!(site, "same-origin" | "none"),
        // Neither header: not what a browser sends with a form from the portal's own pages
        // (every browser the portal supports sends one of them), so not taken as coming from
        // them; this also covers the sign-in form, which has no CSRF token before a session.
        None => false,
    }
}

/// A URL-encoded form posted by a signed-in user, with its CSRF token checked.
#[derive(Debug)]
pub struct CsrfForm<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, AppError> {
        let session = request
            .extensions()
            .get::<Session>()
            .cloned()
            .ok_or(AppError::Unauthenticated)?;
        let bytes = form_body(request, state).await?;
        let fields: HashMap<String, String> =
            serde_urlencoded::from_bytes(&bytes).map_err(|_| AppError::BadRequest)?;
        check_csrf(&session, fields.get(CSRF_FIELD).map(String::as_str))?;
        parse_form(&bytes).map(CsrfForm)
    }
}

/// A URL-encoded form that carries no CSRF token: the sign-in form, posted before there is a
/// session (the origin check still applies).
#[derive(Debug)]
pub struct PlainForm<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for PlainForm<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, AppError> {
        let bytes = form_body(request, state).await?;
        parse_form(&bytes).map(PlainForm)
    }
}

/// The body of a URL-encoded form. A NUL is refused: no person types one into a form, and
/// PostgreSQL refuses it in text.
async fn form_body(request: Request, state: &AppState) -> Result<Bytes, AppError> {
    let bytes = Bytes::from_request(request, state)
        .await
        .map_err(|_| AppError::BadRequest)?;
    if has_nul(&bytes) {
        return Err(AppError::BadRequest);
    }
    Ok(bytes)
}

/// serde_html_form reads repeated names (checkboxes, multi-selects) into a `Vec`.
fn parse_form<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    serde_html_form::from_bytes(bytes).map_err(|_| AppError::BadRequest)
}

/// Checks the token a form sent against its session's, in constant time.
pub fn check_csrf(session: &Session, sent: Option<&str>) -> Result<(), AppError> {
    if constant_time_eq(sent.unwrap_or("").as_bytes(), session.csrf_token.as_bytes()) {
        Ok(())
    } else {
        Err(AppError::CsrfRejected)
    }
}

/// True when URL-encoded text carries a NUL character (`%00`), which no form field may hold.
pub fn has_nul(encoded: &[u8]) -> bool {
    encoded
        .windows(3)
        .any(|w| w[0] == b'%' && w[1] == b'0' && w[2] == b'0')
        || encoded.contains(&0)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A 303 redirect (post-redirect-get).
pub fn see_other(location: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, location.to_owned())],
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_checks() {
        let mut h = HeaderMap::new();
        h.insert(
            header::HOST,
            HeaderValue::from_static("portal.example:8080"),
        );
        // Neither Origin nor Sec-Fetch-Site: not a form from the portal's pages.
        assert!(!same_origin(&h));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://portal.example:8080"),
        );
        assert!(same_origin(&h));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://evil.example"),
        );
        assert!(!same_origin(&h));
        h.insert(header::ORIGIN, HeaderValue::from_static("null"));
        assert!(!same_origin(&h));
        h.remove(header::ORIGIN);
        h.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(!same_origin(&h));
        h.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
        assert!(same_origin(&h));
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = random_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, random_token());
        assert_eq!(session_id(&a).len(), 64);
        assert_ne!(session_id(&a), a);
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
