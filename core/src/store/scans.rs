//! The scan ledger: append-only, one row per scan, refused ones too. It
//! serves the packing table (rows of an order) and the pick walk (rows of a
//! pick list); a client's scan id is unique across both, so a retried scan
//! is counted once wherever it was made.

use super::bad_stored;
use crate::domain::dropship::DropshipState;
use crate::domain::scan::ScanLine;
use crate::domain::time::Millis;
use crate::domain::{Actor, OrderHead, ProductHit, ScanKind};
use crate::Result;
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::Serialize;
use sqlx::AnyConnection;

/// What a scan was made against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanTarget {
    Order(i64),
    PickList(i64),
}

/// A scan recorded earlier under the same client scan id: its code and the
/// verdict it got then (a packing or a picking outcome).
pub struct EarlierScan<V> {
    pub code: String,
    pub verdict: V,
}

/// The scan recorded under `scan_id`, if any. Its verdict must read back as
/// `V`; a ledger row that does not (damaged, or the id was used for a pick
/// scan and is now retried at packing) is an error, never a guess.
pub async fn earlier<V: DeserializeOwned>(
    conn: &mut AnyConnection,
    scan_id: &str,
) -> Result<Option<EarlierScan<V>>> {
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT code, detail FROM scans WHERE scan_id = $1")
            .bind(scan_id)
            .fetch_optional(&mut *conn)
            .await?;
    let Some((code, detail)) = row else {
        return Ok(None);
    };
    Ok(Some(read_earlier(scan_id, code, &detail)?))
}

fn read_earlier<V: DeserializeOwned>(
    scan_id: &str,
    code: String,
    detail: &str,
) -> Result<EarlierScan<V>> {
    let verdict = serde_json::from_str(detail).map_err(|e| {
        bad_stored(
            "scans.detail",
            format!("the verdict of scan {scan_id} cannot be read back ({e})"),
        )
    })?;
    Ok(EarlierScan { code, verdict })
}

/// What a packing scan reads before it decides, in one statement (one
/// round trip to PostgreSQL, one call into SQLite's connection thread,
/// where it was five): the order and its lines, the scan recorded earlier
/// under the same client id, the order's open carton, and the product
/// whose barcode is exactly the scanned code.
pub struct ScanContext<V> {
    pub head: OrderHead,
    /// The order's lines, in their order.
    pub lines: Vec<ScanLine>,
    pub earlier: Option<EarlierScan<V>>,
    pub open_carton: Option<i64>,
    /// None when no barcode is exactly the code: the GTIN inside it, or
    /// the code as a SKU, may still find a product
    /// ([`super::products::find_by_scan_after_exact`]).
    pub exact: Option<ProductHit>,
}

#[derive(sqlx::FromRow)]
struct ContextRow {
    #[sqlx(flatten)]
    head: OrderHead,
    scan_lines: String,
    earlier_code: Option<String>,
    earlier_detail: Option<String>,
    open_carton: Option<i64>,
    hit_id: Option<i64>,
    hit_sku: Option<String>,
    hit_name: Option<String>,
    hit_units: Option<i64>,
    hit_marked: Option<i64>,
}

/// The statement of [`scan_context`], with the marks of its three values
/// (the order number, the scan id, the code), and the engine's statement
/// for the order's lines ([`read_scan_lines`] reads what it gives).
fn context_sql([number, scan_id, code]: [&str; 3], lines: &str) -> String {
    format!(
        "SELECT {head}, {lines} AS scan_lines, \
         (SELECT s.code FROM scans s WHERE s.scan_id = {scan_id}) AS earlier_code, \
         (SELECT s.detail FROM scans s WHERE s.scan_id = {scan_id}) AS earlier_detail, \
         (SELECT c.id FROM cartons c WHERE c.order_id = orders.id AND c.closed_at IS NULL) \
           AS open_carton, \
         hit.hit_id, hit.hit_sku, hit.hit_name, hit.hit_units, hit.hit_marked \
         FROM orders LEFT JOIN (SELECT p.id AS hit_id, p.sku AS hit_sku, p.name AS hit_name, \
           b.units AS hit_units, p.marked AS hit_marked \
           FROM product_barcodes b JOIN products p ON p.id = b.product_id \
           WHERE b.code = {code}) hit \
         ON 1 = 1 \
         WHERE orders.number = {number}",
        head = super::orders::HEAD_COLUMNS
    )
}

