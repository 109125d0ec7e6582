//! Dropshipping on a real database, SQLite and PostgreSQL (issue 15 item
//! 4): confirming an order puts the lines suppliers ship on one purchase
//! order per supplier (PDF and CSV read back as a supplier reads them),
//! mailed through the outbox only when mail is on and the supplier has an
//! address; those lines are neither reserved nor packed here; the
//! warehouse's part packs and ships on its own; each supplier's tracking
//! number ships its part; the order is shipped only when every part left,
//! and delivered when the carriers' files say every parcel was handed over;
//! its one settlement receipt (54-ФЗ) comes with that last part, whichever
//! part it is.
//! Cancelling cancels the purchase orders still waiting and tells the
//! suppliers that were mailed.

mod common;

use base64::Engine as _;
use common::{clock, packer, TestDb};
use packbench_core::documents::Lang;
use packbench_core::domain::OrderStatus;
use packbench_core::exchange::OrderFormat;
use packbench_core::ops::{
    self, Actor, DropshipState, MailSecurity, MailSettings, NotifyEvent, Role, SupplierInput,
};
use packbench_core::store::Store;
use packbench_core::Error;
use std::io::BufRead;
use std::path::Path;
use std::process::{Command, Stdio};

const MUG: &str = "4006381333931";
const THERMOS: &str = "4607001234562";
const MSK: i32 = 180;

fn admin() -> Actor {
    Actor::new("admin", "office", Role::Admin)
}

fn manager() -> Actor {
    Actor::new("elena", "office", Role::Manager)
}

