//! An [`OrderFilter`] as SQL: the one place that turns a filter into a
//! query, shared by the list (a page, newest first), the group counts and
//! the export. Every filter that can use an index does: status, payment,
//! channel and delivery method with the id (`(column, id)` indexes, so the
//! newest page is read straight off the index), dates, totals, units and
//! delivery cost by range indexes, customer words through the full-text
//! index, products through `order_lines(product_id, order_id)`.

use super::Engine;
use crate::domain::filter::{GroupBy, GroupCount, OrderFilter};
use crate::domain::search::query_words;
use crate::{Error, Result};
use sqlx::any::AnyArguments;
use sqlx::{AnyConnection, Arguments};

/// Products a product filter may stand for; a word that matches more is
/// too vague to be a filter and is refused with a message.
const MAX_PRODUCTS: i64 = 500;

/// A bound value.
#[derive(Debug, Clone)]
enum Arg {
    Text(String),
    Int(i64),
}

/// The filter's FROM and WHERE, with its arguments numbered `$1`...
#[derive(Debug, Default)]
pub(crate) struct Where {
    from: String,
    conditions: Vec<String>,
    args: Vec<Arg>,
    /// The full-text index drives the query (SQLite FTS5): newest first by
    /// its rowid.
    fts: bool,
    /// Range filters on indexed columns.
    ranges: Vec<Range>,
}

/// A range filter on an indexed column: (index, column, from, to, to
/// inclusive).
type Range = (&'static str, &'static str, Option<i64>, Option<i64>, bool);

/// A range matching fewer orders than this is read through its own index
/// and sorted (SQLite); more, and reading newest first finds a page soon.
const NARROW_RANGE: i64 = 20_000;

impl Where {
    fn bind(&mut self, a: Arg) -> String {
        self.args.push(a);
        format!("${}", self.args.len())
    }

    fn any_of(&mut self, column: &str, values: impl IntoIterator<Item = String>) {
        let marks: Vec<String> = values
            .into_iter()
            .map(|v| self.bind(Arg::Text(v)))
            .collect();
        match marks.len() {
            0 => {}
            1 => self.conditions.push(format!("{column} = {}", marks[0])),
            _ => self
                .conditions
                .push(format!("{column} IN ({})", marks.join(", "))),
        }
    }

    fn range(
        &mut self,
        (index, column): (&'static str, &'static str),
        lo: Option<i64>,
        hi: Option<i64>,
        hi_inclusive: bool,
    ) {
        if lo.is_some() || hi.is_some() {
            self.ranges.push((index, column, lo, hi, hi_inclusive));
        }
        let column = format!("o.{column}");
        let column = column.as_str();
        if let Some(lo) = lo {
            let m = self.bind(Arg::Int(lo));
            self.conditions.push(format!("{column} >= {m}"));
        }
        if let Some(hi) = hi {
            let m = self.bind(Arg::Int(hi));
            let op = if hi_inclusive { "<=" } else { "<" };
            self.conditions.push(format!("{column} {op} {m}"));
        }
    }

    fn sql_where(&self) -> String {
        if self.conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.conditions.join(" AND "))
        }
    }

    fn arguments(&self) -> Result<AnyArguments<'static>> {
        let mut args = AnyArguments::default();
        for a in &self.args {
            match a {
                Arg::Text(t) => args.add(t.clone()),
                Arg::Int(i) => args.add(*i),
            }
            .map_err(sqlx::Error::Encode)?;
        }
        Ok(args)
    }
}

/// SQL that is true when the order is longer in its status (or its own
/// step) than the store allows; needs `statuses s` and `ss` joined.
pub(crate) fn overdue_sql(now_ms: i64) -> String {
    format!(
        "((s.max_minutes IS NOT NULL AND o.status_changed_at < {now_ms} - s.max_minutes * 60000) \
         OR (ss.max_minutes IS NOT NULL AND o.sub_status_since < {now_ms} - ss.max_minutes * 60000))"
    )
}

const STATUS_JOINS: &str =
    "LEFT JOIN statuses s ON s.code = o.status LEFT JOIN statuses ss ON ss.code = o.sub_status";

