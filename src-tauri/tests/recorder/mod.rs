//! Records the UI's test fixtures (ui/src/fixtures/*.json): flows a packer,
//! picker or supervisor walks, run through the real Tauri commands (the mock
//! runtime, no display) on a real SQLite file, every reply written as the UI
//! receives it. The UI's unit tests answer `invoke` with these replies
//! (`ui/src/test/backend.ts`), so they meet the rules of core, not a copy.
//!
//! Shared by `tests/ui_fixtures.rs` (fails when the committed fixtures are
//! stale) and `examples/record-fixtures.rs` (writes them: [`RECORD_COMMAND`]).
//!
//! A recording is the same on every machine: the clock is pinned (and moves
//! two seconds per change), scan ids are fixed, each flow starts on a fresh
//! demo database, CUPS is a stand-in with the same two printers everywhere
//! (`cups/`), and what is machine-specific (the temporary folder, the
//! version) is replaced before writing. Previews are drawn for real, so
//! recording needs poppler-utils' `pdftoppm`, as the app does.

// The test and the example each use a part (the example never reads
// FIXTURES_DIR's files back, the test never deletes them).
#![allow(dead_code)]

pub mod flows;

use packbench_app::state::AppState;
use packbench_core::clock::FixedClock;
use packbench_core::config::StationConfig;
use packbench_core::documents::PrintSettings;
use packbench_core::ops::{Actor, Role, UserInput};
use packbench_core::store::{DbTarget, Store};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Once};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime};
use tauri::{App, WebviewWindow, WebviewWindowBuilder};

/// Where the fixtures live, from the workspace root.
pub const FIXTURES_DIR: &str = "ui/src/fixtures";

/// Writes the fixtures again, from the workspace root.
pub const RECORD_COMMAND: &str = "cargo run -p packbench --example record-fixtures";

/// Every flow starts at this moment (10:00 in Moscow, a Monday).
const START: &str = "2026-11-23T07:00:00Z";

/// The PIN of every desk user the recorder makes.
const DESK_PIN: &str = "1234";

/// The clock moves this far after every change, as a shift would.
const STEP_SECONDS: i64 = 2;

/// The temporary folder of a recording, as the fixtures name it.
const DATA_DIR: &str = "/home/anna/.local/share/packbench";

/// What a preview's page images become: they are 50-200 KB each, and a UI
/// test only needs to know there is a picture (a 1x1 PNG).
const PREVIEW_PAGE: &str = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

/// Commands that change nothing: replaying one does not move a flow on.
const READS: &[&str] = &[
    "app_info",
    "list_orders",
    "count_orders",
    "group_orders",
    "saved_filters",
    "carrier_list",
    "outbox",
    "templates",
    "mail_settings",
    "preview_template",
    "preview_import",
    "status_counts",
    "order_detail",
    "find_order",
    "carriers",
    "open_pick_lists",
    "pick_list",
    "get_settings",
    "test_database",
    "print_settings",
    "list_printers",
    "print_jobs",
    "order_print_jobs",
    "preview_document",
    "seller",
    "lifecycle",
    "find_products",
    "find_customers",
    "alternatives",
    "list_users",
    "user_names",
    "audit",
    "bins",
    "cartons",
    "box_types",
    "carton_settings",
    "read_scale",
    "count_sheet",
    "stock_ledger",
    "reorder",
    "product",
    "waiting_handover",
    "handover",
    "recent_handovers",
    "find_return",
    "backup_settings",
    "list_backups",
    "restore_offer",
    // The first-run wizard.
    "probe_database",
    "setup_status",
    // Issue 15: the documents in each channel's parcels.
    "packing_documents",
    // Issue 15 item 3: an order's receipts (the order screen's panel).
    "order_receipts",
    "receipt_settings",
    // Issue 15: the shop connection.
    "shop_apis",
    "webhook_secrets",
    "shop_calls",
    "webhook_inbox",
    "watch_folder",
    // Issue 15 item 4: dropshipping.
    "suppliers",
    "purchase_orders",
    "purchase_order",
    // Issue 15: parcel movements in the order view (and the stalled list).
    "parcel_movements",
    "stalled_parcels",
    "stall_days",
];

/// The actions the UI's scan queue runs: when the queue is empty again the
/// UI reads the open order (or pick list) again ([`Flow::follow`]).
const QUEUED: &[&str] = &[
    "open_for_packing",
    "take_apart",
    "record_scan",
    "undo_last_scan",
    "finish_packing",
    "release_claim",
    "ship_order",
    "ship_parcels",
    "pick_scan",
    "short_pick",
    "complete_pick_list",
];

