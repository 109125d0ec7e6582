//! The packing table on a real database, run on SQLite and on PostgreSQL.

mod common;

use packbench_core::domain::{EventKind, ScanKind};

use common::{clock, packer, supervisor, TestDb};
use packbench_core::domain::scan::ScanOutcome;
use packbench_core::domain::{NewLine, NewOrder, OrderStatus, PaymentStatus};
use packbench_core::ops::{self, Actor};
use packbench_core::store::Store;
use packbench_core::Error;

const STATION: &str = "station-1";

fn line(sku: &str, quantity: i64) -> NewLine {
    NewLine {
        sku: sku.into(),
        name: format!("item {sku}"),
        quantity,
        unit_price_minor: 45_000,
        discount_minor: 0,
        tax_rate_bp: 2000,
    }
}

/// A small warehouse: a mug (EAN-13 and a case of 6), a kettle, a spoon that
/// no order wants, and order 1001 for 2 mugs and 1 kettle, confirmed.
async fn warehouse(db: &TestDb) -> Store {
    let store = db.store.clone().with_clock(clock());
    let admin = Actor::new("admin", "office", ops::Role::Admin);
    let csv = "sku,name,weight_g,bin,barcodes,stock\n\
        PB-001,Кружка «Утро»,350,A-02,4006381333931;14006381333938*6,40\n\
        PB-002,Чайник 1.7 л,1200,B-10,4601234567893,5\n\
        PB-007,Ложка чайная,30,C-01,4600000000008,100\n";
    let summary = ops::import_products(&store, &admin, csv.as_bytes())
        .await
        .unwrap();
    assert_eq!(summary.imported, 3, "three products imported: {summary:?}");
    let order = NewOrder {
        number: "1001".into(),
        channel: "phone".into(),
        customer_name: "Иванова Мария".into(),
        email: "maria@example.ru".into(),
        phone: "+7 912 345-67-89".into(),
        shipping_address: "Казань, ул. Садовая, 3".into(),
        delivery_method: "СДЭК".into(),
        delivery_cost_minor: 30_000,
        currency: "RUB".into(),
        payment_status: PaymentStatus::Paid,
        comment: "позвонить перед доставкой".into(),
        created_at: store.now(),
        status: OrderStatus::New,
        lines: vec![line("PB-001", 2), line("PB-002", 1)],
    };
    let csv_order = packbench_csv(&order);
    import_one(&store, &admin, &csv_order, "1001").await;
    ops::confirm_order(&store, &admin, "1001").await.unwrap();
    store
}

/// The header of a Packbench order CSV.
const CSV_HEADER: &str = "number,channel,customer_name,email,phone,shipping_address,delivery_method,delivery_cost,currency,payment_status,comment,sku,item_name,quantity,unit_price,discount,tax_rate\n";

/// Imports `csv`, which holds order `number` only.
async fn import_one(store: &Store, admin: &Actor, csv: &str, number: &str) {
    let summary = ops::import_orders(
        store,
        admin,
        csv.as_bytes(),
        packbench_core::exchange::OrderFormat::Packbench,
    )
    .await
    .unwrap();
    assert_eq!(summary.imported, 1, "order {number} imported: {summary:?}");
}

/// The ids of order `number`'s lines, in the order the order shows them.
async fn line_ids(store: &Store, number: &str) -> Vec<i64> {
    ops::order_detail(store, number)
        .await
        .unwrap()
        .lines
        .iter()
        .map(|l| l.id)
        .collect()
}

fn packbench_csv(o: &NewOrder) -> String {
    let mut s = String::from(CSV_HEADER);
    for l in &o.lines {
        s.push_str(&format!(
            "{},{},{},{},{},\"{}\",{},300.00,RUB,paid,{},{},{},{},450.00,0,20\n",
            o.number,
            o.channel,
            o.customer_name,
            o.email,
            o.phone,
            o.shipping_address,
            o.delivery_method,
            o.comment,
            l.sku,
            l.name,
            l.quantity
        ));
    }
    s
}

async fn scan(store: &Store, actor: &Actor, code: &str, id: &str) -> ScanOutcome {
    ops::record_scan(store, actor, "1001", code, id)
        .await
        .unwrap()
        .outcome
}

async fn packed(store: &Store) -> Vec<(String, i64, i64)> {
    ops::order_detail(store, "1001")
        .await
        .unwrap()
        .lines
        .iter()
        .map(|l| (l.sku.clone(), l.packed, l.quantity))
        .collect()
}

