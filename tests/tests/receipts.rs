//! Receipts under 54-ФЗ on a real database, SQLite and PostgreSQL: a paid
//! order gets its prepayment receipt, its shipment the settlement receipt
//! with the marking codes, a refunded return its refund receipt; every sum
//! adds up to the kopeck. The ATOL Online driver's request has the
//! protocol's shape and goes to a loopback stand-in that plays the cash
//! register (the real one cannot run here); its fiscal answer is stored,
//! a refusal or silence leaves a failed receipt to send again, and without
//! a register nothing ever claims to be fiscal.

mod common;

use common::{clock, packer, TestDb};
use packbench_core::ops::{
    self, Actor, AtolSettings, ItemCondition, MethodSign, PaymentInput, PaymentKind, PaymentType,
    ReceiptKind, ReceiptMoment, ReceiptPurpose, ReceiptSettings, ReceiptState, RegisterSettings,
    ReturnInput, ReturnItem, ReturnOutcome, Role, SubjectSign, Taxation, VatTag,
};
use packbench_core::store::Store;
use packbench_core::Error;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const KETTLE: &str = "4601234567893";
const CODE_A: &str = "0104006381333931215Qbag!\u{1d}93dGVz";
const CODE_B: &str = "0104006381333931215Qbaz!\u{1d}93dGVz";
/// 2 mugs for 899.99, 3 kettles for 2999.99, delivery 300.00.
const TOTAL: i64 = 89_999 + 299_999 + 30_000;

fn admin() -> Actor {
    Actor::new("admin", "office", Role::Admin)
}

fn manager() -> Actor {
    Actor::new("elena", "office", Role::Manager)
}

fn settings(moment: ReceiptMoment, register: RegisterSettings) -> ReceiptSettings {
    ReceiptSettings {
        moment,
        taxation: Some(Taxation::Osn),
        register,
    }
}

/// Marked mugs and kettles; order 5001 (2 mugs, 3 kettles, discounts that
/// do not divide, СДЭК delivery) confirmed; 5002 the same without an
/// e-mail or phone.
async fn warehouse(db: &TestDb, moment: ReceiptMoment) -> Store {
    let store = db.store.clone().with_clock(clock());
    let products = "sku,name,weight_g,bin,barcodes,stock\n\
        PB-001,Кружка «Утро»,350,A-02,4006381333931,40\n\
        PB-002,Чайник 1.7 л,1200,B-10,4601234567893,10\n";
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
    ops::save_product(&store, &admin(), &input, false)
        .await
        .unwrap();
    let orders = "number,channel,customer_name,email,phone,delivery_method,delivery_cost,currency,sku,item_name,quantity,unit_price,discount,tax_rate\n\
        5001,web,Иванова Мария,maria@example.ru,,СДЭК,300.00,RUB,PB-001,Кружка «Утро»,2,450.00,0.01,22\n\
        5001,,,,,,,,PB-002,Чайник 1.7 л,3,1000.00,0.01,22\n\
        5002,phone,Петров Пётр,,,СДЭК,300.00,RUB,PB-002,Чайник 1.7 л,1,1000.00,,22\n";
    let o = ops::import_orders(
        &store,
        &admin(),
        orders.as_bytes(),
        packbench_core::exchange::OrderFormat::Packbench,
    )
    .await
    .unwrap();
    assert_eq!(o.imported, 2, "{:?}", o.errors);
    for n in ["5001", "5002"] {
        ops::confirm_order(&store, &admin(), n).await.unwrap();
    }
    ops::set_receipt_settings(&store, &admin(), &settings(moment, RegisterSettings::None))
        .await
        .unwrap();
    store
}

async fn pay(store: &Store, number: &str, amount: &str, method: &str) {
    ops::record_payment(
        store,
        &manager(),
        number,
        &PaymentInput {
            kind: PaymentKind::Payment,
            amount: amount.into(),
            currency: "RUB".into(),
            method: method.into(),
            note: String::new(),
        },
    )
    .await
    .unwrap();
}

/// Packs 5001 (each mug by its code) and ships it with СДЭК.
async fn pack_and_ship(store: &Store) {
    let station = packer("station-1");
    ops::claim_order(store, &station, "5001").await.unwrap();
    for (i, code) in [CODE_A, CODE_B, KETTLE, KETTLE, KETTLE].iter().enumerate() {
        ops::record_scan(store, &station, "5001", code, &format!("s-{i}"))
            .await
            .unwrap();
    }
    common::finish(store, &station, "5001", None).await.unwrap();
    ops::ship_order(store, &station, "5001", "СДЭК", "1084563217")
        .await
        .unwrap();
}

