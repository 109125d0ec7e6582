//! Looking at orders, confirming and cancelling them.

use super::packing::transition;
use super::stock::{release_reservation, reserve_order};
use super::Actor;
use crate::domain::OrderStatus;
use crate::store::orders::{
    head_by_number, lines, list, LineRow, OrderFilter, OrderHead, OrderSummary,
};
use crate::store::{ms_to_time, Engine, Store};
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{AnyConnection, Row};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EventView {
    pub at: DateTime<Utc>,
    pub user: String,
    pub station: String,
    pub kind: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ScanView {
    pub at: DateTime<Utc>,
    pub user: String,
    pub station: String,
    pub code: String,
    pub outcome: String,
    pub units: i64,
}

/// Everything about one order: the head, lines with packed counts, history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OrderDetail {
    #[serde(flatten)]
    pub head: OrderHead,
    pub lines: Vec<LineRow>,
    pub units: i64,
    pub packed: i64,
    pub goods_total_minor: i64,
    pub total_minor: i64,
    pub events: Vec<EventView>,
    pub scans: Vec<ScanView>,
}

impl OrderDetail {
    pub fn is_complete(&self) -> bool {
        self.lines.iter().all(|l| l.packed == l.quantity)
    }
}

fn parse_json(text: Option<String>) -> Option<serde_json::Value> {
    text.and_then(|t| serde_json::from_str(&t).ok())
}

pub(super) async fn order_detail_in(
    conn: &mut AnyConnection,
    engine: Engine,
    number: &str,
) -> Result<OrderDetail> {
    let head = head_by_number(conn, engine, number, false).await?;
    let lines = lines(conn, head.id).await?;
    let events = sqlx::query(
        "SELECT at, user_name, station, kind, before_state, after_state FROM events \
         WHERE order_id = $1 ORDER BY id",
    )
    .bind(head.id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        Ok(EventView {
            at: ms_to_time(r.try_get(0)?),
            user: r.try_get(1)?,
            station: r.try_get(2)?,
            kind: r.try_get(3)?,
            before: parse_json(r.try_get(4)?),
            after: parse_json(r.try_get(5)?),
        })
    })
    .collect::<Result<Vec<_>>>()?;
    let scans = sqlx::query(
        "SELECT at, user_name, station, code, outcome, units FROM scans \
         WHERE order_id = $1 ORDER BY id DESC LIMIT 500",
    )
    .bind(head.id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        Ok(ScanView {
            at: ms_to_time(r.try_get(0)?),
            user: r.try_get(1)?,
            station: r.try_get(2)?,
            code: r.try_get(3)?,
            outcome: r.try_get(4)?,
            units: r.try_get(5)?,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    let units = lines.iter().map(|l| l.quantity).sum();
    let packed = lines.iter().map(|l| l.packed).sum();
    let goods: i64 = lines
        .iter()
        .map(|l| l.quantity * l.unit_price_minor - l.discount_minor)
        .sum();
    Ok(OrderDetail {
        total_minor: goods + head.delivery_cost_minor,
        head,
        lines,
        units,
        packed,
        goods_total_minor: goods,
        events,
        scans: scans.into_iter().rev().collect(),
    })
}

pub async fn order_detail(store: &Store, number: &str) -> Result<OrderDetail> {
    let mut tx = store.read().await?;
    let detail = order_detail_in(&mut tx, store.engine(), number).await?;
    tx.commit().await?;
    Ok(detail)
}

pub async fn list_orders(store: &Store, filter: &OrderFilter) -> Result<Vec<OrderSummary>> {
    let mut conn = store.pool().acquire().await?;
    list(&mut conn, store.engine(), filter, store.now_ms()).await
}

/// Confirms a new order and reserves its stock bin by bin. Returns the order
/// and the SKUs whose stock did not cover the order (reserved in part).
pub async fn confirm_order(
    store: &Store,
    actor: &Actor,
    number: &str,
) -> Result<(OrderDetail, Vec<String>)> {
    let mut tx = store.write().await?;
    let head = head_by_number(&mut tx, store.engine(), number, true).await?;
    if head.status != OrderStatus::New {
        return Err(Error::InvalidTransition {
            from: head.status,
            to: OrderStatus::Confirmed,
        });
    }
    transition(
        &mut tx,
        store,
        actor,
        &head,
        OrderStatus::Confirmed,
        "confirmed",
    )
    .await?;
    let short = reserve_order(&mut tx, store.now_ms(), head.id).await?;
    let detail = order_detail_in(&mut tx, store.engine(), &head.number).await?;
    tx.commit().await?;
    Ok((detail, short))
}

/// Cancels an order and gives its reserved stock back.
pub async fn cancel_order(
    store: &Store,
    actor: &Actor,
    number: &str,
    reason: &str,
) -> Result<OrderDetail> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::Invalid(
            "say why the order is cancelled; the reason is kept in its history".into(),
        ));
    }
    let mut tx = store.write().await?;
    let head: OrderHead = head_by_number(&mut tx, store.engine(), number, true).await?;
    transition(
        &mut tx,
        store,
        actor,
        &head,
        OrderStatus::Cancelled,
        "cancelled",
    )
    .await?;
    sqlx::query(
        "UPDATE orders SET claimed_station = NULL, claimed_by = NULL, claimed_at = NULL, \
         comment = CASE WHEN comment = '' THEN $1 ELSE comment END WHERE id = $2",
    )
    .bind(format!("cancelled: {reason}"))
    .bind(head.id)
    .execute(&mut *tx)
    .await?;
    release_reservation(&mut tx, head.id).await?;
    let detail = order_detail_in(&mut tx, store.engine(), &head.number).await?;
    tx.commit().await?;
    Ok(detail)
}
