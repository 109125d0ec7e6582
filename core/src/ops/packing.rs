//! The packing table: claim an order, scan every item, undo, finish.

use super::{order_detail_in, Actor, OrderDetail, Role};
use crate::domain::barcode::{self, ScanCode};
use crate::domain::scan::{ScanOutcome, ScanResult};
use crate::domain::OrderStatus;
use crate::store::orders::{head_by_number, lines, set_status, OrderHead};
use crate::store::{products, record_event, scans, transition_matrix, Store};
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

/// Claims an order for packing at the actor's station. Exactly one station
/// wins when several try at once; the others get a Conflict naming it.
pub async fn claim_order(store: &Store, actor: &Actor, number: &str) -> Result<OrderDetail> {
    let mut tx = store.write().await?;
    let now = store.now_ms();
    let head = head_by_number(&mut tx, store.engine(), number, true).await?;
    if head.status == OrderStatus::Packing {
        match head.claimed_station.as_deref() {
            // Claiming again at the same station is harmless (a re-opened screen).
            Some(s) if s == actor.station => {
                return order_detail_in(&mut tx, store.engine(), &head.number).await;
            }
            Some(_) => return Err(Error::Conflict(held_message(&head))),
            None => {}
        }
    } else if let Some(holder) = &head.claimed_station {
        if holder != &actor.station {
            return Err(Error::Conflict(held_message(&head)));
        }
    }
    if head.status != OrderStatus::Packing {
        transition_matrix(&mut tx)
            .await?
            .check(head.status, OrderStatus::Packing)?;
    }
    let order_lines = lines(&mut tx, head.id).await?;
    let waiting: Vec<&str> = order_lines
        .iter()
        .filter(|l| l.product_id.is_none())
        .map(|l| l.sku.as_str())
        .collect();
    if !waiting.is_empty() {
        return Err(Error::Refused(format!(
            "order {} cannot be packed yet: no product has SKU {}; import or create the product first",
            head.number,
            waiting.join(", ")
        )));
    }
    let claimed = sqlx::query(
        "UPDATE orders SET status = 'packing', claimed_station = $1, claimed_by = $2, claimed_at = $3, \
         status_changed_at = CASE WHEN status = 'packing' THEN status_changed_at ELSE $3 END, updated_at = $3 \
         WHERE id = $4 AND status = $5 AND (claimed_station IS NULL OR claimed_station = $1)",
    )
    .bind(&actor.station)
    .bind(&actor.user)
    .bind(now)
    .bind(head.id)
    .bind(head.status.as_str())
    .execute(&mut *tx)
    .await?;
    if claimed.rows_affected() != 1 {
        // Someone changed the order between our read and our write.
        let now_head = head_by_number(&mut tx, store.engine(), number, false).await?;
        return Err(Error::Conflict(if now_head.claimed_station.is_some() {
            held_message(&now_head)
        } else {
            format!(
                "order {} changed to {} meanwhile; open it again",
                now_head.number, now_head.status
            )
        }));
    }
    record_event(
        &mut tx,
        Some(head.id),
        now,
        actor,
        "claimed",
        Some(json!({"status": head.status})),
        Some(json!({"status": OrderStatus::Packing, "station": actor.station, "user": actor.user})),
    )
    .await?;
    let detail = order_detail_in(&mut tx, store.engine(), &head.number).await?;
    tx.commit().await?;
    Ok(detail)
}

