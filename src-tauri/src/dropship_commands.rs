//! Dropshipping commands (issue 15 item 4): suppliers, the products they
//! ship, purchase orders, their PDF and CSV, the supplier's tracking
//! number (thin calls of core).

use crate::commands::{save_export, Reply};
use crate::state::AppState;
use packbench_core::ops::{
    self, OrderDetail, PurchaseOrder, PurchaseOrderHead, Supplier, SupplierInput,
};
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn suppliers(state: State<'_, AppState>) -> Reply<Vec<Supplier>> {
    let store = state.store().await?;
    state.actor()?;
    Ok(ops::suppliers(&store).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn save_supplier(state: State<'_, AppState>, supplier: SupplierInput) -> Reply<Supplier> {
    let store = state.store().await?;
    Ok(ops::save_supplier(&store, &state.actor()?, &supplier).await?)
}

/// Which supplier ships a product (none: the warehouse).
#[tauri::command]
#[specta::specta]
pub async fn link_supplier_product(
    state: State<'_, AppState>,
    sku: String,
    supplier: Option<String>,
) -> Reply<Option<Supplier>> {
    let store = state.store().await?;
    Ok(ops::link_product(&store, &state.actor()?, &sku, supplier.as_deref()).await?)
}

/// Purchase orders waiting for the supplier (`open_only`), or all.
#[tauri::command]
#[specta::specta]
pub async fn purchase_orders(
    state: State<'_, AppState>,
    open_only: bool,
) -> Reply<Vec<PurchaseOrderHead>> {
    let store = state.store().await?;
    state.actor()?;
    Ok(ops::purchase_orders(&store, open_only).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn purchase_order(state: State<'_, AppState>, number: String) -> Reply<PurchaseOrder> {
    let store = state.store().await?;
    state.actor()?;
    Ok(ops::purchase_order(&store, &number).await?)
}

/// The purchase order's PDF saved in the exports folder; where it is.
#[tauri::command]
#[specta::specta]
pub async fn save_purchase_order_pdf(state: State<'_, AppState>, number: String) -> Reply<String> {
    let store = state.store().await?;
    state.actor()?;
    let file = ops::purchase_order_pdf(&store, &number, None).await?;
    save_export(
        &file.file_name.replace(".pdf", ""),
        "pdf",
        store.now(),
        &file.bytes,
    )
}

/// The purchase order's CSV saved in the exports folder; where it is.
#[tauri::command]
#[specta::specta]
pub async fn save_purchase_order_csv(state: State<'_, AppState>, number: String) -> Reply<String> {
    let store = state.store().await?;
    state.actor()?;
    let file = ops::purchase_order_csv(&store, &number, None).await?;
    save_export(
        &file.file_name.replace(".csv", ""),
        "csv",
        store.now(),
        &file.bytes,
    )
}

/// The supplier's tracking number: its lines ship as a part of the order.
#[tauri::command]
#[specta::specta]
pub async fn ship_purchase_order(
    state: State<'_, AppState>,
    number: String,
    carrier: String,
    tracking: String,
) -> Reply<OrderDetail> {
    let store = state.store().await?;
    Ok(ops::ship_purchase_order(&store, &state.actor()?, &number, &carrier, &tracking).await?)
}

/// Mails the purchase order to its supplier again.
#[tauri::command]
#[specta::specta]
pub async fn mail_purchase_order(
    state: State<'_, AppState>,
    number: String,
) -> Reply<PurchaseOrder> {
    let store = state.store().await?;
    Ok(ops::mail_purchase_order(&store, &state.actor()?, &number).await?)
}
