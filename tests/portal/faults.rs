//! Faults: a database that is not there at start, goes away and comes back, or has no room to
//! write; stopping while the database is gone; draining on SIGTERM. The database goes away
//! behind a proxy the test owns (`common::proxy`), never the shared test cluster.

use std::io::{Read, Write};
use std::process::Command;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use remediation_portal::db::{self, PoolSettings};

use crate::common::proxy::DbProxy;
use crate::common::server::Server;
use crate::common::{TestApp, build, fresh_database, remind, scalar, unit_id};

const BINARY: &str = env!("CARGO_BIN_EXE_remediation-portal");

/// The City office and its reviewer (`vp.chuyenvien`), Sở TN&MT and a task of it in
/// progress, and Ba Đình with an officer (`badinh.cb1`) who has no part in that task.
/// Returns the task's id.
async fn stnmt_task(app: &TestApp) -> i64 {
    let office = build::unit(app, "VPUB").kind("city_office").create().await;
    build::user(app, "vp.chuyenvien", office)
        .role("city_reviewer")
        .create()
        .await;
    let badinh = build::unit(app, "BADINH").kind("district").create().await;
    build::user(app, "badinh.cb1", badinh).create().await;
    let stnmt = build::unit(app, "STNMT").create().await;
    build::task(app)
        .lead(stnmt)
        .status("in_progress")
        .deadline(app.state.today() + chrono::Duration::days(30))
        .create()
        .await
}

/// A plain HTTP/1.1 GET: the status, the headers (lower-cased names) and the body.
fn http_get(url: &str, path: &str) -> (u16, Vec<(String, String)>, String) {
    let address = url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut text = String::new();
    let _ = stream.read_to_string(&mut text);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    (status, headers, body.to_owned())
}

#[tokio::test]
async fn starting_against_a_database_that_is_not_there_says_which_and_why_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let output = tokio::task::spawn_blocking(move || {
        Command::new(BINARY)
            .env(
                "DATABASE_URL",
                "postgres://nobody:s3cret-pw@127.0.0.1:1/khacphuc",
            )
            .env("PORTAL_DB_CONNECT_SECS", "2")
            .env("PORTAL_DATA_DIR", dir.path())
            .env("PORTAL_BIND", "127.0.0.1:0")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let took = started.elapsed();
    let said = String::from_utf8_lossy(&output.stderr).into_owned()
        + &String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success(), "{said}");
    assert!(took < Duration::from_secs(15), "took {took:?}: {said}");
    // A line per attempt, each naming the server and what the driver said, then the cause.
    let attempts = said
        .lines()
        .filter(|l| l.contains("the database does not answer") && l.contains("127.0.0.1:1"))
        .count();
    assert!(attempts >= 2, "{said}");
    assert!(said.contains("Connection refused"), "{said}");
    assert!(
        said.contains("cannot connect to the database at 127.0.0.1:1, database khacphuc"),
        "{said}"
    );
    assert!(
        !said.contains("s3cret-pw"),
        "the password is never said: {said}"
    );
}

