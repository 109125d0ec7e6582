//! The order desk: phone orders entered by a manager, customers, the
//! store's number sequence, editing an order after it was placed (one
//! operation for the app, the CLI and later the shops' webhooks), and the
//! manager responsible for an order.

use super::ledger::{follow_ledger, transfer_payment};
use super::orders::{order_detail_in, OrderDetail};
use super::packing::unpack_all;
use super::stock::{refresh_back_orders, release_reservation, reserve_order};
use crate::domain::access::Op;
use crate::domain::customer::{Customer, CustomerInput};
use crate::domain::desk::{
    check_editable, check_hold_reason, plan_split, OrderEdit, PhoneOrderInput, SplitLine,
};
use crate::domain::time::parse_day;
use crate::domain::{barcode, Actor, EventKind, OrderStatus};
use crate::domain::{NewOrder, PaymentStatus};
use crate::store::orders::{self, head_by_number, lines};
use crate::store::products::ProductMatch;
use crate::store::{buyers, customers, events, payments, products, Store};
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
    actor.may(Op::CreateOrder)?;
    let mut tx = store.write().await?;
    let (_, number) = insert_order(&mut tx, store, actor, input).await?;
    let detail = order_detail_in(&mut tx, store.engine(), &number).await?;
    tx.commit().await?;
    Ok(detail)
}

