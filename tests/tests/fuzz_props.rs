//! Fuzzed inputs: whatever a scanner, a shop's export or a hand-edited
//! settings file sends, core answers `Ok` or `Err` and never panics, and
//! what it does accept obeys its own documented rules.
//!
//! - Scans: `normalize` is idempotent (also for a scan that starts with
//!   two AIM identifiers, which it once was not), `classify` gives a verdict for any
//!   normalized text, and every verdict is consistent (a GTIN is a valid
//!   GTIN-14, GS1 data re-encodes to text that parses back the same, text
//!   is the scan itself).
//! - GS1: element strings generated to GS1's rules by this file (GTIN,
//!   SSCC, dates, serials, crypto tails, fixed-length fields that need a
//!   GS...) parse to their fields, `to_element_string()` gives the same
//!   bytes back, and the printed form and loosely separated forms read the
//!   same. Damaged codes are read or refused, never half-read.
//! - Imports: every order format, the product file and the import preview,
//!   on arbitrary bytes, on generated shop-like files (CSV in every dialect
//!   the readers accept, Windows-1251, XLSX) and on damaged ones. The same
//!   table as CSV and as XLSX imports the same.
//! - Station settings: any file content loads or is refused naming the
//!   file, and a loaded file is valid and saves and loads back unchanged.
//!
//! In `make test` each property runs one batch of a modest number of cases
//! from a fixed seed (a few seconds in all in a debug build).
//! `PACKBENCH_FUZZ_CASES` sets the cases of a batch, `PACKBENCH_FUZZ_SEED`
//! the seed, and `PACKBENCH_FUZZ_PROPERTY_SECONDS` makes each property run
//! batch after batch, from the next seed each, for that long: `make fuzz`
//! (scripts/fuzz.sh) sets it from its time budget. A failure prints the
//! smallest input proptest could shrink it to and the two variables that
//! repeat it.

use packbench_core::config::StationConfig;
use packbench_core::domain::barcode::{
    self, classify, normalize, parse_gs1, Gs1, Gs1Element, ScanCode, GS,
};
use packbench_core::exchange::{self, ImportKind};
use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestError, TestRunner};
use std::collections::{BTreeMap, HashSet};
use std::fmt::Debug;
use std::sync::Mutex;

// ---------------------------------------------------------------------------
// The runner

/// The cases of one property: `PACKBENCH_FUZZ_CASES` when set, else the
/// property's own modest default.
fn cases(default: u32) -> u32 {
    std::env::var("PACKBENCH_FUZZ_CASES")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

/// `PACKBENCH_FUZZ_SEED`, or a fixed seed so that `make test` is repeatable.
fn seed() -> u64 {
    std::env::var("PACKBENCH_FUZZ_SEED")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0x5EED_F022_0001)
}

/// `PACKBENCH_FUZZ_PROPERTY_SECONDS` (`make fuzz` sets it): how long each
/// property keeps drawing batches of cases.
fn seconds() -> Option<f64> {
    std::env::var("PACKBENCH_FUZZ_PROPERTY_SECONDS")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .filter(|s: &f64| s.is_finite() && *s > 0.0)
}

/// Runs `test` on a batch of `cases` inputs drawn from `strategy`; with
/// `PACKBENCH_FUZZ_PROPERTY_SECONDS`, batch after batch, each from the
/// next seed, until the time is spent. A failure (an assertion, or a panic
/// inside core) is shrunk to the smallest input that still fails and
/// reported with the seed and cases that find it again. Returns the number
/// of cases run.
fn fuzz<S>(
    name: &str,
    default_cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) -> u64
where
    S: Strategy,
    S::Value: Debug,
{
    let first_seed = seed();
    let batch = cases(default_cases);
    let started = std::time::Instant::now();
    let deadline = seconds().map(|s| started + std::time::Duration::from_secs_f64(s));
    let (mut run, mut batches, mut seed) = (0u64, 0u64, first_seed);
    loop {
        // Each property its own stream, all of them from one seed.
        let own_seed = name.bytes().fold(seed ^ 0xCBF2_9CE4_8422_2325, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3)
        });
        let config = Config {
            cases: batch,
            rng_seed: RngSeed::Fixed(own_seed),
            // Minimal inputs go into unit tests next to the code, not into
            // regression files in the source tree.
            failure_persistence: None,
            ..Config::default()
        };
        let repeat = format!("PACKBENCH_FUZZ_SEED={seed} PACKBENCH_FUZZ_CASES={batch}");
        match TestRunner::new(config).run(&strategy, &test) {
            Ok(()) => {}
            Err(TestError::Fail(why, input)) => panic!(
                "fuzz: {name} FAILED after {run} cases passed; to repeat: {repeat}\n\
                 {why}\nminimal input: {input:#?}"
            ),
            Err(TestError::Abort(why)) => {
                panic!("fuzz: {name} gave up; to repeat: {repeat}\n{why}")
            }
        }
        run += u64::from(batch);
        batches += 1;
        seed = seed.wrapping_add(1);
        if deadline.is_none_or(|d| std::time::Instant::now() >= d) {
            break;
        }
    }
    eprintln!(
        "fuzz: {name}: {run} cases passed ({batches} x {batch}) in {:.1} s \
         (PACKBENCH_FUZZ_SEED={first_seed})",
        started.elapsed().as_secs_f64()
    );
    run
}

/// How often each outcome came up. A generator that never reaches an
/// outcome would pass without testing it, so a run of enough cases must
/// reach each one it is meant to.
#[derive(Default)]
struct Tally(Mutex<BTreeMap<String, usize>>);

impl Tally {
    fn add(&self, outcome: impl Into<String>) {
        let mut seen = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *seen.entry(outcome.into()).or_default() += 1;
    }

    fn assert_reached(&self, cases: u64, wanted: &[&str]) {
        let seen = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if cases < 50 {
            return;
        }
        for w in wanted {
            assert!(
                seen.get(*w).is_some_and(|&n| n > 0),
                "{cases} cases never reached {w:?}, so the generator misses what the \
                 property is about; outcomes: {seen:?}"
            );
        }
    }
}

// ---------------------------------------------------------------------------
// GS1 element strings, generated to GS1's rules by this file's own code (not
// core's table), so that a round trip checks core against the standard.

#[derive(Debug, Clone)]
struct Field {
    ai: &'static str,
    value: String,
}

/// A GS1 code: its fields, and how to separate them loosely (see `loose`).
#[derive(Debug, Clone)]
struct Gs1Case {
    fields: Vec<Field>,
    /// Per field: drop the GS after a fixed-length field that needs one, or
    /// add a needless GS after a predefined-length field.
    bend: Vec<bool>,
    leading_gs: bool,
}

