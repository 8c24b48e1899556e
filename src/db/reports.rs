//! Report regimes and the periodic reports they open.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::types::Json;
use sqlx::{FromRow, PgConnection, PgExecutor};

use crate::domain::periods::{CutoffDay, Period, PeriodDates, PeriodKind};
use crate::domain::reports::{
    AnnexRow, ClassCounts, Figures, Narrative, ReportOwners, ReportStatus, Schedule,
    ShortcomingCounts,
};
use crate::domain::{RegimeId, ReportId, UnitId, UnitKind, UserId};

/// A report regime as saved.
#[derive(Debug, Clone, FromRow)]
pub struct RegimeRow {
    pub id: RegimeId,
    pub name: String,
    pub period: PeriodKind,
    pub cutoff_day: i16,
    pub due_working_days: i16,
    pub owed_by: ReportOwners,
    pub coordinators_report: bool,
    pub first_period_start: NaiveDate,
    pub active: bool,
}

impl RegimeRow {
    /// Its values, with the units chosen for it.
    pub fn values(&self, units: Vec<UnitId>) -> RegimeValues {
        RegimeValues {
            name: self.name.clone(),
            period: self.period,
            cutoff_day: self.cutoff_day as u32,
            due_working_days: self.due_working_days as u32,
            owed_by: self.owed_by,
            coordinators_report: self.coordinators_report,
            first_period_start: self.first_period_start,
            active: self.active,
            units,
        }
    }

    /// When its reports fall due.
    pub fn schedule(&self) -> Schedule {
        Schedule {
            kind: self.period,
            cutoff: CutoffDay::new(self.cutoff_day as u32).unwrap_or(CutoffDay::DEFAULT),
            due_working_days: self.due_working_days as u32,
            first_period_start: self.first_period_start,
        }
    }
}

const REGIME_COLUMNS: &str = "id, name, period, cutoff_day, due_working_days, owed_by,
                              coordinators_report, first_period_start, active";

/// The regimes whose reports are being opened.
pub async fn active_regimes(executor: impl PgExecutor<'_>) -> Result<Vec<RegimeRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "select {REGIME_COLUMNS} from report_regimes where active order by id"
    ))
    .fetch_all(executor)
    .await
}

/// A regime's values, as saved.
#[derive(Debug, Clone, Serialize)]
pub struct RegimeValues {
    pub name: String,
    pub period: PeriodKind,
    pub cutoff_day: u32,
    pub due_working_days: u32,
    pub owed_by: ReportOwners,
    pub coordinators_report: bool,
    pub first_period_start: NaiveDate,
    pub active: bool,
    /// The units that owe it, when they are chosen.
    pub units: Vec<UnitId>,
}

pub async fn insert_regime(
    conn: &mut PgConnection,
    v: &RegimeValues,
) -> Result<RegimeId, sqlx::Error> {
    let id = sqlx::query_scalar(
        "insert into report_regimes (name, period, cutoff_day, due_working_days, owed_by,
                                     coordinators_report, first_period_start, active)
         values ($1, $2, $3, $4, $5, $6, $7, $8) returning id",
    )
    .bind(&v.name)
    .bind(v.period)
    .bind(v.cutoff_day as i16)
    .bind(v.due_working_days as i16)
    .bind(v.owed_by)
    .bind(v.coordinators_report)
    .bind(v.first_period_start)
    .bind(v.active)
    .fetch_one(&mut *conn)
    .await?;
    choose_units(conn, id, &v.units).await?;
    Ok(id)
}

pub async fn update_regime(
    conn: &mut PgConnection,
    id: RegimeId,
    v: &RegimeValues,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update report_regimes set name = $2, period = $3, cutoff_day = $4,
                due_working_days = $5, owed_by = $6, coordinators_report = $7,
                first_period_start = $8, active = $9
         where id = $1",
    )
    .bind(id)
    .bind(&v.name)
    .bind(v.period)
    .bind(v.cutoff_day as i16)
    .bind(v.due_working_days as i16)
    .bind(v.owed_by)
    .bind(v.coordinators_report)
    .bind(v.first_period_start)
    .bind(v.active)
    .execute(&mut *conn)
    .await?;
    sqlx::query("delete from report_regime_units where regime_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    choose_units(conn, id, &v.units).await
}

