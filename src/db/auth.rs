//! Queries behind sign-in, sessions and passwords.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgExecutor, PgPool};

use crate::domain::{Role, UnitId, UserId};

/// What sign-in needs to know about an account.
#[derive(Debug, Clone, FromRow)]
pub struct SignInUser {
    pub id: UserId,
    pub username: String,
    pub password_hash: String,
    pub unit_id: UnitId,
    pub failed_logins: i32,
    pub locked_until: Option<DateTime<Utc>>,
    pub must_change_password: bool,
}

/// An active account by username (case-insensitive).
pub async fn find_for_sign_in(
    executor: impl PgExecutor<'_>,
    username: &str,
) -> Result<Option<SignInUser>, sqlx::Error> {
    sqlx::query_as(
        "select id, username, password_hash, unit_id, failed_logins, locked_until, must_change_password
         from users where lower(username) = lower($1) and active",
    )
    .bind(username)
    .fetch_optional(executor)
    .await
}

/// Counts a failed sign-in; at `max_failures` in a row the account is locked until
/// `lock_until` (and the counter starts again). Returns the lock, if one was set.
pub async fn record_failure(
    executor: impl PgExecutor<'_>,
    user: UserId,
    max_failures: i32,
    lock_until: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    sqlx::query_scalar(
        "update users set
             failed_logins = case when failed_logins + 1 >= $2 then 0 else failed_logins + 1 end,
             locked_until = case when failed_logins + 1 >= $2 then $3 else locked_until end
         where id = $1
         returning case when failed_logins = 0 then locked_until end",
    )
    .bind(user)
    .bind(max_failures)
    .bind(lock_until)
    .fetch_one(executor)
    .await
}

/// Until when sign-in under `username`, which has no active account, answers "locked" (as an
/// account's lock would).
pub async fn unknown_locked_until(
    executor: impl PgExecutor<'_>,
    username: &str,
) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    sqlx::query_scalar("select locked_until from unknown_sign_ins where username = lower($1)")
        .bind(username)
        .fetch_optional(executor)
        .await
        .map(Option::flatten)
}

/// [`record_failure`] for a username that has no active account: the same count and lock, so
/// the answers never tell whether an account exists.
pub async fn record_unknown_failure(
    executor: impl PgExecutor<'_>,
    username: &str,
    max_failures: i32,
    lock_until: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into unknown_sign_ins as u (username, failed_logins, locked_until)
         values (lower($1), case when 1 >= $2 then 0 else 1 end, case when 1 >= $2 then $3 end)
         on conflict (username) do update set
             failed_logins = case when u.failed_logins + 1 >= $2 then 0 else u.failed_logins + 1 end,
             locked_until = case when u.failed_logins + 1 >= $2 then $3 else u.locked_until end",
    )
    .bind(username)
    .bind(max_failures)
    .bind(lock_until)
    .execute(executor)
    .await?;
    Ok(())
}

pub async fn record_success(
    executor: impl PgExecutor<'_>,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update users set failed_logins = 0, locked_until = null, last_login_at = $2 where id = $1",
    )
    .bind(user)
    .bind(now)
    .execute(executor)
    .await?;
    Ok(())
}

/// Sets a new password hash; `must_change` forces a change at the next sign-in.
pub async fn set_password(
    executor: impl PgExecutor<'_>,
    user: UserId,
    hash: &str,
    must_change: bool,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update users set password_hash = $2, must_change_password = $3, password_changed_at = $4,
                          failed_logins = 0, locked_until = null
         where id = $1",
    )
    .bind(user)
    .bind(hash)
    .bind(must_change)
    .bind(now)
    .execute(executor)
    .await?;
    Ok(())
}

pub async fn password_hash(
    executor: impl PgExecutor<'_>,
    user: UserId,
) -> Result<String, sqlx::Error> {
    sqlx::query_scalar("select password_hash from users where id = $1")
        .bind(user)
        .fetch_one(executor)
        .await
}

/// Records a sign-in attempt (for throttling by address).
pub async fn record_attempt(
    executor: impl PgExecutor<'_>,
    ip: Option<std::net::IpAddr>,
    username: &str,
    success: bool,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into login_attempts (ip, username, success, created_at) values ($1::inet, $2, $3, $4)",
    )
    .bind(ip.map(|ip| ip.to_string()))
    .bind(username)
    .bind(success)
    .bind(now)
        .execute(executor)
        .await?;
    Ok(())
}

/// Failed attempts from `ip` since `since`.
pub async fn failures_from(
    executor: impl PgExecutor<'_>,
    ip: std::net::IpAddr,
    since: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "select count(*) from login_attempts where ip = $1::inet and not success and created_at >= $2",
    )
    .bind(ip.to_string())
    .bind(since)
    .fetch_one(executor)
    .await
}

/// Forgets attempts and sessions that no longer matter.
pub async fn purge_expired(
    executor: impl PgExecutor<'_> + Copy,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query("delete from login_attempts where created_at < $1 - interval '1 day'")
        .bind(now)
        .execute(executor)
        .await?;
    sqlx::query(
        "delete from unknown_sign_ins
         where updated_at < $1 - interval '1 day' and coalesce(locked_until, $1) <= $1",
    )
    .bind(now)
    .execute(executor)
    .await?;
    sqlx::query("delete from form_submissions where created_at < $1 - interval '1 day'")
        .bind(now)
        .execute(executor)
        .await?;
    sqlx::query("delete from sessions where expires_at < $1")
        .bind(now)
        .execute(executor)
        .await?;
    Ok(())
}

