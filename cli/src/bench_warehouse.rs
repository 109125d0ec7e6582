//! `bench --suite warehouse`: the warehouse flows of BENCHMARKS.md on the
//! generated warehouse: receiving, moving and counting stock, the ledger
//! and the re-order list, shipping packed orders in bulk, the hand-over,
//! and returns.

use super::bench::{Sample, CONFIRMED_EVERY};
use super::Failure;
use packbench_core::documents::PrintSettings;
use packbench_core::domain::OrderStatus;
use packbench_core::ops::{
    self, Actor, ItemCondition, LedgerFilter, ReturnInput, ReturnItem, ReturnOutcome, Role,
    ShipRequest,
};
use packbench_core::store::bulk::{
    synthetic_ean13, synthetic_lines, synthetic_order_number, synthetic_sku,
};
use packbench_core::store::Store;
use std::time::Instant;

/// Orders packed (untimed) to be shipped, handed over and returned; fewer
/// on a small generated warehouse (an eighth of its confirmed orders, so
/// repeated runs and the packing suite's slices still find their own).
const SHIP_ORDERS: usize = 100;

/// The bin a generated product lives in (as the generator puts it).
fn bin_of(i: usize) -> String {
    format!(
        "{}-{:02}",
        (b'A' + ((i % 200) / 20) as u8) as char,
        i % 20 + 1
    )
}

fn fail(e: packbench_core::Error) -> Failure {
    Failure::from(e)
}

