//! Users: create (with a temporary password to change at first sign-in), edit, move to another
//! unit, change role, deactivate, reset the password.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, Response};
use serde::{Deserialize, Serialize};

use crate::commands::directory;
use crate::db::admin::{self as queries, UnitOption, UserRow, UserValues};
use crate::domain::input::{self, FieldErrors, Invalid, limits};
use crate::domain::password;
use crate::domain::{Role, UnitId, UserId};
use crate::web::conflict::{Difference, EditForm, Shown, active_label, choice_label, unit_name};
use crate::web::ctx::PageCtx;
use crate::web::error::AppError;
use crate::web::extract::CsrfForm;
use crate::web::form_page::{respond, respond_edit, shown};
use crate::web::forms::{NoFields, checked, id_of, optional};
use crate::web::pages::{PAGE_SIZE, Pagination, SAVED, by, parse_id, render, saved};
use crate::web::session::Session;
use crate::web::state::AppState;

/// Where a save leads: the list.
const LIST: &str = "/admin/users";

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    q: Option<String>,
    unit: Option<String>,
    page: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/users/index.html")]
pub struct IndexPage {
    ctx: PageCtx,
    users: Vec<UserRow>,
    q: String,
    unit: Option<UnitId>,
    units: Vec<UnitOption>,
    pagination: Pagination,
    /// The query string for page links, without `page`.
    base_query: String,
}

impl IndexPage {
    pub fn is_selected(&self, unit: &UnitId) -> bool {
        self.unit == Some(*unit)
    }
}

/// `GET /admin/users?q=…&unit=…&page=…`.
pub async fn index(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(query): Query<ListQuery>,
) -> Result<Html<String>, AppError> {
    let q = query.q.unwrap_or_default().trim().to_owned();
    let unit = query
        .unit
        .as_deref()
        .and_then(crate::web::forms::id_of)
        .map(UnitId);
    let page = Pagination::requested(query.page.as_deref());
    let (users, total) = queries::users_page(
        &state.pool,
        optional(&q).as_deref(),
        unit,
        PAGE_SIZE,
        Pagination::offset(page),
    )
    .await?;
    let units = queries::unit_options(&state.pool, unit).await?;
    let base_query = serde_urlencoded::to_string([
        ("q", q.as_str()),
        ("unit", &unit.map(|u| u.to_string()).unwrap_or_default()),
    ])
    .unwrap_or_default();
    render(&IndexPage {
        ctx,
        users,
        q,
        unit,
        units,
        pagination: Pagination::new(page, total),
        base_query,
    })
}

/// What was typed into the user form.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct UserForm {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub full_name: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub unit_id: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub active: Option<String>,
    /// The version of the values the form was filled with (`web::conflict`).
    #[serde(default, skip_serializing)]
    pub version: String,
    #[serde(skip)]
    pub conflict: Option<Vec<Difference>>,
}

impl Shown for UserForm {
    fn shown(&self, ctx: &PageCtx) -> Vec<(&'static str, String)> {
        let role = Role::from_code(&self.role).map(|v| v.label_key());
        let role = choice_label(ctx, &self.role, role);
        vec![
            ("admin.users.full_name", self.full_name.clone()),
            ("admin.users.job_title", self.title.clone()),
            ("admin.users.email", self.email.clone()),
            ("admin.users.phone", self.phone.clone()),
            ("admin.users.unit", unit_name(ctx, &self.unit_id)),
            ("admin.users.role", role),
            (
                "admin.users.active_label",
                active_label(ctx, self.is_active()),
            ),
        ]
    }
}

crate::edit_form!(UserForm, UserRow, queries::user, UserId);

impl UserForm {
    fn from_row(row: &UserRow) -> Self {
        UserForm {
            username: row.username.clone(),
            full_name: row.full_name.clone(),
            title: row.title.clone(),
            email: row.email.clone().unwrap_or_default(),
            phone: row.phone.clone().unwrap_or_default(),
            unit_id: row.unit_id.to_string(),
            role: row.role.code().to_owned(),
            active: row.active.then(|| "on".to_owned()),
            ..UserForm::default()
        }
    }

    pub fn is_active(&self) -> bool {
        checked(&self.active)
    }
}

#[derive(Template)]
#[template(path = "admin/users/form.html")]
pub struct FormPage {
    ctx: PageCtx,
    user: Option<UserRow>,
    form: UserForm,
    errors: FieldErrors,
    units: Vec<UnitOption>,
    roles: [Role; 5],
}

