//! The supervisor's dashboard (issue 14): how fast orders move through each
//! stage, where they stall, and what each packer and station did, for a
//! range of time, a sales channel and a station. Everything is read from
//! the history (events, the scan ledger, cartons; see store::dashboard),
//! never kept a second time by hand.
//!
//! What the filters narrow: the range and the channel narrow every panel
//! counted from the history; the station narrows them to what was done at
//! that station (a stage counts at the station where it ended). The
//! panels about now (orders per status, the longest waiting) show the
//! whole warehouse at this moment, in the channel chosen: they have no
//! range, and an order waiting in a status is at no station yet.

use crate::documents::Lang;
use crate::domain::access::Op;
use crate::domain::lifecycle::StatusDef;
use crate::domain::{Actor, OrderStatus};
use crate::exchange::safe_cell;
use crate::store::dashboard::{
    self as tally, OnTheClock, Slice, WorkBy, STAGE_BARS, STAGE_EDGES_MINUTES,
};
use crate::store::statuses::StatusCount;
use crate::store::Store;
use crate::{Error, Result};
use chrono::{DateTime, NaiveDate, Offset, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The longest range the dashboard counts: three years.
pub const MAX_RANGE_DAYS: i64 = 1096;

/// How many orders the stall panel lists per status.
pub const WAITING_PER_STATUS: i64 = 5;

/// What the dashboard shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DashboardQuery {
    pub from: DateTime<Utc>,
    /// Up to, not including. Both ends are widened to whole hours.
    pub to: DateTime<Utc>,
    /// One sales channel; none = every channel.
    #[serde(default)]
    pub channel: Option<String>,
    /// One station; none = every station.
    #[serde(default)]
    pub station: Option<String>,
    /// The user's clock, minutes east of UTC (Moscow: 180): the hours of
    /// the day and the days are counted on it.
    #[serde(default)]
    pub utc_offset_minutes: i32,
}

crate::named_enum! {
    /// A stage of fulfilment, named by the milestone that ends it. A stage
    /// starts at the latest milestone before it: "confirm" at the order's
    /// creation, "pick" at its confirmation, "pack" at its picking (or its
    /// confirmation when it was packed without a pick list), "ship" at its
    /// packing, "deliver" at its shipping.
    pub enum Stage("stage") {
        /// new → confirmed
        Confirm = "confirm",
        /// confirmed → picked
        Pick = "pick",
        /// picked (or confirmed) → packed
        Pack = "pack",
        /// packed → shipped
        Ship = "ship",
        /// shipped → delivered
        Deliver = "deliver",
    }
}

impl Stage {
    pub fn label(self, russian: bool) -> &'static str {
        match (self, russian) {
            (Stage::Confirm, false) => "New → confirmed",
            (Stage::Confirm, true) => "Новый → подтверждён",
            (Stage::Pick, false) => "Confirmed → picked",
            (Stage::Pick, true) => "Подтверждён → собран",
            (Stage::Pack, false) => "Picked → packed",
            (Stage::Pack, true) => "Собран → упакован",
            (Stage::Ship, false) => "Packed → shipped",
            (Stage::Ship, true) => "Упакован → отправлен",
            (Stage::Deliver, false) => "Shipped → delivered",
            (Stage::Deliver, true) => "Отправлен → доставлен",
        }
    }
}

/// How long one stage took, over the orders whose stage ended in the range.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StageTimes {
    pub stage: Stage,
    /// Orders whose stage ended in the range.
    pub orders: i64,
    /// Half the orders took at most this long, in seconds; none without
    /// orders. Read from the histogram: within the bar that holds the
    /// middle order, assuming its orders spread evenly across the bar.
    pub median_seconds: Option<i64>,
    /// Nine orders in ten took at most this long (as the median is read).
    pub p90_seconds: Option<i64>,
    /// Orders per bar; the bars' edges are [`Dashboard::stage_edges_minutes`].
    pub histogram: Vec<i64>,
}

/// An order that has waited long in its status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Waiting {
    pub number: String,
    pub status: OrderStatus,
    /// The store's own status inside the stage, if it is in one.
    pub sub_status: Option<String>,
    pub channel: String,
    /// When it entered its status.
    pub since: DateTime<Utc>,
    /// How long it has waited, in whole minutes.
    pub minutes: i64,
    /// Longer than the status (or its step) allows.
    pub overdue: bool,
    /// Why it is held («ждём оплату»), when someone put it on hold.
    pub hold_reason: Option<String>,
    /// The station packing it, and who.
    pub claimed_station: Option<String>,
    pub claimed_by: Option<String>,
}

