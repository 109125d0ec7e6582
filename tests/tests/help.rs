//! Help at the station, read back as a person and a scanner would: the
//! printer and scanner test page rendered to PDF, its words read with
//! `pdftotext`, its barcodes decoded with `zbarimg` (EAN-13, GS1-128) and
//! `dmtxread` (the GS1 DataMatrix zbar cannot read) back to exactly the
//! test codes; the page printed through a real CUPS queue; and the scanner
//! check through the CLI, with a DataMatrix whose GS separators were lost.
//!
//! The tools come from scripts/install-deps.sh; a missing one fails.

mod common;

use common::cups;
use packbench_core::documents::{Lang, Paper};
use packbench_core::ops::{self, ScannerFinding, TestCode};
use std::path::{Path, PathBuf};
use std::process::Command;

const GS: char = '\u{1d}';

fn tool(program: &str, args: &[&str]) -> std::process::Output {
    Command::new(program)
        .args(args)
        .env("LC_ALL", "C")
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "{program} could not run ({e}); install it with scripts/install-deps.sh \
                 (poppler-utils, zbar-tools, dmtx-utils)"
            )
        })
}

fn write_pdf(dir: &Path, bytes: &[u8]) -> PathBuf {
    let path = dir.join("test-page.pdf");
    std::fs::write(&path, bytes).expect("the PDF is written");
    path
}

fn pdf_text(pdf: &Path) -> String {
    let out = tool("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"]);
    assert!(out.status.success(), "pdftotext reads the test page");
    String::from_utf8(out.stdout).expect("pdftotext writes UTF-8")
}

