//! `GET /dashboard`: the City's overview for reviewers, viewers and administrators.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use super::blocks::{
    Tile, class_chart, done_link, list_link, month_label, overdue_link, tiles, trend_chart,
    trend_months,
};
use crate::db::admin::{self as admin_queries, UnitOption};
use crate::db::dashboard::{
    self as queries, Counts, Figures, Group, MonthPoint, PlanCounts, Scope,
};
use crate::db::directory::FieldEntry;
use crate::domain::{FieldId, ShortcomingId, UnitGroup, UnitId};
use crate::web::charts::{self, Row, Segment, Series, Svg};
use crate::web::ctx::PageCtx;
use crate::web::error::AppError;
use crate::web::forms::id_of;
use crate::web::pages::render;
use crate::web::session::Session;
use crate::web::state::AppState;

/// The dashboard's filters as they stand in the URL.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DashboardQuery {
    /// `2026`, `2026-q3` or `2026-11`: tasks whose deadline falls in it.
    #[serde(default)]
    pub period: String,
    #[serde(default)]
    pub field: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub unit: String,
    /// The ranking's order: a column code, `-` in front for the other direction.
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub page: String,
}

/// A period the dashboard can be limited to.
pub struct Period {
    pub code: String,
    pub label: String,
}

/// The first and last day of the period `code` names.
pub fn parse_period(code: &str) -> Option<(NaiveDate, NaiveDate)> {
    let code = code.trim().to_ascii_lowercase();
    let (year, rest) = match code.split_once('-') {
        Some((y, r)) => (y.parse::<i32>().ok()?, Some(r.to_string())),
        None => (code.parse::<i32>().ok()?, None),
    };
    if !crate::domain::dates::YEARS.contains(&year) {
        return None;
    }
    let (first_month, months) = match rest.as_deref() {
        None => (1, 12),
        Some(q) if q.starts_with('q') => {
            let n: u32 = q[1..].parse().ok().filter(|n| (1..=4).contains(n))?;
            (3 * n - 2, 3)
        }
        Some(m) => (m.parse::<u32>().ok().filter(|m| (1..=12).contains(m))?, 1),
    };
    let from = NaiveDate::from_ymd_opt(year, first_month, 1)?;
    let to = (from + chrono::Months::new(months)).pred_opt()?;
    Some((from, to))
}

/// The period `code` names, with its label ("Quý III/2026"), if it names one.
fn period(ctx: &PageCtx, code: &str) -> Option<Period> {
    let (from, to) = parse_period(code)?;
    let (year, month) = (from.year(), from.month());
    let text = match to.month() + 1 - month {
        12 => ctx.period_label("year", year, None),
        3 => ctx.period_label("quarter", year, Some(month.div_ceil(3))),
        _ => ctx.period_label("month", year, Some(month)),
    };
    let mut chars = text.chars();
    let label = match chars.next() {
        Some(first) => first.to_uppercase().collect::<String>() + chars.as_str(),
        None => text,
    };
    Some(Period {
        code: code.trim().to_ascii_lowercase(),
        label,
    })
}

/// This year and the last, their quarters (those begun), the last twelve months, and `current`
/// when it is another one (a link may name any period).
fn period_choices(ctx: &PageCtx, current: Option<&Period>) -> Vec<Period> {
    let today = ctx.today;
    let mut codes = Vec::new();
    for year in [today.year(), today.year() - 1] {
        codes.push(year.to_string());
        for q in 1..=4u32 {
            if year == today.year() && 3 * q - 2 > today.month() {
                break;
            }
            codes.push(format!("{year}-q{q}"));
        }
    }
    let mut month = today.with_day(1).unwrap_or(today);
    for _ in 0..12 {
        codes.push(format!("{}-{:02}", month.year(), month.month()));
        month = month - chrono::Months::new(1);
    }
    let mut periods: Vec<Period> = codes.iter().filter_map(|c| period(ctx, c)).collect();
    if let Some(current) = current
        && !periods.iter().any(|p| p.code == current.code)
    {
        periods.push(Period {
            code: current.code.clone(),
            label: current.label.clone(),
        });
    }
    periods
}

/// How the ranking of units is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RankBy {
    Overdue,
    Stale,
    Total,
    Completion,
    OnTime,
    Name,
}

