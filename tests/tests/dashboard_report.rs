//! The dashboard's PDF report, read back with `pdftotext`: every chart's
//! table is in it under its title, in Russian and in English, with the
//! numbers the chart's own CSV holds (the demo warehouse's orders per
//! status), statuses named as the store names them.

mod common;

use chrono::{Duration, Utc};
use packbench_core::ops::{self, Actor, DashboardChart, DashboardQuery, Role};
use std::process::Command;

fn pdf_text(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dashboard.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = Command::new("pdftotext")
        .args(["-layout", path.to_str().unwrap(), "-"])
        .env("LC_ALL", "C")
        .output()
        .expect("pdftotext runs (poppler-utils, scripts/install-deps.sh)");
    assert!(out.status.success(), "pdftotext reads the report");
    String::from_utf8(out.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pdf_report_holds_every_chart_as_its_csv_says() {
    let db = common::sqlite().await;
    let admin = Actor::new("admin", "Офис", Role::Admin);
    ops::load_demo(&db.store, &admin, 1).await.unwrap();
    let query = DashboardQuery {
        from: Utc::now() - Duration::days(30),
        to: Utc::now() + Duration::hours(1),
        channel: None,
        station: None,
        utc_offset_minutes: 180,
    };
    let d = ops::dashboard(&db.store, &admin, &query).await.unwrap();
    for (russian, titles) in [
        (
            true,
            [
                "Заказы по статусам сейчас",
                "Время на каждом этапе",
                "По дням",
            ],
        ),
        (
            false,
            [
                "Orders per status now",
                "Time in each stage",
                "The trend over days",
            ],
        ),
    ] {
        let text = pdf_text(&ops::dashboard_pdf(&d, russian).unwrap());
        for title in titles {
            assert!(text.contains(title), "{title:?} in the report:\n{text}");
        }
        // The statuses table: every row of the chart's CSV, its first and
        // second cells on one line of the report.
        let csv = ops::dashboard_csv(&d, DashboardChart::Statuses, russian).unwrap();
        let mut rows = csv::Reader::from_reader(csv.as_bytes());
        let mut seen = 0;
        for row in rows.records() {
            let row = row.unwrap();
            let (name, count) = (&row[0], &row[1]);
            assert!(
                text.lines()
                    .any(|l| l.trim_start().starts_with(name) && l.contains(count)),
                "{name} {count} on one line of the report:\n{text}"
            );
            seen += 1;
        }
        assert!(seen >= 5, "the demo has orders in several statuses: {seen}");
        // Statuses by the store's names in the report's language, never
        // by their codes.
        let (name, code) = if russian {
            ("Подтверждён", "confirmed")
        } else {
            ("Confirmed", "confirmed ")
        };
        assert!(
            text.lines().any(|l| l.trim_start().starts_with(name)),
            "{name} in the report:\n{text}"
        );
        assert!(
            !text.lines().any(|l| l.trim_start().starts_with(code)),
            "no status code {code:?} in the report:\n{text}"
        );
    }
}
