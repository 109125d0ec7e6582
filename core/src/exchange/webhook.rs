//! Orders that arrive by themselves: the JSON a shop's webhook or the
//! store's own web form posts to `packbench-server`, read into the same
//! [`NewOrder`] the CSV importers make, and the HMAC-SHA256 signature that
//! says who sent it. Pure: bytes in, an order or a reason out; what is
//! written is decided in `ops::webhooks`.
//!
//! The mapping is the CSV importers' own: Shopify's financial status and
//! address parts go through [`super::shopify`]'s functions, WooCommerce's
//! status, names, addresses and line prices through [`super::woocommerce`]'s,
//! and every amount, quantity and line through [`super::orders`]'s readers,
//! so a webhook and an export of the same order make the same order.
//!
//! # Shopify (`orders/create`, `orders/updated`)
//!
//! The REST order resource: `id` (the shop's order id, the key a repeat is
//! known by), `name` (`#1001` is order 1001), `email`, `phone`, `currency`,
//! `financial_status`, `fulfillment_status`, `created_at`, `updated_at`,
//! `cancelled_at`, `closed_at`, `note`,
//! `shipping_address` / `billing_address` (`name`, `first_name`,
//! `last_name`, `address1`, `address2`, `city`, `zip`, `province`,
//! `country_code` or `country`, `phone`), `shipping_lines` (`title`, `price`,
//! `discounted_price`) and `line_items` (`sku`, `name` or `title`,
//! `quantity`, `price`, `discount_allocations[].amount` or
//! `total_discount`, `tax_lines[].rate`). Channel `shopify`.
//!
//! # WooCommerce (`order.created`, `order.updated`)
//!
//! The REST order: `id`, `number`, `status`, `currency`,
//! `date_created_gmt`, `date_modified_gmt`, `customer_note`,
//! `shipping_total`, `billing` / `shipping` (`first_name`, `last_name`,
//! `address_1`, `address_2`, `city`, `state`, `postcode`, `country`,
//! `email`, `phone`), `shipping_lines[].method_title` and `line_items`
//! (`sku`, `name`, `quantity`, `subtotal`, `total`). Channel
//! `woocommerce`. As with its CSV export, lines carry no tax rate.
//!
//! # Packbench's own JSON (`POST /orders`, the shop's web form)
//!
//! The fields of Packbench's CSV file (see [`super`]), one object per
//! order, with its lines in `lines`:
//!
//! ```json
//! {
//!   "number": "W-1001",
//!   "channel": "web",
//!   "created_at": "2026-10-01T09:00:00+03:00",
//!   "customer_name": "Иванова Мария",
//!   "email": "maria@example.ru",
//!   "phone": "+7 912 345-67-89",
//!   "shipping_address": "ул. Садовая, д. 3, кв. 12, Казань, 420000",
//!   "delivery_method": "СДЭК",
//!   "delivery_cost": "300.00",
//!   "currency": "RUB",
//!   "payment_status": "paid",
//!   "comment": "Позвонить за час",
//!   "lines": [
//!     {"sku": "PB-0001", "item_name": "Кружка", "quantity": 2,
//!      "unit_price": "450.00", "discount": "50.00", "tax_rate": "20"}
//!   ]
//! }
//! ```
//!
//! `number`, `currency` and each line's `sku`, `quantity` and `unit_price`
//! are required; amounts are decimal text (or JSON numbers) in the
//! currency, never rounded. `updated_at` (optional) orders the versions of
//! one order: an older one than the last taken is ignored. `cancelled`:
//! true when the customer cancelled it.

use super::orders::{check_totals, line, parse_time, Failure, Field};
use super::{shopify, woocommerce};
use crate::domain::money::exponent_of;
use crate::domain::{Currency, NewLine, NewOrder, OrderStatus, PaymentStatus};
use base64::Engine as _;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde_json::Value;
use std::borrow::Cow;

crate::named_enum! {
    /// Where an order delivery comes from: a shop's webhook, or the store's
    /// own web form posting Packbench's JSON. Each has its own secret.
    pub enum WebhookChannel("webhook channel") {
        Shopify = "shopify",
        WooCommerce = "woocommerce",
        /// The shop's own web form (`POST /orders`).
        Web = "web",
    }
}

