//! Page composition for the PDF documents: millimetres measured from the
//! top-left corner of the page (as a designer measures a form), turned into
//! printpdf's points from the bottom-left only here.
//!
//! Text is set in DejaVu Sans, embedded and subset, so Cyrillic prints the
//! same on every machine. Widths come from the font's own advance table, so
//! right-aligned amounts line up to the digit.

use printpdf::{
    FontId, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt,
    TextItem,
};
use std::io::Write;
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

/// Appends `v` to a content stream with at most `decimals` (1..=6)
/// decimals, trailing zeros dropped: "12.5", "3", "-0.25".
fn num(out: &mut Vec<u8>, v: f32, decimals: u32) {
    let scale = 10i64.pow(decimals);
    let scaled = (f64::from(v) * scale as f64).round() as i64;
    if scaled < 0 {
        out.push(b'-');
    }
    let abs = scaled.unsigned_abs();
    let _ = write!(out, "{}", abs / scale as u64);
    let mut frac = abs % scale as u64;
    if frac != 0 {
        let mut width = decimals as usize;
        while frac.is_multiple_of(10) {
            frac /= 10;
            width -= 1;
        }
        let _ = write!(out, ".{frac:0width$}");
    }
}

/// A line of text on a page: baseline start in points from the bottom-left.
struct TextRun {
    weight: Weight,
    size: f32,
    x: f32,
    y: f32,
    text: String,
}

/// One page being drawn, as PDF content written here rather than through
/// printpdf's operations (a batch of a thousand labels is a quarter of a
/// million of them): lines, boxes and bars straight away, text as runs
/// encoded when the document is saved and its fonts' subsets are known.
/// Graphics go under the text; nothing on a document draws over text, so
/// that order shows the same.
pub(crate) struct Canvas {
    pub width: f32,
    pub height: f32,
    runs: Vec<TextRun>,
    graphics: Vec<u8>,
    /// The stroke width last set in `graphics` (PDF's default is 1).
    line_width: f32,
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
        self.runs.push(TextRun {
            weight,
            size,
            x: mm(left).0,
            y: mm(self.height - y).0,
            text: text.to_string(),
        });
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

    /// A point in mm from the top-left, as content-stream operands in points.
    fn point(&mut self, x: f32, y: f32) {
        num(&mut self.graphics, mm(x).0, 4);
        self.graphics.push(b' ');
        num(&mut self.graphics, mm(self.height - y).0, 4);
        self.graphics.push(b' ');
    }

    /// A stroked line through `points`; `thickness` in points.
    fn path(&mut self, points: &[(f32, f32)], thickness: f32, closed: bool) {
        if points.len() < 2 {
            return;
        }
        if thickness != self.line_width {
            num(&mut self.graphics, thickness, 4);
            self.graphics.extend_from_slice(b" w\n");
            self.line_width = thickness;
        }
        for (i, &(x, y)) in points.iter().enumerate() {
            self.point(x, y);
            self.graphics
                .extend_from_slice(if i == 0 { b"m\n" } else { b"l\n" });
        }
        self.graphics
            .extend_from_slice(if closed { b"s\n" } else { b"S\n" });
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

    /// A filled box; `level` 0 is black, 1 white.
    pub fn shade(&mut self, x: f32, y: f32, w: f32, h: f32, level: f32) {
        num(&mut self.graphics, level.clamp(0.0, 1.0), 4);
        self.graphics.extend_from_slice(b" g\n");
        self.point(x, y + h);
        num(&mut self.graphics, mm(w).0, 4);
        self.graphics.push(b' ');
        num(&mut self.graphics, mm(h).0, 4);
        self.graphics.extend_from_slice(b" re\nf\n0 g\n");
    }

    /// Barcode bars: each run of 1s in `modules` is one black rectangle of
    /// `module` mm per module, `height` mm tall, from (x, y) at its top-left.
    /// The bars are drawn in a coordinate system of one unit a module and
    /// the bar height (`cm`), so each is four small integers; each is
    /// filled on its own, as a lone rectangle is what viewers (poppler)
    /// snap to whole pixels instead of smoothing its edges grey.
    pub fn bars(&mut self, x: f32, y: f32, modules: &[u8], module: f32, height: f32) {
        if !modules.contains(&1) {
            return;
        }
        let g = &mut self.graphics;
        g.extend_from_slice(b"q\n");
        num(g, mm(module).0, 6);
        g.extend_from_slice(b" 0 0 ");
        num(g, mm(height).0, 6);
        g.push(b' ');
        num(g, mm(x).0, 4);
        g.push(b' ');
        num(g, mm(self.height - y - height).0, 4);
        g.extend_from_slice(b" cm\n");
        let mut i = 0;
        while i < modules.len() {
            if modules[i] == 1 {
                let start = i;
                while i < modules.len() && modules[i] == 1 {
                    i += 1;
                }
                let _ = write!(g, "{start} 0 {} 1 re\nf\n", i - start);
            } else {
                i += 1;
            }
        }
        g.extend_from_slice(b"Q\n");
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
    pages: Vec<Canvas>,
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
            runs: Vec::new(),
            graphics: Vec::new(),
            line_width: 1.0,
        }
    }

