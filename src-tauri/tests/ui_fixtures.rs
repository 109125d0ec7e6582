//! The UI's unit tests answer `invoke` with replies recorded from the real
//! commands (ui/src/fixtures, see tests/recorder); the committed fixtures
//! must be what the code records now.

mod recorder;

use std::path::PathBuf;

#[test]
fn the_committed_ui_fixtures_match_what_the_commands_reply() {
    let committed_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(recorder::FIXTURES_DIR);
    let dir = tempfile::tempdir().unwrap();
    let fresh = recorder::record_all(dir.path());

    let refresh = format!(
        "run `{}` and commit the result (and fix the UI tests it breaks)",
        recorder::RECORD_COMMAND
    );
    let mut stale = Vec::new();
    for path in &fresh {
        let name = path.file_name().unwrap();
        let committed = std::fs::read_to_string(committed_dir.join(name)).unwrap_or_default();
        if std::fs::read_to_string(path).unwrap() != committed {
            stale.push(name.to_string_lossy().into_owned());
        }
    }
    assert!(
        stale.is_empty(),
        "UI fixtures are stale: {} in {} differ from what the commands reply now; {refresh}",
        stale.join(", "),
        committed_dir.display()
    );

    let recorded: Vec<_> = fresh
        .iter()
        .map(|p| p.file_name().unwrap().to_owned())
        .collect();
    let leftovers: Vec<String> = std::fs::read_dir(&committed_dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .filter(|n| n.to_string_lossy().ends_with(".json") && !recorded.contains(n))
        .map(|n| n.to_string_lossy().into_owned())
        .collect();
    assert!(
        leftovers.is_empty(),
        "{} in {} are no flow the recorder knows; {refresh}",
        leftovers.join(", "),
        committed_dir.display()
    );
}
