//! The GS1 Application Identifier table, read from GS1's own Barcode Syntax
//! Dictionary (`gs1-syntax-dictionary.txt` beside this file, Apache-2.0;
//! `README.md` here names its source and version).
//!
//! The text is compiled in with `include_str!` and parsed once per process,
//! on the first scan that needs it. We chose that over generating a Rust
//! table because GS1's file then stays the single source of truth: updating
//! to a new GS1 release is replacing one file, and the tests walk whatever it
//! holds. Parsing its ~220 lines costs well under a millisecond, once; after
//! that a scan only does a binary search over the ~540 AIs and a table lookup
//! by the AI's first two digits, so reading a code stays in microseconds.

mod lint;

use std::fmt;
use std::sync::LazyLock;

pub use lint::{mod10_check_digit, Fault};

/// GS1's Barcode Syntax Dictionary, exactly as GS1 publishes it.
pub const DICTIONARY_TEXT: &str = include_str!("gs1-syntax-dictionary.txt");

static DICTIONARY: LazyLock<Result<Dictionary, String>> =
    LazyLock::new(|| Dictionary::parse(DICTIONARY_TEXT));

/// The table of every GS1 Application Identifier, parsed on first use.
///
/// `Err` only if the compiled-in file cannot be read, which the tests rule
/// out; callers turn it into an error rather than a panic all the same.
pub fn dictionary() -> Result<&'static Dictionary, &'static str> {
    DICTIONARY.as_ref().map_err(String::as_str)
}

/// The character set of one component of an AI's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    /// `N`: ASCII digits.
    Numeric,
    /// `X`: GS1 AI encodable character set 82.
    Cset82,
    /// `Y`: GS1 AI encodable character set 39 (capitals, digits, `#-/`).
    Cset39,
    /// `Z`: GS1 AI encodable character set 64 (file-safe, URI-safe base64).
    Cset64,
}

impl Charset {
    fn letter(self) -> char {
        match self {
            Charset::Numeric => 'N',
            Charset::Cset82 => 'X',
            Charset::Cset39 => 'Y',
            Charset::Cset64 => 'Z',
        }
    }

    fn from_letter(c: char) -> Option<Charset> {
        match c {
            'N' => Some(Charset::Numeric),
            'X' => Some(Charset::Cset82),
            'Y' => Some(Charset::Cset39),
            'Z' => Some(Charset::Cset64),
            _ => None,
        }
    }
}

/// A content rule GS1 names in the dictionary (its "linters").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Linter {
    /// GS1 mod-10 check digit (GTIN, SSCC, GLN, GSIN, GSRN...).
    Csum,
    /// GS1 alphanumeric check character pair (GMN, MUDI).
    CsumAlpha,
    /// YYMMDD, a real date.
    Yymmdd,
    /// YYMMDD where DD may be 00 (end of the month).
    Yymmd0,
    /// YYYYMMDD, a real date.
    Yyyymmdd,
    /// Hour 00-23.
    Hh,
    /// Minute 00-59.
    Mi,
    /// Second 00-59.
    Ss,
    /// HHMI, a time of day.
    Hhmi,
    /// 0 or 1.
    YesNo,
    /// The digit 0.
    Zero,
    /// Not all zeros.
    NonZero,
    /// Winding direction 0, 1 or 9.
    Winding,
    /// The character `-`.
    Hyphen,
    /// No leading zero (unless the value is 0 itself).
    NoZeroPrefix,
    /// At least one character that is not a digit.
    HasNonDigit,
    /// Piece number and total of equal width, 1 <= piece <= total.
    PieceOfTotal,
    /// `position/total`, as in a birth sequence `1/2`.
    PosInSeqSlash,
    /// Latitude as ten digits, at most 1800000000.
    Latitude,
    /// Longitude as ten digits, at most 3600000000.
    Longitude,
    /// ISO/IEC 5218 sex code: 0, 1, 2 or 9.
    Iso5218,
    /// A `%` is followed by two hexadecimal digits.
    PcEnc,
    /// EU 2018/574 importer index: one of `-0-9A-Z_a-z`.
    ImporterIdx,
    /// GS1 Company Prefix shape of a key. Not checked: it needs GS1's
    /// prefix tables, and the key's check digit is checked anyway.
    Key,
    /// As [`Linter::Key`], one character in. Not checked, as `Key`.
    KeyOff1,
    /// ISO 3166 numeric country. Not checked: needs ISO's list.
    Iso3166,
    /// ISO 3166 numeric country or 999. Not checked: needs ISO's list.
    Iso3166With999,
    /// ISO 3166 alpha-2 country. Not checked: needs ISO's list.
    Iso3166Alpha2,
    /// ISO 4217 numeric currency. Not checked: needs ISO's list.
    Iso4217,
    /// UN/ECE Rec. 21 package type. Not checked: needs that list.
    PackageType,
    /// GS1 AIDC media type code. Not checked: needs GS1's code list.
    MediaType,
    /// IBAN. Not checked: needs the per-country IBAN lengths.
    Iban,
    /// North American coupon code. Not checked: a coupon is never a
    /// product in a box.
    CouponCode,
    /// Positive offer file coupon. Not checked, as `CouponCode`.
    CouponPosOffer,
}

