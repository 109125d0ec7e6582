//! WooCommerce order exports. Two layouts are common and both are read:
//!
//! - one row per item, with `item_sku`, `item_name`, `item_quantity` and
//!   `item_total` (the line total after discount), rows grouped by
//!   `order_number` (or `order_id` when there is no number);
//! - one row per order, with the items in `line_item_1`, `line_item_2`...
//!   cells, each like `name:Mug|product_id:12|sku:MUG-1|quantity:2|total:30.00`.

use super::orders::{
    collect_orders, group_rows, join_parts, line, split_line_total, Failure, Field, Group,
};
use super::table::{Col, Row, Table};
use super::ParsedOrders;
use crate::domain::{NewLine, NewOrder, OrderStatus, PaymentStatus};
use chrono::{DateTime, Utc};

const FORMAT: &str = "WooCommerce";

struct Person {
    first_name: Col,
    last_name: Col,
    address_1: Col,
    address_2: Col,
    city: Col,
    state: Col,
    postcode: Col,
    country: Col,
    phone: Col,
}

impl Person {
    fn find(t: &Table, prefix: &str) -> Self {
        let col = |name: &str| t.col(&format!("{prefix}_{name}"));
        Self {
            first_name: col("first_name"),
            last_name: col("last_name"),
            address_1: col("address_1"),
            address_2: col("address_2"),
            city: col("city"),
            state: col("state"),
            postcode: col("postcode"),
            country: col("country"),
            phone: col("phone"),
        }
    }

    fn name(&self, g: &Group<'_>) -> String {
        person_name(g.field(self.first_name).text, g.field(self.last_name).text)
    }

    fn address(&self, g: &Group<'_>) -> String {
        let text = |c: Col| g.field(c).text;
        address_line([
            text(self.address_1),
            text(self.address_2),
            text(self.city),
            text(self.state),
            text(self.postcode),
            text(self.country),
        ])
    }
}

/// First and last name as one, as the label shows it (the export's
/// columns and the webhooks' JSON alike).
pub(super) fn person_name(first: &str, last: &str) -> String {
    join_words([first, last])
}

/// A WooCommerce address as one line for the label: address 1 and 2, city,
/// state, postcode, country.
pub(super) fn address_line(parts: [&str; 6]) -> String {
    join_parts(parts)
}

struct Columns {
    order_number: Col,
    order_id: Col,
    order_date: Col,
    status: Col,
    shipping_total: Col,
    shipping_method: Col,
    currency: Col,
    customer_email: Col,
    billing_email: Col,
    customer_note: Col,
    billing: Person,
    shipping: Person,
    item_sku: Col,
    item_name: Col,
    item_quantity: Col,
    item_total: Col,
    item_subtotal: Col,
    /// `line_item_N` columns, by N.
    numbered: Vec<(String, Col)>,
}

impl Columns {
    fn find(t: &Table) -> Self {
        let mut numbered: Vec<(u32, String, Col)> = t
            .headers()
            .filter_map(|(col, header)| {
                let n = header.strip_prefix("line_item_")?.parse().ok()?;
                Some((n, header.to_string(), col))
            })
            .collect();
        numbered.sort_by_key(|(n, _, _)| *n);
        Self {
            order_number: t.col("order_number"),
            order_id: t.col("order_id"),
            order_date: t.col("order_date"),
            status: t.col("status"),
            shipping_total: t.col("shipping_total"),
            shipping_method: t.col("shipping_method"),
            currency: t.col("order_currency"),
            customer_email: t.col("customer_email"),
            billing_email: t.col("billing_email"),
            customer_note: t.col("customer_note"),
            billing: Person::find(t, "billing"),
            shipping: Person::find(t, "shipping"),
            item_sku: t.col("item_sku"),
            item_name: t.col("item_name"),
            item_quantity: t.col("item_quantity"),
            item_total: t.col("item_total"),
            item_subtotal: t.col("item_subtotal"),
            numbered: numbered.into_iter().map(|(_, h, c)| (h, c)).collect(),
        }
    }

    fn has_item_columns(&self) -> bool {
        [self.item_sku, self.item_quantity, self.item_total]
            .iter()
            .any(|c| c.is_present())
    }
}

