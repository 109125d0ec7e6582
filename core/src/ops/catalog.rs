//! Bringing products and orders in: CSV imports and the demo warehouse.

use super::stock::reserve_order;
use super::Actor;
use crate::domain::{NewOrder, OrderStatus};
use crate::exchange::{self, OrderFormat, RowError};
use crate::store::{orders, products, record_event, Store, Tx};
use crate::{Error, Result};
use serde::Serialize;
use serde_json::json;
use sqlx::Connection;

/// What an import did, row-numbered where something went wrong.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportSummary {
    pub imported: usize,
    /// Already in the database (same order number or SKU): left as they were
    /// for orders; updated for products.
    pub skipped: usize,
    pub updated: usize,
    pub failed: usize,
    pub warnings: usize,
    pub errors: Vec<RowError>,
    pub warning_details: Vec<RowError>,
}

/// Orders per write transaction: large enough to be fast, small enough that
/// a packing station waiting for the write lock is not held up for long.
const CHUNK: usize = 500;

async fn insert_order(
    tx: &mut Tx,
    actor: &Actor,
    now: i64,
    order: &NewOrder,
    event: &str,
) -> Result<Option<(i64, Vec<String>)>> {
    let mut sp = (**tx).begin().await?;
    let inserted = orders::insert(&mut sp, order, now).await?;
    if let Some((id, unknown)) = &inserted {
        record_event(
            &mut sp,
            Some(*id),
            now,
            actor,
            event,
            None,
            Some(
                json!({"status": order.status, "channel": order.channel, "unknown_skus": unknown}),
            ),
        )
        .await?;
    }
    sp.commit().await?;
    Ok(inserted)
}

/// Imports an order export. Every order is whole or absent; an order whose
/// number exists already is skipped, so importing a file twice adds nothing.
pub async fn import_orders(
    store: &Store,
    actor: &Actor,
    bytes: &[u8],
    format: OrderFormat,
) -> Result<ImportSummary> {
    let parsed = exchange::parse_orders(bytes, format, store.now()).map_err(Error::Invalid)?;
    let mut summary = ImportSummary {
        failed: parsed.errors.len(),
        errors: parsed.errors,
        ..Default::default()
    };
    for chunk in parsed.orders.chunks(CHUNK) {
        let mut tx = store.write().await?;
        let now = store.now_ms();
        for p in chunk {
            match insert_order(&mut tx, actor, now, &p.order, "imported").await {
                Ok(Some((_, unknown))) => {
                    summary.imported += 1;
                    for sku in unknown {
                        summary.warnings += 1;
                        summary.warning_details.push(RowError {
                            row: p.first_row,
                            order: Some(p.order.number.clone()),
                            message: format!(
                                "SKU {sku} is not a known product; the order waits until the product is imported"
                            ),
                        });
                    }
                }
                Ok(None) => summary.skipped += 1,
                Err(e @ (Error::Invalid(_) | Error::Storage(sqlx::Error::Database(_)))) => {
                    summary.failed += 1;
                    summary.errors.push(RowError {
                        row: p.first_row,
                        order: Some(p.order.number.clone()),
                        message: e.to_string(),
                    });
                }
                Err(e) => return Err(e),
            }
        }
        tx.commit().await?;
    }
    summary.errors.sort_by_key(|e| e.row);
    Ok(summary)
}