/// [`create_order`] inside the caller's transaction (an exchange creates
/// its replacement order with the return): the new order's id and number.
pub(super) async fn insert_order(
    tx: &mut AnyConnection,
    store: &Store,
    actor: &Actor,
    input: &PhoneOrderInput,
) -> Result<(i64, String)> {
    actor.may(Op::CreateOrder)?;
    let now = store.now_ms();
    let names = names_of(&mut *tx, input.lines.iter().map(|l| l.sku.as_str())).await?;
    // Checked before a number is taken, so a refused order uses none.
    input
        .to_new_order("0", |sku| names.get(sku).cloned(), store.now())
        .map_err(Error::Invalid)?;
    let number = next_number(&mut *tx).await?;
    let order = input
        .to_new_order(&number, |sku| names.get(sku).cloned(), store.now())
        .map_err(Error::Invalid)?;
    actor.may_on(Op::CreateOrder, &order.channel)?;
    let customer_id = customer_for(&mut *tx, &input.customer, now).await?;
    let Some((id, _)) = orders::insert(&mut *tx, &order, now).await? else {
        return Err(Error::changed_meanwhile(&number));
    };
    orders::set_customer(&mut *tx, id, customer_id).await?;
    let manager = input
        .manager
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty());
    orders::set_manager(&mut *tx, id, manager, now).await?;
    events::record(
        &mut *tx,
        Some(id),
        now,
        actor,
        EventKind::Created,
        None,
        Some(json!({"status": order.status, "channel": order.channel,
            "total_minor": order.total_minor(), "manager": manager})),
    )
    .await?;
    Ok((id, number))
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
    actor.may(Op::EditOrder)?;
    let mut tx = store.write().await?;
    let now = store.now_ms();
    let head = head_by_number(&mut tx, store.engine(), number, true).await?;
    actor.may_on(Op::EditOrder, &head.channel)?;
    let current = lines(&mut tx, head.id).await?;
    let wanted_skus = edit.lines.iter().flatten().map(|l| l.sku.as_str());
    let names = names_of(&mut tx, wanted_skus).await?;
    let mut plan = edit
        .plan(&head, &current, |sku| names.get(sku).cloned())
        .map_err(Error::Invalid)?;
    // The business buyer's details (ТОРГ-12, УПД) change in the same entry.
    let buyer_before = buyers::of_order(&mut tx, head.id).await?;
    let buyer = edit.plan_buyer(&buyer_before).map_err(Error::Invalid)?;
    if let Some(after) = &buyer {
        plan.before.insert("buyer".into(), json!(buyer_before));
        plan.after.insert("buyer".into(), json!(after));
    }
    check_editable(&head, plan.changes_lines()).map_err(Error::Refused)?;
    if plan.changes_lines() {
        super::dropship::refuse_line_changes(&head, &current)?;
    }
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
        if let Some(buyer) = &buyer {
            buyers::set(&mut tx, head.id, buyer, now).await?;
        }
        let mut unpacked = 0;
        if plan.changes_lines() {
            // Units already in the box (the order was taken apart and
            // released) go back to be scanned against the new lines.
            unpacked = unpack_all(&mut tx, actor, &head, now).await?;
            orders::apply_line_changes(&mut tx, head.id, &plan.lines).await?;
            if head.status != OrderStatus::New {
                // The reservation follows the new lines.
                release_reservation(&mut tx, head.id).await?;
                unreserved_skus = reserve_order(&mut tx, head.id).await?;
                refresh_back_orders(&mut tx, head.id, false).await?;
            }
        }
        let mut after = Value::Object(plan.after.clone());
        if !unreserved_skus.is_empty() {
            after["unreserved_skus"] = json!(unreserved_skus);
        }
        if unpacked > 0 {
            after["unpacked_units"] = json!(unpacked);
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
        follow_ledger(&mut tx, store.engine(), actor, &plan.head.number, now).await?;
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
    actor.may(Op::AssignOrder)?;
    let manager = manager.map(str::trim).filter(|m| !m.is_empty());
    if manager.is_some_and(|m| m.chars().count() > 100) {
        return Err(Error::Invalid(
            "the manager's name is longer than 100 characters".into(),
        ));
    }
    let mut tx = store.write().await?;
    let now = store.now_ms();
    let head = head_by_number(&mut tx, store.engine(), number, true).await?;
    actor.may_on(Op::AssignOrder, &head.channel)?;
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

/// Tries again to reserve what a confirmed order is missing (stock came
/// in); the lines' back-orders follow.
pub async fn reserve_again(store: &Store, actor: &Actor, number: &str) -> Result<Edited> {
    actor.may(Op::ReserveAgain)?;
    let mut tx = store.write().await?;
    let now = store.now_ms();
    let head = head_by_number(&mut tx, store.engine(), number, true).await?;
    actor.may_on(Op::ReserveAgain, &head.channel)?;
    if head.status != OrderStatus::Confirmed {
        return Err(Error::Refused(format!(
            "order {} is {}; stock is reserved again while it is confirmed (before picking)",
            head.number, head.status
        )));
    }
    let before: i64 = lines(&mut tx, head.id)
        .await?
        .iter()
        .map(|l| l.backordered)
        .sum();
    release_reservation(&mut tx, head.id).await?;
    let unreserved_skus = reserve_order(&mut tx, head.id).await?;
    refresh_back_orders(&mut tx, head.id, false).await?;
    let after: i64 = lines(&mut tx, head.id)
        .await?
        .iter()
        .map(|l| l.backordered)
        .sum();
    events::record(
        &mut tx,
        Some(head.id),
        now,
        actor,
        EventKind::Reserved,
        Some(json!({"backordered": before})),
        Some(json!({"backordered": after, "unreserved_skus": unreserved_skus})),
    )
    .await?;
    let order = order_detail_in(&mut tx, store.engine(), &head.number).await?;
    tx.commit().await?;
    Ok(Edited {
        order,
        unreserved_skus,
    })
}

/// The day the manager expects a back-ordered line's missing units (none:
/// not known); the packer and the customer notifications read it.
pub async fn set_expected_date(
    store: &Store,
    actor: &Actor,
    number: &str,
    line_id: i64,
    day: Option<&str>,
) -> Result<OrderDetail> {
    actor.may(Op::SetExpectedDate)?;
    let day = match day.map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => Some(parse_day(d).map_err(Error::Invalid)?),
        None => None,
    };
    let mut tx = store.write().await?;
    let now = store.now_ms();
    let head = head_by_number(&mut tx, store.engine(), number, true).await?;
    actor.may_on(Op::SetExpectedDate, &head.channel)?;
    let current = lines(&mut tx, head.id).await?;
    let Some(line) = current.iter().find(|l| l.id == line_id) else {
        return Err(Error::not_found(
            "line",
            format!("{line_id} of order {}", head.number),
        ));
    };
    if line.backordered == 0 && day.is_some() {
        return Err(Error::Refused(format!(
            "line {} ({}) of order {} is not back-ordered: its stock is reserved",
            line.position, line.sku, head.number
        )));
    }
    if line.expected_on != day {
        orders::set_expected_on(&mut tx, line.id, day).await?;
        events::record(
            &mut tx,
            Some(head.id),
            now,
            actor,
            EventKind::ExpectedDate,
            Some(json!({"sku": line.sku, "expected_on": line.expected_on})),
            Some(json!({"sku": line.sku, "expected_on": day, "backordered": line.backordered})),
        )
        .await?;
    }
    let detail = order_detail_in(&mut tx, store.engine(), &head.number).await?;
    tx.commit().await?;
    Ok(detail)
}

