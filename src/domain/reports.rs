//! Periodic reports: the regimes that ask for them and the periods they open (docs/reports.md).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::calendar::WorkCalendar;
use super::input::{FieldErrors, Invalid};
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

    /// What forms carry.
    pub fn code(self) -> &'static str {
        match self {
            ReportOwners::TaskUnits => "task_units",
            ReportOwners::ChosenUnits => "chosen_units",
        }
    }

    pub fn from_code(code: &str) -> Option<ReportOwners> {
        ReportOwners::ALL.into_iter().find(|o| o.code() == code)
    }

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

/// Where a unit stands with a report, as the City's tracking counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Standing {
    /// With the unit, not due yet.
    NotDue,
    /// With the unit and past its due date, never submitted.
    Missing,
    /// Submitted by its due date (its first submission), waiting for the City.
    SubmittedOnTime,
    /// Submitted after its due date, waiting for the City.
    SubmittedLate,
    /// Returned by the City, to be submitted again.
    Returned,
    Accepted,
}

impl Standing {
    pub const ALL: [Standing; 6] = [
        Standing::Missing,
        Standing::NotDue,
        Standing::SubmittedOnTime,
        Standing::SubmittedLate,
        Standing::Returned,
        Standing::Accepted,
    ];

    /// Where a report of `status`, due `due_on`, first submitted on `first_submitted`, stands
    /// on `today`.
    pub fn of(
        status: ReportStatus,
        due_on: NaiveDate,
        first_submitted: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Standing {
        match status {
            ReportStatus::Accepted => Standing::Accepted,
            ReportStatus::Returned => Standing::Returned,
            ReportStatus::Submitted if first_submitted.is_some_and(|on| on > due_on) => {
                Standing::SubmittedLate
            }
            ReportStatus::Submitted => Standing::SubmittedOnTime,
            ReportStatus::Draft if today > due_on => Standing::Missing,
            ReportStatus::Draft => Standing::NotDue,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Standing::NotDue => "not_due",
            Standing::Missing => "missing",
            Standing::SubmittedOnTime => "on_time",
            Standing::SubmittedLate => "late",
            Standing::Returned => "returned",
            Standing::Accepted => "accepted",
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Standing::NotDue => "standing.not_due",
            Standing::Missing => "standing.missing",
            Standing::SubmittedOnTime => "standing.on_time",
            Standing::SubmittedLate => "standing.late",
            Standing::Returned => "standing.returned",
            Standing::Accepted => "standing.accepted",
        }
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

/// The four parts of a report's text, in the order of the official outline.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Narrative {
    /// I. Tình hình triển khai.
    pub implementation: String,
    /// II. Kết quả thực hiện.
    pub results: String,
    /// III. Tồn tại, khó khăn, nguyên nhân.
    pub problems: String,
    /// IV. Nhiệm vụ kỳ tới, kiến nghị, đề xuất.
    pub next_steps: String,
}

/// The most characters one part of a report's text takes.
pub const NARRATIVE_LIMIT: usize = 20_000;

impl Narrative {
    /// The text as typed, each part cleaned (see `input::clean`), or the parts too long.
    pub fn parse(parts: [&str; 4]) -> Result<Narrative, FieldErrors> {
        let mut errors = FieldErrors::default();
        let [implementation, results, problems, next_steps] = parts.map(|raw| {
            let text = raw.trim().replace("\r\n", "\n");
            (text.chars().count() <= NARRATIVE_LIMIT).then_some(text)
        });
        let too_long = || Invalid::with("form.too_long_max", NARRATIVE_LIMIT);
        for (field, part) in [
            ("implementation", &implementation),
            ("results", &results),
            ("problems", &problems),
            ("next_steps", &next_steps),
        ] {
            if part.is_none() {
                errors.refuse(field, too_long());
            }
        }
        match (implementation, results, problems, next_steps) {
            (Some(implementation), Some(results), Some(problems), Some(next_steps)) => {
                Ok(Narrative {
                    implementation,
                    results,
                    problems,
                    next_steps,
                })
            }
            _ => Err(errors),
        }
    }

    /// (field name, label key, text) of each part, in order.
    pub fn parts(&self) -> [(&'static str, &'static str, &str); 4] {
        [
            (
                "implementation",
                "report.implementation",
                &self.implementation,
            ),
            ("results", "report.results", &self.results),
            ("problems", "report.problems", &self.problems),
            ("next_steps", "report.next_steps", &self.next_steps),
        ]
    }
}

/// How many tasks stand in each class as of a day: the Government's four (done on time, done
/// late, open within the deadline, open overdue), those with no deadline, and among the open
/// ones those waiting for the City's direction and those not updated for too long.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
#[serde(default)]
pub struct ClassCounts {
    pub total: i64,
    pub done_on_time: i64,
    pub done_late: i64,
    pub open_on_time: i64,
    pub open_overdue: i64,
    pub no_deadline: i64,
    pub needs_direction: i64,
    pub not_updated: i64,
}

impl ClassCounts {
    pub fn done(&self) -> i64 {
        self.done_on_time + self.done_late
    }

    pub fn open(&self) -> i64 {
        self.total - self.done()
    }

    /// The share done, in whole per cent (rounded half up); 0 of nothing.
    pub fn done_percent(&self) -> i64 {
        if self.total == 0 {
            0
        } else {
            (self.done() * 200 + self.total) / (self.total * 2)
        }
    }

    /// The counts in the columns' order of the figures' tables: in all, then each class.
    pub fn cells(&self) -> [i64; 8] {
        [
            self.total,
            self.done_on_time,
            self.done_late,
            self.open_on_time,
            self.open_overdue,
            self.no_deadline,
            self.needs_direction,
            self.not_updated,
        ]
    }

    fn add(&mut self, other: &ClassCounts) {
        self.total += other.total;
        self.done_on_time += other.done_on_time;
        self.done_late += other.done_late;
        self.open_on_time += other.open_on_time;
        self.open_overdue += other.open_overdue;
        self.no_deadline += other.no_deadline;
        self.needs_direction += other.needs_direction;
        self.not_updated += other.not_updated;
    }
}

/// One shortcoming's tasks in a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShortcomingCounts {
    pub code: String,
    pub title: String,
    pub field_code: String,
    pub field_name: String,
    pub counts: ClassCounts,
}

/// One field's tasks in a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldCounts {
    pub code: String,
    pub name: String,
    pub counts: ClassCounts,
}

