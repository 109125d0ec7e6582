//! Pick lists: one walk through the bins for one or several orders. The
//! types the picker sees and the rules for a scan, a short pick and a
//! finished list.

use super::product::bin_order;
use super::scan::{ProductHit, ScanKind};
use serde::{Deserialize, Serialize};

crate::named_enum! {
    /// Where a pick list is.
    pub enum PickListStatus("pick list state") {
        /// The picker is walking it.
        Open = "open",
        /// Every line picked or recorded short.
        Done = "done",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PickLine {
    pub id: i64,
    pub bin: String,
    pub sku: String,
    pub name: String,
    pub barcode: Option<String>,
    pub quantity: i64,
    pub picked: i64,
    pub short: i64,
    pub short_reason: Option<String>,
    pub orders: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PickList {
    pub id: i64,
    pub status: PickListStatus,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub created_by: String,
    pub orders: Vec<String>,
    /// Sorted by bin in natural order (A-2 before A-10), then SKU.
    pub lines: Vec<PickLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum PickOutcome {
    BinConfirmed {
        bin: String,
    },
    Picked {
        line_id: i64,
        sku: String,
        name: String,
        bin: String,
        picked: i64,
        quantity: i64,
        list_complete: bool,
    },
    ScanBinFirst,
    WrongBin {
        sku: String,
        name: String,
        expected_bin: String,
    },
    NotInList {
        sku: String,
        name: String,
    },
    OverPick {
        line_id: i64,
        sku: String,
        picked: i64,
        quantity: i64,
    },
    UnknownBarcode,
    InvalidBarcode {
        reason: String,
    },
}

impl PickOutcome {
    pub fn kind(&self) -> ScanKind {
        match self {
            PickOutcome::BinConfirmed { .. } => ScanKind::BinConfirmed,
            PickOutcome::Picked { .. } => ScanKind::Picked,
            PickOutcome::ScanBinFirst => ScanKind::ScanBinFirst,
            PickOutcome::WrongBin { .. } => ScanKind::WrongBin,
            PickOutcome::NotInList { .. } => ScanKind::NotInList,
            PickOutcome::OverPick { .. } => ScanKind::OverPick,
            PickOutcome::UnknownBarcode => ScanKind::UnknownBarcode,
            PickOutcome::InvalidBarcode { .. } => ScanKind::InvalidBarcode,
        }
    }

    pub fn message(&self, code: &str) -> String {
        match self {
            PickOutcome::BinConfirmed { bin } => format!("bin {bin}: now scan the items"),
            PickOutcome::Picked {
                name,
                picked,
                quantity,
                ..
            } => {
                format!("{name}: {picked} of {quantity} picked")
            }
            PickOutcome::ScanBinFirst => "scan the bin label first, then the item".into(),
            PickOutcome::WrongBin {
                name, expected_bin, ..
            } => {
                format!("{name} is picked from bin {expected_bin}; scan that bin first")
            }
            PickOutcome::NotInList { sku, name } => {
                format!("{name} ({sku}) is not on this pick list; put it back")
            }
            PickOutcome::OverPick {
                sku,
                picked,
                quantity,
                ..
            } => {
                format!("{sku} is already {picked} of {quantity}; put the extra one back")
            }
            PickOutcome::UnknownBarcode => format!("no product or bin carries {code}"),
            PickOutcome::InvalidBarcode { reason } => format!("invalid code: {reason}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PickScanResult {
    pub code: String,
    #[serde(flatten)]
    pub outcome: PickOutcome,
    pub message: String,
}

impl PickList {
    /// Lines in walking order: by bin in natural order (A-2 before A-10), then SKU.
    pub fn sort_lines(&mut self) {
        self.lines
            .sort_by(|a, b| bin_order(&a.bin, &b.bin).then_with(|| a.sku.cmp(&b.sku)));
    }

    /// Lines with units neither picked nor recorded short, described for
    /// the picker ("PB-1 in A-2 (1 of 3)").
    pub fn unfinished(&self) -> Vec<String> {
        self.lines
            .iter()
            .filter(|l| l.picked + l.short < l.quantity)
            .map(|l| format!("{} in {} ({} of {})", l.sku, l.bin, l.picked, l.quantity))
            .collect()
    }

    /// The line a scanned bin label names, if the code is one of the list's bins.
    pub fn bin_named(&self, code: &str) -> Option<&str> {
        self.lines
            .iter()
            .find(|l| l.bin.eq_ignore_ascii_case(code))
            .map(|l| l.bin.as_str())
    }
}

impl PickLine {
    /// How many units a short pick records: what is not picked yet.
    pub fn missing(&self) -> i64 {
        self.quantity - self.picked
    }
}

/// The verdict on a scanned product while picking: the item must be on the
/// list, and picked from the bin the picker confirmed last. An accepted pick
/// names the line; the store applies it.
pub fn pick_verdict(
    lines: &[PickLine],
    confirmed_bin: Option<&str>,
    hit: &ProductHit,
) -> PickOutcome {
    let of_product: Vec<&PickLine> = lines.iter().filter(|l| l.sku == hit.sku).collect();
    let Some(first) = of_product.first() else {
        return PickOutcome::NotInList {
            sku: hit.sku.clone(),
            name: hit.name.clone(),
        };
    };
    let Some(bin) = confirmed_bin.map(str::trim).filter(|b| !b.is_empty()) else {
        return PickOutcome::ScanBinFirst;
    };
    let Some(line) = of_product.iter().find(|l| l.bin.eq_ignore_ascii_case(bin)) else {
        let open = of_product
            .iter()
            .find(|l| l.picked + l.short < l.quantity)
            .unwrap_or(first);
        return PickOutcome::WrongBin {
            sku: hit.sku.clone(),
            name: hit.name.clone(),
            expected_bin: open.bin.clone(),
        };
    };
    if line.picked + line.short + hit.units > line.quantity {
        return over_pick(line);
    }
    let left: i64 = lines
        .iter()
        .map(|l| l.quantity - l.picked - l.short)
        .sum::<i64>()
        - hit.units;
    PickOutcome::Picked {
        line_id: line.id,
        sku: line.sku.clone(),
        name: line.name.clone(),
        bin: line.bin.clone(),
        picked: line.picked + hit.units,
        quantity: line.quantity,
        list_complete: left == 0,
    }
}

/// A line that has no room for more units.
pub fn over_pick(line: &PickLine) -> PickOutcome {
    PickOutcome::OverPick {
        line_id: line.id,
        sku: line.sku.clone(),
        picked: line.picked,
        quantity: line.quantity,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(id: i64, bin: &str, sku: &str, quantity: i64, picked: i64) -> PickLine {
        PickLine {
            id,
            bin: bin.into(),
            sku: sku.into(),
            name: format!("{sku} name"),
            barcode: None,
            quantity,
            picked,
            short: 0,
            short_reason: None,
            orders: vec!["1001".into()],
        }
    }

    fn hit(sku: &str, units: i64) -> ProductHit {
        ProductHit {
            marked: false,
            id: 1,
            sku: sku.into(),
            name: format!("{sku} name"),
            units,
        }
    }

    #[test]
    fn an_item_is_picked_from_the_bin_confirmed_last() {
        let lines = [line(1, "A-2", "PB-1", 2, 0), line(2, "B-1", "PB-2", 1, 0)];
        assert_eq!(
            pick_verdict(&lines, None, &hit("PB-1", 1)),
            PickOutcome::ScanBinFirst
        );
        let wrong = pick_verdict(&lines, Some("B-1"), &hit("PB-1", 1));
        assert!(
            matches!(&wrong, PickOutcome::WrongBin { expected_bin, .. } if expected_bin == "A-2"),
            "{wrong:?}"
        );
        let ok = pick_verdict(&lines, Some("a-2"), &hit("PB-1", 1));
        assert!(
            matches!(
                ok,
                PickOutcome::Picked {
                    picked: 1,
                    list_complete: false,
                    ..
                }
            ),
            "{ok:?}"
        );
    }

    #[test]
    fn an_item_not_on_the_list_or_one_too_many_is_refused() {
        let lines = [line(1, "A-2", "PB-1", 1, 1)];
        assert_eq!(
            pick_verdict(&lines, Some("A-2"), &hit("PB-9", 1)).kind(),
            ScanKind::NotInList
        );
        assert_eq!(
            pick_verdict(&lines, Some("A-2"), &hit("PB-1", 1)).kind(),
            ScanKind::OverPick
        );
    }

    #[test]
    fn the_last_unit_completes_the_list_and_lines_walk_in_bin_order() {
        let mut list = PickList {
            id: 1,
            status: PickListStatus::Open,
            created_at: chrono::DateTime::from_timestamp(0, 0).unwrap(),
            created_by: "p".into(),
            orders: vec!["1001".into()],
            lines: vec![line(1, "A-10", "PB-1", 1, 1), line(2, "A-2", "PB-2", 1, 0)],
        };
        list.sort_lines();
        assert_eq!(list.lines[0].bin, "A-2");
        assert_eq!(list.unfinished(), ["PB-2 in A-2 (0 of 1)"]);
        let v = pick_verdict(&list.lines, Some("A-2"), &hit("PB-2", 1));
        assert!(
            matches!(
                v,
                PickOutcome::Picked {
                    list_complete: true,
                    ..
                }
            ),
            "{v:?}"
        );
    }
}
