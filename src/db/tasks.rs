//! Queries about tasks and their history.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{FromRow, PgConnection, PgExecutor, Postgres, QueryBuilder};

use crate::db::directory::{Directory, Names};
use crate::db::files::FileRow;
use crate::db::sql::push_folded_contains;
use crate::domain::filter::{AsOf, TaskFilter, TaskSort};

use crate::domain::{PlanId, ShortcomingId, TaskId, TaskStatus, Timeliness, UnitId, UserId};

/// What the task list shows of a task.
#[derive(Debug, Clone, FromRow)]
pub struct TaskListRow {
    pub id: TaskId,
    pub code: String,
    pub title: String,
    pub shortcoming_id: ShortcomingId,
    /// From the directory, like the lead unit's short name.
    #[sqlx(skip)]
    pub shortcoming_code: String,
    pub lead_unit_id: UnitId,
    #[sqlx(skip)]
    pub lead_unit_name: String,
    pub deadline: Option<NaiveDate>,
    pub status: TaskStatus,
    pub percent_complete: i16,
    pub timeliness: Timeliness,
    pub stale: bool,
    pub marked_for_briefing: bool,
}

/// Appends the conditions of `filter` (every value bound, never spliced into the SQL).
fn push_conditions(query: &mut QueryBuilder<'_, Postgres>, filter: &TaskFilter, as_of: AsOf) {
    query.push(" where true");
    if let Some(shortcoming) = filter.shortcoming {
        query
            .push(" and t.shortcoming_id = ")
            .push_bind(shortcoming);
    }
    if let Some(plan) = filter.plan {
        query.push(" and t.plan_id = ").push_bind(plan);
    }
    if let Some(units) = &filter.units {
        query
            .push(" and (t.lead_unit_id = any(")
            .push_bind(units.clone())
            .push(") or exists (select 1 from task_coordinators c where c.task_id = t.id and c.unit_id = any(")
            .push_bind(units.clone())
            .push(")))");
    }
    if let Some(status) = filter.status {
        query.push(" and t.status = ").push_bind(status);
    }
    if !filter.timeliness.is_empty() {
        push_timeliness(query, &filter.timeliness, as_of);
    }
    if let Some(unit) = filter.lead_unit {
        query.push(" and t.lead_unit_id = ").push_bind(unit);
    }
    if let Some(group) = filter.unit_group {
        query
            .push(" and t.lead_unit_id in (select id from units where kind = any(")
            .push_bind(group.kinds())
            .push("))");
    }
    if let Some(unit) = filter.coordinating_unit {
        query
            .push(" and exists (select 1 from task_coordinators cu where cu.task_id = t.id and cu.unit_id = ")
            .push_bind(unit)
            .push(")");
    }
    if let Some(field) = filter.field {
        query
            .push(" and t.shortcoming_id in (select id from shortcomings where field_id = ")
            .push_bind(field)
            .push(")");
    }
    if let Some(user) = filter.assignee {
        query
            .push(" and exists (select 1 from task_assignees a where a.task_id = t.id and a.user_id = ")
            .push_bind(user)
            .push(")");
    }
    if let Some(from) = filter.deadline_from {
        query.push(" and t.deadline >= ").push_bind(from);
    }
    if let Some(to) = filter.deadline_to {
        query.push(" and t.deadline <= ").push_bind(to);
    }
    if let Some(from) = filter.completed_from {
        query.push(" and t.completed_on >= ").push_bind(from);
    }
    if let Some(to) = filter.completed_to {
        query.push(" and t.completed_on <= ").push_bind(to);
    }
    if let Some(on) = filter.overdue_on {
        query
            .push(" and t.deadline < ")
            .push_bind(on.date)
            .push(" and (t.completed_on is null or t.completed_on > ")
            .push_bind(on.date)
            .push(") and t.created_at < ")
            .push_bind(on.day_end);
    }
    if filter.returned {
        // The latest word on the task's work is a return: nothing reported or confirmed since.
        query.push(
            " and t.status <> 'done' and exists (
                 select 1 from task_updates r
                 where r.task_id = t.id and r.kind = 'returned'
                   and not exists (select 1 from task_updates l
                                   where l.task_id = t.id and l.kind in ('progress', 'confirmed')
                                     and l.created_at > r.created_at))",
        );
    }
    // The flags matter while a task is open (the dashboards count them so).
    if filter.briefing {
        query.push(" and t.marked_for_briefing and t.status <> 'done'");
    }
    if filter.stale {
        query.push(" and t.stale and t.status <> 'done'");
    }
    if let Some(text) = &filter.text {
        // One trigram-indexed LIKE per word: "dat dai" finds "Đất đai".
        for word in text.split_whitespace().take(8) {
            query.push(" and t.search_text like ");
            push_folded_contains(query, word);
        }
    }
}

