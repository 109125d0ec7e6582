//! Backup commands: this station's backup settings, a backup now, the list,
//! and a restore (thin calls of core's `ops::backup`). They are the
//! station's own settings: none needs a user signed in, but a restore needs
//! an administrator unless the database file is damaged.

use crate::commands::Reply;
use crate::state::{AppInfo, AppState};
use packbench_core::config::BackupSettings;
use packbench_core::ops::{self, BackupFile, BackupReport, RestoreReport};
use serde::Serialize;
use std::path::PathBuf;
use tauri::State;

/// This station's backups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Backups {
    /// Where they go: the settings' folder, else `backups` beside the database.
    pub folder: String,
    /// Newest first.
    pub backups: Vec<BackupFile>,
}

/// A restore done, and the station as it is now (the database open on the
/// restored file, nobody signed in).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Restored {
    pub report: RestoreReport,
    pub info: AppInfo,
}

#[tauri::command]
#[specta::specta]
pub async fn backup_settings(state: State<'_, AppState>) -> Reply<BackupSettings> {
    Ok(state.config.read().await.backup.clone())
}

#[tauri::command]
#[specta::specta]
pub async fn save_backup_settings(
    state: State<'_, AppState>,
    settings: BackupSettings,
) -> Reply<BackupSettings> {
    state.save_backup_settings(settings).await
}

async fn folder(state: &AppState) -> Reply<PathBuf> {
    let config = state.config.read().await;
    Ok(ops::backup_folder(&config.db_target()?, &config.backup)?)
}

#[tauri::command]
#[specta::specta]
pub async fn list_backups(state: State<'_, AppState>) -> Reply<Backups> {
    let folder = folder(&state).await?;
    Ok(Backups {
        backups: ops::list_backups(&folder)?,
        folder: folder.display().to_string(),
    })
}

#[tauri::command]
#[specta::specta]
pub async fn backup_now(state: State<'_, AppState>) -> Reply<BackupReport> {
    let folder = folder(&state).await?;
    let keep = state.config.read().await.backup.keep;
    // A handle of its own: a large copy takes a while, and settings
    // changes must not wait behind it.
    let store = state.store_handle().await?;
    Ok(ops::back_up(&store, &folder, keep).await?)
}

/// What the start screen offers when the database file is damaged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct RestoreOffer {
    pub folder: String,
    /// The newest backup there; none: nothing to restore.
    pub newest: Option<BackupFile>,
}

/// When the database is closed because its file is damaged: the newest
/// backup (the start screen offers it); null when it is not damaged.
#[tauri::command]
#[specta::specta]
pub async fn restore_offer(state: State<'_, AppState>) -> Reply<Option<RestoreOffer>> {
    if !state.database_damaged() {
        return Ok(None);
    }
    let folder = folder(&state).await?;
    Ok(Some(RestoreOffer {
        newest: ops::list_backups(&folder)?.into_iter().next(),
        folder: folder.display().to_string(),
    }))
}

/// Puts the backup at `path` in place of the database (checked first; the
/// file it replaces is kept beside it), then opens it again.
#[tauri::command]
#[specta::specta]
pub async fn restore_backup(state: State<'_, AppState>, path: String) -> Reply<Restored> {
    ops::may_restore(state.actor().ok().as_ref(), state.database_damaged())?;
    ops::database_file(&state.config.read().await.db_target()?)?;
    // Checked while the station still works: a bad backup closes nothing.
    let checked = ops::check_backup(&PathBuf::from(path)).await?;
    let now = state.clock().now();
    let (report, info) = state
        .replace_database(|target| async move {
            let database = ops::database_file(&target)?;
            ops::restore_checked(checked, database, now).await
        })
        .await?;
    Ok(Restored { report, info })
}
