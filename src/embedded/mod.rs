//! The embedded PostgreSQL: a private cluster in `<data dir>/postgres`, run with the server
//! binaries installed on the machine, reachable only through a Unix socket in a directory only
//! its owner can enter. One portal at a time owns a data directory (a lock file says which).
//!
//! The life cycle is synchronous on purpose: the postmaster is spawned from the thread that
//! will also stop it, and is told by the kernel (parent-death signal) to shut down if the
//! portal dies without stopping it.

mod binaries;
mod error;

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use nix::fcntl::{Flock, FlockArg};
use nix::sys::signal::{Signal, kill};
use nix::unistd::{Pid, Uid, User};
use sqlx::postgres::PgConnectOptions;

pub use binaries::{PgBinaries, find_binaries};
pub use error::EmbeddedError;

/// The port number only names the socket file; nothing listens on TCP.
const PORT: u16 = 5432;
/// The superuser initdb creates; the portal connects as it over the private socket.
pub const SUPERUSER: &str = "postgres";
/// Unix socket paths are limited to 107 bytes; longer data directories use a private
/// directory under /tmp for the socket instead.
const MAX_SOCKET_PATH: usize = 100;

fn io_err(context: impl Into<String>) -> impl FnOnce(io::Error) -> EmbeddedError {
    let context = context.into();
    move |source| EmbeddedError::Io { context, source }
}

/// How to start the embedded cluster.
#[derive(Debug, Clone)]
pub struct EmbeddedOptions {
    /// The portal's data directory; the cluster lives in its `postgres` subdirectory.
    pub data_dir: PathBuf,
    /// Where the server binaries are (`PG_BIN`), or `None` to search for them.
    pub pg_bin: Option<PathBuf>,
    /// Trade durability for speed (fsync off): for the test harness only.
    pub fast_unsafe: bool,
}

/// A running embedded cluster. Stop it with [`EmbeddedPostgres::stop`]; dropping it stops it too.
#[derive(Debug)]
pub struct EmbeddedPostgres {
    pgdata: PathBuf,
    socket_dir: PathBuf,
    private_socket_dir: bool,
    log_path: PathBuf,
    child: Arc<Mutex<Option<Child>>>,
    freshly_initialised: bool,
    version: String,
    /// Where this start's lines begin in `postgres.log`.
    log_start: u64,
    _lock: Flock<File>,
}

