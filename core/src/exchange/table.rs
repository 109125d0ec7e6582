//! A CSV file read into named columns and numbered rows.
//!
//! Shop exports arrive with a byte-order mark, CRLF line endings, quoted
//! commas and newlines, and columns in whatever order the shop chose. This is
//! the one place that deals with all of that, so the format readers only ask
//! for a column by name and a row by number.

use csv::StringRecord;

/// A column of the file. It may be absent: optional columns read as empty.
#[derive(Debug, Clone, Copy)]
pub(super) struct Col(Option<usize>);

impl Col {
    pub(super) fn is_present(self) -> bool {
        self.0.is_some()
    }
}

/// One data row: its 1-based number (the first row after the header is 1)
/// and its cells.
#[derive(Debug)]
pub(super) struct Row {
    pub(super) number: usize,
    cells: StringRecord,
}

impl Row {
    /// The cell in `col`, trimmed; empty when the column or the cell is
    /// missing (spreadsheets drop trailing empty cells).
    /// Every cell as written.
    pub(super) fn cells(&self) -> Vec<String> {
        self.cells.iter().map(str::to_string).collect()
    }

    pub(super) fn get(&self, col: Col) -> &str {
        col.0
            .and_then(|i| self.cells.get(i))
            .map(str::trim)
            .unwrap_or("")
    }
}

#[derive(Debug)]
pub(super) struct Table {
    /// Header names, trimmed and lower-cased, in file order.
    headers: Vec<String>,
    /// The same names trimmed, as the file writes them (shown in previews).
    written: Vec<String>,
    pub(super) rows: Vec<Row>,
    /// The columns the reader asked for, and whether it required them: what
    /// an import preview shows as the fields to map.
    asked: std::cell::RefCell<Vec<(String, bool)>>,
    /// How the bytes were read (a note for the user when not plain UTF-8).
    pub(super) encoding: Encoding,
}

/// How a file's bytes were read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    /// Windows-1251, as old Russian Excel saves CSV.
    Windows1251,
    /// An Excel workbook (its first sheet).
    Xlsx,
}

impl Encoding {
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Windows1251 => "windows-1251",
            Encoding::Xlsx => "xlsx",
        }
    }
}

/// At most this many columns or this long a cell: a file beyond them is not
/// an export (or is damaged) and is refused before it fills the memory.
const MAX_COLUMNS: usize = 500;
const MAX_CELL: usize = 100_000;

impl Table {
    /// Reads a whole file: CSV (UTF-8, or Windows-1251 when it plainly is
    /// one) or an XLSX workbook's first sheet. Only a file that cannot be
    /// read at all is refused here; everything about the content is the
    /// format reader's business.
    pub(super) fn read(bytes: &[u8]) -> Result<Table, String> {
        if bytes.starts_with(b"PK\x03\x04") {
            return Self::read_xlsx(bytes);
        }
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let (text, encoding) = match std::str::from_utf8(bytes) {
            Ok(t) => (std::borrow::Cow::Borrowed(t), Encoding::Utf8),
            Err(e) => match windows_1251(bytes) {
                Some(t) => (std::borrow::Cow::Owned(t), Encoding::Windows1251),
                None => {
                    let line = 1 + bytes[..e.valid_up_to()]
                        .iter()
                        .filter(|&&b| b == b'\n')
                        .count();
                    return Err(format!(
                        "the file is not UTF-8 text (the first bad byte is on line {line}) nor Windows-1251; \
                         re-save it as \"CSV UTF-8\" in your spreadsheet and import it again"
                    ));
                }
            },
        };

        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            // Spreadsheets drop trailing empty cells, so rows may be shorter
            // than the header; `Row::get` reads the missing cells as empty.
            .flexible(true)
            .delimiter(delimiter_of(&text))
            .from_reader(text.as_bytes());

        let mut records = reader.records();
        let headers: Vec<String> = match records.next() {
            None => return Err("the file is empty; it needs a header row and data rows".into()),
            Some(Err(e)) => return Err(unreadable(&e)),
            Some(Ok(header)) => header.iter().map(|h| h.trim().to_string()).collect(),
        };
        let mut rows = Vec::new();
        for (i, record) in records.enumerate() {
            let cells = record.map_err(|e| unreadable(&e))?;
            rows.push((i + 1, cells));
        }
        Self::from_records(headers, rows, encoding)
    }

