//! Test harness. Needs nothing running: without `TEST_DATABASE_URL` it starts one embedded
//! PostgreSQL cluster per test run in a temporary directory (stopped and removed when the run
//! ends), migrates a template database once, and gives every test a fresh database cloned from
//! it (cloning is fast). With `TEST_DATABASE_URL` it does the same on that server. The demo
//! data is loaded into a second template when a test first asks for it.
//!
//! Tests call the real router (`remediation_portal::web::router`).

#![allow(dead_code)]

pub mod browser;
pub mod build;
pub mod proxy;
pub mod server;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use std::net::SocketAddr;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request, StatusCode};
use chrono::{DateTime, Utc};
use http_body_util::BodyExt;
use remediation_portal::config::Config;
use remediation_portal::db;
use remediation_portal::domain::clock::{Clock, FixedClock};
use remediation_portal::embedded::{EmbeddedOptions, EmbeddedPostgres};
use remediation_portal::web::{self, AppState, http, session};
use scraper::{Html, Selector};
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, PgPool};
use tower::ServiceExt;

/// The migrated, empty template.
const TEMPLATE: &str = "rtp_template";
/// The template with the demo data loaded.
const DEMO_TEMPLATE: &str = "rtp_template_demo";

/// The server every test database lives on.
pub struct Cluster {
    /// Connects to a database by name.
    base: PgConnectOptions,
    /// `DATABASE_URL` for a database of this server, for child processes: `{db}` is replaced.
    url_pattern: String,
    /// The instant the demo template's data is generated as of.
    pub demo_now: DateTime<Utc>,
}

impl Cluster {
    pub fn options(&self, database: &str) -> PgConnectOptions {
        self.base.clone().database(database)
    }

    pub fn url(&self, database: &str) -> String {
        self.url_pattern.replace("{db}", database)
    }
}

/// The embedded server and its directory, stopped and removed at process exit.
static EMBEDDED: Mutex<Option<(EmbeddedPostgres, tempfile::TempDir)>> = Mutex::new(None);

/// The cluster for this test run, started on first use.
pub fn cluster() -> &'static Cluster {
    static CLUSTER: OnceLock<Cluster> = OnceLock::new();
    CLUSTER.get_or_init(|| {
        let (sender, receiver) = std::sync::mpsc::channel();
        // The postmaster is tied to the thread that spawned it (it stops if that thread ends),
        // so it is spawned from a thread that lives as long as the test process.
        std::thread::spawn(move || {
            let result = std::panic::catch_unwind(start_cluster);
            let failed = result.is_err();
            let _ = sender.send(result);
            if failed {
                return;
            }
            loop {
                std::thread::park();
            }
        });
        match receiver.recv() {
            Ok(Ok(cluster)) => cluster,
            _ => panic!("the test database cluster could not be started"),
        }
    })
}

fn start_cluster() -> Cluster {
    let (base, url_pattern) = match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => {
            let options: PgConnectOptions = url.parse().expect("TEST_DATABASE_URL is a valid URL");
            let pattern = match url.rfind('/') {
                Some(slash) if url[slash..].find('?').is_none() => {
                    format!("{}/{{db}}", &url[..slash])
                }
                Some(slash) => {
                    let query = &url[slash..][url[slash..].find('?').unwrap()..];
                    format!("{}/{{db}}{query}", &url[..slash])
                }
                None => panic!("TEST_DATABASE_URL needs a database path"),
            };
            (options, pattern)
        }
        _ => {
            let dir = tempfile::Builder::new()
                .prefix("rtp-test-")
                .tempdir()
                .expect("a temporary directory");
            let server = EmbeddedPostgres::start(&EmbeddedOptions {
                data_dir: dir.path().to_path_buf(),
                pg_bin: std::env::var_os("PG_BIN").map(PathBuf::from),
                fast_unsafe: true,
            })
            .expect("the embedded PostgreSQL starts");
            let options = server.connect_options("postgres");
            let pattern = server.url("{db}").replace("%7Bdb%7D", "{db}");
            *EMBEDDED.lock().unwrap() = Some((server, dir));
            register_cleanup();
            (options, pattern)
        }
    };
    let demo_now = Utc::now();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let admin = PgPool::connect_with(base.clone().database("postgres"))
            .await
            .expect("connects to the test server");
        drop_stale_databases(&admin).await;
        for name in [DEMO_TEMPLATE, TEMPLATE] {
            sqlx::raw_sql(&format!("drop database if exists {name} with (force)"))
                .execute(&admin)
                .await
                .unwrap();
        }
        sqlx::raw_sql(&format!("create database {TEMPLATE}"))
            .execute(&admin)
            .await
            .unwrap();
        let pool = PgPool::connect_with(base.clone().database(TEMPLATE))
            .await
            .unwrap();
        db::migrate(&pool).await.expect("migrations apply");
        pool.close().await;
        admin.close().await;
    });
    Cluster {
        base: base.disable_statement_logging(),
        url_pattern,
        demo_now,
    }
}

