//! Benchmark data: as many units, accounts and tasks as asked (the City preset: 25,000 tasks,
//! 60 units, 1,000 users; the national one: 2,000,000 tasks, 5,000 units, 50,000 users), with
//! the demo's fields, sources and 33 shortcomings, a plan per unit, and for every task the
//! history, extensions, escalations, reminders and notifications a real one would have.
//!
//! Fast because the database does the work: units and accounts are worked out here (thousands
//! of rows) and sent as arrays in one statement each; tasks and everything about them are
//! `insert … select` over `generate_series`, every choice a hash of the task's number (see
//! `tasks::SESSION_FUNCTIONS`), so the same size on the same day gives the same data (except
//! moments of today, which cannot be later than the load, and those placed between them). The flags the background jobs keep
//! (overdue, briefing mark, stale) are computed exactly as the jobs compute them while the
//! tasks are inserted: the jobs, run afterwards, find nothing to do and write no notification
//! or audit entry. After the tasks, two connections work at once (see [`load_bench`]).
//!
//! Where the time goes, for the national preset: the tasks (about a minute and a half: four
//! foreign keys, eight indexes and the search column per row), their trigram index (built once
//! they are in, a minute and a quarter), then some 15 million rows of history, officers,
//! coordinating units and notifications, each checked against its foreign keys.

use std::cell::RefCell;
use std::fmt;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;
use sqlx::postgres::PgPoolOptions;
use sqlx::{ConnectOptions, Connection, PgConnection, PgPool};
use tracing::log::LevelFilter;

use remediation_portal::config::Config;
use remediation_portal::db;
use remediation_portal::domain::dates::city_today;
use remediation_portal::domain::password;
use remediation_portal::jobs::{flags, notices};
use remediation_portal::seed::bench::{BENCH_MARKER, BENCH_PASSWORD};
use remediation_portal::seed::catalog::Catalog;
use remediation_portal::seed::rng::Rng;

use crate::tree::{self, fewest_users};
use crate::{catalog, history, tasks};

/// Bounds on what may be asked for (far beyond the presets, short of a mistyped zero).
const MAX_TASKS: u64 = 20_000_000;
const MAX_UNITS: u64 = 100_000;
const MAX_USERS: u64 = 1_000_000;

/// A named size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// Hanoi as it is: about the 24,321 tasks the City's own tracking held in 2023.
    City,
    /// Every province's departments and districts.
    National,
}

impl Preset {
    pub fn from_name(name: &str) -> Option<Preset> {
        match name {
            "city" => Some(Preset::City),
            "national" => Some(Preset::National),
            _ => None,
        }
    }

    /// (tasks, units, users).
    pub fn numbers(self) -> (u64, u64, u64) {
        match self {
            Preset::City => (25_000, 60, 1_000),
            Preset::National => (2_000_000, 5_000, 50_000),
        }
    }
}

/// How much to generate; only [`BenchSize::new`] makes one, so it is always loadable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BenchSize {
    tasks: u64,
    units: u64,
    users: u64,
}

impl BenchSize {
    /// Checks the numbers: at least one task, the City office and one more unit, and enough
    /// accounts for the City's three and a head and an officer in every other unit.
    pub fn new(tasks: u64, units: u64, users: u64) -> Result<BenchSize, String> {
        if !(1..=MAX_TASKS).contains(&tasks) {
            return Err(format!(
                "--tasks must be between 1 and {MAX_TASKS}, not {tasks}"
            ));
        }
        if !(2..=MAX_UNITS).contains(&units) {
            return Err(format!(
                "--units must be between 2 (the City office and one unit) and {MAX_UNITS}, not {units}"
            ));
        }
        let fewest = fewest_users(units as usize) as u64;
        if users < fewest {
            return Err(format!(
                "--users {users} is too few for {units} units: the City office has 3 accounts and \
                 every other unit a head and at least one officer, so at least {fewest}"
            ));
        }
        if users > MAX_USERS {
            return Err(format!("--users must be at most {MAX_USERS}, not {users}"));
        }
        Ok(BenchSize {
            tasks,
            units,
            users,
        })
    }

    /// How many tasks.
    pub fn tasks(self) -> u64 {
        self.tasks
    }
}

