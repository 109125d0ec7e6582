//! Payments beside fulfilment: what was paid and refunded, and the payment
//! state that follows from it.

use super::money::{exponent_of, format_minor, parse_minor};
use super::PaymentStatus;

crate::named_enum! {
    /// An entry of an order's payment ledger.
    pub enum PaymentKind("payment kind") {
        /// Money in: the customer paid (part of) the order.
        Payment = "payment",
        /// Money back: a cancellation, a return, a goodwill refund.
        Refund = "refund",
    }
}

/// What an order's ledger adds up to, in the order's currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Paid {
    pub paid_minor: i64,
    pub refunded_minor: i64,
}

impl Paid {
    /// Money the shop holds for the order.
    pub fn net_minor(self) -> i64 {
        self.paid_minor - self.refunded_minor
    }

    /// Still to pay (negative: the customer is owed money back).
    pub fn balance_minor(self, total_minor: i64) -> i64 {
        total_minor - self.net_minor()
    }

    /// The payment state this ledger means for an order of `total_minor`:
    /// nothing in → awaiting payment; some in → partially paid; all in →
    /// paid; refunds make it partially refunded, or refunded when nothing
    /// is left; what is kept after a refund still covering the total (an
    /// overpayment given back, money moved to a split-off order) is paid.
    pub fn state(self, total_minor: i64) -> PaymentStatus {
        let net = self.net_minor();
        if self.refunded_minor > 0 && !(net > 0 && net >= total_minor) {
            if net <= 0 {
                PaymentStatus::Refunded
            } else {
                PaymentStatus::PartiallyRefunded
            }
        } else if self.paid_minor <= 0 {
            PaymentStatus::AwaitingPayment
        } else if net < total_minor {
            PaymentStatus::PartiallyPaid
        } else {
            PaymentStatus::Paid
        }
    }
}

/// A payment or refund as a manager enters it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PaymentInput {
    pub kind: PaymentKind,
    /// The amount as money is written ("1500", "1 500,50"), in `currency`.
    pub amount: String,
    /// Must be the order's currency.
    pub currency: String,
    /// Cash, card, bank transfer, the marketplace's payout ...
    pub method: String,
    #[serde(default)]
    pub note: String,
}

impl PaymentInput {
    /// Checks the entry against the order's currency and ledger: the amount
    /// in minor units with the cleaned method and note, or what is wrong
    /// and what to do.
    pub fn check(&self, order_currency: &str, so_far: Paid) -> Result<Checked, String> {
        let currency = self.currency.trim().to_ascii_uppercase();
        if currency != order_currency {
            return Err(format!(
                "the order is in {order_currency}, not {currency}; record the amount in {order_currency}"
            ));
        }
        let amount_minor = parse_minor(&self.amount, exponent_of(&currency))
            .map_err(|e| format!("the amount: {e}"))?;
        if amount_minor <= 0 {
            return Err("the amount must be more than zero; a refund is recorded as a refund, not as a negative payment".into());
        }
        let method = self.method.trim();
        if method.is_empty() || method.chars().count() > 60 || method.chars().any(char::is_control)
        {
            return Err(
                "say how the money moved (cash, card, transfer...), in at most 60 characters"
                    .into(),
            );
        }
        let note = self.note.trim();
        if note.chars().count() > 500 {
            return Err("the note is longer than 500 characters".into());
        }
        if self.kind == PaymentKind::Refund && amount_minor > so_far.net_minor() {
            return Err(format!(
                "only {} {currency} was paid and not refunded; a refund cannot be more",
                format_minor(so_far.net_minor().max(0), exponent_of(&currency))
            ));
        }
        Ok(Checked {
            amount_minor,
            method: method.to_string(),
            note: note.to_string(),
        })
    }
}

/// A ledger entry that passed [`PaymentInput::check`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub amount_minor: i64,
    pub method: String,
    pub note: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paid(paid_minor: i64, refunded_minor: i64) -> Paid {
        Paid {
            paid_minor,
            refunded_minor,
        }
    }

    #[test]
    fn the_payment_state_follows_the_ledger() {
        assert_eq!(paid(0, 0).state(1000), PaymentStatus::AwaitingPayment);
        assert_eq!(paid(400, 0).state(1000), PaymentStatus::PartiallyPaid);
        assert_eq!(paid(1000, 0).state(1000), PaymentStatus::Paid);
        assert_eq!(
            paid(1200, 0).state(1000),
            PaymentStatus::Paid,
            "overpaid is paid; the balance says by how much"
        );
        assert_eq!(
            paid(1000, 300).state(1000),
            PaymentStatus::PartiallyRefunded
        );
        assert_eq!(paid(1000, 1000).state(1000), PaymentStatus::Refunded);
        assert_eq!(
            paid(1300, 300).state(1000),
            PaymentStatus::Paid,
            "an overpayment given back: what is kept covers the order"
        );
        assert_eq!(paid(1000, 300).balance_minor(1000), 300);
    }

    fn entry(kind: PaymentKind, amount_minor: i64, currency: &str) -> PaymentInput {
        PaymentInput {
            kind,
            amount: format_minor(amount_minor, 2),
            currency: currency.into(),
            method: " карта ".into(),
            note: String::new(),
        }
    }

    #[test]
    fn a_payment_in_another_currency_or_below_zero_is_refused() {
        let e = entry(PaymentKind::Payment, 500, "EUR")
            .check("RUB", Paid::default())
            .unwrap_err();
        assert!(e.contains("RUB") && e.contains("EUR"), "{e}");
        assert!(entry(PaymentKind::Payment, -5, "RUB")
            .check("RUB", Paid::default())
            .is_err());
        let ok = entry(PaymentKind::Payment, 500, "rub")
            .check("RUB", Paid::default())
            .unwrap();
        assert_eq!((ok.amount_minor, ok.method.as_str()), (500, "карта"));
        let typed = PaymentInput {
            amount: "1 500,50".into(),
            ..entry(PaymentKind::Payment, 0, "RUB")
        };
        assert_eq!(
            typed.check("RUB", Paid::default()).unwrap().amount_minor,
            150050
        );
        let garbage = PaymentInput {
            amount: "полторы тысячи".into(),
            ..entry(PaymentKind::Payment, 0, "RUB")
        };
        assert!(garbage
            .check("RUB", Paid::default())
            .unwrap_err()
            .contains("amount"));
    }

    #[test]
    fn a_refund_cannot_be_more_than_was_paid() {
        let e = entry(PaymentKind::Refund, 600, "RUB")
            .check("RUB", paid(500, 0))
            .unwrap_err();
        assert!(e.contains("5.00 RUB"), "{e}");
        assert!(entry(PaymentKind::Refund, 500, "RUB")
            .check("RUB", paid(500, 0))
            .is_ok());
    }
}