/// While the database is away, pages, forms and `/readyz` answer 503 quickly, in the user's
/// language, asking to retry, and a form keeps what was typed; when it is back, everything
/// works again without a restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_outage_is_a_quick_503_and_needs_no_restart() {
    let (database, direct) = fresh_database(false).await;
    direct.close().await;
    let proxy = DbProxy::start().await;
    let pool = db::connect(
        proxy.options(&database),
        PoolSettings {
            max_connections: 4,
            acquire_timeout: Duration::from_secs(2),
            connect_for: Duration::from_secs(5),
        },
    )
    .await
    .unwrap();
    let app = TestApp::empty_through(pool, database).await;
    let task = stnmt_task(&app).await;
    let reviewer = app.session_for("vp.chuyenvien").await;
    let lead = unit_id(&app, "STNMT").await.to_string();
    assert_eq!(app.get_as(&reviewer, "/tasks").await.status, StatusCode::OK);

    proxy.cut().await;
    for path in ["/tasks", "/", &format!("/tasks/{task}")] {
        let started = Instant::now();
        let page = app.get_as(&reviewer, path).await;
        assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE, "{path}");
        assert!(
            started.elapsed() < Duration::from_secs(4),
            "{path}: {:?}",
            started.elapsed()
        );
        assert_eq!(page.header("retry-after"), Some("5"));
        assert_eq!(page.text("h1"), "Hệ thống tạm thời chưa sẵn sàng");
    }
    let started = Instant::now();
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(started.elapsed() < Duration::from_secs(4));
    // A form sent meanwhile: refused the same way, and what was typed is on the page, ready
    // to be sent again.
    let typed = "Đề nghị khẩn trương báo cáo kết quả thu hồi đất.";
    let form = app
        .post_as(
            &reviewer,
            &format!("/tasks/{task}/reminders"),
            &[
                ("to", &lead),
                ("doc_number", "77/UBND-KT"),
                ("message", typed),
            ],
        )
        .await;
    assert_eq!(form.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        form.attr("#resend", "action"),
        format!("/tasks/{task}/reminders")
    );
    assert_eq!(form.attr("#resend input[name=message]", "value"), typed);
    assert_eq!(
        form.attr("#resend input[name=doc_number]", "value"),
        "77/UBND-KT"
    );

    proxy.restore().await;
    let mut answer = StatusCode::SERVICE_UNAVAILABLE;
    for _ in 0..20 {
        answer = app.get_as(&reviewer, "/tasks").await.status;
        if answer == StatusCode::OK {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(answer, StatusCode::OK);
    assert_eq!(app.get("/readyz").await.status, StatusCode::OK);
}

/// A database that cannot write for lack of room: the change is not saved, the user is told
/// so (not "something went wrong"), what was typed is kept, and `/readyz` says it.
#[tokio::test]
async fn a_full_disk_is_said_and_keeps_what_was_typed() {
    let app = TestApp::empty().await;
    let task = stnmt_task(&app).await;
    let reviewer = app.session_for("vp.chuyenvien").await;
    // What PostgreSQL raises when it cannot extend a file (SQLSTATE 53100).
    sqlx::raw_sql(
        "create function no_room() returns trigger language plpgsql as $$
         begin
             raise exception 'could not extend file: No space left on device'
                 using errcode = 'disk_full';
         end $$;
         create trigger no_room before insert on reminders
             for each row execute function no_room();",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let reminders = format!("select reminder_count::bigint from tasks where id = {task}");
    let count: i64 = scalar(&app, &reminders).await;
    let typed = "Đề nghị báo cáo trước ngày 15.";
    let response = remind(&app, &reviewer, task, "STNMT", ("78/UBND-KT", typed)).await;
    assert_eq!(response.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        response.text("main").contains("hết dung lượng lưu trữ"),
        "{}",
        response.text("main")
    );
    assert_eq!(response.attr("#resend input[name=message]", "value"), typed);
    assert_eq!(scalar::<i64>(&app, &reminders).await, count);
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(ready.body.contains("disk full"), "{}", ready.body);
}

/// With its database gone, the portal still stops within seconds of SIGTERM.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_portal_stops_quickly_when_its_database_is_gone() {
    let (database, pool) = fresh_database(false).await;
    pool.close().await;
    let proxy = DbProxy::start().await;
    let url = proxy.url(&database);
    let server = tokio::task::spawn_blocking(move || {
        Server::start(&database, &[("DATABASE_URL", url.as_str())])
    })
    .await
    .unwrap();
    let address = server.url.clone();
    let ready = tokio::task::spawn_blocking(move || http_get(&address, "/readyz"))
        .await
        .unwrap();
    assert_eq!(ready.0, 200, "{}", ready.2);
    proxy.cut().await;
    let started = Instant::now();
    let status = tokio::task::spawn_blocking(move || server.stop())
        .await
        .unwrap();
    let took = started.elapsed();
    assert!(took < Duration::from_secs(15), "stopping took {took:?}");
    assert!(status.code().is_some(), "{status:?}");
}

/// On SIGTERM `/readyz` answers 503 at once, pages are still served (asking the client to
/// close the connection) for the drain time, then the portal stops.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sigterm_the_portal_drains_then_stops() {
    let (database, pool) = fresh_database(false).await;
    pool.close().await;
    let server = tokio::task::spawn_blocking(move || {
        Server::start(&database, &[("PORTAL_DRAIN_SECS", "3")])
    })
    .await
    .unwrap();
    let address = server.url.clone();
    let pid = nix::unistd::Pid::from_raw(server.pid() as i32);
    let (ready, during, page) = tokio::task::spawn_blocking(move || {
        nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM).unwrap();
        std::thread::sleep(Duration::from_millis(300));
        let ready = http_get(&address, "/readyz");
        let page = http_get(&address, "/signin");
        std::thread::sleep(Duration::from_millis(1000));
        let during = http_get(&address, "/signin");
        (ready, during, page)
    })
    .await
    .unwrap();
    assert_eq!(ready.0, 503, "{}", ready.2);
    assert_eq!(ready.2, "shutting down");
    assert_eq!(page.0, 200);
    assert!(
        page.1
            .iter()
            .any(|(k, v)| k == "connection" && v.eq_ignore_ascii_case("close")),
        "{:?}",
        page.1
    );
    assert_eq!(during.0, 200);
    let started = Instant::now();
    let status = tokio::task::spawn_blocking(move || server.stop())
        .await
        .unwrap();
    assert!(status.success(), "{status:?}");
    assert!(started.elapsed() < Duration::from_secs(10));
}

