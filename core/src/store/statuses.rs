//! The order lifecycle as the store keeps it: its statuses with their time
//! limits, and the transition matrix.

use crate::domain::{OrderStatus, TransitionMatrix};
use crate::Result;
use serde::Serialize;
use sqlx::AnyConnection;

/// The transition matrix as the database holds it now (the store may have
/// restricted it), read inside the caller's transaction. A status the code
/// does not know is an error naming it, not a pair left out.
pub async fn transition_matrix(conn: &mut AnyConnection) -> Result<TransitionMatrix> {
    let pairs: Vec<(OrderStatus, OrderStatus)> =
        sqlx::query_as("SELECT from_status, to_status FROM status_transitions")
            .fetch_all(&mut *conn)
            .await?;
    Ok(TransitionMatrix::from_pairs(pairs))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StatusCount {
    pub status: OrderStatus,
    pub count: i64,
    /// Orders that stayed in this status longer than its limit.
    pub overdue: i64,
}

/// Orders per status, and how many of them are overdue at `now_ms`; every
/// status is listed, also with no orders.
pub async fn counts(conn: &mut AnyConnection, now_ms: i64) -> Result<Vec<StatusCount>> {
    Ok(sqlx::query_as(
        "SELECT s.code AS status, \
           (SELECT COUNT(*) FROM orders o WHERE o.status = s.code) AS count, \
           CASE WHEN s.max_minutes IS NULL THEN 0 ELSE \
             (SELECT COUNT(*) FROM orders o WHERE o.status = s.code \
                AND o.status_changed_at < $1 - s.max_minutes * 60000) END AS overdue \
         FROM statuses s ORDER BY s.position",
    )
    .bind(now_ms)
    .fetch_all(&mut *conn)
    .await?)
}
