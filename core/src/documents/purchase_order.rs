//! The purchase order to a dropshipping supplier (A4): who orders (the
//! store, with its legal details), who ships (the supplier), to whom the
//! supplier ships (the customer: name, address, phone — never the
//! customer's e-mail), the order it serves, and the lines with SKU,
//! barcode, name and quantity. No prices: the store and the supplier settle
//! those under their own contract.

use super::format::date;
use super::invoice::{barcode_width, barcode_with_text, party_block};
use super::layout::{leading, wrap, Align, Canvas, Grid, PdfBuilder, Weight, PAD};
use super::words::words;
use super::{Lang, Party, Seller};
use crate::Result;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One line the supplier ships.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PurchaseOrderLineView {
    pub sku: String,
    pub name: String,
    pub quantity: i64,
    pub barcode: Option<String>,
}

/// The supplier as the purchase order names it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SupplierParty {
    pub name: String,
    pub email: String,
    pub inn: String,
    pub phone: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PurchaseOrderView {
    pub number: String,
    pub date: NaiveDate,
    /// The customer's order it serves.
    pub order_number: String,
    /// The store that orders.
    pub buyer: Seller,
    pub supplier: SupplierParty,
    /// The customer the supplier ships to.
    pub ship_to: Party,
    pub delivery_method: String,
    pub comment: String,
    pub lines: Vec<PurchaseOrderLineView>,
}

struct PoWords {
    title: &'static str,
    of_date: &'static str,
    order_ref: &'static str,
    buyer: &'static str,
    supplier: &'static str,
    ship_to: &'static str,
    delivery: &'static str,
    comment: &'static str,
    col_no: &'static str,
    col_sku: &'static str,
    col_barcode: &'static str,
    col_item: &'static str,
    col_qty: &'static str,
    units: &'static str,
    inn: &'static str,
    kpp: &'static str,
    ask: &'static str,
}

const RU: PoWords = PoWords {
    title: "Заказ поставщику",
    of_date: "от",
    order_ref: "Основание: заказ покупателя №",
    buyer: "Заказчик",
    supplier: "Поставщик",
    ship_to: "Отправить покупателю",
    delivery: "Способ доставки",
    comment: "Комментарий покупателя",
    col_no: "№",
    col_sku: "Артикул",
    col_barcode: "Штрихкод",
    col_item: "Товар",
    col_qty: "Кол-во",
    units: "Всего единиц",
    inn: "ИНН",
    kpp: "КПП",
    ask: "Просим отправить товары напрямую покупателю по указанному адресу и сообщить трек-номер посылки заказчику, указав номер этого заказа.",
};

const EN: PoWords = PoWords {
    title: "Purchase order",
    of_date: "of",
    order_ref: "For customer order No.",
    buyer: "Ordered by",
    supplier: "Supplier",
    ship_to: "Ship to the customer",
    delivery: "Delivery",
    comment: "Customer's comment",
    col_no: "No.",
    col_sku: "SKU",
    col_barcode: "Barcode",
    col_item: "Item",
    col_qty: "Qty",
    units: "Units in total",
    inn: "INN",
    kpp: "KPP",
    ask: "Please ship the goods straight to the customer at the address above and send the parcel's tracking number to the ordering store, quoting this purchase order's number.",
};

fn po_words(lang: Lang) -> &'static PoWords {
    match lang {
        Lang::Ru => &RU,
        Lang::En => &EN,
    }
}