pub(super) fn parse(table: &Table, now: DateTime<Utc>) -> Result<ParsedOrders, String> {
    let c = Columns::find(table);
    if !c.order_number.is_present() && !c.order_id.is_present() {
        return Err(format!(
            "this {FORMAT} file has no \"order_number\" or \"order_id\" column, so its rows \
             cannot be put together into orders; export it again with the order number"
        ));
    }
    table.require(&["order_currency"], FORMAT)?;
    if c.has_item_columns() {
        table.require(&["item_sku", "item_quantity", "item_total"], FORMAT)?;
    } else if c.numbered.is_empty() {
        return Err(format!(
            "this {FORMAT} file has no line items: it needs the columns item_sku, \
             item_quantity and item_total (one row per item), or line_item_1, line_item_2... \
             (one row per order); export it again with the line items"
        ));
    }
    let number = |r: &Row| {
        let n = r.get(c.order_number);
        if n.is_empty() { r.get(c.order_id) } else { n }.to_string()
    };
    let (groups, errors) = group_rows(table, number, "order_number");
    Ok(collect_orders(groups, errors, |g| order(g, &c, now)))
}

fn order(g: &Group<'_>, c: &Columns, now: DateTime<Utc>) -> Result<NewOrder, Failure> {
    let (currency, exponent) = g.currency(c.currency, "order_currency")?;
    let status = g.field(c.status);
    let payment_status = payment_status(status.text).map_err(|e| status.fail(e))?;
    let delivery_cost_minor = g
        .field(c.shipping_total)
        .amount(exponent, "shipping_total")?;
    let created_at = g.field(c.order_date).time(now, "order_date")?;

    let mut lines = Vec::new();
    for row in &g.rows {
        lines.extend(item_line(row, c, exponent)?);
        for (header, col) in &c.numbered {
            let cell = row.get(*col);
            if !cell.is_empty() {
                lines.push(numbered_line(row.number, header, cell, exponent)?);
            }
        }
    }

    let mut customer_name = c.shipping.name(g);
    if customer_name.is_empty() {
        customer_name = c.billing.name(g);
    }
    let mut shipping_address = c.shipping.address(g);
    if shipping_address.is_empty() {
        shipping_address = c.billing.address(g);
    }

    Ok(NewOrder {
        number: g.number.clone(),
        channel: "woocommerce".into(),
        customer_name,
        email: g.field_of(&[c.billing_email, c.customer_email]).owned(),
        phone: g.field_of(&[c.billing.phone, c.shipping.phone]).owned(),
        shipping_address,
        delivery_method: g.field(c.shipping_method).owned(),
        delivery_cost_minor,
        currency,
        payment_status,
        comment: g.field(c.customer_note).owned(),
        created_at,
        status: OrderStatus::New,
        lines,
    })
}

/// WooCommerce order statuses, which mix payment and fulfilment, read as a
/// payment status. A cancelled order has nothing to pack.
pub(super) fn payment_status(text: &str) -> Result<PaymentStatus, String> {
    let status = plain_status(text);
    match status.as_str() {
        "failed" => Ok(PaymentStatus::AwaitingPayment),
        _ if is_cancelled(text) => Err(format!(
            "the order is {status} in WooCommerce, so there is nothing to pack; \
             leave it out of the export"
        )),
        _ => PaymentStatus::from_shop(&status).map_err(|e| format!("status: {e}")),
    }
}

/// The status in lower case, without the "wc-" that some exporters write
/// (the internal post status, such as "wc-processing").
fn plain_status(text: &str) -> String {
    let lower = text.trim().to_ascii_lowercase();
    lower.strip_prefix("wc-").unwrap_or(&lower).to_string()
}

/// Cancelled (or thrown away) in WooCommerce: nothing to pack.
pub(super) fn is_cancelled(status: &str) -> bool {
    matches!(plain_status(status).as_str(), "cancelled" | "trash")
}

/// The line of a one-row-per-item export, or none when the row carries no
/// item (some exporters give the order its own row).
fn item_line(row: &Row, c: &Columns, exponent: u32) -> Result<Option<NewLine>, Failure> {
    let sku = row.get(c.item_sku);
    let (quantity, total) = (
        Field::of(row, c.item_quantity),
        Field::of(row, c.item_total),
    );
    if sku.is_empty() && quantity.text.is_empty() && total.text.is_empty() {
        return Ok(None);
    }
    let quantity = quantity.quantity("item_quantity")?;
    let total = total.required_amount(exponent, "item_total")?;
    let subtotal = Field::of(row, c.item_subtotal).amount(exponent, "item_subtotal")?;
    let (unit, discount) = price_of(row.number, sku, quantity, total, subtotal)?;
    line(
        row.number,
        sku,
        row.get(c.item_name),
        quantity,
        unit,
        discount,
        0,
    )
    .map(Some)
}

