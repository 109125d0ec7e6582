//! What the Russian trade documents share: the товарный чек, ТОРГ-12 and
//! УПД are made from the order's invoice view (its lines, delivery and VAT
//! worked out once, in [`InvoiceView::totals`]) and, for a business buyer,
//! the buyer's legal details. Here: the view, the rows with their VAT, the
//! parties written out, and the drawing helpers the forms have in common
//! (two-level column headings, signature lines with captions).

use super::format::{amount, date};
use super::invoice::{InvoiceTotals, InvoiceView};
use super::layout::{leading, text_width, wrap, Align, Canvas, Grid, Weight, PAD};
use super::words::rate;
use super::{invalid, Lang, Seller};
use crate::domain::buyer::BusinessBuyer;
use crate::Result;
use serde::{Deserialize, Serialize};

/// The Russian documents that go with an order's goods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TradeDocument {
    /// Товарный чек: for a private buyer, in the parcel.
    SalesReceipt,
    /// ТОРГ-12, товарная накладная: for a business buyer.
    Torg12,
    /// УПД, универсальный передаточный документ: for a business buyer.
    Upd,
}

impl TradeDocument {
    pub const ALL: [TradeDocument; 3] = [
        TradeDocument::SalesReceipt,
        TradeDocument::Torg12,
        TradeDocument::Upd,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TradeDocument::SalesReceipt => "sales_receipt",
            TradeDocument::Torg12 => "torg12",
            TradeDocument::Upd => "upd",
        }
    }

    pub fn parse(text: &str) -> std::result::Result<TradeDocument, String> {
        let t = text.trim().to_lowercase().replace(['-', ' '], "_");
        match t.as_str() {
            "торг_12" | "торг12" | "torg_12" => return Ok(TradeDocument::Torg12),
            "упд" => return Ok(TradeDocument::Upd),
            "товарный_чек" => return Ok(TradeDocument::SalesReceipt),
            _ => {}
        }
        TradeDocument::ALL
            .into_iter()
            .find(|d| d.as_str() == t)
            .ok_or_else(|| {
                format!("{text:?} is not a trade document; use sales-receipt, torg12 or upd")
            })
    }
}

/// A document made out to a buyer: the order's invoice view and the
/// buyer's legal details (empty for a private buyer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TradeView {
    pub invoice: InvoiceView,
    pub buyer: BusinessBuyer,
}

/// One row of a trade document, every amount in kopecks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TradeRow {
    pub code: String,
    pub name: String,
    /// A good is counted in pieces (ОКЕИ 796), delivery is a service (876).
    pub unit: &'static str,
    pub okei: &'static str,
    pub quantity: i64,
    /// The price of one unit without VAT (the row's amount without VAT over
    /// its quantity, rounded to the kopeck: it is shown, never summed).
    pub price_net: i64,
    pub amount_net: i64,
    pub rate_bp: i64,
    pub vat: i64,
    /// With VAT: what the buyer pays for the row.
    pub amount: i64,
}

/// The rows of the order: its lines, then delivery as a service when it
/// costs something. VAT is the invoice's, line by line.
pub(crate) fn rows(view: &InvoiceView, totals: &InvoiceTotals) -> Vec<TradeRow> {
    let row = |code: &str, name: &str, unit, okei, quantity: i64, amount: i64, rate_bp, vat| {
        let amount_net = amount - vat;
        TradeRow {
            code: code.to_string(),
            name: name.to_string(),
            unit,
            okei,
            quantity,
            price_net: per_unit(amount_net, quantity),
            amount_net,
            rate_bp,
            vat,
            amount,
        }
    };
    let mut out: Vec<TradeRow> = view
        .lines
        .iter()
        .zip(&totals.line_vat_minor)
        .map(|(l, vat)| {
            row(
                &l.sku,
                &l.name,
                "шт",
                "796",
                l.quantity,
                l.amount_minor(),
                l.tax_rate_bp,
                *vat,
            )
        })
        .collect();
    if view.delivery_cost_minor != 0 {
        let name = if view.delivery_method.is_empty() {
            "Доставка".to_string()
        } else {
            format!("Доставка ({})", view.delivery_method)
        };
        out.push(row(
            "",
            &name,
            "усл. ед.",
            "876",
            1,
            view.delivery_cost_minor,
            view.delivery_tax_rate_bp,
            totals.delivery_vat_minor,
        ));
    }
    out
}

/// The price of one unit with VAT after the line's discount (the row's
/// amount over its quantity, rounded to the kopeck).
pub(crate) fn per_unit_gross(row: &TradeRow) -> i64 {
    per_unit(row.amount, row.quantity)
}

