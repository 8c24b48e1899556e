//! Periodic reports: the list of what a unit owes and what the City may read
//! (docs/reports.md). Unit staff see their units' reports; the City sees every unit's.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{PAGE_SIZE, Pagination, by, parse_id, render, saved};
use crate::commands::{self, Refusal};
use crate::db::admin::{self as admin_queries, UnitOption};
use crate::db::reports::{
    self as queries, RegimeRow, ReportFilter, ReportListRow, ReportRow, SubmissionRow, TrackingRow,
};
use crate::domain::ReportId;
use crate::domain::document;
use crate::domain::export::{Column, Value};
use crate::domain::input::FieldErrors;
use crate::domain::periods::Period;
use crate::domain::reports::{AnnexRow, ClassCounts, Figures, Narrative, ReportStatus, Standing};
use crate::domain::{RegimeId, UnitId};
use crate::web::conflict::{Difference, EditForm, Shown};
use crate::web::ctx::PageCtx;
use crate::web::error::AppError;
use crate::web::export::{FileName, csv_download, sheet_download};
use crate::web::extract::CsrfForm;
use crate::web::form_page::respond;
use crate::web::forms::id_of;
use crate::web::http::see_other;
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
        crate::web::http::filter_query(&[
            ("regime", &self.regime),
            ("period", &self.period),
            ("unit", &self.unit),
            ("status", &self.status),
        ])
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
    // Quarters in Roman numerals the Vietnamese way (Quý IV/2026), in digits in English (Q4 2026).
    let number = if ctx.is_vi() {
        period.number_label()
    } else {
        period.number.to_string()
    };
    ctx.tf2(period.label_key(), number, period.year)
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

/// The text of a report as its form sends it.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct NarrativeForm {
    #[serde(default)]
    pub implementation: String,
    #[serde(default)]
    pub results: String,
    #[serde(default)]
    pub problems: String,
    #[serde(default)]
    pub next_steps: String,
    /// The version of the text the form was filled with (`web::conflict`).
    #[serde(default, skip_serializing)]
    pub version: String,
    #[serde(skip)]
    pub conflict: Option<Vec<Difference>>,
}

crate::edit_form!(NarrativeForm);

impl Shown for NarrativeForm {
    fn shown(&self, _ctx: &PageCtx) -> Vec<(&'static str, String)> {
        vec![
            ("report.implementation", self.implementation.clone()),
            ("report.results", self.results.clone()),
            ("report.problems", self.problems.clone()),
            ("report.next_steps", self.next_steps.clone()),
        ]
    }
}

impl NarrativeForm {
    fn from_narrative(narrative: &Narrative) -> Self {
        NarrativeForm {
            implementation: narrative.implementation.clone(),
            results: narrative.results.clone(),
            problems: narrative.problems.clone(),
            next_steps: narrative.next_steps.clone(),
            ..NarrativeForm::default()
        }
    }

    /// The four parts, in the outline's order: (field, label key, text).
    pub fn parts(&self) -> [(&'static str, &'static str, &str); 4] {
        [
            (
                "implementation",
                "report.implementation",
                &self.implementation,
            ),
            ("results", "report.results", &self.results),
            ("problems", "report.problems", &self.problems),
            ("next_steps", "report.next_steps", &self.next_steps),
        ]
    }
}

/// The City's decision as its form sends it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DecisionForm {
    /// `accept` or `return`.
    #[serde(default)]
    pub decision: String,
    #[serde(default)]
    pub note: String,
    /// The report's version the page showed.
    #[serde(default)]
    pub version: String,
}

/// The submission form: the report's version the page showed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SubmitForm {
    #[serde(default)]
    pub version: String,
}

#[derive(Template)]
#[template(path = "reports/show.html")]
pub struct ShowPage {
    ctx: PageCtx,
    report: ReportRow,
    period: String,
    /// The figures shown: live while the report is with the unit, else as submitted.
    figures: Figures,
    annex: Vec<AnnexRow>,
    /// The submission whose frozen figures are shown.
    frozen: Option<i16>,
    form: NarrativeForm,
    errors: FieldErrors,
    decision_note: String,
    decision_errors: FieldErrors,
    submissions: Vec<SubmissionRow>,
    may_write: bool,
    may_submit: bool,
    may_decide: bool,
}

