//! `bench --suite live` and `bench --suite race`: stations in separate
//! processes on one database.
//!
//! - live: how long after station A acts (a claim, a scan, a claim given
//!   back) station B's change feed names the order. B is a child process
//!   running the same feed the app's `orders-changed` event comes from.
//! - race: 8 station processes claim, pack and ship 2,000 orders as fast as
//!   they can on PostgreSQL; then the database is checked for double
//!   claims, double shipments and lost scans.

use super::bench::Sample;
use super::live::now_us;
use super::Failure;
use clap::Args;
use packbench_core::documents::PrintSettings;
use packbench_core::ops::{self, Actor, ChangeFeed, Role};
use packbench_core::store::bulk::{self, synthetic_ean13, synthetic_lines, synthetic_order_number};
use packbench_core::store::{DbTarget, OpenOptions, Store};
use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Orders (and products) in the live and race databases.
const ORDERS: usize = 2_000;
/// Station processes in the race.
const STATIONS: usize = 8;
/// A change B has not seen after this long is reported as lost.
const LOST_AFTER: Duration = Duration::from_secs(10);

fn fail(e: packbench_core::Error) -> Failure {
    Failure::from(e)
}

/// The child side: `packbench-cli bench-station` (hidden), one station.
#[derive(Args, Debug)]
pub struct StationArgs {
    #[arg(long)]
    db: String,
    /// watch: print each change as JSON; race: claim, pack and ship.
    #[arg(long)]
    mode: String,
    #[arg(long, default_value = "B")]
    station: String,
    /// The race's order walk starts here (each station its own place).
    #[arg(long, default_value_t = 0)]
    seed: usize,
}

pub async fn station(args: &StationArgs) -> Result<u8, Failure> {
    let target = DbTarget::parse(&args.db).map_err(fail)?;
    let store = Store::open_with(
        &target,
        OpenOptions {
            max_connections: 2,
            ..OpenOptions::default()
        },
    )
    .await
    .map_err(fail)?;
    let result = match args.mode.as_str() {
        "watch" => watch(&store).await,
        "race" => race_station(&store, &args.station, args.seed).await,
        other => Err(super::usage(format!("--mode {other:?}: use watch or race"))),
    };
    store.close().await;
    result
}

async fn watch(store: &Store) -> Result<u8, Failure> {
    let mut feed = ChangeFeed::start(store).await.map_err(fail)?;
    out!("{}", serde_json::json!({ "watching": store.describe() }));
    loop {
        let numbers = feed.next(store).await.map_err(fail)?;
        out!(
            "{}",
            serde_json::json!({ "at_us": now_us(), "orders": numbers })
        );
    }
}

/// One racing station: walks the orders from its own starting point and
/// packs and ships every one it manages to claim. Prints its tally.
async fn race_station(store: &Store, station: &str, seed: usize) -> Result<u8, Failure> {
    let actor = Actor::new("bench", station, Role::Supervisor);
    let no_print = PrintSettings {
        auto_print: false,
        ..PrintSettings::default()
    };
    let (mut claimed, mut shipped, mut acked) = (0, 0, 0);
    let (mut lost_claims, mut held_elsewhere) = (0, 0);
    let mut errors = Vec::new();
    for k in 0..ORDERS {
        // Stations start in pairs at four places and walk the same way:
        // the two of a pair reach for the same order every time.
        let i = ((seed / 2) * ORDERS / (STATIONS / 2) + k) % ORDERS;
        let number = synthetic_order_number(i);
        match ops::claim_order(store, &actor, &number).await {
            Ok(_) => {}
            // Another station holds it right now: the race this measures.
            Err(packbench_core::Error::Conflict(_)) => {
                held_elsewhere += 1;
                continue;
            }
            // Packed or shipped already by another station.
            Err(_) => {
                lost_claims += 1;
                continue;
            }
        }
        claimed += 1;
        let mut ok = true;
        for (p, qty) in synthetic_lines(i, ORDERS) {
            for u in 0..qty {
                let id = format!("race-{station}-{i}-{p}-{u}");
                match ops::record_scan(store, &actor, &number, &synthetic_ean13(p), &id).await {
                    Ok(r) if r.outcome.is_accepted() => acked += 1,
                    Ok(r) => {
                        ok = false;
                        errors.push(format!("{number}: scan refused: {}", r.message));
                    }
                    Err(e) => {
                        ok = false;
                        errors.push(format!("{number}: scan: {e}"));
                    }
                }
            }
        }
        if !ok {
            continue;
        }
        if let Err(e) = ops::finish_packing(store, &actor, &number, None, &no_print, None).await {
            errors.push(format!("{number}: finish: {e}"));
            continue;
        }
        match ops::ship_order(store, &actor, &number, "СДЭК", &format!("{:010}", i + 1)).await {
            Ok(_) => shipped += 1,
            Err(e) => errors.push(format!("{number}: ship: {e}")),
        }
    }
    errors.truncate(20);
    out!(
        "{}",
        serde_json::json!({
            "station": station, "claimed": claimed, "shipped": shipped,
            "scans_acked": acked, "done_by_others": lost_claims,
            "held_by_another_station": held_elsewhere, "errors": errors,
        })
    );
    Ok(0)
}

