//! The courier hand-over list (manifest) for one carrier and day: every
//! parcel handed over, with its tracking barcode so the courier can scan the
//! sheet, the totals, and lines for both signatures.

use super::barcode::Symbol;
use super::format::{date, money, weight_kg};
use super::invoice::{barcode_width, barcode_with_text, party_block};
use super::layout::{leading, wrap, Align, Canvas, Grid, PdfBuilder, Weight, PAD};
use super::words::words;
use super::{Lang, Seller};
use crate::Result;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ManifestParcel {
    pub number: String,
    pub tracking: Option<String>,
    pub recipient: String,
    pub address: String,
    pub units: i64,
    pub weight_g: i64,
    /// The order's total: the value declared to the carrier.
    pub value_minor: i64,
    pub currency: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ManifestView {
    pub carrier: String,
    pub date: NaiveDate,
    pub sender: Seller,
    pub parcels: Vec<ManifestParcel>,
}

impl ManifestView {
    pub fn total_weight_g(&self) -> i64 {
        self.parcels.iter().map(|p| p.weight_g).sum()
    }

    /// Declared value per currency (a day can mix roubles and euros).
    pub fn value_by_currency(&self) -> BTreeMap<String, i64> {
        let mut out = BTreeMap::new();
        for p in &self.parcels {
            *out.entry(p.currency.clone()).or_default() += p.value_minor;
        }
        out
    }
}

const LEFT: f32 = 15.0;
const RIGHT: f32 = 195.0;
const BOTTOM: f32 = 280.0;
const MODULE: f32 = 0.33;

pub fn pdf(view: &ManifestView, lang: Lang) -> Result<Vec<u8>> {
    let w = words(lang);
    let title = format!(
        "{} · {} · {}",
        w.manifest,
        view.carrier,
        date(view.date, lang)
    );
    let mut builder = PdfBuilder::new(&title);
    let mut pages: Vec<Canvas> = Vec::new();
    let mut c = builder.canvas(210.0, 297.0);
    c.left(LEFT, 20.0, 16.0, Weight::Bold, w.manifest);
    c.left(
        LEFT,
        28.0,
        11.0,
        Weight::Regular,
        &format!(
            "{}: {}    {}: {}",
            w.carrier,
            view.carrier,
            w.date,
            date(view.date, lang)
        ),
    );
    let details: Vec<String> = [view.sender.address.clone(), view.sender.phone.clone()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    let mut y = party_block(
        &mut c,
        LEFT,
        36.0,
        RIGHT - LEFT,
        w.sender,
        &view.sender.name,
        &details,
    );
    y += 1.5;
    let grid = Grid::new(
        LEFT,
        vec![
            (w.col_no, 7.0, Align::Right),
            (w.order, 17.0, Align::Left),
            (w.tracking, 54.0, Align::Left),
            (w.recipient, 60.0, Align::Left),
            (w.weight, 18.0, Align::Right),
            (w.value, 24.0, Align::Right),
        ],
    );
    y = grid.header(&mut c, y, 7.5);
    if view.parcels.is_empty() {
        c.left(LEFT + PAD, y + 6.0, 9.0, Weight::Regular, w.no_parcels);
        y += 9.0;
    }
    for (i, p) in view.parcels.iter().enumerate() {
        let height = 19.0;
        if y + height > BOTTOM {
            pages.push(c);
            c = builder.canvas(210.0, 297.0);
            c.left(LEFT, 14.0, 9.0, Weight::Bold, &title);
            y = grid.header(&mut c, 18.0, 7.5);
        }
        let first = y + PAD + leading(9.0) * 0.78;
        grid.cell(&mut c, 0, first, 9.0, Weight::Regular, &(i + 1).to_string());
        grid.cell(&mut c, 1, first, 9.0, Weight::Bold, &p.number);
        match p.tracking.as_deref() {
            Some(tracking) => {
                if let Some(symbol) = Symbol::code128(tracking) {
                    let fits = barcode_width(&symbol, MODULE) <= grid.col_width(2) + 1.0;
                    if fits {
                        let x = grid.left(2)
                            + (grid.col_width(2) - barcode_width(&symbol, MODULE)) / 2.0;
                        barcode_with_text(
                            &mut c,
                            x,
                            y + PAD + 0.3,
                            &symbol,
                            MODULE,
                            10.0,
                            Some((tracking, 8.0)),
                        );
                    } else {
                        grid.cell(&mut c, 2, first, 9.0, Weight::Regular, tracking);
                    }
                } else {
                    grid.cell(&mut c, 2, first, 9.0, Weight::Regular, tracking);
                }
            }
            None => grid.cell(&mut c, 2, first, 9.0, Weight::Regular, "—"),
        }
        grid.cell(&mut c, 3, first, 9.0, Weight::Bold, &p.recipient);
        let mut b = first + leading(9.0);
        for l in wrap(&p.address, grid.inner(3), 7.5, Weight::Regular, 3) {
            grid.cell(&mut c, 3, b, 7.5, Weight::Regular, &l);
            b += leading(7.5);
        }
        grid.cell(
            &mut c,
            4,
            first,
            9.0,
            Weight::Regular,
            &weight_kg(p.weight_g, lang),
        );
        grid.cell(
            &mut c,
            5,
            first,
            9.0,
            Weight::Regular,
            &money(p.value_minor, &p.currency, lang),
        );
        grid.rules(&mut c, y, y + height, 0.3);
        y += height;
    }
    c.hline(LEFT, RIGHT, y, 0.6);

    // Totals, then the two signatures.
    if y + 62.0 > BOTTOM {
        pages.push(c);
        c = builder.canvas(210.0, 297.0);
        c.left(LEFT, 14.0, 9.0, Weight::Bold, &title);
        y = 18.0;
    }
    y += 7.0;
    c.left(
        LEFT,
        y,
        10.0,
        Weight::Bold,
        &format!("{}: {}", w.parcels, view.parcels.len()),
    );
    c.right(
        RIGHT,
        y,
        10.0,
        Weight::Bold,
        &format!(
            "{}: {}",
            w.total_weight,
            weight_kg(view.total_weight_g(), lang)
        ),
    );
    y += 5.5;
    let values: Vec<String> = view
        .value_by_currency()
        .iter()
        .map(|(cur, v)| money(*v, cur, lang))
        .collect();
    if !values.is_empty() {
        c.right(
            RIGHT,
            y,
            10.0,
            Weight::Bold,
            &format!("{}: {}", w.declared_value, values.join(" + ")),
        );
    }
    y += 18.0;
    for (x, who) in [(LEFT, w.handed_over_by), (110.0, w.accepted_by)] {
        c.left(x, y, 9.5, Weight::Bold, who);
        c.hline(x, x + 35.0, y + 12.0, 0.5);
        c.hline(x + 40.0, x + 85.0, y + 12.0, 0.5);
        c.center(
            x + 17.5,
            y + 15.5,
            6.5,
            Weight::Regular,
            &format!("({})", w.signature),
        );
        c.center(
            x + 62.5,
            y + 15.5,
            6.5,
            Weight::Regular,
            &format!("({})", w.full_name),
        );
    }
    y += 26.0;
    c.label_and_line(LEFT, y, 9.5, &format!("{}:", w.time), 40.0);
    pages.push(c);
    builder.push_all(pages, |c, page, total| {
        c.hline(LEFT, RIGHT, 284.0, 0.3);
        c.footer(LEFT, RIGHT, 288.0, &title, &w.page_n_of(page, total));
    });
    Ok(builder.save())
}