/// The [`ScanContext`] of order `number` (its current number; None when no
/// order has it now, and the caller looks it up the long way, which also
/// finds a former number). `exact_code` is the normalised code.
pub async fn scan_context<V: DeserializeOwned>(
    conn: &mut AnyConnection,
    number: &str,
    scan_id: &str,
    exact_code: &str,
) -> Result<Option<ScanContext<V>>> {
    // SQLite: `+$n` marks (see [`super::stable_marks`]); without them this
    // statement was compiled again on every scan (136 µs of SQLite's time).
    // The order's lines, as [`read_scan_lines`] reads them: one JSON array
    // per line, in the lines' order. SQLite's aggregate takes an ORDER BY
    // from 3.44 on (sqlx 0.8.6 bundles 3.46; a system SQLite older than
    // that would refuse the statement on every scan).
    const LINE: &str = "l.id, l.product_id, l.sku, l.name, l.quantity, l.packed, po.state";
    const LINES_OF_ORDER: &str = "FROM order_lines l \
        LEFT JOIN purchase_orders po ON po.id = l.purchase_order_id \
        WHERE l.order_id = orders.id";
    static SQLITE: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        context_sql(
            ["+$1", "+$2", "+$3"],
            &format!(
                "(SELECT json_group_array(json_array({LINE}) ORDER BY l.position) \
                 {LINES_OF_ORDER})"
            ),
        )
    });
    static POSTGRES: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        context_sql(
            ["$1", "$2", "$3"],
            &format!(
                "(SELECT COALESCE(json_agg(json_build_array({LINE}) ORDER BY l.position), \
                 '[]'::json)::text {LINES_OF_ORDER})"
            ),
        )
    });
    let sql = if super::stable_marks(conn) {
        SQLITE.as_str()
    } else {
        POSTGRES.as_str()
    };
    let row: Option<ContextRow> = sqlx::query_as(sql)
        .bind(number.trim())
        .bind(scan_id)
        .bind(exact_code)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(r) = row else {
        return Ok(None);
    };
    let earlier = match (r.earlier_code, r.earlier_detail) {
        (Some(code), Some(detail)) => Some(read_earlier(scan_id, code, &detail)?),
        _ => None,
    };
    let exact = match (r.hit_id, r.hit_sku, r.hit_name, r.hit_units, r.hit_marked) {
        (Some(id), Some(sku), Some(name), Some(units), Some(marked)) => Some(ProductHit {
            id,
            sku,
            name,
            units,
            marked: match marked {
                0 => false,
                1 => true,
                other => {
                    return Err(bad_stored(
                        "products.marked",
                        format!("{other} is not a yes (1) or no (0)"),
                    ))
                }
            },
        }),
        _ => None,
    };
    let lines = read_scan_lines(&r.scan_lines)?;
    Ok(Some(ScanContext {
        head: r.head,
        lines,
        earlier,
        open_carton: r.open_carton,
        exact,
    }))
}

/// The order's lines as [`scan_context`]'s statement lists them: a JSON
/// array of `[id, product_id, sku, name, quantity, packed, purchase order
/// state]`, one per line.
fn read_scan_lines(json: &str) -> Result<Vec<ScanLine>> {
    type Row = (
        i64,
        Option<i64>,
        String,
        String,
        i64,
        i64,
        Option<DropshipState>,
    );
    let rows: Vec<Row> = serde_json::from_str(json).map_err(|e| {
        bad_stored(
            "order_lines",
            format!("the order's lines cannot be read for a scan ({e})"),
        )
    })?;
    Ok(rows
        .into_iter()
        .map(
            |(id, product_id, sku, name, quantity, packed, state)| ScanLine {
                id,
                product_id,
                sku,
                name,
                quantity,
                packed,
                dropship: state.is_some_and(DropshipState::supplier_ships),
            },
        )
        .collect())
}

