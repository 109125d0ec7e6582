//! Order imports larger than one write transaction (a chunk of 500
//! orders), on SQLite and PostgreSQL: every order whole or absent, an order
//! the database refuses reported at its row while the rest of its chunk is
//! kept, unknown SKUs named per order, and importing the file again adds
//! nothing, also after an order was renumbered.

mod common;

use common::clock;
use packbench_core::ops::{self, Actor, ImportKind, Role};
use packbench_core::store::Engine;
use std::sync::atomic::AtomicBool;

fn admin() -> Actor {
    Actor::new("admin", "office", Role::Admin)
}

/// `n` orders of two lines each (a known SKU and an unknown one); the
/// customer's name of order `bad` holds a NUL character, which PostgreSQL
/// refuses to store and SQLite keeps.
fn orders_file(n: usize, bad: usize) -> String {
    let mut csv = String::from("number,currency,customer_name,sku,quantity,unit_price\n");
    for i in 0..n {
        let name = if i == bad {
            "Анна\0Смирнова".to_string()
        } else {
            format!("Покупатель {i}")
        };
        csv.push_str(&format!("C{i:04},RUB,{name},PB-A,1,10.00\n"));
        csv.push_str(&format!("C{i:04},RUB,,PB-NEW,2,5.00\n"));
    }
    csv
}

async fn order_count(store: &packbench_core::store::Store) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM orders")
        .fetch_one(store.pool())
        .await
        .unwrap()
}

on_both_engines!(
    an_import_of_several_chunks_keeps_each_order_whole_and_adds_nothing_twice,
    |db| {
        let store = db.store.clone().with_clock(clock());
        ops::import_products(&store, &admin(), "sku,name\nPB-A,Кружка\n".as_bytes())
            .await
            .unwrap();
        // Three chunks; the order PostgreSQL refuses is in the second.
        let csv = orders_file(1_200, 700);
        let refused = store.engine() == Engine::Postgres;
        let mut steps = Vec::new();
        let first = ops::import_file(
            &store,
            &admin(),
            csv.as_bytes(),
            ImportKind::Packbench,
            &[],
            |done, total| steps.push((done, total)),
            &AtomicBool::new(false),
        )
        .await
        .unwrap();
        assert_eq!(
            steps,
            [(0, 1_200), (500, 1_200), (1_000, 1_200), (1_200, 1_200)],
            "progress after each chunk"
        );
        if refused {
            assert_eq!((first.imported, first.failed), (1_199, 1), "{first:?}");
            let e = &first.errors[0];
            assert_eq!(
                (e.row, e.order.as_deref()),
                (1_401, Some("C0700")),
                "the refused order is named at its first row: {e:?}"
            );
            assert!(
                ops::order_detail(&store, "C0700").await.is_err(),
                "a refused order is absent, not half there"
            );
        } else {
            assert_eq!(
                (first.imported, first.failed),
                (1_200, 0),
                "{:?}",
                first.errors
            );
        }
        assert_eq!(order_count(&store).await, first.imported as i64);
        // Each imported order is whole, its neighbours of the refused one
        // included, and warns about its unknown SKU at its own row.
        assert_eq!(first.warnings, first.imported, "one unknown SKU per order");
        for (number, row) in [
            ("C0000", 1),
            ("C0699", 1_399),
            ("C0701", 1_403),
            ("C1199", 2_399),
        ] {
            let o = ops::order_detail(&store, number).await.unwrap();
            assert_eq!(
                (o.lines.len(), o.units, o.total_minor),
                (2, 3, 2_000),
                "{number} is whole"
            );
            let w: Vec<_> = first
                .warning_details
                .iter()
                .filter(|w| w.order.as_deref() == Some(number))
                .collect();
            assert_eq!(w.len(), 1, "{number}: {w:?}");
            assert_eq!(w[0].row, row);
            assert!(w[0].message.contains("PB-NEW"), "{}", w[0].message);
        }

        // The same file again: nothing new, nothing doubled.
        let again = ops::import_file(
            &store,
            &admin(),
            csv.as_bytes(),
            ImportKind::Packbench,
            &[],
            |_, _| {},
            &AtomicBool::new(false),
        )
        .await
        .unwrap();
        let expected = if refused {
            (0, 1_199, 1)
        } else {
            (0, 1_200, 0)
        };
        assert_eq!(
            (again.imported, again.skipped, again.failed),
            expected,
            "{:?}",
            again.errors
        );
        assert_eq!(order_count(&store).await, first.imported as i64);

        // The import let go of its connection and its write lock: the next
        // write goes through.
        let p = ops::import_products(&store, &admin(), "sku,name\nPB-NEW,Блокнот\n".as_bytes())
            .await
            .unwrap();
        assert_eq!(p.imported, 1, "{p:?}");
    }
);

on_both_engines!(a_renumbered_order_imported_again_is_the_same_order, |db| {
    let store = db.store.clone().with_clock(clock());
    let file = "number,currency,customer_name,sku,quantity,unit_price\n\
                    7001,RUB,Анна Смирнова,PB-A,1,10.00\n\
                    7002,RUB,Олег Петров,PB-A,1,10.00\n";
    let first = ops::import_file(
        &store,
        &admin(),
        file.as_bytes(),
        ImportKind::Packbench,
        &[],
        |_, _| {},
        &AtomicBool::new(false),
    )
    .await
    .unwrap();
    assert_eq!(first.imported, 2, "{first:?}");
    // The office renumbers 7001; the shop's file still says 7001.
    let edit = packbench_core::domain::desk::OrderEdit {
        number: Some("7001-A".into()),
        ..Default::default()
    };
    ops::edit_order(&store, &admin(), "7001", &edit)
        .await
        .unwrap();
    let again = ops::import_file(
        &store,
        &admin(),
        file.replace("1,10.00\n7002", "3,10.00\n7002").as_bytes(),
        ImportKind::Packbench,
        &[],
        |_, _| {},
        &AtomicBool::new(false),
    )
    .await
    .unwrap();
    assert_eq!(
        (again.imported, again.updated, again.skipped),
        (0, 1, 1),
        "{again:?}"
    );
    assert_eq!(order_count(&store).await, 2, "no second 7001");
    let o = ops::order_detail(&store, "7001").await.unwrap();
    assert_eq!(
        (o.head.number.as_str(), o.units),
        ("7001-A", 3),
        "the renumbered order took the file's change and kept its new number"
    );
});
