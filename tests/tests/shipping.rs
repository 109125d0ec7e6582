//! Shipments on a real database, SQLite and PostgreSQL: an order leaves in
//! its cartons, each with the carrier's tracking number checked against the
//! carrier's pattern; a selection ships in bulk, one transaction per order;
//! the carrier's hand-over (manifest) lists every carton and closes them.

mod common;

use common::{clock, packer, TestDb};
use packbench_core::ops::{self, ShipRequest};
use packbench_core::store::Store;
use packbench_core::Error;

const MUG: &str = "4006381333931";
const KETTLE: &str = "4601234567893";

/// Orders 2001 (2 mugs, a kettle), 2002 and 2003 (a mug each), confirmed.
async fn warehouse(db: &TestDb) -> Store {
    let store = db.store.clone().with_clock(clock());
    common::mugs_and_kettles(&store).await;
    store
}

async fn scan(store: &Store, number: &str, code: &str, id: &str) {
    let r = ops::record_scan(store, &packer("station-1"), number, code, id)
        .await
        .unwrap();
    assert!(
        r.outcome.is_accepted() || r.message.contains("carton"),
        "{r:?}"
    );
}

/// 2001 packed into two cartons: the kettle in an L box, the mugs in an S.
async fn two_cartons(store: &Store) {
    let station = packer("station-1");
    ops::claim_order(store, &station, "2001").await.unwrap();
    scan(store, "2001", "BOX-L", "t-1").await;
    scan(store, "2001", KETTLE, "t-2").await;
    ops::close_carton(store, &station, "2001", Some("1.6 kg"), None, None)
        .await
        .unwrap();
    scan(store, "2001", "BOX-S", "t-3").await;
    scan(store, "2001", MUG, "t-4").await;
    scan(store, "2001", MUG, "t-5").await;
    common::finish(store, &station, "2001", None).await.unwrap();
}

fn words(e: Error) -> String {
    match e {
        Error::Invalid(m) | Error::Refused(m) | Error::Conflict(m) => m,
        other => panic!("expected a refusal with words, got {other:?}"),
    }
}

on_both_engines!(
    an_order_leaves_in_its_cartons_each_with_a_checked_tracking_number,
    |db| {
        let store = warehouse(&db).await;
        two_cartons(&store).await;
        let station = packer("station-1");
        let t = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        // Not the carrier's kind of number: refused, nothing shipped.
        let e = ops::ship_parcels(
            &store,
            &station,
            "2001",
            "cdek",
            &t(&["1084563217", "RA123456789RU"]),
        )
        .await
        .unwrap_err();
        let m = words(e);
        assert!(
            m.contains("RA123456789RU is not a СДЭК tracking number"),
            "{m}"
        );
        // Three numbers for two cartons: refused.
        let e = ops::ship_parcels(
            &store,
            &station,
            "2001",
            "СДЭК",
            &t(&["1084563217", "1084563218", "1084563219"]),
        )
        .await
        .unwrap_err();
        assert!(words(e).contains("leaves in 2 cartons"));
        assert_eq!(
            ops::order_detail(&store, "2001")
                .await
                .unwrap()
                .head
                .status
                .as_str(),
            "ready"
        );
        let shipped = ops::ship_parcels(
            &store,
            &station,
            "2001",
            "cdek",
            &t(&["1084563217", "1084563218"]),
        )
        .await
        .unwrap();
        assert_eq!(shipped.head.status.as_str(), "shipped");
        assert_eq!(
            shipped.head.carrier.as_deref(),
            Some("СДЭК"),
            "the carrier's name, not its code"
        );
        let cartons = ops::cartons_of(&store, "2001").await.unwrap();
        let parcels: Vec<(i64, Option<&str>, bool)> = cartons
            .iter()
            .map(|c| (c.seq, c.tracking_number.as_deref(), c.shipment_id.is_some()))
            .collect();
        assert_eq!(
            parcels,
            [(1, Some("1084563217"), true), (2, Some("1084563218"), true)]
        );
        // Stock left at that moment: 2 mugs and the kettle.
        let mug = ops::product_by_sku(&store, "PB-001").await.unwrap();
        assert_eq!(mug.stock[0].1, 38);
        // Never twice.
        let e = ops::ship_parcels(&store, &station, "2001", "cdek", &t(&["1084563217"]))
            .await
            .unwrap_err();
        assert!(words(e).contains("already shipped"));

        // One number for all cartons (a multi-piece waybill) is fine; a
        // carrier the store has not listed is kept as typed.
        ops::claim_order(&store, &station, "2002").await.unwrap();
        scan(&store, "2002", MUG, "u-1").await;
        common::finish(&store, &station, "2002", None)
            .await
            .unwrap();
        let own = ops::ship_order(&store, &station, "2002", "Курьер магазина", "K-17")
            .await
            .unwrap();
        assert_eq!(own.head.carrier.as_deref(), Some("Курьер магазина"));
    }
);