/// Every line's amount is its price times its quantity; the lines and the
/// payments both add up to the receipt's total.
fn adds_up(r: &ops::ReceiptView) {
    for l in &r.lines {
        assert_eq!(
            l.amount_minor,
            l.price_minor * l.quantity,
            "a line's amount is exactly price × quantity: {l:?}"
        );
    }
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
}

on_both_engines!(
    a_paid_order_gets_its_prepayment_receipt_and_at_shipment_the_settlement_with_its_codes,
    |db| {
        let store = warehouse(&db, ReceiptMoment::AtPayment).await;
        pay(&store, "5001", "4199.98", "карта").await;
        let shown = ops::order_receipts(&store, "5001").await.unwrap();
        assert_eq!(shown.receipts.len(), 1, "one receipt for the payment");
        assert_eq!(shown.problem, None);
        let pre = &shown.receipts[0];
        adds_up(pre);
        assert_eq!(
            pre.receipt.total_minor, TOTAL,
            "the whole order, to the kopeck"
        );
        assert_eq!(pre.receipt.kind, ReceiptKind::Sell);
        assert_eq!(pre.receipt.purpose, ReceiptPurpose::Prepayment);
        assert_eq!(pre.receipt.contact, "maria@example.ru");
        assert_eq!(pre.receipt.state, ReceiptState::Prepared);
        assert!(pre.fiscal.is_none(), "prepared is not fiscal");
        assert!(
            pre.lines
                .iter()
                .all(|l| l.method == MethodSign::FullPrepayment && l.vat == VatTag::Vat122),
            "money before the goods: full prepayment at the calculated rate 22/122"
        );
        assert!(
            pre.lines.iter().all(|l| l.marking_code.is_none()),
            "nothing is packed yet, so no codes"
        );
        assert_eq!(pre.payments[0].kind, PaymentType::Electronic);

        pack_and_ship(&store).await;
        let shown = ops::order_receipts(&store, "5001").await.unwrap();
        assert_eq!(
            shown.receipts.len(),
            2,
            "the settlement receipt came with the shipment"
        );
        let settled = &shown.receipts[1];
        adds_up(settled);
        assert_eq!(settled.receipt.purpose, ReceiptPurpose::Settlement);
        assert_eq!(settled.receipt.total_minor, TOTAL);
        assert!(settled
            .lines
            .iter()
            .all(|l| l.method == MethodSign::FullPayment));
        assert_eq!(
            settled
                .payments
                .iter()
                .map(|p| (p.kind, p.amount_minor))
                .collect::<Vec<_>>(),
            vec![(PaymentType::Prepayment, TOTAL)],
            "what was prepaid is offset"
        );
        let mugs: Vec<_> = settled
            .lines
            .iter()
            .filter(|l| l.name.starts_with("Кружка"))
            .collect();
        assert_eq!(
            mugs.iter()
                .map(|l| (l.price_minor, l.quantity, l.marking_code.as_deref()))
                .collect::<Vec<_>>(),
            vec![(45_000, 1, Some(CODE_A)), (44_999, 1, Some(CODE_B))],
            "each marked mug on its own line with its code; the discount's odd kopeck on the first"
        );
        assert!(mugs
            .iter()
            .all(|l| l.subject == SubjectSign::MarkedWithCode));
        let kettles: Vec<_> = settled
            .lines
            .iter()
            .filter(|l| l.name.starts_with("Чайник"))
            .collect();
        assert_eq!(
            kettles
                .iter()
                .map(|l| (l.price_minor, l.quantity))
                .collect::<Vec<_>>(),
            vec![(100_000, 2), (99_999, 1)],
            "2999.99 for 3 kettles: 2 × 1000.00 and 1 × 999.99"
        );
        let delivery = settled.lines.last().unwrap();
        assert_eq!(
            (
                delivery.name.as_str(),
                delivery.subject,
                delivery.amount_minor,
                delivery.vat
            ),
            (
                "Доставка (СДЭК)",
                SubjectSign::Service,
                30_000,
                VatTag::Vat22
            ),
            "delivery is a service line of its own"
        );
        assert_eq!(
            settled.vat.iter().map(|v| v.vat).collect::<Vec<_>>(),
            vec![VatTag::Vat22]
        );
    }
);

