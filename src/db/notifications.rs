//! In-portal notifications: written in the same transaction as the change they tell about,
//! read by their user only, and each user's choice of which also arrive by email.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{FromRow, PgExecutor};

use crate::domain::{NotificationKind, ReportId, TaskId, UnitId, UserId};

/// What a notification points at and says (its text is rendered in the reader's language from
/// the kind and `params`).
#[derive(Debug, Clone)]
pub struct Notice {
    pub kind: NotificationKind,
    pub task: Option<TaskId>,
    pub extension_request: Option<i64>,
    pub report: Option<ReportId>,
    pub params: Value,
}

impl Notice {
    /// A notice about a task.
    pub fn task(kind: NotificationKind, task: TaskId, params: Value) -> Self {
        Notice {
            kind,
            task: Some(task),
            extension_request: None,
            report: None,
            params,
        }
    }

    /// A notice about a periodic report.
    pub fn report(kind: NotificationKind, report: ReportId, params: Value) -> Self {
        Notice {
            kind,
            task: None,
            extension_request: None,
            report: Some(report),
            params,
        }
    }
}

/// Notifies the task's people (its officers and the lead unit's heads) of `notice`.
pub async fn notify_task_people(
    conn: &mut sqlx::PgConnection,
    task: TaskId,
    notice: &Notice,
    at: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    let people = task_people(&mut *conn, task).await?;
    notify(&mut *conn, &people, notice, at).await
}

/// Notifies each of `users` once (duplicates and the empty list are fine). Those who want
/// this kind by email get their outbox row in the same statement, from the
/// `notifications_enqueue_email` trigger; the mail goes out after the commit. `at` is the
/// portal's clock, not the database's: the outbox and the daily digest count from it.
pub async fn notify(
    executor: impl PgExecutor<'_>,
    users: &[UserId],
    notice: &Notice,
    at: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    if users.is_empty() {
        return Ok(0);
    }
    let ids: Vec<i64> = users.iter().map(|u| u.0).collect();
    let done = sqlx::query(
        "insert into notifications (user_id, kind, task_id, extension_request_id, report_id,
                                    params, created_at)
         select distinct u, $2, $3, $4, $5, $6, $7 from unnest($1::bigint[]) as u",
    )
    .bind(ids)
    .bind(notice.kind)
    .bind(notice.task)
    .bind(notice.extension_request)
    .bind(notice.report)
    .bind(&notice.params)
    .bind(at)
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
    sqlx::query_scalar("select unit_heads($1)")
        .bind(unit)
        .fetch_all(executor)
        .await
}

/// One notification as its reader's list shows it, with the task it is about.
#[derive(Debug, Clone, FromRow)]
pub struct NotificationRow {
    pub id: i64,
    pub kind: NotificationKind,
    pub task_id: Option<TaskId>,
    pub task_code: Option<String>,
    pub task_title: Option<String>,
    pub params: Value,
    pub read_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A page of `user`'s notifications, newest first: the first `limit` older than `before` (an
/// id), or the newest. Keyed by id, so a page stays put while new notifications arrive.
pub async fn page(
    executor: impl PgExecutor<'_>,
    user: UserId,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<NotificationRow>, sqlx::Error> {
    sqlx::query_as(
        "select n.id, n.kind, n.task_id, t.code as task_code, t.title as task_title, n.params,
                n.read_at, n.created_at
         from notifications n left join tasks t on t.id = n.task_id
         where n.user_id = $1 and ($2::bigint is null or n.id < $2)
         order by n.id desc
         limit $3",
    )
    .bind(user)
    .bind(before)
    .bind(limit)
    .fetch_all(executor)
    .await
}

/// A notification marked read by its owner.
#[derive(Debug, Clone, FromRow)]
pub struct ReadNotification {
    pub task_id: Option<TaskId>,
    pub params: Value,
    /// It was unread until now (marking it again changes nothing).
    pub was_unread: bool,
}

/// Marks notification `id` of `user` read; `None` when `user` has no such notification.
pub async fn mark_read(
    executor: impl PgExecutor<'_>,
    user: UserId,
    id: i64,
) -> Result<Option<ReadNotification>, sqlx::Error> {
    sqlx::query_as(
        "with found as (
             select id, read_at is null as was_unread from notifications
             where id = $1 and user_id = $2
             for update
         )
         update notifications n set read_at = coalesce(n.read_at, now())
         from found where n.id = found.id
         returning n.task_id, n.params, found.was_unread",
    )
    .bind(id)
    .bind(user)
    .fetch_optional(executor)
    .await
}

/// Marks every unread notification of `user` read; returns how many there were.
pub async fn mark_all_read(
    executor: impl PgExecutor<'_>,
    user: UserId,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "update notifications set read_at = now() where user_id = $1 and read_at is null",
    )
    .bind(user)
    .execute(executor)
    .await?;
    Ok(done.rows_affected())
}

/// How a user wants to hear of notifications beyond the portal.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct EmailSettings {
    /// Where emails go; `None`: the account has no address, so no email is sent.
    pub email: Option<String>,
    /// One digest a day instead of one email per notification.
    pub digest: bool,
    /// Language of the emails; `None`: the portal's default.
    pub language: Option<String>,
    /// The kinds also sent by email.
    pub kinds: Vec<NotificationKind>,
}

/// The email settings of `user`.
pub async fn email_settings(
    executor: impl PgExecutor<'_>,
    user: UserId,
) -> Result<EmailSettings, sqlx::Error> {
    sqlx::query_as(
        "select nullif(btrim(u.email), '') as email, u.email_digest as digest, u.language,
                array(select p.kind from notification_preferences p
                      where p.user_id = u.id and p.email order by p.kind) as kinds
         from users u where u.id = $1",
    )
    .bind(user)
    .fetch_one(executor)
    .await
}

/// Saves which kinds `user` also wants by email (every kind gets a row, so the choice not to
/// is recorded too), the digest choice and the language of the emails.
pub async fn save_email_settings(
    conn: &mut sqlx::PgConnection,
    user: UserId,
    kinds: &[NotificationKind],
    digest: bool,
    language: Option<&str>,
) -> Result<(), sqlx::Error> {
    let chosen: Vec<bool> = NotificationKind::ALL
        .iter()
        .map(|k| kinds.contains(k))
        .collect();
    sqlx::query(
        "insert into notification_preferences (user_id, kind, email)
         select $1, k, e from unnest($2::notification_kind[], $3::boolean[]) as c (k, e)
         on conflict (user_id, kind) do update set email = excluded.email
         where notification_preferences.email is distinct from excluded.email",
    )
    .bind(user)
    .bind(&NotificationKind::ALL[..])
    .bind(chosen)
    .execute(&mut *conn)
    .await?;
    sqlx::query("update users set email_digest = $2, language = $3 where id = $1")
        .bind(user)
        .bind(digest)
        .bind(language)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
