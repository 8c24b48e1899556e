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
pub mod regimes;
pub mod report_files;
pub mod reports;
pub mod shortcomings;
pub mod tasks;

use askama::Template;
use axum::http::HeaderMap;
use axum::response::{Html, Response};
use sqlx::{Postgres, Transaction};

use super::error::AppError;
use super::session::Session;
use super::state::AppState;
use crate::commands::By;
use crate::db::audit::{self as audit_log, AuditEntry};
use crate::web::http::request_id;
use crate::web::http::see_other;

/// Renders a page template.
pub fn render(page: &impl Template) -> Result<Html<String>, AppError> {
    Ok(Html(page.render()?))
}

/// Parses an id from the path; anything that is not a positive number is simply not found.
pub fn parse_id(raw: &str) -> Result<i64, AppError> {
    super::forms::id_of(raw).ok_or(AppError::NotFound)
}

/// Who acts, as the commands take it: the signed-in user, now, for this request.
pub fn by<'a>(state: &AppState, session: &'a Session, headers: &'a HeaderMap) -> By<'a> {
    By {
        actor: &session.user.actor,
        name: &session.user.full_name,
        request_id: request_id(headers),
        now: state.clock.now(),
        today: state.today(),
    }
}

/// Ends a command's change the same way everywhere: the commit, a one-time message for the
/// next page, and a 303 to `location`.
pub async fn saved(
    state: &AppState,
    session: &Session,
    tx: Transaction<'_, Postgres>,
    (message, value): (&str, Option<String>),
    location: &str,
) -> Result<Response, AppError> {
    tx.commit().await?;
    session.flash(state, message, value).await?;
    Ok(see_other(location))
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

/// The message after an administrative save.
pub const SAVED: (&str, Option<String>) = ("admin.saved", None);

/// Rows per page in lists.
pub const PAGE_SIZE: i64 = 50;

/// Which page of a list is shown.
#[derive(Debug, Clone, Copy)]
pub struct Pagination {
    pub page: i64,
    pub pages: i64,
    pub total: i64,
    /// The count stopped at `total`; there are more.
    pub more: bool,
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
        Pagination {
            page,
            pages,
            total,
            more: false,
        }
    }

    /// For a count that stopped at `cap`: past it, the list says "more than `cap`" and pages
    /// as far as `cap` (people narrow a search rather than page through thousands).
    pub fn capped(page: i64, total: i64, cap: i64) -> Self {
        if total > cap {
            Pagination {
                more: true,
                ..Pagination::new(page, cap)
            }
        } else {
            Pagination::new(page, total)
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_capped_count_pages_as_far_as_the_cap() {
        let exact = Pagination::capped(1, 120, 1000);
        assert_eq!((exact.total, exact.pages, exact.more), (120, 3, false));
        let at_cap = Pagination::capped(1, 1000, 1000);
        assert!(!at_cap.more);
        let past = Pagination::capped(2, 1001, 1000);
        assert_eq!((past.total, past.pages, past.more), (1000, 20, true));
        assert!(past.has_next() && past.has_prev());
    }
}