/// Products that could stand in for a line: those sharing the first word
/// of its name, with free stock, most free first.
pub async fn alternatives(store: &Store, number: &str, line_id: i64) -> Result<Vec<ProductMatch>> {
    let mut tx = store.read().await?;
    let head = head_by_number(&mut tx, store.engine(), number, false).await?;
    let current = lines(&mut tx, head.id).await?;
    let Some(line) = current.iter().find(|l| l.id == line_id) else {
        return Err(Error::not_found(
            "line",
            format!("{line_id} of order {}", head.number),
        ));
    };
    let first = line
        .name
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_string();
    let mut found = if first.is_empty() {
        Vec::new()
    } else {
        products::search(&mut tx, &first, 50).await?
    };
    tx.commit().await?;
    let lower = first.to_lowercase();
    found.retain(|p| {
        p.sku != line.sku
            && p.free > 0
            && p.name
                .split_whitespace()
                .next()
                .map(str::to_lowercase)
                .as_deref()
                == Some(lower.as_str())
    });
    found.sort_by(|a, b| b.free.cmp(&a.free).then_with(|| a.sku.cmp(&b.sku)));
    Ok(found)
}

/// An order split in two: what ships now, and the rest as a linked order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Split {
    pub kept: OrderDetail,
    pub split: OrderDetail,
}

