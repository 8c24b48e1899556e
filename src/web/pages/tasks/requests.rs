//! Between a unit and the City: extension requests and their decisions, questions for the
//! City's direction and its answers, and formal reminders (đôn đốc).

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use super::page::{ExtensionForm, ReminderForm, TaskForms};
use super::shared::{finish_task, lock_visible, visible};
use super::work::{refuse_unprocessable, store_files};
use crate::db::files::FileOwner;
use crate::db::notifications::{self, Notice};
use crate::db::task_work::{self as work, NewExtension, NewUpdate};
use crate::domain::dates::parse_date;
use crate::domain::input::{FieldErrors, limits};
use crate::domain::{NotificationKind, TaskId, TaskStatus, TaskUpdateKind, UnitId};
use crate::jobs::flags;
use crate::web::ctx::PageCtx;
use crate::web::error::AppError;
use crate::web::extract::CsrfForm;
use crate::web::forms::{UploadForm, check_files, optional, refusal};
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
    // Refused before the body is received; checked again on the locked row below.
    let parties = visible(&state, &session, id).await?;
    if !session.user.actor.may_request_for_unit(&parties) {
        return Err(AppError::Forbidden);
    }
    let mut form = upload.read(&state).await?;
    let mut tx = state.pool.begin().await?;
    let (task, parties) = lock_visible(&mut tx, &session, id).await?;
    if !session.user.actor.may_request_for_unit(&parties) {
        return Err(AppError::Forbidden);
    }
    let get = |name: &str| form.fields.get(name).cloned().unwrap_or_default();
    let typed = ExtensionForm {
        proposed_deadline: get("proposed_deadline"),
        reason: get("reason"),
        doc_number: get("doc_number"),
    };
    let forms = TaskForms {
        extension: typed.clone(),
        open: Some("extension"),
        ..TaskForms::default()
    };

    let mut errors = FieldErrors::default();
    let today = state.today();
    let proposed = parse_date(&typed.proposed_deadline);
    match (task.deadline, task.status) {
        (_, TaskStatus::Done) => errors.add("form", ctx.t("task.already_done")),
        (None, _) => errors.add("form", ctx.t("extension.no_deadline")),
        (Some(current), _) => match proposed {
            None => errors.add("proposed_deadline", ctx.t("form.date_format")),
            Some(date) if date <= current => errors.add(
                "proposed_deadline",
                ctx.tf("extension.not_later", ctx.date(current)),
            ),
            Some(date) if date <= today => {
                errors.add("proposed_deadline", ctx.t("extension.in_the_past"))
            }
            Some(_) => {}
        },
    }
    let reason = typed.reason.trim();
    if reason.is_empty() {
        errors.add("reason", ctx.t("extension.reason_required"));
    } else if reason.chars().count() > limits::LONG_TEXT {
        errors.add("reason", ctx.t("form.too_long"));
    }
    let doc_number = optional(&typed.doc_number);
    if doc_number
        .as_ref()
        .is_some_and(|n| n.chars().count() > limits::DOC_NUMBER)
    {
        errors.add("doc_number", ctx.t("form.too_long"));
    }
    let files = check_files(
        &ctx,
        &mut form,
        "file",
        state.config.max_upload_bytes,
        false,
    )
    .unwrap_or_else(|message| {
        errors.add("extension_file", message);
        Vec::new()
    });
    if work::pending_extension(&mut *tx, id).await?.is_some() {
        errors.add("form", ctx.t("extension.already_pending"));
    }
    let (Some(current), Some(proposed), true) = (task.deadline, proposed, errors.is_empty()) else {
        drop(tx);
        return refuse_unprocessable(&state, ctx, &session, id, forms, errors).await;
    };
    let request = NewExtension {
        deadline_before: current,
        proposed_deadline: proposed,
        reason: reason.to_owned(),
        doc_number,
    };
    let extension = match work::insert_extension(&mut *tx, id, session.user.id, &request).await {
        Ok(extension) => extension,
        // Two requests sent at once: the second finds the first
        // (extension_requests_one_pending).
        Err(e) => match refusal(&e) {
            Some(mut errors) => {
                drop(tx);
                errors.localize(ctx.catalog());
                return refuse_unprocessable(&state, ctx, &session, id, forms, errors).await;
            }
            None => return Err(e.into()),
        },
    };
    let stored = store_files(
        &mut tx,
        FileOwner::ExtensionRequest(extension),
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
        "extension.request",
        serde_json::Value::Null,
        json!({ "extension_id": extension, "request": request, "files": stored }),
        "extension.requested",
    )
    .await
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
    let extension_id = parse_id(&raw)?;
    let mut tx = state.pool.begin().await?;
    let extension = work::lock_extension(&mut tx, extension_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let id = extension.task_id;
    let task = work::lock(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let forms = TaskForms {
        decision_note: form.note.clone(),
        open: Some("extension_decision"),
        ..TaskForms::default()
    };
    let approve = match form.decision.as_str() {
        "approve" => Some(true),
        "reject" => Some(false),
        _ => None,
    };
    let note = form.note.trim();
    let mut errors = FieldErrors::default();
    if extension.status != crate::domain::ExtensionStatus::Pending {
        errors.add("form", ctx.t("extension.already_decided"));
    } else if approve.is_none() {
        errors.add("decision_note", ctx.t("form.choose"));
    } else if approve == Some(false) && note.is_empty() {
        errors.add("decision_note", ctx.t("extension.rejection_note_required"));
    } else if note.chars().count() > limits::LONG_TEXT {
        errors.add("decision_note", ctx.t("form.too_long"));
    }
    let (Some(approve), true) = (approve, errors.is_empty()) else {
        drop(tx);
        return refuse_unprocessable(&state, ctx, &session, id, forms, errors).await;
    };
    work::decide_extension(&mut *tx, extension.id, approve, session.user.id, note).await?;
    if approve {
        work::set_deadline(&mut *tx, id, extension.proposed_deadline).await?;
        // A task overdue under the old deadline is on time again under the new one.
        flags::update_task_flags(&mut tx, state.today(), Some(&[id])).await?;
    }
    let people = notifications::task_people(&mut *tx, id).await?;
    notifications::notify(
        &mut *tx,
        &people,
        &Notice {
            kind: NotificationKind::ExtensionDecided,
            task: Some(id),
            extension_request: Some(extension.id),
            params: json!({
                "code": task.code,
                "approved": approve,
                "deadline": extension.proposed_deadline,
            }),
        },
        state.clock.now(),
    )
    .await?;
    finish_task(
        &state,
        &session,
        &headers,
        tx,
        &task,
        if approve {
            "extension.approve"
        } else {
            "extension.reject"
        },
        json!({ "extension_id": extension.id, "deadline": task.deadline }),
        json!({
            "extension_id": extension.id,
            "deadline": if approve { Some(extension.proposed_deadline) } else { task.deadline },
            "note": note,
        }),
        if approve {
            "extension.approved"
        } else {
            "extension.rejected"
        },
    )
    .await
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
    let escalation_id = parse_id(&raw)?;
    let task_id: Option<TaskId> =
        sqlx::query_scalar("select task_id from escalations where id = $1")
            .bind(escalation_id)
            .fetch_optional(&state.pool)
            .await?;
    let id = task_id.ok_or(AppError::NotFound)?;
    let forms = TaskForms {
        answer: form.answer.clone(),
        open: Some("answer"),
        ..TaskForms::default()
    };
    let mut tx = state.pool.begin().await?;
    let task = work::lock(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let answer = form.answer.trim();
    let mut errors = FieldErrors::default();
    let open = work::lock_open_escalation(&mut tx, escalation_id).await?;
    if open.is_none() {
        errors.add("form", ctx.t("escalation.already_answered"));
    } else if answer.is_empty() {
        errors.add("answer", ctx.t("escalation.answer_required"));
    } else if answer.chars().count() > limits::LONG_TEXT {
        errors.add("answer", ctx.t("form.too_long"));
    }
    if !errors.is_empty() {
        drop(tx);
        return refuse_unprocessable(&state, ctx, &session, id, forms, errors).await;
    }
    work::answer_escalation(&mut *tx, escalation_id, session.user.id, answer).await?;
    // The question held the task in "needs direction"; with the answer, work goes on.
    let status_after = if task.status == TaskStatus::NeedsDirection {
        work::set_status(&mut *tx, id, TaskStatus::InProgress, state.clock.now()).await?;
        TaskStatus::InProgress
    } else {
        task.status
    };
    work::insert_update(
        &mut *tx,
        &NewUpdate::new(
            id,
            session.user.unit_id,
            session.user.id,
            TaskUpdateKind::EscalationAnswered,
            answer,
        )
        .status(task.status, status_after),
    )
    .await?;
    notifications::notify_task_people(
        &mut tx,
        id,
        &Notice::task(
            NotificationKind::EscalationAnswered,
            id,
            json!({ "code": task.code }),
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
        "escalation.answer",
        json!({ "escalation_id": escalation_id, "status": task.status, "stale": task.stale }),
        json!({ "escalation_id": escalation_id, "status": status_after, "answer": answer,
                "stale": status_after == task.status && task.stale }),
        "escalation.answered",
    )
    .await
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
/// a coordinating unit. Counted on the task; an overdue task reminded more than three times
/// goes to the leadership briefing.
pub async fn remind(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    headers: HeaderMap,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<RemindForm>,
) -> Result<Response, AppError> {
    let id = TaskId(parse_id(&raw)?);
    let mut tx = state.pool.begin().await?;
    let (task, parties) = lock_visible(&mut tx, &session, id).await?;
    let actor = &session.user.actor;
    if !actor.may_remind(&parties) {
        return Err(AppError::Forbidden);
    }
    let forms = TaskForms {
        reminder: ReminderForm {
            to: form.to.clone(),
            doc_number: form.doc_number.clone(),
            message: form.message.clone(),
        },
        open: Some("reminder"),
        ..TaskForms::default()
    };
    let mut errors = FieldErrors::default();
    // The City reminds any unit of the task; a lead unit's head only its coordinating units.
    let to = crate::web::forms::id_of(&form.to)
        .map(UnitId)
        .filter(|unit| {
            parties.coordinators.contains(unit) || (actor.manages_tasks() && *unit == parties.lead)
        });
    if to.is_none() {
        errors.add("reminder_to", ctx.t("form.choose"));
    }
    let doc_number = optional(&form.doc_number);
    if doc_number
        .as_ref()
        .is_some_and(|n| n.chars().count() > limits::DOC_NUMBER)
    {
        errors.add("reminder_doc_number", ctx.t("form.too_long"));
    }
    let message = form.message.trim();
    if message.chars().count() > limits::LONG_TEXT {
        errors.add("reminder_message", ctx.t("form.too_long"));
    }
    if task.status == TaskStatus::Done {
        errors.add("form", ctx.t("task.already_done"));
    }
    let (Some(to), true) = (to, errors.is_empty()) else {
        drop(tx);
        return refuse_unprocessable(&state, ctx, &session, id, forms, errors).await;
    };
    let reminder = work::insert_reminder(
        &mut tx,
        id,
        to,
        session.user.id,
        doc_number.as_deref(),
        message,
    )
    .await?;
    flags::update_task_flags(&mut tx, state.today(), Some(&[id])).await?;
    // The unit reminded hears of it: the task's people when it leads, its heads otherwise.
    let recipients = if to == task.lead_unit_id {
        notifications::task_people(&mut *tx, id).await?
    } else {
        notifications::unit_heads(&mut *tx, to).await?
    };
    notifications::notify(
        &mut *tx,
        &recipients,
        &Notice::task(
            NotificationKind::Reminder,
            id,
            json!({ "code": task.code, "doc_number": doc_number, "by": session.user.full_name }),
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
        "reminder.send",
        json!({ "reminder_count": task.reminder_count }),
        json!({
            "reminder_id": reminder,
            "to_unit": to,
            "doc_number": doc_number,
            "message": message,
            "reminder_count": task.reminder_count + 1,
        }),
        "reminder.sent",
    )
    .await
}
