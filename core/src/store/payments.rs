//! The payment ledger of an order: payments and refunds, append-only.

use crate::domain::payment::{Paid, PaymentKind};
use crate::domain::time::Millis;
use crate::domain::Actor;
use crate::Result;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::AnyConnection;

/// One entry of the ledger, as the order screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PaymentEntry {
    pub id: i64,
    pub kind: PaymentKind,
    pub amount_minor: i64,
    pub currency: String,
    pub method: String,
    pub note: String,
    #[sqlx(try_from = "Millis")]
    pub at: DateTime<Utc>,
    #[sqlx(rename = "user_name")]
    pub user: String,
    pub station: String,
}

/// A new ledger entry.
pub struct NewEntry<'a> {
    pub order_id: i64,
    pub kind: PaymentKind,
    pub amount_minor: i64,
    pub currency: &'a str,
    pub method: &'a str,
    pub note: &'a str,
    pub at_ms: i64,
}

pub async fn insert(conn: &mut AnyConnection, e: &NewEntry<'_>, actor: &Actor) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO payments (order_id, kind, amount_minor, currency, method, note, at, user_name, station) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(e.order_id)
    .bind(e.kind)
    .bind(e.amount_minor)
    .bind(e.currency)
    .bind(e.method)
    .bind(e.note)
    .bind(e.at_ms)
    .bind(&actor.user)
    .bind(&actor.station)
    .fetch_one(&mut *conn)
    .await?)
}

/// Many ledger entries in a few statements (an import's chunk).
pub async fn insert_many(
    conn: &mut AnyConnection,
    entries: &[NewEntry<'_>],
    actor: &Actor,
) -> Result<()> {
    use sqlx::Arguments;
    const VALUES: usize = 9;
    for part in entries.chunks(super::rows_per_statement(VALUES)) {
        let mut args = sqlx::any::AnyArguments::default();
        for e in part {
            (|| {
                args.add(e.order_id)?;
                args.add(e.kind)?;
                args.add(e.amount_minor)?;
                args.add(e.currency.to_string())?;
                args.add(e.method.to_string())?;
                args.add(e.note.to_string())?;
                args.add(e.at_ms)?;
                args.add(actor.user.clone())?;
                args.add(actor.station.clone())
            })()
            .map_err(sqlx::Error::Encode)?;
        }
        let sql = format!(
            "INSERT INTO payments (order_id, kind, amount_minor, currency, method, note, at, user_name, station) \
             VALUES {}",
            super::value_rows(conn, part.len(), VALUES)
        );
        sqlx::query_with(&sql, args).execute(&mut *conn).await?;
    }
    Ok(())
}

/// The order's ledger, oldest first.
pub async fn of_order(conn: &mut AnyConnection, order_id: i64) -> Result<Vec<PaymentEntry>> {
    Ok(sqlx::query_as(
        "SELECT id, kind, amount_minor, currency, method, note, at, user_name, station \
         FROM payments WHERE order_id = $1 ORDER BY id",
    )
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// What the ledger entries add up to.
pub fn sum(entries: &[PaymentEntry]) -> Paid {
    entries.iter().fold(Paid::default(), |mut p, e| {
        match e.kind {
            PaymentKind::Payment => p.paid_minor += e.amount_minor,
            PaymentKind::Refund => p.refunded_minor += e.amount_minor,
        }
        p
    })
}