    pub fn push(&mut self, canvas: Canvas) {
        self.pages.push(canvas);
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

    /// printpdf's pages: their sizes and the given operations.
    fn pdf_pages(&self, mut ops: impl FnMut(usize, &Canvas) -> Vec<Op>) -> Vec<PdfPage> {
        self.pages
            .iter()
            .enumerate()
            .map(|(i, c)| PdfPage::new(printpdf::Mm(c.width), printpdf::Mm(c.height), ops(i, c)))
            .collect()
    }

    /// The PDF. printpdf makes the document: pages, the fonts subset to
    /// the glyphs used, and the glyph codes of every character used, shown
    /// once on the first page (`Glyphs`). The pages' content is then
    /// written here with those codes, under the same fonts, and deflated at
    /// a fast level (a batch of a thousand labels is megabytes of it).
    pub fn save(self) -> Vec<u8> {
        self.render().0
    }

    /// The PDF, and whether its text was written here (false: printpdf
    /// wrote it, the slow way).
    fn render(mut self) -> (Vec<u8>, bool) {
        let options = PdfSaveOptions {
            subset_fonts: true,
            // Compressed below.
            optimize: false,
            ..PdfSaveOptions::default()
        };
        let glyphs = Glyphs::used_on(&self.pages);
        let registry = glyphs.ops(&self.regular, &self.bold);
        let pages = self.pdf_pages(|i, _| if i == 0 { registry.clone() } else { Vec::new() });
        let mut doc = self
            .doc
            .with_pages(pages)
            .to_lopdf_document(&options, &mut Vec::new());
        let ids: Vec<_> = doc.page_iter().collect();
        let first = ids
            .first()
            .and_then(|id| doc.get_page_contents(*id).first().copied());
        let shown = first
            .and_then(|id| doc.get_object(id).ok())
            .and_then(|o| o.as_stream().ok())
            .map(|s| s.content.as_slice());
        let codes = glyphs.codes(shown);
        let (mut texts, fallback): (Vec<Vec<u8>>, bool) = match &codes {
            Some(codes) => {
                let names = [self.regular.0.as_bytes(), self.bold.0.as_bytes()];
                (
                    self.pages
                        .iter()
                        .map(|c| text_content(&c.runs, codes, names))
                        .collect(),
                    false,
                )
            }
            None => (Vec::new(), true),
        };
        if fallback {
            // printpdf did not show the codes as expected: it encodes the
            // text itself (several times slower, the same page).
            let pages = self.pdf_pages(|_, c| text_ops(&c.runs, &self.regular, &self.bold));
            doc = self
                .doc
                .with_pages(pages)
                .to_lopdf_document(&options, &mut Vec::new());
        }
        let ids: Vec<_> = doc.page_iter().collect();
        let mut contents = std::collections::BTreeSet::new();
        for (i, (page, canvas)) in ids.into_iter().zip(&self.pages).enumerate() {
            let Some(id) = doc.get_page_contents(page).first().copied() else {
                continue;
            };
            let Ok(stream) = doc.get_object_mut(id).and_then(|o| o.as_stream_mut()) else {
                continue;
            };
            let text = if fallback {
                std::mem::take(&mut stream.content)
            } else {
                std::mem::take(&mut texts[i])
            };
            let mut content = Vec::with_capacity(canvas.graphics.len() + text.len() + 12);
            if !canvas.graphics.is_empty() {
                content.extend_from_slice(b"q\n0 G\n");
                content.extend_from_slice(&canvas.graphics);
                content.extend_from_slice(b"Q\n");
            }
            content.extend_from_slice(&text);
            match deflate(&content, PAGE_COMPRESSION) {
                Some(packed) => {
                    stream.dict.set("Filter", "FlateDecode");
                    stream.set_content(packed);
                }
                None => stream.set_content(content),
            }
            contents.insert(id);
        }
        for (id, object) in doc.objects.iter_mut() {
            if let Ok(stream) = object.as_stream_mut() {
                if stream.allows_compression && !contents.contains(id) {
                    // What printpdf's own `optimize` does (best compression):
                    // the fonts and the like, once a document.
                    let _ = stream.compress();
                }
            }
        }
        let mut out = Vec::new();
        let _ = doc.save_to(&mut out);
        (out, !fallback)
    }
}

/// The characters a document shows in each weight, in the order first
/// used, and the glyph codes printpdf gives them.
struct Glyphs {
    /// Regular, bold.
    chars: [Vec<char>; 2],
}

fn weight_index(weight: Weight) -> usize {
    match weight {
        Weight::Regular => 0,
        Weight::Bold => 1,
    }
}

/// Glyph codes by character, for one font.
struct Codes {
    /// U+0000..U+0500 (Latin and Cyrillic) by index; u32::MAX: not used.
    common: Vec<u32>,
    other: std::collections::HashMap<char, u16>,
}

impl Codes {
    fn get(&self, c: char) -> u16 {
        match self.common.get(c as usize) {
            Some(&code) if code != u32::MAX => code as u16,
            Some(_) => 0,
            None => self.other.get(&c).copied().unwrap_or(0),
        }
    }
}

impl Glyphs {
    fn used_on(pages: &[Canvas]) -> Glyphs {
        let mut seen: [std::collections::HashSet<char>; 2] = Default::default();
        let mut chars: [Vec<char>; 2] = Default::default();
        for run in pages.iter().flat_map(|p| &p.runs) {
            let w = weight_index(run.weight);
            for c in run.text.chars() {
                if seen[w].insert(c) {
                    chars[w].push(c);
                }
            }
        }
        Glyphs { chars }
    }

