//! The supervisor's dashboard on a real database, SQLite and PostgreSQL: a
//! day of work done through the ops (orders imported, confirmed, picked,
//! packed at two tables by three packers with a wrong scan, an undo and a
//! short ship, shipped, delivered; one order held, one left new too long),
//! each at a known time. The test keeps its own log of what it did and
//! when, computes every figure from that log, and the dashboard must say
//! the same.

mod common;

use chrono::{DateTime, Duration, Utc};
use common::TestDb;
use packbench_core::clock::FixedClock;
use packbench_core::domain::{OrderStatus, ScanKind};
use packbench_core::ops::{
    self, Actor, Dashboard, DashboardChart, DashboardQuery, PickSelection, Role, Stage,
};
use packbench_core::store::dashboard::{stage_bar, STAGE_EDGES_MINUTES};
use packbench_core::store::Store;
use packbench_core::Error;
use std::collections::BTreeMap;
use std::sync::Arc;

const MUG: &str = "4006381333931";
const KETTLE: &str = "4601234567893";
const CANDLE: &str = "4600000000015";

/// 09:00 in Moscow on 2026-11-20; the day runs from 21:00 UTC the day before.
const START: &str = "2026-11-20T06:00:00Z";
const MOSCOW: i32 = 180;

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(START).unwrap().to_utc()
}

fn admin() -> Actor {
    Actor::new("admin", "Офис", Role::Admin)
}

/// A stage the test saw end: which, where, in which channel, how long.
struct Span {
    stage: Stage,
    station: &'static str,
    channel: &'static str,
    ms: i64,
}

/// One scan at the packing table as the test made it.
struct Scan {
    packer: &'static str,
    station: &'static str,
    at: DateTime<Utc>,
    kind: ScanKind,
    units: i64,
}

/// A box closed: by whom, where, when, short or not.
struct Packed {
    packer: &'static str,
    station: &'static str,
    channel: &'static str,
    at: DateTime<Utc>,
    short: bool,
}

#[derive(Default)]
struct Log {
    spans: Vec<Span>,
    scans: Vec<Scan>,
    packed: Vec<Packed>,
    created: usize,
    confirmed: usize,
    shipped: usize,
    delivered: usize,
}

struct Day {
    store: Store,
    clock: Arc<FixedClock>,
    log: Log,
}

impl Day {
    /// Moves the clock to `minutes` after 09:00 Moscow time.
    fn at(&self, minutes: i64) -> DateTime<Utc> {
        let target = t0() + Duration::minutes(minutes);
        let now = self.store.now();
        assert!(target >= now, "the day runs forward");
        self.clock.advance(target - now);
        target
    }
}

async fn import(store: &Store, number: &str, channel: &str, lines: &[(&str, i64)]) {
    let mut csv = String::from(
        "number,channel,customer_name,currency,payment_status,sku,item_name,quantity,unit_price\n",
    );
    for (k, (sku, qty)) in lines.iter().enumerate() {
        if k == 0 {
            csv.push_str(&format!(
                "{number},{channel},Покупатель {number},RUB,paid,{sku},{sku},{qty},500\n"
            ));
        } else {
            csv.push_str(&format!("{number},,,,,{sku},{sku},{qty},500\n"));
        }
    }
    let s = ops::import_orders(
        store,
        &admin(),
        csv.as_bytes(),
        packbench_core::exchange::OrderFormat::Packbench,
    )
    .await
    .unwrap();
    assert_eq!(s.imported, 1, "{:?}", s.errors);
}

/// Scans one code at the packing table at the clock's time and logs it.
async fn scan(day: &mut Day, packer: &Actor, number: &str, code: &str, id: &str) -> ScanKind {
    let r = ops::record_scan(&day.store, packer, number, code, id)
        .await
        .unwrap();
    let kind = r.outcome.kind();
    day.log.scans.push(Scan {
        packer: name_of(packer),
        station: station_of(packer),
        at: day.store.now(),
        kind,
        units: r.outcome.packed_units().map_or(0, |(_, u)| u),
    });
    kind
}

fn name_of(a: &Actor) -> &'static str {
    match a.user.as_str() {
        "Анна" => "Анна",
        "Борис" => "Борис",
        "Вера" => "Вера",
        other => panic!("not a packer of this day: {other}"),
    }
}

