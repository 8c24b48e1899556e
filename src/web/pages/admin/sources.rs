//! Source documents: inspection conclusions, audit reports, reviews… with their number, date
//! and issuing body.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::db::admin::{self as queries, SourceAdminRow, SourceValues};
use crate::db::audit::AuditEntry;
use crate::db::files::{self, FileRow};
use crate::domain::dates::{format_date, parse_date};
use crate::domain::{SourceId, SourceKind};
use crate::web::conflict::{self, Difference, EditForm, Shown, Versioned};
use crate::web::ctx::PageCtx;
use crate::web::error::AppError;
use crate::web::extract::CsrfForm;
use crate::web::forms::{FieldErrors, UploadForm, optional, violated_constraint};
use crate::web::pages::files::accepted_upload;
use crate::web::pages::{PAGE_SIZE, Pagination, finish, parse_id, render, snapshot};
use crate::web::session::Session;
use crate::web::state::AppState;

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    q: Option<String>,
    page: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/sources/index.html")]
pub struct IndexPage {
    ctx: PageCtx,
    sources: Vec<SourceAdminRow>,
    q: String,
    pagination: Pagination,
    base_query: String,
}

/// `GET /admin/sources?q=…&page=…`.
pub async fn index(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(query): Query<ListQuery>,
) -> Result<Html<String>, AppError> {
    let q = query.q.unwrap_or_default().trim().to_owned();
    let page = Pagination::requested(query.page.as_deref());
    let (sources, total) = queries::sources_page(
        &state.pool,
        optional(&q).as_deref(),
        PAGE_SIZE,
        Pagination::offset(page),
    )
    .await?;
    let base_query = serde_urlencoded::to_string([("q", q.as_str())]).unwrap_or_default();
    render(&IndexPage {
        ctx,
        sources,
        q,
        pagination: Pagination::new(page, total),
        base_query,
    })
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct SourceForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub doc_number: String,
    #[serde(default)]
    pub doc_date: String,
    #[serde(default)]
    pub issuing_body: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub summary: String,
    /// The version of the values the form was filled with (`web::conflict`).
    #[serde(default, skip_serializing)]
    pub version: String,
    #[serde(skip)]
    pub conflict: Option<Vec<Difference>>,
}

impl SourceForm {
    fn from_row(source: &SourceAdminRow) -> Self {
        SourceForm {
            kind: source.kind.code().to_owned(),
            doc_number: source.doc_number.clone().unwrap_or_default(),
            doc_date: source.doc_date.map(format_date).unwrap_or_default(),
            issuing_body: source.issuing_body.clone(),
            title: source.title.clone(),
            summary: source.summary.clone(),
            ..SourceForm::default()
        }
    }
}

impl Shown for SourceForm {
    fn shown(&self, ctx: &PageCtx) -> Vec<(&'static str, String)> {
        let kind = SourceKind::from_code(&self.kind)
            .map_or(self.kind.clone(), |k| ctx.t(k.label_key()).to_owned());
        vec![
            ("admin.sources.kind", kind),
            ("admin.sources.doc_number", self.doc_number.clone()),
            ("admin.sources.doc_date", self.doc_date.clone()),
            ("admin.sources.issuing_body", self.issuing_body.clone()),
            ("admin.sources.source_title", self.title.clone()),
            ("admin.sources.summary", self.summary.clone()),
        ]
    }
}

crate::edit_form!(SourceForm);

#[derive(Template)]
#[template(path = "admin/sources/form.html")]
pub struct FormPage {
    ctx: PageCtx,
    source: Option<SourceAdminRow>,
    form: SourceForm,
    errors: FieldErrors,
    kinds: [SourceKind; 6],
    files: Vec<FileRow>,
    /// Why the last upload was refused.
    file_error: Option<String>,
}

/// The form: a new source's, or a saved one's with its files (and why an upload was refused).
async fn form_page(
    state: &AppState,
    ctx: PageCtx,
    source: Option<SourceAdminRow>,
    form: SourceForm,
    (errors, file_error): (FieldErrors, Option<String>),
    status: StatusCode,
) -> Result<Response, AppError> {
    let files = match &source {
        Some(source) => files::for_source(&state.pool, source.id).await?,
        None => Vec::new(),
    };
    let page = FormPage {
        ctx,
        source,
        form,
        errors,
        kinds: SourceKind::ALL,
        files,
        file_error,
    };
    Ok((status, render(&page)?).into_response())
}

fn validate(ctx: &PageCtx, form: &SourceForm) -> Result<SourceValues, FieldErrors> {
    let mut errors = FieldErrors::default();
    let kind = SourceKind::from_code(&form.kind);
    if kind.is_none() {
        errors.add("kind", ctx.t("form.choose"));
    }
    let doc_number = optional(&form.doc_number);
    if doc_number.as_ref().is_some_and(|n| n.chars().count() > 60) {
        errors.add("doc_number", ctx.t("form.too_long"));
    }
    let doc_date = match optional(&form.doc_date) {
        None => None,
        Some(raw) => match parse_date(&raw) {
            Some(date) if date <= ctx.today => Some(date),
            Some(_) => {
                errors.add("doc_date", ctx.t("admin.sources.date_future"));
                None
            }
            None => {
                errors.add("doc_date", ctx.t("form.date_format"));
                None
            }
        },
    };
    let issuing_body = form.issuing_body.trim().to_owned();
    if issuing_body.is_empty() {
        errors.add("issuing_body", ctx.t("form.required"));
    }
    let title = form.title.trim().to_owned();
    if title.is_empty() {
        errors.add("title", ctx.t("form.required"));
    } else if title.chars().count() > 500 {
        errors.add("title", ctx.t("form.too_long"));
    }
    match kind {
        Some(kind) if errors.is_empty() => Ok(SourceValues {
            kind,
            doc_number,
            doc_date,
            issuing_body,
            title,
            summary: form.summary.trim().to_owned(),
        }),
        _ => Err(errors),
    }
}