/// `amount / quantity` rounded half away from zero.
fn per_unit(amount: i64, quantity: i64) -> i64 {
    if quantity == 0 {
        return amount;
    }
    let (q, r) = (amount / quantity, amount % quantity);
    if 2 * r.abs() >= quantity.abs() {
        q + amount.signum() * quantity.signum()
    } else {
        q
    }
}

/// Kopecks as the forms write them: "12 345,50".
pub(crate) fn rub(kopecks: i64) -> String {
    amount(kopecks, "RUB", Lang::Ru)
}

/// "20%", or "без НДС" for goods sold without VAT.
pub(crate) fn vat_rate(rate_bp: i64) -> String {
    if rate_bp > 0 {
        rate(rate_bp, Lang::Ru)
    } else {
        "без НДС".into()
    }
}

/// A row's VAT amount: "без НДС" when none is charged.
pub(crate) fn vat_amount(row: &TradeRow) -> String {
    if row.rate_bp > 0 {
        rub(row.vat)
    } else {
        "без НДС".into()
    }
}

/// "20.11.2026".
pub(crate) fn day(view: &InvoiceView) -> String {
    date(view.date, Lang::Ru)
}

/// A date as the forms' signature blocks write it: «20» ноября 2026 г.
pub(crate) fn day_in_words(view: &InvoiceView) -> String {
    use chrono::Datelike;
    const MONTHS: [&str; 12] = [
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ];
    let d = view.date;
    format!(
        "«{:02}» {} {} г.",
        d.day(),
        MONTHS[d.month0() as usize],
        d.year()
    )
}

/// The refusals every document makes: roubles only, and a seller with a
/// name and an ИНН (the tax office reads them).
pub(crate) fn check_common(view: &InvoiceView, what: &str) -> Result<()> {
    if view.currency != "RUB" {
        return Err(invalid(format!(
            "{what} is made out in roubles; order {} is in {}",
            view.number, view.currency
        )));
    }
    if !view.seller.is_set() || view.seller.inn.is_empty() {
        return Err(invalid(format!(
            "{what} names the seller with its INN; fill in the seller's name and INN in the settings (print seller --set)"
        )));
    }
    Ok(())
}

/// ТОРГ-12 and УПД go to a business buyer: its legal name and ИНН must be
/// on the order.
pub(crate) fn check_business(view: &TradeView, what: &str) -> Result<()> {
    check_common(&view.invoice, what)?;
    let n = &view.invoice.number;
    let mut missing = Vec::new();
    if view.buyer.name.is_empty() {
        missing.push("legal name");
    }
    if view.buyer.inn.is_empty() {
        missing.push("INN");
    }
    if !missing.is_empty() {
        return Err(invalid(format!(
            "{what} for order {n} needs the buyer's {}; fill in the buyer's legal name, INN and KPP on the order \
             (packbench-cli orders edit {n} --buyer-name … --buyer-inn … --buyer-kpp …); a private buyer gets a товарный чек",
            missing.join(" and ")
        )));
    }
    Ok(())
}

/// "1655123453/165501001", or the ИНН alone without a КПП.
pub(crate) fn inn_kpp(inn: &str, kpp: &str) -> String {
    if kpp.is_empty() {
        inn.to_string()
    } else {
        format!("{inn}/{kpp}")
    }
}

/// The seller in one line, as ТОРГ-12 writes the shipper and the supplier:
/// name, ИНН, КПП, address, phone, bank details.
pub(crate) fn seller_line(s: &Seller) -> String {
    let mut parts = vec![s.name.clone()];
    if !s.inn.is_empty() {
        parts.push(format!("ИНН {}", s.inn));
    }
    if !s.kpp.is_empty() {
        parts.push(format!("КПП {}", s.kpp));
    }
    if !s.address.is_empty() {
        parts.push(s.address.clone());
    }
    if !s.phone.is_empty() {
        parts.push(format!("тел. {}", s.phone));
    }
    if !s.account.is_empty() {
        parts.push(format!("р/с {}", s.account));
    }
    if !s.bank_name.is_empty() {
        parts.push(format!("в {}", s.bank_name));
    }
    if !s.bik.is_empty() {
        parts.push(format!("БИК {}", s.bik));
    }
    if !s.corr_account.is_empty() {
        parts.push(format!("к/с {}", s.corr_account));
    }
    parts.join(", ")
}

/// The business buyer in one line: name, ИНН, КПП, legal address.
pub(crate) fn buyer_line(b: &BusinessBuyer) -> String {
    let mut parts = vec![b.name.clone()];
    if !b.inn.is_empty() {
        parts.push(format!("ИНН {}", b.inn));
    }
    if !b.kpp.is_empty() {
        parts.push(format!("КПП {}", b.kpp));
    }
    if !b.address.is_empty() {
        parts.push(b.address.clone());
    }
    parts.join(", ")
}

