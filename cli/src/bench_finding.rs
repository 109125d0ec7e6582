//! `bench --suite finding`: the named filter queries, group counts, export
//! and import on the generated warehouse (issue 10's figures in
//! BENCHMARKS.md). The list of queries is committed here: each is a
//! function of the run index, so the first pass meets 300 different
//! parameter values (cold) and the second the same ones again (warm).

use super::bench::Sample;
use super::Failure;
use packbench_core::documents::Lang;
use packbench_core::domain::{OrderStatus, PaymentStatus};
use packbench_core::ops::{
    self, Actor, ExportFormat, ExportRequest, ExportRows, GroupBy, ImportKind, OrderFilter, Role,
};
use packbench_core::store::bulk::{synthetic_order_number, synthetic_sku, CHANNELS, DELIVERY};
use packbench_core::store::{DbTarget, Store};
use std::time::Instant;

const DAY_MS: i64 = 86_400_000;

/// One named query: the filter for run `k` of `n` generated orders, given
/// the database's "now".
pub struct Query {
    pub name: &'static str,
    pub filter: fn(k: usize, orders: usize, now: i64) -> OrderFilter,
}

fn f() -> OrderFilter {
    OrderFilter {
        limit: 50,
        ..Default::default()
    }
}

fn customer_word(k: usize, orders: usize, part: usize) -> String {
    let i = (k * 104_729) % orders;
    let (name, email, phone, _) = packbench_core::demo::customer(i);
    match part {
        0 => name.split_whitespace().next().unwrap_or(&name).to_string(),
        1 => email,
        _ => phone,
    }
}

/// The committed list: single filters (the least selective too) and the
/// combinations a manager uses.
pub const QUERIES: &[Query] = &[
    Query {
        name: "customer surname",
        filter: |k, n, _| OrderFilter {
            search: Some(customer_word(k, n, 0)),
            ..f()
        },
    },
    Query {
        name: "customer e-mail",
        filter: |k, n, _| OrderFilter {
            search: Some(customer_word(k, n, 1)),
            ..f()
        },
    },
    Query {
        name: "customer phone as written in the order",
        filter: |k, n, _| OrderFilter {
            search: Some(customer_word(k, n, 2)),
            ..f()
        },
    },
    Query {
        name: "order number",
        filter: |k, n, _| OrderFilter {
            search: Some(synthetic_order_number((k * 7_919) % n)),
            ..f()
        },
    },
    Query {
        name: "created in the last year (nearly every order)",
        filter: |_, _, now| OrderFilter {
            created_from: Some(now - 365 * DAY_MS),
            ..f()
        },
    },
    Query {
        name: "created on one day",
        filter: |k, _, now| {
            let day = now - (1 + (k % 300) as i64) * DAY_MS;
            OrderFilter {
                created_from: Some(day),
                created_to: Some(day + DAY_MS),
                ..f()
            }
        },
    },
    Query {
        name: "paid",
        filter: |_, _, _| OrderFilter {
            payment: vec![PaymentStatus::Paid],
            ..f()
        },
    },
    Query {
        name: "status confirmed",
        filter: |_, _, _| OrderFilter {
            statuses: vec![OrderStatus::Confirmed],
            ..f()
        },
    },
    Query {
        name: "channel",
        filter: |k, _, _| OrderFilter {
            channels: vec![CHANNELS[k % CHANNELS.len()].to_string()],
            ..f()
        },
    },
    Query {
        name: "delivery method",
        filter: |k, _, _| OrderFilter {
            delivery_methods: vec![DELIVERY[k % DELIVERY.len()].to_string()],
            ..f()
        },
    },
    Query {
        name: "total between two amounts",
        filter: |k, _, _| OrderFilter {
            total_min: Some(format!("{}", 2_000 + (k % 50) * 100)),
            total_max: Some(format!("{}", 2_100 + (k % 50) * 100)),
            ..f()
        },
    },
    Query {
        name: "delivery cost at least 550",
        filter: |_, _, _| OrderFilter {
            delivery_cost_min: Some("550".into()),
            ..f()
        },
    },
    Query {
        name: "10 units or more",
        filter: |_, _, _| OrderFilter {
            units_min: Some(10),
            ..f()
        },
    },
    Query {
        name: "product by SKU",
        filter: |k, _, _| OrderFilter {
            product: Some(synthetic_sku((k * 337) % 100_000)),
            ..f()
        },
    },
    Query {
        name: "paid, by СДЭК, in the last 30 days",
        filter: |_, _, now| OrderFilter {
            payment: vec![PaymentStatus::Paid],
            delivery_methods: vec!["СДЭК".into()],
            created_from: Some(now - 30 * DAY_MS),
            ..f()
        },
    },
    Query {
        name: "awaiting payment, over 5000, last 90 days",
        filter: |_, _, now| OrderFilter {
            payment: vec![PaymentStatus::AwaitingPayment],
            total_min: Some("5000".into()),
            created_from: Some(now - 90 * DAY_MS),
            ..f()
        },
    },
    Query {
        name: "customer surname, paid, by a channel",
        filter: |k, n, _| OrderFilter {
            search: Some(customer_word(k, n, 0)),
            payment: vec![PaymentStatus::Paid],
            channels: vec![CHANNELS[k % CHANNELS.len()].to_string()],
            ..f()
        },
    },
];

