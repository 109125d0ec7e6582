//! packbench-cli: Packbench on the command line. Each subcommand parses its
//! arguments, calls one `packbench_core::ops` function and prints the result.
//!
//! Exit codes: 0 success, 1 refused by a rule, 2 bad usage or bad input.

/// Prints a line to stdout; a closed pipe (`| head`) ends the program
/// quietly instead of panicking.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::print::write_line(format_args!($($arg)*))
    };
}

mod backup;
mod bench;
mod bench_dashboard;
mod bench_finding;
mod bench_live;
mod bench_warehouse;
mod cartons;
mod dashboard;
// Issue 14: a demo day for the dashboard.
mod demo_day;
// Dropshipping suppliers and purchase orders (issue 15 item 4).
mod dropship;
mod finding;
mod live;
mod marking;
mod notify;
mod people;
mod pick;
mod print;
mod print_cmd;
// Delivery status (issue 15).
mod parcels;
// Receipts under 54-ФЗ (issue 15 item 3).
mod receipts;
mod returns;
mod scanner;
// The first-run wizard's questions (issue 14 item 4).
mod setup;
mod shipping;
mod stock;
// Issue 15: the shops' webhook secrets, the deliveries' log and inbox.
mod webhooks;
// Issue 15 item 1: the shops' APIs and the watched folder.
mod shops;

use clap::{Args, Parser, Subcommand};
use packbench_core::config::StationConfig;
use packbench_core::documents::PrintSettings;
use packbench_core::domain::money::{exponent_of, format_minor};
use packbench_core::domain::OrderStatus;
use packbench_core::exchange::OrderFormat;
use packbench_core::ops::{
    self, Actor, CustomerInput, LineInput, OrderEdit, PaymentInput, PaymentKind, PhoneOrderInput,
    SplitLine,
};
use packbench_core::store::{DbTarget, Store};
use packbench_core::Error;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "packbench-cli",
    version,
    about = "Packbench: the packing table on the command line"
)]
struct Cli {
    /// Database: a SQLite file path, a sqlite: URL or a postgres:// URL.
    /// Default: $PACKBENCH_DATABASE_URL, else the file in the user's data folder.
    #[arg(long, global = true, value_name = "PATH|URL")]
    db: Option<String>,
    /// Machine-readable JSON output.
    #[arg(long, global = true)]
    json: bool,
    /// Station name written on every event.
    #[arg(long, global = true, env = "PACKBENCH_STATION", default_value = "cli")]
    station: String,
    /// Sign in as this user (login); the PIN or password comes from
    /// $PACKBENCH_PIN, else it is asked for. Scripts use an API token in
    /// $PACKBENCH_TOKEN instead.
    #[arg(long, global = true, env = "PACKBENCH_USER", value_name = "LOGIN")]
    user: Option<String>,
    #[command(subcommand)]
    command: Command,
}

// Parsed once per process: the size of the largest command does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
enum Command {
    /// Benchmarks on a generated database (see BENCHMARKS.md).
    Bench(bench::BenchArgs),
    /// Backups of the SQLite database (--db): make one, list, check, restore.
    #[command(subcommand)]
    Backup(backup::BackupCommand),
    /// The scanner set-up check: the test codes, and what a scan says
    /// about the scanner's settings (no database).
    #[command(subcommand)]
    Scanner(scanner::ScannerCommand),
    /// A new station's set-up (the first-run wizard's questions): try a
    /// database before switching to it, and what the station still needs.
    #[command(subcommand)]
    Setup(setup::SetupCommand),
    /// One station process of `bench --suite live|race`.
    #[command(hide = true)]
    BenchStation(bench_live::StationArgs),
    /// Everything else works on one database (--db).
    #[command(flatten)]
    Db(DbCommand),
}

