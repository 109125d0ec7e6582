//! Bringing products and orders in: CSV imports and the demo warehouse.

use super::documents::seed_seller;
use super::stock::reserve_order;
use crate::domain::access::Op;
use crate::domain::desk::{HeadValues, LineChange};
use crate::domain::{Actor, EventKind, NewLine, NewOrder, OrderStatus, ProductBarcode};
use crate::exchange::{self, ImportKind, ImportPreview, OrderFormat, RowError};
use crate::store::{events, orders, products, settings, stock, Store};
use crate::{Error, Result};
use serde::Serialize;
use serde_json::json;
use sqlx::{Any, AnyConnection, Connection, Transaction};
use std::sync::atomic::{AtomicBool, Ordering};

/// What an import did, row-numbered where something went wrong.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
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
    /// Stopped by the user; what was imported before stays.
    pub cancelled: bool,
}

/// Orders per write transaction: large enough to be fast, small enough that
/// a packing station waiting for the write lock is not held up for long.
const CHUNK: usize = 500;

pub(super) async fn insert_order(
    tx: &mut Transaction<'_, Any>,
    actor: &Actor,
    now: i64,
    order: &NewOrder,
    event: EventKind,
) -> Result<Option<(i64, Vec<String>)>> {
    let mut sp = (**tx).begin().await?;
    let inserted = insert_order_in(&mut sp, actor, now, order, event).await?;
    sp.commit().await?;
    Ok(inserted)
}

/// The order, its lines, its history's first event and its payments, in
/// the caller's transaction (no savepoint of its own).
async fn insert_order_in(
    conn: &mut sqlx::AnyConnection,
    actor: &Actor,
    now: i64,
    order: &NewOrder,
    event: EventKind,
) -> Result<Option<(i64, Vec<String>)>> {
    Ok(insert_orders_in(conn, actor, now, &[order], event)
        .await?
        .pop()
        .flatten())
}

/// Orders as [`insert_order_in`] writes one, in a few statements for all
/// (an import's chunk); for each, its id and unknown SKUs, or None when its
/// number is taken.
async fn insert_orders_in(
    conn: &mut sqlx::AnyConnection,
    actor: &Actor,
    now: i64,
    list: &[&NewOrder],
    event: EventKind,
) -> Result<Vec<Option<(i64, Vec<String>)>>> {
    use crate::store::payments;
    let inserted = orders::insert_many(conn, list, now).await?;
    let created: Vec<(&NewOrder, i64, &Vec<String>)> = list
        .iter()
        .zip(&inserted)
        .filter_map(|(o, r)| r.as_ref().map(|(id, unknown)| (*o, *id, unknown)))
        .collect();
    let history: Vec<(i64, serde_json::Value)> = created
        .iter()
        .map(|(o, id, unknown)| {
            (
                *id,
                json!({"status": o.status, "channel": o.channel, "unknown_skus": unknown}),
            )
        })
        .collect();
    events::record_many(conn, now, actor, event, &history).await?;
    let currencies: Vec<String> = created
        .iter()
        .map(|(o, _, _)| o.currency.trim().to_ascii_uppercase())
        .collect();
    let entries: Vec<payments::NewEntry> = created
        .iter()
        .zip(&currencies)
        .flat_map(|((o, id, _), currency)| ledger_opening(*id, o, currency, now))
        .collect();
    let shop = Actor::new("import", "import", crate::domain::Role::Admin);
    payments::insert_many(conn, &entries, &shop).await?;
    Ok(inserted)
}

/// An order that arrives paid (the shop took the money) opens its payment
/// ledger with that payment, so its balance and payment state follow the
/// ledger from then on; a refunded one with the refund too. (A partial
/// refund's amount is not in the exports: its state is kept as it came.)
fn ledger_opening<'a>(
    order_id: i64,
    order: &'a NewOrder,
    currency: &'a str,
    now: i64,
) -> Vec<crate::store::payments::NewEntry<'a>> {
    use crate::domain::payment::PaymentKind;
    use crate::domain::PaymentStatus;
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
        return Vec::new();
    }
    kinds
        .iter()
        .map(|(kind, note)| crate::store::payments::NewEntry {
            order_id,
            kind: *kind,
            amount_minor: total,
            currency,
            method: "shop",
            note,
            at_ms: order.created_at.timestamp_millis().min(now),
        })
        .collect()
}

