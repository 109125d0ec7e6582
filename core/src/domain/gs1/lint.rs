//! Checking a value against its AI's definition: length, the split into
//! components, character sets and GS1's content rules.
//!
//! Values come from scanners, so everything here works on `char`s and
//! answers for any `&str` without panicking.

use super::{AiDefinition, Charset, Component, Linter};

/// Why a value does not fit its AI. `Detail` completes a sentence that the
/// caller starts with the field's name, such as "(17) USE BY or EXPIRY at
/// character 17 ...".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    Detail(String),
    /// A mod-10 check digit that does not match: `code` is the component.
    CheckDigit {
        code: String,
        expected: u8,
        found: u8,
    },
}

fn detail(text: impl Into<String>) -> Fault {
    Fault::Detail(text.into())
}

/// The GS1 mod-10 check digit over ASCII digits (weights 3 and 1 from the
/// right) of the digits given without their check digit. The caller makes
/// sure every byte is an ASCII digit.
pub fn mod10_check_digit(digits: &[u8]) -> u8 {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| {
            let d = u32::from(d.wrapping_sub(b'0') % 10);
            if i % 2 == 0 {
                d * 3
            } else {
                d
            }
        })
        .fold(0, |acc, x| (acc + x) % 10);
    ((10 - sum) % 10) as u8
}

impl AiDefinition {
    /// The value cut into its components (for (7003) the date and the
    /// time, for (3932) the currency and the price), after checking that its
    /// length fits. Cuts between `char`s, never inside one.
    pub fn split<'v>(&self, value: &'v str) -> Result<Vec<&'v str>, Fault> {
        let len = value.chars().count();
        // The byte offset of character k, so every cut falls between chars.
        // GS1 values are ASCII, where the two are the same.
        let ascii = value.is_ascii();
        let offset = |k: usize| -> Option<usize> {
            if ascii {
                Some(k)
            } else {
                value
                    .char_indices()
                    .map(|(i, _)| i)
                    .chain(std::iter::once(value.len()))
                    .nth(k)
            }
        };
        if len == 0 {
            return Err(detail("is empty"));
        }
        if let Some(n) = self.fixed_length() {
            if len != n {
                return Err(detail(format!("needs {n} characters but has {len}")));
            }
        }
        let (min, max) = (self.min_length(), self.max_length());
        if len > max {
            return Err(detail(format!(
                "has {len} characters but at most {max} are allowed; a GS separator may be missing"
            )));
        }
        if len < min {
            return Err(detail(format!(
                "has {len} characters but needs at least {min}"
            )));
        }
        let misfit = || {
            detail(format!(
                "has {len} characters, which do not divide into its parts {}",
                self.layout()
            ))
        };
        let mut parts = Vec::with_capacity(self.components.len());
        let mut at = 0;
        for component in &self.components {
            let left = len - at;
            if left == 0 {
                if component.optional {
                    break;
                }
                return Err(misfit());
            }
            let take = if component.is_fixed() {
                if left < component.min {
                    return Err(misfit());
                }
                component.min
            } else {
                left.min(component.max)
            };
            let part = offset(at)
                .zip(offset(at + take))
                .and_then(|(from, to)| value.get(from..to))
                .ok_or_else(misfit)?;
            parts.push(part);
            at += take;
        }
        if at != len {
            return Err(misfit());
        }
        Ok(parts)
    }

    /// Checks a value: its length, the character set of each component and
    /// every rule GS1 gives it that can be checked without outside lists.
    pub fn check(&self, value: &str) -> Result<(), Fault> {
        let parts = self.split(value)?;
        for (k, (component, part)) in self.components.iter().zip(&parts).enumerate() {
            if check_part(component, part, "").is_err() {
                // Worded again only on failure, to keep the common path free
                // of allocations: "part 2 (N4)" tells which piece of (7003)
                // or (3932) is wrong.
                let which = if parts.len() > 1 {
                    format!(" in part {} ({component})", k + 1)
                } else {
                    String::new()
                };
                return check_part(component, part, &which);
            }
        }
        Ok(())
    }
}

