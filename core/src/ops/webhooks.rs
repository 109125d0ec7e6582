//! Orders that arrive by themselves: a delivery to `packbench-server` (a
//! shop's order webhook, or the web form's JSON) checked and turned into an
//! order, and what a supervisor does around it (the channels' secrets, the
//! log, the inbox of bodies kept for a person).
//!
//! The rules, in the order a delivery meets them:
//!
//! 1. WooCommerce's unsigned `webhook_id=N` ping (sent once when the
//!    webhook is created) is answered and logged; it carries no order.
//! 2. The signature: the channel's header must hold the base64 HMAC-SHA256
//!    of the raw body under the channel's secret (set with
//!    [`set_webhook_secret`], never given to the server on its command
//!    line). Unsigned or badly signed: refused, logged with the remote
//!    address and the reason, nothing read and nothing kept.
//! 3. A delivery the shop names as one it sent before
//!    (`X-Shopify-Webhook-Id`, ...) is answered as it was the first time.
//! 4. The topic and the body are read as the CSV importers read the same
//!    order ([`crate::exchange::webhook`]); a body that cannot be read is
//!    answered with the reason and KEPT for a person (`webhooks inbox`).
//! 5. A shop's order it has not seen becomes a new order, as an import
//!    makes it (a SKU no product has is kept and flagged; a paid order
//!    opens its payment ledger). One it has seen (by the shop's order id,
//!    or by its number in the same channel) goes through the orders' one
//!    edit operation ([`super::edit_order`]) and its rules: an order that is
//!    packed is not changed, the refusal is logged, the body kept and a
//!    pinned note on the order says so. A version of the order older than
//!    (or the same as) the last one taken is not applied again.
//!
//! Deliveries are handled one at a time in a server process, so two
//! versions of one order never race each other through the edit.

use super::catalog;
use super::desk::edit_order;
use super::ledger::{add_note, record_payment};
use super::orders::OrderDetail;
use crate::domain::access::Op;
use crate::domain::desk::{LineInput, OrderEdit};
use crate::domain::money::{exponent_of, format_minor};
use crate::domain::payment::{PaymentInput, PaymentKind};
use crate::domain::PaymentStatus;
use crate::domain::{Actor, EventKind, NewOrder, OrderHead, OrderLine, OrderStatus, Role};
use crate::exchange::webhook::{
    self, parse_order, signature_matches, topic_action, DeliveryOutcome, ShopOrder, TopicAction,
    WebhookChannel,
};
use crate::store::webhooks::{self as log, ChannelSecret, DeliveryLog, Link, NewDelivery};
use crate::store::{is_unique_violation, orders, Store};
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::Digest;

/// One delivery as the server received it.
#[derive(Debug, Clone, Copy)]
pub struct Delivery<'a> {
    pub channel: WebhookChannel,
    /// The channel's topic header (`orders/create`, `order.updated`).
    pub topic: Option<&'a str>,
    /// The channel's signature header.
    pub signature: Option<&'a str>,
    /// The channel's own id of this delivery, if it sends one.
    pub delivery_id: Option<&'a str>,
    /// Who sent it, as the server saw it (the address, and a proxy's
    /// X-Forwarded-For).
    pub remote: &'a str,
    /// The raw body, exactly as received (the signature covers it).
    pub body: &'a [u8],
}

/// What the server answers, and what it did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Receipt {
    pub outcome: DeliveryOutcome,
    /// The delivery's row in the log (none for a repeat, which is answered
    /// from the first one's row: `first_delivery`).
    pub delivery: Option<i64>,
    pub first_delivery: Option<i64>,
    /// The order it created or concerns (its number now).
    pub order: Option<String>,
    /// SKUs of the order no product has yet (the order waits for them).
    pub unknown_skus: Vec<String>,
    /// What happened, or what is wrong and what to do, in words.
    pub message: String,
}

/// Deliveries one at a time (see the module documentation).
static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// How often a new order is tried again when another process wrote the
/// same shop order at the same moment (PostgreSQL); the next try finds it.
const TRIES: usize = 3;

