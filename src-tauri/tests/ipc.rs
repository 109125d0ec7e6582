//! The desktop commands as the UI calls them: through Tauri's IPC, with the
//! mock runtime (no display), on a real SQLite file per test.

use packbench_app::state::AppState;
use packbench_core::config::StationConfig;
use packbench_core::secrets::SecretStore;
use packbench_core::store::{DbTarget, Store};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime};
use tauri::{App, Listener, WebviewWindow, WebviewWindowBuilder};

struct Station {
    app: App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    dir: tempfile::TempDir,
}

impl Station {
    /// A station with an empty SQLite database and its own settings file.
    fn on_empty_database() -> Self {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let database = dir.path().join("packbench.db").display().to_string();
        Self::start(dir, &database)
    }

    /// A station whose settings name `database`, as a user would set it.
    fn start(dir: tempfile::TempDir, database: &str) -> Self {
        assert!(
            std::env::var_os("PACKBENCH_DATABASE_URL").is_none(),
            "PACKBENCH_DATABASE_URL is set and would win over the test's database: \
             unset it to run these tests"
        );
        let settings = dir.path().join("station.json");
        StationConfig {
            station: "station-2".into(),
            database: database.into(),
            ..Default::default()
        }
        .save_to(&settings)
        .expect("the settings file is written");
        let state = tauri::async_runtime::block_on(AppState::open(settings));
        let app = packbench_app::app_builder(mock_builder(), state)
            .build(mock_context(noop_assets()))
            .expect("the app builds on the mock runtime");
        packbench_app::on_start(app.handle());
        let window = WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .expect("a window on the mock runtime");
        Self { app, window, dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// What `invoke(cmd, args)` resolves to in the UI, or what it rejects with.
    fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        get_ipc_response(
            &self.window,
            tauri::webview::InvokeRequest {
                cmd: cmd.into(),
                callback: tauri::ipc::CallbackFn(0),
                error: tauri::ipc::CallbackFn(1),
                url: "tauri://localhost".parse().unwrap(),
                body: tauri::ipc::InvokeBody::Json(args),
                headers: Default::default(),
                invoke_key: tauri::test::INVOKE_KEY.to_string(),
            },
        )
        .map(|body| body.deserialize::<Value>().expect("a JSON reply"))
    }

    fn ok(&self, cmd: &str, args: Value) -> Value {
        self.invoke(cmd, args)
            .unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }

    /// Loads the demo (the first run: nobody signed in) and signs its
    /// packer Анна in, as the station's user.
    fn demo(&self) -> Value {
        let demo = self.ok("load_demo", json!({}));
        self.sign_in("anna", "3333");
        demo
    }

    fn sign_in(&self, login: &str, pin: &str) -> Value {
        self.ok(
            "log_in",
            json!({ "credential": { "kind": "secret", "login": login, "secret": pin } }),
        )
    }
}

/// A product's first barcode, read with core beside the app.
fn barcode_of(target: &DbTarget, sku: &str) -> String {
    tauri::async_runtime::block_on(async {
        let store = Store::open(target).await.unwrap();
        let p = packbench_core::ops::product_by_sku(&store, sku)
            .await
            .unwrap();
        store.close().await;
        p.barcodes[0].code.clone()
    })
}

/// A new database on the PostgreSQL test server (`make test` starts it);
/// None only when PACKBENCH_SKIP_PG=1 asks to skip, as in tests/.
fn fresh_postgres_database() -> Option<String> {
    let url = match std::env::var("PACKBENCH_TEST_PG_URL") {
        Ok(u) if !u.trim().is_empty() => u,
        _ => {
            assert!(
                std::env::var("PACKBENCH_SKIP_PG").as_deref() == Ok("1"),
                "PACKBENCH_TEST_PG_URL is not set; run `make test` (it starts a server), \
                 or set PACKBENCH_SKIP_PG=1 to skip PostgreSQL knowingly"
            );
            return None;
        }
    };
    let name = format!(
        "pbapp_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    );
    tauri::async_runtime::block_on(async {
        let admin = Store::open(&DbTarget::Postgres(url.clone()))
            .await
            .expect("the PostgreSQL test server accepts connections");
        packbench_core::store::create_database_if_missing(&admin, &name)
            .await
            .unwrap();
        admin.close().await;
    });
    let (base, _) = url.rsplit_once('/').expect("a URL with a database name");
    Some(format!("{base}/{name}"))
}

#[test]
fn an_empty_database_is_reported_so_the_ui_can_offer_the_demo() {
    let s = Station::on_empty_database();
    let info = s.ok("app_info", json!({}));
    assert_eq!(info["empty_database"], true, "no orders yet: {info}");
    assert_eq!(info["engine"], "SQLite");
    assert_eq!(info["startup_error"], Value::Null);
    assert_eq!(info["station"], "station-2");
    assert_eq!(info["signed_in"], Value::Null, "nobody is signed in");
    assert_eq!(
        info["sign_in"]["needs_first_admin"], true,
        "the first run makes the administrator: {info}"
    );
    let db = info["database"].as_str().unwrap();
    assert!(
        db.starts_with("SQLite ") && db.ends_with("packbench.db"),
        "the UI shows where the data lives: {db}"
    );
}

#[test]
fn the_demo_warehouse_lists_its_fifty_orders() {
    let s = Station::on_empty_database();
    let demo = s.demo();
    assert_eq!(demo["orders"], 50, "{demo}");
    let orders = s.ok("list_orders", json!({ "filter": {} }));
    assert_eq!(
        orders.as_array().unwrap().len(),
        50,
        "every demo order is listed"
    );
    assert_eq!(s.ok("app_info", json!({}))["empty_database"], false);

    let confirmed = s.ok(
        "list_orders",
        json!({ "filter": { "statuses": ["confirmed"], "limit": 5 } }),
    );
    let confirmed = confirmed.as_array().unwrap();
    assert_eq!(confirmed.len(), 5, "the limit is passed through");
    assert!(confirmed.iter().all(|o| o["status"] == "confirmed"));

    let counts = s.ok("status_counts", json!({}));
    let total: i64 = counts
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["count"].as_i64().unwrap())
        .sum();
    assert_eq!(total, 50, "the counts cover every order: {counts}");
}

#[test]
fn a_wrong_item_comes_back_as_a_scan_outcome_and_packs_nothing() {
    let s = Station::on_empty_database();
    s.demo();
    let claimed = s.ok("open_for_packing", json!({ "number": "1001" }))["order"].clone();
    assert_eq!(claimed["status"], "packing");
    assert_eq!(claimed["claimed_station"], "station-2");

    let in_order: Vec<&str> = claimed["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["sku"].as_str().unwrap())
        .collect();
    let stranger = (1..=200)
        .map(|i| format!("PB-{i:04}"))
        .find(|sku| !in_order.contains(&sku.as_str()))
        .unwrap();
    let barcode = barcode_of(&DbTarget::SqliteFile(s.path("packbench.db")), &stranger);

    let scan = s.ok(
        "record_scan",
        json!({ "number": "1001", "code": barcode, "scanId": "scan-1" }),
    );
    assert_eq!(scan["outcome"], "wrong_item", "{scan}");
    assert_eq!(scan["sku"], stranger.as_str());
    assert_eq!(scan["duplicate"], false);
    assert!(scan["message"].as_str().unwrap().contains("wrong item"));

    let again = s.ok(
        "record_scan",
        json!({ "number": "1001", "code": barcode, "scanId": "scan-1" }),
    );
    assert_eq!(again["duplicate"], true, "a retried scan is counted once");

    let detail = s.ok("order_detail", json!({ "number": "1001" }));
    assert_eq!(detail["packed"], 0, "a wrong item packs nothing");
}

/// Claims demo order 1001, scans every unit and finishes it, through the
/// commands; the station's database comes back.
fn pack_1001(s: &Station) -> DbTarget {
    let claimed = s.ok("open_for_packing", json!({ "number": "1001" }))["order"].clone();
    let target = DbTarget::SqliteFile(s.path("packbench.db"));
    let mut n = 0;
    for line in claimed["lines"].as_array().unwrap() {
        let code = barcode_of(&target, line["sku"].as_str().unwrap());
        for _ in 0..line["quantity"].as_i64().unwrap() {
            n += 1;
            let scan = s.ok(
                "record_scan",
                json!({ "number": "1001", "code": code, "scanId": format!("s{n}") }),
            );
            assert_eq!(scan["outcome"], "accepted", "{scan}");
        }
    }
    let done = s.ok("finish_packing", json!({ "number": "1001" }));
    assert_eq!(done["order"]["status"], "ready");
    target
}

#[test]
fn finishing_a_pack_puts_invoice_and_label_in_the_print_queue() {
    let s = Station::on_empty_database();
    s.demo();
    let target = pack_1001(&s);
    // The jobs are queued with the pack; they are sent in the background.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let kinds = rt.block_on(async {
        let store = Store::open(&target).await.unwrap();
        for _ in 0..100 {
            let jobs = packbench_core::ops::print_jobs(&store, 10).await.unwrap();
            if jobs.len() >= 2 {
                let mut kinds: Vec<String> = jobs.iter().map(|j| format!("{:?}", j.kind)).collect();
                kinds.sort();
                return kinds;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        Vec::new()
    });
    assert_eq!(
        kinds,
        vec!["Invoice", "Label"],
        "invoice and label are queued for order 1001"
    );
}

#[test]
fn a_packed_order_opened_at_packing_goes_to_the_hand_over_and_stays_ready() {
    let s = Station::on_empty_database();
    s.demo();
    pack_1001(&s);
    let opened = s.ok("open_for_packing", json!({ "number": "1001" }));
    assert_eq!(opened["mode"], "hand_over", "{opened}");
    assert_eq!(opened["order"]["status"], "ready", "it stays packed");
    assert!(opened["order"]["claimed_station"].is_null());
    let detail = s.ok("order_detail", json!({ "number": "1001" }));
    assert_eq!(detail["status"], "ready");
    // Opening the box again is its own action, with a reason.
    let alone = s
        .invoke(
            "take_apart",
            json!({ "number": "1001", "reason": "wrong size of box" }),
        )
        .unwrap_err();
    assert_eq!(alone["code"], "needs_approval", "{alone}");
    let taken = s.ok(
        "take_apart",
        json!({ "number": "1001", "reason": "wrong size of box",
                "approval": { "kind": "badge", "code": "BADGE-0002" } }),
    );
    assert_eq!(taken["status"], "packing");
    assert_eq!(taken["claimed_station"], "station-2");
    let kinds: Vec<&str> = taken["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert!(kinds.contains(&"taken_apart"), "{kinds:?}");
    let event = taken["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "taken_apart")
        .unwrap();
    assert_eq!(event["user"], "Анна Петрова");
    assert_eq!(
        event["approved_by"], "Мария Иванова",
        "the supervisor's badge"
    );
    let resumed = s.ok("open_for_packing", json!({ "number": "1001" }));
    assert_eq!(resumed["mode"], "packing", "{resumed}");
}

#[test]
fn confirming_an_order_says_which_skus_could_not_be_reserved() {
    let s = Station::on_empty_database();
    s.demo();
    let new = s.ok(
        "list_orders",
        json!({ "filter": { "statuses": ["new"], "limit": 1 } }),
    );
    let number = new[0]["number"].as_str().expect("the demo has a new order");
    let refused = s
        .invoke("confirm_order", json!({ "number": number }))
        .unwrap_err();
    assert_eq!(
        refused["code"], "forbidden",
        "a packer does not confirm: {refused}"
    );
    s.sign_in("elena", "5555");
    let confirmed = s.ok("confirm_order", json!({ "number": number }));
    assert_eq!(confirmed["order"]["status"], "confirmed", "{confirmed}");
    assert!(
        confirmed["unreserved_skus"].is_array(),
        "the reply names the SKUs stock did not cover: {confirmed}"
    );
}

#[test]
fn a_refusal_reaches_the_ui_as_code_and_message() {
    let s = Station::on_empty_database();
    let err = s
        .invoke("open_for_packing", json!({ "number": "9999" }))
        .unwrap_err();
    assert_eq!(err["code"], "not_signed_in", "nobody is signed in: {err}");

    s.demo();
    let err = s
        .invoke("open_for_packing", json!({ "number": "9999" }))
        .unwrap_err();
    assert_eq!(
        err,
        json!({ "code": "not_found", "message": "order 9999 was not found", "detail": null })
    );
    let err = s.invoke("load_demo", json!({})).unwrap_err();
    assert_eq!(err["code"], "forbidden", "a packer loads no demo: {err}");
    s.sign_in("olga", "1111");
    let err = s.invoke("load_demo", json!({})).unwrap_err();
    assert_eq!(
        err["code"], "refused",
        "the demo goes only into an empty database"
    );
    assert!(err["message"].as_str().unwrap().contains("empty database"));
}

#[test]
fn a_database_that_cannot_be_opened_still_answers_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    // A folder where a file is: the database cannot be created there.
    std::fs::write(dir.path().join("blocked"), "").unwrap();
    let database = dir.path().join("blocked").join("packbench.db");
    let s = Station::start(dir, &database.display().to_string());

    let info = s.ok("app_info", json!({}));
    let reason = info["startup_error"].as_str().expect("the reason is given");
    assert!(reason.contains("blocked"), "it names the place: {reason}");
    assert_eq!(info["empty_database"], false);

    let err = s
        .invoke("list_orders", json!({ "filter": {} }))
        .unwrap_err();
    assert_eq!(err["code"], "unavailable");
    assert_eq!(err["message"], reason, "every command says the same why");
}

#[test]
fn retry_opens_the_database_once_the_problem_is_fixed() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("blocked");
    std::fs::write(&blocker, "").unwrap();
    let database = blocker.join("packbench.db");
    let s = Station::start(dir, &database.display().to_string());
    assert!(s.ok("app_info", json!({}))["startup_error"].is_string());

    std::fs::remove_file(&blocker).unwrap();
    std::thread::sleep(Duration::from_millis(2100));
    // The UI's Retry asks for app_info again.
    let info = s.ok("app_info", json!({}));
    assert_eq!(info["startup_error"], Value::Null, "{info}");
    assert_eq!(info["empty_database"], true);
    s.demo();
}

#[test]
fn a_damaged_settings_file_is_reported_and_mended_by_saving_the_settings() {
    let dir = tempfile::tempdir().unwrap();
    let settings_file = dir.path().join("station.json");
    std::fs::write(&settings_file, "{not json").unwrap();
    let state = tauri::async_runtime::block_on(AppState::open(settings_file.clone()));
    let app = packbench_app::app_builder(mock_builder(), state)
        .build(mock_context(noop_assets()))
        .unwrap();
    let window = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    let s = Station { app, window, dir };

    let info = s.ok("app_info", json!({}));
    let reason = info["startup_error"].as_str().expect("a reason");
    assert!(
        reason.contains("station.json") && reason.contains("damaged"),
        "{reason}"
    );

    let mut settings = s.ok("get_settings", json!({}));
    settings["database"] = json!(s.path("packbench.db").display().to_string());
    let info = s.ok("save_settings", json!({ "settings": settings }));
    assert_eq!(info["startup_error"], Value::Null, "{info}");
    assert!(
        StationConfig::load_from(&settings_file).is_ok(),
        "the file is whole again"
    );
}

#[test]
fn the_language_is_saved_even_while_the_database_is_down() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("blocked"), "").unwrap();
    let database = dir.path().join("blocked").join("packbench.db");
    let s = Station::start(dir, &database.display().to_string());
    let mut settings = s.ok("get_settings", json!({}));
    settings["language"] = json!("en");
    let info = s.ok("save_settings", json!({ "settings": settings }));
    assert_eq!(info["language"], "en");
    assert!(info["startup_error"].is_string(), "still down: {info}");
    let saved = StationConfig::load_from(&s.path("station.json")).unwrap();
    assert_eq!(saved.language, "en");
}

