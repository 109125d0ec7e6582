//! The Russian documents that go with the goods — товарный чек, ТОРГ-12 and
//! УПД — rendered from the demo warehouse on SQLite and on PostgreSQL, read
//! back with `pdftotext -layout` (in a fixed UTF-8 locale) as an accountant
//! reads them: both parties' ИНН and КПП, every line with its quantity and
//! VAT, the totals and the total in words. The expected amounts are worked
//! out here from the order's lines, on their own.
//!
//! `PACKBENCH_DOC_SAMPLES=/some/dir` also keeps the rendered documents there
//! (from the SQLite run), to look at them.

mod common;

use common::{clock, supervisor, TestDb};
use packbench_core::documents::{amount, Lang, Seller};
use packbench_core::ops::{self, Actor, OrderEdit, Role, TradeDocument};
use packbench_core::store::{DbTarget, Engine, Store};
use packbench_core::Error;
use std::path::Path;
use std::process::Command;

// ---- reading documents back ----

/// Runs a poppler tool in a fixed UTF-8 locale, so that what it writes does
/// not depend on the desktop's language; a missing tool fails the test.
fn poppler(program: &str, args: &[&str]) -> std::process::Output {
    let out = Command::new(program)
        .args(args)
        .env("LANG", "C.UTF-8")
        .env("LC_ALL", "C.UTF-8")
        .output()
        .unwrap_or_else(|e| {
            panic!("{program} could not run ({e}); install poppler-utils (scripts/install-deps.sh)")
        });
    assert!(
        out.status.success(),
        "{program} reads the PDF: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The PDF's words with `pdftotext -layout`, and its number of pages.
fn read_pdf(bytes: &[u8]) -> (String, usize) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, bytes).unwrap();
    let path = path.to_str().unwrap();
    let text = String::from_utf8(poppler("pdftotext", &["-layout", path, "-"]).stdout)
        .expect("pdftotext writes UTF-8");
    let info = String::from_utf8_lossy(&poppler("pdfinfo", &[path]).stdout).into_owned();
    let pages = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("pdfinfo tells the pages: {info}"));
    (text, pages)
}

/// Each page's words with `pdftotext -layout`, page by page.
fn page_texts(bytes: &[u8], pages: usize) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, bytes).unwrap();
    let path = path.to_str().unwrap();
    (1..=pages)
        .map(|p| {
            let p = p.to_string();
            let out = poppler("pdftotext", &["-layout", "-f", &p, "-l", &p, path, "-"]);
            String::from_utf8(out.stdout).expect("pdftotext writes UTF-8")
        })
        .collect()
}

/// Text with every run of white space as one space: a row of a table reads
/// as its cells in order.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn assert_has(text: &str, what: &str, expected: &str) {
    assert!(
        flat(text).contains(&flat(expected)),
        "the {what} shows {expected:?}:\n{text}"
    );
}

fn keep(db: &TestDb, name: &str, bytes: &[u8]) {
    if let Ok(dir) = std::env::var("PACKBENCH_DOC_SAMPLES") {
        if db.store.engine() == Engine::Sqlite && !dir.is_empty() {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(Path::new(&dir).join(name), bytes).unwrap();
        }
    }
}

// ---- amounts worked out here ----

/// VAT inside a price: amount x rate / (1 + rate), rounded half away from
/// zero (amounts here are positive).
fn vat_of(amount: i64, rate_bp: i64) -> i64 {
    let num = amount as i128 * rate_bp as i128 * 2;
    let den = (10_000 + rate_bp) as i128;
    ((num / den + 1) / 2) as i64
}

fn rub(kopecks: i64) -> String {
    amount(kopecks, "RUB", Lang::Ru)
}

/// One row as the tables print it, every amount with VAT included unless
/// said otherwise.
struct Row {
    sku: String,
    name: String,
    quantity: i64,
    amount: i64,
    rate_bp: i64,
}

impl Row {
    fn vat(&self) -> i64 {
        vat_of(self.amount, self.rate_bp)
    }
    fn net(&self) -> i64 {
        self.amount - self.vat()
    }
    /// The price of one unit without VAT, to the kopeck.
    fn price_net(&self) -> i64 {
        (2 * self.net() + self.quantity) / (2 * self.quantity)
    }
    fn rate(&self) -> String {
        format!("{}%", self.rate_bp / 100)
    }
}

