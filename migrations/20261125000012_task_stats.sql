-- Counts behind the dashboards, kept per (lead unit, shortcoming) so the City dashboard adds up a
-- few thousand rows instead of every task (two million at national scale).
--
-- What a task contributes depends only on its own columns, never on today's date: the overdue
-- flag is stored by the overdue scan, "due soon" (the one class that moves with the calendar) is
-- counted live from a small partial index, and "on track" is `open_dated` minus "due soon".
--
-- Writers never touch the totals: a statement trigger on `tasks` appends the net change of each
-- statement to `task_stat_changes` (inserts only, so concurrent writers never wait on a counter
-- row or deadlock on it), and readers add both tables up in one statement, so the counts are
-- correct in the same transaction as the change. The background job folds the changes into
-- `task_stats` now and then to keep the change table short.

create function task_stat_terms(
    status task_status, deadline date, completed_on date, overdue boolean, stale boolean,
    marked_for_briefing boolean
) returns table (
    total integer, done_on_time integer, done_late integer, overdue integer, open_dated integer,
    open_undated integer, not_started integer, in_progress integer, pending_confirmation integer,
    needs_direction integer, stale integer, briefing integer
)
language sql immutable parallel safe
as $$
    -- The same classes as task_timeliness(), with due soon and on track together.
    select 1,
           (status = 'done' and (deadline is null or completed_on <= deadline))::integer,
           (status = 'done' and coalesce(completed_on > deadline, false))::integer,
           (status <> 'done' and overdue)::integer,
           (status <> 'done' and not overdue and deadline is not null)::integer,
           (status <> 'done' and not overdue and deadline is null)::integer,
           (status = 'not_started')::integer,
           (status = 'in_progress')::integer,
           (status = 'pending_confirmation')::integer,
           (status = 'needs_direction')::integer,
           (status <> 'done' and stale)::integer,
           (status <> 'done' and marked_for_briefing)::integer
$$;

-- Counts per group fit an integer, and summing integers is much cheaper than summing bigints
-- (which PostgreSQL adds up as numeric).
create table task_stats (
    lead_unit_id         bigint not null,
    shortcoming_id       bigint not null,
    total                integer not null default 0,
    done_on_time         integer not null default 0,
    done_late            integer not null default 0,
    overdue              integer not null default 0,
    open_dated           integer not null default 0,
    open_undated         integer not null default 0,
    not_started          integer not null default 0,
    in_progress          integer not null default 0,
    pending_confirmation integer not null default 0,
    needs_direction      integer not null default 0,
    stale                integer not null default 0,
    briefing             integer not null default 0,
    created_at           timestamptz not null default now(),
    updated_at           timestamptz not null default now(),
    constraint task_stats_pkey primary key (lead_unit_id, shortcoming_id)
);
create trigger task_stats_touch before update on task_stats
    for each row execute function touch_updated_at();

-- Same columns, no key: one row per statement and (lead unit, shortcoming) it changed.
create table task_stat_changes (like task_stats including defaults);
alter table task_stat_changes alter column created_at set default clock_timestamp();

create function task_stats_collect() returns trigger
language plpgsql
as $$
begin
    -- Each branch names only the transition tables its trigger declares.
    if tg_op = 'INSERT' then
        insert into task_stat_changes (lead_unit_id, shortcoming_id, total, done_on_time,
            done_late, overdue, open_dated, open_undated, not_started, in_progress,
            pending_confirmation, needs_direction, stale, briefing)
        select n.lead_unit_id, n.shortcoming_id, sum(c.total), sum(c.done_on_time),
               sum(c.done_late), sum(c.overdue), sum(c.open_dated), sum(c.open_undated),
               sum(c.not_started), sum(c.in_progress), sum(c.pending_confirmation),
               sum(c.needs_direction), sum(c.stale), sum(c.briefing)
        from new_rows n,
             lateral task_stat_terms(n.status, n.deadline, n.completed_on, n.overdue, n.stale,
                                     n.marked_for_briefing) c
        group by n.lead_unit_id, n.shortcoming_id;
    elsif tg_op = 'DELETE' then
        insert into task_stat_changes (lead_unit_id, shortcoming_id, total, done_on_time,
            done_late, overdue, open_dated, open_undated, not_started, in_progress,
            pending_confirmation, needs_direction, stale, briefing)
        select o.lead_unit_id, o.shortcoming_id, -sum(c.total), -sum(c.done_on_time),
               -sum(c.done_late), -sum(c.overdue), -sum(c.open_dated), -sum(c.open_undated),
               -sum(c.not_started), -sum(c.in_progress), -sum(c.pending_confirmation),
               -sum(c.needs_direction), -sum(c.stale), -sum(c.briefing)
        from old_rows o,
             lateral task_stat_terms(o.status, o.deadline, o.completed_on, o.overdue, o.stale,
                                     o.marked_for_briefing) c
        group by o.lead_unit_id, o.shortcoming_id;
    else
        -- Most updates (a note, a percentage) change no count: only net changes are kept.
        insert into task_stat_changes (lead_unit_id, shortcoming_id, total, done_on_time,
            done_late, overdue, open_dated, open_undated, not_started, in_progress,
            pending_confirmation, needs_direction, stale, briefing)
        select d.lead_unit_id, d.shortcoming_id, sum(d.sign * c.total),
               sum(d.sign * c.done_on_time), sum(d.sign * c.done_late), sum(d.sign * c.overdue),
               sum(d.sign * c.open_dated), sum(d.sign * c.open_undated),
               sum(d.sign * c.not_started), sum(d.sign * c.in_progress),
               sum(d.sign * c.pending_confirmation), sum(d.sign * c.needs_direction),
               sum(d.sign * c.stale), sum(d.sign * c.briefing)
        from (select 1 as sign, lead_unit_id, shortcoming_id, status, deadline, completed_on,
                     overdue, stale, marked_for_briefing
              from new_rows
              union all
              select -1, lead_unit_id, shortcoming_id, status, deadline, completed_on, overdue,
                     stale, marked_for_briefing
              from old_rows) d,
             lateral task_stat_terms(d.status, d.deadline, d.completed_on, d.overdue, d.stale,
                                     d.marked_for_briefing) c
        group by d.lead_unit_id, d.shortcoming_id
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

