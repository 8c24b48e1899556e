//! The units' remediation plans: the list, a plan's page and its files; `form` creates and
//! edits them. Unit staff see their units' plans only; the City sees every plan.

pub mod form;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use super::files::accepted_upload;
use super::{PAGE_SIZE, Pagination, by, parse_id, render, saved};
use crate::commands::plans;
use crate::db::admin::{self as admin_queries, UnitOption};
use crate::db::files::{self, FileRow};
use crate::db::plans::{self as queries, PlanRow, PlanShortcoming};
use crate::db::tasks::{self as task_queries, TaskListRow};
use crate::domain::filter::PlanFilter;
use crate::domain::filter::TaskFilter;
use crate::domain::{PlanId, PlanStatus, UnitId};
use crate::web::ctx::PageCtx;
use crate::web::error::AppError;
use crate::web::forms::{UploadForm, id_of, optional};
use crate::web::session::Session;
use crate::web::state::AppState;

/// The list's filters as they stand in the URL.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub unit: String,
    /// Plans of a group of units (`departments`, `districts`).
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub page: String,
}

impl ListQuery {
    /// The filter these parameters ask for, inside the user's scope; values that mean nothing
    /// are left out.
    fn filter(&self, session: &Session) -> PlanFilter {
        PlanFilter {
            units: session.user.actor.unit_scope(),
            unit: id_of(&self.unit).map(UnitId),
            group: crate::domain::UnitGroup::from_code(&self.kind),
            status: PlanStatus::from_code(&self.status),
            shortcoming: None,
            text: optional(&self.q),
        }
    }

    /// The query string without the page, for the pagination links.
    fn without_page(&self) -> String {
        crate::web::http::filter_query(&[
            ("q", &self.q),
            ("unit", &self.unit),
            ("kind", &self.kind),
            ("status", &self.status),
        ])
    }
}

#[derive(Template)]
#[template(path = "plans/index.html")]
pub struct IndexPage {
    ctx: PageCtx,
    plans: Vec<PlanRow>,
    pagination: Pagination,
    query: ListQuery,
    base_query: String,
    units: Vec<UnitOption>,
    statuses: [PlanStatus; 4],
    groups: [crate::domain::UnitGroup; 2],
    filtered: bool,
}

impl IndexPage {
    pub fn is(&self, value: &str, option: &str) -> bool {
        value == option
    }

    pub fn status(&self, plan: &PlanRow) -> PlanStatus {
        plan.status(self.ctx.today)
    }
}

/// `GET /plans?q=…&unit=…&status=…&page=…`: the plans the user may see, a page at a time.
pub async fn index(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    Query(query): Query<ListQuery>,
) -> Result<Html<String>, AppError> {
    let page = Pagination::requested(Some(query.page.as_str()));
    let filter = query.filter(&session);
    let (plans, total) = queries::list(
        &state.pool,
        &filter,
        ctx.today,
        PAGE_SIZE,
        Pagination::offset(page),
    )
    .await?;
    let pagination = Pagination::new(page, total);
    if plans.is_empty() && page > pagination.pages {
        return Err(AppError::NotFound);
    }
    // Unit staff choose among their own units only.
    let actor = &session.user.actor;
    let mut units = admin_queries::unit_options(&state.pool, filter.unit).await?;
    units.retain(|u| actor.can_see_unit(u.id));
    let unfiltered = PlanFilter {
        units: filter.units.clone(),
        ..PlanFilter::default()
    };
    render(&IndexPage {
        ctx,
        plans,
        pagination,
        base_query: query.without_page(),
        query,
        units,
        statuses: PlanStatus::ALL,
        groups: crate::domain::UnitGroup::ALL,
        filtered: filter != unfiltered,
    })
}

#[derive(Template)]
#[template(path = "plans/show.html")]
pub struct ShowPage {
    ctx: PageCtx,
    status: PlanStatus,
    plan: PlanRow,
    shortcomings: Vec<PlanShortcoming>,
    tasks: Vec<TaskListRow>,
    files: Vec<FileRow>,
    /// Why the last upload was refused.
    file_error: Option<String>,
}

/// The most tasks one plan page lists.
const TASKS_SHOWN: i64 = 200;

/// The plan, if it exists and the user may see it (its unit's staff and the City).
async fn visible_plan(
    state: &AppState,
    session: &Session,
    raw_id: &str,
) -> Result<PlanRow, AppError> {
    let plan = queries::find(&state.pool, PlanId(parse_id(raw_id)?))
        .await?
        .ok_or(AppError::NotFound)?;
    if !session.user.actor.can_see_unit(plan.unit_id) {
        return Err(AppError::Forbidden);
    }
    Ok(plan)
}

async fn show_page(
    state: &AppState,
    ctx: PageCtx,
    session: &Session,
    plan: PlanRow,
    file_error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let filter = TaskFilter {
        plan: Some(plan.id),
        units: session.user.actor.unit_scope(),
        ..TaskFilter::default()
    };
    let (tasks, _) = task_queries::list(
        &mut *state.pool.acquire().await?,
        session.names(state),
        &filter,
        state.as_of(),
        TASKS_SHOWN,
        0,
    )
    .await?;
    let page = ShowPage {
        status: plan.status(ctx.today),
        shortcomings: queries::shortcomings(&state.pool, plan.id).await?,
        files: files::for_plan(&state.pool, plan.id).await?,
        ctx,
        plan,
        tasks,
        file_error,
    };
    Ok((status, render(&page)?).into_response())
}

/// `GET /plans/{id}`: the plan, the shortcomings it remedies, its tasks and its files.
pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    Path(raw): Path<String>,
) -> Result<Response, AppError> {
    let plan = visible_plan(&state, &session, &raw).await?;
    show_page(&state, ctx, &session, plan, None, StatusCode::OK).await
}

/// `POST /plans/{id}/files`: attaches the plan document (PDF, Word, Excel or image, recognised
/// by its content, up to the configured size).
pub async fn upload(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    headers: HeaderMap,
    Path(raw): Path<String>,
    upload: UploadForm,
) -> Result<Response, AppError> {
    let plan = visible_plan(&state, &session, &raw).await?;
    let mut form = upload.read(&state).await?;
    let upload = match accepted_upload(&ctx, state.config.max_upload_bytes, &mut form) {
        Ok(accepted) => accepted,
        Err(problem) => {
            return show_page(
                &state,
                ctx,
                &session,
                plan,
                Some(problem),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let mut tx = state.pool.begin().await?;
    let by = by(&state, &session, &headers);
    plans::attach_plan_file(&mut tx, &by, plan.id, &upload.as_new()).await?;
    let message = ("files.attached", Some(upload.file_name.clone()));
    saved(
        &state,
        &session,
        tx,
        message,
        &format!("/plans/{}", plan.id),
    )
    .await
}
