//! Packbench's own order file; the columns are described in the module
//! documentation of [`super`].

use super::orders::{collect_orders, group_rows, line, Failure, Field, Group};
use super::table::{Col, Row, Table};
use super::ParsedOrders;
use crate::domain::{NewOrder, OrderStatus, PaymentStatus};
use chrono::{DateTime, Utc};

const REQUIRED: [&str; 5] = ["number", "currency", "sku", "quantity", "unit_price"];

struct Columns {
    number: Col,
    channel: Col,
    created_at: Col,
    customer_name: Col,
    email: Col,
    phone: Col,
    shipping_address: Col,
    delivery_method: Col,
    delivery_cost: Col,
    currency: Col,
    payment_status: Col,
    comment: Col,
    sku: Col,
    item_name: Col,
    quantity: Col,
    unit_price: Col,
    discount: Col,
    tax_rate: Col,
}

impl Columns {
    fn find(t: &Table) -> Self {
        Self {
            number: t.col("number"),
            channel: t.col("channel"),
            created_at: t.col("created_at"),
            customer_name: t.col("customer_name"),
            email: t.col("email"),
            phone: t.col("phone"),
            shipping_address: t.col("shipping_address"),
            delivery_method: t.col("delivery_method"),
            delivery_cost: t.col("delivery_cost"),
            currency: t.col("currency"),
            payment_status: t.col("payment_status"),
            comment: t.col("comment"),
            sku: t.col("sku"),
            item_name: t.col("item_name"),
            quantity: t.col("quantity"),
            unit_price: t.col("unit_price"),
            discount: t.col("discount"),
            tax_rate: t.col("tax_rate"),
        }
    }
}

pub(super) fn parse(table: &Table, now: DateTime<Utc>) -> Result<ParsedOrders, String> {
    table.require(&REQUIRED, "Packbench")?;
    let c = Columns::find(table);
    let number = |r: &Row| r.get(c.number).to_string();
    let (groups, errors) = group_rows(table, number, "the number column");
    Ok(collect_orders(groups, errors, |g| order(g, &c, now)))
}

