//! The schema: migrations on an empty database, and the rules the database itself enforces.

use remediation_portal::db;

use crate::common::{TestApp, fresh_database};

#[tokio::test]
async fn migrations_apply_to_an_empty_database_and_again_do_nothing() {
    let cluster = crate::common::cluster();
    let admin = sqlx::PgPool::connect_with(cluster.options("postgres"))
        .await
        .unwrap();
    let name = format!("rtp_t_{}_bare", std::process::id());
    sqlx::raw_sql(&format!("create database {name}"))
        .execute(&admin)
        .await
        .unwrap();
    let pool = sqlx::PgPool::connect_with(cluster.options(&name))
        .await
        .unwrap();

    db::migrate(&pool)
        .await
        .expect("first run applies every migration");
    let applied: i64 = sqlx::query_scalar("select count(*) from _sqlx_migrations where success")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(applied as usize, db::MIGRATOR.iter().count());
    db::migrate(&pool).await.expect("second run is a no-op");

    let tables: Vec<String> = sqlx::query_scalar(
        "select table_name::text from information_schema.tables
         where table_schema = 'public' order by 1",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    for table in [
        "units",
        "users",
        "fields",
        "sources",
        "shortcomings",
        "plans",
        "tasks",
        "task_coordinators",
        "task_assignees",
        "task_updates",
        "attachments",
        "extension_requests",
        "escalations",
        "reminders",
        "recovery_items",
        "recovery_entries",
        "reports",
        "notifications",
        "email_outbox",
        "audit_log",
        "job_runs",
        "sessions",
    ] {
        assert!(
            tables.iter().any(|t| t == table),
            "table {table} is missing"
        );
    }
    // Every table carries created_at and updated_at (views are read through, not written).
    let missing: Vec<String> = sqlx::query_scalar(
        "select t.table_name::text from information_schema.tables t
         where t.table_schema = 'public' and t.table_type = 'BASE TABLE'
           and t.table_name not like '\\_sqlx%'
           and (select count(*) from information_schema.columns c
                where c.table_name = t.table_name and c.column_name in ('created_at', 'updated_at')) < 2",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(missing.is_empty(), "tables without timestamps: {missing:?}");
    pool.close().await;
    sqlx::raw_sql(&format!("drop database {name} with (force)"))
        .execute(&admin)
        .await
        .unwrap();
}

#[tokio::test]
async fn search_folding_ignores_vietnamese_diacritics() {
    let (_, pool) = fresh_database(false).await;
    let folded: String = sqlx::query_scalar("select search_fold('Đất đai, TRẬT TỰ xây dựng')")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(folded, "dat dai, trat tu xay dung");
}

#[tokio::test]
async fn the_audit_log_cannot_be_altered() {
    let app = TestApp::empty().await;
    sqlx::query("insert into audit_log (action, entity) values ('test.action', 'test')")
        .execute(&app.pool)
        .await
        .unwrap();
    let update = sqlx::query("update audit_log set action = 'changed'")
        .execute(&app.pool)
        .await;
    assert!(update.is_err(), "an audit entry was changed");
    let delete = sqlx::query("delete from audit_log")
        .execute(&app.pool)
        .await;
    assert!(delete.is_err(), "an audit entry was deleted");
    let truncate = sqlx::query("truncate audit_log").execute(&app.pool).await;
    assert!(truncate.is_err(), "the audit log was truncated");
}

#[tokio::test]
async fn timeliness_follows_the_design() {
    let (_, pool) = fresh_database(false).await;
    // (status, deadline offset from today, completed offset, overdue flag) → timeliness
    type Case = (&'static str, Option<i32>, Option<i32>, bool, &'static str);
    let cases: [Case; 9] = [
        ("in_progress", Some(30), None, false, "on_track"),
        ("in_progress", Some(8), None, false, "on_track"),
        ("in_progress", Some(7), None, false, "due_soon"),
        ("not_started", Some(0), None, false, "due_soon"),
        ("in_progress", Some(-1), None, true, "overdue"),
        ("needs_direction", None, None, false, "no_deadline"),
        ("done", Some(-5), Some(-5), false, "done_on_time"),
        ("done", Some(-5), Some(-4), false, "done_late"),
        ("done", None, Some(-4), false, "done_on_time"),
    ];
    for (status, deadline, completed, overdue, expected) in cases {
        let got: String = sqlx::query_scalar(
            "select task_timeliness($1::task_status, current_date + $2, current_date + $3, $4,
                                    current_date, 7)::text",
        )
        .bind(status)
        .bind(deadline)
        .bind(completed)
        .bind(overdue)
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(
            got, expected,
            "{status} {deadline:?} {completed:?} {overdue}"
        );
    }
}

