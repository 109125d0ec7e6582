//! The customer outbox: messages written in the same transaction as the
//! event that causes them, then claimed, delivered and recorded by the
//! sender. A claim is a lease: a sender that dies holding one lets it run
//! out, and the message goes again with the same Message-ID.

use super::settings;
use crate::documents::Lang;
use crate::domain::notify::{self, MailSettings, NotifyEvent, Template, Vars};
use crate::domain::time::{MaybeMillis, Millis};
use crate::domain::EventKind;
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::AnyConnection;

/// The settings key of the mail server settings.
pub const MAIL_SETTINGS: &str = "mail";

/// How long a sender holds a claimed message before another may take it.
pub const LEASE_MS: i64 = 120_000;

/// Attempts before a message is given up (about two days of retries).
pub const MAX_ATTEMPTS: i64 = 12;

crate::named_enum! {
    /// Where a message is.
    pub enum MessageStatus("message state") {
        /// Waiting for its first attempt.
        Queued = "queued",
        /// A sender holds it (until its lease runs out).
        Sending = "sending",
        Sent = "sent",
        /// The last attempt failed; it is tried again later.
        Failed = "failed",
        /// Too many failures, or the server refused it for good.
        GivenUp = "given_up",
        /// Nothing to send to (the order has no e-mail address).
        Skipped = "skipped",
    }
}

/// One message, as the outbox screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OutboxMessage {
    pub id: i64,
    pub message_id: String,
    pub order_number: Option<String>,
    pub event: NotifyEvent,
    pub recipient: String,
    pub lang: String,
    pub subject: String,
    pub body: String,
    #[sqlx(try_from = "Millis")]
    pub created_at: DateTime<Utc>,
    pub status: MessageStatus,
    pub attempts: i64,
    #[sqlx(try_from = "Millis")]
    pub next_attempt_at: DateTime<Utc>,
    /// The server's own words at the last failure.
    pub last_error: Option<String>,
    #[sqlx(try_from = "MaybeMillis")]
    pub sent_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "m.id, m.message_id, o.number AS order_number, m.event, m.recipient, m.lang, \
    m.subject, m.body, m.created_at, m.status, m.attempts, m.next_attempt_at, m.last_error, m.sent_at";

pub async fn mail_settings(conn: &mut AnyConnection) -> Result<MailSettings> {
    Ok(settings::get(conn, MAIL_SETTINGS)
        .await?
        .unwrap_or_default())
}