/// The regime `id` as saved, with its chosen units.
pub async fn regime(
    conn: &mut PgConnection,
    id: RegimeId,
) -> Result<Option<(RegimeRow, Vec<UnitId>)>, sqlx::Error> {
    let row: Option<RegimeRow> = sqlx::query_as(&format!(
        "select {REGIME_COLUMNS} from report_regimes where id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let units = sqlx::query_scalar(
        "select unit_id from report_regime_units where regime_id = $1 order by unit_id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(Some((row, units)))
}

/// Chooses `units` to owe the reports of `regime` (with [`ReportOwners::ChosenUnits`]).
pub async fn choose_units(
    executor: impl PgExecutor<'_>,
    regime: RegimeId,
    units: &[UnitId],
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into report_regime_units (regime_id, unit_id)
         select $1, unnest($2::bigint[]) on conflict do nothing",
    )
    .bind(regime)
    .bind(units.iter().map(|u| u.0).collect::<Vec<i64>>())
    .execute(executor)
    .await?;
    Ok(())
}

/// Opens the reports of `regime` for `period` (its dates `dates`): one per active unit that
/// owes it and has none yet. The unique key makes a second run, or another instance's run at
/// the same time, open nothing more. A unit leading a task owes it when the task was created
/// by the cut-off and not done before the period began. How many were opened.
pub async fn open_reports(
    executor: impl PgExecutor<'_>,
    regime: &RegimeRow,
    period: Period,
    dates: PeriodDates,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "with active_tasks as (
             select t.id, t.lead_unit_id from tasks t
             where t.created_at::date <= $6 and (t.completed_on is null or t.completed_on >= $5)
         ), owing as (
             select unit_id from report_regime_units
             where regime_id = $1 and $8 = 'chosen_units'::report_owners
             union
             select lead_unit_id from active_tasks where $8 = 'task_units'::report_owners
             union
             select c.unit_id from task_coordinators c join active_tasks t on t.id = c.task_id
             where $8 = 'task_units'::report_owners and $9
         )
         insert into reports (regime_id, unit_id, period, period_year, period_number,
                              cutoff_start, cutoff_end, due_on)
         select $1, u.id, $2, $3, $4, $5, $6, $7
         from units u join owing o on o.unit_id = u.id
         where u.active
         order by u.id
         on conflict (regime_id, unit_id, period_year, period_number) do nothing",
    )
    .bind(regime.id)
    .bind(period.kind)
    .bind(period.year as i16)
    .bind(period.number as i16)
    .bind(dates.start)
    .bind(dates.end)
    .bind(dates.due)
    .bind(regime.owed_by)
    .bind(regime.coordinators_report)
    .execute(executor)
    .await?;
    Ok(done.rows_affected())
}

/// Which reports a list shows.
#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    /// The units the reader may see (`None`: every unit).
    pub units: Option<Vec<i64>>,
    pub unit: Option<UnitId>,
    pub regime: Option<RegimeId>,
    pub period: Option<Period>,
    pub status: Option<ReportStatus>,
}

/// A report as lists show it.
#[derive(Debug, Clone, FromRow)]
pub struct ReportListRow {
    pub id: ReportId,
    pub regime_name: String,
    pub unit_id: UnitId,
    pub unit_name: String,
    pub period: PeriodKind,
    pub period_year: i16,
    pub period_number: i16,
    pub cutoff_start: NaiveDate,
    pub cutoff_end: NaiveDate,
    pub due_on: NaiveDate,
    pub status: ReportStatus,
    /// The day it was submitted, in the City's time zone.
    pub submitted_on: Option<NaiveDate>,
}

impl ReportListRow {
    pub fn period(&self) -> Period {
        Period {
            kind: self.period,
            year: self.period_year.into(),
            number: self.period_number as u32,
        }
    }
}

