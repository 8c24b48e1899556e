//! `/healthz` (the database answers) and `/readyz` (this instance takes traffic).

use axum::extract::State;
use axum::http::StatusCode;

use crate::web::state::AppState;

/// 200 when the database answers a trivial query, 503 otherwise.
pub async fn healthz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match crate::db::ping(&state.pool).await {
        Ok(_) => (StatusCode::OK, "ok"),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
    }
}

/// How long after the database last refused a write for lack of room `/readyz` still says so.
const DISK_FULL_REPORTED_SECS: i64 = 60;

/// 200 while serving; 503 once shutdown began (so a load balancer stops sending traffic), when
/// the database is unreachable, or when it refused a write for lack of room in the last minute.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    if state.shutdown.is_cancelled() {
        return (StatusCode::SERVICE_UNAVAILABLE, "shutting down");
    }
    let disk_full_at = state
        .disk_full_at
        .load(std::sync::atomic::Ordering::Relaxed);
    if disk_full_at > 0 && chrono::Utc::now().timestamp() - disk_full_at <= DISK_FULL_REPORTED_SECS
    {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "database cannot write: disk full",
        );
    }
    healthz(State(state)).await
}
