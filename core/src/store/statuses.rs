//! The order lifecycle as the store keeps it: its statuses (the standard
//! stages with the store's names, and the store's own inside them) with
//! their time limits, and the transition matrix.

use crate::domain::lifecycle::{NewStatus, StatusDef};
use crate::domain::{OrderStatus, TransitionMatrix};
use crate::{Error, Result};
use serde::Serialize;
use sqlx::AnyConnection;

/// The transition matrix as the database holds it now (the store may have
/// restricted it), read inside the caller's transaction. A status the code
/// does not know is an error naming it, not a pair left out.
pub async fn transition_matrix(conn: &mut AnyConnection) -> Result<TransitionMatrix> {
    let pairs: Vec<(OrderStatus, OrderStatus)> =
        sqlx::query_as("SELECT from_status, to_status FROM status_transitions")
            .fetch_all(&mut *conn)
            .await?;
    Ok(TransitionMatrix::from_pairs(pairs))
}

#[derive(sqlx::FromRow)]
struct StatusRow {
    code: String,
    stage: OrderStatus,
    position: i64,
    label_en: String,
    label_ru: String,
    max_minutes: Option<i64>,
}

impl From<StatusRow> for StatusDef {
    fn from(r: StatusRow) -> Self {
        StatusDef {
            standard: r.code == r.stage.as_str(),
            code: r.code,
            stage: r.stage,
            position: r.position,
            label_en: r.label_en,
            label_ru: r.label_ru,
            max_minutes: r.max_minutes,
        }
    }
}

/// Every status, the stages and the store's own.
pub async fn all(conn: &mut AnyConnection) -> Result<Vec<StatusDef>> {
    let rows: Vec<StatusRow> = sqlx::query_as(
        "SELECT code, stage, position, label_en, label_ru, max_minutes FROM statuses \
         ORDER BY position, code",
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(StatusDef::from).collect())
}

/// One status by its code.
pub async fn get(conn: &mut AnyConnection, code: &str) -> Result<StatusDef> {
    let row: Option<StatusRow> = sqlx::query_as(
        "SELECT code, stage, position, label_en, label_ru, max_minutes FROM statuses WHERE code = $1",
    )
    .bind(code.trim())
    .fetch_optional(&mut *conn)
    .await?;
    row.map(StatusDef::from)
        .ok_or_else(|| Error::not_found("status", code.trim()))
}

pub async fn rename(conn: &mut AnyConnection, code: &str, en: &str, ru: &str) -> Result<()> {
    sqlx::query("UPDATE statuses SET label_en = $1, label_ru = $2 WHERE code = $3")
        .bind(en)
        .bind(ru)
        .bind(code)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn set_limit(conn: &mut AnyConnection, code: &str, minutes: Option<i64>) -> Result<()> {
    sqlx::query("UPDATE statuses SET max_minutes = $1 WHERE code = $2")
        .bind(minutes)
        .bind(code)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Adds the store's own status after the others; false when the code is
/// taken.
pub async fn insert(conn: &mut AnyConnection, s: &NewStatus) -> Result<bool> {
    let taken: Option<i64> = sqlx::query_scalar("SELECT 1 FROM statuses WHERE code = $1")
        .bind(&s.code)
        .fetch_optional(&mut *conn)
        .await?;
    if taken.is_some() {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO statuses (code, stage, position, label_en, label_ru, max_minutes) \
         VALUES ($1, $2, (SELECT COALESCE(MAX(position), 0) + 1 FROM statuses), $3, $4, $5)",
    )
    .bind(&s.code)
    .bind(s.stage)
    .bind(&s.label_en)
    .bind(&s.label_ru)
    .bind(s.max_minutes)
    .execute(&mut *conn)
    .await?;
    Ok(true)
}

/// How many orders are in the store's own status `code`.
pub async fn orders_in(conn: &mut AnyConnection, code: &str) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM orders WHERE sub_status = $1")
            .bind(code)
            .fetch_one(&mut *conn)
            .await?,
    )
}

pub async fn delete(conn: &mut AnyConnection, code: &str) -> Result<()> {
    sqlx::query("DELETE FROM statuses WHERE code = $1 AND code <> stage")
        .bind(code)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Allows or forbids `from -> to` in the matrix.
pub async fn set_transition(
    conn: &mut AnyConnection,
    from: OrderStatus,
    to: OrderStatus,
    allowed: bool,
) -> Result<()> {
    if allowed {
        let there: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM status_transitions WHERE from_status = $1 AND to_status = $2",
        )
        .bind(from)
        .bind(to)
        .fetch_optional(&mut *conn)
        .await?;
        if there.is_none() {
            sqlx::query("INSERT INTO status_transitions (from_status, to_status) VALUES ($1, $2)")
                .bind(from)
                .bind(to)
                .execute(&mut *conn)
                .await?;
        }
    } else {
        sqlx::query("DELETE FROM status_transitions WHERE from_status = $1 AND to_status = $2")
            .bind(from)
            .bind(to)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Puts the order in the store's own status (or back in the bare stage),
/// if it is still in `stage`; the step's own clock starts, the stage's
/// keeps running. False when another station moved it first.
pub async fn set_sub_status(
    conn: &mut AnyConnection,
    order_id: i64,
    stage: OrderStatus,
    sub: Option<&str>,
    now_ms: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE orders SET sub_status = $1, sub_status_since = $2, updated_at = $2 \
         WHERE id = $3 AND status = $4",
    )
    .bind(sub)
    .bind(now_ms)
    .bind(order_id)
    .bind(stage)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StatusCount {
    pub status: OrderStatus,
    pub count: i64,
    /// Orders that stayed in this status (or their sub-stage) longer than
    /// its limit.
    pub overdue: i64,
}

/// Orders per stage, and how many of them are overdue at `now_ms`: past
/// the stage's limit since they entered the stage, or past their step's
/// limit since they entered the step; every stage is listed, also with no
/// orders. Counted as the dashboard counts them (from the hourly order
/// counts, and the overdue ones from the stages that have a limit): a
/// correlated count per stage took 1.28 s on PostgreSQL at a million
/// orders.
pub async fn counts(conn: &mut AnyConnection, now_ms: i64) -> Result<Vec<StatusCount>> {
    super::dashboard::status_counts(conn, now_ms, None).await
}
