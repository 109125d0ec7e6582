//! The command-line tool as a user runs it: a real binary, a real database
//! file or server, exit codes and printed output.

use packbench_core::store::{create_database_if_missing, DbTarget, Store};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_packbench-cli");

fn fixture(name: &str) -> String {
    format!("{}/../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Runs the CLI as the demo's admin Ольга (the first run's commands need
/// no one; the rest sign in).
fn cli(db: &str, args: &[&str]) -> Output {
    cli_as(db, Some(("olga", "1111")), args)
}

/// Runs the CLI signed in as `who` (login, PIN), or with no credentials.
fn cli_as(db: &str, who: Option<(&str, &str)>, args: &[&str]) -> Output {
    let mut command = Command::new(BIN);
    command
        .env_remove("PACKBENCH_USER")
        .env_remove("PACKBENCH_PIN")
        .env_remove("PACKBENCH_TOKEN");
    if let Some((login, pin)) = who {
        command
            .env("PACKBENCH_USER", login)
            .env("PACKBENCH_PIN", pin);
    }
    command
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("PACKBENCH_DATABASE_URL")
        // The station's settings (print settings for `pack finish`): a file
        // of the test's own that does not exist, so the defaults apply and
        // this machine's own station.json is never read.
        .env("PACKBENCH_CONFIG", format!("{db}.station.json"))
        .output()
        .expect("packbench-cli runs")
}

/// Makes Ольга (PIN 1111) the administrator of a new database.
fn first_admin(db: &str) {
    let out = cli(
        db,
        &["users", "first-admin", "--login", "olga", "--name", "Ольга"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn scans(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per scan line"))
        .collect()
}

fn sqlite_db(dir: &Path) -> String {
    dir.join("pb.db").display().to_string()
}

/// A new database on the PostgreSQL test server, or None when skipping was
/// asked for by name (PACKBENCH_SKIP_PG=1).
fn postgres_db() -> Option<String> {
    let url = match std::env::var("PACKBENCH_TEST_PG_URL") {
        Ok(u) if !u.is_empty() => u,
        _ => {
            assert_eq!(
                std::env::var("PACKBENCH_SKIP_PG").as_deref(),
                Ok("1"),
                "PACKBENCH_TEST_PG_URL is not set; run `make test` or set PACKBENCH_SKIP_PG=1"
            );
            eprintln!("engine: PostgreSQL SKIPPED by PACKBENCH_SKIP_PG=1");
            return None;
        }
    };
    let name = format!(
        "pbcli_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let admin = Store::open(&DbTarget::Postgres(url.clone()))
            .await
            .expect("test server up");
        create_database_if_missing(&admin, &name).await.unwrap();
        admin.close().await;
    });
    let (base, _) = url.rsplit_once('/').unwrap();
    Some(format!("{base}/{name}"))
}

/// Barcodes (units 1) for every unit of an order, in line order.
fn unit_codes(db: &str, number: &str) -> Vec<String> {
    let order = json(&cli(db, &["--json", "orders", "show", number]));
    let mut codes = Vec::new();
    for line in order["lines"].as_array().unwrap() {
        let sku = line["sku"].as_str().unwrap();
        let product = json(&cli(db, &["--json", "products", "show", sku]));
        let code = product["barcodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["units"] == 1)
            .expect("every demo product has a unit barcode")["code"]
            .as_str()
            .unwrap()
            .to_string();
        for _ in 0..line["quantity"].as_i64().unwrap() {
            codes.push(code.clone());
        }
    }
    codes
}

fn packed_counts(db: &str, number: &str) -> Vec<i64> {
    json(&cli(db, &["--json", "orders", "show", number]))["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["packed"].as_i64().unwrap())
        .collect()
}

#[test]
fn a_demo_order_is_claimed_scanned_and_finished_to_ready() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite_db(dir.path());
    let init = cli(&db, &["init", "--demo"]);
    assert!(
        init.status.success(),
        "init --demo: {}",
        String::from_utf8_lossy(&init.stderr)
    );
    let claim = cli(&db, &["pack", "claim", "1001", "--station", "S1"]);
    assert!(
        claim.status.success(),
        "{}",
        String::from_utf8_lossy(&claim.stderr)
    );

    // A product that is not in the order, found by the demo's SKU list.
    let order = json(&cli(&db, &["--json", "orders", "show", "1001"]));
    let in_order: Vec<&str> = order["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["sku"].as_str().unwrap())
        .collect();
    let stranger_sku = (1..=200)
        .map(|i| format!("PB-{i:04}"))
        .find(|s| !in_order.contains(&s.as_str()))
        .unwrap();
    let stranger = json(&cli(&db, &["--json", "products", "show", &stranger_sku]))["barcodes"][0]
        ["code"]
        .as_str()
        .unwrap()
        .to_string();
    let codes = unit_codes(&db, "1001");
    let first = codes[0].clone();
    let mut bad_check = first.clone();
    let last = bad_check.pop().unwrap();
    bad_check.push(if last == '9' {
        '0'
    } else {
        (last as u8 + 1) as char
    });

    let refused = cli(
        &db,
        &[
            "pack",
            "scan",
            "1001",
            "--station",
            "S1",
            &stranger,
            "2000000000008",
            &bad_check,
        ],
    );
    assert_eq!(refused.status.code(), Some(1), "refused scans exit 1");
    let outcomes: Vec<String> = scans(&refused)
        .iter()
        .map(|s| s["outcome"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        outcomes,
        ["wrong_item", "unknown_barcode", "invalid_barcode"]
    );
    assert!(
        packed_counts(&db, "1001").iter().all(|p| *p == 0),
        "refused scans pack nothing"
    );

    let ok = cli(
        &db,
        &["pack", "scan", "1001", "--station", "S1"]
            .into_iter()
            .chain(codes.iter().map(String::as_str))
            .collect::<Vec<_>>(),
    );
    assert!(
        ok.status.success(),
        "every right item is accepted: {}",
        String::from_utf8_lossy(&ok.stdout)
    );
    let results = scans(&ok);
    assert!(results.iter().all(|s| s["outcome"] == "accepted"));
    assert_eq!(
        results.last().unwrap()["order_complete"],
        true,
        "the last scan completes the order"
    );

    let before_extra = packed_counts(&db, "1001");
    let extra = cli(&db, &["pack", "scan", "1001", "--station", "S1", &first]);
    assert_eq!(extra.status.code(), Some(1));
    assert_eq!(
        scans(&extra)[0]["outcome"],
        "over_scan",
        "an extra item is refused"
    );
    assert_eq!(
        packed_counts(&db, "1001"),
        before_extra,
        "and changes nothing"
    );

    let finish = cli(
        &db,
        &["--json", "pack", "finish", "1001", "--station", "S1"],
    );
    assert!(
        finish.status.success(),
        "{}",
        String::from_utf8_lossy(&finish.stdout)
    );
    let finished = json(&finish);
    assert_eq!(
        finished["order"]["status"], "ready",
        "the finished order is ready"
    );
    // As in the app, finishing queues the invoice and the label; with no
    // printer chosen in the station settings they wait in the queue.
    let jobs: Vec<(&str, &str)> = finished["print_jobs"]
        .as_array()
        .expect("the print jobs are listed")
        .iter()
        .map(|j| (j["kind"].as_str().unwrap(), j["status"].as_str().unwrap()))
        .collect();
    assert_eq!(jobs, [("invoice", "queued"), ("label", "queued")]);

    // Opening the packed order again goes to the hand-over; it stays ready.
    let opened = json(&cli(
        &db,
        &["--json", "pack", "open", "1001", "--station", "S2"],
    ));
    assert_eq!(opened["mode"], "hand_over", "{opened}");
    assert_eq!(opened["order"]["status"], "ready");
    let claim = cli(&db, &["pack", "claim", "1001", "--station", "S2"]);
    assert_eq!(
        claim.status.code(),
        Some(1),
        "a packed order is not claimed"
    );
    assert!(
        String::from_utf8_lossy(&claim.stderr).contains("take it apart"),
        "{}",
        String::from_utf8_lossy(&claim.stderr)
    );

    let ship = cli(
        &db,
        &[
            "--json",
            "ship",
            "1001",
            "--carrier",
            "СДЭК",
            "--tracking",
            "1234567890",
        ],
    );
    assert_eq!(json(&ship)["status"], "shipped");
    let twice = cli(
        &db,
        &[
            "ship",
            "1001",
            "--carrier",
            "СДЭК",
            "--tracking",
            "1234567890",
        ],
    );
    assert_eq!(
        twice.status.code(),
        Some(1),
        "shipping twice is refused by a rule"
    );
    assert!(String::from_utf8_lossy(&twice.stderr).contains("already shipped"));
}

fn claim_race(db: &str) {
    let init = cli(db, &["init", "--demo"]);
    assert!(
        init.status.success(),
        "{}",
        String::from_utf8_lossy(&init.stderr)
    );
    let confirmed = json(&cli(
        db,
        &[
            "--json",
            "orders",
            "list",
            "--status",
            "confirmed",
            "--limit",
            "8",
        ],
    ));
    let numbers: Vec<String> = confirmed
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["number"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(numbers.len(), 8);
    for number in &numbers {
        // Both processes start before either finishes: a real race between processes.
        let spawn = |station: &str| {
            Command::new(BIN)
                .env("PACKBENCH_USER", "anna")
                .env("PACKBENCH_PIN", "3333")
                .args(["--db", db, "pack", "claim", number, "--station", station])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn("A"), spawn("B"));
        let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        let codes = [a.status.code(), b.status.code()];
        assert!(
            codes == [Some(0), Some(1)] || codes == [Some(1), Some(0)],
            "order {number}: exactly one process wins, the other is refused: {codes:?}\n{}\n{}",
            String::from_utf8_lossy(&a.stderr),
            String::from_utf8_lossy(&b.stderr)
        );
        let (loser, winner) = if a.status.success() {
            (&b, "A")
        } else {
            (&a, "B")
        };
        let message = String::from_utf8_lossy(&loser.stderr);
        assert!(
            message.contains(&format!("station {winner}")),
            "the loser is told who holds it: {message}"
        );
        let order = json(&cli(db, &["--json", "orders", "show", number]));
        assert_eq!(
            order["claimed_station"], winner,
            "the database agrees with the winner"
        );
    }
}

#[test]
fn two_processes_claiming_the_same_order_on_sqlite_have_one_winner() {
    let dir = tempfile::tempdir().unwrap();
    claim_race(&sqlite_db(dir.path()));
}

#[test]
fn two_processes_claiming_the_same_order_on_postgres_have_one_winner() {
    if let Some(db) = postgres_db() {
        claim_race(&db);
    }
}

#[test]
fn a_shopify_export_imports_whole_orders_and_reimporting_adds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite_db(dir.path());
    first_admin(&db);
    let products = json(&cli(
        &db,
        &["--json", "import", "products", &fixture("products.csv")],
    ));
    assert_eq!(products["imported"], 6, "{products}");
    let file = fixture("shopify_orders.csv");
    let first = cli(
        &db,
        &["--json", "import", "orders", &file, "--format", "shopify"],
    );
    assert_eq!(
        first.status.code(),
        Some(0),
        "a file with one bad order still imports the rest"
    );
    let summary = json(&first);
    assert_eq!(
        summary["imported"], 4,
        "orders 1001..1005 less the malformed one: {summary}"
    );
    assert_eq!(
        summary["failed"], 1,
        "the order with quantity 'two' fails: {summary}"
    );
    let error = &summary["errors"][0];
    assert_eq!(
        (error["row"].as_i64(), error["order"].as_str()),
        (Some(6), Some("1003")),
        "{summary}"
    );
    assert!(
        summary["warnings"].as_i64().unwrap() >= 1,
        "the unknown SKU is a warning: {summary}"
    );
    let again = json(&cli(
        &db,
        &["--json", "import", "orders", &file, "--format", "shopify"],
    ));
    assert_eq!(again["imported"], 0, "nothing is imported twice: {again}");
    let list = json(&cli(
        &db,
        &["--json", "orders", "list", "--search", "Иванова"],
    ));
    assert_eq!(
        list[0]["customer_name"], "Иванова Мария",
        "the Cyrillic customer arrives intact and is searchable: {list}"
    );
    let order = json(&cli(&db, &["--json", "orders", "show", "1001"]));
    assert_eq!(
        order["lines"].as_array().unwrap().len(),
        3,
        "a multi-line order keeps all its lines"
    );
    assert!(
        order["shipping_address"].as_str().unwrap().contains(','),
        "quoted commas survive"
    );
    assert!(
        order["comment"].as_str().unwrap().contains('\n'),
        "quoted newlines survive"
    );
    assert!(cli(&db, &["orders", "confirm", "1004"]).status.success());
    let waiting = cli(&db, &["pack", "claim", "1004", "--station", "S1"]);
    assert_eq!(waiting.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&waiting.stderr).contains("NOPE-404"),
        "the order waits for its unknown SKU"
    );
}

#[test]
fn bad_usage_and_unreadable_files_exit_with_2_and_say_why() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite_db(dir.path());
    first_admin(&db);
    let missing = cli(
        &db,
        &[
            "import",
            "orders",
            "/nonexistent.csv",
            "--format",
            "shopify",
        ],
    );
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent.csv"));
    let format = cli(
        &db,
        &[
            "import",
            "orders",
            &fixture("shopify_orders.csv"),
            "--format",
            "excel",
        ],
    );
    assert_eq!(format.status.code(), Some(2));
    let status = cli(&db, &["orders", "list", "--status", "packed"]);
    assert_eq!(status.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&status.stderr).contains("ready"),
        "the error lists the real statuses"
    );
    let garbage = dir.path().join("garbage.csv");
    std::fs::write(&garbage, [0xff, 0xfe, 0x00, 0x41, 0x0a, 0x80]).unwrap();
    let bad = cli(&db, &["import", "products", garbage.to_str().unwrap()]);
    assert_eq!(
        bad.status.code(),
        Some(2),
        "a file that is not UTF-8 CSV is bad input"
    );
    let url = cli("mysql://host/db", &["orders", "list"]);
    assert_eq!(url.status.code(), Some(2));
}

#[test]
fn a_second_bench_run_on_the_kept_file_measures_new_scans_not_retries() {
    let dir = tempfile::tempdir().unwrap();
    let dir_arg = dir.path().display().to_string();
    let args = [
        "bench",
        "--orders",
        "2000",
        "--products",
        "300",
        "--pack-orders",
        "5",
        "--live-changes",
        "3",
        "--dir",
        dir_arg.as_str(),
    ];
    for run in 1..=2 {
        let out = Command::new(BIN)
            .args(args)
            .env_remove("PACKBENCH_DATABASE_URL")
            .output()
            .expect("packbench-cli runs");
        assert!(
            out.status.success(),
            "run {run}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // Both runs packed orders of their own (2 runs x 3 SQLite slices x 5:
    // NORMAL, FULL, and NORMAL with SQLite's own checkpoints): a run that
    // replayed the first run's scan ids would pack nothing new.
    let file = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("bench-v"))
                && p.extension().is_some_and(|x| x == "db")
        })
        .expect("the kept bench file");
    let db = file.display().to_string();
    // A generated bench database has no users yet.
    first_admin(&db);
    let ready = json(&cli(
        &db,
        &[
            "--json", "orders", "list", "--status", "ready", "--limit", "100",
        ],
    ));
    assert_eq!(ready.as_array().unwrap().len(), 30, "{ready}");
}

#[test]
fn statuses_are_renamed_added_and_the_matrix_edited_from_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite_db(dir.path());
    assert!(cli(&db, &["init", "--demo"]).status.success());
    let out = cli(
        &db,
        &[
            "statuses",
            "rename",
            "new",
            "--en",
            "Fresh",
            "--ru",
            "Свежий",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list = String::from_utf8_lossy(&cli(&db, &["statuses", "list"]).stdout).to_string();
    assert!(list.contains("Fresh") && list.contains("Свежий"), "{list}");
    assert!(list.contains("packing → ready 🔒"), "{list}");
    let orders = Command::new(BIN)
        .args(["--db", &db, "orders", "list", "--status", "new"])
        .env("PACKBENCH_USER", "anna")
        .env("PACKBENCH_PIN", "3333")
        .env("LANG", "ru_RU.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .output()
        .unwrap();
    let orders = String::from_utf8_lossy(&orders.stdout).to_string();
    assert!(
        orders.contains("Свежий"),
        "the list names the stage as the store does:\n{orders}"
    );
    let add = cli(
        &db,
        &[
            "--json",
            "statuses",
            "add",
            "awaiting_call",
            "--stage",
            "new",
            "--en",
            "Awaiting call",
            "--ru",
            "Ждёт звонка",
            "--limit",
            "30",
        ],
    );
    let life = json(&add);
    assert!(life["statuses"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["code"] == "awaiting_call" && s["max_minutes"] == 30));
    let number = json(&cli(&db, &["--json", "orders", "list", "--status", "new"]))[0]["number"]
        .as_str()
        .unwrap()
        .to_string();
    let moved = cli(&db, &["orders", "status", &number, "--to", "awaiting_call"]);
    assert!(
        moved.status.success(),
        "{}",
        String::from_utf8_lossy(&moved.stderr)
    );
    let shown = String::from_utf8_lossy(&cli(&db, &["orders", "show", &number]).stdout).to_string();
    assert!(shown.contains("awaiting_call (Awaiting call)"), "{shown}");
    // A locked transition and an unknown status: bad input (2), saying why.
    let locked = cli(&db, &["statuses", "forbid", "ready", "shipped"]);
    assert_eq!(locked.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&locked.stderr).contains("locked"));
    let unknown = cli(&db, &["orders", "status", &number, "--to", "lost"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("neither a stage"));
    let forbid = cli(&db, &["statuses", "forbid", "new", "cancelled"]);
    assert!(forbid.status.success());
    let cancel = cli(&db, &["orders", "cancel", &number, "--reason", "дубль"]);
    assert_eq!(cancel.status.code(), Some(1));
    let said = String::from_utf8_lossy(&cancel.stderr).to_string();
    assert!(said.contains("new") && said.contains("cancelled"), "{said}");
}

#[test]
fn a_phone_order_is_entered_edited_and_assigned_from_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite_db(dir.path());
    assert!(cli(&db, &["init", "--demo"]).status.success());
    let created = cli(
        &db,
        &[
            "--json",
            "orders",
            "new",
            "--customer",
            "Петров Иван",
            "--phone",
            "+7 912 345-67-89",
            "--delivery",
            "СДЭК",
            "--delivery-cost",
            "350",
            "--line",
            "PB-0001:2:1290,50",
            "--line",
            "PB-0002:1:990",
            "--manager",
            "Мария",
        ],
    );
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let order = json(&created);
    let number = order["number"].as_str().unwrap().to_string();
    assert_eq!(order["total_minor"], 2 * 129_050 + 99_000 + 35_000);
    assert_eq!(order["manager"], "Мария");
    let edited = cli(
        &db,
        &[
            "--json",
            "orders",
            "edit",
            &number,
            "--qty",
            "PB-0001=3",
            "--remove",
            "PB-0002",
            "--phone",
            "89120000000",
        ],
    );
    assert!(
        edited.status.success(),
        "{}",
        String::from_utf8_lossy(&edited.stderr)
    );
    let order = json(&edited);
    assert_eq!(order["lines"].as_array().unwrap().len(), 1);
    assert_eq!(order["lines"][0]["quantity"], 3);
    let history = order["events"].as_array().unwrap();
    let last = history.last().unwrap();
    assert_eq!(last["kind"], "edited");
    assert_eq!(last["before"]["lines"][0]["quantity"], 2);
    assert_eq!(last["after"]["lines"][0]["quantity"], 3);
    // Bad input: exit 2 and the reason; a shipped order: refused, exit 1.
    let taxed = json(&cli(
        &db,
        &[
            "--json",
            "orders",
            "edit",
            &number,
            "--tax",
            "PB-0001=10",
            "--discount",
            "PB-0001=100",
        ],
    ));
    assert_eq!(taxed["lines"][0]["tax_rate_bp"], 1000);
    assert_eq!(taxed["lines"][0]["discount_minor"], 10_000);
    assert_eq!(taxed["lines"][0]["amount_minor"], 3 * 129_050 - 10_000);
    let bad = cli(&db, &["orders", "edit", &number, "--qty", "PB-0001=-1"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("quantity is -1"));
    let bad_line = cli(
        &db,
        &["orders", "new", "--customer", "Х", "--line", "PB-0001:2"],
    );
    assert_eq!(bad_line.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad_line.stderr).contains("SKU:QTY:PRICE"));
    let shipped = json(&cli(
        &db,
        &["--json", "orders", "list", "--status", "shipped"],
    ))[0]["number"]
        .as_str()
        .unwrap()
        .to_string();
    let late = cli(&db, &["orders", "edit", &shipped, "--comment", "поздно"]);
    assert_eq!(late.status.code(), Some(1));
    assert!(cli(&db, &["orders", "assign", &number, "--to", "Ольга"])
        .status
        .success());
    let hers = json(&cli(
        &db,
        &["--json", "orders", "list", "--manager", "Ольга"],
    ));
    assert_eq!(hers.as_array().unwrap().len(), 1);
    let found = json(&cli(&db, &["--json", "orders", "customers", "9123456789"]));
    assert_eq!(found[0]["name"], "Петров Иван");
}

#[test]
fn a_back_ordered_order_is_dated_split_and_held_from_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite_db(dir.path());
    assert!(cli(&db, &["init", "--demo"]).status.success());
    let free = json(&cli(&db, &["--json", "products", "show", "PB-0001"]))["stock"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s[1].as_i64().unwrap() - s[2].as_i64().unwrap())
        .sum::<i64>();
    let line = format!("PB-0001:{}:450", free + 2);
    let order = json(&cli(
        &db,
        &[
            "--json",
            "orders",
            "new",
            "--customer",
            "Смирнова Ольга",
            "--line",
            &line,
            "--line",
            "PB-0002:1:300",
        ],
    ));
    let number = order["number"].as_str().unwrap().to_string();
    assert!(cli(&db, &["orders", "confirm", &number]).status.success());
    let shown = json(&cli(&db, &["--json", "orders", "show", &number]));
    assert_eq!(shown["lines"][0]["backordered"], 2);
    let line_id = shown["lines"][0]["id"].as_i64().unwrap().to_string();
    let bad = cli(&db, &["orders", "expect", &number, &line_id, "05.12"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("YYYY-MM-DD"));
    let dated = String::from_utf8_lossy(
        &cli(&db, &["orders", "expect", &number, &line_id, "2026-12-05"]).stdout,
    )
    .to_string();
    assert!(
        dated.contains("2 back-ordered, expected 2026-12-05"),
        "{dated}"
    );
    let split = json(&cli(&db, &["--json", "orders", "split", &number]));
    let rest = split["split"]["number"].as_str().unwrap().to_string();
    assert_eq!(rest, format!("{number}-2"));
    assert_eq!(split["split"]["lines"][0]["quantity"], 2);
    let held = String::from_utf8_lossy(
        &cli(&db, &["orders", "hold", &rest, "--reason", "нет в наличии"]).stdout,
    )
    .to_string();
    assert!(held.contains("on hold: нет в наличии"), "{held}");
    assert!(
        held.contains(&format!("split from order {number}")),
        "{held}"
    );
}

#[test]
fn cancelling_from_the_cli_needs_a_signed_in_supervisor_and_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite_db(dir.path());
    assert!(cli(&db, &["init", "--demo"]).status.success());
    let anonymous = cli_as(
        &db,
        None,
        &["orders", "cancel", "1001", "--reason", "звонок"],
    );
    assert_eq!(anonymous.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&anonymous.stderr).contains("sign in"),
        "{}",
        String::from_utf8_lossy(&anonymous.stderr)
    );
    let packer = cli_as(
        &db,
        Some(("anna", "3333")),
        &["orders", "cancel", "1001", "--reason", "звонок"],
    );
    assert_eq!(packer.status.code(), Some(1));
    let said = String::from_utf8_lossy(&packer.stderr);
    assert!(
        said.contains("may not cancel an order") && said.contains("packer"),
        "the reason: {said}"
    );
    let wrong = cli_as(
        &db,
        Some(("maria", "0000")),
        &["orders", "cancel", "1001", "--reason", "звонок"],
    );
    assert_eq!(wrong.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("wrong login or PIN"));
    let supervisor = cli_as(
        &db,
        Some(("maria", "2222")),
        &[
            "--json",
            "orders",
            "cancel",
            "1001",
            "--reason",
            "клиент передумал",
        ],
    );
    assert!(
        supervisor.status.success(),
        "{}",
        String::from_utf8_lossy(&supervisor.stderr)
    );
    assert_eq!(json(&supervisor)["status"], "cancelled");
    let trail = cli_as(
        &db,
        Some(("anna", "3333")),
        &["--json", "audit", "--order", "1001", "--kind", "cancelled"],
    );
    let entries: Vec<Value> = String::from_utf8_lossy(&trail.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0]["user"], "Мария Иванова");
    assert_eq!(entries[0]["order_number"], "1001");
    // A token signs a script in; revoked, it no longer does.
    let token = json(&cli(
        &db,
        &["--json", "users", "token", "maria", "--name", "nightly"],
    ));
    let token = token["token"].as_str().unwrap().to_string();
    let whoami = Command::new(BIN)
        .args(["--db", &db, "users", "whoami"])
        .env_remove("PACKBENCH_USER")
        .env("PACKBENCH_TOKEN", &token)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&whoami.stdout).contains("maria"));
    assert!(!std::fs::read(&db)
        .unwrap()
        .windows(token.len())
        .any(|w| w == token.as_bytes()));
}