/// Tasks of any of `classes`: the cases of `task_timeliness()` written as plain conditions on
/// the columns, so that the planner can read them from the partial indexes (a condition on the
/// function's result is opaque to it, and at national scale meant reading every task).
fn push_timeliness(query: &mut QueryBuilder<'_, Postgres>, classes: &[Timeliness], as_of: AsOf) {
    let soon = as_of.today + chrono::Days::new(as_of.due_soon_days.max(0) as u64);
    query.push(" and (false");
    for class in Timeliness::ALL.into_iter().filter(|c| classes.contains(c)) {
        query.push(" or ");
        match class {
            Timeliness::DoneOnTime => query.push(
                "(t.status = 'done' and (t.deadline is null or t.completed_on <= t.deadline))",
            ),
            Timeliness::DoneLate => {
                query.push("(t.status = 'done' and t.completed_on > t.deadline)")
            }
            // Never done (tasks_overdue_not_done); the flag alone matches the partial indexes
            // and is estimated right (with the status beside it, the planner guesses a third).
            Timeliness::Overdue => query.push("t.overdue"),
            Timeliness::NoDeadline => {
                query.push("(t.status <> 'done' and not t.overdue and t.deadline is null)")
            }
            Timeliness::DueSoon => query
                .push("(t.status <> 'done' and not t.overdue and t.deadline <= ")
                .push_bind(soon)
                .push(")"),
            Timeliness::OnTrack => query
                .push("(t.status <> 'done' and not t.overdue and t.deadline > ")
                .push_bind(soon)
                .push(")"),
        };
    }
    query.push(")");
}

/// The `order by` of a list in `sort`'s order. Always ends with the id, so pages never overlap
/// or skip rows.
fn order_by(sort: TaskSort) -> &'static str {
    match sort {
        TaskSort::Deadline => "t.deadline nulls last, t.id",
        TaskSort::DeadlineDesc => "t.deadline desc nulls last, t.id desc",
        TaskSort::Code => "t.code, t.id",
        TaskSort::LastUpdate => "t.last_update_at, t.id",
        TaskSort::Percent => "t.percent_complete, t.deadline nulls last, t.id",
    }
}

/// How far a text search counts its matches (a total past it means "more than this").
pub const SEARCH_COUNT_CAP: i64 = 200;

