//! The pieces every dashboard shows: the tiles, the chart of the timeliness classes, the
//! month-by-month trend, and the short task lists, each linked to the task list it counts.

use chrono::{Datelike, Months, NaiveDate};

use crate::db::dashboard::{Counts, MonthPoint, Scope};
use crate::db::tasks::TaskListRow;
use crate::domain::dates::format_date;
use crate::web::charts::{self, Month, Segment, Series, Svg};
use crate::web::ctx::PageCtx;
use crate::web::error::AppError;
use crate::web::pages::tasks::list::ListQuery;
use crate::web::session::Session;
use crate::web::state::AppState;

/// A link to the task list: the scope's conditions plus `extra` (a pair with an empty key is
/// left out; a key the scope has too replaces the scope's).
pub fn list_link(scope: &Scope, extra: &[(&str, String)]) -> String {
    let mut pairs: Vec<(&str, String)> = Vec::new();
    if let Some((from, to)) = scope.period {
        pairs.push(("from", format_date(from)));
        pairs.push(("to", format_date(to)));
    }
    if let Some(field) = scope.field {
        pairs.push(("field", field.to_string()));
    }
    if let Some(group) = scope.group {
        pairs.push(("kind", group.code().to_string()));
    }
    if let Some(unit) = scope.unit {
        pairs.push(("lead", unit.to_string()));
    }
    for (key, value) in extra.iter().filter(|(key, _)| !key.is_empty()) {
        pairs.retain(|(k, _)| k != key);
        pairs.push((key, value.clone()));
    }
    format!(
        "/tasks?{}",
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    )
}

/// One number of the totals: its label, its count and the list it links to.
pub struct Tile {
    pub id: &'static str,
    pub label_key: &'static str,
    pub count: i64,
    pub href: String,
    /// A CSS class for the tiles that call for attention.
    pub tone: &'static str,
}

/// The totals of `counts`, each linked to its list.
pub fn tiles(scope: &Scope, counts: &Counts) -> Vec<Tile> {
    let t = |id, label_key, count, extra: &[(&str, &str)], tone| Tile {
        id,
        label_key,
        count,
        href: list_link(
            scope,
            &extra
                .iter()
                .map(|(k, v)| (*k, v.to_string()))
                .collect::<Vec<_>>(),
        ),
        tone,
    };
    vec![
        t("total", "dashboard.total", counts.total, &[], ""),
        t(
            "done-on-time",
            "timeliness.done_on_time",
            counts.done_on_time,
            &[("timeliness", "done_on_time")],
            "ok",
        ),
        t(
            "done-late",
            "timeliness.done_late",
            counts.done_late,
            &[("timeliness", "done_late")],
            "",
        ),
        t(
            "open-in-time",
            "timeliness_group.open_in_time",
            counts.open_in_time(),
            &[("timeliness", "on_track,due_soon,no_deadline")],
            "",
        ),
        t(
            "due-soon",
            "timeliness.due_soon",
            counts.due_soon,
            &[("timeliness", "due_soon")],
            "warn",
        ),
        t(
            "overdue",
            "timeliness.overdue",
            counts.overdue,
            &[("timeliness", "overdue")],
            "bad",
        ),
        t(
            "not-started",
            "status.not_started",
            counts.not_started,
            &[("status", "not_started")],
            "",
        ),
        t(
            "needs-direction",
            "status.needs_direction",
            counts.needs_direction,
            &[("status", "needs_direction")],
            "warn",
        ),
        t(
            "stale",
            "task.stale",
            counts.stale,
            &[("stale", "1")],
            "warn",
        ),
        t(
            "briefing",
            "task.marked_for_briefing",
            counts.briefing,
            &[("briefing", "1")],
            "bad",
        ),
    ]
}

/// The five classes that split every task once, in the order of the stacked bar.
pub fn class_series(ctx: &PageCtx) -> Vec<Series> {
    [
        ("timeliness.done_on_time", "c-ontime"),
        ("timeliness.done_late", "c-late"),
        ("dashboard.open_on_track", "c-open"),
        ("timeliness.due_soon", "c-soon"),
        ("timeliness.overdue", "c-overdue"),
    ]
    .into_iter()
    .map(|(key, class)| {
        let series = Series::new(ctx.t(key), class);
        // Late and overdue stay apart from their neighbours in grey print.
        match class {
            "c-late" => series.hatched(),
            "c-overdue" => series.cross_hatched(),
            _ => series,
        }
    })
    .collect()
}

/// The counts of the five classes with their links (on track here includes the tasks without a
/// deadline: both are open and not late).
pub fn class_segments(scope: &Scope, counts: &Counts) -> Vec<Segment> {
    let seg = |value, timeliness: &str| Segment {
        value,
        href: Some(list_link(scope, &[("timeliness", timeliness.to_string())])),
    };
    vec![
        seg(counts.done_on_time, "done_on_time"),
        seg(counts.done_late, "done_late"),
        seg(
            counts.on_track() + counts.open_undated,
            "on_track,no_deadline",
        ),
        seg(counts.due_soon, "due_soon"),
        seg(counts.overdue, "overdue"),
    ]
}

/// The stacked bar of the five classes.
pub fn class_chart(ctx: &PageCtx, scope: &Scope, counts: &Counts) -> Svg {
    charts::stacked_bar(
        ctx.t("dashboard.chart_classes"),
        &ctx.tf("dashboard.chart_classes_desc", ctx.num(counts.total)),
        &class_series(ctx),
        &class_segments(scope, counts),
        ctx.thousands(),
    )
}

