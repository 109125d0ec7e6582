//! An [`OrderFilter`] as SQL: the one place that turns a filter into a
//! query, shared by the list (a page, newest first), the group counts and
//! the export. Every filter that can use an index does: status, payment,
//! channel and delivery method with the id (`(column, id)` indexes, so the
//! newest page is read straight off the index), dates, totals, units and
//! delivery cost by range indexes, customer words through the full-text
//! index, products through `order_lines(product_id, order_id)`.

use super::Engine;
use crate::domain::filter::{GroupBy, GroupCount, OrderFilter};
use crate::domain::search::{case_variants, query_words};
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
#[derive(Debug, Default, Clone)]
pub(crate) struct Where {
    from: String,
    conditions: Vec<String>,
    args: Vec<Arg>,
    /// The full-text index drives the query (SQLite FTS5): newest first by
    /// its rowid.
    fts: bool,
    /// Range filters on indexed columns.
    ranges: Vec<Range>,
    /// Words and facets narrow the order (PostgreSQL): the newest orders
    /// are read first, then the text index (see `page`).
    text_first: bool,
    /// The text condition's place among the conditions and the same
    /// condition as a function call, which no index answers.
    text_scan: Option<(usize, String)>,
}

/// A range filter on an indexed column: (index, column, from, to, to
/// inclusive).
type Range = (&'static str, &'static str, Option<i64>, Option<i64>, bool);

/// A range matching fewer orders than this is read through its own index
/// and sorted (SQLite); more, and reading newest first finds a page soon.
/// Reading n matches through the index costs about n rows, walking newest
/// first about 50 × orders / n: on a million orders they meet near a few
/// thousand (measured: a band of 6,445 orders, 17 ms through its index,
/// 12 ms newest first; 1,001 orders, 11 ms and 33 ms).
const NARROW_RANGE: i64 = 4_000;

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
        let facets = facet_groups(filter);
        match engine {
            Engine::Sqlite => {
                let mut terms: Vec<String> = words.iter().map(|w| format!("\"{w}\"*")).collect();
                // Facet tokens are letters and digits after U+E000: quoted
                // as they are.
                terms.extend(facets.iter().map(|group| {
                    let any: Vec<String> = group
                        .iter()
                        .map(|t| format!("\"{}\"", facet_token(engine, t.0, &t.1)))
                        .collect();
                    format!("({})", any.join(" OR "))
                }));
                let q = terms.join(" AND ");
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
                if facets.is_empty() {
                    w.conditions
                        .push(format!("o.search_tsv @@ to_tsquery('simple', {m})"));
                } else {
                    // Lexemes quoted for tsquery's own input, which
                    // parses nothing inside quotes.
                    let lexemes = facets
                        .iter()
                        .map(|group| {
                            let any: Vec<String> = group
                                .iter()
                                .map(|t| {
                                    let token = facet_token(engine, t.0, &t.1);
                                    format!("'{}'", token.replace('\\', "\\\\").replace('\'', "''"))
                                })
                                .collect();
                            format!("({})", any.join(" | "))
                        })
                        .collect::<Vec<_>>()
                        .join(" & ");
                    let f = w.bind(Arg::Text(lexemes));
                    let query = format!("(to_tsquery('simple', {m}) && CAST({f} AS tsquery))");
                    w.text_scan = Some((
                        w.conditions.len(),
                        format!("ts_match_vq(o.search_tsv, {query})"),
                    ));
                    w.conditions.push(format!("o.search_tsv @@ {query}"));
                    w.text_first = true;
                }
            }
        }
    }
    Ok(w)
}