/// A line from a `line_item_N` cell.
fn numbered_line(at: usize, header: &str, cell: &str, exponent: u32) -> Result<NewLine, Failure> {
    let pairs = pipe_pairs(cell).ok_or_else(|| {
        Failure::at(
            at,
            format!(
                "{header} {cell:?} is not a list of key:value pairs such as \
                 name:Mug|sku:MUG-1|quantity:2|total:30.00; export the file again"
            ),
        )
    })?;
    let get = |key: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == key)
            .map_or("", |(_, v)| v.as_str())
    };
    let field = |text| Field { row: at, text };
    let quantity = field(get("quantity")).quantity(&format!("{header} quantity"))?;
    let total = field(get("total")).required_amount(exponent, &format!("{header} total"))?;
    let subtotal = field(get("subtotal")).amount(exponent, &format!("{header} subtotal"))?;
    let sku = get("sku");
    let (unit, discount) = price_of(at, sku, quantity, total, subtotal)?;
    line(at, sku, get("name"), quantity, unit, discount, 0)
}

/// Unit price and line discount. The subtotal (before discount) gives the
/// real unit price when it divides by the quantity; otherwise the total is
/// split so that the line still adds up to it exactly.
pub(super) fn price_of(
    at: usize,
    sku: &str,
    quantity: i64,
    total: i64,
    subtotal: i64,
) -> Result<(i64, i64), Failure> {
    if subtotal >= total && subtotal > 0 && subtotal % quantity == 0 {
        return Ok((subtotal / quantity, subtotal - total));
    }
    split_line_total(total, quantity).ok_or_else(|| {
        Failure::at(
            at,
            format!("the line total of {sku} is too large; check the price and quantity"),
        )
    })
}

/// The key:value pairs of a `line_item_N` cell. A piece without a key of
/// its own belongs to the value before it: product names may hold '|'.
fn pipe_pairs(cell: &str) -> Option<Vec<(String, String)>> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for piece in cell.split('|') {
        let keyed = piece.split_once(':').filter(|(key, _)| {
            let key = key.trim();
            !key.is_empty()
                && key
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        });
        match (keyed, pairs.last_mut()) {
            (Some((key, value)), _) => pairs.push((key.trim().to_string(), value.to_string())),
            (None, Some((_, value))) => {
                value.push('|');
                value.push_str(piece);
            }
            (None, None) => return None,
        }
    }
    for (_, value) in &mut pairs {
        *value = value.trim().to_string();
    }
    Some(pairs)
}

