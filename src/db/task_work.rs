//! What people do to a task: report progress, confirm or return it, assign officers, ask for
//! more time or for the City's direction, remind. Each function runs inside the caller's
//! transaction; the caller writes the audit entry in the same one.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::{FromRow, PgConnection, PgExecutor};

use crate::domain::access::TaskParties;
use crate::domain::{PlanId, ShortcomingId, TaskId, TaskStatus, TaskUpdateKind, UnitId, UserId};

/// A task as actions check and change it.
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct TaskState {
    pub id: TaskId,
    pub code: String,
    pub shortcoming_id: ShortcomingId,
    pub plan_id: Option<PlanId>,
    pub title: String,
    pub description: String,
    pub expected_result: String,
    pub lead_unit_id: UnitId,
    pub leader_in_charge: String,
    pub original_deadline: Option<NaiveDate>,
    pub deadline: Option<NaiveDate>,
    pub status: TaskStatus,
    pub percent_complete: i16,
    pub completed_on: Option<NaiveDate>,
    pub reminder_count: i32,
    pub row_version: i32,
    pub overdue: bool,
    pub stale: bool,
    pub marked_for_briefing: bool,
    /// The task's coordinating units and the officers following it (ids).
    pub coordinator_ids: Vec<i64>,
    pub assignee_ids: Vec<i64>,
    /// When this was read (the database's clock): what happens after it is "meanwhile" for a
    /// form opened now.
    pub read_at: DateTime<Utc>,
}

impl TaskState {
    /// Who is involved in the task, as the permission rules need it.
    pub fn parties(&self) -> TaskParties {
        TaskParties {
            lead: self.lead_unit_id,
            coordinators: self.coordinator_ids.iter().map(|u| UnitId(*u)).collect(),
            assignees: self.assignee_ids.iter().map(|u| UserId(*u)).collect(),
        }
    }

    /// True when a form's `version` is this one: it was filled in on the task as it still is.
    pub fn is_version(&self, sent: &str) -> bool {
        sent.trim().parse::<i32>().ok() == Some(self.row_version)
    }
}

const STATE_COLUMNS: &str =
    "id, code, shortcoming_id, plan_id, title, description, expected_result,
    lead_unit_id, leader_in_charge, original_deadline, deadline, status, percent_complete,
    completed_on, reminder_count, row_version, overdue, stale, marked_for_briefing,
    array(select c.unit_id from task_coordinators c where c.task_id = tasks.id order by 1)
        as coordinator_ids,
    array(select a.user_id from task_assignees a where a.task_id = tasks.id order by 1)
        as assignee_ids,
    now() as read_at";

/// Reads the task (without locking it: for showing a form).
pub async fn find(
    executor: impl PgExecutor<'_>,
    id: TaskId,
) -> Result<Option<TaskState>, sqlx::Error> {
    sqlx::query_as(&format!("select {STATE_COLUMNS} from tasks where id = $1"))
        .bind(id)
        .fetch_optional(executor)
        .await
}

