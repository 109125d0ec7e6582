//! Stock control on a real database, SQLite and PostgreSQL: receiving by
//! scanning, moves between bins, adjustments with reasons, cycle counts
//! approved by a supervisor, the ledger and the re-order list. After every
//! operation on hand is the sum of the stock ledger.

mod common;

use common::{clock, packer, TestDb};
use packbench_core::ops::{self, Actor, AdjustReason, LedgerFilter, Role};
use packbench_core::store::Store;
use packbench_core::Error;

const MUG: &str = "4006381333931";
const MUG_CASE: &str = "14006381333938";
const KETTLE: &str = "4601234567893";

fn admin() -> Actor {
    Actor::new("admin", "office", Role::Admin)
}

fn picker() -> Actor {
    Actor::new("Пётр", "Склад 1", Role::Picker)
}

/// Mugs (a case barcode of 6) with 10 in A-02, kettles with 5 in B-10, an
/// empty bin C-01; order 2001 for 4 mugs, confirmed (reserved from A-02).
async fn warehouse(db: &TestDb) -> Store {
    let store = db.store.clone().with_clock(clock());
    let products = "sku,name,weight_g,bin,barcodes,stock\n\
        PB-001,Кружка «Утро»,350,A-02,4006381333931;14006381333938*6,10\n\
        PB-002,Чайник 1.7 л,1200,B-10,4601234567893,5\n";
    let p = ops::import_products(&store, &admin(), products.as_bytes())
        .await
        .unwrap();
    assert_eq!(p.imported, 2, "{:?}", p.errors);
    ops::save_bin(&store, &admin(), "C-01", "Стеллаж C, полка 1")
        .await
        .unwrap();
    let orders =
        "number,channel,customer_name,currency,payment_status,sku,item_name,quantity,unit_price\n\
        2001,phone,Иванова Мария,RUB,paid,PB-001,Кружка,4,450\n";
    let o = ops::import_orders(
        &store,
        &admin(),
        orders.as_bytes(),
        packbench_core::exchange::OrderFormat::Packbench,
    )
    .await
    .unwrap();
    assert_eq!(o.imported, 1, "{:?}", o.errors);
    ops::confirm_order(&store, &admin(), "2001").await.unwrap();
    store
}

/// (on hand, reserved) of a product in a bin.
async fn level(store: &Store, sku: &str, bin: &str) -> (i64, i64) {
    let p = ops::product_by_sku(store, sku).await.unwrap();
    p.stock
        .iter()
        .find(|s| s.0 == bin)
        .map_or((0, 0), |s| (s.1, s.2))
}

