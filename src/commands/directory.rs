//! The administrator's changes to the directory: units (a tree) and the people in them.

use serde_json::json;
use sqlx::PgConnection;

use super::constraints::OrRefuse;
use super::{By, Refusal, snapshot};
use crate::db::admin::{self, UnitRow, UnitValues, UserRow, UserValues};
use crate::db::audit::AuditEntry;
use crate::db::auth;
use crate::db::edit_locks::{Versioned, lock};
use crate::domain::input::Invalid;
use crate::domain::{Role, UnitId, UserId};

/// Creates a unit; its id.
pub async fn create_unit(
    conn: &mut PgConnection,
    by: &By<'_>,
    values: &UnitValues,
) -> Result<UnitId, Refusal> {
    by.admin_only()?;
    check_parent(conn, None, values.parent_id).await?;
    let id = admin::insert_unit(&mut *conn, values).await.or_refuse()?;
    let entry = AuditEntry::change("unit.create", "unit", id, None, snapshot(values));
    by.audit(conn, entry.in_unit(id)).await?;
    Ok(id)
}

/// Renames, moves, changes the kind of or (de)activates unit `id`, if `unchanged` finds it
/// as the editor saw it.
pub async fn update_unit<E: From<Refusal>>(
    conn: &mut PgConnection,
    by: &By<'_>,
    id: UnitId,
    values: &UnitValues,
    unchanged: impl FnOnce(&UnitRow) -> Result<(), E>,
) -> Result<(), E> {
    by.admin_only()?;
    let saved = locked_unit(conn, id).await?;
    unchanged(&saved)?;
    check_parent(conn, Some(id), values.parent_id).await?;
    admin::update_unit(&mut *conn, id, values)
        .await
        .or_refuse()?;
    let action = match (saved.active, values.active) {
        (true, false) => "unit.deactivate",
        (false, true) => "unit.reactivate",
        _ => "unit.update",
    };
    let entry = AuditEntry::change(action, "unit", id, snapshot(&saved), snapshot(values));
    by.audit(conn, entry.in_unit(id)).await?;
    Ok(())
}

/// Deletes unit `id`, which nothing may refer to (no sub-unit, user, task, plan…): any other
/// is refused ([`Refusal::InUse`]), to be deactivated instead.
pub async fn delete_unit(conn: &mut PgConnection, by: &By<'_>, id: UnitId) -> Result<(), Refusal> {
    by.admin_only()?;
    // The row lock also waits for, and then holds off, a row that would come to refer to it.
    let saved = locked_unit(conn, id).await?;
    if admin::unit_references(&mut *conn, id).await? > 0 {
        return Err(Refusal::InUse);
    }
    admin::delete_unit(&mut *conn, id).await?;
    let entry = AuditEntry::change("unit.delete", "unit", id, snapshot(&saved), None);
    by.audit(conn, entry).await
}

async fn locked_unit(conn: &mut PgConnection, id: UnitId) -> Result<UnitRow, Refusal> {
    lock(&mut *conn, Versioned::Units, id.0).await?;
    admin::unit(&mut *conn, id).await?.ok_or(Refusal::NotFound)
}

/// Refuses a parent that does not exist, or that lies below `unit` (a loop).
async fn check_parent(
    conn: &mut PgConnection,
    unit: Option<UnitId>,
    parent: Option<UnitId>,
) -> Result<(), Refusal> {
    let Some(parent) = parent else {
        return Ok(());
    };
    if admin::unit(&mut *conn, parent).await?.is_none() {
        return Err(Refusal::one(
            "parent_id",
            Invalid::new("admin.units.parent_unknown"),
        ));
    }
    if let Some(unit) = unit
        && admin::is_in_subtree(&mut *conn, unit, parent).await?
    {
        return Err(Refusal::one(
            "parent_id",
            Invalid::new("admin.units.parent_loop"),
        ));
    }
    Ok(())
}

/// Creates an account that must change the password `password_hash` stands for at the first
/// sign-in; its id.
pub async fn create_user(
    conn: &mut PgConnection,
    by: &By<'_>,
    values: &UserValues,
    password_hash: &str,
) -> Result<UserId, Refusal> {
    by.admin_only()?;
    check_unit(conn, values.unit_id).await?;
    let id = admin::insert_user(&mut *conn, values, password_hash)
        .await
        .or_refuse()?;
    let entry = AuditEntry::change("user.create", "user", id, None, snapshot(values));
    by.audit(conn, entry.in_unit(values.unit_id)).await?;
    Ok(id)
}

/// Changes the account `id` (its username stays), if `unchanged` finds it as the editor saw
/// it. A deactivated user, or one whose role or unit changed, is signed out everywhere: what
/// they may see changed. An administrator cannot lock themselves out.
pub async fn update_user<E: From<Refusal>>(
    conn: &mut PgConnection,
    by: &By<'_>,
    id: UserId,
    values: &UserValues,
    unchanged: impl FnOnce(&UserRow) -> Result<(), E>,
) -> Result<(), E> {
    by.admin_only()?;
    if id == by.actor.id && (!values.active || values.role != Role::Admin) {
        let refusal = Invalid::new("admin.users.not_yourself");
        return Err(Refusal::one("role", refusal).into());
    }
    let saved = locked_user(conn, id).await?;
    unchanged(&saved)?;
    check_unit(conn, values.unit_id).await?;
    let values = UserValues {
        username: saved.username.clone(),
        ..values.clone()
    };
    admin::update_user(&mut *conn, id, &values)
        .await
        .or_refuse()?;
    let access_changed =
        !values.active || values.role != saved.role || values.unit_id != saved.unit_id;
    let ended = if access_changed {
        auth::delete_user_sessions(&mut *conn, id, None)
            .await
            .map_err(Refusal::from)?
    } else {
        0
    };
    let action = match (saved.active, values.active) {
        (true, false) => "user.deactivate",
        (false, true) => "user.reactivate",
        _ => "user.update",
    };
    let mut after = snapshot(&values).unwrap_or_default();
    after["sessions_ended"] = json!(ended);
    let entry = AuditEntry::change(action, "user", id, snapshot(&saved), Some(after));
    by.audit(conn, entry.in_unit(values.unit_id)).await?;
    Ok(())
}

/// Gives account `id` the temporary password `password_hash` stands for, to be changed at the
/// next sign-in, and ends its sessions.
pub async fn reset_password(
    conn: &mut PgConnection,
    by: &By<'_>,
    id: UserId,
    password_hash: &str,
) -> Result<(), Refusal> {
    by.admin_only()?;
    let saved = locked_user(conn, id).await?;
    auth::set_password(&mut *conn, id, password_hash, true, by.now).await?;
    let ended = auth::delete_user_sessions(&mut *conn, id, None).await?;
    let after = json!({ "must_change_password": true, "sessions_ended": ended });
    let entry = AuditEntry::change("user.reset_password", "user", id, None, Some(after));
    by.audit(conn, entry.in_unit(saved.unit_id)).await
}

async fn locked_user(conn: &mut PgConnection, id: UserId) -> Result<UserRow, Refusal> {
    lock(&mut *conn, Versioned::Users, id.0).await?;
    admin::user(&mut *conn, id).await?.ok_or(Refusal::NotFound)
}

/// Refuses a unit that does not exist.
async fn check_unit(conn: &mut PgConnection, unit: UnitId) -> Result<(), Refusal> {
    match admin::unit(&mut *conn, unit).await? {
        Some(_) => Ok(()),
        None => Err(Refusal::one(
            "unit_id",
            Invalid::new("admin.users.unit_unknown"),
        )),
    }
}
