//! `bench --suite dashboard`: each of the dashboard's queries on a
//! generated warehouse with its history (default 1,000,000 orders, every
//! completed one with its events, scans and carton), for a day, a week,
//! 30 days and a year, on SQLite and PostgreSQL. Its own database (the
//! other suites' figures were taken without a history): generated once
//! and kept in `--dir`, or `packbench_dashboard_vN` on the server. Beside
//! them, stage times read straight from the events (the `stage_spans`
//! view, without the counts migration 0024 keeps): the reason the counts
//! exist.

use super::bench::Sample;
use super::Failure;
use packbench_core::domain::OrderStatus;
use packbench_core::ops::{self, Actor, DashboardQuery, Role};
use packbench_core::store::bulk;
use packbench_core::store::dashboard::{self as tally, OnTheClock, Slice, WorkBy};
use packbench_core::store::{DbTarget, OpenOptions, Store};
use std::path::Path;
use std::time::Instant;

fn fail(e: packbench_core::Error) -> Failure {
    Failure::from(e)
}

/// Runs per query and range (the year's a third as many).
const RUNS: usize = 15;

pub async fn run(
    orders: usize,
    products: usize,
    dir: &Path,
    pg_url: Option<&str>,
) -> Result<Vec<String>, Failure> {
    let file = dir.join(format!(
        "dashboard-v{}-{}-{orders}-{products}.db",
        tally::HISTORY_VERSION,
        bulk::GENERATOR_VERSION
    ));
    let mut rows = Vec::new();
    let sqlite = open(&DbTarget::SqliteFile(file)).await?;
    prepare(&sqlite, orders, products).await?;
    rows.extend(measure(&sqlite, "SQLite").await?);
    sqlite.close().await;
    if let Some(url) = pg_url {
        let (base, _) = url
            .rsplit_once('/')
            .ok_or_else(|| super::usage("the PostgreSQL URL has no database name"))?;
        let admin = open(&DbTarget::Postgres(url.to_string())).await?;
        let name = format!(
            "packbench_dashboard_v{}_{}",
            tally::HISTORY_VERSION,
            bulk::GENERATOR_VERSION
        );
        packbench_core::store::create_database_if_missing(&admin, &name)
            .await
            .map_err(fail)?;
        admin.close().await;
        let pg = open(&DbTarget::Postgres(format!("{base}/{name}"))).await?;
        prepare(&pg, orders, products).await?;
        rows.extend(measure(&pg, "PostgreSQL").await?);
        pg.close().await;
    }
    Ok(rows)
}

async fn open(target: &DbTarget) -> Result<Store, Failure> {
    Store::open_with(
        target,
        OpenOptions {
            max_connections: 4,
            ..OpenOptions::default()
        },
    )
    .await
    .map_err(fail)
}

/// The warehouse and its history, unless the database holds them already.
async fn prepare(store: &Store, orders: usize, products: usize) -> Result<(), Failure> {
    let have = ops::order_count(store).await.map_err(fail)?;
    if have as usize == orders
        && tally::generated_history(store).await.map_err(fail)? == Some(tally::HISTORY_VERSION)
    {
        out!(
            "reusing {} ({have} orders with their history)",
            store.describe()
        );
        return Ok(());
    }
    if have != 0 {
        return Err(super::usage(format!(
            "{} holds {have} orders without a complete history; remove it and run again",
            store.describe()
        )));
    }
    let started = Instant::now();
    super::bench::generate_orders(store, products, orders).await?;
    let orders_took = started.elapsed();
    let history = tally::generate_history(store, |done| {
        if done % 100_000 == 0 {
            eprintln!(
                "  history of {done} orders in {:.1} s",
                started.elapsed().as_secs_f64()
            );
        }
    })
    .await
    .map_err(fail)?;
    out!(
        "generated {orders} orders in {:.1} s, then their history ({} events, {} scans, {} cartons, \
         counted by the dashboard's triggers as written) in {:.1} s, in {}",
        orders_took.as_secs_f64(),
        history.events,
        history.scans,
        history.cartons,
        (started.elapsed() - orders_took).as_secs_f64(),
        store.describe()
    );
    Ok(())
}

/// Times `runs` calls of `f`, into a row named `label: what`.
async fn time<F, Fut, T>(label: &str, what: &str, runs: usize, mut f: F) -> Result<String, Failure>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = packbench_core::Result<T>>,
{
    let mut sample = Sample::new(format!("{label}: {what}"));
    for _ in 0..runs {
        let t = Instant::now();
        f().await.map_err(fail)?;
        sample.times.push(t.elapsed());
    }
    let row = sample.row();
    eprintln!("{row}");
    Ok(row)
}

/// The sample's row, also written to stderr at once (a run stopped later
/// keeps its figures).
fn shown(s: &mut Sample) -> String {
    let row = s.row();
    eprintln!("{row}");
    row
}

