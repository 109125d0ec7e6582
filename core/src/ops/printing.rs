//! Printing through CUPS, and the print queue in the database.
//!
//! A job is written `queued` first, in its own transaction, after whatever
//! the user did (packing, shipping) has committed; then it is rendered and
//! handed to `lp` with a time limit, and the job becomes `sent` (with the
//! CUPS job id) or `failed` (with lp's or lpstat's own words). A printer that
//! is missing, stopped or hanging costs a few seconds and a `failed` row —
//! never the order. Each outcome is also an event on the order, so the
//! change feed shows it at every station within seconds.

use super::documents::render_document;
use crate::documents::{
    DocFormat, DocumentKey, DocumentKind, DocumentSettings, Lang, Paper, PrintSettings,
};
use crate::domain::access::Op;
use crate::domain::{Actor, EventKind};
use crate::store::orders::head_by_number;
use crate::store::print_jobs::{self, JobSubject, PrintJob, PrintStatus};
use crate::store::{events, pick_lists, Store};
use crate::{Error, Result};
use futures_util::future::join_all;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::AsyncWriteExt;

/// How long `lp` may take to accept a job before the job counts as failed.
pub const LP_TIMEOUT: Duration = Duration::from_secs(5);
/// How long `lpstat` may take to describe a printer.
const LPSTAT_TIMEOUT: Duration = Duration::from_secs(3);

/// The newest jobs first.
pub async fn print_jobs(store: &Store, limit: i64) -> Result<Vec<PrintJob>> {
    let mut conn = store.pool().acquire().await?;
    print_jobs::newest(&mut conn, limit.clamp(1, 1000)).await
}

/// An order's jobs, newest first (the order screen's "printed" line).
pub async fn order_print_jobs(store: &Store, number: &str) -> Result<Vec<PrintJob>> {
    let mut conn = store.pool().acquire().await?;
    print_jobs::of_order(&mut conn, number.trim()).await
}

/// Writes a `queued` job; the key must name an existing order or pick list.
async fn enqueue(
    store: &Store,
    actor: &Actor,
    kind: DocumentKind,
    key: &DocumentKey,
    settings: &DocumentSettings,
) -> Result<i64> {
    enqueue_for(store, actor, kind, key, settings, None).await
}