crate::named_enum! {
    /// What became of a delivery.
    pub enum DeliveryOutcome("delivery outcome") {
        /// A new order.
        Created = "created",
        /// The order was changed through its one edit operation.
        Updated = "updated",
        /// The shop's version is the order as it is.
        Unchanged = "unchanged",
        /// Delivered before (the same delivery, or the same version of the
        /// order): nothing done again.
        Duplicate = "duplicate",
        /// The order could not be taken as the shop sent it: its edit rules
        /// refused the change (a packed order ...), or its number belongs
        /// to other orders. The order is as it was; the reason, the kept
        /// body and (for an order that is here) a pinned note say so.
        Refused = "refused",
        /// Cancelled in the shop: not created, or (when it is here) a
        /// pinned note asks a person to cancel it.
        Cancelled = "cancelled",
        /// A topic Packbench does not act on.
        Ignored = "ignored",
        /// WooCommerce's test request when a webhook is created.
        Ping = "ping",
        /// No signature: refused (401), nothing read.
        Unsigned = "unsigned",
        /// A signature that does not match (or no secret is set): refused
        /// (401), nothing read.
        BadSignature = "bad_signature",
        /// Signed, but the body is not an order that can be read (400): kept
        /// for a person to look at.
        Unreadable = "unreadable",
    }
}

impl DeliveryOutcome {
    /// Refused before anything in the body was read: not the sender it
    /// claims to be.
    pub fn is_unauthorised(self) -> bool {
        matches!(
            self,
            DeliveryOutcome::Unsigned | DeliveryOutcome::BadSignature
        )
    }
}

impl WebhookChannel {
    /// The header that carries the delivery's signature.
    pub fn signature_header(self) -> &'static str {
        match self {
            WebhookChannel::Shopify => "X-Shopify-Hmac-Sha256",
            WebhookChannel::WooCommerce => "X-WC-Webhook-Signature",
            WebhookChannel::Web => "X-Packbench-Signature",
        }
    }

    /// The header that names the event, when the channel sends one.
    pub fn topic_header(self) -> Option<&'static str> {
        match self {
            WebhookChannel::Shopify => Some("X-Shopify-Topic"),
            WebhookChannel::WooCommerce => Some("X-WC-Webhook-Topic"),
            WebhookChannel::Web => None,
        }
    }

    /// The header that names one delivery, so a delivery sent twice is
    /// known as such.
    pub fn delivery_header(self) -> &'static str {
        match self {
            WebhookChannel::Shopify => "X-Shopify-Webhook-Id",
            WebhookChannel::WooCommerce => "X-WC-Webhook-Delivery-ID",
            WebhookChannel::Web => "X-Packbench-Delivery-Id",
        }
    }

    /// The shop's name, for people.
    pub fn shop_name(self) -> &'static str {
        match self {
            WebhookChannel::Shopify => "Shopify",
            WebhookChannel::WooCommerce => "WooCommerce",
            WebhookChannel::Web => "the web form",
        }
    }
}

/// What a delivery's topic asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TopicAction {
    /// A new or changed order: create it, or change the one there is.
    Order,
    /// A topic Packbench does not act on (answered, recorded, nothing done).
    Ignore(String),
}

/// What to do with a delivery of `channel` whose topic header says `topic`;
/// an error (the delivery cannot be read) when the channel needs a topic
/// and none came.
pub fn topic_action(channel: WebhookChannel, topic: Option<&str>) -> Result<TopicAction, String> {
    let Some(header) = channel.topic_header() else {
        return Ok(TopicAction::Order);
    };
    let topic = topic.map(str::trim).unwrap_or_default();
    let wanted: &[&str] = match channel {
        WebhookChannel::Shopify => &["orders/create", "orders/updated", "orders/cancelled"],
        WebhookChannel::WooCommerce => &["order.created", "order.updated"],
        WebhookChannel::Web => &[],
    };
    if topic.is_empty() {
        return Err(format!(
            "the request has no {header} header, so it is not known what happened to the order; \
             subscribe the webhook to {}",
            wanted.join(" or ")
        ));
    }
    if wanted.contains(&topic.to_ascii_lowercase().as_str()) {
        Ok(TopicAction::Order)
    } else {
        Ok(TopicAction::Ignore(format!(
            "the topic {topic} is not one Packbench acts on ({}); nothing was changed",
            wanted.join(", ")
        )))
    }
}

type HmacSha256 = Hmac<sha2::Sha256>;

