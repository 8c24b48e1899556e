//! The City assigns, as the task form and the task list send it: creates and edits tasks, and
//! changes many tasks at once from a filtered list. The work itself is done by
//! `commands::task_edit`.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::list::{BulkForm, ListQuery, list_page};
use super::page::changes_since;
use super::shared::by;
use crate::commands::task_edit::{self as commands, Bulk, TaskFields};
use crate::commands::{Changed, Refusal};
use crate::db::admin::{self as admin_queries, UnitOption};
use crate::db::plans::{self, PlanOption};
use crate::db::shortcomings::ShortcomingOption;
use crate::db::task_edit::TaskValues;
use crate::db::task_work::{self as work, TaskState};
use crate::db::tasks::HistoryEntry;
use crate::domain::dates::format_date;
use crate::domain::input::FieldErrors;
use crate::domain::{TaskId, UnitId};
use crate::web::ctx::PageCtx;
use crate::web::error::AppError;
use crate::web::extract::CsrfForm;
use crate::web::forms::ids_of;
use crate::web::http::see_other;
use crate::web::pages::{parse_id, render};
use crate::web::session::Session;
use crate::web::state::AppState;

/// Empty rows the form offers for more coordinating units.
const BLANK_COORDINATOR_ROWS: usize = 3;

/// The task form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TaskForm {
    #[serde(default)]
    pub shortcoming: String,
    #[serde(default)]
    pub plan: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub expected_result: String,
    #[serde(default)]
    pub lead_unit: String,
    #[serde(default)]
    pub coord_unit: Vec<String>,
    #[serde(default)]
    pub coord_role: Vec<String>,
    #[serde(default)]
    pub leader_in_charge: String,
    #[serde(default)]
    pub deadline: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub seen: String,
}

/// What the task form offers.
#[derive(Debug, Clone)]
pub struct FormChoices {
    pub shortcomings: Vec<ShortcomingOption>,
    pub plans: Vec<PlanOption>,
    pub units: Vec<UnitOption>,
}

async fn form_choices(state: &AppState, keep: Option<UnitId>) -> Result<FormChoices, AppError> {
    let shortcomings = crate::db::shortcomings::options(&state.pool).await?;
    let plans = plans::options(&state.pool).await?;
    let units = admin_queries::unit_options(&state.pool, keep).await?;
    Ok(FormChoices {
        shortcomings,
        plans,
        units,
    })
}

/// One row of the coordinating units' part of the form.
#[derive(Debug, Clone, Default)]
pub struct CoordinatorInput {
    pub unit: String,
    pub role: String,
}

#[derive(Template)]
#[template(path = "tasks/form.html")]
pub struct FormPage {
    ctx: PageCtx,
    /// The task being edited (`None`: a new one).
    task: Option<TaskState>,
    form: TaskForm,
    rows: Vec<CoordinatorInput>,
    choices: FormChoices,
    errors: FieldErrors,
    /// What others changed since the form was opened, when a save was refused for it.
    conflict: Option<Vec<HistoryEntry>>,
    /// The saved values now, beside what was typed, for a refused save.
    current: Option<TaskForm>,
}

impl FormPage {
    fn is(&self, value: &str, option: &str) -> bool {
        value.trim() == option
    }
}

fn coordinator_rows(form: &TaskForm) -> Vec<CoordinatorInput> {
    let count = form.coord_unit.len().max(form.coord_role.len());
    let mut rows: Vec<CoordinatorInput> = (0..count)
        .map(|i| CoordinatorInput {
            unit: form.coord_unit.get(i).cloned().unwrap_or_default(),
            role: form.coord_role.get(i).cloned().unwrap_or_default(),
        })
        .filter(|row| !row.unit.trim().is_empty() || !row.role.trim().is_empty())
        .collect();
    rows.extend((0..BLANK_COORDINATOR_ROWS).map(|_| CoordinatorInput::default()));
    rows
}

struct FormRender {
    task: Option<TaskState>,
    form: TaskForm,
    errors: FieldErrors,
    conflict: Option<Vec<HistoryEntry>>,
    current: Option<TaskForm>,
    status: StatusCode,
}

