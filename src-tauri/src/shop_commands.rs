//! The shop connection (issue 15 item 1): each shop's API that stock and
//! order status go back to, the queue of calls to the shops, the watched
//! folder of order exports, the webhooks' secrets and the inbox of bodies
//! kept for a person (thin calls of core). Secrets go in and never come
//! back: core answers with fingerprints.

use crate::commands::Reply;
use crate::state::AppState;
use packbench_core::ops::{
    self, DeliveryLog, ShopApiInfo, ShopApiInput, ShopCall, ShopCallState, ShopQueue,
    WatchFolderSettings, WebhookChannel, WebhookSecretInfo,
};
use tauri::State;

/// Each shop channel's API as set (never the token or secret).
#[tauri::command]
#[specta::specta]
pub async fn shop_apis(state: State<'_, AppState>) -> Reply<Vec<ShopApiInfo>> {
    let store = state.store().await?;
    Ok(ops::shop_apis(&store, &state.actor()?).await?)
}

/// Sets a channel's shop API; `api_secret` null keeps the one set before.
#[tauri::command]
#[specta::specta]
pub async fn set_shop_api(state: State<'_, AppState>, input: ShopApiInput) -> Reply<ShopApiInfo> {
    let store = state.store().await?;
    Ok(ops::set_shop_api(&store, &state.actor()?, &input).await?)
}

/// Disconnects a channel's shop API (what waited for it is failed).
#[tauri::command]
#[specta::specta]
pub async fn remove_shop_api(
    state: State<'_, AppState>,
    channel: WebhookChannel,
) -> Reply<ShopApiInfo> {
    let store = state.store().await?;
    Ok(ops::remove_shop_api(&store, &state.actor()?, channel).await?)
}

/// The calls to the shops: the counts per state, and the newest calls
/// (only those in `call_state` when given), up to `limit` (default 50).
#[tauri::command]
#[specta::specta]
pub async fn shop_calls(
    state: State<'_, AppState>,
    call_state: Option<ShopCallState>,
    limit: Option<i64>,
) -> Reply<ShopQueue> {
    let store = state.store().await?;
    Ok(ops::shop_calls(&store, &state.actor()?, call_state, limit.unwrap_or(50)).await?)
}

/// A failed call to the shop goes again now.
#[tauri::command]
#[specta::specta]
pub async fn retry_shop_call(state: State<'_, AppState>, id: i64) -> Reply<ShopCall> {
    let store = state.store().await?;
    Ok(ops::retry_shop_call(&store, &state.actor()?, id).await?)
}

/// The watched folder of order exports (on the server's machine).
#[tauri::command]
#[specta::specta]
pub async fn watch_folder(state: State<'_, AppState>) -> Reply<WatchFolderSettings> {
    let store = state.store().await?;
    state.actor()?;
    Ok(ops::watch_folder_settings(&store).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn set_watch_folder(
    state: State<'_, AppState>,
    settings: WatchFolderSettings,
) -> Reply<WatchFolderSettings> {
    let store = state.store().await?;
    Ok(ops::set_watch_folder(&store, &state.actor()?, &settings).await?)
}

/// Which channels have a webhook secret (a fingerprint, never the secret).
#[tauri::command]
#[specta::specta]
pub async fn webhook_secrets(state: State<'_, AppState>) -> Reply<Vec<WebhookSecretInfo>> {
    let store = state.store().await?;
    Ok(ops::webhook_secrets(&store, &state.actor()?).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn set_webhook_secret(
    state: State<'_, AppState>,
    channel: WebhookChannel,
    secret: String,
) -> Reply<WebhookSecretInfo> {
    let store = state.store().await?;
    Ok(ops::set_webhook_secret(&store, &state.actor()?, channel, &secret).await?)
}

/// The deliveries whose bodies wait for a person, newest first, up to
/// `limit` (default 50).
#[tauri::command]
#[specta::specta]
pub async fn webhook_inbox(
    state: State<'_, AppState>,
    limit: Option<i64>,
) -> Reply<Vec<DeliveryLog>> {
    let store = state.store().await?;
    Ok(ops::webhook_deliveries(&store, &state.actor()?, true, limit.unwrap_or(50), None).await?)
}

/// A kept delivery dealt with: it leaves the inbox (the log keeps it).
#[tauri::command]
#[specta::specta]
pub async fn dismiss_webhook_delivery(state: State<'_, AppState>, id: i64) -> Reply<DeliveryLog> {
    let store = state.store().await?;
    Ok(ops::dismiss_webhook_delivery(&store, &state.actor()?, id).await?)
}
