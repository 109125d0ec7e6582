//! Upgrades: a database that an older Packbench filled is opened by this
//! one. Its migrations run, nothing is lost, and the old orders still pack
//! and print.
//!
//! The fixtures were made once, with the schema of migration 0020, and are
//! never made again: they keep the data as that schema wrote it.
//!
//! - `tests/fixtures/upgrade-0020.sqlite`: a SQLite database;
//! - `tests/fixtures/upgrade-0020.pg.sql`: the same warehouse on PostgreSQL,
//!   as `pg_dump` wrote it (plain SQL, INSERTs; see [`pg_dump`]);
//! - `tests/fixtures/upgrade-0020.facts`: what they hold, one fact a line,
//!   as [`facts`] reads it through the code of the day.
//!
//! All three came from [`make_upgrade_fixture`] (ignored: run by hand only),
//! which fills the demo warehouse and then works it through the operations a
//! warehouse uses, so that every order status, scans accepted and refused,
//! cartons, a hand-over, returns, print jobs, payments, notes and stock moves
//! are in the file. When the schema has moved on and another fixture is
//! worth keeping, run it again: it names its files by the newest migration
//! (`upgrade-NNNN.*`), never overwrites one, and the test below opens every
//! `upgrade-*.facts` fixture it finds.
//!
//! ```sh
//! scripts/pg-test-server.sh start
//! PACKBENCH_TEST_PG_URL=$(scripts/pg-test-server.sh url) \
//!   cargo test -p packbench-tests --test upgrade -- --ignored --exact make_upgrade_fixture
//! ```
//!
//! `tests/fixtures/migrations.sha384` lists every released migration with
//! the checksum sqlx keeps for it in each database it migrated;
//! [`released_migrations_are_never_edited`] fails when one changed.

mod common;

use common::packer;
use packbench_core::clock::FixedClock;
use packbench_core::documents::{DocumentKind, DocumentSettings, PrintSettings};
use packbench_core::domain::scan::ScanKind;
use packbench_core::domain::OrderStatus;
use packbench_core::ops::{
    self, Actor, AdjustReason, CustomerInput, DocumentKey, ItemCondition, LineInput, NewStatus,
    OrderFilter, PaymentInput, PaymentKind, PhoneOrderInput, PickSelection, PrintStatus,
    ReturnInput, ReturnItem, ReturnOutcome, Role, SplitLine,
};
use packbench_core::store::{create_database_if_missing, DbTarget, Store};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// The committed fixtures, oldest first: "upgrade-0020", ...
fn fixture_tags() -> Vec<String> {
    let mut tags: Vec<String> = std::fs::read_dir(fixtures())
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().to_string();
            Some(name.strip_suffix(".facts")?.to_string()).filter(|t| t.starts_with("upgrade-"))
        })
        .collect();
    tags.sort();
    assert!(!tags.is_empty(), "tests/fixtures/upgrade-NNNN.facts");
    tags
}

fn migrations(engine: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../core/migrations")
        .join(engine)
}

/// The fixture's day; the upgrade test works a week later.
fn fixture_clock() -> Arc<FixedClock> {
    common::clock()
}

fn later_clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::at(
        chrono::DateTime::parse_from_rfc3339("2026-11-27T10:00:00Z")
            .unwrap()
            .to_utc(),
    ))
}

fn minutes(clock: &FixedClock, n: i64) {
    clock.advance(chrono::Duration::minutes(n));
}

fn admin() -> Actor {
    Actor::new("admin", "office", Role::Admin)
}

fn manager() -> Actor {
    Actor::new("maria", "desk", Role::Manager)
}

fn picker() -> Actor {
    Actor::new("ivan", "picking", Role::Picker)
}

// ---------------------------------------------------------------------------
// The upgrade itself
// ---------------------------------------------------------------------------

mod old_orders_survive_the_upgrade {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        for tag in fixture_tags() {
            let started = Instant::now();
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("packbench.db");
            std::fs::copy(fixtures().join(format!("{tag}.sqlite")), &path)
                .expect("the committed SQLite fixture");
            let store = Store::open(&DbTarget::SqliteFile(path))
                .await
                .expect("the old database opens and migrates")
                .with_clock(later_clock());
            upgraded(&store, "sqlite", &tag).await;
            store.close().await;
            eprintln!("{tag} on SQLite: {:?}", started.elapsed());
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        let Some(url) = common::pg_url() else {
            eprintln!("engine: PostgreSQL SKIPPED by PACKBENCH_SKIP_PG=1");
            return;
        };
        for tag in fixture_tags() {
            let dump = fixtures().join(format!("{tag}.pg.sql"));
            if !dump.exists() {
                eprintln!("{tag} has no PostgreSQL dump: made on SQLite only");
                continue;
            }
            let started = Instant::now();
            let (name, target) = restore_pg_dump(&url, &dump).await;
            let store = Store::open(&target)
                .await
                .expect("the old database opens and migrates")
                .with_clock(later_clock());
            upgraded(&store, "postgres", &tag).await;
            store.close().await;
            drop_pg_database(&url, &name).await;
            eprintln!("{tag} on PostgreSQL: {:?}", started.elapsed());
        }
    }
}