on_both_engines!(
    scanning_every_item_and_finishing_leaves_the_order_ready,
    |db| {
        let store = warehouse(&db).await;
        let me = packer(STATION);
        let claimed = ops::claim_order(&store, &me, "1001").await.unwrap();
        assert_eq!(
            claimed.head.status,
            OrderStatus::Packing,
            "claiming starts packing"
        );
        for (i, code) in ["4006381333931", "4006381333931", "4601234567893"]
            .iter()
            .enumerate()
        {
            let outcome = scan(&store, &me, code, &format!("s{i}")).await;
            assert!(
                outcome.is_accepted(),
                "scan {i} of {code} belongs to the order: {outcome:?}"
            );
        }
        let last = ops::order_detail(&store, "1001").await.unwrap();
        assert!(last.is_complete(), "every line is packed: {:?}", last.lines);
        let done = common::finish(&store, &me, "1001", None).await.unwrap();
        assert_eq!(
            done.head.status,
            OrderStatus::Ready,
            "a fully packed order becomes ready"
        );
        assert!(
            done.head.claimed_station.is_none(),
            "the station lets go of a finished order"
        );
        let kinds: Vec<_> = done.events.iter().map(|e| e.kind.as_str()).collect();
        assert!(
            kinds.contains(&"claimed") && kinds.contains(&"packed"),
            "history records claim and pack: {kinds:?}"
        );
        let packed_event = done
            .events
            .iter()
            .find(|e| e.kind == EventKind::Packed)
            .unwrap();
        assert_eq!(
            packed_event.station, STATION,
            "the event says where it happened"
        );
        assert_eq!(done.scans.len(), 3, "the ledger holds the three scans");
    }
);

on_both_engines!(the_last_scan_reports_the_order_complete, |db| {
    let store = warehouse(&db).await;
    let me = packer(STATION);
    ops::claim_order(&store, &me, "1001").await.unwrap();
    let first = scan(&store, &me, "4006381333931", "a").await;
    assert!(
        matches!(
            first,
            ScanOutcome::Accepted {
                order_complete: false,
                packed: 1,
                ordered: 2,
                ..
            }
        ),
        "{first:?}"
    );
    scan(&store, &me, "4006381333931", "b").await;
    let last = scan(&store, &me, "4601234567893", "c").await;
    assert!(
        matches!(
            last,
            ScanOutcome::Accepted {
                order_complete: true,
                ..
            }
        ),
        "the UI can finish on its own: {last:?}"
    );
});

on_both_engines!(
    wrong_extra_unknown_and_invalid_codes_are_refused_and_change_nothing,
    |db| {
        let store = warehouse(&db).await;
        let me = packer(STATION);
        ops::claim_order(&store, &me, "1001").await.unwrap();
        scan(&store, &me, "4601234567893", "kettle").await;
        let before = packed(&store).await;

        let wrong = scan(&store, &me, "4600000000008", "spoon").await;
        assert!(
            matches!(&wrong, ScanOutcome::WrongItem { sku, .. } if sku == "PB-007"),
            "the spoon is not in the order: {wrong:?}"
        );
        let extra = scan(&store, &me, "4601234567893", "kettle-again").await;
        assert!(
            matches!(
                extra,
                ScanOutcome::OverScan {
                    packed: 1,
                    ordered: 1,
                    ..
                }
            ),
            "one kettle is enough: {extra:?}"
        );
        let unknown = scan(&store, &me, "4012345678901", "unknown").await;
        assert_eq!(
            unknown,
            ScanOutcome::UnknownBarcode,
            "a valid EAN no product carries"
        );
        let invalid = scan(&store, &me, "4006381333932", "bad-check").await;
        assert!(
            matches!(&invalid, ScanOutcome::InvalidBarcode { reason } if reason.contains('1')),
            "bad check digit names the right one: {invalid:?}"
        );
        let control = scan(&store, &me, "40063\u{7}81333931", "bell").await;
        assert!(
            matches!(control, ScanOutcome::InvalidBarcode { .. }),
            "a control character is refused: {control:?}"
        );
        let long = ops::record_scan(&store, &me, "1001", &"9".repeat(500), "long")
            .await
            .unwrap();
        assert!(
            matches!(long.outcome, ScanOutcome::InvalidBarcode { .. }),
            "500 characters are refused: {:?}",
            long.outcome
        );

        assert_eq!(
            packed(&store).await,
            before,
            "refused scans leave every line as it was"
        );
        let detail = ops::order_detail(&store, "1001").await.unwrap();
        let outcomes: Vec<_> = detail.scans.iter().map(|s| s.outcome.as_str()).collect();
        assert_eq!(
            outcomes,
            vec![
                "accepted",
                "wrong_item",
                "over_scan",
                "unknown_barcode",
                "invalid_barcode",
                "invalid_barcode",
                "invalid_barcode"
            ],
            "every scan, refused ones too, is in the ledger"
        );
        assert_eq!(detail.head.status, OrderStatus::Packing);
    }
);