/// A fresh database with `ORDERS` confirmed orders: a new SQLite file in
/// `dir`, or a new database on the PostgreSQL server of `pg_url`.
async fn fresh(
    dir: &std::path::Path,
    pg_url: Option<&str>,
    what: &str,
) -> Result<(DbTarget, String), Failure> {
    let target = match pg_url {
        None => {
            let path = dir.join(format!("{what}-bench.db"));
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
            DbTarget::SqliteFile(path)
        }
        Some(url) => {
            let (base, _) = url
                .rsplit_once('/')
                .ok_or_else(|| super::usage("the PostgreSQL URL has no database name"))?;
            let admin = Store::open(&DbTarget::Postgres(url.to_string()))
                .await
                .map_err(fail)?;
            let name = format!("packbench_{what}_bench");
            bulk::recreate_database(&admin, &name).await.map_err(fail)?;
            admin.close().await;
            DbTarget::Postgres(format!("{base}/{name}"))
        }
    };
    let store = Store::open(&target).await.map_err(fail)?;
    let names = bulk::Names {
        customer: &packbench_core::demo::customer,
        product: &packbench_core::demo::product_name,
    };
    bulk::generate(&store, &names, ORDERS, ORDERS, 1, |_| {})
        .await
        .map_err(fail)?;
    let label = match &target {
        DbTarget::SqliteFile(_) => "SQLite".to_string(),
        DbTarget::Postgres(_) => "PostgreSQL".to_string(),
    };
    store.close().await;
    Ok((target, label))
}

fn db_arg(target: &DbTarget) -> String {
    match target {
        DbTarget::SqliteFile(p) => p.display().to_string(),
        DbTarget::Postgres(url) => url.clone(),
    }
}

