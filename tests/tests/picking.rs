//! Pick lists and the overview the screens need, on SQLite and PostgreSQL.

mod common;

use packbench_core::domain::{EventKind, PickListStatus};

use common::{clock, packer};
use packbench_core::ops::{self, Actor, PickOutcome, PickSelection, Role};
use packbench_core::store::Store;
use packbench_core::Error;

/// Three orders: 1001 (2 mugs, 1 kettle), 1002 (1 mug), 1003 (3 spoons),
/// all confirmed; the mug lives in A-10, the kettle in A-2, spoons in B-1.
async fn warehouse(db: &common::TestDb) -> Store {
    let store = db.store.clone().with_clock(clock());
    let admin = Actor::new("admin", "office", Role::Admin);
    let products = "sku,name,weight_g,bin,barcodes,stock\n\
        PB-001,Кружка,350,A-10,4006381333931;14006381333938*6,40\n\
        PB-002,Чайник,1200,A-2,4601234567893,5\n\
        PB-007,Ложка,30,B-1,4600000000008,100\n";
    ops::import_products(&store, &admin, products.as_bytes())
        .await
        .unwrap();
    let orders =
        "number,customer_name,currency,payment_status,sku,item_name,quantity,unit_price,tax_rate\n\
        1001,Иванова Мария,RUB,paid,PB-001,Кружка,2,450,20\n\
        1001,,,,PB-002,Чайник,1,2490,20\n\
        1002,John Smith,RUB,paid,PB-001,Кружка,1,450,20\n\
        1003,Пётр Смирнов,RUB,paid,PB-007,Ложка,3,90,20\n";
    let s = ops::import_orders(
        &store,
        &admin,
        orders.as_bytes(),
        packbench_core::exchange::OrderFormat::Packbench,
    )
    .await
    .unwrap();
    assert_eq!(s.imported, 3, "{s:?}");
    for n in ["1001", "1002", "1003"] {
        ops::confirm_order(&store, &admin, n).await.unwrap();
    }
    store
}

async fn pick(
    store: &Store,
    a: &Actor,
    id: i64,
    bin: Option<&str>,
    code: &str,
    scan: &str,
) -> PickOutcome {
    ops::pick_scan(store, a, id, bin, code, scan)
        .await
        .unwrap()
        .outcome
}

on_both_engines!(
    a_pick_list_groups_products_and_walks_the_bins_in_natural_order,
    |db| {
        let store = warehouse(&db).await;
        let picker = Actor::new("ivan", "picking", Role::Picker);
        let list = ops::create_pick_list(
            &store,
            &picker,
            PickSelection::Orders(vec!["1001".into(), "1002".into()]),
        )
        .await
        .unwrap();
        let walk: Vec<(&str, &str, i64)> = list
            .lines
            .iter()
            .map(|l| (l.bin.as_str(), l.sku.as_str(), l.quantity))
            .collect();
        assert_eq!(
            walk,
            vec![("A-2", "PB-002", 1), ("A-10", "PB-001", 3)],
            "A-2 before A-10; mugs of both orders on one line"
        );
        assert_eq!(
            list.lines[1].orders,
            vec!["1001", "1002"],
            "the line says which orders it serves"
        );
        let detail = ops::order_detail(&store, "1001").await.unwrap();
        assert_eq!(
            detail.head.status,
            packbench_core::domain::OrderStatus::Picking
        );
        let again =
            ops::create_pick_list(&store, &picker, PickSelection::Orders(vec!["1001".into()]))
                .await
                .unwrap_err();
        assert!(
            matches!(again, Error::InvalidTransition { .. }),
            "an order is on one pick list at a time: {again}"
        );
    }
);

