//! The tasks themselves, in one `insert … select` over `generate_series`: task number `n` gets
//! id `n`, so every later statement can draw the task's other choices from its id alone.

use sqlx::PgConnection;

use remediation_portal::seed::catalog::Names;

use crate::catalog::Staged;
use crate::load::{BenchSettings, BenchSize};
use crate::text;

/// Helpers for the session that loads, used by every statement. Plain SQL functions, so the
/// planner inlines them; every draw is a hash of a number and a salt (each statement uses its
/// own salts), which makes the data the same on every run: `hashint8extended` is the hash
/// PostgreSQL's hash partitioning relies on, so it does not change between versions or machines.
const SESSION_FUNCTIONS: &str = "
create function pg_temp.roll(n bigint, salt integer) returns double precision
language sql immutable parallel safe
as $$ select ((hashint8extended(n, salt) >> 11) & 9007199254740991)::double precision / 9007199254740992 $$;

-- A whole number in 0 .. count - 1 (0 when count < 1).
create function pg_temp.below(n bigint, salt integer, count integer) returns integer
language sql immutable parallel safe
as $$ select floor(pg_temp.roll(n, salt) * greatest(count, 1))::integer $$;

create function pg_temp.pick(items text[], n bigint, salt integer) returns text
language sql immutable parallel safe
as $$ select items[1 + floor(pg_temp.roll(n, salt) * cardinality(items))::integer] $$;

-- A moment of office hours (08:00 to 17:00 in the session's time zone, the City's) on `day`,
-- never later than the load itself.
create function pg_temp.office_time(day date, n bigint, salt integer, load_at timestamptz)
returns timestamptz
language sql stable parallel safe
as $$ select least((day + time '08:00' + pg_temp.below(n, salt, 540) * interval '1 minute')::timestamptz,
                   load_at - interval '1 minute') $$;

-- When the lead unit's head assigned the task: one to five days after it was created.
create function pg_temp.assigned_at(task bigint, created timestamptz, load_at timestamptz)
returns timestamptz
language sql stable parallel safe
as $$ select pg_temp.office_time(created::date + 1 + pg_temp.below(task, 11, 5), task, 12, load_at) $$;

-- The officer who follows the task first: one of the lead unit's, which are numbered
-- first_officer, first_officer + 1 … in bench_officers.
create function pg_temp.officer(task bigint, first_officer integer, officers integer) returns integer
language sql immutable parallel safe
as $$ select first_officer + pg_temp.below(task, 100, officers) $$;
";

/// Creates the helper functions and sets the session up: the City's time zone (dates and
/// office hours are the City's), memory for the large joins.
pub async fn prepare_session(
    conn: &mut PgConnection,
    settings: &BenchSettings,
) -> sqlx::Result<()> {
    sqlx::query("select set_config('TimeZone', $1, false)")
        .bind(settings.time_zone.name())
        .execute(&mut *conn)
        .await?;
    sqlx::raw_sql("set work_mem = '256MB'")
        .execute(&mut *conn)
        .await?;
    sqlx::raw_sql(SESSION_FUNCTIONS).execute(&mut *conn).await?;
    Ok(())
}

/// Inserts `size.tasks` tasks, ids 1…, with their flags as the jobs would set them; returns
/// how many were inserted.
///
/// Shares, as in a City that has worked on its shortcomings for a few years: 47 % done on time,
/// 10 % done late, 12 % overdue, 2.5 % due within the due-soon window, 23.5 % on track, 5 %
/// without a deadline. About one task in eight with a deadline had it extended. Open tasks:
/// mostly in progress, some not started, waiting for confirmation or for the City's direction;
/// about 15 % of those in progress have had no update for longer than the stale limit.
pub async fn insert_tasks(
    conn: &mut PgConnection,
    size: BenchSize,
    settings: &BenchSettings,
    staged: &Staged,
    names: &Names,
) -> anyhow::Result<u64> {
    let (first, last) = settings.deadline_range();
    let stale_before = settings.now - chrono::Duration::days(i64::from(settings.stale_days));
    let inserted = sqlx::query(TASKS)
        .bind(size.tasks() as i64)
        .bind(settings.today())
        .bind(settings.now)
        .bind(first)
        .bind(last)
        .bind(settings.due_soon_days)
        .bind(stale_before)
        .bind(settings.stale_days)
        .bind(staged.reviewer)
        .bind(staged.leads)
        .bind(staged.wordings)
        .bind(text::VERBS)
        .bind(text::OPENINGS)
        .bind(text::METHODS)
        .bind(text::CLOSINGS)
        .bind(text::EXPECTED)
        .bind(&names.family)
        .bind(&names.middle)
        .bind(&names.given)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    // The ids were given, not drawn from the identity: the next task the portal creates
    // continues after them.
    sqlx::query("select setval(pg_get_serial_sequence('tasks', 'id'), $1)")
        .bind(size.tasks() as i64)
        .execute(&mut *conn)
        .await?;
    // The statements that follow join the tasks by the million: the planner needs to know.
    sqlx::raw_sql("analyze tasks").execute(&mut *conn).await?;
    Ok(inserted)
}

