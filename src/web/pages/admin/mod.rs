//! Administration (administrators only; the guard is on the route group): units, users,
//! fields and sources. Every change is audited in the same transaction.

pub mod fields;
pub mod sources;
pub mod units;
pub mod users;

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{Html, Response};
use sqlx::{Postgres, Transaction};

use super::render;
use crate::db::audit::{self, AuditEntry};
use crate::web::ctx::{PageCtx, request_id};
use crate::web::error::AppError;
use crate::web::session::{Session, see_other};
use crate::web::state::AppState;

/// Counts shown on the administration home.
pub struct Counts {
    pub units: i64,
    pub users: i64,
    pub fields: i64,
    pub sources: i64,
}

#[derive(Template)]
#[template(path = "admin/index.html")]
pub struct IndexPage {
    ctx: PageCtx,
    counts: Counts,
}

/// `GET /admin`.
pub async fn index(State(state): State<AppState>, ctx: PageCtx) -> Result<Html<String>, AppError> {
    let (units, users, fields, sources): (i64, i64, i64, i64) = sqlx::query_as(
        "select (select count(*) from units), (select count(*) from users),
                (select count(*) from fields), (select count(*) from sources)",
    )
    .fetch_one(&state.pool)
    .await?;
    render(&IndexPage {
        ctx,
        counts: Counts {
            units,
            users,
            fields,
            sources,
        },
    })
}

/// Ends an administrative change the same way everywhere: its audit entry (by the signed-in
/// user, with the request id) in the change's transaction, the commit, a one-time message for
/// the next page, and a 303 to `location`.
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
    audit::record(&mut *tx, entry).await?;
    tx.commit().await?;
    session.flash(state, message, value).await?;
    Ok(see_other(location))
}

/// Serialises a value for the audit log's before/after.
pub fn snapshot(value: &impl serde::Serialize) -> Option<serde_json::Value> {
    serde_json::to_value(value).ok()
}
