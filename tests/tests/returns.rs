//! Returns on a real database, SQLite and PostgreSQL: a parcel found by its
//! number, tracking number or carton SSCC; its items back into a bin or
//! written off; the refund in the payment ledger; the order `returned` once
//! everything came back; a marked item's code free to sell again.

mod common;

use common::{clock, packer, TestDb};
use packbench_core::domain::scan::ScanOutcome;
use packbench_core::ops::{
    self, Actor, CartonSettings, ItemCondition, LedgerFilter, ReturnInput, ReturnItem,
    ReturnOutcome, Role,
};
use packbench_core::store::Store;
use packbench_core::Error;

const MUG: &str = "4006381333931";
const KETTLE: &str = "4601234567893";
const CODE_A: &str = "0104601234567893215Qbag!\u{1d}93dGVz";

fn admin() -> Actor {
    Actor::new("admin", "office", Role::Admin)
}

/// Order 2001 (2 mugs, a kettle) packed in one carton with an SSCC and
/// shipped with СДЭК 1084563217; 2002 (a mug) only confirmed.
async fn shipped(db: &TestDb) -> Store {
    let store = db.store.clone().with_clock(clock());
    let products = "sku,name,weight_g,bin,barcodes,stock\n\
        PB-001,Кружка «Утро»,350,A-02,4006381333931,40\n\
        PB-002,Чайник 1.7 л,1200,B-10,4601234567893,5\n";
    ops::import_products(&store, &admin(), products.as_bytes())
        .await
        .unwrap();
    let orders =
        "number,channel,customer_name,currency,payment_status,sku,item_name,quantity,unit_price\n\
        2001,phone,Иванова Мария,RUB,paid,PB-001,Кружка,2,450\n\
        2001,,,,,PB-002,Чайник,1,2500\n\
        2002,phone,Петров Пётр,RUB,paid,PB-002,Чайник,1,2500\n";
    ops::import_orders(
        &store,
        &admin(),
        orders.as_bytes(),
        packbench_core::exchange::OrderFormat::Packbench,
    )
    .await
    .unwrap();
    ops::set_carton_settings(
        &store,
        &admin(),
        &CartonSettings {
            company_prefix: Some("4600123".into()),
            ..CartonSettings::default()
        },
    )
    .await
    .unwrap();
    for n in ["2001", "2002"] {
        ops::confirm_order(&store, &admin(), n).await.unwrap();
    }
    common::pack_and_ship(&store, "2001", "СДЭК", "1084563217").await;
    store
}

fn item(
    code: &str,
    units: i64,
    condition: ItemCondition,
    bin: Option<&str>,
    reason: &str,
) -> ReturnItem {
    ReturnItem {
        code: code.into(),
        units,
        condition,
        bin: bin.map(str::to_string),
        reason: reason.into(),
    }
}

fn input(items: Vec<ReturnItem>, outcome: ReturnOutcome, refund: Option<&str>) -> ReturnInput {
    ReturnInput {
        items,
        outcome,
        refund: refund.map(str::to_string),
        method: "карта".into(),
        note: String::new(),
        exchange: Vec::new(),
    }
}

fn words(e: Error) -> String {
    match e {
        Error::Invalid(m) | Error::Refused(m) => m,
        other => panic!("expected a refusal with words, got {other:?}"),
    }
}

async fn on_hand(store: &Store, sku: &str, bin: &str) -> i64 {
    ops::product_by_sku(store, sku)
        .await
        .unwrap()
        .stock
        .iter()
        .find(|s| s.0 == bin)
        .map_or(0, |s| s.1)
}