fn station_of(a: &Actor) -> &'static str {
    match a.station.as_str() {
        "Стол 1" => "Стол 1",
        "Стол 2" => "Стол 2",
        other => panic!("not a table of this day: {other}"),
    }
}

/// The day, done through the ops; the log of what happened and when.
async fn work_a_day(db: &TestDb) -> Day {
    let clock = Arc::new(FixedClock::at(t0() - Duration::hours(1)));
    let store = db.store.clone().with_clock(clock.clone());
    let products = "sku,name,weight_g,bin,barcodes,stock\n\
        PB-1,Кружка «Утро»,350,A-01,4006381333931,50\n\
        PB-2,Чайник 1.7 л,1200,B-01,4601234567893,50\n\
        PB-3,Свеча ароматическая,200,C-01,4600000000015,50\n";
    let p = ops::import_products(&store, &admin(), products.as_bytes())
        .await
        .unwrap();
    assert_eq!(p.imported, 3, "{:?}", p.errors);
    // A new order may wait an hour before it is overdue.
    ops::set_status_limit(&store, &admin(), "new", Some(60))
        .await
        .unwrap();
    let approval = common::approver(&store).await;

    let mut day = Day {
        store: store.clone(),
        clock,
        log: Log::default(),
    };
    let desk = Actor::new("Мария", "Офис", Role::Manager);
    let picker = Actor::new("Игорь", "Склад", Role::Picker);
    let anna = Actor::new("Анна", "Стол 1", Role::Packer);
    let boris = Actor::new("Борис", "Стол 2", Role::Packer);
    let vera = Actor::new("Вера", "Стол 1", Role::Packer);
    let dispatch = Actor::new("Олег", "Отгрузка", Role::Packer);
    let supervisor = Actor::new("Ольга", "Офис", Role::Supervisor);
    let mut created = BTreeMap::new();
    let mut confirmed = BTreeMap::new();
    let mut picked = BTreeMap::new();
    let mut packed_at = BTreeMap::new();
    let mut shipped_at = BTreeMap::new();
    let channel_of = |n: &str| match n {
        "3002" | "3004" | "3006" => "web",
        _ => "phone",
    };

    macro_rules! create {
        ($minute:expr, $number:expr, $lines:expr) => {{
            let at = day.at($minute);
            import(&store, $number, channel_of($number), $lines).await;
            created.insert($number, at);
            day.log.created += 1;
        }};
    }
    macro_rules! confirm {
        ($minute:expr, $number:expr) => {{
            let at = day.at($minute);
            ops::confirm_order(&store, &desk, $number).await.unwrap();
            day.log.spans.push(Span {
                stage: Stage::Confirm,
                station: "Офис",
                channel: channel_of($number),
                ms: (at - created[$number]).num_milliseconds(),
            });
            confirmed.insert($number, at);
            day.log.confirmed += 1;
        }};
    }

    create!(0, "3001", &[("PB-1", 2), ("PB-2", 1)]);
    create!(5, "3002", &[("PB-1", 1), ("PB-3", 2)]);
    confirm!(10, "3001");
    confirm!(15, "3002");

    // Both picked on one list.
    day.at(20);
    let list = ops::create_pick_list(
        &store,
        &picker,
        PickSelection::Orders(vec!["3001".into(), "3002".into()]),
    )
    .await
    .unwrap();
    let mut sid = 0;
    for line in &list.lines {
        sid += 1;
        ops::pick_scan(
            &store,
            &picker,
            list.id,
            None,
            &line.bin,
            &format!("p{sid}"),
        )
        .await
        .unwrap();
        let code = line.barcode.clone().expect("every product has a barcode");
        for _ in 0..line.quantity {
            sid += 1;
            ops::pick_scan(
                &store,
                &picker,
                list.id,
                Some(&line.bin),
                &code,
                &format!("p{sid}"),
            )
            .await
            .unwrap();
        }
    }
    create!(30, "3003", &[("PB-3", 1)]);
    create!(40, "3004", &[("PB-2", 1)]);
    confirm!(45, "3003");
    let at = day.at(50);
    ops::complete_pick_list(&store, &picker, list.id)
        .await
        .unwrap();
    for n in ["3001", "3002"] {
        day.log.spans.push(Span {
            stage: Stage::Pick,
            station: "Склад",
            channel: channel_of(n),
            ms: (at - confirmed[n]).num_milliseconds(),
        });
        picked.insert(n, at);
    }
    confirm!(55, "3004");
    day.at(57);
    ops::hold_order(&store, &desk, "3004", Some("ждём оплату"))
        .await
        .unwrap();

    // Анна packs 3001 at table 1: a candle is not in the order.
    day.at(60);
    ops::claim_order(&store, &anna, "3001").await.unwrap();
    day.at(61);
    assert_eq!(
        scan(&mut day, &anna, "3001", CANDLE, "s1").await,
        ScanKind::WrongItem
    );
    for (minute, code, id) in [(62, MUG, "s2"), (63, MUG, "s3"), (64, KETTLE, "s4")] {
        day.at(minute);
        assert_eq!(
            scan(&mut day, &anna, "3001", code, id).await,
            ScanKind::Accepted
        );
    }
    // Борис packs 3002 at table 2, one candle short.
    day.at(65);
    ops::claim_order(&store, &boris, "3002").await.unwrap();
    for (minute, code, id) in [(66, MUG, "s5"), (67, CANDLE, "s6")] {
        day.at(minute);
        assert_eq!(
            scan(&mut day, &boris, "3002", code, id).await,
            ScanKind::Accepted
        );
    }
    macro_rules! finish {
        ($minute:expr, $packer:expr, $number:expr, $short:expr) => {{
            let at = day.at($minute);
            match $short {
                None => common::finish(&store, &$packer, $number, None)
                    .await
                    .unwrap(),
                Some(reason) => common::finish_approved(
                    &store,
                    &$packer,
                    $number,
                    Some(reason),
                    Some(&approval),
                )
                .await
                .unwrap(),
            };
            let start = picked.get($number).copied().unwrap_or(confirmed[$number]);
            day.log.spans.push(Span {
                stage: Stage::Pack,
                station: station_of(&$packer),
                channel: channel_of($number),
                ms: (at - start).num_milliseconds(),
            });
            day.log.packed.push(Packed {
                packer: name_of(&$packer),
                station: station_of(&$packer),
                channel: channel_of($number),
                at,
                short: $short.is_some(),
            });
            packed_at.insert($number, at);
        }};
    }
    finish!(72, anna, "3001", None::<&str>);
    finish!(80, boris, "3002", Some("нет на складе"));
    create!(90, "3005", &[("PB-1", 1)]);
    create!(120, "3006", &[("PB-2", 2)]);
    confirm!(125, "3006");

    // Вера packs 3003 at table 1, which was never on a pick list.
    day.at(135);
    ops::claim_order(&store, &vera, "3003").await.unwrap();
    day.at(136);
    scan(&mut day, &vera, "3003", CANDLE, "s7").await;
    finish!(150, vera, "3003", None::<&str>);

    // Анна packs 3006 and takes one kettle back out before scanning it again.
    day.at(180);
    ops::claim_order(&store, &anna, "3006").await.unwrap();
    day.at(181);
    scan(&mut day, &anna, "3006", KETTLE, "s8").await;
    day.at(182);
    let undone = ops::undo_last_scan(&store, &anna, "3006").await.unwrap();
    day.log.scans.push(Scan {
        packer: "Анна",
        station: "Стол 1",
        at: day.store.now(),
        kind: ScanKind::Undo,
        units: -1,
    });
    assert_eq!(
        undone.packed, 0,
        "the kettle is out of the box again: {undone:?}"
    );
    for (minute, id) in [(183, "s9"), (184, "s10")] {
        day.at(minute);
        scan(&mut day, &anna, "3006", KETTLE, id).await;
    }
    finish!(190, anna, "3006", None::<&str>);

    // The courier at 17:00 Moscow time.
    for (minute, number, tracking) in [
        (480, "3001", "1000000001"),
        (481, "3002", "1000000002"),
        (482, "3006", "1000000003"),
    ] {
        let at = day.at(minute);
        ops::ship_order(&store, &dispatch, number, "СДЭК", tracking)
            .await
            .unwrap();
        day.log.spans.push(Span {
            stage: Stage::Ship,
            station: "Отгрузка",
            channel: channel_of(number),
            ms: (at - packed_at[number]).num_milliseconds(),
        });
        shipped_at.insert(number, at);
        day.log.shipped += 1;
    }
    let at = day.at(600);
    let moved = ops::move_orders(
        &store,
        &supervisor,
        &["3001".into(), "3002".into()],
        OrderStatus::Delivered,
        None,
    )
    .await
    .unwrap();
    assert!(moved.iter().all(|m| m.refused.is_none()), "{moved:?}");
    for n in ["3001", "3002"] {
        day.log.spans.push(Span {
            stage: Stage::Deliver,
            station: "Офис",
            channel: channel_of(n),
            ms: (at - shipped_at[n]).num_milliseconds(),
        });
        day.log.delivered += 1;
    }
    // 21:00 in Moscow: the supervisor looks.
    day.at(720);
    day
}