/// A mug the warehouse keeps; a thermos «Термосы оптом» ships (it has an
/// order address); a plaid «Пледы» ships (no address, and the warehouse
/// has none of it). Order 3001 wants two mugs, a thermos and a plaid;
/// 3002 only a thermos. Both new.
async fn warehouse(db: &TestDb) -> Store {
    let store = db.store.clone().with_clock(clock());
    ops::set_seller(&store, &admin(), &packbench_core::documents::Seller::demo())
        .await
        .unwrap();
    let products = format!(
        "sku,name,weight_g,bin,barcodes,stock\n\
         PB-001,Кружка «Утро»,350,A-02,{MUG},40\n\
         DS-100,Термос 0.5 л,400,,{THERMOS},\n\
         DS-200,Плед клетчатый,900,,4607007654326,\n"
    );
    let p = ops::import_products(&store, &admin(), products.as_bytes())
        .await
        .unwrap();
    assert_eq!(p.imported, 3, "{:?}", p.errors);
    let orders = "number,channel,customer_name,email,phone,shipping_address,delivery_method,currency,payment_status,sku,item_name,quantity,unit_price\n\
        3001,phone,Иванова Мария,maria@example.ru,+7 900 111-22-33,\"420021, г. Казань, ул. Садовая, д. 5, кв. 12\",СДЭК,RUB,paid,PB-001,Кружка,2,450\n\
        3001,,,,,,,,,DS-100,Термос,1,1900\n\
        3001,,,,,,,,,DS-200,Плед,1,2500\n\
        3002,phone,Петров Пётр,petr@example.ru,+7 900 444-55-66,\"190000, Санкт-Петербург, Невский пр., д. 1\",СДЭК,RUB,paid,DS-100,Термос,2,1900\n";
    let o = ops::import_orders(&store, &admin(), orders.as_bytes(), OrderFormat::Packbench)
        .await
        .unwrap();
    assert_eq!(o.imported, 2, "{:?}", o.errors);
    ops::save_supplier(
        &store,
        &admin(),
        &SupplierInput {
            name: "Термосы оптом".into(),
            email: "orders@thermos.example".into(),
            inn: "7707083893".into(),
            phone: "+7 495 000-11-22".into(),
        },
    )
    .await
    .unwrap();
    ops::save_supplier(
        &store,
        &admin(),
        &SupplierInput {
            name: "Пледы".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    ops::link_product(&store, &admin(), "DS-100", Some("Термосы оптом"))
        .await
        .unwrap();
    ops::link_product(&store, &admin(), "DS-200", Some("пледы"))
        .await
        .expect("a supplier's name typed in another case still finds it");
    store
}

fn mail_on(port: u16) -> MailSettings {
    MailSettings {
        enabled: true,
        host: "127.0.0.1".into(),
        port,
        security: MailSecurity::None,
        user: String::new(),
        from_address: "shop@packbench-demo.ru".into(),
        from_name: "Магазин «Пакбенч»".into(),
        lang: Lang::Ru,
        events: NotifyEvent::ALL.to_vec(),
    }
}

async fn po_of(store: &Store, order: &str, supplier: &str) -> ops::PurchaseOrderHead {
    ops::order_purchase_orders(store, order)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.supplier == supplier)
        .unwrap_or_else(|| panic!("order {order} has a purchase order to {supplier}"))
}

async fn status(store: &Store, number: &str) -> OrderStatus {
    ops::order_detail(store, number).await.unwrap().head.status
}

fn pdftotext(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("po.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = Command::new("pdftotext")
        .args(["-layout", path.to_str().unwrap(), "-"])
        .env("LANG", "C.UTF-8")
        .env("LC_ALL", "C.UTF-8")
        .output()
        .expect("pdftotext runs (poppler-utils: scripts/install-deps.sh)");
    assert!(out.status.success(), "pdftotext reads the purchase order");
    String::from_utf8(out.stdout).unwrap()
}

async fn outbox_count(store: &Store, event: &str, recipient: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM outbox WHERE event = $1 AND recipient = $2",
    )
    .bind(event)
    .bind(recipient)
    .fetch_one(store.pool())
    .await
    .unwrap()
}

on_both_engines!(
    confirming_makes_one_purchase_order_per_supplier_and_reserves_only_the_warehouse_part,
    |db| {
        let store = warehouse(&db).await;
        let confirmed = ops::confirm_order(&store, &manager(), "3001")
            .await
            .unwrap();
        assert!(
            confirmed.unreserved_skus.is_empty(),
            "the plaid the warehouse has none of is the supplier's, not a shortage: {:?}",
            confirmed.unreserved_skus
        );
        let lines = &confirmed.order.lines;
        let mug = lines.iter().find(|l| l.sku == "PB-001").unwrap();
        assert_eq!(mug.dropship, None, "the warehouse ships the mugs");
        for sku in ["DS-100", "DS-200"] {
            let l = lines.iter().find(|l| l.sku == sku).unwrap();
            assert_eq!(l.dropship, Some(DropshipState::AwaitingSupplier), "{sku}");
            assert_eq!(
                l.backordered, 0,
                "{sku} waits for its supplier, not for stock"
            );
        }
        let pos = ops::order_purchase_orders(&store, "3001").await.unwrap();
        assert_eq!(pos.len(), 2, "one purchase order per supplier: {pos:?}");
        let thermos = po_of(&store, "3001", "Термосы оптом").await;
        assert_eq!(thermos.units, 1);
        assert_eq!(thermos.state, DropshipState::AwaitingSupplier);
        // Mail is not set up here: created, not mailed, and it says why.
        assert_eq!(thermos.mail_status, None);
        assert!(
            thermos
                .mail_problem
                .as_deref()
                .unwrap_or("")
                .contains("mail is not set up"),
            "{thermos:?}"
        );
        let plaid = po_of(&store, "3001", "Пледы").await;
        assert!(
            plaid
                .mail_problem
                .as_deref()
                .unwrap_or("")
                .contains("no e-mail address"),
            "{plaid:?}"
        );
        assert_eq!(
            outbox_count(&store, "purchase_order", "orders@thermos.example").await,
            0
        );
        // Only the mugs are reserved from the warehouse's stock.
        let reserved: i64 = sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(r.qty), 0) AS BIGINT) FROM reservations r \
             JOIN orders o ON o.id = r.order_id WHERE o.number = '3001'",
        )
        .fetch_one(store.pool())
        .await
        .unwrap();
        assert_eq!(reserved, 2, "two mugs, nothing of the suppliers' goods");

        // A second confirmation is refused and makes no second purchase order.
        let again = ops::confirm_order(&store, &manager(), "3001").await;
        assert!(
            matches!(again, Err(Error::InvalidTransition { .. })),
            "{again:?}"
        );
        assert_eq!(
            ops::order_purchase_orders(&store, "3001")
                .await
                .unwrap()
                .len(),
            2
        );
        assert_eq!(ops::purchase_orders(&store, true).await.unwrap().len(), 2);

        // The PDF as the supplier reads it: the store, the supplier, its
        // lines only, the order and where to ship; never the customer's e-mail.
        let pdf = ops::purchase_order_pdf(&store, &thermos.number, None)
            .await
            .unwrap();
        assert_eq!(pdf.file_name, format!("{}.pdf", thermos.number));
        let text = pdftotext(&pdf.bytes);
        for want in [
            thermos.number.as_str(),
            "Заказ поставщику",
            "Термосы оптом",
            "7707083893",
            "3001",
            "DS-100",
            "Термос",
            "ООО «Пакбенч»",
            "ИНН 1655123453, КПП 165501001",
            THERMOS,
            "Иванова Мария",
            "ул. Садовая, д. 5, кв. 12",
            "+7 900 111-22-33",
        ] {
            assert!(text.contains(want), "the PDF says {want:?}:\n{text}");
        }
        assert!(
            !text.contains("PB-001"),
            "the warehouse's mugs are not on it"
        );
        assert!(
            !text.contains("DS-200"),
            "the other supplier's plaid is not on it"
        );
        assert!(
            !text.contains("maria@example.ru"),
            "the customer's e-mail stays with the store"
        );
        let en = pdftotext(
            &ops::purchase_order_pdf(&store, &thermos.number, Some(Lang::En))
                .await
                .unwrap()
                .bytes,
        );
        assert!(
            en.contains("Purchase order") && en.contains("SHIP TO THE CUSTOMER"),
            "{en}"
        );

        // The CSV read back row by row.
        let csv = ops::purchase_order_csv(&store, &plaid.number, None)
            .await
            .unwrap();
        let text = String::from_utf8(csv.bytes).unwrap();
        let mut r = csv::ReaderBuilder::new()
            .delimiter(b';')
            .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 1, "one line: the plaid");
        assert_eq!(&rows[0][0], plaid.number.as_str());
        assert_eq!(&rows[0][1], "3001");
        assert_eq!(&rows[0][2], "DS-200");
        assert_eq!(&rows[0][5], "1");
        assert_eq!(&rows[0][6], "Иванова Мария");
        assert_eq!(&rows[0][7], "420021, г. Казань, ул. Садовая, д. 5, кв. 12");
        assert_eq!(
            &rows[0][8], "'+7 900 111-22-33",
            "a leading + is neutralised (CWE-1236)"
        );
    }
);

