//! Which bin stock is taken from: for a reservation, a pick list and a
//! shipment. The store reads the bins; these rules decide.

use super::product::bin_order;
use serde::Serialize;

crate::named_enum! {
    /// What a row of the stock ledger is.
    pub enum MoveKind("stock move kind") {
        Received = "received",
        Moved = "moved",
        Adjusted = "adjusted",
        Counted = "counted",
        Shipped = "shipped",
        /// Packed and shipped though the books had fewer.
        Found = "found",
        Import = "import",
        /// A resellable unit back from a customer.
        Returned = "returned",
        /// Stock that was there before the ledger was complete.
        Opening = "opening",
        Other = "other",
    }
}

crate::named_enum! {
    /// The state a returned unit came back in.
    pub enum ItemCondition("item condition") {
        /// Goes back into a bin and is sold again.
        Resellable = "resellable",
        /// Written off with a reason.
        Damaged = "damaged",
    }
}

crate::named_enum! {
    /// What the store does for the customer about a return.
    pub enum ReturnOutcome("return outcome") {
        /// Money back: a refund in the order's payment ledger.
        Refund = "refund",
        /// A replacement: a new order linked to the returned one, with its
        /// own reservation.
        Exchange = "exchange",
        /// The item goes to repair (the order records it).
        Repair = "repair",
        /// Nothing owed (a refusal at the door, a goodwill return).
        None = "none",
    }
}

crate::named_enum! {
    /// Why stock was adjusted by hand.
    pub enum AdjustReason("adjustment reason") {
        Damaged = "damaged",
        Lost = "lost",
        Found = "found",
        Expired = "expired",
        /// Given away: samples, gifts, the store's own use.
        Sample = "sample",
        /// The books were wrong (a typing or import error).
        Correction = "correction",
    }
}

/// The most units one scan, move or adjustment may carry: a typo of a few
/// more digits is refused, not booked.
pub const MAX_UNITS: i64 = 1_000_000;

/// Checks a quantity typed for a stock operation.
pub fn check_units(what: &str, units: i64) -> Result<i64, String> {
    if units <= 0 || units > MAX_UNITS {
        Err(format!(
            "{what} must be 1 to {MAX_UNITS} units, not {units}"
        ))
    } else {
        Ok(units)
    }
}

/// One product on the re-order list.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReorderRow {
    pub sku: String,
    pub name: String,
    pub on_hand: i64,
    pub reserved: i64,
    /// On hand less reserved.
    pub free: i64,
    /// The product's low-stock threshold, when it has one.
    pub low_stock: Option<i64>,
    /// Units shipped over the last 30 days.
    pub sold_30d: i64,
    /// How many days the free stock lasts at the last 30 days' pace; None
    /// when nothing sold.
    pub days_of_cover: Option<f64>,
    /// At or under its threshold, or nothing free while it sells.
    pub urgent: bool,
}

/// A product's stock and sales, as the store reads them.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StockAndSales {
    pub sku: String,
    pub name: String,
    pub on_hand: i64,
    pub reserved: i64,
    pub low_stock: Option<i64>,
    pub sold_30d: i64,
}

/// The re-order list: products at or under their low-stock threshold, and
/// products whose free stock lasts fewer than `cover_days` days at the last
/// 30 days' pace; the shortest cover first (nothing free first), then by SKU.
pub fn reorder_list(products: Vec<StockAndSales>, cover_days: u32) -> Vec<ReorderRow> {
    let mut rows: Vec<ReorderRow> = products
        .into_iter()
        .filter_map(|p| {
            let free = p.on_hand - p.reserved;
            let days_of_cover =
                (p.sold_30d > 0).then(|| free.max(0) as f64 * 30.0 / p.sold_30d as f64);
            let low = p.low_stock.is_some_and(|t| free <= t);
            let short = days_of_cover.is_some_and(|d| d < f64::from(cover_days));
            (low || short).then(|| ReorderRow {
                urgent: low || (free <= 0 && p.sold_30d > 0),
                sku: p.sku,
                name: p.name,
                on_hand: p.on_hand,
                reserved: p.reserved,
                free,
                low_stock: p.low_stock,
                sold_30d: p.sold_30d,
                days_of_cover: days_of_cover.map(|d| (d * 10.0).round() / 10.0),
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        let cover = |r: &ReorderRow| r.days_of_cover.unwrap_or(f64::INFINITY);
        b.urgent
            .cmp(&a.urgent)
            .then(cover(a).total_cmp(&cover(b)))
            .then_with(|| a.sku.cmp(&b.sku))
    });
    rows
}

/// The bin a product's stock is booked to when it has no bin at all (a
/// stock-taker then sees the corrections booked there and sorts them out).
pub const UNASSIGNED_BIN: &str = "UNASSIGNED";

/// Stock free in one bin: on hand less what other orders reserved.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FreeStock {
    pub bin: String,
    pub free: i64,
}

/// One take of `qty` units from `bin`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Take {
    pub bin: String,
    pub qty: i64,
}

