//! SQLite's WAL checkpoints off the scan path. By default the commit that
//! pushes the WAL past 1000 pages copies it into the database file and
//! syncs it, and that one scan waits milliseconds for it. Packbench's
//! connections turn the automatic checkpoint off (`apply_pragmas`), and a
//! task of the store's own checkpoints in the background instead: PASSIVE,
//! so it never waits for or blocks a writer or a reader.
//!
//! When the store closes, the last checkpoint folds the WAL into the file
//! and deletes it ([`Checkpointer::fold`]), so a closed database is one
//! self-contained file.

use sqlx::AnyPool;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// How often the background task checkpoints; a busy station writes a few
/// pages per scan, so the WAL stays around a megabyte.
const EVERY: Duration = Duration::from_millis(500);

/// A WAL longer than this (pages of 4 KB: 64 MB) is checkpointed to the
/// end and truncated, waiting for the writer of the moment: under a long
/// stream of writes (an import) a passive checkpoint never catches up.
const TRUNCATE_ABOVE: i64 = 16_384;

async fn round(pool: &AnyPool) -> sqlx::Result<()> {
    let (_busy, log, _done): (i64, i64, i64) = sqlx::query_as("PRAGMA wal_checkpoint(PASSIVE)")
        .fetch_one(pool)
        .await?;
    if log > TRUNCATE_ABOVE {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(pool)
            .await?;
    }
    Ok(())
}

/// The checkpoints of one read-write store on a SQLite file: the background
/// task's, which closing the store stops first (waiting for a round in
/// flight, so no checkpoint holds a connection while the pool closes), and
/// the last one, once every connection has closed.
#[derive(Debug)]
pub(super) struct Checkpointer {
    /// The database file (absolute, as the pool opened it).
    file: PathBuf,
    stop: std::sync::atomic::AtomicBool,
    round: tokio::sync::Mutex<()>,
}

impl Checkpointer {
    /// Stops the background task; returns once no round is running.
    pub(super) async fn stop(&self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        let _idle = self.round.lock().await;
    }

    fn stopped(&self) -> bool {
        self.stop.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// The last checkpoint, once every connection of the store's pool has
    /// closed. SQLite folds the WAL into the file and deletes it when the
    /// last connection to the file closes, if that connection finds no
    /// other one open. Connections that close at the same moment (each on
    /// its own thread: a pool closing while a connection on its way back
    /// closes itself) can each still see the other open, and then none of
    /// them folds it: the WAL stays beside the file with commits the file
    /// alone lacks, and a file copied or replaced (a restore) then is not
    /// the whole database. One connection of its own, opened now and
    /// closed, is the last one and folds it. When another store or program
    /// still has the file open, it does nothing: the last of those folds it
    /// as it closes.
    pub(super) async fn fold(&self) {
        if !wal_of(&self.file).exists() {
            return;
        }
        // A read opens the WAL, so that closing checkpoints it.
        if let Err(e) = super::backup::read_schema_alone(&self.file).await {
            tracing::warn!(
                file = %self.file.display(),
                error = %e,
                "the WAL was not folded into the database file on close; the next open does it"
            );
        }
    }
}

/// The WAL beside a SQLite database file.
fn wal_of(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push("-wal");
    PathBuf::from(name)
}

/// The checkpointer of a read-write store on the SQLite file `file`; with
/// `background`, its task checkpoints every [`EVERY`] until the store
/// closes (or the pool does). Outside a Tokio runtime (nothing here runs
/// outside one) there is no background task, and SQLite checkpoints when
/// the last connection closes.
pub(super) fn start(pool: AnyPool, file: &Path, background: bool) -> Arc<Checkpointer> {
    let me = Arc::new(Checkpointer {
        file: std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf()),
        stop: std::sync::atomic::AtomicBool::new(false),
        round: tokio::sync::Mutex::new(()),
    });
    let Some(runtime) = background
        .then(|| tokio::runtime::Handle::try_current().ok())
        .flatten()
    else {
        return me;
    };
    let task = me.clone();
    runtime.spawn(async move {
        let mut failing = false;
        loop {
            tokio::time::sleep(EVERY).await;
            let _round = task.round.lock().await;
            if task.stopped() || pool.is_closed() {
                break;
            }
            match round(&pool).await {
                Ok(()) => failing = false,
                // The pool closing under us is the normal end.
                Err(_) if pool.is_closed() => break,
                Err(e) if !failing => {
                    failing = true;
                    tracing::warn!(error = %e, "the WAL checkpoint failed; it is tried again");
                }
                Err(_) => {}
            }
        }
    });
    me
}

#[cfg(test)]
mod tests {
    use crate::store::{DbTarget, Store};
    use std::time::Instant;

    /// Commits do not pile up in the WAL: with the automatic checkpoint
    /// off, the background task checkpoints it and, past 64 MB, truncates
    /// it. Writes 100 MB of pages (100 KB per commit, with no pause, as an
    /// import does), then waits for the file to come back under 64 MB;
    /// without the task it would stay at 100 MB.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_wal_is_checkpointed_and_truncated_in_the_background() {
        let dir = crate::test_dir("wal");
        let path = dir.join("wal.db");
        let store = Store::open(&DbTarget::SqliteFile(path.clone()))
            .await
            .unwrap();
        let mut written = 0usize;
        while written < 100_000_000 {
            sqlx::query(
                "INSERT INTO settings (key, value) VALUES ('wal-test', $1) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )
            // Every page unlike the last value's, or SQLite writes only
            // the pages that changed.
            .bind(
                char::from(b'a' + (written / 100_000 % 26) as u8)
                    .to_string()
                    .repeat(100_000),
            )
            .execute(store.pool())
            .await
            .unwrap();
            written += 100_000;
        }
        let wal_file = dir.join("wal.db-wal");
        let size = || std::fs::metadata(&wal_file).map_or(0, |m| m.len());
        // A condition with a deadline: the task's round comes every 500 ms.
        let deadline = Instant::now() + std::time::Duration::from_secs(30);
        while size() >= 64_000_000 && Instant::now() < deadline {
            tokio::time::sleep(super::EVERY / 5).await;
        }
        let wal = size();
        store.close().await;
        let _ = std::fs::remove_dir_all(&dir);
        assert!(
            wal < 64_000_000,
            "the WAL is still {wal} bytes after {written} bytes were written and 30 s passed: \
             nothing checkpoints it"
        );
    }
}
