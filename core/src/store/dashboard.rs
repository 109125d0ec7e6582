//! The supervisor's dashboard, read from the history: stage times and the
//! work done per hour come from the counts migration 0024 keeps beside the
//! events, the scan ledger and the cartons (in the same transactions, by
//! triggers); the orders' statuses now and the oldest ones in each come
//! from the orders. `stage_spans` (a view over the events) is what the
//! stage counts count; [`stage_spans_between`] reads it directly, for the
//! benchmark that compares the two.

use crate::domain::time::Millis;
use crate::domain::OrderStatus;
use crate::Result;
use chrono::{DateTime, Utc};
use sqlx::any::AnyArguments;
use sqlx::{AnyConnection, Arguments};

/// The upper edges, in minutes, of the bars stage times are counted in:
/// bar 0 holds times under 1 minute, bar i times from edge i-1 up to (not
/// including) edge i, and the last bar 30 days and more. Migration 0024's
/// `stage_spans` view counts with the same edges (a test reads it).
pub const STAGE_EDGES_MINUTES: [i64; 30] = [
    1, 2, 3, 5, 7, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 360, 480, 720, 960, 1440, 2160, 2880,
    4320, 5760, 7200, 10080, 14400, 20160, 30240, 43200,
];

/// How many bars: one more than edges.
pub const STAGE_BARS: usize = STAGE_EDGES_MINUTES.len() + 1;

/// The bar a stage time falls in (as the migration counts it).
pub fn stage_bar(ms: i64) -> usize {
    // Whole minutes, rounded toward zero as SQL's integer division does.
    let minutes = ms / 60_000;
    STAGE_EDGES_MINUTES
        .iter()
        .position(|edge| minutes < *edge)
        .unwrap_or(STAGE_EDGES_MINUTES.len())
}

const HOUR_MS: i64 = 3_600_000;

/// What the counts are read for: whole UTC hours [from, to), and the sales
/// channel and station when one is chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slice {
    pub from_hour: i64,
    pub to_hour: i64,
    pub channel: Option<String>,
    pub station: Option<String>,
}

impl Slice {
    /// The whole hours that cover [from_ms, to_ms).
    pub fn covering(
        from_ms: i64,
        to_ms: i64,
        channel: Option<String>,
        station: Option<String>,
    ) -> Slice {
        Slice {
            from_hour: from_ms.div_euclid(HOUR_MS),
            to_hour: (to_ms + HOUR_MS - 1).div_euclid(HOUR_MS),
            channel,
            station,
        }
    }

    pub fn from_ms(&self) -> i64 {
        self.from_hour * HOUR_MS
    }

    pub fn to_ms(&self) -> i64 {
        self.to_hour * HOUR_MS
    }

    /// The slice as the counts keep it: the UTC days it covers whole
    /// [first, end), and the hours at its edges outside them.
    pub fn parts(&self) -> Parts {
        let first_day = (self.from_hour + 23).div_euclid(24);
        let end_day = self.to_hour.div_euclid(24);
        if first_day >= end_day {
            return Parts {
                hours: vec![(self.from_hour, self.to_hour)],
                days: None,
            };
        }
        let hours = [
            (self.from_hour, first_day * 24),
            (end_day * 24, self.to_hour),
        ]
        .into_iter()
        .filter(|(lo, hi)| lo < hi)
        .collect();
        Parts {
            hours,
            days: Some((first_day, end_day)),
        }
    }
}

/// A slice as the hours and days tables hold it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parts {
    /// Hour ranges [from, to) read from the hours table.
    pub hours: Vec<(i64, i64)>,
    /// Days [first, end) read from the days table.
    pub days: Option<(i64, i64)>,
}

/// A statement's `$n` binds, numbered by hand (sqlx's QueryBuilder writes
/// `?` for the Any driver, which PostgreSQL does not take).
#[derive(Default)]
struct Binds {
    args: AnyArguments<'static>,
    n: usize,
}

impl Binds {
    fn int(&mut self, v: i64) -> Result<String> {
        self.args.add(v).map_err(sqlx::Error::Encode)?;
        self.n += 1;
        Ok(format!("${}", self.n))
    }

    fn text(&mut self, v: &str) -> Result<String> {
        self.args.add(v.to_string()).map_err(sqlx::Error::Encode)?;
        self.n += 1;
        Ok(format!("${}", self.n))
    }

