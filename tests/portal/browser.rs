//! Smoke test in a real headless Chromium against the real server. Needs Debian's `chromium`;
//! when it is missing the test says so and passes, unless `REQUIRE_BROWSER=1` (as in CI).

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use scraper::{Html, Selector};

use crate::common::{cluster, fresh_database};

const BINARY: &str = env!("CARGO_BIN_EXE_remediation-portal");

fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| {
            Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
}

/// Loads `url` in headless Chromium and returns the DOM it rendered.
fn render(browser: &str, url: &str) -> String {
    let profile = tempfile::tempdir().unwrap();
    let output = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--lang=vi",
            "--accept-lang=vi",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(url)
        .stdin(Stdio::null())
        .output()
        .expect("chromium runs");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_home_page_lists_the_shortcomings_in_a_real_browser() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var("REQUIRE_BROWSER").as_deref() != Ok("1"),
            "REQUIRE_BROWSER=1 but no chromium is installed"
        );
        eprintln!("browser test skipped: install Debian's chromium to run it");
        return;
    };
    let (name, _pool) = fresh_database(true).await;
    let dir = tempfile::tempdir().unwrap();
    let mut server = Command::new(BINARY);
    for (var, _) in std::env::vars() {
        if var.starts_with("PORTAL_") {
            server.env_remove(var);
        }
    }
    let log = dir.path().join("server.log");
    let mut server = server
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

    let dom = render(browser, &format!("{url}/"));
    let _ = server.kill();
    let _ = server.wait();

    let page = Html::parse_document(&dom);
    let rows = Selector::parse("#shortcomings tbody tr.shortcoming-row").unwrap();
    assert_eq!(
        page.select(&rows).count(),
        33,
        "the browser shows the list of shortcomings:\n{dom}"
    );
    let h1 = Selector::parse("h1").unwrap();
    let heading: String = page
        .select(&h1)
        .next()
        .map(|e| e.text().collect())
        .unwrap_or_default();
    assert_eq!(heading, "Các tồn tại, hạn chế cần khắc phục");
}
