//! Handing parcels to the courier.

use super::orders::order_detail_in;
use super::stock::ship_stock;
use super::OrderDetail;
use crate::documents::ManifestView;
use crate::domain::access::Op;
use crate::domain::{Actor, EventKind, OrderStatus};
use crate::store::orders::{self, head_by_number};
use crate::store::shipments::HandoverSummary;
use crate::store::statuses::transition_matrix;
use crate::store::{cartons, events, outbox, shipments, Store};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::AnyConnection;

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

/// The carrier as the store knows it: (its name, its tracking-number
/// pattern). A carrier the store has not listed (its own courier) is kept as
/// typed, without a pattern.
pub(super) async fn carrier_in(
    conn: &mut AnyConnection,
    typed: &str,
) -> Result<(String, Option<regex::Regex>)> {
    let known = outbox::carriers(conn).await?.into_iter().find(|c| {
        c.code.eq_ignore_ascii_case(typed) || c.name.to_lowercase() == typed.to_lowercase()
    });
    Ok(match known {
        Some(c) => {
            let pattern = c.tracking_pattern.trim();
            let re = if pattern.is_empty() {
                None
            } else {
                Some(regex::Regex::new(pattern).map_err(|e| {
                    Error::Invalid(format!(
                        "the tracking-number pattern of {} is broken ({e}); mend it in the carriers' settings",
                        c.name
                    ))
                })?)
            };
            (c.name, re)
        }
        None => (typed.to_string(), None),
    })
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
    ship_parcels(store, actor, number, carrier, &[tracking.to_string()]).await
}

/// Ships a `ready` order as one shipment: its cartons with their tracking
/// numbers (one per carton in carton order, or one for all of them: a
/// carrier's multi-piece waybill), each checked against the carrier's
/// pattern. Its packed quantities leave the stock at this moment. Shipped
/// once only, even when two stations try together.
pub async fn ship_parcels(
    store: &Store,
    actor: &Actor,
    number: &str,
    carrier: &str,
    trackings: &[String],
) -> Result<OrderDetail> {
    actor.may(Op::ShipOrder)?;
    let carrier = clean("carrier", carrier)?;
    let trackings: Vec<String> = trackings
        .iter()
        .map(|t| clean("tracking number", t))
        .collect::<Result<_>>()?;
    let Some(first) = trackings.first().cloned() else {
        return Err(Error::Invalid(
            "give the tracking number from the carrier's label to ship the order".into(),
        ));
    };
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
    // Dropshipping: the warehouse's parcel leaves once; while suppliers'
    // parts wait, the order stays `ready` and this parcel is a part.
    let suppliers_waiting = super::dropship::warehouse_part(&mut tx, &head).await?;
    let (carrier, pattern) = carrier_in(&mut tx, &carrier).await?;
    if let Some(re) = &pattern {
        if let Some(bad) = trackings.iter().find(|t| !re.is_match(t)) {
            return Err(Error::Invalid(format!(
                "{bad} is not a {carrier} tracking number (they look like {}); scan it from the carrier's label again",
                re.as_str()
            )));
        }
    }
    let parcels: Vec<_> = cartons::of_order(&mut tx, head.id)
        .await?
        .into_iter()
        .filter(|c| c.shipment_id.is_none() && c.closed_at.is_some())
        .collect();
    if !parcels.is_empty() && trackings.len() != 1 && trackings.len() != parcels.len() {
        return Err(Error::Invalid(format!(
            "order {} leaves in {} cartons: give one tracking number per carton ({}), or one for all of them, not {}",
            head.number,
            parcels.len(),
            parcels.len(),
            trackings.len()
        )));
    }
    if suppliers_waiting > 0 {
        super::dropship::warehouse_part_left(&mut tx, head.id, &carrier, &first, now).await?;
    } else if !orders::mark_shipped(&mut tx, head.id, &carrier, &first, now).await? {
        return Err(Error::Conflict(format!(
            "order {} was shipped by another station meanwhile",
            head.number
        )));
    }
    let own_tracking = parcels.is_empty().then_some(first.as_str());
    let shipment = shipments::insert(&mut tx, head.id, &carrier, own_tracking, actor, now).await?;
    for (i, c) in parcels.iter().enumerate() {
        let tracking = trackings.get(i).unwrap_or(&first);
        if !shipments::ship_carton(&mut tx, c.id, shipment, tracking).await? {
            return Err(Error::Conflict(format!(
                "carton {} of order {} was shipped by another station meanwhile",
                c.seq, head.number
            )));
        }
    }
    let moves = ship_stock(&mut tx, head.id, actor, now).await?;
    let (kind, status) = if suppliers_waiting > 0 {
        (EventKind::PartShipped, OrderStatus::Ready)
    } else {
        (EventKind::Shipped, OrderStatus::Shipped)
    };
    events::record(
        &mut tx,
        Some(head.id),
        now,
        actor,
        kind,
        Some(json!({"status": OrderStatus::Ready})),
        Some(
            json!({"status": status, "carrier": carrier, "tracking": first,
                    "parcels": trackings, "stock": moves}),
        ),
    )
    .await?;
    // Issue 15 item 3: the settlement receipt, with the marking codes.
    super::receipts::after_shipment(&mut tx, store, actor, &head.number, now).await?;
    let detail = order_detail_in(&mut tx, store.engine(), &head.number).await?;
    tx.commit().await?;
    Ok(detail)
}

