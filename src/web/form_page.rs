//! The one way a form's POST answers. The handler's work returns a response (a 303 after a
//! save) or an error; a refusal of what was typed comes back as the same form, with what was
//! typed kept:
//!
//! - [`AppError::Validation`] — 422, the messages beside their fields, in the page's language;
//! - [`AppError::Conflict`] — 409, what is saved now beside what was typed, with the new
//!   version (`web::conflict`).
//!
//! Every other error goes on to the error pages. A form page only says how it is drawn.

use std::future::Future;

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::conflict::{EditForm, Editable};
use super::ctx::PageCtx;
use super::error::AppError;
use super::state::AppState;
use crate::domain::input::FieldErrors;

/// `outcome` as the answer to the POST of `form`: the form drawn again by `page` when what
/// was typed was refused.
pub async fn respond<F, P, Fut>(
    ctx: &PageCtx,
    outcome: Result<Response, AppError>,
    mut form: F,
    page: P,
) -> Result<Response, AppError>
where
    F: EditForm,
    P: FnOnce(F, FieldErrors) -> Fut,
    Fut: Future<Output = Result<Html<String>, AppError>>,
{
    let (status, errors) = match outcome {
        Err(AppError::Validation(mut errors)) => {
            errors.localize(ctx.catalog());
            (StatusCode::UNPROCESSABLE_ENTITY, errors)
        }
        Err(AppError::Conflict(conflict)) => {
            form.show_conflict(conflict);
            (StatusCode::CONFLICT, FieldErrors::default())
        }
        other => return other,
    };
    Ok((status, page(form, errors).await?).into_response())
}

/// [`respond`] to the save of an edit of row `id`: the form shown again beside the row as
/// saved now (404 if it is gone).
pub async fn respond_edit<F, P, Fut>(
    state: &AppState,
    ctx: &PageCtx,
    id: i64,
    outcome: Result<Response, AppError>,
    form: F,
    page: P,
) -> Result<Response, AppError>
where
    F: Editable,
    P: FnOnce(F::Row, F, FieldErrors) -> Fut,
    Fut: Future<Output = Result<Html<String>, AppError>>,
{
    respond(ctx, outcome, form, |form, errors| async move {
        let mut conn = state.pool.acquire().await?;
        let row = F::load(&mut conn, id).await?.ok_or(AppError::NotFound)?;
        drop(conn);
        page(row, form, errors).await
    })
    .await
}

/// A form page as the answer to a GET (a new form, or one filled with what is saved).
pub fn shown(page: Result<Html<String>, AppError>) -> Result<Response, AppError> {
    page.map(IntoResponse::into_response)
}
