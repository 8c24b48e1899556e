//! Background work: plain functions of (database, as-of instant) that tests call directly, run
//! on an interval by [`scheduler`]. Each run takes a PostgreSQL advisory lock, so two portal
//! instances on one database never run the same job at once, and is recorded in `job_runs`.

pub mod flags;
pub mod notices;
pub mod reports;
pub mod scheduler;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use sqlx::PgPool;

use crate::db;
use crate::domain::JobOutcome;

/// What a job needs to know about "now".
#[derive(Debug, Clone, Copy)]
pub struct JobClock {
    pub now: DateTime<Utc>,
    /// Today in the City's time zone.
    pub today: NaiveDate,
}

/// The jobs the scheduler runs, each with its advisory-lock key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// Flags overdue tasks and plans and clears flags that no longer hold.
    OverdueScan,
    /// Tells people of tasks coming due, once per threshold.
    DueSoon,
    /// Marks open tasks with no update for too long.
    StaleScan,
    /// Opens each period's periodic reports, then tells units of those coming due or late.
    ReportDeadlines,
    /// Sends the daily digest emails (once per City day, after the morning hour).
    EmailDigest,
    /// Folds the dashboards' pending count changes into their totals (the counts are right
    /// either way; this keeps reading them quick).
    FoldCounts,
}

impl Job {
    pub const ALL: [Job; 6] = [
        Job::OverdueScan,
        Job::DueSoon,
        Job::StaleScan,
        Job::ReportDeadlines,
        Job::EmailDigest,
        Job::FoldCounts,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Job::OverdueScan => "overdue_scan",
            Job::DueSoon => "due_soon",
            Job::StaleScan => "stale_scan",
            Job::ReportDeadlines => "report_deadlines",
            Job::EmailDigest => "email_digest",
            Job::FoldCounts => "fold_counts",
        }
    }

    /// The catalog key of the job's name for people.
    pub fn label_key(self) -> &'static str {
        match self {
            Job::OverdueScan => "jobs.overdue_scan",
            Job::DueSoon => "jobs.due_soon",
            Job::StaleScan => "jobs.stale_scan",
            Job::ReportDeadlines => "jobs.report_deadlines",
            Job::EmailDigest => "jobs.email_digest",
            Job::FoldCounts => "jobs.fold_counts",
        }
    }

    /// A fixed key per job for `pg_try_advisory_lock`.
    fn lock_key(self) -> i64 {
        // "RTPJ" (Remediation Tracking Portal, Job) in the high bits, the job in the low ones.
        0x5254_504A_0000_0000
            + match self {
                Job::OverdueScan => 1,
                Job::StaleScan => 2,
                Job::DueSoon => 3,
                Job::ReportDeadlines => 4,
                Job::EmailDigest => 5,
                Job::FoldCounts => 6,
            }
    }
}

/// The settings the jobs read (from the configuration).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobSettings {
    /// The scheduler's interval; runs are counted per tick of it.
    pub interval_secs: i64,
    pub stale_days: i32,
    /// Days before a deadline at which people are told (e.g. 7 and 1).
    pub due_soon_notice_days: Vec<i32>,
    /// Days before a report's due date at which its unit is told.
    pub report_notice_days: i32,
    /// The City's time zone (the digest goes out once per City day).
    pub time_zone: chrono_tz::Tz,
}

impl JobSettings {
    pub fn from_config(config: &crate::config::Config) -> Self {
        JobSettings {
            interval_secs: config.job_interval.as_secs().max(1) as i64,
            stale_days: config.stale_days,
            due_soon_notice_days: config.due_soon_notice_days.clone(),
            report_notice_days: config.report_notice_days,
            time_zone: config.time_zone,
        }
    }

    /// The tick `now` falls in.
    pub fn slot(&self, now: DateTime<Utc>) -> i64 {
        now.timestamp().div_euclid(self.interval_secs)
    }
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq)]
pub enum RunResult {
    /// Another instance holds the job's lock, or already ran it in this tick; nothing was done.
    Skipped,
    /// The job ran; its counts are recorded.
    Ran(Value),
}