/// GS1's predefined-length AIs (General Specifications, figure 7.8.5-2):
/// no GS follows them. Every other AI is followed by a GS unless it ends the
/// code, even when its own value has a fixed length (422, 7003, 8005).
fn predefined(ai: &str) -> bool {
    matches!(
        &ai[..2],
        "00" | "01"
            | "02"
            | "03"
            | "04"
            | "11"
            | "12"
            | "13"
            | "14"
            | "15"
            | "16"
            | "17"
            | "18"
            | "19"
            | "20"
            | "31"
            | "32"
            | "33"
            | "34"
            | "35"
            | "36"
            | "41"
    )
}

/// Fixed-length values that still need a GS after them.
fn fixed_but_separated(ai: &str) -> bool {
    matches!(ai, "422" | "7003" | "8005")
}

impl Gs1Case {
    fn elements(&self) -> Vec<Gs1Element> {
        self.fields
            .iter()
            .map(|f| Gs1Element {
                ai: f.ai.to_string(),
                value: f.value.clone(),
            })
            .collect()
    }

    /// The machine form exactly as GS1 prescribes it.
    fn canonical(&self) -> String {
        let mut out = String::new();
        for (i, f) in self.fields.iter().enumerate() {
            out.push_str(f.ai);
            out.push_str(&f.value);
            if !predefined(f.ai) && i + 1 != self.fields.len() {
                out.push(GS);
            }
        }
        out
    }

    /// The same data as scanners and hand-made labels send it: a leading
    /// FNC1 as GS, needless GSs after predefined-length fields, and GSs left
    /// out after fixed-length fields (where nothing is lost without them).
    fn loose(&self) -> String {
        let mut out = String::new();
        if self.leading_gs {
            out.push(GS);
        }
        for (i, f) in self.fields.iter().enumerate() {
            out.push_str(f.ai);
            out.push_str(&f.value);
            let last = i + 1 == self.fields.len();
            let separated = if predefined(f.ai) {
                self.bend[i] && !last
            } else if fixed_but_separated(f.ai) {
                !self.bend[i] && !last
            } else {
                !last
            };
            if separated {
                out.push(GS);
            }
        }
        out
    }

    /// The printed form under the barcode: `(01)04601234567893(21)abc`.
    fn printed(&self) -> String {
        self.fields
            .iter()
            .map(|f| format!("({}){}", f.ai, f.value))
            .collect()
    }
}

/// The GS1 mod-10 check digit of `body` (weights 3, 1 from the right).
fn check_digit(body: &str) -> char {
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    char::from(b'0' + ((10 - sum % 10) % 10) as u8)
}

fn with_check_digit(body: String) -> String {
    let c = check_digit(&body);
    body + &c.to_string()
}

/// GS1 AI encodable character set 82.
const CSET82: &str =
    "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";

fn cset82(max: usize) -> BoxedStrategy<String> {
    let chars: Vec<char> = CSET82.chars().collect();
    prop::collection::vec(select(chars), 1..=max)
        .prop_map(|cs| cs.into_iter().collect())
        .boxed()
}

