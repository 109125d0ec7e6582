//! A demo day: one working day of the demo warehouse, played through the
//! same operations the app and the CLI call, so the supervisor's dashboard
//! has a day of history to show and a test can check the dashboard against
//! the events that day wrote.
//!
//! The day runs on a clock of its own (a [`FixedClock`] moved from one
//! action to the next), so stages take minutes and hours as on a real day.
//! The demo's people work it, each at their station: Елена Соколова at the office takes orders in and confirms them
//! in rounds (holding a few: «ждём оплату»); Иван Козлов picks them in
//! waves at the warehouse; Анна Петрова, Ольга Смирнова and, in the
//! afternoon, Мария Иванова pack at three tables, scanning the box and
//! every unit (a few wrong items and extra units refused, a second carton
//! weighed for big orders, one order shipped short with Мария's approval);
//! Мария hands the parcels to the courier at 12:00 and 17:00, and in the
//! evening Елена marks the morning's deliveries. Orders that come in late,
//! are held, or are picked after the packers' last claim stay where they
//! are: the dashboard's stalls.
//!
//! Everything is decided by the seed: the same seed on the same database
//! plays the same day. Only the day's own orders are touched; the demo's
//! own orders stay as they were.

use super::cartons::{box_types, carton_settings, close_carton};
use super::catalog::product_by_sku;
use super::desk::{create_order, hold_order};
use super::orders::{confirm_order, move_orders};
use super::packing::{claim_order, finish_packing, record_scan};
use super::people::demo_users;
use super::picking::{complete_pick_list, create_pick_list, pick_scan, PickSelection};
use super::shipping::ship_order;
use crate::clock::{Clock, FixedClock};
use crate::documents::PrintSettings;
use crate::domain::access::{Credential, Op};
use crate::domain::customer::CustomerInput;
use crate::domain::desk::{LineInput, PhoneOrderInput};
use crate::domain::{Actor, OrderStatus, ScanKind};
use crate::store::{users, Store};
use crate::{Error, Result};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use std::collections::VecDeque;
use std::sync::Arc;

/// The most orders one demo day takes in.
pub const MAX_ORDERS: usize = 300;

const MIN: i64 = 60_000;
const HOUR: i64 = 60 * MIN;

/// What to play.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoDay {
    /// The day, on the clock below; it must be over.
    pub date: NaiveDate,
    pub seed: u64,
    /// Orders that come in during the day (1 to [`MAX_ORDERS`]).
    pub orders: usize,
    /// The warehouse's clock, minutes east of UTC (Moscow: 180).
    pub utc_offset_minutes: i32,
}

/// An order the day left held, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HeldOrder {
    pub number: String,
    pub status: OrderStatus,
    pub reason: String,
}

/// What the day did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DemoDaySummary {
    pub date: NaiveDate,
    /// The day's midnight to the next, on its clock, in UTC.
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub utc_offset_minutes: i32,
    pub seed: u64,
    /// The day's orders, by number, in the order they came in.
    pub orders: Vec<String>,
    pub confirmed: usize,
    /// Orders on a completed pick list.
    pub picked: usize,
    /// Orders packed, short ones included.
    pub packed: usize,
    pub short_shipped: usize,
    pub shipped: usize,
    pub delivered: usize,
    /// Items scanned at the packing tables, refused ones included.
    pub item_scans: usize,
    /// Refused: a wrong item or an extra unit.
    pub wrong_scans: usize,
    /// Cartons closed with a weight from the scale.
    pub weighed_cartons: usize,
    /// Who packed, and at which tables.
    pub packers: Vec<String>,
    pub stations: Vec<String>,
    /// Orders per status at the end of the day (of the day's orders).
    pub left: Vec<(OrderStatus, usize)>,
    pub held: Vec<HeldOrder>,
}

/// Plays one working day of the demo warehouse on this database (admins
/// only: it acts in the name of the demo's people). The demo warehouse
/// (its products and people) must be loaded, and the day over.
pub async fn play_demo_day(store: &Store, actor: &Actor, plan: &DemoDay) -> Result<DemoDaySummary> {
    actor.may(Op::LoadDemo)?;
    if plan.orders == 0 || plan.orders > MAX_ORDERS {
        return Err(Error::Invalid(format!(
            "a demo day takes in 1 to {MAX_ORDERS} orders, not {}",
            plan.orders
        )));
    }
    if !(-14 * 60..=14 * 60).contains(&plan.utc_offset_minutes) {
        return Err(Error::Invalid(format!(
            "{} minutes is no time zone's offset from UTC (they run from -840 to 840)",
            plan.utc_offset_minutes
        )));
    }
    let midnight = plan
        .date
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc() - Duration::minutes(plan.utc_offset_minutes.into()))
        .ok_or_else(|| Error::Invalid(format!("{} has no midnight", plan.date)))?;
    let end = midnight + Duration::days(1);
    if end > store.now() {
        return Err(Error::Invalid(format!(
            "{} is not over yet: a demo day is played on a day that has ended (yesterday or before)",
            plan.date
        )));
    }
    let clock = Arc::new(FixedClock::at(midnight));
    let day = store.clone().with_clock(clock.clone());
    let mut sim = Sim::new(&day, clock, midnight, plan).await?;
    sim.run().await?;
    Ok(sim.summary(plan, midnight, end))
}

