//! The supervisor's dashboard (thin calls of core's `ops::dashboard`): the
//! figures for a range, channel and station, and any chart's numbers saved
//! as CSV in the user's downloads folder.

use crate::commands::{save_export, Reply};
use crate::state::AppState;
use packbench_core::ops::{self, Dashboard, DashboardChart, DashboardQuery};
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn dashboard(state: State<'_, AppState>, query: DashboardQuery) -> Reply<Dashboard> {
    let store = state.store().await?;
    let actor = state.actor()?;
    Ok(ops::dashboard(&store, &actor, &query).await?)
}

/// One chart's numbers as a CSV file; returns where it was saved.
#[tauri::command]
#[specta::specta]
pub async fn save_dashboard_csv(
    state: State<'_, AppState>,
    query: DashboardQuery,
    chart: DashboardChart,
) -> Reply<String> {
    let store = state.store().await?;
    let actor = state.actor()?;
    let russian = state.config.read().await.language == "ru";
    let figures = ops::dashboard(&store, &actor, &query).await?;
    let csv = ops::dashboard_csv(&figures, chart, russian)?;
    let stem = format!("packbench-dashboard-{}", chart.as_str());
    save_export(&stem, "csv", store.now(), csv.as_bytes())
}

/// The whole dashboard as a PDF report; returns where it was saved.
#[tauri::command]
#[specta::specta]
pub async fn save_dashboard_pdf(
    state: State<'_, AppState>,
    query: DashboardQuery,
) -> Reply<String> {
    let store = state.store().await?;
    let actor = state.actor()?;
    let russian = state.config.read().await.language == "ru";
    let figures = ops::dashboard(&store, &actor, &query).await?;
    let pdf = ops::dashboard_pdf(&figures, russian)?;
    save_export("packbench-dashboard", "pdf", store.now(), pdf.as_ref())
}
