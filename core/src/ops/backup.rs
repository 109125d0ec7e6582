//! Backups of a station's SQLite database: made while the station works,
//! kept in a folder (the newest N), checked before a restore, and restored
//! without losing the file they replace. A PostgreSQL server is backed up
//! on the server with pg_dump (README).
//!
//! Backup files are named `packbench-YYYYMMDD-HHMMSS.db` with the time in
//! UTC (a name that sorts as the clock runs, whatever the station's zone or
//! daylight saving), `-2`, `-3`... when several land in one second. Only
//! files named so are ever listed or deleted: the folder may hold anything
//! else.

use crate::config::BackupSettings;
use crate::domain::access::Op;
use crate::domain::Actor;
use crate::store::backup::{self as file, Step};
use crate::store::{DbTarget, Store};
use crate::{Error, Result};
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

/// One backup in a folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BackupFile {
    /// Its full path.
    pub path: String,
    /// `packbench-20261120-090000.db`.
    pub name: String,
    pub bytes: u64,
    /// When it was made (its name says, in UTC).
    pub made_at: DateTime<Utc>,
}

/// A backup just made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BackupReport {
    pub file: BackupFile,
    /// How long the copy took.
    pub took_ms: u64,
    /// Older backups deleted to keep the newest N (names).
    pub removed: Vec<String>,
}

/// What a backup holds, checked before it replaces anything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BackupCheck {
    pub path: String,
    /// The newest schema step in it, and this build's newest: a smaller one
    /// is brought up to date when the restored database is opened.
    pub schema: i64,
    pub current_schema: i64,
    pub orders: i64,
}

/// A restore done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RestoreReport {
    pub backup: BackupCheck,
    /// The database file now holding the backup.
    pub database: String,
    /// Where the file it replaced was moved (with its -wal and -shm), so
    /// nothing is lost; none when there was no file.
    pub set_aside: Option<String>,
    pub took_ms: u64,
}

const PREFIX: &str = "packbench-";
const SUFFIX: &str = ".db";
/// An unfinished copy: a crash may leave one; a day later it is cleared.
const PARTIAL_PREFIX: &str = ".packbench-";
const PARTIAL_SUFFIX: &str = ".partial";
const STALE_PARTIAL: Duration = Duration::from_secs(24 * 3600);
/// How long a restore waits for the station's other connections (the
/// change watcher) to let the file go.
const LET_GO_WITHIN: Duration = Duration::from_secs(5);

/// Copies the store's SQLite database into `folder` (made if missing) while
/// the station goes on working, then deletes all but the newest `keep`
/// backups there. The copy is written under a temporary name and renamed
/// when complete, so a backup in the list is always whole.
pub async fn back_up(store: &Store, folder: &Path, keep: u32) -> Result<BackupReport> {
    let started = Instant::now();
    if let DbTarget::Postgres(_) = store.target() {
        return Err(file::refuse_postgres());
    }
    if keep == 0 {
        return Err(Error::Invalid(
            "keep at least one backup: the one just made".into(),
        ));
    }
    std::fs::create_dir_all(folder).map_err(|e| cannot_write(folder, &e))?;
    let stamp = store.now().format("%Y%m%d-%H%M%S").to_string();
    let partial = reserve_partial(folder, &stamp)?;
    let made = async {
        file::vacuum_into(store, &partial).await?;
        // Whole on the disk before it gets a backup's name.
        std::fs::File::open(&partial)
            .and_then(|f| f.sync_all())
            .map_err(|e| cannot_write(folder, &e))?;
        let path = place(&partial, folder, &stamp)?;
        sync_folder(folder);
        Ok::<_, Error>(path)
    }
    .await;
    let path = match made {
        Ok(path) => path,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    let made = describe(&path)?;
    let removed = prune(folder, keep as usize, &made.name);
    tracing::info!(backup = %made.path, bytes = made.bytes, removed = removed.len(), "database backed up");
    Ok(BackupReport {
        file: made,
        took_ms: elapsed_ms(started),
        removed,
    })
}

/// The SQLite file of a station's database; a PostgreSQL server is backed
/// up on the server (the refusal says how).
pub fn database_file(target: &DbTarget) -> Result<&Path> {
    match target {
        DbTarget::SqliteFile(path) => Ok(path),
        DbTarget::Postgres(_) => Err(file::refuse_postgres()),
    }
}

/// Where the backups of the database `target` go: the settings' folder,
/// else `backups` beside the database file.
pub fn backup_folder(target: &DbTarget, settings: &BackupSettings) -> Result<PathBuf> {
    Ok(settings.folder_for(database_file(target)?))
}

/// The backups in `folder`, newest first; a folder that does not exist has
/// none. Files not named as Packbench names its backups are left out.
pub fn list_backups(folder: &Path) -> Result<Vec<BackupFile>> {
    let entries = match std::fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(Error::Unavailable(format!(
                "cannot read the backup folder {}: {e}",
                folder.display()
            )))
        }
    };
    let mut found: Vec<(BackupName, BackupFile)> = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(parsed) = name.to_str().and_then(BackupName::parse) else {
            continue;
        };
        // A folder or a link named like a backup is not one of ours.
        let Ok(meta) = std::fs::symlink_metadata(entry.path()) else {
            continue;
        };
        if !meta.is_file() {
            continue;
        }
        found.push((
            parsed,
            BackupFile {
                path: entry.path().display().to_string(),
                name: name.to_string_lossy().into_owned(),
                bytes: meta.len(),
                made_at: parsed.made_at,
            },
        ));
    }
    found.sort_by_key(|b| std::cmp::Reverse(b.0));
    Ok(found.into_iter().map(|(_, f)| f).collect())
}

