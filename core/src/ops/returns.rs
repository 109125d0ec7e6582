//! Returns: a parcel comes back, its items are scanned, each in its
//! condition: resellable units go back into a bin (a `returned` row of the
//! stock ledger), damaged ones are written off with a reason; the store
//! refunds, sends to repair, or owes nothing. One transaction: all of it or
//! nothing. The order becomes `returned` when everything shipped came back,
//! else it keeps its status with the partial return in its history.

use super::desk::insert_order;
use super::ledger::payment_in;
use super::orders::transition;
use super::stock::{refresh_back_orders, reserve_order};
use crate::documents::return_note::{pdf as return_note_pdf, ReturnNoteLine, ReturnNoteView};
use crate::documents::{Lang, Party};
use crate::domain::access::Op;
use crate::domain::barcode::{self, ScanCode};
use crate::domain::customer::CustomerInput;
use crate::domain::desk::{LineInput, PhoneOrderInput};
use crate::domain::payment::{PaymentInput, PaymentKind};
use crate::domain::stock::{ItemCondition, MoveKind, ReturnOutcome};
use crate::domain::OrderHead;
use crate::domain::{Actor, EventKind, OrderStatus};
use crate::store::orders::{self, head_by_number, lines};
use crate::store::returns::{self, NewLine, NewReturn, ReturnedLine};
use crate::store::statuses::transition_matrix;
use crate::store::stock::{self as stock_store, StockMove};
use crate::store::{customers, events, products, scans, Store};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::AnyConnection;

/// One returned item (or several of the same, `units`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReturnItem {
    /// What was scanned: a barcode, a SKU, or a marked item's code.
    pub code: String,
    pub units: i64,
    pub condition: ItemCondition,
    /// The bin a resellable unit goes back into.
    pub bin: Option<String>,
    /// Why a damaged unit is written off (required for one).
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReturnInput {
    pub items: Vec<ReturnItem>,
    pub outcome: ReturnOutcome,
    /// The refund as money is written ("900", "450,50"); for a refund only.
    pub refund: Option<String>,
    /// How the money goes back (card, cash, the marketplace).
    pub method: String,
    pub note: String,
    /// An exchange's replacement: what the new order sends. Empty: the
    /// same products, as many as came back.
    #[serde(default)]
    pub exchange: Vec<ExchangeLine>,
}

/// One line of an exchange's replacement order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExchangeLine {
    pub sku: String,
    pub units: i64,
}

/// What a return did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReturnReceipt {
    pub return_id: i64,
    pub number: String,
    pub lines: Vec<ReturnedLine>,
    /// Everything shipped came back: the order is `returned`.
    pub whole: bool,
    pub status: OrderStatus,
    pub refund_minor: i64,
    /// An exchange's replacement order (new, confirmed, its stock reserved).
    pub exchange_number: Option<String>,
}

/// The order a returned parcel names: its number, a tracking number (of the
/// order or of a carton), or a carton's SSCC (as printed or scanned from its
/// GS1-128 label).
pub async fn find_return(store: &Store, text: &str) -> Result<String> {
    let typed = text.trim();
    let mut conn = store.pool().acquire().await?;
    let sscc = match barcode::normalize(typed)
        .ok()
        .map(|n| barcode::classify(&n))
    {
        Some(Ok(ScanCode::Gs1(g))) => g.get("00").map(str::to_string),
        _ => None,
    };
    for key in [Some(typed.to_string()), sscc].into_iter().flatten() {
        if let Some(number) = returns::order_for(&mut conn, &key).await? {
            return Ok(number);
        }
    }
    Err(Error::Invalid(format!(
        "no order has the number, tracking number or carton SSCC {typed:?}; check the parcel's label"
    )))
}

