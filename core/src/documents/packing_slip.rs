//! The packing slip (A4 or A5): what is in the box, with bins and
//! quantities and no prices, and the order number as a barcode so the
//! parcel can be scanned back to its order (returns, complaints).

use super::barcode::Symbol;
use super::format::date;
use super::invoice::{barcode_width, barcode_with_text, party_block};
use super::layout::{leading, wrap, Align, Canvas, Grid, PdfBuilder, Weight, PAD};
use super::words::words;
use super::{invalid, Lang, Paper, Party};
use crate::Result;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PackingSlipLine {
    pub sku: String,
    pub name: String,
    pub bin: Option<String>,
    pub quantity: i64,
    pub packed: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PackingSlipView {
    pub number: String,
    pub date: NaiveDate,
    pub from: Party,
    pub ship_to: Party,
    pub delivery_method: String,
    pub comment: String,
    pub lines: Vec<PackingSlipLine>,
    /// The marking codes packed (SKU, code as scanned with its GS).
    pub marking_codes: Vec<(String, String)>,
}

pub fn pdf(view: &PackingSlipView, lang: Lang, paper: Paper) -> Result<Vec<u8>> {
    if !matches!(paper, Paper::A4 | Paper::A5) {
        return Err(invalid("a packing slip is printed on A4 or A5"));
    }
    let w = words(lang);
    let (page_w, page_h) = paper.size_mm();
    let small = paper == Paper::A5;
    let margin = if small { 10.0 } else { 15.0 };
    let right = page_w - margin;
    let width = right - margin;
    let bottom = page_h - if small { 14.0 } else { 17.0 };
    let title = format!("{} {} {}", w.packing_slip, w.no, view.number);
    let mut builder = PdfBuilder::new(&title);
    let mut pages: Vec<Canvas> = Vec::new();
    let mut c = builder.canvas(page_w, page_h);

    let title_size = if small { 14.0 } else { 18.0 };
    c.left(
        margin,
        margin + 6.0,
        title_size,
        Weight::Bold,
        w.packing_slip,
    );
    c.left(
        margin,
        margin + 12.0,
        10.0,
        Weight::Regular,
        &format!(
            "{} {} {} {}",
            w.order,
            view.number,
            w.of_date,
            date(view.date, lang)
        ),
    );
    let mut top = margin + 18.0;
    if let Some(symbol) = Symbol::code128(&view.number) {
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
        top = top.max(margin + 16.0);
    }

    // Who sends, who receives.
    let half = (width - 8.0) / 2.0;
    let to_details: Vec<String> = [view.ship_to.address.clone(), view.ship_to.phone.clone()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    let from_details: Vec<String> = [view.from.address.clone(), view.from.phone.clone()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    let a = party_block(
        &mut c,
        margin,
        top + 4.0,
        half,
        w.ship_to,
        &view.ship_to.name,
        &to_details,
    );
    let b = party_block(
        &mut c,
        margin + half + 8.0,
        top + 4.0,
        half,
        w.from,
        &view.from.name,
        &from_details,
    );
    let mut y = a.max(b) + 1.0;
    if !view.delivery_method.is_empty() {
        c.left(
            margin,
            y,
            9.0,
            Weight::Regular,
            &format!("{}: {}", w.delivery, view.delivery_method),
        );
        y += leading(9.0);
    }
    if !view.comment.trim().is_empty() {
        y = c.paragraph(
            margin,
            y,
            width,
            9.0,
            Weight::Bold,
            3,
            &format!("{}: {}", w.note, view.comment.trim()),
        );
    }
    y += 2.0;

    // Name column takes what the fixed columns leave.
    let fixed = 7.0 + 20.0 + 22.0 + 16.0 + 16.0 + 9.0;
    let grid = Grid::new(
        margin,
        vec![
            (w.col_no, 7.0, Align::Right),
            (w.bin, 20.0, Align::Left),
            (w.col_sku, 22.0, Align::Left),
            (w.col_item, width - fixed, Align::Left),
            (w.ordered, 16.0, Align::Right),
            (w.packed, 16.0, Align::Right),
            ("✓", 9.0, Align::Center),
        ],
    );
    let size = if small { 8.0 } else { 9.0 };
    y = grid.header(&mut c, y, 7.5);
    for (i, line) in view.lines.iter().enumerate() {
        let name_lines = wrap(&line.name, grid.inner(3), size, Weight::Regular, 3);
        let height = name_lines.len() as f32 * leading(size) + 2.0 * PAD;
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
        grid.cell(
            &mut c,
            1,
            first,
            size,
            Weight::Bold,
            line.bin.as_deref().unwrap_or("—"),
        );
        grid.cell(&mut c, 2, first, size, Weight::Regular, &line.sku);
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
            Weight::Regular,
            &line.quantity.to_string(),
        );
        let short = line.packed < line.quantity;
        grid.cell(
            &mut c,
            5,
            first,
            size,
            if short { Weight::Bold } else { Weight::Regular },
            &line.packed.to_string(),
        );
        // An empty box to tick by hand, or a tick for a fully packed line.
        let box_x = grid.left(6) + grid.col_width(6) / 2.0 - 1.8;
        c.frame(box_x, first - 3.0, 3.6, 3.6, 0.5);
        if !short {
            c.center(box_x + 1.8, first, size, Weight::Bold, "✓");
        }
        grid.rules(&mut c, y, y + height, 0.3);
        y += height;
    }
    c.hline(margin, right, y, 0.6);
    let units: i64 = view.lines.iter().map(|l| l.quantity).sum();
    let packed: i64 = view.lines.iter().map(|l| l.packed).sum();
    if y + 22.0 > bottom {
        pages.push(c);
        c = builder.canvas(page_w, page_h);
        c.left(margin, margin, 9.0, Weight::Bold, &title);
        y = margin + 4.0;
    }
    y += 6.0;
    c.right(
        right - PAD,
        y,
        10.0,
        Weight::Bold,
        &format!("{}: {packed} / {units}", w.units),
    );
    if !view.marking_codes.is_empty() {
        // The codes as text, a GS shown as a space: the EDO operator reads
        // them from the CSV export, the buyer and the courier from here.
        y += 8.0;
        if y + leading(9.0) * 2.0 > bottom {
            pages.push(c);
            c = builder.canvas(page_w, page_h);
            c.left(margin, margin, 9.0, Weight::Bold, &title);
            y = margin + 6.0;
        }
        c.left(margin, y, 9.0, Weight::Bold, w.marking_codes);
        for (sku, code) in &view.marking_codes {
            y += leading(7.5);
            if y > bottom - 16.0 {
                pages.push(c);
                c = builder.canvas(page_w, page_h);
                c.left(margin, margin, 9.0, Weight::Bold, &title);
                y = margin + 6.0;
            }
            c.left(
                margin,
                y,
                7.5,
                Weight::Regular,
                &format!("{sku}  {}", code.replace('\u{1d}', " ")),
            );
        }
    }
    if y + 16.0 > bottom {
        pages.push(c);
        c = builder.canvas(page_w, page_h);
        c.left(margin, margin, 9.0, Weight::Bold, &title);
        y = margin + 4.0;
    }
    y += 14.0;
    c.label_and_line(margin, y, 9.0, w.packed_by, 60.0);
    pages.push(c);
    builder.push_all(pages, |c, page, total| {
        c.footer(
            margin,
            right,
            page_h - 7.0,
            &title,
            &w.page_n_of(page, total),
        );
    });
    Ok(builder.save())
}