/// Every linter name the dictionary may use, with what we do about it. A
/// name missing here makes the dictionary fail to parse, so a new GS1
/// release with a new rule is noticed by the tests, not skipped silently.
const LINTERS: &[(&str, Linter)] = &[
    ("csum", Linter::Csum),
    ("csumalpha", Linter::CsumAlpha),
    ("yymmdd", Linter::Yymmdd),
    ("yymmd0", Linter::Yymmd0),
    ("yyyymmdd", Linter::Yyyymmdd),
    ("hh", Linter::Hh),
    ("mi", Linter::Mi),
    ("ss", Linter::Ss),
    ("hhmi", Linter::Hhmi),
    ("yesno", Linter::YesNo),
    ("zero", Linter::Zero),
    ("nonzero", Linter::NonZero),
    ("winding", Linter::Winding),
    ("hyphen", Linter::Hyphen),
    ("nozeroprefix", Linter::NoZeroPrefix),
    ("hasnondigit", Linter::HasNonDigit),
    ("pieceoftotal", Linter::PieceOfTotal),
    ("posinseqslash", Linter::PosInSeqSlash),
    ("latitude", Linter::Latitude),
    ("longitude", Linter::Longitude),
    ("iso5218", Linter::Iso5218),
    ("pcenc", Linter::PcEnc),
    ("importeridx", Linter::ImporterIdx),
    ("key", Linter::Key),
    ("keyoff1", Linter::KeyOff1),
    ("iso3166", Linter::Iso3166),
    ("iso3166999", Linter::Iso3166With999),
    ("iso3166alpha2", Linter::Iso3166Alpha2),
    ("iso4217", Linter::Iso4217),
    ("packagetype", Linter::PackageType),
    ("mediatype", Linter::MediaType),
    ("iban", Linter::Iban),
    ("couponcode", Linter::CouponCode),
    ("couponposoffer", Linter::CouponPosOffer),
];

impl Linter {
    /// The linter GS1's dictionary calls `name`.
    pub fn from_name(name: &str) -> Option<Linter> {
        LINTERS.iter().find(|(n, _)| *n == name).map(|&(_, l)| l)
    }

    /// The name GS1's dictionary uses for this linter.
    pub fn name(self) -> &'static str {
        LINTERS
            .iter()
            .find(|&&(_, l)| l == self)
            .map_or("?", |&(n, _)| n)
    }
}

/// One component of an AI's value, such as the date or the time of (7003).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    pub charset: Charset,
    /// Fewest characters; equal to `max` for a fixed-length component.
    pub min: usize,
    pub max: usize,
    /// May be left out at the end of the value (`[N2]` in the dictionary).
    pub optional: bool,
    pub linters: Vec<Linter>,
}

