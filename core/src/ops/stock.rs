//! Reservations on confirmation and stock leaving on shipment. Which bins
//! are used is domain::stock's rule; this applies it.

use crate::domain::stock::{back_orders, reserve_from, ship_from, LineNeed, MoveKind};
use crate::domain::Actor;
use crate::store::orders;
use crate::store::stock::{self, StockMove};
use crate::Result;
use serde_json::json;
use sqlx::AnyConnection;

/// Reserves each product's units from its bins. Returns the SKUs not fully
/// covered.
pub(super) async fn reserve_order(conn: &mut AnyConnection, order_id: i64) -> Result<Vec<String>> {
    let mut short = Vec::new();
    for wanted in orders::units_per_product(conn, order_id, false).await? {
        let free = stock::free_stock(conn, wanted.product_id).await?;
        let (takes, missing) = reserve_from(wanted.units, free, wanted.default_bin.as_deref());
        for t in takes {
            stock::reserve(conn, order_id, wanted.product_id, &t.bin, t.qty).await?;
        }
        if missing > 0 {
            short.push(wanted.sku);
        }
    }
    Ok(short)
}

/// Marks each line's units stock did not cover as back-ordered (from the
/// reservations the order holds now); none when nothing is reserved for a
/// `clear`ed order (new or cancelled).
pub(super) async fn refresh_back_orders(
    conn: &mut AnyConnection,
    order_id: i64,
    clear: bool,
) -> Result<()> {
    let lines = orders::lines(conn, order_id).await?;
    let missing: Vec<(i64, i64)> = if clear {
        lines.iter().map(|l| (l.id, 0)).collect()
    } else {
        let mut reserved = std::collections::HashMap::new();
        for r in stock::reservations(conn, order_id).await? {
            *reserved.entry(r.product_id).or_insert(0) += r.qty;
        }
        let needs: Vec<LineNeed> = lines
            .iter()
            .map(|l| LineNeed {
                line_id: l.id,
                // A SKU no product has: nothing can be reserved for it.
                product_id: l.product_id.unwrap_or(-1),
                // A supplier ships a dropship line: nothing of it waits
                // for the warehouse's stock.
                units: if l.is_dropship() {
                    0
                } else {
                    l.quantity - l.packed
                },
            })
            .collect();
        back_orders(&needs, &reserved)
    };
    let changed: Vec<(i64, i64)> = missing
        .into_iter()
        .filter(|(id, units)| lines.iter().any(|l| l.id == *id && l.backordered != *units))
        .collect();
    orders::set_back_orders(conn, &changed).await
}

/// Gives an order's reserved stock back to the bins.
pub(super) async fn release_reservation(conn: &mut AnyConnection, order_id: i64) -> Result<()> {
    for r in stock::reservations(conn, order_id).await? {
        stock::unreserve(conn, r.product_id, &r.bin, r.qty).await?;
    }
    stock::drop_reservations(conn, order_id).await
}

/// Takes the packed quantities out of stock (domain::stock::ship_from says
/// from where) and frees what stayed reserved for short-shipped units.
/// Returns the moves for the event row.
pub(super) async fn ship_stock(
    conn: &mut AnyConnection,
    order_id: i64,
    actor: &Actor,
    now_ms: i64,
) -> Result<Vec<serde_json::Value>> {
    let reservations = stock::reservations(conn, order_id).await?;
    let mut moves = Vec::new();
    let mut used: Vec<(i64, String, i64)> = Vec::new();
    for packed in orders::units_per_product(conn, order_id, true).await? {
        let reserved = stock::reserved_for(&reservations, packed.product_id);
        let free = stock::free_stock(conn, packed.product_id).await?;
        for t in ship_from(packed.units, reserved, free, packed.default_bin.as_deref()) {
            let bin = t.take.bin.as_str();
            stock::ensure_stock_row(conn, packed.product_id, bin, now_ms).await?;
            if t.found > 0 {
                // Packed, so it was on the shelf: the books were short.
                stock::add_on_hand(conn, packed.product_id, bin, t.found).await?;
                let found = StockMove {
                    order_id: Some(order_id),
                    ..StockMove::new(
                        packed.product_id,
                        bin,
                        t.found,
                        MoveKind::Found,
                        "found at shipment (the books had fewer)",
                    )
                };
                stock::record_move(conn, &found, actor, now_ms).await?;
                moves.push(json!({"product_id": packed.product_id, "bin": bin, "qty": t.found, "found": true}));
            }
            stock::take_out(conn, packed.product_id, bin, t.take.qty, t.reserved).await?;
            let moved = StockMove {
                order_id: Some(order_id),
                ..StockMove::new(
                    packed.product_id,
                    bin,
                    -t.take.qty,
                    MoveKind::Shipped,
                    "shipped",
                )
            };
            stock::record_move(conn, &moved, actor, now_ms).await?;
            moves.push(json!({"product_id": packed.product_id, "bin": bin, "qty": -t.take.qty}));
            used.push((packed.product_id, t.take.bin, t.reserved));
        }
    }
    // Whatever stayed reserved (short-shipped units) goes back to free stock.
    for r in &reservations {
        let shipped: i64 = used
            .iter()
            .filter(|(p, b, _)| *p == r.product_id && *b == r.bin)
            .map(|(_, _, q)| q)
            .sum();
        if r.qty > shipped {
            stock::unreserve(conn, r.product_id, &r.bin, r.qty - shipped).await?;
        }
    }
    stock::drop_reservations(conn, order_id).await?;
    Ok(moves)
}
