//! Working days: Monday to Friday, less the days off the administrator lists (public holidays
//! and the days off given in their place), plus the days listed as worked (a Saturday worked in
//! exchange for a day off). The list is data, kept by the administrator as the Government
//! announces each year's days (docs/reports.md, "Working days").

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// What a listed day is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, sqlx::Type, Serialize, Deserialize)]
#[sqlx(type_name = "calendar_day_kind", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum CalendarDayKind {
    /// No work: a public holiday, or a day off in its place.
    DayOff,
    /// Work on a day that is otherwise off (a Saturday, in exchange).
    WorkingDay,
}

impl CalendarDayKind {
    pub const ALL: [CalendarDayKind; 2] = [CalendarDayKind::DayOff, CalendarDayKind::WorkingDay];

    /// What forms send.
    pub fn code(self) -> &'static str {
        match self {
            CalendarDayKind::DayOff => "day_off",
            CalendarDayKind::WorkingDay => "working_day",
        }
    }

    pub fn from_code(code: &str) -> Option<CalendarDayKind> {
        CalendarDayKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            CalendarDayKind::DayOff => "calendar_day_kind.day_off",
            CalendarDayKind::WorkingDay => "calendar_day_kind.working_day",
        }
    }
}

/// The days worked and not worked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkCalendar {
    off: BTreeSet<NaiveDate>,
    worked: BTreeSet<NaiveDate>,
}

impl WorkCalendar {
    /// A calendar with the listed days; the weekends are implied.
    pub fn new(days: impl IntoIterator<Item = (NaiveDate, CalendarDayKind)>) -> Self {
        let mut calendar = WorkCalendar::default();
        for (day, kind) in days {
            match kind {
                CalendarDayKind::DayOff => calendar.off.insert(day),
                CalendarDayKind::WorkingDay => calendar.worked.insert(day),
            };
        }
        calendar
    }

    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        if self.worked.contains(&day) {
            return true;
        }
        !self.off.contains(&day) && !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// The `n`th working day after `day` (`day` itself when `n` is 0). A listed day off that
    /// falls on a weekend takes nothing more: the day off in its place is listed on its own.
    pub fn add_working_days(&self, day: NaiveDate, n: u32) -> NaiveDate {
        let mut day = day;
        let mut left = n;
        while left > 0 {
            day = day.succ_opt().unwrap_or(day);
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }

    /// The working days after `from` up to and including `to` (0 when `to` is not after).
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        from.iter_days()
            .skip(1)
            .take_while(|day| *day <= to)
            .filter(|day| self.is_working_day(*day))
            .count() as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// Part of 2026 as announced: Tết from Saturday 14/02 to Sunday 22/02 (the weekdays
    /// 16–20/02 listed), Giỗ Tổ on Sunday 26/04 with Monday 27/04 off in its place.
    fn calendar_2026() -> WorkCalendar {
        let mut days: Vec<_> = (16..=20)
            .map(|day| (d(2026, 2, day), CalendarDayKind::DayOff))
            .collect();
        days.push((d(2026, 4, 26), CalendarDayKind::DayOff));
        days.push((d(2026, 4, 27), CalendarDayKind::DayOff));
        days.push((d(2026, 4, 30), CalendarDayKind::DayOff));
        days.push((d(2026, 5, 1), CalendarDayKind::DayOff));
        WorkCalendar::new(days)
    }

    #[test]
    fn weekends_are_off_and_listed_days_override() {
        let calendar = WorkCalendar::new([
            (d(2025, 4, 26), CalendarDayKind::WorkingDay),
            (d(2025, 5, 2), CalendarDayKind::DayOff),
        ]);
        assert!(calendar.is_working_day(d(2025, 4, 25)), "a Friday");
        assert!(!calendar.is_working_day(d(2025, 4, 27)), "a Sunday");
        assert!(calendar.is_working_day(d(2025, 4, 26)), "a Saturday worked");
        assert!(!calendar.is_working_day(d(2025, 5, 2)), "a Friday off");
    }

    #[test]
    fn adding_working_days_skips_weekends_and_days_off() {
        let calendar = calendar_2026();
        // Friday 13/02 + 1: the next working day after Tết is Monday 23/02.
        assert_eq!(calendar.add_working_days(d(2026, 2, 13), 1), d(2026, 2, 23));
        // Saturday 14/03 (a quarter's cut-off) + 3: Monday to Wednesday.
        assert_eq!(calendar.add_working_days(d(2026, 3, 14), 3), d(2026, 3, 18));
        assert_eq!(calendar.add_working_days(d(2026, 3, 14), 0), d(2026, 3, 14));
    }

    #[test]
    fn a_holiday_on_a_weekend_counts_once() {
        let calendar = calendar_2026();
        // Friday 24/04 + 1 → Tuesday 28/04: Sunday 26/04 (the holiday) was off anyway; only the
        // day off in its place (Monday 27/04) is skipped besides the weekend.
        assert_eq!(calendar.add_working_days(d(2026, 4, 24), 1), d(2026, 4, 28));
        // Wednesday 29/04 + 1 → Monday 04/05, past 30/04, 01/05 and the weekend.
        assert_eq!(calendar.add_working_days(d(2026, 4, 29), 1), d(2026, 5, 4));
    }

    #[test]
    fn working_days_are_counted_between_two_days() {
        let calendar = calendar_2026();
        assert_eq!(
            calendar.working_days_between(d(2026, 2, 13), d(2026, 2, 23)),
            1
        );
        assert_eq!(
            calendar.working_days_between(d(2026, 3, 2), d(2026, 3, 9)),
            5
        );
        assert_eq!(
            calendar.working_days_between(d(2026, 3, 9), d(2026, 3, 2)),
            0
        );
    }
}
