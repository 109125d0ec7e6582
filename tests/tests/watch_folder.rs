//! The watched folder, on both engines: the shop's cron drops its order
//! export into a folder; at the next look where the file has not changed,
//! it is imported through the same import as any file, then moved to
//! `done/` (or `failed/`) with its report beside it. What is checked is
//! what a person finds: the orders on the list, the files in their
//! folders, the reports' words.

mod common;

use packbench_core::documents::Lang;
use packbench_core::ops::{self, FolderWatch, WatchFolderSettings, WatchOutcome};
use packbench_core::store::Store;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn server() -> ops::Actor {
    ops::Actor::new("Watched folder", "server", ops::Role::Manager)
}

async fn orders_numbered(store: &Store, number: &str) -> usize {
    ops::list_orders(
        store,
        &ops::OrderFilter {
            search: Some(number.to_string()),
            limit: 100,
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .iter()
    .filter(|o| o.number == number)
    .count()
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

on_both_engines!(
    dropped_exports_are_imported_once_and_moved_with_their_reports,
    |db| {
        let store = db.store.clone();
        ops::load_demo(
            &store,
            &ops::Actor::new("admin", "office", ops::Role::Admin),
            1,
        )
        .await
        .unwrap();
        let folder = tempfile::tempdir().unwrap();
        let dir = folder.path();
        let settings = WatchFolderSettings {
            folder: dir.display().to_string(),
            ..Default::default()
        };
        // Packbench's own file saved by old Excel (Windows-1251), and a
        // file that is no order export at all.
        let text = String::from_utf8(fixture("packbench_orders.csv")).unwrap();
        let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode(&text);
        std::fs::write(dir.join("orders.csv"), &cp1251).unwrap();
        std::fs::write(dir.join("notes.csv"), "Дата;Заметка\n01.10;позвонить\n").unwrap();
        std::fs::write(dir.join(".orders.csv.part"), "number\n").unwrap();

        let mut watch = FolderWatch::new(dir);
        let first = watch.look(&store, &server(), &settings).await.unwrap();
        assert!(
            first.is_empty(),
            "a file seen once may still be being written: {first:?}"
        );
        let second = watch.look(&store, &server(), &settings).await.unwrap();
        assert_eq!(second.len(), 2, "{second:?}");
        let done = second.iter().find(|f| f.name == "orders.csv").unwrap();
        assert_eq!(done.outcome, WatchOutcome::Done, "{done:?}");
        let summary = done.summary.as_ref().unwrap();
        assert!(summary.imported >= 1, "{summary:?}");
        assert_eq!(orders_numbered(&store, "PB-1001").await, 1);

        assert_eq!(
            names_in(&dir.join("done")),
            ["orders.csv", "orders.csv.report.txt"]
        );
        let report = std::fs::read_to_string(dir.join("done/orders.csv.report.txt")).unwrap();
        assert!(
            report.contains("Формат: packbench") && report.contains("Новых заказов"),
            "{report}"
        );
        assert_eq!(
            std::fs::read(dir.join("done/orders.csv")).unwrap(),
            cp1251.to_vec(),
            "the file is moved as it came"
        );
        let failed = std::fs::read_to_string(dir.join("failed/notes.csv.report.txt")).unwrap();
        assert!(
            failed.contains("Не импортирован") && failed.contains("Дата"),
            "the reason names the file's columns: {failed}"
        );
        assert!(
            dir.join(".orders.csv.part").exists(),
            "a hidden file is left alone"
        );
        assert!(!dir.join("orders.csv").exists());

        // The cron drops the same export again: nothing doubles, and the
        // second copy does not overwrite the first in done/.
        std::fs::write(dir.join("orders.csv"), &cp1251).unwrap();
        assert!(watch
            .look(&store, &server(), &settings)
            .await
            .unwrap()
            .is_empty());
        let again = watch.look(&store, &server(), &settings).await.unwrap();
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].outcome, WatchOutcome::Done);
        assert_eq!(again[0].summary.as_ref().unwrap().imported, 0);
        assert_eq!(orders_numbered(&store, "PB-1001").await, 1);
        assert_eq!(
            names_in(&dir.join("done")),
            [
                "orders-2.csv",
                "orders-2.csv.report.txt",
                "orders.csv",
                "orders.csv.report.txt"
            ]
        );
    }
);

on_both_engines!(
    a_file_still_being_written_waits_and_english_reports_follow_the_setting,
    |db| {
        let store = db.store.clone();
        ops::load_demo(
            &store,
            &ops::Actor::new("admin", "office", ops::Role::Admin),
            1,
        )
        .await
        .unwrap();
        let folder = tempfile::tempdir().unwrap();
        let dir = folder.path();
        let settings = WatchFolderSettings {
            folder: dir.display().to_string(),
            lang: Lang::En,
            ..Default::default()
        };
        let export = fixture("shopify_orders.csv");
        let half = export.len() / 2;
        std::fs::write(dir.join("shopify.csv"), &export[..half]).unwrap();
        let mut watch = FolderWatch::new(dir);
        assert!(watch
            .look(&store, &server(), &settings)
            .await
            .unwrap()
            .is_empty());
        // The cron writes the rest between two looks.
        std::fs::write(dir.join("shopify.csv"), &export).unwrap();
        assert!(
            watch
                .look(&store, &server(), &settings)
                .await
                .unwrap()
                .is_empty(),
            "a file that changed since the last look is not read"
        );
        let files = watch.look(&store, &server(), &settings).await.unwrap();
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].outcome, WatchOutcome::Done, "{files:?}");
        assert_eq!(files[0].format, Some(ops::ImportKind::Shopify));
        let report = std::fs::read_to_string(dir.join("done/shopify.csv.report.txt")).unwrap();
        assert!(
            report.contains("Format: shopify") && report.contains("New orders"),
            "{report}"
        );

        // Setting the folder needs a supervisor, and a full path.
        let packer = common::packer("station-1");
        assert!(ops::set_watch_folder(&store, &packer, &settings)
            .await
            .is_err());
        let relative = WatchFolderSettings {
            folder: "exports".into(),
            ..settings.clone()
        };
        assert!(
            ops::set_watch_folder(&store, &common::supervisor(), &relative)
                .await
                .is_err()
        );
        let saved = ops::set_watch_folder(&store, &common::supervisor(), &settings)
            .await
            .unwrap();
        assert_eq!(ops::watch_folder_settings(&store).await.unwrap(), saved);
    }
);