/// The base64 HMAC-SHA256 of `body` under `secret`: what Shopify,
/// WooCommerce and the web form send in their signature header.
pub fn sign(secret: &str, body: &[u8]) -> String {
    match HmacSha256::new_from_slice(secret.as_bytes()) {
        Ok(mut mac) => {
            mac.update(body);
            base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
        }
        // HMAC takes a key of any length; there is nothing to sign with
        // otherwise, and an empty signature matches nothing.
        Err(_) => String::new(),
    }
}

/// Whether `header` is the base64 HMAC-SHA256 of `body` under `secret`,
/// compared in constant time (a forger learns nothing from how long the
/// answer takes).
pub fn signature_matches(secret: &str, body: &[u8], header: &str) -> bool {
    let Ok(given) = base64::engine::general_purpose::STANDARD.decode(header.trim()) else {
        return false;
    };
    let Ok(mut mac) = HmacSha256::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&given).is_ok()
}

/// WooCommerce's ping when a webhook is created: an unsigned
/// `webhook_id=N` form body that must be answered 200 for the webhook to be
/// saved. It carries no order.
pub fn is_woocommerce_ping(body: &[u8]) -> bool {
    body.strip_prefix(b"webhook_id=")
        .is_some_and(|id| !id.is_empty() && id.len() <= 20 && id.iter().all(u8::is_ascii_digit))
}

/// An order as a shop sent it.
#[derive(Debug, Clone, PartialEq)]
pub struct ShopOrder {
    /// The shop's own id of the order: a repeat or a change of the same
    /// order carries the same one.
    pub shop_order_id: String,
    /// When the shop last changed it, if it says.
    pub updated_at: Option<DateTime<Utc>>,
    /// Cancelled in the shop: nothing to pack.
    pub cancelled: bool,
    /// Fulfilled (or closed) in the shop already: nothing to pack here.
    pub fulfilled: bool,
    pub order: NewOrder,
}

/// Reads a delivery's body as the channel's order JSON. Refused (with what
/// is wrong and what to do) when it is not JSON, not an order, or an order
/// that breaks a rule a CSV import checks too. `now` is the order's time
/// when the body gives none.
pub fn parse_order(
    channel: WebhookChannel,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<ShopOrder, String> {
    let text = std::str::from_utf8(body).map_err(|e| {
        format!(
            "the body is not UTF-8 text (a bad byte at position {}); send the order as JSON in UTF-8",
            e.valid_up_to()
        )
    })?;
    if text.trim().is_empty() {
        return Err("the body is empty; send the order as JSON".into());
    }
    let json: Value = serde_json::from_str(text)
        .map_err(|e| format!("the body is not JSON ({e}); send the order as a JSON object"))?;
    if !json.is_object() {
        return Err("the body is JSON but not an object; send one order as a JSON object".into());
    }
    let parsed = match channel {
        WebhookChannel::Shopify => shopify_order(&json, now),
        WebhookChannel::WooCommerce => woocommerce_order(&json, now),
        WebhookChannel::Web => packbench_order(&json, now),
    }?;
    check_totals(&parsed.order).and_then(|()| parsed.order.validate())?;
    Ok(parsed)
}

/// A field's text: strings trimmed, numbers as written, nothing for a
/// missing field or null.
fn text<'a>(v: &'a Value, key: &str) -> Cow<'a, str> {
    text_of(v.get(key))
}

fn text_of(v: Option<&Value>) -> Cow<'_, str> {
    match v {
        Some(Value::String(s)) => Cow::Borrowed(s.trim()),
        Some(Value::Number(n)) => Cow::Owned(n.to_string()),
        Some(Value::Bool(b)) => Cow::Owned(b.to_string()),
        _ => Cow::Borrowed(""),
    }
}

/// A list field; nothing for a missing field or null, an error for
/// anything else.
fn list<'a>(v: &'a Value, key: &str) -> Result<&'a [Value], String> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(format!("{key} is not a list")),
    }
}

/// An object field, or an empty object when it is missing or null.
fn object<'a>(v: &'a Value, key: &str) -> &'a Value {
    static EMPTY: Value = Value::Null;
    match v.get(key) {
        Some(o @ Value::Object(_)) => o,
        _ => &EMPTY,
    }
}

/// The first non-empty text among several.
fn first_of<'a>(candidates: impl IntoIterator<Item = Cow<'a, str>>) -> String {
    candidates
        .into_iter()
        .find(|t| !t.is_empty())
        .map(Cow::into_owned)
        .unwrap_or_default()
}

/// One value read as the CSV readers read a cell.
fn field(text: &str) -> Field<'_> {
    Field { row: 0, text }
}