impl RankBy {
    pub const ALL: [RankBy; 6] = [
        RankBy::Name,
        RankBy::Total,
        RankBy::Completion,
        RankBy::OnTime,
        RankBy::Overdue,
        RankBy::Stale,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RankBy::Overdue => "overdue",
            RankBy::Stale => "stale",
            RankBy::Total => "total",
            RankBy::Completion => "completion",
            RankBy::OnTime => "on_time",
            RankBy::Name => "name",
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            RankBy::Overdue => "timeliness.overdue",
            RankBy::Stale => "task.stale",
            RankBy::Total => "dashboard.tasks",
            RankBy::Completion => "dashboard.completion_rate",
            RankBy::OnTime => "dashboard.on_time_rate",
            RankBy::Name => "dashboard.unit",
        }
    }

    /// Names read A→Z; every figure reads largest first.
    fn descending_by_default(self) -> bool {
        self != RankBy::Name
    }

    /// `overdue`, `-overdue`: the column and whether it runs against its usual direction.
    fn parse(raw: &str) -> (RankBy, bool) {
        let (reversed, code) = match raw.strip_prefix('-') {
            Some(code) => (true, code),
            None => (false, raw),
        };
        match RankBy::ALL.into_iter().find(|r| r.code() == code) {
            Some(rank) => (rank, reversed),
            None => (RankBy::Overdue, false),
        }
    }
}

/// Orders the units: the chosen column, then the most overdue, then by name.
fn rank(units: &mut [Group<UnitId>], by: RankBy, reversed: bool) {
    let key = |g: &Group<UnitId>| -> f64 {
        let c = &g.counts;
        match by {
            RankBy::Overdue => c.overdue as f64,
            RankBy::Stale => c.stale as f64,
            RankBy::Total => c.total as f64,
            RankBy::Completion => c.completion_rate().unwrap_or(-1.0),
            RankBy::OnTime => c.on_time_rate().unwrap_or(-1.0),
            RankBy::Name => 0.0,
        }
    };
    units.sort_by(|a, b| {
        let primary = if by == RankBy::Name {
            a.name.cmp(&b.name)
        } else {
            key(a).total_cmp(&key(b))
        };
        let primary = if by.descending_by_default() != reversed {
            primary.reverse()
        } else {
            primary
        };
        primary
            .then(b.counts.overdue.cmp(&a.counts.overdue))
            .then(a.name.cmp(&b.name))
    });
}

/// Units per page of the ranking (all of the City's fit on one).
const RANK_PAGE: usize = 100;

#[derive(Template)]
#[template(path = "dashboard/city.html")]
pub struct CityPage {
    ctx: PageCtx,
    query: DashboardQuery,
    scope: Scope,
    periods: Vec<Period>,
    /// The chosen period's code, as the choices spell it.
    period_code: String,
    period_label: Option<String>,
    fields: Vec<FieldEntry>,
    groups: [UnitGroup; 2],
    units: Vec<UnitOption>,
    unit_name: Option<String>,
    figures: Figures,
    tiles: Vec<Tile>,
    class_chart: Svg,
    field_chart: Svg,
    trend: Vec<MonthPoint>,
    trend_chart: Svg,
    plans: PlanCounts,
    ranking: Vec<Group<UnitId>>,
    rank_columns: [RankBy; 6],
    rank_by: RankBy,
    rank_reversed: bool,
    rank_offset: usize,
    rank_page: i64,
    rank_pages: i64,
    filtered: bool,
}

impl CityPage {
    pub fn is(&self, value: &str, option: &str) -> bool {
        value == option
    }

    /// The task list of one class within the scope, e.g. `("timeliness", "overdue")` (an empty
    /// key: all the scope's tasks).
    pub fn link(&self, key: &str, value: &str) -> String {
        list_link(&self.scope, &[(key, value.to_string())])
    }

    pub fn field_link(&self, field: &FieldId, key: &str, value: &str) -> String {
        self.row_link("field", field, key, value)
    }

    pub fn shortcoming_link(&self, id: &ShortcomingId, key: &str, value: &str) -> String {
        self.row_link("shortcoming", id, key, value)
    }

    pub fn unit_link(&self, unit: &UnitId, key: &str, value: &str) -> String {
        self.row_link("lead", unit, key, value)
    }

    /// A table row's tasks (`by` = its id) in one class.
    fn row_link(&self, by: &str, id: &impl std::fmt::Display, key: &str, value: &str) -> String {
        list_link(
            &self.scope,
            &[(by, id.to_string()), (key, value.to_string())],
        )
    }

    pub fn done_link(&self, m: &MonthPoint, class: &str) -> String {
        done_link(&self.scope, m, class)
    }