    fn from_records(
        written: Vec<String>,
        records: Vec<(usize, StringRecord)>,
        encoding: Encoding,
    ) -> Result<Table, String> {
        let headers: Vec<String> = written.iter().map(|h| h.to_lowercase()).collect();
        if headers.len() > MAX_COLUMNS {
            return Err(format!(
                "the header row has {} columns (at most {MAX_COLUMNS}); is the first row really the header?",
                headers.len()
            ));
        }
        let mut rows = Vec::with_capacity(records.len());
        for (number, cells) in records {
            // A row of empty cells is what a spreadsheet leaves after the
            // data; it still counts in the numbering, as the user sees it.
            if cells.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            if cells.len() > MAX_COLUMNS {
                return Err(format!(
                    "row {number} has {} cells (at most {MAX_COLUMNS}); the file is damaged or not an export",
                    cells.len()
                ));
            }
            if let Some(long) = cells.iter().find(|c| c.len() > MAX_CELL) {
                return Err(format!(
                    "row {number} has a cell of {} characters (at most {MAX_CELL}); the file is damaged or not an export",
                    long.chars().count()
                ));
            }
            rows.push(Row { number, cells });
        }
        Ok(Table {
            headers,
            written,
            rows,
            asked: Default::default(),
            encoding,
        })
    }

    /// The first sheet of a workbook, every cell as text: whole numbers
    /// without ".0", dates and times as RFC 3339 in this computer's zone.
    fn read_xlsx(bytes: &[u8]) -> Result<Table, String> {
        // calamine panics on some damaged workbooks (a cell reference too
        // long for a u32 overflows it where overflow checks are on): such a
        // file is refused, never a crash.
        std::panic::catch_unwind(|| Self::read_first_sheet(bytes)).unwrap_or_else(|_| {
            Err("the workbook is damaged and cannot be read; save it again as .xlsx or CSV".into())
        })
    }

