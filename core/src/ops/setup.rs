//! The first run of a station (the wizard, `packbench-cli setup`): a
//! database setting tried before the station switches to it, the store's
//! details checked field by field with the seller's own rules, the carriers
//! the store uses, and what a new station still needs — read from what is
//! there (people, the seller, this station's printers, active carriers),
//! with one mark kept when the wizard is finished.

use super::documents::{seller_in, set_seller};
use crate::config::StationConfig;
use crate::documents::{DocumentKind, Seller};
use crate::domain::access::Op;
use crate::domain::{tax_id, Actor};
use crate::store::outbox::{self, Carrier};
use crate::store::probe::{self, Facts, Look, Trouble};
use crate::store::{orders, settings, users, DbTarget, Store};
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// How long a database setting is given to answer.
pub const PROBE_LIMIT: Duration = Duration::from_secs(5);

/// The settings key of the mark the wizard leaves when it is finished.
const FINISHED_KEY: &str = "setup.finished";

// ---- a database setting, tried --------------------------------------------

/// Why a database setting cannot be used (as it is).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum DbProblem {
    /// Not a file path, a sqlite: URL or a postgres:// URL.
    BadSetting,
    /// The path is a folder.
    Folder,
    /// Nothing answered within [`PROBE_LIMIT`].
    NoAnswer,
    /// Nothing listens at that address and port.
    Refused,
    /// The server's name is not known.
    UnknownHost,
    /// Another network failure.
    Unreachable,
    /// Wrong password, no such user, or not allowed from here.
    AuthFailed,
    /// The server has no database of that name.
    DatabaseMissing,
    /// No Packbench tables yet, and the user may not create them.
    CannotCreateTables,
    /// Made by a newer Packbench: this station would not understand it.
    NewerSchema,
    /// A schema step failed there before: the database is half-changed.
    FailedStep,
    /// The file is damaged or is not a database.
    Damaged,
    Other,
}

/// How far Packbench's schema is applied in a database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum SchemaState {
    /// None of it: the tables are created when the station switches.
    Missing,
    /// As this station's Packbench makes it.
    Current,
    /// An older Packbench's: brought up to date when the station switches.
    Older,
    /// A newer Packbench's.
    Newer,
}

/// What a database setting would give the station, found without changing
/// anything there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DatabaseCheck {
    /// The station can switch to it.
    pub ok: bool,
    /// "SQLite" or "PostgreSQL"; None when the setting names neither.
    pub engine: Option<String>,
    /// The database as shown anywhere (no password).
    pub database: String,
    /// Why not, when not `ok`.
    pub problem: Option<DbProblem>,
    /// "PostgreSQL 15.8" or "SQLite 3.46.0", when it answered.
    pub server_version: Option<String>,
    /// Packbench's schema there, when it answered (or will be made).
    pub schema: Option<SchemaState>,
    /// Schema steps switching would apply.
    pub steps_to_apply: u32,
    /// People who can sign in there, and its orders.
    pub people: u32,
    pub orders: u32,
    /// People work in it already: this station joins them (everyone signs
    /// in; no first administrator is made).
    pub joins: bool,
    /// What it means, in English (the CLI prints it; the app says it in its
    /// own words from the fields above).
    pub message: String,
    /// The driver's or the file system's own words, for whoever runs the
    /// server; empty when there are none.
    pub detail: String,
}

/// Tries a database setting (empty: the file a station uses without one),
/// within [`PROBE_LIMIT`], reading only: no file is made, nothing migrated.
pub async fn probe_database(setting: &str) -> DatabaseCheck {
    let target = if setting.trim().is_empty() {
        DbTarget::from_env_or_default()
    } else {
        DbTarget::parse(setting)
    };
    let target = match target {
        Ok(t) => t,
        Err(e) => {
            return DatabaseCheck {
                ok: false,
                engine: None,
                database: crate::secrets::split_password(setting.trim()).0,
                problem: Some(DbProblem::BadSetting),
                server_version: None,
                schema: None,
                steps_to_apply: 0,
                people: 0,
                orders: 0,
                joins: false,
                message: e.to_string(),
                detail: String::new(),
            }
        }
    };
    let look = probe::look(&target, PROBE_LIMIT).await;
    judge(&target, look)
}

