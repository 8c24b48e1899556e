//! Every route of the portal, in one table, grouped by who may reach it. The guard of each
//! group is attached where the group is built; the role × route test walks this same table,
//! so a route added without a rule makes it fail.

use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Request, header};
use axum::middleware;
use axum::response::Response;
use axum::routing::{MethodRouter, get, post};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use super::assets;
use super::error::{self, error_marker};
use super::pages::{
    admin, audit, auth, dashboard, files, health, home, lang, notifications, plans, regimes,
    report_files, reports, shortcomings, tasks,
};
use super::state::AppState;
use super::{error_page, guard, session};
use crate::domain::access::Actor;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Who may reach a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in user; what they see inside is limited by role and unit.
    SignedIn,
    /// City reviewers and administrators: assigning, deciding, reminding.
    Reviewer,
    /// Administrators only.
    Admin,
}

/// One row of the route table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteInfo {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
}

fn table(max_upload: usize) -> Vec<(RouteInfo, MethodRouter<AppState>)> {
    use Access::*;
    // Uploads may be as large as configured, plus room for the form around the file; a larger
    // body is cut off and the form says the file is too large.
    let upload_limit = DefaultBodyLimit::max(max_upload + 64 * 1024);
    let r = |method: &'static str,
             path: &'static str,
             access: Access,
             handler: MethodRouter<AppState>| {
        (
            RouteInfo {
                method,
                path,
                access,
            },
            handler,
        )
    };
    vec![
        // Public: signing in, the language switch, machines.
        r("GET", "/signin", Public, get(auth::signin_form)),
        r("POST", "/signin", Public, post(auth::signin)),
        r("GET", "/lang", Public, get(lang::switch)),
        r("GET", "/healthz", Public, get(health::healthz)),
        r("GET", "/readyz", Public, get(health::readyz)),
        r(
            "GET",
            "/static/{version}/{name}",
            Public,
            get(assets::serve),
        ),
        // Signed in: the work itself, limited inside by role and unit.
        r("GET", "/", SignedIn, get(home::index)),
        r("GET", "/dashboard", SignedIn, get(dashboard::index)),
        r(
            "GET",
            "/units/{id}/dashboard",
            SignedIn,
            get(dashboard::unit_dashboard),
        ),
        r("GET", "/my-tasks", SignedIn, get(dashboard::my_tasks)),
        r("GET", "/shortcomings", SignedIn, get(shortcomings::index)),
        r(
            "GET",
            "/shortcomings/{id}",
            SignedIn,
            get(shortcomings::show),
        ),
        r("GET", "/reports", SignedIn, get(reports::index)),
        r("GET", "/reports/tracking", SignedIn, get(reports::tracking)),
        r(
            "GET",
            "/reports/tracking.xlsx",
            SignedIn,
            get(reports::tracking_xlsx),
        ),
        r(
            "GET",
            "/reports/tracking.csv",
            SignedIn,
            get(reports::tracking_csv),
        ),
        r("GET", "/reports/regimes", Reviewer, get(regimes::index)),
        r("POST", "/reports/regimes", Reviewer, post(regimes::create)),
        r(
            "GET",
            "/reports/regimes/new",
            Reviewer,
            get(regimes::new_form),
        ),
        r(
            "GET",
            "/reports/regimes/{id}/edit",
            Reviewer,
            get(regimes::edit_form),
        ),
        r(
            "POST",
            "/reports/regimes/{id}",
            Reviewer,
            post(regimes::update),
        ),
        r(
            "POST",
            "/reports/tracking/remind",
            SignedIn,
            post(reports::remind_unsent),
        ),
        r(
            "GET",
            "/reports/{id}",
            SignedIn,
            get(report_files::report_or_file),
        ),
        r("GET", "/reports/{id}/print", SignedIn, get(reports::print)),
        r("POST", "/reports/{id}", SignedIn, post(reports::save)),
        r(
            "POST",
            "/reports/{id}/submit",
            SignedIn,
            post(reports::submit),
        ),
        r(
            "POST",
            "/reports/{id}/decision",
            SignedIn,
            post(reports::decide),
        ),
        r("GET", "/tasks", SignedIn, get(tasks::index)),
        // The list as a spreadsheet: its query string, filters, order and scope.
        r("GET", "/tasks.xlsx", SignedIn, get(tasks::export_xlsx)),
        r("GET", "/tasks.csv", SignedIn, get(tasks::export_csv)),
        r("GET", "/tasks/{id}", SignedIn, get(tasks::show)),
        // Work on a task: each handler checks the user's part in the task (docs/design.md: Roles).
        r(
            "POST",
            "/tasks/{id}/progress",
            SignedIn,
            post(tasks::report_progress).layer(upload_limit),
        ),
        r(
            "POST",
            "/tasks/{id}/contributions",
            SignedIn,
            post(tasks::contribute).layer(upload_limit),
        ),
        r(
            "POST",
            "/tasks/{id}/confirm",
            SignedIn,
            post(tasks::confirm),
        ),
        r(
            "POST",
            "/tasks/{id}/return",
            SignedIn,
            post(tasks::return_for_rework),
        ),
        r(
            "POST",
            "/tasks/{id}/assignees",
            SignedIn,
            post(tasks::assign),
        ),
        r(
            "POST",
            "/tasks/{id}/extensions",
            SignedIn,
            post(tasks::request_extension).layer(upload_limit),
        ),
        r(
            "POST",
            "/tasks/{id}/reminders",
            SignedIn,
            post(tasks::remind),
        ),
        // The City assigns and decides.
        r("GET", "/tasks/new", Reviewer, get(tasks::new_form)),
        r("POST", "/tasks", Reviewer, post(tasks::create)),
        r("GET", "/tasks/{id}/edit", Reviewer, get(tasks::edit_form)),
        r("POST", "/tasks/{id}", Reviewer, post(tasks::update)),
        r("POST", "/tasks/bulk", Reviewer, post(tasks::bulk)),
        r(
            "POST",
            "/extensions/{id}/decision",
            Reviewer,
            post(tasks::decide_extension),
        ),
        r(
            "POST",
            "/escalations/{id}/answer",
            Reviewer,
            post(tasks::answer_escalation),
        ),
        r("GET", "/plans", SignedIn, get(plans::index)),
        r("GET", "/plans/{id}", SignedIn, get(plans::show)),
        r(
            "GET",
            "/account/password",
            SignedIn,
            get(auth::password_form),
        ),
        r(
            "POST",
            "/account/password",
            SignedIn,
            post(auth::change_password),
        ),
        r("POST", "/signout", SignedIn, post(auth::signout)),
        // Each user's own notifications; another user's are not found (checked inside).
        r("GET", "/notifications", SignedIn, get(notifications::index)),
        r(
            "POST",
            "/notifications/read-all",
            SignedIn,
            post(notifications::read_all),
        ),
        r(
            "POST",
            "/notifications/{id}/read",
            SignedIn,
            post(notifications::read),
        ),
        r(
            "GET",
            "/account/notifications",
            SignedIn,
            get(notifications::settings_form),
        ),
        r(
            "POST",
            "/account/notifications",
            SignedIn,
            post(notifications::save_settings),
        ),
        r("GET", "/files/{id}", SignedIn, get(files::download)),
        // The audit log: unit heads read their units' entries, the City all (checked inside).
        r("GET", "/audit", SignedIn, get(audit::index)),
        // City reviewers and admins: what the City decides for every unit.
        r(
            "GET",
            "/shortcomings/new",
            Reviewer,
            get(shortcomings::form::new_form),
        ),
        r(
            "POST",
            "/shortcomings",
            Reviewer,
            post(shortcomings::form::create),
        ),
        r(
            "GET",
            "/shortcomings/{id}/edit",
            Reviewer,
            get(shortcomings::form::edit_form),
        ),
        r(
            "POST",
            "/shortcomings/{id}",
            Reviewer,
            post(shortcomings::form::update),
        ),
        r("GET", "/plans/new", Reviewer, get(plans::form::new_form)),
        r("POST", "/plans", Reviewer, post(plans::form::create)),
        r(
            "GET",
            "/plans/{id}/edit",
            Reviewer,
            get(plans::form::edit_form),
        ),
        r("POST", "/plans/{id}", Reviewer, post(plans::form::update)),
        r(
            "POST",
            "/plans/{id}/files",
            Reviewer,
            post(plans::upload).layer(upload_limit),
        ),
        // Administration.
        r("GET", "/admin", Admin, get(admin::index)),
        r("GET", "/admin/jobs", Admin, get(admin::jobs::index)),
        r("GET", "/admin/units", Admin, get(admin::units::index)),
        r("POST", "/admin/units", Admin, post(admin::units::create)),
        r(
            "GET",
            "/admin/units/new",
            Admin,
            get(admin::units::new_form),
        ),
        r(
            "GET",
            "/admin/units/{id}/edit",
            Admin,
            get(admin::units::edit_form),
        ),
        r(
            "POST",
            "/admin/units/{id}",
            Admin,
            post(admin::units::update),
        ),
        r(
            "POST",
            "/admin/units/{id}/delete",
            Admin,
            post(admin::units::delete),
        ),
        r("GET", "/admin/users", Admin, get(admin::users::index)),
        r("POST", "/admin/users", Admin, post(admin::users::create)),
        r(
            "GET",
            "/admin/users/new",
            Admin,
            get(admin::users::new_form),
        ),
        r(
            "GET",
            "/admin/users/{id}/edit",
            Admin,
            get(admin::users::edit_form),
        ),
        r(
            "POST",
            "/admin/users/{id}",
            Admin,
            post(admin::users::update),
        ),
        r(
            "POST",
            "/admin/users/{id}/reset-password",
            Admin,
            post(admin::users::reset_password),
        ),
        r("GET", "/admin/calendar", Admin, get(admin::calendar::index)),
        r("POST", "/admin/calendar", Admin, post(admin::calendar::add)),
        r(
            "POST",
            "/admin/calendar/{day}/delete",
            Admin,
            post(admin::calendar::remove),
        ),
        r("GET", "/admin/fields", Admin, get(admin::fields::index)),
        r("POST", "/admin/fields", Admin, post(admin::fields::create)),
        r(
            "GET",
            "/admin/fields/new",
            Admin,
            get(admin::fields::new_form),
        ),
        r(
            "GET",
            "/admin/fields/{id}/edit",
            Admin,
            get(admin::fields::edit_form),
        ),
        r(
            "POST",
            "/admin/fields/{id}",
            Admin,
            post(admin::fields::update),
        ),
        r("GET", "/admin/sources", Admin, get(admin::sources::index)),
        r(
            "POST",
            "/admin/sources",
            Admin,
            post(admin::sources::create),
        ),
        r(
            "GET",
            "/admin/sources/new",
            Admin,
            get(admin::sources::new_form),
        ),
        r(
            "GET",
            "/admin/sources/{id}/edit",
            Admin,
            get(admin::sources::edit_form),
        ),
        r(
            "POST",
            "/admin/sources/{id}",
            Admin,
            post(admin::sources::update),
        ),
        r(
            "POST",
            "/admin/sources/{id}/files",
            Admin,
            post(admin::sources::upload).layer(upload_limit),
        ),
    ]
}

