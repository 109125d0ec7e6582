//! Which bin stock is taken from: for a reservation, a pick list and a
//! shipment. The store reads the bins; these rules decide.

use super::product::bin_order;

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