fn days_in(year: u32, month: u32) -> u32 {
    match month {
        // YY is 20YY: every year divisible by 4 is a leap year until 2100.
        2 if year.is_multiple_of(4) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// YYMMDD, a real date; `end_of_month`: DD may be 00 (GS1 allows it in
/// (11) and (17)).
fn yymmdd(end_of_month: bool) -> BoxedStrategy<String> {
    (0u32..100, 1u32..=12)
        .prop_flat_map(move |(y, m)| (Just(y), Just(m), u32::from(!end_of_month)..=days_in(y, m)))
        .prop_map(|(y, m, d)| format!("{y:02}{m:02}{d:02}"))
        .boxed()
}

fn digits(n: usize) -> BoxedStrategy<String> {
    prop::collection::vec(select(('0'..='9').collect::<Vec<_>>()), n)
        .prop_map(|cs| cs.into_iter().collect())
        .boxed()
}

/// The AIs generated, with values as GS1 defines them.
const AIS: &[&str] = &[
    "00", "01", "02", "10", "11", "17", "21", "240", "3103", "400", "422", "7003", "8005", "8008",
    "90", "91", "92", "93",
];

fn field(ai: &'static str) -> BoxedStrategy<Field> {
    let value = match ai {
        "00" => digits(17).prop_map(with_check_digit).boxed(),
        "01" | "02" => digits(13).prop_map(with_check_digit).boxed(),
        "10" | "21" => cset82(20),
        "11" | "17" => yymmdd(true),
        "240" | "400" | "90" => cset82(30),
        "3103" | "8005" => digits(6),
        "422" => digits(3),
        "7003" => (yymmdd(false), 0u32..24, 0u32..60)
            .prop_map(|(d, h, m)| format!("{d}{h:02}{m:02}"))
            .boxed(),
        "8008" => (
            yymmdd(false),
            0u32..24,
            prop::option::of((0u32..60, prop::option::of(0u32..60))),
        )
            .prop_map(|(d, h, rest)| match rest {
                None => format!("{d}{h:02}"),
                Some((m, None)) => format!("{d}{h:02}{m:02}"),
                Some((m, Some(s))) => format!("{d}{h:02}{m:02}{s:02}"),
            })
            .boxed(),
        // Chestny ZNAK: (91) the key id, (92) the signature, (93) the short
        // crypto tail; GS1 gives them all X..90.
        _ => cset82(90),
    };
    value.prop_map(move |value| Field { ai, value }).boxed()
}

fn gs1_case() -> BoxedStrategy<Gs1Case> {
    subsequence(AIS.to_vec(), 1..=7)
        .prop_shuffle()
        .prop_flat_map(|ais| {
            let n = ais.len();
            let fields: Vec<BoxedStrategy<Field>> = ais.into_iter().map(field).collect();
            (
                fields,
                prop::collection::vec(any::<bool>(), n),
                any::<bool>(),
            )
        })
        .prop_map(|(fields, bend, leading_gs)| Gs1Case {
            fields,
            bend,
            leading_gs,
        })
        .boxed()
}

// ---------------------------------------------------------------------------
// Scanner-like text

const AIM_PREFIXES: &[&str] = &["]C1", "]E0", "]d2", "]Q3", "]e0", "]A0", "]1a", "]", "]C"];

/// Characters scanners, keyboards and damaged files send, and any other.
fn scan_char() -> BoxedStrategy<char> {
    prop_oneof![
        2 => any::<char>(),
        3 => select(vec![
            '0', '1', '4', '9', ']', '(', ')', GS, ' ', '\t', '\r', '\n', '\0', '\u{85}', '\u{a0}',
            'Ж', '\u{3000}', '\u{7f}', '\u{200b}', '\u{feff}', '%', '*', ';', ',', '"', 'é',
        ]),
        3 => select(CSET82.chars().collect::<Vec<_>>()),
    ]
    .boxed()
}

fn gtin_text() -> BoxedStrategy<String> {
    prop_oneof![digits(7), digits(11), digits(12), digits(13)]
        .prop_map(with_check_digit)
        .boxed()
}

/// One piece of a scan; scans are pieces run together.
fn scan_piece() -> BoxedStrategy<String> {
    prop_oneof![
        select(AIM_PREFIXES.to_vec()).prop_map(String::from),
        "[0-9]{1,20}",
        Just(GS.to_string()),
        select(vec![" ", "\r\n", "\n", "\t", "\u{a0}", "\u{3000}"]).prop_map(String::from),
        prop::collection::vec(scan_char(), 1..6).prop_map(|cs| cs.into_iter().collect()),
        gs1_case().prop_map(|c| c.canonical()),
        gs1_case().prop_map(|c| c.loose()),
        gs1_case().prop_map(|c| c.printed()),
        gtin_text(),
        digits(17).prop_map(with_check_digit),
    ]
    .boxed()
}

/// An edit of a text: delete, insert or replace the character at a
/// position (taken modulo the length), or cut the text there.
#[derive(Debug, Clone)]
enum Edit {
    Delete(usize),
    Insert(usize, char),
    Replace(usize, char),
    Cut(usize),
}

fn edit() -> BoxedStrategy<Edit> {
    prop_oneof![
        any::<usize>().prop_map(Edit::Delete),
        (any::<usize>(), scan_char()).prop_map(|(at, c)| Edit::Insert(at, c)),
        (any::<usize>(), scan_char()).prop_map(|(at, c)| Edit::Replace(at, c)),
        any::<usize>().prop_map(Edit::Cut),
    ]
    .boxed()
}

fn apply_edits(text: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for e in edits {
        let len = chars.len();
        match *e {
            Edit::Insert(at, c) => chars.insert(at % (len + 1), c),
            _ if len == 0 => {}
            Edit::Delete(at) => {
                chars.remove(at % len);
            }
            Edit::Replace(at, c) => chars[at % len] = c,
            Edit::Cut(at) => chars.truncate(at % len),
        }
    }
    chars.into_iter().collect()
}

/// Text a scanner could send, damaged scans and anything at all.
fn scan_text() -> BoxedStrategy<String> {
    prop_oneof![
        4 => prop::collection::vec(scan_piece(), 0..6).prop_map(|p| p.concat()),
        3 => (
            prop::collection::vec(scan_piece(), 1..4),
            prop::collection::vec(edit(), 1..4)
        )
            .prop_map(|(p, edits)| apply_edits(&p.concat(), &edits)),
        1 => any::<String>(),
        1 => prop::collection::vec(scan_char(), 190..215).prop_map(|cs| cs.into_iter().collect()),
    ]
    .boxed()
}

/// True when `text` starts with what `normalize` takes for an AIM
/// symbology identifier: `]`, a letter, a letter or digit.
fn starts_with_aim_identifier(text: &str) -> bool {
    let mut c = text.chars();
    c.next() == Some(']')
        && c.next().is_some_and(|c| c.is_ascii_alphabetic())
        && c.next().is_some_and(|c| c.is_ascii_alphanumeric())
}

/// What `classify` says of a normalized scan, checked against its own
/// promises; never a panic.
fn check_classified(normalized: &str, tally: &Tally) -> Result<(), TestCaseError> {
    let verdict = classify(normalized);
    tally.add(match &verdict {
        Ok(ScanCode::Gtin { .. }) => "gtin",
        Ok(ScanCode::Gs1(_)) => "gs1",
        Ok(ScanCode::Text(_)) => "text",
        Err(_) => "refused",
    });
    match verdict {
        Ok(ScanCode::Gtin { gtin14 }) => {
            prop_assert_eq!(gtin14.len(), 14, "a GTIN is kept as GTIN-14");
            prop_assert!(
                barcode::is_valid_gtin(&gtin14),
                "the GTIN-14 {:?} of {:?} has a wrong check digit",
                gtin14,
                normalized
            );
            prop_assert!(
                gtin14.ends_with(normalized),
                "{:?} is {:?} padded with zeros",
                gtin14,
                normalized
            );
        }
        Ok(ScanCode::Gs1(g)) => {
            prop_assert!(!g.elements.is_empty(), "GS1 data has at least one field");
            for e in &g.elements {
                prop_assert_eq!(
                    e.parts().concat(),
                    e.value.clone(),
                    "the parts of ({}) make up its value",
                    e.ai.as_str()
                );
                prop_assert!(
                    e.title().is_some(),
                    "({}) is an AI GS1 defines",
                    e.ai.as_str()
                );
            }
            let _ = (g.net_weight_g(), g.is_marking_code(), g.gtin14());
            prop_assert!(g.to_human().starts_with('('));
            let machine = g.to_element_string();
            prop_assert_eq!(
                parse_gs1(&machine),
                Ok(g.clone()),
                "the machine form {:?} of {:?} reads back the same",
                machine,
                normalized
            );
        }
        Ok(ScanCode::Text(t)) => {
            prop_assert_eq!(t.as_str(), normalized, "text is the scan itself");
        }
        Err(e) => {
            prop_assert!(!e.to_string().is_empty(), "an error says what is wrong");
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Scans

#[test]
fn normalizing_a_scan_twice_changes_nothing_and_every_scan_is_classified() {
    let tally = Tally::default();
    let cases = fuzz("normalize_idempotent", 5000, scan_text(), |raw| {
        let Ok(once) = normalize(&raw) else {
            return Ok(());
        };
        prop_assert!(
            once.chars().count() <= barcode::MAX_SCAN_LEN,
            "a normalized scan is at most {} characters",
            barcode::MAX_SCAN_LEN
        );
        prop_assert_eq!(once.trim(), once.as_str(), "no surrounding whitespace");
        prop_assert!(
            !once.chars().any(|c| c.is_control() && c != GS),
            "no control character but GS"
        );
        prop_assert!(
            !starts_with_aim_identifier(&once),
            "{:?} still starts with an AIM identifier",
            once
        );
        let twice = normalize(&once);
        prop_assert_eq!(
            twice.as_ref(),
            Ok(&once),
            "normalize({:?}) gives {:?}; normalizing that again must change nothing",
            raw,
            once
        );
        check_classified(&once, &tally)
    });
    tally.assert_reached(cases, &["gtin", "gs1", "text", "refused"]);
}

#[test]
fn gs1_element_strings_read_to_their_fields_and_back_byte_for_byte() {
    fuzz("gs1_round_trip", 3000, gs1_case(), |case| {
        let canonical = case.canonical();
        let expected = Gs1 {
            elements: case.elements(),
        };
        let parsed = parse_gs1(&canonical);
        prop_assert_eq!(
            parsed.as_ref(),
            Ok(&expected),
            "{:?} reads as its fields",
            canonical
        );
        let Ok(parsed) = parsed else { unreachable!() };
        prop_assert_eq!(
            parsed.to_element_string(),
            canonical.clone(),
            "the machine form comes back byte for byte"
        );
        prop_assert_eq!(
            parse_gs1(&parsed.to_element_string()),
            Ok(expected.clone()),
            "and reads again as the same fields"
        );

        let loose = case.loose();
        prop_assert_eq!(
            parse_gs1(&loose),
            Ok(expected.clone()),
            "{:?}: a leading FNC1, needless GSs and GSs left out after fixed-length fields \
             change nothing",
            loose
        );
        prop_assert_eq!(
            parse_gs1(&loose).map(|g| g.to_element_string()),
            Ok(canonical.clone()),
            "a loosely separated code is written back as GS1 prescribes"
        );

        prop_assert_eq!(parsed.to_human(), case.printed());
        // In the printed form a '(' inside a value can look like the next
        // field's bracket, so values holding one are read by the machine
        // form only.
        if !case.fields.iter().any(|f| f.value.contains('(')) {
            prop_assert_eq!(
                parse_gs1(&case.printed()),
                Ok(expected.clone()),
                "the printed form reads as the same fields"
            );
            prop_assert_eq!(
                classify(&case.printed()),
                Ok(ScanCode::Gs1(expected.clone())),
                "a typed printed form is GS1"
            );
        }
        let scanned = normalize(&format!("]d2{canonical}\r\n"));
        if canonical.chars().count() > barcode::MAX_SCAN_LEN {
            prop_assert_eq!(
                scanned,
                Err(barcode::BarcodeError::TooLong {
                    len: canonical.chars().count()
                }),
                "a scan is at most {} characters",
                barcode::MAX_SCAN_LEN
            );
        } else {
            prop_assert_eq!(scanned.as_ref(), Ok(&canonical), "the AIM prefix goes");
        }
        if canonical.contains(GS) {
            prop_assert_eq!(
                classify(&canonical),
                Ok(ScanCode::Gs1(expected.clone())),
                "a scan holding a GS is GS1"
            );
        }

        let gtin = case
            .fields
            .iter()
            .find(|f| f.ai == "01")
            .or_else(|| case.fields.iter().find(|f| f.ai == "02"))
            .map(|f| f.value.as_str());
        prop_assert_eq!(parsed.gtin14(), gtin);
        if let Some(kg) = parsed.get("3103") {
            // (3103) is kilograms with three decimals: grams exactly.
            prop_assert_eq!(parsed.net_weight_g(), kg.parse::<i64>().ok());
        }
        let has = |ai: &str| case.fields.iter().any(|f| f.ai == ai);
        prop_assert_eq!(
            parsed.is_marking_code(),
            has("01") && has("21") && (has("91") || has("93")),
            "a marking code is a GTIN, a serial and a crypto key or tail"
        );
        Ok(())
    });
}

#[test]
fn damaged_gs1_codes_are_read_or_refused_and_what_is_read_re_encodes_the_same() {
    let damaged = (
        gs1_case(),
        any::<bool>(),
        prop::collection::vec(edit(), 1..4),
    )
        .prop_map(|(case, printed, edits)| {
            let text = if printed {
                case.printed()
            } else {
                case.loose()
            };
            apply_edits(&text, &edits)
        });
    let tally = Tally::default();
    let cases = fuzz("gs1_damaged", 5000, damaged, |text| {
        if let Ok(g) = parse_gs1(&text) {
            prop_assert_eq!(
                parse_gs1(&g.to_element_string()),
                Ok(g.clone()),
                "what {:?} reads as is written and read back the same",
                text
            );
        }
        if let Ok(n) = normalize(&text) {
            check_classified(&n, &tally)?;
        }
        Ok(())
    });
    tally.assert_reached(cases, &["gs1", "refused"]);
}

#[test]
fn any_bytes_as_a_scan_are_normalized_and_classified_or_refused() {
    let bytes = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..300),
        scan_text().prop_map(String::into_bytes),
    ];
    let tally = Tally::default();
    let cases = fuzz("scan_bytes", 5000, bytes, |bytes| {
        let lossy = String::from_utf8_lossy(&bytes).into_owned();
        let mut texts = vec![lossy];
        if let Ok(raw) = std::str::from_utf8(&bytes) {
            texts.push(raw.to_string());
        }
        for text in texts {
            if let Ok(n) = normalize(&text) {
                check_classified(&n, &tally)?;
            }
            // classify is documented for normalized text, but a caller that
            // forgets to normalize must still get an answer.
            let _ = classify(&text);
            let _ = parse_gs1(&text);
        }
        Ok(())
    });
    tally.assert_reached(cases, &["text", "refused"]);
}

// ---------------------------------------------------------------------------
// Imports

/// Every column any reader asks for, some that no reader knows, and
/// spellings that differ only in case and spaces.
const HEADERS: &[&str] = &[
    "number",
    "channel",
    "created_at",
    "customer_name",
    "email",
    "phone",
    "shipping_address",
    "delivery_method",
    "delivery_cost",
    "currency",
    "payment_status",
    "comment",
    "sku",
    "item_name",
    "quantity",
    "unit_price",
    "discount",
    "tax_rate",
    "Name",
    "Email",
    "Financial Status",
    "Currency",
    "Shipping",
    "Shipping Method",
    "Created at",
    "Lineitem quantity",
    "Lineitem name",
    "Lineitem price",
    "Lineitem sku",
    "Lineitem discount",
    "Shipping Name",
    "Billing Name",
    "Shipping Phone",
    "Phone",
    "Billing Phone",
    "Address1",
    "City",
    "Zip",
    "Country",
    "Notes",
    "Tax 1 Name",
    "order_id",
    "order_number",
    "order_currency",
    "order_date",
    "status",
    "item_sku",
    "item_quantity",
    "item_total",
    "item_subtotal",
    "shipping_total",
    "shipping_method",
    "billing_email",
    "first_name",
    "last_name",
    "address_1",
    "city",
    "postcode",
    "country",
    "customer_note",
    "line_item_1",
    "line_item_2",
    "line_item_10",
    "line_item_0",
    "line_item_99999999999999999999",
    "name",
    "weight_g",
    "bin",
    "category",
    "barcodes",
    "stock",
    " SKU ",
    "NUMBER",
    "nope",
    "",
];

/// Values a column of that name usually holds: files of them import.
fn usual_values(header: &str) -> &'static [&'static str] {
    let h = header.trim().to_lowercase();
    match h.as_str() {
        "number" | "name" | "order_number" | "order_id" => &["1001", "1002", "#1001", "#1002"],
        "currency" | "order_currency" => &["RUB", "EUR"],
        "sku" | "lineitem sku" | "item_sku" => &["PB-0001", "PB-0002", "PB-0003"],
        "quantity" | "lineitem quantity" | "item_quantity" | "stock" | "weight_g" => {
            &["1", "2", "3"]
        }
        "unit_price" | "lineitem price" | "item_total" | "item_subtotal" | "delivery_cost"
        | "shipping" | "shipping_total" | "discount" | "lineitem discount" => {
            &["450.00", "12.5", "0"]
        }
        "tax_rate" | "tax 1 name" => &["20", "20%", "VAT 20%"],
        "created_at" | "created at" | "order_date" => &["2026-10-01T09:00:00+03:00"],
        "payment_status" | "financial status" | "status" => &["paid", "completed"],
        "barcodes" => &["4601234567893", "14601234567890*12", "PB1"],
        "bin" => &["A-02"],
        _ => &[],
    }
}

/// Values a column of that name plausibly holds, with the edge cases of
/// each kind.
fn column_values(header: &str) -> &'static [&'static str] {
    let h = header.trim().to_lowercase();
    match h.as_str() {
        "number" | "name" | "order_number" | "order_id" => &[
            "1001",
            "1002",
            "#1001",
            "#1002",
            " 1001 ",
            "",
            "A-1",
            "Кружка",
            "12345678901234567890123456789012345678901234567890123456789012345",
        ],
        "currency" | "order_currency" => &["RUB", "EUR", "JPY", "KWD", "rub", "", "XXX", "₽", "US"],
        "sku" | "lineitem sku" | "item_sku" => &[
            "PB-0001",
            "PB-0002",
            "",
            " ",
            "Ж-1",
            "a\u{1}b",
            "SKU-0123456789-0123456789-0123456789-0123456789-0123456789-0123456789",
        ],
        "quantity" | "lineitem quantity" | "item_quantity" | "stock" | "weight_g" => &[
            "1",
            "2",
            "0",
            "-1",
            "1.5",
            "999999999999",
            "9223372036854775807",
            "-9223372036854775808",
            "1e308",
            "2958466",
            "abc",
            "",
        ],
        "unit_price" | "lineitem price" | "item_total" | "item_subtotal" | "delivery_cost"
        | "shipping" | "shipping_total" | "discount" | "lineitem discount" => &[
            "450.00",
            "450",
            "0",
            "-1.00",
            "1,50",
            "1 000,50",
            "0.001",
            "92233720368547758.07",
            "9223372036854775807",
            "99999999999999999999",
            "",
            "1e3",
            "-1e308",
            "45000.75",
            "450.5",
            ".5",
            "-",
            "₽450",
        ],
        "tax_rate" | "tax 1 name" => &[
            "20",
            "20%",
            "VAT 20%",
            "НДС 20%",
            "100",
            "101",
            "-5",
            "12.5",
            "",
            "abc%",
            "%",
        ],
        "created_at" | "created at" | "order_date" => &[
            "2026-10-01T09:00:00+03:00",
            "2026-10-01 09:00:00 +0300",
            "2026-10-01",
            "2026-02-30T00:00:00Z",
            "",
            "9999-12-31T23:59:59Z",
            "0000-01-01T00:00:00Z",
            "+262143-01-01T00:00:00Z",
            "2026-10-01 09:00:00",
            "01.10.2026 09:00",
        ],
        "payment_status" | "financial status" | "status" => &[
            "paid",
            "pending",
            "refunded",
            "partially_refunded",
            "awaiting_payment",
            "completed",
            "processing",
            "",
            "PAID",
        ],
        "barcodes" => &[
            "4601234567893",
            "4601234567893;14601234567890*12",
            "4601234567893 4601234567893",
            "X*0",
            "X*-1",
            "X*99999999999999999999",
            "*",
            "]C1]C14601234567893",
            "4601234567894",
            "",
        ],
        "bin" => &["A-02", "", "  ", "B-10"],
        _ => &[],
    }
}

/// A WooCommerce `line_item_N` cell: key:value pairs separated by '|'.
fn line_item_cell() -> BoxedStrategy<String> {
    let key = select(vec![
        "name",
        "sku",
        "quantity",
        "total",
        "subtotal",
        "meta",
        "",
        "Name",
        "product_id",
    ]);
    let value = prop_oneof![
        select(column_values("quantity").to_vec()).prop_map(String::from),
        select(column_values("unit_price").to_vec()).prop_map(String::from),
        select(column_values("sku").to_vec()).prop_map(String::from),
        "[a-zа-я |:]{0,6}",
    ];
    prop::collection::vec((key, value), 0..6)
        .prop_map(|pairs| {
            pairs
                .iter()
                .map(|(k, v)| format!("{k}:{v}"))
                .collect::<Vec<_>>()
                .join("|")
        })
        .boxed()
}

/// Any cell at all.
fn any_cell() -> BoxedStrategy<String> {
    prop_oneof![
        3 => prop::collection::vec(scan_char(), 0..8).prop_map(|cs| cs.into_iter().collect()),
        1 => any::<String>(),
        1 => "-?[0-9]{1,25}([.,][0-9]{0,4})?",
        1 => scan_text(),
    ]
    .boxed()
}

/// A cell of the column `header`: mostly what such a column holds.
fn cell_for(header: &str) -> BoxedStrategy<String> {
    let values = column_values(header);
    let h = header.trim().to_lowercase();
    if h.starts_with("line_item_") {
        prop_oneof![8 => line_item_cell(), 1 => any_cell()].boxed()
    } else if values.is_empty() {
        any_cell()
    } else {
        prop_oneof![
            10 => select(usual_values(header).to_vec()).prop_map(String::from),
            4 => select(values.to_vec()).prop_map(String::from),
            1 => any_cell(),
        ]
        .boxed()
    }
}

/// A table as a shop or a spreadsheet writes it.
#[derive(Debug, Clone)]
struct Sheet {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

fn header_cell() -> BoxedStrategy<String> {
    prop_oneof![
        8 => select(HEADERS.to_vec()).prop_map(String::from),
        1 => any_cell(),
    ]
    .boxed()
}

/// The columns of each kind of file: those it needs, and those it may have.
const TEMPLATES: &[(&[&str], &[&str])] = &[
    (
        &["number", "currency", "sku", "quantity", "unit_price"],
        &[
            "channel",
            "created_at",
            "customer_name",
            "email",
            "phone",
            "shipping_address",
            "delivery_method",
            "delivery_cost",
            "payment_status",
            "comment",
            "item_name",
            "discount",
            "tax_rate",
        ],
    ),
    (
        &[
            "Name",
            "Currency",
            "Lineitem quantity",
            "Lineitem price",
            "Lineitem sku",
        ],
        &[
            "Email",
            "Financial Status",
            "Shipping",
            "Shipping Method",
            "Created at",
            "Lineitem name",
            "Lineitem discount",
            "Shipping Name",
            "Billing Name",
            "Shipping Phone",
            "Phone",
            "Address1",
            "City",
            "Zip",
            "Country",
            "Notes",
            "Tax 1 Name",
        ],
    ),
    (
        &[
            "order_number",
            "order_currency",
            "item_sku",
            "item_quantity",
            "item_total",
        ],
        &[
            "order_id",
            "order_date",
            "status",
            "item_name",
            "item_subtotal",
            "shipping_total",
            "shipping_method",
            "billing_email",
            "first_name",
            "last_name",
            "address_1",
            "city",
            "postcode",
            "country",
            "customer_note",
        ],
    ),
    (
        &["order_id", "order_currency", "line_item_1"],
        &[
            "order_number",
            "line_item_2",
            "line_item_10",
            "line_item_0",
            "order_date",
            "status",
            "shipping_total",
        ],
    ),
    (
        &["sku", "name"],
        &["weight_g", "bin", "category", "barcodes", "stock"],
    ),
];

/// A header as one kind of file has it (now and then short of a column it
/// needs, or with columns of no kind), or any header at all.
fn header() -> BoxedStrategy<Vec<String>> {
    let shaped = select(TEMPLATES.to_vec())
        .prop_flat_map(|(required, optional)| {
            (
                Just(required.to_vec()),
                subsequence(optional.to_vec(), 0..=optional.len()),
                prop::collection::vec(header_cell(), 0..3),
                prop::option::weighted(0.15, any::<usize>()),
            )
        })
        .prop_flat_map(|(required, optional, extra, drop)| {
            let mut columns: Vec<String> = required
                .iter()
                .chain(&optional)
                .map(|s| s.to_string())
                .chain(extra)
                .collect();
            if let Some(at) = drop {
                columns.remove(at % required.len());
            }
            Just(columns).prop_shuffle()
        });
    prop_oneof![
        5 => shaped,
        1 => prop::collection::vec(header_cell(), 0..14),
    ]
    .boxed()
}

fn sheet() -> BoxedStrategy<Sheet> {
    header()
        .prop_flat_map(|header| {
            // Rows as long as the header, give or take (spreadsheets drop
            // trailing empty cells; damaged files have more).
            let width = header.len();
            let columns: Vec<BoxedStrategy<String>> = header
                .iter()
                .map(|h| cell_for(h))
                .chain((0..3).map(|_| any_cell()))
                .collect();
            let row = (columns, prop_oneof![4 => Just(width), 1 => 0..=width + 3]).prop_map(
                |(mut cells, len)| {
                    cells.truncate(len.max(1));
                    cells
                },
            );
            (Just(header), prop::collection::vec(row, 0..8))
        })
        .prop_map(|(header, rows)| Sheet { header, rows })
        .boxed()
}

/// How a sheet is written to bytes.
#[derive(Debug, Clone)]
struct Dialect {
    delimiter: u8,
    crlf: bool,
    bom: bool,
    /// Windows-1251, as old Russian Excel saves it.
    cp1251: bool,
    /// Cells joined with the delimiter, without any quoting.
    unquoted: bool,
}

fn dialect() -> BoxedStrategy<Dialect> {
    (
        select(vec![b',', b';', b'\t']),
        any::<bool>(),
        any::<bool>(),
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.2),
    )
        .prop_map(|(delimiter, crlf, bom, cp1251, unquoted)| Dialect {
            delimiter,
            crlf,
            bom,
            cp1251,
            unquoted,
        })
        .boxed()
}

fn csv_bytes(sheet: &Sheet, d: &Dialect) -> Vec<u8> {
    let text = if d.unquoted {
        let sep = char::from(d.delimiter).to_string();
        let eol = if d.crlf { "\r\n" } else { "\n" };
        std::iter::once(&sheet.header)
            .chain(&sheet.rows)
            .map(|r| r.join(&sep) + eol)
            .collect::<String>()
    } else {
        let mut w = csv::WriterBuilder::new()
            .delimiter(d.delimiter)
            .flexible(true)
            .terminator(if d.crlf {
                csv::Terminator::CRLF
            } else {
                csv::Terminator::Any(b'\n')
            })
            .from_writer(Vec::new());
        for r in std::iter::once(&sheet.header).chain(&sheet.rows) {
            w.write_record(r).expect("a record is written to memory");
        }
        String::from_utf8(w.into_inner().expect("the CSV is flushed to memory"))
            .expect("the CSV of UTF-8 cells is UTF-8")
    };
    let mut bytes = Vec::new();
    if d.bom && !d.cp1251 {
        bytes.extend_from_slice(b"\xEF\xBB\xBF");
    }
    if d.cp1251 {
        bytes.extend_from_slice(&encoding_rs::WINDOWS_1251.encode(&text).0);
    } else {
        bytes.extend_from_slice(text.as_bytes());
    }
    bytes
}

/// The same sheet as an XLSX workbook, every cell a text cell.
///
/// `typed`: as a spreadsheet user leaves it instead: numbers as numbers
/// (some formatted as dates and times, which the reader turns into RFC 3339
/// text) and `true`/`false` as booleans.
fn xlsx_bytes(sheet: &Sheet, typed: bool) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd hh:mm");
    let ws = book.add_worksheet();
    for (r, row) in std::iter::once(&sheet.header)
        .chain(&sheet.rows)
        .enumerate()
    {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            let number = cell.trim().parse::<f64>().ok().filter(|f| f.is_finite());
            let written = match (typed, number, cell.as_str()) {
                (true, Some(f), _) if (r + u32::from(c)) % 3 == 0 => {
                    ws.write_number_with_format(r, c, f, &date).map(|_| ())
                }
                (true, Some(f), _) => ws.write_number(r, c, f).map(|_| ()),
                (true, None, "true" | "false") => {
                    ws.write_boolean(r, c, cell == "true").map(|_| ())
                }
                _ => ws.write_string(r, c, cell).map(|_| ()),
            };
            written.expect("a short cell is written");
        }
    }
    book.save_to_buffer().expect("the workbook is written")
}