on_both_engines!(
    a_bulk_shipment_ships_what_it_can_and_says_why_not_for_the_rest,
    |db| {
        let store = warehouse(&db).await;
        two_cartons(&store).await;
        let station = packer("station-1");
        ops::claim_order(&store, &station, "2002").await.unwrap();
        scan(&store, "2002", MUG, "u-1").await;
        common::finish(&store, &station, "2002", None)
            .await
            .unwrap();
        let req = |n: &str, t: &[&str]| ShipRequest {
            number: n.into(),
            trackings: t.iter().map(|s| s.to_string()).collect(),
        };
        let report = ops::ship_bulk(
            &store,
            &station,
            "СДЭК",
            &[
                req("2001", &["1000000001", "1000000002"]),
                req("2002", &["CD-12"]),
                req("2003", &["1000000003"]),
                req("9999", &["1000000004"]),
            ],
        )
        .await
        .unwrap();
        assert_eq!(report.shipped, ["2001"]);
        let refused: Vec<&str> = report.refused.iter().map(|r| r.number.as_str()).collect();
        assert_eq!(refused, ["2002", "2003", "9999"]);
        assert!(report.refused[0]
            .reason
            .contains("not a СДЭК tracking number"));
        assert!(
            report.refused[1].reason.contains("confirmed"),
            "{}",
            report.refused[1].reason
        );
        // The refused one ships later with a right number.
        ops::ship_order(&store, &station, "2002", "СДЭК", "1000000005")
            .await
            .unwrap();
    }
);

on_both_engines!(
    the_hand_over_lists_every_carton_and_closes_them_for_the_courier,
    |db| {
        let store = warehouse(&db).await;
        two_cartons(&store).await;
        let station = packer("station-1");
        let t = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        ops::ship_parcels(
            &store,
            &station,
            "2001",
            "СДЭК",
            &t(&["1000000001", "1000000002"]),
        )
        .await
        .unwrap();
        let waiting = ops::waiting_handover(&store, "cdek").await.unwrap();
        assert_eq!(waiting.manifest_id, None);
        let rows: Vec<(&str, Option<&str>, i64)> = waiting
            .view
            .parcels
            .iter()
            .map(|p| (p.number.as_str(), p.tracking.as_deref(), p.units))
            .collect();
        assert_eq!(
            rows,
            [
                ("2001 (1/2)", Some("1000000001"), 1),
                ("2001 (2/2)", Some("1000000002"), 2)
            ]
        );
        // The declared value once, on the first carton; weights as weighed
        // (1.6 kg) or as expected (2 mugs and an S box).
        assert_eq!(waiting.view.parcels[0].value_minor, 340_000);
        assert_eq!(waiting.view.parcels[1].value_minor, 0);
        assert_eq!(waiting.view.parcels[0].weight_g, 1600);
        assert!(
            waiting.view.parcels[1].weight_g > 700,
            "{:?}",
            waiting.view.parcels[1]
        );
        // The day's manifest document shows the same parcels.
        let day = store.now().with_timezone(&chrono::Local).date_naive();
        let sheet = ops::manifest_view(&store, "СДЭК", day).await.unwrap();
        assert_eq!(sheet.parcels, waiting.view.parcels);

        let closed = ops::close_handover(&store, &station, "СДЭК").await.unwrap();
        let id = closed
            .manifest_id
            .expect("a closed hand-over has its number");
        assert_eq!(closed.view.parcels, waiting.view.parcels);
        assert!(ops::waiting_handover(&store, "СДЭК")
            .await
            .unwrap()
            .view
            .parcels
            .is_empty());
        let e = ops::close_handover(&store, &station, "СДЭК")
            .await
            .unwrap_err();
        assert!(words(e).contains("nothing shipped with СДЭК waits"));
        assert_eq!(
            ops::handover(&store, id).await.unwrap().view.parcels.len(),
            2
        );
    }
);

