//! Stock per bin, reservations of orders, and the ledger of stock moves.

use crate::domain::stock::FreeStock;
use crate::domain::Actor;
use crate::Result;
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
        let moved = StockMove {
            product_id,
            bin,
            delta,
            reason,
            order_id: None,
        };
        record_move(conn, &moved, actor, now_ms).await?;
    }
    Ok(())
}

/// One movement of stock, with its reason ("import", "shipped", ...).
#[derive(Debug, Clone, Copy)]
pub struct StockMove<'a> {
    pub product_id: i64,
    pub bin: &'a str,
    pub delta: i64,
    pub reason: &'a str,
    pub order_id: Option<i64>,
}

pub async fn record_move(
    conn: &mut AnyConnection,
    m: &StockMove<'_>,
    actor: &Actor,
    now_ms: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO stock_moves (product_id, bin, delta, reason, order_id, at, user_name, station) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(m.product_id)
    .bind(m.bin)
    .bind(m.delta)
    .bind(m.reason)
    .bind(m.order_id)
    .bind(now_ms)
    .bind(&actor.user)
    .bind(&actor.station)
    .execute(&mut *conn)
    .await?;
    Ok(())
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