/// One order of a bulk shipment and its tracking numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ShipRequest {
    pub number: String,
    pub trackings: Vec<String>,
}

/// An order a bulk shipment could not ship, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ShipRefusal {
    pub number: String,
    pub reason: String,
}

/// What a bulk shipment did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BulkShipped {
    pub carrier: String,
    pub shipped: Vec<String>,
    pub refused: Vec<ShipRefusal>,
}

/// Ships a selection of orders with one carrier, each in its own
/// transaction: one that cannot ship (not packed, a tracking number that is
/// not the carrier's, shipped already) is refused with its reason and the
/// others go.
pub async fn ship_bulk(
    store: &Store,
    actor: &Actor,
    carrier: &str,
    requests: &[ShipRequest],
) -> Result<BulkShipped> {
    actor.may(Op::ShipOrder)?;
    let carrier = clean("carrier", carrier)?;
    let mut report = BulkShipped {
        carrier: carrier.clone(),
        shipped: Vec::new(),
        refused: Vec::new(),
    };
    for r in requests {
        match ship_parcels(store, actor, &r.number, &carrier, &r.trackings).await {
            Ok(d) => {
                report.carrier = d.head.carrier.clone().unwrap_or(carrier.clone());
                report.shipped.push(d.head.number);
            }
            Err(e) => report.refused.push(ShipRefusal {
                number: r.number.trim().to_string(),
                reason: e.to_string(),
            }),
        }
    }
    Ok(report)
}

/// A carrier's hand-over: the parcels waiting for its courier (none closed
/// yet), or those a closed hand-over gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HandOver {
    /// None while the hand-over is still open.
    pub manifest_id: Option<i64>,
    pub view: ManifestView,
}

/// The parcels shipped with `carrier` that no hand-over has closed yet.
pub async fn waiting_handover(store: &Store, carrier: &str) -> Result<HandOver> {
    let carrier = clean("carrier", carrier)?;
    let mut tx = store.read().await?;
    let (carrier, _) = carrier_in(&mut tx, &carrier).await?;
    let parcels =
        shipments::parcels(&mut tx, &shipments::Parcels::Waiting { carrier: &carrier }).await?;
    let sender = super::documents::seller_in(&mut tx).await?;
    tx.commit().await?;
    Ok(HandOver {
        manifest_id: None,
        view: ManifestView {
            carrier,
            date: store.now().with_timezone(&chrono::Local).date_naive(),
            sender,
            parcels,
        },
    })
}

/// Hands every waiting parcel of `carrier` to its courier: the manifest
/// (with every carton's tracking number) is closed and kept; the next one
/// starts empty. Refused when nothing waits.
pub async fn close_handover(store: &Store, actor: &Actor, carrier: &str) -> Result<HandOver> {
    actor.may(Op::ShipOrder)?;
    let carrier = clean("carrier", carrier)?;
    let mut tx = store.write().await?;
    let (carrier, _) = carrier_in(&mut tx, &carrier).await?;
    let Some(id) = shipments::close_manifest(&mut tx, &carrier, actor, store.now_ms()).await?
    else {
        return Err(Error::Refused(format!(
            "nothing shipped with {carrier} waits for its courier"
        )));
    };
    tx.commit().await?;
    handover(store, id).await
}

/// The newest closed hand-overs (at most `limit`, up to 500).
pub async fn recent_handovers(store: &Store, limit: i64) -> Result<Vec<HandoverSummary>> {
    let mut conn = store.pool().acquire().await?;
    shipments::recent_manifests(&mut conn, limit.clamp(1, 500)).await
}

/// A closed hand-over by its number.
pub async fn handover(store: &Store, id: i64) -> Result<HandOver> {
    let mut tx = store.read().await?;
    let (carrier, closed_at) = shipments::manifest_head(&mut tx, id)
        .await?
        .ok_or_else(|| Error::not_found("hand-over", id.to_string()))?;
    let parcels = shipments::parcels(&mut tx, &shipments::Parcels::Manifest { id }).await?;
    let sender = super::documents::seller_in(&mut tx).await?;
    tx.commit().await?;
    let date = chrono::DateTime::from_timestamp_millis(closed_at)
        .map(|t| t.with_timezone(&chrono::Local).date_naive())
        .unwrap_or_default();
    Ok(HandOver {
        manifest_id: Some(id),
        view: ManifestView {
            carrier,
            date,
            sender,
            parcels,
        },
    })
}
