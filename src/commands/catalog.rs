//! The administrator's changes to what shortcomings are filed under: the fields of state
//! management and the source documents (with their files).

use sqlx::PgConnection;

use super::constraints::OrRefuse;
use super::{By, Refusal, attach_file, snapshot};
use crate::db::admin::{self, FieldRow, FieldValues, SourceAdminRow, SourceValues};
use crate::db::audit::AuditEntry;
use crate::db::edit_locks::{Versioned, lock};
use crate::db::files::{FileOwner, NewFile};
use crate::domain::{FieldId, SourceId};

/// Creates a field; its id.
pub async fn create_field(
    conn: &mut PgConnection,
    by: &By<'_>,
    values: &FieldValues,
) -> Result<FieldId, Refusal> {
    by.admin_only()?;
    let id = admin::insert_field(&mut *conn, values).await.or_refuse()?;
    let entry = AuditEntry::change("field.create", "field", id, None, snapshot(values));
    by.audit(conn, entry).await?;
    Ok(id)
}

/// Changes the code or the names of field `id`, if `unchanged` finds it as the editor saw it.
pub async fn update_field<E: From<Refusal>>(
    conn: &mut PgConnection,
    by: &By<'_>,
    id: FieldId,
    values: &FieldValues,
    unchanged: impl FnOnce(&FieldRow) -> Result<(), E>,
) -> Result<(), E> {
    by.admin_only()?;
    let saved = locked_field(conn, id).await?;
    unchanged(&saved)?;
    admin::update_field(&mut *conn, id, values)
        .await
        .or_refuse()?;
    let entry = AuditEntry::change(
        "field.update",
        "field",
        id,
        snapshot(&saved),
        snapshot(values),
    );
    by.audit(conn, entry).await?;
    Ok(())
}

async fn locked_field(conn: &mut PgConnection, id: FieldId) -> Result<FieldRow, Refusal> {
    lock(&mut *conn, Versioned::Fields, id.0).await?;
    admin::field(&mut *conn, id).await?.ok_or(Refusal::NotFound)
}

/// Creates a source document; its id.
pub async fn create_source(
    conn: &mut PgConnection,
    by: &By<'_>,
    values: &SourceValues,
) -> Result<SourceId, Refusal> {
    by.admin_only()?;
    let id = admin::insert_source(&mut *conn, values).await.or_refuse()?;
    let entry = AuditEntry::change("source.create", "source", id, None, snapshot(values));
    by.audit(conn, entry).await?;
    Ok(id)
}

/// Changes source document `id`, if `unchanged` finds it as the editor saw it.
pub async fn update_source<E: From<Refusal>>(
    conn: &mut PgConnection,
    by: &By<'_>,
    id: SourceId,
    values: &SourceValues,
    unchanged: impl FnOnce(&SourceAdminRow) -> Result<(), E>,
) -> Result<(), E> {
    by.admin_only()?;
    let saved = locked_source(conn, id).await?;
    unchanged(&saved)?;
    admin::update_source(&mut *conn, id, values)
        .await
        .or_refuse()?;
    let (before, after) = (snapshot(&saved), snapshot(values));
    let entry = AuditEntry::change("source.update", "source", id, before, after);
    by.audit(conn, entry).await?;
    Ok(())
}

/// Attaches `file`, already checked, to source document `id`; the file's id.
pub async fn attach_source_file(
    conn: &mut PgConnection,
    by: &By<'_>,
    id: SourceId,
    file: &NewFile<'_>,
) -> Result<i64, Refusal> {
    by.admin_only()?;
    locked_source(conn, id).await?;
    let (file_id, after) = attach_file(conn, by, FileOwner::Source(id), file).await?;
    let entry = AuditEntry::change("source.attach_file", "source", id, None, Some(after));
    by.audit(conn, entry).await?;
    Ok(file_id)
}

async fn locked_source(conn: &mut PgConnection, id: SourceId) -> Result<SourceAdminRow, Refusal> {
    lock(&mut *conn, Versioned::Sources, id.0).await?;
    admin::source(&mut *conn, id)
        .await?
        .ok_or(Refusal::NotFound)
}
