//! The City's report regimes: which periodic report it asks for, of whom, on which dates
//! (docs/reports.md, "Regimes"). New settings apply to the periods opened after the change;
//! reports already opened keep their dates.

use sqlx::PgConnection;

use super::constraints::OrRefuse;
use super::{By, Refusal, snapshot};
use crate::db::admin;
use crate::db::audit::AuditEntry;
use crate::db::edit_locks::{Versioned, lock};
use crate::db::reports::{self as db, RegimeRow, RegimeValues};
use crate::domain::RegimeId;
use crate::domain::input::Invalid;
use crate::domain::reports::ReportOwners;

/// Creates a regime; its id.
pub async fn create(
    conn: &mut PgConnection,
    by: &By<'_>,
    values: &RegimeValues,
) -> Result<RegimeId, Refusal> {
    by.reviewer_only()?;
    check_units(conn, values).await?;
    let id = db::insert_regime(conn, values).await.or_refuse()?;
    let entry = AuditEntry::change("regime.create", "report_regime", id, None, snapshot(values));
    by.audit(conn, entry).await?;
    Ok(id)
}

/// Changes regime `id`, if `unchanged` finds it as the editor saw it (with its units).
pub async fn update<E: From<Refusal>>(
    conn: &mut PgConnection,
    by: &By<'_>,
    id: RegimeId,
    values: &RegimeValues,
    unchanged: impl FnOnce(&(RegimeRow, Vec<crate::domain::UnitId>)) -> Result<(), E>,
) -> Result<(), E> {
    by.reviewer_only()?;
    lock(&mut *conn, Versioned::Regimes, id.0)
        .await
        .map_err(Refusal::from)?;
    let saved = db::regime(&mut *conn, id)
        .await
        .map_err(Refusal::from)?
        .ok_or(Refusal::NotFound)?;
    unchanged(&saved)?;
    check_units(conn, values).await?;
    db::update_regime(conn, id, values).await.or_refuse()?;
    let (row, units) = saved;
    let before = snapshot(&row.values(units));
    let entry = AuditEntry::change(
        "regime.update",
        "report_regime",
        id,
        before,
        snapshot(values),
    );
    by.audit(conn, entry).await?;
    Ok(())
}

/// Refuses a regime owed by chosen units with none chosen, or one that does not exist.
async fn check_units(conn: &mut PgConnection, values: &RegimeValues) -> Result<(), Refusal> {
    if values.owed_by == ReportOwners::ChosenUnits && values.units.is_empty() {
        return Err(Refusal::one(
            "units",
            Invalid::new("regime_form.units_required"),
        ));
    }
    let found = admin::existing_units(&mut *conn, &values.units).await?;
    if found.len() != values.units.len() {
        return Err(Refusal::one(
            "units",
            Invalid::new("regime_form.unit_unknown"),
        ));
    }
    Ok(())
}
