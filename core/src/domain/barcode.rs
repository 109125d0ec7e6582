//! Barcodes as a scanner sends them: clean-up, GTIN and SSCC check digits,
//! GS1 element strings (GS1-128, GS1 DataMatrix, Chestny ZNAK marking codes)
//! and the verdict on what a scan is.
//!
//! Everything here takes text from a scanner or a keyboard, so every function
//! answers `Ok` or `Err` for any `&str` and never panics. Text is handled as
//! `char`s, never sliced by byte offsets, so multi-byte UTF-8 is safe.

use std::collections::BTreeSet;
use std::fmt;

use super::gs1::{self, AiDefinition, Dictionary, Fault};

/// The longest scan we accept, in characters. A Chestny ZNAK code with its
/// 44-character crypto tail is about 85; 200 leaves room for rich GS1-128
/// labels while catching several scans run together.
pub const MAX_SCAN_LEN: usize = 200;

/// The group separator (ASCII 29) that stands for FNC1 between GS1 fields.
pub const GS: char = '\u{1d}';

/// Why a scan was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BarcodeError {
    /// Nothing was left after removing whitespace and the symbology prefix.
    Empty,
    /// The scan holds `len` characters, more than [`MAX_SCAN_LEN`].
    TooLong { len: usize },
    /// A control character other than GS; `position` counts characters from 0
    /// in the scan after its prefix and surrounding whitespace were removed.
    ControlCharacter { position: usize, code: u32 },
    /// A GTIN or SSCC whose last digit does not match the others.
    BadCheckDigit {
        code: String,
        expected: u8,
        found: u8,
    },
    /// A GS1 element string that cannot be read; the text says where and why.
    Malformed(String),
}

impl fmt::Display for BarcodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BarcodeError::Empty => {
                f.write_str("the scan is empty; scan the barcode again or type the code")
            }
            BarcodeError::TooLong { len } => write!(
                f,
                "the scan is {len} characters long but a barcode has at most {MAX_SCAN_LEN}; \
                 two scans may have run together, so scan again"
            ),
            BarcodeError::ControlCharacter { position, code } => write!(
                f,
                "the scan holds the control character U+{code:04X} at character {}, which no \
                 barcode has; check the scanner's suffix settings and scan again",
                position + 1
            ),
            BarcodeError::BadCheckDigit {
                code,
                expected,
                found,
            } => write!(
                f,
                "the check digit of {code} is {found} but should be {expected}; \
                 scan again or type the code"
            ),
            BarcodeError::Malformed(detail) => {
                write!(f, "the GS1 code cannot be read: {detail}")
            }
        }
    }
}

impl std::error::Error for BarcodeError {}

/// Cleans a scan as the scanner sent it.
///
/// Removes surrounding whitespace (with the CR/LF suffix most scanners send)
/// and an AIM symbology identifier at the very start (`]C1` GS1-128, `]E0`
/// EAN-13, `]d2` GS1 DataMatrix, `]Q3` GS1 QR, `]e0` GS1 DataBar...). The
/// identifier is dropped rather than kept as a hint: the stored barcodes are
/// compared with the cleaned text, and [`classify`] recognises GS1 data by
/// its shape. A `]` not followed by a letter and a letter or digit is data
/// and stays.
///
/// Refuses an empty scan, one longer than [`MAX_SCAN_LEN`] characters and
/// one holding a control character other than [`GS`]: a tab or a line break
/// inside a scan means two scans merged or a misconfigured scanner, and
/// guessing would book the wrong item.
pub fn normalize(raw: &str) -> Result<String, BarcodeError> {
    let trimmed = raw.trim();
    let text = strip_aim_prefix(trimmed).trim();
    if text.is_empty() {
        return Err(BarcodeError::Empty);
    }
    let len = text.chars().count();
    if len > MAX_SCAN_LEN {
        return Err(BarcodeError::TooLong { len });
    }
    if let Some((position, c)) = text
        .chars()
        .enumerate()
        .find(|&(_, c)| c.is_control() && c != GS)
    {
        return Err(BarcodeError::ControlCharacter {
            position,
            code: u32::from(c),
        });
    }
    Ok(text.to_string())
}

/// `text` without a leading AIM symbology identifier: `]`, a letter naming
/// the symbology, and a letter or digit naming its options.
fn strip_aim_prefix(text: &str) -> &str {
    // Every identifier in front (a scanner set to add one, in front of a
    // code that already carries one), so normalizing again changes nothing.
    let mut text = text;
    loop {
        let mut chars = text.chars();
        let looks_like_aim = chars.next() == Some(']')
            && chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.next().is_some_and(|c| c.is_ascii_alphanumeric());
        if !looks_like_aim {
            return text;
        }
        // The three characters are ASCII, so byte 3 is a char boundary.
        text = text.get(3..).unwrap_or("").trim_start();
    }
}

/// GTIN check digit (mod-10, weights 3,1 from the right) of the digits given
/// WITHOUT the check digit. `None` if empty or not all ASCII digits.
pub fn gtin_check_digit(body: &str) -> Option<u8> {
    let digits = body.as_bytes();
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(gs1::mod10_check_digit(digits))
}

/// The expected and found check digits of an all-digit code, if it is wrong.
fn check_digit_mismatch(code: &str) -> Option<(u8, u8)> {
    let digits = code.as_bytes();
    let (last, body) = digits.split_last()?;
    if body.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let expected = gs1::mod10_check_digit(body);
    let found = last - b'0';
    (expected != found).then_some((expected, found))
}

fn all_digits(code: &str) -> bool {
    !code.is_empty() && code.bytes().all(|b| b.is_ascii_digit())
}

fn has_valid_check_digit(code: &str) -> bool {
    all_digits(code) && code.len() >= 2 && check_digit_mismatch(code).is_none()
}

/// True for a string of 8, 12, 13 or 14 ASCII digits with a correct check digit.
pub fn is_valid_gtin(code: &str) -> bool {
    matches!(code.len(), 8 | 12 | 13 | 14) && has_valid_check_digit(code)
}

/// Left-pad a valid GTIN-8/12/13/14 to 14 digits; `None` if not a valid GTIN.
/// An EAN-13 and the same number as GTIN-14 with a leading 0 name one item,
/// so lookups compare this form.
pub fn gtin14(code: &str) -> Option<String> {
    is_valid_gtin(code).then(|| format!("{code:0>14}"))
}