/// One page of tasks in the filter's order, and the number of all matches (for a text search,
/// at most `SEARCH_COUNT_CAP + 1`).
pub async fn list(
    conn: &mut PgConnection,
    names: Names<'_>,
    filter: &TaskFilter,
    as_of: AsOf,
    limit: i64,
    offset: i64,
) -> Result<(Vec<TaskListRow>, i64), sqlx::Error> {
    let mut query = QueryBuilder::<Postgres>::new(
        "select t.id, t.code, t.title, t.shortcoming_id, t.lead_unit_id, t.deadline, t.status,
                t.percent_complete, task_timeliness(t.status, t.deadline, t.completed_on, t.overdue, ",
    );
    query
        .push_bind(as_of.today)
        .push(", ")
        .push_bind(as_of.due_soon_days)
        .push(
            ") as timeliness, t.stale, t.marked_for_briefing
             from (select t.id from tasks t",
        );
    // The page's ids first, then their rows: a deep page skips its thousands of earlier rows
    // in the index alone (often without reading the table).
    push_conditions(&mut query, filter, as_of);
    query
        .push(" order by ")
        .push(order_by(filter.sort))
        .push(" limit ")
        .push_bind(limit)
        .push(" offset ")
        .push_bind(offset)
        .push(
            ") page
             join tasks t on t.id = page.id
             order by ",
        )
        .push(order_by(filter.sort));
    // A search's plan depends on its words (how many tasks hold "dat"?): planned afresh for
    // them, not from a cached plan that assumes some average word.
    let searching = filter.text.is_some();
    let mut rows: Vec<TaskListRow> = query
        .build_query_as()
        .persistent(!searching)
        .fetch_all(&mut *conn)
        .await?;
    let known = |d: &Directory| {
        rows.iter()
            .all(|r| d.unit(r.lead_unit_id).is_some() && d.shortcoming(r.shortcoming_id).is_some())
    };
    let directory = names.covering(&mut *conn, known).await?;
    for row in &mut rows {
        if let Some(unit) = directory.unit(row.lead_unit_id) {
            row.lead_unit_name = unit.short_name.clone();
        }
        if let Some(shortcoming) = directory.shortcoming(row.shortcoming_id) {
            row.shortcoming_code = shortcoming.code.clone();
        }
    }

    let total = match crate::db::dashboard::list_total(&mut *conn, filter, as_of).await? {
        Some(total) => total,
        None => count(&mut *conn, filter, as_of).await?,
    };
    Ok((rows, total))
}

/// How many tasks `filter` matches, counted from the tasks (for a text search, at most
/// `SEARCH_COUNT_CAP + 1`).
pub async fn count(
    executor: impl PgExecutor<'_>,
    filter: &TaskFilter,
    as_of: AsOf,
) -> Result<i64, sqlx::Error> {
    // A text search counts no further than one past the cap: "dat" is in thousands of tasks,
    // and counting them all would cost more than finding the first page.
    let cap = filter.text.is_some().then_some(SEARCH_COUNT_CAP + 1);
    count_matches(executor, filter, as_of, cap).await
}

/// How many tasks `filter` matches, counting no further than `cap` (what an export checks
/// against the rows a worksheet holds).
pub async fn count_up_to(
    executor: impl PgExecutor<'_>,
    filter: &TaskFilter,
    as_of: AsOf,
    cap: i64,
) -> Result<i64, sqlx::Error> {
    count_matches(executor, filter, as_of, Some(cap)).await
}

async fn count_matches(
    executor: impl PgExecutor<'_>,
    filter: &TaskFilter,
    as_of: AsOf,
    cap: Option<i64>,
) -> Result<i64, sqlx::Error> {
    let searching = filter.text.is_some();
    let mut count = QueryBuilder::<Postgres>::new(if cap.is_some() {
        "select count(*) from (select 1 from tasks t"
    } else {
        "select count(*) from tasks t"
    });
    push_conditions(&mut count, filter, as_of);
    if let Some(cap) = cap {
        count.push(" limit ").push_bind(cap).push(") matches");
    }
    count
        .build_query_scalar()
        .persistent(!searching)
        .fetch_one(executor)
        .await
}

/// What an export shows of a task: the list's columns and more, with the ids of who is
/// responsible (their names are the directory's).
#[derive(Debug, Clone, FromRow)]
pub struct TaskExportRow {
    pub id: TaskId,
    pub code: String,
    pub title: String,
    pub shortcoming_id: ShortcomingId,
    pub plan_id: Option<PlanId>,
    pub lead_unit_id: UnitId,
    pub coordinator_ids: Vec<i64>,
    pub leader_in_charge: String,
    pub assignee_ids: Vec<i64>,
    pub original_deadline: Option<NaiveDate>,
    pub deadline: Option<NaiveDate>,
    pub status: TaskStatus,
    pub percent_complete: i16,
    pub timeliness: Timeliness,
    pub completed_on: Option<NaiveDate>,
    /// What the latest progress report said was done (none: no report with a note yet).
    pub latest_note: Option<String>,
    pub last_update_at: DateTime<Utc>,
}

/// A read-only transaction on a snapshot of its own (repeatable read): the count an export
/// checks, the versions of the directory it names the rows from and the rows themselves all
/// see the same committed data.
pub async fn export_snapshot(
    pool: &sqlx::PgPool,
) -> Result<sqlx::Transaction<'static, Postgres>, sqlx::Error> {
    pool.begin_with("begin isolation level repeatable read, read only")
        .await
}

/// The statement of an export: every task `filter` matches, with the conditions and in the
/// order of the list ([`list`]), so an export holds exactly the list's rows in its order.
pub struct ExportQuery {
    query: QueryBuilder<'static, Postgres>,
    searching: bool,
}

/// [`ExportQuery`] for `filter`.
pub fn export_query(filter: &TaskFilter, as_of: AsOf) -> ExportQuery {
    let mut query = QueryBuilder::<Postgres>::new(
        "select t.id, t.code, t.title, t.shortcoming_id, t.plan_id, t.lead_unit_id,
                array(select c.unit_id from task_coordinators c where c.task_id = t.id)
                    as coordinator_ids,
                t.leader_in_charge,
                array(select a.user_id from task_assignees a where a.task_id = t.id)
                    as assignee_ids,
                t.original_deadline, t.deadline, t.status, t.percent_complete,
                task_timeliness(t.status, t.deadline, t.completed_on, t.overdue, ",
    );
    query
        .push_bind(as_of.today)
        .push(", ")
        .push_bind(as_of.due_soon_days)
        .push(
            ") as timeliness, t.completed_on,
                -- The newest report first in task_updates_task_idx: a look-up per task.
                (select u.note from task_updates u
                 where u.task_id = t.id and u.kind = 'progress' and btrim(u.note) <> ''
                 order by u.created_at desc limit 1) as latest_note,
                t.last_update_at
             from tasks t",
        );
    push_conditions(&mut query, filter, as_of);
    query.push(" order by ").push(order_by(filter.sort));
    ExportQuery {
        query,
        searching: filter.text.is_some(),
    }
}

impl ExportQuery {
    /// The rows as the database sends them, one at a time (never all in memory).
    pub fn rows<'e>(
        &'e mut self,
        conn: &'e mut PgConnection,
    ) -> futures_util::stream::BoxStream<'e, Result<TaskExportRow, sqlx::Error>> {
        self.query
            .build_query_as()
            .persistent(!self.searching)
            .fetch(conn)
    }
}

