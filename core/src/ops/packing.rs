//! The packing table: open an order, claim it, scan every item, undo,
//! finish (and print), take a packed box apart again, release.

use super::orders::order_detail_in;
use super::printing::{print_after_pack, PrintRun};
use super::OrderDetail;
use crate::documents::PrintSettings;
use crate::domain::access::{Credential, Op, Override};
use crate::domain::barcode::{self, ScanCode};
use crate::domain::scan::{marking_verdict, pack_verdict, ProductHit, ScanLine};
use crate::domain::{
    order, Actor, EventKind, OrderHead, OrderStatus, PackingOpening, ScanKind, ScanOutcome,
    ScanResult,
};
use crate::store::orders::{self, head_by_number, lines};
use crate::store::scans::{self, NewScan, ScanTarget};
use crate::store::statuses::transition_matrix;
use crate::store::{events, is_unique_violation, products, Store, Tx};
use crate::{Error, Result};
use serde::Serialize;
use serde_json::json;

fn held_message(head: &OrderHead) -> String {
    format!(
        "order {} is being packed at station {} by {}",
        head.number,
        head.claimed_station.as_deref().unwrap_or("?"),
        head.claimed_by.as_deref().unwrap_or("?")
    )
}

/// Claims the order (locked in `tx`) for the actor's station. Exactly one
/// station wins when several try at once; the others get a Conflict naming it.
async fn claim_in(tx: &mut Tx, store: &Store, actor: &Actor, head: &OrderHead) -> Result<()> {
    let order_lines = lines(tx, head.id).await?;
    super::dropship::refuse_nothing_to_pack(head, &order_lines)?;
    let waiting = order::unknown_skus(&order_lines).join(", ");
    if !waiting.is_empty() {
        return Err(Error::Refused(format!(
            "order {} cannot be packed yet: no product has SKU {waiting}; import or create the product first",
            head.number
        )));
    }
    if head.status != OrderStatus::Packing {
        transition_matrix(tx)
            .await?
            .check(head.status, OrderStatus::Packing)?;
    }
    let now = store.now_ms();
    if !orders::claim(tx, head.id, head.status, &actor.station, &actor.user, now).await? {
        // Someone changed the order between our read and our write.
        let now_head = head_by_number(tx, store.engine(), &head.number, false).await?;
        return Err(Error::Conflict(if now_head.claimed_station.is_some() {
            held_message(&now_head)
        } else {
            format!(
                "order {} changed to {} meanwhile; open it again",
                now_head.number, now_head.status
            )
        }));
    }
    events::record(
        tx,
        Some(head.id),
        now,
        actor,
        EventKind::Claimed,
        Some(json!({"status": head.status})),
        Some(json!({"status": OrderStatus::Packing, "station": actor.station, "user": actor.user})),
    )
    .await
}

/// Claims an order for packing at the actor's station. A packed (`ready`)
/// order is refused: it goes to the hand-over, and taking its box apart is
/// [`take_apart`], never a side effect of claiming.
pub async fn claim_order(store: &Store, actor: &Actor, number: &str) -> Result<OrderDetail> {
    actor.may(Op::ClaimOrder)?;
    let mut tx = store.write().await?;
    let head = head_by_number(&mut tx, store.engine(), number, true).await?;
    match head.status.opening_at_packing(
        &head.number,
        head.claimed_station.as_deref(),
        head.claimed_by.as_deref(),
        &actor.station,
    )? {
        PackingOpening::Claim => claim_in(&mut tx, store, actor, &head).await?,
        PackingOpening::Resume => {}
        PackingOpening::HandOver => {
            return Err(Error::Refused(format!(
                "order {} is packed and waits for the hand-over; to change its box, take it apart first",
                head.number
            )))
        }
    }
    let detail = order_detail_in(&mut tx, store.engine(), &head.number).await?;
    tx.commit().await?;
    Ok(detail)
}

/// What a station does with an order it opened (a scanned or typed number).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum Opened {
    /// Claimed here (or already being packed here): scan its items.
    Packing { order: OrderDetail },
    /// Packed already: hand it to the courier. It stays `ready`.
    HandOver { order: OrderDetail },
}