    /// ` AND channel = .. AND station = ..` for the ones chosen.
    fn chosen(&mut self, s: &Slice) -> Result<String> {
        let mut sql = String::new();
        if let Some(c) = &s.channel {
            let m = self.text(c)?;
            sql.push_str(&format!(" AND channel = {m}"));
        }
        if let Some(st) = &s.station {
            let m = self.text(st)?;
            sql.push_str(&format!(" AND station = {m}"));
        }
        Ok(sql)
    }

    /// ` AND metric IN (..)`.
    fn metrics(&mut self, metrics: &[&str]) -> Result<String> {
        let marks: Vec<String> = metrics
            .iter()
            .map(|m| self.text(m))
            .collect::<Result<_>>()?;
        Ok(format!(" AND metric IN ({})", marks.join(", ")))
    }

    /// `hour >= .. AND hour < ..` for each range, joined by OR.
    fn hours(&mut self, ranges: &[(i64, i64)]) -> Result<String> {
        let parts: Vec<String> = ranges
            .iter()
            .map(|(lo, hi)| {
                Ok(format!(
                    "(hour >= {} AND hour < {})",
                    self.int(*lo)?,
                    self.int(*hi)?
                ))
            })
            .collect::<Result<_>>()?;
        Ok(format!("({})", parts.join(" OR ")))
    }
}

/// The rows of `columns` (ending in n) in the slice, from the hours table
/// at its edges and the days table for the days it covers whole: one
/// `SELECT .. UNION ALL SELECT ..` for the caller to group.
fn hours_and_days(
    b: &mut Binds,
    s: &Slice,
    (hours_table, days_table): (&str, &str),
    columns: &str,
    metrics: Option<&[&str]>,
) -> Result<String> {
    let Parts { hours, days } = s.parts();
    let mut parts = Vec::new();
    // One branch per range: an OR of ranges would keep the engines from
    // reading each range from the index.
    for range in hours {
        let mut sql = format!(
            "SELECT {columns} FROM {hours_table} WHERE {}",
            b.hours(&[range])?
        );
        if let Some(m) = metrics {
            sql.push_str(&b.metrics(m)?);
        }
        sql.push_str(&b.chosen(s)?);
        parts.push(sql);
    }
    if let Some((first, end)) = days {
        let mut sql = format!(
            "SELECT {columns} FROM {days_table} WHERE day >= {} AND day < {}",
            b.int(first)?,
            b.int(end)?
        );
        if let Some(m) = metrics {
            sql.push_str(&b.metrics(m)?);
        }
        sql.push_str(&b.chosen(s)?);
        parts.push(sql);
    }
    Ok(parts.join(" UNION ALL "))
}

/// Orders per stage and histogram bar whose stage ended in the slice (at
/// the station chosen): (stage, bar, orders).
pub async fn stage_bars(conn: &mut AnyConnection, s: &Slice) -> Result<Vec<(String, i64, i64)>> {
    let mut b = Binds::default();
    let rows = hours_and_days(
        &mut b,
        s,
        ("stage_tally", "stage_days"),
        "stage, bucket, n",
        None,
    )?;
    let sql = format!(
        "SELECT stage, CAST(bucket AS BIGINT), CAST(SUM(n) AS BIGINT) FROM ({rows}) t \
         GROUP BY stage, bucket"
    );
    Ok(sqlx::query_as_with(&sql, b.args)
        .fetch_all(&mut *conn)
        .await?)
}

/// Whose work the totals are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkBy {
    /// The person who did it.
    Person,
    /// The station where it was done.
    Station,
}

/// The metrics of the packing table: orders packed (complete or short),
/// units, cartons, scans of an item and refused ones.
pub const PACKING_METRICS: [&str; 6] = [
    "packed",
    "packed_short",
    "units",
    "cartons",
    "item_scans",
    "wrong_scans",
];

/// Every metric the work is counted in.
pub const ALL_METRICS: [&str; 13] = [
    "created",
    "confirmed",
    "picked",
    "packed",
    "packed_short",
    "shipped",
    "delivered",
    "cancelled",
    "returned",
    "units",
    "item_scans",
    "wrong_scans",
    "cartons",
];

