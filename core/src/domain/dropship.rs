//! Dropshipping (issue 15 item 4): suppliers who ship some products
//! straight to the customer. The rules without I/O: what a supplier's
//! details must look like, the states a purchase order (and so its lines)
//! goes through, and what a supplier's tracking number may be.

use super::tax_id::check_inn;
use serde::{Deserialize, Serialize};

crate::named_enum! {
    /// Where a purchase order is; its lines are in the same state.
    pub enum DropshipState("purchase order state") {
        /// Sent (or to be sent) to the supplier; the lines wait for the
        /// supplier's parcel. Nothing of them is reserved, picked or packed
        /// at the warehouse.
        AwaitingSupplier = "awaiting_supplier",
        /// The supplier's tracking number is entered: the lines left as a
        /// part of the order.
        Shipped = "shipped",
        /// The order was cancelled before the supplier shipped.
        Cancelled = "cancelled",
    }
}

impl DropshipState {
    /// The supplier ships the line (its parcel awaited or sent): it is not
    /// packed at the warehouse. A line whose purchase order was cancelled
    /// is the warehouse's again.
    pub fn supplier_ships(self) -> bool {
        matches!(
            self,
            DropshipState::AwaitingSupplier | DropshipState::Shipped
        )
    }
}

/// A supplier as a manager enters it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SupplierInput {
    pub name: String,
    /// Where purchase orders are mailed; empty: the manager sends them
    /// some other way (each is flagged as not mailed).
    pub email: String,
    /// ИНН, optional.
    pub inn: String,
    pub phone: String,
}

impl SupplierInput {
    /// The input trimmed and checked: a name, an e-mail address that can be
    /// mailed to (or none), a valid INN (or none), a short phone.
    pub fn check(&self) -> Result<SupplierInput, String> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err("the supplier has no name; enter the name the store knows it by".into());
        }
        if name.chars().count() > 200 || name.chars().any(char::is_control) {
            return Err(format!(
                "the supplier's name {name:?} is longer than 200 characters or holds control characters"
            ));
        }
        let email = self.email.trim();
        if !email.is_empty() && email.parse::<lettre::Address>().is_err() {
            return Err(format!(
                "{email:?} is not an e-mail address; enter the supplier's order address, e.g. orders@supplier.ru, or leave it empty"
            ));
        }
        let inn = self.inn.trim();
        check_inn(inn)?;
        let phone = self.phone.trim();
        if phone.chars().count() > 40 || phone.chars().any(char::is_control) {
            return Err(format!(
                "the phone {phone:?} is longer than 40 characters or holds control characters"
            ));
        }
        Ok(SupplierInput {
            name: name.to_string(),
            email: email.to_string(),
            inn: inn.to_string(),
            phone: phone.to_string(),
        })
    }
}

/// The supplier's tracking number and carrier as typed: both given, at most
/// 100 characters, no control characters.
pub fn check_supplier_parcel(carrier: &str, tracking: &str) -> Result<(String, String), String> {
    let tracking = tracking.trim();
    if tracking.is_empty() {
        return Err(
            "the tracking number is empty; enter the one the supplier sent for this purchase order"
                .into(),
        );
    }
    let carrier = carrier.trim();
    if carrier.is_empty() {
        return Err(
            "the carrier is empty; enter the carrier the supplier shipped with (e.g. СДЭК)".into(),
        );
    }
    for (what, v) in [("tracking number", tracking), ("carrier", carrier)] {
        if v.chars().count() > 100 || v.chars().any(char::is_control) {
            return Err(format!(
                "the {what} {v:?} is longer than 100 characters or holds control characters"
            ));
        }
    }
    Ok((carrier.to_string(), tracking.to_string()))
}

/// A purchase order's number: the store's own running number, six digits
/// (Latin letters, so it types the same on any keyboard layout).
pub fn purchase_order_number(id: i64) -> String {
    format!("PO-{id:06}")
}

/// The purchase order a typed number names: "PO-000012", "po-12" or "12".
pub fn parse_purchase_order_number(text: &str) -> Result<i64, String> {
    let t = text.trim();
    let digits = t
        .strip_prefix("PO-")
        .or_else(|| t.strip_prefix("po-"))
        .or_else(|| t.strip_prefix("ЗП-"))
        .unwrap_or(t);
    match digits.parse::<i64>() {
        Ok(id) if id > 0 => Ok(id),
        _ => Err(format!(
            "{t:?} is not a purchase order number; they look like PO-000012"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_supplier_needs_a_name_and_a_mailable_address_or_none() {
        let ok = SupplierInput {
            name: "  ООО «Дропшип»  ".into(),
            email: " orders@dropship.example ".into(),
            inn: "7707083893".into(),
            phone: "+7 495 111-22-33".into(),
        }
        .check()
        .unwrap();
        assert_eq!(ok.name, "ООО «Дропшип»");
        assert_eq!(ok.email, "orders@dropship.example");
        let no_mail = SupplierInput {
            name: "Склад-партнёр".into(),
            ..Default::default()
        };
        assert_eq!(no_mail.check().unwrap().email, "");
        let e = SupplierInput::default().check().unwrap_err();
        assert!(e.contains("no name"), "{e}");
        let e = SupplierInput {
            name: "X".into(),
            email: "not an address".into(),
            ..Default::default()
        }
        .check()
        .unwrap_err();
        assert!(e.contains("not an e-mail address"), "{e}");
        let e = SupplierInput {
            name: "X".into(),
            inn: "7707083894".into(),
            ..Default::default()
        }
        .check()
        .unwrap_err();
        assert!(e.contains("check digit"), "{e}");
    }

    #[test]
    fn a_supplier_parcel_needs_a_tracking_number_and_a_carrier() {
        assert_eq!(
            check_supplier_parcel(" СДЭК ", " 1084563299 ").unwrap(),
            ("СДЭК".to_string(), "1084563299".to_string())
        );
        assert!(check_supplier_parcel("СДЭК", "  ")
            .unwrap_err()
            .contains("tracking number is empty"));
        assert!(check_supplier_parcel("", "1")
            .unwrap_err()
            .contains("carrier is empty"));
        assert!(check_supplier_parcel("СДЭК", "12\u{7}3")
            .unwrap_err()
            .contains("control"));
    }

    #[test]
    fn purchase_orders_are_numbered_with_six_digits() {
        assert_eq!(purchase_order_number(12), "PO-000012");
        assert_eq!(parse_purchase_order_number(" po-12 "), Ok(12));
        assert_eq!(parse_purchase_order_number("PO-000012"), Ok(12));
        assert!(parse_purchase_order_number("PO-x").is_err());
        assert!(parse_purchase_order_number("0").is_err());
        assert_eq!(DropshipState::parse("shipped"), Ok(DropshipState::Shipped));
    }
}