/// Where the goods go: the buyer, at the order's delivery address, with
/// the recipient's name and phone.
pub(crate) fn consignee_line(view: &TradeView) -> String {
    let to = &view.invoice.buyer;
    let mut parts = vec![view.buyer.name.clone()];
    if !view.buyer.inn.is_empty() {
        parts.push(format!("ИНН {}", view.buyer.inn));
    }
    if !view.buyer.kpp.is_empty() {
        parts.push(format!("КПП {}", view.buyer.kpp));
    }
    let address = if to.address.is_empty() {
        &view.buyer.address
    } else {
        &to.address
    };
    if !address.is_empty() {
        parts.push(address.clone());
    }
    if !to.name.is_empty() && to.name != view.buyer.name {
        parts.push(format!("получатель {}", to.name));
    }
    if !to.phone.is_empty() {
        parts.push(format!("тел. {}", to.phone));
    }
    parts.join(", ")
}

/// Column headings as the forms draw them: some columns under a shared
/// heading (`groups`: first and last column and the heading), every title
/// centred and wrapped, then a row of column numbers. Returns the top of
/// the first row.
pub(crate) fn form_header(
    c: &mut Canvas,
    grid: &Grid,
    y: f32,
    size: f32,
    groups: &[(usize, usize, &str)],
    numbers: &[&str],
) -> f32 {
    let n = grid.cols.len();
    let lh = leading(size);
    let group_of = |i: usize| groups.iter().position(|g| g.0 <= i && i <= g.1);
    // A word never breaks: a title too wide for its column is set smaller.
    let lines = |text: &str, width: f32| -> (f32, Vec<String>) {
        let s = [size, size - 0.5, size - 1.0, size - 1.5]
            .into_iter()
            .find(|s| {
                text.split_whitespace()
                    .all(|w| text_width(w, *s, Weight::Regular) <= width)
            })
            .unwrap_or(size - 1.5);
        (s, wrap(text, width, s, Weight::Regular, 12))
    };
    let titles: Vec<(f32, Vec<String>)> = (0..n)
        .map(|i| lines(&grid.cols[i].0, grid.inner(i)))
        .collect();
    let group_titles: Vec<(f32, Vec<String>)> = groups
        .iter()
        .map(|(a, b, t)| {
            let width = grid.left(*b) + grid.col_width(*b) - grid.left(*a) - 2.0 * PAD;
            lines(t, width)
        })
        .collect();
    let band = |count: usize| count as f32 * lh + 2.0 * PAD;
    let top = group_titles.iter().map(|t| t.1.len()).max().unwrap_or(0);
    let band1 = if groups.is_empty() { 0.0 } else { band(top) };
    let sub = (0..n)
        .filter(|i| group_of(*i).is_some())
        .map(|i| titles[i].1.len())
        .max()
        .unwrap_or(0);
    let whole = (0..n)
        .filter(|i| group_of(*i).is_none())
        .map(|i| titles[i].1.len())
        .max()
        .unwrap_or(1);
    let band2 = band(sub).max(band(whole) - band1);
    let height = band1 + band2;
    let right = grid.x + grid.width();
    c.shade(grid.x, y, grid.width(), height, 0.92);
    // Text, centred in its cell.
    let centred =
        |c: &mut Canvas, x: f32, w: f32, top: f32, h: f32, (s, ls): &(f32, Vec<String>)| {
            let block = ls.len() as f32 * lh;
            let mut b = top + (h - block) / 2.0 + lh * 0.78;
            for l in ls {
                c.text(x + w / 2.0, b, *s, Weight::Regular, Align::Center, l);
                b += lh;
            }
        };
    for (i, title) in titles.iter().enumerate() {
        let (x, w) = (grid.left(i), grid.col_width(i));
        match group_of(i) {
            None => centred(c, x, w, y, height, title),
            Some(_) => centred(c, x, w, y + band1, band2, title),
        }
    }
    for (g, (a, b, _)) in groups.iter().enumerate() {
        let x = grid.left(*a);
        let w = grid.left(*b) + grid.col_width(*b) - x;
        centred(c, x, w, y, band1, &group_titles[g]);
        c.hline(x, x + w, y + band1, 0.3);
    }
    // Rules: a column edge inside a group starts under the group's title.
    c.hline(grid.x, right, y, 0.6);
    c.vline(grid.x, y, y + height, 0.6);
    for i in 1..n {
        let inside = matches!((group_of(i - 1), group_of(i)), (Some(a), Some(b)) if a == b);
        let from = if inside { y + band1 } else { y };
        c.vline(grid.left(i), from, y + height, 0.3);
    }
    c.vline(right, y, y + height, 0.6);
    c.hline(grid.x, right, y + height, 0.3);
    // The numbers row.
    let ny = y + height;
    let nh = leading(size - 0.5) + PAD;
    for (i, number) in numbers.iter().enumerate().take(n) {
        c.center(
            grid.left(i) + grid.col_width(i) / 2.0,
            ny + PAD * 0.5 + leading(size - 0.5) * 0.78,
            size - 0.5,
            Weight::Regular,
            number,
        );
    }
    grid.rules(c, ny, ny + nh, 0.6);
    ny + nh
}

