//! `seed-bench` at a small size: the numbers asked for, every timeliness class and status,
//! data that agrees with itself and with the background jobs (which find nothing to change),
//! accounts that sign in with the documented password, pages that answer; then the real binary
//! with `DATABASE_URL`.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use chrono::Utc;
use remediation_portal::domain::clock::Clock;
use remediation_portal::jobs::{flags, notices};
use remediation_portal::seed::bench::{self, BenchSettings, BenchSize};
use serde_json::json;

use crate::common::{TestApp, cluster, fresh_database, scalar, test_config};

const BINARY: &str = env!("CARGO_BIN_EXE_remediation-portal");

/// A database with 3,000 tasks, 20 units and 150 users, generated as of the app's clock.
async fn bench_app() -> (TestApp, BenchSettings) {
    let app = TestApp::empty().await;
    let settings = BenchSettings::from_config(&test_config(), app.clock.now());
    let size = BenchSize::new(3_000, 20, 150).unwrap();
    let mut names = Vec::new();
    let summary = bench::load_bench(&app.pool, size, &settings, &mut |step| {
        names.push(step.name)
    })
    .await
    .expect("benchmark data loads");
    assert_eq!(
        names,
        summary.steps.iter().map(|s| s.name).collect::<Vec<_>>()
    );
    assert!(names.contains(&"tasks") && names.contains(&"vacuum, analyze"));
    (app, settings)
}

async fn counts(app: &TestApp, sql: &str) -> BTreeMap<String, i64> {
    sqlx::query_as(sql)
        .fetch_all(&app.pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .into_iter()
        .collect()
}

#[tokio::test]
async fn generates_what_was_asked_consistently_and_the_jobs_change_nothing() {
    let (app, settings) = bench_app().await;
    let today = settings.today();

    assert_eq!(
        scalar::<i64>(&app, "select count(*) from tasks").await,
        3_000
    );
    assert_eq!(scalar::<i64>(&app, "select count(*) from units").await, 20);
    assert_eq!(scalar::<i64>(&app, "select count(*) from users").await, 150);
    assert_eq!(
        scalar::<i64>(&app, "select count(*) from shortcomings").await,
        33
    );
    let roles = counts(&app, "select role::text, count(*) from users group by 1").await;
    assert_eq!(roles.len(), 5, "{roles:?}");
    assert_eq!(roles["unit_head"], 19);
    let kinds = counts(&app, "select kind::text, count(*) from units group by 1").await;
    assert_eq!(kinds["city_office"], 1);
    assert!(kinds["department"] > 0 && kinds["district"] > 0 && kinds["division"] > 0);
    assert!(
        bench::BENCH_MARKER.len() > 1
            && remediation_portal::db::meta(&app.pool, bench::BENCH_MARKER)
                .await
                .unwrap()
                .is_some()
    );

    let classes = counts(
        &app,
        &format!(
            "select task_timeliness(status, deadline, completed_on, overdue, '{today}', 7)::text, count(*)
             from tasks group by 1"
        ),
    )
    .await;
    for class in [
        "on_track",
        "due_soon",
        "overdue",
        "no_deadline",
        "done_on_time",
        "done_late",
    ] {
        assert!(classes.get(class).copied().unwrap_or(0) > 0, "{classes:?}");
    }
    // Realistic shares: most done on time, overdue a minority.
    assert!(
        classes["done_on_time"] > 1_200 && classes["overdue"] < 500,
        "{classes:?}"
    );
    let statuses = counts(&app, "select status::text, count(*) from tasks group by 1").await;
    assert_eq!(statuses.len(), 5, "{statuses:?}");
    for (what, sql) in [
        (
            "extended",
            "select count(*) from tasks where deadline <> original_deadline",
        ),
        (
            "briefing",
            "select count(*) from tasks where marked_for_briefing",
        ),
        ("stale", "select count(*) from tasks where stale"),
        (
            "deadlines in 2022",
            "select count(*) from tasks where extract(year from deadline) = 2022",
        ),
        (
            "deadlines in 2028",
            "select count(*) from tasks where extract(year from deadline) = 2028",
        ),
        (
            "pending extensions",
            "select count(*) from extension_requests where status = 'pending'",
        ),
        (
            "refused extensions",
            "select count(*) from extension_requests where status = 'rejected'",
        ),
        ("notifications", "select count(*) from notifications"),
        (
            "plans not issued",
            "select count(*) from plans where overdue",
        ),
        ("coordinators", "select count(*) from task_coordinators"),
        (
            "contributions",
            "select count(*) from task_updates where kind = 'contribution'",
        ),
    ] {
        assert!(scalar::<i64>(&app, sql).await > 0, "no {what}");
    }

    // What the constraints cannot see.
    for (what, sql) in [
        (
            "an approved extension for every moved deadline",
            "select count(*) from tasks t where (t.deadline <> t.original_deadline) <> exists (
                 select 1 from extension_requests e where e.task_id = t.id and e.status = 'approved'
                   and e.deadline_before = t.original_deadline and e.proposed_deadline = t.deadline)",
        ),
        (
            "an open escalation exactly for the tasks waiting for direction",
            "select count(*) from tasks t where (t.status = 'needs_direction') <> exists (
                 select 1 from escalations e where e.task_id = t.id and e.status = 'open')",
        ),
        (
            "as many reminders as counted",
            "select count(*) from tasks t
             where t.reminder_count <> (select count(*) from reminders r where r.task_id = t.id)",
        ),
        (
            "assignees are officers of the lead unit",
            "select count(*) from task_assignees a join tasks t on t.id = a.task_id
             join users u on u.id = a.user_id
             where u.unit_id <> t.lead_unit_id or u.role <> 'officer'",
        ),
        (
            "an assignee for every task",
            "select count(*) from tasks t where not exists (select 1 from task_assignees a where a.task_id = t.id)",
        ),
        (
            "at most three coordinating units and the City office",
            "select count(*) from (select task_id from task_coordinators group by task_id having count(*) > 4) c",
        ),
        (
            "a history that starts with the task and ends at its last update",
            "select count(*) from tasks t
             where (select min(created_at) from task_updates u where u.task_id = t.id) <> t.created_at
                or (select max(created_at) from task_updates u where u.task_id = t.id
                      and u.kind <> 'contribution') <> t.last_update_at",
        ),
        (
            "a history whose last status is the task's",
            "select count(*) from tasks t where t.status <> coalesce((
                 select u.status_after from task_updates u
                 where u.task_id = t.id and u.status_after is not null
                 order by u.created_at desc, u.id desc limit 1), 'not_started')",
        ),
        (
            "nothing after the load",
            "select (select count(*) from tasks where created_at > now() or last_update_at > now())
                  + (select count(*) from task_updates where created_at > now())
                  + (select count(*) from reminders where created_at > now())",
        ),
        (
            "done tasks finished after they were assigned and by today",
            "select count(*) from tasks t where t.status = 'done'
             and (t.completed_on > current_date + 1 or t.completed_on <= t.created_at::date)",
        ),
    ] {
        assert_eq!(scalar::<i64>(&app, sql).await, 0, "{what}");
    }

    // The background jobs, as the scheduler runs them, find nothing to do.
    let overdue = flags::flag_overdue(&app.pool, today).await.unwrap();
    assert_eq!(
        overdue,
        json!({ "tasks_flagged": 0, "tasks_cleared": 0, "briefing_marked": 0,
                "briefing_cleared": 0, "plans_flagged": 0, "plans_cleared": 0 })
    );
    let stale = flags::flag_stale(&app.pool, settings.now, settings.stale_days)
        .await
        .unwrap();
    assert_eq!(stale, json!({ "tasks_marked": 0, "tasks_unmarked": 0 }));
    let due = notices::due_soon(&app.pool, today, &settings.due_soon_notice_days)
        .await
        .unwrap();
    assert_eq!(due, json!({ "tasks": 0, "notifications": 0 }));
    // The due-soon notices were given once, by the load.
    assert!(
        scalar::<i64>(
            &app,
            "select count(*) from notifications where kind = 'due_soon'"
        )
        .await
            > 0
    );
}