/// Drops the tasks' GIN indexes (the text search) for the time the tasks are inserted, and
/// returns their definitions as the catalog gives them, to build them again with
/// [`build_indexes`] in the same transaction: building a trigram index over two million rows
/// at once took 80 s here, keeping it up to date row by row about 200 s (and its pages went to
/// the WAL again and again). The definitions stay the migrations' own; nothing here repeats
/// them.
pub async fn set_aside_text_indexes(conn: &mut PgConnection) -> sqlx::Result<Vec<String>> {
    let indexes: Vec<(String, String)> = sqlx::query_as(
        "select i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
         from pg_index i
         join pg_class c on c.oid = i.indexrelid
         join pg_am am on am.oid = c.relam
         where i.indrelid = 'tasks'::regclass and am.amname = 'gin'
         order by 1",
    )
    .fetch_all(&mut *conn)
    .await?;
    for (name, _) in &indexes {
        // The name comes quoted as needed from `regclass`.
        sqlx::raw_sql(&format!("drop index {name}"))
            .execute(&mut *conn)
            .await?;
    }
    Ok(indexes
        .into_iter()
        .map(|(_, definition)| definition)
        .collect())
}

/// Builds the indexes [`set_aside_text_indexes`] dropped.
pub async fn build_indexes(conn: &mut PgConnection, definitions: &[String]) -> sqlx::Result<()> {
    sqlx::raw_sql("set local maintenance_work_mem = '512MB'")
        .execute(&mut *conn)
        .await?;
    for definition in definitions {
        sqlx::raw_sql(definition).execute(&mut *conn).await?;
    }
    Ok(())
}

/// $1 tasks, $2 today, $3 now, $4 first and $5 last deadline, $6 due-soon days, $7 the stale
/// limit (instant) and $8 stale days, $9 the reviewer who creates tasks, $10 lead units,
/// $11 wordings, $12… phrase lists. Every step is fenced (`offset 0`): a value drawn once is
/// used many times below, and without the fence the planner would compute it again at each
/// use.
const TASKS: &str = "
with drawn as (
    select n,
           pg_temp.roll(n, 1) as class_roll,
           pg_temp.roll(n, 2) as status_roll,
           1 + pg_temp.below(n, 3, $10) as lead_ord,
           -- Shortcomings are not equally large: the first codes get more tasks.
           1 + floor(power(pg_temp.roll(n, 4), 1.3) * $11)::integer as wording_key
    from generate_series(1, $1::bigint) as n
    offset 0
), classed as (
    select d.*,
           case when class_roll < 0.47 then 'done_on_time'
                when class_roll < 0.57 then 'done_late'
                when class_roll < 0.69 then 'overdue'
                when class_roll < 0.715 then 'due_soon'
                when class_roll < 0.95 then 'on_track'
                else 'no_deadline' end as class
    from drawn d
    offset 0
), dated as (
    select c.*,
           case class
               -- Done on time: due from the start until four months from now (done early).
               when 'done_on_time' then $4::date + 60 + pg_temp.below(n, 5, $2::date - $4::date + 60)
               when 'done_late' then $4::date + 30 + pg_temp.below(n, 5, $2::date - $4::date - 31)
               -- Overdue mostly by weeks or months, a few by years.
               when 'overdue' then $2::date - 1 - floor(power(pg_temp.roll(n, 5), 2) * ($2::date - $4::date - 30))::integer
               when 'due_soon' then $2::date + pg_temp.below(n, 5, $6 + 1)
               when 'on_track' then $2::date + $6 + 1 + pg_temp.below(n, 5, $5::date - $2::date - $6)
           end as deadline
    from classed c
    offset 0
), created as (
    select d.*,
           -- At least a month before the deadline and a week before today.
           case when deadline is null then $2::date - 30 - pg_temp.below(n, 6, $2::date - $4::date)
                else least(deadline - 30 - pg_temp.below(n, 6, 331), $2::date - 7 - pg_temp.below(n, 7, 84))
           end as created_day
    from dated d
    offset 0
), timed as (
    select c.*,
           pg_temp.office_time(created_day, n, 13, $3) as created_at,
           pg_temp.assigned_at(n, pg_temp.office_time(created_day, n, 13, $3), $3) as assigned_at
    from created c
    offset 0
), completed as (
    select t.*,
           -- After the assignment, never after today.
           case class
               when 'done_on_time' then least(deadline, $2::date)
                   - pg_temp.below(n, 8, least(90, least(deadline, $2::date) - assigned_at::date))
               when 'done_late' then deadline + 1 + pg_temp.below(n, 8, least(120, $2::date - deadline))
           end as completed_on,
           -- The deadline before an approved extension, if the task had one.
           greatest(created_day + 15, deadline - 15 - pg_temp.below(n, 9, 136)) as earlier_deadline
    from timed t
    offset 0
), extended as (
    select c.*,
           case when deadline is not null and pg_temp.roll(n, 10) < 0.12
                     -- Extended while it was still being worked on.
                     and (completed_on is null or completed_on > earlier_deadline)
                then earlier_deadline else deadline end as original_deadline,
           case when class in ('done_on_time', 'done_late') then 'done'
                when class = 'overdue' then
                    case when status_roll < 0.20 then 'not_started' when status_roll < 0.75 then 'in_progress'
                         when status_roll < 0.90 then 'needs_direction' else 'pending_confirmation' end
                when class = 'due_soon' then
                    case when status_roll < 0.10 then 'not_started' when status_roll < 0.68 then 'in_progress'
                         when status_roll < 0.73 then 'needs_direction' else 'pending_confirmation' end
                when class = 'on_track' then
                    case when status_roll < 0.22 then 'not_started' when status_roll < 0.88 then 'in_progress'
                         when status_roll < 0.93 then 'needs_direction' else 'pending_confirmation' end
                else
                    case when status_roll < 0.08 then 'not_started' when status_roll < 0.95 then 'in_progress'
                         else 'needs_direction' end
           end::task_status as status
    from completed c
    offset 0
), updated as (
    select e.*,
           case when status = 'done' then pg_temp.office_time(completed_on, n, 14, $3)
                when status = 'not_started' then assigned_at
                -- A share has had no update for longer than the stale limit.
                else greatest(pg_temp.office_time(
                         case when pg_temp.roll(n, 15) < 0.15 then $2::date - $8 - 2 - pg_temp.below(n, 16, 150)
                              else $2::date - pg_temp.below(n, 16, $8 - 2) end, n, 17, $3),
                     assigned_at + interval '1 hour')
           end as last_update_at,
           -- Exactly the overdue scan's rule (no deadline, never overdue).
           coalesce(status <> 'done' and deadline < $2::date, false) as overdue
    from extended e
    offset 0
), reminded as (
    select u.*,
           -- Reminded while overdue: some overdue tasks, some of those finished late (before
           -- they were finished). At most one a day.
           case when overdue and pg_temp.roll(n, 18) < 0.45
                    then least(1 + pg_temp.below(n, 19, 6), $2::date - deadline)
                when class = 'done_late' and pg_temp.roll(n, 18) < 0.30
                    then least(1 + pg_temp.below(n, 19, 3), completed_on - deadline - 1)
                else 0 end as reminder_count
    from updated u
    offset 0
)
insert into tasks (id, code, shortcoming_id, plan_id, title, description, expected_result,
                   lead_unit_id, leader_in_charge, original_deadline, deadline, status,
                   percent_complete, completed_on, overdue, overdue_since, stale,
                   marked_for_briefing, reminder_count, last_update_at, row_version, created_by,
                   created_at)
