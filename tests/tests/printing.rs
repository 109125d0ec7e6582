//! Printing through real CUPS queues on this machine, set up by
//! scripts/cups-test-printer.sh (run by `make test`):
//!
//! - a cups-pdf printer (PACKBENCH_TEST_PRINTER, default VirtualPDF) that
//!   writes every job as a PDF into PACKBENCH_TEST_PDF_DIR ($HOME/PDF);
//! - a raw queue (PACKBENCH_TEST_RAW_PRINTER, default RawZpl) that sends the
//!   job's bytes to 127.0.0.1:PACKBENCH_TEST_RAW_PORT (9109), where the test
//!   listens as a Zebra on port 9100 would;
//! - a queue that is always stopped (PACKBENCH_TEST_STOPPED_PRINTER).
//!
//! Nothing is skipped: without CUPS or its queues these tests fail and say
//! which script sets them up.

mod common;

use common::cups::{
    pdf_printer, raw_port, raw_printer, require_queues, stopped_printer, wait_for_pdf,
};
use common::{clock, packer, supervisor, TestDb};
use packbench_core::documents::{
    DocFormat, DocumentKind, DocumentSettings, Dpi, Lang, Paper, PrintSettings, Seller,
};
use packbench_core::domain::OrderStatus;
use packbench_core::ops::{
    self, Actor, ChannelDocuments, DocumentKey, PackingDocuments, PrintJob, PrintStatus,
    PrinterState, Role,
};
use packbench_core::store::Store;
use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// One test at a time talks to the raw queue's port and reads cups-pdf's
/// folder, so the SQLite and PostgreSQL runs do not take each other's jobs.
static QUEUES: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Listens where the raw queue sends its jobs; the receiver gets the bytes
/// of the next connection.
fn zebra_on_the_raw_port() -> mpsc::Receiver<Vec<u8>> {
    let listener = TcpListener::bind(("127.0.0.1", raw_port()))
        .unwrap_or_else(|e| panic!("port {} for the raw test queue: {e}", raw_port()));
    listener.set_nonblocking(true).unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            match listener.accept() {
                Ok((mut stream, _)) => {
                    stream.set_nonblocking(false).unwrap();
                    stream
                        .set_read_timeout(Some(Duration::from_secs(10)))
                        .unwrap();
                    let mut bytes = Vec::new();
                    let _ = stream.read_to_end(&mut bytes);
                    let _ = tx.send(bytes);
                    return;
                }
                Err(_) => std::thread::sleep(Duration::from_millis(20)),
            }
        }
    });
    rx
}

/// What cups-pdf wrote, read back: page size in points and the barcodes
/// on the first page at 203 dpi. (cups-pdf re-renders the document through
/// Ghostscript, which turns the embedded fonts into Type 3 glyphs that
/// pdftotext cannot read: the barcodes and the page size are what survive
/// to be checked, as on a real printer.)
fn printed(path: &Path) -> ((f32, f32), Vec<String>) {
    let info = Command::new("pdfinfo")
        .arg(path)
        .output()
        .expect("pdfinfo runs (poppler-utils)");
    let info = String::from_utf8_lossy(&info.stdout).to_string();
    let size: Vec<f32> = info
        .lines()
        .find(|l| l.starts_with("Page size:"))
        .map(|l| {
            l.split_whitespace()
                .filter_map(|w| w.parse().ok())
                .collect()
        })
        .unwrap_or_default();
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("p");
    let out = Command::new("pdftoppm")
        .args(["-r", "203", "-png", "-f", "1", "-l", "1"])
        .arg(path)
        .arg(&prefix)
        .output()
        .expect("pdftoppm runs (poppler-utils)");
    assert!(out.status.success(), "pdftoppm renders {}", path.display());
    let page = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "png"))
        .expect("a page image");
    let out = Command::new("zbarimg")
        .args(["--raw", "-q"])
        .arg(&page)
        .output()
        .expect("zbarimg runs (zbar-tools)");
    let mut codes: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    codes.sort();
    ((size[0].round(), size[1].round()), codes)
}

fn pdf_text(path: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-layout", path.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext runs (poppler-utils)");
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// The text of the document a job sent, as pdftotext reads it.
async fn sent_text(store: &Store, job: &PrintJob) -> String {
    let bytes = ops::render_document(store, job.kind, &job.key, &job.settings())
        .await
        .unwrap();
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), bytes).unwrap();
    pdf_text(file.path())
}

/// A station name no other run uses: it is part of the CUPS job title.
fn station(tag: &str) -> Actor {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    packer(&format!("{tag}-{nanos}"))
}

