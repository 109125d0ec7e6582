//! Customers a manager enters or finds for a phone order.

use crate::domain::customer::{phone_key, Customer, CustomerInput};
use crate::domain::search::words;
use crate::{Error, Result};
use sqlx::AnyConnection;

const COLUMNS: &str = "id, name, phone, email, address";

pub async fn by_id(conn: &mut AnyConnection, id: i64) -> Result<Customer> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM customers WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| Error::not_found("customer", id.to_string()))
}

/// The customer with this phone (however written) or, without a phone,
/// this e-mail.
pub async fn by_contact(conn: &mut AnyConnection, c: &CustomerInput) -> Result<Option<Customer>> {
    let key = phone_key(&c.phone);
    if !key.is_empty() {
        return Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM customers WHERE phone_key = $1 ORDER BY id LIMIT 1"
        ))
        .bind(key)
        .fetch_optional(&mut *conn)
        .await?);
    }
    if !c.email.is_empty() {
        return Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM customers WHERE LOWER(email) = LOWER($1) ORDER BY id LIMIT 1"
        ))
        .bind(&c.email)
        .fetch_optional(&mut *conn)
        .await?);
    }
    Ok(None)
}

pub async fn insert(conn: &mut AnyConnection, c: &CustomerInput, now_ms: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO customers (name, phone, phone_key, email, address, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(&c.name)
    .bind(&c.phone)
    .bind(phone_key(&c.phone))
    .bind(&c.email)
    .bind(&c.address)
    .bind(now_ms)
    .fetch_one(&mut *conn)
    .await?)
}

pub async fn update(
    conn: &mut AnyConnection,
    id: i64,
    c: &CustomerInput,
    now_ms: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE customers SET name = $1, phone = $2, phone_key = $3, email = $4, address = $5, \
         updated_at = $6 WHERE id = $7",
    )
    .bind(&c.name)
    .bind(&c.phone)
    .bind(phone_key(&c.phone))
    .bind(&c.email)
    .bind(&c.address)
    .bind(now_ms)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Customers whose phone digits, e-mail or name match what the manager
/// typed, newest first: digits find by phone (any formatting), text by the
/// start of the e-mail or of every word of the name.
pub async fn find(conn: &mut AnyConnection, query: &str, limit: i64) -> Result<Vec<Customer>> {
    let query = query.trim();
    if query.is_empty() {
        return Ok(Vec::new());
    }
    let key = phone_key(query);
    let digits_only = query
        .chars()
        .all(|c| c.is_ascii_digit() || " +-()".contains(c));
    if digits_only && key.len() >= 3 {
        return Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM customers WHERE phone_key LIKE $1 ORDER BY id DESC LIMIT {limit}"
        ))
        .bind(format!("%{key}%"))
        .fetch_all(&mut *conn)
        .await?);
    }
    if query.contains('@') {
        return Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM customers WHERE LOWER(email) LIKE $1 ORDER BY id DESC LIMIT {limit}"
        ))
        .bind(format!("{}%", query.to_lowercase()))
        .fetch_all(&mut *conn)
        .await?);
    }
    // Every word must start a word of the name (case-folded here: SQLite's
    // LOWER knows only ASCII).
    let wanted = words(query);
    let rows: Vec<Customer> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM customers ORDER BY id DESC LIMIT 5000"
    ))
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .filter(|c| {
            let have = words(&c.name);
            wanted
                .iter()
                .all(|w| have.iter().any(|h| h.starts_with(w.as_str())))
        })
        .take(limit.max(0) as usize)
        .collect())
}
