//! The task list and a task's page.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;

use super::{PAGE_SIZE, Pagination, parse_id, render};
use crate::db::tasks::{
    self as queries, AssigneeRow, CoordinatorRow, HistoryEntry, TaskDetail, TaskFilter, TaskListRow,
};
use crate::domain::TaskId;
use crate::web::ctx::PageCtx;
use crate::web::error::AppError;
use crate::web::session::Session;
use crate::web::state::AppState;

#[derive(Template)]
#[template(path = "tasks/index.html")]
pub struct IndexPage {
    ctx: PageCtx,
    tasks: Vec<TaskListRow>,
    pagination: Pagination,
}

/// `GET /tasks?page=N`: all tasks, by deadline, a page at a time.
pub async fn index(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Html<String>, AppError> {
    let page = Pagination::requested(query.get("page").map(String::as_str));
    let filter = TaskFilter {
        units: session.user.actor.unit_scope(),
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
    render(&IndexPage {
        ctx,
        tasks,
        pagination,
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