    pub fn overdue_link(&self, m: &MonthPoint) -> String {
        overdue_link(&self.scope, m)
    }

    pub fn month(&self, m: &MonthPoint) -> String {
        month_label(m.first)
    }

    /// The plan list of one status, within the scope's units.
    pub fn plan_link(&self, status: &str) -> String {
        let mut pairs = vec![("status", status.to_string())];
        if let Some(group) = self.scope.group {
            pairs.push(("kind", group.code().to_string()));
        }
        if let Some(unit) = self.scope.unit {
            pairs.push(("unit", unit.to_string()));
        }
        format!(
            "/plans?{}",
            serde_urlencoded::to_string(pairs).unwrap_or_default()
        )
    }

    /// The dashboard again, ordered by `by` (the other way round when it already is).
    pub fn rank_link(&self, by: &RankBy) -> String {
        let sort = if *by == self.rank_by && !self.rank_reversed {
            format!("-{}", by.code())
        } else {
            by.code().to_string()
        };
        self.dashboard_link(&[("sort", sort)])
    }

    /// `aria-sort` of a ranking column.
    pub fn aria_sort(&self, by: &RankBy) -> &'static str {
        if *by != self.rank_by {
            "none"
        } else if by.descending_by_default() != self.rank_reversed {
            "descending"
        } else {
            "ascending"
        }
    }

    pub fn rank_page_link(&self, page: i64) -> String {
        self.dashboard_link(&[("page", page.to_string())])
    }

    /// This dashboard with some parameters replaced.
    pub fn dashboard_link(&self, extra: &[(&str, String)]) -> String {
        let mut pairs: Vec<(&str, String)> = [
            ("period", &self.query.period),
            ("field", &self.query.field),
            ("kind", &self.query.kind),
            ("unit", &self.query.unit),
            ("sort", &self.query.sort),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k, v.clone()))
        .collect();
        for (key, value) in extra {
            pairs.retain(|(k, _)| k != key);
            pairs.push((key, value.clone()));
        }
        format!(
            "/dashboard?{}",
            serde_urlencoded::to_string(pairs).unwrap_or_default()
        )
    }

    pub fn rank_number(&self, index: &usize) -> usize {
        self.rank_offset + index + 1
    }
}

/// `GET /dashboard?period=…&field=…&kind=…&unit=…&sort=…&page=…`.
pub async fn index(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    Query(query): Query<DashboardQuery>,
) -> Result<Html<String>, AppError> {
    page(&state, ctx, &session, query).await
}

/// The City dashboard (also the home page of the City's users).
pub async fn page(
    state: &AppState,
    ctx: PageCtx,
    session: &Session,
    query: DashboardQuery,
) -> Result<Html<String>, AppError> {
    if !session.user.actor.sees_all_units() {
        return Err(AppError::Forbidden);
    }
    let scope = Scope {
        period: parse_period(&query.period),
        field: id_of(&query.field).map(FieldId),
        group: UnitGroup::from_code(&query.kind),
        unit: id_of(&query.unit).map(UnitId),
    };
    let as_of = state.as_of();
    let mut figures = queries::figures(&state.pool, &scope, as_of).await?;
    let mut trend = trend_months(scope.period, ctx.today);
    queries::trend(&state.pool, &scope, &mut trend, state.config.time_zone).await?;
    let plans = queries::plan_counts(&state.pool, &scope, ctx.today).await?;
    let directory = &session.directory;
    let fields = directory.fields().to_vec();
    // Past UNIT_CHOICES_MAX units there is no drop-down: the ranking is the way to pick one.
    let units = directory
        .units()
        .choices(scope.unit, admin_queries::UNIT_CHOICES_MAX);
    let unit_name = scope
        .unit
        .and_then(|id| directory.unit(id))
        .map(|u| u.name.clone());

    let (rank_by, rank_reversed) = RankBy::parse(&query.sort);
    // The ranking is shown from its own, ordered copy; the page needs no other.
    let mut ranking = std::mem::take(&mut figures.by_unit);
    rank(&mut ranking, rank_by, rank_reversed);
    let rank_pages = ranking.len().div_ceil(RANK_PAGE).max(1) as i64;
    let rank_page =
        crate::web::pages::Pagination::requested(Some(query.page.as_str())).min(rank_pages);
    let rank_offset = (rank_page as usize - 1) * RANK_PAGE;
    let ranking: Vec<_> = ranking
        .into_iter()
        .skip(rank_offset)
        .take(RANK_PAGE)
        .collect();

    let current = period(&ctx, &query.period);
    let periods = period_choices(&ctx, current.as_ref());
    let (period_code, period_label) = current.map(|p| (p.code, p.label)).unzip();
    let tiles = tiles(&scope, &figures.all);
    let class_chart = class_chart(&ctx, &scope, &figures.all);
    let field_chart = field_chart(&ctx, &scope, &figures);
    let trend_chart = trend_chart(&ctx, &scope, &trend);
    render(&CityPage {
        periods,
        period_code: period_code.unwrap_or_default(),
        period_label,
        filtered: scope != Scope::default(),
        ctx,
        query,
        scope,
        fields,
        groups: UnitGroup::ALL,
        units,
        unit_name,
        tiles,
        class_chart,
        field_chart,
        figures,
        trend,
        trend_chart,
        plans,
        ranking,
        rank_columns: RankBy::ALL,
        rank_by,
        rank_reversed,
        rank_offset,
        rank_page,
        rank_pages,
    })
}

