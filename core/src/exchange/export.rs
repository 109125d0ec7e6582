//! Orders written out for a spreadsheet: CSV or XLSX, one row per order or
//! one per line, headers in the user's language. Money is a number with its
//! currency in a column of its own; dates are real dates in XLSX (and
//! `YYYY-MM-DD HH:MM` in CSV) in the user's time zone. No cell is ever a
//! formula: XLSX cells are written as text or numbers, and CSV text that a
//! spreadsheet would run (`=`, `+`, `-`, `@`, tab, CR first) gets a leading
//! apostrophe (CWE-1236).

use crate::documents::Lang;
use crate::domain::money::{exponent_of, format_minor};
use chrono::{DateTime, Utc};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

crate::named_enum! {
    /// The file an export writes.
    pub enum ExportFormat("export format") {
        Csv = "csv",
        Xlsx = "xlsx",
    }
}

crate::named_enum! {
    /// One row per order, or one per order line (the order's columns
    /// repeated on each).
    pub enum ExportRows("export layout") {
        Orders = "orders",
        Lines = "lines",
    }
}

/// One order as it is exported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportOrder {
    pub number: String,
    pub created_at: DateTime<Utc>,
    pub status: String,
    pub payment: String,
    pub customer_name: String,
    pub email: String,
    pub phone: String,
    pub address: String,
    pub channel: String,
    pub delivery_method: String,
    pub tracking_number: String,
    pub manager: String,
    pub comment: String,
    pub currency: String,
    pub units: i64,
    pub delivery_cost_minor: i64,
    pub total_minor: i64,
    pub lines: Vec<ExportLine>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportLine {
    pub sku: String,
    pub name: String,
    pub quantity: i64,
    pub unit_price_minor: i64,
    pub discount_minor: i64,
    pub amount_minor: i64,
    pub tax_rate_bp: i64,
}

/// A cell before it is written.
enum Cell<'a> {
    Text(&'a str),
    Int(i64),
    /// Minor units and the currency's decimals.
    Money(i64, u32),
    /// Percent from basis points.
    Rate(i64),
    Date(DateTime<Utc>),
}

fn headers(rows: ExportRows, lang: Lang) -> Vec<&'static str> {
    let ru = lang == Lang::Ru;
    let mut h = if ru {
        vec![
            "Номер",
            "Создан",
            "Статус",
            "Оплата",
            "Покупатель",
            "E-mail",
            "Телефон",
            "Адрес",
            "Канал",
            "Доставка",
            "Трек-номер",
            "Менеджер",
            "Комментарий",
            "Валюта",
            "Товаров, шт.",
            "Стоимость доставки",
            "Итого",
        ]
    } else {
        vec![
            "Number",
            "Created",
            "Status",
            "Payment",
            "Customer",
            "E-mail",
            "Phone",
            "Address",
            "Channel",
            "Delivery",
            "Tracking number",
            "Manager",
            "Comment",
            "Currency",
            "Units",
            "Delivery cost",
            "Total",
        ]
    };
    if rows == ExportRows::Lines {
        h.extend(if ru {
            [
                "Артикул",
                "Товар",
                "Количество",
                "Цена",
                "Скидка",
                "Сумма строки",
                "НДС, %",
            ]
        } else {
            [
                "SKU",
                "Item",
                "Quantity",
                "Unit price",
                "Discount",
                "Line amount",
                "VAT, %",
            ]
        });
    }
    h
}

fn cells<'a>(o: &'a ExportOrder, line: Option<&'a ExportLine>) -> Vec<Cell<'a>> {
    let exp = exponent_of(&o.currency);
    let mut c = vec![
        Cell::Text(&o.number),
        Cell::Date(o.created_at),
        Cell::Text(&o.status),
        Cell::Text(&o.payment),
        Cell::Text(&o.customer_name),
        Cell::Text(&o.email),
        Cell::Text(&o.phone),
        Cell::Text(&o.address),
        Cell::Text(&o.channel),
        Cell::Text(&o.delivery_method),
        Cell::Text(&o.tracking_number),
        Cell::Text(&o.manager),
        Cell::Text(&o.comment),
        Cell::Text(&o.currency),
        Cell::Int(o.units),
        Cell::Money(o.delivery_cost_minor, exp),
        Cell::Money(o.total_minor, exp),
    ];
    if let Some(l) = line {
        c.extend([
            Cell::Text(&l.sku),
            Cell::Text(&l.name),
            Cell::Int(l.quantity),
            Cell::Money(l.unit_price_minor, exp),
            Cell::Money(l.discount_minor, exp),
            Cell::Money(l.amount_minor, exp),
            Cell::Rate(l.tax_rate_bp),
        ]);
    }
    c
}

/// Text a spreadsheet would run as a formula gets a leading apostrophe
/// (CWE-1236); everything else is left as it is.
pub fn safe_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// Writes orders as they come, page by page, into a CSV or XLSX file.
pub struct ExportWriter {
    rows: ExportRows,
    lang: Lang,
    offset_minutes: i32,
    kind: Kind,
    written: usize,
}