#[test]
fn settings_are_saved_and_a_new_database_is_opened_at_once() {
    let s = Station::on_empty_database();
    s.demo();
    let mut settings = s.ok("get_settings", json!({}));
    assert_eq!(settings["station"], "station-2");

    let other = s.path("other.db");
    settings["station"] = json!("station-7");
    settings["language"] = json!("en");
    settings["database"] = json!(other.display().to_string());
    let info = s.ok("save_settings", json!({ "settings": settings }));
    assert_eq!(info["station"], "station-7");
    assert_eq!(info["language"], "en");
    assert_eq!(
        info["empty_database"], true,
        "the new database has no orders"
    );
    assert!(info["database"].as_str().unwrap().ends_with("other.db"));

    let saved = StationConfig::load_from(&s.path("station.json")).unwrap();
    assert_eq!(saved.station, "station-7", "the settings outlive the app");

    settings["database"] = json!("mysql://db/warehouse");
    let err = s
        .invoke("save_settings", json!({ "settings": settings }))
        .unwrap_err();
    assert_eq!(err["code"], "invalid", "{err}");
    let saved = StationConfig::load_from(&s.path("station.json")).unwrap();
    assert!(
        saved.database.ends_with("other.db"),
        "a refused setting is not written: {saved:?}"
    );
    assert_eq!(s.ok("app_info", json!({}))["empty_database"], true);
}