/// Imports an order export. Every order is whole or absent; an order whose
/// number exists already is updated while it is still new (not confirmed)
/// and left as it is after, so importing a file twice adds nothing.
pub async fn import_orders(
    store: &Store,
    actor: &Actor,
    bytes: &[u8],
    format: OrderFormat,
) -> Result<ImportSummary> {
    let kind = match format {
        OrderFormat::Packbench => ImportKind::Packbench,
        OrderFormat::Shopify => ImportKind::Shopify,
        OrderFormat::WooCommerce => ImportKind::WooCommerce,
    };
    import_file(
        store,
        actor,
        bytes,
        kind,
        &[],
        |_, _| {},
        &AtomicBool::new(false),
    )
    .await
}

/// Imports products by SKU: new ones are created, known ones updated.
pub async fn import_products(store: &Store, actor: &Actor, bytes: &[u8]) -> Result<ImportSummary> {
    import_file(
        store,
        actor,
        bytes,
        ImportKind::Products,
        &[],
        |_, _| {},
        &AtomicBool::new(false),
    )
    .await
}

/// The settings key of the column mapping remembered for a kind of file.
fn mapping_key(kind: ImportKind) -> String {
    format!("import_mapping.{}", kind.as_str())
}

/// The column mapping last used for this kind of file (empty: none).
pub async fn remembered_mapping(store: &Store, kind: ImportKind) -> Result<Vec<(String, String)>> {
    let mut conn = store.pool().acquire().await?;
    Ok(settings::get(&mut conn, &mapping_key(kind))
        .await?
        .unwrap_or_default())
}

/// What the file would import with this mapping (or, without one, the
/// mapping remembered for its kind); nothing is written.
pub async fn preview_import(
    store: &Store,
    bytes: &[u8],
    kind: ImportKind,
    mapping: Option<&[(String, String)]>,
) -> Result<ImportPreview> {
    let remembered;
    let mapping = match mapping {
        Some(m) => m,
        None => {
            remembered = remembered_mapping(store, kind).await?;
            &remembered
        }
    };
    exchange::preview(bytes, kind, mapping, store.now()).map_err(Error::Invalid)
}

/// Imports a file of `kind` with its columns mapped as given (remembered
/// for the next file of the kind). Calls `progress(done, total)` after each
/// chunk and stops after the chunk in hand when `cancel` is set: what was
/// imported stays, and importing the file again picks up the rest without
/// duplicating anything.
pub async fn import_file(
    store: &Store,
    actor: &Actor,
    bytes: &[u8],
    kind: ImportKind,
    mapping: &[(String, String)],
    mut progress: impl FnMut(usize, usize),
    cancel: &AtomicBool,
) -> Result<ImportSummary> {
    let format = kind.order_format();
    actor.may(if format.is_some() {
        Op::ImportOrders
    } else {
        Op::ImportProducts
    })?;
    if !mapping.is_empty() {
        let mut tx = store.write().await?;
        settings::put(&mut tx, &mapping_key(kind), &mapping.to_vec()).await?;
        tx.commit().await?;
    }
    let summary = match format {
        Some(format) => {
            let parsed = exchange::parse_orders_mapped(bytes, format, store.now(), mapping)
                .map_err(Error::Invalid)?;
            import_parsed_orders(store, actor, parsed, &mut progress, cancel).await?
        }
        None => {
            let parsed = exchange::parse_products_mapped(bytes, mapping).map_err(Error::Invalid)?;
            import_parsed_products(store, actor, parsed, &mut progress, cancel).await?
        }
    };
    Ok(summary)
}

