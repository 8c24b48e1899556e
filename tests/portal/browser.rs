//! Journeys in a real headless Chromium against the real server. Needs Debian's `chromium`
//! and `chromium-driver`; when they are missing the test says so and passes, unless
//! `REQUIRE_BROWSER=1` (as in CI).

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use scraper::{Html, Selector};

use crate::common::browser::{self, Browser};
use crate::common::{cluster, fresh_database};

const BINARY: &str = env!("CARGO_BIN_EXE_remediation-portal");

/// The portal on a copy of the demo database; killed when dropped.
struct Server {
    child: Child,
    url: String,
    pool: sqlx::PgPool,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_server() -> Server {
    let (name, pool) = fresh_database(true).await;
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("server.log");
    let mut command = Command::new(BINARY);
    for (var, _) in std::env::vars() {
        if var.starts_with("PORTAL_") {
            command.env_remove(var);
        }
    }
    let child = command
        .env("DATABASE_URL", cluster().url(&name))
        .env("PORTAL_DATA_DIR", dir.path())
        .env("PORTAL_BIND", "127.0.0.1:0")
        .stdout(std::fs::File::create(&log).unwrap())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let url = loop {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        if let Some(at) = text.find("http://127.0.0.1:") {
            let rest = &text[at..];
            break rest[..rest.find(char::is_whitespace).unwrap_or(rest.len())].to_owned();
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "server did not start: {text}"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    Server {
        child,
        url,
        pool,
        _dir: dir,
    }
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
async fn a_reviewer_signs_in_and_sees_the_shortcomings() {
    if skip_without_browser() {
        return;
    }
    let server = start_server().await;
    let url = server.url.clone();
    tokio::task::spawn_blocking(move || {
        let browser = Browser::start();
        browser.goto(&format!("{url}/"));
        // Not signed in: the sign-in page, in Vietnamese.
        let page = browser.wait_for("#signin-form");
        assert!(page.contains("Đăng nhập"), "{page}");
        browser.fill("#username", "vp.chuyenvien");
        browser.fill("#password", "KhacPhuc@2019");
        browser.click("#signin-form button[type=submit]");
        let page = browser.wait_for("#shortcomings");
        let dom = Html::parse_document(&page);
        let rows = Selector::parse("#shortcomings tbody tr.shortcoming-row").unwrap();
        assert_eq!(
            dom.select(&rows).count(),
            33,
            "the list of shortcomings:\n{page}"
        );
        let h1 = Selector::parse("h1").unwrap();
        let heading: String = dom
            .select(&h1)
            .next()
            .map(|e| e.text().collect())
            .unwrap_or_default();
        assert_eq!(heading, "Các tồn tại, hạn chế cần khắc phục");
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
    let url = server.url.clone();
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
