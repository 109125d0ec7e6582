//! What every order format shares: rows grouped into orders, order fields
//! taken from whichever row carries them, amounts and times read the same
//! way, and the rule that an order is taken whole or not at all.

use super::table::{Col, Row, Table};
use super::{ParsedOrder, ParsedOrders, RowError};
use crate::domain::money::{exponent_of, parse_minor};
use crate::domain::{Currency, NewLine, NewOrder};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use std::collections::HashMap;

/// Why an order was not taken, and the row that showed it.
#[derive(Debug)]
pub(super) struct Failure {
    pub(super) row: usize,
    pub(super) message: String,
}

impl Failure {
    pub(super) fn at(row: usize, message: impl Into<String>) -> Self {
        Self {
            row,
            message: message.into(),
        }
    }
}

/// The rows of one order, in file order.
pub(super) struct Group<'t> {
    pub(super) number: String,
    pub(super) rows: Vec<&'t Row>,
}

impl<'t> Group<'t> {
    pub(super) fn first_row(&self) -> usize {
        self.rows.first().map_or(0, |r| r.number)
    }

    /// The first non-empty value of an order field. Exports put order fields
    /// on the order's first row only, or repeat them on every row; a later
    /// row that disagrees is ignored, so both shapes read the same.
    pub(super) fn field(&self, col: Col) -> Field<'t> {
        self.rows
            .iter()
            .map(|r| Field {
                row: r.number,
                text: r.get(col),
            })
            .find(|f| !f.text.is_empty())
            .unwrap_or(Field {
                row: self.first_row(),
                text: "",
            })
    }

    /// The first non-empty value among several columns, in the order given:
    /// for fallbacks such as Shipping Phone, then Phone, then Billing Phone.
    pub(super) fn field_of(&self, cols: &[Col]) -> Field<'t> {
        cols.iter()
            .map(|&c| self.field(c))
            .find(|f| !f.text.is_empty())
            .unwrap_or(Field {
                row: self.first_row(),
                text: "",
            })
    }

    /// The currency code and its number of decimals, which every amount of
    /// the order needs before it can be read.
    pub(super) fn currency(&self, col: Col, label: &str) -> Result<(String, u32), Failure> {
        let f = self.field(col);
        if f.text.is_empty() {
            return Err(f.fail(format!(
                "the order has no currency; fill in {label} (for example RUB or EUR)"
            )));
        }
        let currency = Currency::parse(f.text).map_err(|e| f.fail(format!("{label}: {e}")))?;
        let exponent = exponent_of(currency.code());
        Ok((currency.code().to_string(), exponent))
    }
}

/// One cell's text and the row it came from, so an error can point at it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Field<'t> {
    pub(super) row: usize,
    pub(super) text: &'t str,
}

impl<'t> Field<'t> {
    pub(super) fn of(row: &'t Row, col: Col) -> Self {
        Self {
            row: row.number,
            text: row.get(col),
        }
    }

    pub(super) fn fail(self, message: impl Into<String>) -> Failure {
        Failure::at(self.row, message)
    }

    pub(super) fn owned(self) -> String {
        self.text.to_string()
    }

    /// An amount that may be left empty (read as zero) but not negative.
    pub(super) fn amount(self, exponent: u32, label: &str) -> Result<i64, Failure> {
        if self.text.is_empty() {
            return Ok(0);
        }
        let minor =
            parse_minor(self.text, exponent).map_err(|e| self.fail(format!("{label}: {e}")))?;
        if minor < 0 {
            return Err(self.fail(format!(
                "{label} is negative ({}); write the amount without a minus sign",
                self.text
            )));
        }
        Ok(minor)
    }

    /// An amount that must be there.
    pub(super) fn required_amount(self, exponent: u32, label: &str) -> Result<i64, Failure> {
        if self.text.is_empty() {
            return Err(self.fail(format!("{label} is empty; fill in the amount")));
        }
        self.amount(exponent, label)
    }

    /// A quantity: a whole number of at least one.
    pub(super) fn quantity(self, label: &str) -> Result<i64, Failure> {
        if self.text.is_empty() {
            return Err(self.fail(format!("{label} is empty; fill in how many units")));
        }
        let q: i64 = self.text.parse().map_err(|_| {
            self.fail(format!(
                "{label} {:?} is not a whole number; write the quantity in digits, like 2",
                self.text
            ))
        })?;
        if q < 1 {
            return Err(self.fail(format!(
                "{label} is {q}; a line must have at least 1 unit (remove the row if nothing is ordered)"
            )));
        }
        Ok(q)
    }

