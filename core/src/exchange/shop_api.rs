//! Stock and order status back to the shop: the requests Packbench sends to
//! a shop's REST API, shaped as Shopify's and WooCommerce's documentation
//! shows them, and what their answers mean. Pure: a request is built as
//! bytes and read back from bytes; `crate::shop_http` sends it, and
//! `ops::shop_sync` decides when.
//!
//! # Shopify (Admin REST API, `X-Shopify-Access-Token`)
//!
//! - Stock: `POST /admin/api/{version}/inventory_levels/set.json` with
//!   `{"location_id", "inventory_item_id", "available"}`. The inventory item
//!   is the variant's: learnt once with `GET
//!   /admin/api/{version}/variants/{variant_id}.json` (`variant.inventory_item_id`),
//!   the variant id being the one the shop's order webhooks name.
//! - An order shipped: `GET /admin/api/{version}/orders/{id}/fulfillment_orders.json`
//!   for its fulfillment orders still open, then `POST
//!   /admin/api/{version}/fulfillments.json` with
//!   `{"fulfillment": {"line_items_by_fulfillment_order":
//!   [{"fulfillment_order_id"}], "tracking_info": {"number", "company",
//!   "url"}, "notify_customer": false}}` (Packbench's own message tells the
//!   customer). An order with no fulfillment order left open was fulfilled
//!   already (by an earlier call whose answer was lost, or in the shop).
//!
//! # WooCommerce (REST API v3, HTTP Basic with the consumer key and secret)
//!
//! - Stock: `PUT /wp-json/wc/v3/products/{id}` (a variation:
//!   `/products/{id}/variations/{variation_id}`) with `{"manage_stock":
//!   true, "stock_quantity"}`.
//! - An order shipped: `PUT /wp-json/wc/v3/orders/{id}` with `{"status":
//!   "completed"}`, then (with a tracking number) `POST
//!   /wp-json/wc/v3/orders/{id}/notes` with `{"note", "customer_note":
//!   false}`: the shop's staff see the carrier and the tracking number.

use super::webhook::WebhookChannel;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

/// The Admin API version asked for when the store names none.
pub const SHOPIFY_API_VERSION: &str = "2024-10";

/// A channel's shop API as the sender uses it. Debug never prints the
/// secret.
#[derive(Clone, PartialEq, Eq)]
pub struct ShopApi {
    pub channel: WebhookChannel,
    /// `https://shop.example.ru` (no path for Shopify; WooCommerce's site
    /// address, with the folder WordPress lives in, if any).
    pub base_url: String,
    /// Shopify's Admin API version (`2024-10`).
    pub api_version: String,
    /// Shopify's location whose stock Packbench keeps.
    pub location_id: String,
    /// WooCommerce's consumer key (`ck_...`).
    pub api_key: String,
    /// Shopify's Admin API access token, WooCommerce's consumer secret.
    pub api_secret: String,
}

impl std::fmt::Debug for ShopApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShopApi")
            .field("channel", &self.channel)
            .field("base_url", &self.base_url)
            .field("api_version", &self.api_version)
            .field("location_id", &self.location_id)
            .finish_non_exhaustive()
    }
}

/// One HTTP request to the shop.
#[derive(Clone, PartialEq, Eq)]
pub struct ShopRequest {
    pub method: &'static str,
    /// The whole URL.
    pub url: String,
    /// Headers, the authorisation among them.
    pub headers: Vec<(String, String)>,
    /// The JSON body, if any.
    pub body: Option<Vec<u8>>,
}

impl ShopRequest {
    /// What was asked, for the log and the queue's screen: the method, the
    /// path and the body, never the headers (they hold the secret).
    pub fn summary(&self) -> String {
        let path = self
            .url
            .split_once("://")
            .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
            .unwrap_or("/");
        match &self.body {
            Some(b) => format!("{} {path} {}", self.method, String::from_utf8_lossy(b)),
            None => format!("{} {path}", self.method),
        }
    }
}

impl std::fmt::Debug for ShopRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.summary())
    }
}

/// What an answer means for the call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// 2xx: the shop took it.
    Accepted,
    /// Worth trying again (429, 5xx, 408, a network failure), not before
    /// `after_ms` when the shop says so (Retry-After).
    Retry {
        reason: String,
        after_ms: Option<i64>,
    },
    /// The shop will never take it as it is (a 4xx): a person must look.
    Refused(String),
}

