//! Tells the UI which orders changed, in this window or at another station
//! sharing the database, from core's live change feed.

use crate::state::AppState;
use packbench_core::ops::{self, ChangeFeed};
use packbench_core::store::Store;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use tauri::{AppHandle, Manager, Runtime};
use tauri_specta::Event;

/// `orders-changed`: these orders have new events or scans.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, tauri_specta::Event,
)]
pub struct OrdersChanged {
    pub numbers: Vec<String>,
}

/// `progress`: how far a long job is (`job` is `export` or `import`):
/// `done` of `total` orders or rows.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, tauri_specta::Event,
)]
pub struct Progress {
    pub job: String,
    pub done: usize,
    pub total: usize,
}

/// How often the watcher looks whether the database it follows is still the
/// station's (the settings switched it, a restore replaced it): a read of
/// memory, not of the database.
const CHECK_STORE_EVERY: Duration = Duration::from_secs(1);

/// A burst of commits (fast scanning) is told as one `orders-changed` at
/// most this often, so the screens do not refresh once per scan; well inside
/// the 500 ms in which another station should see a change.
const EMIT_AT_MOST_EVERY: Duration = Duration::from_millis(150);

/// After the database could not be reached, the feed tries again this often.
const RETRY_EVERY: Duration = Duration::from_secs(1);

/// Emits `orders-changed` as other stations and windows commit: core's
/// [`ChangeFeed`] wakes on PostgreSQL's notifications or SQLite's change
/// counter, so a change shows within tens of milliseconds without polling
/// the orders.
pub fn watch<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        let mut running: Option<(Store, tauri::async_runtime::JoinHandle<()>)> = None;
        loop {
            let current = app.state::<AppState>().store.read().await.clone();
            let stale = match (&running, &current) {
                (Some((old, _)), Some(now)) => {
                    old.pool().is_closed() || old.describe() != now.describe()
                }
                (Some(_), None) => true,
                (None, Some(_)) => true,
                (None, None) => false,
            };
            if stale {
                if let Some((_, task)) = running.take() {
                    task.abort();
                }
                if let Some(store) = current {
                    let task = tauri::async_runtime::spawn(follow(app.clone(), store.clone()));
                    running = Some((store, task));
                }
            }
            tokio::time::sleep(CHECK_STORE_EVERY).await;
        }
    });
}

/// Follows one database until the task is aborted.
async fn follow<R: Runtime>(app: AppHandle<R>, store: Store) {
    let mut feed = ChangeFeed::new();
    let mut failing = false;
    let mut last: Option<std::time::Instant> = None;
    loop {
        match feed
            .next_at_most_every(&store, last, EMIT_AT_MOST_EVERY)
            .await
        {
            Ok(numbers) => {
                failing = false;
                last = Some(std::time::Instant::now());
                if let Err(e) = (OrdersChanged { numbers }).emit(&app) {
                    tracing::warn!(error = %e, "cannot emit orders-changed");
                }
            }
            Err(e) => {
                // Logged once per outage, not every retry.
                if !failing {
                    failing = true;
                    tracing::warn!(error = %e, "cannot follow other stations' changes");
                }
                tokio::time::sleep(RETRY_EVERY).await;
            }
        }
    }
}

/// How often the station looks for print jobs to try again.
const PRINT_RETRY_EVERY: Duration = Duration::from_secs(5);

/// The station's print queue between actions: jobs a crash cut off are
/// marked (they may have printed), failed jobs are tried again as their
/// back-off ends, and a printer that comes back prints what waited for it,
/// in order (core's `send_waiting_print_jobs`).
pub fn retry_printing<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        let mut failing = false;
        loop {
            let state = app.state::<AppState>();
            let store = state.store.read().await.clone();
            if let Some(store) = store {
                let (station, _) = state.station().await;
                match ops::send_station_print_jobs(&store, &station).await {
                    Ok(tried) => {
                        failing = false;
                        for job in tried {
                            tracing::info!(
                                job = job.id, printer = ?job.printer, status = %job.status,
                                "print job tried again"
                            );
                        }
                    }
                    Err(e) if !failing => {
                        failing = true;
                        tracing::warn!(error = %e, "waiting print jobs cannot be sent");
                    }
                    Err(_) => {}
                }
            }
            tokio::time::sleep(PRINT_RETRY_EVERY).await;
        }
    });
}

/// How often the station looks for customer messages that are due.
const MAIL_EVERY: Duration = Duration::from_secs(5);

/// The station's mail sender: delivers due outbox messages through the
/// store's server, apart from everything else (a slow or absent mail
/// server never holds up a command). Several stations may run it: each
/// message is claimed by one.
pub fn send_mail<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        let mut failing = false;
        loop {
            tokio::time::sleep(MAIL_EVERY).await;
            let state = app.state::<AppState>();
            let store = match state.store.read().await.as_ref() {
                Some(s) => s.clone(),
                None => continue,
            };
            let settings = match ops::mail_settings(&store).await {
                Ok(s) if s.enabled => s,
                _ => continue,
            };
            let password = state.mail_password(&settings);
            match ops::send_due(&store, password.as_deref()).await {
                Ok(r) => {
                    failing = false;
                    if r.sent + r.failed + r.given_up > 0 {
                        tracing::info!(
                            sent = r.sent,
                            failed = r.failed,
                            given_up = r.given_up,
                            "customer mail"
                        );
                    }
                }
                Err(e) if !failing => {
                    failing = true;
                    tracing::warn!(error = %e, "the mail sender cannot run");
                }
                Err(_) => {}
            }
        }
    });
}
