//! Marked goods (Честный ЗНАК) on a real database, SQLite and PostgreSQL: a
//! marked product packs only by its DataMatrix code, a code sells once
//! across every order, and the codes packed come out on the order, the
//! packing slip and the CSV export with their GS separators intact.

mod common;

use common::{clock, packer, TestDb};
use packbench_core::domain::scan::ScanOutcome;
use packbench_core::ops::{self, Actor, MarkingScope, Role};
use packbench_core::store::Store;

const MUG: &str = "4006381333931";
const CODE_A: &str = "0104006381333931215Qbag!\u{1d}93dGVz";
const CODE_B: &str = "0104006381333931215Qbaz!\u{1d}93dGVz";

fn admin() -> Actor {
    Actor::new("admin", "office", Role::Admin)
}

/// Mugs flagged as marked goods; order 3001 for 2 mugs, 3002 for 1.
async fn warehouse(db: &TestDb) -> Store {
    let store = db.store.clone().with_clock(clock());
    let products = "sku,name,weight_g,bin,barcodes,stock\n\
        PB-001,Кружка «Утро»,350,A-02,4006381333931,40\n";
    ops::import_products(&store, &admin(), products.as_bytes())
        .await
        .unwrap();
    let view = ops::product_by_sku(&store, "PB-001").await.unwrap();
    let input = ops::ProductInput {
        sku: view.sku,
        name: view.name,
        category: view.category,
        weight_g: view.weight_g,
        default_bin: view.default_bin,
        low_stock: view.low_stock,
        marked: true,
        barcodes: view.barcodes,
    };
    assert!(
        ops::save_product(&store, &admin(), &input, false)
            .await
            .unwrap()
            .marked
    );
    let orders =
        "number,channel,customer_name,currency,payment_status,sku,item_name,quantity,unit_price\n\
        3001,phone,Иванова Мария,RUB,paid,PB-001,Кружка,2,450\n\
        3002,phone,Петров Пётр,RUB,paid,PB-001,Кружка,1,450\n";
    ops::import_orders(
        &store,
        &admin(),
        orders.as_bytes(),
        packbench_core::exchange::OrderFormat::Packbench,
    )
    .await
    .unwrap();
    for n in ["3001", "3002"] {
        ops::confirm_order(&store, &admin(), n).await.unwrap();
    }
    store
}

async fn scan(store: &Store, station: &str, number: &str, code: &str, id: &str) -> ScanOutcome {
    ops::record_scan(store, &packer(station), number, code, id)
        .await
        .unwrap()
        .outcome
}

on_both_engines!(
    a_marked_item_packs_by_its_code_once_across_all_orders,
    |db| {
        let store = warehouse(&db).await;
        ops::claim_order(&store, &packer("station-1"), "3001")
            .await
            .unwrap();
        ops::claim_order(&store, &packer("station-2"), "3002")
            .await
            .unwrap();
        // Its EAN does not pack a marked mug.
        let ean = ops::record_scan(&store, &packer("station-1"), "3001", MUG, "e-1")
            .await
            .unwrap();
        assert!(
            matches!(ean.outcome, ScanOutcome::MarkingRequired { .. }),
            "{ean:?}"
        );
        assert!(ean.message.contains("DataMatrix"), "{}", ean.message);
        assert!(scan(&store, "station-1", "3001", CODE_A, "a-1")
            .await
            .is_accepted());
        // The same item again in the same box: an over-scan, as before.
        assert!(matches!(
            scan(&store, "station-1", "3001", CODE_A, "a-2").await,
            ScanOutcome::OverScan { .. }
        ));
        // The same item at the other table, for another order: refused.
        let used = scan(&store, "station-2", "3002", CODE_A, "b-1").await;
        assert_eq!(
            used,
            ScanOutcome::MarkingUsed {
                sku: "PB-001".into(),
                name: "Кружка «Утро»".into(),
                number: "3001".into()
            }
        );
        // Taken back out of 3001, the item may go to 3002.
        ops::undo_last_scan(&store, &packer("station-1"), "3001")
            .await
            .unwrap();
        assert!(scan(&store, "station-2", "3002", CODE_A, "b-2")
            .await
            .is_accepted());
        assert!(scan(&store, "station-1", "3001", CODE_B, "a-3")
            .await
            .is_accepted());

        // The codes on the order, byte for byte with the GS.
        let d = ops::order_detail(&store, "3002").await.unwrap();
        let codes: Vec<(&str, &str)> = d
            .marking_codes
            .iter()
            .map(|m| (m.sku.as_str(), m.code.as_str()))
            .collect();
        assert_eq!(codes, [("PB-001", CODE_A)]);
        // The CSV for the EDO operator keeps the GS inside the code's cell.
        let per_order = ops::packed_marking_codes(&store, &MarkingScope::Order("3001".into()))
            .await
            .unwrap();
        let csv = String::from_utf8(ops::marking_codes_csv(&per_order).unwrap()).unwrap();
        assert!(
            csv.starts_with("order,packed_at_utc,sku,gtin,serial,code\n"),
            "{csv}"
        );
        assert!(
            csv.contains(&format!(",PB-001,04006381333931,5Qbaz!,{CODE_B}\n")),
            "{csv:?}"
        );
        assert!(
            !csv.contains(CODE_A),
            "the code taken back out of 3001 is not on its list"
        );
        let day = store.now().with_timezone(&chrono::Local).date_naive();
        let per_day = ops::packed_marking_codes(&store, &MarkingScope::Day(day))
            .await
            .unwrap();
        assert_eq!(per_day.len(), 2);
    }
);

on_both_engines!(
    two_stations_packing_the_same_marked_item_at_once_pack_it_once,
    |db| {
        let store = warehouse(&db).await;
        ops::claim_order(&store, &packer("station-1"), "3001")
            .await
            .unwrap();
        ops::claim_order(&store, &packer("station-2"), "3002")
            .await
            .unwrap();
        let (a, b) = tokio::join!(
            scan(&store, "station-1", "3001", CODE_A, "r-1"),
            scan(&store, "station-2", "3002", CODE_A, "r-2")
        );
        assert!(
            a.is_accepted() != b.is_accepted(),
            "one physical item, one box: {a:?} {b:?}"
        );
        assert!(matches!(
            if a.is_accepted() { &b } else { &a },
            ScanOutcome::MarkingUsed { .. }
        ));
    }
);

on_both_engines!(the_packing_slip_lists_the_marking_codes, |db| {
    let store = warehouse(&db).await;
    let station = packer("station-1");
    ops::claim_order(&store, &station, "3001").await.unwrap();
    scan(&store, "station-1", "3001", CODE_A, "s-1").await;
    scan(&store, "station-1", "3001", CODE_B, "s-2").await;
    let settings = packbench_core::documents::DocumentSettings::for_kind(
        packbench_core::documents::DocumentKind::PackingSlip,
    );
    let pdf = ops::render_document(
        &store,
        packbench_core::documents::DocumentKind::PackingSlip,
        &ops::DocumentKey::Order {
            number: "3001".into(),
        },
        &settings,
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("slip.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", path.to_str().unwrap(), "-"])
        .env("LANG", "C.UTF-8")
        .output()
        .expect("pdftotext runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Коды маркировки"), "{text}");
    assert!(text.contains("0104006381333931215Qbag! 93dGVz"), "{text}");
    assert!(text.contains("0104006381333931215Qbaz! 93dGVz"), "{text}");
});