/// The filter's equality conditions that the text index also keeps (see
/// migration 0031): one group per column, any of its values.
fn facet_groups(filter: &OrderFilter) -> Vec<Vec<(char, String)>> {
    let groups = [
        (
            's',
            filter
                .statuses
                .iter()
                .map(|s| s.as_str().to_string())
                .collect::<Vec<_>>(),
        ),
        (
            'p',
            filter
                .payment
                .iter()
                .map(|s| s.as_str().to_string())
                .collect(),
        ),
        ('c', clean(&filter.channels)),
        ('d', clean(&filter.delivery_methods)),
    ];
    groups
        .into_iter()
        .filter(|(_, values)| !values.is_empty())
        .map(|(column, values)| values.into_iter().map(|v| (column, v)).collect())
        .collect()
}

/// An order's facet as the text index holds it: U+E000, the column's
/// letter and the value, as migration 0031 writes it (SQLite: the value's
/// bytes in lower-case hex, so it stays one token).
fn facet_token(engine: Engine, column: char, value: &str) -> String {
    match engine {
        Engine::Sqlite => {
            let hex: String = value.bytes().map(|b| format!("{b:02x}")).collect();
            format!("\u{E000}{column}{hex}")
        }
        Engine::Postgres => format!("\u{E000}{column}{value}"),
    }
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
    let mut wide: Vec<&'static str> = Vec::new();
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
        if n < NARROW_RANGE {
            if best.is_none_or(|(b, _)| n < b) {
                best = Some((n, index));
            }
        } else {
            wide.push(*column);
        }
    }
    match best {
        Some((_, index)) => w.from = format!("orders o INDEXED BY {index}"),
        // A wide range read through its index would sort tens of thousands
        // of rows for one page: its terms are kept off the indexes (a unary
        // `+`), so the newest orders are read first and the page fills at
        // once (or another condition's index drives).
        None => {
            for c in w.conditions.iter_mut() {
                if wide.iter().any(|col| c.starts_with(&format!("o.{col} "))) {
                    c.insert(0, '+');
                }
            }
        }
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

/// The query of one page, newest first, in two steps: the page's ids by
/// the filter, then their rows. The first step reads only the filter's
/// columns, so an index that holds them and the id answers it alone (a
/// band of 2,445 totals: 0.5 ms through `orders_total (total_minor, id)`
/// against 25 ms walking the newest orders, PostgreSQL; a day's orders
/// through `orders_created`, SQLite) and only the page's 50 rows are read
/// whole.
fn page_sql(w: &Where, limit: i64, now_ms: i64, overdue: bool) -> String {
    let order_by = if w.fts {
        "f.rowid DESC"
    } else if w.text_first {
        // `+ 0`: the primary key does not order it (see `page`).
        "o.id + 0 DESC"
    } else {
        "o.id DESC"
    };
    let joins = if overdue { STATUS_JOINS } else { "" };
    format!(
        "SELECT {} FROM orders o {STATUS_JOINS} WHERE o.id IN \
         (SELECT o.id FROM {} {joins} {} ORDER BY {order_by} LIMIT {limit}) \
         ORDER BY o.id DESC",
        summary_columns(now_ms),
        w.from,
        w.sql_where(),
    )
}

/// Orders read newest first before the text index is asked (PostgreSQL,
/// words and facets).
const NEWEST_FIRST: i64 = 20_000;

/// What one match read through the text index costs against one order
/// read newest first (PostgreSQL, cold: 8,333 matches in 60 ms, 20,000
/// orders in 18 ms).
const INDEX_MATCH_COST: i64 = 8;

/// One page of the filtered orders, newest first.
///
/// PostgreSQL, words with facets: it estimates the two as independent.
/// For a name that one channel's customers have it expects hundreds of
/// matches in another channel, walks the newest orders for a page and
/// reads all million (873 ms measured); for a common name in its own
/// channel the text index finds thousands of matches, each a random heap
/// page (60 ms for 8,333, cold). So the newest 20,000 orders are read
/// first (18 ms at most), which fills the page when matches are common.
/// When it does not, the matches found so far tell how far on the page
/// would fill: a walk that far is taken once when it costs less than
/// reading the older matches through the text index; the text index
/// reads the rest.
pub async fn page(
    conn: &mut AnyConnection,
    engine: Engine,
    filter: &OrderFilter,
    now_ms: i64,
) -> Result<Vec<super::orders::OrderSummary>> {
    let mut w = build(conn, engine, filter, now_ms).await?;
    narrow_first(conn, engine, &mut w).await?;
    let limit = filter.page_size();
    let Some((at, scan)) = w.text_scan.clone() else {
        let sql = page_sql(&w, limit, now_ms, filter.overdue);
        return Ok(sqlx::query_as_with(&sql, w.arguments()?)
            .fetch_all(&mut *conn)
            .await?);
    };
    let start = match filter.before {
        Some(before) => before,
        None => {
            let max: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM orders")
                .fetch_one(&mut *conn)
                .await?;
            max.unwrap_or(0) + 1
        }
    };
    // The walk: the newest orders by the primary key, the text condition
    // checked on each.
    let mut walk = Where {
        text_first: false,
        text_scan: None,
        ..w.clone()
    };
    walk.conditions[at] = scan;
    let mut rows: Vec<super::orders::OrderSummary> = Vec::new();
    let (mut top, mut window) = (start, NEWEST_FIRST);
    for round in 0..2 {
        let floor = top - window;
        let mut part = walk.clone();
        part.conditions
            .push(format!("o.id >= {floor} AND o.id < {top}"));
        let sql = page_sql(&part, limit - rows.len() as i64, now_ms, filter.overdue);
        rows.extend(
            sqlx::query_as_with::<_, super::orders::OrderSummary, _>(&sql, part.arguments()?)
                .fetch_all(&mut *conn)
                .await?,
        );
        top = floor;
        let (found, walked) = (rows.len() as i64, start - floor);
        if found >= limit || floor <= 0 {
            return Ok(rows);
        }
        // Orders still to walk for the page, and the matches the text
        // index would read, at the density seen so far.
        let to_walk = (limit - found) * walked / found.max(1);
        let older_matches = found * floor / walked;
        if round == 1 || found == 0 || to_walk > INDEX_MATCH_COST * older_matches {
            break;
        }
        window = to_walk + to_walk / 2;
    }
    w.conditions.push(format!("o.id < {top}"));
    let sql = page_sql(&w, limit - rows.len() as i64, now_ms, filter.overdue);
    rows.extend(
        sqlx::query_as_with::<_, super::orders::OrderSummary, _>(&sql, w.arguments()?)
            .fetch_all(&mut *conn)
            .await?,
    );
    Ok(rows)
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

/// How many orders of the filter fall in each group, largest first (days:
/// newest first). Read from the hourly counts (`order_tally`, kept by
/// triggers) when the filter narrows only by creation time and by the
/// grouped column itself (or, for days, by one column; for categories, by
/// payment state); the parts of the
/// range that do not fill a whole hour, and every other filter, are counted
/// from the orders.
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
    filter.amounts().map_err(Error::Invalid)?;
    let rows = match tally_plan(&filter, by, utc_offset_minutes) {
        Some(plan) => {
            let mut rows = tally_rows(conn, &plan, by, utc_offset_minutes).await?;
            for edge in plan.edges {
                let part = OrderFilter {
                    created_from: Some(edge.0),
                    created_to: Some(edge.1),
                    ..filter.clone()
                };
                rows.extend(
                    counted_rows(conn, engine, &part, by, utc_offset_minutes, now_ms).await?,
                );
            }
            rows
        }
        None => counted_rows(conn, engine, &filter, by, utc_offset_minutes, now_ms).await?,
    };
    let mut sums: std::collections::BTreeMap<String, i64> = std::collections::BTreeMap::new();
    for (key, n) in rows {
        *sums.entry(key).or_default() += n;
    }
    let mut groups: Vec<GroupCount> = sums
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(key, orders)| GroupCount { key, orders })
        .collect();
    if by == GroupBy::Day {
        groups.sort_by(|a, b| b.key.cmp(&a.key));
    } else {
        groups.sort_by(|a, b| b.orders.cmp(&a.orders).then(a.key.cmp(&b.key)));
    }
    Ok(groups)
}

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 86_400_000;

