//! Stock stays true whatever a store does, in whatever order: random
//! sequences of phone orders, confirm, edit (quantities, substitutes,
//! lines added and removed), cancel, split (the back-ordered units, or a
//! unit, to a linked order), pack (what was reserved, the rest
//! short-shipped with a reason; or every unit, more than the books had)
//! and ship, interleaved with the warehouse's own stock work (receive by
//! scanning, move between bins, adjust with a reason, count a bin and
//! approve it), on SQLite and PostgreSQL. After every step: on hand is the
//! sum of the stock ledger, on-hand and reserved are never negative,
//! reserved is never more than on hand, every bin's reserved count equals
//! the reservations held for it, and only open orders (confirmed, picking,
//! packing, ready) hold reservations.
//!
//! A sequence is one order's life, interleaved with the others'. `make test`
//! runs PACKBENCH_PROPERTY_SEQUENCES of them per engine (default 60, about
//! 330 steps); `make fuzz` runs 10 000. A failure prints the seed and the
//! step.

mod common;

use common::clock;
use packbench_core::domain::OrderStatus;
use packbench_core::ops::{self, Actor, AdjustReason, LineInput, OrderEdit, PhoneOrderInput, Role};
use packbench_core::store::Store;
use packbench_core::Error;
use std::collections::HashMap;