on_both_engines!(a_retried_scan_id_is_counted_once, |db| {
    let store = warehouse(&db).await;
    let me = packer(STATION);
    ops::claim_order(&store, &me, "1001").await.unwrap();
    let first = ops::record_scan(&store, &me, "1001", "4006381333931", "same-id")
        .await
        .unwrap();
    let again = ops::record_scan(&store, &me, "1001", "4006381333931", "same-id")
        .await
        .unwrap();
    assert!(
        !first.duplicate && again.duplicate,
        "the second send is recognised as a retry"
    );
    assert_eq!(
        first.outcome, again.outcome,
        "a retry gets the first verdict back"
    );
    assert_eq!(packed(&store).await[0].1, 1, "one mug packed, not two");
});

on_both_engines!(two_scans_sent_together_are_both_counted, |db| {
    let store = warehouse(&db).await;
    let me = packer(STATION);
    ops::claim_order(&store, &me, "1001").await.unwrap();
    let (a, b) = tokio::join!(
        ops::record_scan(&store, &me, "1001", "4006381333931", "quick-1"),
        ops::record_scan(&store, &me, "1001", "4006381333931", "quick-2"),
    );
    assert!(
        a.unwrap().outcome.is_accepted() && b.unwrap().outcome.is_accepted(),
        "both mugs are accepted"
    );
    assert_eq!(
        packed(&store).await[0].1,
        2,
        "neither scan is lost or merged"
    );
});

on_both_engines!(undo_takes_back_the_last_accepted_scan_only, |db| {
    let store = warehouse(&db).await;
    let me = packer(STATION);
    ops::claim_order(&store, &me, "1001").await.unwrap();
    scan(&store, &me, "4006381333931", "m1").await;
    scan(&store, &me, "4601234567893", "k1").await;
    scan(&store, &me, "4600000000008", "wrong").await;
    let undone = ops::undo_last_scan(&store, &me, "1001").await.unwrap();
    assert_eq!(
        (undone.sku.as_str(), undone.packed),
        ("PB-002", 0),
        "the kettle, not the refused spoon, is taken back"
    );
    let again = ops::undo_last_scan(&store, &me, "1001").await.unwrap();
    assert_eq!(
        (again.sku.as_str(), again.packed),
        ("PB-001", 0),
        "then the mug"
    );
    let nothing = ops::undo_last_scan(&store, &me, "1001").await.unwrap_err();
    assert!(
        matches!(nothing, Error::Refused(_)),
        "nothing left to undo: {nothing}"
    );
    let detail = ops::order_detail(&store, "1001").await.unwrap();
    assert_eq!(
        detail
            .scans
            .iter()
            .filter(|s| s.outcome == ScanKind::Undo)
            .count(),
        2,
        "undos are ledger rows of their own"
    );
});

on_both_engines!(finishing_a_short_order_needs_a_reason, |db| {
    let store = warehouse(&db).await;
    let me = packer(STATION);
    ops::claim_order(&store, &me, "1001").await.unwrap();
    scan(&store, &me, "4006381333931", "m1").await;
    let refused = common::finish(&store, &me, "1001", None).await.unwrap_err();
    let text = refused.to_string();
    assert!(
        text.contains("PB-001 1 of 2") && text.contains("PB-002 0 of 1"),
        "the refusal lists what is missing: {text}"
    );
    assert_eq!(
        ops::order_detail(&store, "1001").await.unwrap().head.status,
        OrderStatus::Packing
    );
    // A packer does not ship short alone: a supervisor approves at the
    // station, and a wrong PIN approves nothing.
    let reason = Some("kettle damaged, customer agreed");
    let alone = common::finish(&store, &me, "1001", reason)
        .await
        .unwrap_err();
    assert!(matches!(alone, Error::NeedsApproval(_)), "{alone}");
    assert!(alone.to_string().contains("supervisor"), "{alone}");
    let svetlana = common::approver(&store).await;
    let wrong = ops::Credential::Secret {
        login: "svetlana".into(),
        secret: "0000".into(),
    };
    let refused = common::finish_approved(&store, &me, "1001", reason, Some(&wrong))
        .await
        .unwrap_err();
    assert!(matches!(refused, Error::WrongCredentials(_)), "{refused}");
    assert_eq!(
        ops::order_detail(&store, "1001").await.unwrap().head.status,
        OrderStatus::Packing,
        "nothing changed"
    );
    let done = common::finish_approved(&store, &me, "1001", reason, Some(&svetlana))
        .await
        .unwrap();
    assert_eq!(done.head.status, OrderStatus::Ready);
    assert_eq!(
        done.head.short_reason.as_deref(),
        Some("kettle damaged, customer agreed")
    );
    let short = done
        .events
        .iter()
        .find(|e| e.kind == EventKind::PackedShort)
        .expect("the short-ship is in the history");
    assert_eq!(short.user, me.user, "the packer did it");
    assert_eq!(
        short.approved_by.as_deref(),
        Some("Светлана"),
        "she approved it"
    );
});