/// True for 18 ASCII digits with a correct check digit (a pallet or parcel
/// SSCC).
pub fn is_valid_sscc(code: &str) -> bool {
    code.len() == 18 && has_valid_check_digit(code)
}

/// One GS1 field: the application identifier and its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gs1Element {
    pub ai: String,
    pub value: String,
}

impl Gs1Element {
    /// GS1's data title for the AI, such as `"EXPIRY TIME"`; `None` for an
    /// AI GS1 does not define.
    pub fn title(&self) -> Option<&'static str> {
        gs1::dictionary().ok()?.get(&self.ai).map(|def| def.title)
    }

    /// The value cut into the components GS1 defines for the AI: for (7003)
    /// the date and the time, for (393n) the ISO currency and the price, for
    /// (8008) the date, hour and optional minutes and seconds. The whole value
    /// as one part when the AI is unknown or the value does not fit it.
    pub fn parts(&self) -> Vec<&str> {
        gs1::dictionary()
            .ok()
            .and_then(|dict| dict.get(&self.ai))
            .and_then(|def| def.split(&self.value).ok())
            .unwrap_or_else(|| vec![self.value.as_str()])
    }
}

/// A parsed GS1 element string, fields in the order they were scanned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gs1 {
    pub elements: Vec<Gs1Element>,
}

impl Gs1 {
    /// The value of an application identifier, such as `"17"` or `"3103"`.
    pub fn get(&self, ai: &str) -> Option<&str> {
        self.elements
            .iter()
            .find(|e| e.ai == ai)
            .map(|e| e.value.as_str())
    }

    /// The GTIN-14 of the trade item (AI 01) or of the items in a logistic
    /// unit (AI 02).
    pub fn gtin14(&self) -> Option<&str> {
        self.get("01").or_else(|| self.get("02"))
    }

    /// True for a Chestny ZNAK (Russian mandatory marking) code: a GTIN (01),
    /// a serial (21) and a crypto part, either the key id 91 (usually with the
    /// 44-character signature 92) or the short crypto tail 93 used for dairy,
    /// water and beer. 92 is not required because some systems drop it when
    /// they pass the code on, and 91 alone still marks the code as one issued
    /// by the marking system rather than an ordinary GS1 label.
    pub fn is_marking_code(&self) -> bool {
        self.get("01").is_some()
            && self.get("21").is_some()
            && (self.get("91").is_some() || self.get("93").is_some())
    }

    /// Net weight in grams from AI 310n (kilograms with n decimals), rounded
    /// to the nearest gram.
    pub fn net_weight_g(&self) -> Option<i64> {
        self.elements.iter().find_map(|e| {
            let decimals = e.ai.strip_prefix("310")?.parse::<u32>().ok()?;
            let value: i64 = e.value.parse().ok()?;
            // Checked because `elements` is public and may hold any text.
            let scale = 10i64.checked_pow(decimals)?;
            Some(value.checked_mul(1000)?.checked_add(scale / 2)? / scale)
        })
    }

    /// The machine form: fields run together, a GS after each field
    /// except the last unless its AI is one of GS1's predefined-length ones
    /// (01, 17, 3103...), as a GS1 DataMatrix holds it. A code printed to
    /// GS1's rules, a Chestny ZNAK code among them, comes back byte for byte.
    pub fn to_element_string(&self) -> String {
        let dict = gs1::dictionary().ok();
        let mut out = String::new();
        let last = self.elements.len().saturating_sub(1);
        for (i, e) in self.elements.iter().enumerate() {
            out.push_str(&e.ai);
            out.push_str(&e.value);
            // An AI GS1 does not define gets a GS: a needless GS is
            // harmless, a missing one corrupts the next field.
            let separated = dict
                .and_then(|d| d.get(&e.ai))
                .is_none_or(|def| def.separator_required);
            if separated && i != last {
                out.push(GS);
            }
        }
        out
    }

    /// The printed form under the barcode: `(01)04601234567893(21)abc`.
    pub fn to_human(&self) -> String {
        self.elements
            .iter()
            .map(|e| format!("({}){}", e.ai, e.value))
            .collect()
    }
}

/// GS1's table of Application Identifiers, or an error saying it cannot be
/// read (which the tests rule out for the compiled-in file).
fn table() -> Result<&'static Dictionary, BarcodeError> {
    gs1::dictionary().map_err(|why| {
        BarcodeError::Malformed(format!(
            "the GS1 table built into Packbench cannot be read ({why}); \
             type the GTIN and report this"
        ))
    })
}

/// "(17) USE BY or EXPIRY at character 17": how errors name a field.
fn field_name(def: &AiDefinition, start: usize) -> String {
    if def.title.is_empty() {
        format!("({}) at character {}", def.ai, start + 1)
    } else {
        format!("({}) {} at character {}", def.ai, def.title, start + 1)
    }
}

fn unknown_ai(ai: &str, position: usize) -> BarcodeError {
    BarcodeError::Malformed(format!(
        "application identifier ({ai}) at character {} is not one GS1 defines; \
         the code may be damaged or cut short, so scan it again or type the GTIN",
        position + 1
    ))
}

/// Parse a GS1 element string: the machine form (fields run together,
/// variable-length fields end at GS or at the end) or the printed form
/// `(01)04601234567893(17)261231(10)LOT1`. A leading GS (FNC1 as some
/// scanners send it) is skipped. Values are kept exactly as scanned, so
/// `to_element_string()` gives back the machine form of the input whenever
/// its separators follow GS1's rules; a GS missing after a fixed-length field
/// is put back there, and a needless one is dropped.
///
/// Every Application Identifier of GS1's Barcode Syntax Dictionary is read
/// and its value checked against the dictionary: length, character set,
/// check digits, dates and times.
pub fn parse_gs1(s: &str) -> Result<Gs1, BarcodeError> {
    if s.trim().is_empty() {
        return Err(BarcodeError::Empty);
    }
    let dict = table()?;
    let chars: Vec<char> = s.chars().collect();
    let elements = if chars.first() == Some(&'(') {
        parse_printed(&chars, dict)?
    } else {
        parse_machine(&chars, dict)?
    };
    if elements.is_empty() {
        return Err(BarcodeError::Malformed(
            "it holds only separators and no fields".into(),
        ));
    }
    let mut seen = BTreeSet::new();
    for e in &elements {
        if !seen.insert(e.ai.as_str()) {
            return Err(BarcodeError::Malformed(format!(
                "application identifier ({}) appears twice",
                e.ai
            )));
        }
    }
    Ok(Gs1 { elements })
}

