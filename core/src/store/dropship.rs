//! Dropshipping (migration 0028): suppliers, the products they ship,
//! purchase orders and their lines (the order lines they took), and the
//! supplier's parcel as a shipment of its own.

use crate::domain::dropship::{purchase_order_number, DropshipState, SupplierInput};
use crate::domain::time::{MaybeMillis, Millis};
use crate::domain::{Actor, OrderStatus};
use crate::store::outbox::MessageStatus;
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::AnyConnection;

/// A supplier as the suppliers' list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Supplier {
    pub id: i64,
    pub name: String,
    /// Empty: purchase orders are not mailed (each is flagged).
    pub email: String,
    pub inn: String,
    pub phone: String,
    /// Products it ships to the customer.
    pub products: i64,
    /// Its purchase orders still waiting for a tracking number.
    pub open_orders: i64,
}

const SUPPLIER_COLUMNS: &str = "s.id, s.name, s.email, s.inn, s.phone, \
    (SELECT CAST(COUNT(*) AS BIGINT) FROM products p WHERE p.dropship_supplier_id = s.id) AS products, \
    (SELECT CAST(COUNT(*) AS BIGINT) FROM purchase_orders po WHERE po.supplier_id = s.id \
       AND po.state = 'awaiting_supplier') AS open_orders";

pub async fn suppliers(conn: &mut AnyConnection) -> Result<Vec<Supplier>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {SUPPLIER_COLUMNS} FROM suppliers s ORDER BY s.name"
    ))
    .fetch_all(&mut *conn)
    .await?)
}

/// The supplier of this name (case as typed, trimmed); not found names it.
pub async fn supplier_by_name(conn: &mut AnyConnection, name: &str) -> Result<Supplier> {
    let name = name.trim();
    let found: Option<Supplier> = sqlx::query_as(&format!(
        "SELECT {SUPPLIER_COLUMNS} FROM suppliers s WHERE s.name = $1"
    ))
    .bind(name)
    .fetch_optional(&mut *conn)
    .await?;
    match found {
        Some(s) => Ok(s),
        None => {
            // A name typed in another case still finds its supplier.
            let all = suppliers(conn).await?;
            let lower = name.to_lowercase();
            all.into_iter()
                .find(|s| s.name.to_lowercase() == lower)
                .ok_or_else(|| Error::not_found("supplier", name))
        }
    }
}

/// Adds the supplier, or changes the one of that name. Returns its id and
/// whether it is new.
pub async fn save_supplier(
    conn: &mut AnyConnection,
    s: &SupplierInput,
    now_ms: i64,
) -> Result<(i64, bool)> {
    let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM suppliers WHERE name = $1")
        .bind(&s.name)
        .fetch_optional(&mut *conn)
        .await?;
    if let Some(id) = existing {
        sqlx::query(
            "UPDATE suppliers SET email = $1, inn = $2, phone = $3, updated_at = $4 WHERE id = $5",
        )
        .bind(&s.email)
        .bind(&s.inn)
        .bind(&s.phone)
        .bind(now_ms)
        .bind(id)
        .execute(&mut *conn)
        .await?;
        return Ok((id, false));
    }
    let id = sqlx::query_scalar(
        "INSERT INTO suppliers (name, email, inn, phone, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
    )
    .bind(&s.name)
    .bind(&s.email)
    .bind(&s.inn)
    .bind(&s.phone)
    .bind(now_ms)
    .fetch_one(&mut *conn)
    .await?;
    Ok((id, true))
}

/// The product of a SKU: (id, the supplier that ships it now).
pub async fn product_by_sku(conn: &mut AnyConnection, sku: &str) -> Result<(i64, Option<i64>)> {
    sqlx::query_as("SELECT id, dropship_supplier_id FROM products WHERE sku = $1")
        .bind(sku.trim())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| Error::not_found("product with SKU", sku.trim()))
}