/// The hourly counts' dim of a column under one payment state: the column,
/// `_payment:` and the state (categories: migration 0032; status, channel
/// and delivery method: 0034); its keys are the column's values.
fn under_payment(column: &str, state: &str) -> String {
    format!("{column}_payment:{state}")
}

/// How the hourly counts answer a grouping: which of their columns (dims;
/// one per payment state for categories under a payment filter), which
/// keys, which whole hours, and the ends of the range counted from orders.
#[derive(Debug, PartialEq, Eq)]
struct TallyPlan {
    dims: Vec<String>,
    keys: Vec<String>,
    hours: (Option<i64>, Option<i64>),
    edges: Vec<(i64, i64)>,
}

/// The plan, or None when the filter narrows by something the hourly
/// counts do not keep (or days are asked in a zone off the whole hour).
fn tally_plan(filter: &OrderFilter, by: GroupBy, utc_offset_minutes: i32) -> Option<TallyPlan> {
    let narrowed: Vec<(&'static str, Vec<String>)> = [
        (
            "status",
            filter
                .statuses
                .iter()
                .map(|s| s.as_str().to_string())
                .collect(),
        ),
        (
            "payment",
            filter
                .payment
                .iter()
                .map(|s| s.as_str().to_string())
                .collect(),
        ),
        ("channel", clean(&filter.channels)),
        ("delivery_method", clean(&filter.delivery_methods)),
    ]
    .into_iter()
    .filter(|(_, keys): &(&str, Vec<String>)| !keys.is_empty())
    .collect();
    let rest = OrderFilter {
        statuses: Vec::new(),
        payment: Vec::new(),
        channels: Vec::new(),
        delivery_methods: Vec::new(),
        created_from: None,
        created_to: None,
        ..filter.clone()
    };
    if !rest.is_empty() || narrowed.len() > 1 {
        return None;
    }
    let grouped = match by {
        GroupBy::Status => Some("status"),
        GroupBy::Payment => Some("payment"),
        GroupBy::Channel => Some("channel"),
        GroupBy::DeliveryMethod => Some("delivery_method"),
        GroupBy::Category => Some("category"),
        GroupBy::Day => None,
    };
    let (dims, keys) = match (grouped, narrowed.into_iter().next()) {
        (Some(g), None) => (vec![g.to_string()], Vec::new()),
        (Some(g), Some((d, keys))) if g == d => (vec![g.to_string()], keys),
        // A column under a payment filter: the crossed counts of each state
        // asked for, every value of the column.
        (Some(g), Some(("payment", states))) => (
            states.iter().map(|s| under_payment(g, s)).collect(),
            Vec::new(),
        ),
        (Some(_), Some(_)) => return None,
        (None, None) => (vec!["status".to_string()], Vec::new()),
        (None, Some((d, keys))) => (vec![d.to_string()], keys),
    };
    if by == GroupBy::Day && (i64::from(utc_offset_minutes) * 60_000) % HOUR_MS != 0 {
        return None;
    }
    let from_hour = filter
        .created_from
        .map(|f| f.div_euclid(HOUR_MS) + i64::from(f.rem_euclid(HOUR_MS) != 0));
    let to_hour = filter.created_to.map(|t| t.div_euclid(HOUR_MS));
    let mut edges = Vec::new();
    if let (Some(lo), Some(hi)) = (from_hour, to_hour) {
        if lo >= hi {
            return None;
        }
    }
    if let (Some(f), Some(lo)) = (filter.created_from, from_hour) {
        if f < lo * HOUR_MS {
            edges.push((f, lo * HOUR_MS));
        }
    }
    if let (Some(t), Some(hi)) = (filter.created_to, to_hour) {
        if hi * HOUR_MS < t {
            edges.push((hi * HOUR_MS, t));
        }
    }
    Some(TallyPlan {
        dims,
        keys,
        hours: (from_hour, to_hour),
        edges,
    })
}