/// A unit's figures for a period, as a report shows them and a submission freezes them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Figures {
    /// The day the classes are judged on: the cut-off, or today while the period runs.
    pub as_of: Option<NaiveDate>,
    /// The tasks the unit leads.
    pub lead: ClassCounts,
    pub by_shortcoming: Vec<ShortcomingCounts>,
    pub by_field: Vec<FieldCounts>,
    /// The tasks it coordinates.
    pub coordinated: ClassCounts,
}

impl Figures {
    /// The figures of the tasks led, per shortcoming (in the order given), summed per field
    /// (in the order fields first appear) and in all.
    pub fn new(
        as_of: NaiveDate,
        by_shortcoming: Vec<ShortcomingCounts>,
        coordinated: ClassCounts,
    ) -> Figures {
        let mut lead = ClassCounts::default();
        let mut by_field: Vec<FieldCounts> = Vec::new();
        for row in &by_shortcoming {
            lead.add(&row.counts);
            match by_field.iter_mut().find(|f| f.code == row.field_code) {
                Some(field) => field.counts.add(&row.counts),
                None => by_field.push(FieldCounts {
                    code: row.field_code.clone(),
                    name: row.field_name.clone(),
                    counts: row.counts,
                }),
            }
        }
        Figures {
            as_of: Some(as_of),
            lead,
            by_shortcoming,
            by_field,
            coordinated,
        }
    }
}

