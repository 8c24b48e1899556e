//! The statements of the notices a job gives once per occasion (`jobs::notices`): each records
//! in `job_notices` what it tells, in the same statement as the notifications, so a second run
//! tells no one again.

use chrono::NaiveDate;
use sqlx::PgExecutor;

/// Tells the people of each open task whose deadline is within `widest` days of `today` and
/// within one of `thresholds` not yet told for its deadline, recording every threshold
/// passed; how many tasks and how many notifications.
pub async fn tell_due_soon(
    executor: impl PgExecutor<'_>,
    today: NaiveDate,
    widest: i32,
    thresholds: &[i32],
) -> Result<(i64, i64), sqlx::Error> {
    sqlx::query_as(
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
    .fetch_one(executor)
    .await
}

/// Tells the heads of each unit whose report (draft or returned) is due within `notice_days`
/// of `today`, or late, once per occasion; how many were told due and how many late.
pub async fn tell_report_deadlines(
    executor: impl PgExecutor<'_>,
    today: NaiveDate,
    notice_days: i32,
) -> Result<(i64, i64), sqlx::Error> {
    sqlx::query_as(
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
    .fetch_one(executor)
    .await
}