/// One page of the reports `filter` asks for (the latest periods first, then by unit), and
/// the number of all of them. `tz`: the City's time zone, for the submission day.
pub async fn list(
    executor: impl PgExecutor<'_> + Copy,
    filter: &ReportFilter,
    tz: &str,
    limit: i64,
    offset: i64,
) -> Result<(Vec<ReportListRow>, i64), sqlx::Error> {
    let condition = "($1::bigint[] is null or r.unit_id = any($1))
                     and ($2::bigint is null or r.unit_id = $2)
                     and ($3::bigint is null or r.regime_id = $3)
                     and ($4::report_period is null
                          or (r.period = $4 and r.period_year = $5 and r.period_number = $6))
                     and ($7::report_status is null or r.status = $7)";
    let period = filter.period;
    let rows = sqlx::query_as(&format!(
        "select r.id, g.name as regime_name, r.unit_id, u.short_name as unit_name, r.period,
                r.period_year, r.period_number, r.cutoff_start, r.cutoff_end, r.due_on, r.status,
                (r.submitted_at at time zone $8)::date as submitted_on
         from reports r join report_regimes g on g.id = r.regime_id join units u on u.id = r.unit_id
         where {condition}
         order by r.cutoff_end desc, g.id, u.sort_order, u.id
         limit $9 offset $10"
    ))
    .bind(filter.units.as_deref())
    .bind(filter.unit)
    .bind(filter.regime)
    .bind(period.map(|p| p.kind))
    .bind(period.map(|p| p.year as i16))
    .bind(period.map(|p| p.number as i16))
    .bind(filter.status)
    .bind(tz)
    .bind(limit)
    .bind(offset)
    .fetch_all(executor)
    .await?;
    let total = sqlx::query_scalar(&format!("select count(*) from reports r where {condition}"))
        .bind(filter.units.as_deref())
        .bind(filter.unit)
        .bind(filter.regime)
        .bind(period.map(|p| p.kind))
        .bind(period.map(|p| p.year as i16))
        .bind(period.map(|p| p.number as i16))
        .bind(filter.status)
        .fetch_one(executor)
        .await?;
    Ok((rows, total))
}

/// Every regime, for choosing among them.
pub async fn regimes(executor: impl PgExecutor<'_>) -> Result<Vec<RegimeRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "select {REGIME_COLUMNS} from report_regimes order by active desc, id"
    ))
    .fetch_all(executor)
    .await
}

/// A report as its page shows it.
#[derive(Debug, Clone, FromRow)]
pub struct ReportRow {
    pub id: ReportId,
    pub regime_id: RegimeId,
    pub regime_name: String,
    pub unit_id: UnitId,
    pub unit_name: String,
    pub unit_code: String,
    pub unit_kind: UnitKind,
    /// The name of the unit it belongs to (the body above it in the document's heading).
    pub parent_name: Option<String>,
    pub period: PeriodKind,
    pub period_year: i16,
    pub period_number: i16,
    pub cutoff_start: NaiveDate,
    pub cutoff_end: NaiveDate,
    pub due_on: NaiveDate,
    pub status: ReportStatus,
    pub narrative: Json<Narrative>,
    pub row_version: i32,
}

impl ReportRow {
    pub fn period(&self) -> Period {
        Period {
            kind: self.period,
            year: self.period_year.into(),
            number: self.period_number as u32,
        }
    }

    /// The day its figures are judged on: the cut-off, or `today` while the period runs.
    pub fn as_of(&self, today: NaiveDate) -> NaiveDate {
        self.cutoff_end.min(today)
    }
}

const REPORT_SELECT: &str = "select r.id, r.regime_id, g.name as regime_name, r.unit_id,
            u.name as unit_name, u.code as unit_code, u.kind as unit_kind, p.name as parent_name, r.period, r.period_year, r.period_number,
            r.cutoff_start, r.cutoff_end, r.due_on, r.status, r.narrative, r.row_version
     from reports r join report_regimes g on g.id = r.regime_id join units u on u.id = r.unit_id
          left join units p on p.id = u.parent_id";

pub async fn report(
    executor: impl PgExecutor<'_>,
    id: ReportId,
) -> Result<Option<ReportRow>, sqlx::Error> {
    sqlx::query_as(&format!("{REPORT_SELECT} where r.id = $1"))
        .bind(id)
        .fetch_optional(executor)
        .await
}

/// The report `id`, locked for the rest of the transaction.
pub async fn lock(conn: &mut PgConnection, id: ReportId) -> Result<Option<ReportRow>, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar("select id from reports where id = $1 for update")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    match found {
        Some(_) => report(conn, id).await,
        None => Ok(None),
    }
}

