//! Storage: one schema on two engines through sqlx's `Any` driver.
//!
//! SQL is written once with `$1` placeholders, which both SQLite and
//! PostgreSQL accept; integers are 64-bit everywhere, times are UTC
//! milliseconds, booleans are not used. Where the engines differ (schema,
//! search), the code asks [`Store::engine`].

pub mod backup;
pub mod bulk;
pub mod buyers;
pub mod cartons;
mod checkpoint;
pub(crate) mod codec;
pub mod counts;
pub mod customers;
pub mod dashboard;
// Dropshipping (issue 15 item 4, migration 0028).
pub mod dropship;
pub mod events;
pub mod notes;
mod open;
pub mod order_query;
pub mod orders;
// Delivery status (issue 15).
pub mod outbox;
pub mod parcels;
pub mod payments;
pub mod pick_lists;
pub mod print_jobs;
// The first-run wizard's look at a database setting (issue 14).
pub mod probe;
pub mod products;
// Issue 15 item 3: receipts under 54-ФЗ.
pub mod receipts;
pub mod returns;
pub mod scans;
pub mod settings;
// Stock and order status back to the shop (issue 15 item 1).
pub mod shipments;
pub mod shop_sync;
pub mod statuses;
pub mod stock;
pub mod users;
pub mod watch;
// Issue 15: orders that arrive by themselves (migration 0026).
pub mod webhooks;

pub use open::{default_sqlite_path, DbTarget};

use crate::clock::{Clock, SystemClock};
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use sqlx::any::AnyPoolOptions;
use sqlx::{Any, AnyConnection, AnyPool, Transaction};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

pub type Tx = Transaction<'static, Any>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "SQLite",
            Engine::Postgres => "PostgreSQL",
        }
    }
}

/// SQLite durability: NORMAL survives an app crash (WAL); FULL also survives
/// a power cut at the cost of an fsync per commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    Normal,
    Full,
}

#[derive(Debug, Clone)]
pub struct OpenOptions {
    pub durability: Durability,
    pub max_connections: u32,
    /// SQLite: checkpoint the WAL in a background task (the default), or
    /// in the commit that crosses 1000 pages as SQLite does by itself (kept
    /// for the benchmark that compares the two).
    pub background_checkpoint: bool,
}

impl Default for OpenOptions {
    fn default() -> Self {
        Self {
            durability: Durability::Normal,
            max_connections: 8,
            background_checkpoint: true,
        }
    }
}