#[test]
fn a_claim_is_announced_as_orders_changed() {
    let s = Station::on_empty_database();
    let (tx, rx) = mpsc::channel::<Value>();
    s.app.listen("orders-changed", move |event| {
        let _ = tx.send(serde_json::from_str(event.payload()).unwrap());
    });
    let next_naming = |number: &Value| loop {
        let event = rx
            .recv_timeout(Duration::from_secs(5))
            .expect("orders-changed within a few polls");
        if event["numbers"].as_array().unwrap().contains(number) {
            return event;
        }
    };
    s.demo();
    let confirmed = s.ok(
        "list_orders",
        json!({ "filter": { "statuses": ["confirmed"], "limit": 1 } }),
    );
    let number = confirmed[0]["number"].clone();
    let demo = next_naming(&number);
    assert_eq!(
        demo["numbers"].as_array().unwrap().len(),
        50,
        "the demo's orders are new"
    );

    s.ok("open_for_packing", json!({ "number": number }));
    assert_eq!(
        next_naming(&number),
        json!({ "numbers": [number] }),
        "only the claimed order changed"
    );
}

#[test]
fn the_database_check_names_the_engine_without_opening_anything() {
    let s = Station::on_empty_database();
    let fresh = s.path("not-yet.db");
    let test = s.ok(
        "test_database",
        json!({ "database": fresh.display().to_string() }),
    );
    assert_eq!(test["ok"], true, "{test}");
    assert_eq!(test["engine"], "SQLite");
    assert!(!fresh.exists(), "a check creates no file");

    let test = s.ok("test_database", json!({ "database": "mysql://db/x" }));
    assert_eq!(test["ok"], false);
    assert_eq!(test["engine"], Value::Null);
}