/// Builds the filter's conditions; looks up the products a product filter
/// names first, so the order query joins no product table.
pub(crate) async fn build(
    conn: &mut AnyConnection,
    engine: Engine,
    filter: &OrderFilter,
    now_ms: i64,
) -> Result<Where> {
    let amounts = filter.amounts().map_err(Error::Invalid)?;
    let mut w = Where {
        from: "orders o".into(),
        ..Default::default()
    };
    w.any_of(
        "o.status",
        filter.statuses.iter().map(|s| s.as_str().to_string()),
    );
    w.any_of(
        "o.payment_status",
        filter.payment.iter().map(|s| s.as_str().to_string()),
    );
    w.any_of("o.channel", clean(&filter.channels));
    w.any_of("o.delivery_method", clean(&filter.delivery_methods));
    if let Some(m) = text(&filter.manager) {
        w.any_of("o.manager", [m.to_string()]);
    }
    w.range(
        ("orders_created", "created_at"),
        filter.created_from,
        filter.created_to,
        false,
    );
    w.range(
        ("orders_total", "total_minor"),
        amounts.total.0,
        amounts.total.1,
        true,
    );
    w.range(
        ("orders_delivery_cost", "delivery_cost_minor"),
        amounts.delivery_cost.0,
        amounts.delivery_cost.1,
        true,
    );
    w.range(
        ("orders_units", "units"),
        filter.units_min,
        filter.units_max,
        true,
    );
    if filter.overdue {
        w.conditions.push(overdue_sql(now_ms));
    }
    if let Some(before) = filter.before {
        let m = w.bind(Arg::Int(before));
        w.conditions.push(format!("o.id < {m}"));
    }
    if let Some(product) = text(&filter.product) {
        let ids = product_ids(conn, product).await?;
        let m = w.bind(Arg::Text(product.to_string()));
        if ids.is_empty() {
            // Lines of products the catalogue does not know yet still
            // carry their SKU.
            w.conditions.push(format!(
                "o.id IN (SELECT l.order_id FROM order_lines l WHERE l.sku = {m})"
            ));
        } else {
            let list: Vec<String> = ids.iter().map(i64::to_string).collect();
            w.conditions.push(format!(
                "o.id IN (SELECT l.order_id FROM order_lines l WHERE l.product_id IN ({}) \
                 UNION SELECT l.order_id FROM order_lines l WHERE l.sku = {m})",
                list.join(", ")
            ));
        }
    }
    if let Some(note) = text(&filter.note) {
        let variants = case_variants(note);
        let marks: Vec<String> = variants
            .into_iter()
            .map(|v| w.bind(Arg::Text(format!("%{v}%"))))
            .collect();
        let any = marks
            .iter()
            .map(|m| format!("n.text LIKE {m}"))
            .collect::<Vec<_>>()
            .join(" OR ");
        w.conditions.push(format!(
            "o.id IN (SELECT n.order_id FROM order_notes n WHERE {any})"
        ));
    }
    let words = filter
        .search
        .as_deref()
        .map(query_words)
        .unwrap_or_default();
    if !words.is_empty() {
        match engine {
            Engine::Sqlite => {
                let q = words
                    .iter()
                    .map(|w| format!("\"{w}\"*"))
                    .collect::<Vec<_>>()
                    .join(" ");
                let m = w.bind(Arg::Text(q));
                w.from = "orders_fts f JOIN orders o ON o.id = f.rowid".into();
                w.conditions.push(format!("orders_fts MATCH {m}"));
                w.fts = true;
            }
            Engine::Postgres => {
                let q = words
                    .iter()
                    .map(|w| format!("{w}:*"))
                    .collect::<Vec<_>>()
                    .join(" & ");
                let m = w.bind(Arg::Text(q));
                w.conditions
                    .push(format!("o.search_tsv @@ to_tsquery('simple', {m})"));
            }
        }
    }
    Ok(w)
}

fn text(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|t| !t.is_empty())
}

fn clean(values: &[String]) -> Vec<String> {
    values
        .iter()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect()
}

/// The text as typed, lower-cased and with a capital first letter: SQLite's
/// LIKE folds only ASCII, so a Cyrillic word is looked for in the three
/// ways people write it.
fn case_variants(q: &str) -> Vec<String> {
    let lower = q.to_lowercase();
    let mut capital: String = lower.chars().take(1).flat_map(char::to_uppercase).collect();
    capital.extend(lower.chars().skip(1));
    let mut all = vec![q.to_string(), lower, capital];
    all.dedup();
    all.sort();
    all.dedup();
    all
}