/// GS1 AI encodable character set 82: printable ASCII without space and
/// `#$@[\]^`{|}~`.
pub(crate) fn in_cset82(c: char) -> bool {
    c.is_ascii_graphic()
        && !matches!(
            c,
            '#' | '$' | '@' | '[' | '\\' | ']' | '^' | '`' | '{' | '|' | '}' | '~'
        )
}

/// GS1 AI encodable character set 39: capitals, digits, `#`, `-` and `/`.
fn in_cset39(c: char) -> bool {
    c.is_ascii_uppercase() || c.is_ascii_digit() || matches!(c, '#' | '-' | '/')
}

/// GS1 AI encodable character set 64: the file-safe, URI-safe base64 set.
fn in_cset64(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_')
}

fn layout_hint(c: char) -> &'static str {
    if c.is_alphabetic() && !c.is_ascii() {
        "; the scanner may be typing with a non-English keyboard layout"
    } else {
        ""
    }
}

fn check_part(component: &Component, part: &str, which: &str) -> Result<(), Fault> {
    check_charset(component, part, which)?;
    for &linter in &component.linters {
        lint(linter, part, which)?;
    }
    Ok(())
}

fn check_charset(component: &Component, part: &str, which: &str) -> Result<(), Fault> {
    match component.charset {
        Charset::Numeric => match part.chars().find(|c| !c.is_ascii_digit()) {
            Some(c) => Err(detail(format!("must be digits{which} but holds {c:?}"))),
            None => Ok(()),
        },
        Charset::Cset82 => match part.chars().find(|&c| !in_cset82(c)) {
            Some(c) => Err(detail(format!(
                "holds {c:?}{which}, which GS1 does not allow{}",
                layout_hint(c)
            ))),
            None => Ok(()),
        },
        Charset::Cset39 => match part.chars().find(|&c| !in_cset39(c)) {
            Some(c) => Err(detail(format!(
                "holds {c:?}{which}, but it allows only capital letters, digits, '#', '-' and \
                 '/'{}",
                layout_hint(c)
            ))),
            None => Ok(()),
        },
        Charset::Cset64 => {
            // Up to two '=' may pad the end, and only to a multiple of three.
            let body = part.trim_end_matches('=');
            let pads = part.chars().count() - body.chars().count();
            if pads > 2 || (pads > 0 && !part.chars().count().is_multiple_of(3)) {
                return Err(detail(format!(
                    "ends in {pads} '=' padding characters{which}, which base64url does not allow \
                     there"
                )));
            }
            match body.chars().find(|&c| !in_cset64(c)) {
                Some(c) => Err(detail(format!(
                    "holds {c:?}{which}, but it allows only letters, digits, '-' and '_'{}",
                    layout_hint(c)
                ))),
                None => Ok(()),
            }
        }
    }
}

/// The number in `count` ASCII digits starting at character `from`;
/// `None` if any is missing or not a digit.
fn number_at(part: &str, from: usize, count: usize) -> Option<u32> {
    let mut n = 0u32;
    let mut taken = 0;
    for c in part.chars().skip(from).take(count) {
        n = n.checked_mul(10)?.checked_add(c.to_digit(10)?)?;
        taken += 1;
    }
    (taken == count).then_some(n)
}

/// Days in a month; `None` for a month that does not exist.
fn days_in_month(month: u32, leap: bool) -> Option<u32> {
    match month {
        2 if leap => Some(29),
        2 => Some(28),
        4 | 6 | 9 | 11 => Some(30),
        1 | 3 | 5 | 7 | 8 | 10 | 12 => Some(31),
        _ => None,
    }
}

/// Checks month and day. `day_zero`: day 00 means "end of the month".
fn check_date(
    month: u32,
    day: u32,
    leap: bool,
    day_zero: bool,
    form: &str,
    which: &str,
) -> Result<(), Fault> {
    let Some(days) = days_in_month(month, leap) else {
        return Err(detail(format!(
            "has month {month:02}{which}, which does not exist; the date is {form}"
        )));
    };
    if day > days || (day == 0 && !day_zero) {
        return Err(detail(format!(
            "has day {day:02} of month {month:02}{which}, which does not exist"
        )));
    }
    Ok(())
}