/// A product the day's orders take, with what packing needs of it.
#[derive(Debug, Clone)]
struct Item {
    sku: String,
    code: String,
    weight_g: i64,
    /// Free units, less what the day's orders have taken.
    free: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Coming,
    New,
    Confirmed,
    OnList,
    Picked,
    Packing,
    Ready,
    Shipped,
    Delivered,
}

#[derive(Debug, Clone)]
struct DayOrder {
    /// When it comes in, ms after midnight.
    arrives: i64,
    channel: &'static str,
    carrier: &'static str,
    customer: usize,
    /// (item, units, price in roubles)
    lines: Vec<(usize, i64, i64)>,
    /// Held as soon as it is confirmed.
    hold_on_confirm: Option<&'static str>,
    wrong_item: bool,
    extra_unit: bool,
    number: String,
    stage: Stage,
    held: Option<String>,
    /// When it reached its stage, ms after midnight.
    since: i64,
}

impl DayOrder {
    fn units(&self) -> i64 {
        self.lines.iter().map(|l| l.1).sum()
    }
}

/// One packing table's packer.
struct Packer {
    actor: Actor,
    /// ms after midnight: at work from, lunch, last claim.
    start: i64,
    lunch: (i64, i64),
    last_claim: i64,
    /// Ships the day's one short order.
    short_ships: bool,
    work: Option<(usize, VecDeque<PackStep>)>,
    next: i64,
    /// The open carton's box and what was scanned into it, in grams.
    carton_tare_g: i64,
    carton_goods_g: i64,
}

#[derive(Debug, Clone)]
enum PackStep {
    Scan(String),
    /// Close the open carton with a weight from the scale.
    Weigh,
    Finish {
        short: Option<&'static str>,
    },
}

enum DeskTask {
    Confirm(usize),
    Hold(usize, String),
}

enum PickStep {
    Bin(String),
    Item(String, String),
    Complete,
}

/// The day on its own clock: each person is an agent whose next action
/// has a time; the earliest goes first, so the clock only moves forward.
struct Sim<'a> {
    store: &'a Store,
    clock: Arc<FixedClock>,
    midnight: DateTime<Utc>,
    rng: SmallRng,
    items: Vec<Item>,
    orders: Vec<DayOrder>,
    /// Box types: code → (tare, the barcode that opens one).
    boxes: std::collections::BTreeMap<String, (i64, String)>,
    default_box: String,
    weigh_always: bool,
    tolerance: crate::domain::carton::WeightTolerance,
    manager: Actor,
    picker: Actor,
    dispatcher: Actor,
    supervisor_badge: Credential,
    packers: Vec<Packer>,
    // The office.
    desk_tasks: VecDeque<DeskTask>,
    desk_next: i64,
    next_round: i64,
    picked_hold_done: bool,
    deliveries_done: bool,
    // The warehouse.
    pick: Option<(i64, VecDeque<PickStep>, Vec<usize>)>,
    pick_next: i64,
    pick_scans: usize,
    /// Scans at the packing tables, box barcodes included (their ids).
    pack_scans: usize,
    // The hand-over.
    ship_queue: VecDeque<usize>,
    ship_next: i64,
    handovers: VecDeque<i64>,
    next_arrival: usize,
    // Counted as it happens.
    item_scans: usize,
    wrong_scans: usize,
    weighed: usize,
    short_shipped: usize,
    morning_shipped: Vec<usize>,
}

const LAST_ROUND: i64 = 18 * HOUR + 10 * MIN;
const ROUND_EVERY: i64 = 40 * MIN;
const PICKED_HOLD_AT: i64 = 18 * HOUR + 30 * MIN;
const DELIVERIES_AT: i64 = 19 * HOUR;
const PICK_LUNCH: (i64, i64) = (12 * HOUR + 30 * MIN, 13 * HOUR + 15 * MIN);
const PICK_START: i64 = 8 * HOUR + 45 * MIN;
const PICK_LAST_LIST: i64 = 17 * HOUR + 30 * MIN;
const PICK_LIST_MAX: usize = 8;
const HANDOVERS: [i64; 2] = [12 * HOUR, 17 * HOUR];
const NEVER: i64 = i64::MAX;

/// Why the office holds an order.
const HOLD_REASONS: [&str; 2] = ["ждём оплату", "уточнить адрес доставки"];
const PICKED_HOLD_REASON: &str = "клиент просил придержать до завтра";
const SHORT_REASON: &str = "последняя штука с браком, замены нет";

