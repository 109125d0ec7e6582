//! Backups and recovery: a SQLite station backs itself up while it works,
//! keeps the newest N, restores a checked backup without losing the file it
//! replaces, and says plainly when its file is damaged, its disk full or
//! its file read-only. A PostgreSQL server is backed up with pg_dump: a
//! dump restored with pg_restore packs orders.

mod common;

use common::{clock, TestDb};
use packbench_core::domain::OrderStatus;
use packbench_core::ops::{self, Actor, OrderFilter, Role};
use packbench_core::store::{
    backup as file, create_database_if_missing, DbTarget, OpenOptions, Store,
};
use packbench_core::Error;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn admin() -> Actor {
    Actor::new("admin", "office", Role::Admin)
}

fn desk() -> Actor {
    Actor::new("Мария", "office", Role::Supervisor)
}

async fn demo(db: &TestDb) -> Store {
    let store = db.store.clone().with_clock(clock());
    ops::load_demo(&store, &admin(), 1).await.unwrap();
    store
}

fn sqlite_path(db: &TestDb) -> PathBuf {
    match &db.target {
        DbTarget::SqliteFile(p) => p.clone(),
        DbTarget::Postgres(_) => panic!("a SQLite test"),
    }
}

/// A phone order for one unit of the demo's first product.
fn phone_order(n: usize) -> ops::PhoneOrderInput {
    ops::PhoneOrderInput {
        customer: ops::CustomerInput {
            id: None,
            name: format!("Покупатель {n}"),
            phone: format!("+7 900 {:03} {:04}", n / 10_000, n % 10_000),
            email: String::new(),
            address: "Казань, ул. Баумана, 1".into(),
        },
        lines: vec![ops::LineInput {
            id: None,
            sku: "PB-0001".into(),
            quantity: 1,
            unit_price: "100".into(),
            discount: String::new(),
            tax_rate_bp: None,
        }],
        delivery_method: "СДЭК".into(),
        delivery_cost: String::new(),
        comment: String::new(),
        currency: String::new(),
        manager: None,
        channel: String::new(),
    }
}

async fn order_count(store: &Store) -> i64 {
    ops::count_orders(store, &OrderFilter::default())
        .await
        .unwrap()
}

/// Polls `done` until it holds, failing after `limit`.
async fn wait_for(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < deadline, "waited {limit:?} for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Overwrites whole pages of a closed SQLite file with garbage, from
/// `from` to `to` (fractions of the file), as a failing disk would.
fn damage_pages(path: &Path, from: f64, to: f64) {
    let mut bytes = std::fs::read(path).unwrap();
    let page = match u16::from_be_bytes([bytes[16], bytes[17]]) {
        1 => 65_536,
        n => usize::from(n),
    };
    let pages = bytes.len() / page;
    let (first, last) = ((pages as f64 * from) as usize, (pages as f64 * to) as usize);
    assert!(
        first >= 2 && last > first,
        "pages {first}..{last} of {pages}"
    );
    for b in &mut bytes[first * page..last * page] {
        *b = 0xA5;
    }
    std::fs::write(path, bytes).unwrap();
}

/// A SQLite file of the test's own, with the demo warehouse, that no other
/// store has open (`common::sqlite()`'s may be shared): closing the test's
/// store lets go of it, as a restore needs.
struct OwnFile {
    _dir: tempfile::TempDir,
    path: PathBuf,
    target: DbTarget,
}

impl OwnFile {
    async fn demo() -> (OwnFile, Store) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("packbench.db");
        let target = DbTarget::SqliteFile(path.clone());
        let store = Store::open(&target).await.unwrap().with_clock(clock());
        ops::load_demo(&store, &admin(), 1).await.unwrap();
        (
            OwnFile {
                _dir: dir,
                path,
                target,
            },
            store,
        )
    }

    /// Closes the test's store: being the file's only one, it leaves the
    /// file whole, with no WAL beside it holding commits the file lacks.
    async fn close(&self, store: Store) {
        store.close().await;
        drop(store);
        for companion in ["-wal", "-shm"] {
            let left = PathBuf::from(format!("{}{companion}", self.path.display()));
            assert!(
                !left.exists(),
                "the store was closed, yet {} is still there: the file alone is not the whole database",
                left.display()
            );
        }
    }
}

/// Overwrites page `n` (1-based) of a closed SQLite file with garbage.
fn damage_page(path: &Path, n: usize) {
    let mut bytes = std::fs::read(path).unwrap();
    let page = usize::from(u16::from_be_bytes([bytes[16], bytes[17]]));
    bytes[(n - 1) * page..n * page].fill(0xA5);
    std::fs::write(path, bytes).unwrap();
}