/// Records every flow into `out` (one `<flow>.json` each); the files written.
pub fn record_all(out: &Path) -> Vec<PathBuf> {
    stand_in_cups();
    std::fs::create_dir_all(out).expect("the fixtures folder can be made");
    flows::all()
        .into_iter()
        .map(|(name, record)| {
            let mut flow = record();
            flow["flow"] = json!(name);
            let path = out.join(format!("{name}.json"));
            let mut text = serde_json::to_string_pretty(&flow).unwrap();
            text.push('\n');
            std::fs::write(&path, text).expect("a fixture can be written");
            path
        })
        .collect()
}

/// Puts the stand-in `lp` and `lpstat` first on PATH, once per process.
fn stand_in_cups() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let bin =
            std::env::temp_dir().join(format!("packbench-fixture-cups-{}", std::process::id()));
        std::fs::create_dir_all(&bin).unwrap();
        for (name, text) in [
            ("lp", include_str!("cups/lp")),
            ("lpstat", include_str!("cups/lpstat")),
        ] {
            let path = bin.join(name);
            std::fs::write(&path, text).unwrap();
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
            }
        }
        let path = std::env::var_os("PATH").unwrap_or_default();
        let mut dirs = vec![bin];
        dirs.extend(std::env::split_paths(&path));
        // This process only records; nothing else in it looks for lp.
        std::env::set_var("PATH", std::env::join_paths(dirs).unwrap());
    });
}

fn cups_counter() -> PathBuf {
    std::env::temp_dir()
        .join(format!("packbench-fixture-cups-{}", std::process::id()))
        .join("jobs")
}

/// One flow's world: a fresh SQLite file, a pinned clock, the stations.
pub struct Shift {
    dir: tempfile::TempDir,
    clock: Arc<FixedClock>,
}

impl Shift {
    /// An empty database at [`START`].
    pub fn empty() -> Self {
        assert!(
            std::env::var_os("PACKBENCH_DATABASE_URL").is_none(),
            "PACKBENCH_DATABASE_URL is set and would win over the recording's database: unset it"
        );
        let _ = std::fs::remove_file(cups_counter());
        let start = chrono::DateTime::parse_from_rfc3339(START)
            .unwrap()
            .with_timezone(&chrono::Utc);
        Self {
            dir: tempfile::tempdir().expect("a temporary folder"),
            clock: Arc::new(FixedClock::at(start)),
        }
    }

    /// The demo warehouse (the same on every station and machine), loaded
    /// before the flow starts.
    pub fn demo() -> Self {
        let shift = Self::empty();
        let setup = shift.station(Desk::packer("Станция 9", "Настройка"));
        setup.ok("load_demo", json!({}));
        shift.tick();
        shift
    }

    pub fn database(&self) -> PathBuf {
        self.dir.path().join("packbench.db")
    }

    fn tick(&self) {
        self.clock.advance(chrono::Duration::seconds(STEP_SECONDS));
    }

    /// A station on this shift's database with `desk`'s settings.
    pub fn station(&self, desk: Desk) -> Station {
        let database = self.database().display().to_string();
        self.station_on(desk, &database)
    }

    /// A station whose database setting is `database`, whatever it is.
    pub fn station_on(&self, desk: Desk, database: &str) -> Station {
        let settings = self
            .dir
            .path()
            .join(format!("station-{}.json", desk.station.replace(' ', "-")));
        StationConfig {
            station: desk.station.clone(),
            database: database.into(),
            language: "ru".into(),
            auto_finish: true,
            print: desk.print.clone(),
            ..Default::default()
        }
        .save_to(&settings)
        .expect("the settings file is written");
        let state =
            tauri::async_runtime::block_on(AppState::open_with_clock(settings, self.clock.clone()));
        let app = packbench_app::app_builder(mock_builder(), state)
            .build(mock_context(noop_assets()))
            .expect("the app builds on the mock runtime");
        let window = WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .expect("a window on the mock runtime");
        let station = Station {
            _app: app,
            window,
            name: desk.station.clone(),
            auto_print: desk.print.auto_print,
        };
        // Once the database has people, the desk's user signs in before
        // the flow starts (a user of their own, PIN 1234, made if missing).
        if self.has_users(database) {
            self.ensure_user(&desk, database);
            station.ok(
                "log_in",
                json!({ "credential": { "kind": "secret", "login": desk.login(), "secret": DESK_PIN } }),
            );
        }
        station
    }

    fn store_on(&self, database: &str) -> Option<Store> {
        tauri::async_runtime::block_on(async {
            let target = DbTarget::parse(database).ok()?;
            Store::open(&target)
                .await
                .ok()
                .map(|s| s.with_clock(self.clock.clone()))
        })
    }

    fn has_users(&self, database: &str) -> bool {
        let Some(store) = self.store_on(database) else {
            return false;
        };
        tauri::async_runtime::block_on(async {
            let info = packbench_core::ops::sign_in_info(&store).await.unwrap();
            store.close().await;
            !info.needs_first_admin
        })
    }