/// The metrics counted per hour: the packing table's work per hour of the
/// day, and the trend over days.
pub const HOUR_METRICS: [&str; 9] = [
    "created",
    "confirmed",
    "packed",
    "packed_short",
    "shipped",
    "delivered",
    "cancelled",
    "units",
    "cartons",
];

/// Work in the slice per person or station: (name, metric, n).
pub async fn work(
    conn: &mut AnyConnection,
    s: &Slice,
    by: WorkBy,
    metrics: &[&str],
) -> Result<Vec<(String, String, i64)>> {
    let key = match by {
        WorkBy::Person => "user_name",
        WorkBy::Station => "station",
    };
    let mut b = Binds::default();
    let rows = hours_and_days(
        &mut b,
        s,
        ("work_tally", "work_days"),
        &format!("{key} AS k, metric, n"),
        Some(metrics),
    )?;
    let sql =
        format!("SELECT k, metric, CAST(SUM(n) AS BIGINT) FROM ({rows}) t GROUP BY k, metric");
    Ok(sqlx::query_as_with(&sql, b.args)
        .fetch_all(&mut *conn)
        .await?)
}

/// What the hourly work is grouped by, on the user's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnTheClock {
    /// The hour of the day, 0 to 23.
    HourOfDay,
    /// The day, as days since 1970-01-01.
    Day,
}

/// Work in the slice per hour of the day or per day on a clock
/// `utc_offset_minutes` east of UTC: (hour or day, metric, n). Read from
/// the hours (a day on the user's clock is not a UTC day), grouped into a
/// few groups by the engine.
pub async fn work_on_the_clock(
    conn: &mut AnyConnection,
    s: &Slice,
    by: OnTheClock,
    utc_offset_minutes: i32,
    metrics: &[&str],
) -> Result<Vec<(i64, String, i64)>> {
    // Minutes since 1970 on the user's clock: positive for any time the
    // store has seen, so integer division rounds down on both engines.
    let local = format!("(hour * 60 + {})", i64::from(utc_offset_minutes));
    let key = match by {
        OnTheClock::HourOfDay => format!("({local} / 60) % 24"),
        OnTheClock::Day => format!("{local} / 1440"),
    };
    let mut b = Binds::default();
    let mut sql = format!(
        "SELECT CAST({key} AS BIGINT) AS k, metric, CAST(SUM(n) AS BIGINT) FROM work_tally WHERE {}",
        b.hours(&[(s.from_hour, s.to_hour)])?
    );
    sql.push_str(&b.metrics(metrics)?);
    sql.push_str(&b.chosen(s)?);
    sql.push_str(" GROUP BY 1, metric");
    Ok(sqlx::query_as_with(&sql, b.args)
        .fetch_all(&mut *conn)
        .await?)
}

