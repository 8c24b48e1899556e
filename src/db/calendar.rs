//! The working-day calendar: the listed days off and make-up working days.

use chrono::NaiveDate;
use sqlx::{FromRow, PgExecutor};

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

/// A listed day as the administration shows it.
#[derive(Debug, Clone, FromRow)]
pub struct CalendarDayRow {
    pub day: NaiveDate,
    pub kind: CalendarDayKind,
    pub name: String,
}

/// The listed days of `year`, in order.
pub async fn days_of_year(
    executor: impl PgExecutor<'_>,
    year: i32,
) -> Result<Vec<CalendarDayRow>, sqlx::Error> {
    sqlx::query_as(
        "select day, kind, name from calendar_days
         where day >= make_date($1, 1, 1) and day < make_date($1 + 1, 1, 1) order by day",
    )
    .bind(year)
    .fetch_all(executor)
    .await
}

/// Lists `day` (refused by `calendar_days_pkey` when it is listed already).
pub async fn insert_day(
    executor: impl PgExecutor<'_>,
    day: NaiveDate,
    kind: CalendarDayKind,
    name: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("insert into calendar_days (day, kind, name) values ($1, $2, $3)")
        .bind(day)
        .bind(kind)
        .bind(name)
        .execute(executor)
        .await?;
    Ok(())
}

/// Takes `day` off the list; what it was, if it was listed.
pub async fn delete_day(
    executor: impl PgExecutor<'_>,
    day: NaiveDate,
) -> Result<Option<CalendarDayRow>, sqlx::Error> {
    sqlx::query_as("delete from calendar_days where day = $1 returning day, kind, name")
        .bind(day)
        .fetch_optional(executor)
        .await
}