on_both_engines!(
    a_refunded_return_gets_a_refund_receipt_with_the_code_that_came_back,
    |db| {
        let store = warehouse(&db, ReceiptMoment::AtPayment).await;
        pay(&store, "5001", "4199.98", "карта").await;
        pack_and_ship(&store).await;
        let back = ops::receive_return(
            &store,
            &admin(),
            "5001",
            &ReturnInput {
                items: vec![ReturnItem {
                    code: CODE_B.into(),
                    units: 1,
                    condition: ItemCondition::Resellable,
                    bin: Some("A-02".into()),
                    reason: String::new(),
                }],
                outcome: ReturnOutcome::Refund,
                refund: Some("449.99".into()),
                method: "карта".into(),
                note: String::new(),
                exchange: vec![],
            },
        )
        .await
        .unwrap();
        let shown = ops::order_receipts(&store, "5001").await.unwrap();
        assert_eq!(shown.receipts.len(), 3);
        let refund = &shown.receipts[2];
        adds_up(refund);
        assert_eq!(
            refund.receipt.kind,
            ReceiptKind::SellRefund,
            "возврат прихода"
        );
        assert_eq!(
            refund.receipt.return_id,
            Some(back.return_id),
            "tied to the return"
        );
        assert_eq!(refund.receipt.total_minor, 44_999);
        assert_eq!(refund.lines.len(), 1);
        assert_eq!(refund.lines[0].marking_code.as_deref(), Some(CODE_B));
        assert_eq!(refund.lines[0].method, MethodSign::FullPayment);
        assert_eq!(refund.payments[0].kind, PaymentType::Electronic);
    }
);

on_both_engines!(
    at_shipment_cash_on_delivery_is_credit_and_the_money_that_comes_is_a_credit_payment,
    |db| {
        let store = warehouse(&db, ReceiptMoment::AtShipment).await;
        pack_and_ship(&store).await;
        let shown = ops::order_receipts(&store, "5001").await.unwrap();
        assert_eq!(shown.receipts.len(), 1);
        let settled = &shown.receipts[0];
        adds_up(settled);
        assert!(settled.lines.iter().all(|l| l.method == MethodSign::Credit));
        assert_eq!(settled.payments[0].kind, PaymentType::Credit);
        pay(&store, "5001", "4199.98", "наличные курьеру").await;
        let shown = ops::order_receipts(&store, "5001").await.unwrap();
        let paid = &shown.receipts[1];
        adds_up(paid);
        assert_eq!(paid.receipt.purpose, ReceiptPurpose::CreditPayment);
        assert_eq!(paid.lines[0].subject, SubjectSign::Payment);
        assert_eq!(paid.payments[0].kind, PaymentType::Cash);
    }
);

on_both_engines!(
    by_hand_a_receipt_is_prepared_when_asked_and_an_order_without_a_contact_says_why,
    |db| {
        let store = warehouse(&db, ReceiptMoment::Manual).await;
        pay(&store, "5001", "1000", "карта").await;
        assert!(
            ops::order_receipts(&store, "5001")
                .await
                .unwrap()
                .receipts
                .is_empty(),
            "by hand: a payment prepares nothing"
        );
        let shown = ops::prepare_receipt(&store, &manager(), "5001")
            .await
            .unwrap();
        assert_eq!(shown.receipts.len(), 1);
        assert_eq!(shown.receipts[0].receipt.purpose, ReceiptPurpose::Advance);
        assert_eq!(shown.receipts[0].receipt.total_minor, 100_000);
        let again = ops::prepare_receipt(&store, &manager(), "5001")
            .await
            .unwrap_err();
        assert!(matches!(again, Error::Refused(_)), "{again}");

        pay(&store, "5002", "1300", "карта").await;
        let e = ops::prepare_receipt(&store, &manager(), "5002")
            .await
            .unwrap_err();
        assert!(e.to_string().contains("e-mail"), "{e}");
        let shown = ops::order_receipts(&store, "5002").await.unwrap();
        assert!(
            shown.problem.unwrap().contains("e-mail"),
            "the panel says why"
        );
        let packer = packer("station-1");
        let refused = ops::prepare_receipt(&store, &packer, "5001")
            .await
            .unwrap_err();
        assert!(matches!(refused, Error::Forbidden { .. }), "{refused}");
    }
);

