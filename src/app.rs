//! The program: parse the command, read the configuration, bring up the database (embedded or
//! external), then serve, migrate or seed. Shutdown runs in the reverse order.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use sqlx::PgPool;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::cli::{self, Command, NewAdmin};
use crate::config::{Config, redact_url};
use crate::db;
use crate::domain::clock::{Clock, SystemClock};
use crate::domain::password;
use crate::embedded::{EmbeddedOptions, EmbeddedPostgres};
use crate::jobs;
use crate::notify::{self, Mailer};
use crate::seed::{self, bench};
use crate::telemetry;
use crate::web::{self, AppState};

/// How long stopping waits for each thing still running (requests past the drain, a job, a
/// mail, the database connections) before going on without it.
const STOP_GRACE: std::time::Duration = std::time::Duration::from_secs(5);

/// The database the embedded cluster serves the portal from.
pub const EMBEDDED_DATABASE: &str = "portal";

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = match cli::parse(&args) {
        Ok(command) => command,
        Err(e) => {
            eprintln!("remediation-portal: {e}\n\n{}", cli::USAGE);
            return ExitCode::from(2);
        }
    };
    match command {
        Command::Help => {
            println!("{}", cli::USAGE);
            return ExitCode::SUCCESS;
        }
        Command::Version => {
            println!("remediation-portal {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        _ => {}
    }
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("remediation-portal: {e}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(&config);
    match run(command, config) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "stopped");
            eprintln!("remediation-portal: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Runs `command`. The embedded cluster, if any, is started and stopped on this thread.
fn run(command: Command, config: Config) -> anyhow::Result<()> {
    with_database(&config, async |pool, embedded| match command {
        Command::Serve => serve(&config, pool.clone(), embedded).await,
        Command::Migrate => migrate(&config, pool).await,
        Command::SeedDemo => seed_demo(&config, pool).await,
        Command::CreateAdmin(admin) => create_admin(pool, admin).await,
        Command::Help | Command::Version => Ok(()),
    })
}

/// Runs `work` on the configured database as the portal's own commands find it: migrated and
/// in the City's time zone. The database is the embedded cluster in the data directory
/// (started on this thread, stopped once `work` is done) or, with `DATABASE_URL`, that
/// server's. For programs beside the portal, such as `seed-bench`.
pub fn with_prepared_database<T>(
    config: &Config,
    work: impl AsyncFnOnce(&PgPool) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    with_database(config, async |pool, _| {
        prepare(config, pool).await?;
        work(pool).await
    })
}

/// Starts the embedded cluster (without `DATABASE_URL`) on this thread and an async runtime,
/// connects, runs `work`, then closes the connections and stops the cluster.
fn with_database<T>(
    config: &Config,
    work: impl AsyncFnOnce(&PgPool, Option<&EmbeddedPostgres>) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let embedded = match &config.database_url {
        Some(_) => None,
        None => Some(EmbeddedPostgres::start(&EmbeddedOptions {
            data_dir: config.data_dir.clone(),
            pg_bin: config.pg_bin.clone(),
            fast_unsafe: false,
        })?),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let result = runtime.block_on(async {
        let pool = open_pool(config, embedded.as_ref()).await?;
        if let Some(server) = &embedded {
            server.report_recovery();
        }
        let result = work(&pool, embedded.as_ref()).await;
        // Closing waits for connections in use; a lost server could keep them for minutes.
        if tokio::time::timeout(STOP_GRACE, pool.close())
            .await
            .is_err()
        {
            tracing::warn!("database connections did not close in time; dropping them");
        }
        result
    });
    drop(runtime);
    if let Some(server) = embedded {
        server.stop()?;
    }
    result
}

/// Connects to the configured database; for the embedded cluster, creates the portal's
/// database first if needed.
pub async fn open_pool(
    config: &Config,
    embedded: Option<&EmbeddedPostgres>,
) -> anyhow::Result<PgPool> {
    let options = match (embedded, &config.database_url) {
        (Some(server), _) => {
            let admin = db::connect(
                server.connect_options("postgres"),
                db::PoolSettings {
                    max_connections: 1,
                    ..pool_settings(config)
                },
            )
            .await?;
            db::ensure_database(&admin, EMBEDDED_DATABASE).await?;
            admin.close().await;
            server.connect_options(EMBEDDED_DATABASE)
        }
        (None, Some(url)) => url
            .parse()
            .with_context(|| format!("DATABASE_URL {} is not usable", redact_url(url)))?,
        (None, None) => bail!("no database configured"),
    };
    Ok(db::connect(options, pool_settings(config)).await?)
}

fn pool_settings(config: &Config) -> db::PoolSettings {
    db::PoolSettings {
        max_connections: config.db_max_connections,
        acquire_timeout: config.db_wait,
        connect_for: config.db_connect,
    }
}

async fn migrate(config: &Config, pool: &PgPool) -> anyhow::Result<()> {
    prepare(config, pool).await?;
    println!("Migrations applied.");
    Ok(())
}

/// Applies the migrations and gives the database the City's time zone.
async fn prepare(config: &Config, pool: &PgPool) -> anyhow::Result<()> {
    db::migrate(pool).await?;
    if db::settle_time_zone(pool, config.time_zone).await? {
        tracing::info!(time_zone = %config.time_zone, "time zone changed: dashboard counts rebuilt");
    }
    Ok(())
}

/// Creates an administrator with a temporary password, printed once; on an empty database the
/// City office unit is created first, for the account to belong to.
async fn create_admin(pool: &PgPool, admin: NewAdmin) -> anyhow::Result<()> {
    db::migrate(pool).await?;
    let username = admin.username.trim().to_lowercase();
    let temporary = password::temporary();
    let hash = password::hash_blocking(temporary.clone()).await?;
    let mut tx = pool.begin().await?;
    let unit = db::admin::unit_by_code(&mut *tx, &admin.unit).await?;
    let unit = match unit {
        Some(unit) => unit,
        None if db::is_empty(pool).await? => {
            db::admin::insert_city_office(&mut *tx, &admin.unit.to_uppercase()).await?
        }
        None => bail!("no unit has the code {}", admin.unit),
    };
    let created =
        db::admin::insert_first_admin(&mut *tx, &username, admin.full_name.trim(), unit, &hash)
            .await;
    let id = match created {
        Ok(id) => id,
        Err(e)
            if e.as_database_error().and_then(|d| d.constraint()) == Some("users_username_key") =>
        {
            bail!("a user named {username} already exists")
        }
        Err(e)
            if e.as_database_error().and_then(|d| d.constraint())
                == Some("users_username_format") =>
        {
            bail!(
                "usernames have 2–64 characters: lower-case letters without diacritics, digits and . _ -"
            )
        }
        Err(e) => return Err(e.into()),
    };
    db::audit::record(
        &mut *tx,
        db::audit::AuditEntry {
            action: "user.create",
            entity: "user",
            entity_id: Some(id.to_string()),
            after: Some(
                serde_json::json!({ "username": username, "role": "admin", "via": "create-admin" }),
            ),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    println!("Administrator {username} created. Temporary password: {temporary}");
    println!("It must be changed at the first sign-in.");
    Ok(())
}

async fn seed_demo(config: &Config, pool: &PgPool) -> anyhow::Result<()> {
    prepare(config, pool).await?;
    if !db::is_empty(pool).await? {
        bail!(
            "the database already holds data; seed-demo loads demo data only into an empty database"
        );
    }
    let summary =
        seed::load_demo(pool, SystemClock.now(), config.time_zone, config.stale_days).await?;
    println!("{summary}");
    Ok(())
}

async fn serve(
    config: &Config,
    pool: PgPool,
    embedded: Option<&EmbeddedPostgres>,
) -> anyhow::Result<()> {
    prepare(config, &pool).await?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    if embedded.is_some() && config.demo_data && db::is_empty(&pool).await? {
        tracing::info!("first start: loading the demo data");
        let summary =
            seed::load_demo(&pool, clock.now(), config.time_zone, config.stale_days).await?;
        tracing::info!(%summary, "demo data loaded");
    }

    // The overdue flags and the counts are brought up to date before the first page is served.
    let instance = format!("pid-{}", std::process::id());
    run_jobs_once(config, &pool, clock.as_ref(), &instance).await?;
    db::files::remove_abandoned_spools(&config.data_dir.join("uploads")).await;

    let state = AppState::new(pool.clone(), config.clone(), clock.clone());
    let listener = TcpListener::bind(config.bind)
        .await
        .with_context(|| format!("cannot listen on {} (PORTAL_BIND)", config.bind))?;
    let address = listener.local_addr()?;
    // Listening for signals before the address is printed: a Ctrl-C the moment it appears
    // stops the portal cleanly rather than killing it.
    let signals = Signals::listen();
    print_banner(address, embedded, &pool).await?;

    let scheduler = jobs::scheduler::spawn(
        pool.clone(),
        clock.clone(),
        jobs::scheduler::SchedulerConfig {
            settings: jobs::JobSettings::from_config(config),
            instance,
        },
        state.shutdown.clone(),
    );
    // Email goes out from its own task, so a slow or failing mail server never holds up a
    // request or a job.
    let email_sender = Mailer::from_config(config)
        .context("setting up the mail server (PORTAL_SMTP_*)")?
        .map(|mailer| {
            notify::email::spawn(
                pool.clone(),
                mailer,
                clock.clone(),
                config.email_poll,
                state.shutdown.clone(),
            )
        });
    let shutdown = state.shutdown.clone();
    let database_lost = embedded.map(|server| watch_database(server, shutdown.clone()));
    let app = web::router(state).into_make_service_with_connect_info::<SocketAddr>();
    let server = axum::serve(listener, app)
        .with_graceful_shutdown(wait_for_signal(signals, shutdown.clone(), config.drain))
        .into_future();
    // Requests still running this long after the drain are not waited for.
    let overdue = async {
        shutdown.cancelled().await;
        tokio::time::sleep(config.drain + STOP_GRACE).await;
    };
    tokio::select! {
        served = server => served.context("serving")?,
        () = overdue => tracing::warn!(
            grace_secs = STOP_GRACE.as_secs(),
            "requests still running after the drain and the grace time; stopping without them"
        ),
    }
    tracing::info!("requests finished; stopping background jobs");
    shutdown.cancel();
    // A job or a mail in progress is finished and recorded, unless the database keeps it
    // waiting: then it is abandoned (its run is retried on the next start).
    if tokio::time::timeout(STOP_GRACE, scheduler).await.is_err() {
        tracing::warn!("a background job did not finish in time; stopping without it");
    }
    if let Some(sender) = email_sender
        && tokio::time::timeout(STOP_GRACE, sender).await.is_err()
    {
        tracing::warn!("the mail being sent did not finish in time; it is sent again later");
    }
    if let Some(watcher) = database_lost
        && let Ok(Some(status)) = watcher.await
        && !status.success()
    {
        bail!(
            "the embedded PostgreSQL stopped unexpectedly ({status}); see its log in the data directory"
        );
    }
    Ok(())
}

/// Stops the portal when its embedded database stops by itself (shut down from outside, killed,
/// crashed): a portal without its database can only answer errors. Resolves to the database's
/// exit status in that case; a clean shutdown stops the portal cleanly, a crash is an error.
fn watch_database(
    server: &EmbeddedPostgres,
    shutdown: CancellationToken,
) -> tokio::task::JoinHandle<Option<std::process::ExitStatus>> {
    let watch = server.watch();
    tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => return None,
                _ = tokio::time::sleep(std::time::Duration::from_millis(500)) => {}
            }
            if let Some(status) = watch.exited() {
                if status.success() {
                    // A clean shutdown someone asked for (a signal to the postmaster, pg_ctl).
                    tracing::warn!(
                        "the embedded PostgreSQL was shut down from outside; stopping the portal"
                    );
                } else {
                    tracing::error!(%status, "the embedded PostgreSQL stopped unexpectedly; stopping the portal");
                }
                shutdown.cancel();
                return Some(status);
            }
        }
    })
}

/// Runs the jobs the pages depend on (`jobs::BEFORE_SERVING`) once, now, and compacts the
/// counts' change log they folded; the first failure is an error. The scheduler runs the
/// others as soon as the server listens.
pub async fn run_jobs_once(
    config: &Config,
    pool: &PgPool,
    clock: &dyn Clock,
    instance: &str,
) -> anyhow::Result<()> {
    let settings = jobs::JobSettings::from_config(config);
    let runs = jobs::run_all(
        pool,
        clock,
        &settings,
        instance,
        None,
        &jobs::BEFORE_SERVING,
    );
    for (job, run) in runs.await {
        run.with_context(|| format!("running {}", job.name()))?;
    }
    db::dashboard::compact_change_log(pool)
        .await
        .context("vacuuming the counts' change log")?;
    Ok(())
}

/// SIGINT (Ctrl-C) and SIGTERM, listened for from the moment this is made.
struct Signals {
    interrupt: Option<tokio::signal::unix::Signal>,
    terminate: Option<tokio::signal::unix::Signal>,
}

impl Signals {
    fn listen() -> Signals {
        use tokio::signal::unix::{SignalKind, signal};
        let listen = |kind: SignalKind, name: &str| match signal(kind) {
            Ok(signal) => Some(signal),
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for {name}");
                None
            }
        };
        Signals {
            interrupt: listen(SignalKind::interrupt(), "SIGINT"),
            terminate: listen(SignalKind::terminate(), "SIGTERM"),
        }
    }
}

/// The next signal of `signal`, or never when it could not be listened for.
async fn next(signal: &mut Option<tokio::signal::unix::Signal>) {
    match signal.as_mut() {
        Some(signal) => {
            signal.recv().await;
        }
        None => std::future::pending::<()>().await,
    }
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM, after marking the instance as shutting down
/// (`/readyz` answers 503 at once) and serving on for `drain`; at once when the shutdown came
/// from inside (the embedded database stopped).
async fn wait_for_signal(
    mut signals: Signals,
    shutdown: CancellationToken,
    drain: std::time::Duration,
) {
    // A person pressing Ctrl-C wants it stopped; a service manager's SIGTERM gets the drain.
    let drain = tokio::select! {
        () = next(&mut signals.interrupt) => std::time::Duration::ZERO,
        () = next(&mut signals.terminate) => drain,
        _ = shutdown.cancelled() => {
            tracing::info!("shutting down: no new requests, finishing those in flight");
            return;
        }
    };
    shutdown.cancel();
    if !drain.is_zero() {
        tracing::info!(
            drain_secs = drain.as_secs(),
            "shutting down: /readyz answers 503; still serving while traffic moves away"
        );
        tokio::time::sleep(drain).await;
    }
    tracing::info!("shutting down: no new requests, finishing those in flight");
}

async fn print_banner(
    address: SocketAddr,
    embedded: Option<&EmbeddedPostgres>,
    pool: &PgPool,
) -> anyhow::Result<()> {
    let mut text = String::new();
    text.push_str(
        "\nCổng thông tin theo dõi khắc phục tồn tại, hạn chế — Remediation Tracking Portal\n",
    );
    text.push_str(&format!("  Địa chỉ / Address:      http://{address}\n"));
    match embedded {
        Some(server) => text.push_str(&format!(
            "  Cơ sở dữ liệu / Database: embedded PostgreSQL {}\n",
            server.version()
        )),
        None => text.push_str("  Cơ sở dữ liệu / Database: DATABASE_URL\n"),
    }
    if db::meta(pool, seed::DEMO_MARKER).await?.is_some() {
        text.push_str(&format!(
            "  Tài khoản dùng thử / Demo sign-ins (mật khẩu / password: {}):\n",
            seed::DEMO_PASSWORD
        ));
        for (username, role) in seed::demo_sign_ins(pool).await? {
            text.push_str(&format!("    {username:<16} {role}\n"));
        }
    }
    if db::meta(pool, bench::BENCH_MARKER).await?.is_some() {
        text.push_str(&format!(
            "  Tài khoản dữ liệu thử tải / Benchmark sign-ins (mật khẩu / password: {}):\n",
            bench::BENCH_PASSWORD
        ));
        for (username, role) in bench::bench_sign_ins(pool).await? {
            text.push_str(&format!("    {username:<20} {role}\n"));
        }
    }
    text.push_str("  Nhấn Ctrl-C để dừng / Press Ctrl-C to stop.\n");
    println!("{text}");
    Ok(())
}