fn failed(f: Failure) -> String {
    f.message
}

/// A line's failure, named by its place in the JSON list.
fn at_line(list: &str, i: usize) -> impl Fn(Failure) -> String + '_ {
    move |f| format!("{list}[{i}]: {}", f.message)
}

fn currency_of(v: &Value, key: &str) -> Result<(String, u32), String> {
    let code = text(v, key);
    if code.is_empty() {
        return Err(format!(
            "the order has no {key}; send the currency code (RUB, EUR ...)"
        ));
    }
    let currency = Currency::parse(&code).map_err(|e| format!("{key}: {e}"))?;
    let exponent = exponent_of(currency.code());
    Ok((currency.code().to_string(), exponent))
}

fn time_of(v: &Value, key: &str) -> Result<Option<DateTime<Utc>>, String> {
    let t = text(v, key);
    if t.is_empty() {
        return Ok(None);
    }
    parse_time(&t).map(Some).ok_or_else(|| {
        format!("{key} {t:?} is not a date and time; send it as RFC 3339, like 2026-10-01T09:00:00+03:00")
    })
}

fn shopify_order(o: &Value, now: DateTime<Utc>) -> Result<ShopOrder, String> {
    let shop_order_id = text(o, "id").into_owned();
    if shop_order_id.is_empty() {
        return Err("the order has no id; this is not a Shopify order".into());
    }
    let name = text(o, "name");
    let number = first_of([
        Cow::Owned(name.strip_prefix('#').unwrap_or(&name).trim().to_string()),
        text(o, "order_number"),
        Cow::Borrowed(shop_order_id.as_str()),
    ]);
    let (currency, exponent) = currency_of(o, "currency")?;
    let payment_status = PaymentStatus::from_shop(&text(o, "financial_status"))
        .map_err(|e| format!("financial_status: {e}"))?;
    let created_at = time_of(o, "created_at")?.unwrap_or(now);
    let updated_at = time_of(o, "updated_at")?;
    let cancelled = !text(o, "cancelled_at").is_empty();
    // A point-of-sale order arrives fulfilled; an archived one is closed.
    let fulfilled =
        text(o, "fulfillment_status") == "fulfilled" || !text(o, "closed_at").is_empty();

    let mut delivery_cost_minor = 0i64;
    let shipping_lines = list(o, "shipping_lines")?;
    for (i, s) in shipping_lines.iter().enumerate() {
        let price = first_of([text(s, "discounted_price"), text(s, "price")]);
        let label = format!("shipping_lines[{i}].price");
        let minor = field(&price).amount(exponent, &label).map_err(failed)?;
        delivery_cost_minor = delivery_cost_minor
            .checked_add(minor)
            .ok_or("the delivery cost is too large; check shipping_lines")?;
    }
    let delivery_method = shipping_lines
        .first()
        .map(|s| text(s, "title").into_owned())
        .unwrap_or_default();
    let order_rate = list(o, "tax_lines")?.first().map(rate_bp).unwrap_or(0);

    let mut lines = Vec::new();
    for (i, item) in list(o, "line_items")?.iter().enumerate() {
        lines.push(shopify_line(item, exponent, order_rate).map_err(at_line("line_items", i))?);
    }

    let shipping = object(o, "shipping_address");
    let billing = object(o, "billing_address");
    let customer = object(o, "customer");
    let mut shipping_address = shopify_address(shipping);
    if shipping_address.is_empty() {
        shipping_address = shopify_address(billing);
    }
    let customer_name = first_of([
        Cow::Owned(shopify_name(shipping)),
        Cow::Owned(shopify_name(billing)),
        Cow::Owned(woocommerce::person_name(
            &text(customer, "first_name"),
            &text(customer, "last_name"),
        )),
    ]);
    Ok(ShopOrder {
        shop_order_id,
        updated_at,
        cancelled,
        fulfilled,
        order: NewOrder {
            number,
            channel: "shopify".into(),
            customer_name,
            email: first_of([
                text(o, "email"),
                text(o, "contact_email"),
                text(customer, "email"),
            ]),
            phone: first_of([
                text(shipping, "phone"),
                text(o, "phone"),
                text(billing, "phone"),
                text(customer, "phone"),
            ]),
            shipping_address,
            delivery_method,
            delivery_cost_minor,
            currency,
            payment_status,
            comment: text(o, "note").into_owned(),
            created_at,
            status: OrderStatus::New,
            lines,
        },
    })
}

