//! The order desk: phone orders entered by a manager, customers, the
//! store's number sequence, editing an order after it was placed (one
//! operation for the app, the CLI and later the shops' webhooks), and the
//! manager responsible for an order.

use super::orders::{order_detail_in, OrderDetail};
use super::stock::{release_reservation, reserve_order};
use crate::domain::customer::{Customer, CustomerInput};
use crate::domain::desk::{check_editable, OrderEdit, PhoneOrderInput};
use crate::domain::{barcode, Actor, EventKind, OrderStatus};
use crate::store::orders::{self, head_by_number, lines};
use crate::store::products::ProductMatch;
use crate::store::{customers, events, products, Store};
use crate::{Error, Result};
use serde::Serialize;
use serde_json::{json, Value};
use sqlx::AnyConnection;
use std::collections::HashMap;

/// How many numbers the sequence skips at most before it gives up.
const MAX_SKIPS: i64 = 1_000_000;

/// The product names of these SKUs (the ones the store knows).
async fn names_of(
    conn: &mut AnyConnection,
    skus: impl Iterator<Item = &str>,
) -> Result<HashMap<String, String>> {
    let mut names = HashMap::new();
    for sku in skus {
        let sku = sku.trim();
        if names.contains_key(sku) {
            continue;
        }
        match products::by_sku(conn, sku).await {
            Ok(p) => {
                names.insert(sku.to_string(), p.name);
            }
            Err(Error::NotFound { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(names)
}

/// The next free number of the store's sequence, which moves past it.
async fn next_number(conn: &mut AnyConnection) -> Result<String> {
    let (prefix, mut next) = orders::sequence(conn).await?;
    for _ in 0..MAX_SKIPS {
        let number = format!("{prefix}{next}");
        next += 1;
        if !orders::number_taken(conn, &number).await? {
            orders::set_sequence_next(conn, next).await?;
            return Ok(number);
        }
    }
    Err(Error::Refused(format!(
        "the next {MAX_SKIPS} numbers after {prefix}{next} are all taken; give the order a number of its own"
    )))
}

/// Finds or keeps the order's customer: the one named by id (updated with
/// what was typed), else the one with the same phone or e-mail, else new.
async fn customer_for(conn: &mut AnyConnection, input: &CustomerInput, now_ms: i64) -> Result<i64> {
    let input = input.check().map_err(Error::Invalid)?;
    let found = match input.id {
        Some(id) => Some(customers::by_id(conn, id).await?),
        None => customers::by_contact(conn, &input).await?,
    };
    match found {
        Some(c) => {
            let same = c.name == input.name
                && c.phone == input.phone
                && c.email == input.email
                && c.address == input.address;
            if !same {
                customers::update(conn, c.id, &input, now_ms).await?;
            }
            Ok(c.id)
        }
        None => customers::insert(conn, &input, now_ms).await,
    }
}

/// Enters an order by hand: its customer found or created, its number
/// from the store's sequence (skipping any number taken meanwhile), its
/// lines priced by core; it starts `new` and unpaid.
pub async fn create_order(
    store: &Store,
    actor: &Actor,
    input: &PhoneOrderInput,
) -> Result<OrderDetail> {
    let mut tx = store.write().await?;
    let now = store.now_ms();
    let names = names_of(&mut tx, input.lines.iter().map(|l| l.sku.as_str())).await?;
    // Checked before a number is taken, so a refused order uses none.
    input
        .to_new_order("0", |sku| names.get(sku).cloned(), store.now())
        .map_err(Error::Invalid)?;
    let number = next_number(&mut tx).await?;
    let order = input
        .to_new_order(&number, |sku| names.get(sku).cloned(), store.now())
        .map_err(Error::Invalid)?;
    let customer_id = customer_for(&mut tx, &input.customer, now).await?;
    let Some((id, _)) = orders::insert(&mut tx, &order, now).await? else {
        return Err(Error::changed_meanwhile(&number));
    };
    orders::set_customer(&mut tx, id, customer_id).await?;
    let manager = input
        .manager
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty());
    orders::set_manager(&mut tx, id, manager, now).await?;
    events::record(
        &mut tx,
        Some(id),
        now,
        actor,
        EventKind::Created,
        None,
        Some(json!({"status": order.status, "channel": order.channel,
            "total_minor": order.total_minor(), "manager": manager})),
    )
    .await?;
    let detail = order_detail_in(&mut tx, store.engine(), &number).await?;
    tx.commit().await?;
    Ok(detail)
}

/// An edited order, and the SKUs its stock no longer covers (a confirmed
/// order's reservation follows its new lines).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Edited {
    pub order: OrderDetail,
    pub unreserved_skus: Vec<String>,
}

/// Changes an order after it was placed, until it is shipped: lines,
/// contact data, address, delivery and the number (unique; the old one
/// still finds it). One history entry with before and after. An order at
/// the packing table is edited only after it is released there (a packed
/// one after its explicit take-apart), so nobody packs against changed
/// lines.
pub async fn edit_order(
    store: &Store,
    actor: &Actor,
    number: &str,
    edit: &OrderEdit,
) -> Result<Edited> {
    let mut tx = store.write().await?;
    let now = store.now_ms();
    let head = head_by_number(&mut tx, store.engine(), number, true).await?;
    let current = lines(&mut tx, head.id).await?;
    let wanted_skus = edit.lines.iter().flatten().map(|l| l.sku.as_str());
    let names = names_of(&mut tx, wanted_skus).await?;
    let plan = edit
        .plan(&head, &current, |sku| names.get(sku).cloned())
        .map_err(Error::Invalid)?;
    let packed: i64 = current.iter().map(|l| l.packed).sum();
    check_editable(&head, plan.changes_lines(), packed).map_err(Error::Refused)?;
    let mut unreserved_skus = Vec::new();
    if plan.changes_anything() {
        let renumbered = plan.head.number != head.number;
        if renumbered {
            if orders::number_taken(&mut tx, &plan.head.number).await? {
                return Err(Error::Conflict(format!(
                    "the number {} belongs to another order; choose another",
                    plan.head.number
                )));
            }
            orders::add_former_number(&mut tx, head.id, &head.number).await?;
        }
        let former = orders::former_numbers(&mut tx, head.id).await?;
        orders::update_head(&mut tx, head.id, &plan.head, &former, now).await?;
        if plan.changes_lines() {
            orders::apply_line_changes(&mut tx, head.id, &plan.lines).await?;
            if head.status != OrderStatus::New {
                // The reservation follows the new lines.
                release_reservation(&mut tx, head.id).await?;
                unreserved_skus = reserve_order(&mut tx, head.id).await?;
            }
        }
        let mut after = Value::Object(plan.after.clone());
        if !unreserved_skus.is_empty() {
            after["unreserved_skus"] = json!(unreserved_skus);
        }
        events::record(
            &mut tx,
            Some(head.id),
            now,
            actor,
            EventKind::Edited,
            Some(Value::Object(plan.before.clone())),
            Some(after),
        )
        .await?;
    }
    let order = order_detail_in(&mut tx, store.engine(), &plan.head.number).await?;
    tx.commit().await?;
    Ok(Edited {
        order,
        unreserved_skus,
    })
}

/// Gives the order to a manager (none: to nobody), in its history.
pub async fn assign_order(
    store: &Store,
    actor: &Actor,
    number: &str,
    manager: Option<&str>,
) -> Result<OrderDetail> {
    let manager = manager.map(str::trim).filter(|m| !m.is_empty());
    if manager.is_some_and(|m| m.chars().count() > 100) {
        return Err(Error::Invalid(
            "the manager's name is longer than 100 characters".into(),
        ));
    }
    let mut tx = store.write().await?;
    let now = store.now_ms();
    let head = head_by_number(&mut tx, store.engine(), number, true).await?;
    if head.manager.as_deref() != manager {
        orders::set_manager(&mut tx, head.id, manager, now).await?;
        events::record(
            &mut tx,
            Some(head.id),
            now,
            actor,
            EventKind::Assigned,
            Some(json!({"manager": head.manager})),
            Some(json!({"manager": manager})),
        )
        .await?;
    }
    let detail = order_detail_in(&mut tx, store.engine(), &head.number).await?;
    tx.commit().await?;
    Ok(detail)
}

/// Customers matching what the manager typed: phone digits in any
/// formatting, the start of an e-mail, or the starts of the name's words.
pub async fn find_customers(store: &Store, query: &str) -> Result<Vec<Customer>> {
    let mut conn = store.pool().acquire().await?;
    customers::find(&mut conn, query, 20).await
}

/// Products for an order line: a scanned barcode (or marking code) finds
/// its product; typed text finds products by SKU or name. Each with its
/// free stock.
pub async fn find_products(store: &Store, query: &str) -> Result<Vec<ProductMatch>> {
    let mut conn = store.pool().acquire().await?;
    if let Ok(code) = barcode::normalize(query) {
        if let Ok(Some(hit)) = products::find_by_scan(&mut conn, &code).await? {
            return Ok(vec![products::match_by_id(&mut conn, hit.id).await?]);
        }
    }
    products::search(&mut conn, query, 30).await
}
