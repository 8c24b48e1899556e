//! The email outbox. Rows are written in the transaction that creates their notification (by
//! the `notifications_enqueue_email` trigger, see the migration) or by the daily digest, and
//! taken one at a time by the sender, which locks the row while it sends it.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use sqlx::{FromRow, PgConnection, PgExecutor};

use crate::domain::{NotificationKind, TaskId};

/// A mail due to be sent, with what its text is made of.
#[derive(Debug, Clone, FromRow)]
pub struct DueMail {
    pub id: i64,
    pub to_address: String,
    /// Stored once rendered (after a first attempt); rendered again otherwise.
    pub subject: Option<String>,
    pub body: Option<String>,
    pub attempts: i32,
    pub created_at: DateTime<Utc>,
    /// Set on a daily digest: the City day it summarises.
    pub digest_day: Option<NaiveDate>,
    /// The recipient; `None` if the account is gone.
    pub full_name: Option<String>,
    pub language: Option<String>,
    pub active: Option<bool>,
    /// The notification it tells of (not for a digest); `None` when it was deleted.
    pub kind: Option<NotificationKind>,
    pub params: Option<Value>,
    pub task_id: Option<TaskId>,
    pub task_code: Option<String>,
    pub task_title: Option<String>,
}

/// Takes the mail due first (`next_attempt_at` passed, neither sent nor given up), locking its
/// row until the transaction ends; rows another sender holds are skipped, so several portal
/// instances never send the same mail twice.
pub async fn take_due(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
) -> Result<Option<DueMail>, sqlx::Error> {
    sqlx::query_as(
        "select o.id, o.to_address, o.subject, o.body, o.attempts, o.created_at, o.digest_day,
                u.full_name, u.language, u.active,
                n.kind, n.params, n.task_id, t.code as task_code, t.title as task_title
         from email_outbox o
         left join notifications n on n.id = o.notification_id
         left join users u on u.id = coalesce(o.user_id, n.user_id)
         left join tasks t on t.id = n.task_id
         where o.sent_at is null and o.gave_up_at is null and o.next_attempt_at <= $1
         order by o.next_attempt_at, o.id
         limit 1
         for update of o skip locked",
    )
    .bind(now)
    .fetch_optional(conn)
    .await
}

/// One notification listed in a digest.
#[derive(Debug, Clone, FromRow)]
pub struct DigestLine {
    pub kind: NotificationKind,
    pub params: Value,
    pub task_id: Option<TaskId>,
    pub task_code: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// The notifications digest `outbox` lists, oldest first.
pub async fn digest_lines(
    executor: impl PgExecutor<'_>,
    outbox: i64,
) -> Result<Vec<DigestLine>, sqlx::Error> {
    sqlx::query_as(
        "select n.kind, n.params, n.task_id, t.code as task_code, n.created_at
         from email_digest_items d
         join notifications n on n.id = d.notification_id
         left join tasks t on t.id = n.task_id
         where d.outbox_id = $1
         order by n.id",
    )
    .bind(outbox)
    .fetch_all(executor)
    .await
}

/// Records a mail as sent, with the text that went out.
pub async fn mark_sent(
    executor: impl PgExecutor<'_>,
    id: i64,
    now: DateTime<Utc>,
    subject: &str,
    body: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update email_outbox set sent_at = $2, attempts = attempts + 1, last_error = null,
                subject = $3, body = $4
         where id = $1",
    )
    .bind(id)
    .bind(now)
    .bind(subject)
    .bind(body)
    .execute(executor)
    .await?;
    Ok(())
}

/// Records a failed attempt: the error, and the next attempt (`retry_at`), or giving up when
/// there is none. The text, when it could be rendered, is kept with the error.
pub async fn mark_failed(
    executor: impl PgExecutor<'_>,
    id: i64,
    now: DateTime<Utc>,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
    text: Option<(&str, &str)>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update email_outbox set attempts = attempts + 1, last_error = $3,
                next_attempt_at = coalesce($4, next_attempt_at),
                gave_up_at = case when $4::timestamptz is null then $2 end,
                subject = coalesce($5, subject), body = coalesce($6, body)
         where id = $1",
    )
    .bind(id)
    .bind(now)
    .bind(error)
    .bind(retry_at)
    .bind(text.map(|(subject, _)| subject))
    .bind(text.map(|(_, body)| body))
    .execute(executor)
    .await?;
    Ok(())
}

/// The `app_meta` key holding the last City day the digest ran.
const DIGEST_DAY_KEY: &str = "email_digest.last_day";

/// Claims `day` for the daily digest: true for the first caller of the day (across every
/// instance), false after. Holds until the caller's transaction ends, so a second instance
/// waits for the first one's outcome.
pub async fn claim_digest_day(
    executor: impl PgExecutor<'_>,
    day: NaiveDate,
) -> Result<bool, sqlx::Error> {
    let claimed: Option<String> = sqlx::query_scalar(
        "insert into app_meta (key, value) values ($1, $2)
         on conflict (key) do update set value = excluded.value
         where app_meta.value < excluded.value
         returning key",
    )
    .bind(DIGEST_DAY_KEY)
    // ISO dates compare as text in calendar order.
    .bind(day.format("%Y-%m-%d").to_string())
    .fetch_optional(executor)
    .await?;
    Ok(claimed.is_some())
}

/// Writes one digest for `day` per user who chose the digest and has an address and unread
/// notifications of kinds they want by email that no digest or email has carried yet, and
/// records which notifications each lists. Returns (digests, notifications listed).
pub async fn enqueue_digests(
    executor: impl PgExecutor<'_>,
    day: NaiveDate,
) -> Result<(i64, i64), sqlx::Error> {
    sqlx::query_as(
        "with candidates as (
             select n.id, n.user_id
             from notifications n
             join users u on u.id = n.user_id
             join notification_preferences p on p.user_id = n.user_id and p.kind = n.kind and p.email
             where n.read_at is null
               and u.active and u.email_digest and coalesce(btrim(u.email), '') <> ''
               and not exists (select 1 from email_digest_items d where d.notification_id = n.id)
               and not exists (select 1 from email_outbox o where o.notification_id = n.id)
         ), digests as (
             insert into email_outbox (user_id, to_address, digest_day)
             select u.id, btrim(u.email), $1 from users u
             where u.id in (select user_id from candidates)
             on conflict (user_id, digest_day) where digest_day is not null do nothing
             returning id, user_id
         ), items as (
             insert into email_digest_items (notification_id, outbox_id)
             select c.id, d.id from candidates c join digests d on d.user_id = c.user_id
             returning notification_id
         )
         select (select count(*) from digests), (select count(*) from items)",
    )
    .bind(day)
    .fetch_one(executor)
    .await
}
