//! Stock control: receiving goods by scanning them into a bin, moving them
//! between bins, adjustments with reason codes, cycle counts approved by a
//! supervisor, the stock ledger and the re-order list. Every change of on
//! hand is a row of the one stock ledger (`stock_moves`), in the same
//! transaction as the change, so on hand is always the ledger's sum.

use super::packing::{check_scan_id, with_scan_retry};
use crate::domain::access::{Credential, Op, Override};
use crate::domain::barcode;
use crate::domain::product::{NewProduct, ProductBarcode};
use crate::domain::stock::{
    check_units, reorder_list, reserve_from, AdjustReason, MoveKind, ReorderRow, MAX_UNITS,
};
use crate::domain::Actor;
use crate::exchange::safe_cell;
use crate::store::counts::{self, CountHead, CountScan};
use crate::store::stock::{self, BinView, LedgerFilter, LedgerRow, StockMove};
use crate::store::{products, Store};
use crate::{Error, Result};
use serde::Serialize;
use sqlx::AnyConnection;

/// A product as a stock operation found it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StockProduct {
    pub sku: String,
    pub name: String,
}

/// What a bin holds of a product after a change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BinLevel {
    pub bin: String,
    pub on_hand: i64,
    pub reserved: i64,
}

/// The answer to a receive, move or adjustment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StockChange {
    pub product: StockProduct,
    /// Units moved (negative when they left).
    pub units: i64,
    /// The bins touched, after the change.
    pub bins: Vec<BinLevel>,
    /// The same scan id had been booked before; nothing was booked again.
    pub duplicate: bool,
    pub message: String,
}

struct Found {
    id: i64,
    sku: String,
    name: String,
    /// Units one scan of this code counts (a case barcode counts several).
    units: i64,
}

/// The product a scanned or typed code names: a barcode (a case barcode
/// counts its units) or, typed by hand, a SKU.
async fn product_for(conn: &mut AnyConnection, code: &str) -> Result<Found> {
    let typed = code.trim();
    let norm = barcode::normalize(code)
        .map_err(|e| Error::Invalid(format!("{typed:?} cannot be read as a code: {e}")))?;
    if let Ok(Some(hit)) = products::find_by_scan(conn, &norm).await? {
        return Ok(Found {
            id: hit.id,
            sku: hit.sku,
            name: hit.name,
            units: hit.units,
        });
    }
    match products::by_sku(conn, typed).await {
        Ok(p) => Ok(Found {
            id: p.id,
            sku: p.sku,
            name: p.name,
            units: 1,
        }),
        Err(Error::NotFound { .. }) => Err(Error::Invalid(format!(
            "no product carries {typed:?} as a barcode or SKU; check the label, or add the barcode to the product"
        ))),
        Err(e) => Err(e),
    }
}

fn bin_code(bin: &str) -> Result<&str> {
    let b = bin.trim();
    if b.is_empty() || b.chars().count() > 32 || b.chars().any(char::is_control) {
        return Err(Error::Invalid(format!(
            "a bin code is 1 to 32 characters without control characters, not {bin:?}"
        )));
    }
    Ok(b)
}

async fn existing_bin<'a>(conn: &mut AnyConnection, bin: &'a str) -> Result<&'a str> {
    let b = bin_code(bin)?;
    if stock::bin_exists(conn, b).await? {
        Ok(b)
    } else {
        Err(Error::Invalid(format!(
            "there is no bin {b:?}; check the bin's label, or add the bin first (`packbench-cli bins set {b}`)"
        )))
    }
}

async fn level(conn: &mut AnyConnection, product_id: i64, bin: &str) -> Result<BinLevel> {
    let s = stock::in_bin(conn, product_id, bin).await?;
    Ok(BinLevel {
        bin: s.bin,
        on_hand: s.on_hand,
        reserved: s.reserved,
    })
}

fn not_free(p: &Found, bin: &BinLevel, wanted: i64, what: &str) -> Error {
    let free = (bin.on_hand - bin.reserved).max(0);
    let held = if bin.reserved > 0 {
        format!(", {} of them reserved for orders", bin.reserved)
    } else {
        String::new()
    };
    Error::Refused(format!(
        "bin {} holds {} of {} ({}){held}: {what} at most {free}, not {wanted}",
        bin.bin, bin.on_hand, p.sku, p.name
    ))
}