/// A new database on the test server with the committed dump in it, read
/// through sqlx (the dump is plain SQL), so no `psql` is needed: its name
/// and where it is.
async fn restore_pg_dump(url: &str, dump: &Path) -> (String, DbTarget) {
    use sqlx::Connection;
    let dump = std::fs::read_to_string(dump).expect("the committed PostgreSQL fixture");
    let admin = Store::open(&DbTarget::Postgres(url.to_string()))
        .await
        .expect("the PostgreSQL test server accepts connections");
    let name = format!(
        "pbt_upgrade_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    );
    create_database_if_missing(&admin, &name).await.unwrap();
    admin.close().await;
    let (base, _) = url.rsplit_once('/').expect("URL with a database name");
    let db_url = format!("{base}/{name}");
    // One connection, closed afterwards: the dump empties its search_path.
    let mut conn = sqlx::PgConnection::connect(&db_url).await.unwrap();
    sqlx::raw_sql(&dump)
        .execute(&mut conn)
        .await
        .expect("the dump restores into an empty database");
    conn.close().await.unwrap();
    (name, DbTarget::Postgres(db_url))
}

/// Drops a database this file made once it is done with (a failed test
/// leaves its database behind to be looked at).
async fn drop_pg_database(url: &str, name: &str) {
    let admin = Store::open(&DbTarget::Postgres(url.to_string()))
        .await
        .unwrap();
    // Not FORCE: a plain DROP waits up to 5 s for the backends of the
    // connections just closed to end, and ends an autovacuum worker itself,
    // which FORCE refuses to do for a role that is not ours.
    sqlx::query(&format!("DROP DATABASE {name}"))
        .execute(admin.pool())
        .await
        .unwrap();
    admin.close().await;
}

async fn upgraded(store: &Store, engine: &str, tag: &str) {
    // Every migration of today ran, the fixture's and any newer ones.
    let applied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
        .fetch_one(store.pool())
        .await
        .unwrap();
    let files = std::fs::read_dir(migrations(engine))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "sql"))
        })
        .count() as i64;
    assert_eq!(
        applied, files,
        "every migration in core/migrations/{engine}"
    );

    // Nothing is lost: what the fixture held, read by today's code.
    let expected = std::fs::read_to_string(fixtures().join(format!("{tag}.facts"))).unwrap();
    compare_facts(&expected, &facts(store).await);
    stock_is_its_ledger(store).await;
    for status in OrderStatus::ALL.iter().copied() {
        assert!(
            count_in(store, status).await > 0,
            "the fixture has an order that is {status}"
        );
    }
    // The order the docs walk through, as the demo made it and the office
    // annotated it.
    let order = ops::order_detail(store, "1001").await.unwrap();
    assert_eq!(order.head.status, OrderStatus::Confirmed);
    assert_eq!(order.head.comment, "позвонить перед доставкой");
    assert_eq!(order.head.delivery_method, "СДЭК");
    assert_eq!((order.units, order.packed), (3, 0));
    assert_eq!(
        order
            .notes
            .iter()
            .map(|n| (n.pinned, n.text.as_str()))
            .collect::<Vec<_>>(),
        vec![
            (true, "хрупкое: кружки в пупырчатую плёнку"),
            (false, "клиент просил доставку после 18:00"),
        ]
    );

    // The old orders still pack: 1001 at a station (one refused scan of a
    // product it does not hold, then every unit), ...
    let station = packer("station-7");
    ops::claim_order(store, &station, "1001").await.unwrap();
    let wrong = ops::record_scan(
        store,
        &station,
        "1001",
        &unit_code(store, "PB-0200").await,
        "up-w",
    )
    .await
    .unwrap();
    assert!(!wrong.outcome.is_accepted(), "{wrong:?}");
    scan_every_unit(store, &station, "1001", "up-1001").await;
    let (packed, run) = ops::finish_packing(
        store,
        &station,
        "1001",
        None,
        &PrintSettings::default(),
        None,
    )
    .await
    .unwrap();
    assert_eq!(packed.order.head.status, OrderStatus::Ready);
    assert_eq!(packed.order.packed, 3);
    assert!(
        packed
            .order
            .scans
            .iter()
            .any(|s| s.outcome == ScanKind::WrongItem),
        "the refused scan is on the order"
    );
    // ... with its invoice and label queued (no printer is chosen here) ...
    let jobs = run.send().await.unwrap();
    assert_eq!(
        jobs.iter().map(|j| (j.kind, j.status)).collect::<Vec<_>>(),
        vec![
            (DocumentKind::Invoice, PrintStatus::Queued),
            (DocumentKind::Label, PrintStatus::Queued),
        ]
    );
    // ... and shipped into the courier's hand-over.
    ops::ship_order(store, &station, "1001", "СДЭК", "1099000001")
        .await
        .unwrap();
    let handover = ops::close_handover(store, &station, "СДЭК").await.unwrap();
    assert!(handover.view.parcels.iter().any(|p| p.number == "1001"));

    // The order left half-packed at station-2 is finished there.
    let two = packer("station-2");
    let ops::Opened::Packing { order } = ops::open_for_packing(store, &two, "1016").await.unwrap()
    else {
        panic!("1016 is resumed at the station that was packing it");
    };
    assert_eq!(order.head.status, OrderStatus::Packing);
    assert!(order.packed > 0, "its accepted scans are kept");
    scan_every_unit(store, &two, "1016", "up-1016").await;
    common::finish(store, &two, "1016", None).await.unwrap();

    // The old records still print: documents of new and old orders, the
    // old hand-over, pick list and return note.
    let pdf = DocumentSettings::for_kind;
    for (kind, key) in [
        (DocumentKind::Invoice, DocumentKey::order("1001")),
        (DocumentKind::Label, DocumentKey::order("1001")),
        (DocumentKind::PackingSlip, DocumentKey::order("1016")),
        (DocumentKind::Invoice, DocumentKey::order("1020")),
        (DocumentKind::Label, DocumentKey::order("1017")),
        (DocumentKind::PickList, DocumentKey::PickList { id: 1 }),
        (DocumentKind::Manifest, DocumentKey::Handover { id: 1 }),
        (DocumentKind::ReturnNote, DocumentKey::Return { id: 1 }),
    ] {
        let bytes = ops::render_document(store, kind, &key, &pdf(kind))
            .await
            .unwrap_or_else(|e| panic!("{} for {}: {e}", kind.as_str(), key.describe()));
        assert!(
            bytes.starts_with(b"%PDF"),
            "{} for {} is a PDF",
            kind.as_str(),
            key.describe()
        );
    }
    for seq in [1, 2] {
        let label = ops::render_carton_label(store, "1017", seq, &pdf(DocumentKind::Label))
            .await
            .unwrap();
        assert!(label.starts_with(b"%PDF"), "carton {seq}'s label");
    }

    // The open pick list is picked to the end.
    let list = ops::pick_list(store, 1).await.unwrap();
    for line in list
        .lines
        .iter()
        .filter(|l| l.picked + l.short < l.quantity)
    {
        let code = line.barcode.clone().expect("a unit barcode");
        for n in line.picked + line.short..line.quantity {
            ops::pick_scan(
                store,
                &picker(),
                list.id,
                Some(&line.bin),
                &code,
                &format!("up-pick-{}-{n}", line.id),
            )
            .await
            .unwrap();
        }
    }
    ops::complete_pick_list(store, &picker(), list.id)
        .await
        .unwrap();
    stock_is_its_ledger(store).await;
}

