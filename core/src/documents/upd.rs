//! The универсальный передаточный документ (УПД): the invoice (счёт-фактура,
//! by the form of the Government's resolution of 26.12.2011 № 1137 as
//! amended on 02.04.2021 № 534) and the transfer document in one, as the
//! ФНС's letter of 21.10.2013 № ММВ-20-3/96@ lays it out. Status 1 (both)
//! when VAT is charged, 2 (the transfer document only) when it is not.
//!
//! The seller and buyer with their ИНН/КПП, the consignee, the shipping
//! document, the currency; the goods with unit, quantity, price and cost
//! without tax, excise, VAT rate and amount, cost with tax; "Всего к оплате";
//! the total in words; the signatures for the invoice and both sides of the
//! transfer (items [8]–[19]). A4 landscape; a long order goes on over more
//! pages. The traceability columns 12–13 are left out: the shop's goods are
//! not traceable goods, and they would not fit the page.

use super::layout::{leading, text_width, wrap, Align, Canvas, Grid, PdfBuilder, Weight, PAD};
use super::propis;
use super::trade::{
    check_business, consignee_line, day, day_in_words, form_header, inn_kpp, rows, rub, sign_line,
    table_row, totals_row, vat_amount, vat_rate, TradeRow, TradeView,
};
use super::{invalid, Seller};
use crate::Result;

const PAGE_W: f32 = 297.0;
const PAGE_H: f32 = 210.0;
const LEFT: f32 = 10.0;
const RIGHT: f32 = 287.0;
const BOTTOM: f32 = 199.0;
const SIZE: f32 = 7.0;
const HEAD_SIZE: f32 = 5.5;
/// The left strip: the document's name and status.
const STRIP: f32 = 42.0;
/// The closing block: the total in words, the signatures, the transfer.
const CLOSING: f32 = 74.0;

fn grid() -> Grid {
    Grid::new(
        LEFT,
        vec![
            ("№ п/п", 7.0, Align::Right),
            ("Код товара/ работ, услуг", 15.0, Align::Left),
            (
                "Наименование товара (описание выполненных работ, оказанных услуг), имущественного права",
                52.0,
                Align::Left,
            ),
            ("Код вида товара", 10.0, Align::Center),
            ("код", 9.0, Align::Center),
            ("условное обозна- чение (нацио- нальное)", 13.0, Align::Center),
            ("Коли- чество (объем)", 13.0, Align::Right),
            ("Цена (тариф) за единицу измерения", 18.0, Align::Right),
            (
                "Стоимость товаров (работ, услуг), имущест- венных прав без налога — всего",
                20.0,
                Align::Right,
            ),
            ("В том числе сумма акциза", 19.0, Align::Center),
            ("Нало- говая ставка", 11.0, Align::Center),
            ("Сумма налога, предъяв- ляемая покупателю", 18.0, Align::Right),
            (
                "Стоимость товаров (работ, услуг), имущест- венных прав с налогом — всего",
                20.0,
                Align::Right,
            ),
            ("цифро- вой код", 10.0, Align::Center),
            ("краткое наиме- нование", 13.0, Align::Center),
            (
                "Регистрационный номер декларации на товары или регистрационный номер партии товара, подлежащего прослежи- ваемости",
                29.0,
                Align::Center,
            ),
        ],
    )
}

const GROUPS: [(usize, usize, &str); 2] = [
    (4, 5, "Единица измерения"),
    (13, 14, "Страна происхождения товара"),
];
const NUMBERS: [&str; 16] = [
    "", "А", "1", "1а", "2", "2а", "3", "4", "5", "6", "7", "8", "9", "10", "10а", "11",
];

fn cells(i: usize, r: &TradeRow) -> Vec<String> {
    vec![
        (i + 1).to_string(),
        if r.code.is_empty() {
            "—".into()
        } else {
            r.code.clone()
        },
        r.name.clone(),
        "—".into(),
        r.okei.to_string(),
        r.unit.to_string(),
        r.quantity.to_string(),
        rub(r.price_net),
        rub(r.amount_net),
        "без акциза".into(),
        vat_rate(r.rate_bp),
        vat_amount(r),
        rub(r.amount),
        "—".into(),
        "—".into(),
        "—".into(),
    ]
}

