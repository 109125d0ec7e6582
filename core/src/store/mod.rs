//! Storage: one schema on two engines through sqlx's `Any` driver.
//!
//! SQL is written once with `$1` placeholders, which both SQLite and
//! PostgreSQL accept; integers are 64-bit everywhere, times are UTC
//! milliseconds, booleans are not used. Where the engines differ (schema,
//! search), the code asks [`Store::engine`].

pub mod bulk;
mod open;
pub mod orders;
pub mod products;
pub mod scans;

pub use open::{default_sqlite_path, DbTarget};

use crate::clock::{Clock, SystemClock};
use crate::domain::{OrderStatus, TransitionMatrix};
use crate::Result;
use chrono::{DateTime, Utc};
use sqlx::any::AnyPoolOptions;
use sqlx::{Any, AnyConnection, AnyPool, Row, Transaction};
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
}

impl Default for OpenOptions {
    fn default() -> Self {
        Self {
            durability: Durability::Normal,
            max_connections: 8,
        }
    }
}

#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    engine: Engine,
    clock: Arc<dyn Clock>,
    described: String,
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
        let pool = AnyPoolOptions::new()
            .max_connections(options.max_connections)
            // An unreachable server is reported within seconds, not after
            // sqlx's default 30 s; a long migration is not cut off by this.
            .acquire_timeout(std::time::Duration::from_secs(6))
            .after_connect(match options.durability {
                Durability::Normal => sqlite_normal as ConnectHook,
                Durability::Full => sqlite_full as ConnectHook,
            })
            .connect(&url)
            .await
            .map_err(|e| open::explain_connect_error(target, e))?;
        match engine {
            Engine::Sqlite => SQLITE_MIGRATIONS.run(&pool).await?,
            Engine::Postgres => POSTGRES_MIGRATIONS.run(&pool).await?,
        }
        Ok(Store {
            pool,
            engine,
            clock: Arc::new(SystemClock),
            described: target.describe(),
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
            Engine::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Engine::Postgres => self.pool.begin().await?,
        })
    }

    /// A read transaction (a consistent snapshot on both engines).
    pub async fn read(&self) -> Result<Tx> {
        Ok(self.pool.begin().await?)
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

type ConnectHook = for<'c> fn(
    &'c mut AnyConnection,
    sqlx::pool::PoolConnectionMetadata,
) -> Pin<Box<dyn Future<Output = sqlx::Result<()>> + Send + 'c>>;

// WAL lets readers work while a station writes; the busy timeout makes a
// second process wait its turn instead of failing. Plain fn items rather than
// closures: rustc cannot prove a closure's future general over the lifetime.
fn sqlite_normal(
    conn: &mut AnyConnection,
    _meta: sqlx::pool::PoolConnectionMetadata,
) -> Pin<Box<dyn Future<Output = sqlx::Result<()>> + Send + '_>> {
    Box::pin(apply_pragmas(conn, "NORMAL"))
}

fn sqlite_full(
    conn: &mut AnyConnection,
    _meta: sqlx::pool::PoolConnectionMetadata,
) -> Pin<Box<dyn Future<Output = sqlx::Result<()>> + Send + '_>> {
    Box::pin(apply_pragmas(conn, "FULL"))
}

async fn apply_pragmas(conn: &mut AnyConnection, synchronous: &'static str) -> sqlx::Result<()> {
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
    Ok(())
}

/// The transition matrix as the database holds it now (the store may have
/// restricted it), read inside the caller's transaction.
pub async fn transition_matrix(conn: &mut AnyConnection) -> Result<TransitionMatrix> {
    let rows = sqlx::query("SELECT from_status, to_status FROM status_transitions")
        .fetch_all(&mut *conn)
        .await?;
    let mut pairs = Vec::with_capacity(rows.len());
    for row in rows {
        let from: String = row.try_get(0)?;
        let to: String = row.try_get(1)?;
        // A status code the code does not know (renamed by hand) is skipped
        // rather than failing every transition.
        if let (Ok(f), Ok(t)) = (OrderStatus::parse(&from), OrderStatus::parse(&to)) {
            pairs.push((f, t));
        }
    }
    Ok(TransitionMatrix::from_pairs(pairs))
}

/// Appends an event row: who, where, what, before and after.
pub async fn record_event(
    conn: &mut AnyConnection,
    order_id: Option<i64>,
    at_ms: i64,
    actor: &crate::ops::Actor,
    kind: &str,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO events (order_id, at, user_name, station, kind, before_state, after_state) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(order_id)
    .bind(at_ms)
    .bind(&actor.user)
    .bind(&actor.station)
    .bind(kind)
    .bind(before.map(|v| v.to_string()))
    .bind(after.map(|v| v.to_string()))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub fn ms_to_time(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// How many orders the database holds.
pub async fn count_orders(store: &Store) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM orders")
        .fetch_one(store.pool())
        .await?)
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
