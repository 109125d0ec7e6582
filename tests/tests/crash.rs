//! Nothing acknowledged is lost: the CLI is killed with SIGKILL at random
//! moments in the middle of a storm of scans, on SQLite and PostgreSQL.
//! After every kill the database is opened again and must hold every scan
//! the CLI acknowledged (printed), once; scans sent again under their ids,
//! as a packer's station retries them, are counted once; and each order's
//! packed counts are the sums of its ledger.
//!
//! `PACKBENCH_CRASH_KILLS` sets the number of kills per engine (default 50),
//! `PACKBENCH_CRASH_SEED` replays a run (the seed is printed, and named in
//! every failure).

mod common;

use common::TestDb;
use packbench_core::ops::{self, Actor, Role};
use packbench_core::store::{DbTarget, Store};
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const STATION: &str = "Стол-crash";
const LOGIN: &str = "anna";
const PIN: &str = "1357";
/// Scans in one CLI run; the kill comes somewhere inside it.
const STORM: usize = 300;
/// Units ordered per line: more than every storm together, so no scan is an
/// over-scan and every good code counts.
const ORDERED: i64 = 50_000;

/// A small seeded generator (splitmix64): the same seed, the same kills.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in 0..n (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// An EAN-13 with its check digit, from 12 digits.
fn ean13(first12: &str) -> String {
    let sum: u32 = first12
        .bytes()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 1 } else { 3 })
        .sum();
    format!("{first12}{}", (10 - sum % 10) % 10)
}

/// One order of the storm: its number and the unit barcodes of its lines.
struct StormOrder {
    number: String,
    codes: Vec<String>,
}

/// Products, three orders of two lines each (confirmed, claimed at the
/// station) and a packer who signs in at the CLI with a PIN.
async fn warehouse(store: &Store) -> Vec<StormOrder> {
    let admin = Actor::new("admin", "office", Role::Admin);
    ops::save_user(
        store,
        &admin,
        &ops::UserInput {
            login: LOGIN.into(),
            name: "Анна".into(),
            roles: vec![Role::Packer],
            channels: Vec::new(),
            active: true,
            secret: Some(PIN.into()),
            badge: None,
        },
    )
    .await
    .unwrap();
    let mut products = String::from("sku,name,weight_g,bin,barcodes,stock\n");
    for p in 1..=6 {
        products.push_str(&format!(
            "CR-{p},Товар {p},100,A-0{p},{},{}\n",
            ean13(&format!("46000000100{p}")),
            ORDERED * 2
        ));
    }
    let summary = ops::import_products(store, &admin, products.as_bytes())
        .await
        .unwrap();
    assert_eq!(summary.imported, 6, "six products imported: {summary:?}");
    let mut orders = String::from(
        "number,channel,customer_name,email,phone,shipping_address,delivery_method,delivery_cost,currency,payment_status,comment,sku,item_name,quantity,unit_price,discount,tax_rate\n",
    );
    let mut storm_orders = Vec::new();
    for o in 1..=3 {
        let number = format!("C-{o}");
        let mut codes = Vec::new();
        for p in [2 * o - 1, 2 * o] {
            orders.push_str(&format!(
                "{number},phone,Покупатель {o},c{o}@example.ru,+7 900 000-00-0{o},\"Казань, ул. Садовая, {o}\",СДЭК,300.00,RUB,paid,,CR-{p},Товар {p},{ORDERED},10.00,0,20\n"
            ));
            codes.push(ean13(&format!("46000000100{p}")));
        }
        storm_orders.push(StormOrder { number, codes });
    }
    let summary = ops::import_orders(
        store,
        &admin,
        orders.as_bytes(),
        packbench_core::exchange::OrderFormat::Packbench,
    )
    .await
    .unwrap();
    assert_eq!(summary.imported, 3, "three orders imported: {summary:?}");
    let packer = Actor::new(LOGIN, STATION, Role::Packer);
    for o in &storm_orders {
        ops::confirm_order(store, &admin, &o.number).await.unwrap();
        ops::claim_order(store, &packer, &o.number).await.unwrap();
    }
    storm_orders
}

