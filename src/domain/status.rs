//! Statuses, kinds and roles, mirrored one to one by PostgreSQL enums.

use serde::{Deserialize, Serialize};

/// Progress status, set by people (docs/design.md: Status and timeliness).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, sqlx::Type, Serialize, Deserialize)]
#[sqlx(type_name = "task_status", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    NotStarted,
    InProgress,
    PendingConfirmation,
    Done,
    NeedsDirection,
}

impl TaskStatus {
    pub const ALL: [TaskStatus; 5] = [
        TaskStatus::NotStarted,
        TaskStatus::InProgress,
        TaskStatus::PendingConfirmation,
        TaskStatus::Done,
        TaskStatus::NeedsDirection,
    ];

    /// The message-catalog key of the status' label.
    pub fn label_key(self) -> &'static str {
        match self {
            TaskStatus::NotStarted => "status.not_started",
            TaskStatus::InProgress => "status.in_progress",
            TaskStatus::PendingConfirmation => "status.pending_confirmation",
            TaskStatus::Done => "status.done",
            TaskStatus::NeedsDirection => "status.needs_direction",
        }
    }

    /// A CSS class suffix for the status badge.
    pub fn css(self) -> &'static str {
        match self {
            TaskStatus::NotStarted => "not-started",
            TaskStatus::InProgress => "in-progress",
            TaskStatus::PendingConfirmation => "pending",
            TaskStatus::Done => "done",
            TaskStatus::NeedsDirection => "needs-direction",
        }
    }

    pub fn is_open(self) -> bool {
        self != TaskStatus::Done
    }
}

/// Timeliness, derived from the deadline, the completion date and the overdue flag; never typed
/// in. The one definition is the SQL function `task_timeliness` (see the schema migration).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, sqlx::Type, Serialize, Deserialize)]
#[sqlx(type_name = "timeliness", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum Timeliness {
    OnTrack,
    DueSoon,
    Overdue,
    NoDeadline,
    DoneOnTime,
    DoneLate,
}

impl Timeliness {
    pub const ALL: [Timeliness; 6] = [
        Timeliness::OnTrack,
        Timeliness::DueSoon,
        Timeliness::Overdue,
        Timeliness::NoDeadline,
        Timeliness::DoneOnTime,
        Timeliness::DoneLate,
    ];

    pub fn label_key(self) -> &'static str {
        match self {
            Timeliness::OnTrack => "timeliness.on_track",
            Timeliness::DueSoon => "timeliness.due_soon",
            Timeliness::Overdue => "timeliness.overdue",
            Timeliness::NoDeadline => "timeliness.no_deadline",
            Timeliness::DoneOnTime => "timeliness.done_on_time",
            Timeliness::DoneLate => "timeliness.done_late",
        }
    }

    pub fn css(self) -> &'static str {
        match self {
            Timeliness::OnTrack => "on-track",
            Timeliness::DueSoon => "due-soon",
            Timeliness::Overdue => "overdue",
            Timeliness::NoDeadline => "no-deadline",
            Timeliness::DoneOnTime => "done-on-time",
            Timeliness::DoneLate => "done-late",
        }
    }
}

/// What kind of body a unit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, sqlx::Type, Serialize, Deserialize)]
#[sqlx(type_name = "unit_kind", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    CityOffice,
    Department,
    District,
    Division,
    Commune,
}

impl UnitKind {
    pub const ALL: [UnitKind; 5] = [
        UnitKind::CityOffice,
        UnitKind::Department,
        UnitKind::District,
        UnitKind::Division,
        UnitKind::Commune,
    ];

    pub fn label_key(self) -> &'static str {
        match self {
            UnitKind::CityOffice => "unit_kind.city_office",
            UnitKind::Department => "unit_kind.department",
            UnitKind::District => "unit_kind.district",
            UnitKind::Division => "unit_kind.division",
            UnitKind::Commune => "unit_kind.commune",
        }
    }
}

/// The two halves of the City's units the dashboards compare: the departments (sở, ban, ngành;
/// the City office counts among them) and the districts with what lies under them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnitGroup {
    Departments,
    Districts,
}

impl UnitGroup {
    pub const ALL: [UnitGroup; 2] = [UnitGroup::Departments, UnitGroup::Districts];