#[test]
fn carriers_and_an_order_number_in_a_scan_are_recognised() {
    let s = Station::on_empty_database();
    s.demo();
    assert!(!s.ok("carriers", json!({})).as_array().unwrap().is_empty());
    assert_eq!(s.ok("find_order", json!({ "code": "1001" })), "1001");
    assert_eq!(
        s.ok("find_order", json!({ "code": "4601234567893" })),
        Value::Null
    );
}

#[test]
fn a_pick_list_is_made_from_the_next_confirmed_orders() {
    let s = Station::on_empty_database();
    s.demo();
    s.sign_in("ivan", "4444");
    let list = s.ok("create_pick_list", json!({ "next": 3 }));
    assert_eq!(list["orders"].as_array().unwrap().len(), 3, "{list}");
    assert_eq!(list["status"], "open");
    let id = list["id"].clone();
    assert_eq!(s.ok("pick_list", json!({ "id": id }))["id"], id);
    let open = s.ok("open_pick_lists", json!({}));
    assert_eq!(open.as_array().unwrap().len(), 1);

    let err = s.invoke("create_pick_list", json!({})).unwrap_err();
    assert_eq!(err["code"], "invalid", "neither orders nor a count: {err}");
}

#[test]
fn a_station_on_postgresql_packs_through_the_same_commands() {
    let Some(url) = fresh_postgres_database() else {
        eprintln!("engine: PostgreSQL SKIPPED by PACKBENCH_SKIP_PG=1");
        return;
    };
    let s = Station::start(tempfile::tempdir().unwrap(), &url);
    let info = s.ok("app_info", json!({}));
    assert_eq!(info["engine"], "PostgreSQL", "{info}");
    assert_eq!(info["empty_database"], true);
    assert_eq!(info["startup_error"], Value::Null);

    s.demo();
    let order = s.ok("open_for_packing", json!({ "number": "1001" }))["order"].clone();
    let sku = order["lines"][0]["sku"].as_str().unwrap().to_string();
    let scan = s.ok(
        "record_scan",
        json!({ "number": "1001", "code": barcode_of(&DbTarget::Postgres(url.clone()), &sku), "scanId": "pg-1" }),
    );
    assert_eq!(scan["outcome"], "accepted", "{scan}");
    assert_eq!(scan["sku"], sku.as_str());
    assert_eq!(
        s.ok("order_detail", json!({ "number": "1001" }))["packed"],
        scan["units"]
    );
}