/// Everything the task page shows about the task itself.
#[derive(Debug, Clone, FromRow)]
pub struct TaskDetail {
    pub id: TaskId,
    pub code: String,
    pub title: String,
    pub description: String,
    pub expected_result: String,
    pub shortcoming_id: ShortcomingId,
    /// The names from here to the lead unit's come from the directory ([`FoundTask::named`]).
    #[sqlx(skip)]
    pub shortcoming_code: String,
    #[sqlx(skip)]
    pub shortcoming_title: String,
    pub plan_id: Option<PlanId>,
    #[sqlx(skip)]
    pub plan_doc_number: Option<String>,
    #[sqlx(skip)]
    pub plan_title: Option<String>,
    pub lead_unit_id: UnitId,
    #[sqlx(skip)]
    pub lead_unit_name: String,
    pub leader_in_charge: String,
    pub original_deadline: Option<NaiveDate>,
    pub deadline: Option<NaiveDate>,
    pub status: TaskStatus,
    pub percent_complete: i16,
    pub completed_on: Option<NaiveDate>,
    pub overdue_since: Option<NaiveDate>,
    pub stale: bool,
    pub marked_for_briefing: bool,
    pub reminder_count: i32,
    pub last_update_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub timeliness: Timeliness,
    /// For the optimistic lock: forms send it back, a save is refused if it moved.
    pub row_version: i32,
    /// When this was read (the database's clock): what happened after it is "meanwhile".
    pub read_at: DateTime<Utc>,
    /// An extension request waits for the City's decision (the page then reads it).
    pub has_pending_extension: bool,
    /// A question to the City waits for its answer (the page then reads it).
    pub has_open_escalation: bool,
}

impl TaskDetail {
    /// True when an approved extension moved the deadline.
    pub fn deadline_extended(&self) -> bool {
        self.original_deadline != self.deadline
    }
}

