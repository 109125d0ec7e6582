//! The print queue: one row per document sent (or waiting) to a printer.

use super::bad_stored;
use crate::documents::{DocFormat, DocumentKey, DocumentKind, DocumentSettings, Dpi, Lang, Paper};
use crate::domain::time::Millis;
use crate::domain::Actor;
use crate::{Error, Result};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::AnyConnection;

crate::named_enum! {
    /// Where a print job is.
    pub enum PrintStatus("print job state") {
        /// Waiting: not sent yet, or no printer chosen.
        Queued = "queued",
        /// CUPS accepted the job.
        Sent = "sent",
        /// The printer is missing or stopped, or lp refused or timed out.
        Failed = "failed",
    }
}

/// One row of the print queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PrintJob {
    pub id: i64,
    pub kind: DocumentKind,
    pub key: DocumentKey,
    /// The carton a label is for (its number in the order), when the order
    /// went into several.
    pub carton: Option<i64>,
    pub format: DocFormat,
    pub paper: Paper,
    pub dpi: Dpi,
    pub lang: Lang,
    pub printer: Option<String>,
    pub status: PrintStatus,
    pub message: String,
    /// CUPS's id for the job ("VirtualPDF-12") once sent.
    pub cups_job: Option<String>,
    pub attempts: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub station: String,
    pub user: String,
}

impl PrintJob {
    pub fn settings(&self) -> DocumentSettings {
        DocumentSettings {
            printer: self.printer.clone(),
            paper: self.paper,
            format: self.format,
            dpi: self.dpi,
            lang: self.lang,
        }
    }

    /// The job's title in CUPS: what, which job, from which station —
    /// ASCII, so every backend keeps it intact ("packbench-invoice-1001-job7-station-2").
    pub fn title(&self) -> String {
        let what = match &self.key {
            DocumentKey::Order { number } => number.clone(),
            DocumentKey::PickList { id } => id.to_string(),
            DocumentKey::Manifest { date, .. } => date.to_string(),
            DocumentKey::Handover { id } => format!("handover{id}"),
            DocumentKey::Return { id } => format!("return{id}"),
        };
        let mut title = format!(
            "packbench-{}-{what}-job{}-{}",
            self.kind.as_str().replace('_', "-"),
            self.id,
            self.station
        );
        if let Some(seq) = self.carton {
            title.push_str(&format!("-carton{seq}"));
        }
        title
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    }
}

/// A job row as stored: what it prints is spread over several columns.
#[derive(sqlx::FromRow)]
struct JobRow {
    id: i64,
    kind: DocumentKind,
    number: Option<String>,
    pick_list_id: Option<i64>,
    carrier: Option<String>,
    day: Option<String>,
    format: DocFormat,
    paper: Paper,
    dpi: Dpi,
    lang: Lang,
    printer: Option<String>,
    status: PrintStatus,
    message: String,
    cups_job: Option<String>,
    attempts: i64,
    #[sqlx(try_from = "Millis")]
    created_at: DateTime<Utc>,
    #[sqlx(try_from = "Millis")]
    updated_at: DateTime<Utc>,
    station: String,
    user_name: String,
    order_id: Option<i64>,
    carton_seq: Option<i64>,
    return_id: Option<i64>,
    manifest_id: Option<i64>,
}

impl JobRow {
    /// The job, or why its row does not say what it prints.
    fn into_job(self) -> Result<(PrintJob, Option<i64>)> {
        let missing = |what: &str| {
            bad_stored(
                "print_jobs",
                format!(
                    "print job {} is a {} without {what}",
                    self.id,
                    self.kind.as_str()
                ),
            )
        };
        let key = match self.kind {
            DocumentKind::PickList => DocumentKey::PickList {
                id: self.pick_list_id.ok_or_else(|| missing("a pick list"))?,
            },
            DocumentKind::Manifest if self.manifest_id.is_some() => DocumentKey::Handover {
                id: self.manifest_id.unwrap_or_default(),
            },
            DocumentKind::ReturnNote => DocumentKey::Return {
                id: self.return_id.ok_or_else(|| missing("a return"))?,
            },
            DocumentKind::Manifest => {
                let day = self.day.as_deref().ok_or_else(|| missing("a day"))?;
                DocumentKey::Manifest {
                    carrier: self.carrier.clone().ok_or_else(|| missing("a carrier"))?,
                    date: NaiveDate::parse_from_str(day, "%Y-%m-%d").map_err(|e| {
                        bad_stored(
                            "print_jobs.day",
                            format!("print job {} has the day {day:?} ({e})", self.id),
                        )
                    })?,
                }
            }
            DocumentKind::Invoice
            | DocumentKind::PackingSlip
            | DocumentKind::Label
            | DocumentKind::SalesReceipt
            | DocumentKind::Torg12
            | DocumentKind::Upd => DocumentKey::Order {
                number: self.number.clone().ok_or_else(|| missing("an order"))?,
            },
        };
        let job = PrintJob {
            id: self.id,
            kind: self.kind,
            key,
            carton: self.carton_seq,
            format: self.format,
            paper: self.paper,
            dpi: self.dpi,
            lang: self.lang,
            printer: self.printer,
            status: self.status,
            message: self.message,
            cups_job: self.cups_job,
            attempts: self.attempts,
            created_at: self.created_at,
            updated_at: self.updated_at,
            station: self.station,
            user: self.user_name,
        };
        Ok((job, self.order_id))
    }
}

