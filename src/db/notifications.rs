//! In-portal notifications: written in the same transaction as the change they tell about.

use serde_json::Value;
use sqlx::PgExecutor;

use crate::domain::{NotificationKind, TaskId, UnitId, UserId};

/// What a notification points at and says (its text is rendered in the reader's language from
/// the kind and `params`).
#[derive(Debug, Clone)]
pub struct Notice {
    pub kind: NotificationKind,
    pub task: Option<TaskId>,
    pub extension_request: Option<i64>,
    pub params: Value,
}

impl Notice {
    /// A notice about a task.
    pub fn task(kind: NotificationKind, task: TaskId, params: Value) -> Self {
        Notice {
            kind,
            task: Some(task),
            extension_request: None,
            params,
        }
    }
}

/// Notifies the task's people (its officers and the lead unit's heads) of `notice`.
pub async fn notify_task_people(
    conn: &mut sqlx::PgConnection,
    task: TaskId,
    notice: &Notice,
) -> Result<u64, sqlx::Error> {
    let people = task_people(&mut *conn, task).await?;
    notify(&mut *conn, &people, notice).await
}

/// Notifies each of `users` once (duplicates and the empty list are fine).
pub async fn notify(
    executor: impl PgExecutor<'_>,
    users: &[UserId],
    notice: &Notice,
) -> Result<u64, sqlx::Error> {
    if users.is_empty() {
        return Ok(0);
    }
    let ids: Vec<i64> = users.iter().map(|u| u.0).collect();
    let done = sqlx::query(
        "insert into notifications (user_id, kind, task_id, extension_request_id, params)
         select distinct u, $2, $3, $4, $5 from unnest($1::bigint[]) as u",
    )
    .bind(ids)
    .bind(notice.kind)
    .bind(notice.task)
    .bind(notice.extension_request)
    .bind(&notice.params)
    .execute(executor)
    .await?;
    Ok(done.rows_affected())
}

/// The people a task's news goes to: the officers who follow it and the active heads of its
/// lead unit.
pub async fn task_people(
    executor: impl PgExecutor<'_>,
    task: TaskId,
) -> Result<Vec<UserId>, sqlx::Error> {
    sqlx::query_scalar("select task_people($1)")
        .bind(task)
        .fetch_all(executor)
        .await
}

/// The active heads of a unit.
pub async fn unit_heads(
    executor: impl PgExecutor<'_>,
    unit: UnitId,
) -> Result<Vec<UserId>, sqlx::Error> {
    sqlx::query_scalar("select id from users where unit_id = $1 and role = 'unit_head' and active")
        .bind(unit)
        .fetch_all(executor)
        .await
}
