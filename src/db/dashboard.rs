//! The dashboards' figures (docs/design.md: Pages). Every figure is a count of tasks the task
//! list can show with the same conditions: the pages link each number to that list, and the
//! tests hold the two to each other.
//!
//! Without a period the counts come from `task_stats` (per lead unit and shortcoming, kept by a
//! trigger on `tasks`, see its migration) plus a live count of the tasks due soon; with a period
//! (deadlines inside it) they are counted from the tasks themselves, with the same terms.

use chrono::NaiveDate;
use sqlx::{FromRow, PgExecutor, PgPool, Postgres, QueryBuilder};

use crate::domain::filter::{AsOf, TaskFilter};
use crate::domain::{FieldId, ShortcomingId, TaskStatus, Timeliness, UnitGroup, UnitId, UserId};

/// Which tasks a dashboard counts. The task list's links carry the same conditions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// Tasks whose current deadline falls in this period (both ends included).
    pub period: Option<(NaiveDate, NaiveDate)>,
    pub field: Option<FieldId>,
    pub group: Option<UnitGroup>,
    /// Tasks this unit leads.
    pub unit: Option<UnitId>,
}

/// How many tasks fall in each class. `open_dated` holds on-track and due-soon tasks together
/// (what the stored counts can know without today's date); `due_soon` is counted live.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, FromRow)]
pub struct Counts {
    pub total: i64,
    pub done_on_time: i64,
    pub done_late: i64,
    pub overdue: i64,
    pub open_dated: i64,
    pub open_undated: i64,
    pub due_soon: i64,
    pub not_started: i64,
    pub in_progress: i64,
    pub pending_confirmation: i64,
    pub needs_direction: i64,
    pub stale: i64,
    pub briefing: i64,
}

impl Counts {
    pub fn done(&self) -> i64 {
        self.done_on_time + self.done_late
    }

    /// Open and not overdue: on track, due soon, or without a deadline.
    pub fn open_in_time(&self) -> i64 {
        self.open_dated + self.open_undated
    }

    /// Open, not overdue, with more than the due-soon margin left.
    pub fn on_track(&self) -> i64 {
        self.open_dated - self.due_soon
    }

    /// Share of the tasks that are done, in percent.
    pub fn completion_rate(&self) -> Option<f64> {
        rate(self.done(), self.total)
    }

    /// The completion rate in whole percent (for progress bars).
    pub fn completion_percent(&self) -> i64 {
        self.completion_rate().map_or(0, |r| r.floor() as i64)
    }

    /// How many tasks are in `status` (done: on time and late together).
    pub fn with_status(&self, status: TaskStatus) -> i64 {
        match status {
            TaskStatus::NotStarted => self.not_started,
            TaskStatus::InProgress => self.in_progress,
            TaskStatus::PendingConfirmation => self.pending_confirmation,
            TaskStatus::NeedsDirection => self.needs_direction,
            TaskStatus::Done => self.done(),
        }
    }

    /// Share of the done tasks that were done by their deadline, in percent.
    pub fn on_time_rate(&self) -> Option<f64> {
        rate(self.done_on_time, self.done())
    }
}

fn rate(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 * 100.0 / whole as f64)
}

/// The counts of one field, shortcoming or unit.
#[derive(Debug, Clone)]
pub struct Group<K> {
    pub key: K,
    pub code: String,
    pub name: String,
    /// Fields have an English name too.
    pub name_en: String,
    pub counts: Counts,
}

impl<K> Group<K> {
    /// The name in the reader's language.
    pub fn label(&self, vi: bool) -> &str {
        if vi || self.name_en.is_empty() {
            &self.name
        } else {
            &self.name_en
        }
    }
}

/// Everything the City dashboard counts, in one pass over the stored counts.
#[derive(Debug, Clone, Default)]
pub struct Figures {
    pub all: Counts,
    pub by_field: Vec<Group<FieldId>>,
    pub by_shortcoming: Vec<Group<ShortcomingId>>,
    /// Without filters their `due_soon` is not counted (0): the ranking shows no such column.
    pub by_unit: Vec<Group<UnitId>>,
}

