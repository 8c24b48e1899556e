//! Finding the PostgreSQL server binaries: `PG_BIN`, else `PATH`, else the newest
//! `/usr/lib/postgresql/*/bin` (where Debian and Ubuntu put them, outside `PATH`).

use std::path::{Path, PathBuf};
use std::process::Command;

use super::error::EmbeddedError;

/// The two server programs the portal runs, and their major version.
#[derive(Debug, Clone)]
pub struct PgBinaries {
    pub initdb: PathBuf,
    pub postgres: PathBuf,
    /// Major version, as written in a cluster's `PG_VERSION` ("15").
    pub version: String,
}

/// Finds the binaries, preferring `pg_bin` when it is given.
pub fn find_binaries(pg_bin: Option<&Path>) -> Result<PgBinaries, EmbeddedError> {
    let candidates: Vec<PathBuf> = match pg_bin {
        Some(dir) => vec![dir.to_path_buf()],
        None => {
            let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
                .map(|p| std::env::split_paths(&p).collect())
                .unwrap_or_default();
            dirs.extend(debian_dirs(Path::new("/usr/lib/postgresql")));
            dirs
        }
    };
    for dir in candidates {
        let initdb = dir.join("initdb");
        let postgres = dir.join("postgres");
        if is_executable(&initdb) && is_executable(&postgres) {
            let version = major_version(&postgres)?;
            return Ok(PgBinaries {
                initdb,
                postgres,
                version,
            });
        }
    }
    Err(EmbeddedError::NoBinaries)
}

/// `<root>/<version>/bin`, newest version first.
fn debian_dirs(root: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    let mut versions: Vec<(u32, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse::<u32>().ok()?;
            Some((version, e.path().join("bin")))
        })
        .collect();
    versions.sort_by_key(|v| std::cmp::Reverse(v.0));
    versions.into_iter().map(|(_, dir)| dir).collect()
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)" → "15".
fn major_version(postgres: &Path) -> Result<String, EmbeddedError> {
    let output = Command::new(postgres)
        .arg("--version")
        .output()
        .map_err(|e| EmbeddedError::Failed {
            step: "postgres --version",
            detail: e.to_string(),
        })?;
    let text = String::from_utf8_lossy(&output.stdout);
    parse_major(&text).ok_or_else(|| EmbeddedError::Failed {
        step: "postgres --version",
        detail: format!("unexpected answer {:?}", text.trim()),
    })
}

fn parse_major(version_line: &str) -> Option<String> {
    let number = version_line
        .split_whitespace()
        .find(|w| w.chars().next().is_some_and(|c| c.is_ascii_digit()))?;
    let major = number.split(['.', 'b', 'r']).next()?;
    (!major.is_empty() && major.chars().all(|c| c.is_ascii_digit())).then(|| major.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_major_version() {
        assert_eq!(
            parse_major("postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"),
            Some("15".into())
        );
        assert_eq!(
            parse_major("postgres (PostgreSQL) 17beta1"),
            Some("17".into())
        );
        assert_eq!(
            parse_major("postgres (PostgreSQL) 9.6.24"),
            Some("9".into())
        );
        assert_eq!(parse_major("nonsense"), None);
    }

    #[test]
    fn prefers_the_newest_debian_version() {
        let root = tempfile::tempdir().unwrap();
        for v in ["13", "15", "9", "not-a-version"] {
            std::fs::create_dir_all(root.path().join(v).join("bin")).unwrap();
        }
        let dirs = debian_dirs(root.path());
        let names: Vec<_> = dirs
            .iter()
            .map(|d| {
                d.parent()
                    .unwrap()
                    .file_name()
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert_eq!(names, ["15", "13", "9"]);
    }

    #[test]
    fn an_empty_pg_bin_finds_nothing() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            find_binaries(Some(dir.path())),
            Err(EmbeddedError::NoBinaries)
        ));
    }
}
