//! The unit's daily work on a task, as the task's page sends it: progress reports with
//! evidence, coordinating units' contributions, confirmation or return of a reported
//! completion, and who follows the task. The work itself is done by `commands::task_work`.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;

use super::page::{ProgressForm, TaskForms};
use super::shared::{answer, by, visible};
use crate::commands::task_work::{self as commands, Progress};
use crate::domain::{TaskId, TaskStatus};
use crate::web::ctx::PageCtx;
use crate::web::error::AppError;
use crate::web::extract::CsrfForm;
use crate::web::forms::{MultipartForm, UploadForm, check_files, ids_of, new_files};
use crate::web::pages::parse_id;
use crate::web::session::Session;
use crate::web::state::AppState;

fn field(form: &MultipartForm, name: &str) -> String {
    form.fields.get(name).cloned().unwrap_or_default()
}

/// A percentage as typed ("60", "60 %"): a whole number from 0 to 100.
fn percent(raw: &str) -> Option<i16> {
    raw.trim()
        .trim_end_matches('%')
        .trim()
        .parse::<i16>()
        .ok()
        .filter(|p| (0..=100).contains(p))
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
    // Refused before the body is received; the command checks again on the locked row.
    let parties = visible(&state, &session, id).await?;
    if !session.user.actor.may_report_progress(&parties) {
        return Err(AppError::Forbidden);
    }
    let mut form = upload.read(&state).await?;
    let typed = ProgressForm {
        status: field(&form, "status"),
        percent: field(&form, "percent"),
        note: field(&form, "note"),
        question: field(&form, "question"),
    };
    let checked = check_files(&mut form, "file", state.config.max_upload_bytes, false);
    let sent = Progress {
        version: form.fields.get("version").map_or("", String::as_str),
        status: TaskStatus::from_code(typed.status.trim()),
        percent: percent(&typed.percent),
        note: &typed.note,
        question: &typed.question,
        files: new_files(&checked),
    };
    let mut tx = state.pool.begin().await?;
    let outcome =
        commands::report_progress(&mut tx, &by(&state, &session, &headers), id, sent).await;
    let forms = TaskForms {
        progress: typed.clone(),
        open: Some("progress"),
        ..TaskForms::default()
    };
    answer(
        &state,
        ctx,
        &session,
        id,
        tx,
        outcome,
        forms,
        form.fields.get("seen"),
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
    // Refused before the body is received; the command checks again on the locked row.
    let parties = visible(&state, &session, id).await?;
    if !session.user.actor.may_contribute(&parties) {
        return Err(AppError::Forbidden);
    }
    let mut form = upload.read(&state).await?;
    let note = field(&form, "contribution");
    let checked = check_files(&mut form, "file", state.config.max_upload_bytes, false);
    let by = by(&state, &session, &headers);
    let mut tx = state.pool.begin().await?;
    let outcome = commands::contribute(&mut tx, &by, id, &note, new_files(&checked)).await;
    let forms = TaskForms {
        contribution: note.clone(),
        open: Some("contribution"),
        ..TaskForms::default()
    };
    answer(&state, ctx, &session, id, tx, outcome, forms, None).await
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
    let by = by(&state, &session, &headers);
    let mut tx = state.pool.begin().await?;
    let outcome = commands::confirm(&mut tx, &by, id, &form.version, &form.reason).await;
    let forms = TaskForms {
        open: Some("confirm"),
        ..TaskForms::default()
    };
    answer(
        &state,
        ctx,
        &session,
        id,
        tx,
        outcome,
        forms,
        Some(&form.seen),
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
    let by = by(&state, &session, &headers);
    let mut tx = state.pool.begin().await?;
    let outcome = commands::return_for_rework(&mut tx, &by, id, &form.version, &form.reason).await;
    let forms = TaskForms {
        return_reason: form.reason.clone(),
        open: Some("confirm"),
        ..TaskForms::default()
    };
    answer(
        &state,
        ctx,
        &session,
        id,
        tx,
        outcome,
        forms,
        Some(&form.seen),
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
    let ticked = ids_of(&form.officer);
    let by = by(&state, &session, &headers);
    let mut tx = state.pool.begin().await?;
    let outcome = commands::assign(&mut tx, &by, id, ticked.as_deref()).await;
    let forms = TaskForms {
        assignees: Some(ticked.unwrap_or_default()),
        open: Some("assign"),
        ..TaskForms::default()
    };
    answer(&state, ctx, &session, id, tx, outcome, forms, None).await
}