/// Opens an order at a packing station: confirmed and picked orders are
/// claimed, an order this station is packing carries on, a packed one goes
/// to the hand-over unchanged.
pub async fn open_for_packing(store: &Store, actor: &Actor, number: &str) -> Result<Opened> {
    actor.may(Op::OpenForPacking)?;
    let mut tx = store.write().await?;
    let head = head_by_number(&mut tx, store.engine(), number, true).await?;
    // A held order waits (for payment, for stock): not packed, and not
    // handed over either, until the hold is released.
    if let Some(reason) = &head.hold_reason {
        return Err(Error::Refused(format!(
            "order {} is on hold ({reason}); the office releases the hold before it is packed",
            head.number
        )));
    }
    let opening = head.status.opening_at_packing(
        &head.number,
        head.claimed_station.as_deref(),
        head.claimed_by.as_deref(),
        &actor.station,
    )?;
    if opening == PackingOpening::Claim {
        claim_in(&mut tx, store, actor, &head).await?;
    }
    let order = order_detail_in(&mut tx, store.engine(), &head.number).await?;
    tx.commit().await?;
    Ok(match opening {
        PackingOpening::HandOver => Opened::HandOver { order },
        PackingOpening::Claim | PackingOpening::Resume => Opened::Packing { order },
    })
}

/// Opens a packed (`ready`) order's box again at this station, to change
/// what is in it: ready → packing, claimed here, what was packed stays
/// counted. Written to the history with the reason.
pub async fn take_apart(
    store: &Store,
    actor: &Actor,
    number: &str,
    reason: &str,
    approval: Option<&Credential>,
) -> Result<OrderDetail> {
    actor.may(Op::TakeApart)?;
    let reason = Error::require_reason(
        reason,
        "say why the packed box is opened again; the reason is kept in the order's history",
    )?;
    let actor = &super::people::approved(store, actor, approval, Override::TakeApart).await?;
    let mut tx = store.write().await?;
    let now = store.now_ms();
    let head = head_by_number(&mut tx, store.engine(), number, true).await?;
    if head.status != OrderStatus::Ready {
        return Err(Error::InvalidTransition {
            from: head.status,
            to: OrderStatus::Packing,
        });
    }
    transition_matrix(&mut tx)
        .await?
        .check(OrderStatus::Ready, OrderStatus::Packing)?;
    super::dropship::refuse_if_warehouse_shipped(&mut tx, &head).await?;
    if !orders::claim(
        &mut tx,
        head.id,
        head.status,
        &actor.station,
        &actor.user,
        now,
    )
    .await?
    {
        return Err(Error::changed_meanwhile(&head.number));
    }
    // The box opened again is its last carton: goods come out of it (and
    // go in) until it is closed and weighed again.
    let reopened = crate::store::cartons::reopen_last(&mut tx, head.id).await?;
    events::record(
        &mut tx,
        Some(head.id),
        now,
        actor,
        EventKind::TakenApart,
        Some(json!({"status": OrderStatus::Ready, "short_reason": head.short_reason})),
        Some(json!({"status": OrderStatus::Packing, "station": actor.station, "reason": reason, "carton": reopened})),
    )
    .await?;
    let detail = order_detail_in(&mut tx, store.engine(), &head.number).await?;
    tx.commit().await?;
    Ok(detail)
}

/// The station holding it (or a supervisor, or another station with a
/// supervisor's approval) gives the order back; what was packed so far
/// stays counted.
pub async fn release_claim(
    store: &Store,
    actor: &Actor,
    number: &str,
    approval: Option<&Credential>,
) -> Result<OrderDetail> {
    actor.may(Op::ReleaseClaim)?;
    let approved = match approval {
        Some(_) => Some(
            super::people::approved(store, actor, approval, Override::ReleaseOtherClaim).await?,
        ),
        None => None,
    };
    let actor = approved.as_ref().unwrap_or(actor);
    let mut tx = store.write().await?;
    let now = store.now_ms();
    let head = head_by_number(&mut tx, store.engine(), number, true).await?;
    let Some(holder) = head.claimed_station.clone() else {
        return Err(Error::Refused(format!(
            "order {} is not claimed by any station",
            head.number
        )));
    };
    if holder != actor.station {
        actor.approved_for(Override::ReleaseOtherClaim)?;
    }
    let new_status = if head.status == OrderStatus::Packing {
        transition_matrix(&mut tx)
            .await?
            .check(head.status, OrderStatus::Confirmed)?;
        OrderStatus::Confirmed
    } else {
        head.status
    };
    orders::release(&mut tx, head.id, new_status, now).await?;
    events::record(
        &mut tx,
        Some(head.id),
        now,
        actor,
        EventKind::ClaimReleased,
        Some(json!({"status": head.status, "station": holder})),
        Some(json!({"status": new_status})),
    )
    .await?;
    let detail = order_detail_in(&mut tx, store.engine(), &head.number).await?;
    tx.commit().await?;
    Ok(detail)
}

