//! The supervisor's dashboard (thin calls of core's `ops::dashboard`): the
//! figures for a range, channel and station with each chart's numbers as a
//! table, any chart's numbers saved as CSV in the user's downloads folder,
//! the whole of it as a PDF report.

use crate::commands::{save_export, Reply};
use crate::state::AppState;
use packbench_core::documents::Lang;
use packbench_core::ops::{self, DashboardChart, DashboardQuery, DashboardView};
use tauri::State;

/// The figures, and every chart's numbers as a table in the screen's
/// language.
#[tauri::command]
#[specta::specta]
pub async fn dashboard(
    state: State<'_, AppState>,
    query: DashboardQuery,
    lang: Lang,
) -> Reply<DashboardView> {
    let store = state.store().await?;
    let actor = state.actor()?;
    Ok(ops::dashboard_view(&store, &actor, &query, lang).await?)
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