impl Component {
    pub fn is_fixed(&self) -> bool {
        self.min == self.max
    }
}

impl fmt::Display for Component {
    /// The dictionary's notation: `N6`, `X..20`, `[N2]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let spec = if self.is_fixed() {
            format!("{}{}", self.charset.letter(), self.max)
        } else {
            format!("{}..{}", self.charset.letter(), self.max)
        };
        if self.optional {
            write!(f, "[{spec}]")
        } else {
            f.write_str(&spec)
        }
    }
}

/// One Application Identifier as GS1 defines it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AiDefinition {
    /// Two to four digits, such as `"01"`, `"240"` or `"3103"`.
    pub ai: String,
    /// GS1's data title, such as `"GTIN"` or `"EXPIRY TIME"`; empty for the
    /// two coupon AIs, which have none in the dictionary.
    pub title: &'static str,
    /// True unless the AI is in GS1's predefined-length table (flag `*`):
    /// such an AI must be followed by a GS (FNC1) unless it ends the code,
    /// even when its own value has a fixed length.
    pub separator_required: bool,
    pub components: Vec<Component>,
    /// The dictionary's pairing rules (`req=`, `ex=`) and Digital Link keys,
    /// kept for reference. They are not enforced: GS1 says to judge pairings
    /// over all the carriers on an item, and one scan sees only one of them.
    pub attributes: Vec<&'static str>,
}

impl AiDefinition {
    /// The length when every component is mandatory and fixed, as for
    /// (01) or (7003); `None` for a value that runs to a GS or the end.
    pub fn fixed_length(&self) -> Option<usize> {
        self.components
            .iter()
            .all(|c| c.is_fixed() && !c.optional)
            .then(|| self.max_length())
    }

    /// Fewest characters a value may have.
    pub fn min_length(&self) -> usize {
        self.components
            .iter()
            .filter(|c| !c.optional)
            .map(|c| c.min)
            .sum()
    }

    /// Most characters a value may have.
    pub fn max_length(&self) -> usize {
        self.components.iter().map(|c| c.max).sum()
    }