/// Reads the AI starting at `at`. Its first two digits tell its length
/// (GS1 gives every AI sharing them one length), so it reads one way only.
fn read_ai(
    chars: &[char],
    at: usize,
    dict: &'static Dictionary,
) -> Result<&'static AiDefinition, BarcodeError> {
    let digits = |n: usize| -> Option<String> {
        let end = at.checked_add(n)?;
        let s: String = chars.get(at..end)?.iter().collect();
        s.chars().all(|c| c.is_ascii_digit()).then_some(s)
    };
    let Some(two) = digits(2) else {
        let there: String = chars.get(at..).unwrap_or(&[]).iter().take(2).collect();
        return Err(BarcodeError::Malformed(format!(
            "an application identifier (two digits) should start at character {} but \
             there is {there:?}",
            at + 1
        )));
    };
    let Some(len) = dict.ai_length(&two) else {
        return Err(unknown_ai(&two, at));
    };
    let Some(ai) = digits(len) else {
        let there: String = chars.get(at..).unwrap_or(&[]).iter().take(len).collect();
        return Err(BarcodeError::Malformed(format!(
            "the application identifier at character {} is cut short: those starting {two} \
             have {len} digits but there is {there:?}",
            at + 1
        )));
    };
    dict.get(&ai).ok_or_else(|| unknown_ai(&ai, at))
}

fn parse_machine(
    chars: &[char],
    dict: &'static Dictionary,
) -> Result<Vec<Gs1Element>, BarcodeError> {
    let mut elements = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        // A GS where a field should start is a leading FNC1 or a separator
        // after a field; both are allowed and carry nothing.
        if c == GS {
            i += 1;
            continue;
        }
        let start = i;
        let def = read_ai(chars, i, dict)?;
        i += def.ai.len();
        let rest = chars.get(i..).unwrap_or(&[]);
        let taken = match def.fixed_length() {
            // A fixed-length value is read by its length, so a GS missing
            // after one that needs it (7003, 8005, 422...) loses nothing.
            Some(n) => {
                let available = rest.iter().take(n).take_while(|&&c| c != GS).count();
                if available < n {
                    return Err(BarcodeError::Malformed(format!(
                        "{} needs {n} characters but has {available}",
                        field_name(def, start)
                    )));
                }
                n
            }
            None => rest.iter().position(|&c| c == GS).unwrap_or(rest.len()),
        };
        let value: String = rest.iter().take(taken).collect();
        i += taken;
        check_value(def, &value, start)?;
        elements.push(Gs1Element {
            ai: def.ai.clone(),
            value,
        });
    }
    Ok(elements)
}

/// The AI of a `(AI)` group starting at `at`, if GS1 defines it, and the
/// index just past its `)`.
fn printed_ai_at(
    chars: &[char],
    at: usize,
    dict: &'static Dictionary,
) -> Option<(&'static AiDefinition, usize)> {
    if chars.get(at) != Some(&'(') {
        return None;
    }
    let close = at
        + 1
        + chars
            .get(at + 1..)?
            .iter()
            .take(5)
            .position(|&c| c == ')')?;
    let ai: String = chars.get(at + 1..close)?.iter().collect();
    dict.get(&ai).map(|def| (def, close + 1))
}

fn parse_printed(
    chars: &[char],
    dict: &'static Dictionary,
) -> Result<Vec<Gs1Element>, BarcodeError> {
    let mut elements = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let start = i;
        let Some((def, after)) = printed_ai_at(chars, i, dict) else {
            if c != '(' {
                return Err(BarcodeError::Malformed(format!(
                    "a bracketed application identifier such as (01) should start at \
                     character {} but there is {c:?}",
                    i + 1
                )));
            }
            let after_bracket = chars.get(i + 1..).unwrap_or(&[]);
            let inside: String = after_bracket
                .iter()
                .take_while(|&&c| c != ')' && c != '(')
                .take(6)
                .collect();
            // "(0104601234567893": a known AI whose ')' was left out.
            let closed = after_bracket.iter().take(5).any(|&c| c == ')');
            let starts_known_ai = [2, 3, 4].iter().any(|&n| {
                after_bracket
                    .get(..n)
                    .is_some_and(|ai| dict.get(&ai.iter().collect::<String>()).is_some())
            });
            if !closed && starts_known_ai {
                return Err(BarcodeError::Malformed(format!(
                    "the bracket at character {} is never closed",
                    i + 1
                )));
            }
            return Err(unknown_ai(&inside, i));
        };
        i = after;
        // People type a space after the bracket; the value itself has none.
        while chars.get(i).is_some_and(|c| *c == ' ') {
            i += 1;
        }
        // A value runs to the next bracketed AI GS1 defines; a '(' inside a
        // serial (it is in the GS1 character set) is data.
        let mut end = i;
        while end < chars.len() && printed_ai_at(chars, end, dict).is_none() {
            end += 1;
        }
        let value: String = chars.get(i..end).unwrap_or(&[]).iter().collect();
        let value = value.trim_end_matches(' ').to_string();
        i = end;
        check_value(def, &value, start)?;
        elements.push(Gs1Element {
            ai: def.ai.clone(),
            value,
        });
    }
    Ok(elements)
}

/// Checks a value against its AI's definition and words the refusal.
fn check_value(def: &AiDefinition, value: &str, start: usize) -> Result<(), BarcodeError> {
    if let Some(c) = value.chars().find(|&c| c == GS) {
        return Err(BarcodeError::Malformed(format!(
            "{} holds {c:?}, which GS1 does not allow",
            field_name(def, start)
        )));
    }
    def.check(value).map_err(|fault| match fault {
        Fault::CheckDigit {
            code,
            expected,
            found,
        } => BarcodeError::BadCheckDigit {
            code,
            expected,
            found,
        },
        Fault::Detail(detail) => {
            BarcodeError::Malformed(format!("{} {detail}", field_name(def, start)))
        }
    })
}

/// What a normalized scan is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanCode {
    /// A valid GTIN-8/12/13/14 (EAN/UPC).
    Gtin { gtin14: String },
    /// A GS1 element string (from GS1-128 / DataMatrix), incl. Chestny ZNAK marking codes.
    Gs1(Gs1),
    /// Anything else: a SKU, an internal code, an order number.
    Text(String),
}

