//! The in-process scheduler: runs every job as the server starts and then every interval, until
//! cancelled.
//! A job that is running when shutdown begins is allowed to finish (each is one transaction).

use std::sync::Arc;
use std::time::Duration;

use sqlx::PgPool;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::run_all;
use crate::domain::clock::Clock;

/// What the scheduler needs.
pub struct SchedulerConfig {
    /// The interval (`settings.interval_secs`) and the City's time zone come from here.
    pub settings: super::JobSettings,
    /// Names this instance in `job_runs`.
    pub instance: String,
}

/// Starts the scheduler; it stops when `cancel` is cancelled (await the handle to wait).
pub fn spawn(
    pool: PgPool,
    clock: Arc<dyn Clock>,
    config: SchedulerConfig,
    cancel: CancellationToken,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        // The first tick is now: the jobs not run before the server started run at once (those
        // that were find this tick claimed and skip it), then every interval.
        let interval = Duration::from_secs(config.settings.interval_secs as u64);
        let mut ticker = tokio::time::interval_at(tokio::time::Instant::now(), interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = cancel.cancelled() => break,
                _ = ticker.tick() => {}
            }
            let runs = run_all(
                &pool,
                clock.as_ref(),
                &config.settings,
                &config.instance,
                Some(&cancel),
                &super::Job::ALL,
            )
            .await;
            let mut failed = 0;
            for (job, run) in &runs {
                if let Err(e) = run {
                    failed += 1;
                    tracing::error!(job = job.name(), error = %e, "job failed");
                }
            }
            tracing::info!(jobs = runs.len(), failed, "background jobs ran");
        }
        tracing::info!("background jobs stopped");
    })
}
