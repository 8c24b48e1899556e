//! Creating and editing remediation plans (City reviewers and admins; the guard is on the
//! route group, and `commands::plans`, which makes the changes, checks it again).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{Html, Response};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sqlx::PgConnection;

use crate::commands::plans;
use crate::db::admin::{self as admin_queries, UnitOption};
use crate::db::plans::{self as queries, PlanRow, PlanValues};
use crate::db::shortcomings::{self as shortcoming_queries, ShortcomingOption};
use crate::domain::dates::format_date;
use crate::domain::input::{self, FieldErrors, Invalid, limits};
use crate::domain::{PlanId, ShortcomingId, UnitId};
use crate::web::conflict::{Difference, EditForm, Shown, unit_name};
use crate::web::ctx::PageCtx;
use crate::web::error::AppError;
use crate::web::extract::CsrfForm;
use crate::web::form_page::{respond, respond_edit, shown};
use crate::web::forms::{id_of, ids_of};
use crate::web::pages::{by, parse_id, render, saved};
use crate::web::session::Session;
use crate::web::state::AppState;

/// The message after a save.
const SAVED: (&str, Option<String>) = ("plan_form.saved", None);

/// What the form sends, as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct PlanForm {
    #[serde(default)]
    pub unit_id: String,
    #[serde(default)]
    pub doc_number: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub issue_deadline: String,
    #[serde(default)]
    pub issued_on: String,
    /// The checked shortcomings: one `shortcoming` per checked box.
    #[serde(default)]
    pub shortcoming: Vec<String>,
    /// The version of the values the form was filled with (`web::conflict`).
    #[serde(default, skip_serializing)]
    pub version: String,
    #[serde(skip)]
    pub conflict: Option<Vec<Difference>>,
}

impl PlanForm {
    fn of(saved: &PlanValues) -> Self {
        PlanForm {
            unit_id: saved.unit_id.to_string(),
            doc_number: saved.doc_number.clone().unwrap_or_default(),
            title: saved.title.clone(),
            issue_deadline: format_date(saved.issue_deadline),
            issued_on: saved.issued_on.map(format_date).unwrap_or_default(),
            shortcoming: saved.shortcomings.iter().map(ToString::to_string).collect(),
            ..PlanForm::default()
        }
    }

    pub fn has_shortcoming(&self, id: &ShortcomingId) -> bool {
        let id = id.to_string();
        self.shortcoming.iter().any(|s| s.trim() == id)
    }
}

impl Shown for PlanForm {
    fn shown(&self, ctx: &PageCtx) -> Vec<(&'static str, String)> {
        let directory = ctx.session.as_ref().map(|s| &s.directory);
        let mut codes: Vec<String> = self
            .shortcoming
            .iter()
            .map(|raw| {
                id_of(raw)
                    .and_then(|id| directory?.shortcoming(ShortcomingId(id)))
                    .map_or_else(|| raw.trim().to_owned(), |s| s.code.clone())
            })
            .collect();
        codes.sort();
        vec![
            ("plan.unit", unit_name(ctx, &self.unit_id)),
            ("plan.title", self.title.clone()),
            ("plan_form.issue_deadline", self.issue_deadline.clone()),
            ("plan_form.issued_on", self.issued_on.clone()),
            ("plan.doc_number", self.doc_number.clone()),
            ("plan.shortcomings", codes.join(", ")),
        ]
    }
}

crate::edit_form!(PlanForm, PlanRow, queries::find, PlanId);

#[derive(Template)]
#[template(path = "plans/form.html")]
pub struct FormPage {
    ctx: PageCtx,
    /// The plan being edited; `None` for a new one.
    plan: Option<PlanRow>,
    form: PlanForm,
    errors: FieldErrors,
    units: Vec<UnitOption>,
    shortcomings: Vec<ShortcomingOption>,
}

async fn form_page(
    state: &AppState,
    ctx: PageCtx,
    plan: Option<PlanRow>,
    form: PlanForm,
    errors: FieldErrors,
) -> Result<Html<String>, AppError> {
    let keep = plan.as_ref().map(|p| p.unit_id);
    render(&FormPage {
        units: admin_queries::unit_options(&state.pool, keep).await?,
        shortcomings: shortcoming_queries::options(&state.pool).await?,
        ctx,
        plan,
        form,
        errors,
    })
}