fn weighted<T: Copy>(rng: &mut SmallRng, choices: &[(T, u32)]) -> T {
    let total: u32 = choices.iter().map(|c| c.1).sum();
    let mut pick = rng.gen_range(0..total.max(1));
    for (value, weight) in choices {
        if pick < *weight {
            return *value;
        }
        pick -= weight;
    }
    choices[0].0
}

/// One of the demo's people at a station. The admin who plays the day acts
/// in their name, as the demo loader made them: a login that someone's
/// wrong PINs locked today does not stop a replay of yesterday; a person
/// the store removed or deactivated does.
async fn sign_in(store: &Store, login: &str, station: &str) -> Result<Actor> {
    let mut conn = store.pool().acquire().await?;
    let name = demo_users()
        .into_iter()
        .find(|u| u.login == login)
        .map_or_else(|| login.to_string(), |u| u.name);
    match users::by_login(&mut conn, login).await? {
        Some(u) if u.active => Ok(Actor::signed_in(
            u.name,
            u.login,
            station.to_string(),
            u.roles,
            u.channels,
        )),
        _ => Err(Error::Refused(format!(
            "the demo day is worked by the demo's people, and {name} ({login}) is not an active \
             user here: load the demo (`packbench-cli init --demo`) on a new database"
        ))),
    }
}

fn badge_of(login: &str) -> Credential {
    let code = demo_users()
        .into_iter()
        .find(|u| u.login == login)
        .map(|u| u.badge)
        .unwrap_or_default();
    Credential::Badge { code }
}