fn check_range(value: Option<u32>, max: u32, what: &str, which: &str) -> Result<(), Fault> {
    match value {
        Some(v) if v <= max => Ok(()),
        Some(v) => Err(detail(format!(
            "has the {what} {v:02}{which}, which does not exist"
        ))),
        None => Err(detail(format!("has no {what}{which}"))),
    }
}

/// The values of GS1 check character pairs, in order (CSET 32).
const CSET32: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// The first 97 primes: the weights of the check character pair, from the
/// right. 97 covers the longest AI value (99 characters with the pair).
const PRIMES: [u32; 97] = [
    2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97,
    101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167, 173, 179, 181, 191, 193,
    197, 199, 211, 223, 227, 229, 233, 239, 241, 251, 257, 263, 269, 271, 277, 281, 283, 293, 307,
    311, 313, 317, 331, 337, 347, 349, 353, 359, 367, 373, 379, 383, 389, 397, 401, 409, 419, 421,
    431, 433, 439, 443, 449, 457, 461, 463, 467, 479, 487, 491, 499, 503, 509,
];

/// The position of `c` in CSET 82 as GS1 orders it for check pairs
/// (`!"%&'()*+,-./0-9:;<=>?A-Z_a-z`), from 0.
fn cset82_value(c: char) -> Option<u32> {
    const ORDER: &str =
        "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";
    ORDER.chars().position(|o| o == c).map(|p| p as u32)
}

/// The GS1 check character pair for `body` (GS1 General Specifications,
/// "Check character calculation (for alphanumeric keys)"): each character's
/// CSET 82 value weighted by primes from the right, summed modulo 1021, and
/// the 10-bit sum written as two CSET 32 characters. `None` if the body is
/// too long or holds a character outside CSET 82.
pub(crate) fn check_pair(body: &str) -> Option<[char; 2]> {
    let values: Vec<u32> = body.chars().map(cset82_value).collect::<Option<_>>()?;
    if values.len() > PRIMES.len() {
        return None;
    }
    let mut sum = 0u32;
    for (weight, value) in PRIMES.iter().zip(values.iter().rev()) {
        sum = (sum + weight * value) % 1021;
    }
    let pick = |i: u32| char::from(CSET32[(i as usize) % 32]);
    Some([pick(sum >> 5), pick(sum & 31)])
}

