//! `return find|receive`: a parcel back from a customer.

use super::Failure;
use clap::Subcommand;
use packbench_core::config::StationConfig;
use packbench_core::documents::PrintSettings;
use packbench_core::ops::{
    self, Actor, ExchangeLine, ItemCondition, ReturnInput, ReturnItem, ReturnOutcome,
};
use packbench_core::store::Store;

#[derive(Subcommand)]
pub enum ReturnCommand {
    /// The order a parcel names: its number, a tracking number or a carton's SSCC.
    Find { reference: String },
    /// The return note (PDF, A4) of a return, to a file.
    Note {
        id: i64,
        #[arg(long, value_name = "FILE")]
        out: std::path::PathBuf,
        /// ru or en.
        #[arg(long, default_value = "ru")]
        lang: String,
    },
    /// Take the return: each --item is `CODE[*UNITS] resellable BIN` or
    /// `CODE[*UNITS] damaged REASON...` (a marked item by its DataMatrix
    /// code, one unit).
    Receive {
        /// The order number, a tracking number or a carton's SSCC.
        reference: String,
        #[arg(long = "item", required = true)]
        items: Vec<String>,
        /// refund (with --refund AMOUNT), exchange, repair, or none.
        #[arg(long, default_value = "none")]
        outcome: String,
        #[arg(long)]
        refund: Option<String>,
        /// How the money goes back.
        #[arg(long, default_value = "")]
        method: String,
        #[arg(long, default_value = "")]
        note: String,
        /// An exchange's replacement, `SKU[*UNITS]` (repeat it); none: the
        /// same products as came back.
        #[arg(long = "exchange", value_name = "SKU[*UNITS]")]
        exchange: Vec<String>,
        /// Do not print the return note (else it prints as the station's
        /// print settings say, as the app does).
        #[arg(long)]
        no_print: bool,
    },
}

fn exchange_line(text: &str) -> Result<ExchangeLine, Failure> {
    let text = text.trim();
    let (sku, units) = match text.rsplit_once('*') {
        Some((s, n)) => (
            s,
            n.trim().parse::<i64>().map_err(|_| {
                super::usage(format!("--exchange {text:?}: give `SKU` or `SKU*UNITS`"))
            })?,
        ),
        None => (text, 1),
    };
    Ok(ExchangeLine {
        sku: sku.trim().to_string(),
        units,
    })
}

fn item(text: &str) -> Result<ReturnItem, Failure> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let usage = || {
        super::usage(format!(
            "--item {text:?}: give `CODE[*UNITS] resellable BIN` or `CODE[*UNITS] damaged REASON`"
        ))
    };
    let [code, condition, rest @ ..] = words.as_slice() else {
        return Err(usage());
    };
    let (code, units) = match code.rsplit_once('*') {
        Some((c, n)) => (c, n.parse::<i64>().map_err(|_| usage())?),
        None => (*code, 1),
    };
    let condition = ItemCondition::parse(condition).map_err(super::usage)?;
    let rest = rest.join(" ");
    Ok(match condition {
        ItemCondition::Resellable => ReturnItem {
            code: code.to_string(),
            units,
            condition,
            bin: Some(rest),
            reason: String::new(),
        },
        ItemCondition::Damaged => ReturnItem {
            code: code.to_string(),
            units,
            condition,
            bin: None,
            reason: rest,
        },
    })
}

pub async fn run(
    store: &Store,
    actor: &Actor,
    json: bool,
    command: ReturnCommand,
) -> Result<u8, Failure> {
    match command {
        ReturnCommand::Note {
            id,
            out: path,
            lang,
        } => {
            let lang = match lang.as_str() {
                "ru" => packbench_core::documents::Lang::Ru,
                "en" => packbench_core::documents::Lang::En,
                other => return Err(super::usage(format!("--lang {other:?}: ru or en"))),
            };
            let pdf = ops::return_note(store, id, lang).await?;
            std::fs::write(&path, pdf)
                .map_err(|e| super::usage(format!("cannot write {}: {e}", path.display())))?;
            if !json {
                out!("return note {id} written to {}", path.display());
            }
        }
        ReturnCommand::Find { reference } => {
            let number = ops::find_return(store, &reference).await?;
            if json {
                out!("{}", serde_json::json!({ "number": number }));
            } else {
                out!("{number}");
            }
        }
        ReturnCommand::Receive {
            reference,
            items,
            outcome,
            refund,
            method,
            note,
            exchange,
            no_print,
        } => {
            let number = ops::find_return(store, &reference).await?;
            let input = ReturnInput {
                items: items.iter().map(|i| item(i)).collect::<Result<_, _>>()?,
                outcome: ReturnOutcome::parse(&outcome).map_err(super::usage)?,
                refund,
                method,
                note,
                exchange: exchange
                    .iter()
                    .map(|e| exchange_line(e))
                    .collect::<Result<_, _>>()?,
            };
            let print = if no_print {
                PrintSettings {
                    auto_print: false,
                    ..PrintSettings::default()
                }
            } else {
                StationConfig::load()?.print
            };
            let r = ops::receive_return(store, actor, &number, &input).await?;
            // Unlike the app, the command waits for the printer.
            let (_, run) = ops::print_after_return(store, actor, r.return_id, &print).await?;
            let jobs = run.send().await?;
            if json {
                // The receipt, with the return note's print job beside it.
                let mut v = serde_json::to_value(&r).unwrap_or_default();
                if let Some(o) = v.as_object_mut() {
                    o.insert("print_jobs".into(), serde_json::json!(jobs));
                }
                out!("{v}");
            } else {
                out!(
                    "return {} of order {}: {} · order {}",
                    r.return_id,
                    r.number,
                    if r.whole {
                        "everything came back"
                    } else {
                        "part of it came back"
                    },
                    r.status
                );
                for l in &r.lines {
                    out!(
                        "  {:<12} {:>3}  {:<10} {}",
                        l.sku,
                        l.units,
                        l.condition,
                        l.bin.as_deref().unwrap_or(&l.reason)
                    );
                }
                if r.refund_minor > 0 {
                    out!("  refund recorded: {:.2}", r.refund_minor as f64 / 100.0);
                }
                if let Some(n) = &r.exchange_number {
                    out!("  exchange: order {n} (confirmed, its stock reserved)");
                }
                for job in &jobs {
                    out!(
                        "  return note: {} on {}{}",
                        job.status.as_str(),
                        job.printer.as_deref().unwrap_or("(no printer)"),
                        if job.message.is_empty() {
                            String::new()
                        } else {
                            format!(" — {}", job.message)
                        }
                    );
                }
            }
        }
    }
    Ok(0)
}