async fn measure(store: &Store, engine: &str) -> Result<Vec<String>, Failure> {
    let supervisor = Actor::new("bench", "bench-dashboard", Role::Supervisor);
    let now = store.now();
    let now_ms = now.timestamp_millis();
    let mut rows = Vec::new();
    let mut conn = store.pool().acquire().await.map_err(|e| fail(e.into()))?;

    // The panels about now: no range.
    let label = format!("{engine}, now");
    rows.push(
        time(
            &label,
            "orders per status and overdue (the order lists' own count)",
            RUNS,
            || ops::status_counts(store),
        )
        .await?,
    );
    for (what, channel) in [
        ("orders per status and overdue", None),
        (
            "orders per status and overdue, one channel",
            Some("shopify"),
        ),
    ] {
        let mut s = Sample::new(format!("{label}: {what}"));
        for _ in 0..RUNS {
            let t = Instant::now();
            tally::status_counts(&mut conn, now_ms, channel)
                .await
                .map_err(fail)?;
            s.times.push(t.elapsed());
        }
        rows.push(shown(&mut s));
    }
    let mut stalls = Sample::new(format!(
        "{label}: the 5 longest waiting of each of 6 statuses"
    ));
    for _ in 0..RUNS {
        let t = Instant::now();
        for status in [
            OrderStatus::New,
            OrderStatus::Confirmed,
            OrderStatus::Picking,
            OrderStatus::Packing,
            OrderStatus::Ready,
            OrderStatus::Shipped,
        ] {
            tally::longest_waiting(&mut conn, status, None, now_ms, 5)
                .await
                .map_err(fail)?;
        }
        stalls.times.push(t.elapsed());
    }
    rows.push(shown(&mut stalls));

    for (range, days) in [
        ("a day", 1i64),
        ("a week", 7),
        ("30 days", 30),
        ("a year", 365),
    ] {
        let runs = if days > 30 { RUNS / 3 } else { RUNS };
        let from_ms = now_ms - days * 86_400_000;
        let label = format!("{engine}, {range}");
        let all = Slice::covering(from_ms, now_ms, None, None);
        let one_channel = Slice::covering(from_ms, now_ms, Some("shopify".into()), None);
        let one_station = Slice::covering(from_ms, now_ms, None, Some("Стол 2".into()));
        for (what, slice) in [
            ("stage histograms", &all),
            ("stage histograms, one channel", &one_channel),
            ("stage histograms, one station", &one_station),
        ] {
            let mut s = Sample::new(format!("{label}: {what}"));
            for _ in 0..runs {
                let t = Instant::now();
                tally::stage_bars(&mut conn, slice).await.map_err(fail)?;
                s.times.push(t.elapsed());
            }
            rows.push(shown(&mut s));
        }
        for (what, by) in [
            ("work per hour of the day", OnTheClock::HourOfDay),
            ("trend per day", OnTheClock::Day),
        ] {
            let mut s = Sample::new(format!("{label}: {what}"));
            for _ in 0..runs {
                let t = Instant::now();
                tally::work_on_the_clock(&mut conn, &all, by, 180, &tally::HOUR_METRICS)
                    .await
                    .map_err(fail)?;
                s.times.push(t.elapsed());
            }
            rows.push(shown(&mut s));
        }
        for (what, by) in [
            ("work per packer", WorkBy::Person),
            ("work per station", WorkBy::Station),
        ] {
            let mut s = Sample::new(format!("{label}: {what}"));
            for _ in 0..runs {
                let t = Instant::now();
                tally::work(&mut conn, &all, by, &tally::PACKING_METRICS)
                    .await
                    .map_err(fail)?;
                s.times.push(t.elapsed());
            }
            rows.push(shown(&mut s));
        }
        let mut s = Sample::new(format!("{label}: channels and stations offered"));
        for _ in 0..runs {
            let t = Instant::now();
            tally::choices(&mut conn, &all).await.map_err(fail)?;
            s.times.push(t.elapsed());
        }
        rows.push(shown(&mut s));
        let mut whole = Sample::new(format!("{label}: the whole dashboard (ops::dashboard)"));
        for _ in 0..runs {
            let query = DashboardQuery {
                from: now - chrono::Duration::days(days),
                to: now,
                channel: None,
                station: None,
                utc_offset_minutes: 180,
            };
            let t = Instant::now();
            ops::dashboard(store, &supervisor, &query)
                .await
                .map_err(fail)?;
            whole.times.push(t.elapsed());
        }
        rows.push(shown(&mut whole));
        // Without the counts: every stage's time read from the events.
        if days <= 30 {
            let runs = if days > 7 { 3 } else { 5 };
            let mut raw = Sample::new(format!(
                "{label}: stage times straight from the events (no counts; for comparison)"
            ));
            let mut spans = 0;
            for _ in 0..runs {
                let t = Instant::now();
                spans = tally::stage_spans_between(&mut conn, all.from_ms(), all.to_ms())
                    .await
                    .map_err(fail)?
                    .len();
                raw.times.push(t.elapsed());
            }
            eprintln!("  ({spans} stage times in {range})");
            rows.push(shown(&mut raw));
        }
    }
    Ok(rows)
}