/// The sales channels and stations that did any work in the slice's time
/// (whatever channel and station it names): what the filters offer.
pub async fn choices(conn: &mut AnyConnection, s: &Slice) -> Result<(Vec<String>, Vec<String>)> {
    let everything = Slice {
        channel: None,
        station: None,
        ..s.clone()
    };
    let mut b = Binds::default();
    // Every metric named, so that the hours are read by their key.
    let rows = hours_and_days(
        &mut b,
        &everything,
        ("work_tally", "work_days"),
        "channel, station",
        Some(&ALL_METRICS),
    )?;
    let rows: Vec<(String, String)> = sqlx::query_as_with(
        &format!("SELECT channel, station FROM ({rows}) t GROUP BY channel, station"),
        b.args,
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut channels: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    let mut stations: Vec<String> = rows.into_iter().map(|r| r.1).collect();
    for list in [&mut channels, &mut stations] {
        list.sort();
        list.dedup();
    }
    Ok((channels, stations))
}

/// Orders per stage now (in one sales channel, when one is given), and
/// how many of them are overdue at `now_ms`, as
/// [`super::statuses::counts`] counts them; every stage is listed. Every
/// channel's counts come from the hourly order counts (migration 0013:
/// a few thousand rows, not every order); one channel's from the orders'
/// (channel, status) index. Overdue orders are counted from the orders of
/// the stages that have a limit.
pub async fn status_counts(
    conn: &mut AnyConnection,
    now_ms: i64,
    channel: Option<&str>,
) -> Result<Vec<super::statuses::StatusCount>> {
    // The stages, and which of them (or of their steps) have a limit.
    let stages: Vec<(OrderStatus, super::codec::Flag)> = sqlx::query_as(
        "SELECT s.code, CASE WHEN s.max_minutes IS NOT NULL OR EXISTS \
           (SELECT 1 FROM statuses x WHERE x.stage = s.code AND x.max_minutes IS NOT NULL) \
           THEN 1 ELSE 0 END \
         FROM statuses s WHERE s.code = s.stage ORDER BY s.position",
    )
    .fetch_all(&mut *conn)
    .await?;
    let limited: Vec<String> = stages
        .iter()
        .filter(|(_, l)| l.0)
        .map(|(s, _)| format!("'{}'", s.as_str()))
        .collect();
    let mut overdue: Vec<(OrderStatus, i64)> = Vec::new();
    if !limited.is_empty() {
        // The stages are named in the statement, not bound: the planner
        // then knows they are the few orders still in work, not the
        // million completed ones, and reads them by index on both engines.
        let mut sql = format!(
            "SELECT o.status, CAST(COUNT(*) AS BIGINT) FROM orders o \
             LEFT JOIN statuses s ON s.code = o.status \
             LEFT JOIN statuses ss ON ss.code = o.sub_status \
             WHERE o.status IN ({}) AND {}",
            limited.join(", "),
            super::order_query::overdue_sql(now_ms)
        );
        if channel.is_some() {
            sql.push_str(" AND o.channel = $1");
        }
        sql.push_str(" GROUP BY o.status");
        let mut query = sqlx::query_as(&sql);
        if let Some(c) = channel {
            query = query.bind(c);
        }
        overdue = query.fetch_all(&mut *conn).await?;
    }
    let counts: Vec<(String, i64)> = match channel {
        None => {
            sqlx::query_as(
                "SELECT key, CAST(SUM(n) AS BIGINT) FROM order_tally WHERE dim = 'status' \
                 GROUP BY key",
            )
            .fetch_all(&mut *conn)
            .await?
        }
        Some(c) => {
            sqlx::query_as(
                "SELECT status, CAST(COUNT(*) AS BIGINT) FROM orders WHERE channel = $1 \
                 GROUP BY status",
            )
            .bind(c)
            .fetch_all(&mut *conn)
            .await?
        }
    };
    Ok(stages
        .into_iter()
        .map(|(status, _)| super::statuses::StatusCount {
            status,
            count: counts
                .iter()
                .filter(|(k, _)| k == status.as_str())
                .map(|(_, n)| n)
                .sum(),
            overdue: overdue
                .iter()
                .filter(|(s, _)| *s == status)
                .map(|(_, n)| n)
                .sum(),
        })
        .collect())
}

/// An order that has waited long in its status.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct WaitingRow {
    pub number: String,
    pub status: OrderStatus,
    pub channel: String,
    #[sqlx(try_from = "Millis")]
    pub since: DateTime<Utc>,
    #[sqlx(try_from = "super::codec::Flag")]
    pub overdue: bool,
    pub hold_reason: Option<String>,
    pub sub_status: Option<String>,
    pub claimed_station: Option<String>,
    pub claimed_by: Option<String>,
}

/// The `limit` orders longest in `status` (in one sales channel, when one
/// is given), oldest first, with whether each is overdue at `now_ms`.
pub async fn longest_waiting(
    conn: &mut AnyConnection,
    status: OrderStatus,
    channel: Option<&str>,
    now_ms: i64,
    limit: i64,
) -> Result<Vec<WaitingRow>> {
    let mut b = Binds::default();
    let st = b.text(status.as_str())?;
    // Overdue as the order lists say it (one definition).
    let overdue = super::order_query::overdue_sql(now_ms);
    let mut sql = format!(
        "SELECT o.number, o.status, o.channel, o.status_changed_at AS since, \
           CASE WHEN {overdue} THEN 1 ELSE 0 END AS overdue, \
           o.hold_reason, o.sub_status, o.claimed_station, o.claimed_by \
         FROM orders o LEFT JOIN statuses s ON s.code = o.status \
         LEFT JOIN statuses ss ON ss.code = o.sub_status \
         WHERE o.status = {st}"
    );
    if let Some(c) = channel {
        let m = b.text(c)?;
        sql.push_str(&format!(" AND o.channel = {m}"));
    }
    let lim = b.int(limit)?;
    sql.push_str(&format!(" ORDER BY o.status_changed_at, o.id LIMIT {lim}"));
    Ok(sqlx::query_as_with(&sql, b.args)
        .fetch_all(&mut *conn)
        .await?)
}

