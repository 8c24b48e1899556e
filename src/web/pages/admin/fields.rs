//! Fields of state management (lĩnh vực), named in both languages.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{Html, Response};
use serde::{Deserialize, Serialize};

use crate::commands::catalog;
use crate::db::admin::{self as queries, FieldRow, FieldValues};
use crate::domain::FieldId;
use crate::domain::input::{self, FieldErrors, limits};
use crate::web::conflict::{Difference, EditForm, Shown};
use crate::web::ctx::PageCtx;
use crate::web::error::AppError;
use crate::web::extract::CsrfForm;
use crate::web::form_page::{respond, respond_edit, shown};
use crate::web::pages::{SAVED, by, parse_id, render, saved};
use crate::web::session::Session;
use crate::web::state::AppState;

/// Where a save leads: the list.
const LIST: &str = "/admin/fields";

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

crate::edit_form!(FieldForm, FieldRow, queries::field, FieldId);

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
) -> Result<Html<String>, AppError> {
    render(&FormPage {
        ctx,
        field,
        form,
        errors,
    })
}

/// The values to save, or the messages beside the fields.
fn parse(form: &FieldForm) -> Result<FieldValues, AppError> {
    let mut errors = FieldErrors::default();
    let code = errors.check("code", input::field_code(&form.code));
    let name_vi = errors.check("name_vi", limits::FIELD_NAME_VI.required(&form.name_vi));
    let name_en = errors.check("name_en", limits::FIELD_NAME_EN.required(&form.name_en));
    match (code, name_vi, name_en) {
        (Some(code), Some(name_vi), Some(name_en)) if errors.is_empty() => Ok(FieldValues {
            code,
            name_vi,
            name_en,
        }),
        _ => Err(AppError::Validation(errors)),
    }
}

/// `GET /admin/fields/new`.
pub async fn new_form(ctx: PageCtx) -> Result<Response, AppError> {
    shown(form_page(
        ctx,
        None,
        FieldForm::default(),
        FieldErrors::default(),
    ))
}

/// `POST /admin/fields`.
pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<FieldForm>,
) -> Result<Response, AppError> {
    let outcome = async {
        let values = parse(&form)?;
        let mut tx = state.pool.begin().await?;
        catalog::create_field(&mut tx, &by(&state, &session, &headers), &values).await?;
        saved(&state, &session, tx, SAVED, LIST).await
    };
    respond(&ctx, outcome.await, form, |form, errors| async {
        form_page(ctx.clone(), None, form, errors)
    })
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
    shown(form_page(ctx, Some(field), form, FieldErrors::default()))
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
    let outcome = async {
        let values = parse(&form)?;
        let mut tx = state.pool.begin().await?;
        let by = by(&state, &session, &headers);
        catalog::update_field(&mut tx, &by, id, &values, |saved| {
            FieldForm::from_row(saved).refuse_if_changed(&ctx, &form)
        })
        .await?;
        saved(&state, &session, tx, SAVED, LIST).await
    };
    respond_edit(
        &state,
        &ctx,
        id.0,
        outcome.await,
        form,
        |field, form, errors| async { form_page(ctx.clone(), Some(field), form, errors) },
    )
    .await
}
