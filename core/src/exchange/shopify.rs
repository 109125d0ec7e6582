//! Shopify's order export: one row per line item, order fields on the
//! order's first row only, rows of an order sharing its "Name" (`#1001`).

use super::orders::{collect_orders, group_rows, join_parts, line, Failure, Field, Group};
use super::table::{Col, Row, Table};
use super::ParsedOrders;
use crate::domain::money::parse_minor;
use crate::domain::{NewOrder, OrderStatus, PaymentStatus};
use chrono::{DateTime, Utc};

/// Columns without which no order can be read.
const REQUIRED: [&str; 5] = [
    "Name",
    "Currency",
    "Lineitem quantity",
    "Lineitem price",
    "Lineitem sku",
];

struct Address {
    address1: Col,
    address2: Col,
    street: Col,
    city: Col,
    zip: Col,
    province: Col,
    country: Col,
}

impl Address {
    fn find(table: &Table, prefix: &str) -> Self {
        let col = |name: &str| table.col(&format!("{prefix} {name}"));
        Self {
            address1: col("Address1"),
            address2: col("Address2"),
            street: col("Street"),
            city: col("City"),
            zip: col("Zip"),
            province: col("Province"),
            country: col("Country"),
        }
    }

    /// The address as one line for the label, or empty when the order has
    /// none of it (a pickup, or billing only).
    fn of(&self, group: &Group<'_>) -> String {
        let text = |c: Col| group.field(c).text;
        address_line(
            [text(self.address1), text(self.address2)],
            text(self.street),
            [
                text(self.city),
                text(self.zip),
                text(self.province),
                text(self.country),
            ],
        )
    }
}

/// A Shopify address as one line for the label: address 1 and 2, city,
/// ZIP, province, country (the export's columns and the webhooks' JSON
/// fields alike). "Street" is Address1 and Address2 together; it is used
/// only when the two are empty, or it would repeat them.
pub(super) fn address_line(
    [a1, a2]: [&str; 2],
    street: &str,
    [city, zip, province, country]: [&str; 4],
) -> String {
    let street = if a1.trim().is_empty() && a2.trim().is_empty() {
        street
    } else {
        ""
    };
    // Shopify writes ZIP codes as '02134 so spreadsheets keep the zero.
    let zip = zip.trim().trim_start_matches('\'');
    join_parts([a1, a2, street, city, zip, province, country])
}

struct Columns {
    name: Col,
    email: Col,
    financial_status: Col,
    currency: Col,
    shipping: Col,
    shipping_method: Col,
    created_at: Col,
    quantity: Col,
    item_name: Col,
    price: Col,
    sku: Col,
    discount: Col,
    shipping_name: Col,
    billing_name: Col,
    shipping_address: Address,
    billing_address: Address,
    shipping_phone: Col,
    phone: Col,
    billing_phone: Col,
    notes: Col,
    tax_name: Col,
}

impl Columns {
    fn find(t: &Table) -> Self {
        Self {
            name: t.col("Name"),
            email: t.col("Email"),
            financial_status: t.col("Financial Status"),
            currency: t.col("Currency"),
            shipping: t.col("Shipping"),
            shipping_method: t.col("Shipping Method"),
            created_at: t.col("Created at"),
            quantity: t.col("Lineitem quantity"),
            item_name: t.col("Lineitem name"),
            price: t.col("Lineitem price"),
            sku: t.col("Lineitem sku"),
            discount: t.col("Lineitem discount"),
            shipping_name: t.col("Shipping Name"),
            billing_name: t.col("Billing Name"),
            shipping_address: Address::find(t, "Shipping"),
            billing_address: Address::find(t, "Billing"),
            shipping_phone: t.col("Shipping Phone"),
            phone: t.col("Phone"),
            billing_phone: t.col("Billing Phone"),
            notes: t.col("Notes"),
            tax_name: t.col("Tax 1 Name"),
        }
    }
}