/// Damage to a file: bytes overwritten or the file cut short.
#[derive(Debug, Clone)]
struct Damage {
    flips: Vec<(usize, u8)>,
    cut: Option<usize>,
}

fn damage() -> BoxedStrategy<Damage> {
    (
        prop::collection::vec((any::<usize>(), any::<u8>()), 0..4),
        prop::option::weighted(0.3, any::<usize>()),
    )
        .prop_map(|(flips, cut)| Damage { flips, cut })
        .boxed()
}

fn damaged(mut bytes: Vec<u8>, d: &Damage) -> Vec<u8> {
    if bytes.is_empty() {
        return bytes;
    }
    for &(at, b) in &d.flips {
        let len = bytes.len();
        bytes[at % len] = b;
    }
    if let Some(at) = d.cut {
        let len = bytes.len();
        bytes.truncate(at % len);
    }
    bytes
}

/// The fields a user may map a column to.
const FIELDS: &[&str] = &[
    "number",
    "sku",
    "quantity",
    "unit_price",
    "currency",
    "name",
    "Name",
    "Lineitem sku",
    "item_sku",
    "order_currency",
    "barcodes",
    "",
];

fn mapping() -> BoxedStrategy<Vec<(String, String)>> {
    prop::collection::vec(
        (
            select(FIELDS.to_vec()).prop_map(String::from),
            header_cell(),
        ),
        0..3,
    )
    .boxed()
}

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(1_800_000_000, 0).expect("a valid time")
}

