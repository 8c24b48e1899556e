//! The City assigns: creates and edits tasks (shortcoming, plan, lead unit, coordinating units,
//! leader in charge, deadline), and changes many tasks at once from a filtered list.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::PgConnection;

use super::list::{BulkForm, ListQuery, list_page};
use super::page::changes_since;
use crate::db::admin::{self as admin_queries, UnitOption};
use crate::db::audit::{self, AuditEntry};
use crate::db::notifications::{self, Notice};
use crate::db::shortcomings::ShortcomingOption;
use crate::db::task_work::{self as work, NewUpdate, TaskState};
use crate::db::tasks::HistoryEntry;
use crate::domain::dates::{format_date, parse_date};
use crate::domain::input::{FieldErrors, limits};
use crate::domain::{
    NotificationKind, PlanId, ShortcomingId, TaskId, TaskStatus, TaskUpdateKind, UnitId,
};
use crate::jobs::flags;
use crate::web::ctx::PageCtx;
use crate::web::error::AppError;
use crate::web::extract::CsrfForm;
use crate::web::http::request_id;
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

/// A task's details that passed the checks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskValues {
    pub shortcoming: ShortcomingId,
    pub plan: Option<PlanId>,
    pub title: String,
    pub description: String,
    pub expected_result: String,
    pub lead_unit: UnitId,
    pub coordinators: Vec<(UnitId, String)>,
    pub leader_in_charge: String,
    pub deadline: Option<NaiveDate>,
}

/// A plan to choose from, with its unit (a task's plan must be its lead unit's).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PlanOption {
    pub id: PlanId,
    pub unit_id: UnitId,
    pub label: String,
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
    let plans = sqlx::query_as(
        "select p.id, p.unit_id,
                u.short_name || ' — ' || coalesce(p.doc_number || ' — ', '') || left(p.title, 70) as label
         from plans p join units u on u.id = p.unit_id
         order by u.sort_order, u.short_name, p.id",
    )
    .fetch_all(&state.pool)
    .await?;
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

fn id_in<T: Copy>(
    raw: &str,
    options: impl IntoIterator<Item = T>,
    id: impl Fn(T) -> i64,
) -> Option<T> {
    let wanted = crate::web::forms::id_of(raw)?;
    options.into_iter().find(|o| id(*o) == wanted)
}

