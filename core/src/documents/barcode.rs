//! Barcodes on documents: what each symbol holds, planned once and drawn two
//! ways — as bars in a PDF (Code 128 encoded here, EAN-13 through
//! barcoders) and as the printer's own `^BC` command in ZPL — so both carry
//! exactly the same symbol.
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
            Symbol::Code128(parts) => code128_modules(parts).unwrap_or_default(),
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

/// Code 128 symbol patterns by value (0..=105, then the stop pattern as
/// 106), 11 modules each, most significant bit first: ISO/IEC 15417's table.
#[rustfmt::skip]
const CODE128_PATTERNS: [u16; 107] = [
    0b11011001100, 0b11001101100, 0b11001100110, 0b10010011000, 0b10010001100, 0b10001001100,
    0b10011001000, 0b10011000100, 0b10001100100, 0b11001001000, 0b11001000100, 0b11000100100,
    0b10110011100, 0b10011011100, 0b10011001110, 0b10111001100, 0b10011101100, 0b10011100110,
    0b11001110010, 0b11001011100, 0b11001001110, 0b11011100100, 0b11001110100, 0b11101101110,
    0b11101001100, 0b11100101100, 0b11100100110, 0b11101100100, 0b11100110100, 0b11100110010,
    0b11011011000, 0b11011000110, 0b11000110110, 0b10100011000, 0b10001011000, 0b10001000110,
    0b10110001000, 0b10001101000, 0b10001100010, 0b11010001000, 0b11000101000, 0b11000100010,
    0b10110111000, 0b10110001110, 0b10001101110, 0b10111011000, 0b10111000110, 0b10001110110,
    0b11101110110, 0b11010001110, 0b11000101110, 0b11011101000, 0b11011100010, 0b11011101110,
    0b11101011000, 0b11101000110, 0b11100010110, 0b11101101000, 0b11101100010, 0b11100011010,
    0b11101111010, 0b11001000010, 0b11110001010, 0b10100110000, 0b10100001100, 0b10010110000,
    0b10010000110, 0b10000101100, 0b10000100110, 0b10110010000, 0b10110000100, 0b10011010000,
    0b10011000010, 0b10000110100, 0b10000110010, 0b11000010010, 0b11001010000, 0b11110111010,
    0b11000010100, 0b10001111010, 0b10100111100, 0b10010111100, 0b10010011110, 0b10111100100,
    0b10011110100, 0b10011110010, 0b11110100100, 0b11110010100, 0b11110010010, 0b11011011110,
    0b11011110110, 0b11110110110, 0b10101111000, 0b10100011110, 0b10001011110, 0b10111101000,
    0b10111100010, 0b11110101000, 0b11110100010, 0b10111011110, 0b10111101110, 0b11101011110,
    0b11110101110, 0b11010000100, 0b11010010000, 0b11010011100, 0b11000111010,
];

/// Code 128 subsets as the parts switch them.
#[derive(Clone, Copy, PartialEq)]
enum Subset {
    B,
    C,
}

/// The modules of a planned Code 128 symbol: start, data, check symbol,
/// stop and its closing bar; None when a part cannot be encoded (data
/// outside subset B's ASCII 32..=127, subset C data that is not an even
/// count of digits, a start that is not first). Done here rather than
/// through barcoders, which looks every character up in a table of
/// strings: a batch of labels draws thousands of symbols.
fn code128_modules(parts: &[Code128Part]) -> Option<Vec<u8>> {
    let mut values: Vec<u8> = Vec::with_capacity(32);
    let mut subset = None;
    for (i, part) in parts.iter().enumerate() {
        match (part, subset) {
            (Code128Part::StartB, None) if i == 0 => {
                values.push(104);
                subset = Some(Subset::B);
            }
            (Code128Part::StartC, None) if i == 0 => {
                values.push(105);
                subset = Some(Subset::C);
            }
            (Code128Part::ToB, Some(_)) => {
                values.push(100);
                subset = Some(Subset::B);
            }
            (Code128Part::ToC, Some(_)) => {
                values.push(99);
                subset = Some(Subset::C);
            }
            (Code128Part::Fnc1, Some(_)) => values.push(102),
            (Code128Part::Data(d), Some(Subset::B)) => {
                for b in d.bytes() {
                    if !(32..=127).contains(&b) {
                        return None;
                    }
                    values.push(b - 32);
                }
            }
            (Code128Part::Data(d), Some(Subset::C)) => {
                let digits = d.as_bytes();
                if digits.len() % 2 != 0 || !digits.iter().all(u8::is_ascii_digit) {
                    return None;
                }
                for pair in digits.chunks(2) {
                    values.push((pair[0] - b'0') * 10 + (pair[1] - b'0'));
                }
            }
            _ => return None,
        }
    }
    if values.len() < 2 {
        return None;
    }
    let check = values
        .iter()
        .enumerate()
        .map(|(i, v)| i.max(1) * usize::from(*v))
        .sum::<usize>()
        % 103;
    values.push(check as u8);
    values.push(106);
    let mut modules = Vec::with_capacity(values.len() * 11 + 2);
    for v in values {
        let pattern = CODE128_PATTERNS[usize::from(v)];
        modules.extend((0..11).rev().map(|bit| ((pattern >> bit) & 1) as u8));
    }
    // The stop pattern's closing two-module bar.
    modules.extend([1, 1]);
    Some(modules)
}

#[cfg(test)]
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
    fn code128_modules_are_the_ones_barcoders_draws() {
        // The reference encoder, on every kind of text a document encodes.
        let reference = |parts: &[Code128Part]| {
            barcoders::sym::code128::Code128::new(barcoders_data(parts))
                .map(|c| c.encode())
                .ok()
        };
        let mut texts: Vec<String> = vec![
            "1001".into(),
            "10015".into(),
            "RU100000000".into(),
            "A-02-3".into(),
            "x>y".into(),
            "123".into(),
            "PB-0001".into(),
            "a".into(),
            "12ab3456cd7".into(),
            "0000000000000000000000".into(),
        ];
        // Every printable character, and digit runs of every length.
        texts.push(
            (32u8..127)
                .filter(|b| *b != b'^' && *b != b'~')
                .map(char::from)
                .collect(),
        );
        let mut seed = 12345u64;
        for n in 1..400 {
            let mut t = String::new();
            for _ in 0..(1 + n % 23) {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let r = (seed >> 33) as u8;
                t.push(if r.is_multiple_of(3) {
                    char::from(b'A' + r % 26)
                } else {
                    char::from(b'0' + r % 10)
                });
            }
            texts.push(t);
        }
        for text in &texts {
            let Some(Symbol::Code128(parts)) = Symbol::code128(text) else {
                panic!("{text:?} is Code 128");
            };
            assert_eq!(code128_modules(&parts), reference(&parts), "{text:?}");
        }
        for sscc in ["376104250021234569", "046012340000000000"] {
            let Some(Symbol::Code128(parts)) = Symbol::sscc(sscc) else {
                panic!("{sscc} is an SSCC");
            };
            assert_eq!(code128_modules(&parts), reference(&parts), "{sscc}");
        }
        // What cannot be encoded draws nothing, as before.
        let odd = [Code128Part::StartC, Code128Part::Data("123".into())];
        assert_eq!(code128_modules(&odd), None);
        assert_eq!(reference(&odd), None);
        assert_eq!(code128_modules(&[Code128Part::Data("1".into())]), None);
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
