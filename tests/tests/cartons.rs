//! Cartons at the packing table on a real database, SQLite and PostgreSQL:
//! several boxes per order, each with its SSCC and a checked weight.

mod common;

use common::{clock, packer, TestDb};
use packbench_core::domain::barcode::is_valid_sscc;
use packbench_core::domain::EventKind;
use packbench_core::error::RefusalDetail;
use packbench_core::ops::{self, Actor, CartonSettings, Role, WeightTolerance, WeightVerdict};
use packbench_core::store::Store;
use packbench_core::Error;

const ORDER: &str = "2001";
const MUG: &str = "4006381333931";
const KETTLE: &str = "4601234567893";
const CANDLE: &str = "4600000000015";

fn admin() -> Actor {
    Actor::new("admin", "office", Role::Admin)
}

/// A mug (350 g), a kettle (1200 g) and a candle nobody weighed; order 2001
/// for 2 mugs, a kettle and a candle, confirmed.
async fn warehouse(db: &TestDb, settings: CartonSettings) -> Store {
    let store = db.store.clone().with_clock(clock());
    let products = "sku,name,weight_g,bin,barcodes,stock\n\
        PB-001,Кружка «Утро»,350,A-02,4006381333931,40\n\
        PB-002,Чайник 1.7 л,1200,B-10,4601234567893,5\n\
        PB-010,Свеча ароматическая,0,C-03,4600000000015,10\n";
    let p = ops::import_products(&store, &admin(), products.as_bytes())
        .await
        .unwrap();
    assert_eq!(p.imported, 3, "{:?}", p.errors);
    let orders =
        "number,channel,customer_name,currency,payment_status,sku,item_name,quantity,unit_price\n\
        2001,phone,Иванова Мария,RUB,paid,PB-001,Кружка,2,450\n\
        2001,,,,,PB-002,Чайник,1,2500\n\
        2001,,,,,PB-010,Свеча,1,300\n\
        2002,phone,Петров Пётр,RUB,paid,PB-001,Кружка,1,450\n";
    let o = ops::import_orders(
        &store,
        &admin(),
        orders.as_bytes(),
        packbench_core::exchange::OrderFormat::Packbench,
    )
    .await
    .unwrap();
    assert_eq!(o.imported, 2, "{:?}", o.errors);
    for number in [ORDER, "2002"] {
        ops::confirm_order(&store, &admin(), number).await.unwrap();
    }
    ops::set_carton_settings(&store, &admin(), &settings)
        .await
        .unwrap();
    store
}

fn with_prefix() -> CartonSettings {
    CartonSettings {
        company_prefix: Some("4600123".into()),
        extension: 0,
        default_box: "M".into(),
        tolerance: WeightTolerance {
            grams: 50,
            percent_bp: 500,
        },
        weigh: false,
    }
}

async fn scan(store: &Store, actor: &Actor, number: &str, code: &str, id: &str) {
    let r = ops::record_scan(store, actor, number, code, id)
        .await
        .unwrap();
    assert!(r.outcome.is_accepted(), "{r:?}");
}

fn refused(e: Error) -> String {
    match e {
        Error::Refused(m) | Error::Invalid(m) | Error::RefusedWith(m, _) => m,
        other => panic!("expected a refusal with words, got {other:?}"),
    }
}

