-- The whole domain model of the portal (DESIGN.md §3). Conventions: migrations/README.md.

create extension if not exists unaccent;
create extension if not exists pg_trgm;

-- unaccent() is only STABLE (it reads a dictionary), so it cannot be used in an index or a
-- generated column. This wrapper names the dictionary explicitly, which makes it safe to declare
-- IMMUTABLE. `search_fold` also lower-cases and maps đ/Đ, so "dat dai" matches "Đất đai".
create function search_fold(input text) returns text
language sql immutable parallel safe strict
as $$
    select lower(public.unaccent('public.unaccent'::regdictionary,
                                 translate(input, 'đĐ', 'dD')))
$$;

-- Rejects changes to rows of tables that are append-only (history, audit).
create function reject_change() returns trigger
language plpgsql
as $$
begin
    raise exception 'rows of % are append-only', tg_table_name
        using errcode = 'insufficient_privilege';
end;
$$;

-- Keeps updated_at current on every update.
create function touch_updated_at() returns trigger
language plpgsql
as $$
begin
    new.updated_at := now();
    return new;
end;
$$;

create type unit_kind as enum ('city_office', 'department', 'district', 'division', 'commune');
create type user_role as enum ('admin', 'city_reviewer', 'unit_head', 'officer', 'viewer');
create type source_kind as enum (
    'review_conference', 'mid_term_review', 'inspection', 'state_audit', 'supervision', 'other'
);
create type task_status as enum (
    'not_started', 'in_progress', 'pending_confirmation', 'done', 'needs_direction'
);
create type task_update_kind as enum (
    'created', 'progress', 'confirmed', 'returned', 'contribution', 'assignment', 'deadline_changed'
);
create type extension_status as enum ('pending', 'approved', 'rejected');
create type escalation_status as enum ('open', 'answered');
create type recovery_kind as enum (
    'money', 'land', 'house', 'asset', 'collective_handling', 'individual_handling', 'other'
);
create type money_recovery_kind as enum ('increase_revenue', 'reduce_expenditure', 'other_financial');
create type report_period as enum ('month', 'quarter', 'half_year', 'year');
create type report_status as enum ('draft', 'submitted', 'returned', 'accepted');
create type notification_kind as enum (
    'assigned', 'overdue', 'due_soon', 'stale', 'returned', 'confirmed', 'extension_decided',
    'escalation_answered', 'reminder', 'report_due', 'report_late'
);
create type job_outcome as enum ('running', 'succeeded', 'failed');
-- Derived, never stored on a task: see task_timeliness() below and DESIGN.md §4.
create type timeliness as enum (
    'on_track', 'due_soon', 'overdue', 'no_deadline', 'done_on_time', 'done_late'
);