async fn import_parsed_orders(
    store: &Store,
    actor: &Actor,
    parsed: exchange::ParsedOrders,
    progress: &mut impl FnMut(usize, usize),
    cancel: &AtomicBool,
) -> Result<ImportSummary> {
    let total = parsed.orders.len();
    let mut summary = ImportSummary {
        failed: parsed.errors.len(),
        errors: parsed.errors,
        ..Default::default()
    };
    progress(0, total);
    // One connection for all the chunks, with SQLite settings for the
    // import that are put back afterwards (ImportTuning).
    let mut conn = store.pool().acquire().await?;
    let tuning = ImportTuning::apply(&mut conn).await?;
    let written = import_chunks(
        store,
        actor,
        &mut conn,
        &parsed.orders,
        &mut summary,
        progress,
        cancel,
    )
    .await;
    tuning.put_back(&mut conn).await;
    written?;
    summary.errors.sort_by_key(|e| e.row);
    summary.warning_details.sort_by_key(|e| e.row);
    Ok(summary)
}

/// What the import's connection is set to while it imports on SQLite, and
/// the values it had. Statement journals go to memory: each multi-row
/// statement inside a chunk's transaction keeps the pages it changes so it
/// can be undone alone, by default in a temporary file past 64 KB (a chunk
/// wrote 14 MB to /var/tmp). The page cache holds a chunk's pages: with
/// the default 2 MB SQLite spills them to the WAL before the commit and
/// reads them back. Neither changes what a commit makes durable.
struct ImportTuning {
    before: Option<(i64, i64)>,
}

/// The page cache of the import's connection, in KiB.
const IMPORT_CACHE_KIB: i64 = 32_768;

impl ImportTuning {
    async fn apply(conn: &mut sqlx::pool::PoolConnection<Any>) -> Result<Self> {
        if conn.backend_name() != "SQLite" {
            return Ok(Self { before: None });
        }
        let set = async {
            let temp_store: i64 = sqlx::query_scalar("PRAGMA temp_store")
                .fetch_one(&mut **conn)
                .await?;
            let cache_size: i64 = sqlx::query_scalar("PRAGMA cache_size")
                .fetch_one(&mut **conn)
                .await?;
            sqlx::query("PRAGMA temp_store = MEMORY")
                .execute(&mut **conn)
                .await?;
            sqlx::query(&format!("PRAGMA cache_size = -{IMPORT_CACHE_KIB}"))
                .execute(&mut **conn)
                .await?;
            Ok::<_, sqlx::Error>((temp_store, cache_size))
        }
        .await;
        match set {
            Ok(before) => Ok(Self {
                before: Some(before),
            }),
            Err(e) => {
                // Half set: the connection leaves the pool rather than
                // serve others with the import's settings.
                conn.close_on_drop();
                Err(e.into())
            }
        }
    }

    /// The connection's own settings again; if they cannot be written
    /// back, the connection is closed instead of going back to the pool.
    async fn put_back(self, conn: &mut sqlx::pool::PoolConnection<Any>) {
        let Some((temp_store, cache_size)) = self.before else {
            return;
        };
        let back = async {
            sqlx::query(&format!("PRAGMA temp_store = {temp_store}"))
                .execute(&mut **conn)
                .await?;
            sqlx::query(&format!("PRAGMA cache_size = {cache_size}"))
                .execute(&mut **conn)
                .await
        }
        .await;
        if back.is_err() {
            conn.close_on_drop();
        }
    }
}

/// The chunks of an order import, each in its own write transaction on
/// `conn`, adding what they did to `summary`.
async fn import_chunks(
    store: &Store,
    actor: &Actor,
    conn: &mut AnyConnection,
    orders: &[exchange::ParsedOrder],
    summary: &mut ImportSummary,
    progress: &mut impl FnMut(usize, usize),
    cancel: &AtomicBool,
) -> Result<()> {
    let total = orders.len();
    let mut done = 0;
    for chunk in orders.chunks(CHUNK) {
        if cancel.load(Ordering::Relaxed) {
            summary.cancelled = true;
            break;
        }
        // A chunk goes in whole without a savepoint per order; if one of
        // its orders is refused, the chunk is rolled back and written again
        // order by order, so the refused one is reported and the rest kept.
        let part = match import_chunk(store, actor, conn, chunk, false).await? {
            Some(part) => part,
            None => import_chunk(store, actor, conn, chunk, true)
                .await?
                .ok_or_else(|| Error::Invalid("the import chunk could not be written".into()))?,
        };
        summary.imported += part.imported;
        summary.updated += part.updated;
        summary.skipped += part.skipped;
        summary.failed += part.failed;
        summary.warnings += part.warnings;
        summary.errors.extend(part.errors);
        summary.warning_details.extend(part.warning_details);
        done += chunk.len();
        progress(done, total);
    }
    Ok(())
}