/// The longest delivery id taken from a header.
const DELIVERY_ID_MAX: usize = 200;

/// Receives one delivery: checks who sent it, reads it, and creates or
/// changes the order it carries; every delivery is logged. An `Err` is a
/// database that cannot be reached or written (the sender should try
/// again later); every answer about the delivery itself is a [`Receipt`].
/// `station` names the server in the orders' history.
pub async fn receive_delivery(
    store: &Store,
    station: &str,
    delivery: &Delivery<'_>,
) -> Result<Receipt> {
    let _turn = TURN.lock().await;
    let d = delivery;
    let channel = d.channel;
    let base = NewDelivery {
        received_at_ms: store.now_ms(),
        channel,
        topic: d.topic.map(str::trim).unwrap_or_default(),
        delivery_id: None,
        shop_order_id: None,
        remote: d.remote,
        outcome: DeliveryOutcome::Unreadable,
        reason: "",
        order_id: None,
        body: None,
        body_bytes: d.body.len(),
    };

    if channel == WebhookChannel::WooCommerce
        && d.signature.is_none()
        && webhook::is_woocommerce_ping(d.body)
    {
        let reason = "WooCommerce's test request when the webhook was created; answered";
        let row = NewDelivery {
            outcome: DeliveryOutcome::Ping,
            reason,
            ..base.clone()
        };
        let id = record(store, &row).await?;
        return Ok(receipt(DeliveryOutcome::Ping, Some(id), None, reason));
    }

    if let Some(reason) = unauthorised(store, d).await? {
        let outcome = match d.signature.map(str::trim).filter(|s| !s.is_empty()) {
            None => DeliveryOutcome::Unsigned,
            Some(_) => DeliveryOutcome::BadSignature,
        };
        let row = NewDelivery {
            outcome,
            reason: &reason,
            ..base.clone()
        };
        let id = record(store, &row).await?;
        tracing::warn!("refused a {channel} delivery from {}: {reason}", d.remote);
        return Ok(receipt(outcome, Some(id), None, &reason));
    }

    // Signed: the shop's id of the delivery is believed from here on.
    let delivery_id = d
        .delivery_id
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map(|id| truncate(id, DELIVERY_ID_MAX));
    if let Some(id) = delivery_id {
        let mut conn = store.pool().acquire().await?;
        if let Some(first) = log::by_delivery_id(&mut conn, channel, id).await? {
            return Ok(repeat(&first));
        }
    }
    let signed = NewDelivery {
        delivery_id,
        ..base
    };

    let parsed = match topic_action(channel, d.topic) {
        Ok(TopicAction::Ignore(reason)) => {
            let row = NewDelivery {
                outcome: DeliveryOutcome::Ignored,
                reason: &reason,
                ..signed
            };
            let id = record_once(store, &row).await?;
            return Ok(receipt(DeliveryOutcome::Ignored, id, None, &reason));
        }
        Ok(TopicAction::Order) => parse_order(channel, d.body, store.now()),
        Err(reason) => Err(reason),
    };
    let shop = match parsed {
        Ok(shop) => shop,
        Err(reason) => {
            let reason = format!("{reason}. {KEPT}");
            let row = NewDelivery {
                reason: &reason,
                body: Some(d.body),
                ..signed
            };
            let id = record_once(store, &row).await?;
            return Ok(receipt(DeliveryOutcome::Unreadable, id, None, &reason));
        }
    };
    let incoming = Incoming {
        row: NewDelivery {
            shop_order_id: Some(&shop.shop_order_id),
            ..signed
        },
        body: d.body,
        actor: shop_actor(channel, station),
    };
    // The shop's ids of its products, for stock back to the shop (issue 15).
    super::shop_sync::remember_shop_products(store, channel, d.body).await?;
    take_order(store, &incoming, &shop).await
}

/// Said wherever a body is kept.
const KEPT: &str = "The body is kept for a person to look at (packbench-cli webhooks inbox)";