/// One row of a report's annex: a task the unit leads, as it stood on the figures' day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct AnnexRow {
    pub shortcoming: String,
    pub sources: String,
    pub task_code: String,
    pub task_title: String,
    pub lead_unit: String,
    pub coordinators: String,
    pub leader_in_charge: String,
    pub officers: String,
    pub original_deadline: Option<NaiveDate>,
    pub deadline: Option<NaiveDate>,
    /// The latest progress note by the figures' day.
    pub result: String,
    /// The status's code (`in_progress`…) on the figures' day.
    pub status: String,
    /// The class's code (`done_on_time`, `open_overdue`…).
    pub class: String,
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

    fn counts(done_on_time: i64, open_overdue: i64) -> ClassCounts {
        ClassCounts {
            total: done_on_time + open_overdue,
            done_on_time,
            open_overdue,
            ..ClassCounts::default()
        }
    }

    fn shortcoming(code: &str, field: &str, counts: ClassCounts) -> ShortcomingCounts {
        ShortcomingCounts {
            code: code.into(),
            title: format!("Tồn tại {code}"),
            field_code: field.into(),
            field_name: format!("Lĩnh vực {field}"),
            counts,
        }
    }

    #[test]
    fn figures_sum_by_field_and_in_all() {
        let figures = Figures::new(
            d(2026, 12, 14),
            vec![
                shortcoming("TT-01", "DD", counts(2, 1)),
                shortcoming("TT-02", "MT", counts(0, 3)),
                shortcoming("TT-03", "DD", counts(1, 0)),
            ],
            counts(1, 1),
        );
        assert_eq!(figures.lead, counts(3, 4));
        let fields: Vec<(&str, ClassCounts)> = figures
            .by_field
            .iter()
            .map(|f| (f.code.as_str(), f.counts))
            .collect();
        assert_eq!(fields, [("DD", counts(3, 1)), ("MT", counts(0, 3))]);
        assert_eq!(figures.lead.done(), 3);
        assert_eq!(figures.lead.open(), 4);
        assert_eq!(figures.lead.done_percent(), 43, "3 of 7");
        assert_eq!(counts(1, 1).done_percent(), 50);
        assert_eq!(ClassCounts::default().done_percent(), 0);
        let empty = Figures::new(d(2026, 12, 14), Vec::new(), ClassCounts::default());
        assert_eq!(empty.lead.total, 0);
        assert!(empty.by_field.is_empty());
    }

    #[test]
    fn a_narrative_keeps_its_paragraphs_and_refuses_a_part_too_long() {
        let narrative =
            Narrative::parse(["  Đã ban hành kế hoạch.\r\nĐã giao việc.  ", "", "", ""]);
        assert_eq!(
            narrative.unwrap().implementation,
            "Đã ban hành kế hoạch.\nĐã giao việc."
        );
        let long = "á".repeat(NARRATIVE_LIMIT + 1);
        let Err(errors) = Narrative::parse(["", &long, "", &long]) else {
            panic!("too long");
        };
        let fields: Vec<&str> = errors.fields().collect();
        assert_eq!(fields, ["next_steps", "results"]);
    }

    #[test]
    fn a_report_stands_by_its_status_and_its_first_submission() {
        let due = d(2026, 12, 17);
        let of = |status, first, today| Standing::of(status, due, first, today);
        assert_eq!(of(ReportStatus::Draft, None, due), Standing::NotDue);
        assert_eq!(
            of(ReportStatus::Draft, None, d(2026, 12, 18)),
            Standing::Missing
        );
        let on_time = Some(due);
        let day_after = d(2026, 12, 18);
        let late = Some(day_after);
        assert_eq!(
            of(ReportStatus::Submitted, on_time, d(2027, 1, 5)),
            Standing::SubmittedOnTime
        );
        assert_eq!(
            of(ReportStatus::Submitted, late, day_after),
            Standing::SubmittedLate
        );
        assert_eq!(
            of(ReportStatus::Returned, on_time, d(2027, 1, 5)),
            Standing::Returned
        );
        assert_eq!(
            of(ReportStatus::Accepted, late, d(2027, 1, 5)),
            Standing::Accepted
        );
    }

    #[test]
    fn frozen_figures_read_back_as_written() {
        let figures = Figures::new(
            d(2026, 12, 14),
            vec![shortcoming("TT-01", "DD", counts(2, 1))],
            counts(0, 0),
        );
        let json = serde_json::to_value(&figures).unwrap();
        assert_eq!(serde_json::from_value::<Figures>(json).unwrap(), figures);
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
