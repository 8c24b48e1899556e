//! `GET /tasks.xlsx?…` and `GET /tasks.csv?…`: the task list as a spreadsheet, every row of
//! it. The query string is the list's (`/tasks?…`), read by the same code (`list::resolve`):
//! the same filters, the same order, the same unit scope, so a download never holds a task the
//! list would not show, and holds them in the list's order.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono_tz::Tz;
use futures_util::TryStreamExt;
use sqlx::{Postgres, Transaction};
use tokio::sync::OwnedSemaphorePermit;

use super::list::{ListQuery, list_page, resolve};
use crate::db::directory::{self, Directory, UnitEntry};
use crate::db::tasks::{self as queries, TaskExportRow};
use crate::domain::dates::city_today;
use crate::domain::export::{Column, TooManyRows, Value, fits_sheet};
use crate::domain::filter::{AsOf, TaskFilter};
use crate::domain::{UnitId, UserId};
use crate::i18n::Catalog;
use crate::web::ctx::PageCtx;
use crate::web::error::AppError;
use crate::web::export::{
    CSV_CONTENT_TYPE, CsvWriter, FileName, SheetWriter, XLSX_CONTENT_TYPE, download, file_body,
};
use crate::web::session::Session;
use crate::web::state::AppState;

const fn column(key: &'static str, width: f64, wrap: bool) -> Column {
    Column { key, width, wrap }
}

/// The columns of a download, as a follow-up sheet of the City's office has them: what the
/// list shows and what its task page adds (plan, coordinating units, leader, officers, both
/// deadlines, completion, what the latest report says was done).
pub const COLUMNS: [Column; 17] = [
    column("export.number", 6.0, false),
    column("export.code", 13.0, false),
    column("task.title", 50.0, true),
    column("task.shortcoming", 40.0, true),
    column("task.plan", 28.0, true),
    column("task.lead_unit", 28.0, true),
    column("task.coordinating_units", 30.0, true),
    column("task.leader_in_charge", 22.0, true),
    column("task.assignees", 24.0, true),
    column("task.original_deadline", 13.0, false),
    column("export.deadline", 13.0, false),
    column("task.status", 18.0, false),
    column("export.percent", 10.0, false),
    column("task.timeliness", 20.0, false),
    column("task.completed_on", 13.0, false),
    column("export.latest_note", 50.0, true),
    column("task.last_update", 13.0, false),
];