/// The tasks a report covers: led by `$1`, created by the cut-off (`$3`) and not done before
/// the period began (`$2`); `done_by` when done by the figures' day (`$4`), and the class each
/// stands in on that day.
const COVERED_TASKS: &str = "covered as (
         select t.*, (t.completed_on is not null and t.completed_on <= $4) as done_by,
                case when t.completed_on is not null and t.completed_on <= $4 then
                          case when t.deadline is null or t.completed_on <= t.deadline
                               then 'done_on_time' else 'done_late' end
                     when t.deadline is null then 'no_deadline'
                     when t.deadline < $4 then 'open_overdue'
                     else 'open_on_time' end as class
         from tasks t
         where t.created_at::date <= $3 and (t.completed_on is null or t.completed_on >= $2)
     )";

const CLASS_COUNTS: &str = "count(*) as total,
         count(*) filter (where class = 'done_on_time') as done_on_time,
         count(*) filter (where class = 'done_late') as done_late,
         count(*) filter (where class = 'open_on_time') as open_on_time,
         count(*) filter (where class = 'open_overdue') as open_overdue,
         count(*) filter (where class = 'no_deadline') as no_deadline,
         count(*) filter (where not done_by and status = 'needs_direction') as needs_direction,
         count(*) filter (where not done_by and stale) as not_updated";

#[derive(FromRow)]
struct ShortcomingCountsRow {
    code: String,
    title: String,
    field_code: String,
    field_name: String,
    #[sqlx(flatten)]
    counts: ClassCounts,
}

/// The figures of `unit`'s report for the period `start`–`end`, judged on `as_of`.
pub async fn figures(
    conn: &mut PgConnection,
    unit: UnitId,
    start: NaiveDate,
    end: NaiveDate,
    as_of: NaiveDate,
) -> Result<Figures, sqlx::Error> {
    let rows: Vec<ShortcomingCountsRow> = sqlx::query_as(&format!(
        "with {COVERED_TASKS}
         select s.code, s.title, f.code as field_code, f.name_vi as field_name, {CLASS_COUNTS}
         from covered t join shortcomings s on s.id = t.shortcoming_id
              join fields f on f.id = s.field_id
         where t.lead_unit_id = $1
         group by s.id, s.code, s.title, f.id, f.code, f.name_vi, f.sort_order
         order by f.sort_order, f.id, s.code"
    ))
    .bind(unit)
    .bind(start)
    .bind(end)
    .bind(as_of)
    .fetch_all(&mut *conn)
    .await?;
    let coordinated: ClassCounts = sqlx::query_as(&format!(
        "with {COVERED_TASKS}
         select {CLASS_COUNTS}
         from covered t
         where exists (select 1 from task_coordinators c where c.task_id = t.id and c.unit_id = $1)"
    ))
    .bind(unit)
    .bind(start)
    .bind(end)
    .bind(as_of)
    .fetch_one(&mut *conn)
    .await?;
    let by_shortcoming = rows
        .into_iter()
        .map(|row| ShortcomingCounts {
            code: row.code,
            title: row.title,
            field_code: row.field_code,
            field_name: row.field_name,
            counts: row.counts,
        })
        .collect();
    Ok(Figures::new(as_of, by_shortcoming, coordinated))
}

/// The annex of `unit`'s report: one row per task it leads in the period, as on `as_of`, in
/// the order of the shortcomings and the tasks' codes.
pub async fn annex(
    executor: impl PgExecutor<'_>,
    unit: UnitId,
    start: NaiveDate,
    end: NaiveDate,
    as_of: NaiveDate,
) -> Result<Vec<AnnexRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "with {COVERED_TASKS}
         select s.code || '. ' || s.title as shortcoming,
                coalesce((select string_agg(coalesce(src.doc_number, src.title), '; '
                                            order by src.doc_date nulls last, src.id)
                          from shortcoming_sources ss join sources src on src.id = ss.source_id
                          where ss.shortcoming_id = s.id), '') as sources,
                t.code as task_code, t.title as task_title, lu.short_name as lead_unit,
                coalesce((select string_agg(cu.short_name, ', ' order by cu.sort_order, cu.id)
                          from task_coordinators c join units cu on cu.id = c.unit_id
                          where c.task_id = t.id), '') as coordinators,
                t.leader_in_charge,
                coalesce((select string_agg(us.full_name, ', ' order by us.full_name)
                          from task_assignees a join users us on us.id = a.user_id
                          where a.task_id = t.id), '') as officers,
                t.original_deadline, t.deadline,
                coalesce((select u.note from task_updates u
                          where u.task_id = t.id and u.kind = 'progress' and u.note <> ''
                                and u.created_at::date <= $4
                          order by u.created_at desc, u.id desc limit 1), '') as result,
                case when t.done_by then 'done'
                     when t.status = 'done' then 'in_progress'
                     else t.status::text end as status,
                t.class
         from covered t join shortcomings s on s.id = t.shortcoming_id
              join units lu on lu.id = t.lead_unit_id
         where t.lead_unit_id = $1
         order by s.code, t.code"
    ))
    .bind(unit)
    .bind(start)
    .bind(end)
    .bind(as_of)
    .fetch_all(executor)
    .await
}