/// Whether a scan should be read as GS1: it holds a GS, starts with a
/// bracketed AI, is a GS1 DataMatrix sent without its `]d2` prefix (AI 01
/// with 14 digits and more after it, as a Chestny ZNAK code is) or an SSCC
/// label sent without its `]C1` prefix (AI 00 with a valid SSCC).
fn looks_like_gs1(code: &str) -> bool {
    let bytes = code.as_bytes();
    let bracketed = bytes.first() == Some(&b'(')
        && bytes
            .iter()
            .skip(1)
            .position(|&b| b == b')')
            .is_some_and(|close| {
                (2..=4).contains(&close) && bytes[1..=close].iter().all(u8::is_ascii_digit)
            });
    let datamatrix = code.len() > 16
        && code.starts_with("01")
        && bytes
            .get(2..16)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    // A GS1-128 parcel label read without its ]C1 prefix: AI 00 and an SSCC
    // whose check digit holds, so a plain long number is rarely mistaken.
    let sscc_label =
        code.len() >= 20 && code.starts_with("00") && code.get(2..20).is_some_and(is_valid_sscc);
    code.contains(GS) || bracketed || datamatrix || sscc_label
}

/// Classify a normalized code.
///
/// - 8, 12, 13 or 14 digits: a GTIN, and a wrong check digit is an error
///   rather than text, since such a code is almost always a misread EAN/UPC.
/// - GS1 data (a GS, a bracketed AI, or AI 01 or 00 sent without the AIM
///   prefix): parsed, and its errors returned.
/// - A whole GS1 string of several fields with a GTIN, such as a label whose
///   GTIN follows a date and a weight: GS1.
/// - 18 digits with a valid check digit: an SSCC, returned as GS1 AI 00.
/// - Anything else (SKUs, order numbers, other 18-digit numbers): text.
pub fn classify(normalized: &str) -> Result<ScanCode, BarcodeError> {
    if normalized.is_empty() {
        return Err(BarcodeError::Empty);
    }
    let digits_only = all_digits(normalized);
    if digits_only && matches!(normalized.len(), 8 | 12 | 13 | 14) {
        if let Some((expected, found)) = check_digit_mismatch(normalized) {
            return Err(BarcodeError::BadCheckDigit {
                code: normalized.to_string(),
                expected,
                found,
            });
        }
        return Ok(ScanCode::Gtin {
            gtin14: format!("{normalized:0>14}"),
        });
    }
    if looks_like_gs1(normalized) {
        return parse_gs1(normalized).map(ScanCode::Gs1);
    }
    // A GS1-128 label read without its ]C1 prefix whose GTIN comes after
    // predefined-length fields such as (11) or (3103), so no GS tells it
    // apart: GS1 when it reads whole, has more than the GTIN and carries
    // one. Anything else falls through as text, never as an error.
    if let Ok(gs1) = parse_gs1(normalized) {
        if gs1.elements.len() > 1 && gs1.gtin14().is_some() {
            return Ok(ScanCode::Gs1(gs1));
        }
    }
    if is_valid_sscc(normalized) {
        return Ok(ScanCode::Gs1(Gs1 {
            elements: vec![Gs1Element {
                ai: "00".into(),
                value: normalized.to_string(),
            }],
        }));
    }
    Ok(ScanCode::Text(normalized.to_string()))
}

#[cfg(test)]
mod tests {

    #[test]
    fn every_aim_identifier_in_front_goes_so_a_second_normalize_changes_nothing() {
        // Found by tests/tests/fuzz_props.rs: one identifier went per call,
        // so a barcode stored from "]C1]C1X" changed when saved again.
        assert_eq!(
            normalize("]C1]C14601234567893").as_deref(),
            Ok("4601234567893")
        );
        assert_eq!(
            normalize("]C1 ]E04601234567893").as_deref(),
            Ok("4601234567893")
        );
        assert_eq!(normalize("]C1]C1"), Err(BarcodeError::Empty));
        let once = normalize("]d2]C1010460123456789321ABC").unwrap();
        assert_eq!(normalize(&once).as_ref(), Ok(&once));
    }
    use super::*;

    /// A valid GTIN-14 for the Russian EAN-13 4601234567893.
    const GTIN: &str = "04601234567893";

    fn gs1(s: &str) -> Gs1 {
        match classify(&normalize(s).expect("normalizes")).expect("classifies") {
            ScanCode::Gs1(g) => g,
            other => panic!("{s:?} should be GS1, got {other:?}"),
        }
    }

    #[test]
    fn aim_symbology_prefixes_are_stripped() {
        assert_eq!(normalize("]E04006381333931").unwrap(), "4006381333931");
        assert_eq!(
            normalize("]C10104601234567893").unwrap(),
            "0104601234567893"
        );
        assert_eq!(
            normalize("]d201046012345678932112\u{1d}93ab").unwrap(),
            "01046012345678932112\u{1d}93ab"
        );
        assert_eq!(
            normalize("]Q3(01)04601234567893").unwrap(),
            "(01)04601234567893"
        );
        assert_eq!(
            normalize("AB]C1").unwrap(),
            "AB]C1",
            "a prefix is only a prefix at the very start"
        );
        assert_eq!(
            normalize("]1abc").unwrap(),
            "]1abc",
            "']' followed by a digit is not an AIM identifier"
        );
    }

    #[test]
    fn the_carriage_return_and_line_feed_a_scanner_appends_are_stripped() {
        assert_eq!(normalize("4006381333931\r\n").unwrap(), "4006381333931");
        assert_eq!(normalize("  PB-0001\n").unwrap(), "PB-0001");
        assert_eq!(normalize("]E0 4006381333931\r").unwrap(), "4006381333931");
    }

    #[test]
    fn a_control_character_inside_a_scan_is_refused_with_its_position() {
        assert_eq!(
            normalize("4006\u{7}381333931"),
            Err(BarcodeError::ControlCharacter {
                position: 4,
                code: 7
            })
        );
        let merged = normalize("4006381333931\r\n96385074").unwrap_err();
        assert_eq!(
            merged,
            BarcodeError::ControlCharacter {
                position: 13,
                code: 13
            },
            "two scans merged by a line break must not become one code"
        );
        assert!(merged.to_string().contains("character 14"), "{merged}");
        assert!(
            normalize("01\u{1d}93").is_ok(),
            "GS is the one control character GS1 needs"
        );
    }

