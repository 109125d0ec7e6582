//! Delivery status (issue 15): the carriers' status files, matched to the
//! parcels by tracking number; an order whose every parcel was handed to
//! its addressee becomes `delivered`; parcels that have not moved for
//! their carrier's number of days are listed for the manager to chase.

use super::orders::{move_orders, Moved};
use crate::domain::access::Op;
use crate::domain::{Actor, OrderStatus};
use crate::exchange::delivery::{parse_movements, ParcelState};
use crate::exchange::RowError;
use crate::store::{parcels, Store};
use crate::{Error, Result};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What an import of a carrier's status file did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DeliveryImport {
    pub file_name: String,
    /// Data rows in the file.
    pub rows: u32,
    /// Movements recorded now (new to Packbench).
    pub recorded: u32,
    /// Movements the file repeats from an earlier import: kept once.
    pub already_known: u32,
    /// Parcels of the store's orders the file speaks of.
    pub parcels: u32,
    /// Orders now delivered (every parcel handed over).
    pub delivered: Vec<String>,
    /// Orders whose parcels were all handed over but which could not be
    /// moved to delivered, and why.
    pub not_moved: Vec<Moved>,
    /// Tracking numbers no shipment carries: their rows are kept all the
    /// same and matched by nothing until a parcel with that number exists.
    pub unknown: Vec<UnknownParcel>,
    /// Rows that could not be read.
    pub errors: Vec<RowError>,
}

/// A tracking number in a carrier's file that no parcel of the store has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UnknownParcel {
    pub tracking_number: String,
    /// The file's rows that name it.
    pub rows: Vec<u32>,
}

/// A parcel on its way for longer than its carrier should take.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StalledParcel {
    pub order: String,
    pub carrier: String,
    pub carrier_name: String,
    /// Empty when the shipment has none (a pickup, a courier of the store).
    pub tracking_number: String,
    pub shipped_at: String,
    /// The last movement the carrier reported; none when it reported none.
    pub last_moved_at: Option<String>,
    /// The carrier's words at the last movement, and where.
    pub last_status: String,
    pub last_place: String,
    pub last_state: Option<ParcelState>,
    /// Whole days since the last movement (or since it was shipped).
    pub days_still: u32,
    /// The carrier's limit that this parcel is past.
    pub stall_days: u32,
}

/// One movement of a parcel, as its carrier reported it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ParcelMovementView {
    pub tracking_number: String,
    pub at: String,
    pub state: ParcelState,
    pub status: String,
    pub place: String,
}

/// A carrier and the days a parcel of it may go without moving.
pub use crate::store::parcels::CarrierStallDays;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;
pub const MAX_STALL_DAYS: u32 = 365;

