//! `/healthz` (the database answers) and `/readyz` (this instance takes traffic).

use axum::extract::State;
use axum::http::StatusCode;

use crate::web::state::AppState;

/// 200 when the database answers a trivial query, 503 otherwise.
pub async fn healthz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match sqlx::query("select 1").execute(&state.pool).await {
        Ok(_) => (StatusCode::OK, "ok"),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
    }
}

/// 200 while serving, 503 once shutdown began (so a load balancer stops sending traffic) or
/// when the database is unreachable.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    if state.shutdown.is_cancelled() {
        return (StatusCode::SERVICE_UNAVAILABLE, "shutting down");
    }
    healthz(State(state)).await
}