/// The page rendered at 300 dpi: one PNG.
fn render(pdf: &Path, dir: &Path) -> PathBuf {
    let prefix = dir.join("page");
    let out = tool(
        "pdftoppm",
        &[
            "-r",
            "300",
            "-png",
            "-singlefile",
            pdf.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "pdftoppm renders the test page");
    dir.join("page.png")
}

/// zbar's symbols as (type, data); GS1 data written with `]C1` in front,
/// as scanners send it.
/// The EAN-13 and the GS1-128 test codes are among what zbar read.
fn assert_reads_linear_codes(found: Vec<(String, String)>) {
    let found: Vec<String> = found.into_iter().map(|(_, d)| d).collect();
    assert!(
        found.contains(&TestCode::Ean13.data().to_string()),
        "{found:?}"
    );
    assert!(
        found.contains(&format!("]C1{}", TestCode::Gs1_128.data())),
        "{found:?}"
    );
}

fn zbar(png: &Path) -> Vec<(String, String)> {
    let out = tool("zbarimg", &["--xml", "-q", png.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "zbarimg finds barcodes on the test page"
    );
    let xml = String::from_utf8_lossy(&out.stdout).to_string();
    xml.split("<symbol ")
        .skip(1)
        .map(|symbol| {
            let head = &symbol[..symbol.find('>').unwrap_or(0)];
            let kind = head
                .split("type='")
                .nth(1)
                .and_then(|t| t.split('\'').next())
                .unwrap_or_default()
                .to_string();
            let data = symbol
                .split("<![CDATA[")
                .nth(1)
                .and_then(|d| d.split("]]>").next())
                .unwrap_or_default();
            // Data with a control character (the GS) comes as base64.
            let data_head = symbol.split("<![CDATA[").next().unwrap_or_default();
            let data = if data_head.contains("base64") {
                use base64::Engine as _;
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(data.split_whitespace().collect::<String>())
                    .expect("zbar's base64 decodes");
                String::from_utf8(bytes).expect("the symbol holds UTF-8")
            } else {
                data.to_string()
            };
            let data = if head.contains("GS1") {
                format!("]C1{data}")
            } else {
                data
            };
            (kind, data)
        })
        .collect()
}

#[test]
fn the_test_page_carries_the_three_test_codes_a_scanner_reads_back_exactly() {
    for (lang, title) in [
        (Lang::Ru, "проверка принтера и сканера"),
        (Lang::En, "printer and scanner test page"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let bytes = ops::test_page_pdf(lang, Paper::A4, "Стол 3").unwrap();
        let pdf = write_pdf(dir.path(), &bytes);
        let text = pdf_text(&pdf);
        assert!(
            text.contains(title),
            "{lang:?}: the title is on the page:\n{text}"
        );
        assert!(
            text.contains("Стол 3"),
            "the station is in the footer:\n{text}"
        );
        assert!(text.contains("(01)04601234567893(10)LOT42(17)271231"));
        assert!(
            text.contains("Съешь же ещё этих мягких французских булок"),
            "the Cyrillic sample prints:\n{text}"
        );

        let png = render(&pdf, dir.path());
        let mut found = zbar(&png);
        found.sort();
        assert_eq!(
            found,
            vec![
                (
                    "CODE-128".to_string(),
                    format!("]C1{}", TestCode::Gs1_128.data())
                ),
                ("EAN-13".to_string(), TestCode::Ean13.data().to_string()),
            ],
            "{lang:?}: zbar reads the EAN-13 and the GS1-128 (GS after the batch)"
        );

        // dmtxread: the GS1 DataMatrix, with its FNC1 start (232) and its
        // GS separators.
        let out = tool("dmtxread", &["-N1", "-m", "5000", png.to_str().unwrap()]);
        assert!(
            out.status.success(),
            "dmtxread finds the DataMatrix: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let data: Vec<u8> = out.stdout.into_iter().filter(|&b| b != 232).collect();
        assert_eq!(
            String::from_utf8_lossy(&data),
            TestCode::DataMatrix.data(),
            "the DataMatrix holds the marking-code test code with its GS"
        );
    }
}

#[test]
fn a_label_printer_gets_a_test_page_of_its_own_size_with_readable_codes() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = ops::test_page_pdf(Lang::Ru, Paper::Label100x150, "Стол 3").unwrap();
    let pdf = write_pdf(dir.path(), &bytes);
    let out = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    let info = String::from_utf8_lossy(&out.stdout);
    assert!(
        info.contains("283.46 x 425.2") || info.contains("283.465 x 425.197"),
        "100 x 150 mm: {info}"
    );
    assert_reads_linear_codes(zbar(&render(&pdf, dir.path())));
}

#[tokio::test]
async fn the_test_page_prints_through_cups_and_an_unknown_printer_is_named() {
    cups::require_queues();
    let actor = common::supervisor();
    let station = format!("help-{}", std::process::id());
    let job = ops::print_test_page(&actor, &cups::pdf_printer(), Paper::A4, Lang::Ru, &station)
        .await
        .expect("the test page is accepted by CUPS");
    assert!(
        job.starts_with(&cups::pdf_printer()),
        "a CUPS job id: {job}"
    );
    // cups-pdf re-renders through Ghostscript (its glyphs are no longer
    // text): what a real printer shows is checked, the codes a scanner reads.
    let printed = cups::wait_for_pdf(&format!("packbench-test-page-{station}"));
    let dir = tempfile::tempdir().unwrap();
    assert_reads_linear_codes(zbar(&render(&printed, dir.path())));

    let err = ops::print_test_page(&actor, "NoSuchPrinter", Paper::A4, Lang::En, &station)
        .await
        .expect_err("an unknown printer is refused");
    assert!(
        err.to_string().contains("NoSuchPrinter"),
        "the message names the printer: {err}"
    );
}

#[test]
fn the_cli_names_a_lost_gs_and_what_to_change() {
    let lost = TestCode::DataMatrix.data().replace(GS, "");
    let out = Command::new(common::cli_binary())
        .args(["scanner", "check", &lost])
        .env("LANG", "ru_RU.UTF-8")
        .output()
        .expect("the CLI runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "a wrong scan is exit 1: {text}");
    assert!(text.contains("NOT OK (datamatrix)"), "{text}");
    assert!(
        text.contains("GS separators were lost") && text.contains("FNC1 as GS"),
        "says what to change: {text}"
    );

    let exact = TestCode::DataMatrix.data().replace(GS, "<GS>");
    let out = Command::new(common::cli_binary())
        .args(["--json", "scanner", "check", &exact])
        .output()
        .expect("the CLI runs");
    assert_eq!(out.status.code(), Some(0));
    let check: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(check["ok"], true);
    assert_eq!(check["findings"][0], ScannerFinding::Exact.as_str());
}