fn lint(linter: Linter, part: &str, which: &str) -> Result<(), Fault> {
    let len = part.chars().count();
    match linter {
        Linter::Csum => {
            let Some((last, body)) = part.as_bytes().split_last() else {
                return Err(detail(format!("has no check digit{which}")));
            };
            if !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(detail(format!("must be digits{which}")));
            }
            let expected = mod10_check_digit(body);
            let found = last - b'0';
            if expected != found {
                return Err(Fault::CheckDigit {
                    code: part.to_string(),
                    expected,
                    found,
                });
            }
            Ok(())
        }
        Linter::CsumAlpha => {
            if len < 2 {
                return Err(detail(format!(
                    "is too short{which} for its two check characters"
                )));
            }
            let body: String = part.chars().take(len - 2).collect();
            let found: String = part.chars().skip(len - 2).collect();
            match check_pair(&body) {
                Some(pair) if pair.iter().collect::<String>() == found => Ok(()),
                Some(pair) => Err(detail(format!(
                    "ends in the check characters {found}{which} but they should be {}; scan \
                     again or type the code",
                    pair.iter().collect::<String>()
                ))),
                None => Err(detail(format!(
                    "cannot carry check characters{which}: it holds a character outside GS1's \
                     set or is too long"
                ))),
            }
        }
        Linter::Yymmdd | Linter::Yymmd0 => {
            let (year, month, day) = (
                number_at(part, 0, 2),
                number_at(part, 2, 2),
                number_at(part, 4, 2),
            );
            let (Some(year), Some(month), Some(day)) = (year, month, day) else {
                return Err(detail(format!("is no date{which}; the date is YYMMDD")));
            };
            // The century is not in the code; a year divisible by 4 is taken
            // as leap (true from 2001 to 2099, where GS1 dates fall for now).
            check_date(
                month,
                day,
                year % 4 == 0,
                linter == Linter::Yymmd0,
                "YYMMDD",
                which,
            )
        }
        Linter::Yyyymmdd => {
            let (year, month, day) = (
                number_at(part, 0, 4),
                number_at(part, 4, 2),
                number_at(part, 6, 2),
            );
            let (Some(year), Some(month), Some(day)) = (year, month, day) else {
                return Err(detail(format!("is no date{which}; the date is YYYYMMDD")));
            };
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
            check_date(month, day, leap, false, "YYYYMMDD", which)
        }
        Linter::Hh => check_range(number_at(part, 0, 2), 23, "hour", which),
        Linter::Mi => check_range(number_at(part, 0, 2), 59, "minute", which),
        Linter::Ss => check_range(number_at(part, 0, 2), 59, "second", which),
        Linter::Hhmi => {
            let (hour, minute) = (number_at(part, 0, 2), number_at(part, 2, 2));
            match (hour, minute) {
                (Some(h), Some(m)) if h <= 23 && m <= 59 => Ok(()),
                (Some(h), Some(m)) => Err(detail(format!(
                    "has the time {h:02}:{m:02}{which}, which does not exist"
                ))),
                _ => Err(detail(format!("has no time{which}; the time is HHMM"))),
            }
        }
        Linter::YesNo => one_of(part, &["0", "1"], "0 (no) or 1 (yes)", which),
        Linter::Zero => one_of(part, &["0"], "0", which),
        Linter::Winding => one_of(part, &["0", "1", "9"], "0, 1 or 9", which),
        Linter::Hyphen => one_of(part, &["-"], "'-'", which),
        Linter::Iso5218 => one_of(part, &["0", "1", "2", "9"], "0, 1, 2 or 9", which),
        Linter::NonZero => {
            if part.chars().all(|c| c == '0') {
                Err(detail(format!("is all zeros{which}, which it may not be")))
            } else {
                Ok(())
            }
        }
        Linter::NoZeroPrefix => {
            if len > 1 && part.starts_with('0') {
                Err(detail(format!("starts with 0{which}, which it may not")))
            } else {
                Ok(())
            }
        }
        Linter::HasNonDigit => {
            if part.chars().all(|c| c.is_ascii_digit()) {
                Err(detail(format!(
                    "is all digits{which} but must hold a letter or a sign"
                )))
            } else {
                Ok(())
            }
        }
        Linter::PieceOfTotal => {
            let half = len / 2;
            let (piece, total) = (number_at(part, 0, half), number_at(part, half, half));
            match (piece, total) {
                (Some(p), Some(t)) if len.is_multiple_of(2) && p >= 1 && t >= 1 && p <= t => Ok(()),
                _ => Err(detail(format!(
                    "has {part:?}{which}, which is no piece number of a total (such as 0102 \
                     for piece 1 of 2)"
                ))),
            }
        }
        Linter::PosInSeqSlash => {
            let valid = part.split_once('/').is_some_and(|(pos, end)| {
                let number = |s: &str| {
                    (!s.is_empty() && !s.starts_with('0') && s.chars().all(|c| c.is_ascii_digit()))
                        .then(|| s.parse::<u64>().ok())
                        .flatten()
                };
                matches!((number(pos), number(end)), (Some(p), Some(e)) if p <= e)
            });
            if valid {
                Ok(())
            } else {
                Err(detail(format!(
                    "has {part:?}{which}, which is no position such as 1/2"
                )))
            }
        }
        Linter::Latitude => check_coordinate(part, 1_800_000_000, "latitude", which),
        Linter::Longitude => check_coordinate(part, 3_600_000_000, "longitude", which),
        Linter::PcEnc => {
            let mut rest = part.chars();
            while let Some(c) = rest.next() {
                if c == '%' {
                    let hex = rest.next().is_some_and(|c| c.is_ascii_hexdigit())
                        && rest.next().is_some_and(|c| c.is_ascii_hexdigit());
                    if !hex {
                        return Err(detail(format!(
                            "holds a '%'{which} not followed by two hexadecimal digits"
                        )));
                    }
                }
            }
            Ok(())
        }
        Linter::ImporterIdx => {
            if len == 1 && part.chars().all(in_cset64) {
                Ok(())
            } else {
                Err(detail(format!(
                    "has the importer index {part:?}{which}, which must be one letter, digit, \
                     '-' or '_'"
                )))
            }
        }
        // These need outside code lists (ISO countries and currencies, GS1
        // prefixes, UN/ECE package types, IBAN lengths, coupon formats). A
        // packer must not be stopped by a list Packbench would have to keep
        // up to date; the length and character set above are still checked.
        Linter::Key
        | Linter::KeyOff1
        | Linter::Iso3166
        | Linter::Iso3166With999
        | Linter::Iso3166Alpha2
        | Linter::Iso4217
        | Linter::PackageType
        | Linter::MediaType
        | Linter::Iban
        | Linter::CouponCode
        | Linter::CouponPosOffer => Ok(()),
    }
}

