//! Report regimes and the periodic reports they open.

use chrono::NaiveDate;
use sqlx::{FromRow, PgExecutor};

use crate::domain::periods::{CutoffDay, Period, PeriodDates, PeriodKind};
use crate::domain::reports::{ReportOwners, Schedule};
use crate::domain::{RegimeId, UnitId};

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