/// The template for an event and language: the store's, else Packbench's.
pub async fn template(
    conn: &mut AnyConnection,
    event: NotifyEvent,
    lang: Lang,
) -> Result<Template> {
    let row: Option<(String, String)> = sqlx::query_as(
        "SELECT subject, body FROM message_templates WHERE event = $1 AND lang = $2",
    )
    .bind(event)
    .bind(lang.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    Ok(match row {
        Some((subject, body)) => Template {
            event,
            lang,
            subject,
            body,
            edited: true,
        },
        None => {
            let (subject, body) = notify::default_template(event, lang);
            Template {
                event,
                lang,
                subject: subject.into(),
                body: body.into(),
                edited: false,
            }
        }
    })
}

/// Saves the store's wording; `None` goes back to Packbench's.
pub async fn save_template(
    conn: &mut AnyConnection,
    event: NotifyEvent,
    lang: Lang,
    text: Option<(&str, &str)>,
    who: &str,
    now_ms: i64,
) -> Result<()> {
    sqlx::query("DELETE FROM message_templates WHERE event = $1 AND lang = $2")
        .bind(event)
        .bind(lang.as_str())
        .execute(&mut *conn)
        .await?;
    if let Some((subject, body)) = text {
        sqlx::query(
            "INSERT INTO message_templates (event, lang, subject, body, updated_at, updated_by) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(event)
        .bind(lang.as_str())
        .bind(subject)
        .bind(body)
        .bind(now_ms)
        .bind(who)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The message an event sends, if it sends one.
pub fn event_message(kind: EventKind, after: Option<&serde_json::Value>) -> Option<NotifyEvent> {
    Some(match kind {
        EventKind::Confirmed => NotifyEvent::Confirmed,
        // A day set for a back-order (not one cleared).
        EventKind::ExpectedDate => {
            let day = after.and_then(|a| a.get("expected_on"));
            if day.is_none_or(|d| d.is_null()) {
                return None;
            }
            NotifyEvent::BackOrdered
        }
        EventKind::Packed | EventKind::PackedShort => NotifyEvent::Packed,
        // A part of an order leaving (dropshipping) tells the customer its
        // carrier and tracking number like a whole order does.
        EventKind::Shipped | EventKind::PartShipped => NotifyEvent::Shipped,
        EventKind::SubStatusSet => {
            let step = after
                .and_then(|a| a.get("sub_status"))
                .and_then(|s| s.as_str());
            if step != Some(NotifyEvent::AtPickupPoint.as_str()) {
                return None;
            }
            NotifyEvent::AtPickupPoint
        }
        EventKind::Delivered => NotifyEvent::Delivered,
        _ => return None,
    })
}

/// What the order's placeholders are filled with.
#[derive(sqlx::FromRow)]
struct OrderVars {
    number: String,
    customer_name: String,
    email: String,
    currency: String,
    total_minor: i64,
    carrier: Option<String>,
    tracking_number: Option<String>,
}

/// A carrier's tracking link for a number, from its template.
pub async fn tracking_link(
    conn: &mut AnyConnection,
    carrier: &str,
    tracking: &str,
) -> Result<String> {
    let url: Option<String> = sqlx::query_scalar(
        "SELECT tracking_url FROM carriers WHERE name = $1 OR code = $1 ORDER BY code LIMIT 1",
    )
    .bind(carrier)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(match url {
        Some(u) if !u.is_empty() && !tracking.is_empty() => {
            let encoded: String = tracking
                .bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                        (b as char).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect();
            u.replace("{tracking}", &encoded)
        }
        _ => String::new(),
    })
}

/// Queues the message an event sends, in the event's own transaction.
/// Nothing happens when the store does not send this message.
pub async fn on_event(
    conn: &mut AnyConnection,
    order_id: i64,
    kind: EventKind,
    after: Option<&serde_json::Value>,
    now_ms: i64,
) -> Result<()> {
    let Some(event) = event_message(kind, after) else {
        return Ok(());
    };
    let mail = mail_settings(conn).await?;
    if !mail.sends(event) {
        return Ok(());
    }
    let (vars, email) = order_vars(conn, order_id, mail.lang, after).await?;
    insert_message(
        conn,
        order_id,
        event,
        (&email, "the order has no e-mail address"),
        &mail,
        &vars,
        now_ms,
    )
    .await?;
    Ok(())
}

/// Writes `event`'s message about an order to a recipient, its template
/// filled in with `vars`; its id and state: `skipped` without an address
/// (`recipient` pairs the address with the words saying whose is missing),
/// `given_up` when the template does not fill in (saved before a check
/// existed, or edited in the database: an error the admin sees in the
/// outbox, not a reason to refuse packing or shipping).
async fn insert_message(
    conn: &mut AnyConnection,
    order_id: i64,
    event: NotifyEvent,
    recipient: (&str, &str),
    mail: &MailSettings,
    vars: &Vars,
    now_ms: i64,
) -> Result<(i64, MessageStatus)> {
    let (address, missing) = recipient;
    let t = template(conn, event, mail.lang).await?;
    let (subject, body, status, error) = match (
        notify::render(&t.subject, vars),
        notify::render(&t.body, vars),
    ) {
        (Ok(s), Ok(b)) if address.is_empty() => {
            (s, b, MessageStatus::Skipped, Some(missing.to_string()))
        }
        (Ok(s), Ok(b)) => (s, b, MessageStatus::Queued, None),
        (Err(e), _) | (_, Err(e)) => (
            t.subject.clone(),
            t.body.clone(),
            MessageStatus::GivenUp,
            Some(format!("the template cannot be filled in: {e}")),
        ),
    };
    let message_id = new_message_id(order_id, event, now_ms, &mail.from_address);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO outbox (message_id, order_id, event, recipient, lang, subject, body, \
         created_at, status, attempts, next_attempt_at, last_error) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $8, $10) RETURNING id",
    )
    .bind(&message_id)
    .bind(order_id)
    .bind(event)
    .bind(address)
    .bind(mail.lang.as_str())
    .bind(subject)
    .bind(body)
    .bind(now_ms)
    .bind(status)
    .bind(error)
    .fetch_one(&mut *conn)
    .await?;
    Ok((id, status))
}

/// The placeholders' values for an order, and its e-mail address.
pub async fn order_vars(
    conn: &mut AnyConnection,
    order_id: i64,
    lang: Lang,
    after: Option<&serde_json::Value>,
) -> Result<(Vars, String)> {
    let o: OrderVars = sqlx::query_as(
        "SELECT number, customer_name, email, currency, total_minor, carrier, tracking_number \
         FROM orders WHERE id = $1",
    )
    .bind(order_id)
    .fetch_one(&mut *conn)
    .await?;
    let seller: Option<crate::documents::Seller> = settings::get(conn, settings::SELLER).await?;
    let seller = seller.unwrap_or_default();
    let carrier = o.carrier.clone().unwrap_or_default();
    let tracking = o.tracking_number.clone().unwrap_or_default();
    let expected = after
        .and_then(|a| a.get("expected_on"))
        .and_then(|d| d.as_str())
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .map(|d| crate::documents::date(d, lang))
        .unwrap_or_default();
    let vars = Vars {
        total: crate::documents::money(o.total_minor, &o.currency, lang),
        tracking_link: tracking_link(conn, &carrier, &tracking).await?,
        number: o.number,
        customer: o.customer_name,
        carrier,
        tracking,
        expected_date: expected,
        store: seller.name,
        store_phone: seller.phone,
    };
    Ok((vars, o.email.trim().to_string()))
}

/// A Message-ID unique to this message: the order, the event, the time and
/// a random part, at the shop's mail domain.
fn new_message_id(order_id: i64, event: NotifyEvent, now_ms: i64, from: &str) -> String {
    let domain = from
        .rsplit_once('@')
        .map(|(_, d)| d.trim())
        .filter(|d| !d.is_empty())
        .unwrap_or("packbench.invalid");
    let random: u64 = rand::random();
    format!(
        "<pb.{order_id}.{}.{now_ms}.{random:016x}@{domain}>",
        event.as_str()
    )
}

/// Takes the next message due for sending, holding it for [`LEASE_MS`]:
/// queued or failed ones whose time has come, and ones whose sender's lease
/// ran out. `None` when nothing is due.
pub async fn claim_next(conn: &mut AnyConnection, now_ms: i64) -> Result<Option<OutboxMessage>> {
    loop {
        let id: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM outbox WHERE status IN ('queued', 'failed', 'sending') \
             AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT 1",
        )
        .bind(now_ms)
        .fetch_optional(&mut *conn)
        .await?;
        let Some(id) = id else { return Ok(None) };
        // Another sender (another station) may take it first: only one
        // update of the row from its due state wins.
        let won = sqlx::query(
            "UPDATE outbox SET status = 'sending', attempts = attempts + 1, next_attempt_at = $1 \
             WHERE id = $2 AND status IN ('queued', 'failed', 'sending') AND next_attempt_at <= $3",
        )
        .bind(now_ms + LEASE_MS)
        .bind(id)
        .bind(now_ms)
        .execute(&mut *conn)
        .await?
        .rows_affected()
            == 1;
        if won {
            return Ok(Some(by_id(conn, id).await?));
        }
    }
}

pub async fn by_id(conn: &mut AnyConnection, id: i64) -> Result<OutboxMessage> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM outbox m LEFT JOIN orders o ON o.id = m.order_id WHERE m.id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| Error::not_found("message", id.to_string()))
}