/// The order's rows: its lines, then delivery taxed at the rate most of
/// the goods are (the documents' rule), as the ТОРГ-12 and УПД list them.
async fn rows_of(store: &Store, number: &str) -> Vec<Row> {
    let order = ops::order_detail(store, number).await.unwrap();
    let mut rows: Vec<Row> = order
        .lines
        .iter()
        .map(|l| Row {
            sku: l.sku.clone(),
            name: l.name.clone(),
            quantity: l.quantity,
            amount: l.quantity * l.unit_price_minor - l.discount_minor,
            rate_bp: l.tax_rate_bp,
        })
        .collect();
    if order.head.delivery_cost_minor != 0 {
        let mut by_rate = std::collections::BTreeMap::<i64, i64>::new();
        for r in &rows {
            *by_rate.entry(r.rate_bp).or_default() += r.amount;
        }
        let main = by_rate
            .iter()
            .max_by_key(|(rate, amount)| (**amount, **rate))
            .map(|(rate, _)| *rate)
            .unwrap();
        rows.push(Row {
            sku: String::new(),
            name: format!("Доставка ({})", order.head.delivery_method),
            quantity: 1,
            amount: order.head.delivery_cost_minor,
            rate_bp: main,
        });
    }
    assert_eq!(
        rows.iter().map(|r| r.amount).sum::<i64>(),
        order.total_minor,
        "the rows add up to the order's own total"
    );
    rows
}

// ---- the warehouse ----

const BUYER_NAME: &str = "ООО «Ромашка»";
const BUYER_INN: &str = "7707083893";
const BUYER_KPP: &str = "773601001";
const BUYER_ADDRESS: &str = "117997, г. Москва, ул. Вавилова, д. 19";

/// The demo warehouse with the demo shop as seller.
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

fn buyer_edit(name: &str, inn: &str, kpp: &str, address: &str) -> OrderEdit {
    OrderEdit {
        buyer_name: Some(name.into()),
        buyer_inn: Some(inn.into()),
        buyer_kpp: Some(kpp.into()),
        buyer_address: Some(address.into()),
        ..Default::default()
    }
}

async fn set_buyer(store: &Store, number: &str) {
    ops::edit_order(
        store,
        &supervisor(),
        number,
        &buyer_edit(BUYER_NAME, BUYER_INN, BUYER_KPP, BUYER_ADDRESS),
    )
    .await
    .unwrap();
}

async fn render(store: &Store, which: TradeDocument, number: &str) -> (String, usize) {
    let pdf = ops::render_trade_document(store, which, number)
        .await
        .unwrap_or_else(|e| panic!("{which:?} of {number}: {e}"));
    assert!(pdf.starts_with(b"%PDF-"), "a PDF");
    read_pdf(&pdf)
}

// ---- the documents ----