    /// A tax rate in percent ("20", "20%", "5.5 %") as basis points.
    pub(super) fn percent_bp(self, label: &str) -> Result<i64, Failure> {
        let text = self.text.trim_end_matches('%').trim();
        if text.is_empty() {
            return Ok(0);
        }
        match parse_minor(text, 2) {
            Ok(bp) if (0..=10_000).contains(&bp) => Ok(bp),
            _ => Err(self.fail(format!(
                "{label} {:?} is not a percentage between 0 and 100; write it like 20 or 20%",
                self.text
            ))),
        }
    }

    /// A moment in time, or `now` when the cell is empty.
    pub(super) fn time(self, now: DateTime<Utc>, label: &str) -> Result<DateTime<Utc>, Failure> {
        if self.text.is_empty() {
            return Ok(now);
        }
        parse_time(self.text).ok_or_else(|| {
            self.fail(format!(
                "{label} {:?} is not a date and time; write it like 2026-10-01 09:00:00 +0200 \
                 or 2026-10-01T09:00:00Z",
                self.text
            ))
        })
    }
}

/// Shop exports write times in several ways; a time without a zone is taken
/// as UTC, since nothing in the file says otherwise.
pub(super) fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    for format in [
        "%Y-%m-%d %H:%M:%S %z",
        "%Y-%m-%d %H:%M %z",
        "%Y-%m-%dT%H:%M:%S%z",
    ] {
        if let Ok(t) = DateTime::parse_from_str(text, format) {
            return Some(t.with_timezone(&Utc));
        }
    }
    for format in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(text, format) {
            return Some(t.and_utc());
        }
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

/// Non-empty parts joined with ", ", for addresses spread over columns.
pub(super) fn join_parts<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    parts
        .into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Rows grouped by order number, in the order numbers first appear. Rows of
/// one order need not be adjacent. A row without a number cannot belong to
/// any order and is reported on its own.
pub(super) fn group_rows<'t>(
    table: &'t Table,
    number_of: impl Fn(&Row) -> String,
    number_label: &str,
) -> (Vec<Group<'t>>, Vec<RowError>) {
    let mut groups: Vec<Group<'t>> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut errors = Vec::new();
    for row in &table.rows {
        let number = number_of(row);
        if number.is_empty() {
            errors.push(RowError {
                row: row.number,
                order: None,
                message: format!(
                    "this row has no order number; fill in {number_label} so the row joins its order"
                ),
            });
            continue;
        }
        match index.get(&number) {
            Some(&i) => groups[i].rows.push(row),
            None => {
                index.insert(number.clone(), groups.len());
                groups.push(Group {
                    number,
                    rows: vec![row],
                });
            }
        }
    }
    (groups, errors)
}

/// Turns each group into an order with `build`, keeping the order only when
/// it is whole and passes [`NewOrder::validate`]; otherwise one error for it.
pub(super) fn collect_orders<'t>(
    groups: Vec<Group<'t>>,
    mut errors: Vec<RowError>,
    build: impl Fn(&Group<'t>) -> Result<NewOrder, Failure>,
) -> ParsedOrders {
    let mut orders = Vec::with_capacity(groups.len());
    for group in &groups {
        let first_row = group.first_row();
        let checked = build(group).and_then(|order| {
            check_totals(&order)
                .and_then(|()| order.validate())
                .map(|()| order)
                .map_err(|message| Failure::at(first_row, message))
        });
        match checked {
            Ok(order) => orders.push(ParsedOrder { first_row, order }),
            Err(f) => errors.push(RowError {
                row: f.row,
                order: Some(group.number.clone()),
                message: f.message,
            }),
        }
    }
    errors.sort_by_key(|e| e.row);
    ParsedOrders { orders, errors }
}

