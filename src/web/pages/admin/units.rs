//! Units as a tree: create, rename, move, deactivate; delete only what nothing refers to.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::commands::{Refusal, directory};
use crate::db::admin::{self as queries, UnitOption, UnitRow, UnitValues};
use crate::domain::input::{self, FieldErrors, Invalid, limits};
use crate::domain::{UnitId, UnitKind};
use crate::web::conflict::{Difference, EditForm, Shown, active_label, choice_label, unit_name};
use crate::web::ctx::PageCtx;
use crate::web::error::AppError;
use crate::web::extract::CsrfForm;
use crate::web::form_page::{respond, respond_edit, shown};
use crate::web::forms::{NoFields, checked, id_of, optional};
use crate::web::pages::{SAVED, by, parse_id, render, saved};
use crate::web::session::Session;
use crate::web::state::AppState;

/// Where a save leads: the list.
const LIST: &str = "/admin/units";

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
        let kind = UnitKind::from_code(&self.kind).map(|v| v.label_key());
        let kind = choice_label(ctx, &self.kind, kind);
        vec![
            ("admin.units.code", self.code.clone()),
            ("admin.units.name", self.name.clone()),
            ("admin.units.short_name", self.short_name.clone()),
            ("admin.units.kind", kind),
            ("admin.units.parent", unit_name(ctx, &self.parent_id)),
            (
                "admin.units.active_label",
                active_label(ctx, self.is_active()),
            ),
        ]
    }
}

crate::edit_form!(UnitForm, UnitRow, queries::unit, UnitId);

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
) -> Result<Html<String>, AppError> {
    let parents =
        queries::unit_options(&state.pool, unit.as_ref().and_then(|u| u.parent_id)).await?;
    render(&FormPage {
        ctx,
        unit,
        form,
        errors,
        problem,
        parents,
        kinds: UnitKind::ALL,
    })
}

/// `GET /admin/units/new`.
pub async fn new_form(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, AppError> {
    let form = UnitForm {
        kind: "department".into(),
        active: Some("on".into()),
        ..UnitForm::default()
    };
    shown(form_page(&state, ctx, None, form, FieldErrors::default(), None).await)
}

/// The values to save, or the messages beside the fields. (Whether the parent exists and is
/// not below the unit is the command's to check.)
fn parse(form: &UnitForm) -> Result<UnitValues, AppError> {
    let mut errors = FieldErrors::default();
    let code = errors.check("code", input::unit_code(&form.code));
    let name = errors.check("name", limits::UNIT_NAME.required(&form.name));
    let short_name = errors.check(
        "short_name",
        limits::UNIT_SHORT_NAME.required(&form.short_name),
    );
    let kind = errors.check("kind", UnitKind::from_code(&form.kind).ok_or(input::CHOOSE));
    let parent_id = match form.parent_id.trim() {
        "" => Some(None),
        raw => errors.check(
            "parent_id",
            id_of(raw)
                .map(|id| Some(UnitId(id)))
                .ok_or(Invalid::new("admin.units.parent_unknown")),
        ),
    };
    match (code, name, short_name, kind, parent_id) {
        (Some(code), Some(name), Some(short_name), Some(kind), Some(parent_id)) => Ok(UnitValues {
            code,
            name,
            short_name,
            kind,
            parent_id,
            active: form.is_active(),
        }),
        _ => Err(AppError::Validation(errors)),
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
    let outcome = async {
        let values = parse(&form)?;
        let mut tx = state.pool.begin().await?;
        directory::create_unit(&mut tx, &by(&state, &session, &headers), &values).await?;
        saved(&state, &session, tx, SAVED, LIST).await
    };
    respond(&ctx, outcome.await, form, |form, errors| {
        form_page(&state, ctx.clone(), None, form, errors, None)
    })
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
    shown(form_page(&state, ctx, Some(unit), form, FieldErrors::default(), None).await)
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
    let outcome = async {
        let values = parse(&form)?;
        let mut tx = state.pool.begin().await?;
        let by = by(&state, &session, &headers);
        directory::update_unit(&mut tx, &by, id, &values, |saved| {
            UnitForm::from_row(saved).refuse_if_changed(&ctx, &form)
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
        |unit, form, errors| form_page(&state, ctx.clone(), Some(unit), form, errors, None),
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
    let mut tx = state.pool.begin().await?;
    match directory::delete_unit(&mut tx, &by(&state, &session, &headers), id).await {
        Ok(()) => saved(&state, &session, tx, ("admin.deleted", None), LIST).await,
        Err(Refusal::InUse) => {
            drop(tx);
            let unit = queries::unit(&state.pool, id)
                .await?
                .ok_or(AppError::NotFound)?;
            let problem = if unit.open_tasks > 0 {
                ctx.tf("admin.units.has_open_tasks", unit.open_tasks)
            } else {
                ctx.t("admin.units.in_use").to_owned()
            };
            let form = UnitForm::from_row(&unit);
            let errors = FieldErrors::default();
            let page = form_page(&state, ctx, Some(unit), form, errors, Some(problem));
            Ok((StatusCode::CONFLICT, page.await?).into_response())
        }
        Err(refusal) => Err(refusal.into()),
    }
}