fn names_in(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

// ---------------------------------------------------------------------------
// Making backups
// ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_made_while_another_connection_writes_holds_every_order_committed_before_it() {
    let db = common::sqlite().await;
    let store = demo(&db).await;
    // Another station's connection (its own pool on the same file) takes
    // orders the whole time.
    let writer = Store::open(&db.target).await.unwrap();
    let committed: Arc<Mutex<Vec<String>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let task = tokio::spawn({
        let (committed, stop) = (committed.clone(), stop.clone());
        async move {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let order = ops::create_order(&writer, &desk(), &phone_order(n))
                    .await
                    .expect("the writer is never refused while a backup runs");
                committed.lock().unwrap().push(order.head.number);
            }
            writer.close().await;
        }
    });
    wait_for("the writer's first orders", Duration::from_secs(60), || {
        committed.lock().unwrap().len() >= 20
    })
    .await;
    let before: Vec<String> = committed.lock().unwrap().clone();
    let folder = tempfile::tempdir().unwrap();
    let made = ops::back_up(&store, folder.path(), 5).await.unwrap();
    wait_for("orders after the backup", Duration::from_secs(60), || {
        committed.lock().unwrap().len() >= before.len() + 10
    })
    .await;
    stop.store(true, Ordering::Relaxed);
    task.await.unwrap();

    eprintln!(
        "backup of the demo database with {} orders taken meanwhile: {} bytes in {} ms",
        before.len(),
        made.file.bytes,
        made.took_ms
    );
    assert!(
        made.file.name.starts_with("packbench-20261120-0900"),
        "{made:?}"
    );
    assert_eq!(
        std::fs::metadata(&made.file.path).unwrap().len(),
        made.file.bytes
    );
    assert_eq!(
        names_in(folder.path()),
        vec![made.file.name.clone()],
        "one finished backup and no temporary file left behind"
    );
    let checked = ops::check_backup(Path::new(&made.file.path)).await.unwrap();
    let inside = file::open_read_only(Path::new(&made.file.path))
        .await
        .unwrap();
    for number in &before {
        assert!(
            ops::order_detail(&inside, number).await.is_ok(),
            "order {number} was committed before the backup began, so the backup holds it"
        );
    }
    assert_eq!(checked.orders, order_count(&inside).await);
    inside.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keeping_the_newest_n_deletes_only_older_packbench_backups_and_no_other_file() {
    let db = common::sqlite().await;
    let store = demo(&db).await;
    let folder = tempfile::tempdir().unwrap();
    let f = folder.path();
    // What a person keeps in the same folder, some of it named much like a backup.
    let foreign = [
        "notes.txt",
        "packbench.db",
        "packbench-notes.db",
        "packbench-20200101-000000.db.bak",
        "packbench-20200101-000000-01.db",
        "old-packbench-20200101-000000.db",
    ];
    for name in foreign {
        std::fs::write(f.join(name), b"not a backup").unwrap();
    }
    std::fs::create_dir(f.join("packbench-20200101-000001.db")).unwrap();
    // An old backup of ours (by its name), older than any made now.
    std::fs::write(f.join("packbench-20200101-000000.db"), b"old").unwrap();

    // The store's clock stands still: three backups in one second.
    let mut made = Vec::new();
    for _ in 0..3 {
        made.push(ops::back_up(&store, f, 2).await.unwrap());
    }
    assert_eq!(
        made.iter()
            .map(|m| m.file.name.as_str())
            .collect::<Vec<_>>(),
        [
            "packbench-20261120-090000.db",
            "packbench-20261120-090000-2.db",
            "packbench-20261120-090000-3.db"
        ],
        "a second backup in the same second gets a number, never the same name"
    );
    assert_eq!(made[1].removed, ["packbench-20200101-000000.db"]);
    assert_eq!(made[2].removed, ["packbench-20261120-090000.db"]);

    let listed = ops::list_backups(f).unwrap();
    assert_eq!(
        listed.iter().map(|b| b.name.as_str()).collect::<Vec<_>>(),
        [
            "packbench-20261120-090000-3.db",
            "packbench-20261120-090000-2.db"
        ],
        "the newest two, newest first; other files are not backups"
    );
    assert!(listed.iter().all(|b| b.bytes > 0));
    for name in foreign {
        assert_eq!(
            std::fs::read(f.join(name)).unwrap(),
            b"not a backup",
            "{name} is not Packbench's to delete"
        );
    }
    assert!(f.join("packbench-20200101-000001.db").is_dir());
    assert_eq!(
        ops::list_backups(&f.join("not-there")).unwrap(),
        vec![],
        "a folder not made yet holds no backups"
    );
}