    #[test]
    fn a_scan_longer_than_two_hundred_characters_is_refused() {
        assert!(normalize(&"9".repeat(MAX_SCAN_LEN)).is_ok());
        assert_eq!(
            normalize(&"9".repeat(201)),
            Err(BarcodeError::TooLong { len: 201 })
        );
        assert_eq!(
            normalize(&"Ж".repeat(200)).map(|s| s.chars().count()),
            Ok(200),
            "the limit counts characters, not bytes"
        );
    }

    #[test]
    fn an_empty_scan_or_a_bare_prefix_is_refused() {
        assert_eq!(normalize(""), Err(BarcodeError::Empty));
        assert_eq!(normalize(" \r\n"), Err(BarcodeError::Empty));
        assert_eq!(normalize("]C1"), Err(BarcodeError::Empty));
        assert_eq!(classify(""), Err(BarcodeError::Empty));
    }

    #[test]
    fn gtin_check_digits_match_real_codes() {
        assert_eq!(gtin_check_digit("400638133393"), Some(1), "EAN-13");
        assert_eq!(gtin_check_digit("9638507"), Some(4), "EAN-8");
        assert_eq!(gtin_check_digit("03600029145"), Some(2), "UPC-A");
        assert_eq!(gtin_check_digit("0400638133393"), Some(1), "GTIN-14");
        assert_eq!(gtin_check_digit("460123456789"), Some(3));
        assert_eq!(gtin_check_digit(""), None);
        assert_eq!(gtin_check_digit("12a4"), None);
        assert_eq!(gtin_check_digit("١٢٣"), None, "only ASCII digits count");
        for code in [
            "4006381333931",
            "96385074",
            "036000291452",
            "04006381333931",
        ] {
            assert!(is_valid_gtin(code), "{code} is a published valid GTIN");
        }
        assert!(!is_valid_gtin("4006381333932"));
        assert!(!is_valid_gtin("123456789"), "9 digits is no GTIN length");
    }

    #[test]
    fn a_bad_check_digit_names_the_digit_it_should_be() {
        let err = classify("4601234567890").unwrap_err();
        assert_eq!(
            err,
            BarcodeError::BadCheckDigit {
                code: "4601234567890".into(),
                expected: 3,
                found: 0
            }
        );
        assert_eq!(
            err.to_string(),
            "the check digit of 4601234567890 is 0 but should be 3; scan again or type the code"
        );
    }

    #[test]
    fn an_ean13_and_its_gtin14_with_a_leading_zero_name_the_same_item() {
        let from_ean = classify("4006381333931").unwrap();
        let from_gtin14 = classify("04006381333931").unwrap();
        assert_eq!(from_ean, from_gtin14);
        assert_eq!(
            from_ean,
            ScanCode::Gtin {
                gtin14: "04006381333931".into()
            }
        );
        assert_eq!(gtin14("96385074").as_deref(), Some("00000096385074"));
        assert_eq!(gtin14("036000291452").as_deref(), Some("00036000291452"));
        assert_eq!(gtin14("4006381333930"), None);
    }

    #[test]
    fn a_gs1_machine_string_splits_at_gs_and_ends_with_a_variable_field() {
        let g = gs1("]C10104601234567893172612311012345\u{1d}21SERIAL-7");
        assert_eq!(g.gtin14(), Some(GTIN));
        assert_eq!(g.get("17"), Some("261231"));
        assert_eq!(g.get("10"), Some("12345"), "the lot ends at GS");
        assert_eq!(
            g.get("21"),
            Some("SERIAL-7"),
            "the last field ends at the end"
        );
        assert_eq!(
            g.to_element_string(),
            "0104601234567893172612311012345\u{1d}21SERIAL-7"
        );
        assert!(
            !g.is_marking_code(),
            "no crypto part, so an ordinary GS1 label"
        );
        let leading_fnc1 = gs1("\u{1d}010460123456789310LOT1");
        assert_eq!(leading_fnc1.get("10"), Some("LOT1"));
    }

    #[test]
    fn the_printed_bracketed_form_is_read_and_written() {
        let g = gs1("(01)04601234567893(17)261231(10)LOT1");
        assert_eq!(g.gtin14(), Some(GTIN));
        assert_eq!(g.get("17"), Some("261231"));
        assert_eq!(g.get("10"), Some("LOT1"));
        assert_eq!(g.to_human(), "(01)04601234567893(17)261231(10)LOT1");
        assert_eq!(g.to_element_string(), "01046012345678931726123110LOT1");
        let typed = parse_gs1("(01) 04601234567893 (10) A(B").unwrap();
        assert_eq!(
            typed.get("10"),
            Some("A(B"),
            "spaces a person types are dropped; a '(' inside a value is data"
        );
        assert!(
            parse_gs1("(17)2612(10)X").is_err(),
            "a short date is refused"
        );
        let open = parse_gs1("(0104601234567893").unwrap_err().to_string();
        assert!(open.contains("never closed"), "{open}");
    }

    #[test]
    fn an_sscc_is_checked_in_ai_00_and_as_plain_digits() {
        assert!(is_valid_sscc("046012345000000012"));
        assert!(!is_valid_sscc("046012345000000015"));
        let g = gs1("]C100046012345000000012");
        assert_eq!(g.get("00"), Some("046012345000000012"));
        assert_eq!(
            classify("00046012345000000012").unwrap(),
            ScanCode::Gs1(g.clone()),
            "a parcel label read without its ]C1 prefix is still an SSCC"
        );
        assert_eq!(
            parse_gs1("00046012345000000015"),
            Err(BarcodeError::BadCheckDigit {
                code: "046012345000000015".into(),
                expected: 2,
                found: 5
            })
        );
        assert_eq!(classify("046012345000000012").unwrap(), ScanCode::Gs1(g));
        assert_eq!(
            classify("046012345000000015").unwrap(),
            ScanCode::Text("046012345000000015".into()),
            "18 digits that are no SSCC may be an order number"
        );
    }

    #[test]
    fn a_310n_weight_carries_its_decimals() {
        // 3103 is kilograms with three decimals: 001250 is 1.250 kg.
        let g = gs1("01046012345678933103001250");
        assert_eq!(g.get("3103"), Some("001250"));
        assert_eq!(g.net_weight_g(), Some(1250));
        assert_eq!(gs1("(01)04601234567893(3103)001250"), g);
        assert_eq!(gs1("(3100)000002").net_weight_g(), Some(2000));
        assert_eq!(gs1("(3105)012345").net_weight_g(), Some(123));
        assert!(parse_gs1("3106000001").is_err(), "310n stops at 5 decimals");
        let absurd = Gs1 {
            elements: vec![Gs1Element {
                ai: "3100".into(),
                value: i64::MAX.to_string(),
            }],
        };
        assert_eq!(absurd.net_weight_g(), None, "an overflow is no weight");
    }

