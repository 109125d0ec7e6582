//! The SQLite database file as a whole: an online copy (`VACUUM INTO`),
//! checks of a file (`quick_check`, `integrity_check`), the schema steps a
//! file went through, and whether anyone else has the file open. The use
//! cases around them (names, pruning, restore) are in `ops::backup`.

use super::{DbTarget, Engine, Store, SQLITE_MIGRATIONS};
use crate::error::DiskTrouble;
use crate::{Error, Result};
use sqlx::any::AnyPoolOptions;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{AnyConnection, ConnectOptions, Connection};
use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Writes a consistent copy of the store's SQLite database to `into` (a
/// new or empty file) while other connections go on writing: the copy holds
/// everything committed when it started.
pub async fn vacuum_into(store: &Store, into: &Path) -> Result<()> {
    let file = sqlite_file(store)?;
    let into_text = into.to_str().ok_or_else(|| {
        Error::Invalid(format!(
            "the backup path {} is not valid text; choose a folder whose name is",
            into.display()
        ))
    })?;
    sqlx::query("VACUUM INTO $1")
        .bind(into_text)
        .execute(store.pool())
        .await
        .map_err(|e| match DiskTrouble::of(&e) {
            // The copy's disk, not the database's.
            Some(DiskTrouble::Full { .. }) => Error::Unavailable(format!(
                "the disk of the backup folder {} is full, so no backup was made (the database is untouched); free space there, keep fewer backups, or choose another folder",
                folder_of(into)
            )),
            Some(DiskTrouble::ReadOnly { .. }) => Error::Unavailable(format!(
                "the backup folder {} cannot be written, so no backup was made (the database is untouched); choose a folder this user may write to",
                folder_of(into)
            )),
            Some(trouble @ DiskTrouble::Corrupt(_)) => trouble.error(Some(file)),
            None if is_cant_open(&e) => Error::Unavailable(format!(
                "cannot write the backup in {} ({e}); choose a folder this user may write to",
                folder_of(into)
            )),
            None => Error::from(e),
        })?;
    Ok(())
}

/// SQLite's `quick_check` of the store's file: the problems it found (none:
/// the file is sound). A file too damaged to check is an error.
pub async fn quick_check(store: &Store) -> Result<Vec<String>> {
    let file = sqlite_file(store)?;
    let rows: Vec<String> = sqlx::query_scalar("PRAGMA quick_check")
        .fetch_all(store.pool())
        .await
        .map_err(|e| trouble_or(e, file))?;
    Ok(problems(rows))
}

/// Reads an existing file's schema once over a connection of its own: a
/// damaged file is `Damaged` (naming it, saying what to do) at once. Other
/// failures are left to the caller's own connection to report.
pub(crate) async fn probe_file(path: &Path) -> Result<()> {
    if !path.exists() {
        return Ok(());
    }
    match read_schema_alone(path)
        .await
        .err()
        .as_ref()
        .and_then(DiskTrouble::of)
    {
        Some(trouble @ DiskTrouble::Corrupt(_)) => Err(trouble.error(Some(path))),
        _ => Ok(()),
    }
}

/// Opens an existing SQLite file over a connection of its own, reads its
/// schema and closes it again: the read's error first, else the close's.
/// Being the file's last connection, its close folds a WAL left beside the
/// file into it.
pub(super) async fn read_schema_alone(path: &Path) -> sqlx::Result<()> {
    let mut conn = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(false)
        .connect()
        .await?;
    let read = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM sqlite_master")
        .fetch_one(&mut conn)
        .await;
    let closed = conn.close().await;
    read?;
    closed
}

/// Takes the write lock and lets it go: a file that cannot be written says
/// so now rather than at the first scan.
pub async fn probe_write(store: &Store) -> Result<()> {
    let file = sqlite_file(store)?;
    let tx = store
        .pool()
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(|e| trouble_or(e, file))?;
    tx.rollback().await.map_err(|e| trouble_or(e, file))?;
    Ok(())
}