/// The hourly counts of a plan's whole hours, by group key.
async fn tally_rows(
    conn: &mut AnyConnection,
    plan: &TallyPlan,
    by: GroupBy,
    utc_offset_minutes: i32,
) -> Result<Vec<(String, i64)>> {
    let mut w = Where::default();
    w.any_of("dim", plan.dims.clone());
    if let Some(lo) = plan.hours.0 {
        let m = w.bind(Arg::Int(lo));
        w.conditions.push(format!("hour >= {m}"));
    }
    if let Some(hi) = plan.hours.1 {
        let m = w.bind(Arg::Int(hi));
        w.conditions.push(format!("hour < {m}"));
    }
    w.any_of("key", plan.keys.clone());
    if by == GroupBy::Day {
        let offset_ms = i64::from(utc_offset_minutes) * 60_000;
        let sql = format!(
            "SELECT CAST((hour * {HOUR_MS} + {offset_ms}) / {DAY_MS} AS BIGINT) AS d,              CAST(SUM(n) AS BIGINT) AS n FROM order_tally {} GROUP BY 1",
            w.sql_where()
        );
        let days: Vec<(i64, i64)> = sqlx::query_as_with(&sql, w.arguments()?)
            .fetch_all(&mut *conn)
            .await?;
        Ok(days.into_iter().map(|(d, n)| (day_key(d), n)).collect())
    } else {
        let sql = format!(
            "SELECT key, CAST(SUM(n) AS BIGINT) AS n FROM order_tally {} GROUP BY key",
            w.sql_where()
        );
        Ok(sqlx::query_as_with(&sql, w.arguments()?)
            .fetch_all(&mut *conn)
            .await?)
    }
}

