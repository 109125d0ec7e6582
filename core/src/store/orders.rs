//! Orders and their lines.

use super::codec::Flag;
use super::Engine;
use crate::domain::desk::{HeadValues, LineChange, LineSplit};
pub use crate::domain::filter::OrderFilter;
use crate::domain::search::order_search_text;
use crate::domain::time::Millis;
use crate::domain::{NewLine, NewOrder, OrderHead, OrderLine, OrderStatus, PaymentStatus};
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::any::AnyArguments;
use sqlx::AnyConnection;
use sqlx::Arguments;
use std::collections::HashMap;

pub(crate) const HEAD_COLUMNS: &str =
    "id, number, channel, customer_name, email, phone, shipping_address, \
    delivery_method, delivery_cost_minor, currency, payment_status, comment, status, \
    status_changed_at, created_at, claimed_station, claimed_by, carrier, tracking_number, \
    shipped_at, short_reason, sub_status, manager, hold_reason, split_from";

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
    if let Some(head) = sqlx::query_as(&sql)
        .bind(number.trim())
        .fetch_optional(&mut *conn)
        .await?
    {
        return Ok(head);
    }
    // A number the order had before it was renumbered still finds it.
    let sql = format!(
        "SELECT {HEAD_COLUMNS} FROM orders WHERE id = \
         (SELECT order_id FROM order_numbers WHERE number = $1){suffix}"
    );
    sqlx::query_as(&sql)
        .bind(number.trim())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| Error::not_found("order", number.trim()))
}

/// The order's lines in their order, with the product's default bin.
pub async fn lines(conn: &mut AnyConnection, order_id: i64) -> Result<Vec<OrderLine>> {
    macro_rules! lines_sql {
        ($order_id:literal) => {
            concat!(
                "SELECT l.id, l.position, l.product_id, l.sku, l.name, l.quantity, \
                 l.unit_price_minor, l.discount_minor, l.tax_rate_bp, l.amount_minor, l.packed, \
                 p.default_bin AS bin, l.backordered, l.expected_on, \
                 po.state AS dropship, su.name AS supplier, po.number AS purchase_order, \
                 po.tracking_number AS supplier_tracking \
                 FROM order_lines l LEFT JOIN products p ON p.id = l.product_id \
                 LEFT JOIN purchase_orders po ON po.id = l.purchase_order_id \
                 LEFT JOIN suppliers su ON su.id = po.supplier_id \
                 WHERE l.order_id = ",
                $order_id,
                " ORDER BY l.position"
            )
        };
    }
    // SQLite: `+$1`, so the statement is not compiled again on every run
    // (see [`super::stable_marks`]).
    let sql = if super::stable_marks(conn) {
        lines_sql!("+$1")
    } else {
        lines_sql!("$1")
    };
    Ok(sqlx::query_as(sql)
        .bind(order_id)
        .fetch_all(&mut *conn)
        .await?)
}

/// Inserts a new order with its lines. `Ok(None)` when an order with this
/// number exists already, or had it before it was renumbered (re-importing
/// a file adds nothing). Returns the id and the SKUs no product carries
/// yet.
pub async fn insert(
    conn: &mut AnyConnection,
    o: &NewOrder,
    now_ms: i64,
) -> Result<Option<(i64, Vec<String>)>> {
    Ok(insert_many(conn, &[o], now_ms).await?.pop().flatten())
}

