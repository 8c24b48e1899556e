//! The working-day calendar (docs/reports.md, "Working days"): the days off and make-up
//! working days of a year, listed and taken off the list. Every change is a command
//! (`commands::calendar`), audited.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, Response};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::commands::calendar;
use crate::db::calendar::{self as queries, CalendarDayRow};
use crate::domain::calendar::CalendarDayKind;
use crate::domain::dates::YEARS;
use crate::domain::input::{self, FieldErrors, REQUIRED, limits};
use crate::web::conflict::{Difference, Shown};
use crate::web::ctx::PageCtx;
use crate::web::error::AppError;
use crate::web::extract::CsrfForm;
use crate::web::form_page::respond;
use crate::web::forms::NoFields;
use crate::web::pages::{by, render, saved};
use crate::web::session::Session;
use crate::web::state::AppState;

#[derive(Debug, Deserialize)]
pub struct YearQuery {
    year: Option<String>,
}

/// A day to list, as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct DayForm {
    #[serde(default)]
    pub day: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub name: String,
    /// Unused: a new day has no version (the form pipeline reads it).
    #[serde(default, skip_serializing)]
    pub version: String,
    #[serde(skip)]
    pub conflict: Option<Vec<Difference>>,
}

crate::edit_form!(DayForm);

impl Shown for DayForm {
    fn shown(&self, _: &PageCtx) -> Vec<(&'static str, String)> {
        vec![
            ("admin.calendar.day", self.day.clone()),
            ("admin.calendar.name", self.name.clone()),
        ]
    }
}

#[derive(Template)]
#[template(path = "admin/calendar.html")]
pub struct CalendarPage {
    ctx: PageCtx,
    year: i32,
    days: Vec<CalendarDayRow>,
    form: DayForm,
    errors: FieldErrors,
    kinds: [CalendarDayKind; 2],
}

impl CalendarPage {
    /// The weekday's name in the page's language.
    pub fn weekday(&self, day: &NaiveDate) -> String {
        let n = day.weekday().num_days_from_monday();
        self.ctx.t(&format!("weekday.{n}")).to_owned()
    }
}

/// The year asked for (this year when none or none the portal takes).
fn year_of(raw: Option<&str>, today: NaiveDate) -> i32 {
    raw.and_then(|y| y.trim().parse().ok())
        .filter(|y| YEARS.contains(y))
        .unwrap_or(today.year())
}

async fn page(
    state: &AppState,
    ctx: PageCtx,
    year: i32,
    form: DayForm,
    errors: FieldErrors,
) -> Result<Html<String>, AppError> {
    let days = queries::days_of_year(&state.pool, year).await?;
    render(&CalendarPage {
        ctx,
        year,
        days,
        form,
        errors,
        kinds: CalendarDayKind::ALL,
    })
}

/// `GET /admin/calendar?year=…`.
pub async fn index(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(query): Query<YearQuery>,
) -> Result<Html<String>, AppError> {
    let year = year_of(query.year.as_deref(), ctx.today);
    let form = DayForm {
        kind: "day_off".into(),
        ..DayForm::default()
    };
    page(&state, ctx, year, form, FieldErrors::default()).await
}

/// The day, kind and name to list, or the messages beside the fields.
fn parse(form: &DayForm) -> Result<(NaiveDate, CalendarDayKind, String), AppError> {
    let mut errors = FieldErrors::default();
    let day = errors.check(
        "day",
        input::date(&form.day).and_then(|d| d.ok_or(REQUIRED)),
    );
    let kind = errors.check(
        "kind",
        CalendarDayKind::from_code(&form.kind).ok_or(input::CHOOSE),
    );
    let name = errors.check("name", limits::CALENDAR_DAY_NAME.required(&form.name));
    match (day, kind, name) {
        (Some(day), Some(kind), Some(name)) => Ok((day, kind, name)),
        _ => Err(AppError::Validation(errors)),
    }
}

/// `POST /admin/calendar`: lists a day.
pub async fn add(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<DayForm>,
) -> Result<Response, AppError> {
    let outcome = async {
        let (day, kind, name) = parse(&form)?;
        let mut tx = state.pool.begin().await?;
        calendar::add_day(&mut tx, &by(&state, &session, &headers), day, kind, &name).await?;
        let location = format!("/admin/calendar?year={}", day.year());
        saved(&state, &session, tx, ("admin.saved", None), &location).await
    };
    let year = input::date(&form.day)
        .ok()
        .flatten()
        .map_or(ctx.today.year(), |d| d.year());
    respond(&ctx, outcome.await, form, |form, errors| {
        page(&state, ctx.clone(), year, form, errors)
    })
    .await
}

/// `POST /admin/calendar/{day}/delete` (`day` as 2026-04-27): takes a day off the list.
pub async fn remove(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Path(raw): Path<String>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let day = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| AppError::NotFound)?;
    let mut tx = state.pool.begin().await?;
    calendar::remove_day(&mut tx, &by(&state, &session, &headers), day).await?;
    let location = format!("/admin/calendar?year={}", day.year());
    saved(&state, &session, tx, ("admin.deleted", None), &location).await
}