/// The months the trend shows: those of the period, or the last twelve; the current month's
/// overdue count is taken today.
pub fn trend_months(period: Option<(NaiveDate, NaiveDate)>, today: NaiveDate) -> Vec<MonthPoint> {
    let this_month = today.with_day(1).unwrap_or(today);
    let (start, end) = match period {
        Some((from, to)) => (from.with_day(1).unwrap_or(from), to.min(today)),
        None => (this_month - Months::new(11), today),
    };
    let mut months = Vec::new();
    let mut first = start;
    while first <= end && months.len() < 36 {
        let next = first + Months::new(1);
        let last = next.pred_opt().unwrap_or(first);
        let point = last.min(today);
        months.push(MonthPoint {
            first,
            last,
            point,
            done_on_time: 0,
            done_late: 0,
            overdue: 0,
        });
        first = next;
    }
    months
}

/// "11/2026".
pub fn month_label(first: NaiveDate) -> String {
    format!("{:02}/{}", first.month(), first.year())
}

/// The trend chart of `months`, with links to the tasks behind each column and point.
pub fn trend_chart(ctx: &PageCtx, scope: &Scope, months: &[MonthPoint]) -> Svg {
    let columns = [
        Series::new(ctx.t("dashboard.trend_done_on_time"), "c-ontime"),
        Series::new(ctx.t("dashboard.trend_done_late"), "c-late").hatched(),
    ];
    let line = Series::new(ctx.t("dashboard.trend_overdue"), "c-line");
    let points: Vec<Month> = months
        .iter()
        .map(|m| Month {
            label: month_label(m.first),
            columns: [
                Segment::linked(m.done_on_time, done_link(scope, m, "done_on_time")),
                Segment::linked(m.done_late, done_link(scope, m, "done_late")),
            ],
            line: Segment::linked(m.overdue, overdue_link(scope, m)),
        })
        .collect();
    charts::trend(
        ctx.t("dashboard.chart_trend"),
        ctx.t("dashboard.chart_trend_desc"),
        &columns,
        &line,
        &points,
        ctx.thousands(),
    )
}

/// The tasks done in month `m` in class `timeliness`.
pub fn done_link(scope: &Scope, m: &MonthPoint, timeliness: &str) -> String {
    list_link(
        scope,
        &[
            ("timeliness", timeliness.to_string()),
            ("done_from", format_date(m.first)),
            ("done_to", format_date(m.last)),
        ],
    )
}

/// The tasks overdue at the end of month `m` (today, for this month).
pub fn overdue_link(scope: &Scope, m: &MonthPoint) -> String {
    list_link(scope, &[("overdue_on", format_date(m.point))])
}

/// A few tasks of one list, its total, and the link to all of it.
pub struct TaskBlock {
    pub id: &'static str,
    pub title_key: &'static str,
    pub tasks: Vec<TaskListRow>,
    pub total: i64,
    pub href: String,
}

/// Rows a block shows before "see all".
const BLOCK_ROWS: i64 = 10;

/// The first rows of the task list `pairs` asks for, read by the list's own parser, so the
/// block, its count and its link always agree with the list.
pub async fn task_block(
    state: &AppState,
    session: &Session,
    id: &'static str,
    title_key: &'static str,
    pairs: &[(&str, String)],
) -> Result<TaskBlock, AppError> {
    let query_string = serde_urlencoded::to_string(pairs).unwrap_or_default();
    let query: ListQuery = serde_urlencoded::from_str(&query_string).unwrap_or_default();
    let filter = query.filter(session, state.config.time_zone);
    let (tasks, total) = crate::db::tasks::list(
        &mut *state.pool.acquire().await?,
        session.names(state),
        &filter,
        state.as_of(),
        BLOCK_ROWS,
        0,
    )
    .await?;
    Ok(TaskBlock {
        id,
        title_key,
        tasks,
        total,
        href: format!("/tasks?{query_string}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{FieldId, UnitGroup, UnitId};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn links_carry_the_scope_and_the_class() {
        let scope = Scope {
            period: Some((d(2026, 1, 1), d(2026, 3, 31))),
            field: Some(FieldId(3)),
            group: Some(UnitGroup::Districts),
            unit: Some(UnitId(7)),
        };
        let link = list_link(&scope, &[("timeliness", "on_track,no_deadline".into())]);
        assert_eq!(
            link,
            "/tasks?from=01%2F01%2F2026&to=31%2F03%2F2026&field=3&kind=districts&lead=7\
             &timeliness=on_track%2Cno_deadline"
        );
        // A row's own unit replaces the scope's.
        let link = list_link(&scope, &[("lead", "9".into())]);
        assert!(link.ends_with("&kind=districts&lead=9"), "{link}");
    }

    #[test]
    fn trend_covers_twelve_months_up_to_today() {
        let months = trend_months(None, d(2026, 11, 25));
        assert_eq!(months.len(), 12);
        assert_eq!(months[0].first, d(2025, 12, 1));
        assert_eq!(months[0].point, d(2025, 12, 31));
        assert_eq!(months[11].last, d(2026, 11, 30));
        assert_eq!(months[11].point, d(2026, 11, 25));
        let quarter = trend_months(Some((d(2026, 4, 1), d(2026, 6, 30))), d(2026, 11, 25));
        assert_eq!(
            quarter
                .iter()
                .map(|m| month_label(m.first))
                .collect::<Vec<_>>(),
            ["04/2026", "05/2026", "06/2026"]
        );
        // A period in the future has no months yet.
        assert!(trend_months(Some((d(2027, 1, 1), d(2027, 12, 31))), d(2026, 11, 25)).is_empty());
    }
}
