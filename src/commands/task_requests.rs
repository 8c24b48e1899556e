//! What passes between a unit and the City on a task: extension requests and the City's
//! decision, the City's answer to a unit's question, and formal reminders (đôn đốc).

use chrono::NaiveDate;
use serde_json::json;
use sqlx::PgConnection;

use super::constraints::OrRefuse;
use super::{By, Changed, Refusal, lock_visible, record, store_files};
use crate::db::files::{FileOwner, NewFile};
use crate::db::notifications::{self, Notice};
use crate::db::task_work::{self as work, NewExtension, NewUpdate};
use crate::domain::dates::format_date;
use crate::domain::input::{self, FieldErrors, Invalid, limits};
use crate::domain::{
    ExtensionStatus, NotificationKind, TaskId, TaskStatus, TaskUpdateKind, UnitId,
};
use crate::jobs::flags;

/// An extension request as sent.
#[derive(Debug)]
pub struct ExtensionRequest<'a> {
    /// `None`: not a date.
    pub proposed: Option<NaiveDate>,
    pub reason: &'a str,
    pub doc_number: &'a str,
    /// The unit's document, or why it was refused.
    pub files: Result<Vec<NewFile<'a>>, Invalid>,
}

/// The lead unit's head asks for a later deadline, with the reason and optionally the unit's
/// document. One request waits at a time.
pub async fn request_extension(
    conn: &mut PgConnection,
    by: &By<'_>,
    id: TaskId,
    sent: ExtensionRequest<'_>,
) -> Result<Changed, Refusal> {
    let (task, parties) = lock_visible(conn, by, id).await?;
    if !by.actor.may_request_for_unit(&parties) {
        return Err(Refusal::Forbidden);
    }
    let mut errors = FieldErrors::default();
    match (task.deadline, task.status) {
        (_, TaskStatus::Done) => errors.refuse("form", Invalid::new("task.already_done")),
        (None, _) => errors.refuse("form", Invalid::new("extension.no_deadline")),
        (Some(current), _) => match sent.proposed {
            None => errors.refuse("proposed_deadline", Invalid::new("form.date_format")),
            Some(date) if date <= current => errors.refuse(
                "proposed_deadline",
                Invalid::with("extension.not_later", format_date(current)),
            ),
            Some(date) if date <= by.today => {
                errors.refuse("proposed_deadline", Invalid::new("extension.in_the_past"))
            }
            Some(_) => {}
        },
    }
    let reason = match limits::EXTENSION_REASON.required(sent.reason) {
        Err(e) if e == input::REQUIRED => Err(Invalid::new("extension.reason_required")),
        other => other,
    };
    let reason = errors.check("reason", reason);
    let doc_number = errors.check(
        "doc_number",
        limits::EXTENSION_DOC_NUMBER.optional(sent.doc_number),
    );
    let files = errors.check("extension_file", sent.files);
    if work::pending_extension(&mut *conn, id).await?.is_some() {
        errors.refuse("form", Invalid::new("extension.already_pending"));
    }
    let (Some(current), Some(proposed), Some(reason), Some(doc_number), Some(files), true) = (
        task.deadline,
        sent.proposed,
        reason,
        doc_number,
        files,
        errors.is_empty(),
    ) else {
        return Err(Refusal::Invalid(errors));
    };
    let request = NewExtension {
        deadline_before: current,
        proposed_deadline: proposed,
        reason,
        doc_number,
    };
    // Two requests sent at once: the second finds the first (extension_requests_one_pending).
    let extension = work::insert_extension(&mut *conn, id, by.actor.id, &request)
        .await
        .or_refuse()?;
    let stored = store_files(conn, FileOwner::ExtensionRequest(extension), &files, by).await?;
    record(
        conn,
        by,
        &task,
        "extension.request",
        serde_json::Value::Null,
        json!({ "extension_id": extension, "request": request, "files": stored }),
    )
    .await?;
    Ok(Changed::of(&task, "extension.requested"))
}

/// The City approves a request — the current deadline moves, the original stays on record —
/// or rejects it, with a note. `approve`: `None` when neither was chosen.
pub async fn decide_extension(
    conn: &mut PgConnection,
    by: &By<'_>,
    extension_id: i64,
    approve: Option<bool>,
    note: &str,
) -> Result<Changed, Refusal> {
    if !by.actor.manages_tasks() {
        return Err(Refusal::Forbidden);
    }
    let extension = work::lock_extension(conn, extension_id)
        .await?
        .ok_or(Refusal::NotFound)?;
    let id = extension.task_id;
    let task = work::lock(conn, id).await?.ok_or(Refusal::NotFound)?;
    let note = input::clean(note);
    let refusal = if extension.status != ExtensionStatus::Pending {
        Some(("form", Invalid::new("extension.already_decided")))
    } else if approve.is_none() {
        Some(("decision_note", input::CHOOSE))
    } else if approve == Some(false) && note.is_empty() {
        Some((
            "decision_note",
            Invalid::new("extension.rejection_note_required"),
        ))
    } else if note.chars().count() > limits::EXTENSION_DECISION_NOTE.max {
        Some(("decision_note", limits::EXTENSION_DECISION_NOTE.too_long()))
    } else {
        None
    };
    if let Some((field, invalid)) = refusal {
        return Err(Refusal::one(field, invalid));
    }
    let approve = approve == Some(true);
    work::decide_extension(&mut *conn, extension.id, approve, by.actor.id, &note).await?;
    if approve {
        work::set_deadline(&mut *conn, id, extension.proposed_deadline).await?;
        // A task overdue under the old deadline is on time again under the new one.
        flags::update_task_flags(conn, by.today, Some(&[id])).await?;
    }
    let people = notifications::task_people(&mut *conn, id).await?;
    let notice = Notice {
        kind: NotificationKind::ExtensionDecided,
        task: Some(id),
        extension_request: Some(extension.id),
        report: None,
        params: json!({
            "code": task.code,
            "approved": approve,
            "deadline": extension.proposed_deadline,
        }),
    };
    notifications::notify(&mut *conn, &people, &notice, by.now).await?;
    let (action, message) = if approve {
        ("extension.approve", "extension.approved")
    } else {
        ("extension.reject", "extension.rejected")
    };
    record(
        conn,
        by,
        &task,
        action,
        json!({ "extension_id": extension.id, "deadline": task.deadline }),
        json!({
            "extension_id": extension.id,
            "deadline": if approve { Some(extension.proposed_deadline) } else { task.deadline },
            "note": note,
        }),
    )
    .await?;
    Ok(Changed::of(&task, message))
}

