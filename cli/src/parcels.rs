//! `parcels import-status|stalled|history|stall-days`: what the carriers
//! say of the parcels after they left (issue 15).

use super::Failure;
use clap::Subcommand;
use packbench_core::ops::{self, Actor};
use packbench_core::store::Store;

#[derive(Subcommand)]
pub enum ParcelsCommand {
    /// Import a carrier's status export (CSV or XLSX): movements are kept
    /// once, orders whose every parcel was handed over become delivered.
    ImportStatus {
        file: std::path::PathBuf,
        /// Minutes east of UTC of the times the file writes without a zone
        /// (default: this machine's time zone; Moscow is 180).
        #[arg(long, allow_hyphen_values = true)]
        utc_offset: Option<i32>,
    },
    /// Parcels that have not moved for longer than their carrier's limit.
    Stalled,
    /// What the carriers reported of an order's parcels.
    History { order: String },
    /// The days a carrier's parcel may go without moving (with DAYS: set them).
    StallDays {
        carrier: Option<String>,
        days: Option<u32>,
    },
}

fn local_offset_minutes() -> i32 {
    chrono::Local::now().offset().local_minus_utc() / 60
}

pub async fn run(
    store: &Store,
    actor: &Actor,
    json: bool,
    command: ParcelsCommand,
) -> Result<u8, Failure> {
    match command {
        ParcelsCommand::ImportStatus { file, utc_offset } => {
            let bytes = std::fs::read(&file)
                .map_err(|e| super::usage(format!("cannot read {}: {e}", file.display())))?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let offset = utc_offset.unwrap_or_else(local_offset_minutes);
            let report = ops::import_delivery_statuses(store, actor, &name, &bytes, offset).await?;
            if json {
                out!("{}", serde_json::to_string(&report).unwrap_or_default());
            } else {
                out!(
                    "{}: {} rows, {} movements recorded, {} known already, {} parcels of the store's orders",
                    report.file_name,
                    report.rows,
                    report.recorded,
                    report.already_known,
                    report.parcels
                );
                if !report.delivered.is_empty() {
                    out!("delivered: {}", report.delivered.join(", "));
                }
                for m in &report.not_moved {
                    out!(
                        "order {} not moved to delivered: {}",
                        m.number,
                        m.refused.as_deref().unwrap_or_default()
                    );
                }
                for u in &report.unknown {
                    let rows: Vec<String> = u.rows.iter().map(u32::to_string).collect();
                    out!(
                        "unknown tracking number {} (rows {}): kept, matched to no parcel",
                        u.tracking_number,
                        rows.join(", ")
                    );
                }
                for e in &report.errors {
                    out!("row {}: {}", e.row, e.message);
                }
            }
            // Rows that could not be read are the file's fault: say so in
            // the exit code too, after what was taken.
            return Ok(if report.errors.is_empty() { 0 } else { 1 });
        }
        ParcelsCommand::Stalled => {
            let stalled = ops::stalled_parcels(store).await?;
            if json {
                out!("{}", serde_json::to_string(&stalled).unwrap_or_default());
            } else if stalled.is_empty() {
                out!("no parcel is stalled");
            } else {
                for p in stalled {
                    out!(
                        "order {}\t{}\t{}\t{} days still (limit {})\t{}{}",
                        p.order,
                        p.carrier_name,
                        if p.tracking_number.is_empty() {
                            "—"
                        } else {
                            &p.tracking_number
                        },
                        p.days_still,
                        p.stall_days,
                        if p.last_status.is_empty() {
                            "no movement reported"
                        } else {
                            &p.last_status
                        },
                        if p.last_place.is_empty() {
                            String::new()
                        } else {
                            format!(", {}", p.last_place)
                        },
                    );
                }
            }
        }
        ParcelsCommand::History { order } => {
            let moves = ops::parcel_movements(store, &order).await?;
            if json {
                out!("{}", serde_json::to_string(&moves).unwrap_or_default());
            } else if moves.is_empty() {
                out!(
                    "no carrier has reported a movement of order {}'s parcels",
                    order.trim()
                );
            } else {
                for m in moves {
                    out!(
                        "{}\t{}\t{}\t{}\t{}",
                        m.at,
                        m.tracking_number,
                        m.state,
                        m.status,
                        m.place
                    );
                }
            }
        }
        ParcelsCommand::StallDays { carrier, days } => {
            let all = match (carrier, days) {
                (Some(c), Some(d)) => ops::set_stall_days(store, actor, &c, d).await?,
                (_, None) => ops::stall_days(store).await?,
                (None, Some(_)) => {
                    return Err(super::usage("give the carrier's code before the days"))
                }
            };
            if json {
                out!("{}", serde_json::to_string(&all).unwrap_or_default());
            } else {
                for c in all {
                    out!("{}\t{}\t{} days", c.code, c.name, c.stall_days);
                }
            }
        }
    }
    Ok(0)
}
