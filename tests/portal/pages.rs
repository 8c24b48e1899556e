//! Each page's content, checked by CSS selector, through the real router. Each test starts
//! from an empty database and builds what the page shows.

use axum::http::StatusCode;
use chrono::{Duration, NaiveDate};

use crate::common::{TestApp, build};

/// The units, people and shortcomings the pages show: the City office with its reviewer
/// `vp.chuyenvien`; the Natural Resources and Environment department with its head and an
/// officer; Ba Đình; the Construction department; TT-01 and TT-02 led by the department,
/// and TT-05 led by Ba Đình, found in the source document 1203/KL-TTCP.
struct City {
    stnmt: i64,
    badinh: i64,
    sxd: i64,
    reviewer: i64,
    /// The department's head.
    head: i64,
    /// The department's officer.
    officer: i64,
    tt01: i64,
    tt02: i64,
    tt05: i64,
}

/// [`City`] on an empty database.
async fn small_city(app: &TestApp) -> City {
    let office = build::unit(app, "VPUB").kind("city_office").create().await;
    let reviewer = build::user(app, "vp.chuyenvien", office)
        .role("city_reviewer")
        .create()
        .await;
    let stnmt = build::unit(app, "STNMT")
        .name("Sở Tài nguyên và Môi trường", "Sở TN&MT")
        .create()
        .await;
    let badinh = build::unit(app, "BADINH")
        .kind("district")
        .name("UBND quận Ba Đình", "Q. Ba Đình")
        .create()
        .await;
    let source = build::source(app, "1203/KL-TTCP").create().await;
    City {
        stnmt,
        badinh,
        sxd: build::unit(app, "SXD")
            .name("Sở Xây dựng", "")
            .create()
            .await,
        reviewer,
        head: build::user(app, "stnmt.lanhdao", stnmt)
            .role("unit_head")
            .create()
            .await,
        officer: build::user(app, "stnmt.cb1", stnmt).create().await,
        tt01: build::shortcoming(app, "TT-01", stnmt).create().await,
        tt02: build::shortcoming(app, "TT-02", stnmt).create().await,
        tt05: build::shortcoming(app, "TT-05", badinh)
            .source(source)
            .create()
            .await,
    }
}

/// A task of each kind the dashboard draws, under TT-01: on track, overdue, done, needing
/// direction.
async fn some_tasks(app: &TestApp, city: &City) {
    let day = |days| app.state.today() + Duration::days(days);
    let task = || build::task(app).shortcoming(city.tt01);
    task().deadline(day(20)).create().await;
    task()
        .status("in_progress")
        .percent(40)
        .deadline(day(-5))
        .create()
        .await;
    task().deadline(day(10)).done_on(day(-2)).create().await;
    task().status("needs_direction").create().await;
}

fn dmy(day: NaiveDate) -> String {
    day.format("%d/%m/%Y").to_string()
}

#[tokio::test]
async fn the_shortcomings_page_lists_each_with_task_counts_and_progress() {
    let app = TestApp::empty().await;
    let city = small_city(&app).await;
    // TT-01: two tasks, one done; TT-02: one open; TT-05: one done.
    build::task(&app).shortcoming(city.tt01).create().await;
    build::task(&app)
        .shortcoming(city.tt01)
        .status("done")
        .create()
        .await;
    build::task(&app).shortcoming(city.tt02).create().await;
    build::task(&app)
        .shortcoming(city.tt05)
        .status("done")
        .create()
        .await;
    let me = app.session_for("vp.chuyenvien").await;
    let page = app.get_as(&me, "/shortcomings").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.count("#shortcomings tbody tr.shortcoming-row"), 3);
    assert_eq!(page.text("h1"), "Các tồn tại, hạn chế cần khắc phục");
    let first = page.texts("#shortcomings tbody tr.shortcoming-row td.code");
    assert_eq!(first, ["TT-01", "TT-02", "TT-05"]);
    // Counts are "done/total", and they add up to the number of tasks.
    let counts = page.texts("#shortcomings td.tasks-count");
    assert_eq!(counts, ["1/2", "0/1", "1/1"]);
    let sum: i64 = counts
        .iter()
        .map(|t| t.split('/').nth(1).unwrap().parse::<i64>().unwrap())
        .sum();
    assert_eq!(sum, 4);
    assert_eq!(page.count("#shortcomings .progress"), 3);
}

#[tokio::test]
async fn a_shortcoming_shows_its_sources_units_and_tasks() {
    let app = TestApp::empty().await;
    let city = small_city(&app).await;
    // Two tasks of Ba Đình, one of the Construction department coordinated by the
    // department; and one under another shortcoming.
    for _ in 0..2 {
        build::task(&app).shortcoming(city.tt05).create().await;
    }
    build::task(&app)
        .shortcoming(city.tt05)
        .lead(city.sxd)
        .coordinator(city.stnmt, "Phối hợp")
        .create()
        .await;
    build::task(&app).shortcoming(city.tt01).create().await;
    let me = app.session_for("vp.chuyenvien").await;
    let page = app
        .get_as(&me, &format!("/shortcomings/{}", city.tt05))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text("h1").starts_with("TT-05"));
    assert_eq!(page.count("#tasks tr.task-row"), 3);
    assert_eq!(
        page.count("#units tr.unit-row"),
        2,
        "Ba Đình and the department"
    );
    assert_eq!(page.count("#sources li.source"), 1);
    assert!(page.text("#sources li.source").contains("1203/KL-TTCP"));
}

