//! The товарная накладная, unified form ТОРГ-12 (ОКУД 0330212, approved by
//! Goskomstat's resolution of 25.12.1998 № 132), for a business buyer: the
//! shipper and consignee, supplier and payer with their ИНН and КПП, the
//! basis (the order), the goods with unit, quantity, price and amount
//! without VAT, VAT rate and amount, amount with VAT; a "Итого" under every
//! page's rows and "Всего по накладной" at the end; the total in words and
//! the signature lines of both sides. A4 landscape; a long order goes on
//! over more pages, the heading repeated.

use super::invalid;
use super::layout::{leading, wrap, Align, Canvas, Grid, PdfBuilder, Weight, PAD};
use super::propis;
use super::trade::{
    buyer_line, check_business, consignee_line, day, day_in_words, form_field, form_header, rows,
    rub, seller_line, sign_line, table_row, totals_row, vat_amount, vat_rate, TradeRow, TradeView,
};
use crate::Result;

const PAGE_W: f32 = 297.0;
const PAGE_H: f32 = 210.0;
const LEFT: f32 = 10.0;
const RIGHT: f32 = 287.0;
/// Rows and totals stop here; the page footer lives below.
const BOTTOM: f32 = 199.0;
const SIZE: f32 = 7.0;
const HEAD_SIZE: f32 = 6.0;
/// The codes column at the right of the heading.
const CODES_X: f32 = 259.0;
const CODE_LABEL_X: f32 = 257.0;
/// Where the heading's values start and end.
const VALUE_X: f32 = 43.0;
const VALUE_RIGHT: f32 = 222.0;
/// The closing block: counts, the total in words, the signatures.
const CLOSING: f32 = 66.0;

fn grid() -> Grid {
    Grid::new(
        LEFT,
        vec![
            ("Но- мер по по- рядку", 9.0, Align::Right),
            (
                "наименование, характеристика, сорт, артикул товара",
                63.0,
                Align::Left,
            ),
            ("код", 18.0, Align::Left),
            ("наиме- нование", 14.0, Align::Center),
            ("код по ОКЕИ", 11.0, Align::Center),
            ("Вид упаковки", 13.0, Align::Center),
            ("в одном месте", 12.0, Align::Right),
            ("мест, штук", 12.0, Align::Right),
            ("Масса брутто", 13.0, Align::Right),
            ("Количество (масса нетто)", 16.0, Align::Right),
            ("Цена, руб. коп.", 20.0, Align::Right),
            ("Сумма без учета НДС, руб. коп.", 22.0, Align::Right),
            ("ставка, %", 12.0, Align::Center),
            ("сумма, руб. коп.", 20.0, Align::Right),
            ("Сумма с учетом НДС, руб. коп.", 22.0, Align::Right),
        ],
    )
}

const GROUPS: [(usize, usize, &str); 4] = [
    (1, 2, "Товар"),
    (3, 4, "Единица измерения"),
    (6, 7, "Количество"),
    (12, 13, "НДС"),
];
const NUMBERS: [&str; 15] = [
    "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15",
];

