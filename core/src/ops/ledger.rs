//! Money and notes on an order: payments and refunds beside fulfilment,
//! and the service notes managers leave for the warehouse.

use super::orders::order_detail_in;
use super::OrderDetail;
use crate::domain::access::Op;
use crate::domain::payment::{PaymentInput, PaymentKind};
use crate::domain::{Actor, EventKind, OrderHead};
use crate::store::orders::{self, head_by_number, lines};
use crate::store::payments::{self, NewEntry};
use crate::store::{events, notes, Store};
use crate::{Error, Result};
use serde_json::json;
use sqlx::AnyConnection;

/// Sets the order's payment state from its ledger and its total now (after
/// an edit or a split changed the total); a change is a history entry.
pub(super) async fn follow_ledger(
    conn: &mut sqlx::AnyConnection,
    engine: crate::store::Engine,
    actor: &Actor,
    number: &str,
    now: i64,
) -> Result<()> {
    let head = head_by_number(conn, engine, number, false).await?;
    let total: i64 = head.delivery_cost_minor
        + lines(conn, head.id)
            .await?
            .iter()
            .map(|l| l.amount_minor)
            .sum::<i64>();
    let paid = payments::sum(&payments::of_order(conn, head.id).await?);
    // An order nobody paid for stays as it came (awaiting payment).
    if paid.paid_minor == 0 && paid.refunded_minor == 0 {
        return Ok(());
    }
    let state = paid.state(total);
    if state != head.payment_status {
        orders::set_payment_status(conn, head.id, state, now).await?;
        events::record(
            conn,
            Some(head.id),
            now,
            actor,
            EventKind::PaymentRecorded,
            Some(json!({"payment_status": head.payment_status})),
            Some(json!({"payment_status": state, "total_minor": total, "why": "the order's total changed"})),
        )
        .await?;
    }
    Ok(())
}

/// Moves `amount` of what was paid for order `from` to order `to` (a
/// refund there, a payment here, both saying why).
pub(super) async fn transfer_payment(
    conn: &mut sqlx::AnyConnection,
    actor: &Actor,
    (from_id, from_number): (i64, &str),
    (to_id, to_number): (i64, &str),
    amount_minor: i64,
    currency: &str,
    now: i64,
) -> Result<()> {
    let out_note = format!("moved to order {to_number}");
    let in_note = format!("moved from order {from_number}");
    for (order_id, kind, note) in [
        (from_id, PaymentKind::Refund, out_note.as_str()),
        (to_id, PaymentKind::Payment, in_note.as_str()),
    ] {
        let entry = NewEntry {
            order_id,
            kind,
            amount_minor,
            currency,
            method: "split",
            note,
            at_ms: now,
        };
        payments::insert(conn, &entry, actor).await?;
    }
    Ok(())
}

/// Records a payment or a refund; the order's payment state follows the
/// ledger (domain::payment) and the change is a history entry.
pub async fn record_payment(
    store: &Store,
    actor: &Actor,
    number: &str,
    input: &PaymentInput,
) -> Result<OrderDetail> {
    actor.may(Op::RecordPayment)?;
    let mut tx = store.write().await?;
    let now = store.now_ms();
    let head = head_by_number(&mut tx, store.engine(), number, true).await?;
    let amount = payment_in(&mut tx, actor, &head, input, now).await?;
    // Issue 15 item 3: the receipt this payment calls for, in its transaction.
    super::receipts::after_payment(
        &mut tx,
        actor,
        &head,
        input.kind,
        amount,
        &input.method,
        now,
    )
    .await?;
    let detail = order_detail_in(&mut tx, store.engine(), &head.number).await?;
    tx.commit().await?;
    Ok(detail)
}

