//! Stock and order status back to the shop, on both engines: orders arrive
//! by the shops' webhooks (the fixtures shaped as their documentation shows
//! them), are packed and shipped at a station, and the calls Packbench
//! makes to the shop's API land on a loopback stand-in of the shop that
//! records them and answers as told (500, 429 with Retry-After, 404, 200).
//! What is checked is what the shop would see: the documented paths,
//! headers and JSON bodies, and what a person sees in the queue.

mod common;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use common::TestDb;
use packbench_core::clock::FixedClock;
use packbench_core::exchange::webhook::sign;
use packbench_core::ops::{self, Delivery, ShopCallKind, ShopCallState, WebhookChannel};
use packbench_core::store::Store;
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

const SHOPIFY_SECRET: &str = "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";
const WOO_SECRET: &str = "wc-секрет-Ольги-2026-ключ";
const SHOPIFY_TOKEN: &str = "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";
const WOO_KEY: &str = "ck_4f5e6d7c8b9a0f1e2d3c4b5a69788796a5b4c3d2";
const WOO_SECRET_KEY: &str = "cs_9a8b7c6d5e4f30211203f4e5d6c7b8a9f0e1d2c3";

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/webhooks")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A request the shop received.
#[derive(Debug, Clone)]
struct Call {
    method: String,
    path: String,
    headers: HeaderMap,
    body: Value,
}