/// Reads an HTTP status and the shop's answer. `retry_after` is the
/// Retry-After header (seconds, or an HTTP date) and `now` the time it is
/// read against.
pub fn verdict(status: u16, body: &[u8], retry_after: Option<&str>, now: DateTime<Utc>) -> Verdict {
    if (200..300).contains(&status) {
        return Verdict::Accepted;
    }
    let said = shop_words(body);
    let reason = if said.is_empty() {
        format!("the shop answered {status}")
    } else {
        format!("the shop answered {status}: {said}")
    };
    match status {
        408 | 425 | 429 | 500..=599 => Verdict::Retry {
            reason,
            after_ms: retry_after.and_then(|h| retry_after_ms(h, now)),
        },
        401 | 403 => Verdict::Refused(format!(
            "{reason} (the access token or API key is wrong, or lacks the permission for this; \
             set it again in Settings → Shop API, then retry)"
        )),
        404 => Verdict::Refused(format!(
            "{reason} (the shop has no such product or order: it was deleted there, or the shop's \
             ids Packbench learnt are of another shop)"
        )),
        _ => Verdict::Refused(reason),
    }
}

/// How long the shop asks to wait: `Retry-After: 120` or an HTTP date.
/// Unreadable or negative: none.
pub fn retry_after_ms(header: &str, now: DateTime<Utc>) -> Option<i64> {
    let h = header.trim();
    if let Ok(seconds) = h.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0).then(|| (seconds * 1000.0).ceil() as i64);
    }
    DateTime::parse_from_rfc2822(h)
        .ok()
        .map(|at| (at.to_utc() - now).num_milliseconds().max(0))
}

/// The shop's own words in an error answer (`errors` for Shopify,
/// `message` for WooCommerce), short and on one line.
fn shop_words(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let words = match serde_json::from_str::<Value>(&text) {
        Ok(v) => match v.get("errors").or_else(|| v.get("message")) {
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => text.trim().to_string(),
        },
        Err(_) => text.trim().to_string(),
    };
    let one_line: String = words
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(300)
        .collect();
    one_line.trim().to_string()
}

fn base(api: &ShopApi) -> &str {
    api.base_url.trim().trim_end_matches('/')
}

fn shopify_url(api: &ShopApi, path: &str) -> String {
    let version = match api.api_version.trim() {
        "" => SHOPIFY_API_VERSION,
        v => v,
    };
    format!("{}/admin/api/{version}/{path}", base(api))
}

fn shopify_headers(api: &ShopApi) -> Vec<(String, String)> {
    vec![
        ("X-Shopify-Access-Token".into(), api.api_secret.clone()),
        ("Accept".into(), "application/json".into()),
    ]
}

fn woo_headers(api: &ShopApi) -> Vec<(String, String)> {
    let pair = format!("{}:{}", api.api_key, api.api_secret);
    vec![
        (
            "Authorization".into(),
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(pair)
            ),
        ),
        ("Accept".into(), "application/json".into()),
    ]
}

fn with_json(mut headers: Vec<(String, String)>, body: &Value) -> (Vec<(String, String)>, Vec<u8>) {
    headers.push(("Content-Type".into(), "application/json".into()));
    (headers, body.to_string().into_bytes())
}

/// A shop id as JSON: a number when it is one (Shopify's ids are), else
/// the text.
fn id_json(id: &str) -> Value {
    match id.trim().parse::<u64>() {
        Ok(n) => json!(n),
        Err(_) => json!(id.trim()),
    }
}

/// An id safe in a URL path: digits, letters, `-` and `_` only.
fn path_id(id: &str) -> Result<&str, String> {
    let id = id.trim();
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(format!("{id:?} is not a shop id that can go in a request"));
    }
    Ok(id)
}

/// Shopify: the variant, for its inventory item.
pub fn shopify_variant(api: &ShopApi, variant_id: &str) -> Result<ShopRequest, String> {
    Ok(ShopRequest {
        method: "GET",
        url: shopify_url(api, &format!("variants/{}.json", path_id(variant_id)?)),
        headers: shopify_headers(api),
        body: None,
    })
}

/// Shopify: the variant's inventory item id in the answer to
/// [`shopify_variant`].
pub fn shopify_inventory_item(body: &[u8]) -> Result<String, String> {
    let v: Value =
        serde_json::from_slice(body).map_err(|e| format!("Shopify's variant is not JSON ({e})"))?;
    match v.pointer("/variant/inventory_item_id") {
        Some(Value::Number(n)) => Ok(n.to_string()),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.trim().to_string()),
        _ => Err(
            "Shopify's variant has no inventory_item_id (the product does not track stock?)".into(),
        ),
    }
}