on_both_engines!(
    an_order_packs_into_three_cartons_each_with_its_sscc_and_weight,
    |db| {
        let store = warehouse(&db, with_prefix()).await;
        let station = packer("station-1");
        ops::claim_order(&store, &station, ORDER).await.unwrap();

        // The first unit opens carton 1 in the default box.
        scan(&store, &station, ORDER, MUG, "c-1").await;
        let cartons = ops::cartons_of(&store, ORDER).await.unwrap();
        assert_eq!(cartons.len(), 1);
        let first = &cartons[0];
        assert_eq!(
            (first.seq, first.box_type.as_str(), first.units),
            (1, "M", 1)
        );
        let sscc1 = first.sscc.clone().expect("an SSCC from the company prefix");
        assert!(is_valid_sscc(&sscc1), "{sscc1}");
        assert!(sscc1.starts_with("04600123"), "{sscc1}");

        // A carton with goods in it is closed before the next one opens.
        let e = ops::open_carton(&store, &station, ORDER, Some("BOX-S"))
            .await
            .unwrap_err();
        assert_eq!(
            e.detail(),
            Some(&RefusalDetail::CloseCartonFirst { seq: 1, units: 1 }),
            "the figures a station says in its own language"
        );
        assert!(refused(e).contains("close it"));

        // Its weight: garbage is refused with words, a wrong one says by how
        // much (350 g mug + 220 g box M = 570 g ± 50 g), the right one closes it.
        let e = ops::close_carton(&store, &station, ORDER, Some("\u{2}ST,GS"), None, None)
            .await
            .unwrap_err();
        assert!(refused(e).contains("no number"));
        let e = ops::close_carton(&store, &station, ORDER, Some("5 kg"), None, None)
            .await
            .unwrap_err();
        assert_eq!(
            e.detail(),
            Some(&RefusalDetail::WeightOff {
                seq: 1,
                weight_g: 5000,
                expected_g: 570,
                allowed_g: 50,
                difference_g: 4430
            })
        );
        let words = refused(e);
        assert!(words.contains("should weigh 570 g"), "{words}");
        assert!(words.contains("heavier by 4430 g"), "{words}");
        let closed = ops::close_carton(
            &store,
            &station,
            ORDER,
            Some("ST,GS,+0000.580kg"),
            None,
            None,
        )
        .await
        .unwrap();
        assert_eq!(closed.carton.weight_g, Some(580));
        assert_eq!(closed.carton.expected_g, Some(570));
        assert!(matches!(closed.verdict, Some(WeightVerdict::Within { .. })));

        // What is in a closed carton stays there.
        let e = ops::undo_last_scan(&store, &station, ORDER)
            .await
            .unwrap_err();
        assert!(refused(e).contains("carton 1, which is closed"));

        // Carton 2 by scanning box S's barcode: the second mug and the kettle;
        // an undo there takes the kettle out of it again.
        let second = ops::open_carton(&store, &station, ORDER, Some("BOX-S"))
            .await
            .unwrap();
        assert_eq!((second.seq, second.box_type.as_str()), (2, "S"));
        scan(&store, &station, ORDER, MUG, "c-2").await;
        scan(&store, &station, ORDER, KETTLE, "c-3").await;
        ops::undo_last_scan(&store, &station, ORDER).await.unwrap();
        assert_eq!(ops::cartons_of(&store, ORDER).await.unwrap()[1].units, 1);
        scan(&store, &station, ORDER, KETTLE, "c-4").await;

        // 350 + 1200 + 120 g box = 1670 g ± 83 g (5 %): 2.5 kg needs a reason
        // and a supervisor; the packer alone is asked for one.
        let e = ops::close_carton(&store, &station, ORDER, Some("2,5 кг"), None, None)
            .await
            .unwrap_err();
        assert!(refused(e).contains("supervisor accepts"));
        let e = ops::close_carton(
            &store,
            &station,
            ORDER,
            Some("2,5 кг"),
            Some("вкладыш из пенопласта"),
            None,
        )
        .await
        .unwrap_err();
        assert!(matches!(e, Error::NeedsApproval(_)), "{e:?}");
        let svetlana = common::approver(&store).await;
        let closed = ops::close_carton(
            &store,
            &station,
            ORDER,
            Some("2,5 кг"),
            Some("вкладыш из пенопласта"),
            Some(&svetlana),
        )
        .await
        .unwrap();
        assert_eq!(closed.carton.approved_by.as_deref(), Some("Светлана"));
        assert_eq!(
            closed.carton.weight_note.as_deref(),
            Some("вкладыш из пенопласта")
        );
        assert_eq!(
            (closed.carton.weight_g, closed.carton.expected_g),
            (Some(2500), Some(1670))
        );

        // The candle has no weight: its carton closes with a note saying so.
        scan(&store, &station, ORDER, CANDLE, "c-5").await;
        let closed = ops::close_carton(&store, &station, ORDER, Some("400 g"), None, None)
            .await
            .unwrap();
        assert_eq!(
            closed.verdict,
            Some(WeightVerdict::Unknown {
                skus: vec!["PB-010".into()]
            })
        );
        assert!(closed
            .message
            .contains("no weight in the catalogue for PB-010"));

        let detail = common::finish(&store, &station, ORDER, None).await.unwrap();
        assert_eq!(
            detail.head.status,
            packbench_core::domain::OrderStatus::Ready
        );
        let cartons = ops::cartons_of(&store, ORDER).await.unwrap();
        let units: Vec<i64> = cartons.iter().map(|c| c.units).collect();
        assert_eq!(units, [1, 2, 1], "units per carton, from the scan ledger");
        assert_eq!(units.iter().sum::<i64>(), detail.packed);
        let ssccs: Vec<String> = cartons.iter().filter_map(|c| c.sscc.clone()).collect();
        assert_eq!(ssccs.len(), 3);
        // Serial references 1, 2 and 3 of the prefix, each with its check digit.
        for (i, s) in ssccs.iter().enumerate() {
            assert!(is_valid_sscc(s), "{s}");
            assert_eq!(&s[8..17], format!("{:09}", i + 1), "{s}");
        }
        assert!(cartons.iter().all(|c| c.closed_at.is_some()));
        let closes: Vec<_> = detail
            .events
            .iter()
            .filter(|e| e.kind == EventKind::CartonClosed)
            .collect();
        assert_eq!(closes.len(), 3);
        assert_eq!(closes[1].approved_by.as_deref(), Some("Светлана"));

        // Taken apart, the box opened again is the last carton: its weight is
        // gone until it is weighed again, and the candle can come out.
        ops::take_apart(
            &store,
            &station,
            ORDER,
            "the customer wants no candle",
            Some(&svetlana),
        )
        .await
        .unwrap();
        let cartons = ops::cartons_of(&store, ORDER).await.unwrap();
        assert_eq!(cartons[2].closed_at, None);
        assert_eq!(cartons[2].weight_g, None);
        assert!(cartons[1].closed_at.is_some(), "the others stay closed");
        ops::undo_last_scan(&store, &station, ORDER).await.unwrap();
        assert_eq!(ops::cartons_of(&store, ORDER).await.unwrap()[2].units, 0);
    }
);

