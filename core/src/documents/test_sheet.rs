//! The station's test page: it shows that a printer prints (edges, Cyrillic,
//! fine bars) and carries the scanner set-up page's three test codes
//! (domain::scanner_check), so one sheet sets up both.
//!
//! The same symbols are drawn for the screen as SVG ([`svg`]), from the same
//! modules, so what the page shows and what the sheet prints never differ.

use super::barcode::{Code128Part, Symbol};
use super::layout::{leading, PdfBuilder, Weight};
use super::{Lang, Paper};
use crate::domain::barcode::GS;
use crate::domain::scanner_check::{TestCode, TEST_GTIN};
use crate::error::{Error, Result};

/// A drawn test code: rows of modules, `true` black.
pub struct Matrix {
    pub width: usize,
    pub rows: Vec<Vec<bool>>,
    /// Quiet zone each side, in modules.
    pub quiet: usize,
}

/// The symbol of a linear test code.
fn linear(code: TestCode) -> Option<Symbol> {
    match code {
        TestCode::Ean13 => Symbol::ean13(TEST_GTIN),
        // FNC1 first (GS1), then (01) and (10) in subset C/B, FNC1 as the
        // separator after the variable-length batch, then (17).
        TestCode::Gs1_128 => {
            let data = code.data();
            let (head, tail) = data.split_once(GS)?;
            let (digits, batch) = head.split_at(18);
            Some(Symbol::Code128(vec![
                Code128Part::StartC,
                Code128Part::Fnc1,
                Code128Part::Data(digits.to_string()),
                Code128Part::ToB,
                Code128Part::Data(batch.to_string()),
                Code128Part::Fnc1,
                Code128Part::ToC,
                Code128Part::Data(tail.to_string()),
            ]))
        }
        TestCode::DataMatrix => None,
    }
}

/// The modules of a test code, for the sheet and the screen alike.
pub fn matrix(code: TestCode) -> Result<Matrix> {
    if let Some(symbol) = linear(code) {
        let modules = symbol.modules();
        if modules.is_empty() {
            return Err(Error::Invalid(format!(
                "the {} test code cannot be drawn",
                code.as_str()
            )));
        }
        return Ok(Matrix {
            width: modules.len(),
            rows: vec![modules.iter().map(|&m| m == 1).collect()],
            quiet: symbol.quiet_modules(),
        });
    }
    let dm = datamatrix::DataMatrix::encode_gs1(
        code.data().as_bytes(),
        datamatrix::SymbolList::default(),
    )
    .map_err(|e| Error::Invalid(format!("the DataMatrix test code cannot be drawn: {e:?}")))?;
    let bitmap = dm.bitmap();
    let width = bitmap.width();
    let bits = bitmap.bits();
    let rows = bits.chunks(width).map(<[bool]>::to_vec).collect();
    Ok(Matrix {
        width,
        rows,
        quiet: 2,
    })
}

/// An SVG of a test code for the screen: one unit per module, black on
/// white, with its quiet zone. Linear codes get a bar height of a third of
/// their width.
pub fn svg(code: TestCode) -> Result<String> {
    let m = matrix(code)?;
    let full = m.width + 2 * m.quiet;
    let (height, linear) = if m.rows.len() == 1 {
        ((full / 3).max(20), true)
    } else {
        (m.rows.len() + 2 * m.quiet, false)
    };
    let mut path = String::new();
    for (y, row) in m.rows.iter().enumerate() {
        let mut x = 0;
        while x < row.len() {
            if !row[x] {
                x += 1;
                continue;
            }
            let start = x;
            while x < row.len() && row[x] {
                x += 1;
            }
            let (top, tall) = if linear {
                (m.quiet, height - 2 * m.quiet)
            } else {
                (y + m.quiet, 1)
            };
            path.push_str(&format!(
                "M{} {}h{}v{}h-{}z",
                start + m.quiet,
                top,
                x - start,
                tall,
                x - start
            ));
        }
    }
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {full} {height}\" \
         shape-rendering=\"crispEdges\"><rect width=\"{full}\" height=\"{height}\" \
         fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>"
    ))
}

struct Words {
    title: &'static str,
    intro: &'static str,
    printer: &'static str,
    names: [(&'static str, &'static str); 3],
    cyrillic: &'static str,
}

