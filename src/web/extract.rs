//! Extractors for URL-encoded forms: the body read with a NUL refused, the CSRF token checked
//! against the session's, the fields parsed (repeated names into a `Vec`).

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

use super::error::AppError;
use super::http::has_nul;
use super::session::Session;
use super::state::AppState;

/// Name of the form field that carries the CSRF token.
pub const CSRF_FIELD: &str = "_csrf";

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

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare_in_constant_time() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