/// One table row: `cells` in their columns (the name column wrapped to
/// several lines); returns its height, or draws nothing and returns None
/// when it would pass `bottom`.
pub(crate) fn table_row(
    c: &mut Canvas,
    grid: &Grid,
    y: f32,
    size: f32,
    wrap_col: usize,
    cells: &[String],
    bottom: f32,
) -> Option<f32> {
    let lh = leading(size);
    let name = wrap(
        &cells[wrap_col],
        grid.inner(wrap_col),
        size,
        Weight::Regular,
        4,
    );
    let height = name.len() as f32 * lh + 2.0 * PAD;
    if y + height > bottom {
        return None;
    }
    let first = y + PAD + lh * 0.78;
    for (i, text) in cells.iter().enumerate() {
        if i == wrap_col {
            let mut b = first;
            for l in &name {
                grid.cell(c, i, b, size, Weight::Regular, l);
                b += lh;
            }
        } else {
            grid.cell(c, i, first, size, Weight::Regular, text);
        }
    }
    grid.rules(c, y, y + height, 0.3);
    Some(height)
}

/// A totals row under a table, as the forms draw it: `label` right-aligned
/// before column `from`, then a framed cell for every column from there up
/// to (not including) `to` with the value given for it, or "Х" where the
/// form adds nothing up.
#[allow(clippy::too_many_arguments)]
pub(crate) fn totals_row(
    c: &mut Canvas,
    grid: &Grid,
    y: f32,
    size: f32,
    weight: Weight,
    label: &str,
    (from, to): (usize, usize),
    values: &[(usize, String)],
) -> f32 {
    let h = leading(size) + 2.0 * PAD;
    let base = y + PAD + leading(size) * 0.78;
    c.right(grid.left(from) - PAD, base, size, weight, label);
    let right = grid.left(to - 1) + grid.col_width(to - 1);
    for i in from..to {
        let text = values
            .iter()
            .find(|(col, _)| *col == i)
            .map_or("Х", |(_, v)| v.as_str());
        let (_, w, align) = &grid.cols[i];
        let left = grid.left(i);
        let text = super::layout::fit(text, w - 2.0 * PAD, size, weight);
        match (align, text.as_str()) {
            (_, "Х") => c.center(left + w / 2.0, base, size, weight, &text),
            (Align::Right, _) => c.right(left + w - PAD, base, size, weight, &text),
            (Align::Center, _) => c.center(left + w / 2.0, base, size, weight, &text),
            (Align::Left, _) => c.left(left + PAD, base, size, weight, &text),
        }
        c.vline(left, y, y + h, 0.3);
    }
    c.vline(right, y, y + h, 0.6);
    c.hline(grid.left(from), right, y + h, 0.6);
    y + h
}

/// A signature place: `label`, then lines of the given widths with their
/// captions in small type under them ("подпись", "расшифровка подписи").
/// Returns the x where it ends.
pub(crate) fn sign_line(
    c: &mut Canvas,
    x: f32,
    y: f32,
    size: f32,
    label: &str,
    fields: &[(f32, &str)],
) -> f32 {
    c.left(x, y, size, Weight::Regular, label);
    let mut at = if label.is_empty() {
        x
    } else {
        x + text_width(label, size, Weight::Regular) + 2.0
    };
    for (width, caption) in fields {
        c.hline(at, at + width, y + 0.8, 0.4);
        if !caption.is_empty() {
            c.center(at + width / 2.0, y + 3.3, 5.0, Weight::Regular, caption);
        }
        at += width + 3.0;
    }
    at - 3.0
}