/// Each reader took at least one order or product from a generated file.
const EVERY_KIND_READ: [&str; 4] = [
    "Products read",
    "Packbench read",
    "Shopify read",
    "WooCommerce read",
];

const KINDS: [ImportKind; 4] = [
    ImportKind::Products,
    ImportKind::Packbench,
    ImportKind::Shopify,
    ImportKind::WooCommerce,
];

/// What one import of `bytes` as `kind` gives: the items taken whole with
/// their rows, and the row errors; or the whole file refused.
#[derive(Debug, PartialEq)]
enum Imported {
    Orders(Vec<exchange::ParsedOrder>, Vec<exchange::RowError>),
    Products(
        Vec<(usize, packbench_core::domain::NewProduct)>,
        Vec<exchange::RowError>,
    ),
}

fn import(
    bytes: &[u8],
    kind: ImportKind,
    mapping: &[(String, String)],
) -> Result<Imported, String> {
    match kind.order_format() {
        Some(format) => exchange::parse_orders_mapped(bytes, format, now(), mapping)
            .map(|p| Imported::Orders(p.orders, p.errors)),
        None => exchange::parse_products_mapped(bytes, mapping)
            .map(|p| Imported::Products(p.products, p.errors)),
    }
}

/// Reads `bytes` as every kind of import, with and without the mapping,
/// and checks what each reader promises about what it accepts.
fn check_imports(
    bytes: &[u8],
    mapping: &[(String, String)],
    tally: &Tally,
) -> Result<(), TestCaseError> {
    for kind in KINDS {
        for mapping in [&[][..], mapping] {
            let imported = import(bytes, kind, mapping);
            tally.add(match &imported {
                Ok(Imported::Orders(o, _)) if !o.is_empty() => format!("{kind:?} read"),
                Ok(Imported::Products(p, _)) if !p.is_empty() => format!("{kind:?} read"),
                Ok(_) => format!("{kind:?} no item"),
                Err(_) => format!("{kind:?} refused"),
            });
            let preview = exchange::preview(bytes, kind, mapping, now());
            match (&imported, &preview) {
                (Err(_), Err(_)) => {}
                (Err(e), Ok(p)) => prop_assert_eq!(
                    p.file_error.as_ref(),
                    Some(e),
                    "{:?}: the preview names the refusal the import gives",
                    kind
                ),
                (Ok(_), Err(e)) => {
                    return Err(TestCaseError::fail(format!(
                        "{kind:?}: the import reads the file but the preview refuses it: {e}"
                    )))
                }
                (Ok(i), Ok(p)) => {
                    prop_assert_eq!(p.file_error.as_ref(), None);
                    let (items, errors) = match i {
                        Imported::Orders(o, e) => (o.len(), e),
                        Imported::Products(p, e) => (p.len(), e),
                    };
                    prop_assert_eq!(
                        p.items,
                        items,
                        "{:?}: the preview counts what imports",
                        kind
                    );
                    prop_assert_eq!(p.error_count, errors.len());
                    prop_assert!(p.rows.len() <= p.total_rows.min(10));
                    prop_assert!(
                        errors.windows(2).all(|w| w[0].row <= w[1].row),
                        "{:?}: errors are sorted by row: {:?}",
                        kind,
                        errors
                    );
                    for e in errors.iter() {
                        prop_assert!(e.row >= 1, "rows count from 1: {:?}", e);
                        prop_assert!(!e.message.is_empty(), "an error says what is wrong");
                    }
                }
            }
            match imported {
                Ok(Imported::Orders(orders, _)) => {
                    let mut numbers = HashSet::new();
                    for o in &orders {
                        prop_assert!(o.first_row >= 1);
                        prop_assert_eq!(
                            o.order.validate(),
                            Ok(()),
                            "{:?}: an imported order passes validation",
                            kind
                        );
                        prop_assert!(
                            numbers.insert(o.order.number.clone()),
                            "{:?}: order {} is taken twice from one file",
                            kind,
                            o.order.number
                        );
                    }
                }
                Ok(Imported::Products(products, _)) => {
                    let mut skus = HashSet::new();
                    let mut codes = HashSet::new();
                    for (row, p) in &products {
                        prop_assert!(*row >= 1);
                        prop_assert_eq!(p.validate(), Ok(()));
                        prop_assert!(skus.insert(p.sku.clone()), "SKU {} twice", p.sku);
                        for b in &p.barcodes {
                            prop_assert!(
                                codes.insert(b.code.clone()),
                                "barcode {} given to two products",
                                b.code
                            );
                        }
                    }
                }
                Err(e) => prop_assert!(!e.is_empty(), "a refusal says why"),
            }
        }
    }
    Ok(())
}