/// The orders of one status that have waited longest, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Stall {
    pub status: OrderStatus,
    pub orders: Vec<Waiting>,
}

/// Packing work in one hour of the day (on the user's clock).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HourWork {
    /// 0 to 23.
    pub hour: i32,
    /// Orders packed (complete or short).
    pub orders: i64,
    /// Units packed (scans accepted, less those undone).
    pub units: i64,
    /// Cartons closed.
    pub cartons: i64,
}

/// What one packer, or one station, did in the range.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PackingWork {
    /// The packer's name as the history shows it, or the station's.
    pub name: String,
    /// Orders packed (complete or short).
    pub orders: i64,
    /// Of them, packed short (with a reason and a supervisor's approval).
    pub short_orders: i64,
    /// short_orders / orders; none without orders.
    pub short_ship_rate: Option<f64>,
    pub units: i64,
    pub cartons: i64,
    /// Scans of an item at the packing table, accepted or refused.
    pub item_scans: i64,
    /// Refused: a wrong item, an extra one, an unknown or unreadable
    /// code, a marked item without its code or with a used one.
    pub wrong_scans: i64,
    /// wrong_scans / item_scans; none without scans.
    pub wrong_scan_rate: Option<f64>,
}

/// One day of the trend (on the user's clock).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DayTrend {
    pub day: NaiveDate,
    /// Orders entered or imported.
    pub created: i64,
    pub confirmed: i64,
    /// Orders packed (complete or short).
    pub packed: i64,
    pub shipped: i64,
    pub delivered: i64,
    pub cancelled: i64,
    pub units: i64,
}

/// The supervisor's dashboard.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Dashboard {
    /// The range counted: the query's, widened to whole hours.
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub channel: Option<String>,
    pub station: Option<String>,
    pub utc_offset_minutes: i32,
    /// When it was read (the "now" of the panels about now).
    pub now: DateTime<Utc>,
    /// Orders per status now, and how many are overdue; every stage listed.
    pub statuses: Vec<StatusCount>,
    /// Every stage, in order.
    pub stages: Vec<StageTimes>,
    /// Upper edges of the histogram's bars, in minutes: bar 0 is under the
    /// first edge, the last bar is the last edge and over.
    pub stage_edges_minutes: Vec<i64>,
    /// The longest waiting orders of each status still in the warehouse's
    /// hands (new to shipped).
    pub stalls: Vec<Stall>,
    /// Every hour of the day, 0 to 23.
    pub hours: Vec<HourWork>,
    /// Packers who packed or scanned in the range, most orders first.
    pub packers: Vec<PackingWork>,
    /// Stations where orders were packed or scanned, most orders first.
    pub stations: Vec<PackingWork>,
    /// Every day of the range, oldest first.
    pub days: Vec<DayTrend>,
    /// Sales channels and stations that did any work in the range (what
    /// the filters offer).
    pub channel_choices: Vec<String>,
    pub station_choices: Vec<String>,
    /// The store's statuses with its names for them in both languages:
    /// the tables name statuses as the order lists and exports do.
    pub lifecycle: Vec<StatusDef>,
}

/// The statuses whose waiting orders the stall panel lists.
const WAITING_STATUSES: [OrderStatus; 6] = [
    OrderStatus::New,
    OrderStatus::Confirmed,
    OrderStatus::Picking,
    OrderStatus::Packing,
    OrderStatus::Ready,
    OrderStatus::Shipped,
];

/// The query checked: a range that ends after it starts and is not
/// longer than [`MAX_RANGE_DAYS`]; blank channel or station = every one.
fn slice_of(q: &DashboardQuery) -> Result<Slice> {
    if q.to <= q.from {
        return Err(Error::Invalid(format!(
            "the dashboard's range ends ({}) before it starts ({}); choose an end after the start",
            q.to.format("%Y-%m-%d %H:%M UTC"),
            q.from.format("%Y-%m-%d %H:%M UTC")
        )));
    }
    if (q.to - q.from).num_days() > MAX_RANGE_DAYS {
        return Err(Error::Invalid(format!(
            "the dashboard counts at most {MAX_RANGE_DAYS} days at once; choose a shorter range"
        )));
    }
    if !(-14 * 60..=14 * 60).contains(&q.utc_offset_minutes) {
        return Err(Error::Invalid(format!(
            "{} minutes is no time zone's offset from UTC (they run from -840 to 840)",
            q.utc_offset_minutes
        )));
    }
    let named = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
    };
    Ok(Slice::covering(
        q.from.timestamp_millis(),
        q.to.timestamp_millis(),
        named(&q.channel),
        named(&q.station),
    ))
}

