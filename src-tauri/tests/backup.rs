//! Backups in the desktop app, through Tauri's IPC on the mock runtime: the
//! check after start closes a damaged database and the start screen's
//! offer restores the newest backup; an administrator restores from the
//! settings while the station's change watcher runs; the schedule backs up
//! when the newest backup is older than its interval.

use packbench_app::state::AppState;
use packbench_core::config::StationConfig;
use packbench_core::ops::{self, Actor, Role};
use packbench_core::store::{DbTarget, Store};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime};
use tauri::{App, Listener, WebviewWindow, WebviewWindowBuilder};

struct Station {
    app: App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
}

impl Station {
    /// The app on the SQLite file `database`, with everything `on_start`
    /// starts (the check after start, the schedule, the change watcher).
    fn start(settings: &Path, database: &Path) -> Self {
        Self::start_with(settings, database, |_| {})
    }

    /// As `start`, with `before` run on the app before `on_start`, so a
    /// listener it adds cannot miss what the check after start emits.
    fn start_with(
        settings: &Path,
        database: &Path,
        before: impl FnOnce(&App<MockRuntime>),
    ) -> Self {
        assert!(
            std::env::var_os("PACKBENCH_DATABASE_URL").is_none(),
            "PACKBENCH_DATABASE_URL is set and would win over the test's database"
        );
        StationConfig {
            station: "Стол 2".into(),
            database: database.display().to_string(),
            ..Default::default()
        }
        .save_to(settings)
        .unwrap();
        let state = tauri::async_runtime::block_on(AppState::open(settings.to_path_buf()));
        let app = packbench_app::app_builder(mock_builder(), state)
            .build(mock_context(noop_assets()))
            .unwrap();
        before(&app);
        packbench_app::on_start(app.handle());
        let window = WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .unwrap();
        Self { app, window }
    }

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
        .map(|body| body.deserialize::<Value>().unwrap())
    }

    fn ok(&self, cmd: &str, args: Value) -> Value {
        self.invoke(cmd, args)
            .unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }

    fn sign_in(&self, login: &str, pin: &str) {
        self.ok(
            "log_in",
            json!({ "credential": { "kind": "secret", "login": login, "secret": pin } }),
        );
    }
}

