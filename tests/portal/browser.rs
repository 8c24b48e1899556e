//! Journeys in a real headless Chromium against the real server. Needs Debian's `chromium`
//! and `chromium-driver`; when they are missing the test says so and passes, unless
//! `REQUIRE_BROWSER=1` (as in CI).

use scraper::{Html, Selector};

use crate::common::browser::{self, Browser};
use crate::common::fresh_database;
use crate::common::server::Server;

/// The portal on a copy of the demo database (stopped when dropped), and that database.
struct DemoServer {
    server: Server,
    pool: sqlx::PgPool,
}

async fn start_server() -> DemoServer {
    let (name, pool) = fresh_database(true).await;
    let server = tokio::task::spawn_blocking(move || Server::start(&name, &[]))
        .await
        .unwrap();
    DemoServer { server, pool }
}

fn skip_without_browser() -> bool {
    if browser::available() {
        return false;
    }
    assert!(
        std::env::var("REQUIRE_BROWSER").as_deref() != Ok("1"),
        "REQUIRE_BROWSER=1 but chromium or chromedriver is not installed"
    );
    eprintln!("browser test skipped: install Debian's chromium and chromium-driver to run it");
    true
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reviewer_opens_the_dashboard_and_follows_the_overdue_count() {
    if skip_without_browser() {
        return;
    }
    let server = start_server().await;
    let url = server.server.url.clone();
    tokio::task::spawn_blocking(move || {
        let browser = Browser::start();
        browser.goto(&format!("{url}/"));
        // Not signed in: the sign-in page, in Vietnamese.
        let page = browser.wait_for("#signin-form");
        assert!(page.contains("Đăng nhập"), "{page}");
        browser.fill("#username", "vp.chuyenvien");
        browser.fill("#password", "KhacPhuc@2019");
        browser.click("#signin-form button[type=submit]");

        // The home page is the City's dashboard; its overdue count opens the list of exactly
        // those tasks.
        let page = browser.wait_for("#tile-overdue");
        let dom = Html::parse_document(&page);
        let tile = Selector::parse("#tile-overdue").unwrap();
        let overdue: i64 = dom
            .select(&tile)
            .next()
            .and_then(|t| t.value().attr("data-count"))
            .and_then(|n| n.parse().ok())
            .expect("the overdue tile carries its count");
        assert!(overdue > 0, "the demo has overdue tasks");
        let h1 = Selector::parse("h1").unwrap();
        let heading = |dom: &Html| -> String {
            dom.select(&h1)
                .next()
                .map(|e| e.text().collect())
                .unwrap_or_default()
        };
        assert_eq!(heading(&dom), "Tổng quan tình hình khắc phục");
        browser.click("#tile-overdue");
        let page = browser.wait_for("#task-filters");
        assert!(browser.url().contains("/tasks?"), "{}", browser.url());
        assert!(
            browser.url().contains("timeliness=overdue"),
            "{}",
            browser.url()
        );
        let dom = Html::parse_document(&page);
        let page_of = Selector::parse(".page-of").unwrap();
        let summary: String = dom
            .select(&page_of)
            .next()
            .map(|e| e.text().collect())
            .unwrap_or_default();
        assert!(
            summary.contains(&format!("· {overdue} ")),
            "the list says {summary:?}, the dashboard {overdue}"
        );
        let badges = Selector::parse("table.tasks tr.task-row .time-overdue").unwrap();
        assert!(dom.select(&badges).count() > 0);

        browser.goto(&format!("{url}/shortcomings"));
        let page = browser.wait_for("#shortcomings");
        let dom = Html::parse_document(&page);
        let rows = Selector::parse("#shortcomings tbody tr.shortcoming-row").unwrap();
        assert_eq!(
            dom.select(&rows).count(),
            33,
            "the list of shortcomings:\n{page}"
        );
        assert_eq!(heading(&dom), "Các tồn tại, hạn chế cần khắc phục");
        assert!(page.contains("id=\"current-user\""));

        // Signing out leads back to the sign-in page; the list is no longer reachable.
        browser.click("#signout");
        browser.wait_for("#signin-form");
        browser.goto(&format!("{url}/shortcomings"));
        browser.wait_for("#signin-form");
        assert!(browser.url().contains("/signin"));
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn an_officer_reports_progress_with_a_pdf_and_sees_it_in_the_history() {
    if skip_without_browser() {
        return;
    }
    let server = start_server().await;
    // A task Ba Đình leads and that is under way.
    let task: i64 = sqlx::query_scalar(
        "select t.id from tasks t join units u on u.id = t.lead_unit_id
         where u.code = 'BADINH' and t.status in ('in_progress', 'not_started')
         order by t.id limit 1",
    )
    .fetch_one(&server.pool)
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("Biên bản kiểm tra hiện trường.pdf");
    std::fs::write(
        &pdf,
        remediation_portal::seed::demo_pdf("Bien ban kiem tra hien truong"),
    )
    .unwrap();
    let url = server.server.url.clone();
    tokio::task::spawn_blocking(move || {
        let browser = Browser::start();
        browser.goto(&format!("{url}/signin"));
        browser.wait_for("#signin-form");
        browser.fill("#username", "badinh.cb1");
        browser.fill("#password", "KhacPhuc@2019");
        browser.click("#signin-form button[type=submit]");
        browser.wait_for("#current-user");

        browser.goto(&format!("{url}/tasks/{task}"));
        browser.wait_for("#progress-form");
        browser.click("#status option[value=in_progress]");
        browser.fill("#percent", "45");
        browser.fill("#note", "Đã kiểm tra hiện trường 5 dự án, lập biên bản.");
        browser.attach("#file", &pdf);
        browser.click("#progress-form button[type=submit]");

        // Back on the task: the message, the new state, and the entry with its file.
        let page = browser.wait_for("#flash");
        let dom = Html::parse_document(&page);
        let text = |css: &str| -> String {
            let selector = Selector::parse(css).unwrap();
            dom.select(&selector)
                .next()
                .map(|e| e.text().collect::<Vec<_>>().join(" "))
                .unwrap_or_default()
        };
        assert!(text("#flash").contains("Đã cập nhật tiến độ"), "{page}");
        assert!(text(".badges").contains("Đang thực hiện"));
        let latest = text("#history .event");
        assert!(
            latest.contains("Đã kiểm tra hiện trường 5 dự án"),
            "{latest}"
        );
        assert!(latest.contains("45%"), "{latest}");
        assert!(
            latest.contains("Biên bản kiểm tra hiện trường.pdf"),
            "{latest}"
        );
    })
    .await
    .unwrap();
}
