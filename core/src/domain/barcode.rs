//! Barcodes as a scanner sends them: clean-up, GTIN and SSCC check digits,
//! GS1 element strings (GS1-128, GS1 DataMatrix, Chestny ZNAK marking codes)
//! and the verdict on what a scan is.
//!
//! Everything here takes text from a scanner or a keyboard, so every function
//! answers `Ok` or `Err` for any `&str` and never panics. Text is handled as
//! `char`s, never sliced by byte offsets, so multi-byte UTF-8 is safe.

use std::collections::BTreeSet;
use std::fmt;

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
    let mut chars = text.chars();
    let looks_like_aim = chars.next() == Some(']')
        && chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.next().is_some_and(|c| c.is_ascii_alphanumeric());
    if looks_like_aim {
        // The three characters are ASCII, so byte 3 is a char boundary.
        text.get(3..).unwrap_or("")
    } else {
        text
    }
}

/// The mod-10 check digit over ASCII digits, weights 3 and 1 from the right.
fn mod10_check(digits: &[u8]) -> u8 {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| {
            let d = u32::from(d - b'0');
            if i % 2 == 0 {
                d * 3
            } else {
                d
            }
        })
        .fold(0, |acc, x| (acc + x) % 10);
    ((10 - sum) % 10) as u8
}

/// GTIN check digit (mod-10, weights 3,1 from the right) of the digits given
/// WITHOUT the check digit. `None` if empty or not all ASCII digits.
pub fn gtin_check_digit(body: &str) -> Option<u8> {
    let digits = body.as_bytes();
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(mod10_check(digits))
}