    fn read_first_sheet(bytes: &[u8]) -> Result<Table, String> {
        use calamine::{DataRef, Reader, Xlsx};
        let mut book = Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| {
            format!("the file looks like an Excel workbook but cannot be read ({e}); save it again as .xlsx or CSV")
        })?;
        let name = book
            .sheet_names()
            .first()
            .cloned()
            .ok_or("the workbook has no sheets")?;
        let offset = *chrono::Local::now().offset();
        let text = |d: &DataRef| -> String {
            match d {
                DataRef::Empty => String::new(),
                DataRef::String(s) => s.clone(),
                DataRef::SharedString(s) => s.to_string(),
                DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => {
                    format!("{}", *f as i64)
                }
                DataRef::Float(f) => f.to_string(),
                DataRef::Int(i) => i.to_string(),
                DataRef::Bool(b) => b.to_string(),
                // calamine's as_datetime panics (chrono's TimeDelta out of
                // bounds) on a date-formatted number far below zero. No
                // calendar date lies a billion days from 1900, so such a
                // cell is read as its number, as one past the calendar's end
                // already is.
                DataRef::DateTime(dt) if dt.as_f64().abs() >= 1e9 => dt.to_string(),
                DataRef::DateTime(dt) => dt
                    .as_datetime()
                    .and_then(|n| n.and_local_timezone(offset).single())
                    .map(|t| t.to_rfc3339())
                    .unwrap_or_else(|| dt.to_string()),
                DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
                DataRef::Error(e) => format!("#{e:?}"),
            }
        };
        // Cell by cell, as the sheet's XML lists them: only the cells
        // written take memory, so a damaged or hostile sheet that names a
        // cell a million rows and sixteen thousand columns away is refused
        // by the column limit instead of allocating the rectangle between.
        let mut cells = book
            .worksheet_cells_reader(&name)
            .map_err(|e| format!("the first sheet cannot be read ({e})"))?;
        let mut rows: std::collections::BTreeMap<u32, Vec<(u32, String)>> = Default::default();
        let mut first_column = u32::MAX;
        while let Some(cell) = cells
            .next_cell()
            .map_err(|e| format!("the first sheet cannot be read ({e})"))?
        {
            let (row, column) = cell.get_position();
            if column as usize >= MAX_COLUMNS {
                return Err(format!(
                    "row {} has a cell in column {}, beyond the {MAX_COLUMNS} columns an export \
                     can have; delete what is far to the right, or save the sheet again as CSV",
                    row + 1,
                    column + 1
                ));
            }
            let value = text(cell.get_value());
            if value.is_empty() {
                continue;
            }
            first_column = first_column.min(column);
            rows.entry(row).or_default().push((column, value));
        }
        let width = |cells: &[(u32, String)]| {
            cells
                .iter()
                .map(|(c, _)| (c - first_column) as usize + 1)
                .max()
                .unwrap_or(0)
        };
        let spread = |cells: Vec<(u32, String)>, width: usize| {
            let mut out = vec![String::new(); width];
            for (c, v) in cells {
                out[(c - first_column) as usize] = v;
            }
            out
        };
        let mut rows = rows.into_iter();
        let (header_row, header_cells) = rows
            .next()
            .ok_or("the first sheet is empty; it needs a header row and data rows")?;
        let columns = width(&header_cells);
        let headers: Vec<String> = spread(header_cells, columns)
            .into_iter()
            .map(|h| h.trim().to_string())
            .collect();
        // Row numbers count from the header, as the sheet shows them less
        // the rows above it; empty rows are passed over.
        let records: Vec<(usize, StringRecord)> = rows
            .map(|(row, cells)| {
                let w = width(&cells).max(columns);
                (
                    (row - header_row) as usize,
                    spread(cells, w).into_iter().collect::<StringRecord>(),
                )
            })
            .collect();
        Self::from_records(headers, records, Encoding::Xlsx)
    }

    /// Renames the file's columns as the user mapped them: `field` (the name
    /// the format reads) is found under the file's `header`.
    pub(super) fn map_columns(&mut self, mapping: &[(String, String)]) {
        for (field, header) in mapping {
            let field = field.trim().to_lowercase();
            let header = header.trim().to_lowercase();
            if field == header {
                continue;
            }
            // The field's own column, if the file has one, steps aside.
            for h in self.headers.iter_mut() {
                if *h == field {
                    h.insert(0, '\u{1}');
                }
            }
            // An empty header: the user says the file has no such column.
            if header.is_empty() {
                continue;
            }
            if let Some(h) = self.headers.iter_mut().find(|h| **h == header) {
                *h = field.clone();
            }
        }
    }

    /// The file's headers in file order, as written (trimmed).
    pub(super) fn headers_as_written(&self) -> &[String] {
        &self.written
    }

    /// The file's headers in file order (lower-cased).
    pub(super) fn header_names(&self) -> &[String] {
        &self.headers
    }

    /// The columns the format asked for, in the order it asked, and
    /// whether each is required.
    pub(super) fn asked(&self) -> Vec<(String, bool)> {
        self.asked.borrow().clone()
    }

    /// The column with this header, matched without regard to case or
    /// surrounding spaces. When a header repeats, the first one wins.
    pub(super) fn col(&self, name: &str) -> Col {
        let wanted = name.trim().to_lowercase();
        {
            let mut asked = self.asked.borrow_mut();
            if !asked.iter().any(|(n, _)| *n == wanted) {
                asked.push((wanted.clone(), false));
            }
        }
        Col(self.headers.iter().position(|h| *h == wanted))
    }

    /// Header names in file order (lower-cased), for formats whose columns
    /// are numbered, such as WooCommerce's `line_item_1`, `line_item_2`...
    pub(super) fn headers(&self) -> impl Iterator<Item = (Col, &str)> {
        self.headers
            .iter()
            .enumerate()
            .map(|(i, h)| (Col(Some(i)), h.as_str()))
    }

    /// Refuses the whole file when a column it cannot do without is missing:
    /// every row would fail for the same reason, so one clear message is
    /// kinder than a thousand row errors.
    pub(super) fn require(&self, names: &[&str], format: &str) -> Result<(), String> {
        for n in names {
            self.col(n);
            let wanted = n.trim().to_lowercase();
            if let Some(a) = self
                .asked
                .borrow_mut()
                .iter_mut()
                .find(|(x, _)| *x == wanted)
            {
                a.1 = true;
            }
        }
        let missing: Vec<String> = names
            .iter()
            .filter(|n| !self.col(n).is_present())
            .map(|n| format!("\"{n}\""))
            .collect();
        match missing.len() {
            0 => Ok(()),
            1 => Err(format!(
                "this {format} file has no {} column; export it again with all columns, \
                 or add the column by hand",
                missing[0]
            )),
            _ => Err(format!(
                "this {format} file lacks the columns {}; export it again with all columns, \
                 or add them by hand",
                missing.join(", ")
            )),
        }
    }
}