impl EmbeddedPostgres {
    /// Takes the data directory's lock, initialises the cluster if needed, starts the server
    /// and waits until it accepts connections.
    pub fn start(options: &EmbeddedOptions) -> Result<Self, EmbeddedError> {
        fs::create_dir_all(&options.data_dir)
            .map_err(io_err(format!("creating {}", options.data_dir.display())))?;
        let data_dir = options
            .data_dir
            .canonicalize()
            .map_err(io_err(format!("resolving {}", options.data_dir.display())))?;
        let lock = take_lock(&data_dir)?;

        let binaries = find_binaries(options.pg_bin.as_deref())?;
        let run_as = service_user()?;
        let pgdata = data_dir.join("postgres");
        let log_path = data_dir.join("postgres.log");

        let freshly_initialised = if has_cluster(&pgdata)? {
            check_version(&pgdata, &binaries)?;
            false
        } else {
            initdb(&binaries, &pgdata, &log_path, run_as.as_ref())?;
            true
        };
        if let Some(user) = &run_as {
            // The cluster may have been created by an earlier non-root run, or copied.
            chown_tree(&pgdata, user)?;
            grant_traverse(&pgdata, user)?;
        }

        let (socket_dir, private_socket_dir) = socket_dir(&data_dir, run_as.as_ref())?;
        stop_orphan(&pgdata)?;

        let log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log_path)
            .map_err(io_err(format!("opening {}", log_path.display())))?;
        // Where this start's lines begin, to tell of a recovery in the portal's own log.
        let log_start = log.metadata().map(|m| m.len()).unwrap_or(0);
        let log_err = log
            .try_clone()
            .map_err(io_err("duplicating the log file"))?;
        let mut command = Command::new(&binaries.postgres);
        command
            .arg("-D")
            .arg(&pgdata)
            .arg("-k")
            .arg(&socket_dir)
            .arg("-p")
            .arg(PORT.to_string())
            .args(["-c", "listen_addresses="])
            .args(["-c", "unix_socket_permissions=0700"])
            .args(["-c", "logging_collector=off"])
            .args(["-c", "max_connections=200"])
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err)
            // Its own process group: a Ctrl-C in the terminal reaches the portal, which then
            // stops the database after the requests in flight are done.
            .process_group(0);
        if options.fast_unsafe {
            command.args([
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
            ]);
        }
        if let Some(user) = &run_as {
            command.uid(user.uid.as_raw()).gid(user.gid.as_raw());
        }
        stop_with_parent(&mut command);
        let child = command
            .spawn()
            .map_err(io_err(format!("starting {}", binaries.postgres.display())))?;
        tracing::info!(pid = child.id(), pgdata = %pgdata.display(), "embedded PostgreSQL started");

        let mut server = EmbeddedPostgres {
            pgdata,
            socket_dir,
            private_socket_dir,
            log_path,
            child: Arc::new(Mutex::new(Some(child))),
            freshly_initialised,
            version: binaries.version,
            log_start,
            _lock: lock,
        };
        server.wait_ready(Duration::from_secs(120))?;
        Ok(server)
    }

    /// Says in the portal's log when the database had to recover at this start (the portal,
    /// the database or the machine had stopped abruptly), with PostgreSQL's own lines about
    /// it, which otherwise stand only in `postgres.log`. Called once the database accepts
    /// connections, when its recovery is over.
    pub fn report_recovery(&self) {
        report_recovery(&self.log_path, self.log_start);
    }

    /// True when this start created the cluster (the first start on this data directory).
    pub fn freshly_initialised(&self) -> bool {
        self.freshly_initialised
    }

    /// The major version of the server binaries.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// A handle that tells whether the server has exited (stopped from outside, or crashed).
    pub fn watch(&self) -> ServerWatch {
        ServerWatch(self.child.clone())
    }

    /// Connection options for `database` on this cluster.
    pub fn connect_options(&self, database: &str) -> PgConnectOptions {
        PgConnectOptions::new()
            .socket(&self.socket_dir)
            .port(PORT)
            .username(SUPERUSER)
            .database(database)
            .application_name("remediation-portal")
    }

    /// A libpq-style URL for `database`, for tools and for child processes in tests.
    pub fn url(&self, database: &str) -> String {
        let host: String = self
            .socket_dir
            .to_string_lossy()
            .bytes()
            .map(|b| match b {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect();
        format!("postgres://{SUPERUSER}@{host}:{PORT}/{database}")
    }

    fn wait_ready(&mut self, timeout: Duration) -> Result<(), EmbeddedError> {
        let started = Instant::now();
        let pid_file = self.pgdata.join("postmaster.pid");
        loop {
            if let Some(status) = self.watch().exited() {
                return Err(EmbeddedError::Failed {
                    step: "starting the embedded PostgreSQL",
                    detail: format!(
                        "the server exited ({status}); its log says:\n{}",
                        log_tail(&self.log_path)
                    ),
                });
            }
            // pg_ctl's own test: the last line of postmaster.pid says "ready".
            if let Ok(text) = fs::read_to_string(&pid_file)
                && text.lines().nth(7).map(str::trim) == Some("ready")
            {
                return Ok(());
            }
            if started.elapsed() > timeout {
                return Err(EmbeddedError::Failed {
                    step: "starting the embedded PostgreSQL",
                    detail: format!(
                        "not ready after {}s; its log says:\n{}",
                        timeout.as_secs(),
                        log_tail(&self.log_path)
                    ),
                });
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Shuts the cluster down cleanly ("fast" shutdown: open sessions are ended, everything
    /// committed is kept) and waits for the postmaster to exit.
    pub fn stop(mut self) -> Result<(), EmbeddedError> {
        self.shutdown()
    }

    fn shutdown(&mut self) -> Result<(), EmbeddedError> {
        let Some(mut child) = self.child.lock().unwrap_or_else(|e| e.into_inner()).take() else {
            return Ok(());
        };
        let pid = Pid::from_raw(child.id() as i32);
        let _ = kill(pid, Signal::SIGINT);
        let deadline = Instant::now() + Duration::from_secs(60);
        let result = loop {
            match child.try_wait() {
                Ok(Some(_)) => break Ok(()),
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(25));
                }
                Ok(None) => {
                    tracing::warn!("embedded PostgreSQL did not stop in 60s; forcing it");
                    let _ = kill(pid, Signal::SIGQUIT);
                    let _ = child.wait();
                    break Err(EmbeddedError::Failed {
                        step: "stopping the embedded PostgreSQL",
                        detail: "it had to be forced (immediate shutdown)".into(),
                    });
                }
                Err(e) => break Err(io_err("waiting for the embedded PostgreSQL")(e)),
            }
        };
        if self.private_socket_dir {
            let _ = fs::remove_dir_all(&self.socket_dir);
        }
        tracing::info!("embedded PostgreSQL stopped");
        result
    }
}

/// Tells whether the embedded server is still running.
#[derive(Debug, Clone)]
pub struct ServerWatch(Arc<Mutex<Option<Child>>>);

impl ServerWatch {
    /// The server's exit status once it has exited by itself; `None` while it runs (or after
    /// the portal stopped it).
    pub fn exited(&self) -> Option<ExitStatus> {
        let mut guard = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let status = guard
            .as_mut()
            .and_then(|child| child.try_wait().ok().flatten());
        if status.is_some() {
            *guard = None;
        }
        status
    }
}

impl Drop for EmbeddedPostgres {
    fn drop(&mut self) {
        if let Err(e) = self.shutdown() {
            tracing::error!(error = %e, "stopping the embedded PostgreSQL");
        }
    }
}

/// Asks the kernel to stop the postmaster (immediate shutdown, recovered at the next start) if
/// the portal dies without stopping it, so a crashed portal leaves no server behind.
#[expect(unsafe_code, reason = "pre_exec runs between fork and exec")]
fn stop_with_parent(command: &mut Command) {
    let parent = nix::unistd::getpid();
    // SAFETY: the closure only makes async-signal-safe system calls (prctl, getppid).
    unsafe {
        command.pre_exec(move || {
            nix::sys::prctl::set_pdeathsig(Signal::SIGQUIT).map_err(io::Error::from)?;
            // The parent may have died before prctl: then stop right here.
            if nix::unistd::getppid() != parent {
                return Err(io::Error::other(
                    "the portal exited while starting PostgreSQL",
                ));
            }
            Ok(())
        });
    }
}

fn take_lock(data_dir: &Path) -> Result<Flock<File>, EmbeddedError> {
    let path = data_dir.join("portal.lock");
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&path)
        .map_err(io_err(format!("opening {}", path.display())))?;
    let mut lock = match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
        Ok(lock) => lock,
        Err((_, nix::errno::Errno::EWOULDBLOCK)) => {
            return Err(EmbeddedError::AlreadyRunning(data_dir.to_path_buf()));
        }
        Err((_, errno)) => {
            return Err(io_err(format!("locking {}", path.display()))(errno.into()));
        }
    };
    // The pid is for people looking at the directory; the lock itself is what counts.
    let _ = lock.set_len(0);
    let _ = writeln!(lock, "{}", std::process::id());
    Ok(lock)
}

/// The unprivileged user to run the cluster as when the portal runs as root.
fn service_user() -> Result<Option<User>, EmbeddedError> {
    if !Uid::effective().is_root() {
        return Ok(None);
    }
    let name = SUPERUSER.to_owned();
    match User::from_name(&name) {
        Ok(Some(user)) => Ok(Some(user)),
        _ => Err(EmbeddedError::NoServiceUser(name)),
    }
}

fn has_cluster(pgdata: &Path) -> Result<bool, EmbeddedError> {
    if pgdata.join("PG_VERSION").is_file() {
        return Ok(true);
    }
    match fs::read_dir(pgdata) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                Err(EmbeddedError::NotADataDirectory(pgdata.to_path_buf()))
            } else {
                Ok(false)
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(io_err(format!("reading {}", pgdata.display()))(e)),
    }
}

