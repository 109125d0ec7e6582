//! A database setting looked at before a station switches to it, without
//! changing anything there (no file made, no migration run): whether it
//! answers, the engine's version, how far Packbench's schema is applied,
//! and whether people already work in it. `ops::probe_database` says what
//! that means for the station.

use super::{DbTarget, Engine, POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS};
use crate::error::DiskTrouble;
use sqlx::postgres::PgConnectOptions;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};
use std::str::FromStr;
use std::time::Duration;

/// What a database that answered holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    /// "PostgreSQL 15.8" or "SQLite 3.46.0".
    pub version: String,
    /// The schema steps applied to it (successfully), oldest first; empty:
    /// none (a new database, or one Packbench never worked in).
    pub applied: Vec<i64>,
    /// A schema step was started and failed: the database is half-changed.
    pub failed_step: Option<i64>,
    /// Rows in `users` and `orders`; 0 without those tables.
    pub people: i64,
    pub orders: i64,
    /// The connecting user may create tables there (PostgreSQL: CREATE on
    /// the current schema; SQLite: always).
    pub may_create: bool,
    /// The user the server knows the station as (PostgreSQL).
    pub user: Option<String>,
}

/// Why a setting could not be looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trouble {
    /// Not a URL or path a driver reads.
    BadSetting,
    /// Nothing listens at that address and port.
    Refused,
    /// The server's name is not known.
    UnknownHost,
    /// Another network failure on the way.
    Unreachable,
    /// The server turned the user away: wrong password, no such role, or
    /// not allowed to connect from here.
    AuthFailed,
    /// The server has no database of that name.
    NoDatabase,
    /// The SQLite file is damaged or is not a database.
    Damaged,
    /// The path names a folder, not a file.
    Folder,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Look {
    /// The SQLite file does not exist: switching makes it.
    NoFile,
    Found(Facts),
    /// Nothing within the time limit.
    Silent,
    /// With the driver's (or file system's) own words.
    Failed(Trouble, String),
}

/// The schema steps this build applies on `engine`, oldest first.
pub fn known_steps(engine: Engine) -> Vec<i64> {
    let migrator = match engine {
        Engine::Sqlite => &SQLITE_MIGRATIONS,
        Engine::Postgres => &POSTGRES_MIGRATIONS,
    };
    migrator
        .iter()
        .filter(|m| !m.migration_type.is_down_migration())
        .map(|m| m.version)
        .collect()
}

/// Looks at `target` within `limit`, reading only.
pub async fn look(target: &DbTarget, limit: Duration) -> Look {
    match tokio::time::timeout(limit, look_now(target)).await {
        Ok(look) => look,
        Err(_) => Look::Silent,
    }
}

async fn look_now(target: &DbTarget) -> Look {
    match target {
        DbTarget::SqliteFile(path) => {
            if path.is_dir() {
                return Look::Failed(Trouble::Folder, format!("{} is a folder", path.display()));
            }
            if !path.exists() {
                return Look::NoFile;
            }
            let options = SqliteConnectOptions::new()
                .filename(path)
                .read_only(true)
                .create_if_missing(false);
            let mut conn = match options.connect().await {
                Ok(c) => c,
                Err(e) => return failed(e),
            };
            let facts = sqlite_facts(&mut conn).await;
            let _ = conn.close().await;
            facts.map_or_else(failed, Look::Found)
        }
        DbTarget::Postgres(url) => {
            let options = match PgConnectOptions::from_str(url) {
                Ok(o) => o,
                Err(e) => return Look::Failed(Trouble::BadSetting, e.to_string()),
            };
            let mut conn = match options.connect().await {
                Ok(c) => c,
                Err(e) => return failed(e),
            };
            let facts = postgres_facts(&mut conn).await;
            let _ = conn.close().await;
            facts.map_or_else(failed, Look::Found)
        }
    }
}

