//! The товарный чек (sales receipt) that goes in a private buyer's parcel:
//! the seller with its ИНН, the number and date, the goods with quantity,
//! price and amount, the total, the VAT in it, the total in words and the
//! seller's signature. A4, in Russian (it is a Russian document).
//!
//! It is not a cash register receipt (кассовый чек under 54-ФЗ): it says
//! what was sold, nothing fiscal.

use super::invoice::InvoiceView;
use super::layout::{leading, Align, Canvas, Grid, PdfBuilder, Weight};
use super::propis;
use super::trade::{check_common, day, rows, rub, sign_line, table_row};
use super::words::rate;
use super::{invalid, Lang};
use crate::Result;

const LEFT: f32 = 15.0;
const RIGHT: f32 = 195.0;
const PAGE_W: f32 = 210.0;
const PAGE_H: f32 = 297.0;
const BOTTOM: f32 = 280.0;
const SIZE: f32 = 8.5;

fn grid() -> Grid {
    Grid::new(
        LEFT,
        vec![
            ("№", 8.0, Align::Right),
            ("Артикул", 24.0, Align::Left),
            ("Наименование товара", 72.0, Align::Left),
            ("Ед.", 16.0, Align::Center),
            ("Кол-во", 14.0, Align::Right),
            ("Цена, руб.", 23.0, Align::Right),
            ("Сумма, руб.", 23.0, Align::Right),
        ],
    )
}

pub fn pdf(view: &InvoiceView) -> Result<Vec<u8>> {
    check_common(view, "a товарный чек")?;
    let totals = view.totals();
    let words = propis::rubles(totals.total_minor).map_err(invalid)?;
    let title = format!("Товарный чек № {} от {}", view.number, day(view));
    let mut builder = PdfBuilder::new(&title);
    let grid = grid();
    let mut pages: Vec<Canvas> = Vec::new();
    let mut c = builder.canvas(PAGE_W, PAGE_H);

    // The seller, as the law asks: its name and ИНН.
    let s = &view.seller;
    let mut y = c.paragraph(LEFT, 18.0, RIGHT - LEFT, 11.0, Weight::Bold, 2, &s.name);
    let ids = if s.kpp.is_empty() {
        format!("ИНН {}", s.inn)
    } else {
        format!("ИНН {}, КПП {}", s.inn, s.kpp)
    };
    y = c.paragraph(LEFT, y, RIGHT - LEFT, 8.5, Weight::Regular, 1, &ids);
    if !s.address.is_empty() {
        y = c.paragraph(LEFT, y, RIGHT - LEFT, 8.5, Weight::Regular, 2, &s.address);
    }
    let contacts: Vec<String> = [
        (!s.phone.is_empty()).then(|| format!("тел. {}", s.phone)),
        (!s.email.is_empty()).then(|| s.email.clone()),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !contacts.is_empty() {
        y = c.paragraph(
            LEFT,
            y,
            RIGHT - LEFT,
            8.5,
            Weight::Regular,
            1,
            &contacts.join(", "),
        );
    }
    c.hline(LEFT, RIGHT, y - 2.0, 0.4);
    y += 8.0;
    c.center(
        (LEFT + RIGHT) / 2.0,
        y,
        14.0,
        Weight::Bold,
        &format!("ТОВАРНЫЙ ЧЕК № {} от {}", view.number, day(view)),
    );
    y += 6.0;
    if !view.buyer.name.is_empty() {
        c.left(
            LEFT,
            y,
            9.0,
            Weight::Regular,
            &format!("Покупатель: {}", view.buyer.name),
        );
        y += 3.0;
    }
    y = grid.header(&mut c, y + 1.0, 8.0);

    let rows = rows(view, &totals);
    for (i, r) in rows.iter().enumerate() {
        let cells = [
            (i + 1).to_string(),
            r.code.clone(),
            r.name.clone(),
            r.unit.to_string(),
            r.quantity.to_string(),
            rub(super::trade::per_unit_gross(r)),
            rub(r.amount),
        ];
        let h = match table_row(&mut c, &grid, y, SIZE, 2, &cells, BOTTOM) {
            Some(h) => h,
            None => {
                pages.push(c);
                c = builder.canvas(PAGE_W, PAGE_H);
                c.left(LEFT, 14.0, 9.0, Weight::Bold, &title);
                y = grid.header(&mut c, 18.0, 8.0);
                table_row(&mut c, &grid, y, SIZE, 2, &cells, BOTTOM)
                    .ok_or_else(|| invalid("a line of the товарный чек does not fit on a page"))?
            }
        };
        y += h;
    }

    // Totals, the amount in words and the signature: about 48 mm.
    if y + 48.0 > BOTTOM {
        pages.push(c);
        c = builder.canvas(PAGE_W, PAGE_H);
        c.left(LEFT, 14.0, 9.0, Weight::Bold, &title);
        y = 18.0;
    }
    let label_x = RIGHT - 30.0;
    y += 5.5;
    c.right(label_x, y, 10.0, Weight::Bold, "Итого:");
    c.right(RIGHT - 1.4, y, 10.0, Weight::Bold, &rub(totals.total_minor));
    y += 4.8;
    if totals.vat.is_empty() {
        c.right(label_x, y, 9.0, Weight::Regular, "Без НДС");
        c.right(RIGHT - 1.4, y, 9.0, Weight::Regular, "—");
        y += 4.5;
    }
    for v in &totals.vat {
        c.right(
            label_x,
            y,
            9.0,
            Weight::Regular,
            &format!("В том числе НДС {}:", rate(v.rate_bp, Lang::Ru)),
        );
        c.right(RIGHT - 1.4, y, 9.0, Weight::Regular, &rub(v.vat_minor));
        y += 4.5;
    }
    y += 3.0;
    c.left(
        LEFT,
        y,
        9.0,
        Weight::Regular,
        &format!(
            "Всего наименований {}, на сумму {} руб.",
            rows.len(),
            rub(totals.total_minor)
        ),
    );
    y += leading(9.0) + 0.5;
    y = c.paragraph(LEFT, y, RIGHT - LEFT, 9.5, Weight::Bold, 3, &words);
    y += 12.0;
    sign_line(
        &mut c,
        LEFT,
        y,
        9.5,
        "Продавец",
        &[(45.0, "подпись"), (60.0, "расшифровка подписи")],
    );
    c.right(RIGHT, y, 9.0, Weight::Regular, "М. П.");
    pages.push(c);
    builder.push_all(pages, |c, page, total| {
        c.hline(LEFT, RIGHT, 284.0, 0.3);
        c.footer(
            LEFT,
            RIGHT,
            288.0,
            &title,
            &super::words::words(super::Lang::Ru).page_n_of(page, total),
        );
    });
    Ok(builder.save())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_columns_fill_the_page_between_the_margins() {
        let width = grid().width();
        assert!((width - (RIGHT - LEFT)).abs() < 0.01, "{width}");
    }
}
