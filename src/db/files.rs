//! Stored files (evidence, source documents…), kept in PostgreSQL.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use sqlx::{FromRow, PgConnection, PgExecutor};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

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

/// A file received and kept on disk until it is stored: a request holds a few kilobytes of
/// it in memory at a time, however large it is. The file is deleted when this is dropped.
#[derive(Debug)]
pub struct Spooled {
    path: tempfile::TempPath,
    file: Option<tokio::fs::File>,
    digest: Sha256,
    size: u64,
    sha256: Vec<u8>,
    /// The beginning and the end of the content, where its kind shows (`domain::files::sniff`).
    sample: Vec<u8>,
    tail: std::collections::VecDeque<u8>,
}

/// How much of the beginning and of the end of a spooled file is kept for recognising it (an
/// Office file names its parts at its start and again in the directory at its end).
const SAMPLE_HEAD: usize = 256 * 1024;
const SAMPLE_TAIL: usize = 64 * 1024;

/// Pieces a spooled file is stored in.
const CHUNK: usize = 1024 * 1024;

impl Spooled {
    /// An empty file in `dir` (created if needed), ready to receive content.
    pub async fn create(dir: &std::path::Path) -> std::io::Result<Spooled> {
        tokio::fs::create_dir_all(dir).await?;
        let dir = dir.to_path_buf();
        let (file, path) = tokio::task::spawn_blocking(move || {
            tempfile::Builder::new().prefix("upload-").tempfile_in(dir)
        })
        .await
        .map_err(std::io::Error::other)??
        .into_parts();
        Ok(Spooled {
            path,
            file: Some(tokio::fs::File::from_std(file)),
            digest: Sha256::new(),
            size: 0,
            sha256: Vec::new(),
            sample: Vec::new(),
            tail: std::collections::VecDeque::new(),
        })
    }

    /// Appends a piece of the content.
    pub async fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let file = self
            .file
            .as_mut()
            .ok_or_else(|| std::io::Error::other("the file is complete"))?;
        file.write_all(bytes).await?;
        self.digest.update(bytes);
        self.size += bytes.len() as u64;
        let room = SAMPLE_HEAD.saturating_sub(self.sample.len());
        self.sample
            .extend_from_slice(&bytes[..room.min(bytes.len())]);
        self.tail
            .extend(&bytes[bytes.len().saturating_sub(SAMPLE_TAIL)..]);
        while self.tail.len() > SAMPLE_TAIL {
            self.tail.pop_front();
        }
        Ok(())
    }

    /// Ends the content: flushed to disk, its digest taken.
    pub async fn finish(&mut self) -> std::io::Result<()> {
        if let Some(mut file) = self.file.take() {
            file.flush().await?;
            file.sync_data().await?;
        }
        self.sha256 = std::mem::take(&mut self.digest).finalize().to_vec();
        if self.size as usize > self.sample.len() {
            self.sample.extend(self.tail.drain(..));
        }
        Ok(())
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// The beginning of the content and, for a large file, its end.
    pub fn sample(&self) -> &[u8] {
        &self.sample
    }
}

/// Files an upload left behind when the portal stopped in the middle of receiving it (a file is
/// otherwise deleted when its request ends). Only files over an hour old: another portal on
/// the same directory may be receiving one now. Problems are logged, never fatal.
pub async fn remove_abandoned_spools(dir: &std::path::Path) {
    let Ok(mut entries) = tokio::fs::read_dir(dir).await else {
        return;
    };
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    let mut removed = 0;
    while let Ok(Some(entry)) = entries.next_entry().await {
        let name = entry.file_name();
        let abandoned = name.to_string_lossy().starts_with("upload-")
            && entry
                .metadata()
                .await
                .and_then(|m| m.modified())
                .is_ok_and(|at| at < hour_ago);
        if abandoned && tokio::fs::remove_file(entry.path()).await.is_ok() {
            removed += 1;
        }
    }
    if removed > 0 {
        tracing::info!(
            removed,
            "removed files of uploads cut off by an earlier stop"
        );
    }
}

/// The content of a file to store.
#[derive(Debug, Clone, Copy)]
pub enum Content<'a> {
    /// In memory (the demo data's small files).
    Bytes(&'a [u8]),
    /// Received into a file on disk; stored in pieces.
    Spooled(&'a Spooled),
}

/// A file to store: its cleaned name, the type recognised from its content, the content.
#[derive(Debug, Clone)]
pub struct NewFile<'a> {
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub content: Content<'a>,
}

