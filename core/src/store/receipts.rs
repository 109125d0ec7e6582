//! Receipts under 54-ФЗ, per order: the receipt, its lines and payments,
//! and what the register answered (migration 0029).

use crate::domain::receipt::{
    MethodSign, PaymentType, ReceiptDraft, ReceiptKind, ReceiptLine, ReceiptPayment,
    ReceiptPurpose, ReceiptState, SubjectSign, Taxation, VatTag,
};
use crate::domain::time::{MaybeMillis, Millis};
use crate::domain::{Actor, OrderHead};
use crate::Result;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::AnyConnection;

/// A receipt's own row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReceiptRow {
    pub id: i64,
    pub order_id: i64,
    pub number: String,
    pub return_id: Option<i64>,
    pub kind: ReceiptKind,
    pub purpose: ReceiptPurpose,
    pub taxation: Taxation,
    pub contact: String,
    pub currency: String,
    pub total_minor: i64,
    pub state: ReceiptState,
    pub external_id: String,
    pub register: String,
    pub register_uuid: Option<String>,
    pub reason: String,
    #[sqlx(try_from = "Millis")]
    pub prepared_at: DateTime<Utc>,
    pub prepared_by: String,
    pub station: String,
    #[sqlx(try_from = "MaybeMillis")]
    pub sending_since: Option<DateTime<Utc>>,
    #[sqlx(try_from = "MaybeMillis")]
    pub sent_at: Option<DateTime<Utc>>,
    pub fn_number: Option<String>,
    pub fd_number: Option<String>,
    pub fpd: Option<String>,
    pub fiscal_time: Option<String>,
    pub shift_number: Option<String>,
    pub registration_number: Option<String>,
    pub fns_site: Option<String>,
    #[sqlx(try_from = "MaybeMillis")]
    pub fiscalised_at: Option<DateTime<Utc>>,
}

const ROW: &str = "SELECT r.id, r.order_id, o.number, r.return_id, r.kind, r.purpose, r.taxation, \
    r.contact, r.currency, r.total_minor, r.state, r.external_id, r.register, r.register_uuid, \
    r.reason, r.prepared_at, r.prepared_by, r.station, r.sending_since, r.sent_at, r.fn_number, \
    r.fd_number, r.fpd, r.fiscal_time, r.shift_number, r.registration_number, r.fns_site, \
    r.fiscalised_at FROM receipts r JOIN orders o ON o.id = r.order_id";

/// The fiscal attributes a register answers with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FiscalAttributes {
    /// ФН: the fiscal drive's number.
    pub fn_number: String,
    /// ФД: the fiscal document's number.
    pub fd_number: String,
    /// ФПД: the fiscal sign of the document.
    pub fpd: String,
    /// The time printed on the receipt, as the register wrote it.
    pub fiscal_time: String,
    pub shift_number: Option<String>,
    /// The register's registration number (РН ККТ).
    pub registration_number: Option<String>,
    pub fns_site: Option<String>,
}