/// The template with the demo data, loaded on first use: a run whose tests all build their
/// own world never loads it.
fn demo_template() -> &'static str {
    static LOADED: OnceLock<()> = OnceLock::new();
    LOADED.get_or_init(|| {
        // On a thread of its own, with its own runtime: the caller is inside a test's runtime.
        std::thread::spawn(load_demo_template)
            .join()
            .expect("the demo data loads");
    });
    DEMO_TEMPLATE
}

fn load_demo_template() {
    let cluster = cluster();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let admin = PgPool::connect_with(cluster.options("postgres"))
            .await
            .unwrap();
        clone_database(&admin, DEMO_TEMPLATE, TEMPLATE).await;
        admin.close().await;
        let pool = PgPool::connect_with(cluster.options(DEMO_TEMPLATE))
            .await
            .unwrap();
        let tz = chrono_tz::Asia::Ho_Chi_Minh;
        remediation_portal::seed::load_demo(&pool, cluster.demo_now, tz, 30)
            .await
            .expect("demo data loads");
        pool.close().await;
    });
}

/// Creates `name` as a copy of `template`. Copies of one template cannot start at the same
/// instant; it retries briefly if they collide.
async fn clone_database(admin: &PgPool, name: &str, template: &str) {
    let mut attempt = 0;
    loop {
        match sqlx::raw_sql(&format!("create database {name} template {template}"))
            .execute(admin)
            .await
        {
            Ok(_) => return,
            Err(_) if attempt < 50 => {
                attempt += 1;
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            Err(e) => panic!("cloning {template}: {e}"),
        }
    }
}

/// Databases left by earlier runs on a shared server (`TEST_DATABASE_URL`).
async fn drop_stale_databases(admin: &PgPool) {
    let names: Vec<String> =
        sqlx::query_scalar("select datname from pg_database where datname like 'rtp\\_t\\_%'")
            .fetch_all(admin)
            .await
            .unwrap_or_default();
    for name in names {
        let _ = sqlx::raw_sql(&format!("drop database if exists {name} with (force)"))
            .execute(admin)
            .await;
    }
}

#[expect(
    unsafe_code,
    reason = "atexit is the hook that runs when the test process ends"
)]
fn register_cleanup() {
    extern "C" fn stop_embedded() {
        if let Ok(mut guard) = EMBEDDED.lock()
            && let Some((server, dir)) = guard.take()
        {
            let _ = server.stop();
            drop(dir);
        }
    }
    // SAFETY: registers a plain function with no arguments; it runs once at process exit.
    unsafe {
        libc::atexit(stop_embedded);
    }
}

