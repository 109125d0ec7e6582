//! A PostgreSQL server that stops for 10 s in the middle of packing. The
//! test runs its own throw-away cluster (initdb into a temporary folder, a
//! free loopback port), never the shared test server, which other tests use.
//!
//! While the server is down a scan is refused with "the database is
//! unavailable" and is not in the ledger; the same store (no reopen) works
//! again once the server is back; the packer's scans sent again under their
//! ids are counted once. How long the refusal took is printed, not asserted
//! (speed goes to the benchmarks).

mod common;

use packbench_core::domain::scan::ScanResult;
use packbench_core::error::ErrorCode;
use packbench_core::ops::{self, Actor, Role};
use packbench_core::store::{DbTarget, Store};
use packbench_core::Error;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

const OUTAGE: Duration = Duration::from_secs(10);

/// A PostgreSQL cluster of the test's own, stopped and deleted on drop.
struct Cluster {
    bin: PathBuf,
    /// Tools run as `postgres` (we are root, and PostgreSQL refuses root).
    as_postgres: bool,
    data: PathBuf,
    port: u16,
    // Removed after the server is stopped (fields drop after `drop`).
    _dir: tempfile::TempDir,
}

/// Debian's newest server binaries, or `PB_PG_BIN` (as scripts/pg-test-server.sh).
fn server_bin() -> PathBuf {
    if let Ok(bin) = std::env::var("PB_PG_BIN") {
        return PathBuf::from(bin);
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|dir| {
            dir.filter_map(|e| e.ok())
                .filter_map(|e| {
                    let major = e.file_name().to_str()?.parse().ok()?;
                    Some((major, e.path().join("bin")))
                })
                .filter(|(_, bin)| bin.join("pg_ctl").exists())
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
        .pop()
        .map(|(_, bin)| bin)
        .expect("PostgreSQL's server binaries in /usr/lib/postgresql/N/bin (scripts/install-deps.sh installs them)")
}

fn running_as_root() -> bool {
    let out = Command::new("id").arg("-u").output().expect("`id -u` runs");
    String::from_utf8_lossy(&out.stdout).trim() == "0"
}

impl Cluster {
    /// Makes and starts a new cluster; its superuser `packbench` (trust on
    /// loopback) owns database `packbench`.
    fn start_new() -> Cluster {
        let bin = server_bin();
        let dir = tempfile::Builder::new()
            .prefix("packbench-outage-")
            .tempdir()
            .unwrap();
        let data = dir.path().join("data");
        let as_postgres = running_as_root();
        if as_postgres {
            // PostgreSQL refuses to run as root: the folder is the
            // `postgres` user's, who runs the server.
            let chown = Command::new("chown")
                .arg("postgres:")
                .arg(dir.path())
                .status()
                .unwrap();
            assert!(chown.success(), "the cluster's folder goes to postgres");
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free loopback port")
            .port();
        let cluster = Cluster {
            bin,
            as_postgres,
            data,
            port,
            _dir: dir,
        };
        let data = cluster.data.display().to_string();
        cluster.server_tool(
            "initdb",
            &[
                "-D",
                &data,
                "--auth=trust",
                "--username=packbench",
                "--encoding=UTF8",
                "--no-locale",
                "--no-sync",
            ],
        );
        // Durable commits (synchronous_commit stays on: an acknowledged
        // commit is in the WAL when the server stops); fsync off is safe
        // here, the machine does not lose power during the test.
        let conf = format!(
            "\nlisten_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{data}'\n\
             fsync = off\nmax_connections = 40\n"
        );
        cluster.server_tool(
            "sh",
            &[
                "-c",
                &format!("printf '%s' \"$0\" >> {data}/postgresql.conf"),
                &conf,
            ],
        );
        cluster.start();
        let created = Command::new(cluster.bin.join("createdb"))
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &port.to_string(),
                "-U",
                "packbench",
                "packbench",
            ])
            .output()
            .unwrap();
        assert!(
            created.status.success(),
            "createdb: {}",
            String::from_utf8_lossy(&created.stderr)
        );
        cluster
    }

    fn url(&self) -> String {
        format!("postgres://packbench@127.0.0.1:{}/packbench", self.port)
    }

    /// A server tool (a name in the bin folder, or `sh`) as the server's
    /// user. `pg_ctl start` leaves the server running: it must hold none of
    /// our pipes, so all output goes to the server's log file or nowhere.
    fn command(&self, tool: &str) -> Command {
        let program = if tool == "sh" {
            PathBuf::from("sh")
        } else {
            self.bin.join(tool)
        };
        let mut cmd = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(program);
            c
        } else {
            Command::new(program)
        };
        cmd.current_dir("/")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        cmd
    }

    fn server_tool(&self, tool: &str, args: &[&str]) {
        let out = self.command(tool).args(args).status().unwrap();
        if !out.success() {
            let log = std::fs::read_to_string(self.log()).unwrap_or_default();
            panic!("{tool} {args:?} failed ({out}); server log:\n{log}");
        }
    }

    fn log(&self) -> PathBuf {
        self.data.with_file_name("server.log")
    }

    fn pg_ctl(&self, args: &[&str]) {
        let data = self.data.display().to_string();
        let mut all = vec!["-D", &data, "-w", "-t", "60"];
        all.extend_from_slice(args);
        self.server_tool("pg_ctl", &all);
    }

    fn start(&self) {
        let log = self.log().display().to_string();
        self.pg_ctl(&["-l", &log, "start"]);
    }

    /// Stops the server as a crash would: no checkpoint, every connection
    /// cut at once.
    fn stop(&self) {
        self.pg_ctl(&["-m", "immediate", "stop"]);
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if self.data.join("postmaster.pid").exists() {
            // Best effort: a failed stop must not hide the test's failure.
            let data = self.data.display().to_string();
            let _ = self
                .command("pg_ctl")
                .args(["-D", &data, "-m", "immediate", "-w", "stop"])
                .status();
        }
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

/// Two packing stations at work on the demo warehouse: one big order each
/// (two lines of 50,000, more than the test scans, so every scan of a good
/// code counts one unit), claimed.
async fn warehouse(store: &Store) -> Vec<Station> {
    ops::load_demo_first_run(store, "office", 1)
        .await
        .expect("the demo loads");
    let admin = Actor::new("admin", "office", Role::Admin);
    let mut products = String::from("sku,name,weight_g,bin,barcodes,stock\n");
    for p in 1..=4 {
        products.push_str(&format!(
            "OUT-{p},Товар {p},300,A-0{p},{},200000\n",
            ean13(&format!("46000000020{p}"))
        ));
    }
    let summary = ops::import_products(store, &admin, products.as_bytes())
        .await
        .unwrap();
    assert_eq!(summary.imported, 4, "{summary:?}");
    let mut orders = String::from(
        "number,channel,customer_name,email,phone,shipping_address,delivery_method,delivery_cost,currency,payment_status,comment,sku,item_name,quantity,unit_price,discount,tax_rate\n",
    );
    let mut stations = Vec::new();
    for s in 1..=2 {
        let number = format!("O-{s}");
        let mut codes = Vec::new();
        for p in [2 * s - 1, 2 * s] {
            orders.push_str(&format!(
                "{number},phone,Покупатель {s},o{s}@example.ru,+7 900 000-00-0{s},\"Казань, ул. Садовая, {s}\",СДЭК,300.00,RUB,paid,,OUT-{p},Товар {p},50000,10.00,0,20\n"
            ));
            codes.push(ean13(&format!("46000000020{p}")));
        }
        stations.push(Station {
            actor: Actor::new(
                format!("packer-{s}"),
                format!("Стол-outage-{s}"),
                Role::Packer,
            ),
            number,
            codes,
        });
    }
    let summary = ops::import_orders(
        store,
        &admin,
        orders.as_bytes(),
        packbench_core::exchange::OrderFormat::Packbench,
    )
    .await
    .unwrap();
    assert_eq!(summary.imported, 2, "{summary:?}");
    for s in &stations {
        ops::confirm_order(store, &admin, &s.number).await.unwrap();
        ops::claim_order(store, &s.actor, &s.number).await.unwrap();
    }
    stations
}

/// A packer at a station, and the order on its table.
#[derive(Clone)]
struct Station {
    actor: Actor,
    number: String,
    codes: Vec<String>,
}

/// One scan as the station sent it and what it got back.
struct Attempt {
    id: String,
    code: String,
    started: Instant,
    took: Duration,
    result: Result<ScanResult, Error>,
}

/// When the server went away and came back.
#[derive(Default, Clone, Copy)]
struct Window {
    /// `pg_ctl stop` returned: from here on nothing answers.
    down: Option<Instant>,
    /// `pg_ctl start` was run.
    starting: Option<Instant>,
    /// `pg_ctl start` returned: the server accepts connections.
    up: Option<Instant>,
}

/// Scans until 20 scans made after the server's return are accepted. With
/// `outage`, the 30th scan stops the server. `pause` between scans: a
/// packer's pace, or none (a scan always in flight, so the stop cuts one
/// off in the middle).
async fn pack_through(
    store: Store,
    station: Station,
    window: Arc<Mutex<Window>>,
    pause: Duration,
    mut outage: Option<mpsc::Sender<()>>,
) -> Vec<Attempt> {
    let mut attempts = Vec::new();
    let mut accepted_after_up = 0;
    for i in 0.. {
        let id = format!("{}-{i}", station.number);
        let code = station.codes[i % station.codes.len()].clone();
        let started = Instant::now();
        let result = ops::record_scan(&store, &station.actor, &station.number, &code, &id).await;
        let took = started.elapsed();
        if let Some(up) = window.lock().unwrap().up {
            accepted_after_up += usize::from(started > up && result.is_ok());
            assert!(
                up.elapsed() < Duration::from_secs(60),
                "the store did not reconnect by itself within 60 s of the server's return; last answer: {:?}",
                result.as_ref().err().map(ToString::to_string)
            );
        }
        attempts.push(Attempt {
            id,
            code,
            started,
            took,
            result,
        });
        if i == 30 {
            if let Some(outage) = outage.take() {
                outage.send(()).unwrap();
            }
        }
        if accepted_after_up >= 20 {
            return attempts;
        }
        if pause.is_zero() {
            tokio::task::yield_now().await;
        } else {
            tokio::time::sleep(pause).await;
        }
    }
    unreachable!()
}

async fn ledger_ids(store: &Store, station: &Station) -> HashSet<String> {
    sqlx::query_scalar::<_, String>("SELECT scan_id FROM scans WHERE station = $1")
        .bind(&station.actor.station)
        .fetch_all(store.pool())
        .await
        .unwrap()
        .into_iter()
        .collect()
}

fn millis(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_server_is_reported_unavailable_and_rejoined_by_itself() {
    if std::env::var("PACKBENCH_SKIP_PG").as_deref() == Ok("1") {
        eprintln!("outage: PostgreSQL SKIPPED by PACKBENCH_SKIP_PG=1");
        return;
    }
    let cluster = Arc::new(Cluster::start_new());
    let store = Store::open(&DbTarget::Postgres(cluster.url()))
        .await
        .expect("the test's own PostgreSQL server accepts the store");
    eprintln!("engine: {}", store.describe());
    let stations = warehouse(&store).await;

    // The server stops after the first packer's 30th scan, for OUTAGE,
    // while both go on scanning through the one store: the first at a
    // packer's pace, the second as fast as it can.
    let window = Arc::new(Mutex::new(Window::default()));
    let (go, stop_now) = mpsc::channel::<()>();
    let outage = {
        let (cluster, window) = (cluster.clone(), window.clone());
        std::thread::spawn(move || {
            stop_now.recv().expect("the packer starts the outage");
            cluster.stop();
            window.lock().unwrap().down = Some(Instant::now());
            std::thread::sleep(OUTAGE);
            window.lock().unwrap().starting = Some(Instant::now());
            cluster.start();
            window.lock().unwrap().up = Some(Instant::now());
        })
    };
    let paced = tokio::spawn(pack_through(
        store.clone(),
        stations[0].clone(),
        window.clone(),
        Duration::from_millis(50),
        Some(go),
    ));
    let fast = tokio::spawn(pack_through(
        store.clone(),
        stations[1].clone(),
        window.clone(),
        Duration::ZERO,
        None,
    ));
    let runs = [paced.await.unwrap(), fast.await.unwrap()];
    outage.join().expect("the outage thread ends");
    let w = *window.lock().unwrap();
    let (down, starting, up) = (w.down.unwrap(), w.starting.unwrap(), w.up.unwrap());

    for (station, attempts) in stations.iter().zip(&runs) {
        check_station(&store, station, attempts, down, starting, up).await;
    }
    store.close().await;
}

/// What one station saw through the outage, and its order afterwards.
async fn check_station(
    store: &Store,
    station: &Station,
    attempts: &[Attempt],
    down: Instant,
    starting: Instant,
    up: Instant,
) {
    let who = &station.actor.station;
    // Every failure says the database is unavailable: no raw storage error.
    for a in attempts {
        if let Err(e) = &a.result {
            assert_eq!(
                e.code(),
                ErrorCode::Unavailable,
                "{who}: scan {} failed with {e:?} instead of saying the database is unavailable",
                a.id
            );
            assert!(
                e.to_string().contains("database is unavailable"),
                "{who}: the packer reads that the database is unavailable: {e}"
            );
        }
    }
    // What the packer was told, and how often.
    let mut told: HashMap<String, usize> = HashMap::new();
    for a in attempts {
        if let Err(e) = &a.result {
            *told.entry(e.to_string()).or_default() += 1;
        }
    }
    eprintln!("outage, {who}: what the packer was told, how often: {told:?}");
    // Scans made while the server was down (sent after it stopped,
    // answered before it was started again).
    let while_down: Vec<&Attempt> = attempts
        .iter()
        .filter(|a| a.started >= down && a.started + a.took <= starting)
        .collect();
    assert!(
        while_down.len() >= 2,
        "{who}: the packer scanned several times during the outage ({} times)",
        while_down.len()
    );
    assert!(
        while_down.iter().all(|a| a.result.is_err()),
        "{who}: no scan is accepted while the server is down"
    );
    let mut took: Vec<Duration> = while_down.iter().map(|a| a.took).collect();
    took.sort();
    // Sent before the server was down, refused: cut off as it stopped.
    let cut_off: Vec<&Attempt> = attempts
        .iter()
        .filter(|a| a.started < down && a.result.is_err())
        .collect();
    let first_back = attempts
        .iter()
        .find(|a| a.started >= up && a.result.is_ok())
        .expect("a scan after the server's return is accepted");
    let refused_after_up = attempts
        .iter()
        .filter(|a| a.started >= up && a.result.is_err())
        .count();
    eprintln!(
        "outage, {who}: {} scans while the server was down, each refused as unavailable in {} (min) / {} (median) / {} (max); \
         {} cut off as it stopped ({}); after `pg_ctl start` returned, {refused_after_up} refused, \
         the first scan sent was accepted in {}",
        while_down.len(),
        millis(took[0]),
        millis(took[took.len() / 2]),
        millis(took[took.len() - 1]),
        cut_off.len(),
        cut_off
            .iter()
            .map(|a| format!("{} refused in {}", a.id, millis(a.took)))
            .collect::<Vec<_>>()
            .join("; "),
        millis(first_back.took),
    );

    // Nothing was kept that the station was told failed when it was sent
    // to a stopped server: the ledger does not have it. (A scan cut off in
    // the middle may have been recorded; its retry below shows which.)
    let recorded = ledger_ids(store, station).await;
    for a in &while_down {
        assert!(
            !recorded.contains(&a.id),
            "{who}: scan {} was refused while the server was down, yet it is in the ledger",
            a.id
        );
    }
    for a in attempts.iter().filter(|a| a.result.is_ok()) {
        assert!(
            recorded.contains(&a.id),
            "{who}: scan {} was accepted but is not in the ledger",
            a.id
        );
    }

    // The packer sends every refused scan again, same id and code, and a
    // few accepted ones whose answer might have been lost: each counts once.
    let first_answer: HashMap<&str, &ScanResult> = attempts
        .iter()
        .filter_map(|a| a.result.as_ref().ok().map(|r| (a.id.as_str(), r)))
        .collect();
    let resend: Vec<&Attempt> = attempts
        .iter()
        .filter(|a| a.result.is_err())
        .chain(attempts.iter().filter(|a| a.result.is_ok()).step_by(10))
        .collect();
    let mut cut_off_but_recorded = 0;
    for a in &resend {
        let again = ops::record_scan(store, &station.actor, &station.number, &a.code, &a.id)
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "{who}: scan {} sent again after the server's return: {e}",
                    a.id
                )
            });
        assert_eq!(
            again.duplicate,
            recorded.contains(&a.id),
            "{who}: scan {} sent again is a retry exactly when it had been recorded",
            a.id
        );
        cut_off_but_recorded += usize::from(a.result.is_err() && again.duplicate);
        assert!(again.outcome.is_accepted(), "{again:?}");
        if let Some(first) = first_answer.get(a.id.as_str()) {
            assert_eq!(
                again.outcome, first.outcome,
                "{who}: a retry gets the first verdict back"
            );
        }
    }
    let recorded = ledger_ids(store, station).await;
    let sent: HashSet<&str> = attempts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(
        recorded.len(),
        sent.len(),
        "{who}: every scan sent is in the ledger once, after the retries"
    );
    let detail = ops::order_detail(store, &station.number).await.unwrap();
    assert_eq!(
        detail.packed,
        sent.len() as i64,
        "{who}: each scan of a good code counts one unit, once: {} scans, {} units packed",
        sent.len(),
        detail.packed
    );
    let per_line: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT line_id, CAST(SUM(units) AS BIGINT) FROM scans \
         WHERE station = $1 AND line_id IS NOT NULL GROUP BY line_id",
    )
    .bind(who)
    .fetch_all(store.pool())
    .await
    .unwrap();
    for line in &detail.lines {
        let counted = per_line
            .iter()
            .find(|(id, _)| *id == line.id)
            .map_or(0, |(_, u)| *u);
        assert_eq!(
            line.packed, counted,
            "{who}: line {}: packed equals its ledger",
            line.sku
        );
    }
    eprintln!(
        "outage, {who}: {} scans sent, {} refused and sent again ({cut_off_but_recorded} of them \
         had been recorded before the connection broke off), {} units packed",
        sent.len(),
        attempts.iter().filter(|a| a.result.is_err()).count(),
        detail.packed
    );
}
