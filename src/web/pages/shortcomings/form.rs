//! Creating and editing shortcomings (City reviewers and admins; the guard is on the route
//! group, and `commands::shortcomings`, which makes the changes, checks it again).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{Html, Response};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::commands::shortcomings;
use crate::db::admin::{self as admin_queries, FieldRow, UnitOption};
use crate::db::shortcomings::{self as queries, ShortcomingRecord, ShortcomingValues, SourceRow};
use crate::domain::input::{self, FieldErrors, Invalid, limits};
use crate::domain::{FieldId, ShortcomingId, SourceId, UnitId};
use crate::web::conflict::{Difference, EditForm, Shown, listed, unit_name};
use crate::web::ctx::PageCtx;
use crate::web::error::AppError;
use crate::web::extract::CsrfForm;
use crate::web::form_page::{respond, respond_edit, shown};
use crate::web::forms::{id_of, ids_of};
use crate::web::pages::{by, parse_id, render, saved};
use crate::web::session::Session;
use crate::web::state::AppState;

/// What the form sends, as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ShortcomingForm {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub field_id: String,
    #[serde(default)]
    pub lead_unit_id: String,
    #[serde(default)]
    pub year_identified: String,
    /// The checked source documents: one `source` per checked box.
    #[serde(default)]
    pub source: Vec<String>,
    /// The version of the values the form was filled with (`web::conflict`).
    #[serde(default, skip_serializing)]
    pub version: String,
    #[serde(skip)]
    pub conflict: Option<Vec<Difference>>,
}

impl ShortcomingForm {
    fn of(saved: &ShortcomingValues) -> Self {
        ShortcomingForm {
            code: saved.code.clone(),
            title: saved.title.clone(),
            description: saved.description.clone(),
            field_id: saved.field_id.to_string(),
            lead_unit_id: saved.lead_unit_id.to_string(),
            year_identified: saved.year_identified.to_string(),
            source: saved.sources.iter().map(ToString::to_string).collect(),
            ..ShortcomingForm::default()
        }
    }

    pub fn has_source(&self, id: &SourceId) -> bool {
        let id = id.to_string();
        self.source.iter().any(|s| s.trim() == id)
    }
}

impl Shown for ShortcomingForm {
    fn shown(&self, ctx: &PageCtx) -> Vec<(&'static str, String)> {
        let directory = ctx.session.as_ref().map(|s| &s.directory);
        let field = id_of(&self.field_id)
            .and_then(|id| {
                let fields = directory?.fields();
                fields
                    .iter()
                    .find(|f| f.id.0 == id)
                    .map(|f| f.name_vi.clone())
            })
            .unwrap_or_else(|| self.field_id.clone());
        vec![
            ("shortcoming_form.code", self.code.clone()),
            ("shortcoming.title", self.title.clone()),
            ("shortcoming.description", self.description.clone()),
            ("shortcoming.field", field),
            ("shortcoming.lead_unit", unit_name(ctx, &self.lead_unit_id)),
            (
                "shortcoming_form.year_identified",
                self.year_identified.clone(),
            ),
            ("shortcoming.sources", listed(ctx, &self.source)),
        ]
    }
}

crate::edit_form!(
    ShortcomingForm,
    ShortcomingRecord,
    queries::record,
    ShortcomingId
);

#[derive(Template)]
#[template(path = "shortcomings/form.html")]
pub struct FormPage {
    ctx: PageCtx,
    /// The shortcoming being edited; `None` for a new one.
    shortcoming: Option<ShortcomingRecord>,
    form: ShortcomingForm,
    errors: FieldErrors,
    fields: Vec<FieldRow>,
    units: Vec<UnitOption>,
    sources: Vec<SourceRow>,
}

async fn form_page(
    state: &AppState,
    ctx: PageCtx,
    shortcoming: Option<ShortcomingRecord>,
    form: ShortcomingForm,
    errors: FieldErrors,
) -> Result<Html<String>, AppError> {
    let keep = shortcoming.as_ref().map(|s| s.lead_unit_id);
    render(&FormPage {
        fields: admin_queries::fields(&state.pool).await?,
        units: admin_queries::unit_options(&state.pool, keep).await?,
        sources: queries::source_options(&state.pool).await?,
        ctx,
        shortcoming,
        form,
        errors,
    })
}

