//! Products, barcodes, bins and stock.

use super::stock::{ensure_bin, set_on_hand};
use crate::domain::barcode::{self, ScanCode};
use crate::domain::{Actor, NewProduct, ProductBarcode, ProductHit};
use crate::{Error, Result};
use sqlx::AnyConnection;

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
                "UPDATE products SET name = $1, weight_g = $2, default_bin = $3, updated_at = $4, \
                 category = COALESCE($6, category) WHERE id = $5",
            )
            .bind(&p.name)
            .bind(p.weight_g)
            .bind(&p.default_bin)
            .bind(now_ms)
            .bind(id)
            .bind(&p.category)
            .execute(&mut *conn)
            .await?;
            (id, UpsertOutcome::Updated)
        }
        None => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO products (sku, name, weight_g, default_bin, created_at, updated_at, category) \
                 VALUES ($1, $2, $3, $4, $5, $5, COALESCE($6, '')) RETURNING id",
            )
            .bind(&p.sku)
            .bind(&p.name)
            .bind(p.weight_g)
            .bind(&p.default_bin)
            .bind(now_ms)
            .bind(&p.category)
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
        let owner: Option<(i64, String)> = sqlx::query_as(
            "SELECT b.product_id, p.sku FROM product_barcodes b JOIN products p ON p.id = b.product_id WHERE b.code = $1",
        )
        .bind(&code)
        .fetch_optional(&mut *conn)
        .await?;
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
        set_on_hand(conn, id, &s.bin, s.on_hand, "import", actor, now_ms).await?;
    }
    sqlx::query("UPDATE order_lines SET product_id = $1 WHERE product_id IS NULL AND sku = $2")
        .bind(id)
        .bind(&p.sku)
        .execute(&mut *conn)
        .await?;
    Ok((id, outcome))
}

/// Finds a product by a scanned code: first the code exactly as a barcode,
/// then the GTIN inside it (an EAN-13 matches its GTIN-14 with a leading 0),
/// then as a SKU. `Err(reason)` when the code is malformed.
pub async fn find_by_scan(
    conn: &mut AnyConnection,
    normalized: &str,
) -> Result<std::result::Result<Option<ProductHit>, barcode::BarcodeError>> {
    // SQLite: `+$1` (see [`super::stable_marks`]).
    let sql = if super::stable_marks(conn) {
        "SELECT p.id, p.sku, p.name, b.units, p.marked FROM product_barcodes b \
         JOIN products p ON p.id = b.product_id WHERE b.code = +$1"
    } else {
        "SELECT p.id, p.sku, p.name, b.units, p.marked FROM product_barcodes b \
         JOIN products p ON p.id = b.product_id WHERE b.code = $1"
    };
    let exact: Option<ProductHit> = sqlx::query_as(sql)
        .bind(normalized)
        .fetch_optional(&mut *conn)
        .await?;
    if exact.is_some() {
        return Ok(Ok(exact));
    }
    find_by_scan_after_exact(conn, normalized).await
}

/// [`find_by_scan`] once no barcode is exactly the code (the scan path
/// looked that up already with the order): the GTIN inside it, then the
/// code as a SKU.
pub async fn find_by_scan_after_exact(
    conn: &mut AnyConnection,
    normalized: &str,
) -> Result<std::result::Result<Option<ProductHit>, barcode::BarcodeError>> {
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
        let sql = if super::stable_marks(conn) {
            "SELECT p.id, p.sku, p.name, b.units, p.marked FROM product_barcodes b \
             JOIN products p ON p.id = b.product_id WHERE b.gtin14 = +$1"
        } else {
            "SELECT p.id, p.sku, p.name, b.units, p.marked FROM product_barcodes b \
             JOIN products p ON p.id = b.product_id WHERE b.gtin14 = $1"
        };
        return Ok(Ok(sqlx::query_as(sql)
            .bind(&gtin)
            .fetch_optional(&mut *conn)
            .await?));
    }
    Ok(Ok(sqlx::query_as(
        "SELECT id, sku, name, CAST(1 AS BIGINT) AS units, marked FROM products WHERE sku = $1",
    )
    .bind(normalized)
    .fetch_optional(&mut *conn)
    .await?))
}