on_both_engines!(
    a_store_that_weighs_every_carton_cannot_finish_with_one_unweighed,
    |db| {
        let store = warehouse(
            &db,
            CartonSettings {
                weigh: true,
                ..with_prefix()
            },
        )
        .await;
        let station = packer("station-1");
        ops::claim_order(&store, &station, "2002").await.unwrap();
        // An empty carton cannot be closed; scanning another box changes it.
        let empty = ops::open_carton(&store, &station, "2002", Some("L"))
            .await
            .unwrap();
        let e = ops::close_carton(&store, &station, "2002", Some("1 kg"), None, None)
            .await
            .unwrap_err();
        assert!(refused(e).contains("empty"));
        let changed = ops::open_carton(&store, &station, "2002", Some("BOX-S"))
            .await
            .unwrap();
        assert_eq!((changed.id, changed.box_type.as_str()), (empty.id, "S"));
        scan(&store, &station, "2002", MUG, "w-1").await;
        let e = common::finish(&store, &station, "2002", None)
            .await
            .unwrap_err();
        assert!(refused(e).contains("weigh carton 1"));
        let e = ops::close_carton(&store, &station, "2002", None, None, None)
            .await
            .unwrap_err();
        assert!(refused(e).contains("weigh carton 1"));
        ops::close_carton(&store, &station, "2002", Some("0.47kg"), None, None)
            .await
            .unwrap();
        common::finish(&store, &station, "2002", None)
            .await
            .unwrap();
    }
);

on_both_engines!(
    without_a_company_prefix_cartons_have_no_sscc_and_settings_are_checked,
    |db| {
        let store = warehouse(&db, CartonSettings::default()).await;
        let station = packer("station-1");
        ops::claim_order(&store, &station, "2002").await.unwrap();
        scan(&store, &station, "2002", MUG, "n-1").await;
        // Finishing closes the open carton without a weight.
        common::finish(&store, &station, "2002", None)
            .await
            .unwrap();
        let cartons = ops::cartons_of(&store, "2002").await.unwrap();
        assert_eq!(cartons.len(), 1);
        assert_eq!(cartons[0].sscc, None);
        assert!(cartons[0].closed_at.is_some());

        for (bad, words) in [
            (
                CartonSettings {
                    company_prefix: Some("46001A3".into()),
                    ..CartonSettings::default()
                },
                "7 to 10 digits",
            ),
            (
                CartonSettings {
                    default_box: "XXL".into(),
                    ..CartonSettings::default()
                },
                "no box type",
            ),
        ] {
            let e = ops::set_carton_settings(&store, &admin(), &bad)
                .await
                .unwrap_err();
            assert!(refused(e).contains(words));
        }
        // A packer does not change the store's boxes.
        let e = ops::set_carton_settings(&store, &station, &with_prefix())
            .await
            .unwrap_err();
        assert!(matches!(e, Error::Forbidden { .. }), "{e:?}");
    }
);

