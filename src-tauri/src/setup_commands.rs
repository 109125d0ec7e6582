//! The first-run wizard (thin calls of core's `ops::setup`): a database
//! setting tried before the station switches to it, where the station
//! stands, the store's details, the carriers the store uses, and the mark
//! that the wizard is done. Trying a database and the station's standing
//! need nobody signed in (the wizard asks before the first administrator
//! exists); the rest take the session's actor.

use crate::commands::Reply;
use crate::state::AppState;
use packbench_core::ops::{
    self, Carrier, DatabaseCheck, SetupStatus, StoreDetails, StoreDetailsSaved,
};
use tauri::State;

/// What `database` (as the settings would hold it; "" = the default file)
/// would give this station, read without changing anything there.
#[tauri::command]
#[specta::specta]
pub async fn probe_database(database: String) -> DatabaseCheck {
    ops::probe_database(&database).await
}

#[tauri::command]
#[specta::specta]
pub async fn setup_status(state: State<'_, AppState>) -> Reply<SetupStatus> {
    let store = state.store().await?;
    let config = state.config.read().await.clone();
    Ok(ops::setup_status(&store, &config).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn save_store_details(
    state: State<'_, AppState>,
    details: StoreDetails,
) -> Reply<StoreDetailsSaved> {
    let store = state.store().await?;
    let actor = state.actor()?;
    Ok(ops::save_store_details(&store, &actor, &details).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn use_carriers(state: State<'_, AppState>, codes: Vec<String>) -> Reply<Vec<Carrier>> {
    let store = state.store().await?;
    let actor = state.actor()?;
    Ok(ops::use_carriers(&store, &actor, &codes).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn finish_setup(state: State<'_, AppState>) -> Reply<SetupStatus> {
    let store = state.store().await?;
    let actor = state.actor()?;
    let config = state.config.read().await.clone();
    Ok(ops::finish_setup(&store, &actor, &config).await?)
}
