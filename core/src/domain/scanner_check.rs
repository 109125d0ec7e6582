//! The scanner set-up page's rules: three test codes a station shows and
//! prints, and what a scan of one of them says about the scanner's settings.
//!
//! A scanner that is set up wrong still "works" most of the time: a GS1
//! DataMatrix without its GS separators reads as one long serial number, a
//! scanner that drops the EAN check digit sends 12 digits, Caps Lock turns
//! every letter round. The packing table refuses such scans one by one; this
//! page names the setting to change, once, before the shift.
//!
//! The page hands over two texts per scan: what Packbench read (keys by their
//! place on a US keyboard, GS as ASCII 29; ui/src/lib/scanner.ts) and what
//! the keyboard layout typed (what any other program would have received).

use super::barcode::{normalize, GS};
use serde::{Deserialize, Serialize};

crate::named_enum! {
    /// The three test codes of the set-up page.
    pub enum TestCode("test code") {
        /// EAN-13, the barcode on almost every product.
        Ean13 = "ean13",
        /// GS1-128 with a batch (10) that needs a GS before the date after it.
        Gs1_128 = "gs1_128",
        /// A GS1 DataMatrix shaped as a Chestny ZNAK marking code.
        DataMatrix = "datamatrix",
    }
}

/// The GTIN all three codes carry.
pub const TEST_GTIN: &str = "4601234567893";

const EAN13: &str = "4601234567893";
/// (01)04601234567893 (10)LOT42 GS (17)271231: without the GS the date is
/// read as part of the batch.
const GS1_128: &str = "010460123456789310LOT42\u{1d}17271231";
/// (01) (21) 13-character serial GS (91)EE06 GS (92) 44-character crypto:
/// the shape of a Chestny ZNAK code, with letters of both cases so a Russian
/// layout and Caps Lock both show.
const DATAMATRIX: &str = "010460123456789321aBcD3fG5hJ7kL\u{1d}91EE06\u{1d}92\
    dGVzdC1jb2RlLWZvci10aGUtc2Nhbm5lci1zZXR1cC0x";

impl TestCode {
    /// What a scanner set up right sends (after its AIM prefix, if any):
    /// GS1 fields separated by GS (ASCII 29).
    pub fn data(self) -> &'static str {
        match self {
            TestCode::Ean13 => EAN13,
            TestCode::Gs1_128 => GS1_128,
            TestCode::DataMatrix => DATAMATRIX,
        }
    }

    /// The text printed under the symbol: `(01)04601234567893(10)LOT42...`.
    pub fn human(self) -> String {
        match self {
            TestCode::Ean13 => EAN13.to_string(),
            _ => super::barcode::parse_gs1(self.data())
                .map(|g| g.to_human())
                .unwrap_or_else(|_| self.data().replace(GS, "<GS>")),
        }
    }

    /// Whether the code is GS1 data with GS separators in it.
    pub fn has_separators(self) -> bool {
        self.data().contains(GS)
    }
}

crate::named_enum! {
    /// What one scan of a test code says about the scanner. The page words
    /// each one (in the station's language) with what to change.
    pub enum Finding("scanner finding") {
        /// The scan is exactly the test code: nothing to change.
        Exact = "exact",
        /// An AIM symbology identifier (`]C1`, `]d2`, `]E0`) came in front.
        /// Packbench removes it; nothing to change.
        AimPrefix = "aim_prefix",
        /// The GS separators of a GS1 code were dropped: the scanner does not
        /// send FNC1 as GS (ASCII 29, Ctrl+]). A marking code then reads as
        /// one serial number and is refused at the packing table.
        GsLost = "gs_lost",
        /// The GS separators came as another character: the scanner replaces
        /// FNC1 with it, and the station's "GS comes as" setting does not
        /// name that character.
        GsReplaced = "gs_replaced",
        /// Letters came with their case turned round: Caps Lock is on, or the
        /// scanner converts case.
        CaseSwapped = "case_swapped",
        /// The EAN-13's last digit (the check digit) was not sent.
        CheckDigitDropped = "check_digit_dropped",
        /// The layout typed Cyrillic letters where the code has Latin ones
        /// (a Russian layout). Packbench reads the keys, so its scans are
        /// right; other programs on this computer would get Cyrillic.
        RussianLayout = "russian_layout",
        /// Characters were lost or added (a scanner in a "smart" mode, a
        /// prefix or suffix set up, a damaged print): compare the two texts.
        Garbled = "garbled",
    }
}

