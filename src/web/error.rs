//! One error type for every handler, and the middleware that turns errors into pages.

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

use askama::Template;

use super::ctx::{PageCtx, RequestInfo, percent_encode};
use super::session::{Session, see_other};
use super::state::AppState;

/// What can go wrong in a handler. Internal details are logged once, never shown.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    /// Not signed in: the sign-in page, then back.
    #[error("sign-in required")]
    Unauthenticated,
    /// Signed in, but not allowed to see or do this.
    #[error("forbidden")]
    Forbidden,
    /// The form did not come from this site, or its token is stale.
    #[error("cross-site request refused")]
    CsrfRejected,
    /// A request the portal cannot read (a form that no page of the portal sends).
    #[error("bad request")]
    BadRequest,
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

/// Which explanation an error page gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    ByStatus,
    Csrf,
}

/// Marks a response whose body the error-page middleware must render.
#[derive(Debug, Clone, Copy)]
pub struct ErrorPage(pub StatusCode, pub ErrorKind);

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = match &self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::CsrfRejected => {
                return error_page(StatusCode::FORBIDDEN, ErrorKind::Csrf);
            }
            AppError::BadRequest => StatusCode::BAD_REQUEST,
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
    error_page(status, ErrorKind::ByStatus)
}

fn error_page(status: StatusCode, kind: ErrorKind) -> Response {
    let mut response = status.into_response();
    response.extensions_mut().insert(ErrorPage(status, kind));
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
    mut request: Request,
    next: Next,
) -> Response {
    // Read once per request: the pages' context takes it from here.
    let info = RequestInfo::from_parts(&state, request.headers(), request.uri());
    request.extensions_mut().insert(info.clone());
    let is_get = request.method() == axum::http::Method::GET;
    let response = next.run(request).await;
    let user = response.extensions().get::<Session>().cloned();
    let Some(ErrorPage(status, kind)) = response.extensions().get::<ErrorPage>().copied() else {
        return response;
    };
    if status == StatusCode::UNAUTHORIZED {
        // Sign in first, then come back to the page that was asked for.
        let target = if is_get && info.path != "/" {
            format!("/signin?next={}", percent_encode(&info.path))
        } else {
            "/signin".to_owned()
        };
        return see_other(&target);
    }
    let (title_key, message_key) = match (status, kind) {
        (_, ErrorKind::Csrf) => ("error.csrf_title", "error.csrf_message"),
        (StatusCode::FORBIDDEN, _) => ("error.forbidden_title", "error.forbidden_message"),
        (StatusCode::NOT_FOUND, _) => ("error.not_found_title", "error.not_found_message"),
        (s, _) if s.is_server_error() => ("error.internal_title", "error.internal_message"),
        _ => ("error.bad_request_title", "error.bad_request_message"),
    };
    let page = ErrorTemplate {
        ctx: PageCtx::new(&state, info, user),
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
