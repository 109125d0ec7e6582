//! Settings the whole store shares (kept in the database, not per station):
//! values as JSON under a key.

use super::bad_stored;
use crate::Result;
use serde::de::DeserializeOwned;
use serde::Serialize;
use sqlx::AnyConnection;

/// The key of the seller's details (documents, customer messages).
pub const SELLER: &str = "seller";

/// The value kept under `key`, or `None` when nothing was ever set. A value
/// that does not read back as `T` is an error naming the key.
pub async fn get<T: DeserializeOwned>(conn: &mut AnyConnection, key: &str) -> Result<Option<T>> {
    let text: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
        .bind(key)
        .fetch_optional(&mut *conn)
        .await?;
    text.map(|t| {
        serde_json::from_str(&t).map_err(|e| {
            bad_stored(
                "settings.value",
                format!("the setting {key:?} cannot be read ({e})"),
            )
        })
    })
    .transpose()
}

/// Keeps `value` under `key`, replacing what was there.
pub async fn put<T: Serialize>(conn: &mut AnyConnection, key: &str, value: &T) -> Result<()> {
    let text = serde_json::to_string(value)
        .map_err(|e| crate::Error::Invalid(format!("the setting {key:?} cannot be kept: {e}")))?;
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES ($1, $2) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key)
    .bind(text)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Keeps `value` under `key` unless something is there already.
pub async fn put_if_absent<T: Serialize>(
    conn: &mut AnyConnection,
    key: &str,
    value: &T,
) -> Result<()> {
    let text = serde_json::to_string(value)
        .map_err(|e| crate::Error::Invalid(format!("the setting {key:?} cannot be kept: {e}")))?;
    sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
        .bind(key)
        .bind(text)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
