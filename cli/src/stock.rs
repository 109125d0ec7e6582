//! `stock receive|move|adjust|count|ledger|reorder` and `bins list|set`:
//! stock control on the command line, the same core operations the app's
//! stock screen uses.

use super::people::ApprovalArgs;
use super::Failure;
use clap::Subcommand;
use packbench_core::domain::product::ProductBarcode;
use packbench_core::ops::{
    self, Actor, AdjustReason, CountSheet, LedgerFilter, ProductInput, StockChange,
};
use packbench_core::store::Store;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum StockCommand {
    /// Receive goods into a bin: each CODE is one scan (a barcode, a case
    /// barcode counting its units, or a SKU typed by hand).
    Receive {
        #[arg(long)]
        bin: String,
        #[arg(required = true)]
        codes: Vec<String>,
        /// Each code counts this many times (10 cases of the same barcode).
        #[arg(long, default_value_t = 1)]
        times: i64,
    },
    /// Move goods from one bin to another (only units no order reserved).
    Move {
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        #[arg(required = true)]
        codes: Vec<String>,
        #[arg(long, default_value_t = 1)]
        times: i64,
    },
    /// Change a bin's stock by a number of units, with a reason:
    /// damaged, lost, expired, sample (take away: a negative number),
    /// found (adds), correction (either way).
    Adjust {
        #[arg(long)]
        bin: String,
        /// A barcode or SKU.
        code: String,
        /// Units to add (+3) or take away (-3).
        #[arg(long, allow_hyphen_values = true)]
        by: i64,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        note: Option<String>,
    },
    /// Cycle counts: start (or carry on) a bin's count, scan what is there,
    /// see the difference, approve it (a supervisor) or cancel it.
    #[command(subcommand)]
    Count(CountCommand),
    /// The stock ledger, newest first: who, station, when, why.
    Ledger {
        #[arg(long)]
        sku: Option<String>,
        #[arg(long)]
        bin: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// Products at or under their low-stock threshold and products that
    /// run out within --cover-days at the last 30 days' pace.
    Reorder {
        #[arg(long = "cover-days", default_value_t = 14)]
        cover_days: u32,
        /// Also write the list as CSV (in --lang).
        #[arg(long)]
        csv: Option<PathBuf>,
        #[arg(long, default_value = "ru")]
        lang: String,
    },
}

#[derive(Subcommand)]
pub enum CountCommand {
    /// Start counting a bin (or carry on with its open count).
    Start { bin: String },
    /// Count scanned codes in the count's bin.
    Scan {
        id: i64,
        #[arg(required = true)]
        codes: Vec<String>,
        #[arg(long, default_value_t = 1)]
        times: i64,
    },
    /// The count: the books, what was counted, the difference.
    Show { id: i64 },
    /// Book the differences into the ledger; a packer's or picker's count
    /// needs --approver.
    Approve {
        id: i64,
        #[command(flatten)]
        approval: ApprovalArgs,
    },
    /// Drop the count; nothing is booked.
    Cancel { id: i64 },
}

/// A product's fields for `products add` and `products edit`; what is not
/// given stays as it is (edit) or empty (add).
#[derive(clap::Args)]
pub struct ProductArgs {
    pub sku: String,
    #[arg(long)]
    name: Option<String>,
    #[arg(long)]
    category: Option<String>,
    /// Weight of one unit in grams.
    #[arg(long)]
    weight: Option<i64>,
    /// The bin its stock is looked for first.
    #[arg(long)]
    bin: Option<String>,
    /// Free units at or under which it is on the re-order list; "none" to clear.
    #[arg(long = "low-stock")]
    low_stock: Option<String>,
    /// Marked goods (Честный ЗНАК), packed only by the item's DataMatrix: yes or no.
    #[arg(long)]
    marked: Option<String>,
    /// A barcode to add: CODE, or CODE*N for a case of N units. Repeatable.
    #[arg(long = "barcode")]
    barcodes: Vec<String>,
    /// A barcode to take off. Repeatable.
    #[arg(long = "remove-barcode")]
    remove: Vec<String>,
}

pub async fn save_product(
    store: &Store,
    actor: &Actor,
    json: bool,
    a: ProductArgs,
    new: bool,
) -> Result<u8, Failure> {
    let mut input = if new {
        ProductInput {
            sku: a.sku.clone(),
            name: String::new(),
            category: String::new(),
            weight_g: 0,
            default_bin: None,
            low_stock: None,
            marked: false,
            barcodes: Vec::new(),
        }
    } else {
        let v = ops::product_by_sku(store, &a.sku).await?;
        ProductInput {
            sku: v.sku,
            name: v.name,
            category: v.category,
            weight_g: v.weight_g,
            default_bin: v.default_bin,
            low_stock: v.low_stock,
            marked: v.marked,
            barcodes: v.barcodes,
        }
    };
    if let Some(name) = a.name {
        input.name = name;
    }
    if let Some(category) = a.category {
        input.category = category;
    }
    if let Some(weight) = a.weight {
        input.weight_g = weight;
    }
    if let Some(bin) = a.bin {
        input.default_bin = Some(bin);
    }
    match a.low_stock.as_deref() {
        None => {}
        Some("none") => input.low_stock = None,
        Some(n) => {
            input.low_stock = Some(n.parse().map_err(|_| {
                super::usage(format!(
                    "--low-stock {n:?}: give a number of units, or none"
                ))
            })?)
        }
    }
    match a.marked.as_deref() {
        None => {}
        Some("yes" | "on" | "true") => input.marked = true,
        Some("no" | "off" | "false") => input.marked = false,
        Some(other) => return Err(super::usage(format!("--marked {other:?}: yes or no"))),
    }
    input.barcodes.retain(|b| !a.remove.contains(&b.code));
    for b in a.barcodes {
        let (code, units) = match b.split_once('*') {
            Some((code, n)) => (
                code.to_string(),
                n.parse().map_err(|_| {
                    super::usage(format!(
                        "--barcode {b:?}: after '*' comes the units in the case, like 4601234567893*12"
                    ))
                })?,
            ),
            None => (b, 1),
        };
        input.barcodes.retain(|x| x.code != code);
        input.barcodes.push(ProductBarcode { code, units });
    }
    let saved = ops::save_product(store, actor, &input, new).await?;
    super::print::product(json, &saved);
    Ok(0)
}

#[derive(Subcommand)]
pub enum BinsCommand {
    /// The bins with what they hold.
    List,
    /// Add a bin or rename one.
    Set {
        code: String,
        #[arg(long, default_value = "")]
        name: String,
    },
}

fn print_change(json: bool, c: &StockChange) {
    if json {
        out!("{}", serde_json::to_string(c).unwrap_or_default());
    } else {
        out!("{}", c.message);
    }
}

fn print_sheet(json: bool, s: &CountSheet) {
    if json {
        out!("{}", serde_json::to_string(s).unwrap_or_default());
        return;
    }
    out!(
        "count {} of bin {}: {} (started by {} at {})",
        s.count.id,
        s.count.bin,
        s.count.state,
        s.count.started_by,
        s.count.station
    );
    out!(
        "{:<14} {:>8} {:>8} {:>8}  product",
        "sku",
        "books",
        "counted",
        "diff"
    );
    for l in &s.lines {
        out!(
            "{:<14} {:>8} {:>8} {:>+8}  {}",
            l.sku,
            l.on_hand,
            l.counted,
            l.difference,
            l.name
        );
    }
}

pub async fn stock(
    store: &Store,
    actor: &Actor,
    json: bool,
    command: StockCommand,
) -> Result<u8, Failure> {
    match command {
        StockCommand::Receive { bin, codes, times } => {
            for (i, code) in codes.iter().enumerate() {
                let id = super::new_scan_id(i);
                let c = ops::receive_stock(store, actor, &bin, code, times, &id).await?;
                print_change(json, &c);
            }
        }
        StockCommand::Move {
            from,
            to,
            codes,
            times,
        } => {
            for (i, code) in codes.iter().enumerate() {
                let id = super::new_scan_id(i);
                let c = ops::move_stock(store, actor, &from, &to, code, times, &id).await?;
                print_change(json, &c);
            }
        }
        StockCommand::Adjust {
            bin,
            code,
            by,
            reason,
            note,
        } => {
            let reason = AdjustReason::parse(&reason).map_err(super::usage)?;
            let c =
                ops::adjust_stock(store, actor, &bin, &code, by, reason, note.as_deref()).await?;
            print_change(json, &c);
        }
        StockCommand::Count(c) => count(store, actor, json, c).await?,
        StockCommand::Ledger { sku, bin, limit } => {
            let rows = ops::stock_ledger(store, &LedgerFilter { sku, bin, limit }).await?;
            if json {
                out!("{}", serde_json::to_string(&rows).unwrap_or_default());
            } else {
                for r in rows {
                    out!(
                        "{}  {:<12} {:>+6}  {:<8} {:<10} {:<24} {} @ {}{}",
                        super::print::utc(r.at),
                        r.sku,
                        r.delta,
                        r.bin,
                        r.kind,
                        r.reason,
                        r.user_name,
                        r.station,
                        r.order_number
                            .map(|n| format!("  order {n}"))
                            .unwrap_or_default()
                    );
                }
            }
        }
        StockCommand::Reorder {
            cover_days,
            csv,
            lang,
        } => {
            let rows = ops::reorder(store, cover_days).await?;
            if let Some(path) = csv {
                let bytes = ops::reorder_csv(&rows, lang == "ru")?;
                std::fs::write(&path, bytes)
                    .map_err(|e| super::usage(format!("cannot write {}: {e}", path.display())))?;
            }
            if json {
                out!("{}", serde_json::to_string(&rows).unwrap_or_default());
            } else {
                out!(
                    "{:<14} {:>7} {:>7} {:>7} {:>9} {:>7}  product",
                    "sku",
                    "free",
                    "low at",
                    "sold30",
                    "cover d",
                    "urgent"
                );
                for r in rows {
                    out!(
                        "{:<14} {:>7} {:>7} {:>7} {:>9} {:>7}  {}",
                        r.sku,
                        r.free,
                        r.low_stock.map(|t| t.to_string()).unwrap_or_default(),
                        r.sold_30d,
                        r.days_of_cover.map(|d| d.to_string()).unwrap_or_default(),
                        if r.urgent { "yes" } else { "" },
                        r.name
                    );
                }
            }
        }
    }
    Ok(0)
}

async fn count(
    store: &Store,
    actor: &Actor,
    json: bool,
    command: CountCommand,
) -> Result<(), Failure> {
    let sheet = match command {
        CountCommand::Start { bin } => ops::start_count(store, actor, &bin).await?,
        CountCommand::Scan { id, codes, times } => {
            let mut last = None;
            for (i, code) in codes.iter().enumerate() {
                let scan_id = super::new_scan_id(i);
                last = Some(ops::count_scan(store, actor, id, code, times, &scan_id).await?);
            }
            match last {
                Some(s) => s,
                None => ops::count_sheet(store, id).await?,
            }
        }
        CountCommand::Show { id } => ops::count_sheet(store, id).await?,
        CountCommand::Approve { id, approval } => {
            let credential = approval.credential()?;
            ops::approve_count(store, actor, id, credential.as_ref()).await?
        }
        CountCommand::Cancel { id } => ops::cancel_count(store, actor, id).await?,
    };
    print_sheet(json, &sheet);
    Ok(())
}

pub async fn bins(
    store: &Store,
    actor: &Actor,
    json: bool,
    command: BinsCommand,
) -> Result<u8, Failure> {
    let all = match command {
        BinsCommand::List => ops::bins(store).await?,
        BinsCommand::Set { code, name } => ops::save_bin(store, actor, &code, &name).await?,
    };
    if json {
        out!("{}", serde_json::to_string(&all).unwrap_or_default());
    } else {
        for b in all {
            out!(
                "{:<12} {:>5} products {:>8} on hand {:>6} reserved  {}",
                b.code,
                b.products,
                b.on_hand,
                b.reserved,
                b.name
            );
        }
    }
    Ok(0)
}