async fn form_page(state: &AppState, ctx: PageCtx, page: FormRender) -> Result<Response, AppError> {
    let choices = form_choices(state, page.task.as_ref().map(|t| t.lead_unit_id)).await?;
    let rows = coordinator_rows(&page.form);
    let body = render(&FormPage {
        ctx,
        task: page.task,
        form: page.form,
        rows,
        choices,
        errors: page.errors,
        conflict: page.conflict,
        current: page.current,
    })?;
    Ok((page.status, body).into_response())
}

#[derive(Debug, Deserialize)]
pub struct NewQuery {
    shortcoming: Option<String>,
}

/// `GET /tasks/new?shortcoming=…` (City reviewers, admins).
pub async fn new_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(query): Query<NewQuery>,
) -> Result<Response, AppError> {
    let form = TaskForm {
        shortcoming: query.shortcoming.unwrap_or_default(),
        ..TaskForm::default()
    };
    form_page(
        &state,
        ctx,
        FormRender {
            task: None,
            form,
            errors: FieldErrors::default(),
            conflict: None,
            current: None,
            status: StatusCode::OK,
        },
    )
    .await
}

/// Row `i` of a column of the coordinating units' table, as typed.
fn part(column: &[String], i: usize) -> &str {
    column.get(i).map_or("", String::as_str)
}

/// The task form's fields as the commands take them.
fn fields(form: &TaskForm) -> TaskFields<'_> {
    let rows = form.coord_unit.len().max(form.coord_role.len());
    TaskFields {
        shortcoming: &form.shortcoming,
        plan: &form.plan,
        title: &form.title,
        description: &form.description,
        expected_result: &form.expected_result,
        lead_unit: &form.lead_unit,
        coordinators: (0..rows)
            .map(|i| (part(&form.coord_unit, i), part(&form.coord_role, i)))
            .collect(),
        leader_in_charge: &form.leader_in_charge,
        deadline: &form.deadline,
    }
}

/// `POST /tasks` (City reviewers, admins): a new task, coded after its shortcoming
/// (TT-05.07), not started, its lead unit's heads told.
pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<TaskForm>,
) -> Result<Response, AppError> {
    let by = by(&state, &session, &headers);
    let mut tx = state.pool.begin().await?;
    match commands::create(&mut tx, &by, &fields(&form)).await {
        Ok(changed) => {
            tx.commit().await?;
            saved(&state, &session, changed).await
        }
        Err(refusal) => {
            drop(tx);
            let mut errors = refused(refusal)?;
            errors.localize(ctx.catalog());
            let page = FormRender {
                task: None,
                form,
                errors,
                conflict: None,
                current: None,
                status: StatusCode::UNPROCESSABLE_ENTITY,
            };
            form_page(&state, ctx, page).await
        }
    }
}

/// After a saved change: its message, and the task's timeline.
async fn saved(
    state: &AppState,
    session: &Session,
    changed: Changed,
) -> Result<Response, AppError> {
    if changed.changed {
        let code = Some(changed.code);
        session.flash(state, changed.message, code).await?;
        Ok(see_other(&format!("/tasks/{}#history", changed.task)))
    } else {
        session.flash(state, changed.message, None).await?;
        Ok(see_other(&format!("/tasks/{}", changed.task)))
    }
}

/// The messages of a refusal that the form shows; any other refusal is an error page.
fn refused(refusal: Refusal) -> Result<FieldErrors, AppError> {
    match refusal {
        Refusal::Invalid(errors) => Ok(errors),
        other => Err(other.into()),
    }
}

/// The form filled in with `values`, for `version` of the task.
fn form_of(values: &TaskValues, version: i32) -> TaskForm {
    TaskForm {
        shortcoming: values.shortcoming.to_string(),
        plan: values.plan.map(|p| p.to_string()).unwrap_or_default(),
        title: values.title.clone(),
        description: values.description.clone(),
        expected_result: values.expected_result.clone(),
        lead_unit: values.lead_unit.to_string(),
        coord_unit: values
            .coordinators
            .iter()
            .map(|(u, _)| u.to_string())
            .collect(),
        coord_role: values.coordinators.iter().map(|(_, r)| r.clone()).collect(),
        leader_in_charge: values.leader_in_charge.clone(),
        deadline: values.deadline.map(format_date).unwrap_or_default(),
        version: version.to_string(),
        seen: String::new(),
    }
}