fn join_words<'a>(words: impl IntoIterator<Item = &'a str>) -> String {
    words
        .into_iter()
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::super::{parse_orders, OrderFormat, ParsedOrders};
    use super::pipe_pairs;
    use crate::domain::money::parse_minor;
    use crate::domain::PaymentStatus;
    use chrono::{DateTime, Utc};

    fn minor(text: &str) -> i64 {
        parse_minor(text, 2).unwrap()
    }

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap()
    }

    fn parse(text: &str) -> ParsedOrders {
        parse_orders(text.as_bytes(), OrderFormat::WooCommerce, now()).unwrap()
    }

    #[test]
    fn the_fixture_export_reads_each_order_with_its_items() {
        let bytes = include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/woocommerce_orders.csv"
        ));
        let parsed = parse_orders(bytes, OrderFormat::WooCommerce, now()).unwrap();
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        let numbers: Vec<&str> = parsed
            .orders
            .iter()
            .map(|o| o.order.number.as_str())
            .collect();
        assert_eq!(numbers, vec!["5001", "5002", "5003"]);

        let o = &parsed.orders[0].order;
        assert_eq!(o.channel, "woocommerce");
        assert_eq!(
            o.customer_name, "Ольга Смирнова",
            "first and last name, Cyrillic intact"
        );
        assert_eq!(o.email, "olga@example.ru");
        assert_eq!(
            o.shipping_address,
            "Невский пр., 28, кв. 5, Санкт-Петербург, SPE, 191186, RU"
        );
        assert_eq!(
            o.payment_status,
            PaymentStatus::Paid,
            "processing means paid"
        );
        assert_eq!(o.delivery_cost_minor, minor("350.00"));
        assert_eq!(o.created_at.to_rfc3339(), "2026-10-03T10:20:00+00:00");
        assert_eq!(o.lines.len(), 2);
        let candles = &o.lines[1];
        assert_eq!(
            (
                candles.quantity,
                candles.unit_price_minor,
                candles.discount_minor
            ),
            (3, 33_334, 2),
            "1000.00 for three does not divide: 333.34 each, less 0.02"
        );
        assert_eq!(o.goods_total_minor(), minor("1200.00") + minor("1000.00"));

        let on_hold = &parsed.orders[1].order;
        assert_eq!(on_hold.payment_status, PaymentStatus::AwaitingPayment);
        assert_eq!(on_hold.currency, "EUR");
        assert_eq!(
            on_hold.comment,
            "Bitte beim Nachbarn abgeben, falls niemand da ist"
        );

        let pickup = &parsed.orders[2].order;
        assert_eq!(
            pickup.lines.len(),
            2,
            "a second row carrying only the number and the item joins its order"
        );
        assert_eq!(
            pickup.customer_name, "Иван Петров",
            "billing names stand in for shipping"
        );
        assert_eq!(
            pickup.shipping_address,
            "ул. Баумана, 44, Казань, 420111, RU"
        );
    }

    #[test]
    fn items_in_line_item_cells_become_lines() {
        let p = parse(
            "order_id,order_number,order_currency,status,line_item_2,line_item_1\n\
             77,W-77,RUB,completed,\"name:Кружка | синяя|sku:PB-0001|quantity:2|total:900.00\",\
             name:Чайник|product_id:12|sku:PB-0002|quantity:1|subtotal:2500.00|total:2000.00|meta:color:red\n",
        );
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        let o = &p.orders[0].order;
        assert_eq!(o.number, "W-77");
        let skus: Vec<&str> = o.lines.iter().map(|l| l.sku.as_str()).collect();
        assert_eq!(
            skus,
            vec!["PB-0002", "PB-0001"],
            "line_item_1 comes first, whatever the column order"
        );
        assert_eq!(
            (o.lines[0].unit_price_minor, o.lines[0].discount_minor),
            (250_000, 50_000),
            "the subtotal gives the price before the discount"
        );
        assert_eq!(
            o.lines[1].name, "Кружка | синяя",
            "a '|' inside a name is kept"
        );
    }

    #[test]
    fn pipe_cells_keep_colons_in_values() {
        let pairs = pipe_pairs("name:Time: 12:00|sku:A").unwrap();
        assert_eq!(pairs[0], ("name".to_string(), "Time: 12:00".to_string()));
        assert!(
            pipe_pairs("just text").is_none(),
            "no key at all is not an item"
        );
    }

    #[test]
    fn rows_without_an_order_number_fall_back_to_the_order_id() {
        let p = parse(
            "order_id,order_number,order_currency,item_sku,item_quantity,item_total\n\
             9,,EUR,A-1,2,3.00\n",
        );
        assert_eq!(p.orders[0].order.number, "9");
        assert_eq!(p.orders[0].order.lines[0].unit_price_minor, 150);
    }

    #[test]
    fn a_cancelled_order_is_reported_not_imported() {
        let p = parse(
            "order_number,order_currency,status,item_sku,item_quantity,item_total\n\
             1,EUR,wc-cancelled,A-1,1,1.00\n2,EUR,wc-on-hold,A-1,1,1.00\n",
        );
        assert_eq!(p.orders.len(), 1);
        assert!(
            p.errors[0].message.contains("cancelled"),
            "{}",
            p.errors[0].message
        );
    }

    #[test]
    fn a_file_without_any_line_items_is_refused() {
        let err = parse_orders(
            b"order_number,order_currency\n1,EUR\n",
            OrderFormat::WooCommerce,
            now(),
        )
        .unwrap_err();
        assert!(
            err.contains("item_sku") && err.contains("WooCommerce"),
            "{err}"
        );
    }

    #[test]
    fn a_bad_line_item_cell_fails_its_order_only() {
        let p = parse(
            "order_number,order_currency,line_item_1\n\
             1,EUR,sku:A|quantity:many|total:1.00\n2,EUR,sku:B|quantity:1|total:1.00\n",
        );
        assert_eq!(p.orders.len(), 1);
        assert_eq!(
            (p.errors[0].row, p.errors[0].order.as_deref()),
            (1, Some("1"))
        );
        assert!(
            p.errors[0].message.contains("line_item_1 quantity"),
            "{}",
            p.errors[0].message
        );
    }
}
