//! Stock and order status back to the shop (migration 0030): each
//! channel's shop API, the shop's ids of our products, and the outbox of
//! calls to the shop. A call is queued in the transaction of the change
//! that causes it ([`stock_moved`] from the stock ledger's one writer,
//! [`on_event`] from the history's), so it exists exactly when the change
//! does; the sender claims it under a lease and records the shop's answer.

use crate::domain::time::{MaybeMillis, Millis};
use crate::domain::EventKind;
use crate::exchange::shop_api::ShopApi;
use crate::exchange::webhook::WebhookChannel;
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::AnyConnection;

/// How long a sender holds a claimed call (the HTTP time limit is well
/// inside it): a sender that dies holding one lets it run out, and the call
/// goes again.
pub const LEASE_MS: i64 = 120_000;

crate::named_enum! {
    /// What a call to the shop carries.
    pub enum ShopCallKind("shop call kind") {
        /// A product's stock level (the level when it is sent).
        Stock = "stock",
        /// An order left the warehouse: fulfilled (Shopify) or completed
        /// (WooCommerce), with its tracking number.
        Shipped = "shipped",
    }
}

crate::named_enum! {
    /// Where a call to the shop is.
    pub enum ShopCallState("shop call state") {
        /// Waiting to be sent (again, after a failure that may pass).
        Pending = "pending",
        /// A sender holds it.
        Sending = "sending",
        /// The shop accepted it.
        Done = "done",
        /// The shop refused it for good: a person looks, fixes, retries.
        Failed = "failed",
        /// A newer call of the same product carries the stock level.
        Replaced = "replaced",
    }
}

/// Queues a stock call for every shop that knows the product, in the
/// stock move's transaction; a call already waiting for the product is the
/// same call (it sends the level at the time it is sent).
pub async fn stock_moved(conn: &mut AnyConnection, product_id: i64, now_ms: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO shop_calls (channel, kind, product_id, state, queued_at, next_attempt_at) \
         SELECT p.channel, 'stock', p.product_id, 'pending', $2, $2 \
         FROM shop_products p JOIN shop_apis a ON a.channel = p.channel \
         WHERE p.product_id = $1 \
         ON CONFLICT (channel, product_id) WHERE kind = 'stock' AND state = 'pending' DO NOTHING",
    )
    .bind(product_id)
    .bind(now_ms)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Queues what an order event tells the shop, in the event's transaction:
