//! Receipts under 54-ФЗ: prepared from the order's data by one rule
//! (`domain::receipt`), kept per order, handed to the shop's cash register
//! (`crate::register`) and shown with what the register answered. A
//! receipt is fiscal only when a register answered with its fiscal
//! attributes; without a register it stays "prepared, not fiscalised".
//!
//! When receipts are prepared is a store setting (`ReceiptMoment`):
//! `at_payment` (a prepayment receipt when money is recorded before the
//! goods leave, a settlement receipt offsetting it at shipment),
//! `at_shipment` (one settlement receipt at shipment, credit for money
//! still to come, a credit-payment receipt when it comes), or `manual`.
//! Either way a refunded return gets its refund receipt with the returned
//! goods and their marking codes. The receipt is written in the same
//! transaction as the payment, shipment or return that calls for it, so
//! none is lost; sending to the register is a step of its own, after.

use crate::domain::access::Op;
use crate::domain::payment::PaymentKind;
use crate::domain::receipt::{
    self, Goods, OrderForReceipt, PaymentType, ReceiptDraft, ReceiptKind, ReceiptLine,
    ReceiptMoment, ReceiptPayment, ReceiptPurpose, ReceiptSettings, ReceiptState, Taxation, VatTag,
};
use crate::domain::{Actor, EventKind, OrderHead, OrderStatus};
use crate::register::{Answer, CashRegister, Register, ToRegister};
use crate::store::orders::{head_by_number, lines};
use crate::store::receipts::{self as store_receipts, FiscalAttributes, Outcome, ReceiptRow};
use crate::store::{events, payments, scans, settings, Store};
use crate::{Error, Result};
use serde::Serialize;
use serde_json::json;
use sqlx::AnyConnection;

/// The settings key of the store's receipt settings.
const SETTINGS: &str = "receipts";

/// A receipt a sender left `sending` longer than this was cut off (a
/// crash); another sender may take it again.
const SENDING_LEASE_MS: i64 = 5 * 60 * 1000;

/// A receipt as the order screen and the CLI show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReceiptView {
    pub receipt: ReceiptRow,
    pub lines: Vec<ReceiptLine>,
    pub payments: Vec<ReceiptPayment>,
    /// VAT by rate across the lines ("без НДС" left out).
    pub vat: Vec<ReceiptVat>,
    /// The register's fiscal attributes: only on a fiscalised receipt.
    pub fiscal: Option<FiscalAttributes>,
}

/// The VAT of one rate on a receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReceiptVat {
    pub vat: VatTag,
    pub vat_minor: i64,
}

/// An order's receipts and what stands in the way of its next one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OrderReceipts {
    pub number: String,
    pub receipts: Vec<ReceiptView>,
    pub moment: ReceiptMoment,
    /// The register receipts go to ("none": they stay prepared).
    pub register: String,
    /// Why this order's receipt cannot be built now (no e-mail, a VAT rate
    /// a receipt cannot state, no taxation system), if anything stops it.
    pub problem: Option<String>,
}

/// The store's receipt settings (defaults until someone sets them).
pub async fn receipt_settings(store: &Store) -> Result<ReceiptSettings> {
    let mut conn = store.pool().acquire().await?;
    settings_in(&mut conn).await
}

async fn settings_in(conn: &mut AnyConnection) -> Result<ReceiptSettings> {
    Ok(settings::get(conn, SETTINGS).await?.unwrap_or_default())
}

/// Changes the receipt settings (the owner's: they decide what the tax
/// office receives).
pub async fn set_receipt_settings(
    store: &Store,
    actor: &Actor,
    new: &ReceiptSettings,
) -> Result<ReceiptSettings> {
    actor.may(Op::SetReceipts)?;
    let clean = new.check().map_err(Error::Invalid)?;
    let mut tx = store.write().await?;
    let before = match settings_in(&mut tx).await {
        Ok(old) => json!(old),
        Err(Error::Damaged(why)) => json!({ "damaged": why }),
        Err(e) => return Err(e),
    };
    settings::put(&mut tx, SETTINGS, &clean).await?;
    events::record(
        &mut tx,
        None,
        store.now_ms(),
        actor,
        EventKind::ReceiptSettingsChanged,
        Some(before),
        Some(json!(clean)),
    )
    .await?;
    tx.commit().await?;
    Ok(clean)
}