impl<'a> Sim<'a> {
    async fn new(
        store: &'a Store,
        clock: Arc<FixedClock>,
        midnight: DateTime<Utc>,
        plan: &DemoDay,
    ) -> Result<Sim<'a>> {
        let mut rng = SmallRng::seed_from_u64(plan.seed);
        let items = catalog(store).await?;
        if items.len() < 20 {
            return Err(Error::Refused(format!(
                "the demo day takes its products from the demo warehouse (PB-0001 to PB-{:04}), \
                 and only {} of them have free stock and a barcode: load the demo \
                 (`packbench-cli init --demo`) on a new database",
                crate::demo::PRODUCT_COUNT,
                items.len()
            )));
        }
        let manager = sign_in(store, "elena", "Офис").await?;
        let picker = sign_in(store, "ivan", "Склад").await?;
        let dispatcher = sign_in(store, "maria", "Отгрузка").await?;
        let packers = vec![
            Packer {
                actor: sign_in(store, "anna", "Стол 1").await?,
                start: 8 * HOUR,
                lunch: (13 * HOUR, 13 * HOUR + 45 * MIN),
                last_claim: 17 * HOUR + 25 * MIN,
                short_ships: true,
                work: None,
                next: 8 * HOUR,
                carton_tare_g: 0,
                carton_goods_g: 0,
            },
            Packer {
                actor: sign_in(store, "olga", "Стол 2").await?,
                start: 9 * HOUR,
                lunch: (12 * HOUR + 15 * MIN, 12 * HOUR + 45 * MIN),
                last_claim: 17 * HOUR + 15 * MIN,
                short_ships: false,
                work: None,
                next: 9 * HOUR,
                carton_tare_g: 0,
                carton_goods_g: 0,
            },
            Packer {
                actor: sign_in(store, "maria", "Стол 3").await?,
                start: 14 * HOUR,
                lunch: (0, 0),
                last_claim: 16 * HOUR + 30 * MIN,
                short_ships: false,
                work: None,
                next: 14 * HOUR,
                carton_tare_g: 0,
                carton_goods_g: 0,
            },
        ];
        let settings = carton_settings(store).await?;
        let boxes = box_types(store)
            .await?
            .into_iter()
            .map(|b| {
                let code = b.barcode.clone().unwrap_or_else(|| b.code.clone());
                (b.code, (b.tare_g, code))
            })
            .collect();
        let mut items = items;
        let orders = plan_orders(&mut rng, &mut items, plan.orders);
        Ok(Sim {
            store,
            clock,
            midnight,
            rng,
            items,
            orders,
            boxes,
            default_box: settings.default_box.clone(),
            weigh_always: settings.weigh,
            tolerance: settings.tolerance,
            manager,
            picker,
            dispatcher,
            supervisor_badge: badge_of("maria"),
            packers,
            desk_tasks: VecDeque::new(),
            desk_next: 8 * HOUR + 30 * MIN,
            next_round: 8 * HOUR + 30 * MIN,
            picked_hold_done: false,
            deliveries_done: false,
            pick: None,
            pick_next: PICK_START,
            pick_scans: 0,
            pack_scans: 0,
            ship_queue: VecDeque::new(),
            ship_next: HANDOVERS[0],
            handovers: HANDOVERS.into_iter().collect(),
            next_arrival: 0,
            item_scans: 0,
            wrong_scans: 0,
            weighed: 0,
            short_shipped: 0,
            morning_shipped: Vec::new(),
        })
    }

    /// Moves the day's clock to `at` (ms after midnight).
    fn at(&self, at: i64) {
        let target = self.midnight + Duration::milliseconds(at);
        let now = self.clock.now();
        if target > now {
            self.clock.advance(target - now);
        }
    }

    fn seconds(&mut self, from: i64, to: i64) -> i64 {
        self.rng.gen_range(from..=to) * 1000
    }

    async fn run(&mut self) -> Result<()> {
        loop {
            // Who acts next: the order of this list breaks a tie.
            let mut when = vec![
                self.orders
                    .get(self.next_arrival)
                    .map_or(NEVER, |o| o.arrives),
                self.desk_next,
                self.pick_next,
                self.ship_next,
            ];
            when.extend(self.packers.iter().map(|p| p.next));
            let Some((who, &t)) = when.iter().enumerate().min_by_key(|(i, t)| (**t, *i)) else {
                break;
            };
            if t == NEVER {
                break;
            }
            self.at(t);
            match who {
                0 => self.arrive(t).await?,
                1 => self.desk(t).await?,
                2 => self.warehouse(t).await?,
                3 => self.hand_over(t).await?,
                p => self.pack(p - 4, t).await?,
            }
        }
        Ok(())
    }

    /// An order comes in: the office enters it (a web or marketplace order
    /// as the shop sent it, a phone order as the customer said it).
    async fn arrive(&mut self, t: i64) -> Result<()> {
        let i = self.next_arrival;
        self.next_arrival += 1;
        let o = &self.orders[i];
        let (name, email, phone, address) = crate::demo::customer(o.customer);
        let input = PhoneOrderInput {
            customer: CustomerInput {
                id: None,
                name,
                phone,
                email,
                address,
            },
            lines: o
                .lines
                .iter()
                .map(|(item, units, price)| LineInput {
                    id: None,
                    sku: self.items[*item].sku.clone(),
                    quantity: *units,
                    unit_price: price.to_string(),
                    discount: String::new(),
                    tax_rate_bp: None,
                })
                .collect(),
            delivery_method: o.carrier.to_string(),
            delivery_cost: if o.units() >= 4 { "0" } else { "350" }.to_string(),
            comment: String::new(),
            currency: String::new(),
            manager: None,
            channel: o.channel.to_string(),
        };
        let created = create_order(self.store, &self.manager, &input).await?;
        let o = &mut self.orders[i];
        o.number = created.head.number;
        o.stage = Stage::New;
        o.since = t;
        Ok(())
    }

    /// The office: rounds of confirming what came in, holds, and in the
    /// evening the courier's deliveries.
    async fn desk(&mut self, t: i64) -> Result<()> {
        if let Some(task) = self.desk_tasks.pop_front() {
            match task {
                DeskTask::Confirm(i) => {
                    confirm_order(self.store, &self.manager, &self.orders[i].number).await?;
                    let hold = self.orders[i].hold_on_confirm;
                    let o = &mut self.orders[i];
                    o.stage = Stage::Confirmed;
                    o.since = t;
                    if let Some(reason) = hold {
                        // Held at once: the warehouse never sees it free.
                        o.held = Some(reason.to_string());
                        self.desk_tasks
                            .push_front(DeskTask::Hold(i, reason.to_string()));
                    }
                }
                DeskTask::Hold(i, reason) => {
                    hold_order(
                        self.store,
                        &self.manager,
                        &self.orders[i].number,
                        Some(&reason),
                    )
                    .await?;
                    self.orders[i].held = Some(reason);
                }
            }
            let pause = self.seconds(40, 150);
            self.desk_next = t + pause;
            return Ok(());
        }
        if t >= self.next_round && self.next_round <= LAST_ROUND {
            self.next_round += ROUND_EVERY;
            for (i, o) in self.orders.iter().enumerate() {
                if o.stage == Stage::New {
                    self.desk_tasks.push_back(DeskTask::Confirm(i));
                }
            }
            self.desk_next = t + self.seconds(20, 60);
            return Ok(());
        }
        if t >= PICKED_HOLD_AT && !self.picked_hold_done {
            self.picked_hold_done = true;
            // A customer calls about an order the packers did not get to.
            let waiting = self
                .orders
                .iter()
                .position(|o| o.stage == Stage::Picked && o.held.is_none());
            if let Some(i) = waiting {
                self.desk_tasks
                    .push_back(DeskTask::Hold(i, PICKED_HOLD_REASON.to_string()));
                self.desk_next = t + self.seconds(10, 30);
                return Ok(());
            }
        }
        if t >= DELIVERIES_AT && !self.deliveries_done {
            self.deliveries_done = true;
            // The courier's report: most of the morning's parcels arrived.
            let mut delivered = Vec::new();
            for k in 0..self.morning_shipped.len() {
                if self.rng.gen_ratio(2, 3) {
                    delivered.push(self.morning_shipped[k]);
                }
            }
            let numbers: Vec<String> = delivered
                .iter()
                .map(|i| self.orders[*i].number.clone())
                .collect();
            if !numbers.is_empty() {
                let moved = move_orders(
                    self.store,
                    &self.manager,
                    &numbers,
                    OrderStatus::Delivered,
                    None,
                )
                .await?;
                for (i, m) in delivered.iter().zip(moved) {
                    if let Some(why) = m.refused {
                        return Err(Error::Refused(format!(
                            "the demo day could not mark order {} delivered: {why}",
                            m.number
                        )));
                    }
                    self.orders[*i].stage = Stage::Delivered;
                    self.orders[*i].since = t;
                }
            }
            self.desk_next = NEVER;
            return Ok(());
        }
        self.desk_next = [
            if self.next_round <= LAST_ROUND {
                self.next_round
            } else {
                NEVER
            },
            if self.picked_hold_done {
                NEVER
            } else {
                PICKED_HOLD_AT
            },
            if self.deliveries_done {
                NEVER
            } else {
                DELIVERIES_AT
            },
        ]
        .into_iter()
        .min()
        .unwrap_or(NEVER)
        .max(t + 1);
        Ok(())
    }

    /// The warehouse: pick lists of the oldest confirmed orders, each bin
    /// and unit scanned.
    async fn warehouse(&mut self, t: i64) -> Result<()> {
        if let Some((list, steps, members)) = &mut self.pick {
            let list = *list;
            let Some(step) = steps.pop_front() else {
                self.pick = None;
                self.pick_next = t + 1;
                return Ok(());
            };
            self.pick_scans += 1;
            let id = format!("demo-day-pick-{list}-{}", self.pick_scans);
            match step {
                PickStep::Bin(bin) => {
                    pick_scan(self.store, &self.picker, list, None, &bin, &id).await?;
                    self.pick_next = t + self.seconds(15, 45);
                }
                PickStep::Item(bin, code) => {
                    pick_scan(self.store, &self.picker, list, Some(&bin), &code, &id).await?;
                    self.pick_next = t + self.seconds(6, 20);
                }
                PickStep::Complete => {
                    let members = members.clone();
                    complete_pick_list(self.store, &self.picker, list).await?;
                    for i in members {
                        self.orders[i].stage = Stage::Picked;
                        self.orders[i].since = t;
                    }
                    self.pick = None;
                    // The totes go to the packing tables.
                    self.pick_next = t + self.seconds(120, 360);
                }
            }
            return Ok(());
        }
        if t > PICK_LAST_LIST {
            self.pick_next = NEVER;
            return Ok(());
        }
        if (PICK_LUNCH.0..PICK_LUNCH.1).contains(&t) {
            self.pick_next = PICK_LUNCH.1;
            return Ok(());
        }
        let mut waiting: Vec<usize> = (0..self.orders.len())
            .filter(|i| {
                let o = &self.orders[*i];
                o.stage == Stage::Confirmed && o.held.is_none()
            })
            .collect();
        waiting.sort_by_key(|i| self.orders[*i].since);
        let oldest = waiting.first().map(|i| self.orders[*i].since);
        let due = waiting.len() >= 3
            || oldest.is_some_and(|s| t - s >= 30 * MIN)
            || (!waiting.is_empty() && t >= PICK_LAST_LIST - 15 * MIN);
        if !due {
            self.pick_next = t + 5 * MIN;
            return Ok(());
        }
        waiting.truncate(PICK_LIST_MAX);
        let numbers: Vec<String> = waiting
            .iter()
            .map(|i| self.orders[*i].number.clone())
            .collect();
        let list =
            create_pick_list(self.store, &self.picker, PickSelection::Orders(numbers)).await?;
        let mut steps = VecDeque::new();
        for line in &list.lines {
            let code = line.barcode.clone().ok_or_else(|| {
                Error::Refused(format!(
                    "{} has no barcode to pick it by; the demo day needs the demo's products",
                    line.sku
                ))
            })?;
            steps.push_back(PickStep::Bin(line.bin.clone()));
            for _ in 0..line.quantity {
                steps.push_back(PickStep::Item(line.bin.clone(), code.clone()));
            }
        }
        steps.push_back(PickStep::Complete);
        for i in &waiting {
            self.orders[*i].stage = Stage::OnList;
        }
        self.pick = Some((list.id, steps, waiting));
        self.pick_next = t + self.seconds(60, 180);
        Ok(())
    }

    /// The courier's pick-ups: every packed order shipped with the
    /// tracking number on its carrier's label.
    async fn hand_over(&mut self, t: i64) -> Result<()> {
        if let Some(i) = self.ship_queue.pop_front() {
            let carrier = self.orders[i].carrier;
            let tracking = match carrier {
                "СДЭК" => format!("{}", self.rng.gen_range(1_000_000_000u64..10_000_000_000)),
                "Почта России" => {
                    format!("RA{:09}RU", self.rng.gen_range(0..1_000_000_000u64))
                }
                _ => format!("BB{:010}", self.rng.gen_range(0..10_000_000_000u64)),
            };
            let number = self.orders[i].number.clone();
            ship_order(self.store, &self.dispatcher, &number, carrier, &tracking).await?;
            self.orders[i].stage = Stage::Shipped;
            self.orders[i].since = t;
            if t < 14 * HOUR {
                self.morning_shipped.push(i);
            }
            self.ship_next = t + self.seconds(30, 90);
            return Ok(());
        }
        match self.handovers.front().copied() {
            Some(h) if t >= h => {
                self.handovers.pop_front();
                for (i, o) in self.orders.iter().enumerate() {
                    if o.stage == Stage::Ready {
                        self.ship_queue.push_back(i);
                    }
                }
                self.ship_next = t + self.seconds(30, 120);
            }
            Some(h) => self.ship_next = h,
            None => self.ship_next = NEVER,
        }
        Ok(())
    }

    /// One packing table.
    async fn pack(&mut self, p: usize, t: i64) -> Result<()> {
        if let Some((i, mut steps)) = self.packers[p].work.take() {
            let number = self.orders[i].number.clone();
            let Some(step) = steps.pop_front() else {
                self.packers[p].next = t + 1;
                return Ok(());
            };
            let actor = self.packers[p].actor.clone();
            let pause = match step {
                PackStep::Scan(code) => {
                    self.item_scans += 1;
                    self.pack_scans += 1;
                    let id = format!("demo-day-{number}-{}", self.pack_scans);
                    let r = record_scan(self.store, &actor, &number, &code, &id).await?;
                    match r.outcome.kind() {
                        ScanKind::Accepted => {
                            let units = r.outcome.packed_units().map_or(0, |(_, u)| u);
                            let weight = self
                                .items
                                .iter()
                                .find(|it| it.code == code)
                                .map_or(0, |it| it.weight_g);
                            self.packers[p].carton_goods_g += weight * units;
                        }
                        ScanKind::BoxOpened => {
                            // A box's barcode, not an item.
                            self.item_scans -= 1;
                            self.packers[p].carton_tare_g = self
                                .boxes
                                .values()
                                .find(|(_, barcode)| *barcode == code)
                                .map_or(0, |(tare, _)| *tare);
                            self.packers[p].carton_goods_g = 0;
                        }
                        ScanKind::WrongItem | ScanKind::OverScan => self.wrong_scans += 1,
                        other => {
                            return Err(Error::Refused(format!(
                                "the demo day's scan of {code} in order {number} was taken as {other}: {}",
                                r.message
                            )))
                        }
                    }
                    self.seconds(8, 35)
                }
                PackStep::Weigh => {
                    let grams = self.scale_reading(p);
                    close_carton(
                        self.store,
                        &actor,
                        &number,
                        Some(&format!("{grams} g")),
                        None,
                        None,
                    )
                    .await?;
                    self.weighed += 1;
                    self.seconds(20, 50)
                }
                PackStep::Finish { short } => {
                    let approval = short.map(|_| self.supervisor_badge.clone());
                    // Nothing to print: the day's labels were printed long ago.
                    let (_, _nothing_queued) = finish_packing(
                        self.store,
                        &actor,
                        &number,
                        short,
                        &PrintSettings {
                            auto_print: false,
                            ..PrintSettings::default()
                        },
                        approval.as_ref(),
                    )
                    .await?;
                    if short.is_some() {
                        self.short_shipped += 1;
                    }
                    self.orders[i].stage = Stage::Ready;
                    self.orders[i].since = t;
                    // Labels on, the box to the shelf.
                    self.packers[p].next = t + self.seconds(60, 240);
                    return Ok(());
                }
            };
            self.packers[p].work = Some((i, steps));
            self.packers[p].next = t + pause;
            return Ok(());
        }
        let packer = &self.packers[p];
        if t < packer.start {
            self.packers[p].next = packer.start;
            return Ok(());
        }
        if (packer.lunch.0..packer.lunch.1).contains(&t) {
            self.packers[p].next = packer.lunch.1;
            return Ok(());
        }
        if t > packer.last_claim {
            self.packers[p].next = NEVER;
            return Ok(());
        }
        let next = self
            .orders
            .iter()
            .enumerate()
            .filter(|(_, o)| o.stage == Stage::Picked && o.held.is_none())
            .min_by_key(|(_, o)| o.since)
            .map(|(i, _)| i);
        let Some(i) = next else {
            self.packers[p].next = t + 3 * MIN;
            return Ok(());
        };
        let actor = self.packers[p].actor.clone();
        claim_order(self.store, &actor, &self.orders[i].number).await?;
        self.orders[i].stage = Stage::Packing;
        let short = self.packers[p].short_ships
            && self.short_shipped == 0
            && t >= 10 * HOUR
            && self.orders[i].units() >= 2;
        if short {
            // One order a day goes short; nobody else plans one.
            self.packers[p].short_ships = false;
        }
        let steps = self.pack_steps(i, short);
        self.packers[p].work = Some((i, steps));
        self.packers[p].next = t + self.seconds(15, 45);
        Ok(())
    }

    /// What packing order `i` takes: the box, every unit (the last one
    /// left out when it goes short), a wrong item or an extra unit where
    /// the plan has one, a second weighed carton for a big order.
    fn pack_steps(&mut self, i: usize, short: bool) -> VecDeque<PackStep> {
        let o = self.orders[i].clone();
        let units = o.units();
        let (small, medium) = (self.box_code("S"), self.box_code("M"));
        let first_box = if units <= 2 {
            small.clone()
        } else {
            medium.clone()
        };
        let mut codes: Vec<String> = Vec::new();
        for (item, n, _) in &o.lines {
            for _ in 0..*n {
                codes.push(self.items[*item].code.clone());
            }
        }
        if short {
            codes.pop();
        }
        let mut steps = VecDeque::new();
        steps.push_back(PackStep::Scan(first_box));
        let split = units >= 4;
        let half = codes.len() / 2;
        let wrong_at = self.rng.gen_range(0..codes.len().max(1));
        for (k, code) in codes.iter().enumerate() {
            if o.wrong_item && k == wrong_at {
                let not_in_order = (0..self.items.len())
                    .map(|_| self.rng.gen_range(0..self.items.len()))
                    .find(|c| !o.lines.iter().any(|l| l.0 == *c));
                if let Some(c) = not_in_order {
                    steps.push_back(PackStep::Scan(self.items[c].code.clone()));
                }
            }
            if split && k == half {
                steps.push_back(PackStep::Weigh);
                steps.push_back(PackStep::Scan(small.clone()));
            }
            steps.push_back(PackStep::Scan(code.clone()));
        }
        if o.extra_unit && !short {
            if let Some(last) = codes.last() {
                steps.push_back(PackStep::Scan(last.clone()));
            }
        }
        if self.weigh_always {
            steps.push_back(PackStep::Weigh);
        }
        steps.push_back(PackStep::Finish {
            short: short.then_some(SHORT_REASON),
        });
        steps
    }

    /// The barcode that opens a carton of box type `code` (the store's
    /// default box when it has no such type).
    fn box_code(&self, code: &str) -> String {
        self.boxes
            .get(code)
            .or_else(|| self.boxes.get(&self.default_box))
            .map(|(_, barcode)| barcode.clone())
            .unwrap_or_else(|| code.to_string())
    }

    /// What the scale shows for packer `p`'s open carton: the box and
    /// what was scanned into it, a few grams off (within half the store's
    /// tolerance).
    fn scale_reading(&mut self, p: usize) -> i64 {
        let packer = &self.packers[p];
        let expected = packer.carton_tare_g + packer.carton_goods_g;
        let allowed = self.tolerance.allowed_g(expected) / 2;
        let noise = if allowed > 0 {
            self.rng.gen_range(-allowed..=allowed)
        } else {
            0
        };
        (expected + noise).max(1)
    }

    fn summary(&self, plan: &DemoDay, from: DateTime<Utc>, to: DateTime<Utc>) -> DemoDaySummary {
        let count = |s: &[Stage]| self.orders.iter().filter(|o| s.contains(&o.stage)).count();
        let reached = |s: Stage| {
            self.orders
                .iter()
                .filter(|o| o.stage as u8 >= s as u8)
                .count()
        };
        let mut left = Vec::new();
        for (status, stages) in [
            (OrderStatus::New, &[Stage::New][..]),
            (OrderStatus::Confirmed, &[Stage::Confirmed][..]),
            (OrderStatus::Picking, &[Stage::OnList, Stage::Picked][..]),
            (OrderStatus::Packing, &[Stage::Packing][..]),
            (OrderStatus::Ready, &[Stage::Ready][..]),
            (OrderStatus::Shipped, &[Stage::Shipped][..]),
            (OrderStatus::Delivered, &[Stage::Delivered][..]),
        ] {
            let n = count(stages);
            if n > 0 {
                left.push((status, n));
            }
        }
        let held = self
            .orders
            .iter()
            .filter_map(|o| {
                o.held.as_ref().map(|reason| HeldOrder {
                    number: o.number.clone(),
                    status: match o.stage {
                        Stage::Confirmed => OrderStatus::Confirmed,
                        Stage::OnList | Stage::Picked => OrderStatus::Picking,
                        _ => OrderStatus::New,
                    },
                    reason: reason.clone(),
                })
            })
            .collect();
        let mut stations: Vec<String> = self
            .packers
            .iter()
            .map(|p| p.actor.station.clone())
            .collect();
        stations.sort();
        DemoDaySummary {
            date: plan.date,
            from,
            to,
            utc_offset_minutes: plan.utc_offset_minutes,
            seed: plan.seed,
            orders: self.orders.iter().map(|o| o.number.clone()).collect(),
            confirmed: reached(Stage::Confirmed),
            picked: reached(Stage::Picked),
            packed: reached(Stage::Ready),
            short_shipped: self.short_shipped,
            shipped: reached(Stage::Shipped),
            delivered: reached(Stage::Delivered),
            item_scans: self.item_scans,
            wrong_scans: self.wrong_scans,
            weighed_cartons: self.weighed,
            packers: self.packers.iter().map(|p| p.actor.user.clone()).collect(),
            stations,
            left,
            held,
        }
    }
}