/// The `--db` argument the CLI is given for the test's database.
fn db_arg(target: &DbTarget) -> String {
    match target {
        DbTarget::SqliteFile(path) => path.display().to_string(),
        DbTarget::Postgres(url) => url.clone(),
    }
}

/// What the CLI printed for one scan.
#[derive(Debug, Clone)]
struct Ack {
    scan_id: String,
    duplicate: bool,
    outcome: String,
    units: i64,
}

fn ack(line: &str) -> Ack {
    let v: serde_json::Value = serde_json::from_str(line)
        .unwrap_or_else(|e| panic!("the CLI printed a line that is not JSON ({e}): {line}"));
    Ack {
        scan_id: v["scan_id"].as_str().expect("an ack names its scan").into(),
        duplicate: v["duplicate"].as_bool().expect("an ack says duplicate"),
        outcome: v["outcome"].as_str().expect("an ack has an outcome").into(),
        units: if v["outcome"] == "accepted" {
            v["units"].as_i64().expect("an accepted scan has units")
        } else {
            0
        },
    }
}

/// How one CLI run ended.
struct Run {
    acks: Vec<Ack>,
    /// It was sent SIGKILL (it had not ended by itself).
    killed: bool,
    /// It was killed before it answered every scan.
    killed_mid_storm: bool,
    stderr: String,
    status: std::process::ExitStatus,
}

/// When to kill a run.
#[derive(Clone, Copy, Debug)]
enum Kill {
    /// After this many acknowledgements, then a pause of this many µs.
    AfterAcks(usize, u64),
    /// This many ms after the start, whatever it is doing (opening the
    /// database, signing in, scanning).
    AfterMs(u64),
    /// Let it finish.
    Never,
}

/// Runs `pack scan` for `order` with `storm` (scan id, code) and kills it
/// as `kill` says. Blocking: run it off the async workers.
fn run_storm(
    db: &str,
    config: &std::path::Path,
    order: &str,
    storm: &[(String, String)],
    kill: Kill,
) -> Run {
    let mut cmd = Command::new(common::cli_binary());
    cmd.arg("--db")
        .arg(db)
        .args(["--station", STATION, "pack", "scan"])
        .env("PACKBENCH_USER", LOGIN)
        .env("PACKBENCH_PIN", PIN)
        .env_remove("PACKBENCH_TOKEN")
        .env_remove("PACKBENCH_DATABASE_URL")
        .env("PACKBENCH_CONFIG", config)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (id, _) in storm {
        cmd.args(["--scan-id", id]);
    }
    cmd.arg(order);
    for (_, code) in storm {
        cmd.arg(code);
    }
    let mut child = cmd.spawn().expect("the CLI starts");
    let started = Instant::now();
    let stdout = child.stdout.take().expect("a piped stdout");
    let mut stderr = child.stderr.take().expect("a piped stderr");
    let (tx, rx) = mpsc::channel::<Ack>();
    let reader = std::thread::spawn(move || {
        let mut all = Vec::new();
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            let a = ack(&line);
            let _ = tx.send(a.clone());
            all.push(a);
        }
        all
    });
    let errors = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let mut killed = false;
    let wait_for = |n: usize| {
        let mut seen = 0;
        while seen < n {
            match rx.recv_timeout(Duration::from_secs(60)) {
                Ok(_) => seen += 1,
                // The run ended (all done, or failed) before n acks.
                Err(mpsc::RecvTimeoutError::Disconnected) => return false,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    panic!("the CLI acknowledged {seen} scans and then nothing for a minute")
                }
            }
        }
        true
    };
    let kill_now = match kill {
        Kill::AfterAcks(n, pause_us) => {
            let reached = wait_for(n);
            std::thread::sleep(Duration::from_micros(pause_us));
            reached
        }
        Kill::AfterMs(ms) => {
            std::thread::sleep(Duration::from_millis(ms).saturating_sub(started.elapsed()));
            true
        }
        Kill::Never => false,
    };
    if kill_now && child.try_wait().expect("the CLI's state").is_none() {
        // std's kill is SIGKILL: no destructor, no flush, no rollback runs.
        child.kill().expect("SIGKILL");
        killed = true;
    }
    let status = child.wait().expect("the CLI ends");
    // Every line the CLI wrote before it died is in the pipe: read them all.
    let acks = reader.join().expect("the reader ends");
    let stderr = errors.join().expect("the stderr reader ends");
    Run {
        killed,
        killed_mid_storm: killed && acks.len() < storm.len(),
        acks,
        stderr,
        status,
    }
}

