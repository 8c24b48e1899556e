//! Periodic reports: the list of what a unit owes and what the City may read
//! (docs/reports.md). Unit staff see their units' reports; the City sees every unit's.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use chrono::NaiveDate;
use serde::Deserialize;

use super::{PAGE_SIZE, Pagination, render};
use crate::db::admin::{self as admin_queries, UnitOption};
use crate::db::reports::{self as queries, RegimeRow, ReportFilter, ReportListRow};
use crate::domain::periods::Period;
use crate::domain::reports::ReportStatus;
use crate::domain::{RegimeId, UnitId};
use crate::web::ctx::PageCtx;
use crate::web::error::AppError;
use crate::web::forms::id_of;
use crate::web::session::Session;
use crate::web::state::AppState;

/// The list's filters as they stand in the URL.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub regime: String,
    /// A period's code (`2026-Q4`).
    #[serde(default)]
    pub period: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub page: String,
}

impl ListQuery {
    /// The filter these parameters ask for, inside the user's scope; values that mean nothing
    /// are left out.
    fn filter(&self, session: &Session) -> ReportFilter {
        ReportFilter {
            units: session.user.actor.unit_scope(),
            unit: id_of(&self.unit).map(UnitId),
            regime: id_of(&self.regime).map(RegimeId),
            period: Period::parse(self.period.trim()),
            status: ReportStatus::from_code(self.status.trim()),
        }
    }

    /// The query string without the page, for the pagination links.
    fn without_page(&self) -> String {
        let kept: Vec<(&str, &str)> = [
            ("regime", &self.regime),
            ("period", &self.period),
            ("unit", &self.unit),
            ("status", &self.status),
        ]
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| (k, v.trim()))
        .collect();
        serde_urlencoded::to_string(kept).unwrap_or_default()
    }
}

#[derive(Template)]
#[template(path = "reports/index.html")]
pub struct IndexPage {
    ctx: PageCtx,
    reports: Vec<ReportListRow>,
    pagination: Pagination,
    query: ListQuery,
    base_query: String,
    regimes: Vec<RegimeRow>,
    units: Vec<UnitOption>,
    statuses: [ReportStatus; 4],
    filtered: bool,
}

impl IndexPage {
    pub fn is(&self, value: &str, option: &str) -> bool {
        value.trim() == option
    }

    /// "Quý IV/2026", "Tháng 12/2026"…
    pub fn period(&self, report: &ReportListRow) -> String {
        period_name(&self.ctx, report.period())
    }

    /// Still with the unit and past its due date.
    pub fn is_late(&self, report: &ReportListRow) -> bool {
        report.status.is_with_unit() && report.due_on < self.ctx.today
    }

    /// Submitted after its due date.
    pub fn was_late(&self, report: &ReportListRow) -> bool {
        report.submitted_on.is_some_and(|on| on > report.due_on)
    }

    pub fn range(&self, start: &NaiveDate, end: &NaiveDate) -> String {
        format!("{} – {}", self.ctx.date(*start), self.ctx.date(*end))
    }
}

/// A period's name in the reader's language.
pub fn period_name(ctx: &PageCtx, period: Period) -> String {
    ctx.tf2(period.label_key(), period.number_label(), period.year)
}

/// `GET /reports?regime=…&period=…&unit=…&status=…&page=…`: the reports the user may read,
/// the latest periods first.
pub async fn index(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    Query(query): Query<ListQuery>,
) -> Result<Html<String>, AppError> {
    let page = Pagination::requested(Some(query.page.as_str()));
    let filter = query.filter(&session);
    let tz = state.config.time_zone.name();
    let offset = Pagination::offset(page);
    let (reports, total) = queries::list(&state.pool, &filter, tz, PAGE_SIZE, offset).await?;
    let pagination = Pagination::new(page, total);
    if reports.is_empty() && page > pagination.pages {
        return Err(AppError::NotFound);
    }
    let actor = &session.user.actor;
    let mut units = admin_queries::unit_options(&state.pool, filter.unit).await?;
    units.retain(|u| actor.can_see_unit(u.id));
    let unfiltered = ReportFilter {
        units: filter.units.clone(),
        ..ReportFilter::default()
    };
    let filtered = (filter.unit, filter.regime, filter.period, filter.status)
        != (
            unfiltered.unit,
            unfiltered.regime,
            unfiltered.period,
            unfiltered.status,
        );
    render(&IndexPage {
        ctx,
        reports,
        pagination,
        base_query: query.without_page(),
        query,
        regimes: queries::regimes(&state.pool).await?,
        units,
        statuses: ReportStatus::ALL,
        filtered,
    })
}