/// Stage times straight from the events (the `stage_spans` view), without
/// the counts: (stage, ms) of every stage that ended in [from_ms, to_ms).
/// The benchmark measures it beside [`stage_bars`]; the dashboard does not
/// use it.
pub async fn stage_spans_between(
    conn: &mut AnyConnection,
    from_ms: i64,
    to_ms: i64,
) -> Result<Vec<(String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT stage, ms FROM stage_spans WHERE at >= $1 AND at < $2 AND ms IS NOT NULL",
    )
    .bind(from_ms)
    .bind(to_ms)
    .fetch_all(&mut *conn)
    .await?)
}

// ---------------------------------------------------------------------------
// A generated history, for the benchmark
// ---------------------------------------------------------------------------

/// Changes whenever the generated history changes, so a kept benchmark
/// database of an older kind is not measured by mistake.
pub const HISTORY_VERSION: u32 = 1;

const HISTORY_KEY: &str = "bench_dashboard_history";

/// Stations and people of the generated history: a desk, a picking walk,
/// three packing tables, two packers a shift on each.
const DESK: [&str; 2] = ["Мария", "Ольга"];
const PICKERS: [&str; 2] = ["Игорь", "Сергей"];
const TABLES: [&str; 3] = ["Стол 1", "Стол 2", "Стол 3"];
const PACKERS: [[&str; 3]; 2] = [["Анна", "Борис", "Вера"], ["Глеб", "Дина", "Егор"]];

/// What [`generate_history`] wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct GeneratedHistory {
    pub orders: usize,
    pub events: usize,
    pub scans: usize,
    pub cartons: usize,
}

/// The version of the history generated into this database, if any.
pub async fn generated_history(store: &super::Store) -> Result<Option<u32>> {
    let mut conn = store.pool().acquire().await?;
    super::settings::get(&mut conn, HISTORY_KEY).await
}

