//! The record of background job runs, for the administrators' page.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{FromRow, PgExecutor};

use crate::domain::JobOutcome;

/// One run of a job.
#[derive(Debug, Clone, FromRow)]
pub struct JobRunRow {
    pub id: i64,
    pub job: String,
    pub instance: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub outcome: JobOutcome,
    pub counts: Value,
    pub error: Option<String>,
}

impl JobRunRow {
    /// How long the run took, in milliseconds (while running: so far).
    pub fn duration_ms(&self) -> i64 {
        (self.finished_at.unwrap_or_else(Utc::now) - self.started_at).num_milliseconds()
    }

    /// The counts as "name: value" pairs, in the order the job wrote them.
    pub fn count_pairs(&self) -> Vec<(String, String)> {
        match &self.counts {
            Value::Object(map) => map
                .iter()
                .map(|(k, v)| (k.clone(), v.to_string()))
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// Takes the advisory lock `key` for the rest of the caller's transaction, if no one holds it;
/// true when taken.
pub async fn try_lock(executor: impl PgExecutor<'_>, key: i64) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("select pg_try_advisory_xact_lock($1)")
        .bind(key)
        .fetch_one(executor)
        .await
}

/// Records the start of a run of `job` as of `as_of` in tick `slot`: the new run's id, or none
/// when the job already ran in that tick.
pub async fn claim(
    executor: impl PgExecutor<'_>,
    job: &str,
    instance: &str,
    as_of: DateTime<Utc>,
    slot: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "insert into job_runs (job, instance, as_of, slot, started_at) values ($1, $2, $3, $4, $3)
         on conflict (job, slot) where slot is not null do nothing
         returning id",
    )
    .bind(job)
    .bind(instance)
    .bind(as_of)
    .bind(slot)
    .fetch_optional(executor)
    .await
}

/// Records how the run `id` ended: its outcome, counts (none: an empty object) or error.
pub async fn finish(
    executor: impl PgExecutor<'_>,
    id: i64,
    outcome: JobOutcome,
    counts: Option<Value>,
    error: Option<String>,
    finished_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update job_runs set finished_at = $5, outcome = $2,
                counts = coalesce($3, '{}'::jsonb), error = $4
         where id = $1",
    )
    .bind(id)
    .bind(outcome)
    .bind(counts)
    .bind(error)
    .bind(finished_at)
    .execute(executor)
    .await?;
    Ok(())
}

/// Deletes the runs of `job` started more than 90 days before `now`.
pub async fn purge_old(
    executor: impl PgExecutor<'_>,
    job: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query("delete from job_runs where job = $1 and started_at < $2 - interval '90 days'")
        .bind(job)
        .bind(now)
        .execute(executor)
        .await?;
    Ok(())
}

const COLUMNS: &str = "id, job, instance, started_at, finished_at, outcome, counts, error";

/// The latest runs of all jobs, newest first.
pub async fn recent(
    executor: impl PgExecutor<'_>,
    limit: i64,
) -> Result<Vec<JobRunRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "select {COLUMNS} from job_runs order by started_at desc, id desc limit $1"
    ))
    .bind(limit)
    .fetch_all(executor)
    .await
}

/// For each job: its latest run and when it last succeeded.
pub async fn latest_per_job(
    executor: impl PgExecutor<'_>,
    jobs: &[&str],
) -> Result<Vec<(JobRunRow, Option<DateTime<Utc>>)>, sqlx::Error> {
    let rows: Vec<LatestRow> = sqlx::query_as(&format!(
        "select {COLUMNS},
                (select max(s.finished_at) from job_runs s
                 where s.job = r.job and s.outcome = 'succeeded') as last_success_at
         from (select distinct on (job) * from job_runs where job = any($1)
               order by job, started_at desc, id desc) r"
    ))
    .bind(jobs)
    .fetch_all(executor)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| (row.run, row.last_success_at))
        .collect())
}

#[derive(FromRow)]
struct LatestRow {
    #[sqlx(flatten)]
    run: JobRunRow,
    last_success_at: Option<DateTime<Utc>>,
}