fn the_day(channel: Option<&str>, station: Option<&str>) -> DashboardQuery {
    let from = t0() - Duration::hours(9);
    DashboardQuery {
        from,
        to: from + Duration::days(1),
        channel: channel.map(str::to_string),
        station: station.map(str::to_string),
        utc_offset_minutes: MOSCOW,
    }
}

/// The time a share `q` of the orders finished within, as the dashboard
/// documents it, computed here from the spans themselves: the span of rank
/// ⌈q·n⌉ picks its histogram bar; that bar's spans count as spread evenly
/// across it, the k-th of m at (k - ½)/m of the bar's width.
fn expected_percentile(ms: &[i64], q: f64) -> Option<i64> {
    if ms.is_empty() {
        return None;
    }
    let mut sorted = ms.to_vec();
    sorted.sort();
    let rank = ((q * sorted.len() as f64).ceil() as usize).max(1);
    let exact = sorted[rank - 1];
    let bar = stage_bar(exact);
    let in_bar: Vec<i64> = sorted
        .iter()
        .copied()
        .filter(|m| stage_bar(*m) == bar)
        .collect();
    let before = sorted.iter().filter(|m| stage_bar(**m) < bar).count();
    let k = (rank - before) as f64;
    let low = if bar == 0 {
        0
    } else {
        STAGE_EDGES_MINUTES[bar - 1] * 60
    };
    let high = STAGE_EDGES_MINUTES[bar] * 60;
    let at = low + ((high - low) as f64 * (k - 0.5) / in_bar.len() as f64).round() as i64;
    // Within the bar of the exact value: the figure is never a bar off.
    assert_eq!(
        stage_bar(at * 1000),
        bar,
        "{at} s lies in the bar of {exact} ms"
    );
    Some(at)
}