/// The dashboard for the query, read in one snapshot. Supervisors and
/// admins only.
pub async fn dashboard(store: &Store, actor: &Actor, query: &DashboardQuery) -> Result<Dashboard> {
    actor.may(Op::ViewDashboard)?;
    let slice = slice_of(query)?;
    let now = store.now();
    let now_ms = now.timestamp_millis();
    let offset = query.utc_offset_minutes;
    let mut tx = store.read().await?;

    let statuses = tally::status_counts(&mut tx, now_ms, slice.channel.as_deref()).await?;

    let stages = stage_times(&tally::stage_bars(&mut tx, &slice).await?);

    let mut stalls = Vec::with_capacity(WAITING_STATUSES.len());
    for status in WAITING_STATUSES {
        let rows = tally::longest_waiting(
            &mut tx,
            status,
            slice.channel.as_deref(),
            now_ms,
            WAITING_PER_STATUS,
        )
        .await?;
        stalls.push(Stall {
            status,
            orders: rows
                .into_iter()
                .map(|r| Waiting {
                    minutes: (now_ms - r.since.timestamp_millis()).max(0) / 60_000,
                    number: r.number,
                    status: r.status,
                    sub_status: r.sub_status,
                    channel: r.channel,
                    since: r.since,
                    overdue: r.overdue,
                    hold_reason: r.hold_reason,
                    claimed_station: r.claimed_station,
                    claimed_by: r.claimed_by,
                })
                .collect(),
        });
    }

    let hours = hour_work(
        &tally::work_on_the_clock(
            &mut tx,
            &slice,
            OnTheClock::HourOfDay,
            offset,
            &tally::HOUR_METRICS,
        )
        .await?,
    );
    let days = day_trend(
        &slice,
        offset,
        &tally::work_on_the_clock(
            &mut tx,
            &slice,
            OnTheClock::Day,
            offset,
            &tally::HOUR_METRICS,
        )
        .await?,
    );
    let packers =
        packing_work(tally::work(&mut tx, &slice, WorkBy::Person, &tally::PACKING_METRICS).await?);
    let stations =
        packing_work(tally::work(&mut tx, &slice, WorkBy::Station, &tally::PACKING_METRICS).await?);
    let (channel_choices, station_choices) = tally::choices(&mut tx, &slice).await?;
    let lifecycle = crate::store::statuses::all(&mut tx).await?;
    tx.commit().await?;

    Ok(Dashboard {
        from: at_ms(slice.from_ms())?,
        to: at_ms(slice.to_ms())?,
        channel: slice.channel.clone(),
        station: slice.station.clone(),
        utc_offset_minutes: offset,
        now,
        statuses,
        stages,
        stage_edges_minutes: STAGE_EDGES_MINUTES.to_vec(),
        stalls,
        hours,
        packers,
        stations,
        days,
        channel_choices,
        station_choices,
        lifecycle,
    })
}

fn at_ms(ms: i64) -> Result<DateTime<Utc>> {
    crate::domain::time::from_millis(ms).map_err(Error::Invalid)
}

/// Every stage's orders, histogram and percentiles from (stage, bar, n).
fn stage_times(rows: &[(String, i64, i64)]) -> Vec<StageTimes> {
    Stage::ALL
        .iter()
        .map(|stage| {
            let mut histogram = vec![0i64; STAGE_BARS];
            for (name, bar, n) in rows {
                if name == stage.as_str() {
                    let bar = usize::try_from(*bar).unwrap_or(0).min(STAGE_BARS - 1);
                    histogram[bar] += n;
                }
            }
            StageTimes {
                stage: *stage,
                orders: histogram.iter().sum(),
                median_seconds: percentile_seconds(&histogram, 0.5),
                p90_seconds: percentile_seconds(&histogram, 0.9),
                histogram,
            }
        })
        .collect()
}