/// Checks a backup without changing it: SQLite's `integrity_check` finds
/// nothing, and it is a Packbench database this build can open (its schema
/// steps are the first of those this build knows; a newer Packbench's
/// backup is refused, naming the step it reached).
pub async fn check_backup(path: &Path) -> Result<BackupCheck> {
    if !path.is_file() {
        return Err(Error::not_found("backup", path.display().to_string()));
    }
    let facts = file::inspect(path).await?;
    if !facts.problems.is_empty() {
        let shown: Vec<&str> = facts.problems.iter().take(3).map(String::as_str).collect();
        return Err(Error::Damaged(format!(
            "the backup {} is damaged ({}); choose another backup",
            path.display(),
            shown.join("; ")
        )));
    }
    let known = file::known_steps();
    let newest_known = known.last().map_or(0, |s| s.version);
    let not_ours = |why: &str| {
        Error::Invalid(format!(
            "{} is not a Packbench database this version can restore ({why}); choose a backup Packbench made",
            path.display()
        ))
    };
    if facts.steps.is_empty() {
        return Err(not_ours("it has no Packbench schema history"));
    }
    for (i, step) in facts.steps.iter().enumerate() {
        let Some(ours) = known.get(i) else {
            return Err(Error::Refused(format!(
                "the backup {} was made by a newer Packbench: its database is at schema step {} ({}), this Packbench knows steps up to {newest_known}; restore it with a Packbench that knows step {} or later",
                path.display(),
                newest(&facts.steps).version,
                newest(&facts.steps).description,
                newest(&facts.steps).version,
            )));
        };
        if !step.success {
            return Err(not_ours(&format!(
                "its upgrade to step {} did not finish",
                step.version
            )));
        }
        if step.version != ours.version || step.checksum != ours.checksum {
            return Err(not_ours(&format!(
                "its schema step {} ({}) is not this Packbench's",
                step.version, step.description
            )));
        }
    }
    Ok(BackupCheck {
        path: path.display().to_string(),
        schema: newest(&facts.steps).version,
        current_schema: newest_known,
        orders: facts.orders.unwrap_or(0),
    })
}

fn newest(steps: &[Step]) -> &Step {
    steps.last().expect("checked not empty")
}

/// Restoring replaces the whole database: an administrator's decision. When
/// the file is damaged nobody can sign in, and the damaged file is kept
/// aside, so then anyone at the station may.
pub fn may_restore(actor: Option<&Actor>, database_damaged: bool) -> Result<()> {
    match (actor, database_damaged) {
        (_, true) => Ok(()),
        (Some(actor), false) => actor.may(Op::RestoreBackup),
        (None, false) => Err(Error::NotSignedIn(
            "sign in as an administrator to restore a backup".into(),
        )),
    }
}