/// One chunk of parsed orders in one transaction. Without `careful`, the
/// first refused order gives None (nothing written) so the caller can run
/// the chunk again carefully: each order in its own savepoint.
async fn import_chunk(
    store: &Store,
    actor: &Actor,
    conn: &mut AnyConnection,
    chunk: &[exchange::ParsedOrder],
    careful: bool,
) -> Result<Option<ImportSummary>> {
    let mut summary = ImportSummary::default();
    let mut tx = store.write_on(conn).await?;
    let now = store.now_ms();
    // Without care, the chunk's new orders go in together.
    let mut together = Vec::new();
    if !careful {
        let mut numbers = std::collections::HashSet::new();
        if !chunk.iter().all(|p| numbers.insert(p.order.number.trim())) {
            return Ok(None);
        }
        let list: Vec<&NewOrder> = chunk.iter().map(|p| &p.order).collect();
        match insert_orders_in(&mut tx, actor, now, &list, EventKind::Imported).await {
            Ok(inserted) => together = inserted,
            Err(Error::Invalid(_) | Error::Storage(sqlx::Error::Database(_))) => return Ok(None),
            Err(e) => return Err(e),
        }
    }
    let mut together = together.into_iter();
    for p in chunk {
        let inserted = if careful {
            insert_order(&mut tx, actor, now, &p.order, EventKind::Imported).await
        } else {
            Ok(together.next().flatten())
        };
        match inserted {
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
            Ok(None) => match update_if_new(&mut tx, store, actor, now, &p.order).await? {
                Reimport::Updated => summary.updated += 1,
                Reimport::Same => summary.skipped += 1,
                Reimport::PastNew(status) => {
                    summary.skipped += 1;
                    summary.warnings += 1;
                    summary.warning_details.push(RowError {
                        row: p.first_row,
                        order: Some(p.order.number.clone()),
                        message: format!(
                            "the order is already {status} in Packbench; the file's version was not taken"
                        ),
                    });
                }
            },
            Err(Error::Invalid(_) | Error::Storage(sqlx::Error::Database(_))) if !careful => {
                return Ok(None);
            }
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
    Ok(Some(summary))
}

enum Reimport {
    Updated,
    Same,
    PastNew(OrderStatus),
}

/// An order already in the database, imported again: taken as the file has
/// it while nobody has confirmed it yet.
async fn update_if_new(
    tx: &mut Transaction<'_, Any>,
    store: &Store,
    actor: &Actor,
    now: i64,
    o: &NewOrder,
) -> Result<Reimport> {
    let head = orders::head_by_number(tx, store.engine(), o.number.trim(), true).await?;
    if head.status != OrderStatus::New {
        return Ok(Reimport::PastNew(head.status));
    }
    let lines = orders::lines(tx, head.id).await?;
    let same_lines = lines.len() == o.lines.len()
        && lines.iter().zip(&o.lines).all(|(a, b)| {
            (
                a.sku.as_str(),
                &a.name,
                a.quantity,
                a.unit_price_minor,
                a.discount_minor,
                a.tax_rate_bp,
            ) == (
                b.sku.trim(),
                &b.name,
                b.quantity,
                b.unit_price_minor,
                b.discount_minor,
                b.tax_rate_bp,
            )
        });
    let values = HeadValues {
        number: head.number.clone(),
        customer_name: o.customer_name.clone(),
        phone: o.phone.clone(),
        email: o.email.clone(),
        shipping_address: o.shipping_address.clone(),
        delivery_method: o.delivery_method.clone(),
        delivery_cost_minor: o.delivery_cost_minor,
        comment: o.comment.clone(),
    };
    let same_head = (
        &head.customer_name,
        &head.phone,
        &head.email,
        &head.shipping_address,
        &head.delivery_method,
        head.delivery_cost_minor,
        &head.comment,
    ) == (
        &values.customer_name,
        &values.phone,
        &values.email,
        &values.shipping_address,
        &values.delivery_method,
        values.delivery_cost_minor,
        &values.comment,
    );
    if same_lines && same_head {
        return Ok(Reimport::Same);
    }
    let former = orders::former_numbers(tx, head.id).await?;
    orders::update_head(tx, head.id, &values, &former, now).await?;
    if !same_lines {
        let mut changes: Vec<(i64, LineChange)> = lines
            .iter()
            .map(|l| (0, LineChange::Delete { id: l.id }))
            .collect();
        changes.extend(o.lines.iter().enumerate().map(|(i, l)| {
            (
                i as i64 + 1,
                LineChange::Insert {
                    line: NewLine {
                        sku: l.sku.trim().to_string(),
                        ..l.clone()
                    },
                },
            )
        }));
        orders::apply_line_changes(tx, head.id, &changes).await?;
    }
    events::record(
        tx,
        Some(head.id),
        now,
        actor,
        EventKind::Edited,
        None,
        Some(json!({"by": "import", "lines_changed": !same_lines})),
    )
    .await?;
    Ok(Reimport::Updated)
}

async fn import_parsed_products(
    store: &Store,
    actor: &Actor,
    parsed: exchange::ParsedProducts,
    progress: &mut impl FnMut(usize, usize),
    cancel: &AtomicBool,
) -> Result<ImportSummary> {
    let total = parsed.products.len();
    let mut summary = ImportSummary {
        failed: parsed.errors.len(),
        errors: parsed.errors,
        ..Default::default()
    };
    let mut done = 0;
    progress(0, total);
    for chunk in parsed.products.chunks(CHUNK) {
        if cancel.load(Ordering::Relaxed) {
            summary.cancelled = true;
            break;
        }
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
        done += chunk.len();
        progress(done, total);
    }
    summary.errors.sort_by_key(|e| e.row);
    Ok(summary)
}

/// An import's report as CSV (row, order, error or warning, message), in
/// the user's language, to save and fix the file by.
pub fn import_report_csv(summary: &ImportSummary, russian: bool) -> Result<Vec<u8>> {
    let mut out = csv::WriterBuilder::new()
        .delimiter(if russian { b';' } else { b',' })
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    let header = if russian {
        ["строка", "заказ", "что", "сообщение"]
    } else {
        ["row", "order", "kind", "message"]
    };
    let fail = |e: csv::Error| Error::Invalid(format!("the report could not be written: {e}"));
    out.write_record(header).map_err(fail)?;
    let mut all: Vec<(&RowError, bool)> = summary
        .errors
        .iter()
        .map(|e| (e, true))
        .chain(summary.warning_details.iter().map(|w| (w, false)))
        .collect();
    all.sort_by_key(|(e, _)| e.row);
    for (e, is_error) in all {
        let kind = match (is_error, russian) {
            (true, true) => "ошибка",
            (false, true) => "предупреждение",
            (true, false) => "error",
            (false, false) => "warning",
        };
        out.write_record([
            e.row.to_string(),
            exchange::safe_cell(e.order.as_deref().unwrap_or("")),
            kind.to_string(),
            exchange::safe_cell(&e.message),
        ])
        .map_err(fail)?;
    }
    out.into_inner()
        .map_err(|e| Error::Invalid(format!("the report could not be written: {e}")))
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
    pub category: String,
    /// At or under this many free units the product is on the re-order list.
    pub low_stock: Option<i64>,
    /// Marked goods (Честный ЗНАК): packed only by the item's marking code.
    pub marked: bool,
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
        category: product.category,
        low_stock: product.low_stock,
        marked: product.marked,
        barcodes,
        stock,
    })
}