fn iso(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// Imports a carrier's status file: every movement is kept (once, however
/// often the file is imported), matched to its order by tracking number;
/// an order in `shipped` whose every parcel was handed over becomes
/// `delivered`. Times without a zone are on a clock `utc_offset_minutes`
/// east of UTC.
pub async fn import_delivery_statuses(
    store: &Store,
    actor: &Actor,
    file_name: &str,
    bytes: &[u8],
    utc_offset_minutes: i32,
) -> Result<DeliveryImport> {
    actor.may(Op::ImportDeliveryStatus)?;
    let parsed = parse_movements(bytes, utc_offset_minutes).map_err(Error::Invalid)?;
    let file_name: String = file_name.trim().chars().take(255).collect();
    let mut out = DeliveryImport {
        file_name: file_name.clone(),
        rows: parsed.rows as u32,
        errors: parsed.errors,
        ..Default::default()
    };
    let now = store.now_ms();
    let mut handed_over: BTreeSet<i64> = BTreeSet::new();
    let mut parcels: BTreeSet<String> = BTreeSet::new();
    let mut unknown: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    let mut tx = store.write().await?;
    let mut orders_of: HashMap<String, Option<i64>> = HashMap::new();
    for m in &parsed.movements {
        let order = match orders_of.get(&m.tracking_number) {
            Some(o) => *o,
            None => {
                let o = parcels::order_of_tracking(&mut tx, &m.tracking_number).await?;
                orders_of.insert(m.tracking_number.clone(), o);
                o
            }
        };
        match order {
            Some(id) => {
                parcels.insert(m.tracking_number.clone());
                if m.state == ParcelState::Delivered {
                    handed_over.insert(id);
                }
            }
            None => unknown
                .entry(m.tracking_number.clone())
                .or_default()
                .push(m.row as u32),
        }
        if parcels::record(&mut tx, m, order, now, &actor.login, &file_name).await? {
            out.recorded += 1;
        } else {
            out.already_known += 1;
        }
    }
    // Orders whose every parcel has been handed over, still in `shipped`.
    let mut to_deliver = Vec::new();
    for id in handed_over {
        let (number, status) = parcels::number_and_status(&mut tx, id).await?;
        if status != OrderStatus::Shipped {
            continue;
        }
        let all = parcels::of_order(&mut tx, id).await?;
        let delivered = parcels::handed_over(&mut tx, id).await?;
        if !all.is_empty() && all.is_subset(&delivered) {
            to_deliver.push(number);
        }
    }
    tx.commit().await?;
    out.parcels = parcels.len() as u32;
    out.unknown = unknown
        .into_iter()
        .map(|(tracking_number, rows)| UnknownParcel {
            tracking_number,
            rows,
        })
        .collect();
    if !to_deliver.is_empty() {
        for moved in move_orders(store, actor, &to_deliver, OrderStatus::Delivered, None).await? {
            if moved.refused.is_none() {
                out.delivered.push(moved.number);
            } else {
                out.not_moved.push(moved);
            }
        }
    }
    Ok(out)
}

/// Parcels of shipped orders that have not moved for longer than their
/// carrier's limit, the longest still first.
pub async fn stalled_parcels(store: &Store) -> Result<Vec<StalledParcel>> {
    let now = store.now_ms();
    let mut conn = store.pool().acquire().await?;
    let parcels = parcels::in_transit(&mut conn).await?;
    let ids: BTreeSet<i64> = parcels.iter().map(|p| p.0).collect();
    // The newest movement of each of their tracking numbers.
    let mut last: HashMap<String, parcels::Movement> = HashMap::new();
    for id in ids {
        for m in parcels::movements(&mut conn, id).await? {
            last.insert(m.tracking_number.clone(), m);
        }
    }
    let mut out = Vec::new();
    for (_, number, carrier, carrier_name, stall_days, tracking, shipped_at) in parcels {
        let tracking = tracking.unwrap_or_default();
        let seen = last.get(&tracking).filter(|_| !tracking.is_empty());
        if seen.is_some_and(|m| m.state == ParcelState::Delivered) {
            continue;
        }
        let since = seen.map_or(shipped_at, |m| m.at);
        let still = (now - since).max(0) / DAY_MS;
        let stall_days = stall_days.max(1) as i64;
        if still < stall_days {
            continue;
        }
        out.push(StalledParcel {
            order: number,
            carrier,
            carrier_name,
            tracking_number: tracking,
            shipped_at: iso(shipped_at),
            last_moved_at: seen.map(|m| iso(m.at)),
            last_status: seen.map(|m| m.status.clone()).unwrap_or_default(),
            last_place: seen.map(|m| m.place.clone()).unwrap_or_default(),
            last_state: seen.map(|m| m.state),
            days_still: still as u32,
            stall_days: stall_days as u32,
        });
    }
    out.sort_by(|a, b| {
        b.days_still
            .cmp(&a.days_still)
            .then_with(|| a.order.cmp(&b.order))
            .then_with(|| a.tracking_number.cmp(&b.tracking_number))
    });
    Ok(out)
}

/// What the carriers reported of an order's parcels, oldest first.
pub async fn parcel_movements(store: &Store, number: &str) -> Result<Vec<ParcelMovementView>> {
    let mut conn = store.pool().acquire().await?;
    let id = parcels::order_id(&mut conn, number.trim()).await?;
    Ok(parcels::movements(&mut conn, id)
        .await?
        .into_iter()
        .map(|m| ParcelMovementView {
            tracking_number: m.tracking_number,
            at: iso(m.at),
            state: m.state,
            status: m.status,
            place: m.place,
        })
        .collect())
}

/// Every carrier with the days a parcel of it may go without moving.
pub async fn stall_days(store: &Store) -> Result<Vec<CarrierStallDays>> {
    let mut conn = store.pool().acquire().await?;
    parcels::stall_days(&mut conn).await
}

/// Sets how many days a carrier's parcel may go without moving before it
/// is listed as stalled.
pub async fn set_stall_days(
    store: &Store,
    actor: &Actor,
    carrier: &str,
    days: u32,
) -> Result<Vec<CarrierStallDays>> {
    actor.may(Op::SetMail)?;
    if !(1..=MAX_STALL_DAYS).contains(&days) {
        return Err(Error::Invalid(format!(
            "{days} days: a parcel may go 1 to {MAX_STALL_DAYS} days without moving before it is listed as stalled"
        )));
    }
    let mut tx = store.write().await?;
    if !parcels::set_stall_days(&mut tx, carrier.trim(), days).await? {
        return Err(Error::Invalid(format!(
            "no carrier {:?}; the carriers are listed in Settings → Carriers",
            carrier.trim()
        )));
    }
    tx.commit().await?;
    stall_days(store).await
}