/// Records a payment or refund in the caller's transaction: checked
/// against the order's currency and what was paid, the order's payment
/// state follows, and the event row is written. The amount, in minor units.
pub(super) async fn payment_in(
    tx: &mut AnyConnection,
    actor: &Actor,
    head: &OrderHead,
    input: &PaymentInput,
    now: i64,
) -> Result<i64> {
    actor.may_on(Op::RecordPayment, &head.channel)?;
    let so_far = payments::sum(&payments::of_order(&mut *tx, head.id).await?);
    let checked = input
        .check(&head.currency, so_far)
        .map_err(Error::Invalid)?;
    let (amount, method, note) = (checked.amount_minor, checked.method, checked.note);
    let total: i64 = head.delivery_cost_minor
        + lines(&mut *tx, head.id)
            .await?
            .iter()
            .map(|l| l.amount_minor)
            .sum::<i64>();
    let entry = NewEntry {
        order_id: head.id,
        kind: input.kind,
        amount_minor: amount,
        currency: &head.currency,
        method: &method,
        note: &note,
        at_ms: now,
    };
    payments::insert(&mut *tx, &entry, actor).await?;
    let mut after = so_far;
    match input.kind {
        PaymentKind::Payment => after.paid_minor += amount,
        PaymentKind::Refund => after.refunded_minor += amount,
    }
    let state = after.state(total);
    if state != head.payment_status {
        orders::set_payment_status(&mut *tx, head.id, state, now).await?;
    }
    events::record(
        &mut *tx,
        Some(head.id),
        now,
        actor,
        match input.kind {
            PaymentKind::Payment => EventKind::PaymentRecorded,
            PaymentKind::Refund => EventKind::RefundRecorded,
        },
        Some(json!({
            "payment_status": head.payment_status,
            "paid_minor": so_far.paid_minor,
            "refunded_minor": so_far.refunded_minor,
        })),
        Some(json!({
            "payment_status": state,
            "paid_minor": after.paid_minor,
            "refunded_minor": after.refunded_minor,
            "amount_minor": amount,
            "currency": head.currency,
            "method": method,
            "note": note,
        })),
    )
    .await?;
    Ok(amount)
}

/// The longest service note, in characters.
const NOTE_MAX: usize = 2000;

/// Leaves a service note on the order ("позвонить перед доставкой");
/// pinned notes show at the packing station and on the pick list.
pub async fn add_note(
    store: &Store,
    actor: &Actor,
    number: &str,
    text: &str,
    pinned: bool,
) -> Result<OrderDetail> {
    actor.may(Op::AddNote)?;
    // A note that comes pinned is a pin too.
    if pinned {
        actor.may(Op::PinNote)?;
    }
    let text = Error::require_reason(
        text,
        "the note is empty; write what the warehouse should know",
    )?;
    if text.chars().count() > NOTE_MAX {
        return Err(Error::Invalid(format!(
            "the note is longer than {NOTE_MAX} characters; keep it short, it is read at the packing table"
        )));
    }
    let mut tx = store.write().await?;
    let now = store.now_ms();
    let head = head_by_number(&mut tx, store.engine(), number, true).await?;
    if pinned {
        actor.may_on(Op::PinNote, &head.channel)?;
    }
    let id = notes::insert(&mut tx, head.id, text, pinned, actor, now).await?;
    events::record(
        &mut tx,
        Some(head.id),
        now,
        actor,
        EventKind::NoteAdded,
        None,
        Some(json!({"note": id, "text": text, "pinned": pinned})),
    )
    .await?;
    let detail = order_detail_in(&mut tx, store.engine(), &head.number).await?;
    tx.commit().await?;
    Ok(detail)
}

/// Pins a note (it shows where the order is worked on) or unpins it.
pub async fn pin_note(
    store: &Store,
    actor: &Actor,
    number: &str,
    note_id: i64,
    pinned: bool,
) -> Result<OrderDetail> {
    actor.may(Op::PinNote)?;
    let mut tx = store.write().await?;
    let now = store.now_ms();
    let head = head_by_number(&mut tx, store.engine(), number, true).await?;
    actor.may_on(Op::PinNote, &head.channel)?;
    let note = notes::set_pinned(&mut tx, head.id, note_id, pinned).await?;
    events::record(
        &mut tx,
        Some(head.id),
        now,
        actor,
        EventKind::NotePinned,
        None,
        Some(json!({"note": note.id, "text": note.text, "pinned": pinned})),
    )
    .await?;
    let detail = order_detail_in(&mut tx, store.engine(), &head.number).await?;
    tx.commit().await?;
    Ok(detail)
}
