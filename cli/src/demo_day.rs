//! `demo day`: one working day of the demo warehouse played through the
//! real operations (core's `ops::play_demo_day`), so the dashboard has a
//! day of history to show. This only reads the day and prints.

use super::{usage, Failure};
use crate::finding::local_offset;
use clap::{Args, Subcommand};
use packbench_core::ops::{self, Actor, DemoDay, DemoDaySummary};
use packbench_core::store::Store;

#[derive(Subcommand)]
pub enum DemoCommand {
    /// Play one working day (08:00-20:00 on this computer's clock) on the
    /// demo warehouse: orders in, confirmed, held, picked, packed at three
    /// tables (wrong scans, a short ship, weighed cartons), shipped,
    /// delivered. Admins only; the demo must be loaded.
    Day(DayArgs),
}

#[derive(Args)]
pub struct DayArgs {
    /// The day (YYYY-MM-DD); it must be over. Default: yesterday.
    #[arg(long)]
    date: Option<String>,
    /// The same seed plays the same day.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Orders that come in during the day.
    #[arg(long, default_value_t = 60)]
    orders: usize,
}

pub async fn run(store: &Store, actor: &Actor, json: bool, c: DemoCommand) -> Result<u8, Failure> {
    let DemoCommand::Day(a) = c;
    let tz = local_offset();
    let date = match a.date.as_deref() {
        Some(text) => chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .map_err(|_| usage(format!("{text:?} is not a day: give it as YYYY-MM-DD")))?,
        None => {
            let today = store.now().with_timezone(&tz).date_naive();
            today.pred_opt().unwrap_or(today)
        }
    };
    let plan = DemoDay {
        date,
        seed: a.seed,
        orders: a.orders,
        utc_offset_minutes: tz.local_minus_utc() / 60,
    };
    let day = ops::play_demo_day(store, actor, &plan).await?;
    if json {
        out!("{}", serde_json::to_string_pretty(&day).unwrap_or_default());
    } else {
        print(&day);
    }
    Ok(0)
}

fn print(d: &DemoDaySummary) {
    out!(
        "demo day {} (seed {}): {} orders in ({} – {})",
        d.date,
        d.seed,
        d.orders.len(),
        d.orders.first().map(String::as_str).unwrap_or("-"),
        d.orders.last().map(String::as_str).unwrap_or("-"),
    );
    out!(
        "  confirmed {}, picked {}, packed {} ({} short), shipped {}, delivered {}",
        d.confirmed,
        d.picked,
        d.packed,
        d.short_shipped,
        d.shipped,
        d.delivered
    );
    out!(
        "  item scans {} ({} refused), cartons weighed {}; packed by {} at {}",
        d.item_scans,
        d.wrong_scans,
        d.weighed_cartons,
        d.packers.join(", "),
        d.stations.join(", ")
    );
    let left: Vec<String> = d.left.iter().map(|(s, n)| format!("{s} {n}")).collect();
    out!("  left at the end of the day: {}", left.join(", "));
    for h in &d.held {
        out!("  held: {} ({}): {}", h.number, h.status, h.reason);
    }
}