    #[test]
    fn a_short_chestny_znak_code_round_trips_losslessly() {
        let raw = "0104601234567893215Qbag!\u{1d}93dGVz";
        let g = gs1(raw);
        assert_eq!(g.get("21"), Some("5Qbag!"));
        assert_eq!(g.get("93"), Some("dGVz"));
        assert!(g.is_marking_code());
        assert_eq!(g.to_element_string(), raw);
    }

    #[test]
    fn a_long_chestny_znak_code_with_key_and_signature_round_trips_losslessly() {
        let serial = "5'&%Ja,!<=\"z*";
        let key = "ffd0";
        let signature = "MEUCIQC+/x;:?_.-LZ3kT9aQ2b8Yw0yN4pR7sV1uEgH=";
        assert_eq!(serial.len(), 13);
        assert_eq!(signature.len(), 44);
        let raw = format!("01{GTIN}21{serial}\u{1d}91{key}\u{1d}92{signature}");
        let scanned = format!("]d2{raw}\r\n");
        let normalized = normalize(&scanned).unwrap();
        assert_eq!(normalized, raw);
        let g = gs1(&scanned);
        assert_eq!(g.get("21"), Some(serial));
        assert_eq!(g.get("91"), Some(key));
        assert_eq!(g.get("92"), Some(signature));
        assert!(g.is_marking_code());
        assert_eq!(
            g.to_element_string(),
            normalized,
            "the marking code must reach the fiscal register exactly as scanned"
        );
        assert_eq!(parse_gs1(&g.to_human()).unwrap(), g);
    }

    #[test]
    fn a_datamatrix_without_its_prefix_is_still_read_as_gs1() {
        let g = gs1("010460123456789321abc");
        assert_eq!(g.get("21"), Some("abc"));
        assert_eq!(
            classify("0104601234567893").unwrap(),
            ScanCode::Text("0104601234567893".into()),
            "16 characters are too few to tell GS1 from a long number"
        );
    }

