//! The City's changes to a task's details: a new task and its code, an edit, its coordinating
//! units, a new lead unit.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::{PgConnection, PgExecutor};

use crate::domain::{PlanId, ShortcomingId, TaskId, UnitId, UserId};

/// A task's details as the City sets them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskValues {
    pub shortcoming: ShortcomingId,
    pub plan: Option<PlanId>,
    pub title: String,
    pub description: String,
    pub expected_result: String,
    pub lead_unit: UnitId,
    /// The coordinating units, each with its part.
    pub coordinators: Vec<(UnitId, String)>,
    pub leader_in_charge: String,
    pub deadline: Option<NaiveDate>,
}

/// The code of the next task of `shortcoming` (TT-05.07; TT-05.100 after TT-05.99), with the shortcoming's row locked
/// for the rest of the transaction, so task numbers of one shortcoming come one at a time.
/// The number is read by a statement of its own, after the lock is held: a statement that
/// waited for the lock would still read the tasks as they were when it began, without the one
/// the holder of the lock just added, and take the same number.
pub async fn next_code(
    conn: &mut PgConnection,
    shortcoming: ShortcomingId,
) -> Result<String, sqlx::Error> {
    sqlx::query("select 1 from shortcomings where id = $1 for update")
        .bind(shortcoming)
        .execute(&mut *conn)
        .await?;
    sqlx::query_scalar(
        "select s.code || '.' || lpad(n::text, greatest(2, length(n::text)), '0')
         from (select s.code, coalesce(max(substring(t.code from '\\.(\\d+)$')::int), 0) + 1 as n
               from shortcomings s left join tasks t on t.shortcoming_id = s.id
               where s.id = $1
               group by s.code) s",
    )
    .bind(shortcoming)
    .fetch_one(conn)
    .await
}

/// A new task, not started, with its coordinating units.
pub async fn insert(
    conn: &mut PgConnection,
    code: &str,
    values: &TaskValues,
    by: UserId,
    at: DateTime<Utc>,
) -> Result<TaskId, sqlx::Error> {
    let id: TaskId = sqlx::query_scalar(
        "insert into tasks (code, shortcoming_id, plan_id, title, description, expected_result,
                            lead_unit_id, leader_in_charge, original_deadline, deadline,
                            created_by, last_update_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11) returning id",
    )
    .bind(code)
    .bind(values.shortcoming)
    .bind(values.plan)
    .bind(&values.title)
    .bind(&values.description)
    .bind(&values.expected_result)
    .bind(values.lead_unit)
    .bind(&values.leader_in_charge)
    .bind(values.deadline)
    .bind(by)
    .bind(at)
    .fetch_one(&mut *conn)
    .await?;
    insert_coordinators(conn, id, &values.coordinators).await?;
    Ok(id)
}

/// Saves an edit of everything but the deadline (`task_work::set_deadline` moves that, keeping
/// the original), with the coordinating units replaced.
pub async fn update(
    conn: &mut PgConnection,
    id: TaskId,
    values: &TaskValues,
) -> Result<(), sqlx::Error> {
    // Coordinators first: the new lead unit may be one of the old coordinating units.
    sqlx::query("delete from task_coordinators where task_id = $1")
        .bind(id)
        .execute(&mut *conn)
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
    .execute(&mut *conn)
    .await?;
    insert_coordinators(conn, id, &values.coordinators).await
}

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

/// The task's coordinating units with their parts, in the units' order.
pub async fn coordinators(
    executor: impl PgExecutor<'_>,
    task: TaskId,
) -> Result<Vec<(UnitId, String)>, sqlx::Error> {
    sqlx::query_as(
        "select c.unit_id, c.role_text from task_coordinators c join units u on u.id = c.unit_id
         where c.task_id = $1 order by u.sort_order, u.name",
    )
    .bind(task)
    .fetch_all(executor)
    .await
}

/// Gives the task another lead unit; its plan (the old unit's) no longer applies.
pub async fn set_lead_unit(
    executor: impl PgExecutor<'_>,
    id: TaskId,
    unit: UnitId,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update tasks set lead_unit_id = $2, plan_id = null, row_version = row_version + 1
         where id = $1",
    )
    .bind(id)
    .bind(unit)
    .execute(executor)
    .await?;
    Ok(())
}

/// Officers of other units than `lead` stop following `tasks` (after a new lead unit).
pub async fn drop_other_assignees(
    executor: impl PgExecutor<'_>,
    tasks: &[TaskId],
    lead: UnitId,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "delete from task_assignees a using users u
         where a.task_id = any($1) and u.id = a.user_id and u.unit_id <> $2",
    )
    .bind(tasks)
    .bind(lead)
    .execute(executor)
    .await?;
    Ok(())
}

/// The codes of those of `tasks` that `unit` coordinates.
pub async fn coordinated_by(
    executor: impl PgExecutor<'_>,
    tasks: &[TaskId],
    unit: UnitId,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "select t.code from tasks t join task_coordinators c on c.task_id = t.id
         where t.id = any($1) and c.unit_id = $2 order by t.code",
    )
    .bind(tasks)
    .bind(unit)
    .fetch_all(executor)
    .await
}
