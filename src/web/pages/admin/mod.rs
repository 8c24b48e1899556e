//! Administration (administrators only; the guard is on the route group): units, users,
//! fields and sources. Every change is audited in the same transaction (see `super::finish`).

pub mod fields;
pub mod jobs;
pub mod sources;
pub mod units;
pub mod users;

use askama::Template;
use axum::extract::State;
use axum::response::Html;

use super::render;
use crate::web::ctx::PageCtx;
use crate::web::error::AppError;
use crate::web::state::AppState;

/// Counts shown on the administration home.
pub struct Counts {
    pub units: i64,
    pub users: i64,
    pub fields: i64,
    pub sources: i64,
    /// Jobs whose last run failed.
    pub jobs_failing: i64,
}

#[derive(Template)]
#[template(path = "admin/index.html")]
pub struct IndexPage {
    ctx: PageCtx,
    counts: Counts,
}

/// `GET /admin`.
pub async fn index(State(state): State<AppState>, ctx: PageCtx) -> Result<Html<String>, AppError> {
    let (units, users, fields, sources, jobs_failing): (i64, i64, i64, i64, i64) = sqlx::query_as(
        "select (select count(*) from units), (select count(*) from users),
                (select count(*) from fields), (select count(*) from sources),
                (select count(*) from (select distinct on (job) outcome from job_runs
                                       order by job, started_at desc, id desc) last
                 where outcome = 'failed')",
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
            jobs_failing,
        },
    })
}