fn check_version(pgdata: &Path, binaries: &PgBinaries) -> Result<(), EmbeddedError> {
    let found = fs::read_to_string(pgdata.join("PG_VERSION"))
        .map_err(io_err("reading PG_VERSION"))?
        .trim()
        .to_owned();
    if found != binaries.version {
        return Err(EmbeddedError::VersionMismatch {
            path: pgdata.to_path_buf(),
            found,
            expected: binaries.version.clone(),
        });
    }
    Ok(())
}

fn initdb(
    binaries: &PgBinaries,
    pgdata: &Path,
    log_path: &Path,
    run_as: Option<&User>,
) -> Result<(), EmbeddedError> {
    tracing::info!(pgdata = %pgdata.display(), "creating the embedded database cluster (first start)");
    fs::create_dir_all(pgdata).map_err(io_err(format!("creating {}", pgdata.display())))?;
    fs::set_permissions(pgdata, fs::Permissions::from_mode(0o700))
        .map_err(io_err(format!("protecting {}", pgdata.display())))?;
    if let Some(user) = run_as {
        chown_tree(pgdata, user)?;
        grant_traverse(pgdata, user)?;
    }
    let mut command = Command::new(&binaries.initdb);
    command
        .arg("-D")
        .arg(pgdata)
        .args([
            "-U",
            SUPERUSER,
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--auth=trust",
        ])
        .arg("--no-instructions")
        .env("LC_ALL", "C.UTF-8")
        .current_dir("/")
        .stdin(Stdio::null());
    if let Some(user) = run_as {
        command.uid(user.uid.as_raw()).gid(user.gid.as_raw());
    }
    let output = command
        .output()
        .map_err(io_err(format!("running {}", binaries.initdb.display())))?;
    let mut log = OpenOptions::new()
        .create(true)
        .append(true)
        .open(log_path)
        .map_err(io_err(format!("opening {}", log_path.display())))?;
    let _ = log.write_all(&output.stdout);
    let _ = log.write_all(&output.stderr);
    if !output.status.success() {
        // Leave nothing half-made, so the next start tries again from scratch.
        let _ = fs::remove_dir_all(pgdata);
        return Err(EmbeddedError::Failed {
            step: "initdb",
            detail: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        });
    }
    Ok(())
}