/// The demo warehouse in `database`, backed up into `<folder>/backups`,
/// closed: (its orders, the backup's path).
fn demo_with_a_backup(database: &Path) -> (i64, PathBuf) {
    tauri::async_runtime::block_on(async {
        let store = Store::open(&DbTarget::SqliteFile(database.to_path_buf()))
            .await
            .unwrap();
        ops::load_demo(&store, &Actor::new("admin", "office", Role::Admin), 1)
            .await
            .unwrap();
        let folder = database.parent().unwrap().join("backups");
        let made = ops::back_up(&store, &folder, 5).await.unwrap();
        let orders = ops::count_orders(&store, &Default::default())
            .await
            .unwrap();
        store.close().await;
        (orders, PathBuf::from(made.file.path))
    })
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done() {
        assert!(Instant::now() < deadline, "waited 30 s for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Overwrites the root page of the events table (which opening the
/// database does not read) with garbage, as a failing disk would.
fn damage_events(database: &Path) {
    let wal = PathBuf::from(format!("{}-wal", database.display()));
    wait_for("the file to be let go", || !wal.exists());
    let root: i64 = tauri::async_runtime::block_on(async {
        use sqlx::Connection;
        let mut conn =
            sqlx::SqliteConnection::connect(&format!("sqlite://{}?mode=ro", database.display()))
                .await
                .unwrap();
        let root = sqlx::query_scalar(
            "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = 'events'",
        )
        .fetch_one(&mut conn)
        .await
        .unwrap();
        conn.close().await.unwrap();
        root
    });
    let mut bytes = std::fs::read(database).unwrap();
    let page = usize::from(u16::from_be_bytes([bytes[16], bytes[17]]));
    let n = usize::try_from(root).unwrap();
    bytes[(n - 1) * page..n * page].fill(0xA5);
    std::fs::write(database, bytes).unwrap();
}

#[test]
fn a_damaged_file_found_after_start_is_closed_and_the_newest_backup_restores_it() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("packbench.db");
    let (orders, backup) = demo_with_a_backup(&database);
    damage_events(&database);

    let (tx, rx) = mpsc::channel();
    let s = Station::start_with(&dir.path().join("station.json"), &database, |app| {
        app.listen_any("database-unusable", move |e| {
            let _ = tx.send(e.payload().to_string());
        });
    });
    let told: Value = serde_json::from_str(
        &rx.recv_timeout(Duration::from_secs(60))
            .expect("the check after start reports the damage"),
    )
    .unwrap();
    assert_eq!(told["code"], "damaged", "{told}");

    let info = s.ok("app_info", json!({}));
    let why = info["startup_error"]
        .as_str()
        .expect("the station says why");
    assert!(
        why.contains("is damaged") && why.contains("restore the newest backup"),
        "{why}"
    );
    // The station does not work on the damaged file meanwhile.
    let refused = s.invoke("list_orders", json!({ "filter": { "limit": 1 } }));
    assert!(refused.is_err(), "{refused:?}");

    let offer = s.ok("restore_offer", json!({}));
    assert_eq!(
        offer["newest"]["path"],
        backup.display().to_string(),
        "{offer}"
    );
    let restored = s.ok("restore_backup", json!({ "path": offer["newest"]["path"] }));
    assert_eq!(restored["info"]["startup_error"], Value::Null, "{restored}");
    assert_eq!(restored["report"]["backup"]["orders"], orders);
    let aside = restored["report"]["set_aside"].as_str().unwrap();
    assert!(
        Path::new(aside).exists(),
        "the damaged file is kept: {aside}"
    );
    assert_eq!(
        s.ok("restore_offer", json!({})),
        Value::Null,
        "the database is sound again"
    );
    s.sign_in("olga", "1111");
    let listed = s.ok("list_orders", json!({ "filter": { "limit": 1000 } }));
    assert_eq!(listed.as_array().unwrap().len() as i64, orders.min(1000));
}

#[test]
fn an_administrator_restores_while_the_station_runs_and_a_packer_may_not() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("packbench.db");
    let (orders, backup) = demo_with_a_backup(&database);
    let s = Station::start(&dir.path().join("station.json"), &database);
    s.sign_in("anna", "3333");
    // Work after the backup.
    let number = s.ok("list_orders", json!({ "filter": { "limit": 1 } }))[0]["number"]
        .as_str()
        .unwrap()
        .to_string();
    s.ok(
        "add_note",
        json!({ "number": number, "text": "после копии", "pinned": false }),
    );

    let refused = s
        .invoke(
            "restore_backup",
            json!({ "path": backup.display().to_string() }),
        )
        .unwrap_err();
    assert_eq!(refused["code"], "forbidden", "{refused}");

    s.sign_in("olga", "1111");
    let restored = s.ok(
        "restore_backup",
        json!({ "path": backup.display().to_string() }),
    );
    assert_eq!(restored["report"]["backup"]["orders"], orders);
    assert_eq!(
        restored["info"]["signed_in"],
        Value::Null,
        "everyone signs in again"
    );
    s.sign_in("olga", "1111");
    let detail = s.ok("order_detail", json!({ "number": number }));
    assert!(
        !detail.to_string().contains("после копии"),
        "the note came after the backup"
    );
}

#[test]
fn the_schedule_backs_up_when_the_newest_backup_is_older_than_its_interval() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("packbench.db");
    let settings = dir.path().join("station.json");
    let s = Station::start(&settings, &database);
    let folder = dir.path().join("backups");
    let due =
        || tauri::async_runtime::block_on(packbench_app::backup::back_up_if_due(s.app.handle()));

    let first = due().unwrap().expect("no backup yet: one is due");
    assert!(Path::new(&first.file.path).starts_with(&folder));
    assert!(
        due().unwrap().is_none(),
        "the newest is minutes old: none is due"
    );

    s.ok(
        "save_backup_settings",
        json!({ "settings": { "folder": "", "every_minutes": 0, "keep": 3 } }),
    );
    // An old backup of ours: with the schedule off nothing is made all the same.
    std::fs::remove_file(&first.file.path).unwrap();
    assert!(due().unwrap().is_none(), "0 minutes: only when asked");
    let listed = s.ok("list_backups", json!({}));
    assert_eq!(listed["backups"], json!([]), "{listed}");
}
