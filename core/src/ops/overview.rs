//! What the screens need around the orders: counts per status, recognising
//! an order number in a scan, the change feed, the database check.

use crate::domain::barcode;
use crate::domain::OrderStatus;
use crate::store::{DbTarget, Store};
use crate::Result;
use serde::Serialize;
use sqlx::Connection;
use sqlx::Row;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StatusCount {
    pub status: OrderStatus,
    pub count: i64,
    /// Orders that stayed in this status longer than its limit.
    pub overdue: i64,
}

/// Orders per status, and how many of them are overdue; every status is
/// listed, also with no orders.
pub async fn status_counts(store: &Store) -> Result<Vec<StatusCount>> {
    let now = store.now_ms();
    let rows = sqlx::query(
        "SELECT s.code, \
           (SELECT COUNT(*) FROM orders o WHERE o.status = s.code), \
           CASE WHEN s.max_minutes IS NULL THEN 0 ELSE \
             (SELECT COUNT(*) FROM orders o WHERE o.status = s.code \
                AND o.status_changed_at < $1 - s.max_minutes * 60000) END \
         FROM statuses s ORDER BY s.position",
    )
    .bind(now)
    .fetch_all(store.pool())
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let code: String = r.try_get(0)?;
        if let Ok(status) = OrderStatus::parse(&code) {
            out.push(StatusCount {
                status,
                count: r.try_get(1)?,
                overdue: r.try_get(2)?,
            });
        }
    }
    Ok(out)
}

/// The order number a scan names, if it names one: the code as printed on a
/// packing slip, with or without the shop's `#`.
pub async fn find_order(store: &Store, code: &str) -> Result<Option<String>> {
    let Ok(normalized) = barcode::normalize(code) else {
        return Ok(None);
    };
    let number = normalized.trim_start_matches('#');
    Ok(
        sqlx::query_scalar("SELECT number FROM orders WHERE number = $1")
            .bind(number)
            .fetch_optional(store.pool())
            .await?,
    )
}

/// Carriers offered at hand-over, most used first in Russian shops.
pub fn carriers() -> Vec<String> {
    [
        "СДЭК",
        "Почта России",
        "Boxberry",
        "DPD",
        "Яндекс Доставка",
        "Деловые Линии",
        "DHL Express",
        "UPS",
        "Самовывоз",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// No orders yet: the app offers the demo warehouse.
pub async fn is_empty(store: &Store) -> Result<bool> {
    let any: Option<i64> = sqlx::query_scalar("SELECT id FROM orders LIMIT 1")
        .fetch_optional(store.pool())
        .await?;
    Ok(any.is_none())
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
    let events: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM events")
        .fetch_one(&mut *conn)
        .await?;
    let scans: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM scans")
        .fetch_one(&mut *conn)
        .await?;
    let next = ChangeCursor {
        started: true,
        events,
        scans,
    };
    if !cursor.started || (events == cursor.events && scans == cursor.scans) {
        return Ok((next, Vec::new()));
    }
    let numbers: Vec<String> = sqlx::query_scalar(
        "SELECT o.number FROM orders o WHERE o.id IN ( \
           SELECT order_id FROM events WHERE id > $1 AND id <= $2 AND order_id IS NOT NULL \
           UNION SELECT order_id FROM scans WHERE id > $3 AND id <= $4) \
         ORDER BY o.number LIMIT 1000",
    )
    .bind(cursor.events)
    .bind(events)
    .bind(cursor.scans)
    .bind(scans)
    .fetch_all(&mut *conn)
    .await?;
    Ok((next, numbers))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DbTest {
    pub ok: bool,
    pub engine: Option<String>,
    pub message: String,
}

/// Checks that a database setting would work, without changing anything
/// there (no file is created, no migration runs).
pub async fn test_database(setting: &str) -> DbTest {
    let target = if setting.trim().is_empty() {
        DbTarget::from_env_or_default()
    } else {
        DbTarget::parse(setting)
    };
    let target = match target {
        Ok(t) => t,
        Err(e) => {
            return DbTest {
                ok: false,
                engine: None,
                message: e.to_string(),
            }
        }
    };
    let engine = Some(target.engine().name().to_string());
    match &target {
        DbTarget::SqliteFile(path) => {
            if path.exists() {
                DbTest {
                    ok: true,
                    engine,
                    message: format!("{} exists and will be opened", path.display()),
                }
            } else {
                let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
                match dir {
                    Some(d) if !d.exists() => DbTest {
                        ok: true,
                        engine,
                        message: format!(
                            "the folder {} will be created with a new database",
                            d.display()
                        ),
                    },
                    _ => DbTest {
                        ok: true,
                        engine,
                        message: format!("a new database will be created at {}", path.display()),
                    },
                }
            }
        }
        DbTarget::Postgres(url) => {
            sqlx::any::install_default_drivers();
            let connect = sqlx::AnyConnection::connect(url);
            match tokio::time::timeout(std::time::Duration::from_secs(5), connect).await {
                Err(_) => DbTest {
                    ok: false,
                    engine,
                    message: format!(
                        "{} did not answer within 5 seconds; check the address and the network",
                        target.describe()
                    ),
                },
                Ok(Err(e)) => DbTest {
                    ok: false,
                    engine,
                    message: format!("cannot connect to {}: {e}", target.describe()),
                },
                Ok(Ok(mut conn)) => {
                    let version: std::result::Result<String, _> =
                        sqlx::query_scalar("SELECT version()")
                            .fetch_one(&mut conn)
                            .await;
                    let _ = conn.close().await;
                    match version {
                        Ok(v) => DbTest {
                            ok: true,
                            engine,
                            message: format!(
                                "connected to {}: {}",
                                target.describe(),
                                v.split(" on ").next().unwrap_or(&v)
                            ),
                        },
                        Err(e) => DbTest {
                            ok: false,
                            engine,
                            message: format!("connected, but the server refused a query: {e}"),
                        },
                    }
                }
            }
        }
    }
}
