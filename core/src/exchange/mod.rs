//! Reading order and product files (CSV) into domain types. Pure: bytes in,
//! orders or products out, no database; the store decides what to do with
//! them.
//!
//! Every reader accepts what spreadsheets and shops really write: a UTF-8
//! byte-order mark, CRLF or LF line endings, quoted commas and newlines,
//! semicolons instead of commas (European Excel), and columns in any order,
//! matched by header name without regard to case or surrounding spaces.
//! Unknown columns are ignored.
//!
//! A file is refused as a whole only when it cannot be read at all (not
//! UTF-8, not CSV) or lacks a column every row needs. Otherwise each bad row
//! gives one [`RowError`] and the rest of the file is still read. An order is
//! taken whole or not at all: if one of its rows is bad, the whole order is
//! left out, so no one packs half an order.
//!
//! Rows are numbered from 1 for the first record after the header, counting
//! CSV records rather than text lines: a note with a line break inside its
//! quotes is still one row. Rows of empty cells (`,,,`) are skipped but
//! counted; a completely blank line is not a CSV record and is not counted.
//!
//! # Packbench order file
//!
//! One row per order line. Rows of one order share its `number` and need not
//! be adjacent. Order columns may be repeated on every row of the order or
//! written only on its first row; the first non-empty value wins.
//!
//! | column             | required | meaning                                              |
//! |--------------------|----------|------------------------------------------------------|
//! | `number`           | yes      | order number, up to 64 characters                    |
//! | `channel`          |          | where the order came from; `import` when empty       |
//! | `created_at`       |          | RFC 3339 (`2026-10-01T09:00:00+03:00`); import time when empty |
//! | `customer_name`    |          |                                                      |
//! | `email`            |          |                                                      |
//! | `phone`            |          |                                                      |
//! | `shipping_address` |          | one line, as it goes on the label                    |
//! | `delivery_method`  |          |                                                      |
//! | `delivery_cost`    |          | decimal amount, `300.00`; 0 when empty               |
//! | `currency`         | yes      | ISO 4217 code, `RUB`, `EUR`                          |
//! | `payment_status`   |          | `awaiting_payment` (default), `paid`, `partially_refunded`, `refunded` |
//! | `comment`          |          | may span lines inside quotes                         |
//! | `sku`              | yes      | the product's SKU                                    |
//! | `item_name`        |          | the SKU when empty                                   |
//! | `quantity`         | yes      | whole number, at least 1                             |
//! | `unit_price`       | yes      | decimal amount, no more decimals than the currency has |
//! | `discount`         |          | discount on the whole line; 0 when empty             |
//! | `tax_rate`         |          | percent included in the price, `20` or `20%`; 0 when empty |
//!
//! ```text
//! number,channel,created_at,customer_name,currency,payment_status,sku,item_name,quantity,unit_price,discount,tax_rate
//! 1001,phone,2026-10-01T09:00:00+03:00,Иванова Мария,RUB,paid,PB-0001,Кружка,2,450.00,50.00,20
//! 1001,,,,,,PB-0002,Чайник,1,2490.00,,20%
//! ```
//!
//! `tests/fixtures/packbench_orders.csv` is a complete example.
//!
//! # Shopify and WooCommerce
//!
//! Their own order exports, read by header name; see [`OrderFormat`] for
//! which columns are used.
//!
//! # Product file
//!
//! One row per product.
//!
//! | column     | required | meaning                                                  |
//! |------------|----------|----------------------------------------------------------|
//! | `sku`      | yes      | unique in the file                                       |
//! | `name`     | yes      |                                                          |
//! | `weight_g` |          | whole grams; 0 when empty                                |
//! | `bin`      |          | the product's default bin                                |
//! | `category` |          | the product's category (grouping and reports); left as it is when the column is absent |
//! | `barcodes` |          | separated by `;`, `,` or spaces; `CODE*12` is a case barcode counting 12 units per scan |
//! | `stock`    |          | units on hand in `bin` (set, not added); needs `bin`     |
//!
//! ```text
//! sku,name,weight_g,bin,barcodes,stock
//! PB-0001,"Кружка «Утро», 350 мл",320,A-02,4601234567893;14601234567890*12,40
//! ```
//!
//! `tests/fixtures/products.csv` is a complete example.