/// Puts the backup at `backup` in place of the SQLite database file
/// `database`. The backup is checked first ([`check_backup`]); nothing is
/// touched when it fails. Every store on `database` must be closed (the
/// caller's; another program's is waited for a few seconds, then the
/// restore is refused). The file it replaces, with its -wal and -shm, is
/// renamed `<name>.before-restore-YYYYMMDD-HHMMSS` beside it; the backup is
/// copied next to the database and renamed into place. Opening a store on
/// `database` afterwards brings an older backup's schema up to date.
pub async fn restore_backup(
    backup: &Path,
    database: &Path,
    now: DateTime<Utc>,
) -> Result<RestoreReport> {
    let checked = check_backup(backup).await?;
    restore_checked(checked, database, now).await
}

/// [`restore_backup`] of a backup [`check_backup`] has just passed (the
/// app checks while the station still works, then closes the database).
pub async fn restore_checked(
    checked: BackupCheck,
    database: &Path,
    now: DateTime<Utc>,
) -> Result<RestoreReport> {
    let started = Instant::now();
    let backup = PathBuf::from(&checked.path);
    let backup = backup.as_path();
    let database = std::path::absolute(database).unwrap_or_else(|_| database.to_path_buf());
    if same_file(backup, &database) {
        return Err(Error::Invalid(format!(
            "{} is the database itself; choose a backup",
            backup.display()
        )));
    }
    let folder = database
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    std::fs::create_dir_all(&folder).map_err(|e| cannot_replace(&database, &e))?;
    if database.exists() && !file::alone_with(&database, LET_GO_WITHIN).await? {
        return Err(Error::Refused(format!(
            "{} is open in another program (another Packbench window, or packbench-cli): close it, then restore again; nothing was changed",
            database.display()
        )));
    }
    // The copy first: a disk too full for it stops the restore before the
    // database is touched.
    let name = file_name(&database);
    let copy = folder.join(format!(".{name}.restoring-{}", std::process::id()));
    std::fs::copy(backup, &copy)
        .and_then(|_| std::fs::File::open(&copy)?.sync_all())
        .map_err(|e| {
            let _ = std::fs::remove_file(&copy);
            Error::Unavailable(format!(
                "cannot copy the backup beside the database in {} ({e}); nothing was changed: free space there, then restore again",
                folder.display()
            ))
        })?;
    let set_aside = match set_aside(&database, now) {
        Ok(aside) => aside,
        Err(e) => {
            let _ = std::fs::remove_file(&copy);
            return Err(e);
        }
    };
    if let Err(e) = std::fs::rename(&copy, &database) {
        let _ = std::fs::remove_file(&copy);
        if let Some(aside) = &set_aside {
            put_back(aside, &database);
        }
        return Err(cannot_replace(&database, &e));
    }
    sync_folder(&folder);
    tracing::info!(
        backup = %backup.display(),
        database = %database.display(),
        set_aside = ?set_aside,
        "database restored from a backup"
    );
    Ok(RestoreReport {
        backup: checked,
        database: database.display().to_string(),
        set_aside: set_aside.map(|p| p.display().to_string()),
        took_ms: elapsed_ms(started),
    })
}

/// SQLite's `quick_check` of the store's file, and a write taken and let
/// go: a damaged file is `Damaged` (saying what to do), a read-only one
/// `Unavailable`. Reads every page: seconds on a large database, so the
/// app runs it after start rather than before. Nothing to do on PostgreSQL.
pub async fn check_database(store: &Store) -> Result<()> {
    let DbTarget::SqliteFile(path) = store.target() else {
        return Ok(());
    };
    file::probe_write(store).await?;
    let problems = file::quick_check(store).await?;
    if problems.is_empty() {
        return Ok(());
    }
    tracing::error!(file = %path.display(), problems = ?problems, "the database file is damaged");
    let shown: Vec<&str> = problems.iter().take(3).map(String::as_str).collect();
    Err(Error::Damaged(crate::error::damaged_file(
        &path.display().to_string(),
        &shown.join("; "),
    )))
}

/// A backup's name, as it sorts: by time, then by its number in the second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct BackupName {
    made_at: DateTime<Utc>,
    seq: u32,
}

