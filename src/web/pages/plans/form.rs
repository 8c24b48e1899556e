//! Creating and editing remediation plans (City reviewers and admins; the guard is on the
//! route group). Each save writes the plan, its shortcomings and the audit entry in one
//! transaction.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::db::admin::{self as admin_queries, UnitOption};
use crate::db::audit::AuditEntry;
use crate::db::plans::{self as queries, PlanRow, PlanValues};
use crate::db::shortcomings::{self as shortcoming_queries, ShortcomingOption};
use crate::domain::dates::{format_date, parse_date};
use crate::domain::{PlanId, ShortcomingId, UnitId};
use crate::web::conflict::{self, Difference, EditForm, Shown, Versioned, unit_name};
use crate::web::ctx::PageCtx;
use crate::web::error::AppError;
use crate::web::extract::CsrfForm;
use crate::web::forms::{FieldErrors, id_of, ids_of, optional, text, violated_constraint};
use crate::web::pages::{finish, parse_id, render, snapshot};
use crate::web::session::Session;
use crate::web::state::AppState;

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
    fn of(plan: &PlanRow, values: &PlanValues) -> Self {
        PlanForm {
            unit_id: plan.unit_id.to_string(),
            doc_number: plan.doc_number.clone().unwrap_or_default(),
            title: plan.title.clone(),
            issue_deadline: format_date(plan.issue_deadline),
            issued_on: plan.issued_on.map(format_date).unwrap_or_default(),
            shortcoming: values
                .shortcomings
                .iter()
                .map(ToString::to_string)
                .collect(),
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

crate::edit_form!(PlanForm);

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
    status: StatusCode,
) -> Result<Response, AppError> {
    let keep = plan.as_ref().map(|p| p.unit_id);
    let page = FormPage {
        units: admin_queries::unit_options(&state.pool, keep).await?,
        shortcomings: shortcoming_queries::options(&state.pool).await?,
        ctx,
        plan,
        form,
        errors,
    };
    Ok((status, render(&page)?).into_response())
}

/// A date field: `None` when empty, else the date or the message why it is not one.
fn date_field(ctx: &PageCtx, raw: &str) -> Option<Result<NaiveDate, String>> {
    let raw = optional(raw)?;
    Some(parse_date(&raw).ok_or_else(|| ctx.t("form.date_format").to_owned()))
}

/// Checks what was typed, and that the chosen unit and shortcomings exist. `saved` is the
/// plan being edited: its unit may stay even if it was deactivated since, and its deadline
/// may lie in the past (a new plan's may not).
async fn validate(
    state: &AppState,
    ctx: &PageCtx,
    form: &PlanForm,
    saved: Option<&PlanRow>,
) -> Result<Result<PlanValues, FieldErrors>, AppError> {
    let mut errors = FieldErrors::default();

    let unit_id = match id_of(&form.unit_id).map(UnitId) {
        Some(id) => admin_queries::unit(&state.pool, id)
            .await?
            .filter(|unit| unit.active || saved.is_some_and(|p| p.unit_id == unit.id))
            .map(|unit| unit.id),
        None => None,
    };
    if unit_id.is_none() {
        errors.add("unit_id", ctx.t("plan_form.unit_unknown"));
    }

    let doc_number = optional(&form.doc_number);
    if doc_number.as_ref().is_some_and(|n| n.chars().count() > 60) {
        errors.add("doc_number", ctx.t("form.too_long"));
    }

    let title = text(&form.title);
    if title.is_empty() {
        errors.add("title", ctx.t("form.required"));
    } else if title.chars().count() > 500 {
        errors.add("title", ctx.t("form.too_long"));
    }

    let issue_deadline = match date_field(ctx, &form.issue_deadline) {
        None => {
            errors.add("issue_deadline", ctx.t("form.required"));
            None
        }
        Some(Err(message)) => {
            errors.add("issue_deadline", message);
            None
        }
        Some(Ok(date)) if saved.is_none() && date < ctx.today => {
            errors.add("issue_deadline", ctx.t("plan_form.deadline_past"));
            None
        }
        Some(Ok(date)) => Some(date),
    };

    let issued_on = match date_field(ctx, &form.issued_on) {
        None => None,
        Some(Err(message)) => {
            errors.add("issued_on", message);
            None
        }
        Some(Ok(date)) if date > ctx.today => {
            errors.add("issued_on", ctx.t("plan_form.issued_future"));
            None
        }
        Some(Ok(date)) => Some(date),
    };
    // An issued plan has a number (the schema insists too: plans_issued_has_number).
    if issued_on.is_some() && doc_number.is_none() {
        errors.add("doc_number", ctx.t("plan_form.number_required"));
    }

    let shortcomings = match ids_of(&form.shortcoming) {
        Some(ids) => {
            let found = shortcoming_queries::existing(&state.pool, &ids).await?;
            (found.len() == ids.len()).then_some(found)
        }
        None => None,
    };
    if shortcomings.is_none() {
        errors.add("shortcoming", ctx.t("plan_form.shortcoming_unknown"));
    }

    Ok(match (unit_id, issue_deadline, shortcomings) {
        (Some(unit_id), Some(issue_deadline), Some(shortcomings)) if errors.is_empty() => {
            Ok(PlanValues {
                unit_id,
                doc_number,
                title,
                issue_deadline,
                issued_on,
                shortcomings,
            })
        }
        _ => Err(errors),
    })
}

/// A constraint the checks above already enforce, should the database still refuse: the
/// message beside its field rather than an error page.
fn refused_by_constraint(ctx: &PageCtx, error: &sqlx::Error) -> Option<FieldErrors> {
    match violated_constraint(error).as_deref() {
        Some("plans_issued_has_number") => Some(FieldErrors::one(
            "doc_number",
            ctx.t("plan_form.number_required"),
        )),
        Some("plans_title_present") => Some(FieldErrors::one("title", ctx.t("form.required"))),
        _ => None,
    }
}

/// `GET /plans/new`.
pub async fn new_form(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, AppError> {
    form_page(
        &state,
        ctx,
        None,
        PlanForm::default(),
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// `POST /plans`.
pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<PlanForm>,
) -> Result<Response, AppError> {
    let values = match validate(&state, &ctx, &form, None).await? {
        Ok(values) => values,
        Err(errors) => {
            return form_page(
                &state,
                ctx,
                None,
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let mut tx = state.pool.begin().await?;
    let id = match queries::insert(&mut *tx, &values).await {
        Ok(id) => id,
        Err(e) => match refused_by_constraint(&ctx, &e) {
            Some(errors) => {
                return form_page(
                    &state,
                    ctx,
                    None,
                    form,
                    errors,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await;
            }
            None => return Err(e.into()),
        },
    };
    queries::replace_shortcomings(&mut *tx, id, &values.shortcomings).await?;
    finish(
        &state,
        &session,
        &headers,
        tx,
        AuditEntry {
            action: "plan.create",
            entity: "plan",
            entity_id: Some(id.to_string()),
            unit: Some(values.unit_id),
            after: snapshot(&values),
            ..Default::default()
        },
        ("plan_form.saved", None),
        &format!("/plans/{id}"),
    )
    .await
}

/// The plan and its values as saved.
async fn saved_plan(state: &AppState, raw: &str) -> Result<(PlanRow, PlanValues), AppError> {
    let id = PlanId(parse_id(raw)?);
    saved_plan_in(&mut *state.pool.acquire().await?, id).await
}

/// [`saved_plan`], read on `conn` (in a transaction, after locking the plan).
async fn saved_plan_in(
    conn: &mut sqlx::PgConnection,
    id: PlanId,
) -> Result<(PlanRow, PlanValues), AppError> {
    let plan = queries::find(&mut *conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let shortcomings = queries::shortcomings(&mut *conn, id).await?;
    let values = PlanValues::of(&plan, &shortcomings);
    Ok((plan, values))
}

/// `GET /plans/{id}/edit`.
pub async fn edit_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(raw): Path<String>,
) -> Result<Response, AppError> {
    let (plan, values) = saved_plan(&state, &raw).await?;
    let form = PlanForm::of(&plan, &values).stamped();
    form_page(
        &state,
        ctx,
        Some(plan),
        form,
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
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
    let (plan, before) = saved_plan(&state, &raw).await?;
    let values = match validate(&state, &ctx, &form, Some(&plan)).await? {
        Ok(values) => values,
        Err(errors) => {
            return form_page(
                &state,
                ctx,
                Some(plan),
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let id = plan.id;
    let mut tx = state.pool.begin().await?;
    conflict::lock(&mut tx, Versioned::Plans, id.0).await?;
    let (saved, saved_values) = saved_plan_in(&mut tx, id).await?;
    let mut form = form;
    if PlanForm::of(&saved, &saved_values).outdates(&ctx, &mut form) {
        tx.rollback().await?;
        return form_page(
            &state,
            ctx,
            Some(saved),
            form,
            FieldErrors::default(),
            StatusCode::CONFLICT,
        )
        .await;
    }
    if let Err(e) = queries::update(&mut *tx, id, &values).await {
        return match refused_by_constraint(&ctx, &e) {
            Some(errors) => {
                form_page(
                    &state,
                    ctx,
                    Some(plan),
                    form,
                    errors,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await
            }
            None => Err(e.into()),
        };
    }
    queries::replace_shortcomings(&mut *tx, id, &values.shortcomings).await?;
    finish(
        &state,
        &session,
        &headers,
        tx,
        AuditEntry {
            action: "plan.update",
            entity: "plan",
            entity_id: Some(id.to_string()),
            unit: Some(values.unit_id),
            before: snapshot(&before),
            after: snapshot(&values),
            ..Default::default()
        },
        ("plan_form.saved", None),
        &format!("/plans/{id}"),
    )
    .await
}
