//! `packbench-cli bench`: the numbers in BENCHMARKS.md, measured in-process
//! on a generated warehouse (default 1,000,000 orders, 100,000 products).

use super::Failure;
use clap::Args;
use packbench_core::documents::PrintSettings;
use packbench_core::domain::ScanKind;
use packbench_core::ops::{self, Actor, OrderFilter, Role};
use packbench_core::store::bulk::{self, synthetic_ean13, synthetic_lines, synthetic_order_number};
use packbench_core::store::{DbTarget, Durability, OpenOptions, Store};
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(Args, Clone)]
pub struct BenchArgs {
    #[arg(long, default_value_t = 1_000_000)]
    orders: usize,
    #[arg(long, default_value_t = 100_000)]
    products: usize,
    /// Orders packed (claimed, every unit scanned, finished) per engine.
    #[arg(long, default_value_t = 400)]
    pack_orders: usize,
    /// Folder for the generated SQLite database (kept for re-runs).
    #[arg(long, default_value = "/tmp/packbench-bench")]
    dir: PathBuf,
    /// Also measure on this PostgreSQL server (a database `packbench_bench`
    /// is created there).
    #[arg(long)]
    pg_url: Option<String>,
    /// What to measure: all, packing (claim, scan, finish, lookups),
    /// finding (filters, groups, export, import), or one part of finding:
    /// filters, groups, export, import; warehouse (receive, move, count,
    /// ledger, re-order, bulk shipping, hand-over, returns); live (another
    /// station sees a change); race (8 station processes on PostgreSQL);
    /// dashboard (the supervisor's dashboard, on a warehouse of its own
    /// with every order's history); documents (rendering labels, invoices
    /// and previews only, no database).
    #[arg(long, default_value = "all")]
    suite: String,
    /// Runs per group count (each over up to every order).
    #[arg(long, default_value_t = 50)]
    group_runs: usize,
    /// Changes measured per engine by the live suite (a third each claims,
    /// scans and claims given back).
    #[arg(long, default_value_t = 300)]
    pub live_changes: usize,
    /// Write the filters' query plans here (per engine).
    #[arg(long, default_value = "/tmp/packbench-bench/plans")]
    plans: PathBuf,
}

/// One in this many generated orders is confirmed, ready to pack.
pub const CONFIRMED_EVERY: usize = 50;

pub struct Sample {
    name: String,
    pub times: Vec<Duration>,
}

impl Sample {
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            times: Vec::new(),
        }
    }

    pub fn row(&mut self) -> String {
        self.times.sort();
        let n = self.times.len();
        if n == 0 {
            return format!("| {} | 0 | - | - | - |", self.name);
        }
        let pick = |q: f64| self.times[((n as f64 * q).ceil() as usize).clamp(1, n) - 1];
        let ms = |d: Duration| format!("{:.3}", d.as_secs_f64() * 1000.0);
        format!(
            "| {} | {} | {} | {} | {} |",
            self.name,
            n,
            ms(pick(0.50)),
            ms(pick(0.99)),
            ms(self.times[n - 1])
        )
    }
}

fn fail(e: packbench_core::Error) -> Failure {
    Failure::from(e)
}