#[test]
fn any_bytes_are_imported_or_refused_by_every_reader() {
    let bytes = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..400),
        // An XLSX signature and then anything.
        prop::collection::vec(any::<u8>(), 0..400).prop_map(|b| [&b"PK\x03\x04"[..], &b].concat()),
    ];
    let tally = Tally::default();
    let cases = fuzz(
        "import_bytes",
        1000,
        (bytes, mapping()),
        |(bytes, mapping)| check_imports(&bytes, &mapping, &tally),
    );
    tally.assert_reached(cases, &["Packbench refused", "Products refused"]);
}

#[test]
fn shop_like_files_in_any_dialect_are_imported_or_refused_by_every_reader() {
    let tally = Tally::default();
    let cases = fuzz(
        "import_csv",
        1000,
        (sheet(), dialect(), damage(), mapping()),
        |(sheet, dialect, damage, mapping)| {
            let bytes = csv_bytes(&sheet, &dialect);
            check_imports(&bytes, &mapping, &tally)?;
            check_imports(&damaged(bytes, &damage), &mapping, &tally)
        },
    );
    tally.assert_reached(cases, &EVERY_KIND_READ);
}

#[test]
fn a_table_imports_the_same_from_csv_and_from_xlsx_and_damaged_workbooks_are_refused_or_read() {
    let tally = Tally::default();
    let cases = fuzz(
        "import_xlsx",
        250,
        (sheet(), prop::bool::weighted(0.3), damage(), mapping()),
        |(mut sheet, typed, damage, mapping)| {
            // What a workbook and a CSV file cannot both hold is left out:
            // control characters (XML has none), a header without names
            // (the workbook's sheet would start at the first row with
            // one), and a one-column header (a CSV reader guesses the
            // delimiter from the header line).
            for cell in sheet
                .header
                .iter_mut()
                .chain(sheet.rows.iter_mut().flatten())
            {
                *cell = cell.chars().filter(|c| !c.is_control()).collect();
            }
            sheet.header.retain(|h| !h.trim().is_empty());
            while sheet.header.len() < 2 {
                sheet.header.push(format!("extra {}", sheet.header.len()));
            }
            if typed {
                let xlsx = xlsx_bytes(&sheet, true);
                check_imports(&xlsx, &mapping, &tally)?;
                return check_imports(&damaged(xlsx, &damage), &mapping, &tally);
            }
            let xlsx = xlsx_bytes(&sheet, false);
            let csv = csv_bytes(
                &sheet,
                &Dialect {
                    delimiter: b',',
                    crlf: false,
                    bom: false,
                    cp1251: false,
                    unquoted: false,
                },
            );
            for kind in KINDS {
                prop_assert_eq!(
                    import(&xlsx, kind, &mapping),
                    import(&csv, kind, &mapping),
                    "{:?}: the workbook imports as the CSV of the same table",
                    kind
                );
            }
            check_imports(&xlsx, &mapping, &tally)?;
            check_imports(&damaged(xlsx, &damage), &mapping, &tally)
        },
    );
    tally.assert_reached(cases, &EVERY_KIND_READ);
}

