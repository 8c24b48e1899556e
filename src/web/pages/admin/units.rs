//! Units as a tree: create, rename, move, deactivate; delete only what nothing refers to.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::db::admin::{self as queries, UnitOption, UnitRow, UnitValues};
use crate::db::audit::AuditEntry;
use crate::domain::{UnitId, UnitKind};
use crate::web::conflict::{self, Difference, EditForm, Shown, Versioned, unit_name};
use crate::web::ctx::PageCtx;
use crate::web::error::AppError;
use crate::web::extract::CsrfForm;
use crate::web::forms::{FieldErrors, NoFields, checked, optional, violated_constraint};
use crate::web::pages::{finish, parse_id, render, snapshot};
use crate::web::session::Session;
use crate::web::state::AppState;

#[derive(Debug, Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/units/index.html")]
pub struct IndexPage {
    ctx: PageCtx,
    units: Vec<UnitRow>,
    q: String,
}

/// `GET /admin/units?q=…`: the tree, or the units matching a search.
pub async fn index(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(query): Query<SearchQuery>,
) -> Result<Html<String>, AppError> {
    let q = query.q.unwrap_or_default().trim().to_owned();
    let units = queries::units_tree(&state.pool, optional(&q).as_deref()).await?;
    render(&IndexPage { ctx, units, q })
}

/// What was typed into the unit form.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct UnitForm {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub short_name: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub parent_id: String,
    #[serde(default)]
    pub active: Option<String>,
    /// The version of the values the form was filled with (`web::conflict`).
    #[serde(default, skip_serializing)]
    pub version: String,
    #[serde(skip)]
    pub conflict: Option<Vec<Difference>>,
}

impl Shown for UnitForm {
    fn shown(&self, ctx: &PageCtx) -> Vec<(&'static str, String)> {
        let kind = UnitKind::from_code(&self.kind)
            .map_or(self.kind.clone(), |k| ctx.t(k.label_key()).to_owned());
        let active = if self.is_active() {
            "admin.active"
        } else {
            "admin.inactive"
        };
        vec![
            ("admin.units.code", self.code.clone()),
            ("admin.units.name", self.name.clone()),
            ("admin.units.short_name", self.short_name.clone()),
            ("admin.units.kind", kind),
            ("admin.units.parent", unit_name(ctx, &self.parent_id)),
            ("admin.units.active_label", ctx.t(active).to_owned()),
        ]
    }
}

crate::edit_form!(UnitForm);

impl UnitForm {
    fn from_row(row: &UnitRow) -> Self {
        UnitForm {
            code: row.code.clone(),
            name: row.name.clone(),
            short_name: row.short_name.clone(),
            kind: row.kind.code().to_owned(),
            parent_id: row.parent_id.map(|p| p.to_string()).unwrap_or_default(),
            active: row.active.then(|| "on".to_owned()),
            ..UnitForm::default()
        }
    }

    pub fn is_active(&self) -> bool {
        checked(&self.active)
    }
}

#[derive(Template)]
#[template(path = "admin/units/form.html")]
pub struct FormPage {
    ctx: PageCtx,
    /// `None` when creating.
    unit: Option<UnitRow>,
    form: UnitForm,
    errors: FieldErrors,
    /// A message above the form (e.g. why a unit cannot be deleted).
    problem: Option<String>,
    parents: Vec<UnitOption>,
    kinds: [UnitKind; 5],
}

async fn form_page(
    state: &AppState,
    ctx: PageCtx,
    unit: Option<UnitRow>,
    form: UnitForm,
    errors: FieldErrors,
    problem: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let parents =
        queries::unit_options(&state.pool, unit.as_ref().and_then(|u| u.parent_id)).await?;
    let page = FormPage {
        ctx,
        unit,
        form,
        errors,
        problem,
        parents,
        kinds: UnitKind::ALL,
    };
    Ok((status, render(&page)?).into_response())
}

/// `GET /admin/units/new`.
pub async fn new_form(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, AppError> {
    let form = UnitForm {
        kind: "department".into(),
        active: Some("on".into()),
        ..UnitForm::default()
    };
    form_page(
        &state,
        ctx,
        None,
        form,
        FieldErrors::default(),
        None,
        StatusCode::OK,
    )
    .await
}

/// Checks the form; the values to save, or the messages beside the fields.
async fn validate(
    state: &AppState,
    ctx: &PageCtx,
    form: &UnitForm,
    editing: Option<UnitId>,
) -> Result<UnitValues, FieldErrors> {
    let mut errors = FieldErrors::default();
    let code = form.code.trim().to_uppercase();
    if code.is_empty() {
        errors.add("code", ctx.t("form.required"));
    } else if !(code.len() <= 32
        && code
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || "_.-".contains(c)))
    {
        errors.add("code", ctx.t("admin.units.code_format"));
    }
    let name = form.name.trim().to_owned();
    if name.is_empty() {
        errors.add("name", ctx.t("form.required"));
    } else if name.chars().count() > 200 {
        errors.add("name", ctx.t("form.too_long"));
    }
    let short_name = form.short_name.trim().to_owned();
    if short_name.is_empty() {
        errors.add("short_name", ctx.t("form.required"));
    } else if short_name.chars().count() > 80 {
        errors.add("short_name", ctx.t("form.too_long"));
    }
    let kind = UnitKind::from_code(&form.kind);
    if kind.is_none() {
        errors.add("kind", ctx.t("form.choose"));
    }
    let parent_id = match form.parent_id.trim() {
        "" => None,
        raw => match crate::web::forms::id_of(raw).map(UnitId) {
            Some(parent) => {
                let exists = queries::unit(&state.pool, parent)
                    .await
                    .ok()
                    .flatten()
                    .is_some();
                let loops = match editing {
                    Some(unit) => queries::is_in_subtree(&state.pool, unit, parent)
                        .await
                        .unwrap_or(true),
                    None => false,
                };
                if !exists {
                    errors.add("parent_id", ctx.t("admin.units.parent_unknown"));
                } else if loops {
                    errors.add("parent_id", ctx.t("admin.units.parent_loop"));
                }
                Some(parent)
            }
            None => {
                errors.add("parent_id", ctx.t("admin.units.parent_unknown"));
                None
            }
        },
    };
    match kind {
        Some(kind) if errors.is_empty() => Ok(UnitValues {
            code,
            name,
            short_name,
            kind,
            parent_id,
            active: form.is_active(),
        }),
        _ => Err(errors),
    }
}