/// The products a product filter names: the one whose SKU it is, or those
/// whose name holds it.
async fn product_ids(conn: &mut AnyConnection, q: &str) -> Result<Vec<i64>> {
    let exact: Option<i64> = sqlx::query_scalar("SELECT id FROM products WHERE sku = $1")
        .bind(q)
        .fetch_optional(&mut *conn)
        .await?;
    if let Some(id) = exact {
        return Ok(vec![id]);
    }
    let variants = case_variants(q);
    let mut args = AnyArguments::default();
    let mut ors = vec!["UPPER(sku) LIKE $1".to_string()];
    args.add(format!("{}%", q.to_ascii_uppercase()))
        .map_err(sqlx::Error::Encode)?;
    for v in variants {
        args.add(format!("%{v}%")).map_err(sqlx::Error::Encode)?;
        ors.push(format!("name LIKE ${}", ors.len() + 1));
    }
    let sql = format!(
        "SELECT id FROM products WHERE {} ORDER BY id LIMIT {}",
        ors.join(" OR "),
        MAX_PRODUCTS + 1
    );
    let ids: Vec<i64> = sqlx::query_scalar_with(&sql, args)
        .fetch_all(&mut *conn)
        .await?;
    if ids.len() as i64 > MAX_PRODUCTS {
        return Err(Error::Invalid(format!(
            "more than {MAX_PRODUCTS} products match \"{q}\"; type more of the name or the whole SKU"
        )));
    }
    Ok(ids)
}