async fn form_page(
    state: &AppState,
    ctx: PageCtx,
    user: Option<UserRow>,
    form: UserForm,
    errors: FieldErrors,
) -> Result<Html<String>, AppError> {
    let units = queries::unit_options(&state.pool, user.as_ref().map(|u| u.unit_id)).await?;
    render(&FormPage {
        ctx,
        user,
        form,
        errors,
        units,
        roles: Role::ALL,
    })
}

/// `GET /admin/users/new`.
pub async fn new_form(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, AppError> {
    let form = UserForm {
        role: "officer".into(),
        active: Some("on".into()),
        ..UserForm::default()
    };
    shown(form_page(&state, ctx, None, form, FieldErrors::default()).await)
}

/// The values to save, or the messages beside the fields. The username is typed only when
/// the account is created (`creating`); an edit keeps the saved one. (Whether the unit exists
/// is the command's to check.)
fn parse(form: &UserForm, creating: bool) -> Result<UserValues, AppError> {
    let mut errors = FieldErrors::default();
    let username = if creating {
        errors.check("username", input::username(&form.username))
    } else {
        Some(String::new())
    };
    let full_name = errors.check(
        "full_name",
        limits::USER_FULL_NAME.required(&form.full_name),
    );
    let title = errors.check("title", limits::USER_TITLE.text(&form.title));
    let email = errors.check("email", input::email(&form.email));
    let phone = errors.check("phone", input::phone(&form.phone));
    let unit_id = errors.check(
        "unit_id",
        id_of(&form.unit_id)
            .map(UnitId)
            .ok_or(Invalid::new("admin.users.unit_unknown")),
    );
    let role = errors.check("role", Role::from_code(&form.role).ok_or(input::CHOOSE));
    match (username, full_name, title, email, phone, unit_id, role) {
        (
            Some(username),
            Some(full_name),
            Some(title),
            Some(email),
            Some(phone),
            Some(unit_id),
            Some(role),
        ) if errors.is_empty() => Ok(UserValues {
            username,
            full_name,
            title,
            email,
            phone,
            unit_id,
            role,
            active: form.is_active(),
        }),
        _ => Err(AppError::Validation(errors)),
    }
}

/// `POST /admin/users`: the account gets a temporary password, shown once to the administrator.
pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<UserForm>,
) -> Result<Response, AppError> {
    let outcome = async {
        let values = parse(&form, true)?;
        let temporary = password::temporary();
        let password_hash = password::hash_blocking(temporary.clone()).await?;
        let mut tx = state.pool.begin().await?;
        let by = by(&state, &session, &headers);
        let id = directory::create_user(&mut tx, &by, &values, &password_hash).await?;
        let message = ("admin.users.created", Some(temporary));
        saved(
            &state,
            &session,
            tx,
            message,
            &format!("/admin/users/{id}/edit"),
        )
        .await
    };
    respond(&ctx, outcome.await, form, |form, errors| {
        form_page(&state, ctx.clone(), None, form, errors)
    })
    .await
}

/// `GET /admin/users/{id}/edit`.
pub async fn edit_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(raw): Path<String>,
) -> Result<Response, AppError> {
    let user = queries::user(&state.pool, UserId(parse_id(&raw)?))
        .await?
        .ok_or(AppError::NotFound)?;
    let form = UserForm::from_row(&user).stamped();
    shown(form_page(&state, ctx, Some(user), form, FieldErrors::default()).await)
}

/// `POST /admin/users/{id}`: a deactivated user, or one whose role or unit changed, is signed
/// out everywhere (what they may see changed).
pub async fn update(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    headers: HeaderMap,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<UserForm>,
) -> Result<Response, AppError> {
    let id = UserId(parse_id(&raw)?);
    let outcome = async {
        let values = parse(&form, false)?;
        let mut tx = state.pool.begin().await?;
        let by = by(&state, &session, &headers);
        directory::update_user(&mut tx, &by, id, &values, |saved| {
            UserForm::from_row(saved).refuse_if_changed(&ctx, &form)
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
        |user, form, errors| form_page(&state, ctx.clone(), Some(user), form, errors),
    )
    .await
}

/// `POST /admin/users/{id}/reset-password`: a new temporary password, to be changed at the next
/// sign-in; the user's sessions end.
pub async fn reset_password(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Path(raw): Path<String>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let id = UserId(parse_id(&raw)?);
    let temporary = password::temporary();
    let password_hash = password::hash_blocking(temporary.clone()).await?;
    let mut tx = state.pool.begin().await?;
    let by = by(&state, &session, &headers);
    directory::reset_password(&mut tx, &by, id, &password_hash).await?;
    let message = ("admin.users.password_reset", Some(temporary));
    saved(
        &state,
        &session,
        tx,
        message,
        &format!("/admin/users/{id}/edit"),
    )
    .await
}