    /// Each font's characters shown once, for printpdf to subset the font
    /// to them and encode them.
    fn ops(&self, regular: &FontId, bold: &FontId) -> Vec<Op> {
        let mut ops = vec![Op::StartTextSection];
        for (chars, font) in self.chars.iter().zip([regular, bold]) {
            if !chars.is_empty() {
                ops.extend([
                    Op::SetFont {
                        font: PdfFontHandle::External(font.clone()),
                        size: Pt(10.0),
                    },
                    Op::ShowText {
                        items: vec![TextItem::Text(chars.iter().collect())],
                    },
                ]);
            }
        }
        ops.push(Op::EndTextSection);
        ops
    }

    /// The codes printpdf wrote for the characters `ops` showed: the hex
    /// strings of `content`, two bytes a character, in order. None when
    /// the content is not that.
    fn codes(&self, content: Option<&[u8]>) -> Option<[Codes; 2]> {
        let content = content?;
        let mut strings = content
            .split(|b| *b == b'<')
            .skip(1)
            .map(|rest| rest.split(|b| *b == b'>').next().unwrap_or_default());
        let mut out = [(); 2].map(|_| Codes {
            common: vec![u32::MAX; 0x500],
            other: std::collections::HashMap::new(),
        });
        for (chars, codes) in self.chars.iter().zip(out.iter_mut()) {
            if chars.is_empty() {
                continue;
            }
            let hex: Vec<u8> = strings
                .next()?
                .iter()
                .copied()
                .filter(|b| !b.is_ascii_whitespace())
                .collect();
            if hex.len() != chars.len() * 4 {
                return None;
            }
            for (c, h) in chars.iter().zip(hex.chunks(4)) {
                let code = u16::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok()?;
                match codes.common.get_mut(*c as usize) {
                    Some(slot) => *slot = u32::from(code),
                    None => {
                        codes.other.insert(*c, code);
                    }
                }
            }
        }
        strings.next().is_none().then_some(out)
    }
}

/// A page's text as PDF content: one `BT` .. `ET`, the font set when it
/// changes, each line placed from the previous one's start (`Td` is
/// relative; positions are kept in 1/10000 pt so they add up exactly).
fn text_content(runs: &[TextRun], codes: &[Codes; 2], names: [&[u8]; 2]) -> Vec<u8> {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = Vec::with_capacity(runs.len() * 64);
    if runs.is_empty() {
        return out;
    }
    out.extend_from_slice(b"BT\n");
    let mut font: Option<(Weight, f32)> = None;
    let (mut at_x, mut at_y) = (0i64, 0i64);
    for run in runs {
        let w = weight_index(run.weight);
        if font != Some((run.weight, run.size)) {
            out.push(b'/');
            out.extend_from_slice(names[w]);
            out.push(b' ');
            num(&mut out, run.size, 4);
            out.extend_from_slice(b" Tf\n");
            font = Some((run.weight, run.size));
        }
        let x = (f64::from(run.x) * 10_000.0).round() as i64;
        let y = (f64::from(run.y) * 10_000.0).round() as i64;
        tenths_of_thousandths(&mut out, x - at_x);
        out.push(b' ');
        tenths_of_thousandths(&mut out, y - at_y);
        out.extend_from_slice(b" Td\n<");
        (at_x, at_y) = (x, y);
        for c in run.text.chars() {
            let code = codes[w].get(c);
            for shift in [12, 8, 4, 0] {
                out.push(HEX[usize::from((code >> shift) & 0xF)]);
            }
        }
        out.extend_from_slice(b"> Tj\n");
    }
    out.extend_from_slice(b"ET\n");
    out
}

/// `v` / 10000 as a decimal.
fn tenths_of_thousandths(out: &mut Vec<u8>, v: i64) {
    if v < 0 {
        out.push(b'-');
    }
    let abs = v.unsigned_abs();
    let _ = write!(out, "{}", abs / 10_000);
    let mut frac = abs % 10_000;
    if frac != 0 {
        let mut width = 4;
        while frac.is_multiple_of(10) {
            frac /= 10;
            width -= 1;
        }
        let _ = write!(out, ".{frac:0width$}");
    }
}

/// The same text as printpdf operations (when the codes could not be read).
fn text_ops(runs: &[TextRun], regular: &FontId, bold: &FontId) -> Vec<Op> {
    let mut ops = Vec::new();
    for run in runs {
        let font = match run.weight {
            Weight::Regular => regular.clone(),
            Weight::Bold => bold.clone(),
        };
        ops.extend([
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::External(font),
                size: Pt(run.size),
            },
            Op::SetTextCursor {
                pos: Point {
                    x: Pt(run.x),
                    y: Pt(run.y),
                },
            },
            Op::ShowText {
                items: vec![TextItem::Text(run.text.clone())],
            },
            Op::EndTextSection,
        ]);
    }
    ops
}

