//! Orders that arrive by themselves: the real `packbench-server` binary,
//! started on a loopback port against a real SQLite file and a real
//! PostgreSQL database, receives Shopify, WooCommerce and web-form orders
//! shaped as the shops' documentation shows them
//! (tests/fixtures/webhooks/), posted over HTTP/1.1 as the shops post them.
//! What the tests look at is what a person would: the order on the orders
//! screen (its detail), the change feed the stations follow, the log and
//! the inbox of deliveries.

mod common;

use common::TestDb;
use packbench_core::domain::{EventKind, OrderStatus};
use packbench_core::exchange::webhook::sign;
use packbench_core::ops::{self, ChangeFeed, DeliveryOutcome, WebhookChannel};
use packbench_core::store::{DbTarget, Store};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const SHOPIFY_SECRET: &str = "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";
const WOO_SECRET: &str = "wc-секрет-Ольги-2026-ключ";
const WEB_SECRET: &str = "web-form-secret-for-the-shop-2026";

/// Fixtures shaped as the shops' documentation shows their payloads.
fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/webhooks")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The `packbench-server` binary built beside the test binaries (`cargo
/// test --workspace` builds it).
fn server_binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let bin = exe
        .parent()
        .and_then(std::path::Path::parent)
        .map(|dir| dir.join("packbench-server"))
        .unwrap();
    assert!(
        bin.exists(),
        "{} is missing: build it (`cargo build -p packbench-server`, which `cargo test --workspace` does)",
        bin.display()
    );
    bin
}

fn db_arg(target: &DbTarget) -> String {
    match target {
        DbTarget::SqliteFile(path) => path.display().to_string(),
        DbTarget::Postgres(url) => url.clone(),
    }
}

/// The real server on a free loopback port; stopped when dropped.
struct Server {
    child: Child,
    address: String,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Server {
    async fn start(db: &TestDb) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("server.log");
        let mut child = Command::new(server_binary())
            .args(["--db", &db_arg(&db.target)])
            .args(["--listen", "127.0.0.1:0", "--station", "server-test"])
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("the server starts");
        let stdout = child.stdout.take().unwrap();
        // The server says where it listens once the port is open.
        let first = tokio::task::spawn_blocking(move || {
            let mut line = String::new();
            BufReader::new(stdout).read_line(&mut line).map(|_| line)
        })
        .await
        .unwrap()
        .unwrap();
        let Some(address) = first.trim().strip_prefix("listening on ") else {
            let _ = child.kill();
            panic!(
                "the server did not start: {first:?}\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        };
        Server {
            address: address.to_string(),
            child,
            log,
            _dir: dir,
        }
    }

    /// What the server wrote to its journal (standard error).
    fn journal(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// POSTs `body` with `headers`: (status, the JSON answer).
    async fn post(&self, path: &str, headers: &[(&str, String)], body: &[u8]) -> (u16, Value) {
        let (status, text) = http(
            &self.address,
            "POST",
            path,
            headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
            body.to_vec(),
        )
        .await;
        let json = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("the server answered {status} with no JSON ({e}): {text}"));
        (status, json)
    }

    async fn shopify(
        &self,
        topic: &str,
        webhook_id: &str,
        secret: &str,
        body: &[u8],
    ) -> (u16, Value) {
        let headers = [
            ("Content-Type", "application/json".to_string()),
            ("X-Shopify-Topic", topic.to_string()),
            ("X-Shopify-Hmac-Sha256", sign(secret, body)),
            (
                "X-Shopify-Shop-Domain",
                "posuda-urala.myshopify.com".to_string(),
            ),
            ("X-Shopify-API-Version", "2026-10".to_string()),
            ("X-Shopify-Webhook-Id", webhook_id.to_string()),
            ("X-Shopify-Triggered-At", "2026-11-20T07:15:06Z".to_string()),
            ("X-Shopify-Event-Id", format!("event-{webhook_id}")),
        ];
        self.post("/webhooks/shopify", &headers, body).await
    }

    async fn woocommerce(
        &self,
        topic: &str,
        delivery: &str,
        secret: &str,
        body: &[u8],
    ) -> (u16, Value) {
        let event = topic.rsplit('.').next().unwrap_or_default().to_string();
        let headers = [
            ("Content-Type", "application/json".to_string()),
            (
                "X-WC-Webhook-Source",
                "https://shop.example.ru/".to_string(),
            ),
            ("X-WC-Webhook-Topic", topic.to_string()),
            ("X-WC-Webhook-Resource", "order".to_string()),
            ("X-WC-Webhook-Event", event),
            ("X-WC-Webhook-Signature", sign(secret, body)),
            ("X-WC-Webhook-ID", "12".to_string()),
            ("X-WC-Webhook-Delivery-ID", delivery.to_string()),
        ];
        self.post("/webhooks/woocommerce", &headers, body).await
    }

    async fn web_form(&self, secret: &str, body: &[u8]) -> (u16, Value) {
        let headers = [
            ("Content-Type", "application/json".to_string()),
            ("X-Packbench-Signature", sign(secret, body)),
        ];
        self.post("/orders", &headers, body).await
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A minimal HTTP/1.1 client (one request per connection, as the shops'
/// senders use them): the status and the body.
async fn http(
    address: &str,
    method: &str,
    path: &str,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
) -> (u16, String) {
    let (address, method, path) = (address.to_string(), method.to_string(), path.to_string());
    tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(&address).expect("the server accepts");
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        let mut request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nContent-Length: {}\r\n",
            body.len()
        );
        for (k, v) in &headers {
            request.push_str(&format!("{k}: {v}\r\n"));
        }
        request.push_str("\r\n");
        stream.write_all(request.as_bytes()).unwrap();
        stream.write_all(&body).unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).expect("an answer");
        let text = String::from_utf8(answer).expect("the answer is UTF-8");
        let (head, body) = text.split_once("\r\n\r\n").expect("a head and a body");
        let status: u16 = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("a status line: {head}"));
        (status, body.to_string())
    })
    .await
    .unwrap()
}

