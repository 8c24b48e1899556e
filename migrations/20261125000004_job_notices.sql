-- What a background job has already told people (a task due in 7 days, a report late…), so it
-- tells them once: one row per job, subject and occasion (e.g. "7:2027-03-31", the threshold
-- and the deadline it was counted from; a new deadline is a new occasion).
create table job_notices (
    job        text not null,
    subject_id bigint not null,
    key        text not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint job_notices_pkey primary key (job, subject_id, key)
);
create trigger job_notices_touch_updated_at before update on job_notices
    for each row execute function touch_updated_at();

-- The scheduler tick a run belongs to (the run's instant divided by the interval). With several
-- instances on one database, the unique index lets only the first run of a job in a tick count;
-- the others see it and skip.
alter table job_runs add column slot bigint;
create unique index job_runs_slot_key on job_runs (job, slot) where slot is not null;

-- The active heads of a unit: who is told of what concerns the unit as a whole.
create function unit_heads(unit bigint) returns setof bigint
language sql stable parallel safe
as $$
    select id from users where unit_id = unit and role = 'unit_head' and active
$$;

-- The people a task's news goes to: the active officers who follow it and the active heads of
-- its lead unit. One definition for the web actions and the jobs' bulk statements.
create function task_people(task bigint) returns setof bigint
language sql stable parallel safe
as $$
    select a.user_id from task_assignees a join users u on u.id = a.user_id
    where a.task_id = task and u.active
    union
    select unit_heads(t.lead_unit_id) from tasks t where t.id = task
$$;