// ---------------------------------------------------------------------------
// Station settings

/// A JSON value of any shape, with the strings settings hold.
fn json_value() -> BoxedStrategy<serde_json::Value> {
    use serde_json::{json, Value};
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        select(vec![0u32, 1, 15, 720, 721, u32::MAX]).prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| json!(f)),
        select(vec![
            "",
            "ru",
            "en",
            "de",
            "a4",
            "a5",
            "label_4x6",
            "label_100x150",
            "pdf",
            "zpl",
            "203",
            "300",
            "600",
            "/dev/ttyUSB0",
            "ttyUSB0",
            "postgres://u:p@h/db",
            "postgresql://h",
            "sqlite::memory:",
            "sqlite:",
            "mysql://h",
            "/tmp/x.db",
            "|",
            "\u{1d}",
            "~",
            "ab",
            "Стол 1",
            "station-1",
            "\u{0}",
        ])
        .prop_map(|s| json!(s)),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 12, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(("[a-z_]{0,12}", inner), 0..4)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
    .boxed()
}

/// A change to a settings document: a key set to a value (a path of keys,
/// followed as far as the document has objects), or removed.
#[derive(Debug, Clone)]
enum SettingsEdit {
    Set(Vec<String>, serde_json::Value),
    Remove(Vec<String>),
}

