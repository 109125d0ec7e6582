//! A watched folder, for shops without webhooks: the shop's cron drops its
//! order export (CSV or XLSX) into a folder; each file is imported through
//! the import every other file goes through ([`super::import_file`]: the
//! format read from its columns, Windows-1251 and XLSX, row-numbered
//! errors, an order already here updated while it is new and never
//! duplicated), then moved to `done/` (or `failed/` when nothing in it
//! could be taken) with its report beside it (`NAME.report.txt`).
//!
//! A file is read only once its size and modification time are the same
//! at two looks in a row, so a file the cron is still writing is never
//! read half-written. Nothing is lost: a name taken in `done/` gets a
//! number (`orders-2.csv`), a move to another file system is a copy made
//! whole before the original goes, a file that cannot be read goes to
//! `failed/` with the reason, and a file that cannot be moved stays where
//! it is (said once in the log) and is moved, not imported again, on a
//! later look. Names starting with `.` and files other than `.csv`,
//! `.xlsx`, `.tsv`, `.txt` are left alone.

use crate::documents::Lang;
use crate::domain::access::Op;
use crate::domain::Actor;
use crate::exchange::{self, ImportKind};
use crate::store::{settings, Store};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::SystemTime;

use super::ImportSummary;

/// The settings key of the watched folder.
const KEY: &str = "watch_folder";

/// The watched folder, as the store sets it (the server's machine's path).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct WatchFolderSettings {
    /// Empty: no folder is watched.
    pub folder: String,
    /// The files' format; None: read from each file's columns.
    pub format: Option<ImportKind>,
    /// The reports' language.
    pub lang: Lang,
    /// Seconds between looks.
    pub every_seconds: u32,
}

impl Default for WatchFolderSettings {
    fn default() -> Self {
        WatchFolderSettings {
            folder: String::new(),
            format: None,
            lang: Lang::Ru,
            every_seconds: 5,
        }
    }
}

/// The watched folder's settings.
pub async fn watch_folder_settings(store: &Store) -> Result<WatchFolderSettings> {
    let mut conn = store.pool().acquire().await?;
    Ok(settings::get(&mut conn, KEY).await?.unwrap_or_default())
}

/// Sets the watched folder (the server picks it up at its next look).
pub async fn set_watch_folder(
    store: &Store,
    actor: &Actor,
    value: &WatchFolderSettings,
) -> Result<WatchFolderSettings> {
    actor.may(Op::SetWatchFolder)?;
    let folder = value.folder.trim();
    if !folder.is_empty() && !Path::new(folder).is_absolute() {
        return Err(Error::Invalid(format!(
            "{folder:?} is not a full path; give the folder as /srv/shop/exports"
        )));
    }
    if value.format == Some(ImportKind::Products) {
        return Err(Error::Invalid(
            "the watched folder takes order exports; products are imported by hand".into(),
        ));
    }
    let clean = WatchFolderSettings {
        folder: folder.to_string(),
        every_seconds: value.every_seconds.clamp(2, 3600),
        ..value.clone()
    };
    let mut tx = store.write().await?;
    settings::put(&mut tx, KEY, &clean).await?;
    tx.commit().await?;
    Ok(clean)
}

crate::named_enum! {
    /// What became of a dropped file.
    pub enum WatchOutcome("watched file outcome") {
        /// Imported (some or all of it): moved to done/.
        Done = "done",
        /// Nothing in it could be taken: moved to failed/.
        Failed = "failed",
        /// Handled, but it could not be moved (it stays; moved at a later look).
        NotMoved = "not_moved",
    }
}

/// One file the watch handled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WatchedFile {
    /// The file's name as dropped.
    pub name: String,
    pub outcome: WatchOutcome,
    /// Where it is now, and its report.
    pub moved_to: Option<String>,
    pub report: Option<String>,
    /// The format it was read as.
    pub format: Option<ImportKind>,
    pub summary: Option<ImportSummary>,
    /// Why nothing could be taken, or why it could not be moved.
    pub reason: Option<String>,
}

/// A file's size and time at a look.
type Signature = (u64, Option<SystemTime>);

/// Watches one folder: call [`FolderWatch::look`] every few seconds.
#[derive(Debug)]
pub struct FolderWatch {
    dir: PathBuf,
    /// What each file looked like at the last look.
    seen: HashMap<PathBuf, Signature>,
    /// Files handled whose move failed: moved again, not imported again.
    unmoved: HashMap<PathBuf, (Signature, Handled)>,
}

#[derive(Debug, Clone)]
struct Handled {
    failed: bool,
    report: String,
    file: WatchedFile,
}