/// As [`enqueue`], for one carton's label.
async fn enqueue_for(
    store: &Store,
    actor: &Actor,
    kind: DocumentKind,
    key: &DocumentKey,
    settings: &DocumentSettings,
    carton_id: Option<i64>,
) -> Result<i64> {
    settings.check(kind)?;
    key.check(kind)?;
    let mut tx = store.write().await?;
    let carrier;
    let subject = match key {
        DocumentKey::Order { number } => {
            let head = head_by_number(&mut tx, store.engine(), number, false).await?;
            match carton_id {
                Some(carton) => JobSubject::Carton {
                    order: head.id,
                    carton,
                },
                None => JobSubject::Order(head.id),
            }
        }
        DocumentKey::PickList { id } => {
            pick_lists::status(&mut tx, *id).await?;
            JobSubject::PickList(*id)
        }
        DocumentKey::Handover { id } => {
            crate::store::shipments::manifest_head(&mut tx, *id)
                .await?
                .ok_or_else(|| Error::not_found("hand-over", id.to_string()))?;
            JobSubject::Handover(*id)
        }
        DocumentKey::Return { id } => {
            let (order, ..) = crate::store::returns::head(&mut tx, *id)
                .await?
                .ok_or_else(|| Error::not_found("return", id.to_string()))?;
            JobSubject::Return { order, id: *id }
        }
        DocumentKey::Manifest { carrier: c, date } => {
            carrier = c.trim().to_string();
            JobSubject::Manifest {
                carrier: &carrier,
                day: *date,
            }
        }
    };
    let printer = settings
        .printer
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty());
    let id = print_jobs::enqueue(
        &mut tx,
        actor,
        kind,
        subject,
        settings,
        printer,
        store.now_ms(),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Records the outcome of one attempt, with an event on the order.
#[allow(clippy::too_many_arguments)]
async fn finish(
    store: &Store,
    actor: &Actor,
    id: i64,
    status: PrintStatus,
    message: &str,
    cups_job: Option<&str>,
    attempted: bool,
    retry_at: Option<i64>,
) -> Result<PrintJob> {
    let mut tx = store.write().await?;
    let now = store.now_ms();
    print_jobs::set_outcome(
        &mut tx, id, status, message, cups_job, attempted, now, retry_at,
    )
    .await?;
    let (job, order_id) = print_jobs::by_id(&mut tx, id).await?;
    // Every outcome is an event, so the change feed tells every station:
    // also a job that waits because no printer is chosen (the packer must
    // learn that nothing came out).
    let kind = match (attempted, status) {
        (true, PrintStatus::Sent) => Some(EventKind::Printed),
        (true, _) => Some(EventKind::PrintFailed),
        (false, PrintStatus::Queued) => Some(EventKind::PrintWaiting),
        (false, _) => None,
    };
    if let Some(kind) = kind {
        events::record(
            &mut tx,
            order_id,
            now,
            actor,
            kind,
            None,
            Some(json!({
                "job": job.id,
                "document": job.kind,
                "printer": job.printer,
                "status": job.status,
                "message": job.message,
            })),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(job)
}

/// Reads a queued job, then [`send`]s it.
async fn send_by_id(store: &Store, actor: &Actor, id: i64) -> Result<PrintJob> {
    let (job, _) = {
        let mut conn = store.pool().acquire().await?;
        print_jobs::by_id(&mut conn, id).await?
    };
    send(store, actor, job).await
}

/// Renders and sends a queued job; the outcome is written to the job.
async fn send(store: &Store, actor: &Actor, job: PrintJob) -> Result<PrintJob> {
    let id = job.id;
    let Some(printer) = job.printer.clone() else {
        let message = format!(
            "no printer is chosen for the {}; choose one in the station's print settings, then print it again",
            job.kind.as_str().replace('_', " ")
        );
        return finish(
            store,
            actor,
            id,
            PrintStatus::Queued,
            &message,
            None,
            false,
            None,
        )
        .await;
    };
    let rendered = match (job.carton, &job.key) {
        (Some(seq), DocumentKey::Order { number }) => {
            super::documents::render_carton_label(store, number, seq, &job.settings()).await
        }
        _ => render_document(store, job.kind, &job.key, &job.settings()).await,
    };
    let bytes = match rendered {
        Ok(bytes) => bytes,
        Err(e) if e.is_refusal() || matches!(e, Error::Invalid(_)) => {
            let message = format!("the document could not be made: {e}");
            return finish(
                store,
                actor,
                id,
                PrintStatus::Failed,
                &message,
                None,
                true,
                None,
            )
            .await;
        }
        Err(e) => return Err(e),
    };
    // The lease: one sender per job, and a mark that outlives a crash
    // while lp runs (such a job may have printed: it is never sent again
    // by itself).
    let taken = {
        let mut conn = store.pool().acquire().await?;
        print_jobs::begin_send(&mut conn, id, store.now_ms()).await?
    };
    if !taken {
        let mut conn = store.pool().acquire().await?;
        return Ok(print_jobs::by_id(&mut conn, id).await?.0);
    }
    match submit(&printer, &job.title(), &bytes, job.format, job.paper).await {
        Ok(cups_job) => {
            let message = format!("sent to {printer} as {cups_job}");
            finish(
                store,
                actor,
                id,
                PrintStatus::Sent,
                &message,
                Some(&cups_job),
                true,
                None,
            )
            .await
        }
        Err(message) => {
            tracing::warn!(job = id, %printer, %message, "print job failed");
            let retry_at = retry_at(&job, store.now_ms());
            finish(
                store,
                actor,
                id,
                PrintStatus::Failed,
                &message,
                None,
                true,
                retry_at,
            )
            .await
        }
    }
}

/// The first retry of a failed job waits this long; each next one twice
/// as long, up to [`RETRY_AT_MOST`].
pub const RETRY_FIRST: Duration = Duration::from_secs(5);
pub const RETRY_AT_MOST: Duration = Duration::from_secs(300);
/// A job is tried again by itself for this long after it was queued (a
/// shift); after that a person prints it again.
pub const RETRY_FOR: Duration = Duration::from_secs(12 * 3600);
/// A job queued with a printer and still not sent after this long was left
/// behind (its station stopped before sending it).
const LEFT_BEHIND_AFTER: Duration = Duration::from_secs(30);

/// When a job that failed just now (its attempt number `attempts + 1`) is
/// tried again by itself, or None when it has waited long enough.
fn retry_at(job: &PrintJob, now_ms: i64) -> Option<i64> {
    if now_ms - job.created_at.timestamp_millis() > RETRY_FOR.as_millis() as i64 {
        return None;
    }
    let doublings = job.attempts.clamp(0, 16) as u32;
    let wait = RETRY_FIRST
        .saturating_mul(2u32.saturating_pow(doublings))
        .min(RETRY_AT_MOST);
    Some(now_ms + wait.as_millis() as i64)
}

/// Jobs of this station whose lp was cut off (the station stopped while
/// sending): each is marked failed with a message saying it may have
/// printed, and is never sent again by itself. Run at start and now and
/// then; a job counts as cut off once its lp would have timed out.
pub async fn recover_print_jobs(store: &Store, actor: &Actor) -> Result<Vec<PrintJob>> {
    let cutoff = store.now_ms() - (LP_TIMEOUT + LEFT_BEHIND_AFTER).as_millis() as i64;
    let ids = {
        let mut conn = store.pool().acquire().await?;
        print_jobs::interrupted(&mut conn, &actor.station, cutoff).await?
    };
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let message = "Packbench stopped while this job was being sent, so it may have printed: \
             look at the printer, and print it again only if it did not come out";
        // lp did run: an attempt, and an event every station sees.
        out.push(
            finish(
                store,
                actor,
                id,
                PrintStatus::Failed,
                message,
                None,
                true,
                None,
            )
            .await?,
        );
    }
    Ok(out)
}

/// Sends this station's jobs that wait to be tried again (their back-off
/// is over) or were left behind, each printer's in the order they were
/// queued: a printer's later job never goes out before an earlier one
/// that still waits, and the first that fails again stops that printer's
/// round. Returns the jobs tried, with their outcome.
pub async fn send_waiting_print_jobs(store: &Store, actor: &Actor) -> Result<Vec<PrintJob>> {
    actor.may(Op::Print)?;
    recover_print_jobs(store, actor).await?;
    let now = store.now_ms();
    let stale = now - LEFT_BEHIND_AFTER.as_millis() as i64;
    let waiting = {
        let mut conn = store.pool().acquire().await?;
        print_jobs::waiting(&mut conn, &actor.station, stale).await?
    };
    let mut stopped: Vec<String> = Vec::new();
    let mut tried = Vec::new();
    for (id, printer, due) in waiting {
        if stopped.contains(&printer) {
            continue;
        }
        if due.is_some_and(|at| at > now) {
            stopped.push(printer);
            continue;
        }
        let job = send_by_id(store, actor, id).await?;
        if job.status != PrintStatus::Sent {
            stopped.push(printer);
        }
        tried.push(job);
    }
    Ok(tried)
}

/// What the app does every few seconds for its station, signed in or not
/// (a printer that comes back prints what waited even while nobody is at
/// the table): [`send_waiting_print_jobs`] as the station itself, a system
/// actor with the packer's rights that only core makes.
pub async fn send_station_print_jobs(store: &Store, station: &str) -> Result<Vec<PrintJob>> {
    let system = Actor::new("Packbench", station, crate::domain::Role::Packer);
    send_waiting_print_jobs(store, &system).await
}

/// Queues one document and sends it at once when a printer is chosen.
pub async fn print_document(
    store: &Store,
    actor: &Actor,
    kind: DocumentKind,
    key: &DocumentKey,
    settings: &DocumentSettings,
) -> Result<PrintJob> {
    actor.may(Op::Print)?;
    let id = enqueue(store, actor, kind, key, settings).await?;
    send_by_id(store, actor, id).await
}

/// Queued jobs to be sent, each with its own time limit, all at once. The
/// shell decides whether to wait: the app sends in the background so the
/// packer is never held up, the CLI waits and reports.
#[must_use = "queued jobs are only sent when the run is sent or spawned"]
pub struct PrintRun {
    store: Store,
    actor: Actor,
    /// The queued jobs as they were read when queued.
    jobs: Vec<PrintJob>,
}

/// One printer's jobs in a run: the printer, and (position, job) pairs.
type PrinterQueue = (Option<String>, Vec<(usize, PrintJob)>);

impl PrintRun {
    /// Sends every job and returns them with their outcome.
    pub async fn send(self) -> Result<Vec<PrintJob>> {
        // Printers at once, each waiting on lp with its own time limit; one
        // printer's jobs in their order (carton 1's label before carton
        // 2's), as the packer lays the labels out.
        let mut queues: Vec<PrinterQueue> = Vec::new();
        for (i, job) in self.jobs.into_iter().enumerate() {
            match queues.iter_mut().find(|q| q.0 == job.printer) {
                Some(q) => q.1.push((i, job)),
                None => queues.push((job.printer.clone(), vec![(i, job)])),
            }
        }
        let (store, actor) = (&self.store, &self.actor);
        let runs = queues.into_iter().map(|(_, jobs)| async move {
            let mut done = Vec::with_capacity(jobs.len());
            for (i, job) in jobs {
                done.push((i, send(store, actor, job).await));
            }
            done
        });
        let mut all: Vec<(usize, Result<PrintJob>)> =
            join_all(runs).await.into_iter().flatten().collect();
        all.sort_by_key(|(i, _)| *i);
        all.into_iter().map(|(_, r)| r).collect()
    }

    /// Sends in the background; a failure that is not the printer's (the
    /// database went away) is logged.
    pub fn send_in_background(self) {
        if self.jobs.is_empty() {
            return;
        }
        tokio::spawn(async move {
            if let Err(e) = self.send().await {
                tracing::warn!("printing in the background failed: {e}");
            }
        });
    }
}

/// After a pack: the documents the order's channel puts in its parcels
/// (the invoice and the label unless set) into the queue, as the station's
/// settings say (nothing with auto-print off). Returns the queued
/// jobs and the run that sends them.
pub async fn print_after_pack(
    store: &Store,
    actor: &Actor,
    number: &str,
    settings: &PrintSettings,
) -> Result<(Vec<PrintJob>, PrintRun)> {
    actor.may(Op::Print)?;
    if !settings.auto_print {
        return queued_run(store, actor, Vec::new()).await;
    }
    queue_order_documents(store, actor, number, settings).await
}

/// After a return: its note into the queue when the station prints by
/// itself. Returns the queued job and the run that sends it.
pub async fn print_after_return(
    store: &Store,
    actor: &Actor,
    return_id: i64,
    settings: &PrintSettings,
) -> Result<(Vec<PrintJob>, PrintRun)> {
    actor.may(Op::Print)?;
    let mut ids = Vec::new();
    if settings.auto_print {
        let key = DocumentKey::Return { id: return_id };
        let kind = DocumentKind::ReturnNote;
        ids.push(enqueue(store, actor, kind, &key, settings.for_kind(kind)).await?);
    }
    queued_run(store, actor, ids).await
}

/// The queued jobs as they are now, and the run that sends them.
async fn queued_run(
    store: &Store,
    actor: &Actor,
    ids: Vec<i64>,
) -> Result<(Vec<PrintJob>, PrintRun)> {
    let mut queued = Vec::new();
    {
        let mut conn = store.pool().acquire().await?;
        for id in &ids {
            queued.push(print_jobs::by_id(&mut conn, *id).await?.0);
        }
    }
    let run = PrintRun {
        store: store.clone(),
        actor: actor.clone(),
        jobs: queued.clone(),
    };
    Ok((queued, run))
}

async fn queue_order_documents(
    store: &Store,
    actor: &Actor,
    number: &str,
    settings: &PrintSettings,
) -> Result<(Vec<PrintJob>, PrintRun)> {
    let number = number.trim();
    let key = DocumentKey::order(number);
    let mut ids = Vec::new();
    // What the order's channel puts in its parcels (the invoice and the
    // label unless the store says otherwise), in that order.
    for kind in super::packing_documents::for_order(store, number).await? {
        if kind != DocumentKind::Label {
            ids.push(enqueue(store, actor, kind, &key, settings.for_kind(kind)).await?);
            continue;
        }
        // A label per carton with goods in it ("1 of 3", its SSCC); one for
        // the order when it went into none.
        let cartons: Vec<i64> = super::cartons::cartons_of(store, number)
            .await?
            .into_iter()
            .filter(|c| c.units > 0)
            .map(|c| c.id)
            .collect();
        if cartons.is_empty() {
            ids.push(enqueue(store, actor, kind, &key, &settings.label).await?);
        }
        for carton in cartons {
            ids.push(enqueue_for(store, actor, kind, &key, &settings.label, Some(carton)).await?);
        }
    }
    queued_run(store, actor, ids).await
}

/// The documents of one order's parcel, now, whatever auto-print says:
/// the packer's "print again" (F8) after a jam or a torn label.
pub async fn print_order_documents(
    store: &Store,
    actor: &Actor,
    number: &str,
    settings: &PrintSettings,
) -> Result<Vec<PrintJob>> {
    actor.may(Op::Print)?;
    let (_, run) = queue_order_documents(store, actor, number, settings).await?;
    run.send().await
}

/// Sends a job again: a failed one once the printer is back, or a sent one
/// as a reprint. `printer` sends it elsewhere (and is kept on the job).
pub async fn retry_print_job(
    store: &Store,
    actor: &Actor,
    id: i64,
    printer: Option<&str>,
) -> Result<PrintJob> {
    actor.may(Op::Print)?;
    let printer = printer.map(str::trim).filter(|p| !p.is_empty());
    let mut tx = store.write().await?;
    if !print_jobs::requeue(&mut tx, id, printer, store.now_ms()).await? {
        return Err(Error::not_found("print job", id.to_string()));
    }
    tx.commit().await?;
    send_by_id(store, actor, id).await
}

/// At most this many pages are drawn for a preview (a long pick list
/// shows its first pages and says how many there are).
pub const PREVIEW_PAGES: usize = 10;
/// How long drawing a preview may take.
const PREVIEW_TIMEOUT: Duration = Duration::from_secs(10);

/// A document as the station would print it, drawn as page images.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DocumentPreview {
    pub kind: DocumentKind,
    pub format: DocFormat,
    pub paper: Paper,
    /// Size of what the printer receives, in bytes.
    pub bytes: i64,
    /// `data:image/png;base64,...`, one per page, at most [`PREVIEW_PAGES`].
    pub pages: Vec<String>,
    pub page_count: i64,
    /// The ZPL itself when the format is ZPL; the images then show the same
    /// label laid out as PDF (the printer draws ZPL's barcodes itself).
    pub zpl: Option<String>,
    /// "invoice-1001.pdf", "label-1001.zpl".
    pub file_name: String,
}

/// Renders a document with `settings` and draws its pages with poppler's
/// `pdftoppm` (screen resolution for sheets, sharper for labels).
pub async fn preview_document(
    store: &Store,
    kind: DocumentKind,
    key: &DocumentKey,
    settings: &DocumentSettings,
) -> Result<DocumentPreview> {
    let bytes = render_document(store, kind, key, settings).await?;
    let (pdf, zpl) = match settings.format {
        DocFormat::Pdf => (bytes.clone(), None),
        DocFormat::Zpl => {
            let as_pdf = DocumentSettings {
                format: DocFormat::Pdf,
                ..settings.clone()
            };
            let pdf = render_document(store, kind, key, &as_pdf).await?;
            (pdf, Some(String::from_utf8_lossy(&bytes).into_owned()))
        }
    };
    let dpi = if settings.paper.is_label() { 150 } else { 96 };
    let (pages, page_count) = draw_pages(&pdf, dpi).await.map_err(Error::Refused)?;
    let what = match key {
        DocumentKey::Order { number } => number.clone(),
        DocumentKey::PickList { id } => id.to_string(),
        DocumentKey::Manifest { carrier, date } => format!("{carrier}-{date}"),
        DocumentKey::Handover { id } => format!("handover-{id}"),
        DocumentKey::Return { id } => format!("return-{id}"),
    };
    let file_name = format!(
        "{}-{}.{}",
        kind.as_str().replace('_', "-"),
        what.chars()
            .map(|c| if c.is_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            })
            .collect::<String>(),
        settings.format.extension()
    );
    Ok(DocumentPreview {
        kind,
        format: settings.format,
        paper: settings.paper,
        bytes: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
        pages,
        page_count,
        zpl,
        file_name,
    })
}