/// A scan booked before under the same id: the bins as they are now.
async fn earlier(conn: &mut AnyConnection, scan_id: &str) -> Result<Option<StockChange>> {
    let rows = stock::moves_of_scan(conn, scan_id).await?;
    let Some((product_id, _, _)) = rows.first() else {
        return Ok(None);
    };
    let p = products::match_by_id(conn, *product_id).await?;
    let mut bins = Vec::new();
    for (_, bin, _) in &rows {
        bins.push(level(conn, *product_id, bin).await?);
    }
    let units = rows.iter().map(|r| r.2).filter(|d| *d > 0).sum();
    Ok(Some(StockChange {
        product: StockProduct {
            sku: p.sku,
            name: p.name,
        },
        units,
        bins,
        duplicate: true,
        message: format!("scan {scan_id} was booked before; counted once"),
    }))
}

/// Books `times` scans of `code` into `bin` (a case barcode counts its
/// units); the same `scan_id` again books nothing.
pub async fn receive_stock(
    store: &Store,
    actor: &Actor,
    bin: &str,
    code: &str,
    times: i64,
    scan_id: &str,
) -> Result<StockChange> {
    actor.may(Op::ReceiveStock)?;
    let scan_id = check_scan_id(scan_id)?;
    check_units("a receipt", times).map_err(Error::Invalid)?;
    with_scan_retry(scan_id, || async {
        let mut tx = store.write().await?;
        if let Some(before) = earlier(&mut tx, scan_id).await? {
            return Ok(before);
        }
        let bin = existing_bin(&mut tx, bin).await?;
        let p = product_for(&mut tx, code).await?;
        let units = check_units("a receipt", p.units * times).map_err(Error::Invalid)?;
        let now = store.now_ms();
        let m = StockMove {
            scan_id: Some(scan_id),
            ..StockMove::new(p.id, bin, units, MoveKind::Received, "received")
        };
        stock::book(&mut tx, &m, actor, now).await?;
        let after = level(&mut tx, p.id, bin).await?;
        tx.commit().await?;
        Ok(StockChange {
            message: format!(
                "{} ({}): +{units} into {bin}, {} there now",
                p.name, p.sku, after.on_hand
            ),
            product: StockProduct {
                sku: p.sku,
                name: p.name,
            },
            units,
            bins: vec![after],
            duplicate: false,
        })
    })
    .await
}

/// Moves `times` scans' units of `code` from one bin to another. Only free
/// units move: what orders reserved stays where their pickers look.
pub async fn move_stock(
    store: &Store,
    actor: &Actor,
    from: &str,
    to: &str,
    code: &str,
    times: i64,
    scan_id: &str,
) -> Result<StockChange> {
    actor.may(Op::MoveStock)?;
    let scan_id = check_scan_id(scan_id)?;
    check_units("a move", times).map_err(Error::Invalid)?;
    with_scan_retry(scan_id, || async {
        let mut tx = store.write().await?;
        if let Some(before) = earlier(&mut tx, scan_id).await? {
            return Ok(before);
        }
        let from = existing_bin(&mut tx, from).await?;
        let to = existing_bin(&mut tx, to).await?;
        if from == to {
            return Err(Error::Invalid(format!(
                "moving from {from} to {to} moves nothing; scan the bin the goods go to"
            )));
        }
        let p = product_for(&mut tx, code).await?;
        let units = check_units("a move", p.units * times).map_err(Error::Invalid)?;
        if !stock::take_free(&mut tx, p.id, from, units).await? {
            let there = level(&mut tx, p.id, from).await?;
            return Err(not_free(&p, &there, units, "move"));
        }
        let now = store.now_ms();
        let to_reason = format!("to {to}");
        let out = StockMove {
            scan_id: Some(scan_id),
            ..StockMove::new(p.id, from, -units, MoveKind::Moved, &to_reason)
        };
        stock::record_move(&mut tx, &out, actor, now).await?;
        let from_reason = format!("from {from}");
        let into = StockMove {
            scan_id: Some(scan_id),
            ..StockMove::new(p.id, to, units, MoveKind::Moved, &from_reason)
        };
        stock::book(&mut tx, &into, actor, now).await?;
        let bins = vec![
            level(&mut tx, p.id, from).await?,
            level(&mut tx, p.id, to).await?,
        ];
        tx.commit().await?;
        Ok(StockChange {
            message: format!("{} ({}): {units} moved from {from} to {to}", p.name, p.sku),
            product: StockProduct {
                sku: p.sku,
                name: p.name,
            },
            units,
            bins,
            duplicate: false,
        })
    })
    .await
}