/// What a look at `target` means for a station about to switch to it.
fn judge(target: &DbTarget, look: Look) -> DatabaseCheck {
    let database = target.describe();
    let mut check = DatabaseCheck {
        ok: false,
        engine: Some(target.engine().name().to_string()),
        database: database.clone(),
        problem: None,
        server_version: None,
        schema: None,
        steps_to_apply: 0,
        people: 0,
        orders: 0,
        joins: false,
        message: String::new(),
        detail: String::new(),
    };
    let known = probe::known_steps(target.engine());
    let server = match target {
        DbTarget::Postgres(url) => probe::server_of(url),
        DbTarget::SqliteFile(_) => None,
    };
    let at = server
        .as_ref()
        .map_or_else(|| database.clone(), |s| format!("{}:{}", s.host, s.port));
    match look {
        Look::NoFile => {
            check.ok = true;
            check.schema = Some(SchemaState::Missing);
            check.steps_to_apply = count(known.len());
            check.message = format!(
                "a new database will be made: {database}, with Packbench's tables; nobody works in it yet"
            );
        }
        Look::Silent => {
            check.problem = Some(DbProblem::NoAnswer);
            check.message = format!(
                "{database} did not answer within {} seconds; check the address and the network",
                PROBE_LIMIT.as_secs()
            );
        }
        Look::Failed(trouble, words) => {
            check.detail = words;
            let (problem, message) = match trouble {
                Trouble::BadSetting => (
                    DbProblem::BadSetting,
                    "the database URL cannot be read; write it as postgres://user:password@server:5432/database"
                        .to_string(),
                ),
                Trouble::Folder => (
                    DbProblem::Folder,
                    format!("{database} is a folder; give the database file's own path"),
                ),
                Trouble::Refused => (
                    DbProblem::Refused,
                    format!(
                        "{at} refused the connection: is PostgreSQL running there, and listening on that address and port?"
                    ),
                ),
                Trouble::UnknownHost => (
                    DbProblem::UnknownHost,
                    format!(
                        "the server name {} is not known; check its spelling, or use its IP address",
                        server.as_ref().map_or(at.as_str(), |s| s.host.as_str())
                    ),
                ),
                Trouble::Unreachable => (
                    DbProblem::Unreachable,
                    format!("the network to {at} failed; check the cable or Wi-Fi and the address"),
                ),
                Trouble::AuthFailed => (
                    DbProblem::AuthFailed,
                    format!(
                        "the server at {at} turned the user {} away: check the password, and that this user may connect to {} from here",
                        server.as_ref().map_or("", |s| s.user.as_str()),
                        server.as_ref().map_or("", |s| s.database.as_str()),
                    ),
                ),
                Trouble::NoDatabase => {
                    let (user, name) = server
                        .as_ref()
                        .map_or(("", ""), |s| (s.user.as_str(), s.database.as_str()));
                    (
                        DbProblem::DatabaseMissing,
                        format!(
                            "the server at {at} has no database {name}; check the name, or create it there (createdb -O {user} {name})"
                        ),
                    )
                }
                Trouble::Damaged => (
                    DbProblem::Damaged,
                    format!(
                        "{database} is damaged or is not a database; choose another file, or restore a backup"
                    ),
                ),
                Trouble::Other => (
                    DbProblem::Other,
                    format!("cannot use {database}: {}", check.detail),
                ),
            };
            check.problem = Some(problem);
            check.message = message;
        }
        Look::Found(facts) => found(&mut check, &facts, &known),
    }
    check
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn found(check: &mut DatabaseCheck, facts: &Facts, known: &[i64]) {
    let database = check.database.clone();
    check.server_version = Some(facts.version.clone());
    check.people = u32::try_from(facts.people.max(0)).unwrap_or(u32::MAX);
    check.orders = u32::try_from(facts.orders.max(0)).unwrap_or(u32::MAX);
    let unknown = facts.applied.iter().find(|v| !known.contains(v));
    let missing = known.iter().filter(|v| !facts.applied.contains(v)).count();
    let schema = if let Some(v) = unknown {
        check.problem = Some(DbProblem::NewerSchema);
        check.message = format!(
            "{database} ({}) was made by a newer Packbench (its schema step {v} is unknown here); update Packbench on this station first",
            facts.version
        );
        SchemaState::Newer
    } else if facts.applied.is_empty() {
        SchemaState::Missing
    } else if missing > 0 {
        SchemaState::Older
    } else {
        SchemaState::Current
    };
    check.schema = Some(schema);
    check.steps_to_apply = count(missing);
    if schema == SchemaState::Newer {
        return;
    }
    if let Some(v) = facts.failed_step {
        check.problem = Some(DbProblem::FailedStep);
        check.message = format!(
            "{database}: Packbench's schema step {v} failed there before and left it half-changed; ask whoever runs the server to look at its log (restore it from a backup)"
        );
        return;
    }
    if missing > 0 && !facts.may_create {
        check.problem = Some(DbProblem::CannotCreateTables);
        check.message = format!(
            "connected to {database} ({}), but the user {} may not create tables there; make the user the database's owner (ALTER DATABASE ... OWNER TO {}), or use another database",
            facts.version,
            facts.user.as_deref().unwrap_or("?"),
            facts.user.as_deref().unwrap_or("?"),
        );
        return;
    }
    check.ok = true;
    check.joins = facts.people > 0;
    let what = match schema {
        SchemaState::Missing => "no Packbench tables yet: they are created when the station switches".to_string(),
        SchemaState::Older => format!(
            "an older Packbench's tables: {missing} schema steps are applied when the station switches"
        ),
        _ => "Packbench's tables are there".to_string(),
    };
    let who = if check.joins {
        format!(
            "{} people work in it ({} orders): this station joins them, and everyone signs in",
            facts.people, facts.orders
        )
    } else {
        "nobody works in it yet: the first administrator is made next".to_string()
    };
    check.message = format!("connected to {database} ({}); {what}; {who}", facts.version);
}

// ---- the store's details ---------------------------------------------------

/// The store's details the wizard asks for (the rest of the seller's
/// record — phone, bank — is kept as it is; Settings edits it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StoreDetails {
    pub name: String,
    /// ИНН: 10 digits (a company) or 12 (a sole trader), check digits checked.
    pub inn: String,
    /// КПП: a company's 9 characters; none for a sole trader.
    pub kpp: String,
    pub address: String,
}

