//! `backup now|list|check|restore`: backups of the SQLite database file.
//! They work on the file, not as a user (whoever may read and write the
//! file may copy it anyway), so a restore also works when the database is
//! too damaged for anyone to sign in. A PostgreSQL server is backed up on
//! the server with pg_dump (README).

use super::{usage, Failure};
use clap::Subcommand;
use packbench_core::config::StationConfig;
use packbench_core::ops::{self, BackupFile};
use packbench_core::store::{DbTarget, Store};
use std::path::{Path, PathBuf};

#[derive(Subcommand)]
pub enum BackupCommand {
    /// Back up the database now (the station may go on working), then keep
    /// only the newest backups.
    Now {
        /// Default: the station settings' backup folder, else `backups`
        /// beside the database.
        #[arg(long, value_name = "DIR")]
        folder: Option<PathBuf>,
        /// How many of the newest backups to keep. Default: the station
        /// settings' (24 unless changed).
        #[arg(long, value_name = "N")]
        keep: Option<u32>,
    },
    /// The backups in the folder, newest first.
    List {
        #[arg(long, value_name = "DIR")]
        folder: Option<PathBuf>,
    },
    /// Check a backup (or, without FILE, the database itself) and say what
    /// it holds; nothing is changed.
    Check { file: Option<PathBuf> },
    /// Put a backup in place of the database: it is checked first, the
    /// database it replaces is kept beside it as
    /// `<name>.before-restore-<time>`. Close the app first.
    Restore {
        file: PathBuf,
        /// Restore without asking.
        #[arg(long)]
        yes: bool,
    },
}

pub async fn run(db: &Option<String>, json: bool, command: BackupCommand) -> Result<u8, Failure> {
    let target = match db {
        Some(d) => DbTarget::parse(d)?,
        None => DbTarget::from_env_or_default()?,
    };
    let settings = || StationConfig::load().map(|c| c.backup);
    // The folder asked for, else the station settings'.
    let folder_of = |asked: Option<PathBuf>| match asked {
        Some(f) => Ok::<_, Failure>(f),
        None => Ok(ops::backup_folder(&target, &settings()?)?),
    };
    match command {
        BackupCommand::Now { folder, keep } => {
            ops::database_file(&target)?;
            let folder = folder_of(folder)?;
            let keep = match keep {
                Some(k) => k,
                None => settings()?.keep,
            };
            let store = Store::open(&target).await?;
            let made = ops::back_up(&store, &folder, keep).await;
            store.close().await;
            let made = made?;
            if json {
                out!("{}", serde_json::to_string(&made).unwrap_or_default());
            } else {
                out!(
                    "backed up to {} ({}, {} ms)",
                    made.file.path,
                    size(made.file.bytes),
                    made.took_ms
                );
                for name in &made.removed {
                    out!("removed the older backup {name}");
                }
            }
        }
        BackupCommand::List { folder } => {
            ops::database_file(&target)?;
            let folder = folder_of(folder)?;
            let backups = ops::list_backups(&folder)?;
            if json {
                out!("{}", serde_json::to_string(&backups).unwrap_or_default());
            } else if backups.is_empty() {
                out!("no backups in {}", folder.display());
            } else {
                out!("backups in {}, newest first:", folder.display());
                for b in &backups {
                    out!("{}", line(b));
                }
            }
        }
        BackupCommand::Check { file: Some(file) } => {
            let checked = ops::check_backup(&file).await?;
            if json {
                out!("{}", serde_json::to_string(&checked).unwrap_or_default());
            } else {
                out!(
                    "{} is sound: {} orders, schema step {} (this Packbench: {})",
                    checked.path,
                    checked.orders,
                    checked.schema,
                    checked.current_schema
                );
            }
        }
        BackupCommand::Check { file: None } => {
            let database = ops::database_file(&target)?.to_path_buf();
            let store = Store::open(&target).await?;
            let checked = ops::check_database(&store).await;
            store.close().await;
            checked?;
            if json {
                out!(
                    "{}",
                    serde_json::json!({"database": database.display().to_string(), "ok": true})
                );
            } else {
                out!("{} is sound", database.display());
            }
        }
        BackupCommand::Restore { file, yes } => {
            let database = ops::database_file(&target)?.to_path_buf();
            let checked = ops::check_backup(&file).await?;
            if !yes && !confirmed(&file, &database, checked.orders)? {
                return Err(usage("nothing was restored"));
            }
            let restored = ops::restore_backup(&file, &database, chrono::Utc::now()).await?;
            // Opening it brings an older backup's schema up to date now,
            // not at the station's next start.
            Store::open(&target).await?.close().await;
            if json {
                out!("{}", serde_json::to_string(&restored).unwrap_or_default());
            } else {
                out!(
                    "restored {} into {} ({} orders)",
                    restored.backup.path,
                    restored.database,
                    restored.backup.orders
                );
                match &restored.set_aside {
                    Some(aside) => out!("the database it replaced is kept as {aside}"),
                    None => out!("there was no database to replace"),
                }
            }
        }
    }
    Ok(0)
}

/// Asks on the terminal; without one (a script), `--yes` is the answer.
fn confirmed(file: &Path, database: &Path, orders: i64) -> Result<bool, Failure> {
    use std::io::{BufRead, IsTerminal, Write};
    if !std::io::stdin().is_terminal() {
        return Err(usage(format!(
            "restoring {} replaces {} ({orders} orders in the backup); run again with --yes to do it",
            file.display(),
            database.display()
        )));
    }
    eprint!(
        "Replace {} with the backup {} ({orders} orders)? The database now is kept beside it. Type yes: ",
        database.display(),
        file.display()
    );
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| usage(format!("cannot read the answer: {e}")))?;
    Ok(answer.trim().eq_ignore_ascii_case("yes"))
}

fn line(b: &BackupFile) -> String {
    format!(
        "{}  {}  {:>10}",
        b.made_at
            .with_timezone(&chrono::Local)
            .format("%Y-%m-%d %H:%M:%S"),
        b.name,
        size(b.bytes)
    )
}

fn size(bytes: u64) -> String {
    const MB: f64 = 1024.0 * 1024.0;
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / MB)
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}
