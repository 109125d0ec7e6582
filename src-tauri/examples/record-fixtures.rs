//! Records the UI's test fixtures (ui/src/fixtures/*.json, or the folder
//! given) from the real commands on the mock runtime. Needs no display;
//! `cargo test -p packbench --test ui_fixtures` checks they are fresh.

#[path = "../tests/recorder/mod.rs"]
mod recorder;

use std::path::PathBuf;

fn main() {
    let dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("..")
                .join(recorder::FIXTURES_DIR)
        });
    // A flow that is gone must not leave its old file behind.
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for entry in entries.flatten() {
            if entry.path().extension().is_some_and(|e| e == "json") {
                std::fs::remove_file(entry.path()).expect("an old fixture can be removed");
            }
        }
    }
    let written = recorder::record_all(&dir);
    println!("wrote {} fixtures to {}", written.len(), dir.display());
}
