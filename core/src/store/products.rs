//! Products, barcodes, bins and stock.

use crate::domain::barcode::{self, ScanCode};
use crate::domain::NewProduct;
use crate::ops::Actor;
use crate::{Error, Result};
use sqlx::{AnyConnection, Row};

/// A product found by a scan, with how many units that barcode counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductHit {
    pub id: i64,
    pub sku: String,
    pub name: String,
    pub units: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpsertOutcome {
    Created,
    Updated,
}

/// Creates or updates a product by SKU, with its barcodes and stock, and
/// links waiting order lines that named this SKU before it existed.
pub async fn upsert(
    conn: &mut AnyConnection,
    p: &NewProduct,
    actor: &Actor,
    now_ms: i64,
) -> Result<(i64, UpsertOutcome)> {
    p.validate().map_err(Error::Invalid)?;
    let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM products WHERE sku = $1")
        .bind(&p.sku)
        .fetch_optional(&mut *conn)
        .await?;
    let (id, outcome) = match existing {
        Some(id) => {
            sqlx::query(
                "UPDATE products SET name = $1, weight_g = $2, default_bin = $3, updated_at = $4 WHERE id = $5",
            )
            .bind(&p.name)
            .bind(p.weight_g)
            .bind(&p.default_bin)
            .bind(now_ms)
            .bind(id)
            .execute(&mut *conn)
            .await?;
            (id, UpsertOutcome::Updated)
        }
        None => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO products (sku, name, weight_g, default_bin, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
            )
            .bind(&p.sku)
            .bind(&p.name)
            .bind(p.weight_g)
            .bind(&p.default_bin)
            .bind(now_ms)
            .fetch_one(&mut *conn)
            .await?;
            (id, UpsertOutcome::Created)
        }
    };
    if let Some(bin) = &p.default_bin {
        ensure_bin(conn, bin, now_ms).await?;
    }
    for b in &p.barcodes {
        let code = barcode::normalize(&b.code)
            .map_err(|e| Error::Invalid(format!("barcode {:?} of {}: {e}", b.code, p.sku)))?;
        let owner: Option<(i64, String)> = sqlx::query(
            "SELECT b.product_id, p.sku FROM product_barcodes b JOIN products p ON p.id = b.product_id WHERE b.code = $1",
        )
        .bind(&code)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| Ok::<_, sqlx::Error>((r.try_get(0)?, r.try_get(1)?)))
        .transpose()?;
        match owner {
            Some((owner_id, _)) if owner_id == id => {
                sqlx::query("UPDATE product_barcodes SET units = $1 WHERE code = $2")
                    .bind(b.units)
                    .bind(&code)
                    .execute(&mut *conn)
                    .await?;
            }
            Some((_, owner_sku)) => {
                return Err(Error::Invalid(format!(
                    "barcode {code} of {} already belongs to {owner_sku}; one barcode names one product",
                    p.sku
                )))
            }
            None => {
                let gtin14 = match barcode::classify(&code) {
                    Ok(ScanCode::Gtin { gtin14 }) => Some(gtin14),
                    _ => None,
                };
                sqlx::query(
                    "INSERT INTO product_barcodes (code, product_id, units, gtin14) VALUES ($1, $2, $3, $4)",
                )
                .bind(&code)
                .bind(id)
                .bind(b.units)
                .bind(gtin14)
                .execute(&mut *conn)
                .await?;
            }
        }
    }
    for s in &p.stock {
        set_stock(conn, id, &s.bin, s.on_hand, "import", actor, now_ms).await?;
    }
    sqlx::query("UPDATE order_lines SET product_id = $1 WHERE product_id IS NULL AND sku = $2")
        .bind(id)
        .bind(&p.sku)
        .execute(&mut *conn)
        .await?;
    Ok((id, outcome))
}

