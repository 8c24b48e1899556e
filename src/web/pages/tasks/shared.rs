//! What every action on a task begins and ends with: who may see the task, who acts (for the
//! commands), and the answer: the commit and the way back, or the page again.

use axum::http::StatusCode;
use axum::response::Response;
use sqlx::{Postgres, Transaction};

use super::page::{PageState, TaskForms, changes_since, task_page};
use crate::commands::{Changed, Refusal};
use crate::domain::TaskId;
use crate::domain::input::FieldErrors;
use crate::web::ctx::PageCtx;
use crate::web::error::AppError;
use crate::web::http::see_other;
use crate::web::session::Session;
use crate::web::state::AppState;

/// Who is involved in the task, if the user may see it: 404 for an unknown task, the 403 page
/// for another unit's.
pub async fn visible(
    state: &AppState,
    session: &Session,
    id: crate::domain::TaskId,
) -> Result<crate::domain::access::TaskParties, AppError> {
    let parties = crate::db::task_work::parties(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !session
        .user
        .actor
        .can_see_task(parties.lead, &parties.coordinators)
    {
        return Err(AppError::Forbidden);
    }
    Ok(parties)
}

pub use crate::web::pages::by;

/// The answer to an action on task `id`, sent from its page: what the command did, committed,
/// said in a one-time message, and back to the timeline; or the page again when it refused —
/// what was typed (`forms`) kept, with the messages beside the fields (422) or, when the task
/// changed since the page was read (`seen`), what changed (409).
#[allow(clippy::too_many_arguments)]
pub async fn answer(
    state: &AppState,
    ctx: PageCtx,
    session: &Session,
    id: TaskId,
    tx: Transaction<'_, Postgres>,
    outcome: Result<Changed, Refusal>,
    forms: TaskForms,
    seen: Option<&String>,
) -> Result<Response, AppError> {
    match outcome {
        Ok(changed) if changed.changed => {
            tx.commit().await?;
            session
                .flash(state, changed.message, Some(changed.code))
                .await?;
            Ok(see_other(&format!("/tasks/{}#history", changed.task)))
        }
        Ok(unchanged) => {
            drop(tx);
            session.flash(state, unchanged.message, None).await?;
            Ok(see_other(&format!("/tasks/{}", unchanged.task)))
        }
        Err(refusal) => {
            drop(tx);
            match refusal {
                Refusal::Invalid(mut errors) => {
                    errors.localize(ctx.catalog());
                    refuse_unprocessable(state, ctx, session, id, forms, errors).await
                }
                Refusal::Stale => refuse_conflict(state, ctx, session, id, forms, seen).await,
                other => Err(other.into()),
            }
        }
    }
}

/// The page again, refusing a form: what was typed stays, the messages sit beside the fields.
pub async fn refuse_unprocessable(
    state: &AppState,
    ctx: PageCtx,
    session: &Session,
    id: TaskId,
    forms: TaskForms,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let extra = PageState {
        forms,
        errors,
        conflict: None,
    };
    task_page(
        state,
        ctx,
        session,
        id,
        extra,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// The page again, refusing a save because someone changed the task meanwhile: shows what
/// changed, keeps what was typed.
pub async fn refuse_conflict(
    state: &AppState,
    ctx: PageCtx,
    session: &Session,
    id: TaskId,
    forms: TaskForms,
    seen: Option<&String>,
) -> Result<Response, AppError> {
    let changes = changes_since(state, session, id, seen.map(String::as_str).unwrap_or("")).await?;
    let extra = PageState {
        forms,
        errors: FieldErrors::default(),
        conflict: Some(changes),
    };
    task_page(state, ctx, session, id, extra, StatusCode::CONFLICT).await
}