fn order(g: &Group<'_>, c: &Columns, now: DateTime<Utc>) -> Result<NewOrder, Failure> {
    let (currency, exponent) = g.currency(c.currency, "currency")?;
    let status = g.field(c.payment_status);
    let payment_status = PaymentStatus::from_shop(status.text)
        .map_err(|e| status.fail(format!("payment_status: {e}")))?;
    let delivery_cost_minor = g.field(c.delivery_cost).amount(exponent, "delivery_cost")?;
    let created_at = g.field(c.created_at).time(now, "created_at")?;

    let mut lines = Vec::with_capacity(g.rows.len());
    for row in &g.rows {
        let quantity = Field::of(row, c.quantity).quantity("quantity")?;
        let unit_price = Field::of(row, c.unit_price).required_amount(exponent, "unit_price")?;
        let discount = Field::of(row, c.discount).amount(exponent, "discount")?;
        let tax_rate_bp = Field::of(row, c.tax_rate).percent_bp("tax_rate")?;
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

    let channel = g.field(c.channel).text;
    Ok(NewOrder {
        number: g.number.clone(),
        channel: if channel.is_empty() {
            "import"
        } else {
            channel
        }
        .to_string(),
        customer_name: g.field(c.customer_name).owned(),
        email: g.field(c.email).owned(),
        phone: g.field(c.phone).owned(),
        shipping_address: g.field(c.shipping_address).owned(),
        delivery_method: g.field(c.delivery_method).owned(),
        delivery_cost_minor,
        currency,
        payment_status,
        comment: g.field(c.comment).owned(),
        created_at,
        status: OrderStatus::New,
        lines,
    })
}

#[cfg(test)]
mod tests {
    use super::super::{parse_orders, OrderFormat, ParsedOrders};
    use crate::domain::{OrderStatus, PaymentStatus};
    use chrono::{DateTime, Utc};

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap()
    }

    fn parse(bytes: &[u8]) -> ParsedOrders {
        parse_orders(bytes, OrderFormat::Packbench, now()).unwrap()
    }

    #[test]
    fn the_example_file_reads_whole_orders_in_minor_units() {
        let bytes = include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/packbench_orders.csv"
        ));
        let p = parse(bytes);
        assert!(
            p.errors.is_empty(),
            "the example must be a good file: {:?}",
            p.errors
        );
        let numbers: Vec<&str> = p.orders.iter().map(|o| o.order.number.as_str()).collect();
        assert_eq!(numbers, vec!["PB-1001", "PB-1002", "PB-1003"]);

        let o = &p.orders[0].order;
        assert_eq!(o.channel, "phone");
        assert_eq!(o.customer_name, "Иванова Мария");
        assert_eq!(o.shipping_address, "Казань, ул. Садовая, д. 3, кв. 12");
        assert_eq!(o.delivery_cost_minor, 30_000);
        assert_eq!(o.payment_status, PaymentStatus::Paid);
        assert_eq!(o.status, OrderStatus::New, "imports always start as new");
        assert_eq!(
            o.lines.len(),
            3,
            "order fields only on its first row still join all rows"
        );
        assert_eq!(
            (
                o.lines[0].quantity,
                o.lines[0].unit_price_minor,
                o.lines[0].discount_minor
            ),
            (2, 45_000, 5_000)
        );
        assert_eq!(o.lines[0].tax_rate_bp, 2_000);
        assert_eq!(o.lines[2].tax_rate_bp, 1_000, "\"10%\" is read like \"10\"");
        assert_eq!(o.created_at.to_rfc3339(), "2026-10-01T06:00:00+00:00");

        let second = &p.orders[1];
        assert_eq!(second.first_row, 4);
        assert_eq!(
            second.order.channel, "import",
            "an empty channel means a plain import"
        );
        assert_eq!(
            second.order.created_at,
            now(),
            "no created_at means the import time"
        );
        assert_eq!(p.orders[2].order.currency, "EUR");
    }

    #[test]
    fn crlf_a_bom_quoted_commas_and_newlines_and_any_column_order_read_alike() {
        let plain = "number,currency,sku,quantity,unit_price,shipping_address,comment\n\
                     7,RUB,PB-0001,1,10.00,\"Казань, Садовая, 3\",\"first line\nsecond line\"\n";
        let shuffled = "\u{feff}comment,unit_price,Quantity,SKU,shipping_address,Currency,Number\r\n\
                        \"first line\nsecond line\",10.00,1,PB-0001,\"Казань, Садовая, 3\",RUB,7\r\n";
        let (a, b) = (parse(plain.as_bytes()), parse(shuffled.as_bytes()));
        assert!(
            a.errors.is_empty() && b.errors.is_empty(),
            "{:?} {:?}",
            a.errors,
            b.errors
        );
        assert_eq!(
            a.orders, b.orders,
            "the file's dress must not change the order"
        );
        assert_eq!(a.orders[0].order.shipping_address, "Казань, Садовая, 3");
        assert_eq!(a.orders[0].order.comment, "first line\nsecond line");
    }

    #[test]
    fn a_bad_row_drops_its_whole_order_and_names_that_row() {
        let text = "number,currency,sku,quantity,unit_price,comment\n\
                    1,RUB,A-1,1,10.00,\"a note\nover two lines\"\n\
                    1,RUB,A-2,1,ten,\n\
                    2,RUB,A-3,1,10.00,\n";
        let p = parse(text.as_bytes());
        assert_eq!(p.orders.len(), 1, "order 1 is dropped whole, order 2 stays");
        assert_eq!(p.orders[0].order.number, "2");
        assert_eq!(p.orders[0].first_row, 3, "rows count records, not lines");
        let e = &p.errors[0];
        assert_eq!((e.row, e.order.as_deref()), (2, Some("1")));
        assert!(
            e.message.contains("unit_price") && e.message.contains("ten"),
            "{}",
            e.message
        );
    }

    #[test]
    fn an_order_that_fails_validation_is_reported_at_its_first_row() {
        let text = "number,currency,sku,quantity,unit_price,delivery_cost\n\
                    2,RUB,A-1,1,1.00,\n\
                    very-long-number-very-long-number-very-long-number-very-long-number,RUB,A-1,1,1.00,\n";
        let p = parse(text.as_bytes());
        assert_eq!(p.errors.len(), 1);
        assert_eq!(p.errors[0].row, 2);
        assert!(
            p.errors[0].message.contains("64"),
            "{}",
            p.errors[0].message
        );
    }

    #[test]
    fn a_discount_larger_than_the_line_is_refused() {
        let text = "number,currency,sku,quantity,unit_price,discount\n1,RUB,A-1,1,1.00,2.00\n";
        let p = parse(text.as_bytes());
        assert!(p.orders.is_empty());
        assert!(
            p.errors[0].message.contains("discount"),
            "{}",
            p.errors[0].message
        );
    }

    #[test]
    fn a_row_without_a_number_is_reported_on_its_own() {
        let text = "number,currency,sku,quantity,unit_price\n,RUB,A-1,1,1.00\n1,RUB,A-1,1,1.00\n";
        let p = parse(text.as_bytes());
        assert_eq!(p.orders.len(), 1);
        assert_eq!((p.errors[0].row, p.errors[0].order.clone()), (1, None));
    }

    #[test]
    fn zero_and_words_as_quantities_fail_at_their_row() {
        let text =
            "number,currency,sku,quantity,unit_price\n1,RUB,A-1,0,1.00\n2,RUB,A-1,2.5,1.00\n";
        let p = parse(text.as_bytes());
        assert!(p.orders.is_empty());
        let rows: Vec<usize> = p.errors.iter().map(|e| e.row).collect();
        assert_eq!(rows, vec![1, 2]);
    }

    #[test]
    fn amounts_that_would_overflow_are_refused_not_wrapped() {
        let text = "number,currency,sku,quantity,unit_price\n\
                    1,RUB,A-1,9000000000000000000,10.00\n\
                    2,RUB,A-1,1,90000000000000000.00\n2,RUB,A-2,1,90000000000000000.00\n\
                    3,RUB,A-1,9000000000000000000,0\n3,RUB,A-2,9000000000000000000,0\n";
        let p = parse(text.as_bytes());
        assert!(p.orders.is_empty(), "{:?}", p.orders);
        assert_eq!(p.errors.len(), 3);
        assert!(
            p.errors[2].message.contains("quantities"),
            "free lines whose units do not add up: {}",
            p.errors[2].message
        );
    }
}