on_both_engines!(
    torg12_and_upd_hold_both_parties_every_line_its_vat_and_the_total_in_words,
    |db| {
        let store = demo(&db).await;
        let rows = rows_of(&store, "1001").await;
        set_buyer(&store, "1001").await;
        let total: i64 = rows.iter().map(|r| r.amount).sum();
        let net: i64 = rows.iter().map(Row::net).sum();
        let vat: i64 = rows.iter().map(Row::vat).sum();
        let units: i64 = rows.iter().map(|r| r.quantity).sum();
        let words = packbench_core::documents::propis::rubles(total).unwrap();

        let pdf = ops::render_trade_document(&store, TradeDocument::Torg12, "1001")
            .await
            .unwrap();
        keep(&db, "torg12-1001.pdf", &pdf);
        let (text, pages) = read_pdf(&pdf);
        assert_eq!(pages, 1, "a short order is one landscape page:\n{text}");
        for expected in [
            "Унифицированная форма № ТОРГ-12",
            "ТОВАРНАЯ НАКЛАДНАЯ",
            "1001 20.11.2026",
            // The shipper and supplier, the consignee and payer.
            "ООО «Пакбенч», ИНН 1655123453, КПП 165501001",
            "ООО «Ромашка», ИНН 7707083893, КПП 773601001",
            BUYER_ADDRESS,
            "Основание Заказ № 1001 от 20.11.2026",
        ] {
            assert_has(&text, "ТОРГ-12", expected);
        }
        for (i, r) in rows.iter().enumerate() {
            let (unit, okei) = if r.sku.is_empty() {
                ("усл. ед.", "876")
            } else {
                ("шт", "796")
            };
            assert_has(
                &text,
                "ТОРГ-12",
                &format!(
                    "{} {} {} {unit} {okei} {} {} {} {} {} {}",
                    i + 1,
                    r.name,
                    r.sku,
                    r.quantity,
                    rub(r.price_net()),
                    rub(r.net()),
                    r.rate(),
                    rub(r.vat()),
                    rub(r.amount)
                ),
            );
        }
        let sums = format!("{units} Х {} Х {} {}", rub(net), rub(vat), rub(total));
        assert_has(&text, "ТОРГ-12", &format!("Итого {sums}"));
        assert_has(&text, "ТОРГ-12", &format!("Всего по накладной {sums}"));
        assert_has(
            &text,
            "ТОРГ-12",
            &format!("Всего отпущено на сумму {words}"),
        );
        for sign in [
            "Отпуск груза разрешил",
            "Главный (старший) бухгалтер",
            "Груз получил грузополучатель",
        ] {
            assert_has(&text, "ТОРГ-12", sign);
        }

        let pdf = ops::render_trade_document(&store, TradeDocument::Upd, "1001")
            .await
            .unwrap();
        keep(&db, "upd-1001.pdf", &pdf);
        let (text, pages) = read_pdf(&pdf);
        assert_eq!(pages, 1, "a short order is one landscape page:\n{text}");
        for expected in [
            "Универсальный",
            "Статус: 1",
            "Счет-фактура № 1001 от 20.11.2026",
            "ИНН/КПП продавца: 1655123453/165501001",
            "ИНН/КПП покупателя: 7707083893/773601001",
            "Покупатель: ООО «Ромашка»",
            "Валюта: наименование, код Российский рубль, 643",
            "Документ составлен на 1 листе",
        ] {
            assert_has(&text, "УПД", expected);
        }
        for (i, r) in rows.iter().enumerate() {
            let (code, okei, unit) = if r.sku.is_empty() {
                ("—", "876", "усл. ед.")
            } else {
                (r.sku.as_str(), "796", "шт")
            };
            assert_has(
                &text,
                "УПД",
                &format!(
                    "{} {code} {} — {okei} {unit} {} {} {} без акциза {} {} {}",
                    i + 1,
                    r.name,
                    r.quantity,
                    rub(r.price_net()),
                    rub(r.net()),
                    r.rate(),
                    rub(r.vat()),
                    rub(r.amount)
                ),
            );
        }
        assert_has(
            &text,
            "УПД",
            &format!(
                "Всего к оплате (9) {} Х Х {} {}",
                rub(net),
                rub(vat),
                rub(total)
            ),
        );
        assert_has(&text, "УПД", &format!("Всего к оплате (прописью): {words}"));
        for sign in [
            "Товар (груз) передал",
            "Товар (груз) получил",
            "ООО «Пакбенч», ИНН/КПП 1655123453/165501001",
            "ООО «Ромашка», ИНН/КПП 7707083893/773601001",
        ] {
            assert_has(&text, "УПД", sign);
        }
    }
);

on_both_engines!(
    the_total_in_words_reads_roubles_and_kopecks_in_the_right_forms,
    |db| {
        let store = demo(&db).await;
        // 2 x 1 290,50 at 22%, 990,21 at 10%, delivery 350: 3 921,21.
        let order = ops::create_order(
            &store,
            &supervisor(),
            &ops::PhoneOrderInput {
                customer: ops::CustomerInput {
                    id: None,
                    name: "Петров Иван".into(),
                    phone: "+7 912 345-67-89".into(),
                    email: String::new(),
                    address: "420021, г. Казань, ул. Баумана, д. 1".into(),
                },
                lines: vec![
                    ops::LineInput {
                        id: None,
                        sku: "PB-0001".into(),
                        quantity: 2,
                        unit_price: "1 290,50".into(),
                        discount: String::new(),
                        tax_rate_bp: Some(2200),
                    },
                    ops::LineInput {
                        id: None,
                        sku: "PB-0002".into(),
                        quantity: 1,
                        unit_price: "990,21".into(),
                        discount: String::new(),
                        tax_rate_bp: Some(1000),
                    },
                ],
                delivery_method: "СДЭК".into(),
                delivery_cost: "350".into(),
                comment: String::new(),
                currency: String::new(),
                manager: None,
                channel: String::new(),
            },
        )
        .await
        .unwrap();
        let number = order.head.number.clone();
        assert_eq!(order.total_minor, 392_121);
        set_buyer(&store, &number).await;
        let words = "Три тысячи девятьсот двадцать один рубль 21 копейка";
        for which in TradeDocument::ALL {
            let (text, _) = render(&store, which, &number).await;
            assert_has(&text, which.as_str(), words);
            assert_has(&text, which.as_str(), "3 921,21");
        }
        // Two rates: each line its own, delivery at the goods' main rate,
        // and both rates' sums on the товарный чек.
        let (a, b, delivery) = (
            vat_of(258_100, 2200),
            vat_of(99_021, 1000),
            vat_of(35_000, 2200),
        );
        let (text, _) = render(&store, TradeDocument::Upd, &number).await;
        assert_has(&text, "УПД", &format!("22% {} 2 581,00", rub(a)));
        assert_has(&text, "УПД", &format!("10% {} 990,21", rub(b)));
        assert_has(&text, "УПД", &format!("22% {} 350,00", rub(delivery)));
        let (text, _) = render(&store, TradeDocument::SalesReceipt, &number).await;
        assert_has(
            &text,
            "товарный чек",
            &format!("В том числе НДС 22%: {}", rub(a + delivery)),
        );
        assert_has(
            &text,
            "товарный чек",
            &format!("В том числе НДС 10%: {}", rub(b)),
        );
    }
);