#[tokio::test]
async fn the_task_list_is_paginated() {
    let app = TestApp::empty().await;
    let city = small_city(&app).await;
    // 75 tasks, due on different days: one full page and half of a second.
    for n in 0..75 {
        build::task(&app)
            .shortcoming(city.tt01)
            .deadline(app.state.today() + Duration::days(n))
            .create()
            .await;
    }
    let me = app.session_for("vp.chuyenvien").await;
    let total = 75;
    let first = app.get_as(&me, "/tasks").await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.count("table.tasks tr.task-row"), 50);
    assert_eq!(first.count("nav.pagination a[rel=next]"), 1);
    assert_eq!(first.count("nav.pagination a[rel=prev]"), 0);
    let pages = (total + 49) / 50;
    assert_eq!(pages, 2);
    let last = app.get_as(&me, &format!("/tasks?page={pages}")).await;
    assert_eq!(
        last.count("table.tasks tr.task-row") as i64,
        total - (pages - 1) * 50
    );
    assert_eq!(last.count("nav.pagination a[rel=next]"), 0);
    assert_eq!(
        app.get_as(&me, &format!("/tasks?page={}", pages + 1))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // A page number that is not one falls back to the first page.
    assert_eq!(
        app.get_as(&me, "/tasks?page=abc")
            .await
            .count("table.tasks tr.task-row"),
        50
    );
    // Deadlines are shown the Vietnamese way.
    let dates = first.texts("table.tasks td.date");
    assert!(
        dates
            .iter()
            .any(|d| d.len() == 10 && d.as_bytes()[2] == b'/' && d.as_bytes()[5] == b'/'),
        "{dates:?}"
    );
}

#[tokio::test]
async fn a_task_shows_its_facts_coordinators_and_history() {
    let app = TestApp::empty().await;
    let city = small_city(&app).await;
    let me = app.session_for("vp.chuyenvien").await;
    // Done: assigned by the head, reported by the officer, confirmed by the head.
    let id = build::task(&app)
        .shortcoming(city.tt01)
        .deadline(app.state.today() + Duration::days(10))
        .done_on(app.state.today() - Duration::days(2))
        .coordinator(city.badinh, "Phối hợp rà soát")
        .assignee(city.officer)
        .create()
        .await;
    build::update(&app, id, city.head, "assignment")
        .days_ago(20)
        .create()
        .await;
    build::update(&app, id, city.officer, "progress")
        .status("not_started", "in_progress")
        .percent(50)
        .days_ago(10)
        .create()
        .await;
    build::update(&app, id, city.officer, "progress")
        .status("in_progress", "pending_confirmation")
        .percent(100)
        .days_ago(3)
        .create()
        .await;
    build::update(&app, id, city.head, "confirmed")
        .status("pending_confirmation", "done")
        .percent(100)
        .days_ago(2)
        .create()
        .await;
    let code: String = sqlx::query_scalar("select code from tasks where id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let page = app.get_as(&me, &format!("/tasks/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text("h1").starts_with(&code));
    assert_eq!(page.count("#coordinators li.coordinator"), 1);
    assert_eq!(page.count("#assignees li.assignee"), 1);
    assert_eq!(page.count("#history li.event"), 4);
    assert_eq!(page.count("#history li.event-confirmed"), 1);
    assert_eq!(page.count(".badges .status-done"), 1);

    // An extended task shows both deadlines.
    let original = app.state.today() + Duration::days(5);
    let current = original + Duration::days(30);
    let extended = build::task(&app)
        .shortcoming(city.tt02)
        .status("in_progress")
        .deadline(original)
        .create()
        .await;
    build::extension(&app, extended, city.head, current)
        .approved_by(city.reviewer)
        .create()
        .await;
    let page = app.get_as(&me, &format!("/tasks/{extended}")).await;
    assert_eq!(page.text("dd.deadline"), dmy(current));
    assert_eq!(page.text("dd.original-deadline"), dmy(original));
    assert_eq!(page.count("#history li.event-extension_approved"), 1);
}