/// The field of the store's details a problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum SellerField {
    Name,
    Inn,
    Kpp,
    Address,
}

/// Which of the seller's rules a value breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum SellerRule {
    /// The seller heads every invoice: a name is needed.
    NameMissing,
    /// An INN is 10 or 12 digits.
    InnShape,
    /// A digit of the INN is mistyped (its check digits do not match).
    InnCheckDigit,
    /// A KPP is 9 characters.
    KppShape,
    /// A KPP without an INN names nobody.
    KppWithoutInn,
    /// A sole trader (12-digit INN) has no KPP.
    KppSoleTrader,
}

/// One broken rule, at its field, with core's sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FieldProblem {
    pub field: SellerField,
    pub rule: SellerRule,
    pub message: String,
}

/// Every rule of the seller's name, INN and KPP that `seller` breaks, each
/// at its field: the checks of `tax_id` that `set_seller` makes, asked one
/// by one so the screen can say each beside its field.
pub fn seller_problems(seller: &Seller) -> Vec<FieldProblem> {
    let mut problems = Vec::new();
    let mut say = |field, rule, message: String| {
        problems.push(FieldProblem {
            field,
            rule,
            message,
        })
    };
    if seller.name.trim().is_empty() {
        say(
            SellerField::Name,
            SellerRule::NameMissing,
            "the seller needs a name; it heads every invoice".into(),
        );
    }
    let (inn, kpp) = (seller.inn.trim(), seller.kpp.trim());
    if let Err(e) = tax_id::check_inn_shape(inn) {
        say(SellerField::Inn, SellerRule::InnShape, e);
    } else if let Err(e) = tax_id::check_inn(inn) {
        say(SellerField::Inn, SellerRule::InnCheckDigit, e);
    }
    if let Err(e) = tax_id::check_kpp(kpp) {
        say(SellerField::Kpp, SellerRule::KppShape, e);
    } else if let Err(e) = tax_id::check_kpp_fits_inn(inn, kpp) {
        let rule = if inn.is_empty() {
            SellerRule::KppWithoutInn
        } else {
            SellerRule::KppSoleTrader
        };
        say(SellerField::Kpp, rule, e);
    }
    problems
}