on_both_engines!(
    picking_needs_the_bin_first_and_refuses_wrong_bins_and_items,
    |db| {
        let store = warehouse(&db).await;
        let p = Actor::new("ivan", "picking", Role::Picker);
        let list = ops::create_pick_list(&store, &p, PickSelection::NextConfirmed(2))
            .await
            .unwrap();
        assert_eq!(
            list.orders,
            vec!["1001", "1002"],
            "the oldest confirmed orders first"
        );
        let id = list.id;
        assert_eq!(
            pick(&store, &p, id, None, "4006381333931", "1").await,
            PickOutcome::ScanBinFirst
        );
        assert_eq!(
            pick(&store, &p, id, None, "a-2", "2").await,
            PickOutcome::BinConfirmed { bin: "A-2".into() },
            "bin labels match in any case"
        );
        let wrong_bin = pick(&store, &p, id, Some("A-2"), "4006381333931", "3").await;
        assert!(
            matches!(&wrong_bin, PickOutcome::WrongBin { expected_bin, .. } if expected_bin == "A-10"),
            "{wrong_bin:?}"
        );
        let spoon = pick(&store, &p, id, Some("A-2"), "4600000000008", "4").await;
        assert!(matches!(spoon, PickOutcome::NotInList { .. }), "{spoon:?}");
        let kettle = pick(&store, &p, id, Some("A-2"), "4601234567893", "5").await;
        assert!(
            matches!(
                kettle,
                PickOutcome::Picked {
                    picked: 1,
                    quantity: 1,
                    list_complete: false,
                    ..
                }
            ),
            "{kettle:?}"
        );
        let extra = pick(&store, &p, id, Some("A-2"), "4601234567893", "6").await;
        assert!(matches!(extra, PickOutcome::OverPick { .. }), "{extra:?}");
        let retry = ops::pick_scan(&store, &p, id, Some("A-2"), "4601234567893", "5")
            .await
            .unwrap();
        assert!(
            matches!(retry.outcome, PickOutcome::Picked { picked: 1, .. }),
            "a retried scan id returns its first verdict"
        );
        let early = ops::complete_pick_list(&store, &p, id).await.unwrap_err();
        assert!(
            early.to_string().contains("PB-001 in A-10 (0 of 3)"),
            "{early}"
        );
        pick(&store, &p, id, None, "A-10", "7").await;
        pick(&store, &p, id, Some("A-10"), "4006381333931", "8").await;
        let mug_line = ops::pick_list(&store, id).await.unwrap().lines[1].id;
        let no_reason = ops::short_pick(&store, &p, id, mug_line, "")
            .await
            .unwrap_err();
        assert!(matches!(no_reason, Error::Invalid(_)));
        let shorted = ops::short_pick(&store, &p, id, mug_line, "only one on the shelf")
            .await
            .unwrap();
        assert_eq!((shorted.lines[1].picked, shorted.lines[1].short), (1, 2));
        let done = ops::complete_pick_list(&store, &p, id).await.unwrap();
        assert_eq!(done.status, PickListStatus::Done);
        let history = ops::order_detail(&store, "1002").await.unwrap().events;
        assert!(
            history.iter().any(|e| e.kind == EventKind::ShortPick),
            "the short pick is in the order's history"
        );
        ops::claim_order(&store, &packer("station-1"), "1001")
            .await
            .expect("a picked order goes to packing");
    }
);

on_both_engines!(status_tabs_count_orders_and_overdue_ones, |db| {
    let store = warehouse(&db).await;
    let counts = ops::status_counts(&store).await.unwrap();
    let confirmed = counts
        .iter()
        .find(|c| c.status == packbench_core::domain::OrderStatus::Confirmed)
        .unwrap();
    assert_eq!((confirmed.count, confirmed.overdue), (3, 0));
    assert_eq!(counts.len(), 10, "every status has a tab, also empty ones");
    let later = store.clone().with_clock({
        let c = clock();
        c.advance(chrono::Duration::hours(25));
        c
    });
    let counts = ops::status_counts(&later).await.unwrap();
    let confirmed = counts
        .iter()
        .find(|c| c.status == packbench_core::domain::OrderStatus::Confirmed)
        .unwrap();
    assert_eq!(confirmed.overdue, 3, "a day in confirmed is overdue");
    let listed = ops::list_orders(&later, &ops::OrderFilter::default())
        .await
        .unwrap();
    assert!(listed.iter().all(|o| o.overdue), "the list marks them too");
});

