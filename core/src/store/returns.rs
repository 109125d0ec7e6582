//! Returns and their lines.

use crate::domain::Actor;
use crate::Result;
use serde::Serialize;
use sqlx::AnyConnection;

pub struct NewReturn<'a> {
    pub order_id: i64,
    pub outcome: &'a str,
    pub refund_minor: i64,
    pub note: &'a str,
}

pub async fn insert(
    conn: &mut AnyConnection,
    r: &NewReturn<'_>,
    actor: &Actor,
    now_ms: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO returns (order_id, outcome, refund_minor, note, received_at, received_by, station) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(r.order_id)
    .bind(r.outcome)
    .bind(r.refund_minor)
    .bind(r.note)
    .bind(now_ms)
    .bind(&actor.user)
    .bind(&actor.station)
    .fetch_one(&mut *conn)
    .await?)
}

/// A return's own row: (order id, outcome, refund, note, received at ms,
/// the exchange's order number).
pub async fn head(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<(i64, String, i64, String, i64, Option<String>)>> {
    Ok(sqlx::query_as(
        "SELECT r.order_id, r.outcome, r.refund_minor, r.note, r.received_at, x.number \
         FROM returns r LEFT JOIN orders x ON x.id = r.exchange_order_id WHERE r.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?)
}

pub async fn set_refund(conn: &mut AnyConnection, id: i64, refund_minor: i64) -> Result<()> {
    sqlx::query("UPDATE returns SET refund_minor = $1 WHERE id = $2")
        .bind(refund_minor)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Links a return to its exchange's replacement order.
pub async fn set_exchange(conn: &mut AnyConnection, id: i64, order_id: i64) -> Result<()> {
    sqlx::query("UPDATE returns SET exchange_order_id = $1 WHERE id = $2")
        .bind(order_id)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub struct NewLine<'a> {
    pub return_id: i64,
    pub line_id: i64,
    pub product_id: i64,
    pub units: i64,
    pub condition: &'a str,
    pub bin: Option<&'a str>,
    pub reason: &'a str,
    pub marking_code: Option<&'a str>,
}

pub async fn insert_line(conn: &mut AnyConnection, l: &NewLine<'_>, now_ms: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO return_lines (return_id, line_id, product_id, units, condition, bin, reason, marking_code, received_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(l.return_id)
    .bind(l.line_id)
    .bind(l.product_id)
    .bind(l.units)
    .bind(l.condition)
    .bind(l.bin)
    .bind(l.reason)
    .bind(l.marking_code)
    .bind(now_ms)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Units of each order line that came back already: (line id, units).
pub async fn returned_per_line(conn: &mut AnyConnection, order_id: i64) -> Result<Vec<(i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT l.line_id, CAST(SUM(l.units) AS BIGINT) FROM return_lines l \
         JOIN returns r ON r.id = l.return_id WHERE r.order_id = $1 GROUP BY l.line_id",
    )
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// Whether this marking code came back from order `order_id` already.
pub async fn marking_returned(conn: &mut AnyConnection, order_id: i64, code: &str) -> Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM return_lines l JOIN returns r ON r.id = l.return_id \
         WHERE r.order_id = $1 AND l.marking_code = $2",
    )
    .bind(order_id)
    .bind(code)
    .fetch_one(&mut *conn)
    .await?;
    Ok(n > 0)
}

/// One returned line, for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReturnedLine {
    pub sku: String,
    pub name: String,
    pub units: i64,
    pub condition: String,
    pub bin: Option<String>,
    pub reason: String,
    pub marking_code: Option<String>,
}

pub async fn lines_of(conn: &mut AnyConnection, return_id: i64) -> Result<Vec<ReturnedLine>> {
    Ok(sqlx::query_as(
        "SELECT p.sku, p.name, l.units, l.condition, l.bin, l.reason, l.marking_code \
         FROM return_lines l JOIN products p ON p.id = l.product_id WHERE l.return_id = $1 ORDER BY l.id",
    )
    .bind(return_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// The order a returned parcel names: its number, a tracking number of the
/// order or of one of its cartons, or a carton's SSCC.
pub async fn order_for(conn: &mut AnyConnection, text: &str) -> Result<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT o.number FROM orders o WHERE o.number = $1 \
         UNION ALL SELECT o.number FROM cartons c JOIN orders o ON o.id = c.order_id \
           WHERE c.tracking_number = $1 OR c.sscc = $1 \
         UNION ALL SELECT o.number FROM orders o WHERE o.tracking_number = $1 \
         LIMIT 1",
    )
    .bind(text)
    .fetch_optional(&mut *conn)
    .await?)
}