/// One line of the heading: label, value (wrapped), rule, and the item's
/// number at the right; returns the baseline of the next.
fn head_line(c: &mut Canvas, y: f32, label: &str, value: &str, item: &str, bold: bool) -> f32 {
    let size = 6.3;
    let x = LEFT + STRIP + 4.0;
    // A label longer than its column pushes its value along.
    let value_x = (x + 62.0).max(x + text_width(label, size, Weight::Regular) + 2.0);
    let value_right = RIGHT - 8.0;
    c.left(x, y, size, Weight::Regular, label);
    let weight = if bold { Weight::Bold } else { Weight::Regular };
    let lines = wrap(value, value_right - value_x, size, weight, 2);
    let mut b = y;
    for (i, l) in lines.iter().enumerate() {
        if i > 0 {
            b += leading(size);
        }
        c.left(value_x, b, size, weight, l);
    }
    c.hline(value_x, value_right, b + 0.8, 0.3);
    c.right(RIGHT, y, 6.0, Weight::Regular, item);
    b + leading(size) + 0.5
}

/// The heading of the first page; returns the top of the table.
fn heading(c: &mut Canvas, view: &TradeView, status: u8, records: usize) -> f32 {
    let inv = &view.invoice;
    let s: &Seller = &inv.seller;
    for (i, line) in [
        "Приложение № 1 к постановлению Правительства Российской Федерации",
        "от 26 декабря 2011 г. № 1137 (в ред. постановления Правительства РФ от 02.04.2021 № 534)",
    ]
    .iter()
    .enumerate()
    {
        c.right(RIGHT, 6.0 + i as f32 * 2.3, 5.0, Weight::Regular, line);
    }
    // The strip: the document's name and its status.
    let top = 11.0;
    let mut y = c.paragraph(
        LEFT,
        top + 3.5,
        STRIP - 2.0,
        9.0,
        Weight::Bold,
        3,
        "Универсальный передаточный документ",
    );
    y += 1.5;
    c.left(LEFT, y, 7.0, Weight::Regular, "Статус:");
    let sx = LEFT + text_width("Статус:", 7.0, Weight::Regular) + 2.0;
    c.frame(sx, y - 3.4, 7.0, 4.6, 0.8);
    c.center(sx + 3.5, y, 8.0, Weight::Bold, &status.to_string());
    y += 4.5;
    for line in [
        "1 — счет-фактура и передаточный",
        "документ (акт)",
        "2 — передаточный документ (акт)",
    ] {
        c.left(LEFT, y, 5.5, Weight::Regular, line);
        y += 2.4;
    }

    // The invoice's heading, items (1)–(8).
    let mut b = top + 2.0;
    let x = LEFT + STRIP + 4.0;
    c.left(
        x,
        b,
        8.5,
        Weight::Bold,
        &format!("Счет-фактура № {}   от {}", inv.number, day(inv)),
    );
    c.right(RIGHT, b, 6.0, Weight::Regular, "(1)");
    b += 3.6;
    c.left(x, b, 7.0, Weight::Regular, "Исправление № —   от —");
    c.right(RIGHT, b, 6.0, Weight::Regular, "(1а)");
    b += 3.8;
    b = head_line(c, b, "Продавец:", &s.name, "(2)", true);
    b = head_line(c, b, "Адрес:", &s.address, "(2а)", false);
    b = head_line(
        c,
        b,
        "ИНН/КПП продавца:",
        &inn_kpp(&s.inn, &s.kpp),
        "(2б)",
        false,
    );
    b = head_line(c, b, "Грузоотправитель и его адрес:", "он же", "(3)", false);
    b = head_line(
        c,
        b,
        "Грузополучатель и его адрес:",
        &consignee_line(view),
        "(4)",
        false,
    );
    b = head_line(
        c,
        b,
        "К платежно-расчетному документу",
        "№ —   от —",
        "(5)",
        false,
    );
    b = head_line(
        c,
        b,
        "Документ об отгрузке",
        &format!("№ п/п 1–{records}   № {}   от {}", inv.number, day(inv)),
        "(5а)",
        false,
    );
    b = head_line(c, b, "Покупатель:", &view.buyer.name, "(6)", true);
    b = head_line(c, b, "Адрес:", &view.buyer.address, "(6а)", false);
    b = head_line(
        c,
        b,
        "ИНН/КПП покупателя:",
        &inn_kpp(&view.buyer.inn, &view.buyer.kpp),
        "(6б)",
        false,
    );
    b = head_line(
        c,
        b,
        "Валюта: наименование, код",
        "Российский рубль, 643",
        "(7)",
        false,
    );
    b = head_line(
        c,
        b,
        "Идентификатор государственного контракта, договора (соглашения) (при наличии):",
        "",
        "(8)",
        false,
    );
    let table_top = b.max(y) + 0.5;
    c.vline(LEFT + STRIP, top - 1.0, table_top - 1.0, 1.2);
    table_top
}