/// A labelled line of a form: the label, the value after it (wrapped to
/// `right`), a rule under the value and a caption under the rule. Returns
/// the baseline of the next line.
#[allow(clippy::too_many_arguments)]
pub(crate) fn form_field(
    c: &mut Canvas,
    value_x: f32,
    right: f32,
    y: f32,
    size: f32,
    label: &str,
    value: &str,
    caption: &str,
) -> f32 {
    c.right(value_x - 1.5, y, size, Weight::Regular, label);
    let lines = wrap(value, right - value_x, size, Weight::Regular, 3);
    let mut b = y;
    for (i, l) in lines.iter().enumerate() {
        if i > 0 {
            b += leading(size);
        }
        c.left(value_x, b, size, Weight::Regular, l);
    }
    c.hline(value_x, right, b + 0.9, 0.3);
    if caption.is_empty() {
        b + leading(size) + 0.8
    } else {
        c.center(
            (value_x + right) / 2.0,
            b + 3.0,
            5.0,
            Weight::Regular,
            caption,
        );
        b + leading(size) + 2.1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::invoice::InvoiceLine;
    use crate::documents::{Labels, Party};
    use crate::domain::PaymentStatus;
    use chrono::NaiveDate;

    pub(crate) fn view() -> InvoiceView {
        InvoiceView {
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
            delivery_cost_minor: 35_000,
            delivery_tax_rate_bp: 2000,
            lines: vec![
                InvoiceLine {
                    sku: "PB-1".into(),
                    name: "Кружка".into(),
                    quantity: 3,
                    unit_price_minor: 49_000,
                    discount_minor: 100,
                    tax_rate_bp: 2000,
                },
                InvoiceLine {
                    sku: "PB-2".into(),
                    name: "Книга".into(),
                    quantity: 1,
                    unit_price_minor: 55_000,
                    discount_minor: 0,
                    tax_rate_bp: 1000,
                },
            ],
        }
    }

    #[test]
    fn names_parse_as_people_write_them() {
        for (text, doc) in [
            ("torg12", TradeDocument::Torg12),
            ("ТОРГ-12", TradeDocument::Torg12),
            ("UPD", TradeDocument::Upd),
            ("sales-receipt", TradeDocument::SalesReceipt),
        ] {
            assert_eq!(TradeDocument::parse(text), Ok(doc), "{text}");
        }
        assert!(TradeDocument::parse("invoice").is_err());
    }

    #[test]
    fn rows_carry_the_invoices_vat_and_add_up_to_the_order() {
        let v = view();
        let totals = v.totals();
        let rows = rows(&v, &totals);
        assert_eq!(rows.len(), 3, "two lines and delivery");
        // 3 x 490.00 - 1.00 = 1469.00 with 20%: VAT 244.83.
        assert_eq!(rows[0].amount, 146_900);
        assert_eq!(rows[0].vat, totals.line_vat_minor[0]);
        assert_eq!(rows[0].vat, 24_483);
        assert_eq!(rows[0].amount_net, 122_417);
        assert_eq!(rows[0].price_net, 40_806, "122 417 / 3 rounded");
        assert_eq!(rows[1].vat, 5_000);
        assert_eq!((rows[2].unit, rows[2].okei), ("усл. ед.", "876"));
        assert_eq!(rows[2].vat, totals.delivery_vat_minor);
        assert_eq!(
            rows.iter().map(|r| r.amount).sum::<i64>(),
            totals.total_minor
        );
        assert_eq!(
            rows.iter().map(|r| r.vat).sum::<i64>(),
            totals.vat_total_minor
        );
        assert_eq!(per_unit(10, 4), 3, "2.5 rounds away from zero");
        assert_eq!(per_unit(-10, 4), -3);
        assert_eq!(per_unit(9, 4), 2);
    }

    #[test]
    fn a_business_document_names_what_is_missing() {
        let mut trade = TradeView {
            invoice: view(),
            buyer: BusinessBuyer::default(),
        };
        let e = check_business(&trade, "ТОРГ-12").unwrap_err().to_string();
        assert!(
            e.contains("legal name and INN") && e.contains("--buyer-inn"),
            "{e}"
        );
        trade.buyer.name = "ООО «Ромашка»".into();
        let e = check_business(&trade, "УПД").unwrap_err().to_string();
        assert!(e.contains("buyer's INN"), "{e}");
        trade.buyer.inn = "7707083893".into();
        assert!(check_business(&trade, "УПД").is_ok());
        trade.invoice.currency = "EUR".into();
        let e = check_business(&trade, "УПД").unwrap_err().to_string();
        assert!(e.contains("roubles") && e.contains("EUR"), "{e}");
        trade.invoice.currency = "RUB".into();
        trade.invoice.seller.inn.clear();
        let e = check_business(&trade, "УПД").unwrap_err().to_string();
        assert!(e.contains("seller's name and INN"), "{e}");
    }
}
