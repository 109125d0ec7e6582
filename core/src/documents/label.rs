//! The shipping label, 4 x 6 in or 100 x 150 mm: sender, recipient,
//! delivery method, weight, order number as Code 128, tracking number as
//! Code 128 when the carrier has given one, and the carton's SSCC as
//! GS1-128 when the parcel has one.
//!
//! The label is planned once as a list of elements in millimetres; the PDF
//! and the ZPL are two renderings of the same plan, so a label looks the
//! same from a laser printer and from a Zebra.

use super::barcode::{sscc_human, Symbol};
use super::format::weight_kg;
use super::layout::{fit, leading, wrap, Align, Canvas, PdfBuilder, Weight};
use super::words::words;
use super::{invalid, Lang, Paper, Party};
use crate::Result;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LabelView {
    pub number: String,
    pub sender: Party,
    pub recipient: Party,
    pub delivery_method: String,
    pub tracking: Option<String>,
    /// Goods in the parcel, from the products' weights.
    pub weight_g: i64,
    pub units: i64,
    /// The carton's SSCC (18 digits with check digit), when it has one.
    pub sscc: Option<String>,
    /// Carton k of n, when the order went into cartons.
    pub carton: Option<(i64, i64)>,
}

/// One thing on the label. Positions in mm from the top-left corner; text
/// `y` is the baseline.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Element {
    Text {
        x: f32,
        y: f32,
        size: f32,
        weight: Weight,
        align: Align,
        text: String,
    },
    Rule {
        x1: f32,
        x2: f32,
        y: f32,
        /// mm
        thickness: f32,
    },
    Barcode {
        /// Centre of the symbol.
        center: f32,
        top: f32,
        height: f32,
        module: f32,
        symbol: Symbol,
    },
}

pub(crate) const MARGIN: f32 = 4.0;

