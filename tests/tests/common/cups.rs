//! The CUPS test queues that scripts/cups-test-printer.sh sets up (run by
//! `make test`), and reading back what cups-pdf wrote.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

pub fn env_or(name: &str, default: &str) -> String {
    std::env::var(name)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| default.to_string())
}

pub fn pdf_printer() -> String {
    env_or("PACKBENCH_TEST_PRINTER", "VirtualPDF")
}

pub fn raw_printer() -> String {
    env_or("PACKBENCH_TEST_RAW_PRINTER", "RawZpl")
}

pub fn stopped_printer() -> String {
    env_or("PACKBENCH_TEST_STOPPED_PRINTER", "PackbenchStopped")
}

pub fn raw_port() -> u16 {
    env_or("PACKBENCH_TEST_RAW_PORT", "9109")
        .parse()
        .expect("PACKBENCH_TEST_RAW_PORT is a port number")
}

pub fn pdf_dir() -> PathBuf {
    PathBuf::from(env_or(
        "PACKBENCH_TEST_PDF_DIR",
        &format!("{}/PDF", env_or("HOME", "/root")),
    ))
}

/// The test queues must exist: a missing one fails with the fix.
pub fn require_queues() {
    let out = Command::new("lpstat")
        .args(["-p", &pdf_printer(), &raw_printer(), &stopped_printer()])
        .output()
        .unwrap_or_else(|e| {
            panic!("lpstat could not run ({e}): install CUPS with scripts/install-deps.sh")
        });
    assert!(
        out.status.success(),
        "the CUPS test queues are missing ({}); run scripts/cups-test-printer.sh",
        String::from_utf8_lossy(&out.stderr).trim()
    );
}

/// Waits for cups-pdf to write the job titled `title`; returns its path.
pub fn wait_for_pdf(title: &str) -> PathBuf {
    let dir = pdf_dir();
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().to_string();
                if name.contains(title) && name.ends_with(".pdf") {
                    // cups-pdf writes the file, then closes it: wait for a
                    // complete PDF.
                    let bytes = std::fs::read(entry.path()).unwrap_or_default();
                    if bytes.windows(5).any(|w| w == b"%%EOF") {
                        return entry.path();
                    }
                }
            }
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    panic!(
        "no PDF titled {title} appeared in {} within 30 s (cups-pdf's Out folder; see /var/log/cups/error_log)",
        dir.display()
    );
}