async fn view_in(conn: &mut AnyConnection, row: ReceiptRow) -> Result<ReceiptView> {
    let lines = store_receipts::lines(conn, row.id).await?;
    let payments = store_receipts::payments(conn, row.id).await?;
    let fiscal = match (
        row.state,
        &row.fn_number,
        &row.fd_number,
        &row.fpd,
        &row.fiscal_time,
    ) {
        (ReceiptState::Fiscalised, Some(f), Some(d), Some(p), Some(t)) => Some(FiscalAttributes {
            fn_number: f.clone(),
            fd_number: d.clone(),
            fpd: p.clone(),
            fiscal_time: t.clone(),
            shift_number: row.shift_number.clone(),
            registration_number: row.registration_number.clone(),
            fns_site: row.fns_site.clone(),
        }),
        _ => None,
    };
    Ok(ReceiptView {
        vat: receipt::vat_totals(&lines)
            .into_iter()
            .map(|(vat, vat_minor)| ReceiptVat { vat, vat_minor })
            .collect(),
        lines,
        payments,
        fiscal,
        receipt: row,
    })
}

/// An order's receipts, oldest first, and what would stop its next one.
pub async fn order_receipts(store: &Store, number: &str) -> Result<OrderReceipts> {
    let mut tx = store.read().await?;
    let head = head_by_number(&mut tx, store.engine(), number, false).await?;
    let settings = settings_in(&mut tx).await?;
    let mut receipts = Vec::new();
    for row in store_receipts::of_order(&mut tx, head.id).await? {
        receipts.push(view_in(&mut tx, row).await?);
    }
    let order = order_for_receipt(&mut tx, &head).await?;
    tx.commit().await?;
    let problem = match settings.taxation {
        None => Some(
            "the store's taxation system (СНО) is not set; set it in the receipt settings".into(),
        ),
        Some(t) => receipt::settlement(&order, t, 0, (PaymentType::Electronic, 0)).err(),
    };
    Ok(OrderReceipts {
        number: head.number,
        receipts,
        moment: settings.moment,
        register: crate::register::Register::from_settings(&settings.register, None)
            .name()
            .to_string(),
        problem,
    })
}

/// The order as the receipt rule reads it: its lines, which are marked
/// goods, and the marking codes packed on each.
async fn order_for_receipt(conn: &mut AnyConnection, head: &OrderHead) -> Result<OrderForReceipt> {
    let order_lines = lines(conn, head.id).await?;
    let marked = store_receipts::marked_lines(conn, head.id).await?;
    let mut codes = scans::marking_codes(conn, head.id).await?;
    let goods = order_lines
        .iter()
        .map(|l| {
            // Codes go to the lines of their SKU, as many as each packed.
            let mut mine = Vec::new();
            while (mine.len() as i64) < l.packed {
                match codes.iter().position(|c| c.sku == l.sku) {
                    Some(i) => mine.push(codes.remove(i).code),
                    None => break,
                }
            }
            Goods {
                order_line_id: Some(l.id),
                name: l.name.clone(),
                quantity: l.quantity,
                amount_minor: l.amount_minor,
                rate_bp: l.tax_rate_bp,
                marked: marked.contains(&l.id),
                codes: mine,
            }
        })
        .collect();
    Ok(OrderForReceipt {
        number: head.number.clone(),
        email: head.email.clone(),
        phone: head.phone.clone(),
        goods,
        delivery_method: head.delivery_method.clone(),
        delivery_minor: head.delivery_cost_minor,
    })
}

fn shipped(status: OrderStatus) -> bool {
    matches!(
        status,
        OrderStatus::Shipped
            | OrderStatus::Delivered
            | OrderStatus::Completed
            | OrderStatus::Returned
    )
}

/// Money taken on prepayment and advance receipts and not given back on
/// refund receipts before the goods left.
fn prepaid(rows: &[ReceiptRow]) -> i64 {
    let settled = rows
        .iter()
        .position(|r| r.purpose == ReceiptPurpose::Settlement)
        .unwrap_or(rows.len());
    rows[..settled]
        .iter()
        .map(|r| match (r.kind, r.purpose) {
            (ReceiptKind::Sell, ReceiptPurpose::Prepayment | ReceiptPurpose::Advance) => {
                r.total_minor
            }
            (ReceiptKind::SellRefund, _) => -r.total_minor,
            _ => 0,
        })
        .sum()
}

