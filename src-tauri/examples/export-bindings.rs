//! Writes the UI's TypeScript bindings (ui/src/lib/bindings.ts, or the path
//! given) from the Rust commands and types. Needs no display.

use std::path::PathBuf;

fn main() {
    let path = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("..")
                .join(packbench_app::BINDINGS_PATH)
        });
    if let Err(e) = packbench_app::export_bindings(&path) {
        eprintln!("{e}");
        std::process::exit(1);
    }
    println!("wrote {}", path.display());
}