/// Imports products by SKU: new ones are created, known ones updated.
pub async fn import_products(store: &Store, actor: &Actor, bytes: &[u8]) -> Result<ImportSummary> {
    let parsed = exchange::parse_products(bytes).map_err(Error::Invalid)?;
    let mut summary = ImportSummary {
        failed: parsed.errors.len(),
        errors: parsed.errors,
        ..Default::default()
    };
    for chunk in parsed.products.chunks(CHUNK) {
        let mut tx = store.write().await?;
        let now = store.now_ms();
        for (row, product) in chunk {
            let mut sp = (*tx).begin().await?;
            match products::upsert(&mut sp, product, actor, now).await {
                Ok((_, outcome)) => {
                    sp.commit().await?;
                    match outcome {
                        products::UpsertOutcome::Created => summary.imported += 1,
                        products::UpsertOutcome::Updated => summary.updated += 1,
                    }
                }
                Err(e @ (Error::Invalid(_) | Error::Storage(sqlx::Error::Database(_)))) => {
                    sp.rollback().await?;
                    summary.failed += 1;
                    summary.errors.push(RowError {
                        row: *row,
                        order: None,
                        message: format!("{}: {e}", product.sku),
                    });
                }
                Err(e) => return Err(e),
            }
        }
        tx.commit().await?;
    }
    summary.errors.sort_by_key(|e| e.row);
    Ok(summary)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DemoSummary {
    pub products: usize,
    pub orders: usize,
}

/// Fills an empty database with the demo warehouse: products with barcodes
/// and stock, and orders in several statuses, ready to pack.
pub async fn load_demo(store: &Store, actor: &Actor, seed: u64) -> Result<DemoSummary> {
    let demo = crate::demo::demo_warehouse(seed, store.now());
    let mut tx = store.write().await?;
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orders")
        .fetch_one(&mut *tx)
        .await?;
    if existing > 0 {
        return Err(Error::Refused(format!(
            "the database already holds {existing} orders; the demo is loaded only into an empty database"
        )));
    }
    let now = store.now_ms();
    // The demo shop's own details, so the first invoice is a whole one.
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES ('seller', $1) ON CONFLICT (key) DO NOTHING",
    )
    .bind(serde_json::to_string(&crate::documents::Seller::demo()).unwrap_or_default())
    .execute(&mut *tx)
    .await?;
    for p in &demo.products {
        products::upsert(&mut tx, p, actor, now).await?;
    }
    for (i, o) in demo.orders.iter().enumerate() {
        let Some((id, _)) = insert_order(&mut tx, actor, now, o, "created").await? else {
            continue;
        };
        match o.status {
            OrderStatus::Confirmed | OrderStatus::Picking => {
                reserve_order(&mut tx, now, id).await?;
            }
            OrderStatus::Ready
            | OrderStatus::Shipped
            | OrderStatus::Delivered
            | OrderStatus::Completed => {
                sqlx::query("UPDATE order_lines SET packed = quantity WHERE order_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                if o.status != OrderStatus::Ready {
                    sqlx::query(
                        "UPDATE orders SET carrier = $1, tracking_number = $2, shipped_at = $3 WHERE id = $4",
                    )
                    .bind(&o.delivery_method)
                    .bind(format!("RU{:09}", 100_000_000 + i * 7919))
                    .bind(o.created_at.timestamp_millis())
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            _ => {}
        }
    }
    tx.commit().await?;
    Ok(DemoSummary {
        products: demo.products.len(),
        orders: demo.orders.len(),
    })
}

/// A product with its barcodes and stock per bin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProductView {
    pub id: i64,
    pub sku: String,
    pub name: String,
    pub weight_g: i64,
    pub default_bin: Option<String>,
    pub barcodes: Vec<crate::domain::ProductBarcode>,
    /// (bin, on hand, reserved)
    pub stock: Vec<(String, i64, i64)>,
}

pub async fn product_by_sku(store: &Store, sku: &str) -> Result<ProductView> {
    use sqlx::Row;
    let mut conn = store.pool().acquire().await?;
    let row =
        sqlx::query("SELECT id, sku, name, weight_g, default_bin FROM products WHERE sku = $1")
            .bind(sku.trim())
            .fetch_optional(&mut *conn)
            .await?
            .ok_or_else(|| Error::not_found("product", sku.trim()))?;
    let id: i64 = row.try_get(0)?;
    let barcodes = sqlx::query(
        "SELECT code, units FROM product_barcodes WHERE product_id = $1 ORDER BY units, code",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        Ok(crate::domain::ProductBarcode {
            code: r.try_get(0)?,
            units: r.try_get(1)?,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    let mut stock = sqlx::query("SELECT bin, on_hand, reserved FROM stock WHERE product_id = $1")
        .bind(id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
        .collect::<Result<Vec<(String, i64, i64)>>>()?;
    stock.sort_by(|a, b| crate::domain::product::bin_order(&a.0, &b.0));
    Ok(ProductView {
        id,
        sku: row.try_get(1)?,
        name: row.try_get(2)?,
        weight_g: row.try_get(3)?,
        default_bin: row.try_get(4)?,
        barcodes,
        stock,
    })
}
