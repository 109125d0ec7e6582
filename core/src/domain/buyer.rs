//! A business buyer's details on an order: the legal name, ИНН, КПП and
//! legal address that ТОРГ-12 and УПД print for the buyer (the payer). A
//! private buyer leaves them empty and gets a товарный чек.

use super::tax_id::{check_inn, check_kpp, check_kpp_fits_inn};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct BusinessBuyer {
    /// The legal name: «ООО «Ромашка»», «ИП Петров Пётр Петрович».
    pub name: String,
    /// ИНН: 10 digits for a company, 12 for a sole trader.
    pub inn: String,
    /// КПП: companies only.
    pub kpp: String,
    /// The legal address (the parcel still goes to the order's address).
    pub address: String,
}

impl BusinessBuyer {
    /// Nothing is filled in: a private buyer.
    pub fn is_empty(&self) -> bool {
        self.name.is_empty()
            && self.inn.is_empty()
            && self.kpp.is_empty()
            && self.address.is_empty()
    }

    /// The details with each given field replaced (trimmed; "" clears it),
    /// checked as a whole.
    pub fn edited(
        &self,
        name: Option<&str>,
        inn: Option<&str>,
        kpp: Option<&str>,
        address: Option<&str>,
    ) -> Result<BusinessBuyer, String> {
        let pick = |given: Option<&str>, old: &str| given.map_or(old, str::trim).to_string();
        let out = BusinessBuyer {
            name: pick(name, &self.name),
            inn: pick(inn, &self.inn),
            kpp: pick(kpp, &self.kpp).to_uppercase(),
            address: pick(address, &self.address),
        };
        out.check()?;
        Ok(out)
    }

    /// Every rule: a valid ИНН with its check digits, a КПП only with a
    /// company's ИНН, a name and address of sensible length on one line.
    pub fn check(&self) -> Result<(), String> {
        for (what, text, max) in [
            ("buyer's legal name", &self.name, 300),
            ("buyer's legal address", &self.address, 500),
        ] {
            if text.chars().count() > max {
                return Err(format!("the {what} is longer than {max} characters"));
            }
            if text.chars().any(char::is_control) {
                return Err(format!("the {what} is written on one line"));
            }
        }
        check_inn(&self.inn).map_err(|e| format!("buyer: {e}"))?;
        check_kpp(&self.kpp).map_err(|e| format!("buyer: {e}"))?;
        check_kpp_fits_inn(&self.inn, &self.kpp).map_err(|e| format!("buyer: {e}"))?;
        // A legal name without an INN is allowed (the INN may come later);
        // the documents that need it say so when printed.
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edit_replaces_what_is_given_and_checks_the_whole() {
        let none = BusinessBuyer::default();
        assert!(none.is_empty());
        let b = none
            .edited(
                Some(" ООО «Ромашка» "),
                Some("7707083893"),
                Some("773601001"),
                None,
            )
            .unwrap();
        assert_eq!(b.name, "ООО «Ромашка»");
        assert_eq!(
            (b.inn.as_str(), b.kpp.as_str()),
            ("7707083893", "773601001")
        );
        let moved = b
            .edited(None, None, None, Some("г. Москва, ул. Вавилова, д. 19"))
            .unwrap();
        assert_eq!(moved.inn, "7707083893", "fields not given stay");
        assert_eq!(moved.address, "г. Москва, ул. Вавилова, д. 19");
        let e = b.edited(None, Some("7707083894"), None, None).unwrap_err();
        assert!(e.starts_with("buyer: ") && e.contains("check digit"), "{e}");
        let e = b
            .edited(None, Some("500100732259"), None, None)
            .unwrap_err();
        assert!(e.contains("no KPP"), "a sole trader with the old KPP: {e}");
        let sole = b
            .edited(
                Some("ИП Петров П. П."),
                Some("500100732259"),
                Some(""),
                None,
            )
            .unwrap();
        assert!(sole.kpp.is_empty());
        let cleared = sole.edited(Some(""), Some(""), Some(""), Some("")).unwrap();
        assert!(cleared.is_empty(), "all cleared: a private buyer again");
        assert!(none.edited(Some("А\nБ"), None, None, None).is_err());
    }
}
