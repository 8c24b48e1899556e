//! Users: create (with a temporary password to change at first sign-in), edit, move to another
//! unit, change role, deactivate, reset the password.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::db::admin::{self as queries, UnitOption, UserRow, UserValues};
use crate::db::audit::AuditEntry;
use crate::db::auth as auth_queries;
use crate::domain::password;
use crate::domain::{Role, UnitId, UserId};
use crate::web::conflict::{self, Difference, EditForm, Shown, Versioned, unit_name};
use crate::web::ctx::PageCtx;
use crate::web::error::AppError;
use crate::web::extract::CsrfForm;
use crate::web::forms::{
    FieldErrors, NoFields, checked, looks_like_email, optional, violated_constraint,
};
use crate::web::pages::{PAGE_SIZE, Pagination, finish, parse_id, render, snapshot};
use crate::web::session::Session;
use crate::web::state::AppState;

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
        let role = Role::from_code(&self.role)
            .map_or(self.role.clone(), |r| ctx.t(r.label_key()).to_owned());
        let active = if self.is_active() {
            "admin.active"
        } else {
            "admin.inactive"
        };
        vec![
            ("admin.users.full_name", self.full_name.clone()),
            ("admin.users.job_title", self.title.clone()),
            ("admin.users.email", self.email.clone()),
            ("admin.users.phone", self.phone.clone()),
            ("admin.users.unit", unit_name(ctx, &self.unit_id)),
            ("admin.users.role", role),
            ("admin.users.active_label", ctx.t(active).to_owned()),
        ]
    }
}

crate::edit_form!(UserForm);

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
    status: StatusCode,
) -> Result<Response, AppError> {
    let units = queries::unit_options(&state.pool, user.as_ref().map(|u| u.unit_id)).await?;
    Ok((
        status,
        render(&FormPage {
            ctx,
            user,
            form,
            errors,
            units,
            roles: Role::ALL,
        })?,
    )
        .into_response())
}