/// Keeps a prepared receipt and its history row; its id.
async fn keep(
    conn: &mut AnyConnection,
    head: &OrderHead,
    return_id: Option<i64>,
    draft: &ReceiptDraft,
    actor: &Actor,
    now: i64,
) -> Result<i64> {
    let external_id = format!("pb-{}-{:016x}", head.number, rand::random::<u64>());
    let id = store_receipts::insert(conn, head, return_id, draft, &external_id, actor, now).await?;
    events::record(
        conn,
        Some(head.id),
        now,
        actor,
        EventKind::ReceiptPrepared,
        None,
        Some(json!({
            "receipt": id, "kind": draft.kind, "purpose": draft.purpose,
            "total_minor": draft.total_minor(), "external_id": external_id,
            "return": return_id,
        })),
    )
    .await?;
    Ok(id)
}

/// A receipt the rule could not build: the history says why, and the
/// payment, shipment or return that asked for it goes on.
async fn could_not(
    conn: &mut AnyConnection,
    head: &OrderHead,
    why: &str,
    actor: &Actor,
    now: i64,
) -> Result<()> {
    events::record(
        conn,
        Some(head.id),
        now,
        actor,
        EventKind::ReceiptFailed,
        None,
        Some(json!({ "prepared": false, "reason": why })),
    )
    .await
}

async fn keep_or_say(
    conn: &mut AnyConnection,
    head: &OrderHead,
    return_id: Option<i64>,
    draft: std::result::Result<ReceiptDraft, String>,
    actor: &Actor,
    now: i64,
) -> Result<()> {
    match draft {
        Ok(d) if d.total_minor() > 0 => keep(conn, head, return_id, &d, actor, now).await.map(drop),
        Ok(_) => Ok(()),
        Err(why) => could_not(conn, head, &why, actor, now).await,
    }
}

/// After a payment or refund is recorded (in its transaction): the
/// receipt the settings call for.
pub(super) async fn after_payment(
    conn: &mut AnyConnection,
    actor: &Actor,
    head: &OrderHead,
    kind: PaymentKind,
    amount: i64,
    method: &str,
    now: i64,
) -> Result<()> {
    let settings = settings_in(conn).await?;
    if settings.moment == ReceiptMoment::Manual {
        return Ok(());
    }
    let Some(taxation) = settings.taxation else {
        return could_not(
            conn,
            head,
            "the store's taxation system (СНО) is not set",
            actor,
            now,
        )
        .await;
    };
    let order = order_for_receipt(conn, head).await?;
    let rows = store_receipts::of_order(conn, head.id).await?;
    let paid_by = PaymentType::of_method(method);
    let settled = rows.iter().any(|r| r.purpose == ReceiptPurpose::Settlement);
    let draft = match kind {
        PaymentKind::Refund => {
            let Some(last) = rows.iter().rev().find(|r| r.kind == ReceiptKind::Sell) else {
                // No receipt was made for the money: none to reverse.
                return Ok(());
            };
            let taken = store_receipts::lines(conn, last.id).await?;
            receipt::refund(&order, taxation, amount, paid_by, None, &taken)
        }
        PaymentKind::Payment if !shipped(head.status) => {
            if settings.moment != ReceiptMoment::AtPayment {
                return Ok(());
            }
            receipt::prepayment(&order, taxation, amount, paid_by)
        }
        PaymentKind::Payment if settled => {
            receipt::credit_payment(&order, taxation, amount, paid_by)
        }
        PaymentKind::Payment => {
            let paid = payments::sum(&payments::of_order(conn, head.id).await?);
            let before = prepaid(&rows);
            receipt::settlement(
                &order,
                taxation,
                before,
                (paid_by, paid.net_minor() - before.max(0)),
            )
        }
    };
    keep_or_say(conn, head, None, draft, actor, now).await
}

