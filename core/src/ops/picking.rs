//! Pick lists: one walk through the bins for one or several orders, each
//! bin confirmed by scanning it, each item by scanning it; short picks kept.

use super::orders::transition;
use super::packing::{check_scan_id, with_scan_retry};
use crate::domain::access::Op;
use crate::domain::barcode;
use crate::domain::picking::{over_pick, pick_verdict};
use crate::domain::stock::pick_from;
use crate::domain::{
    order, Actor, EventKind, OrderStatus, PickList, PickListStatus, PickOutcome, PickScanResult,
};
use crate::store::orders::{self, head_by_number};
use crate::store::pick_lists::{self, PickListSummary};
use crate::store::scans::{self, NewScan, ScanTarget};
use crate::store::{events, products, stock, Store};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::AnyConnection;
use std::collections::BTreeMap;

/// Which orders a new pick list serves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PickSelection {
    Orders(Vec<String>),
    /// The oldest N confirmed orders not yet on a pick list.
    NextConfirmed(usize),
}

/// Builds a pick list: the orders' units grouped by product and bin (from
/// their reservations, else the product's default bin), sorted by bin.
/// The orders move from confirmed to picking.
pub async fn create_pick_list(
    store: &Store,
    actor: &Actor,
    selection: PickSelection,
) -> Result<PickList> {
    actor.may(Op::CreatePickList)?;
    let mut tx = store.write().await?;
    let numbers: Vec<String> = match selection {
        PickSelection::Orders(numbers) => numbers,
        PickSelection::NextConfirmed(n) => {
            orders::oldest_in(&mut tx, OrderStatus::Confirmed, n.clamp(1, 500) as i64).await?
        }
    };
    if numbers.is_empty() {
        return Err(Error::Refused(
            "no confirmed orders are waiting to be picked".into(),
        ));
    }
    let mut heads = Vec::new();
    for number in &numbers {
        let head = head_by_number(&mut tx, store.engine(), number, true).await?;
        if head.status != OrderStatus::Confirmed {
            return Err(Error::InvalidTransition {
                from: head.status,
                to: OrderStatus::Picking,
            });
        }
        if let Some(reason) = &head.hold_reason {
            return Err(Error::Refused(format!(
                "order {} is on hold ({reason}); release the hold before it is picked",
                head.number
            )));
        }
        let waiting = order::unknown_skus(&orders::lines(&mut tx, head.id).await?).join(", ");
        if !waiting.is_empty() {
            return Err(Error::Refused(format!(
                "order {} cannot be picked yet: no product has SKU {waiting}",
                head.number
            )));
        }
        heads.push(head);
    }
    let list_id = pick_lists::create(&mut tx, actor, store.now_ms()).await?;
    let mut need: BTreeMap<(i64, String), i64> = BTreeMap::new();
    for head in &heads {
        pick_lists::add_order(&mut tx, list_id, head.id).await?;
        let reservations = stock::reservations(&mut tx, head.id).await?;
        for wanted in orders::units_per_product(&mut tx, head.id, false).await? {
            let reserved = stock::reserved_for(&reservations, wanted.product_id);
            for take in pick_from(wanted.units, reserved, wanted.default_bin.as_deref()) {
                *need.entry((wanted.product_id, take.bin)).or_default() += take.qty;
            }
        }
        transition(
            &mut tx,
            store,
            actor,
            head,
            OrderStatus::Picking,
            EventKind::PickList,
        )
        .await?;
    }
    for ((product_id, bin), qty) in need {
        pick_lists::add_line(&mut tx, list_id, product_id, &bin, qty).await?;
    }
    let list = pick_lists::get(&mut tx, list_id).await?;
    tx.commit().await?;
    Ok(list)
}

pub async fn pick_list(store: &Store, id: i64) -> Result<PickList> {
    let mut conn = store.pool().acquire().await?;
    pick_lists::get(&mut conn, id).await
}

/// Open pick lists and the most recent finished ones, newest first.
pub async fn open_pick_lists(store: &Store) -> Result<Vec<PickListSummary>> {
    let mut conn = store.pool().acquire().await?;
    pick_lists::summaries(&mut conn).await
}

/// The list, if it is still being picked.
async fn open_list(conn: &mut AnyConnection, id: i64) -> Result<PickList> {
    match pick_lists::status(conn, id).await? {
        PickListStatus::Open => pick_lists::get(conn, id).await,
        PickListStatus::Done => Err(Error::Refused(format!(
            "pick list {id} is already complete"
        ))),
    }
}

/// One scan while picking: a bin label confirms the bin, an item is picked
/// into the line of that bin. `bin` is the bin the picker confirmed last.
/// Every scan goes to the scan ledger; the same `scan_id` twice is counted
/// once, also when two clients send it at the same moment.
pub async fn pick_scan(
    store: &Store,
    actor: &Actor,
    id: i64,
    bin: Option<&str>,
    code: &str,
    scan_id: &str,
) -> Result<PickScanResult> {
    actor.may(Op::PickScan)?;
    let scan_id = check_scan_id(scan_id)?;
    with_scan_retry(scan_id, || {
        pick_scan_once(store, actor, id, bin, code, scan_id)
    })
    .await
}

