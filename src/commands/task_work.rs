//! The units' daily work on a task: progress reports with evidence, coordinating units'
//! contributions, confirmation or return of a reported completion, and who follows the task.

use serde_json::json;
use sqlx::PgConnection;

use super::{By, Changed, Refusal, check_version, lock_visible, record, store_files};
use crate::db::files::{FileOwner, NewFile};
use crate::db::notifications::{self, Notice};
use crate::db::task_work::{self as work, NewUpdate, TaskState};
use crate::domain::input::{FieldErrors, Invalid, limits};
use crate::domain::{
    NotificationKind, TaskId, TaskStatus, TaskUpdateKind, UserId, progress_statuses,
};

/// A progress report as sent.
#[derive(Debug)]
pub struct Progress<'a> {
    /// The task's version the form was filled with.
    pub version: &'a str,
    /// `None`: no status, or one the portal does not know.
    pub status: Option<TaskStatus>,
    /// `None`: not a whole number from 0 to 100.
    pub percent: Option<i16>,
    pub note: &'a str,
    /// The question for the City, when the report asks for its direction.
    pub question: &'a str,
    /// The evidence, or why it was refused.
    pub files: Result<Vec<NewFile<'a>>, Invalid>,
}

/// A progress report that passed the checks.
#[derive(Debug, Clone, PartialEq)]
struct ProgressValues {
    status: TaskStatus,
    percent: i16,
    note: String,
    question: Option<String>,
}

