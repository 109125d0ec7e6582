//! `dashboard`: the supervisor's dashboard as tables (or JSON), and any of
//! its charts' numbers as CSV. The numbers come from core
//! (`ops::dashboard`); this only reads the range and prints.

use super::{usage, Failure};
use crate::finding::{local_offset, when};
use clap::{Args, Subcommand};
use packbench_core::ops::{self, Actor, Dashboard, DashboardChart, DashboardQuery};
use packbench_core::store::Store;
use std::path::PathBuf;

#[derive(Args)]
pub struct DashboardArgs {
    /// From this day (YYYY-MM-DD, this computer's time zone) or time
    /// (RFC 3339). Default: 6 days before today, so with today a week.
    #[arg(long, global = true)]
    from: Option<String>,
    /// Up to this day (inclusive) or time. Default: now.
    #[arg(long, global = true)]
    to: Option<String>,
    /// One sales channel (web, shopify, ...).
    #[arg(long, global = true)]
    channel: Option<String>,
    /// What was done at one station (`--station` is this command's own).
    #[arg(long = "at-station", global = true)]
    at_station: Option<String>,
    #[command(subcommand)]
    command: Option<DashboardCommand>,
}

#[derive(Subcommand)]
pub enum DashboardCommand {
    /// Write one chart's numbers as CSV: statuses, stages, histogram,
    /// stalls, hours, packers, stations or days.
    ExportCsv {
        #[arg(long)]
        chart: String,
        /// The file to write (- for standard output).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// The headers' language: ru or en.
        #[arg(long, default_value = "ru")]
        lang: String,
    },
}

pub async fn run(
    store: &Store,
    actor: &Actor,
    json: bool,
    a: DashboardArgs,
) -> Result<u8, Failure> {
    let tz = local_offset();
    let now = store.now();
    let from = match a.from.as_deref() {
        Some(t) => when(t, false, tz)?,
        None => {
            let today = now.with_timezone(&tz).date_naive();
            let first = today - chrono::Days::new(6);
            when(&first.format("%Y-%m-%d").to_string(), false, tz)?
        }
    };
    let to = match a.to.as_deref() {
        Some(t) => when(t, true, tz)?,
        None => now,
    };
    let query = DashboardQuery {
        from,
        to,
        channel: a.channel,
        station: a.at_station,
        utc_offset_minutes: tz.local_minus_utc() / 60,
    };
    let d = ops::dashboard(store, actor, &query).await?;
    match a.command {
        Some(DashboardCommand::ExportCsv { chart, out, lang }) => {
            let chart = DashboardChart::parse(&chart).map_err(usage)?;
            let russian = match lang.as_str() {
                "ru" => true,
                "en" => false,
                other => return Err(usage(format!("language {other:?}: use ru or en"))),
            };
            let csv = ops::dashboard_csv(&d, chart, russian)?;
            if out.as_os_str() == "-" {
                out!("{}", csv.trim_end());
            } else {
                std::fs::write(&out, csv)
                    .map_err(|e| usage(format!("cannot write {}: {e}", out.display())))?;
                if !json {
                    out!("{chart} written to {}", out.display());
                }
            }
        }
        None if json => out!("{}", serde_json::to_string_pretty(&d).unwrap_or_default()),
        None => print(&d, tz),
    }
    Ok(0)
}

fn duration(seconds: Option<i64>) -> String {
    match seconds {
        None => "-".into(),
        Some(s) if s < 3600 => format!("{:.1} min", s as f64 / 60.0),
        Some(s) if s < 2 * 86_400 => format!("{:.1} h", s as f64 / 3600.0),
        Some(s) => format!("{:.1} d", s as f64 / 86_400.0),
    }
}

fn percent(rate: Option<f64>) -> String {
    rate.map(|r| format!("{:.1}%", r * 100.0))
        .unwrap_or_else(|| "-".into())
}

fn print(d: &Dashboard, tz: chrono::FixedOffset) {
    let local = |t: chrono::DateTime<chrono::Utc>| t.with_timezone(&tz).format("%Y-%m-%d %H:%M");
    out!(
        "dashboard {} – {}{}{}",
        local(d.from),
        local(d.to),
        d.channel
            .as_deref()
            .map(|c| format!(", channel {c}"))
            .unwrap_or_default(),
        d.station
            .as_deref()
            .map(|s| format!(", station {s}"))
            .unwrap_or_default()
    );
    out!("");
    out!("orders now        count   overdue");
    for s in &d.statuses {
        out!(
            "  {:<14} {:>7} {:>9}",
            s.status.as_str(),
            s.count,
            s.overdue
        );
    }
    out!("");
    out!("stage                    orders     median        p90");
    for s in &d.stages {
        out!(
            "  {:<21} {:>7} {:>10} {:>10}",
            s.stage.label(false),
            s.orders,
            duration(s.median_seconds),
            duration(s.p90_seconds)
        );
    }
    out!("");
    out!("waiting longest");
    for stall in &d.stalls {
        for w in &stall.orders {
            out!(
                "  {:<10} {:<12} {:>8} min{}{}{}",
                w.status.as_str(),
                w.number,
                w.minutes,
                if w.overdue { "  OVERDUE" } else { "" },
                w.hold_reason
                    .as_deref()
                    .map(|r| format!("  held: {r}"))
                    .unwrap_or_default(),
                w.claimed_station
                    .as_deref()
                    .map(|s| format!("  at {s}"))
                    .unwrap_or_default()
            );
        }
    }
    for (title, list) in [("packer", &d.packers), ("station", &d.stations)] {
        out!("");
        out!("{title:<20} orders  short   units cartons  scans  wrong  short%  wrong%");
        for p in list {
            out!(
                "  {:<18} {:>6} {:>6} {:>7} {:>7} {:>6} {:>6} {:>7} {:>7}",
                p.name,
                p.orders,
                p.short_orders,
                p.units,
                p.cartons,
                p.item_scans,
                p.wrong_scans,
                percent(p.short_ship_rate),
                percent(p.wrong_scan_rate)
            );
        }
    }
    out!("");
    out!("hour  orders   units cartons");
    for h in d
        .hours
        .iter()
        .filter(|h| h.orders + h.units + h.cartons != 0)
    {
        out!(
            "  {:02} {:>7} {:>7} {:>7}",
            h.hour,
            h.orders,
            h.units,
            h.cartons
        );
    }
    out!("");
    out!("day         created confirmed  packed shipped delivered cancelled   units");
    for day in &d.days {
        out!(
            "  {} {:>7} {:>9} {:>7} {:>7} {:>9} {:>9} {:>7}",
            day.day,
            day.created,
            day.confirmed,
            day.packed,
            day.shipped,
            day.delivered,
            day.cancelled,
            day.units
        );
    }
}