/// The values to save, or the messages beside the fields. (Whether the chosen field, lead unit
/// and sources exist is the command's to check.)
fn parse(form: &ShortcomingForm, today: NaiveDate) -> Result<ShortcomingValues, AppError> {
    let mut errors = FieldErrors::default();
    let code = errors.check("code", input::shortcoming_code(&form.code));
    let title = errors.check("title", limits::SHORTCOMING_TITLE.required(&form.title));
    let description = errors.check(
        "description",
        limits::SHORTCOMING_DESCRIPTION.text(&form.description),
    );
    let field_id = errors.check(
        "field_id",
        id_of(&form.field_id)
            .map(FieldId)
            .ok_or(Invalid::new("shortcoming_form.field_unknown")),
    );
    let lead_unit_id = errors.check(
        "lead_unit_id",
        id_of(&form.lead_unit_id)
            .map(UnitId)
            .ok_or(Invalid::new("shortcoming_form.unit_unknown")),
    );
    let year_identified = errors.check(
        "year_identified",
        input::year_identified(&form.year_identified, today),
    );
    let sources = errors.check(
        "source",
        ids_of(&form.source)
            .map(|ids| ids.into_iter().map(SourceId).collect())
            .ok_or(Invalid::new("shortcoming_form.source_unknown")),
    );
    match (
        code,
        title,
        description,
        field_id,
        lead_unit_id,
        year_identified,
        sources,
    ) {
        (
            Some(code),
            Some(title),
            Some(description),
            Some(field_id),
            Some(lead_unit_id),
            Some(year_identified),
            Some(sources),
        ) => Ok(ShortcomingValues {
            code,
            title,
            description,
            field_id,
            lead_unit_id,
            year_identified,
            sources,
        }),
        _ => Err(AppError::Validation(errors)),
    }
}

/// `GET /shortcomings/new`.
pub async fn new_form(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, AppError> {
    let form = ShortcomingForm {
        year_identified: ctx.today.year().to_string(),
        ..ShortcomingForm::default()
    };
    shown(form_page(&state, ctx, None, form, FieldErrors::default()).await)
}

/// `POST /shortcomings`.
pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<ShortcomingForm>,
) -> Result<Response, AppError> {
    let outcome = async {
        let values = parse(&form, ctx.today)?;
        let mut tx = state.pool.begin().await?;
        let by = by(&state, &session, &headers);
        let id = shortcomings::create_shortcoming(&mut tx, &by, &values).await?;
        let message = ("shortcoming_form.saved", Some(values.code));
        saved(
            &state,
            &session,
            tx,
            message,
            &format!("/shortcomings/{id}"),
        )
        .await
    };
    respond(&ctx, outcome.await, form, |form, errors| {
        form_page(&state, ctx.clone(), None, form, errors)
    })
    .await
}

/// `GET /shortcomings/{id}/edit`.
pub async fn edit_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(raw): Path<String>,
) -> Result<Response, AppError> {
    let id = ShortcomingId(parse_id(&raw)?);
    let record = queries::record(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let sources = queries::source_ids(&state.pool, id).await?;
    let form = ShortcomingForm::of(&ShortcomingValues::of(&record, sources)).stamped();
    shown(form_page(&state, ctx, Some(record), form, FieldErrors::default()).await)
}

/// `POST /shortcomings/{id}`.
pub async fn update(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    headers: HeaderMap,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<ShortcomingForm>,
) -> Result<Response, AppError> {
    let id = ShortcomingId(parse_id(&raw)?);
    let outcome = async {
        let values = parse(&form, ctx.today)?;
        let mut tx = state.pool.begin().await?;
        let by = by(&state, &session, &headers);
        shortcomings::update_shortcoming(&mut tx, &by, id, &values, |saved| {
            ShortcomingForm::of(saved).refuse_if_changed(&ctx, &form)
        })
        .await?;
        let message = ("shortcoming_form.saved", Some(values.code));
        saved(
            &state,
            &session,
            tx,
            message,
            &format!("/shortcomings/{id}"),
        )
        .await
    };
    respond_edit(
        &state,
        &ctx,
        id.0,
        outcome.await,
        form,
        |record, form, errors| form_page(&state, ctx.clone(), Some(record), form, errors),
    )
    .await
}