#[test]
fn print_settings_are_checked_saved_and_kept_in_the_settings_file() {
    let s = Station::on_empty_database();
    let mut print = s.ok("print_settings", json!({}));
    assert_eq!(print["auto_print"], true, "auto-print is on by default");
    assert_eq!(print["label"]["paper"], "label_4x6");
    assert_eq!(print["invoice"]["printer"], Value::Null);
    // ZPL for an invoice: refused, nothing written.
    let mut bad = print.clone();
    bad["invoice"]["format"] = json!("zpl");
    let err = s
        .invoke("save_print_settings", json!({ "settings": bad }))
        .unwrap_err();
    assert_eq!(err["code"], "invalid");
    assert!(err["message"].as_str().unwrap().contains("ZPL"), "{err}");
    let on_disk = StationConfig::load_from(&s.path("station.json")).unwrap();
    assert_eq!(
        on_disk.print.invoice.format,
        packbench_core::documents::DocFormat::Pdf
    );
    // A label printer with ZPL at 300 dpi on 100x150 mm, packing slip on A5.
    print["label"] = json!({ "printer": "Zebra-1", "paper": "label_100x150", "format": "zpl",
        "dpi": "300", "lang": "en" });
    print["packing_slip"]["paper"] = json!("a5");
    print["auto_print"] = json!(false);
    let saved = s.ok("save_print_settings", json!({ "settings": print }));
    assert_eq!(saved, print);
    assert_eq!(s.ok("print_settings", json!({})), print);
    let on_disk = StationConfig::load_from(&s.path("station.json")).unwrap();
    assert_eq!(on_disk.print.label.printer.as_deref(), Some("Zebra-1"));
    assert!(!on_disk.print.auto_print);
    assert_eq!(
        on_disk.station, "station-2",
        "the rest of the settings is kept"
    );
}