fn problems(rows: Vec<String>) -> Vec<String> {
    if rows.len() == 1 && rows[0] == "ok" {
        Vec::new()
    } else {
        rows
    }
}

/// What a database file (a backup) is, read without changing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileFacts {
    /// `integrity_check`'s findings (empty: sound).
    pub problems: Vec<String>,
    /// The schema steps applied to it, oldest first (empty: none, or not a
    /// database Packbench keeps its history in).
    pub steps: Vec<Step>,
    /// Orders in it, when it is sound and has Packbench's tables.
    pub orders: Option<i64>,
}

/// One applied migration, as `_sqlx_migrations` records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub version: i64,
    pub description: String,
    pub checksum: Vec<u8>,
    pub success: bool,
}

/// The schema steps this build knows for SQLite, oldest first.
pub fn known_steps() -> Vec<Step> {
    SQLITE_MIGRATIONS
        .iter()
        .filter(|m| !m.migration_type.is_down_migration())
        .map(|m| Step {
            version: m.version,
            description: m.description.to_string(),
            checksum: m.checksum.to_vec(),
            success: true,
        })
        .collect()
}

/// Opens `path` read-only and reports what it holds (`integrity_check`
/// reads every page: seconds for a large file).
pub async fn inspect(path: &Path) -> Result<FileFacts> {
    let unreadable = |e: sqlx::Error| match DiskTrouble::of(&e) {
        Some(DiskTrouble::Corrupt(why)) => Error::Damaged(format!(
            "the backup {} is damaged or is not a database ({why}); choose another backup",
            path.display()
        )),
        _ => Error::Unavailable(format!("cannot read the backup {}: {e}", path.display())),
    };
    let mut conn = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .create_if_missing(false)
        .connect()
        .await
        .map_err(unreadable)?;
    let facts = async {
        let rows: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(&mut conn)
            .await?;
        let problems = problems(rows);
        let has_history: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
        )
        .fetch_one(&mut conn)
        .await?;
        let steps = if has_history == 0 {
            Vec::new()
        } else {
            let rows: Vec<(i64, String, Vec<u8>, bool)> = sqlx::query_as(
                "SELECT version, description, checksum, success FROM _sqlx_migrations ORDER BY version",
            )
            .fetch_all(&mut conn)
            .await?;
            rows.into_iter()
                .map(|(version, description, checksum, success)| Step {
                    version,
                    description,
                    checksum,
                    success,
                })
                .collect()
        };
        let has_orders: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'orders'",
        )
        .fetch_one(&mut conn)
        .await?;
        let orders = if problems.is_empty() && has_orders == 1 {
            Some(
                sqlx::query_scalar("SELECT COUNT(*) FROM orders")
                    .fetch_one(&mut conn)
                    .await?,
            )
        } else {
            None
        };
        Ok::<_, sqlx::Error>(FileFacts {
            problems,
            steps,
            orders,
        })
    }
    .await;
    let _ = conn.close().await;
    facts.map_err(unreadable)
}

