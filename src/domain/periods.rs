//! Reporting periods and their cut-offs (docs/reports.md, "Periods and cut-offs").
//!
//! A period is a month, a quarter, a half-year or a year, numbered within its year. Its
//! figures are closed on the cut-off day of its last month (the 14th by default): the period
//! runs from the day after the previous period's cut-off to its own. So with the default the
//! first quarter of 2027 runs from 15/12/2026 to 14/03/2027, and the month of January 2027
//! from 15/12/2026 to 14/01/2027. A cut-off day past a month's end means the month's end
//! (31: calendar periods). The report is due a number of working days after the cut-off.

use std::fmt;

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::calendar::WorkCalendar;

/// How long a period is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, sqlx::Type, Serialize, Deserialize,
)]
#[sqlx(type_name = "report_period", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    Month,
    Quarter,
    HalfYear,
    Year,
}

impl PeriodKind {
    pub const ALL: [PeriodKind; 4] = [
        PeriodKind::Month,
        PeriodKind::Quarter,
        PeriodKind::HalfYear,
        PeriodKind::Year,
    ];

    pub fn label_key(self) -> &'static str {
        match self {
            PeriodKind::Month => "period_kind.month",
            PeriodKind::Quarter => "period_kind.quarter",
            PeriodKind::HalfYear => "period_kind.half_year",
            PeriodKind::Year => "period_kind.year",
        }
    }

    /// What forms and URLs carry.
    pub fn code(self) -> &'static str {
        match self {
            PeriodKind::Month => "month",
            PeriodKind::Quarter => "quarter",
            PeriodKind::HalfYear => "half_year",
            PeriodKind::Year => "year",
        }
    }

    pub fn from_code(code: &str) -> Option<PeriodKind> {
        PeriodKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Months in one period.
    pub fn months(self) -> u32 {
        match self {
            PeriodKind::Month => 1,
            PeriodKind::Quarter => 3,
            PeriodKind::HalfYear => 6,
            PeriodKind::Year => 12,
        }
    }

    /// Periods in a year.
    pub fn per_year(self) -> u32 {
        12 / self.months()
    }
}

/// The day of the month a period's figures are closed on: 1 to 31, a day past the month's end
/// meaning its last day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CutoffDay(u32);

impl CutoffDay {
    /// The 14th: periods run from the 15th to the 14th.
    pub const DEFAULT: CutoffDay = CutoffDay(14);

    pub fn new(day: u32) -> Option<CutoffDay> {
        (1..=31).contains(&day).then_some(CutoffDay(day))
    }

    pub fn get(self) -> u32 {
        self.0
    }

    /// This cut-off in month `month` of `year`.
    fn in_month(self, year: i32, month: u32) -> NaiveDate {
        let first = NaiveDate::from_ymd_opt(year, month, 1).expect("a month of the calendar");
        let last = first + Months::new(1) - chrono::Days::new(1);
        first.with_day(self.0.min(last.day())).unwrap_or(last)
    }
}

/// One period: its kind, the year it is counted in and its number within that year (1-based:
/// month 1–12, quarter 1–4, half 1–2, year 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Period {
    pub kind: PeriodKind,
    pub year: i32,
    pub number: u32,
}

/// A period's dates under a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeriodDates {
    /// The first day the period's figures cover.
    pub start: NaiveDate,
    /// The cut-off: the last day they cover.
    pub end: NaiveDate,
    /// The last day to send the report.
    pub due: NaiveDate,
}

impl Period {
    pub fn new(kind: PeriodKind, year: i32, number: u32) -> Option<Period> {
        (1..=kind.per_year())
            .contains(&number)
            .then_some(Period { kind, year, number })
    }

    /// The period whose figures take in `day` under `cutoff`.
    pub fn containing(kind: PeriodKind, day: NaiveDate, cutoff: CutoffDay) -> Period {
        // The month whose cut-off closes `day`: its own, or the next one after its cut-off.
        let (mut year, mut month) = (day.year(), day.month());
        if day > cutoff.in_month(year, month) {
            if month == 12 {
                (year, month) = (year + 1, 1);
            } else {
                month += 1;
            }
        }
        let number = (month - 1) / kind.months() + 1;
        Period { kind, year, number }
    }

