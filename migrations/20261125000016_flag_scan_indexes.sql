-- The overdue scan every few minutes, at national scale: the tasks whose overdue date or
-- briefing mark no longer agrees with their other columns are, nearly always, none. Indexed by
-- that very condition, each check reads an empty index instead of two million tasks.
create index tasks_overdue_misdated_idx on tasks (id)
    where overdue and overdue_since <> deadline + 1;
create index tasks_briefing_mismatch_idx on tasks (id)
    where marked_for_briefing <> (overdue and reminder_count > 3);
