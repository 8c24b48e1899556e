-- task_timeliness() was not inlined into the queries that call it: its CASE cast text to the
-- enum, and that cast (enum_in) is only stable, which keeps an immutable SQL function from
-- being inlined. The planner then ran it as a separate SQL function call for every row (most
-- of a task list's database time). The same definition, with enum constants instead of a cast.
create or replace function task_timeliness(
    status task_status, deadline date, completed_on date, overdue boolean, today date,
    due_soon_days integer
) returns timeliness
language sql immutable parallel safe
as $$
    select case
        when status = 'done' then
            case when deadline is null or completed_on <= deadline
                 then 'done_on_time'::timeliness else 'done_late'::timeliness end
        when overdue then 'overdue'::timeliness
        when deadline is null then 'no_deadline'::timeliness
        when deadline - today <= due_soon_days then 'due_soon'::timeliness
        else 'on_track'::timeliness
    end
$$;