/// Changes a bin's stock by `delta` for a reason (damaged, lost, found,
/// expired, sample, correction), with an optional note. A reason says the
/// direction: found adds, damaged/lost/expired/sample take away.
pub async fn adjust_stock(
    store: &Store,
    actor: &Actor,
    bin: &str,
    code: &str,
    delta: i64,
    reason: AdjustReason,
    note: Option<&str>,
) -> Result<StockChange> {
    actor.may(Op::AdjustStock)?;
    check_units("an adjustment", delta.abs()).map_err(Error::Invalid)?;
    let direction_ok = match reason {
        AdjustReason::Found => delta > 0,
        AdjustReason::Correction => true,
        _ => delta < 0,
    };
    if !direction_ok {
        return Err(Error::Invalid(format!(
            "\"{}\" {} stock; give the number with {}",
            reason.as_str(),
            if delta > 0 { "takes away" } else { "adds" },
            if delta > 0 {
                "a minus sign"
            } else {
                "no minus sign"
            }
        )));
    }
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.chars().count() > 500) {
        return Err(Error::Invalid("a note is at most 500 characters".into()));
    }
    let mut tx = store.write().await?;
    let bin = existing_bin(&mut tx, bin).await?;
    let p = product_for(&mut tx, code).await?;
    if delta < 0 && !stock::take_free(&mut tx, p.id, bin, -delta).await? {
        let there = level(&mut tx, p.id, bin).await?;
        return Err(not_free(&p, &there, -delta, "take away"));
    }
    let now = store.now_ms();
    let m = StockMove {
        note,
        ..StockMove::new(p.id, bin, delta, MoveKind::Adjusted, reason.as_str())
    };
    if delta > 0 {
        stock::book(&mut tx, &m, actor, now).await?;
    } else {
        stock::record_move(&mut tx, &m, actor, now).await?;
    }
    let after = level(&mut tx, p.id, bin).await?;
    tx.commit().await?;
    Ok(StockChange {
        message: format!(
            "{} ({}): {delta:+} in {bin} ({}), {} there now",
            p.name,
            p.sku,
            reason.as_str(),
            after.on_hand
        ),
        product: StockProduct {
            sku: p.sku,
            name: p.name,
        },
        units: delta,
        bins: vec![after],
        duplicate: false,
    })
}

/// One product of a count: what the books say and what was counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CountLine {
    pub sku: String,
    pub name: String,
    pub on_hand: i64,
    pub reserved: i64,
    pub counted: i64,
    /// counted − on hand: what approving books.
    pub difference: i64,
}

/// A cycle count with its lines (every product the bin's books hold, and
/// every product scanned there).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CountSheet {
    pub count: CountHead,
    pub lines: Vec<CountLine>,
}

async fn sheet_in(conn: &mut AnyConnection, id: i64) -> Result<(CountSheet, Vec<i64>)> {
    let head = counts::by_id(conn, id)
        .await?
        .ok_or_else(|| Error::not_found("stock count", id.to_string()))?;
    let books = stock::bin_lines(conn, &head.bin).await?;
    let counted = counts::counted(conn, id).await?;
    let mut lines: Vec<(i64, CountLine)> = books
        .into_iter()
        .filter(|b| b.on_hand != 0 || counted.iter().any(|c| c.0 == b.product_id))
        .map(|b| {
            let n = counted
                .iter()
                .find(|c| c.0 == b.product_id)
                .map_or(0, |c| c.3);
            (
                b.product_id,
                CountLine {
                    sku: b.sku,
                    name: b.name,
                    on_hand: b.on_hand,
                    reserved: b.reserved,
                    counted: n,
                    difference: n - b.on_hand,
                },
            )
        })
        .collect();
    for (product_id, sku, name, n) in counted {
        if !lines.iter().any(|(id, _)| *id == product_id) {
            lines.push((
                product_id,
                CountLine {
                    sku,
                    name,
                    on_hand: 0,
                    reserved: 0,
                    counted: n,
                    difference: n,
                },
            ));
        }
    }
    lines.sort_by(|a, b| a.1.sku.cmp(&b.1.sku));
    let ids = lines.iter().map(|(id, _)| *id).collect();
    Ok((
        CountSheet {
            count: head,
            lines: lines.into_iter().map(|(_, l)| l).collect(),
        },
        ids,
    ))
}