/// Splits an order: the named units (or every back-ordered unit) move to a
/// new order numbered `N-2` (`N-3`, ...), linked to it, in the same status
/// (a confirmed one reserves its stock); the original ships what is there
/// now. Money the customer paid beyond the original's new total moves with
/// the goods, recorded on both ledgers.
pub async fn split_order(
    store: &Store,
    actor: &Actor,
    number: &str,
    wanted: &[SplitLine],
) -> Result<Split> {
    actor.may(Op::SplitOrder)?;
    let mut tx = store.write().await?;
    let now = store.now_ms();
    let head = head_by_number(&mut tx, store.engine(), number, true).await?;
    actor.may_on(Op::SplitOrder, &head.channel)?;
    let current = lines(&mut tx, head.id).await?;
    super::dropship::refuse_line_changes(&head, &current)?;
    let plan = plan_split(&head, &current, wanted).map_err(Error::Invalid)?;
    let mut k = 2;
    let new_number = loop {
        let candidate = format!("{}-{k}", head.number);
        if !orders::number_taken(&mut tx, &candidate).await? {
            break candidate;
        }
        k += 1;
    };
    let order = NewOrder {
        number: new_number.clone(),
        channel: head.channel.clone(),
        customer_name: head.customer_name.clone(),
        email: head.email.clone(),
        phone: head.phone.clone(),
        shipping_address: head.shipping_address.clone(),
        delivery_method: head.delivery_method.clone(),
        delivery_cost_minor: 0,
        currency: head.currency.clone(),
        payment_status: PaymentStatus::AwaitingPayment,
        comment: head.comment.clone(),
        created_at: store.now(),
        status: head.status,
        lines: plan.iter().map(|s| s.moved.clone()).collect(),
    };
    let Some((new_id, _)) = orders::insert(&mut tx, &order, now).await? else {
        return Err(Error::changed_meanwhile(&new_number));
    };
    orders::set_split_from(&mut tx, new_id, head.id).await?;
    orders::set_manager(&mut tx, new_id, head.manager.as_deref(), now).await?;
    orders::split_lines(&mut tx, head.id, &plan).await?;
    let moved: Vec<Value> = plan
        .iter()
        .map(|s| json!({"sku": s.moved.sku, "quantity": s.moved.quantity}))
        .collect();
    if head.status != OrderStatus::New {
        release_reservation(&mut tx, head.id).await?;
        reserve_order(&mut tx, head.id).await?;
        refresh_back_orders(&mut tx, head.id, false).await?;
        reserve_order(&mut tx, new_id).await?;
        refresh_back_orders(&mut tx, new_id, false).await?;
        // The awaited day goes with the awaited units.
        let new_lines = lines(&mut tx, new_id).await?;
        for (s, line) in plan.iter().zip(&new_lines) {
            if line.backordered > 0 && s.expected_on.is_some() {
                orders::set_expected_on(&mut tx, line.id, s.expected_on).await?;
            }
        }
    }
    // Money paid beyond what the original costs now goes with the goods.
    let paid = payments::sum(&payments::of_order(&mut tx, head.id).await?);
    let kept_total = head.delivery_cost_minor
        + lines(&mut tx, head.id)
            .await?
            .iter()
            .map(|l| l.amount_minor)
            .sum::<i64>();
    let moved_total = order.total_minor();
    let transfer = (paid.net_minor() - kept_total).clamp(0, moved_total);
    if transfer > 0 {
        transfer_payment(
            &mut tx,
            actor,
            (head.id, &head.number),
            (new_id, &new_number),
            transfer,
            &head.currency,
            now,
        )
        .await?;
    }
    events::record(
        &mut tx,
        Some(head.id),
        now,
        actor,
        EventKind::Split,
        None,
        Some(json!({"split_to": new_number, "moved": moved, "payment_moved_minor": transfer})),
    )
    .await?;
    events::record(
        &mut tx,
        Some(new_id),
        now,
        actor,
        EventKind::Split,
        None,
        Some(
            json!({"split_from": head.number, "moved": moved, "status": head.status,
            "payment_moved_minor": transfer}),
        ),
    )
    .await?;
    follow_ledger(&mut tx, store.engine(), actor, &head.number, now).await?;
    follow_ledger(&mut tx, store.engine(), actor, &new_number, now).await?;
    let kept = order_detail_in(&mut tx, store.engine(), &head.number).await?;
    let split = order_detail_in(&mut tx, store.engine(), &new_number).await?;
    tx.commit().await?;
    Ok(Split { kept, split })
}

/// Puts an order on hold with a reason («ждём оплату», «нет в наличии»),
/// or (none) releases the hold; the supervisor's views show it.
pub async fn hold_order(
    store: &Store,
    actor: &Actor,
    number: &str,
    reason: Option<&str>,
) -> Result<OrderDetail> {
    actor.may(Op::HoldOrder)?;
    let reason = check_hold_reason(reason).map_err(Error::Invalid)?;
    let mut tx = store.write().await?;
    let now = store.now_ms();
    let head = head_by_number(&mut tx, store.engine(), number, true).await?;
    actor.may_on(Op::HoldOrder, &head.channel)?;
    if head.hold_reason != reason {
        orders::set_hold_reason(&mut tx, head.id, reason.as_deref(), now).await?;
        events::record(
            &mut tx,
            Some(head.id),
            now,
            actor,
            EventKind::Held,
            Some(json!({"hold_reason": head.hold_reason})),
            Some(json!({"hold_reason": reason})),
        )
        .await?;
    }
    let detail = order_detail_in(&mut tx, store.engine(), &head.number).await?;
    tx.commit().await?;
    Ok(detail)
}
