//! The administrator's working-day calendar: days off and make-up working days listed and
//! taken off the list (docs/reports.md, "Working days"). Reports already opened keep the due
//! dates they were given; new periods count on the list as it is.

use chrono::NaiveDate;
use serde_json::json;
use sqlx::PgConnection;

use super::constraints::OrRefuse;
use super::{By, Refusal};
use crate::db::audit::AuditEntry;
use crate::db::calendar;
use crate::domain::calendar::CalendarDayKind;

/// Lists `day` as `kind`, named `name`; a day listed already is refused beside the date.
pub async fn add_day(
    conn: &mut PgConnection,
    by: &By<'_>,
    day: NaiveDate,
    kind: CalendarDayKind,
    name: &str,
) -> Result<(), Refusal> {
    by.admin_only()?;
    calendar::insert_day(&mut *conn, day, kind, name)
        .await
        .or_refuse()?;
    let after = json!({ "day": day, "kind": kind, "name": name });
    let entry = AuditEntry::change("calendar.add", "calendar_day", day, None, Some(after));
    by.audit(conn, entry).await
}

/// Takes `day` off the list; a day not listed is not found.
pub async fn remove_day(
    conn: &mut PgConnection,
    by: &By<'_>,
    day: NaiveDate,
) -> Result<(), Refusal> {
    by.admin_only()?;
    let removed = calendar::delete_day(&mut *conn, day)
        .await?
        .ok_or(Refusal::NotFound)?;
    let before = json!({ "day": removed.day, "kind": removed.kind, "name": removed.name });
    let entry = AuditEntry::change("calendar.remove", "calendar_day", day, Some(before), None);
    by.audit(conn, entry).await
}
