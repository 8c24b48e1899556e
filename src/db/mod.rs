//! Database access: one function per query, each taking `impl PgExecutor<'_>` so it runs on the
//! pool or inside the caller's transaction. Connection, extensions and migrations live here too.

pub mod admin;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod dashboard;
pub mod directory;
pub mod edit_locks;
pub mod email_outbox;
pub mod files;
pub mod flags;
pub mod form_submissions;
pub mod job_notices;
pub mod job_runs;
pub mod notifications;
pub mod plans;
pub mod reports;
pub mod shortcomings;
pub mod sql;
pub mod task_edit;
pub mod task_work;
pub mod tasks;

use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, PgPool};

/// The migrations in `migrations/`, compiled into the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Extensions the schema needs for diacritic-insensitive search.
const REQUIRED_EXTENSIONS: [&str; 2] = ["unaccent", "pg_trgm"];

/// Why the database could not be made ready.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error(
        "the PostgreSQL server lacks the extension(s) {0}, needed for search that ignores \
         Vietnamese diacritics: install the server's contrib modules (Debian: postgresql-contrib, \
         part of the postgresql-NN package since PostgreSQL 10)"
    )]
    MissingExtensions(String),
    #[error("cannot connect to the database at {server}")]
    Connect {
        server: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("migrating the database: {0}")]
    Migrate(#[source] sqlx::migrate::MigrateError),
    #[error("{0}")]
    Sql(#[from] sqlx::Error),
}

/// How the pool waits and how long start-up tries to reach the server.
#[derive(Debug, Clone, Copy)]
pub struct PoolSettings {
    pub max_connections: u32,
    /// A request waits this long for a connection, then is answered "try again shortly".
    pub acquire_timeout: Duration,
    /// Start-up keeps trying to reach the server this long.
    pub connect_for: Duration,
}

/// Where `options` connect to, for messages: host and port (or socket) and database, never the
/// password.
pub fn describe(options: &PgConnectOptions) -> String {
    let place = match options.get_socket() {
        Some(socket) => socket.display().to_string(),
        None => format!("{}:{}", options.get_host(), options.get_port()),
    };
    format!(
        "{place}, database {}",
        options.get_database().unwrap_or(options.get_username())
    )
}

/// Opens the pool once the server answers. Each failed attempt is said at once, with the
/// server and the driver's own words, and tried again every second for `connect_for`; then
/// start-up fails with that cause.
pub async fn connect(
    options: PgConnectOptions,
    settings: PoolSettings,
) -> Result<PgPool, SetupError> {
    // No JIT compilation: the portal's statements run in milliseconds, and compiling the few
    // whose estimated cost crosses the threshold took longer than running them (20 ms for a
    // check that reads an empty index). Random reads cost little more than sequential ones on
    // the SSDs and in the memory the data lives in (the default assumes spinning disks, and
    // chose to read 25,000 tasks rather than the index of the 3,000 overdue ones: 17 → 7 ms).
    // A table scan starts at the table's first page, not where another scan of it happens to
    // be: a text search counts its first 201 matches, found in the first hundred pages; joining
    // another scan, it read pages anywhere in two million tasks, often from disk (p99 24 → 730 ms).
    let options = options
        .log_statements(tracing::log::LevelFilter::Trace)
        .options([
            ("jit", "off"),
            ("random_page_cost", "1.1"),
            ("synchronize_seqscans", "off"),
        ]);
    let server = describe(&options);
    let started = std::time::Instant::now();
    let mut attempt = 1;
    // One plain connection first: the pool would retry a refused connection silently until
    // its acquire time-out and then say only that it timed out.
    loop {
        match options.connect().await {
            Ok(connection) => {
                drop(connection);
                break;
            }
            Err(e) if is_transient(&e) && started.elapsed() < settings.connect_for => {
                tracing::warn!(
                    %server,
                    error = %e,
                    attempt,
                    gives_up_after_secs = settings.connect_for.as_secs(),
                    "the database does not answer; trying again in 1 s"
                );
                attempt += 1;
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            Err(e) => return Err(SetupError::Connect { server, source: e }),
        }
    }
    PgPoolOptions::new()
        .max_connections(settings.max_connections)
        // No connection kept open for its own sake: a pool that must keep one retries a lost
        // server for minutes, and holds up the shutdown meanwhile.
        .min_connections(0)
        // No ping before handing out a connection: a page's ten statements each took two
        // round trips. A connection that did break fails its statement and is dropped.
        .test_before_acquire(false)
        .acquire_timeout(settings.acquire_timeout)
        .connect_with(options)
        .await
        .map_err(|source| SetupError::Connect { server, source })
}

fn is_transient(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut => true,
        // 57P03: the database system is starting up.
        sqlx::Error::Database(db) => db.code().as_deref() == Some("57P03"),
        _ => false,
    }
}

/// Creates `database` on the server reached by `admin` (a connection to another database) if
/// it does not exist yet. Returns true when it was created.
pub async fn ensure_database(admin: &PgPool, database: &str) -> Result<bool, sqlx::Error> {
    let exists: bool =
        sqlx::query_scalar("select exists (select 1 from pg_database where datname = $1)")
            .bind(database)
            .fetch_one(admin)
            .await?;
    if exists {
        return Ok(false);
    }
    let statement = format!("create database {}", quote_ident(database));
    sqlx::raw_sql(&statement).execute(admin).await?;
    Ok(true)
}

/// Quotes an SQL identifier.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Checks the extensions are available, then applies pending migrations.
pub async fn migrate(pool: &PgPool) -> Result<(), SetupError> {
    let available: Vec<String> =
        sqlx::query_scalar("select name from pg_available_extensions where name = any($1)")
            .bind(&REQUIRED_EXTENSIONS[..])
            .fetch_all(pool)
            .await?;
    let missing: Vec<&str> = REQUIRED_EXTENSIONS
        .iter()
        .copied()
        .filter(|e| !available.iter().any(|a| a == e))
        .collect();
    if !missing.is_empty() {
        return Err(SetupError::MissingExtensions(missing.join(", ")));
    }
    MIGRATOR.run(pool).await.map_err(SetupError::Migrate)
}

/// Asks the server a trivial query: succeeds when the database answers.
pub async fn ping(executor: impl sqlx::PgExecutor<'_>) -> Result<(), sqlx::Error> {
    sqlx::query("select 1").execute(executor).await?;
    Ok(())
}

/// True when the database holds no units yet (nothing has been loaded).
pub async fn is_empty(pool: &PgPool) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("select not exists (select 1 from units)")
        .fetch_one(pool)
        .await
}

/// A fact recorded in `app_meta`.
pub async fn meta(
    executor: impl sqlx::PgExecutor<'_>,
    key: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("select value from app_meta where key = $1")
        .bind(key)
        .fetch_optional(executor)
        .await
}

/// Records a fact in `app_meta`.
pub async fn set_meta(
    executor: impl sqlx::PgExecutor<'_>,
    key: &str,
    value: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into app_meta (key, value) values ($1, $2)
         on conflict (key) do update set value = excluded.value",
    )
    .bind(key)
    .bind(value)
    .execute(executor)
    .await?;
    Ok(())
}

/// Records the City's time zone for the database's own use (the dashboard's stored counts
/// date a task's creation in it, see migration …014) and, when it differs from the one
/// recorded, counts them again in the same transaction. Returns true when it changed.
pub async fn settle_time_zone(pool: &PgPool, tz: chrono_tz::Tz) -> Result<bool, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let changed: Option<String> = sqlx::query_scalar(
        "update app_meta set value = $1 where key = 'time_zone' and value <> $1 returning value",
    )
    .bind(tz.name())
    .fetch_optional(&mut *tx)
    .await?;
    if changed.is_some() {
        sqlx::query("select task_stats_rebuild()")
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(changed.is_some())
}
