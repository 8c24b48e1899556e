//! Periodic reports: the regimes that ask for them and the periods they open (docs/reports.md).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::calendar::WorkCalendar;
use super::periods::{CutoffDay, Period, PeriodDates, PeriodKind};

/// Who owes a regime's reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, sqlx::Type, Serialize, Deserialize)]
#[sqlx(type_name = "report_owners", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum ReportOwners {
    /// Every unit that leads a task (and coordinates one, when the regime says so).
    TaskUnits,
    /// The units chosen for the regime.
    ChosenUnits,
}

impl ReportOwners {
    pub const ALL: [ReportOwners; 2] = [ReportOwners::TaskUnits, ReportOwners::ChosenUnits];

    pub fn label_key(self) -> &'static str {
        match self {
            ReportOwners::TaskUnits => "report_owners.task_units",
            ReportOwners::ChosenUnits => "report_owners.chosen_units",
        }
    }
}

/// Where a report stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, sqlx::Type, Serialize, Deserialize)]
#[sqlx(type_name = "report_status", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    /// Being prepared by the unit.
    Draft,
    /// Sent by the unit's head; its figures are frozen.
    Submitted,
    /// Sent back by the City with a reason, to correct and submit again.
    Returned,
    /// Accepted by the City.
    Accepted,
}

impl ReportStatus {
    pub const ALL: [ReportStatus; 4] = [
        ReportStatus::Draft,
        ReportStatus::Submitted,
        ReportStatus::Returned,
        ReportStatus::Accepted,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ReportStatus::Draft => "draft",
            ReportStatus::Submitted => "submitted",
            ReportStatus::Returned => "returned",
            ReportStatus::Accepted => "accepted",
        }
    }

    pub fn from_code(code: &str) -> Option<ReportStatus> {
        ReportStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            ReportStatus::Draft => "report_status.draft",
            ReportStatus::Submitted => "report_status.submitted",
            ReportStatus::Returned => "report_status.returned",
            ReportStatus::Accepted => "report_status.accepted",
        }
    }

    /// Still the unit's to send (a draft, or returned to it).
    pub fn is_with_unit(self) -> bool {
        matches!(self, ReportStatus::Draft | ReportStatus::Returned)
    }
}

/// The working days a report may be due after its cut-off: at least one (a report is sent
/// after its figures are closed), at most about three months.
pub const DUE_WORKING_DAYS: std::ops::RangeInclusive<u32> = 1..=60;

/// When a regime's reports fall due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub kind: PeriodKind,
    pub cutoff: CutoffDay,
    pub due_working_days: u32,
    /// Reports are opened for the periods that end on or after this day.
    pub first_period_start: NaiveDate,
}

impl Schedule {
    /// The periods whose reports are open by `today`: from the one that takes in
    /// `first_period_start` to the one `today` falls in (a period's report opens on its first
    /// day, so it can be prepared while the period runs).
    pub fn open_periods(&self, today: NaiveDate) -> Vec<Period> {
        let mut period = Period::containing(self.kind, self.first_period_start, self.cutoff);
        let current = Period::containing(self.kind, today, self.cutoff);
        let mut periods = Vec::new();
        while period <= current {
            periods.push(period);
            period = period.next();
        }
        periods
    }

    pub fn dates(&self, period: Period, calendar: &WorkCalendar) -> PeriodDates {
        period.dates(self.cutoff, self.due_working_days, calendar)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_periods_open_run_from_the_first_to_today() {
        let schedule = Schedule {
            kind: PeriodKind::Quarter,
            cutoff: CutoffDay::DEFAULT,
            due_working_days: 3,
            first_period_start: d(2026, 9, 15),
        };
        let codes = |today| -> Vec<String> {
            schedule
                .open_periods(today)
                .into_iter()
                .map(|p| p.code())
                .collect()
        };
        assert_eq!(codes(d(2026, 12, 5)), ["2026-Q4"]);
        assert_eq!(codes(d(2026, 12, 15)), ["2026-Q4", "2027-Q1"]);
        assert_eq!(codes(d(2027, 3, 15)), ["2026-Q4", "2027-Q1", "2027-Q2"]);
        assert!(codes(d(2026, 9, 14)).is_empty(), "before the first period");
    }

    #[test]
    fn a_period_keeps_its_dates() {
        let schedule = Schedule {
            kind: PeriodKind::Month,
            cutoff: CutoffDay::DEFAULT,
            due_working_days: 2,
            first_period_start: d(2026, 11, 15),
        };
        let period = schedule.open_periods(d(2026, 12, 5))[0];
        let dates = schedule.dates(period, &WorkCalendar::default());
        assert_eq!(period.code(), "2026-M12");
        assert_eq!((dates.start, dates.end), (d(2026, 11, 15), d(2026, 12, 14)));
        assert_eq!(dates.due, d(2026, 12, 16));
    }
}
