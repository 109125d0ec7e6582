//! Orders and their lines as they arrive from a channel.

use super::money::line_amount_minor;
use super::status::OrderStatus;
use super::time::{MaybeDay, MaybeMillis, Millis};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

crate::named_enum! {
    /// Payment is tracked beside fulfilment.
    pub enum PaymentStatus("payment status") {
        AwaitingPayment = "awaiting_payment",
        PartiallyPaid = "partially_paid",
        Paid = "paid",
        PartiallyRefunded = "partially_refunded",
        Refunded = "refunded",
    }
}

impl PaymentStatus {
    /// Our own names and the words shop exports use (Shopify "pending",
    /// "authorized"; WooCommerce "processing", "on-hold").
    pub fn from_shop(text: &str) -> Result<Self, String> {
        let t = text.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Ok(match t.as_str() {
            "" | "awaiting_payment" | "pending" | "authorized" | "unpaid" | "on_hold"
            | "pending_payment" | "voided" => PaymentStatus::AwaitingPayment,
            "paid" | "processing" | "completed" => PaymentStatus::Paid,
            "partially_paid" | "partial" => PaymentStatus::PartiallyPaid,
            "partially_refunded" => PaymentStatus::PartiallyRefunded,
            "refunded" => PaymentStatus::Refunded,
            _ => {
                return Err(format!(
                    "{text:?} is not a payment status; use awaiting_payment, partially_paid, paid, partially_refunded or refunded"
                ))
            }
        })
    }
}

/// The order as stored, without its lines: what the rules look at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OrderHead {
    pub id: i64,
    pub number: String,
    pub channel: String,
    pub customer_name: String,
    pub email: String,
    pub phone: String,
    pub shipping_address: String,
    pub delivery_method: String,
    pub delivery_cost_minor: i64,
    pub currency: String,
    pub payment_status: PaymentStatus,
    pub comment: String,
    pub status: OrderStatus,
    #[sqlx(try_from = "Millis")]
    pub status_changed_at: DateTime<Utc>,
    #[sqlx(try_from = "Millis")]
    pub created_at: DateTime<Utc>,
    pub claimed_station: Option<String>,
    pub claimed_by: Option<String>,
    pub carrier: Option<String>,
    pub tracking_number: Option<String>,
    #[sqlx(try_from = "MaybeMillis")]
    pub shipped_at: Option<DateTime<Utc>>,
    pub short_reason: Option<String>,
    /// The store's own status inside the stage, if the order is in one.
    pub sub_status: Option<String>,
    /// The manager responsible for it.
    pub manager: Option<String>,
    /// Why the order waits, if it does.
    pub hold_reason: Option<String>,
    /// The order this one was split from.
    pub split_from: Option<i64>,
}

impl OrderHead {
    /// Claimed for packing by this station.
    pub fn packing_at(&self, station: &str) -> bool {
        self.status == OrderStatus::Packing && self.claimed_station.as_deref() == Some(station)
    }
}

/// One line of a stored order, with what has been packed of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OrderLine {
    pub id: i64,
    pub position: i64,
    pub product_id: Option<i64>,
    pub sku: String,
    pub name: String,
    pub quantity: i64,
    pub unit_price_minor: i64,
    pub discount_minor: i64,
    pub tax_rate_bp: i64,
    /// What the line costs after its discount, VAT included
    /// ([`line_amount_minor`], kept with the line when it is written).
    pub amount_minor: i64,
    pub packed: i64,
    /// The product's default bin, where the picker finds it.
    pub bin: Option<String>,
    /// Units stock did not cover when the order was reserved.
    pub backordered: i64,
    /// When the manager expects the missing units.
    #[sqlx(try_from = "MaybeDay")]
    pub expected_on: Option<chrono::NaiveDate>,
    /// A dropshipping supplier ships this line (issue 15 item 4): its
    /// purchase order's state; none: the warehouse ships it.
    pub dropship: Option<super::dropship::DropshipState>,
    /// The supplier, its purchase order's number and the supplier's
    /// tracking number once entered.
    pub supplier: Option<String>,
    pub purchase_order: Option<String>,
    pub supplier_tracking: Option<String>,
}

impl OrderLine {
    /// Packed fewer than ordered; a line a supplier ships is never packed
    /// here, so never short.
    pub fn is_short(&self) -> bool {
        !self.is_dropship() && self.packed < self.quantity
    }

    /// Shipped by a supplier (awaiting or shipped), not from the warehouse.
    pub fn is_dropship(&self) -> bool {
        self.dropship
            .is_some_and(super::dropship::DropshipState::supplier_ships)
    }
}

/// Lines whose products the store does not know yet: the order waits.
pub fn unknown_skus(lines: &[OrderLine]) -> Vec<&str> {
    lines
        .iter()
        .filter(|l| l.product_id.is_none())
        .map(|l| l.sku.as_str())
        .collect()
}