pub(super) fn parse(table: &Table, now: DateTime<Utc>) -> Result<ParsedOrders, String> {
    table.require(&REQUIRED, "Shopify")?;
    let c = Columns::find(table);
    // "#1001" is how Shopify shows the number; the number itself is 1001.
    let number = |r: &Row| {
        let name = r.get(c.name);
        name.strip_prefix('#').unwrap_or(name).trim().to_string()
    };
    let (groups, errors) = group_rows(table, number, "the Name column");
    Ok(collect_orders(groups, errors, |g| order(g, &c, now)))
}

fn order(g: &Group<'_>, c: &Columns, now: DateTime<Utc>) -> Result<NewOrder, Failure> {
    let (currency, exponent) = g.currency(c.currency, "Currency")?;
    let status = g.field(c.financial_status);
    let payment_status = PaymentStatus::from_shop(status.text)
        .map_err(|e| status.fail(format!("Financial Status: {e}")))?;
    let delivery_cost_minor = g.field(c.shipping).amount(exponent, "Shipping")?;
    let created_at = g.field(c.created_at).time(now, "Created at")?;
    let tax_rate_bp = percent_in(g.field(c.tax_name).text);

    let mut shipping_address = c.shipping_address.of(g);
    if shipping_address.is_empty() {
        shipping_address = c.billing_address.of(g);
    }

    let mut lines = Vec::with_capacity(g.rows.len());
    for row in &g.rows {
        let quantity = Field::of(row, c.quantity).quantity("Lineitem quantity")?;
        let unit_price = Field::of(row, c.price).required_amount(exponent, "Lineitem price")?;
        let discount = Field::of(row, c.discount).amount(exponent, "Lineitem discount")?;
        lines.push(line(
            row.number,
            row.get(c.sku),
            row.get(c.item_name),
            quantity,
            unit_price,
            discount,
            tax_rate_bp,
        )?);
    }

    Ok(NewOrder {
        number: g.number.clone(),
        channel: "shopify".into(),
        customer_name: g.field_of(&[c.shipping_name, c.billing_name]).owned(),
        email: g.field(c.email).owned(),
        phone: g
            .field_of(&[c.shipping_phone, c.phone, c.billing_phone])
            .owned(),
        shipping_address,
        delivery_method: g.field(c.shipping_method).owned(),
        delivery_cost_minor,
        currency,
        payment_status,
        comment: g.field(c.notes).owned(),
        created_at,
        status: OrderStatus::New,
        lines,
    })
}