/// The page's verdict on one scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ScannerCheck {
    /// Which test code was scanned; None when the scan is none of them.
    pub code: Option<TestCode>,
    /// True when Packbench reads the scan as the test code (whatever the
    /// findings say about other programs).
    pub ok: bool,
    /// What to change, the most important first; `[exact]` when nothing.
    pub findings: Vec<Finding>,
    /// What was read, GS shown as `<GS>`.
    pub read: String,
    /// What the code holds, GS shown as `<GS>`; None for an unknown scan.
    pub expected: Option<String>,
    /// The character that stood where GS belongs (for `gs_replaced`).
    pub gs_came_as: Option<String>,
}

/// GS as the page shows it.
fn shown(text: &str) -> String {
    text.replace(GS, "<GS>")
}

/// A scan's verdict: `read` is what Packbench read, `typed` what the
/// keyboard layout typed for the same keys (None when not known).
pub fn check_scan(read: &str, typed: Option<&str>) -> ScannerCheck {
    let trimmed = read.trim();
    let aim = trimmed.starts_with(']')
        && trimmed
            .chars()
            .nth(1)
            .is_some_and(|c| c.is_ascii_alphabetic());
    // normalize refuses a scan no code could be (empty, control
    // characters, too long); such a scan is simply "garbled".
    let clean = normalize(read).unwrap_or_else(|_| trimmed.to_string());
    let mut findings = Vec::new();
    let mut gs_came_as = None;
    let code = identify(&clean, &mut findings, &mut gs_came_as);
    let diagnosed = !findings.is_empty();
    let ok = code.is_some_and(|c| clean == c.data());
    if ok {
        findings.insert(0, Finding::Exact);
    }
    if aim {
        findings.push(Finding::AimPrefix);
    }
    if let Some(typed) = typed {
        if typed.chars().any(is_cyrillic) && !clean.chars().any(is_cyrillic) {
            findings.push(Finding::RussianLayout);
        }
    }
    if !ok && !diagnosed {
        findings.push(Finding::Garbled);
    }
    ScannerCheck {
        code,
        ok,
        findings,
        read: shown(&clean),
        expected: code.map(|c| shown(c.data())),
        gs_came_as,
    }
}

/// Which test code `clean` is, with what went wrong on the way.
fn identify(
    clean: &str,
    findings: &mut Vec<Finding>,
    gs_came_as: &mut Option<String>,
) -> Option<TestCode> {
    for &code in <TestCode as super::names::Named>::ALL {
        let want = code.data();
        if clean == want {
            return Some(code);
        }
        // Cyrillic read by Packbench itself (a scanner set to a Russian
        // keyboard country, or a text field's own input) turned back.
        let latin = from_russian_layout(clean);
        let candidates: [(&str, bool); 2] = [(clean, false), (&latin, true)];
        for (text, cyrillic) in candidates {
            if cyrillic && latin == clean {
                continue;
            }
            let mut found = Vec::new();
            if cyrillic {
                found.push(Finding::RussianLayout);
            }
            let text = if swap_case(text) == want || swap_case(text) == want.replace(GS, "") {
                found.push(Finding::CaseSwapped);
                swap_case(text)
            } else {
                text.to_string()
            };
            if text == want {
                findings.extend(found);
                return Some(code);
            }
            if code.has_separators() {
                if text == want.replace(GS, "") {
                    found.push(Finding::GsLost);
                    findings.extend(found);
                    return Some(code);
                }
                if let Some(sub) = replaced_separator(&text, want) {
                    found.push(Finding::GsReplaced);
                    *gs_came_as = Some(sub.to_string());
                    findings.extend(found);
                    return Some(code);
                }
            }
            if code == TestCode::Ean13 && text == want[..want.len() - 1] {
                found.push(Finding::CheckDigitDropped);
                findings.extend(found);
                return Some(code);
            }
        }
    }
    // Not a test code, but a GS1 DataMatrix of the marking code's shape
    // read without its separators (a real product's code scanned here).
    if looks_like_marking_without_gs(clean) {
        findings.push(Finding::GsLost);
    }
    None
}