/// The time within which a share `q` of the orders finished, read from the
/// histogram: the order of rank ⌈q·n⌉ (nearest rank) lies in some bar; the
/// bar's orders are taken as spread evenly across it, the k-th of m at
/// (k - ½)/m of its width. The open-ended last bar gives its lower edge.
pub fn percentile_seconds(histogram: &[i64], q: f64) -> Option<i64> {
    let total: i64 = histogram.iter().filter(|n| **n > 0).sum();
    if total <= 0 {
        return None;
    }
    let rank = ((q * total as f64).ceil() as i64).clamp(1, total);
    let mut before = 0i64;
    for (bar, n) in histogram.iter().enumerate() {
        let n = (*n).max(0);
        if before + n >= rank {
            let low = if bar == 0 {
                0
            } else {
                STAGE_EDGES_MINUTES[bar - 1] * 60
            };
            let Some(high) = STAGE_EDGES_MINUTES.get(bar).map(|m| m * 60) else {
                return Some(low);
            };
            let k = (rank - before) as f64;
            let within = (k - 0.5) / n as f64;
            return Some(low + ((high - low) as f64 * within).round() as i64);
        }
        before += n;
    }
    None
}

/// The day number (since 1970-01-01) of a UTC hour on a clock
/// `offset_minutes` east of UTC.
fn local_day(hour: i64, offset_minutes: i32) -> i64 {
    (hour * 60 + i64::from(offset_minutes)).div_euclid(1440)
}

/// Every hour of the day from (hour of the day, metric, n).
fn hour_work(rows: &[(i64, String, i64)]) -> Vec<HourWork> {
    let mut hours: Vec<HourWork> = (0..24)
        .map(|hour| HourWork {
            hour,
            orders: 0,
            units: 0,
            cartons: 0,
        })
        .collect();
    for (hour, metric, n) in rows {
        let Some(h) = usize::try_from(*hour).ok().and_then(|h| hours.get_mut(h)) else {
            continue;
        };
        match metric.as_str() {
            "packed" | "packed_short" => h.orders += n,
            "units" => h.units += n,
            "cartons" => h.cartons += n,
            _ => {}
        }
    }
    hours
}

fn rate(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// Per person or station, from (name, metric, n); those with nothing
/// packed or scanned are left out.
fn packing_work(rows: Vec<(String, String, i64)>) -> Vec<PackingWork> {
    let mut by: BTreeMap<String, [i64; 6]> = BTreeMap::new();
    for (name, metric, n) in rows {
        let Some(i) = tally::PACKING_METRICS.iter().position(|m| *m == metric) else {
            continue;
        };
        by.entry(name).or_default()[i] += n;
    }
    let mut list: Vec<PackingWork> = by
        .into_iter()
        .filter(|(_, m)| m.iter().any(|v| *v != 0))
        .map(
            |(name, [packed, short, units, cartons, item_scans, wrong_scans])| {
                let orders = packed + short;
                PackingWork {
                    name,
                    orders,
                    short_orders: short,
                    short_ship_rate: rate(short, orders),
                    units,
                    cartons,
                    item_scans,
                    wrong_scans,
                    wrong_scan_rate: rate(wrong_scans, item_scans),
                }
            },
        )
        .collect();
    list.sort_by(|a, b| b.orders.cmp(&a.orders).then_with(|| a.name.cmp(&b.name)));
    list
}

/// Every day the range touches on the user's clock, with its counts
/// from (day, metric, n).
fn day_trend(slice: &Slice, offset_minutes: i32, rows: &[(i64, String, i64)]) -> Vec<DayTrend> {
    let first = local_day(slice.from_hour, offset_minutes);
    let last = local_day(slice.to_hour - 1, offset_minutes);
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    let mut days: Vec<DayTrend> = (first..=last)
        .map(|d| DayTrend {
            day: epoch + chrono::Days::new(u64::try_from(d).unwrap_or(0)),
            created: 0,
            confirmed: 0,
            packed: 0,
            shipped: 0,
            delivered: 0,
            cancelled: 0,
            units: 0,
        })
        .collect();
    for (day, metric, n) in rows {
        let Some(day) = usize::try_from(day - first)
            .ok()
            .and_then(|i| days.get_mut(i))
        else {
            continue;
        };
        match metric.as_str() {
            "created" => day.created += n,
            "confirmed" => day.confirmed += n,
            "packed" | "packed_short" => day.packed += n,
            "shipped" => day.shipped += n,
            "delivered" => day.delivered += n,
            "cancelled" => day.cancelled += n,
            "units" => day.units += n,
            _ => {}
        }
    }
    days
}

crate::named_enum! {
    /// One chart (or table) of the dashboard: its numbers as a table.
    pub enum DashboardChart("dashboard chart") {
        /// Orders per status now, and overdue.
        Statuses = "statuses",
        /// Each stage's orders, median and p90.
        Stages = "stages",
        /// Each stage's orders per histogram bar.
        Histogram = "histogram",
        /// The longest waiting orders of each status.
        Stalls = "stalls",
        /// Packing work per hour of the day.
        Hours = "hours",
        /// Each packer's work and rates.
        Packers = "packers",
        /// Each station's work and rates.
        Stations = "stations",
        /// The trend over days.
        Days = "days",
    }
}

impl DashboardChart {
    /// The chart's title, as the screen and the report head it.
    pub fn title(self, russian: bool) -> &'static str {
        use DashboardChart as C;
        match (self, russian) {
            (C::Statuses, false) => "Orders per status now",
            (C::Statuses, true) => "Заказы по статусам сейчас",
            (C::Stages, false) => "Time in each stage",
            (C::Stages, true) => "Время на каждом этапе",
            (C::Histogram, false) => "How long each stage took",
            (C::Histogram, true) => "Сколько длился каждый этап",
            (C::Stalls, false) => "Where orders wait longest",
            (C::Stalls, true) => "Где заказы ждут дольше всего",
            (C::Hours, false) => "Packing per hour of the day",
            (C::Hours, true) => "Упаковка по часам дня",
            (C::Packers, false) => "Packers",
            (C::Packers, true) => "Упаковщики",
            (C::Stations, false) => "Stations",
            (C::Stations, true) => "Рабочие места",
            (C::Days, false) => "The trend over days",
            (C::Days, true) => "По дням",
        }
    }
}

