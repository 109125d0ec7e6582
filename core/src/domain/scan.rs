//! What a scan at the packing table comes to.

use super::order::OrderLine;
use serde::{Deserialize, Serialize};

crate::named_enum! {
    /// What a row of the scan ledger records: a packing verdict, an undo,
    /// or a picking verdict. The ledger serves the packing table and the
    /// pick walk alike.
    pub enum ScanKind("scan kind") {
        Accepted = "accepted",
        WrongItem = "wrong_item",
        OverScan = "over_scan",
        UnknownBarcode = "unknown_barcode",
        InvalidBarcode = "invalid_barcode",
        NotClaimed = "not_claimed",
        /// A marked product scanned by its EAN instead of its marking code.
        MarkingRequired = "marking_required",
        /// A marking code already packed in another order.
        MarkingUsed = "marking_used",
        /// A box type's barcode opened the order's next carton.
        BoxOpened = "box_opened",
        /// A box type's barcode while the open carton holds goods.
        CloseCartonFirst = "close_carton_first",
        /// Takes back an accepted scan (a row of its own).
        Undo = "undo",
        BinConfirmed = "bin_confirmed",
        Picked = "picked",
        ScanBinFirst = "scan_bin_first",
        WrongBin = "wrong_bin",
        NotInList = "not_in_list",
        OverPick = "over_pick",
    }
}

/// A product found by a scan, with how many units that barcode counts (a
/// case barcode counts several).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ProductHit {
    pub id: i64,
    pub sku: String,
    pub name: String,
    pub units: i64,
    /// A marked product (Честный ЗНАК): packed only by its marking code.
    #[sqlx(try_from = "crate::store::codec::Flag")]
    pub marked: bool,
}

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
    /// A marked product (Честный ЗНАК) scanned by its EAN: only its
    /// DataMatrix marking code packs it; nothing changed.
    MarkingRequired { sku: String, name: String },
    /// This marking code is packed in order `number` already: one physical
    /// item is sold once; nothing changed.
    MarkingUsed {
        sku: String,
        name: String,
        number: String,
    },
    /// A barcode of one of the store's box types: the order's next carton
    /// is opened in that box (an empty open carton changes its box).
    BoxOpened { seq: i64, box_type: String },
    /// A box barcode while carton `seq` holds `units`: it is closed (with
    /// its weight) before another opens; nothing changed.
    CloseCartonFirst { seq: i64, units: i64 },
}

impl ScanOutcome {
    pub fn kind(&self) -> ScanKind {
        match self {
            ScanOutcome::Accepted { .. } => ScanKind::Accepted,
            ScanOutcome::WrongItem { .. } => ScanKind::WrongItem,
            ScanOutcome::OverScan { .. } => ScanKind::OverScan,
            ScanOutcome::UnknownBarcode => ScanKind::UnknownBarcode,
            ScanOutcome::InvalidBarcode { .. } => ScanKind::InvalidBarcode,
            ScanOutcome::NotClaimed { .. } => ScanKind::NotClaimed,
            ScanOutcome::MarkingRequired { .. } => ScanKind::MarkingRequired,
            ScanOutcome::MarkingUsed { .. } => ScanKind::MarkingUsed,
            ScanOutcome::BoxOpened { .. } => ScanKind::BoxOpened,
            ScanOutcome::CloseCartonFirst { .. } => ScanKind::CloseCartonFirst,
        }
    }