/// Shopify: sets the available quantity of an inventory item at the store's
/// location.
pub fn shopify_set_level(
    api: &ShopApi,
    inventory_item_id: &str,
    available: i64,
) -> Result<ShopRequest, String> {
    if api.location_id.trim().is_empty() {
        return Err("the Shopify location id is not set; set it in Settings → Shop API".into());
    }
    let (headers, body) = with_json(
        shopify_headers(api),
        &json!({
            "location_id": id_json(&api.location_id),
            "inventory_item_id": id_json(inventory_item_id),
            "available": available,
        }),
    );
    Ok(ShopRequest {
        method: "POST",
        url: shopify_url(api, "inventory_levels/set.json"),
        headers,
        body: Some(body),
    })
}

/// Shopify: an order's fulfillment orders.
pub fn shopify_fulfillment_orders(api: &ShopApi, order_id: &str) -> Result<ShopRequest, String> {
    Ok(ShopRequest {
        method: "GET",
        url: shopify_url(
            api,
            &format!("orders/{}/fulfillment_orders.json", path_id(order_id)?),
        ),
        headers: shopify_headers(api),
        body: None,
    })
}

/// Shopify: the ids of the fulfillment orders still to fulfil (open or in
/// progress) in the answer to [`shopify_fulfillment_orders`].
pub fn shopify_open_fulfillment_orders(body: &[u8]) -> Result<Vec<String>, String> {
    let v: Value = serde_json::from_slice(body)
        .map_err(|e| format!("Shopify's fulfillment orders are not JSON ({e})"))?;
    let Some(list) = v.get("fulfillment_orders").and_then(Value::as_array) else {
        return Err("Shopify's answer has no fulfillment_orders".into());
    };
    Ok(list
        .iter()
        .filter(|fo| {
            matches!(
                fo.get("status").and_then(Value::as_str),
                Some("open" | "in_progress")
            )
        })
        .filter_map(|fo| match fo.get("id") {
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(Value::String(s)) => Some(s.clone()),
            _ => None,
        })
        .collect())
}

/// How a parcel left: for the shop's fulfillment and notes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tracking {
    /// The carrier's name, as the shop shows it.
    pub company: String,
    pub number: String,
    /// The customer's tracking link (empty: the carrier has none).
    pub url: String,
}

/// Shopify: fulfils the fulfillment orders with the tracking number.
pub fn shopify_fulfil(
    api: &ShopApi,
    fulfillment_order_ids: &[String],
    tracking: &Tracking,
) -> ShopRequest {
    let by_order: Vec<Value> = fulfillment_order_ids
        .iter()
        .map(|id| json!({"fulfillment_order_id": id_json(id)}))
        .collect();
    let mut fulfillment = json!({
        "line_items_by_fulfillment_order": by_order,
        "notify_customer": false,
    });
    if !tracking.number.is_empty() {
        let mut info = json!({"number": tracking.number, "company": tracking.company});
        if !tracking.url.is_empty() {
            info["url"] = json!(tracking.url);
        }
        fulfillment["tracking_info"] = info;
    }
    let (headers, body) = with_json(shopify_headers(api), &json!({ "fulfillment": fulfillment }));
    ShopRequest {
        method: "POST",
        url: shopify_url(api, "fulfillments.json"),
        headers,
        body: Some(body),
    }
}

fn woo_url(api: &ShopApi, path: &str) -> String {
    format!("{}/wp-json/wc/v3/{path}", base(api))
}

/// WooCommerce: sets a product's (or a variation's) stock.
pub fn woo_set_stock(
    api: &ShopApi,
    product_id: &str,
    variation_id: &str,
    quantity: i64,
) -> Result<ShopRequest, String> {
    let product = path_id(product_id)?;
    let path = match variation_id.trim() {
        "" | "0" => format!("products/{product}"),
        v => format!("products/{product}/variations/{}", path_id(v)?),
    };
    let (headers, body) = with_json(
        woo_headers(api),
        &json!({"manage_stock": true, "stock_quantity": quantity}),
    );
    Ok(ShopRequest {
        method: "PUT",
        url: woo_url(api, &path),
        headers,
        body: Some(body),
    })
}