/// One chart's numbers as a table in one language: what the screen shows a
/// click away from the chart, the chart's CSV and its section of the PDF
/// report are this one table, so the three never differ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DashboardTable {
    pub chart: DashboardChart,
    /// The chart's title.
    pub title: String,
    /// The columns' headers.
    pub columns: Vec<String>,
    /// Which columns hold numbers; the others hold words (names, days).
    pub numeric: Vec<bool>,
    pub rows: Vec<DashboardRow>,
}

/// One row of a [`DashboardTable`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DashboardRow {
    /// What the row is about, the same in both languages: a status's or a
    /// stage's code, a histogram bar's number (0 first), an order's
    /// number, the hour (0-23), a packer's or station's name, the day.
    pub key: String,
    /// As many as the table has columns.
    pub cells: Vec<String>,
}

/// A column: its header in English and in Russian, and whether it holds
/// numbers.
type Column = (&'static str, &'static str, bool);

impl DashboardTable {
    fn new(chart: DashboardChart, russian: bool, columns: &[Column]) -> DashboardTable {
        let mut table = DashboardTable {
            chart,
            title: chart.title(russian).to_string(),
            columns: Vec::with_capacity(columns.len()),
            numeric: Vec::with_capacity(columns.len()),
            rows: Vec::new(),
        };
        for column in columns {
            table.column(if russian { column.1 } else { column.0 }, column.2);
        }
        table
    }

    fn column(&mut self, header: impl Into<String>, numeric: bool) {
        self.columns.push(header.into());
        self.numeric.push(numeric);
    }

    fn row(&mut self, key: impl Into<String>, cells: Vec<String>) {
        self.rows.push(DashboardRow {
            key: key.into(),
            cells,
        });
    }
}

/// The store's name of a status (a stage, or its own step inside one), as
/// every list and export names it; the code when the store has none.
fn status_name(d: &Dashboard, code: &str, russian: bool) -> String {
    d.lifecycle
        .iter()
        .find(|s| s.code == code)
        .map(|s| s.label(russian).to_string())
        .unwrap_or_else(|| code.to_string())
}

/// Seconds as minutes with one decimal; empty for none.
fn minutes(seconds: Option<i64>) -> String {
    seconds
        .map(|s| format!("{:.1}", s as f64 / 60.0))
        .unwrap_or_default()
}

/// A share as a percentage with one decimal; empty for none.
fn percent(share: Option<f64>) -> String {
    share
        .map(|r| format!("{:.1}", r * 100.0))
        .unwrap_or_default()
}

/// "UTC+03:00": the clock the table's times are on.
fn clock_name(offset_minutes: i32) -> String {
    let sign = if offset_minutes < 0 { '-' } else { '+' };
    let m = offset_minutes.unsigned_abs();
    format!("UTC{sign}{:02}:{:02}", m / 60, m % 60)
}

