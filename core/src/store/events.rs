//! The event history: every state change writes a row here in the same
//! transaction as the change. The change feed reads it (and the scan
//! ledger) to tell other screens and stations what changed.

use super::codec::JsonText;
use crate::domain::time::Millis;
use crate::domain::{Actor, EventKind};
use crate::Result;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::AnyConnection;

/// Appends an event row: who, where, what, before and after.
pub async fn record(
    conn: &mut AnyConnection,
    order_id: Option<i64>,
    at_ms: i64,
    actor: &Actor,
    kind: EventKind,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO events (order_id, at, user_name, station, kind, before_state, after_state, \
         approved_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(order_id)
    .bind(at_ms)
    .bind(&actor.user)
    .bind(&actor.station)
    .bind(kind)
    .bind(before.map(|v| v.to_string()))
    .bind(after.as_ref().map(|v| v.to_string()))
    .bind(actor.approver().map(|a| a.name().to_string()))
    .execute(&mut *conn)
    .await?;
    // The customer's message, if this event sends one: in the same
    // transaction, so it exists exactly when the event does.
    if let Some(order_id) = order_id {
        super::outbox::on_event(conn, order_id, kind, after.as_ref(), at_ms).await?;
        // The shop's call this event causes, if any (issue 15 item 1).
        super::shop_sync::on_event(conn, order_id, kind, at_ms).await?;
    }
    Ok(())
}

/// The same event for many orders (an import's chunk) in a few statements,
/// each with its own after-state; each order's customer message as
/// [`record`] writes it.
pub async fn record_many(
    conn: &mut AnyConnection,
    at_ms: i64,
    actor: &Actor,
    kind: EventKind,
    orders: &[(i64, serde_json::Value)],
) -> Result<()> {
    use sqlx::Arguments;
    const VALUES: usize = 8;
    for part in orders.chunks(super::rows_per_statement(VALUES)) {
        let mut args = sqlx::any::AnyArguments::default();
        for (order_id, after) in part {
            (|| {
                args.add(*order_id)?;
                args.add(at_ms)?;
                args.add(actor.user.clone())?;
                args.add(actor.station.clone())?;
                args.add(kind)?;
                args.add(None::<String>)?;
                args.add(Some(after.to_string()))?;
                args.add(actor.approver().map(|a| a.name().to_string()))
            })()
            .map_err(sqlx::Error::Encode)?;
        }
        let sql = format!(
            "INSERT INTO events (order_id, at, user_name, station, kind, before_state, after_state, \
             approved_by) VALUES {}",
            super::value_rows(conn, part.len(), VALUES)
        );
        sqlx::query_with(&sql, args).execute(&mut *conn).await?;
    }
    for (order_id, after) in orders {
        super::outbox::on_event(conn, *order_id, kind, Some(after), at_ms).await?;
    }
    Ok(())
}

/// One entry of an order's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EventView {
    #[sqlx(try_from = "Millis")]
    pub at: DateTime<Utc>,
    #[sqlx(rename = "user_name")]
    pub user: String,
    /// The supervisor who approved it, when one had to.
    pub approved_by: Option<String>,
    pub station: String,
    pub kind: EventKind,
    #[sqlx(rename = "before_state", try_from = "JsonText")]
    pub before: Option<serde_json::Value>,
    #[sqlx(rename = "after_state", try_from = "JsonText")]
    pub after: Option<serde_json::Value>,
}

/// The order's history, oldest first.
pub async fn of_order(conn: &mut AnyConnection, order_id: i64) -> Result<Vec<EventView>> {
    Ok(sqlx::query_as(
        "SELECT at, user_name, approved_by, station, kind, before_state, after_state \
         FROM events WHERE order_id = $1 ORDER BY id",
    )
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// The newest event and scan row ids: where the change feed has read up to.
pub async fn newest_ids(conn: &mut AnyConnection) -> Result<(i64, i64)> {
    let events: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM events")
        .fetch_one(&mut *conn)
        .await?;
    let scans: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM scans")
        .fetch_one(&mut *conn)
        .await?;
    Ok((events, scans))
}

/// Numbers of the orders that got event rows in `events` (after, up to] or
/// scan rows in `scans` (after, up to].
pub async fn orders_changed(
    conn: &mut AnyConnection,
    events: (i64, i64),
    scans: (i64, i64),
) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT o.number FROM orders o WHERE o.id IN ( \
           SELECT order_id FROM events WHERE id > $1 AND id <= $2 AND order_id IS NOT NULL \
           UNION SELECT order_id FROM scans WHERE id > $3 AND id <= $4 AND order_id IS NOT NULL) \
         ORDER BY o.number LIMIT 1000",
    )
    .bind(events.0)
    .bind(events.1)
    .bind(scans.0)
    .bind(scans.1)
    .fetch_all(&mut *conn)
    .await?)
}