on_both_engines!(a_case_barcode_counts_six_units_and_cannot_overfill, |db| {
    let store = warehouse(&db).await;
    let me = packer(STATION);
    ops::claim_order(&store, &me, "1001").await.unwrap();
    let case = scan(&store, &me, "14006381333938", "case").await;
    assert!(
        matches!(
            case,
            ScanOutcome::OverScan {
                units: 6,
                ordered: 2,
                ..
            }
        ),
        "a case of 6 does not fit a line of 2: {case:?}"
    );
    assert_eq!(packed(&store).await[0].1, 0, "nothing was packed");
});

on_both_engines!(
    a_gs1_code_and_a_marking_code_find_the_product_by_its_gtin,
    |db| {
        let store = warehouse(&db).await;
        let me = packer(STATION);
        ops::claim_order(&store, &me, "1001").await.unwrap();
        let gs1 = scan(
            &store,
            &me,
            "]C1010400638133393117261231\u{1d}10LOT7",
            "gs1",
        )
        .await;
        assert!(
            matches!(&gs1, ScanOutcome::Accepted { sku, .. } if sku == "PB-001"),
            "GTIN-14 with leading 0 matches the EAN-13: {gs1:?}"
        );
        let printed = scan(&store, &me, "(01)04601234567893(21)ABC", "printed").await;
        assert!(
            matches!(&printed, ScanOutcome::Accepted { sku, .. } if sku == "PB-002"),
            "the printed form works too: {printed:?}"
        );
        ops::undo_last_scan(&store, &me, "1001").await.unwrap();
        let marking = "0104601234567893215Qbag!\u{1d}93dGVz";
        let first = scan(&store, &me, marking, "mark-1").await;
        assert!(
            first.is_accepted(),
            "a Chestny ZNAK code packs its product: {first:?}"
        );
        ops::undo_last_scan(&store, &me, "1001").await.unwrap();
        let after_undo = scan(&store, &me, marking, "mark-2").await;
        assert!(
            after_undo.is_accepted(),
            "after an undo the same item may go in again: {after_undo:?}"
        );
    }
);

on_both_engines!(the_same_marked_item_cannot_go_into_the_box_twice, |db| {
    let store = warehouse(&db).await;
    let me = packer(STATION);
    ops::claim_order(&store, &me, "1001").await.unwrap();
    let marking = "0104006381333931215Qbag!\u{1d}93dGVz";
    assert!(scan(&store, &me, marking, "m1").await.is_accepted());
    let twice = scan(&store, &me, marking, "m2").await;
    assert!(
        matches!(twice, ScanOutcome::OverScan { .. }),
        "one physical mug, scanned twice, is counted once: {twice:?}"
    );
    assert_eq!(packed(&store).await[0].1, 1);
});

on_both_engines!(scanning_an_order_not_claimed_here_is_refused, |db| {
    let store = warehouse(&db).await;
    let other = packer("station-2");
    let outcome = ops::record_scan(&store, &other, "1001", "4006381333931", "x")
        .await
        .unwrap()
        .outcome;
    assert_eq!(outcome, ScanOutcome::NotClaimed { held_by: None });
    ops::claim_order(&store, &packer(STATION), "1001")
        .await
        .unwrap();
    let outcome = ops::record_scan(&store, &other, "1001", "4006381333931", "y")
        .await
        .unwrap()
        .outcome;
    assert_eq!(
        outcome,
        ScanOutcome::NotClaimed {
            held_by: Some(STATION.into())
        },
        "the refusal names the holder"
    );
    assert_eq!(packed(&store).await[0].1, 0);
});

