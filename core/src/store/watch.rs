//! Waiting for another station's commit: on PostgreSQL a LISTEN on the
//! channel that migration 0021's triggers notify; on SQLite `PRAGMA
//! data_version` read on a connection of the watcher's own, which changes
//! whenever any other connection (another window, the CLI, this app's own
//! pool) commits.

use super::{DbTarget, Store};
use crate::{Error, Result};
use sqlx::postgres::PgListener;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Connection};
use std::time::Duration;

/// The PostgreSQL channel migration 0021's triggers notify.
pub const CHANNEL: &str = "packbench_changes";

/// How often the SQLite watcher reads the change counter: one cheap read of
/// shared memory, no disk, well inside the 500 ms a station may lag.
const SQLITE_EVERY: Duration = Duration::from_millis(40);

/// What woke the watcher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wake {
    /// These orders changed (PostgreSQL names them in the notification).
    Orders(Vec<String>),
    /// Something committed, or notifications may have been missed (a
    /// reconnect, a too-long list): read the change feed to know what.
    Unknown,
}

pub struct Watcher {
    inner: Inner,
}

enum Inner {
    Postgres(Box<PgListener>),
    Sqlite {
        conn: Box<SqliteConnection>,
        version: i64,
    },
}

impl Watcher {
    /// Starts watching the store's database. The first [`Watcher::next`]
    /// reports only what commits after this returns.
    pub async fn start(store: &Store) -> Result<Watcher> {
        let inner = match store.target() {
            DbTarget::Postgres(url) => {
                let mut listener = PgListener::connect(url).await.map_err(cannot_watch)?;
                listener.listen(CHANNEL).await.map_err(cannot_watch)?;
                Inner::Postgres(Box::new(listener))
            }
            DbTarget::SqliteFile(path) => {
                let mut conn = SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(false)
                    .connect()
                    .await
                    .map_err(cannot_watch)?;
                let version = data_version(&mut conn).await?;
                Inner::Sqlite {
                    conn: Box::new(conn),
                    version,
                }
            }
        };
        Ok(Watcher { inner })
    }

    /// Waits for the next change. An error means the database cannot be
    /// reached now; calling again waits for it to come back.
    pub async fn next(&mut self) -> Result<Wake> {
        match &mut self.inner {
            Inner::Postgres(listener) => match listener.try_recv().await {
                Ok(Some(note)) => Ok(parse_payload(note.payload())),
                // The connection was lost and is back: whatever was
                // notified meanwhile is gone, so the feed has to be read.
                Ok(None) => Ok(Wake::Unknown),
                Err(e) => Err(cannot_watch(e)),
            },
            Inner::Sqlite { conn, version } => loop {
                let now = data_version(conn).await?;
                if now != *version {
                    *version = now;
                    return Ok(Wake::Unknown);
                }
                tokio::time::sleep(SQLITE_EVERY).await;
            },
        }
    }

    /// Changes already received and not yet read, without waiting: the
    /// notifications PostgreSQL delivered meanwhile (SQLite's counter
    /// already covers every commit in one wake).
    pub fn ready(&mut self) -> Vec<Wake> {
        match &mut self.inner {
            Inner::Postgres(listener) => std::iter::from_fn(|| listener.next_buffered())
                .map(|note| parse_payload(note.payload()))
                .collect(),
            Inner::Sqlite { .. } => Vec::new(),
        }
    }

    /// Stops watching (closes the watcher's own connection).
    pub async fn close(self) {
        match self.inner {
            Inner::Postgres(mut listener) => {
                let _ = listener.unlisten_all().await;
            }
            Inner::Sqlite { conn, .. } => {
                let _ = conn.close().await;
            }
        }
    }
}

async fn data_version(conn: &mut SqliteConnection) -> Result<i64> {
    sqlx::query_scalar("PRAGMA data_version")
        .fetch_one(&mut *conn)
        .await
        .map_err(cannot_watch)
}

fn cannot_watch(e: sqlx::Error) -> Error {
    Error::Unavailable(format!(
        "cannot watch the database for other stations' changes: {e}"
    ))
}

/// A notification's payload: a JSON array of order numbers, or `*` (or
/// anything unreadable) for "read the feed".
fn parse_payload(payload: &str) -> Wake {
    match serde_json::from_str::<Vec<String>>(payload) {
        Ok(numbers) => Wake::Orders(numbers),
        Err(_) => Wake::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_payload_names_orders_or_asks_for_the_feed() {
        assert_eq!(
            parse_payload(r#"["1001","Д-7"]"#),
            Wake::Orders(vec!["1001".into(), "Д-7".into()])
        );
        assert_eq!(parse_payload("*"), Wake::Unknown);
        assert_eq!(parse_payload(""), Wake::Unknown);
    }
}