pub async fn run(
    store: &Store,
    orders: usize,
    products: usize,
    label: &str,
) -> Result<Vec<String>, Failure> {
    let actor = Actor::new("bench", "bench-warehouse", Role::Supervisor);
    let run = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let mut rows = Vec::new();

    // Receiving and moving, one scan each, products spread over the catalogue.
    let mut receive = Sample::new(format!("{label}: receive one unit into a bin (scan)"));
    let mut moved = Sample::new(format!("{label}: move one unit between bins (scan)"));
    for k in 0..300usize {
        let i = (k * 331) % products;
        let bin = bin_of(i);
        let t = Instant::now();
        ops::receive_stock(
            store,
            &actor,
            &bin,
            &synthetic_ean13(i),
            1,
            &format!("wr{run}-{k}"),
        )
        .await
        .map_err(fail)?;
        receive.times.push(t.elapsed());
        let to = bin_of(i + 1);
        let t = Instant::now();
        ops::move_stock(
            store,
            &actor,
            &bin,
            &to,
            &synthetic_ean13(i),
            1,
            &format!("wm{run}-{k}"),
        )
        .await
        .map_err(fail)?;
        moved.times.push(t.elapsed());
    }
    let mut ledger = Sample::new(format!("{label}: a product's stock ledger, newest 50"));
    for k in 0..300usize {
        let i = (k * 331) % products;
        let filter = LedgerFilter {
            sku: Some(synthetic_sku(i)),
            limit: 50,
            ..Default::default()
        };
        let t = Instant::now();
        let rows = ops::stock_ledger(store, &filter).await.map_err(fail)?;
        ledger.times.push(t.elapsed());
        if rows.is_empty() {
            return Err(super::usage(format!(
                "{} has no ledger rows",
                synthetic_sku(i)
            )));
        }
    }
    let mut reorder = Sample::new(format!(
        "{label}: re-order list (every product, 30 days of sales)"
    ));
    for _ in 0..5 {
        let t = Instant::now();
        ops::reorder(store, 14).await.map_err(fail)?;
        reorder.times.push(t.elapsed());
    }
    rows.extend([&mut receive, &mut moved, &mut ledger, &mut reorder].map(Sample::row));
    rows.iter().for_each(|r| eprintln!("{r}"));

    // A cycle count of three whole bins (every product scanned as many
    // times as it has), then approved with no difference.
    let mut count_scan = Sample::new(format!("{label}: cycle count, one scan"));
    let mut approve = Sample::new(format!("{label}: cycle count approved (a whole bin)"));
    for b in 0..3usize {
        let bin = bin_of(180 + b);
        let sheet = ops::start_count(store, &actor, &bin).await.map_err(fail)?;
        let mut k = 0;
        for i in (180 + b..products).step_by(200) {
            let view = ops::product_by_sku(store, &synthetic_sku(i))
                .await
                .map_err(fail)?;
            let here = view.stock.iter().find(|s| s.0 == bin).map_or(0, |s| s.1);
            if here <= 0 {
                continue;
            }
            k += 1;
            let t = Instant::now();
            ops::count_scan(
                store,
                &actor,
                sheet.count.id,
                &synthetic_ean13(i),
                here,
                &format!("wc{run}-{b}-{k}"),
            )
            .await
            .map_err(fail)?;
            count_scan.times.push(t.elapsed());
        }
        let t = Instant::now();
        ops::approve_count(store, &actor, sheet.count.id, None)
            .await
            .map_err(fail)?;
        approve.times.push(t.elapsed());
    }
    let counted = [&mut count_scan, &mut approve].map(Sample::row);
    counted.iter().for_each(|r| eprintln!("{r}"));
    rows.extend(counted);

    // Orders packed (untimed) from the far end of the confirmed ones, so
    // the packing suite's slices stay untouched.
    let ship_orders = SHIP_ORDERS.min((orders / CONFIRMED_EVERY / 8).max(1));
    let mut packed = Vec::new();
    let mut scan_seq = 0u64;
    let no_print = PrintSettings {
        auto_print: false,
        ..PrintSettings::default()
    };
    for i in (0..orders).step_by(CONFIRMED_EVERY).rev() {
        if packed.len() == ship_orders {
            break;
        }
        let number = synthetic_order_number(i);
        let d = ops::order_detail(store, &number).await.map_err(fail)?;
        if d.head.status != OrderStatus::Confirmed {
            continue;
        }
        ops::claim_order(store, &actor, &number)
            .await
            .map_err(fail)?;
        for (p, qty) in synthetic_lines(i, products) {
            for _ in 0..qty {
                scan_seq += 1;
                ops::record_scan(
                    store,
                    &actor,
                    &number,
                    &synthetic_ean13(p),
                    &format!("wp{run}-{scan_seq}"),
                )
                .await
                .map_err(fail)?;
            }
        }
        let (_, nothing) = ops::finish_packing(store, &actor, &number, None, &no_print, None)
            .await
            .map_err(fail)?;
        nothing.send().await.map_err(fail)?;
        packed.push((i, number));
    }
    if packed.len() < ship_orders {
        return Err(super::usage(
            "not enough confirmed orders left to ship; generate the orders again",
        ));
    }
    // Shipped in bulk, 20 orders a call, one tracking number each.
    let tracking = |i: usize| format!("{:010}", 7_000_000_000usize + i);
    let mut bulk = Sample::new(format!("{label}: ship in bulk, 20 orders a call"));
    for chunk in packed.chunks(20) {
        let requests: Vec<ShipRequest> = chunk
            .iter()
            .map(|(i, number)| ShipRequest {
                number: number.clone(),
                trackings: vec![tracking(*i)],
            })
            .collect();
        let t = Instant::now();
        let report = ops::ship_bulk(store, &actor, "СДЭК", &requests)
            .await
            .map_err(fail)?;
        bulk.times.push(t.elapsed());
        if let Some(r) = report.refused.first() {
            return Err(super::usage(format!(
                "{} was refused: {}",
                r.number, r.reason
            )));
        }
    }
    let mut waiting = Sample::new(format!(
        "{label}: parcels waiting for the courier ({ship_orders}+ parcels)"
    ));
    for _ in 0..20 {
        let t = Instant::now();
        ops::waiting_handover(store, "СДЭК").await.map_err(fail)?;
        waiting.times.push(t.elapsed());
    }
    let mut close = Sample::new(format!("{label}: close the hand-over (manifest)"));
    let t = Instant::now();
    ops::close_handover(store, &actor, "СДЭК")
        .await
        .map_err(fail)?;
    close.times.push(t.elapsed());

    // Each parcel comes back: found by its tracking number, one unit back
    // on its shelf.
    let mut find = Sample::new(format!(
        "{label}: find a returned parcel by tracking number"
    ));
    let mut back = Sample::new(format!("{label}: take a return (one unit to its bin)"));
    for (i, number) in &packed {
        let t = Instant::now();
        let found = ops::find_return(store, &tracking(*i)).await.map_err(fail)?;
        find.times.push(t.elapsed());
        if &found != number {
            return Err(super::usage(format!(
                "{} found {found}, not {number}",
                tracking(*i)
            )));
        }
        let (p, _) = synthetic_lines(*i, products)[0];
        let input = ReturnInput {
            items: vec![ReturnItem {
                code: synthetic_ean13(p),
                units: 1,
                condition: ItemCondition::Resellable,
                bin: Some(bin_of(p)),
                reason: String::new(),
            }],
            outcome: ReturnOutcome::None,
            refund: None,
            method: String::new(),
            note: String::new(),
            exchange: Vec::new(),
        };
        let t = Instant::now();
        ops::receive_return(store, &actor, number, &input)
            .await
            .map_err(fail)?;
        back.times.push(t.elapsed());
    }
    let shipped = [&mut bulk, &mut waiting, &mut close, &mut find, &mut back].map(Sample::row);
    shipped.iter().for_each(|r| eprintln!("{r}"));
    rows.extend(shipped);
    Ok(rows)
}