/// A day number (days since 1970-01-01 in the user's zone) as `YYYY-MM-DD`.
fn day_key(day: i64) -> String {
    chrono::DateTime::from_timestamp(day * 86_400, 0)
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// The groups counted from the orders themselves (any filter).
pub async fn counted_rows(
    conn: &mut AnyConnection,
    engine: Engine,
    filter: &OrderFilter,
    by: GroupBy,
    utc_offset_minutes: i32,
    now_ms: i64,
) -> Result<Vec<(String, i64)>> {
    let w = build(conn, engine, filter, now_ms).await?;
    let joins = if filter.overdue { STATUS_JOINS } else { "" };
    let offset_ms = i64::from(utc_offset_minutes) * 60_000;
    let rows: Vec<(String, i64)> = match by {
        GroupBy::Category => {
            let sql = format!(
                "SELECT c.category AS k, CAST(COUNT(*) AS BIGINT) AS n FROM order_categories c \
                 WHERE c.order_id IN (SELECT o.id FROM {} {joins} {}) GROUP BY c.category",
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
                "SELECT CAST((o.created_at + {offset_ms}) / {DAY_MS} AS BIGINT) AS k, \
                 CAST(COUNT(*) AS BIGINT) AS n FROM {} {joins} {} GROUP BY 1",
                w.from,
                w.sql_where()
            );
            let days: Vec<(i64, i64)> = sqlx::query_as_with(&sql, w.arguments()?)
                .fetch_all(&mut *conn)
                .await?;
            days.into_iter().map(|(d, n)| (day_key(d), n)).collect()
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
    Ok(rows)
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
    let query = page_sql(&w, filter.page_size(), now_ms, filter.overdue);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{OrderStatus, PaymentStatus};

    #[test]
    fn whole_hours_come_from_the_tally_and_the_ends_from_the_orders() {
        let f = OrderFilter {
            created_from: Some(5 * HOUR_MS + 10),
            created_to: Some(9 * HOUR_MS + 20),
            ..Default::default()
        };
        let plan = tally_plan(&f, GroupBy::Category, 180).unwrap();
        assert_eq!(plan.dims, ["category"]);
        assert_eq!(plan.hours, (Some(6), Some(9)));
        assert_eq!(
            plan.edges,
            vec![
                (5 * HOUR_MS + 10, 6 * HOUR_MS),
                (9 * HOUR_MS, 9 * HOUR_MS + 20)
            ]
        );
        let aligned = OrderFilter {
            created_from: Some(5 * HOUR_MS),
            ..Default::default()
        };
        let plan = tally_plan(&aligned, GroupBy::Day, 180).unwrap();
        assert_eq!(
            (plan.dims, plan.hours, plan.edges),
            (vec!["status".to_string()], (Some(5), None), vec![])
        );
    }

    #[test]
    fn a_column_under_a_payment_filter_comes_from_the_crossed_counts() {
        let paid_lately = OrderFilter {
            payment: vec![PaymentStatus::Paid, PaymentStatus::PartiallyRefunded],
            created_from: Some(5 * HOUR_MS + 10),
            ..Default::default()
        };
        let plan = tally_plan(&paid_lately, GroupBy::Category, 180).unwrap();
        assert_eq!(
            plan.dims,
            [
                "category_payment:paid",
                "category_payment:partially_refunded"
            ]
        );
        assert!(plan.keys.is_empty(), "every category");
        // The ragged start is counted from the orders, with the filter.
        assert_eq!(
            (plan.hours, plan.edges),
            ((Some(6), None), vec![(5 * HOUR_MS + 10, 6 * HOUR_MS)])
        );
        // Status, channel and delivery method under it likewise (0034).
        for (by, column) in [
            (GroupBy::Status, "status"),
            (GroupBy::Channel, "channel"),
            (GroupBy::DeliveryMethod, "delivery_method"),
        ] {
            let plan = tally_plan(&paid_lately, by, 180).unwrap();
            assert_eq!(
                plan.dims,
                [
                    format!("{column}_payment:paid"),
                    format!("{column}_payment:partially_refunded")
                ]
            );
            assert!(plan.keys.is_empty(), "every value of {column}");
        }
        // Not payment crossed with another filter, nor two filters.
        let confirmed = OrderFilter {
            statuses: vec![OrderStatus::Confirmed],
            ..Default::default()
        };
        assert!(tally_plan(&confirmed, GroupBy::Channel, 180).is_none());
        let paid_by_web = OrderFilter {
            channels: vec!["web".into()],
            ..paid_lately.clone()
        };
        assert!(tally_plan(&paid_by_web, GroupBy::Category, 180).is_none());
        let by_status = OrderFilter {
            statuses: vec![OrderStatus::Confirmed],
            ..Default::default()
        };
        assert!(tally_plan(&by_status, GroupBy::Category, 180).is_none());
    }

    #[test]
    fn other_filters_and_odd_zones_are_counted_from_the_orders() {
        let by_status = OrderFilter {
            statuses: vec![OrderStatus::Confirmed],
            ..Default::default()
        };
        // The grouped column itself, or one column for days: the tally.
        assert_eq!(
            tally_plan(&by_status, GroupBy::Status, 0).unwrap().keys,
            vec!["confirmed"]
        );
        assert_eq!(
            tally_plan(&by_status, GroupBy::Day, 0).unwrap().dims,
            ["status"]
        );
        // Another column: the orders.
        assert!(tally_plan(&by_status, GroupBy::Channel, 0).is_none());
        let words = OrderFilter {
            search: Some("Иванова".into()),
            ..Default::default()
        };
        assert!(tally_plan(&words, GroupBy::Status, 0).is_none());
        // India's half hour cannot be made of whole UTC hours.
        assert!(tally_plan(&OrderFilter::default(), GroupBy::Day, 330).is_none());
        assert!(tally_plan(&OrderFilter::default(), GroupBy::Status, 330).is_some());
        // A range inside one hour.
        let short = OrderFilter {
            created_from: Some(HOUR_MS + 1),
            created_to: Some(HOUR_MS + 2),
            ..Default::default()
        };
        assert!(tally_plan(&short, GroupBy::Status, 0).is_none());
    }
}
