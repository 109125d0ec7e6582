//! The invoice (A4): seller and buyer, the lines with quantity, price,
//! discount, VAT rate and amount, delivery, totals.
//!
//! Prices include VAT, as Russian shops sell to consumers: the VAT in each
//! line is `amount * rate / (100% + rate)`, rounded half away from zero to
//! the currency's minor unit, line by line, and the totals are sums of the
//! rounded lines — so the printed columns always add up.

use super::barcode::Symbol;
use super::format::{amount, date, money};
use super::layout::{leading, wrap, Align, Canvas, Grid, PdfBuilder, Weight, PAD};
use super::words::{payment_status, rate, words, Words};
use super::{Lang, Party, Seller};
pub use crate::domain::lifecycle::Labels;
use crate::domain::money::{line_amount_minor, vat_included};
use crate::domain::PaymentStatus;
use crate::Result;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct InvoiceLine {
    pub sku: String,
    pub name: String,
    pub quantity: i64,
    pub unit_price_minor: i64,
    /// Discount on the whole line, not per unit.
    pub discount_minor: i64,
    pub tax_rate_bp: i64,
}

impl InvoiceLine {
    /// What the line costs after its discount, VAT included.
    pub fn amount_minor(&self) -> i64 {
        line_amount_minor(self.quantity, self.unit_price_minor, self.discount_minor)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct InvoiceView {
    /// The order number; the invoice carries the same number.
    pub number: String,
    pub date: NaiveDate,
    pub seller: Seller,
    pub buyer: Party,
    pub currency: String,
    pub payment: PaymentStatus,
    /// The order's status as the store names it.
    pub status: Labels,
    pub delivery_method: String,
    pub delivery_cost_minor: i64,
    /// VAT rate on delivery (the order's usual rate).
    pub delivery_tax_rate_bp: i64,
    pub lines: Vec<InvoiceLine>,
}

/// VAT of one rate across the invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VatSum {
    pub rate_bp: i64,
    pub vat_minor: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct InvoiceTotals {
    /// VAT of each line, in the order of the lines.
    pub line_vat_minor: Vec<i64>,
    pub goods_minor: i64,
    pub delivery_minor: i64,
    pub delivery_vat_minor: i64,
    /// Goods and delivery: what the buyer pays.
    pub total_minor: i64,
    /// VAT by rate, highest rate first; zero rates are left out.
    pub vat: Vec<VatSum>,
    pub vat_total_minor: i64,
}

impl InvoiceView {
    pub fn totals(&self) -> InvoiceTotals {
        let line_vat_minor: Vec<i64> = self
            .lines
            .iter()
            .map(|l| vat_included(l.amount_minor(), l.tax_rate_bp))
            .collect();
        let goods_minor = self.lines.iter().map(InvoiceLine::amount_minor).sum();
        let delivery_vat_minor = vat_included(self.delivery_cost_minor, self.delivery_tax_rate_bp);
        let mut by_rate: std::collections::BTreeMap<i64, i64> = Default::default();
        for (line, vat) in self.lines.iter().zip(&line_vat_minor) {
            if line.tax_rate_bp > 0 {
                *by_rate.entry(line.tax_rate_bp).or_default() += vat;
            }
        }
        if self.delivery_cost_minor != 0 && self.delivery_tax_rate_bp > 0 {
            *by_rate.entry(self.delivery_tax_rate_bp).or_default() += delivery_vat_minor;
        }
        let vat: Vec<VatSum> = by_rate
            .into_iter()
            .rev()
            .map(|(rate_bp, vat_minor)| VatSum { rate_bp, vat_minor })
            .collect();
        InvoiceTotals {
            vat_total_minor: vat.iter().map(|v| v.vat_minor).sum(),
            line_vat_minor,
            goods_minor,
            delivery_minor: self.delivery_cost_minor,
            delivery_vat_minor,
            total_minor: goods_minor + self.delivery_cost_minor,
            vat,
        }
    }
}

const LEFT: f32 = 15.0;
const RIGHT: f32 = 195.0;
const PAGE_W: f32 = 210.0;
const PAGE_H: f32 = 297.0;
/// Rows stop here; the footer lives below.
const BOTTOM: f32 = 280.0;
const TABLE_SIZE: f32 = 8.0;

fn grid(w: &Words, lang: Lang) -> Grid {
    let sku = if lang == Lang::Ru { 21.0 } else { 20.0 };
    Grid::new(
        LEFT,
        vec![
            (w.col_no, 7.0, Align::Right),
            (w.col_sku, sku, Align::Left),
            (w.col_item, 78.0 - sku, Align::Left),
            (w.col_qty, 13.0, Align::Right),
            (w.col_price, 19.0, Align::Right),
            (w.col_discount, 16.0, Align::Right),
            (w.col_amount, 21.0, Align::Right),
            (w.col_vat_rate, 10.0, Align::Right),
            (w.col_vat, 16.0, Align::Right),
        ],
    )
}

/// The seller's details as lines: address, tax ids, bank, contacts — one
/// fact a line, so that no number is broken across lines.
fn seller_lines(seller: &Seller, w: &Words) -> Vec<String> {
    let pairs = |items: &[(&str, &String)]| -> Option<String> {
        let parts: Vec<String> = items
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        (!parts.is_empty()).then(|| parts.join(", "))
    };
    [
        (!seller.address.is_empty()).then(|| seller.address.clone()),
        pairs(&[(w.inn, &seller.inn), (w.kpp, &seller.kpp)]),
        (!seller.bank_name.is_empty()).then(|| format!("{}: {}", w.bank, seller.bank_name)),
        pairs(&[(w.account, &seller.account)]),
        pairs(&[(w.bik, &seller.bik)]),
        pairs(&[(w.corr_account, &seller.corr_account)]),
        pairs(&[(w.phone, &seller.phone)]),
        pairs(&[(w.email, &seller.email)]),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// A labelled block of text (seller, buyer); returns the baseline after it.
pub(crate) fn party_block(
    canvas: &mut Canvas,
    x: f32,
    y: f32,
    width: f32,
    heading: &str,
    name: &str,
    details: &[String],
) -> f32 {
    canvas.left(x, y, 7.5, Weight::Bold, &heading.to_uppercase());
    let mut baseline = canvas.paragraph(x, y + 5.0, width, 10.5, Weight::Bold, 2, name);
    for line in details {
        baseline = canvas.paragraph(x, baseline, width, 8.5, Weight::Regular, 3, line);
    }
    baseline
}

/// The logo area: the shop's name set as a wordmark in a framed box, where
/// a shop's printed logo would go.
pub(crate) fn logo_area(canvas: &mut Canvas, x: f32, y: f32, w: f32, h: f32, name: &str) {
    canvas.frame(x, y, w, h, 0.8);
    canvas.shade(x + 0.6, y + 0.6, 3.0, h - 1.2, 0.15);
    let lines = wrap(name, w - 10.0, 13.0, Weight::Bold, 2);
    let block = lines.len() as f32 * leading(13.0);
    let mut baseline = y + (h - block) / 2.0 + leading(13.0) * 0.78;
    for line in &lines {
        canvas.left(x + 7.0, baseline, 13.0, Weight::Bold, line);
        baseline += leading(13.0);
    }
}

/// Draws `symbol` with its quiet zones starting at `x`, bars from `y` for
/// `height` mm, and the human-readable text under it; returns the width.
pub(crate) fn barcode_with_text(
    canvas: &mut Canvas,
    x: f32,
    y: f32,
    symbol: &Symbol,
    module: f32,
    height: f32,
    caption: Option<(&str, f32)>,
) -> f32 {
    let modules = symbol.modules();
    let quiet = symbol.quiet_modules() as f32 * module;
    let bars = modules.len() as f32 * module;
    canvas.bars(x + quiet, y, &modules, module, height);
    if let Some((text, text_size)) = caption {
        canvas.center(
            x + quiet + bars / 2.0,
            y + height + text_size * 0.42,
            text_size,
            Weight::Regular,
            text,
        );
    }
    bars + 2.0 * quiet
}

/// Width of `symbol` with its quiet zones at `module` mm.
pub(crate) fn barcode_width(symbol: &Symbol, module: f32) -> f32 {
    (symbol.modules().len() + 2 * symbol.quiet_modules()) as f32 * module
}

pub fn pdf(view: &InvoiceView, lang: Lang) -> Result<Vec<u8>> {
    let w = words(lang);
    let totals = view.totals();
    let title = format!("{} {} {}", w.invoice, w.no, view.number);
    let mut builder = PdfBuilder::new(&title);
    let grid = grid(w, lang);
    let cur = view.currency.as_str();
    let mut pages: Vec<Canvas> = Vec::new();
    let mut c = builder.canvas(PAGE_W, PAGE_H);

    // Head: logo area, title, date, order barcode.
    let shop = if view.seller.is_set() {
        view.seller.name.as_str()
    } else {
        w.not_set
    };
    logo_area(&mut c, LEFT, 12.0, 78.0, 24.0, shop);
    c.right(RIGHT, 20.0, 18.0, Weight::Bold, &title);
    c.right(
        RIGHT,
        26.5,
        10.0,
        Weight::Regular,
        &format!("{} {}", w.of_date, date(view.date, lang)),
    );
    if let Some(symbol) = Symbol::code128(&view.number) {
        let module = 0.4;
        let width = barcode_width(&symbol, module);
        barcode_with_text(
            &mut c,
            RIGHT - width + symbol.quiet_modules() as f32 * module,
            28.5,
            &symbol,
            module,
            8.0,
            None,
        );
    }

    // Seller and buyer side by side.
    let seller_details = if view.seller.is_set() {
        seller_lines(&view.seller, w)
    } else {
        Vec::new()
    };
    let left_end = party_block(&mut c, LEFT, 46.0, 84.0, w.seller, shop, &seller_details);
    let buyer_details: Vec<String> = [
        (!view.buyer.address.is_empty()).then(|| view.buyer.address.clone()),
        (!view.buyer.phone.is_empty()).then(|| format!("{} {}", w.phone, view.buyer.phone)),
        (!view.buyer.email.is_empty()).then(|| format!("{} {}", w.email, view.buyer.email)),
    ]
    .into_iter()
    .flatten()
    .collect();
    let right_end = party_block(
        &mut c,
        110.0,
        46.0,
        RIGHT - 110.0,
        w.buyer,
        &view.buyer.name,
        &buyer_details,
    );
    let mut y = left_end.max(right_end) + 2.0;
    let delivery = if view.delivery_method.is_empty() {
        "—".to_string()
    } else {
        view.delivery_method.clone()
    };
    c.left(
        LEFT,
        y,
        9.0,
        Weight::Regular,
        &format!(
            "{}: {}    {}: {}    {}: {}    {} {}",
            w.delivery,
            delivery,
            w.payment,
            payment_status(view.payment, lang),
            w.status,
            view.status.get(lang == Lang::Ru),
            w.order,
            view.number
        ),
    );
    c.right(
        RIGHT,
        y,
        8.0,
        Weight::Regular,
        &format!(
            "{}: {}",
            if lang == Lang::Ru {
                "Валюта"
            } else {
                "Currency"
            },
            cur
        ),
    );
    y += 3.5;
    y = grid.header(&mut c, y, 7.5);

    // Lines, then delivery as a line of its own.
    let mut rows: Vec<[String; 9]> = view
        .lines
        .iter()
        .zip(&totals.line_vat_minor)
        .enumerate()
        .map(|(i, (l, vat))| {
            [
                (i + 1).to_string(),
                l.sku.clone(),
                l.name.clone(),
                l.quantity.to_string(),
                amount(l.unit_price_minor, cur, lang),
                if l.discount_minor == 0 {
                    "—".into()
                } else {
                    amount(l.discount_minor, cur, lang)
                },
                amount(l.amount_minor(), cur, lang),
                if l.tax_rate_bp > 0 {
                    rate(l.tax_rate_bp, lang)
                } else {
                    w.no_vat.to_string()
                },
                amount(*vat, cur, lang),
            ]
        })
        .collect();
    if view.delivery_cost_minor != 0 {
        rows.push([
            (rows.len() + 1).to_string(),
            String::new(),
            format!("{}: {}", w.delivery_line, delivery),
            "1".into(),
            amount(view.delivery_cost_minor, cur, lang),
            "—".into(),
            amount(view.delivery_cost_minor, cur, lang),
            if view.delivery_tax_rate_bp > 0 {
                rate(view.delivery_tax_rate_bp, lang)
            } else {
                w.no_vat.to_string()
            },
            amount(totals.delivery_vat_minor, cur, lang),
        ]);
    }
    let line_h = leading(TABLE_SIZE);
    for row in &rows {
        let name_lines = wrap(&row[2], grid.inner(2), TABLE_SIZE, Weight::Regular, 3);
        let height = name_lines.len() as f32 * line_h + 2.0 * PAD;
        if y + height > BOTTOM {
            pages.push(c);
            c = builder.canvas(PAGE_W, PAGE_H);
            c.left(LEFT, 14.0, 9.0, Weight::Bold, &title);
            y = grid.header(&mut c, 18.0, 7.5);
        }
        let first = y + PAD + line_h * 0.78;
        for (i, text) in row.iter().enumerate() {
            if i == 2 {
                let mut b = first;
                for line in &name_lines {
                    grid.cell(&mut c, 2, b, TABLE_SIZE, Weight::Regular, line);
                    b += line_h;
                }
            } else {
                grid.cell(&mut c, i, first, TABLE_SIZE, Weight::Regular, text);
            }
        }
        grid.rules(&mut c, y, y + height, 0.3);
        y += height;
    }
    c.hline(LEFT, RIGHT, y, 0.6);

    // Totals and signatures need about 50 mm; else they go overleaf.
    if y + 50.0 > BOTTOM {
        pages.push(c);
        c = builder.canvas(PAGE_W, PAGE_H);
        c.left(LEFT, 14.0, 9.0, Weight::Bold, &title);
        y = 18.0;
    }
    let label_x = RIGHT - 42.0;
    y += 6.0;
    if view.delivery_cost_minor != 0 {
        c.right(
            label_x,
            y,
            9.0,
            Weight::Regular,
            &format!("{}:", w.goods_total),
        );
        c.right(
            RIGHT - PAD,
            y,
            9.0,
            Weight::Regular,
            &money(totals.goods_minor, cur, lang),
        );
        y += 4.6;
        c.right(
            label_x,
            y,
            9.0,
            Weight::Regular,
            &format!("{}:", w.delivery),
        );
        c.right(
            RIGHT - PAD,
            y,
            9.0,
            Weight::Regular,
            &money(totals.delivery_minor, cur, lang),
        );
        y += 5.2;
    }
    c.right(label_x, y, 11.0, Weight::Bold, &format!("{}:", w.total));
    c.right(
        RIGHT - PAD,
        y,
        11.0,
        Weight::Bold,
        &money(totals.total_minor, cur, lang),
    );
    y += 5.2;
    if totals.vat.is_empty() {
        c.right(label_x, y, 9.0, Weight::Regular, &format!("{}:", w.no_vat));
        c.right(RIGHT - PAD, y, 9.0, Weight::Regular, "—");
        y += 4.6;
    }
    for vat in &totals.vat {
        c.right(
            label_x,
            y,
            9.0,
            Weight::Regular,
            &format!("{} {}:", w.incl_vat, rate(vat.rate_bp, lang)),
        );
        c.right(
            RIGHT - PAD,
            y,
            9.0,
            Weight::Regular,
            &money(vat.vat_minor, cur, lang),
        );
        y += 4.6;
    }
    let summary_y = y + 4.0;
    c.left(
        LEFT,
        summary_y,
        9.0,
        Weight::Regular,
        &format!(
            "{} {}, {} {}",
            w.items_summary,
            rows.len(),
            if lang == Lang::Ru {
                "на сумму"
            } else {
                "total"
            },
            money(totals.total_minor, cur, lang)
        ),
    );
    c.left(
        LEFT,
        summary_y + 4.5,
        8.0,
        Weight::Regular,
        w.prices_incl_vat,
    );
    let sign_y = summary_y + 22.0;
    for (x, label) in [(LEFT, w.issued_by), (110.0, w.received_by)] {
        c.left(x, sign_y, 9.0, Weight::Regular, label);
        let start = x + super::layout::text_width(label, 9.0, Weight::Regular) + 3.0;
        c.hline(start, x + 80.0, sign_y + 0.8, 0.5);
        c.center(
            (start + x + 80.0) / 2.0,
            sign_y + 4.0,
            6.5,
            Weight::Regular,
            &format!(
                "({})",
                if lang == Lang::Ru {
                    "подпись"
                } else {
                    "signature"
                }
            ),
        );
    }
    pages.push(c);
    let footer_title = format!("{title} {} {}", w.of_date, date(view.date, lang));
    builder.push_all(pages, |c, page, total| {
        c.hline(LEFT, RIGHT, 284.0, 0.3);
        c.footer(LEFT, RIGHT, 288.0, &footer_title, &w.page_n_of(page, total));
    });
    Ok(builder.save())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(qty: i64, price: i64, discount: i64, rate: i64) -> InvoiceLine {
        InvoiceLine {
            sku: "PB-1".into(),
            name: "Кружка".into(),
            quantity: qty,
            unit_price_minor: price,
            discount_minor: discount,
            tax_rate_bp: rate,
        }
    }

    #[test]
    fn vat_inside_a_price_rounds_half_away_from_zero() {
        assert_eq!(
            vat_included(12_000, 2000),
            2_000,
            "120.00 with 20% holds 20.00"
        );
        // 1.00 at 20%: 16.666… kopecks -> 17.
        assert_eq!(vat_included(100, 2000), 17);
        // 0.03 at 20%: 0.5 kopeck exactly -> 1 (half away from zero).
        assert_eq!(vat_included(3, 2000), 1);
        assert_eq!(
            vat_included(-3, 2000),
            -1,
            "a refund line rounds the same way, negative"
        );
        // 10% of 0.11: 1.0 kopeck exactly.
        assert_eq!(vat_included(11, 1000), 1);
        assert_eq!(vat_included(99_999, 0), 0);
        assert!(
            vat_included(i64::MAX / 2, 2000) > 0,
            "no overflow on huge amounts"
        );
    }

    #[test]
    fn totals_are_sums_of_rounded_lines_and_delivery() {
        let view = InvoiceView {
            number: "1001".into(),
            date: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
            seller: Seller::demo(),
            buyer: Party::default(),
            currency: "RUB".into(),
            payment: PaymentStatus::Paid,
            status: Labels {
                en: "Ready".into(),
                ru: "Готов".into(),
            },
            delivery_method: "СДЭК".into(),
            delivery_cost_minor: 30_000,
            delivery_tax_rate_bp: 2000,
            lines: vec![
                line(2, 45_000, 0, 2000),
                line(1, 100, 0, 2000),
                line(3, 1_000, 500, 1000),
            ],
        };
        let t = view.totals();
        assert_eq!(t.line_vat_minor, vec![15_000, 17, 227]);
        assert_eq!(t.goods_minor, 90_000 + 100 + 2_500);
        assert_eq!(t.delivery_vat_minor, 5_000);
        assert_eq!(t.total_minor, 92_600 + 30_000);
        assert_eq!(
            t.vat,
            vec![
                VatSum {
                    rate_bp: 2000,
                    vat_minor: 15_000 + 17 + 5_000
                },
                VatSum {
                    rate_bp: 1000,
                    vat_minor: 227
                },
            ]
        );
        assert_eq!(t.vat_total_minor, 20_244);
    }
}