on_both_engines!(
    two_stations_claiming_at_once_have_exactly_one_winner,
    |db| {
        let store = warehouse(&db).await;
        let a = packer("station-A");
        let b = packer("station-B");
        let (ra, rb) = tokio::join!(
            ops::claim_order(&store, &a, "1001"),
            ops::claim_order(&store, &b, "1001")
        );
        let wins = [ra.is_ok(), rb.is_ok()];
        assert_eq!(
            wins.iter().filter(|w| **w).count(),
            1,
            "exactly one station wins: {ra:?} {rb:?}"
        );
        let (winner, loser) = if ra.is_ok() {
            ("station-A", rb)
        } else {
            ("station-B", ra)
        };
        match loser.unwrap_err() {
            Error::Conflict(m) => {
                assert!(m.contains(winner), "the loser is told who holds it: {m}")
            }
            other => panic!("expected a conflict, got {other}"),
        }
    }
);

on_both_engines!(
    a_supervisor_releases_a_claim_and_a_packer_cannot_release_anothers,
    |db| {
        let store = warehouse(&db).await;
        let holder = packer(STATION);
        ops::claim_order(&store, &holder, "1001").await.unwrap();
        scan(&store, &holder, "4006381333931", "m1").await;
        let denied = ops::release_claim(&store, &packer("station-2"), "1001", None)
            .await
            .unwrap_err();
        assert!(matches!(denied, Error::NeedsApproval(_)), "{denied}");
        let picker = Actor::new("ivan", "station-2", ops::Role::Picker);
        let not_a_packer = ops::release_claim(&store, &picker, "1001", None)
            .await
            .unwrap_err();
        assert!(
            matches!(not_a_packer, Error::Forbidden { .. }),
            "{not_a_packer}"
        );
        let released = ops::release_claim(&store, &supervisor(), "1001", None)
            .await
            .unwrap();
        assert_eq!(released.head.status, OrderStatus::Confirmed);
        assert_eq!(released.packed, 1, "what is in the box stays counted");
        ops::claim_order(&store, &packer("station-2"), "1001")
            .await
            .expect("another station may take it now");
    }
);

on_both_engines!(shipping_takes_stock_once_and_only_once, |db| {
    let store = warehouse(&db).await;
    let me = packer(STATION);
    let mug_before = ops::product_by_sku(&store, "PB-001").await.unwrap();
    assert_eq!(
        mug_before.stock,
        vec![("A-02".to_string(), 40, 2)],
        "confirming reserved two mugs"
    );
    ops::claim_order(&store, &me, "1001").await.unwrap();
    for (i, c) in ["4006381333931", "4006381333931", "4601234567893"]
        .iter()
        .enumerate()
    {
        scan(&store, &me, c, &format!("s{i}")).await;
    }
    let early = ops::ship_order(&store, &me, "1001", "СДЭК", "1234567890")
        .await
        .unwrap_err();
    assert!(
        matches!(
            early,
            Error::InvalidTransition {
                from: OrderStatus::Packing,
                ..
            }
        ),
        "not before it is packed: {early}"
    );
    common::finish(&store, &me, "1001", None).await.unwrap();
    let other = packer("station-2");
    let (a, b) = tokio::join!(
        ops::ship_order(&store, &me, "1001", "СДЭК", "1234567890"),
        ops::ship_order(&store, &other, "1001", "СДЭК", "1234567890"),
    );
    assert_eq!(
        [a.is_ok(), b.is_ok()].iter().filter(|x| **x).count(),
        1,
        "shipped once: {a:?} {b:?}"
    );
    let shipped = ops::order_detail(&store, "1001").await.unwrap();
    assert_eq!(shipped.head.status, OrderStatus::Shipped);
    assert_eq!(shipped.head.tracking_number.as_deref(), Some("1234567890"));
    let mug = ops::product_by_sku(&store, "PB-001").await.unwrap();
    assert_eq!(
        mug.stock,
        vec![("A-02".to_string(), 38, 0)],
        "two mugs left the shelf and the reservation"
    );
    let kettle = ops::product_by_sku(&store, "PB-002").await.unwrap();
    assert_eq!(kettle.stock, vec![("B-10".to_string(), 4, 0)]);
    let again = ops::ship_order(&store, &me, "1001", "DHL", "X")
        .await
        .unwrap_err();
    assert!(
        matches!(again, Error::Conflict(ref m) if m.contains("already shipped")),
        "{again}"
    );
});