/// `GET /admin/users/new`.
pub async fn new_form(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, AppError> {
    let form = UserForm {
        role: "officer".into(),
        active: Some("on".into()),
        ..UserForm::default()
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

async fn validate(
    state: &AppState,
    ctx: &PageCtx,
    form: &UserForm,
    creating: bool,
) -> Result<UserValues, FieldErrors> {
    let mut errors = FieldErrors::default();
    let username = form.username.trim().to_lowercase();
    if creating {
        if username.is_empty() {
            errors.add("username", ctx.t("form.required"));
        } else if !(username.len() >= 2
            && username.len() <= 64
            && username
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric())
            && username
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c)))
        {
            errors.add("username", ctx.t("admin.users.username_format"));
        }
    }
    let full_name = form.full_name.trim().to_owned();
    if full_name.is_empty() {
        errors.add("full_name", ctx.t("form.required"));
    } else if full_name.chars().count() > 120 {
        errors.add("full_name", ctx.t("form.too_long"));
    }
    let title = form.title.trim().to_owned();
    if title.chars().count() > 120 {
        errors.add("title", ctx.t("form.too_long"));
    }
    let email = optional(&form.email);
    if let Some(email) = &email
        && !looks_like_email(email)
    {
        errors.add("email", ctx.t("admin.users.email_format"));
    }
    let phone = optional(&form.phone);
    if let Some(phone) = &phone
        && !(phone
            .chars()
            .all(|c| c.is_ascii_digit() || " +.-()".contains(c))
            && phone.chars().filter(char::is_ascii_digit).count() >= 6)
    {
        errors.add("phone", ctx.t("admin.users.phone_format"));
    }
    let unit_id = crate::web::forms::id_of(&form.unit_id).map(UnitId);
    let unit_ok = match unit_id {
        Some(unit) => queries::unit(&state.pool, unit)
            .await
            .ok()
            .flatten()
            .is_some(),
        None => false,
    };
    if !unit_ok {
        errors.add("unit_id", ctx.t("admin.users.unit_unknown"));
    }
    let role = Role::from_code(&form.role);
    if role.is_none() {
        errors.add("role", ctx.t("form.choose"));
    }
    match (unit_id, role) {
        (Some(unit_id), Some(role)) if errors.is_empty() => Ok(UserValues {
            username,
            full_name,
            title,
            email,
            phone,
            unit_id,
            role,
            active: form.is_active(),
        }),
        _ => Err(errors),
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
    let values = match validate(&state, &ctx, &form, true).await {
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
    let temporary = password::temporary();
    let password_hash = password::hash_blocking(temporary.clone()).await?;
    let mut tx = state.pool.begin().await?;
    let id = match queries::insert_user(&mut *tx, &values, &password_hash).await {
        Ok(id) => id,
        Err(e) if violated_constraint(&e).as_deref() == Some("users_username_key") => {
            let errors = FieldErrors::one("username", ctx.t("admin.users.username_taken"));
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
    finish(
        &state,
        &session,
        &headers,
        tx,
        AuditEntry {
            action: "user.create",
            entity: "user",
            entity_id: Some(id.to_string()),
            unit: Some(values.unit_id),
            after: snapshot(&values),
            ..Default::default()
        },
        ("admin.users.created", Some(temporary)),
        &format!("/admin/users/{id}/edit"),
    )
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
    form_page(
        &state,
        ctx,
        Some(user),
        form,
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
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
    let before = queries::user(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut values = match validate(&state, &ctx, &form, false).await {
        Ok(values) => values,
        Err(errors) => {
            return form_page(
                &state,
                ctx,
                Some(before),
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    values.username = before.username.clone();
    if id == session.user.id && (!values.active || values.role != Role::Admin) {
        // An administrator cannot lock themselves out.
        let errors = FieldErrors::one("role", ctx.t("admin.users.not_yourself"));
        return form_page(
            &state,
            ctx,
            Some(before),
            form,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let mut tx = state.pool.begin().await?;
    conflict::lock(&mut tx, Versioned::Users, id.0).await?;
    let saved = queries::user(&mut *tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut form = form;
    if UserForm::from_row(&saved).outdates(&ctx, &mut form) {
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
    queries::update_user(&mut *tx, id, &values).await?;
    let access_changed =
        !values.active || values.role != before.role || values.unit_id != before.unit_id;
    let ended = if access_changed {
        auth_queries::delete_user_sessions(&mut *tx, id, None).await?
    } else {
        0
    };
    let action = match (before.active, values.active) {
        (true, false) => "user.deactivate",
        (false, true) => "user.reactivate",
        _ => "user.update",
    };
    let mut after = snapshot(&values).unwrap_or_default();
    after["sessions_ended"] = json!(ended);
    finish(
        &state,
        &session,
        &headers,
        tx,
        AuditEntry {
            action,
            entity: "user",
            entity_id: Some(id.to_string()),
            unit: Some(values.unit_id),
            before: snapshot(&before),
            after: Some(after),
            ..Default::default()
        },
        ("admin.saved", None),
        "/admin/users",
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
    let user = queries::user(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let temporary = password::temporary();
    let password_hash = password::hash_blocking(temporary.clone()).await?;
    let mut tx = state.pool.begin().await?;
    auth_queries::set_password(&mut *tx, id, &password_hash, true, state.clock.now()).await?;
    let ended = auth_queries::delete_user_sessions(&mut *tx, id, None).await?;
    finish(
        &state,
        &session,
        &headers,
        tx,
        AuditEntry {
            action: "user.reset_password",
            entity: "user",
            entity_id: Some(id.to_string()),
            unit: Some(user.unit_id),
            after: Some(json!({ "must_change_password": true, "sessions_ended": ended })),
            ..Default::default()
        },
        ("admin.users.password_reset", Some(temporary)),
        &format!("/admin/users/{id}/edit"),
    )
    .await
}