/// A fresh database for one test: empty (migrated) or with the demo data.
pub async fn fresh_database(with_demo: bool) -> (String, PgPool) {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let cluster = cluster();
    let name = format!(
        "rtp_t_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    );
    let template = if with_demo { demo_template() } else { TEMPLATE };
    let admin = PgPool::connect_with(cluster.options("postgres"))
        .await
        .unwrap();
    clone_database(&admin, &name, template).await;
    admin.close().await;
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(5)
        .connect_with(cluster.options(&name))
        .await
        .unwrap();
    (name, pool)
}

/// The configuration tests run with (the process environment is not read).
pub fn test_config() -> Config {
    let mut config = Config::from_lookup(|_| None).expect("defaults are valid");
    // Uploads are received into files under the data directory: one of the test run's own.
    static DATA_DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    config.data_dir = DATA_DIR
        .get_or_init(|| tempfile::tempdir().expect("a temporary directory"))
        .path()
        .to_path_buf();
    config
}

/// The portal's router on a fresh database, and helpers to call it.
pub struct TestApp {
    pub pool: PgPool,
    pub database: String,
    pub state: AppState,
    pub clock: Arc<FixedClock>,
    router: Router,
}

impl TestApp {
    /// With the demo data, as of the moment it was generated.
    pub async fn with_demo() -> TestApp {
        let (database, pool) = fresh_database(true).await;
        TestApp::build(database, pool, cluster().demo_now)
    }

    /// An empty, migrated database.
    pub async fn empty() -> TestApp {
        let (database, pool) = fresh_database(false).await;
        TestApp::build(database, pool, Utc::now())
    }

    /// An empty, migrated database and a configuration changed by `change`.
    pub async fn empty_with_config(change: impl FnOnce(&mut Config)) -> TestApp {
        let (database, pool) = fresh_database(false).await;
        let mut config = test_config();
        change(&mut config);
        TestApp::build_with(database, pool, Utc::now(), config)
    }

    /// With the demo data and a configuration changed by `change`.
    pub async fn with_demo_config(change: impl FnOnce(&mut Config)) -> TestApp {
        let (database, pool) = fresh_database(true).await;
        let mut config = test_config();
        change(&mut config);
        TestApp::build_with(database, pool, cluster().demo_now, config)
    }

    /// An empty, migrated database served through `pool` (one the test made, to a proxy say).
    pub async fn empty_through(pool: PgPool, database: String) -> TestApp {
        TestApp::build(database, pool, Utc::now())
    }

    fn build(database: String, pool: PgPool, now: DateTime<Utc>) -> TestApp {
        TestApp::build_with(database, pool, now, test_config())
    }

    fn build_with(database: String, pool: PgPool, now: DateTime<Utc>, config: Config) -> TestApp {
        let clock = Arc::new(FixedClock::new(now));
        let state = AppState::new(pool.clone(), config, clock.clone() as Arc<dyn Clock>);
        let router = web::router(state.clone());
        TestApp {
            pool,
            database,
            state,
            clock,
            router,
        }
    }

    /// The same database and clock, through a pool that logs every statement at debug level
    /// (for a test that counts them).
    pub async fn logging_statements(self) -> TestApp {
        // Both levels: the cluster's options turn statement logging off with a zero "slow"
        // threshold, which makes every statement a slow one.
        let options = cluster()
            .options(&self.database)
            .log_statements(tracing::log::LevelFilter::Debug)
            .log_slow_statements(
                tracing::log::LevelFilter::Debug,
                std::time::Duration::from_secs(3600),
            );
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(5)
            .connect_with(options)
            .await
            .unwrap();
        let config = (*self.state.config).clone();
        TestApp::build_with(self.database, pool, self.clock.now(), config)
    }

    /// Signs `username` in without a password (a session row, as a real sign-in makes).
    pub async fn session_for(&self, username: &str) -> TestSession {
        let token = http::random_token();
        let csrf = http::random_token();
        let (user_id,): (i64,) = sqlx::query_as("select id from users where username = $1")
            .bind(username)
            .fetch_one(&self.pool)
            .await
            .unwrap_or_else(|e| panic!("no user {username}: {e}"));
        sqlx::query(
            "insert into sessions (id, user_id, csrf_token, expires_at, last_seen_at)
             values ($1, $2, $3, $4 + interval '12 hours', $4)",
        )
        .bind(session::session_id(&token))
        .bind(user_id)
        .bind(&csrf)
        .bind(self.clock.now())
        .execute(&self.pool)
        .await
        .unwrap();
        TestSession {
            cookie: format!("{}={token}", session::SESSION_COOKIE),
            csrf,
        }
    }

    /// Signs `username` in through the sign-in form, as a person does: the session cookie it
    /// sets and the CSRF token of the page it leads to.
    pub async fn signed_in(&self, username: &str, password: &str) -> TestSession {
        let response = self.sign_in(username, password).await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
        let cookie = response
            .session_cookie()
            .unwrap_or_else(|| panic!("{username} got no session"));
        let home = self.get_with("/", &[("cookie", &cookie)]).await;
        let csrf = home.attr("input[name=_csrf]", "value");
        TestSession { cookie, csrf }
    }

    /// GET as a signed-in user.
    pub async fn get_as(&self, session: &TestSession, path: &str) -> TestResponse {
        self.get_with(path, &[("cookie", &session.cookie)]).await
    }

    /// POST a form as a signed-in user, from the portal's own pages (CSRF token and Origin).
    pub async fn post_as(
        &self,
        session: &TestSession,
        path: &str,
        fields: &[(&str, &str)],
    ) -> TestResponse {
        let mut all: Vec<(&str, &str)> = vec![("_csrf", &session.csrf)];
        all.extend_from_slice(fields);
        self.post_form(
            path,
            &all,
            &[
                ("cookie", &session.cookie),
                ("origin", "http://portal.test"),
            ],
        )
        .await
    }

    /// POST a multipart form with one file, as a signed-in user from the portal's pages.
    pub async fn post_file_as(
        &self,
        session: &TestSession,
        path: &str,
        field: &str,
        file_name: &str,
        content: &[u8],
    ) -> TestResponse {
        self.post_multipart_as(session, path, &[], &[(field, file_name, content)])
            .await
    }

    /// POST a multipart form (text fields and files `(field, file name, content)`), as a
    /// signed-in user from the portal's pages.
    pub async fn post_multipart_as(
        &self,
        session: &TestSession,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> TestResponse {
        let boundary = "----rtp-test-boundary";
        let mut body = Vec::new();
        let mut all: Vec<(&str, &str)> = vec![("_csrf", &session.csrf)];
        all.extend_from_slice(fields);
        for (name, value) in all {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        for (field, file_name, content) in files {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(content);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let request = Request::post(path)
            .header("host", "portal.test")
            .header("origin", "http://portal.test")
            .header("cookie", &session.cookie)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(body))
            .unwrap();
        self.send(request).await
    }

    /// The version an edit form carries (`input[name=version]` of the page at `edit`), to
    /// send with a hand-built save as the browser would.
    pub async fn version(&self, session: &TestSession, edit: &str) -> String {
        let page = self.get_as(session, edit).await;
        assert_eq!(page.status, StatusCode::OK, "{edit}");
        page.attr("input[name=version]", "value")
    }

    /// Signs in through the sign-in form, as a browser would.
    pub async fn sign_in(&self, username: &str, password: &str) -> TestResponse {
        self.post_form(
            "/signin",
            &[
                ("username", username),
                ("password", password),
                ("next", "/"),
            ],
            &[("origin", "http://portal.test")],
        )
        .await
    }

    /// POST a URL-encoded form with the given headers (and `Host: portal.test`).
    pub async fn post_form(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> TestResponse {
        let body = serde_urlencoded::to_string(fields).unwrap();
        let mut request = Request::post(path)
            .header("host", "portal.test")
            .header("content-type", "application/x-www-form-urlencoded");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request.body(Body::from(body)).unwrap()).await
    }

    /// Sends a GET with the given extra headers.
    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> TestResponse {
        let mut request = Request::get(path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request.body(Body::empty()).unwrap()).await
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        self.get_with(path, &[]).await
    }

    pub async fn send(&self, mut request: Request<Body>) -> TestResponse {
        // As the real server does, tell the handlers who is calling (one test client).
        if request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .is_none()
        {
            request
                .extensions_mut()
                .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))));
        }
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        TestResponse {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes,
        }
    }
}

