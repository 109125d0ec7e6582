//! Stock and order status back to the shop. When a channel's shop API is
//! set (Shopify: the shop's address, an Admin API access token and the
//! location Packbench keeps; WooCommerce: the site's address and a REST API
//! key), every stock move of a product the shop sells and every shipped
//! order of the shop queues a call to it, in the change's own transaction
//! (`store::shop_sync`). [`send_shop_calls`] sends what is due, one call at
//! a time, until the shop accepts it (2xx); 429, 5xx and network failures
//! are tried again with a growing pause (the shop's Retry-After when it
//! gives one), a 4xx is the shop refusing for good: the call is failed with
//! the shop's words for a person, who fixes the cause and retries it.
//!
//! Delivery is at least once, never twice after an acceptance is recorded:
//! a call is claimed under a lease before it is sent and marked done when
//! the shop's 2xx is read. A sender that dies between the shop's accepting
//! and that mark (a crash, a power cut) leaves the lease to run out, and
//! the call goes again. Every call is written so a repeat changes nothing:
//! a stock call sets the level (never adds), a WooCommerce status is set
//! to `completed`, and a Shopify shipment first asks which fulfillment
//! orders are still open (none: done). Only WooCommerce's tracking note
//! could then appear twice on the order.
//!
//! The shop's ids of a product are learnt from the shop's order webhooks
//! ([`remember_shop_products`], the first time an order names it); a
//! product no order of the shop has named yet is not sent.

use crate::domain::access::Op;
use crate::domain::Actor;
use crate::exchange::shop_api::{self, ShopApi, ShopRequest, Tracking, Verdict};
use crate::exchange::webhook::WebhookChannel;
use crate::store::shop_sync::{self as calls, ShopCall, ShopCallKind, ShopCallState};
use crate::store::{outbox, Store};
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::Digest;
use std::time::Duration;

/// How long one request to the shop may take.
const HTTP_TIMEOUT: Duration = Duration::from_secs(30);

/// The most calls one pass sends (the next pass sends the rest).
const PASS_LIMIT: usize = 500;

/// What a supervisor sets for a channel's shop API. `api_secret` None keeps
/// the one set before (the screen never has it to send back).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ShopApiInput {
    pub channel: Option<WebhookChannel>,
    pub base_url: String,
    /// Shopify's Admin API version; empty: Packbench's (2024-10).
    pub api_version: String,
    /// Shopify's location id (Settings → Locations: the number in the
    /// location's address).
    pub location_id: String,
    /// WooCommerce's consumer key.
    pub api_key: String,
    /// Shopify's access token, WooCommerce's consumer secret.
    pub api_secret: Option<String>,
}

/// A channel's shop API as the screen shows it: never the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ShopApiInfo {
    pub channel: WebhookChannel,
    pub connected: bool,
    pub base_url: String,
    pub api_version: String,
    pub location_id: String,
    /// The consumer key's first characters (`ck_1a2b…`).
    pub api_key_hint: Option<String>,
    /// The first 8 hex digits of the secret's SHA-256, to compare.
    pub secret_fingerprint: Option<String>,
    pub set_by: Option<String>,
    pub set_at: Option<DateTime<Utc>>,
}

/// The channels that have a shop API to call.
const SHOPS: [WebhookChannel; 2] = [WebhookChannel::Shopify, WebhookChannel::WooCommerce];

fn fingerprint(secret: &str) -> String {
    let digest = sha2::Sha256::digest(secret.as_bytes());
    digest.iter().take(4).map(|b| format!("{b:02x}")).collect()
}

fn info(channel: WebhookChannel, stored: Option<&calls::StoredApi>) -> ShopApiInfo {
    match stored {
        None => ShopApiInfo {
            channel,
            connected: false,
            base_url: String::new(),
            api_version: String::new(),
            location_id: String::new(),
            api_key_hint: None,
            secret_fingerprint: None,
            set_by: None,
            set_at: None,
        },
        Some(s) => ShopApiInfo {
            channel,
            connected: true,
            base_url: s.api.base_url.clone(),
            api_version: s.api.api_version.clone(),
            location_id: s.api.location_id.clone(),
            api_key_hint: (!s.api.api_key.is_empty())
                .then(|| format!("{}…", s.api.api_key.chars().take(7).collect::<String>())),
            secret_fingerprint: Some(fingerprint(&s.api.api_secret)),
            set_by: Some(s.set_by.clone()),
            set_at: DateTime::from_timestamp_millis(s.set_at_ms),
        },
    }
}

