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
    /// The same form is being sent already (`web::once`).
    #[error("the same form is being sent already")]
    AlreadySent,
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
    /// The database cannot be reached right now (503, try again shortly).
    DatabaseDown,
    /// The database cannot write: its disk is full (503, nothing typed is lost).
    DiskFull,
    /// The same form was sent twice and the first is still being handled (409).
    AlreadySent,
}

/// Seconds a 503 asks the browser or a load balancer to wait before trying again.
const RETRY_AFTER_SECS: &str = "5";

/// Whether `e` says the database is out of reach or out of room, rather than that the request
/// was wrong: a connection that cannot be had in time, a broken or refused one, a server
/// shutting down or starting up (SQLSTATE class 08, 57P01-57P03), a full disk or another
/// exhausted resource (class 53).
pub fn unavailable(e: &sqlx::Error) -> Option<ErrorKind> {
    match e {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
            Some(ErrorKind::DatabaseDown)
        }
        sqlx::Error::Database(db) => {
            let code = db.code()?;
            if code.starts_with("53") {
                Some(ErrorKind::DiskFull)
            } else if code.starts_with("08") || matches!(&*code, "57P01" | "57P02" | "57P03") {
                Some(ErrorKind::DatabaseDown)
            } else {
                None
            }
        }
        _ => None,
    }
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
            AppError::AlreadySent => {
                return error_page(StatusCode::CONFLICT, ErrorKind::AlreadySent);
            }
            AppError::Internal(e) => {
                let cause = e
                    .chain()
                    .find_map(|c| c.downcast_ref::<sqlx::Error>())
                    .and_then(unavailable);
                if let Some(kind) = cause {
                    tracing::warn!(
                        error = format!("{e:#}"),
                        "request failed: database unavailable"
                    );
                    return error_page(StatusCode::SERVICE_UNAVAILABLE, kind);
                }
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
    /// A form whose sending failed because the database was unavailable: where it went and
    /// what was typed, to send again from this page.
    resend: Option<(String, Vec<(String, String)>)>,
}

/// Form bodies kept for the page that offers to send them again: at most this many bytes.
const RESEND_LIMIT: usize = 256 * 1024;

/// The body of a small URL-encoded form (read, and put back for the handler): a shared buffer,
/// read as fields only when the answer is a 503 that offers to send them again.
async fn keep_form(request: Request) -> (Request, Option<axum::body::Bytes>) {
    let is_form = request.method() == axum::http::Method::POST
        && request
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let small = axum::body::HttpBody::size_hint(request.body())
        .upper()
        .is_some_and(|n| n <= RESEND_LIMIT as u64);
    if !is_form || !small {
        return (request, None);
    }
    let (parts, body) = request.into_parts();
    match axum::body::to_bytes(body, RESEND_LIMIT).await {
        Ok(bytes) => (
            Request::from_parts(parts, axum::body::Body::from(bytes.clone())),
            Some(bytes),
        ),
        Err(_) => (Request::from_parts(parts, axum::body::Body::empty()), None),
    }
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
    let (request, form) = keep_form(request).await;
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
        (_, ErrorKind::DatabaseDown) => ("error.unavailable_title", "error.unavailable_message"),
        (_, ErrorKind::DiskFull) => ("error.unavailable_title", "error.disk_full_message"),
        (_, ErrorKind::AlreadySent) => ("error.already_sent_title", "error.already_sent_message"),
        (StatusCode::FORBIDDEN, _) => ("error.forbidden_title", "error.forbidden_message"),
        (StatusCode::NOT_FOUND, _) => ("error.not_found_title", "error.not_found_message"),
        (s, _) if s.is_server_error() => ("error.internal_title", "error.internal_message"),
        _ => ("error.bad_request_title", "error.bad_request_message"),
    };
    let unavailable = matches!(kind, ErrorKind::DatabaseDown | ErrorKind::DiskFull);
    if kind == ErrorKind::DiskFull {
        state.disk_full_at.store(
            chrono::Utc::now().timestamp(),
            std::sync::atomic::Ordering::Relaxed,
        );
    }
    let resend = form
        .filter(|_| unavailable)
        .and_then(|bytes| serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes).ok())
        .map(|fields| (info.path.clone(), fields));
    let page = ErrorTemplate {
        ctx: PageCtx::new(&state, info, user),
        status: status.as_u16(),
        title_key,
        message_key,
        resend,
    };
    match page.render() {
        Ok(html) if unavailable => (
            status,
            [(axum::http::header::RETRY_AFTER, RETRY_AFTER_SECS)],
            Html(html),
        )
            .into_response(),
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
