//! One-time form keys: a form that adds something (a task, a reminder, a contribution, a file,
//! a unit…) posts to an address carrying `_once=<random key>`, made when the page was shown.
//! The first request with a key claims it and runs; when it ends in a redirect (saved), the
//! key keeps where it led. The same form sent again (a double click, a resent page, a retry
//! after a lost answer) is sent to that same place and adds nothing; sent while the first is
//! still running, it waits for it. A request that did not save (a message beside a field, a
//! refusal, an error) releases the key, so the corrected form goes through.

use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sqlx::PgPool;

use super::error::AppError;
use super::state::AppState;
use crate::db;
use crate::web::http::see_other;

/// The query parameter that carries the key.
pub const PARAM: &str = "_once";

/// How long a repeated request waits for the first one to finish.
const WAIT_FOR_FIRST: Duration = Duration::from_secs(10);

/// The key in a query string, if it has a well-formed one.
fn key_of(query: Option<&str>) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query?).ok()?;
    pairs
        .into_iter()
        .find(|(name, _)| name == PARAM)
        .map(|(_, value)| value)
        .filter(|v| (32..=64).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(|v| v.to_ascii_lowercase())
}

enum Claim {
    /// This request is the first with the key.
    First,
    /// An earlier request with the key saved and led to this address.
    Done(String),
    /// An earlier request with the key is still running.
    Running,
}

async fn claim(pool: &PgPool, key: &str) -> Result<Claim, sqlx::Error> {
    if db::form_submissions::claim(pool, key).await? {
        return Ok(Claim::First);
    }
    let location = db::form_submissions::location(pool, key).await?;
    Ok(match location {
        Some(Some(location)) => Claim::Done(location),
        Some(None) => Claim::Running,
        // Released between the two statements: this request may go.
        None => Box::pin(claim(pool, key)).await?,
    })
}

/// Middleware (every route): applies the key of a POST that carries one.
pub async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let Some(key) = key_of(request.uri().query()) else {
        return next.run(request).await;
    };
    let started = tokio::time::Instant::now();
    loop {
        match claim(&state.pool, &key).await {
            Err(e) => return AppError::from(e).into_response(),
            Ok(Claim::Done(location)) => return see_other(&location),
            Ok(Claim::Running) if started.elapsed() < WAIT_FOR_FIRST => {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Ok(Claim::Running) => {
                // The first request is taking very long (or died): say so, add nothing.
                return AppError::AlreadySent.into_response();
            }
            Ok(Claim::First) => break,
        }
    }
    let response = next.run(request).await;
    let location = response
        .status()
        .is_redirection()
        .then(|| response.headers().get(header::LOCATION))
        .flatten()
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let recorded = match &location {
        Some(location) => db::form_submissions::set_location(&state.pool, &key, location).await,
        None => db::form_submissions::release(&state.pool, &key).await,
    };
    if let Err(e) = recorded {
        // The answer stands; a resend will wait, then be told the form was already sent.
        tracing::warn!(error = %e, "recording a one-time form key");
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_a_long_hex_token() {
        let key = "a".repeat(64);
        assert_eq!(key_of(Some(&format!("_once={key}"))), Some(key.clone()));
        assert_eq!(key_of(Some(&format!("x=1&_once={key}"))), Some(key));
        assert_eq!(key_of(Some("_once=short")), None);
        assert_eq!(key_of(Some(&format!("_once={}", "z".repeat(64)))), None);
        assert_eq!(key_of(None), None);
    }
}