pub async fn run(args: &BenchArgs) -> Result<u8, Failure> {
    // Rendering only: no warehouse to generate or open.
    if args.suite == "documents" {
        out!("# packbench bench: documents");
        print_rows(super::print_cmd::bench_documents().await);
        return Ok(0);
    }
    out!(
        "# packbench bench: {} orders, {} products, {} orders packed per engine",
        args.orders,
        args.products,
        args.pack_orders
    );
    std::fs::create_dir_all(&args.dir)
        .map_err(|e| super::usage(format!("cannot create {}: {e}", args.dir.display())))?;
    let path = args.dir.join(format!(
        "bench-v{}-{}-{}.db",
        bulk::GENERATOR_VERSION,
        args.orders,
        args.products
    ));
    let sqlite = DbTarget::SqliteFile(path.clone());
    let parts = ["filters", "groups", "export", "import"];
    let pg = args.pg_url.as_deref();
    if matches!(args.suite.as_str(), "live" | "race") {
        let rows = if args.suite == "live" {
            live_rows(args, pg).await?
        } else {
            race_rows(args, pg).await?
        };
        print_rows(rows);
        return Ok(0);
    }
    if args.suite == "dashboard" {
        let rows = super::bench_dashboard::run(args.orders, args.products, &args.dir, pg).await?;
        print_rows(rows);
        return Ok(0);
    }
    let warehouse = matches!(args.suite.as_str(), "all" | "warehouse");
    let (packing, finding): (bool, &[&str]) = match args.suite.as_str() {
        "all" => (true, &parts),
        "packing" => (true, &[]),
        "finding" => (false, &parts),
        "warehouse" => (false, &[]),
        one if parts.contains(&one) => (
            false,
            std::slice::from_ref(parts.iter().find(|p| **p == one).unwrap_or(&"filters")),
        ),
        other => {
            return Err(super::usage(format!(
                "--suite {other:?}: use all, packing, finding, filters, groups, export, import, warehouse, live, race, dashboard or documents"
            )))
        }
    };
    let mut rows = Vec::new();
    let normal = open(&sqlite, Durability::Normal).await?;
    prepare(&normal, args).await?;
    if packing {
        // Each run packs its own slice of the confirmed orders, so runs never collide.
        rows.extend(measure(&normal, args, "SQLite WAL, synchronous=NORMAL", 0).await?);
    }
    if finding.iter().any(|p| *p != "import") {
        rows.extend(finding_suite(&normal, args, finding, "SQLite", "sqlite").await?);
    }
    if warehouse {
        let label = "SQLite WAL, synchronous=NORMAL";
        rows.extend(super::bench_warehouse::run(&normal, args.orders, args.products, label).await?);
    }
    normal.close().await;
    if packing {
        let full = open(&sqlite, Durability::Full).await?;
        rows.extend(measure(&full, args, "SQLite WAL, synchronous=FULL", 1).await?);
        full.close().await;
        // Before/after for the scan's tail: SQLite checkpointing in the
        // commit that crosses 1000 pages, as it does by itself.
        let inline = open_with(&sqlite, Durability::Normal, false).await?;
        let label =
            "SQLite WAL, synchronous=NORMAL, checkpoint inside the commit (SQLite's default)";
        rows.extend(measure(&inline, args, label, 2).await?);
        inline.close().await;
    }
    if let Some(url) = &args.pg_url {
        let bench_url = pg_bench_database(url).await?;
        let pg = open(&DbTarget::Postgres(bench_url), Durability::Normal).await?;
        prepare(&pg, args).await?;
        if packing {
            rows.extend(measure(&pg, args, "PostgreSQL", 0).await?);
        }
        if finding.iter().any(|p| *p != "import") {
            rows.extend(finding_suite(&pg, args, finding, "PostgreSQL", "postgres").await?);
        }
        if warehouse {
            rows.extend(
                super::bench_warehouse::run(&pg, args.orders, args.products, "PostgreSQL").await?,
            );
        }
        pg.close().await;
    }
    if finding.contains(&"import") {
        let file = args.dir.join("import-bench.db");
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
        }
        rows.extend(super::bench_finding::import(&DbTarget::SqliteFile(file), "SQLite").await?);
        if let Some(url) = &args.pg_url {
            // The same file into an empty database of its own, made afresh.
            let (base, _) = url
                .rsplit_once('/')
                .ok_or_else(|| super::usage("the PostgreSQL URL has no database name"))?;
            let admin = Store::open(&DbTarget::Postgres(url.clone()))
                .await
                .map_err(fail)?;
            bulk::recreate_database(&admin, "packbench_import_bench")
                .await
                .map_err(fail)?;
            admin.close().await;
            let target = DbTarget::Postgres(format!("{base}/packbench_import_bench"));
            rows.extend(super::bench_finding::import(&target, "PostgreSQL").await?);
        }
    }
    if packing {
        rows.extend(super::print_cmd::bench_documents().await);
    }
    if args.suite == "all" {
        rows.extend(live_rows(args, pg).await?);
        rows.extend(race_rows(args, pg).await?);
        rows.extend(super::bench_dashboard::run(args.orders, args.products, &args.dir, pg).await?);
    }
    print_rows(rows);
    Ok(0)
}

fn print_rows(rows: Vec<String>) {
    out!("");
    out!("| what | n | p50 ms | p99 ms | max ms |");
    out!("|---|---|---|---|---|");
    for r in rows {
        out!("{r}");
    }
}

/// Live stations on SQLite, and on PostgreSQL when a server is given.
async fn live_rows(args: &BenchArgs, pg: Option<&str>) -> Result<Vec<String>, Failure> {
    let n = args.live_changes;
    let mut rows = super::bench_live::live(&args.dir, None, n).await?;
    if pg.is_some() {
        rows.extend(super::bench_live::live(&args.dir, pg, n).await?);
    }
    Ok(rows)
}

/// The 8-station race: PostgreSQL only (SQLite stations are windows on one
/// machine, not a warehouse of them).
async fn race_rows(args: &BenchArgs, pg: Option<&str>) -> Result<Vec<String>, Failure> {
    match pg {
        Some(_) => super::bench_live::race(&args.dir, pg).await,
        None => {
            out!("race: skipped, it needs --pg-url");
            Ok(Vec::new())
        }
    }
}