/// Waits until no other connection has the database file open, up to
/// `patience`: switching a WAL database out of WAL needs it to be the only
/// connection, and does not wait for others. On success the WAL is folded
/// into the file (one self-contained file). Ok(false): someone else still
/// has it open. A file that cannot be switched for another reason (damaged,
/// not a database) is no one's: Ok(true).
pub async fn alone_with(path: &Path, patience: Duration) -> Result<bool> {
    let deadline = Instant::now() + patience;
    loop {
        let attempt = async {
            let mut conn = SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(false)
                .busy_timeout(Duration::ZERO)
                .connect()
                .await?;
            let mode: std::result::Result<String, _> =
                sqlx::query_scalar("PRAGMA journal_mode = DELETE")
                    .fetch_one(&mut conn)
                    .await;
            let _ = conn.close().await;
            mode
        }
        .await;
        match attempt {
            Ok(mode) if mode.eq_ignore_ascii_case("delete") => return Ok(true),
            // Still WAL: another connection holds it.
            Ok(_) => {}
            Err(e) if is_busy(&e) => {}
            Err(e) => {
                tracing::warn!(file = %path.display(), error = %e, "the database file is set aside as it is");
                return Ok(true);
            }
        }
        if Instant::now() >= deadline {
            return Ok(false);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A store on an existing SQLite file that never writes to it: a look into
/// a backup, or at a file on a read-only disk. Every write is refused
/// (SQLITE_READONLY). A file at an older schema cannot be brought up to date
/// this way and is refused as read-only.
pub async fn open_read_only(path: &Path) -> Result<Store> {
    sqlx::any::install_default_drivers();
    let target = DbTarget::SqliteFile(path.to_path_buf());
    if !path.exists() {
        return Err(Error::Unavailable(format!(
            "{} does not exist; give the path of a database file",
            path.display()
        )));
    }
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let url = format!("sqlite://{}?mode=ro", absolute.display());
    let pool = AnyPoolOptions::new()
        .max_connections(4)
        .acquire_timeout(Duration::from_secs(6))
        .after_connect(read_only_pragmas)
        .connect(&url)
        .await
        .map_err(|e| super::open::explain_connect_error(&target, e))?;
    SQLITE_MIGRATIONS.run(&pool).await?;
    Ok(Store {
        pool,
        engine: Engine::Sqlite,
        clock: Arc::new(crate::clock::SystemClock),
        described: format!("{} (read-only)", target.describe()),
        target,
        checkpointer: None,
    })
}

// No journal_mode: switching a file into WAL is a write.
fn read_only_pragmas(
    conn: &mut AnyConnection,
    _meta: sqlx::pool::PoolConnectionMetadata,
) -> Pin<Box<dyn Future<Output = sqlx::Result<()>> + Send + '_>> {
    Box::pin(async move {
        sqlx::query("PRAGMA foreign_keys = ON")
            .execute(&mut *conn)
            .await?;
        sqlx::query("PRAGMA busy_timeout = 10000")
            .execute(&mut *conn)
            .await?;
        Ok(())
    })
}

fn sqlite_file(store: &Store) -> Result<&Path> {
    match store.target() {
        DbTarget::SqliteFile(path) => Ok(path),
        DbTarget::Postgres(_) => Err(refuse_postgres()),
    }
}

/// A PostgreSQL server's data is backed up on the server, not by a station.
pub(crate) fn refuse_postgres() -> Error {
    Error::Refused(
        "this station's database is on a PostgreSQL server: back it up on the server with \
         pg_dump, and restore it with pg_restore (README, \"Backing up PostgreSQL\")"
            .into(),
    )
}

fn trouble_or(e: sqlx::Error, file: &Path) -> Error {
    match DiskTrouble::of(&e) {
        Some(trouble) => trouble.error(Some(file)),
        None => Error::from(e),
    }
}

fn sqlite_code(e: &sqlx::Error) -> Option<i32> {
    use sqlx::error::DatabaseError;
    let sqlx::Error::Database(d) = e else {
        return None;
    };
    d.try_downcast_ref::<sqlx::sqlite::SqliteError>()?
        .code()?
        .parse()
        .ok()
}

/// SQLITE_BUSY (5) or SQLITE_LOCKED (6): another connection has it.
fn is_busy(e: &sqlx::Error) -> bool {
    sqlite_code(e).is_some_and(|c| matches!(c & 0xff, 5 | 6))
}

/// SQLITE_CANTOPEN (14).
fn is_cant_open(e: &sqlx::Error) -> bool {
    sqlite_code(e).is_some_and(|c| c & 0xff == 14)
}

fn folder_of(path: &Path) -> String {
    path.parent()
        .map_or_else(|| path.display().to_string(), |p| p.display().to_string())
}