fn words(lang: Lang) -> Words {
    match lang {
        Lang::Ru => Words {
            title: "Packbench: проверка принтера и сканера",
            intro: "Откройте «Справка → Сканер» и отсканируйте каждый код: \
                    страница скажет, что поменять в настройках сканера.",
            printer: "Рамка отстоит от края листа на 5 мм со всех сторон; \
                      если её не видно, поправьте поля или размер бумаги в CUPS.",
            names: [
                ("EAN-13", "Штрихкод товара: проверяет контрольную цифру."),
                (
                    "GS1-128",
                    "Партия (10) и срок годности (17): нужен разделитель GS.",
                ),
                (
                    "GS1 DataMatrix",
                    "Код маркировки «Честный знак»: сканер должен передавать GS (Ctrl+]).",
                ),
            ],
            cyrillic: "Съешь же ещё этих мягких французских булок, да выпей чаю.",
        },
        Lang::En => Words {
            title: "Packbench: printer and scanner test page",
            intro: "Open Help → Scanner and scan each code: the page says what to \
                    change in the scanner's settings.",
            printer: "The frame is 5 mm from every edge of the sheet; if it is cut \
                      off, correct the margins or the paper size in CUPS.",
            names: [
                ("EAN-13", "A product barcode: checks the check digit."),
                (
                    "GS1-128",
                    "A batch (10) and an expiry date (17): needs the GS separator.",
                ),
                (
                    "GS1 DataMatrix",
                    "A Chestny ZNAK marking code: the scanner must send GS (Ctrl+]).",
                ),
            ],
            cyrillic: "Съешь же ещё этих мягких французских булок, да выпей чаю.",
        },
    }
}

/// The test page as a PDF on `paper`; `station` and `printed_at` go in its
/// footer so a sheet on the table says where and when it came from.
pub fn pdf(lang: Lang, paper: Paper, station: &str, printed_at: &str) -> Result<Vec<u8>> {
    let w = words(lang);
    let (width, height) = paper.size_mm();
    let small = paper.is_label();
    let margin = if small { 8.0 } else { 15.0 };
    let mut doc = PdfBuilder::new(w.title);
    let mut c = doc.canvas(width, height);
    c.frame(5.0, 5.0, width - 10.0, height - 10.0, 0.5);
    let inner = width - 2.0 * margin;
    let (title, body) = if small { (7.5, 5.5) } else { (16.0, 10.0) };
    let mut y = margin + if small { 3.0 } else { 8.0 };
    y = c.paragraph(margin, y, inner, title, Weight::Bold, 2, w.title);
    if !small {
        y = c.paragraph(margin, y + 2.0, inner, body, Weight::Regular, 3, w.intro);
    }
    // Module sizes a 203-dpi printer draws true (whole dots): 0.375 mm
    // (3 dots) for the bars, 0.5 mm (4 dots) for the DataMatrix.
    let (bar_module, bar_height, dm_module) = if small {
        (0.25, 9.0, 0.5)
    } else {
        (0.375, 18.0, 0.75)
    };
    for (i, code) in TestCode::ALL.iter().copied().enumerate() {
        let (name, what) = w.names[i];
        y += if small { 3.0 } else { 8.0 };
        c.left(margin, y, body + 1.0, Weight::Bold, name);
        y = c.paragraph(
            margin,
            y + leading(body),
            inner,
            body,
            Weight::Regular,
            2,
            what,
        );
        let m = matrix(code)?;
        let top = y + 1.0;
        if m.rows.len() == 1 {
            let modules: Vec<u8> = m.rows[0].iter().map(|&b| u8::from(b)).collect();
            let x = margin + m.quiet as f32 * bar_module;
            c.bars(x, top, &modules, bar_module, bar_height);
            y = top + bar_height;
        } else {
            let x = margin + m.quiet as f32 * dm_module;
            for (r, row) in m.rows.iter().enumerate() {
                let modules: Vec<u8> = row.iter().map(|&b| u8::from(b)).collect();
                c.bars(
                    x,
                    top + r as f32 * dm_module,
                    &modules,
                    dm_module,
                    dm_module,
                );
            }
            y = top + m.rows.len() as f32 * dm_module;
        }
        y = c.paragraph(
            margin,
            y + leading(body - 1.0),
            inner,
            body - 1.0,
            Weight::Regular,
            3,
            &code.human(),
        ) - leading(body - 1.0);
    }
    if !small {
        y += 10.0;
        y = c.paragraph(margin, y, inner, body, Weight::Regular, 3, w.printer);
        c.paragraph(margin, y + 3.0, inner, body, Weight::Regular, 2, w.cyrillic);
    }
    let footer = format!("{station} · {printed_at}");
    c.left(
        margin,
        height - margin,
        body - 1.5,
        Weight::Regular,
        &footer,
    );
    doc.push(c);
    Ok(doc.save())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_test_code_draws_and_the_datamatrix_is_square() {
        for &code in TestCode::ALL {
            let m = matrix(code).unwrap();
            assert!(m.width > 20, "{code:?}");
            assert!(m.rows.iter().all(|r| r.len() == m.width));
        }
        let dm = matrix(TestCode::DataMatrix).unwrap();
        assert_eq!(dm.rows.len(), dm.width);
        let svg = svg(TestCode::DataMatrix).unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("<path d=\"M"));
    }

    #[test]
    fn the_gs1_128_symbol_reads_back_as_the_test_code() {
        let symbol = linear(TestCode::Gs1_128).unwrap();
        assert_eq!(symbol.decoded(), format!("]C1{}", TestCode::Gs1_128.data()));
    }
}