#[test]
fn the_print_queue_preview_and_print_again_work_through_the_commands() {
    let s = Station::on_empty_database();
    s.demo();
    pack_1001(&s);
    // Auto-print queues its two jobs in the background: let it finish first,
    // so the jobs below are the newest.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while s.ok("print_jobs", json!({})).as_array().unwrap().len() < 2 {
        assert!(
            std::time::Instant::now() < deadline,
            "auto-print queued nothing"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // Print again (F8): invoice + label, waiting for a printer to be chosen.
    let again = s.ok("print_order_documents", json!({ "number": "1001" }));
    let again = again.as_array().unwrap();
    assert_eq!(again.len(), 2);
    assert_eq!(again[0]["kind"], "invoice");
    assert_eq!(again[1]["kind"], "label");
    assert_eq!(
        again[0]["key"],
        json!({ "type": "order", "number": "1001" })
    );
    assert_eq!(again[0]["status"], "queued");
    assert!(again[0]["message"]
        .as_str()
        .unwrap()
        .contains("no printer is chosen"));
    let for_order = s.ok("order_print_jobs", json!({ "number": "1001" }));
    assert!(for_order.as_array().unwrap().len() >= 2);
    let newest = s.ok("print_jobs", json!({ "limit": 1 }));
    assert_eq!(newest.as_array().unwrap().len(), 1);
    assert_eq!(newest[0]["id"], again[1]["id"], "newest first");
    // Sent to a printer that does not exist: failed, with the reason, fast.
    let started = std::time::Instant::now();
    let failed = s.ok(
        "retry_print_job",
        json!({ "id": again[0]["id"], "printer": "NoSuchPrinter-ipc" }),
    );
    assert_eq!(failed["status"], "failed", "{failed}");
    assert_eq!(failed["printer"], "NoSuchPrinter-ipc");
    assert!(!failed["message"].as_str().unwrap().is_empty());
    assert!(started.elapsed() < Duration::from_secs(10));
    // A pick list is printed with the station's pick-list settings.
    s.sign_in("ivan", "4444");
    let list = s.ok("create_pick_list", json!({ "next": 2 }));
    let job = s.ok(
        "print_document",
        json!({ "kind": "pick_list", "key": { "type": "pick_list", "id": list["id"] } }),
    );
    assert_eq!(
        (job["kind"].as_str(), job["paper"].as_str()),
        (Some("pick_list"), Some("a4"))
    );
    // The preview: page images of what would be printed.
    let preview = s.ok(
        "preview_document",
        json!({ "kind": "invoice", "key": { "type": "order", "number": "1001" } }),
    );
    assert_eq!(preview["page_count"], 1);
    assert!(preview["pages"][0]
        .as_str()
        .unwrap()
        .starts_with("data:image/png;base64,iVBOR"));
    let zpl = s.ok(
        "preview_document",
        json!({ "kind": "label", "key": { "type": "order", "number": "1001" },
                "settings": { "printer": null, "paper": "label_4x6", "format": "zpl", "dpi": "203", "lang": "ru" } }),
    );
    assert!(zpl["zpl"].as_str().unwrap().starts_with("^XA"));
    let err = s
        .invoke(
            "preview_document",
            json!({ "kind": "invoice", "key": { "type": "order", "number": "77777" } }),
        )
        .unwrap_err();
    assert_eq!(err["code"], "not_found", "{err}");
    // The printers CUPS knows (make test sets up its test queues).
    let printers = s.ok("list_printers", json!({}));
    if let Ok(name) = std::env::var("PACKBENCH_TEST_PRINTER") {
        assert!(
            printers
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["name"] == name.as_str()),
            "{name} is listed: {printers}"
        );
    }
}

