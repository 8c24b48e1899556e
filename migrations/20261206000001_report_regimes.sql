-- Report regimes (chế độ báo cáo): which periodic report the City asks for, of which units, on
-- which dates; and the working-day calendar their due dates are counted on. See
-- docs/reports.md.

-- The days off (public holidays and the days off given in their place) and the make-up working
-- days the administrator lists, as the Government announces them each year. Weekends are
-- implied.
create type calendar_day_kind as enum ('day_off', 'working_day');

create table calendar_days (
    day        date not null,
    kind       calendar_day_kind not null,
    name       text not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint calendar_days_pkey primary key (day),
    constraint calendar_days_name_present check (btrim(name) <> ''),
    constraint calendar_days_name_length check (char_length(name) <= 200)
);
create trigger calendar_days_touch_updated_at before update on calendar_days
    for each row execute function touch_updated_at();

-- Who owes a regime's reports: every unit that leads a task (and coordinates one, when the
-- regime says so), or the units chosen for it.
create type report_owners as enum ('task_units', 'chosen_units');

create table report_regimes (
    id                  bigint generated always as identity,
    name                text not null,
    period              report_period not null,
    -- The day of the period's last month its figures are closed on (31: the month's end).
    cutoff_day          smallint not null default 14,
    -- The report is due this many working days after the cut-off.
    due_working_days    smallint not null default 1,
    owed_by             report_owners not null default 'task_units',
    coordinators_report boolean not null default false,
    -- Reports are opened for the periods that end on or after this day.
    first_period_start  date not null,
    active              boolean not null default true,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    constraint report_regimes_pkey primary key (id),
    constraint report_regimes_name_key unique (name),
    constraint report_regimes_name_present check (btrim(name) <> ''),
    constraint report_regimes_name_length check (char_length(name) <= 200),
    constraint report_regimes_cutoff_day_range check (cutoff_day between 1 and 31),
    constraint report_regimes_due_working_days_range check (due_working_days between 1 and 60)
);
create trigger report_regimes_touch_updated_at before update on report_regimes
    for each row execute function touch_updated_at();

create table report_regime_units (
    regime_id  bigint not null,
    unit_id    bigint not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint report_regime_units_pkey primary key (regime_id, unit_id),
    constraint report_regime_units_regime_fkey foreign key (regime_id) references report_regimes (id) on delete cascade,
    constraint report_regime_units_unit_fkey foreign key (unit_id) references units (id)
);
create index report_regime_units_unit_idx on report_regime_units (unit_id);
create trigger report_regime_units_touch_updated_at before update on report_regime_units
    for each row execute function touch_updated_at();

-- Every report belongs to a regime: one report per regime, unit and period. Reports written
-- before regimes existed get one regime per period kind.
alter table reports add column regime_id bigint;
insert into report_regimes (name, period, first_period_start)
    select 'Báo cáo định kỳ (' || period::text || ')', period, min(cutoff_start)
    from reports group by period;
update reports r set regime_id = g.id
    from report_regimes g where g.period = r.period and r.regime_id is null;
alter table reports alter column regime_id set not null;
alter table reports add constraint reports_regime_fkey
    foreign key (regime_id) references report_regimes (id);
alter table reports drop constraint reports_unit_period_key;
alter table reports add constraint reports_regime_unit_period_key
    unique (regime_id, unit_id, period_year, period_number);
create index reports_unit_idx on reports (unit_id, period_year desc, period_number desc);