/// A product's own columns.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ProductRow {
    pub id: i64,
    pub sku: String,
    pub name: String,
    pub weight_g: i64,
    pub default_bin: Option<String>,
    pub category: String,
    pub low_stock: Option<i64>,
    #[sqlx(try_from = "crate::store::codec::Flag")]
    pub marked: bool,
}

pub async fn by_sku(conn: &mut AnyConnection, sku: &str) -> Result<ProductRow> {
    sqlx::query_as(
        "SELECT id, sku, name, weight_g, default_bin, category, low_stock, marked FROM products WHERE sku = $1",
    )
        .bind(sku.trim())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| Error::not_found("product", sku.trim()))
}

/// Sets the low-stock threshold (None: the product is never "low").
pub async fn set_low_stock(conn: &mut AnyConnection, id: i64, low: Option<i64>) -> Result<()> {
    sqlx::query("UPDATE products SET low_stock = $1 WHERE id = $2")
        .bind(low)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Marks the product as marked goods (Честный ЗНАК) or not.
pub async fn set_marked(conn: &mut AnyConnection, id: i64, marked: bool) -> Result<()> {
    sqlx::query("UPDATE products SET marked = $1 WHERE id = $2")
        .bind(i64::from(marked))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Takes a barcode off the product.
pub async fn remove_barcode(conn: &mut AnyConnection, id: i64, code: &str) -> Result<()> {
    sqlx::query("DELETE FROM product_barcodes WHERE product_id = $1 AND code = $2")
        .bind(id)
        .bind(code)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The product's barcodes, single units first.
pub async fn barcodes(conn: &mut AnyConnection, product_id: i64) -> Result<Vec<ProductBarcode>> {
    Ok(sqlx::query_as(
        "SELECT code, units FROM product_barcodes WHERE product_id = $1 ORDER BY units, code",
    )
    .bind(product_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// A product found by the order desk's search, with its free stock.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProductMatch {
    pub sku: String,
    pub name: String,
    /// On hand and not reserved, over all bins.
    pub free: i64,
}

const MATCH_COLUMNS: &str = "p.sku, p.name, \
    (SELECT CAST(COALESCE(SUM(s.on_hand - s.reserved), 0) AS BIGINT) FROM stock s \
     WHERE s.product_id = p.id AND s.on_hand > s.reserved) AS free";

/// Products whose SKU or name holds what was typed (a name in any case of
/// its first letter: SQLite folds only ASCII), SKU order.
pub async fn search(
    conn: &mut AnyConnection,
    query: &str,
    limit: i64,
) -> Result<Vec<ProductMatch>> {
    let q = query.trim();
    if q.is_empty() {
        return Ok(Vec::new());
    }
    let mut args = sqlx::any::AnyArguments::default();
    let mut ors = vec!["UPPER(p.sku) LIKE $1".to_string()];
    sqlx::Arguments::add(&mut args, format!("%{}%", q.to_ascii_uppercase()))
        .map_err(sqlx::Error::Encode)?;
    for v in crate::domain::search::case_variants(q) {
        sqlx::Arguments::add(&mut args, format!("%{v}%")).map_err(sqlx::Error::Encode)?;
        ors.push(format!("p.name LIKE ${}", ors.len() + 1));
    }
    Ok(sqlx::query_as_with(
        &format!(
            "SELECT {MATCH_COLUMNS} FROM products p WHERE {} ORDER BY p.sku LIMIT {limit}",
            ors.join(" OR ")
        ),
        args,
    )
    .fetch_all(&mut *conn)
    .await?)
}

/// One product by id, as the search shows it.
pub async fn match_by_id(conn: &mut AnyConnection, id: i64) -> Result<ProductMatch> {
    sqlx::query_as(&format!(
        "SELECT {MATCH_COLUMNS} FROM products p WHERE p.id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| Error::not_found("product", id.to_string()))
}
