//! The event history: every state change writes a row here in the same
//! transaction as the change. The change feed reads it (and the scan
//! ledger) to tell other screens and stations what changed.

use super::codec::JsonText;
use crate::domain::time::Millis;
use crate::domain::{Actor, EventKind};
use crate::Result;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::AnyConnection;

/// Appends an event row: who, where, what, before and after.
pub async fn record(
    conn: &mut AnyConnection,
    order_id: Option<i64>,
    at_ms: i64,
    actor: &Actor,
    kind: EventKind,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO events (order_id, at, user_name, station, kind, before_state, after_state) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(order_id)
    .bind(at_ms)
    .bind(&actor.user)
    .bind(&actor.station)
    .bind(kind)
    .bind(before.map(|v| v.to_string()))
    .bind(after.map(|v| v.to_string()))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// One entry of an order's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EventView {
    #[sqlx(try_from = "Millis")]
    pub at: DateTime<Utc>,
    #[sqlx(rename = "user_name")]
    pub user: String,
    pub station: String,
    pub kind: EventKind,
    #[sqlx(rename = "before_state", try_from = "JsonText")]
    pub before: Option<serde_json::Value>,
    #[sqlx(rename = "after_state", try_from = "JsonText")]
    pub after: Option<serde_json::Value>,
}

/// The order's history, oldest first.
pub async fn of_order(conn: &mut AnyConnection, order_id: i64) -> Result<Vec<EventView>> {
    Ok(sqlx::query_as(
        "SELECT at, user_name, station, kind, before_state, after_state FROM events \
         WHERE order_id = $1 ORDER BY id",
    )
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// The newest event and scan row ids: where the change feed has read up to.
pub async fn newest_ids(conn: &mut AnyConnection) -> Result<(i64, i64)> {
    let events: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM events")
        .fetch_one(&mut *conn)
        .await?;
    let scans: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM scans")
        .fetch_one(&mut *conn)
        .await?;
    Ok((events, scans))
}

/// Numbers of the orders that got event rows in `events` (after, up to] or
/// scan rows in `scans` (after, up to].
pub async fn orders_changed(
    conn: &mut AnyConnection,
    events: (i64, i64),
    scans: (i64, i64),
) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT o.number FROM orders o WHERE o.id IN ( \
           SELECT order_id FROM events WHERE id > $1 AND id <= $2 AND order_id IS NOT NULL \
           UNION SELECT order_id FROM scans WHERE id > $3 AND id <= $4 AND order_id IS NOT NULL) \
         ORDER BY o.number LIMIT 1000",
    )
    .bind(events.0)
    .bind(events.1)
    .bind(scans.0)
    .bind(scans.1)
    .fetch_all(&mut *conn)
    .await?)
}