/// The route table without the handlers (for tests and documentation).
pub fn route_table() -> Vec<RouteInfo> {
    table(0).into_iter().map(|(info, _)| info).collect()
}

/// Builds the router; `main` and the tests call this same function.
pub fn router(state: AppState) -> Router {
    let mut public = Router::new();
    let mut signed_in = Router::new();
    let mut reviewer = Router::new();
    let mut admin = Router::new();
    for (info, handler) in table(state.config.max_upload_bytes) {
        let group = match info.access {
            Access::Public => &mut public,
            Access::SignedIn => &mut signed_in,
            Access::Reviewer => &mut reviewer,
            Access::Admin => &mut admin,
        };
        *group = std::mem::take(group).route(info.path, handler);
    }
    let guard = |group: Router<AppState>, allowed: fn(&Actor) -> bool| {
        group.route_layer(middleware::from_fn(move |request, next| {
            guard::require(allowed, request, next)
        }))
    };
    let signed_in = guard(signed_in, |_| true);
    let reviewer = guard(reviewer, Actor::manages_tasks);
    let admin = guard(admin, Actor::is_admin);

    Router::new()
        .merge(public)
        .merge(signed_in)
        .merge(reviewer)
        .merge(admin)
        .fallback(error::not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            super::once::guard,
        ))
        .layer(CatchPanicLayer::custom(|_| {
            tracing::error!("a handler panicked");
            error_marker(axum::http::StatusCode::INTERNAL_SERVER_ERROR)
        }))
        .layer(middleware::from_fn(guard::verify_origin))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            session::load_session,
        ))
        // Before the session is loaded: a refused request costs no query.
        .layer(middleware::from_fn(guard::refuse_nul_in_query))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            error_page::render_error_pages,
        ))
        .layer(middleware::from_fn_with_state(
            state.config.https,
            security_headers,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            close_when_draining,
        ))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request<_>| {
                    let request_id = request
                        .headers()
                        .get(REQUEST_ID)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    tracing::info_span!(
                        "request",
                        method = %request.method(),
                        path = %request.uri().path(),
                        request_id,
                    )
                })
                .on_response(
                    |response: &Response, latency: Duration, _span: &tracing::Span| {
                        tracing::info!(
                            status = response.status().as_u16(),
                            latency_ms = latency.as_secs_f64() * 1000.0,
                            "response"
                        );
                    },
                ),
        )
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(middleware::from_fn(sanitize_request_id))
        .with_state(state)
}