fn cli(db: &std::path::Path, args: &[&str], stdin: &str) -> (i32, String, String) {
    common::cli_run(db, "Стол 1", args, stdin)
}

#[test]
fn the_cli_ships_in_bulk_and_closes_the_hand_over() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ship.db");
    let (code, _, err) = cli(&db, &["init", "--demo"], "");
    assert_eq!(code, 0, "{err}");
    // The demo's packed orders wait for the hand-over.
    let (code, out, err) = cli(&db, &["--json", "orders", "list", "--status", "ready"], "");
    assert_eq!(code, 0, "{err}");
    let ready: Vec<String> = serde_json::from_str::<serde_json::Value>(&out)
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["number"].as_str().unwrap().to_string())
        .collect();
    assert!(ready.len() >= 2, "{ready:?}");
    let lines = format!(
        "# the evening's СДЭК parcels\n{} 1000000011\n{} 12-34\n",
        ready[0], ready[1]
    );
    let (code, out, err) = cli(&db, &["ship", "--bulk", "-", "--carrier", "cdek"], &lines);
    assert_eq!(code, 1, "one refused: exit code 1 ({err})");
    assert!(out.contains("1 shipped, 1 refused"), "{out}");
    assert!(
        out.contains(&format!("refused  {}", ready[1])) && out.contains("12-34"),
        "{out}"
    );
    let (code, out, err) = cli(&db, &["--json", "handover", "cdek", "--close"], "");
    assert_eq!(code, 0, "{err}");
    let h: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(h["manifest_id"].as_i64().is_some(), "{h}");
    let parcels = h["view"]["parcels"].as_array().unwrap();
    assert!(
        parcels.iter().any(|p| p["tracking"] == "1000000011"),
        "{parcels:?}"
    );
    let (code, _, err) = cli(&db, &["handover", "cdek", "--close"], "");
    assert_ne!(code, 0);
    assert!(err.contains("nothing shipped with СДЭК waits"), "{err}");
    // The closed hand-over's manifest, by its number, lists the parcel's
    // tracking number (read back by pdftotext).
    let id = h["manifest_id"].as_i64().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("manifest.pdf");
    let (code, _, err) = cli(
        &db,
        &[
            "print",
            "manifest",
            "--handover",
            &id,
            "--out",
            pdf.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(code, 0, "{err}");
    let text = std::process::Command::new("pdftotext")
        .args(["-layout", pdf.to_str().unwrap(), "-"])
        .env("LANG", "C.UTF-8")
        .output()
        .expect("pdftotext runs");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("1000000011") && text.contains("СДЭК"),
        "{text}"
    );
    let (code, _, err) = cli(
        &db,
        &[
            "print",
            "manifest",
            "--handover",
            "999",
            "--out",
            pdf.to_str().unwrap(),
        ],
        "",
    );
    assert_ne!(code, 0);
    assert!(err.contains("999"), "{err}");
}
