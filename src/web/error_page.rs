//! The middleware that turns an error response into a page in the user's language.

use askama::Template;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

use super::ctx::{PageCtx, RequestInfo};
use super::error::{ErrorKind, ErrorPage};
use super::http::{percent_encode, see_other};
use super::session::Session;
use super::state::AppState;

/// Seconds a 503 asks the browser or a load balancer to wait before trying again.
const RETRY_AFTER_SECS: &str = "5";

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