/// PDF pages as PNG data URLs (the first [`PREVIEW_PAGES`]) and the page count.
async fn draw_pages(pdf: &[u8], dpi: u32) -> Result<(Vec<String>, i64), String> {
    use base64::Engine as _;
    let dir = tempfile::Builder::new()
        .prefix("packbench-preview-")
        .tempdir()
        .map_err(|e| format!("cannot make a scratch folder for the preview: {e}"))?;
    let input = dir.path().join("document.pdf");
    tokio::fs::write(&input, pdf)
        .await
        .map_err(|e| format!("cannot write the preview's scratch file: {e}"))?;
    let input_arg = input.to_string_lossy().into_owned();
    let root = dir.path().join("page").to_string_lossy().into_owned();
    let dpi_arg = dpi.to_string();
    let last = PREVIEW_PAGES.to_string();
    let args = [
        "-png",
        "-r",
        dpi_arg.as_str(),
        "-l",
        last.as_str(),
        input_arg.as_str(),
        root.as_str(),
    ];
    run("pdftoppm", &args, None, PREVIEW_TIMEOUT)
        .await
        .map_err(|e| {
            if e.contains("not installed") {
                "pdftoppm is not installed: install poppler-utils to see previews (printing works without it)".to_string()
            } else {
                format!("the preview could not be drawn: {e}")
            }
        })?;
    // page-1.png .. page-10.png, or zero-padded (page-01.png) for longer documents.
    let mut files: Vec<(u32, std::path::PathBuf)> = std::fs::read_dir(dir.path())
        .map_err(|e| format!("cannot read the preview's pages: {e}"))?
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            let name = path.file_name()?.to_str()?;
            let n = name
                .strip_prefix("page-")?
                .strip_suffix(".png")?
                .parse()
                .ok()?;
            Some((n, path))
        })
        .collect();
    files.sort();
    let mut pages = Vec::with_capacity(files.len());
    for (_, path) in files {
        let png = tokio::fs::read(&path)
            .await
            .map_err(|e| format!("cannot read a preview page: {e}"))?;
        pages.push(format!(
            "data:image/png;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(png)
        ));
    }
    let drawn = i64::try_from(pages.len()).unwrap_or_default();
    // Only a document cut short at PREVIEW_PAGES needs counting.
    let page_count = if pages.len() < PREVIEW_PAGES {
        drawn
    } else {
        run("pdfinfo", &[input_arg.as_str()], None, PREVIEW_TIMEOUT)
            .await
            .ok()
            .and_then(|info| {
                info.lines()
                    .find_map(|l| l.strip_prefix("Pages:"))
                    .and_then(|n| n.trim().parse().ok())
            })
            .unwrap_or(drawn)
    };
    Ok((pages, page_count))
}

