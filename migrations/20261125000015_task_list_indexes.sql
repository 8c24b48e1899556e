-- The task list's broad filters in its default order (deadline, then id), for the City's lists
-- at national scale: the overdue tasks of every unit (12 % of two million), and a shortcoming's
-- tasks (one in 33). Page 100 of either reads its 5,000 rows in order from these instead of
-- sorting every match; one unit's lists are small enough to sort.
create index tasks_overdue_order_idx on tasks (deadline, id) where overdue;
create index tasks_shortcoming_order_idx on tasks (shortcoming_id, deadline, id);