on_both_engines!(
    a_return_puts_goods_back_refunds_and_closes_the_order_when_all_came_back,
    |db| {
        let store = shipped(&db).await;
        let desk = common::supervisor();
        // Found by its tracking number and by its carton's SSCC label.
        assert_eq!(
            ops::find_return(&store, "1084563217").await.unwrap(),
            "2001"
        );
        let sscc = ops::cartons_of(&store, "2001").await.unwrap()[0]
            .sscc
            .clone()
            .unwrap();
        assert_eq!(ops::find_return(&store, &sscc).await.unwrap(), "2001");
        assert_eq!(
            ops::find_return(&store, &format!("(00){sscc}"))
                .await
                .unwrap(),
            "2001"
        );
        assert!(words(ops::find_return(&store, "NOPE-1").await.unwrap_err()).contains("no order"));

        assert_eq!(on_hand(&store, "PB-001", "A-02").await, 38);
        let first = ops::receive_return(
            &store,
            &desk,
            "2001",
            &input(
                vec![item(MUG, 1, ItemCondition::Resellable, Some("A-02"), "")],
                ReturnOutcome::Refund,
                Some("450"),
            ),
        )
        .await
        .unwrap();
        assert!(!first.whole);
        assert_eq!(first.status.as_str(), "shipped");
        assert_eq!(first.refund_minor, 45_000);
        assert_eq!(on_hand(&store, "PB-001", "A-02").await, 39);
        let d = ops::order_detail(&store, "2001").await.unwrap();
        assert!(
            d.payments.iter().any(|p| p.amount_minor == 45_000),
            "{:?}",
            d.payments
        );
        assert!(d
            .events
            .iter()
            .any(|e| e.kind.as_str() == "return_received"));
        let ledger = ops::stock_ledger(
            &store,
            &LedgerFilter {
                sku: Some("PB-001".into()),
                limit: 1,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(
            (
                ledger[0].kind.as_str(),
                ledger[0].delta,
                ledger[0].order_number.as_deref()
            ),
            ("returned", 1, Some("2001"))
        );

        // The rest: a broken mug written off, the kettle back on its shelf.
        let rest = ops::receive_return(
            &store,
            &desk,
            "2001",
            &input(
                vec![
                    item(MUG, 1, ItemCondition::Damaged, None, "разбита в пути"),
                    item(KETTLE, 1, ItemCondition::Resellable, Some("B-10"), ""),
                ],
                ReturnOutcome::None,
                None,
            ),
        )
        .await
        .unwrap();
        assert!(rest.whole);
        assert_eq!(rest.status.as_str(), "returned");
        assert_eq!(
            on_hand(&store, "PB-001", "A-02").await,
            39,
            "the broken mug is not stock"
        );
        assert_eq!(on_hand(&store, "PB-002", "B-10").await, 5);
        let lines: Vec<(&str, &str, Option<&str>, &str)> = rest
            .lines
            .iter()
            .map(|l| {
                (
                    l.sku.as_str(),
                    l.condition.as_str(),
                    l.bin.as_deref(),
                    l.reason.as_str(),
                )
            })
            .collect();
        assert_eq!(
            lines,
            [
                ("PB-001", "damaged", None, "разбита в пути"),
                ("PB-002", "resellable", Some("B-10"), "")
            ]
        );
    }
);

on_both_engines!(
    a_return_of_what_was_not_shipped_is_refused_and_changes_nothing,
    |db| {
        let store = shipped(&db).await;
        let desk = common::supervisor();
        let cases = [
            // Not in the order at all (2002's kettle is, 2001 has one).
            (
                item(KETTLE, 2, ItemCondition::Resellable, Some("B-10"), ""),
                "fewer than 2",
            ),
            (
                item(
                    "4600000000015",
                    1,
                    ItemCondition::Resellable,
                    Some("B-10"),
                    "",
                ),
                "no product carries",
            ),
            (
                item(MUG, 1, ItemCondition::Resellable, None, ""),
                "which bin",
            ),
            (
                item(MUG, 1, ItemCondition::Resellable, Some("Z-9"), ""),
                "no bin",
            ),
            (
                item(MUG, 1, ItemCondition::Damaged, None, " "),
                "why the damaged",
            ),
        ];
        for (it, expected) in cases {
            let e = ops::receive_return(
                &store,
                &desk,
                "2001",
                &input(
                    vec![
                        item(MUG, 1, ItemCondition::Resellable, Some("A-02"), ""),
                        it,
                    ],
                    ReturnOutcome::None,
                    None,
                ),
            )
            .await
            .unwrap_err();
            let m = words(e);
            assert!(m.contains(expected), "{expected}: {m}");
        }
        // A refund without its amount; an order not shipped.
        let e = ops::receive_return(
            &store,
            &desk,
            "2001",
            &input(
                vec![item(MUG, 1, ItemCondition::Resellable, Some("A-02"), "")],
                ReturnOutcome::Refund,
                None,
            ),
        )
        .await
        .unwrap_err();
        assert!(words(e).contains("needs its amount"));
        let e = ops::receive_return(
            &store,
            &desk,
            "2002",
            &input(
                vec![item(KETTLE, 1, ItemCondition::Resellable, Some("B-10"), "")],
                ReturnOutcome::None,
                None,
            ),
        )
        .await
        .unwrap_err();
        assert!(words(e).contains("only a shipped order comes back"));
        // Nothing of the refused returns stayed: stock and the order as shipped.
        assert_eq!(on_hand(&store, "PB-001", "A-02").await, 38);
        let d = ops::order_detail(&store, "2001").await.unwrap();
        assert!(d.payments.iter().all(|p| p.kind.as_str() != "refund"));
        assert_eq!(d.head.status.as_str(), "shipped");
        // A picker does not take returns.
        let e = ops::receive_return(
            &store,
            &Actor::new("Пётр", "Склад", Role::Picker),
            "2001",
            &input(
                vec![item(MUG, 1, ItemCondition::Resellable, Some("A-02"), "")],
                ReturnOutcome::None,
                None,
            ),
        )
        .await
        .unwrap_err();
        assert!(matches!(e, Error::Forbidden { .. }), "{e:?}");
    }
);

on_both_engines!(
    an_exchange_is_a_new_confirmed_order_linked_to_the_return_with_its_stock_reserved,
    |db| {
        let store = shipped(&db).await;
        let desk = common::supervisor();
        let reserved = |v: &ops::ProductView| v.stock.iter().map(|s| s.2).sum::<i64>();
        let kettle_reserved = reserved(&ops::product_by_sku(&store, "PB-002").await.unwrap());
        // Replacement lines without an exchange, or of a product nobody
        // sells, are refused and change nothing.
        let mut wrong = input(
            vec![item(MUG, 1, ItemCondition::Resellable, Some("A-02"), "")],
            ReturnOutcome::None,
            None,
        );
        wrong.exchange = vec![ops::ExchangeLine {
            sku: "PB-002".into(),
            units: 1,
        }];
        let e = ops::receive_return(&store, &desk, "2001", &wrong).await;
        assert!(words(e.unwrap_err()).contains("for an exchange"));
        wrong.outcome = ReturnOutcome::Exchange;
        wrong.exchange[0].sku = "NO-SUCH".into();
        let e = ops::receive_return(&store, &desk, "2001", &wrong).await;
        assert!(words(e.unwrap_err()).contains("the exchange's new order"));
        assert_eq!(on_hand(&store, "PB-001", "A-02").await, 38);

        // A mug back on its shelf, exchanged for the same mug: a new order
        // at no charge, confirmed, its mug reserved.
        let same = ops::receive_return(
            &store,
            &desk,
            "2001",
            &input(
                vec![item(MUG, 1, ItemCondition::Resellable, Some("A-02"), "")],
                ReturnOutcome::Exchange,
                None,
            ),
        )
        .await
        .unwrap();
        let n = same.exchange_number.clone().expect("an exchange order");
        assert_ne!(n, "2001");
        let d = ops::order_detail(&store, &n).await.unwrap();
        assert_eq!(d.head.status.as_str(), "confirmed");
        assert_eq!(d.head.customer_name, "Иванова Мария");
        assert!(
            d.head.comment.contains("exchange for order 2001"),
            "{}",
            d.head.comment
        );
        let lines: Vec<(&str, i64, i64, i64)> = d
            .lines
            .iter()
            .map(|l| {
                (
                    l.sku.as_str(),
                    l.quantity,
                    l.unit_price_minor,
                    l.backordered,
                )
            })
            .collect();
        assert_eq!(lines, [("PB-001", 1, 0, 0)]);
        assert_eq!(on_hand(&store, "PB-001", "A-02").await, 39);
        // The old order's history names the new one.
        let old = ops::order_detail(&store, "2001").await.unwrap();
        let ev = old
            .events
            .iter()
            .find(|e| e.kind.as_str() == "return_received")
            .expect("a return event");
        assert!(
            ev.after
                .as_ref()
                .is_some_and(|a| a["exchange"] == n.as_str()),
            "{ev:?}"
        );

        // The kettle exchanged for another kettle: the explicit line.
        let mut other = input(
            vec![item(KETTLE, 1, ItemCondition::Damaged, None, "не греет")],
            ReturnOutcome::Exchange,
            None,
        );
        other.exchange = vec![ops::ExchangeLine {
            sku: "PB-002".into(),
            units: 1,
        }];
        let r = ops::receive_return(&store, &desk, "2001", &other)
            .await
            .unwrap();
        let k = r.exchange_number.unwrap();
        assert_ne!(k, n);
        assert_eq!(
            reserved(&ops::product_by_sku(&store, "PB-002").await.unwrap()),
            kettle_reserved + 1,
            "the new kettle is reserved for {k}"
        );
        // A packer takes returns but does not open orders: an exchange
        // needs someone who may.
        let e = ops::receive_return(
            &store,
            &packer("station-1"),
            "2001",
            &input(
                vec![item(MUG, 1, ItemCondition::Resellable, Some("A-02"), "")],
                ReturnOutcome::Exchange,
                None,
            ),
        )
        .await
        .unwrap_err();
        assert!(matches!(e, Error::Forbidden { .. }), "{e:?}");
    }
);

on_both_engines!(
    the_return_note_and_a_closed_hand_over_print_through_the_queue,
    |db| {
        use common::cups::{pdf_printer, require_queues, wait_for_pdf};
        use packbench_core::documents::{DocumentKind, PrintSettings};
        require_queues();
        let store = shipped(&db).await;
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let desk = Actor::new("Мария", format!("returns-{nanos}"), Role::Supervisor);
        let r = ops::receive_return(
            &store,
            &desk,
            "2001",
            &input(
                vec![item(MUG, 1, ItemCondition::Resellable, Some("A-02"), "")],
                ReturnOutcome::None,
                None,
            ),
        )
        .await
        .unwrap();
        let mut print = PrintSettings::default();
        print.return_note = print.return_note.on(pdf_printer());
        // With auto-print off nothing is queued.
        let off = PrintSettings {
            auto_print: false,
            ..print.clone()
        };
        let (none, run) = ops::print_after_return(&store, &desk, r.return_id, &off)
            .await
            .unwrap();
        assert!(none.is_empty());
        assert!(run.send().await.unwrap().is_empty());
        let (queued, run) = ops::print_after_return(&store, &desk, r.return_id, &print)
            .await
            .unwrap();
        assert_eq!(queued.len(), 1);
        assert_eq!(queued[0].kind, DocumentKind::ReturnNote);
        let sent = run.send().await.unwrap();
        assert_eq!(sent[0].status, ops::PrintStatus::Sent, "{:?}", sent[0]);
        let pdf = wait_for_pdf(&sent[0].title());
        assert!(std::fs::metadata(&pdf).unwrap().len() > 1000);
        let _ = std::fs::remove_file(&pdf);
        // The job is the order's: its print history lists the note.
        let jobs = ops::order_print_jobs(&store, "2001").await.unwrap();
        assert!(jobs.iter().any(|j| j.kind == DocumentKind::ReturnNote
            && j.key == ops::DocumentKey::Return { id: r.return_id }));

        // The carrier's hand-over closed, its manifest printed by number.
        let h = ops::close_handover(&store, &desk, "СДЭК").await.unwrap();
        let id = h.manifest_id.unwrap();
        let listed = ops::recent_handovers(&store, 10).await.unwrap();
        assert_eq!(
            (listed[0].id, listed[0].carrier.as_str(), listed[0].parcels),
            (id, "СДЭК", 1)
        );
        let job = ops::print_document(
            &store,
            &desk,
            DocumentKind::Manifest,
            &ops::DocumentKey::Handover { id },
            &print.manifest.clone().on(pdf_printer()),
        )
        .await
        .unwrap();
        assert_eq!(job.status, ops::PrintStatus::Sent, "{job:?}");
        let pdf = wait_for_pdf(&job.title());
        let _ = std::fs::remove_file(&pdf);
        // Retried later, the job still knows it is that hand-over's.
        let again = ops::retry_print_job(&store, &desk, job.id, None)
            .await
            .unwrap();
        assert_eq!(again.key, ops::DocumentKey::Handover { id });
        assert_eq!(again.status, ops::PrintStatus::Sent);
        let _ = std::fs::remove_file(wait_for_pdf(&again.title()));
        // A hand-over that does not exist is not queued.
        let e = ops::print_document(
            &store,
            &desk,
            DocumentKind::Manifest,
            &ops::DocumentKey::Handover { id: id + 100 },
            &print.manifest,
        )
        .await
        .unwrap_err();
        assert!(matches!(e, Error::NotFound { .. }), "{e:?}");
    }
);

on_both_engines!(a_marked_item_returned_resellable_may_be_sold_again, |db| {
    let store = db.store.clone().with_clock(clock());
    let products = "sku,name,weight_g,bin,barcodes,stock\n\
            PB-002,Чайник 1.7 л,1200,B-10,4601234567893,5\n";
    ops::import_products(&store, &admin(), products.as_bytes())
        .await
        .unwrap();
    let v = ops::product_by_sku(&store, "PB-002").await.unwrap();
    ops::save_product(
        &store,
        &admin(),
        &ops::ProductInput {
            sku: v.sku,
            name: v.name,
            category: v.category,
            weight_g: v.weight_g,
            default_bin: v.default_bin,
            low_stock: None,
            marked: true,
            barcodes: v.barcodes,
        },
        false,
    )
    .await
    .unwrap();
    let orders =
        "number,channel,customer_name,currency,payment_status,sku,item_name,quantity,unit_price\n\
            4001,phone,Иванова Мария,RUB,paid,PB-002,Чайник,1,2500\n\
            4002,phone,Петров Пётр,RUB,paid,PB-002,Чайник,1,2500\n";
    ops::import_orders(
        &store,
        &admin(),
        orders.as_bytes(),
        packbench_core::exchange::OrderFormat::Packbench,
    )
    .await
    .unwrap();
    for n in ["4001", "4002"] {
        ops::confirm_order(&store, &admin(), n).await.unwrap();
    }
    let st = packer("station-1");
    ops::claim_order(&store, &st, "4001").await.unwrap();
    let r = ops::record_scan(&store, &st, "4001", CODE_A, "k-1")
        .await
        .unwrap();
    assert!(r.outcome.is_accepted(), "{r:?}");
    common::finish(&store, &st, "4001", None).await.unwrap();
    ops::ship_order(&store, &st, "4001", "СДЭК", "1000000001")
        .await
        .unwrap();
    // Its EAN does not bring a marked kettle back; a code never packed in
    // 4001 does not either.
    let desk = common::supervisor();
    let e = ops::receive_return(
        &store,
        &desk,
        "4001",
        &input(
            vec![item(KETTLE, 1, ItemCondition::Resellable, Some("B-10"), "")],
            ReturnOutcome::None,
            None,
        ),
    )
    .await
    .unwrap_err();
    assert!(words(e).contains("DataMatrix"));
    let other = "0104601234567893215Qbaz!\u{1d}93dGVz";
    let e = ops::receive_return(
        &store,
        &desk,
        "4001",
        &input(
            vec![item(other, 1, ItemCondition::Resellable, Some("B-10"), "")],
            ReturnOutcome::None,
            None,
        ),
    )
    .await
    .unwrap_err();
    assert!(words(e).contains("was not shipped in order 4001"));
    // Before the return the code is sold: 4002 cannot pack it.
    let st2 = packer("station-2");
    ops::claim_order(&store, &st2, "4002").await.unwrap();
    let used = ops::record_scan(&store, &st2, "4002", CODE_A, "k-2")
        .await
        .unwrap();
    assert!(
        matches!(used.outcome, ScanOutcome::MarkingUsed { .. }),
        "{used:?}"
    );
    ops::receive_return(
        &store,
        &desk,
        "4001",
        &input(
            vec![item(CODE_A, 1, ItemCondition::Resellable, Some("B-10"), "")],
            ReturnOutcome::None,
            None,
        ),
    )
    .await
    .unwrap();
    let again = ops::record_scan(&store, &st2, "4002", CODE_A, "k-3")
        .await
        .unwrap();
    assert!(
        again.outcome.is_accepted(),
        "back on the shelf, the item sells again: {again:?}"
    );
    // 4001 came back whole: nothing more comes back from it.
    let e = ops::receive_return(
        &store,
        &desk,
        "4001",
        &input(
            vec![item(CODE_A, 1, ItemCondition::Damaged, None, "x")],
            ReturnOutcome::None,
            None,
        ),
    )
    .await
    .unwrap_err();
    assert!(words(e).contains("is returned"));
});

fn cli(db: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    common::cli_run(db, "Возвраты", args, "")
}

fn json(out: &str) -> serde_json::Value {
    common::cli_json(out)
}

#[test]
fn the_cli_takes_a_return_found_by_its_tracking_number() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("returns.db");
    let (code, _, err) = cli(&db, &["init", "--demo"]);
    assert_eq!(code, 0, "{err}");
    let (_, out, _) = cli(&db, &["--json", "orders", "list", "--status", "ready"]);
    let number = json(&out)[0]["number"].as_str().unwrap().to_string();
    let (code, _, err) = cli(
        &db,
        &[
            "ship",
            &number,
            "--carrier",
            "cdek",
            "--tracking",
            "1000000077",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let (_, out, _) = cli(&db, &["--json", "orders", "show", &number]);
    let order = json(&out);
    let line = &order["lines"][0];
    let sku = line["sku"].as_str().unwrap();
    let (_, out, _) = cli(&db, &["--json", "products", "show", sku]);
    let product = json(&out);
    let ean = product["barcodes"][0]["code"].as_str().unwrap().to_string();
    let bin = product["stock"][0][0].as_str().unwrap().to_string();
    let before = product["stock"][0][1].as_i64().unwrap();
    let (code, out, err) = cli(&db, &["return", "find", "1000000077"]);
    assert_eq!((code, out.trim()), (0, number.as_str()), "{err}");
    let (code, out, err) = cli(
        &db,
        &[
            "--json",
            "return",
            "receive",
            "1000000077",
            "--item",
            &format!("{ean} resellable {bin}"),
            "--outcome",
            "refund",
            "--refund",
            "100",
            "--method",
            "карта",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let r = json(&out);
    assert_eq!(r["number"], number.as_str());
    assert_eq!(r["refund_minor"], 10_000);
    // The note went into the print queue as the app's would; this station
    // has no printer chosen, so it waits there and says why.
    let job = &r["print_jobs"][0];
    assert_eq!(
        (job["kind"].as_str(), job["status"].as_str()),
        (Some("return_note"), Some("queued")),
        "{r}"
    );
    assert!(
        job["message"].as_str().unwrap().contains("no printer"),
        "{job}"
    );
    let (_, out, _) = cli(&db, &["--json", "products", "show", sku]);
    let after = json(&out)["stock"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s[0] == bin.as_str())
        .map(|s| s[1].as_i64().unwrap())
        .unwrap();
    assert_eq!(after, before + 1, "the returned unit is back in {bin}");
    // The return note, in Russian, read back by pdftotext.
    let id = r["return_id"].as_i64().unwrap().to_string();
    let pdf = dir.path().join("note.pdf");
    let (code, _, err) = cli(
        &db,
        &["return", "note", &id, "--out", pdf.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{err}");
    let text = std::process::Command::new("pdftotext")
        .args(["-layout", pdf.to_str().unwrap(), "-"])
        .env("LANG", "C.UTF-8")
        .output()
        .expect("pdftotext runs");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains(&format!("Акт возврата товара № {id} по заказу {number}")),
        "{text}"
    );
    assert!(
        text.contains(sku) && text.contains("годен к продаже") && text.contains(&bin),
        "{text}"
    );
    assert!(
        text.contains("возврат денег") && text.contains("100"),
        "{text}"
    );
    // A line the CLI cannot read is a usage error that names the form.
    let (code, _, err) = cli(&db, &["return", "receive", &number, "--item", "justacode"]);
    assert_eq!(code, 2);
    assert!(err.contains("resellable BIN"), "{err}");
}