/// Totals and unit counts are computed downstream with plain arithmetic;
/// an order whose totals would not fit is refused here rather than
/// overflowing there.
pub(super) fn check_totals(order: &NewOrder) -> Result<(), String> {
    let mut total = Some(order.delivery_cost_minor);
    for line in &order.lines {
        total = total.and_then(|t| {
            line.unit_price_minor
                .checked_mul(line.quantity)
                .and_then(|v| v.checked_sub(line.discount_minor))
                .and_then(|v| t.checked_add(v))
        });
    }
    if total.is_none() {
        return Err(format!(
            "the amounts of order {} are too large to add up; check the prices and quantities",
            order.number
        ));
    }
    // The units are added up too (the order's unit count), free lines
    // included.
    let units = order
        .lines
        .iter()
        .try_fold(0i64, |units, line| units.checked_add(line.quantity));
    match units {
        Some(_) => Ok(()),
        None => Err(format!(
            "the quantities of order {} are too large to add up; check the quantity column",
            order.number
        )),
    }
}

/// A line from its unit price, quantity and line discount, refusing a
/// discount larger than what the line costs.
pub(super) fn line(
    at: usize,
    sku: &str,
    name: &str,
    quantity: i64,
    unit_price_minor: i64,
    discount_minor: i64,
    tax_rate_bp: i64,
) -> Result<NewLine, Failure> {
    if sku.is_empty() {
        return Err(Failure::at(
            at,
            "the line has no SKU; fill it in so the packer can scan the item",
        ));
    }
    let gross = unit_price_minor.checked_mul(quantity).ok_or_else(|| {
        Failure::at(
            at,
            format!("the line total of {sku} is too large; check the price and quantity"),
        )
    })?;
    if discount_minor > gross {
        return Err(Failure::at(
            at,
            format!(
                "the discount on {sku} is larger than the line costs; check the discount column"
            ),
        ));
    }
    Ok(NewLine {
        sku: sku.to_string(),
        name: if name.is_empty() { sku } else { name }.to_string(),
        quantity,
        unit_price_minor,
        discount_minor,
        tax_rate_bp,
    })
}

/// A unit price and discount for a line whose export gives only the total
/// after discount. When the total divides by the quantity there is no
/// discount; otherwise the unit price is rounded up and the difference
/// becomes the discount, so `unit * quantity - discount` is the total
/// exactly and not a kopeck is lost.
pub(super) fn split_line_total(total: i64, quantity: i64) -> Option<(i64, i64)> {
    if quantity < 1 || total < 0 {
        return None;
    }
    let unit = total.checked_add(quantity - 1)? / quantity;
    let discount = unit.checked_mul(quantity)? - total;
    Some((unit, discount))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_total_that_does_not_divide_becomes_a_rounded_up_price_and_a_discount() {
        assert_eq!(split_line_total(100_000, 3), Some((33_334, 2)));
        let (unit, discount) = split_line_total(100_000, 3).unwrap();
        assert_eq!(
            unit * 3 - discount,
            100_000,
            "the line must add up to the exported total exactly"
        );
        assert_eq!(split_line_total(3_000, 2), Some((1_500, 0)));
        assert_eq!(split_line_total(0, 4), Some((0, 0)));
        assert_eq!(
            split_line_total(-1, 1),
            None,
            "a negative total is not a sale"
        );
    }

    #[test]
    fn times_with_and_without_zones_are_read_as_utc() {
        let t = parse_time("2026-10-01 09:00:00 +0200").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-10-01T07:00:00+00:00");
        let t = parse_time("2026-10-01 09:00:00").unwrap();
        assert_eq!(
            t.to_rfc3339(),
            "2026-10-01T09:00:00+00:00",
            "no zone in the file means UTC"
        );
        assert!(parse_time("2026-10-01T09:00:00Z").is_some());
        assert!(parse_time("2026-10-01").is_some());
        assert!(parse_time("yesterday").is_none());
    }

    #[test]
    fn address_parts_skip_the_empty_ones() {
        assert_eq!(
            join_parts(["ул. Садовая, 3", "", " Казань ", "420000"]),
            "ул. Садовая, 3, Казань, 420000"
        );
    }

    #[test]
    fn tax_rates_in_percent_become_basis_points() {
        let f = |text| Field { row: 1, text }.percent_bp("tax_rate");
        assert_eq!(f("20").unwrap(), 2000);
        assert_eq!(f("20%").unwrap(), 2000);
        assert_eq!(f("5.5 %").unwrap(), 550);
        assert_eq!(f("").unwrap(), 0);
        assert!(f("120").is_err(), "a tax rate above 100% is a typo");
        assert!(f("twenty").is_err());
    }
}