fn shop_channel(channel: Option<WebhookChannel>) -> Result<WebhookChannel> {
    match channel {
        Some(c @ (WebhookChannel::Shopify | WebhookChannel::WooCommerce)) => Ok(c),
        _ => Err(Error::Invalid(
            "choose the shop: shopify or woocommerce (the web form has no API to call)".into(),
        )),
    }
}

fn credential(text: &str, what: &str) -> Result<String> {
    let t = text.trim_end_matches(['\n', '\r']).trim();
    let chars = t.chars().count();
    if !(8..=500).contains(&chars) || t.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(Error::Invalid(format!(
            "the {what} has {chars} characters or holds spaces; copy it whole, exactly as the shop \
             shows it"
        )));
    }
    Ok(t.to_string())
}

/// Sets (or changes) a channel's shop API. The secret is kept as given (the
/// shop wants it as it is) and never shown again: the answer has its
/// fingerprint.
pub async fn set_shop_api(
    store: &Store,
    actor: &Actor,
    input: &ShopApiInput,
) -> Result<ShopApiInfo> {
    actor.may(Op::SetShopApi)?;
    let channel = shop_channel(input.channel)?;
    let base_url = shop_api::check_base_url(&input.base_url).map_err(Error::Invalid)?;
    let mut tx = store.write().await?;
    let before = calls::api(&mut tx, channel).await?;
    let api_secret = match input.api_secret.as_deref() {
        Some(s) if !s.trim().is_empty() => credential(
            s,
            match channel {
                WebhookChannel::Shopify => "access token",
                _ => "consumer secret",
            },
        )?,
        _ => before
            .as_ref()
            .map(|b| b.api.api_secret.clone())
            .ok_or_else(|| {
                Error::Invalid(match channel {
                    WebhookChannel::Shopify => {
                        "give the Admin API access token (shpat_...) of the shop's app".to_string()
                    }
                    _ => "give the REST API consumer secret (cs_...)".to_string(),
                })
            })?,
    };
    let version = input.api_version.trim().to_string();
    let version_shaped = version.len() == 7
        && version.chars().enumerate().all(|(i, c)| match i {
            4 => c == '-',
            _ => c.is_ascii_digit(),
        });
    if !version.is_empty() && !version_shaped {
        return Err(Error::Invalid(format!(
            "{version:?} is not a Shopify API version; write it as 2024-10, or leave it empty"
        )));
    }
    let location_id = input.location_id.trim().to_string();
    let api_key = input.api_key.trim().to_string();
    match channel {
        WebhookChannel::Shopify => {
            if location_id.is_empty() || !location_id.chars().all(|c| c.is_ascii_digit()) {
                return Err(Error::Invalid(
                    "give the Shopify location id: the number at the end of the location's \
                     address in Settings → Locations"
                        .into(),
                ));
            }
        }
        _ => {
            credential(&api_key, "consumer key")?;
        }
    }
    let api = ShopApi {
        channel,
        base_url,
        api_version: version,
        location_id,
        api_key,
        api_secret,
    };
    calls::put_api(&mut tx, &api, &actor.user, store.now_ms()).await?;
    let stored = calls::api(&mut tx, channel).await?;
    tx.commit().await?;
    Ok(info(channel, stored.as_ref()))
}

/// Each shop channel's API as set (never the secrets).
pub async fn shop_apis(store: &Store, actor: &Actor) -> Result<Vec<ShopApiInfo>> {
    actor.may(Op::SetShopApi)?;
    let mut conn = store.pool().acquire().await?;
    let mut out = Vec::new();
    for channel in SHOPS {
        let stored = calls::api(&mut conn, channel).await?;
        out.push(info(channel, stored.as_ref()));
    }
    Ok(out)
}

/// Disconnects a channel's shop API: nothing more is queued for it, and
/// what waited is failed (saying so).
pub async fn remove_shop_api(
    store: &Store,
    actor: &Actor,
    channel: WebhookChannel,
) -> Result<ShopApiInfo> {
    actor.may(Op::SetShopApi)?;
    let channel = shop_channel(Some(channel))?;
    let mut tx = store.write().await?;
    calls::remove_api(&mut tx, channel, store.now_ms()).await?;
    tx.commit().await?;
    Ok(info(channel, None))
}

/// The calls to the shops: how many in each state, and the newest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ShopQueue {
    pub pending: i64,
    pub sending: i64,
    pub done: i64,
    pub failed: i64,
    pub replaced: i64,
    pub calls: Vec<ShopCall>,
}