/// `GET /tasks/{id}/edit` (City reviewers, admins).
pub async fn edit_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(raw): Path<String>,
) -> Result<Response, AppError> {
    let task = work::find(&state.pool, TaskId(parse_id(&raw)?))
        .await?
        .ok_or(AppError::NotFound)?;
    let mut conn = state.pool.acquire().await?;
    let values = commands::saved_values(&mut conn, &task).await?;
    drop(conn);
    let mut form = form_of(&values, task.row_version);
    form.seen = task.read_at.to_rfc3339();
    form_page(
        &state,
        ctx,
        FormRender {
            task: Some(task),
            form,
            errors: FieldErrors::default(),
            conflict: None,
            current: None,
            status: StatusCode::OK,
        },
    )
    .await
}

/// `POST /tasks/{id}` (City reviewers, admins): saves an edit, unless someone changed the task
/// since the form was opened (then the form again, with what changed and what is saved now).
pub async fn update(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    headers: HeaderMap,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<TaskForm>,
) -> Result<Response, AppError> {
    let id = TaskId(parse_id(&raw)?);
    let by = by(&state, &session, &headers);
    let mut tx = state.pool.begin().await?;
    let refusal = match commands::update(&mut tx, &by, id, &form.version, &fields(&form)).await {
        Ok(changed) => {
            tx.commit().await?;
            return saved(&state, &session, changed).await;
        }
        Err(refusal) => refusal,
    };
    drop(tx);
    let task = work::find(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let page = if let Refusal::Stale = refusal {
        let conflict = changes_since(&state, &session, id, &form.seen).await?;
        let mut conn = state.pool.acquire().await?;
        let current = form_of(
            &commands::saved_values(&mut conn, &task).await?,
            task.row_version,
        );
        drop(conn);
        let mut typed = form;
        typed.version = task.row_version.to_string();
        FormRender {
            task: Some(task),
            form: typed,
            errors: FieldErrors::one("form", ctx.t("task.conflict")),
            conflict: Some(conflict),
            current: Some(current),
            status: StatusCode::CONFLICT,
        }
    } else {
        let mut errors = refused(refusal)?;
        errors.localize(ctx.catalog());
        FormRender {
            task: Some(task),
            form,
            errors,
            conflict: None,
            current: None,
            status: StatusCode::UNPROCESSABLE_ENTITY,
        }
    };
    form_page(&state, ctx, page).await
}

/// `POST /tasks/bulk` (City reviewers, admins): re-assign the lead unit, set the deadline or
/// send a reminder for every ticked task — all or nothing, in one transaction.
pub async fn bulk(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<BulkForm>,
) -> Result<Response, AppError> {
    let list_query: ListQuery =
        serde_urlencoded::from_str(form.back.trim_start_matches('?')).unwrap_or_default();
    let sent = Bulk {
        tasks: ids_of(&form.task).map(|ids| ids.into_iter().map(TaskId).collect()),
        action: &form.action,
        lead_unit: &form.lead_unit,
        deadline: &form.deadline,
        doc_number: &form.doc_number,
        message: &form.message,
    };
    let by = by(&state, &session, &headers);
    let mut tx = state.pool.begin().await?;
    match commands::bulk(&mut tx, &by, &sent).await {
        Ok(changed) => {
            tx.commit().await?;
            let count = Some(changed.len().to_string());
            session.flash(&state, "bulk.done", count).await?;
            Ok(see_other(&format!("/tasks?{}", list_query.without_page())))
        }
        Err(refusal) => {
            drop(tx);
            let mut errors = refused(refusal)?;
            errors.localize(ctx.catalog());
            let page = list_page(
                &state,
                ctx,
                &session,
                list_query,
                Some((form, errors)),
                None,
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}
