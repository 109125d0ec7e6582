//! `scanner codes|check`: the scanner set-up page on the command line. No
//! database: a scanner can be checked before a station is set up.

use super::Failure;
use clap::Subcommand;
use packbench_core::ops;

#[derive(Subcommand)]
pub enum ScannerCommand {
    /// The three test codes (their data, GS written as <GS>). `print
    /// test-page` prints them.
    Codes,
    /// What a scan of a test code says about the scanner's settings. Write
    /// GS as <GS>; --typed is what the keyboard layout typed, if known.
    Check {
        scan: String,
        #[arg(long)]
        typed: Option<String>,
    },
}

const GS: &str = "\u{1d}";

pub fn run(json: bool, command: ScannerCommand) -> Result<u8, Failure> {
    match command {
        ScannerCommand::Codes => {
            let codes = ops::scanner_test_codes()?;
            if json {
                out!(
                    "{}",
                    serde_json::to_string_pretty(&codes).unwrap_or_default()
                );
            } else {
                for c in &codes {
                    out!("{:<11} {}", c.code.as_str(), c.human);
                }
            }
            Ok(0)
        }
        ScannerCommand::Check { scan, typed } => {
            let read = scan.replace("<GS>", GS);
            let typed = typed.map(|t| t.replace("<GS>", GS));
            let check = ops::check_scanner(&read, typed.as_deref());
            if json {
                out!(
                    "{}",
                    serde_json::to_string_pretty(&check).unwrap_or_default()
                );
            } else {
                let code = check.code.map_or("none of the test codes", |c| c.as_str());
                out!("{} ({code})", if check.ok { "ok" } else { "NOT OK" });
                out!("read:     {}", check.read);
                if let Some(expected) = &check.expected {
                    out!("expected: {expected}");
                }
                for f in &check.findings {
                    out!("- {}", advice(*f, check.gs_came_as.as_deref()));
                }
            }
            Ok(if check.ok { 0 } else { 1 })
        }
    }
}

/// The CLI's English words for a finding (the app has its own, in the
/// station's language).
fn advice(f: ops::ScannerFinding, gs: Option<&str>) -> String {
    use ops::ScannerFinding as F;
    match f {
        F::Exact => "read exactly: nothing to change".into(),
        F::AimPrefix => "the scanner sends a symbology prefix (]C1, ]d2); Packbench removes it, nothing to change".into(),
        F::GsLost => "the GS separators were lost: set the scanner to send FNC1 as GS (ASCII 29, Ctrl+]); if it cannot in keyboard mode, have it send a character such as ~ instead and name that character in Settings → Scanner".into(),
        F::GsReplaced => format!(
            "GS came as {:?}: name that character in Settings → Scanner (GS comes as), or set the scanner to send GS (Ctrl+])",
            gs.unwrap_or("?")
        ),
        F::CaseSwapped => "letters came with their case turned round: turn Caps Lock off, or the scanner's case conversion".into(),
        F::CheckDigitDropped => "the EAN-13 check digit was not sent: turn on \"transmit check digit\" for EAN-13 in the scanner".into(),
        F::RussianLayout => "the keyboard layout turned letters into Cyrillic: Packbench reads the keys and is not affected, other programs are; switch the layout to English, or set the scanner's keyboard country to one with Latin letters".into(),
        F::Garbled => "this is none of the test codes, or characters were lost or added: compare what was read with the code, and check the scanner's prefix and suffix settings".into(),
    }
}
