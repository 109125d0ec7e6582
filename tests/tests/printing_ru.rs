//! Printing on a Russian desktop: CUPS's command-line tools answer in the
//! user's language (`принтер X свободен`, `id запроса ...`), and Packbench
//! must still see the printer and send the job.
//!
//! This binary holds one test, so that setting the process's locale cannot
//! race with another test; the CUPS queues are scripts/cups-test-printer.sh's.

mod common;

use common::cups::{pdf_printer, require_queues, stopped_printer, wait_for_pdf};
use packbench_core::documents::{DocumentKind, DocumentSettings};
use packbench_core::ops::{self, Actor, DocumentKey, PrintStatus, PrinterState, Role};
use std::process::Command;
use std::time::{Duration, Instant};

const RUSSIAN: &str = "ru_RU.UTF-8";

#[test]
fn on_a_russian_desktop_printers_are_listed_and_jobs_are_sent() {
    // The station's session locale, as a Russian desktop sets it.
    std::env::set_var("LANG", RUSSIAN);
    std::env::set_var("LC_ALL", RUSSIAN);
    std::env::set_var("LANGUAGE", "ru");
    require_queues();
    let said = Command::new("lpstat")
        .args(["-p", &pdf_printer()])
        .output()
        .expect("lpstat runs");
    let said = String::from_utf8_lossy(&said.stdout).into_owned();
    assert!(
        said.contains("принтер"),
        "lpstat should answer in Russian under {RUSSIAN}, or this test proves nothing; it said \
         {said:?}. Generate the locale: `localedef -i ru_RU -f UTF-8 ru_RU.UTF-8` \
         (scripts/install-deps.sh does it)"
    );

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        // The queue may still be busy with an earlier test's job: wait for
        // it to go idle, as a packer would.
        let deadline = Instant::now() + Duration::from_secs(60);
        let printer = loop {
            let printers = ops::list_printers().await;
            let found = printers
                .iter()
                .find(|p| p.name == pdf_printer())
                .cloned()
                .unwrap_or_else(|| panic!("{} is listed: {printers:?}", pdf_printer()));
            if found.state != PrinterState::Printing || Instant::now() > deadline {
                let stopped = printers
                    .iter()
                    .find(|p| p.name == stopped_printer())
                    .unwrap_or_else(|| panic!("{} is listed: {printers:?}", stopped_printer()));
                assert_eq!(
                    (stopped.state, stopped.message.as_str()),
                    (PrinterState::Stopped, "out of labels"),
                    "a stopped printer is seen as stopped, with its reason"
                );
                break found;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        assert_eq!(
            printer.state,
            PrinterState::Idle,
            "the printer list reads CUPS's answer whatever the desktop's language: {printer:?}"
        );

        let dir = tempfile::tempdir().unwrap();
        let target = packbench_core::store::DbTarget::SqliteFile(dir.path().join("packbench.db"));
        let store = packbench_core::store::Store::open(&target).await.unwrap();
        let actor = Actor::new("Анна", "станция-ru", Role::Packer);
        ops::load_demo_first_run(&store, "станция-ru", 1)
            .await
            .unwrap();
        let settings = DocumentSettings {
            printer: Some(pdf_printer()),
            ..DocumentSettings::for_kind(DocumentKind::Invoice)
        };
        let job = ops::print_document(
            &store,
            &actor,
            DocumentKind::Invoice,
            &DocumentKey::order("1001"),
            &settings,
        )
        .await
        .unwrap();
        assert_eq!(job.status, PrintStatus::Sent, "the job is sent: {job:?}");
        assert!(
            job.cups_job.as_deref().is_some_and(|id| id
                .starts_with(&format!("{}-", pdf_printer()))
                && !id.contains(' ')),
            "CUPS's job id is read from lp's answer: {job:?}"
        );
        let pdf = wait_for_pdf(&job.title());
        let _ = std::fs::remove_file(pdf);
    });
}
