//! Source documents: inspection conclusions, audit reports, reviews… with their number, date
//! and issuing body.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::commands::catalog;
use crate::db::admin::{self as queries, SourceAdminRow, SourceValues};
use crate::db::files::{self, FileRow};
use chrono::NaiveDate;

use crate::domain::dates::{format_date, parse_date};
use crate::domain::input::{self, FieldErrors, Invalid, limits};
use crate::domain::{SourceId, SourceKind};
use crate::web::conflict::{Difference, EditForm, Shown};
use crate::web::ctx::PageCtx;
use crate::web::error::AppError;
use crate::web::extract::CsrfForm;
use crate::web::form_page::{respond, respond_edit, shown};
use crate::web::forms::{UploadForm, optional};
use crate::web::pages::files::accepted_upload;
use crate::web::pages::{PAGE_SIZE, Pagination, SAVED, by, parse_id, render, saved};
use crate::web::session::Session;
use crate::web::state::AppState;

/// Where a save leads: the list.
const LIST: &str = "/admin/sources";

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

crate::edit_form!(SourceForm, SourceAdminRow, queries::source, SourceId);

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
) -> Result<Html<String>, AppError> {
    let files = match &source {
        Some(source) => files::for_source(&state.pool, source.id).await?,
        None => Vec::new(),
    };
    render(&FormPage {
        ctx,
        source,
        form,
        errors,
        kinds: SourceKind::ALL,
        files,
        file_error,
    })
}

/// The values to save, or the messages beside the fields. A document's date is not after
/// `today`.
fn parse(form: &SourceForm, today: NaiveDate) -> Result<SourceValues, AppError> {
    let mut errors = FieldErrors::default();
    let kind = errors.check(
        "kind",
        SourceKind::from_code(&form.kind).ok_or(input::CHOOSE),
    );
    let doc_number = errors.check(
        "doc_number",
        limits::SOURCE_DOC_NUMBER.optional(&form.doc_number),
    );
    let doc_date = match optional(&form.doc_date) {
        None => Some(None),
        Some(raw) => {
            let date = match parse_date(&raw) {
                Some(date) if date <= today => Ok(Some(date)),
                Some(_) => Err(Invalid::new("admin.sources.date_future")),
                None => Err(Invalid::new("form.date_format")),
            };
            errors.check("doc_date", date)
        }
    };
    let issuing_body = errors.check(
        "issuing_body",
        limits::SOURCE_ISSUING_BODY.required(&form.issuing_body),
    );
    let title = errors.check("title", limits::SOURCE_TITLE.required(&form.title));
    let summary = errors.check("summary", limits::SOURCE_SUMMARY.text(&form.summary));
    match (kind, doc_number, doc_date, issuing_body, title, summary) {
        (
            Some(kind),
            Some(doc_number),
            Some(doc_date),
            Some(issuing_body),
            Some(title),
            Some(summary),
        ) if errors.is_empty() => Ok(SourceValues {
            kind,
            doc_number,
            doc_date,
            issuing_body,
            title,
            summary,
        }),
        _ => Err(AppError::Validation(errors)),
    }
}

/// `GET /admin/sources/new`.
pub async fn new_form(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, AppError> {
    let form = SourceForm {
        kind: "inspection".into(),
        ..SourceForm::default()
    };
    shown(form_page(&state, ctx, None, form, (FieldErrors::default(), None)).await)
}

/// `POST /admin/sources`.
pub async fn create(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<SourceForm>,
) -> Result<Response, AppError> {
    let outcome = async {
        let values = parse(&form, ctx.today)?;
        let mut tx = state.pool.begin().await?;
        catalog::create_source(&mut tx, &by(&state, &session, &headers), &values).await?;
        saved(&state, &session, tx, SAVED, LIST).await
    };
    respond(&ctx, outcome.await, form, |form, errors| {
        form_page(&state, ctx.clone(), None, form, (errors, None))
    })
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
    shown(edit_page(&state, ctx, source, None).await)
}

/// The edit page of a saved source, with its files (and why an upload was refused).
async fn edit_page(
    state: &AppState,
    ctx: PageCtx,
    source: SourceAdminRow,
    file_error: Option<String>,
) -> Result<Html<String>, AppError> {
    let form = SourceForm::from_row(&source).stamped();
    form_page(
        state,
        ctx,
        Some(source),
        form,
        (FieldErrors::default(), file_error),
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
            let page = edit_page(&state, ctx, source, Some(problem)).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let mut tx = state.pool.begin().await?;
    let by = by(&state, &session, &headers);
    catalog::attach_source_file(&mut tx, &by, id, &upload.as_new()).await?;
    let message = ("files.attached", Some(upload.file_name.clone()));
    saved(
        &state,
        &session,
        tx,
        message,
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
    let outcome = async {
        let values = parse(&form, ctx.today)?;
        let mut tx = state.pool.begin().await?;
        let by = by(&state, &session, &headers);
        catalog::update_source(&mut tx, &by, id, &values, |saved| {
            SourceForm::from_row(saved).refuse_if_changed(&ctx, &form)
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
        |source, form, errors| form_page(&state, ctx.clone(), Some(source), form, (errors, None)),
    )
    .await
}