impl fmt::Display for BenchSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} tasks, {} units, {} users",
            self.tasks, self.units, self.users
        )
    }
}

/// The moment and the settings the data is generated for: the flags must be what the jobs,
/// configured the same way, would compute at that moment.
#[derive(Debug, Clone)]
pub struct BenchSettings {
    pub now: DateTime<Utc>,
    pub time_zone: Tz,
    pub stale_days: i32,
    pub due_soon_days: i32,
    pub due_soon_notice_days: Vec<i32>,
}

impl BenchSettings {
    pub fn from_config(config: &Config, now: DateTime<Utc>) -> BenchSettings {
        BenchSettings {
            now,
            time_zone: config.time_zone,
            stale_days: config.stale_days,
            due_soon_days: config.due_soon_days,
            due_soon_notice_days: config.due_soon_notice_days.clone(),
        }
    }

    /// Today in the City.
    pub fn today(&self) -> NaiveDate {
        city_today(self.now, self.time_zone)
    }

    /// The first and last deadlines: 2022 to 2028, or four years around today if that is
    /// later, so every timeliness class has room whenever the data is generated.
    pub fn deadline_range(&self) -> (NaiveDate, NaiveDate) {
        let today = self.today();
        let first = date(2022, 1, 1).min(date(today.year() - 4, 1, 1));
        let last = date(2028, 12, 31).max(date(today.year() + 2, 12, 31));
        (first, last)
    }
}

/// One step of the load, when it is done.
#[derive(Debug, Clone)]
pub struct Step {
    pub name: &'static str,
    /// The connection that ran it while another ran other steps (1 or 2), if any.
    pub lane: Option<u8>,
    pub rows: u64,
    pub elapsed: Duration,
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lane = self.lane.map_or("   ".to_owned(), |n| format!("[{n}]"));
        write!(
            f,
            "{lane} {:<38} {:>11} rows {:>8.1} s",
            self.name,
            self.rows,
            self.elapsed.as_secs_f64()
        )
    }
}

/// Loads benchmark data of `size` into an empty, migrated database as of `settings.now`,
/// telling `progress` of each step as it ends; returns the time from start to end (less than
/// the steps' sum: two connections work at once).
///
/// Three transactions: the first inserts everything up to the tasks; then two connections at
/// once (two cores) each fill their own tables, as `history::LANES` shares them, never the
/// same table at once; the last adds what needs both. Should a later one fail, the database
/// holds part of the data (with every index), and the error says so.
pub async fn load_bench(
    pool: &PgPool,
    size: BenchSize,
    settings: &BenchSettings,
    progress: &mut dyn FnMut(&Step),
) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let demo = Catalog::embedded()?;
    let steps = RefCell::new(Steps { progress });
    let at = Instant::now();
    let password_hash = password::hash_blocking(BENCH_PASSWORD.to_owned()).await?;
    steps
        .borrow_mut()
        .record("password hash (argon2id, once)", None, 1, at);

    let pool = &quiet_pool(pool).await?;
    let units = tree::units(size.units as usize, &demo);
    let mut rng = Rng::new(SEED);
    let users = tree::users(&units, size.users as usize, &mut rng, &demo.names);
    // The session's helper functions and staging tables live on its connections; they are
    // closed afterwards rather than returned to the pool with them.
    let mut first = pool.acquire().await?.detach();
    tasks::prepare_session(&mut first, settings).await?;
    let base = Base {
        demo: &demo,
        units: &units,
        users: &users,
    };
    load_tasks(&mut first, size, settings, &base, &password_hash, &steps).await?;
    let rest = async {
        let mut second = pool.acquire().await?.detach();
        tasks::prepare_session(&mut second, settings).await?;
        let marker = format!("{}: {size}, generated by seed-bench", settings.today());
        let context = |lane, marker| Lane {
            units: &units,
            demo: &demo,
            settings,
            steps: &steps,
            lane,
            marker,
        };
        let [one, two] = &history::LANES;
        let (done_one, done_two) = tokio::join!(
            context(Some(1), None).run(&mut first, one),
            context(Some(2), None).run(&mut second, two),
        );
        done_one?;
        done_two?;
        second.close().await?;
        context(None, Some(&marker))
            .run(&mut first, &history::LAST)
            .await?;
        first.close().await?;
        anyhow::Ok(())
    };
    rest.await.context(
        "the tasks were loaded, the rest failed: the database holds incomplete benchmark \
         data; drop it and create it again before running seed-bench again",
    )?;

    // The counts' change log holds the loading statements' changes (about 220 MB at national
    // scale): folded now, as the server would, so that its first start need not (seconds at
    // national scale), and the vacuum below gives the log's pages back.
    let at = Instant::now();
    let folded = db::dashboard::fold(pool).await?;
    let folded = folded["changes_folded"].as_i64().unwrap_or(0);
    steps
        .borrow_mut()
        .record("counts: change log folded", None, folded as u64, at);
    // Fresh statistics for the planner (the jobs' statements below need them as much as the
    // benchmark does), and the visibility map and hint bits set now rather than by the first
    // queries of a benchmark.
    let at = Instant::now();
    sqlx::raw_sql("vacuum (analyze)").execute(pool).await?;
    steps.borrow_mut().record("vacuum, analyze", None, 0, at);
    check_jobs(pool, settings, &steps).await?;
    pool.close().await;
    Ok(started.elapsed())
}