/// Saves a draft's text; the new version.
pub async fn save_narrative(
    executor: impl PgExecutor<'_>,
    id: ReportId,
    narrative: &Narrative,
) -> Result<i32, sqlx::Error> {
    sqlx::query_scalar(
        "update reports set narrative = $2, row_version = row_version + 1 where id = $1
         returning row_version",
    )
    .bind(id)
    .bind(Json(narrative))
    .fetch_one(executor)
    .await
}

/// What a submission freezes.
#[derive(Debug, Clone)]
pub struct NewSubmission<'a> {
    pub by: UserId,
    pub at: DateTime<Utc>,
    pub on: NaiveDate,
    pub figures: &'a Figures,
    pub annex: &'a [AnnexRow],
    pub narrative: &'a Narrative,
}

/// Records a submission of report `id` (numbered after the last) and marks the report
/// submitted; the submission's number.
pub async fn submit(
    conn: &mut PgConnection,
    id: ReportId,
    submission: &NewSubmission<'_>,
) -> Result<i16, sqlx::Error> {
    let number: i16 = sqlx::query_scalar(
        "insert into report_submissions (report_id, number, submitted_by, submitted_at,
                                         submitted_on, figures, annex, narrative)
         select $1, coalesce(max(number), 0) + 1, $2, $3, $4, $5, $6, $7
         from report_submissions where report_id = $1
         returning number",
    )
    .bind(id)
    .bind(submission.by)
    .bind(submission.at)
    .bind(submission.on)
    .bind(Json(submission.figures))
    .bind(Json(submission.annex))
    .bind(Json(submission.narrative))
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query(
        "update reports set status = 'submitted', figures = $2, submitted_by = $3,
                            submitted_at = $4, decided_by = null, decided_at = null,
                            decision_note = '', row_version = row_version + 1
         where id = $1",
    )
    .bind(id)
    .bind(Json(submission.figures))
    .bind(submission.by)
    .bind(submission.at)
    .execute(&mut *conn)
    .await?;
    Ok(number)
}

/// Accepts or returns the latest submission of report `id`.
pub async fn decide(
    conn: &mut PgConnection,
    id: ReportId,
    decision: ReportStatus,
    by: UserId,
    at: DateTime<Utc>,
    note: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update report_submissions set decision = $2, decided_by = $3, decided_at = $4,
                                       decision_note = $5
         where report_id = $1
           and number = (select max(number) from report_submissions where report_id = $1)",
    )
    .bind(id)
    .bind(decision)
    .bind(by)
    .bind(at)
    .bind(note)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "update reports set status = $2, decided_by = $3, decided_at = $4, decision_note = $5,
                            row_version = row_version + 1
         where id = $1",
    )
    .bind(id)
    .bind(decision)
    .bind(by)
    .bind(at)
    .bind(note)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A submission as the report's page lists it, with what it froze.
#[derive(Debug, Clone, FromRow)]
pub struct SubmissionRow {
    pub number: i16,
    pub submitted_by: String,
    pub submitted_at: DateTime<Utc>,
    pub submitted_on: NaiveDate,
    pub figures: Json<Figures>,
    pub annex: Json<Vec<AnnexRow>>,
    pub narrative: Json<Narrative>,
    pub decision: Option<ReportStatus>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_note: String,
}

