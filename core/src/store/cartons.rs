//! Cartons and box types. What is in a carton is the scan ledger's
//! (`scans.carton_id`): a carton's units are the sum of its scans.

use crate::domain::carton::{BoxType, Content};
use crate::domain::scan::ScanKind;
use crate::domain::time::Millis;
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::AnyConnection;

const BOX_COLUMNS: &str = "code, name, length_mm, width_mm, height_mm, tare_g, barcode";

/// The store's box types in use, by code.
pub async fn box_types(conn: &mut AnyConnection) -> Result<Vec<BoxType>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {BOX_COLUMNS} FROM box_types WHERE active = 1 ORDER BY code"
    ))
    .fetch_all(&mut *conn)
    .await?)
}

/// A box type by its code, or by the barcode printed on the box.
pub async fn box_type(conn: &mut AnyConnection, code_or_barcode: &str) -> Result<Option<BoxType>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {BOX_COLUMNS} FROM box_types WHERE active = 1 AND (code = $1 OR barcode = $1) \
         ORDER BY code LIMIT 1"
    ))
    .bind(code_or_barcode)
    .fetch_optional(&mut *conn)
    .await?)
}

/// Adds a box type or changes one (by code).
pub async fn save_box_type(conn: &mut AnyConnection, b: &BoxType) -> Result<()> {
    sqlx::query(
        "INSERT INTO box_types (code, name, length_mm, width_mm, height_mm, tare_g, barcode, active) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 1) \
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, length_mm = excluded.length_mm, \
         width_mm = excluded.width_mm, height_mm = excluded.height_mm, tare_g = excluded.tare_g, \
         barcode = excluded.barcode, active = 1",
    )
    .bind(b.code.trim())
    .bind(b.name.trim())
    .bind(b.length_mm)
    .bind(b.width_mm)
    .bind(b.height_mm)
    .bind(b.tare_g)
    .bind(b.barcode.as_deref().map(str::trim).filter(|s| !s.is_empty()))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The next SSCC serial reference of a company prefix (with its extension
/// digit), from 1; kept in the caller's transaction so two stations never
/// get the same one.
pub async fn next_sscc_serial(conn: &mut AnyConnection, key: &str) -> Result<u64> {
    let next: i64 = sqlx::query_scalar(
        "INSERT INTO sscc_serials (prefix, next) VALUES ($1, 1) \
         ON CONFLICT (prefix) DO UPDATE SET next = sscc_serials.next + 1 RETURNING next",
    )
    .bind(key)
    .fetch_one(&mut *conn)
    .await?;
    u64::try_from(next)
        .map_err(|_| super::bad_stored("sscc_serials.next", format!("{next} is negative")))
}

/// One carton of an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Carton {
    pub id: i64,
    pub order_id: i64,
    /// 1, 2, 3... within the order.
    pub seq: i64,
    pub sscc: Option<String>,
    pub box_type: String,
    pub station: String,
    pub opened_by: String,
    #[sqlx(try_from = "Millis")]
    pub opened_at: DateTime<Utc>,
    pub closed_by: Option<String>,
    #[sqlx(try_from = "crate::domain::time::MaybeMillis")]
    pub closed_at: Option<DateTime<Utc>>,
    pub weight_g: Option<i64>,
    pub expected_g: Option<i64>,
    pub weight_note: Option<String>,
    pub approved_by: Option<String>,
    /// Units in it now (the sum of its scans).
    pub units: i64,
    /// The carrier's tracking number, once it shipped.
    pub tracking_number: Option<String>,
    pub shipment_id: Option<i64>,
}

const CARTON_COLUMNS: &str = "c.id, c.order_id, c.seq, c.sscc, c.box_type, c.station, c.opened_by, \
    c.opened_at, c.closed_by, c.closed_at, c.weight_g, c.expected_g, c.weight_note, c.approved_by, \
    CAST(COALESCE((SELECT SUM(s.units) FROM scans s WHERE s.carton_id = c.id), 0) AS BIGINT) AS units, \
    c.tracking_number, c.shipment_id";

/// The order's cartons, first first.
pub async fn of_order(conn: &mut AnyConnection, order_id: i64) -> Result<Vec<Carton>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {CARTON_COLUMNS} FROM cartons c WHERE c.order_id = $1 ORDER BY c.seq"
    ))
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// The order's open carton, if it has one.
pub async fn open_one(conn: &mut AnyConnection, order_id: i64) -> Result<Option<Carton>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {CARTON_COLUMNS} FROM cartons c WHERE c.order_id = $1 AND c.closed_at IS NULL"
    ))
    .bind(order_id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// The id of the order's open carton, if it has one (the scan path: no
/// sums).
pub async fn open_id(conn: &mut AnyConnection, order_id: i64) -> Result<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM cartons WHERE order_id = $1 AND closed_at IS NULL")
            .bind(order_id)
            .fetch_optional(&mut *conn)
            .await?,
    )
}