/// A supervisor (or the station holding it) gives the order back; what was
/// packed so far stays counted.
pub async fn release_claim(store: &Store, actor: &Actor, number: &str) -> Result<OrderDetail> {
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
        actor.require(Role::Supervisor)?;
    }
    let to = OrderStatus::Confirmed;
    if head.status == OrderStatus::Packing {
        transition_matrix(&mut tx).await?.check(head.status, to)?;
    }
    let new_status = if head.status == OrderStatus::Packing {
        to
    } else {
        head.status
    };
    sqlx::query(
        "UPDATE orders SET status = $1, claimed_station = NULL, claimed_by = NULL, claimed_at = NULL, \
         status_changed_at = $2, updated_at = $2 WHERE id = $3",
    )
    .bind(new_status.as_str())
    .bind(now)
    .bind(head.id)
    .execute(&mut *tx)
    .await?;
    record_event(
        &mut tx,
        Some(head.id),
        now,
        actor,
        "claim_released",
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

/// Verifies one scan against the order and, if it fits, packs it. Every scan
/// is written to the ledger; the same `scan_id` twice is counted once.
pub async fn record_scan(
    store: &Store,
    actor: &Actor,
    number: &str,
    raw_code: &str,
    scan_id: &str,
) -> Result<ScanResult> {
    let scan_id = scan_id.trim();
    if scan_id.is_empty() || scan_id.len() > 100 {
        return Err(Error::Invalid(
            "a scan needs an id of 1 to 100 characters, so a retry is not counted twice".into(),
        ));
    }
    for attempt in 0..2 {
        match record_scan_once(store, actor, number, raw_code, scan_id).await {
            // Two clients raced with the same scan id: the loser reads the winner's verdict.
            Err(Error::Storage(sqlx::Error::Database(e)))
                if attempt == 0 && e.is_unique_violation() => {}
            other => return other,
        }
    }
    Err(Error::Conflict(format!(
        "scan {scan_id} was recorded by another client at the same moment; scan again"
    )))
}

async fn record_scan_once(
    store: &Store,
    actor: &Actor,
    number: &str,
    raw_code: &str,
    scan_id: &str,
) -> Result<ScanResult> {
    let mut tx = store.write().await?;
    if let Some((code, outcome)) = scans::earlier(&mut tx, scan_id).await? {
        let message = outcome.message(&code);
        return Ok(ScanResult {
            code,
            scan_id: scan_id.to_string(),
            duplicate: true,
            outcome,
            message,
        });
    }
    let now = store.now_ms();
    let head = head_by_number(&mut tx, store.engine(), number, false).await?;
    let normalized = barcode::normalize(raw_code);
    let code = match &normalized {
        Ok(c) => printable(c),
        Err(_) => printable(raw_code.trim()),
    };
    let mut marking: Option<String> = None;
    let outcome = if head.status != OrderStatus::Packing
        || head.claimed_station.as_deref() != Some(actor.station.as_str())
    {
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
                match products::find_by_scan(&mut tx, &norm).await? {
                    Err(e) => ScanOutcome::InvalidBarcode {
                        reason: e.to_string(),
                    },
                    Ok(None) => ScanOutcome::UnknownBarcode,
                    Ok(Some(hit)) => pack_units(&mut tx, head.id, &hit, marking.as_deref()).await?,
                }
            }
        }
    };
    let marking_to_store = if outcome.is_accepted() {
        marking.as_deref()
    } else {
        None
    };
    scans::append(
        &mut tx,
        scans::NewScan {
            scan_id,
            order_id: head.id,
            actor,
            at_ms: now,
            code: &code,
            outcome: &outcome,
            marking_code: marking_to_store,
            reverses: None,
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

/// Adds the scanned units to the first line of this product with room for
/// them; nothing changes when no line has room.
async fn pack_units(
    conn: &mut sqlx::AnyConnection,
    order_id: i64,
    hit: &products::ProductHit,
    marking: Option<&str>,
) -> Result<ScanOutcome> {
    let order_lines = lines(conn, order_id).await?;
    let of_product: Vec<_> = order_lines
        .iter()
        .filter(|l| l.product_id == Some(hit.id))
        .collect();
    let Some(first) = of_product.first() else {
        return Ok(ScanOutcome::WrongItem {
            sku: hit.sku.clone(),
            name: hit.name.clone(),
        });
    };
    let over = |l: &crate::store::orders::LineRow| ScanOutcome::OverScan {
        line_id: l.id,
        sku: l.sku.clone(),
        name: l.name.clone(),
        units: hit.units,
        packed: l.packed,
        ordered: l.quantity,
    };
    // The same marked item (Chestny ZNAK) cannot go into the box twice.
    if let Some(m) = marking {
        if scans::marking_code_packed(conn, order_id, m).await? {
            return Ok(over(first));
        }
    }
    let Some(line) = of_product
        .iter()
        .find(|l| l.packed + hit.units <= l.quantity)
    else {
        return Ok(over(first));
    };
    let updated = sqlx::query(
        "UPDATE order_lines SET packed = packed + $1 WHERE id = $2 AND packed + $1 <= quantity",
    )
    .bind(hit.units)
    .bind(line.id)
    .execute(&mut *conn)
    .await?;
    if updated.rows_affected() != 1 {
        return Ok(over(line));
    }
    let remaining: i64 = order_lines
        .iter()
        .map(|l| l.quantity - l.packed)
        .sum::<i64>()
        - hit.units;
    Ok(ScanOutcome::Accepted {
        line_id: line.id,
        sku: line.sku.clone(),
        name: line.name.clone(),
        units: hit.units,
        packed: line.packed + hit.units,
        ordered: line.quantity,
        order_complete: remaining == 0,
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

/// Takes back the last accepted scan of the order (the packer took the item
/// out again). Written to the ledger as its own row.
pub async fn undo_last_scan(store: &Store, actor: &Actor, number: &str) -> Result<UndoResult> {
    let mut tx = store.write().await?;
    let now = store.now_ms();
    let head = head_by_number(&mut tx, store.engine(), number, true).await?;
    if head.status != OrderStatus::Packing
        || head.claimed_station.as_deref() != Some(actor.station.as_str())
    {
        return Err(Error::Refused(format!(
            "order {} is not being packed at station {}; nothing to undo",
            head.number, actor.station
        )));
    }
    let Some((scan_row, line_id, units, code)) = scans::last_undoable(&mut tx, head.id).await?
    else {
        return Err(Error::Refused(format!(
            "order {} has no scan left to undo",
            head.number
        )));
    };
    sqlx::query("UPDATE order_lines SET packed = packed - $1 WHERE id = $2 AND packed >= $1")
        .bind(units)
        .bind(line_id)
        .execute(&mut *tx)
        .await?;
    let line = lines(&mut tx, head.id)
        .await?
        .into_iter()
        .find(|l| l.id == line_id)
        .ok_or_else(|| Error::not_found("order line", line_id.to_string()))?;
    let outcome = ScanOutcome::Accepted {
        line_id,
        sku: line.sku.clone(),
        name: line.name.clone(),
        units: -units,
        packed: line.packed,
        ordered: line.quantity,
        order_complete: false,
    };
    scans::append(
        &mut tx,
        scans::NewScan {
            scan_id: &format!("undo-{scan_row}"),
            order_id: head.id,
            actor,
            at_ms: now,
            code: &code,
            outcome: &outcome,
            marking_code: None,
            reverses: Some(scan_row),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(UndoResult {
        code,
        line_id,
        sku: line.sku,
        units,
        packed: line.packed,
        ordered: line.quantity,
    })
}

/// Closes the box: the order becomes `ready`. A short line needs a
/// short-ship reason, recorded on the order and in its history.
pub async fn finish_packing(
    store: &Store,
    actor: &Actor,
    number: &str,
    short_reason: Option<&str>,
) -> Result<OrderDetail> {
    let mut tx = store.write().await?;
    let now = store.now_ms();
    let head = head_by_number(&mut tx, store.engine(), number, true).await?;
    if head.status != OrderStatus::Packing
        || head.claimed_station.as_deref() != Some(actor.station.as_str())
    {
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
    let short: Vec<_> = order_lines
        .iter()
        .filter(|l| l.packed < l.quantity)
        .map(|l| json!({"sku": l.sku, "packed": l.packed, "ordered": l.quantity}))
        .collect();
    let reason = short_reason.map(str::trim).filter(|r| !r.is_empty());
    if order_lines.iter().all(|l| l.packed == 0) {
        return Err(Error::Refused(format!(
            "nothing is packed in order {} yet; scan its items, or cancel the order",
            head.number
        )));
    }
    if !short.is_empty() && reason.is_none() {
        let list: Vec<String> = order_lines
            .iter()
            .filter(|l| l.packed < l.quantity)
            .map(|l| format!("{} {} of {}", l.sku, l.packed, l.quantity))
            .collect();
        return Err(Error::Refused(format!(
            "order {} is short: {}; scan the missing items or finish with a short-ship reason",
            head.number,
            list.join(", ")
        )));
    }
    let stored_reason = if short.is_empty() { None } else { reason };
    sqlx::query(
        "UPDATE orders SET status = 'ready', claimed_station = NULL, claimed_by = NULL, claimed_at = NULL, \
         short_reason = $1, status_changed_at = $2, updated_at = $2 WHERE id = $3 AND status = 'packing'",
    )
    .bind(stored_reason)
    .bind(now)
    .bind(head.id)
    .execute(&mut *tx)
    .await?;
    record_event(
        &mut tx,
        Some(head.id),
        now,
        actor,
        if short.is_empty() {
            "packed"
        } else {
            "packed_short"
        },
        Some(json!({"status": OrderStatus::Packing})),
        Some(json!({"status": OrderStatus::Ready, "short": short, "short_reason": stored_reason})),
    )
    .await?;
    let detail = order_detail_in(&mut tx, store.engine(), &head.number).await?;
    tx.commit().await?;
    Ok(detail)
}

/// Moves an order along the matrix with an event; used by the simple
/// transitions that carry no other rule.
pub(super) async fn transition(
    tx: &mut sqlx::AnyConnection,
    store: &Store,
    actor: &Actor,
    head: &OrderHead,
    to: OrderStatus,
    kind: &str,
) -> Result<()> {
    let now = store.now_ms();
    transition_matrix(tx).await?.check(head.status, to)?;
    if !set_status(tx, head.id, head.status, to, now).await? {
        return Err(Error::Conflict(format!(
            "order {} changed meanwhile; open it again",
            head.number
        )));
    }
    record_event(
        tx,
        Some(head.id),
        now,
        actor,
        kind,
        Some(json!({"status": head.status})),
        Some(json!({"status": to})),
    )
    .await
}