/// Gives every completed order of a warehouse `store::bulk` generated the
/// history a real one would have: created, confirmed, picked (seven in
/// ten; the rest packed without a pick list), claimed, one scan per line
/// (one in 33 orders with a wrong item first), packed (one in 97 short),
/// its carton, shipped at the next day's courier (17:00 UTC), delivered
/// one to five days later and completed; nothing later than now. Orders
/// left confirmed get no history, and one in seven of them a hold reason.
/// The dashboard's triggers count it all as it is written. Calls
/// `progress(orders done)` now and then.
pub async fn generate_history(
    store: &super::Store,
    mut progress: impl FnMut(usize),
) -> Result<GeneratedHistory> {
    use super::bulk::{insert_rows, Cell};
    let now = store.now_ms();
    let mut done = GeneratedHistory::default();
    let max_id: i64 = {
        let mut conn = store.pool().acquire().await?;
        sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM orders")
            .fetch_one(&mut *conn)
            .await?
    };
    let minute = 60_000i64;
    let mut start = 1i64;
    while start <= max_id {
        let end = (start + 10_000).min(max_id + 1);
        let mut tx = store.write().await?;
        let orders: Vec<(i64, i64, String, i64)> = sqlx::query_as(
            "SELECT o.id, o.created_at, o.status, \
               (SELECT COUNT(*) FROM order_lines l WHERE l.order_id = o.id) \
             FROM orders o WHERE o.id >= $1 AND o.id < $2 ORDER BY o.id",
        )
        .bind(start)
        .bind(end)
        .fetch_all(&mut *tx)
        .await?;
        let lines: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT order_id, quantity FROM order_lines WHERE order_id >= $1 AND order_id < $2 \
             ORDER BY order_id, position",
        )
        .bind(start)
        .bind(end)
        .fetch_all(&mut *tx)
        .await?;
        let mut events = Vec::new();
        let mut scans = Vec::new();
        let mut cartons = Vec::new();
        let mut line_at = 0usize;
        for (id, created, status, line_count) in orders {
            let i = id as u64;
            let my_lines = &lines[line_at..line_at + line_count as usize];
            line_at += line_count as usize;
            if status != "completed" {
                continue;
            }
            // Spread by the order's id, the same on every run.
            let spread = |salt: u64, lo: i64, hi: i64| {
                let x = i
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(salt.wrapping_mul(1_442_695_040_888_963_407));
                lo + ((x >> 33) % (hi - lo + 1) as u64) as i64
            };
            let mut event = |at: i64, user: &str, station: &str, kind: &str| {
                if at < now {
                    events.push(vec![
                        Cell::Int(id),
                        Cell::Int(at),
                        Cell::Text(user.into()),
                        Cell::Text(station.into()),
                        Cell::Text(kind.into()),
                    ]);
                }
            };
            let desk = DESK[(i % 2) as usize];
            event(created, desk, "Офис", "imported");
            let confirmed = created + spread(1, 2, 180) * minute;
            event(confirmed, desk, "Офис", "confirmed");
            let mut ready_for_packing = confirmed;
            if i % 10 < 7 {
                let picked = confirmed + spread(2, 10, 150) * minute;
                event(picked, PICKERS[(i % 2) as usize], "Склад", "picked");
                ready_for_packing = picked;
            }
            let claimed = ready_for_packing + spread(3, 1, 90) * minute;
            let table = (i % 3) as usize;
            // The early shift packs before 14:00 UTC, the late one after.
            let shift = usize::from((claimed / 3_600_000) % 24 >= 14);
            let packer = PACKERS[shift][table];
            let station = TABLES[table];
            event(claimed, packer, station, "claimed");
            let mut scan_at = claimed + 20_000;
            if i.is_multiple_of(33) && claimed < now {
                scans.push(scan_row(
                    id,
                    i,
                    0,
                    station,
                    packer,
                    scan_at,
                    "wrong_item",
                    0,
                ));
                scan_at += 15_000;
            }
            let short = i.is_multiple_of(97);
            for (k, (_, qty)) in my_lines.iter().enumerate() {
                // A short order's last line never came.
                if short && k + 1 == my_lines.len() && k > 0 {
                    continue;
                }
                if scan_at < now {
                    scans.push(scan_row(
                        id,
                        i,
                        k + 1,
                        station,
                        packer,
                        scan_at,
                        "accepted",
                        *qty,
                    ));
                }
                scan_at += 20_000 * qty;
            }
            let packed = scan_at + spread(4, 1, 5) * minute;
            event(
                packed,
                packer,
                station,
                if short { "packed_short" } else { "packed" },
            );
            if packed < now {
                cartons.push(vec![
                    Cell::Int(id),
                    Cell::Int(1),
                    Cell::Text("M".into()),
                    Cell::Text(station.into()),
                    Cell::Text(packer.into()),
                    Cell::Int(claimed),
                    Cell::Text(packer.into()),
                    Cell::Int(packed),
                ]);
            }
            // The courier comes at 17:00 UTC; a box packed after 16:30
            // waits for the next day's.
            let day = 86_400_000i64;
            let mut courier = packed - packed.rem_euclid(day) + 17 * 3_600_000;
            if packed > courier - 30 * minute {
                courier += day;
            }
            event(courier, DESK[0], "Офис", "shipped");
            let delivered = courier + spread(5, 1, 5) * day + spread(6, 0, 600) * minute;
            event(delivered, DESK[1], "Офис", "delivered");
            event(delivered + day, DESK[1], "Офис", "completed");
            done.orders += 1;
        }
        done.events += events.len();
        done.scans += scans.len();
        done.cartons += cartons.len();
        insert_rows(
            &mut tx,
            "events",
            &["order_id", "at", "user_name", "station", "kind"],
            events,
        )
        .await?;
        insert_rows(
            &mut tx,
            "scans",
            &[
                "scan_id",
                "order_id",
                "station",
                "user_name",
                "at",
                "code",
                "outcome",
                "detail",
                "units",
            ],
            scans,
        )
        .await?;
        insert_rows(
            &mut tx,
            "cartons",
            &[
                "order_id",
                "seq",
                "box_type",
                "station",
                "opened_by",
                "opened_at",
                "closed_by",
                "closed_at",
            ],
            cartons,
        )
        .await?;
        tx.commit().await?;
        progress(usize::try_from(end - 1).unwrap_or(0));
        start = end;
    }
    let mut tx = store.write().await?;
    sqlx::query(
        "UPDATE orders SET hold_reason = 'ждём оплату' WHERE status = 'confirmed' AND id % 7 = 1",
    )
    .execute(&mut *tx)
    .await?;
    super::settings::put(&mut tx, HISTORY_KEY, &HISTORY_VERSION).await?;
    tx.commit().await?;
    sqlx::query("ANALYZE").execute(store.pool()).await?;
    Ok(done)
}

