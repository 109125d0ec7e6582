//! Handing parcels to the courier.

use super::orders::order_detail_in;
use super::stock::ship_stock;
use super::OrderDetail;
use crate::domain::access::Op;
use crate::domain::{Actor, EventKind, OrderStatus};
use crate::store::orders::{self, head_by_number};
use crate::store::statuses::transition_matrix;
use crate::store::{events, Store};
use crate::{Error, Result};
use serde_json::json;

fn clean(field: &str, value: &str) -> Result<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Error::Invalid(format!(
            "the {field} is empty; give one to ship the order"
        )));
    }
    if v.chars().count() > 100 || v.chars().any(char::is_control) {
        return Err(Error::Invalid(format!(
            "the {field} {v:?} is longer than 100 characters or holds control characters"
        )));
    }
    Ok(v.to_string())
}

/// Marks a `ready` order shipped with carrier and tracking number; its
/// packed quantities leave the stock at this moment. Shipped once only, even
/// when two stations try together.
pub async fn ship_order(
    store: &Store,
    actor: &Actor,
    number: &str,
    carrier: &str,
    tracking: &str,
) -> Result<OrderDetail> {
    actor.may(Op::ShipOrder)?;
    let carrier = clean("carrier", carrier)?;
    let tracking = clean("tracking number", tracking)?;
    let mut tx = store.write().await?;
    let now = store.now_ms();
    let head = head_by_number(&mut tx, store.engine(), number, true).await?;
    if head.status == OrderStatus::Shipped {
        return Err(Error::Conflict(format!(
            "order {} was already shipped with {} {}",
            head.number,
            head.carrier.as_deref().unwrap_or("?"),
            head.tracking_number.as_deref().unwrap_or("?")
        )));
    }
    if head.status != OrderStatus::Ready {
        return Err(Error::InvalidTransition {
            from: head.status,
            to: OrderStatus::Shipped,
        });
    }
    transition_matrix(&mut tx)
        .await?
        .check(OrderStatus::Ready, OrderStatus::Shipped)?;
    if !orders::mark_shipped(&mut tx, head.id, &carrier, &tracking, now).await? {
        return Err(Error::Conflict(format!(
            "order {} was shipped by another station meanwhile",
            head.number
        )));
    }
    let moves = ship_stock(&mut tx, head.id, actor, now).await?;
    events::record(
        &mut tx,
        Some(head.id),
        now,
        actor,
        EventKind::Shipped,
        Some(json!({"status": OrderStatus::Ready})),
        Some(json!({"status": OrderStatus::Shipped, "carrier": carrier, "tracking": tracking, "stock": moves})),
    )
    .await?;
    let detail = order_detail_in(&mut tx, store.engine(), &head.number).await?;
    tx.commit().await?;
    Ok(detail)
}