// Carriers' status exports (issue 15).
pub mod delivery;
mod export;
mod orders;
mod packbench;
mod products;
// Dropshipping (issue 15 item 4): a purchase order as CSV.
pub mod purchase_order;
mod shopify;
// Stock and order status back to the shop (issue 15 item 1).
pub mod shop_api;
mod table;
// Orders that arrive by themselves (issue 15): webhook and web-form JSON.
pub mod webhook;
mod woocommerce;

pub use export::{safe_cell, ExportFormat, ExportLine, ExportOrder, ExportRows, ExportWriter};
pub use table::Encoding;

use crate::domain::{NewOrder, NewProduct};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// Which shop wrote an order file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderFormat {
    /// Packbench's own file, described in the [module documentation](self).
    Packbench,
    /// Shopify's order export: one row per line item, rows grouped by
    /// `Name` (`#1001` becomes order 1001). Uses Email, Financial Status,
    /// Currency, Shipping (delivery cost), Shipping Method, Created at,
    /// Lineitem quantity/name/price/sku/discount, Shipping Name (or Billing
    /// Name), the Shipping address columns (or Billing), Shipping Phone,
    /// Phone or Billing Phone, Notes, and the rate in Tax 1 Name
    /// ("VAT 20%"). Channel `shopify`.
    Shopify,
    /// WooCommerce's order export, one row per item (`item_sku`,
    /// `item_name`, `item_quantity`, `item_total`) or one row per order with
    /// `line_item_1`, `line_item_2`... cells; rows grouped by `order_number`
    /// (or `order_id`). Channel `woocommerce`. WooCommerce gives no tax rate
    /// per line, so lines carry none.
    WooCommerce,
}

impl OrderFormat {
    pub const ALL: [OrderFormat; 3] = [
        OrderFormat::Packbench,
        OrderFormat::Shopify,
        OrderFormat::WooCommerce,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderFormat::Packbench => "packbench",
            OrderFormat::Shopify => "shopify",
            OrderFormat::WooCommerce => "woocommerce",
        }
    }

    /// `packbench`, `shopify` or `woocommerce`, in any case.
    pub fn parse(s: &str) -> Result<Self, String> {
        let wanted = s.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|f| f.as_str() == wanted)
            .ok_or_else(|| {
                format!("{s:?} is not an order file format; use packbench, shopify or woocommerce")
            })
    }
}

impl std::fmt::Display for OrderFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A row that could not be taken, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RowError {
    /// 1-based data row: row 1 is the first row after the header. Rows are
    /// CSV records, so a quoted value spanning lines does not shift them.
    pub row: usize,
    /// The order the row belongs to, when it names one.
    pub order: Option<String>,
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.order {
            Some(order) => write!(f, "row {}, order {order}: {}", self.row, self.message),
            None => write!(f, "row {}: {}", self.row, self.message),
        }
    }
}

/// One order parsed from a file, with the data row where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedOrder {
    /// 1-based data row of the order's first row: row 1 is the first row
    /// after the header. Rows are CSV records, not text lines, because a
    /// quoted value may span lines.
    pub first_row: usize,
    pub order: NewOrder,
}

/// The orders of a file that could be read whole, and one error for each
/// order (or stray row) that could not, sorted by row.
#[derive(Debug, Default)]
pub struct ParsedOrders {
    pub orders: Vec<ParsedOrder>,
    pub errors: Vec<RowError>,
}

/// The products of a file with their data rows (row 1 is the first row after
/// the header), and one error for each row that could not be read.
#[derive(Debug, Default)]
pub struct ParsedProducts {
    pub products: Vec<(usize, NewProduct)>,
    pub errors: Vec<RowError>,
}