    /// The desk's user, made by an admin if the database lacks them.
    fn ensure_user(&self, desk: &Desk, database: &str) {
        let store = self.store_on(database).expect("the database opens");
        tauri::async_runtime::block_on(async {
            let admin = Actor::new("Настройка", "setup", Role::Admin);
            let users = packbench_core::ops::list_users(&store, &admin)
                .await
                .unwrap();
            if !users.iter().any(|u| u.login == desk.login()) {
                packbench_core::ops::save_user(
                    &store,
                    &admin,
                    &UserInput {
                        login: desk.login(),
                        name: desk.user.clone(),
                        roles: vec![desk.role],
                        channels: Vec::new(),
                        active: true,
                        secret: Some(DESK_PIN.into()),
                        badge: None,
                    },
                )
                .await
                .unwrap();
            }
            store.close().await;
        });
    }

    /// A product's first barcode, read with core beside the app.
    pub fn barcode(&self, sku: &str) -> String {
        tauri::async_runtime::block_on(async {
            let store = Store::open(&DbTarget::SqliteFile(self.database()))
                .await
                .unwrap();
            let p = packbench_core::ops::product_by_sku(&store, sku)
                .await
                .unwrap();
            store.close().await;
            p.barcodes[0].code.clone()
        })
    }

    /// The number of the oldest order in `status`, read with core.
    pub fn first_in(&self, status: &str) -> String {
        tauri::async_runtime::block_on(async {
            let store = Store::open(&DbTarget::SqliteFile(self.database()))
                .await
                .unwrap();
            let filter = packbench_core::ops::OrderFilter {
                statuses: vec![packbench_core::domain::OrderStatus::parse(status).unwrap()],
                limit: 10_000,
                ..Default::default()
            };
            let list = packbench_core::ops::list_orders(&store, &filter)
                .await
                .unwrap();
            store.close().await;
            list.last()
                .unwrap_or_else(|| panic!("the demo has an order in {status}"))
                .number
                .clone()
        })
    }

    /// Starts recording a flow on this shift.
    pub fn flow(&self, about: &'static str) -> Flow<'_> {
        Flow {
            about,
            shift: self,
            steps: Vec::new(),
            follow: None,
        }
    }
}

/// Who works at a station and how it prints.
#[derive(Clone)]
pub struct Desk {
    pub station: String,
    pub user: String,
    pub role: Role,
    pub print: PrintSettings,
}

impl Desk {
    /// A packer whose invoices wait for a printer to be chosen and whose
    /// labels go to Zebra (stopped: out of labels); auto-print on.
    pub fn packer(station: &str, user: &str) -> Self {
        let mut print = PrintSettings::default();
        print.label.printer = Some("Zebra".into());
        Self {
            station: station.into(),
            user: user.into(),
            role: Role::Packer,
            print,
        }
    }

    pub fn with_role(mut self, role: Role) -> Self {
        self.role = role;
        self
    }

    /// The desk user's login: their name in lower case.
    pub fn login(&self) -> String {
        self.user.to_lowercase()
    }
}

/// A station: the app with its state, as the UI's window talks to it.
pub struct Station {
    _app: App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    pub name: String,
    auto_print: bool,
}

impl Station {
    /// What `invoke(cmd, args)` resolves to in the UI, or rejects with.
    pub fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
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

    /// A call outside any recording (setting a flow up).
    pub fn ok(&self, cmd: &str, args: Value) -> Value {
        self.invoke(cmd, args)
            .unwrap_or_else(|e| panic!("{cmd} failed at {}: {e}", self.name))
    }