impl Call {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

#[derive(Default)]
struct Shop {
    calls: Vec<Call>,
    /// Answers for the next requests, in order: (status, Retry-After).
    script: VecDeque<(u16, Option<&'static str>)>,
    /// Paths answered 404 (a product deleted in the shop).
    gone: Vec<String>,
    /// Shopify orders fulfilled here: their fulfillment orders are closed.
    fulfilled: Vec<String>,
}

/// The shop's stand-in on a loopback port.
struct StandIn {
    url: String,
    shop: Arc<Mutex<Shop>>,
}

impl StandIn {
    async fn start() -> StandIn {
        let shop = Arc::new(Mutex::new(Shop::default()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let app = axum::Router::new()
            .fallback(answer)
            .with_state(shop.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        StandIn { url, shop }
    }

    fn calls(&self) -> Vec<Call> {
        self.shop.lock().unwrap().calls.clone()
    }

    fn then_answer(&self, answers: &[(u16, Option<&'static str>)]) {
        self.shop
            .lock()
            .unwrap()
            .script
            .extend(answers.iter().copied());
    }

    fn gone(&self, path: &str) {
        self.shop.lock().unwrap().gone.push(path.to_string());
    }

    fn back(&self) {
        self.shop.lock().unwrap().gone.clear();
    }

    fn clear(&self) {
        self.shop.lock().unwrap().calls.clear();
    }
}

async fn answer(
    State(shop): State<Arc<Mutex<Shop>>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_string();
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let mut shop = shop.lock().unwrap();
    shop.calls.push(Call {
        method: method.to_string(),
        path: path.clone(),
        headers,
        body,
    });
    if let Some((status, retry_after)) = shop.script.pop_front() {
        let mut r = (
            StatusCode::from_u16(status).unwrap(),
            json!({"errors": format!("stand-in says {status}")}).to_string(),
        )
            .into_response();
        if let Some(after) = retry_after {
            r.headers_mut()
                .insert("Retry-After", after.parse().unwrap());
        }
        return r;
    }
    if shop.gone.contains(&path) {
        return (
            StatusCode::NOT_FOUND,
            json!({"code": "woocommerce_rest_product_invalid_id", "message": "Invalid ID.",
                   "data": {"status": 404}})
            .to_string(),
        )
            .into_response();
    }
    let reply = if let Some(id) = path
        .strip_prefix("/admin/api/2024-10/variants/")
        .and_then(|p| p.strip_suffix(".json"))
    {
        let id: u64 = id.parse().unwrap();
        json!({"variant": {"id": id, "inventory_item_id": id + 1_000_000}})
    } else if let Some(order) = path
        .strip_prefix("/admin/api/2024-10/orders/")
        .and_then(|p| p.strip_suffix("/fulfillment_orders.json"))
    {
        let status = if shop.fulfilled.iter().any(|o| o == order) {
            "closed"
        } else {
            "open"
        };
        json!({"fulfillment_orders": [{"id": 1046000778u64,
               "order_id": order.parse::<u64>().unwrap(), "status": status}]})
    } else if path == "/admin/api/2024-10/fulfillments.json" {
        shop.fulfilled.push("820982911946154508".into());
        json!({"fulfillment": {"id": 255858046, "status": "success"}})
    } else {
        json!({"ok": true})
    };
    (StatusCode::OK, reply.to_string()).into_response()
}

fn admin() -> ops::Actor {
    ops::Actor::new("admin", "office", ops::Role::Admin)
}

/// The demo warehouse (PB-0001 ... with stock and barcodes), the shops'
/// webhook secrets, and a pinned clock the test moves on by hand.
async fn ready(db: &TestDb) -> (Store, Arc<FixedClock>) {
    ops::load_demo(&db.store, &admin(), 1).await.unwrap();
    for (channel, secret) in [
        (WebhookChannel::Shopify, SHOPIFY_SECRET),
        (WebhookChannel::WooCommerce, WOO_SECRET),
    ] {
        ops::set_webhook_secret(&db.store, &common::supervisor(), channel, secret)
            .await
            .unwrap();
    }
    let clock = common::clock();
    (db.store.clone().with_clock(clock.clone()), clock)
}

async fn deliver(store: &Store, channel: WebhookChannel, topic: &str, body: &[u8]) {
    let secret = match channel {
        WebhookChannel::Shopify => SHOPIFY_SECRET,
        _ => WOO_SECRET,
    };
    let signature = sign(secret, body);
    let receipt = ops::receive_delivery(
        store,
        "server-test",
        &Delivery {
            channel,
            topic: Some(topic),
            signature: Some(&signature),
            delivery_id: None,
            remote: "127.0.0.1:5000",
            body,
        },
    )
    .await
    .unwrap();
    assert_eq!(
        receipt.outcome,
        ops::DeliveryOutcome::Created,
        "{}",
        receipt.message
    );
}

async fn free_units(store: &Store, sku: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(s.on_hand - s.reserved), 0) AS BIGINT) FROM stock s \
         JOIN products p ON p.id = s.product_id WHERE p.sku = $1",
    )
    .bind(sku)
    .fetch_one(store.pool())
    .await
    .unwrap()
}

async fn queue(store: &Store) -> ops::ShopQueue {
    ops::shop_calls(store, &admin(), None, 100).await.unwrap()
}

async fn receive(store: &Store, sku: &str, quantity: i64) {
    let product = ops::product_by_sku(store, sku).await.unwrap();
    let bin = product.default_bin.clone().unwrap_or_else(|| "A-01".into());
    let code = product
        .barcodes
        .iter()
        .find(|b| b.units == 1)
        .expect("a unit barcode")
        .code
        .clone();
    let scan_id = format!("receipt-{sku}-{quantity}-{}", store.now_ms());
    ops::receive_stock(store, &admin(), &bin, &code, quantity, &scan_id)
        .await
        .unwrap();
}

on_both_engines!(
    stock_and_the_tracking_go_back_to_shopify_in_its_documented_shapes,
    |db| {
        let (store, _clock) = ready(&db).await;
        let shop = StandIn::start().await;
        let info = ops::set_shop_api(
            &store,
            &common::supervisor(),
            &ops::ShopApiInput {
                channel: Some(WebhookChannel::Shopify),
                base_url: shop.url.clone(),
                location_id: "655441491".into(),
                api_secret: Some(SHOPIFY_TOKEN.into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert!(info.connected);
        assert!(
            !format!("{info:?}").contains(SHOPIFY_TOKEN),
            "the settings shown never hold the token: {info:?}"
        );

        // The shop's order names its products' variants: learnt on sight.
        deliver(
            &store,
            WebhookChannel::Shopify,
            "orders/create",
            &fixture("shopify_order_create.json"),
        )
        .await;
        assert!(
            queue(&store).await.calls.is_empty(),
            "an order arriving moves no stock: nothing for the shop yet"
        );
        ops::confirm_order(&store, &admin(), "9101").await.unwrap();
        // Stock received for the mug before packing: a second move of the
        // same product while its call waits.
        receive(&store, "PB-0001", 5).await;
        common::pack_and_ship(&store, "9101", "СДЭК", "1084563217").await;

        let waiting = queue(&store).await;
        let stock_calls = waiting
            .calls
            .iter()
            .filter(|c| c.kind == ShopCallKind::Stock)
            .count();
        assert_eq!(
            stock_calls, 2,
            "one waiting call per product however often its stock moved: {:?}",
            waiting.calls
        );
        assert_eq!(waiting.pending, 3, "two stock calls and the shipment");

        let pass = ops::send_shop_calls(&store).await.unwrap();
        assert_eq!((pass.done, pass.failed), (3, 0), "{:?}", pass.lines);
        let calls = shop.calls();
        for c in &calls {
            assert_eq!(
                c.header("x-shopify-access-token"),
                SHOPIFY_TOKEN,
                "every call carries the Admin API token: {} {}",
                c.method,
                c.path
            );
        }
        let sets: Vec<&Call> = calls
            .iter()
            .filter(|c| c.path == "/admin/api/2024-10/inventory_levels/set.json")
            .collect();
        assert_eq!(sets.len(), 2, "{calls:?}");
        let mug = sets
            .iter()
            .find(|c| c.body["inventory_item_id"] == json!(808950810u64 + 1_000_000))
            .expect("the mug's level is set on its variant's inventory item");
        assert_eq!(mug.method, "POST");
        assert_eq!(mug.body["location_id"], json!(655441491u64));
        assert_eq!(
            mug.body["available"],
            json!(free_units(&store, "PB-0001").await),
            "the shop is told the mugs no order holds, after the receipt and the shipment"
        );
        assert!(
            calls.iter().any(
                |c| c.method == "GET" && c.path == "/admin/api/2024-10/variants/808950810.json"
            ),
            "the variant's inventory item is asked for"
        );
        let fulfil = calls
            .iter()
            .find(|c| c.path == "/admin/api/2024-10/fulfillments.json")
            .expect("the shipped order is fulfilled in the shop");
        assert_eq!(fulfil.method, "POST");
        let f = &fulfil.body["fulfillment"];
        assert_eq!(
            f["line_items_by_fulfillment_order"][0]["fulfillment_order_id"],
            json!(1046000778u64)
        );
        assert_eq!(f["tracking_info"]["number"], "1084563217");
        assert_eq!(
            f["notify_customer"], false,
            "Packbench tells the customer itself"
        );
        assert!(calls.iter().any(|c| c.method == "GET"
            && c.path == "/admin/api/2024-10/orders/820982911946154508/fulfillment_orders.json"));

        // Nothing goes twice.
        shop.clear();
        let again = ops::send_shop_calls(&store).await.unwrap();
        assert_eq!(again.done + again.retrying + again.failed, 0);
        assert!(
            shop.calls().is_empty(),
            "an accepted call is never sent again"
        );
        let q = queue(&store).await;
        assert_eq!((q.done, q.pending, q.failed), (3, 0, 0));
        for c in &q.calls {
            let shown = format!("{c:?}");
            assert!(
                !shown.contains(SHOPIFY_TOKEN),
                "the queue never shows the token: {shown}"
            );
        }

        // The next stock move of a known product goes without asking for
        // its inventory item again.
        receive(&store, "PB-0002", 1).await;
        ops::send_shop_calls(&store).await.unwrap();
        let calls = shop.calls();
        assert_eq!(calls.len(), 1, "{calls:?}");
        assert_eq!(
            calls[0].body["available"],
            json!(free_units(&store, "PB-0002").await)
        );
    }
);

on_both_engines!(
    woocommerce_is_retried_until_it_accepts_and_a_refusal_waits_for_a_person,
    |db| {
        let (store, clock) = ready(&db).await;
        let shop = StandIn::start().await;
        ops::set_shop_api(
            &store,
            &common::supervisor(),
            &ops::ShopApiInput {
                channel: Some(WebhookChannel::WooCommerce),
                base_url: format!("{}/", shop.url),
                api_key: WOO_KEY.into(),
                api_secret: Some(WOO_SECRET_KEY.into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        deliver(
            &store,
            WebhookChannel::WooCommerce,
            "order.created",
            &fixture("woocommerce_order_created.json"),
        )
        .await;
        ops::confirm_order(&store, &admin(), "7727").await.unwrap();
        // The shop deleted the product PB-0003 (id 22) meanwhile.
        shop.gone("/wp-json/wc/v3/products/22");
        common::pack_and_ship(&store, "7727", "СДЭК", "1084563218").await;

        // The shop is down, then busy.
        shop.then_answer(&[(500, None), (429, Some("7"))]);
        let first = ops::send_shop_calls(&store).await.unwrap();
        assert_eq!(
            (first.retrying, first.done),
            (2, 1),
            "the two stock calls meet the failures, the shipment goes: {:?}",
            first.lines
        );
        let q = queue(&store).await;
        let waiting: Vec<_> = q
            .calls
            .iter()
            .filter(|c| c.state == ShopCallState::Pending && c.attempts == 1)
            .collect();
        assert_eq!(waiting.len(), 2, "{:?}", q.calls);
        assert!(
            waiting.iter().any(|c| c.last_status == Some(429)
                && c.next_attempt_at == store.now() + chrono::Duration::seconds(7)),
            "the shop's Retry-After is honoured: {waiting:?}"
        );
        assert!(waiting
            .iter()
            .any(|c| c.last_status == Some(500)
                && c.last_error.as_deref().unwrap_or("").contains("500")));

        // Their time comes.
        clock.advance(chrono::Duration::seconds(11));
        let second = ops::send_shop_calls(&store).await.unwrap();
        assert_eq!(
            (second.done, second.failed),
            (1, 1),
            "the mug's stock goes; the deleted product is refused: {:?}",
            second.lines
        );
        let calls = shop.calls();
        let basic = format!(
            "Basic {}",
            base64::Engine::encode(
                &base64::engine::general_purpose::STANDARD,
                format!("{WOO_KEY}:{WOO_SECRET_KEY}")
            )
        );
        for c in &calls {
            assert_eq!(c.header("authorization"), basic, "{} {}", c.method, c.path);
        }
        let mug = calls
            .iter()
            .rfind(|c| c.path == "/wp-json/wc/v3/products/93")
            .expect("the mug's stock goes to its WooCommerce product");
        assert_eq!(mug.method, "PUT");
        assert_eq!(
            mug.body,
            json!({"manage_stock": true, "stock_quantity": free_units(&store, "PB-0001").await})
        );
        let completed = calls
            .iter()
            .rfind(|c| c.path == "/wp-json/wc/v3/orders/727" && c.method == "PUT")
            .expect("the shipped order is completed in the shop");
        assert_eq!(completed.body, json!({"status": "completed"}));
        let note = calls
            .iter()
            .find(|c| c.path == "/wp-json/wc/v3/orders/727/notes")
            .expect("the tracking number goes to the order's notes");
        assert_eq!(note.method, "POST");
        assert!(
            note.body["note"]
                .as_str()
                .unwrap_or_default()
                .contains("1084563218"),
            "{:?}",
            note.body
        );

        // The refused call waits for a person, with the shop's words.
        let failed = ops::shop_calls(&store, &admin(), Some(ShopCallState::Failed), 10)
            .await
            .unwrap();
        assert_eq!(failed.failed, 1);
        let refused = &failed.calls[0];
        assert_eq!(refused.sku.as_deref(), Some("PB-0003"));
        assert_eq!(refused.last_status, Some(404));
        let reason = refused.last_error.clone().unwrap_or_default();
        assert!(
            reason.contains("404") && reason.contains("Invalid ID"),
            "the reason names the shop's answer: {reason}"
        );
        clock.advance(chrono::Duration::hours(2));
        shop.clear();
        ops::send_shop_calls(&store).await.unwrap();
        assert!(
            shop.calls().is_empty(),
            "a refused call is not sent again by itself"
        );
        for c in queue(&store).await.calls {
            let shown = format!("{c:?}");
            assert!(
                !shown.contains(WOO_SECRET_KEY) && !shown.contains(WOO_KEY),
                "{shown}"
            );
        }

        // The product is made again in the shop; a supervisor retries.
        shop.back();
        assert!(
            ops::retry_shop_call(&store, &common::packer("station-1"), refused.id)
                .await
                .is_err(),
            "a packer may not"
        );
        let retried = ops::retry_shop_call(&store, &common::supervisor(), refused.id)
            .await
            .unwrap();
        assert_eq!(retried.state, ShopCallState::Pending);
        let pass = ops::send_shop_calls(&store).await.unwrap();
        assert_eq!(pass.done, 1, "{:?}", pass.lines);
        let put = shop.calls();
        assert_eq!(put.len(), 1, "{put:?}");
        assert_eq!(put[0].path, "/wp-json/wc/v3/products/22");
        assert_eq!(
            put[0].body["stock_quantity"],
            json!(free_units(&store, "PB-0003").await)
        );
    }
);

on_both_engines!(
    a_shops_address_must_be_https_and_its_token_is_never_shown,
    |db| {
        let (store, _clock) = ready(&db).await;
        let shopify = |url: &str, location: &str, secret: Option<&str>| ops::ShopApiInput {
            channel: Some(WebhookChannel::Shopify),
            base_url: url.into(),
            location_id: location.into(),
            api_secret: secret.map(String::from),
            ..Default::default()
        };
        let refused = ops::set_shop_api(
            &store,
            &common::supervisor(),
            &shopify(
                "http://posuda-urala.myshopify.com",
                "655441491",
                Some(SHOPIFY_TOKEN),
            ),
        )
        .await
        .unwrap_err();
        assert!(refused.to_string().contains("https"), "{refused}");
        ops::set_shop_api(
            &store,
            &common::supervisor(),
            &shopify(
                "posuda-urala.myshopify.com",
                "655441491",
                Some(SHOPIFY_TOKEN),
            ),
        )
        .await
        .unwrap();
        // Changed later without giving the token again: it is kept.
        let changed = ops::set_shop_api(
            &store,
            &common::supervisor(),
            &shopify("https://posuda-urala.myshopify.com", "655441492", None),
        )
        .await
        .unwrap();
        assert_eq!(changed.location_id, "655441492");
        assert!(changed.secret_fingerprint.is_some());
        let all = ops::shop_apis(&store, &common::supervisor()).await.unwrap();
        let text = serde_json::to_string(&all).unwrap();
        assert!(text.contains("https://posuda-urala.myshopify.com"));
        assert!(!text.contains(SHOPIFY_TOKEN), "{text}");
        assert!(
            ops::shop_apis(&store, &common::packer("station-1"))
                .await
                .is_err(),
            "a packer does not see the shops' settings"
        );
    }
);