/// The rate in a tax name such as "VAT 20%" or "НДС 20%", in basis points.
/// Shopify names the tax rather than giving its rate; a name without a
/// readable percentage means no rate we can trust, so zero.
pub(super) fn percent_in(name: &str) -> i64 {
    for (at, _) in name.match_indices('%') {
        let before = name[..at].trim_end();
        let start = before
            .char_indices()
            .rev()
            .take_while(|(_, ch)| ch.is_ascii_digit() || *ch == '.' || *ch == ',')
            .last()
            .map(|(i, _)| i);
        if let Some(start) = start {
            if let Ok(bp) = parse_minor(&before[start..], 2) {
                if (0..=10_000).contains(&bp) {
                    return bp;
                }
            }
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::super::{parse_orders, OrderFormat, ParsedOrders};
    use super::percent_in;
    use crate::domain::PaymentStatus;
    use chrono::{DateTime, Utc};

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap()
    }

    fn parse(text: &str) -> ParsedOrders {
        parse_orders(text.as_bytes(), OrderFormat::Shopify, now()).unwrap()
    }

    const HEADER: &str = "Name,Email,Financial Status,Currency,Shipping,Shipping Method,Created at,\
        Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Lineitem discount,\
        Shipping Name,Shipping Address1,Shipping City,Shipping Zip,Shipping Country,Notes,Tax 1 Name\n";

    #[test]
    fn the_fixture_export_reads_every_good_order_and_fails_only_the_malformed_one() {
        let bytes = include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/shopify_orders.csv"
        ));
        let parsed = parse_orders(bytes, OrderFormat::Shopify, now()).unwrap();
        let numbers: Vec<&str> = parsed
            .orders
            .iter()
            .map(|o| o.order.number.as_str())
            .collect();
        assert_eq!(
            numbers,
            vec!["1001", "1002", "1004", "1005"],
            "1003 has a bad quantity and must be dropped whole; the rest stay"
        );
        assert_eq!(
            parsed.errors.len(),
            1,
            "one error per failed order: {:?}",
            parsed.errors
        );
        let err = &parsed.errors[0];
        assert_eq!(err.order.as_deref(), Some("1003"));
        assert_eq!(
            err.row, 6,
            "row 6 is the sixth record after the header, although a note in row 1 \
             spans two lines and puts it on line 8 of the file"
        );
        assert!(err.message.contains("\"two\""), "{}", err.message);

        let first = &parsed.orders[0];
        assert_eq!(first.first_row, 1);
        let o = &first.order;
        assert_eq!(o.lines.len(), 3, "order 1001 has three line rows");
        assert_eq!(
            o.customer_name, "Иванова Мария",
            "Cyrillic must survive intact"
        );
        assert_eq!(
            o.shipping_address,
            "ул. Садовая, д. 3, кв. 12, Казань, 420000, Республика Татарстан, RU"
        );
        assert_eq!(
            o.comment,
            "Позвонить за час до доставки\nДомофон не работает"
        );
        assert_eq!(o.currency, "RUB");
        assert_eq!(o.payment_status, PaymentStatus::Paid);
        assert_eq!(o.delivery_cost_minor, 30_000, "300.00 RUB in kopecks");
        assert_eq!(o.lines[0].unit_price_minor, 45_000);
        assert_eq!(
            o.lines[0].tax_rate_bp, 2_000,
            "НДС 20% is 2000 basis points"
        );
        assert_eq!(o.created_at.to_rfc3339(), "2026-10-01T06:15:00+00:00");
        assert_eq!(o.channel, "shopify");

        let eur = &parsed.orders[1].order;
        assert_eq!(eur.currency, "EUR");
        assert_eq!(eur.lines.len(), 1);
        assert_eq!(
            eur.shipping_address,
            "Hauptstr. 1, Hinterhaus, Berlin, 10115, DE"
        );
        assert_eq!(eur.lines[0].tax_rate_bp, 1_900);

        let unknown = &parsed.orders[2].order;
        assert!(
            unknown.lines.iter().any(|l| l.sku == "NOPE-404"),
            "an unknown SKU is the store's concern, not the parser's"
        );
    }

    #[test]
    fn the_hash_is_stripped_from_the_order_number() {
        let p = parse(&format!(
            "{HEADER}#2001,a@b.c,paid,EUR,4.90,,,1,Mug,15.00,MUG-1,,,,,,,,\n"
        ));
        assert_eq!(p.orders[0].order.number, "2001");
    }

    #[test]
    fn lines_of_one_order_gather_even_when_not_adjacent() {
        let p = parse(&format!(
            "{HEADER}#1,,paid,EUR,,,,1,A,1.00,A-1,,,,,,,,\n\
             #2,,paid,EUR,,,,1,B,1.00,B-1,,,,,,,,\n\
             #1,,,,,,,2,C,1.00,C-1,,,,,,,,\n"
        ));
        assert_eq!(p.orders.len(), 2);
        assert_eq!(
            p.orders[0].order.number, "1",
            "orders keep the order of first appearance"
        );
        assert_eq!(p.orders[0].order.lines.len(), 2);
    }

    #[test]
    fn a_price_with_more_decimals_than_the_currency_fails_its_order() {
        let p = parse(&format!(
            "{HEADER}#1,,paid,EUR,,,,1,A,1.005,A-1,,,,,,,,\n#2,,paid,JPY,,,,1,B,700.5,B-1,,,,,,,,\n"
        ));
        assert!(
            p.orders.is_empty(),
            "neither price can be stored without rounding"
        );
        assert_eq!(p.errors.len(), 2);
        assert!(
            p.errors[0].message.contains("Lineitem price"),
            "{}",
            p.errors[0].message
        );
        assert!(
            p.errors[1].message.contains("decimal"),
            "{}",
            p.errors[1].message
        );
    }

    #[test]
    fn a_later_row_with_another_email_or_currency_does_not_change_the_order() {
        let p = parse(&format!(
            "{HEADER}#1,a@b.c,paid,EUR,,,,1,A,1.00,A-1,,,,,,,,\n#1,x@y.z,,USD,,,,1,B,2.00,B-1,,,,,,,,\n"
        ));
        let o = &p.orders[0].order;
        assert_eq!((o.email.as_str(), o.currency.as_str()), ("a@b.c", "EUR"));
        assert_eq!(o.lines[1].unit_price_minor, 200);
    }

    #[test]
    fn billing_name_and_address_stand_in_when_there_is_no_shipping_address() {
        let p = parse(
            "Name,Currency,Lineitem quantity,Lineitem price,Lineitem sku,Billing Name,Billing Address1,Billing City,Phone\n\
             #7,EUR,1,1.00,A-1,Jan Kowalski,ul. Długa 5,Gdańsk,+48 600 000 000\n",
        );
        let o = &p.orders[0].order;
        assert_eq!(o.customer_name, "Jan Kowalski");
        assert_eq!(o.shipping_address, "ul. Długa 5, Gdańsk");
        assert_eq!(o.phone, "+48 600 000 000");
        assert_eq!(o.created_at, now(), "no Created at means the import time");
        assert_eq!(
            o.lines[0].name, "A-1",
            "without a name the SKU names the line"
        );
    }

    #[test]
    fn a_missing_sku_fails_the_order_at_its_row() {
        let p = parse(&format!(
            "{HEADER}#1,,paid,EUR,,,,1,A,1.00,A-1,,,,,,,,\n#1,,,,,,,1,Gift card,10.00,,,,,,,,,\n"
        ));
        assert!(p.orders.is_empty());
        assert_eq!(p.errors[0].row, 2);
        assert!(
            p.errors[0].message.contains("SKU"),
            "{}",
            p.errors[0].message
        );
    }

    #[test]
    fn an_unknown_currency_fails_the_order_at_the_row_that_names_it() {
        let p = parse(&format!("{HEADER}#1,,paid,euro,,,,1,A,1.00,A-1,,,,,,,,\n"));
        assert_eq!(p.errors[0].row, 1);
        assert!(
            p.errors[0].message.contains("Currency"),
            "{}",
            p.errors[0].message
        );
    }

    #[test]
    fn a_missing_lineitem_column_refuses_the_whole_file() {
        let err = parse_orders(
            b"Name,Currency,Lineitem quantity,Lineitem price\n#1,EUR,1,1.00\n",
            OrderFormat::Shopify,
            now(),
        )
        .unwrap_err();
        assert!(
            err.contains("Lineitem sku") && err.contains("Shopify"),
            "the user must learn which column of which format is missing: {err}"
        );
    }

    #[test]
    fn tax_names_give_their_rate_or_nothing() {
        assert_eq!(percent_in("VAT 20%"), 2000);
        assert_eq!(percent_in("НДС 20%"), 2000);
        assert_eq!(percent_in("CA State Tax 7.25 %"), 725);
        assert_eq!(percent_in("VAT"), 0, "no percentage, no rate");
        assert_eq!(
            percent_in("Tax 120%"),
            0,
            "a rate above 100% is a typo, not a rate"
        );
        assert_eq!(percent_in("%"), 0);
    }
}