/// A signed-in session with its user.
#[derive(Debug, Clone, FromRow)]
pub struct SessionRow {
    pub id: String,
    pub csrf_token: String,
    pub last_seen_at: DateTime<Utc>,
    pub user_id: UserId,
    pub username: String,
    pub full_name: String,
    pub role: Role,
    pub unit_id: UnitId,
    pub must_change_password: bool,
    /// A one-time message for the next page.
    pub flash: Option<serde_json::Value>,
    /// The user's unread notifications, for the bell (at most [`UNREAD_CAP`]).
    pub unread_notifications: i64,
    /// The directory's versions as committed (the page's names are no older).
    pub directory_versions: Vec<i64>,
}

/// The bell counts unread notifications up to here and shows "99+" beyond.
pub const UNREAD_CAP: i64 = 100;

/// A session about to be saved: who, from where, from when (the portal's clock) until when.
pub struct NewSession<'a> {
    pub id: &'a str,
    pub user: UserId,
    pub csrf_token: &'a str,
    pub ip: Option<std::net::IpAddr>,
    pub user_agent: Option<&'a str>,
    pub now: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

pub async fn create_session(
    executor: impl PgExecutor<'_>,
    session: &NewSession<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into sessions (id, user_id, csrf_token, ip, user_agent, created_at, last_seen_at,
                               expires_at)
         values ($1, $2, $3, $4::inet, $5, $6, $6, $7)",
    )
    .bind(session.id)
    .bind(session.user)
    .bind(session.csrf_token)
    .bind(session.ip.map(|ip| ip.to_string()))
    .bind(session.user_agent)
    .bind(session.now)
    .bind(session.expires_at)
    .execute(executor)
    .await?;
    Ok(())
}

/// The live session with this id: not past its lifetime, not idle since `idle_since`, and its
/// user still active.
pub async fn load_session(
    executor: impl PgExecutor<'_>,
    id: &str,
    now: DateTime<Utc>,
    idle_since: DateTime<Utc>,
) -> Result<Option<SessionRow>, sqlx::Error> {
    sqlx::query_as(concat!(
        "select se.id, se.csrf_token, se.last_seen_at, se.flash, u.id as user_id, u.username,
                u.full_name, u.role, u.unit_id, u.must_change_password,
                -- The bell of every page: counted here rather than by each page, on the
                -- partial index of unread notifications, and no further than the cap.
                (select count(*) from (select 1 from notifications n
                                       where n.user_id = u.id and n.read_at is null
                                       limit $4) unread) as unread_notifications, ",
        crate::db::directory::versions_sql!(),
        "
         from sessions se
         join users u on u.id = se.user_id and u.active
         where se.id = $1 and se.expires_at > $2 and se.last_seen_at > $3",
    ))
    .bind(id)
    .bind(now)
    .bind(idle_since)
    .bind(UNREAD_CAP)
    .fetch_optional(executor)
    .await
}

pub async fn touch_session(
    executor: impl PgExecutor<'_>,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query("update sessions set last_seen_at = $2 where id = $1")
        .bind(id)
        .bind(now)
        .execute(executor)
        .await?;
    Ok(())
}

pub async fn delete_session(executor: impl PgExecutor<'_>, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("delete from sessions where id = $1")
        .bind(id)
        .execute(executor)
        .await?;
    Ok(())
}

/// Ends every session of `user` but `keep`.
pub async fn delete_user_sessions(
    executor: impl PgExecutor<'_>,
    user: UserId,
    keep: Option<&str>,
) -> Result<u64, sqlx::Error> {
    let done =
        sqlx::query("delete from sessions where user_id = $1 and ($2::text is null or id <> $2)")
            .bind(user)
            .bind(keep)
            .execute(executor)
            .await?;
    Ok(done.rows_affected())
}

/// Leaves a one-time message for the session's next page.
///
/// Its own transaction (hence a pool, never a caller's transaction), committed without
/// waiting for the disk: the action it reports was committed durably just before, and a
/// message lost in a crash costs nothing. Waiting cost a second flush per action, and the
/// actions of one session queued behind each other's flushes on its row.
pub async fn set_flash(
    pool: &PgPool,
    id: &str,
    flash: &serde_json::Value,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "with lazy as (select set_config('synchronous_commit', 'off', true))
         update sessions set flash = $2 from lazy where id = $1",
    )
    .bind(id)
    .bind(flash)
    .execute(pool)
    .await?;
    Ok(())
}

/// Forgets the session's one-time message once shown (without waiting for the disk either).
pub async fn clear_flash(pool: &PgPool, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "with lazy as (select set_config('synchronous_commit', 'off', true))
         update sessions set flash = null from lazy where id = $1 and flash is not null",
    )
    .bind(id)
    .execute(pool)
    .await?;
    Ok(())
}