on_both_engines!(short_shipped_units_go_back_to_free_stock, |db| {
    let store = warehouse(&db).await;
    let me = packer(STATION);
    ops::claim_order(&store, &me, "1001").await.unwrap();
    scan(&store, &me, "4006381333931", "m1").await;
    scan(&store, &me, "4601234567893", "k1").await;
    let svetlana = common::approver(&store).await;
    common::finish_approved(
        &store,
        &me,
        "1001",
        Some("only one mug left"),
        Some(&svetlana),
    )
    .await
    .unwrap();
    ops::ship_order(&store, &me, "1001", "Почта России", "RA123456789RU")
        .await
        .unwrap();
    let mug = ops::product_by_sku(&store, "PB-001").await.unwrap();
    assert_eq!(
        mug.stock,
        vec![("A-02".to_string(), 39, 0)],
        "one mug left, the other's reservation is freed"
    );
});

/// Claims 1001 at STATION, scans both mugs and the kettle, closes the box.
async fn pack_1001(store: &Store) -> ops::OrderDetail {
    let me = packer(STATION);
    ops::claim_order(store, &me, "1001").await.unwrap();
    for (i, code) in ["4006381333931", "4006381333931", "4601234567893"]
        .iter()
        .enumerate()
    {
        assert!(scan(store, &me, code, &format!("p{i}")).await.is_accepted());
    }
    common::finish(store, &me, "1001", None).await.unwrap()
}

on_both_engines!(
    opening_a_ready_order_at_packing_goes_to_the_hand_over_and_leaves_it_ready,
    |db| {
        let store = warehouse(&db).await;
        let ready = pack_1001(&store).await;
        assert_eq!(ready.head.status, OrderStatus::Ready);
        // The same station scans the number again, and so does another one.
        for station in [STATION, "station-2"] {
            let opened = ops::open_for_packing(&store, &packer(station), "1001")
                .await
                .unwrap();
            let ops::Opened::HandOver { order } = opened else {
                panic!("a packed order opens at the hand-over at {station}: {opened:?}");
            };
            assert_eq!(order.head.status, OrderStatus::Ready, "it stays packed");
            assert!(order.head.claimed_station.is_none(), "nobody claims it");
        }
        let refused = ops::claim_order(&store, &packer(STATION), "1001")
            .await
            .unwrap_err();
        assert!(
            matches!(refused, Error::Refused(_)) && refused.to_string().contains("take it apart"),
            "claiming a packed order is refused with what to do: {refused}"
        );
        let after = ops::order_detail(&store, "1001").await.unwrap();
        assert_eq!(after.head.status, OrderStatus::Ready);
        assert_eq!(after.packed, 3, "the packed units stay counted");
        assert_eq!(
            after
                .events
                .iter()
                .filter(|e| e.kind == EventKind::Claimed)
                .count(),
            1,
            "only the first packing claimed it; opening it again wrote no claim: {:?}",
            after.events
        );
        // And it ships from there.
        let shipped = ops::ship_order(&store, &packer(STATION), "1001", "СДЭК", "1084563217")
            .await
            .unwrap();
        assert_eq!(shipped.head.status, OrderStatus::Shipped);
    }
);

on_both_engines!(
    opening_a_confirmed_order_claims_it_and_opening_it_again_carries_on,
    |db| {
        let store = warehouse(&db).await;
        let me = packer(STATION);
        let first = ops::open_for_packing(&store, &me, "1001").await.unwrap();
        assert!(
            matches!(&first, ops::Opened::Packing { order } if order.head.status == OrderStatus::Packing
                && order.head.claimed_station.as_deref() == Some(STATION)),
            "{first:?}"
        );
        assert!(scan(&store, &me, "4006381333931", "o1").await.is_accepted());
        let again = ops::open_for_packing(&store, &me, "1001").await.unwrap();
        assert!(
            matches!(&again, ops::Opened::Packing { order } if order.packed == 1),
            "re-opening keeps what was packed: {again:?}"
        );
        let elsewhere = ops::open_for_packing(&store, &packer("station-2"), "1001")
            .await
            .unwrap_err();
        assert!(
            matches!(elsewhere, Error::Conflict(_)) && elsewhere.to_string().contains(STATION),
            "{elsewhere}"
        );
    }
);