    #[test]
    fn an_unknown_application_identifier_is_refused_with_its_position() {
        // (99) was the example here until the parser read GS1's whole table,
        // where 91-99 are company-internal AIs; (55) is in no GS1 table.
        let err = parse_gs1("010460123456789355abc").unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("(55)") && text.contains("character 17"),
            "{text}"
        );
        let err = classify("(55)123").unwrap_err().to_string();
        assert!(err.contains("(55)") && err.contains("character 1"), "{err}");
        let four = parse_gs1("01046012345678937012abc")
            .unwrap_err()
            .to_string();
        assert!(
            four.contains("(7012)") && four.contains("character 17"),
            "AIs starting 70 have four digits, and 7012 is none of them: {four}"
        );
        let three = parse_gs1("0104601234567893239x").unwrap_err().to_string();
        assert!(
            three.contains("(239)") && three.contains("character 17"),
            "AIs starting 23 have three digits: {three}"
        );
        let cut = parse_gs1("0104601234567893700").unwrap_err().to_string();
        assert!(
            cut.contains("cut short") && cut.contains("character 17"),
            "{cut}"
        );
        assert!(
            parse_gs1("010460123456789399abc").is_ok(),
            "(99) is a GS1 company-internal AI"
        );
    }

    /// Every AI in GS1's table, with a value built from its own component
    /// specification, beside (01) or, for (01) itself, beside (21).
    fn every_ai_with_a_partner() -> Vec<(&'static AiDefinition, (&'static str, String))> {
        gs1::dictionary()
            .expect("the GS1 table parses")
            .iter()
            .map(|def| {
                let partner = if def.ai == "01" {
                    ("21", "PARTNER".to_string())
                } else {
                    ("01", GTIN.to_string())
                };
                (def, partner)
            })
            .collect()
    }

    #[test]
    fn every_ai_in_gs1s_table_is_read_beside_a_gtin_in_machine_and_printed_form() {
        let mut checked = 0;
        for (def, (partner_ai, partner_value)) in every_ai_with_a_partner() {
            for longest in [true, false] {
                let value = gs1::sample_value(def, longest);
                let ai = def.ai.as_str();
                let partner = format!("{partner_ai}{partner_value}");
                let gs = if def.separator_required { "\u{1d}" } else { "" };
                let layouts = [
                    // after the GTIN, so the value runs to the end
                    (
                        format!("{partner}{ai}{value}"),
                        format!("({partner_ai}){partner_value}({ai}){value}"),
                    ),
                    // before it, with the GS GS1 asks for after this AI
                    (
                        format!("{ai}{value}{gs}{partner}"),
                        format!("({ai}){value}({partner_ai}){partner_value}"),
                    ),
                ];
                // (01) before (21) needs no GS, and (21) ends the code.
                let layouts = if partner_ai == "21" {
                    &layouts[1..]
                } else {
                    &layouts[..]
                };
                for (machine, printed) in layouts {
                    let what = format!("({ai}) {:?} in {machine:?}", def.title);
                    let g = match classify(&normalize(machine).expect("normalizes")) {
                        Ok(ScanCode::Gs1(g)) => g,
                        other => panic!("{what} should read as GS1, got {other:?}"),
                    };
                    let gtin = if ai == "01" { value.as_str() } else { GTIN };
                    assert_eq!(g.gtin14(), Some(gtin), "the GTIN comes back: {what}");
                    assert_eq!(
                        g.get(ai),
                        Some(value.as_str()),
                        "the value comes back: {what}"
                    );
                    assert_eq!(
                        &g.to_element_string(),
                        machine,
                        "the machine form comes back byte for byte: {what}"
                    );
                    assert_eq!(&g.to_human(), printed, "{what}");
                    let from_printed = gs1(printed);
                    assert_eq!(from_printed, g, "the printed form reads the same: {what}");
                    let prefixed = gs1(&format!("]d2{machine}"));
                    assert_eq!(prefixed, g, "an AIM prefix changes nothing: {what}");
                    checked += 1;
                }
            }
        }
        assert!(
            checked > 2000,
            "every AI, two values, two places: {checked}"
        );
    }

    #[test]
    fn every_ai_in_gs1s_table_refuses_a_value_that_breaks_its_spec_and_names_the_ai() {
        for (def, (partner_ai, partner_value)) in every_ai_with_a_partner() {
            let ai = def.ai.as_str();
            let valid = gs1::sample_value(def, true);
            // Wrong length: one short of a fixed length, one past the most
            // ('1' is in every GS1 character set).
            let wrong_length = match def.fixed_length() {
                Some(n) => valid.chars().take(n - 1).collect::<String>(),
                None => {
                    let pad = def.max_length() + 1 - valid.chars().count();
                    format!("{valid}{}", "1".repeat(pad))
                }
            };
            // Bad character set: '~' is in none of GS1's sets.
            let bad_charset: String = std::iter::once('~').chain(valid.chars().skip(1)).collect();
            for bad in [wrong_length, bad_charset] {
                // (21) would swallow what follows it, so (01) goes first.
                let codes = if partner_ai == "21" {
                    [
                        format!("{ai}{bad}\u{1d}{partner_ai}{partner_value}"),
                        format!("({ai}){bad}({partner_ai}){partner_value}"),
                    ]
                } else {
                    [
                        format!("{partner_ai}{partner_value}{ai}{bad}"),
                        format!("({partner_ai}){partner_value}({ai}){bad}"),
                    ]
                };
                for code in codes {
                    let err = parse_gs1(&code).expect_err(&code).to_string();
                    assert!(
                        err.contains(&format!("({ai})")),
                        "the refusal of {code:?} names ({ai}): {err}"
                    );
                    assert!(err.starts_with("the "), "{err}");
                }
            }
        }
    }

    #[test]
    fn every_check_digit_gs1_defines_is_checked() {
        let dict = gs1::dictionary().unwrap();
        let mut checked = 0;
        for def in dict.iter() {
            let value = gs1::sample_value(def, true);
            let mut parts: Vec<String> = def
                .split(&value)
                .unwrap()
                .into_iter()
                .map(String::from)
                .collect();
            let Some(k) = def.components.iter().position(|c| {
                c.linters
                    .iter()
                    .any(|l| matches!(l, gs1::Linter::Csum | gs1::Linter::CsumAlpha))
            }) else {
                continue;
            };
            // Change the last character of the checked part to another of
            // its set, which breaks a mod-10 digit and a check pair alike.
            let last = parts[k].pop().unwrap();
            parts[k].push(if last == '2' { '3' } else { '2' });
            let code = format!("(01){GTIN}({}){}", def.ai, parts.concat());
            let code = if def.ai == "01" {
                format!("({}){}", def.ai, parts.concat())
            } else {
                code
            };
            let err = parse_gs1(&code).expect_err(&code);
            match &err {
                BarcodeError::BadCheckDigit { code: c, .. } => assert_eq!(c, &parts[k]),
                BarcodeError::Malformed(text) => {
                    assert!(text.contains(&format!("({})", def.ai)), "{text}")
                }
                other => panic!("{code}: {other:?}"),
            }
            checked += 1;
        }
        assert!(
            checked >= 20,
            "GTIN, SSCC, GLNs, GSIN, GSRNs, GMN...: {checked}"
        );
    }

    #[test]
    fn a_pharmacy_datamatrix_with_7003_8008_240_422_and_3922_is_read_and_its_gtin_found() {
        let raw = format!(
            "01{GTIN}70032612312359\u{1d}800826012408\u{1d}240PHARMA-7\u{1d}422643\u{1d}392212990"
        );
        let g = gs1(&format!("]d2{raw}\r\n"));
        assert_eq!(g.gtin14(), Some(GTIN), "the product is found by its GTIN");
        assert_eq!(g.get("7003"), Some("2612312359"));
        assert_eq!(g.get("8008"), Some("26012408"));
        assert_eq!(g.get("240"), Some("PHARMA-7"));
        assert_eq!(g.get("422"), Some("643"));
        assert_eq!(g.get("3922"), Some("12990"));
        assert_eq!(g.to_element_string(), raw, "nothing is lost on the way");
        let parts = |ai: &str| g.elements.iter().find(|e| e.ai == ai).unwrap().parts();
        assert_eq!(parts("7003"), ["261231", "2359"], "date, then time");
        assert_eq!(parts("8008"), ["260124", "08"], "date and hour");
        let title = g.elements[1].title();
        assert_eq!(title, Some("EXPIRY TIME"));
        let printed =
            format!("(01){GTIN}(7003)2612312359(8008)26012408(240)PHARMA-7(422)643(3922)12990");
        assert_eq!(g.to_human(), printed);
        assert_eq!(gs1(&printed), g);
    }

    #[test]
    fn a_missing_gs_after_a_fixed_length_field_is_forgiven_and_restored() {
        // 7003 and 422 have fixed lengths, so their end is known even when a
        // printer leaves out the GS that GS1 asks for after them.
        let sloppy = format!("01{GTIN}7003261231235942264321SER");
        let g = gs1(&sloppy);
        assert_eq!(g.get("422"), Some("643"));
        assert_eq!(g.get("21"), Some("SER"));
        assert_eq!(
            g.to_element_string(),
            format!("01{GTIN}70032612312359\u{1d}422643\u{1d}21SER")
        );
    }

    #[test]
    fn a_food_label_whose_gtin_follows_fixed_fields_is_read_without_its_prefix() {
        // A GS1-128 label read without ]C1: production date and weight
        // first, then the GTIN, then the lot. No GS, as none is needed.
        let g = gs1(&format!("11260101310300125001{GTIN}10LOT-5"));
        assert_eq!(g.gtin14(), Some(GTIN));
        assert_eq!(g.net_weight_g(), Some(1250));
        assert_eq!(g.get("10"), Some("LOT-5"));
        assert_eq!(
            classify("10LOT-5").unwrap(),
            ScanCode::Text("10LOT-5".into()),
            "a lone field without a GTIN stays text"
        );
    }

    #[test]
    fn a_tobacco_block_marking_code_with_its_price_survives_byte_for_byte() {
        // Chestny ZNAK on a block of cigarettes: GTIN, serial, the maximum
        // retail price (8005) and the crypto tail (93), GS after each
        // variable or non-predefined field.
        let raw = format!("01{GTIN}21-Gpc2eG\u{1d}8005109000\u{1d}93E8Ez");
        let g = gs1(&raw);
        assert!(g.is_marking_code());
        assert_eq!(g.get("8005"), Some("109000"));
        assert_eq!(
            g.to_element_string(),
            raw,
            "the GS after (8005) must stay, or the register reads another code"
        );
    }

    #[test]
    fn a_marking_code_whose_scanner_drops_the_gs_before_93_keeps_its_bytes() {
        // Without the GS the tail cannot be told from the serial (21 takes
        // up to 20 characters), so it stays in the serial as before: the
        // GTIN is found and the text is kept exactly.
        let raw = format!("01{GTIN}215Qbag!93dGVz");
        let g = gs1(&raw);
        assert_eq!(g.gtin14(), Some(GTIN));
        assert_eq!(g.get("21"), Some("5Qbag!93dGVz"));
        assert_eq!(g.to_element_string(), raw);
        let long = format!("01{GTIN}215'&%Ja,!<=\"z*91ffd092MEUCIQC");
        let err = parse_gs1(&long).unwrap_err().to_string();
        assert!(err.contains("GS separator may be missing"), "{err}");
    }

    #[test]
    fn a_gmn_with_a_right_check_pair_is_read_and_a_wrong_one_refused() {
        let g = gs1(&format!("(01){GTIN}(8013)1987654Ad4X4bL5ttr2310c2K"));
        assert_eq!(g.get("8013"), Some("1987654Ad4X4bL5ttr2310c2K"));
        let err = parse_gs1(&format!("(01){GTIN}(8013)1987654Ad4X4bL5ttr2310cXK"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("(8013) GMN") && err.contains("2K"), "{err}");
    }

    #[test]
    fn broken_gs1_fields_are_refused_with_a_reason() {
        let short = parse_gs1("01046012345678").unwrap_err().to_string();
        assert!(short.contains("needs 14"), "{short}");
        let month = parse_gs1("(17)261301").unwrap_err().to_string();
        assert!(month.contains("month 13"), "{month}");
        let day = parse_gs1("(17)250230").unwrap_err().to_string();
        assert!(day.contains("day 30"), "{day}");
        assert!(parse_gs1("(17)240229").is_ok(), "2024 is a leap year");
        assert!(parse_gs1("(15)261200").is_ok(), "day 00 means end of month");
        let long = parse_gs1("10ABCDEFGHIJKLMNOPQRSTU")
            .unwrap_err()
            .to_string();
        assert!(long.contains("at most 20"), "{long}");
        assert!(parse_gs1("(30)12a").is_err(), "a count is digits");
        assert!(
            parse_gs1("(10)A\u{1d}B").is_err(),
            "GS is no character of a value"
        );
        let layout = parse_gs1("(21)щук").unwrap_err().to_string();
        assert!(layout.contains("keyboard layout"), "{layout}");
        let twice = parse_gs1("10A\u{1d}10B").unwrap_err().to_string();
        assert!(twice.contains("twice"), "{twice}");
        assert!(parse_gs1("\u{1d}\u{1d}").is_err());
        assert!(
            parse_gs1("(7003)2612312400").is_err(),
            "hour 24 does not exist"
        );
        assert!(parse_gs1("(7003)2612312359").is_ok());
    }

    #[test]
    fn text_that_is_not_a_barcode_is_kept_as_text() {
        for code in ["PB-0001", "1001", "ORD-2024-17", "Кружка", "123456789"] {
            assert_eq!(classify(code).unwrap(), ScanCode::Text(code.into()));
        }
    }

    #[test]
    fn no_input_makes_the_parser_panic() {
        let mut odd: Vec<String> = [
            "🙂",
            "]",
            "]C",
            "]🙂1",
            "]C🙂",
            "(",
            "(0",
            "()",
            "(01",
            "(01)",
            "(3103)",
            "(310",
            "((01)",
            "01",
            "0",
            "31",
            "3103",
            "7003261231",
            "Пример штрихкода",
            "Ж]C1",
            "\u{1d}",
            "\u{1d}\u{1d}",
            "01\u{1d}",
            "\u{1d}01",
            "0104601234567893\u{1d}\u{1d}21x",
            "01046012345678932",
            "0104601234567893🙂🙂🙂",
            "(01)04601234567893(21)🙂",
            "\u{0}",
            "\u{7f}",
            "\u{85}",
            "\u{feff}4006381333931",
            "９６３８５０７４",
            "8008",
            "(8008)2612",
            "(8008)261231ЖЖ",
            "(423)64",
            "(423)643Ж",
            "8030===",
            "(8030)=",
            "(8013)Ж2",
            "(8013)",
            "8013Ж",
            "(7040)1ЖB_",
            "253ЖЖЖ",
            "(4309)Ж",
            "(8006)0460123456789Ж0102",
            "(7258)Ж/Ж",
            "(4300)%Ж",
            "(4300)%",
            "70",
            "700",
            "(700)",
            "(70031)",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        odd.push("9".repeat(300));
        odd.push(format!("01{}", "9".repeat(298)));
        odd.push(format!("(01){}", "🙂".repeat(50)));
        for s in &odd {
            let _ = normalize(s);
            let _ = classify(s);
            let _ = parse_gs1(s);
            let _ = gtin_check_digit(s);
            let _ = gtin14(s);
            let _ = is_valid_sscc(s);
            if let Ok(n) = normalize(s) {
                if let Ok(ScanCode::Gs1(g)) = classify(&n) {
                    let _ = (g.to_human(), g.to_element_string(), g.net_weight_g());
                }
            }
        }

        let alphabet = ['\u{1d}', '(', ')', '0', '1', ']', 'C', '3', '9', 'Ж'];
        let mut words = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = words
                .iter()
                .flat_map(|w| alphabet.iter().map(move |c| format!("{w}{c}")))
                .collect();
            for w in &longer {
                let _ = normalize(w).and_then(|n| classify(&n));
                let _ = classify(w);
                let _ = parse_gs1(w);
            }
            words = longer;
        }
    }

    #[test]
    fn every_error_reads_as_a_sentence() {
        let errors = [
            BarcodeError::Empty,
            BarcodeError::TooLong { len: 201 },
            BarcodeError::ControlCharacter {
                position: 0,
                code: 9,
            },
            BarcodeError::Malformed("(17) expiry date at character 1 is empty".into()),
        ];
        for e in errors {
            let text = e.to_string();
            assert!(text.starts_with("the "), "{text}");
            assert!(
                !text.ends_with('.'),
                "the UI adds its own punctuation: {text}"
            );
        }
    }
}