/// Reads the task and locks its row until the transaction ends, so two actions on one task
/// take turns and the version check below is exact.
pub async fn lock(conn: &mut PgConnection, id: TaskId) -> Result<Option<TaskState>, sqlx::Error> {
    sqlx::query_as(&format!(
        "select {STATE_COLUMNS} from tasks where id = $1 for update"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// Reads and locks several tasks (in id order, so two bulk actions never deadlock).
pub async fn lock_many(
    conn: &mut PgConnection,
    ids: &[i64],
) -> Result<Vec<TaskState>, sqlx::Error> {
    sqlx::query_as(&format!(
        "select {STATE_COLUMNS} from tasks where id = any($1) order by id for update"
    ))
    .bind(ids)
    .fetch_all(conn)
    .await
}

/// Who is involved in a task: its lead unit, coordinating units and the officers following it.
pub async fn parties(
    executor: impl PgExecutor<'_>,
    id: TaskId,
) -> Result<Option<TaskParties>, sqlx::Error> {
    Ok(find(executor, id).await?.map(|task| task.parties()))
}

/// One entry of the task's history (append-only).
#[derive(Debug, Clone)]
pub struct NewUpdate<'a> {
    pub task: TaskId,
    /// The unit the author acts for (a coordinating unit for its contribution).
    pub unit: UnitId,
    pub author: UserId,
    pub kind: TaskUpdateKind,
    pub status_before: Option<TaskStatus>,
    pub status_after: Option<TaskStatus>,
    pub percent: Option<i16>,
    pub note: &'a str,
    pub deadline_after: Option<NaiveDate>,
    /// When it happened (`None`: now; the demo data writes a past).
    pub at: Option<DateTime<Utc>>,
}

impl<'a> NewUpdate<'a> {
    /// An entry with a note only; the builders below add what else it records.
    pub fn new(
        task: TaskId,
        unit: UnitId,
        author: UserId,
        kind: TaskUpdateKind,
        note: &'a str,
    ) -> Self {
        NewUpdate {
            task,
            unit,
            author,
            kind,
            status_before: None,
            status_after: None,
            percent: None,
            note,
            deadline_after: None,
            at: None,
        }
    }

    /// The status changed from `before` to `after`.
    pub fn status(self, before: TaskStatus, after: TaskStatus) -> Self {
        NewUpdate {
            status_before: Some(before),
            status_after: Some(after),
            ..self
        }
    }

    /// The first status of a new task.
    pub fn created(self, status: TaskStatus) -> Self {
        NewUpdate {
            status_after: Some(status),
            ..self
        }
    }

    pub fn percent(self, percent: i16) -> Self {
        NewUpdate {
            percent: Some(percent),
            ..self
        }
    }

    /// The deadline the entry set, if it set one.
    pub fn deadline(self, deadline: Option<NaiveDate>) -> Self {
        NewUpdate {
            deadline_after: deadline,
            ..self
        }
    }
}

pub async fn insert_update(
    executor: impl PgExecutor<'_>,
    update: &NewUpdate<'_>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "insert into task_updates (task_id, unit_id, author_id, kind, status_before, status_after,
                                   percent, note, deadline_after, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, coalesce($10, now())) returning id",
    )
    .bind(update.task)
    .bind(update.unit)
    .bind(update.author)
    .bind(update.kind)
    .bind(update.status_before)
    .bind(update.status_after)
    .bind(update.percent)
    .bind(update.note)
    .bind(update.deadline_after)
    .bind(update.at)
    .fetch_one(executor)
    .await
}

/// Records a progress report on the task itself: its status and percent now, updated just now
/// (so no longer stale), one version later.
pub async fn set_progress(
    executor: impl PgExecutor<'_>,
    id: TaskId,
    status: TaskStatus,
    percent: i16,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update tasks set status = $2, percent_complete = $3, last_update_at = $4, stale = false,
                          row_version = row_version + 1
         where id = $1",
    )
    .bind(id)
    .bind(status)
    .bind(percent)
    .bind(now)
    .execute(executor)
    .await?;
    Ok(())
}

/// Confirms the task done on `today`: complete, no longer overdue (the overdue flag and the
/// briefing mark are history once the work is done; the timeliness says whether it was late).
pub async fn confirm_done(
    executor: impl PgExecutor<'_>,
    id: TaskId,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update tasks set status = 'done', percent_complete = 100, completed_on = $2,
                          overdue = false, overdue_since = null, marked_for_briefing = false,
                          stale = false, last_update_at = $3, row_version = row_version + 1
         where id = $1",
    )
    .bind(id)
    .bind(today)
    .bind(now)
    .execute(executor)
    .await?;
    Ok(())
}