/// Lays the label out on `paper`.
pub(crate) fn plan(view: &LabelView, paper: Paper, lang: Lang) -> Result<Vec<Element>> {
    if !paper.is_label() {
        return Err(invalid(
            "a shipping label is printed on 4x6 in or 100x150 mm labels",
        ));
    }
    let w = words(lang);
    let (width, height) = paper.size_mm();
    let left = MARGIN;
    let right = width - MARGIN;
    let inner = right - left;
    let mut out = Vec::new();
    let text = |out: &mut Vec<Element>,
                x: f32,
                y: f32,
                size: f32,
                weight: Weight,
                align: Align,
                t: &str,
                room: f32| {
        if !t.is_empty() {
            out.push(Element::Text {
                x,
                y,
                size,
                weight,
                align,
                text: fit(t, room, size, weight),
            });
        }
    };
    let rule = |out: &mut Vec<Element>, y: f32, thickness: f32| {
        out.push(Element::Rule {
            x1: left,
            x2: right,
            y,
            thickness,
        });
    };

    // Head: the service in large type, the weight opposite.
    let weight_text = weight_kg(view.weight_g, lang);
    let weight_room = super::layout::text_width(&weight_text, 16.0, Weight::Bold) + 1.0;
    let service = if view.delivery_method.is_empty() {
        "—"
    } else {
        view.delivery_method.as_str()
    };
    text(
        &mut out,
        left,
        MARGIN + 7.0,
        18.0,
        Weight::Bold,
        Align::Left,
        service,
        inner - weight_room - 3.0,
    );
    text(
        &mut out,
        right,
        MARGIN + 6.5,
        16.0,
        Weight::Bold,
        Align::Right,
        &weight_text,
        weight_room,
    );
    text(
        &mut out,
        right,
        MARGIN + 11.0,
        7.0,
        Weight::Regular,
        Align::Right,
        &view.units_label(lang),
        40.0,
    );
    let mut y = MARGIN + 13.0;
    rule(&mut out, y, 0.6);

    // From: small, it is for returns.
    y += 3.6;
    text(
        &mut out,
        left,
        y,
        6.5,
        Weight::Bold,
        Align::Left,
        &w.from.to_uppercase(),
        inner,
    );
    y += 3.6;
    text(
        &mut out,
        left,
        y,
        8.5,
        Weight::Bold,
        Align::Left,
        &view.sender.name,
        inner,
    );
    for line in wrap(&view.sender.address, inner, 7.5, Weight::Regular, 2) {
        y += leading(7.5);
        text(
            &mut out,
            left,
            y,
            7.5,
            Weight::Regular,
            Align::Left,
            &line,
            inner,
        );
    }
    if !view.sender.phone.is_empty() {
        y += leading(7.5);
        text(
            &mut out,
            left,
            y,
            7.5,
            Weight::Regular,
            Align::Left,
            &view.sender.phone,
            inner,
        );
    }
    y += 2.2;
    rule(&mut out, y, 0.3);

    // The bottom blocks are stacked from the bottom edge up; the recipient
    // gets the room in between.
    let mut bottom = height - MARGIN;
    // Blocks in the order they are made (bottom up); emitted top down.
    let mut blocks: Vec<Vec<Element>> = Vec::new();
    if let Some(sscc) = view.sscc.as_deref() {
        let symbol = Symbol::sscc(sscc).ok_or_else(|| {
            invalid(format!(
                "{sscc} is not an SSCC: 18 digits with a valid check digit"
            ))
        })?;
        let top = bottom - 22.0;
        let mut block = Vec::new();
        text(
            &mut block,
            left,
            top + 3.2,
            6.5,
            Weight::Bold,
            Align::Left,
            "SSCC",
            inner,
        );
        block.push(Element::Barcode {
            center: width / 2.0,
            top: top + 4.2,
            height: 13.0,
            module: 0.5,
            symbol,
        });
        text(
            &mut block,
            width / 2.0,
            top + 21.0,
            9.0,
            Weight::Regular,
            Align::Center,
            &sscc_human(sscc),
            inner,
        );
        block.push(Element::Rule {
            x1: left,
            x2: right,
            y: top,
            thickness: 0.3,
        });
        blocks.push(block);
        bottom = top;
    }
    if let Some(tracking) = view.tracking.as_deref().filter(|t| !t.trim().is_empty()) {
        let top = bottom - 27.0;
        let mut block = Vec::new();
        text(
            &mut block,
            left,
            top + 3.6,
            6.5,
            Weight::Bold,
            Align::Left,
            &w.tracking.to_uppercase(),
            inner,
        );
        if let Some(symbol) = Symbol::code128(tracking) {
            // Long tracking numbers get narrower bars rather than no barcode.
            let span = |m: f32| (symbol.modules().len() + 2 * symbol.quiet_modules()) as f32 * m;
            let module = [0.45, 0.38, 0.33]
                .into_iter()
                .find(|m| span(*m) <= inner)
                .unwrap_or(0.33);
            block.push(Element::Barcode {
                center: width / 2.0,
                top: top + 5.0,
                height: 15.0,
                module,
                symbol,
            });
        }
        text(
            &mut block,
            width / 2.0,
            top + 25.0,
            12.0,
            Weight::Bold,
            Align::Center,
            tracking,
            inner,
        );
        block.push(Element::Rule {
            x1: left,
            x2: right,
            y: top,
            thickness: 0.6,
        });
        blocks.push(block);
        bottom = top;
    }
    // The order: barcode left, number large on the right.
    {
        let top = bottom - 23.0;
        let mut block = Vec::new();
        text(
            &mut block,
            left,
            top + 3.6,
            6.5,
            Weight::Bold,
            Align::Left,
            &w.order.to_uppercase(),
            inner,
        );
        if let Some(symbol) = Symbol::code128(&view.number) {
            let module = 0.5;
            let span = (symbol.modules().len() + 2 * symbol.quiet_modules()) as f32 * module;
            block.push(Element::Barcode {
                center: left - symbol.quiet_modules() as f32 * module + span / 2.0 + 2.0,
                top: top + 5.0,
                height: 14.0,
                module,
                symbol,
            });
        }
        text(
            &mut block,
            right,
            top + 15.5,
            22.0,
            Weight::Bold,
            Align::Right,
            &view.number,
            inner / 2.0,
        );
        block.push(Element::Rule {
            x1: left,
            x2: right,
            y: top,
            thickness: 0.6,
        });
        blocks.push(block);
        bottom = top;
    }

    // To: as large as the room allows.
    y += 3.8;
    text(
        &mut out,
        left,
        y,
        7.0,
        Weight::Bold,
        Align::Left,
        &w.to.to_uppercase(),
        inner,
    );
    // The address is what the courier reads from arm's length: the more
    // room the blocks below leave, the larger it is set.
    let room = bottom - y - 2.0;
    let (name_size, addr_size) = if room > 70.0 {
        (18.0, 14.0)
    } else if room > 45.0 {
        (16.0, 12.0)
    } else {
        (14.0, 10.0)
    };
    let name_lines = wrap(&view.recipient.name, inner, name_size, Weight::Bold, 2);
    let addr_lines_max =
        (((room - name_lines.len() as f32 * leading(name_size) - leading(addr_size))
            / leading(addr_size))
        .floor() as usize)
            .clamp(1, 5);
    y += 1.0;
    for line in &name_lines {
        y += leading(name_size);
        text(
            &mut out,
            left,
            y,
            name_size,
            Weight::Bold,
            Align::Left,
            line,
            inner,
        );
    }
    y += 0.8;
    for line in wrap(
        &view.recipient.address,
        inner,
        addr_size,
        Weight::Regular,
        addr_lines_max,
    ) {
        y += leading(addr_size);
        text(
            &mut out,
            left,
            y,
            addr_size,
            Weight::Regular,
            Align::Left,
            &line,
            inner,
        );
    }
    if !view.recipient.phone.is_empty() {
        y += leading(addr_size);
        text(
            &mut out,
            left,
            y,
            addr_size,
            Weight::Regular,
            Align::Left,
            &view.recipient.phone,
            inner,
        );
    }
    for block in blocks.into_iter().rev() {
        out.extend(block);
    }
    Ok(out)
}

