//! Orders and their lines.

use super::{ms_to_time, Engine};
use crate::domain::search::{order_search_text, query_words};
use crate::domain::{NewOrder, OrderStatus, PaymentStatus};
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

/// The order row without its lines: what the rules look at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OrderHead {
    pub id: i64,
    pub number: String,
    pub channel: String,
    pub customer_name: String,
    pub email: String,
    pub phone: String,
    pub shipping_address: String,
    pub delivery_method: String,
    pub delivery_cost_minor: i64,
    pub currency: String,
    pub payment_status: PaymentStatus,
    pub comment: String,
    pub status: OrderStatus,
    pub status_changed_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub claimed_station: Option<String>,
    pub claimed_by: Option<String>,
    pub carrier: Option<String>,
    pub tracking_number: Option<String>,
    pub shipped_at: Option<DateTime<Utc>>,
    pub short_reason: Option<String>,
}

const HEAD_COLUMNS: &str = "id, number, channel, customer_name, email, phone, shipping_address, \
    delivery_method, delivery_cost_minor, currency, payment_status, comment, status, \
    status_changed_at, created_at, claimed_station, claimed_by, carrier, tracking_number, \
    shipped_at, short_reason";

fn bad_value(column: &str, e: String) -> Error {
    Error::Storage(sqlx::Error::ColumnDecode {
        index: column.to_string(),
        source: e.into(),
    })
}

fn head(row: &AnyRow) -> Result<OrderHead> {
    let status: String = row.try_get("status")?;
    let payment: String = row.try_get("payment_status")?;
    Ok(OrderHead {
        id: row.try_get("id")?,
        number: row.try_get("number")?,
        channel: row.try_get("channel")?,
        customer_name: row.try_get("customer_name")?,
        email: row.try_get("email")?,
        phone: row.try_get("phone")?,
        shipping_address: row.try_get("shipping_address")?,
        delivery_method: row.try_get("delivery_method")?,
        delivery_cost_minor: row.try_get("delivery_cost_minor")?,
        currency: row.try_get("currency")?,
        payment_status: PaymentStatus::parse(&payment)
            .map_err(|e| bad_value("payment_status", e))?,
        comment: row.try_get("comment")?,
        status: OrderStatus::parse(&status).map_err(|e| bad_value("status", e))?,
        status_changed_at: ms_to_time(row.try_get("status_changed_at")?),
        created_at: ms_to_time(row.try_get("created_at")?),
        claimed_station: row.try_get("claimed_station")?,
        claimed_by: row.try_get("claimed_by")?,
        carrier: row.try_get("carrier")?,
        tracking_number: row.try_get("tracking_number")?,
        shipped_at: row.try_get::<Option<i64>, _>("shipped_at")?.map(ms_to_time),
        short_reason: row.try_get("short_reason")?,
    })
}

/// Reads the order by number; `lock` takes a row lock on PostgreSQL (SQLite's
/// write transaction already holds the whole database).
pub async fn head_by_number(
    conn: &mut AnyConnection,
    engine: Engine,
    number: &str,
    lock: bool,
) -> Result<OrderHead> {
    let suffix = if lock && engine == Engine::Postgres {
        " FOR UPDATE"
    } else {
        ""
    };
    let sql = format!("SELECT {HEAD_COLUMNS} FROM orders WHERE number = $1{suffix}");
    let row = sqlx::query(&sql)
        .bind(number.trim())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| Error::not_found("order", number.trim()))?;
    head(&row)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LineRow {
    pub id: i64,
    pub position: i64,
    pub product_id: Option<i64>,
    pub sku: String,
    pub name: String,
    pub quantity: i64,
    pub unit_price_minor: i64,
    pub discount_minor: i64,
    pub tax_rate_bp: i64,
    pub packed: i64,
    /// The product's default bin, where the picker finds it.
    pub bin: Option<String>,
}