fn wanted(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name.starts_with('.') || name.ends_with('~') {
        return false;
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    matches!(ext.as_str(), "csv" | "xlsx" | "tsv" | "txt") && !name.ends_with(".report.txt")
}

impl FolderWatch {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        FolderWatch {
            dir: dir.into(),
            seen: HashMap::new(),
            unmoved: HashMap::new(),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// One look: imports and moves the files that have not changed since
    /// the last look. An `Err` is the folder that cannot be listed or the
    /// database failing (the file stays and is taken at a later look).
    pub async fn look(
        &mut self,
        store: &Store,
        actor: &Actor,
        settings: &WatchFolderSettings,
    ) -> Result<Vec<WatchedFile>> {
        actor.may(Op::ImportOrders)?;
        let entries = std::fs::read_dir(&self.dir).map_err(|e| {
            Error::Invalid(format!(
                "the watched folder {} cannot be read: {e}",
                self.dir.display()
            ))
        })?;
        let mut now: HashMap<PathBuf, Signature> = HashMap::new();
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(meta) = entry.metadata() else { continue };
            if !meta.is_file() || !wanted(&path) {
                continue;
            }
            now.insert(path, (meta.len(), meta.modified().ok()));
        }
        let mut ready: Vec<PathBuf> = now
            .iter()
            .filter(|(path, sig)| sig.0 > 0 && self.seen.get(*path) == Some(*sig))
            .map(|(path, _)| path.clone())
            .collect();
        ready.sort();
        self.seen = now.clone();
        let mut out = Vec::new();
        for path in ready {
            let sig = now[&path];
            let handled = match self.unmoved.remove(&path) {
                Some((was, handled)) if was == sig => handled,
                _ => match self.handle(store, actor, settings, &path).await? {
                    Some(h) => h,
                    None => continue,
                },
            };
            match settle(&self.dir, &path, &handled) {
                Ok(file) => out.push(file),
                Err(reason) => {
                    tracing::warn!(
                        "the watched file {} cannot be moved: {reason}",
                        path.display()
                    );
                    out.push(WatchedFile {
                        outcome: WatchOutcome::NotMoved,
                        reason: Some(reason),
                        ..handled.file.clone()
                    });
                    self.unmoved.insert(path.clone(), (sig, handled));
                }
            }
            self.seen.remove(&path);
        }
        Ok(out)
    }

    /// Imports one file; None when it vanished meanwhile.
    async fn handle(
        &self,
        store: &Store,
        actor: &Actor,
        settings: &WatchFolderSettings,
        path: &Path,
    ) -> Result<Option<Handled>> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let ru = settings.lang == Lang::Ru;
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                let reason = if ru {
                    format!("файл не читается: {e}")
                } else {
                    format!("the file cannot be read: {e}")
                };
                return Ok(Some(failed_file(&name, None, reason, ru)));
            }
        };
        let kind = match settings.format {
            Some(k) => k,
            None => match detect(&bytes, store) {
                Ok(k) => k,
                Err(reason) => return Ok(Some(failed_file(&name, None, reason, ru))),
            },
        };
        let summary = match super::import_file(
            store,
            actor,
            &bytes,
            kind,
            &[],
            |_, _| {},
            &AtomicBool::new(false),
        )
        .await
        {
            Ok(s) => s,
            Err(Error::Invalid(reason)) => {
                return Ok(Some(failed_file(&name, Some(kind), reason, ru)))
            }
            Err(e) => return Err(e),
        };
        let taken = summary.imported + summary.updated + summary.skipped;
        let failed = taken == 0;
        let reason = failed.then(|| {
            if ru {
                "ни один заказ из файла не принят (ошибки ниже)".to_string()
            } else {
                "no order in the file could be taken (the errors are below)".to_string()
            }
        });
        let report = report_text(&name, Some(kind), Some(&summary), reason.as_deref(), ru);
        Ok(Some(Handled {
            failed,
            report,
            file: WatchedFile {
                name,
                outcome: if failed {
                    WatchOutcome::Failed
                } else {
                    WatchOutcome::Done
                },
                moved_to: None,
                report: None,
                format: Some(kind),
                summary: Some(summary),
                reason,
            },
        }))
    }
}

fn failed_file(name: &str, kind: Option<ImportKind>, reason: String, ru: bool) -> Handled {
    Handled {
        failed: true,
        report: report_text(name, kind, None, Some(&reason), ru),
        file: WatchedFile {
            name: name.to_string(),
            outcome: WatchOutcome::Failed,
            moved_to: None,
            report: None,
            format: kind,
            summary: None,
            reason: Some(reason),
        },
    }
}