/// Comma unless the header line plainly uses semicolons or tabs, as Excel
/// does in locales where the comma is the decimal separator.
fn delimiter_of(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    let count = |c: char| header.chars().filter(|&h| h == c).count();
    let (commas, semicolons, tabs) = (count(','), count(';'), count('\t'));
    if commas > 0 || (semicolons == 0 && tabs == 0) {
        b','
    } else if semicolons >= tabs {
        b';'
    } else {
        b'\t'
    }
}

/// The text of a file in Windows-1251, when it plainly is one: most bytes
/// above 0x7F are Cyrillic letters (0xC0-0xFF, 0xA8, 0xB8) and none is a
/// control character. `None` when the bytes look like something else.
fn windows_1251(bytes: &[u8]) -> Option<String> {
    let high: Vec<u8> = bytes.iter().copied().filter(|&b| b >= 0x80).collect();
    if high.is_empty() || bytes.contains(&0) {
        return None;
    }
    let letters = high
        .iter()
        .filter(|&&b| b >= 0xC0 || b == 0xA8 || b == 0xB8)
        .count();
    if letters * 10 < high.len() * 8 {
        return None;
    }
    let (text, _, had_errors) = encoding_rs::WINDOWS_1251.decode(bytes);
    (!had_errors).then(|| text.into_owned())
}