on_both_engines!(
    without_a_register_a_receipt_stays_prepared_and_never_claims_to_be_fiscal,
    |db| {
        let store = warehouse(&db, ReceiptMoment::AtPayment).await;
        pay(&store, "5001", "4199.98", "карта").await;
        let sent = ops::send_receipts(&store, &manager(), Some("5001"), None)
            .await
            .unwrap();
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].state, ReceiptState::Prepared);
        assert!(
            sent[0].reason.contains("no cash register"),
            "{}",
            sent[0].reason
        );
        let r = &ops::order_receipts(&store, "5001").await.unwrap().receipts[0];
        assert_eq!(r.receipt.state, ReceiptState::Prepared);
        assert_eq!(r.receipt.register, "none");
        assert!(r.fiscal.is_none() && r.receipt.fn_number.is_none() && r.receipt.fpd.is_none());
        // The database itself refuses a receipt that says fiscal without
        // a register's attributes.
        let forged = sqlx::query("UPDATE receipts SET state = 'fiscalised' WHERE id = $1")
            .bind(r.receipt.id)
            .execute(store.pool())
            .await;
        assert!(forged.is_err(), "fiscal without ФН, ФД, ФПД is refused");
    }
);

/// What the stand-in register does with a registration.
#[derive(Clone, Copy, PartialEq)]
enum Behaviour {
    /// Takes it (`wait`) and reports it done with fiscal attributes.
    Fiscalise,
    /// Refuses it with the protocol's validation error.
    Refuse,
    /// Never answers.
    Silent,
}

/// One request the stand-in received.
#[derive(Debug, Clone)]
struct Call {
    method: String,
    path: String,
    token: Option<String>,
    body: Value,
}

/// A loopback stand-in for ATOL Online: it plays the register the real
/// world would run (getToken, sell/sell_refund, report), answering as the
/// protocol's documentation shows, and records every request.
struct StandIn {
    url: String,
    calls: Arc<Mutex<Vec<Call>>>,
    behaviour: Arc<Mutex<Behaviour>>,
}

impl StandIn {
    async fn start(behaviour: Behaviour) -> StandIn {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/possystem/v5", listener.local_addr().unwrap());
        let calls = Arc::new(Mutex::new(Vec::new()));
        let behaviour = Arc::new(Mutex::new(behaviour));
        let (c, b) = (calls.clone(), behaviour.clone());
        tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    return;
                };
                let (c, b) = (c.clone(), b.clone());
                tokio::spawn(async move { serve(socket, c, b).await });
            }
        });
        StandIn {
            url,
            calls,
            behaviour,
        }
    }

    fn calls(&self) -> Vec<Call> {
        self.calls.lock().unwrap().clone()
    }

    fn settings(&self) -> RegisterSettings {
        RegisterSettings::AtolOnline(AtolSettings {
            url: self.url.clone(),
            group_code: "G1".into(),
            login: "shop-login".into(),
            inn: "7707083893".into(),
            payment_address: "https://shop.example.ru".into(),
            company_email: "shop@example.ru".into(),
            timeout_s: 1,
        })
    }
}

