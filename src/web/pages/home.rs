//! The home page depends on the role (DESIGN.md §7): the City's overview for reviewers,
//! viewers and administrators; the unit's tasks for unit heads and officers.

use axum::extract::State;
use axum::response::{IntoResponse, Response};

use super::shortcomings;
use crate::web::ctx::PageCtx;
use crate::web::error::AppError;
use crate::web::session::{Session, see_other};
use crate::web::state::AppState;

/// `GET /`.
pub async fn index(
    state: State<AppState>,
    ctx: PageCtx,
    session: Session,
) -> Result<Response, AppError> {
    if session.user.actor.sees_all_units() {
        Ok(shortcomings::index(state, ctx, session)
            .await?
            .into_response())
    } else {
        Ok(see_other("/tasks"))
    }
}
