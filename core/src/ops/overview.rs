//! What the screens need around the orders: counts per status, recognising
//! an order number in a scan, the change feed, the database check.

use crate::domain::barcode;
use crate::store::statuses::{self, StatusCount};
use crate::store::watch::{Wake, Watcher};
use crate::store::{events, orders, Store};
use crate::Result;
use serde::Serialize;

/// Orders per status, and how many of them are overdue; every status is
/// listed, also with no orders.
pub async fn status_counts(store: &Store) -> Result<Vec<StatusCount>> {
    let mut conn = store.pool().acquire().await?;
    statuses::counts(&mut conn, store.now_ms()).await
}

/// The order number a scan names, if it names one: the code as printed on a
/// packing slip, with or without the shop's `#`.
pub async fn find_order(store: &Store, code: &str) -> Result<Option<String>> {
    let Ok(normalized) = barcode::normalize(code) else {
        return Ok(None);
    };
    let number = normalized.trim_start_matches('#');
    let mut conn = store.pool().acquire().await?;
    orders::number_if_exists(&mut conn, number).await
}

/// The names of the carriers offered at hand-over (the store's active
/// carriers; Settings → Mail and carriers keeps the list).
pub async fn carriers(store: &Store) -> Result<Vec<String>> {
    let mut conn = store.pool().acquire().await?;
    Ok(crate::store::outbox::carriers(&mut conn)
        .await?
        .into_iter()
        .filter(|c| c.active)
        .map(|c| c.name)
        .collect())
}

/// How many orders the database holds.
pub async fn order_count(store: &Store) -> Result<i64> {
    let mut conn = store.pool().acquire().await?;
    orders::count(&mut conn).await
}

/// No orders yet: the app offers the demo warehouse.
pub async fn is_empty(store: &Store) -> Result<bool> {
    let mut conn = store.pool().acquire().await?;
    Ok(!orders::any(&mut conn).await?)
}

/// Where the change feed has read up to: the last event and scan rows seen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChangeCursor {
    started: bool,
    events: i64,
    scans: i64,
}

/// Order numbers with new events or scans since the cursor: another window
/// or another station changed them. The first call only sets the cursor.
pub async fn changes_since(
    store: &Store,
    cursor: &ChangeCursor,
) -> Result<(ChangeCursor, Vec<String>)> {
    let mut conn = store.pool().acquire().await?;
    let (events, scans) = events::newest_ids(&mut conn).await?;
    let next = ChangeCursor {
        started: true,
        events,
        scans,
    };
    if !cursor.started || (events == cursor.events && scans == cursor.scans) {
        return Ok((next, Vec::new()));
    }
    let numbers =
        events::orders_changed(&mut conn, (cursor.events, events), (cursor.scans, scans)).await?;
    Ok((next, numbers))
}

/// The live change feed of a station: waits for a commit anywhere (another
/// station, another window, the CLI, this process) and says which orders it
/// touched. PostgreSQL names them in its notifications; on SQLite, and after
/// anything that may have lost notifications (a reconnect), the feed reads
/// [`changes_since`] from where it last read.
pub struct ChangeFeed {
    watcher: Option<Watcher>,
    cursor: ChangeCursor,
}

impl Default for ChangeFeed {
    fn default() -> Self {
        Self::new()
    }
}

impl ChangeFeed {
    /// A feed that starts watching on its first [`ChangeFeed::next`]: changes
    /// from then on are reported.
    pub fn new() -> ChangeFeed {
        ChangeFeed {
            watcher: None,
            cursor: ChangeCursor::default(),
        }
    }

    /// A feed already watching: changes committed after this returns are
    /// reported by [`ChangeFeed::next`].
    pub async fn start(store: &Store) -> Result<ChangeFeed> {
        let mut feed = ChangeFeed::new();
        feed.watcher = Some(Watcher::start(store).await?);
        feed.catch_up(store).await?;
        Ok(feed)
    }

    /// Waits until orders change and returns their numbers (never empty).
    /// An error means the database cannot be reached; call again (after a
    /// pause) and the feed starts over, reporting what changed meanwhile.
    pub async fn next(&mut self, store: &Store) -> Result<Vec<String>> {
        loop {
            let watcher = match &mut self.watcher {
                Some(w) => w,
                None => {
                    let w = Watcher::start(store).await?;
                    // Whatever committed while nobody watched (the first
                    // read only sets the cursor).
                    let missed = self.catch_up(store).await?;
                    self.watcher = Some(w);
                    if !missed.is_empty() {
                        return Ok(missed);
                    }
                    continue;
                }
            };
            let wake = match watcher.next().await {
                Ok(w) => w,
                Err(e) => {
                    self.watcher = None;
                    return Err(e);
                }
            };
            let numbers = match wake {
                Wake::Orders(numbers) => numbers,
                Wake::Unknown => self.catch_up(store).await?,
            };
            if !numbers.is_empty() {
                return Ok(numbers);
            }
        }
    }

    /// Waits until orders change, then, when `gap` has not passed since
    /// `last`, waits out the rest and takes in whatever changed meanwhile:
    /// one answer for a burst of commits (a packer scanning fast), so the
    /// screens refresh at most once per `gap`.
    pub async fn next_at_most_every(
        &mut self,
        store: &Store,
        last: Option<std::time::Instant>,
        gap: std::time::Duration,
    ) -> Result<Vec<String>> {
        let mut numbers = self.next(store).await?;
        let Some(last) = last else {
            return Ok(numbers);
        };
        let wait = gap.saturating_sub(last.elapsed());
        if wait.is_zero() {
            return Ok(numbers);
        }
        tokio::time::sleep(wait).await;
        let mut unknown = false;
        if let Some(w) = &mut self.watcher {
            for wake in w.ready() {
                match wake {
                    Wake::Orders(more) => numbers.extend(more),
                    Wake::Unknown => unknown = true,
                }
            }
        }
        // SQLite: commits during the wait are read now, not on the next wake
        // (which still comes, and finds nothing new).
        if unknown || store.engine() == crate::store::Engine::Sqlite {
            numbers.extend(self.catch_up(store).await?);
        }
        numbers.sort();
        numbers.dedup();
        Ok(numbers)
    }

    async fn catch_up(&mut self, store: &Store) -> Result<Vec<String>> {
        let (next, numbers) = changes_since(store, &self.cursor).await?;
        self.cursor = next;
        Ok(numbers)
    }

    /// Stops watching.
    pub async fn close(self) {
        if let Some(w) = self.watcher {
            w.close().await;
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DbTest {
    pub ok: bool,
    pub engine: Option<String>,
    pub message: String,
}

/// Checks that a database setting would work, without changing anything
/// there (no file is created, no migration runs): the wizard's
/// [`super::setup::probe_database`], in Settings' shorter form.
pub async fn test_database(setting: &str) -> DbTest {
    let check = super::setup::probe_database(setting).await;
    DbTest {
        ok: check.ok,
        engine: check.engine,
        message: check.message,
    }
}