/// Headers every response carries: no inline script or style, no framing, no sniffing, HSTS
/// when the portal is served over HTTPS; and a signed-in page is never stored by a browser or
/// a proxy (it may show a temporary password, or what one official may see and another not).
async fn security_headers(
    axum::extract::State(https): axum::extract::State<bool>,
    request: axum::extract::Request,
    next: middleware::Next,
) -> Response {
    const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
                       img-src 'self' data:; object-src 'none'; base-uri 'none'; \
                       form-action 'self'; frame-ancestors 'none'";
    let mut response = next.run(request).await;
    let signed_in = response.extensions().get::<session::Session>().is_some();
    let headers = response.headers_mut();
    let mut set = |name: HeaderName, value: &'static str| {
        headers
            .entry(name)
            .or_insert_with(|| HeaderValue::from_static(value));
    };
    set(header::CONTENT_SECURITY_POLICY, CSP);
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::REFERRER_POLICY, "same-origin");
    set(header::X_FRAME_OPTIONS, "DENY");
    if https {
        set(
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
    if signed_in {
        set(header::CACHE_CONTROL, "no-store");
    }
    response
}

/// While the portal drains before stopping, every answer asks the client to close its
/// connection, so a browser sends its next request on a new one (to another instance, once the
/// load balancer has seen `/readyz` answer 503) rather than on one about to close.
async fn close_when_draining(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: middleware::Next,
) -> Response {
    let mut response = next.run(request).await;
    if state.shutdown.is_cancelled() {
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// Drops a request id the client sent unless it is a short token of safe characters (it is
/// written into the log and the audit log); the next layer then makes a new one.
async fn sanitize_request_id(
    mut request: axum::extract::Request,
    next: middleware::Next,
) -> Response {
    let safe = request.headers().get(REQUEST_ID).is_none_or(|value| {
        let value = value.as_bytes();
        (1..=64).contains(&value.len())
            && value
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    });
    if !safe {
        request.headers_mut().remove(REQUEST_ID);
    }
    next.run(request).await
}