/// Stores a file for `owner`; returns its id. Content received on disk is stored in pieces of
/// a megabyte (`attachment_chunks`), read from the disk one at a time.
pub async fn insert(
    conn: &mut PgConnection,
    owner: FileOwner,
    file: &NewFile<'_>,
    uploaded_by: UserId,
) -> Result<i64, sqlx::Error> {
    let (size, digest, inline) = match file.content {
        Content::Bytes(bytes) => (
            bytes.len() as i64,
            Sha256::digest(bytes).to_vec(),
            Some(bytes),
        ),
        Content::Spooled(spooled) => (spooled.size as i64, spooled.sha256.clone(), None),
    };
    let sql = format!(
        "insert into attachments (file_name, content_type, size_bytes, sha256, content, uploaded_by, {})
         values ($1, $2, $3, $4, $5, $6, $7) returning id",
        owner.column()
    );
    let id: i64 = sqlx::query_scalar(&sql)
        .bind(file.file_name)
        .bind(file.content_type)
        .bind(size)
        .bind(digest)
        .bind(inline)
        .bind(uploaded_by)
        .bind(owner.id())
        .fetch_one(&mut *conn)
        .await?;
    if let Content::Spooled(spooled) = file.content {
        let mut source = tokio::fs::File::open(&spooled.path).await?;
        let mut piece = vec![0u8; CHUNK];
        let mut seq = 0i32;
        loop {
            let mut filled = 0;
            while filled < CHUNK {
                let read = source.read(&mut piece[filled..]).await?;
                if read == 0 {
                    break;
                }
                filled += read;
            }
            if filled == 0 {
                break;
            }
            sqlx::query(
                "insert into attachment_chunks (attachment_id, seq, data) values ($1, $2, $3)",
            )
            .bind(id)
            .bind(seq)
            .bind(&piece[..filled])
            .execute(&mut *conn)
            .await?;
            seq += 1;
        }
    }
    Ok(id)
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
    /// The content stored whole; `None` when it is stored in pieces.
    pub content: Option<Vec<u8>>,
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

/// The content of a file stored in pieces, in order.
pub async fn pieces(executor: impl PgExecutor<'_>, id: i64) -> Result<Vec<u8>, sqlx::Error> {
    let pieces: Vec<Vec<u8>> = sqlx::query_scalar(
        "select data from attachment_chunks where attachment_id = $1 order by seq",
    )
    .bind(id)
    .fetch_all(executor)
    .await?;
    Ok(pieces.concat())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn only_old_abandoned_uploads_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("upload-old");
        let fresh = dir.path().join("upload-fresh");
        let other = dir.path().join("notes.txt");
        for path in [&old, &fresh, &other] {
            std::fs::write(path, b"x").unwrap();
        }
        // Times set from the same clock the removal reads (not the file system's own).
        let now = std::time::SystemTime::now();
        let two_hours_ago = now - std::time::Duration::from_secs(7200);
        for (path, at) in [
            (&old, two_hours_ago),
            (&other, two_hours_ago),
            (&fresh, now),
        ] {
            std::fs::File::options()
                .write(true)
                .open(path)
                .unwrap()
                .set_modified(at)
                .unwrap();
        }
        remove_abandoned_spools(dir.path()).await;
        assert!(!old.exists());
        assert!(fresh.exists() && other.exists());
    }

    #[tokio::test]
    async fn a_spooled_file_keeps_its_start_and_end_for_recognising_it() {
        let dir = tempfile::tempdir().unwrap();
        let mut spooled = Spooled::create(dir.path()).await.unwrap();
        let (head, tail) = (
            &b"PK\x03\x04[Content_Types].xml"[..],
            &b"word/document.xml"[..],
        );
        spooled.write(head).await.unwrap();
        spooled.write(&vec![0u8; 600 * 1024]).await.unwrap();
        spooled.write(tail).await.unwrap();
        spooled.finish().await.unwrap();
        assert_eq!(
            spooled.size() as usize,
            head.len() + 600 * 1024 + tail.len()
        );
        let sample = spooled.sample();
        assert!(sample.starts_with(b"PK\x03\x04"));
        assert!(sample.ends_with(b"word/document.xml"));
        assert_eq!(
            crate::domain::files::sniff(sample),
            Some(crate::domain::files::FileKind::Docx)
        );
        let path = spooled.path.to_path_buf();
        assert!(path.exists());
        drop(spooled);
        assert!(!path.exists(), "deleted with the upload");
    }
}