/// The expected and found check digits of an all-digit code, if it is wrong.
fn check_digit_mismatch(code: &str) -> Option<(u8, u8)> {
    let digits = code.as_bytes();
    let (last, body) = digits.split_last()?;
    if body.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let expected = mod10_check(body);
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

    /// The machine form: fields run together, a GS after each
    /// variable-length field except the last, as a GS1 DataMatrix holds it.
    pub fn to_element_string(&self) -> String {
        let mut out = String::new();
        let last = self.elements.len().saturating_sub(1);
        for (i, e) in self.elements.iter().enumerate() {
            out.push_str(&e.ai);
            out.push_str(&e.value);
            // An AI we do not know is treated as variable: a needless GS is
            // harmless, a missing one corrupts the next field.
            let variable = ai_spec(&e.ai).is_none_or(|s| matches!(s.length, Length::Upto(_)));
            if variable && i != last {
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

#[derive(Debug, Clone, Copy)]
enum Length {
    Fixed(usize),
    Upto(usize),
}

#[derive(Debug, Clone, Copy)]
enum Content {
    Digits,
    /// GS1 AI encodable character set 82 (printable ASCII without space and
    /// `#$@[\]^`{|}~`).
    Cset82,
}

#[derive(Debug, Clone, Copy)]
enum Rule {
    None,
    CheckDigit,
    Date,
    DateTime,
}

#[derive(Debug, Clone, Copy)]
struct AiSpec {
    ai: &'static str,
    what: &'static str,
    length: Length,
    content: Content,
    rule: Rule,
}

const fn ai(
    ai: &'static str,
    what: &'static str,
    length: Length,
    content: Content,
    rule: Rule,
) -> AiSpec {
    AiSpec {
        ai,
        what,
        length,
        content,
        rule,
    }
}

/// The application identifiers a packing table meets. 7003 and 8005 are
/// beyond the usual list because Chestny ZNAK codes carry them (dairy expiry
/// time, tobacco price), and refusing those codes would stop a packer.
const AIS: &[AiSpec] = {
    use Content::*;
    use Length::*;
    use Rule::*;
    &[
        ai("00", "SSCC", Fixed(18), Digits, CheckDigit),
        ai("01", "GTIN", Fixed(14), Digits, CheckDigit),
        ai("02", "contained GTIN", Fixed(14), Digits, CheckDigit),
        ai("10", "batch or lot", Upto(20), Cset82, None),
        ai("11", "production date", Fixed(6), Digits, Date),
        ai("13", "packaging date", Fixed(6), Digits, Date),
        ai("15", "best before date", Fixed(6), Digits, Date),
        ai("17", "expiry date", Fixed(6), Digits, Date),
        ai("21", "serial number", Upto(20), Cset82, None),
        ai("30", "variable count", Upto(8), Digits, None),
        ai("37", "count of items", Upto(8), Digits, None),
        ai("3100", "net weight in kg", Fixed(6), Digits, None),
        ai("3101", "net weight in kg", Fixed(6), Digits, None),
        ai("3102", "net weight in kg", Fixed(6), Digits, None),
        ai("3103", "net weight in kg", Fixed(6), Digits, None),
        ai("3104", "net weight in kg", Fixed(6), Digits, None),
        ai("3105", "net weight in kg", Fixed(6), Digits, None),
        ai("7003", "expiry date and time", Fixed(10), Digits, DateTime),
        ai("8005", "price per unit", Fixed(6), Digits, None),
        ai("91", "crypto key id", Upto(90), Cset82, None),
        ai("92", "crypto signature", Upto(90), Cset82, None),
        ai("93", "crypto tail", Upto(90), Cset82, None),
    ]
};

fn ai_spec(ai: &str) -> Option<&'static AiSpec> {
    AIS.iter().find(|s| s.ai == ai)
}

fn supported_list() -> String {
    let mut names: Vec<&str> = AIS
        .iter()
        .map(|s| {
            if s.ai.starts_with("310") {
                "310n"
            } else {
                s.ai
            }
        })
        .collect();
    names.dedup();
    names.join(", ")
}

fn unknown_ai(ai: &str, position: usize) -> BarcodeError {
    BarcodeError::Malformed(format!(
        "application identifier ({ai}) at character {} is not one Packbench reads \
         (it reads {}); type the GTIN instead",
        position + 1,
        supported_list()
    ))
}

fn in_cset82(c: char) -> bool {
    c.is_ascii_graphic()
        && !matches!(
            c,
            '#' | '$' | '@' | '[' | '\\' | ']' | '^' | '`' | '{' | '|' | '}' | '~'
        )
}

/// Parse a GS1 element string: the machine form (fields run together,
/// variable-length fields end at GS or at the end) or the printed form
/// `(01)04601234567893(17)261231(10)LOT1`. A leading GS (FNC1 as some
/// scanners send it) is skipped. Values are kept exactly as scanned, so
/// `to_element_string()` gives back the machine form of the input.
pub fn parse_gs1(s: &str) -> Result<Gs1, BarcodeError> {
    if s.trim().is_empty() {
        return Err(BarcodeError::Empty);
    }
    let chars: Vec<char> = s.chars().collect();
    let elements = if chars.first() == Some(&'(') {
        parse_printed(&chars)?
    } else {
        parse_machine(&chars)?
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

/// Reads the AI starting at `at`: two digits, or four for the 31xx, 70xx and
/// 80xx families.
fn read_ai(chars: &[char], at: usize) -> Result<&'static AiSpec, BarcodeError> {
    let take = |n: usize| -> Option<String> {
        let end = at.checked_add(n)?;
        chars.get(at..end).map(|cs| cs.iter().collect())
    };
    let two = take(2).unwrap_or_else(|| chars.get(at..).unwrap_or(&[]).iter().collect());
    if two.chars().count() < 2 || !two.chars().all(|c| c.is_ascii_digit()) {
        return Err(BarcodeError::Malformed(format!(
            "an application identifier (two digits) should start at character {} but \
             there is {:?}",
            at + 1,
            two
        )));
    }
    if let Some(spec) = ai_spec(&two) {
        return Ok(spec);
    }
    if matches!(two.as_str(), "31" | "70" | "80") {
        if let Some(four) = take(4) {
            return ai_spec(&four).ok_or_else(|| unknown_ai(&four, at));
        }
    }
    Err(unknown_ai(&two, at))
}

fn parse_machine(chars: &[char]) -> Result<Vec<Gs1Element>, BarcodeError> {
    let mut elements = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        // A GS where a field should start is a leading FNC1 or a separator
        // after a fixed-length field; both are allowed and carry nothing.
        if chars[i] == GS {
            i += 1;
            continue;
        }
        let start = i;
        let spec = read_ai(chars, i)?;
        i += spec.ai.len();
        let value: String = match spec.length {
            Length::Fixed(n) => {
                let available = chars[i..].iter().take(n).take_while(|&&c| c != GS).count();
                if available < n {
                    return Err(BarcodeError::Malformed(format!(
                        "({}) {} at character {} needs {n} characters but has {available}",
                        spec.ai,
                        spec.what,
                        start + 1
                    )));
                }
                let v = chars[i..i + n].iter().collect();
                i += n;
                v
            }
            Length::Upto(_) => {
                let end = chars[i..]
                    .iter()
                    .position(|&c| c == GS)
                    .map_or(chars.len(), |p| i + p);
                let v = chars[i..end].iter().collect();
                i = end;
                v
            }
        };
        check_value(spec, &value, start)?;
        elements.push(Gs1Element {
            ai: spec.ai.to_string(),
            value,
        });
    }
    Ok(elements)
}

/// The AI of a `(AI)` group starting at `at`, if it is one we read, and the
/// index just past its `)`.
fn printed_ai_at(chars: &[char], at: usize) -> Option<(&'static AiSpec, usize)> {
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
    ai_spec(&ai).map(|spec| (spec, close + 1))
}

fn parse_printed(chars: &[char]) -> Result<Vec<Gs1Element>, BarcodeError> {
    let mut elements = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        let Some((spec, after)) = printed_ai_at(chars, i) else {
            if chars[i] != '(' {
                return Err(BarcodeError::Malformed(format!(
                    "a bracketed application identifier such as (01) should start at \
                     character {} but there is {:?}",
                    i + 1,
                    chars[i]
                )));
            }
            let inside: String = chars[i + 1..]
                .iter()
                .take_while(|&&c| c != ')' && c != '(')
                .take(6)
                .collect();
            // "(0104601234567893": a known AI whose ')' was left out.
            let closed = chars[i + 1..].iter().take(5).any(|&c| c == ')');
            let starts_known_ai = [2, 4].iter().any(|&n| {
                chars
                    .get(i + 1..i + 1 + n)
                    .is_some_and(|ai| ai_spec(&ai.iter().collect::<String>()).is_some())
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
        // A value runs to the next bracketed AI we know; a '(' inside a
        // serial (it is in the GS1 character set) is data.
        let mut end = i;
        while end < chars.len() && printed_ai_at(chars, end).is_none() {
            end += 1;
        }
        let value: String = chars[i..end].iter().collect();
        let value = value.trim_end_matches(' ').to_string();
        i = end;
        if let Length::Fixed(n) = spec.length {
            let found = value.chars().count();
            if found != n {
                return Err(BarcodeError::Malformed(format!(
                    "({}) {} at character {} needs {n} characters but has {found}",
                    spec.ai,
                    spec.what,
                    start + 1
                )));
            }
        }
        check_value(spec, &value, start)?;
        elements.push(Gs1Element {
            ai: spec.ai.to_string(),
            value,
        });
    }
    Ok(elements)
}

fn check_value(spec: &AiSpec, value: &str, start: usize) -> Result<(), BarcodeError> {
    let field = format!("({}) {} at character {}", spec.ai, spec.what, start + 1);
    let len = value.chars().count();
    if len == 0 {
        return Err(BarcodeError::Malformed(format!("{field} is empty")));
    }
    if let Length::Upto(max) = spec.length {
        if len > max {
            return Err(BarcodeError::Malformed(format!(
                "{field} has {len} characters but at most {max} are allowed; \
                 a GS separator may be missing"
            )));
        }
    }
    match spec.content {
        Content::Digits => {
            if let Some(c) = value.chars().find(|c| !c.is_ascii_digit()) {
                return Err(BarcodeError::Malformed(format!(
                    "{field} must be digits but holds {c:?}"
                )));
            }
        }
        Content::Cset82 => {
            if let Some(c) = value.chars().find(|&c| !in_cset82(c)) {
                let hint = if c.is_alphabetic() && !c.is_ascii() {
                    "; the scanner may be typing with a non-English keyboard layout"
                } else {
                    ""
                };
                return Err(BarcodeError::Malformed(format!(
                    "{field} holds {c:?}, which GS1 does not allow{hint}"
                )));
            }
        }
    }
    match spec.rule {
        Rule::None => {}
        Rule::CheckDigit => {
            if let Some((expected, found)) = check_digit_mismatch(value) {
                return Err(BarcodeError::BadCheckDigit {
                    code: value.to_string(),
                    expected,
                    found,
                });
            }
        }
        Rule::Date => check_date(&field, value)?,
        Rule::DateTime => {
            check_date(&field, value.get(..6).unwrap_or(""))?;
            let hour = two_digits(value, 6);
            let minute = two_digits(value, 8);
            if hour > 23 || minute > 59 {
                return Err(BarcodeError::Malformed(format!(
                    "{field} has the time {hour:02}:{minute:02}, which does not exist"
                )));
            }
        }
    }
    Ok(())
}

/// The number in the two ASCII digits at byte `at`; 99 when they are missing
/// so a caller's range check refuses it.
fn two_digits(text: &str, at: usize) -> u32 {
    text.get(at..at + 2)
        .and_then(|t| t.parse().ok())
        .unwrap_or(99)
}

/// YYMMDD as GS1 writes it: day 00 means "end of the month".
fn check_date(field: &str, value: &str) -> Result<(), BarcodeError> {
    let (year, month, day) = (
        two_digits(value, 0),
        two_digits(value, 2),
        two_digits(value, 4),
    );
    if !(1..=12).contains(&month) {
        return Err(BarcodeError::Malformed(format!(
            "{field} has month {month:02}, which does not exist; the date is YYMMDD"
        )));
    }
    // The century is not in the code; a year divisible by 4 is taken as leap
    // (true from 2001 to 2099, the only century GS1 dates fall in for now).
    let days = match month {
        2 if year % 4 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if day > days {
        return Err(BarcodeError::Malformed(format!(
            "{field} has day {day:02} of month {month:02}, which does not exist"
        )));
    }
    Ok(())
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
        let err = parse_gs1("010460123456789399abc").unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("(99)") && text.contains("character 17"),
            "{text}"
        );
        let err = classify("(55)123").unwrap_err().to_string();
        assert!(err.contains("(55)") && err.contains("character 1"), "{err}");
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