#[derive(Subcommand)]
enum DbCommand {
    /// Create or migrate the database; --demo loads the demo warehouse.
    Init {
        #[arg(long)]
        demo: bool,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Import products or orders from CSV.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Look at orders, confirm or cancel them.
    #[command(subcommand)]
    Orders(OrdersCommand),
    /// Write orders to CSV or XLSX (the same filters as `orders list`).
    #[command(subcommand)]
    Export(finding::ExportCommand),
    /// The store's mail server for customer messages; `mail send` delivers
    /// what is due.
    #[command(subcommand)]
    Mail(notify::MailCommand),
    /// Customer messages: queued, sent, failed (with the server's words).
    #[command(subcommand)]
    Outbox(notify::OutboxCommand),
    /// The wording of customer messages, in Russian and English.
    #[command(subcommand)]
    Templates(notify::TemplatesCommand),
    /// Carriers: names, tracking links, tracking-number patterns.
    #[command(subcommand)]
    Carriers(notify::CarriersCommand),
    /// Pick lists: create one for orders, scan bins and items, short a
    /// line, complete it.
    #[command(subcommand)]
    Pick(pick::PickCommand),
    /// Cartons of an order at the packing table: open, close with weight, list.
    #[command(subcommand)]
    Carton(cartons::CartonCommand),
    /// The store's box types, GS1 company prefix and weight tolerance.
    #[command(subcommand)]
    Boxes(cartons::BoxesCommand),
    /// Stock control: receive, move, adjust, count, the ledger, re-order.
    #[command(subcommand)]
    Stock(stock::StockCommand),
    /// The Честный ЗНАК codes packed in an order or on a day, as CSV.
    #[command(subcommand)]
    Marking(marking::MarkingCommand),
    /// A parcel back from a customer: find its order, take the return.
    #[command(subcommand)]
    Return(returns::ReturnCommand),
    /// Parcels after they left: import a carrier's status file, the
    /// stalled ones, an order's movements, each carrier's days.
    #[command(subcommand)]
    Parcels(parcels::ParcelsCommand),
    /// The warehouse's bins: list, add or rename.
    #[command(subcommand)]
    Bins(stock::BinsCommand),
    /// Look at products.
    #[command(subcommand)]
    Products(ProductsCommand),
    /// The packing table: claim, scan, undo, finish, release.
    #[command(subcommand)]
    Pack(PackCommand),
    /// Hand a ready order to the courier (one tracking number per carton, or
    /// one for all), or a selection with --bulk.
    Ship(shipping::ShipArgs),
    /// A carrier's parcels waiting for its courier; --close hands them over
    /// (the day's manifest with every carton's tracking number).
    Handover(shipping::HandoverArgs),
    /// Documents to a file or a printer; the print queue; printers.
    #[command(subcommand)]
    Print(print_cmd::PrintCommand),
    /// The store's lifecycle: names, its own statuses, limits, the matrix.
    #[command(subcommand)]
    Statuses(StatusesCommand),
    /// Users, roles, badges, API tokens; the permission table.
    #[command(subcommand)]
    Users(people::UsersCommand),
    /// The audit trail: who did what, where and when; --csv to export.
    Audit(people::AuditArgs),
    /// The supervisor's dashboard: orders per status, stage times, stalls,
    /// each packer's and station's work, the trend; `export-csv` any chart.
    Dashboard(dashboard::DashboardArgs),
    /// The demo warehouse: `demo day` plays a working day on it.
    #[command(subcommand)]
    Demo(demo_day::DemoCommand),
    /// Follow other stations live: one line per commit that touched orders
    /// (what the app's screens refresh on).
    Watch(live::WatchArgs),
    /// Orders that arrive by themselves (packbench-server, issue 15): the
    /// shops' secrets, the deliveries' log, the inbox of kept bodies.
    #[command(subcommand)]
    Webhooks(webhooks::WebhooksCommand),
    /// Stock and order status back to the shops' APIs (issue 15): connect
    /// a shop, the queue of calls, retry, one pass of the sender.
    #[command(subcommand)]
    Shops(shops::ShopsCommand),
    // Issue 15 item 4: dropshipping.
    /// Dropshipping suppliers and the products they ship to the customer.
    #[command(subcommand)]
    Suppliers(dropship::SuppliersCommand),
    /// Purchase orders to dropshipping suppliers: list, show, PDF, CSV,
    /// the supplier's tracking number.
    #[command(subcommand)]
    Dropship(dropship::DropshipCommand),
    // Issue 15 item 3: receipts under 54-ФЗ.
    /// Receipts under 54-ФЗ: show, prepare, send to the cash register,
    /// the register's request, the settings.
    #[command(subcommand)]
    Receipts(receipts::ReceiptsCommand),
}

#[derive(Subcommand)]
enum StatusesCommand {
    /// Every status with its names and limit, and the allowed transitions.
    List,
    /// Give a status (a stage or the store's own) new names.
    Rename {
        code: String,
        #[arg(long)]
        en: String,
        #[arg(long)]
        ru: String,
    },
    /// Add the store's own status inside a stage (code: Latin letters, digits, _).
    Add {
        code: String,
        /// The standard stage it belongs to: new, confirmed, ..., cancelled.
        #[arg(long)]
        stage: String,
        #[arg(long)]
        en: String,
        #[arg(long)]
        ru: String,
        /// Minutes an order may stay in it.
        #[arg(long)]
        limit: Option<i64>,
    },
    /// Remove one of the store's own statuses (no order may be in it).
    Remove { code: String },
    /// Allow a transition between two stages.
    Allow { from: String, to: String },
    /// Forbid a transition between two stages (the locked ones stay).
    Forbid { from: String, to: String },
    /// How long an order may stay in a status: minutes, or "none".
    Limit { code: String, minutes: String },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Products (CSV or XLSX): sku, name, category, weight_g, bin, barcodes, stock.
    Products {
        file: PathBuf,
        /// Read a field from a column named otherwise: --map sku=Артикул
        /// (repeat; remembered for the next file).
        #[arg(long = "map", value_name = "FIELD=COLUMN")]
        map: Vec<String>,
        /// Show what the file would import (columns, first rows, errors)
        /// without importing.
        #[arg(long)]
        preview: bool,
    },
    /// Orders (CSV or XLSX) from a shop export or Packbench's own format.
    Orders {
        file: PathBuf,
        #[arg(
            long,
            default_value = "packbench",
            value_name = "packbench|shopify|woocommerce"
        )]
        format: String,
        #[arg(long = "map", value_name = "FIELD=COLUMN")]
        map: Vec<String>,
        #[arg(long)]
        preview: bool,
    },
    /// The watched folder, once (issue 15): import the order exports
    /// dropped into DIR and move each to DIR/done or DIR/failed with its
    /// report.
    WatchOnce(shops::WatchOnceArgs),
}

/// `--map field=column` pairs.
fn mapping(pairs: &[String]) -> Result<Vec<(String, String)>, Failure> {
    pairs
        .iter()
        .map(|p| {
            p.split_once('=')
                .map(|(f, c)| (f.trim().to_string(), c.trim().to_string()))
                .ok_or_else(|| {
                    usage(format!(
                        "--map {p:?}: write it as FIELD=COLUMN, e.g. sku=Артикул"
                    ))
                })
        })
        .collect()
}