/// A tax line's rate (`rate` 0.2, or a rate in its title, "НДС 20%") in
/// basis points; none readable: 0.
fn rate_bp(tax: &Value) -> i64 {
    if let Some(rate) = tax.get("rate").and_then(Value::as_f64) {
        let bp = (rate * 10_000.0).round();
        if (0.0..=10_000.0).contains(&bp) {
            return bp as i64;
        }
    }
    shopify::percent_in(&text(tax, "title"))
}

fn shopify_line(item: &Value, exponent: u32, order_rate: i64) -> Result<NewLine, Failure> {
    let quantity = field(&text(item, "quantity")).quantity("quantity")?;
    let unit_price = field(&text(item, "price")).required_amount(exponent, "price")?;
    // The line's discounts: its allocations when Shopify sends them (the
    // current shape), else the older total_discount.
    let allocations = match item.get("discount_allocations") {
        Some(Value::Array(a)) if !a.is_empty() => Some(a),
        _ => None,
    };
    let discount = match allocations {
        Some(a) => {
            let mut sum = 0i64;
            for d in a {
                let amount = field(&text(d, "amount")).amount(exponent, "discount_allocations")?;
                sum = sum.checked_add(amount).ok_or_else(|| {
                    Failure::at(0, "the line's discounts are too large to add up")
                })?;
            }
            sum
        }
        None => field(&text(item, "total_discount")).amount(exponent, "total_discount")?,
    };
    let tax_rate_bp = match item.get("tax_lines") {
        Some(Value::Array(t)) if !t.is_empty() => rate_bp(&t[0]),
        _ => order_rate,
    };
    let name = first_of([text(item, "name"), text(item, "title")]);
    line(
        0,
        &text(item, "sku"),
        &name,
        quantity,
        unit_price,
        discount,
        tax_rate_bp,
    )
}

fn shopify_name(address: &Value) -> String {
    first_of([
        text(address, "name"),
        Cow::Owned(woocommerce::person_name(
            &text(address, "first_name"),
            &text(address, "last_name"),
        )),
    ])
}

fn shopify_address(a: &Value) -> String {
    shopify::address_line(
        [&text(a, "address1"), &text(a, "address2")],
        "",
        [
            &text(a, "city"),
            &text(a, "zip"),
            &text(a, "province"),
            // The export's Country column holds the code ("RU").
            &first_of([text(a, "country_code"), text(a, "country")]),
        ],
    )
}

fn woocommerce_order(o: &Value, now: DateTime<Utc>) -> Result<ShopOrder, String> {
    let shop_order_id = text(o, "id").into_owned();
    if shop_order_id.is_empty() {
        return Err("the order has no id; this is not a WooCommerce order".into());
    }
    let number = first_of([text(o, "number"), Cow::Borrowed(shop_order_id.as_str())]);
    let (currency, exponent) = currency_of(o, "currency")?;
    let status = text(o, "status");
    let cancelled = woocommerce::is_cancelled(&status);
    // Completed: the shop sent it (or it had nothing to send).
    let fulfilled = status
        .trim_start_matches("wc-")
        .eq_ignore_ascii_case("completed");
    let payment_status = if cancelled {
        PaymentStatus::AwaitingPayment
    } else {
        woocommerce::payment_status(&status)?
    };
    let delivery_cost_minor = field(&text(o, "shipping_total"))
        .amount(exponent, "shipping_total")
        .map_err(failed)?;
    // The _gmt times are UTC without a zone; the others are the site's
    // local time, used only when the GMT ones are missing.
    let created_at = match time_of(o, "date_created_gmt")? {
        Some(t) => t,
        None => time_of(o, "date_created")?.unwrap_or(now),
    };
    let updated_at = match time_of(o, "date_modified_gmt")? {
        Some(t) => Some(t),
        None => time_of(o, "date_modified")?,
    };
    let delivery_method = list(o, "shipping_lines")?
        .first()
        .map(|s| text(s, "method_title").into_owned())
        .unwrap_or_default();

    let mut lines = Vec::new();
    for (i, item) in list(o, "line_items")?.iter().enumerate() {
        lines.push(woocommerce_line(item, exponent).map_err(at_line("line_items", i))?);
    }

    let billing = object(o, "billing");
    let shipping = object(o, "shipping");
    let name_of =
        |p: &Value| woocommerce::person_name(&text(p, "first_name"), &text(p, "last_name"));
    let address_of = |p: &Value| {
        woocommerce::address_line([
            &text(p, "address_1"),
            &text(p, "address_2"),
            &text(p, "city"),
            &text(p, "state"),
            &text(p, "postcode"),
            &text(p, "country"),
        ])
    };
    Ok(ShopOrder {
        shop_order_id,
        updated_at,
        cancelled,
        fulfilled,
        order: NewOrder {
            number,
            channel: "woocommerce".into(),
            customer_name: first_of([Cow::Owned(name_of(shipping)), Cow::Owned(name_of(billing))]),
            email: text(billing, "email").into_owned(),
            phone: first_of([text(billing, "phone"), text(shipping, "phone")]),
            shipping_address: first_of([
                Cow::Owned(address_of(shipping)),
                Cow::Owned(address_of(billing)),
            ]),
            delivery_method,
            delivery_cost_minor,
            currency,
            payment_status,
            comment: text(o, "customer_note").into_owned(),
            created_at,
            status: OrderStatus::New,
            lines,
        },
    })
}

