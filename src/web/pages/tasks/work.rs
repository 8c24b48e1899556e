//! The unit's daily work on a task: progress reports with evidence, coordinating units'
//! contributions, confirmation or return of a reported completion, and who follows the task.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use super::page::{
    PageState, ProgressForm, TaskForms, changes_since, progress_statuses, task_page,
};
use super::shared::{finish_task, lock_visible, visible};
use crate::db::files::{self, FileOwner};
use crate::db::notifications::{self, Notice};
use crate::db::task_work::{self as work, NewUpdate, TaskState};
use crate::domain::input::{FieldErrors, limits};
use crate::domain::{NotificationKind, TaskId, TaskStatus, TaskUpdateKind, UnitId, UserId};
use crate::web::ctx::PageCtx;
use crate::web::error::AppError;
use crate::web::extract::CsrfForm;
use crate::web::forms::{CheckedFile, MultipartForm, UploadForm, check_files};
use crate::web::pages::parse_id;
use crate::web::session::Session;
use crate::web::state::AppState;

/// A progress report that passed the checks.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgressValues {
    pub status: TaskStatus,
    pub percent: i16,
    pub note: String,
    /// The question for the City, when the report asks for its direction.
    pub question: Option<String>,
}

/// Checks a progress report against the task's state and the reporter's rights.
pub fn validate_progress(
    ctx: &PageCtx,
    typed: &ProgressForm,
    current: TaskStatus,
    question_open: bool,
    may_escalate: bool,
) -> Result<ProgressValues, FieldErrors> {
    let mut errors = FieldErrors::default();
    let allowed = progress_statuses(current, question_open, may_escalate);
    let status = TaskStatus::from_code(typed.status.trim());
    match status {
        None => errors.add("status", ctx.t("form.choose")),
        Some(s) if !allowed.contains(&s) => errors.add(
            "status",
            ctx.t(match s {
                TaskStatus::Done => "task.done_needs_confirmation",
                TaskStatus::NeedsDirection => "task.direction_for_heads",
                _ => "task.waiting_for_direction",
            }),
        ),
        Some(_) => {}
    }
    let percent = typed
        .percent
        .trim()
        .trim_end_matches('%')
        .trim()
        .parse::<i16>()
        .ok()
        .filter(|p| (0..=100).contains(p));
    match (percent, status) {
        (None, _) => errors.add("percent", ctx.t("task.percent_range")),
        (Some(p), Some(TaskStatus::NotStarted)) if p > 0 => {
            errors.add("percent", ctx.t("task.not_started_percent"))
        }
        _ => {}
    }
    let note = typed.note.trim().to_owned();
    if note.is_empty() {
        errors.add("note", ctx.t("task.note_required"));
    } else if note.chars().count() > limits::LONG_TEXT {
        errors.add("note", ctx.t("form.too_long"));
    }
    let asks = status == Some(TaskStatus::NeedsDirection) && !question_open;
    let question = typed.question.trim().to_owned();
    if asks && question.is_empty() {
        errors.add("question", ctx.t("task.question_required"));
    } else if question.chars().count() > limits::LONG_TEXT {
        errors.add("question", ctx.t("form.too_long"));
    }
    match (status, percent) {
        (Some(status), Some(percent)) if errors.is_empty() => Ok(ProgressValues {
            status,
            // Reported done means all of it is done.
            percent: if status == TaskStatus::PendingConfirmation {
                100
            } else {
                percent
            },
            note,
            question: asks.then_some(question),
        }),
        _ => Err(errors),
    }
}

/// The unit an update is written for: the task's lead unit when the author works in it (or
/// above it), else the author's own unit.
fn acting_unit(session: &Session, lead: UnitId) -> UnitId {
    if session.user.actor.units.contains(&lead) || session.user.actor.is_admin() {
        lead
    } else {
        session.user.unit_id
    }
}

