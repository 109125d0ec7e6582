//! Shipping commands: an order's cartons with their tracking numbers, a
//! selection in bulk, and the carrier's hand-over (thin calls of core).

use crate::commands::Reply;
use crate::state::AppState;
use packbench_core::documents::{DocumentKey, DocumentKind};
use packbench_core::ops::{
    self, BulkShipped, HandOver, HandoverSummary, OrderDetail, PrintJob, ShipRequest,
};
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
    let result = ops::ship_parcels(&store, &state.actor()?, &number, &carrier, &trackings).await;
    match &result {
        Ok(_) => tracing::info!(order = %number, %carrier, ?trackings, "shipped"),
        Err(e) => tracing::warn!(order = %number, %carrier, ?trackings, error = %e, "not shipped"),
    }
    Ok(result?)
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

/// The newest closed hand-overs (default 50).
#[tauri::command]
#[specta::specta]
pub async fn recent_handovers(
    state: State<'_, AppState>,
    limit: Option<i64>,
) -> Reply<Vec<HandoverSummary>> {
    let store = state.store().await?;
    state.actor()?;
    Ok(ops::recent_handovers(&store, limit.unwrap_or(50)).await?)
}

/// A closed hand-over's manifest to the station's manifest printer.
#[tauri::command]
#[specta::specta]
pub async fn print_handover(state: State<'_, AppState>, id: i64) -> Reply<PrintJob> {
    print(&state, DocumentKind::Manifest, DocumentKey::Handover { id }).await
}

/// A return's note to the station's return-note printer (again).
#[tauri::command]
#[specta::specta]
pub async fn print_return_note(state: State<'_, AppState>, return_id: i64) -> Reply<PrintJob> {
    print(
        &state,
        DocumentKind::ReturnNote,
        DocumentKey::Return { id: return_id },
    )
    .await
}

async fn print(state: &AppState, kind: DocumentKind, key: DocumentKey) -> Reply<PrintJob> {
    let store = state.store_handle().await?;
    let actor = state.actor()?;
    let settings = state.config.read().await.print.for_kind(kind).clone();
    Ok(ops::print_document(&store, &actor, kind, &key, &settings).await?)
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
    let actor = state.actor()?;
    let receipt = ops::receive_return(&store, &actor, &number, &input).await?;
    // The return note prints by itself when the station prints after
    // packing; the person is not held up by the printer.
    let print = state.config.read().await.print.clone();
    // The return is taken either way; a note that could not be queued is
    // printed from the returns screen.
    match ops::print_after_return(&store, &actor, receipt.return_id, &print).await {
        Ok((_, run)) => run.send_in_background(),
        Err(e) => tracing::warn!(
            return_id = receipt.return_id,
            "the return note was not queued: {e}"
        ),
    }
    Ok(receipt)
}

/// Imports a carrier's status file (issue 15): times without a zone are on
/// the window's clock, `utc_offset_minutes` east of UTC.
#[tauri::command]
#[specta::specta]
pub async fn import_delivery_status(
    state: State<'_, AppState>,
    source: crate::commands::ImportSource,
    utc_offset_minutes: i32,
) -> Reply<ops::DeliveryImport> {
    let store = state.store().await?;
    let actor = state.actor()?;
    let bytes = source.bytes()?;
    let name = source.file_name();
    Ok(ops::import_delivery_statuses(&store, &actor, &name, &bytes, utc_offset_minutes).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn stalled_parcels(state: State<'_, AppState>) -> Reply<Vec<ops::StalledParcel>> {
    let store = state.store().await?;
    state.actor()?;
    Ok(ops::stalled_parcels(&store).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn parcel_movements(
    state: State<'_, AppState>,
    number: String,
) -> Reply<Vec<ops::ParcelMovementView>> {
    let store = state.store().await?;
    state.actor()?;
    Ok(ops::parcel_movements(&store, &number).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn stall_days(state: State<'_, AppState>) -> Reply<Vec<ops::CarrierStallDays>> {
    let store = state.store().await?;
    state.actor()?;
    Ok(ops::stall_days(&store).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn set_stall_days(
    state: State<'_, AppState>,
    carrier: String,
    days: u32,
) -> Reply<Vec<ops::CarrierStallDays>> {
    let store = state.store().await?;
    Ok(ops::set_stall_days(&store, &state.actor()?, &carrier, days).await?)
}