/// The queue of calls to the shops, newest first (only those in `state`
/// when given), up to `limit`.
pub async fn shop_calls(
    store: &Store,
    actor: &Actor,
    state: Option<ShopCallState>,
    limit: i64,
) -> Result<ShopQueue> {
    actor.may(Op::ImportOrders)?;
    let mut conn = store.pool().acquire().await?;
    let mut q = ShopQueue {
        calls: calls::list(&mut conn, state, limit.clamp(1, 1000)).await?,
        ..ShopQueue::default()
    };
    for (s, n) in calls::counts(&mut conn).await? {
        match s {
            ShopCallState::Pending => q.pending = n,
            ShopCallState::Sending => q.sending = n,
            ShopCallState::Done => q.done = n,
            ShopCallState::Failed => q.failed = n,
            ShopCallState::Replaced => q.replaced = n,
        }
    }
    Ok(q)
}

/// A failed call goes again now (its cause fixed: the token set again, the
/// product made again in the shop).
pub async fn retry_shop_call(store: &Store, actor: &Actor, id: i64) -> Result<ShopCall> {
    actor.may(Op::RetryShopCall)?;
    let mut tx = store.write().await?;
    let c = calls::call(&mut tx, id).await?;
    if c.state != ShopCallState::Failed {
        return Err(Error::Refused(format!(
            "call {id} is {}; only a failed call is sent again by hand",
            c.state
        )));
    }
    calls::retry_now(&mut tx, id, &actor.user, store.now_ms()).await?;
    let after = calls::call(&mut tx, id).await?;
    tx.commit().await?;
    Ok(after)
}

/// Every failed call goes again now; how many.
pub async fn retry_failed_shop_calls(store: &Store, actor: &Actor) -> Result<usize> {
    actor.may(Op::RetryShopCall)?;
    let mut tx = store.write().await?;
    let failed = calls::list(&mut tx, Some(ShopCallState::Failed), 10_000).await?;
    let mut n = 0;
    for c in failed {
        if calls::retry_now(&mut tx, c.id, &actor.user, store.now_ms()).await? {
            n += 1;
        }
    }
    tx.commit().await?;
    Ok(n)
}

