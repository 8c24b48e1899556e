//! `GET /units/{id}/dashboard`: one unit's tasks at a glance, for its head and for the City.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;
use chrono::Days;

use super::blocks::{TaskBlock, Tile, class_chart, list_link, task_block, tiles};
use crate::db::admin::{self as admin_queries, UnitRow};
use crate::db::dashboard::{self as queries, Scope, Workload};
use crate::domain::dates::format_date;
use crate::domain::{TaskStatus, UnitId};
use crate::web::charts::Svg;
use crate::web::ctx::PageCtx;
use crate::web::error::AppError;
use crate::web::pages::{parse_id, render};
use crate::web::session::Session;
use crate::web::state::AppState;

/// Days ahead the "due next" block looks.
pub const DUE_AHEAD_DAYS: u64 = 14;

#[derive(Template)]
#[template(path = "dashboard/unit.html")]
pub struct UnitPage {
    ctx: PageCtx,
    unit: UnitRow,
    scope: Scope,
    tiles: Vec<Tile>,
    class_chart: Svg,
    statuses: Vec<(&'static str, i64, String)>,
    blocks: Vec<TaskBlock>,
    workload: Vec<Workload>,
    /// The City sees a way back to its own overview.
    city_view: bool,
}

impl UnitPage {
    /// The unit's tasks followed by one officer, in one class.
    pub fn officer_link(&self, officer: &crate::domain::UserId, key: &str, value: &str) -> String {
        list_link(
            &self.scope,
            &[("assignee", officer.to_string()), (key, value.to_string())],
        )
    }
}

/// `GET /units/{id}/dashboard`.
pub async fn index(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    page(&state, ctx, &session, UnitId(parse_id(&id)?)).await
}

/// A unit's dashboard (also the home page of its head).
pub async fn page(
    state: &AppState,
    ctx: PageCtx,
    session: &Session,
    id: UnitId,
) -> Result<Html<String>, AppError> {
    let unit = admin_queries::unit(&state.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !session.user.actor.sees_unit_dashboard(id) {
        return Err(AppError::Forbidden);
    }
    let scope = Scope {
        unit: Some(id),
        ..Scope::default()
    };
    let as_of = state.as_of();
    let counts = queries::totals(&state.pool, &scope, as_of).await?;
    let lead = ("lead", id.to_string());
    let statuses = TaskStatus::ALL
        .into_iter()
        .map(|status| {
            let href = list_link(&scope, &[("status", status.code().to_string())]);
            (status.label_key(), counts.with_status(status), href)
        })
        .collect();
    let ahead = ctx.today + Days::new(DUE_AHEAD_DAYS);
    let blocks = vec![
        task_block(
            state,
            session,
            "pending",
            "dashboard.block_pending",
            &[lead.clone(), ("status", "pending_confirmation".into())],
        )
        .await?,
        task_block(
            state,
            session,
            "overdue",
            "dashboard.block_overdue",
            &[lead.clone(), ("timeliness", "overdue".into())],
        )
        .await?,
        task_block(
            state,
            session,
            "due-next",
            "dashboard.block_due_next",
            &[
                lead.clone(),
                ("from", format_date(ctx.today)),
                ("to", format_date(ahead)),
                ("timeliness", "on_track,due_soon".into()),
            ],
        )
        .await?,
        task_block(
            state,
            session,
            "coordinating",
            "dashboard.block_coordinating",
            &[
                ("coordinating", id.to_string()),
                ("timeliness", "on_track,due_soon,overdue,no_deadline".into()),
            ],
        )
        .await?,
    ];
    let workload = queries::workload(&state.pool, id, as_of).await?;
    render(&UnitPage {
        tiles: tiles(&scope, &counts),
        class_chart: class_chart(&ctx, &scope, &counts),
        city_view: session.user.actor.sees_all_units(),
        ctx,
        unit,
        scope,
        statuses,
        blocks,
        workload,
    })
}
