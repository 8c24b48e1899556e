//! What passes between a unit and the City on a task, as the task's page sends it: extension
//! requests and decisions, answers to questions, reminders. The work itself is done by
//! `commands::task_requests`.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;

use super::page::{ExtensionForm, ReminderForm, TaskForms};
use super::shared::{answer, by, visible};
use crate::commands::task_requests::{self as commands, ExtensionRequest, Reminder};
use crate::db::task_work as work;
use crate::domain::dates::parse_date;
use crate::domain::{TaskId, UnitId};
use crate::web::ctx::PageCtx;
use crate::web::error::AppError;
use crate::web::extract::CsrfForm;
use crate::web::forms::{UploadForm, check_files, id_of, new_files};
use crate::web::pages::parse_id;
use crate::web::session::Session;
use crate::web::state::AppState;

/// `POST /tasks/{id}/extensions`: the lead unit's head asks for a later deadline, with the
/// reason and optionally the unit's document.
pub async fn request_extension(
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
    if !session.user.actor.may_request_for_unit(&parties) {
        return Err(AppError::Forbidden);
    }
    let mut form = upload.read(&state).await?;
    let get = |name: &str| form.fields.get(name).cloned().unwrap_or_default();
    let typed = ExtensionForm {
        proposed_deadline: get("proposed_deadline"),
        reason: get("reason"),
        doc_number: get("doc_number"),
    };
    let checked = check_files(&mut form, "file", state.config.max_upload_bytes, false);
    let sent = ExtensionRequest {
        proposed: parse_date(&typed.proposed_deadline),
        reason: &typed.reason,
        doc_number: &typed.doc_number,
        files: new_files(&checked),
    };
    let by = by(&state, &session, &headers);
    let mut tx = state.pool.begin().await?;
    let outcome = commands::request_extension(&mut tx, &by, id, sent).await;
    let forms = TaskForms {
        extension: typed.clone(),
        open: Some("extension"),
        ..TaskForms::default()
    };
    answer(&state, ctx, &session, id, tx, outcome, forms, None).await
}

/// The City's decision on an extension request.
#[derive(Debug, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    note: String,
}

/// `POST /extensions/{id}/decision` (City reviewers, admins): approve — the current deadline
/// moves, the original stays on record — or reject, with a note.
pub async fn decide_extension(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    headers: HeaderMap,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> Result<Response, AppError> {
    let extension = parse_id(&raw)?;
    let id = work::extension_task(&state.pool, extension)
        .await?
        .ok_or(AppError::NotFound)?;
    let approve = match form.decision.as_str() {
        "approve" => Some(true),
        "reject" => Some(false),
        _ => None,
    };
    let by = by(&state, &session, &headers);
    let mut tx = state.pool.begin().await?;
    let outcome = commands::decide_extension(&mut tx, &by, extension, approve, &form.note).await;
    let forms = TaskForms {
        decision_note: form.note.clone(),
        open: Some("extension_decision"),
        ..TaskForms::default()
    };
    answer(&state, ctx, &session, id, tx, outcome, forms, None).await
}

/// The City's answer to a unit's question.
#[derive(Debug, Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    answer: String,
}

/// `POST /escalations/{id}/answer` (City reviewers, admins): the City's direction; the task
/// goes back to "in progress" and its unit is told.
pub async fn answer_escalation(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    headers: HeaderMap,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<AnswerForm>,
) -> Result<Response, AppError> {
    let question = parse_id(&raw)?;
    let id = work::escalation_task(&state.pool, question)
        .await?
        .ok_or(AppError::NotFound)?;
    let by = by(&state, &session, &headers);
    let mut tx = state.pool.begin().await?;
    let outcome = commands::answer_question(&mut tx, &by, question, &form.answer).await;
    let forms = TaskForms {
        answer: form.answer.clone(),
        open: Some("answer"),
        ..TaskForms::default()
    };
    answer(&state, ctx, &session, id, tx, outcome, forms, None).await
}

/// The reminder form.
#[derive(Debug, Deserialize)]
pub struct RemindForm {
    #[serde(default)]
    to: String,
    #[serde(default)]
    doc_number: String,
    #[serde(default)]
    message: String,
}

/// `POST /tasks/{id}/reminders`: a formal reminder (đôn đốc), optionally under a document
/// number — from the City to the lead or a coordinating unit, or from the lead unit's head to
/// a coordinating unit.
pub async fn remind(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    headers: HeaderMap,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<RemindForm>,
) -> Result<Response, AppError> {
    let id = TaskId(parse_id(&raw)?);
    let sent = Reminder {
        to: id_of(&form.to).map(UnitId),
        doc_number: &form.doc_number,
        message: &form.message,
    };
    let by = by(&state, &session, &headers);
    let mut tx = state.pool.begin().await?;
    let outcome = commands::remind(&mut tx, &by, id, sent).await;
    let forms = TaskForms {
        reminder: ReminderForm {
            to: form.to.clone(),
            doc_number: form.doc_number.clone(),
            message: form.message.clone(),
        },
        open: Some("reminder"),
        ..TaskForms::default()
    };
    answer(&state, ctx, &session, id, tx, outcome, forms, None).await
}