/// Keeps the shop's ids of the products a signed order webhook names (the
/// first time, or when the shop's ids changed), so their stock can go back
/// to the shop. Lines whose SKU no product has are left for later.
pub async fn remember_shop_products(
    store: &Store,
    channel: WebhookChannel,
    body: &[u8],
) -> Result<()> {
    let refs = shop_api::line_refs(channel, body);
    if refs.is_empty() {
        return Ok(());
    }
    let mut tx = store.write().await?;
    let now = store.now_ms();
    for r in refs {
        let Some(product_id) = calls::product_id_of(&mut tx, &r.sku).await? else {
            continue;
        };
        let known = calls::product_refs(&mut tx, channel, product_id).await?;
        if known
            .is_some_and(|k| k.shop_product_id == r.product_id && k.shop_variant_id == r.variant_id)
        {
            continue;
        }
        calls::remember_product(
            &mut tx,
            channel,
            product_id,
            &r.product_id,
            &r.variant_id,
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// What one pass of the sender did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ShopSyncPass {
    /// Accepted by the shop (or nothing left to tell it).
    pub done: usize,
    /// Failed for a reason that may pass: tried again later.
    pub retrying: usize,
    /// Refused for good: a person looks.
    pub failed: usize,
    /// One line per call, for the log.
    pub lines: Vec<String>,
}

/// What became of one attempt.
enum Attempt {
    Done {
        status: Option<i64>,
        note: Option<String>,
    },
    Retry {
        status: Option<i64>,
        reason: String,
        after_ms: Option<i64>,
    },
    Failed {
        status: Option<i64>,
        reason: String,
    },
}

/// The pause after `attempts` failures: 10 s, 30 s, 1, 2, 5, 15 minutes,
/// then hourly, for as long as it takes.
pub fn backoff_ms(attempts: i64) -> i64 {
    let seconds = match attempts {
        ..=1 => 10,
        2 => 30,
        3 => 60,
        4 => 120,
        5 => 300,
        6 => 900,
        _ => 3600,
    };
    seconds * 1000
}

/// The longest pause a shop's Retry-After is taken for.
const RETRY_AFTER_MAX_MS: i64 = 6 * 3600 * 1000;

/// Sends the calls that are due, one at a time, until none is (or
/// [`PASS_LIMIT`]); the server runs it every few seconds, `packbench-cli
/// shops sync` once. An `Err` is the database failing.
pub async fn send_shop_calls(store: &Store) -> Result<ShopSyncPass> {
    let mut pass = ShopSyncPass::default();
    for _ in 0..PASS_LIMIT {
        let claimed = {
            let mut tx = store.write().await?;
            let c = calls::claim_next(&mut tx, store.now_ms()).await?;
            tx.commit().await?;
            c
        };
        let Some(c) = claimed else { break };
        let attempt = attempt(store, &c).await?;
        let what = describe(&c);
        let mut tx = store.write().await?;
        let now = store.now_ms();
        let line = match attempt {
            Attempt::Done { status, note } => {
                calls::mark_done(&mut tx, c.id, status, note.as_deref(), now).await?;
                pass.done += 1;
                format!(
                    "{what}: done{}",
                    note.map(|n| format!(" ({n})")).unwrap_or_default()
                )
            }
            Attempt::Retry {
                status,
                reason,
                after_ms,
            } => {
                let wait = after_ms
                    .map(|ms| ms.clamp(1000, RETRY_AFTER_MAX_MS))
                    .unwrap_or_else(|| backoff_ms(c.attempts));
                calls::retry_later(&mut tx, &c, status, &reason, now + wait).await?;
                pass.retrying += 1;
                format!("{what}: {reason}; tried again in {} s", wait / 1000)
            }
            Attempt::Failed { status, reason } => {
                calls::mark_failed(&mut tx, c.id, status, &reason, now).await?;
                pass.failed += 1;
                format!("{what}: FAILED, a person must look: {reason}")
            }
        };
        tx.commit().await?;
        tracing::info!("shop call {line}");
        pass.lines.push(line);
    }
    Ok(pass)
}

fn describe(c: &ShopCall) -> String {
    let target = match c.kind {
        ShopCallKind::Stock => format!("stock of {}", c.sku.as_deref().unwrap_or("?")),
        ShopCallKind::Shipped => {
            format!("order {} shipped", c.order_number.as_deref().unwrap_or("?"))
        }
    };
    format!("{} call {} to {} ({target})", c.kind, c.id, c.channel)
}

/// A request's answer: accepted (with the body), or the attempt's end.
enum Answer {
    Accepted(u16, Vec<u8>),
    Over(Attempt),
}

/// Sends one request of a call, noting it first (what went is on the
/// queue's screen even when the answer is lost).
async fn request(store: &Store, c: &ShopCall, req: &ShopRequest) -> Result<Answer> {
    {
        let mut tx = store.write().await?;
        calls::note_request(&mut tx, c.id, &req.summary()).await?;
        tx.commit().await?;
    }
    Ok(match crate::shop_http::send(req, HTTP_TIMEOUT).await {
        Err(reason) => Answer::Over(Attempt::Retry {
            status: None,
            reason,
            after_ms: None,
        }),
        Ok(r) => {
            let status = Some(i64::from(r.status));
            match shop_api::verdict(r.status, &r.body, r.retry_after.as_deref(), store.now()) {
                Verdict::Accepted => Answer::Accepted(r.status, r.body),
                Verdict::Retry { reason, after_ms } => Answer::Over(Attempt::Retry {
                    status,
                    reason,
                    after_ms,
                }),
                Verdict::Refused(reason) => Answer::Over(Attempt::Failed { status, reason }),
            }
        }
    })
}

macro_rules! accepted {
    ($answer:expr) => {
        match $answer {
            Answer::Accepted(status, body) => (status, body),
            Answer::Over(attempt) => return Ok(attempt),
        }
    };
}

fn failed(reason: impl Into<String>) -> Attempt {
    Attempt::Failed {
        status: None,
        reason: reason.into(),
    }
}

/// One attempt at a call: every request it still needs, in order.
async fn attempt(store: &Store, c: &ShopCall) -> Result<Attempt> {
    let api = {
        let mut conn = store.pool().acquire().await?;
        calls::api(&mut conn, c.channel).await?
    };
    let Some(api) = api.map(|s| s.api) else {
        return Ok(failed(format!(
            "the {} shop API is not set any more; set it in Settings → Shop API, then retry",
            c.channel
        )));
    };
    match c.kind {
        ShopCallKind::Stock => stock(store, c, &api).await,
        ShopCallKind::Shipped => shipped(store, c, &api).await,
    }
}

async fn stock(store: &Store, c: &ShopCall, api: &ShopApi) -> Result<Attempt> {
    let Some(product_id) = c.product_id else {
        return Ok(failed("the call names no product"));
    };
    let refs = {
        let mut conn = store.pool().acquire().await?;
        calls::product_refs(&mut conn, c.channel, product_id).await?
    };
    let Some(refs) = refs else {
        return Ok(failed("the shop's ids of the product are not known"));
    };
    let req = match c.channel {
        WebhookChannel::Shopify => {
            let mut item = refs.inventory_item_id.clone();
            if item.is_empty() {
                let ask = match shop_api::shopify_variant(api, &refs.shop_variant_id) {
                    Ok(r) => r,
                    Err(e) => return Ok(failed(e)),
                };
                let (_, body) = accepted!(request(store, c, &ask).await?);
                item = match shop_api::shopify_inventory_item(&body) {
                    Ok(i) => i,
                    Err(e) => return Ok(failed(e)),
                };
                let mut tx = store.write().await?;
                calls::set_inventory_item(&mut tx, c.channel, product_id, &item).await?;
                tx.commit().await?;
            }
            // The level as it is now, read after any lookup: the newest.
            let level = free_units(store, product_id).await?;
            shop_api::shopify_set_level(api, &item, level)
        }
        _ => {
            let level = free_units(store, product_id).await?;
            shop_api::woo_set_stock(api, &refs.shop_product_id, &refs.shop_variant_id, level)
        }
    };
    let req = match req {
        Ok(r) => r,
        Err(e) => return Ok(failed(e)),
    };
    let (status, _) = accepted!(request(store, c, &req).await?);
    Ok(Attempt::Done {
        status: Some(i64::from(status)),
        note: None,
    })
}

async fn free_units(store: &Store, product_id: i64) -> Result<i64> {
    let mut conn = store.pool().acquire().await?;
    calls::free_units(&mut conn, product_id).await
}

async fn shipped(store: &Store, c: &ShopCall, api: &ShopApi) -> Result<Attempt> {
    let Some(order_id) = c.order_id else {
        return Ok(failed("the call names no order"));
    };
    let (order, tracking) = {
        let mut conn = store.pool().acquire().await?;
        let Some(o) = calls::shipped_order(&mut conn, c.channel, order_id).await? else {
            return Ok(failed("the order is no longer linked to the shop's order"));
        };
        let carrier = o.carrier.clone().unwrap_or_default();
        let number = o.tracking_number.clone().unwrap_or_default();
        let url = outbox::tracking_link(&mut conn, &carrier, &number).await?;
        let tracking = Tracking {
            company: o.carrier_name.clone().unwrap_or(carrier),
            number,
            url,
        };
        (o, tracking)
    };
    match c.channel {
        WebhookChannel::Shopify => {
            let ask = match shop_api::shopify_fulfillment_orders(api, &order.shop_order_id) {
                Ok(r) => r,
                Err(e) => return Ok(failed(e)),
            };
            let (_, body) = accepted!(request(store, c, &ask).await?);
            let open = match shop_api::shopify_open_fulfillment_orders(&body) {
                Ok(o) => o,
                Err(e) => {
                    return Ok(Attempt::Retry {
                        status: None,
                        reason: e,
                        after_ms: None,
                    })
                }
            };
            if open.is_empty() {
                return Ok(Attempt::Done {
                    status: None,
                    note: Some(
                        "nothing was left to fulfil in the shop: fulfilled already".to_string(),
                    ),
                });
            }
            let req = shop_api::shopify_fulfil(api, &open, &tracking);
            let (status, _) = accepted!(request(store, c, &req).await?);
            Ok(Attempt::Done {
                status: Some(i64::from(status)),
                note: None,
            })
        }
        _ => {
            let mut status = None;
            if c.steps_done < 1 {
                let req = match shop_api::woo_complete(api, &order.shop_order_id) {
                    Ok(r) => r,
                    Err(e) => return Ok(failed(e)),
                };
                let (s, _) = accepted!(request(store, c, &req).await?);
                status = Some(i64::from(s));
                let mut tx = store.write().await?;
                calls::step_done(&mut tx, c.id, 1).await?;
                tx.commit().await?;
            }
            if !tracking.number.is_empty() {
                let req = match shop_api::woo_tracking_note(api, &order.shop_order_id, &tracking) {
                    Ok(r) => r,
                    Err(e) => return Ok(failed(e)),
                };
                let (s, _) = accepted!(request(store, c, &req).await?);
                status = Some(i64::from(s));
                let mut tx = store.write().await?;
                calls::step_done(&mut tx, c.id, 2).await?;
                tx.commit().await?;
            }
            Ok(Attempt::Done { status, note: None })
        }
    }
}
