//! Parcels after they left: the carriers' reported movements
//! (`parcel_events`, migration 0027) and the parcels of shipped orders.

use crate::domain::OrderStatus;
use crate::exchange::delivery::{ParcelMovement, ParcelState};
use crate::{Error, Result};
use serde::Serialize;
use sqlx::AnyConnection;
use std::collections::BTreeSet;

/// A carrier and the days a parcel of it may go without moving.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CarrierStallDays {
    pub code: String,
    pub name: String,
    pub stall_days: i32,
}

/// One stored movement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Movement {
    pub tracking_number: String,
    pub at: i64,
    pub state: ParcelState,
    pub status: String,
    pub place: String,
}

/// The order a tracking number belongs to: a carton's of a shipment, a
/// shipment's own, or (orders packed before shipments) the order's.
pub async fn order_of_tracking(conn: &mut AnyConnection, tracking: &str) -> Result<Option<i64>> {
    let id: Option<(i64,)> = sqlx::query_as(
        "SELECT s.order_id FROM cartons c JOIN shipments s ON s.id = c.shipment_id \
           WHERE c.tracking_number = $1 \
         UNION ALL SELECT order_id FROM shipments WHERE tracking_number = $1 \
         UNION ALL SELECT id FROM orders WHERE tracking_number = $1 \
         LIMIT 1",
    )
    .bind(tracking)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(id.map(|(id,)| id))
}

/// Records a movement once: false when the same movement (tracking
/// number, time and words) is stored already.
pub async fn record(
    conn: &mut AnyConnection,
    m: &ParcelMovement,
    order_id: Option<i64>,
    now_ms: i64,
    login: &str,
    file_name: &str,
) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO parcel_events \
           (tracking_number, order_id, at, state, status, place, imported_at, imported_by, file_name) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (tracking_number, at, status) DO NOTHING",
    )
    .bind(&m.tracking_number)
    .bind(order_id)
    .bind(m.at.timestamp_millis())
    .bind(m.state.as_str())
    .bind(&m.status)
    .bind(&m.place)
    .bind(now_ms)
    .bind(login)
    .bind(file_name)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn number_and_status(
    conn: &mut AnyConnection,
    order_id: i64,
) -> Result<(String, OrderStatus)> {
    let (number, status): (String, String) =
        sqlx::query_as("SELECT number, status FROM orders WHERE id = $1")
            .bind(order_id)
            .fetch_one(&mut *conn)
            .await?;
    let status =
        OrderStatus::parse(&status).map_err(|e| Error::Damaged(format!("order {number}: {e}")))?;
    Ok((number, status))
}

pub async fn order_id(conn: &mut AnyConnection, number: &str) -> Result<i64> {
    let id: Option<(i64,)> = sqlx::query_as("SELECT id FROM orders WHERE number = $1")
        .bind(number)
        .fetch_optional(&mut *conn)
        .await?;
    id.map(|(id,)| id)
        .ok_or_else(|| Error::Invalid(format!("there is no order {number}")))
}

/// The tracking numbers of an order's parcels.
pub async fn of_order(conn: &mut AnyConnection, order_id: i64) -> Result<BTreeSet<String>> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT c.tracking_number FROM cartons c JOIN shipments s ON s.id = c.shipment_id \
           WHERE s.order_id = $1 AND c.tracking_number IS NOT NULL \
         UNION SELECT tracking_number FROM shipments \
           WHERE order_id = $1 AND tracking_number IS NOT NULL \
         UNION SELECT tracking_number FROM orders WHERE id = $1 AND tracking_number IS NOT NULL",
    )
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(t,)| t)
        .filter(|t| !t.trim().is_empty())
        .collect())
}

/// The tracking numbers of an order's parcels a carrier reported handed over.
pub async fn handed_over(conn: &mut AnyConnection, order_id: i64) -> Result<BTreeSet<String>> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT DISTINCT tracking_number FROM parcel_events \
         WHERE order_id = $1 AND state = 'delivered'",
    )
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|(t,)| t).collect())
}

/// Every parcel of an order in `shipped` (an order shipped before
/// shipments were kept, migration 0017, is one parcel with the order's own
/// carrier and tracking number): (order id, number, carrier code
/// (a carrier the store has not listed: as typed), carrier name (shipments
/// keep the carrier by name), the carrier's stall days, tracking number, shipped at).
#[allow(clippy::type_complexity)]
pub async fn in_transit(
    conn: &mut AnyConnection,
) -> Result<Vec<(i64, String, String, String, i32, Option<String>, i64)>> {
    Ok(sqlx::query_as(
        "SELECT o.id, o.number, COALESCE(k.code, s.carrier), COALESCE(k.name, s.carrier), \
                CAST(COALESCE(k.stall_days, 5) AS INTEGER), \
                COALESCE(c.tracking_number, s.tracking_number), s.shipped_at \
         FROM orders o JOIN shipments s ON s.order_id = o.id \
         LEFT JOIN cartons c ON c.shipment_id = s.id AND c.tracking_number IS NOT NULL \
         LEFT JOIN carriers k ON k.name = s.carrier \
         WHERE o.status = 'shipped' \
         UNION ALL \
         SELECT o.id, o.number, COALESCE(k.code, o.carrier, ''), COALESCE(k.name, o.carrier, ''), \
                CAST(COALESCE(k.stall_days, 5) AS INTEGER), o.tracking_number, \
                COALESCE(o.shipped_at, o.status_changed_at) \
         FROM orders o LEFT JOIN carriers k ON k.name = o.carrier \
         WHERE o.status = 'shipped' \
           AND NOT EXISTS (SELECT 1 FROM shipments s WHERE s.order_id = o.id)",
    )
    .fetch_all(&mut *conn)
    .await?)
}

/// What the carriers reported of an order's parcels, oldest first.
pub async fn movements(conn: &mut AnyConnection, order_id: i64) -> Result<Vec<Movement>> {
    let rows: Vec<(String, i64, String, String, String)> = sqlx::query_as(
        "SELECT tracking_number, at, state, status, place FROM parcel_events \
         WHERE order_id = $1 ORDER BY at, id",
    )
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|(tracking_number, at, state, status, place)| {
            Ok(Movement {
                state: ParcelState::parse(&state)
                    .map_err(|e| Error::Damaged(format!("parcel {tracking_number}: {e}")))?,
                tracking_number,
                at,
                status,
                place,
            })
        })
        .collect()
}

pub async fn stall_days(conn: &mut AnyConnection) -> Result<Vec<CarrierStallDays>> {
    Ok(sqlx::query_as(
        "SELECT code, name, CAST(stall_days AS INTEGER) AS stall_days FROM carriers ORDER BY name",
    )
    .fetch_all(&mut *conn)
    .await?)
}

/// False when there is no such carrier.
pub async fn set_stall_days(conn: &mut AnyConnection, carrier: &str, days: u32) -> Result<bool> {
    let done = sqlx::query("UPDATE carriers SET stall_days = $1 WHERE code = $2")
        .bind(days as i32)
        .bind(carrier)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}