/// an order of a shop whose API is set, shipped.
pub async fn on_event(
    conn: &mut AnyConnection,
    order_id: i64,
    kind: EventKind,
    now_ms: i64,
) -> Result<()> {
    if kind != EventKind::Shipped {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO shop_calls (channel, kind, order_id, state, queued_at, next_attempt_at) \
         SELECT s.channel, 'shipped', s.order_id, 'pending', $2, $2 \
         FROM shop_orders s JOIN shop_apis a ON a.channel = s.channel \
         WHERE s.order_id = $1 \
         ON CONFLICT (channel, order_id) WHERE kind = 'shipped' AND state = 'pending' DO NOTHING",
    )
    .bind(order_id)
    .bind(now_ms)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A channel's shop API as stored, with who set it.
#[derive(Clone)]
pub struct StoredApi {
    pub api: ShopApi,
    pub set_by: String,
    pub set_at_ms: i64,
}

#[derive(sqlx::FromRow)]
struct ApiRow {
    channel: String,
    base_url: String,
    api_version: String,
    location_id: String,
    api_key: String,
    api_secret: String,
    set_by: String,
    set_at: i64,
}

impl ApiRow {
    fn read(self) -> Result<StoredApi> {
        Ok(StoredApi {
            api: ShopApi {
                channel: WebhookChannel::parse(&self.channel)
                    .map_err(|e| super::bad_stored("shop_apis.channel", e))?,
                base_url: self.base_url,
                api_version: self.api_version,
                location_id: self.location_id,
                api_key: self.api_key,
                api_secret: self.api_secret,
            },
            set_by: self.set_by,
            set_at_ms: self.set_at,
        })
    }
}

const API_COLUMNS: &str =
    "channel, base_url, api_version, location_id, api_key, api_secret, set_by, set_at";

pub async fn api(conn: &mut AnyConnection, channel: WebhookChannel) -> Result<Option<StoredApi>> {
    let row: Option<ApiRow> = sqlx::query_as(&format!(
        "SELECT {API_COLUMNS} FROM shop_apis WHERE channel = $1"
    ))
    .bind(channel.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    row.map(ApiRow::read).transpose()
}

pub async fn put_api(
    conn: &mut AnyConnection,
    api: &ShopApi,
    set_by: &str,
    now_ms: i64,
) -> Result<()> {
    sqlx::query("DELETE FROM shop_apis WHERE channel = $1")
        .bind(api.channel.as_str())
        .execute(&mut *conn)
        .await?;
    sqlx::query(&format!(
        "INSERT INTO shop_apis ({API_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    ))
    .bind(api.channel.as_str())
    .bind(&api.base_url)
    .bind(&api.api_version)
    .bind(&api.location_id)
    .bind(&api.api_key)
    .bind(&api.api_secret)
    .bind(set_by)
    .bind(now_ms)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Forgets a channel's shop API; its calls still waiting are dropped
/// (marked failed, saying so). True when there was one.
pub async fn remove_api(
    conn: &mut AnyConnection,
    channel: WebhookChannel,
    now_ms: i64,
) -> Result<bool> {
    let gone = sqlx::query("DELETE FROM shop_apis WHERE channel = $1")
        .bind(channel.as_str())
        .execute(&mut *conn)
        .await?
        .rows_affected()
        == 1;
    sqlx::query(
        "UPDATE shop_calls SET state = 'failed', finished_at = $2, \
         last_error = 'the shop API was disconnected before the call went' \
         WHERE channel = $1 AND state IN ('pending', 'sending')",
    )
    .bind(channel.as_str())
    .bind(now_ms)
    .execute(&mut *conn)
    .await?;
    Ok(gone)
}

/// The shop's ids of one of our products.
#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct ProductRefs {
    pub shop_product_id: String,
    pub shop_variant_id: String,
    pub inventory_item_id: String,
}

/// The product a SKU names, if any.
pub async fn product_id_of(conn: &mut AnyConnection, sku: &str) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar("SELECT id FROM products WHERE sku = $1")
        .bind(sku)
        .fetch_optional(&mut *conn)
        .await?)
}

/// Keeps the shop's ids of a product as an order names them; ids the shop
/// changed (the product was made again there) replace the old ones, and
/// the inventory item learnt for the old variant is forgotten.
pub async fn remember_product(
    conn: &mut AnyConnection,
    channel: WebhookChannel,
    product_id: i64,
    shop_product_id: &str,
    shop_variant_id: &str,
    now_ms: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO shop_products (channel, product_id, shop_product_id, shop_variant_id, seen_at) \
         VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (channel, product_id) DO UPDATE SET \
           inventory_item_id = CASE WHEN shop_products.shop_variant_id = excluded.shop_variant_id \
             THEN shop_products.inventory_item_id ELSE '' END, \
           shop_product_id = excluded.shop_product_id, \
           shop_variant_id = excluded.shop_variant_id, seen_at = excluded.seen_at",
    )
    .bind(channel.as_str())
    .bind(product_id)
    .bind(shop_product_id)
    .bind(shop_variant_id)
    .bind(now_ms)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn product_refs(
    conn: &mut AnyConnection,
    channel: WebhookChannel,
    product_id: i64,
) -> Result<Option<ProductRefs>> {
    Ok(sqlx::query_as(
        "SELECT shop_product_id, shop_variant_id, inventory_item_id FROM shop_products \
         WHERE channel = $1 AND product_id = $2",
    )
    .bind(channel.as_str())
    .bind(product_id)
    .fetch_optional(&mut *conn)
    .await?)
}

pub async fn set_inventory_item(
    conn: &mut AnyConnection,
    channel: WebhookChannel,
    product_id: i64,
    inventory_item_id: &str,
) -> Result<()> {
    sqlx::query(
        "UPDATE shop_products SET inventory_item_id = $3 WHERE channel = $1 AND product_id = $2",
    )
    .bind(channel.as_str())
    .bind(product_id)
    .bind(inventory_item_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The level the shop is told: the units on hand no order holds, across
/// every bin (never below zero).
pub async fn free_units(conn: &mut AnyConnection, product_id: i64) -> Result<i64> {
    let free: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(on_hand - reserved), 0) AS BIGINT) FROM stock WHERE product_id = $1",
    )
    .bind(product_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(free.max(0))
}

/// How a shipped order left, for the shop: the shop's order id, the
/// carrier's name and the tracking number.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ShippedOrder {
    pub shop_order_id: String,
    pub carrier: Option<String>,
    pub carrier_name: Option<String>,
    pub tracking_number: Option<String>,
}

pub async fn shipped_order(
    conn: &mut AnyConnection,
    channel: WebhookChannel,
    order_id: i64,
) -> Result<Option<ShippedOrder>> {
    Ok(sqlx::query_as(
        "SELECT s.shop_order_id, o.carrier, \
           (SELECT c.name FROM carriers c WHERE c.code = o.carrier OR c.name = o.carrier \
            ORDER BY c.code LIMIT 1) AS carrier_name, o.tracking_number \
         FROM shop_orders s JOIN orders o ON o.id = s.order_id \
         WHERE s.channel = $1 AND s.order_id = $2",
    )
    .bind(channel.as_str())
    .bind(order_id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// One call to the shop, as the queue's screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ShopCall {
    pub id: i64,
    pub channel: WebhookChannel,
    pub kind: ShopCallKind,
    pub product_id: Option<i64>,
    pub sku: Option<String>,
    pub order_id: Option<i64>,
    pub order_number: Option<String>,
    pub state: ShopCallState,
    pub queued_at: DateTime<Utc>,
    pub attempts: i64,
    /// When it goes (again); for a call being sent, when its lease ends.
    pub next_attempt_at: DateTime<Utc>,
    /// Requests of the call the shop has accepted (a WooCommerce shipment
    /// is two: the status, then the tracking note).
    pub steps_done: i64,
    /// The shop's HTTP status at the last attempt.
    pub last_status: Option<i64>,
    /// Why the last attempt failed, for a person.
    pub last_error: Option<String>,
    /// The last request sent: method, path and body (never the headers).
    pub last_request: Option<String>,
    pub finished_at: Option<DateTime<Utc>>,
    /// Who sent it again by hand, last.
    pub retried_by: Option<String>,
}

#[derive(sqlx::FromRow)]
struct CallRow {
    id: i64,
    channel: String,
    kind: String,
    product_id: Option<i64>,
    sku: Option<String>,
    order_id: Option<i64>,
    order_number: Option<String>,
    state: String,
    #[sqlx(try_from = "Millis")]
    queued_at: DateTime<Utc>,
    attempts: i64,
    #[sqlx(try_from = "Millis")]
    next_attempt_at: DateTime<Utc>,
    steps_done: i64,
    last_status: Option<i64>,
    last_error: Option<String>,
    last_request: Option<String>,
    #[sqlx(try_from = "MaybeMillis")]
    finished_at: Option<DateTime<Utc>>,
    retried_by: Option<String>,
}

impl CallRow {
    fn read(self) -> Result<ShopCall> {
        let bad = |column: &str, e: String| super::bad_stored(column, e);
        Ok(ShopCall {
            id: self.id,
            channel: WebhookChannel::parse(&self.channel)
                .map_err(|e| bad("shop_calls.channel", e))?,
            kind: ShopCallKind::parse(&self.kind).map_err(|e| bad("shop_calls.kind", e))?,
            product_id: self.product_id,
            sku: self.sku,
            order_id: self.order_id,
            order_number: self.order_number,
            state: ShopCallState::parse(&self.state).map_err(|e| bad("shop_calls.state", e))?,
            queued_at: self.queued_at,
            attempts: self.attempts,
            next_attempt_at: self.next_attempt_at,
            steps_done: self.steps_done,
            last_status: self.last_status,
            last_error: self.last_error,
            last_request: self.last_request,
            finished_at: self.finished_at,
            retried_by: self.retried_by,
        })
    }
}

const CALL_COLUMNS: &str = "c.id, c.channel, c.kind, c.product_id, p.sku, c.order_id, \
    o.number AS order_number, c.state, c.queued_at, c.attempts, c.next_attempt_at, c.steps_done, \
    c.last_status, c.last_error, c.last_request, c.finished_at, c.retried_by \
    FROM shop_calls c LEFT JOIN products p ON p.id = c.product_id \
    LEFT JOIN orders o ON o.id = c.order_id";

pub async fn call(conn: &mut AnyConnection, id: i64) -> Result<ShopCall> {
    let row: Option<CallRow> = sqlx::query_as(&format!("SELECT {CALL_COLUMNS} WHERE c.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    row.ok_or_else(|| Error::not_found("shop call", id.to_string()))?
        .read()
}

/// Takes the next call due: pending ones whose time has come, and ones
/// whose sender's lease ran out (the sender died: sent again, see
/// docs/SERVER.md). None when nothing is due.
pub async fn claim_next(conn: &mut AnyConnection, now_ms: i64) -> Result<Option<ShopCall>> {
    loop {
        let id: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM shop_calls WHERE state IN ('pending', 'sending') \
             AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT 1",
        )
        .bind(now_ms)
        .fetch_optional(&mut *conn)
        .await?;
        let Some(id) = id else { return Ok(None) };
        // Another sender may take it first: one update from its due state wins.
        let won = sqlx::query(
            "UPDATE shop_calls SET state = 'sending', attempts = attempts + 1, \
             next_attempt_at = $1 \
             WHERE id = $2 AND state IN ('pending', 'sending') AND next_attempt_at <= $3",
        )
        .bind(now_ms + LEASE_MS)
        .bind(id)
        .bind(now_ms)
        .execute(&mut *conn)
        .await?
        .rows_affected()
            == 1;
        if won {
            return Ok(Some(call(conn, id).await?));
        }
    }
}

/// The request just sent, kept before its answer is known (so a person
/// sees what went even when the answer is lost).
pub async fn note_request(conn: &mut AnyConnection, id: i64, request: &str) -> Result<()> {
    sqlx::query("UPDATE shop_calls SET last_request = $2 WHERE id = $1")
        .bind(id)
        .bind(request)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A request of a multi-request call was accepted: the next attempt starts
/// after it.
pub async fn step_done(conn: &mut AnyConnection, id: i64, steps: i64) -> Result<()> {
    sqlx::query("UPDATE shop_calls SET steps_done = $2 WHERE id = $1")
        .bind(id)
        .bind(steps)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The shop accepted the call (or there was nothing left to tell it).
pub async fn mark_done(
    conn: &mut AnyConnection,
    id: i64,
    status: Option<i64>,
    note: Option<&str>,
    now_ms: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE shop_calls SET state = 'done', finished_at = $2, last_status = $3, \
         last_error = $4 WHERE id = $1",
    )
    .bind(id)
    .bind(now_ms)
    .bind(status)
    .bind(note)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The shop refused the call for good: a person looks.
pub async fn mark_failed(
    conn: &mut AnyConnection,
    id: i64,
    status: Option<i64>,
    reason: &str,
    now_ms: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE shop_calls SET state = 'failed', finished_at = $2, last_status = $3, \
         last_error = $4 WHERE id = $1",
    )
    .bind(id)
    .bind(now_ms)
    .bind(status)
    .bind(reason)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The call goes again at `next_ms`. A stock call whose product got a
/// newer waiting call meanwhile is replaced by it (that one sends the
/// level, at this one's time).
pub async fn retry_later(
    conn: &mut AnyConnection,
    c: &ShopCall,
    status: Option<i64>,
    reason: &str,
    next_ms: i64,
) -> Result<()> {
    if c.kind == ShopCallKind::Stock {
        let newer: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM shop_calls WHERE channel = $1 AND product_id = $2 \
             AND kind = 'stock' AND state = 'pending' AND id <> $3",
        )
        .bind(c.channel.as_str())
        .bind(c.product_id)
        .bind(c.id)
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(newer) = newer {
            sqlx::query(
                "UPDATE shop_calls SET next_attempt_at = $2, attempts = $3 WHERE id = $1 \
                 AND next_attempt_at < $2",
            )
            .bind(newer)
            .bind(next_ms)
            .bind(c.attempts)
            .execute(&mut *conn)
            .await?;
            sqlx::query(
                "UPDATE shop_calls SET state = 'replaced', last_status = $2, last_error = $3 \
                 WHERE id = $1",
            )
            .bind(c.id)
            .bind(status)
            .bind(format!("{reason}; call {newer} sends the level now"))
            .execute(&mut *conn)
            .await?;
            return Ok(());
        }
    }
    sqlx::query(
        "UPDATE shop_calls SET state = 'pending', next_attempt_at = $2, last_status = $3, \
         last_error = $4 WHERE id = $1",
    )
    .bind(c.id)
    .bind(next_ms)
    .bind(status)
    .bind(reason)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A failed call goes again now (a person decided so). False when it is
/// not failed. A stock call whose product has a call waiting already is
/// replaced by that one.
pub async fn retry_now(conn: &mut AnyConnection, id: i64, by: &str, now_ms: i64) -> Result<bool> {
    let c = call(conn, id).await?;
    if c.state != ShopCallState::Failed {
        return Ok(false);
    }
    if c.kind == ShopCallKind::Stock {
        let waiting: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM shop_calls WHERE channel = $1 AND product_id = $2 \
             AND kind = 'stock' AND state = 'pending'",
        )
        .bind(c.channel.as_str())
        .bind(c.product_id)
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(waiting) = waiting {
            sqlx::query("UPDATE shop_calls SET state = 'replaced', retried_by = $2 WHERE id = $1")
                .bind(id)
                .bind(by)
                .execute(&mut *conn)
                .await?;
            sqlx::query("UPDATE shop_calls SET next_attempt_at = $2 WHERE id = $1")
                .bind(waiting)
                .bind(now_ms)
                .execute(&mut *conn)
                .await?;
            return Ok(true);
        }
    }
    if c.kind == ShopCallKind::Shipped {
        // A shipment already waiting again for the same order is the one.
        let waiting: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM shop_calls WHERE channel = $1 AND order_id = $2 \
             AND kind = 'shipped' AND state = 'pending'",
        )
        .bind(c.channel.as_str())
        .bind(c.order_id)
        .fetch_optional(&mut *conn)
        .await?;
        if waiting.is_some() {
            return Ok(false);
        }
    }
    Ok(sqlx::query(
        "UPDATE shop_calls SET state = 'pending', next_attempt_at = $2, finished_at = NULL, \
         retried_by = $3 WHERE id = $1 AND state = 'failed'",
    )
    .bind(id)
    .bind(now_ms)
    .bind(by)
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1)
}

/// Calls newest first: only those in `state` when given.
pub async fn list(
    conn: &mut AnyConnection,
    state: Option<ShopCallState>,
    limit: i64,
) -> Result<Vec<ShopCall>> {
    let rows: Vec<CallRow> = match state {
        Some(s) => {
            sqlx::query_as(&format!(
                "SELECT {CALL_COLUMNS} WHERE c.state = $1 ORDER BY c.id DESC LIMIT $2"
            ))
            .bind(s.as_str())
            .bind(limit)
            .fetch_all(&mut *conn)
            .await?
        }
        None => {
            sqlx::query_as(&format!(
                "SELECT {CALL_COLUMNS} ORDER BY c.id DESC LIMIT $1"
            ))
            .bind(limit)
            .fetch_all(&mut *conn)
            .await?
        }
    };
    rows.into_iter().map(CallRow::read).collect()
}

/// How many calls are in each state.
pub async fn counts(conn: &mut AnyConnection) -> Result<Vec<(ShopCallState, i64)>> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT state, CAST(COUNT(*) AS BIGINT) FROM shop_calls GROUP BY state ORDER BY state",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|(s, n)| {
            ShopCallState::parse(&s)
                .map(|s| (s, n))
                .map_err(|e| super::bad_stored("shop_calls.state", e))
        })
        .collect()
}