#[tokio::test]
async fn unknown_pages_get_a_404_page_with_a_request_id() {
    let app = TestApp::empty().await;
    small_city(&app).await;
    let me = app.session_for("vp.chuyenvien").await;
    for path in [
        "/no-such-page",
        "/tasks/999999",
        "/tasks/abc",
        "/shortcomings/-1",
        "/static/x/none.css",
    ] {
        let page = app.get_as(&me, path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(page.text(".error-status"), "404", "{path}");
        let request_id = page
            .header("x-request-id")
            .expect("a request id header")
            .to_owned();
        assert_eq!(page.text(".request-id code"), request_id);
        assert_eq!(page.text("h1"), "Không tìm thấy trang");
    }
}

#[tokio::test]
async fn the_language_switch_remembers_the_choice() {
    let app = TestApp::empty().await;
    let city = small_city(&app).await;
    some_tasks(&app, &city).await;
    let me = app.session_for("vp.chuyenvien").await;
    let switch = app.get_as(&me, "/lang?to=en&next=/tasks%3Fpage%3D2").await;
    assert_eq!(switch.status, StatusCode::SEE_OTHER);
    assert_eq!(switch.header("location"), Some("/tasks?page=2"));
    let cookie = switch.header("set-cookie").unwrap().to_owned();
    assert!(cookie.starts_with("lang=en;"), "{cookie}");
    assert!(cookie.contains("Max-Age="));

    let english = app
        .get_with("/", &[("cookie", &format!("lang=en; {}", me.cookie))])
        .await;
    assert_eq!(english.text("h1"), "Remediation overview");
    assert_eq!(english.html().root_element().attr("lang"), Some("en"));
    // The cookie wins over the browser's preference.
    let still_english = app
        .get_with(
            "/",
            &[
                ("cookie", &format!("lang=en; {}", me.cookie)),
                ("accept-language", "vi"),
            ],
        )
        .await;
    assert_eq!(still_english.text("h1"), "Remediation overview");
    // Without a cookie, Accept-Language is the first guess, and Vietnamese the default.
    let guessed = app
        .get_with(
            "/",
            &[
                ("cookie", &me.cookie),
                ("accept-language", "en-GB,en;q=0.9"),
            ],
        )
        .await;
    assert_eq!(guessed.text("h1"), "Remediation overview");
    let default = app
        .get_with("/", &[("cookie", &me.cookie), ("accept-language", "fr")])
        .await;
    assert_eq!(default.text("h1"), "Tổng quan tình hình khắc phục");
    // Foreign redirects are refused.
    let away = app.get_as(&me, "/lang?to=vi&next=//evil.example").await;
    assert_eq!(away.header("location"), Some("/"));
    // Status labels are translated too.
    let tasks = app
        .get_with("/tasks", &[("cookie", &format!("lang=en; {}", me.cookie))])
        .await;
    assert!(tasks.texts("th").iter().any(|t| t == "Deadline"));
}

#[tokio::test]
async fn health_and_readiness() {
    let app = TestApp::empty().await;
    small_city(&app).await;
    let me = app.session_for("vp.chuyenvien").await;
    let health = app.get_as(&me, "/healthz").await;
    assert_eq!(
        (health.status, health.body.as_str()),
        (StatusCode::OK, "ok")
    );
    assert_eq!(app.get_as(&me, "/readyz").await.status, StatusCode::OK);
    app.state.shutdown.cancel();
    assert_eq!(
        app.get_as(&me, "/readyz").await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
    app.pool.close().await;
    assert_eq!(
        app.get_as(&me, "/healthz").await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
    // A page that cannot reach the database: a 503 page asking to try again, with the request
    // id, no details.
    let page = app.get_as(&me, "/").await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(page.text(".error-status"), "503");
    assert_eq!(page.header("retry-after"), Some("5"));
    assert_eq!(
        page.text(".request-id code"),
        page.header("x-request-id").unwrap()
    );
    assert!(
        !page.body.contains("pool"),
        "internal details leak: {}",
        page.body
    );
}

#[tokio::test]
async fn static_files_are_versioned_and_cached() {
    let app = TestApp::empty().await;
    small_city(&app).await;
    let me = app.session_for("vp.chuyenvien").await;
    let home = app.get_as(&me, "/").await;
    let css = home
        .html()
        .select(&scraper::Selector::parse("link[rel=stylesheet]").unwrap())
        .next()
        .and_then(|l| l.attr("href").map(str::to_owned))
        .unwrap();
    assert!(
        css.starts_with("/static/") && css.ends_with("/app.css"),
        "{css}"
    );
    let file = app.get_as(&me, &css).await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.header("content-type"), Some("text/css; charset=utf-8"));
    assert_eq!(
        file.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    let old = app.get_as(&me, "/static/0000/app.css").await;
    assert_eq!(old.header("cache-control"), Some("no-cache"));
}

#[tokio::test]
async fn every_page_carries_the_security_headers() {
    let app = TestApp::empty().await;
    let city = small_city(&app).await;
    some_tasks(&app, &city).await;
    let me = app.session_for("vp.chuyenvien").await;
    for path in ["/", "/tasks", "/no-such-page"] {
        let page = app.get_as(&me, path).await;
        let csp = page.header("content-security-policy").unwrap_or_default();
        assert!(
            csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"),
            "{csp}"
        );
        assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
        assert!(page.header("referrer-policy").is_some());
    }
    // No inline scripts or styles in the pages themselves.
    let page = app.get_as(&me, "/").await;
    assert_eq!(page.count("script:not([src])"), 0);
    assert_eq!(page.count("[style]"), 0);
    assert_eq!(page.count("style"), 0);
}
