//! The City's report regimes (docs/reports.md, "Regimes"): the list, a new regime, an edit
//! with the version check. For the City's reviewers; each change is a command
//! (`commands::regimes`).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{Html, Response};
use serde::{Deserialize, Serialize};

use crate::commands::regimes;
use crate::db::admin::{self as admin_queries, UnitOption};
use crate::db::reports::{self as queries, RegimeRow, RegimeValues};
use crate::domain::dates::format_date;
use crate::domain::input::{self, FieldErrors, Invalid, REQUIRED, limits};
use crate::domain::periods::{CutoffDay, PeriodKind};
use crate::domain::reports::{DUE_WORKING_DAYS, ReportOwners};
use crate::domain::{RegimeId, UnitId};
use crate::web::conflict::{Difference, EditForm, Shown, active_label, choice_label, listed};
use crate::web::ctx::PageCtx;
use crate::web::error::AppError;
use crate::web::extract::CsrfForm;
use crate::web::form_page::{respond, shown};
use crate::web::forms::{checked, ids_of};
use crate::web::pages::{SAVED, by, parse_id, render, saved};
use crate::web::session::Session;
use crate::web::state::AppState;

/// Where a save leads: the list.
const LIST: &str = "/reports/regimes";

#[derive(Template)]
#[template(path = "regimes/index.html")]
pub struct IndexPage {
    ctx: PageCtx,
    regimes: Vec<RegimeRow>,
}

/// `GET /reports/regimes`.
pub async fn index(State(state): State<AppState>, ctx: PageCtx) -> Result<Html<String>, AppError> {
    let regimes = queries::regimes(&state.pool).await?;
    render(&IndexPage { ctx, regimes })
}

/// What was typed into the regime form.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct RegimeForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub period: String,
    #[serde(default)]
    pub cutoff_day: String,
    #[serde(default)]
    pub due_working_days: String,
    #[serde(default)]
    pub owed_by: String,
    #[serde(default)]
    pub coordinators_report: Option<String>,
    #[serde(default)]
    pub first_period_start: String,
    #[serde(default)]
    pub active: Option<String>,
    #[serde(default)]
    pub unit: Vec<String>,
    /// The version of the values the form was filled with (`web::conflict`).
    #[serde(default, skip_serializing)]
    pub version: String,
    #[serde(skip)]
    pub conflict: Option<Vec<Difference>>,
}

crate::edit_form!(RegimeForm);

impl Shown for RegimeForm {
    fn shown(&self, ctx: &PageCtx) -> Vec<(&'static str, String)> {
        let period = PeriodKind::from_code(&self.period).map(PeriodKind::label_key);
        let owed_by = ReportOwners::from_code(&self.owed_by).map(ReportOwners::label_key);
        vec![
            ("regime.name", self.name.clone()),
            ("regime.period", choice_label(ctx, &self.period, period)),
            ("regime.cutoff_day", self.cutoff_day.clone()),
            ("regime.due_working_days", self.due_working_days.clone()),
            ("regime.owed_by", choice_label(ctx, &self.owed_by, owed_by)),
            (
                "regime.coordinators_report",
                active_label(ctx, checked(&self.coordinators_report)),
            ),
            ("regime.first_period_start", self.first_period_start.clone()),
            (
                "admin.units.active_label",
                active_label(ctx, checked(&self.active)),
            ),
            ("regime.units", listed(ctx, &self.unit)),
        ]
    }
}

impl RegimeForm {
    fn from_saved((row, units): &(RegimeRow, Vec<UnitId>)) -> Self {
        RegimeForm {
            name: row.name.clone(),
            period: row.period.code().to_owned(),
            cutoff_day: row.cutoff_day.to_string(),
            due_working_days: row.due_working_days.to_string(),
            owed_by: row.owed_by.code().to_owned(),
            coordinators_report: row.coordinators_report.then(|| "on".to_owned()),
            first_period_start: format_date(row.first_period_start),
            active: row.active.then(|| "on".to_owned()),
            unit: units.iter().map(ToString::to_string).collect(),
            ..RegimeForm::default()
        }
    }

    pub fn has_unit(&self, id: &UnitId) -> bool {
        let id = id.to_string();
        self.unit.iter().any(|u| u.trim() == id)
    }

    pub fn is(&self, value: &str, option: &str) -> bool {
        value == option
    }

    pub fn is_checked(&self, value: &Option<String>) -> bool {
        checked(value)
    }
}

#[derive(Template)]
#[template(path = "regimes/form.html")]
pub struct FormPage {
    ctx: PageCtx,
    /// `None` when creating.
    regime: Option<RegimeId>,
    form: RegimeForm,
    errors: FieldErrors,
    periods: [PeriodKind; 4],
    owners: [ReportOwners; 2],
    units: Vec<UnitOption>,
}

