//! Opens a fresh store on each engine: a SQLite file in a temporary folder,
//! or a new database on the PostgreSQL test server (`PACKBENCH_TEST_PG_URL`,
//! started by `make test`).
#![allow(dead_code)]

pub mod cups;

use packbench_core::clock::FixedClock;
use packbench_core::ops::{Actor, Credential, Role};
use packbench_core::store::{create_database_if_missing, DbTarget, Store};
use std::sync::Arc;

pub struct TestDb {
    pub store: Store,
    pub target: DbTarget,
    // Keeps the SQLite folder alive for the test's duration.
    _dir: Option<tempfile::TempDir>,
}

pub fn pg_url() -> Option<String> {
    match std::env::var("PACKBENCH_TEST_PG_URL") {
        Ok(u) if !u.trim().is_empty() => Some(u),
        _ => {
            // A silently skipped engine would pass without testing anything:
            // skipping must be asked for by name.
            assert!(
                std::env::var("PACKBENCH_SKIP_PG").as_deref() == Ok("1"),
                "PACKBENCH_TEST_PG_URL is not set, so the PostgreSQL half of the suite cannot run; \
                 run `make test` (it starts a server), or set PACKBENCH_SKIP_PG=1 to skip it knowingly"
            );
            None
        }
    }
}

pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let target = DbTarget::SqliteFile(dir.path().join("packbench.db"));
    let store = Store::open(&target).await.expect("SQLite store opens");
    eprintln!("engine: {}", store.describe());
    TestDb {
        store,
        target,
        _dir: Some(dir),
    }
}

/// A new, empty database on the test server; None (test skipped, said so)
/// only when PACKBENCH_SKIP_PG=1.
pub async fn postgres() -> Option<TestDb> {
    let Some(url) = pg_url() else {
        eprintln!("engine: PostgreSQL SKIPPED by PACKBENCH_SKIP_PG=1");
        return None;
    };
    let admin = Store::open(&DbTarget::Postgres(url.clone()))
        .await
        .expect("the PostgreSQL test server accepts connections");
    let name = format!(
        "pbt_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    );
    create_database_if_missing(&admin, &name)
        .await
        .expect("test database created");
    admin.close().await;
    let (base, _) = url.rsplit_once('/').expect("URL with a database name");
    let target = DbTarget::Postgres(format!("{base}/{name}"));
    let store = Store::open(&target).await.expect("PostgreSQL store opens");
    eprintln!("engine: {}", store.describe());
    Some(TestDb {
        store,
        target,
        _dir: None,
    })
}

pub fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::at(
        chrono::DateTime::parse_from_rfc3339("2026-11-20T09:00:00Z")
            .unwrap()
            .to_utc(),
    ))
}

/// The shipping tests' warehouse: a mug (40 in A-02, barcode
/// 4006381333931) and a kettle (5 in B-10, 4601234567893); orders 2001 (2
/// mugs, a kettle), 2002 and 2003 (a mug each), confirmed.
pub async fn mugs_and_kettles(store: &Store) {
    let admin = Actor::new("admin", "office", Role::Admin);
    let products = "sku,name,weight_g,bin,barcodes,stock\n\
        PB-001,Кружка «Утро»,350,A-02,4006381333931,40\n\
        PB-002,Чайник 1.7 л,1200,B-10,4601234567893,5\n";
    let p = packbench_core::ops::import_products(store, &admin, products.as_bytes())
        .await
        .unwrap();
    assert_eq!(p.imported, 2, "{:?}", p.errors);
    let orders =
        "number,channel,customer_name,currency,payment_status,sku,item_name,quantity,unit_price\n\
        2001,phone,Иванова Мария,RUB,paid,PB-001,Кружка,2,450\n\
        2001,,,,,PB-002,Чайник,1,2500\n\
        2002,phone,Петров Пётр,RUB,paid,PB-001,Кружка,1,450\n\
        2003,phone,Сидорова Анна,RUB,paid,PB-001,Кружка,1,450\n";
    let o = packbench_core::ops::import_orders(
        store,
        &admin,
        orders.as_bytes(),
        packbench_core::exchange::OrderFormat::Packbench,
    )
    .await
    .unwrap();
    assert_eq!(o.imported, 3, "{:?}", o.errors);
    for number in ["2001", "2002", "2003"] {
        packbench_core::ops::confirm_order(store, &admin, number)
            .await
            .unwrap();
    }
}

pub fn packer(station: &str) -> Actor {
    Actor::new(format!("packer-{station}"), station, Role::Packer)
}

/// Print settings that print nothing: for tests about packing, not printing.
pub fn no_auto_print() -> packbench_core::documents::PrintSettings {
    packbench_core::documents::PrintSettings {
        auto_print: false,
        ..Default::default()
    }
}

/// Packs every unit of `number` at a station and ships it.
pub async fn pack_and_ship(store: &Store, number: &str, carrier: &str, tracking: &str) {
    pack(store, number).await;
    packbench_core::ops::ship_order(store, &packer("station-1"), number, carrier, tracking)
        .await
        .unwrap();
}

