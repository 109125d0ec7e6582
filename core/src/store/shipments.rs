//! Shipments: what left the warehouse with which carrier, their cartons'
//! tracking numbers, and the hand-overs (manifests) that close them.

use crate::documents::manifest::ManifestParcel;
use crate::domain::Actor;
use crate::Result;
use serde::Serialize;
use sqlx::AnyConnection;

pub async fn insert(
    conn: &mut AnyConnection,
    order_id: i64,
    carrier: &str,
    tracking: Option<&str>,
    actor: &Actor,
    now_ms: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO shipments (order_id, carrier, shipped_at, shipped_by, station, tracking_number) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(order_id)
    .bind(carrier)
    .bind(now_ms)
    .bind(&actor.user)
    .bind(&actor.station)
    .bind(tracking)
    .fetch_one(&mut *conn)
    .await?)
}

/// Puts a closed carton in a shipment with its tracking number; false when
/// it was shipped already (by another station a moment ago).
pub async fn ship_carton(
    conn: &mut AnyConnection,
    carton_id: i64,
    shipment_id: i64,
    tracking: &str,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE cartons SET shipment_id = $1, tracking_number = $2 \
         WHERE id = $3 AND shipment_id IS NULL AND closed_at IS NOT NULL",
    )
    .bind(shipment_id)
    .bind(tracking)
    .bind(carton_id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Closes the hand-over of every shipment of `carrier` not handed over yet;
/// the manifest's id, or None when there was nothing to hand over.
pub async fn close_manifest(
    conn: &mut AnyConnection,
    carrier: &str,
    actor: &Actor,
    now_ms: i64,
) -> Result<Option<i64>> {
    let waiting: i64 = sqlx::query_scalar(
        // A dropshipping supplier's parcel (purchase_order_id) never goes
        // to the store's courier.
        "SELECT CAST(COUNT(*) AS BIGINT) FROM shipments WHERE carrier = $1 AND manifest_id IS NULL \
         AND purchase_order_id IS NULL",
    )
    .bind(carrier)
    .fetch_one(&mut *conn)
    .await?;
    if waiting == 0 {
        return Ok(None);
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO manifests (carrier, closed_at, closed_by, station) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(carrier)
    .bind(now_ms)
    .bind(&actor.user)
    .bind(&actor.station)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE shipments SET manifest_id = $1 WHERE carrier = $2 AND manifest_id IS NULL \
         AND purchase_order_id IS NULL",
    )
    .bind(id)
    .bind(carrier)
    .execute(&mut *conn)
    .await?;
    Ok(Some(id))
}

/// A closed hand-over: (carrier, closed at).
pub async fn manifest_head(conn: &mut AnyConnection, id: i64) -> Result<Option<(String, i64)>> {
    Ok(
        sqlx::query_as("SELECT carrier, closed_at FROM manifests WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?,
    )
}

/// A closed hand-over in a list: who closed it, when, how many parcels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HandoverSummary {
    pub id: i64,
    pub carrier: String,
    /// Milliseconds since the epoch.
    pub closed_at: i64,
    pub closed_by: String,
    /// Cartons (or orders shipped without cartons) handed over.
    pub parcels: i64,
}

/// The newest closed hand-overs first.
pub async fn recent_manifests(
    conn: &mut AnyConnection,
    limit: i64,
) -> Result<Vec<HandoverSummary>> {
    Ok(sqlx::query_as(
        "SELECT m.id, m.carrier, m.closed_at, m.closed_by, \
           CAST((SELECT COUNT(*) FROM cartons c JOIN shipments s ON s.id = c.shipment_id \
                 WHERE s.manifest_id = m.id) \
              + (SELECT COUNT(*) FROM shipments s WHERE s.manifest_id = m.id \
                 AND NOT EXISTS (SELECT 1 FROM cartons c WHERE c.shipment_id = s.id)) AS BIGINT) AS parcels \
         FROM manifests m ORDER BY m.id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?)
}

/// Which shipments a parcel list covers.
pub enum Parcels<'a> {
    /// A carrier's shipments of a time range: [from, until) in ms.
    Shipped {
        carrier: &'a str,
        from_ms: i64,
        until_ms: i64,
    },
    /// A carrier's shipments not handed over yet.
    Waiting { carrier: &'a str },
    /// The shipments a hand-over closed.
    Manifest { id: i64 },
}

/// The parcels of some shipments, one row per carton with its tracking
/// number ("1001 (2/3)" for an order in three cartons; the declared value
/// on its first carton; its weight as weighed, else its goods and box), and
/// one row per order shipped without cartons.
pub async fn parcels(conn: &mut AnyConnection, which: &Parcels<'_>) -> Result<Vec<ManifestParcel>> {
    let (filter, carrier, a, b) = match which {
        Parcels::Shipped {
            carrier,
            from_ms,
            until_ms,
        } => (
            "s.carrier = $1 AND s.shipped_at >= $2 AND s.shipped_at < $3 AND s.purchase_order_id IS NULL",
            Some(*carrier),
            *from_ms,
            *until_ms,
        ),
        Parcels::Waiting { carrier } => (
            "s.carrier = $1 AND s.manifest_id IS NULL AND $2 = $3 AND s.purchase_order_id IS NULL",
            Some(*carrier),
            0,
            0,
        ),
        Parcels::Manifest { id } => (
            "($1 IS NULL) AND s.manifest_id = $2 AND $2 = $3",
            None,
            *id,
            *id,
        ),
    };
    let value = "o.delivery_cost_minor + (SELECT CAST(COALESCE(SUM(l.amount_minor), 0) AS BIGINT) \
                 FROM order_lines l WHERE l.order_id = o.id)";
    let sql = format!(
        "SELECT number, tracking, recipient, address, currency, value_minor, units, weight_g FROM ( \
           SELECT o.number || CASE WHEN n.cnt > 1 THEN ' (' || CAST(c.seq AS TEXT) || '/' || CAST(n.cnt AS TEXT) || ')' ELSE '' END AS number, \
             c.tracking_number AS tracking, o.customer_name AS recipient, o.shipping_address AS address, o.currency, \
             CASE WHEN c.seq = n.first_seq THEN {value} ELSE 0 END AS value_minor, \
             (SELECT CAST(COALESCE(SUM(sc.units), 0) AS BIGINT) FROM scans sc WHERE sc.carton_id = c.id) AS units, \
             CAST(COALESCE(c.weight_g, c.expected_g, \
               (SELECT COALESCE(SUM(sc.units * p.weight_g), 0) FROM scans sc \
                  JOIN order_lines l ON l.id = sc.line_id JOIN products p ON p.id = l.product_id \
                  WHERE sc.carton_id = c.id) \
               + (SELECT COALESCE(MAX(b.tare_g), 0) FROM box_types b WHERE b.code = c.box_type)) AS BIGINT) AS weight_g, \
             s.shipped_at AS at_ms, o.id AS oid, c.seq AS seq \
           FROM shipments s JOIN orders o ON o.id = s.order_id JOIN cartons c ON c.shipment_id = s.id \
           JOIN (SELECT order_id, CAST(COUNT(*) AS BIGINT) AS cnt, MIN(seq) AS first_seq FROM cartons GROUP BY order_id) n \
             ON n.order_id = o.id \
           WHERE {filter} \
           UNION ALL \
           SELECT o.number, COALESCE(s.tracking_number, o.tracking_number), o.customer_name, o.shipping_address, o.currency, \
             {value}, \
             (SELECT CAST(COALESCE(SUM(l.packed), 0) AS BIGINT) FROM order_lines l WHERE l.order_id = o.id), \
             (SELECT CAST(COALESCE(SUM(l.packed * p.weight_g), 0) AS BIGINT) \
                FROM order_lines l JOIN products p ON p.id = l.product_id WHERE l.order_id = o.id), \
             s.shipped_at, o.id, 0 \
           FROM shipments s JOIN orders o ON o.id = s.order_id \
           WHERE {filter} AND NOT EXISTS (SELECT 1 FROM cartons c WHERE c.shipment_id = s.id) \
         ) parcels ORDER BY at_ms, oid, seq"
    );
    Ok(sqlx::query_as(&sql)
        .bind(carrier)
        .bind(a)
        .bind(b)
        .fetch_all(&mut *conn)
        .await?)
}
