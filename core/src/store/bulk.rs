//! Fast bulk loading of a generated warehouse, for benchmarks: many rows per
//! statement, ids assigned here so lines can name their order.

use super::{Engine, Store};
use crate::domain::barcode::gtin_check_digit;
use crate::domain::money::line_amount_minor;
use crate::domain::search::order_search_text;
use crate::domain::{OrderStatus, PaymentStatus};
use crate::Result;
use sqlx::any::AnyArguments;
use sqlx::Arguments;

/// Changes whenever generated data or the search words change, so a kept
/// benchmark database of an older kind is not measured by mistake.
pub const GENERATOR_VERSION: u32 = 3;

/// Product categories of the generated catalogue.
pub const CATEGORIES: [&str; 12] = [
    "Посуда",
    "Текстиль",
    "Свет",
    "Декор",
    "Хранение",
    "Кухня",
    "Ванная",
    "Сад",
    "Детям",
    "Канцелярия",
    "Подарки",
    "Инструменты",
];

/// Sales channels, delivery methods and payment states of generated
/// orders, in the shares a small shop sees (indexes cycle through them).
pub const CHANNELS: [&str; 5] = ["web", "web", "shopify", "phone", "woocommerce"];
pub const DELIVERY: [&str; 6] = [
    "СДЭК",
    "СДЭК",
    "Почта России",
    "Boxberry",
    "Самовывоз",
    "DPD",
];

/// The payment state of generated order `i`: mostly paid.
pub fn synthetic_payment(i: usize) -> PaymentStatus {
    match i % 20 {
        0..=13 => PaymentStatus::Paid,
        14..=17 => PaymentStatus::AwaitingPayment,
        18 => PaymentStatus::Refunded,
        _ => PaymentStatus::PartiallyPaid,
    }
}

/// One value of a generated row.
pub enum Cell {
    Int(i64),
    Text(String),
    Null,
}

/// Inserts `rows` into `table` in statements of `per_statement` rows.
pub async fn insert_rows(
    conn: &mut sqlx::AnyConnection,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Cell>>,
) -> Result<()> {
    // About 500 bind parameters a statement: binding cost in the driver grows
    // faster than linearly with the statement's size (30,000 parameters ran
    // 15 times slower per row than 500, measured on 20,000 orders).
    let per_statement = (500 / columns.len()).max(1);
    let head = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
    let mut iter = rows.into_iter().peekable();
    while iter.peek().is_some() {
        let mut sql = head.clone();
        let mut args = AnyArguments::default();
        let mut n = 0usize;
        for (r, row) in iter.by_ref().take(per_statement).enumerate() {
            if r > 0 {
                sql.push(',');
            }
            sql.push('(');
            for (c, cell) in row.into_iter().enumerate() {
                if c > 0 {
                    sql.push(',');
                }
                n += 1;
                sql.push_str(&format!("${n}"));
                let added = match cell {
                    Cell::Int(v) => args.add(v),
                    Cell::Text(v) => args.add(v),
                    Cell::Null => args.add(Option::<i64>::None),
                };
                added.map_err(sqlx::Error::Encode)?;
            }
            sql.push(')');
        }
        sqlx::query_with(&sql, args).execute(&mut *conn).await?;
    }
    Ok(())
}

/// A synthetic EAN-13 in the in-store range 200-299, unique per index.
pub fn synthetic_ean13(i: usize) -> String {
    let body = format!("2{:011}", i);
    let check = gtin_check_digit(&body).unwrap_or(0);
    format!("{body}{check}")
}

/// The unit price of generated product `i`, in kopecks.
pub fn synthetic_price(i: usize) -> i64 {
    10_000 + (i % 500) as i64 * 100
}

/// The SKU of generated product `i`.
pub fn synthetic_sku(i: usize) -> String {
    format!("BP-{i:06}")
}

/// The number of generated order `i`.
pub fn synthetic_order_number(i: usize) -> String {
    format!("B{i:07}")
}

/// Lines of generated order `i`: (product index, quantity), 1 to 4 lines.
pub fn synthetic_lines(i: usize, products: usize) -> Vec<(usize, i64)> {
    let count = 1 + (i * 7) % 4;
    (0..count)
        .map(|k| {
            let p = (i.wrapping_mul(7919) + k * 104_729) % products;
            (p, 1 + ((i + k) % 3) as i64)
        })
        .collect()
}

/// Fills an empty database with `products` products and `orders` orders.
/// One order in `confirmed_every` is confirmed (packable); the rest are
/// completed history. Calls `progress(done_orders)` now and then.
/// Where generated names come from (the demo's Russian and English names;
/// the store itself invents no data).
pub struct Names<'a> {
    /// Name, e-mail, phone and address of the i-th customer.
    pub customer: &'a dyn Fn(usize) -> (String, String, String, String),
    pub product: &'a dyn Fn(usize) -> String,
}