/// The closing block: the total in words, the invoice's signatures, and
/// the transfer's items [8]–[19] for both sides.
fn closing(c: &mut Canvas, y: f32, view: &TradeView, sheets: usize, words: &str) {
    let inv = &view.invoice;
    let s = &inv.seller;
    let size = 6.5;
    let mid = 150.0;
    let mut y = y + 4.5;
    let label = "Всего к оплате (прописью):";
    c.left(LEFT, y, 7.5, Weight::Regular, label);
    let x = LEFT + text_width(label, 7.5, Weight::Regular) + 2.0;
    let lines = wrap(words, RIGHT - x, 7.5, Weight::Bold, 2);
    for (i, l) in lines.iter().enumerate() {
        c.left(x, y + i as f32 * leading(7.5), 7.5, Weight::Bold, l);
    }
    y += lines.len() as f32 * leading(7.5) + 4.0;

    // The invoice's signatures, the strip with the number of sheets.
    c.paragraph(
        LEFT,
        y,
        STRIP - 2.0,
        size,
        Weight::Regular,
        2,
        &format!(
            "Документ составлен на {sheets} {}",
            if sheets % 10 == 1 && sheets % 100 != 11 {
                "листе"
            } else {
                "листах"
            }
        ),
    );
    let xs = LEFT + STRIP + 4.0;
    let pair = [(22.0, "(подпись)"), (34.0, "(ф.и.о.)")];
    sign_line(
        c,
        xs,
        y,
        size,
        "Руководитель организации или иное уполномоченное лицо",
        &pair,
    );
    let chief = "Главный бухгалтер или иное уполномоченное лицо";
    let chief_fields = [(16.0, "(подпись)"), (26.0, "(ф.и.о.)")];
    let chief_x = RIGHT - text_width(chief, size, Weight::Regular) - 2.0 - 16.0 - 3.0 - 26.0;
    sign_line(c, chief_x, y, size, chief, &chief_fields);
    y += 7.0;
    let end = sign_line(
        c,
        xs,
        y,
        size,
        "Индивидуальный предприниматель или иное уполномоченное лицо",
        &pair,
    );
    sign_line(
        c,
        end + 6.0,
        y,
        size,
        "",
        &[(
            RIGHT - end - 6.0,
            "(реквизиты свидетельства о государственной регистрации индивидуального предпринимателя)",
        )],
    );
    c.vline(LEFT + STRIP, y - 10.5, y + 4.0, 1.2);
    y += 5.0;
    c.hline(LEFT, RIGHT, y, 1.0);
    y += 4.5;

    // The transfer, items [8] and [9] across the page.
    let across = |c: &mut Canvas, y: f32, label: &str, value: &str, item: &str| {
        c.left(LEFT, y, size, Weight::Regular, label);
        let vx = LEFT + text_width(label, size, Weight::Regular) + 3.0;
        c.left(vx, y, size, Weight::Regular, value);
        c.hline(vx, RIGHT - 8.0, y + 0.8, 0.3);
        c.right(RIGHT, y, 6.0, Weight::Regular, item);
    };
    across(
        c,
        y,
        "Основание передачи (сдачи) / получения (приемки)",
        &format!("Заказ № {} от {}", inv.number, day(inv)),
        "[8]",
    );
    y += 4.5;
    across(
        c,
        y,
        "Данные о транспортировке и грузе",
        &inv.delivery_method,
        "[9]",
    );
    y += 5.5;

    // Two columns: who handed over (the seller), who received (the buyer).
    let signer = [
        (26.0, "(должность)"),
        (20.0, "(подпись)"),
        (32.0, "(ф.и.о.)"),
    ];
    let column = |c: &mut Canvas,
                  x: f32,
                  right: f32,
                  y: f32,
                  texts: [&str; 5],
                  items: [&str; 5],
                  date: &str,
                  subject: &str| {
        let mut y = y;
        let heading = |c: &mut Canvas, y: f32, text: &str, item: &str| -> f32 {
            let lines = wrap(text, right - x - 8.0, size, Weight::Regular, 2);
            let mut b = y;
            for l in &lines {
                c.left(x, b, size, Weight::Regular, l);
                b += leading(size);
            }
            c.right(right, y, 6.0, Weight::Regular, item);
            b
        };
        y = heading(c, y, texts[0], items[0]);
        sign_line(c, x, y + 1.6, size, "", &signer);
        y += 7.8;
        let end = sign_line(c, x, y, size, texts[1], &[(45.0, "")]);
        c.left(end - 43.0, y - 0.3, size, Weight::Regular, date);
        c.right(right, y, 6.0, Weight::Regular, items[1]);
        y += 4.5;
        y = heading(c, y, texts[2], items[2]);
        c.hline(x, right - 8.0, y + 0.5, 0.3);
        y += 3.0;
        y = heading(c, y, texts[3], items[3]);
        sign_line(c, x, y + 1.6, size, "", &signer);
        y += 7.8;
        y = heading(c, y, texts[4], items[4]);
        let lines = wrap(subject, right - x - 8.0, size, Weight::Regular, 2);
        for l in &lines {
            c.left(x, y, size, Weight::Regular, l);
            y += leading(size);
        }
        c.hline(x, right - 8.0, y - leading(size) + 0.8, 0.3);
        c.center(
            (x + right - 8.0) / 2.0,
            y + 0.6,
            5.0,
            Weight::Regular,
            "(может не заполняться при проставлении печати в М.П., может быть указан ИНН/КПП)",
        );
        y += 4.0;
        c.left(x, y, size, Weight::Regular, "М.П.");
        y
    };
    let seller = format!("{}, ИНН/КПП {}", s.name, inn_kpp(&s.inn, &s.kpp));
    let buyer = format!(
        "{}, ИНН/КПП {}",
        view.buyer.name,
        inn_kpp(&view.buyer.inn, &view.buyer.kpp)
    );
    let end_left = column(
        c,
        LEFT,
        mid - 4.0,
        y,
        [
            "Товар (груз) передал / услуги, результаты работ, права сдал",
            "Дата отгрузки, передачи (сдачи)",
            "Иные сведения об отгрузке, передаче",
            "Ответственный за правильность оформления факта хозяйственной жизни",
            "Наименование экономического субъекта – составителя документа (в т.ч. комиссионера / агента)",
        ],
        ["[10]", "[11]", "[12]", "[13]", "[14]"],
        &day_in_words(inv),
        &seller,
    );
    let end_right = column(
        c,
        mid + 4.0,
        RIGHT,
        y,
        [
            "Товар (груз) получил / услуги, результаты работ, права принял",
            "Дата получения (приемки)",
            "Иные сведения о получении, приемке",
            "Ответственный за правильность оформления факта хозяйственной жизни",
            "Наименование экономического субъекта – составителя документа",
        ],
        ["[15]", "[16]", "[17]", "[18]", "[19]"],
        "«___» ____________ 20___ г.",
        &buyer,
    );
    c.vline(mid, y - 3.5, end_left.max(end_right) + 1.0, 0.4);
}