/// Runs `job` once as of `clock`, unless another instance is running it or already ran it in
/// this tick. The lock is held on a dedicated connection for the whole run and released
/// however the run ends.
pub async fn run_job(
    pool: &PgPool,
    job: Job,
    clock: JobClock,
    settings: &JobSettings,
    instance: &str,
) -> Result<RunResult, sqlx::Error> {
    // A transaction-level lock: however the run ends (an error, a panic, a lost connection),
    // ending the transaction releases it; a session lock could go back to the pool still held.
    let mut lock = pool.begin().await?;
    let locked = db::job_runs::try_lock(&mut *lock, job.lock_key()).await?;
    if !locked {
        tracing::debug!(job = job.name(), "another instance is running this job");
        return Ok(RunResult::Skipped);
    }
    let run_id = db::job_runs::claim(
        pool,
        job.name(),
        instance,
        clock.now,
        settings.slot(clock.now),
    )
    .await?;
    let Some(run_id) = run_id else {
        tracing::debug!(
            job = job.name(),
            "already run in this tick by another instance"
        );
        return Ok(RunResult::Skipped);
    };

    // Start and end on the portal's clock (what the administrators' page compares them with),
    // the run's length measured.
    let started = std::time::Instant::now();
    let result = match job {
        Job::OverdueScan => flags::flag_overdue(pool, clock.today).await,
        Job::DueSoon => notices::due_soon(pool, clock.today, &settings.due_soon_notice_days).await,
        Job::StaleScan => flags::flag_stale(pool, clock.now, settings.stale_days).await,
        Job::ReportDeadlines => report_deadlines(pool, clock.today, settings).await,
        Job::EmailDigest => crate::notify::daily_digest(pool, clock.now, settings.time_zone).await,
        Job::FoldCounts => crate::db::dashboard::fold(pool).await,
    };

    let (outcome, counts, error) = match &result {
        Ok(counts) => (JobOutcome::Succeeded, counts.clone(), None),
        Err(e) => (JobOutcome::Failed, Value::Null, Some(e.to_string())),
    };
    let recorded = db::job_runs::finish(
        pool,
        run_id,
        outcome,
        Some(counts.clone()).filter(|c| !c.is_null()),
        error,
        clock.now + chrono::Duration::from_std(started.elapsed()).unwrap_or_default(),
    )
    .await;
    lock.commit().await?;
    let counts = result?;
    recorded?;
    // The record is kept for 90 days.
    db::job_runs::purge_old(pool, job.name(), clock.now).await?;
    tracing::info!(job = job.name(), counts = %counts, "job finished");
    Ok(RunResult::Ran(counts))
}

/// Opens the periods' reports, then tells of those coming due or late: the counts of both.
async fn report_deadlines(
    pool: &PgPool,
    today: NaiveDate,
    settings: &JobSettings,
) -> Result<Value, sqlx::Error> {
    let mut counts = reports::open_periods(pool, today).await?;
    let told = notices::report_deadlines(pool, today, settings.report_notice_days).await?;
    if let (Some(counts), Value::Object(told)) = (counts.as_object_mut(), told) {
        counts.extend(told);
    }
    Ok(counts)
}

/// The jobs the pages depend on, run before the first request is served: the overdue flags
/// (every page shows them) and the folding of the counts. The others (notices, the stale
/// scan, which reads every open task) run in the scheduler's first tick, right after.
pub const BEFORE_SERVING: [Job; 2] = [Job::OverdueScan, Job::FoldCounts];

/// Runs `jobs` (`Job::ALL`: every job) once each, in order, each as of the moment it starts;
/// stops before the next job once `cancel` is cancelled. Each job's result, in order.
pub async fn run_all(
    pool: &PgPool,
    clock: &dyn crate::domain::clock::Clock,
    settings: &JobSettings,
    instance: &str,
    cancel: Option<&tokio_util::sync::CancellationToken>,
    jobs: &[Job],
) -> Vec<(Job, Result<RunResult, sqlx::Error>)> {
    let mut runs = Vec::with_capacity(jobs.len());
    for &job in jobs {
        if cancel.is_some_and(|c| c.is_cancelled()) {
            break;
        }
        let now = clock.now();
        let job_clock = JobClock {
            now,
            today: crate::domain::dates::city_today(now, settings.time_zone),
        };
        runs.push((job, run_job(pool, job, job_clock, settings, instance).await));
    }
    runs
}