/// Links a product to the supplier who ships it (none: the warehouse).
pub async fn link_product(
    conn: &mut AnyConnection,
    product_id: i64,
    supplier_id: Option<i64>,
) -> Result<()> {
    sqlx::query("UPDATE products SET dropship_supplier_id = $1 WHERE id = $2")
        .bind(supplier_id)
        .bind(product_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The SKUs a supplier ships.
pub async fn skus_of(conn: &mut AnyConnection, supplier_id: i64) -> Result<Vec<String>> {
    Ok(
        sqlx::query_scalar("SELECT sku FROM products WHERE dropship_supplier_id = $1 ORDER BY sku")
            .bind(supplier_id)
            .fetch_all(&mut *conn)
            .await?,
    )
}

/// An order's lines that a supplier ships and no purchase order holds
/// yet: (line id, supplier id), in line order.
pub async fn lines_to_order(conn: &mut AnyConnection, order_id: i64) -> Result<Vec<(i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT l.id, p.dropship_supplier_id FROM order_lines l \
         JOIN products p ON p.id = l.product_id \
         WHERE l.order_id = $1 AND l.purchase_order_id IS NULL \
           AND p.dropship_supplier_id IS NOT NULL AND l.packed = 0 AND l.quantity > 0 \
         ORDER BY l.position",
    )
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// The purchase order of an order to a supplier, if there is one (there is
/// never more than one: UNIQUE (order_id, supplier_id)).
pub async fn po_of(
    conn: &mut AnyConnection,
    order_id: i64,
    supplier_id: i64,
) -> Result<Option<(i64, DropshipState)>> {
    Ok(sqlx::query_as(
        "SELECT id, state FROM purchase_orders WHERE order_id = $1 AND supplier_id = $2",
    )
    .bind(order_id)
    .bind(supplier_id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// A new purchase order, numbered from its id.
pub async fn insert_po(
    conn: &mut AnyConnection,
    order_id: i64,
    supplier_id: i64,
    actor: &Actor,
    now_ms: i64,
) -> Result<i64> {
    // The number comes from the id, which the insert gives: a unique
    // placeholder first, then the number.
    let placeholder = format!("new-{order_id}-{supplier_id}");
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO purchase_orders (number, supplier_id, order_id, created_at, created_by) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(&placeholder)
    .bind(supplier_id)
    .bind(order_id)
    .bind(now_ms)
    .bind(&actor.user)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query("UPDATE purchase_orders SET number = $1 WHERE id = $2")
        .bind(purchase_order_number(id))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(id)
}

/// Puts a line on a purchase order; false when another holds it already.
pub async fn attach_line(conn: &mut AnyConnection, line_id: i64, po_id: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE order_lines SET purchase_order_id = $1 WHERE id = $2 AND purchase_order_id IS NULL",
    )
    .bind(po_id)
    .bind(line_id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records how the purchase order went out: its outbox message, or why it
/// was not mailed.
pub async fn set_mail(
    conn: &mut AnyConnection,
    po_id: i64,
    outbox_id: Option<i64>,
    problem: Option<&str>,
) -> Result<()> {
    sqlx::query("UPDATE purchase_orders SET outbox_id = $1, mail_problem = $2 WHERE id = $3")
        .bind(outbox_id)
        .bind(problem)
        .bind(po_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A purchase order's head, with its supplier, order and mail state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PurchaseOrderHead {
    pub id: i64,
    pub number: String,
    pub supplier_id: i64,
    pub supplier: String,
    pub supplier_email: String,
    pub supplier_inn: String,
    pub supplier_phone: String,
    pub order_id: i64,
    pub order_number: String,
    pub order_status: OrderStatus,
    pub state: DropshipState,
    #[sqlx(try_from = "Millis")]
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    /// The outbox message's state; none: not mailed (see `mail_problem`).
    pub mail_status: Option<MessageStatus>,
    /// Why it was not mailed, or the mail server's last words.
    pub mail_problem: Option<String>,
    pub carrier: Option<String>,
    pub tracking_number: Option<String>,
    #[sqlx(try_from = "MaybeMillis")]
    pub shipped_at: Option<DateTime<Utc>>,
    pub units: i64,
}

const PO_COLUMNS: &str = "po.id, po.number, po.supplier_id, s.name AS supplier, \
    s.email AS supplier_email, s.inn AS supplier_inn, s.phone AS supplier_phone, \
    po.order_id, o.number AS order_number, o.status AS order_status, po.state, po.created_at, \
    po.created_by, m.status AS mail_status, COALESCE(po.mail_problem, m.last_error) AS mail_problem, \
    po.carrier, po.tracking_number, po.shipped_at, \
    (SELECT CAST(COALESCE(SUM(l.quantity), 0) AS BIGINT) FROM order_lines l \
       WHERE l.purchase_order_id = po.id) AS units";

const PO_FROM: &str = "FROM purchase_orders po JOIN suppliers s ON s.id = po.supplier_id \
    JOIN orders o ON o.id = po.order_id LEFT JOIN outbox m ON m.id = po.outbox_id";

pub async fn po(conn: &mut AnyConnection, id: i64) -> Result<PurchaseOrderHead> {
    sqlx::query_as(&format!("SELECT {PO_COLUMNS} {PO_FROM} WHERE po.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| Error::not_found("purchase order", purchase_order_number(id)))
}

/// Purchase orders newest first: those in `state` (all when none), or of
/// one order.
pub async fn pos(
    conn: &mut AnyConnection,
    state: Option<DropshipState>,
    order_id: Option<i64>,
    limit: i64,
) -> Result<Vec<PurchaseOrderHead>> {
    let sql = format!(
        "SELECT {PO_COLUMNS} {PO_FROM} WHERE ($1 IS NULL OR po.state = $1) \
         AND ($2 IS NULL OR po.order_id = $2) ORDER BY po.id DESC LIMIT {}",
        limit.clamp(1, 10_000)
    );
    Ok(sqlx::query_as(&sql)
        .bind(state.map(|s| s.as_str()))
        .bind(order_id)
        .fetch_all(&mut *conn)
        .await?)
}

/// A line of a purchase order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PurchaseOrderLine {
    pub sku: String,
    pub name: String,
    pub quantity: i64,
    /// The product's first unit barcode, if it has one.
    pub barcode: Option<String>,
}

pub async fn po_lines(conn: &mut AnyConnection, po_id: i64) -> Result<Vec<PurchaseOrderLine>> {
    Ok(sqlx::query_as(
        "SELECT l.sku, l.name, l.quantity, \
           (SELECT MIN(b.code) FROM product_barcodes b WHERE b.product_id = l.product_id \
              AND b.units = 1) AS barcode \
         FROM order_lines l WHERE l.purchase_order_id = $1 ORDER BY l.position",
    )
    .bind(po_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// The supplier's parcel left: false when the purchase order was not
/// waiting any more (shipped or cancelled meanwhile).
pub async fn mark_po_shipped(
    conn: &mut AnyConnection,
    po_id: i64,
    carrier: &str,
    tracking: &str,
    actor: &Actor,
    now_ms: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE purchase_orders SET state = 'shipped', carrier = $1, tracking_number = $2, \
         shipped_at = $3, shipped_by = $4 WHERE id = $5 AND state = 'awaiting_supplier'",
    )
    .bind(carrier)
    .bind(tracking)
    .bind(now_ms)
    .bind(&actor.user)
    .bind(po_id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Cancels an order's purchase orders still waiting for the supplier;
/// returns their ids.
pub async fn cancel_open(conn: &mut AnyConnection, order_id: i64, now_ms: i64) -> Result<Vec<i64>> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM purchase_orders WHERE order_id = $1 AND state = 'awaiting_supplier' ORDER BY id",
    )
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE purchase_orders SET state = 'cancelled', cancelled_at = $1 \
         WHERE order_id = $2 AND state = 'awaiting_supplier'",
    )
    .bind(now_ms)
    .bind(order_id)
    .execute(&mut *conn)
    .await?;
    Ok(ids)
}

/// How an order's parts stand: its purchase orders waiting and shipped,
/// its lines the warehouse ships, and whether the warehouse's parcel left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct Parts {
    pub awaiting: i64,
    pub shipped: i64,
    pub warehouse_lines: i64,
    pub warehouse_shipped: i64,
}

pub async fn parts(conn: &mut AnyConnection, order_id: i64) -> Result<Parts> {
    Ok(sqlx::query_as(
        "SELECT \
           (SELECT CAST(COUNT(*) AS BIGINT) FROM purchase_orders WHERE order_id = $1 \
              AND state = 'awaiting_supplier') AS awaiting, \
           (SELECT CAST(COUNT(*) AS BIGINT) FROM purchase_orders WHERE order_id = $1 \
              AND state = 'shipped') AS shipped, \
           (SELECT CAST(COUNT(*) AS BIGINT) FROM order_lines WHERE order_id = $1 \
              AND purchase_order_id IS NULL) AS warehouse_lines, \
           (SELECT CAST(COUNT(*) AS BIGINT) FROM shipments WHERE order_id = $1 \
              AND purchase_order_id IS NULL) AS warehouse_shipped",
    )
    .bind(order_id)
    .fetch_one(&mut *conn)
    .await?)
}

/// The supplier's parcel as a shipment of the order (never on a hand-over
/// to the store's couriers).
pub async fn insert_shipment(
    conn: &mut AnyConnection,
    order_id: i64,
    po_id: i64,
    carrier: &str,
    tracking: &str,
    actor: &Actor,
    now_ms: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO shipments (order_id, carrier, shipped_at, shipped_by, station, \
         tracking_number, purchase_order_id) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(order_id)
    .bind(carrier)
    .bind(now_ms)
    .bind(&actor.user)
    .bind(&actor.station)
    .bind(tracking)
    .bind(po_id)
    .fetch_one(&mut *conn)
    .await?)
}

/// The order's carrier and tracking number as the part that left names
/// them (the customer's message about that parcel reads them), its status
/// unchanged.
pub async fn set_order_parcel(
    conn: &mut AnyConnection,
    order_id: i64,
    carrier: &str,
    tracking: &str,
    now_ms: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE orders SET carrier = $1, tracking_number = $2, updated_at = $3 WHERE id = $4",
    )
    .bind(carrier)
    .bind(tracking)
    .bind(now_ms)
    .bind(order_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Ships an order whose last part left from `from` (an order the
/// warehouse ships nothing of is still `confirmed`); false when it moved
/// meanwhile.
pub async fn mark_order_shipped(
    conn: &mut AnyConnection,
    order_id: i64,
    from: OrderStatus,
    carrier: &str,
    tracking: &str,
    now_ms: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE orders SET status = $1, sub_status = NULL, sub_status_since = NULL, \
         carrier = $2, tracking_number = $3, shipped_at = $4, status_changed_at = $4, \
         updated_at = $4, claimed_station = NULL, claimed_by = NULL WHERE id = $5 AND status = $6",
    )
    .bind(OrderStatus::Shipped)
    .bind(carrier)
    .bind(tracking)
    .bind(now_ms)
    .bind(order_id)
    .bind(from)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