/// Which events the audit trail shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AuditFilter {
    /// Done or approved by this person (their name as the history shows it).
    pub user: Option<String>,
    pub station: Option<String>,
    /// The order's number.
    pub order: Option<String>,
    /// Any of these kinds; empty = every kind.
    pub kinds: Vec<EventKind>,
    pub from: Option<DateTime<Utc>>,
    /// Up to, not including.
    pub to: Option<DateTime<Utc>>,
    /// Only entries older than this id (the next page).
    pub before_id: Option<i64>,
    /// At most this many (1..=1000; 0 = 200).
    pub limit: i64,
}

/// One entry of the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AuditEntry {
    pub id: i64,
    #[sqlx(try_from = "Millis")]
    pub at: DateTime<Utc>,
    #[sqlx(rename = "user_name")]
    pub user: String,
    pub approved_by: Option<String>,
    pub station: String,
    /// The order's number, when the event is about one.
    pub order_number: Option<String>,
    pub kind: EventKind,
    #[sqlx(rename = "before_state", try_from = "JsonText")]
    pub before: Option<serde_json::Value>,
    #[sqlx(rename = "after_state", try_from = "JsonText")]
    pub after: Option<serde_json::Value>,
}

/// The audit trail, newest first, as the filter says.
pub async fn audit(conn: &mut AnyConnection, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
    let limit = match filter.limit {
        l if l <= 0 => 200,
        l => l.min(1000),
    };
    // Placeholders numbered by hand: sqlx's QueryBuilder writes `?` for
    // the Any driver, which PostgreSQL does not take.
    enum Bind {
        Text(String),
        Int(i64),
    }
    let mut sql = String::from(
        "SELECT e.id, e.at, e.user_name, e.approved_by, e.station, o.number AS order_number, \
         e.kind, e.before_state, e.after_state FROM events e \
         LEFT JOIN orders o ON o.id = e.order_id WHERE 1 = 1",
    );
    let mut binds: Vec<Bind> = Vec::new();
    let param = |binds: &mut Vec<Bind>, b: Bind| {
        binds.push(b);
        format!("${}", binds.len())
    };
    let text = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
    };
    if let Some(user) = text(&filter.user) {
        let p = param(&mut binds, Bind::Text(user));
        sql.push_str(&format!(" AND (e.user_name = {p} OR e.approved_by = {p})"));
    }
    if let Some(station) = text(&filter.station) {
        let p = param(&mut binds, Bind::Text(station));
        sql.push_str(&format!(" AND e.station = {p}"));
    }
    if let Some(order) = text(&filter.order) {
        let p = param(&mut binds, Bind::Text(order));
        sql.push_str(&format!(" AND o.number = {p}"));
    }
    if !filter.kinds.is_empty() {
        let list: Vec<String> = filter
            .kinds
            .iter()
            .map(|k| param(&mut binds, Bind::Text(k.as_str().to_string())))
            .collect();
        sql.push_str(&format!(" AND e.kind IN ({})", list.join(", ")));
    }
    if let Some(from) = filter.from {
        let p = param(&mut binds, Bind::Int(from.timestamp_millis()));
        sql.push_str(&format!(" AND e.at >= {p}"));
    }
    if let Some(to) = filter.to {
        let p = param(&mut binds, Bind::Int(to.timestamp_millis()));
        sql.push_str(&format!(" AND e.at < {p}"));
    }
    if let Some(before) = filter.before_id {
        let p = param(&mut binds, Bind::Int(before));
        sql.push_str(&format!(" AND e.id < {p}"));
    }
    let p = param(&mut binds, Bind::Int(limit));
    sql.push_str(&format!(" ORDER BY e.id DESC LIMIT {p}"));
    let mut query = sqlx::query_as(&sql);
    for b in binds {
        query = match b {
            Bind::Text(t) => query.bind(t),
            Bind::Int(i) => query.bind(i),
        };
    }
    Ok(query.fetch_all(&mut *conn).await?)
}