/// Sends `head` and the first bytes of a body announced as 20 MB, never the rest, and reads
/// the answer: the status, and whether it came before the body was sent whole.
fn partial_upload(address: &str, head: &str) -> u16 {
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    stream
        .write_all(b"------rtp\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.pdf\"\r\n\r\n%PDF-1.4\n")
        .unwrap();
    stream.write_all(&vec![b'x'; 64 * 1024]).unwrap();
    let mut answer = [0u8; 64];
    let read = stream.read(&mut answer).unwrap_or(0);
    String::from_utf8_lossy(&answer[..read])
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

/// An upload to a task the user may not report on is refused before its body is received
/// (the body here never ends: an answer at all means it was not waited for).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_nobody_may_send_is_refused_before_its_body_is_read() {
    let (database, pool) = fresh_database(false).await;
    // A task of Sở TN&MT that Ba Đình does not coordinate.
    let app = TestApp::empty_through(pool.clone(), database.clone()).await;
    let task = stnmt_task(&app).await;
    pool.close().await;
    let server = tokio::task::spawn_blocking(move || Server::start(&database, &[]))
        .await
        .unwrap();
    let address = server.url.trim_start_matches("http://").to_owned();
    let status = tokio::task::spawn_blocking(move || {
        // Signed in through the sign-in form, as a browser would.
        let form = format!(
            "username=badinh.cb1&password={}&next=%2F",
            build::PASSWORD.replace('@', "%40")
        );
        let mut stream = std::net::TcpStream::connect(&address).unwrap();
        write!(
            stream,
            "POST /signin HTTP/1.1\r\nHost: {address}\r\nOrigin: http://{address}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n{form}",
            form.len()
        )
        .unwrap();
        let mut text = String::new();
        let _ = stream.read_to_string(&mut text);
        let cookie = text
            .lines()
            .find_map(|l| {
                let l = l
                    .strip_prefix("set-cookie: ")
                    .or_else(|| l.strip_prefix("Set-Cookie: "))?;
                l.split(';').next().filter(|c| !c.starts_with("lang="))
            })
            .unwrap_or_else(|| panic!("no session cookie: {text}"))
            .to_owned();
        let started = Instant::now();
        let status = partial_upload(
            &address,
            &format!(
                "POST /tasks/{task}/progress HTTP/1.1\r\nHost: {address}\r\n\
                 Origin: http://{address}\r\nCookie: {cookie}\r\n\
                 Content-Type: multipart/form-data; boundary=----rtp\r\n\
                 Content-Length: 20971520\r\n\r\n"
            ),
        );
        assert!(started.elapsed() < Duration::from_secs(5));
        (status, server)
    })
    .await
    .unwrap();
    assert_eq!(status.0, 403);
}
