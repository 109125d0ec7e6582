//! The demo day (`packbench-cli demo day`, ops::play_demo_day) on a real
//! database, SQLite and PostgreSQL: a working day of the demo warehouse
//! played through the ops by the demo's people, on its own clock. The test
//! reads what the day wrote straight from the events and the scan ledger
//! and checks that the day is the one promised (several packers at several
//! tables, stage times of minutes and hours, wrong scans, a short ship,
//! held orders left waiting), that the dashboard counts it as the history
//! says, and that a seed plays the same day twice.

mod common;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use packbench_core::domain::OrderStatus;
use packbench_core::ops::{self, Actor, Dashboard, DashboardQuery, DemoDay, Role, Stage};
use packbench_core::store::dashboard::{stage_bar, STAGE_EDGES_MINUTES};
use packbench_core::store::Store;
use packbench_core::Error;
use std::collections::BTreeMap;

const MOSCOW: i32 = 180;

fn admin() -> Actor {
    Actor::new("admin", "Офис", Role::Admin)
}

fn plan(seed: u64) -> DemoDay {
    DemoDay {
        date: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
        seed,
        orders: 60,
        utc_offset_minutes: MOSCOW,
    }
}

/// Midnight of the plan's day in Moscow, in UTC.
fn midnight() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-19T21:00:00Z")
        .unwrap()
        .to_utc()
}

fn the_day() -> DashboardQuery {
    DashboardQuery {
        from: midnight(),
        to: midnight() + Duration::days(1),
        channel: None,
        station: None,
        utc_offset_minutes: MOSCOW,
    }
}

/// What the events and the scan ledger say about the day, read here
/// without the dashboard's code: every stage's times (ms) and each
/// person's orders packed, units packed and refused scans.
struct History {
    spans: BTreeMap<&'static str, Vec<i64>>,
    packers: BTreeMap<String, [i64; 3]>,
}

