//! Looking at orders, confirming and cancelling them.

use super::stock::{refresh_back_orders, release_reservation, reserve_order};
use crate::domain::access::Op;
use crate::domain::lifecycle::Labels;
use crate::domain::{Actor, EventKind, OrderHead, OrderLine, OrderStatus};
use crate::store::events::{self, EventView};
use crate::store::notes::{self, Note};
use crate::store::orders::{head_by_number, lines, list, OrderFilter, OrderSummary};
use crate::store::payments::{self, PaymentEntry};
use crate::store::scans::{self, PackedMarking, ScanView};
use crate::store::statuses::{self, transition_matrix};
use crate::store::{orders, Engine, Store};
use crate::{Error, Result};
use serde::Serialize;
use serde_json::json;
use sqlx::AnyConnection;

/// How many of an order's newest scans its detail shows.
const SCANS_SHOWN: i64 = 500;

/// Everything about one order: the head, lines with packed counts, history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OrderDetail {
    #[serde(flatten)]
    pub head: OrderHead,
    /// Its status as the store names it (its own status inside the stage
    /// where it is in one).
    pub status_name: Labels,
    pub lines: Vec<OrderLine>,
    /// Units the warehouse packs: a line a dropshipping supplier ships is
    /// not counted (it never comes to the packing table).
    pub units: i64,
    pub packed: i64,
    pub goods_total_minor: i64,
    pub total_minor: i64,
    /// Opening it at a packing station packs it or hands it over.
    pub opens_at_packing: bool,
    /// The statuses a manager may set by hand from here, as the store's
    /// matrix allows (delivered, completed, returned, cancelled).
    pub next_by_hand: Vec<OrderStatus>,
    /// Payments and refunds, oldest first.
    pub payments: Vec<PaymentEntry>,
    /// Paid less refunded.
    pub paid_minor: i64,
    /// Still to pay (negative: owed back to the customer).
    pub balance_minor: i64,
    /// Service notes: pinned first, then newest first.
    pub notes: Vec<Note>,
    /// The order this one was split from, and the orders split from it.
    pub split_from_number: Option<String>,
    pub split_into: Vec<String>,
    pub events: Vec<EventView>,
    pub scans: Vec<ScanView>,
    /// The marking codes (Честный ЗНАК) packed in it, as scanned.
    pub marking_codes: Vec<PackedMarking>,
}

impl OrderDetail {
    pub fn is_complete(&self) -> bool {
        self.lines
            .iter()
            .all(|l| l.is_dropship() || l.packed == l.quantity)
    }
}

