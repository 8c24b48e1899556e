//! Every route of the portal, in one place, grouped by who may reach it.

use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, Request, header};
use axum::middleware;
use axum::response::Response;
use axum::routing::get;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use super::assets;
use super::error::{self, error_marker};
use super::pages::{health, lang, shortcomings, tasks};
use super::state::AppState;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Builds the router; `main` and the tests call this same function.
pub fn router(state: AppState) -> Router {
    // Open to everyone for now; sign-in and per-role groups come with authentication.
    let pages = Router::new()
        .route("/", get(shortcomings::index))
        .route("/shortcomings", get(shortcomings::index))
        .route("/shortcomings/{id}", get(shortcomings::show))
        .route("/tasks", get(tasks::index))
        .route("/tasks/{id}", get(tasks::show))
        .route("/lang", get(lang::switch));

    // Machines: load balancers, monitoring, browsers fetching assets.
    let infrastructure = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/static/{version}/{name}", get(assets::serve));

    Router::new()
        .merge(pages)
        .merge(infrastructure)
        .fallback(error::not_found)
        .layer(CatchPanicLayer::custom(|_| {
            tracing::error!("a handler panicked");
            error_marker(axum::http::StatusCode::INTERNAL_SERVER_ERROR)
        }))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            error::render_error_pages,
        ))
        .layer(security_headers())
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
        .with_state(state)
}

/// Headers every response carries: no inline script, no framing, no sniffing.
fn security_headers() -> tower::layer::util::Stack<
    SetResponseHeaderLayer<HeaderValue>,
    tower::layer::util::Stack<
        SetResponseHeaderLayer<HeaderValue>,
        SetResponseHeaderLayer<HeaderValue>,
    >,
> {
    let csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
               object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    tower::layer::util::Stack::new(
        SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(csp),
        ),
        tower::layer::util::Stack::new(
            SetResponseHeaderLayer::if_not_present(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            SetResponseHeaderLayer::if_not_present(
                header::REFERRER_POLICY,
                HeaderValue::from_static("same-origin"),
            ),
        ),
    )
}