/// One line of a new order. The product is named by SKU; a SKU the store does
/// not know yet is kept and flagged, so the order can wait for the product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NewLine {
    pub sku: String,
    pub name: String,
    pub quantity: i64,
    pub unit_price_minor: i64,
    /// Discount on the whole line, in minor units.
    pub discount_minor: i64,
    /// Tax rate in basis points (20% = 2000).
    pub tax_rate_bp: i64,
}

impl NewLine {
    /// What the line costs after its discount, VAT included.
    pub fn amount_minor(&self) -> i64 {
        line_amount_minor(self.quantity, self.unit_price_minor, self.discount_minor)
    }
}

/// An order as it arrives from a channel (import, phone, web form, demo).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NewOrder {
    pub number: String,
    pub channel: String,
    pub customer_name: String,
    pub email: String,
    pub phone: String,
    pub shipping_address: String,
    pub delivery_method: String,
    pub delivery_cost_minor: i64,
    pub currency: String,
    pub payment_status: PaymentStatus,
    pub comment: String,
    pub created_at: DateTime<Utc>,
    pub status: OrderStatus,
    pub lines: Vec<NewLine>,
}

impl NewOrder {
    /// Checks the rules an order must meet before it is stored.
    pub fn validate(&self) -> Result<(), String> {
        let number = self.number.trim();
        if number.is_empty() {
            return Err("the order number is empty".into());
        }
        if number.len() > 64 || number.chars().any(char::is_control) {
            return Err(format!(
                "order number {number:?} is longer than 64 characters or holds control characters"
            ));
        }
        super::money::Currency::parse(&self.currency)?;
        if self.lines.is_empty() {
            return Err(format!("order {number} has no lines"));
        }
        if self.delivery_cost_minor < 0 {
            return Err(format!("order {number} has a negative delivery cost"));
        }
        for (i, line) in self.lines.iter().enumerate() {
            let n = i + 1;
            if line.sku.trim().is_empty() {
                return Err(format!("line {n} of order {number} has no SKU"));
            }
            if line.quantity < 1 {
                return Err(format!(
                    "line {n} of order {number} ({}) has quantity {}; it must be at least 1",
                    line.sku, line.quantity
                ));
            }
            if line.unit_price_minor < 0 || line.discount_minor < 0 {
                return Err(format!(
                    "line {n} of order {number} ({}) has a negative price or discount",
                    line.sku
                ));
            }
            if !(0..=10_000).contains(&line.tax_rate_bp) {
                return Err(format!(
                    "line {n} of order {number} ({}) has a tax rate outside 0-100%",
                    line.sku
                ));
            }
        }
        Ok(())
    }

    /// Goods total after line discounts, in minor units (tax included in price).
    pub fn goods_total_minor(&self) -> i64 {
        self.lines.iter().map(NewLine::amount_minor).sum()
    }

    pub fn total_minor(&self) -> i64 {
        self.goods_total_minor() + self.delivery_cost_minor
    }

    pub fn unit_count(&self) -> i64 {
        self.lines.iter().map(|l| l.quantity).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order() -> NewOrder {
        NewOrder {
            number: "1001".into(),
            channel: "web".into(),
            customer_name: "Иванова Мария".into(),
            email: "maria@example.ru".into(),
            phone: "+7 912 345-67-89".into(),
            shipping_address: "Казань, ул. Садовая, 3".into(),
            delivery_method: "СДЭК".into(),
            delivery_cost_minor: 30000,
            currency: "RUB".into(),
            payment_status: PaymentStatus::Paid,
            comment: String::new(),
            created_at: DateTime::from_timestamp(1_790_000_000, 0).unwrap(),
            status: OrderStatus::New,
            lines: vec![NewLine {
                sku: "PB-001".into(),
                name: "Кружка".into(),
                quantity: 2,
                unit_price_minor: 45000,
                discount_minor: 5000,
                tax_rate_bp: 2000,
            }],
        }
    }

    #[test]
    fn totals_come_from_lines_minus_discounts_plus_delivery() {
        let o = order();
        assert_eq!(o.goods_total_minor(), 85000);
        assert_eq!(o.total_minor(), 115000);
        assert_eq!(o.unit_count(), 2);
    }

    #[test]
    fn a_line_with_zero_quantity_is_refused_with_its_number() {
        let mut o = order();
        o.lines[0].quantity = 0;
        let err = o.validate().unwrap_err();
        assert!(err.contains("line 1") && err.contains("PB-001"), "{err}");
    }

    #[test]
    fn shop_payment_words_map_to_our_payment_statuses() {
        assert_eq!(
            PaymentStatus::from_shop("pending"),
            Ok(PaymentStatus::AwaitingPayment)
        );
        assert_eq!(PaymentStatus::from_shop("Paid"), Ok(PaymentStatus::Paid));
        assert_eq!(
            PaymentStatus::from_shop("partially_refunded"),
            Ok(PaymentStatus::PartiallyRefunded)
        );
        assert!(PaymentStatus::from_shop("maybe").is_err());
        assert!(
            PaymentStatus::parse("pending").is_err(),
            "stored values are our own names only"
        );
    }
}
