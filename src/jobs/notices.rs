//! Notices that a job gives once per occasion: tasks coming due (at each threshold, e.g. 7
//! days and 1 day before the deadline) and periodic reports coming due or late. What was told
//! is recorded in `job_notices` in the same statement as the notifications, so a second run
//! tells no one again, and a new deadline is a new occasion.

use chrono::NaiveDate;
use serde_json::{Value, json};
use sqlx::PgPool;

/// Tells the people of each open task whose deadline is within a threshold, once per
/// threshold and deadline. A task first seen already inside several thresholds (a deadline
/// set close) gets one notification, and every threshold it passed is recorded.
pub async fn due_soon(
    pool: &PgPool,
    today: NaiveDate,
    thresholds: &[i32],
) -> Result<Value, sqlx::Error> {
    // A threshold of 0 means "on the deadline day"; none at all means no notices.
    let Some(widest) = thresholds.iter().copied().max() else {
        return Ok(json!({ "tasks": 0, "notifications": 0 }));
    };
    let (tasks, notifications): (i64, i64) = sqlx::query_as(
        "with due as (
             select t.id, t.code, t.deadline, t.deadline - $1 as days_left
             from tasks t
             where t.status <> 'done' and not t.overdue
               and t.deadline >= $1 and t.deadline <= $1 + $2
         ), fresh as (
             insert into job_notices (job, subject_id, key)
             select 'due_soon', d.id, th || ':' || d.deadline
             from due d cross join unnest($3::int[]) as th
             where d.days_left <= th
             on conflict do nothing
             returning subject_id
         ), told_tasks as (
             select distinct subject_id as id from fresh
         ), told as (
             insert into notifications (user_id, kind, task_id, params)
             select p.user_id, 'due_soon', d.id,
                    jsonb_build_object('code', d.code, 'deadline', d.deadline,
                                       'days_left', d.days_left)
             from due d join told_tasks f on f.id = d.id
             cross join lateral task_people(d.id) as p(user_id)
             returning 1
         )
         select (select count(*) from told_tasks), (select count(*) from told)",
    )
    .bind(today)
    .bind(widest)
    .bind(thresholds)
    .fetch_one(pool)
    .await?;
    Ok(json!({ "tasks": tasks, "notifications": notifications }))
}

/// Tells the heads of each unit whose periodic report is not yet submitted: once when it
/// comes within `notice_days` of its due date, once when it is late.
pub async fn report_deadlines(
    pool: &PgPool,
    today: NaiveDate,
    notice_days: i32,
) -> Result<Value, sqlx::Error> {
    let (due, late): (i64, i64) = sqlx::query_as(
        "with open_reports as (
             select r.id, r.unit_id, r.period, r.period_year, r.period_number, r.due_on,
                    case when r.due_on < $1 then 'late' else 'due' end as occasion
             from reports r
             where r.status in ('draft', 'returned') and r.due_on <= $1 + $2
         ), fresh as (
             insert into job_notices (job, subject_id, key)
             select 'report_deadlines', id, occasion from open_reports
             on conflict do nothing
             returning subject_id, key
         ), told as (
             insert into notifications (user_id, kind, report_id, params)
             select h.user_id,
                    (case when f.key = 'late' then 'report_late' else 'report_due' end)::notification_kind,
                    r.id,
                    jsonb_build_object('report_id', r.id, 'period', r.period,
                                       'period_year', r.period_year,
                                       'period_number', r.period_number, 'due_on', r.due_on)
             from fresh f join open_reports r on r.id = f.subject_id
             cross join lateral unit_heads(r.unit_id) as h(user_id)
         )
         select count(*) filter (where key = 'due'), count(*) filter (where key = 'late')
         from fresh",
    )
    .bind(today)
    .bind(notice_days)
    .fetch_one(pool)
    .await?;
    Ok(json!({ "reports_due": due, "reports_late": late }))
}