/// Opens the order's next carton; its id and number.
pub async fn open(
    conn: &mut AnyConnection,
    order_id: i64,
    box_type: &str,
    sscc: Option<&str>,
    station: &str,
    user: &str,
    now_ms: i64,
) -> Result<Carton> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO cartons (order_id, seq, sscc, box_type, station, opened_by, opened_at) \
         VALUES ($1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM cartons WHERE order_id = $1), \
         $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(order_id)
    .bind(sscc)
    .bind(box_type)
    .bind(station)
    .bind(user)
    .bind(now_ms)
    .fetch_one(&mut *conn)
    .await?;
    by_id(conn, id).await
}

pub async fn by_id(conn: &mut AnyConnection, id: i64) -> Result<Carton> {
    sqlx::query_as(&format!(
        "SELECT {CARTON_COLUMNS} FROM cartons c WHERE c.id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| Error::not_found("carton", id.to_string()))
}

/// Changes an empty open carton's box (the packer scanned another box).
pub async fn set_box(conn: &mut AnyConnection, id: i64, box_type: &str) -> Result<()> {
    sqlx::query("UPDATE cartons SET box_type = $1 WHERE id = $2 AND closed_at IS NULL")
        .bind(box_type)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// What a carton holds, per product: SKU, weight per unit, units.
pub async fn contents(conn: &mut AnyConnection, carton_id: i64) -> Result<Vec<Content>> {
    let rows: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT l.sku, CAST(COALESCE(MAX(p.weight_g), 0) AS BIGINT), CAST(SUM(s.units) AS BIGINT) \
         FROM scans s JOIN order_lines l ON l.id = s.line_id \
         LEFT JOIN products p ON p.id = l.product_id \
         WHERE s.carton_id = $1 AND s.outcome IN ($2, $3) \
         GROUP BY l.sku ORDER BY l.sku",
    )
    .bind(carton_id)
    .bind(ScanKind::Accepted)
    .bind(ScanKind::Undo)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .filter(|(_, _, units)| *units > 0)
        .map(|(sku, unit_weight_g, units)| Content {
            sku,
            unit_weight_g,
            units,
        })
        .collect())
}

/// What closing a carton writes.
pub struct Closing<'a> {
    pub user: &'a str,
    pub at_ms: i64,
    pub weight_g: Option<i64>,
    pub expected_g: Option<i64>,
    pub note: Option<&'a str>,
    pub approved_by: Option<&'a str>,
}

/// Closes an open carton; false when it was closed meanwhile.
pub async fn close(conn: &mut AnyConnection, id: i64, c: &Closing<'_>) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE cartons SET closed_by = $1, closed_at = $2, weight_g = $3, expected_g = $4, \
         weight_note = $5, approved_by = $6 WHERE id = $7 AND closed_at IS NULL",
    )
    .bind(c.user)
    .bind(c.at_ms)
    .bind(c.weight_g)
    .bind(c.expected_g)
    .bind(c.note)
    .bind(c.approved_by)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Opens the order's last carton again (a packed box taken apart): its
/// weight is weighed again when it closes. Its number, or None when the
/// order has no carton or one is open.
pub async fn reopen_last(conn: &mut AnyConnection, order_id: i64) -> Result<Option<i64>> {
    if open_one(conn, order_id).await?.is_some() {
        return Ok(None);
    }
    let last: Option<(i64, i64)> =
        sqlx::query_as("SELECT id, seq FROM cartons WHERE order_id = $1 ORDER BY seq DESC LIMIT 1")
            .bind(order_id)
            .fetch_optional(&mut *conn)
            .await?;
    let Some((id, seq)) = last else {
        return Ok(None);
    };
    sqlx::query(
        "UPDATE cartons SET closed_by = NULL, closed_at = NULL, weight_g = NULL, expected_g = NULL, \
         weight_note = NULL, approved_by = NULL WHERE id = $1",
    )
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(Some(seq))
}