/// `GET /tasks.xlsx?…`: the list as an Excel workbook, or the list page saying why not when
/// it is longer than a worksheet holds.
pub async fn xlsx(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    let turn = take_turn(&state).await?;
    let mut snapshot = Snapshot::open(&state, &session, query.clone()).await?;
    let sheet_rows = state.config.sheet_rows;
    if let Some(filter) = &snapshot.filter {
        // Counted in the snapshot the rows are read from, no further than one too many.
        let count =
            queries::count_up_to(&mut *snapshot.tx, filter, state.as_of(), sheet_rows.into())
                .await?;
        if let Err(TooManyRows { max }) = fits_sheet(count, sheet_rows) {
            drop((snapshot, turn));
            let refusal = ctx.tf("export.too_many_rows", ctx.num(max));
            let page = list_page(&state, ctx, &session, query, None, Some(refusal)).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    }
    let sheet = SheetWriter::start(
        state.config.data_dir.join("exports"),
        ctx.t("export.sheet_name").to_owned(),
        &COLUMNS,
        headings(&ctx),
    );
    snapshot
        .write(
            &mut Sink::Sheet(&sheet),
            state.as_of(),
            ctx.catalog(),
            state.config.time_zone,
        )
        .await?;
    let file = sheet.finish().await?;
    drop(turn);
    let (body, length) = file_body(file);
    Ok(download(
        body,
        XLSX_CONTENT_TYPE,
        &file_name(&state, &ctx, "xlsx"),
        length,
    ))
}

/// `GET /tasks.csv?…`: the list as CSV (UTF-8 with a byte order mark), sent as it is read.
pub async fn csv(
    State(state): State<AppState>,
    ctx: PageCtx,
    session: Session,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    let turn = take_turn(&state).await?;
    let snapshot = Snapshot::open(&state, &session, query).await?;
    let (mut writer, body) = CsvWriter::start(&headings(&ctx));
    let (as_of, catalog, tz) = (state.as_of(), ctx.catalog(), state.config.time_zone);
    // The rows are read and sent after the response has begun: an error then can only break
    // the download off.
    tokio::spawn(async move {
        let _turn = turn;
        let written = snapshot
            .write(&mut Sink::Csv(&mut writer), as_of, catalog, tz)
            .await;
        match written {
            Ok(()) => writer.finish().await,
            Err(e) => {
                tracing::error!(error = %e, "a CSV download broke off");
                writer.fail(e).await;
            }
        }
    });
    Ok(download(
        body,
        CSV_CONTENT_TYPE,
        &file_name(&state, &ctx, "csv"),
        None,
    ))
}

/// Waits until fewer than `EXPORTS_AT_ONCE` downloads read the database.
async fn take_turn(state: &AppState) -> Result<OwnedSemaphorePermit, AppError> {
    state
        .exports
        .clone()
        .acquire_owned()
        .await
        .map_err(|e| AppError::Internal(e.into()))
}

/// The headings of [`COLUMNS`] in the page's language.
fn headings(ctx: &PageCtx) -> Vec<String> {
    COLUMNS.iter().map(|c| ctx.t(c.key).to_owned()).collect()
}

/// `danh-sach-nhiem-vu-2026-12-05.xlsx`, shown as "Danh sách nhiệm vụ 2026-12-05.xlsx".
fn file_name(state: &AppState, ctx: &PageCtx, extension: &str) -> FileName {
    let day = state.today().format("%Y-%m-%d");
    FileName {
        ascii: format!("{}-{day}.{extension}", ctx.t("export.file_name_ascii")),
        full: format!("{} {day}.{extension}", ctx.t("export.file_name")),
    }
}

/// What a download reads: the list's filter, in a read-only snapshot of the database, with the
/// names of units and people as of that snapshot.
struct Snapshot {
    tx: Transaction<'static, Postgres>,
    /// `None`: a typed unit name names no single unit, so the list shows nothing.
    filter: Option<TaskFilter>,
    directory: Arc<Directory>,
}

impl Snapshot {
    async fn open(
        state: &AppState,
        session: &Session,
        mut query: ListQuery,
    ) -> Result<Snapshot, AppError> {
        let mut tx = queries::export_snapshot(&state.pool).await?;
        // The first statement fixes the snapshot: every unit, person, shortcoming and plan a
        // row names is in a directory of at least these versions.
        let versions = directory::versions(&mut tx).await?;
        let (filter, unit_picks) = resolve(&mut tx, state, session, &mut query).await?;
        let directory = session.names(state).at_least(&state.pool, versions).await?;
        Ok(Snapshot {
            tx,
            filter: unit_picks.is_empty().then_some(filter),
            directory,
        })
    }

    /// Reads the rows in the list's order and hands each to `sink` as it comes; stops early
    /// when the sink takes no more.
    async fn write(
        self,
        sink: &mut Sink<'_>,
        as_of: AsOf,
        catalog: &'static Catalog,
        tz: Tz,
    ) -> Result<(), sqlx::Error> {
        let Snapshot {
            mut tx,
            filter,
            directory,
        } = self;
        let Some(filter) = filter else {
            return Ok(());
        };
        let mut query = queries::export_query(&filter, as_of);
        let mut rows = query.rows(&mut tx);
        let mut number = 0;
        while let Some(row) = rows.try_next().await? {
            number += 1;
            if !sink.push(cells(&directory, catalog, tz, number, row)).await {
                break;
            }
        }
        Ok(())
    }
}

/// Where the rows go.
enum Sink<'a> {
    Sheet(&'a SheetWriter),
    Csv(&'a mut CsvWriter),
}

impl Sink<'_> {
    async fn push(&mut self, row: Vec<Value>) -> bool {
        match self {
            Sink::Sheet(sheet) => sheet.push(row).await,
            Sink::Csv(csv) => csv.push(&row).await,
        }
    }
}

/// A task's row under [`COLUMNS`]: names from `directory`, labels in `catalog`'s language,
/// the last update as a day in the City.
fn cells(
    directory: &Directory,
    catalog: &'static Catalog,
    tz: Tz,
    number: i64,
    row: TaskExportRow,
) -> Vec<Value> {
    let shortcoming = directory
        .shortcoming(row.shortcoming_id)
        .map(|s| format!("{} – {}", s.code, s.title));
    let plan = row.plan_id.and_then(|p| directory.plan(p)).map(|p| {
        match p.doc_number.as_deref().map(str::trim) {
            Some(number) if !number.is_empty() => format!("{number} – {}", p.title),
            _ => p.title.clone(),
        }
    });
    let lead = directory.unit(row.lead_unit_id).map(|u| u.name.clone());
    // In the order the task page lists them.
    let mut coordinators: Vec<&UnitEntry> = row
        .coordinator_ids
        .iter()
        .filter_map(|id| directory.unit(UnitId(*id)))
        .collect();
    coordinators.sort_by(|a, b| (a.sort_order, &a.name).cmp(&(b.sort_order, &b.name)));
    let coordinators: Vec<&str> = coordinators.iter().map(|u| u.name.as_str()).collect();
    let mut assignees: Vec<(&str, i64)> = row
        .assignee_ids
        .iter()
        .filter_map(|id| {
            directory
                .user(UserId(*id))
                .map(|u| (u.full_name.as_str(), *id))
        })
        .collect();
    assignees.sort();
    let assignees: Vec<&str> = assignees.into_iter().map(|(name, _)| name).collect();
    vec![
        Value::Number(number),
        Value::text(row.code),
        Value::text(row.title),
        shortcoming.map_or(Value::Empty, Value::text),
        plan.map_or(Value::Empty, Value::text),
        lead.map_or(Value::Empty, Value::text),
        Value::text(coordinators.join("; ")),
        Value::text(row.leader_in_charge),
        Value::text(assignees.join("; ")),
        Value::date(row.original_deadline),
        match row.deadline {
            Some(deadline) => Value::Date(deadline),
            None => Value::text(catalog.get("task.no_deadline")),
        },
        Value::text(catalog.get(row.status.label_key())),
        Value::Number(row.percent_complete.into()),
        Value::text(catalog.get(row.timeliness.label_key())),
        Value::date(row.completed_on),
        row.latest_note.map_or(Value::Empty, Value::text),
        Value::Date(city_today(row.last_update_at, tz)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn every_heading_is_in_both_catalogs() {
        for lang in Lang::ALL {
            for column in COLUMNS {
                assert!(
                    lang.catalog().contains(column.key),
                    "{lang:?} lacks {}",
                    column.key
                );
            }
        }
    }
}
