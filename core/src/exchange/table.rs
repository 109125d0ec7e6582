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
    pub(super) rows: Vec<Row>,
}

impl Table {
    /// Reads a whole file. Only a file that is not text at all is refused
    /// here; everything about the content is the format reader's business.
    pub(super) fn read(bytes: &[u8]) -> Result<Table, String> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let text = std::str::from_utf8(bytes).map_err(|e| {
            let line = 1 + bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            format!(
                "the file is not UTF-8 text (the first bad byte is on line {line}); \
                 re-save it as \"CSV UTF-8\" in your spreadsheet and import it again"
            )
        })?;

        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            // Spreadsheets drop trailing empty cells, so rows may be shorter
            // than the header; `Row::get` reads the missing cells as empty.
            .flexible(true)
            .delimiter(delimiter_of(text))
            .from_reader(text.as_bytes());

        let mut records = reader.records();
        let headers: Vec<String> = match records.next() {
            None => return Err("the file is empty; it needs a header row and data rows".into()),
            Some(Err(e)) => return Err(unreadable(&e)),
            Some(Ok(header)) => header.iter().map(|h| h.trim().to_lowercase()).collect(),
        };

        let mut rows = Vec::new();
        for (i, record) in records.enumerate() {
            let cells = record.map_err(|e| unreadable(&e))?;
            // A row of empty cells is what a spreadsheet leaves after the
            // data; it still counts in the numbering, as the user sees it.
            if cells.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            rows.push(Row {
                number: i + 1,
                cells,
            });
        }
        Ok(Table { headers, rows })
    }

    /// The column with this header, matched without regard to case or
    /// surrounding spaces. When a header repeats, the first one wins.
    pub(super) fn col(&self, name: &str) -> Col {
        let wanted = name.trim().to_lowercase();
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
    fn invalid_utf8_is_refused_with_the_line_and_a_way_out() {
        let err = Table::read(b"a,b\n1,2\n\xFF\xFE,3\n").unwrap_err();
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