#[derive(FromRow)]
struct GroupRow {
    level: i32,
    field_id: Option<FieldId>,
    shortcoming_id: Option<ShortcomingId>,
    lead_unit_id: Option<UnitId>,
    code: Option<String>,
    name: Option<String>,
    name_en: Option<String>,
    #[sqlx(flatten)]
    counts: Counts,
}

impl GroupRow {
    fn into_group<K>(self, key: K) -> Group<K> {
        Group {
            key,
            code: self.code.unwrap_or_default(),
            name: self.name.unwrap_or_default(),
            name_en: self.name_en.unwrap_or_default(),
            counts: self.counts,
        }
    }
}

/// The count columns, in the order of [`Counts`] and of the views `task_stat_rows*` and
/// `task_due_soon_rows` (migration `20261205000006`; a test compares them).
pub const COUNT_COLUMNS: [&str; 13] = [
    "total",
    "done_on_time",
    "done_late",
    "overdue",
    "open_dated",
    "open_undated",
    "due_soon",
    "not_started",
    "in_progress",
    "pending_confirmation",
    "needs_direction",
    "stale",
    "briefing",
];

/// How the tasks due soon are read.
#[derive(Clone, Copy)]
enum DueSoon {
    /// A row per task due by this day (the caller's conditions reach into the scan).
    Each(NaiveDate),
    /// A row per key, counted in the scan of the partial index (for keys without conditions).
    Counted(NaiveDate),
}

/// Appends the rows of `view` (stored counts keyed by `keys`, with the changes not folded
/// yet) and rows of the tasks due soon, all with `keys` and every count column.
fn push_stored(query: &mut QueryBuilder<'_, Postgres>, keys: &str, view: &str, soon: DueSoon) {
    push_stored_only(query, keys, view);
    let (counts, until) = match soon {
        DueSoon::Each(until) => (COUNT_COLUMNS.join(", "), until),
        DueSoon::Counted(until) => {
            let counted = COUNT_COLUMNS.map(|c| match c {
                "due_soon" => "count(*)::integer",
                _ => "0",
            });
            (counted.join(", "), until)
        }
    };
    query
        .push(format!(
            " union all select {keys}, {counts} from task_due_soon_rows where deadline <= "
        ))
        .push_bind(until);
    if let DueSoon::Counted(_) = soon {
        query.push(format!(" group by {keys}"));
    }
}

/// The rows of `view` (the stored counts and the changes not folded into them yet), without
/// the tasks due soon.
fn push_stored_only(query: &mut QueryBuilder<'_, Postgres>, keys: &str, view: &str) {
    query.push(format!(
        "select {keys}, {} from {view}",
        COUNT_COLUMNS.join(", ")
    ));
}

