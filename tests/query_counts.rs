//! The N+1 guard: how many SQL statements a page issues must not grow with the rows it shows.
//! A binary of its own, because it counts every statement the process logs: no other test may
//! run beside it.

#[path = "common/mod.rs"]
mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::http::StatusCode;
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;

use common::{TestApp, TestSession, scalar};

/// Counts the statements sqlx logs for the portal. Left out: sqlx's own look-ups of a custom
/// type's definition and of its array type (once per connection and type, so they depend on
/// which pooled connection a request gets, not on the page), and the session's bookkeeping.
struct CountStatements(Arc<AtomicUsize>);

/// The `summary` field of sqlx's statement event (the statement's first words).
#[derive(Default)]
struct Summary(String);

impl tracing::field::Visit for Summary {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        if field.name() == "summary" {
            self.0 = value.to_owned();
        }
    }

    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "summary" {
            self.0 = format!("{value:?}");
        }
    }
}

impl<S: Subscriber> Layer<S> for CountStatements {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        if event.metadata().target() != "sqlx::query" {
            return;
        }
        let mut summary = Summary::default();
        event.record(&mut summary);
        let text = summary.0.trim_start_matches('"');
        // Also left out: the session's bookkeeping (its last-seen time is written at most once a
        // minute, so a slow run counts it on whichever page crosses the minute).
        let sqlx_lookup = [
            "SELECT oid::regtype",
            "SELECT enumlabel",
            "SELECT $1::regtype::oid",
            "SELECT oid, typarray",
        ]
        .iter()
        .any(|lookup| text.starts_with(lookup));
        if !sqlx_lookup && !text.starts_with("update sessions set") {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// The statements one request issues (its status must be 200), and the rows it shows.
async fn statements(
    app: &TestApp,
    me: &TestSession,
    counter: &AtomicUsize,
    path: &str,
    rows: &str,
) -> (usize, usize) {
    let before = counter.load(Ordering::SeqCst);
    let page = app.get_as(me, path).await;
    let after = counter.load(Ordering::SeqCst);
    assert_eq!(page.status, StatusCode::OK, "{path}");
    (after - before, page.count(rows))
}

#[tokio::test]
async fn pages_issue_as_many_statements_for_many_rows_as_for_few() {
    let counter = Arc::new(AtomicUsize::new(0));
    let subscriber = tracing_subscriber::registry().with(CountStatements(counter.clone()));
    // `init` also routes `log` records (how sqlx reports its statements) into the layer.
    subscriber.init();

    let app = TestApp::with_demo().await.logging_statements().await;
    let reviewer = app.session_for("vp.chuyenvien").await;

    // One task before and after thirty more history entries, each with a file.
    let busy: i64 = scalar(
        &app,
        "select min(id) from tasks where status = 'in_progress'",
    )
    .await;
    let task_page = format!("/tasks/{busy}");
    app.get_as(&reviewer, &task_page).await; // connections opened, nothing cached
    let before = statements(&app, &reviewer, &counter, &task_page, "#history li.event").await;
    for i in 0..30 {
        let update: i64 = scalar(
            &app,
            &format!(
                "insert into task_updates (task_id, unit_id, kind, status_after, percent, note)
                 select id, lead_unit_id, 'progress', 'in_progress', {p}, 'Báo cáo lần {i}'
                 from tasks where id = {busy} returning id",
                p = i + 1
            ),
        )
        .await;
        sqlx::query(
            "insert into attachments (task_update_id, file_name, content_type, size_bytes, sha256, content)
             values ($1, 'bien-ban.pdf', 'application/pdf', 4, sha256('%PDF'::bytea), '%PDF'::bytea)",
        )
        .bind(update)
        .execute(&app.pool)
        .await
        .unwrap();
    }
    let after = statements(&app, &reviewer, &counter, &task_page, "#history li.event").await;
    let mut report = vec![format!(
        "task page: {} statements for {} entries, {} for {}",
        before.0, before.1, after.0, after.1
    )];
    assert!(after.1 >= before.1 + 30, "{report:?}");
    assert_eq!(
        before.0, after.0,
        "the statements grow with the history: {report:?}"
    );
    let mut checks: Vec<(&str, String, String, &str)> = Vec::new();

    // The list: one row against a full page.
    let one_code: String = scalar(&app, "select code from tasks order by id limit 1").await;
    checks.push((
        "task list",
        format!("/tasks?q={one_code}"),
        "/tasks".to_string(),
        "tr.task-row",
    ));
    // The City dashboard filtered (counted from the tasks): one unit against all districts.
    // Unfiltered, it reads the stored totals: checked below with units added.
    let unit: i64 = scalar(&app, "select lead_unit_id from tasks order by id limit 1").await;
    checks.push((
        "City dashboard, filtered",
        format!("/dashboard?unit={unit}"),
        "/dashboard?kind=districts".to_string(),
        "#table-units tbody tr",
    ));
    // A unit's dashboard: a unit with one officer against one with several.
    let small: i64 = scalar(
        &app,
        "select unit_id from users where role = 'officer' and active
         group by unit_id order by count(*), unit_id limit 1",
    )
    .await;
    let large: i64 = scalar(
        &app,
        "select unit_id from users where role = 'officer' and active
         group by unit_id order by count(*) desc, unit_id limit 1",
    )
    .await;
    checks.push((
        "unit dashboard",
        format!("/units/{small}/dashboard"),
        format!("/units/{large}/dashboard"),
        "#table-workload tbody tr, .block-tasks li",
    ));

    for (name, few, many, rows) in &checks {
        app.get_as(&reviewer, few).await;
        app.get_as(&reviewer, many).await;
        let (few_statements, few_rows) = statements(&app, &reviewer, &counter, few, rows).await;
        let (many_statements, many_rows) = statements(&app, &reviewer, &counter, many, rows).await;
        assert!(
            many_rows > few_rows,
            "{name}: {many} shows {many_rows} rows, {few} {few_rows}"
        );
        assert!(few_statements > 0, "{name}: no statement counted");
        report.push(format!(
            "{name}: {few_statements} statements for {few_rows} rows, {many_statements} for {many_rows}"
        ));
        assert_eq!(
            few_statements,
            many_statements,
            "{name}: the statements grow with the rows\n{}",
            report.join("\n")
        );
    }

    // The unfiltered City dashboard, before and after ten more units get a task each.
    let rows = "#table-units tbody tr";
    let before = statements(&app, &reviewer, &counter, "/dashboard", rows).await;
    sqlx::query(
        "with added as (
             insert into units (code, name, short_name, kind)
             select 'QC' || n, 'UBND xã Đếm câu lệnh ' || n, 'X. Đếm ' || n, 'commune'
             from generate_series(1, 10) n
             returning id, code
         )
         insert into tasks (code, shortcoming_id, title, lead_unit_id)
         select 'QC-' || a.code, (select min(id) from shortcomings), 'Nhiệm vụ đếm câu lệnh', a.id
         from added a",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    // New units: the first page after them reloads the directory's units (once per change,
    // not per row), as the pages above were opened once before they were counted.
    app.get_as(&reviewer, "/dashboard").await;
    let after = statements(&app, &reviewer, &counter, "/dashboard", rows).await;
    report.push(format!(
        "City dashboard: {} statements for {} units, {} for {}",
        before.0, before.1, after.0, after.1
    ));
    assert!(after.1 >= before.1 + 10, "{report:?}");
    assert_eq!(
        before.0,
        after.0,
        "City dashboard: the statements grow with the units\n{}",
        report.join("\n")
    );
    eprintln!("{}", report.join("\n"));
}
