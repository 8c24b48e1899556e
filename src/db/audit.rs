//! The audit log: who did what, when, with before/after. Written in the same transaction as
//! the change it records; the table rejects updates and deletes.

use serde_json::Value;
use sqlx::PgExecutor;

use crate::domain::{UnitId, UserId};

/// One entry to record.
#[derive(Debug, Clone, Default)]
pub struct AuditEntry<'a> {
    pub actor: Option<UserId>,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<String>,
    pub unit: Option<UnitId>,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub request_id: Option<&'a str>,
    pub ip: Option<std::net::IpAddr>,
}

pub async fn record(
    executor: impl PgExecutor<'_>,
    entry: AuditEntry<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into audit_log (actor_id, action, entity, entity_id, unit_id, before, after, request_id, ip)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9::inet)",
    )
    .bind(entry.actor)
    .bind(entry.action)
    .bind(entry.entity)
    .bind(entry.entity_id)
    .bind(entry.unit)
    .bind(entry.before)
    .bind(entry.after)
    .bind(entry.request_id)
    .bind(entry.ip.map(|ip| ip.to_string()))
    .execute(executor)
    .await?;
    Ok(())
}
