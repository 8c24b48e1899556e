//! Middleware that guards routes before any handler runs: who may reach a route group, and
//! which requests are refused outright (another site's form, a NUL in the query).

use axum::extract::Request;
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use super::error::AppError;
use super::http::has_nul;
use super::session::Session;
use crate::domain::access::Actor;

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

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

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
}
