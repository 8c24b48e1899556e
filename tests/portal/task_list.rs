//! The task list's filters, sort and search, and that they stay in the URL.

use axum::http::StatusCode;

use crate::common::{TestApp, TestResponse};

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.pool).await.unwrap()
}

/// The total the page reports ("Trang 1/3 · 120 kết quả").
fn total(page: &TestResponse) -> i64 {
    if page.count("table.tasks") == 0 {
        return 0;
    }
    let text = page.text(".page-of");
    text.split('·')
        .nth(1)
        .and_then(|t| t.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no total in {text}"))
}

#[tokio::test]
async fn each_filter_narrows_the_list_to_exactly_its_tasks() {
    let app = TestApp::with_demo().await;
    let me = app.session_for("vp.chuyenvien").await;
    let today = app.state.today();

    let all = app.get_as(&me, "/tasks").await;
    assert_eq!(total(&all), count(&app, "select count(*) from tasks").await);

    let done = app.get_as(&me, "/tasks?status=done").await;
    assert_eq!(
        total(&done),
        count(&app, "select count(*) from tasks where status = 'done'").await
    );
    assert!(
        done.texts("table.tasks td .badge[class*=status-]")
            .iter()
            .all(|b| b == "Đã thực hiện xong")
    );

    let overdue = app.get_as(&me, "/tasks?timeliness=overdue").await;
    assert_eq!(
        total(&overdue),
        count(&app, "select count(*) from tasks where overdue").await
    );
    assert!(
        overdue.count("table.tasks .time-overdue") as i64
            == overdue.count("table.tasks tr.task-row") as i64
    );

    let lead: i64 = count(&app, "select id from units where code = 'SXD'").await;
    let by_lead = app.get_as(&me, &format!("/tasks?lead={lead}")).await;
    assert_eq!(
        total(&by_lead),
        count(
            &app,
            &format!("select count(*) from tasks where lead_unit_id = {lead}")
        )
        .await
    );
    let by_coordinator = app
        .get_as(&me, &format!("/tasks?coordinating={lead}"))
        .await;
    assert_eq!(
        total(&by_coordinator),
        count(
            &app,
            &format!("select count(*) from task_coordinators where unit_id = {lead}")
        )
        .await
    );

    let field: i64 = count(&app, "select id from fields where code = 'MT'").await;
    let by_field = app.get_as(&me, &format!("/tasks?field={field}")).await;
    assert_eq!(
        total(&by_field),
        count(&app, &format!("select count(*) from tasks t join shortcomings s on s.id = t.shortcoming_id where s.field_id = {field}")).await
    );

    let from = today.format("%d/%m/%Y").to_string();
    let to = (today + chrono::Duration::days(30))
        .format("%d/%m/%Y")
        .to_string();
    let window = app
        .get_as(&me, &format!("/tasks?from={from}&to={to}"))
        .await;
    assert_eq!(
        total(&window),
        count(
            &app,
            &format!(
                "select count(*) from tasks where deadline between '{today}' and '{}'",
                today + chrono::Duration::days(30)
            )
        )
        .await
    );

    let briefing = app.get_as(&me, "/tasks?briefing=1").await;
    assert_eq!(
        total(&briefing),
        count(&app, "select count(*) from tasks where marked_for_briefing").await
    );
    let stale = app.get_as(&me, "/tasks?stale=1").await;
    assert_eq!(
        total(&stale),
        count(&app, "select count(*) from tasks where stale").await
    );

    // Combined, and kept in the pagination links.
    let combined = app.get_as(&me, "/tasks?status=not_started&sort=code").await;
    let codes = combined.texts("table.tasks td:first-child");
    let mut sorted = codes.clone();
    sorted.sort();
    assert_eq!(codes, sorted, "sorted by code");
    if combined.count("nav.pagination a[rel=next]") > 0 {
        let next = combined
            .html()
            .select(&scraper::Selector::parse("nav.pagination a[rel=next]").unwrap())
            .next()
            .and_then(|a| a.attr("href"))
            .unwrap()
            .to_owned();
        assert!(
            next.contains("status=not_started")
                && next.contains("sort=code")
                && next.contains("page=2"),
            "{next}"
        );
    }
    // The form shows what is filtered.
    assert_eq!(
        combined.count("#status option[value=not_started][selected]"),
        1
    );
    assert_eq!(combined.count("#clear-filters"), 1);

    // Values that mean nothing are ignored rather than refused.
    let odd = app
        .get_as(&me, "/tasks?status=finished&lead=abc&from=someday")
        .await;
    assert_eq!(odd.status, StatusCode::OK);
    assert_eq!(total(&odd), total(&all));
}

#[tokio::test]
async fn search_ignores_vietnamese_diacritics() {
    let app = TestApp::with_demo().await;
    let me = app.session_for("vp.chuyenvien").await;
    let expected = count(
        &app,
        "select count(*) from tasks where search_fold(code || ' ' || title || ' ' || description) like '%dat nong nghiep%'",
    )
    .await;
    assert!(expected > 0);
    let plain = app.get_as(&me, "/tasks?q=dat%20nong%20nghiep").await;
    assert_eq!(total(&plain), expected);
    let accented = app
        .get_as(
            &me,
            "/tasks?q=%C4%90%E1%BA%A4T%20N%C3%B4ng%20nghi%E1%BB%87p",
        )
        .await;
    assert_eq!(total(&accented), expected, "ĐẤT Nông nghiệp");
    assert!(
        plain
            .texts("table.tasks td.task-title")
            .iter()
            .all(|t| t.to_lowercase().contains("đất"))
    );
    // A wildcard typed by someone is a character, not a pattern ("20%" in one title).
    let percent = count(
        &app,
        "select count(*) from tasks where strpos(search_text, '%') > 0",
    )
    .await;
    assert!(percent < count(&app, "select count(*) from tasks").await);
    assert_eq!(total(&app.get_as(&me, "/tasks?q=%25").await), percent);
    // By code.
    let by_code = app.get_as(&me, "/tasks?q=tt-05.0").await;
    assert!(total(&by_code) >= 1);
}

#[tokio::test]
async fn filters_never_widen_a_users_scope() {
    let app = TestApp::with_demo().await;
    let officer = app.session_for("stnmt.cb1").await;
    let other: i64 = count(&app, "select id from units where code = 'BADINH'").await;
    // Another unit's tasks appear only where the officer's unit coordinates them.
    let page = app.get_as(&officer, &format!("/tasks?lead={other}")).await;
    let coordinated = count(
        &app,
        &format!(
            "select count(*) from tasks t where t.lead_unit_id = {other} and exists (
                 select 1 from task_coordinators c join units u on u.id = c.unit_id
                 where c.task_id = t.id and u.code = 'STNMT')"
        ),
    )
    .await;
    assert_eq!(total(&page), coordinated);
    assert!(
        total(&page)
            < count(
                &app,
                &format!("select count(*) from tasks where lead_unit_id = {other}")
            )
            .await
    );
    // "Tasks I follow": the officer's own assignments.
    let mine = app.get_as(&officer, "/tasks?mine=1").await;
    assert_eq!(
        total(&mine),
        count(&app, "select count(*) from task_assignees a join users u on u.id = a.user_id where u.username = 'stnmt.cb1'").await
    );
}