    pub fn previous(self) -> Period {
        if self.number > 1 {
            Period {
                number: self.number - 1,
                ..self
            }
        } else {
            Period {
                year: self.year - 1,
                number: self.kind.per_year(),
                ..self
            }
        }
    }

    pub fn next(self) -> Period {
        if self.number < self.kind.per_year() {
            Period {
                number: self.number + 1,
                ..self
            }
        } else {
            Period {
                year: self.year + 1,
                number: 1,
                ..self
            }
        }
    }

    /// The month the period closes in.
    fn last_month(self) -> u32 {
        self.number * self.kind.months()
    }

    /// The cut-off: the last day the period covers.
    pub fn end(self, cutoff: CutoffDay) -> NaiveDate {
        cutoff.in_month(self.year, self.last_month())
    }

    /// The first day the period covers: the day after the previous period's cut-off.
    pub fn start(self, cutoff: CutoffDay) -> NaiveDate {
        let end = self.previous().end(cutoff);
        end.succ_opt().unwrap_or(end)
    }

    /// The period's dates: the report is due `working_days` working days after the cut-off.
    pub fn dates(
        self,
        cutoff: CutoffDay,
        working_days: u32,
        calendar: &WorkCalendar,
    ) -> PeriodDates {
        let end = self.end(cutoff);
        PeriodDates {
            start: self.start(cutoff),
            end,
            due: calendar.add_working_days(end, working_days),
        }
    }

    /// A short code for URLs and files: `2026-Q4`, `2026-M12`, `2026-H2`, `2026`.
    pub fn code(self) -> String {
        match self.kind {
            PeriodKind::Month => format!("{}-M{:02}", self.year, self.number),
            PeriodKind::Quarter => format!("{}-Q{}", self.year, self.number),
            PeriodKind::HalfYear => format!("{}-H{}", self.year, self.number),
            PeriodKind::Year => format!("{}", self.year),
        }
    }

    /// The period of `kind` a code (as [`Period::code`] writes it) names.
    pub fn from_code(kind: PeriodKind, code: &str) -> Option<Period> {
        let (year, rest) = match code.split_once('-') {
            Some((year, rest)) => (year, Some(rest)),
            None => (code, None),
        };
        let year: i32 = year.parse().ok()?;
        if !super::dates::YEARS.contains(&year) {
            return None;
        }
        let number = match (kind, rest) {
            (PeriodKind::Year, None) => 1,
            (PeriodKind::Month, Some(rest)) => rest.strip_prefix('M')?.parse().ok()?,
            (PeriodKind::Quarter, Some(rest)) => rest.strip_prefix('Q')?.parse().ok()?,
            (PeriodKind::HalfYear, Some(rest)) => rest.strip_prefix('H')?.parse().ok()?,
            _ => return None,
        };
        Period::new(kind, year, number)
    }

    /// The period a code names, whatever its kind (`2026-Q4`, `2026-M12`, `2026-H2`, `2026`).
    pub fn parse(code: &str) -> Option<Period> {
        PeriodKind::ALL
            .into_iter()
            .find_map(|kind| Period::from_code(kind, code))
    }

