//! Receipts under 54-ФЗ (issue 15 item 3): an order's receipts, preparing
//! one, sending them to the cash register, and the receipt settings (thin
//! calls of core). The register's password lives in this station's keyring.

use crate::commands::Reply;
use crate::state::AppState;
use packbench_core::ops::{self, OrderReceipts, ReceiptSettings};
use packbench_core::secrets::{OsKeyring, SecretStore};
use serde::Serialize;
use tauri::State;

/// The register's password kept at this station (none for no register:
/// the keyring is not asked then).
fn register_password(settings: &ReceiptSettings) -> Option<String> {
    packbench_core::register::password_key(&settings.register)
        .and_then(|key| OsKeyring.get(&key).ok().flatten())
}

/// An order's receipts with their lines, VAT, signs and state.
#[tauri::command]
#[specta::specta]
pub async fn order_receipts(state: State<'_, AppState>, number: String) -> Reply<OrderReceipts> {
    let store = state.store().await?;
    state.actor()?;
    Ok(ops::order_receipts(&store, &number).await?)
}

/// Prepares the receipt the order is due now.
#[tauri::command]
#[specta::specta]
pub async fn prepare_receipt(state: State<'_, AppState>, number: String) -> Reply<OrderReceipts> {
    let store = state.store().await?;
    Ok(ops::prepare_receipt(&store, &state.actor()?, &number).await?)
}

/// Hands the order's receipts that are not fiscal to the register (or asks
/// it again); the order's receipts as they stand after.
#[tauri::command]
#[specta::specta]
pub async fn send_receipts(state: State<'_, AppState>, number: String) -> Reply<OrderReceipts> {
    let store = state.store().await?;
    let actor = state.actor()?;
    let settings = ops::receipt_settings(&store).await?;
    let password = register_password(&settings);
    ops::send_receipts(&store, &actor, Some(&number), password.as_deref()).await?;
    Ok(ops::order_receipts(&store, &number).await?)
}

/// The receipt settings, and whether this station keeps the register's
/// password.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ReceiptSettingsView {
    pub settings: ReceiptSettings,
    pub has_password: bool,
}

#[tauri::command]
#[specta::specta]
pub async fn receipt_settings(state: State<'_, AppState>) -> Reply<ReceiptSettingsView> {
    let store = state.store().await?;
    state.actor()?;
    let settings = ops::receipt_settings(&store).await?;
    Ok(ReceiptSettingsView {
        has_password: register_password(&settings).is_some(),
        settings,
    })
}

/// Saves the receipt settings; a password given goes to the keyring.
#[tauri::command]
#[specta::specta]
pub async fn save_receipt_settings(
    state: State<'_, AppState>,
    settings: ReceiptSettings,
    password: Option<String>,
) -> Reply<ReceiptSettingsView> {
    let store = state.store().await?;
    let saved = ops::set_receipt_settings(&store, &state.actor()?, &settings).await?;
    if let (Some(pw), Some(key)) = (
        password.filter(|p| !p.is_empty()),
        packbench_core::register::password_key(&saved.register),
    ) {
        if let Err(e) = OsKeyring.set(&key, &pw) {
            tracing::warn!(error = %e, "no keyring for the register's password");
        }
    }
    Ok(ReceiptSettingsView {
        has_password: register_password(&saved).is_some(),
        settings: saved,
    })
}
