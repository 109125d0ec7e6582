//! Which database to open: a SQLite file (the default) or a PostgreSQL URL.

use super::Engine;
use crate::{Error, Result};
use std::path::{Path, PathBuf};

/// Where the data lives, as the user gave it (`--db`, `PACKBENCH_DATABASE_URL`
/// or the settings screen): a file path, a `sqlite:` URL or a `postgres:` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbTarget {
    SqliteFile(PathBuf),
    Postgres(String),
}

impl DbTarget {
    pub fn parse(text: &str) -> Result<Self> {
        let t = text.trim();
        if t.is_empty() {
            return Err(Error::Invalid(
                "the database setting is empty; give a file path or a postgres:// URL".into(),
            ));
        }
        if t.starts_with("postgres://") || t.starts_with("postgresql://") {
            return Ok(DbTarget::Postgres(t.to_string()));
        }
        if let Some(rest) = t.strip_prefix("sqlite:") {
            let path = rest.trim_start_matches("//");
            let path = path.split('?').next().unwrap_or(path);
            if path.is_empty() || path == ":memory:" {
                return Err(Error::Invalid(
                    "an in-memory database would lose every order on exit; give a file path".into(),
                ));
            }
            return Ok(DbTarget::SqliteFile(PathBuf::from(path)));
        }
        if t.contains("://") {
            return Err(Error::Invalid(format!(
                "{} is not a database Packbench can use; give a file path, a sqlite: URL or a postgres:// URL",
                redact(t)
            )));
        }
        Ok(DbTarget::SqliteFile(PathBuf::from(t)))
    }

    /// `PACKBENCH_DATABASE_URL` when set, else the SQLite file in the user's
    /// data folder — the same for the desktop app and the CLI.
    pub fn from_env_or_default() -> Result<Self> {
        match std::env::var("PACKBENCH_DATABASE_URL") {
            Ok(v) if !v.trim().is_empty() => Self::parse(&v),
            _ => Ok(DbTarget::SqliteFile(default_sqlite_path())),
        }
    }

    pub fn engine(&self) -> Engine {
        match self {
            DbTarget::SqliteFile(_) => Engine::Sqlite,
            DbTarget::Postgres(_) => Engine::Postgres,
        }
    }

    pub fn describe(&self) -> String {
        match self {
            DbTarget::SqliteFile(p) => format!("SQLite {}", p.display()),
            DbTarget::Postgres(url) => format!("PostgreSQL {}", redact(url)),
        }
    }

    pub(super) fn connect_url(&self) -> Result<String> {
        match self {
            DbTarget::Postgres(url) => Ok(url.clone()),
            DbTarget::SqliteFile(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(|e| {
                        Error::Unavailable(format!(
                            "cannot create the folder {} for the database: {e}",
                            dir.display()
                        ))
                    })?;
                }
                let path = absolute(path);
                Ok(format!("sqlite://{}?mode=rwc", path.display()))
            }
        }
    }
}

fn absolute(path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    }
}

/// The default database file: `$XDG_DATA_HOME/packbench/packbench.db` on Linux,
/// the platform's data folder elsewhere.
pub fn default_sqlite_path() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("packbench")
        .join("packbench.db")
}

/// A URL with its password replaced, safe to show and log.
pub fn redact(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://") {
        if let Some((userinfo, host)) = rest.split_once('@') {
            let user = userinfo.split(':').next().unwrap_or("");
            return format!("{scheme}://{user}@{host}");
        }
    }
    url.to_string()
}

pub(super) fn explain_connect_error(target: &DbTarget, e: sqlx::Error) -> Error {
    // A damaged, full or read-only file says so, not "check the folder".
    if let (Some(trouble), DbTarget::SqliteFile(path)) = (crate::error::DiskTrouble::of(&e), target)
    {
        tracing::warn!(error = %e, file = %path.display(), "cannot open the database file");
        return trouble.error(Some(path));
    }
    let what = target.describe();
    let hint = match target {
        DbTarget::SqliteFile(_) => "check that the folder is writable and the disk is not full",
        DbTarget::Postgres(_) => {
            "check that the server is running and reachable, and the user, password and database name"
        }
    };
    Error::Unavailable(format!("cannot open {what}: {e}; {hint}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_path_and_a_sqlite_url_both_mean_a_file() {
        assert_eq!(
            DbTarget::parse("/tmp/pb.db").unwrap(),
            DbTarget::SqliteFile("/tmp/pb.db".into())
        );
        assert_eq!(
            DbTarget::parse("sqlite:///tmp/pb.db?mode=rwc").unwrap(),
            DbTarget::SqliteFile("/tmp/pb.db".into())
        );
        assert_eq!(
            DbTarget::parse("postgres://u:p@h/db").unwrap().engine(),
            Engine::Postgres
        );
    }

    #[test]
    fn passwords_never_reach_the_screen() {
        let t = DbTarget::parse("postgres://anna:secret@db.local:5432/wh").unwrap();
        assert!(!t.describe().contains("secret"), "{}", t.describe());
    }

    #[test]
    fn unsupported_urls_and_memory_databases_are_refused_with_a_reason() {
        assert!(DbTarget::parse("mysql://x/y")
            .unwrap_err()
            .to_string()
            .contains("postgres://"));
        assert!(DbTarget::parse("sqlite::memory:").is_err());
        assert!(DbTarget::parse("  ").is_err());
    }
}
