//! Bringing products and orders in: CSV imports and the demo warehouse.

use super::documents::seed_seller;
use super::stock::reserve_order;
use crate::domain::access::Op;
use crate::domain::{Actor, EventKind, NewOrder, OrderStatus, ProductBarcode};
use crate::exchange::{self, OrderFormat, RowError};
use crate::store::{events, orders, products, stock, Store, Tx};
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
    event: EventKind,
) -> Result<Option<(i64, Vec<String>)>> {
    let mut sp = (**tx).begin().await?;
    let inserted = orders::insert(&mut sp, order, now).await?;
    if let Some((id, unknown)) = &inserted {
        events::record(
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
        open_ledger(&mut sp, *id, order, now).await?;
    }
    sp.commit().await?;
    Ok(inserted)
}

/// An order that arrives paid (the shop took the money) opens its payment
/// ledger with that payment, so its balance and payment state follow the
/// ledger from then on; a refunded one with the refund too. (A partial
/// refund's amount is not in the exports: its state is kept as it came.)
async fn open_ledger(
    conn: &mut sqlx::AnyConnection,
    order_id: i64,
    order: &NewOrder,
    now: i64,
) -> Result<()> {
    use crate::domain::payment::PaymentKind;
    use crate::domain::PaymentStatus;
    use crate::store::payments::{self, NewEntry};
    let total = order.total_minor();
    let kinds: &[(PaymentKind, &str)] = match order.payment_status {
        PaymentStatus::Paid | PaymentStatus::PartiallyRefunded => {
            &[(PaymentKind::Payment, "paid before it reached Packbench")]
        }
        PaymentStatus::Refunded => &[
            (PaymentKind::Payment, "paid before it reached Packbench"),
            (PaymentKind::Refund, "refunded before it reached Packbench"),
        ],
        PaymentStatus::AwaitingPayment | PaymentStatus::PartiallyPaid => &[],
    };
    if total <= 0 {
        return Ok(());
    }
    let shop = Actor::new("import", "import", crate::domain::Role::Admin);
    let currency = order.currency.trim().to_ascii_uppercase();
    for (kind, note) in kinds {
        let entry = NewEntry {
            order_id,
            kind: *kind,
            amount_minor: total,
            currency: &currency,
            method: "shop",
            note,
            at_ms: order.created_at.timestamp_millis().min(now),
        };
        payments::insert(conn, &entry, &shop).await?;
    }
    Ok(())
}

/// Imports an order export. Every order is whole or absent; an order whose
/// number exists already is skipped, so importing a file twice adds nothing.
pub async fn import_orders(
    store: &Store,
    actor: &Actor,
    bytes: &[u8],
    format: OrderFormat,
) -> Result<ImportSummary> {
    actor.may(Op::ImportOrders)?;
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
            match insert_order(&mut tx, actor, now, &p.order, EventKind::Imported).await {
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
    actor.may(Op::ImportProducts)?;
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

/// The demo on a database nobody has signed in to yet (the first run's
/// "load the demo" and `init --demo`): refused once it has users.
pub async fn load_demo_first_run(store: &Store, station: &str, seed: u64) -> Result<DemoSummary> {
    {
        let mut conn = store.pool().acquire().await?;
        if crate::store::users::count(&mut conn).await? > 0 {
            return Err(Error::Refused(
                "this database has users: sign in as an admin to load the demo".into(),
            ));
        }
    }
    load_demo(
        store,
        &Actor::new("Packbench", station, crate::domain::Role::Admin),
        seed,
    )
    .await
}

/// Fills an empty database with the demo warehouse: products with barcodes
/// and stock, and orders in several statuses, ready to pack.
pub async fn load_demo(store: &Store, actor: &Actor, seed: u64) -> Result<DemoSummary> {
    actor.may(Op::LoadDemo)?;
    let demo = crate::demo::demo_warehouse(seed, store.now());
    let mut tx = store.write().await?;
    let existing = orders::count(&mut tx).await?;
    if existing > 0 {
        return Err(Error::Refused(format!(
            "the database already holds {existing} orders; the demo is loaded only into an empty database"
        )));
    }
    let now = store.now_ms();
    // The demo shop's own details, so the first invoice is a whole one.
    seed_seller(&mut tx, &crate::documents::Seller::demo()).await?;
    for p in &demo.products {
        products::upsert(&mut tx, p, actor, now).await?;
    }
    for (i, o) in demo.orders.iter().enumerate() {
        let Some((id, _)) = insert_order(&mut tx, actor, now, o, EventKind::Created).await? else {
            continue;
        };
        match o.status {
            OrderStatus::Confirmed | OrderStatus::Picking => {
                reserve_order(&mut tx, id).await?;
            }
            OrderStatus::Ready
            | OrderStatus::Shipped
            | OrderStatus::Delivered
            | OrderStatus::Completed => {
                orders::pack_every_line(&mut tx, id).await?;
                if o.status != OrderStatus::Ready {
                    let tracking = format!("RU{:09}", 100_000_000 + i * 7919);
                    let shipped_at = o.created_at.timestamp_millis();
                    orders::set_shipment(&mut tx, id, &o.delivery_method, &tracking, shipped_at)
                        .await?;
                }
            }
            _ => {}
        }
    }
    tx.commit().await?;
    super::people::add_demo_users(store, actor).await?;
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
    pub barcodes: Vec<ProductBarcode>,
    /// (bin, on hand, reserved)
    pub stock: Vec<(String, i64, i64)>,
}

pub async fn product_by_sku(store: &Store, sku: &str) -> Result<ProductView> {
    let mut conn = store.pool().acquire().await?;
    let product = products::by_sku(&mut conn, sku).await?;
    let barcodes: Vec<ProductBarcode> = products::barcodes(&mut conn, product.id).await?;
    let mut stock: Vec<(String, i64, i64)> = stock::of_product(&mut conn, product.id)
        .await?
        .into_iter()
        .map(|s| (s.bin, s.on_hand, s.reserved))
        .collect();
    stock.sort_by(|a, b| crate::domain::product::bin_order(&a.0, &b.0));
    Ok(ProductView {
        id: product.id,
        sku: product.sku,
        name: product.name,
        weight_g: product.weight_g,
        default_bin: product.default_bin,
        barcodes,
        stock,
    })
}