/// The zlib level of page contents: level 1 is several times faster than
/// the best level on label batches, and the file a little bigger.
const PAGE_COMPRESSION: u32 = 1;

/// `content` deflated as a FlateDecode stream, when that makes it smaller.
fn deflate(content: &[u8], level: u32) -> Option<Vec<u8>> {
    let mut encoder = flate2::write::ZlibEncoder::new(
        Vec::with_capacity(content.len() / 3),
        flate2::Compression::new(level),
    );
    encoder.write_all(content).ok()?;
    let out = encoder.finish().ok()?;
    (out.len() + 19 < content.len()).then_some(out)
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
    fn page_text_is_written_with_the_codes_printpdf_gives_the_glyphs() {
        let mut builder = PdfBuilder::new("test");
        for page in 0..3 {
            let mut c = builder.canvas(100.0, 150.0);
            c.left(5.0, 10.0, 12.0, Weight::Bold, &format!("Заказ {page}"));
            c.right(95.0, 20.0, 9.0, Weight::Regular, "Иванова Мария, ₽ № «»");
            c.center(50.0, 30.0, 9.0, Weight::Regular, "Packbench\u{e000}");
            c.hline(5.0, 95.0, 12.0, 0.5);
            c.bars(5.0, 40.0, &[1, 1, 0, 1, 0, 0, 1], 0.5, 10.0);
            builder.push(c);
        }
        let (pdf, written_here) = builder.render();
        assert!(written_here, "the codes printpdf wrote were read back");
        assert!(pdf.starts_with(b"%PDF"));
    }

    #[test]
    fn numbers_are_written_short_and_exact() {
        let mut out = Vec::new();
        for v in [0.0, 12.5, -0.25, 3.0, 1.41732, 0.00004] {
            num(&mut out, v, 4);
            out.push(b' ');
        }
        tenths_of_thousandths(&mut out, -123_456);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "0 12.5 -0.25 3 1.4173 0 -12.3456"
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