fn check_stages(d: &Dashboard, log: &Log, keep: impl Fn(&Span) -> bool, what: &str) {
    for stage in Stage::ALL {
        let ms: Vec<i64> = log
            .spans
            .iter()
            .filter(|s| s.stage == *stage && keep(s))
            .map(|s| s.ms)
            .collect();
        let got = d.stages.iter().find(|s| s.stage == *stage).unwrap();
        let mut histogram = vec![0i64; STAGE_EDGES_MINUTES.len() + 1];
        for m in &ms {
            histogram[stage_bar(*m)] += 1;
        }
        assert_eq!(got.orders, ms.len() as i64, "{what}: {stage} orders");
        assert_eq!(got.histogram, histogram, "{what}: {stage} histogram");
        assert_eq!(
            got.median_seconds,
            expected_percentile(&ms, 0.5),
            "{what}: {stage} median of {ms:?}"
        );
        assert_eq!(
            got.p90_seconds,
            expected_percentile(&ms, 0.9),
            "{what}: {stage} p90 of {ms:?}"
        );
    }
}

/// Per packer or per station from the log: (orders, short, units,
/// cartons, item scans, wrong scans).
fn expected_work(log: &Log, by_station: bool, station: Option<&str>) -> BTreeMap<String, [i64; 6]> {
    let mut out: BTreeMap<String, [i64; 6]> = BTreeMap::new();
    let key = |packer: &str, st: &str| if by_station { st } else { packer }.to_string();
    for p in log
        .packed
        .iter()
        .filter(|p| station.is_none_or(|s| s == p.station))
    {
        let e = out.entry(key(p.packer, p.station)).or_default();
        e[0] += 1;
        e[1] += i64::from(p.short);
        // One carton a box: the default box opened at the first item.
        e[3] += 1;
    }
    for s in log
        .scans
        .iter()
        .filter(|s| station.is_none_or(|st| st == s.station))
    {
        let e = out.entry(key(s.packer, s.station)).or_default();
        e[2] += s.units;
        if s.kind != ScanKind::Undo {
            e[4] += 1;
        }
        if s.kind == ScanKind::WrongItem {
            e[5] += 1;
        }
    }
    out
}

