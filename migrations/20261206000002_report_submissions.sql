-- A unit's periodic report as it is written, submitted and decided (docs/reports.md).

-- The narrative is edited with the version check every edit form has; the City's reminders to
-- send a report are counted, as a task's are.
alter table reports add column row_version integer not null default 1;
alter table reports add column reminder_count integer not null default 0;

-- Each submission keeps what was sent: the figures, the annex and the narrative as they stood
-- at that moment, never recomputed. A returned report is corrected and submitted again; every
-- submission stays, so two can be compared.
create table report_submissions (
    id            bigint generated always as identity,
    report_id     bigint not null,
    number        smallint not null,
    submitted_by  bigint not null,
    submitted_at  timestamptz not null,
    -- The day the submission counts for, in the City's time zone (on time or late).
    submitted_on  date not null,
    figures       jsonb not null,
    annex         jsonb not null,
    narrative     jsonb not null,
    decision      report_status,
    decided_by    bigint,
    decided_at    timestamptz,
    decision_note text not null default '',
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    constraint report_submissions_pkey primary key (id),
    constraint report_submissions_report_fkey foreign key (report_id) references reports (id) on delete cascade,
    constraint report_submissions_submitted_by_fkey foreign key (submitted_by) references users (id),
    constraint report_submissions_decided_by_fkey foreign key (decided_by) references users (id),
    constraint report_submissions_number_key unique (report_id, number),
    constraint report_submissions_decision_kind check (decision is null or decision in ('accepted', 'returned')),
    constraint report_submissions_decided_together check ((decision is null) = (decided_at is null)),
    constraint report_submissions_return_has_reason check (decision is distinct from 'returned' or btrim(decision_note) <> ''),
    constraint report_submissions_decision_note_length check (char_length(decision_note) <= 4000)
);
create trigger report_submissions_touch_updated_at before update on report_submissions
    for each row execute function touch_updated_at();

-- What was sent never changes: only the decision may be written, once.
create function report_submission_frozen() returns trigger
language plpgsql as $$
begin
    if new.figures is distinct from old.figures or new.annex is distinct from old.annex
       or new.narrative is distinct from old.narrative or new.submitted_at <> old.submitted_at
       or new.number <> old.number or new.report_id <> old.report_id
       or old.decision is not null then
        raise exception 'a report submission is never changed' using errcode = 'check_violation',
            constraint = 'report_submissions_frozen';
    end if;
    return new;
end
$$;
create trigger report_submissions_frozen before update on report_submissions
    for each row execute function report_submission_frozen();