fn spawn_station(
    target: &DbTarget,
    mode: &str,
    station: &str,
    seed: usize,
) -> Result<Child, Failure> {
    let exe = std::env::current_exe()
        .map_err(|e| super::usage(format!("cannot find this program: {e}")))?;
    Command::new(exe)
        .args(["bench-station", "--db", &db_arg(target), "--mode", mode])
        .args(["--station", station, "--seed", &seed.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| super::usage(format!("cannot start a station process: {e}")))
}

/// From A's action to B's feed naming the order: claims, scans and claims
/// given back, a third each.
pub async fn live(
    dir: &std::path::Path,
    pg_url: Option<&str>,
    changes: usize,
) -> Result<Vec<String>, Failure> {
    let (target, label) = fresh(dir, pg_url, "live").await?;
    let store = Store::open(&target).await.map_err(fail)?;
    let mut child = spawn_station(&target, "watch", "B", 0)?;
    let stdout = child.stdout.take().expect("piped");
    let (tx, rx) = mpsc::channel::<(u128, Vec<String>)>();
    let mut lines = std::io::BufReader::new(stdout).lines();
    match lines.next() {
        Some(Ok(l)) if l.contains("watching") => {}
        other => {
            let _ = child.kill();
            return Err(super::usage(format!(
                "the watching station did not start: {other:?}"
            )));
        }
    }
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else {
                continue;
            };
            let at = v["at_us"].as_u64().unwrap_or(0) as u128;
            let orders = v["orders"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|n| n.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default();
            if tx.send((at, orders)).is_err() {
                break;
            }
        }
    });
    let actor = Actor::new("bench", "A", Role::Supervisor);
    let mut claims = Sample::new(format!("{label}: a claim at A seen at B"));
    let mut scans = Sample::new(format!("{label}: a scan at A seen at B"));
    let mut releases = Sample::new(format!("{label}: a claim given back at A seen at B"));
    let mut lost = 0;
    for k in 0..changes.div_ceil(3) {
        let number = synthetic_order_number(k);
        let code = synthetic_ean13(synthetic_lines(k, ORDERS)[0].0);
        for (step, sample) in [&mut claims, &mut scans, &mut releases]
            .into_iter()
            .enumerate()
        {
            // Whatever B reported before this change is not this change.
            while rx.try_recv().is_ok() {}
            let started = now_us();
            let result = match step {
                0 => ops::claim_order(&store, &actor, &number).await.map(|_| ()),
                1 => ops::record_scan(&store, &actor, &number, &code, &format!("live-{k}"))
                    .await
                    .map(|_| ()),
                _ => ops::release_claim(&store, &actor, &number, None)
                    .await
                    .map(|_| ()),
            };
            result.map_err(fail)?;
            let deadline = Instant::now() + LOST_AFTER;
            loop {
                let left = deadline.saturating_duration_since(Instant::now());
                match rx.recv_timeout(left) {
                    Ok((at, orders)) if orders.contains(&number) => {
                        sample
                            .times
                            .push(Duration::from_micros(at.saturating_sub(started) as u64));
                        break;
                    }
                    Ok(_) => continue,
                    Err(_) => {
                        lost += 1;
                        break;
                    }
                }
            }
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    store.close().await;
    let mut rows = vec![claims.row(), scans.row(), releases.row()];
    rows.push(format!(
        "| {label}: changes B never saw within {} s | {lost} | - | - | - |",
        LOST_AFTER.as_secs()
    ));
    Ok(rows)
}

/// 8 stations race over the orders; the database is checked afterwards.
pub async fn race(dir: &std::path::Path, pg_url: Option<&str>) -> Result<Vec<String>, Failure> {
    let (target, label) = fresh(dir, pg_url, "race").await?;
    let started = Instant::now();
    let children: Vec<Child> = (0..STATIONS)
        .map(|s| spawn_station(&target, "race", &format!("R{s}"), s))
        .collect::<Result<_, _>>()?;
    let mut tallies = Vec::new();
    for child in children {
        let out = child
            .wait_with_output()
            .map_err(|e| super::usage(format!("a station process: {e}")))?;
        let text = String::from_utf8_lossy(&out.stdout);
        let tally: serde_json::Value = text
            .lines()
            .last()
            .and_then(|l| serde_json::from_str(l).ok())
            .ok_or_else(|| super::usage(format!("a station ended without its tally: {text}")))?;
        tallies.push(tally);
    }
    let took = started.elapsed();
    let sum = |key: &str| {
        tallies
            .iter()
            .map(|t| t[key].as_i64().unwrap_or(0))
            .sum::<i64>()
    };
    for t in &tallies {
        eprintln!("  {t}");
    }

    let store = Store::open(&target).await.map_err(fail)?;
    let audit = bulk::race_audit(&store).await.map_err(fail)?;
    store.close().await;

    let acked = sum("scans_acked");
    let conflicts = sum("held_by_another_station");
    let errors: Vec<String> = tallies
        .iter()
        .flat_map(|t| t["errors"].as_array().cloned().unwrap_or_default())
        .filter_map(|e| e.as_str().map(String::from))
        .collect();
    let bulk::RaceAudit {
        shipped_orders,
        accepted_scans: accepted,
        double_shipped,
        double_claimed,
        packed_by_two,
        lines_off: units_off,
    } = audit;
    let per_minute = shipped_orders as f64 / took.as_secs_f64() * 60.0;
    let mut rows = vec![format!(
        "| {label}: {STATIONS} stations race over {ORDERS} orders: {shipped_orders} shipped in {:.1} s = {per_minute:.0} orders/min; \
         claims refused because another station held the order {conflicts}; \
         double claims {double_claimed}, packed at two stations {packed_by_two}, double shipments {double_shipped}, \
         scans acknowledged {acked} / in the ledger {accepted} (lost {}), lines whose packed count differs from the ledger {units_off}, \
         station errors {} | {STATIONS} | - | - | - |",
        took.as_secs_f64(),
        acked - accepted,
        errors.len()
    )];
    for e in errors.iter().take(5) {
        rows.push(format!("| {label}: station error: {e} | 1 | - | - | - |"));
    }
    Ok(rows)
}