pub async fn generate(
    store: &Store,
    names: &Names<'_>,
    products: usize,
    orders: usize,
    confirmed_every: usize,
    mut progress: impl FnMut(usize),
) -> Result<()> {
    let Names {
        customer,
        product: product_name,
    } = names;
    let now = store.now_ms();
    let mut tx = store.write().await?;
    let bins: Vec<Vec<Cell>> = (0..200)
        .map(|b| {
            vec![
                Cell::Text(format!(
                    "{}-{:02}",
                    (b'A' + (b / 20) as u8) as char,
                    b % 20 + 1
                )),
                Cell::Int(now),
            ]
        })
        .collect();
    insert_rows(&mut tx, "bins", &["code", "created_at"], bins).await?;
    for start in (0..products).step_by(20_000) {
        let end = (start + 20_000).min(products);
        let mut prows = Vec::new();
        let mut brows = Vec::new();
        let mut srows = Vec::new();
        for i in start..end {
            let id = i as i64 + 1;
            let bin = format!(
                "{}-{:02}",
                (b'A' + ((i % 200) / 20) as u8) as char,
                i % 20 + 1
            );
            prows.push(vec![
                Cell::Int(id),
                Cell::Text(synthetic_sku(i)),
                Cell::Text(product_name(i)),
                Cell::Int(50 + (i % 900) as i64),
                Cell::Text(CATEGORIES[(i / 7) % CATEGORIES.len()].into()),
                Cell::Text(bin.clone()),
                Cell::Int(now),
                Cell::Int(now),
            ]);
            let ean = synthetic_ean13(i);
            brows.push(vec![
                Cell::Text(ean.clone()),
                Cell::Int(id),
                Cell::Int(1),
                Cell::Text(format!("0{ean}")),
            ]);
            srows.push(vec![
                Cell::Int(id),
                Cell::Text(bin),
                Cell::Int(1_000_000),
                Cell::Int(0),
            ]);
        }
        insert_rows(
            &mut tx,
            "products",
            &[
                "id",
                "sku",
                "name",
                "weight_g",
                "category",
                "default_bin",
                "created_at",
                "updated_at",
            ],
            prows,
        )
        .await?;
        insert_rows(
            &mut tx,
            "product_barcodes",
            &["code", "product_id", "units", "gtin14"],
            brows,
        )
        .await?;
        insert_rows(
            &mut tx,
            "stock",
            &["product_id", "bin", "on_hand", "reserved"],
            srows,
        )
        .await?;
    }
    // On hand is the stock ledger's sum: the generated stock gets its
    // opening rows, as migration 0016 gave stock written before it.
    sqlx::query(
        "INSERT INTO stock_moves (product_id, bin, delta, reason, kind, at, user_name, station) \
         SELECT product_id, bin, on_hand, 'opening balance', 'opening', $1, 'bench', 'generator' \
         FROM stock WHERE on_hand <> 0",
    )
    .bind(store.now_ms())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    let day_ms = 86_400_000i64;
    for start in (0..orders).step_by(10_000) {
        let end = (start + 10_000).min(orders);
        let mut tx = store.write().await?;
        let mut orows = Vec::with_capacity(end - start);
        let mut lrows = Vec::new();
        for i in start..end {
            let id = i as i64 + 1;
            let number = synthetic_order_number(i);
            let (name, email, phone, address) = customer(i);
            let status = if i % confirmed_every == 0 {
                OrderStatus::Confirmed
            } else {
                OrderStatus::Completed
            };
            let created = now - ((orders - i) as i64 * day_ms * 365 / orders.max(1) as i64);
            let search = order_search_text(&number, &name, &email, &phone, "");
            let delivery = DELIVERY[(i / 3) % DELIVERY.len()];
            let delivery_cost: i64 = if delivery == "Самовывоз" {
                0
            } else {
                20_000 + ((i * 37) % 40) as i64 * 1_000
            };
            let lines = synthetic_lines(i, products);
            let units: i64 = lines.iter().map(|l| l.1).sum();
            let goods: i64 = lines
                .iter()
                .map(|&(p, qty)| line_amount_minor(qty, synthetic_price(p), 0))
                .sum();
            orows.push(vec![
                Cell::Int(id),
                Cell::Text(number),
                Cell::Text(CHANNELS[i % CHANNELS.len()].into()),
                Cell::Text(name),
                Cell::Text(email),
                Cell::Text(phone),
                Cell::Text(address),
                Cell::Text(delivery.into()),
                Cell::Int(delivery_cost),
                Cell::Text("RUB".into()),
                Cell::Text(synthetic_payment(i).as_str().into()),
                Cell::Text(String::new()),
                Cell::Text(status.as_str().into()),
                Cell::Int(created),
                Cell::Int(created),
                Cell::Int(created),
                Cell::Text(search),
                Cell::Int(units),
                Cell::Int(goods + delivery_cost),
            ]);
            for (pos, (p, qty)) in lines.into_iter().enumerate() {
                let packed = if status == OrderStatus::Completed {
                    qty
                } else {
                    0
                };
                let price = synthetic_price(p);
                lrows.push(vec![
                    Cell::Int(id),
                    Cell::Int(pos as i64 + 1),
                    Cell::Int(p as i64 + 1),
                    Cell::Text(synthetic_sku(p)),
                    Cell::Text(product_name(p)),
                    Cell::Int(qty),
                    Cell::Int(price),
                    Cell::Int(0),
                    Cell::Int(2000),
                    Cell::Int(packed),
                    Cell::Int(line_amount_minor(qty, price, 0)),
                ]);
            }
        }
        insert_rows(
            &mut tx,
            "orders",
            &[
                "id",
                "number",
                "channel",
                "customer_name",
                "email",
                "phone",
                "shipping_address",
                "delivery_method",
                "delivery_cost_minor",
                "currency",
                "payment_status",
                "comment",
                "status",
                "status_changed_at",
                "created_at",
                "updated_at",
                "search_text",
                "units",
                "total_minor",
            ],
            orows,
        )
        .await?;
        insert_rows(
            &mut tx,
            "order_lines",
            &[
                "order_id",
                "position",
                "product_id",
                "sku",
                "name",
                "quantity",
                "unit_price_minor",
                "discount_minor",
                "tax_rate_bp",
                "packed",
                "amount_minor",
            ],
            lrows,
        )
        .await?;
        tx.commit().await?;
        progress(end);
    }
    if store.engine() == Engine::Postgres {
        // Explicit ids do not move identity sequences; later inserts would collide.
        for table in ["products", "orders"] {
            let sql = format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"
            );
            sqlx::query(&sql).execute(store.pool()).await?;
        }
        sqlx::query("ANALYZE").execute(store.pool()).await?;
    } else {
        sqlx::query("ANALYZE").execute(store.pool()).await?;
    }
    Ok(())
}

