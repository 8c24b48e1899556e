//! `seed-bench`: fills an empty database with benchmark data of any size, beside the portal
//! (docs/benchmarks.md). It opens the database as the portal does — the embedded cluster in
//! `--data-dir` or `PORTAL_DATA_DIR`, or `DATABASE_URL` — and migrates it, through the
//! library's public API only.

mod catalog;
mod cli;
mod history;
mod load;
mod tasks;
mod text;
mod tree;

use std::process::ExitCode;

use anyhow::bail;
use remediation_portal::app;
use remediation_portal::config::Config;
use remediation_portal::db;
use remediation_portal::domain::clock::{Clock, SystemClock};
use remediation_portal::domain::dates;
use remediation_portal::seed::bench;
use remediation_portal::telemetry;
use sqlx::PgPool;

use cli::Command;
use load::{BenchSettings, BenchSize};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (size, data_dir) = match cli::parse(&args) {
        Ok(Command::Generate { size, data_dir }) => (size, data_dir),
        Ok(Command::Help) => {
            println!("{}", cli::USAGE);
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("seed-bench: {e}\n\n{}", cli::USAGE);
            return ExitCode::from(2);
        }
    };
    let mut config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("seed-bench: {e}");
            return ExitCode::from(2);
        }
    };
    if let Some(dir) = data_dir {
        if config.database_url.is_some() {
            eprintln!("seed-bench: --data-dir and DATABASE_URL name two databases; give one");
            return ExitCode::from(2);
        }
        config.data_dir = dir;
    }
    telemetry::init(&config);
    match app::with_prepared_database(&config, async |pool| seed_bench(&config, pool, size).await) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "stopped");
            eprintln!("seed-bench: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Generates benchmark data into an empty database, printing each step and its time as it
/// ends, then the accounts to sign in with.
async fn seed_bench(config: &Config, pool: &PgPool, size: BenchSize) -> anyhow::Result<()> {
    if !db::is_empty(pool).await? {
        bail!(
            "the database already holds data; seed-bench generates data only into an empty database"
        );
    }
    let settings = BenchSettings::from_config(config, SystemClock.now());
    println!(
        "Generating benchmark data: {size}, as of {} ({}).",
        dates::format_date(settings.today()),
        config.time_zone
    );
    let took = load::load_bench(pool, size, &settings, &mut |step| println!("  {step}")).await?;
    println!(
        "Benchmark data loaded in {:.1} s. Every account's password: {}",
        took.as_secs_f64(),
        bench::BENCH_PASSWORD
    );
    for (username, role) in bench::bench_sign_ins(pool).await? {
        println!("  {username:<20} {role}");
    }
    Ok(())
}