/// A store with the demo's products (PB-0001 ...), users and orders, and
/// each channel's secret set by a supervisor.
async fn ready(db: &TestDb) {
    let admin = ops::Actor::new("admin", "office", ops::Role::Admin);
    ops::load_demo(&db.store, &admin, 1).await.unwrap();
    let supervisor = common::supervisor();
    for (channel, secret) in [
        (WebhookChannel::Shopify, SHOPIFY_SECRET),
        (WebhookChannel::WooCommerce, WOO_SECRET),
        (WebhookChannel::Web, WEB_SECRET),
    ] {
        ops::set_webhook_secret(&db.store, &supervisor, channel, secret)
            .await
            .unwrap();
    }
}

fn outcome(answer: &Value) -> &str {
    answer["outcome"].as_str().unwrap_or_default()
}

async fn count_numbered(store: &Store, number: &str) -> usize {
    ops::list_orders(
        store,
        &ops::OrderFilter {
            search: Some(number.to_string()),
            limit: 100,
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .iter()
    .filter(|o| o.number == number)
    .count()
}

async fn log(store: &Store) -> Vec<ops::DeliveryLog> {
    ops::webhook_deliveries(store, &common::supervisor(), false, 100, None)
        .await
        .unwrap()
}

/// Waits for the change feed to name `number`, as a station's screen does.
async fn seen_by_the_stations(store: &Store, feed: &mut ChangeFeed, number: &str) {
    let waited = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            let numbers = feed.next(store).await.unwrap();
            if numbers.iter().any(|n| n == number) {
                return;
            }
        }
    })
    .await;
    assert!(
        waited.is_ok(),
        "the stations' change feed never named order {number}"
    );
}

