//! Report regimes and the periodic reports they open.

use chrono::NaiveDate;
use sqlx::{FromRow, PgExecutor};

use crate::domain::periods::{CutoffDay, Period, PeriodDates, PeriodKind};
use crate::domain::reports::{ReportOwners, ReportStatus, Schedule};
use crate::domain::{RegimeId, ReportId, UnitId};

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

/// A new regime's values.
#[derive(Debug, Clone)]
pub struct NewRegime<'a> {
    pub name: &'a str,
    pub schedule: Schedule,
    pub owed_by: ReportOwners,
    pub coordinators_report: bool,
}

pub async fn insert_regime(
    executor: impl PgExecutor<'_>,
    regime: &NewRegime<'_>,
) -> Result<RegimeId, sqlx::Error> {
    let schedule = regime.schedule;
    sqlx::query_scalar(
        "insert into report_regimes (name, period, cutoff_day, due_working_days, owed_by,
                                     coordinators_report, first_period_start)
         values ($1, $2, $3, $4, $5, $6, $7) returning id",
    )
    .bind(regime.name)
    .bind(schedule.kind)
    .bind(schedule.cutoff.get() as i16)
    .bind(schedule.due_working_days as i16)
    .bind(regime.owed_by)
    .bind(regime.coordinators_report)
    .bind(schedule.first_period_start)
    .fetch_one(executor)
    .await
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