/// A generated database made afresh: dropped (closing other sessions) and
/// created again on the PostgreSQL server `admin` is connected to.
pub async fn recreate_database(admin: &Store, name: &str) -> Result<()> {
    super::create_database_if_missing(admin, name).await?;
    sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .execute(admin.pool())
        .await?;
    super::create_database_if_missing(admin, name).await
}

/// What racing stations left behind, counted from the ledgers (the race
/// benchmark's check; every figure but the first two should be 0).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RaceAudit {
    pub shipped_orders: i64,
    /// Accepted scans in the ledger.
    pub accepted_scans: i64,
    /// Orders with more than one `shipped` event.
    pub double_shipped: i64,
    /// Orders claimed by more than one station.
    pub double_claimed: i64,
    /// Orders with scans from more than one station.
    pub packed_by_two: i64,
    /// Order lines whose packed count differs from their scans' sum.
    pub lines_off: i64,
}

pub async fn race_audit(store: &Store) -> Result<RaceAudit> {
    let one = |sql: &'static str| async move {
        let n: i64 = sqlx::query_scalar(sql).fetch_one(store.pool()).await?;
        Ok::<i64, crate::Error>(n)
    };
    Ok(RaceAudit {
        shipped_orders: one("SELECT COUNT(*) FROM orders WHERE status = 'shipped'").await?,
        accepted_scans: one("SELECT COUNT(*) FROM scans WHERE units > 0 AND reverses IS NULL")
            .await?,
        double_shipped: one(
            "SELECT COUNT(*) FROM (SELECT order_id FROM events WHERE kind = 'shipped' \
             GROUP BY order_id HAVING COUNT(*) > 1) d",
        )
        .await?,
        double_claimed: one(
            "SELECT COUNT(*) FROM (SELECT order_id FROM events WHERE kind = 'claimed' \
             GROUP BY order_id HAVING COUNT(DISTINCT station) > 1) d",
        )
        .await?,
        packed_by_two: one(
            "SELECT COUNT(*) FROM (SELECT order_id FROM scans GROUP BY order_id \
             HAVING COUNT(DISTINCT station) > 1) d",
        )
        .await?,
        lines_off: one("SELECT COUNT(*) FROM order_lines l LEFT JOIN \
             (SELECT line_id, SUM(units) AS units FROM scans GROUP BY line_id) s \
             ON s.line_id = l.id WHERE l.packed <> COALESCE(s.units, 0)")
        .await?,
    })
}
