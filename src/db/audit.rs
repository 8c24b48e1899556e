//! The audit log: who did what, when, with before/after. Written in the same transaction as
//! the change it records; the table rejects updates and deletes.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{FromRow, PgExecutor, Postgres, QueryBuilder};

use crate::db::sql::escape_like;
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

impl<'a> AuditEntry<'a> {
    /// An entry for `action` on `entity` `id`, from `before` to `after`; the caller (a command,
    /// or `web::pages::finish`) adds who and which request.
    pub fn change(
        action: &'a str,
        entity: &'a str,
        id: impl ToString,
        before: Option<Value>,
        after: Option<Value>,
    ) -> Self {
        AuditEntry {
            action,
            entity,
            entity_id: Some(id.to_string()),
            before,
            after,
            ..Default::default()
        }
    }

    /// The same entry, shown in `unit`'s log.
    pub fn in_unit(self, unit: UnitId) -> Self {
        AuditEntry {
            unit: Some(unit),
            ..self
        }
    }
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

/// Which entries the audit log page shows. Every field narrows the list; `None` means "any".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditFilter {
    /// Only entries about these units (a unit head's scope); `None`: every entry.
    pub units: Option<Vec<i64>>,
    /// The kind of thing changed, exactly (`task`, `unit`…).
    pub entity: Option<String>,
    /// Its id, exactly.
    pub entity_id: Option<String>,
    /// Words that must all appear in the actor's full name or username, diacritics ignored.
    pub actor: Option<String>,
    /// The start of the action code: `task.` finds `task.progress` and `task.confirm`.
    pub action: Option<String>,
    /// Entries at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Entries before this instant.
    pub until: Option<DateTime<Utc>>,
}

/// Where a page of the log starts. Pages are keyed by id (newest first), not numbered: the log
/// only grows, and a key stays put while new entries arrive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cursor {
    Newest,
    /// Entries older than this id.
    Before(i64),
    /// Entries newer than this id (paging back towards the newest).
    After(i64),
}

/// One entry as the log page shows it, with the actor's name and unit.
#[derive(Debug, Clone, FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub occurred_at: DateTime<Utc>,
    pub actor_id: Option<UserId>,
    pub actor_name: Option<String>,
    pub actor_unit: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub request_id: Option<String>,
}

/// Up to `limit` entries matching `filter` from `cursor` on, newest first.
pub async fn page(
    executor: impl PgExecutor<'_>,
    filter: &AuditFilter,
    cursor: Cursor,
    limit: i64,
) -> Result<Vec<AuditRow>, sqlx::Error> {
    let mut query = QueryBuilder::<Postgres>::new(
        "select a.id, a.occurred_at, a.actor_id, u.full_name as actor_name,
                un.short_name as actor_unit, a.action, a.entity, a.entity_id, a.before, a.after,
                a.request_id
         from audit_log a
         left join users u on u.id = a.actor_id
         left join units un on un.id = u.unit_id
         where true",
    );
    if let Some(units) = &filter.units {
        query
            .push(" and a.unit_id = any(")
            .push_bind(units.clone())
            .push(")");
    }
    if let Some(entity) = &filter.entity {
        query.push(" and a.entity = ").push_bind(entity.clone());
    }
    if let Some(id) = &filter.entity_id {
        query.push(" and a.entity_id = ").push_bind(id.clone());
    }
    if let Some(action) = &filter.action {
        query
            .push(" and a.action like ")
            .push_bind(escape_like(action))
            .push(" || '%'");
    }
    if let Some(actor) = &filter.actor {
        query
            .push(" and a.actor_id in (select id from users where search_matches(full_name || ' ' || username, ")
            .push_bind(actor.clone())
            .push("))");
    }
    if let Some(from) = filter.from {
        query.push(" and a.occurred_at >= ").push_bind(from);
    }
    if let Some(until) = filter.until {
        query.push(" and a.occurred_at < ").push_bind(until);
    }
    match cursor {
        Cursor::Newest => {
            query.push(" order by a.id desc");
        }
        Cursor::Before(id) => {
            query
                .push(" and a.id < ")
                .push_bind(id)
                .push(" order by a.id desc");
        }
        Cursor::After(id) => {
            query
                .push(" and a.id > ")
                .push_bind(id)
                .push(" order by a.id");
        }
    }
    query.push(" limit ").push_bind(limit);
    let mut rows: Vec<AuditRow> = query.build_query_as().fetch_all(executor).await?;
    if matches!(cursor, Cursor::After(_)) {
        rows.reverse();
    }
    Ok(rows)
}

/// The kinds of entity the log holds, in order. A skip scan over the `(entity, …)` index: one
/// index probe per kind, however long the log grows.
pub async fn entities(executor: impl PgExecutor<'_>) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "with recursive kinds (entity) as (
             (select entity from audit_log order by entity limit 1)
             union all
             select (select a.entity from audit_log a where a.entity > k.entity
                     order by a.entity limit 1)
             from kinds k where k.entity is not null
         )
         select entity from kinds where entity is not null",
    )
    .fetch_all(executor)
    .await
}
