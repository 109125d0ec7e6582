//! A business buyer's details on an order (orders.buyer_*; migration 0023).

use crate::domain::buyer::BusinessBuyer;
use crate::store::bad_stored;
use crate::Result;
use sqlx::{AnyConnection, Row};

/// The buyer's details of an order; all empty for a private buyer. Stored
/// details that break the rules (a hand-edited row) are an error, never
/// printed as they are.
pub async fn of_order(conn: &mut AnyConnection, order_id: i64) -> Result<BusinessBuyer> {
    let row = sqlx::query(
        "SELECT buyer_name, buyer_inn, buyer_kpp, buyer_address FROM orders WHERE id = $1",
    )
    .bind(order_id)
    .fetch_one(&mut *conn)
    .await?;
    let buyer = BusinessBuyer {
        name: row.try_get("buyer_name")?,
        inn: row.try_get("buyer_inn")?,
        kpp: row.try_get("buyer_kpp")?,
        address: row.try_get("buyer_address")?,
    };
    buyer
        .check()
        .map_err(|why| bad_stored("orders.buyer_*", format!("order {order_id}: {why}")))?;
    Ok(buyer)
}

/// Writes the buyer's details (already checked by the edit).
pub async fn set(
    conn: &mut AnyConnection,
    order_id: i64,
    buyer: &BusinessBuyer,
    now_ms: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE orders SET buyer_name = $1, buyer_inn = $2, buyer_kpp = $3, buyer_address = $4, \
         updated_at = $5 WHERE id = $6",
    )
    .bind(&buyer.name)
    .bind(&buyer.inn)
    .bind(&buyer.kpp)
    .bind(&buyer.address)
    .bind(now_ms)
    .bind(order_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