/// Inserts new orders with their lines in a few statements (an import's
/// chunk): for each order, as [`insert`] answers. Every order is checked
/// first; one that breaks a rule fails the whole call. Of two orders with
/// the same number, the first is inserted.
pub async fn insert_many(
    conn: &mut AnyConnection,
    orders: &[&NewOrder],
    now_ms: i64,
) -> Result<Vec<Option<(i64, Vec<String>)>>> {
    for o in orders {
        o.validate().map_err(Error::Invalid)?;
    }
    let marks = super::Marks::of(conn);
    // A number an order had before it was renumbered is still that
    // order's (head_by_number finds it): such an order exists already.
    let numbers: Vec<&str> = orders.iter().map(|o| o.number.trim()).collect();
    let mut former: std::collections::HashSet<String> = Default::default();
    for part in numbers.chunks(super::rows_per_statement(1)) {
        let list: Vec<_> = (1..=part.len()).map(|k| marks.nth(k)).collect();
        let sql = format!(
            "SELECT number FROM order_numbers WHERE number IN ({})",
            list.join(", ")
        );
        let mut query = sqlx::query_scalar::<_, String>(&sql);
        for number in part {
            query = query.bind(*number);
        }
        former.extend(query.fetch_all(&mut *conn).await?);
    }
    let fresh: Vec<&NewOrder> = orders
        .iter()
        .filter(|o| !former.contains(o.number.trim()))
        .copied()
        .collect();
    const ORDER_VALUES: usize = 18;
    let mut ids: HashMap<String, i64> = HashMap::new();
    for part in fresh.chunks(super::rows_per_statement(ORDER_VALUES)) {
        let mut args = AnyArguments::default();
        for o in part {
            let search =
                order_search_text(&o.number, &o.customer_name, &o.email, &o.phone, &o.comment);
            (|| {
                args.add(o.number.trim().to_string())?;
                args.add(o.channel.clone())?;
                args.add(o.customer_name.clone())?;
                args.add(o.email.clone())?;
                args.add(o.phone.clone())?;
                args.add(o.shipping_address.clone())?;
                args.add(o.delivery_method.clone())?;
                args.add(o.delivery_cost_minor)?;
                args.add(o.currency.trim().to_ascii_uppercase())?;
                args.add(o.payment_status)?;
                args.add(o.comment.clone())?;
                args.add(o.status)?;
                args.add(now_ms)?;
                args.add(o.created_at.timestamp_millis())?;
                args.add(now_ms)?;
                args.add(search)?;
                // Units and total are written with the order; later changes
                // of lines or delivery cost keep them through refresh_totals.
                args.add(o.unit_count())?;
                args.add(o.total_minor())
            })()
            .map_err(sqlx::Error::Encode)?;
        }
        let sql = format!(
            "INSERT INTO orders (number, channel, customer_name, email, phone, shipping_address, \
             delivery_method, delivery_cost_minor, currency, payment_status, comment, status, \
             status_changed_at, created_at, updated_at, search_text, units, total_minor) \
             VALUES {} ON CONFLICT (number) DO NOTHING RETURNING id, number",
            super::value_rows(conn, part.len(), ORDER_VALUES)
        );
        let returned: Vec<(i64, String)> = sqlx::query_as_with(&sql, args)
            .fetch_all(&mut *conn)
            .await?;
        ids.extend(returned.into_iter().map(|(id, number)| (number, id)));
    }
    // Each inserted number belongs to its first order in the list.
    let mut results: Vec<Option<(i64, Vec<String>)>> = orders
        .iter()
        .map(|o| ids.remove(o.number.trim()).map(|id| (id, Vec::new())))
        .collect();
    // The lines, a hundred per statement. The SKU is bound twice (to find
    // its product, and as written): SQLite's marks are positional.
    const LINE_VALUES: usize = 10;
    let lines: Vec<(i64, i64, &NewLine)> = orders
        .iter()
        .zip(&results)
        .filter_map(|(o, r)| r.as_ref().map(|(id, _)| (*id, *o)))
        .flat_map(|(id, o)| {
            o.lines
                .iter()
                .enumerate()
                .map(move |(i, l)| (id, i as i64 + 1, l))
        })
        .collect();
    for part in lines.chunks(super::rows_per_statement(LINE_VALUES)) {
        let mut args = AnyArguments::default();
        let mut rows = Vec::with_capacity(part.len());
        for (i, (id, position, l)) in part.iter().enumerate() {
            let m = |k: usize| marks.nth(i * LINE_VALUES + k);
            rows.push(format!(
                "({}, {}, (SELECT id FROM products WHERE sku = {}), {}, {}, {}, {}, {}, {}, 0, {})",
                m(1),
                m(2),
                m(3),
                m(4),
                m(5),
                m(6),
                m(7),
                m(8),
                m(9),
                m(10),
            ));
            (|| {
                args.add(*id)?;
                args.add(*position)?;
                args.add(l.sku.trim().to_string())?;
                args.add(l.sku.trim().to_string())?;
                args.add(l.name.clone())?;
                args.add(l.quantity)?;
                args.add(l.unit_price_minor)?;
                args.add(l.discount_minor)?;
                args.add(l.tax_rate_bp)?;
                args.add(l.amount_minor())
            })()
            .map_err(sqlx::Error::Encode)?;
        }
        let sql = format!(
            "INSERT INTO order_lines (order_id, position, product_id, sku, name, quantity, \
             unit_price_minor, discount_minor, tax_rate_bp, packed, amount_minor) VALUES {}",
            rows.join(", ")
        );
        sqlx::query_with(&sql, args).execute(&mut *conn).await?;
    }
    // The lines no product carries yet, asked once for all the orders
    // rather than returned line by line (each returned row is a hand-off
    // between sqlx's SQLite thread and the caller).
    let inserted: Vec<i64> = results.iter().flatten().map(|(id, _)| *id).collect();
    let mut unknown: HashMap<i64, Vec<String>> = HashMap::new();
    for part in inserted.chunks(super::rows_per_statement(1)) {
        let list: Vec<_> = (1..=part.len()).map(|k| marks.nth(k)).collect();
        let sql = format!(
            "SELECT order_id, sku FROM order_lines WHERE order_id IN ({}) \
             AND product_id IS NULL ORDER BY order_id, position",
            list.join(", ")
        );
        let mut query = sqlx::query_as::<_, (i64, String)>(&sql);
        for id in part {
            query = query.bind(*id);
        }
        for (order_id, sku) in query.fetch_all(&mut *conn).await? {
            unknown.entry(order_id).or_default().push(sku);
        }
    }
    for (id, skus) in results.iter_mut().flatten() {
        if let Some(list) = unknown.remove(id) {
            *skus = list;
        }
    }
    Ok(results)
}