overriding system value
select r.n, w.code || '.' || r.n, w.shortcoming_id, l.plan_id,
       case when pg_temp.roll(r.n, 20) < 0.5 then
                replace(w.title, '{unit}', l.place)
                -- A measure is often carried out in rounds.
                || case when pg_temp.roll(r.n, 21) < 0.5 then ''
                        else ' (đợt ' || (2 + pg_temp.below(r.n, 22, 3)) || ')' end
            else pg_temp.pick($12, r.n, 23) || ' ' || w.phrase || ' trên địa bàn ' || l.place
       end,
       -- What is to be done; often where it comes from, sometimes how it is reported.
       case when pg_temp.roll(r.n, 35) < 0.4 then pg_temp.pick($13, r.n, 24) || ' ' else '' end
           || pg_temp.pick($14, r.n, 25)
           || case when pg_temp.roll(r.n, 36) < 0.2 then ' ' || pg_temp.pick($15, r.n, 26) else '' end,
       case when pg_temp.roll(r.n, 27) < 0.7 then w.expected else pg_temp.pick($16, r.n, 28) end,
       l.unit_id,
       'Đ/c ' || pg_temp.pick($17, r.n, 29) || ' ' || pg_temp.pick($18, r.n, 30) || ' '
           || pg_temp.pick($19, r.n, 31) || ' – ' || l.leader_title,
       r.original_deadline, r.deadline, r.status,
       case when r.status in ('done', 'pending_confirmation') then 100
            when r.status = 'not_started' then 0
            else 5 * (1 + pg_temp.below(r.n, 32, 19)) end,
       r.completed_on, r.overdue, case when r.overdue then r.deadline + 1 end,
       -- Exactly the stale scan's rule.
       r.status <> 'done' and r.last_update_at < $7,
       r.overdue and r.reminder_count > 3,
       r.reminder_count, r.last_update_at,
       -- An approved extension moved the deadline once.
       case when r.original_deadline <> r.deadline then 2 else 1 end,
       $9, r.created_at
from reminded r
join bench_leads l on l.ord = r.lead_ord
join bench_wording w on w.key = r.wording_key
";
