//! The in-process scheduler: runs every job at start and then every interval, until cancelled.
//! A job that is running when shutdown begins is allowed to finish (each is one transaction).

use std::sync::Arc;
use std::time::Duration;

use sqlx::PgPool;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::{Job, JobClock, run_job};
use crate::domain::clock::Clock;
use crate::domain::dates::city_today;

/// What the scheduler needs.
pub struct SchedulerConfig {
    pub interval: Duration,
    pub time_zone: chrono_tz::Tz,
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
        // The jobs ran once before the server started; the next run is one interval later.
        let first = tokio::time::Instant::now() + config.interval;
        let mut ticker = tokio::time::interval_at(first, config.interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = cancel.cancelled() => break,
                _ = ticker.tick() => {}
            }
            for job in Job::ALL {
                if cancel.is_cancelled() {
                    break;
                }
                let now = clock.now();
                let job_clock = JobClock {
                    now,
                    today: city_today(now, config.time_zone),
                };
                if let Err(e) =
                    run_job(&pool, job, job_clock, &config.settings, &config.instance).await
                {
                    tracing::error!(job = job.name(), error = %e, "job failed");
                }
            }
        }
        tracing::info!("background jobs stopped");
    })
}
