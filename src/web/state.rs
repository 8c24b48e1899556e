//! The application state every handler reads with `State<…>`.

use std::sync::Arc;

use axum::extract::FromRef;
use chrono::NaiveDate;
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::db::directory::DirectoryCache;
use crate::domain::clock::Clock;
use crate::domain::dates::city_today;
use crate::domain::filter::AsOf;

/// Shared by all requests; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub config: Arc<Config>,
    pub clock: Arc<dyn Clock>,
    /// The names pages show, kept in memory (`db::directory`).
    pub directory: Arc<DirectoryCache>,
    /// Cancelled when the server starts shutting down (`/readyz` then answers 503).
    pub shutdown: CancellationToken,
    /// When the database last refused a write for lack of room, in seconds since the epoch
    /// (0: not since start); `/readyz` reports it.
    pub disk_full_at: Arc<std::sync::atomic::AtomicI64>,
    /// Exports running now: each holds a database connection while it reads its list, so
    /// only [`EXPORTS_AT_ONCE`] run together and the others wait their turn.
    pub exports: Arc<tokio::sync::Semaphore>,
}

/// Downloads of a list as a spreadsheet that may read the database at the same time.
pub const EXPORTS_AT_ONCE: usize = 2;

impl AppState {
    pub fn new(pool: PgPool, config: Config, clock: Arc<dyn Clock>) -> Self {
        AppState {
            pool,
            config: Arc::new(config),
            clock,
            directory: Arc::default(),
            shutdown: CancellationToken::new(),
            disk_full_at: Arc::default(),
            exports: Arc::new(tokio::sync::Semaphore::new(EXPORTS_AT_ONCE)),
        }
    }

    /// Today in the City's time zone.
    pub fn today(&self) -> NaiveDate {
        city_today(self.clock.now(), self.config.time_zone)
    }

    /// What timeliness is judged against right now.
    pub fn as_of(&self) -> AsOf {
        AsOf {
            today: self.today(),
            due_soon_days: self.config.due_soon_days,
        }
    }
}

impl FromRef<AppState> for PgPool {
    fn from_ref(state: &AppState) -> PgPool {
        state.pool.clone()
    }
}