async fn import(
    store: &Store,
    actor: &Actor,
    json: bool,
    file: &PathBuf,
    kind: ops::ImportKind,
    map: &[String],
    preview: bool,
) -> Result<(), Failure> {
    let bytes = read_file(file)?;
    let map = mapping(map)?;
    if preview {
        let given = (!map.is_empty()).then_some(map.as_slice());
        let p = ops::preview_import(store, &bytes, kind, given).await?;
        print::import_preview(json, &p);
        return Ok(());
    }
    let summary = ops::import_file(
        store,
        actor,
        &bytes,
        kind,
        &map,
        |done, total| {
            if !json && total >= 5_000 && (done % 20_000 < 500 || done == total) && done > 0 {
                eprintln!("  {done} of {total}");
            }
        },
        &std::sync::atomic::AtomicBool::new(false),
    )
    .await?;
    print::import(json, &summary);
    Ok(())
}

#[derive(Subcommand)]
enum OrdersCommand {
    /// List orders, newest first, one page at a time.
    List {
        #[command(flatten)]
        filter: finding::FilterArgs,
        #[arg(long, default_value_t = 50)]
        limit: i64,
        /// The next page: orders older than this id (the last row's, `--json`).
        #[arg(long)]
        before: Option<i64>,
    },
    /// How many orders the filter finds.
    Count {
        #[command(flatten)]
        filter: finding::FilterArgs,
    },
    /// How many orders of the filter fall in each group: status, payment,
    /// day, delivery_method, channel or category.
    Groups {
        #[arg(long, default_value = "status")]
        by: String,
        #[command(flatten)]
        filter: finding::FilterArgs,
    },
    /// The store's saved filters: list, save, delete.
    #[command(subcommand)]
    Filters(finding::FiltersCommand),
    /// One order with lines, packed counts, status and history.
    Show { number: String },
    /// Confirm a new order and reserve its stock.
    Confirm { number: String },
    /// Cancel an order and release its stock.
    Cancel {
        number: String,
        #[arg(long)]
        reason: String,
    },
    /// Set the status of one order or several by hand: delivered, completed,
    /// returned, or cancelled (with --reason); or one of the store's own
    /// statuses inside the order's stage ("none" leaves it).
    Status {
        #[arg(required = true)]
        numbers: Vec<String>,
        #[arg(long)]
        to: String,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Record a payment (or with --refund a refund), in the order's currency.
    Pay {
        number: String,
        /// The amount as money is written: 1500, 1500.50 or 1 500,50.
        amount: String,
        #[arg(long)]
        method: String,
        #[arg(long)]
        refund: bool,
        /// Default: the order's currency.
        #[arg(long)]
        currency: Option<String>,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Leave a service note on the order; --pin shows it at packing and on the pick list.
    Note {
        number: String,
        text: String,
        #[arg(long)]
        pin: bool,
    },
    /// Pin a note of the order (or --off to unpin it).
    Pin {
        number: String,
        note: i64,
        #[arg(long)]
        off: bool,
    },
    /// Enter a phone order: the customer, lines SKU:QTY:PRICE[:DISCOUNT],
    /// delivery; its number comes from the store's sequence.
    New {
        #[command(flatten)]
        contact: Contact,
        /// SKU:QTY:PRICE or SKU:QTY:PRICE:DISCOUNT (the price as money is written: 1290,50).
        #[arg(long = "line", required = true, value_name = "SKU:QTY:PRICE")]
        lines: Vec<String>,
        /// The manager responsible for it.
        #[arg(long)]
        manager: Option<String>,
        /// Default: RUB.
        #[arg(long, default_value = "")]
        currency: String,
    },
    /// Change an order until it is shipped: contact, delivery, number, lines.
    Edit {
        number: String,
        /// A new number for the order (the old one still finds it).
        #[arg(long = "renumber")]
        renumber: Option<String>,
        #[command(flatten)]
        contact: EditContact,
        /// Set a line's quantity: SKU=QTY.
        #[arg(long = "qty", value_name = "SKU=QTY")]
        quantities: Vec<String>,
        /// Set a line's unit price: SKU=PRICE.
        #[arg(long = "price", value_name = "SKU=PRICE")]
        prices: Vec<String>,
        /// Set a line's discount (on the whole line): SKU=AMOUNT.
        #[arg(long = "discount", value_name = "SKU=AMOUNT")]
        discounts: Vec<String>,
        /// Set a line's VAT rate in percent: SKU=22 (or 10, 0, 5, 7).
        #[arg(long = "tax", value_name = "SKU=PERCENT")]
        taxes: Vec<String>,
        /// Add a line: SKU:QTY:PRICE[:DISCOUNT].
        #[arg(long = "add", value_name = "SKU:QTY:PRICE")]
        add: Vec<String>,
        /// Remove the line of this SKU.
        #[arg(long = "remove", value_name = "SKU")]
        remove: Vec<String>,
        #[command(flatten)]
        buyer: BuyerArgs,
    },
    /// Give orders to a manager (--none: to nobody).
    Assign {
        #[arg(required = true)]
        numbers: Vec<String>,
        #[arg(long, conflicts_with = "none", required_unless_present = "none")]
        to: Option<String>,
        #[arg(long)]
        none: bool,
    },
    /// Find customers by phone (any formatting), e-mail or name.
    Customers { query: String },
    /// Split an order: the back-ordered units (or --line LINE_ID:QTY) move to a
    /// linked order N-2 that ships later.
    Split {
        number: String,
        #[arg(long = "line", value_name = "LINE_ID:QTY")]
        lines: Vec<String>,
    },
    /// Put an order on hold with a reason, or --release it.
    Hold {
        number: String,
        #[arg(long, conflicts_with = "release", required_unless_present = "release")]
        reason: Option<String>,
        #[arg(long)]
        release: bool,
    },
    /// The day a back-ordered line's missing units are expected (YYYY-MM-DD, or "none").
    Expect {
        number: String,
        line: i64,
        date: String,
    },
    /// Reserve stock again for what a confirmed order is missing.
    Reserve { number: String },
    /// Products that could stand in for a line (same first word, free stock).
    Alternatives { number: String, line: i64 },
}

#[derive(Args)]
struct Contact {
    /// The customer's name.
    #[arg(long)]
    customer: String,
    #[arg(long, default_value = "")]
    phone: String,
    #[arg(long, default_value = "")]
    email: String,
    #[arg(long, default_value = "")]
    address: String,
    #[arg(long, default_value = "")]
    delivery: String,
    #[arg(long = "delivery-cost", default_value = "")]
    delivery_cost: String,
    #[arg(long, default_value = "")]
    comment: String,
}

#[derive(Args)]
struct EditContact {
    #[arg(long)]
    customer: Option<String>,
    #[arg(long)]
    phone: Option<String>,
    #[arg(long)]
    email: Option<String>,
    #[arg(long)]
    address: Option<String>,
    #[arg(long)]
    delivery: Option<String>,
    #[arg(long = "delivery-cost")]
    delivery_cost: Option<String>,
    #[arg(long)]
    comment: Option<String>,
}

/// A business buyer's details, for ТОРГ-12 and УПД ("" clears one).
#[derive(Args)]
struct BuyerArgs {
    /// The buyer's legal name: "ООО «Ромашка»".
    #[arg(long)]
    buyer_name: Option<String>,
    /// The buyer's INN (10 or 12 digits, check digits checked).
    #[arg(long)]
    buyer_inn: Option<String>,
    /// The buyer's KPP (9 characters; companies only).
    #[arg(long)]
    buyer_kpp: Option<String>,
    /// The buyer's legal address.
    #[arg(long)]
    buyer_address: Option<String>,
}

#[derive(Subcommand)]
enum ProductsCommand {
    /// One product with its barcodes and stock per bin.
    Show { sku: String },
    /// Add a product (its stock comes by `stock receive`).
    Add(stock::ProductArgs),
    /// Change a product: name, category, weight, bin, low-stock threshold,
    /// barcodes added or taken off.
    Edit(stock::ProductArgs),
}

#[derive(Args)]
struct PackTarget {
    /// Order number.
    number: String,
}

#[derive(Subcommand)]
enum PackCommand {
    /// Open the order as the app does when its number is scanned: a
    /// confirmed or picked order is claimed, a packed one goes to the hand-over.
    Open(PackTarget),
    /// Claim the order for this station (a packed order is refused: take it apart).
    Claim(PackTarget),
    /// Scan one or more codes; prints one JSON line per scan as soon as it
    /// is recorded (its `scan_id` says which).
    Scan {
        number: String,
        #[arg(required = true, allow_hyphen_values = true)]
        codes: Vec<String>,
        /// The scans' ids, one per code in the same order, as a station
        /// sends them: a scan sent again under an id already recorded (a
        /// retry after a crash or a lost answer) is counted once. Default:
        /// a new id for every code. Put them before the order number: after
        /// it every word is a code.
        #[arg(long = "scan-id", value_name = "ID")]
        scan_ids: Vec<String>,
    },
    /// Take back the last accepted scan.
    Undo(PackTarget),
    /// Close the box: the order becomes ready, and the invoice and label are
    /// printed as this machine's station settings say (as the app does).
    Finish {
        number: String,
        /// Ship with missing items, for this reason.
        #[arg(long)]
        short_reason: Option<String>,
        /// Print nothing, whatever the station settings say.
        #[arg(long)]
        no_print: bool,
        #[command(flatten)]
        approval: people::ApprovalArgs,
    },
    /// Open a packed (ready) order's box again to change it; kept in its history.
    TakeApart {
        number: String,
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        approval: people::ApprovalArgs,
    },
    /// Release the station's claim (another station's: a supervisor, or
    /// with a supervisor's approval).
    Release {
        number: String,
        #[command(flatten)]
        approval: people::ApprovalArgs,
    },
}

/// An error on its way out: what to print and which exit code.
struct Failure {
    code: u8,
    message: String,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        let code = if e.is_refusal() { 1 } else { 2 };
        Failure {
            code,
            message: e.to_string(),
        }
    }
}

fn usage(message: impl Into<String>) -> Failure {
    Failure {
        code: 2,
        message: message.into(),
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.json;
    match run(cli).await {
        Ok(code) => ExitCode::from(code),
        Err(f) => {
            if json {
                out!("{}", serde_json::json!({"error": f.message}));
            } else {
                eprintln!("packbench-cli: {}", f.message);
            }
            ExitCode::from(f.code)
        }
    }
}

async fn open(db: &Option<String>) -> Result<Store, Failure> {
    let target = match db {
        Some(d) => DbTarget::parse(d)?,
        None => DbTarget::from_env_or_default()?,
    };
    // A server URL without its password: the one this machine's keyring
    // keeps for it (the app saved it there), if any.
    let target =
        packbench_core::secrets::complete(target, &packbench_core::secrets::OsKeyring, None);
    Ok(Store::open(&target).await?)
}

async fn run(cli: Cli) -> Result<u8, Failure> {
    let json = cli.json;
    let command = match cli.command {
        // The benchmarks make databases of their own.
        Command::Bench(args) => return bench::run(&args).await,
        Command::BenchStation(args) => return bench_live::station(&args).await,
        Command::Scanner(c) => return scanner::run(json, c),
        Command::Setup(c) => return setup::run(&cli.db, json, c).await,
        Command::Db(DbCommand::Users(people::UsersCommand::Permissions)) => {
            people::permissions(json);
            return Ok(0);
        }
        // On the file, before (and without) opening it: see backup.rs.
        Command::Backup(c) => return backup::run(&cli.db, json, c).await,
        Command::Db(command) => command,
    };
    let store = open(&cli.db).await?;
    let result = signed_in(&store, &cli.user, &cli.station, json, command).await;
    store.close().await;
    result
}

/// Runs a command as the signed-in user; the few that work before anyone
/// can sign in (a new database's demo or first admin) without.
async fn signed_in(
    store: &Store,
    user: &Option<String>,
    station: &str,
    json: bool,
    command: DbCommand,
) -> Result<u8, Failure> {
    match command {
        DbCommand::Users(people::UsersCommand::FirstAdmin { login, name }) => {
            people::first_admin(store, station, json, &login, &name).await
        }
        DbCommand::Init { demo, seed } if ops::sign_in_info(store).await?.needs_first_admin => {
            let loaded = if demo {
                Some(ops::load_demo_first_run(store, station, seed).await?)
            } else {
                None
            };
            print::init(json, store.describe(), loaded.as_ref());
            Ok(0)
        }
        command => {
            let actor = people::sign_in(store, user.as_deref(), station).await?;
            dispatch(store, &actor, json, command).await
        }
    }
}

async fn dispatch(
    store: &Store,
    actor: &Actor,
    json: bool,
    command: DbCommand,
) -> Result<u8, Failure> {
    match command {
        DbCommand::Init { demo, seed } => {
            let loaded = if demo {
                Some(ops::load_demo(store, actor, seed).await?)
            } else {
                None
            };
            print::init(json, store.describe(), loaded.as_ref());
        }
        DbCommand::Import(ImportCommand::Products { file, map, preview }) => {
            import(
                store,
                actor,
                json,
                &file,
                ops::ImportKind::Products,
                &map,
                preview,
            )
            .await?;
        }
        DbCommand::Import(ImportCommand::Orders {
            file,
            format,
            map,
            preview,
        }) => {
            let kind = ops::ImportKind::parse(&format)
                .ok()
                .filter(|k| *k != ops::ImportKind::Products)
                .ok_or_else(|| usage(OrderFormat::parse(&format).err().unwrap_or_default()))?;
            import(store, actor, json, &file, kind, &map, preview).await?;
        }
        DbCommand::Orders(OrdersCommand::List {
            filter,
            limit,
            before,
        }) => {
            let mut filter = filter.filter(store, limit).await?;
            filter.before = before;
            let rows = ops::list_orders(store, &filter).await?;
            print::order_list(json, &rows, &ops::lifecycle(store).await?);
        }
        DbCommand::Orders(OrdersCommand::Count { filter }) => {
            let n = ops::count_orders(store, &filter.filter(store, 0).await?).await?;
            out!("{n}");
        }
        DbCommand::Orders(OrdersCommand::Groups { by, filter }) => {
            return finding::groups(store, json, &by, &filter).await;
        }
        DbCommand::Orders(OrdersCommand::Filters(c)) => {
            return finding::filters(store, actor, json, c).await;
        }
        DbCommand::Export(c) => return finding::export(store, actor, json, c).await,
        DbCommand::Mail(c) => return notify::mail(store, actor, json, c).await,
        DbCommand::Outbox(c) => return notify::outbox(store, actor, json, c).await,
        DbCommand::Templates(c) => return notify::templates(store, actor, json, c).await,
        DbCommand::Carriers(c) => return notify::carriers(store, actor, json, c).await,
        DbCommand::Pick(c) => return pick::run(store, actor, json, c).await,
        DbCommand::Watch(a) => return live::watch(store, json, &a).await,
        // Issue 15: packbench-server's secrets, log and inbox.
        DbCommand::Webhooks(c) => return webhooks::run(store, actor, json, c).await,
        // Issue 15 item 1: the shops' APIs and the watched folder.
        DbCommand::Shops(c) => return shops::run(store, actor, json, c).await,
        DbCommand::Import(ImportCommand::WatchOnce(a)) => {
            return shops::watch_once(store, actor, json, a).await
        }
        // Issue 15 item 4: dropshipping.
        DbCommand::Suppliers(c) => return dropship::suppliers(store, actor, json, c).await,
        DbCommand::Dropship(c) => return dropship::dropship(store, actor, json, c).await,
        // Issue 15 item 3: receipts under 54-ФЗ.
        DbCommand::Receipts(c) => return receipts::run(store, actor, json, c).await,
        DbCommand::Dashboard(a) => return dashboard::run(store, actor, json, a).await,
        DbCommand::Demo(c) => return demo_day::run(store, actor, json, c).await,
        DbCommand::Carton(c) => return cartons::carton(store, actor, json, c).await,
        DbCommand::Boxes(c) => return cartons::boxes(store, actor, json, c).await,
        DbCommand::Stock(c) => return stock::stock(store, actor, json, c).await,
        DbCommand::Bins(c) => return stock::bins(store, actor, json, c).await,
        DbCommand::Marking(c) => return marking::run(store, json, c).await,
        DbCommand::Return(c) => return returns::run(store, actor, json, c).await,
        DbCommand::Parcels(c) => return parcels::run(store, actor, json, c).await,
        DbCommand::Orders(OrdersCommand::Show { number }) => {
            print::order(json, &ops::order_detail(store, &number).await?);
        }
        DbCommand::Orders(OrdersCommand::Confirm { number }) => {
            print::confirmed(json, &ops::confirm_order(store, actor, &number).await?);
        }
        DbCommand::Orders(OrdersCommand::Cancel { number, reason }) => {
            print::order(
                json,
                &ops::cancel_order(store, actor, &number, &reason).await?,
            );
        }
        DbCommand::Orders(OrdersCommand::Status {
            numbers,
            to,
            reason,
        }) => {
            let moved = match OrderStatus::parse(&to) {
                Ok(to) => ops::move_orders(store, actor, &numbers, to, reason.as_deref()).await?,
                // Not a stage: the store's own status inside the stage.
                Err(_) => {
                    let code = Some(to.trim()).filter(|c| !c.eq_ignore_ascii_case("none"));
                    if let Some(code) = code {
                        if ops::lifecycle(store).await?.find(code).is_none() {
                            return Err(usage(format!(
                                "{to:?} is neither a stage nor one of the store's statuses; see `packbench-cli statuses list`"
                            )));
                        }
                    }
                    let mut moved = Vec::with_capacity(numbers.len());
                    for number in &numbers {
                        moved.push(
                            match ops::set_sub_status(store, actor, number, code).await {
                                Ok(d) => ops::Moved {
                                    number: d.head.number.clone(),
                                    status: Some(d.head.status),
                                    refused: None,
                                },
                                Err(e) if e.is_refusal() => ops::Moved {
                                    number: number.trim().to_string(),
                                    status: None,
                                    refused: Some(e.to_string()),
                                },
                                Err(e) => return Err(e.into()),
                            },
                        );
                    }
                    moved
                }
            };
            print::moved(json, &moved);
            return Ok(u8::from(moved.iter().any(|m| m.refused.is_some())));
        }
        DbCommand::Orders(OrdersCommand::Pay {
            number,
            amount,
            method,
            refund,
            currency,
            note,
        }) => {
            let currency = match currency {
                Some(c) => c,
                None => ops::order_detail(store, &number).await?.head.currency,
            };
            let input = PaymentInput {
                kind: if refund {
                    PaymentKind::Refund
                } else {
                    PaymentKind::Payment
                },
                amount,
                currency,
                method,
                note,
            };
            print::order(
                json,
                &ops::record_payment(store, actor, &number, &input).await?,
            );
        }
        DbCommand::Orders(OrdersCommand::Note { number, text, pin }) => {
            print::order(
                json,
                &ops::add_note(store, actor, &number, &text, pin).await?,
            );
        }
        DbCommand::Orders(OrdersCommand::Pin { number, note, off }) => {
            print::order(
                json,
                &ops::pin_note(store, actor, &number, note, !off).await?,
            );
        }
        DbCommand::Orders(OrdersCommand::New {
            contact,
            lines,
            manager,
            currency,
        }) => {
            let input = PhoneOrderInput {
                customer: CustomerInput {
                    id: None,
                    name: contact.customer,
                    phone: contact.phone,
                    email: contact.email,
                    address: contact.address,
                },
                lines: lines
                    .iter()
                    .map(|l| line_arg(l))
                    .collect::<Result<_, _>>()?,
                delivery_method: contact.delivery,
                delivery_cost: contact.delivery_cost,
                comment: contact.comment,
                currency,
                manager,
                channel: String::new(),
            };
            print::order(json, &ops::create_order(store, actor, &input).await?);
        }
        DbCommand::Orders(OrdersCommand::Edit {
            number,
            renumber,
            contact,
            quantities,
            prices,
            discounts,
            taxes,
            add,
            remove,
            buyer,
        }) => {
            let patches = LinePatches {
                quantities: &quantities,
                prices: &prices,
                discounts: &discounts,
                taxes: &taxes,
                add: &add,
                remove: &remove,
            };
            let lines = if patches.is_empty() {
                None
            } else {
                let order = ops::order_detail(store, &number).await?;
                Some(edited_lines(&order, &patches)?)
            };
            let edit = OrderEdit {
                number: renumber,
                customer_name: contact.customer,
                phone: contact.phone,
                email: contact.email,
                shipping_address: contact.address,
                delivery_method: contact.delivery,
                delivery_cost: contact.delivery_cost,
                comment: contact.comment,
                lines,
                buyer_name: buyer.buyer_name,
                buyer_inn: buyer.buyer_inn,
                buyer_kpp: buyer.buyer_kpp,
                buyer_address: buyer.buyer_address,
            };
            let edited = ops::edit_order(store, actor, &number, &edit).await?;
            print::order(json, &edited.order);
            let touched_buyer = edit.buyer_name.is_some()
                || edit.buyer_inn.is_some()
                || edit.buyer_kpp.is_some()
                || edit.buyer_address.is_some();
            if !json && touched_buyer {
                let b = ops::order_buyer(store, &edited.order.head.number).await?;
                if b.is_empty() {
                    out!("  buyer: a private buyer (no legal details)");
                } else {
                    out!(
                        "  buyer: {} · INN {} · KPP {} · {}",
                        b.name,
                        if b.inn.is_empty() { "—" } else { &b.inn },
                        if b.kpp.is_empty() { "—" } else { &b.kpp },
                        if b.address.is_empty() {
                            "—"
                        } else {
                            &b.address
                        }
                    );
                }
            }
            if !json && !edited.unreserved_skus.is_empty() {
                out!(
                    "  not reserved (no free stock): {}",
                    edited.unreserved_skus.join(", ")
                );
            }
        }
        DbCommand::Orders(OrdersCommand::Assign {
            numbers,
            to,
            none: _,
        }) => {
            let mut last = None;
            for number in &numbers {
                last = Some(ops::assign_order(store, actor, number, to.as_deref()).await?);
                if !json {
                    out!("{number}: {}", to.as_deref().unwrap_or("nobody"));
                }
            }
            if json {
                if let Some(d) = last {
                    print::order(json, &d);
                }
            }
        }
        DbCommand::Orders(OrdersCommand::Split { number, lines }) => {
            let wanted = lines
                .iter()
                .map(|l| {
                    let bad = || {
                        usage(format!(
                            "{l:?}: write LINE_ID:QTY (line ids: orders show --json)"
                        ))
                    };
                    let (id, qty) = l.split_once(':').ok_or_else(bad)?;
                    Ok(SplitLine {
                        line_id: id.trim().parse().map_err(|_| bad())?,
                        quantity: qty.trim().parse().map_err(|_| bad())?,
                    })
                })
                .collect::<Result<Vec<_>, Failure>>()?;
            let split = ops::split_order(store, actor, &number, &wanted).await?;
            if json {
                out!("{}", serde_json::to_string(&split).unwrap_or_default());
            } else {
                print::order(false, &split.kept);
                print::order(false, &split.split);
            }
        }
        DbCommand::Orders(OrdersCommand::Hold {
            number,
            reason,
            release: _,
        }) => {
            print::order(
                json,
                &ops::hold_order(store, actor, &number, reason.as_deref()).await?,
            );
        }
        DbCommand::Orders(OrdersCommand::Expect { number, line, date }) => {
            let day = Some(date.as_str()).filter(|d| !d.trim().eq_ignore_ascii_case("none"));
            print::order(
                json,
                &ops::set_expected_date(store, actor, &number, line, day).await?,
            );
        }
        DbCommand::Orders(OrdersCommand::Reserve { number }) => {
            let again = ops::reserve_again(store, actor, &number).await?;
            print::order(json, &again.order);
            if !json && !again.unreserved_skus.is_empty() {
                out!("  still not covered: {}", again.unreserved_skus.join(", "));
            }
        }
        DbCommand::Orders(OrdersCommand::Alternatives { number, line }) => {
            let found = ops::alternatives(store, &number, line).await?;
            if json {
                out!("{}", serde_json::to_string(&found).unwrap_or_default());
            } else {
                for p in &found {
                    out!("{:<14} {:<40} free {}", p.sku, p.name, p.free);
                }
                out!("{} products", found.len());
            }
        }
        DbCommand::Orders(OrdersCommand::Customers { query }) => {
            print::customers(json, &ops::find_customers(store, &query).await?);
        }
        DbCommand::Products(ProductsCommand::Show { sku }) => {
            print::product(json, &ops::product_by_sku(store, &sku).await?);
        }
        DbCommand::Products(ProductsCommand::Add(a)) => {
            return stock::save_product(store, actor, json, a, true).await
        }
        DbCommand::Products(ProductsCommand::Edit(a)) => {
            return stock::save_product(store, actor, json, a, false).await
        }
        DbCommand::Pack(PackCommand::Open(t)) => {
            print::opened(json, &ops::open_for_packing(store, actor, &t.number).await?);
        }
        DbCommand::Pack(PackCommand::TakeApart {
            number,
            reason,
            approval,
        }) => {
            let approval = approval.credential()?;
            print::order(
                json,
                &ops::take_apart(store, actor, &number, &reason, approval.as_ref()).await?,
            );
        }
        DbCommand::Pack(PackCommand::Claim(t)) => {
            print::order(json, &ops::claim_order(store, actor, &t.number).await?);
        }
        DbCommand::Pack(PackCommand::Scan {
            number,
            codes,
            scan_ids,
        }) => {
            // Codes may start with a hyphen, so an option written after
            // them arrives as a code: refuse it rather than scan it.
            if let Some(option) = codes
                .iter()
                .find(|c| *c == "--scan-id" || c.starts_with("--scan-id="))
            {
                return Err(usage(format!(
                    "{option} after the codes would be scanned as a code: put --scan-id before the order number"
                )));
            }
            if !scan_ids.is_empty() && scan_ids.len() != codes.len() {
                return Err(usage(format!(
                    "{} codes but {} --scan-id: give one id per code, in the same order, or none",
                    codes.len(),
                    scan_ids.len()
                )));
            }
            let mut refused = false;
            for (i, code) in codes.iter().enumerate() {
                let scan_id = scan_ids.get(i).cloned().unwrap_or_else(|| new_scan_id(i));
                let result = ops::record_scan(store, actor, &number, code, &scan_id).await?;
                refused |= !result.outcome.is_accepted();
                out!("{}", serde_json::to_string(&result).unwrap_or_default());
            }
            return Ok(u8::from(refused));
        }
        DbCommand::Pack(PackCommand::Undo(t)) => {
            let undone = ops::undo_last_scan(store, actor, &t.number).await?;
            print::undone(json, &undone);
        }
        DbCommand::Pack(PackCommand::Finish {
            number,
            short_reason,
            no_print,
            approval,
        }) => {
            let approval = approval.credential()?;
            let print = if no_print {
                PrintSettings {
                    auto_print: false,
                    ..PrintSettings::default()
                }
            } else {
                StationConfig::load()?.print
            };
            let (packed, printing) = ops::finish_packing(
                store,
                actor,
                &number,
                short_reason.as_deref(),
                &print,
                approval.as_ref(),
            )
            .await?;
            // Unlike the app, the command waits for the printers and says
            // what they did.
            let jobs = printing.send().await?;
            print::packed(json, &packed.order, &jobs);
        }
        DbCommand::Pack(PackCommand::Release { number, approval }) => {
            let approval = approval.credential()?;
            print::order(
                json,
                &ops::release_claim(store, actor, &number, approval.as_ref()).await?,
            );
        }
        DbCommand::Users(command) => return people::users(store, actor, json, command).await,
        DbCommand::Audit(args) => return people::audit(store, actor, json, args).await,
        DbCommand::Ship(a) => return shipping::ship(store, actor, json, a).await,
        DbCommand::Handover(a) => return shipping::handover(store, actor, json, a).await,
        DbCommand::Print(command) => return print_cmd::run(store, actor, json, command).await,
        DbCommand::Statuses(command) => {
            let life = match command {
                StatusesCommand::List => ops::lifecycle(store).await?,
                StatusesCommand::Rename { code, en, ru } => {
                    ops::rename_status(store, actor, &code, &en, &ru).await?
                }
                StatusesCommand::Add {
                    code,
                    stage,
                    en,
                    ru,
                    limit,
                } => {
                    let status = ops::NewStatus {
                        code,
                        stage: OrderStatus::parse(&stage).map_err(usage)?,
                        label_en: en,
                        label_ru: ru,
                        max_minutes: limit,
                    };
                    ops::add_status(store, actor, &status).await?
                }
                StatusesCommand::Remove { code } => ops::remove_status(store, actor, &code).await?,
                StatusesCommand::Allow { from, to } => {
                    let (from, to) = stages(&from, &to)?;
                    ops::set_transition(store, actor, from, to, true).await?
                }
                StatusesCommand::Forbid { from, to } => {
                    let (from, to) = stages(&from, &to)?;
                    ops::set_transition(store, actor, from, to, false).await?
                }
                StatusesCommand::Limit { code, minutes } => {
                    let minutes = if minutes.trim().eq_ignore_ascii_case("none") {
                        None
                    } else {
                        Some(minutes.trim().parse::<i64>().map_err(|_| {
                            usage(format!(
                                "{minutes:?} is not a number of minutes; give minutes or none"
                            ))
                        })?)
                    };
                    ops::set_status_limit(store, actor, &code, minutes).await?
                }
            };
            print::lifecycle(json, &life);
        }
    }
    Ok(0)
}

/// `SKU:QTY:PRICE[:DISCOUNT]` as a line of an order.
fn line_arg(text: &str) -> Result<LineInput, Failure> {
    let parts: Vec<&str> = text.split(':').collect();
    let bad = || {
        usage(format!(
            "{text:?} is not a line; write SKU:QTY:PRICE or SKU:QTY:PRICE:DISCOUNT, e.g. PB-0126:2:1290,50"
        ))
    };
    if !(3..=4).contains(&parts.len()) {
        return Err(bad());
    }
    let quantity = parts[1].trim().parse::<i64>().map_err(|_| bad())?;
    Ok(LineInput {
        id: None,
        sku: parts[0].trim().to_string(),
        quantity,
        unit_price: parts[2].to_string(),
        discount: parts.get(3).map(|d| d.to_string()).unwrap_or_default(),
        tax_rate_bp: None,
    })
}

/// `SKU=VALUE`.
fn sku_value(text: &str, what: &str) -> Result<(String, String), Failure> {
    text.split_once('=')
        .map(|(s, v)| (s.trim().to_string(), v.trim().to_string()))
        .ok_or_else(|| usage(format!("{text:?}: write SKU={what}")))
}

/// What `orders edit` changes in the lines.
struct LinePatches<'a> {
    quantities: &'a [String],
    prices: &'a [String],
    discounts: &'a [String],
    taxes: &'a [String],
    add: &'a [String],
    remove: &'a [String],
}

impl LinePatches<'_> {
    fn is_empty(&self) -> bool {
        [
            self.quantities,
            self.prices,
            self.discounts,
            self.taxes,
            self.add,
            self.remove,
        ]
        .iter()
        .all(|p| p.is_empty())
    }
}