/// Checks the task form against the choices; `creating` refuses a deadline in the past.
fn validate(
    ctx: &PageCtx,
    form: &TaskForm,
    choices: &FormChoices,
    creating: bool,
) -> Result<TaskValues, FieldErrors> {
    let mut errors = FieldErrors::default();
    let shortcoming = id_in(
        &form.shortcoming,
        choices.shortcomings.iter().map(|s| s.id),
        |s| s.0,
    );
    if shortcoming.is_none() {
        errors.add("shortcoming", ctx.t("form.choose"));
    }
    let lead_unit = id_in(&form.lead_unit, choices.units.iter().map(|u| u.id), |u| u.0);
    if form.lead_unit.trim().is_empty() {
        errors.add("lead_unit", ctx.t("form.choose"));
    } else if lead_unit.is_none() {
        errors.add("lead_unit", ctx.t("task.unknown_unit"));
    }
    let plan = if form.plan.trim().is_empty() {
        None
    } else {
        match choices
            .plans
            .iter()
            .find(|p| crate::web::forms::id_of(&form.plan) == Some(p.id.0))
        {
            None => {
                errors.add("plan", ctx.t("form.choose"));
                None
            }
            Some(p) if lead_unit.is_some_and(|lead| lead != p.unit_id) => {
                errors.add("plan", ctx.t("task.plan_other_unit"));
                None
            }
            Some(p) => Some(p.id),
        }
    };
    let title = form.title.trim().to_owned();
    if title.is_empty() {
        errors.add("title", ctx.t("form.required"));
    } else if title.chars().count() > limits::TASK_TITLE.max {
        errors.add("title", ctx.t("form.too_long"));
    }
    for (name, value) in [
        ("description", &form.description),
        ("expected_result", &form.expected_result),
    ] {
        if value.trim().chars().count() > limits::LONG_TEXT {
            errors.add(name, ctx.t("form.too_long"));
        }
    }
    let leader_in_charge = form.leader_in_charge.trim().to_owned();
    if leader_in_charge.chars().count() > limits::TASK_LEADER.max {
        errors.add("leader_in_charge", ctx.t("form.too_long"));
    }
    let mut coordinators: Vec<(UnitId, String)> = Vec::new();
    for row in coordinator_rows(form) {
        let (unit_raw, role) = (row.unit.trim(), row.role.trim());
        if unit_raw.is_empty() {
            if !role.is_empty() {
                errors.add("coordinators", ctx.t("task.coordinator_role_without_unit"));
            }
            continue;
        }
        match id_in(unit_raw, choices.units.iter().map(|u| u.id), |u| u.0) {
            None => errors.add("coordinators", ctx.t("task.unknown_unit")),
            Some(unit) if Some(unit) == lead_unit => {
                errors.add("coordinators", ctx.t("task.coordinator_is_lead"))
            }
            Some(unit) if coordinators.iter().any(|(u, _)| *u == unit) => {
                errors.add("coordinators", ctx.t("task.coordinator_twice"))
            }
            Some(_) if role.chars().count() > limits::COORDINATOR_ROLE.max => {
                errors.add("coordinators", ctx.t("form.too_long"))
            }
            Some(unit) => coordinators.push((unit, role.to_owned())),
        }
    }
    let deadline = if form.deadline.trim().is_empty() {
        None
    } else {
        match parse_date(&form.deadline) {
            None => {
                errors.add("deadline", ctx.t("form.date_format"));
                None
            }
            Some(date) if creating && date < ctx.today => {
                errors.add("deadline", ctx.t("task.deadline_past"));
                None
            }
            Some(date) => Some(date),
        }
    };
    match (shortcoming, lead_unit) {
        (Some(shortcoming), Some(lead_unit)) if errors.is_empty() => Ok(TaskValues {
            shortcoming,
            plan,
            title,
            description: form.description.trim().to_owned(),
            expected_result: form.expected_result.trim().to_owned(),
            lead_unit,
            coordinators,
            leader_in_charge,
            deadline,
        }),
        _ => Err(errors),
    }
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

/// Writes the coordinating units of a task (after the old ones were removed).
async fn insert_coordinators(
    conn: &mut PgConnection,
    task: TaskId,
    coordinators: &[(UnitId, String)],
) -> Result<(), sqlx::Error> {
    for (unit, role) in coordinators {
        sqlx::query(
            "insert into task_coordinators (task_id, unit_id, role_text) values ($1, $2, $3)",
        )
        .bind(task)
        .bind(unit)
        .bind(role)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
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
    let choices = form_choices(&state, None).await?;
    let values = match validate(&ctx, &form, &choices, true) {
        Ok(values) => values,
        Err(errors) => {
            let page = FormRender {
                task: None,
                form,
                errors,
                conflict: None,
                current: None,
                status: StatusCode::UNPROCESSABLE_ENTITY,
            };
            return form_page(&state, ctx, page).await;
        }
    };
    let mut tx = state.pool.begin().await?;
    // The shortcoming's row lock makes task numbers of one shortcoming come one at a time. The
    // number is read by a statement of its own, after the lock is held: a statement that waited
    // for the lock would still read the tasks as they were when it began, without the one the
    // holder of the lock just added, and take the same number.
    sqlx::query("select 1 from shortcomings where id = $1 for update")
        .bind(values.shortcoming)
        .execute(&mut *tx)
        .await?;
    let code: String = sqlx::query_scalar(
        "select s.code || '.' || lpad((coalesce(max(substring(t.code from '\\.(\\d+)$')::int), 0) + 1)::text, 2, '0')
         from shortcomings s left join tasks t on t.shortcoming_id = s.id
         where s.id = $1
         group by s.code",
    )
    .bind(values.shortcoming)
    .fetch_one(&mut *tx)
    .await?;
    let id: TaskId = sqlx::query_scalar(
        "insert into tasks (code, shortcoming_id, plan_id, title, description, expected_result,
                            lead_unit_id, leader_in_charge, original_deadline, deadline,
                            created_by, last_update_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11) returning id",
    )
    .bind(&code)
    .bind(values.shortcoming)
    .bind(values.plan)
    .bind(&values.title)
    .bind(&values.description)
    .bind(&values.expected_result)
    .bind(values.lead_unit)
    .bind(&values.leader_in_charge)
    .bind(values.deadline)
    .bind(session.user.id)
    .bind(state.clock.now())
    .fetch_one(&mut *tx)
    .await?;
    insert_coordinators(&mut tx, id, &values.coordinators).await?;
    work::insert_update(
        &mut *tx,
        &NewUpdate::new(
            id,
            session.user.unit_id,
            session.user.id,
            TaskUpdateKind::Created,
            "",
        )
        .created(TaskStatus::NotStarted)
        .percent(0)
        .deadline(values.deadline),
    )
    .await?;
    let heads = notifications::unit_heads(&mut *tx, values.lead_unit).await?;
    notifications::notify(
        &mut *tx,
        &heads,
        &Notice::task(
            NotificationKind::Assigned,
            id,
            json!({ "code": code, "by": session.user.full_name }),
        ),
        state.clock.now(),
    )
    .await?;
    let task = work::lock(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    finish_task(
        &state,
        &session,
        &headers,
        tx,
        &task,
        "task.create",
        serde_json::Value::Null,
        json!(values),
        "task.created",
    )
    .await
}

/// A saved task's details, as the form edits them.
async fn saved_values(
    executor: impl sqlx::PgExecutor<'_>,
    task: &TaskState,
) -> Result<TaskValues, AppError> {
    let coordinators: Vec<(UnitId, String)> = sqlx::query_as(
        "select c.unit_id, c.role_text from task_coordinators c join units u on u.id = c.unit_id
         where c.task_id = $1 order by u.sort_order, u.name",
    )
    .bind(task.id)
    .fetch_all(executor)
    .await?;
    Ok(TaskValues {
        shortcoming: task.shortcoming_id,
        plan: task.plan_id,
        title: task.title.clone(),
        description: task.description.clone(),
        expected_result: task.expected_result.clone(),
        lead_unit: task.lead_unit_id,
        coordinators,
        leader_in_charge: task.leader_in_charge.clone(),
        deadline: task.deadline,
    })
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
    let mut form = form_of(&saved_values(&state.pool, &task).await?, task.row_version);
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

/// What an edit changes, as the codes the history records.
fn changed_fields(before: &TaskValues, after: &TaskValues) -> Vec<&'static str> {
    let mut changed = Vec::new();
    let mut check = |code: &'static str, differs: bool| {
        if differs {
            changed.push(code);
        }
    };
    check("shortcoming", before.shortcoming != after.shortcoming);
    check("plan", before.plan != after.plan);
    check("title", before.title != after.title);
    check("description", before.description != after.description);
    check(
        "expected_result",
        before.expected_result != after.expected_result,
    );
    check("lead_unit", before.lead_unit != after.lead_unit);
    let mut a = before.coordinators.clone();
    let mut b = after.coordinators.clone();
    a.sort();
    b.sort();
    check("coordinators", a != b);
    check(
        "leader_in_charge",
        before.leader_in_charge != after.leader_in_charge,
    );
    check("deadline", before.deadline != after.deadline);
    changed
}

/// `POST /tasks/{id}` (City reviewers, admins): saves an edit, unless someone changed the task
/// since the form was opened. A new lead unit's heads are told; officers of the old lead unit
/// stop following it. A deadline moved into the past makes the task overdue at once.
pub async fn update(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    headers: HeaderMap,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<TaskForm>,
) -> Result<Response, AppError> {
    let id = TaskId(parse_id(&raw)?);
    let mut tx = state.pool.begin().await?;
    let task = work::lock(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let before = saved_values(&mut *tx, &task).await?;
    let choices = form_choices(&state, Some(task.lead_unit_id)).await?;
    if !task.is_version(&form.version) {
        drop(tx);
        let conflict = changes_since(&state, &session, id, &form.seen).await?;
        let saved = form_of(&before, task.row_version);
        let mut typed = form;
        typed.version = task.row_version.to_string();
        let page = FormRender {
            task: Some(task),
            form: typed,
            errors: FieldErrors::one("form", ctx.t("task.conflict")),
            conflict: Some(conflict),
            current: Some(saved),
            status: StatusCode::CONFLICT,
        };
        return form_page(&state, ctx, page).await;
    }
    let mut errors = FieldErrors::default();
    let values = match validate(&ctx, &form, &choices, false) {
        Ok(values) if values.deadline.is_none() && task.deadline.is_some() => {
            errors.add("deadline", ctx.t("task.deadline_cannot_be_cleared"));
            None
        }
        Ok(values) => Some(values),
        Err(e) => {
            errors = e;
            None
        }
    };
    let Some(values) = values else {
        drop(tx);
        let page = FormRender {
            task: Some(task),
            form,
            errors,
            conflict: None,
            current: None,
            status: StatusCode::UNPROCESSABLE_ENTITY,
        };
        return form_page(&state, ctx, page).await;
    };
    let changed = changed_fields(&before, &values);
    if changed.is_empty() {
        drop(tx);
        session.flash(&state, "task.no_changes", None).await?;
        return Ok(see_other(&format!("/tasks/{id}")));
    }
    // Coordinators first: the new lead unit may be one of the old coordinating units.
    sqlx::query("delete from task_coordinators where task_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "update tasks set shortcoming_id = $2, plan_id = $3, title = $4, description = $5,
                          expected_result = $6, lead_unit_id = $7, leader_in_charge = $8,
                          row_version = row_version + 1
         where id = $1",
    )
    .bind(id)
    .bind(values.shortcoming)
    .bind(values.plan)
    .bind(&values.title)
    .bind(&values.description)
    .bind(&values.expected_result)
    .bind(values.lead_unit)
    .bind(&values.leader_in_charge)
    .execute(&mut *tx)
    .await?;
    insert_coordinators(&mut tx, id, &values.coordinators).await?;
    if let (Some(deadline), true) = (values.deadline, values.deadline != task.deadline) {
        work::set_deadline(&mut *tx, id, deadline).await?;
    }
    if values.lead_unit != task.lead_unit_id {
        change_lead_unit(
            &mut tx,
            &[&task],
            values.lead_unit,
            &session,
            state.clock.now(),
        )
        .await?;
    }
    flags::update_task_flags(&mut tx, state.today(), Some(&[id])).await?;
    work::insert_update(
        &mut *tx,
        &NewUpdate::new(
            id,
            session.user.unit_id,
            session.user.id,
            TaskUpdateKind::Edited,
            &changed.join(","),
        )
        .deadline(values.deadline.filter(|d| Some(*d) != task.deadline)),
    )
    .await?;
    finish_task(
        &state,
        &session,
        &headers,
        tx,
        &task,
        "task.update",
        json!(before),
        json!({ "changed": changed, "values": values }),
        "task.saved",
    )
    .await
}

/// After the lead unit of `tasks` changed to `new_lead`: officers of other units stop
/// following them, the new unit's heads are told of each.
async fn change_lead_unit(
    conn: &mut PgConnection,
    tasks: &[&TaskState],
    new_lead: UnitId,
    session: &Session,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    let ids: Vec<TaskId> = tasks.iter().map(|t| t.id).collect();
    sqlx::query(
        "delete from task_assignees a using users u
         where a.task_id = any($1) and u.id = a.user_id and u.unit_id <> $2",
    )
    .bind(&ids)
    .bind(new_lead)
    .execute(&mut *conn)
    .await?;
    let heads = notifications::unit_heads(&mut *conn, new_lead).await?;
    for task in tasks {
        notifications::notify(
            &mut *conn,
            &heads,
            &Notice::task(
                NotificationKind::Assigned,
                task.id,
                json!({ "code": task.code, "by": session.user.full_name }),
            ),
            at,
        )
        .await?;
    }
    Ok(())
}

/// The bulk actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BulkAction {
    Lead(UnitId),
    Deadline(NaiveDate),
    Remind,
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
    let mut errors = FieldErrors::default();
    // Ticked rows, each once; a value that is no id is no task of the list.
    let ids = crate::web::forms::ids_of(&form.task).unwrap_or_else(|| {
        errors.add("bulk", ctx.t("bulk.unknown_task"));
        Vec::new()
    });
    if form.task.is_empty() {
        errors.add("bulk", ctx.t("bulk.none_selected"));
    }
    let units = admin_queries::unit_options(&state.pool, None).await?;
    let action = match form.action.as_str() {
        "lead" => match id_in(&form.lead_unit, units.iter().map(|u| u.id), |u| u.0) {
            Some(unit) => Some(BulkAction::Lead(unit)),
            None => {
                errors.add("bulk_lead_unit", ctx.t("form.choose"));
                None
            }
        },
        "deadline" => match parse_date(&form.deadline) {
            Some(date) if date < ctx.today => {
                errors.add("bulk_deadline", ctx.t("task.deadline_past"));
                None
            }
            Some(date) => Some(BulkAction::Deadline(date)),
            None => {
                errors.add("bulk_deadline", ctx.t("form.date_format"));
                None
            }
        },
        "remind" => {
            if form.doc_number.trim().chars().count() > limits::REMINDER_DOC_NUMBER.max {
                errors.add("bulk_doc_number", ctx.t("form.too_long"));
            }
            if form.message.trim().chars().count() > limits::LONG_TEXT {
                errors.add("bulk_message", ctx.t("form.too_long"));
            }
            Some(BulkAction::Remind)
        }
        _ => {
            errors.add("bulk_action", ctx.t("form.choose"));
            None
        }
    };
    let mut tx = state.pool.begin().await?;
    let tasks: Vec<TaskState> = work::lock_many(&mut tx, &ids).await?;
    if tasks.len() != ids.len() && !ids.is_empty() {
        errors.add("bulk", ctx.t("bulk.unknown_task"));
    }
    let done: Vec<&str> = tasks
        .iter()
        .filter(|t| t.status == TaskStatus::Done)
        .map(|t| t.code.as_str())
        .collect();
    if !done.is_empty() {
        errors.add("bulk", ctx.tf("bulk.done_tasks", done.join(", ")));
    }
    if let Some(BulkAction::Lead(unit)) = action {
        let clashes: Vec<String> = sqlx::query_scalar(
            "select t.code from tasks t join task_coordinators c on c.task_id = t.id
             where t.id = any($1) and c.unit_id = $2 order by t.code",
        )
        .bind(&ids)
        .bind(unit)
        .fetch_all(&mut *tx)
        .await?;
        if !clashes.is_empty() {
            errors.add(
                "bulk_lead_unit",
                ctx.tf("bulk.lead_is_coordinator", clashes.join(", ")),
            );
        }
    }
    let Some(action) = action.filter(|_| errors.is_empty()) else {
        drop(tx);
        let response = list_page(&state, ctx, &session, list_query, Some((form, errors))).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, response).into_response());
    };

    let today = state.today();
    let (name, mut changed, mut moved) = (bulk_action_name(action), Vec::new(), Vec::new());
    for task in &tasks {
        let (before, after) = match action {
            BulkAction::Lead(unit) if unit == task.lead_unit_id => continue,
            BulkAction::Lead(unit) => {
                sqlx::query(
                    "update tasks set lead_unit_id = $2, plan_id = null, row_version = row_version + 1
                     where id = $1",
                )
                .bind(task.id)
                .bind(unit)
                .execute(&mut *tx)
                .await?;
                moved.push(task);
                record_edit(&mut tx, task, &session, "lead_unit,plan", None).await?;
                (
                    json!({ "lead_unit": task.lead_unit_id, "plan": task.plan_id }),
                    json!({ "lead_unit": unit, "plan": null }),
                )
            }
            BulkAction::Deadline(date) if Some(date) == task.deadline => continue,
            BulkAction::Deadline(date) => {
                work::set_deadline(&mut *tx, task.id, date).await?;
                record_edit(&mut tx, task, &session, "deadline", Some(date)).await?;
                (
                    json!({ "deadline": task.deadline }),
                    json!({ "deadline": date }),
                )
            }
            BulkAction::Remind => {
                let doc = crate::web::forms::optional(&form.doc_number);
                work::insert_reminder(
                    &mut tx,
                    task.id,
                    task.lead_unit_id,
                    session.user.id,
                    doc.as_deref(),
                    form.message.trim(),
                )
                .await?;
                notifications::notify_task_people(&mut tx, task.id, &Notice::task(NotificationKind::Reminder, task.id, json!({ "code": task.code, "doc_number": doc, "by": session.user.full_name })), state.clock.now()).await?;
                (
                    json!({ "reminder_count": task.reminder_count }),
                    json!({ "reminder_count": task.reminder_count + 1, "doc_number": doc, "to_unit": task.lead_unit_id }),
                )
            }
        };
        audit::record(
            &mut *tx,
            AuditEntry {
                actor: Some(session.user.id),
                action: name,
                entity: "task",
                entity_id: Some(task.id.to_string()),
                unit: Some(task.lead_unit_id),
                before: Some(before),
                after: Some(after),
                request_id: request_id(&headers),
                ..Default::default()
            },
        )
        .await?;
        changed.push(task.id);
    }
    if let BulkAction::Lead(unit) = action
        && !moved.is_empty()
    {
        change_lead_unit(&mut tx, &moved, unit, &session, state.clock.now()).await?;
    }
    // New deadlines and reminders may change flags: once, for all the tasks changed.
    flags::update_task_flags(&mut tx, today, Some(&changed)).await?;
    let back = format!("/tasks?{}", list_query.without_page());
    crate::web::pages::finish(
        &state,
        &session,
        &headers,
        tx,
        AuditEntry {
            action: "task.bulk",
            entity: "task_list",
            after: Some(json!({ "action": name, "tasks": changed })),
            ..Default::default()
        },
        ("bulk.done", Some(changed.len().to_string())),
        &back,
    )
    .await
}

