//! Help at the station (thin calls of core's `ops::help`): the scanner
//! set-up page's test codes and its verdict on a scan, the printer test
//! page, and what the About panel shows. The scanner page works for anyone,
//! signed in or not; printing needs a signed-in user.

use crate::commands::Reply;
use crate::state::AppState;
use packbench_core::config::StationConfig;
use packbench_core::documents::{Lang, Paper};
use packbench_core::ops::{self, ScannerCheck, TestCodeView};
use serde::Serialize;
use tauri::State;

/// The About panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct About {
    pub version: String,
    /// "release" or "debug".
    pub build: String,
    /// "linux x86_64".
    pub platform: String,
    /// The station's settings file.
    pub settings: String,
    /// The log file.
    pub log: String,
}

#[tauri::command]
#[specta::specta]
pub async fn scanner_test_codes() -> Reply<Vec<TestCodeView>> {
    Ok(ops::scanner_test_codes()?)
}

/// `read`: the scan as Packbench read it; `typed`: as the layout typed it.
#[tauri::command]
#[specta::specta]
pub async fn check_scanner(read: String, typed: Option<String>) -> ScannerCheck {
    ops::check_scanner(&read, typed.as_deref())
}

/// Prints the test page on `printer` now; returns the CUPS job id.
#[tauri::command]
#[specta::specta]
pub async fn print_test_page(
    state: State<'_, AppState>,
    printer: String,
    paper: Paper,
) -> Reply<String> {
    let actor = state.actor()?;
    let (station, language) = {
        let config = state.config.read().await;
        (config.station.clone(), config.language.clone())
    };
    let lang = Lang::parse(&language).map_err(packbench_core::Error::Invalid)?;
    Ok(ops::print_test_page(&actor, &printer, paper, lang, &station).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn about() -> About {
    About {
        version: env!("CARGO_PKG_VERSION").to_string(),
        build: if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
        .to_string(),
        platform: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
        settings: StationConfig::path().display().to_string(),
        log: crate::log_path().display().to_string(),
    }
}