// ---------------------------------------------------------------------------
// Restoring
// ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sound_backup_brings_back_its_orders_and_the_replaced_file_is_kept_aside() {
    let (db, store) = OwnFile::demo().await;
    let live = db.path.clone();
    let folder = tempfile::tempdir().unwrap();
    let made = ops::back_up(&store, folder.path(), 5).await.unwrap();
    let in_backup = order_count(&store).await;
    // Work after the backup: lost from the database by the restore, but
    // kept in the file set aside.
    let later = ops::create_order(&store, &desk(), &phone_order(1))
        .await
        .unwrap()
        .head
        .number;
    let refused = ops::restore_backup(Path::new(&made.file.path), &live, chrono::Utc::now())
        .await
        .unwrap_err();
    assert!(
        matches!(refused, Error::Refused(_))
            && refused.to_string().contains("open in another program"),
        "the station still has the file open: {refused}"
    );
    db.close(store).await;

    let restored = ops::restore_backup(Path::new(&made.file.path), &live, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(restored.backup.orders, in_backup);
    let aside = PathBuf::from(restored.set_aside.clone().expect("the old file is kept"));
    assert!(
        aside
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("packbench.db.before-restore-"),
        "{aside:?}"
    );
    let reopened = Store::open(&db.target).await.unwrap();
    assert_eq!(order_count(&reopened).await, in_backup);
    assert!(
        ops::order_detail(&reopened, &later).await.is_err(),
        "order {later} came after the backup"
    );
    reopened.close().await;
    let kept = file::open_read_only(&aside).await.unwrap();
    assert!(
        ops::order_detail(&kept, &later).await.is_ok(),
        "nothing is lost: the file set aside still holds order {later}"
    );
    kept.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_from_an_older_packbench_is_restored_and_brought_up_to_date() {
    let (db, store) = OwnFile::demo().await;
    let live = db.path.clone();
    db.close(store).await;
    let old = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/upgrade-0020.sqlite");
    let checked = ops::check_backup(&old).await.unwrap();
    assert!(
        checked.schema < checked.current_schema,
        "the fixture is older: {checked:?}"
    );
    let restored = ops::restore_backup(&old, &live, chrono::Utc::now())
        .await
        .unwrap();
    assert!(restored.set_aside.is_some());
    let store = Store::open(&db.target).await.expect("opened and upgraded");
    assert_eq!(order_count(&store).await, checked.orders);
    store.close().await;
    let upgraded = ops::check_backup(&live).await.unwrap();
    assert_eq!(upgraded.schema, upgraded.current_schema);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_backup_is_refused_before_anything_is_touched() {
    let (db, store) = OwnFile::demo().await;
    let live = db.path.clone();
    let folder = tempfile::tempdir().unwrap();
    let made = ops::back_up(&store, folder.path(), 5).await.unwrap();
    db.close(store).await;
    let before = std::fs::read(&live).unwrap();
    let files_before = names_in(live.parent().unwrap());

    let damaged = folder.path().join("packbench-20261120-100000.db");
    std::fs::copy(&made.file.path, &damaged).unwrap();
    damage_pages(&damaged, 0.4, 0.6);
    let header = folder.path().join("packbench-20261120-110000.db");
    std::fs::copy(&made.file.path, &header).unwrap();
    let mut bytes = std::fs::read(&header).unwrap();
    bytes[..16].copy_from_slice(b"not a database!!");
    std::fs::write(&header, bytes).unwrap();

    for bad in [&damaged, &header] {
        let e = ops::restore_backup(bad, &live, chrono::Utc::now())
            .await
            .unwrap_err();
        let text = e.to_string();
        assert!(
            matches!(e, Error::Damaged(_))
                && text.contains(&bad.display().to_string())
                && text.contains("choose another backup"),
            "{text}"
        );
        assert_eq!(
            std::fs::read(&live).unwrap(),
            before,
            "the database is untouched"
        );
        assert_eq!(
            names_in(live.parent().unwrap()),
            files_before,
            "nothing set aside, no copy left behind"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_newer_packbench_backup_or_a_foreign_file_is_refused_with_the_reason() {
    use sqlx::Connection;
    let db = common::sqlite().await;
    let store = demo(&db).await;
    let live = sqlite_path(&db);
    let folder = tempfile::tempdir().unwrap();
    let made = ops::back_up(&store, folder.path(), 5).await.unwrap();
    store.close().await;

    let newer = folder.path().join("newer.db");
    std::fs::copy(&made.file.path, &newer).unwrap();
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", newer.display()))
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (9999, 'from the future', 1, x'00', 0)",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();
    let e = ops::restore_backup(&newer, &live, chrono::Utc::now())
        .await
        .unwrap_err();
    let text = e.to_string();
    assert!(
        matches!(e, Error::Refused(_))
            && text.contains("newer Packbench")
            && text.contains("9999")
            && text.contains("from the future"),
        "says which version made it: {text}"
    );

    let foreign = folder.path().join("foreign.db");
    let mut conn =
        sqlx::SqliteConnection::connect(&format!("sqlite://{}?mode=rwc", foreign.display()))
            .await
            .unwrap();
    sqlx::query("CREATE TABLE shopping (item TEXT)")
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    let e = ops::restore_backup(&foreign, &live, chrono::Utc::now())
        .await
        .unwrap_err();
    assert!(
        matches!(e, Error::Invalid(_)) && e.to_string().contains("not a Packbench database"),
        "{e}"
    );
    let e = ops::restore_backup(&live, &live, chrono::Utc::now())
        .await
        .unwrap_err();
    assert!(e.to_string().contains("the database itself"), "{e}");
    // Still the demo, untouched.
    let store = Store::open(&db.target).await.unwrap();
    assert!(order_count(&store).await > 0);
    store.close().await;
}

// ---------------------------------------------------------------------------
// A damaged, full or read-only database
// ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quick_check_finds_a_damaged_database_file_and_says_what_to_do() {
    let (db, store) = OwnFile::demo().await;
    let live = db.path.clone();
    ops::check_database(&store)
        .await
        .expect("the demo database is sound");
    // The root page of the events table, which opening does not read.
    let root: i64 = sqlx::query_scalar(
        "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = 'events'",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    db.close(store).await;
    damage_page(&live, usize::try_from(root).unwrap());

    let store = Store::open(&db.target)
        .await
        .expect("opening reads only the schema, which is sound");
    let found = ops::check_database(&store).await.unwrap_err();
    store.close().await;
    let text = found.to_string();
    eprintln!("a damaged file: {text}");
    assert!(
        matches!(found, Error::Damaged(_))
            && text.contains(&live.display().to_string())
            && text.contains("is damaged")
            && text.contains("restore the newest backup")
            && text.contains(".recover"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_that_is_not_a_database_any_more_is_named_damaged_when_opened() {
    let (db, store) = OwnFile::demo().await;
    let live = db.path.clone();
    db.close(store).await;
    let mut bytes = std::fs::read(&live).unwrap();
    bytes[..100].fill(0x5A);
    std::fs::write(&live, bytes).unwrap();
    let e = Store::open(&db.target).await.unwrap_err();
    let text = e.to_string();
    assert!(
        matches!(e, Error::Damaged(_))
            && text.contains(&live.display().to_string())
            && text.contains("restore the newest backup")
            && !text.contains("folder is writable"),
        "damaged, not a folder or disk problem: {text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_refuses_the_change_says_so_and_keeps_everything_committed() {
    let db = common::sqlite().await;
    demo(&db).await;
    // One connection, so the limit set on it holds for every statement.
    let station = Store::open_with(
        &db.target,
        OpenOptions {
            max_connections: 1,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let before = order_count(&station).await;
    let pages: i64 = sqlx::query_scalar("PRAGMA page_count")
        .fetch_one(station.pool())
        .await
        .unwrap();
    // The disk is full: the file cannot grow by a page.
    sqlx::query(&format!("PRAGMA max_page_count = {pages}"))
        .execute(station.pool())
        .await
        .unwrap();
    let mut taken = Vec::new();
    let refused = loop {
        assert!(taken.len() < 5_000, "the file never filled up");
        match ops::create_order(&station, &desk(), &phone_order(taken.len() + 1)).await {
            Ok(order) => taken.push(order.head.number),
            Err(e) => break e,
        }
    };
    let text = refused.to_string();
    eprintln!("after {} orders: {text}", taken.len());
    assert!(
        matches!(refused, Error::Unavailable(_))
            && text.contains("is full")
            && text.contains("this change was not saved")
            && text.contains("free space"),
        "{text}"
    );
    // Read by another connection: what was acknowledged is there, the
    // refused order is not there even in part.
    let other = Store::open(&db.target).await.unwrap();
    assert_eq!(order_count(&other).await, before + taken.len() as i64);
    for number in &taken {
        ops::order_detail(&other, number).await.unwrap();
    }
    // Space freed: the same order goes through.
    sqlx::query("PRAGMA max_page_count = 1073741823")
        .execute(station.pool())
        .await
        .unwrap();
    ops::create_order(&station, &desk(), &phone_order(taken.len() + 1))
        .await
        .expect("with space again the order is taken");
    assert_eq!(order_count(&other).await, before + taken.len() as i64 + 1);
    other.close().await;
    station.close().await;
}

on_both_engines!(
    a_read_only_database_refuses_changes_says_so_and_keeps_everything_committed,
    |db| {
        let store = demo(&db).await;
        let before = order_count(&store).await;
        let number = ops::create_order(&store, &desk(), &phone_order(1))
            .await
            .unwrap()
            .head
            .number;
        let read_only = match &db.target {
            DbTarget::SqliteFile(path) => file::open_read_only(path).await.unwrap(),
            DbTarget::Postgres(_) => {
                // A server switched to read-only (a standby, or by its admin).
                let s = Store::open_with(
                    &db.target,
                    OpenOptions {
                        max_connections: 1,
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
                sqlx::query("SET default_transaction_read_only = on")
                    .execute(s.pool())
                    .await
                    .unwrap();
                s
            }
        };
        // Reading still works.
        ops::order_detail(&read_only, &number).await.unwrap();
        let refused = ops::create_order(&read_only, &desk(), &phone_order(2))
            .await
            .unwrap_err();
        let text = refused.to_string();
        eprintln!("read-only: {text}");
        assert!(
            matches!(refused, Error::Unavailable(_))
                && text.contains("read-only")
                && text.contains("this change was not saved")
                && text.contains("everything saved before it is kept"),
            "{text}"
        );
        if db.target.engine() == packbench_core::store::Engine::Sqlite {
            assert!(text.contains("writable"), "what to do: {text}");
        }
        read_only.close().await;
        assert_eq!(
            order_count(&store).await,
            before + 1,
            "the order taken before is kept, the refused one is not there"
        );
    }
);

// ---------------------------------------------------------------------------
// PostgreSQL: the server is backed up with pg_dump, not by a station
// ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_station_on_postgresql_refuses_to_back_up_and_points_to_pg_dump() {
    let Some(db) = common::postgres().await else {
        return;
    };
    let folder = tempfile::tempdir().unwrap();
    let e = ops::back_up(&db.store, folder.path(), 5).await.unwrap_err();
    assert!(
        matches!(e, Error::Refused(_)) && e.to_string().contains("pg_dump"),
        "{e}"
    );
    assert_eq!(names_in(folder.path()), Vec::<String>::new());
    ops::check_database(&db.store)
        .await
        .expect("nothing for a station to check on a server");
    db.store.close().await;
}

/// The newest PostgreSQL's client tool (the test server is the newest too),
/// else the one on the PATH.
fn pg_tool(tool: &str) -> PathBuf {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse().ok()?;
            let path = e.path().join("bin").join(tool);
            path.exists().then_some((version, path))
        })
        .collect();
    found.sort();
    found.pop().map_or_else(|| PathBuf::from(tool), |(_, p)| p)
}

fn run_tool(tool: &str, args: &[&str]) {
    let out = std::process::Command::new(pg_tool(tool))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool} runs (package postgresql-client): {e}"));
    assert!(
        out.status.success(),
        "{tool} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pg_dump_restored_with_pg_restore_into_a_new_database_packs_an_order() {
    let Some(db) = common::postgres().await else {
        return;
    };
    let store = demo(&db).await;
    let orders = order_count(&store).await;
    let confirmed = ops::list_orders(
        &store,
        &OrderFilter {
            statuses: vec![OrderStatus::Confirmed],
            limit: 1,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let number = confirmed[0].number.clone();
    store.close().await;
    let DbTarget::Postgres(source) = &db.target else {
        unreachable!()
    };

    // As the README says: the custom format, then pg_restore into a new,
    // empty database.
    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("packbench.dump");
    run_tool(
        "pg_dump",
        &["-Fc", "--dbname", source, "--file", dump.to_str().unwrap()],
    );
    let url = common::pg_url().expect("PostgreSQL runs here");
    let admin_store = Store::open(&DbTarget::Postgres(url.clone()))
        .await
        .expect("the test server's own database opens");
    let name = format!(
        "pbt_restored_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    );
    create_database_if_missing(&admin_store, &name)
        .await
        .unwrap_or_else(|e| panic!("a new database {name} for the restore: {e}"));
    let (base, _) = url.rsplit_once('/').unwrap();
    let restored_url = format!("{base}/{name}");
    run_tool(
        "pg_restore",
        &[
            "--no-owner",
            "--exit-on-error",
            "--dbname",
            &restored_url,
            dump.to_str().unwrap(),
        ],
    );

    let restored = Store::open(&DbTarget::Postgres(restored_url.clone()))
        .await
        .expect("the restored database opens (nothing to migrate)")
        .with_clock(clock());
    assert_eq!(order_count(&restored).await, orders);
    common::pack(&restored, &number).await;
    let packed = ops::order_detail(&restored, &number).await.unwrap();
    assert_eq!(
        packed.head.status,
        OrderStatus::Ready,
        "packed on the restored database"
    );
    restored.close().await;
    // Not FORCE: it refuses to end a backend on that database with no role
    // of ours (an autovacuum worker, or a connection still being set up),
    // where a plain DROP ends autovacuum itself and waits up to 5 s for
    // closing backends.
    sqlx::query(&format!("DROP DATABASE {name}"))
        .execute(admin_store.pool())
        .await
        .unwrap_or_else(|e| panic!("dropping {name} after the test: {e}"));
    admin_store.close().await;
}

// ---------------------------------------------------------------------------
// The CLI
// ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_backs_up_lists_and_restores() {
    let (db, store) = OwnFile::demo().await;
    let orders = order_count(&store).await;
    db.close(store).await;
    let live = db.path.clone();
    let folder = live.parent().unwrap().join("kept backups");
    let folder_arg = folder.to_str().unwrap();

    for _ in 0..3 {
        let (code, out, err) = common::cli_run(
            &live,
            "S1",
            &["backup", "now", "--folder", folder_arg, "--keep", "2"],
            "",
        );
        assert_eq!(code, 0, "{out}{err}");
        assert!(out.starts_with("backed up to "), "{out}");
    }
    let (code, out, err) = common::cli_run(
        &live,
        "S1",
        &["--json", "backup", "list", "--folder", folder_arg],
        "",
    );
    assert_eq!(code, 0, "{err}");
    let listed = common::cli_json(&out);
    let listed = listed.as_array().expect("a list");
    assert_eq!(listed.len(), 2, "two kept: {out}");
    let newest = listed[0]["path"].as_str().unwrap().to_string();

    let (code, out, _) =
        common::cli_run(&live, "S1", &["backup", "list", "--folder", folder_arg], "");
    assert_eq!(code, 0);
    assert!(out.contains("newest first") && out.contains("KB"), "{out}");

    // Without --yes (and no terminal) nothing happens.
    let (code, _, err) = common::cli_run(&live, "S1", &["backup", "restore", &newest], "yes\n");
    assert_eq!(code, 2);
    assert!(err.contains("--yes"), "{err}");

    let (code, out, err) = common::cli_run(
        &live,
        "S1",
        &["--json", "backup", "restore", &newest, "--yes"],
        "",
    );
    assert_eq!(code, 0, "{out}{err}");
    let restored = common::cli_json(&out);
    assert_eq!(restored["backup"]["orders"], orders);
    let aside = restored["set_aside"]
        .as_str()
        .expect("the old file is kept");
    assert!(Path::new(aside).exists());

    let (code, out, err) = common::cli_run(&live, "S1", &["backup", "check"], "");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("is sound"), "{out}");

    let damaged = folder.join("packbench-20261120-120000.db");
    std::fs::copy(&newest, &damaged).unwrap();
    damage_pages(&damaged, 0.4, 0.6);
    let (code, _, err) = common::cli_run(
        &live,
        "S1",
        &["backup", "restore", damaged.to_str().unwrap(), "--yes"],
        "",
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is damaged"), "{err}");

    if let Some(pg) = common::postgres().await {
        let DbTarget::Postgres(url) = &pg.target else {
            unreachable!()
        };
        let (code, _, err) = common::cli_run(Path::new(url), "S1", &["backup", "now"], "");
        assert_eq!(code, 1, "refused: {err}");
        assert!(err.contains("pg_dump"), "{err}");
        pg.store.close().await;
    }
}