on_both_engines!(
    two_stations_opening_cartons_at_once_get_different_ssccs,
    |db| {
        let store = warehouse(&db, with_prefix()).await;
        let a = packer("station-1");
        let b = packer("station-2");
        ops::claim_order(&store, &a, ORDER).await.unwrap();
        ops::claim_order(&store, &b, "2002").await.unwrap();
        let (x, y) = tokio::join!(
            ops::open_carton(&store, &a, ORDER, None),
            ops::open_carton(&store, &b, "2002", None)
        );
        let (x, y) = (x.unwrap(), y.unwrap());
        assert_ne!(x.sscc, y.sscc);
        let mut serials = vec![
            x.sscc.unwrap()[8..17].to_string(),
            y.sscc.unwrap()[8..17].to_string(),
        ];
        serials.sort();
        assert_eq!(serials, ["000000001", "000000002"]);
    }
);

fn cli(db: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    common::cli_run(db, "cli-cartons", args, "")
}

#[test]
fn the_cli_packs_an_order_into_a_weighed_carton() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cartons.db");
    let (code, _, err) = cli(&db, &["init", "--demo"]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = cli(
        &db,
        &[
            "boxes",
            "settings",
            "--prefix",
            "4600123",
            "--weigh",
            "on",
            "--tolerance-percent",
            "2.5",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("GS1 company prefix: 4600123"), "{out}");
    assert!(out.contains("2.50 %"), "{out}");

    // A confirmed demo order, every unit scanned by its SKU.
    let (code, out, err) = cli(&db, &["orders", "list", "--status", "confirmed", "--json"]);
    assert_eq!(code, 0, "{err}");
    let list: serde_json::Value = serde_json::from_str(&out).unwrap();
    let number = list[0]["number"].as_str().unwrap().to_string();
    let (code, _, err) = cli(&db, &["pack", "claim", &number]);
    assert_eq!(code, 0, "{err}");
    let (_, out, _) = cli(&db, &["orders", "show", &number, "--json"]);
    let order: serde_json::Value = serde_json::from_str(&out).unwrap();
    let mut codes = Vec::new();
    for line in order["lines"].as_array().unwrap() {
        for _ in 0..line["quantity"].as_i64().unwrap() {
            codes.push(line["sku"].as_str().unwrap().to_string());
        }
    }
    let mut args = vec!["pack", "scan", number.as_str()];
    args.extend(codes.iter().map(String::as_str));
    let (code, _, err) = cli(&db, &args);
    assert_eq!(code, 0, "{err}");

    // The store weighs every carton: finishing first is refused.
    let (code, _, err) = cli(&db, &["pack", "finish", &number, "--no-print"]);
    assert_ne!(code, 0);
    assert!(err.contains("weigh carton 1"), "{err}");
    let (code, out, err) = cli(&db, &["carton", "list", &number, "--json"]);
    assert_eq!(code, 0, "{err}");
    let cartons: serde_json::Value = serde_json::from_str(&out).unwrap();
    let sscc = cartons[0]["sscc"].as_str().unwrap().to_string();
    assert!(is_valid_sscc(&sscc), "{sscc}");
    assert_eq!(cartons[0]["units"].as_i64().unwrap(), codes.len() as i64);
    // A weight far off: refused with the expected weight; with a reason
    // the supervisor (who runs the CLI here) accepts it.
    let (code, _, err) = cli(&db, &["carton", "close", &number, "--weight", "99 kg"]);
    assert_ne!(code, 0);
    assert!(err.contains("should weigh"), "{err}");
    // This time the weight comes from the serial scale.
    let (mut scale, device) = fake_scale(&["ST,GS,+0099.000kg"]);
    let (code, out, err) = cli(
        &db,
        &[
            "carton",
            "close",
            &number,
            "--scale",
            device.to_str().unwrap(),
            "--reason",
            "весы на поверке",
        ],
    );
    let _ = scale.kill();
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(&sscc) && out.contains("99000 g"), "{out}");
    let (code, _, err) = cli(&db, &["pack", "finish", &number, "--no-print"]);
    assert_eq!(code, 0, "{err}");
}

