//! A purchase order to a dropshipping supplier as CSV (issue 15 item 4):
//! one row per line, each row carrying the purchase order's number, the
//! customer's order and where to ship, so a supplier's system can import
//! it row by row. Russian: `;` between cells and a byte-order mark (as the
//! order export writes for Russian spreadsheets); English: `,`. Every text
//! cell goes through [`safe_cell`] (CWE-1236).

use super::safe_cell;
use crate::documents::purchase_order::PurchaseOrderView;
use crate::documents::Lang;

const HEADERS_RU: [&str; 10] = [
    "Заказ поставщику",
    "Заказ покупателя",
    "Артикул",
    "Штрихкод",
    "Товар",
    "Количество",
    "Получатель",
    "Адрес",
    "Телефон",
    "Способ доставки",
];

const HEADERS_EN: [&str; 10] = [
    "Purchase order",
    "Customer order",
    "SKU",
    "Barcode",
    "Item",
    "Quantity",
    "Recipient",
    "Address",
    "Phone",
    "Delivery",
];

/// The purchase order's CSV bytes.
pub fn purchase_order_csv(view: &PurchaseOrderView, lang: Lang) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    if lang == Lang::Ru {
        bytes.extend_from_slice(b"\xEF\xBB\xBF");
    }
    let mut w = csv::WriterBuilder::new()
        .delimiter(if lang == Lang::Ru { b';' } else { b',' })
        .from_writer(bytes);
    let failed = |e: csv::Error| format!("the purchase order's CSV could not be written: {e}");
    w.write_record(match lang {
        Lang::Ru => HEADERS_RU,
        Lang::En => HEADERS_EN,
    })
    .map_err(failed)?;
    for l in &view.lines {
        w.write_record([
            safe_cell(&view.number),
            safe_cell(&view.order_number),
            safe_cell(&l.sku),
            safe_cell(l.barcode.as_deref().unwrap_or("")),
            safe_cell(&l.name),
            l.quantity.to_string(),
            safe_cell(&view.ship_to.name),
            safe_cell(&view.ship_to.address),
            safe_cell(&view.ship_to.phone),
            safe_cell(&view.delivery_method),
        ])
        .map_err(failed)?;
    }
    w.into_inner()
        .map_err(|e| format!("the purchase order's CSV could not be written: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::purchase_order::{PurchaseOrderLineView, SupplierParty};
    use crate::documents::{Party, Seller};

    #[test]
    fn a_formula_in_a_cell_is_neutralised_and_russian_uses_semicolons() {
        let view = PurchaseOrderView {
            number: "PO-000001".into(),
            date: chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
            order_number: "2001".into(),
            buyer: Seller::demo(),
            supplier: SupplierParty::default(),
            ship_to: Party {
                name: "=HYPERLINK(\"x\")".into(),
                address: "Казань; ул. Садовая, 1".into(),
                phone: "+7 900".into(),
                email: String::new(),
            },
            delivery_method: String::new(),
            comment: String::new(),
            lines: vec![PurchaseOrderLineView {
                sku: "DS-1".into(),
                name: "Термос".into(),
                quantity: 2,
                barcode: None,
            }],
        };
        let text = String::from_utf8(purchase_order_csv(&view, Lang::Ru).unwrap()).unwrap();
        let text = text.trim_start_matches('\u{feff}');
        let mut r = csv::ReaderBuilder::new()
            .delimiter(b';')
            .from_reader(text.as_bytes());
        let row = r.records().next().unwrap().unwrap();
        assert_eq!(&row[0], "PO-000001");
        assert_eq!(&row[5], "2");
        assert_eq!(&row[6], "'=HYPERLINK(\"x\")", "a formula is not run");
        assert_eq!(&row[7], "Казань; ул. Садовая, 1", "quoted, not split");
        assert_eq!(&row[8], "'+7 900");
    }
}
