//! The City's changes to the units' remediation plans: the plan, the shortcomings it remedies,
//! and its document.

use sqlx::PgConnection;

use super::constraints::OrRefuse;
use super::{By, Refusal, attach_file, snapshot};
use crate::db::admin;
use crate::db::audit::AuditEntry;
use crate::db::edit_locks::{Versioned, lock};
use crate::db::files::{FileOwner, NewFile};
use crate::db::plans::{self as queries, PlanRow, PlanValues};
use crate::db::shortcomings;
use crate::domain::input::{FieldErrors, Invalid};
use crate::domain::{PlanId, UnitId};

/// Creates a plan with its shortcomings; its id.
pub async fn create_plan(
    conn: &mut PgConnection,
    by: &By<'_>,
    values: &PlanValues,
) -> Result<PlanId, Refusal> {
    by.reviewer_only()?;
    check_unit_seen(by, values.unit_id)?;
    check_references(conn, values, None).await?;
    let id = queries::insert(&mut *conn, values).await.or_refuse()?;
    queries::replace_shortcomings(&mut *conn, id, &values.shortcomings).await?;
    let entry = AuditEntry::change("plan.create", "plan", id, None, snapshot(values));
    by.audit(conn, entry.in_unit(values.unit_id)).await?;
    Ok(id)
}

/// Changes plan `id` and its shortcomings, if `unchanged` finds it as the editor saw it. Its
/// unit may stay though it was deactivated since.
pub async fn update_plan<E: From<Refusal>>(
    conn: &mut PgConnection,
    by: &By<'_>,
    id: PlanId,
    values: &PlanValues,
    unchanged: impl FnOnce(&PlanValues) -> Result<(), E>,
) -> Result<(), E> {
    by.reviewer_only()?;
    let plan = locked_plan(conn, id).await?;
    check_unit_seen(by, plan.unit_id)?;
    let shortcomings = queries::shortcomings(&mut *conn, id)
        .await
        .map_err(Refusal::from)?;
    let saved = PlanValues::of(&plan, &shortcomings);
    unchanged(&saved)?;
    check_unit_seen(by, values.unit_id)?;
    check_references(conn, values, Some(saved.unit_id)).await?;
    queries::update(&mut *conn, id, values).await.or_refuse()?;
    queries::replace_shortcomings(&mut *conn, id, &values.shortcomings)
        .await
        .map_err(Refusal::from)?;
    let entry = AuditEntry::change(
        "plan.update",
        "plan",
        id,
        snapshot(&saved),
        snapshot(values),
    );
    by.audit(conn, entry.in_unit(values.unit_id)).await?;
    Ok(())
}

/// Attaches `file`, already checked, to plan `id` (its document); the file's id.
pub async fn attach_plan_file(
    conn: &mut PgConnection,
    by: &By<'_>,
    id: PlanId,
    file: &NewFile<'_>,
) -> Result<i64, Refusal> {
    by.reviewer_only()?;
    let plan = locked_plan(conn, id).await?;
    check_unit_seen(by, plan.unit_id)?;
    let (file_id, after) = attach_file(conn, by, FileOwner::Plan(id), file).await?;
    let entry = AuditEntry::change("plan.attach_file", "plan", id, None, Some(after));
    by.audit(conn, entry.in_unit(plan.unit_id)).await?;
    Ok(file_id)
}

async fn locked_plan(conn: &mut PgConnection, id: PlanId) -> Result<PlanRow, Refusal> {
    lock(&mut *conn, Versioned::Plans, id.0).await?;
    queries::find(&mut *conn, id)
        .await?
        .ok_or(Refusal::NotFound)
}

/// Refuses a change to a plan of `unit` by someone who does not see that unit's plans.
fn check_unit_seen(by: &By<'_>, unit: UnitId) -> Result<(), Refusal> {
    if by.actor.can_see_unit(unit) {
        Ok(())
    } else {
        Err(Refusal::Forbidden)
    }
}

/// Refuses a unit or a shortcoming that does not exist, and a deactivated unit unless it is
/// `kept`, the one the plan already has.
async fn check_references(
    conn: &mut PgConnection,
    values: &PlanValues,
    kept: Option<UnitId>,
) -> Result<(), Refusal> {
    let mut errors = FieldErrors::default();
    let unit = admin::unit(&mut *conn, values.unit_id).await?;
    if !unit.is_some_and(|unit| unit.active || kept == Some(unit.id)) {
        errors.refuse("unit_id", Invalid::new("plan_form.unit_unknown"));
    }
    let found = shortcomings::existing(&mut *conn, &values.shortcomings).await?;
    if found.len() != values.shortcomings.len() {
        let refusal = Invalid::new("plan_form.shortcoming_unknown");
        errors.refuse("shortcoming", refusal);
    }
    Refusal::unless_empty(errors)
}