/// WooCommerce: the order is completed (it left the warehouse).
pub fn woo_complete(api: &ShopApi, order_id: &str) -> Result<ShopRequest, String> {
    let (headers, body) = with_json(woo_headers(api), &json!({"status": "completed"}));
    Ok(ShopRequest {
        method: "PUT",
        url: woo_url(api, &format!("orders/{}", path_id(order_id)?)),
        headers,
        body: Some(body),
    })
}

/// WooCommerce: a private note on the order with the carrier and tracking.
pub fn woo_tracking_note(
    api: &ShopApi,
    order_id: &str,
    tracking: &Tracking,
) -> Result<ShopRequest, String> {
    let mut note = format!(
        "Отправлен / Shipped: {}, трек-номер / tracking number {}",
        tracking.company, tracking.number
    );
    if !tracking.url.is_empty() {
        note.push_str(&format!(" — {}", tracking.url));
    }
    let (headers, body) = with_json(
        woo_headers(api),
        &json!({"note": note, "customer_note": false}),
    );
    Ok(ShopRequest {
        method: "POST",
        url: woo_url(api, &format!("orders/{}/notes", path_id(order_id)?)),
        headers,
        body: Some(body),
    })
}

/// Checks a shop's address: `https://` (plain `http://` only to this
/// machine, for a proxy or a test), no query, no fragment. Gives it back
/// without a trailing slash; a bare host gets `https://`.
pub fn check_base_url(url: &str) -> Result<String, String> {
    let url = url.trim().trim_end_matches('/');
    if url.is_empty() {
        return Err("the shop's address is empty; give it as https://shop.example.ru".into());
    }
    let url = if url.contains("://") {
        url.to_string()
    } else {
        format!("https://{url}")
    };
    use crate::shop_http::{transport, Transport};
    match transport(&url) {
        Some(Transport::Tls | Transport::LoopbackHttp) => Ok(url),
        None => Err(format!(
            "{url} is not a shop's address; give it as https://shop.example.ru"
        )),
        Some(Transport::PlainHttp) => Err(format!(
            "{url} is plain HTTP: the access token would cross the network readable by anyone; \
             use the shop's https:// address"
        )),
        Some(Transport::Other) => Err(format!(
            "{url} is not an https:// address; give it as https://shop.example.ru"
        )),
    }
}

/// A line of a shop's order as the shop names its product: the SKU and
/// the shop's ids (Shopify: `product_id`, `variant_id`; WooCommerce:
/// `product_id`, `variation_id`, 0 for a simple product).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineRef {
    pub sku: String,
    pub product_id: String,
    pub variant_id: String,
}