const JOB_COLUMNS: &str = "j.id, j.kind, o.number, j.pick_list_id, j.carrier, j.day, j.format, \
    j.paper, j.dpi, j.lang, j.printer, j.status, j.message, j.cups_job, j.attempts, \
    j.created_at, j.updated_at, j.station, j.user_name, j.order_id, \
    (SELECT c.seq FROM cartons c WHERE c.id = j.carton_id) AS carton_seq, j.return_id, j.manifest_id";

/// The job and the order it prints for (none for pick lists and manifests).
pub async fn by_id(conn: &mut AnyConnection, id: i64) -> Result<(PrintJob, Option<i64>)> {
    let sql = format!(
        "SELECT {JOB_COLUMNS} FROM print_jobs j LEFT JOIN orders o ON o.id = j.order_id WHERE j.id = $1"
    );
    let row: JobRow = sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| Error::not_found("print job", id.to_string()))?;
    row.into_job()
}

fn jobs(rows: Vec<JobRow>) -> Result<Vec<PrintJob>> {
    rows.into_iter()
        .map(|r| r.into_job().map(|(job, _)| job))
        .collect()
}

/// The newest jobs first.
pub async fn newest(conn: &mut AnyConnection, limit: i64) -> Result<Vec<PrintJob>> {
    let sql = format!(
        "SELECT {JOB_COLUMNS} FROM print_jobs j LEFT JOIN orders o ON o.id = j.order_id \
         ORDER BY j.id DESC LIMIT $1"
    );
    jobs(
        sqlx::query_as(&sql)
            .bind(limit)
            .fetch_all(&mut *conn)
            .await?,
    )
}

/// An order's jobs, newest first.
pub async fn of_order(conn: &mut AnyConnection, number: &str) -> Result<Vec<PrintJob>> {
    let sql = format!(
        "SELECT {JOB_COLUMNS} FROM print_jobs j JOIN orders o ON o.id = j.order_id \
         WHERE o.number = $1 ORDER BY j.id DESC LIMIT 100"
    );
    jobs(
        sqlx::query_as(&sql)
            .bind(number)
            .fetch_all(&mut *conn)
            .await?,
    )
}

/// What a new job prints for: an order, a pick list, a carrier's day, a
/// closed hand-over, or a return (of an order).
pub enum JobSubject<'a> {
    Order(i64),
    /// One carton's label of an order.
    Carton {
        order: i64,
        carton: i64,
    },
    PickList(i64),
    Manifest {
        carrier: &'a str,
        day: NaiveDate,
    },
    Handover(i64),
    Return {
        order: i64,
        id: i64,
    },
}

/// Writes a `queued` job and returns its id.
pub async fn enqueue(
    conn: &mut AnyConnection,
    actor: &Actor,
    kind: DocumentKind,
    subject: JobSubject<'_>,
    settings: &DocumentSettings,
    printer: Option<&str>,
    now_ms: i64,
) -> Result<i64> {
    let carton_id = match subject {
        JobSubject::Carton { carton, .. } => Some(carton),
        _ => None,
    };
    let (return_id, manifest_id) = match subject {
        JobSubject::Return { id, .. } => (Some(id), None),
        JobSubject::Handover(id) => (None, Some(id)),
        _ => (None, None),
    };
    let (order_id, pick_list_id, carrier, day) = match subject {
        JobSubject::Order(id)
        | JobSubject::Carton { order: id, .. }
        | JobSubject::Return { order: id, .. } => (Some(id), None, None, None),
        JobSubject::PickList(id) => (None, Some(id), None, None),
        JobSubject::Manifest { carrier, day } => (None, None, Some(carrier), Some(day.to_string())),
        JobSubject::Handover(_) => (None, None, None, None),
    };
    Ok(sqlx::query_scalar(
        "INSERT INTO print_jobs (kind, order_id, pick_list_id, carrier, day, format, paper, dpi, lang, \
           printer, status, message, attempts, created_at, updated_at, station, user_name, carton_id, \
           return_id, manifest_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $14, '', 0, $11, $11, $12, $13, $15, $16, $17) RETURNING id",
    )
    .bind(kind)
    .bind(order_id)
    .bind(pick_list_id)
    .bind(carrier)
    .bind(day)
    .bind(settings.format)
    .bind(settings.paper)
    .bind(settings.dpi)
    .bind(settings.lang)
    .bind(printer)
    .bind(now_ms)
    .bind(&actor.station)
    .bind(&actor.user)
    .bind(PrintStatus::Queued)
    .bind(carton_id)
    .bind(return_id)
    .bind(manifest_id)
    .fetch_one(&mut *conn)
    .await?)
}