/// The directory for the server's socket: `<data>/run`, or a private one under /tmp when that
/// path would be too long for a Unix socket.
fn socket_dir(data_dir: &Path, run_as: Option<&User>) -> Result<(PathBuf, bool), EmbeddedError> {
    let preferred = data_dir.join("run");
    let socket_file_len = preferred.as_os_str().len() + "/.s.PGSQL.5432".len();
    let (dir, private) = if socket_file_len <= MAX_SOCKET_PATH {
        fs::create_dir_all(&preferred)
            .map_err(io_err(format!("creating {}", preferred.display())))?;
        (preferred, false)
    } else {
        let dir = std::env::temp_dir().join(format!(
            "remediation-portal-{}-{}",
            std::process::id(),
            uuid::Uuid::new_v4().simple()
        ));
        fs::create_dir(&dir).map_err(io_err(format!("creating {}", dir.display())))?;
        (dir, true)
    };
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o700))
        .map_err(io_err(format!("protecting {}", dir.display())))?;
    if let Some(user) = run_as {
        nix::unistd::chown(&dir, Some(user.uid), Some(user.gid))
            .map_err(|e| io_err(format!("handing {} to {}", dir.display(), user.name))(e.into()))?;
    }
    Ok((dir, private))
}

/// A postmaster still running on our cluster while we hold the lock was left by a portal that
/// died without stopping it: stop it, so the next start is clean.
/// See [`EmbeddedPostgres::report_recovery`]; `from` is where this start's lines begin.
fn report_recovery(log_path: &Path, from: u64) {
    use std::io::{Read, Seek, SeekFrom};
    let mut text = String::new();
    let read = std::fs::File::open(log_path).and_then(|mut file| {
        file.seek(SeekFrom::Start(from))?;
        file.take(1 << 20).read_to_string(&mut text)
    });
    if read.is_err() || !text.contains("automatic recovery in progress") {
        return;
    }
    let details: Vec<&str> = text
        .lines()
        .filter(|line| {
            [
                "was interrupted",
                "not properly shut down",
                "redo starts",
                "redo done",
            ]
            .iter()
            .any(|mark| line.contains(mark))
        })
        .map(|line| {
            line.split_once("LOG:")
                .map_or(line, |(_, rest)| rest)
                .trim()
        })
        .collect();
    tracing::warn!(
        postgres_said = details.join(" | "),
        "the embedded database had not been shut down cleanly; PostgreSQL recovered it from its \
         write-ahead log before the portal started (see postgres.log)"
    );
}