impl ShowPage {
    pub fn is_late(&self) -> bool {
        self.report.status.is_with_unit() && self.report.due_on < self.ctx.today
    }

    pub fn range(&self) -> String {
        format!(
            "{} – {}",
            self.ctx.date(self.report.cutoff_start),
            self.ctx.date(self.report.cutoff_end)
        )
    }

    /// The counts of a row of the figures, in the columns' order.
    pub fn cells(&self, counts: &ClassCounts) -> [i64; 8] {
        counts.cells()
    }

    pub fn status_label(&self, code: &str) -> String {
        status_label(&self.ctx, code)
    }

    pub fn class_label(&self, code: &str) -> String {
        class_label(&self.ctx, code)
    }

    pub fn was_late(&self, submission: &SubmissionRow) -> bool {
        submission.submitted_on > self.report.due_on
    }

    /// The part's text as a list of paragraphs.
    pub fn paragraphs<'a>(&self, text: &'a str) -> Vec<&'a str> {
        document::paragraphs(text)
    }
}

/// A task's status on the figures' day, by its code, in the reader's language.
pub fn status_label(ctx: &PageCtx, code: &str) -> String {
    crate::domain::TaskStatus::from_code(code)
        .map(|s| ctx.t(s.label_key()).to_owned())
        .unwrap_or_else(|| code.to_owned())
}

/// A task's class in the figures, by its code, in the reader's language.
pub fn class_label(ctx: &PageCtx, code: &str) -> String {
    ctx.t(&format!("report_class.{code}")).to_owned()
}

/// The report `raw`, if the user may read it.
async fn visible_report(
    state: &AppState,
    session: &Session,
    raw: &str,
) -> Result<ReportRow, AppError> {
    let report = queries::report(&state.pool, ReportId(parse_id(raw)?))
        .await?
        .ok_or(AppError::NotFound)?;
    if !session.user.actor.can_see_unit(report.unit_id) {
        return Err(AppError::Forbidden);
    }
    Ok(report)
}

/// What a report holds as it is shown: as submitted once it has left the unit, else as it
/// stands.
struct Content {
    figures: Figures,
    annex: Vec<AnnexRow>,
    narrative: Narrative,
    /// The report's submissions, the latest first.
    submissions: Vec<SubmissionRow>,
    /// Whether the figures, annex and text are those the latest submission froze.
    frozen: bool,
}

impl Content {
    /// The submission the figures, annex and text are from.
    fn submission(&self) -> Option<&SubmissionRow> {
        self.submissions.first().filter(|_| self.frozen)
    }
}

/// The report's figures, annex and text: those its latest submission froze once the report
/// is no longer with the unit, else computed for `today` with the text saved now.
async fn content(
    state: &AppState,
    report: &ReportRow,
    today: NaiveDate,
) -> Result<Content, AppError> {
    let submissions = queries::submissions(&state.pool, report.id).await?;
    match submissions.first() {
        Some(latest) if !report.status.is_with_unit() => Ok(Content {
            figures: latest.figures.0.clone(),
            annex: latest.annex.0.clone(),
            narrative: latest.narrative.0.clone(),
            frozen: true,
            submissions,
        }),
        _ => {
            let mut conn = state.pool.acquire().await?;
            let (figures, annex) = commands::reports::compute(&mut conn, report, today).await?;
            Ok(Content {
                figures,
                annex,
                narrative: report.narrative.0.clone(),
                submissions,
                frozen: false,
            })
        }
    }
}

/// What the page shows besides the forms.
async fn show_page(
    state: &AppState,
    ctx: PageCtx,
    session: &Session,
    report: ReportRow,
    form: Option<NarrativeForm>,
    errors: FieldErrors,
    decision: (String, FieldErrors),
) -> Result<Html<String>, AppError> {
    let content = content(state, &report, ctx.today).await?;
    let frozen = content.submission().map(|s| s.number);
    let actor = &session.user.actor;
    let with_unit = report.status.is_with_unit();
    let form = form.unwrap_or_else(|| NarrativeForm::from_narrative(&content.narrative).stamped());
    render(&ShowPage {
        period: period_name(&ctx, report.period()),
        may_write: with_unit && actor.may_write_report(report.unit_id),
        may_submit: with_unit && actor.may_submit_report(report.unit_id),
        may_decide: report.status == ReportStatus::Submitted && actor.may_decide_report(),
        ctx,
        report,
        figures: content.figures,
        annex: content.annex,
        frozen,
        form,
        errors,
        decision_note: decision.0,
        decision_errors: decision.1,
        submissions: content.submissions,
    })
}