impl BackupName {
    fn parse(name: &str) -> Option<Self> {
        let stem = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
        let (stamp, seq) = match stem.split_at_checked(15)? {
            (stamp, "") => (stamp, 1),
            (stamp, rest) => {
                let digits = rest.strip_prefix('-')?;
                if digits.is_empty()
                    || digits.len() > 6
                    || digits.starts_with('0')
                    || !digits.bytes().all(|b| b.is_ascii_digit())
                {
                    return None;
                }
                (stamp, digits.parse().ok().filter(|n| *n >= 2)?)
            }
        };
        let shaped = stamp.bytes().enumerate().all(|(i, b)| {
            if i == 8 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
        if !shaped {
            return None;
        }
        let made_at = NaiveDateTime::parse_from_str(stamp, "%Y%m%d-%H%M%S")
            .ok()?
            .and_utc();
        Some(BackupName { made_at, seq })
    }

    fn file_name(stamp: &str, seq: u32) -> String {
        if seq == 1 {
            format!("{PREFIX}{stamp}{SUFFIX}")
        } else {
            format!("{PREFIX}{stamp}-{seq}{SUFFIX}")
        }
    }
}

/// An empty file of our own to copy into (VACUUM INTO takes an empty one).
fn reserve_partial(folder: &Path, stamp: &str) -> Result<PathBuf> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    loop {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = folder.join(format!(
            "{PARTIAL_PREFIX}{stamp}-{}-{n}{PARTIAL_SUFFIX}",
            std::process::id()
        ));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(_) => return Ok(path),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(cannot_write(folder, &e)),
        }
    }
}

