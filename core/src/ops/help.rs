//! Help at the station: the scanner set-up page's test codes and its verdict
//! on a scan, and the printer test page. No database: these work before a
//! station is set up, and for anyone signed in or not.

use crate::documents::{test_sheet, Lang, Paper};
use crate::domain::scanner_check::{self, ScannerCheck, TestCode};
use crate::error::Result;
use serde::{Deserialize, Serialize};

/// A test code as the set-up page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TestCodeView {
    pub code: TestCode,
    /// What a scanner set up right sends, GS as ASCII 29.
    pub data: String,
    /// The text under the symbol: `(01)04601234567893(10)LOT42(17)271231`.
    pub human: String,
    /// The symbol as an SVG document (black modules on white).
    pub svg: String,
}

/// The three test codes, in the order the page and the sheet show them.
pub fn scanner_test_codes() -> Result<Vec<TestCodeView>> {
    TestCode::ALL
        .iter()
        .map(|&code| {
            Ok(TestCodeView {
                code,
                data: code.data().to_string(),
                human: code.human(),
                svg: test_sheet::svg(code)?,
            })
        })
        .collect()
}

/// What a scan on the set-up page says about the scanner: `read` as
/// Packbench read it, `typed` as the keyboard layout typed it.
pub fn check_scanner(read: &str, typed: Option<&str>) -> ScannerCheck {
    scanner_check::check_scan(read, typed)
}

/// The printer and scanner test page as a PDF.
pub fn test_page_pdf(lang: Lang, paper: Paper, station: &str) -> Result<Vec<u8>> {
    let now = chrono::Local::now().format("%Y-%m-%d %H:%M").to_string();
    test_sheet::pdf(lang, paper, station, &now)
}