/// The order's lines as they stand, with the edits of the command line
/// applied: the whole list `edit_order` takes (core checks it).
fn edited_lines(order: &ops::OrderDetail, p: &LinePatches) -> Result<Vec<LineInput>, Failure> {
    let exp = exponent_of(&order.head.currency);
    let mut lines: Vec<LineInput> = order
        .lines
        .iter()
        .map(|l| LineInput {
            id: Some(l.id),
            sku: l.sku.clone(),
            quantity: l.quantity,
            unit_price: format_minor(l.unit_price_minor, exp),
            discount: format_minor(l.discount_minor, exp),
            tax_rate_bp: Some(l.tax_rate_bp),
        })
        .collect();
    let find = |lines: &[LineInput], sku: &str| -> Result<usize, Failure> {
        lines.iter().position(|l| l.sku == sku).ok_or_else(|| {
            usage(format!(
                "order {} has no line with SKU {sku}",
                order.head.number
            ))
        })
    };
    for q in p.quantities {
        let (sku, qty) = sku_value(q, "QTY")?;
        let i = find(&lines, &sku)?;
        lines[i].quantity = qty
            .parse()
            .map_err(|_| usage(format!("{qty:?} is not a quantity")))?;
    }
    for v in p.prices {
        let (sku, price) = sku_value(v, "PRICE")?;
        let i = find(&lines, &sku)?;
        lines[i].unit_price = price;
    }
    for v in p.discounts {
        let (sku, discount) = sku_value(v, "AMOUNT")?;
        let i = find(&lines, &sku)?;
        lines[i].discount = discount;
    }
    for v in p.taxes {
        let (sku, percent) = sku_value(v, "PERCENT")?;
        let i = find(&lines, &sku)?;
        let percent = percent.trim_end_matches('%').trim().replace(',', ".");
        let bp = percent
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .map(|x| (x * 100.0).round() as i64)
            .ok_or_else(|| {
                usage(format!(
                    "{percent:?} is not a VAT rate in percent, such as 22"
                ))
            })?;
        lines[i].tax_rate_bp = Some(bp);
    }
    for sku in p.remove {
        let i = find(&lines, sku.trim())?;
        lines.remove(i);
    }
    for a in p.add {
        lines.push(line_arg(a)?);
    }
    Ok(lines)
}

fn stages(from: &str, to: &str) -> Result<(OrderStatus, OrderStatus), Failure> {
    Ok((
        OrderStatus::parse(from).map_err(usage)?,
        OrderStatus::parse(to).map_err(usage)?,
    ))
}

fn read_file(path: &PathBuf) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|e| usage(format!("cannot read {}: {e}", path.display())))
}

/// A scan id unique across processes: the CLI has no client to supply one.
fn new_scan_id(i: usize) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!(
        "cli-{}-{nanos}-{i}-{:08x}",
        std::process::id(),
        rand::random::<u32>()
    )
}