/// The task page's reading of a task, in one statement: the task with the ids of its
/// coordinating units and of the officers following it (their names are the directory's).
#[derive(Debug, Clone, FromRow)]
pub struct FoundTask {
    #[sqlx(flatten)]
    pub task: TaskDetail,
    coordinator_ids: Vec<i64>,
    /// Each coordinating unit's role, in the order of `coordinator_ids`.
    coordinator_roles: Vec<String>,
    assignee_ids: Vec<i64>,
}

impl FoundTask {
    /// True when `directory` knows every unit, person, shortcoming and plan the task names.
    pub fn names_known(&self, directory: &Directory) -> bool {
        let task = &self.task;
        directory.unit(task.lead_unit_id).is_some()
            && directory.shortcoming(task.shortcoming_id).is_some()
            && task.plan_id.is_none_or(|p| directory.plan(p).is_some())
            && self
                .coordinator_ids
                .iter()
                .all(|u| directory.unit(UnitId(*u)).is_some())
            && self
                .assignee_ids
                .iter()
                .all(|u| directory.user(UserId(*u)).is_some())
    }

    /// The task with its names, its coordinating units (in the order lists show units) and
    /// the officers following it (by name).
    pub fn named(
        self,
        directory: &Directory,
    ) -> (TaskDetail, Vec<CoordinatorRow>, Vec<AssigneeRow>) {
        let mut task = self.task;
        if let Some(s) = directory.shortcoming(task.shortcoming_id) {
            task.shortcoming_code = s.code.clone();
            task.shortcoming_title = s.title.clone();
        }
        if let Some(p) = task.plan_id.and_then(|p| directory.plan(p)) {
            task.plan_doc_number = p.doc_number.clone();
            task.plan_title = Some(p.title.clone());
        }
        if let Some(u) = directory.unit(task.lead_unit_id) {
            task.lead_unit_name = u.name.clone();
        }
        let mut coordinators: Vec<(i32, CoordinatorRow)> = self
            .coordinator_ids
            .into_iter()
            .zip(self.coordinator_roles)
            .map(|(id, role_text)| {
                let unit = directory.unit(UnitId(id));
                let row = CoordinatorRow {
                    unit_id: UnitId(id),
                    unit_name: unit.map(|u| u.name.clone()).unwrap_or_default(),
                    role_text,
                };
                (unit.map_or(i32::MAX, |u| u.sort_order), row)
            })
            .collect();
        coordinators.sort_by(|(a_order, a), (b_order, b)| {
            (a_order, &a.unit_name).cmp(&(b_order, &b.unit_name))
        });
        let mut assignees: Vec<AssigneeRow> = self
            .assignee_ids
            .into_iter()
            .map(|id| {
                let user = directory.user(UserId(id));
                AssigneeRow {
                    user_id: UserId(id),
                    full_name: user.map(|u| u.full_name.clone()).unwrap_or_default(),
                    title: user.map(|u| u.title.clone()).unwrap_or_default(),
                }
            })
            .collect();
        assignees.sort_by(|a, b| (&a.full_name, a.user_id).cmp(&(&b.full_name, b.user_id)));
        (
            task,
            coordinators.into_iter().map(|(_, row)| row).collect(),
            assignees,
        )
    }
}

/// The task `id` with the ids of who is responsible for it.
pub async fn find(
    executor: impl PgExecutor<'_>,
    id: TaskId,
    as_of: AsOf,
) -> Result<Option<FoundTask>, sqlx::Error> {
    sqlx::query_as(
        "select t.id, t.code, t.title, t.description, t.expected_result, t.shortcoming_id,
                t.plan_id, t.lead_unit_id, t.leader_in_charge, t.original_deadline, t.deadline,
                t.status, t.percent_complete, t.completed_on, t.overdue_since, t.stale,
                t.marked_for_briefing, t.reminder_count, t.last_update_at, t.created_at,
                task_timeliness(t.status, t.deadline, t.completed_on, t.overdue, $2, $3) as timeliness,
                t.row_version, now() as read_at,
                exists (select 1 from extension_requests x
                        where x.task_id = t.id and x.status = 'pending') as has_pending_extension,
                exists (select 1 from escalations x
                        where x.task_id = t.id and x.status = 'open') as has_open_escalation,
                c.coordinator_ids, c.coordinator_roles,
                array(select a.user_id from task_assignees a where a.task_id = t.id) as assignee_ids
         from tasks t
         -- One pass over the task's coordinating units fills both arrays, in the same order.
         cross join lateral (
             select coalesce(array_agg(unit_id), '{}') as coordinator_ids,
                    coalesce(array_agg(role_text), '{}') as coordinator_roles
             from task_coordinators where task_id = t.id) c
         where t.id = $1",
    )
    .bind(id)
    .bind(as_of.today)
    .bind(as_of.due_soon_days)
    .fetch_optional(executor)
    .await
}