/// Parses an order export. The whole file is refused (`Err`) only when it is
/// not UTF-8 text, not CSV, or lacks a column the format needs; the message
/// says which and what to do. Bad rows otherwise drop their own order, with
/// one [`RowError`] each, and every other order is still read. Orders also
/// pass [`NewOrder::validate`]. Imported orders have status `New`; `now` is
/// their created time when the file gives none.
pub fn parse_orders(
    bytes: &[u8],
    format: OrderFormat,
    now: DateTime<Utc>,
) -> Result<ParsedOrders, String> {
    parse_orders_mapped(bytes, format, now, &[])
}

/// As [`parse_orders`], reading each `(field, header)` of `mapping` from
/// the file's column `header` (a file whose columns are named otherwise).
/// XLSX workbooks (their first sheet) and Windows-1251 CSV are read too.
pub fn parse_orders_mapped(
    bytes: &[u8],
    format: OrderFormat,
    now: DateTime<Utc>,
    mapping: &[(String, String)],
) -> Result<ParsedOrders, String> {
    let mut table = table::Table::read(bytes)?;
    table.map_columns(mapping);
    orders_of(&table, format, now)
}

fn orders_of(
    table: &table::Table,
    format: OrderFormat,
    now: DateTime<Utc>,
) -> Result<ParsedOrders, String> {
    match format {
        OrderFormat::Packbench => packbench::parse(table, now),
        OrderFormat::Shopify => shopify::parse(table, now),
        OrderFormat::WooCommerce => woocommerce::parse(table, now),
    }
}

crate::named_enum! {
    /// What a file brings in: products, or orders in one of the formats.
    pub enum ImportKind("import kind") {
        Products = "products",
        Packbench = "packbench",
        Shopify = "shopify",
        WooCommerce = "woocommerce",
    }
}

impl ImportKind {
    /// The order format, for an order import.
    pub fn order_format(self) -> Option<OrderFormat> {
        match self {
            ImportKind::Products => None,
            ImportKind::Packbench => Some(OrderFormat::Packbench),
            ImportKind::Shopify => Some(OrderFormat::Shopify),
            ImportKind::WooCommerce => Some(OrderFormat::WooCommerce),
        }
    }
}

/// A field the format reads and the file's column it is read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FieldMapping {
    /// The format's name of the field (`sku`, `Lineitem sku`...).
    pub field: String,
    pub required: bool,
    /// The file's column (as written in the file); `None`: not in the file.
    pub header: Option<String>,
}

/// What a file would import, before anything is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportPreview {
    /// `utf-8`, `windows-1251` or `xlsx`.
    pub encoding: String,
    /// The file's header row as written.
    pub headers: Vec<String>,
    /// The first data rows as written.
    pub rows: Vec<Vec<String>>,
    /// Data rows in the file.
    pub total_rows: usize,
    /// Each field the format reads, and the column it comes from (guessed
    /// from the headers, or as mapped).
    pub fields: Vec<FieldMapping>,
    /// Orders or products the file would bring in whole.
    pub items: usize,
    /// Rows that could not be read (the first 100), and how many in all.
    pub errors: Vec<RowError>,
    pub error_count: usize,
    /// Why the whole file cannot be imported as mapped (a required column
    /// missing), if it cannot.
    pub file_error: Option<String>,
}

/// Rows of a preview.
const PREVIEW_ROWS: usize = 10;