/// A CUPS destination as `lpstat` describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Printer {
    pub name: String,
    pub state: PrinterState,
    /// lpstat's words about it ("Paused", "Unplugged or turned off", ...).
    pub message: String,
    pub is_default: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum PrinterState {
    Idle,
    Printing,
    Stopped,
    /// Known to CUPS (for example found on the network) but not described.
    Unknown,
}

/// Runs a CUPS tool with a time limit; Err holds what to tell the user.
async fn run(
    program: &str,
    args: &[&str],
    stdin: Option<&[u8]>,
    limit: Duration,
) -> Result<String, String> {
    let mut command = tokio::process::Command::new(program);
    command
        .args(args)
        // CUPS's tools and poppler speak the desktop's language (`lpstat -p`
        // says "принтер X свободен", `lp` "id запроса ..." on a Russian
        // station), and their answers are read here: run them in the C
        // locale. LANGUAGE would still pick gettext's catalogue otherwise.
        .env("LC_ALL", "C")
        .env_remove("LANGUAGE")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let work = async {
        let mut child = command.spawn().map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                format!("{program} is not installed: install CUPS (Debian: cups-client) to print")
            } else {
                format!("cannot run {program}: {e}")
            }
        })?;
        if let (Some(bytes), Some(mut pipe)) = (stdin, child.stdin.take()) {
            pipe.write_all(bytes)
                .await
                .map_err(|e| format!("{program} did not take the document: {e}"))?;
            drop(pipe);
        }
        let out = child
            .wait_with_output()
            .await
            .map_err(|e| format!("{program} failed: {e}"))?;
        let stdout = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let stderr = String::from_utf8_lossy(&out.stderr).trim().to_string();
        if out.status.success() {
            Ok(stdout)
        } else if !stderr.is_empty() {
            Err(stderr)
        } else if !stdout.is_empty() {
            Err(stdout)
        } else {
            Err(format!("{program} failed ({})", out.status))
        }
    };
    match tokio::time::timeout(limit, work).await {
        Ok(result) => result,
        Err(_) if program.starts_with("lp") => Err(format!(
            "{program} did not answer within {} s; is the print server (cupsd) running?",
            limit.as_secs_f32()
        )),
        Err(_) => Err(format!(
            "{program} did not answer within {} s",
            limit.as_secs_f32()
        )),
    }
}