/// A coordinating unit of a task.
#[derive(Debug, Clone)]
pub struct CoordinatorRow {
    pub unit_id: UnitId,
    pub unit_name: String,
    pub role_text: String,
}

/// An officer following a task.
#[derive(Debug, Clone)]
pub struct AssigneeRow {
    pub user_id: UserId,
    pub full_name: String,
    pub title: String,
}

/// What happened on a task, for its timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum HistoryEvent {
    Created,
    Progress,
    Confirmed,
    Returned,
    Contribution,
    Assignment,
    DeadlineChanged,
    Edited,
    ExtensionRequested,
    ExtensionApproved,
    ExtensionRejected,
    EscalationRaised,
    EscalationAnswered,
    Reminder,
}

impl HistoryEvent {
    /// A CSS class suffix for the timeline entry.
    pub fn css(self) -> &'static str {
        self.label_key().trim_start_matches("history.")
    }

    pub fn label_key(self) -> &'static str {
        match self {
            HistoryEvent::Created => "history.created",
            HistoryEvent::Progress => "history.progress",
            HistoryEvent::Confirmed => "history.confirmed",
            HistoryEvent::Returned => "history.returned",
            HistoryEvent::Contribution => "history.contribution",
            HistoryEvent::Assignment => "history.assignment",
            HistoryEvent::DeadlineChanged => "history.deadline_changed",
            HistoryEvent::Edited => "history.edited",
            HistoryEvent::ExtensionRequested => "history.extension_requested",
            HistoryEvent::ExtensionApproved => "history.extension_approved",
            HistoryEvent::ExtensionRejected => "history.extension_rejected",
            HistoryEvent::EscalationRaised => "history.escalation_raised",
            HistoryEvent::EscalationAnswered => "history.escalation_answered",
            HistoryEvent::Reminder => "history.reminder",
        }
    }
}

/// One entry of a task's timeline.
#[derive(Debug, Clone, FromRow)]
pub struct HistoryEntry {
    pub at: DateTime<Utc>,
    pub event: HistoryEvent,
    pub actor_id: Option<UserId>,
    /// The unit the entry was made for, when it was recorded (else the actor's).
    pub entry_unit_id: Option<UnitId>,
    /// The names from here to the reminder's unit come from the directory ([`Self::name`]).
    #[sqlx(skip)]
    pub actor_name: Option<String>,
    #[sqlx(skip)]
    pub unit_name: Option<String>,
    pub status_after: Option<TaskStatus>,
    pub percent: Option<i16>,
    pub note: String,
    pub date_value: Option<NaiveDate>,
    pub doc_number: Option<String>,
    pub target_unit_id: Option<UnitId>,
    /// The unit a reminder was sent to.
    #[sqlx(skip)]
    pub target_unit: Option<String>,
    /// The history row or extension request the entry comes from (for its files).
    pub update_id: Option<i64>,
    pub extension_id: Option<i64>,
    /// Evidence and documents attached to this entry.
    #[sqlx(json)]
    pub files: Vec<FileRow>,
}

impl HistoryEntry {
    /// True when `directory` knows the entry's actor and units.
    pub fn names_known(&self, directory: &Directory) -> bool {
        self.actor_id.is_none_or(|u| directory.user(u).is_some())
            && self
                .entry_unit_id
                .is_none_or(|u| directory.unit(u).is_some())
            && self
                .target_unit_id
                .is_none_or(|u| directory.unit(u).is_some())
    }