async fn count_in(store: &Store, status: OrderStatus) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM orders WHERE status = $1")
        .bind(status.as_str())
        .fetch_one(store.pool())
        .await
        .unwrap()
}

/// On hand in every bin is the sum of its ledger; reserved is the sum of
/// the reservations held; nothing is negative.
async fn stock_is_its_ledger(store: &Store) {
    let off: Vec<(i64, String, i64, i64)> = sqlx::query_as(
        "SELECT s.product_id, s.bin, s.on_hand, \
           CAST(COALESCE((SELECT SUM(m.delta) FROM stock_moves m \
              WHERE m.product_id = s.product_id AND m.bin = s.bin), 0) AS BIGINT) \
         FROM stock s WHERE s.on_hand <> COALESCE((SELECT SUM(m.delta) FROM stock_moves m \
              WHERE m.product_id = s.product_id AND m.bin = s.bin), 0)",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert!(
        off.is_empty(),
        "on hand is not the ledger's sum (product, bin, on hand, ledger): {off:?}"
    );
    let held: Vec<(i64, String, i64, i64)> = sqlx::query_as(
        "SELECT s.product_id, s.bin, s.reserved, \
           CAST(COALESCE((SELECT SUM(r.qty) FROM reservations r \
              WHERE r.product_id = s.product_id AND r.bin = s.bin), 0) AS BIGINT) \
         FROM stock s WHERE s.reserved <> COALESCE((SELECT SUM(r.qty) FROM reservations r \
              WHERE r.product_id = s.product_id AND r.bin = s.bin), 0)",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert!(
        held.is_empty(),
        "reserved is not the reservations held (product, bin, reserved, held): {held:?}"
    );
    let negative: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM stock WHERE on_hand < 0 OR reserved < 0 OR reserved > on_hand",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(negative, 0, "stock rows below zero or over-reserved");
}

/// Every expected fact is there; a `rows` fact is a least count (a later
/// migration may add rows of its own, never lose any).
fn compare_facts(expected: &str, now: &[String]) {
    let mut missing = Vec::new();
    let now_rows: BTreeMap<&str, i64> = now
        .iter()
        .filter_map(|f| f.strip_prefix("rows ")?.split_once(": "))
        .map(|(t, n)| (t, n.parse().unwrap()))
        .collect();
    for fact in expected
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        if let Some((table, n)) = fact.strip_prefix("rows ").and_then(|f| f.split_once(": ")) {
            let then: i64 = n.parse().unwrap();
            match now_rows.get(table) {
                Some(&count) if count >= then => {}
                got => missing.push(format!("{fact} (now {got:?})")),
            }
        } else if !now.iter().any(|f| f == fact) {
            missing.push(fact.to_string());
        }
    }
    if !missing.is_empty() {
        eprintln!("the database as read today:\n{}", now.join("\n"));
    }
    assert!(
        missing.is_empty(),
        "{} facts of the old database are not read back as they were:\n  {}\n\
         (today's reading is printed above; a migration that reshapes data on \
         purpose changes `facts` to read the new shape, never the committed file)",
        missing.len(),
        missing.join("\n  ")
    );
}

// ---------------------------------------------------------------------------
// What the fixture holds, one line a fact
// ---------------------------------------------------------------------------

/// Tables of schema 0020 whose rows must all still be there.
const TABLES: &[&str] = &[
    "api_tokens",
    "bins",
    "box_types",
    "carriers",
    "cartons",
    "customers",
    "events",
    "manifests",
    "message_templates",
    "order_categories",
    "order_lines",
    "order_notes",
    "order_numbers",
    "orders",
    "outbox",
    "payments",
    "pick_lines",
    "pick_list_orders",
    "pick_lists",
    "print_jobs",
    "product_barcodes",
    "products",
    "reservations",
    "return_lines",
    "returns",
    "saved_filters",
    "scans",
    "settings",
    "shipments",
    "sscc_serials",
    "status_transitions",
    "statuses",
    "stock",
    "stock_count_scans",
    "stock_counts",
    "stock_moves",
    "users",
];

async fn facts(store: &Store) -> Vec<String> {
    let pool = store.pool();
    let mut out = Vec::new();
    for c in ops::status_counts(store).await.unwrap() {
        out.push(format!("orders {}: {}", c.status, c.count));
    }
    for table in TABLES {
        let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(pool)
            .await
            .unwrap();
        out.push(format!("rows {table}: {n}"));
    }
    let scans: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT outcome, COUNT(*), CAST(SUM(units) AS BIGINT) FROM scans \
         GROUP BY outcome ORDER BY outcome",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for (outcome, n, units) in scans {
        out.push(format!("scans {outcome}: {n}, {units} units"));
    }
    let (rows, on_hand, reserved): (i64, i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), CAST(SUM(on_hand) AS BIGINT), CAST(SUM(reserved) AS BIGINT) FROM stock",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    out.push(format!(
        "stock: {rows} bins of products, {on_hand} on hand, {reserved} reserved"
    ));
    let ledger: Vec<(String, String, i64, i64)> = sqlx::query_as(
        "SELECT kind, reason, COUNT(*), CAST(SUM(delta) AS BIGINT) FROM stock_moves \
         GROUP BY kind, reason ORDER BY kind, reason",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for (kind, reason, n, sum) in ledger {
        out.push(format!(
            "ledger {kind} {reason:?}: {n} moves, {sum:+} units"
        ));
    }
    let mut jobs = ops::print_jobs(store, 1000).await.unwrap();
    jobs.sort_by_key(|j| j.id);
    for j in jobs {
        out.push(format!(
            "print job {}: {} for {}{}, {} on {:?}, {} attempts, {}/{}, {:?} {:?} {:?} {:?}",
            j.id,
            j.kind.as_str(),
            j.key.describe(),
            j.carton.map(|c| format!(" carton {c}")).unwrap_or_default(),
            j.status,
            j.printer,
            j.attempts,
            j.user,
            j.station,
            j.format,
            j.paper,
            j.dpi,
            j.lang,
        ));
    }
    for h in ops::recent_handovers(store, 100).await.unwrap() {
        out.push(format!(
            "hand-over {}: {} by {}, {} parcels",
            h.id, h.carrier, h.closed_by, h.parcels
        ));
    }
    for p in ops::open_pick_lists(store).await.unwrap() {
        out.push(format!(
            "pick list {}: {:?} by {}, {} orders, {} lines, {} units, {} picked",
            p.id, p.status, p.created_by, p.orders, p.lines, p.units, p.picked
        ));
    }
    let returns: Vec<(i64, String, String, i64, String)> = sqlx::query_as(
        "SELECT r.id, o.number, r.outcome, r.refund_minor, r.note FROM returns r \
         JOIN orders o ON o.id = r.order_id ORDER BY r.id",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for (id, number, outcome, refund, note) in returns {
        out.push(format!(
            "return {id}: order {number}, {outcome}, refund {refund}, {note:?}"
        ));
    }
    let return_lines: Vec<(i64, String, i64, String, Option<String>, String)> = sqlx::query_as(
        "SELECT l.return_id, p.sku, l.units, l.condition, l.bin, l.reason FROM return_lines l \
         JOIN products p ON p.id = l.product_id ORDER BY l.id",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for (id, sku, units, condition, bin, reason) in return_lines {
        out.push(format!(
            "return {id} line: {sku} x{units} {condition} into {bin:?} {reason:?}"
        ));
    }
    for u in ops::list_users(store, &admin()).await.unwrap() {
        out.push(format!(
            "user {} ({}): {:?}, active {}, badge {}",
            u.login, u.name, u.roles, u.active, u.has_badge
        ));
    }
    for f in ops::saved_filters(store).await.unwrap() {
        out.push(format!(
            "saved filter {:?} by {}: {:?}",
            f.name, f.saved_by, f.filter.statuses
        ));
    }
    for s in ops::lifecycle(store).await.unwrap().statuses {
        out.push(format!(
            "status {} in {}: {} / {}, limit {:?}",
            s.code, s.stage, s.label_en, s.label_ru, s.max_minutes
        ));
    }
    let numbers: Vec<String> = sqlx::query_scalar("SELECT number FROM orders ORDER BY number")
        .fetch_all(pool)
        .await
        .unwrap();
    for number in numbers {
        order_facts(store, &number, &mut out).await;
    }
    out
}

async fn order_facts(store: &Store, number: &str, out: &mut Vec<String>) {
    let d = ops::order_detail(store, number).await.unwrap();
    let h = &d.head;
    out.push(format!(
        "order {number}: {}{} | {} | {} | {} | {} | {} | {} | {} {} | {} | {:?}",
        h.status,
        h.sub_status
            .as_deref()
            .map(|s| format!("/{s}"))
            .unwrap_or_default(),
        h.channel,
        h.customer_name,
        h.email,
        h.phone,
        h.shipping_address,
        h.delivery_method,
        h.delivery_cost_minor,
        h.currency,
        h.payment_status,
        h.comment,
    ));
    out.push(format!(
        "order {number}: created {}, claimed {:?} by {:?}, shipped {:?} {:?} {:?}, short {:?}, \
         manager {:?}, hold {:?}, split from {:?} into {:?}",
        h.created_at.timestamp_millis(),
        h.claimed_station,
        h.claimed_by,
        h.carrier,
        h.tracking_number,
        h.shipped_at.map(|t| t.timestamp_millis()),
        h.short_reason,
        h.manager,
        h.hold_reason,
        d.split_from_number,
        d.split_into,
    ));
    for l in &d.lines {
        out.push(format!(
            "order {number} line {}: {} {:?} x{} at {} less {} vat {} = {}, packed {}, \
             backordered {}, expected {:?}",
            l.position,
            l.sku,
            l.name,
            l.quantity,
            l.unit_price_minor,
            l.discount_minor,
            l.tax_rate_bp,
            l.amount_minor,
            l.packed,
            l.backordered,
            l.expected_on,
        ));
    }
    out.push(format!(
        "order {number}: {} units, {} packed, goods {}, total {}, paid {}, balance {}",
        d.units, d.packed, d.goods_total_minor, d.total_minor, d.paid_minor, d.balance_minor
    ));
    for p in &d.payments {
        out.push(format!(
            "order {number} {}: {} {} {:?} {:?} by {}/{}",
            p.kind, p.amount_minor, p.currency, p.method, p.note, p.user, p.station
        ));
    }
    for n in &d.notes {
        out.push(format!(
            "order {number} note{}: {:?} by {}/{}",
            if n.pinned { " (pinned)" } else { "" },
            n.text,
            n.user,
            n.station
        ));
    }
    out.push(format!(
        "order {number} events: {}",
        d.events
            .iter()
            .map(|e| e.kind.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    ));
    for s in &d.scans {
        out.push(format!(
            "order {number} scan: {} {} x{} by {}/{}",
            s.code, s.outcome, s.units, s.user, s.station
        ));
    }
    for c in ops::cartons_of(store, number).await.unwrap() {
        out.push(format!(
            "order {number} carton {}: {} {:?}, {} units, weight {:?} of {:?}, tracking {:?}, \
             closed by {:?}",
            c.seq,
            c.box_type,
            c.sscc,
            c.units,
            c.weight_g,
            c.expected_g,
            c.tracking_number,
            c.closed_by,
        ));
    }
}

// ---------------------------------------------------------------------------
// Released migrations
// ---------------------------------------------------------------------------

/// Every migration listed in tests/fixtures/migrations.sha384 is still
/// there with the SHA-384 that sqlx recorded when it ran it: a database
/// that ran the old text refuses to open with the new one.
#[tokio::test]
async fn released_migrations_are_never_edited() {
    let list_path = fixtures().join("migrations.sha384");
    let list = std::fs::read_to_string(&list_path).unwrap();
    let mut checksums: BTreeMap<String, String> = BTreeMap::new();
    for engine in ["sqlite", "postgres"] {
        let dir = migrations(engine);
        let migrator = sqlx::migrate::Migrator::new(dir.as_path()).await.unwrap();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let file = entry.unwrap().file_name().to_string_lossy().to_string();
            let Some(version) = file
                .split_once('_')
                .and_then(|(v, _)| v.parse::<i64>().ok())
            else {
                continue;
            };
            let m = migrator
                .iter()
                .find(|m| m.version == version)
                .unwrap_or_else(|| panic!("sqlx reads {engine}/{file}"));
            let hex: String = m.checksum.iter().map(|b| format!("{b:02x}")).collect();
            checksums.insert(format!("{engine}/{file}"), hex);
        }
    }
    let mut listed = Vec::new();
    let mut problems = Vec::new();
    for line in list.lines().filter(|l| !l.trim().is_empty()) {
        // sha384sum's own format: "<hex>  <path>".
        let (hex, path) = line.split_once("  ").unwrap_or_else(|| {
            panic!(
                "{}: {line:?} is not `<sha384>  <path>`",
                list_path.display()
            )
        });
        listed.push(path.to_string());
        match checksums.get(path) {
            None => problems.push(format!(
                "core/migrations/{path} was released and is gone (or renamed)"
            )),
            Some(now) if now != hex => problems.push(format!(
                "core/migrations/{path} was released and has been edited"
            )),
            Some(_) => {}
        }
    }
    assert!(
        problems.is_empty(),
        "{}\n\nA released migration never changes: databases out there ran it, and sqlx \
         refuses to open one whose migration no longer matches what it ran. Put the file \
         back as it was (`git checkout -- core/migrations/<path>`) and write the change \
         as a NEW migration, core/migrations/{{sqlite,postgres}}/NNNN_what.sql, numbered \
         after the newest. When a new migration is released, add it to the list:\n  \
         (cd core/migrations && sha384sum sqlite/NNNN_what.sql postgres/NNNN_what.sql) \
         >> tests/fixtures/migrations.sha384",
        problems.join("\n")
    );
    let unlisted: Vec<&String> = checksums.keys().filter(|p| !listed.contains(p)).collect();
    if !unlisted.is_empty() {
        eprintln!(
            "migrations not yet in tests/fixtures/migrations.sha384 (add them when released): {unlisted:?}"
        );
    }
    assert!(listed.len() >= 40, "the list holds schema 0020's 40 files");
}

// ---------------------------------------------------------------------------
// Making a fixture (by hand, once per schema worth keeping)
// ---------------------------------------------------------------------------

/// Makes `tests/fixtures/upgrade-NNNN.{sqlite,pg.sql,facts}` with the schema
/// of today (NNNN: the newest migration). Never overwrites a fixture.
/// Without PACKBENCH_TEST_PG_URL (and PACKBENCH_SKIP_PG=1) it makes the
/// SQLite file only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "makes the upgrade fixture; run by hand, see the top of this file"]
async fn make_upgrade_fixture() {
    let newest = std::fs::read_dir(migrations("sqlite"))
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().to_string();
            name.split_once('_')?.0.parse::<u32>().ok()
        })
        .max()
        .unwrap();
    let tag = format!("upgrade-{newest:04}");
    let sqlite_out = fixtures().join(format!("{tag}.sqlite"));
    let pg_out = fixtures().join(format!("{tag}.pg.sql"));
    let facts_out = fixtures().join(format!("{tag}.facts"));
    for path in [&sqlite_out, &pg_out, &facts_out] {
        assert!(
            !path.exists(),
            "{} exists: a fixture is made once, by the schema it records",
            path.display()
        );
    }

    // SQLite: filled, then one file without its WAL, vacuumed.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fixture.db");
    let clock = fixture_clock();
    let store = Store::open(&DbTarget::SqliteFile(db.clone()))
        .await
        .unwrap()
        .with_clock(clock.clone());
    fill(&store, &clock).await;
    let sqlite_facts = facts(&store).await;
    store.close().await;
    {
        use sqlx::Connection;
        let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.display()))
            .await
            .unwrap();
        // The pool's last connections may still be closing: wait for them.
        sqlx::raw_sql(
            "PRAGMA busy_timeout = 10000; PRAGMA wal_checkpoint(TRUNCATE); \
             PRAGMA journal_mode = DELETE; VACUUM;",
        )
        .execute(&mut conn)
        .await
        .unwrap();
        conn.close().await.unwrap();
    }
    std::fs::copy(&db, &sqlite_out).unwrap();

    // PostgreSQL: the same story on a database of its own, dumped and dropped.
    if let Some(url) = common::pg_url() {
        let admin_store = Store::open(&DbTarget::Postgres(url.clone())).await.unwrap();
        let name = format!("pbt_fixture_{}", std::process::id());
        create_database_if_missing(&admin_store, &name)
            .await
            .unwrap();
        let (base, _) = url.rsplit_once('/').unwrap();
        let db_url = format!("{base}/{name}");
        let clock = fixture_clock();
        let store = Store::open(&DbTarget::Postgres(db_url.clone()))
            .await
            .unwrap()
            .with_clock(clock.clone());
        fill(&store, &clock).await;
        let pg_facts = facts(&store).await;
        store.close().await;
        std::fs::write(&pg_out, pg_dump(&db_url)).unwrap();
        admin_store.close().await;
        drop_pg_database(&url, &name).await;
        let differ: Vec<(&String, &String)> = sqlite_facts
            .iter()
            .zip(&pg_facts)
            .filter(|(a, b)| a != b)
            .collect();
        assert!(
            differ.is_empty() && sqlite_facts.len() == pg_facts.len(),
            "the two engines hold different warehouses: {differ:#?}"
        );
    }
    let mut text = format!(
        "# What {tag}.sqlite and {tag}.pg.sql hold, as tests/tests/upgrade.rs `facts`\n\
         # read it when they were made. Never edited: it is the record of the old data.\n\
         # A `rows` line is a least count; every other line must be read back as it is.\n"
    );
    text.push_str(&sqlite_facts.join("\n"));
    text.push('\n');
    std::fs::write(&facts_out, text).unwrap();
    eprintln!(
        "wrote {} ({} bytes), {} and {}",
        sqlite_out.display(),
        std::fs::metadata(&sqlite_out).unwrap().len(),
        pg_out.display(),
        facts_out.display()
    );
}

