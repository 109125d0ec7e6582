//! Products, their barcodes and stock per bin.

use serde::{Deserialize, Serialize};

/// One barcode of a product. A case barcode counts as several units per scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProductBarcode {
    pub code: String,
    pub units: i64,
}

/// Stock of a product in one bin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StockEntry {
    pub bin: String,
    pub on_hand: i64,
}

/// A product as it arrives from an import or the demo generator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NewProduct {
    pub sku: String,
    pub name: String,
    /// The product's category (grouping, reports); `None` leaves it as it is.
    pub category: Option<String>,
    pub weight_g: i64,
    pub default_bin: Option<String>,
    pub barcodes: Vec<ProductBarcode>,
    /// Stock to set (not add) per bin; empty leaves stock untouched.
    pub stock: Vec<StockEntry>,
}

impl NewProduct {
    /// Checks the rules a product must meet before it is stored.
    pub fn validate(&self) -> Result<(), String> {
        if self.sku.trim().is_empty() {
            return Err("the SKU is empty".into());
        }
        if self.sku.chars().any(char::is_control) || self.sku.len() > 64 {
            return Err(format!(
                "SKU {:?} is longer than 64 characters or holds control characters",
                self.sku
            ));
        }
        if self.name.trim().is_empty() {
            return Err(format!("product {} has no name", self.sku));
        }
        if self.weight_g < 0 {
            return Err(format!("product {} has a negative weight", self.sku));
        }
        for b in &self.barcodes {
            if b.units < 1 {
                return Err(format!(
                    "barcode {} of {} counts {} units; it must count at least 1",
                    b.code, self.sku, b.units
                ));
            }
            if b.code.trim().is_empty() {
                return Err(format!("product {} has an empty barcode", self.sku));
            }
        }
        for s in &self.stock {
            if s.on_hand < 0 {
                return Err(format!(
                    "stock of {} in bin {} is negative ({})",
                    self.sku, s.bin, s.on_hand
                ));
            }
        }
        Ok(())
    }
}

/// Natural order of bin names, so that A-2 comes before A-10.
pub fn bin_order(a: &str, b: &str) -> std::cmp::Ordering {
    fn chunks(s: &str) -> Vec<(bool, String)> {
        let mut out: Vec<(bool, String)> = Vec::new();
        for c in s.chars() {
            let digit = c.is_ascii_digit();
            match out.last_mut() {
                Some((d, text)) if *d == digit => text.push(c),
                _ => out.push((digit, c.to_string())),
            }
        }
        out
    }
    let (ca, cb) = (chunks(a), chunks(b));
    for (x, y) in ca.iter().zip(cb.iter()) {
        let ord = match (x.0, y.0) {
            (true, true) => {
                let (xs, ys) = (x.1.trim_start_matches('0'), y.1.trim_start_matches('0'));
                xs.len().cmp(&ys.len()).then_with(|| xs.cmp(ys))
            }
            _ => x.1.to_lowercase().cmp(&y.1.to_lowercase()),
        };
        if ord != std::cmp::Ordering::Equal {
            return ord;
        }
    }
    ca.len().cmp(&cb.len()).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_sort_in_natural_order() {
        let mut bins = vec!["A-10", "B-1", "A-2", "a-3", "A-02-1"];
        bins.sort_by(|a, b| bin_order(a, b));
        assert_eq!(bins, vec!["A-2", "A-02-1", "a-3", "A-10", "B-1"]);
    }

    #[test]
    fn a_case_barcode_must_count_at_least_one_unit() {
        let p = NewProduct {
            sku: "PB-1".into(),
            name: "Mug".into(),
            category: None,
            weight_g: 300,
            default_bin: None,
            barcodes: vec![ProductBarcode {
                code: "4601234567893".into(),
                units: 0,
            }],
            stock: vec![],
        };
        assert!(p.validate().unwrap_err().contains("at least 1"));
    }
}