on_both_engines!(
    orders_from_each_shop_appear_with_their_lines_address_and_total,
    |db| {
        ready(&db).await;
        let server = Server::start(&db).await;
        let store = &db.store;
        let mut feed = ChangeFeed::start(store).await.unwrap();

        let (status, answer) = server
            .shopify(
                "orders/create",
                "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
                SHOPIFY_SECRET,
                &fixture("shopify_order_create.json"),
            )
            .await;
        assert_eq!((status, outcome(&answer)), (200, "created"), "{answer}");
        assert_eq!(answer["order"], "9101", "#9101 is order 9101");
        seen_by_the_stations(store, &mut feed, "9101").await;

        let o = ops::order_detail(store, "9101").await.unwrap();
        assert_eq!(o.head.channel, "shopify");
        assert_eq!(o.head.status, OrderStatus::New);
        assert_eq!(o.head.customer_name, "Анна Кузнецова");
        assert_eq!(
            o.head.shipping_address,
            "ул. Пушкина, д. 10, кв. 5, Екатеринбург, 620014, Свердловская область, RU"
        );
        assert_eq!(o.head.comment, "Домофон 5К, позвонить за час");
        let lines: Vec<(&str, i64, i64, i64)> = o
            .lines
            .iter()
            .map(|l| {
                (
                    l.sku.as_str(),
                    l.quantity,
                    l.unit_price_minor,
                    l.discount_minor,
                )
            })
            .collect();
        assert_eq!(
            lines,
            [("PB-0001", 2, 45_000, 5_000), ("PB-0002", 1, 249_000, 0)],
            "every line item with its price and discount"
        );
        assert_eq!(
            o.total_minor, 369_000,
            "3 690.00 ₽, as Shopify's total_price says"
        );
        assert_eq!(
            o.paid_minor, 369_000,
            "a paid order arrives with its payment on the ledger"
        );
        let first = &o.events[0];
        assert_eq!(
            (first.user.as_str(), first.station.as_str()),
            ("Shopify", "server-test"),
            "the history says who brought it in"
        );

        let (status, answer) = server
            .woocommerce(
                "order.created",
                "5bb3b1a2c0ffee",
                WOO_SECRET,
                &fixture("woocommerce_order_created.json"),
            )
            .await;
        assert_eq!((status, outcome(&answer)), (200, "created"), "{answer}");
        seen_by_the_stations(store, &mut feed, "7727").await;
        let w = ops::order_detail(store, "7727").await.unwrap();
        assert_eq!(w.head.channel, "woocommerce");
        assert_eq!(w.head.customer_name, "Ольга Смирнова");
        assert_eq!(
            w.head.shipping_address,
            "Невский пр., 28, кв. 5, Санкт-Петербург, SPE, 191186, RU"
        );
        assert_eq!(w.head.delivery_method, "Почта России");
        assert_eq!(w.lines.len(), 2);
        assert_eq!(w.total_minor, 255_000, "2 550.00 ₽, WooCommerce's total");

        let (status, answer) = server
            .web_form(WEB_SECRET, &fixture("packbench_order.json"))
            .await;
        assert_eq!((status, outcome(&answer)), (200, "created"), "{answer}");
        let f = ops::order_detail(store, "W-5001").await.unwrap();
        assert_eq!(f.head.channel, "web");
        assert_eq!(f.head.customer_name, "Иванова Мария");
        assert_eq!(f.total_minor, 85_000 + 249_000);

        let (status, health) =
            http(&server.address, "GET", "/health", Vec::new(), Vec::new()).await;
        assert_eq!(status, 200, "{health}");
    }
);

on_both_engines!(a_webhook_delivered_twice_makes_one_order, |db| {
    ready(&db).await;
    let server = Server::start(&db).await;
    let store = &db.store;
    let body = fixture("shopify_order_create.json");
    let id = "0d1b1f3e-7c49-4c8e-9a5a-2f1f5d4e6a11";
    let (_, first) = server
        .shopify("orders/create", id, SHOPIFY_SECRET, &body)
        .await;
    assert_eq!(outcome(&first), "created", "{first}");
    let (status, again) = server
        .shopify("orders/create", id, SHOPIFY_SECRET, &body)
        .await;
    assert_eq!(
        (status, outcome(&again)),
        (200, "duplicate"),
        "the same X-Shopify-Webhook-Id again is answered, not taken again: {again}"
    );
    assert_eq!(again["order"], "9101");
    // Shopify's orders/updated for the same version, a moment later.
    let (_, same) = server
        .shopify(
            "orders/updated",
            "another-delivery-id",
            SHOPIFY_SECRET,
            &body,
        )
        .await;
    assert_eq!(outcome(&same), "duplicate", "{same}");
    assert_eq!(count_numbered(store, "9101").await, 1, "one order");
    let o = ops::order_detail(store, "9101").await.unwrap();
    assert_eq!(o.lines.len(), 2, "its lines once");
    assert_eq!(o.payments.len(), 1, "its payment once");

    // WooCommerce gives every retry a new delivery id: the order's own id
    // and version still make it one order.
    let woo = fixture("woocommerce_order_created.json");
    let mut outcomes = Vec::new();
    for delivery in ["d-1", "d-2"] {
        let (status, answer) = server
            .woocommerce("order.created", delivery, WOO_SECRET, &woo)
            .await;
        assert_eq!(status, 200, "{answer}");
        outcomes.push(outcome(&answer).to_string());
    }
    assert_eq!(outcomes, ["created", "duplicate"]);
    assert_eq!(
        count_numbered(store, "7727").await,
        1,
        "one WooCommerce order"
    );
});