/// Takes `need` units from `sources` in the order given, each at most what
/// it holds; returns the takes and what is still missing.
pub fn take_in_order(need: i64, sources: impl IntoIterator<Item = FreeStock>) -> (Vec<Take>, i64) {
    let mut left = need.max(0);
    let mut takes = Vec::new();
    for source in sources {
        if left == 0 {
            break;
        }
        let qty = left.min(source.free);
        if qty > 0 {
            takes.push(Take {
                bin: source.bin,
                qty,
            });
            left -= qty;
        }
    }
    (takes, left)
}

/// Reserving for an order: the product's default bin first (that is where
/// the picker goes), then the other bins in natural order (A-2 before A-10).
/// Returns the takes and the units no bin could cover.
pub fn reserve_from(
    need: i64,
    mut bins: Vec<FreeStock>,
    default_bin: Option<&str>,
) -> (Vec<Take>, i64) {
    bins.sort_by(|a, b| {
        let a_default = Some(a.bin.as_str()) == default_bin;
        let b_default = Some(b.bin.as_str()) == default_bin;
        b_default
            .cmp(&a_default)
            .then_with(|| bin_order(&a.bin, &b.bin))
    });
    take_in_order(need, bins)
}

/// Where packed units leave the stock at shipment: from the order's own
/// reservations first, then from free stock in natural bin order, and
/// whatever is still missing from the default bin (or [`UNASSIGNED_BIN`]):
/// units the books did not have although they were packed, so the books
/// were short; that take says so (`found`), and the stock is corrected up
/// before they leave, never below zero. Each take says how much of it was
/// reserved.
pub fn ship_from(
    packed: i64,
    reserved: Vec<FreeStock>,
    mut free: Vec<FreeStock>,
    default_bin: Option<&str>,
) -> Vec<ShipTake> {
    let (from_reserved, left) = take_in_order(packed, reserved);
    free.sort_by(|a, b| bin_order(&a.bin, &b.bin));
    let (from_free, missing) = take_in_order(left, free);
    let mut takes: Vec<ShipTake> = from_reserved
        .into_iter()
        .map(|t| ShipTake {
            reserved: t.qty,
            take: t,
            found: 0,
        })
        .chain(from_free.into_iter().map(|t| ShipTake {
            take: t,
            reserved: 0,
            found: 0,
        }))
        .collect();
    if missing > 0 {
        takes.push(ShipTake {
            take: Take {
                bin: fallback_bin(default_bin),
                qty: missing,
            },
            reserved: 0,
            found: missing,
        });
    }
    takes
}

/// A take at shipment and how much of it came out of the order's reservation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShipTake {
    pub take: Take,
    pub reserved: i64,
    /// Units the books did not have: the stock is corrected up by these
    /// before the take.
    pub found: i64,
}

/// Where a pick list sends the picker for `need` units: the bins the order
/// reserved, then the product's default bin for the rest.
pub fn pick_from(need: i64, reserved: Vec<FreeStock>, default_bin: Option<&str>) -> Vec<Take> {
    let (mut takes, left) = take_in_order(need, reserved);
    if left > 0 {
        takes.push(Take {
            bin: fallback_bin(default_bin),
            qty: left,
        });
    }
    takes
}

/// The product's default bin, or [`UNASSIGNED_BIN`].
pub fn fallback_bin(default_bin: Option<&str>) -> String {
    default_bin
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .unwrap_or(UNASSIGNED_BIN)
        .to_string()
}

/// One line's units still to come from stock: (line id, product, units
/// not packed yet), in line order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineNeed {
    pub line_id: i64,
    pub product_id: i64,
    pub units: i64,
}

