//! Page handlers, one module per area; each page's template mirrors its path.

pub mod admin;
pub mod audit;
pub mod auth;
pub mod dashboard;
pub mod files;
pub mod health;
pub mod home;
pub mod lang;
pub mod notifications;
pub mod plans;
pub mod shortcomings;
pub mod tasks;

use askama::Template;
use axum::http::HeaderMap;
use axum::response::{Html, Response};
use sqlx::{Postgres, Transaction};

use super::ctx::request_id;
use super::error::AppError;
use super::session::{Session, see_other};
use super::state::AppState;
use crate::db::audit::{self as audit_log, AuditEntry};

/// Renders a page template.
pub fn render(page: &impl Template) -> Result<Html<String>, AppError> {
    Ok(Html(page.render()?))
}

/// Parses an id from the path; anything that is not a positive number is simply not found.
pub fn parse_id(raw: &str) -> Result<i64, AppError> {
    super::forms::id_of(raw).ok_or(AppError::NotFound)
}

/// Ends a change the same way everywhere: its audit entry (by the signed-in user, with the
/// request id) in the change's transaction, the commit, a one-time message for the next page,
/// and a 303 to `location`.
pub async fn finish<'a>(
    state: &AppState,
    session: &Session,
    headers: &'a HeaderMap,
    mut tx: Transaction<'_, Postgres>,
    entry: AuditEntry<'a>,
    (message, value): (&str, Option<String>),
    location: &str,
) -> Result<Response, AppError> {
    let entry = AuditEntry {
        actor: Some(session.user.id),
        request_id: request_id(headers),
        ..entry
    };
    audit_log::record(&mut *tx, entry).await?;
    tx.commit().await?;
    session.flash(state, message, value).await?;
    Ok(see_other(location))
}

/// Serialises a value for the audit log's before/after.
pub fn snapshot(value: &impl serde::Serialize) -> Option<serde_json::Value> {
    serde_json::to_value(value).ok()
}

/// Rows per page in lists.
pub const PAGE_SIZE: i64 = 50;

/// Which page of a list is shown.
#[derive(Debug, Clone, Copy)]
pub struct Pagination {
    pub page: i64,
    pub pages: i64,
    pub total: i64,
}

impl Pagination {
    /// Page number from the query (bad or missing values mean page 1).
    pub fn requested(raw: Option<&str>) -> i64 {
        raw.and_then(|p| p.parse::<i64>().ok())
            .filter(|p| *p >= 1)
            .unwrap_or(1)
    }

    pub fn new(page: i64, total: i64) -> Self {
        let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
        Pagination { page, pages, total }
    }

    pub fn offset(page: i64) -> i64 {
        (page - 1).saturating_mul(PAGE_SIZE)
    }

    pub fn has_prev(&self) -> bool {
        self.page > 1
    }

    pub fn has_next(&self) -> bool {
        self.page < self.pages
    }

    pub fn prev(&self) -> i64 {
        self.page - 1
    }

    pub fn next(&self) -> i64 {
        self.page + 1
    }
}