/// The demo's products that can go into the day's orders: with a unit
/// barcode, free stock and no marking code to scan.
async fn catalog(store: &Store) -> Result<Vec<Item>> {
    let mut items = Vec::new();
    for n in 1..=crate::demo::PRODUCT_COUNT {
        let sku = format!("PB-{n:04}");
        let p = match product_by_sku(store, &sku).await {
            Ok(p) => p,
            Err(Error::NotFound { .. }) => continue,
            Err(e) => return Err(e),
        };
        let Some(code) = p.barcodes.iter().find(|b| b.units == 1) else {
            continue;
        };
        let free: i64 = p
            .stock
            .iter()
            .map(|(_, on_hand, reserved)| on_hand - reserved)
            .sum();
        if p.marked || free <= 0 {
            continue;
        }
        items.push(Item {
            sku,
            code: code.code.clone(),
            weight_g: p.weight_g,
            free,
        });
    }
    Ok(items)
}

/// The day's orders: when each comes in, from which channel, for what,
/// and what will happen to it on the way (held, a wrong item scanned, an
/// extra unit), oldest first.
fn plan_orders(rng: &mut SmallRng, items: &mut [Item], n: usize) -> Vec<DayOrder> {
    let mut orders = Vec::with_capacity(n);
    let mut customer = rng.gen_range(1..5_000usize);
    for _ in 0..n {
        // A fifth came in overnight, most during the day, some in the
        // evening after the office has gone home.
        let arrives = match weighted(rng, &[(0, 2), (1, 13), (2, 2)]) {
            0 => rng.gen_range(0..8 * HOUR),
            1 => rng.gen_range(8 * HOUR..17 * HOUR),
            _ => rng.gen_range(17 * HOUR..19 * HOUR + 45 * MIN),
        };
        // A customer in Russia (their phone starts +7): the day sells in
        // roubles and ships by Russian carriers.
        customer += rng.gen_range(1..20);
        while !crate::demo::customer(customer).2.starts_with("+7") {
            customer += 1;
        }
        let lines_wanted = weighted(rng, &[(1usize, 8), (2, 5), (3, 3), (4, 1)]);
        let mut lines: Vec<(usize, i64, i64)> = Vec::new();
        for _ in 0..40 {
            if lines.len() == lines_wanted {
                break;
            }
            let item = rng.gen_range(0..items.len());
            let units = weighted(rng, &[(1i64, 12), (2, 4), (3, 1)]);
            if lines.iter().any(|l| l.0 == item) || items[item].free < units {
                continue;
            }
            items[item].free -= units;
            let price = rng.gen_range(2..60i64) * 100 - 10;
            lines.push((item, units, price));
        }
        if lines.is_empty() {
            continue;
        }
        orders.push(DayOrder {
            arrives,
            channel: weighted(
                rng,
                &[("web", 5), ("phone", 2), ("shopify", 2), ("woocommerce", 2)],
            ),
            carrier: weighted(rng, &[("СДЭК", 5), ("Почта России", 3), ("Boxberry", 2)]),
            customer,
            lines,
            hold_on_confirm: rng
                .gen_ratio(1, 10)
                .then(|| HOLD_REASONS[rng.gen_range(0..HOLD_REASONS.len())]),
            wrong_item: rng.gen_ratio(1, 6),
            extra_unit: rng.gen_ratio(1, 20),
            number: String::new(),
            stage: Stage::Coming,
            held: None,
            since: arrives,
        });
    }
    orders.sort_by_key(|o| o.arrives);
    // At least one order waits for its payment, whatever the dice said:
    // one that comes in while the office works.
    if !orders.iter().any(|o| o.hold_on_confirm.is_some()) {
        if let Some(o) = orders
            .iter_mut()
            .find(|o| (10 * HOUR..16 * HOUR).contains(&o.arrives))
        {
            o.hold_on_confirm = Some(HOLD_REASONS[0]);
        }
    }
    orders
}