/// The City's direction on a unit's question: the task goes back to "in progress" and its
/// unit is told.
pub async fn answer_question(
    conn: &mut PgConnection,
    by: &By<'_>,
    escalation_id: i64,
    answer: &str,
) -> Result<Changed, Refusal> {
    if !by.actor.manages_tasks() {
        return Err(Refusal::Forbidden);
    }
    let id = work::escalation_task(&mut *conn, escalation_id)
        .await?
        .ok_or(Refusal::NotFound)?;
    let task = work::lock(conn, id).await?.ok_or(Refusal::NotFound)?;
    if work::lock_open_escalation(conn, escalation_id)
        .await?
        .is_none()
    {
        return Err(Refusal::one(
            "form",
            Invalid::new("escalation.already_answered"),
        ));
    }
    let answer = match limits::ANSWER.required(answer) {
        Err(e) if e == input::REQUIRED => Err(Invalid::new("escalation.answer_required")),
        other => other,
    }
    .map_err(|e| Refusal::one("answer", e))?;
    work::answer_escalation(&mut *conn, escalation_id, by.actor.id, &answer).await?;
    // The question held the task in "needs direction"; with the answer, work goes on.
    let status_after = if task.status == TaskStatus::NeedsDirection {
        work::set_status(&mut *conn, id, TaskStatus::InProgress, by.now).await?;
        TaskStatus::InProgress
    } else {
        task.status
    };
    work::insert_update(
        &mut *conn,
        &NewUpdate::new(
            id,
            by.actor.unit_id,
            by.actor.id,
            TaskUpdateKind::EscalationAnswered,
            &answer,
        )
        .status(task.status, status_after),
    )
    .await?;
    let notice = Notice::task(
        NotificationKind::EscalationAnswered,
        id,
        json!({ "code": task.code }),
    );
    notifications::notify_task_people(conn, id, &notice, by.now).await?;
    record(
        conn,
        by,
        &task,
        "escalation.answer",
        json!({ "escalation_id": escalation_id, "status": task.status, "stale": task.stale }),
        json!({ "escalation_id": escalation_id, "status": status_after, "answer": answer,
                "stale": status_after == task.status && task.stale }),
    )
    .await?;
    Ok(Changed::of(&task, "escalation.answered"))
}

/// A reminder as sent.
#[derive(Debug)]
pub struct Reminder<'a> {
    /// The unit reminded (`None`: none chosen, or no id).
    pub to: Option<UnitId>,
    pub doc_number: &'a str,
    pub message: &'a str,
}

/// A formal reminder (đôn đốc), optionally under a document number — from the City to the
/// lead or a coordinating unit, or from the lead unit's head to a coordinating unit. Counted
/// on the task; an overdue task reminded more than three times goes to the leadership
/// briefing.
pub async fn remind(
    conn: &mut PgConnection,
    by: &By<'_>,
    id: TaskId,
    sent: Reminder<'_>,
) -> Result<Changed, Refusal> {
    let (task, parties) = lock_visible(conn, by, id).await?;
    if !by.actor.may_remind(&parties) {
        return Err(Refusal::Forbidden);
    }
    let mut errors = FieldErrors::default();
    // The City reminds any unit of the task; a lead unit's head only its coordinating units.
    let to = sent.to.filter(|unit| {
        parties.coordinators.contains(unit) || (by.actor.manages_tasks() && *unit == parties.lead)
    });
    let to = errors.check("reminder_to", to.ok_or(input::CHOOSE));
    let doc_number = errors.check(
        "reminder_doc_number",
        limits::REMINDER_DOC_NUMBER.optional(sent.doc_number),
    );
    let message = errors.check(
        "reminder_message",
        limits::REMINDER_MESSAGE.text(sent.message),
    );
    if task.status == TaskStatus::Done {
        errors.refuse("form", Invalid::new("task.already_done"));
    }
    let (Some(to), Some(doc_number), Some(message), true) =
        (to, doc_number, message, errors.is_empty())
    else {
        return Err(Refusal::Invalid(errors));
    };
    let reminder =
        work::insert_reminder(conn, id, to, by.actor.id, doc_number.as_deref(), &message).await?;
    flags::update_task_flags(conn, by.today, Some(&[id])).await?;
    // The unit reminded hears of it: the task's people when it leads, its heads otherwise.
    let recipients = if to == task.lead_unit_id {
        notifications::task_people(&mut *conn, id).await?
    } else {
        notifications::unit_heads(&mut *conn, to).await?
    };
    let notice = Notice::task(
        NotificationKind::Reminder,
        id,
        json!({ "code": task.code, "doc_number": doc_number, "by": by.name }),
    );
    notifications::notify(&mut *conn, &recipients, &notice, by.now).await?;
    record(
        conn,
        by,
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
    )
    .await?;
    Ok(Changed::of(&task, "reminder.sent"))
}
