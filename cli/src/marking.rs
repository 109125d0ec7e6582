//! `marking export`: the Честный ЗНАК codes packed in an order or on a day,
//! as CSV (GS separators kept) for the marketplace or the EDO operator.

use super::Failure;
use clap::Subcommand;
use packbench_core::ops::{self, MarkingScope};
use packbench_core::store::Store;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum MarkingCommand {
    /// Write the codes as CSV: order, packed_at_utc, sku, gtin, serial, code.
    Export {
        /// One order's codes.
        #[arg(long, conflicts_with = "day", required_unless_present = "day")]
        order: Option<String>,
        /// The codes packed on this day (YYYY-MM-DD, local time).
        #[arg(long)]
        day: Option<String>,
        /// The file to write (- or nothing: standard output).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

pub async fn run(store: &Store, json: bool, command: MarkingCommand) -> Result<u8, Failure> {
    let MarkingCommand::Export { order, day, out } = command;
    let scope = match (order, day) {
        (Some(number), _) => MarkingScope::Order(number),
        (None, Some(d)) => MarkingScope::Day(
            chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
                .map_err(|_| super::usage(format!("--day {d:?}: give a date as YYYY-MM-DD")))?,
        ),
        (None, None) => return Err(super::usage("give --order NUMBER or --day YYYY-MM-DD")),
    };
    let codes = ops::packed_marking_codes(store, &scope).await?;
    if json {
        out!("{}", serde_json::to_string(&codes).unwrap_or_default());
        return Ok(0);
    }
    let csv = ops::marking_codes_csv(&codes)?;
    match out.filter(|p| p.as_os_str() != "-") {
        Some(path) => {
            std::fs::write(&path, &csv)
                .map_err(|e| super::usage(format!("cannot write {}: {e}", path.display())))?;
            eprintln!("{} codes written to {}", codes.len(), path.display());
        }
        None => {
            use std::io::Write;
            std::io::stdout()
                .write_all(&csv)
                .map_err(|e| super::usage(format!("cannot write the CSV: {e}")))?;
        }
    }
    Ok(0)
}