/// One chart's numbers as a table, in English or Russian.
pub fn dashboard_table(d: &Dashboard, chart: DashboardChart, russian: bool) -> DashboardTable {
    let yes_no = |v: bool| match (v, russian) {
        (true, true) => "да",
        (false, true) => "нет",
        (true, false) => "yes",
        (false, false) => "no",
    };
    let mut t;
    match chart {
        DashboardChart::Statuses => {
            t = DashboardTable::new(
                chart,
                russian,
                &[
                    ("Status", "Статус", false),
                    ("Orders", "Заказов", true),
                    ("Overdue", "Просрочено", true),
                ],
            );
            for s in &d.statuses {
                t.row(
                    s.status.as_str(),
                    vec![
                        status_name(d, s.status.as_str(), russian),
                        s.count.to_string(),
                        s.overdue.to_string(),
                    ],
                );
            }
        }
        DashboardChart::Stages => {
            t = DashboardTable::new(
                chart,
                russian,
                &[
                    ("Stage", "Этап", false),
                    ("Orders", "Заказов", true),
                    ("Median (min)", "Медиана (мин)", true),
                    ("p90 (min)", "p90 (мин)", true),
                ],
            );
            for s in &d.stages {
                t.row(
                    s.stage.as_str(),
                    vec![
                        s.stage.label(russian).to_string(),
                        s.orders.to_string(),
                        minutes(s.median_seconds),
                        minutes(s.p90_seconds),
                    ],
                );
            }
        }
        DashboardChart::Histogram => {
            t = DashboardTable::new(
                chart,
                russian,
                &[
                    ("From (min)", "От (мин)", true),
                    ("Under (min)", "До (мин)", true),
                ],
            );
            for s in &d.stages {
                t.column(s.stage.label(russian), true);
            }
            for bar in 0..STAGE_BARS {
                let from = match bar {
                    0 => Some(0),
                    _ => d.stage_edges_minutes.get(bar - 1).copied(),
                };
                let under = d.stage_edges_minutes.get(bar).copied();
                let mut cells = vec![
                    from.map(|m| m.to_string()).unwrap_or_default(),
                    under.map(|m| m.to_string()).unwrap_or_default(),
                ];
                cells.extend(
                    d.stages
                        .iter()
                        .map(|s| s.histogram.get(bar).copied().unwrap_or(0).to_string()),
                );
                t.row(bar.to_string(), cells);
            }
        }
        DashboardChart::Stalls => {
            t = DashboardTable::new(
                chart,
                russian,
                &[
                    ("Status", "Статус", false),
                    ("Order", "Заказ", false),
                    ("Channel", "Канал", false),
                ],
            );
            let clock = clock_name(d.utc_offset_minutes);
            t.column(
                if russian {
                    format!("С ({clock})")
                } else {
                    format!("Since ({clock})")
                },
                false,
            );
            for column in [
                ("Waiting (min)", "Ждёт (мин)", true),
                ("Overdue", "Просрочен", false),
                ("Step", "Шаг", false),
                ("Hold reason", "Причина удержания", false),
                ("Station", "Рабочее место", false),
                ("Packer", "Упаковщик", false),
            ] {
                t.column(if russian { column.1 } else { column.0 }, column.2);
            }
            // The query's offset was checked (±14 h) when it was counted.
            let offset = chrono::FixedOffset::east_opt(d.utc_offset_minutes * 60)
                .unwrap_or_else(|| Utc.fix());
            for stall in &d.stalls {
                for w in &stall.orders {
                    let text = |v: &Option<String>| v.clone().unwrap_or_default();
                    t.row(
                        w.number.clone(),
                        vec![
                            status_name(d, w.status.as_str(), russian),
                            w.number.clone(),
                            w.channel.clone(),
                            w.since
                                .with_timezone(&offset)
                                .format("%Y-%m-%d %H:%M")
                                .to_string(),
                            w.minutes.to_string(),
                            yes_no(w.overdue).to_string(),
                            w.sub_status
                                .as_deref()
                                .map(|s| status_name(d, s, russian))
                                .unwrap_or_default(),
                            text(&w.hold_reason),
                            text(&w.claimed_station),
                            text(&w.claimed_by),
                        ],
                    );
                }
            }
        }
        DashboardChart::Hours => {
            t = DashboardTable::new(
                chart,
                russian,
                &[
                    ("Hour", "Час", false),
                    ("Orders", "Заказов", true),
                    ("Units", "Штук", true),
                    ("Cartons", "Коробок", true),
                ],
            );
            for h in &d.hours {
                t.row(
                    h.hour.to_string(),
                    vec![
                        format!("{:02}:00", h.hour),
                        h.orders.to_string(),
                        h.units.to_string(),
                        h.cartons.to_string(),
                    ],
                );
            }
        }
        DashboardChart::Packers | DashboardChart::Stations => {
            let first: Column = if chart == DashboardChart::Packers {
                ("Packer", "Упаковщик", false)
            } else {
                ("Station", "Рабочее место", false)
            };
            t = DashboardTable::new(
                chart,
                russian,
                &[
                    first,
                    ("Orders", "Заказов", true),
                    ("Short-shipped", "С недовложением", true),
                    ("Short-shipped (%)", "С недовложением (%)", true),
                    ("Units", "Штук", true),
                    ("Cartons", "Коробок", true),
                    ("Item scans", "Сканов товара", true),
                    ("Wrong scans", "Ошибочных сканов", true),
                    ("Wrong scans (%)", "Ошибочных сканов (%)", true),
                ],
            );
            let list = if chart == DashboardChart::Packers {
                &d.packers
            } else {
                &d.stations
            };
            for p in list {
                t.row(
                    p.name.clone(),
                    vec![
                        p.name.clone(),
                        p.orders.to_string(),
                        p.short_orders.to_string(),
                        percent(p.short_ship_rate),
                        p.units.to_string(),
                        p.cartons.to_string(),
                        p.item_scans.to_string(),
                        p.wrong_scans.to_string(),
                        percent(p.wrong_scan_rate),
                    ],
                );
            }
        }
        DashboardChart::Days => {
            t = DashboardTable::new(
                chart,
                russian,
                &[
                    ("Day", "День", false),
                    ("Created", "Создано", true),
                    ("Confirmed", "Подтверждено", true),
                    ("Packed", "Упаковано", true),
                    ("Shipped", "Отправлено", true),
                    ("Delivered", "Доставлено", true),
                    ("Cancelled", "Отменено", true),
                    ("Units", "Штук", true),
                ],
            );
            for day in &d.days {
                let name = day.day.format("%Y-%m-%d").to_string();
                t.row(
                    name.clone(),
                    vec![
                        name,
                        day.created.to_string(),
                        day.confirmed.to_string(),
                        day.packed.to_string(),
                        day.shipped.to_string(),
                        day.delivered.to_string(),
                        day.cancelled.to_string(),
                        day.units.to_string(),
                    ],
                );
            }
        }
    }
    t
}