/// A carriers' status file (СДЭК's own headers, Moscow time).
fn status_file(rows: &[(&str, &str)]) -> String {
    let mut out = String::from("Номер заказа СДЭК;Статус;Дата статуса;Город\n");
    for (tracking, state) in rows {
        out.push_str(&format!("{tracking};{state};22.11.2026 12:30;Казань\n"));
    }
    out
}

on_both_engines!(
    the_order_ships_in_parts_and_is_shipped_and_delivered_only_when_every_part_is,
    |db| {
        let store = warehouse(&db).await;
        ops::confirm_order(&store, &manager(), "3001")
            .await
            .unwrap();
        let station = packer("station-1");
        ops::claim_order(&store, &station, "3001").await.unwrap();
        let wrong = ops::record_scan(&store, &station, "3001", THERMOS, "d-1")
            .await
            .unwrap();
        assert!(
            !wrong.outcome.is_accepted(),
            "the supplier's thermos is not in the warehouse's box: {wrong:?}"
        );
        for id in ["d-2", "d-3"] {
            let ok = ops::record_scan(&store, &station, "3001", MUG, id)
                .await
                .unwrap();
            assert!(ok.outcome.is_accepted(), "{ok:?}");
        }
        // Both mugs in: the box closes without a short-ship reason, although
        // the thermos and the plaid were never scanned.
        let packed = common::finish(&store, &station, "3001", None)
            .await
            .unwrap();
        assert_eq!(packed.head.status, OrderStatus::Ready);
        assert!(packed.is_complete(), "the warehouse part is complete");

        // The warehouse's parcel leaves; the suppliers' parts still wait.
        let after = ops::ship_order(&store, &station, "3001", "Курьер магазина", "K-31")
            .await
            .unwrap();
        assert_eq!(
            after.head.status,
            OrderStatus::Ready,
            "not shipped until every part is"
        );
        assert!(after
            .events
            .iter()
            .any(|e| e.kind.as_str() == "part_shipped"));
        let twice = ops::ship_order(&store, &station, "3001", "Курьер магазина", "K-32").await;
        assert!(
            matches!(&twice, Err(Error::Conflict(m)) if m.contains("left already")),
            "{twice:?}"
        );
        let apart = ops::take_apart(&store, &packer("station-1"), "3001", "why", None).await;
        assert!(
            apart.is_err(),
            "a box that left is not opened again: {apart:?}"
        );
        // The store's courier takes the warehouse's parcel.
        let handover = ops::waiting_handover(&store, "Курьер магазина")
            .await
            .unwrap();
        assert_eq!(handover.view.parcels.len(), 1);

        let thermos = po_of(&store, "3001", "Термосы оптом").await;
        let empty =
            ops::ship_purchase_order(&store, &manager(), &thermos.number, "cdek", "  ").await;
        assert!(
            matches!(&empty, Err(Error::Invalid(m)) if m.contains("tracking number is empty")),
            "{empty:?}"
        );
        let not_cdek =
            ops::ship_purchase_order(&store, &manager(), &thermos.number, "cdek", "ABC").await;
        assert!(
            matches!(&not_cdek, Err(Error::Invalid(m)) if m.contains("СДЭК")),
            "{not_cdek:?}"
        );
        let taken =
            ops::ship_purchase_order(&store, &manager(), &thermos.number, "Курьер", "K-31").await;
        assert!(
            matches!(&taken, Err(Error::Conflict(m)) if m.contains("3001")),
            "a tracking number already a parcel is refused: {taken:?}"
        );
        let part =
            ops::ship_purchase_order(&store, &manager(), &thermos.number, "cdek", "1084563299")
                .await
                .unwrap();
        assert_eq!(
            part.head.status,
            OrderStatus::Ready,
            "the plaid still waits"
        );
        let line = part.lines.iter().find(|l| l.sku == "DS-100").unwrap();
        assert_eq!(line.dropship, Some(DropshipState::Shipped));
        assert_eq!(line.supplier_tracking.as_deref(), Some("1084563299"));
        let again =
            ops::ship_purchase_order(&store, &manager(), &thermos.number, "cdek", "1084563300")
                .await;
        assert!(
            matches!(&again, Err(Error::Conflict(m)) if m.contains("shipped already")),
            "{again:?}"
        );
        // The supplier's parcel is never handed to the store's СДЭК courier.
        let cdek = ops::waiting_handover(&store, "cdek").await.unwrap();
        assert!(cdek.view.parcels.is_empty(), "{:?}", cdek.view.parcels);

        // The carriers' file before the last part left: nothing is delivered.
        let file = status_file(&[("K-31", "Вручен"), ("1084563299", "Вручен")]);
        let early =
            ops::import_delivery_statuses(&store, &manager(), "a.csv", file.as_bytes(), MSK)
                .await
                .unwrap();
        assert!(
            early.unknown.is_empty(),
            "both parcels are the order's: {early:?}"
        );
        assert!(early.delivered.is_empty());

        let plaid = po_of(&store, "3001", "Пледы").await;
        let last =
            ops::ship_purchase_order(&store, &manager(), &plaid.number, "Пледы-курьер", "PL-555")
                .await
                .unwrap();
        assert_eq!(last.head.status, OrderStatus::Shipped, "the last part left");
        assert!(ops::purchase_orders(&store, true).await.unwrap().is_empty());

        let file = status_file(&[("PL-555", "Вручен")]);
        let done = ops::import_delivery_statuses(&store, &manager(), "b.csv", file.as_bytes(), MSK)
            .await
            .unwrap();
        assert_eq!(done.delivered, vec!["3001".to_string()], "{done:?}");
        assert_eq!(status(&store, "3001").await, OrderStatus::Delivered);
    }
);