    /// The message key of the period's name and the number it takes (`{n}`): "Quý {n}/{y}".
    pub fn label_key(self) -> &'static str {
        match (self.kind, self.number) {
            (PeriodKind::Month, _) => "period.month",
            (PeriodKind::Quarter, _) => "period.quarter",
            (PeriodKind::HalfYear, 1) => "period.first_half",
            (PeriodKind::HalfYear, _) => "period.second_half",
            (PeriodKind::Year, _) => "period.year",
        }
    }

    /// The number as the name writes it: a quarter in Roman numerals (Quý IV), a month as a
    /// number.
    pub fn number_label(self) -> String {
        match self.kind {
            PeriodKind::Quarter => ["I", "II", "III", "IV"][(self.number - 1) as usize].to_owned(),
            _ => self.number.to_string(),
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::CalendarDayKind;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn dates(kind: PeriodKind, year: i32, number: u32) -> (NaiveDate, NaiveDate) {
        let period = Period::new(kind, year, number).unwrap();
        let cutoff = CutoffDay::DEFAULT;
        (period.start(cutoff), period.end(cutoff))
    }

    #[test]
    fn quarters_run_from_the_fifteenth_to_the_fourteenth() {
        let q = PeriodKind::Quarter;
        assert_eq!(dates(q, 2027, 1), (d(2026, 12, 15), d(2027, 3, 14)));
        assert_eq!(dates(q, 2027, 2), (d(2027, 3, 15), d(2027, 6, 14)));
        assert_eq!(dates(q, 2027, 3), (d(2027, 6, 15), d(2027, 9, 14)));
        assert_eq!(dates(q, 2027, 4), (d(2027, 9, 15), d(2027, 12, 14)));
    }

    #[test]
    fn months_half_years_and_years_follow_the_same_rule() {
        assert_eq!(
            dates(PeriodKind::Month, 2027, 1),
            (d(2026, 12, 15), d(2027, 1, 14))
        );
        assert_eq!(
            dates(PeriodKind::Month, 2027, 3),
            (d(2027, 2, 15), d(2027, 3, 14))
        );
        assert_eq!(
            dates(PeriodKind::HalfYear, 2027, 1),
            (d(2026, 12, 15), d(2027, 6, 14))
        );
        assert_eq!(
            dates(PeriodKind::HalfYear, 2027, 2),
            (d(2027, 6, 15), d(2027, 12, 14))
        );
        assert_eq!(
            dates(PeriodKind::Year, 2027, 1),
            (d(2026, 12, 15), d(2027, 12, 14))
        );
    }

    #[test]
    fn a_cutoff_past_the_month_end_is_the_month_end() {
        let calendar_months = CutoffDay::new(31).unwrap();
        let feb = Period::new(PeriodKind::Month, 2028, 2).unwrap();
        assert_eq!(feb.start(calendar_months), d(2028, 2, 1));
        assert_eq!(feb.end(calendar_months), d(2028, 2, 29), "a leap year");
        let feb = Period::new(PeriodKind::Month, 2027, 2).unwrap();
        assert_eq!(feb.end(calendar_months), d(2027, 2, 28));
        let march = Period::new(PeriodKind::Month, 2027, 3).unwrap();
        assert_eq!(march.start(calendar_months), d(2027, 3, 1));
        let thirtieth = CutoffDay::new(30).unwrap();
        assert_eq!(feb.end(thirtieth), d(2027, 2, 28));
        assert_eq!(march.start(thirtieth), d(2027, 3, 1));
        let q1 = Period::new(PeriodKind::Quarter, 2027, 1).unwrap();
        assert_eq!(q1.start(calendar_months), d(2027, 1, 1));
        assert_eq!(q1.end(calendar_months), d(2027, 3, 31));
        assert_eq!(CutoffDay::new(0), None);
        assert_eq!(CutoffDay::new(32), None);
    }

    #[test]
    fn the_period_of_a_day_crosses_the_year_after_the_december_cutoff() {
        let cutoff = CutoffDay::DEFAULT;
        let q = PeriodKind::Quarter;
        assert_eq!(
            Period::containing(q, d(2026, 12, 14), cutoff),
            Period::new(q, 2026, 4).unwrap()
        );
        assert_eq!(
            Period::containing(q, d(2026, 12, 15), cutoff),
            Period::new(q, 2027, 1).unwrap()
        );
        assert_eq!(
            Period::containing(q, d(2026, 12, 31), cutoff),
            Period::new(q, 2027, 1).unwrap()
        );
        assert_eq!(
            Period::containing(PeriodKind::Month, d(2028, 2, 29), cutoff),
            Period::new(PeriodKind::Month, 2028, 3).unwrap()
        );
        assert_eq!(
            Period::containing(PeriodKind::Year, d(2027, 6, 30), cutoff),
            Period::new(PeriodKind::Year, 2027, 1).unwrap()
        );
        // Every day of two years lies in exactly the period containing it.
        for kind in PeriodKind::ALL {
            for day in d(2026, 1, 1).iter_days().take(731) {
                let period = Period::containing(kind, day, cutoff);
                assert!(period.start(cutoff) <= day && day <= period.end(cutoff));
                assert_eq!(
                    period.next().start(cutoff),
                    period.end(cutoff).succ_opt().unwrap()
                );
            }
        }
    }

    #[test]
    fn previous_and_next_wrap_at_the_year() {
        let q1 = Period::new(PeriodKind::Quarter, 2027, 1).unwrap();
        assert_eq!(
            q1.previous(),
            Period::new(PeriodKind::Quarter, 2026, 4).unwrap()
        );
        assert_eq!(q1.previous().next(), q1);
        let year = Period::new(PeriodKind::Year, 2027, 1).unwrap();
        assert_eq!(year.next(), Period::new(PeriodKind::Year, 2028, 1).unwrap());
        assert_eq!(Period::new(PeriodKind::Month, 2027, 13), None);
        assert_eq!(Period::new(PeriodKind::Quarter, 2027, 0), None);
    }

    #[test]
    fn the_report_is_due_working_days_after_the_cutoff() {
        // Q4 2026 closes on Monday 14/12/2026: three working days later is Thursday 17/12.
        let none = WorkCalendar::default();
        let q4 = Period::new(PeriodKind::Quarter, 2026, 4).unwrap();
        assert_eq!(q4.dates(CutoffDay::DEFAULT, 3, &none).due, d(2026, 12, 17));
        // Q1 2026 closes on Saturday 14/03: one working day later is Monday 16/03.
        let q1 = Period::new(PeriodKind::Quarter, 2026, 1).unwrap();
        assert_eq!(q1.dates(CutoffDay::DEFAULT, 1, &none).due, d(2026, 3, 16));
        // January 2027 closes on Thursday 14/01; with Friday 15/01 a day off, one working day
        // later is Monday 18/01.
        let calendar = WorkCalendar::new([(d(2027, 1, 15), CalendarDayKind::DayOff)]);
        let january = Period::new(PeriodKind::Month, 2027, 1).unwrap();
        let due = january.dates(CutoffDay::DEFAULT, 1, &calendar);
        assert_eq!(due.end, d(2027, 1, 14));
        assert_eq!(due.due, d(2027, 1, 18));
    }

    #[test]
    fn codes_round_trip_and_name_the_period() {
        for kind in PeriodKind::ALL {
            let mut period = Period::new(kind, 2026, 1).unwrap();
            for _ in 0..30 {
                assert_eq!(Period::from_code(kind, &period.code()), Some(period));
                period = period.next();
            }
        }
        assert_eq!(
            Period::new(PeriodKind::Quarter, 2026, 4).unwrap().code(),
            "2026-Q4"
        );
        assert_eq!(
            Period::new(PeriodKind::Month, 2026, 3).unwrap().code(),
            "2026-M03"
        );
        assert_eq!(Period::from_code(PeriodKind::Quarter, "2026-Q5"), None);
        assert_eq!(Period::from_code(PeriodKind::Quarter, "2026-M04"), None);
        assert_eq!(Period::from_code(PeriodKind::Year, "99999"), None);
        assert_eq!(
            Period::parse("2026-H2"),
            Period::new(PeriodKind::HalfYear, 2026, 2)
        );
        assert_eq!(
            Period::parse("2026"),
            Period::new(PeriodKind::Year, 2026, 1)
        );
        assert_eq!(Period::parse("2026-X1"), None);
        assert_eq!(
            Period::new(PeriodKind::Quarter, 2026, 4)
                .unwrap()
                .number_label(),
            "IV"
        );
    }
}