/// Reads the file as an import would, with `mapping`, and says what it
/// found; nothing is written.
pub fn preview(
    bytes: &[u8],
    kind: ImportKind,
    mapping: &[(String, String)],
    now: DateTime<Utc>,
) -> Result<ImportPreview, String> {
    let mut table = table::Table::read(bytes)?;
    let written: Vec<String> = table.headers_as_written().to_vec();
    table.map_columns(mapping);
    let (items, errors, file_error) = match kind.order_format() {
        Some(format) => match orders_of(&table, format, now) {
            Ok(p) => (p.orders.len(), p.errors, None),
            Err(e) => (0, Vec::new(), Some(e)),
        },
        None => match products::parse(&table) {
            Ok(p) => (p.products.len(), p.errors, None),
            Err(e) => (0, Vec::new(), Some(e)),
        },
    };
    let mapped = table.header_names();
    let fields = table
        .asked()
        .into_iter()
        .map(|(field, required)| FieldMapping {
            header: mapped
                .iter()
                .position(|h| *h == field)
                .and_then(|i| written.get(i).cloned()),
            field,
            required,
        })
        .collect();
    Ok(ImportPreview {
        encoding: table.encoding.as_str().into(),
        headers: written,
        rows: table
            .rows
            .iter()
            .take(PREVIEW_ROWS)
            .map(|r| r.cells())
            .collect(),
        total_rows: table.rows.len(),
        fields,
        items,
        error_count: errors.len(),
        errors: errors.into_iter().take(100).collect(),
        file_error,
    })
}

/// Parses a product file (see the [module documentation](self)). Refused
/// whole only when it cannot be read or lacks `sku` or `name`; a bad row
/// gives a [`RowError`] and the other products are kept. Every product
/// passes [`NewProduct::validate`].
pub fn parse_products(bytes: &[u8]) -> Result<ParsedProducts, String> {
    parse_products_mapped(bytes, &[])
}

/// As [`parse_products`], with the file's columns mapped to the fields.
pub fn parse_products_mapped(
    bytes: &[u8],
    mapping: &[(String, String)],
) -> Result<ParsedProducts, String> {
    let mut table = table::Table::read(bytes)?;
    table.map_columns(mapping);
    products::parse(&table)
}

/// A small deterministic generator for the readers' never-panic tests, so
/// a failure can be replayed.
#[cfg(test)]
pub(crate) struct XorShift(pub(crate) u64);