/// Runs each named query 300 times cold (300 different values) and warm
/// (the same again): p99 goal 50 ms with the first page of 50 rows.
pub async fn filters(store: &Store, label: &str, orders: usize) -> Result<Vec<String>, Failure> {
    let now = store.now_ms();
    let mut rows = Vec::new();
    for q in QUERIES {
        let mut cold = Sample::new(format!("{label}: filter «{}», cold", q.name));
        let mut warm = Sample::new(format!("{label}: filter «{}», warm", q.name));
        for pass in 0..2 {
            for k in 0..300 {
                let filter = (q.filter)(k, orders, now);
                let t = Instant::now();
                let found = ops::list_orders(store, &filter).await?;
                let took = t.elapsed();
                if found.is_empty() && pass == 0 && k == 0 {
                    eprintln!("  note: «{}» found nothing for run 0", q.name);
                }
                if pass == 0 {
                    cold.times.push(took);
                } else {
                    warm.times.push(took);
                }
            }
        }
        rows.push(cold.row());
        rows.push(warm.row());
    }
    Ok(rows)
}

/// Group counts over every order and over the last 30 days (read from the
/// hourly counts), and over the paid orders (counted from the orders, as
/// every filter the hourly counts do not keep is); goal p99 200 ms.
pub async fn groups(store: &Store, label: &str, runs: usize) -> Result<Vec<String>, Failure> {
    let now = store.now_ms();
    let mut rows = Vec::new();
    let month = OrderFilter {
        created_from: Some(now - 30 * DAY_MS),
        ..Default::default()
    };
    let paid_month = OrderFilter {
        payment: vec![PaymentStatus::Paid],
        ..month.clone()
    };
    for (scope, filter) in [
        ("all orders", OrderFilter::default()),
        ("last 30 days", month),
        ("paid, last 30 days", paid_month),
    ] {
        for by in GroupBy::ALL {
            let mut s = Sample::new(format!("{label}: group by {} ({scope})", by.as_str()));
            for _ in 0..runs {
                let t = Instant::now();
                ops::group_orders(store, &filter, *by, 180).await?;
                s.times.push(t.elapsed());
            }
            rows.push(s.row());
        }
    }
    Ok(rows)
}

/// The query plans of the filters, for BENCHMARKS.md.
pub async fn plans(store: &Store, orders: usize) -> Result<String, Failure> {
    let now = store.now_ms();
    let mut out = String::new();
    for q in QUERIES {
        let filter = (q.filter)(1, orders, now);
        let plan = ops::explain_orders(store, &filter).await?;
        out.push_str(&format!("-- {}\n{}\n\n", q.name, plan.join("\n")));
    }
    Ok(out)
}

/// Exports the last 30 days (about 80,000 orders of a million) both ways.
pub async fn export(store: &Store, label: &str) -> Result<Vec<String>, Failure> {
    let now = store.now_ms();
    let actor = Actor::new("bench", "bench", Role::Admin);
    let mut rows = Vec::new();
    for format in [ExportFormat::Csv, ExportFormat::Xlsx] {
        let request = ExportRequest {
            filter: OrderFilter {
                created_from: Some(now - 30 * DAY_MS),
                ..Default::default()
            },
            format,
            rows: ExportRows::Lines,
            lang: Lang::Ru,
            utc_offset_minutes: 180,
        };
        let t = Instant::now();
        let e = ops::export_orders(store, &actor, &request, |_, _| {}).await?;
        let took = t.elapsed();
        let mut s = Sample::new(format!(
            "{label}: export {} orders ({} lines) to {}, {:.1} MB",
            e.orders,
            e.rows,
            format.as_str(),
            e.bytes.len() as f64 / 1e6
        ));
        s.times.push(took);
        rows.push(s.row());
    }
    Ok(rows)
}

/// Imports 100,000 order lines (Packbench CSV, 40,000 orders) into a new
/// database; goal under 10 s on SQLite.
pub async fn import(target: &DbTarget, label: &str) -> Result<Vec<String>, Failure> {
    let store = Store::open(target).await?;
    let actor = Actor::new("bench", "bench", Role::Admin);
    let mut products = String::from("sku,name,category\n");
    for p in 0..2_000 {
        products.push_str(&format!("{},Товар {p},Кат {}\n", synthetic_sku(p), p % 12));
    }
    ops::import_products(&store, &actor, products.as_bytes()).await?;
    let mut csv = String::from(
        "number,channel,created_at,customer_name,email,phone,delivery_method,delivery_cost,currency,payment_status,sku,item_name,quantity,unit_price\n",
    );
    let mut lines = 0usize;
    let mut order = 0usize;
    while lines < 100_000 {
        let (name, email, phone, _) = packbench_core::demo::customer(order);
        for l in 0..(1 + order % 4).min(100_000 - lines) {
            let p = (order * 7 + l * 13) % 2_000;
            if l == 0 {
                csv.push_str(&format!(
                    "I{order:06},web,2026-10-01T10:00:00+03:00,\"{name}\",{email},{phone},СДЭК,300,RUB,paid,{},Товар {p},{},450.00\n",
                    synthetic_sku(p),
                    1 + l % 3
                ));
            } else {
                csv.push_str(&format!(
                    "I{order:06},,,,,,,,,,{},Товар {p},{},450.00\n",
                    synthetic_sku(p),
                    1 + l % 3
                ));
            }
            lines += 1;
        }
        order += 1;
    }
    let t = Instant::now();
    let summary = ops::import_file(
        &store,
        &actor,
        csv.as_bytes(),
        ImportKind::Packbench,
        &[],
        |_, _| {},
        &std::sync::atomic::AtomicBool::new(false),
    )
    .await?;
    let took = t.elapsed();
    store.close().await;
    let mut s = Sample::new(format!(
        "{label}: import {lines} order lines ({} orders, {:.1} MB CSV)",
        summary.imported,
        csv.len() as f64 / 1e6
    ));
    s.times.push(took);
    Ok(vec![s.row()])
}