pub struct NewScan<'a, V> {
    pub scan_id: &'a str,
    pub target: ScanTarget,
    pub actor: &'a Actor,
    pub at_ms: i64,
    pub code: &'a str,
    pub kind: ScanKind,
    /// The whole verdict, as a retry of the same scan id gets it back.
    pub verdict: &'a V,
    /// The order line or pick line it counted on, and how many units.
    pub counted: Option<(i64, i64)>,
    pub marking_code: Option<&'a str>,
    /// The ledger row an undo takes back.
    pub reverses: Option<i64>,
    /// The carton an accepted scan went into (and its undo came out of).
    pub carton: Option<i64>,
}

pub async fn append<V: Serialize>(conn: &mut AnyConnection, s: NewScan<'_, V>) -> Result<i64> {
    let (order_id, pick_list_id) = match s.target {
        ScanTarget::Order(id) => (Some(id), None),
        ScanTarget::PickList(id) => (None, Some(id)),
    };
    let (line_id, units) = match s.counted {
        Some((line, units)) => (Some(line), units),
        None => (None, 0),
    };
    let detail = serde_json::to_string(s.verdict)
        .map_err(|e| crate::Error::Invalid(format!("the scan's verdict cannot be kept: {e}")))?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO scans (scan_id, order_id, pick_list_id, station, user_name, at, code, outcome, \
         detail, line_id, units, marking_code, reverses, carton_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
    )
    .bind(s.scan_id)
    .bind(order_id)
    .bind(pick_list_id)
    .bind(&s.actor.station)
    .bind(&s.actor.user)
    .bind(s.at_ms)
    .bind(s.code)
    .bind(s.kind)
    .bind(detail)
    .bind(line_id)
    .bind(units)
    .bind(s.marking_code)
    .bind(s.reverses)
    .bind(s.carton)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// The last accepted scan of an order that no undo has taken back yet.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Undoable {
    pub id: i64,
    pub line_id: i64,
    pub units: i64,
    pub code: String,
    pub carton_id: Option<i64>,
}

pub async fn last_undoable(conn: &mut AnyConnection, order_id: i64) -> Result<Option<Undoable>> {
    Ok(sqlx::query_as(
        "SELECT s.id, s.line_id, s.units, s.code, s.carton_id FROM scans s \
         WHERE s.order_id = $1 AND s.outcome = $2 \
           AND NOT EXISTS (SELECT 1 FROM scans u WHERE u.reverses = s.id) \
         ORDER BY s.id DESC LIMIT 1",
    )
    .bind(order_id)
    .bind(ScanKind::Accepted)
    .fetch_optional(&mut *conn)
    .await?)
}

/// The order in which this marking code is packed now (an accepted scan
/// not taken back, and not come back resellable in a return since), if any. On PostgreSQL the caller's transaction holds a
/// lock on the code until it ends, so two stations packing the same item
/// at once are told apart.
pub async fn marking_code_packed_in(
    conn: &mut AnyConnection,
    engine: super::Engine,
    marking: &str,
) -> Result<Option<String>> {
    if engine == super::Engine::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))::text")
            .bind(marking)
            .execute(&mut *conn)
            .await?;
    }
    Ok(sqlx::query_scalar(
        "SELECT o.number FROM scans s JOIN orders o ON o.id = s.order_id \
         WHERE s.marking_code = $1 AND s.outcome = $2 \
           AND NOT EXISTS (SELECT 1 FROM scans u WHERE u.reverses = s.id) \
           AND NOT EXISTS (SELECT 1 FROM return_lines r WHERE r.marking_code = s.marking_code \
                             AND r.condition = 'resellable' AND r.received_at >= s.at) \
         ORDER BY s.id DESC LIMIT 1",
    )
    .bind(marking)
    .bind(ScanKind::Accepted)
    .fetch_optional(&mut *conn)
    .await?)
}

