//! The statements of the overdue and stale scans (`jobs::flags`): each changes the flags of
//! tasks or plans and, in the same statement, writes their audit entries and the
//! notifications of the people concerned. Performance-tuned: see the callers' comments.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgExecutor;

/// Flags the plans not issued by their deadline (before `today`), with their audit entries and
/// a notification to their unit's heads; how many.
pub async fn flag_overdue_plans(
    executor: impl PgExecutor<'_>,
    today: NaiveDate,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
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
    .fetch_one(executor)
    .await
}

/// Clears the overdue flag of plans issued since or whose deadline is no longer past, with
/// their audit entries; how many.
pub async fn clear_overdue_plans(
    executor: impl PgExecutor<'_>,
    today: NaiveDate,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
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
    .fetch_one(executor)
    .await
}

/// Flags up to `limit` open tasks past their deadline (of `only` those, when given), earliest
/// deadline first, with their audit entries and notifications; how many.
pub async fn flag_overdue_tasks(
    executor: impl PgExecutor<'_>,
    today: NaiveDate,
    only: Option<&[i64]>,
    limit: i64,
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
    .bind(limit)
    .fetch_one(executor)
    .await
}

/// Moves the overdue date of tasks already overdue whose deadline moved to another past day
/// (of `only` those, when given) to the day after the new deadline, with their audit entries;
/// how many.
pub async fn redate_overdue_tasks(
    executor: impl PgExecutor<'_>,
    today: NaiveDate,
    only: Option<&[i64]>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
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
    .bind(only)
    .fetch_one(executor)
    .await
}

/// Clears the overdue flag of tasks whose deadline is no longer past or gone (of `only` those,
/// when given), with their audit entries; how many.
pub async fn clear_overdue_tasks(
    executor: impl PgExecutor<'_>,
    today: NaiveDate,
    only: Option<&[i64]>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
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
    .bind(only)
    .fetch_one(executor)
    .await
}

/// Marks for the briefing, or clears, up to `limit` tasks (of `only` those, when given) whose
/// mark disagrees with their overdue flag and reminders, with their audit entries; how many
/// were marked and how many cleared.
pub async fn update_briefing_marks(
    executor: impl PgExecutor<'_>,
    only: Option<&[i64]>,
    limit: i64,
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
    .bind(limit)
    .fetch_one(executor)
    .await
}

/// Marks as stale the open tasks with no update since `cutoff`, with their audit entries and
/// notifications; how many.
pub async fn flag_stale_tasks(
    executor: impl PgExecutor<'_>,
    cutoff: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
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
    .fetch_one(executor)
    .await
}

/// Unmarks the stale tasks finished or updated since `cutoff`, with their audit entries; how
/// many.
pub async fn clear_stale_tasks(
    executor: impl PgExecutor<'_>,
    cutoff: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
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
    .fetch_one(executor)
    .await
}