on_both_engines!(
    a_badly_signed_or_unsigned_request_is_refused_logged_and_creates_nothing,
    |db| {
        ready(&db).await;
        let server = Server::start(&db).await;
        let store = &db.store;
        let body = fixture("shopify_order_create.json");

        let (status, answer) = server
            .shopify(
                "orders/create",
                "forged-1",
                "not-the-shops-secret-at-all",
                &body,
            )
            .await;
        assert_eq!(
            (status, outcome(&answer)),
            (401, "bad_signature"),
            "{answer}"
        );
        assert!(
            answer["message"]
                .as_str()
                .unwrap()
                .contains("X-Shopify-Hmac-Sha256"),
            "the answer says which header did not match: {answer}"
        );

        let headers = [
            ("X-Shopify-Topic", "orders/create".to_string()),
            ("X-Shopify-Webhook-Id", "forged-2".to_string()),
        ];
        let (status, answer) = server.post("/webhooks/shopify", &headers, &body).await;
        assert_eq!((status, outcome(&answer)), (401, "unsigned"), "{answer}");

        // A body altered on the way, with the shop's real signature of the
        // original.
        let mut altered = body.clone();
        let at = altered.windows(6).position(|w| w == b"450.00").unwrap();
        altered[at..at + 6].copy_from_slice(b"001.00");
        let headers = [
            ("X-Shopify-Topic", "orders/create".to_string()),
            ("X-Shopify-Hmac-Sha256", sign(SHOPIFY_SECRET, &body)),
        ];
        let (status, _) = server.post("/webhooks/shopify", &headers, &altered).await;
        assert_eq!(status, 401, "an altered body does not match its signature");

        assert!(
            ops::order_detail(store, "9101").await.is_err(),
            "nothing was created"
        );
        let refused: Vec<_> = log(store)
            .await
            .into_iter()
            .filter(|d| d.outcome.is_unauthorised())
            .collect();
        assert_eq!(refused.len(), 3, "each refusal is logged: {refused:?}");
        for d in &refused {
            assert!(
                d.remote.starts_with("127.0.0.1:"),
                "with the sender's address: {}",
                d.remote
            );
            assert!(!d.kept, "a stranger's body is not kept");
            assert!(
                d.delivery_id.is_none(),
                "an unsigned request cannot claim a delivery id"
            );
            assert!(!d.reason.is_empty());
        }
        assert!(
            server.journal().contains("401 bad_signature"),
            "the server's journal says so too:\n{}",
            server.journal()
        );
        // The real delivery under the id a forger used is still taken.
        let (_, real) = server
            .shopify("orders/create", "forged-1", SHOPIFY_SECRET, &body)
            .await;
        assert_eq!(outcome(&real), "created", "{real}");
    }
);