/// One bar per field: done, open in time, overdue.
fn field_chart(ctx: &PageCtx, scope: &Scope, figures: &Figures) -> Svg {
    let series = [
        Series::new(ctx.t("dashboard.done"), "c-ontime"),
        Series::new(ctx.t("timeliness_group.open_in_time"), "c-open"),
        Series::new(ctx.t("timeliness.overdue"), "c-overdue").cross_hatched(),
    ];
    let rows = figures
        .by_field
        .iter()
        .map(|g| {
            let link = |timeliness: &str| {
                list_link(
                    scope,
                    &[
                        ("field", g.key.to_string()),
                        ("timeliness", timeliness.to_string()),
                    ],
                )
            };
            let c: &Counts = &g.counts;
            Row {
                label: g.label(ctx.is_vi()).to_string(),
                href: Some(list_link(scope, &[("field", g.key.to_string())])),
                values: vec![
                    Segment::linked(c.done(), link("done_on_time,done_late")),
                    Segment::linked(c.open_in_time(), link("on_track,due_soon,no_deadline")),
                    Segment::linked(c.overdue, link("overdue")),
                ],
            }
        })
        .collect::<Vec<_>>();
    charts::bars(
        ctx.t("dashboard.chart_fields"),
        ctx.t("dashboard.chart_fields_desc"),
        &series,
        &rows,
        ctx.thousands(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn periods_are_years_quarters_and_months() {
        assert_eq!(parse_period("2026"), Some((d(2026, 1, 1), d(2026, 12, 31))));
        assert_eq!(
            parse_period("2026-q3"),
            Some((d(2026, 7, 1), d(2026, 9, 30)))
        );
        assert_eq!(
            parse_period("2026-Q1"),
            Some((d(2026, 1, 1), d(2026, 3, 31)))
        );
        assert_eq!(
            parse_period("2024-02"),
            Some((d(2024, 2, 1), d(2024, 2, 29)))
        );
        for bad in ["", "2026-q5", "2026-13", "abc", "2026-", "99999", "2026-q"] {
            assert_eq!(parse_period(bad), None, "{bad}");
        }
    }

    #[test]
    fn ranking_orders_by_the_chosen_column_then_overdue_then_name() {
        let unit = |id, name: &str, total, done, overdue| Group {
            key: UnitId(id),
            code: String::new(),
            name: name.to_string(),
            name_en: String::new(),
            counts: Counts {
                total,
                done_on_time: done,
                overdue,
                ..Counts::default()
            },
        };
        let mut units = vec![
            unit(1, "Sở A", 10, 5, 1),
            unit(2, "Sở B", 10, 9, 0),
            unit(3, "Quận C", 4, 0, 3),
        ];
        let names = |u: &[Group<UnitId>]| u.iter().map(|g| g.key.0).collect::<Vec<_>>();
        rank(&mut units, RankBy::Overdue, false);
        assert_eq!(names(&units), [3, 1, 2]);
        rank(&mut units, RankBy::Completion, false);
        assert_eq!(names(&units), [2, 1, 3]);
        rank(&mut units, RankBy::Completion, true);
        assert_eq!(names(&units), [3, 1, 2]);
        rank(&mut units, RankBy::Name, false);
        assert_eq!(names(&units), [3, 1, 2]);
        assert_eq!(RankBy::parse("-name"), (RankBy::Name, true));
        assert_eq!(RankBy::parse("nonsense"), (RankBy::Overdue, false));
    }
}