/// The purchase order as an A4 PDF in `lang`.
pub fn pdf(view: &PurchaseOrderView, lang: Lang) -> Result<Vec<u8>> {
    let w = po_words(lang);
    let common = words(lang);
    let (page_w, page_h) = (210.0, 297.0);
    let margin = 15.0;
    let right = page_w - margin;
    let width = right - margin;
    let bottom = page_h - 17.0;
    let title = format!("{} {} {}", w.title, common.no, view.number);
    let mut builder = PdfBuilder::new(&title);
    let mut pages: Vec<Canvas> = Vec::new();
    let mut c = builder.canvas(page_w, page_h);

    c.left(margin, margin + 6.0, 18.0, Weight::Bold, &title);
    c.left(
        margin,
        margin + 12.0,
        10.0,
        Weight::Regular,
        &format!("{} {}", w.of_date, date(view.date, lang)),
    );
    c.left(
        margin,
        margin + 17.0,
        10.0,
        Weight::Bold,
        &format!("{} {}", w.order_ref, view.order_number),
    );
    if let Some(symbol) = super::barcode::Symbol::code128(&view.number) {
        let module = 0.5;
        let bw = barcode_width(&symbol, module);
        barcode_with_text(
            &mut c,
            right - bw,
            margin - 2.0,
            &symbol,
            module,
            12.0,
            Some((&view.number, 9.0)),
        );
    }
    let top = margin + 24.0;

    // The store and the supplier side by side, the customer below.
    let half = (width - 8.0) / 2.0;
    let b = &view.buyer;
    let mut buyer_details: Vec<String> = Vec::new();
    let tax = match (b.inn.trim(), b.kpp.trim()) {
        ("", _) => String::new(),
        (inn, "") => format!("{} {inn}", w.inn),
        (inn, kpp) => format!("{} {inn}, {} {kpp}", w.inn, w.kpp),
    };
    for d in [tax, b.address.clone(), b.phone.clone(), b.email.clone()] {
        if !d.trim().is_empty() {
            buyer_details.push(d);
        }
    }
    let s = &view.supplier;
    let supplier_details: Vec<String> = [
        if s.inn.trim().is_empty() {
            String::new()
        } else {
            format!("{} {}", w.inn, s.inn.trim())
        },
        s.email.clone(),
        s.phone.clone(),
    ]
    .into_iter()
    .filter(|d| !d.trim().is_empty())
    .collect();
    let y1 = party_block(&mut c, margin, top, half, w.buyer, &b.name, &buyer_details);
    let y2 = party_block(
        &mut c,
        margin + half + 8.0,
        top,
        half,
        w.supplier,
        &s.name,
        &supplier_details,
    );
    let mut y = y1.max(y2) + 4.0;
    let to_details: Vec<String> = [view.ship_to.address.clone(), view.ship_to.phone.clone()]
        .into_iter()
        .filter(|d| !d.trim().is_empty())
        .collect();
    y = party_block(
        &mut c,
        margin,
        y,
        width,
        w.ship_to,
        &view.ship_to.name,
        &to_details,
    ) + 1.0;
    if !view.delivery_method.trim().is_empty() {
        c.left(
            margin,
            y,
            9.0,
            Weight::Regular,
            &format!("{}: {}", w.delivery, view.delivery_method.trim()),
        );
        y += leading(9.0);
    }
    if !view.comment.trim().is_empty() {
        y = c.paragraph(
            margin,
            y,
            width,
            9.0,
            Weight::Regular,
            3,
            &format!("{}: {}", w.comment, view.comment.trim()),
        );
    }
    y += 3.0;

    let fixed = 8.0 + 30.0 + 34.0 + 16.0;
    let grid = Grid::new(
        margin,
        vec![
            (w.col_no, 8.0, Align::Right),
            (w.col_sku, 30.0, Align::Left),
            (w.col_barcode, 34.0, Align::Left),
            (w.col_item, width - fixed, Align::Left),
            (w.col_qty, 16.0, Align::Right),
        ],
    );
    let size = 9.0;
    y = grid.header(&mut c, y, 7.5);
    for (i, line) in view.lines.iter().enumerate() {
        let name_lines = wrap(&line.name, grid.inner(3), size, Weight::Regular, 3);
        let sku_lines = wrap(&line.sku, grid.inner(1), size, Weight::Regular, 2);
        let rows = name_lines.len().max(sku_lines.len());
        let height = rows as f32 * leading(size) + 2.0 * PAD;
        if y + height > bottom {
            pages.push(c);
            c = builder.canvas(page_w, page_h);
            c.left(margin, margin, 9.0, Weight::Bold, &title);
            y = grid.header(&mut c, margin + 4.0, 7.5);
        }
        let first = y + PAD + leading(size) * 0.78;
        grid.cell(
            &mut c,
            0,
            first,
            size,
            Weight::Regular,
            &(i + 1).to_string(),
        );
        let mut b = first;
        for l in &sku_lines {
            grid.cell(&mut c, 1, b, size, Weight::Regular, l);
            b += leading(size);
        }
        grid.cell(
            &mut c,
            2,
            first,
            size,
            Weight::Regular,
            line.barcode.as_deref().unwrap_or("—"),
        );
        let mut b = first;
        for l in &name_lines {
            grid.cell(&mut c, 3, b, size, Weight::Regular, l);
            b += leading(size);
        }
        grid.cell(
            &mut c,
            4,
            first,
            size,
            Weight::Bold,
            &line.quantity.to_string(),
        );
        grid.rules(&mut c, y, y + height, 0.3);
        y += height;
    }
    c.hline(margin, right, y, 0.6);
    if y + 30.0 > bottom {
        pages.push(c);
        c = builder.canvas(page_w, page_h);
        c.left(margin, margin, 9.0, Weight::Bold, &title);
        y = margin + 4.0;
    }
    y += 6.0;
    let units: i64 = view.lines.iter().map(|l| l.quantity).sum();
    c.right(
        right - PAD,
        y,
        10.0,
        Weight::Bold,
        &format!("{}: {units}", w.units),
    );
    y += 8.0;
    c.paragraph(margin, y, width, 9.0, Weight::Regular, 4, w.ask);
    pages.push(c);
    builder.push_all(pages, |c, page, total| {
        c.footer(
            margin,
            right,
            page_h - 7.0,
            &title,
            &common.page_n_of(page, total),
        );
    });
    Ok(builder.save())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_purchase_order_renders_in_both_languages_and_on_several_pages() {
        let line = |i: i64| PurchaseOrderLineView {
            sku: format!("DS-{i:03}"),
            name: "Термос 0,5 л, нержавеющая сталь".into(),
            quantity: i,
            barcode: Some("4601234567893".into()),
        };
        let view = PurchaseOrderView {
            number: "PO-000001".into(),
            date: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
            order_number: "2001".into(),
            buyer: Seller::demo(),
            supplier: SupplierParty {
                name: "ООО «Дропшип»".into(),
                email: "orders@dropship.example".into(),
                inn: "7707083893".into(),
                phone: String::new(),
            },
            ship_to: Party {
                name: "Иванова Мария".into(),
                address: "420021, Казань, ул. Садовая, 1".into(),
                phone: "+7 900 000-00-00".into(),
                email: String::new(),
            },
            delivery_method: "СДЭК".into(),
            comment: String::new(),
            lines: (1..=60).map(line).collect(),
        };
        for lang in [Lang::Ru, Lang::En] {
            let bytes = pdf(&view, lang).unwrap();
            assert!(bytes.starts_with(b"%PDF"), "a PDF");
        }
    }
}