/// SQLite plans a page newest first by walking the ids, which is quick
/// when many orders match and reads every order when few do (10 units or
/// more, one narrow total). Its statistics do not say which: so each range
/// filter counts its matches through its own index, up to
/// [`NARROW_RANGE`], and the narrowest under it drives the query. PostgreSQL
/// knows from its histograms.
async fn narrow_first(conn: &mut AnyConnection, engine: Engine, w: &mut Where) -> Result<()> {
    if engine != Engine::Sqlite || w.fts || w.ranges.is_empty() {
        return Ok(());
    }
    let mut best: Option<(i64, &'static str)> = None;
    for (index, column, lo, hi, inclusive) in &w.ranges {
        let mut args = AnyArguments::default();
        let mut conds = Vec::new();
        if let Some(lo) = lo {
            args.add(*lo).map_err(sqlx::Error::Encode)?;
            conds.push(format!("{column} >= ${}", conds.len() + 1));
        }
        if let Some(hi) = hi {
            args.add(*hi).map_err(sqlx::Error::Encode)?;
            let op = if *inclusive { "<=" } else { "<" };
            conds.push(format!("{column} {op} ${}", conds.len() + 1));
        }
        let sql = format!(
            "SELECT COUNT(*) FROM (SELECT 1 FROM orders INDEXED BY {index} WHERE {} LIMIT {NARROW_RANGE})",
            conds.join(" AND ")
        );
        let n: i64 = sqlx::query_scalar_with(&sql, args)
            .fetch_one(&mut *conn)
            .await?;
        if n < NARROW_RANGE && best.is_none_or(|(b, _)| n < b) {
            best = Some((n, index));
        }
    }
    if let Some((_, index)) = best {
        w.from = format!("orders o INDEXED BY {index}");
    }
    Ok(())
}

/// The columns of a list row (store::orders::OrderSummary).
fn summary_columns(now_ms: i64) -> String {
    format!(
        "o.id, o.number, o.status, o.sub_status, o.customer_name, o.manager, o.hold_reason, \
         o.channel, o.delivery_method, o.payment_status, o.created_at, o.currency, o.claimed_station, \
         o.units, \
         (SELECT CAST(COALESCE(SUM(l.packed), 0) AS BIGINT) FROM order_lines l WHERE l.order_id = o.id) AS packed, \
         o.total_minor, \
         CASE WHEN {} THEN 1 ELSE 0 END AS overdue",
        overdue_sql(now_ms)
    )
}

/// One page of the filtered orders, newest first.
pub async fn page(
    conn: &mut AnyConnection,
    engine: Engine,
    filter: &OrderFilter,
    now_ms: i64,
) -> Result<Vec<super::orders::OrderSummary>> {
    let mut w = build(conn, engine, filter, now_ms).await?;
    narrow_first(conn, engine, &mut w).await?;
    let order_by = if w.fts { "f.rowid DESC" } else { "o.id DESC" };
    let sql = format!(
        "SELECT {} FROM {} {STATUS_JOINS} {} ORDER BY {order_by} LIMIT {}",
        summary_columns(now_ms),
        w.from,
        w.sql_where(),
        filter.page_size()
    );
    Ok(sqlx::query_as_with(&sql, w.arguments()?)
        .fetch_all(&mut *conn)
        .await?)
}

/// How many orders the filter finds.
pub async fn count(
    conn: &mut AnyConnection,
    engine: Engine,
    filter: &OrderFilter,
    now_ms: i64,
) -> Result<i64> {
    let filter = OrderFilter {
        before: None,
        ..filter.clone()
    };
    let w = build(conn, engine, &filter, now_ms).await?;
    let joins = if filter.overdue { STATUS_JOINS } else { "" };
    let sql = format!(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM {} {joins} {}",
        w.from,
        w.sql_where()
    );
    Ok(sqlx::query_scalar_with(&sql, w.arguments()?)
        .fetch_one(&mut *conn)
        .await?)
}

/// How many orders of the filter fall in each group, largest first.
pub async fn group_counts(
    conn: &mut AnyConnection,
    engine: Engine,
    filter: &OrderFilter,
    by: GroupBy,
    utc_offset_minutes: i32,
    now_ms: i64,
) -> Result<Vec<GroupCount>> {
    let filter = OrderFilter {
        before: None,
        ..filter.clone()
    };
    let w = build(conn, engine, &filter, now_ms).await?;
    let joins = if filter.overdue { STATUS_JOINS } else { "" };
    let day_ms = 86_400_000i64;
    let offset_ms = i64::from(utc_offset_minutes) * 60_000;
    let rows: Vec<(String, i64)> = match by {
        GroupBy::Category => {
            let sql = format!(
                "SELECT COALESCE(p.category, '') AS k, COUNT(DISTINCT l.order_id) AS n \
                 FROM order_lines l LEFT JOIN products p ON p.id = l.product_id \
                 WHERE l.order_id IN (SELECT o.id FROM {} {joins} {}) \
                 GROUP BY COALESCE(p.category, '')",
                w.from,
                w.sql_where()
            );
            sqlx::query_as_with(&sql, w.arguments()?)
                .fetch_all(&mut *conn)
                .await?
        }
        GroupBy::Day => {
            // Days counted in the user's time zone; the key is made here
            // from the day number, the same on both engines.
            let sql = format!(
                "SELECT CAST((o.created_at + {offset_ms}) / {day_ms} AS BIGINT) AS k, \
                 CAST(COUNT(*) AS BIGINT) AS n FROM {} {joins} {} GROUP BY 1",
                w.from,
                w.sql_where()
            );
            let days: Vec<(i64, i64)> = sqlx::query_as_with(&sql, w.arguments()?)
                .fetch_all(&mut *conn)
                .await?;
            days.into_iter()
                .map(|(d, n)| {
                    let date = chrono::DateTime::from_timestamp(d * 86_400, 0)
                        .map(|t| t.format("%Y-%m-%d").to_string())
                        .unwrap_or_default();
                    (date, n)
                })
                .collect()
        }
        _ => {
            let column = match by {
                GroupBy::Status => "o.status",
                GroupBy::Payment => "o.payment_status",
                GroupBy::DeliveryMethod => "o.delivery_method",
                _ => "o.channel",
            };
            let sql = format!(
                "SELECT {column} AS k, CAST(COUNT(*) AS BIGINT) AS n FROM {} {joins} {} \
                 GROUP BY {column}",
                w.from,
                w.sql_where()
            );
            sqlx::query_as_with(&sql, w.arguments()?)
                .fetch_all(&mut *conn)
                .await?
        }
    };
    let mut groups: Vec<GroupCount> = rows
        .into_iter()
        .map(|(key, orders)| GroupCount { key, orders })
        .collect();
    if by == GroupBy::Day {
        groups.sort_by(|a, b| b.key.cmp(&a.key));
    } else {
        groups.sort_by(|a, b| b.orders.cmp(&a.orders).then(a.key.cmp(&b.key)));
    }
    Ok(groups)
}

/// The query plan of a page of this filter, as the engine explains it
/// (benchmarks print it to show which index each filter uses).
pub async fn explain(
    conn: &mut AnyConnection,
    engine: Engine,
    filter: &OrderFilter,
    now_ms: i64,
) -> Result<Vec<String>> {
    let mut w = build(conn, engine, filter, now_ms).await?;
    narrow_first(conn, engine, &mut w).await?;
    let order_by = if w.fts { "f.rowid DESC" } else { "o.id DESC" };
    let query = format!(
        "SELECT {} FROM {} {STATUS_JOINS} {} ORDER BY {order_by} LIMIT {}",
        summary_columns(now_ms),
        w.from,
        w.sql_where(),
        filter.page_size()
    );
    let sql = match engine {
        Engine::Sqlite => format!("EXPLAIN QUERY PLAN {query}"),
        Engine::Postgres => format!("EXPLAIN {query}"),
    };
    let rows = sqlx::query_with(&sql, w.arguments()?)
        .fetch_all(&mut *conn)
        .await?;
    use sqlx::Row;
    Ok(rows
        .iter()
        .map(|r| {
            let last = r.len() - 1;
            r.try_get::<String, _>(last).unwrap_or_default()
        })
        .collect())
}

/// The order rows an export writes, for the given ids (in that order).
pub async fn export_rows(
    conn: &mut AnyConnection,
    ids: &[i64],
    with_lines: bool,
) -> Result<Vec<ExportRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list: Vec<String> = ids.iter().map(i64::to_string).collect();
    let list = list.join(", ");
    let heads: Vec<ExportHead> = sqlx::query_as(&format!(
        "SELECT o.id, o.number, o.created_at, o.status, o.sub_status, o.payment_status, \
         o.customer_name, o.email, o.phone, o.shipping_address, o.channel, o.delivery_method, \
         COALESCE(o.tracking_number, '') AS tracking_number, COALESCE(o.manager, '') AS manager, \
         o.comment, o.currency, o.units, o.delivery_cost_minor, o.total_minor \
         FROM orders o WHERE o.id IN ({list})"
    ))
    .fetch_all(&mut *conn)
    .await?;
    let mut lines: std::collections::HashMap<i64, Vec<crate::exchange::ExportLine>> =
        std::collections::HashMap::new();
    if with_lines {
        let rows: Vec<LineRow> = sqlx::query_as(&format!(
            "SELECT order_id, sku, name, quantity, unit_price_minor, discount_minor, amount_minor, \
             tax_rate_bp FROM order_lines WHERE order_id IN ({list}) ORDER BY order_id, position"
        ))
        .fetch_all(&mut *conn)
        .await?;
        for (order_id, sku, name, quantity, unit_price_minor, discount_minor, amount_minor, tax) in
            rows
        {
            lines
                .entry(order_id)
                .or_default()
                .push(crate::exchange::ExportLine {
                    sku,
                    name,
                    quantity,
                    unit_price_minor,
                    discount_minor,
                    amount_minor,
                    tax_rate_bp: tax,
                });
        }
    }
    let mut by_id: std::collections::HashMap<i64, ExportHead> =
        heads.into_iter().map(|h| (h.id, h)).collect();
    Ok(ids
        .iter()
        .filter_map(|id| by_id.remove(id))
        .map(|h| {
            let lines = lines.remove(&h.id).unwrap_or_default();
            ExportRow { head: h, lines }
        })
        .collect())
}

/// order id, SKU, name, quantity, unit price, discount, amount, VAT rate.
type LineRow = (i64, String, String, i64, i64, i64, i64, i64);

/// An order's columns as the export reads them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ExportHead {
    pub id: i64,
    pub number: String,
    #[sqlx(try_from = "crate::domain::time::Millis")]
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub status: crate::domain::OrderStatus,
    pub sub_status: Option<String>,
    pub payment_status: crate::domain::PaymentStatus,
    pub customer_name: String,
    pub email: String,
    pub phone: String,
    pub shipping_address: String,
    pub channel: String,
    pub delivery_method: String,
    pub tracking_number: String,
    pub manager: String,
    pub comment: String,
    pub currency: String,
    pub units: i64,
    pub delivery_cost_minor: i64,
    pub total_minor: i64,
}

#[derive(Debug, Clone)]
pub struct ExportRow {
    pub head: ExportHead,
    pub lines: Vec<crate::exchange::ExportLine>,
}