/// The report's page (`GET /reports/{id}`, through `report_files::report_or_file`): its
/// figures and annex, its text, its submissions.
pub async fn show(
    state: &AppState,
    ctx: PageCtx,
    session: &Session,
    raw: &str,
) -> Result<Html<String>, AppError> {
    let report = visible_report(state, session, raw).await?;
    let none = (String::new(), FieldErrors::default());
    show_page(
        state,
        ctx,
        session,
        report,
        None,
        FieldErrors::default(),
        none,
    )
    .await
}

/// `POST /reports/{id}`: saves the text, with the version check.
pub async fn save(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    headers: HeaderMap,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<NarrativeForm>,
) -> Result<Response, AppError> {
    let report = visible_report(&state, &session, &raw).await?;
    let id = report.id;
    let outcome = async {
        let narrative = Narrative::parse([
            &form.implementation,
            &form.results,
            &form.problems,
            &form.next_steps,
        ])
        .map_err(AppError::Validation)?;
        let mut tx = state.pool.begin().await?;
        let by = by(&state, &session, &headers);
        commands::reports::save_draft(&mut tx, &by, id, &narrative, |saved| {
            NarrativeForm::from_narrative(&saved.narrative.0).refuse_if_changed(&ctx, &form)
        })
        .await?;
        saved(
            &state,
            &session,
            tx,
            ("report.saved", None),
            &format!("/reports/{id}"),
        )
        .await
    };
    let none = (String::new(), FieldErrors::default());
    respond(&ctx, outcome.await, form, |form, errors| async {
        let report = visible_report(&state, &session, &raw).await?;
        show_page(
            &state,
            ctx.clone(),
            &session,
            report,
            Some(form),
            errors,
            none,
        )
        .await
    })
    .await
}

/// `POST /reports/{id}/submit`: the unit's head submits the report as the page showed it.
pub async fn submit(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<SubmitForm>,
) -> Result<Response, AppError> {
    let report = visible_report(&state, &session, &raw).await?;
    // A version that is not one is as stale as an old one (the command checks who acts first).
    let version = form.version.trim().parse().unwrap_or(-1);
    let mut tx = state.pool.begin().await?;
    let by = by(&state, &session, &headers);
    let location = format!("/reports/{}", report.id);
    match commands::reports::submit(&mut tx, &by, report.id, version).await {
        Ok(number) => {
            let message = ("report.submitted", Some(number.to_string()));
            saved(&state, &session, tx, message, &location).await
        }
        Err(refusal) => refused_action(&state, &session, refusal, &location).await,
    }
}

/// `POST /reports/{id}/decision`: the City accepts the report or returns it with a reason.
pub async fn decide(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    headers: HeaderMap,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> Result<Response, AppError> {
    let report = visible_report(&state, &session, &raw).await?;
    if !session.user.actor.may_decide_report() {
        return Err(AppError::Forbidden);
    }
    let version = form.version.trim().parse().unwrap_or(-1);
    let accept = match form.decision.as_str() {
        "accept" => true,
        "return" => false,
        _ => return Err(AppError::BadRequest),
    };
    let mut tx = state.pool.begin().await?;
    let by = by(&state, &session, &headers);
    let location = format!("/reports/{}", report.id);
    match commands::reports::decide(&mut tx, &by, report.id, accept, &form.note, version).await {
        Ok(decision) => {
            let message = match decision {
                ReportStatus::Accepted => "report.accepted",
                _ => "report.returned",
            };
            saved(&state, &session, tx, (message, None), &location).await
        }
        Err(Refusal::Invalid(mut errors)) if errors.has("note") => {
            drop(tx);
            errors.localize(ctx.catalog());
            let decision = (form.note, errors);
            let page = show_page(
                &state,
                ctx,
                &session,
                report,
                None,
                FieldErrors::default(),
                decision,
            );
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page.await?).into_response())
        }
        Err(refusal) => refused_action(&state, &session, refusal, &location).await,
    }
}

