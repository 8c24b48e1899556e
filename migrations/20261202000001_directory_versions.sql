-- The directory: the units, accounts, fields, shortcomings and plans whose names every page shows. The
-- portal keeps them in memory and reads only ids from the pages' statements; each kind has a
-- version here, raised by the statement that changes what the portal keeps, in the same
-- transaction. The session's statement reads the versions on every page, so a page is never
-- rendered with names older than what was committed when it was asked for.
create table directory_versions (
    kind       text not null,
    version    bigint not null default 0,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint directory_versions_pkey primary key (kind),
    constraint directory_versions_kind_known
        check (kind in ('fields', 'plans', 'shortcomings', 'units', 'users'))
);
insert into directory_versions (kind)
    values ('fields'), ('plans'), ('shortcomings'), ('units'), ('users');

create trigger directory_versions_touch_updated_at before update on directory_versions
    for each row execute function touch_updated_at();

-- Raises the version of the kind named by the trigger's argument (once per statement).
create function bump_directory_version() returns trigger
language plpgsql as $$
begin
    update directory_versions set version = version + 1 where kind = tg_argv[0];
    return null;
end
$$;

-- Only the columns the portal keeps: a sign-in (which counts failures and records the time) or
-- a plan's overdue mark does not make every server reload.
create trigger units_directory_version
    after insert or delete or update of name, short_name, parent_id, sort_order, active on units
    for each statement execute function bump_directory_version('units');
create trigger units_directory_version_truncate after truncate on units
    for each statement execute function bump_directory_version('units');

create trigger users_directory_version
    after insert or delete or update of full_name, title, unit_id, role, active on users
    for each statement execute function bump_directory_version('users');
create trigger users_directory_version_truncate after truncate on users
    for each statement execute function bump_directory_version('users');

create trigger shortcomings_directory_version
    after insert or delete or update of code, title on shortcomings
    for each statement execute function bump_directory_version('shortcomings');
create trigger shortcomings_directory_version_truncate after truncate on shortcomings
    for each statement execute function bump_directory_version('shortcomings');

create trigger plans_directory_version
    after insert or delete or update of doc_number, title on plans
    for each statement execute function bump_directory_version('plans');
create trigger plans_directory_version_truncate after truncate on plans
    for each statement execute function bump_directory_version('plans');

create trigger fields_directory_version
    after insert or delete or update of code, name_vi, name_en, sort_order on fields
    for each statement execute function bump_directory_version('fields');
create trigger fields_directory_version_truncate after truncate on fields
    for each statement execute function bump_directory_version('fields');
