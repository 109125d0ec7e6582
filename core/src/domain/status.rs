//! The order lifecycle and its transition matrix.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Where an order is in fulfilment. Payment is tracked beside it
/// ([`super::PaymentStatus`]), not in this machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    New,
    Confirmed,
    Picking,
    Packing,
    Ready,
    Shipped,
    Delivered,
    Completed,
    Returned,
    Cancelled,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 10] = [
        OrderStatus::New,
        OrderStatus::Confirmed,
        OrderStatus::Picking,
        OrderStatus::Packing,
        OrderStatus::Ready,
        OrderStatus::Shipped,
        OrderStatus::Delivered,
        OrderStatus::Completed,
        OrderStatus::Returned,
        OrderStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::New => "new",
            OrderStatus::Confirmed => "confirmed",
            OrderStatus::Picking => "picking",
            OrderStatus::Packing => "packing",
            OrderStatus::Ready => "ready",
            OrderStatus::Shipped => "shipped",
            OrderStatus::Delivered => "delivered",
            OrderStatus::Completed => "completed",
            OrderStatus::Returned => "returned",
            OrderStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        let wanted = text.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == wanted)
            .ok_or_else(|| {
                let names: Vec<_> = Self::ALL.iter().map(|s| s.as_str()).collect();
                format!(
                    "{text:?} is not an order status; use one of {}",
                    names.join(", ")
                )
            })
    }

    /// Statuses from which a packer may claim the order at a station.
    pub fn claimable(self) -> bool {
        matches!(self, OrderStatus::Confirmed | OrderStatus::Picking)
    }
}

impl std::fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which status may follow which. The default lives in code and is copied into
/// the database on first start; the store may restrict it there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TransitionMatrix {
    allowed: BTreeSet<(OrderStatus, OrderStatus)>,
}

impl TransitionMatrix {
    pub fn from_pairs(pairs: impl IntoIterator<Item = (OrderStatus, OrderStatus)>) -> Self {
        Self {
            allowed: pairs.into_iter().collect(),
        }
    }

    pub fn standard() -> Self {
        use OrderStatus::*;
        Self::from_pairs([
            (New, Confirmed),
            (New, Cancelled),
            (Confirmed, New),
            (Confirmed, Picking),
            (Confirmed, Packing),
            (Confirmed, Cancelled),
            (Picking, Confirmed),
            (Picking, Packing),
            (Picking, Cancelled),
            (Packing, Confirmed),
            (Packing, Ready),
            (Packing, Cancelled),
            (Ready, Packing),
            (Ready, Shipped),
            (Ready, Cancelled),
            (Shipped, Delivered),
            (Shipped, Returned),
            (Delivered, Completed),
            (Delivered, Returned),
            (Completed, Returned),
            (Returned, Completed),
        ])
    }

    pub fn allows(&self, from: OrderStatus, to: OrderStatus) -> bool {
        self.allowed.contains(&(from, to))
    }

    pub fn pairs(&self) -> impl Iterator<Item = (OrderStatus, OrderStatus)> + '_ {
        self.allowed.iter().copied()
    }

    /// Ok when `from -> to` is allowed; otherwise an error naming both.
    pub fn check(&self, from: OrderStatus, to: OrderStatus) -> Result<(), crate::Error> {
        if self.allows(from, to) {
            Ok(())
        } else {
            Err(crate::Error::InvalidTransition { from, to })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_through_their_names() {
        for s in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(s.as_str()), Ok(s));
        }
        assert_eq!(OrderStatus::parse(" Ready "), Ok(OrderStatus::Ready));
        assert!(OrderStatus::parse("packed").unwrap_err().contains("ready"));
    }

    #[test]
    fn a_shipped_order_cannot_go_back_to_packing() {
        let m = TransitionMatrix::standard();
        let err = m
            .check(OrderStatus::Shipped, OrderStatus::Packing)
            .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("shipped") && text.contains("packing"),
            "{text}"
        );
    }

    #[test]
    fn the_happy_path_is_allowed_end_to_end() {
        use OrderStatus::*;
        let m = TransitionMatrix::standard();
        let path = [
            New, Confirmed, Picking, Packing, Ready, Shipped, Delivered, Completed,
        ];
        for w in path.windows(2) {
            assert!(m.allows(w[0], w[1]), "{} -> {}", w[0], w[1]);
        }
        assert!(
            !m.allows(Cancelled, Confirmed),
            "a cancelled order stays cancelled"
        );
    }
}
