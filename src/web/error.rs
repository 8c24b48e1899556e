//! One error type for every handler, and how each becomes a response (the page itself is
//! rendered by `error_page`, which knows the request's language).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::commands::Refusal;
use crate::domain::input::FieldErrors;

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
    /// What was typed cannot be saved: the form again, with the messages beside its fields
    /// (422). Rendered by the handler's form page (`web::form_page::respond`).
    #[error("the form has errors")]
    Validation(FieldErrors),
    /// What the form was filled with changed since (`web::conflict`): the form again, with
    /// what is saved now beside what was typed (409).
    #[error("the values changed since the form was filled")]
    Conflict(Conflict),
    /// The same form is being sent already (`web::once`).
    #[error("the same form is being sent already")]
    AlreadySent,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// A save refused because the values it was filled with changed since (`web::conflict`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// The fields whose saved value differs from what was typed.
    pub differences: Vec<Difference>,
    /// The version of the values saved now, for the form shown again.
    pub version: String,
}

/// A field whose saved value differs from what was typed, as the page shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// The field's label (a message key).
    pub label: &'static str,
    pub saved: String,
    pub yours: String,
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        AppError::Internal(e.into())
    }
}

/// A command's refusal, as a page answers it: a form's messages beside its fields (422), 404,
/// 403, or a request no page sends. (The task pages answer a stale task with its changes:
/// `pages::tasks::shared::answer`.)
impl From<Refusal> for AppError {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::NotFound => AppError::NotFound,
            Refusal::Forbidden => AppError::Forbidden,
            Refusal::Invalid(errors) => AppError::Validation(errors),
            Refusal::Stale | Refusal::InUse => AppError::BadRequest,
            Refusal::Database(e) => e.into(),
        }
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
            // Reached only when a handler has no form to show again.
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
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

/// Every path that matches no route.
pub async fn not_found() -> AppError {
    AppError::NotFound
}
