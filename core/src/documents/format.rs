//! Numbers, money, weights and dates as each language writes them.

use super::layout::font_has;
use super::Lang;
use crate::domain::money::exponent_of;
use chrono::{Datelike, NaiveDate};

/// An amount in minor units as a grouped decimal: "12 345,50" in Russian,
/// "12,345.50" in English; the digits after the point follow the currency.
pub fn amount(minor: i64, currency: &str, lang: Lang) -> String {
    let exponent = exponent_of(currency);
    let (group, point) = match lang {
        Lang::Ru => (' ', ','),
        Lang::En => (',', '.'),
    };
    let scale = 10u64.pow(exponent);
    let abs = minor.unsigned_abs();
    let whole = (abs / scale).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(group);
        }
        grouped.push(c);
    }
    let sign = if minor < 0 { "-" } else { "" };
    if exponent == 0 {
        format!("{sign}{grouped}")
    } else {
        format!(
            "{sign}{grouped}{point}{:0width$}",
            abs % scale,
            width = exponent as usize
        )
    }
}

/// The sign people know the currency by, or its code.
pub(crate) fn currency_symbol(currency: &str) -> &str {
    let symbol = match currency {
        "RUB" => "₽",
        "EUR" => "€",
        "USD" => "$",
        "GBP" => "£",
        _ => return currency,
    };
    if symbol.chars().all(font_has) {
        symbol
    } else {
        currency
    }
}

/// An amount with its currency: "1 990,50 ₽", "€1,990.50".
pub fn money(minor: i64, currency: &str, lang: Lang) -> String {
    let number = amount(minor, currency, lang);
    let symbol = currency_symbol(currency);
    match (lang, symbol) {
        (Lang::En, "€" | "$" | "£") => {
            if let Some(rest) = number.strip_prefix('-') {
                format!("-{symbol}{rest}")
            } else {
                format!("{symbol}{number}")
            }
        }
        _ => format!("{number} {symbol}"),
    }
}

/// Grams as kilograms with two decimals, rounded half up: "1,25 кг".
pub fn weight_kg(grams: i64, lang: Lang) -> String {
    let centi = (grams.max(0) + 5) / 10;
    match lang {
        Lang::Ru => format!("{},{:02} кг", centi / 100, centi % 100),
        Lang::En => format!("{}.{:02} kg", centi / 100, centi % 100),
    }
}

/// A date as it is written on forms: "20.11.2026", "20 Nov 2026".
pub fn date(day: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Ru => day.format("%d.%m.%Y").to_string(),
        Lang::En => {
            const MONTHS: [&str; 12] = [
                "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
            ];
            format!(
                "{} {} {}",
                day.day(),
                MONTHS[day.month0() as usize],
                day.year()
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_grouped_as_each_language_writes_them() {
        assert_eq!(amount(1_234_550, "RUB", Lang::Ru), "12 345,50");
        assert_eq!(amount(1_234_550, "RUB", Lang::En), "12,345.50");
        assert_eq!(amount(99, "RUB", Lang::Ru), "0,99");
        assert_eq!(amount(-5, "EUR", Lang::En), "-0.05");
        assert_eq!(amount(1_000_000, "JPY", Lang::En), "1,000,000");
        assert_eq!(money(199_050, "RUB", Lang::Ru), "1 990,50 ₽");
        assert_eq!(money(199_050, "EUR", Lang::En), "€1,990.50");
        assert_eq!(money(100, "CHF", Lang::Ru), "1,00 CHF");
    }

    #[test]
    fn weights_and_dates_read_naturally() {
        assert_eq!(weight_kg(1_254, Lang::Ru), "1,25 кг");
        assert_eq!(weight_kg(1_255, Lang::En), "1.26 kg");
        assert_eq!(weight_kg(0, Lang::En), "0.00 kg");
        let d = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        assert_eq!(date(d, Lang::Ru), "20.11.2026");
        assert_eq!(date(d, Lang::En), "20 Nov 2026");
    }
}