/// At shipment (in its transaction): the settlement receipt, with the
/// goods' marking codes, unless the store prepares receipts by hand or the
/// order has one.
pub(super) async fn after_shipment(
    conn: &mut AnyConnection,
    store: &Store,
    actor: &Actor,
    number: &str,
    now: i64,
) -> Result<()> {
    let settings = settings_in(conn).await?;
    if settings.moment == ReceiptMoment::Manual {
        return Ok(());
    }
    let head = head_by_number(conn, store.engine(), number, false).await?;
    // A part that left while a dropshipping supplier's part waits is not
    // the hand-over of the order yet.
    if !shipped(head.status) {
        return Ok(());
    }
    let Some(taxation) = settings.taxation else {
        return could_not(
            conn,
            &head,
            "the store's taxation system (СНО) is not set",
            actor,
            now,
        )
        .await;
    };
    let rows = store_receipts::of_order(conn, head.id).await?;
    if rows.iter().any(|r| r.purpose == ReceiptPurpose::Settlement) {
        return Ok(());
    }
    let order = order_for_receipt(conn, &head).await?;
    let draft = settlement_for(conn, &head, &order, &rows, taxation, settings.moment).await?;
    keep_or_say(conn, &head, None, draft, actor, now).await
}

/// The settlement receipt: what prepayment receipts took is offset; money
/// in the ledger no receipt took is paid now (its type by the last
/// payment's method); the rest is credit.
async fn settlement_for(
    conn: &mut AnyConnection,
    head: &OrderHead,
    order: &OrderForReceipt,
    rows: &[ReceiptRow],
    taxation: Taxation,
    moment: ReceiptMoment,
) -> Result<std::result::Result<ReceiptDraft, String>> {
    let ledger = payments::of_order(conn, head.id).await?;
    let paid = payments::sum(&ledger);
    let before = prepaid(rows).max(0);
    let paid_by = ledger
        .iter()
        .rev()
        .find(|e| e.kind == PaymentKind::Payment)
        .map(|e| PaymentType::of_method(&e.method))
        .unwrap_or(PaymentType::Electronic);
    // At payment every payment had its receipt: nothing is paid now.
    let now_paid = match moment {
        ReceiptMoment::AtPayment => 0,
        _ => (paid.net_minor() - before).max(0),
    };
    Ok(receipt::settlement(
        order,
        taxation,
        before,
        (paid_by, now_paid),
    ))
}

/// After a return is taken with a refund (in its transaction): the refund
/// receipt for the goods that came back, with their codes.
pub(super) async fn after_return(
    conn: &mut AnyConnection,
    actor: &Actor,
    head: &OrderHead,
    return_id: i64,
    refund_minor: i64,
    method: &str,
    now: i64,
) -> Result<()> {
    let settings = settings_in(conn).await?;
    if settings.moment == ReceiptMoment::Manual || refund_minor <= 0 {
        return Ok(());
    }
    let Some(taxation) = settings.taxation else {
        return could_not(
            conn,
            head,
            "the store's taxation system (СНО) is not set",
            actor,
            now,
        )
        .await;
    };
    let order = order_for_receipt(conn, head).await?;
    let draft = returned_goods(conn, &order, return_id).await.map(|goods| {
        receipt::refund(
            &order,
            taxation,
            refund_minor,
            PaymentType::of_method(method),
            Some(&goods),
            &[],
        )
    })?;
    keep_or_say(conn, head, Some(return_id), draft, actor, now).await
}

/// What a return brought back, as goods at the order's prices (after
/// discounts), with the marking codes that came back.
async fn returned_goods(
    conn: &mut AnyConnection,
    order: &OrderForReceipt,
    return_id: i64,
) -> Result<Vec<Goods>> {
    let back = store_receipts::returned(conn, return_id).await?;
    let mut goods: Vec<Goods> = Vec::new();
    for (line_id, units, code) in back {
        let Some(line) = order
            .goods
            .iter()
            .find(|g| g.order_line_id == Some(line_id))
        else {
            continue;
        };
        let amount = line.amount_minor * units / line.quantity.max(1);
        match goods.iter_mut().find(|g| g.order_line_id == Some(line_id)) {
            Some(g) => {
                g.quantity += units;
                g.amount_minor += amount;
                g.codes.extend(code);
            }
            None => goods.push(Goods {
                quantity: units,
                amount_minor: amount,
                codes: code.into_iter().collect(),
                ..line.clone()
            }),
        }
    }
    Ok(goods)
}