fn bulk_action_name(action: BulkAction) -> &'static str {
    match action {
        BulkAction::Lead(_) => "task.bulk_lead",
        BulkAction::Deadline(_) => "task.bulk_deadline",
        BulkAction::Remind => "reminder.send",
    }
}

/// The history entry of a change by the City (an edit of `fields`).
async fn record_edit(
    conn: &mut PgConnection,
    task: &TaskState,
    session: &Session,
    fields: &str,
    deadline_after: Option<NaiveDate>,
) -> Result<(), sqlx::Error> {
    work::insert_update(
        &mut *conn,
        &NewUpdate::new(
            task.id,
            session.user.unit_id,
            session.user.id,
            TaskUpdateKind::Edited,
            fields,
        )
        .deadline(deadline_after),
    )
    .await?;
    Ok(())
}

/// Ends an action on a task: its audit entry in the action's transaction, the commit, a
/// one-time message, and back to the task's timeline.
#[allow(clippy::too_many_arguments)]
async fn finish_task(
    state: &AppState,
    session: &Session,
    headers: &HeaderMap,
    tx: sqlx::Transaction<'_, sqlx::Postgres>,
    task: &TaskState,
    action: &'static str,
    before: serde_json::Value,
    after: serde_json::Value,
    message: &str,
) -> Result<Response, AppError> {
    let entry = AuditEntry {
        action,
        entity: "task",
        entity_id: Some(task.id.to_string()),
        unit: Some(task.lead_unit_id),
        before: (!before.is_null()).then_some(before),
        after: Some(after),
        ..Default::default()
    };
    crate::web::pages::finish(
        state,
        session,
        headers,
        tx,
        entry,
        (message, Some(task.code.clone())),
        &format!("/tasks/{}#history", task.id),
    )
    .await
}