on_both_engines!(
    the_sales_receipt_names_the_seller_the_goods_the_total_and_its_words,
    |db| {
        let store = demo(&db).await;
        let rows = rows_of(&store, "1001").await;
        let total: i64 = rows.iter().map(|r| r.amount).sum();
        let pdf = ops::render_trade_document(&store, TradeDocument::SalesReceipt, "1001")
            .await
            .expect("a private buyer's order gets its товарный чек without legal details");
        keep(&db, "sales-receipt-1001.pdf", &pdf);
        let (text, pages) = read_pdf(&pdf);
        assert_eq!(pages, 1);
        for expected in [
            "ООО «Пакбенч»".to_string(),
            "ИНН 1655123453, КПП 165501001".to_string(),
            "ТОВАРНЫЙ ЧЕК № 1001 от 20.11.2026".to_string(),
            format!("Итого: {}", rub(total)),
            format!(
                "Всего наименований {}, на сумму {} руб.",
                rows.len(),
                rub(total)
            ),
            packbench_core::documents::propis::rubles(total).unwrap(),
            "Продавец".to_string(),
        ] {
            assert_has(&text, "товарный чек", &expected);
        }
        let mut vat_by_rate = std::collections::BTreeMap::<i64, i64>::new();
        for (i, r) in rows.iter().enumerate() {
            *vat_by_rate.entry(r.rate_bp).or_default() += r.vat();
            let unit = if r.sku.is_empty() {
                "усл. ед."
            } else {
                "шт"
            };
            let price = (2 * r.amount + r.quantity) / (2 * r.quantity);
            assert_has(
                &text,
                "товарный чек",
                &format!(
                    "{} {} {} {unit} {} {} {}",
                    i + 1,
                    r.sku,
                    r.name,
                    r.quantity,
                    rub(price),
                    rub(r.amount)
                ),
            );
        }
        for (rate, vat) in vat_by_rate {
            assert_has(
                &text,
                "товарный чек",
                &format!("В том числе НДС {}%: {}", rate / 100, rub(vat)),
            );
        }
    }
);