on_both_engines!(
    taking_a_packed_order_apart_is_an_explicit_action_with_a_reason_in_the_history,
    |db| {
        let store = warehouse(&db).await;
        pack_1001(&store).await;
        let me = packer(STATION);
        let no_reason = ops::take_apart(&store, &me, "1001", "  ", None)
            .await
            .unwrap_err();
        assert!(matches!(no_reason, Error::Invalid(_)), "{no_reason}");
        let alone = ops::take_apart(&store, &me, "1001", "customer adds a mug by phone", None)
            .await
            .unwrap_err();
        assert!(matches!(alone, Error::NeedsApproval(_)), "{alone}");
        let svetlana = common::approver(&store).await;
        let opened = ops::take_apart(
            &store,
            &me,
            "1001",
            "customer adds a mug by phone",
            Some(&svetlana),
        )
        .await
        .unwrap();
        assert_eq!(opened.head.status, OrderStatus::Packing);
        assert_eq!(opened.head.claimed_station.as_deref(), Some(STATION));
        assert_eq!(opened.packed, 3, "what was packed stays counted");
        let taken = opened
            .events
            .iter()
            .find(|e| e.kind == EventKind::TakenApart)
            .expect("the history says the box was opened again");
        assert_eq!(taken.station, STATION);
        assert_eq!(
            taken.after.as_ref().and_then(|a| a["reason"].as_str()),
            Some("customer adds a mug by phone")
        );
        // An order that is not packed cannot be taken apart.
        let again = ops::take_apart(&store, &me, "1001", "twice", Some(&svetlana))
            .await
            .unwrap_err();
        assert!(
            again.to_string().contains("packing"),
            "names both statuses: {again}"
        );
        // Undo works on the reopened box, and finishing makes it ready again.
        ops::undo_last_scan(&store, &me, "1001").await.unwrap();
        let done = common::finish_approved(
            &store,
            &me,
            "1001",
            Some("kettle stays out"),
            Some(&svetlana),
        )
        .await
        .unwrap();
        assert_eq!(done.head.status, OrderStatus::Ready);
    }
);

on_both_engines!(an_invalid_transition_names_both_statuses, |db| {
    let store = warehouse(&db).await;
    let err = common::finish(&store, &packer(STATION), "1001", None)
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("confirmed") && text.contains("ready"),
        "{text}"
    );
    let missing = ops::claim_order(&store, &packer(STATION), "9999")
        .await
        .unwrap_err();
    assert!(matches!(missing, Error::NotFound { .. }) && missing.to_string().contains("9999"));
});

on_both_engines!(cancelling_releases_the_reservation, |db| {
    let store = warehouse(&db).await;
    let no_reason = ops::cancel_order(&store, &supervisor(), "1001", " ")
        .await
        .unwrap_err();
    assert!(matches!(no_reason, Error::Invalid(_)));
    let cancelled = ops::cancel_order(&store, &supervisor(), "1001", "customer called")
        .await
        .unwrap();
    assert_eq!(cancelled.head.status, OrderStatus::Cancelled);
    let mug = ops::product_by_sku(&store, "PB-001").await.unwrap();
    assert_eq!(
        mug.stock,
        vec![("A-02".to_string(), 40, 0)],
        "the two reserved mugs are free again"
    );
    let claim = ops::claim_order(&store, &packer(STATION), "1001")
        .await
        .unwrap_err();
    assert!(
        matches!(
            claim,
            Error::InvalidTransition {
                from: OrderStatus::Cancelled,
                to: OrderStatus::Packing
            }
        ),
        "{claim}"
    );
});

