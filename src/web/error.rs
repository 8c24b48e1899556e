//! One error type for every handler, and the middleware that turns errors into pages.

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

use askama::Template;

use super::ctx::{PageCtx, RequestInfo};
use super::state::AppState;

/// What can go wrong in a handler. Internal details are logged once, never shown.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        AppError::Internal(e.into())
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(e.into())
    }
}

/// Marks a response whose body the error-page middleware must render.
#[derive(Debug, Clone, Copy)]
pub struct ErrorPage(pub StatusCode);

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = match &self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Internal(e) => {
                tracing::error!(error = format!("{e:#}"), "request failed");
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        error_marker(status)
    }
}

/// An empty response carrying the error status, for the middleware to fill in.
pub fn error_marker(status: StatusCode) -> Response {
    let mut response = status.into_response();
    response.extensions_mut().insert(ErrorPage(status));
    response
}

#[derive(Template)]
#[template(path = "errors/error.html")]
struct ErrorTemplate {
    ctx: PageCtx,
    status: u16,
    title_key: &'static str,
    message_key: &'static str,
}

/// Renders error pages (404, 500, …) in the user's language, with the request id to quote.
pub async fn render_error_pages(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let info = RequestInfo::from_parts(&state, request.headers(), request.uri());
    let response = next.run(request).await;
    let Some(ErrorPage(status)) = response.extensions().get::<ErrorPage>().copied() else {
        return response;
    };
    let (title_key, message_key) = match status {
        StatusCode::NOT_FOUND => ("error.not_found_title", "error.not_found_message"),
        s if s.is_server_error() => ("error.internal_title", "error.internal_message"),
        _ => ("error.bad_request_title", "error.bad_request_message"),
    };
    let page = ErrorTemplate {
        ctx: PageCtx::new(&state, info),
        status: status.as_u16(),
        title_key,
        message_key,
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "rendering the error page");
            (status, "error").into_response()
        }
    }
}

/// Every path that matches no route.
pub async fn not_found() -> AppError {
    AppError::NotFound
}