/// One ledger row as the database holds it.
#[derive(sqlx::FromRow)]
struct LedgerRow {
    scan_id: String,
    order_id: Option<i64>,
    line_id: Option<i64>,
    units: i64,
    outcome: String,
}

/// The station's scan ledger, by scan id; a scan id twice fails the test.
async fn ledger(store: &Store) -> HashMap<String, LedgerRow> {
    let rows: Vec<LedgerRow> = sqlx::query_as(
        "SELECT scan_id, order_id, line_id, units, outcome FROM scans WHERE station = $1",
    )
    .bind(STATION)
    .fetch_all(store.pool())
    .await
    .unwrap();
    let mut ledger = HashMap::new();
    for row in rows {
        assert!(
            row.order_id.is_some(),
            "packing scans are made against an order"
        );
        let id = row.scan_id.clone();
        assert!(
            ledger.insert(id.clone(), row).is_none(),
            "scan {id} is in the ledger twice"
        );
    }
    ledger
}

/// The order's packed count per line equals what its ledger counted.
async fn packed_matches_ledger(
    store: &Store,
    order: &str,
    ledger: &HashMap<String, LedgerRow>,
    seed: u64,
) {
    let detail = ops::order_detail(store, order).await.unwrap();
    let mut counted: HashMap<i64, i64> = HashMap::new();
    for row in ledger
        .values()
        .filter(|r| r.order_id == Some(detail.head.id))
    {
        if let Some(line) = row.line_id {
            *counted.entry(line).or_default() += row.units;
        }
    }
    for line in &detail.lines {
        assert_eq!(
            line.packed,
            counted.get(&line.id).copied().unwrap_or(0),
            "seed {seed}: order {order} line {} shows {} packed, its ledger counts {}",
            line.sku,
            line.packed,
            counted.get(&line.id).copied().unwrap_or(0)
        );
    }
}