pub(super) async fn order_detail_in(
    conn: &mut AnyConnection,
    engine: Engine,
    number: &str,
) -> Result<OrderDetail> {
    let head = head_by_number(conn, engine, number, false).await?;
    let lines = lines(conn, head.id).await?;
    let events = events::of_order(conn, head.id).await?;
    let scans = scans::of_order(conn, head.id, SCANS_SHOWN).await?;
    let marking_codes = scans::marking_codes(conn, head.id).await?;
    let payments = payments::of_order(conn, head.id).await?;
    let paid = payments::sum(&payments);
    let notes = notes::of_order(conn, head.id).await?;
    let goods: i64 = lines.iter().map(|l| l.amount_minor).sum();
    let total = goods + head.delivery_cost_minor;
    let matrix = transition_matrix(conn).await?;
    let status_name = statuses::get(
        conn,
        head.sub_status.as_deref().unwrap_or(head.status.as_str()),
    )
    .await?
    .labels();
    let next_by_hand = OrderStatus::ALL
        .iter()
        .copied()
        .filter(|to| to.set_by_hand() && matrix.allows(head.status, *to))
        .collect();
    let split_from_number = match head.split_from {
        Some(id) => Some(orders::number_of(conn, id).await?),
        None => None,
    };
    let split_into = orders::split_into(conn, head.id).await?;
    Ok(OrderDetail {
        split_from_number,
        split_into,
        status_name,
        next_by_hand,
        payments,
        paid_minor: paid.net_minor(),
        balance_minor: paid.balance_minor(total),
        notes,
        units: lines
            .iter()
            .filter(|l| !l.is_dropship())
            .map(|l| l.quantity)
            .sum(),
        packed: lines.iter().map(|l| l.packed).sum(),
        total_minor: total,
        goods_total_minor: goods,
        opens_at_packing: head.status.opens_at_packing(),
        head,
        lines,
        events,
        scans,
        marking_codes,
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

/// Moves an order along the matrix with an event; used by the transitions
/// that carry no other rule.
pub(super) async fn transition(
    tx: &mut AnyConnection,
    store: &Store,
    actor: &Actor,
    head: &OrderHead,
    to: OrderStatus,
    kind: EventKind,
) -> Result<()> {
    let now = store.now_ms();
    transition_matrix(tx).await?.check(head.status, to)?;
    if !orders::set_status(tx, head.id, head.status, to, now).await? {
        return Err(Error::changed_meanwhile(&head.number));
    }
    events::record(
        tx,
        Some(head.id),
        now,
        actor,
        kind,
        Some(json!({"status": head.status})),
        Some(json!({"status": to})),
    )
    .await
}

/// A confirmed order, and the SKUs whose stock did not cover it (reserved
/// in part or not at all): the manager is told which.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Confirmation {
    pub order: OrderDetail,
    pub unreserved_skus: Vec<String>,
}

/// Confirms a new order and reserves its stock bin by bin.
pub async fn confirm_order(store: &Store, actor: &Actor, number: &str) -> Result<Confirmation> {
    actor.may(Op::ConfirmOrder)?;
    let mut tx = store.write().await?;
    let head = head_by_number(&mut tx, store.engine(), number, true).await?;
    actor.may_on(Op::ConfirmOrder, &head.channel)?;
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
        EventKind::Confirmed,
    )
    .await?;
    // Lines a dropshipping supplier ships go on its purchase order first:
    // they are then not reserved from the warehouse's stock.
    super::dropship::order_from_suppliers(&mut tx, store, actor, &head).await?;
    let unreserved_skus = reserve_order(&mut tx, head.id).await?;
    refresh_back_orders(&mut tx, head.id, false).await?;
    let order = order_detail_in(&mut tx, store.engine(), &head.number).await?;
    tx.commit().await?;
    Ok(Confirmation {
        order,
        unreserved_skus,
    })
}

/// Cancels an order and gives its reserved stock back.
pub async fn cancel_order(
    store: &Store,
    actor: &Actor,
    number: &str,
    reason: &str,
) -> Result<OrderDetail> {
    actor.may(Op::CancelOrder)?;
    let reason = Error::require_reason(
        reason,
        "say why the order is cancelled; the reason is kept in its history",
    )?;
    let mut tx = store.write().await?;
    let head = head_by_number(&mut tx, store.engine(), number, true).await?;
    actor.may_on(Op::CancelOrder, &head.channel)?;
    transition_matrix(&mut tx)
        .await?
        .check(head.status, OrderStatus::Cancelled)?;
    // Purchase orders to dropshipping suppliers are cancelled with the
    // order (refused once a part of it has left).
    super::dropship::cancel_purchase_orders(&mut tx, store, actor, &head).await?;
    transition(
        &mut tx,
        store,
        actor,
        &head,
        OrderStatus::Cancelled,
        EventKind::Cancelled,
    )
    .await?;
    orders::note_cancellation(&mut tx, head.id, reason).await?;
    release_reservation(&mut tx, head.id).await?;
    refresh_back_orders(&mut tx, head.id, true).await?;
    let detail = order_detail_in(&mut tx, store.engine(), &head.number).await?;
    tx.commit().await?;
    Ok(detail)
}

/// What happened to one order of a selection moved by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Moved {
    pub number: String,
    /// The order's status now (moved or not).
    pub status: Option<OrderStatus>,
    /// Why it was not moved; none when it was.
    pub refused: Option<String>,
}

/// Sets the status of one order or a selection by hand: delivered,
/// completed, returned, or cancelled (with a reason; the reservation is
/// released). Each order moves along the matrix on its own; one that
/// cannot move says why and the others still move.
pub async fn move_orders(
    store: &Store,
    actor: &Actor,
    numbers: &[String],
    to: OrderStatus,
    reason: Option<&str>,
) -> Result<Vec<Moved>> {
    actor.may(Op::MoveOrders)?;
    if !to.set_by_hand() {
        return Err(Error::Invalid(format!(
            "{to} is not set by hand; orders become {to} by confirming, picking, packing or shipping them"
        )));
    }
    if numbers.is_empty() {
        return Err(Error::Invalid("name at least one order".into()));
    }
    let mut out = Vec::with_capacity(numbers.len());
    for number in numbers {
        let moved = if to == OrderStatus::Cancelled {
            cancel_order(store, actor, number, reason.unwrap_or_default())
                .await
                .map(|d| d.head.status)
        } else {
            move_one(store, actor, number, to).await
        };
        out.push(match moved {
            Ok(status) => Moved {
                number: number.trim().to_string(),
                status: Some(status),
                refused: None,
            },
            Err(e @ (Error::Storage(_) | Error::Unavailable(_) | Error::Migration(_))) => {
                return Err(e)
            }
            Err(e) => Moved {
                number: number.trim().to_string(),
                status: None,
                refused: Some(e.to_string()),
            },
        });
    }
    Ok(out)
}

async fn move_one(
    store: &Store,
    actor: &Actor,
    number: &str,
    to: OrderStatus,
) -> Result<OrderStatus> {
    let mut tx = store.write().await?;
    let head = head_by_number(&mut tx, store.engine(), number, true).await?;
    actor.may_on(Op::MoveOrders, &head.channel)?;
    let kind = match to {
        OrderStatus::Delivered => EventKind::Delivered,
        OrderStatus::Completed => EventKind::Completed,
        _ => EventKind::Returned,
    };
    transition(&mut tx, store, actor, &head, to, kind).await?;
    tx.commit().await?;
    Ok(to)
}