/// Receipts prepared at shipment (cash on delivery), ОСН, no register.
async fn receipts_at_shipment(store: &Store) {
    ops::set_receipt_settings(
        store,
        &admin(),
        &ops::ReceiptSettings {
            moment: ops::ReceiptMoment::AtShipment,
            taxation: Some(ops::Taxation::Osn),
            register: ops::RegisterSettings::None,
        },
    )
    .await
    .unwrap();
}

/// Packs 3001's two mugs, the warehouse's part.
async fn pack_mugs(store: &Store) {
    let station = packer("station-1");
    ops::claim_order(store, &station, "3001").await.unwrap();
    for id in ["r-1", "r-2"] {
        let ok = ops::record_scan(store, &station, "3001", MUG, id)
            .await
            .unwrap();
        assert!(ok.outcome.is_accepted(), "{ok:?}");
    }
    common::finish(store, &station, "3001", None).await.unwrap();
}

/// The order's one settlement receipt: (name's first word, units) by line
/// kind, and its total; its lines and payments add up to it.
async fn settlement_of(store: &Store, number: &str) -> (Vec<(String, i64)>, i64) {
    let shown = ops::order_receipts(store, number).await.unwrap();
    assert_eq!(
        shown.receipts.len(),
        1,
        "exactly one receipt for order {number}: {:?}",
        shown.receipts
    );
    let r = &shown.receipts[0];
    assert_eq!(r.receipt.purpose, ops::ReceiptPurpose::Settlement);
    assert_eq!(r.receipt.kind, ops::ReceiptKind::Sell);
    assert_eq!(r.receipt.state, ops::ReceiptState::Prepared, "no register");
    let lines: i64 = r.lines.iter().map(|l| l.amount_minor).sum();
    let paid: i64 = r.payments.iter().map(|p| p.amount_minor).sum();
    assert_eq!(
        lines, r.receipt.total_minor,
        "the lines add up to the total"
    );
    assert_eq!(
        paid, r.receipt.total_minor,
        "the payments add up to the total"
    );
    let mut units: Vec<(String, i64)> = Vec::new();
    for l in &r.lines {
        let word = l.name.split_whitespace().next().unwrap_or("").to_string();
        match units.iter_mut().find(|(w, _)| *w == word) {
            Some((_, n)) => *n += l.quantity,
            None => units.push((word, l.quantity)),
        }
    }
    units.sort();
    (units, r.receipt.total_minor)
}

