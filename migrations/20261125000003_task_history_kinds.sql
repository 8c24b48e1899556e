-- Two more kinds of entries in a task's history:
-- `edited`: the City changed the task's details (title, units, deadline…), the note says what;
-- `escalation_answered`: the City answered the unit's question, which also moves the task out of
-- "needs the City's direction" (status_before/status_after record that).
alter type task_update_kind add value 'edited';
alter type task_update_kind add value 'escalation_answered';

-- The deadline a history entry set (an edit or a bulk change by the City), shown on the timeline.
alter table task_updates add column deadline_after date;
