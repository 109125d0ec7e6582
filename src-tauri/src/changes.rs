//! Tells the UI which orders changed, in this window or at another station
//! sharing the database, by polling core's change feed.

use crate::state::AppState;
use packbench_core::ops::{self, ChangeCursor};
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

/// Often enough that a packer sees another station's claim before scanning,
/// rarely enough to cost nothing (two indexed MAX() reads per tick).
const POLL_EVERY: Duration = Duration::from_millis(700);

pub fn watch<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        let mut feed = Feed::default();
        loop {
            feed.poll(&app).await;
            tokio::time::sleep(POLL_EVERY).await;
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

#[derive(Default)]
struct Feed {
    cursor: ChangeCursor,
    /// The database the cursor belongs to: after a switch in the settings
    /// the feed starts over instead of comparing another database's ids.
    database: String,
    failing: bool,
}

impl Feed {
    async fn poll<R: Runtime>(&mut self, app: &AppHandle<R>) {
        let state = app.state::<AppState>();
        let store = state.store.read().await;
        let Some(store) = store.as_ref() else {
            return;
        };
        if store.describe() != self.database {
            self.database = store.describe().to_string();
            self.cursor = ChangeCursor::default();
        }
        match ops::changes_since(store, &self.cursor).await {
            Ok((next, numbers)) => {
                self.cursor = next;
                self.failing = false;
                if !numbers.is_empty() {
                    if let Err(e) = (OrdersChanged { numbers }).emit(app) {
                        tracing::warn!(error = %e, "cannot emit orders-changed");
                    }
                }
            }
            // Logged once per outage, not every 700 ms.
            Err(e) if !self.failing => {
                self.failing = true;
                tracing::warn!(error = %e, "cannot read the change feed");
            }
            Err(_) => {}
        }
    }
}