/// Stores the files of a history entry.
pub async fn store_files(
    conn: &mut sqlx::PgConnection,
    owner: FileOwner,
    files: &[CheckedFile],
    by: UserId,
) -> Result<Vec<serde_json::Value>, AppError> {
    let mut stored = Vec::with_capacity(files.len());
    for file in files {
        let id = files::insert(&mut *conn, owner, &file.as_new(), by).await?;
        stored.push(
            json!({ "file_id": id, "file_name": file.file_name, "size_bytes": file.content.size() }),
        );
    }
    Ok(stored)
}

/// The page again, refusing a form: what was typed stays, the messages sit beside the fields.
pub async fn refuse_unprocessable(
    state: &AppState,
    ctx: PageCtx,
    session: &Session,
    id: TaskId,
    forms: TaskForms,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let extra = PageState {
        forms,
        errors,
        conflict: None,
    };
    task_page(
        state,
        ctx,
        session,
        id,
        extra,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// The page again, refusing a save because someone changed the task meanwhile: shows what
/// changed, keeps what was typed.
pub async fn refuse_conflict(
    state: &AppState,
    ctx: PageCtx,
    session: &Session,
    id: TaskId,
    forms: TaskForms,
    seen: Option<&String>,
) -> Result<Response, AppError> {
    let changes = changes_since(state, session, id, seen.map(String::as_str).unwrap_or("")).await?;
    let extra = PageState {
        forms,
        errors: FieldErrors::default(),
        conflict: Some(changes),
    };
    task_page(state, ctx, session, id, extra, StatusCode::CONFLICT).await
}

fn field(form: &MultipartForm, name: &str) -> String {
    form.fields.get(name).cloned().unwrap_or_default()
}

/// `POST /tasks/{id}/progress`: the lead unit reports status, percent, a note and evidence;
/// "needs the City's direction" also sends the question to the City.
pub async fn report_progress(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    headers: HeaderMap,
    Path(raw): Path<String>,
    upload: UploadForm,
) -> Result<Response, AppError> {
    let id = TaskId(parse_id(&raw)?);
    // Refused before the body is received; checked again on the locked row below.
    let parties = visible(&state, &session, id).await?;
    if !session.user.actor.may_report_progress(&parties) {
        return Err(AppError::Forbidden);
    }
    let mut form = upload.read(&state).await?;
    let mut tx = state.pool.begin().await?;
    let (task, parties) = lock_visible(&mut tx, &session, id).await?;
    let actor = &session.user.actor;
    if !actor.may_report_progress(&parties) {
        return Err(AppError::Forbidden);
    }
    let typed = ProgressForm {
        status: field(&form, "status"),
        percent: field(&form, "percent"),
        note: field(&form, "note"),
        question: field(&form, "question"),
    };
    let forms = TaskForms {
        progress: typed.clone(),
        open: Some("progress"),
        ..TaskForms::default()
    };
    let files = check_files(
        &ctx,
        &mut form,
        "file",
        state.config.max_upload_bytes,
        false,
    );
    if task.status == TaskStatus::Done {
        drop(tx);
        let errors = FieldErrors::one("form", ctx.t("task.already_done"));
        return refuse_unprocessable(&state, ctx, &session, id, forms, errors).await;
    }
    if !task.is_version(form.fields.get("version").map(String::as_str).unwrap_or("")) {
        drop(tx);
        return refuse_conflict(&state, ctx, &session, id, forms, form.fields.get("seen")).await;
    }
    let question_open = work::open_escalation(&mut *tx, id).await?.is_some();
    let checked = validate_progress(
        &ctx,
        &typed,
        task.status,
        question_open,
        actor.may_request_for_unit(&parties),
    );
    let (values, files) = match (checked, files) {
        (Ok(values), Ok(files)) => (values, files),
        (checked, files) => {
            drop(tx);
            let mut errors = checked.err().unwrap_or_default();
            if let Err(message) = files {
                errors.add("file", message);
            }
            return refuse_unprocessable(&state, ctx, &session, id, forms, errors).await;
        }
    };

    work::set_progress(
        &mut *tx,
        id,
        values.status,
        values.percent,
        state.clock.now(),
    )
    .await?;
    let update = work::insert_update(
        &mut *tx,
        &NewUpdate::new(
            id,
            acting_unit(&session, task.lead_unit_id),
            session.user.id,
            TaskUpdateKind::Progress,
            &values.note,
        )
        .status(task.status, values.status)
        .percent(values.percent),
    )
    .await?;
    let stored = store_files(
        &mut tx,
        FileOwner::TaskUpdate(update),
        &files,
        session.user.id,
    )
    .await?;
    let escalation = match &values.question {
        Some(question) => {
            Some(work::insert_escalation(&mut *tx, id, session.user.id, question).await?)
        }
        None => None,
    };
    finish_task(
        &state,
        &session,
        &headers,
        tx,
        &task,
        "task.progress",
        json!({ "status": task.status, "percent": task.percent_complete, "stale": task.stale }),
        json!({
            "stale": false,
            "status": values.status,
            "percent": values.percent,
            "note": values.note,
            "files": stored,
            "escalation_id": escalation,
            "question": values.question,
        }),
        "task.progress_saved",
    )
    .await
}

/// `POST /tasks/{id}/contributions`: a coordinating unit reports its own part of the work.
pub async fn contribute(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    headers: HeaderMap,
    Path(raw): Path<String>,
    upload: UploadForm,
) -> Result<Response, AppError> {
    let id = TaskId(parse_id(&raw)?);
    // Refused before the body is received; checked again on the locked row below.
    let parties = visible(&state, &session, id).await?;
    if !session.user.actor.may_contribute(&parties) {
        return Err(AppError::Forbidden);
    }
    let mut form = upload.read(&state).await?;
    let mut tx = state.pool.begin().await?;
    let (task, parties) = lock_visible(&mut tx, &session, id).await?;
    let actor = &session.user.actor;
    if !actor.may_contribute(&parties) {
        return Err(AppError::Forbidden);
    }
    let note = field(&form, "contribution");
    let forms = TaskForms {
        contribution: note.clone(),
        open: Some("contribution"),
        ..TaskForms::default()
    };
    let mut errors = FieldErrors::default();
    let text = note.trim();
    if text.is_empty() {
        errors.add("contribution", ctx.t("task.note_required"));
    } else if text.chars().count() > limits::LONG_TEXT {
        errors.add("contribution", ctx.t("form.too_long"));
    }
    let files = match check_files(
        &ctx,
        &mut form,
        "file",
        state.config.max_upload_bytes,
        false,
    ) {
        Ok(files) => files,
        Err(message) => {
            errors.add("contribution_file", message);
            Vec::new()
        }
    };
    if !errors.is_empty() {
        return refuse_unprocessable(&state, ctx, &session, id, forms, errors).await;
    }
    // The unit the contribution is from: the user's coordinating unit.
    let unit = parties
        .coordinators
        .iter()
        .copied()
        .find(|u| actor.units.contains(u))
        .unwrap_or(session.user.unit_id);
    let update = work::insert_update(
        &mut *tx,
        &NewUpdate::new(
            id,
            unit,
            session.user.id,
            TaskUpdateKind::Contribution,
            text,
        ),
    )
    .await?;
    let stored = store_files(
        &mut tx,
        FileOwner::TaskUpdate(update),
        &files,
        session.user.id,
    )
    .await?;
    finish_task(
        &state,
        &session,
        &headers,
        tx,
        &task,
        "task.contribution",
        serde_json::Value::Null,
        json!({ "unit_id": unit, "note": text, "files": stored }),
        "task.contribution_saved",
    )
    .await
}

/// The confirm and return forms.
#[derive(Debug, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    seen: String,
    #[serde(default)]
    reason: String,
}

/// Checks a confirmation or return: the right person, a task waiting for it, unchanged since
/// the page was opened. `Ok(Err(response))` is the page refusing it.
async fn decision_target(
    state: &AppState,
    ctx: &PageCtx,
    session: &Session,
    id: TaskId,
    form: &DecisionForm,
    forms: &TaskForms,
    tx: &mut sqlx::PgConnection,
) -> Result<Result<TaskState, Response>, AppError> {
    let (task, parties) = lock_visible(tx, session, id).await?;
    if !session.user.actor.may_confirm(&parties) {
        return Err(AppError::Forbidden);
    }
    if !task.is_version(&form.version) {
        let response = refuse_conflict(
            state,
            ctx.clone(),
            session,
            id,
            forms.clone(),
            Some(&form.seen),
        )
        .await?;
        return Ok(Err(response));
    }
    if task.status != TaskStatus::PendingConfirmation {
        let errors = FieldErrors::one("form", ctx.t("task.not_pending"));
        let response =
            refuse_unprocessable(state, ctx.clone(), session, id, forms.clone(), errors).await?;
        return Ok(Err(response));
    }
    Ok(Ok(task))
}

/// `POST /tasks/{id}/confirm`: the lead unit's head or the City confirms the reported
/// completion; the task is done today.
pub async fn confirm(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    headers: HeaderMap,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> Result<Response, AppError> {
    let id = TaskId(parse_id(&raw)?);
    let forms = TaskForms {
        open: Some("confirm"),
        ..TaskForms::default()
    };
    let mut tx = state.pool.begin().await?;
    let task = match decision_target(&state, &ctx, &session, id, &form, &forms, &mut tx).await? {
        Ok(task) => task,
        Err(refusal) => return Ok(refusal),
    };
    let today = state.today();
    work::confirm_done(&mut *tx, id, today, state.clock.now()).await?;
    work::insert_update(
        &mut *tx,
        &NewUpdate::new(
            id,
            acting_unit(&session, task.lead_unit_id),
            session.user.id,
            TaskUpdateKind::Confirmed,
            form.reason.trim(),
        )
        .status(task.status, TaskStatus::Done)
        .percent(100),
    )
    .await?;
    notifications::notify_task_people(
        &mut tx,
        id,
        &Notice::task(
            NotificationKind::Confirmed,
            id,
            json!({ "code": task.code, "by": session.user.full_name }),
        ),
        state.clock.now(),
    )
    .await?;
    finish_task(
        &state,
        &session,
        &headers,
        tx,
        &task,
        "task.confirm",
        // Done ends the overdue flag and the briefing mark in the same statement (the schema
        // wants a done task never overdue); the entry records it.
        json!({
            "status": task.status,
            "overdue": task.overdue,
            "marked_for_briefing": task.marked_for_briefing,
            "stale": task.stale,
        }),
        json!({
            "status": TaskStatus::Done,
            "completed_on": today,
            "percent": 100,
            "overdue": false,
            "marked_for_briefing": false,
            "stale": false,
        }),
        "task.confirmed",
    )
    .await
}

/// `POST /tasks/{id}/return`: the reported completion is not accepted; back to work, with
/// the reason.
pub async fn return_for_rework(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    headers: HeaderMap,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> Result<Response, AppError> {
    let id = TaskId(parse_id(&raw)?);
    let forms = TaskForms {
        return_reason: form.reason.clone(),
        open: Some("confirm"),
        ..TaskForms::default()
    };
    let mut tx = state.pool.begin().await?;
    let task = match decision_target(&state, &ctx, &session, id, &form, &forms, &mut tx).await? {
        Ok(task) => task,
        Err(refusal) => return Ok(refusal),
    };
    let reason = form.reason.trim();
    if reason.is_empty() || reason.chars().count() > limits::LONG_TEXT {
        drop(tx);
        let key = if reason.is_empty() {
            "task.return_reason_required"
        } else {
            "form.too_long"
        };
        let errors = FieldErrors::one("return_reason", ctx.t(key));
        return refuse_unprocessable(&state, ctx, &session, id, forms, errors).await;
    }
    work::set_status(&mut *tx, id, TaskStatus::InProgress, state.clock.now()).await?;
    work::insert_update(
        &mut *tx,
        &NewUpdate::new(
            id,
            acting_unit(&session, task.lead_unit_id),
            session.user.id,
            TaskUpdateKind::Returned,
            reason,
        )
        .status(task.status, TaskStatus::InProgress),
    )
    .await?;
    notifications::notify_task_people(
        &mut tx,
        id,
        &Notice::task(
            NotificationKind::Returned,
            id,
            json!({ "code": task.code, "reason": reason }),
        ),
        state.clock.now(),
    )
    .await?;
    finish_task(
        &state,
        &session,
        &headers,
        tx,
        &task,
        "task.return",
        json!({ "status": task.status, "stale": task.stale }),
        json!({ "status": TaskStatus::InProgress, "reason": reason, "stale": false }),
        "task.returned",
    )
    .await
}

/// The assignment form: the officers ticked.
#[derive(Debug, Deserialize)]
pub struct AssignForm {
    #[serde(default)]
    officer: Vec<String>,
}

/// `POST /tasks/{id}/assignees`: the lead unit's head (or the City) chooses the officers of the
/// lead unit who follow the task.
pub async fn assign(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    headers: HeaderMap,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<AssignForm>,
) -> Result<Response, AppError> {
    let id = TaskId(parse_id(&raw)?);
    let mut tx = state.pool.begin().await?;
    let (task, parties) = lock_visible(&mut tx, &session, id).await?;
    if !session.user.actor.may_assign(&parties) {
        return Err(AppError::Forbidden);
    }
    let ticked = crate::web::forms::ids_of(&form.officer);
    let candidates = work::assignable(&mut *tx, task.lead_unit_id).await?;
    let chosen: Option<Vec<_>> = ticked.as_ref().and_then(|ids| {
        ids.iter()
            .map(|id| candidates.iter().find(|c| c.id.0 == *id))
            .collect()
    });
    let Some(mut chosen) = chosen else {
        drop(tx);
        let forms = TaskForms {
            assignees: Some(ticked.unwrap_or_default()),
            open: Some("assign"),
            ..TaskForms::default()
        };
        let errors = FieldErrors::one("assignees", ctx.t("task.unknown_officer"));
        return refuse_unprocessable(&state, ctx, &session, id, forms, errors).await;
    };
    chosen.sort_by_key(|c| c.id);
    chosen.dedup_by_key(|c| c.id);
    let before: Vec<UserId> = parties.assignees.clone();
    let after: Vec<UserId> = chosen.iter().map(|c| c.id).collect();
    let mut sorted_after = after.clone();
    sorted_after.sort();
    if sorted_after == before {
        drop(tx);
        session.flash(&state, "task.assign_unchanged", None).await?;
        return Ok(crate::web::http::see_other(&format!("/tasks/{id}")));
    }
    work::set_assignees(&mut tx, id, &after, session.user.id).await?;
    let names: Vec<&str> = chosen.iter().map(|c| c.full_name.as_str()).collect();
    let note = if names.is_empty() {
        "—".to_owned()
    } else {
        names.join(", ")
    };
    work::insert_update(
        &mut *tx,
        &NewUpdate::new(
            id,
            acting_unit(&session, task.lead_unit_id),
            session.user.id,
            TaskUpdateKind::Assignment,
            &note,
        ),
    )
    .await?;
    let added: Vec<UserId> = after
        .iter()
        .copied()
        .filter(|u| !before.contains(u))
        .collect();
    notifications::notify(
        &mut *tx,
        &added,
        &Notice::task(
            NotificationKind::Assigned,
            id,
            json!({ "code": task.code, "by": session.user.full_name }),
        ),
        state.clock.now(),
    )
    .await?;
    finish_task(
        &state,
        &session,
        &headers,
        tx,
        &task,
        "task.assign",
        json!({ "assignees": before }),
        json!({ "assignees": after, "names": names }),
        "task.assigned",
    )
    .await
}