#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    engine: Engine,
    clock: Arc<dyn Clock>,
    described: String,
    target: DbTarget,
    /// The WAL checkpoints of a read-write store on a SQLite file: the
    /// background task, stopped by [`Store::close`], and the last one,
    /// which closing makes.
    checkpointer: Option<Arc<checkpoint::Checkpointer>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("engine", &self.engine)
            .field("db", &self.described)
            .finish()
    }
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Store {
    /// Opens (creating if needed) and migrates the database.
    pub async fn open(target: &DbTarget) -> Result<Store> {
        Self::open_with(target, OpenOptions::default()).await
    }

    pub async fn open_with(target: &DbTarget, options: OpenOptions) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let engine = target.engine();
        let url = target.connect_url()?;
        // A damaged file is named at once: the pool would only retry it
        // until its time limit and report that.
        if let DbTarget::SqliteFile(path) = target {
            backup::probe_file(path).await?;
        }
        let pool = AnyPoolOptions::new()
            .max_connections(options.max_connections)
            .acquire_timeout(acquire_timeout(engine))
            // A server connection may have died while it sat idle (the
            // server restarted): pinged before it is handed out. A SQLite
            // connection is a thread of this process: one whose thread
            // stopped already fails the ping sqlx makes when it comes back
            // to the pool, so a second ping before each use is only a
            // wasted trip to that thread on every operation.
            .test_before_acquire(engine == Engine::Postgres)
            // A transaction whose COMMIT failed on a full disk was rolled
            // back by SQLite itself, so its ROLLBACK found nothing and
            // sqlx still counts it open: that connection would refuse every
            // later BEGIN ("InvalidSavePointStatement"). Such a connection
            // is closed instead of going back to the pool. Only a
            // connection that still counts a transaction is pinged (the
            // ping runs the ROLLBACK its dropped transaction queued); one
            // that committed, nearly every one, goes back at once.
            .after_release(|conn, _| {
                Box::pin(async move {
                    if !sqlx::Connection::is_in_transaction(&*conn) {
                        return Ok(true);
                    }
                    sqlx::Connection::ping(&mut *conn).await?;
                    Ok(!sqlx::Connection::is_in_transaction(&*conn))
                })
            })
            .after_connect(match (options.durability, options.background_checkpoint) {
                (Durability::Normal, true) => sqlite_hook::<false, true> as ConnectHook,
                (Durability::Normal, false) => sqlite_hook::<false, false> as ConnectHook,
                (Durability::Full, true) => sqlite_hook::<true, true> as ConnectHook,
                (Durability::Full, false) => sqlite_hook::<true, false> as ConnectHook,
            })
            .connect(&url)
            .await
            .map_err(|e| open::explain_connect_error(target, e))?;
        match engine {
            Engine::Sqlite => SQLITE_MIGRATIONS.run(&pool).await?,
            Engine::Postgres => POSTGRES_MIGRATIONS.run(&pool).await?,
        }
        let checkpointer = match target {
            DbTarget::SqliteFile(path) => Some(checkpoint::start(
                pool.clone(),
                path,
                options.background_checkpoint,
            )),
            DbTarget::Postgres(_) => None,
        };
        Ok(Store {
            pool,
            engine,
            clock: Arc::new(SystemClock),
            described: target.describe(),
            target: target.clone(),
            checkpointer,
        })
    }

    /// Replaces the clock (tests pin time with [`crate::clock::FixedClock`]).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// Where the data lives, without any password, for the UI and logs.
    /// Where this store's data lives (the file or the server URL).
    pub fn target(&self) -> &DbTarget {
        &self.target
    }

    pub fn describe(&self) -> &str {
        &self.described
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub fn now_ms(&self) -> i64 {
        self.clock.now().timestamp_millis()
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// A write transaction. On SQLite it takes the write lock up front
    /// (`BEGIN IMMEDIATE`), so two writers queue instead of one failing
    /// half-way with SQLITE_BUSY.
    pub async fn write(&self) -> Result<Tx> {
        Ok(match self.engine {
            Engine::Sqlite => self.pool.begin_with(SQLITE_BEGIN_WRITE).await?,
            Engine::Postgres => self.pool.begin().await?,
        })
    }

    /// A write transaction, begun as [`Store::write`] begins one, on a
    /// connection the caller holds (an import keeps one for all its chunks).
    pub async fn write_on<'c>(&self, conn: &'c mut AnyConnection) -> Result<Transaction<'c, Any>> {
        Ok(match self.engine {
            Engine::Sqlite => sqlx::Connection::begin_with(conn, SQLITE_BEGIN_WRITE).await?,
            Engine::Postgres => sqlx::Connection::begin(conn).await?,
        })
    }

    /// A read transaction (a consistent snapshot on both engines).
    pub async fn read(&self) -> Result<Tx> {
        Ok(self.pool.begin().await?)
    }

    /// Closes every connection of the store (waiting for those in use),
    /// and leaves a SQLite file whole: its WAL folded into it and deleted,
    /// unless another store or program still has the file open (the last
    /// of them does that as it closes).
    pub async fn close(&self) {
        if let Some(c) = &self.checkpointer {
            c.stop().await;
        }
        close_every_connection(&self.pool).await;
        if let Some(c) = &self.checkpointer {
            if self.pool.size() == 0 {
                c.fold().await;
            }
        }
    }
}