fn check_work(list: &[ops::PackingWork], expected: &BTreeMap<String, [i64; 6]>, what: &str) {
    let got: BTreeMap<String, [i64; 6]> = list
        .iter()
        .map(|p| {
            (
                p.name.clone(),
                [
                    p.orders,
                    p.short_orders,
                    p.units,
                    p.cartons,
                    p.item_scans,
                    p.wrong_scans,
                ],
            )
        })
        .collect();
    assert_eq!(
        &got, expected,
        "{what}: orders, short, units, cartons, scans, wrong"
    );
    for p in list {
        let [orders, short, _, _, scans, wrong] = expected[&p.name];
        assert_eq!(
            p.short_ship_rate,
            (orders > 0).then(|| short as f64 / orders as f64),
            "{what}: {}'s short-ship rate",
            p.name
        );
        assert_eq!(
            p.wrong_scan_rate,
            (scans > 0).then(|| wrong as f64 / scans as f64),
            "{what}: {}'s wrong-scan rate",
            p.name
        );
    }
}

fn moscow_hour(t: DateTime<Utc>) -> usize {
    ((t + Duration::minutes(MOSCOW.into()))
        .timestamp()
        .rem_euclid(86_400)
        / 3600) as usize
}

on_both_engines!(the_dashboard_says_what_the_day_of_work_did, |db| {
    let day = work_a_day(&db).await;
    let store = &day.store;
    let log = &day.log;
    let boss = common::supervisor();
    let d = ops::dashboard(store, &boss, &the_day(None, None))
        .await
        .unwrap();

    assert_eq!(
        d.from,
        t0() - Duration::hours(9),
        "the day starts at midnight in Moscow"
    );
    check_stages(&d, log, |_| true, "the whole day");

    let packers = expected_work(log, false, None);
    assert_eq!(packers.len(), 3, "Анна, Борис and Вера packed");
    check_work(&d.packers, &packers, "per packer");
    assert_eq!(
        d.packers[0].name, "Анна",
        "most orders first: {:?}",
        d.packers
    );
    assert_eq!(
        d.packers[0].wrong_scan_rate,
        Some(1.0 / 7.0),
        "1 wrong of 7 scans"
    );
    let boris = d.packers.iter().find(|p| p.name == "Борис").unwrap();
    assert_eq!(boris.short_ship_rate, Some(1.0), "his only box went short");
    check_work(&d.stations, &expected_work(log, true, None), "per station");

    // Per hour of the day on the Moscow clock.
    let mut hours = vec![[0i64; 3]; 24];
    for p in &log.packed {
        hours[moscow_hour(p.at)][0] += 1;
        hours[moscow_hour(p.at)][2] += 1;
    }
    for s in &log.scans {
        hours[moscow_hour(s.at)][1] += s.units;
    }
    let got: Vec<[i64; 3]> = d
        .hours
        .iter()
        .map(|h| [h.orders, h.units, h.cartons])
        .collect();
    assert_eq!(got, hours, "orders, units and cartons per hour");
    assert_eq!(
        d.hours[10].orders, 2,
        "3001 and 3002 closed between 10 and 11"
    );

    // The trend: one day.
    assert_eq!(d.days.len(), 1, "{:?}", d.days);
    let today = &d.days[0];
    assert_eq!(today.day.to_string(), "2026-11-20");
    let units: i64 = log.scans.iter().map(|s| s.units).sum();
    assert_eq!(
        (
            today.created,
            today.confirmed,
            today.packed,
            today.shipped,
            today.delivered,
            today.cancelled,
            today.units
        ),
        (
            log.created as i64,
            log.confirmed as i64,
            log.packed.len() as i64,
            log.shipped as i64,
            log.delivered as i64,
            0,
            units
        ),
        "{today:?}"
    );

    // Now: every order per status, as the order lists count them.
    assert_eq!(d.statuses, ops::status_counts(store).await.unwrap());
    let count = |s: OrderStatus| d.statuses.iter().find(|c| c.status == s).unwrap().clone();
    assert_eq!(
        (
            count(OrderStatus::New).count,
            count(OrderStatus::New).overdue
        ),
        (1, 1),
        "3005 waits past its hour"
    );
    assert_eq!(
        (
            count(OrderStatus::Confirmed).count,
            count(OrderStatus::Confirmed).overdue
        ),
        (1, 0)
    );
    assert_eq!(count(OrderStatus::Delivered).count, 2);

    // Where orders stall.
    let stall = |s: OrderStatus| {
        d.stalls
            .iter()
            .find(|x| x.status == s)
            .unwrap()
            .orders
            .clone()
    };
    let new = stall(OrderStatus::New);
    assert_eq!(new.len(), 1);
    assert_eq!(new[0].number, "3005");
    assert!(new[0].overdue, "{:?}", new[0]);
    assert_eq!(new[0].minutes, 720 - 90, "waiting since it came in");
    let held = stall(OrderStatus::Confirmed);
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].number, "3004");
    assert_eq!(held[0].hold_reason.as_deref(), Some("ждём оплату"));
    assert!(!held[0].overdue, "a confirmed order may wait a day");
    assert_eq!(stall(OrderStatus::Ready)[0].number, "3003");
    assert_eq!(stall(OrderStatus::Shipped)[0].number, "3006");
    assert!(stall(OrderStatus::Packing).is_empty());

    for c in ["phone", "web"] {
        assert!(
            d.channel_choices.contains(&c.to_string()),
            "{:?}",
            d.channel_choices
        );
    }
    for s in ["Офис", "Склад", "Стол 1", "Стол 2", "Отгрузка"] {
        assert!(
            d.station_choices.contains(&s.to_string()),
            "{:?}",
            d.station_choices
        );
    }

    // One channel: its orders' stages and work only.
    let web = ops::dashboard(store, &boss, &the_day(Some("web"), None))
        .await
        .unwrap();
    check_stages(&web, log, |s| s.channel == "web", "channel web");
    let web_packed: Vec<&Packed> = log.packed.iter().filter(|p| p.channel == "web").collect();
    assert_eq!(
        web.packers.iter().map(|p| p.orders).sum::<i64>(),
        web_packed.len() as i64
    );
    assert_eq!(
        web.days[0].created, 3,
        "3002, 3004 and 3006 came in on the web"
    );
    let web_count = |s: OrderStatus| web.statuses.iter().find(|c| c.status == s).unwrap().count;
    assert_eq!(
        (
            web_count(OrderStatus::New),
            web_count(OrderStatus::Confirmed),
            web_count(OrderStatus::Shipped),
            web_count(OrderStatus::Delivered)
        ),
        (0, 1, 1, 1),
        "{:?}",
        web.statuses
    );
    assert!(web
        .stalls
        .iter()
        .all(|s| s.orders.iter().all(|w| w.channel == "web")));

    // One station: what was done there.
    let table = ops::dashboard(store, &boss, &the_day(None, Some("Стол 1")))
        .await
        .unwrap();
    check_stages(&table, log, |s| s.station == "Стол 1", "station Стол 1");
    check_work(
        &table.packers,
        &expected_work(log, false, Some("Стол 1")),
        "packers at Стол 1",
    );
    assert_eq!(
        table
            .packers
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>(),
        ["Анна", "Вера"]
    );
    assert_eq!(table.days[0].created, 0, "orders come in at the office");

    // Five days around it, read from the days' counts and the hours at
    // the edges: the same figures as the day alone.
    let mut days = the_day(None, None);
    days.from -= Duration::days(2);
    days.to += Duration::days(2);
    let around = ops::dashboard(store, &boss, &days).await.unwrap();
    assert_eq!(around.stages, d.stages, "stage times over five days");
    assert_eq!(around.packers, d.packers, "packers over five days");
    assert_eq!(around.stations, d.stations, "stations over five days");
    assert_eq!(around.hours, d.hours, "hours of the day over five days");
    assert_eq!(around.days.len(), 5);
    assert_eq!(around.days[2], d.days[0], "the day among the five");
    check_stages(&around, log, |_| true, "five days");

    // Another day: nothing happened.
    let mut yesterday = the_day(None, None);
    yesterday.from -= Duration::days(1);
    yesterday.to -= Duration::days(1);
    let before = ops::dashboard(store, &boss, &yesterday).await.unwrap();
    assert!(before
        .stages
        .iter()
        .all(|s| s.orders == 0 && s.median_seconds.is_none()));
    assert!(before.packers.is_empty());

    // Any chart's numbers as CSV: the chart's table, rates in per cent.
    let csv = ops::dashboard_csv(&d, DashboardChart::Packers, false).unwrap();
    let anna = csv.lines().find(|l| l.starts_with("Анна,")).unwrap();
    assert_eq!(anna, "Анна,2,0,0.0,5,2,7,1,14.3", "{csv}");
    let csv = ops::dashboard_csv(&d, DashboardChart::Stalls, true).unwrap();
    assert!(csv.contains("ждём оплату"), "{csv}");
    assert!(csv.starts_with("Статус,Заказ,Канал,С (UTC+03:00)"), "{csv}");
    assert!(
        csv.contains("Подтверждён,3004,web,2026-11-20 09:55,"),
        "the held order by its status's Russian name, since when on the Moscow clock: {csv}"
    );

    // The screen's numbers are the same tables, row for row.
    for russian in [true, false] {
        for table in ops::dashboard_tables(&d, russian) {
            let csv = ops::dashboard_csv(&d, table.chart, russian).unwrap();
            let mut reader = csv::Reader::from_reader(csv.as_bytes());
            let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
            assert_eq!(header, table.columns, "{:?}", table.chart);
            let rows: Vec<Vec<String>> = reader
                .records()
                .map(|r| r.unwrap().iter().map(String::from).collect())
                .collect();
            let cells: Vec<Vec<String>> = table.rows.iter().map(|r| r.cells.clone()).collect();
            assert_eq!(rows, cells, "{:?}", table.chart);
            assert_eq!(table.numeric.len(), table.columns.len());
        }
    }
    let stages = ops::dashboard_table(&d, DashboardChart::Stages, false);
    let pack = stages.rows.iter().find(|r| r.key == "pack").unwrap();
    let median = d
        .stages
        .iter()
        .find(|s| s.stage == Stage::Pack)
        .unwrap()
        .median_seconds;
    assert_eq!(
        pack.cells[2],
        format!("{:.1}", median.unwrap() as f64 / 60.0),
        "the median in minutes"
    );
});