/// Asks CUPS whether `printer` exists and is enabled. A destination CUPS
/// only knows from the network (`lpstat -e`, an IPP Everywhere printer not
/// yet set up) has no state to ask about: lp sets it up on first use.
async fn check_printer(printer: &str) -> Result<(), String> {
    let out = match run("lpstat", &["-p", printer], None, LPSTAT_TIMEOUT).await {
        Ok(out) => out,
        Err(e) if e.contains("Invalid destination") || e.contains("does not exist") => {
            let known = run("lpstat", &["-e"], None, LPSTAT_TIMEOUT)
                .await
                .map(|names| names.lines().any(|n| n.trim() == printer))
                .unwrap_or(false);
            return if known {
                Ok(())
            } else {
                Err(format!("printer {printer} does not exist (lpstat: {e})"))
            };
        }
        Err(e) => return Err(e),
    };
    match parse_lpstat_p(&out).iter().find(|p| p.name == printer) {
        Some(p) if p.state == PrinterState::Stopped => Err(format!(
            "printer {printer} is stopped{}",
            if p.message.is_empty() {
                String::new()
            } else {
                format!(": {}", p.message)
            }
        )),
        Some(_) => Ok(()),
        None => Err(format!("printer {printer} does not exist")),
    }
}

/// Prints the printer and scanner test page (documents::test_sheet) on
/// `printer` at once, outside the print queue: it belongs to no order and
/// is never printed again by itself. Ok holds the CUPS job id; an error
/// carries CUPS's own words.
pub async fn print_test_page(
    actor: &Actor,
    printer: &str,
    paper: Paper,
    lang: Lang,
    station: &str,
) -> Result<String> {
    actor.may(Op::Print)?;
    let printer = printer.trim();
    if printer.is_empty() {
        return Err(Error::Invalid(
            "choose a printer for the test page".to_string(),
        ));
    }
    let pdf = super::help::test_page_pdf(lang, paper, station)?;
    // The job's title names the station, as the queue shows it.
    let title = format!("packbench-test-page-{station}");
    submit(printer, &title, &pdf, DocFormat::Pdf, paper)
        .await
        .map_err(|why| {
            Error::Unavailable(format!("the test page did not print on {printer}: {why}"))
        })
}

