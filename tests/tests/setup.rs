//! A new station's first run (the wizard's core, `packbench-cli setup`):
//! a database setting tried before switching — the real PostgreSQL test
//! server with a good URL, a wrong password, a refused port, a missing
//! database, an empty database and one people work in; SQLite files new,
//! made, damaged and from a newer Packbench — and the wizard's steps on
//! both engines: the first administrator, the store's details refused at
//! their fields by the seller's own rules, a printer chosen with a test
//! page through real CUPS, the carriers, the finished mark and what a
//! station still needs.

mod common;

use common::{cups, TestDb};
use packbench_core::config::StationConfig;
use packbench_core::documents::{DocumentKind, Lang, Paper, Seller};
use packbench_core::domain::EventKind;
use packbench_core::ops::{
    self, Actor, DbProblem, Role, SchemaState, SellerField, SellerRule, SetupStep, StoreDetails,
};
use packbench_core::store::{create_database_if_missing, DbTarget, Store};
use packbench_core::Error;
use std::process::Command;

/// The role of the test server that must give its password (see
/// scripts/pg-test-server.sh).
const PW_ROLE: &str = "packbench_pw";
const PW_SECRET: &str = "Pb-Server-Test-Password-4471";

/// `postgres://user@host:port` of the test server, and its database name.
fn pg_base() -> Option<(String, String)> {
    let url = common::pg_url()?;
    let (base, db) = url.rsplit_once('/').expect("a URL with a database name");
    Some((base.to_string(), db.to_string()))
}

/// The test server's URL as `user[:password]` on `port`, database `db`.
fn pg_as(user: &str, password: Option<&str>, port: Option<u16>, db: &str) -> String {
    let (base, _) = pg_base().expect("the PostgreSQL test server");
    let rest = base.split_once('@').map_or(base.as_str(), |(_, r)| r);
    let host_port = match port {
        Some(p) => format!("{}:{p}", rest.rsplit_once(':').map_or(rest, |(h, _)| h)),
        None => rest.to_string(),
    };
    let who = match password {
        Some(pw) => format!("{user}:{pw}"),
        None => user.to_string(),
    };
    format!("postgres://{who}@{host_port}/{db}")
}