/// How many tasks the task list's `filter` matches, from the stored counts, when it asks only
/// for what they hold: the lead unit, its group, the shortcoming or its field, and one of a
/// status, a set of timeliness classes, stale or marked for the briefing. `None` for any other
/// filter (a user's scope, a text, dates…), which the list counts from the tasks. A broad list
/// at national scale then counts a few rows instead of up to two million tasks.
pub async fn list_total(
    executor: impl PgExecutor<'_>,
    filter: &TaskFilter,
    as_of: AsOf,
) -> Result<Option<i64>, sqlx::Error> {
    // Every field named, so that a new filter cannot be overlooked here.
    let TaskFilter {
        shortcoming,
        plan,
        units,
        status,
        timeliness,
        lead_unit,
        unit_group,
        coordinating_unit,
        field,
        assignee,
        deadline_from,
        deadline_to,
        completed_from,
        completed_to,
        overdue_on,
        returned,
        briefing,
        stale,
        text,
        sort: _,
    } = filter;
    let elsewhere = plan.is_some()
        || units.is_some()
        || coordinating_unit.is_some()
        || assignee.is_some()
        || deadline_from.is_some()
        || deadline_to.is_some()
        || completed_from.is_some()
        || completed_to.is_some()
        || overdue_on.is_some()
        || *returned
        || text.is_some();
    let measures = [status.is_some(), !timeliness.is_empty(), *briefing, *stale];
    if elsewhere || measures.iter().filter(|m| **m).count() > 1 {
        return Ok(None);
    }
    let (sum, due_soon) = if let Some(status) = status {
        let column = match status {
            TaskStatus::NotStarted => "c.not_started",
            TaskStatus::InProgress => "c.in_progress",
            TaskStatus::PendingConfirmation => "c.pending_confirmation",
            TaskStatus::NeedsDirection => "c.needs_direction",
            TaskStatus::Done => "c.done_on_time + c.done_late",
        };
        (column.to_string(), false)
    } else if !timeliness.is_empty() {
        timeliness_sum(timeliness)
    } else if *briefing {
        ("c.briefing".to_string(), false)
    } else if *stale {
        ("c.stale".to_string(), false)
    } else {
        ("c.total".to_string(), false)
    };

    // The coarsest table that holds the conditions.
    let by_unit = lead_unit.is_some() || unit_group.is_some();
    let by_shortcoming = shortcoming.is_some() || field.is_some();
    let (keys, table) = match (by_unit, by_shortcoming) {
        (true, true) => ("lead_unit_id, shortcoming_id", "task_stat_rows"),
        (true, false) => ("lead_unit_id", "task_stat_rows_by_unit"),
        (false, _) => ("shortcoming_id", "task_stat_rows_by_shortcoming"),
    };
    let mut query =
        QueryBuilder::<Postgres>::new(format!("select coalesce(sum({sum}), 0)::bigint from ("));
    if due_soon {
        push_stored(
            &mut query,
            keys,
            table,
            DueSoon::Counted(due_soon_until(as_of)),
        );
    } else {
        push_stored_only(&mut query, keys, table);
    }
    query.push(") c");
    if field.is_some() {
        query.push(" join shortcomings s on s.id = c.shortcoming_id");
    }
    if unit_group.is_some() {
        query.push(" join units u on u.id = c.lead_unit_id");
    }
    query.push(" where true");
    if let Some(shortcoming) = shortcoming {
        query
            .push(" and c.shortcoming_id = ")
            .push_bind(*shortcoming);
    }
    if let Some(unit) = lead_unit {
        query.push(" and c.lead_unit_id = ").push_bind(*unit);
    }
    push_scope(
        &mut query,
        &Scope {
            field: *field,
            group: *unit_group,
            ..Scope::default()
        },
        "c.lead_unit_id",
    );
    query
        .build_query_scalar()
        .fetch_one(executor)
        .await
        .map(Some)
}

/// The sum of the stored columns that make up `classes`, and whether it needs the tasks due
/// soon counted (on track and due soon are stored together, as `open_dated`).
fn timeliness_sum(classes: &[Timeliness]) -> (String, bool) {
    let has = |c| classes.contains(&c);
    let mut terms = Vec::new();
    let mut due_soon = false;
    match (has(Timeliness::OnTrack), has(Timeliness::DueSoon)) {
        (true, true) => terms.push("c.open_dated"),
        (true, false) => {
            terms.push("c.open_dated - c.due_soon");
            due_soon = true;
        }
        (false, true) => {
            terms.push("c.due_soon");
            due_soon = true;
        }
        (false, false) => {}
    }
    for (class, column) in [
        (Timeliness::Overdue, "c.overdue"),
        (Timeliness::NoDeadline, "c.open_undated"),
        (Timeliness::DoneOnTime, "c.done_on_time"),
        (Timeliness::DoneLate, "c.done_late"),
    ] {
        if has(class) {
            terms.push(column);
        }
    }
    (terms.join(" + "), due_soon)
}

/// The last deadline a task may have to count as due soon.
fn due_soon_until(as_of: AsOf) -> NaiveDate {
    as_of.today + chrono::Days::new(as_of.due_soon_days.max(0) as u64)
}