/// Gives the finished copy its backup name, never over an existing file:
/// a second backup in the same second is `-2`.
fn place(partial: &Path, folder: &Path, stamp: &str) -> Result<PathBuf> {
    for seq in 1..=999 {
        let path = folder.join(BackupName::file_name(stamp, seq));
        // A hard link fails when the name is taken, even when another
        // process takes it at the same moment.
        match std::fs::hard_link(partial, &path) {
            Ok(()) => {
                let _ = std::fs::remove_file(partial);
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            // A disk without hard links (a FAT memory stick): check, then rename.
            Err(_) => {
                if std::fs::symlink_metadata(&path).is_ok() {
                    continue;
                }
                std::fs::rename(partial, &path).map_err(|e| cannot_write(folder, &e))?;
                return Ok(path);
            }
        }
    }
    Err(Error::Conflict(format!(
        "{} already holds 999 backups made in the second {stamp}",
        folder.display()
    )))
}

/// Deletes all but the newest `keep` backups (never `just_made`), and
/// unfinished copies a day old. A file that cannot be deleted is logged
/// and left: the backup itself is made.
fn prune(folder: &Path, keep: usize, just_made: &str) -> Vec<String> {
    let mut removed = Vec::new();
    match list_backups(folder) {
        Ok(backups) => {
            for old in backups.iter().skip(keep).filter(|b| b.name != just_made) {
                match std::fs::remove_file(&old.path) {
                    Ok(()) => removed.push(old.name.clone()),
                    Err(e) => {
                        tracing::warn!(backup = %old.path, error = %e, "an old backup could not be deleted")
                    }
                }
            }
        }
        Err(e) => tracing::warn!(error = %e, "old backups were not pruned"),
    }
    if let Ok(entries) = std::fs::read_dir(folder) {
        for entry in entries.flatten() {
            let name = entry.file_name();
            let ours = name.to_str().is_some_and(|n| {
                n.strip_prefix(PARTIAL_PREFIX)
                    .and_then(|n| n.strip_suffix(PARTIAL_SUFFIX))
                    .and_then(|n| n.get(..15))
                    .is_some_and(|stamp| {
                        BackupName::parse(&format!("{PREFIX}{stamp}{SUFFIX}")).is_some()
                    })
            });
            let stale = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| SystemTime::now().duration_since(t).ok())
                .is_some_and(|age| age > STALE_PARTIAL);
            if ours && stale && entry.file_type().is_ok_and(|t| t.is_file()) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
    removed
}

fn describe(path: &Path) -> Result<BackupFile> {
    let name = file_name(path);
    let parsed = BackupName::parse(&name)
        .ok_or_else(|| Error::Invalid(format!("{} is not a backup's name", path.display())))?;
    let bytes = std::fs::metadata(path)
        .map_err(|e| cannot_write(path, &e))?
        .len();
    Ok(BackupFile {
        path: path.display().to_string(),
        name,
        bytes,
        made_at: parsed.made_at,
    })
}

const COMPANIONS: [&str; 4] = ["", "-wal", "-shm", "-journal"];

/// Renames the database file and its companions aside; on a failure half
/// way, puts back what moved.
fn set_aside(database: &Path, now: DateTime<Utc>) -> Result<Option<PathBuf>> {
    if !database.exists() {
        return Ok(None);
    }
    let stamp = now.format("%Y%m%d-%H%M%S").to_string();
    let name = file_name(database);
    let aside = (1..)
        .map(|n| {
            let suffix = if n == 1 {
                String::new()
            } else {
                format!("-{n}")
            };
            database.with_file_name(format!("{name}.before-restore-{stamp}{suffix}"))
        })
        .find(|p| COMPANIONS.iter().all(|c| !with_suffix(p, c).exists()))
        .expect("a free name");
    let mut moved = Vec::new();
    for companion in COMPANIONS {
        let from = with_suffix(database, companion);
        if !from.exists() {
            continue;
        }
        let to = with_suffix(&aside, companion);
        if let Err(e) = std::fs::rename(&from, &to) {
            for (from, to) in moved.iter().rev() {
                let _ = std::fs::rename(to, from);
            }
            return Err(cannot_replace(database, &e));
        }
        moved.push((from, to));
    }
    Ok(Some(aside))
}

fn put_back(aside: &Path, database: &Path) {
    for companion in COMPANIONS {
        let from = with_suffix(aside, companion);
        if from.exists() {
            if let Err(e) = std::fs::rename(&from, with_suffix(database, companion)) {
                tracing::error!(file = %from.display(), error = %e, "the database set aside could not be put back");
            }
        }
    }
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_os_string();
    s.push(suffix);
    PathBuf::from(s)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// A rename is durable once the folder is written (best effort: not every
/// system lets a folder be opened for that).
fn sync_folder(folder: &Path) {
    if let Ok(dir) = std::fs::File::open(folder) {
        let _ = dir.sync_all();
    }
}

fn cannot_write(folder: &Path, e: &std::io::Error) -> Error {
    Error::Unavailable(format!(
        "cannot write the backup in {} ({e}); choose a folder this user may write to, with free space",
        folder.display()
    ))
}

fn cannot_replace(database: &Path, e: &std::io::Error) -> Error {
    Error::Unavailable(format!(
        "cannot replace {} ({e}); the database was left as it was",
        database.display()
    ))
}

fn elapsed_ms(since: Instant) -> u64 {
    u64::try_from(since.elapsed().as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_packbench_backup_names_are_backups_and_they_sort_by_time() {
        let at = |s: &str| BackupName::parse(s);
        let first = at("packbench-20261120-090000.db").expect("a backup");
        let second = at("packbench-20261120-090000-2.db").expect("the second in that second");
        let later = at("packbench-20261120-090001.db").unwrap();
        assert!(first < second && second < later);
        assert_eq!(first.made_at.to_rfc3339(), "2026-11-20T09:00:00+00:00");
        for foreign in [
            "packbench.db",
            "packbench-notes.db",
            "packbench-20261120-090000.db.bak",
            "packbench-20261120-090000-1.db",
            "packbench-20261120-090000-02.db",
            "packbench-20261120-090000-.db",
            "packbench-20261320-090000.db",
            "packbench-2026112-0090000.db",
            "packbench-+2026112-090000.db",
            "Packbench-20261120-090000.db",
            ".packbench-20261120-090000-1-0.partial",
        ] {
            assert_eq!(at(foreign), None, "{foreign} is not a Packbench backup");
        }
        assert_eq!(
            BackupName::file_name("20261120-090000", 3),
            "packbench-20261120-090000-3.db"
        );
    }

    #[test]
    fn restoring_a_sound_database_is_for_an_administrator() {
        use crate::domain::Role;
        let admin = Actor::new("anna", "office", Role::Admin);
        let packer = Actor::new("ivan", "S1", Role::Packer);
        assert!(may_restore(Some(&admin), false).is_ok());
        assert!(matches!(
            may_restore(Some(&packer), false),
            Err(Error::Forbidden { .. })
        ));
        assert!(matches!(
            may_restore(None, false),
            Err(Error::NotSignedIn(_))
        ));
        assert!(
            may_restore(None, true).is_ok(),
            "nobody can sign in to a damaged database"
        );
    }
}
