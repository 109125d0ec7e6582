//! Users, their failed log-ins and their API tokens. Secrets are stored
//! only as hashes (argon2id for PINs and passwords, SHA-256 for badges and
//! tokens, which are long and random); hashing happens in ops.

use super::codec::{Flag, NameList, RoleList, SecretKindText};
use crate::domain::access::SecretKind;
use crate::domain::time::Millis;
use crate::domain::Role;
use crate::Result;
use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

/// A user as stored, secrets as hashes.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub login: String,
    pub name: String,
    #[sqlx(try_from = "RoleList")]
    pub roles: Vec<Role>,
    #[sqlx(try_from = "NameList")]
    pub channels: Vec<String>,
    #[sqlx(try_from = "Flag")]
    pub active: bool,
    #[sqlx(try_from = "SecretKindText")]
    pub secret_kind: SecretKind,
    pub secret_hash: String,
    pub badge_hash: Option<String>,
    #[sqlx(try_from = "Millis")]
    pub created_at: DateTime<Utc>,
    #[sqlx(try_from = "Millis")]
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, login, name, roles, channels, active, secret_kind, secret_hash, \
                       badge_hash, created_at, updated_at";

pub async fn count(conn: &mut AnyConnection) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&mut *conn)
        .await?)
}

pub async fn list(conn: &mut AnyConnection) -> Result<Vec<UserRow>> {
    Ok(
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM users ORDER BY name, id"))
            .fetch_all(&mut *conn)
            .await?,
    )
}

pub async fn by_login(conn: &mut AnyConnection, login: &str) -> Result<Option<UserRow>> {
    Ok(
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM users WHERE login = $1"))
            .bind(login)
            .fetch_optional(&mut *conn)
            .await?,
    )
}

pub async fn by_id(conn: &mut AnyConnection, id: i64) -> Result<Option<UserRow>> {
    Ok(
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM users WHERE id = $1"))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?,
    )
}

pub async fn by_badge(conn: &mut AnyConnection, badge_hash: &str) -> Result<Option<UserRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM users WHERE badge_hash = $1"
    ))
    .bind(badge_hash)
    .fetch_optional(&mut *conn)
    .await?)
}

/// What a new or changed user row holds.
pub struct UserWrite<'a> {
    pub login: &'a str,
    pub name: &'a str,
    pub roles: &'a [Role],
    pub channels: &'a [String],
    pub active: bool,
    pub secret: Option<(SecretKind, &'a str)>,
    /// `Some(None)` removes the badge; `None` keeps it.
    pub badge_hash: Option<Option<&'a str>>,
}

pub async fn insert(conn: &mut AnyConnection, user: &UserWrite<'_>, now: i64) -> Result<i64> {
    let (kind, hash) = user
        .secret
        .ok_or_else(|| crate::Error::Invalid("a new user needs a PIN or a password".into()))?;
    Ok(sqlx::query_scalar(
        "INSERT INTO users (login, name, roles, channels, active, secret_kind, secret_hash, \
         badge_hash, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) \
         RETURNING id",
    )
    .bind(user.login)
    .bind(user.name)
    .bind(RoleList::encode(user.roles))
    .bind(user.channels.join(","))
    .bind(i64::from(user.active))
    .bind(kind.as_str())
    .bind(hash)
    .bind(user.badge_hash.flatten())
    .bind(now)
    .fetch_one(&mut *conn)
    .await?)
}

pub async fn update(
    conn: &mut AnyConnection,
    id: i64,
    user: &UserWrite<'_>,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE users SET name = $1, roles = $2, channels = $3, active = $4, updated_at = $5 \
         WHERE id = $6",
    )
    .bind(user.name)
    .bind(RoleList::encode(user.roles))
    .bind(user.channels.join(","))
    .bind(i64::from(user.active))
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    if let Some((kind, hash)) = user.secret {
        sqlx::query("UPDATE users SET secret_kind = $1, secret_hash = $2 WHERE id = $3")
            .bind(kind.as_str())
            .bind(hash)
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    if let Some(badge) = user.badge_hash {
        sqlx::query("UPDATE users SET badge_hash = $1 WHERE id = $2")
            .bind(badge)
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Failed attempts so far and the lock's end (ms), for a typed login.
pub async fn failures(conn: &mut AnyConnection, login: &str) -> Result<(i64, Option<i64>)> {
    let row: Option<(i64, Option<i64>)> =
        sqlx::query_as("SELECT failures, locked_until FROM login_failures WHERE login = $1")
            .bind(login)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(row.unwrap_or((0, None)))
}

pub async fn set_failures(
    conn: &mut AnyConnection,
    login: &str,
    failures: i64,
    locked_until: Option<i64>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO login_failures (login, failures, locked_until) VALUES ($1, $2, $3) \
         ON CONFLICT (login) DO UPDATE SET failures = $2, locked_until = $3",
    )
    .bind(login)
    .bind(failures)
    .bind(locked_until)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn clear_failures(conn: &mut AnyConnection, login: &str) -> Result<()> {
    sqlx::query("DELETE FROM login_failures WHERE login = $1")
        .bind(login)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// An API token as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TokenRow {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub secret_hash: String,
    pub revoked_at: Option<i64>,
}

pub async fn insert_token(
    conn: &mut AnyConnection,
    user_id: i64,
    name: &str,
    secret_hash: &str,
    now: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO api_tokens (user_id, name, secret_hash, created_at) VALUES ($1, $2, $3, $4) \
         RETURNING id",
    )
    .bind(user_id)
    .bind(name)
    .bind(secret_hash)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?)
}

pub async fn token(conn: &mut AnyConnection, id: i64) -> Result<Option<TokenRow>> {
    Ok(sqlx::query_as(
        "SELECT id, user_id, name, secret_hash, revoked_at FROM api_tokens WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?)
}

pub async fn token_used(conn: &mut AnyConnection, id: i64, now: i64) -> Result<()> {
    sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Revokes the user's token of that id; false when there is none.
pub async fn revoke_token(
    conn: &mut AnyConnection,
    user_id: i64,
    id: i64,
    now: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 \
         AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(id)
    .bind(user_id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
