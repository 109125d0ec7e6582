//! What a user narrows the order list by, and how it groups. Filters
//! combine (every one given must hold); an empty filter is every order.
//! The same filter drives the list, the group counts and the export, and is
//! what a saved filter keeps.

use super::money::parse_minor;
use super::{OrderStatus, PaymentStatus};
use serde::{Deserialize, Serialize};

/// Amounts in filters are typed in roubles (or the order's main unit) with
/// up to two decimals and compared in minor units.
const FILTER_EXPONENT: u32 = 2;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct OrderFilter {
    /// Words found at the start of words of the number, customer name,
    /// e-mail, phone (in any formatting) or comment.
    pub search: Option<String>,
    /// Any of these statuses (none: any status).
    pub statuses: Vec<OrderStatus>,
    /// Any of these payment states.
    pub payment: Vec<PaymentStatus>,
    /// Any of these sales channels.
    pub channels: Vec<String>,
    /// Any of these delivery methods.
    pub delivery_methods: Vec<String>,
    /// Created at or after this instant (UTC ms).
    pub created_from: Option<i64>,
    /// Created before this instant (UTC ms).
    pub created_to: Option<i64>,
    /// Order total (goods and delivery) at least / at most, as typed
    /// (`1500`, `1500.50`, `1 500,50`).
    pub total_min: Option<String>,
    pub total_max: Option<String>,
    pub delivery_cost_min: Option<String>,
    pub delivery_cost_max: Option<String>,
    /// Units (items) in the order, at least / at most.
    pub units_min: Option<i64>,
    pub units_max: Option<i64>,
    /// A product in the order: its SKU, or words of its name.
    pub product: Option<String>,
    /// Words in one of the order's service notes.
    pub note: Option<String>,
    /// Only orders longer in their status than it allows.
    pub overdue: bool,
    /// Only the orders of this manager.
    pub manager: Option<String>,
    /// Rows per page (50 when 0; at most 10,000).
    pub limit: i64,
    /// The next page: orders older than this one (its `id`).
    pub before: Option<i64>,
}

/// A filter's amounts in minor units, checked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AmountRanges {
    pub total: (Option<i64>, Option<i64>),
    pub delivery_cost: (Option<i64>, Option<i64>),
}

impl OrderFilter {
    /// The filter as it is kept by name: without the page it was on.
    pub fn to_saved(&self) -> OrderFilter {
        OrderFilter {
            limit: 0,
            before: None,
            ..self.clone()
        }
    }

    /// Rows per page.
    pub fn page_size(&self) -> i64 {
        if self.limit <= 0 {
            50
        } else {
            self.limit.min(10_000)
        }
    }

    /// The amounts as minor units; a bad amount says which and why.
    pub fn amounts(&self) -> Result<AmountRanges, String> {
        let amount = |what: &str, v: &Option<String>| -> Result<Option<i64>, String> {
            let Some(text) = v.as_deref().map(str::trim).filter(|t| !t.is_empty()) else {
                return Ok(None);
            };
            let compact: String = text
                .chars()
                .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
                .map(|c| if c == ',' { '.' } else { c })
                .collect();
            parse_minor(&compact, FILTER_EXPONENT)
                .map(Some)
                .map_err(|e| format!("{what} \"{text}\": {e}"))
        };
        let ranges = AmountRanges {
            total: (
                amount("the lowest total", &self.total_min)?,
                amount("the highest total", &self.total_max)?,
            ),
            delivery_cost: (
                amount("the lowest delivery cost", &self.delivery_cost_min)?,
                amount("the highest delivery cost", &self.delivery_cost_max)?,
            ),
        };
        for (what, (lo, hi)) in [
            ("total", ranges.total),
            ("delivery cost", ranges.delivery_cost),
            ("units", (self.units_min, self.units_max)),
        ] {
            if let (Some(lo), Some(hi)) = (lo, hi) {
                if lo > hi {
                    return Err(format!(
                        "the {what} range runs backwards (from {lo} to {hi}); swap the two values"
                    ));
                }
            }
        }
        if let (Some(from), Some(to)) = (self.created_from, self.created_to) {
            if from >= to {
                return Err(
                    "the date range is empty: its start is not before its end; pick an end after the start"
                        .into(),
                );
            }
        }
        Ok(ranges)
    }

    /// True when nothing narrows the list.
    pub fn is_empty(&self) -> bool {
        self.to_saved()
            == OrderFilter {
                ..Default::default()
            }
    }
}

crate::named_enum! {
    /// What the order list is counted by.
    #[derive(Default)]
    pub enum GroupBy("grouping") {
        #[default]
        Status = "status",
        Payment = "payment",
        Day = "day",
        DeliveryMethod = "delivery_method",
        Channel = "channel",
        Category = "category",
    }
}

/// One group: its key (a status or payment code, a day `YYYY-MM-DD`, a
/// delivery method, channel or category as the store wrote it; empty for
/// "none") and how many orders of the filter fall in it. An order whose
/// lines are in several categories counts once in each.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GroupCount {
    pub key: String,
    pub orders: i64,
}

/// A filter kept by name for the whole store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SavedFilter {
    pub name: String,
    pub filter: OrderFilter,
    pub saved_by: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_read_as_typed_in_russian_or_english() {
        let f = OrderFilter {
            total_min: Some("1 500,50".into()),
            total_max: Some("20000".into()),
            ..Default::default()
        };
        assert_eq!(f.amounts().unwrap().total, (Some(150_050), Some(2_000_000)));
    }

    #[test]
    fn a_bad_or_backward_range_says_what_is_wrong() {
        let bad = OrderFilter {
            total_min: Some("много".into()),
            ..Default::default()
        };
        assert!(bad.amounts().unwrap_err().contains("lowest total"));
        let backwards = OrderFilter {
            units_min: Some(5),
            units_max: Some(2),
            ..Default::default()
        };
        assert!(backwards.amounts().unwrap_err().contains("swap"));
        let empty_dates = OrderFilter {
            created_from: Some(10),
            created_to: Some(10),
            ..Default::default()
        };
        assert!(empty_dates.amounts().unwrap_err().contains("date range"));
    }

    #[test]
    fn a_saved_filter_forgets_its_page() {
        let f = OrderFilter {
            search: Some("Иванова".into()),
            limit: 50,
            before: Some(77),
            ..Default::default()
        };
        assert_eq!(f.to_saved().before, None);
        assert!(!f.is_empty());
        assert!(OrderFilter {
            limit: 50,
            ..Default::default()
        }
        .is_empty());
    }
}
