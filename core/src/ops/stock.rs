//! Reservations on confirmation and stock leaving on shipment.

use super::Actor;
use crate::domain::product::bin_order;
use crate::store::products::move_stock_ledger;
use crate::Result;
use serde_json::json;
use sqlx::{AnyConnection, Row};
use std::collections::HashMap;

/// Reserves each line's quantity from the product's bins (default bin first,
/// then the others in natural order). Returns SKUs not fully covered.
pub(super) async fn reserve_order(
    conn: &mut AnyConnection,
    _now_ms: i64,
    order_id: i64,
) -> Result<Vec<String>> {
    let wanted = sqlx::query(
        "SELECT l.product_id, l.sku, CAST(SUM(l.quantity) AS BIGINT), p.default_bin FROM order_lines l \
         JOIN products p ON p.id = l.product_id WHERE l.order_id = $1 \
         GROUP BY l.product_id, l.sku, p.default_bin",
    )
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut short = Vec::new();
    for row in wanted {
        let product_id: i64 = row.try_get(0)?;
        let sku: String = row.try_get(1)?;
        let mut need: i64 = row.try_get(2)?;
        let default_bin: Option<String> = row.try_get(3)?;
        let mut bins: Vec<(String, i64)> = sqlx::query(
            "SELECT bin, on_hand - reserved FROM stock WHERE product_id = $1 AND on_hand > reserved",
        )
        .bind(product_id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect::<Result<_>>()?;
        bins.sort_by(|a, b| {
            let a_default = Some(&a.0) == default_bin.as_ref();
            let b_default = Some(&b.0) == default_bin.as_ref();
            b_default
                .cmp(&a_default)
                .then_with(|| bin_order(&a.0, &b.0))
        });
        for (bin, free) in bins {
            if need == 0 {
                break;
            }
            let take = need.min(free);
            sqlx::query(
                "UPDATE stock SET reserved = reserved + $1 WHERE product_id = $2 AND bin = $3",
            )
            .bind(take)
            .bind(product_id)
            .bind(&bin)
            .execute(&mut *conn)
            .await?;
            sqlx::query(
                "INSERT INTO reservations (order_id, product_id, bin, qty) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (order_id, product_id, bin) DO UPDATE SET qty = reservations.qty + excluded.qty",
            )
            .bind(order_id)
            .bind(product_id)
            .bind(&bin)
            .bind(take)
            .execute(&mut *conn)
            .await?;
            need -= take;
        }
        if need > 0 {
            short.push(sku);
        }
    }
    Ok(short)
}

/// Gives an order's reserved stock back to the bins.
pub(super) async fn release_reservation(conn: &mut AnyConnection, order_id: i64) -> Result<()> {
    let rows = sqlx::query("SELECT product_id, bin, qty FROM reservations WHERE order_id = $1")
        .bind(order_id)
        .fetch_all(&mut *conn)
        .await?;
    for r in rows {
        let (product_id, bin, qty): (i64, String, i64) =
            (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?);
        sqlx::query(
            "UPDATE stock SET reserved = CASE WHEN reserved >= $1 THEN reserved - $1 ELSE 0 END \
             WHERE product_id = $2 AND bin = $3",
        )
        .bind(qty)
        .bind(product_id)
        .bind(&bin)
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query("DELETE FROM reservations WHERE order_id = $1")
        .bind(order_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Takes the packed quantities out of stock: from the order's reservations
/// first, then from the bins that hold the product, and what is still
/// missing from the default bin (which then shows a negative count for the
/// stock-taker to look at). Returns the moves for the event row.
pub(super) async fn ship_stock(
    conn: &mut AnyConnection,
    order_id: i64,
    actor: &Actor,
    now_ms: i64,
) -> Result<Vec<serde_json::Value>> {
    let packed = sqlx::query(
        "SELECT l.product_id, CAST(SUM(l.packed) AS BIGINT), p.default_bin FROM order_lines l \
         JOIN products p ON p.id = l.product_id WHERE l.order_id = $1 AND l.packed > 0 \
         GROUP BY l.product_id, p.default_bin",
    )
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?;
    let reservations =
        sqlx::query("SELECT product_id, bin, qty FROM reservations WHERE order_id = $1")
            .bind(order_id)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| {
                Ok((
                    r.try_get::<i64, _>(0)?,
                    r.try_get::<String, _>(1)?,
                    r.try_get::<i64, _>(2)?,
                ))
            })
            .collect::<Result<Vec<_>>>()?;
    let mut moves = Vec::new();
    let mut reserved_used: HashMap<(i64, String), i64> = HashMap::new();
    for row in packed {
        let product_id: i64 = row.try_get(0)?;
        let mut need: i64 = row.try_get(1)?;
        let default_bin: Option<String> = row.try_get(2)?;
        let mut takes: Vec<(String, i64, i64)> = Vec::new(); // bin, qty, of which reserved
        for (_, bin, qty) in reservations.iter().filter(|r| r.0 == product_id) {
            let take = need.min(*qty);
            if take > 0 {
                takes.push((bin.clone(), take, take));
                need -= take;
            }
        }
        if need > 0 {
            let mut bins: Vec<(String, i64)> = sqlx::query(
                "SELECT bin, on_hand - reserved FROM stock WHERE product_id = $1 AND on_hand > reserved",
            )
            .bind(product_id)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect::<Result<_>>()?;
            bins.sort_by(|a, b| bin_order(&a.0, &b.0));
            for (bin, free) in bins {
                if need == 0 {
                    break;
                }
                let take = need.min(free);
                takes.push((bin, take, 0));
                need -= take;
            }
        }
        if need > 0 {
            let bin = default_bin.unwrap_or_else(|| "UNASSIGNED".to_string());
            crate::store::products::ensure_bin(conn, &bin, now_ms).await?;
            sqlx::query(
                "INSERT INTO stock (product_id, bin, on_hand, reserved) VALUES ($1, $2, 0, 0) \
                 ON CONFLICT (product_id, bin) DO NOTHING",
            )
            .bind(product_id)
            .bind(&bin)
            .execute(&mut *conn)
            .await?;
            takes.push((bin, need, 0));
        }
        for (bin, qty, reserved) in takes {
            *reserved_used.entry((product_id, bin.clone())).or_insert(0) += reserved;
            sqlx::query(
                "UPDATE stock SET on_hand = on_hand - $1, \
                 reserved = CASE WHEN reserved >= $2 THEN reserved - $2 ELSE 0 END \
                 WHERE product_id = $3 AND bin = $4",
            )
            .bind(qty)
            .bind(reserved)
            .bind(product_id)
            .bind(&bin)
            .execute(&mut *conn)
            .await?;
            move_stock_ledger(
                conn,
                product_id,
                &bin,
                -qty,
                "shipped",
                Some(order_id),
                actor,
                now_ms,
            )
            .await?;
            moves.push(json!({"product_id": product_id, "bin": bin, "qty": -qty}));
        }
    }
    // Whatever stayed reserved (short-shipped units) goes back to free stock.
    for (product_id, bin, qty) in &reservations {
        let leftover = qty
            - reserved_used
                .get(&(*product_id, bin.clone()))
                .copied()
                .unwrap_or(0);
        if leftover > 0 {
            sqlx::query(
                "UPDATE stock SET reserved = CASE WHEN reserved >= $1 THEN reserved - $1 ELSE 0 END \
                 WHERE product_id = $2 AND bin = $3",
            )
            .bind(leftover)
            .bind(product_id)
            .bind(bin)
            .execute(&mut *conn)
            .await?;
        }
    }
    sqlx::query("DELETE FROM reservations WHERE order_id = $1")
        .bind(order_id)
        .execute(&mut *conn)
        .await?;
    Ok(moves)
}