#[tokio::test]
async fn a_coordinating_unit_cannot_be_the_lead() {
    let app = TestApp::with_demo().await;
    let (task, lead): (i64, i64) =
        sqlx::query_as("select id, lead_unit_id from tasks order by id limit 1")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let err = sqlx::query("insert into task_coordinators (task_id, unit_id) values ($1, $2)")
        .bind(task)
        .bind(lead)
        .execute(&app.pool)
        .await
        .unwrap_err();
    let constraint = err
        .as_database_error()
        .and_then(|e| e.constraint().map(str::to_owned));
    assert_eq!(constraint.as_deref(), Some("task_coordinators_not_lead"));
}

/// Every text length the forms hold people to (`domain::input::limits`) is the length a CHECK
/// constraint holds the column to, and the reverse: a limit changed on one side alone fails here.
#[tokio::test]
async fn text_limits_are_the_database_constraints() {
    use remediation_portal::domain::input::limits;

    let app = TestApp::empty().await;
    let stored: Vec<(String, String, String)> = sqlx::query_as(
        r"select c.conname::text, t.relname::text, pg_get_constraintdef(c.oid)
          from pg_constraint c join pg_class t on t.oid = c.conrelid
          where c.contype = 'c' and c.conname like '%\_length'",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let mut expected: Vec<(String, String, String)> = limits::ALL
        .iter()
        .map(|limit| {
            (
                limit.constraint(),
                limit.table.to_owned(),
                format!("CHECK ((char_length({}) <= {}))", limit.column, limit.max),
            )
        })
        .collect();
    let mut stored = stored;
    stored.sort();
    expected.sort();
    assert_eq!(stored, expected);

    // And the database takes the longest text and refuses one character more.
    let insert = |length: usize| {
        sqlx::query(
            "insert into units (code, name, short_name, kind)
             values ('LIMIT' || $1, 'Đơn vị', repeat('đ', $1), 'department')",
        )
        .bind(length as i32)
        .execute(&app.pool)
    };
    insert(limits::UNIT_SHORT_NAME.max).await.unwrap();
    let error = insert(limits::UNIT_SHORT_NAME.max + 1).await.unwrap_err();
    assert_eq!(
        error.as_database_error().and_then(|e| e.constraint()),
        Some("units_short_name_length")
    );
}

/// The views the dashboards read their stored counts from have every count column, in the
/// order the code reads them (`db::dashboard::COUNT_COLUMNS`), after their keys.
#[tokio::test]
async fn the_count_views_have_the_count_columns_in_order() {
    use remediation_portal::db::dashboard::COUNT_COLUMNS;

    let app = TestApp::empty().await;
    for (view, keys) in [
        ("task_stat_rows", 2),
        ("task_stat_rows_by_unit", 1),
        ("task_stat_rows_by_shortcoming", 1),
        ("task_due_soon_rows", 3),
    ] {
        let columns: Vec<String> = sqlx::query_scalar(
            "select column_name::text from information_schema.columns
             where table_schema = 'public' and table_name = $1 order by ordinal_position",
        )
        .bind(view)
        .fetch_all(&app.pool)
        .await
        .unwrap();
        assert_eq!(columns[keys..], COUNT_COLUMNS, "{view}");
    }
}