/// `POST /admin/units`.
pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<UnitForm>,
) -> Result<Response, AppError> {
    let values = match validate(&state, &ctx, &form, None).await {
        Ok(values) => values,
        Err(errors) => {
            return form_page(
                &state,
                ctx,
                None,
                form,
                errors,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let mut tx = state.pool.begin().await?;
    let id = match queries::insert_unit(&mut *tx, &values).await {
        Ok(id) => id,
        Err(e) if violated_constraint(&e).as_deref() == Some("units_code_key") => {
            let errors = FieldErrors::one("code", ctx.t("admin.units.code_taken"));
            return form_page(
                &state,
                ctx,
                None,
                form,
                errors,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        Err(e) => return Err(e.into()),
    };
    finish(
        &state,
        &session,
        &headers,
        tx,
        AuditEntry {
            action: "unit.create",
            entity: "unit",
            entity_id: Some(id.to_string()),
            unit: Some(id),
            after: snapshot(&values),
            ..Default::default()
        },
        ("admin.saved", None),
        "/admin/units",
    )
    .await
}

/// `GET /admin/units/{id}/edit`.
pub async fn edit_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(raw): Path<String>,
) -> Result<Response, AppError> {
    let unit = queries::unit(&state.pool, UnitId(parse_id(&raw)?))
        .await?
        .ok_or(AppError::NotFound)?;
    let form = UnitForm::from_row(&unit).stamped();
    form_page(
        &state,
        ctx,
        Some(unit),
        form,
        FieldErrors::default(),
        None,
        StatusCode::OK,
    )
    .await
}

/// `POST /admin/units/{id}`: rename, move, change kind, (de)activate.
pub async fn update(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    headers: HeaderMap,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<UnitForm>,
) -> Result<Response, AppError> {
    let id = UnitId(parse_id(&raw)?);
    let before = queries::unit(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let values = match validate(&state, &ctx, &form, Some(id)).await {
        Ok(values) => values,
        Err(errors) => {
            return form_page(
                &state,
                ctx,
                Some(before),
                form,
                errors,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let mut tx = state.pool.begin().await?;
    conflict::lock(&mut tx, Versioned::Units, id.0).await?;
    let saved = queries::unit(&mut *tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut typed = form;
    if UnitForm::from_row(&saved).outdates(&ctx, &mut typed) {
        tx.rollback().await?;
        return form_page(
            &state,
            ctx,
            Some(saved),
            typed,
            FieldErrors::default(),
            None,
            StatusCode::CONFLICT,
        )
        .await;
    }
    let form = typed;
    if let Err(e) = queries::update_unit(&mut *tx, id, &values).await {
        if violated_constraint(&e).as_deref() == Some("units_code_key") {
            let errors = FieldErrors::one("code", ctx.t("admin.units.code_taken"));
            return form_page(
                &state,
                ctx,
                Some(before),
                form,
                errors,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        return Err(e.into());
    }
    let action = match (before.active, values.active) {
        (true, false) => "unit.deactivate",
        (false, true) => "unit.reactivate",
        _ => "unit.update",
    };
    finish(
        &state,
        &session,
        &headers,
        tx,
        AuditEntry {
            action,
            entity: "unit",
            entity_id: Some(id.to_string()),
            unit: Some(id),
            before: snapshot(&before),
            after: snapshot(&values),
            ..Default::default()
        },
        ("admin.saved", None),
        "/admin/units",
    )
    .await
}

/// `POST /admin/units/{id}/delete`: only a unit nothing refers to (no tasks, users, sub-units,
/// plans…); any other is deactivated instead.
pub async fn delete(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    headers: HeaderMap,
    Path(raw): Path<String>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let id = UnitId(parse_id(&raw)?);
    let unit = queries::unit(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = state.pool.begin().await?;
    if queries::unit_references(&mut *tx, id).await? > 0 {
        let problem = if unit.open_tasks > 0 {
            ctx.tf("admin.units.has_open_tasks", unit.open_tasks)
        } else {
            ctx.t("admin.units.in_use").to_owned()
        };
        let form = UnitForm::from_row(&unit);
        return form_page(
            &state,
            ctx,
            Some(unit),
            form,
            FieldErrors::default(),
            Some(problem),
            StatusCode::CONFLICT,
        )
        .await;
    }
    queries::delete_unit(&mut *tx, id).await?;
    finish(
        &state,
        &session,
        &headers,
        tx,
        AuditEntry {
            action: "unit.delete",
            entity: "unit",
            entity_id: Some(id.to_string()),
            before: snapshot(&unit),
            ..Default::default()
        },
        ("admin.deleted", None),
        "/admin/units",
    )
    .await
}