on_both_engines!(
    an_unreadable_body_is_answered_400_with_the_reason_and_kept,
    |db| {
        ready(&db).await;
        let server = Server::start(&db).await;
        let store = &db.store;
        let cut = fixture("shopify_order_truncated.json");
        let (status, answer) = server
            .shopify("orders/create", "cut-1", SHOPIFY_SECRET, &cut)
            .await;
        assert_eq!((status, outcome(&answer)), (400, "unreadable"), "{answer}");
        let message = answer["message"].as_str().unwrap();
        assert!(
            message.contains("not JSON") && message.contains("kept"),
            "the reason, and where the body is: {message}"
        );
        // Shopify tries again with the same delivery id: the same answer, one copy kept.
        let (status, _) = server
            .shopify("orders/create", "cut-1", SHOPIFY_SECRET, &cut)
            .await;
        assert_eq!(status, 400);
        // A shop order the rules refuse (no SKU on a line) is kept too.
        let mut no_sku: Value =
            serde_json::from_slice(&fixture("woocommerce_order_created.json")).unwrap();
        no_sku["line_items"][1]["sku"] = Value::String(String::new());
        let no_sku = serde_json::to_vec(&no_sku).unwrap();
        let (status, answer) = server
            .woocommerce("order.created", "w-no-sku", WOO_SECRET, &no_sku)
            .await;
        assert_eq!(status, 400, "{answer}");
        assert!(
            answer["message"].as_str().unwrap().contains("SKU"),
            "{answer}"
        );

        let inbox = ops::webhook_deliveries(store, &common::supervisor(), true, 50, None)
            .await
            .unwrap();
        assert_eq!(inbox.len(), 2, "both wait for a person: {inbox:?}");
        let shopify = inbox
            .iter()
            .find(|d| d.channel == WebhookChannel::Shopify)
            .unwrap();
        let (_, kept) = ops::webhook_delivery(store, &common::supervisor(), shopify.id)
            .await
            .unwrap();
        assert_eq!(
            kept.as_deref(),
            Some(cut.as_slice()),
            "the body exactly as it came"
        );
        ops::dismiss_webhook_delivery(store, &common::supervisor(), shopify.id)
            .await
            .unwrap();
        let inbox = ops::webhook_deliveries(store, &common::supervisor(), true, 50, None)
            .await
            .unwrap();
        assert_eq!(inbox.len(), 1, "a dismissed body leaves the inbox");
        assert!(ops::order_detail(store, "9101").await.is_err());
        assert!(ops::order_detail(store, "7727").await.is_err());
    }
);

on_both_engines!(
    an_update_changes_an_unpacked_order_and_is_refused_on_a_packed_one,
    |db| {
        ready(&db).await;
        let server = Server::start(&db).await;
        let store = &db.store;
        let mut feed = ChangeFeed::start(store).await.unwrap();

        // Shopify: a new order changed in the shop before anyone packed it.
        server
            .shopify(
                "orders/create",
                "s-1",
                SHOPIFY_SECRET,
                &fixture("shopify_order_create.json"),
            )
            .await;
        let (status, answer) = server
            .shopify(
                "orders/updated",
                "s-2",
                SHOPIFY_SECRET,
                &fixture("shopify_order_updated.json"),
            )
            .await;
        assert_eq!((status, outcome(&answer)), (200, "updated"), "{answer}");
        seen_by_the_stations(store, &mut feed, "9101").await;
        let o = ops::order_detail(store, "9101").await.unwrap();
        assert_eq!(o.lines[0].quantity, 3, "three mugs now");
        assert!(
            o.head.shipping_address.contains("кв. 7"),
            "{}",
            o.head.shipping_address
        );
        assert_eq!(o.total_minor, 414_000);
        let edited = o.events.iter().find(|e| e.kind == EventKind::Edited);
        assert!(
            edited.is_some_and(|e| e.user == "Shopify"),
            "the change went through the orders' edit and is in the history"
        );
        // The first version, delivered late, does not undo the change.
        let (_, late) = server
            .shopify(
                "orders/create",
                "s-0-late",
                SHOPIFY_SECRET,
                &fixture("shopify_order_create.json"),
            )
            .await;
        assert_eq!(outcome(&late), "duplicate", "{late}");
        assert_eq!(
            ops::order_detail(store, "9101").await.unwrap().lines[0].quantity,
            3
        );

        // WooCommerce: the order is packed before the customer changes it.
        server
            .woocommerce(
                "order.created",
                "w-1",
                WOO_SECRET,
                &fixture("woocommerce_order_created.json"),
            )
            .await;
        ops::confirm_order(store, &common::supervisor(), "7727")
            .await
            .unwrap();
        common::pack(store, "7727").await;
        assert_eq!(
            ops::order_detail(store, "7727").await.unwrap().head.status,
            OrderStatus::Ready
        );
        let (status, answer) = server
            .woocommerce(
                "order.updated",
                "w-2",
                WOO_SECRET,
                &fixture("woocommerce_order_updated.json"),
            )
            .await;
        assert_eq!((status, outcome(&answer)), (200, "refused"), "{answer}");
        assert!(
            answer["message"].as_str().unwrap().contains("packed"),
            "the edit's own rule says why: {answer}"
        );
        let w = ops::order_detail(store, "7727").await.unwrap();
        assert_eq!(w.head.status, OrderStatus::Ready, "still packed");
        assert_eq!(w.lines[0].quantity, 2, "the box is not silently changed");
        assert_eq!(w.head.comment, "");
        let note = w
            .notes
            .iter()
            .find(|n| n.pinned)
            .expect("a pinned note says so");
        assert!(note.text.contains("WooCommerce"), "{}", note.text);
        let refused = log(store)
            .await
            .into_iter()
            .find(|d| d.outcome == DeliveryOutcome::Refused)
            .expect("the refusal is logged");
        assert!(refused.kept, "the shop's version is kept for a person");
        assert_eq!(refused.order.as_deref(), Some("7727"));
    }
);