/// A signed-in browser: its session cookie and the CSRF token its pages carry.
#[derive(Debug, Clone)]
pub struct TestSession {
    pub cookie: String,
    pub csrf: String,
}

/// A response, read whole.
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
    /// The body as it came (a download that is not text).
    pub bytes: axum::body::Bytes,
}

impl TestResponse {
    pub fn html(&self) -> Html {
        Html::parse_document(&self.body)
    }

    /// The session cookie this response sets, as a `Cookie` header value.
    pub fn session_cookie(&self) -> Option<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(session::SESSION_COOKIE))
            .map(|v| v.split(';').next().unwrap_or("").to_owned())
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// How many elements match `selector`.
    pub fn count(&self, selector: &str) -> usize {
        let selector = Selector::parse(selector).unwrap();
        self.html().select(&selector).count()
    }

    /// The text of every element matching `selector`, whitespace folded.
    pub fn texts(&self, selector: &str) -> Vec<String> {
        let selector = Selector::parse(selector).unwrap();
        self.html()
            .select(&selector)
            .map(|e| {
                e.text()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    /// The attribute `name` of the first element matching `selector`.
    pub fn attr(&self, selector: &str, name: &str) -> String {
        let parsed = Selector::parse(selector).unwrap();
        self.html()
            .select(&parsed)
            .next()
            .unwrap_or_else(|| panic!("nothing matches {selector}"))
            .value()
            .attr(name)
            .unwrap_or_else(|| panic!("{selector} has no {name}"))
            .to_owned()
    }

    /// What a browser would send for the form `selector` as shown, unchanged: its inputs
    /// (checkboxes and radios only when checked), selects (the selected options) and text
    /// areas, in page order.
    pub fn form_fields(&self, selector: &str) -> Vec<(String, String)> {
        let html = self.html();
        let form = Selector::parse(selector).unwrap();
        let fields = Selector::parse("input[name], select[name], textarea[name]").unwrap();
        let selected = Selector::parse("option[selected]").unwrap();
        let first = Selector::parse("option").unwrap();
        let form = html
            .select(&form)
            .next()
            .unwrap_or_else(|| panic!("nothing matches {selector}"));
        let mut sent = Vec::new();
        for field in form.select(&fields) {
            let element = field.value();
            let name = element.attr("name").unwrap().to_owned();
            match element.name() {
                "input" => {
                    let kind = element.attr("type").unwrap_or("text");
                    if matches!(kind, "checkbox" | "radio") && element.attr("checked").is_none() {
                        continue;
                    }
                    if matches!(kind, "file" | "submit" | "button") {
                        continue;
                    }
                    let value =
                        element
                            .attr("value")
                            .unwrap_or(if kind == "checkbox" { "on" } else { "" });
                    sent.push((name, value.to_owned()));
                }
                "select" => {
                    let chosen: Vec<String> = field
                        .select(&selected)
                        .map(|o| o.value().attr("value").unwrap_or("").to_owned())
                        .collect();
                    if chosen.is_empty() {
                        if let Some(o) = field.select(&first).next() {
                            sent.push((name, o.value().attr("value").unwrap_or("").to_owned()));
                        }
                    } else {
                        sent.extend(chosen.into_iter().map(|v| (name.clone(), v)));
                    }
                }
                _ => sent.push((name, field.text().collect())),
            }
        }
        sent
    }

    /// The text of the first element matching `selector`.
    pub fn text(&self, selector: &str) -> String {
        self.texts(selector)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("nothing matches {selector}"))
    }
}

/// The total a list page reports ("Trang 1/3 · 120 kết quả"); 0 for an empty list.
pub fn list_total(page: &TestResponse) -> i64 {
    if page.count(".page-of") == 0 {
        return 0;
    }
    let text = page.text(".page-of");
    text.split('·')
        .nth(1)
        .and_then(|t| t.split_whitespace().next())
        .and_then(|n| n.replace(['.', ','], "").parse().ok())
        .unwrap_or_else(|| panic!("no total in {text}"))
}

/// The first open task (by id) that the unit `code` leads, in the demo data.
pub async fn open_task_of(app: &TestApp, code: &str) -> i64 {
    scalar(
        app,
        &format!(
            "select t.id from tasks t join units u on u.id = t.lead_unit_id
             where u.code = '{code}' and t.status <> 'done' order by t.id limit 1"
        ),
    )
    .await
}

/// Posts a reminder about `task` to its lead unit `lead` (the reminder form), to `path` when
/// given (a form's own action), else to the task's reminders.
pub async fn remind(
    app: &TestApp,
    session: &TestSession,
    task: i64,
    lead: &str,
    (doc_number, message): (&str, &str),
) -> TestResponse {
    let lead = unit_id(app, lead).await.to_string();
    app.post_as(
        session,
        &format!("/tasks/{task}/reminders"),
        &[
            ("to", &lead),
            ("doc_number", doc_number),
            ("message", message),
        ],
    )
    .await
}

/// The one value `sql` selects (the tests' shorthand for looking at the database).
pub async fn scalar<T>(app: &TestApp, sql: &str) -> T
where
    T: for<'r> sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres> + Send + Unpin,
{
    sqlx::query_scalar(sql)
        .fetch_one(&app.pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// The id of the unit with `code`.
pub async fn unit_id(app: &TestApp, code: &str) -> i64 {
    scalar(app, &format!("select id from units where code = '{code}'")).await
}

/// (actor username, unit id, entity id, before, after) of an audit entry.
pub type AuditRow = (
    String,
    Option<i64>,
    Option<String>,
    Option<serde_json::Value>,
    Option<serde_json::Value>,
);

/// The audit entries of `action` on `entity` made by a user, oldest first.
pub async fn audit_entries(app: &TestApp, entity: &str, action: &str) -> Vec<AuditRow> {
    sqlx::query_as(
        "select u.username, a.unit_id, a.entity_id, a.before, a.after
         from audit_log a join users u on u.id = a.actor_id
         where a.action = $1 and a.entity = $2 order by a.id",
    )
    .bind(action)
    .bind(entity)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}