/// A submission or a decision refused because the report moved on (another person submitted
/// or decided it, or changed its text): back to the report, saying so. Other refusals are
/// errors.
async fn refused_action(
    state: &AppState,
    session: &Session,
    refusal: Refusal,
    location: &str,
) -> Result<Response, AppError> {
    match refusal {
        Refusal::Stale | Refusal::Invalid(_) => {
            session.flash(state, "report.changed", None).await?;
            Ok(see_other(location))
        }
        other => Err(other.into()),
    }
}

/// The City's tracking table as it stands in the URL.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TrackingQuery {
    #[serde(default)]
    pub regime: String,
    #[serde(default)]
    pub period: String,
}

/// One unit's line of the tracking table.
pub struct TrackingLine {
    pub row: TrackingRow,
    pub standing: Standing,
}

#[derive(Template)]
#[template(path = "reports/tracking.html")]
pub struct TrackingPage {
    ctx: PageCtx,
    regimes: Vec<RegimeRow>,
    regime: Option<RegimeRow>,
    period: Option<Period>,
    period_name: String,
    lines: Vec<TrackingLine>,
    /// How many reports stand each way, in [`Standing::ALL`]'s order.
    counts: Vec<(Standing, usize)>,
    may_remind: bool,
}

impl TrackingPage {
    /// The tracking of the period before or after the one shown.
    pub fn link(&self, period: Period) -> String {
        let id = self.regime.as_ref().map(|r| r.id.0).unwrap_or_default();
        format!("/reports/tracking?regime={id}&period={}", period.code())
    }

    pub fn is_selected(&self, regime: &RegimeRow) -> bool {
        self.regime.as_ref().is_some_and(|r| r.id == regime.id)
    }

    pub fn unsent(&self) -> usize {
        self.lines
            .iter()
            .filter(|line| line.row.status.is_with_unit())
            .count()
    }
}

/// The regime and period a tracking request names, or the first active regime and its
/// latest period.
async fn tracked(
    state: &AppState,
    query: &TrackingQuery,
    today: NaiveDate,
) -> Result<(Vec<RegimeRow>, Option<RegimeRow>, Option<Period>), AppError> {
    let regimes = queries::regimes(&state.pool).await?;
    let chosen = id_of(&query.regime).map(RegimeId);
    let regime = regimes
        .iter()
        .find(|r| Some(r.id) == chosen)
        .or_else(|| regimes.iter().find(|r| r.active))
        .cloned();
    let period = match &regime {
        Some(regime) => match Period::from_code(regime.period, query.period.trim()) {
            Some(period) => Some(period),
            None => queries::latest_period(&state.pool, regime.id, today).await?,
        },
        None => None,
    };
    Ok((regimes, regime, period))
}

/// `GET /reports/tracking?regime=…&period=…`: every unit owing a regime's report for a
/// period, and where each stands; for the City.
pub async fn tracking(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    Query(query): Query<TrackingQuery>,
) -> Result<Html<String>, AppError> {
    if !session.user.actor.sees_all_units() {
        return Err(AppError::Forbidden);
    }
    let (regimes, regime, period) = tracked(&state, &query, ctx.today).await?;
    let rows = match (&regime, period) {
        (Some(regime), Some(period)) => queries::tracking(&state.pool, regime.id, period).await?,
        _ => Vec::new(),
    };
    let lines: Vec<TrackingLine> = rows
        .into_iter()
        .map(|row| TrackingLine {
            standing: Standing::of(row.status, row.due_on, row.first_submitted_on, ctx.today),
            row,
        })
        .collect();
    let counts = Standing::ALL
        .into_iter()
        .map(|s| (s, lines.iter().filter(|l| l.standing == s).count()))
        .collect();
    render(&TrackingPage {
        period_name: period.map(|p| period_name(&ctx, p)).unwrap_or_default(),
        may_remind: session.user.actor.may_decide_report(),
        ctx,
        regimes,
        regime,
        period,
        lines,
        counts,
    })
}

/// The units to remind: a regime and a period, as the tracking page sends them.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RemindForm {
    #[serde(default)]
    pub regime: String,
    #[serde(default)]
    pub period: String,
}