pub async fn count_sheet(store: &Store, id: i64) -> Result<CountSheet> {
    let mut conn = store.pool().acquire().await?;
    Ok(sheet_in(&mut conn, id).await?.0)
}

/// Starts counting a bin, or carries on with its open count.
pub async fn start_count(store: &Store, actor: &Actor, bin: &str) -> Result<CountSheet> {
    actor.may(Op::CountStock)?;
    let mut tx = store.write().await?;
    let bin = existing_bin(&mut tx, bin).await?;
    let id = match counts::open_for_bin(&mut tx, bin).await? {
        Some(open) => open.id,
        None => counts::start(&mut tx, bin, actor, store.now_ms()).await?,
    };
    let sheet = sheet_in(&mut tx, id).await?.0;
    tx.commit().await?;
    Ok(sheet)
}

async fn open_count(conn: &mut AnyConnection, id: i64) -> Result<CountHead> {
    let head = counts::by_id(conn, id)
        .await?
        .ok_or_else(|| Error::not_found("stock count", id.to_string()))?;
    if head.state != "open" {
        return Err(Error::Refused(format!(
            "count {id} of bin {} is {} already; start a new count to count again",
            head.bin, head.state
        )));
    }
    Ok(head)
}

/// Counts `times` scans of `code` in the count's bin.
pub async fn count_scan(
    store: &Store,
    actor: &Actor,
    id: i64,
    code: &str,
    times: i64,
    scan_id: &str,
) -> Result<CountSheet> {
    actor.may(Op::CountStock)?;
    let scan_id = check_scan_id(scan_id)?;
    check_units("a count scan", times).map_err(Error::Invalid)?;
    with_scan_retry(scan_id, || async {
        let mut tx = store.write().await?;
        if let Some((count_id, _, _)) = counts::scan_of(&mut tx, scan_id).await? {
            return Ok(sheet_in(&mut tx, count_id).await?.0);
        }
        open_count(&mut tx, id).await?;
        let p = product_for(&mut tx, code).await?;
        let units = check_units("a count scan", p.units * times).map_err(Error::Invalid)?;
        let scan = CountScan {
            scan_id,
            count_id: id,
            product_id: p.id,
            units,
            code: code.trim(),
        };
        counts::add_scan(&mut tx, &scan, actor, store.now_ms()).await?;
        let sheet = sheet_in(&mut tx, id).await?.0;
        tx.commit().await?;
        Ok(sheet)
    })
    .await
}

/// Books the count's differences into the ledger (`counted` moves, the
/// approver named in each move's note) and returns the sheet as approved. A
/// packer's count needs a supervisor's approval. When the bin holds fewer
/// than its orders reserved, the newest orders give their reservation up:
/// they take it from other bins where there is free stock, else their lines
/// are back-ordered.
pub async fn approve_count(
    store: &Store,
    actor: &Actor,
    id: i64,
    approval: Option<&Credential>,
) -> Result<CountSheet> {
    actor.may(Op::CountStock)?;
    let approved =
        super::people::approved(store, actor, approval, Override::ApproveCycleCount).await?;
    let by = approved
        .approver()
        .map_or(approved.user.clone(), |a| a.name().to_string());
    let mut tx = store.write().await?;
    let head = open_count(&mut tx, id).await?;
    let now = store.now_ms();
    let (sheet, product_ids) = sheet_in(&mut tx, id).await?;
    let reason = format!("cycle count {id}");
    let approved_note = format!("approved by {by}");
    for (line, product_id) in sheet.lines.iter().zip(product_ids) {
        if line.difference == 0 {
            continue;
        }
        let after = line.on_hand + line.difference;
        let excess = line.reserved - after;
        let affected = if excess > 0 {
            give_up_reservations(&mut tx, product_id, &head.bin, excess).await?
        } else {
            Vec::new()
        };
        let m = StockMove {
            count_id: Some(id),
            note: Some(&approved_note),
            ..StockMove::new(
                product_id,
                &head.bin,
                line.difference,
                MoveKind::Counted,
                &reason,
            )
        };
        stock::book(&mut tx, &m, &approved, now).await?;
        for order_id in affected {
            reserve_elsewhere(&mut tx, order_id, product_id).await?;
        }
    }
    if !counts::decide(&mut tx, id, "approved", &by, now).await? {
        return Err(Error::Conflict(format!(
            "count {id} was decided at another station meanwhile"
        )));
    }
    // The sheet as it was approved: what the books said and what was
    // booked, with the count now decided.
    let decided = counts::by_id(&mut tx, id)
        .await?
        .ok_or_else(|| Error::not_found("stock count", id.to_string()))?;
    tx.commit().await?;
    Ok(CountSheet {
        count: decided,
        lines: sheet.lines,
    })
}