/// Recomputes the units and total kept on the order (the filters' and
/// ranges' indexed columns) from its lines and delivery cost. Called in the
/// same transaction as every change of either.
pub async fn refresh_totals(conn: &mut AnyConnection, order_id: i64) -> Result<()> {
    sqlx::query(
        "UPDATE orders SET \
         units = (SELECT COALESCE(SUM(l.quantity), 0) FROM order_lines l WHERE l.order_id = $1), \
         total_minor = delivery_cost_minor \
            + (SELECT COALESCE(SUM(l.amount_minor), 0) FROM order_lines l WHERE l.order_id = $1) \
         WHERE id = $1",
    )
    .bind(order_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// One row of an order listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OrderSummary {
    /// Its row id: the next page starts before the last row's.
    pub id: i64,
    pub number: String,
    pub status: OrderStatus,
    /// The store's own status inside the stage, if the order is in one.
    pub sub_status: Option<String>,
    pub customer_name: String,
    /// The manager responsible for it.
    pub manager: Option<String>,
    /// Why it waits, if it does.
    pub hold_reason: Option<String>,
    pub channel: String,
    pub delivery_method: String,
    pub payment_status: PaymentStatus,
    #[sqlx(try_from = "Millis")]
    pub created_at: DateTime<Utc>,
    pub units: i64,
    pub packed: i64,
    pub total_minor: i64,
    pub currency: String,
    pub claimed_station: Option<String>,
    /// In its status longer than the status allows.
    #[sqlx(try_from = "Flag")]
    pub overdue: bool,
}

/// One page of the filtered orders, newest first (store::order_query).
pub async fn list(
    conn: &mut AnyConnection,
    engine: Engine,
    filter: &OrderFilter,
    now_ms: i64,
) -> Result<Vec<OrderSummary>> {
    super::order_query::page(conn, engine, filter, now_ms).await
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
        "UPDATE orders SET status = $1, sub_status = NULL, sub_status_since = NULL, status_changed_at = $2, updated_at = $2 \
         WHERE id = $3 AND status = $4",
    )
    .bind(to)
    .bind(now_ms)
    .bind(order_id)
    .bind(from)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Claims the order for `station` if it is still in `from` and held by no
/// other station; false when someone changed it first.
pub async fn claim(
    conn: &mut AnyConnection,
    order_id: i64,
    from: OrderStatus,
    station: &str,
    user: &str,
    now_ms: i64,
) -> Result<bool> {
    let claimed = sqlx::query(
        "UPDATE orders SET status = $6, sub_status = CASE WHEN status = $6 THEN sub_status ELSE NULL END, claimed_station = $1, claimed_by = $2, claimed_at = $3, \
         status_changed_at = CASE WHEN status = $6 THEN status_changed_at ELSE $3 END, updated_at = $3 \
         WHERE id = $4 AND status = $5 AND (claimed_station IS NULL OR claimed_station = $1)",
    )
    .bind(station)
    .bind(user)
    .bind(now_ms)
    .bind(order_id)
    .bind(from)
    .bind(OrderStatus::Packing)
    .execute(&mut *conn)
    .await?;
    Ok(claimed.rows_affected() == 1)
}

/// Gives the claim back and sets the order's status.
pub async fn release(
    conn: &mut AnyConnection,
    order_id: i64,
    status: OrderStatus,
    now_ms: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE orders SET status = $1, sub_status = NULL, sub_status_since = NULL, claimed_station = NULL, claimed_by = NULL, claimed_at = NULL, \
         status_changed_at = $2, updated_at = $2 WHERE id = $3",
    )
    .bind(status)
    .bind(now_ms)
    .bind(order_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The box is closed: packing → ready, claim released, short reason kept.
pub async fn mark_packed(
    conn: &mut AnyConnection,
    order_id: i64,
    short_reason: Option<&str>,
    now_ms: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE orders SET status = $4, sub_status = NULL, sub_status_since = NULL, claimed_station = NULL, claimed_by = NULL, claimed_at = NULL, \
         short_reason = $1, status_changed_at = $2, updated_at = $2 WHERE id = $3 AND status = $5",
    )
    .bind(short_reason)
    .bind(now_ms)
    .bind(order_id)
    .bind(OrderStatus::Ready)
    .bind(OrderStatus::Packing)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Handed to the courier: ready → shipped with carrier and tracking number.
pub async fn mark_shipped(
    conn: &mut AnyConnection,
    order_id: i64,
    carrier: &str,
    tracking: &str,
    now_ms: i64,
) -> Result<bool> {
    let updated = sqlx::query(
        "UPDATE orders SET status = $5, sub_status = NULL, sub_status_since = NULL, carrier = $1, tracking_number = $2, shipped_at = $3, \
         status_changed_at = $3, updated_at = $3 WHERE id = $4 AND status = $6",
    )
    .bind(carrier)
    .bind(tracking)
    .bind(now_ms)
    .bind(order_id)
    .bind(OrderStatus::Shipped)
    .bind(OrderStatus::Ready)
    .execute(&mut *conn)
    .await?;
    Ok(updated.rows_affected() == 1)
}

/// Sets the payment state (it follows the payment ledger).
pub async fn set_payment_status(
    conn: &mut AnyConnection,
    order_id: i64,
    status: PaymentStatus,
    now_ms: i64,
) -> Result<()> {
    sqlx::query("UPDATE orders SET payment_status = $1, updated_at = $2 WHERE id = $3")
        .bind(status)
        .bind(now_ms)
        .bind(order_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Clears any claim and keeps why the order was cancelled in its comment
/// when it had none.
pub async fn note_cancellation(
    conn: &mut AnyConnection,
    order_id: i64,
    reason: &str,
) -> Result<()> {
    sqlx::query(
        "UPDATE orders SET claimed_station = NULL, claimed_by = NULL, claimed_at = NULL, \
         comment = CASE WHEN comment = '' THEN $1 ELSE comment END WHERE id = $2",
    )
    .bind(format!("cancelled: {reason}"))
    .bind(order_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Adds packed units to a line if they fit; false when the line is full
/// (another scan got there first).
pub async fn add_packed(conn: &mut AnyConnection, line_id: i64, units: i64) -> Result<bool> {
    let updated = sqlx::query(
        "UPDATE order_lines SET packed = packed + $1 WHERE id = $2 AND packed + $1 <= quantity",
    )
    .bind(units)
    .bind(line_id)
    .execute(&mut *conn)
    .await?;
    Ok(updated.rows_affected() == 1)
}

/// Takes packed units out of a line again (an undo).
pub async fn remove_packed(conn: &mut AnyConnection, line_id: i64, units: i64) -> Result<()> {
    sqlx::query("UPDATE order_lines SET packed = packed - $1 WHERE id = $2 AND packed >= $1")
        .bind(units)
        .bind(line_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Every line counts as packed in full (demo orders that start packed).
pub async fn pack_every_line(conn: &mut AnyConnection, order_id: i64) -> Result<()> {
    sqlx::query("UPDATE order_lines SET packed = quantity WHERE order_id = $1")
        .bind(order_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Sets how a demo order went out, without the shipment's other effects.
pub async fn set_shipment(
    conn: &mut AnyConnection,
    order_id: i64,
    carrier: &str,
    tracking: &str,
    shipped_at_ms: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE orders SET carrier = $1, tracking_number = $2, shipped_at = $3 WHERE id = $4",
    )
    .bind(carrier)
    .bind(tracking)
    .bind(shipped_at_ms)
    .bind(order_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The oldest `n` orders in `status`, by number.
pub async fn oldest_in(
    conn: &mut AnyConnection,
    status: OrderStatus,
    n: i64,
) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT number FROM orders WHERE status = $1 AND hold_reason IS NULL \
         AND EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = orders.id \
           AND l.purchase_order_id IS NULL) \
         ORDER BY created_at, id LIMIT $2",
    )
    .bind(status)
    .bind(n)
    .fetch_all(&mut *conn)
    .await?)
}

/// The order number, if an order has exactly this number.
pub async fn number_if_exists(conn: &mut AnyConnection, number: &str) -> Result<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT number FROM orders WHERE number = $1 \
         UNION ALL SELECT o.number FROM order_numbers n JOIN orders o ON o.id = n.order_id \
         WHERE n.number = $1",
    )
    .bind(number)
    .fetch_optional(&mut *conn)
    .await?)
}

/// Whether an order has (or had) this number.
pub async fn number_taken(conn: &mut AnyConnection, number: &str) -> Result<bool> {
    Ok(number_if_exists(conn, number).await?.is_some())
}

/// The store's number sequence: its prefix and the next value.
pub async fn sequence(conn: &mut AnyConnection) -> Result<(String, i64)> {
    Ok(
        sqlx::query_as("SELECT prefix, next FROM number_sequence WHERE id = 1")
            .fetch_one(&mut *conn)
            .await?,
    )
}

pub async fn set_sequence_next(conn: &mut AnyConnection, next: i64) -> Result<()> {
    sqlx::query("UPDATE number_sequence SET next = $1 WHERE id = 1")
        .bind(next)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Links the order to its customer and its manager.
/// The customer an order belongs to, if it was linked to one.
pub async fn customer_of(conn: &mut AnyConnection, order_id: i64) -> Result<Option<i64>> {
    Ok(
        sqlx::query_scalar::<_, Option<i64>>("SELECT customer_id FROM orders WHERE id = $1")
            .bind(order_id)
            .fetch_one(&mut *conn)
            .await?,
    )
}

pub async fn set_customer(conn: &mut AnyConnection, order_id: i64, customer_id: i64) -> Result<()> {
    sqlx::query("UPDATE orders SET customer_id = $1 WHERE id = $2")
        .bind(customer_id)
        .bind(order_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn set_manager(
    conn: &mut AnyConnection,
    order_id: i64,
    manager: Option<&str>,
    now_ms: i64,
) -> Result<()> {
    sqlx::query("UPDATE orders SET manager = $1, updated_at = $2 WHERE id = $3")
        .bind(manager)
        .bind(now_ms)
        .bind(order_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Writes an edited head (every field) and its search words; the old
/// numbers stay findable through `order_numbers` and the search words.
pub async fn update_head(
    conn: &mut AnyConnection,
    order_id: i64,
    h: &HeadValues,
    old_numbers: &[String],
    now_ms: i64,
) -> Result<()> {
    let mut search = order_search_text(&h.number, &h.customer_name, &h.email, &h.phone, &h.comment);
    for old in old_numbers {
        search.push(' ');
        search.push_str(&order_search_text(old, "", "", "", ""));
    }
    sqlx::query(
        "UPDATE orders SET number = $1, customer_name = $2, phone = $3, email = $4, \
         shipping_address = $5, delivery_method = $6, delivery_cost_minor = $7, comment = $8, \
         search_text = $9, updated_at = $10 WHERE id = $11",
    )
    .bind(&h.number)
    .bind(&h.customer_name)
    .bind(&h.phone)
    .bind(&h.email)
    .bind(&h.shipping_address)
    .bind(&h.delivery_method)
    .bind(h.delivery_cost_minor)
    .bind(&h.comment)
    .bind(search)
    .bind(now_ms)
    .bind(order_id)
    .execute(&mut *conn)
    .await?;
    refresh_totals(conn, order_id).await
}

/// Keeps `number` as a former number of the order.
pub async fn add_former_number(
    conn: &mut AnyConnection,
    order_id: i64,
    number: &str,
) -> Result<()> {
    sqlx::query("INSERT INTO order_numbers (number, order_id) VALUES ($1, $2)")
        .bind(number)
        .bind(order_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn former_numbers(conn: &mut AnyConnection, order_id: i64) -> Result<Vec<String>> {
    Ok(
        sqlx::query_scalar("SELECT number FROM order_numbers WHERE order_id = $1 ORDER BY number")
            .bind(order_id)
            .fetch_all(&mut *conn)
            .await?,
    )
}

/// Applies an edit's line changes: updated lines keep their packed count
/// (zero: an edit of lines needs an empty box), new lines come in at their
/// position, removed lines go.
pub async fn apply_line_changes(
    conn: &mut AnyConnection,
    order_id: i64,
    changes: &[(i64, LineChange)],
) -> Result<()> {
    // Positions are unique per order: move the kept lines out of the way
    // first, then write each line at its place.
    sqlx::query("UPDATE order_lines SET position = -position WHERE order_id = $1")
        .bind(order_id)
        .execute(&mut *conn)
        .await?;
    for (position, change) in changes {
        match change {
            LineChange::Delete { id } => {
                sqlx::query("DELETE FROM order_lines WHERE id = $1 AND order_id = $2")
                    .bind(id)
                    .bind(order_id)
                    .execute(&mut *conn)
                    .await?;
            }
            LineChange::Update { id, line } => {
                sqlx::query(
                    "UPDATE order_lines SET position = $1, \
                     product_id = (SELECT id FROM products WHERE sku = $2), sku = $2, name = $3, \
                     quantity = $4, unit_price_minor = $5, discount_minor = $6, tax_rate_bp = $7, \
                     amount_minor = $8 WHERE id = $9 AND order_id = $10",
                )
                .bind(position)
                .bind(&line.sku)
                .bind(&line.name)
                .bind(line.quantity)
                .bind(line.unit_price_minor)
                .bind(line.discount_minor)
                .bind(line.tax_rate_bp)
                .bind(line.amount_minor())
                .bind(id)
                .bind(order_id)
                .execute(&mut *conn)
                .await?;
            }
            LineChange::Insert { line } => {
                sqlx::query(
                    "INSERT INTO order_lines (order_id, position, product_id, sku, name, quantity, \
                     unit_price_minor, discount_minor, tax_rate_bp, packed, amount_minor) \
                     VALUES ($1, $2, (SELECT id FROM products WHERE sku = $3), $3, $4, $5, $6, $7, $8, 0, $9)",
                )
                .bind(order_id)
                .bind(position)
                .bind(&line.sku)
                .bind(&line.name)
                .bind(line.quantity)
                .bind(line.unit_price_minor)
                .bind(line.discount_minor)
                .bind(line.tax_rate_bp)
                .bind(line.amount_minor())
                .execute(&mut *conn)
                .await?;
            }
        }
    }
    // Lines the edit left where they were: back to their own position.
    sqlx::query("UPDATE order_lines SET position = -position WHERE order_id = $1 AND position < 0")
        .bind(order_id)
        .execute(&mut *conn)
        .await?;
    refresh_totals(conn, order_id).await
}

/// How many orders the database holds.
pub async fn count(conn: &mut AnyConnection) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM orders")
        .fetch_one(&mut *conn)
        .await?)
}

/// Whether the database holds any order at all (cheaper than counting).
pub async fn any(conn: &mut AnyConnection) -> Result<bool> {
    let one: Option<i64> = sqlx::query_scalar("SELECT id FROM orders LIMIT 1")
        .fetch_optional(&mut *conn)
        .await?;
    Ok(one.is_some())
}

/// What the units of an order weigh in grams: the packed units, or the
/// ordered ones before packing.
pub async fn weight_g(conn: &mut AnyConnection, order_id: i64, packed: bool) -> Result<i64> {
    let column = if packed { "l.packed" } else { "l.quantity" };
    let sql = format!(
        "SELECT CAST(COALESCE(SUM({column} * p.weight_g), 0) AS BIGINT) FROM order_lines l \
         JOIN products p ON p.id = l.product_id WHERE l.order_id = $1 \
         AND l.purchase_order_id IS NULL"
    );
    Ok(sqlx::query_scalar(&sql)
        .bind(order_id)
        .fetch_one(&mut *conn)
        .await?)
}

/// Product, SKU, units and default bin of an order's lines whose product
/// is known, summed per product (`packed` or ordered units).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ProductUnits {
    pub product_id: i64,
    pub sku: String,
    pub units: i64,
    pub default_bin: Option<String>,
}

pub async fn units_per_product(
    conn: &mut AnyConnection,
    order_id: i64,
    packed: bool,
) -> Result<Vec<ProductUnits>> {
    let (column, only) = if packed {
        ("l.packed", " AND l.packed > 0")
    } else {
        ("l.quantity - l.packed", "")
    };
    let sql = format!(
        "SELECT l.product_id, MIN(l.sku) AS sku, CAST(SUM({column}) AS BIGINT) AS units, \
         p.default_bin FROM order_lines l JOIN products p ON p.id = l.product_id \
         WHERE l.order_id = $1{only} AND l.purchase_order_id IS NULL \
         GROUP BY l.product_id, p.default_bin ORDER BY l.product_id"
    );
    Ok(sqlx::query_as(&sql)
        .bind(order_id)
        .fetch_all(&mut *conn)
        .await?)
}

/// Sets each line's back-ordered units; a line fully covered forgets its
/// expected date.
pub async fn set_back_orders(conn: &mut AnyConnection, missing: &[(i64, i64)]) -> Result<()> {
    for (line_id, units) in missing {
        sqlx::query(
            "UPDATE order_lines SET backordered = $1, \
             expected_on = CASE WHEN $1 = 0 THEN NULL ELSE expected_on END WHERE id = $2",
        )
        .bind(units)
        .bind(line_id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

pub async fn set_expected_on(
    conn: &mut AnyConnection,
    line_id: i64,
    day: Option<chrono::NaiveDate>,
) -> Result<()> {
    sqlx::query("UPDATE order_lines SET expected_on = $1 WHERE id = $2")
        .bind(day.map(|d| d.format("%Y-%m-%d").to_string()))
        .bind(line_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn set_hold_reason(
    conn: &mut AnyConnection,
    order_id: i64,
    reason: Option<&str>,
    now_ms: i64,
) -> Result<()> {
    sqlx::query("UPDATE orders SET hold_reason = $1, updated_at = $2 WHERE id = $3")
        .bind(reason)
        .bind(now_ms)
        .bind(order_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn set_split_from(conn: &mut AnyConnection, order_id: i64, from: i64) -> Result<()> {
    sqlx::query("UPDATE orders SET split_from = $1 WHERE id = $2")
        .bind(from)
        .bind(order_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Numbers of the orders split from this one.
pub async fn split_into(conn: &mut AnyConnection, order_id: i64) -> Result<Vec<String>> {
    Ok(
        sqlx::query_scalar("SELECT number FROM orders WHERE split_from = $1 ORDER BY id")
            .bind(order_id)
            .fetch_all(&mut *conn)
            .await?,
    )
}

pub async fn number_of(conn: &mut AnyConnection, order_id: i64) -> Result<String> {
    Ok(
        sqlx::query_scalar("SELECT number FROM orders WHERE id = $1")
            .bind(order_id)
            .fetch_one(&mut *conn)
            .await?,
    )
}

/// Applies a split to the original order's lines: each line keeps its
/// remaining part, or goes when all of it moved.
pub async fn split_lines(
    conn: &mut AnyConnection,
    order_id: i64,
    plan: &[LineSplit],
) -> Result<()> {
    for s in plan {
        match &s.kept {
            Some(kept) => {
                sqlx::query(
                    "UPDATE order_lines SET quantity = $1, discount_minor = $2, amount_minor = $3 \
                     WHERE id = $4 AND order_id = $5",
                )
                .bind(kept.quantity)
                .bind(kept.discount_minor)
                .bind(kept.amount_minor())
                .bind(s.line_id)
                .bind(order_id)
                .execute(&mut *conn)
                .await?;
            }
            None => {
                sqlx::query("DELETE FROM order_lines WHERE id = $1 AND order_id = $2")
                    .bind(s.line_id)
                    .bind(order_id)
                    .execute(&mut *conn)
                    .await?;
            }
        }
    }
    refresh_totals(conn, order_id).await
}
