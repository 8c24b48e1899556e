//! The task list and a task's page.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;

use super::{PAGE_SIZE, Pagination, parse_id, render};
use serde::Deserialize;

use crate::db::admin::{self as admin_queries, FieldRow, UnitOption};
use crate::db::tasks::{
    self as queries, AssigneeRow, CoordinatorRow, HistoryEntry, TaskDetail, TaskFilter,
    TaskListRow, TaskSort,
};
use crate::domain::dates::parse_date;
use crate::domain::{FieldId, ShortcomingId, TaskId, TaskStatus, Timeliness, UnitId};
use crate::web::ctx::PageCtx;
use crate::web::error::AppError;
use crate::web::forms::{id_of, optional};
use crate::web::session::Session;
use crate::web::state::AppState;

/// The task list's filters as they stand in the URL (so a list can be bookmarked and shared).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub timeliness: String,
    #[serde(default)]
    pub lead: String,
    #[serde(default)]
    pub coordinating: String,
    #[serde(default)]
    pub field: String,
    #[serde(default)]
    pub shortcoming: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub briefing: String,
    #[serde(default)]
    pub stale: String,
    #[serde(default)]
    pub mine: String,
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub page: String,
}

fn flag(raw: &str) -> bool {
    matches!(raw, "1" | "on" | "true")
}

impl ListQuery {
    /// The filter these parameters ask for; values that mean nothing are left out.
    fn filter(&self, session: &Session) -> TaskFilter {
        TaskFilter {
            units: session.user.actor.unit_scope(),
            shortcoming: id_of(&self.shortcoming).map(ShortcomingId),
            plan: None,
            status: TaskStatus::from_code(&self.status),
            timeliness: Timeliness::from_code(&self.timeliness),
            lead_unit: id_of(&self.lead).map(UnitId),
            coordinating_unit: id_of(&self.coordinating).map(UnitId),
            field: id_of(&self.field).map(FieldId),
            assignee: flag(&self.mine).then_some(session.user.id),
            deadline_from: parse_date(&self.from),
            deadline_to: parse_date(&self.to),
            briefing: flag(&self.briefing),
            stale: flag(&self.stale),
            text: optional(&self.q),
            sort: TaskSort::from_code(&self.sort).unwrap_or_default(),
        }
    }

    /// The query string without the page, for the pagination links.
    fn without_page(&self) -> String {
        let pairs = [
            ("q", &self.q),
            ("status", &self.status),
            ("timeliness", &self.timeliness),
            ("lead", &self.lead),
            ("coordinating", &self.coordinating),
            ("field", &self.field),
            ("shortcoming", &self.shortcoming),
            ("from", &self.from),
            ("to", &self.to),
            ("briefing", &self.briefing),
            ("stale", &self.stale),
            ("mine", &self.mine),
            ("sort", &self.sort),
        ];
        let kept: Vec<(&str, &str)> = pairs
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| (*k, v.trim()))
            .collect();
        serde_urlencoded::to_string(kept).unwrap_or_default()
    }
}

/// Choices for the filter form.
pub struct Choices {
    pub units: Vec<UnitOption>,
    pub fields: Vec<FieldRow>,
    pub shortcomings: Vec<(ShortcomingId, String)>,
}

#[derive(Template)]
#[template(path = "tasks/index.html")]
pub struct IndexPage {
    ctx: PageCtx,
    tasks: Vec<TaskListRow>,
    pagination: Pagination,
    query: ListQuery,
    base_query: String,
    choices: Choices,
    statuses: [TaskStatus; 5],
    timeliness: [Timeliness; 6],
    sorts: [TaskSort; 5],
    filtered: bool,
}

impl IndexPage {
    pub fn is(&self, value: &str, option: &str) -> bool {
        value == option
    }
}

/// `GET /tasks?…`: the tasks the user may see, filtered, sorted, a page at a time.
pub async fn index(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    Query(query): Query<ListQuery>,
) -> Result<Html<String>, AppError> {
    let page = Pagination::requested(Some(query.page.as_str()));
    let filter = query.filter(&session);
    let unscoped = TaskFilter {
        units: filter.units.clone(),
        ..TaskFilter::default()
    };
    let (tasks, total) = queries::list(
        &state.pool,
        &filter,
        state.as_of(),
        PAGE_SIZE,
        Pagination::offset(page),
    )
    .await?;
    let pagination = Pagination::new(page, total);
    if tasks.is_empty() && page > pagination.pages {
        return Err(AppError::NotFound);
    }
    let choices = Choices {
        units: admin_queries::unit_options(&state.pool, None).await?,
        fields: admin_queries::fields(&state.pool).await?,
        shortcomings: sqlx::query_as("select id, code from shortcomings order by code")
            .fetch_all(&state.pool)
            .await?,
    };
    render(&IndexPage {
        ctx,
        tasks,
        pagination,
        base_query: query.without_page(),
        query,
        choices,
        statuses: TaskStatus::ALL,
        timeliness: Timeliness::ALL,
        sorts: TaskSort::ALL,
        filtered: filter != unscoped,
    })
}

#[derive(Template)]
#[template(path = "tasks/show.html")]
pub struct ShowPage {
    ctx: PageCtx,
    task: TaskDetail,
    coordinators: Vec<CoordinatorRow>,
    assignees: Vec<AssigneeRow>,
    history: Vec<HistoryEntry>,
}

/// `GET /tasks/{id}`: the task, who is responsible, and its whole history.
pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    Path(raw_id): Path<String>,
) -> Result<Html<String>, AppError> {
    let id = TaskId(parse_id(&raw_id)?);
    let task = queries::find(&state.pool, id, state.as_of())
        .await?
        .ok_or(AppError::NotFound)?;
    let coordinators = queries::coordinators(&state.pool, id).await?;
    let coordinating: Vec<_> = coordinators.iter().map(|c| c.unit_id).collect();
    if !session
        .user
        .actor
        .can_see_task(task.lead_unit_id, &coordinating)
    {
        return Err(AppError::Forbidden);
    }
    let assignees = queries::assignees(&state.pool, id).await?;
    let history = queries::history(&state.pool, id).await?;
    render(&ShowPage {
        ctx,
        task,
        coordinators,
        assignees,
        history,
    })
}
