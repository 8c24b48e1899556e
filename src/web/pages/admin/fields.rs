//! Fields of state management (lĩnh vực), named in both languages.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::db::admin::{self as queries, FieldRow};
use crate::db::audit::AuditEntry;
use crate::domain::FieldId;
use crate::web::conflict::{self, Difference, EditForm, Shown, Versioned};
use crate::web::ctx::PageCtx;
use crate::web::error::AppError;
use crate::web::extract::CsrfForm;
use crate::web::forms::{FieldErrors, violated_constraint};
use crate::web::pages::{finish, parse_id, render, snapshot};
use crate::web::session::Session;
use crate::web::state::AppState;

#[derive(Template)]
#[template(path = "admin/fields/index.html")]
pub struct IndexPage {
    ctx: PageCtx,
    fields: Vec<FieldRow>,
}

/// `GET /admin/fields`.
pub async fn index(State(state): State<AppState>, ctx: PageCtx) -> Result<Html<String>, AppError> {
    let fields = queries::fields(&state.pool).await?;
    render(&IndexPage { ctx, fields })
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct FieldForm {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name_vi: String,
    #[serde(default)]
    pub name_en: String,
    /// The version of the values the form was filled with (`web::conflict`).
    #[serde(default, skip_serializing)]
    pub version: String,
    #[serde(skip)]
    pub conflict: Option<Vec<Difference>>,
}

impl FieldForm {
    fn from_row(row: &FieldRow) -> Self {
        FieldForm {
            code: row.code.clone(),
            name_vi: row.name_vi.clone(),
            name_en: row.name_en.clone(),
            ..FieldForm::default()
        }
    }
}

impl Shown for FieldForm {
    fn shown(&self, _: &PageCtx) -> Vec<(&'static str, String)> {
        vec![
            ("admin.fields.code", self.code.clone()),
            ("admin.fields.name_vi", self.name_vi.clone()),
            ("admin.fields.name_en", self.name_en.clone()),
        ]
    }
}

crate::edit_form!(FieldForm);

#[derive(Template)]
#[template(path = "admin/fields/form.html")]
pub struct FormPage {
    ctx: PageCtx,
    field: Option<FieldRow>,
    form: FieldForm,
    errors: FieldErrors,
}

fn form_page(
    ctx: PageCtx,
    field: Option<FieldRow>,
    form: FieldForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    Ok((
        status,
        render(&FormPage {
            ctx,
            field,
            form,
            errors,
        })?,
    )
        .into_response())
}

fn validate(ctx: &PageCtx, form: &FieldForm) -> Result<(String, String, String), FieldErrors> {
    let mut errors = FieldErrors::default();
    let code = form.code.trim().to_uppercase();
    if code.is_empty() {
        errors.add("code", ctx.t("form.required"));
    } else if !(code.len() <= 16
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_' || c == '-'))
    {
        errors.add("code", ctx.t("admin.fields.code_format"));
    }
    for (name, value) in [("name_vi", &form.name_vi), ("name_en", &form.name_en)] {
        if value.trim().is_empty() {
            errors.add(name, ctx.t("form.required"));
        } else if value.trim().chars().count() > 200 {
            errors.add(name, ctx.t("form.too_long"));
        }
    }
    if errors.is_empty() {
        Ok((
            code,
            form.name_vi.trim().to_owned(),
            form.name_en.trim().to_owned(),
        ))
    } else {
        Err(errors)
    }
}

/// `GET /admin/fields/new`.
pub async fn new_form(ctx: PageCtx) -> Result<Response, AppError> {
    form_page(
        ctx,
        None,
        FieldForm::default(),
        FieldErrors::default(),
        StatusCode::OK,
    )
}

/// `POST /admin/fields`.
pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<FieldForm>,
) -> Result<Response, AppError> {
    let (code, vi, en) = match validate(&ctx, &form) {
        Ok(values) => values,
        Err(errors) => return form_page(ctx, None, form, errors, StatusCode::UNPROCESSABLE_ENTITY),
    };
    let mut tx = state.pool.begin().await?;
    let id = match queries::insert_field(&mut *tx, &code, &vi, &en).await {
        Ok(id) => id,
        Err(e) if violated_constraint(&e).as_deref() == Some("fields_code_key") => {
            let errors = FieldErrors::one("code", ctx.t("admin.fields.code_taken"));
            return form_page(ctx, None, form, errors, StatusCode::UNPROCESSABLE_ENTITY);
        }
        Err(e) => return Err(e.into()),
    };
    finish(
        &state,
        &session,
        &headers,
        tx,
        AuditEntry {
            action: "field.create",
            entity: "field",
            entity_id: Some(id.to_string()),
            after: Some(json!({ "code": code, "name_vi": vi, "name_en": en })),
            ..Default::default()
        },
        ("admin.saved", None),
        "/admin/fields",
    )
    .await
}

/// `GET /admin/fields/{id}/edit`.
pub async fn edit_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(raw): Path<String>,
) -> Result<Response, AppError> {
    let field = queries::field(&state.pool, FieldId(parse_id(&raw)?))
        .await?
        .ok_or(AppError::NotFound)?;
    let form = FieldForm::from_row(&field).stamped();
    form_page(
        ctx,
        Some(field),
        form,
        FieldErrors::default(),
        StatusCode::OK,
    )
}

/// `POST /admin/fields/{id}`.
pub async fn update(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    headers: HeaderMap,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<FieldForm>,
) -> Result<Response, AppError> {
    let id = FieldId(parse_id(&raw)?);
    let before = queries::field(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (code, vi, en) = match validate(&ctx, &form) {
        Ok(values) => values,
        Err(errors) => {
            return form_page(
                ctx,
                Some(before),
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    let mut tx = state.pool.begin().await?;
    conflict::lock(&mut tx, Versioned::Fields, id.0).await?;
    let saved = queries::field(&mut *tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut form = form;
    if FieldForm::from_row(&saved).outdates(&ctx, &mut form) {
        tx.rollback().await?;
        return form_page(
            ctx,
            Some(saved),
            form,
            FieldErrors::default(),
            StatusCode::CONFLICT,
        );
    }
    if let Err(e) = queries::update_field(&mut *tx, id, &code, &vi, &en).await {
        if violated_constraint(&e).as_deref() == Some("fields_code_key") {
            let errors = FieldErrors::one("code", ctx.t("admin.fields.code_taken"));
            return form_page(
                ctx,
                Some(before),
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
        return Err(e.into());
    }
    finish(
        &state,
        &session,
        &headers,
        tx,
        AuditEntry {
            action: "field.update",
            entity: "field",
            entity_id: Some(id.to_string()),
            before: snapshot(&before),
            after: Some(json!({ "code": code, "name_vi": vi, "name_en": en })),
            ..Default::default()
        },
        ("admin.saved", None),
        "/admin/fields",
    )
    .await
}