/// `POST /reports/tracking/remind`: reminds every unit that has not sent the report.
pub async fn remind_unsent(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<RemindForm>,
) -> Result<Response, AppError> {
    if !session.user.actor.may_decide_report() {
        return Err(AppError::Forbidden);
    }
    let regime = id_of(&form.regime)
        .map(RegimeId)
        .ok_or(AppError::BadRequest)?;
    let regime = queries::regimes(&state.pool)
        .await?
        .into_iter()
        .find(|r| r.id == regime)
        .ok_or(AppError::NotFound)?;
    let period =
        Period::from_code(regime.period, form.period.trim()).ok_or(AppError::BadRequest)?;
    let mut tx = state.pool.begin().await?;
    let by = by(&state, &session, &headers);
    let reminded = commands::reports::remind_unsent(&mut tx, &by, regime.id, period).await?;
    let location = format!(
        "/reports/tracking?regime={}&period={}",
        regime.id,
        period.code()
    );
    let message = ("report.reminded", Some(reminded.to_string()));
    saved(&state, &session, tx, message, &location).await
}

/// A report as the document the unit signs (docs/reports.md, "The document"): what the print
/// view and the Word file lay out, as submitted once it is, else as it stands (a draft).
pub struct ReportDocument {
    pub report: ReportRow,
    /// The period's name ("Quý IV/2026").
    pub period: String,
    pub figures: Figures,
    pub annex: Vec<AnnexRow>,
    pub narrative: Narrative,
    /// The heading: the body above (regular) and the unit (bold).
    pub above: Option<String>,
    pub body: String,
    /// "Số:      /BC-SXD".
    pub number: String,
    /// The place and date in words, the day left blank on a draft.
    pub date_line: String,
    /// The signer's title, a line each.
    pub signature: Vec<&'static str>,
    /// Who signs: the head who submitted it, once submitted.
    pub signer: Option<String>,
    /// A draft is marked as one.
    pub draft: bool,
}

impl ReportDocument {
    pub fn summary(&self) -> String {
        document::report_summary(&self.period)
    }

    /// The paragraph that opens part II.
    pub fn figures_sentence(&self) -> String {
        document::figures_sentence(&self.figures, self.report.cutoff_end)
    }

    /// The four parts of the body: their titles and their paragraphs.
    pub fn parts(&self) -> [(&'static str, Vec<&str>); 4] {
        let n = &self.narrative;
        let [implementation, results, problems, next_steps] = document::PARTS;
        [
            (implementation, document::paragraphs(&n.implementation)),
            (results, document::paragraphs(&n.results)),
            (problems, document::paragraphs(&n.problems)),
            (next_steps, document::paragraphs(&n.next_steps)),
        ]
    }

    pub fn closing(&self) -> String {
        document::closing_sentence(&self.period, &self.report.unit_name)
    }

    pub fn recipients(&self) -> [String; 3] {
        document::recipients(&self.report.unit_code)
    }

    pub fn annex_summary(&self) -> String {
        document::annex_summary(&self.period)
    }

    pub fn annex_note(&self) -> String {
        document::annex_note(&self.report.unit_name)
    }
}

/// The report `raw` as the document its unit signs, if the user may read it.
pub async fn report_document(
    state: &AppState,
    ctx: &PageCtx,
    session: &Session,
    raw: &str,
) -> Result<ReportDocument, AppError> {
    let report = visible_report(state, session, raw).await?;
    let content = content(state, &report, ctx.today).await?;
    let submission = content.submission();
    let (above, body) = document::issuing_body(
        &report.unit_name,
        report.unit_kind,
        report.parent_name.as_deref(),
    );
    Ok(ReportDocument {
        period: period_name(ctx, report.period()),
        number: document::number_line("BC", &report.unit_code),
        date_line: document::place_and_date("Hà Nội", submission.map(|s| s.submitted_on)),
        signature: document::signature_title(report.unit_kind),
        signer: submission.map(|s| s.submitted_by.clone()),
        draft: submission.is_none(),
        report,
        figures: content.figures,
        annex: content.annex,
        narrative: content.narrative,
        above,
        body,
    })
}

/// The report as the document a unit signs, laid out for A4 paper.
#[derive(Template)]
#[template(path = "reports/print.html")]
pub struct PrintPage {
    ctx: PageCtx,
    doc: ReportDocument,
}

impl PrintPage {
    pub fn status_label(&self, code: &str) -> String {
        status_label(&self.ctx, code)
    }

