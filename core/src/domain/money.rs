//! Money is integer minor units plus an ISO 4217 currency code.

use serde::{Deserialize, Serialize};

/// An ISO 4217 currency code, upper-case, three letters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(transparent)]
pub struct Currency(String);

impl Currency {
    pub fn parse(code: &str) -> Result<Self, String> {
        let code = code.trim().to_ascii_uppercase();
        if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) {
            Ok(Self(code))
        } else {
            Err(format!(
                "currency {code:?} is not a three-letter ISO 4217 code such as RUB or EUR"
            ))
        }
    }

    pub fn code(&self) -> &str {
        &self.0
    }

    /// Digits after the decimal point for this currency.
    pub fn exponent(&self) -> u32 {
        exponent_of(&self.0)
    }
}

impl std::fmt::Display for Currency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Digits after the decimal point for a currency code (ISO 4217 minor unit).
pub fn exponent_of(code: &str) -> u32 {
    match code {
        "JPY" | "KRW" | "VND" | "CLP" | "ISK" | "UGX" | "XAF" | "XOF" | "PYG" => 0,
        "BHD" | "KWD" | "OMR" | "TND" | "JOD" | "IQD" | "LYD" => 3,
        _ => 2,
    }
}

/// Parse a decimal amount as written in shop exports ("15.00", "1 990,50",
/// "-3.5") into minor units. More fractional digits than the currency has are
/// refused rather than silently rounded.
pub fn parse_minor(text: &str, exponent: u32) -> Result<i64, String> {
    let cleaned: String = text
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\u{202f}')
        .collect();
    if cleaned.is_empty() {
        return Err("the amount is empty".into());
    }
    let (negative, digits) = match cleaned.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, cleaned.as_str()),
    };
    let digits = digits.replace(',', ".");
    let mut parts = digits.splitn(2, '.');
    let whole = parts.next().unwrap_or("");
    let frac = parts.next().unwrap_or("");
    let bad = || format!("{text:?} is not an amount; write it like 1990.50");
    if whole.is_empty() && frac.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    let frac_trimmed = frac.trim_end_matches('0');
    if frac_trimmed.len() as u32 > exponent {
        return Err(format!(
            "{text:?} has more decimal places than the currency allows ({exponent})"
        ));
    }
    let scale = 10i64.pow(exponent);
    let whole_value: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| bad())?
    };
    let mut frac_value: i64 = 0;
    for (i, b) in frac_trimmed.bytes().enumerate() {
        frac_value += i64::from(b - b'0') * 10i64.pow(exponent - 1 - i as u32);
    }
    let value = whole_value
        .checked_mul(scale)
        .and_then(|v| v.checked_add(frac_value))
        .ok_or_else(|| format!("{text:?} is too large an amount"))?;
    Ok(if negative { -value } else { value })
}

/// Format minor units as a plain decimal ("1990.50"), for CSV and the CLI.
pub fn format_minor(minor: i64, exponent: u32) -> String {
    if exponent == 0 {
        return minor.to_string();
    }
    let scale = 10i64.pow(exponent);
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!(
        "{sign}{}.{:0width$}",
        abs / scale as u64,
        abs % scale as u64,
        width = exponent as usize
    )
}

/// What an order line costs: quantity times the unit price, less the
/// line's discount (a discount is on the whole line, not per unit). Prices
/// include VAT, as Russian shops sell to consumers. The one place this is
/// computed: the order screen, the list, documents and exports all use it
/// (the store keeps it per line as `amount_minor`).
pub fn line_amount_minor(quantity: i64, unit_price_minor: i64, discount_minor: i64) -> i64 {
    quantity * unit_price_minor - discount_minor
}

/// `a / b` rounded half away from zero (b > 0).
fn div_round(a: i128, b: i128) -> i128 {
    let q = a / b;
    let r = a % b;
    if 2 * r.abs() >= b {
        q + a.signum()
    } else {
        q
    }
}

/// The VAT inside a price that includes it: amount x rate / (1 + rate),
/// rounded half away from zero to the minor unit.
pub fn vat_included(amount_minor: i64, rate_bp: i64) -> i64 {
    if rate_bp <= 0 {
        return 0;
    }
    div_round(
        i128::from(amount_minor) * i128::from(rate_bp),
        10_000 + i128::from(rate_bp),
    ) as i64
}

/// The rate most of the goods are taxed at (by amount; the higher rate on a
/// tie), given each line's (rate, amount): delivery is taxed like the goods
/// it carries.
pub fn main_tax_rate_bp(lines: impl IntoIterator<Item = (i64, i64)>) -> i64 {
    let mut by_rate: std::collections::BTreeMap<i64, i64> = Default::default();
    for (rate, amount) in lines {
        *by_rate.entry(rate).or_default() += amount;
    }
    by_rate
        .into_iter()
        .max_by_key(|&(rate, amount)| (amount, rate))
        .map(|(rate, _)| rate)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_from_shop_exports_become_minor_units() {
        assert_eq!(parse_minor("15.00", 2), Ok(1500));
        assert_eq!(parse_minor("4.9", 2), Ok(490));
        assert_eq!(parse_minor("1 990,50", 2), Ok(199050));
        assert_eq!(parse_minor("-3.5", 2), Ok(-350));
        assert_eq!(parse_minor("700", 0), Ok(700));
        assert_eq!(parse_minor(".5", 2), Ok(50));
    }

    #[test]
    fn amounts_that_would_lose_precision_or_are_not_numbers_are_refused() {
        assert!(
            parse_minor("1.005", 2).is_err(),
            "a third decimal would be rounded away"
        );
        assert!(parse_minor("abc", 2).is_err());
        assert!(parse_minor("", 2).is_err());
        assert!(parse_minor("1.2.3", 2).is_err());
        assert!(parse_minor("99999999999999999999", 2).is_err());
    }

    #[test]
    fn minor_units_format_back_to_decimals() {
        assert_eq!(format_minor(199050, 2), "1990.50");
        assert_eq!(format_minor(-5, 2), "-0.05");
        assert_eq!(format_minor(700, 0), "700");
    }

    #[test]
    fn a_line_costs_its_units_less_its_whole_line_discount() {
        assert_eq!(line_amount_minor(3, 45000, 5000), 130000);
        assert_eq!(line_amount_minor(1, 990, 0), 990);
    }

    #[test]
    fn vat_inside_a_price_is_rounded_half_away_from_zero() {
        assert_eq!(
            vat_included(12000, 2000),
            2000,
            "20% inside 120.00 is 20.00"
        );
        assert_eq!(vat_included(100, 1000), 9, "10% inside 1.00 is 0.0909");
        assert_eq!(
            vat_included(-12000, 2000),
            -2000,
            "a refund carries its VAT back"
        );
        assert_eq!(vat_included(5000, 0), 0);
    }

    #[test]
    fn the_main_rate_is_the_one_most_of_the_money_is_taxed_at() {
        assert_eq!(main_tax_rate_bp([(2000, 100), (1000, 300)]), 1000);
        assert_eq!(
            main_tax_rate_bp([(2000, 300), (1000, 300)]),
            2000,
            "the higher on a tie"
        );
        assert_eq!(main_tax_rate_bp([]), 0);
    }

    #[test]
    fn currency_codes_are_validated() {
        assert_eq!(Currency::parse(" rub ").unwrap().code(), "RUB");
        assert!(Currency::parse("рубль").is_err());
        assert_eq!(Currency::parse("JPY").unwrap().exponent(), 0);
    }
}