/// Filters (cold and warm), group counts, export; the plans to a file.
async fn finding_suite(
    store: &Store,
    args: &BenchArgs,
    parts: &[&str],
    label: &str,
    engine: &str,
) -> Result<Vec<String>, Failure> {
    use super::bench_finding as f;
    let mut rows = Vec::new();
    if parts.contains(&"filters") {
        std::fs::create_dir_all(&args.plans)
            .map_err(|e| super::usage(format!("cannot create {}: {e}", args.plans.display())))?;
        let plans = f::plans(store, args.orders).await?;
        let file = args.plans.join(format!("{engine}.txt"));
        std::fs::write(&file, plans)
            .map_err(|e| super::usage(format!("cannot write {}: {e}", file.display())))?;
        eprintln!("  query plans written to {}", file.display());
        // Each part's rows go to stderr as soon as they are measured, so a
        // run stopped later still leaves its figures.
        rows.extend(f::filters(store, label, args.orders).await?);
        rows.iter().for_each(|r| eprintln!("{r}"));
    }
    if parts.contains(&"groups") {
        let groups = f::groups(store, label, args.group_runs).await?;
        groups.iter().for_each(|r| eprintln!("{r}"));
        rows.extend(groups);
    }
    if parts.contains(&"export") {
        let export = f::export(store, label).await?;
        export.iter().for_each(|r| eprintln!("{r}"));
        rows.extend(export);
    }
    Ok(rows)
}

async fn open(target: &DbTarget, durability: Durability) -> Result<Store, Failure> {
    open_with(target, durability, true).await
}

async fn open_with(
    target: &DbTarget,
    durability: Durability,
    background_checkpoint: bool,
) -> Result<Store, Failure> {
    Store::open_with(
        target,
        OpenOptions {
            durability,
            max_connections: 4,
            background_checkpoint,
        },
    )
    .await
    .map_err(fail)
}

