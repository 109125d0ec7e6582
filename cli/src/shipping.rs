//! `ship` (one order, its cartons' tracking numbers, or a selection in
//! bulk) and `handover` (a carrier's parcels waiting for its courier, and
//! closing the day's hand-over).

use super::Failure;
use clap::Args;
use packbench_core::ops::{self, Actor, HandOver, ShipRequest};
use packbench_core::store::Store;
use std::io::Read;
use std::path::PathBuf;

#[derive(Args)]
pub struct ShipArgs {
    /// The order number (not with --bulk).
    #[arg(required_unless_present = "bulk", conflicts_with = "bulk")]
    number: Option<String>,
    /// The carrier: its code (cdek) or name (СДЭК).
    #[arg(long)]
    carrier: String,
    /// The tracking number from the carrier's label: one per carton, in
    /// carton order, or one for all of them.
    #[arg(long = "tracking", required_unless_present = "bulk")]
    trackings: Vec<String>,
    /// Ship a selection: a file (or - for standard input) with one order per
    /// line, `NUMBER TRACKING [TRACKING...]` (spaces, commas or semicolons).
    #[arg(long, value_name = "FILE")]
    bulk: Option<PathBuf>,
}

#[derive(Args)]
pub struct HandoverArgs {
    /// The carrier whose parcels wait for its courier.
    #[arg(required_unless_present = "id")]
    carrier: Option<String>,
    /// Close the hand-over: every waiting parcel goes on this manifest.
    #[arg(long, conflicts_with = "id")]
    close: bool,
    /// Show a closed hand-over by its number.
    #[arg(long)]
    id: Option<i64>,
}

fn requests(text: &str) -> Vec<ShipRequest> {
    text.lines()
        .map(|l| {
            l.split(|c: char| c.is_whitespace() || c == ',' || c == ';')
                .filter(|w| !w.is_empty())
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .filter(|words| !words.is_empty() && !words[0].starts_with('#'))
        .map(|mut words| ShipRequest {
            number: words.remove(0),
            trackings: words,
        })
        .collect()
}

pub async fn ship(store: &Store, actor: &Actor, json: bool, a: ShipArgs) -> Result<u8, Failure> {
    let Some(file) = a.bulk else {
        let number = a.number.unwrap_or_default();
        let order = ops::ship_parcels(store, actor, &number, &a.carrier, &a.trackings).await?;
        super::print::order(json, &order);
        return Ok(0);
    };
    let text = if file.as_os_str() == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| super::usage(format!("cannot read standard input: {e}")))?;
        s
    } else {
        std::fs::read_to_string(&file)
            .map_err(|e| super::usage(format!("cannot read {}: {e}", file.display())))?
    };
    let report = ops::ship_bulk(store, actor, &a.carrier, &requests(&text)).await?;
    if json {
        out!("{}", serde_json::to_string(&report).unwrap_or_default());
    } else {
        out!(
            "{}: {} shipped, {} refused",
            report.carrier,
            report.shipped.len(),
            report.refused.len()
        );
        for n in &report.shipped {
            out!("  shipped  {n}");
        }
        for r in &report.refused {
            out!("  refused  {}: {}", r.number, r.reason);
        }
    }
    // Some refused: a script sees it in the exit code.
    Ok(if report.refused.is_empty() { 0 } else { 1 })
}

pub async fn handover(
    store: &Store,
    actor: &Actor,
    json: bool,
    a: HandoverArgs,
) -> Result<u8, Failure> {
    let h: HandOver = match (a.id, a.carrier) {
        (Some(id), _) => ops::handover(store, id).await?,
        (None, Some(c)) if a.close => ops::close_handover(store, actor, &c).await?,
        (None, Some(c)) => ops::waiting_handover(store, &c).await?,
        (None, None) => return Err(super::usage("name the carrier, or --id of a hand-over")),
    };
    if json {
        out!("{}", serde_json::to_string(&h).unwrap_or_default());
        return Ok(0);
    }
    match h.manifest_id {
        Some(id) => out!("hand-over {id}: {} on {}", h.view.carrier, h.view.date),
        None => out!("{}: waiting for the courier", h.view.carrier),
    }
    for p in &h.view.parcels {
        out!(
            "  {:<14} {:<22} {:>3} units {:>7} g  {}",
            p.number,
            p.tracking.as_deref().unwrap_or("-"),
            p.units,
            p.weight_g,
            p.recipient
        );
    }
    out!(
        "{} parcels, {} g",
        h.view.parcels.len(),
        h.view.total_weight_g()
    );
    Ok(0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn bulk_lines_name_an_order_and_its_tracking_numbers() {
        let r = super::requests("1001 1234567890\n# a note\n\n1002;1111111111, 2222222222\n");
        let got: Vec<(&str, usize)> = r
            .iter()
            .map(|r| (r.number.as_str(), r.trackings.len()))
            .collect();
        assert_eq!(got, [("1001", 1), ("1002", 2)]);
    }
}