async fn kills_lose_nothing(db: TestDb) {
    let kills: usize = std::env::var("PACKBENCH_CRASH_KILLS")
        .ok()
        .map(|k| k.parse().expect("PACKBENCH_CRASH_KILLS is a number"))
        .unwrap_or(50);
    let seed: u64 = std::env::var("PACKBENCH_CRASH_SEED")
        .ok()
        .map(|s| s.parse().expect("PACKBENCH_CRASH_SEED is a number"))
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    eprintln!("crash: seed {seed} (PACKBENCH_CRASH_SEED={seed} replays it), {kills} kills");
    let mut rng = Rng(seed);
    let orders = warehouse(&db.store).await;
    let db_arg = db_arg(&db.target);
    let config_dir = tempfile::tempdir().unwrap();
    let config = config_dir.path().join("station.json");
    let unknown_code = ean13("460999999999");

    // Per order: ids acknowledged (with their ack), and ids sent whose
    // answer never came (in flight when the CLI died).
    let mut acked: Vec<HashMap<String, Ack>> = vec![HashMap::new(); orders.len()];
    let mut unanswered: Vec<Vec<String>> = vec![Vec::new(); orders.len()];
    // Every scan id sent so far, with its code.
    let mut ever_sent: HashMap<String, String> = HashMap::new();
    let (mut mid_storm, mut scans_sent, mut scans_acked, mut retries) = (0, 0, 0, 0);
    // Kills before the first answer, and kills that caught a scan between
    // its commit and its answer (recorded, not acknowledged).
    let (mut before_first, mut between_commit_and_answer) = (0, 0);
    let mut sigkills = 0;
    let started = Instant::now();

    for round in 0..=kills {
        let last = round == kills;
        let o = rng.below(orders.len() as u64) as usize;
        let order = &orders[o];
        // A retrying station sends again what got no answer, and (a lost
        // answer looks the same to it) some that did.
        let mut resend: Vec<String> = std::mem::take(&mut unanswered[o]);
        let mut acked_ids: Vec<&String> = acked[o].keys().collect();
        acked_ids.sort();
        for _ in 0..3.min(acked_ids.len()) {
            resend.push(acked_ids[rng.below(acked_ids.len() as u64) as usize].clone());
        }
        // Sent again with the code it had the first time.
        let mut storm: Vec<(String, String)> = resend
            .into_iter()
            .map(|id| {
                let code = ever_sent[&id].clone();
                (id, code)
            })
            .collect();
        let retried = storm.len();
        for j in 0..STORM {
            let code = if rng.below(20) == 0 {
                unknown_code.clone()
            } else {
                order.codes[rng.below(order.codes.len() as u64) as usize].clone()
            };
            storm.push((format!("r{round}-{j}"), code));
        }
        let kill = if last {
            Kill::Never
        } else if rng.below(10) == 0 {
            Kill::AfterMs(rng.below(150))
        } else {
            Kill::AfterAcks(rng.below(storm.len() as u64) as usize, rng.below(2_000))
        };
        let before = ledger(&db.store).await;
        let run = {
            let (db_arg, config, number, storm) = (
                db_arg.clone(),
                config.clone(),
                order.number.clone(),
                storm.clone(),
            );
            tokio::task::spawn_blocking(move || run_storm(&db_arg, &config, &number, &storm, kill))
                .await
                .unwrap()
        };
        let context = format!(
            "seed {seed}, round {round}, order {}, kill {kill:?}, {} acks of {} scans, exit {:?}, stderr: {}",
            order.number,
            run.acks.len(),
            storm.len(),
            run.status,
            run.stderr.trim()
        );
        if !run.killed {
            // Not killed: it ended by itself, 0 or 1 (a refused scan),
            // having answered every scan.
            assert!(
                matches!(run.status.code(), Some(0 | 1)) && run.acks.len() == storm.len(),
                "a run that was not killed answers every scan: {context}"
            );
        }
        mid_storm += usize::from(run.killed_mid_storm);
        sigkills += usize::from(run.killed);
        scans_sent += storm.len();
        scans_acked += run.acks.len();
        retries += retried;

        // Reopen, as the station does after the crash.
        let store = Store::open(&db.target)
            .await
            .unwrap_or_else(|e| panic!("the database opens again after the kill ({e}): {context}"));
        let after = ledger(&store).await;
        for (i, a) in run.acks.iter().enumerate() {
            assert_eq!(
                a.scan_id, storm[i].0,
                "the CLI answers the scans in the order they were sent: {context}"
            );
            let row = after.get(&a.scan_id).unwrap_or_else(|| {
                panic!(
                    "scan {} was acknowledged but is not in the ledger: {context}",
                    a.scan_id
                )
            });
            assert_eq!(
                (row.outcome.as_str(), row.units),
                (a.outcome.as_str(), a.units),
                "scan {}: the ledger keeps what the CLI acknowledged: {context}",
                a.scan_id
            );
            assert_eq!(
                a.duplicate,
                before.contains_key(&a.scan_id),
                "scan {} is a retry exactly when it was recorded before: {context}",
                a.scan_id
            );
            if let Some(first) = acked[o].get(&a.scan_id) {
                assert_eq!(
                    (a.outcome.as_str(), a.units),
                    (first.outcome.as_str(), first.units),
                    "a retried scan {} gets its first answer back: {context}",
                    a.scan_id
                );
            }
        }
        // The CLI prints each scan as soon as it is committed, so at most
        // the one in flight is recorded without an answer, and nothing the
        // run had not reached is.
        let answered = run.acks.len();
        for (id, _) in storm.iter().skip(answered + 1) {
            assert!(
                ever_sent.contains_key(id) || !after.contains_key(id),
                "scan {id} was never reached but is in the ledger: {context}"
            );
        }
        let this_run: HashSet<&String> = storm.iter().map(|(id, _)| id).collect();
        for id in after.keys() {
            assert!(
                ever_sent.contains_key(id) || this_run.contains(id),
                "the ledger holds a scan {id} that was never sent: {context}"
            );
        }
        for id in before.keys() {
            assert!(
                after.contains_key(id),
                "scan {id} was in the ledger before the run and is gone: {context}"
            );
        }
        if run.killed_mid_storm {
            let (id, _) = &storm[answered];
            before_first += usize::from(answered == 0);
            between_commit_and_answer +=
                usize::from(!before.contains_key(id) && after.contains_key(id));
            // Still owed an answer: the scan in flight, and retries of
            // unanswered scans the run did not reach.
            for (j, (id, _)) in storm.iter().enumerate().skip(answered) {
                if j == answered || (j < retried && !acked[o].contains_key(id)) {
                    unanswered[o].push(id.clone());
                }
            }
        }
        for a in run.acks {
            acked[o].entry(a.scan_id.clone()).or_insert(a);
        }
        ever_sent.extend(storm);
        for order in &orders {
            packed_matches_ledger(&store, &order.number, &after, seed).await;
        }
        store.close().await;
    }

    // Every order's unanswered scans, sent again to the end: each is in the
    // ledger once, and the counts still match.
    for (o, order) in orders.iter().enumerate() {
        let resend: Vec<(String, String)> = std::mem::take(&mut unanswered[o])
            .into_iter()
            .map(|id| {
                let code = ever_sent[&id].clone();
                (id, code)
            })
            .collect();
        if resend.is_empty() {
            continue;
        }
        let before = ledger(&db.store).await;
        let run = {
            let (db_arg, config, number, storm) = (
                db_arg.clone(),
                config.clone(),
                order.number.clone(),
                resend.clone(),
            );
            tokio::task::spawn_blocking(move || {
                run_storm(&db_arg, &config, &number, &storm, Kill::Never)
            })
            .await
            .unwrap()
        };
        assert_eq!(
            run.acks.len(),
            resend.len(),
            "seed {seed}: the retry of order {}'s unanswered scans runs to the end: {}",
            order.number,
            run.stderr
        );
        retries += resend.len();
        for a in &run.acks {
            assert_eq!(
                a.duplicate,
                before.contains_key(&a.scan_id),
                "seed {seed}: scan {} is a retry exactly when it was recorded before",
                a.scan_id
            );
        }
    }
    let store = Store::open(&db.target).await.unwrap();
    let last = ledger(&store).await;
    for order in &orders {
        packed_matches_ledger(&store, &order.number, &last, seed).await;
    }
    for (o, ids) in acked.iter().enumerate() {
        for id in ids.keys() {
            assert!(
                last.contains_key(id),
                "seed {seed}: order {}'s acknowledged scan {id} is in the ledger at the end",
                orders[o].number
            );
        }
    }
    store.close().await;
    eprintln!(
        "crash: {}: {kills} rounds, {sigkills} SIGKILLs, {mid_storm} of them mid-storm \
         ({before_first} before the first answer, {between_commit_and_answer} between a commit and its answer); {scans_sent} scans sent, \
         {scans_acked} acknowledged, {retries} sent again, {} in the ledger; {:.1} s",
        db.store.engine().name(),
        last.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(
        mid_storm * 2 >= kills,
        "seed {seed}: at least half the kills land mid-storm ({mid_storm} of {kills}), or the test tests little"
    );
}

on_both_engines!(a_cli_killed_mid_storm_loses_no_acknowledged_scan, |db| {
    kills_lose_nothing(db).await;
});
