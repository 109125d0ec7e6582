//! A report of tables on A4: a title, a line under it, then one table per
//! section, each with its heading, the header row shaded, pages added as
//! the tables run on (a table's header repeated on its next page). The
//! dashboard's PDF is one: each chart's numbers, as its CSV holds them.

use super::layout::{text_width, Align, Canvas, Grid, PdfBuilder, Weight, PAD};
use super::words::words;
use super::Lang;

/// One table: its heading, the header row and the rows (text as shown).
pub struct Section {
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

const WIDTH: f32 = 210.0;
const HEIGHT: f32 = 297.0;
const MARGIN: f32 = 14.0;
const SIZE: f32 = 8.0;
const ROW: f32 = 4.6;
/// Room for rounding, so a cell measured to fit is never cut.
const SLACK: f32 = 1.0;

/// Column widths for `section` on `inner` mm: each column as wide as its
/// widest cell (header words included), scaled down to fit.
fn widths(section: &Section, inner: f32) -> Vec<f32> {
    let n = section.header.len().max(1);
    let mut w = vec![10.0_f32; n];
    for (i, h) in section.header.iter().enumerate() {
        let longest = h
            .split_whitespace()
            .map(|word| text_width(word, SIZE, Weight::Bold))
            .fold(0.0, f32::max);
        w[i] = w[i].max(longest + 2.0 * PAD + SLACK);
    }
    for row in &section.rows {
        for (i, cell) in row.iter().enumerate().take(n) {
            w[i] = w[i].max(text_width(cell, SIZE, Weight::Regular) + 2.0 * PAD + SLACK);
        }
    }
    let total: f32 = w.iter().sum();
    if total > inner {
        w.iter_mut().for_each(|x| *x *= inner / total);
    }
    w
}

/// The report as a PDF: `title` on top, `subtitle` under it, the sections,
/// and the page number in each footer.
pub fn tables_pdf(title: &str, subtitle: &str, sections: &[Section], lang: Lang) -> Vec<u8> {
    let mut doc = PdfBuilder::new(title);
    let mut pages: Vec<Canvas> = Vec::new();
    let mut c = doc.canvas(WIDTH, HEIGHT);
    let bottom = HEIGHT - MARGIN - 8.0;
    let mut y = MARGIN + 6.0;
    c.left(MARGIN, y, 15.0, Weight::Bold, title);
    y += 6.0;
    c.left(MARGIN, y, 9.0, Weight::Regular, subtitle);
    y += 6.0;
    for section in sections {
        let w = widths(section, WIDTH - 2.0 * MARGIN);
        let grid = Grid::new(
            MARGIN,
            section
                .header
                .iter()
                .zip(&w)
                .enumerate()
                .map(|(i, (h, w))| {
                    let align = if i == 0 { Align::Left } else { Align::Right };
                    (h.as_str(), *w, align)
                })
                .collect(),
        );
        // The heading and at least the header and one row on one page.
        if y + 8.0 + 3.0 * ROW > bottom {
            pages.push(std::mem::replace(&mut c, doc.canvas(WIDTH, HEIGHT)));
            y = MARGIN;
        }
        y += 6.0;
        c.left(MARGIN, y, 10.5, Weight::Bold, &section.title);
        y += 2.0;
        y = grid.header(&mut c, y, SIZE);
        for row in &section.rows {
            if y + ROW > bottom {
                pages.push(std::mem::replace(&mut c, doc.canvas(WIDTH, HEIGHT)));
                y = grid.header(&mut c, MARGIN, SIZE);
            }
            for (i, cell) in row.iter().enumerate().take(grid.cols.len()) {
                grid.cell(&mut c, i, y + ROW - 1.4, SIZE, Weight::Regular, cell);
            }
            grid.rules(&mut c, y, y + ROW, 0.2);
            y += ROW;
        }
        y += 2.0;
    }
    pages.push(c);
    let w = words(lang);
    doc.push_all(pages, |canvas, page, total| {
        canvas.footer(
            MARGIN,
            WIDTH - MARGIN,
            HEIGHT - MARGIN,
            title,
            &w.page_n_of(page, total),
        );
    });
    doc.save()
}