/// Changes only the status (a return for rework, the City's answer to a question).
pub async fn set_status(
    executor: impl PgExecutor<'_>,
    id: TaskId,
    status: TaskStatus,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update tasks set status = $2, last_update_at = $3, stale = false,
                          row_version = row_version + 1
         where id = $1",
    )
    .bind(id)
    .bind(status)
    .bind(now)
    .execute(executor)
    .await?;
    Ok(())
}

/// Moves the current deadline (the original one stays on record; a task that had none gets
/// this one as its original too).
pub async fn set_deadline(
    executor: impl PgExecutor<'_>,
    id: TaskId,
    deadline: NaiveDate,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update tasks set deadline = $2, original_deadline = coalesce(original_deadline, $2),
                          row_version = row_version + 1
         where id = $1",
    )
    .bind(id)
    .bind(deadline)
    .execute(executor)
    .await?;
    Ok(())
}

/// An officer who may follow a task of a unit.
#[derive(Debug, Clone, FromRow)]
pub struct Officer {
    pub id: UserId,
    pub full_name: String,
    pub title: String,
}

/// The active officers and heads of `unit`, the head first, then by name (the order of
/// `Directory::users().assignable`, which the task page lists from).
pub async fn assignable(
    executor: impl PgExecutor<'_>,
    unit: UnitId,
) -> Result<Vec<Officer>, sqlx::Error> {
    sqlx::query_as(
        "select id, full_name, title from users
         where unit_id = $1 and active and role in ('officer', 'unit_head')
         order by role <> 'unit_head', full_name, id",
    )
    .bind(unit)
    .fetch_all(executor)
    .await
}

/// Makes `users` exactly the officers following the task.
pub async fn set_assignees(
    conn: &mut PgConnection,
    id: TaskId,
    users: &[UserId],
    by: UserId,
) -> Result<(), sqlx::Error> {
    let ids: Vec<i64> = users.iter().map(|u| u.0).collect();
    sqlx::query("delete from task_assignees where task_id = $1 and not (user_id = any($2))")
        .bind(id)
        .bind(&ids)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "insert into task_assignees (task_id, user_id, assigned_by)
         select $1, u, $3 from unnest($2::bigint[]) as u
         on conflict do nothing",
    )
    .bind(id)
    .bind(&ids)
    .bind(by)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A request for a new deadline.
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct ExtensionRow {
    pub id: i64,
    pub task_id: TaskId,
    pub requested_by_name: String,
    pub deadline_before: NaiveDate,
    pub proposed_deadline: NaiveDate,
    pub reason: String,
    pub doc_number: Option<String>,
    pub status: crate::domain::ExtensionStatus,
    pub created_at: DateTime<Utc>,
}

const EXTENSION_QUERY: &str = "select e.id, e.task_id, u.full_name as requested_by_name,
        e.deadline_before, e.proposed_deadline, e.reason, e.doc_number, e.status, e.created_at
    from extension_requests e join users u on u.id = e.requested_by";

/// The task's pending extension request, if any (there is at most one).
pub async fn pending_extension(
    executor: impl PgExecutor<'_>,
    task: TaskId,
) -> Result<Option<ExtensionRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{EXTENSION_QUERY} where e.task_id = $1 and e.status = 'pending'"
    ))
    .bind(task)
    .fetch_optional(executor)
    .await
}

/// The task an extension request is for, if there is such a request.
pub async fn extension_task(
    executor: impl PgExecutor<'_>,
    id: i64,
) -> Result<Option<TaskId>, sqlx::Error> {
    sqlx::query_scalar("select task_id from extension_requests where id = $1")
        .bind(id)
        .fetch_optional(executor)
        .await
}

/// An extension request, locked for its decision.
pub async fn lock_extension(
    conn: &mut PgConnection,
    id: i64,
) -> Result<Option<ExtensionRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{EXTENSION_QUERY} where e.id = $1 for update of e"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// What a unit head asks for.
#[derive(Debug, Clone, Serialize)]
pub struct NewExtension {
    pub deadline_before: NaiveDate,
    pub proposed_deadline: NaiveDate,
    pub reason: String,
    pub doc_number: Option<String>,
}

