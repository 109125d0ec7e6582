//! The UI's TypeScript bindings are generated from the Rust commands and
//! types; the committed file must be what the code generates now.

use std::path::PathBuf;

#[test]
fn the_committed_typescript_bindings_match_the_rust_commands() {
    let committed_path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(packbench_app::BINDINGS_PATH);
    let dir = tempfile::tempdir().unwrap();
    let fresh_path = dir.path().join("bindings.ts");
    packbench_app::export_bindings(&fresh_path).unwrap();

    let fresh = std::fs::read_to_string(&fresh_path).unwrap();
    let committed = std::fs::read_to_string(&committed_path).unwrap_or_default();
    assert!(
        fresh == committed,
        "bindings are stale: {} differs from what the Rust code generates; \
         run `cargo run -p packbench --example export-bindings` and commit the result",
        committed_path.display()
    );
}
