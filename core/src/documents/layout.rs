//! Page composition for the PDF documents: millimetres measured from the
//! top-left corner of the page (as a designer measures a form), turned into
//! printpdf's points from the bottom-left only here.
//!
//! Text is set in DejaVu Sans, embedded and subset, so Cyrillic prints the
//! same on every machine. Widths come from the font's own advance table, so
//! right-aligned amounts line up to the digit.

use printpdf::{
    Color, FontId, Greyscale, Line, LinePoint, Op, PaintMode, ParsedFont, PdfDocument,
    PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, Rect, TextItem,
};
use std::sync::OnceLock;

const REGULAR_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

const PT_PER_MM: f32 = 72.0 / 25.4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Weight {
    Regular,
    Bold,
}

/// One face: the parsed font and its advance widths, looked up once.
struct Face {
    font: ParsedFont,
    units_per_em: f32,
    /// Advances of U+0000..U+0500 (Latin and Cyrillic), in font units.
    common: Vec<u16>,
}

impl Face {
    fn load(bytes: &[u8]) -> Face {
        let font = ParsedFont::from_bytes(bytes, 0, &mut Vec::new())
            .expect("the bundled DejaVu font parses");
        let units_per_em = f32::from(font.pdf_font_metrics.units_per_em.max(1));
        let common = (0u32..0x500)
            .map(|c| {
                font.lookup_glyph_index(c)
                    .map(|g| font.get_horizontal_advance(g))
                    .unwrap_or(0)
            })
            .collect();
        Face {
            font,
            units_per_em,
            common,
        }
    }

    fn advance(&self, c: char) -> u16 {
        let code = c as u32;
        match self.common.get(code as usize) {
            Some(w) => *w,
            None => self
                .font
                .lookup_glyph_index(code)
                .map(|g| self.font.get_horizontal_advance(g))
                .unwrap_or(0),
        }
    }

    fn has(&self, c: char) -> bool {
        self.font.lookup_glyph_index(c as u32).is_some()
    }
}

struct Faces {
    regular: Face,
    bold: Face,
}

fn faces() -> &'static Faces {
    static FACES: OnceLock<Faces> = OnceLock::new();
    FACES.get_or_init(|| Faces {
        regular: Face::load(REGULAR_TTF),
        bold: Face::load(BOLD_TTF),
    })
}

fn face(weight: Weight) -> &'static Face {
    match weight {
        Weight::Regular => &faces().regular,
        Weight::Bold => &faces().bold,
    }
}

/// Width of `text` in millimetres at `size` points.
pub(crate) fn text_width(text: &str, size: f32, weight: Weight) -> f32 {
    let f = face(weight);
    let units: u32 = text.chars().map(|c| u32::from(f.advance(c))).sum();
    units as f32 / f.units_per_em * size / PT_PER_MM
}

/// Whether the document font can draw `c` (else a fallback is printed).
pub(crate) fn font_has(c: char) -> bool {
    faces().regular.has(c)
}

/// `text` cut with an ellipsis to fit `width` mm.
pub(crate) fn fit(text: &str, width: f32, size: f32, weight: Weight) -> String {
    if text_width(text, size, weight) <= width {
        return text.to_string();
    }
    let ellipsis = "…";
    let room = width - text_width(ellipsis, size, weight);
    let mut out = String::new();
    let mut used = 0.0;
    for c in text.chars() {
        let w = text_width(c.encode_utf8(&mut [0; 4]), size, weight);
        if used + w > room {
            break;
        }
        used += w;
        out.push(c);
    }
    format!("{}{ellipsis}", out.trim_end())
}

/// Lines of at most `width` mm, broken at spaces (and inside a word only
/// when the word alone is too long). At most `max_lines`; the last one is
/// ellipsised when text is left over.
pub(crate) fn wrap(
    text: &str,
    width: f32,
    size: f32,
    weight: Weight,
    max_lines: usize,
) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for paragraph in text.split('\n') {
        let mut current = String::new();
        for word in paragraph.split_whitespace() {
            let candidate = if current.is_empty() {
                word.to_string()
            } else {
                format!("{current} {word}")
            };
            if text_width(&candidate, size, weight) <= width {
                current = candidate;
                continue;
            }
            if !current.is_empty() {
                lines.push(std::mem::take(&mut current));
            }
            // A word longer than the line: break it by characters.
            let mut piece = String::new();
            for c in word.chars() {
                piece.push(c);
                if text_width(&piece, size, weight) > width && piece.chars().count() > 1 {
                    piece.pop();
                    lines.push(std::mem::take(&mut piece));
                    piece.push(c);
                }
            }
            current = piece;
        }
        lines.push(current);
    }
    while lines.len() > 1 && lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    if lines.len() > max_lines {
        let rest = lines[max_lines - 1..].join(" ");
        lines.truncate(max_lines - 1);
        lines.push(fit(&format!("{rest} …"), width, size, weight));
    }
    lines
}