/// A small deterministic generator (xorshift64*): a failing run repeats
/// with its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// How many sequences: each is one order's life (entered, then confirmed,
/// edited, cancelled, packed, shipped at random, interleaved with the
/// others' steps).
fn sequences() -> usize {
    std::env::var("PACKBENCH_PROPERTY_SEQUENCES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60)
}

fn manager() -> Actor {
    Actor::new("Мария", "office", Role::Supervisor)
}

fn packer() -> Actor {
    Actor::new("Анна", "Стол 1", Role::Packer)
}

/// Checks the invariants; the message names what broke.
async fn check_stock(store: &Store, seed: u64, step: &str) {
    let mut conn = store.pool().acquire().await.unwrap();
    let off_ledger: Vec<(i64, String, i64, i64)> = sqlx::query_as(
        "SELECT s.product_id, s.bin, s.on_hand, \
           CAST(COALESCE((SELECT SUM(m.delta) FROM stock_moves m \
              WHERE m.product_id = s.product_id AND m.bin = s.bin), 0) AS BIGINT) AS booked \
         FROM stock s WHERE s.on_hand <> COALESCE((SELECT SUM(m.delta) FROM stock_moves m \
              WHERE m.product_id = s.product_id AND m.bin = s.bin), 0)",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    assert!(
        off_ledger.is_empty(),
        "seed {seed}, after {step}: on hand is not the ledger's sum (product, bin, on hand, ledger): {off_ledger:?}"
    );
    let bad: Vec<(i64, String, i64, i64)> = sqlx::query_as(
        "SELECT product_id, bin, on_hand, reserved FROM stock \
         WHERE on_hand < 0 OR reserved < 0 OR reserved > on_hand",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    assert!(
        bad.is_empty(),
        "seed {seed}, after {step}: stock rows {bad:?}"
    );
    let mismatched: Vec<(i64, String, i64, i64)> = sqlx::query_as(
        "SELECT s.product_id, s.bin, s.reserved, \
           CAST(COALESCE((SELECT SUM(r.qty) FROM reservations r \
              WHERE r.product_id = s.product_id AND r.bin = s.bin), 0) AS BIGINT) AS held \
         FROM stock s WHERE s.reserved <> \
           COALESCE((SELECT SUM(r.qty) FROM reservations r \
              WHERE r.product_id = s.product_id AND r.bin = s.bin), 0)",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    assert!(
        mismatched.is_empty(),
        "seed {seed}, after {step}: reserved differs from the reservations held (product, bin, reserved, held): {mismatched:?}"
    );
    let closed: Vec<(String, String)> = sqlx::query_as(
        "SELECT DISTINCT o.number, o.status FROM reservations r JOIN orders o ON o.id = r.order_id \
         WHERE o.status NOT IN ('confirmed', 'picking', 'packing', 'ready')",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    assert!(
        closed.is_empty(),
        "seed {seed}, after {step}: orders that are not open hold stock: {closed:?}"
    );
    let orphan: Vec<(i64, String)> = sqlx::query_as(
        "SELECT r.product_id, r.bin FROM reservations r \
         WHERE NOT EXISTS (SELECT 1 FROM stock s WHERE s.product_id = r.product_id AND s.bin = r.bin)",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    assert!(
        orphan.is_empty(),
        "seed {seed}, after {step}: reservations without a stock row {orphan:?}"
    );
}

/// Refusals a rule gives are part of the game; anything else fails.
fn expect_rule<T>(r: packbench_core::Result<T>, seed: u64, step: &str) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(
            Error::Invalid(_)
            | Error::Refused(_)
            | Error::InvalidTransition { .. }
            | Error::Conflict(_),
        ) => None,
        Err(e) => panic!("seed {seed}, {step}: {e}"),
    }
}

struct World {
    /// How many of each step went through (not refused by a rule).
    done: HashMap<&'static str, usize>,
    skus: Vec<String>,
    unit_code: HashMap<String, String>,
    orders: Vec<String>,
    /// Shipped orders, some of which come back.
    shipped: Vec<String>,
}

async fn world(store: &Store) -> World {
    let mut skus = Vec::new();
    let mut unit_code = HashMap::new();
    for p in ops::find_products(store, "PB-00")
        .await
        .unwrap()
        .into_iter()
        .take(12)
    {
        let view = ops::product_by_sku(store, &p.sku).await.unwrap();
        if let Some(b) = view.barcodes.iter().find(|b| b.units == 1) {
            unit_code.insert(p.sku.clone(), b.code.clone());
            skus.push(p.sku);
        }
    }
    assert!(
        skus.len() >= 6,
        "demo products with unit barcodes: {skus:?}"
    );
    World {
        done: HashMap::new(),
        skus,
        unit_code,
        orders: Vec::new(),
        shipped: Vec::new(),
    }
}

fn random_line(rng: &mut Rng, w: &World) -> LineInput {
    LineInput {
        id: None,
        sku: w.skus[rng.below(w.skus.len())].clone(),
        quantity: 1 + rng.below(6) as i64,
        unit_price: format!("{}", 100 + rng.below(900)),
        discount: String::new(),
        tax_rate_bp: None,
    }
}

/// The warehouse's own stock work on a random product: receive, move,
/// adjust or count one of its bins (or a spare bin).
async fn stock_step(store: &Store, rng: &mut Rng, w: &mut World, seed: u64, n: usize) {
    let sku = w.skus[rng.below(w.skus.len())].clone();
    let code = w.unit_code[&sku].clone();
    let view = ops::product_by_sku(store, &sku).await.unwrap();
    let mut bins: Vec<String> = view.stock.iter().map(|s| s.0.clone()).collect();
    bins.extend(["P-01".to_string(), "P-02".to_string()]);
    let bin = bins[rng.below(bins.len())].clone();
    let times = 1 + rng.below(4) as i64;
    let id = format!("prop-{seed}-{n}");
    let label = format!("step {n}: stock of {sku} in {bin}");
    let warehouse = Actor::new("Пётр", "Склад", Role::Picker);
    if !w.shipped.is_empty() && rng.below(5) == 0 {
        // A customer sends a unit back: resellable into a bin, or broken.
        let number = w.shipped[rng.below(w.shipped.len())].clone();
        let d = ops::order_detail(store, &number).await.unwrap();
        let Some(line) = d.lines.iter().find(|l| l.packed > 0) else {
            return;
        };
        let resellable = rng.below(3) > 0;
        let input = ops::ReturnInput {
            items: vec![ops::ReturnItem {
                code: line.sku.clone(),
                units: 1,
                condition: if resellable {
                    ops::ItemCondition::Resellable
                } else {
                    ops::ItemCondition::Damaged
                },
                bin: resellable.then(|| bin.clone()),
                reason: if resellable {
                    String::new()
                } else {
                    "разбит".into()
                },
            }],
            // Now and then an exchange: a new order reserves its stock in
            // the same transaction.
            outcome: if rng.below(4) == 0 {
                ops::ReturnOutcome::Exchange
            } else {
                ops::ReturnOutcome::None
            },
            refund: None,
            method: String::new(),
            note: String::new(),
            exchange: Vec::new(),
        };
        let label = format!("step {n}: return of {} from {number}", line.sku);
        let r = ops::receive_return(store, &manager(), &number, &input).await;
        if expect_rule(r, seed, &label).is_some() {
            *w.done.entry("return").or_default() += 1;
        }
        check_stock(store, seed, &label).await;
        return;
    }
    match rng.below(4) {
        0 => {
            let r = ops::receive_stock(store, &warehouse, &bin, &code, times, &id).await;
            if expect_rule(r, seed, &format!("{label}: receive")).is_some() {
                *w.done.entry("receive").or_default() += 1;
                // The scanner's retry counts once.
                let again = ops::receive_stock(store, &warehouse, &bin, &code, times, &id)
                    .await
                    .unwrap();
                assert!(
                    again.duplicate,
                    "seed {seed}, {label}: a retry booked again"
                );
            }
        }
        1 => {
            let to = bins[rng.below(bins.len())].clone();
            let r = ops::move_stock(store, &warehouse, &bin, &to, &code, times, &id).await;
            if expect_rule(r, seed, &format!("{label}: move to {to}")).is_some() {
                *w.done.entry("move").or_default() += 1;
            }
        }
        2 => {
            let (reason, delta) = match rng.below(3) {
                0 => (AdjustReason::Damaged, -times),
                1 => (AdjustReason::Found, times),
                _ => (
                    AdjustReason::Correction,
                    if rng.below(2) == 0 { -times } else { times },
                ),
            };
            let r = ops::adjust_stock(store, &manager(), &bin, &code, delta, reason, None).await;
            if expect_rule(r, seed, &format!("{label}: adjust {delta:+}")).is_some() {
                *w.done.entry("adjust").or_default() += 1;
            }
        }
        _ => {
            // Counting finds a random number of this product; whatever
            // else the books hold in the bin was not there.
            let r = ops::start_count(store, &warehouse, &bin).await;
            if let Some(sheet) = expect_rule(r, seed, &format!("{label}: count")) {
                let found = rng.below(8) as i64;
                if found > 0 {
                    ops::count_scan(store, &warehouse, sheet.count.id, &code, found, &id)
                        .await
                        .unwrap_or_else(|e| panic!("seed {seed}, {label}: count scan: {e}"));
                }
                let r = ops::approve_count(store, &manager(), sheet.count.id, None).await;
                if expect_rule(r, seed, &format!("{label}: approve count")).is_some() {
                    *w.done.entry("count").or_default() += 1;
                }
            }
        }
    }
    check_stock(store, seed, &label).await;
}

async fn step(store: &Store, rng: &mut Rng, w: &mut World, seed: u64, n: usize) {
    if !w.orders.is_empty() && rng.below(100) < 25 {
        stock_step(store, rng, w, seed, n).await;
        return;
    }
    let pick = rng.below(100);
    if w.orders.is_empty() || pick < 18 {
        let lines = (0..1 + rng.below(3)).map(|_| random_line(rng, w)).collect();
        let input = PhoneOrderInput {
            customer: packbench_core::ops::CustomerInput {
                name: format!("Покупатель {n}"),
                phone: format!("+7 900 {:03} {:04}", n % 1000, n % 10_000),
                ..Default::default()
            },
            lines,
            ..Default::default()
        };
        let label = format!("step {n}: create");
        if let Some(d) = expect_rule(
            ops::create_order(store, &manager(), &input).await,
            seed,
            &label,
        ) {
            w.orders.push(d.head.number);
            *w.done.entry("create").or_default() += 1;
        }
        check_stock(store, seed, &label).await;
        return;
    }
    let number = w.orders[rng.below(w.orders.len())].clone();
    let detail = ops::order_detail(store, &number).await.unwrap();
    let label = format!("step {n}: {} order {number}", detail.head.status);
    match pick {
        18..=35 => {
            let r = ops::confirm_order(store, &manager(), &number).await;
            if expect_rule(r, seed, &format!("{label} confirm")).is_some() {
                *w.done.entry("confirm").or_default() += 1;
            }
        }
        36..=55 => {
            // An edit: a quantity, a substitute product, a line added or removed.
            let mut lines: Vec<LineInput> = detail
                .lines
                .iter()
                .map(|l| LineInput {
                    id: Some(l.id),
                    sku: l.sku.clone(),
                    quantity: l.quantity,
                    unit_price: format!("{}", l.unit_price_minor / 100),
                    discount: String::new(),
                    tax_rate_bp: Some(l.tax_rate_bp),
                })
                .collect();
            let i = rng.below(lines.len());
            match rng.below(4) {
                0 => lines[i].quantity = 1 + rng.below(8) as i64,
                1 => lines[i].sku = w.skus[rng.below(w.skus.len())].clone(),
                2 => lines.push(random_line(rng, w)),
                _ if lines.len() > 1 => {
                    lines.remove(i);
                }
                _ => lines[i].quantity += 1,
            }
            let edit = OrderEdit {
                lines: Some(lines),
                ..Default::default()
            };
            let r = ops::edit_order(store, &manager(), &number, &edit).await;
            if expect_rule(r, seed, &format!("{label} edit")).is_some() {
                *w.done.entry("edit").or_default() += 1;
            }
        }
        56..=63 => {
            let r = ops::cancel_order(store, &manager(), &number, "клиент передумал").await;
            if expect_rule(r, seed, &format!("{label} cancel")).is_some() {
                *w.done.entry("cancel").or_default() += 1;
            }
        }
        64..=85 => {
            // The packer packs what was reserved (what the shelf gave) and
            // short-ships the rest with a reason.
            let opened = ops::open_for_packing(store, &packer(), &number).await;
            if expect_rule(opened, seed, &format!("{label} open")).is_some() {
                let mut reserved: HashMap<String, i64> = HashMap::new();
                for line in &detail.lines {
                    if !reserved.contains_key(&line.sku) {
                        let r: i64 = reserved_for(store, &number, &line.sku).await;
                        reserved.insert(line.sku.clone(), r);
                    }
                }
                let fresh = ops::order_detail(store, &number).await.unwrap();
                // Half the time the packer finds every unit although the
                // books had fewer (shipping corrects them up, never below
                // zero); else only what was reserved.
                let everything = rng.below(2) == 0;
                for line in &fresh.lines {
                    let left = reserved.get_mut(&line.sku).unwrap();
                    let missing = (line.quantity - line.packed).max(0);
                    let want = if everything {
                        missing
                    } else {
                        missing.min(*left)
                    };
                    *left -= want;
                    for k in 0..want {
                        let id = format!("prop-{seed}-{n}-{}-{k}", line.id);
                        let code = &w.unit_code[&line.sku];
                        ops::record_scan(store, &packer(), &number, code, &id)
                            .await
                            .unwrap_or_else(|e| panic!("seed {seed}, {label} scan: {e}"));
                    }
                }
                let complete = ops::order_detail(store, &number)
                    .await
                    .unwrap()
                    .is_complete();
                let reason = (!complete).then_some("нет на полке");
                // Shipping short needs a supervisor: Мария approves it.
                let approval = (!complete).then(common::maria_approves);
                let r =
                    common::finish_approved(store, &packer(), &number, reason, approval.as_ref())
                        .await;
                if expect_rule(r, seed, &format!("{label} finish")).is_some() {
                    *w.done.entry("finish").or_default() += 1;
                }
            }
        }
        86..=91 => {
            // The back-ordered units (or, with none, one unit of a line)
            // follow as a linked order.
            let wanted = if detail.lines.iter().any(|l| l.backordered > 0) {
                Vec::new()
            } else {
                let l = &detail.lines[rng.below(detail.lines.len())];
                vec![packbench_core::ops::SplitLine {
                    line_id: l.id,
                    quantity: 1,
                }]
            };
            let r = ops::split_order(store, &manager(), &number, &wanted).await;
            if let Some(split) = expect_rule(r, seed, &format!("{label} split")) {
                w.orders.push(split.split.head.number);
                *w.done.entry("split").or_default() += 1;
            }
        }
        _ => {
            let r = ops::ship_order(
                store,
                &packer(),
                &number,
                "СДЭК",
                &format!("{:010}", 1_000_000_000 + n),
            )
            .await;
            if expect_rule(r, seed, &format!("{label} ship")).is_some() {
                *w.done.entry("ship").or_default() += 1;
                w.shipped.push(number.clone());
            }
        }
    }
    check_stock(store, seed, &label).await;
    let after = ops::order_detail(store, &number).await.unwrap();
    if matches!(
        after.head.status,
        OrderStatus::Shipped | OrderStatus::Cancelled
    ) {
        w.orders.retain(|o| o != &after.head.number);
    }
}

/// What the order holds reserved of this SKU.
async fn reserved_for(store: &Store, number: &str, sku: &str) -> i64 {
    let mut conn = store.pool().acquire().await.unwrap();
    sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(r.qty), 0) AS BIGINT) FROM reservations r \
         JOIN orders o ON o.id = r.order_id JOIN products p ON p.id = r.product_id \
         WHERE o.number = $1 AND p.sku = $2",
    )
    .bind(number)
    .bind(sku)
    .fetch_one(&mut *conn)
    .await
    .unwrap()
}

on_both_engines!(stock_stays_true_over_random_order_sequences, |db| {
    let store = db.store.clone().with_clock(clock());
    ops::load_demo(&store, &Actor::new("admin", "office", Role::Admin), 1)
        .await
        .unwrap();
    check_stock(&store, 0, "the demo").await;
    for spare in ["P-01", "P-02"] {
        ops::save_bin(
            &store,
            &Actor::new("admin", "office", Role::Admin),
            spare,
            "",
        )
        .await
        .unwrap();
    }
    let mut w = world(&store).await;
    let seed = std::env::var("PACKBENCH_PROPERTY_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5EED_0F57_0C00);
    let mut rng = Rng(seed);
    let wanted = sequences();
    let mut n = 0;
    while w.done.get("create").copied().unwrap_or(0) < wanted {
        step(&store, &mut rng, &mut w, seed, n).await;
        n += 1;
        assert!(
            n < wanted * 50,
            "seed {seed}: orders are not being created: {:?}",
            w.done
        );
    }
    eprintln!("{wanted} sequences, {n} steps: {:?}", w.done);
    for kind in [
        "create", "confirm", "edit", "cancel", "finish", "split", "ship", "receive", "move",
        "adjust", "count", "return",
    ] {
        assert!(
            w.done.get(kind).copied().unwrap_or(0) > 0,
            "no {kind} went through in {n} steps: {:?}",
            w.done
        );
    }
});
