//! Customers as a manager enters them for a phone order, and the phone
//! number rule that finds the same customer however the number is written.

use serde::{Deserialize, Serialize};

/// A customer as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Customer {
    pub id: i64,
    pub name: String,
    pub phone: String,
    pub email: String,
    pub address: String,
}

/// A customer as the manager typed them; `id` names one found before.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CustomerInput {
    #[serde(default)]
    pub id: Option<i64>,
    pub name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub address: String,
}

impl CustomerInput {
    /// Trimmed and checked: a name, and a phone or e-mail that look like one.
    pub fn check(&self) -> Result<CustomerInput, String> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err("the customer's name is empty; type the name the parcel goes to".into());
        }
        let phone = self.phone.trim();
        check_phone(phone)?;
        let email = self.email.trim();
        check_email(email)?;
        for (what, text, max) in [("name", name, 200), ("address", self.address.trim(), 1000)] {
            if text.chars().count() > max || text.chars().any(|c| c.is_control() && c != '\n') {
                return Err(format!(
                    "the customer's {what} is longer than {max} characters or holds control characters"
                ));
            }
        }
        Ok(CustomerInput {
            id: self.id,
            name: name.to_string(),
            phone: phone.to_string(),
            email: email.to_string(),
            address: self.address.trim().to_string(),
        })
    }
}

/// A phone number as typed, or an error saying what is wrong with it.
pub fn check_phone(phone: &str) -> Result<(), String> {
    if phone.is_empty() {
        return Ok(());
    }
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let allowed = |c: char| c.is_ascii_digit() || " +-()./".contains(c);
    if !(5..=15).contains(&digits) || !phone.chars().all(allowed) {
        return Err(format!(
            "{phone:?} is not a phone number; type 5 to 15 digits, with + ( ) - or spaces if you like"
        ));
    }
    Ok(())
}

/// An e-mail address as typed (empty is fine), or what is wrong with it.
pub fn check_email(email: &str) -> Result<(), String> {
    if email.is_empty() {
        return Ok(());
    }
    let ok = match email.split_once('@') {
        Some((user, host)) => {
            !user.is_empty()
                && host.contains('.')
                && !host.starts_with('.')
                && !host.ends_with('.')
                && !email.chars().any(char::is_whitespace)
        }
        None => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{email:?} is not an e-mail address; it looks like name@example.ru"
        ))
    }
}

/// The digits that identify a phone number: a Russian number written as
/// `+7 912 345-67-89`, `89123456789` or `9123456789` gives `9123456789`;
/// any other number its digits.
pub fn phone_key(phone: &str) -> String {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    match digits.len() {
        11 if digits.starts_with('7') || digits.starts_with('8') => digits[1..].to_string(),
        _ => digits,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_russian_number_is_the_same_however_it_is_written() {
        for p in [
            "+7 912 345-67-89",
            "89123456789",
            "9123456789",
            "8 (912) 345 67 89",
            "+79123456789",
        ] {
            assert_eq!(phone_key(p), "9123456789", "{p}");
        }
        assert_eq!(phone_key("+49 30 1234567"), "49301234567");
        assert_eq!(phone_key(""), "");
    }

    #[test]
    fn a_customer_needs_a_name_and_a_phone_or_mail_that_look_right() {
        let ok = CustomerInput {
            id: None,
            name: "  Петров Иван ".into(),
            phone: "+7 912 345-67-89".into(),
            email: "ivan@example.ru".into(),
            address: "Казань".into(),
        }
        .check()
        .unwrap();
        assert_eq!(ok.name, "Петров Иван");
        let bad = |name: &str, phone: &str, email: &str| {
            CustomerInput {
                id: None,
                name: name.into(),
                phone: phone.into(),
                email: email.into(),
                address: String::new(),
            }
            .check()
            .unwrap_err()
        };
        assert!(bad(" ", "", "").contains("name is empty"));
        assert!(bad("И", "12", "").contains("not a phone number"));
        assert!(bad("И", "звоните", "").contains("not a phone number"));
        assert!(bad("И", "", "ivan@").contains("not an e-mail"));
        assert!(bad("И", "", "ivan example.ru").contains("not an e-mail"));
    }
}