/// How long [`Store::close`] waits for connections still in use (a
/// statement waits at most its `busy_timeout`, 10 s, for a lock) before it
/// leaves them to close themselves as their work ends.
const CLOSE_PATIENCE: std::time::Duration = std::time::Duration::from_secs(15);

/// Closes the pool and waits until none of its connections is open.
/// sqlx's `Pool::close` (0.8.6) can return with connections still open
/// (launchbadge/sqlx#3217): every query's connection goes back to the pool
/// in a task of its own, and one that comes back after `close` emptied the
/// idle queue stays there, open, until the pool's last handle is dropped;
/// and closing an idle connection hands back a permit that connection had
/// already given back, so `close`'s wait for every permit can end while
/// connections are still on their way back. Closing again closes those in
/// the queue; one still on its way sees the pool closed and closes itself.
/// The pool's size counts a connection until its close has finished.
async fn close_every_connection(pool: &AnyPool) {
    let deadline = std::time::Instant::now() + CLOSE_PATIENCE;
    let mut pause = std::time::Duration::from_millis(1);
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        // Within `left`, `close` waits for connections in use to come back.
        let _ = tokio::time::timeout(left, pool.close()).await;
        if pool.size() == 0 {
            return;
        }
        if std::time::Instant::now() >= deadline {
            tracing::warn!(
                open = pool.size(),
                "connections were still in use when the database closed; each closes as its work ends"
            );
            return;
        }
        // sqlx tells no one when a connection on its way back arrives.
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(std::time::Duration::from_millis(50));
    }
}

/// How a SQLite write transaction begins: taking the write lock at once.
const SQLITE_BEGIN_WRITE: &str = "BEGIN IMMEDIATE";

/// How long an operation waits for a connection before it says the
/// database is unavailable. A stopped server refuses at once, but sqlx tries
/// a refused connection again until this deadline: it is what a packer
/// waits to hear that the server is down, so under 2 s on PostgreSQL (time
/// enough for a new connection over a warehouse network). Only the wait for
/// a connection is limited, not a long query or migration. A SQLite file is
/// never out of reach: a wait there means every connection is busy writing.
fn acquire_timeout(engine: Engine) -> std::time::Duration {
    match engine {
        Engine::Postgres => std::time::Duration::from_millis(1500),
        Engine::Sqlite => std::time::Duration::from_secs(6),
    }
}

type ConnectHook = for<'c> fn(
    &'c mut AnyConnection,
    sqlx::pool::PoolConnectionMetadata,
) -> Pin<Box<dyn Future<Output = sqlx::Result<()>> + Send + 'c>>;

// WAL lets readers work while a station writes; the busy timeout makes a
// second process wait its turn instead of failing. Plain fn items rather than
// closures: rustc cannot prove a closure's future general over the lifetime.
fn sqlite_hook<const FULL: bool, const BACKGROUND_CHECKPOINT: bool>(
    conn: &mut AnyConnection,
    _meta: sqlx::pool::PoolConnectionMetadata,
) -> Pin<Box<dyn Future<Output = sqlx::Result<()>> + Send + '_>> {
    let synchronous = if FULL { "FULL" } else { "NORMAL" };
    Box::pin(apply_pragmas(conn, synchronous, BACKGROUND_CHECKPOINT))
}