#[cfg(test)]
impl XorShift {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap()
    }

    #[test]
    fn format_names_are_read_in_any_case() {
        assert_eq!(OrderFormat::parse("Shopify"), Ok(OrderFormat::Shopify));
        assert_eq!(
            OrderFormat::parse(" WOOCOMMERCE "),
            Ok(OrderFormat::WooCommerce)
        );
        assert_eq!(OrderFormat::parse("packbench"), Ok(OrderFormat::Packbench));
        let err = OrderFormat::parse("amazon").unwrap_err();
        assert!(
            err.contains("shopify"),
            "the user must learn the choices: {err}"
        );
    }

    #[test]
    fn windows_1251_is_read_and_other_bytes_are_refused_for_every_format() {
        // "Кружка" in Windows-1251, as old Excel saves it.
        let cp1251: &[u8] = b"number,currency,sku,quantity,unit_price,item_name\n1,RUB,A,1,1.00,\xCA\xF0\xF3\xE6\xEA\xE0\n";
        let p = parse_orders(cp1251, OrderFormat::Packbench, now()).unwrap();
        assert_eq!(p.orders[0].order.lines[0].name, "Кружка");
        let preview = preview(cp1251, ImportKind::Packbench, &[], now()).unwrap();
        assert_eq!(preview.encoding, "windows-1251");
        // Bytes that are neither UTF-8 nor Russian text.
        let binary: &[u8] = b"number,currency\n\x81\x82\x83\x84,\x90\x91\n";
        for format in OrderFormat::ALL {
            let err = parse_orders(binary, format, now()).unwrap_err();
            assert!(err.contains("UTF-8"), "{format}: {err}");
        }
        assert!(parse_products(binary).unwrap_err().contains("re-save"));
    }

    #[test]
    fn a_preview_guesses_the_columns_and_a_mapping_moves_them() {
        let file = "Артикул,Название,Вес\nPB-1,Кружка,300\n".as_bytes();
        let p = preview(file, ImportKind::Products, &[], now()).unwrap();
        assert!(p.file_error.unwrap().contains("sku"));
        let sku = p.fields.iter().find(|f| f.field == "sku").unwrap();
        assert!(sku.required && sku.header.is_none());
        let mapping = vec![
            ("sku".to_string(), "Артикул".to_string()),
            ("name".to_string(), "Название".to_string()),
            ("weight_g".to_string(), "Вес".to_string()),
        ];
        let p = preview(file, ImportKind::Products, &mapping, now()).unwrap();
        assert_eq!(p.file_error, None);
        assert_eq!(p.items, 1);
        assert_eq!(p.headers, ["Артикул", "Название", "Вес"]);
        let sku = p.fields.iter().find(|f| f.field == "sku").unwrap();
        assert_eq!(sku.header.as_deref(), Some("Артикул"));
        let parsed = parse_products_mapped(file, &mapping).unwrap();
        assert_eq!(parsed.products[0].1.weight_g, 300);
    }

    #[test]
    fn row_errors_read_as_a_sentence_with_row_and_order() {
        let e = RowError {
            row: 6,
            order: Some("1003".into()),
            message: "quantity \"two\" is not a whole number".into(),
        };
        assert_eq!(
            e.to_string(),
            "row 6, order 1003: quantity \"two\" is not a whole number"
        );
    }

    #[test]
    fn random_bytes_never_panic_in_any_reader() {
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        for _ in 0..2_000 {
            let len = (rng.next() % 300) as usize;
            let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            for format in OrderFormat::ALL {
                let _ = parse_orders(&bytes, format, now());
            }
            let _ = parse_products(&bytes);
        }
    }

    #[test]
    fn random_text_under_real_headers_never_panics_and_hands_out_only_valid_items() {
        // Pieces that stress the reader: quotes, separators, numbers near the
        // limits, Cyrillic, marks that amounts and barcodes treat specially.
        let pieces = [
            "\"",
            ",",
            "\n",
            "\r\n",
            ";",
            "|",
            ":",
            "*",
            "%",
            "#",
            "-",
            ".",
            "0",
            "1",
            "2",
            "99999999999999999999",
            "9223372036854775807",
            "-1",
            "12.345",
            "RUB",
            "JPY",
            "EUR",
            "paid",
            "Кружка",
            "\u{feff}",
            " ",
            "sku:A",
            "quantity:2",
            "total:1.00",
            "2026-10-01 09:00:00 +0200",
            "A-1",
        ];
        let headers = [
            (OrderFormat::Packbench, "number,currency,sku,quantity,unit_price,discount,tax_rate,delivery_cost,created_at\n"),
            (OrderFormat::Shopify, "Name,Currency,Lineitem quantity,Lineitem price,Lineitem sku,Lineitem discount,Shipping,Tax 1 Name,Created at\n"),
            (OrderFormat::WooCommerce, "order_number,order_currency,item_sku,item_quantity,item_total,line_item_1,status,order_date\n"),
        ];
        let mut rng = XorShift(42);
        for _ in 0..3_000 {
            let body: String = (0..(rng.next() % 60))
                .map(|_| pieces[(rng.next() % pieces.len() as u64) as usize])
                .collect();
            for (format, header) in headers {
                let text = format!("{header}{body}");
                let parsed = parse_orders(text.as_bytes(), format, now())
                    .expect("a file with all required columns is never refused whole");
                for o in &parsed.orders {
                    assert_eq!(
                        o.order.validate(),
                        Ok(()),
                        "every order handed out is valid"
                    );
                }
            }
            let products = format!("sku,name,weight_g,bin,barcodes,stock\n{body}");
            let parsed = parse_products(products.as_bytes()).unwrap();
            for (_, p) in &parsed.products {
                assert_eq!(p.validate(), Ok(()), "every product handed out is valid");
            }
        }
    }
}
