//! Downloading stored files, for those who may see what they belong to.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::parse_id;
use crate::db::files;
use crate::domain::TaskId;
use crate::domain::files::content_disposition;
use crate::domain::input::Invalid;
use crate::web::ctx::PageCtx;
use crate::web::error::AppError;
use crate::web::forms::{CheckedFile, MultipartForm, check_files};
use crate::web::session::Session;
use crate::web::state::AppState;

/// `GET /files/{id}`: source documents are open to every signed-in user; evidence and
/// extension documents only to those who may see the task; a plan's file to its unit and the
/// City.
pub async fn download(
    State(state): State<AppState>,
    session: Session,
    Path(raw): Path<String>,
) -> Result<Response, AppError> {
    let id = parse_id(&raw)?;
    let file = files::find(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if let Some(task) = file.task_id {
        super::tasks::shared::visible(&state, &session, TaskId(task)).await?;
    } else if let Some(unit) = file.plan_unit_id {
        if !session.user.actor.can_see_unit(unit) {
            return Err(AppError::Forbidden);
        }
    } else if file.source_id.is_none() {
        // Files of other kinds (reports, plans…) get their own rules when their pages come.
        return Err(AppError::Forbidden);
    }
    let content = match file.content {
        Some(content) => content,
        None => files::pieces(&state.pool, id).await?,
    };
    let mut response = (StatusCode::OK, content).into_response();
    let headers = response.headers_mut();
    let content_type = HeaderValue::from_str(&file.content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    headers.insert(header::CONTENT_TYPE, content_type);
    if let Ok(value) = HeaderValue::from_str(&content_disposition(&file.file_name)) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}

/// The one file of an upload form (field `file`) if the portal accepts it: present, within the
/// size limit, and a PDF, Word, Excel or image file by its content. Otherwise why it was
/// refused, in the page's language, for the form to show beside the field.
pub fn accepted_upload(
    ctx: &PageCtx,
    max_bytes: usize,
    form: &mut MultipartForm,
) -> Result<CheckedFile, String> {
    let say = |invalid: Invalid| match invalid.value {
        Some(value) => ctx.tf(invalid.key, value),
        None => ctx.t(invalid.key).to_owned(),
    };
    check_files(form, "file", max_bytes, true)
        .map_err(say)?
        .into_iter()
        .next()
        .ok_or_else(|| ctx.t("files.missing").to_owned())
}