/// Takes a return back (see the module's words).
pub async fn receive_return(
    store: &Store,
    actor: &Actor,
    number: &str,
    input: &ReturnInput,
) -> Result<ReturnReceipt> {
    actor.may(Op::ReceiveReturn)?;
    match input.outcome {
        ReturnOutcome::Refund => actor.may(Op::RecordPayment)?,
        ReturnOutcome::Exchange => {
            actor.may(Op::CreateOrder)?;
            actor.may(Op::ConfirmOrder)?;
        }
        _ => {}
    }
    if input.outcome != ReturnOutcome::Exchange && !input.exchange.is_empty() {
        return Err(Error::Invalid(
            "replacement lines are for an exchange; choose exchange, or leave them out".into(),
        ));
    }
    if input.items.is_empty() {
        return Err(Error::Invalid(
            "scan the items that came back before taking the return".into(),
        ));
    }
    let note = input.note.trim();
    let mut tx = store.write().await?;
    let now = store.now_ms();
    let head = head_by_number(&mut tx, store.engine(), number, true).await?;
    if !matches!(
        head.status,
        OrderStatus::Shipped | OrderStatus::Delivered | OrderStatus::Completed
    ) {
        return Err(Error::Refused(format!(
            "order {} is {}: only a shipped order comes back",
            head.number, head.status
        )));
    }
    let order_lines = lines(&mut tx, head.id).await?;
    let mut left: Vec<(i64, i64)> = order_lines.iter().map(|l| (l.id, l.packed)).collect();
    for (line_id, units) in returns::returned_per_line(&mut tx, head.id).await? {
        if let Some(l) = left.iter_mut().find(|l| l.0 == line_id) {
            l.1 -= units;
        }
    }
    let packed_codes = scans::marking_codes(&mut tx, head.id).await?;
    let return_id = returns::insert(
        &mut tx,
        &NewReturn {
            order_id: head.id,
            outcome: input.outcome.as_str(),
            refund_minor: 0,
            note,
        },
        actor,
        now,
    )
    .await?;
    let mut seen_codes: Vec<String> = Vec::new();
    for item in &input.items {
        let typed = item.code.trim();
        let norm = barcode::normalize(typed)
            .map_err(|e| Error::Invalid(format!("{typed:?} cannot be read as a code: {e}")))?;
        let marking = match barcode::classify(&norm) {
            Ok(ScanCode::Gs1(g)) if g.is_marking_code() => Some(g.to_element_string()),
            _ => None,
        };
        let hit = match products::find_by_scan(&mut tx, &norm).await? {
            Ok(Some(hit)) => hit,
            _ => {
                let p = products::by_sku(&mut tx, typed).await.map_err(|_| {
                    Error::Invalid(format!(
                        "no product carries {typed:?}; check the item's label"
                    ))
                })?;
                crate::domain::ProductHit {
                    id: p.id,
                    sku: p.sku,
                    name: p.name,
                    units: 1,
                    marked: p.marked,
                }
            }
        };
        let units = if marking.is_some() {
            1
        } else {
            crate::domain::stock::check_units("a returned item", item.units * hit.units)
                .map_err(Error::Invalid)?
        };
        if let Some(code) = &marking {
            if !packed_codes.iter().any(|m| &m.code == code) {
                return Err(Error::Refused(format!(
                    "this {} was not shipped in order {}: its marking code is not one packed in it",
                    hit.name, head.number
                )));
            }
            if seen_codes.contains(code)
                || returns::marking_returned(&mut tx, head.id, code).await?
            {
                return Err(Error::Refused(format!(
                    "this {} came back already in a return of order {}",
                    hit.name, head.number
                )));
            }
            seen_codes.push(code.clone());
        } else if hit.marked {
            return Err(Error::Invalid(format!(
                "{} ({}) is marked (Честный ЗНАК): scan the DataMatrix code on the item, so the code it was sold with comes back",
                hit.name, hit.sku
            )));
        }
        // The first line of the product with units still out.
        let line = order_lines
            .iter()
            .filter(|l| l.product_id == Some(hit.id))
            .find(|l| left.iter().any(|x| x.0 == l.id && x.1 >= units));
        let Some(line) = line else {
            let shipped: i64 = order_lines
                .iter()
                .filter(|l| l.product_id == Some(hit.id))
                .map(|l| l.packed)
                .sum();
            return Err(Error::Refused(if shipped == 0 {
                format!(
                    "{} ({}) was not shipped in order {}; it is not part of this return",
                    hit.name, hit.sku, head.number
                )
            } else {
                format!(
                    "order {} shipped {shipped} of {} ({}) and fewer than {units} are still out; check the count",
                    head.number, hit.name, hit.sku
                )
            }));
        };
        if let Some(x) = left.iter_mut().find(|x| x.0 == line.id) {
            x.1 -= units;
        }
        let reason = item.reason.trim();
        let bin = match item.condition {
            ItemCondition::Resellable => {
                let bin = item
                    .bin
                    .as_deref()
                    .map(str::trim)
                    .filter(|b| !b.is_empty())
                    .ok_or_else(|| {
                        Error::Invalid(format!(
                            "say which bin the resellable {} goes back into",
                            hit.name
                        ))
                    })?;
                if !stock_store::bin_exists(&mut tx, bin).await? {
                    return Err(Error::Invalid(format!(
                        "there is no bin {bin:?}; check the bin's label, or add the bin first"
                    )));
                }
                let why = format!("return {return_id} of order {}", head.number);
                let m = StockMove {
                    order_id: Some(head.id),
                    ..StockMove::new(hit.id, bin, units, MoveKind::Returned, &why)
                };
                stock_store::book(&mut tx, &m, actor, now).await?;
                Some(bin)
            }
            ItemCondition::Damaged => {
                if reason.is_empty() {
                    return Err(Error::Invalid(format!(
                        "say why the damaged {} is written off",
                        hit.name
                    )));
                }
                None
            }
        };
        returns::insert_line(
            &mut tx,
            &NewLine {
                return_id,
                line_id: line.id,
                product_id: hit.id,
                units,
                condition: item.condition.as_str(),
                bin,
                reason,
                marking_code: marking.as_deref(),
            },
            now,
        )
        .await?;
    }
    let mut refund_minor = 0;
    match (input.outcome, input.refund.as_deref().map(str::trim)) {
        (ReturnOutcome::Refund, Some(amount)) if !amount.is_empty() => {
            let before = crate::store::payments::sum(
                &crate::store::payments::of_order(&mut tx, head.id).await?,
            );
            payment_in(
                &mut tx,
                actor,
                &head,
                &PaymentInput {
                    kind: PaymentKind::Refund,
                    amount: amount.to_string(),
                    currency: head.currency.clone(),
                    method: input.method.clone(),
                    note: format!("return {return_id}"),
                },
                now,
            )
            .await?;
            let after = crate::store::payments::sum(
                &crate::store::payments::of_order(&mut tx, head.id).await?,
            );
            refund_minor = after.refunded_minor - before.refunded_minor;
            returns::set_refund(&mut tx, return_id, refund_minor).await?;
        }
        (ReturnOutcome::Refund, _) => {
            return Err(Error::Invalid(
                "a refund needs its amount; give it, or choose repair or nothing owed".into(),
            ))
        }
        _ => {}
    }
    // Issue 15 item 3: the refund receipt for the goods that came back.
    super::receipts::after_return(
        &mut tx,
        actor,
        &head,
        return_id,
        refund_minor,
        &input.method,
        now,
    )
    .await?;
    let exchange_number = if input.outcome == ReturnOutcome::Exchange {
        let lines_back = returns::lines_of(&mut tx, return_id).await?;
        let number = exchange(&mut tx, store, actor, &head, return_id, &lines_back, input).await?;
        Some(number)
    } else {
        None
    };
    let whole = left.iter().all(|x| x.1 <= 0);
    let mut status = head.status;
    if whole && head.status != OrderStatus::Returned {
        transition_matrix(&mut tx)
            .await?
            .check(head.status, OrderStatus::Returned)?;
        if !orders::set_status(&mut tx, head.id, head.status, OrderStatus::Returned, now).await? {
            return Err(Error::Conflict(format!(
                "order {} changed at another station meanwhile; take the return again",
                head.number
            )));
        }
        status = OrderStatus::Returned;
    }
    let lines_back = returns::lines_of(&mut tx, return_id).await?;
    events::record(
        &mut tx,
        Some(head.id),
        now,
        actor,
        EventKind::ReturnReceived,
        Some(json!({"status": head.status})),
        Some(
            json!({"status": status, "return": return_id, "outcome": input.outcome,
                    "refund_minor": refund_minor, "lines": lines_back, "note": note,
                    "exchange": exchange_number}),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(ReturnReceipt {
        return_id,
        number: head.number,
        lines: lines_back,
        whole,
        status,
        refund_minor,
        exchange_number,
    })
}

/// An exchange's replacement: a new order for the same customer, channel
/// and delivery, its lines at no charge (paid by what came back), confirmed
/// with its stock reserved, and linked to the return. Its number.
async fn exchange(
    tx: &mut AnyConnection,
    store: &Store,
    actor: &Actor,
    head: &OrderHead,
    return_id: i64,
    back: &[ReturnedLine],
    input: &ReturnInput,
) -> Result<String> {
    let wanted: Vec<ExchangeLine> = if input.exchange.is_empty() {
        let mut same: Vec<ExchangeLine> = Vec::new();
        for l in back {
            match same.iter_mut().find(|x| x.sku == l.sku) {
                Some(x) => x.units += l.units,
                None => same.push(ExchangeLine {
                    sku: l.sku.clone(),
                    units: l.units,
                }),
            }
        }
        same
    } else {
        input.exchange.clone()
    };
    let customer = match orders::customer_of(&mut *tx, head.id).await? {
        Some(id) => {
            let c = customers::by_id(&mut *tx, id).await?;
            CustomerInput {
                id: Some(c.id),
                name: c.name,
                phone: c.phone,
                email: c.email,
                address: c.address,
            }
        }
        None => CustomerInput {
            id: None,
            name: head.customer_name.clone(),
            phone: head.phone.clone(),
            email: head.email.clone(),
            address: head.shipping_address.clone(),
        },
    };
    let order = PhoneOrderInput {
        customer,
        lines: wanted
            .iter()
            .map(|l| LineInput {
                sku: l.sku.trim().to_string(),
                quantity: l.units,
                unit_price: "0".into(),
                ..LineInput::default()
            })
            .collect(),
        delivery_method: head.delivery_method.clone(),
        delivery_cost: String::new(),
        comment: format!("exchange for order {} (return {return_id})", head.number),
        currency: head.currency.clone(),
        manager: head.manager.clone(),
        channel: head.channel.clone(),
    };
    let (id, number) = insert_order(&mut *tx, store, actor, &order)
        .await
        .map_err(|e| match e {
            Error::Invalid(why) => Error::Invalid(format!("the exchange's new order: {why}")),
            other => other,
        })?;
    let new_head = head_by_number(&mut *tx, store.engine(), &number, true).await?;
    transition(
        &mut *tx,
        store,
        actor,
        &new_head,
        OrderStatus::Confirmed,
        EventKind::Confirmed,
    )
    .await?;
    reserve_order(&mut *tx, id).await?;
    refresh_back_orders(&mut *tx, id, false).await?;
    returns::set_exchange(&mut *tx, return_id, id).await?;
    Ok(number)
}

/// The return note (PDF, A4) of a return, in Russian or English.
pub async fn return_note(store: &Store, return_id: i64, lang: Lang) -> Result<Vec<u8>> {
    let mut tx = store.read().await?;
    let (order_id, outcome, refund_minor, note, at, exchange) = returns::head(&mut tx, return_id)
        .await?
        .ok_or_else(|| Error::not_found("return", return_id.to_string()))?;
    let number = orders::number_of(&mut tx, order_id).await?;
    let head = head_by_number(&mut tx, store.engine(), &number, false).await?;
    let seller = super::documents::seller_in(&mut tx).await?;
    let lines = returns::lines_of(&mut tx, return_id).await?;
    tx.commit().await?;
    let view = ReturnNoteView {
        return_id,
        number,
        date: chrono::DateTime::from_timestamp_millis(at)
            .map(|t| t.with_timezone(&chrono::Local).date_naive())
            .unwrap_or_default(),
        seller: Party::from_seller(&seller),
        customer: Party {
            name: head.customer_name.clone(),
            address: head.shipping_address.clone(),
            phone: head.phone.clone(),
            email: head.email.clone(),
        },
        lines: lines
            .into_iter()
            .map(|l| ReturnNoteLine {
                resellable: l.condition == ItemCondition::Resellable.as_str(),
                where_or_why: l.bin.unwrap_or(l.reason),
                sku: l.sku,
                name: l.name,
                units: l.units,
            })
            .collect(),
        outcome,
        exchange,
        refund_minor,
        currency: head.currency.clone(),
        note,
    };
    return_note_pdf(&view, lang)
}
