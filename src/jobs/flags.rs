//! The overdue and stale flags on tasks and plans (docs/design.md: Status and timeliness,
//! Background work). Idempotent: a second run right after the first changes nothing and tells
//! no one. Every change is written to the
//! audit log, and the people concerned are notified, in the same statement, so a flag never
//! changes without its entry and its notifications.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde_json::{Value, json};
use sqlx::{PgConnection, PgPool};

use crate::domain::TaskId;

/// Flags tasks and plans whose deadline has passed (today, in the City's time zone, is after
/// it) and that are not done, and clears flags that no longer hold (deadline moved, task done).
pub async fn flag_overdue(pool: &PgPool, today: NaiveDate) -> Result<Value, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let tasks = update_task_flags(&mut tx, today, None).await?;
    let plans_flagged: i64 = sqlx::query_scalar(
        "with changed as (
             update plans set overdue = true, overdue_since = issue_deadline + 1
             where issued_on is null and issue_deadline < $1 and not overdue
             returning id, unit_id, title, issue_deadline
         ), logged as (
             insert into audit_log (action, entity, entity_id, unit_id, before, after)
             select 'plan.flag_overdue', 'plan', id::text, unit_id,
                    jsonb_build_object('overdue', false),
                    jsonb_build_object('overdue', true, 'overdue_since', issue_deadline + 1)
             from changed
         ), told as (
             insert into notifications (user_id, kind, params)
             select h.user_id, 'overdue',
                    jsonb_build_object('plan_id', c.id, 'plan_title', c.title,
                                       'deadline', c.issue_deadline)
             from changed c cross join lateral unit_heads(c.unit_id) as h(user_id)
         )
         select count(*) from changed",
    )
    .bind(today)
    .fetch_one(&mut *tx)
    .await?;
    let plans_cleared: i64 = sqlx::query_scalar(
        "with changed as (
             update plans set overdue = false, overdue_since = null
             where overdue and (issued_on is not null or issue_deadline >= $1)
             returning id, unit_id
         ), logged as (
             insert into audit_log (action, entity, entity_id, unit_id, before, after)
             select 'plan.clear_overdue', 'plan', id::text, unit_id,
                    jsonb_build_object('overdue', true), jsonb_build_object('overdue', false)
             from changed
         )
         select count(*) from changed",
    )
    .bind(today)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(json!({
        "tasks_flagged": tasks.flagged,
        "tasks_cleared": tasks.cleared,
        "briefing_marked": tasks.briefing_marked,
        "briefing_cleared": tasks.briefing_cleared,
        "plans_flagged": plans_flagged,
        "plans_cleared": plans_cleared,
    }))
}

/// What [`update_task_flags`] changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TaskFlagChanges {
    pub flagged: i64,
    pub cleared: i64,
    pub briefing_marked: i64,
    pub briefing_cleared: i64,
}

/// Brings the overdue flag and the briefing mark of every task (or of `only` those) in line
/// with `today`: overdue when today is after the current deadline and the task is not done;
/// marked for the leadership briefing while overdue with more than three reminders (Hanoi
/// practice). The background job and every action that moves a deadline, finishes a task or
/// sends a reminder call this same function, in their transaction, so pages never disagree
/// with the flags.
pub async fn update_task_flags(
    conn: &mut PgConnection,
    today: NaiveDate,
    only: Option<&[TaskId]>,
) -> Result<TaskFlagChanges, sqlx::Error> {
    let only: Option<Vec<i64>> = only.map(|ids| ids.iter().map(|id| id.0).collect());
    // In batches taken in deadline order: the planner cannot know that hardly any open task
    // has a past deadline without its flag (the last scan set them), expects a quarter of the
    // table and reads all of it. In deadline order it reads the partial index of open unflagged
    // tasks and stops at the first deadline not yet passed.
    let mut flagged = 0;
    loop {
        let batch = flag_overdue_batch(conn, today, &only).await?;
        flagged += batch;
        if batch < FLAG_BATCH {
            break;
        }
    }
    // Overdue already, but its deadline moved to another past day: overdue since the day after
    // the new deadline (counted as flagged again; its people were told when it first became
    // overdue).
    let redated: i64 = sqlx::query_scalar(
        "with changed as (
             update tasks t set overdue_since = t.deadline + 1
             from (select id, overdue_since from tasks
                   where overdue and overdue_since <> deadline + 1 and deadline < $1
                     and ($2::bigint[] is null or id = any($2))
                   for update) old
             where t.id = old.id
             returning t.id, t.lead_unit_id, old.overdue_since as before, t.overdue_since as after
         ), logged as (
             insert into audit_log (action, entity, entity_id, unit_id, before, after)
             select 'task.flag_overdue', 'task', id::text, lead_unit_id,
                    jsonb_build_object('overdue', true, 'overdue_since', before),
                    jsonb_build_object('overdue', true, 'overdue_since', after)
             from changed
         )
         select count(*) from changed",
    )
    .bind(today)
    .bind(&only)
    .fetch_one(&mut *conn)
    .await?;
    let cleared: i64 = sqlx::query_scalar(
        "with changed as (
             update tasks t set overdue = false, overdue_since = null
             from (select id, overdue_since from tasks
                   -- Never done while flagged (tasks_overdue_not_done): the deadline alone
                   -- decides, read from the partial index of overdue tasks.
                   where overdue and (deadline is null or deadline >= $1)
                     and ($2::bigint[] is null or id = any($2))
                   for update) old
             where t.id = old.id
             returning t.id, t.lead_unit_id, old.overdue_since
         ), logged as (
             insert into audit_log (action, entity, entity_id, unit_id, before, after)
             select 'task.clear_overdue', 'task', id::text, lead_unit_id,
                    jsonb_build_object('overdue', true, 'overdue_since', overdue_since),
                    jsonb_build_object('overdue', false)
             from changed
         )
         select count(*) from changed",
    )
    .bind(today)
    .bind(&only)
    .fetch_one(&mut *conn)
    .await?;
    // In batches too: in id order the mismatches come from their own partial index, which the
    // planner otherwise passes over, expecting nearly every task to mismatch.
    let (mut briefing_marked, mut briefing_cleared) = (0, 0);
    loop {
        let (marked, cleared) = briefing_batch(conn, &only).await?;
        briefing_marked += marked;
        briefing_cleared += cleared;
        if marked + cleared < FLAG_BATCH {
            break;
        }
    }
    Ok(TaskFlagChanges {
        flagged: flagged + redated,
        cleared,
        briefing_marked,
        briefing_cleared,
    })
}