/// The outcome of saving the store's details: saved, or the problems at
/// their fields (nothing saved).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StoreDetailsSaved {
    pub saved: bool,
    pub problems: Vec<FieldProblem>,
    /// The seller as stored now (with the details typed, when saved).
    pub seller: Seller,
}

/// Sets the store's name, INN, KPP and address (a supervisor's or an
/// admin's job), keeping the rest of the seller's record.
pub async fn save_store_details(
    store: &Store,
    actor: &Actor,
    details: &StoreDetails,
) -> Result<StoreDetailsSaved> {
    actor.may(Op::SetSeller)?;
    let stored = {
        let mut conn = store.pool().acquire().await?;
        match seller_in(&mut conn).await {
            Ok(s) => s,
            // A damaged record is replaced by what is typed now (set_seller
            // keeps why in the history).
            Err(Error::Damaged(_)) => Seller::default(),
            Err(e) => return Err(e),
        }
    };
    let typed = Seller {
        name: details.name.trim().to_string(),
        inn: details.inn.trim().to_string(),
        kpp: details.kpp.trim().to_uppercase(),
        address: details.address.trim().to_string(),
        ..stored.clone()
    };
    let problems = seller_problems(&typed);
    if !problems.is_empty() {
        return Ok(StoreDetailsSaved {
            saved: false,
            problems,
            seller: stored,
        });
    }
    let seller = set_seller(store, actor, &typed).await?;
    Ok(StoreDetailsSaved {
        saved: true,
        problems: Vec::new(),
        seller,
    })
}

// ---- carriers --------------------------------------------------------------

/// Makes the carriers named by `codes` the ones the store hands parcels to
/// (the others stay known, inactive); the whole list as it now is.
pub async fn use_carriers(store: &Store, actor: &Actor, codes: &[String]) -> Result<Vec<Carrier>> {
    actor.may(Op::SetMail)?;
    let wanted: Vec<&str> = codes.iter().map(|c| c.trim()).collect();
    if wanted.is_empty() {
        return Err(Error::Invalid(
            "choose at least one carrier the store hands parcels to (pickup, if customers only collect)"
                .into(),
        ));
    }
    let mut tx = store.write().await?;
    let known = outbox::carriers(&mut tx).await?;
    if let Some(unknown) = wanted.iter().find(|w| !known.iter().any(|c| c.code == **w)) {
        return Err(Error::not_found("carrier", *unknown));
    }
    for carrier in &known {
        let active = wanted.contains(&carrier.code.as_str());
        if carrier.active != active {
            outbox::save_carrier(
                &mut tx,
                &Carrier {
                    active,
                    ..carrier.clone()
                },
            )
            .await?;
        }
    }
    let all = outbox::carriers(&mut tx).await?;
    tx.commit().await?;
    Ok(all)
}

// ---- what a new station still needs ----------------------------------------

/// The wizard's steps, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum SetupStep {
    Language,
    Database,
    Administrator,
    Store,
    Printers,
    Carriers,
    Done,
}

impl SetupStep {
    pub fn as_str(self) -> &'static str {
        match self {
            SetupStep::Language => "language",
            SetupStep::Database => "database",
            SetupStep::Administrator => "administrator",
            SetupStep::Store => "store",
            SetupStep::Printers => "printers",
            SetupStep::Carriers => "carriers",
            SetupStep::Done => "done",
        }
    }
}