fn one_of(part: &str, allowed: &[&str], words: &str, which: &str) -> Result<(), Fault> {
    if allowed.contains(&part) {
        Ok(())
    } else {
        Err(detail(format!("is {part:?}{which} but must be {words}")))
    }
}

fn check_coordinate(part: &str, max: u64, what: &str, which: &str) -> Result<(), Fault> {
    let value = (part.chars().count() == 10 && part.chars().all(|c| c.is_ascii_digit()))
        .then(|| part.parse::<u64>().ok())
        .flatten();
    match value {
        Some(v) if v <= max => Ok(()),
        _ => Err(detail(format!(
            "has the {what} {part}{which}, which is not a ten-digit value up to {max}"
        ))),
    }
}

/// A valid value for `def`, built from its own component specification:
/// the longest one GS1 allows, or the shortest.
#[cfg(test)]
pub(crate) fn sample_value(def: &AiDefinition, longest: bool) -> String {
    let mut out = String::new();
    for component in &def.components {
        if component.optional && !longest {
            break;
        }
        let len = if longest {
            component.max
        } else {
            component.min
        };
        out.push_str(&sample_component(component, len));
    }
    out
}

#[cfg(test)]
fn filler(charset: Charset, len: usize) -> String {
    let pattern = match charset {
        Charset::Numeric => "1234567890",
        // Letters, digits and signs, but no '(' so the printed form stays
        // unambiguous.
        Charset::Cset82 => "Ab1-x/Z9.!",
        Charset::Cset39 => "AB1-/#Z9",
        Charset::Cset64 => "Ab1-_Z9z",
    };
    pattern.chars().cycle().take(len).collect()
}