/// The database as plain SQL: INSERTs rather than COPY so that sqlx can
/// run it, no owners or grants (the test server's role restores it), and
/// without pg_dump's `\restrict` lines (psql meta-commands that guard
/// against a hostile dump; this one is committed and reviewed).
fn pg_dump(url: &str) -> String {
    let out = std::process::Command::new("pg_dump")
        .args([
            "--no-owner",
            "--no-privileges",
            "--no-comments",
            "--inserts",
            "--rows-per-insert=100",
            "--dbname",
            url,
        ])
        .output()
        .expect("pg_dump runs (package postgresql-client)");
    assert!(
        out.status.success(),
        "pg_dump: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("\\restrict") && !l.starts_with("\\unrestrict"))
        .map(|l| format!("{l}\n"))
        .collect()
}

async fn unit_code(store: &Store, sku: &str) -> String {
    ops::product_by_sku(store, sku)
        .await
        .unwrap()
        .barcodes
        .iter()
        .find(|b| b.units == 1)
        .expect("a unit barcode")
        .code
        .clone()
}

/// Where a product lives.
async fn home_bin(store: &Store, sku: &str) -> Option<String> {
    ops::product_by_sku(store, sku).await.unwrap().default_bin
}

/// Scans every unit still to pack of `number` at the actor's station.
async fn scan_every_unit(store: &Store, actor: &Actor, number: &str, prefix: &str) {
    let detail = ops::order_detail(store, number).await.unwrap();
    for line in &detail.lines {
        let code = unit_code(store, &line.sku).await;
        for unit in line.packed..line.quantity {
            let r = ops::record_scan(
                store,
                actor,
                number,
                &code,
                &format!("{prefix}-{}-{unit}", line.id),
            )
            .await
            .unwrap();
            assert!(r.outcome.is_accepted(), "{number}: {r:?}");
        }
    }
}

/// Claims, packs and closes `number` at `actor`'s station, nothing printed.
async fn pack(store: &Store, actor: &Actor, number: &str) {
    ops::claim_order(store, actor, number).await.unwrap();
    scan_every_unit(store, actor, number, &format!("fx-{number}")).await;
    common::finish(store, actor, number, None).await.unwrap();
}

fn money(minor: i64) -> String {
    format!("{},{:02}", minor / 100, minor % 100)
}

/// The warehouse of the fixture: the demo (seed 1), then a working day.
async fn fill(store: &Store, clock: &FixedClock) {
    let office = admin();
    let boss = common::supervisor();
    let one = packer("station-1");
    let two = packer("station-2");
    ops::load_demo(store, &office, 1).await.unwrap();
    minutes(clock, 10);

    // The office's settings: an SSCC per carton, a saved filter, a step of
    // its own inside `confirmed`.
    ops::set_carton_settings(
        store,
        &office,
        &ops::CartonSettings {
            company_prefix: Some("4600123".into()),
            ..ops::CartonSettings::default()
        },
    )
    .await
    .unwrap();
    ops::save_filter(
        store,
        &boss,
        "Ждут сборки",
        &OrderFilter {
            statuses: vec![OrderStatus::Confirmed],
            ..OrderFilter::default()
        },
    )
    .await
    .unwrap();
    ops::add_status(
        store,
        &office,
        &NewStatus {
            code: "awaiting_call".into(),
            stage: OrderStatus::Confirmed,
            label_en: "Awaiting a call".into(),
            label_ru: "Ждёт звонка".into(),
            max_minutes: Some(120),
        },
    )
    .await
    .unwrap();
    minutes(clock, 5);

    // Picking: 1014 and 1015 on a pick list, its first line picked.
    let list = ops::create_pick_list(
        store,
        &picker(),
        PickSelection::Orders(vec!["1014".into(), "1015".into()]),
    )
    .await
    .unwrap();
    let first = &list.lines[0];
    let code = first.barcode.clone().unwrap();
    for n in 0..first.quantity {
        ops::pick_scan(
            store,
            &picker(),
            list.id,
            Some(&first.bin),
            &code,
            &format!("fx-pick-{n}"),
        )
        .await
        .unwrap();
    }
    minutes(clock, 5);

    // Packing, half done: 1016 at station-2, a product it does not hold
    // and a code that is no barcode refused, one unit accepted.
    ops::claim_order(store, &two, "1016").await.unwrap();
    let wrong = ops::record_scan(
        store,
        &two,
        "1016",
        &unit_code(store, "PB-0200").await,
        "fx-w1",
    )
    .await
    .unwrap();
    assert!(!wrong.outcome.is_accepted());
    let garbage = ops::record_scan(store, &two, "1016", "12345", "fx-w2")
        .await
        .unwrap();
    assert!(!garbage.outcome.is_accepted());
    let d = ops::order_detail(store, "1016").await.unwrap();
    let code = unit_code(store, &d.lines[0].sku).await;
    let ok = ops::record_scan(store, &two, "1016", &code, "fx-1016-0")
        .await
        .unwrap();
    assert!(ok.outcome.is_accepted());
    assert!(d.units > 1, "1016 is left half-packed");
    minutes(clock, 5);

    // Ready in two cartons with documents queued: 1017's first line into
    // carton 1 (weighed), the rest into a box S; the station prints by
    // itself but has no printer chosen, and a reprint of its invoice goes
    // to a printer that does not exist.
    ops::claim_order(store, &one, "1017").await.unwrap();
    let d = ops::order_detail(store, "1017").await.unwrap();
    assert!(d.lines.len() >= 2, "1017 has lines for two cartons");
    let code = unit_code(store, &d.lines[0].sku).await;
    for unit in 0..d.lines[0].quantity {
        let r = ops::record_scan(store, &one, "1017", &code, &format!("fx-1017-a-{unit}"))
            .await
            .unwrap();
        assert!(r.outcome.is_accepted());
    }
    ops::close_carton(store, &one, "1017", None, None, None)
        .await
        .unwrap();
    ops::open_carton(store, &one, "1017", Some("BOX-S"))
        .await
        .unwrap();
    scan_every_unit(store, &one, "1017", "fx-1017-b").await;
    let (packed, run) =
        ops::finish_packing(store, &one, "1017", None, &PrintSettings::default(), None)
            .await
            .unwrap();
    assert_eq!(packed.order.head.status, OrderStatus::Ready);
    run.send().await.unwrap();
    let failed = ops::print_document(
        store,
        &one,
        DocumentKind::Invoice,
        &DocumentKey::order("1017"),
        &DocumentSettings::for_kind(DocumentKind::Invoice).on("Packbench-No-Such-Printer"),
    )
    .await
    .unwrap();
    assert_eq!(failed.status, PrintStatus::Failed, "{failed:?}");
    minutes(clock, 5);

    // Shipped and handed over: 1018 and 1019 with СДЭК, the hand-over
    // closed; 1020 with Почта России, not yet handed over.
    for (number, carrier, tracking) in [
        ("1018", "СДЭК", "1084560018"),
        ("1019", "СДЭК", "1084560019"),
        ("1020", "Почта России", "80081234567890"),
    ] {
        pack(store, &one, number).await;
        ops::ship_order(store, &one, number, carrier, tracking)
            .await
            .unwrap();
    }
    ops::close_handover(store, &boss, "СДЭК").await.unwrap();
    minutes(clock, 60);

    // Delivered, then completed (1019 only).
    ops::move_orders(
        store,
        &boss,
        &["1018".into(), "1019".into()],
        OrderStatus::Delivered,
        None,
    )
    .await
    .unwrap();
    ops::move_orders(store, &boss, &["1019".into()], OrderStatus::Completed, None)
        .await
        .unwrap();
    minutes(clock, 5);

    // Returned: everything of 1020 back, resellable, refunded, its note
    // queued; one unit of 1018 back damaged, for nothing.
    let d = ops::order_detail(store, "1020").await.unwrap();
    let mut items = Vec::new();
    for l in &d.lines {
        items.push(ReturnItem {
            code: unit_code(store, &l.sku).await,
            units: l.quantity,
            condition: ItemCondition::Resellable,
            bin: home_bin(store, &l.sku).await,
            reason: "не подошёл размер".into(),
        });
    }
    let whole = ops::receive_return(
        store,
        &boss,
        "1020",
        &ReturnInput {
            items,
            outcome: ReturnOutcome::Refund,
            refund: Some(money(d.goods_total_minor)),
            method: "карта".into(),
            note: "вернули всё".into(),
            exchange: Vec::new(),
        },
    )
    .await
    .unwrap();
    assert_eq!(whole.status, OrderStatus::Returned);
    let (_, run) =
        ops::print_after_return(store, &boss, whole.return_id, &PrintSettings::default())
            .await
            .unwrap();
    run.send().await.unwrap();
    let d = ops::order_detail(store, "1018").await.unwrap();
    ops::receive_return(
        store,
        &boss,
        "1018",
        &ReturnInput {
            items: vec![ReturnItem {
                code: unit_code(store, &d.lines[0].sku).await,
                units: 1,
                condition: ItemCondition::Damaged,
                bin: None,
                reason: "разбито в дороге".into(),
            }],
            outcome: ReturnOutcome::None,
            refund: None,
            method: String::new(),
            note: String::new(),
            exchange: Vec::new(),
        },
    )
    .await
    .unwrap();
    minutes(clock, 5);

    // An exchange on a demo order delivered long ago (1003): one unit back,
    // the same product sent again.
    let d = ops::order_detail(store, "1003").await.unwrap();
    let exchanged = ops::receive_return(
        store,
        &boss,
        "1003",
        &ReturnInput {
            items: vec![ReturnItem {
                code: unit_code(store, &d.lines[0].sku).await,
                units: 1,
                condition: ItemCondition::Resellable,
                bin: home_bin(store, &d.lines[0].sku).await,
                reason: "брак".into(),
            }],
            outcome: ReturnOutcome::Exchange,
            refund: None,
            method: String::new(),
            note: "обмен".into(),
            exchange: Vec::new(),
        },
    )
    .await
    .unwrap();
    assert!(exchanged.exchange_number.is_some());
    minutes(clock, 5);

    // The office: 1021 cancelled, 1022 on hold, 1023 waits for a call,
    // 1024 split, 1043 confirmed, 1001 annotated, a phone order paid.
    ops::cancel_order(store, &boss, "1021", "клиент передумал")
        .await
        .unwrap();
    ops::hold_order(store, &boss, "1022", Some("ждём предоплату"))
        .await
        .unwrap();
    ops::set_sub_status(store, &boss, "1023", Some("awaiting_call"))
        .await
        .unwrap();
    let d = ops::order_detail(store, "1024").await.unwrap();
    let last = d.lines.last().unwrap();
    ops::split_order(
        store,
        &boss,
        "1024",
        &[SplitLine {
            line_id: last.id,
            quantity: last.quantity,
        }],
    )
    .await
    .unwrap();
    ops::confirm_order(store, &boss, "1043").await.unwrap();
    ops::add_note(
        store,
        &boss,
        "1001",
        "клиент просил доставку после 18:00",
        false,
    )
    .await
    .unwrap();
    minutes(clock, 1);
    ops::add_note(
        store,
        &boss,
        "1001",
        "хрупкое: кружки в пупырчатую плёнку",
        true,
    )
    .await
    .unwrap();
    let phoned = ops::create_order(
        store,
        &manager(),
        &PhoneOrderInput {
            customer: CustomerInput {
                id: None,
                name: "Петров Иван".into(),
                phone: "+7 912 345-67-89".into(),
                email: "ivan@example.ru".into(),
                address: "Казань, ул. Баумана, 1".into(),
            },
            lines: vec![LineInput {
                id: None,
                sku: "PB-0002".into(),
                quantity: 2,
                unit_price: "450".into(),
                discount: String::new(),
                tax_rate_bp: None,
            }],
            delivery_method: "СДЭК".into(),
            delivery_cost: "350".into(),
            comment: "позвонить за час".into(),
            currency: String::new(),
            manager: Some("maria".into()),
            channel: String::new(),
        },
    )
    .await
    .unwrap();
    ops::record_payment(
        store,
        &boss,
        &phoned.head.number,
        &PaymentInput {
            kind: PaymentKind::Payment,
            amount: money(phoned.balance_minor),
            currency: phoned.head.currency.clone(),
            method: "перевод".into(),
            note: "по счёту".into(),
        },
    )
    .await
    .unwrap();
    minutes(clock, 5);

    // Stock: received, moved, written off, and a bin counted one short.
    let code = unit_code(store, "PB-0005").await;
    let bin = ops::product_by_sku(store, "PB-0005").await.unwrap().stock[0]
        .0
        .clone();
    ops::receive_stock(store, &boss, &bin, &code, 6, "fx-recv-1")
        .await
        .unwrap();
    ops::save_bin(store, &office, "Z-01", "Резерв")
        .await
        .unwrap();
    ops::move_stock(store, &boss, &bin, "Z-01", &code, 2, "fx-move-1")
        .await
        .unwrap();
    ops::adjust_stock(
        store,
        &boss,
        &bin,
        &code,
        -1,
        AdjustReason::Damaged,
        Some("упала с полки"),
    )
    .await
    .unwrap();
    let sheet = ops::start_count(store, &boss, "Z-01").await.unwrap();
    ops::count_scan(store, &boss, sheet.count.id, &code, 1, "fx-count-1")
        .await
        .unwrap();
    ops::approve_count(store, &boss, sheet.count.id, None)
        .await
        .unwrap();
    minutes(clock, 5);
}