async fn form_page(
    state: &AppState,
    ctx: PageCtx,
    regime: Option<RegimeId>,
    form: RegimeForm,
    errors: FieldErrors,
) -> Result<Html<String>, AppError> {
    let units = admin_queries::unit_options(&state.pool, None).await?;
    render(&FormPage {
        ctx,
        regime,
        form,
        errors,
        periods: PeriodKind::ALL,
        owners: ReportOwners::ALL,
        units,
    })
}

/// A whole number in `range`, or the message saying which.
fn number_in(raw: &str, range: std::ops::RangeInclusive<u32>) -> Result<u32, Invalid> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(REQUIRED);
    }
    raw.parse::<u32>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| {
            Invalid::with(
                "regime_form.range",
                format!("{}–{}", range.start(), range.end()),
            )
        })
}

/// The values to save, or the messages beside the fields.
fn parse(form: &RegimeForm) -> Result<RegimeValues, AppError> {
    let mut errors = FieldErrors::default();
    let name = errors.check("name", limits::REGIME_NAME.required(&form.name));
    let period = errors.check(
        "period",
        PeriodKind::from_code(&form.period).ok_or(input::CHOOSE),
    );
    let cutoff_day = errors.check(
        "cutoff_day",
        number_in(&form.cutoff_day, 1..=31)
            .and_then(|d| CutoffDay::new(d).map(CutoffDay::get).ok_or(input::CHOOSE)),
    );
    let due_working_days = errors.check(
        "due_working_days",
        number_in(&form.due_working_days, DUE_WORKING_DAYS),
    );
    let owed_by = errors.check(
        "owed_by",
        ReportOwners::from_code(&form.owed_by).ok_or(input::CHOOSE),
    );
    let first_period_start = errors.check(
        "first_period_start",
        input::date(&form.first_period_start).and_then(|d| d.ok_or(REQUIRED)),
    );
    let units = errors.check(
        "units",
        ids_of(&form.unit).ok_or(Invalid::new("regime_form.unit_unknown")),
    );
    match (
        name,
        period,
        cutoff_day,
        due_working_days,
        owed_by,
        first_period_start,
        units,
    ) {
        (
            Some(name),
            Some(period),
            Some(cutoff_day),
            Some(due_working_days),
            Some(owed_by),
            Some(first_period_start),
            Some(units),
        ) => Ok(RegimeValues {
            name,
            period,
            cutoff_day,
            due_working_days,
            owed_by,
            coordinators_report: checked(&form.coordinators_report),
            first_period_start,
            active: checked(&form.active),
            units: match owed_by {
                ReportOwners::ChosenUnits => units.into_iter().map(UnitId).collect(),
                ReportOwners::TaskUnits => Vec::new(),
            },
        }),
        _ => Err(AppError::Validation(errors)),
    }
}

/// `GET /reports/regimes/new`.
pub async fn new_form(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, AppError> {
    let form = RegimeForm {
        period: "quarter".into(),
        cutoff_day: CutoffDay::DEFAULT.get().to_string(),
        due_working_days: "1".into(),
        owed_by: "task_units".into(),
        first_period_start: format_date(ctx.today),
        active: Some("on".into()),
        ..RegimeForm::default()
    };
    shown(form_page(&state, ctx, None, form, FieldErrors::default()).await)
}

/// `POST /reports/regimes`.
pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<RegimeForm>,
) -> Result<Response, AppError> {
    let outcome = async {
        let values = parse(&form)?;
        let mut tx = state.pool.begin().await?;
        regimes::create(&mut tx, &by(&state, &session, &headers), &values).await?;
        saved(&state, &session, tx, SAVED, LIST).await
    };
    respond(&ctx, outcome.await, form, |form, errors| {
        form_page(&state, ctx.clone(), None, form, errors)
    })
    .await
}

/// `GET /reports/regimes/{id}/edit`.
pub async fn edit_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(raw): Path<String>,
) -> Result<Response, AppError> {
    let id = RegimeId(parse_id(&raw)?);
    let mut conn = state.pool.acquire().await?;
    let saved = queries::regime(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    drop(conn);
    let form = RegimeForm::from_saved(&saved).stamped();
    shown(form_page(&state, ctx, Some(id), form, FieldErrors::default()).await)
}

/// `POST /reports/regimes/{id}`.
pub async fn update(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    headers: HeaderMap,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<RegimeForm>,
) -> Result<Response, AppError> {
    let id = RegimeId(parse_id(&raw)?);
    let outcome = async {
        let values = parse(&form)?;
        let mut tx = state.pool.begin().await?;
        let by = by(&state, &session, &headers);
        regimes::update(&mut tx, &by, id, &values, |saved| {
            RegimeForm::from_saved(saved).refuse_if_changed(&ctx, &form)
        })
        .await?;
        saved(&state, &session, tx, SAVED, LIST).await
    };
    respond(&ctx, outcome.await, form, |form, errors| {
        form_page(&state, ctx.clone(), Some(id), form, errors)
    })
    .await
}