async fn demo(db: &TestDb) -> Store {
    let store = db.store.clone().with_clock(clock());
    ops::load_demo(&store, &Actor::new("admin", "office", Role::Admin), 1)
        .await
        .unwrap();
    ops::set_seller(&store, &supervisor(), &Seller::demo())
        .await
        .unwrap();
    store
}

/// Claims, scans every unit and finishes `number` at `station`, which
/// prints as `settings` say; returns the print jobs once they were sent.
async fn pack(
    store: &Store,
    station: &Actor,
    number: &str,
    settings: &PrintSettings,
) -> Vec<PrintJob> {
    ops::claim_order(store, station, number).await.unwrap();
    let detail = ops::order_detail(store, number).await.unwrap();
    for line in &detail.lines {
        let product = ops::product_by_sku(store, &line.sku).await.unwrap();
        let code = product
            .barcodes
            .iter()
            .find(|b| b.units == 1)
            .unwrap()
            .code
            .clone();
        for unit in 0..line.quantity {
            let id = format!("{}-{}-{unit}", station.station, line.id);
            ops::record_scan(store, station, number, &code, &id)
                .await
                .unwrap();
        }
    }
    let (packed, printing) = ops::finish_packing(store, station, number, None, settings, None)
        .await
        .expect("a printer problem is a failed job, never a failed pack");
    assert_eq!(packed.order.head.status, OrderStatus::Ready);
    let sent = printing.send().await.unwrap();
    assert_eq!(
        sent.iter().map(|j| j.id).collect::<Vec<_>>(),
        packed.print_jobs.iter().map(|j| j.id).collect::<Vec<_>>(),
        "the jobs the pack queued are the ones sent"
    );
    sent
}

fn printing_to(invoice: &str, label: Option<&str>) -> PrintSettings {
    let mut settings = PrintSettings::default();
    settings.invoice.printer = Some(invoice.to_string());
    settings.label = DocumentSettings {
        printer: label.map(str::to_string),
        paper: Paper::Label4x6,
        format: DocFormat::Zpl,
        dpi: Dpi::D203,
        lang: Lang::Ru,
    };
    settings
}

async fn order_events(store: &Store, number: &str) -> Vec<String> {
    ops::order_detail(store, number)
        .await
        .unwrap()
        .events
        .into_iter()
        .map(|e| e.kind.as_str().to_string())
        .collect()
}

on_both_engines!(
    finishing_a_pack_prints_the_invoice_on_a_pdf_queue_and_the_label_on_a_raw_zpl_queue,
    |db| {
        require_queues();
        let _queues = QUEUES.lock().await;
        let store = demo(&db).await;
        let station = station("pack");
        let zebra = zebra_on_the_raw_port();
        let settings = printing_to(&pdf_printer(), Some(&raw_printer()));
        let jobs = pack(&store, &station, "1001", &settings).await;
        assert_eq!(jobs.len(), 2, "an invoice and a label");
        let (invoice, label) = (&jobs[0], &jobs[1]);
        assert_eq!(invoice.kind, DocumentKind::Invoice);
        assert_eq!(label.kind, DocumentKind::Label);
        for job in &jobs {
            assert_eq!(job.status, PrintStatus::Sent, "{job:?}");
            assert_eq!(job.attempts, 1);
            let printer = job.printer.clone().unwrap();
            assert!(
                job.cups_job
                    .as_deref()
                    .is_some_and(|id| id.starts_with(&printer)),
                "CUPS gave the job an id on {printer}: {job:?}"
            );
        }
        // The Zebra got the label's ZPL byte for byte.
        let received = zebra
            .recv_timeout(Duration::from_secs(30))
            .expect("the raw queue delivered the label to the printer's port");
        let expected = ops::render_document(
            &store,
            DocumentKind::Label,
            &DocumentKey::order("1001"),
            &settings.label,
        )
        .await
        .unwrap();
        assert_eq!(received, expected, "ZPL passes through CUPS unchanged");
        // The invoice arrived as a PDF that still reads right.
        let pdf = wait_for_pdf(&invoice.title());
        assert_eq!(
            printed(&pdf),
            ((595.0, 842.0), vec!["1001".to_string()]),
            "an A4 invoice whose order barcode still scans"
        );
        let _ = std::fs::remove_file(&pdf);
        // The queue and the order's history both say so.
        let listed = ops::print_jobs(&store, 10).await.unwrap();
        assert_eq!(listed.len(), 2);
        assert!(listed.iter().all(|j| j.status == PrintStatus::Sent));
        assert_eq!(listed[0].id, label.id, "newest first");
        let events = order_events(&store, "1001").await;
        assert_eq!(
            events.iter().filter(|k| *k == "printed").count(),
            2,
            "{events:?}"
        );
        assert_eq!(
            ops::order_print_jobs(&store, "1001").await.unwrap().len(),
            2
        );
    }
);