-- Small key/value facts about this database (e.g. when demo data was loaded).
create table app_meta (
    key        text primary key,
    value      text not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

create table units (
    id         bigint generated always as identity,
    code       text not null,
    name       text not null,
    short_name text not null,
    kind       unit_kind not null,
    parent_id  bigint,
    active     boolean not null default true,
    sort_order integer not null default 0,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint units_pkey primary key (id),
    constraint units_parent_fkey foreign key (parent_id) references units (id),
    constraint units_not_own_parent check (parent_id is null or parent_id <> id),
    constraint units_code_format check (code ~ '^[A-Z0-9][A-Z0-9_.-]{0,31}$'),
    constraint units_name_present check (btrim(name) <> '' and btrim(short_name) <> '')
);
create unique index units_code_key on units (lower(code));
create index units_parent_idx on units (parent_id);

create table users (
    id                   bigint generated always as identity,
    username             text not null,
    full_name            text not null,
    title                text not null default '',
    email                text,
    phone                text,
    unit_id              bigint not null,
    role                 user_role not null,
    active               boolean not null default true,
    password_hash        text not null,
    must_change_password boolean not null default false,
    failed_logins        integer not null default 0,
    locked_until         timestamptz,
    password_changed_at  timestamptz not null default now(),
    last_login_at        timestamptz,
    email_digest         boolean not null default false,
    language             text,
    created_at           timestamptz not null default now(),
    updated_at           timestamptz not null default now(),
    constraint users_pkey primary key (id),
    constraint users_unit_fkey foreign key (unit_id) references units (id),
    constraint users_username_format check (username ~ '^[a-z0-9][a-z0-9._-]{1,63}$'),
    constraint users_failed_logins_nonnegative check (failed_logins >= 0),
    constraint users_language_known check (language is null or language in ('vi', 'en'))
);
create unique index users_username_key on users (lower(username));
create index users_unit_idx on users (unit_id, role);

-- Which notification kinds a user also wants by email (absent row = in the portal only).
create table notification_preferences (
    user_id    bigint not null,
    kind       notification_kind not null,
    email      boolean not null default false,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint notification_preferences_pkey primary key (user_id, kind),
    constraint notification_preferences_user_fkey foreign key (user_id) references users (id) on delete cascade
);

create table sessions (
    id           text not null,            -- SHA-256 of the cookie value, never the value itself
    user_id      bigint not null,
    csrf_token   text not null,
    ip           inet,
    user_agent   text,
    created_at   timestamptz not null default now(),
    last_seen_at timestamptz not null default now(),
    expires_at   timestamptz not null,
    updated_at   timestamptz not null default now(),
    constraint sessions_pkey primary key (id),
    constraint sessions_user_fkey foreign key (user_id) references users (id) on delete cascade
);
create index sessions_user_idx on sessions (user_id);
create index sessions_expires_idx on sessions (expires_at);

create table fields (
    id         bigint generated always as identity,
    code       text not null,
    name_vi    text not null,
    name_en    text not null,
    sort_order integer not null default 0,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint fields_pkey primary key (id),
    constraint fields_code_key unique (code)
);

create table sources (
    id            bigint generated always as identity,
    kind          source_kind not null,
    doc_number    text,
    doc_date      date,
    issuing_body  text not null,
    title         text not null,
    summary       text not null default '',
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    constraint sources_pkey primary key (id),
    constraint sources_title_present check (btrim(title) <> '')
);
create unique index sources_doc_number_key on sources (lower(doc_number)) where doc_number is not null;

create table shortcomings (
    id              bigint generated always as identity,
    code            text not null,
    title           text not null,
    description     text not null default '',
    field_id        bigint not null,
    lead_unit_id    bigint not null,
    year_identified smallint not null,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    search_text     text generated always as (search_fold(code || ' ' || title || ' ' || description)) stored,
    constraint shortcomings_pkey primary key (id),
    constraint shortcomings_code_key unique (code),
    constraint shortcomings_field_fkey foreign key (field_id) references fields (id),
    constraint shortcomings_lead_unit_fkey foreign key (lead_unit_id) references units (id),
    constraint shortcomings_title_present check (btrim(title) <> ''),
    constraint shortcomings_year_range check (year_identified between 2000 and 2100)
);
create index shortcomings_field_idx on shortcomings (field_id);
create index shortcomings_search_idx on shortcomings using gin (search_text gin_trgm_ops);

create table shortcoming_sources (
    shortcoming_id bigint not null,
    source_id      bigint not null,
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now(),
    constraint shortcoming_sources_pkey primary key (shortcoming_id, source_id),
    constraint shortcoming_sources_shortcoming_fkey foreign key (shortcoming_id) references shortcomings (id) on delete cascade,
    constraint shortcoming_sources_source_fkey foreign key (source_id) references sources (id)
);
create index shortcoming_sources_source_idx on shortcoming_sources (source_id);

create table plans (
    id             bigint generated always as identity,
    unit_id        bigint not null,
    doc_number     text,
    title          text not null,
    issue_deadline date not null,
    issued_on      date,
    overdue        boolean not null default false,
    overdue_since  date,
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now(),
    constraint plans_pkey primary key (id),
    constraint plans_unit_fkey foreign key (unit_id) references units (id),
    constraint plans_title_present check (btrim(title) <> ''),
    constraint plans_issued_has_number check (issued_on is null or doc_number is not null),
    constraint plans_overdue_since_consistent check (overdue = (overdue_since is not null))
);
create index plans_unit_idx on plans (unit_id);
create index plans_open_deadline_idx on plans (issue_deadline) where issued_on is null;

create table plan_shortcomings (
    plan_id        bigint not null,
    shortcoming_id bigint not null,
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now(),
    constraint plan_shortcomings_pkey primary key (plan_id, shortcoming_id),
    constraint plan_shortcomings_plan_fkey foreign key (plan_id) references plans (id) on delete cascade,
    constraint plan_shortcomings_shortcoming_fkey foreign key (shortcoming_id) references shortcomings (id)
);
create index plan_shortcomings_shortcoming_idx on plan_shortcomings (shortcoming_id);

create table tasks (
    id                  bigint generated always as identity,
    code                text not null,
    shortcoming_id      bigint not null,
    plan_id             bigint,
    title               text not null,
    description         text not null default '',
    expected_result     text not null default '',
    lead_unit_id        bigint not null,
    leader_in_charge    text not null default '',
    original_deadline   date,
    deadline            date,
    status              task_status not null default 'not_started',
    percent_complete    smallint not null default 0,
    completed_on        date,
    overdue             boolean not null default false,
    overdue_since       date,
    stale               boolean not null default false,
    marked_for_briefing boolean not null default false,
    reminder_count      integer not null default 0,
    last_update_at      timestamptz not null default now(),
    row_version         integer not null default 1,
    created_by          bigint,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    search_text         text generated always as (search_fold(code || ' ' || title || ' ' || description)) stored,
    constraint tasks_pkey primary key (id),
    constraint tasks_code_key unique (code),
    constraint tasks_shortcoming_fkey foreign key (shortcoming_id) references shortcomings (id),
    constraint tasks_plan_fkey foreign key (plan_id) references plans (id),
    constraint tasks_lead_unit_fkey foreign key (lead_unit_id) references units (id),
    constraint tasks_created_by_fkey foreign key (created_by) references users (id),
    constraint tasks_title_present check (btrim(title) <> ''),
    constraint tasks_percent_range check (percent_complete between 0 and 100),
    constraint tasks_done_has_date check ((status = 'done') = (completed_on is not null)),
    constraint tasks_done_is_complete check (status <> 'done' or percent_complete = 100),
    constraint tasks_deadlines_together check ((original_deadline is null) = (deadline is null)),
    constraint tasks_overdue_since_consistent check (overdue = (overdue_since is not null)),
    constraint tasks_overdue_not_done check (not (overdue and status = 'done')),
    constraint tasks_reminder_count_nonnegative check (reminder_count >= 0)
);
create index tasks_lead_unit_idx on tasks (lead_unit_id, status);
create index tasks_shortcoming_idx on tasks (shortcoming_id, lead_unit_id);
create index tasks_plan_idx on tasks (plan_id);
create index tasks_open_deadline_idx on tasks (deadline, id) where status <> 'done';
create index tasks_overdue_idx on tasks (lead_unit_id, deadline) where overdue;
create index tasks_list_order_idx on tasks (deadline nulls last, id);
create index tasks_search_idx on tasks using gin (search_text gin_trgm_ops);

-- The one definition of a task's timeliness (DESIGN.md §4). "Overdue" is the flag the overdue
-- scan records, so pages and counts agree with the job on every task; a done task is judged
-- against its current deadline.
create function task_timeliness(
    status task_status, deadline date, completed_on date, overdue boolean, today date,
    due_soon_days integer
) returns timeliness
language sql immutable parallel safe
as $$
    select (case
        when status = 'done' then
            case when deadline is null or completed_on <= deadline then 'done_on_time' else 'done_late' end
        when overdue then 'overdue'
        when deadline is null then 'no_deadline'
        when deadline - today <= due_soon_days then 'due_soon'
        else 'on_track'
    end)::timeliness
$$;

-- Coordinating units of a task, each with its own role text.
create table task_coordinators (
    task_id    bigint not null,
    unit_id    bigint not null,
    role_text  text not null default '',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint task_coordinators_pkey primary key (task_id, unit_id),
    constraint task_coordinators_task_fkey foreign key (task_id) references tasks (id) on delete cascade,
    constraint task_coordinators_unit_fkey foreign key (unit_id) references units (id)
);
create index task_coordinators_unit_idx on task_coordinators (unit_id);

-- A coordinating unit can never be the task's lead unit; checked on both sides.
create function task_coordinator_not_lead() returns trigger
language plpgsql
as $$
begin
    if tg_table_name = 'task_coordinators' then
        if exists (select 1 from tasks where id = new.task_id and lead_unit_id = new.unit_id) then
            raise exception 'a coordinating unit cannot be the lead unit'
                using errcode = 'check_violation', constraint = 'task_coordinators_not_lead';
        end if;
    elsif exists (select 1 from task_coordinators where task_id = new.id and unit_id = new.lead_unit_id) then
        raise exception 'a coordinating unit cannot be the lead unit'
            using errcode = 'check_violation', constraint = 'task_coordinators_not_lead';
    end if;
    return new;
end;
$$;
create trigger task_coordinators_not_lead before insert or update on task_coordinators
    for each row execute function task_coordinator_not_lead();
create trigger tasks_lead_not_coordinator before update of lead_unit_id on tasks
    for each row execute function task_coordinator_not_lead();

-- Officers who follow a task (cán bộ theo dõi).
create table task_assignees (
    task_id     bigint not null,
    user_id     bigint not null,
    assigned_by bigint,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    constraint task_assignees_pkey primary key (task_id, user_id),
    constraint task_assignees_task_fkey foreign key (task_id) references tasks (id) on delete cascade,
    constraint task_assignees_user_fkey foreign key (user_id) references users (id),
    constraint task_assignees_assigned_by_fkey foreign key (assigned_by) references users (id)
);
create index task_assignees_user_idx on task_assignees (user_id);

-- The task's history. Append-only: a correction is a new row.
create table task_updates (
    id             bigint generated always as identity,
    task_id        bigint not null,
    unit_id        bigint not null,
    author_id      bigint,
    kind           task_update_kind not null,
    status_before  task_status,
    status_after   task_status,
    percent        smallint,
    note           text not null default '',
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now(),
    constraint task_updates_pkey primary key (id),
    constraint task_updates_task_fkey foreign key (task_id) references tasks (id) on delete cascade,
    constraint task_updates_unit_fkey foreign key (unit_id) references units (id),
    constraint task_updates_author_fkey foreign key (author_id) references users (id),
    constraint task_updates_percent_range check (percent is null or percent between 0 and 100)
);
create index task_updates_task_idx on task_updates (task_id, created_at desc);
create trigger task_updates_append_only before update on task_updates
    for each row execute function reject_change();

create table extension_requests (
    id                  bigint generated always as identity,
    task_id             bigint not null,
    requested_by        bigint not null,
    deadline_before     date not null,
    proposed_deadline   date not null,
    reason              text not null,
    doc_number          text,
    status              extension_status not null default 'pending',
    decided_by          bigint,
    decided_at          timestamptz,
    decision_note       text not null default '',
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    constraint extension_requests_pkey primary key (id),
    constraint extension_requests_task_fkey foreign key (task_id) references tasks (id) on delete cascade,
    constraint extension_requests_requested_by_fkey foreign key (requested_by) references users (id),
    constraint extension_requests_decided_by_fkey foreign key (decided_by) references users (id),
    constraint extension_requests_reason_present check (btrim(reason) <> ''),
    constraint extension_requests_later_deadline check (proposed_deadline > deadline_before),
    constraint extension_requests_decision_consistent check ((status = 'pending') = (decided_at is null))
);
create unique index extension_requests_one_pending on extension_requests (task_id) where status = 'pending';
create index extension_requests_task_idx on extension_requests (task_id, created_at);

create table escalations (
    id           bigint generated always as identity,
    task_id      bigint not null,
    raised_by    bigint not null,
    question     text not null,
    status       escalation_status not null default 'open',
    response     text,
    responded_by bigint,
    responded_at timestamptz,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    constraint escalations_pkey primary key (id),
    constraint escalations_task_fkey foreign key (task_id) references tasks (id) on delete cascade,
    constraint escalations_raised_by_fkey foreign key (raised_by) references users (id),
    constraint escalations_responded_by_fkey foreign key (responded_by) references users (id),
    constraint escalations_question_present check (btrim(question) <> ''),
    constraint escalations_answer_consistent check ((status = 'answered') = (responded_at is not null))
);
create index escalations_task_idx on escalations (task_id, created_at);
create index escalations_open_idx on escalations (created_at) where status = 'open';

-- Formal reminders (đôn đốc), about a task or a unit as a whole.
create table reminders (
    id         bigint generated always as identity,
    task_id    bigint,
    unit_id    bigint,
    sent_by    bigint not null,
    doc_number text,
    message    text not null default '',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint reminders_pkey primary key (id),
    constraint reminders_task_fkey foreign key (task_id) references tasks (id) on delete cascade,
    constraint reminders_unit_fkey foreign key (unit_id) references units (id),
    constraint reminders_sent_by_fkey foreign key (sent_by) references users (id),
    constraint reminders_has_subject check (task_id is not null or unit_id is not null)
);
create index reminders_task_idx on reminders (task_id, created_at);

-- What an inspection or audit asks to be recovered or handled.
create table recovery_items (
    id             bigint generated always as identity,
    source_id      bigint not null,
    unit_id        bigint not null,
    task_id        bigint,
    kind           recovery_kind not null,
    money_kind     money_recovery_kind,
    description    text not null,
    target_vnd     bigint,
    target_m2      numeric(14, 2),
    target_count   integer,
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now(),
    constraint recovery_items_pkey primary key (id),
    constraint recovery_items_source_fkey foreign key (source_id) references sources (id),
    constraint recovery_items_unit_fkey foreign key (unit_id) references units (id),
    constraint recovery_items_task_fkey foreign key (task_id) references tasks (id),
    constraint recovery_items_target_matches_kind check (
        case kind
            when 'money' then target_vnd is not null and target_m2 is null and target_count is null
            when 'land' then target_m2 is not null and target_vnd is null and target_count is null
            else target_count is not null and target_vnd is null and target_m2 is null
        end),
    constraint recovery_items_money_kind check ((kind = 'money') = (money_kind is not null)),
    constraint recovery_items_targets_nonnegative check (
        coalesce(target_vnd, 0) >= 0 and coalesce(target_m2, 0) >= 0 and coalesce(target_count, 0) >= 0)
);
create index recovery_items_source_idx on recovery_items (source_id);
create index recovery_items_unit_idx on recovery_items (unit_id);

create table recovery_entries (
    id               bigint generated always as identity,
    recovery_item_id bigint not null,
    recorded_by      bigint,
    entry_date       date not null,
    amount_vnd       bigint,
    amount_m2        numeric(14, 2),
    amount_count     integer,
    note             text not null default '',
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    constraint recovery_entries_pkey primary key (id),
    constraint recovery_entries_item_fkey foreign key (recovery_item_id) references recovery_items (id) on delete cascade,
    constraint recovery_entries_recorded_by_fkey foreign key (recorded_by) references users (id),
    constraint recovery_entries_one_amount check (num_nonnulls(amount_vnd, amount_m2, amount_count) = 1)
);
create index recovery_entries_item_idx on recovery_entries (recovery_item_id, entry_date);

create table reports (
    id            bigint generated always as identity,
    unit_id       bigint not null,
    period        report_period not null,
    period_year   smallint not null,
    period_number smallint not null,
    cutoff_start  date not null,
    cutoff_end    date not null,
    due_on        date not null,
    status        report_status not null default 'draft',
    narrative     jsonb not null default '{}'::jsonb,
    figures       jsonb,
    submitted_by  bigint,
    submitted_at  timestamptz,
    decided_by    bigint,
    decided_at    timestamptz,
    decision_note text not null default '',
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    constraint reports_pkey primary key (id),
    constraint reports_unit_fkey foreign key (unit_id) references units (id),
    constraint reports_submitted_by_fkey foreign key (submitted_by) references users (id),
    constraint reports_decided_by_fkey foreign key (decided_by) references users (id),
    constraint reports_unit_period_key unique (unit_id, period, period_year, period_number),
    constraint reports_cutoff_order check (cutoff_start <= cutoff_end and cutoff_end < due_on),
    constraint reports_submitted_frozen check (status = 'draft' or (figures is not null and submitted_at is not null))
);
create index reports_period_idx on reports (period, period_year, period_number, status);

-- Files: evidence, source documents, plans, extension documents. Stored in PostgreSQL so every
-- instance sees them and a database backup includes them. Exactly one owner per file.
create table attachments (
    id                   bigint generated always as identity,
    file_name            text not null,
    content_type         text not null,
    size_bytes           bigint not null,
    sha256               bytea not null,
    content              bytea not null,
    uploaded_by          bigint,
    task_update_id       bigint,
    source_id            bigint,
    plan_id              bigint,
    extension_request_id bigint,
    recovery_entry_id    bigint,
    report_id            bigint,
    created_at           timestamptz not null default now(),
    updated_at           timestamptz not null default now(),
    constraint attachments_pkey primary key (id),
    constraint attachments_uploaded_by_fkey foreign key (uploaded_by) references users (id),
    constraint attachments_task_update_fkey foreign key (task_update_id) references task_updates (id) on delete cascade,
    constraint attachments_source_fkey foreign key (source_id) references sources (id) on delete cascade,
    constraint attachments_plan_fkey foreign key (plan_id) references plans (id) on delete cascade,
    constraint attachments_extension_request_fkey foreign key (extension_request_id) references extension_requests (id) on delete cascade,
    constraint attachments_recovery_entry_fkey foreign key (recovery_entry_id) references recovery_entries (id) on delete cascade,
    constraint attachments_report_fkey foreign key (report_id) references reports (id) on delete cascade,
    constraint attachments_one_owner check (
        num_nonnulls(task_update_id, source_id, plan_id, extension_request_id, recovery_entry_id, report_id) = 1),
    constraint attachments_size_matches check (size_bytes = octet_length(content)),
    constraint attachments_file_name_present check (btrim(file_name) <> '')
);
create index attachments_task_update_idx on attachments (task_update_id) where task_update_id is not null;
create index attachments_source_idx on attachments (source_id) where source_id is not null;
create index attachments_plan_idx on attachments (plan_id) where plan_id is not null;
create index attachments_extension_request_idx on attachments (extension_request_id) where extension_request_id is not null;
create index attachments_recovery_entry_idx on attachments (recovery_entry_id) where recovery_entry_id is not null;
create index attachments_report_idx on attachments (report_id) where report_id is not null;

-- In-portal notifications. The text is rendered in the reader's language from kind + params.
create table notifications (
    id                   bigint generated always as identity,
    user_id              bigint not null,
    kind                 notification_kind not null,
    task_id              bigint,
    report_id            bigint,
    extension_request_id bigint,
    params               jsonb not null default '{}'::jsonb,
    read_at              timestamptz,
    created_at           timestamptz not null default now(),
    updated_at           timestamptz not null default now(),
    constraint notifications_pkey primary key (id),
    constraint notifications_user_fkey foreign key (user_id) references users (id) on delete cascade,
    constraint notifications_task_fkey foreign key (task_id) references tasks (id) on delete cascade,
    constraint notifications_report_fkey foreign key (report_id) references reports (id) on delete cascade,
    constraint notifications_extension_request_fkey foreign key (extension_request_id) references extension_requests (id) on delete cascade
);
create index notifications_user_idx on notifications (user_id, created_at desc);
create index notifications_unread_idx on notifications (user_id) where read_at is null;

-- Outgoing email, written in the same transaction as its notification and sent after commit.
create table email_outbox (
    id              bigint generated always as identity,
    notification_id bigint,
    to_address      text not null,
    subject         text not null,
    body            text not null,
    attempts        integer not null default 0,
    next_attempt_at timestamptz not null default now(),
    sent_at         timestamptz,
    last_error      text,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    constraint email_outbox_pkey primary key (id),
    constraint email_outbox_notification_fkey foreign key (notification_id) references notifications (id) on delete set null
);
create index email_outbox_pending_idx on email_outbox (next_attempt_at) where sent_at is null;

-- Who did what, when. Append-only, written in the same transaction as the change it records.
create table audit_log (
    id          bigint generated always as identity,
    occurred_at timestamptz not null default now(),
    actor_id    bigint,
    action      text not null,
    entity      text not null,
    entity_id   text,
    unit_id     bigint,
    before      jsonb,
    after       jsonb,
    request_id  text,
    ip          inet,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    constraint audit_log_pkey primary key (id),
    constraint audit_log_actor_fkey foreign key (actor_id) references users (id),
    constraint audit_log_action_present check (btrim(action) <> '')
);
create index audit_log_entity_idx on audit_log (entity, entity_id, occurred_at);
create index audit_log_occurred_idx on audit_log (occurred_at desc);
create index audit_log_unit_idx on audit_log (unit_id, occurred_at desc) where unit_id is not null;
create trigger audit_log_append_only before update or delete on audit_log
    for each row execute function reject_change();
create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function reject_change();

create table job_runs (
    id          bigint generated always as identity,
    job         text not null,
    instance    text not null default '',
    as_of       timestamptz not null,
    started_at  timestamptz not null default now(),
    finished_at timestamptz,
    outcome     job_outcome not null default 'running',
    counts      jsonb not null default '{}'::jsonb,
    error       text,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    constraint job_runs_pkey primary key (id),
    constraint job_runs_finished_consistent check ((outcome = 'running') = (finished_at is null))
);
create index job_runs_job_idx on job_runs (job, started_at desc);

-- updated_at on every table.
do $$
declare
    t text;
begin
    foreach t in array array[
        'app_meta', 'units', 'users', 'notification_preferences', 'sessions', 'fields', 'sources',
        'shortcomings', 'shortcoming_sources', 'plans', 'plan_shortcomings', 'tasks',
        'task_coordinators', 'task_assignees', 'extension_requests', 'escalations', 'reminders',
        'recovery_items', 'recovery_entries', 'reports', 'attachments', 'notifications',
        'email_outbox', 'job_runs']
    loop
        execute format('create trigger %I before update on %I for each row execute function touch_updated_at()',
                       t || '_touch_updated_at', t);
    end loop;
end;
$$;
