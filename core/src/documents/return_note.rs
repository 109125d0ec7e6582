//! The return note (акт возврата): what came back from an order, in what
//! condition, where it went, and what the store did, with lines for both
//! signatures. A4, Russian or English.

use super::format::{date, money};
use super::invoice::party_block;
use super::layout::{leading, wrap, Align, Grid, PdfBuilder, Weight, PAD};
use super::{Lang, Party};
use crate::Result;
use chrono::NaiveDate;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReturnNoteLine {
    pub sku: String,
    pub name: String,
    pub units: i64,
    pub resellable: bool,
    /// The bin it went back into, or why it was written off.
    pub where_or_why: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReturnNoteView {
    pub return_id: i64,
    pub number: String,
    pub date: NaiveDate,
    pub seller: Party,
    pub customer: Party,
    pub lines: Vec<ReturnNoteLine>,
    /// refund, exchange, repair or none.
    pub outcome: String,
    /// An exchange's replacement order.
    pub exchange: Option<String>,
    pub refund_minor: i64,
    pub currency: String,
    pub note: String,
}

struct Words {
    title: &'static str,
    of_order: &'static str,
    from: &'static str,
    customer: &'static str,
    sku: &'static str,
    item: &'static str,
    units: &'static str,
    condition: &'static str,
    where_or_why: &'static str,
    resellable: &'static str,
    damaged: &'static str,
    outcome: &'static str,
    refund: &'static str,
    repair: &'static str,
    exchange: &'static str,
    nothing: &'static str,
    note: &'static str,
    handed: &'static str,
    received: &'static str,
}

const RU: Words = Words {
    title: "Акт возврата товара",
    of_order: "по заказу",
    from: "Продавец",
    customer: "Покупатель",
    sku: "Артикул",
    item: "Товар",
    units: "Кол-во",
    condition: "Состояние",
    where_or_why: "Ячейка / причина",
    resellable: "годен к продаже",
    damaged: "брак, списан",
    outcome: "Решение",
    refund: "возврат денег",
    repair: "ремонт",
    exchange: "обмен, новый заказ",
    nothing: "без возмещения",
    note: "Примечание",
    handed: "Сдал",
    received: "Принял",
};

const EN: Words = Words {
    title: "Return note",
    of_order: "for order",
    from: "Seller",
    customer: "Customer",
    sku: "SKU",
    item: "Item",
    units: "Units",
    condition: "Condition",
    where_or_why: "Bin / reason",
    resellable: "resellable",
    damaged: "damaged, written off",
    outcome: "Outcome",
    refund: "refund",
    repair: "repair",
    exchange: "exchange, new order",
    nothing: "nothing owed",
    note: "Note",
    handed: "Handed over by",
    received: "Received by",
};

pub fn pdf(view: &ReturnNoteView, lang: Lang) -> Result<Vec<u8>> {
    let w = match lang {
        Lang::Ru => &RU,
        Lang::En => &EN,
    };
    let (page_w, page_h) = (210.0, 297.0);
    let margin = 15.0;
    let right = page_w - margin;
    let width = right - margin;
    let title = format!(
        "{} № {} {} {}",
        w.title, view.return_id, w.of_order, view.number
    );
    let mut builder = PdfBuilder::new(&title);
    let bottom = page_h - 20.0;
    let mut pages = Vec::new();
    let mut c = builder.canvas(page_w, page_h);
    c.left(margin, margin + 6.0, 16.0, Weight::Bold, &title);
    c.left(
        margin,
        margin + 12.0,
        10.0,
        Weight::Regular,
        &date(view.date, lang),
    );
    let details = |p: &Party| -> Vec<String> {
        [p.address.clone(), p.phone.clone(), p.email.clone()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect()
    };
    let half = (width - 8.0) / 2.0;
    let a = party_block(
        &mut c,
        margin,
        margin + 22.0,
        half,
        w.from,
        &view.seller.name,
        &details(&view.seller),
    );
    let b = party_block(
        &mut c,
        margin + half + 8.0,
        margin + 22.0,
        half,
        w.customer,
        &view.customer.name,
        &details(&view.customer),
    );
    let mut y = a.max(b) + 4.0;
    let fixed = 24.0 + 14.0 + 34.0 + 40.0;
    let grid = Grid::new(
        margin,
        vec![
            (w.sku, 24.0, Align::Left),
            (w.item, width - fixed, Align::Left),
            (w.units, 14.0, Align::Right),
            (w.condition, 34.0, Align::Left),
            (w.where_or_why, 40.0, Align::Left),
        ],
    );
    let size = 9.0;
    y = grid.header(&mut c, y, 7.5);
    for line in &view.lines {
        let name = wrap(&line.name, grid.inner(1), size, Weight::Regular, 3);
        let why = wrap(&line.where_or_why, grid.inner(4), size, Weight::Regular, 3);
        let rows = name.len().max(why.len()).max(1);
        let height = rows as f32 * leading(size) + 2.0 * PAD;
        if y + height > bottom {
            pages.push(c);
            c = builder.canvas(page_w, page_h);
            c.left(margin, margin, 9.0, Weight::Bold, &title);
            y = grid.header(&mut c, margin + 4.0, 7.5);
        }
        let first = y + PAD + leading(size) * 0.78;
        grid.cell(&mut c, 0, first, size, Weight::Regular, &line.sku);
        for (i, l) in name.iter().enumerate() {
            grid.cell(
                &mut c,
                1,
                first + i as f32 * leading(size),
                size,
                Weight::Regular,
                l,
            );
        }
        grid.cell(
            &mut c,
            2,
            first,
            size,
            Weight::Bold,
            &line.units.to_string(),
        );
        grid.cell(
            &mut c,
            3,
            first,
            size,
            Weight::Regular,
            if line.resellable {
                w.resellable
            } else {
                w.damaged
            },
        );
        for (i, l) in why.iter().enumerate() {
            grid.cell(
                &mut c,
                4,
                first + i as f32 * leading(size),
                size,
                Weight::Regular,
                l,
            );
        }
        grid.rules(&mut c, y, y + height, 0.3);
        y += height;
    }
    c.hline(margin, right, y, 0.6);
    if y + 40.0 > bottom {
        pages.push(c);
        c = builder.canvas(page_w, page_h);
        c.left(margin, margin, 9.0, Weight::Bold, &title);
        y = margin + 4.0;
    }
    y += 8.0;
    let outcome = match view.outcome.as_str() {
        "refund" => format!(
            "{}: {} {}",
            w.outcome,
            w.refund,
            money(view.refund_minor, &view.currency, lang)
        ),
        "repair" => format!("{}: {}", w.outcome, w.repair),
        "exchange" => format!(
            "{}: {} {}",
            w.outcome,
            w.exchange,
            view.exchange.as_deref().unwrap_or("")
        ),
        _ => format!("{}: {}", w.outcome, w.nothing),
    };
    c.left(margin, y, 10.0, Weight::Bold, &outcome);
    if !view.note.trim().is_empty() {
        y = c.paragraph(
            margin,
            y + 6.0,
            width,
            9.0,
            Weight::Regular,
            4,
            &format!("{}: {}", w.note, view.note.trim()),
        );
    }
    y += 16.0;
    c.label_and_line(margin, y, 9.0, w.handed, 60.0);
    c.label_and_line(margin + half + 8.0, y, 9.0, w.received, 60.0);
    pages.push(c);
    builder.push_all(pages, |c, page, total| {
        c.footer(
            margin,
            right,
            page_h - 7.0,
            &title,
            &format!("{page}/{total}"),
        );
    });
    Ok(builder.save())
}