/// The shop's ids of the products an order webhook's body names; lines
/// without a SKU or a product id are left out. Not an order: none.
pub fn line_refs(channel: WebhookChannel, body: &[u8]) -> Vec<LineRef> {
    let Ok(v) = serde_json::from_slice::<Value>(body) else {
        return Vec::new();
    };
    let variant_key = match channel {
        WebhookChannel::Shopify => "variant_id",
        WebhookChannel::WooCommerce => "variation_id",
        WebhookChannel::Web => return Vec::new(),
    };
    let text = |v: Option<&Value>| match v {
        Some(Value::String(s)) => s.trim().to_string(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    v.get("line_items")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .map(|item| LineRef {
                    sku: text(item.get("sku")),
                    product_id: text(item.get("product_id")),
                    variant_id: text(item.get(variant_key)),
                })
                .filter(|r| !r.sku.is_empty() && !r.product_id.is_empty() && r.product_id != "0")
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shopify() -> ShopApi {
        ShopApi {
            channel: WebhookChannel::Shopify,
            base_url: "https://posuda-urala.myshopify.com".into(),
            api_version: String::new(),
            location_id: "655441491".into(),
            api_key: String::new(),
            api_secret: "shpat_secret_token".into(),
        }
    }

    fn woo() -> ShopApi {
        ShopApi {
            channel: WebhookChannel::WooCommerce,
            base_url: "https://shop.example.ru/".into(),
            api_version: String::new(),
            location_id: String::new(),
            api_key: "ck_key".into(),
            api_secret: "cs_secret".into(),
        }
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-20T09:00:00Z")
            .unwrap()
            .to_utc()
    }

    #[test]
    fn a_shopify_stock_level_is_set_at_the_stores_location_with_the_token_header() {
        let r = shopify_set_level(&shopify(), "808950810", 7).unwrap();
        assert_eq!(r.method, "POST");
        assert_eq!(
            r.url,
            "https://posuda-urala.myshopify.com/admin/api/2024-10/inventory_levels/set.json"
        );
        let body: Value = serde_json::from_slice(r.body.as_deref().unwrap()).unwrap();
        assert_eq!(
            body,
            json!({"location_id": 655441491u64, "inventory_item_id": 808950810u64, "available": 7})
        );
        assert!(r
            .headers
            .contains(&("X-Shopify-Access-Token".into(), "shpat_secret_token".into())));
        assert!(!r.summary().contains("shpat_"), "{}", r.summary());
        assert!(!format!("{:?} {:?}", r, shopify()).contains("shpat_"));
    }

    #[test]
    fn a_shopify_fulfilment_names_the_open_fulfillment_orders_and_the_tracking() {
        let fos = shopify_open_fulfillment_orders(
            br#"{"fulfillment_orders":[{"id":1046000778,"status":"open"},{"id":1046000779,"status":"closed"}]}"#,
        )
        .unwrap();
        assert_eq!(fos, vec!["1046000778".to_string()]);
        let t = Tracking {
            company: "СДЭК".into(),
            number: "1234567890".into(),
            url: "https://www.cdek.ru/ru/tracking?order_id=1234567890".into(),
        };
        let r = shopify_fulfil(&shopify(), &fos, &t);
        let body: Value = serde_json::from_slice(r.body.as_deref().unwrap()).unwrap();
        assert_eq!(
            body["fulfillment"]["line_items_by_fulfillment_order"][0]["fulfillment_order_id"],
            json!(1046000778u64)
        );
        assert_eq!(body["fulfillment"]["tracking_info"]["number"], "1234567890");
        assert_eq!(body["fulfillment"]["tracking_info"]["company"], "СДЭК");
        assert!(r.url.ends_with("/admin/api/2024-10/fulfillments.json"));
    }

    #[test]
    fn woocommerce_calls_use_basic_auth_and_the_v3_paths() {
        let r = woo_set_stock(&woo(), "93", "0", 12).unwrap();
        assert_eq!(r.url, "https://shop.example.ru/wp-json/wc/v3/products/93");
        assert_eq!(r.method, "PUT");
        let auth = &r
            .headers
            .iter()
            .find(|(k, _)| k == "Authorization")
            .unwrap()
            .1;
        assert_eq!(auth, "Basic Y2tfa2V5OmNzX3NlY3JldA==");
        let v = woo_set_stock(&woo(), "93", "101", 1).unwrap();
        assert!(v.url.ends_with("/products/93/variations/101"));
        let c = woo_complete(&woo(), "727").unwrap();
        assert_eq!(
            c.summary(),
            r#"PUT /wp-json/wc/v3/orders/727 {"status":"completed"}"#
        );
        assert!(woo_set_stock(&woo(), "93/../../x", "", 1).is_err());
    }

    #[test]
    fn answers_are_read_as_accepted_retried_or_refused() {
        assert_eq!(verdict(201, b"{}", None, now()), Verdict::Accepted);
        assert!(matches!(
            verdict(
                429,
                b"{\"errors\":\"Exceeded 2 calls per second\"}",
                Some("2.0"),
                now()
            ),
            Verdict::Retry {
                after_ms: Some(2000),
                ..
            }
        ));
        assert!(matches!(
            verdict(503, b"", None, now()),
            Verdict::Retry { after_ms: None, .. }
        ));
        match verdict(404, br#"{"errors":"Not Found"}"#, None, now()) {
            Verdict::Refused(r) => assert!(r.contains("404: Not Found"), "{r}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            retry_after_ms("Fri, 20 Nov 2026 09:01:00 GMT", now()),
            Some(60_000)
        );
        assert_eq!(retry_after_ms("soon", now()), None);
    }

    #[test]
    fn a_shops_address_must_be_https_unless_it_is_this_machine() {
        assert_eq!(
            check_base_url("posuda-urala.myshopify.com/").unwrap(),
            "https://posuda-urala.myshopify.com"
        );
        assert!(check_base_url("http://127.0.0.1:8080").is_ok());
        assert!(check_base_url("http://localhost:8080/shop").is_ok());
        assert!(check_base_url("http://shop.example.ru").is_err());
        assert!(check_base_url("ftp://shop.example.ru").is_err());
        assert!(check_base_url("").is_err());
    }
}