/// Drops an open count; nothing is booked.
pub async fn cancel_count(store: &Store, actor: &Actor, id: i64) -> Result<CountSheet> {
    actor.may(Op::CountStock)?;
    let mut tx = store.write().await?;
    open_count(&mut tx, id).await?;
    counts::decide(&mut tx, id, "cancelled", &actor.user, store.now_ms()).await?;
    let sheet = sheet_in(&mut tx, id).await?.0;
    tx.commit().await?;
    Ok(sheet)
}

/// Takes `excess` reserved units of the product in `bin` back from the
/// orders holding them, newest order first. Returns those orders.
async fn give_up_reservations(
    conn: &mut AnyConnection,
    product_id: i64,
    bin: &str,
    mut excess: i64,
) -> Result<Vec<i64>> {
    let mut affected = Vec::new();
    for (order_id, qty) in stock::holders(conn, product_id, bin).await? {
        if excess == 0 {
            break;
        }
        let take = qty.min(excess);
        stock::reduce_reservation(conn, order_id, product_id, bin, take).await?;
        stock::unreserve(conn, product_id, bin, take).await?;
        excess -= take;
        affected.push(order_id);
    }
    Ok(affected)
}

/// An order that gave up a reservation takes what it still needs of the
/// product from other bins' free stock; the rest is back-ordered.
async fn reserve_elsewhere(conn: &mut AnyConnection, order_id: i64, product_id: i64) -> Result<()> {
    let held: i64 = stock::reservations(conn, order_id)
        .await?
        .iter()
        .filter(|r| r.product_id == product_id)
        .map(|r| r.qty)
        .sum();
    let wanted = crate::store::orders::units_per_product(conn, order_id, false)
        .await?
        .into_iter()
        .find(|w| w.product_id == product_id);
    if let Some(w) = wanted {
        let free = stock::free_stock(conn, product_id).await?;
        let (takes, _) = reserve_from(w.units - held, free, w.default_bin.as_deref());
        for t in takes {
            stock::reserve(conn, order_id, product_id, &t.bin, t.qty).await?;
        }
    }
    super::stock::refresh_back_orders(conn, order_id, false).await
}

/// The stock ledger, newest first.
pub async fn stock_ledger(store: &Store, filter: &LedgerFilter) -> Result<Vec<LedgerRow>> {
    let mut conn = store.pool().acquire().await?;
    stock::ledger(&mut conn, filter).await
}

/// The re-order list: products at or under their low-stock threshold and
/// products whose free stock lasts fewer than `cover_days` days at the last
/// 30 days' pace.
pub async fn reorder(store: &Store, cover_days: u32) -> Result<Vec<ReorderRow>> {
    if !(1..=365).contains(&cover_days) {
        return Err(Error::Invalid(format!(
            "days of cover are 1 to 365, not {cover_days}"
        )));
    }
    let mut conn = store.pool().acquire().await?;
    let since = store.now_ms() - 30 * 86_400_000;
    Ok(reorder_list(
        stock::stock_and_sales(&mut conn, since).await?,
        cover_days,
    ))
}

/// The re-order list as CSV for a supplier's order, in the user's language
/// (Russian: semicolons and decimal commas, as a Russian spreadsheet
/// reads them); cells a spreadsheet would run are neutralised.
pub fn reorder_csv(rows: &[ReorderRow], russian: bool) -> Result<Vec<u8>> {
    let head: [&str; 8] = if russian {
        [
            "Артикул",
            "Товар",
            "На складе",
            "В резерве",
            "Свободно",
            "Порог",
            "Продано за 30 дней",
            "Хватит на дней",
        ]
    } else {
        [
            "SKU",
            "Product",
            "On hand",
            "Reserved",
            "Free",
            "Threshold",
            "Sold in 30 days",
            "Days of cover",
        ]
    };
    let mut w = csv::WriterBuilder::new()
        .delimiter(if russian { b';' } else { b',' })
        .from_writer(Vec::new());
    let days = |d: f64| {
        let text = d.to_string();
        if russian {
            text.replace('.', ",")
        } else {
            text
        }
    };
    w.write_record(head).map_err(csv_error)?;
    for r in rows {
        w.write_record([
            safe_cell(&r.sku),
            safe_cell(&r.name),
            r.on_hand.to_string(),
            r.reserved.to_string(),
            r.free.to_string(),
            r.low_stock.map(|t| t.to_string()).unwrap_or_default(),
            r.sold_30d.to_string(),
            r.days_of_cover.map(days).unwrap_or_default(),
        ])
        .map_err(csv_error)?;
    }
    w.into_inner()
        .map_err(|e| Error::Invalid(format!("the re-order list could not be written: {e}")))
}