enum Kind {
    Csv(Box<csv::Writer<Vec<u8>>>),
    Xlsx(Box<Sheet>),
}

struct Sheet {
    book: Workbook,
    row: u32,
    money: Format,
    date: Format,
    rate: Format,
}

fn xlsx_err(e: rust_xlsxwriter::XlsxError) -> String {
    format!("the XLSX file could not be written: {e}")
}

/// At most this many rows go into one XLSX sheet (Excel's limit is
/// 1,048,576 with the header).
const XLSX_MAX_ROWS: u32 = 1_048_575;

impl ExportWriter {
    /// A new file with its header row. `offset_minutes` is the user's time
    /// zone (east of UTC), in which dates are written.
    pub fn new(
        format: ExportFormat,
        rows: ExportRows,
        lang: Lang,
        offset_minutes: i32,
    ) -> Result<Self, String> {
        let headers = headers(rows, lang);
        let kind = match format {
            ExportFormat::Csv => {
                // Russian spreadsheets read `;` between cells and a decimal
                // comma; a byte-order mark makes Excel read UTF-8.
                let mut bytes = Vec::new();
                bytes.extend_from_slice(b"\xEF\xBB\xBF");
                let mut w = csv::WriterBuilder::new()
                    .delimiter(if lang == Lang::Ru { b';' } else { b',' })
                    .from_writer(bytes);
                w.write_record(&headers)
                    .map_err(|e| format!("the CSV could not be written: {e}"))?;
                Kind::Csv(Box::new(w))
            }
            ExportFormat::Xlsx => {
                let mut book = Workbook::new();
                let bold = Format::new().set_bold();
                let sheet = book.add_worksheet();
                sheet
                    .set_name(if lang == Lang::Ru {
                        "Заказы"
                    } else {
                        "Orders"
                    })
                    .map_err(xlsx_err)?;
                for (i, h) in headers.iter().enumerate() {
                    sheet
                        .write_string_with_format(0, i as u16, *h, &bold)
                        .map_err(xlsx_err)?;
                    let width = match *h {
                        "Адрес" | "Address" | "Товар" | "Item" | "Комментарий" | "Comment" => {
                            40.0
                        }
                        _ => 16.0,
                    };
                    sheet.set_column_width(i as u16, width).map_err(xlsx_err)?;
                }
                sheet.set_freeze_panes(1, 0).map_err(xlsx_err)?;
                Kind::Xlsx(Box::new(Sheet {
                    book,
                    row: 1,
                    money: Format::new().set_num_format("#,##0.00"),
                    date: Format::new().set_num_format(if lang == Lang::Ru {
                        "dd.mm.yyyy hh:mm"
                    } else {
                        "yyyy-mm-dd hh:mm"
                    }),
                    rate: Format::new().set_num_format("0.##"),
                }))
            }
        };
        Ok(ExportWriter {
            rows,
            lang,
            offset_minutes,
            kind,
            written: 0,
        })
    }

    /// Rows written so far (not counting the header).
    pub fn written(&self) -> usize {
        self.written
    }

    pub fn write(&mut self, orders: &[ExportOrder]) -> Result<(), String> {
        for o in orders {
            match self.rows {
                ExportRows::Orders => self.row(cells(o, None))?,
                ExportRows::Lines => {
                    for l in &o.lines {
                        self.row(cells(o, Some(l)))?;
                    }
                }
            }
        }
        Ok(())
    }

    fn local(&self, at: DateTime<Utc>) -> chrono::NaiveDateTime {
        (at + chrono::Duration::minutes(i64::from(self.offset_minutes))).naive_utc()
    }

    fn row(&mut self, cells: Vec<Cell<'_>>) -> Result<(), String> {
        let ru = self.lang == Lang::Ru;
        let local: Vec<Option<chrono::NaiveDateTime>> = cells
            .iter()
            .map(|c| match c {
                Cell::Date(d) => Some(self.local(*d)),
                _ => None,
            })
            .collect();
        match &mut self.kind {
            Kind::Csv(w) => {
                let decimal = |s: String| if ru { s.replace('.', ",") } else { s };
                let record: Vec<String> = cells
                    .iter()
                    .zip(&local)
                    .map(|(c, local)| match c {
                        Cell::Text(t) => safe_cell(t),
                        Cell::Int(i) => i.to_string(),
                        Cell::Money(m, exp) => decimal(format_minor(*m, *exp)),
                        Cell::Rate(bp) => decimal(format_minor(*bp, 2))
                            .trim_end_matches(['0'])
                            .trim_end_matches([',', '.'])
                            .to_string(),
                        Cell::Date(_) => local
                            .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
                            .unwrap_or_default(),
                    })
                    .collect();
                w.write_record(&record)
                    .map_err(|e| format!("the CSV could not be written: {e}"))?;
            }
            Kind::Xlsx(sheet_state) => {
                let Sheet {
                    book,
                    row,
                    money,
                    date,
                    rate,
                } = &mut **sheet_state;
                if *row > XLSX_MAX_ROWS {
                    return Err(format!(
                        "an XLSX sheet holds at most {XLSX_MAX_ROWS} rows; narrow the filter or export CSV"
                    ));
                }
                let sheet = book.worksheet_from_index(0).map_err(xlsx_err)?;
                for (col, (c, local)) in cells.iter().zip(&local).enumerate() {
                    let col = col as u16;
                    match c {
                        Cell::Text(t) => {
                            if !t.is_empty() {
                                sheet.write_string(*row, col, *t).map_err(xlsx_err)?;
                            }
                        }
                        Cell::Int(i) => {
                            sheet.write_number(*row, col, *i as f64).map_err(xlsx_err)?;
                        }
                        Cell::Money(m, exp) => {
                            let v = *m as f64 / 10f64.powi(*exp as i32);
                            sheet
                                .write_number_with_format(*row, col, v, money)
                                .map_err(xlsx_err)?;
                        }
                        Cell::Rate(bp) => {
                            sheet
                                .write_number_with_format(*row, col, *bp as f64 / 100.0, rate)
                                .map_err(xlsx_err)?;
                        }
                        Cell::Date(_) => {
                            if let Some(d) = local {
                                let secs = d.and_utc().timestamp();
                                let dt = ExcelDateTime::from_timestamp(secs).map_err(xlsx_err)?;
                                sheet
                                    .write_datetime_with_format(*row, col, &dt, date)
                                    .map_err(xlsx_err)?;
                            }
                        }
                    }
                }
                *row += 1;
            }
        }
        self.written += 1;
        Ok(())
    }