/// Line height in mm for a font size in points: 1.2 em, as word processors.
pub(crate) fn leading(size: f32) -> f32 {
    size * 1.2 / PT_PER_MM
}

fn mm(v: f32) -> Pt {
    Pt(v * PT_PER_MM)
}

fn black() -> Color {
    Color::Greyscale(Greyscale {
        percent: 0.0,
        icc_profile: None,
    })
}

fn grey(level: f32) -> Color {
    Color::Greyscale(Greyscale {
        percent: level,
        icc_profile: None,
    })
}

/// One page being drawn.
pub(crate) struct Canvas {
    pub width: f32,
    pub height: f32,
    ops: Vec<Op>,
    regular: FontId,
    bold: FontId,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Right,
    Center,
}

impl Canvas {
    /// Text with its baseline at `y` mm from the top; `x` is the left edge,
    /// the right edge or the centre as `align` says.
    pub fn text(&mut self, x: f32, y: f32, size: f32, weight: Weight, align: Align, text: &str) {
        if text.is_empty() {
            return;
        }
        let left = match align {
            Align::Left => x,
            Align::Right => x - text_width(text, size, weight),
            Align::Center => x - text_width(text, size, weight) / 2.0,
        };
        let font = match weight {
            Weight::Regular => self.regular.clone(),
            Weight::Bold => self.bold.clone(),
        };
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::External(font),
                size: Pt(size),
            },
            Op::SetTextCursor {
                pos: Point {
                    x: mm(left),
                    y: mm(self.height - y),
                },
            },
            Op::ShowText {
                items: vec![TextItem::Text(text.to_string())],
            },
            Op::EndTextSection,
        ]);
    }

    pub fn left(&mut self, x: f32, y: f32, size: f32, weight: Weight, text: &str) {
        self.text(x, y, size, weight, Align::Left, text);
    }

    pub fn right(&mut self, x: f32, y: f32, size: f32, weight: Weight, text: &str) {
        self.text(x, y, size, weight, Align::Right, text);
    }

    pub fn center(&mut self, x: f32, y: f32, size: f32, weight: Weight, text: &str) {
        self.text(x, y, size, weight, Align::Center, text);
    }

    /// Wrapped text from baseline `y`; returns the baseline after the last line.
    #[allow(clippy::too_many_arguments)]
    pub fn paragraph(
        &mut self,
        x: f32,
        y: f32,
        width: f32,
        size: f32,
        weight: Weight,
        max_lines: usize,
        text: &str,
    ) -> f32 {
        let mut baseline = y;
        for line in wrap(text, width, size, weight, max_lines) {
            self.left(x, baseline, size, weight, &line);
            baseline += leading(size);
        }
        baseline
    }

    fn path(&mut self, points: &[(f32, f32)], thickness: f32, closed: bool) {
        self.ops.extend([
            Op::SetOutlineColor { col: black() },
            Op::SetOutlineThickness { pt: Pt(thickness) },
            Op::DrawLine {
                line: Line {
                    points: points
                        .iter()
                        .map(|&(x, y)| LinePoint {
                            p: Point {
                                x: mm(x),
                                y: mm(self.height - y),
                            },
                            bezier: false,
                        })
                        .collect(),
                    is_closed: closed,
                },
            },
        ]);
    }

    /// A label and a line to write on after it ("Упаковал ________");
    /// returns where the line starts.
    pub fn label_and_line(&mut self, x: f32, y: f32, size: f32, label: &str, length: f32) -> f32 {
        self.left(x, y, size, Weight::Regular, label);
        let start = x + text_width(label, size, Weight::Regular) + 3.0;
        self.hline(start, start + length, y + 0.8, 0.5);
        start
    }

    /// A page's running footer: `title` on the left, `page` ("Стр. 1 из 2")
    /// on the right, on baseline `y`.
    pub fn footer(&mut self, left: f32, right: f32, y: f32, title: &str, page: &str) {
        self.left(left, y, 7.0, Weight::Regular, title);
        self.right(right, y, 7.0, Weight::Regular, page);
    }

    /// A horizontal rule; `thickness` in points.
    pub fn hline(&mut self, x1: f32, x2: f32, y: f32, thickness: f32) {
        self.path(&[(x1, y), (x2, y)], thickness, false);
    }

    pub fn vline(&mut self, x: f32, y1: f32, y2: f32, thickness: f32) {
        self.path(&[(x, y1), (x, y2)], thickness, false);
    }

    /// An outlined box with its top-left corner at (x, y).
    pub fn frame(&mut self, x: f32, y: f32, w: f32, h: f32, thickness: f32) {
        self.path(
            &[(x, y), (x + w, y), (x + w, y + h), (x, y + h)],
            thickness,
            true,
        );
    }

    fn filled(&mut self, x: f32, y: f32, w: f32, h: f32) -> Op {
        Op::DrawRectangle {
            rectangle: Rect {
                x: mm(x),
                y: mm(self.height - y - h),
                width: mm(w),
                height: mm(h),
                mode: Some(PaintMode::Fill),
                winding_order: None,
            },
        }
    }

    /// A filled box; `level` 0 is black, 1 white.
    pub fn shade(&mut self, x: f32, y: f32, w: f32, h: f32, level: f32) {
        let rect = self.filled(x, y, w, h);
        self.ops.extend([
            Op::SetFillColor { col: grey(level) },
            rect,
            Op::SetFillColor { col: black() },
        ]);
    }

    /// Barcode bars: each run of 1s in `modules` is one black rectangle of
    /// `module` mm per module, `height` mm tall, from (x, y) at its top-left.
    pub fn bars(&mut self, x: f32, y: f32, modules: &[u8], module: f32, height: f32) {
        let mut i = 0;
        while i < modules.len() {
            if modules[i] == 1 {
                let start = i;
                while i < modules.len() && modules[i] == 1 {
                    i += 1;
                }
                let rect = self.filled(
                    x + start as f32 * module,
                    y,
                    (i - start) as f32 * module,
                    height,
                );
                self.ops.push(rect);
            } else {
                i += 1;
            }
        }
    }
}

