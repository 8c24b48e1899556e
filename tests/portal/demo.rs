//! The demo data: complete, consistent, deterministic, Vietnamese.

use std::collections::BTreeMap;

use remediation_portal::seed;

use crate::common::{TestApp, cluster, fresh_database};

#[tokio::test]
async fn has_the_33_shortcomings_and_the_51_city_bodies_and_districts() {
    let app = TestApp::with_demo().await;
    let shortcomings: i64 = sqlx::query_scalar("select count(*) from shortcomings")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(shortcomings, 33);
    let codes: Vec<String> = sqlx::query_scalar("select code from shortcomings order by code")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(codes.first().map(String::as_str), Some("TT-01"));
    assert_eq!(codes.last().map(String::as_str), Some("TT-33"));

    let by_kind: BTreeMap<String, i64> =
        sqlx::query_as("select kind::text, count(*) from units group by kind")
            .fetch_all(&app.pool)
            .await
            .unwrap()
            .into_iter()
            .collect();
    let city_bodies = by_kind["city_office"] + by_kind["department"];
    assert_eq!(city_bodies, 21);
    assert_eq!(by_kind["district"], 30);
    assert!(by_kind["division"] >= 3);

    // Every shortcoming has tasks, every task one lead unit and at most three coordinators.
    let without_tasks: i64 = sqlx::query_scalar(
        "select count(*) from shortcomings s where not exists (select 1 from tasks t where t.shortcoming_id = s.id)",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(without_tasks, 0);
    let tasks: i64 = sqlx::query_scalar("select count(*) from tasks")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!((350..=450).contains(&tasks), "about 400 tasks, got {tasks}");
    let most_coordinators: i64 = sqlx::query_scalar(
        "select coalesce(max(n), 0) from (select count(*) as n from task_coordinators group by task_id) c",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(most_coordinators <= 3);
    // Every unit has a plan; some were not issued by their deadline.
    let plans_overdue: i64 = sqlx::query_scalar("select count(*) from plans where overdue")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(plans_overdue >= 1);
}

#[tokio::test]
async fn every_timeliness_class_occurs() {
    let app = TestApp::with_demo().await;
    let today = app.state.today();
    let classes: BTreeMap<String, i64> = sqlx::query_as(
        "select task_timeliness(status, deadline, completed_on, overdue, $1, 7)::text, count(*)
         from tasks group by 1",
    )
    .bind(today)
    .fetch_all(&app.pool)
    .await
    .unwrap()
    .into_iter()
    .collect();
    for class in [
        "on_track",
        "due_soon",
        "overdue",
        "no_deadline",
        "done_on_time",
        "done_late",
    ] {
        assert!(
            classes.get(class).copied().unwrap_or(0) > 0,
            "no {class} task: {classes:?}"
        );
    }
    let stale: i64 =
        sqlx::query_scalar("select count(*) from tasks where stale and status <> 'done'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(stale > 0, "no stale task");
    // The overdue flag agrees with the definition on every task.
    let disagreeing: i64 = sqlx::query_scalar(
        "select count(*) from tasks where overdue <> (status <> 'done' and deadline < $1)",
    )
    .bind(today)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(disagreeing, 0);
    for status in [
        "not_started",
        "in_progress",
        "pending_confirmation",
        "done",
        "needs_direction",
    ] {
        let n: i64 =
            sqlx::query_scalar("select count(*) from tasks where status = $1::task_status")
                .bind(status)
                .fetch_one(&app.pool)
                .await
                .unwrap();
        assert!(n > 0, "no task is {status}");
    }
    let extended: i64 =
        sqlx::query_scalar("select count(*) from tasks where deadline <> original_deadline")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(extended > 0, "no task has an extended deadline");
    let briefing: i64 = sqlx::query_scalar("select count(*) from tasks where marked_for_briefing")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(briefing > 0, "no task is marked for the briefing");
}

#[tokio::test]
async fn users_exist_for_every_role_with_argon2_hashes() {
    let app = TestApp::with_demo().await;
    for role in ["admin", "city_reviewer", "unit_head", "officer", "viewer"] {
        let n: i64 = sqlx::query_scalar("select count(*) from users where role = $1::user_role")
            .bind(role)
            .fetch_one(&app.pool)
            .await
            .unwrap();
        assert!(n > 0, "no {role}");
    }
    let hash: String =
        sqlx::query_scalar("select password_hash from users where username = 'admin'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(hash.starts_with("$argon2id$"));
    let sign_ins = seed::demo_sign_ins(&app.pool).await.unwrap();
    assert_eq!(sign_ins.len(), 7);
}

#[tokio::test]
async fn is_written_in_vietnamese_with_diacritics() {
    let app = TestApp::with_demo().await;
    let names: Vec<String> = sqlx::query_scalar(
        "select name from units where code in ('DONGDA', 'UNGHOA', 'STNMT') order by code",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        names,
        [
            "UBND quận Đống Đa",
            "Sở Tài nguyên và Môi trường",
            "UBND huyện Ứng Hòa"
        ]
    );
    let title: String = sqlx::query_scalar("select title from shortcomings where code = 'TT-05'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(title.contains("trật tự xây dựng"), "{title}");
}

#[tokio::test]
async fn is_deterministic() {
    let now = cluster().demo_now;
    let (_, first) = fresh_database(false).await;
    let (_, second) = fresh_database(false).await;
    seed::load_demo(&first, now, chrono_tz::Asia::Ho_Chi_Minh, 30)
        .await
        .unwrap();
    seed::load_demo(&second, now, chrono_tz::Asia::Ho_Chi_Minh, 30)
        .await
        .unwrap();
    let fingerprint = "select string_agg(concat_ws('|', code, title, lead_unit_id, deadline, status, percent_complete,
                                         (select count(*) from task_updates u where u.task_id = t.id)), ';' order by code)
                       from tasks t";
    let a: String = sqlx::query_scalar(fingerprint)
        .fetch_one(&first)
        .await
        .unwrap();
    let b: String = sqlx::query_scalar(fingerprint)
        .fetch_one(&second)
        .await
        .unwrap();
    assert_eq!(a, b);
}
