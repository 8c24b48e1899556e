//! The list of the shortcomings and a shortcoming's page; `form` creates and edits them.

pub mod form;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;

use super::{parse_id, render};
use crate::db::files::{self, FileRow};
use crate::db::plans::{self as plan_queries, PlanRow};
use crate::db::shortcomings::{
    self as queries, ShortcomingDetail, ShortcomingSummary, SourceRow, UnitProgress,
};
use crate::db::tasks::{self as task_queries, TaskListRow};
use crate::domain::filter::PlanFilter;
use crate::domain::filter::TaskFilter;
use crate::domain::{PlanStatus, ShortcomingId, SourceId};
use crate::web::ctx::PageCtx;
use crate::web::error::AppError;
use crate::web::session::Session;
use crate::web::state::AppState;

/// Totals over all shortcomings, shown above the list.
pub struct Totals {
    pub shortcomings: usize,
    pub tasks: i64,
    pub done: i64,
    pub overdue: i64,
    pub needs_direction: i64,
}

#[derive(Template)]
#[template(path = "shortcomings/index.html")]
pub struct IndexPage {
    ctx: PageCtx,
    shortcomings: Vec<ShortcomingSummary>,
    totals: Totals,
}

/// `GET /` and `GET /shortcomings`: the shortcomings with their progress.
pub async fn index(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
) -> Result<Html<String>, AppError> {
    let scope = session.user.actor.unit_scope();
    let shortcomings = queries::list_with_progress(&state.pool, scope.as_deref()).await?;
    let totals = Totals {
        shortcomings: shortcomings.len(),
        tasks: shortcomings.iter().map(|s| s.tasks_total).sum(),
        done: shortcomings.iter().map(|s| s.tasks_done).sum(),
        overdue: shortcomings.iter().map(|s| s.tasks_overdue).sum(),
        needs_direction: shortcomings.iter().map(|s| s.tasks_needs_direction).sum(),
    };
    render(&IndexPage {
        ctx,
        shortcomings,
        totals,
    })
}

#[derive(Template)]
#[template(path = "shortcomings/show.html")]
pub struct ShowPage {
    ctx: PageCtx,
    shortcoming: ShortcomingDetail,
    sources: Vec<SourceRow>,
    source_files: Vec<(SourceId, FileRow)>,
    units: Vec<UnitProgress>,
    plans: Vec<PlanRow>,
    tasks: Vec<TaskListRow>,
}

impl ShowPage {
    pub fn plan_status(&self, plan: &PlanRow) -> PlanStatus {
        plan.status(self.ctx.today)
    }
}

/// The most tasks one shortcoming page lists; the full list is one click away.
const TASKS_SHOWN: i64 = 200;
/// The most plans one shortcoming page lists (one per unit, at most a few hundred units).
const PLANS_SHOWN: i64 = 500;

/// `GET /shortcomings/{id}`: the shortcoming, its sources, the plans that remedy it and its
/// tasks per unit (of the user's units, for unit staff).
pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    Path(raw_id): Path<String>,
) -> Result<Html<String>, AppError> {
    let id = ShortcomingId(parse_id(&raw_id)?);
    let scope = session.user.actor.unit_scope();
    let shortcoming = queries::find(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let sources = queries::sources(&state.pool, id).await?;
    let source_files = files::for_shortcoming_sources(&state.pool, id).await?;
    let units = queries::progress_by_unit(&state.pool, id, scope.as_deref()).await?;
    let plan_filter = PlanFilter {
        units: scope.clone(),
        shortcoming: Some(id),
        ..PlanFilter::default()
    };
    let (plans, _) =
        plan_queries::list(&state.pool, &plan_filter, state.today(), PLANS_SHOWN, 0).await?;
    let filter = TaskFilter {
        shortcoming: Some(id),
        units: scope,
        ..TaskFilter::default()
    };
    let (tasks, _) = task_queries::list(
        &mut *state.pool.acquire().await?,
        session.names(&state),
        &filter,
        state.as_of(),
        TASKS_SHOWN,
        0,
    )
    .await?;
    render(&ShowPage {
        ctx,
        shortcoming,
        sources,
        source_files,
        units,
        plans,
        tasks,
    })
}