/// Hands the document to CUPS; Ok holds the CUPS job id.
async fn submit(
    printer: &str,
    title: &str,
    bytes: &[u8],
    format: DocFormat,
    paper: Paper,
) -> Result<String, String> {
    check_printer(printer).await?;
    let media = format!("media={}", paper.cups_media());
    let mut args = vec!["-d", printer, "-t", title];
    match format {
        // ZPL goes to the printer byte for byte.
        DocFormat::Zpl => args.extend(["-o", "raw"]),
        DocFormat::Pdf => args.extend(["-o", media.as_str()]),
    }
    let out = run("lp", &args, Some(bytes), LP_TIMEOUT).await?;
    // "request id is VirtualPDF-12 (1 file(s))"
    Ok(out
        .strip_prefix("request id is ")
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or(out.as_str())
        .to_string())
}

/// `lpstat -p` output: "printer NAME is idle.  enabled since ...",
/// "printer NAME now printing NAME-3.  enabled since ...",
/// "printer NAME disabled since ... -" followed by an indented reason.
fn parse_lpstat_p(text: &str) -> Vec<Printer> {
    let mut out: Vec<Printer> = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("printer ") {
            let mut words = rest.split_whitespace();
            let name = words.next().unwrap_or_default().to_string();
            let tail: String = words.collect::<Vec<_>>().join(" ");
            let state = if tail.starts_with("disabled") {
                PrinterState::Stopped
            } else if tail.starts_with("now printing") {
                PrinterState::Printing
            } else if tail.starts_with("is idle") {
                PrinterState::Idle
            } else {
                PrinterState::Unknown
            };
            out.push(Printer {
                name,
                state,
                message: String::new(),
                is_default: false,
            });
        } else if line.starts_with(char::is_whitespace) {
            if let Some(last) = out.last_mut() {
                let reason = line.trim();
                if !reason.is_empty()
                    && !reason.starts_with("Form mounted")
                    && last.message.is_empty()
                {
                    last.message = reason.to_string();
                }
            }
        }
    }
    out
}