/// On hand equals the ledger's sum for every product and bin, and no bin
/// is negative or holds less than its orders reserved.
async fn ledger_is_true(store: &Store) {
    let mut conn = store.pool().acquire().await.unwrap();
    let wrong: Vec<(i64, String, i64, i64)> = sqlx::query_as(
        "SELECT s.product_id, s.bin, s.on_hand, \
           CAST(COALESCE((SELECT SUM(m.delta) FROM stock_moves m \
              WHERE m.product_id = s.product_id AND m.bin = s.bin), 0) AS BIGINT) \
         FROM stock s WHERE s.on_hand <> COALESCE((SELECT SUM(m.delta) FROM stock_moves m \
              WHERE m.product_id = s.product_id AND m.bin = s.bin), 0) \
           OR s.on_hand < 0 OR s.reserved > s.on_hand",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    assert!(wrong.is_empty(), "stock rows off the ledger: {wrong:?}");
}

fn words(e: Error) -> String {
    match e {
        Error::Refused(m) | Error::Invalid(m) => m,
        other => panic!("expected a refusal with words, got {other:?}"),
    }
}

on_both_engines!(
    receiving_by_scanning_counts_cases_and_every_scan_once,
    |db| {
        let store = warehouse(&db).await;
        let p = picker();
        let r = ops::receive_stock(&store, &p, "C-01", MUG, 1, "r-1")
            .await
            .unwrap();
        assert_eq!((r.units, r.bins[0].on_hand), (1, 1));
        // A case barcode counts its six; --times 2 two cases.
        let r = ops::receive_stock(&store, &p, "C-01", MUG_CASE, 2, "r-2")
            .await
            .unwrap();
        assert_eq!(r.units, 12);
        assert!(r.message.contains("+12 into C-01"), "{}", r.message);
        assert_eq!(level(&store, "PB-001", "C-01").await, (13, 0));
        // The scanner's retry of the same scan books nothing more.
        let again = ops::receive_stock(&store, &p, "C-01", MUG_CASE, 2, "r-2")
            .await
            .unwrap();
        assert!(again.duplicate);
        assert_eq!(level(&store, "PB-001", "C-01").await, (13, 0));
        // A SKU typed by hand is a unit.
        ops::receive_stock(&store, &p, "B-10", "PB-002", 1, "r-3")
            .await
            .unwrap();
        assert_eq!(level(&store, "PB-002", "B-10").await, (6, 0));

        // Bad input changes nothing and says what to do.
        let e = ops::receive_stock(&store, &p, "Z-99", MUG, 1, "r-4")
            .await
            .unwrap_err();
        assert!(words(e).contains("no bin \"Z-99\""));
        let e = ops::receive_stock(&store, &p, "C-01", "4600000000015", 1, "r-5")
            .await
            .unwrap_err();
        assert!(words(e).contains("no product carries"));
        let e = ops::receive_stock(&store, &p, "C-01", MUG, 0, "r-6")
            .await
            .unwrap_err();
        assert!(words(e).contains("1 to 1000000"));
        let e = ops::receive_stock(&store, &p, "C-01", "\u{7}\u{0}", 1, "r-7")
            .await
            .unwrap_err();
        assert!(matches!(e, Error::Invalid(_)), "{e:?}");
        assert_eq!(level(&store, "PB-001", "C-01").await, (13, 0));

        let rows = ops::stock_ledger(
            &store,
            &LedgerFilter {
                bin: Some("C-01".into()),
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let seen: Vec<(i64, &str, &str, &str)> = rows
            .iter()
            .map(|r| {
                (
                    r.delta,
                    r.kind.as_str(),
                    r.user_name.as_str(),
                    r.station.as_str(),
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                (12, "received", "Пётр", "Склад 1"),
                (1, "received", "Пётр", "Склад 1")
            ]
        );
        ledger_is_true(&store).await;
    }
);

on_both_engines!(
    moves_take_only_free_units_and_leave_reservations_in_place,
    |db| {
        let store = warehouse(&db).await;
        let p = picker();
        // A-02 holds 10 mugs, 4 reserved for order 2001: 6 may move.
        assert_eq!(level(&store, "PB-001", "A-02").await, (10, 4));
        let e = ops::move_stock(&store, &p, "A-02", "C-01", MUG, 7, "m-1")
            .await
            .unwrap_err();
        let m = words(e);
        assert!(
            m.contains("holds 10 of PB-001")
                && m.contains("4 of them reserved")
                && m.contains("at most 6"),
            "{m}"
        );
        assert_eq!(level(&store, "PB-001", "A-02").await, (10, 4));
        let r = ops::move_stock(&store, &p, "A-02", "C-01", MUG, 6, "m-2")
            .await
            .unwrap();
        let bins: Vec<(&str, i64, i64)> = r
            .bins
            .iter()
            .map(|b| (b.bin.as_str(), b.on_hand, b.reserved))
            .collect();
        assert_eq!(bins, [("A-02", 4, 4), ("C-01", 6, 0)]);
        // Retried: once.
        let again = ops::move_stock(&store, &p, "A-02", "C-01", MUG, 6, "m-2")
            .await
            .unwrap();
        assert!(again.duplicate);
        assert_eq!(level(&store, "PB-001", "C-01").await, (6, 0));
        let e = ops::move_stock(&store, &p, "C-01", "C-01", MUG, 1, "m-3")
            .await
            .unwrap_err();
        assert!(words(e).contains("moves nothing"));
        // The order still packs from A-02 and ships; the ledger stays true.
        common::pack_and_ship(&store, "2001", "СДЭК", "1234567890").await;
        assert_eq!(level(&store, "PB-001", "A-02").await, (0, 0));
        ledger_is_true(&store).await;
    }
);

on_both_engines!(
    two_stations_moving_the_last_free_units_at_once_move_them_once,
    |db| {
        let store = warehouse(&db).await;
        let (a, b) = (picker(), Actor::new("Анна", "Склад 2", Role::Packer));
        let (x, y) = tokio::join!(
            ops::move_stock(&store, &a, "A-02", "C-01", MUG, 6, "race-a"),
            ops::move_stock(&store, &b, "A-02", "B-10", MUG, 6, "race-b")
        );
        assert!(
            x.is_ok() != y.is_ok(),
            "exactly one move of the last 6 free mugs: {x:?} {y:?}"
        );
        assert_eq!(level(&store, "PB-001", "A-02").await, (4, 4));
        ledger_is_true(&store).await;
    }
);

on_both_engines!(adjustments_need_a_reason_that_fits_and_a_lead, |db| {
    let store = warehouse(&db).await;
    let lead = common::supervisor();
    let r = ops::adjust_stock(
        &store,
        &lead,
        "B-10",
        KETTLE,
        -2,
        AdjustReason::Damaged,
        Some("разбиты при разгрузке"),
    )
    .await
    .unwrap();
    assert_eq!(r.bins[0].on_hand, 3);
    let e = ops::adjust_stock(&store, &lead, "B-10", KETTLE, 2, AdjustReason::Lost, None)
        .await
        .unwrap_err();
    assert!(words(e).contains("a minus sign"));
    let e = ops::adjust_stock(&store, &lead, "B-10", KETTLE, -1, AdjustReason::Found, None)
        .await
        .unwrap_err();
    assert!(words(e).contains("no minus sign"));
    // Reserved mugs are not written off from under their order.
    let e = ops::adjust_stock(&store, &lead, "A-02", MUG, -7, AdjustReason::Lost, None)
        .await
        .unwrap_err();
    assert!(words(e).contains("at most 6"));
    ops::adjust_stock(
        &store,
        &lead,
        "B-10",
        KETTLE,
        1,
        AdjustReason::Correction,
        None,
    )
    .await
    .unwrap();
    assert_eq!(level(&store, "PB-002", "B-10").await, (4, 0));
    // A packer does not adjust.
    let e = ops::adjust_stock(
        &store,
        &packer("station-1"),
        "B-10",
        KETTLE,
        1,
        AdjustReason::Found,
        None,
    )
    .await
    .unwrap_err();
    assert!(matches!(e, Error::Forbidden { .. }), "{e:?}");
    let rows = ops::stock_ledger(
        &store,
        &LedgerFilter {
            sku: Some("PB-002".into()),
            limit: 5,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let seen: Vec<(i64, &str, &str, Option<&str>)> = rows
        .iter()
        .map(|r| {
            (
                r.delta,
                r.kind.as_str(),
                r.reason.as_str(),
                r.note.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (1, "adjusted", "correction", None),
            (-2, "adjusted", "damaged", Some("разбиты при разгрузке")),
            (5, "import", "import", None),
        ]
    );
    ledger_is_true(&store).await;
});

on_both_engines!(
    a_cycle_count_books_its_difference_once_a_supervisor_approves,
    |db| {
        let store = warehouse(&db).await;
        let counter = picker();
        let sheet = ops::start_count(&store, &counter, "A-02").await.unwrap();
        let id = sheet.count.id;
        // Starting again carries on with the same count.
        assert_eq!(
            ops::start_count(&store, &counter, "A-02")
                .await
                .unwrap()
                .count
                .id,
            id
        );
        // Only 3 mugs are on the shelf (10 on the books, 4 reserved), and a
        // kettle nobody booked there.
        for (k, code) in [MUG, MUG, MUG, KETTLE].iter().enumerate() {
            ops::count_scan(&store, &counter, id, code, 1, &format!("c-{k}"))
                .await
                .unwrap();
        }
        // A retried scan counts once.
        let sheet = ops::count_scan(&store, &counter, id, MUG, 1, "c-0")
            .await
            .unwrap();
        let lines: Vec<(&str, i64, i64, i64)> = sheet
            .lines
            .iter()
            .map(|l| (l.sku.as_str(), l.on_hand, l.counted, l.difference))
            .collect();
        assert_eq!(lines, [("PB-001", 10, 3, -7), ("PB-002", 0, 1, 1)]);
        // Nothing is booked before approval; a picker cannot approve alone.
        assert_eq!(level(&store, "PB-001", "A-02").await, (10, 4));
        let e = ops::approve_count(&store, &counter, id, None)
            .await
            .unwrap_err();
        assert!(matches!(e, Error::NeedsApproval(_)), "{e:?}");
        let svetlana = common::approver(&store).await;
        let done = ops::approve_count(&store, &counter, id, Some(&svetlana))
            .await
            .unwrap();
        assert_eq!(done.count.state, "approved");
        assert_eq!(done.count.decided_by.as_deref(), Some("Светлана"));
        // The sheet as approved: what was booked, not the books after it.
        assert_eq!(done.lines[0].difference, -7);
        // 3 mugs left, fewer than the 4 reserved: the order keeps 3 and its
        // fourth is back-ordered (no other bin has mugs).
        assert_eq!(level(&store, "PB-001", "A-02").await, (3, 3));
        assert_eq!(level(&store, "PB-002", "A-02").await, (1, 0));
        let order = ops::order_detail(&store, "2001").await.unwrap();
        assert_eq!(order.lines[0].backordered, 1, "{:?}", order.lines[0]);
        // An approved count is closed.
        let e = ops::count_scan(&store, &counter, id, MUG, 1, "c-9")
            .await
            .unwrap_err();
        assert!(words(e).contains("approved already"));
        let rows = ops::stock_ledger(
            &store,
            &LedgerFilter {
                bin: Some("A-02".into()),
                limit: 2,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert!(rows.iter().all(|r| r.kind == "counted"
            && r.count_id == Some(id)
            && r.user_name == "Пётр"
            && r.note.as_deref() == Some("approved by Светлана")));
        ledger_is_true(&store).await;

        // Counting again after goods arrived elsewhere: the back-order is
        // reserved from the other bin when the next count gives mugs up.
        ops::receive_stock(&store, &counter, "C-01", MUG, 5, "r-c")
            .await
            .unwrap();
        let again = ops::start_count(&store, &counter, "A-02").await.unwrap();
        assert_ne!(again.count.id, id);
        ops::count_scan(&store, &counter, again.count.id, MUG, 2, "c-10")
            .await
            .unwrap();
        ops::approve_count(&store, &common::supervisor(), again.count.id, None)
            .await
            .unwrap();
        assert_eq!(level(&store, "PB-001", "A-02").await, (2, 2));
        assert_eq!(level(&store, "PB-001", "C-01").await, (5, 2));
        let order = ops::order_detail(&store, "2001").await.unwrap();
        assert_eq!(order.lines[0].backordered, 0);
        ledger_is_true(&store).await;
        // A cancelled count books nothing.
        let third = ops::start_count(&store, &counter, "C-01").await.unwrap();
        ops::count_scan(&store, &counter, third.count.id, MUG, 1, "c-11")
            .await
            .unwrap();
        ops::cancel_count(&store, &counter, third.count.id)
            .await
            .unwrap();
        assert_eq!(level(&store, "PB-001", "C-01").await, (5, 2));
    }
);

on_both_engines!(
    the_reorder_list_shows_what_runs_out_with_last_months_sales,
    |db| {
        let store = warehouse(&db).await;
        // 4 mugs shipped this month; 6 left, all free: 45 days of cover.
        common::pack_and_ship(&store, "2001", "СДЭК", "1234567890").await;
        let rows = ops::reorder(&store, 14).await.unwrap();
        assert!(rows.is_empty(), "{rows:?}");
        let rows = ops::reorder(&store, 60).await.unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(
            (
                rows[0].sku.as_str(),
                rows[0].free,
                rows[0].sold_30d,
                rows[0].days_of_cover
            ),
            ("PB-001", 6, 4, Some(45.0))
        );
        let csv = String::from_utf8(ops::reorder_csv(&rows, true).unwrap()).unwrap();
        assert!(csv.starts_with("Артикул;Товар;"), "{csv}");
        assert!(csv.contains("PB-001;Кружка «Утро»;6;0;6;;4;45"), "{csv}");
        let e = ops::reorder(&store, 0).await.unwrap_err();
        assert!(words(e).contains("1 to 365"));
    }
);

fn cli(db: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    common::cli_run(db, "Склад 1", args, "")
}

fn json(out: &str) -> serde_json::Value {
    common::cli_json(out)
}

#[test]
fn the_cli_receives_moves_counts_and_lists_the_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("stock.db");
    let (code, _, err) = cli(&db, &["init", "--demo"]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = cli(&db, &["--json", "bins", "set", "R-01", "--name", "Приёмка"]);
    assert_eq!(code, 0, "{err}");
    assert!(json(&out)
        .as_array()
        .unwrap()
        .iter()
        .any(|b| b["code"] == "R-01"));
    // Two scans of the demo's mug and one of its SKU.
    let (code, out, err) = cli(
        &db,
        &[
            "--json",
            "stock",
            "receive",
            "--bin",
            "R-01",
            "4607420038598",
            "4607420038598",
            "PB-0001",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(json(&out)["bins"][0]["on_hand"], 3);
    let (code, out, err) = cli(
        &db,
        &[
            "--json",
            "stock",
            "move",
            "--from",
            "R-01",
            "--to",
            "E-03-2",
            "4607420038598",
            "--times",
            "2",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(json(&out)["units"], 2);
    // More than the bin holds: refused with words, exit code not 0.
    let (code, _, err) = cli(
        &db,
        &[
            "stock", "move", "--from", "R-01", "--to", "E-03-2", "PB-0001", "--times", "5",
        ],
    );
    assert_ne!(code, 0);
    assert!(err.contains("at most 1"), "{err}");
    let (code, out, err) = cli(
        &db,
        &[
            "stock", "adjust", "--bin", "R-01", "PB-0001", "--by", "-1", "--reason", "damaged",
            "--note", "скол",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("-1 in R-01 (damaged)"), "{out}");
    let (code, _, err) = cli(
        &db,
        &[
            "stock", "adjust", "--bin", "R-01", "PB-0001", "--by", "1", "--reason", "stolen",
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("stolen"), "{err}");
    // A count of R-01 (empty on the books) finds a mug; olga approves.
    let (code, out, err) = cli(&db, &["--json", "stock", "count", "start", "R-01"]);
    assert_eq!(code, 0, "{err}");
    let id = json(&out)["count"]["id"].as_i64().unwrap().to_string();
    let (code, out, err) = cli(&db, &["stock", "count", "scan", &id, "4607420038598"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("PB-0001") && out.contains("+1"), "{out}");
    let (code, out, err) = cli(&db, &["--json", "stock", "count", "approve", &id]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(json(&out)["count"]["state"], "approved");
    let (code, out, err) = cli(
        &db,
        &[
            "--json", "stock", "ledger", "--bin", "R-01", "--limit", "10",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let kinds: Vec<(String, i64)> = json(&out)
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["kind"].as_str().unwrap().to_string(),
                r["delta"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("counted".to_string(), 1),
            ("adjusted".to_string(), -1),
            ("moved".to_string(), -2),
            ("received".to_string(), 1),
            ("received".to_string(), 1),
            ("received".to_string(), 1),
        ]
    );
    let (code, out, err) = cli(
        &db,
        &[
            "products",
            "add",
            "PB-9001",
            "--name",
            "Термос 0,5 л",
            "--weight",
            "420",
            "--bin",
            "R-01",
            "--low-stock",
            "2",
            "--barcode",
            "4600000000015",
            "--barcode",
            "14600000000012*6",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("PB-9001 · Термос 0,5 л · 420 g · bin R-01"),
        "{out}"
    );
    assert!(
        out.contains("low stock at 2") && out.contains("(6 per scan)"),
        "{out}"
    );
    let (code, out, err) = cli(
        &db,
        &[
            "--json",
            "products",
            "edit",
            "PB-9001",
            "--remove-barcode",
            "14600000000012",
            "--low-stock",
            "none",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    assert_eq!(v["barcodes"].as_array().unwrap().len(), 1);
    assert_eq!(v["low_stock"], serde_json::Value::Null);
    assert_eq!(v["weight_g"], 420);
    let csv = dir.path().join("reorder.csv");
    let (code, _, err) = cli(
        &db,
        &[
            "stock",
            "reorder",
            "--cover-days",
            "365",
            "--csv",
            csv.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("Артикул;"), "{text}");
}

on_both_engines!(
    products_are_added_and_edited_with_their_barcodes_and_threshold,
    |db| {
        use packbench_core::domain::product::ProductBarcode;
        let store = warehouse(&db).await;
        let lead = common::supervisor();
        let mut input = ops::ProductInput {
            sku: "PB-003".into(),
            name: "Свеча ароматическая".into(),
            category: "Дом".into(),
            weight_g: 180,
            default_bin: Some("C-01".into()),
            low_stock: Some(3),
            marked: false,
            barcodes: vec![
                ProductBarcode {
                    code: "4600000000015".into(),
                    units: 1,
                },
                ProductBarcode {
                    code: "14600000000012".into(),
                    units: 12,
                },
            ],
        };
        let saved = ops::save_product(&store, &lead, &input, true)
            .await
            .unwrap();
        assert_eq!((saved.low_stock, saved.category.as_str()), (Some(3), "Дом"));
        assert_eq!(saved.barcodes.len(), 2);
        // Added twice: refused; the case barcode now scans into stock.
        let e = ops::save_product(&store, &lead, &input, true)
            .await
            .unwrap_err();
        assert!(words(e).contains("exists already"));
        ops::receive_stock(&store, &picker(), "C-01", "14600000000012", 1, "case-1")
            .await
            .unwrap();
        // Nothing sold, 12 free over a threshold of 3: not on the list;
        // a threshold of 12 puts it there, urgent.
        assert!(ops::reorder(&store, 14).await.unwrap().is_empty());
        input.low_stock = Some(12);
        input.barcodes.truncate(1);
        input.name = "Свеча «Лаванда»".into();
        let edited = ops::save_product(&store, &lead, &input, false)
            .await
            .unwrap();
        assert_eq!(edited.name, "Свеча «Лаванда»");
        assert_eq!(edited.barcodes.len(), 1, "the case barcode was taken off");
        let list = ops::reorder(&store, 14).await.unwrap();
        assert_eq!(
            list.iter()
                .map(|r| (r.sku.as_str(), r.urgent))
                .collect::<Vec<_>>(),
            [("PB-003", true)]
        );
        let e = ops::receive_stock(&store, &picker(), "C-01", "14600000000012", 1, "case-2")
            .await
            .unwrap_err();
        assert!(words(e).contains("no product carries"));
        // A bin that does not exist, a negative threshold, a packer: refused.
        input.default_bin = Some("Z-9".into());
        assert!(words(
            ops::save_product(&store, &lead, &input, false)
                .await
                .unwrap_err()
        )
        .contains("no bin"));
        input.default_bin = None;
        input.low_stock = Some(-1);
        assert!(words(
            ops::save_product(&store, &lead, &input, false)
                .await
                .unwrap_err()
        )
        .contains("0 to"));
        input.low_stock = Some(1);
        let e = ops::save_product(&store, &packer("station-1"), &input, false)
            .await
            .unwrap_err();
        assert!(matches!(e, Error::Forbidden { .. }), "{e:?}");
        let e = ops::save_product(
            &store,
            &lead,
            &ops::ProductInput {
                sku: "PB-404".into(),
                ..input.clone()
            },
            false,
        )
        .await
        .unwrap_err();
        assert!(matches!(e, Error::NotFound { .. }), "{e:?}");
    }
);