/// A table's columns: titles, widths in mm and alignment. Cells are padded
/// by `PAD` mm; rules are hairlines, the header is shaded.
pub(crate) struct Grid {
    pub x: f32,
    pub cols: Vec<(String, f32, Align)>,
}

pub(crate) const PAD: f32 = 1.4;

impl Grid {
    pub fn new(x: f32, cols: Vec<(&str, f32, Align)>) -> Grid {
        Grid {
            x,
            cols: cols
                .into_iter()
                .map(|(t, w, a)| (t.to_string(), w, a))
                .collect(),
        }
    }

    pub fn width(&self) -> f32 {
        self.cols.iter().map(|c| c.1).sum()
    }

    /// Left edge of column `i`.
    pub fn left(&self, i: usize) -> f32 {
        self.x + self.cols[..i].iter().map(|c| c.1).sum::<f32>()
    }

    pub fn col_width(&self, i: usize) -> f32 {
        self.cols[i].1
    }

    /// Room for text inside column `i`.
    pub fn inner(&self, i: usize) -> f32 {
        self.cols[i].1 - 2.0 * PAD
    }

    /// The shaded header row from `y` (top); returns the top of the first row.
    pub fn header(&self, canvas: &mut Canvas, y: f32, size: f32) -> f32 {
        // A header word is never broken: a column too narrow for its
        // longest word gets a smaller size instead.
        let sized: Vec<(f32, Vec<String>)> = (0..self.cols.len())
            .map(|i| {
                let title = &self.cols[i].0;
                let fits = |s: f32| {
                    title
                        .split_whitespace()
                        .all(|word| text_width(word, s, Weight::Bold) <= self.inner(i))
                };
                let s = [size, size - 0.5, size - 1.0, size - 1.5]
                    .into_iter()
                    .find(|s| fits(*s))
                    .unwrap_or(size - 1.5);
                (s, wrap(title, self.inner(i), s, Weight::Bold, 2))
            })
            .collect();
        let rows = sized.iter().map(|(_, l)| l.len()).max().unwrap_or(1).max(1);
        let height = rows as f32 * leading(size) + 2.0 * PAD;
        canvas.shade(self.x, y, self.width(), height, 0.88);
        for (i, (s, cell)) in sized.iter().enumerate() {
            // Headers sit at the bottom of their cell, like the numbers below.
            let mut baseline =
                y + height - PAD - 0.25 * leading(size) - (cell.len() as f32 - 1.0) * leading(size);
            for line in cell {
                self.cell(canvas, i, baseline, *s, Weight::Bold, line);
                baseline += leading(size);
            }
        }
        canvas.hline(self.x, self.x + self.width(), y, 0.6);
        self.rules(canvas, y, y + height, 0.6);
        height + y
    }

