//! What a list shows: the filters of the task and plan lists, their orders, and the day and
//! thresholds that a task's timeliness is judged by. Plain values; `db` turns them into SQL.

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::{
    FieldId, PlanId, PlanStatus, ShortcomingId, TaskStatus, Timeliness, UnitGroup, UnitId, UserId,
};

/// Which tasks a list shows. Every field narrows the list; `None` means "any".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TaskFilter {
    pub shortcoming: Option<ShortcomingId>,
    pub plan: Option<PlanId>,
    /// Only tasks these units lead or coordinate (the user's scope; `None`: every task).
    pub units: Option<Vec<i64>>,
    pub status: Option<TaskStatus>,
    /// Any of these classes (empty: any class).
    pub timeliness: Vec<Timeliness>,
    pub lead_unit: Option<UnitId>,
    /// Led by a unit of this group.
    pub unit_group: Option<UnitGroup>,
    pub coordinating_unit: Option<UnitId>,
    pub field: Option<FieldId>,
    pub assignee: Option<UserId>,
    pub deadline_from: Option<NaiveDate>,
    pub deadline_to: Option<NaiveDate>,
    pub completed_from: Option<NaiveDate>,
    pub completed_to: Option<NaiveDate>,
    /// Overdue at the end of that day, judged by the current deadline (an approved extension
    /// replaces the old deadline for the counts, as the regulations have it).
    pub overdue_on: Option<OverdueOn>,
    /// Returned for rework and not reported again since.
    pub returned: bool,
    pub briefing: bool,
    pub stale: bool,
    /// Words that must all appear in the code, title or description, diacritics ignored.
    pub text: Option<String>,
    pub sort: TaskSort,
}

/// A day on which tasks are checked for being overdue, and when that day ends in the City's
/// time zone (a task created later did not exist yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OverdueOn {
    pub date: NaiveDate,
    pub day_end: DateTime<Utc>,
}

/// How a task list is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TaskSort {
    /// Soonest deadline first, ongoing tasks last.
    #[default]
    Deadline,
    /// Latest deadline first.
    DeadlineDesc,
    Code,
    /// Least recently updated first (who has gone quiet).
    LastUpdate,
    /// Least advanced first.
    Percent,
}

impl TaskSort {
    pub const ALL: [TaskSort; 5] = [
        TaskSort::Deadline,
        TaskSort::DeadlineDesc,
        TaskSort::Code,
        TaskSort::LastUpdate,
        TaskSort::Percent,
    ];

    pub fn code(self) -> &'static str {
        match self {
            TaskSort::Deadline => "deadline",
            TaskSort::DeadlineDesc => "deadline_desc",
            TaskSort::Code => "code",
            TaskSort::LastUpdate => "updated",
            TaskSort::Percent => "percent",
        }
    }

    pub fn from_code(code: &str) -> Option<TaskSort> {
        TaskSort::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            TaskSort::Deadline => "sort.deadline",
            TaskSort::DeadlineDesc => "sort.deadline_desc",
            TaskSort::Code => "sort.code",
            TaskSort::LastUpdate => "sort.updated",
            TaskSort::Percent => "sort.percent",
        }
    }
}

/// Evaluation date and thresholds that timeliness depends on.
#[derive(Debug, Clone, Copy)]
pub struct AsOf {
    pub today: NaiveDate,
    pub due_soon_days: i32,
}

/// Which plans a list shows. Every field narrows the list; `None` means "any".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlanFilter {
    /// Only plans of these units (the user's scope; `None`: every plan).
    pub units: Option<Vec<i64>>,
    pub unit: Option<UnitId>,
    /// Plans of units in this group.
    pub group: Option<UnitGroup>,
    pub status: Option<PlanStatus>,
    pub shortcoming: Option<ShortcomingId>,
    /// Words that must all appear in the number, title or unit name, diacritics ignored.
    pub text: Option<String>,
}