/// Prepares the receipt an order is due now, by hand: the settlement once
/// it is shipped, else a prepayment for money taken that no receipt has.
pub async fn prepare_receipt(store: &Store, actor: &Actor, number: &str) -> Result<OrderReceipts> {
    actor.may(Op::PrepareReceipt)?;
    let mut tx = store.write().await?;
    let now = store.now_ms();
    let head = head_by_number(&mut tx, store.engine(), number, true).await?;
    actor.may_on(Op::PrepareReceipt, &head.channel)?;
    let settings = settings_in(&mut tx).await?;
    let taxation = settings.taxation.ok_or_else(|| {
        Error::Invalid(
            "set the store's taxation system (СНО) first: packbench-cli receipts settings --taxation osn"
                .into(),
        )
    })?;
    let order = order_for_receipt(&mut tx, &head).await?;
    let rows = store_receipts::of_order(&mut tx, head.id).await?;
    let draft = if shipped(head.status) {
        if rows.iter().any(|r| r.purpose == ReceiptPurpose::Settlement) {
            return Err(Error::Refused(format!(
                "order {} has its settlement receipt already; a refund gets its receipt with the refund",
                head.number
            )));
        }
        settlement_for(
            &mut tx,
            &head,
            &order,
            &rows,
            taxation,
            ReceiptMoment::AtShipment,
        )
        .await?
    } else {
        let paid = payments::sum(&payments::of_order(&mut tx, head.id).await?);
        let open = paid.net_minor() - prepaid(&rows);
        if open <= 0 {
            return Err(Error::Refused(format!(
                "order {} has no money without a receipt and has not shipped: its next receipt comes with a payment or at shipment",
                head.number
            )));
        }
        let method = payments::of_order(&mut tx, head.id)
            .await?
            .into_iter()
            .rev()
            .find(|e| e.kind == PaymentKind::Payment)
            .map(|e| e.method)
            .unwrap_or_default();
        receipt::prepayment(&order, taxation, open, PaymentType::of_method(&method))
    };
    let draft = draft.map_err(Error::Invalid)?;
    keep(&mut tx, &head, None, &draft, actor, now).await?;
    tx.commit().await?;
    order_receipts(store, &head.number).await
}

/// What a send did to each receipt it took.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReceiptSent {
    pub number: String,
    pub receipt_id: i64,
    pub state: ReceiptState,
    pub reason: String,
}

/// Hands the receipts that are not fiscal yet (of one order, or all) to
/// the store's register, or asks it again about those it took;
/// `password` is the register's, from this station's keyring. Each
/// receipt's outcome is written as it comes; a refusal or a register
/// that does not answer leaves the receipt failed with the reason, to be
/// sent again.
pub async fn send_receipts(
    store: &Store,
    actor: &Actor,
    number: Option<&str>,
    password: Option<&str>,
) -> Result<Vec<ReceiptSent>> {
    actor.may(Op::SendReceipt)?;
    let (settings, ids) = {
        let mut tx = store.read().await?;
        let settings = settings_in(&mut tx).await?;
        let order_id = match number {
            Some(n) => Some(head_by_number(&mut tx, store.engine(), n, false).await?.id),
            None => None,
        };
        let ids = store_receipts::waiting(&mut tx, order_id).await?;
        tx.commit().await?;
        (settings, ids)
    };
    let register = Register::from_settings(&settings.register, password);
    let mut report = Vec::new();
    for id in ids {
        if let Some(sent) = send_one(store, actor, &register, id).await? {
            report.push(sent);
        }
    }
    Ok(report)
}