/// A new database on the test server that nobody has opened: no tables.
async fn bare_pg_database() -> Option<String> {
    let url = common::pg_url()?;
    let admin = Store::open(&DbTarget::Postgres(url.clone())).await.unwrap();
    let name = format!(
        "pbt_bare_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    );
    create_database_if_missing(&admin, &name).await.unwrap();
    admin.close().await;
    Some(name)
}

fn the_url(target: &DbTarget) -> String {
    match target {
        DbTarget::Postgres(url) => url.clone(),
        DbTarget::SqliteFile(path) => path.display().to_string(),
    }
}

#[tokio::test]
async fn a_good_postgres_url_answers_with_its_version_and_an_empty_database_is_made_on_switching() {
    let Some(name) = bare_pg_database().await else {
        return;
    };
    let (base, _) = pg_base().unwrap();
    let url = format!("{base}/{name}");
    let check = ops::probe_database(&url).await;
    assert!(check.ok, "a reachable empty database is usable: {check:?}");
    assert_eq!(check.engine.as_deref(), Some("PostgreSQL"));
    assert!(
        check
            .server_version
            .as_deref()
            .is_some_and(|v| v.starts_with("PostgreSQL 1")),
        "the server's version: {check:?}"
    );
    assert_eq!(
        check.schema,
        Some(SchemaState::Missing),
        "no Packbench tables yet"
    );
    assert!(check.steps_to_apply > 20, "every schema step is to come");
    assert!(!check.joins, "nobody works in it");
    assert!(
        check.message.contains("created when the station switches"),
        "{}",
        check.message
    );

    // Nothing was made there by looking: it is still bare.
    let again = ops::probe_database(&url).await;
    assert_eq!(again.schema, Some(SchemaState::Missing));

    // The password role, with its password, on the same server.
    let with_password = pg_as(PW_ROLE, Some(PW_SECRET), None, &name);
    let check = ops::probe_database(&with_password).await;
    assert!(check.server_version.is_some(), "it answered: {check:?}");
    assert!(
        !check.database.contains(PW_SECRET) && !check.message.contains(PW_SECRET),
        "the password is never shown: {check:?}"
    );
}

#[tokio::test]
async fn a_wrong_password_a_refused_port_and_a_missing_database_each_say_why() {
    let Some((_, db)) = pg_base() else {
        return;
    };
    let wrong = ops::probe_database(&pg_as(PW_ROLE, Some("not-the-password"), None, &db)).await;
    assert!(!wrong.ok);
    assert_eq!(wrong.problem, Some(DbProblem::AuthFailed), "{wrong:?}");
    assert!(
        wrong.message.contains(PW_ROLE) && wrong.message.contains("password"),
        "names the user and what to check: {}",
        wrong.message
    );
    assert!(
        !wrong.message.contains("not-the-password") && !wrong.detail.contains("not-the-password"),
        "the typed password is not repeated: {wrong:?}"
    );

    // Port 1 on loopback: nothing listens there.
    let refused = ops::probe_database(&pg_as("packbench", None, Some(1), &db)).await;
    assert_eq!(refused.problem, Some(DbProblem::Refused), "{refused:?}");
    assert!(
        refused.message.contains(":1 refused"),
        "{}",
        refused.message
    );

    let missing =
        ops::probe_database(&pg_as("packbench", None, None, "no_such_database_here")).await;
    assert_eq!(
        missing.problem,
        Some(DbProblem::DatabaseMissing),
        "{missing:?}"
    );
    assert!(
        missing
            .message
            .contains("no database no_such_database_here")
            && missing.message.contains("createdb"),
        "{}",
        missing.message
    );

    let bad = ops::probe_database("mysql://shop/db").await;
    assert_eq!(bad.problem, Some(DbProblem::BadSetting));
    assert_eq!(bad.engine, None);
}

#[tokio::test]
async fn a_database_people_work_in_is_joined_not_set_up_again() {
    let Some(db) = common::postgres().await else {
        return;
    };
    ops::create_first_admin(&db.store, "Стол 1", "Ирина", "irina", "2580", 30)
        .await
        .unwrap();
    let check = ops::probe_database(&the_url(&db.target)).await;
    assert!(check.ok, "{check:?}");
    assert_eq!(check.schema, Some(SchemaState::Current));
    assert_eq!(check.steps_to_apply, 0);
    assert_eq!(check.people, 1);
    assert!(
        check.joins,
        "people work in it: the station joins them (sign-in, no first administrator)"
    );
    assert!(check.message.contains("joins them"), "{}", check.message);
}

#[tokio::test]
async fn sqlite_files_new_made_damaged_a_folder_and_a_newer_packbenchs() {
    let dir = tempfile::tempdir().unwrap();
    let new = dir.path().join("shop").join("packbench.db");
    let check = ops::probe_database(new.to_str().unwrap()).await;
    assert!(check.ok, "{check:?}");
    assert_eq!(check.engine.as_deref(), Some("SQLite"));
    assert_eq!(check.schema, Some(SchemaState::Missing));
    assert!(check.message.contains("a new database will be made"));
    assert!(
        !new.exists() && !new.parent().unwrap().exists(),
        "looking makes no file or folder"
    );

    let made = dir.path().join("made.db");
    let store = Store::open(&DbTarget::SqliteFile(made.clone()))
        .await
        .unwrap();
    ops::create_first_admin(&store, "Стол 1", "Ирина", "irina", "2580", 30)
        .await
        .unwrap();
    let check = ops::probe_database(made.to_str().unwrap()).await;
    assert!(check.ok, "{check:?}");
    assert!(check
        .server_version
        .as_deref()
        .is_some_and(|v| v.starts_with("SQLite 3.")));
    assert_eq!(check.schema, Some(SchemaState::Current));
    assert!(check.joins && check.people == 1, "{check:?}");

    // A schema step this Packbench does not know: a newer one made it.
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time) \
         VALUES (99990101, 'from the future', CURRENT_TIMESTAMP, 1, x'00', 0)",
    )
    .execute(store.pool())
    .await
    .unwrap();
    store.close().await;
    let check = ops::probe_database(made.to_str().unwrap()).await;
    assert!(!check.ok);
    assert_eq!(check.problem, Some(DbProblem::NewerSchema), "{check:?}");
    assert_eq!(check.schema, Some(SchemaState::Newer));
    assert!(check.message.contains("99990101"), "{}", check.message);

    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, vec![b'x'; 8192]).unwrap();
    let check = ops::probe_database(junk.to_str().unwrap()).await;
    assert_eq!(check.problem, Some(DbProblem::Damaged), "{check:?}");

    let check = ops::probe_database(dir.path().to_str().unwrap()).await;
    assert_eq!(check.problem, Some(DbProblem::Folder), "{check:?}");
}

#[test]
fn the_cli_tries_a_database_and_says_why_not() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("new.db");
    let out = Command::new(common::cli_binary())
        .args(["setup", "test-db", file.to_str().unwrap()])
        .output()
        .expect("the CLI runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.starts_with("ok: a new database will be made"),
        "{text}"
    );
    assert!(!file.exists(), "test-db makes nothing");

    let out = Command::new(common::cli_binary())
        .args([
            "--json",
            "setup",
            "test-db",
            "postgres://nobody@127.0.0.1:1/none",
        ])
        .output()
        .expect("the CLI runs");
    assert_eq!(
        out.status.code(),
        Some(1),
        "a database it cannot use is exit 1"
    );
    let check: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(check["problem"], "refused", "{check}");
}