fn unreadable(e: &csv::Error) -> String {
    let place = e
        .position()
        .map(|p| format!(" near line {}", p.line()))
        .unwrap_or_default();
    format!("the file could not be read as CSV{place} ({e}); check that it is a CSV export")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_at_the_far_corner_of_a_sheet_is_refused_without_filling_the_memory() {
        // Found by the fuzz run: a 2 KB workbook with cells at A1 and
        // XFD1048576 made the reader allocate the rectangle between them
        // (about 550 GB) and abort.
        let mut book = rust_xlsxwriter::Workbook::new();
        let ws = book.add_worksheet();
        ws.write_string(0, 0, "sku").unwrap();
        ws.write_string(1_048_575, 16_383, "far").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let e = Table::read(&bytes).unwrap_err();
        assert!(
            e.contains("row 1048576") && e.contains("column 16384") && e.contains("500 columns"),
            "{e}"
        );
    }

    #[test]
    fn sparse_rows_keep_their_numbers_and_columns_their_places() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let ws = book.add_worksheet();
        ws.write_string(2, 1, "sku").unwrap();
        ws.write_string(2, 2, "name").unwrap();
        ws.write_string(2, 3, "qty").unwrap();
        ws.write_string(3, 1, "A-1").unwrap();
        ws.write_number(3, 3, 2.0).unwrap();
        ws.write_string(6, 2, "Кружка").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let t = Table::read(&bytes).unwrap();
        assert_eq!(t.headers_as_written(), ["sku", "name", "qty"]);
        let rows: Vec<(usize, Vec<String>)> = t
            .rows
            .iter()
            .map(|r| (r.number, r.cells.iter().map(str::to_string).collect()))
            .collect();
        assert_eq!(
            rows,
            vec![
                (1, vec!["A-1".to_string(), String::new(), "2".to_string()]),
                (4, vec![String::new(), "Кружка".to_string(), String::new()]),
            ]
        );
    }

    #[test]
    fn a_date_cell_far_outside_the_calendar_is_read_as_its_number() {
        // Found by tests/tests/fuzz_props.rs: a huge negative number in a
        // date-formatted cell made the import panic instead of reading it.
        let mut book = rust_xlsxwriter::Workbook::new();
        let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd hh:mm");
        let ws = book.add_worksheet();
        ws.write_string(0, 0, "number").unwrap();
        ws.write_string(0, 1, "created_at").unwrap();
        ws.write_string(1, 0, "1001").unwrap();
        ws.write_number_with_format(1, 1, -9.39e23, &date).unwrap();
        ws.write_number_with_format(2, 1, 1e300, &date).unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let t = Table::read(&bytes).expect("the workbook is read, not a panic");
        let created = t.col("created_at");
        assert_eq!(t.rows[0].get(created), "-939000000000000000000000");
        assert_eq!(
            t.rows[1].get(created),
            1e300.to_string(),
            "past the calendar's end, as before"
        );
    }

    /// A workbook of one number, 12345678 in A1, with `edit` (from, to)
    /// made in its sheet's XML.
    fn workbook_with_sheet_edited(edit: Option<(&str, &str)>) -> Vec<u8> {
        use std::io::{Read, Write};
        let mut book = rust_xlsxwriter::Workbook::new();
        book.add_worksheet().write_number(0, 0, 12345678.0).unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for i in 0..zip.len() {
            let mut entry = zip.by_index(i).unwrap();
            let mut text = String::new();
            entry.read_to_string(&mut text).unwrap();
            let name = entry.name().unwrap().to_string();
            if let Some((from, to)) = edit.filter(|_| name == "xl/worksheets/sheet1.xml") {
                assert!(text.contains(from), "{text}");
                text = text.replace(from, to);
            }
            out.start_file(name, stored).unwrap();
            out.write_all(text.as_bytes()).unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    #[test]
    fn a_workbook_with_a_cell_reference_too_long_for_a_u32_is_refused() {
        // Found by tests/tests/fuzz_props.rs: calamine's arithmetic on the
        // reference overflows, a panic where overflow checks are on.
        let bytes = workbook_with_sheet_edited(Some((r#"r="A1""#, r#"r="ZZZZZZZZ1""#)));
        let read = Table::read(&bytes);
        // Without overflow checks calamine wraps the number instead and the
        // cell lands somewhere: read, at least not a crash.
        if cfg!(debug_assertions) || read.is_err() {
            let refused = read.expect_err("the damaged workbook is refused");
            assert!(refused.contains("save it again"), "{refused}");
        }
        let intact = workbook_with_sheet_edited(None);
        assert_eq!(
            Table::read(&intact).map(|t| t.headers_as_written().to_vec()),
            Ok(vec!["12345678".to_string()]),
            "the same workbook undamaged is read"
        );
    }

    #[test]
    fn a_byte_order_mark_does_not_become_part_of_the_first_header() {
        let t = Table::read(b"\xEF\xBB\xBFName,Email\n#1,a@b.c\n").unwrap();
        assert!(
            t.col("name").is_present(),
            "Excel writes a BOM before the first header; it must not hide the column"
        );
    }

    #[test]
    fn quoted_newlines_count_as_one_row_so_row_numbers_match_records() {
        let t = Table::read(b"a,b\r\n1,\"two\r\nlines\"\r\n2,x\r\n").unwrap();
        let numbers: Vec<usize> = t.rows.iter().map(|r| r.number).collect();
        assert_eq!(
            numbers,
            vec![1, 2],
            "a note spanning two lines is still one row"
        );
        assert_eq!(t.rows[0].get(t.col("b")), "two\r\nlines");
    }

    #[test]
    fn empty_rows_are_skipped_but_keep_their_place_in_the_numbering() {
        let t = Table::read(b"a,b\n1,2\n,\n3,4\n").unwrap();
        let numbers: Vec<usize> = t.rows.iter().map(|r| r.number).collect();
        assert_eq!(numbers, vec![1, 3], "the user counts the empty row too");
    }

    #[test]
    fn short_rows_read_their_missing_cells_as_empty() {
        let t = Table::read(b"a,b,c\n1\n").unwrap();
        assert_eq!(t.rows[0].get(t.col("c")), "");
        assert_eq!(
            t.rows[0].get(t.col("nope")),
            "",
            "an absent column is empty too"
        );
    }

    #[test]
    fn headers_match_without_regard_to_case_or_spaces() {
        let t = Table::read(b" Lineitem SKU ,x\n1,2\n").unwrap();
        assert_eq!(t.rows[0].get(t.col("lineitem sku")), "1");
    }

    #[test]
    fn semicolon_separated_files_from_european_excel_are_understood() {
        let t = Table::read("sku;name\nPB-1;Кружка, синяя\n".as_bytes()).unwrap();
        assert_eq!(t.rows[0].get(t.col("name")), "Кружка, синяя");
    }

    #[test]
    fn an_empty_file_is_refused_with_a_reason() {
        let err = Table::read(b"").unwrap_err();
        assert!(err.contains("empty"), "{err}");
    }

    #[test]
    fn windows_1251_from_old_excel_is_read_and_said() {
        // "Кружка" in Windows-1251.
        let t = Table::read(b"sku;name\nPB-1;\xCA\xF0\xF3\xE6\xEA\xE0\n").unwrap();
        assert_eq!(t.rows[0].get(t.col("name")), "Кружка");
        assert_eq!(t.encoding, Encoding::Windows1251);
    }

    #[test]
    fn a_mapped_column_is_read_under_the_format_s_name() {
        let mut t = Table::read("Артикул,Название\nPB-1,Кружка\n".as_bytes()).unwrap();
        t.map_columns(&[
            ("sku".into(), "Артикул".into()),
            ("name".into(), "название".into()),
        ]);
        assert_eq!(t.rows[0].get(t.col("sku")), "PB-1");
        assert_eq!(t.rows[0].get(t.col("name")), "Кружка");
        assert_eq!(
            t.asked(),
            vec![("sku".to_string(), false), ("name".to_string(), false)]
        );
    }

    #[test]
    fn a_field_mapped_to_nothing_is_not_read_even_under_its_own_name() {
        let mut t = Table::read(b"sku,weight_g\nPB-1,300\n").unwrap();
        t.map_columns(&[("weight_g".into(), "".into())]);
        assert_eq!(t.rows[0].get(t.col("weight_g")), "");
        assert_eq!(t.rows[0].get(t.col("sku")), "PB-1");
    }

    #[test]
    fn a_row_too_long_is_refused_with_its_number() {
        let mut file = b"a,b\n1,2\n".to_vec();
        file.extend(std::iter::repeat_n(b'x', MAX_CELL + 1));
        file.extend(b",3\n");
        let err = Table::read(&file).unwrap_err();
        assert!(err.contains("row 2"), "{err}");
    }

    #[test]
    fn invalid_utf8_is_refused_with_the_line_and_a_way_out() {
        let err = Table::read(b"a,b\n1,2\n\x01\xFF\xFE\x81,3\n").unwrap_err();
        assert!(
            err.contains("UTF-8") && err.contains("line 3"),
            "the user needs to know what is wrong and where: {err}"
        );
    }

    #[test]
    fn missing_columns_are_named_with_the_format() {
        let t = Table::read(b"Name\n#1\n").unwrap();
        let err = t.require(&["Name", "Lineitem sku"], "Shopify").unwrap_err();
        assert!(
            err.contains("\"Lineitem sku\"") && err.contains("Shopify"),
            "{err}"
        );
    }
}