#[cfg(test)]
fn sample_component(component: &Component, len: usize) -> String {
    let fixed = |s: &str| s.to_string();
    for &linter in &component.linters {
        match linter {
            Linter::Csum => {
                let body = filler(Charset::Numeric, len - 1);
                let check = mod10_check_digit(body.as_bytes());
                return format!("{body}{check}");
            }
            Linter::CsumAlpha => {
                // At least one character before the pair, so a MUDI (8014)
                // holds the non-digit it must have.
                let len = len.max(3);
                let body = filler(component.charset, len - 2);
                let pair = check_pair(&body).expect("the filler is in CSET 82");
                return format!("{body}{}{}", pair[0], pair[1]);
            }
            Linter::Yymmdd | Linter::Yymmd0 => return fixed("261231"),
            Linter::Yyyymmdd => return fixed("20240229"),
            Linter::Hh => return fixed("23"),
            Linter::Mi => return fixed("59"),
            Linter::Ss => return fixed("58"),
            Linter::Hhmi => return fixed("2359"),
            Linter::YesNo => return fixed("1"),
            Linter::Zero => return fixed("0"),
            Linter::Winding => return fixed("9"),
            Linter::Hyphen => return fixed("-"),
            Linter::Iso5218 => return fixed("2"),
            Linter::PieceOfTotal => {
                let half = len / 2;
                return format!("{:0half$}{:0half$}", 1, 2);
            }
            Linter::PosInSeqSlash => return fixed("1/2"),
            Linter::Latitude => return fixed("0559999999"),
            Linter::Longitude => return fixed("2376543210"),
            Linter::ImporterIdx => return fixed("_"),
            Linter::Iso3166 | Linter::Iso4217 => return fixed("643"),
            Linter::Iso3166With999 => return fixed("999"),
            Linter::Iso3166Alpha2 => return fixed("RU"),
            Linter::MediaType => return fixed("01"),
            Linter::Iban => return fixed("GB82WEST12345698765432"),
            Linter::PcEnc if len >= 3 => {
                return format!("{}%2F", filler(component.charset, len - 3));
            }
            Linter::HasNonDigit
            | Linter::NonZero
            | Linter::NoZeroPrefix
            | Linter::PcEnc
            | Linter::Key
            | Linter::KeyOff1
            | Linter::PackageType
            | Linter::CouponCode
            | Linter::CouponPosOffer => {}
        }
    }
    filler(component.charset, len)
}

#[cfg(test)]
mod tests {
    use super::super::dictionary;
    use super::*;