async fn apply_pragmas(
    conn: &mut AnyConnection,
    synchronous: &'static str,
    background_checkpoint: bool,
) -> sqlx::Result<()> {
    if conn.backend_name() != "SQLite" {
        return Ok(());
    }
    sqlx::query("PRAGMA journal_mode = WAL")
        .execute(&mut *conn)
        .await?;
    let sync = if synchronous == "FULL" {
        "PRAGMA synchronous = FULL"
    } else {
        "PRAGMA synchronous = NORMAL"
    };
    sqlx::query(sync).execute(&mut *conn).await?;
    sqlx::query("PRAGMA foreign_keys = ON")
        .execute(&mut *conn)
        .await?;
    sqlx::query("PRAGMA busy_timeout = 10000")
        .execute(&mut *conn)
        .await?;
    // Checkpoints run in the background (checkpoint.rs), not in whichever
    // commit crosses the threshold.
    if background_checkpoint {
        sqlx::query("PRAGMA wal_autocheckpoint = 0")
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Stored data that cannot be read as what it should be: an error naming
/// where it is, never a silent default.
pub(crate) fn bad_stored(column: &str, why: String) -> Error {
    Error::Damaged(format!("{column}: {why}"))
}

/// Two writers raced to insert the same unique value (a client scan id
/// sent twice at once): the loser may read the winner's row.
pub fn is_unique_violation(e: &Error) -> bool {
    matches!(e, Error::Storage(sqlx::Error::Database(d)) if d.is_unique_violation())
}

/// Creates a database on the PostgreSQL server unless it exists (for tests
/// and benchmarks that need a database of their own).
pub async fn create_database_if_missing(store: &Store, name: &str) -> Result<()> {
    if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return Err(crate::Error::Invalid(format!(
            "{name:?} is not a plain database name"
        )));
    }
    let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pg_database WHERE datname = $1")
        .bind(name)
        .fetch_one(store.pool())
        .await?;
    if exists == 0 {
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(store.pool())
            .await?;
    }
    Ok(())
}

/// Rows of `width` bound values per multi-row INSERT: a thousand values
/// per statement keeps the statements few and each quick to prepare on
/// both engines.
pub(crate) fn rows_per_statement(width: usize) -> usize {
    (1_000 / width).max(1)
}

/// How the SQL sent over a connection marks its bound values: `?` in
/// order on SQLite, `$n` on PostgreSQL. sqlx binds a named SQLite mark
/// (`$n`, `?n`) by asking SQLite the name of each parameter, and SQLite
/// walks the statement's list of names for each: a million steps per run
/// of a 1,000-value statement, a quarter of an import's time. Plain `?`
/// marks have no names and bind in order.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Marks {
    positional: bool,
}

impl Marks {
    pub(crate) fn of(conn: &AnyConnection) -> Self {
        Self {
            positional: conn.backend_name() == "SQLite",
        }
    }

    /// The mark of the `n`th bound value (from 1); with `?` marks the
    /// values are bound in the order their marks appear.
    pub(crate) fn nth(self, n: usize) -> std::borrow::Cow<'static, str> {
        if self.positional {
            "?".into()
        } else {
            format!("${n}").into()
        }
    }

    /// `rows` rows of `width` marks for a multi-row INSERT: `(?, ?), (?, ?)`
    /// or `($1, $2), ($3, $4)`.
    pub(crate) fn rows(self, rows: usize, width: usize) -> String {
        let mut sql = String::with_capacity(rows * width * 6);
        for r in 0..rows {
            sql.push_str(if r == 0 { "(" } else { ", (" });
            for k in 1..=width {
                if k > 1 {
                    sql.push_str(", ");
                }
                sql.push_str(&self.nth(r * width + k));
            }
            sql.push(')');
        }
        sql
    }
}

/// Whether a statement on `conn` marks a value compared with an indexed
/// column as `+$n` rather than `$n` (issue 12 item 8, the scan path).
/// SQLite as sqlx builds it (with STAT4) compiles a statement again on
/// every run when a bound value might change its plan and the file has
/// `sqlite_stat4` statistics (an `ANALYZE` made them, as the benchmark's
/// generator runs it): a join on `$n`, or an index that is not unique.
/// The unary `+` is a no-op on the value (same value, same affinity) that
/// the planner does not look into, so the plan stays put; the index is
/// still used. PostgreSQL prepares once and has no `+` for text.
pub(crate) fn stable_marks(conn: &AnyConnection) -> bool {
    conn.backend_name() == "SQLite"
}

/// `rows` rows of `width` marks for a multi-row INSERT on `conn` (see
/// [`Marks`]).
pub(crate) fn value_rows(conn: &AnyConnection, rows: usize, width: usize) -> String {
    Marks::of(conn).rows(rows, width)
}
