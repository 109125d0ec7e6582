//! What a scan at the packing table comes to.

use serde::{Deserialize, Serialize};

/// The verdict on one scan. Refused outcomes change nothing but are still
/// written to the scan ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ScanOutcome {
    /// The item belongs to the order and fitted: `units` were added to the line.
    Accepted {
        line_id: i64,
        sku: String,
        name: String,
        units: i64,
        packed: i64,
        ordered: i64,
        /// Every line of the order is now complete.
        order_complete: bool,
    },
    /// A known product that is not in this order.
    WrongItem { sku: String, name: String },
    /// The product is in the order but the line is complete (or a case would
    /// overfill it); nothing changed.
    OverScan {
        line_id: i64,
        sku: String,
        name: String,
        units: i64,
        packed: i64,
        ordered: i64,
    },
    /// A well-formed code that no product carries.
    UnknownBarcode,
    /// A malformed code: bad check digit, broken GS1 string, control characters.
    InvalidBarcode { reason: String },
    /// The order is not claimed by this station, so nothing may be packed.
    NotClaimed { held_by: Option<String> },
}

impl ScanOutcome {
    pub fn kind(&self) -> &'static str {
        match self {
            ScanOutcome::Accepted { .. } => "accepted",
            ScanOutcome::WrongItem { .. } => "wrong_item",
            ScanOutcome::OverScan { .. } => "over_scan",
            ScanOutcome::UnknownBarcode => "unknown_barcode",
            ScanOutcome::InvalidBarcode { .. } => "invalid_barcode",
            ScanOutcome::NotClaimed { .. } => "not_claimed",
        }
    }

    pub fn is_accepted(&self) -> bool {
        matches!(self, ScanOutcome::Accepted { .. })
    }

    /// A sentence for the packer, in English; the UI translates by `kind`.
    pub fn message(&self, code: &str) -> String {
        match self {
            ScanOutcome::Accepted {
                name,
                packed,
                ordered,
                units,
                ..
            } => format!("{name}: +{units}, {packed} of {ordered} packed"),
            ScanOutcome::WrongItem { sku, name } => {
                format!("wrong item: {code} is {name} ({sku}), which is not in this order; put it aside")
            }
            ScanOutcome::OverScan {
                name,
                packed,
                ordered,
                units,
                ..
            } => format!(
                "extra item: {name} is already {packed} of {ordered}; {units} more would be too many; take it out"
            ),
            ScanOutcome::UnknownBarcode => {
                format!("unknown code: no product carries {code}; check the label or add the barcode to the product")
            }
            ScanOutcome::InvalidBarcode { reason } => {
                format!("invalid code: {reason}")
            }
            ScanOutcome::NotClaimed { held_by: Some(s) } => {
                format!("this order is held by station {s}; claim it first")
            }
            ScanOutcome::NotClaimed { held_by: None } => {
                "this order is not claimed by this station; claim it first".into()
            }
        }
    }
}

/// The answer to one scan, as the CLI prints it and the UI receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ScanResult {
    /// What the scanner sent, after normalisation where it could be normalised.
    pub code: String,
    pub scan_id: String,
    /// The same scan id had been recorded before; this is its first verdict.
    pub duplicate: bool,
    #[serde(flatten)]
    pub outcome: ScanOutcome,
    pub message: String,
}