/// Marks for the briefing, or clears, up to `FLAG_BATCH` tasks whose mark disagrees with
/// their overdue flag and reminders; how many of each.
async fn briefing_batch(
    conn: &mut PgConnection,
    only: &Option<Vec<i64>>,
) -> Result<(i64, i64), sqlx::Error> {
    sqlx::query_as(
        "with changed as (
             update tasks set marked_for_briefing = not marked_for_briefing
             where id in (select id from tasks
                          where marked_for_briefing <> (overdue and reminder_count > 3)
                            and ($1::bigint[] is null or id = any($1))
                          order by id
                          limit $2)
               and marked_for_briefing <> (overdue and reminder_count > 3)
             returning id, lead_unit_id, marked_for_briefing, reminder_count
         ), logged as (
             insert into audit_log (action, entity, entity_id, unit_id, before, after)
             select case when marked_for_briefing then 'task.mark_briefing' else 'task.clear_briefing' end,
                    'task', id::text, lead_unit_id,
                    jsonb_build_object('marked_for_briefing', not marked_for_briefing),
                    jsonb_build_object('marked_for_briefing', marked_for_briefing,
                                       'reminder_count', reminder_count)
             from changed
         )
         select count(*) filter (where marked_for_briefing),
                count(*) filter (where not marked_for_briefing)
         from changed",
    )
    .bind(only)
    .bind(FLAG_BATCH)
    .fetch_one(&mut *conn)
    .await
}

/// Tasks flagged overdue per statement of [`update_task_flags`].
const FLAG_BATCH: i64 = 5_000;

/// Flags up to `FLAG_BATCH` open tasks past their deadline (or of `only` those), earliest
/// deadline first, with their audit entries and notifications; how many.
async fn flag_overdue_batch(
    conn: &mut PgConnection,
    today: NaiveDate,
    only: &Option<Vec<i64>>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "with changed as (
             update tasks set overdue = true, overdue_since = deadline + 1
             where id in (select id from tasks
                          where status <> 'done' and deadline < $1 and not overdue
                            and ($2::bigint[] is null or id = any($2))
                          order by deadline
                          limit $3)
               and status <> 'done' and deadline < $1 and not overdue
             returning id, code, lead_unit_id, deadline
         ), logged as (
             insert into audit_log (action, entity, entity_id, unit_id, before, after)
             select 'task.flag_overdue', 'task', id::text, lead_unit_id,
                    jsonb_build_object('overdue', false),
                    jsonb_build_object('overdue', true, 'overdue_since', deadline + 1)
             from changed
         ), told as (
             insert into notifications (user_id, kind, task_id, params)
             select p.user_id, 'overdue', c.id,
                    jsonb_build_object('code', c.code, 'deadline', c.deadline,
                                       'overdue_since', c.deadline + 1)
             from changed c cross join lateral task_people(c.id) as p(user_id)
         )
         select count(*) from changed",
    )
    .bind(today)
    .bind(only)
    .bind(FLAG_BATCH)
    .fetch_one(&mut *conn)
    .await
}

/// Marks open tasks with no update for `stale_days` days as stale, and unmarks tasks that
/// were updated or finished since.
pub async fn flag_stale(
    pool: &PgPool,
    now: DateTime<Utc>,
    stale_days: i32,
) -> Result<Value, sqlx::Error> {
    let cutoff = now - Duration::days(i64::from(stale_days));
    let mut tx = pool.begin().await?;
    let marked: i64 = sqlx::query_scalar(
        "with changed as (
             update tasks set stale = true
             where status <> 'done' and last_update_at < $1 and not stale
             returning id, code, lead_unit_id, last_update_at
         ), logged as (
             insert into audit_log (action, entity, entity_id, unit_id, before, after)
             select 'task.flag_stale', 'task', id::text, lead_unit_id,
                    jsonb_build_object('stale', false),
                    jsonb_build_object('stale', true, 'last_update_at', last_update_at)
             from changed
         ), told as (
             insert into notifications (user_id, kind, task_id, params)
             select p.user_id, 'stale', c.id,
                    jsonb_build_object('code', c.code, 'last_update_at', c.last_update_at)
             from changed c cross join lateral task_people(c.id) as p(user_id)
         )
         select count(*) from changed",
    )
    .bind(cutoff)
    .fetch_one(&mut *tx)
    .await?;
    let unmarked: i64 = sqlx::query_scalar(
        "with changed as (
             update tasks set stale = false
             where stale and (status = 'done' or last_update_at >= $1)
             returning id, lead_unit_id
         ), logged as (
             insert into audit_log (action, entity, entity_id, unit_id, before, after)
             select 'task.clear_stale', 'task', id::text, lead_unit_id,
                    jsonb_build_object('stale', true), jsonb_build_object('stale', false)
             from changed
         )
         select count(*) from changed",
    )
    .bind(cutoff)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(json!({ "tasks_marked": marked, "tasks_unmarked": unmarked }))
}
