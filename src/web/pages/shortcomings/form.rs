//! Creating and editing shortcomings (City reviewers and admins; the guard is on the route
//! group). Each save writes the row, its source documents and the audit entry in one
//! transaction.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use serde::{Deserialize, Serialize};

use crate::db::admin::{self as admin_queries, FieldRow, UnitOption};
use crate::db::audit::AuditEntry;
use crate::db::shortcomings::{self as queries, ShortcomingRecord, ShortcomingValues, SourceRow};
use crate::domain::{FieldId, ShortcomingId, SourceId, UnitId};
use crate::web::conflict::{self, Difference, EditForm, Shown, Versioned, listed, unit_name};
use crate::web::ctx::PageCtx;
use crate::web::error::AppError;
use crate::web::extract::CsrfForm;
use crate::web::forms::{FieldErrors, id_of, ids_of, text, violated_constraint};
use crate::web::pages::{finish, parse_id, render, snapshot};
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
    fn of(record: &ShortcomingRecord, sources: &[SourceId]) -> Self {
        ShortcomingForm {
            code: record.code.clone(),
            title: record.title.clone(),
            description: record.description.clone(),
            field_id: record.field_id.to_string(),
            lead_unit_id: record.lead_unit_id.to_string(),
            year_identified: record.year_identified.to_string(),
            source: sources.iter().map(ToString::to_string).collect(),
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

crate::edit_form!(ShortcomingForm);

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
    status: StatusCode,
) -> Result<Response, AppError> {
    let keep = shortcoming.as_ref().map(|s| s.lead_unit_id);
    let page = FormPage {
        fields: admin_queries::fields(&state.pool).await?,
        units: admin_queries::unit_options(&state.pool, keep).await?,
        sources: queries::source_options(&state.pool).await?,
        ctx,
        shortcoming,
        form,
        errors,
    };
    Ok((status, render(&page)?).into_response())
}

/// `TT-34` (also typed as `tt-34`): two digits, as the City numbers them.
fn parse_code(raw: &str) -> Option<String> {
    let code = raw.trim().to_uppercase();
    let digits = code.strip_prefix("TT-")?;
    (digits.len() == 2 && digits.chars().all(|c| c.is_ascii_digit())).then_some(code)
}

/// Checks what was typed, and that the chosen field, lead unit and sources exist.
/// `saved` is the shortcoming being edited: its lead unit may stay even if it was deactivated
/// since, so an old shortcoming can still be corrected.
async fn validate(
    state: &AppState,
    ctx: &PageCtx,
    form: &ShortcomingForm,
    saved: Option<&ShortcomingRecord>,
) -> Result<Result<ShortcomingValues, FieldErrors>, AppError> {
    let mut errors = FieldErrors::default();
    let code = parse_code(&form.code);
    if form.code.trim().is_empty() {
        errors.add("code", ctx.t("form.required"));
    } else if code.is_none() {
        errors.add("code", ctx.t("shortcoming_form.code_format"));
    }
    let title = text(&form.title);
    if title.is_empty() {
        errors.add("title", ctx.t("form.required"));
    } else if title.chars().count() > 500 {
        errors.add("title", ctx.t("form.too_long"));
    }
    let description = text(&form.description);
    if description.chars().count() > 10_000 {
        errors.add("description", ctx.t("form.too_long"));
    }

    let field_id = match id_of(&form.field_id).map(FieldId) {
        Some(id) => admin_queries::field(&state.pool, id)
            .await?
            .map(|field| field.id),
        None => None,
    };
    if field_id.is_none() {
        errors.add("field_id", ctx.t("shortcoming_form.field_unknown"));
    }

    let lead_unit_id = match id_of(&form.lead_unit_id).map(UnitId) {
        Some(id) => admin_queries::unit(&state.pool, id)
            .await?
            .filter(|unit| unit.active || saved.is_some_and(|s| s.lead_unit_id == unit.id))
            .map(|unit| unit.id),
        None => None,
    };
    if lead_unit_id.is_none() {
        errors.add("lead_unit_id", ctx.t("shortcoming_form.unit_unknown"));
    }

    let this_year = ctx.today.year();
    let year_identified = form
        .year_identified
        .trim()
        .parse::<i16>()
        .ok()
        .filter(|year| (2000..=this_year).contains(&i32::from(*year)));
    if year_identified.is_none() {
        errors.add(
            "year_identified",
            ctx.tf("shortcoming_form.year_range", this_year),
        );
    }

    let sources = match ids_of(&form.source) {
        Some(ids) => {
            let found = queries::existing_sources(&state.pool, &ids).await?;
            (found.len() == ids.len()).then_some(found)
        }
        None => None,
    };
    if sources.is_none() {
        errors.add("source", ctx.t("shortcoming_form.source_unknown"));
    }

    Ok(
        match (code, field_id, lead_unit_id, year_identified, sources) {
            (
                Some(code),
                Some(field_id),
                Some(lead_unit_id),
                Some(year_identified),
                Some(sources),
            ) if errors.is_empty() => Ok(ShortcomingValues {
                code,
                title,
                description,
                field_id,
                lead_unit_id,
                year_identified,
                sources,
            }),
            _ => Err(errors),
        },
    )
}

fn code_taken(ctx: &PageCtx) -> FieldErrors {
    FieldErrors::one("code", ctx.t("shortcoming_form.code_taken"))
}

/// `GET /shortcomings/new`.
pub async fn new_form(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, AppError> {
    let form = ShortcomingForm {
        year_identified: ctx.today.year().to_string(),
        ..ShortcomingForm::default()
    };
    form_page(
        &state,
        ctx,
        None,
        form,
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// `POST /shortcomings`.
pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<ShortcomingForm>,
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
        Err(e) if violated_constraint(&e).as_deref() == Some("shortcomings_code_key") => {
            let errors = code_taken(&ctx);
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
        Err(e) => return Err(e.into()),
    };
    queries::replace_sources(&mut *tx, id, &values.sources).await?;
    finish(
        &state,
        &session,
        &headers,
        tx,
        AuditEntry {
            action: "shortcoming.create",
            entity: "shortcoming",
            entity_id: Some(id.to_string()),
            unit: Some(values.lead_unit_id),
            after: snapshot(&values),
            ..Default::default()
        },
        ("shortcoming_form.saved", Some(values.code.clone())),
        &format!("/shortcomings/{id}"),
    )
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
    let form = ShortcomingForm::of(&record, &sources).stamped();
    form_page(
        &state,
        ctx,
        Some(record),
        form,
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
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
    let record = queries::record(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let before = ShortcomingValues::of(&record, queries::source_ids(&state.pool, id).await?);
    let values = match validate(&state, &ctx, &form, Some(&record)).await? {
        Ok(values) => values,
        Err(errors) => {
            return form_page(
                &state,
                ctx,
                Some(record),
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let mut tx = state.pool.begin().await?;
    conflict::lock(&mut tx, Versioned::Shortcomings, id.0).await?;
    let saved = queries::record(&mut *tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let saved_sources = queries::source_ids(&mut *tx, id).await?;
    let mut form = form;
    if ShortcomingForm::of(&saved, &saved_sources).outdates(&ctx, &mut form) {
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
        if violated_constraint(&e).as_deref() == Some("shortcomings_code_key") {
            let errors = code_taken(&ctx);
            return form_page(
                &state,
                ctx,
                Some(record),
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        return Err(e.into());
    }
    queries::replace_sources(&mut *tx, id, &values.sources).await?;
    finish(
        &state,
        &session,
        &headers,
        tx,
        AuditEntry {
            action: "shortcoming.update",
            entity: "shortcoming",
            entity_id: Some(id.to_string()),
            unit: Some(values.lead_unit_id),
            before: snapshot(&before),
            after: snapshot(&values),
            ..Default::default()
        },
        ("shortcoming_form.saved", Some(values.code.clone())),
        &format!("/shortcomings/{id}"),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::parse_code;

    #[test]
    fn codes_are_tt_and_two_digits() {
        assert_eq!(parse_code(" tt-34 ").as_deref(), Some("TT-34"));
        assert_eq!(parse_code("TT-05").as_deref(), Some("TT-05"));
        assert_eq!(parse_code("TT-5"), None);
        assert_eq!(parse_code("TT-345"), None);
        assert_eq!(parse_code("TX-34"), None);
        assert_eq!(parse_code("TT-3a"), None);
        assert_eq!(parse_code("TT-٣٤"), None, "ASCII digits only");
    }
}