/// Generates the warehouse unless the database already holds it.
async fn prepare(store: &Store, args: &BenchArgs) -> Result<(), Failure> {
    let have: i64 = sqlx_count(store).await?;
    if have as usize == args.orders {
        out!("reusing {} ({have} orders)", store.describe());
        return Ok(());
    }
    if have != 0 {
        return Err(super::usage(format!(
            "{} holds {have} orders, not {}; remove it and run again",
            store.describe(),
            args.orders
        )));
    }
    let started = Instant::now();
    generate_orders(store, args.products, args.orders).await?;
    out!(
        "generated {} orders and {} products in {} in {:.1} s",
        args.orders,
        args.products,
        store.describe(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The bench warehouse's products and orders in an empty database, in
/// the bulk generator's own transactions, with its progress on stderr.
pub(crate) async fn generate_orders(
    store: &Store,
    products: usize,
    orders: usize,
) -> Result<(), Failure> {
    let started = Instant::now();
    let names = bulk::Names {
        customer: &packbench_core::demo::customer,
        product: &packbench_core::demo::product_name,
    };
    bulk::generate(store, &names, products, orders, CONFIRMED_EVERY, |done| {
        if done % 100_000 == 0 {
            eprintln!(
                "  generated {done} orders in {:.1} s",
                started.elapsed().as_secs_f64()
            );
        }
    })
    .await
    .map_err(fail)
}

async fn sqlx_count(store: &Store) -> Result<i64, Failure> {
    ops::order_count(store).await.map_err(fail)
}

async fn pg_bench_database(url: &str) -> Result<String, Failure> {
    let (base, _) = url
        .rsplit_once('/')
        .ok_or_else(|| super::usage("the PostgreSQL URL has no database name"))?;
    let admin = Store::open(&DbTarget::Postgres(url.to_string()))
        .await
        .map_err(fail)?;
    let name = format!("packbench_bench_v{}", bulk::GENERATOR_VERSION);
    packbench_core::store::create_database_if_missing(&admin, &name)
        .await
        .map_err(fail)?;
    admin.close().await;
    Ok(format!("{base}/{name}"))
}

async fn measure(
    store: &Store,
    args: &BenchArgs,
    label: &str,
    slice: usize,
) -> Result<Vec<String>, Failure> {
    let actor = Actor::new("bench", format!("bench-{slice}"), Role::Packer);
    let mut claim = Sample::new(format!("{label}: claim order"));
    let mut scan = Sample::new(format!("{label}: record scan, accepted (verify + commit)"));
    let mut wrong = Sample::new(format!("{label}: record scan, wrong item refused"));
    let mut finish = Sample::new(format!("{label}: finish packing"));
    let mut lookup = Sample::new(format!("{label}: order by number (with lines and history)"));
    let mut search = Sample::new(format!("{label}: search by customer text, warm cache"));
    let confirmed: Vec<usize> = (0..args.orders).step_by(CONFIRMED_EVERY).collect();
    let start = slice * args.pack_orders;
    // The generated file is kept between runs: orders an earlier run packed
    // are passed over, so every run packs orders that are still confirmed.
    let mut batch: Vec<usize> = Vec::with_capacity(args.pack_orders);
    for &i in confirmed.iter().skip(start) {
        if batch.len() == args.pack_orders {
            break;
        }
        let order = ops::order_detail(store, &synthetic_order_number(i))
            .await
            .map_err(fail)?;
        if order.head.status == packbench_core::domain::OrderStatus::Confirmed {
            batch.push(i);
        }
    }
    if batch.len() < args.pack_orders {
        return Err(super::usage(
            "not enough confirmed orders for this run; generate more orders",
        ));
    }
    // Scan ids are the client's promise that a retried scan counts once: a
    // second run reusing the file must not reuse the first run's ids (they
    // would come back as that run's scans of other orders).
    let run = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let mut seq = 0u64;
    for &i in &batch {
        let number = synthetic_order_number(i);
        let t = Instant::now();
        ops::claim_order(store, &actor, &number)
            .await
            .map_err(fail)?;
        claim.times.push(t.elapsed());
        let lines = synthetic_lines(i, args.products);
        // A product next to one of the order's, not in the order: a wrong item.
        let stranger = (0..args.products)
            .map(|k| (lines[0].0 + 1 + k) % args.products)
            .find(|p| !lines.iter().any(|l| l.0 == *p))
            .unwrap_or(0);
        seq += 1;
        let t = Instant::now();
        let r = ops::record_scan(
            store,
            &actor,
            &number,
            &synthetic_ean13(stranger),
            &format!("b{run}-{slice}-{seq}"),
        )
        .await
        .map_err(fail)?;
        wrong.times.push(t.elapsed());
        assert_outcome(&r.outcome, ScanKind::WrongItem)?;
        for (p, qty) in lines {
            for _ in 0..qty {
                seq += 1;
                let t = Instant::now();
                let r = ops::record_scan(
                    store,
                    &actor,
                    &number,
                    &synthetic_ean13(p),
                    &format!("b{run}-{slice}-{seq}"),
                )
                .await
                .map_err(fail)?;
                scan.times.push(t.elapsed());
                assert_outcome(&r.outcome, ScanKind::Accepted)?;
            }
        }
        let t = Instant::now();
        let no_print = PrintSettings {
            auto_print: false,
            ..PrintSettings::default()
        };
        let (_, nothing_to_print) =
            ops::finish_packing(store, &actor, &number, None, &no_print, None)
                .await
                .map_err(fail)?;
        nothing_to_print.send().await.map_err(fail)?;
        finish.times.push(t.elapsed());
    }
    for k in 0..2000usize {
        let i = (k * 7_919_111) % args.orders;
        let t = Instant::now();
        ops::order_detail(store, &synthetic_order_number(i))
            .await
            .map_err(fail)?;
        lookup.times.push(t.elapsed());
    }
    let queries: Vec<String> = (0..300usize)
        .map(|k| {
            let i = (k * 104_729) % args.orders;
            let (name, email, phone, _) = packbench_core::demo::customer(i);
            match k % 4 {
                0 => name.split_whitespace().next().unwrap_or(&name).to_string(),
                1 => name.clone(),
                2 => email,
                _ => phone,
            }
        })
        .collect();
    // Two passes: the first reads from disk (cold), the second is what a
    // packer typing a second search meets (warm cache). Both are reported.
    let mut cold = Sample::new(format!(
        "{label}: search by customer text, first pass (cold cache)"
    ));
    for pass in 0..2 {
        for (k, query) in queries.iter().enumerate() {
            let filter = OrderFilter {
                search: Some(query.clone()),
                limit: 50,
                ..Default::default()
            };
            let t = Instant::now();
            let found = ops::list_orders(store, &filter).await.map_err(fail)?;
            let took = t.elapsed();
            if pass == 0 {
                cold.times.push(took);
            } else {
                search.times.push(took);
            }
            if found.is_empty() {
                return Err(super::usage(format!(
                    "search {k} ({query}) found nothing; the index is broken"
                )));
            }
        }
    }
    Ok([claim, scan, wrong, finish, lookup, cold, search]
        .iter_mut()
        .map(Sample::row)
        .collect())
}

fn assert_outcome(
    o: &packbench_core::domain::scan::ScanOutcome,
    want: ScanKind,
) -> Result<(), Failure> {
    if o.kind() == want {
        Ok(())
    } else {
        Err(super::usage(format!(
            "benchmark scan gave {} instead of {want}: {o:?}",
            o.kind()
        )))
    }
}