async fn send_one(
    store: &Store,
    actor: &Actor,
    register: &Register,
    id: i64,
) -> Result<Option<ReceiptSent>> {
    let (row, lines, payments) = {
        let mut tx = store.write().await?;
        let now = store.now_ms();
        if !store_receipts::begin_send(&mut tx, id, now, now - SENDING_LEASE_MS).await? {
            return Ok(None);
        }
        let row = store_receipts::get(&mut tx, id)
            .await?
            .ok_or_else(|| Error::not_found("receipt", id.to_string()))?;
        let lines = store_receipts::lines(&mut tx, id).await?;
        let payments = store_receipts::payments(&mut tx, id).await?;
        tx.commit().await?;
        (row, lines, payments)
    };
    let to_register = ToRegister {
        external_id: row.external_id.clone(),
        kind: row.kind,
        taxation: row.taxation,
        contact: row.contact.clone(),
        total_minor: row.total_minor,
        lines,
        payments,
        timestamp: store
            .now()
            .with_timezone(&chrono::Local)
            .format("%d.%m.%Y %H:%M:%S")
            .to_string(),
    };
    // A receipt the same register took earlier: ask about it, do not
    // hand it over again.
    let mut answer = match &row.register_uuid {
        Some(uuid) if row.register == register.name() => register.check(&to_register, uuid).await,
        _ => register.register(&to_register).await,
    };
    if let Answer::Accepted { uuid } = &answer {
        if let a @ Answer::Fiscalised { .. } = register.check(&to_register, uuid).await {
            answer = a;
        }
    }
    let name = register.name();
    let (outcome, kind, state, reason) = match &answer {
        Answer::NotFiscal(why) => (
            Outcome::NotFiscal { register: name, reason: why },
            None,
            ReceiptState::Prepared,
            why.clone(),
        ),
        Answer::Accepted { uuid } => (
            Outcome::Sent { register: name, uuid },
            Some(EventKind::ReceiptSent),
            ReceiptState::Sent,
            String::new(),
        ),
        Answer::Fiscalised { uuid, attributes } => (
            Outcome::Fiscalised {
                register: name,
                uuid: uuid.as_deref(),
                attributes,
            },
            Some(EventKind::ReceiptFiscalised),
            ReceiptState::Fiscalised,
            String::new(),
        ),
        Answer::Refused { uuid, reason } => (
            Outcome::Failed {
                register: name,
                uuid: uuid.as_deref(),
                reason,
            },
            Some(EventKind::ReceiptFailed),
            ReceiptState::Failed,
            reason.clone(),
        ),
        Answer::Unreachable(why) => (
            Outcome::Failed {
                register: name,
                uuid: None,
                reason: why,
            },
            Some(EventKind::ReceiptFailed),
            ReceiptState::Failed,
            format!(
                "{why}; the receipt may have reached the register: send it again (it is registered once under its external id)"
            ),
        ),
    };
    // An unanswered send keeps the longer words.
    let outcome = match (&outcome, &answer) {
        (Outcome::Failed { register, uuid, .. }, Answer::Unreachable(_)) => Outcome::Failed {
            register,
            uuid: *uuid,
            reason: &reason,
        },
        _ => outcome,
    };
    let mut tx = store.write().await?;
    let now = store.now_ms();
    store_receipts::finish_send(&mut tx, id, &outcome, now).await?;
    if let Some(kind) = kind {
        let fiscal = match &answer {
            Answer::Fiscalised { attributes, .. } => json!(attributes),
            _ => json!(null),
        };
        events::record(
            &mut tx,
            Some(row.order_id),
            now,
            actor,
            kind,
            Some(json!({ "receipt": id, "state": row.state })),
            Some(json!({
                "receipt": id, "state": state, "register": name,
                "reason": reason, "fiscal": fiscal,
            })),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Some(ReceiptSent {
        number: row.number,
        receipt_id: id,
        state,
        reason,
    }))
}

/// The exact request the store's register driver would send for a
/// receipt (ATOL Online's JSON), for a person or a test to read.
pub async fn receipt_request(store: &Store, receipt_id: i64) -> Result<serde_json::Value> {
    let mut tx = store.read().await?;
    let settings = settings_in(&mut tx).await?;
    let row = store_receipts::get(&mut tx, receipt_id)
        .await?
        .ok_or_else(|| Error::not_found("receipt", receipt_id.to_string()))?;
    let lines = store_receipts::lines(&mut tx, receipt_id).await?;
    let payments = store_receipts::payments(&mut tx, receipt_id).await?;
    tx.commit().await?;
    let crate::domain::receipt::RegisterSettings::AtolOnline(atol) = &settings.register else {
        return Err(Error::Invalid(
            "no register is set up, so there is no request to show; set the ATOL Online register in the receipt settings".into(),
        ));
    };
    let r = ToRegister {
        external_id: row.external_id,
        kind: row.kind,
        taxation: row.taxation,
        contact: row.contact,
        total_minor: row.total_minor,
        lines,
        payments,
        timestamp: store
            .now()
            .with_timezone(&chrono::Local)
            .format("%d.%m.%Y %H:%M:%S")
            .to_string(),
    };
    Ok(json!({
        "operation": crate::register::atol::operation(r.kind),
        "body": crate::register::atol::request_body(&r, atol),
    }))
}
