//! SQLite's WAL checkpoints off the scan path. By default the commit that
//! pushes the WAL past 1000 pages copies it into the database file and
//! syncs it, and that one scan waits milliseconds for it. Packbench's
//! connections turn the automatic checkpoint off (`apply_pragmas`), and a
//! task of the store's own checkpoints in the background instead: PASSIVE,
//! so it never waits for or blocks a writer or a reader.

use sqlx::AnyPool;
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

/// Starts the checkpointer of a SQLite pool; it ends when the pool closes.
/// Outside a Tokio runtime (nothing here runs outside one) it does nothing,
/// and SQLite checkpoints when the last connection closes.
pub(super) fn spawn(pool: AnyPool) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return;
    };
    runtime.spawn(async move {
        let mut failing = false;
        while !pool.is_closed() {
            tokio::time::sleep(EVERY).await;
            if pool.is_closed() {
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
}

#[cfg(test)]
mod tests {
    use crate::store::{DbTarget, Store};
    use std::time::Instant;

    /// Commits do not pile up in the WAL: with the automatic checkpoint
    /// off, the background task keeps the file bounded even under a stream
    /// of writes with no pause (an import). Writes 200 MB of pages (100 KB
    /// per commit) over at least three of the task's rounds; without it the
    /// WAL would hold them all.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_wal_stays_small_while_a_station_writes() {
        let dir = std::env::temp_dir().join(format!(
            "packbench-wal-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        let path = dir.join("wal.db");
        let store = Store::open(&DbTarget::SqliteFile(path.clone()))
            .await
            .unwrap();
        let started = Instant::now();
        let mut written = 0usize;
        while written < 200_000_000 || started.elapsed() < 3 * super::EVERY {
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
        let wal = std::fs::metadata(dir.join("wal.db-wal")).unwrap().len();
        store.close().await;
        let _ = std::fs::remove_dir_all(&dir);
        assert!(
            wal < 150_000_000,
            "the WAL grew to {wal} bytes after {written} bytes written: nothing checkpoints it"
        );
    }
}
