//! Opens the periodic reports each regime asks for: every period from the regime's first to
//! the one today falls in, one report per unit that owes it (docs/reports.md). A report
//! keeps the dates it was opened with, whatever the calendar says later.

use chrono::NaiveDate;
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::db;

/// Opens what is not open yet; how many reports were opened.
pub async fn open_periods(pool: &PgPool, today: NaiveDate) -> Result<Value, sqlx::Error> {
    let calendar = db::calendar::work_calendar(pool).await?;
    let mut opened = 0;
    for regime in db::reports::active_regimes(pool).await? {
        let schedule = regime.schedule();
        for period in schedule.open_periods(today) {
            let dates = schedule.dates(period, &calendar);
            opened += db::reports::open_reports(pool, &regime, period, dates).await?;
        }
    }
    Ok(json!({ "reports_opened": opened }))
}