/// Every chart's table, in the order the report prints them.
pub fn dashboard_tables(d: &Dashboard, russian: bool) -> Vec<DashboardTable> {
    DashboardChart::ALL
        .iter()
        .map(|chart| dashboard_table(d, *chart, russian))
        .collect()
}

/// One chart's numbers as CSV: its table, headers in English or Russian.
/// Text a spreadsheet would run as a formula (a name starting with `=`) is
/// neutralised, as in every export.
pub fn dashboard_csv(d: &Dashboard, chart: DashboardChart, russian: bool) -> Result<String> {
    let table = dashboard_table(d, chart, russian);
    let mut out = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| Error::Invalid(format!("the CSV could not be written: {e}"));
    out.write_record(&table.columns).map_err(fail)?;
    for row in &table.rows {
        let cells = row.cells.iter().zip(&table.numeric).map(|(cell, numeric)| {
            if *numeric {
                cell.clone()
            } else {
                safe_cell(cell)
            }
        });
        out.write_record(cells).map_err(fail)?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| Error::Invalid(format!("the CSV could not be written: {e}")))?;
    String::from_utf8(bytes).map_err(|e| Error::Invalid(format!("the CSV is not text: {e}")))
}

/// The dashboard as the screen shows it: the figures its charts draw, and
/// every chart's numbers as a table in the user's language, read in one
/// snapshot.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DashboardView {
    pub figures: Dashboard,
    pub tables: Vec<DashboardTable>,
}

