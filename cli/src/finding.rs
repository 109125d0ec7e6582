//! Filters on the command line: `orders list`, `orders count`, `orders
//! groups`, `orders filters`, and `export orders` take the same options.

use super::{usage, Failure};
use chrono::{DateTime, FixedOffset, Local, NaiveDate, Offset, TimeZone, Utc};
use clap::{Args, Subcommand};
use packbench_core::documents::Lang;
use packbench_core::domain::{OrderStatus, PaymentStatus};
use packbench_core::ops::{
    self, Actor, ExportFormat, ExportRequest, ExportRows, GroupBy, OrderFilter,
};
use packbench_core::store::Store;
use std::path::PathBuf;

/// The order filters (every one given must hold).
#[derive(Args, Clone, Default)]
pub struct FilterArgs {
    /// Words of the number, customer, e-mail, phone (any formatting) or comment.
    #[arg(long)]
    search: Option<String>,
    /// A status (repeat for several: any of them).
    #[arg(long = "status")]
    statuses: Vec<String>,
    /// A payment state: awaiting_payment, partially_paid, paid,
    /// partially_refunded, refunded (repeat for several).
    #[arg(long = "payment")]
    payment: Vec<String>,
    /// A sales channel (repeat for several).
    #[arg(long = "channel")]
    channels: Vec<String>,
    /// A delivery method as the orders name it (repeat for several).
    #[arg(long = "delivery")]
    delivery: Vec<String>,
    /// Created from this day (YYYY-MM-DD, this computer's time zone) or
    /// time (RFC 3339).
    #[arg(long)]
    from: Option<String>,
    /// Created up to this day (inclusive) or before this time.
    #[arg(long)]
    to: Option<String>,
    /// Order total at least (1500, 1500.50, "1 500,50").
    #[arg(long)]
    total_min: Option<String>,
    #[arg(long)]
    total_max: Option<String>,
    #[arg(long)]
    delivery_cost_min: Option<String>,
    #[arg(long)]
    delivery_cost_max: Option<String>,
    /// Units in the order, at least / at most.
    #[arg(long)]
    units_min: Option<i64>,
    #[arg(long)]
    units_max: Option<i64>,
    /// A product in the order: its SKU or words of its name.
    #[arg(long)]
    product: Option<String>,
    /// Words in one of the order's notes.
    #[arg(long)]
    note: Option<String>,
    /// Only orders longer in their status than it allows.
    #[arg(long)]
    overdue: bool,
    /// Only the orders of this manager.
    #[arg(long)]
    manager: Option<String>,
    /// Start from a saved filter (the options above add to it).
    #[arg(long = "saved")]
    saved: Option<String>,
}

/// This computer's offset from UTC, now.
pub fn local_offset() -> FixedOffset {
    Local::now().offset().fix()
}

/// A day (in `tz`) or an RFC 3339 time; a day given as the end of a range
/// means up to its end.
pub fn when(text: &str, end_of_day: bool, tz: FixedOffset) -> Result<DateTime<Utc>, Failure> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    let day = NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
        usage(format!(
            "{text:?} is not a day (YYYY-MM-DD) or a time (2026-11-29T10:00:00+03:00)"
        ))
    })?;
    let day = if end_of_day {
        day.succ_opt().unwrap_or(day)
    } else {
        day
    };
    let start = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    Ok(tz
        .from_local_datetime(&start)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&start)))
}

impl FilterArgs {
    pub async fn filter(&self, store: &Store, limit: i64) -> Result<OrderFilter, Failure> {
        let mut f = match &self.saved {
            Some(name) => ops::saved_filters(store)
                .await?
                .into_iter()
                .find(|s| s.name == *name)
                .map(|s| s.filter)
                .ok_or_else(|| {
                    usage(format!(
                        "no saved filter is called {name:?}; `orders filters` lists them"
                    ))
                })?,
            None => OrderFilter::default(),
        };
        let tz = local_offset();
        if self.search.is_some() {
            f.search = self.search.clone();
        }
        for s in &self.statuses {
            f.statuses.push(OrderStatus::parse(s).map_err(usage)?);
        }
        for p in &self.payment {
            f.payment.push(PaymentStatus::parse(p).map_err(usage)?);
        }
        f.channels.extend(self.channels.iter().cloned());
        f.delivery_methods.extend(self.delivery.iter().cloned());
        if let Some(t) = &self.from {
            f.created_from = Some(when(t, false, tz)?.timestamp_millis());
        }
        if let Some(t) = &self.to {
            f.created_to = Some(when(t, true, tz)?.timestamp_millis());
        }
        let keep = |a: &Option<String>, b: &mut Option<String>| {
            if a.is_some() {
                *b = a.clone();
            }
        };
        keep(&self.total_min, &mut f.total_min);
        keep(&self.total_max, &mut f.total_max);
        keep(&self.delivery_cost_min, &mut f.delivery_cost_min);
        keep(&self.delivery_cost_max, &mut f.delivery_cost_max);
        keep(&self.product, &mut f.product);
        keep(&self.note, &mut f.note);
        keep(&self.manager, &mut f.manager);
        f.units_min = self.units_min.or(f.units_min);
        f.units_max = self.units_max.or(f.units_max);
        f.overdue |= self.overdue;
        f.limit = limit;
        Ok(f)
    }
}