/// Packs every unit of `number` at station-1 and closes the box.
pub async fn pack(store: &Store, number: &str) {
    let station = packer("station-1");
    packbench_core::ops::claim_order(store, &station, number)
        .await
        .unwrap();
    let detail = packbench_core::ops::order_detail(store, number)
        .await
        .unwrap();
    for line in &detail.lines {
        let product = packbench_core::ops::product_by_sku(store, &line.sku)
            .await
            .unwrap();
        let code = product
            .barcodes
            .iter()
            .find(|b| b.units == 1)
            .expect("every demo product has a unit barcode")
            .code
            .clone();
        for unit in 0..line.quantity {
            let scan_id = format!("doc-{number}-{}-{unit}", line.id);
            let result = packbench_core::ops::record_scan(store, &station, number, &code, &scan_id)
                .await
                .unwrap();
            assert!(result.outcome.is_accepted(), "{result:?}");
        }
    }
    finish(store, &station, number, None).await.unwrap();
}

/// Closes the box with nothing printed; the order's detail, or why not.
pub async fn finish(
    store: &Store,
    actor: &Actor,
    number: &str,
    short_reason: Option<&str>,
) -> packbench_core::Result<packbench_core::ops::OrderDetail> {
    finish_approved(store, actor, number, short_reason, None).await
}

/// As [`finish`], with a supervisor's approval given at the station.
pub async fn finish_approved(
    store: &Store,
    actor: &Actor,
    number: &str,
    short_reason: Option<&str>,
    approval: Option<&Credential>,
) -> packbench_core::Result<packbench_core::ops::OrderDetail> {
    let (packed, _nothing_to_print) = packbench_core::ops::finish_packing(
        store,
        actor,
        number,
        short_reason,
        &no_auto_print(),
        approval,
    )
    .await?;
    Ok(packed.order)
}

/// A supervisor, Светлана (PIN 2468), made by an admin if the database has
/// no such user yet; her credential as she gives it at a station.
pub async fn approver(store: &Store) -> Credential {
    let admin = Actor::new("admin", "office", Role::Admin);
    let users = packbench_core::ops::list_users(store, &admin)
        .await
        .unwrap();
    if !users.iter().any(|u| u.login == "svetlana") {
        packbench_core::ops::save_user(
            store,
            &admin,
            &packbench_core::ops::UserInput {
                login: "svetlana".into(),
                name: "Светлана".into(),
                roles: vec![Role::Supervisor],
                channels: Vec::new(),
                active: true,
                secret: Some("2468".into()),
                badge: Some("BADGE-SVETLANA".into()),
            },
        )
        .await
        .unwrap();
    }
    Credential::Secret {
        login: "svetlana".into(),
        secret: "2468".into(),
    }
}

/// The demo's supervisor approving at the station with her PIN.
pub fn maria_approves() -> packbench_core::ops::Credential {
    packbench_core::ops::Credential::Secret {
        login: "maria".into(),
        secret: "2222".into(),
    }
}

pub fn supervisor() -> Actor {
    Actor::new("olga", "office", Role::Supervisor)
}

/// Runs the body once on SQLite and once on PostgreSQL; the test names end
/// in `::sqlite` and `::postgres`, so the output says which engine ran.
#[macro_export]
macro_rules! on_both_engines {
    ($name:ident, |$db:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn run($db: $crate::common::TestDb) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                run($crate::common::sqlite().await).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(db) = $crate::common::postgres().await {
                    run(db).await;
                }
            }
        }
    };
}

/// The `packbench-cli` binary built beside the test binaries (`cargo test
/// --workspace` builds it).
pub fn cli_binary() -> std::path::PathBuf {
    let exe = std::env::current_exe().unwrap();
    let bin = exe
        .parent()
        .and_then(std::path::Path::parent)
        .map(|dir| dir.join("packbench-cli"))
        .unwrap();
    assert!(
        bin.exists(),
        "{} is missing: build it (`cargo build -p packbench-cli`, which `cargo test --workspace` does)",
        bin.display()
    );
    bin
}

/// Runs `packbench-cli --db DB --station STATION ARGS` as the demo's
/// supervisor (olga, PIN 1111) in a Russian locale, with `stdin` on its
/// standard input: (exit code, stdout, stderr). Its station settings are
/// the defaults (a settings file beside the database that does not exist),
/// never those of the person running the tests.
#[allow(dead_code)]
pub fn cli_run(
    db: &std::path::Path,
    station: &str,
    args: &[&str],
    stdin: &str,
) -> (i32, String, String) {
    use std::io::Write;
    let mut child = std::process::Command::new(cli_binary())
        .arg("--db")
        .arg(db)
        .args(["--station", station])
        .env("PACKBENCH_USER", "olga")
        .env("PACKBENCH_PIN", "1111")
        .env("LANG", "ru_RU.UTF-8")
        .env("PACKBENCH_CONFIG", db.with_extension("station.json"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the CLI runs");
    child
        .stdin
        .take()
        .expect("a piped stdin")
        .write_all(stdin.as_bytes())
        .expect("the CLI reads its input");
    let out = child.wait_with_output().expect("the CLI ends");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

/// The JSON a command printed (one document, or the last of one per line).
#[allow(dead_code)]
pub fn cli_json(out: &str) -> serde_json::Value {
    serde_json::from_str(out)
        .or_else(|_| serde_json::from_str(out.lines().last().unwrap_or_default()))
        .unwrap_or_else(|e| panic!("not JSON ({e}): {out}"))
}