    pub fn class_label(&self, code: &str) -> String {
        class_label(&self.ctx, code)
    }
}

/// `GET /reports/{id}/print`: the report in the official layout, to print or save as PDF from
/// the browser; as submitted once it is, else as it stands now (marked as a draft).
pub async fn print(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    Path(raw): Path<String>,
) -> Result<Html<String>, AppError> {
    let doc = report_document(&state, &ctx, &session, &raw).await?;
    render(&PrintPage { ctx, doc })
}

/// The columns of the tracking table's download.
const TRACKING_COLUMNS: [Column; 8] = [
    Column {
        key: "annex.number",
        width: 6.0,
        wrap: false,
    },
    Column {
        key: "report.unit",
        width: 40.0,
        wrap: true,
    },
    Column {
        key: "tracking.standing",
        width: 20.0,
        wrap: false,
    },
    Column {
        key: "report.due_on",
        width: 12.0,
        wrap: false,
    },
    Column {
        key: "tracking.first_submitted",
        width: 12.0,
        wrap: false,
    },
    Column {
        key: "tracking.last_submitted",
        width: 12.0,
        wrap: false,
    },
    Column {
        key: "tracking.submissions",
        width: 10.0,
        wrap: false,
    },
    Column {
        key: "tracking.reminders",
        width: 10.0,
        wrap: false,
    },
];

/// The tracking of a regime's period as rows to download, and the file's name.
async fn tracking_rows(
    state: &AppState,
    ctx: &PageCtx,
    session: &Session,
    query: &TrackingQuery,
    extension: &str,
) -> Result<(Vec<String>, Vec<Vec<Value>>, FileName), AppError> {
    if !session.user.actor.sees_all_units() {
        return Err(AppError::Forbidden);
    }
    let (_, regime, period) = tracked(state, query, ctx.today).await?;
    let (Some(regime), Some(period)) = (regime, period) else {
        return Err(AppError::NotFound);
    };
    let rows = queries::tracking(&state.pool, regime.id, period).await?;
    let rows = rows
        .into_iter()
        .enumerate()
        .map(|(n, row)| {
            let standing = Standing::of(row.status, row.due_on, row.first_submitted_on, ctx.today);
            vec![
                Value::Number(n as i64 + 1),
                Value::text(row.unit_name),
                Value::text(ctx.t(standing.label_key())),
                Value::Date(row.due_on),
                Value::date(row.first_submitted_on),
                Value::date(row.last_submitted_on.filter(|_| row.submissions > 1)),
                Value::Number(row.submissions),
                Value::Number(row.reminder_count.into()),
            ]
        })
        .collect();
    let headings = TRACKING_COLUMNS
        .iter()
        .map(|c| ctx.t(c.key).to_owned())
        .collect();
    let name = FileName {
        ascii: format!("theo-doi-bao-cao-{}.{extension}", period.code()),
        full: format!("{} {}.{extension}", ctx.t("tracking.title"), period.code()),
    };
    Ok((headings, rows, name))
}

/// `GET /reports/tracking.xlsx?regime=…&period=…`: the tracking table as a workbook.
pub async fn tracking_xlsx(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    Query(query): Query<TrackingQuery>,
) -> Result<Response, AppError> {
    let (headings, rows, name) = tracking_rows(&state, &ctx, &session, &query, "xlsx").await?;
    let dir = state.config.data_dir.join("exports");
    let sheet = ctx.t("tracking.sheet_name").to_owned();
    sheet_download(dir, sheet, &TRACKING_COLUMNS, headings, rows, &name).await
}

/// `GET /reports/tracking.csv?regime=…&period=…`: the tracking table as CSV.
pub async fn tracking_csv(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    Query(query): Query<TrackingQuery>,
) -> Result<Response, AppError> {
    let (headings, rows, name) = tracking_rows(&state, &ctx, &session, &query, "csv").await?;
    Ok(csv_download(&headings, &rows, &name))
}
