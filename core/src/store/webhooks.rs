//! Orders that arrive by themselves (migration 0026): which Packbench order
//! a shop's order became, the log of every delivery the server answered
//! (with the bodies kept for a person), and the channels' secrets (in
//! `settings`).

use super::settings;
use crate::domain::time::{MaybeMillis, Millis};
use crate::exchange::webhook::{DeliveryOutcome, WebhookChannel};
use crate::Result;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;

/// A channel's webhook secret and who set it. The secret is readable by
/// whoever can read the database: the server needs it as it is to check a
/// signature (HMAC cannot be checked against a hash).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelSecret {
    pub secret: String,
    pub set_by: String,
    pub set_at_ms: i64,
}

impl std::fmt::Debug for ChannelSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChannelSecret")
            .field("set_by", &self.set_by)
            .field("set_at_ms", &self.set_at_ms)
            .finish_non_exhaustive()
    }
}

fn secret_key(channel: WebhookChannel) -> String {
    format!("webhook_secret.{}", channel.as_str())
}

pub async fn secret(
    conn: &mut AnyConnection,
    channel: WebhookChannel,
) -> Result<Option<ChannelSecret>> {
    settings::get(conn, &secret_key(channel)).await
}

pub async fn set_secret(
    conn: &mut AnyConnection,
    channel: WebhookChannel,
    secret: &ChannelSecret,
) -> Result<()> {
    settings::put(conn, &secret_key(channel), secret).await
}

/// The Packbench order a shop's order became, and the shop's time of the
/// last version taken or refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Link {
    pub order_id: i64,
    pub shop_updated_at: Option<i64>,
}

pub async fn link(
    conn: &mut AnyConnection,
    channel: WebhookChannel,
    shop_order_id: &str,
) -> Result<Option<Link>> {
    let row: Option<(i64, Option<i64>)> = sqlx::query_as(
        "SELECT order_id, shop_updated_at FROM shop_orders WHERE channel = $1 AND shop_order_id = $2",
    )
    .bind(channel.as_str())
    .bind(shop_order_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|(order_id, shop_updated_at)| Link {
        order_id,
        shop_updated_at,
    }))
}

/// The shop's order an order of ours is linked to in `channel`, if any.
pub async fn shop_order_of(
    conn: &mut AnyConnection,
    channel: WebhookChannel,
    order_id: i64,
) -> Result<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT shop_order_id FROM shop_orders WHERE channel = $1 AND order_id = $2",
    )
    .bind(channel.as_str())
    .bind(order_id)
    .fetch_optional(&mut *conn)
    .await?)
}

pub async fn insert_link(
    conn: &mut AnyConnection,
    channel: WebhookChannel,
    shop_order_id: &str,
    link: Link,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO shop_orders (channel, shop_order_id, order_id, shop_updated_at) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(channel.as_str())
    .bind(shop_order_id)
    .bind(link.order_id)
    .bind(link.shop_updated_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The shop's time of the version just taken or refused (never moved back).
pub async fn set_version(
    conn: &mut AnyConnection,
    channel: WebhookChannel,
    shop_order_id: &str,
    shop_updated_at: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE shop_orders SET shop_updated_at = $3 WHERE channel = $1 AND shop_order_id = $2 \
         AND (shop_updated_at IS NULL OR shop_updated_at < $3)",
    )
    .bind(channel.as_str())
    .bind(shop_order_id)
    .bind(shop_updated_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// One delivery as it is logged.
#[derive(Debug, Clone)]
pub struct NewDelivery<'a> {
    pub received_at_ms: i64,
    pub channel: WebhookChannel,
    pub topic: &'a str,
    /// Only for a signed delivery.
    pub delivery_id: Option<&'a str>,
    pub shop_order_id: Option<&'a str>,
    pub remote: &'a str,
    pub outcome: DeliveryOutcome,
    pub reason: &'a str,
    pub order_id: Option<i64>,
    /// Kept for a person to look at.
    pub body: Option<&'a [u8]>,
    pub body_bytes: usize,
}

pub async fn record(conn: &mut AnyConnection, d: &NewDelivery<'_>) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO webhook_deliveries (received_at, channel, topic, delivery_id, shop_order_id, \
         remote, outcome, reason, order_id, body, body_bytes) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(d.received_at_ms)
    .bind(d.channel.as_str())
    .bind(d.topic)
    .bind(d.delivery_id)
    .bind(d.shop_order_id)
    .bind(d.remote)
    .bind(d.outcome.as_str())
    .bind(d.reason)
    .bind(d.order_id)
    .bind(d.body.map(<[u8]>::to_vec))
    .bind(i64::try_from(d.body_bytes).unwrap_or(i64::MAX))
    .fetch_one(&mut *conn)
    .await?)
}

/// A logged delivery, without its body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DeliveryLog {
    pub id: i64,
    pub received_at: DateTime<Utc>,
    pub channel: WebhookChannel,
    pub topic: String,
    pub delivery_id: Option<String>,
    pub shop_order_id: Option<String>,
    /// Who sent it, as the server saw it.
    pub remote: String,
    pub outcome: DeliveryOutcome,
    pub reason: String,
    /// The order it created or changed (its number now).
    pub order: Option<String>,
    pub body_bytes: i64,
    /// Its body is kept for a person to look at.
    pub kept: bool,
    pub handled_at: Option<DateTime<Utc>>,
    pub handled_by: Option<String>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    #[sqlx(try_from = "Millis")]
    received_at: DateTime<Utc>,
    channel: String,
    topic: String,
    delivery_id: Option<String>,
    shop_order_id: Option<String>,
    remote: String,
    outcome: String,
    reason: String,
    order_number: Option<String>,
    body_bytes: i64,
    #[sqlx(try_from = "super::codec::Flag")]
    kept: bool,
    #[sqlx(try_from = "MaybeMillis")]
    handled_at: Option<DateTime<Utc>>,
    handled_by: Option<String>,
}

