//! The City's changes to the shortcomings: what was found, where it is filed, which unit
//! leads its remedy, and the source documents that found it.

use sqlx::PgConnection;

use super::constraints::OrRefuse;
use super::{By, Refusal, snapshot};
use crate::db::admin;
use crate::db::audit::AuditEntry;
use crate::db::edit_locks::{Versioned, lock};
use crate::db::shortcomings::{self as queries, ShortcomingValues};
use crate::domain::input::{FieldErrors, Invalid};
use crate::domain::{ShortcomingId, UnitId};

/// Creates a shortcoming with its source documents; its id.
pub async fn create_shortcoming(
    conn: &mut PgConnection,
    by: &By<'_>,
    values: &ShortcomingValues,
) -> Result<ShortcomingId, Refusal> {
    by.reviewer_only()?;
    check_references(conn, values, None).await?;
    let id = queries::insert(&mut *conn, values).await.or_refuse()?;
    queries::replace_sources(&mut *conn, id, &values.sources).await?;
    let after = snapshot(values);
    let entry = AuditEntry::change("shortcoming.create", "shortcoming", id, None, after);
    by.audit(conn, entry.in_unit(values.lead_unit_id)).await?;
    Ok(id)
}

/// Changes shortcoming `id` and its source documents, if `unchanged` finds it as the editor
/// saw it.
pub async fn update_shortcoming<E: From<Refusal>>(
    conn: &mut PgConnection,
    by: &By<'_>,
    id: ShortcomingId,
    values: &ShortcomingValues,
    unchanged: impl FnOnce(&ShortcomingValues) -> Result<(), E>,
) -> Result<(), E> {
    by.reviewer_only()?;
    let saved = locked_shortcoming(conn, id).await?;
    unchanged(&saved)?;
    check_references(conn, values, Some(saved.lead_unit_id)).await?;
    queries::update(&mut *conn, id, values).await.or_refuse()?;
    queries::replace_sources(&mut *conn, id, &values.sources)
        .await
        .map_err(Refusal::from)?;
    let (before, after) = (snapshot(&saved), snapshot(values));
    let entry = AuditEntry::change("shortcoming.update", "shortcoming", id, before, after);
    by.audit(conn, entry.in_unit(values.lead_unit_id)).await?;
    Ok(())
}

/// The shortcoming `id` as saved, locked for the rest of the transaction.
async fn locked_shortcoming(
    conn: &mut PgConnection,
    id: ShortcomingId,
) -> Result<ShortcomingValues, Refusal> {
    lock(&mut *conn, Versioned::Shortcomings, id.0).await?;
    let record = queries::record(&mut *conn, id)
        .await?
        .ok_or(Refusal::NotFound)?;
    let sources = queries::source_ids(&mut *conn, id).await?;
    Ok(ShortcomingValues::of(&record, sources))
}

/// Refuses a field, a lead unit or a source document that does not exist, and a deactivated
/// lead unit unless it is `kept`, the one the shortcoming already has (so an old shortcoming
/// can still be corrected).
async fn check_references(
    conn: &mut PgConnection,
    values: &ShortcomingValues,
    kept: Option<UnitId>,
) -> Result<(), Refusal> {
    let mut errors = FieldErrors::default();
    if admin::field(&mut *conn, values.field_id).await?.is_none() {
        errors.refuse("field_id", Invalid::new("shortcoming_form.field_unknown"));
    }
    let lead = admin::unit(&mut *conn, values.lead_unit_id).await?;
    if !lead.is_some_and(|unit| unit.active || kept == Some(unit.id)) {
        let refusal = Invalid::new("shortcoming_form.unit_unknown");
        errors.refuse("lead_unit_id", refusal);
    }
    let found = queries::existing_sources(&mut *conn, &values.sources).await?;
    if found.len() != values.sources.len() {
        errors.refuse("source", Invalid::new("shortcoming_form.source_unknown"));
    }
    Refusal::unless_empty(errors)
}