/// How many units of each line stock does not cover: the product's
/// reserved units go to its lines in order, and what is left of a line is
/// back-ordered. Returns (line id, units missing) for every line.
pub fn back_orders(
    lines: &[LineNeed],
    reserved: &std::collections::HashMap<i64, i64>,
) -> Vec<(i64, i64)> {
    let mut left = reserved.clone();
    lines
        .iter()
        .map(|l| {
            let have = left.entry(l.product_id).or_insert(0);
            let covered = (*have).min(l.units).max(0);
            *have -= covered;
            (l.line_id, (l.units - covered).max(0))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bins(list: &[(&str, i64)]) -> Vec<FreeStock> {
        list.iter()
            .map(|(bin, free)| FreeStock {
                bin: bin.to_string(),
                free: *free,
            })
            .collect()
    }

    fn taken(takes: &[Take]) -> Vec<(&str, i64)> {
        takes.iter().map(|t| (t.bin.as_str(), t.qty)).collect()
    }

    #[test]
    fn a_reservation_takes_the_default_bin_first_then_bins_in_natural_order() {
        let (takes, short) =
            reserve_from(7, bins(&[("A-10", 5), ("A-2", 1), ("B-1", 2)]), Some("B-1"));
        assert_eq!(taken(&takes), [("B-1", 2), ("A-2", 1), ("A-10", 4)]);
        assert_eq!(short, 0);
    }

    #[test]
    fn a_reservation_says_how_much_no_bin_could_cover() {
        let (takes, short) = reserve_from(5, bins(&[("A-1", 2)]), None);
        assert_eq!(taken(&takes), [("A-1", 2)]);
        assert_eq!(short, 3);
    }

    #[test]
    fn a_shipment_uses_the_reservation_then_free_stock_then_the_default_bin() {
        let takes = ship_from(
            6,
            bins(&[("C-3", 2)]),
            bins(&[("A-10", 1), ("A-9", 1)]),
            Some("C-3"),
        );
        let got: Vec<_> = takes
            .iter()
            .map(|t| (t.take.bin.as_str(), t.take.qty, t.reserved, t.found))
            .collect();
        assert_eq!(
            got,
            [("C-3", 2, 2, 0), ("A-9", 1, 0, 0), ("A-10", 1, 0, 0), ("C-3", 2, 0, 2)],
            "the two units no bin holds come from the default bin, found there first: never below zero"
        );
        let nowhere = ship_from(1, vec![], vec![], None);
        assert_eq!(nowhere[0].take.bin, UNASSIGNED_BIN);
    }

    #[test]
    fn a_pick_list_sends_the_picker_to_the_reserved_bins_then_the_default_bin() {
        let takes = pick_from(4, bins(&[("A-1", 3)]), Some("B-2"));
        assert_eq!(taken(&takes), [("A-1", 3), ("B-2", 1)]);
        assert_eq!(taken(&pick_from(2, vec![], None)), [(UNASSIGNED_BIN, 2)]);
    }

    #[test]
    fn reserved_units_cover_lines_in_order_and_the_rest_is_back_ordered() {
        let lines = [
            LineNeed {
                line_id: 1,
                product_id: 7,
                units: 3,
            },
            LineNeed {
                line_id: 2,
                product_id: 8,
                units: 2,
            },
            LineNeed {
                line_id: 3,
                product_id: 7,
                units: 2,
            },
        ];
        let reserved = std::collections::HashMap::from([(7, 4), (8, 2)]);
        assert_eq!(back_orders(&lines, &reserved), vec![(1, 0), (2, 0), (3, 1)]);
        assert_eq!(
            back_orders(&lines, &Default::default()),
            vec![(1, 3), (2, 2), (3, 2)],
            "nothing reserved: everything missing"
        );
    }
}

#[cfg(test)]
mod reorder_tests {
    use super::*;

    fn p(sku: &str, on_hand: i64, reserved: i64, low: Option<i64>, sold: i64) -> StockAndSales {
        StockAndSales {
            sku: sku.into(),
            name: sku.into(),
            on_hand,
            reserved,
            low_stock: low,
            sold_30d: sold,
        }
    }

    #[test]
    fn the_reorder_list_puts_what_runs_out_first_on_top() {
        let rows = reorder_list(
            vec![
                // 30 free, 30 sold a month: 30 days of cover, not listed.
                p("PLENTY", 30, 0, None, 30),
                // 6 free at 60 a month: 3 days.
                p("FAST", 10, 4, None, 60),
                // Threshold 5, 5 free: urgent though nothing sold.
                p("LOW", 5, 0, Some(5), 0),
                // Nothing free while it sells: urgent, 0 days.
                p("GONE", 2, 2, None, 9),
                // Nothing sold, no threshold: not listed.
                p("IDLE", 0, 0, None, 0),
                // 10 free at 30 a month: 10 days.
                p("SLOW", 10, 0, None, 30),
            ],
            14,
        );
        let order: Vec<(&str, Option<f64>, bool)> = rows
            .iter()
            .map(|r| (r.sku.as_str(), r.days_of_cover, r.urgent))
            .collect();
        assert_eq!(
            order,
            [
                ("GONE", Some(0.0), true),
                ("LOW", None, true),
                ("FAST", Some(3.0), false),
                ("SLOW", Some(10.0), false),
            ]
        );
        assert_eq!(rows[2].free, 6);
    }

    #[test]
    fn quantities_out_of_range_are_refused_with_the_range() {
        assert_eq!(check_units("a move", 3), Ok(3));
        for bad in [0, -2, MAX_UNITS + 1] {
            let e = check_units("a move", bad).unwrap_err();
            assert!(e.contains("1 to 1000000"), "{e}");
        }
    }
}
