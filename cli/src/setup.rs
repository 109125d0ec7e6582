//! `setup test-db|status`: the first-run wizard's questions on the command
//! line. `test-db` tries a database setting without changing anything
//! there; `status` says what this station (its settings file, its
//! database) still needs. Neither needs anyone signed in: both are asked
//! before a new station has its first administrator.

use super::Failure;
use clap::Subcommand;
use packbench_core::config::StationConfig;
use packbench_core::ops::{self, DatabaseCheck, SchemaState, SetupStatus};
use packbench_core::store::{DbTarget, Store};

#[derive(Subcommand)]
pub enum SetupCommand {
    /// Try a database: a SQLite file path or a postgres:// URL (with its
    /// password), within 5 seconds, reading only. Says whether it answers
    /// and why not, the server's version, whether Packbench's tables are
    /// there (or would be made), and whether people already work in it.
    /// Exit code 1 when the station could not use it.
    TestDb {
        /// The setting as the station would hold it ("" = the default file).
        url: String,
    },
    /// What this station still needs: the database of --db, else the one
    /// its settings file ($PACKBENCH_CONFIG) names; its printers from that
    /// file.
    Status,
}

pub async fn run(db: &Option<String>, json: bool, command: SetupCommand) -> Result<u8, Failure> {
    match command {
        SetupCommand::TestDb { url } => {
            let check = ops::probe_database(&url).await;
            print_check(json, &check);
            Ok(if check.ok { 0 } else { 1 })
        }
        SetupCommand::Status => status(db, json).await,
    }
}

async fn status(db: &Option<String>, json: bool) -> Result<u8, Failure> {
    let config = StationConfig::load()?;
    let target = match db {
        Some(d) => DbTarget::parse(d)?,
        None => config.db_target()?,
    };
    let target =
        packbench_core::secrets::complete(target, &packbench_core::secrets::OsKeyring, None);
    let setting = match &target {
        DbTarget::SqliteFile(path) => path.display().to_string(),
        DbTarget::Postgres(url) => url.clone(),
    };
    // Looked at first: opening would make the file or apply the schema,
    // which is the station's to do when it starts.
    let check = ops::probe_database(&setting).await;
    if !check.ok || check.schema != Some(SchemaState::Current) {
        print_check(json, &check);
        if !json {
            out!("still needed: everything (start Packbench on this station for its first-run wizard)");
        }
        return Ok(u8::from(!check.ok));
    }
    let store = Store::open(&target).await?;
    let status = ops::setup_status(&store, &config).await;
    store.close().await;
    let status = status?;
    print_status(json, &status);
    Ok(0)
}

fn print_check(json: bool, check: &DatabaseCheck) {
    if json {
        out!(
            "{}",
            serde_json::to_string_pretty(check).unwrap_or_default()
        );
        return;
    }
    out!(
        "{}: {}",
        if check.ok { "ok" } else { "NOT OK" },
        check.message
    );
    if let Some(version) = &check.server_version {
        out!("server:   {version}");
    }
    if let Some(schema) = check.schema {
        let schema = match schema {
            SchemaState::Missing => "none yet (made on switching)".to_string(),
            SchemaState::Current => "up to date".to_string(),
            SchemaState::Older => format!("older ({} steps to apply)", check.steps_to_apply),
            SchemaState::Newer => "a newer Packbench's".to_string(),
        };
        out!("schema:   {schema}");
        out!("people:   {}, orders: {}", check.people, check.orders);
    }
    if !check.detail.is_empty() {
        out!("driver:   {}", check.detail);
    }
}

fn print_status(json: bool, s: &SetupStatus) {
    if json {
        out!("{}", serde_json::to_string_pretty(s).unwrap_or_default());
        return;
    }
    out!("database: {} ({})", s.database, s.engine);
    out!("people:   {}, orders: {}", s.people, s.orders);
    out!(
        "seller:   {}",
        if s.seller.is_empty() {
            "not set"
        } else {
            &s.seller
        }
    );
    for p in &s.printers {
        out!(
            "printer:  {:<13} {}",
            p.kind.as_str(),
            p.printer
                .as_deref()
                .unwrap_or("none (its jobs wait in the print queue)")
        );
    }
    out!("carriers: {}", s.carriers.join(", "));
    match &s.finished {
        Some(f) => out!(
            "wizard:   finished by {} at {} on {}",
            f.by,
            f.station,
            f.at
        ),
        None => out!("wizard:   not finished"),
    }
    if s.remaining.is_empty() {
        out!("still needed: nothing");
    } else {
        let steps: Vec<&str> = s.remaining.iter().map(|r| r.as_str()).collect();
        out!("still needed: {}", steps.join(", "));
    }
    if let Some(step) = s.resume_at {
        out!("the wizard goes on at: {}", step.as_str());
    }
}