/// `text` equals `want` except that each GS stands as the same single
/// character, which is returned.
fn replaced_separator(text: &str, want: &str) -> Option<char> {
    let t: Vec<char> = text.chars().collect();
    let w: Vec<char> = want.chars().collect();
    if t.len() != w.len() {
        return None;
    }
    let mut sub = None;
    for (a, b) in t.iter().zip(&w) {
        if *b == GS {
            match sub {
                None if *a != GS => sub = Some(*a),
                Some(s) if s == *a => {}
                _ => return None,
            }
        } else if a != b {
            return None;
        }
    }
    sub
}

/// A Chestny ZNAK code read without GS: (01), 14 digits, (21), a
/// 13-character serial, then (91) or (93) run on with no separator.
pub fn looks_like_marking_without_gs(clean: &str) -> bool {
    if clean.contains(GS) || !clean.is_ascii() || clean.len() < 31 + 6 {
        return false;
    }
    clean.starts_with("01")
        && clean[2..16].bytes().all(|b| b.is_ascii_digit())
        && &clean[16..18] == "21"
        && matches!(&clean[31..33], "91" | "93")
}

fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{0400}'..='\u{04FF}')
}

fn swap_case(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_lowercase() {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

/// The Russian (ЙЦУКЕН) layout's letters and the US keys they sit on.
const RU: &str = "ёйцукенгшщзхъфывапролджэячсмитьбюЁЙЦУКЕНГШЩЗХЪФЫВАПРОЛДЖЭЯЧСМИТЬБЮ";
const US: &str = "`qwertyuiop[]asdfghjkl;'zxcvbnm,.~QWERTYUIOP{}ASDFGHJKL:\"ZXCVBNM<>";

/// The US keys a Russian layout's letters sit on, as a scanner pressing
/// those keys meant them.
fn from_russian_layout(text: &str) -> String {
    text.chars()
        .map(|c| {
            RU.chars()
                .position(|r| r == c)
                .and_then(|i| US.chars().nth(i))
                .unwrap_or(c)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::barcode::{classify, ScanCode};

    #[test]
    fn the_test_codes_read_as_what_they_stand_for() {
        assert!(matches!(classify(EAN13), Ok(ScanCode::Gtin { .. })));
        let Ok(ScanCode::Gs1(g)) = classify(GS1_128) else {
            panic!("GS1-128 test code does not classify as GS1");
        };
        assert_eq!(g.get("10"), Some("LOT42"));
        assert_eq!(g.get("17"), Some("271231"));
        let Ok(ScanCode::Gs1(m)) = classify(DATAMATRIX) else {
            panic!("DataMatrix test code does not classify as GS1");
        };
        assert!(m.is_marking_code());
        assert_eq!(m.get("21"), Some("aBcD3fG5hJ7kL"));
        assert_eq!(m.get("92").map(str::len), Some(44));
        assert_eq!(m.to_element_string(), DATAMATRIX);
    }

    #[test]
    fn an_exact_scan_is_ok_with_nothing_to_change() {
        for &code in TestCode::ALL {
            let c = check_scan(code.data(), Some(code.data()));
            assert!(c.ok, "{code:?}");
            assert_eq!(c.code, Some(code));
            assert_eq!(c.findings, vec![Finding::Exact]);
        }
    }

    #[test]
    fn an_aim_prefix_is_noted_and_harmless() {
        let c = check_scan(&format!("]d2{DATAMATRIX}"), None);
        assert!(c.ok);
        assert_eq!(c.findings, vec![Finding::Exact, Finding::AimPrefix]);
    }

    #[test]
    fn a_datamatrix_whose_gs_was_lost_is_named() {
        let c = check_scan(&DATAMATRIX.replace(GS, ""), None);
        assert!(!c.ok);
        assert_eq!(c.code, Some(TestCode::DataMatrix));
        assert_eq!(c.findings, vec![Finding::GsLost]);
        assert!(!c.read.contains("<GS>"));
        assert!(c.expected.as_deref().unwrap().contains("<GS>91EE06<GS>92"));
        // The GS1-128's batch would swallow the date.
        let c = check_scan(&GS1_128.replace(GS, ""), None);
        assert_eq!(c.findings, vec![Finding::GsLost]);
    }

    #[test]
    fn a_gs_sent_as_another_character_is_named_with_the_character() {
        let c = check_scan(&DATAMATRIX.replace(GS, "~"), None);
        assert_eq!(c.findings, vec![Finding::GsReplaced]);
        assert_eq!(c.gs_came_as.as_deref(), Some("~"));
    }

    #[test]
    fn caps_lock_and_a_dropped_check_digit_are_named() {
        let c = check_scan(&swap_case(DATAMATRIX), None);
        assert_eq!(c.findings, vec![Finding::CaseSwapped]);
        let c = check_scan(&swap_case(&DATAMATRIX.replace(GS, "")), None);
        assert_eq!(c.findings, vec![Finding::CaseSwapped, Finding::GsLost]);
        let c = check_scan("460123456789", None);
        assert_eq!(c.code, Some(TestCode::Ean13));
        assert_eq!(c.findings, vec![Finding::CheckDigitDropped]);
    }

    #[test]
    fn a_russian_layout_is_named_whether_or_not_packbench_read_the_keys() {
        // Packbench read the keys (right), the layout typed Cyrillic.
        let typed = to_russian(DATAMATRIX);
        assert!(
            typed.starts_with("010460123456789321фИсВ3аП5рО7лД"),
            "{typed}"
        );
        let c = check_scan(DATAMATRIX, Some(&typed));
        assert!(c.ok);
        assert_eq!(c.findings, vec![Finding::Exact, Finding::RussianLayout]);
        // Cyrillic reached Packbench itself (and GS with it was lost):
        // turned back to the keys.
        let c = check_scan(&to_russian(&DATAMATRIX.replace(GS, "")), None);
        assert_eq!(c.code, Some(TestCode::DataMatrix));
        assert_eq!(c.findings, vec![Finding::RussianLayout, Finding::GsLost]);
    }

    /// What a Russian layout types for a scanner's US keys.
    fn to_russian(text: &str) -> String {
        text.chars()
            .map(|c| {
                US.chars()
                    .position(|u| u == c)
                    .and_then(|i| RU.chars().nth(i))
                    .unwrap_or(c)
            })
            .collect()
    }

    #[test]
    fn anything_else_is_garbled_and_never_panics() {
        for scan in [
            "",
            "   ",
            "\u{7}",
            "PB-0190",
            "46012345678",
            "ЁЁЁ",
            "01046012345678932",
        ] {
            let c = check_scan(scan, Some(scan));
            assert!(!c.ok, "{scan:?}");
            assert!(c.findings.contains(&Finding::Garbled), "{scan:?}: {c:?}");
        }
    }

    #[test]
    fn a_real_marking_code_without_gs_is_recognised() {
        let code =
            "010460123456789321ZxYwVuTsRqPoN91AB1292abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQR";
        assert!(looks_like_marking_without_gs(code));
        let c = check_scan(code, None);
        assert_eq!(c.code, None);
        assert_eq!(c.findings, vec![Finding::GsLost]);
        assert!(!looks_like_marking_without_gs(DATAMATRIX));
    }
}