pub async fn insert_extension(
    executor: impl PgExecutor<'_>,
    task: TaskId,
    by: UserId,
    request: &NewExtension,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "insert into extension_requests (task_id, requested_by, deadline_before, proposed_deadline,
                                         reason, doc_number)
         values ($1, $2, $3, $4, $5, $6) returning id",
    )
    .bind(task)
    .bind(by)
    .bind(request.deadline_before)
    .bind(request.proposed_deadline)
    .bind(&request.reason)
    .bind(&request.doc_number)
    .fetch_one(executor)
    .await
}

pub async fn decide_extension(
    executor: impl PgExecutor<'_>,
    id: i64,
    approved: bool,
    by: UserId,
    note: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update extension_requests
         set status = case when $2 then 'approved'::extension_status else 'rejected' end,
             decided_by = $3, decided_at = now(), decision_note = $4
         where id = $1",
    )
    .bind(id)
    .bind(approved)
    .bind(by)
    .bind(note)
    .execute(executor)
    .await?;
    Ok(())
}

/// A question to the City.
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct EscalationRow {
    pub id: i64,
    pub task_id: TaskId,
    pub raised_by_name: String,
    pub question: String,
    pub created_at: DateTime<Utc>,
}

const ESCALATION_QUERY: &str = "select e.id, e.task_id, u.full_name as raised_by_name, e.question,
        e.created_at
    from escalations e join users u on u.id = e.raised_by";

/// The task's open question to the City, if any.
pub async fn open_escalation(
    executor: impl PgExecutor<'_>,
    task: TaskId,
) -> Result<Option<EscalationRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{ESCALATION_QUERY} where e.task_id = $1 and e.status = 'open' order by e.id limit 1"
    ))
    .bind(task)
    .fetch_optional(executor)
    .await
}

/// The task a question to the City is about, if there is such a question.
pub async fn escalation_task(
    executor: impl PgExecutor<'_>,
    id: i64,
) -> Result<Option<TaskId>, sqlx::Error> {
    sqlx::query_scalar("select task_id from escalations where id = $1")
        .bind(id)
        .fetch_optional(executor)
        .await
}

/// An open escalation, locked for its answer (`None` when unknown or already answered).
pub async fn lock_open_escalation(
    conn: &mut PgConnection,
    id: i64,
) -> Result<Option<EscalationRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{ESCALATION_QUERY} where e.id = $1 and e.status = 'open' for update of e"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await
}

pub async fn insert_escalation(
    executor: impl PgExecutor<'_>,
    task: TaskId,
    by: UserId,
    question: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "insert into escalations (task_id, raised_by, question) values ($1, $2, $3) returning id",
    )
    .bind(task)
    .bind(by)
    .bind(question)
    .fetch_one(executor)
    .await
}

pub async fn answer_escalation(
    executor: impl PgExecutor<'_>,
    id: i64,
    by: UserId,
    response: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update escalations set status = 'answered', response = $3, responded_by = $2,
                                responded_at = now()
         where id = $1",
    )
    .bind(id)
    .bind(by)
    .bind(response)
    .execute(executor)
    .await?;
    Ok(())
}

/// Records a reminder to `unit` about the task and counts it.
pub async fn insert_reminder(
    conn: &mut PgConnection,
    task: TaskId,
    unit: UnitId,
    by: UserId,
    doc_number: Option<&str>,
    message: &str,
) -> Result<i64, sqlx::Error> {
    let id = sqlx::query_scalar(
        "insert into reminders (task_id, unit_id, sent_by, doc_number, message)
         values ($1, $2, $3, $4, $5) returning id",
    )
    .bind(task)
    .bind(unit)
    .bind(by)
    .bind(doc_number)
    .bind(message)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query("update tasks set reminder_count = reminder_count + 1 where id = $1")
        .bind(task)
        .execute(&mut *conn)
        .await?;
    Ok(id)
}