fn woocommerce_line(item: &Value, exponent: u32) -> Result<NewLine, Failure> {
    let quantity = field(&text(item, "quantity")).quantity("quantity")?;
    let total = field(&text(item, "total")).required_amount(exponent, "total")?;
    let subtotal = field(&text(item, "subtotal")).amount(exponent, "subtotal")?;
    let sku = text(item, "sku");
    let (unit, discount) = woocommerce::price_of(0, &sku, quantity, total, subtotal)?;
    line(0, &sku, &text(item, "name"), quantity, unit, discount, 0)
}

fn packbench_order(o: &Value, now: DateTime<Utc>) -> Result<ShopOrder, String> {
    let number = text(o, "number").into_owned();
    if number.is_empty() {
        return Err("the order has no number; send the shop's order number in \"number\"".into());
    }
    let (currency, exponent) = currency_of(o, "currency")?;
    let payment_status = PaymentStatus::from_shop(&text(o, "payment_status"))
        .map_err(|e| format!("payment_status: {e}"))?;
    let delivery_cost_minor = field(&text(o, "delivery_cost"))
        .amount(exponent, "delivery_cost")
        .map_err(failed)?;
    let created_at = time_of(o, "created_at")?.unwrap_or(now);
    let updated_at = time_of(o, "updated_at")?;
    let cancelled = match o.get("cancelled") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err("cancelled is not true or false".into()),
    };
    let mut lines = Vec::new();
    for (i, item) in list(o, "lines")?.iter().enumerate() {
        let read = |item: &Value| -> Result<NewLine, Failure> {
            let quantity = field(&text(item, "quantity")).quantity("quantity")?;
            let unit_price =
                field(&text(item, "unit_price")).required_amount(exponent, "unit_price")?;
            let discount = field(&text(item, "discount")).amount(exponent, "discount")?;
            let tax_rate_bp = field(&text(item, "tax_rate")).percent_bp("tax_rate")?;
            line(
                0,
                &text(item, "sku"),
                &text(item, "item_name"),
                quantity,
                unit_price,
                discount,
                tax_rate_bp,
            )
        };
        lines.push(read(item).map_err(at_line("lines", i))?);
    }
    let channel = text(o, "channel");
    if channel.chars().count() > 60 {
        return Err("channel is longer than 60 characters".into());
    }
    Ok(ShopOrder {
        shop_order_id: number.clone(),
        updated_at,
        cancelled,
        fulfilled: false,
        order: NewOrder {
            number,
            channel: if channel.is_empty() {
                "web".into()
            } else {
                channel.into_owned()
            },
            customer_name: text(o, "customer_name").into_owned(),
            email: text(o, "email").into_owned(),
            phone: text(o, "phone").into_owned(),
            shipping_address: text(o, "shipping_address").into_owned(),
            delivery_method: text(o, "delivery_method").into_owned(),
            delivery_cost_minor,
            currency,
            payment_status,
            comment: text(o, "comment").into_owned(),
            created_at,
            status: OrderStatus::New,
            lines,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap()
    }

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!(
            "{}/../tests/fixtures/webhooks/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn a_signature_is_the_base64_hmac_of_the_raw_body_and_nothing_else_matches() {
        // RFC 4231, test case 2: key "Jefe".
        let body = b"what do ya want for nothing?";
        let signed = sign("Jefe", body);
        assert_eq!(
            signed, "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=",
            "the HMAC-SHA256 of RFC 4231's second case, in base64"
        );
        assert!(signature_matches("Jefe", body, &signed));
        assert!(signature_matches("Jefe", body, &format!(" {signed}\n")));
        assert!(!signature_matches("jefe", body, &signed), "another secret");
        assert!(
            !signature_matches("Jefe", b"what do ya want for nothing!", &signed),
            "another body"
        );
        assert!(!signature_matches("Jefe", body, ""), "no signature");
        assert!(!signature_matches("Jefe", body, "not base64 ☃"));
        assert!(
            !signature_matches("Jefe", body, &signed[..20]),
            "a prefix of the signature"
        );
    }

    #[test]
    fn topics_say_what_to_do() {
        use WebhookChannel::*;
        assert_eq!(
            topic_action(Shopify, Some("orders/create")),
            Ok(TopicAction::Order)
        );
        assert_eq!(
            topic_action(WooCommerce, Some("order.updated")),
            Ok(TopicAction::Order)
        );
        assert!(matches!(
            topic_action(Shopify, Some("products/update")),
            Ok(TopicAction::Ignore(_))
        ));
        let err = topic_action(Shopify, None).unwrap_err();
        assert!(err.contains("X-Shopify-Topic"), "{err}");
        assert_eq!(topic_action(Web, None), Ok(TopicAction::Order));
    }

    #[test]
    fn woocommerce_pings_are_told_from_orders() {
        assert!(is_woocommerce_ping(b"webhook_id=17"));
        assert!(!is_woocommerce_ping(b"webhook_id="));
        assert!(!is_woocommerce_ping(b"webhook_id=17&x=1"));
        assert!(!is_woocommerce_ping(b"{\"id\":17}"));
    }

    #[test]
    fn a_shopify_order_reads_as_its_export_does() {
        let p = parse_order(
            WebhookChannel::Shopify,
            &fixture("shopify_order_create.json"),
            now(),
        )
        .unwrap();
        assert_eq!(p.shop_order_id, "820982911946154508");
        assert!(!p.cancelled);
        let o = &p.order;
        assert_eq!(o.number, "9101", "#9101 is order 9101, as in the export");
        assert_eq!(o.channel, "shopify");
        assert_eq!(o.customer_name, "Анна Кузнецова");
        assert_eq!(
            o.shipping_address,
            "ул. Пушкина, д. 10, кв. 5, Екатеринбург, 620014, Свердловская область, RU"
        );
        assert_eq!(o.payment_status, PaymentStatus::Paid);
        assert_eq!(o.delivery_cost_minor, 35_000);
        assert_eq!(o.delivery_method, "СДЭК до двери");
        assert_eq!(o.lines.len(), 2);
        assert_eq!(o.lines[0].sku, "PB-0001");
        assert_eq!(o.lines[0].unit_price_minor, 45_000);
        assert_eq!(o.lines[0].discount_minor, 5_000, "the discount allocation");
        assert_eq!(o.lines[0].tax_rate_bp, 2_000, "rate 0.2");
        assert_eq!(o.created_at.to_rfc3339(), "2026-11-20T07:15:00+00:00");
        assert!(p.updated_at.is_some());
    }

    #[test]
    fn a_woocommerce_order_reads_as_its_export_does() {
        let p = parse_order(
            WebhookChannel::WooCommerce,
            &fixture("woocommerce_order_created.json"),
            now(),
        )
        .unwrap();
        assert_eq!(p.shop_order_id, "727");
        let o = &p.order;
        assert_eq!(o.number, "7727");
        assert_eq!(o.channel, "woocommerce");
        assert_eq!(o.customer_name, "Ольга Смирнова");
        assert_eq!(
            o.shipping_address,
            "Невский пр., 28, кв. 5, Санкт-Петербург, SPE, 191186, RU"
        );
        assert_eq!(o.payment_status, PaymentStatus::Paid, "processing is paid");
        assert_eq!(o.delivery_cost_minor, 35_000);
        assert_eq!(o.delivery_method, "Почта России");
        let candles = &o.lines[1];
        assert_eq!(
            (
                candles.quantity,
                candles.unit_price_minor,
                candles.discount_minor
            ),
            (3, 33_334, 2),
            "1000.00 for three: 333.34 each less 0.02, as the CSV reader splits it"
        );
        assert_eq!(o.created_at.to_rfc3339(), "2026-11-20T06:20:00+00:00");
    }

    #[test]
    fn the_web_forms_json_reads_like_the_packbench_file() {
        let p = parse_order(WebhookChannel::Web, &fixture("packbench_order.json"), now()).unwrap();
        assert_eq!(p.shop_order_id, "W-5001");
        assert_eq!(p.order.channel, "web");
        assert_eq!(p.order.lines[0].tax_rate_bp, 2_000);
        assert_eq!(p.order.lines[0].discount_minor, 5_000);
    }

    #[test]
    fn a_cancelled_order_says_so() {
        let woo = br#"{"id":1,"number":"1","status":"cancelled","currency":"RUB",
            "line_items":[{"sku":"A","quantity":1,"total":"1.00"}]}"#;
        assert!(
            parse_order(WebhookChannel::WooCommerce, woo, now())
                .unwrap()
                .cancelled
        );
        let shopify =
            br##"{"id":1,"name":"#1","currency":"RUB","cancelled_at":"2026-11-20T10:00:00+03:00",
            "line_items":[{"sku":"A","quantity":1,"price":"1.00"}]}"##;
        assert!(
            parse_order(WebhookChannel::Shopify, shopify, now())
                .unwrap()
                .cancelled
        );
    }

    #[test]
    fn an_order_the_shop_fulfilled_says_so() {
        let shopify = br##"{"id":1,"name":"#1","currency":"RUB","fulfillment_status":"fulfilled",
            "line_items":[{"sku":"A","quantity":1,"price":"1.00"}]}"##;
        assert!(
            parse_order(WebhookChannel::Shopify, shopify, now())
                .unwrap()
                .fulfilled
        );
        let woo = br#"{"id":1,"number":"1","status":"completed","currency":"RUB",
            "line_items":[{"sku":"A","quantity":1,"total":"1.00"}]}"#;
        assert!(
            parse_order(WebhookChannel::WooCommerce, woo, now())
                .unwrap()
                .fulfilled
        );
        let open = parse_order(
            WebhookChannel::Shopify,
            &fixture("shopify_order_create.json"),
            now(),
        )
        .unwrap();
        assert!(!open.fulfilled && !open.cancelled);
    }

    #[test]
    fn bodies_that_cannot_be_read_say_why() {
        let cases: [(WebhookChannel, &[u8], &str); 7] = [
            (WebhookChannel::Shopify, b"", "empty"),
            (WebhookChannel::Shopify, b"{\"id\": 1,", "not JSON"),
            (WebhookChannel::Shopify, b"[1,2]", "not an object"),
            (WebhookChannel::Shopify, b"\xff\xfe{}", "UTF-8"),
            (
                WebhookChannel::Shopify,
                br##"{"id":1,"name":"#1","currency":"RUB","line_items":[{"sku":"A","quantity":"two","price":"1.00"}]}"##,
                "line_items[0]: quantity \"two\"",
            ),
            (
                WebhookChannel::WooCommerce,
                br#"{"id":1,"currency":"RUB","line_items":[]}"#,
                "has no lines",
            ),
            (
                WebhookChannel::Web,
                br#"{"number":"1","currency":"RUBLES","lines":[]}"#,
                "currency",
            ),
        ];
        for (channel, body, wanted) in cases {
            let err = parse_order(channel, body, now()).unwrap_err();
            assert!(
                err.contains(wanted),
                "{channel}: {err:?} should say {wanted:?}"
            );
        }
    }

    #[test]
    fn mangled_bodies_never_panic_and_hand_out_only_valid_orders() {
        let mut rng = crate::exchange::XorShift(7);
        for (channel, name) in [
            (WebhookChannel::Shopify, "shopify_order_create.json"),
            (
                WebhookChannel::WooCommerce,
                "woocommerce_order_created.json",
            ),
            (WebhookChannel::Web, "packbench_order.json"),
        ] {
            let good = fixture(name);
            for _ in 0..2_000 {
                let mut body = good.clone();
                for _ in 0..(1 + rng.next() % 4) {
                    let at = (rng.next() % body.len() as u64) as usize;
                    match rng.next() % 3 {
                        0 => body[at] = rng.next() as u8,
                        1 => {
                            body.remove(at);
                        }
                        _ => body.insert(at, b"\"-0.,9e}]"[(rng.next() % 9) as usize]),
                    }
                }
                if let Ok(p) = parse_order(channel, &body, now()) {
                    assert_eq!(p.order.validate(), Ok(()));
                }
            }
        }
    }
}