pub async fn lines(conn: &mut AnyConnection, order_id: i64) -> Result<Vec<LineRow>> {
    let rows = sqlx::query(
        "SELECT l.id, l.position, l.product_id, l.sku, l.name, l.quantity, l.unit_price_minor, \
         l.discount_minor, l.tax_rate_bp, l.packed, p.default_bin \
         FROM order_lines l LEFT JOIN products p ON p.id = l.product_id \
         WHERE l.order_id = $1 ORDER BY l.position",
    )
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(LineRow {
                id: r.try_get(0)?,
                position: r.try_get(1)?,
                product_id: r.try_get(2)?,
                sku: r.try_get(3)?,
                name: r.try_get(4)?,
                quantity: r.try_get(5)?,
                unit_price_minor: r.try_get(6)?,
                discount_minor: r.try_get(7)?,
                tax_rate_bp: r.try_get(8)?,
                packed: r.try_get(9)?,
                bin: r.try_get(10)?,
            })
        })
        .collect()
}

/// Inserts a new order with its lines. `Ok(None)` when an order with this
/// number exists already (re-importing a file adds nothing). Returns the id
/// and the SKUs no product carries yet.
pub async fn insert(
    conn: &mut AnyConnection,
    o: &NewOrder,
    now_ms: i64,
) -> Result<Option<(i64, Vec<String>)>> {
    o.validate().map_err(Error::Invalid)?;
    let search = order_search_text(&o.number, &o.customer_name, &o.email, &o.phone, &o.comment);
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO orders (number, channel, customer_name, email, phone, shipping_address, \
         delivery_method, delivery_cost_minor, currency, payment_status, comment, status, \
         status_changed_at, created_at, updated_at, search_text) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $13, $15) \
         ON CONFLICT (number) DO NOTHING RETURNING id",
    )
    .bind(o.number.trim())
    .bind(&o.channel)
    .bind(&o.customer_name)
    .bind(&o.email)
    .bind(&o.phone)
    .bind(&o.shipping_address)
    .bind(&o.delivery_method)
    .bind(o.delivery_cost_minor)
    .bind(o.currency.trim().to_ascii_uppercase())
    .bind(o.payment_status.as_str())
    .bind(&o.comment)
    .bind(o.status.as_str())
    .bind(now_ms)
    .bind(o.created_at.timestamp_millis())
    .bind(&search)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(id) = id else { return Ok(None) };
    let mut unknown = Vec::new();
    for (i, l) in o.lines.iter().enumerate() {
        let product_id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO order_lines (order_id, position, product_id, sku, name, quantity, \
             unit_price_minor, discount_minor, tax_rate_bp, packed) \
             VALUES ($1, $2, (SELECT id FROM products WHERE sku = $3), $3, $4, $5, $6, $7, $8, 0) \
             RETURNING product_id",
        )
        .bind(id)
        .bind(i as i64 + 1)
        .bind(l.sku.trim())
        .bind(&l.name)
        .bind(l.quantity)
        .bind(l.unit_price_minor)
        .bind(l.discount_minor)
        .bind(l.tax_rate_bp)
        .fetch_one(&mut *conn)
        .await?;
        if product_id.is_none() {
            unknown.push(l.sku.trim().to_string());
        }
    }
    Ok(Some((id, unknown)))
}

/// One row of an order listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OrderSummary {
    pub number: String,
    pub status: OrderStatus,
    pub customer_name: String,
    pub channel: String,
    pub delivery_method: String,
    pub created_at: DateTime<Utc>,
    pub units: i64,
    pub packed: i64,
    pub total_minor: i64,
    pub currency: String,
    pub claimed_station: Option<String>,
    /// In its status longer than the status allows.
    pub overdue: bool,
}

#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    pub status: Option<OrderStatus>,
    pub search: Option<String>,
    pub limit: i64,
}

