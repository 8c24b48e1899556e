//! `GET /my-tasks`: what an officer has to act on.

use askama::Template;
use axum::extract::State;
use axum::response::Html;

use super::blocks::{TaskBlock, task_block};
use crate::web::ctx::PageCtx;
use crate::web::error::AppError;
use crate::web::pages::render;
use crate::web::session::Session;
use crate::web::state::AppState;

#[derive(Template)]
#[template(path = "dashboard/mine.html")]
pub struct MinePage {
    ctx: PageCtx,
    blocks: Vec<TaskBlock>,
    /// Every task the officer follows, open or done.
    all_href: String,
}

/// `GET /my-tasks`.
pub async fn index(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
) -> Result<Html<String>, AppError> {
    page(&state, ctx, &session).await
}

/// The tasks assigned to the user by name: overdue, due soon, waiting for confirmation, and
/// returned for rework (also the officers' home page).
pub async fn page(
    state: &AppState,
    ctx: PageCtx,
    session: &Session,
) -> Result<Html<String>, AppError> {
    let mine = ("mine", "1".to_string());
    let mut blocks = Vec::new();
    for (id, title_key, key, value) in [
        ("overdue", "dashboard.mine_overdue", "timeliness", "overdue"),
        (
            "due-soon",
            "dashboard.mine_due_soon",
            "timeliness",
            "due_soon",
        ),
        (
            "pending",
            "dashboard.mine_pending",
            "status",
            "pending_confirmation",
        ),
        ("returned", "dashboard.mine_returned", "returned", "1"),
    ] {
        blocks.push(
            task_block(
                state,
                session,
                id,
                title_key,
                &[mine.clone(), (key, value.to_string())],
            )
            .await?,
        );
    }
    render(&MinePage {
        ctx,
        blocks,
        all_href: "/tasks?mine=1".to_string(),
    })
}
