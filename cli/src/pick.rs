//! `pick create|show|scan|short|complete`: a pick list walked from the
//! command line, as the picking screen walks it.

use super::Failure;
use clap::Subcommand;
use packbench_core::domain::picking::{PickList, PickOutcome};
use packbench_core::ops::{self, Actor, PickSelection};
use packbench_core::store::Store;

#[derive(Subcommand)]
pub enum PickCommand {
    /// A pick list for these confirmed orders, or the oldest --next N.
    Create {
        numbers: Vec<String>,
        #[arg(long, conflicts_with = "numbers")]
        next: Option<usize>,
    },
    /// A pick list: its lines by bin, picked and short.
    Show { id: i64 },
    /// Scans in walking order: a bin label confirms the bin, an item is
    /// picked from the bin confirmed last (`--bin` names it to start with).
    /// Exit code 1 when a scan was refused.
    Scan {
        id: i64,
        #[arg(required = true)]
        codes: Vec<String>,
        #[arg(long)]
        bin: Option<String>,
    },
    /// The rest of a line is not on the shelf, with the reason.
    Short {
        id: i64,
        /// The line's id (`pick show --json` lists them).
        #[arg(long)]
        line: i64,
        #[arg(long)]
        reason: String,
    },
    /// Every line picked or short: the orders go to the packing table.
    Complete { id: i64 },
}

fn show(json: bool, list: &PickList) {
    if json {
        out!("{}", serde_json::to_string(list).unwrap_or_default());
        return;
    }
    out!(
        "pick list {} ({}): orders {}",
        list.id,
        list.status.as_str(),
        list.orders.join(", ")
    );
    for l in &list.lines {
        out!(
            "  {:<8} {:<12} {:>3}/{:<3} {}{}",
            l.bin,
            l.sku,
            l.picked,
            l.quantity,
            l.name,
            if l.short > 0 {
                format!(
                    " — short {}: {}",
                    l.short,
                    l.short_reason.as_deref().unwrap_or("")
                )
            } else {
                String::new()
            }
        );
    }
}

pub async fn run(
    store: &Store,
    actor: &Actor,
    json: bool,
    command: PickCommand,
) -> Result<u8, Failure> {
    match command {
        PickCommand::Create { numbers, next } => {
            let selection = match next {
                Some(n) => PickSelection::NextConfirmed(n),
                None if numbers.is_empty() => {
                    return Err(super::usage("name the orders, or --next N"))
                }
                None => PickSelection::Orders(numbers),
            };
            show(json, &ops::create_pick_list(store, actor, selection).await?);
        }
        PickCommand::Show { id } => show(json, &ops::pick_list(store, id).await?),
        PickCommand::Scan { id, codes, bin } => {
            let mut bin = bin;
            let mut refused = false;
            let run = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos());
            for (i, code) in codes.iter().enumerate() {
                let scan_id = format!("cli-pick-{run}-{i}");
                let r = ops::pick_scan(store, actor, id, bin.as_deref(), code, &scan_id).await?;
                match &r.outcome {
                    PickOutcome::BinConfirmed { bin: b } => bin = Some(b.clone()),
                    PickOutcome::Picked { .. } => {}
                    _ => refused = true,
                }
                if json {
                    out!("{}", serde_json::to_string(&r).unwrap_or_default());
                } else {
                    out!("{code}: {}", r.message);
                }
            }
            return Ok(u8::from(refused));
        }
        PickCommand::Short { id, line, reason } => show(
            json,
            &ops::short_pick(store, actor, id, line, &reason).await?,
        ),
        PickCommand::Complete { id } => {
            show(json, &ops::complete_pick_list(store, actor, id).await?)
        }
    }
    Ok(0)
}