/// A pool of two connections to the same database (one for each lane) that does not warn of
/// slow statements: the load's statements take seconds by design, and each warning would
/// print one whole.
async fn quiet_pool(pool: &PgPool) -> sqlx::Result<PgPool> {
    let options = (*pool.connect_options())
        .clone()
        .log_slow_statements(LevelFilter::Off, Duration::ZERO);
    PgPoolOptions::new()
        .max_connections(2)
        .connect_with(options)
        .await
}

/// What the tasks hang on: the demo's lists, and the units and accounts made from them.
struct Base<'a> {
    demo: &'a Catalog,
    units: &'a [tree::BenchUnit],
    users: &'a [tree::BenchUser],
}

/// The first transaction: units, accounts, the catalog, plans and the tasks, with their text
/// search index built once they are in (in the same transaction: the database never lacks an
/// index of the migrations, even if the load stops).
async fn load_tasks(
    conn: &mut PgConnection,
    size: BenchSize,
    settings: &BenchSettings,
    base: &Base<'_>,
    password_hash: &str,
    steps: &RefCell<Steps<'_>>,
) -> anyhow::Result<()> {
    let Base { demo, units, users } = *base;
    let record = |name, rows, at| steps.borrow_mut().record(name, None, rows, at);
    let mut tx = conn.begin().await?;
    let at = Instant::now();
    record("units", catalog::insert_units(&mut tx, units).await?, at);
    let at = Instant::now();
    record(
        "users",
        catalog::insert_users(&mut tx, users, password_hash).await?,
        at,
    );
    let at = Instant::now();
    record(
        "fields, sources, shortcomings",
        catalog::insert_catalog(&mut tx, demo).await?,
        at,
    );
    let at = Instant::now();
    let (first, _) = settings.deadline_range();
    let plans = catalog::insert_plans(&mut tx, date(first.year(), 3, 31), settings).await?;
    record("plans", plans, at);
    let at = Instant::now();
    let staged = catalog::stage(&mut tx, units, demo).await?;
    record("staging tables", 0, at);
    let at = Instant::now();
    let text_indexes = tasks::set_aside_text_indexes(&mut tx).await?;
    let n = tasks::insert_tasks(&mut tx, size, settings, &staged, &demo.names).await?;
    if n != size.tasks {
        anyhow::bail!("{n} tasks were generated instead of {}", size.tasks);
    }
    record("tasks", n, at);
    let at = Instant::now();
    tasks::build_indexes(&mut tx, &text_indexes).await?;
    record("tasks: text search index", 0, at);
    let at = Instant::now();
    tx.commit().await?;
    record("commit", 0, at);
    Ok(())
}