#[allow(clippy::too_many_arguments)]
fn scan_row(
    order_id: i64,
    i: u64,
    k: usize,
    station: &str,
    user: &str,
    at: i64,
    outcome: &str,
    units: i64,
) -> Vec<super::bulk::Cell> {
    use super::bulk::Cell;
    vec![
        Cell::Text(format!("gen-{i}-{k}")),
        Cell::Int(order_id),
        Cell::Text(station.into()),
        Cell::Text(user.into()),
        Cell::Int(at),
        Cell::Text(format!("2{i:011}")),
        Cell::Text(outcome.into()),
        Cell::Text("{}".into()),
        Cell::Int(units),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_migration_counts_stage_times_in_the_bars_the_dashboard_reports() {
        for (engine, text) in [
            (
                "sqlite",
                include_str!("../../migrations/sqlite/0024_dashboard.sql"),
            ),
            (
                "postgres",
                include_str!("../../migrations/postgres/0024_dashboard.sql"),
            ),
        ] {
            let mut edges = Vec::new();
            for line in text.lines() {
                let line = line.trim();
                let Some(rest) = line
                    .strip_prefix("CASE WHEN x.ms / 60000 < ")
                    .or_else(|| line.strip_prefix("WHEN x.ms / 60000 < "))
                else {
                    continue;
                };
                let (edge, bar) = rest.split_once(" THEN ").expect("WHEN .. THEN ..");
                let edge: i64 = edge.parse().expect("an edge in minutes");
                let bar: usize = bar.parse().expect("a bar number");
                assert_eq!(bar, edges.len(), "{engine}: bars numbered in order");
                edges.push(edge);
            }
            assert_eq!(edges, STAGE_EDGES_MINUTES, "{engine}: the same edges");
            assert!(
                text.contains(&format!("ELSE {} END AS bucket", STAGE_EDGES_MINUTES.len())),
                "{engine}: the last bar is open-ended"
            );
        }
    }

    #[test]
    fn a_stage_time_falls_in_the_bar_its_whole_minutes_name() {
        assert_eq!(stage_bar(-5_000), 0, "a clock running behind is no time");
        assert_eq!(stage_bar(59_999), 0);
        assert_eq!(stage_bar(60_000), 1);
        assert_eq!(stage_bar(10 * 60_000), 6, "10 minutes: the bar 10-15 min");
        assert_eq!(stage_bar(43_200 * 60_000), 30, "30 days and more");
        assert_eq!(stage_bar(i64::MAX), 30);
    }

    #[test]
    fn a_range_is_read_in_the_whole_hours_that_cover_it() {
        let s = Slice::covering(3_600_000 + 1, 7_200_000 + 1, None, None);
        assert_eq!((s.from_hour, s.to_hour), (1, 3));
        let s = Slice::covering(3_600_000, 7_200_000, None, None);
        assert_eq!((s.from_hour, s.to_hour), (1, 2), "an hour's edge stays");
    }

    #[test]
    fn a_range_is_read_from_the_days_it_covers_whole_and_the_hours_at_its_edges() {
        let hours = |from, to| Slice {
            from_hour: from,
            to_hour: to,
            channel: None,
            station: None,
        };
        // Moscow's day: 21:00 UTC to 21:00 UTC, no UTC day whole.
        assert_eq!(
            hours(21, 45).parts(),
            Parts {
                hours: vec![(21, 45)],
                days: None
            }
        );
        // Three Moscow days: the middle two UTC days whole.
        assert_eq!(
            hours(21, 93).parts(),
            Parts {
                hours: vec![(21, 24), (72, 93)],
                days: Some((1, 3))
            }
        );
        // Whole UTC days only.
        assert_eq!(
            hours(24, 72).parts(),
            Parts {
                hours: vec![],
                days: Some((1, 3))
            }
        );
    }
}
