//! Stock per bin, reservations of orders, and the ledger of stock moves.

use crate::domain::stock::{FreeStock, MoveKind, StockAndSales};
use crate::domain::Actor;
use crate::Result;
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;

pub async fn ensure_bin(conn: &mut AnyConnection, bin: &str, now_ms: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO bins (code, created_at) VALUES ($1, $2) ON CONFLICT (code) DO NOTHING",
    )
    .bind(bin)
    .bind(now_ms)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The product's bins with stock nobody reserved.
pub async fn free_stock(conn: &mut AnyConnection, product_id: i64) -> Result<Vec<FreeStock>> {
    Ok(sqlx::query_as(
        "SELECT bin, on_hand - reserved AS free FROM stock WHERE product_id = $1 AND on_hand > reserved",
    )
    .bind(product_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// Reserves `qty` of the product in `bin` for the order.
pub async fn reserve(
    conn: &mut AnyConnection,
    order_id: i64,
    product_id: i64,
    bin: &str,
    qty: i64,
) -> Result<()> {
    sqlx::query("UPDATE stock SET reserved = reserved + $1 WHERE product_id = $2 AND bin = $3")
        .bind(qty)
        .bind(product_id)
        .bind(bin)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO reservations (order_id, product_id, bin, qty) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (order_id, product_id, bin) DO UPDATE SET qty = reservations.qty + excluded.qty",
    )
    .bind(order_id)
    .bind(product_id)
    .bind(bin)
    .bind(qty)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// One reservation of an order.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Reservation {
    pub product_id: i64,
    pub bin: String,
    pub qty: i64,
}

/// The bins and quantities `reservations` hold for one product, as stock a
/// take may use.
pub fn reserved_for(reservations: &[Reservation], product_id: i64) -> Vec<FreeStock> {
    reservations
        .iter()
        .filter(|r| r.product_id == product_id)
        .map(|r| FreeStock {
            bin: r.bin.clone(),
            free: r.qty,
        })
        .collect()
}

pub async fn reservations(conn: &mut AnyConnection, order_id: i64) -> Result<Vec<Reservation>> {
    Ok(sqlx::query_as(
        "SELECT product_id, bin, qty FROM reservations WHERE order_id = $1 ORDER BY product_id, bin",
    )
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// The orders holding reservations of the product in the bin, newest
/// order first: (order id, units).
pub async fn holders(
    conn: &mut AnyConnection,
    product_id: i64,
    bin: &str,
) -> Result<Vec<(i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT order_id, qty FROM reservations WHERE product_id = $1 AND bin = $2 \
         ORDER BY order_id DESC",
    )
    .bind(product_id)
    .bind(bin)
    .fetch_all(&mut *conn)
    .await?)
}

/// Lowers one reservation of an order by `qty` (gone at zero); the bin's
/// reserved count is the caller's ([`unreserve`]).
pub async fn reduce_reservation(
    conn: &mut AnyConnection,
    order_id: i64,
    product_id: i64,
    bin: &str,
    qty: i64,
) -> Result<()> {
    // Gone first: lowered first, a row could fall under `qty` and go too.
    sqlx::query(
        "DELETE FROM reservations WHERE order_id = $1 AND product_id = $2 AND bin = $3 AND qty <= $4",
    )
    .bind(order_id)
    .bind(product_id)
    .bind(bin)
    .bind(qty)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE reservations SET qty = qty - $1 WHERE order_id = $2 AND product_id = $3 AND bin = $4 AND qty > $1",
    )
    .bind(qty)
    .bind(order_id)
    .bind(product_id)
    .bind(bin)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Gives `qty` reserved units back to free stock in the bin.
pub async fn unreserve(
    conn: &mut AnyConnection,
    product_id: i64,
    bin: &str,
    qty: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE stock SET reserved = CASE WHEN reserved >= $1 THEN reserved - $1 ELSE 0 END \
         WHERE product_id = $2 AND bin = $3",
    )
    .bind(qty)
    .bind(product_id)
    .bind(bin)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Forgets the order's reservations (after their stock was given back or shipped).
pub async fn drop_reservations(conn: &mut AnyConnection, order_id: i64) -> Result<()> {
    sqlx::query("DELETE FROM reservations WHERE order_id = $1")
        .bind(order_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Takes `qty` units out of the bin, `reserved` of them from its reservations.
/// Counts `qty` more units in the bin (a correction found at shipment).
pub async fn add_on_hand(
    conn: &mut AnyConnection,
    product_id: i64,
    bin: &str,
    qty: i64,
) -> Result<()> {
    sqlx::query("UPDATE stock SET on_hand = on_hand + $1 WHERE product_id = $2 AND bin = $3")
        .bind(qty)
        .bind(product_id)
        .bind(bin)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Takes `qty` free (unreserved) units out of the bin; false, changing
/// nothing, when the bin has fewer free units (also when another station
/// took them a moment ago).
pub async fn take_free(
    conn: &mut AnyConnection,
    product_id: i64,
    bin: &str,
    qty: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE stock SET on_hand = on_hand - $1 \
         WHERE product_id = $2 AND bin = $3 AND on_hand - reserved >= $1",
    )
    .bind(qty)
    .bind(product_id)
    .bind(bin)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn take_out(
    conn: &mut AnyConnection,
    product_id: i64,
    bin: &str,
    qty: i64,
    reserved: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE stock SET on_hand = on_hand - $1, \
         reserved = CASE WHEN reserved >= $2 THEN reserved - $2 ELSE 0 END \
         WHERE product_id = $3 AND bin = $4",
    )
    .bind(qty)
    .bind(reserved)
    .bind(product_id)
    .bind(bin)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Makes sure the product has a stock row in the bin (at zero if new).
pub async fn ensure_stock_row(
    conn: &mut AnyConnection,
    product_id: i64,
    bin: &str,
    now_ms: i64,
) -> Result<()> {
    ensure_bin(conn, bin, now_ms).await?;
    sqlx::query(
        "INSERT INTO stock (product_id, bin, on_hand, reserved) VALUES ($1, $2, 0, 0) \
         ON CONFLICT (product_id, bin) DO NOTHING",
    )
    .bind(product_id)
    .bind(bin)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Sets the on-hand count of a product in a bin, recording the difference as
/// a stock move with its reason.
pub async fn set_on_hand(
    conn: &mut AnyConnection,
    product_id: i64,
    bin: &str,
    on_hand: i64,
    reason: &str,
    actor: &Actor,
    now_ms: i64,
) -> Result<()> {
    ensure_bin(conn, bin, now_ms).await?;
    let old: Option<i64> =
        sqlx::query_scalar("SELECT on_hand FROM stock WHERE product_id = $1 AND bin = $2")
            .bind(product_id)
            .bind(bin)
            .fetch_optional(&mut *conn)
            .await?;
    let delta = on_hand - old.unwrap_or(0);
    if old.is_none() {
        sqlx::query(
            "INSERT INTO stock (product_id, bin, on_hand, reserved) VALUES ($1, $2, $3, 0)",
        )
        .bind(product_id)
        .bind(bin)
        .bind(on_hand)
        .execute(&mut *conn)
        .await?;
    } else if delta != 0 {
        sqlx::query("UPDATE stock SET on_hand = $1 WHERE product_id = $2 AND bin = $3")
            .bind(on_hand)
            .bind(product_id)
            .bind(bin)
            .execute(&mut *conn)
            .await?;
    }
    if delta != 0 {
        let moved = StockMove::new(product_id, bin, delta, MoveKind::Import, reason);
        record_move(conn, &moved, actor, now_ms).await?;
    }
    Ok(())
}

/// One movement of stock, with its kind and reason ("import", "shipped",
/// an adjustment's reason code, ...).
#[derive(Debug, Clone, Copy)]
pub struct StockMove<'a> {
    pub product_id: i64,
    pub bin: &'a str,
    pub delta: i64,
    pub kind: MoveKind,
    pub reason: &'a str,
    pub order_id: Option<i64>,
    pub scan_id: Option<&'a str>,
    pub note: Option<&'a str>,
    pub count_id: Option<i64>,
}

impl<'a> StockMove<'a> {
    pub fn new(product_id: i64, bin: &'a str, delta: i64, kind: MoveKind, reason: &'a str) -> Self {
        StockMove {
            product_id,
            bin,
            delta,
            kind,
            reason,
            order_id: None,
            scan_id: None,
            note: None,
            count_id: None,
        }
    }
}

pub async fn record_move(
    conn: &mut AnyConnection,
    m: &StockMove<'_>,
    actor: &Actor,
    now_ms: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO stock_moves (product_id, bin, delta, reason, order_id, at, user_name, station, \
         kind, scan_id, note, count_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(m.product_id)
    .bind(m.bin)
    .bind(m.delta)
    .bind(m.reason)
    .bind(m.order_id)
    .bind(now_ms)
    .bind(&actor.user)
    .bind(&actor.station)
    .bind(m.kind.as_str())
    .bind(m.scan_id)
    .bind(m.note)
    .bind(m.count_id)
    .execute(&mut *conn)
    .await?;
    // The shops that sell the product hear of its new level (issue 15 item 1).
    super::shop_sync::stock_moved(conn, m.product_id, now_ms).await
}

/// Moves the stock row by `delta` and writes the ledger row: the one way
/// on hand changes outside shipping and import.
pub async fn book(
    conn: &mut AnyConnection,
    m: &StockMove<'_>,
    actor: &Actor,
    now_ms: i64,
) -> Result<()> {
    ensure_stock_row(conn, m.product_id, m.bin, now_ms).await?;
    add_on_hand(conn, m.product_id, m.bin, m.delta).await?;
    record_move(conn, m, actor, now_ms).await
}

/// The ledger rows a scan id wrote: (product, bin, delta).
pub async fn moves_of_scan(
    conn: &mut AnyConnection,
    scan_id: &str,
) -> Result<Vec<(i64, String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT product_id, bin, delta FROM stock_moves WHERE scan_id = $1 ORDER BY id",
    )
    .bind(scan_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// One product's stock in one bin (zeros when it has no row there).
pub async fn in_bin(conn: &mut AnyConnection, product_id: i64, bin: &str) -> Result<BinStock> {
    let row: Option<BinStock> = sqlx::query_as(
        "SELECT bin, on_hand, reserved FROM stock WHERE product_id = $1 AND bin = $2",
    )
    .bind(product_id)
    .bind(bin)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.unwrap_or(BinStock {
        bin: bin.to_string(),
        on_hand: 0,
        reserved: 0,
    }))
}

pub async fn bin_exists(conn: &mut AnyConnection, bin: &str) -> Result<bool> {
    let found: Option<String> = sqlx::query_scalar("SELECT code FROM bins WHERE code = $1")
        .bind(bin)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(found.is_some())
}

/// A bin with its name and what it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BinView {
    pub code: String,
    pub name: String,
    /// Products with stock there.
    pub products: i64,
    pub on_hand: i64,
    pub reserved: i64,
}

pub async fn bins(conn: &mut AnyConnection) -> Result<Vec<BinView>> {
    Ok(sqlx::query_as(
        "SELECT b.code, b.name, \
           CAST(COUNT(s.product_id) AS BIGINT) AS products, \
           CAST(COALESCE(SUM(s.on_hand), 0) AS BIGINT) AS on_hand, \
           CAST(COALESCE(SUM(s.reserved), 0) AS BIGINT) AS reserved \
         FROM bins b LEFT JOIN stock s ON s.bin = b.code AND s.on_hand <> 0 \
         GROUP BY b.code, b.name ORDER BY b.code",
    )
    .fetch_all(&mut *conn)
    .await?)
}

pub async fn save_bin(conn: &mut AnyConnection, code: &str, name: &str, now_ms: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO bins (code, name, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (code) DO UPDATE SET name = excluded.name",
    )
    .bind(code)
    .bind(name)
    .bind(now_ms)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// One product's stock in a bin, with its SKU and name.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BinLine {
    pub product_id: i64,
    pub sku: String,
    pub name: String,
    pub on_hand: i64,
    pub reserved: i64,
}

/// What the books say a bin holds.
pub async fn bin_lines(conn: &mut AnyConnection, bin: &str) -> Result<Vec<BinLine>> {
    Ok(sqlx::query_as(
        "SELECT s.product_id, p.sku, p.name, s.on_hand, s.reserved FROM stock s \
         JOIN products p ON p.id = s.product_id WHERE s.bin = $1 ORDER BY p.sku",
    )
    .bind(bin)
    .fetch_all(&mut *conn)
    .await?)
}

/// A row of the stock ledger, for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LedgerRow {
    pub id: i64,
    pub at: i64,
    pub sku: String,
    pub name: String,
    pub bin: String,
    pub delta: i64,
    pub kind: String,
    pub reason: String,
    pub order_number: Option<String>,
    pub user_name: String,
    pub station: String,
    pub note: Option<String>,
    pub count_id: Option<i64>,
}

/// Which ledger rows: newest first, at most `limit`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LedgerFilter {
    pub sku: Option<String>,
    pub bin: Option<String>,
    pub limit: i64,
}

pub async fn ledger(conn: &mut AnyConnection, f: &LedgerFilter) -> Result<Vec<LedgerRow>> {
    let product_id = match &f.sku {
        Some(sku) => Some(super::products::by_sku(conn, sku).await?.id),
        None => None,
    };
    // Only the filters given are in the query, so each can use its index
    // (`x IS NULL OR ...` makes SQLite walk the whole ledger backwards).
    let mut wheres = Vec::new();
    if product_id.is_some() {
        wheres.push(format!("m.product_id = ${}", wheres.len() + 1));
    }
    if f.bin.is_some() {
        wheres.push(format!("m.bin = ${}", wheres.len() + 1));
    }
    let sql = format!(
        "SELECT m.id, m.at, p.sku, p.name, m.bin, m.delta, m.kind, m.reason, o.number AS order_number, \
           m.user_name, m.station, m.note, m.count_id \
         FROM stock_moves m JOIN products p ON p.id = m.product_id \
         LEFT JOIN orders o ON o.id = m.order_id {} \
         ORDER BY m.id DESC LIMIT ${}",
        if wheres.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", wheres.join(" AND "))
        },
        wheres.len() + 1
    );
    let mut q = sqlx::query_as(&sql);
    if let Some(id) = product_id {
        q = q.bind(id);
    }
    if let Some(bin) = f.bin.as_deref() {
        q = q.bind(bin);
    }
    Ok(q.bind(f.limit.clamp(1, 10_000))
        .fetch_all(&mut *conn)
        .await?)
}

/// Every product that has a low-stock threshold or sold since `since_ms`,
/// with its stock, threshold and units shipped since then (a product with
/// neither is never on the re-order list, whatever its stock: reading the
/// whole catalogue for it was most of the list's time).
pub async fn stock_and_sales(
    conn: &mut AnyConnection,
    since_ms: i64,
) -> Result<Vec<StockAndSales>> {
    Ok(sqlx::query_as(
        "SELECT p.sku, p.name, \
           CAST(COALESCE((SELECT SUM(s.on_hand) FROM stock s WHERE s.product_id = p.id), 0) AS BIGINT) AS on_hand, \
           CAST(COALESCE((SELECT SUM(s.reserved) FROM stock s WHERE s.product_id = p.id), 0) AS BIGINT) AS reserved, \
           p.low_stock, \
           CAST(COALESCE(sold.units, 0) AS BIGINT) AS sold_30d \
         FROM products p LEFT JOIN ( \
           SELECT product_id, -SUM(delta) AS units FROM stock_moves \
           WHERE kind = 'shipped' AND at >= $1 GROUP BY product_id) sold \
         ON sold.product_id = p.id \
         WHERE p.low_stock IS NOT NULL OR sold.units > 0",
    )
    .bind(since_ms)
    .fetch_all(&mut *conn)
    .await?)
}

/// Stock of one product per bin.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BinStock {
    pub bin: String,
    pub on_hand: i64,
    pub reserved: i64,
}

pub async fn of_product(conn: &mut AnyConnection, product_id: i64) -> Result<Vec<BinStock>> {
    Ok(
        sqlx::query_as("SELECT bin, on_hand, reserved FROM stock WHERE product_id = $1")
            .bind(product_id)
            .fetch_all(&mut *conn)
            .await?,
    )
}
