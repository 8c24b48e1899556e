//! Why the embedded database could not be started.

use std::io;
use std::path::PathBuf;

/// Why the embedded database could not be started.
#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    #[error(
        "PostgreSQL server binaries (initdb, postgres) were not found. Install PostgreSQL 15 or \
         newer (Debian/Ubuntu: apt-get install postgresql), or set PG_BIN to the directory that \
         holds them, or set DATABASE_URL to use an existing server"
    )]
    NoBinaries,
    #[error(
        "another portal is already using the data directory {0} (stop it first, or give this \
         one its own PORTAL_DATA_DIR)"
    )]
    AlreadyRunning(PathBuf),
    #[error(
        "the portal runs as root, so the database must run as the unprivileged system user \
         '{0}', which does not exist: create it (useradd --system {0}) or run the portal as a \
         normal user"
    )]
    NoServiceUser(String),
    #[error(
        "{path} was created by PostgreSQL {found}, but the binaries found are version \
         {expected}: set PG_BIN to the matching version's bin directory"
    )]
    VersionMismatch {
        path: PathBuf,
        found: String,
        expected: String,
    },
    #[error("{0} is not empty and is not a PostgreSQL data directory")]
    NotADataDirectory(PathBuf),
    #[error("{step} failed: {detail}")]
    Failed { step: &'static str, detail: String },
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: io::Error,
    },
}