/// A document and the printer this station prints it on (None: none yet;
/// its jobs wait in the print queue).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DocumentPrinter {
    pub kind: DocumentKind,
    pub printer: Option<String>,
}

/// Who finished the wizard, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SetupFinished {
    pub at: DateTime<Utc>,
    pub by: String,
    pub station: String,
}

/// Where a station stands: what is set up, what it still needs, and where
/// the wizard goes on from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SetupStatus {
    pub database: String,
    pub engine: String,
    pub people: u32,
    pub orders: u32,
    /// The seller's name ("" until set).
    pub seller: String,
    /// This station's printer for each document.
    pub printers: Vec<DocumentPrinter>,
    /// The carriers the store hands parcels to (their names).
    pub carriers: Vec<String>,
    pub finished: Option<SetupFinished>,
    /// What a new station still needs, in the wizard's order.
    pub remaining: Vec<SetupStep>,
    /// The step the wizard goes on from when an administrator signs in;
    /// None: the wizard is not shown (finished, or the store is working).
    pub resume_at: Option<SetupStep>,
}

/// What the station on `store` with `config` has set up and still needs.
pub async fn setup_status(store: &Store, config: &StationConfig) -> Result<SetupStatus> {
    let mut conn = store.pool().acquire().await?;
    let people = users::count(&mut conn).await?;
    let orders = orders::count(&mut conn).await?;
    // A damaged seller record is as good as none: the wizard asks again.
    let seller = seller_in(&mut conn).await.unwrap_or_default();
    let carriers: Vec<String> = outbox::carriers(&mut conn)
        .await?
        .into_iter()
        .filter(|c| c.active)
        .map(|c| c.name)
        .collect();
    let finished: Option<SetupFinished> = settings::get(&mut conn, FINISHED_KEY).await?;
    drop(conn);
    let printers: Vec<DocumentPrinter> = DocumentKind::ALL
        .iter()
        .map(|&kind| DocumentPrinter {
            kind,
            printer: config.print.for_kind(kind).printer.clone(),
        })
        .collect();
    let mut remaining = Vec::new();
    if people == 0 {
        remaining.push(SetupStep::Administrator);
    }
    if !seller.is_set() {
        remaining.push(SetupStep::Store);
    }
    if printers.iter().all(|p| p.printer.is_none()) {
        remaining.push(SetupStep::Printers);
    }
    if carriers.is_empty() {
        remaining.push(SetupStep::Carriers);
    }
    let resume_at = if people == 0 {
        Some(SetupStep::Language)
    } else if finished.is_some() || orders > 0 {
        None
    } else {
        // Which carriers were chosen cannot be told from the list (all are
        // active at first): with the rest done, the wizard goes on there.
        Some(
            remaining
                .iter()
                .copied()
                .find(|s| *s > SetupStep::Administrator)
                .unwrap_or(SetupStep::Carriers),
        )
    };
    Ok(SetupStatus {
        database: store.describe().to_string(),
        engine: store.engine().name().to_string(),
        people: u32::try_from(people.max(0)).unwrap_or(u32::MAX),
        orders: u32::try_from(orders.max(0)).unwrap_or(u32::MAX),
        seller: seller.name,
        printers,
        carriers,
        finished,
        remaining,
        resume_at,
    })
}

/// Marks the wizard finished (or put off: "later, in Settings"), so it is
/// not shown again; what it did not set stays in `remaining`.
pub async fn finish_setup(
    store: &Store,
    actor: &Actor,
    config: &StationConfig,
) -> Result<SetupStatus> {
    actor.may(Op::SetMail)?;
    let mark = SetupFinished {
        at: store.now(),
        by: actor.user.clone(),
        station: actor.station.clone(),
    };
    let mut tx = store.write().await?;
    settings::put(&mut tx, FINISHED_KEY, &mark).await?;
    tx.commit().await?;
    setup_status(store, config).await
}
