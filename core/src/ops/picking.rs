//! Pick lists: one walk through the bins for one or several orders, each
//! bin confirmed by scanning it, each item by scanning it; short picks kept.

use super::packing::transition;
use super::Actor;
use crate::domain::barcode;
use crate::domain::product::bin_order;
use crate::domain::OrderStatus;
use crate::store::orders::head_by_number;
use crate::store::{products, record_event, Store};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::{AnyConnection, Row};
use std::collections::BTreeMap;

/// Which orders a new pick list serves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PickSelection {
    Orders(Vec<String>),
    /// The oldest N confirmed orders not yet on a pick list.
    NextConfirmed(usize),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PickLine {
    pub id: i64,
    pub bin: String,
    pub sku: String,
    pub name: String,
    pub barcode: Option<String>,
    pub quantity: i64,
    pub picked: i64,
    pub short: i64,
    pub short_reason: Option<String>,
    pub orders: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PickList {
    pub id: i64,
    pub status: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub created_by: String,
    pub orders: Vec<String>,
    /// Sorted by bin in natural order (A-2 before A-10), then SKU.
    pub lines: Vec<PickLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PickListSummary {
    pub id: i64,
    pub status: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub created_by: String,
    pub orders: i64,
    pub lines: i64,
    pub units: i64,
    pub picked: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum PickOutcome {
    BinConfirmed {
        bin: String,
    },
    Picked {
        line_id: i64,
        sku: String,
        name: String,
        bin: String,
        picked: i64,
        quantity: i64,
        list_complete: bool,
    },
    ScanBinFirst,
    WrongBin {
        sku: String,
        name: String,
        expected_bin: String,
    },
    NotInList {
        sku: String,
        name: String,
    },
    OverPick {
        line_id: i64,
        sku: String,
        picked: i64,
        quantity: i64,
    },
    UnknownBarcode,
    InvalidBarcode {
        reason: String,
    },
}

impl PickOutcome {
    pub fn kind(&self) -> &'static str {
        match self {
            PickOutcome::BinConfirmed { .. } => "bin_confirmed",
            PickOutcome::Picked { .. } => "picked",
            PickOutcome::ScanBinFirst => "scan_bin_first",
            PickOutcome::WrongBin { .. } => "wrong_bin",
            PickOutcome::NotInList { .. } => "not_in_list",
            PickOutcome::OverPick { .. } => "over_pick",
            PickOutcome::UnknownBarcode => "unknown_barcode",
            PickOutcome::InvalidBarcode { .. } => "invalid_barcode",
        }
    }

    pub fn message(&self, code: &str) -> String {
        match self {
            PickOutcome::BinConfirmed { bin } => format!("bin {bin}: now scan the items"),
            PickOutcome::Picked {
                name,
                picked,
                quantity,
                ..
            } => {
                format!("{name}: {picked} of {quantity} picked")
            }
            PickOutcome::ScanBinFirst => "scan the bin label first, then the item".into(),
            PickOutcome::WrongBin {
                name, expected_bin, ..
            } => {
                format!("{name} is picked from bin {expected_bin}; scan that bin first")
            }
            PickOutcome::NotInList { sku, name } => {
                format!("{name} ({sku}) is not on this pick list; put it back")
            }
            PickOutcome::OverPick {
                sku,
                picked,
                quantity,
                ..
            } => {
                format!("{sku} is already {picked} of {quantity}; put the extra one back")
            }
            PickOutcome::UnknownBarcode => format!("no product or bin carries {code}"),
            PickOutcome::InvalidBarcode { reason } => format!("invalid code: {reason}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PickScanResult {
    pub code: String,
    #[serde(flatten)]
    pub outcome: PickOutcome,
    pub message: String,
}

async fn pick_list_in(conn: &mut AnyConnection, id: i64) -> Result<PickList> {
    let head =
        sqlx::query("SELECT id, status, created_at, created_by FROM pick_lists WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or_else(|| Error::not_found("pick list", id.to_string()))?;
    let orders: Vec<(i64, String)> = sqlx::query(
        "SELECT o.id, o.number FROM pick_list_orders p JOIN orders o ON o.id = p.order_id \
         WHERE p.pick_list_id = $1 ORDER BY o.id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
    .collect::<Result<_>>()?;
    // Which of the list's orders want each product.
    let wanted: Vec<(i64, String)> = sqlx::query(
        "SELECT DISTINCT l.product_id, o.number FROM pick_list_orders p \
         JOIN order_lines l ON l.order_id = p.order_id JOIN orders o ON o.id = p.order_id \
         WHERE p.pick_list_id = $1 AND l.product_id IS NOT NULL",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
    .collect::<Result<_>>()?;
    let mut by_product: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for (p, n) in wanted {
        by_product.entry(p).or_default().push(n);
    }
    let mut lines = sqlx::query(
        "SELECT pl.id, pl.bin, p.sku, p.name, \
           (SELECT MIN(b.code) FROM product_barcodes b WHERE b.product_id = p.id AND b.units = 1), \
           pl.quantity, pl.picked, pl.short, pl.short_reason, pl.product_id \
         FROM pick_lines pl JOIN products p ON p.id = pl.product_id WHERE pl.pick_list_id = $1",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        let product_id: i64 = r.try_get(9)?;
        let mut orders = by_product.get(&product_id).cloned().unwrap_or_default();
        orders.sort();
        Ok(PickLine {
            id: r.try_get(0)?,
            bin: r.try_get(1)?,
            sku: r.try_get(2)?,
            name: r.try_get(3)?,
            barcode: r.try_get(4)?,
            quantity: r.try_get(5)?,
            picked: r.try_get(6)?,
            short: r.try_get(7)?,
            short_reason: r.try_get(8)?,
            orders,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    lines.sort_by(|a, b| bin_order(&a.bin, &b.bin).then_with(|| a.sku.cmp(&b.sku)));
    Ok(PickList {
        id: head.try_get(0)?,
        status: head.try_get(1)?,
        created_at: crate::store::ms_to_time(head.try_get(2)?),
        created_by: head.try_get(3)?,
        orders: orders.into_iter().map(|(_, n)| n).collect(),
        lines,
    })
}

/// Builds a pick list: the orders' units grouped by product and bin (from
/// their reservations, else the product's default bin), sorted by bin.
/// The orders move from confirmed to picking.
pub async fn create_pick_list(
    store: &Store,
    actor: &Actor,
    selection: PickSelection,
) -> Result<PickList> {
    let mut tx = store.write().await?;
    let now = store.now_ms();
    let numbers: Vec<String> = match selection {
        PickSelection::Orders(numbers) => numbers,
        PickSelection::NextConfirmed(n) => sqlx::query_scalar(
            "SELECT number FROM orders WHERE status = 'confirmed' ORDER BY created_at, id LIMIT $1",
        )
        .bind(n.clamp(1, 500) as i64)
        .fetch_all(&mut *tx)
        .await?,
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
        let waiting: Vec<String> = sqlx::query_scalar(
            "SELECT sku FROM order_lines WHERE order_id = $1 AND product_id IS NULL",
        )
        .bind(head.id)
        .fetch_all(&mut *tx)
        .await?;
        if !waiting.is_empty() {
            return Err(Error::Refused(format!(
                "order {} cannot be picked yet: no product has SKU {}",
                head.number,
                waiting.join(", ")
            )));
        }
        heads.push(head);
    }
    let list_id: i64 = sqlx::query_scalar(
        "INSERT INTO pick_lists (status, created_at, created_by, station) VALUES ('open', $1, $2, $3) RETURNING id",
    )
    .bind(now)
    .bind(&actor.user)
    .bind(&actor.station)
    .fetch_one(&mut *tx)
    .await?;
    let mut need: BTreeMap<(i64, String), i64> = BTreeMap::new();
    for head in &heads {
        sqlx::query("INSERT INTO pick_list_orders (pick_list_id, order_id) VALUES ($1, $2)")
            .bind(list_id)
            .bind(head.id)
            .execute(&mut *tx)
            .await?;
        let rows = sqlx::query(
            "SELECT l.product_id, CAST(SUM(l.quantity - l.packed) AS BIGINT), p.default_bin FROM order_lines l \
             JOIN products p ON p.id = l.product_id WHERE l.order_id = $1 GROUP BY l.product_id, p.default_bin",
        )
        .bind(head.id)
        .fetch_all(&mut *tx)
        .await?;
        for r in rows {
            let product_id: i64 = r.try_get(0)?;
            let mut qty: i64 = r.try_get(1)?;
            let default_bin: Option<String> = r.try_get(2)?;
            let reserved = sqlx::query(
                "SELECT bin, qty FROM reservations WHERE order_id = $1 AND product_id = $2",
            )
            .bind(head.id)
            .bind(product_id)
            .fetch_all(&mut *tx)
            .await?;
            for rr in reserved {
                let bin: String = rr.try_get(0)?;
                let take = qty.min(rr.try_get(1)?);
                if take > 0 {
                    *need.entry((product_id, bin)).or_default() += take;
                    qty -= take;
                }
            }
            if qty > 0 {
                let bin = default_bin.unwrap_or_else(|| "UNASSIGNED".into());
                *need.entry((product_id, bin)).or_default() += qty;
            }
        }
        transition(
            &mut tx,
            store,
            actor,
            head,
            OrderStatus::Picking,
            "pick_list",
        )
        .await?;
    }
    for ((product_id, bin), qty) in need {
        sqlx::query(
            "INSERT INTO pick_lines (pick_list_id, product_id, bin, quantity, picked, short) VALUES ($1, $2, $3, $4, 0, 0)",
        )
        .bind(list_id)
        .bind(product_id)
        .bind(&bin)
        .bind(qty)
        .execute(&mut *tx)
        .await?;
    }
    let list = pick_list_in(&mut tx, list_id).await?;
    tx.commit().await?;
    Ok(list)
}

pub async fn pick_list(store: &Store, id: i64) -> Result<PickList> {
    let mut conn = store.pool().acquire().await?;
    pick_list_in(&mut conn, id).await
}

/// Open pick lists and the most recent finished ones, newest first.
pub async fn open_pick_lists(store: &Store) -> Result<Vec<PickListSummary>> {
    let rows = sqlx::query(
        "SELECT pl.id, pl.status, pl.created_at, pl.created_by, \
           (SELECT COUNT(*) FROM pick_list_orders o WHERE o.pick_list_id = pl.id), \
           (SELECT COUNT(*) FROM pick_lines l WHERE l.pick_list_id = pl.id), \
           (SELECT CAST(COALESCE(SUM(l.quantity), 0) AS BIGINT) FROM pick_lines l WHERE l.pick_list_id = pl.id), \
           (SELECT CAST(COALESCE(SUM(l.picked), 0) AS BIGINT) FROM pick_lines l WHERE l.pick_list_id = pl.id) \
         FROM pick_lists pl ORDER BY CASE WHEN pl.status = 'open' THEN 0 ELSE 1 END, pl.id DESC LIMIT 50",
    )
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(PickListSummary {
                id: r.try_get(0)?,
                status: r.try_get(1)?,
                created_at: crate::store::ms_to_time(r.try_get(2)?),
                created_by: r.try_get(3)?,
                orders: r.try_get(4)?,
                lines: r.try_get(5)?,
                units: r.try_get(6)?,
                picked: r.try_get(7)?,
            })
        })
        .collect()
}

async fn open_list(conn: &mut AnyConnection, id: i64) -> Result<()> {
    let status: Option<String> = sqlx::query_scalar("SELECT status FROM pick_lists WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    match status.as_deref() {
        None => Err(Error::not_found("pick list", id.to_string())),
        Some("open") => Ok(()),
        Some(_) => Err(Error::Refused(format!(
            "pick list {id} is already complete"
        ))),
    }
}

/// One scan while picking: a bin label confirms the bin, an item is picked
/// into the line of that bin. `bin` is the bin the picker confirmed last.
pub async fn pick_scan(
    store: &Store,
    actor: &Actor,
    id: i64,
    bin: Option<&str>,
    code: &str,
    scan_id: &str,
) -> Result<PickScanResult> {
    let scan_id = scan_id.trim();
    if scan_id.is_empty() || scan_id.len() > 100 {
        return Err(Error::Invalid(
            "a scan needs an id of 1 to 100 characters".into(),
        ));
    }
    let mut tx = store.write().await?;
    if let Some(row) = sqlx::query("SELECT code, detail FROM pick_scans WHERE scan_id = $1")
        .bind(scan_id)
        .fetch_optional(&mut *tx)
        .await?
    {
        let code: String = row.try_get(0)?;
        let detail: String = row.try_get(1)?;
        let outcome: PickOutcome =
            serde_json::from_str(&detail).unwrap_or(PickOutcome::UnknownBarcode);
        let message = outcome.message(&code);
        return Ok(PickScanResult {
            code,
            outcome,
            message,
        });
    }
    open_list(&mut tx, id).await?;
    let lines = pick_list_in(&mut tx, id).await?.lines;
    let (code_text, outcome) = match barcode::normalize(code) {
        Err(e) => (
            code.trim().chars().take(barcode::MAX_SCAN_LEN).collect(),
            PickOutcome::InvalidBarcode {
                reason: e.to_string(),
            },
        ),
        Ok(norm) => {
            let as_bin = lines.iter().find(|l| l.bin.eq_ignore_ascii_case(&norm));
            let outcome = if let Some(line) = as_bin {
                PickOutcome::BinConfirmed {
                    bin: line.bin.clone(),
                }
            } else {
                match products::find_by_scan(&mut tx, &norm).await? {
                    Err(e) => PickOutcome::InvalidBarcode {
                        reason: e.to_string(),
                    },
                    Ok(None) => PickOutcome::UnknownBarcode,
                    Ok(Some(hit)) => pick_units(&mut tx, &lines, bin, &hit).await?,
                }
            };
            (norm, outcome)
        }
    };
    let line_id = match &outcome {
        PickOutcome::Picked { line_id, .. } => Some(*line_id),
        _ => None,
    };
    sqlx::query(
        "INSERT INTO pick_scans (scan_id, pick_list_id, station, user_name, at, code, outcome, detail, line_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(scan_id)
    .bind(id)
    .bind(&actor.station)
    .bind(&actor.user)
    .bind(store.now_ms())
    .bind(&code_text)
    .bind(outcome.kind())
    .bind(serde_json::to_string(&outcome).unwrap_or_default())
    .bind(line_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    let message = outcome.message(&code_text);
    Ok(PickScanResult {
        code: code_text,
        outcome,
        message,
    })
}

async fn pick_units(
    conn: &mut AnyConnection,
    lines: &[PickLine],
    bin: Option<&str>,
    hit: &products::ProductHit,
) -> Result<PickOutcome> {
    let of_product: Vec<&PickLine> = lines.iter().filter(|l| l.sku == hit.sku).collect();
    let Some(first) = of_product.first() else {
        return Ok(PickOutcome::NotInList {
            sku: hit.sku.clone(),
            name: hit.name.clone(),
        });
    };
    let Some(bin) = bin.map(str::trim).filter(|b| !b.is_empty()) else {
        return Ok(PickOutcome::ScanBinFirst);
    };
    let Some(line) = of_product.iter().find(|l| l.bin.eq_ignore_ascii_case(bin)) else {
        let open = of_product
            .iter()
            .find(|l| l.picked + l.short < l.quantity)
            .unwrap_or(first);
        return Ok(PickOutcome::WrongBin {
            sku: hit.sku.clone(),
            name: hit.name.clone(),
            expected_bin: open.bin.clone(),
        });
    };
    let updated = sqlx::query(
        "UPDATE pick_lines SET picked = picked + $1 WHERE id = $2 AND picked + short + $1 <= quantity",
    )
    .bind(hit.units)
    .bind(line.id)
    .execute(&mut *conn)
    .await?;
    if updated.rows_affected() != 1 {
        return Ok(PickOutcome::OverPick {
            line_id: line.id,
            sku: line.sku.clone(),
            picked: line.picked,
            quantity: line.quantity,
        });
    }
    let left: i64 = lines
        .iter()
        .map(|l| l.quantity - l.picked - l.short)
        .sum::<i64>()
        - hit.units;
    Ok(PickOutcome::Picked {
        line_id: line.id,
        sku: line.sku.clone(),
        name: line.name.clone(),
        bin: line.bin.clone(),
        picked: line.picked + hit.units,
        quantity: line.quantity,
        list_complete: left == 0,
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
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::Invalid(
            "say why the items are missing; the reason goes to the orders' history".into(),
        ));
    }
    let mut tx = store.write().await?;
    open_list(&mut tx, id).await?;
    let list = pick_list_in(&mut tx, id).await?;
    let line = list
        .lines
        .iter()
        .find(|l| l.id == line_id)
        .ok_or_else(|| Error::not_found("pick line", line_id.to_string()))?;
    let short = line.quantity - line.picked;
    if short == 0 {
        return Err(Error::Refused(format!(
            "{} is fully picked; nothing is short",
            line.sku
        )));
    }
    sqlx::query("UPDATE pick_lines SET short = $1, short_reason = $2 WHERE id = $3")
        .bind(short)
        .bind(reason)
        .bind(line_id)
        .execute(&mut *tx)
        .await?;
    let now = store.now_ms();
    for number in &line.orders {
        let head = head_by_number(&mut tx, store.engine(), number, false).await?;
        record_event(
            &mut tx,
            Some(head.id),
            now,
            actor,
            "short_pick",
            None,
            Some(json!({"pick_list": id, "sku": line.sku, "bin": line.bin, "short": short, "reason": reason})),
        )
        .await?;
    }
    let list = pick_list_in(&mut tx, id).await?;
    tx.commit().await?;
    Ok(list)
}

/// Closes the pick list once every line is picked or recorded short; its
/// orders wait at the packing stations.
pub async fn complete_pick_list(store: &Store, actor: &Actor, id: i64) -> Result<PickList> {
    let mut tx = store.write().await?;
    open_list(&mut tx, id).await?;
    let list = pick_list_in(&mut tx, id).await?;
    let open: Vec<String> = list
        .lines
        .iter()
        .filter(|l| l.picked + l.short < l.quantity)
        .map(|l| format!("{} in {} ({} of {})", l.sku, l.bin, l.picked, l.quantity))
        .collect();
    if !open.is_empty() {
        return Err(Error::Refused(format!(
            "pick list {id} still has lines to pick: {}; pick them or record them short",
            open.join(", ")
        )));
    }
    let now = store.now_ms();
    sqlx::query("UPDATE pick_lists SET status = 'done', completed_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    for number in &list.orders {
        let head = head_by_number(&mut tx, store.engine(), number, false).await?;
        record_event(
            &mut tx,
            Some(head.id),
            now,
            actor,
            "picked",
            None,
            Some(json!({"pick_list": id})),
        )
        .await?;
    }
    let list = pick_list_in(&mut tx, id).await?;
    tx.commit().await?;
    Ok(list)
}
