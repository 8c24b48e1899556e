//! The background jobs, called directly with chosen dates: the City's day boundary, idempotency,
//! clearing, plans, due-soon thresholds, stale tasks, reports, notifications and their
//! recipients; then the real binary: two instances on one database, and a server in another
//! time zone.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Asia::Ho_Chi_Minh;
use remediation_portal::domain::clock::Clock;
use remediation_portal::domain::dates::city_today;
use remediation_portal::jobs::{self, Job, JobClock, JobSettings, RunResult, flags, notices};

use crate::common::server::Server;
use crate::common::{TestApp, build, fresh_database, scalar, unit_id};

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn instant(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// The few units and people the date-pinned job tests need, on an empty database: the City
/// office with a reviewer, Ba Đình (its head and an officer), Hoàn Kiếm and the Home Affairs
/// department (their heads), and shortcoming TT-01 led by Ba Đình. Nothing else is there, so
/// every count a scan returns is a count of what the test made, whatever the date.
async fn small_city() -> TestApp {
    let app = TestApp::empty().await;
    let office = build::unit(&app, "VP").kind("city_office").create().await;
    build::user(&app, "vp.chuyenvien", office)
        .role("city_reviewer")
        .create()
        .await;
    let badinh = build::unit(&app, "BADINH").kind("district").create().await;
    build::user(&app, "badinh.lanhdao", badinh)
        .role("unit_head")
        .create()
        .await;
    build::user(&app, "badinh.cb1", badinh).create().await;
    let hoankiem = build::unit(&app, "HOANKIEM")
        .kind("district")
        .create()
        .await;
    build::user(&app, "hoankiem.lanhdao", hoankiem)
        .role("unit_head")
        .create()
        .await;
    let snv = build::unit(&app, "SNV").create().await;
    build::user(&app, "snv.lanhdao", snv)
        .role("unit_head")
        .create()
        .await;
    build::shortcoming(&app, "TT-01", badinh).create().await;
    app
}

/// A task of Ba Đình due on `deadline`, followed by its first officer; its id.
async fn task_due(app: &TestApp, deadline: &str) -> i64 {
    let shortcoming: i64 = scalar(app, "select id from shortcomings where code = 'TT-01'").await;
    let officer: i64 = scalar(app, "select id from users where username = 'badinh.cb1'").await;
    build::task(app)
        .shortcoming(shortcoming)
        .deadline(date(deadline))
        .status("in_progress")
        .assignee(officer)
        .create()
        .await
}

async fn overdue(app: &TestApp, task: i64) -> (bool, Option<NaiveDate>) {
    sqlx::query_as("select overdue, overdue_since from tasks where id = $1")
        .bind(task)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// Who got notifications of `kind` about `task`.
async fn told(app: &TestApp, kind: &str, task: i64) -> Vec<String> {
    sqlx::query_scalar(
        "select u.username from notifications n join users u on u.id = n.user_id
         where n.kind::text = $1 and n.task_id = $2 order by u.username",
    )
    .bind(kind)
    .bind(task)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_task_due_on_31_march_is_overdue_from_midnight_hanoi_time() {
    let app = small_city().await;
    let task = task_due(&app, "2027-03-31").await;
    // 23:59 on 31/03 in Hanoi is 16:59 UTC: still on time.
    let before = city_today(instant("2027-03-31T16:59:00Z"), Ho_Chi_Minh);
    assert_eq!(before, date("2027-03-31"));
    flags::flag_overdue(&app.pool, before).await.unwrap();
    assert_eq!(overdue(&app, task).await, (false, None));
    // 00:01 on 01/04 in Hanoi is 17:01 UTC on 31/03: overdue since 01/04.
    let after = city_today(instant("2027-03-31T17:01:00Z"), Ho_Chi_Minh);
    assert_eq!(after, date("2027-04-01"));
    let counts = flags::flag_overdue(&app.pool, after).await.unwrap();
    assert_eq!(counts["tasks_flagged"], 1);
    assert_eq!(overdue(&app, task).await, (true, Some(date("2027-04-01"))));
    // The officer who follows it and Ba Đình's heads are told, once, with the task's code.
    assert_eq!(
        told(&app, "overdue", task).await,
        ["badinh.cb1", "badinh.lanhdao"]
    );
    let params: serde_json::Value = scalar(
        &app,
        &format!("select params from notifications where task_id = {task} limit 1"),
    )
    .await;
    assert!(params["code"].as_str().unwrap().starts_with("TT-01."));
    assert_eq!(params["deadline"], "2027-03-31");
    // The audit log has the flag, by no one (the job).
    let entries: i64 = scalar(
        &app,
        &format!(
            "select count(*) from audit_log where action = 'task.flag_overdue'
             and entity_id = '{task}' and actor_id is null"
        ),
    )
    .await;
    assert_eq!(entries, 1);
}

#[tokio::test]
async fn a_second_scan_changes_nothing_and_tells_no_one() {
    let app = small_city().await;
    let today = app.state.today();
    // Tasks overdue (one reminded four times), due in 7 days and tomorrow, and one untouched
    // for 40 days, an overdue plan; all flagged and told by a first round of the scans.
    let badinh = unit_id(&app, "BADINH").await;
    let day = |days| today + Duration::days(days);
    let task = || build::task(&app).lead(badinh).status("in_progress");
    task().deadline(day(-5)).create().await;
    task().deadline(day(-20)).reminded(4).create().await;
    task().deadline(day(7)).create().await;
    task().deadline(day(1)).create().await;
    task().deadline(day(90)).untouched_for(40).create().await;
    build::plan(&app, badinh, "Kế hoạch chậm ban hành")
        .issue_deadline(day(-3))
        .create()
        .await;
    let first = flags::flag_overdue(&app.pool, today).await.unwrap();
    assert_eq!(first["tasks_flagged"], 2, "{first}");
    flags::flag_stale(&app.pool, app.clock.now(), 30)
        .await
        .unwrap();
    let again = flags::flag_overdue(&app.pool, today).await.unwrap();
    assert_eq!(
        again,
        serde_json::json!({"tasks_flagged": 0, "tasks_cleared": 0, "briefing_marked": 0,
                           "briefing_cleared": 0, "plans_flagged": 0, "plans_cleared": 0})
    );
    let notifications: i64 = scalar(&app, "select count(*) from notifications").await;
    let audit: i64 = scalar(&app, "select count(*) from audit_log").await;
    flags::flag_overdue(&app.pool, today).await.unwrap();
    flags::flag_stale(&app.pool, app.clock.now(), 30)
        .await
        .unwrap();
    notices::due_soon(&app.pool, today, &[7, 1]).await.unwrap();
    notices::due_soon(&app.pool, today, &[7, 1]).await.unwrap();
    assert_eq!(
        scalar::<i64>(&app, "select count(*) from audit_log").await,
        audit
    );
    let after_due_soon: i64 = scalar(&app, "select count(*) from notifications").await;
    // Due-soon notices went out on the first of the two calls only.
    notices::due_soon(&app.pool, today, &[7, 1]).await.unwrap();
    assert_eq!(
        scalar::<i64>(&app, "select count(*) from notifications").await,
        after_due_soon
    );
    assert!(after_due_soon >= notifications);
    // Pages and counts agree with the flags on every task.
    let disagreeing: i64 = scalar(
        &app,
        &format!(
            "select count(*) from tasks where overdue <> (status <> 'done' and deadline < '{today}')"
        ),
    )
    .await;
    assert_eq!(disagreeing, 0);
}

#[tokio::test]
async fn more_tasks_fall_overdue_at_once_than_one_batch_holds() {
    // The scan flags in batches of 5,000, earliest deadline first: all of them are flagged,
    // each once, with an audit entry, and the next scan finds none. Reminded four times, each
    // is also marked for the briefing (in batches too).
    let app = small_city().await;
    let today = app.state.today();
    let audit: i64 = scalar(&app, "select count(*) from audit_log").await;
    sqlx::query(
        "insert into tasks (code, shortcoming_id, title, lead_unit_id, original_deadline,
                            deadline, status, reminder_count)
         select 'LO-' || n, s.id, 'Nhiệm vụ quá hạn hàng loạt', s.lead_unit_id,
                $1::date - 1 - (n % 400)::integer, $1::date - 1 - (n % 400)::integer, 'in_progress', 4
         from generate_series(1, 5003) n, (select id, lead_unit_id from shortcomings
                                           where code = 'TT-01') s",
    )
    .bind(today)
    .execute(&app.pool)
    .await
    .unwrap();
    let counts = flags::flag_overdue(&app.pool, today).await.unwrap();
    assert_eq!(counts["tasks_flagged"], 5003, "{counts}");
    assert_eq!(counts["briefing_marked"], 5003, "{counts}");
    assert_eq!(
        scalar::<i64>(
            &app,
            "select count(*) from tasks where code like 'LO-%' and overdue
               and overdue_since = deadline + 1"
        )
        .await,
        5003
    );
    assert_eq!(
        scalar::<i64>(&app, "select count(*) from audit_log").await,
        audit + 2 * 5003
    );
    let again = flags::flag_overdue(&app.pool, today).await.unwrap();
    assert_eq!(again["tasks_flagged"], 0, "{again}");
    assert_eq!(again["briefing_marked"], 0, "{again}");
}

#[tokio::test]
async fn the_flag_clears_when_the_deadline_moves_or_the_task_is_done() {
    let app = small_city().await;
    let today = date("2027-05-10");
    let moved = task_due(&app, "2027-05-01").await;
    let finished = task_due(&app, "2027-05-02").await;
    flags::flag_overdue(&app.pool, today).await.unwrap();
    assert!(overdue(&app, moved).await.0 && overdue(&app, finished).await.0);

    sqlx::query("update tasks set deadline = '2027-06-30' where id = $1")
        .bind(moved)
        .execute(&app.pool)
        .await
        .unwrap();
    // Done: the schema wants the flag off in the same statement, as the confirmation does.
    sqlx::query(
        "update tasks set status = 'done', percent_complete = 100, completed_on = '2027-05-09',
                          overdue = false, overdue_since = null where id = $1",
    )
    .bind(finished)
    .execute(&app.pool)
    .await
    .unwrap();
    let counts = flags::flag_overdue(&app.pool, today).await.unwrap();
    assert!(counts["tasks_cleared"].as_i64().unwrap() >= 1);
    assert_eq!(overdue(&app, moved).await, (false, None));
    let cleared: i64 = scalar(
        &app,
        &format!("select count(*) from audit_log where action = 'task.clear_overdue' and entity_id = '{moved}'"),
    )
    .await;
    assert_eq!(cleared, 1);
}

#[tokio::test]
async fn a_plan_not_issued_by_its_deadline_is_overdue_until_issued() {
    let app = small_city().await;
    let unit = unit_id(&app, "HOANKIEM").await;
    let plan: i64 = sqlx::query_scalar(
        "insert into plans (unit_id, title, issue_deadline) values ($1, 'Kế hoạch thử', '2027-03-31')
         returning id",
    )
    .bind(unit)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    flags::flag_overdue(&app.pool, date("2027-03-31"))
        .await
        .unwrap();
    let flagged: bool = scalar(
        &app,
        &format!("select overdue from plans where id = {plan}"),
    )
    .await;
    assert!(!flagged);
    let counts = flags::flag_overdue(&app.pool, date("2027-04-01"))
        .await
        .unwrap();
    assert_eq!(counts["plans_flagged"], 1);
    let heads: Vec<String> = sqlx::query_scalar(
        "select u.username from notifications n join users u on u.id = n.user_id
         where n.kind = 'overdue' and (n.params->>'plan_id')::bigint = $1",
    )
    .bind(plan)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(heads, ["hoankiem.lanhdao"]);
    sqlx::query(
        "update plans set issued_on = '2027-04-03', doc_number = '12/KH-UBND' where id = $1",
    )
    .bind(plan)
    .execute(&app.pool)
    .await
    .unwrap();
    let counts = flags::flag_overdue(&app.pool, date("2027-04-05"))
        .await
        .unwrap();
    assert_eq!(counts["plans_cleared"], 1);
}

#[tokio::test]
async fn due_soon_notices_go_out_once_per_threshold() {
    let app = small_city().await;
    let task = task_due(&app, "2027-06-20").await;
    let run = |day: &'static str| {
        let pool = app.pool.clone();
        async move { notices::due_soon(&pool, date(day), &[7, 1]).await.unwrap() }
    };
    run("2027-06-10").await; // 10 days left: nothing yet
    assert!(told(&app, "due_soon", task).await.is_empty());
    run("2027-06-13").await; // 7 days left
    assert_eq!(
        told(&app, "due_soon", task).await.len(),
        2,
        "officer and head"
    );
    run("2027-06-13").await;
    run("2027-06-16").await; // 4 days left: the 7-day notice was given
    assert_eq!(told(&app, "due_soon", task).await.len(), 2);
    run("2027-06-19").await; // 1 day left
    assert_eq!(told(&app, "due_soon", task).await.len(), 4);
    let days_left: Vec<i64> = sqlx::query_scalar(
        "select (params->>'days_left')::bigint from notifications
         where task_id = $1 and kind = 'due_soon' order by id",
    )
    .bind(task)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(days_left, [7, 7, 1, 1]);
    // An extension is a new occasion.
    sqlx::query("update tasks set deadline = '2027-07-20' where id = $1")
        .bind(task)
        .execute(&app.pool)
        .await
        .unwrap();
    run("2027-07-19").await; // inside both thresholds at once: one notice each person
    assert_eq!(told(&app, "due_soon", task).await.len(), 6);
    run("2027-07-19").await;
    assert_eq!(told(&app, "due_soon", task).await.len(), 6);
}

#[tokio::test]
async fn a_task_without_updates_for_a_month_is_stale_and_its_unit_is_told() {
    let app = small_city().await;
    let task = task_due(&app, "2027-12-31").await;
    let now = instant("2027-05-01T03:00:00Z");
    sqlx::query("update tasks set last_update_at = $2 where id = $1")
        .bind(task)
        .bind(now - Duration::days(31))
        .execute(&app.pool)
        .await
        .unwrap();
    flags::flag_stale(&app.pool, now, 30).await.unwrap();
    let stale: bool = scalar(&app, &format!("select stale from tasks where id = {task}")).await;
    assert!(stale);
    assert_eq!(
        told(&app, "stale", task).await,
        ["badinh.cb1", "badinh.lanhdao"]
    );
    flags::flag_stale(&app.pool, now, 30).await.unwrap();
    assert_eq!(told(&app, "stale", task).await.len(), 2, "told once");
    // An update ends it.
    sqlx::query("update tasks set last_update_at = $2 where id = $1")
        .bind(task)
        .bind(now)
        .execute(&app.pool)
        .await
        .unwrap();
    flags::flag_stale(&app.pool, now, 30).await.unwrap();
    let stale: bool = scalar(&app, &format!("select stale from tasks where id = {task}")).await;
    assert!(!stale);
}

#[tokio::test]
async fn a_report_coming_due_and_then_late_is_told_once_each() {
    let app = small_city().await;
    let unit = unit_id(&app, "SNV").await;
    let regime = build::regime(&app, "Báo cáo quý", "quarter", date("2027-01-01"))
        .chosen(&[unit])
        .create()
        .await;
    let report: i64 = sqlx::query_scalar(
        "insert into reports (regime_id, unit_id, period, period_year, period_number, cutoff_start, cutoff_end, due_on)
         values ($1, $2, 'quarter', 2027, 1, '2027-01-01', '2027-03-15', '2027-03-20') returning id",
    )
    .bind(regime)
    .bind(unit)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let kinds = || async {
        sqlx::query_scalar::<_, String>(
            "select n.kind::text from notifications n where n.report_id = $1 order by n.id",
        )
        .bind(report)
        .fetch_all(&app.pool)
        .await
        .unwrap()
    };
    notices::report_deadlines(&app.pool, date("2027-03-01"), 7)
        .await
        .unwrap();
    assert!(kinds().await.is_empty());
    notices::report_deadlines(&app.pool, date("2027-03-14"), 7)
        .await
        .unwrap();
    notices::report_deadlines(&app.pool, date("2027-03-15"), 7)
        .await
        .unwrap();
    assert_eq!(kinds().await, ["report_due"]);
    notices::report_deadlines(&app.pool, date("2027-03-21"), 7)
        .await
        .unwrap();
    notices::report_deadlines(&app.pool, date("2027-03-22"), 7)
        .await
        .unwrap();
    assert_eq!(kinds().await, ["report_due", "report_late"]);
}

/// After a burst of changes the counts' change log holds a few rows in many emptied pages, the
/// newest at its end; the jobs run before serving fold them and give every page back.
#[tokio::test]
async fn the_start_up_jobs_leave_the_change_log_without_empty_pages() {
    let app = small_city().await;
    let badinh = unit_id(&app, "BADINH").await;
    for status in ["not_started", "in_progress", "done"] {
        build::task(&app).lead(badinh).status(status).create().await;
    }
    let pages = || async {
        scalar::<i64>(
            &app,
            "select pg_relation_size('task_stat_changes') / current_setting('block_size')::bigint",
        )
        .await
    };
    // A burst of changes (rows that move no count, as many as loading thousands of tasks
    // writes), folded, then one real change written after them.
    sqlx::query(
        "insert into task_stat_changes (lead_unit_id, shortcoming_id)
         select t.lead_unit_id, t.shortcoming_id from tasks t, generate_series(1, 20000)",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    remediation_portal::db::dashboard::fold(&app.pool)
        .await
        .unwrap();
    sqlx::query(
        "update tasks set status = 'in_progress'
         where id = (select min(id) from tasks where status = 'not_started')",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        scalar::<i64>(&app, "select count(*) from task_stat_changes").await,
        1
    );
    assert!(pages().await > 100, "{} pages", pages().await);

    remediation_portal::app::run_jobs_once(&app.state.config, &app.pool, app.clock.as_ref(), "t")
        .await
        .unwrap();
    assert_eq!(
        scalar::<i64>(&app, "select count(*) from task_stat_changes").await,
        0
    );
    assert_eq!(pages().await, 0);
}

#[tokio::test]
async fn a_job_runs_once_per_tick_and_never_twice_at_once() {
    let app = small_city().await;
    let settings = JobSettings::from_config(&app.state.config);
    let now = app.clock.now();
    let clock = JobClock {
        now,
        today: app.state.today(),
    };
    let first = jobs::run_job(&app.pool, Job::DueSoon, clock, &settings, "a")
        .await
        .unwrap();
    assert!(matches!(first, RunResult::Ran(_)));
    // Another instance in the same tick finds it done.
    let second = jobs::run_job(&app.pool, Job::DueSoon, clock, &settings, "b")
        .await
        .unwrap();
    assert_eq!(second, RunResult::Skipped);
    // While another connection holds the job's lock, nothing runs.
    let mut holder = app.pool.acquire().await.unwrap();
    let key: i64 = 0x5254_504A_0000_0000 + 3;
    sqlx::query("select pg_advisory_lock($1)")
        .bind(key)
        .execute(&mut *holder)
        .await
        .unwrap();
    let later = JobClock {
        now: now + Duration::seconds(settings.interval_secs),
        today: clock.today,
    };
    let blocked = jobs::run_job(&app.pool, Job::DueSoon, later, &settings, "b")
        .await
        .unwrap();
    assert_eq!(blocked, RunResult::Skipped);
    sqlx::query("select pg_advisory_unlock($1)")
        .bind(key)
        .execute(&mut *holder)
        .await
        .unwrap();
    let next = jobs::run_job(&app.pool, Job::DueSoon, later, &settings, "b")
        .await
        .unwrap();
    assert!(matches!(next, RunResult::Ran(_)));
    let runs: Vec<(String, String)> = sqlx::query_as(
        "select instance, outcome::text from job_runs where job = 'due_soon' order by id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(runs.len(), 2, "{runs:?}");
    assert!(runs.iter().all(|(_, outcome)| outcome == "succeeded"));
}

#[tokio::test(flavor = "multi_thread")]
async fn two_servers_on_one_database_run_each_job_once_per_tick() {
    let (name, pool) = fresh_database(false).await;
    let env = [
        ("PORTAL_JOB_INTERVAL_SECS", "1"),
        ("PORTAL_LOG", "remediation_portal::jobs=debug,info"),
    ];
    let (a, b, logs) = tokio::task::spawn_blocking(move || {
        let a = Server::start(&name, &env);
        let b = Server::start(&name, &env);
        std::thread::sleep(std::time::Duration::from_secs(4));
        let logs = a.logged() + &b.logged();
        (a.stop(), b.stop(), logs)
    })
    .await
    .unwrap();
    assert!(a.success() && b.success(), "{a:?} {b:?}");
    // Both tried every tick; the one that came second found the tick's run done (or running).
    let skipped = logs.matches("already run in this tick").count()
        + logs.matches("another instance is running this job").count();
    assert!(skipped >= Job::ALL.len(), "{logs}");
    for job in Job::ALL {
        let (runs, ticks, instances, overlapping): (i64, i64, i64, i64) = sqlx::query_as(
            "select count(*), count(distinct slot), count(distinct instance),
                    (select count(*) from job_runs x join job_runs y
                       on x.job = y.job and x.id < y.id
                      and tstzrange(x.started_at, x.finished_at, '[]') && tstzrange(y.started_at, y.finished_at, '[]')
                     where x.job = $1)
             from job_runs where job = $1",
        )
        .bind(job.name())
        .fetch_one(&pool)
        .await
        .unwrap();
        assert!(runs >= 3, "{}: {runs} runs", job.name());
        assert_eq!(runs, ticks, "{}: one run per tick", job.name());
        assert_eq!(overlapping, 0, "{}: never two at once", job.name());
        assert!(instances >= 1);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_in_another_time_zone_flags_exactly_the_same_tasks() {
    let (name, pool) = fresh_database(false).await;
    // Deadlines around today, so a server counting days in its own zone would differ.
    let app = TestApp::empty_through(pool.clone(), name.clone()).await;
    let badinh = build::unit(&app, "BADINH").kind("district").create().await;
    let city_day = city_today(Utc::now(), Ho_Chi_Minh);
    for days in -2..=2 {
        build::task(&app)
            .lead(badinh)
            .status("in_progress")
            .deadline(city_day + Duration::days(days))
            .create()
            .await;
    }
    let server =
        tokio::task::spawn_blocking(move || Server::start(&name, &[("TZ", "Pacific/Kiritimati")]))
            .await
            .unwrap();
    let today = city_today(Utc::now(), Ho_Chi_Minh);
    tokio::task::spawn_blocking(move || server.stop())
        .await
        .unwrap();
    let expected: Vec<i64> = sqlx::query_scalar(
        "select id from tasks where status <> 'done' and deadline < $1 order by id",
    )
    .bind(today)
    .fetch_all(&pool)
    .await
    .unwrap();
    let flagged: Vec<i64> = sqlx::query_scalar("select id from tasks where overdue order by id")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(!expected.is_empty());
    assert_eq!(flagged, expected);
}

#[tokio::test]
async fn administrators_see_the_last_runs_and_which_job_is_failing() {
    let app = small_city().await;
    let office = unit_id(&app, "VP").await;
    build::user(&app, "admin", office)
        .role("admin")
        .create()
        .await;
    let admin = app.session_for("admin").await;
    let settings = JobSettings::from_config(&app.state.config);
    let clock = JobClock {
        now: app.clock.now(),
        today: app.state.today(),
    };
    for job in Job::ALL {
        jobs::run_job(&app.pool, job, clock, &settings, "pid-test")
            .await
            .unwrap();
    }
    // A failed run of the stale scan, recorded as the scheduler would.
    sqlx::query(
        "insert into job_runs (job, instance, as_of, started_at, finished_at, outcome, error)
         values ('stale_scan', 'pid-other', now(), now() + interval '1 second',
                 now() + interval '2 seconds', 'failed', 'connection reset by peer')",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let page = app.get_as(&admin, "/admin/jobs").await;
    assert_eq!(page.status, axum::http::StatusCode::OK);
    assert_eq!(page.text("#job-overdue_scan .badge"), "Bình thường");
    assert!(page.text("#job-overdue_scan").contains("tasks_flagged: 0"));
    assert_eq!(
        page.text("#job-stale_scan .badge"),
        "Lỗi ở lần chạy gần nhất"
    );
    assert!(
        page.text("#job-stale_scan")
            .contains("connection reset by peer")
    );
    assert_eq!(page.count("#runs .run-row"), Job::ALL.len() + 1);
    let home = app.get_as(&admin, "/admin").await;
    assert!(
        home.text("#admin-jobs").starts_with('1'),
        "{}",
        home.text("#admin-jobs")
    );
    // Others do not see it.
    let reviewer = app.session_for("vp.chuyenvien").await;
    assert_eq!(
        app.get_as(&reviewer, "/admin/jobs").await.status,
        axum::http::StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_notice_on_the_deadline_day_alone_is_given_too() {
    let app = small_city().await;
    let task = task_due(&app, "2027-06-20").await;
    notices::due_soon(&app.pool, date("2027-06-19"), &[0])
        .await
        .unwrap();
    assert!(told(&app, "due_soon", task).await.is_empty());
    notices::due_soon(&app.pool, date("2027-06-20"), &[0])
        .await
        .unwrap();
    assert_eq!(told(&app, "due_soon", task).await.len(), 2);
}

#[tokio::test]
async fn an_overdue_task_given_another_past_deadline_is_overdue_since_the_new_one() {
    let app = small_city().await;
    let task = task_due(&app, "2027-05-01").await;
    flags::flag_overdue(&app.pool, date("2027-05-10"))
        .await
        .unwrap();
    assert_eq!(overdue(&app, task).await, (true, Some(date("2027-05-02"))));
    sqlx::query("update tasks set deadline = '2027-05-05' where id = $1")
        .bind(task)
        .execute(&app.pool)
        .await
        .unwrap();
    flags::flag_overdue(&app.pool, date("2027-05-10"))
        .await
        .unwrap();
    assert_eq!(overdue(&app, task).await, (true, Some(date("2027-05-06"))));
    assert_eq!(
        told(&app, "overdue", task).await.len(),
        2,
        "told once, not again"
    );
}