on_both_engines!(
    an_order_with_a_product_that_does_not_exist_is_imported_and_flagged,
    |db| {
        ready(&db).await;
        let server = Server::start(&db).await;
        let store = &db.store;
        let (status, answer) = server
            .shopify(
                "orders/create",
                "u-1",
                SHOPIFY_SECRET,
                &fixture("shopify_order_unknown_sku.json"),
            )
            .await;
        assert_eq!((status, outcome(&answer)), (200, "created"), "{answer}");
        assert_eq!(answer["unknown_skus"], serde_json::json!(["NOPE-404"]));
        let o = ops::order_detail(store, "9102").await.unwrap();
        let unknown = o.lines.iter().find(|l| l.sku == "NOPE-404").unwrap();
        assert_eq!(unknown.product_id, None, "the line waits for its product");
        assert_eq!(
            o.events[0].after.as_ref().unwrap()["unknown_skus"],
            serde_json::json!(["NOPE-404"]),
            "flagged in the history as an import flags it"
        );
        let created = log(store).await.into_iter().next().unwrap();
        assert!(created.reason.contains("NOPE-404"), "{}", created.reason);
    }
);

on_both_engines!(a_shop_number_another_channel_has_is_kept_apart, |db| {
    ready(&db).await;
    let server = Server::start(&db).await;
    let store = &db.store;
    let phone = ops::list_orders(
        store,
        &ops::OrderFilter {
            limit: 100,
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .into_iter()
    .find(|o| o.channel != "shopify")
    .expect("the demo has orders of other channels");
    let mut body: Value = serde_json::from_slice(&fixture("shopify_order_create.json")).unwrap();
    body["id"] = serde_json::json!(555_000_111);
    body["name"] = Value::String(format!("#{}", phone.number));
    let body = serde_json::to_vec(&body).unwrap();
    let (status, answer) = server
        .shopify("orders/create", "n-1", SHOPIFY_SECRET, &body)
        .await;
    assert_eq!((status, outcome(&answer)), (200, "created"), "{answer}");
    let number = format!("{}-shopify", phone.number);
    assert_eq!(answer["order"], Value::String(number.clone()));
    let before = ops::order_detail(store, &phone.number).await.unwrap();
    assert_eq!(
        before.head.channel, phone.channel,
        "the other order is untouched"
    );
    assert_eq!(
        ops::order_detail(store, &number)
            .await
            .unwrap()
            .head
            .channel,
        "shopify"
    );
});

on_both_engines!(
    an_order_the_shop_has_fulfilled_already_is_not_created,
    |db| {
        ready(&db).await;
        let server = Server::start(&db).await;
        // An old order archived in the shop after the webhook was set up.
        let mut old: Value = serde_json::from_slice(&fixture("shopify_order_create.json")).unwrap();
        old["fulfillment_status"] = Value::String("fulfilled".into());
        old["closed_at"] = Value::String("2026-11-01T12:00:00+03:00".into());
        let old = serde_json::to_vec(&old).unwrap();
        let (status, answer) = server
            .shopify("orders/updated", "f-1", SHOPIFY_SECRET, &old)
            .await;
        assert_eq!((status, outcome(&answer)), (200, "ignored"), "{answer}");
        assert!(
            ops::order_detail(&db.store, "9101").await.is_err(),
            "nothing to pack: the goods would go twice"
        );
    }
);

on_both_engines!(woocommerces_ping_is_answered_and_creates_nothing, |db| {
    ready(&db).await;
    let server = Server::start(&db).await;
    let headers = [(
        "Content-Type",
        "application/x-www-form-urlencoded".to_string(),
    )];
    let (status, answer) = server
        .post("/webhooks/woocommerce", &headers, b"webhook_id=12")
        .await;
    assert_eq!((status, outcome(&answer)), (200, "ping"), "{answer}");
    // Anything else unsigned is still refused.
    let (status, _) = server
        .post("/webhooks/woocommerce", &headers, b"webhook_id=12&x=1")
        .await;
    assert_eq!(status, 401);
});

/// A supervisor sets a secret with the CLI, reads the log and the inbox
/// (SQLite: the CLI is run on the file).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_sets_the_secret_and_shows_the_log_and_the_inbox() {
    let db = common::sqlite().await;
    let admin = ops::Actor::new("admin", "office", ops::Role::Admin);
    ops::load_demo(&db.store, &admin, 1).await.unwrap();
    let DbTarget::SqliteFile(path) = &db.target else {
        unreachable!()
    };
    let server = Server::start(&db).await;

    // No secret yet: refused, and the reason says how to set one.
    let body = fixture("packbench_order.json");
    let (status, answer) = server.web_form(WEB_SECRET, &body).await;
    assert_eq!(status, 401, "{answer}");
    assert!(
        answer["message"].as_str().unwrap().contains("set-secret"),
        "{answer}"
    );

    let (code, out, err) = common::cli_run(
        path,
        "office",
        &[
            "webhooks",
            "set-secret",
            "--channel",
            "web",
            "--secret-file",
            "-",
        ],
        &format!("{WEB_SECRET}\n"),
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("fingerprint"), "{out}");
    let (code, out, _) = common::cli_run(path, "office", &["webhooks", "status"], "");
    assert_eq!(code, 0);
    assert!(
        !out.contains(WEB_SECRET),
        "the secret is never shown: {out}"
    );
    assert!(
        out.contains("web") && out.contains("Ольга"),
        "who set it: {out}"
    );

    let (status, answer) = server.web_form(WEB_SECRET, &body).await;
    assert_eq!((status, outcome(&answer)), (200, "created"), "{answer}");
    let (status, _) = server.web_form(WEB_SECRET, b"{\"number\": ").await;
    assert_eq!(status, 400);

    let (code, out, _) = common::cli_run(path, "office", &["webhooks", "log"], "");
    assert_eq!(code, 0);
    assert!(
        out.contains("unsigned") || out.contains("bad_signature"),
        "the refusal is in the log: {out}"
    );
    assert!(
        out.contains("127.0.0.1:"),
        "with the sender's address: {out}"
    );
    assert!(out.contains("created") && out.contains("W-5001"), "{out}");
    let (code, out, _) = common::cli_run(path, "office", &["webhooks", "inbox"], "");
    assert_eq!(code, 0);
    assert!(
        out.contains("unreadable") && out.contains("[kept]"),
        "{out}"
    );
    let id = out
        .split_whitespace()
        .find_map(|w| w.strip_prefix('#'))
        .expect("the kept delivery's number");
    let (code, out, _) = common::cli_run(path, "office", &["webhooks", "show", id], "");
    assert_eq!(code, 0);
    assert!(out.contains("{\"number\": "), "the body as it came: {out}");
    // A packer may not set a secret.
    let packer = common::packer("station-1");
    let refused =
        ops::set_webhook_secret(&db.store, &packer, WebhookChannel::Shopify, SHOPIFY_SECRET).await;
    assert!(refused.is_err(), "a packer may not set a shop's secret");
}
