//! Cycle counts: a bin counted by scanning, then approved or cancelled.
//! What was counted is the sum of the count's scans.

use crate::domain::Actor;
use crate::Result;
use serde::Serialize;
use sqlx::AnyConnection;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CountHead {
    pub id: i64,
    pub bin: String,
    /// open, approved or cancelled
    pub state: String,
    pub started_by: String,
    pub station: String,
    pub started_at: i64,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
}

const HEAD: &str =
    "SELECT id, bin, state, started_by, station, started_at, decided_by, decided_at \
                    FROM stock_counts";

pub async fn open_for_bin(conn: &mut AnyConnection, bin: &str) -> Result<Option<CountHead>> {
    Ok(
        sqlx::query_as(&format!("{HEAD} WHERE bin = $1 AND state = 'open'"))
            .bind(bin)
            .fetch_optional(&mut *conn)
            .await?,
    )
}

pub async fn by_id(conn: &mut AnyConnection, id: i64) -> Result<Option<CountHead>> {
    Ok(sqlx::query_as(&format!("{HEAD} WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?)
}

pub async fn start(conn: &mut AnyConnection, bin: &str, actor: &Actor, now_ms: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO stock_counts (bin, state, started_by, station, started_at) \
         VALUES ($1, 'open', $2, $3, $4) RETURNING id",
    )
    .bind(bin)
    .bind(&actor.user)
    .bind(&actor.station)
    .bind(now_ms)
    .fetch_one(&mut *conn)
    .await?)
}

/// Closes an open count as `state`; false when it was no longer open.
pub async fn decide(
    conn: &mut AnyConnection,
    id: i64,
    state: &str,
    by: &str,
    now_ms: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE stock_counts SET state = $1, decided_by = $2, decided_at = $3 \
         WHERE id = $4 AND state = 'open'",
    )
    .bind(state)
    .bind(by)
    .bind(now_ms)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The count scan recorded under `scan_id` before, as (count, product, units).
pub async fn scan_of(conn: &mut AnyConnection, scan_id: &str) -> Result<Option<(i64, i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT count_id, product_id, units FROM stock_count_scans WHERE scan_id = $1",
    )
    .bind(scan_id)
    .fetch_optional(&mut *conn)
    .await?)
}

pub struct CountScan<'a> {
    pub scan_id: &'a str,
    pub count_id: i64,
    pub product_id: i64,
    pub units: i64,
    pub code: &'a str,
}

pub async fn add_scan(
    conn: &mut AnyConnection,
    s: &CountScan<'_>,
    actor: &Actor,
    now_ms: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO stock_count_scans (scan_id, count_id, product_id, units, code, at, user_name, station) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(s.scan_id)
    .bind(s.count_id)
    .bind(s.product_id)
    .bind(s.units)
    .bind(s.code)
    .bind(now_ms)
    .bind(&actor.user)
    .bind(&actor.station)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Units counted per product: (product id, SKU, name, units).
pub async fn counted(conn: &mut AnyConnection, id: i64) -> Result<Vec<(i64, String, String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT c.product_id, p.sku, p.name, CAST(SUM(c.units) AS BIGINT) \
         FROM stock_count_scans c JOIN products p ON p.id = c.product_id \
         WHERE c.count_id = $1 GROUP BY c.product_id, p.sku, p.name",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?)
}
