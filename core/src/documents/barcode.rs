//! Barcodes on documents: what each symbol holds, planned once and drawn two
//! ways — as bars in a PDF (through barcoders) and as the printer's own
//! `^BC` command in ZPL — so both carry exactly the same symbol.
//!
//! Code 128 is planned by hand rather than left to a library's defaults:
//! digits in runs of four or more go to subset C (two digits a symbol, a
//! shorter barcode), the rest to subset B. GS1-128 starts in subset C with
//! FNC1 right after the start character, which is what tells a scanner the
//! data are GS1 application identifiers.

use crate::domain::barcode::{is_valid_gtin, is_valid_sscc};

/// One step of a Code 128 symbol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Code128Part {
    StartB,
    StartC,
    ToB,
    ToC,
    Fnc1,
    /// Characters in the current subset (subset C: an even count of digits).
    Data(String),
}

/// A barcode as a document prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Symbol {
    Code128(Vec<Code128Part>),
    Ean13(String),
}

impl Symbol {
    /// Code 128 for printable ASCII text (what order, tracking and bin codes
    /// are); None for empty text or characters Code 128 cannot carry.
    pub fn code128(text: &str) -> Option<Symbol> {
        code128_parts(text).map(Symbol::Code128)
    }

    /// GS1-128 of an SSCC (AI 00): FNC1, then "00" and the 18 digits.
    pub fn sscc(sscc: &str) -> Option<Symbol> {
        if !is_valid_sscc(sscc) {
            return None;
        }
        Some(Symbol::Code128(vec![
            Code128Part::StartC,
            Code128Part::Fnc1,
            Code128Part::Data(format!("00{sscc}")),
        ]))
    }

    /// EAN-13 for a valid 13-digit GTIN.
    pub fn ean13(code: &str) -> Option<Symbol> {
        (code.len() == 13 && is_valid_gtin(code)).then(|| Symbol::Ean13(code.to_string()))
    }

    /// A product's barcode: EAN-13 when it is one, else Code 128.
    pub fn product(code: &str) -> Option<Symbol> {
        Symbol::ean13(code).or_else(|| Symbol::code128(code))
    }

    /// The bars, one entry a module (1 black, 0 white), no quiet zones.
    pub fn modules(&self) -> Vec<u8> {
        match self {
            Symbol::Code128(parts) => barcoders::sym::code128::Code128::new(barcoders_data(parts))
                .map(|c| c.encode())
                .unwrap_or_default(),
            Symbol::Ean13(code) => barcoders::sym::ean13::EAN13::new(code)
                .map(|c| c.encode())
                .unwrap_or_default(),
        }
    }

    /// The quiet zone each side, in modules.
    pub fn quiet_modules(&self) -> usize {
        match self {
            Symbol::Code128(_) => 10,
            Symbol::Ean13(_) => 11,
        }
    }

    /// What a scanner reads back: the data, with GS1's FNC1 shown as the
    /// AIM prefix `]C1` that scanners put in front of GS1-128 data.
    pub fn decoded(&self) -> String {
        match self {
            Symbol::Ean13(code) => code.clone(),
            Symbol::Code128(parts) => {
                let mut out = String::new();
                for (i, part) in parts.iter().enumerate() {
                    match part {
                        Code128Part::Fnc1 if i == 1 => out.push_str("]C1"),
                        Code128Part::Fnc1 => out.push('\u{1d}'),
                        Code128Part::Data(d) => out.push_str(d),
                        _ => {}
                    }
                }
                out
            }
        }
    }

    /// `^FD` data for ZPL's `^BC` in its default mode: invocation codes
    /// (`>:` start B, `>;` start C, `>6`/`>5` switch, `>8` FNC1) and `><`
    /// for a literal `>`. None for EAN-13 (ZPL draws that with `^BE`).
    pub fn zpl_code128(&self) -> Option<String> {
        let Symbol::Code128(parts) = self else {
            return None;
        };
        let mut out = String::new();
        for part in parts {
            match part {
                Code128Part::StartB => out.push_str(">:"),
                Code128Part::StartC => out.push_str(">;"),
                Code128Part::ToB => out.push_str(">6"),
                Code128Part::ToC => out.push_str(">5"),
                Code128Part::Fnc1 => out.push_str(">8"),
                Code128Part::Data(d) => out.push_str(&d.replace('>', "><")),
            }
        }
        Some(out)
    }
}

fn barcoders_data(parts: &[Code128Part]) -> String {
    let mut out = String::new();
    for part in parts {
        match part {
            Code128Part::StartB | Code128Part::ToB => out.push('Ɓ'),
            Code128Part::StartC | Code128Part::ToC => out.push('Ć'),
            Code128Part::Fnc1 => out.push('Ź'),
            Code128Part::Data(d) => out.push_str(d),
        }
    }
    out
}

