//! Bad stored data is an error that says what is wrong and where, never a
//! silent default: a row damaged by hand (or by a bug) is found out, not
//! printed on an invoice or shown as 1970.

mod common;

use common::{clock, packer, supervisor, TestDb};
use packbench_core::documents::{DocumentKind, DocumentSettings, Seller};
use packbench_core::ops::{self, Actor, DocumentKey, Role};
use packbench_core::store::Store;
use packbench_core::Error;

async fn demo(db: &TestDb) -> Store {
    let store = db.store.clone().with_clock(clock());
    ops::load_demo(&store, &Actor::new("admin", "office", Role::Admin), 1)
        .await
        .unwrap();
    store
}

/// Damages the database behind the app's back, as a hand edit would.
async fn damage(store: &Store, sql: &str) {
    sqlx::query(sql)
        .execute(store.pool())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

fn assert_damaged(e: &Error, names: &str) {
    let text = e.to_string();
    assert!(
        matches!(e, Error::Damaged(_)) && text.contains(names),
        "a Damaged error naming {names}: {text}"
    );
}

on_both_engines!(a_scan_verdict_that_cannot_be_read_back_is_an_error, |db| {
    let store = demo(&db).await;
    let me = packer("S1");
    ops::claim_order(&store, &me, "1001").await.unwrap();
    ops::record_scan(&store, &me, "1001", "0000000000000", "retry-me")
        .await
        .unwrap();
    damage(
        &store,
        "UPDATE scans SET detail = 'garbage' WHERE scan_id = 'retry-me'",
    )
    .await;
    let retried = ops::record_scan(&store, &me, "1001", "0000000000000", "retry-me")
        .await
        .unwrap_err();
    assert_damaged(&retried, "scans.detail");
});

on_both_engines!(a_damaged_seller_record_stops_the_invoice, |db| {
    let store = demo(&db).await;
    damage(
        &store,
        "UPDATE settings SET value = '{\"name\": 5' WHERE key = 'seller'",
    )
    .await;
    let invoice = ops::render_document(
        &store,
        DocumentKind::Invoice,
        &DocumentKey::order("1001"),
        &DocumentSettings::for_kind(DocumentKind::Invoice),
    )
    .await
    .unwrap_err();
    assert_damaged(&invoice, "seller");
    let seller = ops::seller(&store).await.unwrap_err();
    assert_damaged(&seller, "seller");
    // Setting the details again repairs it.
    ops::set_seller(&store, &supervisor(), &Seller::demo())
        .await
        .unwrap();
    assert_eq!(ops::seller(&store).await.unwrap(), Seller::demo());
});

on_both_engines!(a_print_job_with_a_bad_day_is_not_read_as_1970, |db| {
    let store = demo(&db).await;
    let job = ops::print_document(
        &store,
        &packer("S1"),
        DocumentKind::Manifest,
        &DocumentKey::Manifest {
            carrier: "СДЭК".into(),
            date: chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
        },
        &DocumentSettings::for_kind(DocumentKind::Manifest),
    )
    .await
    .unwrap();
    damage(
        &store,
        &format!(
            "UPDATE print_jobs SET day = '20.11.2026' WHERE id = {}",
            job.id
        ),
    )
    .await;
    let queue = ops::print_jobs(&store, 10).await.unwrap_err();
    assert_damaged(&queue, "print_jobs.day");
});

on_both_engines!(a_time_no_calendar_holds_is_an_error_not_the_epoch, |db| {
    let store = demo(&db).await;
    damage(
        &store,
        "UPDATE orders SET created_at = 9000000000000000000 WHERE number = '1001'",
    )
    .await;
    let detail = ops::order_detail(&store, "1001").await.unwrap_err();
    assert_damaged(&detail, "created_at");
    // Other orders still open.
    assert!(ops::order_detail(&store, "1002").await.is_ok());
});

on_both_engines!(an_event_kind_the_code_does_not_know_is_named, |db| {
    let store = demo(&db).await;
    damage(
        &store,
        "UPDATE events SET kind = 'teleported' WHERE order_id = (SELECT id FROM orders WHERE number = '1001')",
    )
    .await;
    let detail = ops::order_detail(&store, "1001").await.unwrap_err();
    assert_damaged(&detail, "teleported");
});
