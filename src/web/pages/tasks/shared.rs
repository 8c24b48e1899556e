//! What every action on a task begins and ends with: finding the task the user may see (and
//! locking it), and finishing with the audit entry, the commit and the way back.

use crate::web::error::AppError;
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

/// Begins an action on a task: locks its row for the action's transaction and checks that
/// the user may see it (404 for an unknown task, the 403 page for another unit's). The
/// action's own permission check then reads the same locked row, so no concurrent change
/// slips between the check and the write.
pub(super) async fn lock_visible(
    conn: &mut sqlx::PgConnection,
    session: &Session,
    id: crate::domain::TaskId,
) -> Result<
    (
        crate::db::task_work::TaskState,
        crate::domain::access::TaskParties,
    ),
    AppError,
> {
    let task = crate::db::task_work::lock(conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let parties = task.parties();
    if !session
        .user
        .actor
        .can_see_task(parties.lead, &parties.coordinators)
    {
        return Err(AppError::Forbidden);
    }
    Ok((task, parties))
}

/// Ends an action on a task: its audit entry (entity `task`, the lead unit, so the unit's head
/// sees it in the unit's log) in the action's transaction, the commit, a one-time message, and
/// back to the task's timeline.
#[allow(clippy::too_many_arguments)]
pub(super) async fn finish_task(
    state: &AppState,
    session: &Session,
    headers: &axum::http::HeaderMap,
    tx: sqlx::Transaction<'_, sqlx::Postgres>,
    task: &crate::db::task_work::TaskState,
    action: &'static str,
    before: serde_json::Value,
    after: serde_json::Value,
    message: &str,
) -> Result<axum::response::Response, AppError> {
    let entry = crate::db::audit::AuditEntry {
        action,
        entity: "task",
        entity_id: Some(task.id.to_string()),
        unit: Some(task.lead_unit_id),
        before: (!before.is_null()).then_some(before),
        after: Some(after),
        ..Default::default()
    };
    crate::web::pages::finish(
        state,
        session,
        headers,
        tx,
        entry,
        (message, Some(task.code.clone())),
        &format!("/tasks/{}#history", task.id),
    )
    .await
}