pub fn pdf(view: &TradeView) -> Result<Vec<u8>> {
    check_business(view, "УПД")?;
    let inv = &view.invoice;
    let totals = inv.totals();
    let words = propis::rubles(totals.total_minor).map_err(invalid)?;
    let rows = rows(inv, &totals);
    let status: u8 = if totals.vat_total_minor > 0 { 1 } else { 2 };
    let title = format!("УПД (счет-фактура) № {} от {}", inv.number, day(inv));
    let grid = grid();
    let total_h = leading(SIZE) + 2.0 * PAD;
    // The pages are laid out twice: the first time to count the sheets
    // the document says it is made on.
    let mut sheets = 1;
    for _ in 0..2 {
        let mut builder = PdfBuilder::new(&title);
        let mut pages: Vec<Canvas> = Vec::new();
        let mut c = builder.canvas(PAGE_W, PAGE_H);
        let mut y = heading(&mut c, view, status, rows.len());
        y = form_header(&mut c, &grid, y, HEAD_SIZE, &GROUPS, &NUMBERS);
        for (i, r) in rows.iter().enumerate() {
            let reserve = if i + 1 == rows.len() { total_h } else { 0.0 };
            let h = match table_row(&mut c, &grid, y, SIZE, 2, &cells(i, r), BOTTOM - reserve) {
                Some(h) => h,
                None => {
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
                    table_row(&mut c, &grid, y, SIZE, 2, &cells(i, r), BOTTOM - reserve)
                        .ok_or_else(|| invalid("a line of the УПД does not fit on a page"))?
                }
            };
            y += h;
        }
        y = totals_row(
            &mut c,
            &grid,
            y,
            SIZE,
            Weight::Bold,
            "Всего к оплате (9)",
            (8, 13),
            &[
                (8, rub(rows.iter().map(|r| r.amount_net).sum())),
                (
                    11,
                    if status == 1 {
                        rub(rows.iter().map(|r| r.vat).sum())
                    } else {
                        "без НДС".into()
                    },
                ),
                (12, rub(rows.iter().map(|r| r.amount).sum())),
            ],
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
        closing(&mut c, y, view, sheets, &words);
        pages.push(c);
        if pages.len() == sheets {
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
            return Ok(builder.save());
        }
        sheets = pages.len();
    }
    Err(invalid("the УПД's pages could not be counted"))
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