    /// Fills in the names of the actor and the units.
    pub fn name(&mut self, directory: &Directory) {
        let actor = self.actor_id.and_then(|u| directory.user(u));
        self.actor_name = actor.map(|u| u.full_name.clone());
        let unit = self.entry_unit_id.or(actor.map(|u| u.unit_id));
        self.unit_name = unit
            .and_then(|u| directory.unit(u))
            .map(|u| u.short_name.clone());
        self.target_unit = self
            .target_unit_id
            .and_then(|u| directory.unit(u))
            .map(|u| u.short_name.clone());
    }

    /// For an edit by the City, the catalog keys of what changed (the note holds their codes).
    pub fn changed_fields(&self) -> Vec<&'static str> {
        if self.event != HistoryEvent::Edited {
            return Vec::new();
        }
        self.note
            .split(',')
            .filter_map(|code| EDITABLE_FIELDS.iter().find(|(c, _)| *c == code.trim()))
            .map(|(_, key)| *key)
            .collect()
    }

    /// What the entry's date is: the proposed deadline of a request, the deadline a decision
    /// or an edit set.
    pub fn date_label_key(&self) -> &'static str {
        match self.event {
            HistoryEvent::ExtensionRequested | HistoryEvent::ExtensionRejected => {
                "history.new_deadline"
            }
            HistoryEvent::Created => "task.deadline",
            _ => "history.deadline_set",
        }
    }

    /// The free text of the entry (an edit's note is its list of changed fields instead).
    pub fn text(&self) -> &str {
        if self.event == HistoryEvent::Edited {
            ""
        } else {
            &self.note
        }
    }
}

/// The task details the City may change, as recorded in an edit's note, with their labels.
pub const EDITABLE_FIELDS: [(&str, &str); 10] = [
    ("shortcoming", "task.shortcoming"),
    ("plan", "task.plan"),
    ("title", "task.title"),
    ("description", "task.description"),
    ("expected_result", "task.expected_result"),
    ("lead_unit", "task.lead_unit"),
    ("coordinators", "task.coordinating_units"),
    ("leader_in_charge", "task.leader_in_charge"),
    ("deadline", "task.deadline"),
    ("assignees", "task.assignees"),
];

/// The task's timeline, newest first (only entries after `since`, when given): updates,
/// extension requests and decisions, escalations, reminders; each with its files, in one
/// statement (the names are the directory's: [`HistoryEntry::name`]).
pub async fn history(
    executor: impl PgExecutor<'_>,
    id: TaskId,
    since: Option<DateTime<Utc>>,
) -> Result<Vec<HistoryEntry>, sqlx::Error> {
    sqlx::query_as(
        "select h.at, h.event, h.actor_id, h.unit_id as entry_unit_id, h.status_after,
                h.percent, h.note, h.date_value, h.doc_number, h.target_unit_id,
                h.update_id, h.extension_id,
                (select coalesce(json_agg(json_build_object(
                            'id', a.id, 'file_name', a.file_name, 'content_type', a.content_type,
                            'size_bytes', a.size_bytes, 'created_at', a.created_at)
                            order by a.id), '[]')
                 from attachments a
                 where a.task_update_id = h.update_id
                    or (a.extension_request_id = h.extension_id
                        and h.event = 'extension_requested')) as files
         from (
             select created_at as at, kind::text as event, author_id as actor_id, unit_id,
                    status_after, percent, note, deadline_after as date_value,
                    null::text as doc_number, null::bigint as target_unit_id, id as update_id,
                    null::bigint as extension_id
             from task_updates where task_id = $1
           union all
             select created_at, 'extension_requested', requested_by, null, null, null, reason,
                    proposed_deadline, doc_number, null, null, id
             from extension_requests where task_id = $1
           union all
             select decided_at, 'extension_' || status::text, decided_by, null, null, null,
                    decision_note, proposed_deadline, null, null, null, null
             from extension_requests where task_id = $1 and status <> 'pending'
           union all
             select created_at, 'escalation_raised', raised_by, null, null, null, question,
                    null, null, null, null, null
             from escalations where task_id = $1
           union all
             select created_at, 'reminder', sent_by, null, null, null, message, null,
                    doc_number, unit_id, null, null
             from reminders where task_id = $1
         ) h
         where $2::timestamptz is null or h.at > $2
         order by h.at desc, h.event",
    )
    .bind(id)
    .bind(since)
    .fetch_all(executor)
    .await
}