/// [`dashboard`] with its tables in `lang`.
pub async fn dashboard_view(
    store: &Store,
    actor: &Actor,
    query: &DashboardQuery,
    lang: Lang,
) -> Result<DashboardView> {
    let figures = dashboard(store, actor, query).await?;
    let tables = dashboard_tables(&figures, lang == Lang::Ru);
    Ok(DashboardView { figures, tables })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bars(pairs: &[(usize, i64)]) -> Vec<i64> {
        let mut h = vec![0; STAGE_BARS];
        for (bar, n) in pairs {
            h[*bar] = *n;
        }
        h
    }

    #[test]
    fn a_percentile_lies_in_the_bar_of_the_order_of_its_rank() {
        // 10 orders: 4 took 5-7 min (bar 4), 6 took 10-15 min (bar 6).
        let h = bars(&[(4, 4), (6, 6)]);
        // The 5th order is the first of bar 6: at 1/12 of 10..15 min.
        assert_eq!(percentile_seconds(&h, 0.5), Some(600 + 25));
        // The 9th is the 5th of 6 in bar 6.
        assert_eq!(percentile_seconds(&h, 0.9), Some(600 + 225));
        assert_eq!(percentile_seconds(&bars(&[]), 0.5), None, "no orders");
        let one = bars(&[(0, 1)]);
        assert_eq!(percentile_seconds(&one, 0.5), Some(30), "mid-bar");
        let long = bars(&[(30, 3)]);
        assert_eq!(
            percentile_seconds(&long, 0.9),
            Some(43_200 * 60),
            "the open bar gives its lower edge"
        );
    }

    #[test]
    fn rates_have_no_value_without_a_whole() {
        let work = packing_work(vec![
            ("Анна".into(), "packed".into(), 3),
            ("Анна".into(), "packed_short".into(), 1),
            ("Анна".into(), "item_scans".into(), 20),
            ("Анна".into(), "wrong_scans".into(), 2),
            ("Олег".into(), "cartons".into(), 1),
            ("Пётр".into(), "units".into(), 0),
        ]);
        assert_eq!(work.len(), 2, "a row of zeros is nobody's work: {work:?}");
        assert_eq!(work[0].name, "Анна");
        assert_eq!(work[0].orders, 4);
        assert_eq!(work[0].short_ship_rate, Some(0.25));
        assert_eq!(work[0].wrong_scan_rate, Some(0.1));
        assert_eq!(work[1].short_ship_rate, None);
        assert_eq!(work[1].wrong_scan_rate, None);
    }

    #[test]
    fn a_range_that_ends_before_it_starts_is_refused() {
        let t = DateTime::parse_from_rfc3339("2026-11-20T09:00:00Z")
            .unwrap()
            .to_utc();
        let q = DashboardQuery {
            from: t,
            to: t,
            channel: None,
            station: None,
            utc_offset_minutes: 180,
        };
        let e = slice_of(&q).unwrap_err().to_string();
        assert!(e.contains("choose an end after the start"), "{e}");
        let q = DashboardQuery {
            to: t + chrono::Duration::days(MAX_RANGE_DAYS + 1),
            ..q
        };
        assert!(slice_of(&q).is_err(), "too long a range");
    }

    #[test]
    fn days_are_counted_on_the_users_clock() {
        // 2026-11-20 21:00 UTC is 00:00 on the 21st in Moscow.
        let from = DateTime::parse_from_rfc3339("2026-11-20T21:00:00Z")
            .unwrap()
            .to_utc();
        let slice = Slice::covering(
            from.timestamp_millis(),
            from.timestamp_millis() + 2 * 86_400_000,
            None,
            None,
        );
        let days = day_trend(&slice, 180, &[]);
        let names: Vec<String> = days.iter().map(|d| d.day.to_string()).collect();
        assert_eq!(names, ["2026-11-21", "2026-11-22"]);
    }

    #[test]
    fn a_name_a_spreadsheet_would_run_is_written_as_text() {
        let d = Dashboard {
            from: DateTime::<Utc>::default(),
            to: DateTime::<Utc>::default(),
            channel: None,
            station: None,
            utc_offset_minutes: 0,
            now: DateTime::<Utc>::default(),
            statuses: Vec::new(),
            stages: Vec::new(),
            stage_edges_minutes: STAGE_EDGES_MINUTES.to_vec(),
            stalls: Vec::new(),
            hours: Vec::new(),
            packers: packing_work(vec![("=HYPERLINK(\"x\")".into(), "packed".into(), 1)]),
            stations: Vec::new(),
            days: Vec::new(),
            channel_choices: Vec::new(),
            station_choices: Vec::new(),
            lifecycle: Vec::new(),
        };
        let csv = dashboard_csv(&d, DashboardChart::Packers, false).unwrap();
        assert!(csv.contains("'=HYPERLINK"), "{csv}");
    }
}