/// A signed delivery on its way to an order: its log row so far, the raw
/// body (kept when a person must look at it), and who it acts as.
struct Incoming<'a> {
    row: NewDelivery<'a>,
    body: &'a [u8],
    actor: Actor,
}

impl<'a> Incoming<'a> {
    /// The log row for this outcome, with the body when it is kept.
    fn logged<'b>(
        &'b self,
        outcome: DeliveryOutcome,
        reason: &'b str,
        order_id: Option<i64>,
        keep: bool,
    ) -> NewDelivery<'b> {
        NewDelivery {
            outcome,
            reason,
            order_id,
            body: keep.then_some(self.body),
            ..self.row.clone()
        }
    }
}

/// Why the delivery is not believed, or None when it is signed with the
/// channel's secret.
async fn unauthorised(store: &Store, d: &Delivery<'_>) -> Result<Option<String>> {
    let header = d.channel.signature_header();
    let Some(signature) = d.signature.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(Some(format!(
            "the request has no {header} header, so nobody can tell who sent it; \
             it was refused and nothing in it was read"
        )));
    };
    let secret = {
        let mut conn = store.pool().acquire().await?;
        log::secret(&mut conn, d.channel).await?
    };
    let Some(secret) = secret else {
        return Ok(Some(format!(
            "no secret is set for the {} channel, so no signature can be checked; a supervisor \
             sets the shop's secret with `packbench-cli webhooks set-secret --channel {}`",
            d.channel, d.channel
        )));
    };
    if signature_matches(&secret.secret, d.body, signature) {
        Ok(None)
    } else {
        Ok(Some(format!(
            "the {header} header does not match the body signed with the {} channel's secret \
             (a forged or altered request, or the shop uses another secret); refused, nothing read",
            d.channel
        )))
    }
}

/// The system actor a shop's deliveries act as: it may create and edit
/// orders, leave notes and record the shop's payments, in every channel.
fn shop_actor(channel: WebhookChannel, station: &str) -> Actor {
    let user = match channel {
        WebhookChannel::Shopify => "Shopify",
        WebhookChannel::WooCommerce => "WooCommerce",
        WebhookChannel::Web => "Web form",
    };
    Actor::new(user, station, Role::Manager)
}

fn receipt(
    outcome: DeliveryOutcome,
    delivery: Option<i64>,
    order: Option<String>,
    message: &str,
) -> Receipt {
    Receipt {
        outcome,
        delivery,
        first_delivery: None,
        order,
        unknown_skus: Vec::new(),
        message: message.to_string(),
    }
}

/// A delivery the shop sent before: answered as the first time (an
/// unreadable one is still unreadable), nothing done again.
fn repeat(first: &DeliveryLog) -> Receipt {
    let outcome = match first.outcome {
        DeliveryOutcome::Unreadable => DeliveryOutcome::Unreadable,
        _ => DeliveryOutcome::Duplicate,
    };
    Receipt {
        outcome,
        delivery: None,
        first_delivery: Some(first.id),
        order: first.order.clone(),
        unknown_skus: Vec::new(),
        message: format!(
            "this delivery came before (log entry {}, {}): {}; nothing was done again",
            first.id, first.outcome, first.reason
        ),
    }
}

fn truncate(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((at, _)) => &text[..at],
        None => text,
    }
}

async fn record(store: &Store, row: &NewDelivery<'_>) -> Result<i64> {
    let mut tx = store.write().await?;
    let id = log::record(&mut tx, row).await?;
    tx.commit().await?;
    Ok(id)
}