fn stop_orphan(pgdata: &Path) -> Result<(), EmbeddedError> {
    let Ok(text) = fs::read_to_string(pgdata.join("postmaster.pid")) else {
        return Ok(());
    };
    let Some(pid) = text
        .lines()
        .next()
        .and_then(|l| l.trim().parse::<i32>().ok())
    else {
        return Ok(());
    };
    if !is_postgres(pid, pgdata) {
        // A stale file from a crash: PostgreSQL itself removes it and recovers.
        return Ok(());
    }
    tracing::warn!(
        pid,
        "a database server from an earlier run is still running; stopping it"
    );
    let pid = Pid::from_raw(pid);
    let _ = kill(pid, Signal::SIGINT);
    let deadline = Instant::now() + Duration::from_secs(60);
    while kill(pid, None).is_ok() {
        if Instant::now() > deadline {
            let _ = kill(pid, Signal::SIGQUIT);
            std::thread::sleep(Duration::from_secs(2));
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(())
}

/// True if `pid` is a live postgres process serving `pgdata`.
fn is_postgres(pid: i32, pgdata: &Path) -> bool {
    let mut cmdline = Vec::new();
    let Ok(mut file) = File::open(format!("/proc/{pid}/cmdline")) else {
        return false;
    };
    if file.read_to_end(&mut cmdline).is_err() {
        return false;
    }
    let args: Vec<&[u8]> = cmdline.split(|b| *b == 0).collect();
    let is_postgres = args
        .first()
        .is_some_and(|a| a.ends_with(b"postgres") || a.ends_with(b"postmaster"));
    is_postgres && args.contains(&pgdata.as_os_str().as_encoded_bytes())
}

fn chown_tree(path: &Path, user: &User) -> Result<(), EmbeddedError> {
    let meta = fs::symlink_metadata(path).map_err(io_err(format!("reading {}", path.display())))?;
    if meta.uid() != user.uid.as_raw() || meta.gid() != user.gid.as_raw() {
        nix::unistd::chown(path, Some(user.uid), Some(user.gid)).map_err(|e| {
            io_err(format!("handing {} to {}", path.display(), user.name))(e.into())
        })?;
    }
    if meta.is_dir() {
        for entry in fs::read_dir(path).map_err(io_err(format!("reading {}", path.display())))? {
            let entry = entry.map_err(io_err(format!("reading {}", path.display())))?;
            chown_tree(&entry.path(), user)?;
        }
    }
    Ok(())
}

/// The database user must be able to reach its data directory. When a parent directory
/// shuts it out (a checkout under a private temporary directory, say), add search permission
/// (x, not read) for others on that directory, and say so.
fn grant_traverse(pgdata: &Path, user: &User) -> Result<(), EmbeddedError> {
    for dir in pgdata.ancestors().skip(1) {
        let meta = fs::metadata(dir).map_err(io_err(format!("reading {}", dir.display())))?;
        let mode = meta.mode();
        let can_enter = if meta.uid() == user.uid.as_raw() {
            mode & 0o100 != 0
        } else if meta.gid() == user.gid.as_raw() {
            mode & 0o010 != 0
        } else {
            mode & 0o001 != 0
        };
        if !can_enter {
            tracing::warn!(
                dir = %dir.display(),
                "adding search permission (o+x) so the database user '{}' can reach its data",
                user.name
            );
            fs::set_permissions(dir, fs::Permissions::from_mode((mode & 0o7777) | 0o001)).map_err(
                io_err(format!("granting search permission on {}", dir.display())),
            )?;
        }
    }
    Ok(())
}

fn log_tail(path: &Path) -> String {
    let Ok(mut file) = File::open(path) else {
        return String::from("(no log)");
    };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let _ = file.seek(SeekFrom::Start(len.saturating_sub(2000)));
    let mut bytes = Vec::new();
    let _ = file.read_to_end(&mut bytes);
    String::from_utf8_lossy(&bytes)
        .lines()
        .rev()
        .take(12)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect::<Vec<_>>()
        .join("\n")
}