async fn history(store: &Store) -> History {
    let (from, to) = (
        midnight().timestamp_millis(),
        (midnight() + Duration::days(1)).timestamp_millis(),
    );
    let events: Vec<(i64, i64, String, i64, i64)> = sqlx::query_as(
        "SELECT e.id, e.order_id, e.kind, e.at, o.created_at FROM events e \
         JOIN orders o ON o.id = e.order_id \
         WHERE e.kind IN ('confirmed', 'picked', 'packed', 'packed_short', 'shipped', 'delivered') \
         ORDER BY e.id",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    let mut by_order: BTreeMap<i64, Vec<(i64, String, i64, i64)>> = BTreeMap::new();
    for (id, order, kind, at, created) in events {
        by_order
            .entry(order)
            .or_default()
            .push((id, kind, at, created));
    }
    // A stage ends the first time its milestone is reached and starts at
    // the latest milestone before it (the order's creation for "confirm").
    let stages: [(&str, &[&str], &[&str]); 5] = [
        ("confirm", &["confirmed"], &[]),
        ("pick", &["picked"], &["confirmed"]),
        (
            "pack",
            &["packed", "packed_short"],
            &["confirmed", "picked"],
        ),
        ("ship", &["shipped"], &["packed", "packed_short"]),
        ("deliver", &["delivered"], &["shipped"]),
    ];
    let mut spans: BTreeMap<&'static str, Vec<i64>> = BTreeMap::new();
    for list in by_order.values() {
        for (stage, ends, starts) in stages {
            let Some(end) = list.iter().find(|e| ends.contains(&e.1.as_str())) else {
                continue;
            };
            if end.2 < from || end.2 >= to {
                continue;
            }
            let start = if stage == "confirm" {
                Some(end.3)
            } else {
                list.iter()
                    .filter(|e| e.0 < end.0 && starts.contains(&e.1.as_str()))
                    .map(|e| e.2)
                    .next_back()
            };
            if let Some(start) = start {
                spans.entry(stage).or_default().push(end.2 - start);
            }
        }
    }
    let mut packers: BTreeMap<String, [i64; 3]> = BTreeMap::new();
    let packed: Vec<(String,)> = sqlx::query_as(&format!(
        "SELECT user_name FROM events WHERE kind IN ('packed', 'packed_short') \
         AND at >= {from} AND at < {to}"
    ))
    .fetch_all(store.pool())
    .await
    .unwrap();
    for (name,) in packed {
        packers.entry(name).or_default()[0] += 1;
    }
    let scans: Vec<(String, i64, String)> = sqlx::query_as(&format!(
        "SELECT user_name, CAST(units AS BIGINT), outcome FROM scans \
         WHERE order_id IS NOT NULL AND at >= {from} AND at < {to}"
    ))
    .fetch_all(store.pool())
    .await
    .unwrap();
    for (name, units, outcome) in scans {
        let p = packers.entry(name).or_default();
        p[1] += units;
        if matches!(outcome.as_str(), "wrong_item" | "over_scan") {
            p[2] += 1;
        }
    }
    History { spans, packers }
}

/// The exact time of rank ⌈q·n⌉.
fn nearest_rank(ms: &[i64], q: f64) -> Option<i64> {
    let mut sorted = ms.to_vec();
    sorted.sort();
    let rank = ((q * sorted.len() as f64).ceil() as usize).max(1);
    sorted.get(rank - 1).copied()
}

async fn played(seed: u64) -> (common::TestDb, ops::DemoDaySummary, Dashboard) {
    let db = common::sqlite().await;
    ops::load_demo(&db.store, &admin(), 1).await.unwrap();
    let day = ops::play_demo_day(&db.store, &admin(), &plan(seed))
        .await
        .unwrap();
    let d = ops::dashboard(&db.store, &common::supervisor(), &the_day())
        .await
        .unwrap();
    (db, day, d)
}

on_both_engines!(
    a_demo_day_is_a_day_of_packing_and_the_dashboard_counts_it_as_the_events_say,
    |db| {
        let store = &db.store;
        ops::load_demo(store, &admin(), 1).await.unwrap();
        let day = ops::play_demo_day(store, &admin(), &plan(7)).await.unwrap();
        assert_eq!(day.orders.len(), 60, "{day:?}");
        assert_eq!(day.from, midnight());

        // Several packers at several tables, the demo's people.
        assert_eq!(
            day.packers,
            ["Анна Петрова", "Ольга Смирнова", "Мария Иванова"]
        );
        assert_eq!(day.stations, ["Стол 1", "Стол 2", "Стол 3"]);
        assert_eq!(day.short_shipped, 1, "one order went short: {day:?}");
        assert!(day.wrong_scans > 0, "some scans were refused: {day:?}");
        assert!(day.weighed_cartons > 0, "big orders went in two cartons");
        assert!(day.shipped > 0 && day.delivered > 0, "{day:?}");
        // Some orders stall, held with a reason.
        assert!(
            day.held
                .iter()
                .any(|h| h.status == OrderStatus::Confirmed && !h.reason.is_empty()),
            "a confirmed order is held: {:?}",
            day.held
        );

        let h = history(store).await;
        let d = ops::dashboard(store, &common::supervisor(), &the_day())
            .await
            .unwrap();

        // Each packer's orders, units and refused scans: exactly.
        let got: BTreeMap<String, [i64; 3]> = d
            .packers
            .iter()
            .map(|p| (p.name.clone(), [p.orders, p.units, p.wrong_scans]))
            .collect();
        assert_eq!(got, h.packers, "orders, units, wrong scans per packer");
        assert_eq!(
            h.packers.values().map(|p| p[0]).sum::<i64>(),
            day.packed as i64
        );
        let per_station: Vec<&str> = d.stations.iter().map(|s| s.name.as_str()).collect();
        for table in ["Стол 1", "Стол 2", "Стол 3"] {
            assert!(per_station.contains(&table), "{per_station:?}");
        }

        // Stage times: counts and bars exactly, the percentiles within the
        // bar of the exact ones, and minutes and hours long, not
        // milliseconds.
        for stage in Stage::ALL {
            let ms = h.spans.get(stage.as_str()).cloned().unwrap_or_default();
            let got = d.stages.iter().find(|s| s.stage == *stage).unwrap();
            assert_eq!(got.orders, ms.len() as i64, "{stage} orders");
            let mut bars = vec![0i64; STAGE_EDGES_MINUTES.len() + 1];
            for m in &ms {
                bars[stage_bar(*m)] += 1;
            }
            assert_eq!(got.histogram, bars, "{stage} histogram");
            for (q, shown) in [(0.5, got.median_seconds), (0.9, got.p90_seconds)] {
                match nearest_rank(&ms, q) {
                    None => assert_eq!(shown, None, "{stage}"),
                    Some(exact) => {
                        let shown = shown.unwrap();
                        assert_eq!(
                            stage_bar(shown * 1000),
                            stage_bar(exact),
                            "{stage} {q}: {shown} s is in the bar of the exact {exact} ms"
                        );
                    }
                }
            }
            assert!(got.orders > 0, "every stage happened: {stage}");
            assert!(
                got.median_seconds.unwrap() >= 60,
                "{stage} takes minutes: {got:?}"
            );
        }
        let ship = d.stages.iter().find(|s| s.stage == Stage::Ship).unwrap();
        assert!(
            ship.p90_seconds.unwrap() >= 3600,
            "parcels wait hours for the courier: {ship:?}"
        );

        // Packing spread over the working day, on the Moscow clock.
        let busy: Vec<i32> = d
            .hours
            .iter()
            .filter(|h| h.orders > 0)
            .map(|h| h.hour)
            .collect();
        assert!(busy.len() >= 6, "packing in many hours: {busy:?}");
        assert!(
            busy.iter().all(|h| (8..=18).contains(h)),
            "in working hours: {busy:?}"
        );
        assert_eq!(d.days.len(), 1);
        assert_eq!(d.days[0].created, 60);

        // The held orders stall, with their reasons.
        for held in &day.held {
            let stall = d.stalls.iter().find(|s| s.status == held.status).unwrap();
            let w = stall
                .orders
                .iter()
                .find(|w| w.number == held.number)
                .unwrap_or_else(|| panic!("{} waits in {:?}", held.number, stall));
            assert_eq!(w.hold_reason.as_deref(), Some(held.reason.as_str()));
        }
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_seed_plays_the_same_day_and_another_seed_another() {
    let (_a, day_a, d_a) = played(3).await;
    let (_b, day_b, d_b) = played(3).await;
    assert_eq!(day_a, day_b, "the same day");
    // The day's figures (the demo's own orders came in at the real time
    // each database was made, so what waits now differs by that).
    assert_eq!(d_a.stages, d_b.stages, "the same stage times");
    assert_eq!(d_a.packers, d_b.packers, "the same packers' work");
    assert_eq!(d_a.stations, d_b.stations, "the same stations' work");
    assert_eq!(d_a.hours, d_b.hours, "the same hours");
    assert_eq!(d_a.days, d_b.days, "the same day's counts");
    let (_c, day_c, _) = played(4).await;
    assert_ne!(day_a, day_c, "another seed, another day");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_demo_day_needs_the_demo_a_day_that_is_over_and_an_admin() {
    let db = common::sqlite().await;
    let e = ops::play_demo_day(&db.store, &admin(), &plan(1))
        .await
        .unwrap_err();
    assert!(
        matches!(e, Error::Refused(_)) && e.to_string().contains("init --demo"),
        "says to load the demo: {e}"
    );
    ops::load_demo(&db.store, &admin(), 1).await.unwrap();
    let today = DemoDay {
        date: Utc::now().date_naive() + Duration::days(1),
        ..plan(1)
    };
    let e = ops::play_demo_day(&db.store, &admin(), &today)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("not over yet"), "{e}");
    let none = DemoDay {
        orders: 0,
        ..plan(1)
    };
    assert!(matches!(
        ops::play_demo_day(&db.store, &admin(), &none).await,
        Err(Error::Invalid(_))
    ));
    match ops::play_demo_day(&db.store, &common::supervisor(), &plan(1)).await {
        Err(Error::Forbidden { .. }) => {}
        other => panic!("a supervisor played a demo day: {other:?}"),
    }
}
