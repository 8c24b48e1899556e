//! The changes people make, one function each (docs/architecture.md, "Commands").
//!
//! A command takes the transaction it runs in, who acts ([`By`]) and typed input. It locks the
//! row it changes, checks the permission on the locked row, checks the input against the row
//! as it is now, and writes the change with its history entry, its audit entry and its
//! notifications. It returns what it changed or why it refused ([`Refusal`]); the caller
//! commits and answers (a page, the API). Nothing here knows HTTP or a language: refusals
//! carry message keys.
//!
//! An edit of a row that an edit form shows (a unit, a plan…) also takes the caller's own
//! check that the row is still as the editor saw it (`unchanged`), run on the locked row
//! before anything is written: a page compares the form's fingerprint, the API an `If-Match`
//! version. Its refusal is the caller's own error type, which every [`Refusal`] converts into.

pub mod calendar;
pub mod catalog;
pub mod constraints;
pub mod directory;
pub mod plans;
pub mod regimes;
pub mod reports;
pub mod shortcomings;
pub mod task_edit;
pub mod task_requests;
pub mod task_work;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Value, json};
use sqlx::PgConnection;

use crate::db::audit::{self, AuditEntry};
use crate::db::files::{self, Content, FileOwner, NewFile};
use crate::db::task_work::{self as work, TaskState};
use crate::domain::access::{Actor, TaskParties};
use crate::domain::input::{FieldErrors, Invalid};
use crate::domain::{TaskId, UnitId};

/// Who acts, and when.
#[derive(Debug, Clone, Copy)]
pub struct By<'a> {
    pub actor: &'a Actor,
    /// Their full name, as notifications quote it.
    pub name: &'a str,
    /// The request that asked for the change, for the audit log.
    pub request_id: Option<&'a str>,
    pub now: DateTime<Utc>,
    /// Today in the City's time zone.
    pub today: NaiveDate,
}

impl By<'_> {
    /// Records `entry` as this person's, for this request.
    async fn audit(&self, conn: &mut PgConnection, entry: AuditEntry<'_>) -> Result<(), Refusal> {
        let entry = AuditEntry {
            actor: Some(self.actor.id),
            request_id: self.request_id,
            ..entry
        };
        audit::record(conn, entry).await?;
        Ok(())
    }

    /// Refuses anyone but an administrator.
    fn admin_only(&self) -> Result<(), Refusal> {
        if self.actor.is_admin() {
            Ok(())
        } else {
            Err(Refusal::Forbidden)
        }
    }

    /// Refuses anyone but the City's reviewers and administrators.
    fn reviewer_only(&self) -> Result<(), Refusal> {
        if self.actor.manages_tasks() {
            Ok(())
        } else {
            Err(Refusal::Forbidden)
        }
    }

    /// The unit a history entry is written for: the task's lead unit when the author works in
    /// it (or above it), else the author's own unit.
    fn acting_unit(&self, lead: UnitId) -> UnitId {
        if self.actor.units.contains(&lead) || self.actor.is_admin() {
            lead
        } else {
            self.actor.unit_id
        }
    }
}

/// Why a command changed nothing.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    #[error("no such row")]
    NotFound,
    #[error("not allowed")]
    Forbidden,
    /// What was sent cannot be saved: the messages, by field.
    #[error("the input has errors")]
    Invalid(FieldErrors),
    /// The task changed since the form was filled (its `row_version`).
    #[error("the task changed since the form was filled")]
    Stale,
    /// A deletion of what other rows still refer to.
    #[error("still in use")]
    InUse,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl Refusal {
    /// One message beside one field.
    fn one(field: &'static str, invalid: Invalid) -> Self {
        Refusal::Invalid(FieldErrors::refused(field, invalid))
    }

    /// The refusal for `errors`, if there are any.
    fn unless_empty(errors: FieldErrors) -> Result<(), Refusal> {
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Refusal::Invalid(errors))
        }
    }
}

/// What a command did to a task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changed {
    pub task: TaskId,
    pub code: String,
    /// The message key that tells the user what happened.
    pub message: &'static str,
    /// False when there was nothing to change (no history, no audit entry written).
    pub changed: bool,
}

impl Changed {
    fn of(task: &TaskState, message: &'static str) -> Self {
        Changed {
            task: task.id,
            code: task.code.clone(),
            message,
            changed: true,
        }
    }
}

/// Locks the task for the rest of the transaction and checks that `by` may see it. The
/// command's own permission check then reads the same locked row, so no concurrent change
/// slips between the check and the write.
pub async fn lock_visible(
    conn: &mut PgConnection,
    by: &By<'_>,
    id: TaskId,
) -> Result<(TaskState, TaskParties), Refusal> {
    let task = work::lock(conn, id).await?.ok_or(Refusal::NotFound)?;
    let parties = task.parties();
    if !by.actor.can_see_task(parties.lead, &parties.coordinators) {
        return Err(Refusal::Forbidden);
    }
    Ok((task, parties))
}

/// Refuses a change to a task that moved on since the form was filled.
fn check_version(task: &TaskState, sent: &str) -> Result<(), Refusal> {
    if task.is_version(sent) {
        Ok(())
    } else {
        Err(Refusal::Stale)
    }
}

/// The audit entry of an action on a task: entity `task`, the lead unit (so the unit's head
/// sees it in the unit's log), what it was and what it became.
async fn record(
    conn: &mut PgConnection,
    by: &By<'_>,
    task: &TaskState,
    action: &'static str,
    before: Value,
    after: Value,
) -> Result<(), Refusal> {
    let entry = AuditEntry {
        actor: Some(by.actor.id),
        action,
        entity: "task",
        entity_id: Some(task.id.to_string()),
        unit: Some(task.lead_unit_id),
        before: (!before.is_null()).then_some(before),
        after: Some(after),
        request_id: by.request_id,
        ..Default::default()
    };
    audit::record(conn, entry).await?;
    Ok(())
}

/// A value as the audit log's before/after keeps it.
fn snapshot(value: &impl serde::Serialize) -> Option<Value> {
    serde_json::to_value(value).ok()
}

/// Stores the files of a history entry or a request; what the audit entry says of them.
async fn store_files(
    conn: &mut PgConnection,
    owner: FileOwner,
    files: &[NewFile<'_>],
    by: &By<'_>,
) -> Result<Vec<Value>, sqlx::Error> {
    let mut stored = Vec::with_capacity(files.len());
    for file in files {
        let id = files::insert(&mut *conn, owner, file, by.actor.id).await?;
        let size = size_of(file);
        stored.push(json!({ "file_id": id, "file_name": file.file_name, "size_bytes": size }));
    }
    Ok(stored)
}

/// Stores the one file attached to a document (a source, a plan): its id, and what the audit
/// entry of the attaching says of it.
async fn attach_file(
    conn: &mut PgConnection,
    by: &By<'_>,
    owner: FileOwner,
    file: &NewFile<'_>,
) -> Result<(i64, Value), sqlx::Error> {
    let id = files::insert(&mut *conn, owner, file, by.actor.id).await?;
    let after = json!({
        "file_id": id,
        "file_name": file.file_name,
        "content_type": file.content_type,
        "size_bytes": size_of(file),
    });
    Ok((id, after))
}

/// The size of a file to store, in bytes.
fn size_of(file: &NewFile<'_>) -> u64 {
    match file.content {
        Content::Bytes(bytes) => bytes.len() as u64,
        Content::Spooled(spooled) => spooled.size(),
    }
}