/// Every submission of report `id`, the latest first.
pub async fn submissions(
    executor: impl PgExecutor<'_>,
    id: ReportId,
) -> Result<Vec<SubmissionRow>, sqlx::Error> {
    sqlx::query_as(
        "select s.number, su.full_name as submitted_by, s.submitted_at, s.submitted_on,
                s.figures, s.annex, s.narrative, s.decision, du.full_name as decided_by,
                s.decided_at, s.decision_note
         from report_submissions s join users su on su.id = s.submitted_by
              left join users du on du.id = s.decided_by
         where s.report_id = $1
         order by s.number desc",
    )
    .bind(id)
    .fetch_all(executor)
    .await
}

/// The active City reviewers, whom a submission is news to.
pub async fn city_reviewers(executor: impl PgExecutor<'_>) -> Result<Vec<UserId>, sqlx::Error> {
    sqlx::query_scalar("select id from users where role = 'city_reviewer' and active order by id")
        .fetch_all(executor)
        .await
}

/// Who submitted report `id` last.
pub async fn last_submitter(
    executor: impl PgExecutor<'_>,
    id: ReportId,
) -> Result<Option<UserId>, sqlx::Error> {
    sqlx::query_scalar(
        "select submitted_by from report_submissions where report_id = $1
         order by number desc limit 1",
    )
    .bind(id)
    .fetch_optional(executor)
    .await
}

/// A unit's report of one regime and period, as the City's tracking lists it.
#[derive(Debug, Clone, FromRow)]
pub struct TrackingRow {
    pub id: ReportId,
    pub unit_id: UnitId,
    pub unit_name: String,
    pub status: ReportStatus,
    pub due_on: NaiveDate,
    /// The first submission's day and the latest's, in the City's time zone.
    pub first_submitted_on: Option<NaiveDate>,
    pub last_submitted_on: Option<NaiveDate>,
    pub submissions: i64,
    pub reminder_count: i32,
}

/// The reports of `regime` for `period`, in the units' order.
pub async fn tracking(
    executor: impl PgExecutor<'_>,
    regime: RegimeId,
    period: Period,
) -> Result<Vec<TrackingRow>, sqlx::Error> {
    sqlx::query_as(
        "select r.id, r.unit_id, u.name as unit_name, r.status, r.due_on,
                min(s.submitted_on) as first_submitted_on,
                max(s.submitted_on) as last_submitted_on,
                count(s.id) as submissions, r.reminder_count
         from reports r join units u on u.id = r.unit_id
              left join report_submissions s on s.report_id = r.id
         where r.regime_id = $1 and r.period = $2 and r.period_year = $3 and r.period_number = $4
         group by r.id, u.id
         order by u.sort_order, u.id",
    )
    .bind(regime)
    .bind(period.kind)
    .bind(period.year as i16)
    .bind(period.number as i16)
    .fetch_all(executor)
    .await
}

/// The latest period of `regime` that has reports, if any.
pub async fn latest_period(
    executor: impl PgExecutor<'_>,
    regime: RegimeId,
    today: NaiveDate,
) -> Result<Option<Period>, sqlx::Error> {
    let row: Option<(PeriodKind, i16, i16)> = sqlx::query_as(
        "select period, period_year, period_number from reports
         where regime_id = $1 and cutoff_start <= $2
         order by cutoff_end desc limit 1",
    )
    .bind(regime)
    .bind(today)
    .fetch_optional(executor)
    .await?;
    Ok(row.map(|(kind, year, number)| Period {
        kind,
        year: year.into(),
        number: number as u32,
    }))
}

/// Locks the reports of `regime` and `period` still with their units, and counts one more
/// reminder on each; each one's id, unit and due date.
pub async fn remind_unsent(
    conn: &mut PgConnection,
    regime: RegimeId,
    period: Period,
) -> Result<Vec<(ReportId, UnitId, NaiveDate)>, sqlx::Error> {
    sqlx::query_as(
        "update reports set reminder_count = reminder_count + 1
         where id in (select id from reports
                      where regime_id = $1 and period = $2 and period_year = $3
                            and period_number = $4 and status in ('draft', 'returned')
                      order by id for update)
         returning id, unit_id, due_on",
    )
    .bind(regime)
    .bind(period.kind)
    .bind(period.year as i16)
    .bind(period.number as i16)
    .fetch_all(conn)
    .await
}