fn settings_key() -> BoxedStrategy<String> {
    prop_oneof![
        4 => select(vec![
            "station", "session_idle_minutes", "database", "language", "auto_finish", "print",
            "scan_gs_substitute", "scale_device", "auto_print", "invoice", "packing_slip", "label",
            "pick_list", "manifest", "return_note", "printer", "paper", "format", "dpi", "lang",
            "backup", "folder", "every_minutes", "keep",
        ])
        .prop_map(String::from),
        1 => "[a-z_]{0,10}",
    ]
    .boxed()
}

fn settings_edit() -> BoxedStrategy<SettingsEdit> {
    let path = prop::collection::vec(settings_key(), 1..4);
    prop_oneof![
        3 => (path.clone(), json_value()).prop_map(|(p, v)| SettingsEdit::Set(p, v)),
        1 => path.prop_map(SettingsEdit::Remove),
    ]
    .boxed()
}

/// The default settings with `edits` applied, as the text of a file.
fn settings_text(edits: &[SettingsEdit]) -> String {
    let mut doc = serde_json::to_value(StationConfig::default()).expect("the defaults serialize");
    for e in edits {
        let (path, value) = match e {
            SettingsEdit::Set(p, v) => (p, Some(v)),
            SettingsEdit::Remove(p) => (p, None),
        };
        let (last, parents) = path.split_last().expect("a path has a key");
        let mut at = &mut doc;
        for key in parents {
            if !at
                .get(key.as_str())
                .is_some_and(serde_json::Value::is_object)
            {
                break;
            }
            at = at.get_mut(key.as_str()).expect("the key was just found");
        }
        if let Some(obj) = at.as_object_mut() {
            match value {
                Some(v) => {
                    obj.insert(last.clone(), v.clone());
                }
                None => {
                    obj.remove(last.as_str());
                }
            }
        }
    }
    serde_json::to_string_pretty(&doc).expect("a JSON value serializes")
}

#[test]
fn any_settings_file_loads_or_is_refused_and_what_loads_saves_and_loads_back() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let file = dir.path().join("station.json");
    let saved = dir.path().join("saved").join("station.json");
    let content = prop_oneof![
        2 => prop::collection::vec(settings_edit(), 0..5)
            .prop_map(|edits| settings_text(&edits).into_bytes()),
        1 => (prop::collection::vec(settings_edit(), 0..3), damage())
            .prop_map(|(edits, d)| damaged(settings_text(&edits).into_bytes(), &d)),
        1 => prop::collection::vec(any::<u8>(), 0..300),
    ];
    let tally = Tally::default();
    let cases = fuzz("station_settings", 1500, content, |bytes| {
        std::fs::write(&file, &bytes).expect("the settings file is written");
        let config = match StationConfig::load_from(&file) {
            Ok(config) => config,
            Err(e) => {
                tally.add("refused");
                let why = e.to_string();
                prop_assert!(
                    why.contains(&file.display().to_string()),
                    "a refused settings file is named: {}",
                    why
                );
                return Ok(());
            }
        };
        tally.add("loaded");
        prop_assert_eq!(
            config.validate().map_err(|e| e.to_string()),
            Ok(()),
            "what loads is valid settings"
        );
        config
            .save_to(&saved)
            .map_err(|e| TestCaseError::fail(format!("valid settings could not be saved: {e}")))?;
        let again = StationConfig::load_from(&saved).map_err(|e| {
            TestCaseError::fail(format!("saved settings could not be loaded again: {e}"))
        })?;
        // The file never keeps a database password (the keyring does).
        let expected = StationConfig {
            database: packbench_core::secrets::split_password(&config.database).0,
            ..config
        };
        prop_assert_eq!(again, expected, "settings load back as they were saved");
        Ok(())
    });
    tally.assert_reached(cases, &["loaded", "refused"]);
}