on_both_engines!(
    a_business_document_without_the_buyers_inn_says_what_to_fill_in,
    |db| {
        let store = demo(&db).await;
        for which in [TradeDocument::Torg12, TradeDocument::Upd] {
            let e = ops::render_trade_document(&store, which, "1001")
                .await
                .unwrap_err();
            let text = e.to_string();
            assert!(
                matches!(e, Error::Invalid(_))
                    && text.contains("buyer's legal name and INN")
                    && text.contains("orders edit 1001 --buyer-name"),
                "{which:?}: {text}"
            );
        }
        // A name without the INN: the INN is what is missing.
        ops::edit_order(
            &store,
            &supervisor(),
            "1001",
            &OrderEdit {
                buyer_name: Some(BUYER_NAME.into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let e = ops::render_trade_document(&store, TradeDocument::Torg12, "1001")
            .await
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("needs the buyer's INN") && !e.contains("legal name and"),
            "{e}"
        );
        // An order that does not exist is named as such.
        let e = ops::render_trade_document(&store, TradeDocument::Upd, "no-such-order")
            .await
            .unwrap_err();
        assert!(matches!(e, Error::NotFound { .. }), "{e}");
    }
);

on_both_engines!(
    the_buyers_details_are_checked_kept_in_the_history_and_damage_is_an_error,
    |db| {
        let store = demo(&db).await;
        let refused = [
            (
                buyer_edit(BUYER_NAME, "7707083894", BUYER_KPP, ""),
                "check digit",
            ),
            (
                buyer_edit(BUYER_NAME, "77070838", "", ""),
                "10 or 12 digits",
            ),
            (
                buyer_edit(BUYER_NAME, BUYER_INN, "7736010", ""),
                "should be 9 characters",
            ),
            (
                buyer_edit("ИП Петров П. П.", "500100732259", BUYER_KPP, ""),
                "no KPP",
            ),
            (buyer_edit(BUYER_NAME, "", BUYER_KPP, ""), "without an INN"),
        ];
        for (edit, why) in &refused {
            let e = ops::edit_order(&store, &supervisor(), "1001", edit)
                .await
                .unwrap_err();
            assert!(
                matches!(e, Error::Invalid(_)) && e.to_string().contains(why),
                "{why}: {e}"
            );
        }
        assert!(
            ops::order_buyer(&store, "1001").await.unwrap().is_empty(),
            "a refused edit changes nothing"
        );

        set_buyer(&store, "1001").await;
        let buyer = ops::order_buyer(&store, "1001").await.unwrap();
        assert_eq!(
            (
                buyer.name.as_str(),
                buyer.inn.as_str(),
                buyer.kpp.as_str(),
                buyer.address.as_str()
            ),
            (BUYER_NAME, BUYER_INN, BUYER_KPP, BUYER_ADDRESS)
        );
        let order = ops::order_detail(&store, "1001").await.unwrap();
        let last = order.events.last().unwrap();
        assert_eq!(last.kind, packbench_core::domain::EventKind::Edited);
        assert_eq!(last.user, "olga");
        let after = last.after.as_ref().unwrap();
        assert_eq!(after["buyer"]["inn"], BUYER_INN, "{after}");
        assert_eq!(last.before.as_ref().unwrap()["buyer"]["inn"], "");
        // The same details again: nothing changes, no history entry.
        set_buyer(&store, "1001").await;
        let again = ops::order_detail(&store, "1001").await.unwrap();
        assert_eq!(again.events.len(), order.events.len());
        // A sole trader: a 12-digit INN and no KPP.
        ops::edit_order(
            &store,
            &supervisor(),
            "1001",
            &buyer_edit("ИП Петров Пётр Петрович", "500100732259", "", ""),
        )
        .await
        .unwrap();
        let (text, _) = render(&store, TradeDocument::Upd, "1001").await;
        assert_has(&text, "УПД", "ИНН/КПП покупателя: 500100732259");

        // A row changed behind the app's back is not printed as it is.
        sqlx::query("UPDATE orders SET buyer_inn = '123' WHERE number = '1001'")
            .execute(store.pool())
            .await
            .unwrap();
        let e = ops::render_trade_document(&store, TradeDocument::Torg12, "1001")
            .await
            .unwrap_err();
        assert!(
            matches!(e, Error::Damaged(_)) && e.to_string().contains("orders.buyer"),
            "{e}"
        );
    }
);

on_both_engines!(a_long_order_goes_on_over_more_pages, |db| {
    let store = demo(&db).await;
    let lines: Vec<ops::LineInput> = (1..=45)
        .map(|i| ops::LineInput {
            id: None,
            sku: format!("PB-{:04}", i),
            quantity: 1 + i % 3,
            unit_price: format!("{},{:02}", 100 + i * 7, i),
            discount: String::new(),
            tax_rate_bp: Some(if i % 5 == 0 { 1000 } else { 2200 }),
        })
        .collect();
    let order = ops::create_order(
        &store,
        &supervisor(),
        &ops::PhoneOrderInput {
            customer: ops::CustomerInput {
                id: None,
                name: "Сидорова Анна".into(),
                phone: "+7 912 000-11-22".into(),
                email: String::new(),
                address: "420021, г. Казань, ул. Пушкина, д. 5".into(),
            },
            lines,
            delivery_method: "СДЭК".into(),
            delivery_cost: "490".into(),
            comment: String::new(),
            currency: String::new(),
            manager: None,
            channel: String::new(),
        },
    )
    .await
    .unwrap();
    let number = order.head.number.clone();
    set_buyer(&store, &number).await;
    let rows = rows_of(&store, &number).await;
    let total: i64 = rows.iter().map(|r| r.amount).sum();
    let words = packbench_core::documents::propis::rubles(total).unwrap();
    for which in TradeDocument::ALL {
        let pdf = ops::render_trade_document(&store, which, &number)
            .await
            .unwrap();
        keep(&db, &format!("{}-long.pdf", which.as_str()), &pdf);
        let (text, pages) = read_pdf(&pdf);
        assert!(pages >= 2, "{which:?}: 46 rows need more than one page");
        assert_has(&text, which.as_str(), &format!("Стр. {pages} из {pages}"));
        let flat_text = flat(&text);
        for r in &rows {
            let name = flat(&r.name);
            // Every row, with its amount, is somewhere in the document
            // (a long name may wrap inside its cell).
            let first_word = name.split(' ').next().unwrap();
            assert!(
                flat_text.contains(first_word) && flat_text.contains(&rub(r.amount)),
                "{which:?}: row {} ({}) is listed",
                r.sku,
                r.name
            );
            if !r.sku.is_empty() {
                assert!(flat_text.contains(&r.sku), "{which:?}: {}", r.sku);
            }
        }
        assert_has(&text, which.as_str(), &words);
        match which {
            TradeDocument::Torg12 => {
                // A «Итого» under every page's rows, «Всего» once at the end.
                let texts = page_texts(&pdf, pages);
                let with_rows: Vec<&String> = texts
                    .iter()
                    .filter(|t| rows.iter().any(|r| !r.sku.is_empty() && t.contains(&r.sku)))
                    .collect();
                assert!(with_rows.len() >= 2, "rows on more than one page");
                for (i, t) in with_rows.iter().enumerate() {
                    assert_eq!(flat(t).matches("Итого ").count(), 1, "page {}:\n{t}", i + 1);
                }
                assert!(with_rows.last().unwrap().contains("Всего по накладной"));
                assert_eq!(flat_text.matches("Всего по накладной").count(), 1);
                assert_eq!(
                    flat_text.matches("(продолжение)").count(),
                    pages - 1,
                    "every further page says it goes on"
                );
            }
            TradeDocument::Upd => {
                assert_eq!(flat_text.matches("Всего к оплате (9)").count(), 1);
                assert_has(
                    &text,
                    "УПД",
                    &format!("Документ составлен на {pages} листах"),
                );
            }
            TradeDocument::SalesReceipt => {
                assert_has(&text, "товарный чек", &format!("Итого: {}", rub(total)));
            }
        }
    }
});

// ---- the command line ----

#[tokio::test]
async fn the_cli_sets_the_buyer_and_writes_each_document() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.db");
    let run = |args: &[&str]| common::cli_run(&db, "cli-ru-docs", args, "");
    let (code, _, err) = run(&["init", "--demo"]);
    assert_eq!(code, 0, "{err}");
    let torg = dir.path().join("torg12.pdf");
    let (code, _, err) = run(&["print", "torg12", "1001", "--out", torg.to_str().unwrap()]);
    assert_ne!(code, 0);
    assert!(err.contains("--buyer-inn"), "says what to fill in: {err}");
    assert!(!torg.exists(), "no file for a refused document");

    let (code, _, err) = run(&["orders", "edit", "1001", "--buyer-inn", "7707083894"]);
    assert_ne!(code, 0);
    assert!(err.contains("check digit"), "{err}");
    let (code, out, err) = run(&[
        "orders",
        "edit",
        "1001",
        "--buyer-name",
        BUYER_NAME,
        "--buyer-inn",
        BUYER_INN,
        "--buyer-kpp",
        BUYER_KPP,
        "--buyer-address",
        BUYER_ADDRESS,
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(&format!(
            "buyer: {BUYER_NAME} · INN {BUYER_INN} · KPP {BUYER_KPP}"
        )),
        "{out}"
    );
    for (doc, file) in [
        ("sales-receipt", "receipt.pdf"),
        ("torg12", "torg12.pdf"),
        ("upd", "upd.pdf"),
    ] {
        let path = dir.path().join(file);
        let (code, _, err) = run(&["print", doc, "1001", "--out", path.to_str().unwrap()]);
        assert_eq!(code, 0, "{doc}: {err}");
        let (text, _) = read_pdf(&std::fs::read(&path).unwrap());
        assert_has(&text, doc, "1655123453");
        if doc != "sales-receipt" {
            assert_has(&text, doc, BUYER_INN);
            assert_has(&text, doc, BUYER_KPP);
        }
    }
    // The same order read through the library agrees with what the CLI wrote.
    let store = Store::open(&DbTarget::SqliteFile(db.clone()))
        .await
        .unwrap();
    let buyer = ops::order_buyer(&store, "1001").await.unwrap();
    assert_eq!(buyer.inn, BUYER_INN);
}