    /// The components as the dictionary writes them: `N6 N2 [N2] [N2]`.
    pub fn layout(&self) -> String {
        self.components
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Every AI of the GS1 General Specifications, sorted by AI.
#[derive(Debug)]
pub struct Dictionary {
    entries: Vec<AiDefinition>,
    /// The length of the AIs that start with each two digits (GS1 gives all
    /// AIs sharing their first two digits one length); 0 where none does.
    length_by_prefix: [u8; 100],
}

/// The characters GS1 reserves for flags in front of the specification.
const FLAG_CHARS: &str = "*?!\"$%&'()+,-./:;<=>@[\\]^_`{|}~";

impl Dictionary {
    /// Reads the dictionary's text format (described in the file's header).
    pub fn parse(text: &'static str) -> Result<Dictionary, String> {
        let mut entries = Vec::new();
        for (index, line) in text.lines().enumerate() {
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let at = |what: String| format!("line {}: {what}", index + 1);
            parse_entry(line, &mut entries).map_err(at)?;
        }
        entries.sort_by(|a, b| a.ai.cmp(&b.ai));
        let mut length_by_prefix = [0u8; 100];
        for pair in entries.windows(2) {
            if pair[0].ai == pair[1].ai {
                return Err(format!("AI ({}) is defined twice", pair[0].ai));
            }
        }
        for e in &entries {
            let prefix = prefix_index(&e.ai).ok_or_else(|| format!("bad AI ({})", e.ai))?;
            let len = e.ai.len() as u8;
            match length_by_prefix[prefix] {
                0 => length_by_prefix[prefix] = len,
                l if l == len => {}
                l => {
                    return Err(format!(
                        "AIs starting {} have {l} and {len} digits, so an AI cannot be read \
                         by its first two digits",
                        e.ai.get(..2).unwrap_or_default()
                    ))
                }
            }
        }
        if entries.is_empty() {
            return Err("it defines no AI".into());
        }
        Ok(Dictionary {
            entries,
            length_by_prefix,
        })
    }

    /// The definition of an AI such as `"01"` or `"3103"`.
    pub fn get(&self, ai: &str) -> Option<&AiDefinition> {
        self.entries
            .binary_search_by(|e| e.ai.as_str().cmp(ai))
            .ok()
            .and_then(|i| self.entries.get(i))
    }

    /// How many digits the AIs starting with these two digits have; `None`
    /// when no AI starts with them.
    pub fn ai_length(&self, first_two: &str) -> Option<usize> {
        let len = *self.length_by_prefix.get(prefix_index(first_two)?)?;
        (len > 0).then_some(usize::from(len))
    }

    pub fn iter(&self) -> impl Iterator<Item = &AiDefinition> {
        self.entries.iter()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// The first two characters of `ai` as a number 0-99, if both are digits.
fn prefix_index(ai: &str) -> Option<usize> {
    let mut digits = ai.chars().map(|c| c.to_digit(10));
    let tens = digits.next()??;
    let ones = digits.next()??;
    Some((tens * 10 + ones) as usize)
}

/// One line: `AIs [Flags] Specification [Attributes...] [# Title]`.
fn parse_entry(line: &'static str, entries: &mut Vec<AiDefinition>) -> Result<(), String> {
    let (body, title) = match line.split_once('#') {
        Some((body, title)) => (body, title.trim()),
        None => (line, ""),
    };
    let mut tokens = body.split_whitespace().peekable();
    let ais = tokens.next().ok_or("no AI")?;
    let flags = match tokens.peek() {
        Some(t) if t.chars().all(|c| FLAG_CHARS.contains(c)) => tokens.next().unwrap_or(""),
        _ => "",
    };
    let mut components = Vec::new();
    while let Some(token) = tokens.next_if(|t| looks_like_component(t)) {
        components.push(parse_component(token)?);
    }
    let attributes: Vec<&'static str> = tokens.collect();
    if components.is_empty() {
        return Err(format!("({ais}) has no specification"));
    }
    let last = components.len() - 1;
    if components[..last].iter().any(|c| !c.is_fixed()) {
        return Err(format!(
            "({ais}) has a variable-length part before its last"
        ));
    }
    if components
        .windows(2)
        .any(|pair| pair[0].optional && !pair[1].optional)
    {
        return Err(format!(
            "({ais}) has a mandatory part after an optional one"
        ));
    }
    let (first, end) = ais.split_once('-').unwrap_or((ais, ais));
    let well_formed =
        |ai: &str| (2..=4).contains(&ai.len()) && ai.bytes().all(|b| b.is_ascii_digit());
    if !well_formed(first) || !well_formed(end) || first.len() != end.len() {
        return Err(format!("({ais}) is not an AI or a range of AIs"));
    }
    let (from, to): (u32, u32) = (
        first.parse().map_err(|_| format!("bad AI {first}"))?,
        end.parse().map_err(|_| format!("bad AI {end}"))?,
    );
    if from > to {
        return Err(format!("the range ({ais}) runs backwards"));
    }
    for n in from..=to {
        entries.push(AiDefinition {
            ai: format!("{n:0width$}", width = first.len()),
            title,
            separator_required: !flags.contains('*'),
            components: components.clone(),
            attributes: attributes.clone(),
        });
    }
    Ok(())
}

/// `N6`, `X..20`, `[N2]`, `[N3],iso3166`: a type letter, then a length.
fn looks_like_component(token: &str) -> bool {
    let mut chars = token.strip_prefix('[').unwrap_or(token).chars();
    chars.next().and_then(Charset::from_letter).is_some()
        && chars.next().is_some_and(|c| c.is_ascii_digit() || c == '.')
}

fn parse_component(token: &str) -> Result<Component, String> {
    let (optional, spec, linters) = match token.strip_prefix('[') {
        Some(rest) => {
            let (spec, after) = rest
                .split_once(']')
                .ok_or_else(|| format!("{token:?} never closes its '['"))?;
            let linters = after
                .strip_prefix(',')
                .or(after.is_empty().then_some(""))
                .ok_or_else(|| format!("{token:?} has text after its ']'"))?;
            (true, spec, linters)
        }
        None => {
            let (spec, linters) = token.split_once(',').unwrap_or((token, ""));
            (false, spec, linters)
        }
    };
    let mut chars = spec.chars();
    let charset = chars
        .next()
        .and_then(Charset::from_letter)
        .ok_or_else(|| format!("{token:?} has no character set"))?;
    let length = chars.as_str();
    let (variable, digits) = match length.strip_prefix("..") {
        Some(max) => (true, max),
        None => (false, length),
    };
    let max: usize = digits
        .parse()
        .map_err(|_| format!("{token:?} has no length"))?;
    if max == 0 {
        return Err(format!("{token:?} has length 0"));
    }
    let linters = linters
        .split(',')
        .filter(|name| !name.is_empty())
        .map(|name| {
            Linter::from_name(name).ok_or_else(|| {
                format!("{token:?} names the rule {name:?}, which Packbench does not know")
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Component {
        charset,
        min: if variable { 1 } else { max },
        max,
        optional,
        linters,
    })
}

#[cfg(test)]
pub(crate) use lint::sample_value;

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> &'static Dictionary {
        dictionary().expect("the compiled-in GS1 dictionary parses")
    }

    #[test]
    fn the_compiled_in_dictionary_parses_and_holds_every_ai_of_the_file() {
        let dict = table();
        // Count AIs straight from the text, ranges expanded, to check that no
        // line was skipped by the parser.
        let from_text: usize = DICTIONARY_TEXT
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            .map(|l| {
                let ais = l.split_whitespace().next().unwrap_or("");
                match ais.split_once('-') {
                    Some((a, b)) => b.parse::<usize>().unwrap() - a.parse::<usize>().unwrap() + 1,
                    None => 1,
                }
            })
            .sum();
        assert_eq!(dict.len(), from_text, "every AI line is in the table");
        assert!(
            dict.len() > 500,
            "GS1 defines over 500 AIs, not a short list"
        );
    }

    #[test]
    fn the_dictionary_file_keeps_its_licence_notice() {
        assert!(DICTIONARY_TEXT.contains("Licensed under the Apache License, Version 2.0"));
        assert!(DICTIONARY_TEXT.contains("Copyright (c) 2021-2025 GS1 AISBL"));
    }

    #[test]
    fn entries_read_as_gs1_defines_them() {
        let dict = table();
        let gtin = dict.get("01").unwrap();
        assert_eq!(gtin.title, "GTIN");
        assert_eq!(gtin.fixed_length(), Some(14));
        assert!(!gtin.separator_required, "01 is a predefined-length AI");
        assert_eq!(gtin.components[0].linters, [Linter::Csum, Linter::KeyOff1]);

        let serial = dict.get("21").unwrap();
        assert_eq!((serial.min_length(), serial.max_length()), (1, 20));
        assert!(serial.separator_required);
        assert_eq!(serial.components[0].charset, Charset::Cset82);

        let expiry_time = dict.get("7003").unwrap();
        assert_eq!(expiry_time.layout(), "N6 N4");
        assert_eq!(
            expiry_time.fixed_length(),
            Some(10),
            "a fixed value but not predefined length, so a GS follows it"
        );
        assert!(expiry_time.separator_required);

        let prod_time = dict.get("8008").unwrap();
        assert_eq!(prod_time.layout(), "N6 N2 [N2] [N2]");
        assert_eq!(prod_time.components[3].linters, [Linter::Ss]);
        assert_eq!(prod_time.fixed_length(), None);
        assert_eq!((prod_time.min_length(), prod_time.max_length()), (8, 12));

        let price = dict.get("3932").unwrap();
        assert_eq!(price.layout(), "N3 N..15", "ISO currency, then the price");
        assert_eq!(price.components[0].linters, [Linter::Iso4217]);
        assert_eq!(dict.get("3922").unwrap().layout(), "N..15");
        assert_eq!(dict.get("422").unwrap().layout(), "N3");
        assert_eq!(
            dict.get("8013").unwrap().components[0].linters[0],
            Linter::CsumAlpha
        );
        assert_eq!(
            dict.get("8030").unwrap().components[0].charset,
            Charset::Cset64
        );
        assert_eq!(
            dict.get("8010").unwrap().components[0].charset,
            Charset::Cset39
        );
        assert_eq!(
            dict.get("8110").unwrap().title,
            "",
            "the coupon AI has no title"
        );
        assert_eq!(
            dict.get("7030").unwrap().title,
            "PROCESSOR # 0",
            "a title runs from the first '#' to the end of the line"
        );
        assert!(dict.get("3106").is_none(), "310n stops at 5 decimals");
        assert!(dict.get("99").is_some(), "91-99 are company internal AIs");
        assert!(dict.get("04").is_none());
    }

    #[test]
    fn the_ais_with_predefined_length_are_those_of_gs1s_prefix_table() {
        // GS1 General Specifications, "Element strings with predefined
        // length using GS1 Application Identifiers": these first two digits,
        // and only these, need no FNC1 after them.
        let predefined = [
            "00", "01", "02", "03", "04", "11", "12", "13", "14", "15", "16", "17", "18", "19",
            "20", "31", "32", "33", "34", "35", "36", "41",
        ];
        for def in table().iter() {
            let prefix = &def.ai[..2];
            assert_eq!(
                !def.separator_required,
                predefined.contains(&prefix),
                "({}) separator rule",
                def.ai
            );
        }
    }

    #[test]
    fn no_ai_is_the_start_of_another_so_the_machine_form_reads_one_way() {
        let dict = table();
        for a in dict.iter() {
            for b in dict.iter() {
                assert!(
                    a.ai == b.ai || !b.ai.starts_with(&a.ai),
                    "({}) starts ({})",
                    a.ai,
                    b.ai
                );
            }
            assert_eq!(dict.ai_length(&a.ai[..2]), Some(a.ai.len()));
        }
        assert_eq!(dict.ai_length("55"), None);
        assert_eq!(dict.ai_length("5"), None);
        assert_eq!(dict.ai_length("Ж1"), None);
    }

    #[test]
    fn a_broken_dictionary_line_is_refused_with_its_line_number() {
        let unknown_rule = Dictionary::parse("01 * N14,csum,nosuchrule # GTIN\n").unwrap_err();
        assert!(
            unknown_rule.contains("line 1") && unknown_rule.contains("nosuchrule"),
            "{unknown_rule}"
        );
        assert!(Dictionary::parse("# only a comment\n").is_err());
        assert!(Dictionary::parse("01 * N..3 N2 # bad\n").is_err());
        assert!(Dictionary::parse("01 * [N2] N2 # bad\n").is_err());
        assert!(Dictionary::parse("01 * N14\n01 * N14\n").is_err());
        assert!(Dictionary::parse("01 * N14\n012 N3\n").is_err());
        assert!(Dictionary::parse("5-7 N1\n").is_err());
        assert!(Dictionary::parse("30-20 N1\n").is_err());
        assert!(Dictionary::parse("20 N0\n").is_err());
    }

    #[test]
    fn every_linter_name_round_trips() {
        for &(name, linter) in LINTERS {
            assert_eq!(Linter::from_name(name), Some(linter));
            assert_eq!(linter.name(), name);
        }
    }
}