// The tables name statuses as the store does (its lifecycle, as the order
// lists and exports name them): in Russian by their Russian names, and a
// status the store renamed by its new name; never by their codes.
on_both_engines!(the_tables_name_statuses_as_the_store_does, |db| {
    let store = db.store.clone();
    let admin = admin();
    let d = ops::dashboard(&store, &admin, &the_day(None, None))
        .await
        .unwrap();
    let name = |d: &Dashboard, russian: bool, code: &str| {
        ops::dashboard_table(d, DashboardChart::Statuses, russian)
            .rows
            .into_iter()
            .find(|r| r.key == code)
            .unwrap()
            .cells[0]
            .clone()
    };
    assert_eq!(name(&d, true, "confirmed"), "Подтверждён");
    assert_eq!(name(&d, true, "shipped"), "Отправлен");
    assert_eq!(name(&d, false, "confirmed"), "Confirmed");
    let csv = ops::dashboard_csv(&d, DashboardChart::Statuses, true).unwrap();
    assert!(
        !csv.lines().skip(1).any(|l| l.starts_with("confirmed")),
        "no status code in the Russian CSV: {csv}"
    );
    ops::rename_status(&store, &admin, "confirmed", "Accepted", "Принят")
        .await
        .unwrap();
    let d = ops::dashboard(&store, &admin, &the_day(None, None))
        .await
        .unwrap();
    assert_eq!(
        name(&d, true, "confirmed"),
        "Принят",
        "the store's own name"
    );
    let view = ops::dashboard_view(
        &store,
        &admin,
        &the_day(None, None),
        packbench_core::documents::Lang::En,
    )
    .await
    .unwrap();
    let statuses = &view.tables[0];
    assert_eq!(statuses.chart, DashboardChart::Statuses);
    assert_eq!(statuses.title, "Orders per status now");
    assert_eq!(statuses.columns[0], "Status");
    assert!(statuses.rows.iter().any(|r| r.cells[0] == "Accepted"));
});

