//! Documents read back as a person and a scanner would: every PDF is
//! rendered from the demo warehouse on SQLite and on PostgreSQL, its words
//! are read with `pdftotext`, its pages rasterised at 203 dpi (a thermal
//! printer's resolution) with `pdftoppm`, and every barcode on them decoded
//! with `zbarimg` back to exactly the value it encodes. The ZPL labels are
//! compared with reviewed golden files in tests/fixtures/zpl.
//!
//! The tools come from scripts/install-deps.sh; a missing tool fails the
//! test rather than skipping it.
//!
//! `PACKBENCH_DOC_SAMPLES=/some/dir` also keeps the rendered documents there
//! (from the SQLite run), to look at them.

mod common;

use common::{clock, packer, supervisor, TestDb};
use packbench_core::documents::{
    self, money, weight_kg, DocFormat, DocumentKind, DocumentSettings, Dpi, InvoiceLine,
    InvoiceView, LabelView, Labels, Lang, Paper, Party, Seller, Symbol,
};
use packbench_core::domain::PaymentStatus;
use packbench_core::ops::{self, Actor, DocumentKey, PickSelection, Role};
use packbench_core::store::{Engine, Store};
use packbench_core::Error;
use std::path::{Path, PathBuf};
use std::process::Command;

// ---- reading documents back ----

/// Runs a poppler or zbar tool; a missing tool is a failure that says how
/// to install it.
fn run_tool(program: &str, args: &[&str]) -> std::process::Output {
    Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "{program} could not run ({e}); install it with scripts/install-deps.sh \
             (Debian packages poppler-utils and zbar-tools)"
            )
        })
}

fn temp_pdf(bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, bytes).expect("the PDF is written");
    (dir, path)
}