/// Subsets for `text`: runs of 4+ digits in C (an odd run leaves its last
/// digit to B), everything else in B.
fn code128_parts(text: &str) -> Option<Vec<Code128Part>> {
    // ZPL reserves ^ and ~ as command prefixes even inside field data, and
    // no order or tracking number needs them: refuse rather than misprint.
    if text.is_empty()
        || !text
            .bytes()
            .all(|b| (32..=126).contains(&b) && b != b'^' && b != b'~')
    {
        return None;
    }
    // (is_c, text) segments.
    let mut segments: Vec<(bool, String)> = Vec::new();
    let push = |segments: &mut Vec<(bool, String)>, c: bool, s: &str| {
        if s.is_empty() {
            return;
        }
        match segments.last_mut() {
            Some((last_c, last)) if *last_c == c => last.push_str(s),
            _ => segments.push((c, s.to_string())),
        }
    };
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        if bytes[i].is_ascii_digit() {
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let run = &text[start..i];
            if run.len() >= 4 {
                let even = run.len() - run.len() % 2;
                push(&mut segments, true, &run[..even]);
                push(&mut segments, false, &run[even..]);
            } else {
                push(&mut segments, false, run);
            }
        } else {
            while i < bytes.len() && !bytes[i].is_ascii_digit() {
                i += 1;
            }
            push(&mut segments, false, &text[start..i]);
        }
    }
    let mut parts = Vec::new();
    for (n, (is_c, s)) in segments.into_iter().enumerate() {
        parts.push(match (n, is_c) {
            (0, true) => Code128Part::StartC,
            (0, false) => Code128Part::StartB,
            (_, true) => Code128Part::ToC,
            (_, false) => Code128Part::ToB,
        });
        parts.push(Code128Part::Data(s));
    }
    Some(parts)
}

/// An SSCC (18 digits): extension digit, GS1 company prefix, serial reference
/// padded to fill 17 digits, and the check digit. None when the prefix and
/// serial do not fit or are not digits.
pub fn sscc(extension: u8, company_prefix: &str, serial: u64) -> Option<String> {
    crate::domain::carton::sscc(extension, company_prefix, serial).ok()
}

/// An SSCC as people read it: "(00) 3 7610425 002123456 9" is typical, but
/// the company prefix length varies; the plain grouping "(00) " + digits is
/// what the GS1 label standard asks for under the bars.
pub fn sscc_human(sscc: &str) -> String {
    format!("(00) {sscc}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digit_runs_use_subset_c_and_text_subset_b() {
        let parts = |t: &str| match Symbol::code128(t).unwrap() {
            Symbol::Code128(p) => p,
            _ => unreachable!(),
        };
        assert_eq!(
            parts("1001"),
            vec![Code128Part::StartC, Code128Part::Data("1001".into())]
        );
        assert_eq!(
            parts("RU100000000"),
            vec![
                Code128Part::StartB,
                Code128Part::Data("RU".into()),
                Code128Part::ToC,
                Code128Part::Data("10000000".into()),
                Code128Part::ToB,
                Code128Part::Data("0".into()),
            ]
        );
        assert_eq!(
            parts("A-02-3"),
            vec![Code128Part::StartB, Code128Part::Data("A-02-3".into())]
        );
        assert!(
            Symbol::code128("Заказ").is_none(),
            "Code 128 has no Cyrillic"
        );
        assert!(Symbol::code128("").is_none());
    }

    #[test]
    fn every_planned_symbol_encodes_and_reads_back_as_its_text() {
        for text in [
            "1001",
            "10015",
            "RU100000000",
            "A-02-3",
            "x>y",
            "123",
            "PB-0001",
        ] {
            let s = Symbol::code128(text).unwrap();
            assert!(!s.modules().is_empty(), "{text} encodes");
            assert_eq!(s.decoded(), text);
        }
        let zpl = Symbol::code128("x>y").unwrap().zpl_code128().unwrap();
        assert_eq!(zpl, ">:x><y", "a literal > is doubled in ZPL");
    }

    #[test]
    fn sscc_is_gs1_128_with_fnc1_first_and_ai_00() {
        let code = sscc(3, "7610425", 2123456).unwrap();
        assert_eq!(code, "376104250021234569", "the GS1 example SSCC");
        let s = Symbol::sscc(&code).unwrap();
        assert_eq!(s.decoded(), "]C100376104250021234569");
        assert_eq!(
            s.zpl_code128().unwrap(),
            ">;>800376104250021234569",
            "start C, FNC1, AI and data"
        );
        // Start C, FNC1, 10 digit pairs, check symbol: 13 symbols of 11
        // modules, and the 13-module stop pattern.
        assert_eq!(s.modules().len(), 13 * 11 + 13);
        assert!(
            Symbol::sscc("376104250021234560").is_none(),
            "a wrong check digit is refused"
        );
        assert!(
            sscc(1, "12345678901234567", 1).is_none(),
            "too long a prefix"
        );
    }

    #[test]
    fn ean13_needs_a_valid_check_digit() {
        assert!(Symbol::ean13("4006381333931").is_some());
        assert!(Symbol::ean13("4006381333932").is_none());
        assert_eq!(Symbol::ean13("4006381333931").unwrap().modules().len(), 95);
        assert!(matches!(
            Symbol::product("PB-0001"),
            Some(Symbol::Code128(_))
        ));
    }
}