/// The system's printers (CUPS destinations), default first. Empty when
/// CUPS is not installed or not running.
pub async fn list_printers() -> Vec<Printer> {
    let described = run("lpstat", &["-p"], None, LPSTAT_TIMEOUT)
        .await
        .map(|t| parse_lpstat_p(&t))
        .unwrap_or_default();
    let names: Vec<String> = run("lpstat", &["-e"], None, LPSTAT_TIMEOUT)
        .await
        .map(|t| {
            t.lines()
                .map(|l| l.trim().to_string())
                .filter(|l| !l.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let default = run("lpstat", &["-d"], None, LPSTAT_TIMEOUT)
        .await
        .ok()
        .and_then(|t| t.split_once(": ").map(|(_, name)| name.trim().to_string()));
    let mut printers = described;
    for name in names {
        if !printers.iter().any(|p| p.name == name) {
            printers.push(Printer {
                name,
                state: PrinterState::Unknown,
                message: String::new(),
                is_default: false,
            });
        }
    }
    for p in &mut printers {
        p.is_default = default.as_deref() == Some(p.name.as_str());
    }
    printers.sort_by(|a, b| {
        b.is_default
            .cmp(&a.is_default)
            .then_with(|| a.name.cmp(&b.name))
    });
    printers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lpstat_states_and_reasons_are_read() {
        let text = "printer RawZpl is idle.  enabled since Sun Nov 22 21:57:59 2026\n\
                    printer Office now printing Office-7.  enabled since Sun Nov 22 2026\n\
                    printer Zebra disabled since Sun Nov 22 21:58:04 2026 -\n\
                    \tout of labels\n";
        let printers = parse_lpstat_p(text);
        assert_eq!(printers.len(), 3);
        assert_eq!(printers[0].state, PrinterState::Idle);
        assert_eq!(printers[1].state, PrinterState::Printing);
        assert_eq!(printers[2].state, PrinterState::Stopped);
        assert_eq!(printers[2].message, "out of labels");
    }

    #[tokio::test]
    async fn a_long_document_previews_its_first_pages_and_counts_them_all() {
        use crate::documents::{label, LabelView, Lang, Party, Seller};
        let views: Vec<LabelView> = (0..12)
            .map(|i| LabelView {
                carton: None,
                number: format!("{}", 5000 + i),
                sender: Party::from_seller(&Seller::demo()),
                recipient: Party {
                    name: "Иванова Мария".into(),
                    address: "г. Казань, ул. Баумана, д. 1".into(),
                    phone: String::new(),
                    email: String::new(),
                },
                delivery_method: "СДЭК".into(),
                tracking: None,
                weight_g: 500,
                units: 1,
                sscc: None,
            })
            .collect();
        let pdf = label::labels_pdf(&views, Paper::Label4x6, Lang::Ru).unwrap();
        let (pages, count) = draw_pages(&pdf, 30).await.unwrap();
        assert_eq!((pages.len(), count), (PREVIEW_PAGES, 12));
        assert!(pages
            .iter()
            .all(|p| p.starts_with("data:image/png;base64,")));
        let broken = draw_pages(b"not a pdf", 30).await.unwrap_err();
        assert!(broken.contains("could not be drawn"), "{broken}");
    }

    #[tokio::test]
    async fn a_hanging_tool_is_cut_off_at_its_time_limit() {
        let started = std::time::Instant::now();
        let result = run("sleep", &["10"], None, Duration::from_millis(300)).await;
        assert!(result.unwrap_err().contains("did not answer"));
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "the limit holds"
        );
        let missing = run("no-such-lp-here", &[], None, Duration::from_secs(1)).await;
        assert!(missing.unwrap_err().contains("not installed"));
    }
}