pub async fn mark_sent(conn: &mut AnyConnection, id: i64, now_ms: i64) -> Result<()> {
    sqlx::query("UPDATE outbox SET status = 'sent', sent_at = $1, last_error = NULL WHERE id = $2")
        .bind(now_ms)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Backoff after `attempts` failures: 1, 5, 15, 30 minutes, then hourly,
/// then every 6 hours.
pub fn retry_after_ms(attempts: i64) -> i64 {
    let minutes = match attempts {
        ..=1 => 1,
        2 => 5,
        3 => 15,
        4 => 30,
        5..=7 => 60,
        _ => 360,
    };
    minutes * 60_000
}

/// Records a failed attempt with the server's words: tried again later, or
/// given up when the server refused it for good or it failed too often.
pub async fn mark_failed(
    conn: &mut AnyConnection,
    m: &OutboxMessage,
    error: &str,
    permanent: bool,
    now_ms: i64,
) -> Result<MessageStatus> {
    let status = if permanent || m.attempts >= MAX_ATTEMPTS {
        MessageStatus::GivenUp
    } else {
        MessageStatus::Failed
    };
    sqlx::query(
        "UPDATE outbox SET status = $1, last_error = $2, next_attempt_at = $3 WHERE id = $4",
    )
    .bind(status)
    .bind(error)
    .bind(now_ms + retry_after_ms(m.attempts))
    .bind(m.id)
    .execute(&mut *conn)
    .await?;
    Ok(status)
}

/// Sends a failed or given-up message again now (a person decided so).
pub async fn retry_now(conn: &mut AnyConnection, id: i64, now_ms: i64) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE outbox SET status = 'queued', next_attempt_at = $1 \
         WHERE id = $2 AND status IN ('failed', 'given_up')",
    )
    .bind(now_ms)
    .bind(id)
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1)
}