/// Records the outcome of one attempt and ends its sending lease;
/// `retry_at`: when a failed job is tried again by itself (None: not).
#[allow(clippy::too_many_arguments)]
pub async fn set_outcome(
    conn: &mut AnyConnection,
    id: i64,
    status: PrintStatus,
    message: &str,
    cups_job: Option<&str>,
    attempted: bool,
    now_ms: i64,
    retry_at: Option<i64>,
) -> Result<()> {
    sqlx::query(
        "UPDATE print_jobs SET status = $1, message = $2, cups_job = $3, \
         attempts = attempts + $4, updated_at = $5, sending_since = NULL, next_attempt_at = $7 \
         WHERE id = $6",
    )
    .bind(status)
    .bind(message)
    .bind(cups_job)
    .bind(i64::from(attempted))
    .bind(now_ms)
    .bind(id)
    .bind(retry_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Takes the lease to send a job: true for exactly one caller, and only
/// while the job waits (queued or failed) and nobody is sending it. Written
/// before lp runs, so a crash during lp leaves the mark behind.
pub async fn begin_send(conn: &mut AnyConnection, id: i64, now_ms: i64) -> Result<bool> {
    let taken = sqlx::query(
        "UPDATE print_jobs SET sending_since = $2, next_attempt_at = NULL \
         WHERE id = $1 AND sending_since IS NULL AND status IN ($3, $4)",
    )
    .bind(id)
    .bind(now_ms)
    .bind(PrintStatus::Queued)
    .bind(PrintStatus::Failed)
    .execute(&mut *conn)
    .await?;
    Ok(taken.rows_affected() == 1)
}

/// This station's jobs whose sending began before `before` and never
/// ended: the station stopped while lp ran.
pub async fn interrupted(conn: &mut AnyConnection, station: &str, before: i64) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM print_jobs WHERE station = $1 AND sending_since IS NOT NULL \
         AND sending_since < $2 AND status = $3 ORDER BY id",
    )
    .bind(station)
    .bind(before)
    .bind(PrintStatus::Queued)
    .fetch_all(&mut *conn)
    .await?)
}

/// A job that waits to be sent by itself: (id, printer, due at; None =
/// now). Failed ones with a retry time, and queued ones with a printer
/// that were never sent (queued before `stale_before` and left behind).
pub async fn waiting(
    conn: &mut AnyConnection,
    station: &str,
    stale_before: i64,
) -> Result<Vec<(i64, String, Option<i64>)>> {
    Ok(sqlx::query_as(
        "SELECT id, printer, next_attempt_at FROM print_jobs \
         WHERE station = $1 AND printer IS NOT NULL AND sending_since IS NULL AND ( \
           (status = $2 AND next_attempt_at IS NOT NULL) \
           OR (status = $3 AND created_at < $4)) \
         ORDER BY id",
    )
    .bind(station)
    .bind(PrintStatus::Failed)
    .bind(PrintStatus::Queued)
    .bind(stale_before)
    .fetch_all(&mut *conn)
    .await?)
}

/// Puts a job back in the queue, on `printer` when one is given; false
/// when there is no such job.
pub async fn requeue(
    conn: &mut AnyConnection,
    id: i64,
    printer: Option<&str>,
    now_ms: i64,
) -> Result<bool> {
    let updated = sqlx::query(
        "UPDATE print_jobs SET status = $4, printer = COALESCE($1, printer), updated_at = $2 WHERE id = $3",
    )
    .bind(printer)
    .bind(now_ms)
    .bind(id)
    .bind(PrintStatus::Queued)
    .execute(&mut *conn)
    .await?;
    Ok(updated.rows_affected() == 1)
}
