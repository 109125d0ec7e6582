//! Service notes on an order: internal, with author and time, pinnable.

use crate::domain::time::Millis;
use crate::domain::Actor;
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::AnyConnection;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Note {
    pub id: i64,
    pub text: String,
    #[sqlx(try_from = "super::codec::Flag")]
    pub pinned: bool,
    #[sqlx(try_from = "Millis")]
    pub at: DateTime<Utc>,
    #[sqlx(rename = "user_name")]
    pub user: String,
    pub station: String,
}

pub async fn insert(
    conn: &mut AnyConnection,
    order_id: i64,
    text: &str,
    pinned: bool,
    actor: &Actor,
    at_ms: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO order_notes (order_id, text, pinned, at, user_name, station) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(order_id)
    .bind(text)
    .bind(i64::from(pinned))
    .bind(at_ms)
    .bind(&actor.user)
    .bind(&actor.station)
    .fetch_one(&mut *conn)
    .await?)
}

/// Pins or unpins a note of the order; not found when it is not the order's.
pub async fn set_pinned(
    conn: &mut AnyConnection,
    order_id: i64,
    note_id: i64,
    pinned: bool,
) -> Result<Note> {
    let done = sqlx::query("UPDATE order_notes SET pinned = $1 WHERE id = $2 AND order_id = $3")
        .bind(i64::from(pinned))
        .bind(note_id)
        .bind(order_id)
        .execute(&mut *conn)
        .await?;
    if done.rows_affected() != 1 {
        return Err(Error::not_found("note", note_id.to_string()));
    }
    sqlx::query_as("SELECT id, text, pinned, at, user_name, station FROM order_notes WHERE id = $1")
        .bind(note_id)
        .fetch_one(&mut *conn)
        .await
        .map_err(Into::into)
}

/// The order's notes: pinned ones first, then newest first.
pub async fn of_order(conn: &mut AnyConnection, order_id: i64) -> Result<Vec<Note>> {
    Ok(sqlx::query_as(
        "SELECT id, text, pinned, at, user_name, station FROM order_notes \
         WHERE order_id = $1 ORDER BY pinned DESC, id DESC",
    )
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// Pinned notes of several orders (a pick list prints them): (order
/// number, text), in the orders' order, oldest note first.
pub async fn pinned_of(
    conn: &mut AnyConnection,
    numbers: &[String],
) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for number in numbers {
        let texts: Vec<String> = sqlx::query_scalar(
            "SELECT n.text FROM order_notes n JOIN orders o ON o.id = n.order_id \
             WHERE o.number = $1 AND n.pinned = 1 ORDER BY n.id",
        )
        .bind(number)
        .fetch_all(&mut *conn)
        .await?;
        out.extend(texts.into_iter().map(|t| (number.clone(), t)));
    }
    Ok(out)
}
