//! `packbench-cli print`: documents to a file or to a printer, the print
//! queue, the system's printers, the seller's details; and the documents
//! benchmark rows for BENCHMARKS.md.

use super::{usage, Failure};
use clap::{Args, Subcommand};
use packbench_core::documents::{
    self, DocFormat, DocumentKind, DocumentSettings, Dpi, InvoiceLine, InvoiceView, LabelView,
    Labels, Lang, Paper, Party, Seller,
};
use packbench_core::domain::PaymentStatus;
use packbench_core::ops::{self, Actor, DocumentKey, PrintJob, PrintStatus, TradeDocument};
use packbench_core::store::Store;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Where a document goes and how it looks.
#[derive(Args, Clone)]
pub struct Output {
    /// Write the document to this file ("-" for standard output).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Send it to this CUPS printer (see `print printers`).
    #[arg(long, value_name = "NAME")]
    printer: Option<String>,
    /// ru or en.
    #[arg(long, default_value = "ru")]
    lang: String,
}

#[derive(Subcommand)]
pub enum PrintCommand {
    /// An order's invoice (A4).
    Invoice {
        number: String,
        #[command(flatten)]
        output: Output,
    },
    /// An order's packing slip (A4 or A5).
    PackingSlip {
        number: String,
        #[arg(long, default_value = "a4", value_name = "a4|a5")]
        paper: String,
        #[command(flatten)]
        output: Output,
    },
    /// An order's shipping label, as PDF or ZPL.
    Label {
        number: String,
        #[arg(long, default_value = "4x6", value_name = "4x6|100x150")]
        size: String,
        #[arg(long, default_value = "203", value_name = "203|300")]
        dpi: String,
        #[arg(long, default_value = "pdf", value_name = "pdf|zpl")]
        format: String,
        /// The carton's SSCC (18 digits), printed as GS1-128.
        #[arg(long)]
        sscc: Option<String>,
        #[command(flatten)]
        output: Output,
    },
    /// A pick list (A4), sorted by bin.
    PickList {
        id: i64,
        #[command(flatten)]
        output: Output,
    },
    /// The courier hand-over list for a carrier and day, or a closed
    /// hand-over's manifest (--handover).
    Manifest {
        #[arg(long, required_unless_present = "handover")]
        carrier: Option<String>,
        /// YYYY-MM-DD (default: today).
        #[arg(long, conflicts_with = "handover")]
        date: Option<String>,
        /// A closed hand-over's number (`handover CARRIER --close` says it).
        #[arg(long, conflicts_with = "carrier")]
        handover: Option<i64>,
        #[command(flatten)]
        output: Output,
    },
    /// A return's note (A4): what came back and what the store did.
    ReturnNote {
        id: i64,
        #[command(flatten)]
        output: Output,
    },
    /// An order's товарный чек (A4, in Russian): for a private buyer's parcel.
    SalesReceipt {
        number: String,
        /// Write it to this file ("-" for standard output).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// An order's ТОРГ-12, товарная накладная (A4 landscape, in Russian);
    /// the buyer's legal name and INN must be on the order (`orders edit
    /// NUMBER --buyer-name … --buyer-inn … --buyer-kpp …`).
    Torg12 {
        number: String,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// An order's УПД, универсальный передаточный документ (A4 landscape,
    /// in Russian), for a business buyer as ТОРГ-12.
    Upd {
        number: String,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// The printer and scanner test page: printed on --printer at once
    /// (outside the queue), or written to --out.
    TestPage {
        /// A CUPS queue to print it on.
        #[arg(long, required_unless_present = "out")]
        printer: Option<String>,
        /// Write the PDF to this file instead.
        #[arg(long, value_name = "FILE", conflicts_with = "printer")]
        out: Option<PathBuf>,
        #[arg(long, default_value = "a4", value_name = "a4|a5|4x6|100x150")]
        paper: String,
        #[arg(long, default_value = "ru", value_name = "ru|en")]
        lang: String,
    },
    /// The print queue, newest first (--order: one order's jobs).
    Jobs {
        #[arg(long, default_value_t = 20)]
        limit: i64,
        #[arg(long)]
        order: Option<String>,
    },
    /// Send a job again (a failed one, or a reprint).
    Retry {
        id: i64,
        /// Send it to this printer instead.
        #[arg(long)]
        printer: Option<String>,
    },
    /// What the app does every few seconds: this station's jobs cut off
    /// by a crash are marked (they may have printed), and failed jobs whose
    /// back-off is over, or left behind, are sent, each printer's in order.
    Waiting,
    /// The system's printers.
    Printers,
    /// Time document rendering (the documents rows of BENCHMARKS.md).
    Bench,
    /// Which documents go into each sales channel's parcels (printed after
    /// a pack). With --set: the channel's list (or, without --channel, the
    /// list for every other channel), e.g. `--channel shopify --set
    /// sales-receipt,label`; --clear: the channel takes the default again.
    ParcelDocuments {
        #[arg(long)]
        channel: Option<String>,
        #[arg(long, value_name = "DOC,DOC", conflicts_with = "clear")]
        set: Option<String>,
        #[arg(long, requires = "channel")]
        clear: bool,
    },
    /// Show the seller's details, or set them from a JSON file (--set) or
    /// the demo shop's (--demo).
    Seller {
        #[arg(long, value_name = "FILE")]
        set: Option<PathBuf>,
        #[arg(long, conflicts_with = "set")]
        demo: bool,
    },
}

fn job_line(job: &PrintJob) -> String {
    format!(
        "job {} {} {}: {} on {}{}",
        job.id,
        job.kind.as_str().replace('_', "-"),
        job.key.describe(),
        job.status.as_str(),
        job.printer.as_deref().unwrap_or("(no printer)"),
        if job.message.is_empty() {
            String::new()
        } else {
            format!(" — {}", job.message)
        }
    )
}

fn show_job(json: bool, job: &PrintJob) {
    if json {
        out!("{}", serde_json::to_string(job).unwrap_or_default());
    } else {
        out!("{}", job_line(job));
    }
}

/// One document to make.
struct Doc {
    kind: DocumentKind,
    key: DocumentKey,
    settings: DocumentSettings,
    sscc: Option<String>,
}

/// Renders the document to `--out` and/or sends it to `--printer`.
async fn emit(
    store: &Store,
    actor: &Actor,
    json: bool,
    doc: Doc,
    output: Output,
) -> Result<u8, Failure> {
    let Doc {
        kind,
        key,
        mut settings,
        sscc,
    } = doc;
    settings.lang = Lang::parse(&output.lang).map_err(usage)?;
    if output.out.is_none() && output.printer.is_none() {
        return Err(usage(
            "say where the document goes: --out FILE and/or --printer NAME",
        ));
    }
    if let Some(path) = &output.out {
        let bytes = ops::render_with_sscc(store, kind, &key, &settings, sscc.as_deref()).await?;
        if path.as_os_str() == "-" {
            use std::io::Write;
            std::io::stdout()
                .write_all(&bytes)
                .map_err(|e| usage(format!("cannot write the document: {e}")))?;
        } else {
            std::fs::write(path, &bytes)
                .map_err(|e| usage(format!("cannot write {}: {e}", path.display())))?;
            if !json {
                eprintln!("wrote {} ({} bytes)", path.display(), bytes.len());
            }
        }
    }
    if let Some(printer) = output.printer {
        if sscc.is_some() {
            return Err(usage(
                "--sscc is only for --out; the print queue prints labels without a carton",
            ));
        }
        let job = ops::print_document(store, actor, kind, &key, &settings.on(printer)).await?;
        show_job(json, &job);
        if job.status == PrintStatus::Failed {
            return Ok(1);
        }
    }
    Ok(0)
}

/// Writes a товарный чек, ТОРГ-12 or УПД to `out` ("-": standard output).
/// They are not in the print queue yet: print the file.
async fn trade(
    store: &Store,
    json: bool,
    which: TradeDocument,
    number: &str,
    out: &std::path::Path,
) -> Result<u8, Failure> {
    let bytes = ops::render_trade_document(store, which, number).await?;
    if out.as_os_str() == "-" {
        use std::io::Write;
        std::io::stdout()
            .write_all(&bytes)
            .map_err(|e| usage(format!("cannot write the document: {e}")))?;
    } else {
        std::fs::write(out, &bytes)
            .map_err(|e| usage(format!("cannot write {}: {e}", out.display())))?;
        if !json {
            eprintln!("wrote {} ({} bytes)", out.display(), bytes.len());
        }
    }
    Ok(0)
}

pub async fn run(
    store: &Store,
    actor: &Actor,
    json: bool,
    command: PrintCommand,
) -> Result<u8, Failure> {
    match command {
        PrintCommand::Invoice { number, output } => {
            let settings = DocumentSettings::for_kind(DocumentKind::Invoice);
            let key = DocumentKey::order(number);
            let doc = Doc {
                kind: DocumentKind::Invoice,
                key,
                settings,
                sscc: None,
            };
            emit(store, actor, json, doc, output).await
        }
        PrintCommand::PackingSlip {
            number,
            paper,
            output,
        } => {
            let settings = DocumentSettings {
                paper: Paper::parse(&paper).map_err(usage)?,
                ..DocumentSettings::for_kind(DocumentKind::PackingSlip)
            };
            let key = DocumentKey::order(number);
            let doc = Doc {
                kind: DocumentKind::PackingSlip,
                key,
                settings,
                sscc: None,
            };
            emit(store, actor, json, doc, output).await
        }
        PrintCommand::Label {
            number,
            size,
            dpi,
            format,
            sscc,
            output,
        } => {
            let settings = DocumentSettings {
                paper: Paper::parse(&size).map_err(usage)?,
                dpi: Dpi::parse(&dpi).map_err(usage)?,
                format: DocFormat::parse(&format).map_err(usage)?,
                ..DocumentSettings::for_kind(DocumentKind::Label)
            };
            let key = DocumentKey::order(number);
            let doc = Doc {
                kind: DocumentKind::Label,
                key,
                settings,
                sscc,
            };
            emit(store, actor, json, doc, output).await
        }
        PrintCommand::PickList { id, output } => {
            let settings = DocumentSettings::for_kind(DocumentKind::PickList);
            let key = DocumentKey::PickList { id };
            let doc = Doc {
                kind: DocumentKind::PickList,
                key,
                settings,
                sscc: None,
            };
            emit(store, actor, json, doc, output).await
        }
        PrintCommand::Manifest {
            carrier,
            date,
            handover,
            output,
        } => {
            let settings = DocumentSettings::for_kind(DocumentKind::Manifest);
            let key = match (handover, carrier) {
                (Some(id), _) => DocumentKey::Handover { id },
                (None, Some(carrier)) => {
                    let date = match date {
                        Some(d) => chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
                            .map_err(|_| {
                                usage(format!("{d:?} is not a date; write it as YYYY-MM-DD"))
                            })?,
                        None => chrono::Local::now().date_naive(),
                    };
                    DocumentKey::Manifest { carrier, date }
                }
                (None, None) => return Err(usage("name the --carrier, or a --handover number")),
            };
            let doc = Doc {
                kind: DocumentKind::Manifest,
                key,
                settings,
                sscc: None,
            };
            emit(store, actor, json, doc, output).await
        }
        PrintCommand::ReturnNote { id, output } => {
            let doc = Doc {
                kind: DocumentKind::ReturnNote,
                key: DocumentKey::Return { id },
                settings: DocumentSettings::for_kind(DocumentKind::ReturnNote),
                sscc: None,
            };
            emit(store, actor, json, doc, output).await
        }
        PrintCommand::SalesReceipt { number, out } => {
            trade(store, json, TradeDocument::SalesReceipt, &number, &out).await
        }
        PrintCommand::Torg12 { number, out } => {
            trade(store, json, TradeDocument::Torg12, &number, &out).await
        }
        PrintCommand::Upd { number, out } => {
            trade(store, json, TradeDocument::Upd, &number, &out).await
        }
        PrintCommand::TestPage {
            printer,
            out,
            paper,
            lang,
        } => {
            let paper = Paper::parse(&paper).map_err(usage)?;
            let lang = Lang::parse(&lang).map_err(usage)?;
            let station = actor.station.clone();
            match (printer, out) {
                (Some(printer), _) => {
                    let job = ops::print_test_page(actor, &printer, paper, lang, &station).await?;
                    if json {
                        out!(
                            "{}",
                            serde_json::json!({ "printer": printer, "cups_job": job })
                        );
                    } else {
                        out!("test page sent to {printer} (CUPS job {job})");
                    }
                }
                (None, Some(out)) => {
                    let bytes = ops::test_page_pdf(lang, paper, &station)?;
                    std::fs::write(&out, &bytes)
                        .map_err(|e| usage(format!("cannot write {}: {e}", out.display())))?;
                    if !json {
                        eprintln!("wrote {} ({} bytes)", out.display(), bytes.len());
                    }
                }
                (None, None) => return Err(usage("say --printer NAME or --out FILE")),
            }
            Ok(0)
        }
        PrintCommand::Jobs { limit, order } => {
            let jobs = match order {
                Some(number) => ops::order_print_jobs(store, &number).await?,
                None => ops::print_jobs(store, limit).await?,
            };
            if json {
                out!(
                    "{}",
                    serde_json::to_string_pretty(&jobs).unwrap_or_default()
                );
            } else if jobs.is_empty() {
                out!("the print queue is empty");
            } else {
                for job in &jobs {
                    out!("{}", job_line(job));
                }
            }
            Ok(0)
        }
        PrintCommand::Retry { id, printer } => {
            let job = ops::retry_print_job(store, actor, id, printer.as_deref()).await?;
            show_job(json, &job);
            Ok(u8::from(job.status == PrintStatus::Failed))
        }
        PrintCommand::Waiting => {
            let tried = ops::send_waiting_print_jobs(store, actor).await?;
            if !json && tried.is_empty() {
                out!("nothing waits to be sent again");
            }
            for job in &tried {
                show_job(json, job);
            }
            Ok(u8::from(
                tried.iter().any(|j| j.status == PrintStatus::Failed),
            ))
        }
        PrintCommand::Bench => {
            out!("| what | n | p50 ms | p99 ms | max ms |");
            out!("|---|---|---|---|---|");
            for row in bench_documents().await {
                out!("{row}");
            }
            Ok(0)
        }
        PrintCommand::Printers => {
            let printers = ops::list_printers().await;
            if json {
                out!(
                    "{}",
                    serde_json::to_string_pretty(&printers).unwrap_or_default()
                );
            } else if printers.is_empty() {
                out!("no printers: is CUPS installed and cupsd running?");
            } else {
                for p in &printers {
                    out!(
                        "{}{} {:?}{}",
                        p.name,
                        if p.is_default { " (default)" } else { "" },
                        p.state,
                        if p.message.is_empty() {
                            String::new()
                        } else {
                            format!(" — {}", p.message)
                        }
                    );
                }
            }
            Ok(0)
        }
        PrintCommand::ParcelDocuments {
            channel,
            set,
            clear,
        } => {
            let mut setting = ops::packing_documents(store).await?.documents;
            if set.is_some() || clear {
                let docs = match &set {
                    Some(list) => list
                        .split(',')
                        .filter(|d| !d.trim().is_empty())
                        .map(DocumentKind::parse)
                        .collect::<Result<Vec<_>, _>>()
                        .map_err(usage)?,
                    None => Vec::new(),
                };
                match channel.as_deref().map(str::trim) {
                    None => setting.default = docs,
                    Some(name) => {
                        let same = |c: &ops::ChannelDocuments| {
                            c.channel.to_lowercase() == name.to_lowercase()
                        };
                        setting.channels.retain(|c| !same(c));
                        if !clear {
                            setting.channels.push(ops::ChannelDocuments {
                                channel: name.to_string(),
                                documents: docs,
                            });
                        }
                    }
                }
                setting = ops::set_packing_documents(store, actor, &setting).await?;
            }
            if json {
                out!("{}", serde_json::to_string(&setting).unwrap_or_default());
            } else {
                let names = |docs: &[DocumentKind]| {
                    if docs.is_empty() {
                        "(nothing)".to_string()
                    } else {
                        docs.iter()
                            .map(|d| d.as_str().replace('_', "-"))
                            .collect::<Vec<_>>()
                            .join(",")
                    }
                };
                for c in &setting.channels {
                    out!("{}\t{}", c.channel, names(&c.documents));
                }
                out!("(every other channel)\t{}", names(&setting.default));
            }
            Ok(0)
        }
        PrintCommand::Seller { set, demo } => {
            let seller = if demo {
                ops::set_seller(store, actor, &Seller::demo()).await?
            } else if let Some(path) = set {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| usage(format!("cannot read {}: {e}", path.display())))?;
                let seller: Seller = serde_json::from_str(&text)
                    .map_err(|e| usage(format!("{} is not seller JSON: {e}", path.display())))?;
                ops::set_seller(store, actor, &seller).await?
            } else {
                ops::seller(store).await?
            };
            out!(
                "{}",
                serde_json::to_string_pretty(&seller).unwrap_or_default()
            );
            Ok(0)
        }
    }
}

// ---- Benchmarks ----

fn bench_label(i: usize) -> LabelView {
    LabelView {
        carton: None,
        number: format!("{}", 100_000 + i),
        sender: Party::from_seller(&Seller::demo()),
        recipient: Party {
            name: "Иванова Мария Сергеевна".into(),
            address: format!(
                "420{:03}, г. Казань, ул. Баумана, д. {}, кв. {}",
                i % 1000,
                1 + i % 90,
                1 + i % 200
            ),
            phone: "+7 912 345-67-89".into(),
            email: String::new(),
        },
        delivery_method: "СДЭК".into(),
        tracking: Some(format!("RU{:09}", 100_000_000 + i)),
        weight_g: 1_250,
        units: 3,
        sscc: documents::sscc(0, "4601234", i as u64),
    }
}

fn bench_invoice(lines: usize) -> InvoiceView {
    InvoiceView {
        number: "1001".into(),
        date: chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default(),
        seller: Seller::demo(),
        buyer: Party {
            name: "Иванова Мария".into(),
            address: "420021, г. Казань, ул. Садовая, д. 3, кв. 12".into(),
            phone: "+7 912 345-67-89".into(),
            email: "maria@example.ru".into(),
        },
        currency: "RUB".into(),
        payment: PaymentStatus::Paid,
        status: Labels {
            en: "Ready".into(),
            ru: "Готов".into(),
        },
        delivery_method: "СДЭК".into(),
        delivery_cost_minor: 30_000,
        delivery_tax_rate_bp: 2000,
        lines: (0..lines)
            .map(|i| InvoiceLine {
                sku: format!("PB-{:04}", i + 1),
                name: packbench_core::demo::product_name(i),
                quantity: 1 + (i % 3) as i64,
                unit_price_minor: 49_000 + 1_000 * i as i64,
                discount_minor: if i % 5 == 0 { 4_900 } else { 0 },
                tax_rate_bp: 2000,
            })
            .collect(),
    }
}

/// The app's preview (render + pdftoppm + PNG as data URL) of the demo
/// order's invoice and label, on a throw-away SQLite file.
async fn bench_previews() -> Vec<String> {
    let path =
        std::env::temp_dir().join(format!("packbench-preview-bench-{}.db", std::process::id()));
    let outcome = async {
        let store = Store::open(&packbench_core::store::DbTarget::SqliteFile(path.clone())).await?;
        ops::load_demo_first_run(&store, "bench", 1).await?;
        let key = DocumentKey::order("1001");
        let mut rows = Vec::new();
        for (kind, what) in [
            (
                DocumentKind::Invoice,
                "preview: invoice A4 drawn at 96 dpi (pdftoppm)",
            ),
            (
                DocumentKind::Label,
                "preview: label 4x6 drawn at 150 dpi (pdftoppm)",
            ),
        ] {
            let settings = DocumentSettings::for_kind(kind);
            let mut times = Vec::new();
            for _ in 0..20 {
                let start = Instant::now();
                ops::preview_document(&store, kind, &key, &settings).await?;
                times.push(start.elapsed());
            }
            rows.push(row(what, &mut times));
        }
        store.close().await;
        Ok::<_, packbench_core::Error>(rows)
    }
    .await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    outcome.unwrap_or_else(|e| vec![format!("| preview: not measured ({e}) | 0 | - | - | - |")])
}

fn row(what: &str, times: &mut [Duration]) -> String {
    times.sort();
    let n = times.len();
    let pick = |q: f64| times[((n as f64 * q).ceil() as usize).clamp(1, n) - 1];
    let ms = |d: Duration| format!("{:.3}", d.as_secs_f64() * 1000.0);
    format!(
        "| {what} | {n} | {} | {} | {} |",
        ms(pick(0.5)),
        ms(pick(0.99)),
        ms(times[n - 1])
    )
}

fn time<T>(f: impl FnOnce() -> T) -> (Duration, T) {
    let start = Instant::now();
    let out = f();
    (start.elapsed(), out)
}

/// The documents section of BENCHMARKS.md: markdown rows
/// `| what | n | p50 ms | p99 ms | max ms |`, then rows whose p50 column
/// holds a size in bytes. Rendering only (no database): the view structs
/// are built in memory, as `ops` hands them over.
pub async fn bench_documents() -> Vec<String> {
    let mut rows = Vec::new();
    let lang = Lang::Ru;
    let first = bench_label(0);
    let (cold, one) =
        time(|| documents::label::pdf(&first, Paper::Label4x6, lang).unwrap_or_default());
    rows.push(row("label 4x6 PDF, first (loads the font)", &mut [cold]));
    let mut times: Vec<Duration> = (0..200)
        .map(|i| time(|| documents::label::pdf(&bench_label(i), Paper::Label4x6, lang)).0)
        .collect();
    rows.push(row(
        "label 4x6 PDF (3 barcodes, Cyrillic, subset font)",
        &mut times,
    ));
    let mut times: Vec<Duration> = (0..200)
        .map(|i| {
            time(|| documents::zpl::label(&bench_label(i), Paper::Label4x6, Dpi::D203, lang)).0
        })
        .collect();
    rows.push(row("label 4x6 ZPL 203 dpi", &mut times));
    let views: Vec<LabelView> = (0..1000).map(bench_label).collect();
    let mut batch_bytes = 0;
    let mut times: Vec<Duration> = (0..10)
        .map(|_| {
            let (t, bytes) = time(|| {
                documents::label::labels_pdf(&views, Paper::Label4x6, lang).unwrap_or_default()
            });
            batch_bytes = bytes.len();
            t
        })
        .collect();
    rows.push(row("1,000 labels 4x6 in one PDF", &mut times));
    let invoice = bench_invoice(50);
    let mut invoice_bytes = 0;
    let mut times: Vec<Duration> = (0..50)
        .map(|_| {
            let (t, bytes) = time(|| documents::invoice::pdf(&invoice, lang).unwrap_or_default());
            invoice_bytes = bytes.len();
            t
        })
        .collect();
    rows.push(row("invoice A4, 50 lines (2 pages)", &mut times));
    rows.extend(bench_previews().await);
    rows.push(format!(
        "| bytes: one label PDF | 1 | {} | - | - |",
        one.len()
    ));
    rows.push(format!(
        "| bytes per label in the 1,000-label PDF | 1000 | {} | - | - |",
        batch_bytes / 1000
    ));
    rows.push(format!(
        "| bytes: invoice, 50 lines | 1 | {invoice_bytes} | - | - |"
    ));
    rows
}
