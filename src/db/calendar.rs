//! The working-day calendar: the listed days off and make-up working days.

use chrono::NaiveDate;
use sqlx::PgExecutor;

use crate::domain::calendar::{CalendarDayKind, WorkCalendar};

/// The calendar as listed.
pub async fn work_calendar(executor: impl PgExecutor<'_>) -> Result<WorkCalendar, sqlx::Error> {
    let days: Vec<(NaiveDate, CalendarDayKind)> =
        sqlx::query_as("select day, kind from calendar_days order by day")
            .fetch_all(executor)
            .await?;
    Ok(WorkCalendar::new(days))
}

/// Lists `day` as `kind`, named `name` (replacing what was listed for it).
pub async fn set_day(
    executor: impl PgExecutor<'_>,
    day: NaiveDate,
    kind: CalendarDayKind,
    name: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into calendar_days (day, kind, name) values ($1, $2, $3)
         on conflict (day) do update set kind = excluded.kind, name = excluded.name",
    )
    .bind(day)
    .bind(kind)
    .bind(name)
    .execute(executor)
    .await?;
    Ok(())
}