/// Checks a progress report against the task's state and the reporter's rights.
fn check_progress(
    errors: &mut FieldErrors,
    sent: &Progress<'_>,
    current: TaskStatus,
    question_open: bool,
    may_escalate: bool,
) -> Option<ProgressValues> {
    let allowed = progress_statuses(current, question_open, may_escalate);
    let status = match sent.status {
        None => Err(crate::domain::input::CHOOSE),
        Some(s) if !allowed.contains(&s) => Err(Invalid::new(match s {
            TaskStatus::Done => "task.done_needs_confirmation",
            TaskStatus::NeedsDirection => "task.direction_for_heads",
            _ => "task.waiting_for_direction",
        })),
        Some(s) => Ok(s),
    };
    let status = errors.check("status", status);
    let percent = match (sent.percent, status) {
        (None, _) => Err(Invalid::new("task.percent_range")),
        (Some(p), Some(TaskStatus::NotStarted)) if p > 0 => {
            Err(Invalid::new("task.not_started_percent"))
        }
        (Some(p), _) => Ok(p),
    };
    let percent = errors.check("percent", percent);
    let note = errors.check(
        "note",
        limits::UPDATE_NOTE.required(sent.note).map_err(|e| {
            if e == crate::domain::input::REQUIRED {
                Invalid::new("task.note_required")
            } else {
                e
            }
        }),
    );
    let asks = status == Some(TaskStatus::NeedsDirection) && !question_open;
    let question = match limits::QUESTION.text(sent.question) {
        Ok(question) if asks && question.is_empty() => Err(Invalid::new("task.question_required")),
        other => other,
    };
    let question = errors.check("question", question);
    match (status, percent, note, question) {
        (Some(status), Some(percent), Some(note), Some(question)) => Some(ProgressValues {
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
        _ => None,
    }
}

/// The lead unit reports status, percent, a note and evidence; "needs the City's direction"
/// also sends the question to the City.
pub async fn report_progress(
    conn: &mut PgConnection,
    by: &By<'_>,
    id: TaskId,
    sent: Progress<'_>,
) -> Result<Changed, Refusal> {
    let (task, parties) = lock_visible(conn, by, id).await?;
    if !by.actor.may_report_progress(&parties) {
        return Err(Refusal::Forbidden);
    }
    if task.status == TaskStatus::Done {
        return Err(Refusal::one("form", Invalid::new("task.already_done")));
    }
    check_version(&task, sent.version)?;
    let question_open = work::open_escalation(&mut *conn, id).await?.is_some();
    let mut errors = FieldErrors::default();
    let may_escalate = by.actor.may_request_for_unit(&parties);
    let values = check_progress(&mut errors, &sent, task.status, question_open, may_escalate);
    let files = errors.check("file", sent.files);
    let (Some(values), Some(files)) = (values, files) else {
        return Err(Refusal::Invalid(errors));
    };
    Refusal::unless_empty(errors)?;

    work::set_progress(&mut *conn, id, values.status, values.percent, by.now).await?;
    let update = work::insert_update(
        &mut *conn,
        &NewUpdate::new(
            id,
            by.acting_unit(task.lead_unit_id),
            by.actor.id,
            TaskUpdateKind::Progress,
            &values.note,
        )
        .status(task.status, values.status)
        .percent(values.percent),
    )
    .await?;
    let stored = store_files(conn, FileOwner::TaskUpdate(update), &files, by).await?;
    let escalation = match &values.question {
        Some(question) => {
            Some(work::insert_escalation(&mut *conn, id, by.actor.id, question).await?)
        }
        None => None,
    };
    record(
        conn,
        by,
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
    )
    .await?;
    Ok(Changed::of(&task, "task.progress_saved"))
}

/// A coordinating unit reports its own part of the work, with files.
pub async fn contribute(
    conn: &mut PgConnection,
    by: &By<'_>,
    id: TaskId,
    note: &str,
    files: Result<Vec<NewFile<'_>>, Invalid>,
) -> Result<Changed, Refusal> {
    let (task, parties) = lock_visible(conn, by, id).await?;
    if !by.actor.may_contribute(&parties) {
        return Err(Refusal::Forbidden);
    }
    let mut errors = FieldErrors::default();
    let text = match limits::UPDATE_NOTE.required(note) {
        Err(e) if e == crate::domain::input::REQUIRED => Err(Invalid::new("task.note_required")),
        other => other,
    };
    let text = errors.check("contribution", text);
    let files = errors.check("contribution_file", files);
    let (Some(text), Some(files)) = (text, files) else {
        return Err(Refusal::Invalid(errors));
    };
    // The unit the contribution is from: the author's coordinating unit.
    let unit = parties
        .coordinators
        .iter()
        .copied()
        .find(|u| by.actor.units.contains(u))
        .unwrap_or(by.actor.unit_id);
    let update = work::insert_update(
        &mut *conn,
        &NewUpdate::new(id, unit, by.actor.id, TaskUpdateKind::Contribution, &text),
    )
    .await?;
    let stored = store_files(conn, FileOwner::TaskUpdate(update), &files, by).await?;
    record(
        conn,
        by,
        &task,
        "task.contribution",
        serde_json::Value::Null,
        json!({ "unit_id": unit, "note": text, "files": stored }),
    )
    .await?;
    Ok(Changed::of(&task, "task.contribution_saved"))
}

/// A reported completion to decide on: the right person, a task waiting for it, unchanged
/// since the page was read.
async fn pending_decision(
    conn: &mut PgConnection,
    by: &By<'_>,
    id: TaskId,
    version: &str,
) -> Result<TaskState, Refusal> {
    let (task, parties) = lock_visible(conn, by, id).await?;
    if !by.actor.may_confirm(&parties) {
        return Err(Refusal::Forbidden);
    }
    check_version(&task, version)?;
    if task.status != TaskStatus::PendingConfirmation {
        return Err(Refusal::one("form", Invalid::new("task.not_pending")));
    }
    Ok(task)
}

/// The lead unit's head or the City confirms a reported completion: the task is done today.
pub async fn confirm(
    conn: &mut PgConnection,
    by: &By<'_>,
    id: TaskId,
    version: &str,
    note: &str,
) -> Result<Changed, Refusal> {
    let task = pending_decision(conn, by, id, version).await?;
    let note = limits::UPDATE_NOTE
        .text(note)
        .map_err(|e| Refusal::one("form", e))?;
    work::confirm_done(&mut *conn, id, by.today, by.now).await?;
    work::insert_update(
        &mut *conn,
        &NewUpdate::new(
            id,
            by.acting_unit(task.lead_unit_id),
            by.actor.id,
            TaskUpdateKind::Confirmed,
            &note,
        )
        .status(task.status, TaskStatus::Done)
        .percent(100),
    )
    .await?;
    let notice = Notice::task(
        NotificationKind::Confirmed,
        id,
        json!({ "code": task.code, "by": by.name }),
    );
    notifications::notify_task_people(conn, id, &notice, by.now).await?;
    record(
        conn,
        by,
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
            "completed_on": by.today,
            "percent": 100,
            "overdue": false,
            "marked_for_briefing": false,
            "stale": false,
        }),
    )
    .await?;
    Ok(Changed::of(&task, "task.confirmed"))
}