async fn sqlite_facts(conn: &mut sqlx::SqliteConnection) -> sqlx::Result<Facts> {
    let version: String = sqlx::query_scalar("SELECT sqlite_version()")
        .fetch_one(&mut *conn)
        .await?;
    let has = |table: &'static str| {
        sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $1",
        )
        .bind(table)
    };
    let mut facts = Facts {
        version: format!("SQLite {version}"),
        applied: Vec::new(),
        failed_step: None,
        people: 0,
        orders: 0,
        may_create: true,
        user: None,
    };
    if has("_sqlx_migrations").fetch_one(&mut *conn).await? > 0 {
        let steps: Vec<(i64, bool)> =
            sqlx::query_as("SELECT version, success FROM _sqlx_migrations ORDER BY version")
                .fetch_all(&mut *conn)
                .await?;
        read_steps(&mut facts, steps);
    }
    if has("users").fetch_one(&mut *conn).await? > 0 {
        facts.people = sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&mut *conn)
            .await?;
    }
    if has("orders").fetch_one(&mut *conn).await? > 0 {
        facts.orders = sqlx::query_scalar("SELECT COUNT(*) FROM orders")
            .fetch_one(&mut *conn)
            .await?;
    }
    Ok(facts)
}

async fn postgres_facts(conn: &mut sqlx::PgConnection) -> sqlx::Result<Facts> {
    let (version, user, may_create): (String, String, bool) = sqlx::query_as(
        "SELECT current_setting('server_version'), current_user::text, \
         COALESCE(has_schema_privilege(current_schema(), 'CREATE'), false)",
    )
    .fetch_one(&mut *conn)
    .await?;
    // "15.8 (Debian 15.8-0+deb12u1)": the number is what a person compares.
    let number = version.split_whitespace().next().unwrap_or(&version);
    let has = |table: &'static str| {
        sqlx::query_scalar::<_, bool>("SELECT to_regclass($1) IS NOT NULL").bind(table)
    };
    let mut facts = Facts {
        version: format!("PostgreSQL {number}"),
        applied: Vec::new(),
        failed_step: None,
        people: 0,
        orders: 0,
        may_create,
        user: Some(user),
    };
    if has("_sqlx_migrations").fetch_one(&mut *conn).await? {
        let steps: Vec<(i64, bool)> =
            sqlx::query_as("SELECT version, success FROM _sqlx_migrations ORDER BY version")
                .fetch_all(&mut *conn)
                .await?;
        read_steps(&mut facts, steps);
    }
    if has("users").fetch_one(&mut *conn).await? {
        facts.people = sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&mut *conn)
            .await?;
    }
    if has("orders").fetch_one(&mut *conn).await? {
        facts.orders = sqlx::query_scalar("SELECT COUNT(*) FROM orders")
            .fetch_one(&mut *conn)
            .await?;
    }
    Ok(facts)
}

fn read_steps(facts: &mut Facts, steps: Vec<(i64, bool)>) {
    for (version, success) in steps {
        if success {
            facts.applied.push(version);
        } else {
            facts.failed_step = Some(version);
        }
    }
}

/// Sorts a driver's failure into what a person can do about it.
fn failed(e: sqlx::Error) -> Look {
    let words = e.to_string();
    if let Some(DiskTrouble::Corrupt(_)) = DiskTrouble::of(&e) {
        return Look::Failed(Trouble::Damaged, words);
    }
    let trouble = match &e {
        sqlx::Error::Configuration(_) => Trouble::BadSetting,
        sqlx::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            Trouble::Refused
        }
        sqlx::Error::Io(io) if io.to_string().contains("lookup address") => Trouble::UnknownHost,
        sqlx::Error::Io(_) | sqlx::Error::Tls(_) => Trouble::Unreachable,
        sqlx::Error::Database(d) => match d.code().as_deref() {
            // invalid_password; invalid_authorization_specification (no
            // such role, pg_hba.conf turns it away); insufficient_privilege
            // (no CONNECT on the database).
            Some("28P01" | "28000" | "42501") => Trouble::AuthFailed,
            // invalid_catalog_name
            Some("3D000") => Trouble::NoDatabase,
            _ => Trouble::Other,
        },
        _ => Trouble::Other,
    };
    Look::Failed(trouble, words)
}

/// Where a PostgreSQL URL points, to name in a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub database: String,
}

/// The server, user and database a PostgreSQL URL names; None when it is
/// not one a driver reads.
pub fn server_of(url: &str) -> Option<Server> {
    let o = PgConnectOptions::from_str(url).ok()?;
    Some(Server {
        host: o.get_host().to_string(),
        port: o.get_port(),
        user: o.get_username().to_string(),
        database: o.get_database().unwrap_or(o.get_username()).to_string(),
    })
}