on_both_engines!(customers_are_found_by_name_email_and_phone, |db| {
    let store = warehouse(&db).await;
    let find = |q: &str| {
        let store = store.clone();
        let q = q.to_string();
        async move {
            ops::list_orders(
                &store,
                &ops::OrderFilter {
                    search: Some(q),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .into_iter()
            .map(|o| o.number)
            .collect::<Vec<_>>()
        }
    };
    assert_eq!(find("иванова").await, vec!["1001"], "surname, lower case");
    assert_eq!(
        find("Мар Ива").await,
        vec!["1001"],
        "word starts in any order"
    );
    assert_eq!(find("maria@example").await, vec!["1001"], "e-mail");
    assert_eq!(
        find("+7 (912) 345-67-89").await,
        vec!["1001"],
        "phone as typed"
    );
    assert_eq!(
        find("9123456789").await,
        vec!["1001"],
        "phone without the country code"
    );
    assert!(find("Петров").await.is_empty(), "no false matches");
    let confirmed = ops::list_orders(
        &store,
        &ops::OrderFilter {
            statuses: vec![OrderStatus::Confirmed],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(confirmed.len(), 1);
    assert_eq!(
        (confirmed[0].units, confirmed[0].total_minor),
        (3, 3 * 45_000 + 30_000)
    );
});

on_both_engines!(
    the_transition_matrix_in_the_database_is_the_standard_one,
    |db| {
        let mut conn = db.store.pool().acquire().await.unwrap();
        let stored = packbench_core::store::statuses::transition_matrix(&mut conn)
            .await
            .unwrap();
        assert_eq!(
            stored,
            packbench_core::domain::TransitionMatrix::standard(),
            "migration and code agree"
        );
    }
);

// The scan reads the order's lines in the same statement as the order (a
// JSON array on both engines): a name with quotes, a backslash and
// Cyrillic comes back as entered, and two lines of one product fill in
// their order.
on_both_engines!(a_scan_reads_line_names_and_their_order_as_entered, |db| {
    let store = warehouse(&db).await;
    let admin = Actor::new("admin", "office", ops::Role::Admin);
    let odd = r#"Кружка "Утро" 0,3 л \ белая"#;
    let csv = format!(
            "{CSV_HEADER}\
             1002,phone,Петров Пётр,p@example.ru,+79120000000,\"Казань, ул. Садовая, 5\",СДЭК,300.00,RUB,paid,,PB-001,\"{}\",1,450.00,0,20\n\
             1002,phone,Петров Пётр,p@example.ru,+79120000000,\"Казань, ул. Садовая, 5\",СДЭК,300.00,RUB,paid,,PB-001,вторая кружка,1,450.00,0,20\n",
            odd.replace('"', "\"\"")
        );
    import_one(&store, &admin, &csv, "1002").await;
    ops::confirm_order(&store, &admin, "1002").await.unwrap();
    let me = packer(STATION);
    ops::claim_order(&store, &me, "1002").await.unwrap();
    let mut names = Vec::new();
    for id in ["a", "b"] {
        match ops::record_scan(&store, &me, "1002", "4006381333931", id)
            .await
            .unwrap()
            .outcome
        {
            ScanOutcome::Accepted { name, .. } => names.push(name),
            other => panic!("scan {id} fits order 1002: {other:?}"),
        }
    }
    assert_eq!(
        names,
        vec![odd.to_string(), "вторая кружка".to_string()],
        "the first line takes the first mug, as named"
    );
});

// Lines fill in the order they stand in, not the order they were written:
// an edit that puts the later line first makes it the first to pack.
// (The scan's statement orders them itself; the table's index happens to
// give them by position anyway, so the test holds the rule, not the plan.)
on_both_engines!(a_scan_fills_lines_in_their_order_after_an_edit, |db| {
    let store = warehouse(&db).await;
    let admin = Actor::new("admin", "office", ops::Role::Admin);
    let csv = format!("{CSV_HEADER}\
         1003,phone,Петров Пётр,p@example.ru,+79120000000,\"Казань, ул. Садовая, 5\",СДЭК,300.00,RUB,paid,,PB-001,первая,1,450.00,0,20\n\
         1003,phone,Петров Пётр,p@example.ru,+79120000000,\"Казань, ул. Садовая, 5\",СДЭК,300.00,RUB,paid,,PB-001,вторая,1,450.00,0,20\n");
    import_one(&store, &admin, &csv, "1003").await;
    let written = line_ids(&store, "1003").await;
    assert_eq!(written.len(), 2, "two lines of one product");
    // The later line first, and one more of it (moving lines alone is no
    // edit worth keeping).
    let swapped: Vec<ops::LineInput> = [(written[1], 2), (written[0], 1)]
        .iter()
        .map(|&(id, quantity)| ops::LineInput {
            id: Some(id),
            sku: "PB-001".into(),
            quantity,
            unit_price: "450".into(),
            discount: String::new(),
            tax_rate_bp: Some(2000),
        })
        .collect();
    ops::edit_order(
        &store,
        &supervisor(),
        "1003",
        &ops::OrderEdit {
            lines: Some(swapped),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let standing = line_ids(&store, "1003").await;
    assert_eq!(
        standing,
        vec![written[1], written[0]],
        "the edit put the later line first"
    );
    ops::confirm_order(&store, &admin, "1003").await.unwrap();
    let me = packer(STATION);
    ops::claim_order(&store, &me, "1003").await.unwrap();
    match ops::record_scan(&store, &me, "1003", "4006381333931", "first")
        .await
        .unwrap()
        .outcome
    {
        ScanOutcome::Accepted { line_id, .. } => assert_eq!(
            line_id, written[1],
            "the line standing first takes the first mug"
        ),
        other => panic!("the mug fits order 1003: {other:?}"),
    }
});