/// Messages newest first, optionally only in one state or of one order.
pub async fn list(
    conn: &mut AnyConnection,
    status: Option<MessageStatus>,
    order_number: Option<&str>,
    limit: i64,
) -> Result<Vec<OutboxMessage>> {
    let mut conditions = Vec::new();
    if status.is_some() {
        conditions.push("m.status = $1".to_string());
    }
    if order_number.is_some() {
        conditions.push(format!("o.number = ${}", conditions.len() + 1));
    }
    let filter = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let sql = format!(
        "SELECT {COLUMNS} FROM outbox m LEFT JOIN orders o ON o.id = m.order_id {filter} \
         ORDER BY m.id DESC LIMIT {}",
        limit.clamp(1, 10_000)
    );
    let mut q = sqlx::query_as(&sql);
    if let Some(s) = status {
        q = q.bind(s);
    }
    if let Some(n) = order_number {
        q = q.bind(n);
    }
    Ok(q.fetch_all(&mut *conn).await?)
}

/// A carrier the store works with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, sqlx::FromRow)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Carrier {
    pub code: String,
    pub name: String,
    /// The customer's tracking link; `{tracking}` is replaced by the number.
    pub tracking_url: String,
    /// A regular expression a tracking number must match (empty: any).
    pub tracking_pattern: String,
    #[sqlx(try_from = "crate::store::codec::Flag")]
    pub active: bool,
}

/// The carriers Packbench knows, most used first in Russian shops; the
/// store's own come after them (by name), pickup last.
const USUAL: [&str; 8] = [
    "cdek",
    "russian_post",
    "boxberry",
    "dpd",
    "yandex",
    "dellin",
    "dhl",
    "ups",
];

pub async fn carriers(conn: &mut AnyConnection) -> Result<Vec<Carrier>> {
    let mut all: Vec<Carrier> = sqlx::query_as(
        "SELECT code, name, tracking_url, tracking_pattern, active FROM carriers ORDER BY name",
    )
    .fetch_all(&mut *conn)
    .await?;
    let rank = |c: &Carrier| match USUAL.iter().position(|u| *u == c.code) {
        Some(i) => i,
        None if c.code == "pickup" => usize::MAX,
        None => USUAL.len(),
    };
    all.sort_by_key(rank);
    Ok(all)
}

pub async fn save_carrier(conn: &mut AnyConnection, c: &Carrier) -> Result<()> {
    sqlx::query("DELETE FROM carriers WHERE code = $1")
        .bind(&c.code)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO carriers (code, name, tracking_url, tracking_pattern, active) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&c.code)
    .bind(&c.name)
    .bind(&c.tracking_url)
    .bind(&c.tracking_pattern)
    .bind(i64::from(c.active))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

// Dropshipping (issue 15 item 4): messages to a supplier, with files.

/// A file that goes with an outbox message.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Attachment {
    pub file_name: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// Queues `event`'s message about an order to `recipient` (a supplier, not
/// the order's customer), in the caller's transaction, with its files. The
/// template is the store's for the event, filled in with the order's
/// values. Returns the message's id and state: `skipped` without an
/// address, `given_up` when the template does not fill in.
pub async fn queue_to(
    conn: &mut AnyConnection,
    order_id: i64,
    event: NotifyEvent,
    recipient: &str,
    files: &[Attachment],
    now_ms: i64,
) -> Result<(i64, MessageStatus)> {
    let mail = mail_settings(conn).await?;
    let (vars, _) = order_vars(conn, order_id, mail.lang, None).await?;
    let (id, status) = insert_message(
        conn,
        order_id,
        event,
        (recipient.trim(), "the supplier has no e-mail address"),
        &mail,
        &vars,
        now_ms,
    )
    .await?;
    for f in files {
        sqlx::query(
            "INSERT INTO outbox_attachments (outbox_id, file_name, content_type, content) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(&f.file_name)
        .bind(&f.content_type)
        .bind(&f.content)
        .execute(&mut *conn)
        .await?;
    }
    Ok((id, status))
}

/// The files of a message, in the order they were added.
pub async fn attachments(conn: &mut AnyConnection, outbox_id: i64) -> Result<Vec<Attachment>> {
    Ok(sqlx::query_as(
        "SELECT file_name, content_type, content FROM outbox_attachments \
         WHERE outbox_id = $1 ORDER BY id",
    )
    .bind(outbox_id)
    .fetch_all(&mut *conn)
    .await?)
}
