//! Each page's content, checked by CSS selector, through the real router.

use axum::http::StatusCode;

use crate::common::TestApp;

#[tokio::test]
async fn the_shortcomings_page_lists_the_33_with_task_counts_and_progress() {
    let app = TestApp::with_demo().await;
    let me = app.session_for("vp.chuyenvien").await;
    let page = app.get_as(&me, "/shortcomings").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.count("#shortcomings tbody tr.shortcoming-row"), 33);
    assert_eq!(page.text("h1"), "Các tồn tại, hạn chế cần khắc phục");
    let first = page.texts("#shortcomings tbody tr.shortcoming-row td.code");
    assert_eq!(first[0], "TT-01");
    // Counts are "done/total", and they add up to the number of tasks.
    let total: i64 = sqlx::query_scalar("select count(*) from tasks")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let sum: i64 = page
        .texts("#shortcomings td.tasks-count")
        .iter()
        .map(|t| t.split('/').nth(1).unwrap().parse::<i64>().unwrap())
        .sum();
    assert_eq!(sum, total);
    assert_eq!(page.count("#shortcomings .progress"), 33);
}

#[tokio::test]
async fn a_shortcoming_shows_its_sources_units_and_tasks() {
    let app = TestApp::with_demo().await;
    let me = app.session_for("vp.chuyenvien").await;
    let (id, tasks): (i64, i64) = sqlx::query_as(
        "select s.id, (select count(*) from tasks t where t.shortcoming_id = s.id)
         from shortcomings s where code = 'TT-05'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let page = app.get_as(&me, &format!("/shortcomings/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text("h1").starts_with("TT-05"));
    assert_eq!(page.count("#tasks tr.task-row") as i64, tasks);
    assert!(page.count("#units tr.unit-row") > 1);
    assert!(page.count("#sources li.source") >= 1);
}

#[tokio::test]
async fn the_task_list_is_paginated() {
    let app = TestApp::with_demo().await;
    let me = app.session_for("vp.chuyenvien").await;
    let total: i64 = sqlx::query_scalar("select count(*) from tasks")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let first = app.get_as(&me, "/tasks").await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.count("table.tasks tr.task-row"), 50);
    assert_eq!(first.count("nav.pagination a[rel=next]"), 1);
    assert_eq!(first.count("nav.pagination a[rel=prev]"), 0);
    let pages = (total + 49) / 50;
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
    let app = TestApp::with_demo().await;
    let me = app.session_for("vp.chuyenvien").await;
    let (id, code, updates): (i64, String, i64) = sqlx::query_as(
        "select t.id, t.code, (select count(*) from task_updates u where u.task_id = t.id)
         from tasks t
         where t.status = 'done' and exists (select 1 from task_coordinators c where c.task_id = t.id)
         order by t.id limit 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let page = app.get_as(&me, &format!("/tasks/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text("h1").starts_with(&code));
    assert!(page.count("#coordinators li.coordinator") >= 1);
    assert_eq!(page.count("#assignees li.assignee"), 1);
    assert!(page.count("#history li.event") as i64 >= updates);
    assert_eq!(page.count("#history li.event-confirmed"), 1);
    assert_eq!(page.count(".badges .status-done"), 1);

    // An extended task shows both deadlines.
    let (extended, original, current): (i64, chrono::NaiveDate, chrono::NaiveDate) = sqlx::query_as(
        "select id, original_deadline, deadline from tasks where deadline <> original_deadline limit 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let page = app.get_as(&me, &format!("/tasks/{extended}")).await;
    assert_eq!(
        page.text("dd.deadline"),
        current.format("%d/%m/%Y").to_string()
    );
    assert_eq!(
        page.text("dd.original-deadline"),
        original.format("%d/%m/%Y").to_string()
    );
    assert_eq!(page.count("#history li.event-extension_approved"), 1);
}

#[tokio::test]
async fn unknown_pages_get_a_404_page_with_a_request_id() {
    let app = TestApp::with_demo().await;
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
    let app = TestApp::with_demo().await;
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
    let app = TestApp::with_demo().await;
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
    let app = TestApp::with_demo().await;
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
    let app = TestApp::with_demo().await;
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
