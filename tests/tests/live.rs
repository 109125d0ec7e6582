//! Stations see each other live: a claim, a scan or a status change made
//! through one store (one station) reaches another store's change feed
//! (another station, or another window on the same machine) without
//! polling the orders: PostgreSQL's LISTEN/NOTIFY, SQLite's change counter.

mod common;

use common::{packer, supervisor, TestDb};
use packbench_core::domain::EventKind;
use packbench_core::ops::{self, Actor, ChangeFeed, Role};
use packbench_core::store::{events, Store};
use std::collections::BTreeSet;
use std::time::Duration;

/// Generous: a feed that says nothing for this long is broken, not slow
/// (the figures are in BENCHMARKS.md, "Live stations").
const NOTHING_FOR: Duration = Duration::from_secs(20);

async fn demo(db: &TestDb) -> Store {
    ops::load_demo(&db.store, &Actor::new("admin", "office", Role::Admin), 1)
        .await
        .unwrap();
    db.store.clone()
}

/// Reads the feed until every number in `want` was reported; panics with
/// what did arrive if the feed stays silent.
async fn wait_for(feed: &mut ChangeFeed, store: &Store, want: &[&str]) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    while !want.iter().all(|n| seen.contains(*n)) {
        match tokio::time::timeout(NOTHING_FOR, feed.next(store)).await {
            Ok(Ok(numbers)) => {
                assert!(!numbers.is_empty(), "the feed never wakes for nothing");
                seen.extend(numbers);
            }
            Ok(Err(e)) => panic!("the feed failed: {e}"),
            Err(_) => panic!("waited for {want:?}; the feed reported only {seen:?}"),
        }
    }
    seen
}

on_both_engines!(
    a_claim_a_scan_and_a_status_change_reach_another_station,
    |db| {
        let a = demo(&db).await;
        // Station B: its own connections to the same database.
        let b = Store::open(&db.target).await.unwrap();
        let mut feed = ChangeFeed::start(&b).await.unwrap();

        let me = packer("A1");
        ops::claim_order(&a, &me, "1001").await.unwrap();
        wait_for(&mut feed, &b, &["1001"]).await;

        let detail = ops::order_detail(&a, "1001").await.unwrap();
        let sku = &detail.lines[0].sku;
        let code = ops::product_by_sku(&a, sku).await.unwrap().barcodes[0]
            .code
            .clone();
        ops::record_scan(&a, &me, "1001", &code, "live-1")
            .await
            .unwrap();
        wait_for(&mut feed, &b, &["1001"]).await;

        let new: String =
            sqlx::query_scalar("SELECT number FROM orders WHERE status = 'new' LIMIT 1")
                .fetch_one(a.pool())
                .await
                .expect("the demo has a new order");
        ops::confirm_order(&a, &supervisor(), &new).await.unwrap();
        let seen = wait_for(&mut feed, &b, &[new.as_str()]).await;
        assert!(
            !seen.contains("1001"),
            "only the order that changed is named: {seen:?}"
        );
        feed.close().await;
        b.close().await;
    }
);

// The case a feed that reads "ids above the last one seen" loses on
// PostgreSQL: a transaction that took its event id first but commits
// last. Both orders are reported.
on_both_engines!(a_change_that_commits_late_is_not_lost, |db| {
    let a = demo(&db).await;
    let b = Store::open(&db.target).await.unwrap();
    let mut feed = ChangeFeed::start(&b).await.unwrap();
    let me = packer("A1");
    let ids: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, number FROM orders ORDER BY id LIMIT 2")
            .fetch_all(a.pool())
            .await
            .unwrap();
    let at = a.now_ms();

    let mut first = a.write().await.unwrap();
    events::record(
        &mut first,
        Some(ids[0].0),
        at,
        &me,
        EventKind::Claimed,
        None,
        None,
    )
    .await
    .unwrap();
    if a.engine() == packbench_core::store::Engine::Postgres {
        // SQLite has one writer at a time, so only PostgreSQL can interleave.
        let mut second = a.write().await.unwrap();
        events::record(
            &mut second,
            Some(ids[1].0),
            at,
            &me,
            EventKind::Claimed,
            None,
            None,
        )
        .await
        .unwrap();
        second.commit().await.unwrap();
        wait_for(&mut feed, &b, &[ids[1].1.as_str()]).await;
    }
    first.commit().await.unwrap();
    wait_for(&mut feed, &b, &[ids[0].1.as_str()]).await;
    feed.close().await;
    b.close().await;
});

/// `packbench-cli watch` is another station: it prints the order a second
/// CLI claims.
#[test]
fn the_cli_watch_prints_what_another_station_changed() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("live.db");
    let (code, _, err) = common::cli_run(&db, "office", &["init", "--demo"], "");
    assert_eq!(code, 0, "{err}");

    let mut watcher = std::process::Command::new(common::cli_binary())
        .arg("--db")
        .arg(&db)
        .args(["--station", "B", "--json", "watch", "--count", "1"])
        .env("PACKBENCH_USER", "olga")
        .env("PACKBENCH_PIN", "1111")
        .env("LANG", "ru_RU.UTF-8")
        .env("PACKBENCH_CONFIG", db.with_extension("station.json"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(watcher.stdout.take().unwrap()).lines();
    let ready = lines.next().expect("watch says it is watching").unwrap();
    assert!(ready.contains("watching"), "{ready}");

    let (code, _, err) = common::cli_run(&db, "A", &["pack", "claim", "1001"], "");
    assert_eq!(code, 0, "{err}");
    let change = lines.next().expect("watch prints the change").unwrap();
    let change: serde_json::Value = serde_json::from_str(&change).unwrap();
    assert_eq!(change["orders"], serde_json::json!(["1001"]), "{change}");
    let status = watcher.wait().unwrap();
    assert!(status.success(), "watch ends after --count 1 change");
}