/// `GET /admin/sources/new`.
pub async fn new_form(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, AppError> {
    let form = SourceForm {
        kind: "inspection".into(),
        ..SourceForm::default()
    };
    form_page(
        &state,
        ctx,
        None,
        form,
        (FieldErrors::default(), None),
        StatusCode::OK,
    )
    .await
}

fn taken(ctx: &PageCtx) -> FieldErrors {
    FieldErrors::one("doc_number", ctx.t("admin.sources.number_taken"))
}

/// `POST /admin/sources`.
pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<SourceForm>,
) -> Result<Response, AppError> {
    let values = match validate(&ctx, &form) {
        Ok(values) => values,
        Err(errors) => {
            return form_page(
                &state,
                ctx,
                None,
                form,
                (errors, None),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let mut tx = state.pool.begin().await?;
    let id = match queries::insert_source(&mut *tx, &values).await {
        Ok(id) => id,
        Err(e) if violated_constraint(&e).as_deref() == Some("sources_doc_number_key") => {
            let errors = taken(&ctx);
            return form_page(
                &state,
                ctx,
                None,
                form,
                (errors, None),
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
            action: "source.create",
            entity: "source",
            entity_id: Some(id.to_string()),
            after: snapshot(&values),
            ..Default::default()
        },
        ("admin.saved", None),
        "/admin/sources",
    )
    .await
}

/// `GET /admin/sources/{id}/edit`.
pub async fn edit_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(raw): Path<String>,
) -> Result<Response, AppError> {
    let source = queries::source(&state.pool, SourceId(parse_id(&raw)?))
        .await?
        .ok_or(AppError::NotFound)?;
    edit_page(&state, ctx, source, None, StatusCode::OK).await
}

/// The edit page of a saved source, with its files (and why an upload was refused).
async fn edit_page(
    state: &AppState,
    ctx: PageCtx,
    source: SourceAdminRow,
    file_error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let form = SourceForm::from_row(&source).stamped();
    form_page(
        state,
        ctx,
        Some(source),
        form,
        (FieldErrors::default(), file_error),
        status,
    )
    .await
}

/// `POST /admin/sources/{id}/files`: attaches a PDF, Word, Excel or image file, recognised by
/// its content, up to the configured size.
pub async fn upload(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    headers: HeaderMap,
    Path(raw): Path<String>,
    upload: UploadForm,
) -> Result<Response, AppError> {
    let id = SourceId(parse_id(&raw)?);
    let source = queries::source(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut form = upload.read(&state).await?;
    let upload = match accepted_upload(&ctx, state.config.max_upload_bytes, &mut form) {
        Ok(accepted) => accepted,
        Err(problem) => {
            return edit_page(
                &state,
                ctx,
                source,
                Some(problem),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let mut tx = state.pool.begin().await?;
    let file = files::insert(
        &mut tx,
        files::FileOwner::Source(id),
        &upload.as_new(),
        session.user.id,
    )
    .await?;
    finish(
        &state,
        &session,
        &headers,
        tx,
        AuditEntry {
            action: "source.attach_file",
            entity: "source",
            entity_id: Some(id.to_string()),
            after: Some(serde_json::json!({
                "file_id": file,
                "file_name": upload.file_name,
                "content_type": upload.content_type,
                "size_bytes": upload.content.size(),
            })),
            ..Default::default()
        },
        ("files.attached", Some(upload.file_name.clone())),
        &format!("/admin/sources/{id}/edit"),
    )
    .await
}

/// `POST /admin/sources/{id}`.
pub async fn update(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    headers: HeaderMap,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<SourceForm>,
) -> Result<Response, AppError> {
    let id = SourceId(parse_id(&raw)?);
    let before = queries::source(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let values = match validate(&ctx, &form) {
        Ok(values) => values,
        Err(errors) => {
            return form_page(
                &state,
                ctx,
                Some(before),
                form,
                (errors, None),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let mut tx = state.pool.begin().await?;
    conflict::lock(&mut tx, Versioned::Sources, id.0).await?;
    let saved = queries::source(&mut *tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut form = form;
    if SourceForm::from_row(&saved).outdates(&ctx, &mut form) {
        tx.rollback().await?;
        return form_page(
            &state,
            ctx,
            Some(saved),
            form,
            (FieldErrors::default(), None),
            StatusCode::CONFLICT,
        )
        .await;
    }
    if let Err(e) = queries::update_source(&mut *tx, id, &values).await {
        if violated_constraint(&e).as_deref() == Some("sources_doc_number_key") {
            let errors = taken(&ctx);
            return form_page(
                &state,
                ctx,
                Some(before),
                form,
                (errors, None),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        return Err(e.into());
    }
    finish(
        &state,
        &session,
        &headers,
        tx,
        AuditEntry {
            action: "source.update",
            entity: "source",
            entity_id: Some(id.to_string()),
            before: snapshot(&before),
            after: snapshot(&values),
            ..Default::default()
        },
        ("admin.saved", None),
        "/admin/sources",
    )
    .await
}