    /// Waits until auto-print (started in the background by
    /// `finish_packing` or `receive_return`) has done with the `printed`
    /// documents it queued for the order (the invoice and label, or the
    /// return note), so what comes next starts from the same state on every
    /// run.
    fn auto_print_settles(&self, number: &str, jobs_before: usize, printed: usize) {
        if !self.auto_print {
            return;
        }
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            let jobs = self.ok("order_print_jobs", json!({ "number": number }));
            let jobs = jobs.as_array().unwrap();
            // Queued with a printer: on its way to lp; without one: waiting
            // for a printer to be chosen, which is where it stays.
            let on_the_way = jobs
                .iter()
                .any(|j| j["status"] == "queued" && !j["printer"].is_null());
            if jobs.len() >= jobs_before + printed && !on_the_way {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "auto-print of {number} never settled: {jobs:?}"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}

/// The calls of one flow, in order, with their replies.
pub struct Flow<'s> {
    about: &'static str,
    shift: &'s Shift,
    steps: Vec<Value>,
    /// The read the UI makes after each of its changes (the open order or
    /// pick list fetched again once the scan queue is empty).
    follow: Option<(&'static str, Value)>,
}

impl Flow<'_> {
    /// After each queued action from now on, record `cmd(args)` too, as the
    /// UI reads the open order (or pick list) again after each of them.
    pub fn follow(&mut self, cmd: &'static str, args: Value) {
        self.follow = Some((cmd, args));
    }

    /// No more reads after changes (the UI has nothing open).
    pub fn unfollow(&mut self) {
        self.follow = None;
    }

    /// A call the UI under test makes, recorded with its reply (and, after
    /// a change, the read it follows with).
    pub fn call(&mut self, at: &Station, cmd: &str, args: Value) -> Result<Value, Value> {
        let jobs_of = |number: &Value| {
            at.ok("order_print_jobs", json!({ "number": number }))
                .as_array()
                .map_or(0, Vec::len)
        };
        // What auto-print queues after the command, in the background.
        let printed = match cmd {
            "finish_packing" => 2,
            "receive_return" => 1,
            _ => 0,
        };
        let jobs_before = (printed > 0).then(|| jobs_of(&args["number"]));
        let reply = self.record(at, cmd, args.clone());
        if let (Some(before), Ok(_)) = (jobs_before, &reply) {
            at.auto_print_settles(args["number"].as_str().unwrap(), before, printed);
        }
        if QUEUED.contains(&cmd) {
            if let Some((read, read_args)) = self.follow.clone() {
                // Recorded either way: a refresh that fails is a reply too.
                let _ = self.record(at, read, read_args);
            }
        }
        if !READS.contains(&cmd) {
            self.shift.tick();
        }
        reply
    }

    fn record(&mut self, at: &Station, cmd: &str, args: Value) -> Result<Value, Value> {
        let reply = at.invoke(cmd, args.clone());
        let read = READS.contains(&cmd);
        let mut step = json!({ "cmd": cmd, "args": args });
        if read {
            step["read"] = json!(true);
        }
        match &reply {
            Ok(v) => step["ok"] = v.clone(),
            Err(e) => step["error"] = e.clone(),
        }
        self.steps.push(step);
        reply
    }

    /// A call that must succeed; its reply.
    pub fn ok(&mut self, at: &Station, cmd: &str, args: Value) -> Value {
        self.call(at, cmd, args)
            .unwrap_or_else(|e| panic!("{cmd} failed at {}: {e}", at.name))
    }

    /// A call that must be refused; the error.
    pub fn refused(&mut self, at: &Station, cmd: &str, args: Value) -> Value {
        match self.call(at, cmd, args) {
            Err(e) => e,
            Ok(v) => panic!("{cmd} was expected to fail at {}, but gave {v}", at.name),
        }
    }

    /// A change made at another station: the UI under test sees only what
    /// it does to later replies. Recorded without its reply.
    pub fn elsewhere(&mut self, at: &Station, cmd: &str, args: Value) -> Value {
        let reply = at.ok(cmd, args.clone());
        self.steps
            .push(json!({ "elsewhere": at.name, "cmd": cmd, "args": args }));
        self.shift.tick();
        reply
    }

    /// The flow as its fixture file holds it, machine-specific parts replaced.
    pub fn done(self) -> Value {
        let dir = self.shift.dir.path().display().to_string();
        let steps: Vec<Value> = self
            .steps
            .into_iter()
            .map(|mut step| {
                normalise(&mut step);
                let text = serde_json::to_string(&step)
                    .unwrap()
                    .replace(&dir, DATA_DIR);
                serde_json::from_str(&text).unwrap()
            })
            .collect();
        json!({
            "about": self.about,
            "recorded_by": RECORD_COMMAND,
            "steps": steps,
        })
    }
}

/// Replaces what differs between machines and builds, and what is too big.
fn normalise(step: &mut Value) {
    let cmd = step["cmd"].as_str().unwrap_or_default().to_string();
    let Some(reply) = step.get_mut("ok") else {
        return;
    };
    match cmd.as_str() {
        "app_info" | "save_settings" => {
            reply["version"] = json!("0.0.0-fixture");
        }
        // How long a copy took is the machine's.
        "backup_now" | "restore_backup" => {
            if reply["took_ms"].is_number() {
                reply["took_ms"] = json!(12);
            }
            if reply["report"]["took_ms"].is_number() {
                reply["report"]["took_ms"] = json!(12);
            }
            if reply["info"].is_object() {
                reply["info"]["version"] = json!("0.0.0-fixture");
            }
        }
        "preview_document" => {
            if let Some(pages) = reply["pages"].as_array_mut() {
                for page in pages {
                    *page = json!(PREVIEW_PAGE);
                }
            }
        }
        _ => {}
    }
}