    /// Text in column `i` at `baseline`, aligned as the column says.
    pub fn cell(
        &self,
        canvas: &mut Canvas,
        i: usize,
        baseline: f32,
        size: f32,
        weight: Weight,
        text: &str,
    ) {
        let (_, width, align) = &self.cols[i];
        let left = self.left(i);
        let text = fit(text, width - 2.0 * PAD, size, weight);
        match align {
            Align::Left => canvas.left(left + PAD, baseline, size, weight, &text),
            Align::Right => canvas.right(left + width - PAD, baseline, size, weight, &text),
            Align::Center => canvas.center(left + width / 2.0, baseline, size, weight, &text),
        }
    }

    /// Column rules from `top` to `bottom` and the rule under the row (the
    /// rule above is the previous row's, or the header's).
    pub fn rules(&self, canvas: &mut Canvas, top: f32, bottom: f32, bottom_thickness: f32) {
        let mut x = self.x;
        canvas.vline(x, top, bottom, 0.6);
        for (i, col) in self.cols.iter().enumerate() {
            x += col.1;
            let t = if i + 1 == self.cols.len() { 0.6 } else { 0.3 };
            canvas.vline(x, top, bottom, t);
        }
        canvas.hline(self.x, self.x + self.width(), bottom, bottom_thickness);
    }
}

/// A PDF being built page by page.
pub(crate) struct PdfBuilder {
    doc: PdfDocument,
    regular: FontId,
    bold: FontId,
    pages: Vec<PdfPage>,
}

impl PdfBuilder {
    pub fn new(title: &str) -> Self {
        let mut doc = PdfDocument::new(title);
        doc.metadata.info.creator = "Packbench".into();
        doc.metadata.info.producer = "Packbench".into();
        let regular = doc.add_font(&faces().regular.font);
        let bold = doc.add_font(&faces().bold.font);
        PdfBuilder {
            doc,
            regular,
            bold,
            pages: Vec::new(),
        }
    }

    /// A blank page of `width` x `height` mm.
    pub fn canvas(&self, width: f32, height: f32) -> Canvas {
        Canvas {
            width,
            height,
            ops: Vec::new(),
            regular: self.regular.clone(),
            bold: self.bold.clone(),
        }
    }

    pub fn push(&mut self, canvas: Canvas) {
        self.pages.push(PdfPage::new(
            printpdf::Mm(canvas.width),
            printpdf::Mm(canvas.height),
            canvas.ops,
        ));
    }

    /// Adds a footer to every page once the page count is known.
    pub fn push_all(
        &mut self,
        canvases: Vec<Canvas>,
        mut footer: impl FnMut(&mut Canvas, usize, usize),
    ) {
        let total = canvases.len();
        for (i, mut canvas) in canvases.into_iter().enumerate() {
            footer(&mut canvas, i + 1, total);
            self.push(canvas);
        }
    }

    pub fn save(mut self) -> Vec<u8> {
        let pages = std::mem::take(&mut self.pages);
        let options = PdfSaveOptions {
            subset_fonts: true,
            ..PdfSaveOptions::default()
        };
        self.doc.with_pages(pages).save(&options, &mut Vec::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_grow_with_text_and_size_and_cyrillic_is_measured() {
        let a = text_width("Иванова", 10.0, Weight::Regular);
        assert!(
            a > 10.0 && a < 20.0,
            "seven letters at 10 pt are about 15 mm: {a}"
        );
        assert!(text_width("Иванова", 20.0, Weight::Regular) > 1.9 * a);
        assert!(
            text_width("Иванова", 10.0, Weight::Bold) > a,
            "bold is wider"
        );
        assert!(
            font_has('₽') && font_has('№'),
            "the font draws the rouble sign and numero"
        );
    }

    #[test]
    fn wrapping_keeps_lines_within_the_width_and_ellipsises_the_rest() {
        let text = "Чайник электрический с подсветкой 1,7 л, нержавеющая сталь, белый";
        let lines = wrap(text, 40.0, 9.0, Weight::Regular, 2);
        assert_eq!(lines.len(), 2);
        for l in &lines {
            assert!(text_width(l, 9.0, Weight::Regular) <= 40.0, "{l:?} fits");
        }
        assert!(lines[1].ends_with('…'), "cut text is marked: {lines:?}");
        assert_eq!(
            wrap("Кружка", 40.0, 9.0, Weight::Regular, 3),
            vec!["Кружка"]
        );
        assert_eq!(fit("Кружка", 40.0, 9.0, Weight::Regular), "Кружка");
    }
}