    pub fn label_key(self) -> &'static str {
        match self {
            UnitGroup::Departments => "unit_group.departments",
            UnitGroup::Districts => "unit_group.districts",
        }
    }

    /// The unit kinds in the group.
    pub fn kinds(self) -> Vec<UnitKind> {
        match self {
            UnitGroup::Departments => vec![UnitKind::CityOffice, UnitKind::Department],
            UnitGroup::Districts => vec![UnitKind::District, UnitKind::Division, UnitKind::Commune],
        }
    }
}

/// A user's role (docs/design.md: Roles).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, sqlx::Type, Serialize, Deserialize)]
#[sqlx(type_name = "user_role", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    CityReviewer,
    UnitHead,
    Officer,
    Viewer,
}

impl Role {
    /// In the order a form offers them: the most common first.
    pub const ALL: [Role; 5] = [
        Role::Officer,
        Role::UnitHead,
        Role::CityReviewer,
        Role::Viewer,
        Role::Admin,
    ];

    pub fn label_key(self) -> &'static str {
        match self {
            Role::Admin => "role.admin",
            Role::CityReviewer => "role.city_reviewer",
            Role::UnitHead => "role.unit_head",
            Role::Officer => "role.officer",
            Role::Viewer => "role.viewer",
        }
    }
}

/// Where a shortcoming or a recommendation comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, sqlx::Type, Serialize, Deserialize)]
#[sqlx(type_name = "source_kind", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    ReviewConference,
    MidTermReview,
    Inspection,
    StateAudit,
    Supervision,
    Other,
}

impl SourceKind {
    pub const ALL: [SourceKind; 6] = [
        SourceKind::ReviewConference,
        SourceKind::MidTermReview,
        SourceKind::Inspection,
        SourceKind::StateAudit,
        SourceKind::Supervision,
        SourceKind::Other,
    ];

    pub fn label_key(self) -> &'static str {
        match self {
            SourceKind::ReviewConference => "source_kind.review_conference",
            SourceKind::MidTermReview => "source_kind.mid_term_review",
            SourceKind::Inspection => "source_kind.inspection",
            SourceKind::StateAudit => "source_kind.state_audit",
            SourceKind::Supervision => "source_kind.supervision",
            SourceKind::Other => "source_kind.other",
        }
    }
}

/// `code()` and `from_code()` for the enums whose catalog label is `"<group>.<code>"`: the code
/// is what forms and URLs carry (`status=in_progress`), the label what people read.
macro_rules! codes {
    ($($t:ident),*) => {$(
        impl $t {
            pub fn code(self) -> &'static str {
                let key = self.label_key();
                &key[key.find('.').map_or(0, |dot| dot + 1)..]
            }

            pub fn from_code(code: &str) -> Option<$t> {
                $t::ALL.into_iter().find(|v| v.code() == code)
            }
        }
    )*};
}

codes!(
    TaskStatus,
    Timeliness,
    UnitKind,
    UnitGroup,
    Role,
    SourceKind,
    NotificationKind
);

/// What an entry of a task's history records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, sqlx::Type, Serialize, Deserialize)]
#[sqlx(type_name = "task_update_kind", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum TaskUpdateKind {
    Created,
    Progress,
    Confirmed,
    Returned,
    Contribution,
    Assignment,
    DeadlineChanged,
    Edited,
    EscalationAnswered,
}

/// State of an extension request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, sqlx::Type, Serialize, Deserialize)]
#[sqlx(type_name = "extension_status", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum ExtensionStatus {
    Pending,
    Approved,
    Rejected,
}

/// State of an escalation to the City.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, sqlx::Type, Serialize, Deserialize)]
#[sqlx(type_name = "escalation_status", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum EscalationStatus {
    Open,
    Answered,
}

/// Outcome of a background job run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, sqlx::Type, Serialize, Deserialize)]
#[sqlx(type_name = "job_outcome", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum JobOutcome {
    Running,
    Succeeded,
    Failed,
}

impl JobOutcome {
    pub fn code(self) -> &'static str {
        match self {
            JobOutcome::Running => "running",
            JobOutcome::Succeeded => "succeeded",
            JobOutcome::Failed => "failed",
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            JobOutcome::Running => "jobs.running",
            JobOutcome::Succeeded => "jobs.succeeded",
            JobOutcome::Failed => "jobs.failed",
        }
    }
}