/// Runs the overdue and stale scans as the scheduler would: after a correct load they change
/// nothing. The due-soon notices are then given, as the first job run would give them (tasks
/// due within the thresholds, told once).
async fn check_jobs(
    pool: &PgPool,
    settings: &BenchSettings,
    steps: &RefCell<Steps<'_>>,
) -> anyhow::Result<()> {
    let today = settings.today();
    let at = Instant::now();
    let overdue = flags::flag_overdue(pool, today).await?;
    let stale = flags::flag_stale(pool, settings.now, settings.stale_days).await?;
    let changed: i64 = overdue
        .as_object()
        .into_iter()
        .chain(stale.as_object())
        .flat_map(|counts| counts.values())
        .filter_map(|v| v.as_i64())
        .sum();
    if changed != 0 {
        anyhow::bail!(
            "the background jobs disagree with the generated flags (overdue scan: {overdue}; \
             stale scan: {stale}); this is a bug in seed-bench"
        );
    }
    steps
        .borrow_mut()
        .record("overdue and stale scans: no change", None, 0, at);
    let at = Instant::now();
    let told = notices::due_soon(pool, today, &settings.due_soon_notice_days).await?;
    let notifications = told["notifications"].as_i64().unwrap_or(0);
    steps
        .borrow_mut()
        .record("due-soon notices (the job)", None, notifications as u64, at);
    Ok(())
}

/// Whom to tell of each step as it ends.
struct Steps<'a> {
    progress: &'a mut dyn FnMut(&Step),
}

impl Steps<'_> {
    fn record(&mut self, name: &'static str, lane: Option<u8>, rows: u64, since: Instant) {
        let step = Step {
            name,
            lane,
            rows,
            elapsed: since.elapsed(),
        };
        (self.progress)(&step);
    }
}

/// One connection's share of the work after the tasks, in a transaction of its own.
struct Lane<'a, 'p> {
    units: &'a [tree::BenchUnit],
    demo: &'a Catalog,
    settings: &'a BenchSettings,
    steps: &'a RefCell<Steps<'p>>,
    lane: Option<u8>,
    /// What to record in `app_meta` when the lane's work is the last.
    marker: Option<&'a str>,
}

impl Lane<'_, '_> {
    async fn run(
        self,
        conn: &mut PgConnection,
        parts: &[(&'static str, history::Part)],
    ) -> anyhow::Result<()> {
        let mut tx = conn.begin().await?;
        // The staging tables went with the first transaction; they take a moment to fill.
        let staged = catalog::stage(&mut tx, self.units, self.demo).await?;
        let context = history::Context {
            settings: self.settings,
            staged: &staged,
            notes: &self.demo.notes,
        };
        for (name, part) in parts {
            let at = Instant::now();
            let rows = part.run(&mut tx, &context).await?;
            self.steps.borrow_mut().record(name, self.lane, rows, at);
        }
        if let Some(marker) = self.marker {
            db::set_meta(&mut *tx, BENCH_MARKER, marker).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

/// The seed of the names drawn for accounts (the tasks' choices are hashes of their numbers).
const SEED: u64 = 0x0033_2022_2028;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_checked_with_clear_messages() {
        assert!(BenchSize::new(3000, 20, 150).is_ok());
        for preset in [Preset::City, Preset::National] {
            let (tasks, units, users) = preset.numbers();
            assert!(BenchSize::new(tasks, units, users).is_ok(), "{preset:?}");
        }
        assert!(BenchSize::new(0, 20, 150).unwrap_err().contains("--tasks"));
        assert!(BenchSize::new(10, 1, 150).unwrap_err().contains("--units"));
        let few = BenchSize::new(10, 60, 100).unwrap_err();
        assert!(few.contains("at least 121"), "{few}");
        assert!(BenchSize::new(10, 2, 5).is_ok());
        assert!(BenchSize::new(10, 2, 4).is_err());
    }

    #[test]
    fn deadlines_span_2022_to_2028_or_four_years_around_today() {
        let settings = |now: &str| BenchSettings {
            now: DateTime::parse_from_rfc3339(now).unwrap().to_utc(),
            time_zone: chrono_tz::Asia::Ho_Chi_Minh,
            stale_days: 30,
            due_soon_days: 7,
            due_soon_notice_days: vec![7, 1],
        };
        assert_eq!(
            settings("2026-11-25T04:00:00Z").deadline_range(),
            (date(2022, 1, 1), date(2028, 12, 31))
        );
        assert_eq!(
            settings("2031-06-01T04:00:00Z").deadline_range(),
            (date(2022, 1, 1), date(2033, 12, 31))
        );
    }
}