on_both_engines!(only_supervisors_and_admins_see_the_dashboard, |db| {
    let store = db.store.clone();
    let packer = common::packer("Стол 1");
    match ops::dashboard(&store, &packer, &the_day(None, None)).await {
        Err(Error::Forbidden { .. }) => {}
        other => panic!("a packer was shown the dashboard: {other:?}"),
    }
    let empty = ops::dashboard(&store, &admin(), &the_day(None, None))
        .await
        .unwrap();
    assert!(empty.packers.is_empty(), "an empty warehouse did no work");
    let mut backwards = the_day(None, None);
    backwards.to = backwards.from;
    let e = ops::dashboard(&store, &admin(), &backwards)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Invalid(_)), "{e}");
});

// The counts kept as the history is written equal the counts migration
// 0024 makes from a history written before it: the triggers and the
// migration count the same things.
on_both_engines!(
    the_counts_kept_as_it_happens_equal_the_counts_made_from_the_history,
    |db| {
        let day = work_a_day(&db).await;
        let pool = day.store.pool();
        // Every count, hours and days, as (key columns as text, n).
        let read = || async {
            let mut all: Vec<(String, i64)> = Vec::new();
            for sql in [
                "SELECT CAST(hour AS TEXT) || ' ' || stage || ' ' || channel || ' ' || station || ' ' \
                 || CAST(bucket AS TEXT), n FROM stage_tally WHERE n <> 0",
                "SELECT CAST(day AS TEXT) || ' ' || stage || ' ' || channel || ' ' || station || ' ' \
                 || CAST(bucket AS TEXT), n FROM stage_days WHERE n <> 0",
                "SELECT CAST(hour AS TEXT) || ' ' || metric || ' ' || channel || ' ' || station || ' ' \
                 || user_name, n FROM work_tally WHERE n <> 0",
                "SELECT CAST(day AS TEXT) || ' ' || metric || ' ' || channel || ' ' || station || ' ' \
                 || user_name, n FROM work_days WHERE n <> 0",
            ] {
                let mut rows: Vec<(String, i64)> =
                    sqlx::query_as(sql).fetch_all(pool).await.unwrap();
                rows.sort();
                all.push((format!("-- {}", sql.split(" FROM ").nth(1).unwrap_or("")), 0));
                all.extend(rows);
            }
            all
        };
        let kept = read().await;
        assert!(kept.len() > 20, "the day was counted: {kept:?}");
        let engine = match day.store.engine() {
            packbench_core::store::Engine::Sqlite => "sqlite",
            packbench_core::store::Engine::Postgres => "postgres",
        };
        let migration = std::fs::read_to_string(format!(
            "{}/../core/migrations/{engine}/0024_dashboard.sql",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        let (_, rest) = migration
            .split_once("-- The history written before this migration.\n")
            .expect("the migration counts the history written before it");
        let (backfill, _) = rest.split_once("\nCREATE ").unwrap();
        for table in ["stage_tally", "stage_days", "work_tally", "work_days"] {
            sqlx::query(&format!("DELETE FROM {table}"))
                .execute(pool)
                .await
                .unwrap();
        }
        // The migration's statements, without its comments.
        let statements = backfill.split(";\n").map(|s| {
            s.lines()
                .filter(|l| !l.trim_start().starts_with("--"))
                .collect::<Vec<_>>()
                .join("\n")
        });
        for statement in statements.filter(|s| !s.trim().is_empty()) {
            sqlx::query(&statement).execute(pool).await.unwrap();
        }
        assert_eq!(read().await, kept);
    }
);
