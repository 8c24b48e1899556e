//! Administration (administrators only; the guard is on the route group): units, users,
//! fields and sources. Every change is a command (`commands::directory`, `commands::catalog`),
//! audited in the same transaction.

pub mod calendar;
pub mod fields;
pub mod jobs;
pub mod sources;
pub mod units;
pub mod users;

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use chrono::Datelike;

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
    /// Days listed in this year's calendar.
    pub calendar_days: usize,
}

#[derive(Template)]
#[template(path = "admin/index.html")]
pub struct IndexPage {
    ctx: PageCtx,
    counts: Counts,
}

/// `GET /admin`.
pub async fn index(State(state): State<AppState>, ctx: PageCtx) -> Result<Html<String>, AppError> {
    let (units, users, fields, sources) = crate::db::admin::totals(&state.pool).await?;
    let names: Vec<&str> = crate::jobs::Job::ALL.iter().map(|j| j.name()).collect();
    let jobs_failing = crate::db::job_runs::latest_per_job(&state.pool, &names)
        .await?
        .iter()
        .filter(|(run, _)| run.outcome == crate::domain::JobOutcome::Failed)
        .count() as i64;
    let calendar_days = crate::db::calendar::days_of_year(&state.pool, ctx.today.year())
        .await?
        .len();
    render(&IndexPage {
        ctx,
        counts: Counts {
            calendar_days,
            units,
            users,
            fields,
            sources,
            jobs_failing,
        },
    })
}
