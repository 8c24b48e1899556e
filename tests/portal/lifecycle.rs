//! The real binary, as an operator runs it: embedded PostgreSQL life cycle, configuration
//! errors, an external database, the subcommands.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use sqlx::postgres::PgConnectOptions;

use crate::common::{cluster, fresh_database};

const BINARY: &str = env!("CARGO_BIN_EXE_remediation-portal");

/// A running portal process and what it printed.
struct Portal {
    child: Child,
    output: Arc<Mutex<String>>,
}

impl Portal {
    fn command(data_dir: &Path) -> Command {
        let mut command = Command::new(BINARY);
        for (name, _) in std::env::vars() {
            if name.starts_with("PORTAL_") || name == "DATABASE_URL" {
                command.env_remove(name);
            }
        }
        command
            .env("PORTAL_DATA_DIR", data_dir)
            .env("PORTAL_BIND", "127.0.0.1:0")
            .env("PORTAL_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }

    fn spawn(mut command: Command) -> Portal {
        let mut child = command.spawn().expect("the portal binary starts");
        let output = Arc::new(Mutex::new(String::new()));
        for stream in [
            child
                .stdout
                .take()
                .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
            child
                .stderr
                .take()
                .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
        ]
        .into_iter()
        .flatten()
        {
            let output = output.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let mut out = output.lock().unwrap();
                    out.push_str(&line);
                    out.push('\n');
                }
            });
        }
        Portal { child, output }
    }

    fn output(&self) -> String {
        self.output.lock().unwrap().clone()
    }

    /// Waits for the address the portal prints once it serves.
    fn address(&mut self) -> String {
        let started = Instant::now();
        loop {
            let output = self.output();
            if let Some(at) = output.find("http://127.0.0.1:") {
                let rest = &output[at..];
                let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                return rest[..end].to_owned();
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("the portal exited ({status}) before serving:\n{output}");
            }
            assert!(
                started.elapsed() < Duration::from_secs(180),
                "no address printed:\n{output}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn signal(&self, signal: Signal) {
        kill(Pid::from_raw(self.child.id() as i32), signal).unwrap();
    }

    fn wait(&mut self) -> ExitStatus {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Let the reader threads drain the pipes.
                std::thread::sleep(Duration::from_millis(100));
                return status;
            }
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "the portal did not exit:\n{}",
                self.output()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Portal {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn get(url: &str) -> (u16, String) {
    let output = Command::new("curl")
        .args([
            "-s",
            "-o",
            "-",
            "-w",
            "\n%{http_code}",
            "-H",
            "Accept-Language: vi",
            url,
        ])
        .output()
        .expect("curl runs");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let (body, code) = text.rsplit_once('\n').unwrap_or(("", "0"));
    (code.trim().parse().unwrap_or(0), body.to_owned())
}

/// PostgreSQL processes serving a cluster under `dir`.
fn postgres_processes(dir: &Path) -> Vec<String> {
    let needle = dir.to_string_lossy().into_owned();
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        if !entry
            .file_name()
            .to_string_lossy()
            .chars()
            .all(|c| c.is_ascii_digit())
        {
            continue;
        }
        let Ok(raw) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let cmdline = String::from_utf8_lossy(&raw).replace('\0', " ");
        if cmdline.contains("postgres") && cmdline.contains(&needle) {
            found.push(cmdline);
        }
    }
    found
}

fn wait_until(what: &str, mut condition: impl FnMut() -> bool) {
    let started = Instant::now();
    while !condition() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn embedded_db(data_dir: &Path) -> PgConnectOptions {
    PgConnectOptions::new()
        .socket(data_dir.join("run"))
        .port(5432)
        .username("postgres")
        .database("portal")
}

#[tokio::test(flavor = "multi_thread")]
async fn embedded_database_first_start_restart_stop_and_crash() {
    let dir = tempfile::Builder::new()
        .prefix("rtp-life-")
        .tempdir()
        .unwrap();
    let data = dir.path().join("data");

    // First start: creates the cluster, loads the demo data, prints address and sign-ins.
    let mut first = Portal::spawn(Portal::command(&data));
    let url = first.address();
    assert_eq!(get(&format!("{url}/healthz")).0, 200);
    let output = first.output();
    assert!(
        output.contains("admin"),
        "demo sign-ins are printed:\n{output}"
    );
    assert!(output.contains("KhacPhuc@2019"));
    assert!(data.join("postgres/PG_VERSION").is_file());
    let (status, signin) = get(&format!("{url}/signin"));
    assert_eq!(status, 200);
    assert!(signin.contains("id=\"signin-form\""));

    // Only the portal can reach the database: no TCP port, a socket in a private directory.
    let conf = std::fs::read_to_string(data.join("postgres/postmaster.pid")).unwrap();
    assert!(
        conf.lines().nth(5).unwrap_or("").trim().is_empty(),
        "listens on TCP: {conf}"
    );
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(data.join("run")).unwrap().permissions(),
    );
    assert_eq!(mode & 0o077, 0, "socket directory is private");

    let pool = sqlx::PgPool::connect_with(embedded_db(&data))
        .await
        .unwrap();
    sqlx::query("insert into app_meta (key, value) values ('lifecycle', 'kept')")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;

    // A second portal on the same data directory is refused and harms nothing.
    let mut second = Portal::spawn(Portal::command(&data));
    let status = second.wait();
    assert!(!status.success());
    assert!(
        second
            .output()
            .contains("another portal is already using the data directory"),
        "{}",
        second.output()
    );
    assert_eq!(
        get(&format!("{url}/healthz")).0,
        200,
        "the first portal still serves"
    );

    // SIGTERM: clean stop, no database process left.
    first.signal(Signal::SIGTERM);
    assert!(first.wait().success(), "{}", first.output());
    assert!(first.output().contains("embedded PostgreSQL stopped"));
    assert!(
        postgres_processes(&data).is_empty(),
        "{:?}",
        postgres_processes(&data)
    );

    // Restart: the data is kept and no demo data is loaded again.
    let mut again = Portal::spawn(Portal::command(&data));
    let url = again.address();
    assert!(!again.output().contains("loading the demo data"));
    let pool = sqlx::PgPool::connect_with(embedded_db(&data))
        .await
        .unwrap();
    let kept: String = sqlx::query_scalar("select value from app_meta where key = 'lifecycle'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(kept, "kept");
    let shortcomings: i64 = sqlx::query_scalar("select count(*) from shortcomings")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(shortcomings, 33);
    pool.close().await;
    assert_eq!(get(&format!("{url}/healthz")).0, 200);

    // A crash (SIGKILL): the database does not outlive the portal, and the next start recovers
    // from the stale postmaster.pid on its own.
    again.signal(Signal::SIGKILL);
    again.wait();
    wait_until("the database to stop after the portal died", || {
        postgres_processes(&data).is_empty()
    });
    let pid_file = data.join("postgres/postmaster.pid");
    if !pid_file.exists() {
        // Leave a stale one, as a power cut would.
        std::fs::write(
            &pid_file,
            format!("999999\n{}\n", data.join("postgres").display()),
        )
        .unwrap();
    }
    let mut recovered = Portal::spawn(Portal::command(&data));
    let url = recovered.address();
    assert_eq!(get(&format!("{url}/healthz")).0, 200);
    recovered.signal(Signal::SIGINT);
    assert!(recovered.wait().success(), "{}", recovered.output());
    assert!(postgres_processes(&data).is_empty());

    // The database shut down from outside: the portal notices, stops cleanly and says why.
    let mut orphaned = Portal::spawn(Portal::command(&data));
    orphaned.address();
    kill(postmaster_pid(&pid_file), Signal::SIGINT).unwrap();
    assert!(orphaned.wait().success(), "{}", orphaned.output());
    assert!(
        orphaned.output().contains("shut down from outside"),
        "{}",
        orphaned.output()
    );
    assert!(postgres_processes(&data).is_empty());

    // The database crashes: the portal stops with an error.
    let mut crashed = Portal::spawn(Portal::command(&data));
    crashed.address();
    kill(postmaster_pid(&pid_file), Signal::SIGKILL).unwrap();
    let killed = Instant::now();
    assert!(!crashed.wait().success());
    assert!(
        killed.elapsed() < Duration::from_secs(15),
        "the portal outlived its database by {:?}",
        killed.elapsed()
    );
    assert!(
        crashed.output().contains("stopped unexpectedly"),
        "{}",
        crashed.output()
    );
    wait_until("the crashed server's children to exit", || {
        postgres_processes(&data).is_empty()
    });
    // The next start recovers the database and says so in the portal's own log.
    let mut after_crash = Portal::spawn(Portal::command(&data));
    after_crash.address();
    assert!(
        after_crash
            .output()
            .contains("recovered it from its write-ahead log"),
        "{}",
        after_crash.output()
    );
    after_crash.signal(Signal::SIGINT);
    assert!(after_crash.wait().success(), "{}", after_crash.output());
}

fn postmaster_pid(pid_file: &Path) -> Pid {
    let text = std::fs::read_to_string(pid_file).unwrap();
    Pid::from_raw(text.lines().next().unwrap().trim().parse().unwrap())
}

#[test]
fn missing_postgresql_binaries_give_one_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let empty_bin = dir.path().join("bin");
    std::fs::create_dir(&empty_bin).unwrap();
    let mut command = Portal::command(&dir.path().join("data"));
    command.env("PG_BIN", &empty_bin);
    let mut portal = Portal::spawn(command);
    let status = portal.wait();
    assert!(!status.success());
    let output = portal.output();
    assert!(output.contains("PostgreSQL server binaries"), "{output}");
    assert!(output.contains("apt-get install postgresql"), "{output}");
}

#[test]
fn a_bad_configuration_value_stops_with_one_line_naming_it() {
    for (var, value) in [
        ("PORTAL_TIME_ZONE", "Mars/Olympus"),
        ("PORTAL_BIND", "everywhere"),
        ("PORTAL_DEFAULT_LANG", "fr"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let mut command = Portal::command(dir.path());
        command.env(var, value);
        let output = command.output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{var}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(lines.len(), 1, "{stderr}");
        assert!(lines[0].contains(var), "{stderr}");
        // Nothing was started or created.
        assert!(!dir.path().join("postgres").exists());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn with_database_url_it_uses_that_server_and_loads_no_demo_data() {
    let (name, pool) = fresh_database(false).await;
    // An empty database that has never been migrated.
    sqlx::raw_sql("drop schema public cascade; create schema public;")
        .execute(&pool)
        .await
        .unwrap();
    let url = cluster().url(&name);
    let dir = tempfile::tempdir().unwrap();

    let mut command = Portal::command(dir.path());
    command.env("DATABASE_URL", &url);
    let mut portal = Portal::spawn(command);
    let address = portal.address();
    assert_eq!(get(&format!("{address}/signin")).0, 200);
    let shortcomings: i64 = sqlx::query_scalar("select count(*) from shortcomings")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(shortcomings, 0, "no demo data without seed-demo");
    assert!(
        !dir.path().join("postgres").exists(),
        "no embedded cluster was created"
    );
    let migrated: i64 = sqlx::query_scalar("select count(*) from _sqlx_migrations")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(migrated >= 1);
    portal.signal(Signal::SIGTERM);
    assert!(portal.wait().success());

    // seed-demo loads the demo data once, and refuses a database that holds data.
    let seed = |url: &str| {
        let mut command = Portal::command(dir.path());
        command.env("DATABASE_URL", url).arg("seed-demo");
        command.output().unwrap()
    };
    let first = seed(&url);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let shortcomings: i64 = sqlx::query_scalar("select count(*) from shortcomings")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(shortcomings, 33);
    let again = seed(&url);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already holds data"));

    // migrate on its own.
    let mut command = Portal::command(dir.path());
    command.env("DATABASE_URL", &url).arg("migrate");
    let output = command.output().unwrap();
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("Migrations applied"));
}

#[tokio::test(flavor = "multi_thread")]
async fn create_admin_bootstraps_an_empty_installation() {
    let (name, pool) = fresh_database(false).await;
    let url = cluster().url(&name);
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let mut command = Portal::command(dir.path());
        command
            .env("DATABASE_URL", &url)
            .arg("create-admin")
            .args(args);
        command.output().unwrap()
    };
    let output = run(&["quantri", "--name", "Nguyễn Thị Quản Trị"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let temporary = stdout
        .split("Temporary password: ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap()
        .to_owned();
    let (hash, must_change, role, unit): (String, bool, String, String) = sqlx::query_as(
        "select u.password_hash, u.must_change_password, u.role::text, un.code
         from users u join units un on un.id = u.unit_id where u.username = 'quantri'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(remediation_portal::domain::password::verify(
        &temporary, &hash
    ));
    assert!(must_change);
    assert_eq!((role.as_str(), unit.as_str()), ("admin", "VPUB"));
    let again = run(&["quantri"]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
}