/// A pseudo-terminal standing in for a serial scale: prints the device path
/// and sends `lines` as the scale would (the terminal keeps them until the
/// device is read).
fn fake_scale(lines: &[&str]) -> (std::process::Child, std::path::PathBuf) {
    use std::io::BufRead;
    let script = [
        "import os, pty, sys, time",
        "m, s = pty.openpty()",
        "print(os.ttyname(s), flush=True)",
        "for line in sys.argv[1:]: os.write(m, (line + '\\r\\n').encode()); time.sleep(0.05)",
        "time.sleep(5)",
    ]
    .join("\n");
    let mut child = std::process::Command::new("/usr/bin/python3")
        .arg("-c")
        .arg(script)
        .args(lines)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 makes the pseudo-terminal");
    let mut path = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut path)
        .unwrap();
    (child, std::path::PathBuf::from(path.trim()))
}

#[test]
fn a_serial_scale_is_read_until_it_sends_a_stable_weight() {
    use std::time::Duration;
    let (mut child, device) = fake_scale(&["US,GS,+0001.180kg", "ST,GS,+0001.234kg"]);
    assert_eq!(
        packbench_core::scale::read_weight(&device, Duration::from_secs(3)).unwrap(),
        1234,
        "the unstable reading is skipped"
    );
    let _ = child.kill();

    let (mut child, device) = fake_scale(&["\u{1}\u{2}@@@"]);
    let e = packbench_core::scale::read_weight(&device, Duration::from_millis(800))
        .unwrap_err()
        .to_string();
    assert!(e.contains("no usable weight") && e.contains("@@@"), "{e}");
    let _ = child.kill();

    let e = packbench_core::scale::read_weight(
        std::path::Path::new("/dev/no-such-scale"),
        Duration::from_millis(100),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("cannot be opened") && e.contains("dialout"),
        "{e}"
    );
}

on_both_engines!(
    scanning_a_box_barcode_opens_the_next_carton_in_that_box,
    |db| {
        use packbench_core::domain::scan::ScanOutcome;
        let store = warehouse(&db, with_prefix()).await;
        let station = packer("station-1");
        ops::claim_order(&store, &station, ORDER).await.unwrap();
        let box_scan = |code: &'static str, id: &'static str| {
            let (store, station) = (store.clone(), station.clone());
            async move {
                ops::record_scan(&store, &station, ORDER, code, id)
                    .await
                    .unwrap()
            }
        };
        // Before any goods: the scanned box becomes carton 1's box.
        let r = box_scan("BOX-L", "b-1").await;
        assert_eq!(
            r.outcome,
            ScanOutcome::BoxOpened {
                seq: 1,
                box_type: "L".into()
            }
        );
        assert!(r.message.contains("carton 1"), "{}", r.message);
        scan(&store, &station, ORDER, KETTLE, "b-2").await;
        // With goods in carton 1 another box is refused, nothing opens.
        let r = box_scan("BOX-S", "b-3").await;
        assert_eq!(
            r.outcome,
            ScanOutcome::CloseCartonFirst { seq: 1, units: 1 }
        );
        assert!(r.message.contains("close it"), "{}", r.message);
        assert_eq!(ops::cartons_of(&store, ORDER).await.unwrap().len(), 1);
        ops::close_carton(&store, &station, ORDER, Some("1.6 kg"), None, None)
            .await
            .unwrap();
        let r = box_scan("BOX-S", "b-4").await;
        assert_eq!(
            r.outcome,
            ScanOutcome::BoxOpened {
                seq: 2,
                box_type: "S".into()
            }
        );
        scan(&store, &station, ORDER, MUG, "b-5").await;
        let cartons = ops::cartons_of(&store, ORDER).await.unwrap();
        let boxes: Vec<(i64, &str, i64)> = cartons
            .iter()
            .map(|c| (c.seq, c.box_type.as_str(), c.units))
            .collect();
        assert_eq!(boxes, [(1, "L", 1), (2, "S", 1)]);
        // The same box scan retried (same scan id) changes nothing more.
        let again = box_scan("BOX-S", "b-4").await;
        assert!(again.duplicate);
        assert_eq!(ops::cartons_of(&store, ORDER).await.unwrap().len(), 2);
        // A code that is neither a product nor a box stays unknown.
        let r = box_scan("BOX-XL", "b-6").await;
        assert_eq!(r.outcome, ScanOutcome::UnknownBarcode);
    }
);