/// A marking code packed in an order, with its product and order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PackedMarking {
    pub number: String,
    #[sqlx(try_from = "Millis")]
    pub at: DateTime<Utc>,
    pub sku: String,
    /// The code as scanned, its GS separators kept.
    pub code: String,
}

const PACKED_MARKING: &str = "SELECT o.number, s.at, l.sku, s.marking_code AS code \
    FROM scans s JOIN orders o ON o.id = s.order_id JOIN order_lines l ON l.id = s.line_id \
    WHERE s.marking_code IS NOT NULL AND s.outcome = 'accepted' \
      AND NOT EXISTS (SELECT 1 FROM scans u WHERE u.reverses = s.id)";

/// The marking codes packed in an order now, in the order scanned.
pub async fn marking_codes(conn: &mut AnyConnection, order_id: i64) -> Result<Vec<PackedMarking>> {
    Ok(sqlx::query_as(&format!(
        "{PACKED_MARKING} AND s.order_id = $1 ORDER BY s.id"
    ))
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// The marking codes packed in [from, until) (UTC ms), in the order scanned.
pub async fn marking_codes_between(
    conn: &mut AnyConnection,
    from_ms: i64,
    until_ms: i64,
) -> Result<Vec<PackedMarking>> {
    Ok(sqlx::query_as(&format!(
        "{PACKED_MARKING} AND s.at >= $1 AND s.at < $2 ORDER BY s.id"
    ))
    .bind(from_ms)
    .bind(until_ms)
    .fetch_all(&mut *conn)
    .await?)
}

/// One scan in an order's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ScanView {
    #[sqlx(try_from = "Millis")]
    pub at: DateTime<Utc>,
    #[sqlx(rename = "user_name")]
    pub user: String,
    pub station: String,
    pub code: String,
    pub outcome: ScanKind,
    pub units: i64,
}

/// The order's newest `limit` scans, oldest first.
pub async fn of_order(
    conn: &mut AnyConnection,
    order_id: i64,
    limit: i64,
) -> Result<Vec<ScanView>> {
    let mut scans: Vec<ScanView> = sqlx::query_as(
        "SELECT at, user_name, station, code, outcome, units FROM scans \
         WHERE order_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(order_id)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    scans.reverse();
    Ok(scans)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lines_of_a_scan_context_read_back_and_bad_ones_are_named() {
        // As SQLite's json_array and PostgreSQL's json_build_array write them.
        let json = r#"[[7,3,"PB-1","Кружка \"Утро\" \\ 0,3 л",2,1,null],
                       [8,null,"FREE","без товара",1,0,null],
                       [9,4,"PB-2","от поставщика",1,0,"awaiting_supplier"],
                       [10,5,"PB-3","заказ отменён",1,0,"cancelled"]]"#;
        let lines = read_scan_lines(json).unwrap();
        assert_eq!(lines.len(), 4);
        assert_eq!(
            lines[0],
            ScanLine {
                id: 7,
                product_id: Some(3),
                sku: "PB-1".into(),
                name: r#"Кружка "Утро" \ 0,3 л"#.into(),
                quantity: 2,
                packed: 1,
                dropship: false,
            }
        );
        assert_eq!(lines[1].product_id, None);
        assert!(lines[2].dropship, "the supplier ships it");
        assert!(
            !lines[3].dropship,
            "a cancelled purchase order's line is ours"
        );
        assert!(read_scan_lines("[]").unwrap().is_empty());
        let bad = read_scan_lines(r#"[[7,3,"PB-1","x",2,1,"lost"]]"#).unwrap_err();
        assert!(
            bad.to_string().contains("order_lines"),
            "a state no purchase order has is bad stored data: {bad}"
        );
    }
}
