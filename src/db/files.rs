//! Stored files (evidence, source documents…), kept in PostgreSQL.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use sqlx::{FromRow, PgExecutor};

use crate::domain::{PlanId, SourceId, UserId};

/// A stored file, without its content.
#[derive(Debug, Clone, FromRow, serde::Deserialize)]
pub struct FileRow {
    pub id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub created_at: DateTime<Utc>,
}

impl FileRow {
    /// The size for people: "245 KB", "1,2 MB".
    pub fn size_label(&self) -> String {
        crate::domain::text::size_label(self.size_bytes.max(0) as u64)
    }
}

/// What a stored file belongs to (the schema allows exactly one owner per file).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileOwner {
    Source(SourceId),
    Plan(PlanId),
    /// Evidence attached to an entry of a task's history.
    TaskUpdate(i64),
    /// The document supporting an extension request.
    ExtensionRequest(i64),
}

impl FileOwner {
    /// The column of `attachments` that names this kind of owner (a fixed name, never input).
    fn column(self) -> &'static str {
        match self {
            FileOwner::Source(_) => "source_id",
            FileOwner::Plan(_) => "plan_id",
            FileOwner::TaskUpdate(_) => "task_update_id",
            FileOwner::ExtensionRequest(_) => "extension_request_id",
        }
    }

    fn id(self) -> i64 {
        match self {
            FileOwner::Source(id) => id.0,
            FileOwner::Plan(id) => id.0,
            FileOwner::TaskUpdate(id) | FileOwner::ExtensionRequest(id) => id,
        }
    }
}

/// A file to store: its cleaned name, the type recognised from its content, the bytes.
#[derive(Debug, Clone)]
pub struct NewFile<'a> {
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub content: &'a [u8],
}

/// Stores a file for `owner`; returns its id.
pub async fn insert(
    executor: impl PgExecutor<'_>,
    owner: FileOwner,
    file: &NewFile<'_>,
    uploaded_by: UserId,
) -> Result<i64, sqlx::Error> {
    let digest = Sha256::digest(file.content).to_vec();
    let sql = format!(
        "insert into attachments (file_name, content_type, size_bytes, sha256, content, uploaded_by, {})
         values ($1, $2, $3, $4, $5, $6, $7) returning id",
        owner.column()
    );
    sqlx::query_scalar(&sql)
        .bind(file.file_name)
        .bind(file.content_type)
        .bind(file.content.len() as i64)
        .bind(digest)
        .bind(file.content)
        .bind(uploaded_by)
        .bind(owner.id())
        .fetch_one(executor)
        .await
}

/// The files of `owner`, oldest first.
async fn for_owner(
    executor: impl PgExecutor<'_>,
    owner: FileOwner,
) -> Result<Vec<FileRow>, sqlx::Error> {
    let sql = format!(
        "select id, file_name, content_type, size_bytes, created_at from attachments
         where {} = $1 order by id",
        owner.column()
    );
    sqlx::query_as(&sql)
        .bind(owner.id())
        .fetch_all(executor)
        .await
}

/// The files of a source document, oldest first.
pub async fn for_source(
    executor: impl PgExecutor<'_>,
    source: SourceId,
) -> Result<Vec<FileRow>, sqlx::Error> {
    for_owner(executor, FileOwner::Source(source)).await
}

/// The files of a remediation plan, oldest first.
pub async fn for_plan(
    executor: impl PgExecutor<'_>,
    plan: PlanId,
) -> Result<Vec<FileRow>, sqlx::Error> {
    for_owner(executor, FileOwner::Plan(plan)).await
}

/// The files of the source documents of a shortcoming, with the source they belong to.
pub async fn for_shortcoming_sources(
    executor: impl PgExecutor<'_>,
    shortcoming: crate::domain::ShortcomingId,
) -> Result<Vec<(SourceId, FileRow)>, sqlx::Error> {
    let rows: Vec<(SourceId, i64, String, String, i64, DateTime<Utc>)> = sqlx::query_as(
        "select a.source_id, a.id, a.file_name, a.content_type, a.size_bytes, a.created_at
         from attachments a join shortcoming_sources ss on ss.source_id = a.source_id
         where ss.shortcoming_id = $1 order by a.id",
    )
    .bind(shortcoming)
    .fetch_all(executor)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(source, id, file_name, content_type, size_bytes, created_at)| {
                (
                    source,
                    FileRow {
                        id,
                        file_name,
                        content_type,
                        size_bytes,
                        created_at,
                    },
                )
            },
        )
        .collect())
}

/// A file with its content and what it belongs to (for the access check).
#[derive(Debug, Clone, FromRow)]
pub struct StoredFile {
    pub file_name: String,
    pub content_type: String,
    pub content: Vec<u8>,
    pub source_id: Option<SourceId>,
    /// The task the file is about: evidence in its history or a document of an extension
    /// request.
    pub task_id: Option<i64>,
    /// The unit whose remediation plan the file is.
    pub plan_unit_id: Option<crate::domain::UnitId>,
}

pub async fn find(
    executor: impl PgExecutor<'_>,
    id: i64,
) -> Result<Option<StoredFile>, sqlx::Error> {
    sqlx::query_as(
        "select a.file_name, a.content_type, a.content, a.source_id,
                coalesce(tu.task_id, er.task_id) as task_id, p.unit_id as plan_unit_id
         from attachments a
         left join task_updates tu on tu.id = a.task_update_id
         left join extension_requests er on er.id = a.extension_request_id
         left join plans p on p.id = a.plan_id
         where a.id = $1",
    )
    .bind(id)
    .fetch_optional(executor)
    .await
}