on_both_engines!(
    under_at_shipment_a_dropship_order_gets_one_settlement_receipt_with_every_line_when_its_last_supplier_part_ships,
    |db| {
        let store = warehouse(&db).await;
        receipts_at_shipment(&store).await;
        ops::confirm_order(&store, &manager(), "3001")
            .await
            .unwrap();
        pack_mugs(&store).await;
        ops::ship_order(&store, &packer("station-1"), "3001", "Курьер магазина", "K-31")
            .await
            .unwrap();
        let thermos = po_of(&store, "3001", "Термосы оптом").await;
        ops::ship_purchase_order(&store, &manager(), &thermos.number, "cdek", "1084563299")
            .await
            .unwrap();
        let waiting = ops::order_receipts(&store, "3001").await.unwrap();
        assert!(
            waiting.receipts.is_empty(),
            "no settlement while the plaid has not left: {:?}",
            waiting.receipts
        );
        let plaid = po_of(&store, "3001", "Пледы").await;
        let last =
            ops::ship_purchase_order(&store, &manager(), &plaid.number, "Пледы-курьер", "PL-555")
                .await
                .unwrap();
        assert_eq!(last.head.status, OrderStatus::Shipped);
        let (units, total) = settlement_of(&store, "3001").await;
        assert_eq!(
            units,
            vec![
                ("Кружка".to_string(), 2),
                ("Плед".to_string(), 1),
                ("Термос".to_string(), 1)
            ],
            "the warehouse's mugs and both suppliers' goods on the one receipt"
        );
        assert_eq!(total, 2 * 45_000 + 190_000 + 250_000, "the whole order");
        let again = ops::prepare_receipt(&store, &manager(), "3001").await;
        assert!(
            matches!(&again, Err(Error::Refused(m)) if m.contains("settlement receipt already")),
            "the order has its settlement: {again:?}"
        );
    }
);

on_both_engines!(
    under_at_shipment_the_warehouse_parcel_that_leaves_last_brings_the_one_settlement_receipt,
    |db| {
        let store = warehouse(&db).await;
        receipts_at_shipment(&store).await;
        for n in ["3001", "3002"] {
            ops::confirm_order(&store, &manager(), n).await.unwrap();
        }
        let thermos = po_of(&store, "3001", "Термосы оптом").await;
        ops::ship_purchase_order(&store, &manager(), &thermos.number, "cdek", "1084563299")
            .await
            .unwrap();
        let plaid = po_of(&store, "3001", "Пледы").await;
        ops::ship_purchase_order(&store, &manager(), &plaid.number, "Пледы-курьер", "PL-555")
            .await
            .unwrap();
        let waiting = ops::order_receipts(&store, "3001").await.unwrap();
        assert!(
            waiting.receipts.is_empty(),
            "no settlement while the mugs have not left: {:?}",
            waiting.receipts
        );
        pack_mugs(&store).await;
        let shipped = ops::ship_order(
            &store,
            &packer("station-1"),
            "3001",
            "Курьер магазина",
            "K-31",
        )
        .await
        .unwrap();
        assert_eq!(shipped.head.status, OrderStatus::Shipped);
        let (units, _) = settlement_of(&store, "3001").await;
        assert_eq!(
            units,
            vec![
                ("Кружка".to_string(), 2),
                ("Плед".to_string(), 1),
                ("Термос".to_string(), 1)
            ]
        );

        // An order its supplier ships whole: the supplier's parcel is the
        // hand-over, and brings the receipt.
        let only = po_of(&store, "3002", "Термосы оптом").await;
        ops::ship_purchase_order(&store, &manager(), &only.number, "cdek", "1084563300")
            .await
            .unwrap();
        let (units, total) = settlement_of(&store, "3002").await;
        assert_eq!(units, vec![("Термос".to_string(), 2)]);
        assert_eq!(total, 2 * 190_000);
    }
);