fn csv_error(e: csv::Error) -> Error {
    Error::Invalid(format!("the re-order list could not be written: {e}"))
}

/// The store's bins with what they hold.
pub async fn bins(store: &Store) -> Result<Vec<BinView>> {
    let mut conn = store.pool().acquire().await?;
    stock::bins(&mut conn).await
}

/// Adds a bin or renames one.
pub async fn save_bin(
    store: &Store,
    actor: &Actor,
    code: &str,
    name: &str,
) -> Result<Vec<BinView>> {
    actor.may(Op::EditProducts)?;
    let code = bin_code(code)?;
    let name = name.trim();
    if name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(Error::Invalid(
            "a bin's name is at most 100 characters without control characters".into(),
        ));
    }
    let mut tx = store.write().await?;
    stock::save_bin(&mut tx, code, name, store.now_ms()).await?;
    let all = stock::bins(&mut tx).await?;
    tx.commit().await?;
    Ok(all)
}

/// A product as the stock screen or `products add|edit` saves it. Its
/// barcodes are the whole list: a barcode left out is taken off.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProductInput {
    pub sku: String,
    pub name: String,
    pub category: String,
    pub weight_g: i64,
    pub default_bin: Option<String>,
    pub low_stock: Option<i64>,
    /// Marked goods (Честный ЗНАК): packed only by the item's marking code.
    pub marked: bool,
    pub barcodes: Vec<ProductBarcode>,
}

/// Adds a product (`new`: refused when the SKU exists) or changes one
/// (refused when it does not). Stock is not set here: it is received,
/// moved, adjusted or counted, so the ledger says why it changed.
pub async fn save_product(
    store: &Store,
    actor: &Actor,
    p: &ProductInput,
    new: bool,
) -> Result<super::ProductView> {
    actor.may(Op::EditProducts)?;
    if let Some(low) = p.low_stock.filter(|l| !(0..=MAX_UNITS).contains(l)) {
        return Err(Error::Invalid(format!(
            "a low-stock threshold is 0 to {MAX_UNITS} units, not {low}"
        )));
    }
    let sku = p.sku.trim();
    let mut tx = store.write().await?;
    let existing = match products::by_sku(&mut tx, sku).await {
        Ok(row) => Some(row),
        Err(Error::NotFound { .. }) => None,
        Err(e) => return Err(e),
    };
    match (&existing, new) {
        (Some(_), true) => {
            return Err(Error::Invalid(format!(
                "product {sku} exists already; edit it instead"
            )))
        }
        (None, false) => return Err(Error::not_found("product", sku)),
        _ => {}
    }
    let default_bin = match p
        .default_bin
        .as_deref()
        .map(str::trim)
        .filter(|b| !b.is_empty())
    {
        Some(bin) => Some(existing_bin(&mut tx, bin).await?.to_string()),
        None => None,
    };
    let product = NewProduct {
        sku: sku.to_string(),
        name: p.name.trim().to_string(),
        category: Some(p.category.trim().to_string()),
        weight_g: p.weight_g,
        default_bin,
        barcodes: p.barcodes.clone(),
        stock: Vec::new(),
    };
    let now = store.now_ms();
    let (id, _) = products::upsert(&mut tx, &product, actor, now).await?;
    let keep: Vec<String> = p
        .barcodes
        .iter()
        .filter_map(|b| barcode::normalize(&b.code).ok())
        .collect();
    for old in products::barcodes(&mut tx, id).await? {
        if !keep.contains(&old.code) {
            products::remove_barcode(&mut tx, id, &old.code).await?;
        }
    }
    products::set_low_stock(&mut tx, id, p.low_stock).await?;
    products::set_marked(&mut tx, id, p.marked).await?;
    tx.commit().await?;
    super::product_by_sku(store, sku).await
}