pub async fn ensure_bin(conn: &mut AnyConnection, bin: &str, now_ms: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO bins (code, created_at) VALUES ($1, $2) ON CONFLICT (code) DO NOTHING",
    )
    .bind(bin)
    .bind(now_ms)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Sets the on-hand count of a product in a bin, recording the difference as
/// a stock move with its reason.
pub async fn set_stock(
    conn: &mut AnyConnection,
    product_id: i64,
    bin: &str,
    on_hand: i64,
    reason: &str,
    actor: &Actor,
    now_ms: i64,
) -> Result<()> {
    ensure_bin(conn, bin, now_ms).await?;
    let old: Option<i64> =
        sqlx::query_scalar("SELECT on_hand FROM stock WHERE product_id = $1 AND bin = $2")
            .bind(product_id)
            .bind(bin)
            .fetch_optional(&mut *conn)
            .await?;
    let delta = on_hand - old.unwrap_or(0);
    if old.is_none() {
        sqlx::query(
            "INSERT INTO stock (product_id, bin, on_hand, reserved) VALUES ($1, $2, $3, 0)",
        )
        .bind(product_id)
        .bind(bin)
        .bind(on_hand)
        .execute(&mut *conn)
        .await?;
    } else if delta != 0 {
        sqlx::query("UPDATE stock SET on_hand = $1 WHERE product_id = $2 AND bin = $3")
            .bind(on_hand)
            .bind(product_id)
            .bind(bin)
            .execute(&mut *conn)
            .await?;
    }
    if delta != 0 {
        move_stock_ledger(conn, product_id, bin, delta, reason, None, actor, now_ms).await?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub async fn move_stock_ledger(
    conn: &mut AnyConnection,
    product_id: i64,
    bin: &str,
    delta: i64,
    reason: &str,
    order_id: Option<i64>,
    actor: &Actor,
    now_ms: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO stock_moves (product_id, bin, delta, reason, order_id, at, user_name, station) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(product_id)
    .bind(bin)
    .bind(delta)
    .bind(reason)
    .bind(order_id)
    .bind(now_ms)
    .bind(&actor.user)
    .bind(&actor.station)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn hit(row: sqlx::any::AnyRow) -> Result<ProductHit> {
    Ok(ProductHit {
        id: row.try_get(0)?,
        sku: row.try_get(1)?,
        name: row.try_get(2)?,
        units: row.try_get(3)?,
    })
}

/// Finds a product by a scanned code: first the code exactly as a barcode,
/// then the GTIN inside it (an EAN-13 matches its GTIN-14 with a leading 0),
/// then as a SKU. `Err(reason)` when the code is malformed.
pub async fn find_by_scan(
    conn: &mut AnyConnection,
    normalized: &str,
) -> Result<std::result::Result<Option<ProductHit>, barcode::BarcodeError>> {
    let exact = sqlx::query(
        "SELECT p.id, p.sku, p.name, b.units FROM product_barcodes b \
         JOIN products p ON p.id = b.product_id WHERE b.code = $1",
    )
    .bind(normalized)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(row) = exact {
        return Ok(Ok(Some(hit(row)?)));
    }
    let classified = match barcode::classify(normalized) {
        Ok(c) => c,
        Err(e) => return Ok(Err(e)),
    };
    let gtin = match &classified {
        ScanCode::Gtin { gtin14 } => Some(gtin14.clone()),
        ScanCode::Gs1(gs1) => gs1.gtin14().map(str::to_string),
        ScanCode::Text(_) => None,
    };
    if let Some(gtin) = gtin {
        let row = sqlx::query(
            "SELECT p.id, p.sku, p.name, b.units FROM product_barcodes b \
             JOIN products p ON p.id = b.product_id WHERE b.gtin14 = $1",
        )
        .bind(&gtin)
        .fetch_optional(&mut *conn)
        .await?;
        return Ok(Ok(row.map(hit).transpose()?));
    }
    let row = sqlx::query("SELECT id, sku, name, 1 FROM products WHERE sku = $1")
        .bind(normalized)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(Ok(row.map(hit).transpose()?))
}
