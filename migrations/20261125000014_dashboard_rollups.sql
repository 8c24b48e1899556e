-- Totals for the unfiltered City dashboard, kept beside the (lead unit, shortcoming) counts of
-- task_stats so that it adds up a few thousand rows instead of reading tasks. At national scale
-- (two million tasks, five thousand units) task_stats holds every (unit, shortcoming) pair, which
-- is more than the page shows per unit and per shortcoming; the monthly trend read every task
-- completed or overdue in the last twelve months.
--
-- The same change log feeds them all: each change row of task_stat_changes now also says in
-- which month the task was completed and in which run of month ends it is overdue, and the fold
-- moves the changes into five tables:
--   task_stats                  per (lead unit, shortcoming)   the filtered dashboards
--   task_stats_by_unit          per lead unit                  the ranking of units
--   task_stats_by_shortcoming   per shortcoming                totals, fields, shortcomings
--   task_done_months            per month of completion        completions on time and late
--   task_overdue_runs           per run of month ends          overdue at month end
-- Readers add the pending changes to each, so every figure is right in the transaction that
-- changed a task.
--
-- Overdue at month end P (the task list's `overdue_on`): the deadline is before P, the task was
-- created by the end of P's day in the City, and it was not completed by P. A task is therefore
-- overdue at every month end from the month of the day after its deadline (or of its creation,
-- if later) up to, not including, the month it was completed in (for ever, while it is open):
-- a run [overdue_from, overdue_until) of months that depends on the task's own columns only.

-- The City's time zone, which the run's start (the creation day) depends on. The portal writes
-- it at start (`db::settle_time_zone`) and rebuilds the counts when it changes.
insert into app_meta (key, value) values ('time_zone', 'Asia/Ho_Chi_Minh')
on conflict (key) do nothing;

create function city_time_zone() returns text
language sql stable parallel safe
as $$ select coalesce((select value from app_meta where key = 'time_zone'), 'Asia/Ho_Chi_Minh') $$;

-- The first day of the month of `day` (date arithmetic: immutable, unlike date_trunc on a date).
create function month_of(day date) returns date
language sql immutable parallel safe
as $$ select day - extract(day from day)::integer + 1 $$;

-- The month a task was completed in, and its run of overdue month ends (nulls when it has none).
create function task_trend_keys(
    status task_status, deadline date, completed_on date, created_at timestamptz, tz text
) returns table (done_month date, overdue_from date, overdue_until date)
language sql immutable parallel safe
as $$
    select case when status = 'done' then month_of(completed_on) end,
           case when r.from_month < r.until_month then r.from_month end,
           case when r.from_month < r.until_month then r.until_month end
    -- greatest() skips nulls: a task without a deadline has no run.
    from (select case when deadline is not null
                      then greatest(month_of(deadline + 1),
                                    month_of(timezone(tz, created_at)::date)) end as from_month,
                 case when status = 'done' then month_of(completed_on)
                      else 'infinity'::date end as until_month) r
$$;

alter table task_stat_changes
    add column done_month date,
    add column overdue_from date,
    add column overdue_until date;

create table task_stats_by_unit (like task_stats including defaults);
alter table task_stats_by_unit drop column shortcoming_id, add primary key (lead_unit_id);
create trigger task_stats_by_unit_touch before update on task_stats_by_unit
    for each row execute function touch_updated_at();

create table task_stats_by_shortcoming (like task_stats including defaults);
alter table task_stats_by_shortcoming drop column lead_unit_id, add primary key (shortcoming_id);
create trigger task_stats_by_shortcoming_touch before update on task_stats_by_shortcoming
    for each row execute function touch_updated_at();

create table task_done_months (
    month        date primary key,
    done_on_time integer not null default 0,
    done_late    integer not null default 0,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now()
);
create trigger task_done_months_touch before update on task_done_months
    for each row execute function touch_updated_at();

create table task_overdue_runs (
    overdue_from  date not null,
    overdue_until date not null,
    tasks         integer not null default 0,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    constraint task_overdue_runs_pkey primary key (overdue_from, overdue_until)
);
create trigger task_overdue_runs_touch before update on task_overdue_runs
    for each row execute function touch_updated_at();

-- The trigger of task_stats, with the two keys of the trend in its change rows.
create or replace function task_stats_collect() returns trigger
language plpgsql
as $$
declare
    tz constant text := city_time_zone();
begin
    -- Each branch names only the transition tables its trigger declares.
    if tg_op = 'INSERT' then
        insert into task_stat_changes (lead_unit_id, shortcoming_id, done_month, overdue_from,
            overdue_until, total, done_on_time, done_late, overdue, open_dated, open_undated,
            not_started, in_progress, pending_confirmation, needs_direction, stale, briefing)
        select n.lead_unit_id, n.shortcoming_id, k.done_month, k.overdue_from, k.overdue_until,
               sum(c.total), sum(c.done_on_time), sum(c.done_late), sum(c.overdue),
               sum(c.open_dated), sum(c.open_undated), sum(c.not_started), sum(c.in_progress),
               sum(c.pending_confirmation), sum(c.needs_direction), sum(c.stale),
               sum(c.briefing)
        from new_rows n,
             lateral task_stat_terms(n.status, n.deadline, n.completed_on, n.overdue, n.stale,
                                     n.marked_for_briefing) c,
             lateral task_trend_keys(n.status, n.deadline, n.completed_on, n.created_at, tz) k
        group by 1, 2, 3, 4, 5;
    elsif tg_op = 'DELETE' then
        insert into task_stat_changes (lead_unit_id, shortcoming_id, done_month, overdue_from,
            overdue_until, total, done_on_time, done_late, overdue, open_dated, open_undated,
            not_started, in_progress, pending_confirmation, needs_direction, stale, briefing)
        select o.lead_unit_id, o.shortcoming_id, k.done_month, k.overdue_from, k.overdue_until,
               -sum(c.total), -sum(c.done_on_time), -sum(c.done_late), -sum(c.overdue),
               -sum(c.open_dated), -sum(c.open_undated), -sum(c.not_started),
               -sum(c.in_progress), -sum(c.pending_confirmation), -sum(c.needs_direction),
               -sum(c.stale), -sum(c.briefing)
        from old_rows o,
             lateral task_stat_terms(o.status, o.deadline, o.completed_on, o.overdue, o.stale,
                                     o.marked_for_briefing) c,
             lateral task_trend_keys(o.status, o.deadline, o.completed_on, o.created_at, tz) k
        group by 1, 2, 3, 4, 5;
    else
        -- Most updates (a note, a percentage) change no count: only net changes are kept.
        insert into task_stat_changes (lead_unit_id, shortcoming_id, done_month, overdue_from,
            overdue_until, total, done_on_time, done_late, overdue, open_dated, open_undated,
            not_started, in_progress, pending_confirmation, needs_direction, stale, briefing)
        select d.lead_unit_id, d.shortcoming_id, k.done_month, k.overdue_from, k.overdue_until,
               sum(d.sign * c.total), sum(d.sign * c.done_on_time), sum(d.sign * c.done_late),
               sum(d.sign * c.overdue), sum(d.sign * c.open_dated),
               sum(d.sign * c.open_undated), sum(d.sign * c.not_started),
               sum(d.sign * c.in_progress), sum(d.sign * c.pending_confirmation),
               sum(d.sign * c.needs_direction), sum(d.sign * c.stale),
               sum(d.sign * c.briefing)
        from (select 1 as sign, lead_unit_id, shortcoming_id, status, deadline, completed_on,
                     overdue, stale, marked_for_briefing, created_at
              from new_rows
              union all
              select -1, lead_unit_id, shortcoming_id, status, deadline, completed_on, overdue,
                     stale, marked_for_briefing, created_at
              from old_rows) d,
             lateral task_stat_terms(d.status, d.deadline, d.completed_on, d.overdue, d.stale,
                                     d.marked_for_briefing) c,
             lateral task_trend_keys(d.status, d.deadline, d.completed_on, d.created_at, tz) k
        group by 1, 2, 3, 4, 5
        having sum(d.sign * c.total) <> 0 or sum(d.sign * c.done_on_time) <> 0
            or sum(d.sign * c.done_late) <> 0 or sum(d.sign * c.overdue) <> 0
            or sum(d.sign * c.open_dated) <> 0 or sum(d.sign * c.open_undated) <> 0
            or sum(d.sign * c.not_started) <> 0 or sum(d.sign * c.in_progress) <> 0
            or sum(d.sign * c.pending_confirmation) <> 0 or sum(d.sign * c.needs_direction) <> 0
            or sum(d.sign * c.stale) <> 0 or sum(d.sign * c.briefing) <> 0;
    end if;
    return null;
end
$$;

-- Moves the pending changes into the five tables (one statement: readers see before or after,
-- never half) and drops what is left empty. Returns how many change rows were folded.
create or replace function task_stats_fold() returns bigint
language plpgsql
as $$
declare
    folded bigint;
begin
    with moved as (
        delete from task_stat_changes returning *
    ), summed as (
        -- grouping(): 7 per (unit, shortcoming), 15 per unit, 23 per shortcoming, 27 per month
        -- of completion, 28 per overdue run.
        select grouping(lead_unit_id, shortcoming_id, done_month, overdue_from, overdue_until)
                   as level,
               lead_unit_id, shortcoming_id, done_month, overdue_from, overdue_until,
               count(*) as n, sum(total) as total,
               sum(done_on_time) as done_on_time, sum(done_late) as done_late,
               sum(overdue) as overdue, sum(open_dated) as open_dated,
               sum(open_undated) as open_undated, sum(not_started) as not_started,
               sum(in_progress) as in_progress, sum(pending_confirmation) as pending_confirmation,
               sum(needs_direction) as needs_direction, sum(stale) as stale,
               sum(briefing) as briefing
        from moved
        group by grouping sets ((lead_unit_id, shortcoming_id), (lead_unit_id), (shortcoming_id),
                                (done_month), (overdue_from, overdue_until))
    ), pairs as (
        insert into task_stats as s (lead_unit_id, shortcoming_id, total, done_on_time,
            done_late, overdue, open_dated, open_undated, not_started, in_progress,
            pending_confirmation, needs_direction, stale, briefing)
        select lead_unit_id, shortcoming_id, total, done_on_time, done_late, overdue,
               open_dated, open_undated, not_started, in_progress, pending_confirmation,
               needs_direction, stale, briefing
        from summed where level = 7
        on conflict (lead_unit_id, shortcoming_id) do update set
            total = s.total + excluded.total,
            done_on_time = s.done_on_time + excluded.done_on_time,
            done_late = s.done_late + excluded.done_late,
            overdue = s.overdue + excluded.overdue,
            open_dated = s.open_dated + excluded.open_dated,
            open_undated = s.open_undated + excluded.open_undated,
            not_started = s.not_started + excluded.not_started,
            in_progress = s.in_progress + excluded.in_progress,
            pending_confirmation = s.pending_confirmation + excluded.pending_confirmation,
            needs_direction = s.needs_direction + excluded.needs_direction,
            stale = s.stale + excluded.stale,
            briefing = s.briefing + excluded.briefing
        returning 1
    ), units as (
        insert into task_stats_by_unit as s (lead_unit_id, total, done_on_time, done_late,
            overdue, open_dated, open_undated, not_started, in_progress, pending_confirmation,
            needs_direction, stale, briefing)
        select lead_unit_id, total, done_on_time, done_late, overdue, open_dated, open_undated,
               not_started, in_progress, pending_confirmation, needs_direction, stale, briefing
        from summed where level = 15
        on conflict (lead_unit_id) do update set
            total = s.total + excluded.total,
            done_on_time = s.done_on_time + excluded.done_on_time,
            done_late = s.done_late + excluded.done_late,
            overdue = s.overdue + excluded.overdue,
            open_dated = s.open_dated + excluded.open_dated,
            open_undated = s.open_undated + excluded.open_undated,
            not_started = s.not_started + excluded.not_started,
            in_progress = s.in_progress + excluded.in_progress,
            pending_confirmation = s.pending_confirmation + excluded.pending_confirmation,
            needs_direction = s.needs_direction + excluded.needs_direction,
            stale = s.stale + excluded.stale,
            briefing = s.briefing + excluded.briefing
        returning 1
    ), shortcomings as (
        insert into task_stats_by_shortcoming as s (shortcoming_id, total, done_on_time,
            done_late, overdue, open_dated, open_undated, not_started, in_progress,
            pending_confirmation, needs_direction, stale, briefing)
        select shortcoming_id, total, done_on_time, done_late, overdue, open_dated,
               open_undated, not_started, in_progress, pending_confirmation, needs_direction,
               stale, briefing
        from summed where level = 23
        on conflict (shortcoming_id) do update set
            total = s.total + excluded.total,
            done_on_time = s.done_on_time + excluded.done_on_time,
            done_late = s.done_late + excluded.done_late,
            overdue = s.overdue + excluded.overdue,
            open_dated = s.open_dated + excluded.open_dated,
            open_undated = s.open_undated + excluded.open_undated,
            not_started = s.not_started + excluded.not_started,
            in_progress = s.in_progress + excluded.in_progress,
            pending_confirmation = s.pending_confirmation + excluded.pending_confirmation,
            needs_direction = s.needs_direction + excluded.needs_direction,
            stale = s.stale + excluded.stale,
            briefing = s.briefing + excluded.briefing
        returning 1
    ), months as (
        insert into task_done_months as m (month, done_on_time, done_late)
        select done_month, done_on_time, done_late
        from summed where level = 27 and done_month is not null
        on conflict (month) do update set
            done_on_time = m.done_on_time + excluded.done_on_time,
            done_late = m.done_late + excluded.done_late
        returning 1
    ), runs as (
        insert into task_overdue_runs as r (overdue_from, overdue_until, tasks)
        select overdue_from, overdue_until, total
        from summed where level = 28 and overdue_from is not null
        on conflict (overdue_from, overdue_until) do update set tasks = r.tasks + excluded.tasks
        returning 1
    )
    select coalesce(sum(n), 0) into folded from summed where level = 7;
    delete from task_stats where total = 0;
    delete from task_stats_by_unit where total = 0;
    delete from task_stats_by_shortcoming where total = 0;
    delete from task_done_months where done_on_time = 0 and done_late = 0;
    delete from task_overdue_runs where tasks = 0;
    return folded;
end
$$;

-- Counts everything again from the tasks: here, and when the City's time zone changes.
create function task_stats_rebuild() returns bigint
language plpgsql
as $$
declare
    tz constant text := city_time_zone();
begin
    -- Writers wait (their trigger appends to the change log) until the counts are rebuilt.
    lock table task_stat_changes in exclusive mode;
    delete from task_stat_changes;
    delete from task_stats;
    delete from task_stats_by_unit;
    delete from task_stats_by_shortcoming;
    delete from task_done_months;
    delete from task_overdue_runs;
    insert into task_stat_changes (lead_unit_id, shortcoming_id, done_month, overdue_from,
        overdue_until, total, done_on_time, done_late, overdue, open_dated, open_undated,
        not_started, in_progress, pending_confirmation, needs_direction, stale, briefing)
    select t.lead_unit_id, t.shortcoming_id, k.done_month, k.overdue_from, k.overdue_until,
           sum(c.total), sum(c.done_on_time), sum(c.done_late), sum(c.overdue),
           sum(c.open_dated), sum(c.open_undated), sum(c.not_started), sum(c.in_progress),
           sum(c.pending_confirmation), sum(c.needs_direction), sum(c.stale), sum(c.briefing)
    from tasks t,
         lateral task_stat_terms(t.status, t.deadline, t.completed_on, t.overdue, t.stale,
                                 t.marked_for_briefing) c,
         lateral task_trend_keys(t.status, t.deadline, t.completed_on, t.created_at, tz) k
    group by 1, 2, 3, 4, 5;
    return task_stats_fold();
end
$$;

select task_stats_rebuild();

-- This month's overdue tasks that the stored runs cannot tell apart from those due later in the
-- month: open tasks past their deadline created this month (the deadline's side is read from
-- tasks_open_past_idx).
create index tasks_open_created_idx on tasks (created_at) include (deadline)
    where status <> 'done';