impl LabelView {
    fn units_label(&self, lang: Lang) -> String {
        match (lang, self.carton) {
            (Lang::Ru, Some((k, n))) => format!("{} шт. · коробка {k} из {n}", self.units),
            (Lang::En, Some((k, n))) => format!("{} pcs · carton {k} of {n}", self.units),
            (Lang::Ru, None) => format!("{} шт.", self.units),
            (Lang::En, None) => format!("{} pcs", self.units),
        }
    }
}

fn draw(canvas: &mut Canvas, plan: &[Element]) {
    for element in plan {
        match element {
            Element::Text {
                x,
                y,
                size,
                weight,
                align,
                text,
            } => canvas.text(*x, *y, *size, *weight, *align, text),
            Element::Rule {
                x1,
                x2,
                y,
                thickness,
            } => {
                canvas.hline(*x1, *x2, *y, thickness * 72.0 / 25.4);
            }
            Element::Barcode {
                center,
                top,
                height,
                module,
                symbol,
            } => {
                let modules = symbol.modules();
                let bars = modules.len() as f32 * module;
                canvas.bars(center - bars / 2.0, *top, &modules, *module, *height);
            }
        }
    }
}

/// One label as a one-page PDF.
pub fn pdf(view: &LabelView, paper: Paper, lang: Lang) -> Result<Vec<u8>> {
    labels_pdf(std::slice::from_ref(view), paper, lang)
}

/// Many labels in one PDF, a page each (a batch sent to a label printer).
pub fn labels_pdf(views: &[LabelView], paper: Paper, lang: Lang) -> Result<Vec<u8>> {
    let title = match views {
        [one] => format!("{} {}", words(lang).order, one.number),
        _ => format!(
            "{} x{}",
            if lang == Lang::Ru {
                "Этикетки"
            } else {
                "Labels"
            },
            views.len()
        ),
    };
    let mut builder = PdfBuilder::new(&title);
    let (width, height) = paper.size_mm();
    for view in views {
        let elements = plan(view, paper, lang)?;
        let mut canvas = builder.canvas(width, height);
        draw(&mut canvas, &elements);
        builder.push(canvas);
    }
    Ok(builder.save())
}
