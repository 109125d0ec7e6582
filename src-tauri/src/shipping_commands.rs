//! Shipping commands: an order's cartons with their tracking numbers, a
//! selection in bulk, and the carrier's hand-over (thin calls of core).

use crate::commands::Reply;
use crate::state::AppState;
use packbench_core::ops::{self, BulkShipped, HandOver, OrderDetail, ShipRequest};
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn ship_parcels(
    state: State<'_, AppState>,
    number: String,
    carrier: String,
    trackings: Vec<String>,
) -> Reply<OrderDetail> {
    let store = state.store().await?;
    Ok(ops::ship_parcels(&store, &state.actor()?, &number, &carrier, &trackings).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn ship_bulk(
    state: State<'_, AppState>,
    carrier: String,
    requests: Vec<ShipRequest>,
) -> Reply<BulkShipped> {
    let store = state.store().await?;
    Ok(ops::ship_bulk(&store, &state.actor()?, &carrier, &requests).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn waiting_handover(state: State<'_, AppState>, carrier: String) -> Reply<HandOver> {
    let store = state.store().await?;
    state.actor()?;
    Ok(ops::waiting_handover(&store, &carrier).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn close_handover(state: State<'_, AppState>, carrier: String) -> Reply<HandOver> {
    let store = state.store().await?;
    Ok(ops::close_handover(&store, &state.actor()?, &carrier).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn handover(state: State<'_, AppState>, id: i64) -> Reply<HandOver> {
    let store = state.store().await?;
    state.actor()?;
    Ok(ops::handover(&store, id).await?)
}

/// The order a returned parcel names (number, tracking number, carton SSCC).
#[tauri::command]
#[specta::specta]
pub async fn find_return(state: State<'_, AppState>, reference: String) -> Reply<String> {
    let store = state.store().await?;
    state.actor()?;
    Ok(ops::find_return(&store, &reference).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn receive_return(
    state: State<'_, AppState>,
    number: String,
    input: ops::ReturnInput,
) -> Reply<ops::ReturnReceipt> {
    let store = state.store().await?;
    Ok(ops::receive_return(&store, &state.actor()?, &number, &input).await?)
}
