-- The dashboard's stored counts, each level read as one relation: the folded totals and the
-- changes not folded into them yet, with every count column in the order of
-- `db::dashboard::COUNT_COLUMNS` (a test compares the two). `due_soon` is never stored: a
-- dashboard adds the rows of `task_due_soon_rows` up to its own date. Views, so the planner
-- reads through them to the tables and their indexes exactly as before.
create view task_stat_rows as
    select lead_unit_id, shortcoming_id,
           total, done_on_time, done_late, overdue, open_dated, open_undated,
           0 as due_soon, not_started, in_progress, pending_confirmation, needs_direction, stale,
           briefing
    from task_stats
    union all
    select lead_unit_id, shortcoming_id,
           total, done_on_time, done_late, overdue, open_dated, open_undated,
           0 as due_soon, not_started, in_progress, pending_confirmation, needs_direction, stale,
           briefing
    from task_stat_changes;

create view task_stat_rows_by_unit as
    select lead_unit_id,
           total, done_on_time, done_late, overdue, open_dated, open_undated,
           0 as due_soon, not_started, in_progress, pending_confirmation, needs_direction, stale,
           briefing
    from task_stats_by_unit
    union all
    select lead_unit_id,
           total, done_on_time, done_late, overdue, open_dated, open_undated,
           0 as due_soon, not_started, in_progress, pending_confirmation, needs_direction, stale,
           briefing
    from task_stat_changes;

create view task_stat_rows_by_shortcoming as
    select shortcoming_id,
           total, done_on_time, done_late, overdue, open_dated, open_undated,
           0 as due_soon, not_started, in_progress, pending_confirmation, needs_direction, stale,
           briefing
    from task_stats_by_shortcoming
    union all
    select shortcoming_id,
           total, done_on_time, done_late, overdue, open_dated, open_undated,
           0 as due_soon, not_started, in_progress, pending_confirmation, needs_direction, stale,
           briefing
    from task_stat_changes;

-- Open tasks not overdue, as count rows of one due-soon task each; the reader keeps those whose
-- deadline falls before its due-soon limit.
create view task_due_soon_rows as
    select lead_unit_id, shortcoming_id, deadline,
           0 as total, 0 as done_on_time, 0 as done_late, 0 as overdue, 0 as open_dated,
           0 as open_undated, 1 as due_soon, 0 as not_started, 0 as in_progress,
           0 as pending_confirmation, 0 as needs_direction, 0 as stale, 0 as briefing
    from tasks
    where status <> 'done' and not overdue;