/// A reported completion is not accepted: back to work, with the reason.
pub async fn return_for_rework(
    conn: &mut PgConnection,
    by: &By<'_>,
    id: TaskId,
    version: &str,
    reason: &str,
) -> Result<Changed, Refusal> {
    let task = pending_decision(conn, by, id, version).await?;
    let reason = match limits::UPDATE_NOTE.required(reason) {
        Err(e) if e == crate::domain::input::REQUIRED => {
            Err(Invalid::new("task.return_reason_required"))
        }
        other => other,
    }
    .map_err(|e| Refusal::one("return_reason", e))?;
    work::set_status(&mut *conn, id, TaskStatus::InProgress, by.now).await?;
    work::insert_update(
        &mut *conn,
        &NewUpdate::new(
            id,
            by.acting_unit(task.lead_unit_id),
            by.actor.id,
            TaskUpdateKind::Returned,
            &reason,
        )
        .status(task.status, TaskStatus::InProgress),
    )
    .await?;
    let notice = Notice::task(
        NotificationKind::Returned,
        id,
        json!({ "code": task.code, "reason": reason }),
    );
    notifications::notify_task_people(conn, id, &notice, by.now).await?;
    record(
        conn,
        by,
        &task,
        "task.return",
        json!({ "status": task.status, "stale": task.stale }),
        json!({ "status": TaskStatus::InProgress, "reason": reason, "stale": false }),
    )
    .await?;
    Ok(Changed::of(&task, "task.returned"))
}

/// The lead unit's head (or the City) chooses the officers of the lead unit who follow the
/// task. `officers`: the ids ticked (`None` when one of them is no id).
pub async fn assign(
    conn: &mut PgConnection,
    by: &By<'_>,
    id: TaskId,
    officers: Option<&[i64]>,
) -> Result<Changed, Refusal> {
    let (task, parties) = lock_visible(conn, by, id).await?;
    if !by.actor.may_assign(&parties) {
        return Err(Refusal::Forbidden);
    }
    let candidates = work::assignable(&mut *conn, task.lead_unit_id).await?;
    let chosen: Option<Vec<_>> = officers.and_then(|ids| {
        ids.iter()
            .map(|id| candidates.iter().find(|c| c.id.0 == *id))
            .collect()
    });
    let Some(mut chosen) = chosen else {
        return Err(Refusal::one(
            "assignees",
            Invalid::new("task.unknown_officer"),
        ));
    };
    chosen.sort_by_key(|c| c.id);
    chosen.dedup_by_key(|c| c.id);
    let before: Vec<UserId> = parties.assignees.clone();
    let after: Vec<UserId> = chosen.iter().map(|c| c.id).collect();
    let mut sorted_after = after.clone();
    sorted_after.sort();
    if sorted_after == before {
        return Ok(Changed {
            changed: false,
            ..Changed::of(&task, "task.assign_unchanged")
        });
    }
    work::set_assignees(conn, id, &after, by.actor.id).await?;
    let names: Vec<&str> = chosen.iter().map(|c| c.full_name.as_str()).collect();
    let note = if names.is_empty() {
        "—".to_owned()
    } else {
        names.join(", ")
    };
    work::insert_update(
        &mut *conn,
        &NewUpdate::new(
            id,
            by.acting_unit(task.lead_unit_id),
            by.actor.id,
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
    let notice = Notice::task(
        NotificationKind::Assigned,
        id,
        json!({ "code": task.code, "by": by.name }),
    );
    notifications::notify(&mut *conn, &added, &notice, by.now).await?;
    record(
        conn,
        by,
        &task,
        "task.assign",
        json!({ "assignees": before }),
        json!({ "assignees": after, "names": names }),
    )
    .await?;
    Ok(Changed::of(&task, "task.assigned"))
}