    fn def(ai: &str) -> &'static AiDefinition {
        dictionary().unwrap().get(ai).unwrap()
    }

    fn refusal(ai: &str, value: &str) -> String {
        match def(ai).check(value) {
            Err(Fault::Detail(text)) => text,
            other => panic!("({ai}) {value:?} should be refused, got {other:?}"),
        }
    }

    #[test]
    fn the_gs1_check_character_pair_matches_the_general_specifications_example() {
        // GS1 General Specifications' worked example for GMN.
        assert!(def("8013").check("1987654Ad4X4bL5ttr2310c2K").is_ok());
        assert_eq!(check_pair("1987654Ad4X4bL5ttr2310c"), Some(['2', 'K']));
        assert_eq!(check_pair(""), Some(['2', '2']));
        let wrong = refusal("8013", "1987654Ad4X4bL5ttr2310cXK");
        assert!(
            wrong.contains("XK") && wrong.contains("2K"),
            "the message names the found and the right pair: {wrong}"
        );
        assert!(def("8014").check("1987654Ad4X4bL5ttr2310c2K").is_ok());
        assert_eq!(check_pair("Ж"), None, "outside CSET 82");
        assert_eq!(check_pair(&"1".repeat(98)), None, "longer than any AI");
    }

    #[test]
    fn a_value_is_cut_into_the_components_the_dictionary_gives_its_ai() {
        assert_eq!(def("7003").split("2612312359"), Ok(vec!["261231", "2359"]));
        assert_eq!(def("3932").split("643129900"), Ok(vec!["643", "129900"]));
        assert_eq!(def("8008").split("26123123"), Ok(vec!["261231", "23"]));
        assert_eq!(
            def("8008").split("2612312359"),
            Ok(vec!["261231", "23", "59"]),
            "optional parts are read while data lasts"
        );
        assert!(
            def("8008").split("261231235").is_err(),
            "a half minute does not fit N6 N2 [N2] [N2]"
        );
        assert_eq!(def("253").split("4601234567893"), Ok(vec!["4601234567893"]));
        assert_eq!(
            def("423").split("643276"),
            Ok(vec!["643", "276"]),
            "up to five countries of three digits"
        );
        assert_eq!(def("21").split("Жук"), Ok(vec!["Жук"]), "cut by chars");
    }

    #[test]
    fn dates_and_times_follow_the_calendar_and_the_clock() {
        assert!(def("17").check("261200").is_ok(), "day 00 is end of month");
        assert!(
            refusal("7006", "261200").contains("day 00"),
            "yymmdd does not allow day 00"
        );
        assert!(def("7250").check("20240229").is_ok(), "2024 was leap");
        assert!(
            refusal("7250", "19000229").contains("day 29"),
            "1900 was not"
        );
        assert!(def("7250").check("20000229").is_ok(), "2000 was");
        assert!(refusal("8008", "26123124").contains("hour 24"));
        assert!(refusal("8008", "2612312360").contains("minute 60"));
        assert!(refusal("8008", "261231235960").contains("second 60"));
        let time = refusal("7003", "2612312400");
        assert!(
            time.contains("24:00") && time.contains("part 2 (N4)"),
            "{time}"
        );
    }

    #[test]
    fn the_small_rules_gs1_names_are_enforced() {
        assert!(refusal("4321", "2").contains("0 (no) or 1 (yes)"));
        assert!(refusal("8003", "14601234567893").contains("must be 0"));
        assert!(def("8003").check("04601234567893").is_ok());
        assert!(refusal("8001", "00001234567891").contains("all zeros"));
        assert!(refusal("8001", "12340123456782").contains("0, 1 or 9"));
        assert!(def("4330").check("001234-").is_ok());
        assert!(refusal("4330", "001234+").contains("'-'"));
        assert!(refusal("8011", "0123").contains("starts with 0"));
        assert!(
            def("8011").check("0").is_ok(),
            "0 itself has no zero prefix"
        );
        assert!(
            lint(Linter::HasNonDigit, "4601234567893", "")
                .is_err_and(|f| matches!(f, Fault::Detail(t) if t.contains("all digits"))),
            "a MUDI must not look like a GTIN"
        );
        assert!(refusal("8006", "046012345678930302").contains("piece"));
        assert!(def("8006").check("046012345678930203").is_ok());
        assert!(refusal("7258", "2/1").contains("position"));
        assert!(refusal("7258", "0/1").contains("position"));
        assert!(def("7258").check("1/2").is_ok());
        assert!(refusal("4309", "18000000013600000000").contains("latitude"));
        assert!(refusal("4309", "18000000003600000001").contains("longitude"));
        assert!(refusal("7252", "3").contains("0, 1, 2 or 9"));
        assert!(refusal("4300", "ACME%2").contains("'%'"));
        assert!(def("4300").check("ACME%2FCo").is_ok());
        assert!(refusal("7040", "1AB!").contains("importer index"));
        assert!(def("7040").check("1AB_").is_ok());
    }

    #[test]
    fn character_sets_are_those_of_gs1() {
        assert!(refusal("8010", "ab12").contains("capital letters"));
        assert!(def("8010").check("AB-12/#").is_ok());
        assert!(refusal("8030", "ab+c").contains("'-' and '_'"));
        assert!(
            def("8030").check("ab-_c=").is_ok(),
            "padding to a multiple of 3"
        );
        assert!(refusal("8030", "abcd=").contains("padding"));
        assert!(refusal("8030", "a===").contains("padding"));
        assert!(refusal("10", "A B").contains("' '"));
        assert!(refusal("01", "0460123456789A").contains("must be digits"));
        assert!(
            refusal("421", "64A12345").contains("part 1 (N3)"),
            "a country code is digits"
        );
    }

    #[test]
    fn mod10_check_digits_are_checked_in_every_component_that_has_one() {
        assert_eq!(
            def("253").check("4601234567890ABC"),
            Err(Fault::CheckDigit {
                code: "4601234567890".into(),
                expected: 3,
                found: 0
            })
        );
        assert!(def("253").check("4601234567893ABC").is_ok());
        assert_eq!(mod10_check_digit(b"460123456789"), 3);
    }

    #[test]
    fn every_sample_value_the_tests_build_is_valid() {
        for def in dictionary().unwrap().iter() {
            for longest in [true, false] {
                let value = sample_value(def, longest);
                assert_eq!(def.check(&value), Ok(()), "({}) {value:?}", def.ai);
            }
        }
    }
}