/// The order format whose columns the file has: the one that reads the
/// most orders from it. An error says what the file's columns are.
fn detect(bytes: &[u8], store: &Store) -> std::result::Result<ImportKind, String> {
    let mut best: Option<(ImportKind, usize)> = None;
    let mut headers = Vec::new();
    for kind in [
        ImportKind::Shopify,
        ImportKind::WooCommerce,
        ImportKind::Packbench,
    ] {
        let p = exchange::preview(bytes, kind, &[], store.now())?;
        headers = p.headers;
        if p.file_error.is_none() && best.is_none_or(|(_, n)| p.items > n) {
            best = Some((kind, p.items));
        }
    }
    best.map(|(k, _)| k).ok_or_else(|| {
        format!(
            "the file is not an order export Packbench reads (Shopify's, WooCommerce's or \
             Packbench's own): its columns are {}",
            headers.join(", ")
        )
    })
}

fn report_text(
    name: &str,
    kind: Option<ImportKind>,
    summary: Option<&ImportSummary>,
    reason: Option<&str>,
    ru: bool,
) -> String {
    let mut out = String::new();
    let format = kind.map(|k| k.as_str()).unwrap_or("?");
    if ru {
        out.push_str(&format!("Файл: {name}\nФормат: {format}\n"));
    } else {
        out.push_str(&format!("File: {name}\nFormat: {format}\n"));
    }
    if let Some(r) = reason {
        out.push_str(&if ru {
            format!("Не импортирован: {r}\n")
        } else {
            format!("Not imported: {r}\n")
        });
    }
    if let Some(s) = summary {
        out.push_str(&if ru {
            format!(
                "Новых заказов: {}, обновлено: {}, уже были: {}, с ошибками: {}, предупреждений: {}\n",
                s.imported, s.updated, s.skipped, s.failed, s.warnings
            )
        } else {
            format!(
                "New orders: {}, updated: {}, already here: {}, failed: {}, warnings: {}\n",
                s.imported, s.updated, s.skipped, s.failed, s.warnings
            )
        });
        for e in &s.errors {
            out.push_str(&if ru {
                format!("ошибка, строка {}: {}\n", e.row, e.message)
            } else {
                format!("error, {e}\n")
            });
        }
        for w in &s.warning_details {
            out.push_str(&if ru {
                format!("предупреждение, строка {}: {}\n", w.row, w.message)
            } else {
                format!("warning, {w}\n")
            });
        }
    }
    out
}

/// Moves the handled file to done/ or failed/ under a free name and
/// writes its report beside it.
fn settle(dir: &Path, path: &Path, h: &Handled) -> std::result::Result<WatchedFile, String> {
    let target_dir = dir.join(if h.failed { "failed" } else { "done" });
    std::fs::create_dir_all(&target_dir)
        .map_err(|e| format!("{} cannot be made: {e}", target_dir.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "export.csv".into());
    let target = free_name(&target_dir, &name);
    move_file(path, &target)?;
    let report = PathBuf::from(format!("{}.report.txt", target.display()));
    if let Err(e) = std::fs::write(&report, h.report.as_bytes()) {
        // The file is safe in its place; only the report is missing.
        tracing::warn!("the report {} cannot be written: {e}", report.display());
    }
    Ok(WatchedFile {
        moved_to: Some(target.display().to_string()),
        report: Some(report.display().to_string()),
        ..h.file.clone()
    })
}

/// `name` in `dir`, or `stem-2.ext`, `stem-3.ext` ... when it is taken.
fn free_name(dir: &Path, name: &str) -> PathBuf {
    let first = dir.join(name);
    if !first.exists() {
        return first;
    }
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() => (s.to_string(), format!(".{e}")),
        _ => (name.to_string(), String::new()),
    };
    (2..)
        .map(|n| dir.join(format!("{stem}-{n}{ext}")))
        .find(|p| !p.exists())
        .unwrap_or(first)
}

/// Renames; across file systems, copies whole (synced) under a temporary
/// name, renames that into place, then removes the original.
fn move_file(from: &Path, to: &Path) -> std::result::Result<(), String> {
    match std::fs::rename(from, to) {
        Ok(()) => Ok(()),
        Err(e)
            if e.kind() == std::io::ErrorKind::CrossesDevices || e.raw_os_error() == Some(18) =>
        {
            let partial = to.with_file_name(format!(
                ".{}.partial",
                to.file_name()
                    .map(|n| n.to_string_lossy())
                    .unwrap_or_default()
            ));
            let copy = || -> std::io::Result<()> {
                std::fs::copy(from, &partial)?;
                std::fs::File::open(&partial)?.sync_all()?;
                std::fs::rename(&partial, to)?;
                std::fs::remove_file(from)
            };
            copy().map_err(|e| {
                let _ = std::fs::remove_file(&partial);
                format!("it cannot be copied to {}: {e}", to.display())
            })
        }
        Err(e) => Err(format!("it cannot be moved to {}: {e}", to.display())),
    }
}