create trigger tasks_stats_insert after insert on tasks
    referencing new table as new_rows
    for each statement execute function task_stats_collect();
create trigger tasks_stats_update after update on tasks
    referencing old table as old_rows new table as new_rows
    for each statement execute function task_stats_collect();
create trigger tasks_stats_delete after delete on tasks
    referencing old table as old_rows
    for each statement execute function task_stats_collect();

-- Moves the pending changes into the totals (one statement: readers see before or after, never
-- half) and drops groups left empty. Returns how many change rows were folded.
create function task_stats_fold() returns bigint
language plpgsql
as $$
declare
    folded bigint;
begin
    with moved as (
        delete from task_stat_changes returning *
    ), summed as (
        select lead_unit_id, shortcoming_id, count(*) as n, sum(total) as total,
               sum(done_on_time) as done_on_time, sum(done_late) as done_late,
               sum(overdue) as overdue, sum(open_dated) as open_dated,
               sum(open_undated) as open_undated, sum(not_started) as not_started,
               sum(in_progress) as in_progress, sum(pending_confirmation) as pending_confirmation,
               sum(needs_direction) as needs_direction, sum(stale) as stale,
               sum(briefing) as briefing
        from moved
        group by lead_unit_id, shortcoming_id
    ), applied as (
        insert into task_stats as s (lead_unit_id, shortcoming_id, total, done_on_time,
            done_late, overdue, open_dated, open_undated, not_started, in_progress,
            pending_confirmation, needs_direction, stale, briefing)
        select lead_unit_id, shortcoming_id, total, done_on_time, done_late, overdue,
               open_dated, open_undated, not_started, in_progress, pending_confirmation,
               needs_direction, stale, briefing
        from summed
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
    )
    select coalesce(sum(n), 0) into folded from summed;
    delete from task_stats where total = 0;
    return folded;
end
$$;

-- The tasks already there.
insert into task_stat_changes (lead_unit_id, shortcoming_id, total, done_on_time, done_late,
    overdue, open_dated, open_undated, not_started, in_progress, pending_confirmation,
    needs_direction, stale, briefing)
select t.lead_unit_id, t.shortcoming_id, sum(c.total), sum(c.done_on_time), sum(c.done_late),
       sum(c.overdue), sum(c.open_dated), sum(c.open_undated), sum(c.not_started),
       sum(c.in_progress), sum(c.pending_confirmation), sum(c.needs_direction), sum(c.stale),
       sum(c.briefing)
from tasks t,
     lateral task_stat_terms(t.status, t.deadline, t.completed_on, t.overdue, t.stale,
                             t.marked_for_briefing) c
group by t.lead_unit_id, t.shortcoming_id;
select task_stats_fold();

-- "Due soon" and the monthly trend read these instead of the whole table (index-only).
create index tasks_due_soon_idx on tasks (deadline) include (lead_unit_id, shortcoming_id)
    where status <> 'done' and not overdue;
create index tasks_completed_idx on tasks (completed_on)
    include (lead_unit_id, shortcoming_id, deadline, created_at) where status = 'done';
-- "Overdue at month end" reads the open tasks past their deadline from this alone.
create index tasks_open_past_idx on tasks (deadline)
    include (lead_unit_id, shortcoming_id, created_at) where status <> 'done';