async fn serve(
    mut socket: tokio::net::TcpStream,
    calls: Arc<Mutex<Vec<Call>>>,
    behaviour: Arc<Mutex<Behaviour>>,
) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let Ok(n) = socket.read(&mut chunk).await else {
            return;
        };
        if n == 0 {
            return;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let header = |name: &str| {
        head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    };
    let length: usize = header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let Ok(n) = socket.read(&mut chunk).await else {
            return;
        };
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let mut first = head.lines().next().unwrap_or("").split(' ');
    let method = first.next().unwrap_or("").to_string();
    let path = first.next().unwrap_or("").to_string();
    let body: Value = serde_json::from_slice(&buf[head_end..]).unwrap_or(Value::Null);
    calls.lock().unwrap().push(Call {
        method: method.clone(),
        path: path.clone(),
        token: header("token"),
        body: body.clone(),
    });
    let behaviour = *behaviour.lock().unwrap();
    let (status, answer) = if path.ends_with("/getToken") {
        if body["pass"] == "secret" {
            (
                200,
                json!({"token": "T-1", "error": null, "timestamp": "20.11.2026 12:00:00"}),
            )
        } else {
            (
                401,
                json!({"token": null, "error": {"error_id": "e-1", "code": 12,
                "text": "Неверный логин или пароль", "type": "system"}}),
            )
        }
    } else if path.ends_with("/sell") || path.ends_with("/sell_refund") {
        match behaviour {
            Behaviour::Silent => {
                // Holds the connection and says nothing until the client
                // gives up (its time limit) and closes it.
                let _ = socket.read(&mut chunk).await;
                return;
            }
            Behaviour::Refuse => (
                400,
                json!({"uuid": null, "status": "fail", "timestamp": "20.11.2026 12:00:00",
                "error": {"error_id": "e-2", "code": 32, "text": "Ошибка валидации входного объекта", "type": "system"}}),
            ),
            Behaviour::Fiscalise => (
                200,
                json!({"uuid": "u-5001", "status": "wait", "error": null,
                "timestamp": "20.11.2026 12:00:00"}),
            ),
        }
    } else if path.contains("/report/") {
        (
            200,
            json!({"uuid": "u-5001", "status": "done", "error": null, "timestamp": "20.11.2026 12:00:01",
            "group_code": "G1", "daemon_code": "prod-agent-1", "device_code": "KKT-1",
            "external_id": "", "callback_url": "",
            "payload": {"total": 4199.98, "fns_site": "www.nalog.gov.ru", "fn_number": "9999078900006369",
                "shift_number": 23, "receipt_datetime": "20.11.2026 12:00:00", "fiscal_receipt_number": 6,
                "fiscal_document_number": 133, "ecr_registration_number": "0000111118041361",
                "fiscal_document_attribute": 3449555941u64}}),
        )
    } else {
        (404, json!({"error": {"code": 404, "text": "no such path"}}))
    };
    let text = answer.to_string();
    let reply = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
        text.len()
    );
    let _ = socket.write_all(reply.as_bytes()).await;
    let _ = socket.shutdown().await;
}

on_both_engines!(
    the_atol_request_has_the_protocols_shape_and_the_registers_fiscal_answer_is_kept,
    |db| {
        let store = warehouse(&db, ReceiptMoment::AtPayment).await;
        let register = StandIn::start(Behaviour::Fiscalise).await;
        ops::set_receipt_settings(
            &store,
            &admin(),
            &settings(ReceiptMoment::AtPayment, register.settings()),
        )
        .await
        .unwrap();
        pay(&store, "5001", "4199.98", "карта").await;
        pack_and_ship(&store).await;
        let sent = ops::send_receipts(&store, &manager(), Some("5001"), Some("secret"))
            .await
            .unwrap();
        assert_eq!(
            sent.iter().map(|s| s.state).collect::<Vec<_>>(),
            vec![ReceiptState::Fiscalised, ReceiptState::Fiscalised],
            "{sent:?}"
        );
        let calls = register.calls();
        let sells: Vec<_> = calls
            .iter()
            .filter(|c| c.path.ends_with("/G1/sell"))
            .collect();
        assert_eq!(sells.len(), 2, "both receipts were registered: {calls:?}");
        assert!(sells
            .iter()
            .all(|c| c.method == "POST" && c.token.as_deref() == Some("T-1")));
        assert!(calls.iter().any(|c| c.path == "/possystem/v5/getToken"
            && c.body == json!({"login": "shop-login", "pass": "secret"})));
        // The settlement receipt, as the register received it.
        let body = &sells[1].body;
        for key in ["external_id", "timestamp", "receipt"] {
            assert!(body.get(key).is_some(), "{key} in {body}");
        }
        let receipt = &body["receipt"];
        assert_eq!(receipt["client"], json!({"email": "maria@example.ru"}));
        assert_eq!(
            receipt["company"],
            json!({"email": "shop@example.ru", "sno": "osn", "inn": "7707083893",
                   "payment_address": "https://shop.example.ru"})
        );
        assert_eq!(receipt["total"], json!(4199.98));
        assert_eq!(
            receipt["payments"],
            json!([{"type": 2, "sum": 4199.98}]),
            "prepayment offset"
        );
        let items = receipt["items"].as_array().unwrap();
        let keys: Vec<&str> = items[0]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        for key in [
            "name",
            "price",
            "quantity",
            "sum",
            "measure",
            "payment_method",
            "payment_object",
            "vat",
        ] {
            assert!(keys.contains(&key), "{key} in an item: {keys:?}");
        }
        assert_eq!(items[0]["payment_method"], "full_payment");
        assert_eq!(
            items[0]["payment_object"], 33,
            "a marked good with its code"
        );
        assert_eq!(items[0]["price"], json!(450.0));
        assert_eq!(items[0]["vat"]["type"], "vat22");
        use base64::Engine;
        let code = base64::engine::general_purpose::STANDARD.encode(CODE_A.as_bytes());
        assert_eq!(items[0]["mark_code"], json!({"gs1m": code}));
        let delivery = items.last().unwrap();
        assert_eq!(delivery["payment_object"], 4, "delivery is a service");
        let sum: f64 = items.iter().map(|i| i["sum"].as_f64().unwrap()).sum();
        assert!(
            (sum - 4199.98).abs() < 0.001,
            "items add up to the total: {sum}"
        );
        // The answer kept.
        let shown = ops::order_receipts(&store, "5001").await.unwrap();
        let r = &shown.receipts[1];
        assert_eq!(r.receipt.state, ReceiptState::Fiscalised);
        assert_eq!(r.receipt.register, "atol_online");
        assert_eq!(r.receipt.register_uuid.as_deref(), Some("u-5001"));
        let fiscal = r
            .fiscal
            .as_ref()
            .expect("fiscal attributes from the register");
        assert_eq!(
            (
                fiscal.fn_number.as_str(),
                fiscal.fd_number.as_str(),
                fiscal.fpd.as_str(),
                fiscal.fiscal_time.as_str()
            ),
            (
                "9999078900006369",
                "133",
                "3449555941",
                "20.11.2026 12:00:00"
            )
        );
        assert_eq!(
            fiscal.registration_number.as_deref(),
            Some("0000111118041361")
        );
        let request = ops::receipt_request(&store, r.receipt.id).await.unwrap();
        assert_eq!(request["operation"], "sell");
        assert_eq!(request["body"]["external_id"], json!(r.receipt.external_id));
        assert!(
            ops::send_receipts(&store, &manager(), Some("5001"), Some("secret"))
                .await
                .unwrap()
                .is_empty(),
            "a fiscalised receipt is never sent again"
        );
    }
);

