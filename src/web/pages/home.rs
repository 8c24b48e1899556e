//! The home page depends on the role (docs/design.md: Pages): the City's dashboard for reviewers,
//! viewers and administrators; the unit's dashboard for unit heads; "my tasks" for officers.

use axum::extract::State;
use axum::response::Html;

use super::dashboard;
use crate::domain::Role;
use crate::web::ctx::PageCtx;
use crate::web::error::AppError;
use crate::web::session::Session;
use crate::web::state::AppState;

/// `GET /`.
pub async fn index(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
) -> Result<Html<String>, AppError> {
    let user = &session.user;
    if user.actor.sees_all_units() {
        dashboard::city_page(&state, ctx, &session, Default::default()).await
    } else if user.role == Role::UnitHead {
        dashboard::unit_page(&state, ctx, &session, user.unit_id).await
    } else {
        dashboard::my_tasks_page(&state, ctx, &session).await
    }
}
