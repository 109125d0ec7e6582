//! Finding orders: group counts, saved filters, and the filtered orders
//! exported to CSV or XLSX. The list itself is `ops::list_orders`.

use crate::documents::Lang;
use crate::domain::access::Op;
use crate::domain::filter::{GroupBy, GroupCount, OrderFilter, SavedFilter};
use crate::domain::Actor;
use crate::exchange::{ExportFormat, ExportOrder, ExportRows, ExportWriter};
use crate::store::{order_query, statuses, Store};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};

/// How many orders of the filter fall in each group.
pub async fn group_orders(
    store: &Store,
    filter: &OrderFilter,
    by: GroupBy,
    utc_offset_minutes: i32,
) -> Result<Vec<GroupCount>> {
    let mut conn = store.pool().acquire().await?;
    order_query::group_counts(
        &mut conn,
        store.engine(),
        filter,
        by,
        utc_offset_minutes,
        store.now_ms(),
    )
    .await
}

/// How many orders the filter finds (all pages).
pub async fn count_orders(store: &Store, filter: &OrderFilter) -> Result<i64> {
    let mut conn = store.pool().acquire().await?;
    order_query::count(&mut conn, store.engine(), filter, store.now_ms()).await
}

/// How the database runs a page of this filter (EXPLAIN), for benchmarks.
pub async fn explain_orders(store: &Store, filter: &OrderFilter) -> Result<Vec<String>> {
    let mut conn = store.pool().acquire().await?;
    order_query::explain(&mut conn, store.engine(), filter, store.now_ms()).await
}

/// The store's saved filters, by name.
pub async fn saved_filters(store: &Store) -> Result<Vec<SavedFilter>> {
    let mut conn = store.pool().acquire().await?;
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT name, filter, saved_by FROM saved_filters ORDER BY name")
            .fetch_all(&mut *conn)
            .await?;
    rows.into_iter()
        .map(|(name, json, saved_by)| {
            let filter = serde_json::from_str(&json).map_err(|e| {
                Error::Damaged(format!(
                    "the saved filter \"{name}\" cannot be read ({e}); delete it and save it again"
                ))
            })?;
            Ok(SavedFilter {
                name,
                filter,
                saved_by,
            })
        })
        .collect()
}

/// Keeps the filter under `name` for everyone at the store (a filter of
/// that name is replaced).
pub async fn save_filter(
    store: &Store,
    actor: &Actor,
    name: &str,
    filter: &OrderFilter,
) -> Result<Vec<SavedFilter>> {
    actor.may(Op::SaveFilter)?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 60 {
        return Err(Error::Invalid(
            "a saved filter needs a name of 1 to 60 characters".into(),
        ));
    }
    filter.amounts().map_err(Error::Invalid)?;
    if filter.is_empty() {
        return Err(Error::Invalid(
            "this filter shows every order; add a filter before saving it".into(),
        ));
    }
    let json = serde_json::to_string(&filter.to_saved())
        .map_err(|e| Error::Invalid(format!("the filter cannot be saved: {e}")))?;
    let mut tx = store.write().await?;
    sqlx::query("DELETE FROM saved_filters WHERE name = $1")
        .bind(name)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO saved_filters (name, filter, saved_by, saved_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(name)
    .bind(json)
    .bind(&actor.user)
    .bind(store.now_ms())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    saved_filters(store).await
}

pub async fn delete_saved_filter(
    store: &Store,
    actor: &Actor,
    name: &str,
) -> Result<Vec<SavedFilter>> {
    actor.may(Op::SaveFilter)?;
    let mut tx = store.write().await?;
    let gone = sqlx::query("DELETE FROM saved_filters WHERE name = $1")
        .bind(name.trim())
        .execute(&mut *tx)
        .await?
        .rows_affected();
    tx.commit().await?;
    if gone == 0 {
        return Err(Error::NotFound {
            what: "saved filter",
            key: name.trim().to_string(),
        });
    }
    saved_filters(store).await
}

/// What to export and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExportRequest {
    pub filter: OrderFilter,
    pub format: ExportFormat,
    pub rows: ExportRows,
    pub lang: Lang,
    /// The user's time zone, minutes east of UTC (Moscow: 180).
    pub utc_offset_minutes: i32,
}

/// A finished export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exported {
    pub bytes: Vec<u8>,
    pub orders: usize,
    pub rows: usize,
}

/// Orders read per round trip while exporting.
const EXPORT_PAGE: i64 = 1_000;

/// Writes every order the filter finds, newest first, calling
/// `progress(done, total)` after each page of orders.
pub async fn export_orders(
    store: &Store,
    actor: &Actor,
    request: &ExportRequest,
    mut progress: impl FnMut(usize, usize),
) -> Result<Exported> {
    actor.may(Op::ExportOrders)?;
    let mut conn = store.pool().acquire().await?;
    let now = store.now_ms();
    let total = order_query::count(&mut conn, store.engine(), &request.filter, now).await? as usize;
    let names: std::collections::HashMap<String, crate::domain::lifecycle::Labels> =
        statuses::all(&mut conn)
            .await?
            .into_iter()
            .map(|s| (s.code.clone(), s.labels()))
            .collect();
    let russian = request.lang == Lang::Ru;
    let mut writer = ExportWriter::new(
        request.format,
        request.rows,
        request.lang,
        request.utc_offset_minutes,
    )
    .map_err(Error::Invalid)?;
    let mut page = OrderFilter {
        limit: EXPORT_PAGE,
        before: None,
        ..request.filter.clone()
    };
    let mut done = 0usize;
    progress(0, total);
    loop {
        let rows = order_query::page(&mut conn, store.engine(), &page, now).await?;
        if rows.is_empty() {
            break;
        }
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let full =
            order_query::export_rows(&mut conn, &ids, request.rows == ExportRows::Lines).await?;
        let orders: Vec<ExportOrder> = full
            .into_iter()
            .map(|r| {
                let h = r.head;
                let code = h
                    .sub_status
                    .clone()
                    .unwrap_or_else(|| h.status.as_str().to_string());
                let status = names
                    .get(&code)
                    .map(|l| l.get(russian).to_string())
                    .unwrap_or(code);
                ExportOrder {
                    number: h.number,
                    created_at: h.created_at,
                    status,
                    payment: crate::documents::payment_status_words(h.payment_status, request.lang)
                        .to_string(),
                    customer_name: h.customer_name,
                    email: h.email,
                    phone: h.phone,
                    address: h.shipping_address,
                    channel: h.channel,
                    delivery_method: h.delivery_method,
                    tracking_number: h.tracking_number,
                    manager: h.manager,
                    comment: h.comment,
                    currency: h.currency,
                    units: h.units,
                    delivery_cost_minor: h.delivery_cost_minor,
                    total_minor: h.total_minor,
                    lines: r.lines,
                }
            })
            .collect();
        writer.write(&orders).map_err(Error::Invalid)?;
        done += rows.len();
        progress(done, total);
        if (rows.len() as i64) < EXPORT_PAGE {
            break;
        }
        page.before = rows.last().map(|r| r.id);
    }
    let rows = writer.written();
    Ok(Exported {
        bytes: writer.finish().map_err(Error::Invalid)?,
        orders: done,
        rows,
    })
}