on_both_engines!(
    a_missing_printer_fails_the_jobs_within_seconds_and_the_order_still_ships,
    |db| {
        require_queues();
        let store = demo(&db).await;
        let station = station("missing");
        let settings = printing_to("NoSuchPrinter", Some("NoSuchPrinter"));
        let started = Instant::now();
        let jobs = pack(&store, &station, "1001", &settings).await;
        assert!(
            started.elapsed() < ops::LP_TIMEOUT,
            "the failure is known within seconds: {:?}",
            started.elapsed()
        );
        for job in &jobs {
            assert_eq!(job.status, PrintStatus::Failed, "{job:?}");
            assert!(
                job.message.contains("NoSuchPrinter") && job.message.contains("does not exist"),
                "the message names the printer: {}",
                job.message
            );
        }
        // Shipping is not held up by the printer.
        let shipped = ops::ship_order(&store, &station, "1001", "СДЭК", "1084563217")
            .await
            .unwrap();
        assert_eq!(shipped.head.status, OrderStatus::Shipped);
        let events = order_events(&store, "1001").await;
        assert!(
            events.iter().filter(|k| *k == "print_failed").count() == 2,
            "the order's history shows the failure: {events:?}"
        );
        // Once a printer is chosen the same job goes out.
        let _queues = QUEUES.lock().await;
        let retried = ops::retry_print_job(&store, &station, jobs[0].id, Some(&pdf_printer()))
            .await
            .unwrap();
        assert_eq!(retried.status, PrintStatus::Sent, "{retried:?}");
        assert_eq!(retried.attempts, 2);
        assert_eq!(retried.printer.as_deref(), Some(pdf_printer().as_str()));
        let _ = std::fs::remove_file(wait_for_pdf(&retried.title()));
    }
);

on_both_engines!(
    a_stopped_printer_fails_the_job_with_the_printers_reason,
    |db| {
        require_queues();
        let store = demo(&db).await;
        let station = station("stopped");
        let settings = DocumentSettings::for_kind(DocumentKind::Label).on(stopped_printer());
        let job = ops::print_document(
            &store,
            &station,
            DocumentKind::Label,
            &DocumentKey::order("1009"),
            &settings,
        )
        .await
        .unwrap();
        assert_eq!(job.status, PrintStatus::Failed);
        assert!(
            job.message.contains("stopped") && job.message.contains("out of labels"),
            "lpstat's reason is kept: {}",
            job.message
        );
        assert!(job.cups_job.is_none(), "nothing was left waiting in CUPS");
    }
);

on_both_engines!(
    without_a_printer_the_jobs_wait_in_the_queue_until_one_is_chosen,
    |db| {
        require_queues();
        let store = demo(&db).await;
        let station = station("unset");
        let jobs = pack(&store, &station, "1001", &PrintSettings::default()).await;
        assert_eq!(jobs.len(), 2, "auto-print is on by default");
        for job in &jobs {
            assert_eq!(job.status, PrintStatus::Queued);
            assert_eq!(job.attempts, 0);
            assert!(
                job.message.contains("no printer is chosen"),
                "{}",
                job.message
            );
        }
        // Every station hears of it through the change feed.
        let waiting = order_events(&store, "1001").await;
        assert_eq!(
            waiting.iter().filter(|k| *k == "print_waiting").count(),
            2,
            "{waiting:?}"
        );
        let _queues = QUEUES.lock().await;
        let label = jobs.iter().find(|j| j.kind == DocumentKind::Label).unwrap();
        let sent = ops::retry_print_job(&store, &station, label.id, Some(&pdf_printer()))
            .await
            .unwrap();
        assert_eq!(sent.status, PrintStatus::Sent, "{sent:?}");
        let pdf = wait_for_pdf(&sent.title());
        assert_eq!(
            printed(&pdf),
            ((288.0, 432.0), vec!["1001".to_string()]),
            "a 4x6 in label whose order barcode still scans"
        );
        let _ = std::fs::remove_file(pdf);
        // A reprint is another attempt on the same job.
        let again = ops::retry_print_job(&store, &station, label.id, None)
            .await
            .unwrap();
        assert_eq!((again.status, again.attempts), (PrintStatus::Sent, 2));
        let _ = std::fs::remove_file(wait_for_pdf(&again.title()));
    }
);