/// Logs a signed delivery; None when another server process logged the
/// same delivery id a moment before.
async fn record_once(store: &Store, row: &NewDelivery<'_>) -> Result<Option<i64>> {
    match record(store, row).await {
        Ok(id) => Ok(Some(id)),
        Err(e) if is_unique_violation(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

/// A shop's order: new, or one there is (by the link, or by its number in
/// the same channel).
async fn take_order(store: &Store, inc: &Incoming<'_>, shop: &ShopOrder) -> Result<Receipt> {
    let channel = inc.row.channel;
    for _ in 0..TRIES {
        let mut tx = store.write().await?;
        let now = store.now_ms();
        let found = match log::link(&mut tx, channel, &shop.shop_order_id).await? {
            Some(link) => {
                let number = orders::number_of(&mut tx, link.order_id).await?;
                let head = orders::head_by_number(&mut tx, store.engine(), &number, true).await?;
                Found::Linked(link, Box::new(head))
            }
            None => free_number(&mut tx, store, channel, &shop.order).await?,
        };
        let (link, head) = match found {
            Found::Linked(link, head) => (link, *head),
            Found::Same(head) => {
                // An order imported from the shop's export before: linked
                // now, and changed as the shop's version says.
                let link = Link {
                    order_id: head.id,
                    shop_updated_at: None,
                };
                match log::insert_link(&mut tx, channel, &shop.shop_order_id, link).await {
                    Ok(()) => (link, *head),
                    Err(e) if is_unique_violation(&e) => continue,
                    Err(e) => return Err(e),
                }
            }
            Found::Taken(reason) => {
                drop(tx);
                let row = inc.logged(DeliveryOutcome::Refused, &reason, None, true);
                let id = record_once(store, &row).await?;
                return Ok(receipt(DeliveryOutcome::Refused, id, None, &reason));
            }
            Found::Free(number) => match create(&mut tx, now, inc, shop, &number).await? {
                Some(receipt) => {
                    tx.commit().await?;
                    return Ok(receipt);
                }
                None => continue,
            },
        };
        // An order that is here: the version is taken only when it is newer.
        let version = shop.updated_at.map(|t| t.timestamp_millis());
        if let (Some(new), Some(taken)) = (version, link.shop_updated_at) {
            if new <= taken {
                let reason = format!(
                    "this version of the order (changed in the shop at {}) is not newer than the \
                     one already taken; nothing was changed",
                    stamp(shop.updated_at)
                );
                let row = inc.logged(DeliveryOutcome::Duplicate, &reason, Some(head.id), false);
                let id = match log::record(&mut tx, &row).await {
                    Ok(id) => Some(id),
                    Err(e) if is_unique_violation(&e) => None,
                    Err(e) => return Err(e),
                };
                tx.commit().await?;
                return Ok(receipt(
                    DeliveryOutcome::Duplicate,
                    id,
                    Some(head.number),
                    &reason,
                ));
            }
        }
        tx.commit().await?;
        return change_order(store, inc, shop, &head).await;
    }
    Err(Error::Conflict(format!(
        "order {} was written by another process at the same moment {TRIES} times; \
         the shop will send it again",
        shop.order.number.trim()
    )))
}

/// A new order under `number`, its link and its log row, in the caller's
/// transaction; None when another process wrote the same order (or
/// delivery) at the same moment (the caller tries again and finds it).
async fn create(
    tx: &mut crate::store::Tx,
    now: i64,
    inc: &Incoming<'_>,
    shop: &ShopOrder,
    number: &str,
) -> Result<Option<Receipt>> {
    let channel = inc.row.channel;
    if shop.cancelled {
        let reason = format!(
            "the order was cancelled in {} before it reached Packbench; there is nothing to pack",
            channel.shop_name()
        );
        let row = inc.logged(DeliveryOutcome::Cancelled, &reason, None, false);
        return match log::record(tx, &row).await {
            Ok(id) => Ok(Some(receipt(
                DeliveryOutcome::Cancelled,
                Some(id),
                None,
                &reason,
            ))),
            Err(e) if is_unique_violation(&e) => Ok(None),
            Err(e) => Err(e),
        };
    }
    if shop.fulfilled {
        // An old order changed in the shop after the webhook was set up, or
        // a point-of-sale sale: packing it would send the goods twice.
        let reason = format!(
            "the order is fulfilled in {} already and is not here; there is nothing to pack, so it \
             was not created",
            channel.shop_name()
        );
        let row = inc.logged(DeliveryOutcome::Ignored, &reason, None, false);
        return match log::record(tx, &row).await {
            Ok(id) => Ok(Some(receipt(
                DeliveryOutcome::Ignored,
                Some(id),
                None,
                &reason,
            ))),
            Err(e) if is_unique_violation(&e) => Ok(None),
            Err(e) => Err(e),
        };
    }
    let order = NewOrder {
        number: number.to_string(),
        ..shop.order.clone()
    };
    let Some((order_id, unknown)) =
        catalog::insert_order(tx, &inc.actor, now, &order, EventKind::Imported).await?
    else {
        return Ok(None);
    };
    let mut said = Vec::new();
    if number != shop.order.number.trim() {
        said.push(format!(
            "the shop's number {} belongs to another channel's order here, so this one is {number}",
            shop.order.number.trim()
        ));
    }
    for sku in &unknown {
        said.push(format!(
            "SKU {sku} is not a known product; the order waits until the product is imported"
        ));
    }
    let reason = said.join("; ");
    let link = Link {
        order_id,
        shop_updated_at: shop.updated_at.map(|t| t.timestamp_millis()),
    };
    let row = inc.logged(DeliveryOutcome::Created, &reason, Some(order_id), false);
    let written = match log::insert_link(tx, channel, &shop.shop_order_id, link).await {
        Ok(()) => log::record(tx, &row).await,
        Err(e) => Err(e),
    };
    let id = match written {
        Ok(id) => id,
        Err(e) if is_unique_violation(&e) => return Ok(None),
        Err(e) => return Err(e),
    };
    let message = if reason.is_empty() {
        format!("order {number} created")
    } else {
        format!("order {number} created: {reason}")
    };
    Ok(Some(Receipt {
        unknown_skus: unknown,
        ..receipt(
            DeliveryOutcome::Created,
            Some(id),
            Some(number.to_string()),
            &message,
        )
    }))
}

/// What a shop's order is here.
enum Found {
    /// Linked to this order before.
    Linked(Link, Box<OrderHead>),
    /// Not linked; its number (or the channel's variant of it) is free.
    Free(String),
    /// Not linked; an order of the same channel has its number: the same
    /// order (imported from the shop's export before).
    Same(Box<OrderHead>),
    /// Neither the number nor its variant can be used: why.
    Taken(String),
}

/// The number a new shop order gets: its own; when an order of another
/// channel has it (the store's phone orders count from 1001 too), its own
/// followed by the channel (`1001-shopify`).
async fn free_number(
    tx: &mut sqlx::AnyConnection,
    store: &Store,
    channel: WebhookChannel,
    order: &NewOrder,
) -> Result<Found> {
    let own = order.number.trim().to_string();
    let variant = format!("{own}-{}", order.channel.trim());
    for candidate in [&own, &variant] {
        match orders::number_if_exists(tx, candidate).await? {
            None => return Ok(Found::Free(candidate.clone())),
            Some(number) => {
                let head = orders::head_by_number(tx, store.engine(), &number, true).await?;
                // The same channel's order, not yet linked to another of the
                // shop's orders.
                if head.channel == order.channel
                    && log::shop_order_of(tx, channel, head.id).await?.is_none()
                {
                    return Ok(Found::Same(Box::new(head)));
                }
            }
        }
    }
    Ok(Found::Taken(format!(
        "the shop's number {own} and {variant} both belong to orders of other channels here, \
         so the order was not created. {KEPT}"
    )))
}

fn stamp(t: Option<DateTime<Utc>>) -> String {
    t.map_or_else(|| "an unknown time".into(), |t| t.to_rfc3339())
}

/// A shop's version of an order that is here, through the orders' one
/// edit operation and its rules; a cancellation or a refusal leaves a
/// pinned note for the people who pack it.
async fn change_order(
    store: &Store,
    inc: &Incoming<'_>,
    shop: &ShopOrder,
    head: &OrderHead,
) -> Result<Receipt> {
    let shop_name = inc.row.channel.shop_name();
    let actor = &inc.actor;
    let version = shop.updated_at.map(|t| t.timestamp_millis());
    if shop.cancelled {
        if head.status == OrderStatus::Cancelled {
            let reason = format!("cancelled in {shop_name}, as it is here");
            let row = inc.logged(DeliveryOutcome::Unchanged, &reason, Some(head.id), false);
            return finish(store, &row, head, version).await;
        }
        let note = format!(
            "Заказ отменён в магазине ({shop_name}): отмените его здесь, если он ещё не ушёл. \
             Cancelled in {shop_name}: cancel it here unless it has already gone."
        );
        add_note(store, actor, &head.number, &note, true).await?;
        let reason = format!(
            "cancelled in {shop_name}; the order is {} here and was left as it is, with a pinned \
             note asking a person to cancel it",
            head.status
        );
        let row = inc.logged(DeliveryOutcome::Cancelled, &reason, Some(head.id), false);
        return finish(store, &row, head, version).await;
    }

    let lines = {
        let mut conn = store.pool().acquire().await?;
        orders::lines(&mut conn, head.id).await?
    };
    let edit = shop_edit(head, &lines, &shop.order);
    // The edit's own plan says whether the shop changed anything; an order
    // the shop resends as it is (a payment captured, a fulfilment) is not
    // put through the edit's status rules.
    let changes = edit
        .plan(head, &lines, |_| Some(String::new()))
        .map(|plan| plan.changes_anything())
        .unwrap_or(true);
    let (outcome, reason) = if !changes {
        (
            DeliveryOutcome::Unchanged,
            "the shop's version is the order as it is here".to_string(),
        )
    } else {
        match edit_order(store, actor, &head.number, &edit).await {
            Ok(edited) => {
                let mut reason = String::from("changed as the shop changed it");
                if !edited.unreserved_skus.is_empty() {
                    reason.push_str(&format!(
                        "; stock no longer covers {}",
                        edited.unreserved_skus.join(", ")
                    ));
                }
                (DeliveryOutcome::Updated, reason)
            }
            Err(e) if e.is_refusal() || matches!(e, Error::Invalid(_)) => {
                (DeliveryOutcome::Refused, format!("{e}. {KEPT}"))
            }
            Err(e) => return Err(e),
        }
    };
    let refused = outcome == DeliveryOutcome::Refused;
    let row = inc.logged(outcome, &reason, Some(head.id), refused);
    let receipt = finish(store, &row, head, version).await?;
    if refused {
        let note = format!(
            "Магазин ({shop_name}) изменил заказ, изменение не принято. {shop_name} changed the \
             order; the change was not taken: {reason}{}",
            receipt
                .delivery
                .map(|id| format!(" (packbench-cli webhooks show {id})"))
                .unwrap_or_default()
        );
        add_note(store, actor, &head.number, truncate(&note, 1900), true).await?;
    }
    take_payment(store, actor, &head.number, &shop.order).await?;
    Ok(receipt)
}

/// Logs the delivery of an order that is here and moves its version on.
async fn finish(
    store: &Store,
    row: &NewDelivery<'_>,
    head: &OrderHead,
    version: Option<i64>,
) -> Result<Receipt> {
    let mut tx = store.write().await?;
    if let (Some(v), Some(shop_id)) = (version, row.shop_order_id) {
        log::set_version(&mut tx, row.channel, shop_id, v).await?;
    }
    let id = match log::record(&mut tx, row).await {
        Ok(id) => Some(id),
        Err(e) if is_unique_violation(&e) => None,
        Err(e) => return Err(e),
    };
    let number = orders::number_of(&mut tx, head.id).await?;
    tx.commit().await?;
    Ok(receipt(row.outcome, id, Some(number), row.reason))
}

/// The shop's version of the order as an edit: contact, address,
/// delivery, comment and lines (a line kept by SKU keeps its place). A
/// name, phone, e-mail, address or delivery method the shop leaves empty
/// is left as it is here.
fn shop_edit(head: &OrderHead, lines: &[OrderLine], order: &NewOrder) -> OrderEdit {
    let exp = exponent_of(&head.currency);
    let given = |t: &str| (!t.trim().is_empty()).then(|| t.trim().to_string());
    let mut unused: Vec<&OrderLine> = lines.iter().collect();
    let wanted = order
        .lines
        .iter()
        .map(|l| {
            let id = unused
                .iter()
                .position(|s| s.sku == l.sku.trim())
                .map(|i| unused.remove(i).id);
            LineInput {
                id,
                sku: l.sku.trim().to_string(),
                quantity: l.quantity,
                unit_price: format_minor(l.unit_price_minor, exp),
                discount: format_minor(l.discount_minor, exp),
                tax_rate_bp: Some(l.tax_rate_bp),
            }
        })
        .collect();
    OrderEdit {
        customer_name: given(&order.customer_name),
        phone: given(&order.phone),
        email: given(&order.email),
        shipping_address: given(&order.shipping_address),
        delivery_method: given(&order.delivery_method),
        delivery_cost: Some(format_minor(order.delivery_cost_minor, exp)),
        comment: Some(order.comment.trim().to_string()),
        lines: Some(wanted),
        ..OrderEdit::default()
    }
}

/// The shop says the order is paid and the ledger here is short of its
/// total: the rest is recorded as paid in the shop, so the order's payment
/// state follows (its refunds are the shop's to report; they are not taken
/// from webhooks).
async fn take_payment(store: &Store, actor: &Actor, number: &str, order: &NewOrder) -> Result<()> {
    if order.payment_status != PaymentStatus::Paid {
        return Ok(());
    }
    let detail: OrderDetail = super::order_detail(store, number).await?;
    if detail.balance_minor <= 0 || detail.head.status == OrderStatus::Cancelled {
        return Ok(());
    }
    let input = PaymentInput {
        kind: PaymentKind::Payment,
        amount: format_minor(detail.balance_minor, exponent_of(&detail.head.currency)),
        currency: detail.head.currency.clone(),
        method: "shop".into(),
        note: format!("paid in the shop ({})", actor.user),
    };
    match record_payment(store, actor, number, &input).await {
        Ok(_) => Ok(()),
        // The ledger refuses it (a currency changed meanwhile ...): the
        // order keeps its state and a person records the payment.
        Err(e) if e.is_refusal() || matches!(e, Error::Invalid(_)) => {
            tracing::warn!("the shop's payment of order {number} was not recorded: {e}");
            Ok(())
        }
        Err(e) => Err(e),
    }
}

/// A channel's secret as the status shows it: set or not, by whom, and a
/// fingerprint to compare with the shop's (never the secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WebhookSecretInfo {
    pub channel: WebhookChannel,
    pub set: bool,
    pub set_by: Option<String>,
    pub set_at: Option<DateTime<Utc>>,
    /// The first 8 hex digits of the secret's SHA-256.
    pub fingerprint: Option<String>,
}

fn fingerprint(secret: &str) -> String {
    let digest = sha2::Sha256::digest(secret.as_bytes());
    digest.iter().take(4).map(|b| format!("{b:02x}")).collect()
}

/// The shortest secret taken: a short one is guessed.
const SECRET_MIN: usize = 12;

/// Sets the secret a channel's deliveries are signed with (Shopify's app
/// client secret, the secret of the WooCommerce webhook, the web form's
/// own), as given; a line end at the end (a file's) is not part of it.
pub async fn set_webhook_secret(
    store: &Store,
    actor: &Actor,
    channel: WebhookChannel,
    secret: &str,
) -> Result<WebhookSecretInfo> {
    actor.may(Op::SetWebhookSecret)?;
    let secret = secret.trim_end_matches(['\n', '\r']);
    let chars = secret.chars().count();
    if !(SECRET_MIN..=500).contains(&chars) {
        return Err(Error::Invalid(format!(
            "the secret has {chars} characters; a webhook secret has {SECRET_MIN} to 500 \
             (copy the whole secret the shop shows)"
        )));
    }
    if secret.chars().any(char::is_control) || secret.trim() != secret {
        return Err(Error::Invalid(
            "the secret holds spaces at its ends or control characters; copy it exactly as the shop shows it"
                .into(),
        ));
    }
    let value = ChannelSecret {
        secret: secret.to_string(),
        set_by: actor.user.clone(),
        set_at_ms: store.now_ms(),
    };
    let mut tx = store.write().await?;
    log::set_secret(&mut tx, channel, &value).await?;
    tx.commit().await?;
    Ok(secret_info(channel, Some(&value)))
}

fn secret_info(channel: WebhookChannel, s: Option<&ChannelSecret>) -> WebhookSecretInfo {
    WebhookSecretInfo {
        channel,
        set: s.is_some(),
        set_by: s.map(|s| s.set_by.clone()),
        set_at: s.and_then(|s| DateTime::from_timestamp_millis(s.set_at_ms)),
        fingerprint: s.map(|s| fingerprint(&s.secret)),
    }
}

/// Which channels have a secret (never the secrets).
pub async fn webhook_secrets(store: &Store, actor: &Actor) -> Result<Vec<WebhookSecretInfo>> {
    actor.may(Op::SetWebhookSecret)?;
    let mut conn = store.pool().acquire().await?;
    let mut out = Vec::new();
    for channel in WebhookChannel::ALL {
        let s = log::secret(&mut conn, *channel).await?;
        out.push(secret_info(*channel, s.as_ref()));
    }
    Ok(out)
}

/// The newest deliveries (or, with `inbox`, only those whose bodies wait
/// for a person), up to `limit`, older than `before` when given.
pub async fn webhook_deliveries(
    store: &Store,
    actor: &Actor,
    inbox: bool,
    limit: i64,
    before: Option<i64>,
) -> Result<Vec<DeliveryLog>> {
    actor.may(Op::ImportOrders)?;
    let mut conn = store.pool().acquire().await?;
    log::list(&mut conn, inbox, limit.clamp(1, 1000), before).await
}

/// One delivery with its kept body, if it was kept.
pub async fn webhook_delivery(
    store: &Store,
    actor: &Actor,
    id: i64,
) -> Result<(DeliveryLog, Option<Vec<u8>>)> {
    actor.may(Op::ImportOrders)?;
    let mut conn = store.pool().acquire().await?;
    log::with_body(&mut conn, id)
        .await?
        .ok_or_else(|| Error::not_found("webhook delivery", id.to_string()))
}

/// A kept delivery dealt with: it leaves the inbox (the log keeps it).
pub async fn dismiss_webhook_delivery(
    store: &Store,
    actor: &Actor,
    id: i64,
) -> Result<DeliveryLog> {
    actor.may(Op::ImportOrders)?;
    let mut tx = store.write().await?;
    let Some((found, body)) = log::with_body(&mut tx, id).await? else {
        return Err(Error::not_found("webhook delivery", id.to_string()));
    };
    if body.is_none() {
        return Err(Error::Refused(format!(
            "delivery {id} kept no body; only the inbox's deliveries are dismissed"
        )));
    }
    if found.handled_at.is_some() {
        return Err(Error::Refused(format!(
            "delivery {id} was dismissed already by {}",
            found.handled_by.unwrap_or_default()
        )));
    }
    log::mark_handled(&mut tx, id, &actor.user, store.now_ms()).await?;
    let (after, _) = log::with_body(&mut tx, id)
        .await?
        .ok_or_else(|| Error::not_found("webhook delivery", id.to_string()))?;
    tx.commit().await?;
    Ok(after)
}

/// Whether the server's database answers now.
pub async fn server_health(store: &Store) -> Result<()> {
    let mut conn = store.pool().acquire().await?;
    log::alive(&mut conn).await
}
