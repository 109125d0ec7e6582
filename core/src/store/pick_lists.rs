//! Pick lists, the orders they serve and their lines per product and bin.

use crate::domain::time::Millis;
use crate::domain::{Actor, PickLine, PickList, PickListStatus};
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::AnyConnection;
use std::collections::BTreeMap;

#[derive(sqlx::FromRow)]
struct Head {
    id: i64,
    status: PickListStatus,
    #[sqlx(try_from = "Millis")]
    created_at: DateTime<Utc>,
    created_by: String,
}

#[derive(sqlx::FromRow)]
struct LineRow {
    id: i64,
    product_id: i64,
    bin: String,
    sku: String,
    name: String,
    barcode: Option<String>,
    quantity: i64,
    picked: i64,
    short: i64,
    short_reason: Option<String>,
}

/// The whole pick list: its orders, and its lines in walking order, each
/// with the orders that want its product.
pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<PickList> {
    let head: Head =
        sqlx::query_as("SELECT id, status, created_at, created_by FROM pick_lists WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or_else(|| Error::not_found("pick list", id.to_string()))?;
    let orders: Vec<String> = sqlx::query_scalar(
        "SELECT o.number FROM pick_list_orders p JOIN orders o ON o.id = p.order_id \
         WHERE p.pick_list_id = $1 ORDER BY o.id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let wanted: Vec<(i64, String)> = sqlx::query_as(
        "SELECT DISTINCT l.product_id, o.number FROM pick_list_orders p \
         JOIN order_lines l ON l.order_id = p.order_id JOIN orders o ON o.id = p.order_id \
         WHERE p.pick_list_id = $1 AND l.product_id IS NOT NULL",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let mut by_product: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for (product, number) in wanted {
        by_product.entry(product).or_default().push(number);
    }
    let rows: Vec<LineRow> = sqlx::query_as(
        "SELECT pl.id, pl.product_id, pl.bin, p.sku, p.name, \
           (SELECT MIN(b.code) FROM product_barcodes b WHERE b.product_id = p.id AND b.units = 1) AS barcode, \
           pl.quantity, pl.picked, pl.short, pl.short_reason \
         FROM pick_lines pl JOIN products p ON p.id = pl.product_id WHERE pl.pick_list_id = $1",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let lines = rows
        .into_iter()
        .map(|r| {
            let mut orders = by_product.get(&r.product_id).cloned().unwrap_or_default();
            orders.sort();
            PickLine {
                id: r.id,
                bin: r.bin,
                sku: r.sku,
                name: r.name,
                barcode: r.barcode,
                quantity: r.quantity,
                picked: r.picked,
                short: r.short,
                short_reason: r.short_reason,
                orders,
            }
        })
        .collect();
    let mut list = PickList {
        id: head.id,
        status: head.status,
        created_at: head.created_at,
        created_by: head.created_by,
        orders,
        lines,
    };
    list.sort_lines();
    Ok(list)
}

/// The list's state; not found when there is no such list.
pub async fn status(conn: &mut AnyConnection, id: i64) -> Result<PickListStatus> {
    sqlx::query_scalar("SELECT status FROM pick_lists WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| Error::not_found("pick list", id.to_string()))
}

/// A new, open and empty pick list.
pub async fn create(conn: &mut AnyConnection, actor: &Actor, now_ms: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO pick_lists (status, created_at, created_by, station) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(PickListStatus::Open)
    .bind(now_ms)
    .bind(&actor.user)
    .bind(&actor.station)
    .fetch_one(&mut *conn)
    .await?)
}

pub async fn add_order(conn: &mut AnyConnection, list_id: i64, order_id: i64) -> Result<()> {
    sqlx::query("INSERT INTO pick_list_orders (pick_list_id, order_id) VALUES ($1, $2)")
        .bind(list_id)
        .bind(order_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn add_line(
    conn: &mut AnyConnection,
    list_id: i64,
    product_id: i64,
    bin: &str,
    quantity: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO pick_lines (pick_list_id, product_id, bin, quantity, picked, short) VALUES ($1, $2, $3, $4, 0, 0)",
    )
    .bind(list_id)
    .bind(product_id)
    .bind(bin)
    .bind(quantity)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Counts picked units on a line if they fit; false when they do not
/// (another scan got there first).
pub async fn add_picked(conn: &mut AnyConnection, line_id: i64, units: i64) -> Result<bool> {
    let updated = sqlx::query(
        "UPDATE pick_lines SET picked = picked + $1 WHERE id = $2 AND picked + short + $1 <= quantity",
    )
    .bind(units)
    .bind(line_id)
    .execute(&mut *conn)
    .await?;
    Ok(updated.rows_affected() == 1)
}

pub async fn record_short(
    conn: &mut AnyConnection,
    line_id: i64,
    short: i64,
    reason: &str,
) -> Result<()> {
    sqlx::query("UPDATE pick_lines SET short = $1, short_reason = $2 WHERE id = $3")
        .bind(short)
        .bind(reason)
        .bind(line_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn mark_done(conn: &mut AnyConnection, id: i64, now_ms: i64) -> Result<()> {
    sqlx::query("UPDATE pick_lists SET status = $1, completed_at = $2 WHERE id = $3")
        .bind(PickListStatus::Done)
        .bind(now_ms)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PickListSummary {
    pub id: i64,
    pub status: PickListStatus,
    #[sqlx(try_from = "Millis")]
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub orders: i64,
    pub lines: i64,
    pub units: i64,
    pub picked: i64,
}

/// Open pick lists and the most recent finished ones, newest first.
pub async fn summaries(conn: &mut AnyConnection) -> Result<Vec<PickListSummary>> {
    Ok(sqlx::query_as(
        "SELECT pl.id, pl.status, pl.created_at, pl.created_by, \
           (SELECT COUNT(*) FROM pick_list_orders o WHERE o.pick_list_id = pl.id) AS orders, \
           (SELECT COUNT(*) FROM pick_lines l WHERE l.pick_list_id = pl.id) AS lines, \
           (SELECT CAST(COALESCE(SUM(l.quantity), 0) AS BIGINT) FROM pick_lines l WHERE l.pick_list_id = pl.id) AS units, \
           (SELECT CAST(COALESCE(SUM(l.picked), 0) AS BIGINT) FROM pick_lines l WHERE l.pick_list_id = pl.id) AS picked \
         FROM pick_lists pl ORDER BY CASE WHEN pl.status = $1 THEN 0 ELSE 1 END, pl.id DESC LIMIT 50",
    )
    .bind(PickListStatus::Open)
    .fetch_all(&mut *conn)
    .await?)
}