    /// The finished file's bytes.
    pub fn finish(self) -> Result<Vec<u8>, String> {
        match self.kind {
            Kind::Csv(w) => w
                .into_inner()
                .map_err(|e| format!("the CSV could not be written: {e}")),
            Kind::Xlsx(mut s) => {
                let book = &mut s.book;
                if let Ok(sheet) = book.worksheet_from_index(0) {
                    let last_col = headers(self.rows, self.lang).len() as u16 - 1;
                    let last_row = self.written as u32;
                    sheet
                        .autofilter(0, 0, last_row, last_col)
                        .map_err(xlsx_err)?;
                }
                book.save_to_buffer().map_err(xlsx_err)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order() -> ExportOrder {
        ExportOrder {
            number: "1001".into(),
            created_at: DateTime::from_timestamp(1_790_000_000, 0).unwrap(),
            status: "Новый".into(),
            payment: "оплачен".into(),
            customer_name: "Иванова Мария".into(),
            email: "m@example.ru".into(),
            phone: "+7 912 345-67-89".into(),
            address: "Москва".into(),
            channel: "web".into(),
            delivery_method: "СДЭК".into(),
            tracking_number: String::new(),
            manager: String::new(),
            comment: "@позвонить".into(),
            currency: "RUB".into(),
            units: 3,
            delivery_cost_minor: 30_000,
            total_minor: 150_050,
            lines: vec![ExportLine {
                sku: "PB-1".into(),
                name: "=HYPERLINK(\"http://x\",\"y\")".into(),
                quantity: 3,
                unit_price_minor: 40_000,
                discount_minor: 0,
                amount_minor: 120_050,
                tax_rate_bp: 2000,
            }],
        }
    }

    #[test]
    fn russian_csv_has_semicolons_decimal_commas_and_no_formulas() {
        let mut w = ExportWriter::new(ExportFormat::Csv, ExportRows::Lines, Lang::Ru, 180).unwrap();
        w.write(&[order()]).unwrap();
        let text = String::from_utf8(w.finish().unwrap()).unwrap();
        let text = text.trim_start_matches('\u{feff}');
        let mut rows = text.lines();
        assert!(rows.next().unwrap().starts_with("Номер;Создан;Статус"));
        let row = rows.next().unwrap();
        assert!(row.contains(";1500,50;"), "{row}");
        assert!(row.contains("'+7 912 345-67-89"), "{row}");
        assert!(row.contains("'@позвонить"), "{row}");
        assert!(
            row.contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""),
            "{row}"
        );
        // 1_790_000_000 is 2026-09-21 14:13 UTC; Moscow is three hours on.
        assert!(row.contains(";2026-09-21 17:13;"), "{row}");
        assert!(row.ends_with(";20"), "{row}");
    }

    #[test]
    fn english_csv_uses_commas_and_points() {
        let mut w = ExportWriter::new(ExportFormat::Csv, ExportRows::Orders, Lang::En, 0).unwrap();
        w.write(&[order()]).unwrap();
        let text = String::from_utf8(w.finish().unwrap()).unwrap();
        assert!(text.contains(",1500.50"), "{text}");
        assert!(text.contains("Number,Created,Status"), "{text}");
    }

    #[test]
    fn xlsx_is_a_zip_with_a_sheet() {
        let mut w = ExportWriter::new(ExportFormat::Xlsx, ExportRows::Lines, Lang::Ru, 0).unwrap();
        w.write(&[order(), order()]).unwrap();
        assert_eq!(w.written(), 2);
        let bytes = w.finish().unwrap();
        assert!(bytes.starts_with(b"PK"), "an XLSX file is a zip");
    }
}