on_both_engines!(
    a_channels_parcel_documents_print_after_the_pack_the_sales_receipt_through_cups,
    |db| {
        require_queues();
        let store = demo(&db).await;
        let station = station("channel");
        let channel = ops::order_detail(&store, "1001")
            .await
            .unwrap()
            .head
            .channel;
        // Orders waiting to be packed: one more of 1001's channel, and one
        // of another channel.
        let (mut same, mut other) = (None, None);
        for n in 1014..=1042 {
            let head = ops::order_detail(&store, &n.to_string())
                .await
                .unwrap()
                .head;
            if head.status != OrderStatus::Confirmed {
                continue;
            }
            if head.channel == channel {
                same.get_or_insert(head.number);
            } else {
                other.get_or_insert(head.number);
            }
        }
        let (same, other) = (same.unwrap(), other.expect("the demo has two channels"));
        let known = ops::packing_documents(&store).await.unwrap();
        assert_eq!(
            known.documents,
            PackingDocuments::default(),
            "nothing set: the invoice and the label, as before"
        );
        assert!(known.known_channels.contains(&channel), "{known:?}");
        // The web shop's private buyers get a товарный чек in the parcel;
        // a ТОРГ-12 only when the order has a business buyer.
        let setting = PackingDocuments {
            default: vec![DocumentKind::Invoice, DocumentKind::Label],
            channels: vec![ChannelDocuments {
                channel: format!(" {} ", channel.to_uppercase()),
                documents: vec![
                    DocumentKind::SalesReceipt,
                    DocumentKind::Label,
                    DocumentKind::Torg12,
                    DocumentKind::SalesReceipt,
                ],
            }],
        };
        let refused = ops::set_packing_documents(&store, &station, &setting).await;
        assert!(
            matches!(refused, Err(packbench_core::Error::Forbidden { .. })),
            "a packer may not choose the store's documents: {refused:?}"
        );
        let kept = ops::set_packing_documents(&store, &supervisor(), &setting)
            .await
            .unwrap();
        assert_eq!(
            kept.channels[0].documents,
            vec![
                DocumentKind::SalesReceipt,
                DocumentKind::Label,
                DocumentKind::Torg12
            ],
            "trimmed, each document once"
        );
        let pick_list = PackingDocuments {
            default: vec![DocumentKind::PickList],
            channels: vec![],
        };
        let wrong = ops::set_packing_documents(&store, &supervisor(), &pick_list)
            .await
            .unwrap_err()
            .to_string();
        assert!(wrong.contains("pick list"), "{wrong}");

        let mut settings = printing_to(&pdf_printer(), None);
        settings.sales_receipt.printer = Some(pdf_printer());
        settings.torg12.printer = Some(pdf_printer());
        let _queues = QUEUES.lock().await;
        let jobs = pack(&store, &station, "1001", &settings).await;
        let kinds: Vec<DocumentKind> = jobs.iter().map(|j| j.kind).collect();
        assert_eq!(
            kinds,
            vec![DocumentKind::SalesReceipt, DocumentKind::Label],
            "a private buyer: no ТОРГ-12, no invoice"
        );
        assert_eq!(jobs[0].status, PrintStatus::Sent, "{:?}", jobs[0]);
        assert_eq!(
            jobs[1].status,
            PrintStatus::Queued,
            "no label printer chosen"
        );
        // cups-pdf's copy is an A4 page (its text is redrawn without the
        // font's Unicode map, so what it says is read from the bytes the
        // job sent).
        let pdf = wait_for_pdf(&jobs[0].title());
        assert_eq!(
            printed(&pdf).0,
            (595.0, 842.0),
            "an A4 page came out of CUPS"
        );
        let _ = std::fs::remove_file(&pdf);
        let text = sent_text(&store, &jobs[0]).await;
        assert!(
            text.contains("Товарный чек") && text.contains("1001") && text.contains("1655123453"),
            "the товарный чек names the order and the seller's INN: {text}"
        );

        // A business buyer in the same channel: the ТОРГ-12 comes too.
        ops::edit_order(
            &store,
            &supervisor(),
            &same,
            &ops::OrderEdit {
                buyer_name: Some("ООО «Ромашка»".into()),
                buyer_inn: Some("7707083893".into()),
                buyer_kpp: Some("773601001".into()),
                buyer_address: Some("117997, г. Москва, ул. Вавилова, д. 19".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(
            ops::order_detail(&store, &same).await.unwrap().head.channel,
            channel
        );
        let jobs = pack(&store, &station, &same, &settings).await;
        let kinds: Vec<DocumentKind> = jobs.iter().map(|j| j.kind).collect();
        assert_eq!(
            kinds,
            vec![
                DocumentKind::SalesReceipt,
                DocumentKind::Label,
                DocumentKind::Torg12
            ]
        );
        let torg12 = &jobs[2];
        assert_eq!(torg12.status, PrintStatus::Sent, "{torg12:?}");
        let _ = std::fs::remove_file(wait_for_pdf(&torg12.title()));
        let text = sent_text(&store, torg12).await;
        assert!(
            text.contains("7707083893") && text.contains("ТОРГ-12"),
            "the ТОРГ-12 names the buyer's INN: {text}"
        );
        let _ = std::fs::remove_file(wait_for_pdf(&jobs[0].title()));

        // Another channel keeps the default; "print again" follows the
        // channel's list too.
        let again = ops::print_order_documents(&store, &station, &other, &PrintSettings::default())
            .await
            .unwrap();
        let kinds: Vec<DocumentKind> = again.iter().map(|j| j.kind).collect();
        assert_eq!(kinds, vec![DocumentKind::Invoice, DocumentKind::Label]);
    }
);

on_both_engines!(
    print_again_queues_invoice_and_label_even_with_auto_print_off,
    |db| {
        let store = demo(&db).await;
        let station = station("again");
        let settings = PrintSettings {
            auto_print: false,
            ..PrintSettings::default()
        };
        assert!(pack(&store, &station, "1001", &settings).await.is_empty());
        let jobs = ops::print_order_documents(&store, &station, "1001", &settings)
            .await
            .unwrap();
        let kinds: Vec<DocumentKind> = jobs.iter().map(|j| j.kind).collect();
        assert_eq!(kinds, vec![DocumentKind::Invoice, DocumentKind::Label]);
        assert!(jobs
            .iter()
            .all(|j| j.status == PrintStatus::Queued && j.key == DocumentKey::order("1001")));
        let listed = ops::order_print_jobs(&store, "1001").await.unwrap();
        assert_eq!(listed.len(), 2, "both are in the order's queue");
        let missing = ops::print_order_documents(&store, &station, "9999", &settings).await;
        assert!(
            missing.unwrap_err().to_string().contains("9999"),
            "an unknown order is named"
        );
    }
);

/// The pixel size of a `data:image/png;base64,` page, and its PNG bytes.
fn png_page(data_url: &str) -> ((u32, u32), Vec<u8>) {
    use base64::Engine as _;
    let b64 = data_url
        .strip_prefix("data:image/png;base64,")
        .expect("a PNG data URL");
    let png = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .expect("valid base64");
    assert_eq!(&png[1..4], b"PNG");
    let be = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    ((be(16), be(20)), png)
}

/// A page drawn at the paper's size: pdftoppm rounds a fraction of a pixel up.
fn assert_size(got: (u32, u32), want: (u32, u32)) {
    assert!(
        got.0.abs_diff(want.0) <= 1 && got.1.abs_diff(want.1) <= 1,
        "a page of {}x{} px, not {}x{}",
        got.0,
        got.1,
        want.0,
        want.1
    );
}

/// What zbarimg reads in a PNG.
fn barcodes_in_png(png: &[u8]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("page.png");
    std::fs::write(&path, png).unwrap();
    let out = Command::new("zbarimg")
        .args(["--quiet", "--raw"])
        .arg(&path)
        .output()
        .expect("zbarimg runs (make test installs zbar-tools)");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

on_both_engines!(
    a_preview_shows_each_document_as_page_images_on_its_paper,
    |db| {
        let store = demo(&db).await;
        let station = station("preview");
        pack(&store, &station, "1001", &common::no_auto_print()).await;
        let order = DocumentKey::order("1001");
        // A4 at 96 dpi: 794 x 1123 px.
        let invoice = ops::preview_document(
            &store,
            DocumentKind::Invoice,
            &order,
            &DocumentSettings::for_kind(DocumentKind::Invoice),
        )
        .await
        .unwrap();
        assert_eq!((invoice.page_count, invoice.pages.len()), (1, 1));
        assert_size(png_page(&invoice.pages[0]).0, (794, 1123));
        assert_eq!(invoice.file_name, "invoice-1001.pdf");
        assert!(invoice.bytes > 1000 && invoice.zpl.is_none());
        // A5 packing slip: 148 x 210 mm = 559 x 794 px.
        let slip_settings = DocumentSettings {
            paper: Paper::A5,
            ..DocumentSettings::for_kind(DocumentKind::PackingSlip)
        };
        let slip = ops::preview_document(&store, DocumentKind::PackingSlip, &order, &slip_settings)
            .await
            .unwrap();
        assert_size(png_page(&slip.pages[0]).0, (559, 794));
        // A ZPL label: the ZPL text and the same label drawn at 150 dpi
        // (4 x 6 in = 600 x 900 px) whose order barcode scans.
        let zpl_settings = DocumentSettings {
            format: DocFormat::Zpl,
            ..DocumentSettings::for_kind(DocumentKind::Label)
        };
        let label = ops::preview_document(&store, DocumentKind::Label, &order, &zpl_settings)
            .await
            .unwrap();
        let zpl = label.zpl.as_deref().expect("the ZPL is shown");
        assert!(zpl.starts_with("^XA") && zpl.contains("^CI28"), "{zpl}");
        assert_eq!(label.bytes, zpl.len() as i64);
        assert_eq!(label.file_name, "label-1001.zpl");
        let (size, png) = png_page(&label.pages[0]);
        assert_size(size, (600, 900));
        assert!(
            barcodes_in_png(&png).contains(&"1001".to_string()),
            "the preview's order barcode scans"
        );
        // The pick list and the manifest have their own keys.
        let list =
            ops::create_pick_list(&store, &supervisor(), ops::PickSelection::NextConfirmed(3))
                .await
                .unwrap();
        let pick = ops::preview_document(
            &store,
            DocumentKind::PickList,
            &DocumentKey::PickList { id: list.id },
            &DocumentSettings::for_kind(DocumentKind::PickList),
        )
        .await
        .unwrap();
        assert!(pick.page_count >= 1 && pick.pages.len() as i64 == pick.page_count);
        // A key that does not fit the document, and an order that is not there.
        let wrong = ops::preview_document(
            &store,
            DocumentKind::Invoice,
            &DocumentKey::PickList { id: list.id },
            &DocumentSettings::for_kind(DocumentKind::Invoice),
        )
        .await;
        assert!(wrong.unwrap_err().to_string().contains("order number"));
        let missing = ops::preview_document(
            &store,
            DocumentKind::Invoice,
            &DocumentKey::order("404404"),
            &DocumentSettings::for_kind(DocumentKind::Invoice),
        )
        .await;
        assert!(missing.unwrap_err().to_string().contains("404404"));
    }
);

on_both_engines!(with_auto_print_off_nothing_is_queued, |db| {
    let store = demo(&db).await;
    let settings = PrintSettings {
        auto_print: false,
        ..printing_to(&pdf_printer(), None)
    };
    let jobs = pack(&store, &station("off"), "1001", &settings).await;
    assert!(jobs.is_empty());
    assert!(ops::print_jobs(&store, 10).await.unwrap().is_empty());
});

#[tokio::test]
async fn the_systems_printers_are_listed_with_their_state() {
    require_queues();
    let printers = ops::list_printers().await;
    let find = |name: &str| {
        printers
            .iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("{name} is listed: {printers:?}"))
    };
    assert_ne!(find(&pdf_printer()).state, PrinterState::Stopped);
    assert_ne!(find(&raw_printer()).state, PrinterState::Stopped);
    let stopped = find(&stopped_printer());
    assert_eq!(stopped.state, PrinterState::Stopped);
    assert_eq!(stopped.message, "out of labels");
}

// ---- the print command, as a user runs it ----

/// The CLI binary `cargo test --workspace` builds next to this test.
fn cli() -> PathBuf {
    common::cli_binary()
}

fn run_cli(db: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(cli())
        .arg("--db")
        .arg(db)
        .args(["--station", "cli-print-test"])
        // The demo's admin, once the demo has brought its users.
        .env("PACKBENCH_USER", "olga")
        .env("PACKBENCH_PIN", "1111")
        .args(args)
        .output()
        .expect("the CLI runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[tokio::test]
async fn the_print_command_writes_files_and_sends_jobs_to_real_queues() {
    require_queues();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.db");
    let (code, _, err) = run_cli(&db, &["init", "--demo"]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run_cli(&db, &["print", "seller", "--demo"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("ООО «Пакбенч»"));

    // To files: a PDF and ZPL at both resolutions.
    let invoice = dir.path().join("invoice.pdf");
    let (code, _, err) = run_cli(
        &db,
        &[
            "print",
            "invoice",
            "1001",
            "--lang",
            "en",
            "--out",
            invoice.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(pdf_text(&invoice).contains("Invoice No. 1001"));
    let zpl = dir.path().join("label.zpl");
    let (code, _, err) = run_cli(
        &db,
        &[
            "print",
            "label",
            "1001",
            "--size",
            "100x150",
            "--dpi",
            "300",
            "--format",
            "zpl",
            "--sscc",
            "046012340000010016",
            "--out",
            zpl.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(&zpl).unwrap();
    assert!(
        text.contains("^PW1181") && text.contains(">;>800046012340000010016"),
        "{text}"
    );
    let (code, _, err) = run_cli(&db, &["print", "invoice", "1001"]);
    assert_eq!(code, 2, "no destination is bad usage: {err}");
    assert!(err.contains("--out FILE"), "{err}");

    let _queues = QUEUES.lock().await;
    // To the PDF printer.
    let (code, out, err) = run_cli(
        &db,
        &[
            "--json",
            "print",
            "packing-slip",
            "1001",
            "--printer",
            &pdf_printer(),
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    let job: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(job["status"], "sent", "{job}");
    let title = format!(
        "packbench-packing-slip-1001-job{}-cli-print-test",
        job["id"]
    );
    let pdf = wait_for_pdf(&title);
    assert_eq!(printed(&pdf), ((595.0, 842.0), vec!["1001".to_string()]));
    let _ = std::fs::remove_file(pdf);
    // To the raw queue as ZPL.
    let zebra = zebra_on_the_raw_port();
    let (code, out, err) = run_cli(
        &db,
        &[
            "print",
            "label",
            "1001",
            "--format",
            "zpl",
            "--printer",
            &raw_printer(),
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("sent"), "{out}");
    let received = zebra
        .recv_timeout(Duration::from_secs(30))
        .expect("ZPL arrives");
    let received = String::from_utf8(received).unwrap();
    assert!(received.starts_with("^XA") && received.contains("^FDИванова Мария^FS"));
    // A missing printer: exit 1, the job failed, the queue lists it.
    let (code, out, _) = run_cli(
        &db,
        &["print", "invoice", "1001", "--printer", "NoSuchPrinter"],
    );
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("failed") && out.contains("NoSuchPrinter"),
        "{out}"
    );
    let (code, out, _) = run_cli(&db, &["print", "jobs"]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 3, "three jobs in the queue:\n{out}");
    let (code, out, _) = run_cli(&db, &["print", "printers"]);
    assert_eq!(code, 0);
    assert!(
        out.contains(&pdf_printer()) && out.contains("out of labels"),
        "{out}"
    );
}

/// A cups-pdf queue of the test's own, made like the test printer (its
/// PPD), removed when dropped: it can be stopped and started again.
struct OwnQueue(String);

impl OwnQueue {
    fn new(tag: &str) -> OwnQueue {
        let name = format!(
            "Pb{tag}{}",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        );
        let ppd = format!("/etc/cups/ppd/{}.ppd", pdf_printer());
        let ok = Command::new("lpadmin")
            .args(["-p", &name, "-v", "cups-pdf:/", "-P", &ppd, "-E"])
            .status()
            .unwrap()
            .success();
        assert!(ok, "lpadmin made {name} from {ppd}");
        OwnQueue(name)
    }

    fn stop(&self, reason: &str) {
        assert!(Command::new("cupsdisable")
            .args(["-r", reason, &self.0])
            .status()
            .unwrap()
            .success());
    }

    fn start(&self) {
        assert!(Command::new("cupsenable")
            .arg(&self.0)
            .status()
            .unwrap()
            .success());
    }
}

impl Drop for OwnQueue {
    fn drop(&mut self) {
        let _ = Command::new("lpadmin").args(["-x", &self.0]).status();
    }
}

async fn demo_with_clock(
    db: &TestDb,
) -> (Store, std::sync::Arc<packbench_core::clock::FixedClock>) {
    let c = clock();
    let store = db.store.clone().with_clock(c.clone());
    ops::load_demo(&store, &Actor::new("admin", "office", Role::Admin), 1)
        .await
        .unwrap();
    ops::set_seller(&store, &supervisor(), &Seller::demo())
        .await
        .unwrap();
    (store, c)
}

fn ids(jobs: &[PrintJob]) -> Vec<(i64, PrintStatus)> {
    jobs.iter().map(|j| (j.id, j.status)).collect()
}

on_both_engines!(
    a_printer_that_comes_back_prints_what_waited_in_order_backing_off_meanwhile,
    |db| {
        require_queues();
        let (store, clock) = demo_with_clock(&db).await;
        let station = station("comeback");
        let queue = OwnQueue::new("Back");
        queue.stop("paper jam");
        let settings = DocumentSettings::for_kind(DocumentKind::Invoice).on(queue.0.clone());
        let mut jobs = Vec::new();
        for number in ["1001", "1002", "1003"] {
            let key = DocumentKey::order(number);
            let job = ops::print_document(&store, &station, DocumentKind::Invoice, &key, &settings)
                .await
                .unwrap();
            assert_eq!(job.status, PrintStatus::Failed, "{}", job.message);
            jobs.push(job.id);
        }

        // Nothing is tried before its back-off is over.
        let tried = ops::send_waiting_print_jobs(&store, &station)
            .await
            .unwrap();
        assert!(tried.is_empty(), "tried too early: {:?}", ids(&tried));

        // The first retry (5 s) fails again and stops the round: the
        // later jobs do not jump the queue.
        clock.advance(chrono::Duration::seconds(6));
        let tried = ops::send_waiting_print_jobs(&store, &station)
            .await
            .unwrap();
        assert_eq!(ids(&tried), vec![(jobs[0], PrintStatus::Failed)]);

        // Its next retry waits twice as long (10 s); the others wait
        // behind it although theirs is over.
        clock.advance(chrono::Duration::seconds(6));
        let tried = ops::send_waiting_print_jobs(&store, &station)
            .await
            .unwrap();
        assert!(
            tried.is_empty(),
            "the first job's back-off doubled: {:?}",
            ids(&tried)
        );

        // The printer is back: everything that waited goes out, in order.
        queue.start();
        clock.advance(chrono::Duration::seconds(5));
        let tried = ops::send_waiting_print_jobs(&store, &station)
            .await
            .unwrap();
        assert_eq!(
            ids(&tried),
            jobs.iter()
                .map(|id| (*id, PrintStatus::Sent))
                .collect::<Vec<_>>()
        );
        let cups: Vec<u64> = tried
            .iter()
            .map(|j| {
                let id = j.cups_job.as_deref().unwrap();
                id.rsplit('-').next().unwrap().parse().unwrap()
            })
            .collect();
        assert!(
            cups.windows(2).all(|w| w[0] < w[1]),
            "CUPS got them in the order they were queued: {cups:?}"
        );
        // Nothing waits any more.
        clock.advance(chrono::Duration::seconds(600));
        let tried = ops::send_waiting_print_jobs(&store, &station)
            .await
            .unwrap();
        assert!(tried.is_empty(), "{:?}", ids(&tried));
        let _ = Command::new("cancel").args(["-a", &queue.0]).status();
    }
);

on_both_engines!(
    a_job_whose_lp_was_cut_off_by_a_crash_is_never_sent_again_by_itself,
    |db| {
        require_queues();
        let (store, clock) = demo_with_clock(&db).await;
        let station = station("crash");
        let queue = OwnQueue::new("Crash");
        queue.stop("paper jam");
        let settings = DocumentSettings::for_kind(DocumentKind::Invoice).on(queue.0.clone());
        let key = DocumentKey::order("1004");
        let job = ops::print_document(&store, &station, DocumentKind::Invoice, &key, &settings)
            .await
            .unwrap();
        queue.start();
        // The station died while lp ran: the job is still marked as being
        // sent, as the lease left it.
        sqlx::query(
            "UPDATE print_jobs SET status = 'queued', sending_since = $1, next_attempt_at = NULL \
             WHERE id = $2",
        )
        .bind(store.now_ms())
        .bind(job.id)
        .execute(store.pool())
        .await
        .unwrap();

        // While its lp could still be running, nobody touches it.
        clock.advance(chrono::Duration::seconds(10));
        let tried = ops::send_waiting_print_jobs(&store, &station)
            .await
            .unwrap();
        assert!(tried.is_empty(), "{:?}", ids(&tried));

        // Once lp would have ended, it is marked: it may have printed.
        clock.advance(chrono::Duration::seconds(60));
        let recovered = ops::recover_print_jobs(&store, &station).await.unwrap();
        assert_eq!(ids(&recovered), vec![(job.id, PrintStatus::Failed)]);
        assert!(
            recovered[0].message.contains("may have printed"),
            "{}",
            recovered[0].message
        );
        for _ in 0..3 {
            clock.advance(chrono::Duration::seconds(400));
            let tried = ops::send_waiting_print_jobs(&store, &station)
                .await
                .unwrap();
            assert!(tried.is_empty(), "sent again by itself: {:?}", ids(&tried));
        }
        assert!(
            order_events(&store, "1004")
                .await
                .contains(&"print_failed".to_string()),
            "every station hears of it"
        );
        // A person decides: printed again by hand, it goes out.
        let again = ops::retry_print_job(&store, &station, job.id, None)
            .await
            .unwrap();
        assert_eq!(again.status, PrintStatus::Sent, "{}", again.message);
        let _ = Command::new("cancel").args(["-a", &queue.0]).status();
    }
);