#[derive(Subcommand)]
pub enum FiltersCommand {
    /// The store's saved filters.
    List,
    /// Save the filter given by the options under a name.
    Save {
        name: String,
        #[command(flatten)]
        filter: Box<FilterArgs>,
    },
    /// Delete a saved filter.
    Delete { name: String },
}

pub async fn filters(
    store: &Store,
    actor: &Actor,
    json: bool,
    command: FiltersCommand,
) -> Result<u8, Failure> {
    let list = match command {
        FiltersCommand::List => ops::saved_filters(store).await?,
        FiltersCommand::Save { name, filter } => {
            let f = filter.filter(store, 0).await?;
            ops::save_filter(store, actor, &name, &f).await?
        }
        FiltersCommand::Delete { name } => ops::delete_saved_filter(store, actor, &name).await?,
    };
    if json {
        out!("{}", serde_json::to_string(&list).unwrap_or_default());
    } else {
        for s in &list {
            out!(
                "{:<24} {}  (saved by {})",
                s.name,
                serde_json::to_string(&s.filter).unwrap_or_default(),
                s.saved_by
            );
        }
        out!("{} saved filters", list.len());
    }
    Ok(0)
}

/// `orders groups`: how many orders of the filter fall in each group.
pub async fn groups(
    store: &Store,
    json: bool,
    by: &str,
    filter: &FilterArgs,
) -> Result<u8, Failure> {
    let by = GroupBy::parse(by).map_err(usage)?;
    let f = filter.filter(store, 0).await?;
    let offset = local_offset().local_minus_utc() / 60;
    let groups = ops::group_orders(store, &f, by, offset).await?;
    if json {
        out!("{}", serde_json::to_string(&groups).unwrap_or_default());
    } else {
        for g in &groups {
            let key = if g.key.is_empty() { "(none)" } else { &g.key };
            out!("{:<28} {:>9}", key, g.orders);
        }
    }
    Ok(0)
}

#[derive(Args)]
pub struct ExportArgs {
    /// csv or xlsx.
    #[arg(long, default_value = "xlsx")]
    format: String,
    /// One row per order (orders) or per order line (lines).
    #[arg(long, default_value = "orders")]
    rows: String,
    /// The file to write.
    #[arg(long)]
    out: PathBuf,
    /// Headers and words in ru or en.
    #[arg(long, default_value = "ru")]
    lang: String,
    #[command(flatten)]
    filter: FilterArgs,
}

#[derive(Subcommand)]
pub enum ExportCommand {
    /// The filtered orders as CSV or XLSX, newest first.
    Orders(ExportArgs),
}

pub async fn export(
    store: &Store,
    actor: &Actor,
    json: bool,
    command: ExportCommand,
) -> Result<u8, Failure> {
    let ExportCommand::Orders(a) = command;
    let request = ExportRequest {
        filter: a.filter.filter(store, 0).await?,
        format: ExportFormat::parse(&a.format).map_err(usage)?,
        rows: ExportRows::parse(&a.rows).map_err(usage)?,
        lang: Lang::parse(&a.lang).map_err(usage)?,
        utc_offset_minutes: local_offset().local_minus_utc() / 60,
    };
    let exported = ops::export_orders(store, actor, &request, |done, total| {
        if !json && total >= 10_000 && (done % 50_000 == 0 || done == total) {
            eprintln!("  {done} of {total} orders");
        }
    })
    .await?;
    std::fs::write(&a.out, &exported.bytes)
        .map_err(|e| usage(format!("cannot write {}: {e}", a.out.display())))?;
    if json {
        out!(
            "{}",
            serde_json::json!({"file": a.out, "orders": exported.orders, "rows": exported.rows})
        );
    } else {
        out!(
            "{} orders ({} rows) written to {}",
            exported.orders,
            exported.rows,
            a.out.display()
        );
    }
    Ok(0)
}