/// The statuses a progress report may set: "done" only comes from a confirmation; asking for
/// the City's direction is for the unit's head; while a question is open the task waits for
/// the answer.
pub fn progress_statuses(
    current: TaskStatus,
    question_open: bool,
    may_escalate: bool,
) -> Vec<TaskStatus> {
    if question_open && current == TaskStatus::NeedsDirection {
        return vec![TaskStatus::NeedsDirection];
    }
    TaskStatus::ALL
        .into_iter()
        .filter(|s| match s {
            TaskStatus::Done => false,
            TaskStatus::NeedsDirection => may_escalate,
            _ => true,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn done_comes_only_from_a_confirmation() {
        let head = progress_statuses(TaskStatus::InProgress, false, true);
        assert!(!head.contains(&TaskStatus::Done));
        assert!(head.contains(&TaskStatus::NeedsDirection));
        let officer = progress_statuses(TaskStatus::InProgress, false, false);
        assert!(!officer.contains(&TaskStatus::NeedsDirection));
        assert!(officer.contains(&TaskStatus::PendingConfirmation));
        let waiting = progress_statuses(TaskStatus::NeedsDirection, true, true);
        assert_eq!(waiting, [TaskStatus::NeedsDirection]);
    }

    #[test]
    fn label_keys_are_distinct() {
        let mut keys: Vec<&str> = TaskStatus::ALL.iter().map(|s| s.label_key()).collect();
        keys.extend(Timeliness::ALL.iter().map(|t| t.label_key()));
        let before = keys.len();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), before);
    }

    #[test]
    fn codes_round_trip() {
        assert_eq!(TaskStatus::InProgress.code(), "in_progress");
        assert_eq!(Role::from_code("city_reviewer"), Some(Role::CityReviewer));
        for kind in SourceKind::ALL {
            assert_eq!(SourceKind::from_code(kind.code()), Some(kind));
        }
        assert_eq!(UnitKind::from_code("planet"), None);
    }

    #[test]
    fn only_done_is_closed() {
        for s in TaskStatus::ALL {
            assert_eq!(s.is_open(), s != TaskStatus::Done);
        }
    }
}

/// What a notification is about (docs/design.md: Domain, issue of the notifications).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, sqlx::Type, Serialize, Deserialize)]
#[sqlx(type_name = "notification_kind", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    Assigned,
    Overdue,
    DueSoon,
    Stale,
    Returned,
    Confirmed,
    ExtensionDecided,
    EscalationAnswered,
    Reminder,
    ReportDue,
    ReportLate,
    ReportSubmitted,
    ReportReturned,
    ReportAccepted,
    ReportReminder,
}

impl NotificationKind {
    /// In the order the preferences page lists them: the daily work first, the jobs' news after.
    pub const ALL: [NotificationKind; 15] = [
        NotificationKind::Assigned,
        NotificationKind::Returned,
        NotificationKind::Confirmed,
        NotificationKind::ExtensionDecided,
        NotificationKind::EscalationAnswered,
        NotificationKind::Reminder,
        NotificationKind::DueSoon,
        NotificationKind::Overdue,
        NotificationKind::Stale,
        NotificationKind::ReportDue,
        NotificationKind::ReportLate,
        NotificationKind::ReportSubmitted,
        NotificationKind::ReportReturned,
        NotificationKind::ReportAccepted,
        NotificationKind::ReportReminder,
    ];

    pub fn label_key(self) -> &'static str {
        match self {
            NotificationKind::Assigned => "notification_kind.assigned",
            NotificationKind::Overdue => "notification_kind.overdue",
            NotificationKind::DueSoon => "notification_kind.due_soon",
            NotificationKind::Stale => "notification_kind.stale",
            NotificationKind::Returned => "notification_kind.returned",
            NotificationKind::Confirmed => "notification_kind.confirmed",
            NotificationKind::ExtensionDecided => "notification_kind.extension_decided",
            NotificationKind::EscalationAnswered => "notification_kind.escalation_answered",
            NotificationKind::Reminder => "notification_kind.reminder",
            NotificationKind::ReportDue => "notification_kind.report_due",
            NotificationKind::ReportLate => "notification_kind.report_late",
            NotificationKind::ReportSubmitted => "notification_kind.report_submitted",
            NotificationKind::ReportReturned => "notification_kind.report_returned",
            NotificationKind::ReportAccepted => "notification_kind.report_accepted",
            NotificationKind::ReportReminder => "notification_kind.report_reminder",
        }
    }
}
