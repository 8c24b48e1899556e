//! Background work: plain functions of (database, as-of instant) that tests call directly, run
//! on an interval by [`scheduler`]. Each run takes a PostgreSQL advisory lock, so two portal
//! instances on one database never run the same job at once, and is recorded in `job_runs`.

pub mod flags;
pub mod scheduler;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use sqlx::PgPool;

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
    /// Marks open tasks with no update for too long.
    StaleScan,
}

impl Job {
    pub const ALL: [Job; 2] = [Job::OverdueScan, Job::StaleScan];

    pub fn name(self) -> &'static str {
        match self {
            Job::OverdueScan => "overdue_scan",
            Job::StaleScan => "stale_scan",
        }
    }

    /// A fixed key per job for `pg_try_advisory_lock`.
    fn lock_key(self) -> i64 {
        // "RTPJ" (Remediation Tracking Portal, Job) in the high bits, the job in the low ones.
        0x5254_504A_0000_0000
            + match self {
                Job::OverdueScan => 1,
                Job::StaleScan => 2,
            }
    }
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq)]
pub enum RunResult {
    /// Another instance holds the job's lock; nothing was done.
    Skipped,
    /// The job ran; its counts are recorded.
    Ran(Value),
}

/// Runs `job` once as of `clock`, unless another instance is running it. The lock is held on
/// a dedicated connection for the whole run and released however the run ends.
pub async fn run_job(
    pool: &PgPool,
    job: Job,
    clock: JobClock,
    stale_days: i32,
    instance: &str,
) -> Result<RunResult, sqlx::Error> {
    let mut lock_conn = pool.acquire().await?;
    let locked: bool = sqlx::query_scalar("select pg_try_advisory_lock($1)")
        .bind(job.lock_key())
        .fetch_one(&mut *lock_conn)
        .await?;
    if !locked {
        tracing::debug!(job = job.name(), "another instance is running this job");
        return Ok(RunResult::Skipped);
    }
    let run_id: i64 = sqlx::query_scalar(
        "insert into job_runs (job, instance, as_of) values ($1, $2, $3) returning id",
    )
    .bind(job.name())
    .bind(instance)
    .bind(clock.now)
    .fetch_one(pool)
    .await?;

    let result = match job {
        Job::OverdueScan => flags::flag_overdue(pool, clock.today).await,
        Job::StaleScan => flags::flag_stale(pool, clock.now, stale_days).await,
    };

    let (outcome, counts, error) = match &result {
        Ok(counts) => (JobOutcome::Succeeded, counts.clone(), None),
        Err(e) => (JobOutcome::Failed, Value::Null, Some(e.to_string())),
    };
    let recorded = sqlx::query(
        "update job_runs set finished_at = now(), outcome = $2,
                counts = coalesce($3, '{}'::jsonb), error = $4
         where id = $1",
    )
    .bind(run_id)
    .bind(outcome)
    .bind(Some(counts.clone()).filter(|c| !c.is_null()))
    .bind(error)
    .execute(pool)
    .await;
    let unlocked = sqlx::query("select pg_advisory_unlock($1)")
        .bind(job.lock_key())
        .execute(&mut *lock_conn)
        .await;
    let counts = result?;
    recorded?;
    unlocked?;
    tracing::info!(job = job.name(), counts = %counts, "job finished");
    Ok(RunResult::Ran(counts))
}