/// The PDF's words with `pdftotext -layout`.
fn pdf_text(bytes: &[u8]) -> String {
    let (_dir, path) = temp_pdf(bytes);
    let out = run_tool("pdftotext", &["-layout", path.to_str().unwrap(), "-"]);
    assert!(
        out.status.success(),
        "pdftotext reads the PDF: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("pdftotext writes UTF-8")
}

/// Every barcode on every page at 203 dpi, sorted. GS1-128 symbols (zbar
/// reports modifiers='GS1': FNC1 came first) are written with the AIM
/// prefix `]C1`, as `Symbol::decoded` writes them.
fn pdf_barcodes(bytes: &[u8]) -> Vec<String> {
    let (dir, path) = temp_pdf(bytes);
    let prefix = dir.path().join("page");
    let out = run_tool(
        "pdftoppm",
        &[
            "-r",
            "203",
            "-png",
            path.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "pdftoppm renders the PDF");
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "png"))
        .collect();
    pages.sort();
    assert!(!pages.is_empty(), "pdftoppm made at least one page");
    let mut found = Vec::new();
    for page in pages {
        let out = run_tool("zbarimg", &["--xml", "-q", page.to_str().unwrap()]);
        // zbarimg exits 4 when a page has no barcode at all.
        assert!(
            out.status.success() || out.status.code() == Some(4),
            "zbarimg reads {}: {}",
            page.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        found.extend(parse_zbar_xml(&String::from_utf8_lossy(&out.stdout)));
    }
    found.sort();
    found
}

fn parse_zbar_xml(xml: &str) -> Vec<String> {
    let mut out = Vec::new();
    for symbol in xml.split("<symbol ").skip(1) {
        let head = &symbol[..symbol.find('>').unwrap_or(0)];
        let data = symbol
            .split("<![CDATA[")
            .nth(1)
            .and_then(|d| d.split("]]>").next())
            .unwrap_or_default();
        if head.contains("GS1") {
            out.push(format!("]C1{data}"));
        } else {
            out.push(data.to_string());
        }
    }
    out
}

/// (font name, embedded, subset) for each font in the PDF.
fn pdf_fonts(bytes: &[u8]) -> Vec<(String, bool, bool)> {
    let (_dir, path) = temp_pdf(bytes);
    let out = run_tool("pdffonts", &[path.to_str().unwrap()]);
    assert!(out.status.success(), "pdffonts reads the PDF");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .skip(2)
        .filter_map(|line| {
            let cols: Vec<&str> = line.split_whitespace().collect();
            let n = cols.len();
            (n >= 6).then(|| {
                (
                    cols[0].to_string(),
                    cols[n - 5] == "yes",
                    cols[n - 4] == "yes",
                )
            })
        })
        .collect()
}

/// Page size in points and the page count, from `pdfinfo`.
fn pdf_pages(bytes: &[u8]) -> (f32, f32, usize) {
    let (_dir, path) = temp_pdf(bytes);
    let out = run_tool("pdfinfo", &[path.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let field = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(name))
            .map(|l| l[name.len()..].trim().to_string())
            .unwrap_or_default()
    };
    let size = field("Page size:");
    let parts: Vec<&str> = size.split_whitespace().collect();
    (
        parts[0].parse().unwrap(),
        parts[2].parse().unwrap(),
        field("Pages:").parse().unwrap(),
    )
}

fn assert_fonts_embedded_and_subset(bytes: &[u8], what: &str) {
    let fonts = pdf_fonts(bytes);
    assert!(!fonts.is_empty(), "{what} has fonts");
    for (name, emb, sub) in &fonts {
        assert!(
            *emb && *sub && name.contains('+') && name.contains("DejaVuSans"),
            "{what}: font {name} is DejaVu, embedded and subset (emb {emb}, sub {sub})"
        );
    }
}

/// Keeps a rendered document for looking at (PACKBENCH_DOC_SAMPLES), once.
fn keep(db: &TestDb, name: &str, bytes: &[u8]) {
    if let Ok(dir) = std::env::var("PACKBENCH_DOC_SAMPLES") {
        if db.store.engine() == Engine::Sqlite && !dir.is_empty() {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(Path::new(&dir).join(name), bytes).unwrap();
        }
    }
}

// ---- the warehouse ----

fn admin() -> Actor {
    Actor::new("admin", "office", Role::Admin)
}

/// The demo warehouse with the demo shop as seller.
async fn demo(db: &TestDb) -> Store {
    let store = db.store.clone().with_clock(clock());
    ops::load_demo(&store, &admin(), 1).await.unwrap();
    ops::set_seller(&store, &supervisor(), &Seller::demo())
        .await
        .unwrap();
    store
}

/// VAT inside a price, worked out here on its own: amount x rate / (1 +
/// rate), rounded half away from zero (amounts here are positive).
fn vat_of(amount: i64, rate_bp: i64) -> i64 {
    let num = amount as i128 * rate_bp as i128 * 2;
    let den = (10_000 + rate_bp) as i128;
    ((num / den + 1) / 2) as i64
}

fn settings(kind: DocumentKind, lang: Lang) -> DocumentSettings {
    DocumentSettings {
        lang,
        ..DocumentSettings::for_kind(kind)
    }
}

// ---- the documents ----

on_both_engines!(the_invoice_shows_the_status_by_the_stores_name, |db| {
    let store = demo(&db).await;
    let admin =
        packbench_core::ops::Actor::new("admin", "office", packbench_core::ops::Role::Admin);
    let order = ops::order_detail(&store, "1001").await.unwrap();
    let stage = order.head.status.as_str().to_string();
    ops::rename_status(&store, &admin, &stage, "Our own stage", "Наш этап")
        .await
        .unwrap();
    let key = DocumentKey::order("1001");
    for (lang, name) in [
        (Lang::Ru, "Статус: Наш этап"),
        (Lang::En, "Status: Our own stage"),
    ] {
        let pdf = ops::render_document(
            &store,
            DocumentKind::Invoice,
            &key,
            &settings(DocumentKind::Invoice, lang),
        )
        .await
        .unwrap();
        let text = pdf_text(&pdf);
        assert!(text.contains(name), "{name:?} on the invoice:\n{text}");
    }
});

on_both_engines!(
    the_invoice_names_the_customer_in_cyrillic_and_adds_up_to_the_order_total,
    |db| {
        let store = demo(&db).await;
        let order = ops::order_detail(&store, "1001").await.unwrap();
        assert_eq!(order.head.customer_name, "Иванова Мария");
        let key = DocumentKey::order("1001");
        let pdf = ops::render_document(
            &store,
            DocumentKind::Invoice,
            &key,
            &settings(DocumentKind::Invoice, Lang::Ru),
        )
        .await
        .unwrap();
        keep(&db, "invoice-1001-ru.pdf", &pdf);
        let text = pdf_text(&pdf);
        // The totals worked out from the order's lines, independently.
        let goods: i64 = order
            .lines
            .iter()
            .map(|l| l.quantity * l.unit_price_minor - l.discount_minor)
            .sum();
        let total = goods + order.head.delivery_cost_minor;
        let vat: i64 = order
            .lines
            .iter()
            .map(|l| {
                vat_of(
                    l.quantity * l.unit_price_minor - l.discount_minor,
                    l.tax_rate_bp,
                )
            })
            .sum::<i64>()
            + vat_of(order.head.delivery_cost_minor, 2000);
        assert_eq!(total, order.total_minor, "the order's own total agrees");
        for expected in [
            "Иванова Мария".to_string(),
            "Счёт № 1001".to_string(),
            "ООО «Пакбенч»".to_string(),
            "ИНН 1655123453".to_string(),
            format!("Итого: {}", money(total, "RUB", Lang::Ru)),
            format!("В том числе НДС 20%: {}", money(vat, "RUB", Lang::Ru)),
        ] {
            let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
            let want = expected.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(
                flat.contains(&want),
                "the invoice shows {expected:?}:\n{text}"
            );
        }
        for line in &order.lines {
            assert!(text.contains(&line.sku), "line {} is listed", line.sku);
        }
        assert_eq!(
            pdf_barcodes(&pdf),
            vec!["1001"],
            "the order number scans back"
        );
        assert_fonts_embedded_and_subset(&pdf, "the invoice");
        let (w, h, pages) = pdf_pages(&pdf);
        assert_eq!(
            (w.round(), h.round(), pages),
            (595.0, 842.0, 1),
            "one A4 page"
        );

        let en = ops::render_document(
            &store,
            DocumentKind::Invoice,
            &key,
            &settings(DocumentKind::Invoice, Lang::En),
        )
        .await
        .unwrap();
        keep(&db, "invoice-1001-en.pdf", &en);
        let text = pdf_text(&en);
        assert!(text.contains("Invoice No. 1001"), "{text}");
        assert!(
            text.contains("Иванова Мария"),
            "names are printed as written"
        );
        assert!(
            text.contains(&money(total, "RUB", Lang::En)),
            "the English total {}:\n{text}",
            money(total, "RUB", Lang::En)
        );
    }
);

on_both_engines!(
    the_packing_slip_lists_bins_and_quantities_and_no_prices,
    |db| {
        let store = demo(&db).await;
        let order = ops::order_detail(&store, "1001").await.unwrap();
        let key = DocumentKey::order("1001");
        for (paper, name) in [
            (Paper::A4, "packing-slip-1001-a4.pdf"),
            (Paper::A5, "packing-slip-1001-a5.pdf"),
        ] {
            let s = DocumentSettings {
                paper,
                ..settings(DocumentKind::PackingSlip, Lang::Ru)
            };
            let pdf = ops::render_document(&store, DocumentKind::PackingSlip, &key, &s)
                .await
                .unwrap();
            keep(&db, name, &pdf);
            let text = pdf_text(&pdf);
            assert!(text.contains("Упаковочный лист"), "{text}");
            assert!(text.contains("Иванова Мария"), "the recipient is named");
            for line in &order.lines {
                assert!(text.contains(&line.sku), "{} is listed", line.sku);
                let bin = line.bin.as_deref().expect("demo products have bins");
                assert!(text.contains(bin), "bin {bin} is shown:\n{text}");
                let price = documents::amount(line.unit_price_minor, "RUB", Lang::Ru);
                assert!(
                    !text.contains(&price),
                    "no price ({price}) on a packing slip:\n{text}"
                );
            }
            assert!(!text.contains('₽'), "no money at all on a packing slip");
            assert_eq!(
                pdf_barcodes(&pdf),
                vec!["1001"],
                "the order barcode scans back"
            );
            assert_fonts_embedded_and_subset(&pdf, "the packing slip");
            let (w, _, _) = pdf_pages(&pdf);
            let expected_w = if paper == Paper::A5 { 420.0 } else { 595.0 };
            assert_eq!(w.round(), expected_w, "{paper:?} paper");
        }
    }
);

on_both_engines!(
    the_shipping_label_carries_order_tracking_and_sscc_barcodes_on_both_sizes,
    |db| {
        let store = demo(&db).await;
        common::pack_and_ship(&store, "1001", "СДЭК", "1084563217").await;
        let order = ops::order_detail(&store, "1001").await.unwrap();
        let mut weight = 0;
        for line in &order.lines {
            let product = ops::product_by_sku(&store, &line.sku).await.unwrap();
            weight += line.packed * product.weight_g;
        }
        // A carton's SSCC: extension 0, the shop's GS1 prefix, serial 1001.
        let sscc = documents::sscc(0, "4601234", 1001).unwrap();
        assert!(packbench_core::domain::barcode::is_valid_sscc(&sscc));
        let key = DocumentKey::order("1001");
        for (paper, lang, points) in [
            (Paper::Label4x6, Lang::Ru, (288.0, 432.0)),
            (Paper::Label100x150, Lang::En, (283.0, 425.0)),
        ] {
            let s = DocumentSettings {
                paper,
                ..settings(DocumentKind::Label, lang)
            };
            let pdf = ops::render_with_sscc(&store, DocumentKind::Label, &key, &s, Some(&sscc))
                .await
                .unwrap();
            keep(
                &db,
                &format!("label-1001-{}-{}.pdf", paper.as_str(), lang.as_str()),
                &pdf,
            );
            let text = pdf_text(&pdf);
            for expected in [
                "Иванова Мария",
                "1001",
                "1084563217",
                "СДЭК",
                "ООО «Пакбенч»",
            ] {
                assert!(
                    text.contains(expected),
                    "the label shows {expected}:\n{text}"
                );
            }
            assert!(
                text.contains(&weight_kg(weight, lang)),
                "weight {} from the products:\n{text}",
                weight_kg(weight, lang)
            );
            assert!(
                text.contains(&format!("(00) {sscc}")),
                "the SSCC under its bars"
            );
            let mut expected = vec![
                "1001".to_string(),
                "1084563217".to_string(),
                format!("]C100{sscc}"),
            ];
            expected.sort();
            assert_eq!(
                pdf_barcodes(&pdf),
                expected,
                "order and tracking as Code 128, the SSCC as GS1-128 with FNC1 and AI 00"
            );
            assert_fonts_embedded_and_subset(&pdf, "the label");
            let (w, h, pages) = pdf_pages(&pdf);
            assert_eq!(
                (w.round(), h.round(), pages),
                (points.0, points.1, 1),
                "{paper:?}"
            );
        }
        // A packed order not yet handed to the courier (1009 is ready) has
        // no tracking number, and no carton: the order barcode alone.
        let plain = ops::render_document(
            &store,
            DocumentKind::Label,
            &DocumentKey::order("1009"),
            &settings(DocumentKind::Label, Lang::Ru),
        )
        .await
        .unwrap();
        keep(&db, "label-1009-no-tracking.pdf", &plain);
        assert_eq!(pdf_barcodes(&plain), vec!["1009"]);
    }
);

on_both_engines!(the_pick_list_carries_the_orders_pinned_notes, |db| {
    let store = demo(&db).await;
    let list = ops::create_pick_list(&store, &supervisor(), PickSelection::NextConfirmed(3))
        .await
        .unwrap();
    let number = list.orders[0].clone();
    ops::add_note(
        &store,
        &supervisor(),
        &number,
        "упаковать как подарок",
        true,
    )
    .await
    .unwrap();
    ops::add_note(&store, &supervisor(), &number, "внутренняя пометка", false)
        .await
        .unwrap();
    let key = DocumentKey::PickList { id: list.id };
    for (lang, words) in [(Lang::Ru, "Заметка к заказу"), (Lang::En, "Note on order")]
    {
        let pdf = ops::render_document(
            &store,
            DocumentKind::PickList,
            &key,
            &settings(DocumentKind::PickList, lang),
        )
        .await
        .unwrap();
        let text = pdf_text(&pdf);
        assert!(
            text.contains(&format!("{words} {number}: упаковать как подарок")),
            "the pinned note is on the pick list:\n{text}"
        );
        assert!(
            !text.contains("внутренняя пометка"),
            "an unpinned note is not"
        );
    }
});

on_both_engines!(
    the_pick_list_walks_the_bins_in_order_with_every_bin_and_product_barcode,
    |db| {
        let store = demo(&db).await;
        let list = ops::create_pick_list(&store, &supervisor(), PickSelection::NextConfirmed(6))
            .await
            .unwrap();
        assert!(
            list.lines.len() >= 6,
            "a list worth printing: {} lines",
            list.lines.len()
        );
        let key = DocumentKey::PickList { id: list.id };
        let pdf = ops::render_document(
            &store,
            DocumentKind::PickList,
            &key,
            &settings(DocumentKind::PickList, Lang::Ru),
        )
        .await
        .unwrap();
        keep(&db, "pick-list-ru.pdf", &pdf);
        let text = pdf_text(&pdf);
        assert!(
            text.contains(&format!("Лист сборки № {}", list.id)),
            "{text}"
        );
        // Bins appear in walking order.
        let mut at = 0;
        for line in &list.lines {
            let found = text[at..].find(&line.bin);
            assert!(
                found.is_some(),
                "bin {} comes after the previous one:\n{text}",
                line.bin
            );
            at += found.unwrap();
        }
        for number in &list.orders {
            assert!(text.contains(number.as_str()), "order {number} is named");
        }
        let mut expected: Vec<String> = Vec::new();
        for line in &list.lines {
            expected.push(line.bin.clone());
            let code = line
                .barcode
                .as_deref()
                .expect("demo products have barcodes");
            expected.push(Symbol::product(code).unwrap().decoded());
        }
        expected.sort();
        assert_eq!(
            pdf_barcodes(&pdf),
            expected,
            "every bin and product barcode scans back"
        );
        assert_fonts_embedded_and_subset(&pdf, "the pick list");
        let en = ops::render_document(
            &store,
            DocumentKind::PickList,
            &key,
            &settings(DocumentKind::PickList, Lang::En),
        )
        .await
        .unwrap();
        keep(&db, "pick-list-en.pdf", &en);
        assert!(pdf_text(&en).contains(&format!("Pick list No. {}", list.id)));
    }
);

on_both_engines!(
    the_manifest_lists_a_carriers_parcels_of_the_day_with_tracking_barcodes_and_totals,
    |db| {
        let store = demo(&db).await;
        common::pack_and_ship(&store, "1001", "СДЭК", "1084563217").await;
        let day = store.now().date_naive();
        let view = ops::manifest_view(&store, "СДЭК", day).await.unwrap();
        let ours = view
            .parcels
            .iter()
            .find(|p| p.number == "1001")
            .expect("the parcel shipped today is on today's manifest");
        assert_eq!(ours.tracking.as_deref(), Some("1084563217"));
        assert!(view
            .parcels
            .iter()
            .all(|p| p.number == "1001" || p.tracking.is_some()));
        let key = DocumentKey::Manifest {
            carrier: "СДЭК".into(),
            date: day,
        };
        let pdf = ops::render_document(
            &store,
            DocumentKind::Manifest,
            &key,
            &settings(DocumentKind::Manifest, Lang::Ru),
        )
        .await
        .unwrap();
        keep(&db, "manifest-ru.pdf", &pdf);
        let text = pdf_text(&pdf);
        for expected in [
            "Акт приёма-передачи отправлений".to_string(),
            "Перевозчик: СДЭК".to_string(),
            "Иванова Мария".to_string(),
            format!("Всего отправлений: {}", view.parcels.len()),
            format!("Общий вес: {}", weight_kg(view.total_weight_g(), Lang::Ru)),
            "Принял (курьер)".to_string(),
        ] {
            assert!(
                text.contains(&expected),
                "the manifest shows {expected:?}:\n{text}"
            );
        }
        let mut expected: Vec<String> = view
            .parcels
            .iter()
            .filter_map(|p| p.tracking.clone())
            .collect();
        expected.sort();
        assert_eq!(
            pdf_barcodes(&pdf),
            expected,
            "each parcel's tracking number scans back"
        );
        assert_fonts_embedded_and_subset(&pdf, "the manifest");
        // Another carrier's day has none of these parcels.
        let other = ops::manifest_view(&store, "DPD", day).await.unwrap();
        assert!(other.parcels.iter().all(|p| p.number != "1001"));
        let en = ops::render_document(
            &store,
            DocumentKind::Manifest,
            &key,
            &settings(DocumentKind::Manifest, Lang::En),
        )
        .await
        .unwrap();
        keep(&db, "manifest-en.pdf", &en);
        assert!(pdf_text(&en).contains("Courier hand-over list"));
    }
);

on_both_engines!(
    a_zpl_label_from_the_database_is_utf8_with_the_printers_own_barcodes,
    |db| {
        let store = demo(&db).await;
        common::pack_and_ship(&store, "1001", "СДЭК", "1084563217").await;
        for dpi in [Dpi::D203, Dpi::D300] {
            let s = DocumentSettings {
                format: DocFormat::Zpl,
                dpi,
                ..settings(DocumentKind::Label, Lang::Ru)
            };
            let bytes =
                ops::render_document(&store, DocumentKind::Label, &DocumentKey::order("1001"), &s)
                    .await
                    .unwrap();
            let zpl = String::from_utf8(bytes).expect("ZPL is UTF-8");
            keep(
                &db,
                &format!("label-1001-{}dpi.zpl", dpi.value()),
                zpl.as_bytes(),
            );
            assert!(zpl.starts_with("^XA") && zpl.trim_end().ends_with("^XZ"));
            assert!(zpl.contains("^CI28"), "field data declared UTF-8");
            assert!(zpl.contains("^FDИванова Мария^FS"), "Cyrillic as written");
            assert!(
                zpl.contains("^BCN,") && zpl.contains("^FD>;1001^FS"),
                "order as ^BC, subset C"
            );
            assert!(zpl.contains("^FD>;1084563217^FS"), "tracking as ^BC");
            let width = if dpi == Dpi::D203 {
                "^PW812"
            } else {
                "^PW1200"
            };
            assert!(zpl.contains(width), "4 in wide at {} dpi", dpi.value());
        }
    }
);

on_both_engines!(documents_refuse_what_no_printer_can_print, |db| {
    let store = demo(&db).await;
    let key = DocumentKey::order("1001");
    let zpl_invoice = DocumentSettings {
        format: DocFormat::Zpl,
        ..settings(DocumentKind::Invoice, Lang::Ru)
    };
    let e = ops::render_document(&store, DocumentKind::Invoice, &key, &zpl_invoice)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Invalid(_)), "ZPL is for labels: {e}");
    let e = ops::render_document(
        &store,
        DocumentKind::Label,
        &key,
        &settings(DocumentKind::Invoice, Lang::Ru),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, Error::Invalid(_)), "a label on A4: {e}");
    let e = ops::render_document(
        &store,
        DocumentKind::Invoice,
        &DocumentKey::order("9999"),
        &settings(DocumentKind::Invoice, Lang::Ru),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, Error::NotFound { .. }), "an unknown order: {e}");
    let e = ops::render_with_sscc(
        &store,
        DocumentKind::Label,
        &key,
        &settings(DocumentKind::Label, Lang::Ru),
        Some("123"),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, Error::Invalid(_)), "a bad SSCC: {e}");
    let e = ops::render_document(
        &store,
        DocumentKind::PickList,
        &key,
        &settings(DocumentKind::PickList, Lang::Ru),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(e, Error::Invalid(_)),
        "a pick list needs a pick list id: {e}"
    );
    let e = ops::set_seller(&store, &packer("s1"), &Seller::demo())
        .await
        .unwrap_err();
    assert!(
        matches!(e, Error::Forbidden { .. }),
        "a packer cannot change the seller: {e}"
    );
});