/// Appends the rows to count, one or more per (lead unit, shortcoming), with every count
/// column, as the subquery `c`.
fn push_counted(query: &mut QueryBuilder<'_, Postgres>, scope: &Scope, as_of: AsOf) {
    let soon = due_soon_until(as_of);
    match scope.period {
        None => {
            query.push("(");
            push_stored(
                query,
                "lead_unit_id, shortcoming_id",
                "task_stat_rows",
                DueSoon::Each(soon),
            );
            query.push(") c");
        }
        Some((from, to)) => {
            query
                .push(
                    "(select t.lead_unit_id, t.shortcoming_id, x.total, x.done_on_time,
                             x.done_late, x.overdue, x.open_dated, x.open_undated,
                             (t.status <> 'done' and not t.overdue and t.deadline <= ",
                )
                .push_bind(soon)
                .push(
                    ")::integer as due_soon, x.not_started, x.in_progress,
                             x.pending_confirmation, x.needs_direction, x.stale, x.briefing
                      from tasks t,
                           lateral task_stat_terms(t.status, t.deadline, t.completed_on,
                                                   t.overdue, t.stale, t.marked_for_briefing) x
                      where true",
                );
            push_period(query, (from, to));
            query.push(") c");
        }
    }
}

/// The sums of every count column of the rows `c`.
fn sums() -> String {
    COUNT_COLUMNS
        .iter()
        .map(|c| format!("coalesce(sum(c.{c}), 0)::bigint as {c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The unfiltered dashboard's totals, fields and shortcomings, as `figures` numbers them, from
/// the totals kept per shortcoming (`rollup_units` reads those per unit): a few thousand rows
/// at national scale instead of every (unit, shortcoming) pair.
fn push_rollup_groups(query: &mut QueryBuilder<'_, Postgres>, as_of: AsOf) {
    let sums = sums();
    let soon = DueSoon::Counted(due_soon_until(as_of));
    // grouping(field, shortcoming) is 3, 1, 0 where grouping(field, shortcoming, unit) is
    // 7, 3, 1.
    query.push(format!(
        "select grouping(s.field_id, c.shortcoming_id) * 2 + 1 as level, s.field_id,
                 c.shortcoming_id, null::bigint as lead_unit_id, {sums}
          from ("
    ));
    push_stored(
        query,
        "shortcoming_id",
        "task_stat_rows_by_shortcoming",
        soon,
    );
    query.push(
        ") c join shortcomings s on s.id = c.shortcoming_id
          group by grouping sets ((), (s.field_id), (s.field_id, c.shortcoming_id))",
    );
}

/// The scope's conditions on the lead unit `lead` (a column), its row `u` and the shortcoming
/// row `s`.
fn push_scope(query: &mut QueryBuilder<'_, Postgres>, scope: &Scope, lead: &str) {
    if let Some(field) = scope.field {
        query.push(" and s.field_id = ").push_bind(field);
    }
    if let Some(group) = scope.group {
        query
            .push(" and u.kind = any(")
            .push_bind(group.kinds())
            .push(")");
    }
    if let Some(unit) = scope.unit {
        query.push(format!(" and {lead} = ")).push_bind(unit);
    }
}

/// `select <columns> <the sums of every count>` over the rows to count in `scope`, joined to
/// their shortcoming `s` and unit `u`; the caller groups them.
fn push_sums(query: &mut QueryBuilder<'_, Postgres>, columns: &str, scope: &Scope, as_of: AsOf) {
    query.push(format!("select {columns}{} from ", sums()));
    push_counted(query, scope, as_of);
    query.push(
        " join shortcomings s on s.id = c.shortcoming_id
          join units u on u.id = c.lead_unit_id
          where true",
    );
    push_scope(query, scope, "c.lead_unit_id");
}

/// The totals of `scope` alone.
pub async fn totals(
    executor: impl PgExecutor<'_>,
    scope: &Scope,
    as_of: AsOf,
) -> Result<Counts, sqlx::Error> {
    let mut query = QueryBuilder::<Postgres>::new("");
    push_sums(&mut query, "", scope, as_of);
    query.build_query_as().fetch_one(executor).await
}

/// The totals, and the counts per field, per shortcoming and per lead unit.
pub async fn figures(
    executor: impl PgExecutor<'_> + Copy,
    scope: &Scope,
    as_of: AsOf,
) -> Result<Figures, sqlx::Error> {
    let mut query = QueryBuilder::<Postgres>::new(
        "select g.*,
                coalesce(sh.code, f.code, un.code) as code,
                coalesce(sh.title, f.name_vi, un.short_name) as name,
                coalesce(sh.title, f.name_en, un.short_name) as name_en
         from (",
    );
    let unfiltered = *scope == Scope::default();
    if unfiltered {
        push_rollup_groups(&mut query, as_of);
    } else {
        push_sums(
            &mut query,
            "grouping(s.field_id, c.shortcoming_id, c.lead_unit_id) as level,
             s.field_id, c.shortcoming_id, c.lead_unit_id, ",
            scope,
            as_of,
        );
        query.push(
            " group by grouping sets ((), (s.field_id), (s.field_id, c.shortcoming_id),
                                     (c.lead_unit_id))",
        );
    }
    query.push(
        ") g
          left join fields f on f.id = g.field_id and g.level = 3
          left join shortcomings sh on sh.id = g.shortcoming_id
          left join units un on un.id = g.lead_unit_id
          order by g.level, f.sort_order, sh.code, un.sort_order, un.short_name",
    );
    let mut rows: Vec<GroupRow> = query.build_query_as().fetch_all(executor).await?;
    if unfiltered {
        rows.extend(rollup_units(executor).await?);
    }
    let mut figures = Figures::default();
    for row in rows {
        // `level` says which grouping set the row sums (grouping() of the three columns).
        match (
            row.level,
            row.field_id,
            row.shortcoming_id,
            row.lead_unit_id,
        ) {
            (7, ..) => figures.all = row.counts,
            (3, Some(field), ..) => figures.by_field.push(row.into_group(field)),
            (1, _, Some(shortcoming), _) => {
                figures.by_shortcoming.push(row.into_group(shortcoming))
            }
            (6, _, _, Some(unit)) => figures.by_unit.push(row.into_group(unit)),
            _ => {}
        }
    }
    Ok(figures)
}

/// The unfiltered dashboard's units (level 6), from the totals kept per unit, in no order (the
/// ranking orders them) and without their tasks due soon (the ranking shows no such column:
/// at national scale that count was a quarter of the page's time).
async fn rollup_units(executor: impl PgExecutor<'_>) -> Result<Vec<GroupRow>, sqlx::Error> {
    let mut query = QueryBuilder::<Postgres>::new(format!(
        "select 6 as level, null::bigint as field_id, null::bigint as shortcoming_id,
                c.lead_unit_id, {}, un.code, un.short_name as name, un.short_name as name_en
         from (",
        sums()
    ));
    push_stored_only(&mut query, "lead_unit_id", "task_stat_rows_by_unit");
    query.push(
        ") c join units un on un.id = c.lead_unit_id
         group by c.lead_unit_id, un.id",
    );
    query.build_query_as().fetch_all(executor).await
}

/// One month of the trend: tasks completed in it (on time, late) and overdue at its end (or
/// today, for the current month).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthPoint {
    pub first: NaiveDate,
    pub last: NaiveDate,
    /// The day the overdue count is taken: the month's last day, or today.
    pub point: NaiveDate,
    pub done_on_time: i64,
    pub done_late: i64,
    pub overdue: i64,
}

/// Fills in the counts of `months` (their dates set by the caller): without filters from the
/// stored counts, otherwise from the tasks in scope.
pub async fn trend(
    executor: impl PgExecutor<'_> + Copy,
    scope: &Scope,
    months: &mut [MonthPoint],
    tz: chrono_tz::Tz,
) -> Result<(), sqlx::Error> {
    if *scope == Scope::default() {
        stored_trend(executor, months, tz).await
    } else {
        counted_trend(executor, scope, months, tz).await
    }
}

/// The trend of every task from `task_done_months` and `task_overdue_runs` (see their
/// migration), plus the changes not folded yet. Whole calendar months only, as
/// `trend_months` gives them without a period.
pub async fn stored_trend(
    executor: impl PgExecutor<'_> + Copy,
    months: &mut [MonthPoint],
    tz: chrono_tz::Tz,
) -> Result<(), sqlx::Error> {
    let (Some(first), Some(last)) = (months.first().cloned(), months.last().cloned()) else {
        return Ok(());
    };
    let done: Vec<(NaiveDate, i64, i64)> = sqlx::query_as(
        "select month, sum(done_on_time)::bigint, sum(done_late)::bigint
         from (select month, done_on_time, done_late from task_done_months
               where month between $1 and $2
               union all
               select done_month, done_on_time, done_late from task_stat_changes
               where done_month between $1 and $2) d
         group by month",
    )
    .bind(first.first)
    .bind(last.first)
    .fetch_all(executor)
    .await?;
    for (month, on_time, late) in done {
        if let Some(m) = months.iter_mut().find(|m| m.first == month) {
            m.done_on_time = on_time;
            m.done_late = late;
        }
    }

    // A run without an end (an open task) ends at 'infinity', which has no NaiveDate: null.
    let runs: Vec<(NaiveDate, Option<NaiveDate>, i64)> = sqlx::query_as(
        "select overdue_from, nullif(overdue_until, 'infinity'), sum(tasks)::bigint
         from (select overdue_from, overdue_until, tasks from task_overdue_runs
               where overdue_from <= $2 and overdue_until > $1
               union all
               select overdue_from, overdue_until, total from task_stat_changes
               where overdue_from <= $2 and overdue_until > $1) r
         group by 1, 2",
    )
    .bind(first.first)
    .bind(last.first)
    .fetch_all(executor)
    .await?;
    for m in months.iter_mut() {
        // At a month's end a run counts from its first month on; at today's date in the
        // current month only the runs begun before it, the rest is counted below.
        let month_end = m.point == m.last;
        m.overdue = runs
            .iter()
            .filter(|(from, until, _)| {
                (if month_end {
                    *from <= m.first
                } else {
                    *from < m.first
                }) && until.is_none_or(|until| until > m.first)
            })
            .map(|(.., n)| n)
            .sum();
        if !month_end {
            m.overdue += overdue_this_month(executor, m, tz).await?;
        }
    }
    Ok(())
}

/// The tasks overdue at `m.point` (today, before the month's end) that the stored runs leave
/// out: those whose run begins this month (a deadline this month or the last day of the month
/// before, or created this month), and those completed after today but within the month. Each
/// part reads a partial index over a month at most.
async fn overdue_this_month(
    executor: impl PgExecutor<'_>,
    m: &MonthPoint,
    tz: chrono_tz::Tz,
) -> Result<i64, sqlx::Error> {
    use crate::domain::dates::city_day_start;
    let month_start = city_day_start(m.first, tz);
    let day_end = city_day_start(m.point.succ_opt().unwrap_or(m.point), tz);
    let run_start = m.first.pred_opt().unwrap_or(m.first);
    sqlx::query_scalar(
        "select (select count(*) from tasks
                 where status <> 'done' and deadline >= $1 and deadline < $2
                   and created_at < $4)
              + (select count(*) from tasks
                 where status <> 'done' and created_at >= $3 and created_at < $4
                   and deadline < $1)
              + (select count(*) from tasks
                 where status = 'done' and completed_on > $2 and deadline < $2
                   and created_at < $4
                   and (deadline >= $1 or created_at >= $3 or completed_on <= $5))",
    )
    .bind(run_start)
    .bind(m.point)
    .bind(month_start)
    .bind(day_end)
    .bind(m.last)
    .fetch_one(executor)
    .await
}

/// The trend of the tasks in `scope`, counted from the tasks.
pub async fn counted_trend(
    executor: impl PgExecutor<'_> + Copy,
    scope: &Scope,
    months: &mut [MonthPoint],
    tz: chrono_tz::Tz,
) -> Result<(), sqlx::Error> {
    let (Some(first), Some(last)) = (months.first().cloned(), months.last().cloned()) else {
        return Ok(());
    };
    let (from, to) = (first.first, last.last);
    let mut query = QueryBuilder::<Postgres>::new(
        "select date_trunc('month', t.completed_on)::date as month,
                count(*) filter (where t.deadline is null or t.completed_on <= t.deadline),
                count(*) filter (where t.completed_on > t.deadline)
         from tasks t
         join shortcomings s on s.id = t.shortcoming_id
         join units u on u.id = t.lead_unit_id
         where t.status = 'done' and t.completed_on >= ",
    );
    query
        .push_bind(from)
        .push(" and t.completed_on <= ")
        .push_bind(to);
    push_task_scope(&mut query, scope);
    query.push(" group by 1");
    let done: Vec<(NaiveDate, i64, i64)> = query.build_query_as().fetch_all(executor).await?;
    for (month, on_time, late) in done {
        if let Some(m) = months.iter_mut().find(|m| m.first == month) {
            m.done_on_time = on_time;
            m.done_late = late;
        }
    }

    // Overdue at point P: deadline < P, created before P's day ended in the City, not completed
    // by P. A task is therefore overdue at a contiguous run of points, from the first point
    // after its deadline (and its creation) to the first point on or after its completion; one
    // pass groups the tasks by that run, and the months are filled in here. `width_bucket`
    // counts the thresholds at or below a value: the points before `d + 1` are the points
    // before or on `d`.
    let (first_point, last_point) = (first.point, last.point);
    let n = months.len() as i32;
    let points: Vec<NaiveDate> = months.iter().map(|m| m.point).collect();
    let day_ends: Vec<chrono::DateTime<chrono::Utc>> = points
        .iter()
        .map(|p| crate::domain::dates::city_day_start(p.succ_opt().unwrap_or(*p), tz))
        .collect();
    let mut query = QueryBuilder::<Postgres>::new(
        "select from_slot, to_slot, count(*) from (
             select greatest(width_bucket(c.deadline, ",
    );
    query
        .push_bind(points.clone())
        .push("::date[]), width_bucket(c.created_at, ")
        .push_bind(day_ends)
        .push("::timestamptz[])) as from_slot, coalesce(width_bucket(c.completed_on - 1, ")
        .push_bind(points)
        .push("::date[]), ")
        .push_bind(n)
        .push(") as to_slot from (");
    // Candidates: open tasks past their deadline, and tasks done late after the first point
    // (a task done on time was never overdue); each read from its own covering index.
    for done in [false, true] {
        if done {
            query.push(" union all ");
        }
        query.push(if done {
            "select t.deadline, t.created_at, t.completed_on"
        } else {
            // Open: no completion (and the covering index needs no heap visit for it).
            "select t.deadline, t.created_at, null::date as completed_on"
        });
        query
            .push(
                " from tasks t
                  join shortcomings s on s.id = t.shortcoming_id
                  join units u on u.id = t.lead_unit_id
                  where t.deadline < ",
            )
            .push_bind(last_point);
        if done {
            query
                .push(
                    " and t.status = 'done' and t.completed_on > t.deadline and t.completed_on > ",
                )
                .push_bind(first_point);
        } else {
            query.push(" and t.status <> 'done'");
        }
        push_task_scope(&mut query, scope);
    }
    query.push(") c) k where from_slot < to_slot group by 1, 2");
    let runs: Vec<(i32, i32, i64)> = query.build_query_as().fetch_all(executor).await?;
    for (from_slot, to_slot, count) in runs {
        for m in &mut months[from_slot.max(0) as usize..to_slot.min(n) as usize] {
            m.overdue += count;
        }
    }
    Ok(())
}

/// The scope's conditions on a task row `t` (with `s` and `u` joined).
fn push_task_scope(query: &mut QueryBuilder<'_, Postgres>, scope: &Scope) {
    if let Some(period) = scope.period {
        push_period(query, period);
    }
    push_scope(query, scope, "t.lead_unit_id");
}

/// Tasks of `t` whose deadline falls in the period.
fn push_period(query: &mut QueryBuilder<'_, Postgres>, (from, to): (NaiveDate, NaiveDate)) {
    query
        .push(" and t.deadline >= ")
        .push_bind(from)
        .push(" and t.deadline <= ")
        .push_bind(to);
}

/// How many plans stand where, among the units in scope (plans have no deadline period or
/// field of their own, so only the unit conditions apply).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, FromRow)]
pub struct PlanCounts {
    pub issued_on_time: i64,
    pub issued_late: i64,
    pub not_issued: i64,
    pub overdue: i64,
}

pub async fn plan_counts(
    executor: impl PgExecutor<'_>,
    scope: &Scope,
    today: NaiveDate,
) -> Result<PlanCounts, sqlx::Error> {
    // The same conditions as `PlanStatus::of` and the plan list's status filter.
    let mut query = QueryBuilder::<Postgres>::new(
        "select count(*) filter (where p.issued_on <= p.issue_deadline) as issued_on_time,
                count(*) filter (where p.issued_on > p.issue_deadline) as issued_late,
                count(*) filter (where p.issued_on is null and not p.overdue
                                   and p.issue_deadline >= ",
    );
    query
        .push_bind(today)
        .push(
            ") as not_issued,
                count(*) filter (where p.issued_on is null
                                   and (p.overdue or p.issue_deadline < ",
        )
        .push_bind(today)
        .push(
            ")) as overdue
         from plans p join units u on u.id = p.unit_id where true",
        );
    let units_only = Scope {
        group: scope.group,
        unit: scope.unit,
        ..Scope::default()
    };
    push_scope(&mut query, &units_only, "p.unit_id");
    query.build_query_as().fetch_one(executor).await
}

/// An officer's tasks, by where they stand.
#[derive(Debug, Clone, FromRow)]
pub struct Workload {
    pub user_id: UserId,
    pub full_name: String,
    pub title: String,
    pub open: i64,
    pub overdue: i64,
    pub due_soon: i64,
    pub pending_confirmation: i64,
    pub done: i64,
}

/// The active officers of `unit` and the unit's tasks they follow.
pub async fn workload(
    executor: impl PgExecutor<'_>,
    unit: UnitId,
    as_of: AsOf,
) -> Result<Vec<Workload>, sqlx::Error> {
    sqlx::query_as(
        "select us.id as user_id, us.full_name, us.title,
                count(t.id) filter (where t.status <> 'done') as open,
                count(t.id) filter (where k.class = 'overdue') as overdue,
                count(t.id) filter (where k.class = 'due_soon') as due_soon,
                count(t.id) filter (where t.status = 'pending_confirmation')
                    as pending_confirmation,
                count(t.id) filter (where t.status = 'done') as done
         from users us
         left join task_assignees a on a.user_id = us.id
         left join tasks t on t.id = a.task_id and t.lead_unit_id = $1
         left join lateral (select task_timeliness(t.status, t.deadline, t.completed_on,
                                                   t.overdue, $2, $3) as class) k on true
         where us.unit_id = $1 and us.role = 'officer' and us.active
         group by us.id
         order by us.full_name, us.id",
    )
    .bind(unit)
    .bind(as_of.today)
    .bind(as_of.due_soon_days)
    .fetch_all(executor)
    .await
}

/// Folds the pending count changes into the totals; how many change rows went.
pub async fn fold(executor: impl PgExecutor<'_>) -> Result<serde_json::Value, sqlx::Error> {
    let folded: i64 = sqlx::query_scalar("select task_stats_fold()")
        .fetch_one(executor)
        .await?;
    Ok(serde_json::json!({ "changes_folded": folded }))
}

/// Gives the change log's empty pages back. Every dashboard and list total reads the whole log,
/// and after a burst of changes (loading many tasks, a rebuild of the counts) it can hold a few
/// rows in thousands of emptied pages. A vacuum frees only the empty pages at the table's end,
/// which the changes written after a fold fill, so it is done where nothing writes yet: before
/// the server takes requests, after the start-up fold (a few milliseconds on a small log).
pub async fn compact_change_log(pool: &PgPool) -> Result<(), sqlx::Error> {
    sqlx::raw_sql("vacuum task_stat_changes")
        .execute(pool)
        .await?;
    Ok(())
}