impl Row {
    fn read(self) -> Result<DeliveryLog> {
        let bad = |column: &str, e: String| super::bad_stored(column, e);
        Ok(DeliveryLog {
            id: self.id,
            received_at: self.received_at,
            channel: WebhookChannel::parse(&self.channel)
                .map_err(|e| bad("webhook_deliveries.channel", e))?,
            topic: self.topic,
            delivery_id: self.delivery_id,
            shop_order_id: self.shop_order_id,
            remote: self.remote,
            outcome: DeliveryOutcome::parse(&self.outcome)
                .map_err(|e| bad("webhook_deliveries.outcome", e))?,
            reason: self.reason,
            order: self.order_number,
            body_bytes: self.body_bytes,
            kept: self.kept,
            handled_at: self.handled_at,
            handled_by: self.handled_by,
        })
    }
}

const COLUMNS: &str = "d.id, d.received_at, d.channel, d.topic, d.delivery_id, d.shop_order_id, \
     d.remote, d.outcome, d.reason, o.number AS order_number, d.body_bytes, \
     CAST(CASE WHEN d.body IS NULL THEN 0 ELSE 1 END AS BIGINT) AS kept, d.handled_at, d.handled_by \
     FROM webhook_deliveries d LEFT JOIN orders o ON o.id = d.order_id";

/// The signed delivery the shop named so, if it came before.
pub async fn by_delivery_id(
    conn: &mut AnyConnection,
    channel: WebhookChannel,
    delivery_id: &str,
) -> Result<Option<DeliveryLog>> {
    let sql = format!("SELECT {COLUMNS} WHERE d.channel = $1 AND d.delivery_id = $2");
    let row: Option<Row> = sqlx::query_as(&sql)
        .bind(channel.as_str())
        .bind(delivery_id)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(Row::read).transpose()
}

/// The newest deliveries first (only those whose bodies wait for a person,
/// with `inbox`), up to `limit`, older than `before` (an id) when given.
pub async fn list(
    conn: &mut AnyConnection,
    inbox: bool,
    limit: i64,
    before: Option<i64>,
) -> Result<Vec<DeliveryLog>> {
    let waiting = if inbox {
        " AND d.body IS NOT NULL AND d.handled_at IS NULL"
    } else {
        ""
    };
    let sql = format!("SELECT {COLUMNS} WHERE d.id < $1{waiting} ORDER BY d.id DESC LIMIT $2");
    let rows: Vec<Row> = sqlx::query_as(&sql)
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?;
    rows.into_iter().map(Row::read).collect()
}

/// One delivery with its kept body (none: not kept).
pub async fn with_body(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<(DeliveryLog, Option<Vec<u8>>)>> {
    let sql = format!("SELECT {COLUMNS} WHERE d.id = $1");
    let row: Option<Row> = sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let body: Option<Vec<u8>> =
        sqlx::query_scalar("SELECT body FROM webhook_deliveries WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
    Ok(Some((row.read()?, body)))
}

/// Marks a kept delivery as dealt with; false when it is not there.
pub async fn mark_handled(conn: &mut AnyConnection, id: i64, by: &str, at_ms: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE webhook_deliveries SET handled_at = $2, handled_by = $3 \
         WHERE id = $1 AND handled_at IS NULL",
    )
    .bind(id)
    .bind(at_ms)
    .bind(by)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Whether the database answers (the server's health check).
pub async fn alive(conn: &mut AnyConnection) -> Result<()> {
    sqlx::query("SELECT 1").execute(&mut *conn).await?;
    Ok(())
}