on_both_engines!(
    a_scanned_order_number_is_recognised_and_changes_are_fed_to_other_screens,
    |db| {
        let store = warehouse(&db).await;
        assert_eq!(
            ops::find_order(&store, "1002\r\n")
                .await
                .unwrap()
                .as_deref(),
            Some("1002")
        );
        assert_eq!(
            ops::find_order(&store, "#1003").await.unwrap().as_deref(),
            Some("1003"),
            "the shop's # is ignored"
        );
        assert_eq!(
            ops::find_order(&store, "4006381333931").await.unwrap(),
            None
        );
        assert!(!ops::is_empty(&store).await.unwrap());
        let (cursor, first) = ops::changes_since(&store, &ops::ChangeCursor::default())
            .await
            .unwrap();
        assert!(first.is_empty(), "the first call only sets the cursor");
        let other_station = store.clone();
        ops::claim_order(&other_station, &packer("station-2"), "1002")
            .await
            .unwrap();
        let (cursor, changed) = ops::changes_since(&store, &cursor).await.unwrap();
        assert_eq!(changed, vec!["1002"], "a claim elsewhere is reported");
        ops::record_scan(
            &other_station,
            &packer("station-2"),
            "1002",
            "4006381333931",
            "s",
        )
        .await
        .unwrap();
        let (_, changed) = ops::changes_since(&store, &cursor).await.unwrap();
        assert_eq!(changed, vec!["1002"], "so is a scan");
    }
);

#[tokio::test]
async fn testing_a_database_setting_changes_nothing_and_says_what_it_found() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sub").join("pb.db");
    let t = ops::test_database(file.to_str().unwrap()).await;
    assert!(t.ok && t.message.contains("will be made"), "{t:?}");
    assert!(!file.exists(), "a test creates no file");
    let bad = ops::test_database("mysql://x/y").await;
    assert!(!bad.ok);
    let refused = ops::test_database("postgres://nobody@127.0.0.1:1/none").await;
    assert!(
        !refused.ok && refused.message.contains("refused the connection"),
        "{refused:?}"
    );
    if let Some(url) = common::pg_url() {
        let pg = ops::test_database(&url).await;
        assert!(pg.ok && pg.message.contains("PostgreSQL"), "{pg:?}");
    }
}

/// The pick list from the command line, as the picking screen walks it:
/// created for two confirmed orders, each line's bin label scanned and then
/// its items, a refused scan giving exit code 1, completed.
#[test]
fn the_cli_walks_a_pick_list() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("pick.db");
    let cli = |args: &[&str]| common::cli_run(&db, "Сборка", args, "");
    let (code, _, err) = cli(&["init", "--demo"]);
    assert_eq!(code, 0, "{err}");
    let (_, out, _) = cli(&["--json", "orders", "list", "--status", "confirmed"]);
    let confirmed: Vec<String> = common::cli_json(&out)
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["number"].as_str().unwrap().to_string())
        .collect();
    assert!(confirmed.len() >= 2, "{confirmed:?}");
    let (code, out, err) = cli(&["--json", "pick", "create", &confirmed[0], &confirmed[1]]);
    assert_eq!(code, 0, "{err}");
    let list = common::cli_json(&out);
    let id = list["id"].as_i64().unwrap().to_string();
    assert_eq!(list["orders"].as_array().unwrap().len(), 2);
    // A scan before any bin is refused: exit code 1, nothing picked.
    let first = &list["lines"][0];
    let code_of = |l: &serde_json::Value| {
        l["barcode"]
            .as_str()
            .unwrap_or(l["sku"].as_str().unwrap())
            .to_string()
    };
    let (code, _, _) = cli(&["pick", "scan", &id, &code_of(first)]);
    assert_eq!(code, 1, "an item before its bin is refused");
    // Every line: its bin, then its items.
    let mut scans = Vec::new();
    for l in list["lines"].as_array().unwrap() {
        scans.push(l["bin"].as_str().unwrap().to_string());
        for _ in 0..l["quantity"].as_i64().unwrap() {
            scans.push(code_of(l));
        }
    }
    let mut args = vec!["--json", "pick", "scan", id.as_str()];
    args.extend(scans.iter().map(String::as_str));
    let (code, out, err) = cli(&args);
    assert_eq!(code, 0, "{out}{err}");
    let (_, out, _) = cli(&["--json", "pick", "show", &id]);
    let shown = common::cli_json(&out);
    assert!(
        shown["lines"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["picked"] == l["quantity"]),
        "{shown}"
    );
    let (code, out, err) = cli(&["--json", "pick", "complete", &id]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(common::cli_json(&out)["status"], "done");
    // Its orders wait at the packing table: one is claimed there.
    let (code, _, err) = cli(&["pack", "claim", &confirmed[0]]);
    assert_eq!(code, 0, "{err}");
    let (_, out, _) = cli(&["--json", "orders", "show", &confirmed[0]]);
    assert_eq!(common::cli_json(&out)["status"], "packing");
}