// ---- the wizard's steps, on both engines ------------------------------------

fn store_details(name: &str, inn: &str, kpp: &str) -> StoreDetails {
    StoreDetails {
        name: name.into(),
        inn: inn.into(),
        kpp: kpp.into(),
        address: "420021, г. Казань, ул. Складская, д. 7".into(),
    }
}

on_both_engines!(
    the_wizard_makes_the_administrator_keeps_the_store_and_carriers_and_knows_what_is_left,
    |db| {
        let store = db.store.clone().with_clock(common::clock());
        let mut config = StationConfig {
            station: "Стол 1".into(),
            ..Default::default()
        };
        let status = ops::setup_status(&store, &config).await.unwrap();
        assert_eq!(
            status.remaining,
            vec![
                SetupStep::Administrator,
                SetupStep::Store,
                SetupStep::Printers
            ],
            "a new database needs all but the carriers (all are known and in use)"
        );
        assert_eq!(
            status.resume_at,
            Some(SetupStep::Language),
            "from the start"
        );

        let mut session =
            ops::create_first_admin(&store, "Стол 1", "Ирина Волкова", "irina", "2580", 30)
                .await
                .unwrap();
        let admin = session.actor_at(store.now_ms()).unwrap();
        let status = ops::setup_status(&store, &config).await.unwrap();
        assert_eq!(status.people, 1);
        assert_eq!(
            status.resume_at,
            Some(SetupStep::Store),
            "an administrator who signs in again goes on at the store's details"
        );

        // A mistyped INN: refused at its field, with the seller's own rule;
        // nothing is stored.
        let wrong = ops::save_store_details(
            &store,
            &admin,
            &store_details("ООО «Ромашка»", "7707083894", "773601001"),
        )
        .await
        .unwrap();
        assert!(!wrong.saved);
        assert_eq!(wrong.problems.len(), 1, "{:?}", wrong.problems);
        assert_eq!(wrong.problems[0].field, SellerField::Inn);
        assert_eq!(wrong.problems[0].rule, SellerRule::InnCheckDigit);
        assert!(wrong.problems[0].message.contains("check digit"));
        assert!(
            !ops::seller(&store).await.unwrap().is_set(),
            "nothing saved"
        );

        // Every field's problem at once: no name, a short INN, a bad KPP.
        let many = ops::save_store_details(&store, &admin, &store_details(" ", "77070838", "1234"))
            .await
            .unwrap();
        let fields: Vec<_> = many.problems.iter().map(|p| (p.field, p.rule)).collect();
        assert_eq!(
            fields,
            vec![
                (SellerField::Name, SellerRule::NameMissing),
                (SellerField::Inn, SellerRule::InnShape),
                (SellerField::Kpp, SellerRule::KppShape),
            ]
        );
        // A sole trader (12 digits) has no KPP.
        let trader = ops::save_store_details(
            &store,
            &admin,
            &store_details("ИП Волкова И. А.", "500100732259", "500101001"),
        )
        .await
        .unwrap();
        assert_eq!(trader.problems[0].rule, SellerRule::KppSoleTrader);

        // The seller's own op refuses the same mistyped INN: one rule.
        let e = ops::set_seller(
            &store,
            &admin,
            &Seller {
                name: "ООО «Ромашка»".into(),
                inn: "7707083894".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
        assert!(
            matches!(e, Error::Invalid(_)) && e.to_string().contains("check digit"),
            "{e}"
        );

        let right = ops::save_store_details(
            &store,
            &admin,
            &store_details("ООО «Ромашка»", " 7707083893 ", "773601001"),
        )
        .await
        .unwrap();
        assert!(right.saved, "{:?}", right.problems);
        let seller = ops::seller(&store).await.unwrap();
        assert_eq!(seller.name, "ООО «Ромашка»");
        assert_eq!(seller.inn, "7707083893", "kept trimmed");
        assert_eq!(seller.kpp, "773601001");
        let history = ops::audit(&store, &admin, &Default::default())
            .await
            .unwrap();
        assert!(
            history
                .iter()
                .any(|e| e.kind == EventKind::SellerChanged && e.user == "Ирина Волкова"),
            "the change is in the history with who made it"
        );

        // A packer may not change the store's details.
        let packer = Actor::new("Анна", "Стол 1", Role::Packer);
        assert!(matches!(
            ops::save_store_details(&store, &packer, &store_details("x", "", "")).await,
            Err(Error::Forbidden { .. })
        ));

        // Carriers: the ones chosen stay in use, the others are kept, off.
        let all = ops::use_carriers(&store, &admin, &["cdek".into(), "pickup".into()])
            .await
            .unwrap();
        let used: Vec<_> = all
            .iter()
            .filter(|c| c.active)
            .map(|c| c.code.as_str())
            .collect();
        assert_eq!(used, vec!["cdek", "pickup"]);
        assert!(all.len() > 2, "the others are still known");
        assert_eq!(
            ops::carriers(&store).await.unwrap(),
            vec!["СДЭК", "Самовывоз"]
        );
        assert!(matches!(
            ops::use_carriers(&store, &admin, &[]).await,
            Err(Error::Invalid(_))
        ));
        assert!(matches!(
            ops::use_carriers(&store, &admin, &["pony_express".into()]).await,
            Err(Error::NotFound { .. })
        ));
        assert!(matches!(
            ops::use_carriers(&store, &packer, &["cdek".into()]).await,
            Err(Error::Forbidden { .. })
        ));

        // A printer chosen for the label at this station.
        config.print.label.printer = Some("Zebra".into());
        let status = ops::setup_status(&store, &config).await.unwrap();
        assert!(status.remaining.is_empty(), "{:?}", status.remaining);
        assert_eq!(status.seller, "ООО «Ромашка»");
        assert_eq!(status.carriers, vec!["СДЭК", "Самовывоз"]);
        let label = status
            .printers
            .iter()
            .find(|p| p.kind == DocumentKind::Label)
            .unwrap();
        assert_eq!(label.printer.as_deref(), Some("Zebra"));
        assert_eq!(
            status.resume_at,
            Some(SetupStep::Carriers),
            "not finished yet: the carriers cannot be told from the list"
        );

        let finished = ops::finish_setup(&store, &admin, &config).await.unwrap();
        assert_eq!(finished.resume_at, None, "finished: not shown again");
        let mark = finished.finished.expect("the mark");
        assert_eq!(mark.by, "Ирина Волкова");
        assert_eq!(mark.station, "Стол 1");
        assert!(matches!(
            ops::finish_setup(&store, &packer, &config).await,
            Err(Error::Forbidden { .. })
        ));
    }
);

on_both_engines!(
    a_store_put_off_to_later_is_still_said_to_need_its_details,
    |db| {
        let store = db.store.clone();
        let config = StationConfig::default();
        let mut session = ops::create_first_admin(&store, "s1", "Ирина", "irina", "2580", 30)
            .await
            .unwrap();
        let admin = session.actor_at(store.now_ms()).unwrap();
        let status = ops::finish_setup(&store, &admin, &config).await.unwrap();
        assert_eq!(
            status.resume_at, None,
            "put off: the wizard is not shown again"
        );
        assert_eq!(
            status.remaining,
            vec![SetupStep::Store, SetupStep::Printers],
            "but what it left is still needed"
        );
    }
);

on_both_engines!(the_demo_needs_no_wizard, |db| {
    let store = db.store.clone();
    ops::load_demo_first_run(&store, "s1", 1).await.unwrap();
    let status = ops::setup_status(&store, &StationConfig::default())
        .await
        .unwrap();
    assert_eq!(status.resume_at, None, "a warehouse with orders is working");
    assert!(
        !status.remaining.contains(&SetupStep::Store),
        "the demo has its seller: {:?}",
        status.remaining
    );
    // The demo's seller passes the seller's own rules (check digits too).
    assert!(ops::seller_problems(&Seller::demo()).is_empty());
});

#[tokio::test]
async fn the_printer_chosen_in_the_wizard_prints_its_test_page_through_cups() {
    cups::require_queues();
    let db: TestDb = common::sqlite().await;
    let mut session = ops::create_first_admin(&db.store, "s1", "Ирина", "irina", "2580", 30)
        .await
        .unwrap();
    let admin = session.actor_at(db.store.now_ms()).unwrap();
    let station = format!("wizard-{}", std::process::id());
    let mut config = StationConfig::default();
    config.print.invoice.printer = Some(cups::pdf_printer());
    let chosen = config.print.invoice.printer.clone().unwrap();
    let job = ops::print_test_page(&admin, &chosen, Paper::A4, Lang::Ru, &station)
        .await
        .expect("CUPS takes the test page");
    assert!(job.starts_with(&chosen), "{job}");
    let printed = cups::wait_for_pdf(&format!("packbench-test-page-{station}"));
    assert!(
        std::fs::metadata(&printed).unwrap().len() > 1000,
        "a page came out of the queue"
    );
    let status = ops::setup_status(&db.store, &config).await.unwrap();
    assert!(!status.remaining.contains(&SetupStep::Printers));
}