async fn pick_scan_once(
    store: &Store,
    actor: &Actor,
    id: i64,
    bin: Option<&str>,
    code: &str,
    scan_id: &str,
) -> Result<PickScanResult> {
    let mut tx = store.write().await?;
    if let Some(earlier) = scans::earlier::<PickOutcome>(&mut tx, scan_id).await? {
        let message = earlier.verdict.message(&earlier.code);
        return Ok(PickScanResult {
            code: earlier.code,
            outcome: earlier.verdict,
            message,
        });
    }
    let list = open_list(&mut tx, id).await?;
    // The line and units a pick counted, for the ledger.
    let mut counted = None;
    let (code_text, outcome) = match barcode::normalize(code) {
        Err(e) => (
            code.trim().chars().take(barcode::MAX_SCAN_LEN).collect(),
            PickOutcome::InvalidBarcode {
                reason: e.to_string(),
            },
        ),
        Ok(norm) => {
            let outcome = if let Some(bin) = list.bin_named(&norm) {
                PickOutcome::BinConfirmed {
                    bin: bin.to_string(),
                }
            } else {
                match products::find_by_scan(&mut tx, &norm).await? {
                    Err(e) => PickOutcome::InvalidBarcode {
                        reason: e.to_string(),
                    },
                    Ok(None) => PickOutcome::UnknownBarcode,
                    Ok(Some(hit)) => {
                        let verdict = pick_verdict(&list.lines, bin, &hit);
                        match &verdict {
                            PickOutcome::Picked { line_id, .. } => {
                                if pick_lists::add_picked(&mut tx, *line_id, hit.units).await? {
                                    counted = Some((*line_id, hit.units));
                                    verdict
                                } else {
                                    // Another scan filled the line between our read and our write.
                                    let line = list.lines.iter().find(|l| l.id == *line_id);
                                    line.map_or(verdict.clone(), over_pick)
                                }
                            }
                            _ => verdict,
                        }
                    }
                }
            };
            (norm, outcome)
        }
    };
    scans::append(
        &mut tx,
        NewScan {
            scan_id,
            target: ScanTarget::PickList(id),
            actor,
            at_ms: store.now_ms(),
            code: &code_text,
            kind: outcome.kind(),
            verdict: &outcome,
            counted,
            marking_code: None,
            reverses: None,
            carton: None,
        },
    )
    .await?;
    tx.commit().await?;
    let message = outcome.message(&code_text);
    Ok(PickScanResult {
        code: code_text,
        outcome,
        message,
    })
}

/// Records that the rest of a line could not be found on the shelf; every
/// order it serves gets a history entry.
pub async fn short_pick(
    store: &Store,
    actor: &Actor,
    id: i64,
    line_id: i64,
    reason: &str,
) -> Result<PickList> {
    actor.may(Op::ShortPick)?;
    let reason = Error::require_reason(
        reason,
        "say why the items are missing; the reason goes to the orders' history",
    )?;
    let mut tx = store.write().await?;
    let list = open_list(&mut tx, id).await?;
    let line = list
        .lines
        .iter()
        .find(|l| l.id == line_id)
        .ok_or_else(|| Error::not_found("pick line", line_id.to_string()))?;
    let short = line.missing();
    if short == 0 {
        return Err(Error::Refused(format!(
            "{} is fully picked; nothing is short",
            line.sku
        )));
    }
    pick_lists::record_short(&mut tx, line_id, short, reason).await?;
    let now = store.now_ms();
    for number in &line.orders {
        let head = head_by_number(&mut tx, store.engine(), number, false).await?;
        events::record(
            &mut tx,
            Some(head.id),
            now,
            actor,
            EventKind::ShortPick,
            None,
            Some(json!({"pick_list": id, "sku": line.sku, "bin": line.bin, "short": short, "reason": reason})),
        )
        .await?;
    }
    let list = pick_lists::get(&mut tx, id).await?;
    tx.commit().await?;
    Ok(list)
}

/// Closes the pick list once every line is picked or recorded short; its
/// orders wait at the packing stations.
pub async fn complete_pick_list(store: &Store, actor: &Actor, id: i64) -> Result<PickList> {
    actor.may(Op::CompletePickList)?;
    let mut tx = store.write().await?;
    let list = open_list(&mut tx, id).await?;
    let open = list.unfinished();
    if !open.is_empty() {
        return Err(Error::Refused(format!(
            "pick list {id} still has lines to pick: {}; pick them or record them short",
            open.join(", ")
        )));
    }
    let now = store.now_ms();
    pick_lists::mark_done(&mut tx, id, now).await?;
    for number in &list.orders {
        let head = head_by_number(&mut tx, store.engine(), number, false).await?;
        events::record(
            &mut tx,
            Some(head.id),
            now,
            actor,
            EventKind::Picked,
            None,
            Some(json!({"pick_list": id})),
        )
        .await?;
    }
    let list = pick_lists::get(&mut tx, id).await?;
    tx.commit().await?;
    Ok(list)
}
