//! `GET /admin/jobs`: the background jobs — the last run of each, whether one is late or
//! failing, and the latest runs — so administrators see the portal's own health.

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use chrono::{DateTime, Duration, Utc};

use crate::db::job_runs::{self, JobRunRow};
use crate::domain::JobOutcome;
use crate::jobs::Job;
use crate::web::ctx::PageCtx;
use crate::web::error::AppError;
use crate::web::pages::render;
use crate::web::state::AppState;

/// How a job is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    Ok,
    /// No successful run for three intervals (the scheduler, or every instance, is stuck).
    Late,
    /// The last run failed.
    Failing,
    /// Never ran on this database.
    NeverRan,
}

impl Health {
    pub fn label_key(self) -> &'static str {
        match self {
            Health::Ok => "jobs.ok",
            Health::Late => "jobs.late",
            Health::Failing => "jobs.failing",
            Health::NeverRan => "jobs.never_ran",
        }
    }

    pub fn css(self) -> &'static str {
        match self {
            Health::Ok => "ok",
            Health::Late => "late",
            Health::Failing => "failing",
            Health::NeverRan => "never",
        }
    }
}

/// One job's line on the page.
pub struct JobLine {
    pub name: &'static str,
    pub label_key: &'static str,
    pub last: Option<JobRunRow>,
    pub last_success_at: Option<DateTime<Utc>>,
    pub health: Health,
}

#[derive(Template)]
#[template(path = "admin/jobs.html")]
pub struct JobsPage {
    ctx: PageCtx,
    jobs: Vec<JobLine>,
    runs: Vec<JobRunRow>,
    interval_secs: u64,
}

/// How a job is doing, from its last run and last success, now.
pub fn health(
    last: Option<&JobRunRow>,
    last_success_at: Option<DateTime<Utc>>,
    interval: Duration,
    now: DateTime<Utc>,
) -> Health {
    let Some(last) = last else {
        return Health::NeverRan;
    };
    if last.outcome == JobOutcome::Failed {
        return Health::Failing;
    }
    match last_success_at {
        Some(at) if now - at <= interval * 3 => Health::Ok,
        // A first run still going is not late yet.
        None if last.outcome == JobOutcome::Running && now - last.started_at <= interval * 3 => {
            Health::Ok
        }
        _ => Health::Late,
    }
}

/// `GET /admin/jobs`.
pub async fn index(State(state): State<AppState>, ctx: PageCtx) -> Result<Html<String>, AppError> {
    let names: Vec<&str> = Job::ALL.iter().map(|j| j.name()).collect();
    let latest = job_runs::latest_per_job(&state.pool, &names).await?;
    let interval = Duration::from_std(state.config.job_interval).unwrap_or(Duration::minutes(5));
    let now = state.clock.now();
    let jobs = Job::ALL
        .iter()
        .map(|job| {
            let found = latest.iter().find(|(run, _)| run.job == job.name());
            let last = found.map(|(run, _)| run.clone());
            let last_success_at = found.and_then(|(_, at)| *at);
            JobLine {
                name: job.name(),
                label_key: job.label_key(),
                health: health(last.as_ref(), last_success_at, interval, now),
                last,
                last_success_at,
            }
        })
        .collect();
    let runs = job_runs::recent(&state.pool, 50).await?;
    render(&JobsPage {
        ctx,
        jobs,
        runs,
        interval_secs: state.config.job_interval.as_secs(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(outcome: JobOutcome, started: DateTime<Utc>) -> JobRunRow {
        JobRunRow {
            id: 1,
            job: "overdue_scan".into(),
            instance: "pid-1".into(),
            started_at: started,
            finished_at: (outcome != JobOutcome::Running).then_some(started),
            outcome,
            counts: serde_json::json!({}),
            error: None,
        }
    }

    #[test]
    fn late_failing_or_fine() {
        let now = Utc::now();
        let five = Duration::minutes(5);
        assert_eq!(health(None, None, five, now), Health::NeverRan);
        let ok = run(JobOutcome::Succeeded, now - Duration::minutes(4));
        assert_eq!(
            health(Some(&ok), Some(ok.started_at), five, now),
            Health::Ok
        );
        let old = run(JobOutcome::Succeeded, now - Duration::minutes(16));
        assert_eq!(
            health(Some(&old), Some(old.started_at), five, now),
            Health::Late
        );
        let failed = run(JobOutcome::Failed, now - Duration::minutes(1));
        assert_eq!(
            health(Some(&failed), Some(ok.started_at), five, now),
            Health::Failing
        );
    }
}
