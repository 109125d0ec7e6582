//! The order lifecycle and its transition matrix.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

crate::named_enum! {
    /// Where an order is in fulfilment: the standard stages the rules key
    /// on. Payment is tracked beside it ([`super::PaymentStatus`]), not in
    /// this machine.
    pub enum OrderStatus("order status") {
        New = "new",
        Confirmed = "confirmed",
        Picking = "picking",
        Packing = "packing",
        Ready = "ready",
        Shipped = "shipped",
        Delivered = "delivered",
        Completed = "completed",
        Returned = "returned",
        Cancelled = "cancelled",
    }
}

/// What opening an order at a packing station does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackingOpening {
    /// Confirmed or picked: claim it for this station and pack it.
    Claim,
    /// Already being packed here (a re-opened screen): carry on.
    Resume,
    /// Packed already: it goes to the hand-over and stays `ready`. Taking
    /// the box apart again is an action of its own, never a side effect of
    /// opening the order.
    HandOver,
}

impl OrderStatus {
    /// Whether opening the order at a packing station does anything (packs
    /// it, or hands it over); the screens offer "open at packing" by this.
    pub fn opens_at_packing(self) -> bool {
        matches!(
            self,
            OrderStatus::Confirmed
                | OrderStatus::Picking
                | OrderStatus::Packing
                | OrderStatus::Ready
        )
    }

    /// Statuses a manager sets by hand (one order or a selection); the
    /// others follow from what the warehouse does (confirm, pick, pack,
    /// ship), each through its own operation.
    pub fn set_by_hand(self) -> bool {
        matches!(
            self,
            OrderStatus::Delivered
                | OrderStatus::Completed
                | OrderStatus::Returned
                | OrderStatus::Cancelled
        )
    }

    /// What a station may do with an order it opens for packing. Another
    /// station's claim is a conflict naming that station; a status that is
    /// not packed from (new, shipped, cancelled, ...) is an invalid
    /// transition naming both statuses.
    pub fn opening_at_packing(
        self,
        number: &str,
        claimed_station: Option<&str>,
        claimed_by: Option<&str>,
        station: &str,
    ) -> Result<PackingOpening, crate::Error> {
        if let Some(holder) = claimed_station.filter(|s| *s != station) {
            return Err(crate::Error::Conflict(format!(
                "order {number} is being packed at station {holder} by {}",
                claimed_by.unwrap_or("?")
            )));
        }
        match self {
            OrderStatus::Confirmed | OrderStatus::Picking => Ok(PackingOpening::Claim),
            OrderStatus::Packing if claimed_station.is_some() => Ok(PackingOpening::Resume),
            OrderStatus::Packing => Ok(PackingOpening::Claim),
            OrderStatus::Ready => Ok(PackingOpening::HandOver),
            from => Err(crate::Error::InvalidTransition {
                from,
                to: OrderStatus::Packing,
            }),
        }
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
            assert_eq!(OrderStatus::parse(s.as_str()), Ok(*s));
        }
        assert_eq!(OrderStatus::parse(" Ready "), Ok(OrderStatus::Ready));
        assert!(OrderStatus::parse("packed").unwrap_err().contains("ready"));
    }

    #[test]
    fn opening_an_order_at_packing_claims_resumes_or_goes_to_the_hand_over() {
        use OrderStatus::*;
        let open = |s: OrderStatus, held: Option<&str>| {
            s.opening_at_packing("1001", held, Some("anna"), "S1")
        };
        assert_eq!(open(Confirmed, None).unwrap(), PackingOpening::Claim);
        assert_eq!(open(Picking, None).unwrap(), PackingOpening::Claim);
        for s in OrderStatus::ALL {
            assert_eq!(
                s.opens_at_packing(),
                open(*s, None).is_ok(),
                "the screens offer packing exactly where opening works: {s}"
            );
        }
        assert_eq!(open(Packing, Some("S1")).unwrap(), PackingOpening::Resume);
        assert_eq!(
            open(Ready, None).unwrap(),
            PackingOpening::HandOver,
            "a packed order is handed over, not unpacked"
        );
        let held = open(Packing, Some("S2")).unwrap_err().to_string();
        assert!(
            held.contains("S2") && held.contains("anna"),
            "names the holder: {held}"
        );
        for s in [New, Shipped, Delivered, Completed, Returned, Cancelled] {
            let e = open(s, None).unwrap_err().to_string();
            assert!(e.contains(s.as_str()) && e.contains("packing"), "{e}");
        }
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
