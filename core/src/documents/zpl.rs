//! The shipping label in ZPL II for Zebra-compatible thermal printers, at
//! 203 or 300 dpi, from the same plan as the PDF label.
//!
//! - `^CI28`: field data are UTF-8, so Cyrillic goes in as written.
//! - `^CWZ,E:TT0003M_.FNT`: font Z is Zebra's resident Swiss 721 Unicode
//!   font, which has Cyrillic (the bitmap fonts and font 0 on older
//!   firmware do not).
//! - Barcodes are the printer's own `^BC` (Code 128) with explicit
//!   invocation codes: `>;` start C, `>:` start B, `>5`/`>6` switch, `>8`
//!   FNC1. GS1-128 is `>;>8` followed by the AI and data, exactly the
//!   symbol the PDF draws.
//! - Text needing it is escaped through `^FH` (`_5E` for `^`, `_7E` for
//!   `~`, `_5F` for `_`), so customer data cannot inject commands.

use super::label::{plan, Element, LabelView};
use super::layout::{text_width, Align, Weight};
use super::{Dpi, Lang, Paper};
use crate::Result;

/// Dots per millimetre at `dpi`.
fn dots_per_mm(dpi: Dpi) -> f32 {
    dpi.value() as f32 / 25.4
}

fn escape(text: &str) -> (bool, String) {
    let mut needs = false;
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '^' | '~' | '_' => {
                needs = true;
                out.push_str(&format!("_{:02X}", c as u32));
            }
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    (needs, out)
}

/// The label as ZPL: one `^XA ... ^XZ` format.
pub fn label(view: &LabelView, paper: Paper, dpi: Dpi, lang: Lang) -> Result<String> {
    let elements = plan(view, paper, lang)?;
    let dpmm = dots_per_mm(dpi);
    let d = |mm: f32| (mm * dpmm).round() as i64;
    let (width, height) = paper.size_mm();
    let size_name = match paper {
        Paper::Label100x150 => "100x150mm",
        _ => "4x6in",
    };
    let mut z = String::new();
    z.push_str("^XA\n");
    z.push_str(&format!(
        "^FXPackbench shipping label, order {}, {size_name}, {} dpi^FS\n",
        escape(&view.number).1,
        dpi.value()
    ));
    z.push_str("^CI28\n^CWZ,E:TT0003M_.FNT\n");
    z.push_str(&format!("^PW{}\n^LL{}\n^LH0,0\n", d(width), d(height)));
    for element in &elements {
        match element {
            Element::Text {
                x,
                y,
                size,
                weight,
                align,
                text,
            } => {
                let h = (size / 72.0 * dpi.value() as f32).round() as i64;
                let (fh, data) = escape(text);
                let fh = if fh { "^FH" } else { "" };
                // ZPL has no bold face: bold text is set slightly wider.
                let w = if *weight == Weight::Bold {
                    h * 11 / 10
                } else {
                    h
                };
                match align {
                    Align::Left => {
                        z.push_str(&format!(
                            "^FT{},{}^AZN,{h},{w}{fh}^FD{data}^FS\n",
                            d(*x),
                            d(*y)
                        ));
                    }
                    Align::Right | Align::Center => {
                        // A one-line field block, justified; its top is about
                        // 0.8 em above the baseline.
                        let (left, block) = match align {
                            Align::Right => (super::label::MARGIN, x - super::label::MARGIN),
                            _ => {
                                let half = (x - super::label::MARGIN)
                                    .min(width - super::label::MARGIN - x);
                                (x - half, 2.0 * half)
                            }
                        };
                        let just = if *align == Align::Right { "R" } else { "C" };
                        let top = d(*y) - (h as f32 * 0.8).round() as i64;
                        z.push_str(&format!(
                            "^FO{},{top}^FB{},1,0,{just},0^AZN,{h},{w}{fh}^FD{data}^FS\n",
                            d(left),
                            d(block)
                        ));
                        debug_assert!(text_width(text, *size, *weight) <= block + 0.5);
                    }
                }
            }
            Element::Rule {
                x1,
                x2,
                y,
                thickness,
            } => {
                let t = d(*thickness).max(2);
                z.push_str(&format!(
                    "^FO{},{}^GB{},{t},{t}^FS\n",
                    d(*x1),
                    d(*y) - t / 2,
                    d(x2 - x1)
                ));
            }
            Element::Barcode {
                center,
                top,
                height,
                module,
                symbol,
            } => {
                let Some(data) = symbol.zpl_code128() else {
                    continue;
                };
                let module_dots = d(*module).max(2);
                let bars = symbol.modules().len() as i64 * module_dots;
                let left = d(*center) - bars / 2;
                let h = d(*height);
                z.push_str(&format!(
                    "^FO{left},{}^BY{module_dots},3,{h}^BCN,{h},N,N,N^FD{data}^FS\n",
                    d(*top)
                ));
            }
        }
    }
    z.push_str("^PQ1\n^XZ\n");
    Ok(z)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_characters_are_escaped_through_fh() {
        assert_eq!(escape("Иванова"), (false, "Иванова".to_string()));
        assert_eq!(escape("a^b~c_d"), (true, "a_5Eb_7Ec_5Fd".to_string()));
        assert_eq!(escape("line\nbreak"), (false, "linebreak".to_string()));
    }
}