fn cells(i: usize, r: &TradeRow) -> Vec<String> {
    vec![
        (i + 1).to_string(),
        r.name.clone(),
        r.code.clone(),
        r.unit.to_string(),
        r.okei.to_string(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        r.quantity.to_string(),
        rub(r.price_net),
        rub(r.amount_net),
        vat_rate(r.rate_bp),
        vat_amount(r),
        rub(r.amount),
    ]
}

/// The sums a "Итого" row shows, in the columns they go in.
fn sums(rows: &[&TradeRow]) -> Vec<(usize, String)> {
    let vat_charged = rows.iter().any(|r| r.rate_bp > 0);
    vec![
        (7, String::new()),
        (8, String::new()),
        (9, rows.iter().map(|r| r.quantity).sum::<i64>().to_string()),
        (11, rub(rows.iter().map(|r| r.amount_net).sum())),
        (
            13,
            if vat_charged {
                rub(rows.iter().map(|r| r.vat).sum())
            } else {
                "без НДС".into()
            },
        ),
        (14, rub(rows.iter().map(|r| r.amount).sum())),
    ]
}

/// A code cell at the right of the heading, from `top` to `bottom`, with
/// its label before it.
fn code_cell(c: &mut Canvas, top: f32, bottom: f32, label: &str, value: &str) {
    let base = top + (bottom - top) / 2.0 + 1.0;
    c.right(CODE_LABEL_X, base, HEAD_SIZE, Weight::Regular, label);
    c.frame(CODES_X, top, RIGHT - CODES_X, bottom - top, 0.6);
    c.center(
        (CODES_X + RIGHT) / 2.0,
        base,
        HEAD_SIZE + 0.5,
        Weight::Regular,
        value,
    );
}

/// One line of the heading with its code cell; returns where the next
/// begins.
fn heading_field(
    c: &mut Canvas,
    top: f32,
    label: &str,
    value: &str,
    caption: &str,
    code: (&str, &str),
) -> f32 {
    let first = top + leading(SIZE) * 0.78 + 0.8;
    let next = form_field(c, VALUE_X, VALUE_RIGHT, first, SIZE, label, value, caption);
    let bottom = next - leading(SIZE) * 0.78 + 0.2;
    code_cell(c, top, bottom, code.0, code.1);
    bottom
}

/// The heading of the first page: the form's stamp, the parties, the
/// basis, the codes, the title with the number and date; returns the top
/// of the table.
fn heading(c: &mut Canvas, view: &TradeView) -> f32 {
    let inv = &view.invoice;
    c.right(
        RIGHT,
        6.5,
        5.5,
        Weight::Regular,
        "Унифицированная форма № ТОРГ-12",
    );
    c.right(
        RIGHT,
        9.0,
        5.5,
        Weight::Regular,
        "Утверждена постановлением Госкомстата России от 25.12.98 № 132",
    );
    let mut top = 11.0;
    c.frame(CODES_X, top, RIGHT - CODES_X, 4.0, 0.6);
    c.center(
        (CODES_X + RIGHT) / 2.0,
        top + 3.0,
        HEAD_SIZE,
        Weight::Bold,
        "Коды",
    );
    top += 4.0;
    code_cell(c, top, top + 4.0, "Форма по ОКУД", "0330212");
    top += 4.0;
    let shipper = seller_line(&inv.seller);
    top = heading_field(
        c,
        top,
        "Грузоотправитель",
        &shipper,
        "организация-грузоотправитель, адрес, телефон, факс, банковские реквизиты",
        ("по ОКПО", ""),
    );
    top = heading_field(
        c,
        top,
        "",
        "",
        "структурное подразделение",
        ("Вид деятельности по ОКДП", ""),
    );
    top = heading_field(
        c,
        top,
        "Грузополучатель",
        &consignee_line(view),
        "организация, адрес, телефон, факс, банковские реквизиты",
        ("по ОКПО", ""),
    );
    top = heading_field(
        c,
        top,
        "Поставщик",
        &shipper,
        "организация, адрес, телефон, факс, банковские реквизиты",
        ("по ОКПО", ""),
    );
    top = heading_field(
        c,
        top,
        "Плательщик",
        &buyer_line(&view.buyer),
        "организация, адрес, телефон, факс, банковские реквизиты",
        ("по ОКПО", ""),
    );
    let basis = format!("Заказ № {} от {}", inv.number, day(inv));
    top = heading_field(
        c,
        top,
        "Основание",
        &basis,
        "договор, заказ-наряд",
        ("номер", &inv.number),
    );
    // The basis has a number and a date: the date's cell under the number's.
    let half = top + 4.0;
    code_cell(c, top, half, "дата", &day(inv));
    top = half;

    // The title with its number and date, the waybill's codes beside it.
    let box_x = 150.0;
    let (w_no, w_date) = (28.0, 28.0);
    let title_base = top + 8.5;
    c.right(
        box_x - 4.0,
        title_base,
        11.0,
        Weight::Bold,
        "ТОВАРНАЯ НАКЛАДНАЯ",
    );
    let head_top = top + 1.5;
    c.frame(box_x, head_top, w_no, 5.5, 0.6);
    c.frame(box_x + w_no, head_top, w_date, 5.5, 0.6);
    c.center(
        box_x + w_no / 2.0,
        head_top + 3.7,
        HEAD_SIZE,
        Weight::Regular,
        "Номер документа",
    );
    c.center(
        box_x + w_no + w_date / 2.0,
        head_top + 3.7,
        HEAD_SIZE,
        Weight::Regular,
        "Дата составления",
    );
    let value_top = head_top + 5.5;
    c.frame(box_x, value_top, w_no, 5.5, 1.0);
    c.frame(box_x + w_no, value_top, w_date, 5.5, 1.0);
    c.center(
        box_x + w_no / 2.0,
        value_top + 4.0,
        8.5,
        Weight::Bold,
        &inv.number,
    );
    c.center(
        box_x + w_no + w_date / 2.0,
        value_top + 4.0,
        8.5,
        Weight::Bold,
        &day(inv),
    );
    c.right(
        CODE_LABEL_X - 14.0,
        top + 6.0,
        HEAD_SIZE,
        Weight::Regular,
        "Транспортная накладная",
    );
    code_cell(c, top, top + 4.0, "номер", "");
    code_cell(c, top + 4.0, top + 8.0, "дата", "");
    code_cell(c, top + 8.0, top + 12.0, "Вид операции", "");
    top + 15.0
}

/// The closing block under the table: the counts, the total in words and
/// both sides' signatures; `records` is the number of rows.
fn closing(c: &mut Canvas, y: f32, view: &TradeView, records: usize, words: &str) {
    let s = SIZE;
    let mid = 150.0;
    let right_x = mid + 5.0;
    let mut y = y + 4.5;
    // Counts and attachments.
    let end = sign_line(
        c,
        LEFT,
        y,
        s,
        "Товарная накладная имеет приложение на",
        &[(18.0, "")],
    );
    c.left(end + 2.0, y, s, Weight::Regular, "листах");
    let end = sign_line(c, mid - 40.0, y, s, "и содержит", &[(70.0, "прописью")]);
    let count = propis::number(records as u64);
    c.center(end - 35.0, y - 0.3, s, Weight::Regular, &count);
    c.left(
        end + 2.0,
        y,
        s,
        Weight::Regular,
        "порядковых номеров записей",
    );
    y += 6.0;
    sign_line(c, LEFT, y, s, "Всего мест", &[(60.0, "прописью")]);
    let mass = [(75.0, "прописью")];
    sign_line(c, right_x, y, s, "Масса груза (нетто)", &mass);
    y += 6.0;
    let end = sign_line(
        c,
        LEFT,
        y,
        s,
        "Приложение (паспорта, сертификаты и т.п.) на",
        &[(18.0, "")],
    );
    c.left(end + 2.0, y, s, Weight::Regular, "листах");
    sign_line(c, right_x, y, s, "Масса груза (брутто)", &mass);
    y += 6.5;
    // The total in words.
    let label = "Всего отпущено на сумму";
    c.left(LEFT, y, 8.0, Weight::Regular, label);
    let x = LEFT + super::layout::text_width(label, 8.0, Weight::Regular) + 2.0;
    // Across the page, so that the words read on one line.
    let lines = wrap(words, RIGHT - x, 8.0, Weight::Bold, 2);
    for (i, l) in lines.iter().enumerate() {
        let b = y + i as f32 * leading(8.0);
        c.left(x, b, 8.0, Weight::Bold, l);
        c.hline(x, RIGHT, b + 0.9, 0.3);
    }
    let y_sign = y + (lines.len() - 1) as f32 * leading(8.0) + 6.5;

    // The supplier's side.
    let signer = [
        (28.0, "должность"),
        (22.0, "подпись"),
        (34.0, "расшифровка подписи"),
    ];
    let mut ys = y_sign;
    sign_line(c, LEFT, ys, s, "Отпуск груза разрешил", &signer);
    ys += 7.0;
    sign_line(
        c,
        LEFT,
        ys,
        s,
        "Главный (старший) бухгалтер",
        &[(28.0, "подпись"), (40.0, "расшифровка подписи")],
    );
    ys += 7.0;
    sign_line(c, LEFT, ys, s, "Отпуск груза произвел", &signer);
    ys += 7.5;

    // The buyer's side.
    let mut yb = y_sign;
    let end = sign_line(c, right_x, yb, s, "По доверенности №", &[(24.0, "")]);
    sign_line(c, end + 3.0, yb, s, "от", &[(30.0, "")]);
    yb += 6.0;
    let issued = [(
        RIGHT - right_x - 14.0,
        "кем, кому (организация, должность, фамилия, и. о.)",
    )];
    sign_line(c, right_x, yb, s, "выданной", &issued);
    yb += 7.0;
    sign_line(c, right_x, yb, s, "Груз принял", &signer);
    yb += 7.0;
    sign_line(c, right_x, yb, s, "Груз получил грузополучатель", &signer);
    yb += 7.5;

    // Seals and dates on one line.
    let seal = ys.max(yb);
    c.left(LEFT, seal, s, Weight::Regular, "М. П.");
    c.left(
        LEFT + 40.0,
        seal,
        s,
        Weight::Regular,
        &day_in_words(&view.invoice),
    );
    c.left(right_x, seal, s, Weight::Regular, "М. П.");
    c.left(
        right_x + 40.0,
        seal,
        s,
        Weight::Regular,
        "«___» ______________ 20___ г.",
    );
    c.vline(mid, y_sign - 4.0, seal + 1.5, 0.4);
}

pub fn pdf(view: &TradeView) -> Result<Vec<u8>> {
    check_business(view, "ТОРГ-12")?;
    let inv = &view.invoice;
    let totals = inv.totals();
    let words = propis::rubles(totals.total_minor).map_err(invalid)?;
    let rows = rows(inv, &totals);
    let title = format!("Товарная накладная № {} от {}", inv.number, day(inv));
    let mut builder = PdfBuilder::new(&title);
    let grid = grid();
    let total_h = leading(SIZE) + 2.0 * PAD;
    let mut pages: Vec<Canvas> = Vec::new();
    let mut c = builder.canvas(PAGE_W, PAGE_H);
    let mut y = heading(&mut c, view);
    y = form_header(&mut c, &grid, y, HEAD_SIZE, &GROUPS, &NUMBERS);
    let mut on_page: Vec<&TradeRow> = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let last = i + 1 == rows.len();
        // Room for this page's "Итого" (and "Всего" after the last row).
        let reserve = if last { 2.0 * total_h } else { total_h };
        let fitted = table_row(&mut c, &grid, y, SIZE, 1, &cells(i, r), BOTTOM - reserve);
        let h = match fitted {
            Some(h) => h,
            None => {
                totals_row(
                    &mut c,
                    &grid,
                    y,
                    SIZE,
                    Weight::Regular,
                    "Итого",
                    (7, 15),
                    &sums(&on_page),
                );
                on_page.clear();
                pages.push(c);
                c = builder.canvas(PAGE_W, PAGE_H);
                c.left(
                    LEFT,
                    10.0,
                    8.0,
                    Weight::Bold,
                    &format!("{title} (продолжение)"),
                );
                y = form_header(&mut c, &grid, 13.0, HEAD_SIZE, &GROUPS, &NUMBERS);
                table_row(&mut c, &grid, y, SIZE, 1, &cells(i, r), BOTTOM - reserve)
                    .ok_or_else(|| invalid("a line of the ТОРГ-12 does not fit on a page"))?
            }
        };
        on_page.push(r);
        y += h;
    }
    y = totals_row(
        &mut c,
        &grid,
        y,
        SIZE,
        Weight::Regular,
        "Итого",
        (7, 15),
        &sums(&on_page),
    );
    let all: Vec<&TradeRow> = rows.iter().collect();
    y = totals_row(
        &mut c,
        &grid,
        y,
        SIZE,
        Weight::Bold,
        "Всего по накладной",
        (7, 15),
        &sums(&all),
    );
    if y + CLOSING > BOTTOM {
        pages.push(c);
        c = builder.canvas(PAGE_W, PAGE_H);
        c.left(
            LEFT,
            10.0,
            8.0,
            Weight::Bold,
            &format!("{title} (продолжение)"),
        );
        y = 12.0;
    }
    closing(&mut c, y, view, rows.len(), &words);
    pages.push(c);
    builder.push_all(pages, |c, page, total| {
        c.hline(LEFT, RIGHT, 202.0, 0.3);
        c.footer(
            LEFT,
            RIGHT,
            205.5,
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
        assert_eq!(
            grid().cols.len(),
            NUMBERS.len(),
            "a number under every column"
        );
    }
}