    /// The line and units an accepted scan added.
    pub fn packed_units(&self) -> Option<(i64, i64)> {
        match self {
            ScanOutcome::Accepted { line_id, units, .. } => Some((*line_id, *units)),
            _ => None,
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
            ScanOutcome::MarkingRequired { sku, name } => format!(
                "{name} ({sku}) is marked (Честный ЗНАК): scan the DataMatrix code on the item, not its EAN barcode"
            ),
            ScanOutcome::MarkingUsed { name, number, .. } => format!(
                "this {name} was packed in order {number} already: its marking code sells once; put it aside and take another"
            ),
            ScanOutcome::BoxOpened { seq, box_type } => {
                format!("carton {seq} opened in box {box_type}; scan its goods")
            }
            ScanOutcome::CloseCartonFirst { seq, units } => format!(
                "carton {seq} holds {units} units: close it with its weight before opening another box"
            ),
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

/// What a scan's verdict reads of an order line. A scan reads these in the
/// same statement as the order (`store::scans::scan_context`), or from
/// the whole lines when it found the order by a former number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanLine {
    pub id: i64,
    pub product_id: Option<i64>,
    pub sku: String,
    pub name: String,
    pub quantity: i64,
    pub packed: i64,
    /// A dropshipping supplier ships it ([`OrderLine::is_dropship`]).
    pub dropship: bool,
}

impl From<&OrderLine> for ScanLine {
    fn from(l: &OrderLine) -> Self {
        ScanLine {
            id: l.id,
            product_id: l.product_id,
            sku: l.sku.clone(),
            name: l.name.clone(),
            quantity: l.quantity,
            packed: l.packed,
            dropship: l.is_dropship(),
        }
    }
}

/// A line that is already complete for `units` more.
pub fn over_scan(line: &ScanLine, units: i64) -> ScanOutcome {
    ScanOutcome::OverScan {
        line_id: line.id,
        sku: line.sku.clone(),
        name: line.name.clone(),
        units,
        packed: line.packed,
        ordered: line.quantity,
    }
}

/// The verdict on a scanned product against the order's lines: the first
/// line of that product with room for the barcode's units takes them. A
/// product not in the order is a wrong item; a full line, a case that would
/// overfill it, or a marked item (Chestny ZNAK) already in the box is an
/// over-scan. Nothing is changed here: the store applies an accepted scan.
pub fn pack_verdict(
    lines: &[ScanLine],
    hit: &ProductHit,
    marking_already_packed: bool,
) -> ScanOutcome {
    // A line a dropshipping supplier ships is not in the warehouse's box:
    // its product scanned here is a wrong item, and it is never waited for.
    let lines: Vec<&ScanLine> = lines.iter().filter(|l| !l.dropship).collect();
    let of_product: Vec<&ScanLine> = lines
        .iter()
        .copied()
        .filter(|l| l.product_id == Some(hit.id))
        .collect();
    let Some(first) = of_product.first() else {
        return ScanOutcome::WrongItem {
            sku: hit.sku.clone(),
            name: hit.name.clone(),
        };
    };
    if marking_already_packed {
        return over_scan(first, hit.units);
    }
    let Some(line) = of_product
        .iter()
        .find(|l| l.packed + hit.units <= l.quantity)
    else {
        return over_scan(first, hit.units);
    };
    let remaining: i64 = lines.iter().map(|l| l.quantity - l.packed).sum::<i64>() - hit.units;
    ScanOutcome::Accepted {
        line_id: line.id,
        sku: line.sku.clone(),
        name: line.name.clone(),
        units: hit.units,
        packed: line.packed + hit.units,
        ordered: line.quantity,
        order_complete: remaining == 0,
    }
}

/// What a scan that would pack a unit says once marked goods are weighed
/// in: a marked product needs its marking code (`by_code`), and a code
/// packed in another order (`packed_elsewhere`) sells once. Other verdicts
/// stand as they are.
pub fn marking_verdict(
    verdict: ScanOutcome,
    hit: &ProductHit,
    by_code: bool,
    packed_elsewhere: Option<String>,
) -> ScanOutcome {
    if !verdict.is_accepted() {
        return verdict;
    }
    if hit.marked && !by_code {
        return ScanOutcome::MarkingRequired {
            sku: hit.sku.clone(),
            name: hit.name.clone(),
        };
    }
    match packed_elsewhere {
        Some(number) => ScanOutcome::MarkingUsed {
            sku: hit.sku.clone(),
            name: hit.name.clone(),
            number,
        },
        None => verdict,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(id: i64, product: i64, quantity: i64, packed: i64) -> ScanLine {
        ScanLine::from(&order_line(id, product, quantity, packed))
    }

    fn order_line(id: i64, product: i64, quantity: i64, packed: i64) -> OrderLine {
        OrderLine {
            id,
            position: id,
            product_id: Some(product),
            sku: format!("PB-{product}"),
            name: format!("product {product}"),
            quantity,
            unit_price_minor: 100,
            discount_minor: 0,
            tax_rate_bp: 0,
            amount_minor: 100 * quantity,
            packed,
            bin: None,
            backordered: 0,
            expected_on: None,
            dropship: None,
            supplier: None,
            purchase_order: None,
            supplier_tracking: None,
        }
    }

    fn hit(product: i64, units: i64) -> ProductHit {
        ProductHit {
            marked: false,
            id: product,
            sku: format!("PB-{product}"),
            name: format!("product {product}"),
            units,
        }
    }

    #[test]
    fn a_line_a_supplier_ships_is_neither_packed_nor_waited_for() {
        use crate::domain::dropship::DropshipState;
        let mut dropship = order_line(2, 8, 1, 0);
        dropship.dropship = Some(DropshipState::AwaitingSupplier);
        // A purchase order cancelled before the supplier shipped: the
        // warehouse ships that line again.
        let mut cancelled = order_line(3, 9, 1, 0);
        cancelled.dropship = Some(DropshipState::Cancelled);
        let lines = [
            line(1, 7, 1, 0),
            ScanLine::from(&dropship),
            ScanLine::from(&cancelled),
        ];
        assert!(
            matches!(
                pack_verdict(&lines, &hit(8, 1), false),
                ScanOutcome::WrongItem { .. }
            ),
            "the supplier's product is not in the warehouse's box"
        );
        match pack_verdict(&lines, &hit(7, 1), false) {
            ScanOutcome::Accepted { order_complete, .. } => {
                assert!(!order_complete, "the cancelled supplier's line waits")
            }
            other => panic!("{other:?}"),
        }
        match pack_verdict(&lines[..2], &hit(7, 1), false) {
            ScanOutcome::Accepted { order_complete, .. } => {
                assert!(order_complete, "the warehouse part is complete")
            }
            other => panic!("{other:?}"),
        }
        assert!(pack_verdict(&lines, &hit(9, 1), false).is_accepted());
    }

    #[test]
    fn a_product_of_the_order_goes_into_the_first_line_with_room() {
        let lines = [line(1, 7, 1, 1), line(2, 7, 2, 0), line(3, 8, 1, 0)];
        let v = pack_verdict(&lines, &hit(7, 1), false);
        assert_eq!(
            v.packed_units(),
            Some((2, 1)),
            "line 1 is full, line 2 takes it: {v:?}"
        );
        assert!(matches!(
            v,
            ScanOutcome::Accepted {
                order_complete: false,
                packed: 1,
                ..
            }
        ));
    }

    #[test]
    fn the_last_unit_completes_the_order() {
        let lines = [line(1, 7, 2, 1), line(2, 8, 1, 1)];
        let v = pack_verdict(&lines, &hit(7, 1), false);
        assert!(
            matches!(
                v,
                ScanOutcome::Accepted {
                    order_complete: true,
                    ..
                }
            ),
            "{v:?}"
        );
    }

    #[test]
    fn a_product_not_in_the_order_is_a_wrong_item() {
        let v = pack_verdict(&[line(1, 7, 1, 0)], &hit(9, 1), false);
        assert_eq!(v.kind(), ScanKind::WrongItem);
    }

    #[test]
    fn a_full_line_or_a_case_too_big_for_it_is_an_over_scan_and_packs_nothing() {
        let full = pack_verdict(&[line(1, 7, 2, 2)], &hit(7, 1), false);
        assert_eq!(full.kind(), ScanKind::OverScan);
        let case = pack_verdict(&[line(1, 7, 5, 0)], &hit(7, 6), false);
        assert_eq!(
            case.kind(),
            ScanKind::OverScan,
            "a case of 6 does not fit 5"
        );
        assert_eq!(case.packed_units(), None);
    }

    #[test]
    fn the_same_marked_item_twice_is_an_over_scan() {
        let v = pack_verdict(&[line(1, 7, 3, 1)], &hit(7, 1), true);
        assert_eq!(v.kind(), ScanKind::OverScan);
    }

    #[test]
    fn a_marked_product_packs_only_by_a_code_no_other_order_holds() {
        let lines = [line(1, 7, 2, 0)];
        let marked = ProductHit {
            marked: true,
            ..hit(7, 1)
        };
        let by_ean = marking_verdict(pack_verdict(&lines, &marked, false), &marked, false, None);
        assert_eq!(by_ean.kind(), ScanKind::MarkingRequired);
        assert!(by_ean.message("x").contains("DataMatrix"));
        let by_code = marking_verdict(pack_verdict(&lines, &marked, false), &marked, true, None);
        assert!(by_code.is_accepted());
        let used = marking_verdict(
            pack_verdict(&lines, &marked, false),
            &marked,
            true,
            Some("1001".into()),
        );
        assert_eq!(used.kind(), ScanKind::MarkingUsed);
        assert!(used.message("x").contains("order 1001"));
        // A wrong item stays a wrong item, marked or not.
        let other = ProductHit {
            marked: true,
            ..hit(9, 1)
        };
        let wrong = marking_verdict(pack_verdict(&lines, &other, false), &other, false, None);
        assert_eq!(wrong.kind(), ScanKind::WrongItem);
        // An unmarked product's EAN packs as always.
        let plain = marking_verdict(
            pack_verdict(&lines, &hit(7, 1), false),
            &hit(7, 1),
            false,
            None,
        );
        assert!(plain.is_accepted());
    }
}