#[test]
fn the_sellers_details_are_shown_and_only_a_supervisor_changes_them() {
    let s = Station::on_empty_database();
    s.demo();
    let seller = s.ok("seller", json!({}));
    assert!(
        !seller["name"].as_str().unwrap().is_empty(),
        "the demo seller"
    );
    let mut changed = seller.clone();
    changed["name"] = json!("ИП Иванов");
    let err = s
        .invoke("save_seller", json!({ "seller": changed }))
        .unwrap_err();
    assert_eq!(err["code"], "forbidden", "a packer station: {err}");
    assert_eq!(s.ok("seller", json!({})), seller, "nothing changed");
}

/// Every file under `dir`, read whole.
fn files_under(dir: &std::path::Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else if let Ok(bytes) = std::fs::read(&path) {
            out.push((path, bytes));
        }
    }
    out
}

/// The secret as it could sit in a file: plain, and base64 in every
/// alignment and alphabet.
fn spellings(secret: &str) -> Vec<Vec<u8>> {
    use base64::Engine;
    let mut out = vec![secret.as_bytes().to_vec()];
    for skip in 0..3 {
        let padded = format!("{}{secret}", "x".repeat(skip));
        for engine in [
            base64::engine::general_purpose::STANDARD,
            base64::engine::general_purpose::URL_SAFE,
        ] {
            let encoded = engine.encode(padded.as_bytes());
            // Drop the characters that also encode the padding and the
            // last partial group: what is left is there whatever surrounds it.
            let start = (skip * 4).div_ceil(3) + 1;
            let end = encoded.trim_end_matches('=').len().saturating_sub(3);
            if end > start + 8 {
                out.push(encoded.as_bytes()[start..end].to_vec());
            }
        }
    }
    out
}

fn assert_nowhere(dir: &std::path::Path, secret: &str) {
    let spellings = spellings(secret);
    for (path, bytes) in files_under(dir) {
        for s in &spellings {
            assert!(
                !bytes.windows(s.len()).any(|w| w == s.as_slice()),
                "{} holds the secret ({})",
                path.display(),
                String::from_utf8_lossy(s)
            );
        }
    }
}

fn keyring_required() -> bool {
    if std::env::var("PACKBENCH_TEST_KEYRING").as_deref() == Ok("1") {
        return true;
    }
    assert!(
        std::env::var("PACKBENCH_SKIP_KEYRING").as_deref() == Ok("1"),
        "no test keyring: run under scripts/with-keyring.sh (make test does), \
         or set PACKBENCH_SKIP_KEYRING=1 to skip it knowingly"
    );
    false
}