/// Keeps a receipt as prepared; its id.
pub async fn insert(
    conn: &mut AnyConnection,
    head: &OrderHead,
    return_id: Option<i64>,
    draft: &ReceiptDraft,
    external_id: &str,
    actor: &Actor,
    now_ms: i64,
) -> Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO receipts (order_id, return_id, kind, purpose, taxation, contact, currency, \
         total_minor, state, external_id, prepared_at, prepared_by, station) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'prepared', $9, $10, $11, $12) RETURNING id",
    )
    .bind(head.id)
    .bind(return_id)
    .bind(draft.kind)
    .bind(draft.purpose)
    .bind(draft.taxation)
    .bind(&draft.contact)
    .bind(&head.currency)
    .bind(draft.total_minor())
    .bind(external_id)
    .bind(now_ms)
    .bind(&actor.user)
    .bind(&actor.station)
    .fetch_one(&mut *conn)
    .await?;
    for (i, l) in draft.lines.iter().enumerate() {
        sqlx::query(
            "INSERT INTO receipt_lines (receipt_id, position, order_line_id, name, price_minor, \
             quantity, amount_minor, vat, vat_minor, method, subject, marking_code) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(id)
        .bind(i as i64 + 1)
        .bind(l.order_line_id)
        .bind(&l.name)
        .bind(l.price_minor)
        .bind(l.quantity)
        .bind(l.amount_minor)
        .bind(l.vat)
        .bind(l.vat_minor)
        .bind(l.method)
        .bind(l.subject)
        .bind(l.marking_code.as_deref())
        .execute(&mut *conn)
        .await?;
    }
    for (i, p) in draft.payments.iter().enumerate() {
        sqlx::query(
            "INSERT INTO receipt_payments (receipt_id, position, kind, amount_minor) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(i as i64 + 1)
        .bind(p.kind)
        .bind(p.amount_minor)
        .execute(&mut *conn)
        .await?;
    }
    Ok(id)
}

/// An order's receipts, oldest first.
pub async fn of_order(conn: &mut AnyConnection, order_id: i64) -> Result<Vec<ReceiptRow>> {
    Ok(
        sqlx::query_as(&format!("{ROW} WHERE r.order_id = $1 ORDER BY r.id"))
            .bind(order_id)
            .fetch_all(&mut *conn)
            .await?,
    )
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<ReceiptRow>> {
    Ok(sqlx::query_as(&format!("{ROW} WHERE r.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?)
}

#[derive(sqlx::FromRow)]
struct LineRow {
    order_line_id: Option<i64>,
    name: String,
    price_minor: i64,
    quantity: i64,
    amount_minor: i64,
    vat: VatTag,
    vat_minor: i64,
    method: MethodSign,
    subject: SubjectSign,
    marking_code: Option<String>,
}

/// A receipt's lines, in order.
pub async fn lines(conn: &mut AnyConnection, receipt_id: i64) -> Result<Vec<ReceiptLine>> {
    let rows: Vec<LineRow> = sqlx::query_as(
        "SELECT order_line_id, name, price_minor, quantity, amount_minor, vat, vat_minor, method, \
         subject, marking_code FROM receipt_lines WHERE receipt_id = $1 ORDER BY position",
    )
    .bind(receipt_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ReceiptLine {
            name: r.name,
            price_minor: r.price_minor,
            quantity: r.quantity,
            amount_minor: r.amount_minor,
            vat: r.vat,
            vat_minor: r.vat_minor,
            method: r.method,
            subject: r.subject,
            marking_code: r.marking_code,
            order_line_id: r.order_line_id,
        })
        .collect())
}

/// A receipt's payments, in order.
pub async fn payments(conn: &mut AnyConnection, receipt_id: i64) -> Result<Vec<ReceiptPayment>> {
    let rows: Vec<(PaymentType, i64)> = sqlx::query_as(
        "SELECT kind, amount_minor FROM receipt_payments WHERE receipt_id = $1 ORDER BY position",
    )
    .bind(receipt_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(kind, amount_minor)| ReceiptPayment { kind, amount_minor })
        .collect())
}

/// Takes a receipt for sending: prepared, failed or sent (to ask again)
/// ones, or one a sender left `sending` before `stale_before_ms` (a crash:
/// sending again is safe, the register knows the external id). False when
/// another station has it now or it is fiscal already.
pub async fn begin_send(
    conn: &mut AnyConnection,
    id: i64,
    now_ms: i64,
    stale_before_ms: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE receipts SET state = 'sending', sending_since = $1 WHERE id = $2 AND \
         (state IN ('prepared', 'failed', 'sent') OR (state = 'sending' AND sending_since < $3))",
    )
    .bind(now_ms)
    .bind(id)
    .bind(stale_before_ms)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// What became of a send: the receipt's state after it.
pub enum Outcome<'a> {
    /// No register is connected: prepared still, with why it is not fiscal.
    NotFiscal { register: &'a str, reason: &'a str },
    /// The register took it; its answer is still to come.
    Sent { register: &'a str, uuid: &'a str },
    Fiscalised {
        register: &'a str,
        uuid: Option<&'a str>,
        attributes: &'a FiscalAttributes,
    },
    Failed {
        register: &'a str,
        uuid: Option<&'a str>,
        reason: &'a str,
    },
}

/// Writes a send's outcome on a receipt being sent.
pub async fn finish_send(
    conn: &mut AnyConnection,
    id: i64,
    outcome: &Outcome<'_>,
    now_ms: i64,
) -> Result<()> {
    let q = match outcome {
        Outcome::NotFiscal { register, reason } => sqlx::query(
            "UPDATE receipts SET state = 'prepared', sending_since = NULL, register = $1, \
             reason = $2 WHERE id = $3",
        )
        .bind(*register)
        .bind(*reason)
        .bind(id),
        Outcome::Sent { register, uuid } => sqlx::query(
            "UPDATE receipts SET state = 'sent', sending_since = NULL, register = $1, \
             register_uuid = $2, reason = '', sent_at = COALESCE(sent_at, $3) WHERE id = $4",
        )
        .bind(*register)
        .bind(*uuid)
        .bind(now_ms)
        .bind(id),
        Outcome::Fiscalised {
            register,
            uuid,
            attributes: a,
        } => sqlx::query(
            "UPDATE receipts SET state = 'fiscalised', sending_since = NULL, register = $1, \
             register_uuid = COALESCE($2, register_uuid), reason = '', \
             sent_at = COALESCE(sent_at, $3), fn_number = $4, fd_number = $5, fpd = $6, \
             fiscal_time = $7, shift_number = $8, registration_number = $9, fns_site = $10, \
             fiscalised_at = $11 WHERE id = $12",
        )
        .bind(*register)
        .bind(*uuid)
        .bind(now_ms)
        .bind(&a.fn_number)
        .bind(&a.fd_number)
        .bind(&a.fpd)
        .bind(&a.fiscal_time)
        .bind(a.shift_number.as_deref())
        .bind(a.registration_number.as_deref())
        .bind(a.fns_site.as_deref())
        .bind(now_ms)
        .bind(id),
        Outcome::Failed {
            register,
            uuid,
            reason,
        } => sqlx::query(
            "UPDATE receipts SET state = 'failed', sending_since = NULL, register = $1, \
             register_uuid = COALESCE($2, register_uuid), reason = $3 WHERE id = $4",
        )
        .bind(*register)
        .bind(*uuid)
        .bind(*reason)
        .bind(id),
    };
    q.execute(&mut *conn).await?;
    Ok(())
}

/// Receipts a sender should take up (not fiscal yet), oldest first; of one
/// order, or of all.
pub async fn waiting(conn: &mut AnyConnection, order_id: Option<i64>) -> Result<Vec<i64>> {
    const NOT_FISCAL: &str = "state IN ('prepared', 'sending', 'sent', 'failed')";
    Ok(match order_id {
        Some(order) => {
            sqlx::query_scalar(&format!(
                "SELECT id FROM receipts WHERE {NOT_FISCAL} AND order_id = $1 ORDER BY id"
            ))
            .bind(order)
            .fetch_all(&mut *conn)
            .await?
        }
        None => {
            sqlx::query_scalar(&format!(
                "SELECT id FROM receipts WHERE {NOT_FISCAL} ORDER BY id"
            ))
            .fetch_all(&mut *conn)
            .await?
        }
    })
}

/// The order's lines whose products are marked goods (Честный ЗНАК).
pub async fn marked_lines(conn: &mut AnyConnection, order_id: i64) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT l.id FROM order_lines l JOIN products p ON p.id = l.product_id \
         WHERE l.order_id = $1 AND p.marked = 1 ORDER BY l.id",
    )
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// What a return brought back: (order line, units, marking code).
pub async fn returned(
    conn: &mut AnyConnection,
    return_id: i64,
) -> Result<Vec<(i64, i64, Option<String>)>> {
    Ok(sqlx::query_as(
        "SELECT line_id, units, marking_code FROM return_lines WHERE return_id = $1 ORDER BY id",
    )
    .bind(return_id)
    .fetch_all(&mut *conn)
    .await?)
}
