//! The station's own care of its SQLite file: once the database is open,
//! SQLite's `quick_check` (seconds on a large file, so after the window is
//! usable rather than before it), and backups on the schedule its settings
//! give. Both on tasks of their own, so no command waits for them.

use crate::error::IpcError;
use crate::state::AppState;
use packbench_core::error::ErrorCode;
use packbench_core::ops;
use packbench_core::store::{DbTarget, Store};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use tauri::{AppHandle, Manager, Runtime};
use tauri_specta::Event;

/// `database-unusable`: the check after start found the database file
/// damaged (or it cannot be written); the station closed it. The UI reads
/// `app_info` again and shows the start screen, which offers the newest
/// backup when the file is damaged.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, tauri_specta::Event,
)]
pub struct DatabaseUnusable {
    pub code: ErrorCode,
    pub message: String,
}

/// How often the schedule looks whether a backup is due.
const LOOK_EVERY: Duration = Duration::from_secs(60);

/// Checks the database once it is open, then backs it up whenever the
/// newest backup in the station's folder is older than its settings ask.
pub fn start<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        check_once_open(&app).await;
        let mut failing = false;
        loop {
            tokio::time::sleep(LOOK_EVERY).await;
            match back_up_if_due(&app).await {
                Ok(Some(made)) => {
                    failing = false;
                    tracing::info!(backup = %made.file.path, took_ms = made.took_ms, "scheduled backup");
                }
                Ok(None) => {}
                // Logged once until it works again, not every minute.
                Err(e) if !failing => {
                    failing = true;
                    tracing::error!(error = %e, "the scheduled backup failed");
                }
                Err(_) => {}
            }
        }
    });
}

async fn check_once_open<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    // Waits for the opening (it holds the lock for writing).
    let Some(store) = state.store.read().await.clone() else {
        return;
    };
    let Err(e) = ops::check_database(&store).await else {
        return;
    };
    let unusable = matches!(e.code(), ErrorCode::Damaged | ErrorCode::Unavailable);
    let e = IpcError::from(e);
    if !unusable {
        tracing::warn!(error = %e, "the database could not be checked");
        return;
    }
    tracing::error!(error = %e, "the database is closed: it cannot be used safely");
    // Only the store that was checked: a restore or a switch since has
    // put another one in its place.
    if state
        .store
        .read()
        .await
        .as_ref()
        .is_some_and(|now| same(now, &store))
    {
        state.close_unusable(e.clone()).await;
        if let Err(err) = (DatabaseUnusable {
            code: e.code,
            message: e.message,
        })
        .emit(app)
        {
            tracing::warn!(error = %err, "cannot emit database-unusable");
        }
    }
}

fn same(a: &Store, b: &Store) -> bool {
    a.target() == b.target() && !a.pool().is_closed() && !b.pool().is_closed()
}

/// Backs up when the newest backup is older than the settings' interval
/// (or there is none); nothing on PostgreSQL, with the schedule off, or
/// with the database closed.
pub async fn back_up_if_due<R: Runtime>(
    app: &AppHandle<R>,
) -> packbench_core::Result<Option<ops::BackupReport>> {
    let state = app.state::<AppState>();
    let settings = state.config.read().await.backup.clone();
    if settings.every_minutes == 0 {
        return Ok(None);
    }
    let Some(store) = state.store.read().await.clone() else {
        return Ok(None);
    };
    let DbTarget::SqliteFile(database) = store.target() else {
        return Ok(None);
    };
    let folder = settings.folder_for(database);
    let now = store.now();
    // A backup named after now (the clock was set back) does not count.
    let newest = ops::list_backups(&folder)?
        .into_iter()
        .find(|b| b.made_at <= now);
    let due =
        newest.is_none_or(|b| (now - b.made_at).num_minutes() >= i64::from(settings.every_minutes));
    if !due {
        return Ok(None);
    }
    ops::back_up(&store, &folder, settings.keep).await.map(Some)
}
