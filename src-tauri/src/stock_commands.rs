//! Stock control commands: thin calls of core's stock operations (the
//! same the CLI's `stock`, `bins` and `products` commands make).

use crate::commands::{save_export, Reply};
use crate::state::AppState;
use packbench_core::ops::{
    self, AdjustReason, BinView, CountSheet, Credential, LedgerFilter, LedgerRow, ProductInput,
    ProductView, ReorderRow, StockChange,
};
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn receive_stock(
    state: State<'_, AppState>,
    bin: String,
    code: String,
    times: i64,
    scan_id: String,
) -> Reply<StockChange> {
    let store = state.store().await?;
    Ok(ops::receive_stock(&store, &state.actor()?, &bin, &code, times, &scan_id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn move_stock(
    state: State<'_, AppState>,
    from: String,
    to: String,
    code: String,
    times: i64,
    scan_id: String,
) -> Reply<StockChange> {
    let store = state.store().await?;
    Ok(ops::move_stock(&store, &state.actor()?, &from, &to, &code, times, &scan_id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn adjust_stock(
    state: State<'_, AppState>,
    bin: String,
    code: String,
    delta: i64,
    reason: AdjustReason,
    note: Option<String>,
) -> Reply<StockChange> {
    let store = state.store().await?;
    Ok(ops::adjust_stock(
        &store,
        &state.actor()?,
        &bin,
        &code,
        delta,
        reason,
        note.as_deref(),
    )
    .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn start_count(state: State<'_, AppState>, bin: String) -> Reply<CountSheet> {
    let store = state.store().await?;
    Ok(ops::start_count(&store, &state.actor()?, &bin).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn count_scan(
    state: State<'_, AppState>,
    id: i64,
    code: String,
    times: i64,
    scan_id: String,
) -> Reply<CountSheet> {
    let store = state.store().await?;
    Ok(ops::count_scan(&store, &state.actor()?, id, &code, times, &scan_id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn count_sheet(state: State<'_, AppState>, id: i64) -> Reply<CountSheet> {
    let store = state.store().await?;
    state.actor()?;
    Ok(ops::count_sheet(&store, id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn approve_count(
    state: State<'_, AppState>,
    id: i64,
    approval: Option<Credential>,
) -> Reply<CountSheet> {
    let store = state.store().await?;
    Ok(ops::approve_count(&store, &state.actor()?, id, approval.as_ref()).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn cancel_count(state: State<'_, AppState>, id: i64) -> Reply<CountSheet> {
    let store = state.store().await?;
    Ok(ops::cancel_count(&store, &state.actor()?, id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn stock_ledger(
    state: State<'_, AppState>,
    filter: LedgerFilter,
) -> Reply<Vec<LedgerRow>> {
    let store = state.store().await?;
    state.actor()?;
    Ok(ops::stock_ledger(&store, &filter).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn reorder(state: State<'_, AppState>, cover_days: u32) -> Reply<Vec<ReorderRow>> {
    let store = state.store().await?;
    state.actor()?;
    Ok(ops::reorder(&store, cover_days).await?)
}

/// The re-order list as CSV in the user's language, saved in the export
/// folder; the file's path.
#[tauri::command]
#[specta::specta]
pub async fn save_reorder_csv(state: State<'_, AppState>, cover_days: u32) -> Reply<String> {
    let store = state.store().await?;
    state.actor()?;
    let russian = state.config.read().await.language == "ru";
    let rows = ops::reorder(&store, cover_days).await?;
    let csv = ops::reorder_csv(&rows, russian)?;
    save_export("packbench-reorder", "csv", store.now(), csv.as_ref())
}

#[tauri::command]
#[specta::specta]
pub async fn bins(state: State<'_, AppState>) -> Reply<Vec<BinView>> {
    let store = state.store().await?;
    state.actor()?;
    Ok(ops::bins(&store).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn save_bin(
    state: State<'_, AppState>,
    code: String,
    name: String,
) -> Reply<Vec<BinView>> {
    let store = state.store().await?;
    Ok(ops::save_bin(&store, &state.actor()?, &code, &name).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn product(state: State<'_, AppState>, sku: String) -> Reply<ProductView> {
    let store = state.store().await?;
    state.actor()?;
    Ok(ops::product_by_sku(&store, &sku).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn save_product(
    state: State<'_, AppState>,
    product: ProductInput,
    is_new: bool,
) -> Reply<ProductView> {
    let store = state.store().await?;
    Ok(ops::save_product(&store, &state.actor()?, &product, is_new).await?)
}