on_both_engines!(
    an_order_its_suppliers_ship_whole_never_reaches_the_packing_table,
    |db| {
        let store = warehouse(&db).await;
        ops::confirm_order(&store, &manager(), "3002")
            .await
            .unwrap();
        let picked =
            ops::create_pick_list(&store, &admin(), ops::PickSelection::NextConfirmed(10)).await;
        assert!(
            matches!(&picked, Err(Error::Refused(_))),
            "nothing of 3002 is picked here: {picked:?}"
        );
        let claim = ops::claim_order(&store, &packer("station-1"), "3002").await;
        assert!(
            matches!(&claim, Err(Error::Refused(m)) if m.contains("nothing to pack")),
            "{claim:?}"
        );
        let po = po_of(&store, "3002", "Термосы оптом").await;
        assert_eq!(po.units, 2);
        let shipped =
            ops::ship_purchase_order(&store, &manager(), &po.number, "cdek", "1084563400")
                .await
                .unwrap();
        assert_eq!(shipped.head.status, OrderStatus::Shipped);
        assert_eq!(shipped.head.tracking_number.as_deref(), Some("1084563400"));
    }
);

on_both_engines!(
    cancelling_cancels_waiting_purchase_orders_and_tells_the_suppliers_that_were_mailed,
    |db| {
        let store = warehouse(&db).await;
        ops::save_mail_settings(&store, &admin(), &mail_on(2525))
            .await
            .unwrap();
        ops::confirm_order(&store, &manager(), "3001")
            .await
            .unwrap();
        let thermos = po_of(&store, "3001", "Термосы оптом").await;
        assert_eq!(thermos.mail_status, Some(ops::MessageStatus::Queued));
        assert_eq!(thermos.mail_problem, None);
        assert_eq!(
            outbox_count(&store, "purchase_order", "orders@thermos.example").await,
            1
        );
        let files: Vec<String> = sqlx::query_scalar(
            "SELECT a.file_name FROM outbox_attachments a JOIN outbox m ON m.id = a.outbox_id \
             WHERE m.recipient = 'orders@thermos.example' ORDER BY a.id",
        )
        .fetch_all(store.pool())
        .await
        .unwrap();
        assert_eq!(
            files,
            vec![
                format!("{}.pdf", thermos.number),
                format!("{}.csv", thermos.number)
            ]
        );
        // The plaid's supplier has no address: created, flagged, not queued.
        let plaid = po_of(&store, "3001", "Пледы").await;
        assert_eq!(plaid.mail_status, None);
        assert!(plaid
            .mail_problem
            .as_deref()
            .unwrap_or("")
            .contains("no e-mail address"));
        let again = ops::mail_purchase_order(&store, &manager(), &plaid.number).await;
        assert!(
            matches!(&again, Err(Error::Refused(m)) if m.contains("no e-mail address")),
            "{again:?}"
        );

        let cancelled = ops::cancel_order(
            &store,
            &manager(),
            "3001",
            "the customer changed their mind",
        )
        .await
        .unwrap();
        assert_eq!(cancelled.head.status, OrderStatus::Cancelled);
        for po in ops::order_purchase_orders(&store, "3001").await.unwrap() {
            assert_eq!(po.state, DropshipState::Cancelled, "{po:?}");
        }
        assert_eq!(
            outbox_count(&store, "purchase_order_cancelled", "orders@thermos.example").await,
            1,
            "the supplier that was mailed is told"
        );
        let told: i64 = sqlx::query_scalar(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM outbox WHERE event = 'purchase_order_cancelled'",
        )
        .fetch_one(store.pool())
        .await
        .unwrap();
        assert_eq!(
            told, 1,
            "the supplier never mailed is not mailed a cancellation"
        );
        let ship =
            ops::ship_purchase_order(&store, &manager(), &thermos.number, "cdek", "1084563401")
                .await;
        assert!(
            matches!(&ship, Err(Error::Refused(m)) if m.contains("cancelled")),
            "{ship:?}"
        );

        // Once a supplier shipped its part, the order is not cancelled.
        ops::confirm_order(&store, &manager(), "3002")
            .await
            .unwrap();
        let po = po_of(&store, "3002", "Термосы оптом").await;
        let reason = "changed mind";
        ops::save_supplier(
            &store,
            &admin(),
            &SupplierInput {
                name: "Пледы".into(),
                email: "plaid@example.ru".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        ops::ship_purchase_order(&store, &manager(), &po.number, "cdek", "1084563402")
            .await
            .unwrap();
        let refused = ops::cancel_order(&store, &manager(), "3002", reason).await;
        assert!(
            refused.is_err(),
            "a shipped order is not cancelled: {refused:?}"
        );
    }
);

on_both_engines!(bad_input_is_refused_with_what_to_do, |db| {
    let store = warehouse(&db).await;
    let no_name = ops::save_supplier(&store, &admin(), &SupplierInput::default()).await;
    assert!(
        matches!(&no_name, Err(Error::Invalid(m)) if m.contains("no name")),
        "{no_name:?}"
    );
    let bad_mail = ops::save_supplier(
        &store,
        &admin(),
        &SupplierInput {
            name: "X".into(),
            email: "orders at x".into(),
            ..Default::default()
        },
    )
    .await;
    assert!(
        matches!(&bad_mail, Err(Error::Invalid(m)) if m.contains("e-mail")),
        "{bad_mail:?}"
    );
    let unknown = ops::link_product(&store, &admin(), "PB-001", Some("Нет такого")).await;
    assert!(
        matches!(&unknown, Err(Error::Invalid(m)) if m.contains("no supplier")),
        "{unknown:?}"
    );
    let no_sku = ops::link_product(&store, &admin(), "NO-SUCH", Some("Пледы")).await;
    assert!(matches!(no_sku, Err(Error::NotFound { .. })), "{no_sku:?}");
    let garbage = ops::purchase_order(&store, "po-x").await;
    assert!(
        matches!(&garbage, Err(Error::Invalid(m)) if m.contains("PO-000012")),
        "{garbage:?}"
    );
    let missing = ops::purchase_order(&store, "PO-999999").await;
    assert!(
        matches!(missing, Err(Error::NotFound { .. })),
        "{missing:?}"
    );
    let packer_may_not = ops::save_supplier(
        &store,
        &packer("s"),
        &SupplierInput {
            name: "Y".into(),
            ..Default::default()
        },
    )
    .await;
    assert!(
        matches!(packer_may_not, Err(Error::Forbidden { .. })),
        "{packer_may_not:?}"
    );
    // Unlinking: the next order's thermos ships from the warehouse.
    assert_eq!(
        ops::link_product(&store, &admin(), "DS-100", None)
            .await
            .unwrap(),
        None
    );
    let c = ops::confirm_order(&store, &manager(), "3002")
        .await
        .unwrap();
    assert_eq!(c.order.lines[0].dropship, None);
    assert_eq!(
        c.unreserved_skus,
        vec!["DS-100".to_string()],
        "no stock of it here"
    );
    assert!(ops::order_purchase_orders(&store, "3002")
        .await
        .unwrap()
        .is_empty());
    // A supplier's lines cannot be edited once its purchase order went out.
    ops::confirm_order(&store, &manager(), "3001")
        .await
        .unwrap();
    let split = ops::split_order(&store, &manager(), "3001", &[]).await;
    assert!(
        matches!(&split, Err(Error::Refused(m)) if m.contains("supplier")),
        "{split:?}"
    );
});

/// The SMTP server on loopback (scripts/smtp-sink.py, Debian's
/// python3-aiosmtpd); stopped when dropped.
struct Sink {
    child: std::process::Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Sink {
    fn start() -> Sink {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = tempfile::tempdir().unwrap();
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut child = Command::new("/usr/bin/python3")
            .arg(root.join("scripts/smtp-sink.py"))
            .arg(port.to_string())
            .arg(dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs scripts/smtp-sink.py (python3-aiosmtpd)");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line.trim(), "ready", "the SMTP sink started");
        Sink { child, port, dir }
    }

    fn received(&self) -> Vec<serde_json::Value> {
        let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
            .collect()
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

on_both_engines!(
    the_supplier_receives_the_purchase_order_with_its_pdf_and_csv,
    |db| {
        let sink = Sink::start();
        let store = warehouse(&db).await;
        ops::save_mail_settings(&store, &admin(), &mail_on(sink.port))
            .await
            .unwrap();
        ops::confirm_order(&store, &manager(), "3001")
            .await
            .unwrap();
        let report = ops::send_due(&store, None).await.unwrap();
        assert_eq!(report.failed + report.given_up, 0, "{report:?}");
        let thermos = po_of(&store, "3001", "Термосы оптом").await;
        assert_eq!(thermos.mail_status, Some(ops::MessageStatus::Sent));
        let to_supplier: Vec<serde_json::Value> = sink
            .received()
            .into_iter()
            .filter(|m| {
                m["to"]
                    .as_str()
                    .unwrap_or("")
                    .contains("orders@thermos.example")
            })
            .collect();
        assert_eq!(to_supplier.len(), 1, "one message to the supplier");
        let m = &to_supplier[0];
        assert!(m["subject"].as_str().unwrap().contains("3001"), "{m}");
        assert!(m["text"].as_str().unwrap().contains("трек-номер"), "{m}");
        let files = m["attachments"].as_array().expect("the message has files");
        let names: Vec<&str> = files
            .iter()
            .map(|f| f["filename"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            vec![
                format!("{}.pdf", thermos.number).as_str(),
                format!("{}.csv", thermos.number).as_str()
            ]
        );
        let pdf = base64::engine::general_purpose::STANDARD
            .decode(files[0]["base64"].as_str().unwrap())
            .unwrap();
        let text = pdftotext(&pdf);
        assert!(
            text.contains("ул. Садовая, д. 5, кв. 12"),
            "the delivered PDF reads: {text}"
        );
        let csv = base64::engine::general_purpose::STANDARD
            .decode(files[1]["base64"].as_str().unwrap())
            .unwrap();
        assert!(String::from_utf8(csv).unwrap().contains("DS-100"));
        // The customer's own messages went to the customer, not the supplier.
        assert!(sink.received().iter().all(|m| m["to"]
            .as_str()
            .unwrap_or("")
            .contains("orders@thermos.example")
            || m["attachments"].as_array().is_none_or(|a| a.is_empty())));
    }
);

/// The CLI as a manager runs it (SQLite: the CLI is run on the file):
/// suppliers, the purchase orders, their PDF and CSV, the tracking number,
/// and bad input answered with exit code 2 and what to do.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_lists_shows_writes_and_ships_purchase_orders() {
    let db = common::sqlite().await;
    ops::load_demo(&db.store, &admin(), 1).await.unwrap();
    let store = warehouse(&db).await;
    let packbench_core::store::DbTarget::SqliteFile(path) = &db.target else {
        unreachable!()
    };
    let cli = |args: &[&str]| common::cli_run(path, "office", args, "");

    let (code, out, err) = cli(&["suppliers", "list"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("Термосы оптом\torders@thermos.example\t1 products"),
        "{out}"
    );
    assert!(out.contains("Пледы\tno e-mail"), "{out}");
    let (code, _, err) = cli(&["suppliers", "add", "Плохой", "--email", "not-an-address"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not an e-mail address"), "{err}");

    let (code, out, err) = cli(&["orders", "confirm", "3001"]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = cli(&["--json", "dropship", "pos"]);
    assert_eq!(code, 0, "{err}");
    let pos = common::cli_json(&out);
    assert_eq!(pos.as_array().map(Vec::len), Some(2), "{out}");
    let number = po_of(&store, "3001", "Термосы оптом").await.number;

    let (code, out, _) = cli(&["dropship", "po", "show", &number]);
    assert_eq!(code, 0);
    assert!(
        out.contains("DS-100") && out.contains("NOT MAILED"),
        "{out}"
    );
    let pdf = path.with_file_name("po.pdf");
    let (code, _, err) = cli(&[
        "dropship",
        "po",
        "pdf",
        &number,
        "--out",
        pdf.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(pdftotext(&std::fs::read(&pdf).unwrap()).contains("Термосы оптом"));
    let (code, out, _) = cli(&["dropship", "po", "csv", &number, "--lang", "en"]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with("Purchase order,Customer order,SKU"),
        "{out}"
    );

    let (code, _, err) = cli(&[
        "dropship",
        "po",
        "tracking",
        &number,
        " ",
        "--carrier",
        "cdek",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("tracking number is empty"), "{err}");
    let (code, out, err) = cli(&[
        "dropship",
        "po",
        "tracking",
        &number,
        "1084563299",
        "--carrier",
        "cdek",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("order 3001 is confirmed"),
        "the warehouse part still waits: {out}"
    );
    let (code, _, err) = cli(&[
        "dropship",
        "po",
        "tracking",
        &number,
        "1084563299",
        "--carrier",
        "cdek",
    ]);
    assert_eq!(code, 1, "refused by a rule: {err}");
    let (code, _, err) = cli(&["dropship", "po", "show", "PO-x"]);
    assert_eq!(code, 2, "{err}");
}