/// The values to save, or the messages beside the fields. A new plan's deadline (`creating`)
/// may not lie in the past; an edited plan's may. (Whether the chosen unit and shortcomings
/// exist is the command's to check.)
fn parse(form: &PlanForm, creating: bool, today: NaiveDate) -> Result<PlanValues, AppError> {
    let mut errors = FieldErrors::default();
    let unit_id = errors.check(
        "unit_id",
        id_of(&form.unit_id)
            .map(UnitId)
            .ok_or(Invalid::new("plan_form.unit_unknown")),
    );
    let doc_number = errors.check(
        "doc_number",
        limits::PLAN_DOC_NUMBER.optional(&form.doc_number),
    );
    let title = errors.check("title", limits::PLAN_TITLE.required(&form.title));
    let issue_deadline = errors.check(
        "issue_deadline",
        input::date(&form.issue_deadline).and_then(|date| match date {
            None => Err(input::REQUIRED),
            Some(date) if creating && date < today => Err(Invalid::new("plan_form.deadline_past")),
            Some(date) => Ok(date),
        }),
    );
    let issued_on = errors.check(
        "issued_on",
        input::date(&form.issued_on).and_then(|date| match date {
            Some(date) if date > today => Err(Invalid::new("plan_form.issued_future")),
            date => Ok(date),
        }),
    );
    // An issued plan has a number (the schema insists too: plans_issued_has_number).
    if matches!(issued_on, Some(Some(_))) && matches!(doc_number, Some(None)) {
        errors.refuse("doc_number", Invalid::new("plan_form.number_required"));
    }
    let shortcomings = errors.check(
        "shortcoming",
        ids_of(&form.shortcoming)
            .map(|ids| ids.into_iter().map(ShortcomingId).collect())
            .ok_or(Invalid::new("plan_form.shortcoming_unknown")),
    );
    match (
        unit_id,
        doc_number,
        title,
        issue_deadline,
        issued_on,
        shortcomings,
    ) {
        (
            Some(unit_id),
            Some(doc_number),
            Some(title),
            Some(issue_deadline),
            Some(issued_on),
            Some(shortcomings),
        ) if errors.is_empty() => Ok(PlanValues {
            unit_id,
            doc_number,
            title,
            issue_deadline,
            issued_on,
            shortcomings,
        }),
        _ => Err(AppError::Validation(errors)),
    }
}

/// `GET /plans/new`.
pub async fn new_form(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, AppError> {
    let page = form_page(
        &state,
        ctx,
        None,
        PlanForm::default(),
        FieldErrors::default(),
    );
    shown(page.await)
}

/// `POST /plans`.
pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<PlanForm>,
) -> Result<Response, AppError> {
    let outcome = async {
        let values = parse(&form, true, ctx.today)?;
        let mut tx = state.pool.begin().await?;
        let id = plans::create_plan(&mut tx, &by(&state, &session, &headers), &values).await?;
        saved(&state, &session, tx, SAVED, &format!("/plans/{id}")).await
    };
    respond(&ctx, outcome.await, form, |form, errors| {
        form_page(&state, ctx.clone(), None, form, errors)
    })
    .await
}

/// The plan and its values as saved, read on `conn`.
async fn plan_in(
    conn: &mut PgConnection,
    id: PlanId,
) -> Result<Option<(PlanRow, PlanValues)>, sqlx::Error> {
    let Some(plan) = queries::find(&mut *conn, id).await? else {
        return Ok(None);
    };
    let shortcomings = queries::shortcomings(&mut *conn, id).await?;
    let values = PlanValues::of(&plan, &shortcomings);
    Ok(Some((plan, values)))
}

/// `GET /plans/{id}/edit`.
pub async fn edit_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(raw): Path<String>,
) -> Result<Response, AppError> {
    let id = PlanId(parse_id(&raw)?);
    let mut conn = state.pool.acquire().await?;
    let (plan, values) = plan_in(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    drop(conn);
    let form = PlanForm::of(&values).stamped();
    shown(form_page(&state, ctx, Some(plan), form, FieldErrors::default()).await)
}

/// `POST /plans/{id}`.
pub async fn update(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    headers: HeaderMap,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<PlanForm>,
) -> Result<Response, AppError> {
    let id = PlanId(parse_id(&raw)?);
    let outcome = async {
        let values = parse(&form, false, ctx.today)?;
        let mut tx = state.pool.begin().await?;
        let by = by(&state, &session, &headers);
        plans::update_plan(&mut tx, &by, id, &values, |saved| {
            PlanForm::of(saved).refuse_if_changed(&ctx, &form)
        })
        .await?;
        saved(&state, &session, tx, SAVED, &format!("/plans/{id}")).await
    };
    respond_edit(
        &state,
        &ctx,
        id.0,
        outcome.await,
        form,
        |plan, form, errors| form_page(&state, ctx.clone(), Some(plan), form, errors),
    )
    .await
}