#[tokio::test]
async fn generated_accounts_sign_in_with_the_documented_password_and_pages_answer() {
    let (app, _) = bench_app().await;
    for username in ["bench.reviewer", "snv.cb1", "badinh.tnmt.lanhdao"] {
        let response = app.sign_in(username, bench::BENCH_PASSWORD).await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{username}");
        assert!(response.session_cookie().is_some(), "{username}");
    }
    let sign_ins = bench::bench_sign_ins(&app.pool).await.unwrap();
    let names: Vec<&str> = sign_ins.iter().map(|(u, _)| u.as_str()).collect();
    assert_eq!(
        names,
        [
            "bench.admin",
            "bench.reviewer",
            "bench.viewer",
            "snv.lanhdao",
            "snv.cb1",
            "badinh.lanhdao",
            "badinh.cb1"
        ]
    );

    let cookie = app
        .sign_in("bench.reviewer", bench::BENCH_PASSWORD)
        .await
        .session_cookie()
        .unwrap();
    let get = |path: String| {
        let cookie = cookie.clone();
        let app = &app;
        async move { app.get_with(&path, &[("cookie", &cookie)]).await }
    };
    let list = get("/tasks".into()).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.count("table.tasks tr.task-row") > 0);
    // Text search finds plain words, without their diacritics.
    let found = get("/tasks?q=trat%20tu%20xay%20dung".into()).await;
    assert_eq!(found.status, StatusCode::OK);
    assert!(found.count("table.tasks tr.task-row") > 0);
    let task: i64 = scalar(
        &app,
        "select id from tasks where status = 'needs_direction' and reminder_count > 0 order by id limit 1",
    )
    .await;
    let page = get(format!("/tasks/{task}")).await;
    assert_eq!(page.status, StatusCode::OK);
    for path in ["/", "/shortcomings", "/plans"] {
        assert_eq!(get(path.into()).await.status, StatusCode::OK, "{path}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_command_checks_its_size_and_loads_only_an_empty_database() {
    let (name, pool) = fresh_database(false).await;
    let url = cluster().url(&name);
    let run = |args: &[&str]| {
        std::process::Command::new(BINARY)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("DATABASE_URL", &url)
            .env("PORTAL_LOG", "warn")
            .arg("seed-bench")
            .args(args)
            .output()
            .unwrap()
    };
    let refused = run(&["--tasks", "100", "--units", "10", "--users", "12"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("at least 21"));

    let started = Utc::now();
    let loaded = run(&["--tasks", "200", "--units", "5", "--users", "20"]);
    let stdout = String::from_utf8_lossy(&loaded.stdout);
    assert!(
        loaded.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&loaded.stderr)
    );
    for line in [
        "tasks",
        "history: progress reports",
        "vacuum, analyze",
        "bench.reviewer",
    ] {
        assert!(stdout.contains(line), "{line}: {stdout}");
    }
    assert!(stdout.contains(bench::BENCH_PASSWORD));
    let tasks: i64 = sqlx::query_scalar("select count(*) from tasks")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(tasks, 200);
    let newest: chrono::DateTime<Utc> = sqlx::query_scalar("select max(last_update_at) from tasks")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(newest < started + chrono::Duration::minutes(1));

    let again = run(&["--preset", "city"]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already holds data"));
}