on_both_engines!(
    a_register_that_refuses_or_stays_silent_leaves_a_failed_receipt_that_is_sent_again,
    |db| {
        let store = warehouse(&db, ReceiptMoment::AtPayment).await;
        let register = StandIn::start(Behaviour::Refuse).await;
        ops::set_receipt_settings(
            &store,
            &admin(),
            &settings(ReceiptMoment::AtPayment, register.settings()),
        )
        .await
        .unwrap();
        pay(&store, "5001", "4199.98", "карта").await;
        let sent = ops::send_receipts(&store, &manager(), None, Some("secret"))
            .await
            .unwrap();
        assert_eq!(sent[0].state, ReceiptState::Failed);
        assert!(
            sent[0].reason.contains("32") && sent[0].reason.contains("валидации"),
            "the register's own reason: {}",
            sent[0].reason
        );
        let wrong = ops::send_receipts(&store, &manager(), None, Some("wrong"))
            .await
            .unwrap();
        assert!(wrong[0].reason.contains("login"), "{}", wrong[0].reason);

        *register.behaviour.lock().unwrap() = Behaviour::Silent;
        let sent = ops::send_receipts(&store, &manager(), None, Some("secret"))
            .await
            .unwrap();
        assert_eq!(sent[0].state, ReceiptState::Failed);
        assert!(
            sent[0].reason.contains("did not answer") && sent[0].reason.contains("send it again"),
            "{}",
            sent[0].reason
        );
        let r = &ops::order_receipts(&store, "5001").await.unwrap().receipts[0];
        assert_eq!(r.receipt.state, ReceiptState::Failed);
        assert!(r.fiscal.is_none());
        adds_up(r);
        assert_eq!(
            r.receipt.total_minor, TOTAL,
            "nothing of the receipt is lost"
        );

        *register.behaviour.lock().unwrap() = Behaviour::Fiscalise;
        let sent = ops::send_receipts(&store, &manager(), None, Some("secret"))
            .await
            .unwrap();
        assert_eq!(
            sent[0].state,
            ReceiptState::Fiscalised,
            "sent again, it goes through"
        );
        let externals: Vec<_> = register
            .calls()
            .iter()
            .filter(|c| c.path.ends_with("/sell"))
            .map(|c| c.body["external_id"].clone())
            .collect();
        assert!(
            externals.windows(2).all(|w| w[0] == w[1]),
            "every try carries the same external id, so the register registers it once"
        );
    }
);
