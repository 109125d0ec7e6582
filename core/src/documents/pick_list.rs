//! The pick list (A4): one walk through the bins, sorted by bin; each line
//! carries the bin's barcode and the product's, the quantity to take and
//! the orders it serves, so a picker with a scanner and a picker with a pen
//! can both work from it.

use super::barcode::Symbol;
use super::format::date;
use super::invoice::{barcode_width, barcode_with_text};
use super::layout::{leading, wrap, Align, Canvas, Grid, PdfBuilder, Weight, PAD};
use super::words::words;
use super::Lang;
use crate::Result;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PickListLineView {
    pub bin: String,
    pub sku: String,
    pub name: String,
    pub barcode: Option<String>,
    pub quantity: i64,
    pub picked: i64,
    pub short: i64,
    pub orders: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PickListView {
    pub id: i64,
    pub date: NaiveDate,
    pub created_by: String,
    pub orders: Vec<String>,
    /// The orders' pinned service notes: (order number, text).
    #[serde(default)]
    pub notes: Vec<(String, String)>,
    /// In walking order: sorted by bin.
    pub lines: Vec<PickListLineView>,
}

impl From<&crate::domain::PickList> for PickListView {
    fn from(list: &crate::domain::PickList) -> Self {
        PickListView {
            id: list.id,
            date: list.created_at.date_naive(),
            created_by: list.created_by.clone(),
            orders: list.orders.clone(),
            notes: Vec::new(),
            lines: list
                .lines
                .iter()
                .map(|l| PickListLineView {
                    bin: l.bin.clone(),
                    sku: l.sku.clone(),
                    name: l.name.clone(),
                    barcode: l.barcode.clone(),
                    quantity: l.quantity,
                    picked: l.picked,
                    short: l.short,
                    orders: l.orders.clone(),
                })
                .collect(),
        }
    }
}

const LEFT: f32 = 15.0;
const RIGHT: f32 = 195.0;
const BOTTOM: f32 = 280.0;
/// Bars of 0.33 mm: the nominal EAN-13 module, still decodable at 203 dpi.
const MODULE: f32 = 0.33;
const BAR_H: f32 = 8.0;

pub fn pdf(view: &PickListView, lang: Lang) -> Result<Vec<u8>> {
    let w = words(lang);
    let title = format!("{} {} {}", w.pick_list, w.no, view.id);
    let mut builder = PdfBuilder::new(&title);
    let mut pages: Vec<Canvas> = Vec::new();
    let mut c = builder.canvas(210.0, 297.0);
    c.left(LEFT, 20.0, 18.0, Weight::Bold, &title);
    c.left(
        LEFT,
        27.0,
        9.5,
        Weight::Regular,
        &format!(
            "{} {}, {} {}",
            w.created,
            date(view.date, lang),
            w.created_by.to_lowercase(),
            view.created_by
        ),
    );
    let units: i64 = view.lines.iter().map(|l| l.quantity).sum();
    c.right(
        RIGHT,
        20.0,
        11.0,
        Weight::Bold,
        &format!("{} {} · {} {}", w.lines, view.lines.len(), w.units, units),
    );
    let mut y = c.paragraph(
        LEFT,
        33.0,
        RIGHT - LEFT,
        9.0,
        Weight::Regular,
        3,
        &format!("{}: {}", w.orders, view.orders.join(", ")),
    );
    for (number, text) in &view.notes {
        y = c.paragraph(
            LEFT,
            y + 1.0,
            RIGHT - LEFT,
            9.0,
            Weight::Bold,
            3,
            &format!("{} {number}: {text}", w.order_note),
        );
    }
    y += 1.0;
    let grid = Grid::new(
        LEFT,
        vec![
            (w.col_no, 7.0, Align::Right),
            (w.bin, 43.0, Align::Left),
            (w.product, 79.0, Align::Left),
            (w.col_qty, 15.0, Align::Right),
            (w.orders, 24.0, Align::Left),
            ("✓", 12.0, Align::Center),
        ],
    );
    y = grid.header(&mut c, y, 7.5);
    for (i, line) in view.lines.iter().enumerate() {
        let name_lines = wrap(&line.name, grid.inner(2), 9.0, Weight::Bold, 2);
        let text_h = name_lines.len() as f32 * leading(9.0) + leading(7.5);
        let height = (text_h + BAR_H + 4.5 + 2.0 * PAD).max(BAR_H + 10.0 + 2.0 * PAD);
        if y + height > BOTTOM {
            pages.push(c);
            c = builder.canvas(210.0, 297.0);
            c.left(LEFT, 14.0, 9.0, Weight::Bold, &title);
            y = grid.header(&mut c, 18.0, 7.5);
        }
        let first = y + PAD + leading(11.0) * 0.78;
        grid.cell(&mut c, 0, first, 9.0, Weight::Regular, &(i + 1).to_string());
        // Bin: its name large, its barcode under it.
        grid.cell(&mut c, 1, first, 11.0, Weight::Bold, &line.bin);
        if let Some(symbol) = Symbol::code128(&line.bin) {
            let x = grid.left(1) + PAD - symbol.quiet_modules() as f32 * MODULE + 1.0;
            let fits = barcode_width(&symbol, MODULE) <= grid.col_width(1) + 2.0;
            if fits {
                barcode_with_text(
                    &mut c,
                    x.max(grid.left(1)),
                    first + 2.5,
                    &symbol,
                    MODULE,
                    BAR_H,
                    None,
                );
            }
        }
        // Product: name, SKU, barcode.
        let mut b = y + PAD + leading(9.0) * 0.78;
        for l in &name_lines {
            grid.cell(&mut c, 2, b, 9.0, Weight::Bold, l);
            b += leading(9.0);
        }
        grid.cell(&mut c, 2, b - 0.4, 7.5, Weight::Regular, &line.sku);
        if let Some(symbol) = line.barcode.as_deref().and_then(Symbol::product) {
            let code = line.barcode.clone().unwrap_or_default();
            barcode_with_text(
                &mut c,
                grid.left(2) + PAD - 1.0,
                b + 1.0,
                &symbol,
                MODULE,
                BAR_H,
                Some((&code, 7.0)),
            );
        }
        // Quantity large; a short line says so.
        grid.cell(
            &mut c,
            3,
            first + 2.0,
            16.0,
            Weight::Bold,
            &line.quantity.to_string(),
        );
        if line.short > 0 {
            grid.cell(
                &mut c,
                3,
                first + 7.5,
                7.0,
                Weight::Bold,
                &format!("{} {}", w.short, line.short),
            );
        }
        let mut ob = y + PAD + leading(8.0) * 0.78;
        let orders = wrap(
            &line.orders.join(", "),
            grid.inner(4),
            8.0,
            Weight::Regular,
            5,
        );
        for l in &orders {
            grid.cell(&mut c, 4, ob, 8.0, Weight::Regular, l);
            ob += leading(8.0);
        }
        let box_x = grid.left(5) + grid.col_width(5) / 2.0 - 2.5;
        c.frame(box_x, y + PAD + 1.0, 5.0, 5.0, 0.6);
        if line.picked >= line.quantity {
            c.center(box_x + 2.5, y + PAD + 5.0, 10.0, Weight::Bold, "✓");
        }
        grid.rules(&mut c, y, y + height, 0.3);
        y += height;
    }
    c.hline(LEFT, RIGHT, y, 0.6);
    if y + 20.0 > BOTTOM {
        pages.push(c);
        c = builder.canvas(210.0, 297.0);
        y = 14.0;
    }
    y += 14.0;
    c.label_and_line(LEFT, y, 9.0, w.picked_by, 70.0);
    pages.push(c);
    builder.push_all(pages, |c, page, total| {
        c.hline(LEFT, RIGHT, 284.0, 0.3);
        c.footer(LEFT, RIGHT, 288.0, &title, &w.page_n_of(page, total));
    });
    Ok(builder.save())
}