#[tokio::test]
async fn a_nul_character_in_a_search_or_a_form_is_a_bad_request_not_a_server_error() {
    let app = TestApp::with_demo().await;
    let me = app.session_for("vp.chuyenvien").await;
    let list = app.get_as(&me, "/tasks?q=dat%00dai").await;
    assert_eq!(list.status, StatusCode::BAD_REQUEST);
    let form = app
        .post_as(&me, "/tasks", &[("title", "a\u{0}b"), ("shortcoming", "1")])
        .await;
    assert_eq!(form.status, StatusCode::BAD_REQUEST);
    // The ordinary search still works.
    assert_eq!(
        app.get_as(&me, "/tasks?q=dat+dai").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_nul_character_in_the_sign_in_form_is_a_bad_request_too() {
    let app = TestApp::with_demo().await;
    let response = app
        .post_form(
            "/signin",
            &[("username", "admin\u{0}"), ("password", "x"), ("next", "/")],
            &[("origin", "http://portal.test")],
        )
        .await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_broad_search_stops_counting_at_200_and_says_so() {
    let app = TestApp::with_demo().await;
    let me = app.session_for("vp.chuyenvien").await;
    let matches = count(
        &app,
        "select count(*) from tasks where search_text like '%an%'",
    )
    .await;
    assert!(matches > 200, "the demo has {matches} tasks with \"an\"");
    let page = app.get_as(&me, "/tasks?q=an").await;
    assert!(
        page.text(".page-of").contains("hơn 200 kết quả"),
        "{}",
        page.text(".page-of")
    );
    assert_eq!(page.count("tr.task-row"), 50);
    // The same tasks without the search are counted exactly.
    let all = app.get_as(&me, "/tasks").await;
    assert_eq!(total(&all), count(&app, "select count(*) from tasks").await);
}