/// The test server's role that must give a password (scripts/pg-test-server.sh).
const PW_ROLE: &str = "packbench_pw";
const SECRET: &str = "Pb-Server-Test-Password-4471";

/// A fresh database owned by the password role: its URL without the
/// password, and with it.
fn password_database() -> Option<(String, String)> {
    let url = fresh_postgres_database()?;
    let (base, name) = url.rsplit_once('/').unwrap();
    // Handed over before anything is made in it: what the password role
    // migrates, it owns.
    let admin_url = format!("{base}/packbench");
    tauri::async_runtime::block_on(async {
        let store = Store::open(&DbTarget::Postgres(admin_url)).await.unwrap();
        sqlx::query(&format!("ALTER DATABASE {name} OWNER TO {PW_ROLE}"))
            .execute(store.pool())
            .await
            .expect("the test server has the password role (scripts/pg-test-server.sh)");
        store.close().await;
    });
    let bare = url.replacen("://packbench@", &format!("://{PW_ROLE}@"), 1);
    let with = url.replacen("://packbench@", &format!("://{PW_ROLE}:{SECRET}@"), 1);
    assert_ne!(bare, url, "the test server's URL names its user");
    Some((bare, with))
}

#[test]
fn a_database_password_goes_to_the_keyring_and_into_no_file() {
    if !keyring_required() {
        eprintln!("keyring: SKIPPED by PACKBENCH_SKIP_KEYRING=1");
        return;
    }
    let Some((url, with_password)) = password_database() else {
        eprintln!("engine: PostgreSQL SKIPPED by PACKBENCH_SKIP_PG=1");
        return;
    };
    let s = Station::on_empty_database();
    let mut settings = s.ok("get_settings", json!({}));
    settings["database"] = json!(with_password);
    let info = s.ok("save_settings", json!({ "settings": settings }));
    assert_eq!(info["engine"], "PostgreSQL", "{info}");
    assert_eq!(info["database_password"], "keyring", "{info}");
    assert!(!info["database"].as_str().unwrap().contains(SECRET));
    s.demo();
    assert_nowhere(s.dir.path(), SECRET);
    let saved = s.ok("get_settings", json!({}));
    assert_eq!(
        saved["database"], url,
        "the setting is the URL without its password"
    );
    // The next start finds the password in the keyring.
    let again = tauri::async_runtime::block_on(AppState::open(s.path("station.json")));
    let info = tauri::async_runtime::block_on(again.info()).unwrap();
    assert_eq!(info.startup_error, None);
    assert_eq!(info.engine, "PostgreSQL");
    let stored = packbench_core::secrets::OsKeyring
        .get(&packbench_core::secrets::key_for(&url))
        .unwrap();
    assert_eq!(stored.as_deref(), Some(SECRET));
}

#[test]
fn without_a_keyring_the_password_is_asked_for_at_start_and_never_written() {
    let Some((_, with_password)) = password_database() else {
        eprintln!("engine: PostgreSQL SKIPPED by PACKBENCH_SKIP_PG=1");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let settings = dir.path().join("station.json");
    StationConfig {
        station: "station-3".into(),
        database: with_password,
        ..Default::default()
    }
    .save_to(&settings)
    .unwrap();
    assert_nowhere(dir.path(), SECRET);
    let no_keyring = || std::sync::Arc::new(packbench_core::secrets::NoKeyring);
    let state =
        tauri::async_runtime::block_on(AppState::open_with_keyring(settings.clone(), no_keyring()));
    let info = tauri::async_runtime::block_on(state.info()).unwrap();
    assert!(
        info.startup_error.is_some(),
        "no password, no keyring: {info:?}"
    );
    assert_eq!(
        serde_json::to_value(info.database_password).unwrap(),
        "missing",
        "the start screen asks for it"
    );
    let wrong = tauri::async_runtime::block_on(state.unlock_database("not-it".into()));
    assert!(wrong.is_err(), "a wrong password opens nothing");
    let info = tauri::async_runtime::block_on(state.unlock_database(SECRET.into())).unwrap();
    assert_eq!(info.startup_error, None);
    assert_eq!(
        serde_json::to_value(info.database_password).unwrap(),
        "this_run_only"
    );
    assert_nowhere(dir.path(), SECRET);
}