/// Lists orders, newest first; a search matches every word of the query as
/// the start of a word of the number, customer, e-mail, phone or comment.
pub async fn list(
    conn: &mut AnyConnection,
    engine: Engine,
    filter: &OrderFilter,
    now_ms: i64,
) -> Result<Vec<OrderSummary>> {
    let limit = if filter.limit <= 0 {
        200
    } else {
        filter.limit.min(10_000)
    };
    let words = filter
        .search
        .as_deref()
        .map(query_words)
        .unwrap_or_default();
    let mut conditions: Vec<String> = Vec::new();
    let mut binds: Vec<String> = Vec::new();
    if let Some(s) = filter.status {
        binds.push(s.as_str().to_string());
        conditions.push(format!("o.status = ${}", binds.len()));
    }
    // On SQLite the full-text index drives the query newest first and stops
    // at the limit; a common surname would otherwise fetch every match.
    let mut from = "orders o".to_string();
    let mut order_by = "o.id DESC";
    if !words.is_empty() {
        match engine {
            Engine::Sqlite => {
                let q = words
                    .iter()
                    .map(|w| format!("\"{w}\"*"))
                    .collect::<Vec<_>>()
                    .join(" ");
                binds.push(q);
                from = "orders_fts f JOIN orders o ON o.id = f.rowid".into();
                conditions.push(format!("orders_fts MATCH ${}", binds.len()));
                order_by = "f.rowid DESC";
            }
            Engine::Postgres => {
                let q = words
                    .iter()
                    .map(|w| format!("{w}:*"))
                    .collect::<Vec<_>>()
                    .join(" & ");
                binds.push(q);
                conditions.push(format!(
                    "o.search_tsv @@ to_tsquery('simple', ${})",
                    binds.len()
                ));
            }
        }
    }
    let filter_sql = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let sql = format!(
        "SELECT o.number, o.status, o.customer_name, o.channel, o.delivery_method, o.created_at, \
         o.currency, o.claimed_station, o.delivery_cost_minor, \
         (SELECT CAST(COALESCE(SUM(l.quantity), 0) AS BIGINT) FROM order_lines l WHERE l.order_id = o.id), \
         (SELECT CAST(COALESCE(SUM(l.packed), 0) AS BIGINT) FROM order_lines l WHERE l.order_id = o.id), \
         (SELECT CAST(COALESCE(SUM(l.quantity * l.unit_price_minor - l.discount_minor), 0) AS BIGINT) \
            FROM order_lines l WHERE l.order_id = o.id), \
         CASE WHEN s.max_minutes IS NOT NULL AND o.status_changed_at < {now_ms} - s.max_minutes * 60000 \
           THEN 1 ELSE 0 END \
         FROM {from} LEFT JOIN statuses s ON s.code = o.status \
         {filter_sql} ORDER BY {order_by} LIMIT {limit}"
    );
    let mut query = sqlx::query(&sql);
    for b in &binds {
        query = query.bind(b);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    rows.iter()
        .map(|r| {
            let status: String = r.try_get(1)?;
            let delivery: i64 = r.try_get(8)?;
            let goods: i64 = r.try_get(11)?;
            Ok(OrderSummary {
                number: r.try_get(0)?,
                status: OrderStatus::parse(&status).map_err(|e| bad_value("status", e))?,
                customer_name: r.try_get(2)?,
                channel: r.try_get(3)?,
                delivery_method: r.try_get(4)?,
                created_at: ms_to_time(r.try_get(5)?),
                currency: r.try_get(6)?,
                claimed_station: r.try_get(7)?,
                units: r.try_get(9)?,
                packed: r.try_get(10)?,
                total_minor: goods + delivery,
                overdue: r.try_get::<i64, _>(12)? == 1,
            })
        })
        .collect()
}

/// Moves the order to `to` if it is still in `from`; false when another
/// station changed it first.
pub async fn set_status(
    conn: &mut AnyConnection,
    order_id: i64,
    from: OrderStatus,
    to: OrderStatus,
    now_ms: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE orders SET status = $1, status_changed_at = $2, updated_at = $2 \
         WHERE id = $3 AND status = $4",
    )
    .bind(to.as_str())
    .bind(now_ms)
    .bind(order_id)
    .bind(from.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