on_both_engines!(
    each_carton_gets_its_own_label_with_its_sscc_and_k_of_n,
    |db| {
        let store = demo(&db).await;
        ops::set_carton_settings(
            &store,
            &admin(),
            &ops::CartonSettings {
                company_prefix: Some("4601234".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        // A confirmed demo order of two units or more, packed into two cartons.
        let number = ops::list_orders(
            &store,
            &ops::OrderFilter {
                statuses: vec![packbench_core::domain::OrderStatus::Confirmed],
                limit: 200,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .into_iter()
        .find(|o| o.units >= 2)
        .expect("a confirmed demo order of two units or more")
        .number;
        let station = packer("station-1");
        ops::claim_order(&store, &station, &number).await.unwrap();
        let order = ops::order_detail(&store, &number).await.unwrap();
        let mut codes = Vec::new();
        for line in &order.lines {
            for _ in 0..line.quantity {
                codes.push(line.sku.clone());
            }
        }
        for (i, code) in codes.iter().enumerate() {
            if i == 1 {
                ops::close_carton(&store, &station, &number, None, None, None)
                    .await
                    .unwrap();
                ops::open_carton(&store, &station, &number, Some("S"))
                    .await
                    .unwrap();
            }
            let r = ops::record_scan(&store, &station, &number, code, &format!("lbl-{i}"))
                .await
                .unwrap();
            assert!(r.outcome.is_accepted(), "{r:?}");
        }
        common::finish(&store, &station, &number, None)
            .await
            .unwrap();
        let cartons = ops::cartons_of(&store, &number).await.unwrap();
        assert_eq!(cartons.len(), 2);

        // Printing the order's documents queues the invoice and one label per
        // carton (no printer chosen here: they wait in the queue).
        let jobs = ops::print_order_documents(&store, &station, &number, &Default::default())
            .await
            .unwrap();
        let labels: Vec<Option<i64>> = jobs
            .iter()
            .filter(|j| j.kind == DocumentKind::Label)
            .map(|j| j.carton)
            .collect();
        assert_eq!(labels, [Some(1), Some(2)]);

        for c in &cartons {
            let sscc = c.sscc.clone().expect("an SSCC");
            let s = settings(DocumentKind::Label, Lang::Ru);
            let pdf = ops::render_carton_label(&store, &number, c.seq, &s)
                .await
                .unwrap();
            keep(&db, &format!("label-{number}-carton{}.pdf", c.seq), &pdf);
            let text = pdf_text(&pdf);
            assert!(
                text.contains(&format!("коробка {} из 2", c.seq)),
                "carton {} of 2 on its label:\n{text}",
                c.seq
            );
            assert!(text.contains(&format!("{} шт.", c.units)), "{text}");
            assert!(text.contains(&format!("(00) {sscc}")), "{text}");
            assert!(
                pdf_barcodes(&pdf).contains(&format!("]C100{sscc}")),
                "the carton's SSCC as GS1-128"
            );
            let zpl = ops::render_carton_label(
                &store,
                &number,
                c.seq,
                &DocumentSettings {
                    format: DocFormat::Zpl,
                    ..settings(DocumentKind::Label, Lang::En)
                },
            )
            .await
            .unwrap();
            let zpl = String::from_utf8(zpl).unwrap();
            assert!(zpl.contains(&format!("carton {} of 2", c.seq)), "{zpl}");
            assert!(zpl.contains(&sscc), "the SSCC in the ZPL");
        }
    }
);

// ---- documents from views alone ----

fn fixed_label(sscc: bool, tracking: bool) -> LabelView {
    LabelView {
        carton: None,
        number: "1001".into(),
        sender: Party::from_seller(&Seller::demo()),
        recipient: Party {
            name: "Иванова Мария".into(),
            address: "394063, г. Воронеж, ул. Чехова, д. 68, кв. 167".into(),
            phone: "+7 944 424-05-78".into(),
            email: "mariya.ivanova@example.net".into(),
        },
        delivery_method: "СДЭК".into(),
        tracking: tracking.then(|| "1084563217".to_string()),
        weight_g: 1_410,
        units: 3,
        sscc: sscc.then(|| documents::sscc(0, "4601234", 1001).unwrap()),
    }
}

#[test]
fn zpl_labels_match_the_reviewed_golden_files() {
    // PACKBENCH_BLESS=1 rewrites the files; review the diff before committing.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/zpl");
    let bless = std::env::var("PACKBENCH_BLESS").as_deref() == Ok("1");
    for (name, paper, dpi, lang, view) in [
        (
            "label-4x6-203dpi-ru.zpl",
            Paper::Label4x6,
            Dpi::D203,
            Lang::Ru,
            fixed_label(true, true),
        ),
        (
            "label-4x6-300dpi-ru.zpl",
            Paper::Label4x6,
            Dpi::D300,
            Lang::Ru,
            fixed_label(true, true),
        ),
        (
            "label-100x150-203dpi-en.zpl",
            Paper::Label100x150,
            Dpi::D203,
            Lang::En,
            fixed_label(true, true),
        ),
        (
            "label-100x150-300dpi-ru-no-tracking.zpl",
            Paper::Label100x150,
            Dpi::D300,
            Lang::Ru,
            fixed_label(false, false),
        ),
    ] {
        let zpl = documents::zpl::label(&view, paper, dpi, lang).unwrap();
        let path = dir.join(name);
        if bless {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &zpl).unwrap();
            continue;
        }
        let golden = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "golden file {} ({e}); create it with PACKBENCH_BLESS=1 and review it",
                path.display()
            )
        });
        assert_eq!(
            zpl, golden,
            "{name} changed; if on purpose, re-bless with PACKBENCH_BLESS=1 and review"
        );
    }
}

#[test]
fn a_fifty_line_invoice_runs_onto_a_second_page_and_still_adds_up() {
    let view = InvoiceView {
        number: "2001".into(),
        date: chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
        seller: Seller::demo(),
        buyer: Party {
            name: "Петров Пётр".into(),
            address: "420021, г. Казань, ул. Садовая, д. 3".into(),
            phone: String::new(),
            email: String::new(),
        },
        currency: "RUB".into(),
        payment: PaymentStatus::AwaitingPayment,
        status: Labels {
            en: "Ready".into(),
            ru: "Готов".into(),
        },
        delivery_method: "Почта России".into(),
        delivery_cost_minor: 35_000,
        delivery_tax_rate_bp: 2000,
        lines: (0..50_i64)
            .map(|i| InvoiceLine {
                sku: format!("PB-{:04}", i + 1),
                name: packbench_core::demo::product_name(i as usize),
                quantity: 1 + i % 3,
                // Prices that make the VAT land on half kopecks now and then.
                unit_price_minor: 1_003 + 997 * i,
                discount_minor: if i % 7 == 0 { 150 } else { 0 },
                tax_rate_bp: if i % 5 == 0 { 1000 } else { 2000 },
            })
            .collect(),
    };
    let pdf = documents::invoice::pdf(&view, Lang::Ru).unwrap();
    let text = pdf_text(&pdf);
    let (_, _, pages) = pdf_pages(&pdf);
    assert!(pages >= 2, "fifty lines need a second page");
    assert!(
        text.contains(&format!("Стр. {pages} из {pages}")),
        "pages are numbered"
    );
    let t = view.totals();
    let goods: i64 = view
        .lines
        .iter()
        .map(|l| l.quantity * l.unit_price_minor - l.discount_minor)
        .sum();
    assert_eq!(t.total_minor, goods + 35_000);
    let vat20: i64 = view
        .lines
        .iter()
        .filter(|l| l.tax_rate_bp == 2000)
        .map(|l| vat_of(l.quantity * l.unit_price_minor - l.discount_minor, 2000))
        .sum::<i64>()
        + vat_of(35_000, 2000);
    let vat10: i64 = view
        .lines
        .iter()
        .filter(|l| l.tax_rate_bp == 1000)
        .map(|l| vat_of(l.quantity * l.unit_price_minor - l.discount_minor, 1000))
        .sum();
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        format!("Итого: {}", money(t.total_minor, "RUB", Lang::Ru)),
        format!("В том числе НДС 20%: {}", money(vat20, "RUB", Lang::Ru)),
        format!("В том числе НДС 10%: {}", money(vat10, "RUB", Lang::Ru)),
        "PB-0050".to_string(),
    ] {
        let want = expected.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains(&want), "{expected:?} on the invoice:\n{text}");
    }
    assert_eq!(pdf_barcodes(&pdf), vec!["2001"]);
    if let Ok(dir) = std::env::var("PACKBENCH_DOC_SAMPLES") {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(Path::new(&dir).join("invoice-50-lines.pdf"), &pdf).unwrap();
    }
}

#[test]
fn a_thousand_labels_fit_in_one_pdf_with_a_page_each() {
    let views: Vec<LabelView> = (0..1000)
        .map(|i| LabelView {
            number: format!("{}", 10_000 + i),
            ..fixed_label(true, true)
        })
        .collect();
    let started = std::time::Instant::now();
    let pdf = documents::label::labels_pdf(&views, Paper::Label4x6, Lang::Ru).unwrap();
    let took = started.elapsed();
    let (_, _, pages) = pdf_pages(&pdf);
    assert_eq!(pages, 1000);
    assert!(
        pdf.len() / 1000 < 50_000,
        "under 50 KB a label: {} bytes",
        pdf.len() / 1000
    );
    eprintln!("1,000 labels: {took:?}, {} bytes", pdf.len());
}
