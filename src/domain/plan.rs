//! Remediation plans: whether a unit issued its plan, and in time. Derived from the issue
//! deadline, the issued date and the overdue flag; never typed in.

use chrono::NaiveDate;

/// Where a unit's remediation plan stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlanStatus {
    /// Issued no later than its deadline.
    IssuedOnTime,
    /// Issued after its deadline.
    IssuedLate,
    /// Not issued yet, and the deadline has not passed.
    NotIssued,
    /// Not issued, and the deadline has passed.
    Overdue,
}

impl PlanStatus {
    pub const ALL: [PlanStatus; 4] = [
        PlanStatus::IssuedOnTime,
        PlanStatus::IssuedLate,
        PlanStatus::NotIssued,
        PlanStatus::Overdue,
    ];

    /// The status of a plan on `today`. The overdue scan sets `flagged` on plans not issued
    /// whose deadline has passed; a plan whose deadline passed since the last scan counts as
    /// overdue too, so the page never lags behind the calendar.
    pub fn of(
        issue_deadline: NaiveDate,
        issued_on: Option<NaiveDate>,
        flagged: bool,
        today: NaiveDate,
    ) -> PlanStatus {
        match issued_on {
            Some(issued) if issued <= issue_deadline => PlanStatus::IssuedOnTime,
            Some(_) => PlanStatus::IssuedLate,
            None if flagged || issue_deadline < today => PlanStatus::Overdue,
            None => PlanStatus::NotIssued,
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            PlanStatus::IssuedOnTime => "plan_status.issued_on_time",
            PlanStatus::IssuedLate => "plan_status.issued_late",
            PlanStatus::NotIssued => "plan_status.not_issued",
            PlanStatus::Overdue => "plan_status.overdue",
        }
    }

    /// What filters carry in the URL (`status=issued_late`).
    pub fn code(self) -> &'static str {
        match self {
            PlanStatus::IssuedOnTime => "issued_on_time",
            PlanStatus::IssuedLate => "issued_late",
            PlanStatus::NotIssued => "not_issued",
            PlanStatus::Overdue => "overdue",
        }
    }

    pub fn from_code(code: &str) -> Option<PlanStatus> {
        PlanStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    /// A CSS class for the badge, reusing the task timeliness colours.
    pub fn css(self) -> &'static str {
        match self {
            PlanStatus::IssuedOnTime => "time-done-on-time",
            PlanStatus::IssuedLate => "time-done-late",
            PlanStatus::NotIssued => "time-on-track",
            PlanStatus::Overdue => "time-overdue",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2019, 3, day).unwrap()
    }

    #[test]
    fn issued_plans_are_judged_against_their_deadline() {
        assert_eq!(
            PlanStatus::of(d(20), Some(d(20)), false, d(25)),
            PlanStatus::IssuedOnTime
        );
        assert_eq!(
            PlanStatus::of(d(20), Some(d(21)), false, d(25)),
            PlanStatus::IssuedLate
        );
        // A stale flag does not outlive the issue.
        assert_eq!(
            PlanStatus::of(d(20), Some(d(21)), true, d(25)),
            PlanStatus::IssuedLate
        );
    }

    #[test]
    fn a_plan_not_issued_is_overdue_from_the_day_after_its_deadline() {
        assert_eq!(
            PlanStatus::of(d(20), None, false, d(20)),
            PlanStatus::NotIssued
        );
        assert_eq!(
            PlanStatus::of(d(20), None, false, d(21)),
            PlanStatus::Overdue
        );
        assert_eq!(
            PlanStatus::of(d(20), None, true, d(10)),
            PlanStatus::Overdue,
            "the scan's flag counts"
        );
    }

    #[test]
    fn codes_round_trip() {
        for status in PlanStatus::ALL {
            assert_eq!(PlanStatus::from_code(status.code()), Some(status));
            assert!(status.label_key().ends_with(status.code()));
        }
        assert_eq!(PlanStatus::from_code("issued"), None);
    }
}