/// Keeps what the scanner sent printable for the ledger and the screen.
fn printable(raw: &str) -> String {
    let mut out = String::new();
    for c in raw.chars().take(barcode::MAX_SCAN_LEN) {
        if c == barcode::GS {
            out.push_str("<GS>");
        } else if c.is_control() {
            out.push_str(&format!("<{:02X}>", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// A client's scan id: 1 to 100 characters, so a retry is not counted twice.
pub(super) fn check_scan_id(scan_id: &str) -> Result<&str> {
    let scan_id = scan_id.trim();
    if scan_id.is_empty() || scan_id.len() > 100 {
        return Err(Error::Invalid(
            "a scan needs an id of 1 to 100 characters, so a retry is not counted twice".into(),
        ));
    }
    Ok(scan_id)
}

/// Runs one scan's transaction; when two clients race with the same scan id
/// and the ledger's unique id refuses the loser's row, the loser runs once
/// more and reads the winner's verdict. Packing and picking share it.
pub(super) async fn with_scan_retry<T, F, Fut>(scan_id: &str, mut once: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    for attempt in 0..2 {
        match once().await {
            Err(e) if attempt == 0 && is_unique_violation(&e) => {}
            other => return other,
        }
    }
    Err(Error::Conflict(format!(
        "scan {scan_id} was recorded by another client at the same moment; scan again"
    )))
}

/// A retried scan id: the verdict it got the first time, counted once.
fn earlier_result(earlier: scans::EarlierScan<ScanOutcome>, scan_id: &str) -> ScanResult {
    let message = earlier.verdict.message(&earlier.code);
    ScanResult {
        code: earlier.code,
        scan_id: scan_id.to_string(),
        duplicate: true,
        outcome: earlier.verdict,
        message,
    }
}

/// The order's lines as a scan's verdict reads them.
async fn scan_lines_of(tx: &mut Tx, order_id: i64) -> Result<Vec<ScanLine>> {
    Ok(lines(tx, order_id)
        .await?
        .iter()
        .map(ScanLine::from)
        .collect())
}

/// How often a product scan's verdict is made again when its line was
/// filled by another scan between the read and the write.
const PACK_ATTEMPTS: usize = 3;

/// The verdict on a product scan of the order (`order_number`, `order_id`)
/// against its lines and, when the unit fits, the unit packed. `packed_in`
/// is the order a marking code was packed in before, if any.
///
/// `order_lines` come from the scan's own read. On PostgreSQL another scan
/// of the order (the CLI beside the app, a second window) can fill a line
/// between that read and this write; the write's own check
/// (`packed + units <= quantity`) refuses it, and the verdict is made again
/// on the lines as they are now: the unit goes to another line of the
/// product that still has room, or the over-scan names the line's true
/// count, not the count read before the other scan.
async fn pack_product(
    tx: &mut Tx,
    order_number: &str,
    order_id: i64,
    hit: &ProductHit,
    by_marking_code: bool,
    packed_in: Option<String>,
    mut order_lines: Vec<ScanLine>,
) -> Result<ScanOutcome> {
    let here = packed_in.as_deref() == Some(order_number);
    let elsewhere = packed_in.filter(|n| n != order_number);
    for _ in 0..PACK_ATTEMPTS {
        let verdict = marking_verdict(
            pack_verdict(&order_lines, hit, here),
            hit,
            by_marking_code,
            elsewhere.clone(),
        );
        let Some((line_id, units)) = verdict.packed_units() else {
            return Ok(verdict);
        };
        if orders::add_packed(tx, line_id, units).await? {
            return Ok(verdict);
        }
        order_lines = scan_lines_of(tx, order_id).await?;
    }
    // Filled again under every new verdict: nothing is packed or written,
    // and the packer scans again (the same scan id counts once).
    Err(Error::Conflict(format!(
        "the lines of order {order_number} changed under this scan {PACK_ATTEMPTS} times (another scan of the order at the same moment); nothing was packed, scan again"
    )))
}

/// Verifies one scan against the order and, if it fits, packs it. Every scan
/// is written to the ledger; the same `scan_id` twice is counted once.
pub async fn record_scan(
    store: &Store,
    actor: &Actor,
    number: &str,
    raw_code: &str,
    scan_id: &str,
) -> Result<ScanResult> {
    actor.may(Op::RecordScan)?;
    let scan_id = check_scan_id(scan_id)?;
    with_scan_retry(scan_id, || {
        record_scan_once(store, actor, number, raw_code, scan_id)
    })
    .await
}

async fn record_scan_once(
    store: &Store,
    actor: &Actor,
    number: &str,
    raw_code: &str,
    scan_id: &str,
) -> Result<ScanResult> {
    let normalized = barcode::normalize(raw_code);
    let mut tx = store.write().await?;
    // One statement reads the order and its lines, a scan made earlier
    // under this id, the open carton and the product with exactly this
    // barcode; an order not found by its current number is looked up the
    // long way.
    let exact_code = normalized.as_deref().unwrap_or("");
    let (head, scan_lines, open_carton, exact) =
        match scans::scan_context::<ScanOutcome>(&mut tx, number, scan_id, exact_code).await? {
            Some(ctx) => match ctx.earlier {
                Some(earlier) => return Ok(earlier_result(earlier, scan_id)),
                None => (
                    ctx.head,
                    Some(ctx.lines),
                    Some(ctx.open_carton),
                    Some(ctx.exact),
                ),
            },
            None => {
                if let Some(earlier) = scans::earlier::<ScanOutcome>(&mut tx, scan_id).await? {
                    return Ok(earlier_result(earlier, scan_id));
                }
                let head = head_by_number(&mut tx, store.engine(), number, false).await?;
                (head, None, None, None)
            }
        };
    let now = store.now_ms();
    let code = match &normalized {
        Ok(c) => printable(c),
        Err(_) => printable(raw_code.trim()),
    };
    let mut marking: Option<String> = None;
    let outcome = if !head.packing_at(&actor.station) {
        ScanOutcome::NotClaimed {
            held_by: head.claimed_station.clone(),
        }
    } else {
        match normalized {
            Err(e) => ScanOutcome::InvalidBarcode {
                reason: e.to_string(),
            },
            Ok(norm) => {
                if let Ok(ScanCode::Gs1(gs1)) = barcode::classify(&norm) {
                    if gs1.is_marking_code() {
                        marking = Some(gs1.to_element_string());
                    }
                }
                let found = match exact {
                    Some(Some(hit)) => Ok(Some(hit)),
                    Some(None) => products::find_by_scan_after_exact(&mut tx, &norm).await?,
                    None => products::find_by_scan(&mut tx, &norm).await?,
                };
                match found {
                    Err(e) => ScanOutcome::InvalidBarcode {
                        reason: e.to_string(),
                    },
                    Ok(None) => super::cartons::box_scan(&mut tx, &head, &norm, actor, now)
                        .await?
                        .unwrap_or(ScanOutcome::UnknownBarcode),
                    Ok(Some(hit)) => {
                        let order_lines = match scan_lines {
                            Some(l) => l,
                            None => scan_lines_of(&mut tx, head.id).await?,
                        };
                        let packed_in = match &marking {
                            Some(m) => {
                                scans::marking_code_packed_in(&mut tx, store.engine(), m).await?
                            }
                            None => None,
                        };
                        pack_product(
                            &mut tx,
                            &head.number,
                            head.id,
                            &hit,
                            marking.is_some(),
                            packed_in,
                            order_lines,
                        )
                        .await?
                    }
                }
            }
        }
    };
    let marking_to_store = marking.as_deref().filter(|_| outcome.is_accepted());
    // An accepted unit goes into the open carton (one in the default box
    // is opened for the first).
    let carton = match (outcome.packed_units(), open_carton) {
        (None, _) => None,
        (Some(_), Some(Some(open))) => Some(open),
        (Some(_), _) => Some(super::cartons::carton_for_scan(&mut tx, &head, actor, now).await?),
    };
    scans::append(
        &mut tx,
        NewScan {
            scan_id,
            target: ScanTarget::Order(head.id),
            actor,
            at_ms: now,
            code: &code,
            kind: outcome.kind(),
            verdict: &outcome,
            counted: outcome.packed_units(),
            marking_code: marking_to_store,
            reverses: None,
            carton,
        },
    )
    .await?;
    tx.commit().await?;
    let message = outcome.message(&code);
    Ok(ScanResult {
        code,
        scan_id: scan_id.to_string(),
        duplicate: false,
        outcome,
        message,
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UndoResult {
    pub code: String,
    pub line_id: i64,
    pub sku: String,
    pub units: i64,
    pub packed: i64,
    pub ordered: i64,
}

/// Takes one accepted scan back: the line's packed count goes down and the
/// ledger gets an undo row pointing at it (`scan_id` names the undo).
/// Returns what the line looks like now.
async fn reverse_scan(
    tx: &mut sqlx::AnyConnection,
    actor: &Actor,
    order_id: i64,
    last: &scans::Undoable,
    scan_id: &str,
    now: i64,
) -> Result<crate::domain::OrderLine> {
    orders::remove_packed(tx, last.line_id, last.units).await?;
    let line = lines(tx, order_id)
        .await?
        .into_iter()
        .find(|l| l.id == last.line_id)
        .ok_or_else(|| Error::not_found("order line", last.line_id.to_string()))?;
    let outcome = ScanOutcome::Accepted {
        line_id: last.line_id,
        sku: line.sku.clone(),
        name: line.name.clone(),
        units: -last.units,
        packed: line.packed,
        ordered: line.quantity,
        order_complete: false,
    };
    scans::append(
        tx,
        NewScan {
            scan_id,
            target: ScanTarget::Order(order_id),
            actor,
            at_ms: now,
            code: &last.code,
            kind: ScanKind::Undo,
            verdict: &outcome,
            counted: outcome.packed_units(),
            marking_code: None,
            reverses: Some(last.id),
            carton: last.carton_id,
        },
    )
    .await?;
    Ok(line)
}

/// Takes every unit back out of a released order's box (an edit changes
/// its lines): one undo row per accepted scan in the ledger, so the packed
/// counts still equal the ledger and the units are scanned again. Returns
/// how many units came out.
pub(super) async fn unpack_all(
    tx: &mut sqlx::AnyConnection,
    actor: &Actor,
    head: &crate::domain::OrderHead,
    now: i64,
) -> Result<i64> {
    let mut units = 0;
    while let Some(last) = scans::last_undoable(tx, head.id).await? {
        reverse_scan(
            tx,
            actor,
            head.id,
            &last,
            &format!("edit-undo-{}", last.id),
            now,
        )
        .await?;
        units += last.units;
    }
    Ok(units)
}

/// Takes back the last accepted scan of the order (the packer took the item
/// out again). Written to the ledger as its own row.
pub async fn undo_last_scan(store: &Store, actor: &Actor, number: &str) -> Result<UndoResult> {
    actor.may(Op::UndoScan)?;
    let mut tx = store.write().await?;
    let now = store.now_ms();
    let head = head_by_number(&mut tx, store.engine(), number, true).await?;
    if !head.packing_at(&actor.station) {
        return Err(Error::Refused(format!(
            "order {} is not being packed at station {}; nothing to undo",
            head.number, actor.station
        )));
    }
    let Some(last) = scans::last_undoable(&mut tx, head.id).await? else {
        return Err(Error::Refused(format!(
            "order {} has no scan left to undo",
            head.number
        )));
    };
    if let Some(carton) = last.carton_id {
        let c = crate::store::cartons::by_id(&mut tx, carton).await?;
        if c.closed_at.is_some() {
            return Err(Error::Refused(format!(
                "the last item went into carton {}, which is closed; it stays packed",
                c.seq
            )));
        }
    }
    let line = reverse_scan(
        &mut tx,
        actor,
        head.id,
        &last,
        &format!("undo-{}", last.id),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(UndoResult {
        code: last.code,
        line_id: last.line_id,
        sku: line.sku,
        units: last.units,
        packed: line.packed,
        ordered: line.quantity,
    })
}

/// A closed box, and its invoice and label on their way to the printers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Packed {
    pub order: OrderDetail,
    /// The jobs auto-print queued (none with auto-print off); they are sent
    /// in the background, and their outcome comes as order events.
    pub print_jobs: Vec<crate::store::print_jobs::PrintJob>,
}

/// Closes the box: the order becomes `ready`. A short line needs a
/// short-ship reason, recorded on the order and in its history. Then, as
/// the station's print settings say, the invoice and the label are queued
/// and sent: the returned [`PrintRun`] sends them; the app lets it run in
/// the background, the CLI waits for it. A printer problem is a failed job,
/// never a failed pack.
pub async fn finish_packing(
    store: &Store,
    actor: &Actor,
    number: &str,
    short_reason: Option<&str>,
    print: &PrintSettings,
    approval: Option<&Credential>,
) -> Result<(Packed, PrintRun)> {
    actor.may(Op::FinishPacking)?;
    let approved = match approval {
        Some(_) => {
            Some(super::people::approved(store, actor, approval, Override::ShortShip).await?)
        }
        None => None,
    };
    let actor = approved.as_ref().unwrap_or(actor);
    let order = close_box(store, actor, number, short_reason).await?;
    let (print_jobs, run) = print_after_pack(store, actor, &order.head.number, print).await?;
    Ok((Packed { order, print_jobs }, run))
}

async fn close_box(
    store: &Store,
    actor: &Actor,
    number: &str,
    short_reason: Option<&str>,
) -> Result<OrderDetail> {
    let mut tx = store.write().await?;
    let now = store.now_ms();
    let head = head_by_number(&mut tx, store.engine(), number, true).await?;
    if !head.packing_at(&actor.station) {
        if head.status == OrderStatus::Packing {
            return Err(Error::Conflict(held_message(&head)));
        }
        return Err(Error::InvalidTransition {
            from: head.status,
            to: OrderStatus::Ready,
        });
    }
    transition_matrix(&mut tx)
        .await?
        .check(OrderStatus::Packing, OrderStatus::Ready)?;
    let order_lines = lines(&mut tx, head.id).await?;
    if order_lines.iter().all(|l| l.packed == 0) {
        return Err(Error::Refused(format!(
            "nothing is packed in order {} yet; scan its items, or cancel the order",
            head.number
        )));
    }
    let short: Vec<_> = order_lines.iter().filter(|l| l.is_short()).collect();
    let reason = short_reason.map(str::trim).filter(|r| !r.is_empty());
    if !short.is_empty() && reason.is_none() {
        let list: Vec<String> = short
            .iter()
            .map(|l| format!("{} {} of {}", l.sku, l.packed, l.quantity))
            .collect();
        return Err(Error::Refused(format!(
            "order {} is short: {}; scan the missing items or finish with a short-ship reason",
            head.number,
            list.join(", ")
        )));
    }
    if !short.is_empty() {
        actor.approved_for(Override::ShortShip)?;
    }
    let stored_reason = if short.is_empty() { None } else { reason };
    super::cartons::close_at_finish(&mut tx, &head, actor, now).await?;
    if !orders::mark_packed(&mut tx, head.id, stored_reason, now).await? {
        return Err(Error::changed_meanwhile(&head.number));
    }
    let short_json: Vec<_> = short
        .iter()
        .map(|l| json!({"sku": l.sku, "packed": l.packed, "ordered": l.quantity}))
        .collect();
    events::record(
        &mut tx,
        Some(head.id),
        now,
        actor,
        if short.is_empty() {
            EventKind::Packed
        } else {
            EventKind::PackedShort
        },
        Some(json!({"status": OrderStatus::Packing})),
        Some(json!({"status": OrderStatus::Ready, "short": short_json, "short_reason": stored_reason})),
    )
    .await?;
    let detail = order_detail_in(&mut tx, store.engine(), &head.number).await?;
    tx.commit().await?;
    Ok(detail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Actor, Role};
    use crate::exchange::OrderFormat;
    use crate::store::DbTarget;

    /// The lines a scan read before another scan of the same order filled
    /// one (a race on PostgreSQL): the unit goes to the product's other
    /// line, and with both full the over-scan says the true count.
    #[tokio::test]
    async fn a_line_filled_after_the_scan_read_it_is_read_again() {
        let dir = crate::test_dir("pack-race");
        let store = Store::open(&DbTarget::SqliteFile(dir.join("race.db")))
            .await
            .unwrap();
        let admin = Actor::new("admin", "office", Role::Admin);
        let products = "sku,name,weight_g,bin,barcodes,stock\n\
            PB-001,Кружка «Утро»,350,A-02,4006381333931,40\n";
        crate::ops::import_products(&store, &admin, products.as_bytes())
            .await
            .unwrap();
        let row = "1001,phone,Иванова Мария,m@example.ru,+79120000000,\"Казань\",СДЭК,300.00,RUB,paid,,PB-001";
        let orders = format!(
            "number,channel,customer_name,email,phone,shipping_address,delivery_method,delivery_cost,currency,payment_status,comment,sku,item_name,quantity,unit_price,discount,tax_rate\n\
             {row},первая кружка,1,450.00,0,20\n\
             {row},вторая кружка,1,450.00,0,20\n"
        );
        let summary =
            crate::ops::import_orders(&store, &admin, orders.as_bytes(), OrderFormat::Packbench)
                .await
                .unwrap();
        assert_eq!(summary.imported, 1, "{summary:?}");

        let mut tx = store.write().await.unwrap();
        let head = head_by_number(&mut tx, store.engine(), "1001", false)
            .await
            .unwrap();
        let hit = products::find_by_scan(&mut tx, "4006381333931")
            .await
            .unwrap()
            .unwrap()
            .expect("the mug is found by its barcode");
        let stale = scan_lines_of(&mut tx, head.id).await.unwrap();
        assert_eq!(stale.iter().map(|l| l.packed).collect::<Vec<_>>(), [0, 0]);
        let (first, second) = (stale[0].id, stale[1].id);

        // Another scan fills the first line after this one read the lines.
        assert!(orders::add_packed(&mut tx, first, 1).await.unwrap());
        let outcome = pack_product(&mut tx, "1001", head.id, &hit, false, None, stale.clone())
            .await
            .unwrap();
        match outcome {
            ScanOutcome::Accepted {
                line_id,
                packed,
                ordered,
                order_complete,
                ..
            } => {
                assert_eq!(line_id, second, "the unit went to the line with room");
                assert_eq!((packed, ordered), (1, 1));
                assert!(order_complete, "both mugs are in the box now");
            }
            other => panic!("the second line had room: {other:?}"),
        }
        let now = scan_lines_of(&mut tx, head.id).await.unwrap();
        assert_eq!(now.iter().map(|l| l.packed).collect::<Vec<_>>(), [1, 1]);

        // Both lines full, the lines read before both were: an over-scan
        // with the line's true count, and nothing more packed.
        let outcome = pack_product(&mut tx, "1001", head.id, &hit, false, None, stale)
            .await
            .unwrap();
        match outcome {
            ScanOutcome::OverScan {
                line_id,
                packed,
                ordered,
                ..
            } => {
                assert_eq!(line_id, first);
                assert_eq!((packed, ordered), (1, 1), "the count as it is, not as read");
            }
            other => panic!("both lines are full: {other:?}"),
        }
        let now = scan_lines_of(&mut tx, head.id).await.unwrap();
        assert_eq!(now.iter().map(|l| l.packed).collect::<Vec<_>>(), [1, 1]);
        drop(tx);
        store.close().await;
        let _ = std::fs::remove_dir_all(&dir);
    }
}
