//! `carton open|close|list` at the packing table and `boxes list|set|settings`
//! for the store's box types, GS1 company prefix and weight tolerance.

use super::people::ApprovalArgs;
use super::Failure;
use clap::Subcommand;
use packbench_core::ops::{self, Actor, BoxType, Carton, CartonSettings, WeightTolerance};
use packbench_core::store::Store;

#[derive(Subcommand)]
pub enum CartonCommand {
    /// Open the order's next carton (the default box unless --box names one
    /// by its code or barcode); an empty open carton changes its box.
    Open {
        number: String,
        #[arg(long = "box")]
        box_code: Option<String>,
    },
    /// Close the open carton, checking its weight (`1.234 kg`, `1234 g`, or
    /// the scale's line); a weight outside the tolerance needs --reason and
    /// a supervisor (--approver).
    Close {
        number: String,
        #[arg(long, conflicts_with = "scale")]
        weight: Option<String>,
        /// Read the weight from the serial scale at this device (a line of
        /// text such as `ST,GS,+0001.234kg`; up to 3 s).
        #[arg(long, value_name = "DEVICE")]
        scale: Option<std::path::PathBuf>,
        #[arg(long)]
        reason: Option<String>,
        #[command(flatten)]
        approval: ApprovalArgs,
    },
    /// The order's cartons with their SSCCs, units and weights.
    List { number: String },
}

#[derive(Subcommand)]
pub enum BoxesCommand {
    /// The store's box types.
    List,
    /// Add or change a box type.
    Set {
        code: String,
        #[arg(long)]
        name: String,
        /// Outer length × width × height in mm, as 300x200x150.
        #[arg(long)]
        size: String,
        /// The empty box's weight in grams.
        #[arg(long)]
        tare: i64,
        /// The barcode on the box a packer scans to open a carton of it.
        #[arg(long)]
        barcode: Option<String>,
    },
    /// The GS1 company prefix, SSCC extension digit, default box and weight
    /// tolerance; shown, or changed with the options given.
    Settings {
        #[arg(long)]
        prefix: Option<String>,
        #[arg(long)]
        extension: Option<u8>,
        #[arg(long = "default-box")]
        default_box: Option<String>,
        #[arg(long = "tolerance-g")]
        tolerance_g: Option<i64>,
        /// Tolerance in percent of the expected weight (2.5 for 2.5 %).
        #[arg(long = "tolerance-percent")]
        tolerance_percent: Option<f64>,
        /// Every carton is weighed before it closes: on or off.
        #[arg(long)]
        weigh: Option<String>,
    },
}

fn carton_line(c: &Carton) {
    out!(
        "{:>2}  {:<18}  box {:<3}  {:>3} units  {:<7}  {}",
        c.seq,
        c.sscc.as_deref().unwrap_or("(no SSCC)"),
        c.box_type,
        c.units,
        match c.weight_g {
            Some(g) => format!("{g} g"),
            None => "-".into(),
        },
        if c.closed_at.is_some() {
            "closed"
        } else {
            "open"
        }
    );
}

pub async fn carton(
    store: &Store,
    actor: &Actor,
    json: bool,
    command: CartonCommand,
) -> Result<u8, Failure> {
    match command {
        CartonCommand::Open { number, box_code } => {
            let c = ops::open_carton(store, actor, &number, box_code.as_deref()).await?;
            if json {
                out!("{}", serde_json::to_string(&c).unwrap_or_default());
            } else {
                carton_line(&c);
            }
        }
        CartonCommand::Close {
            number,
            weight,
            scale,
            reason,
            approval,
        } => {
            let approval = approval.credential()?;
            let weight = match scale {
                Some(device) => Some(format!(
                    "{} g",
                    packbench_core::scale::read_weight(&device, std::time::Duration::from_secs(3))?
                )),
                None => weight,
            };
            let closed = ops::close_carton(
                store,
                actor,
                &number,
                weight.as_deref(),
                reason.as_deref(),
                approval.as_ref(),
            )
            .await?;
            if json {
                out!("{}", serde_json::to_string(&closed).unwrap_or_default());
            } else {
                carton_line(&closed.carton);
                out!("{}", closed.message);
            }
        }
        CartonCommand::List { number } => {
            let list = ops::cartons_of(store, &number).await?;
            if json {
                out!("{}", serde_json::to_string(&list).unwrap_or_default());
            } else {
                list.iter().for_each(carton_line);
            }
        }
    }
    Ok(0)
}

pub async fn boxes(
    store: &Store,
    actor: &Actor,
    json: bool,
    command: BoxesCommand,
) -> Result<u8, Failure> {
    match command {
        BoxesCommand::List => print_boxes(json, &ops::box_types(store).await?),
        BoxesCommand::Set {
            code,
            name,
            size,
            tare,
            barcode,
        } => {
            let mm: Vec<i64> = size
                .split(['x', 'X', '×', '*'])
                .map(|p| p.trim().parse::<i64>())
                .collect::<Result<_, _>>()
                .ok()
                .filter(|v: &Vec<i64>| v.len() == 3)
                .ok_or_else(|| {
                    super::usage(format!(
                        "--size {size:?}: give length, width and height in mm as 300x200x150"
                    ))
                })?;
            let b = BoxType {
                code,
                name,
                length_mm: mm[0],
                width_mm: mm[1],
                height_mm: mm[2],
                tare_g: tare,
                barcode,
            };
            print_boxes(json, &ops::save_box_type(store, actor, &b).await?);
        }
        BoxesCommand::Settings {
            prefix,
            extension,
            default_box,
            tolerance_g,
            tolerance_percent,
            weigh,
        } => {
            let mut s = ops::carton_settings(store).await?;
            let changing = prefix.is_some()
                || extension.is_some()
                || default_box.is_some()
                || tolerance_g.is_some()
                || tolerance_percent.is_some()
                || weigh.is_some();
            if let Some(p) = prefix {
                s.company_prefix = Some(p);
            }
            if let Some(e) = extension {
                s.extension = e;
            }
            if let Some(b) = default_box {
                s.default_box = b;
            }
            if let Some(g) = tolerance_g {
                s.tolerance.grams = g;
            }
            if let Some(p) = tolerance_percent {
                s.tolerance.percent_bp = (p * 100.0).round() as i64;
            }
            if let Some(w) = weigh {
                s.weigh = match w.as_str() {
                    "on" | "yes" | "true" => true,
                    "off" | "no" | "false" => false,
                    other => return Err(super::usage(format!("--weigh {other:?}: use on or off"))),
                };
            }
            if changing {
                s = ops::set_carton_settings(store, actor, &s).await?;
            }
            print_settings(json, &s);
        }
    }
    Ok(0)
}

fn print_boxes(json: bool, list: &[BoxType]) {
    if json {
        out!("{}", serde_json::to_string(list).unwrap_or_default());
        return;
    }
    for b in list {
        out!(
            "{:<6} {:<24} {}x{}x{} mm  {:>5} g  {}",
            b.code,
            b.name,
            b.length_mm,
            b.width_mm,
            b.height_mm,
            b.tare_g,
            b.barcode.as_deref().unwrap_or("")
        );
    }
}

fn print_settings(json: bool, s: &CartonSettings) {
    if json {
        out!("{}", serde_json::to_string(s).unwrap_or_default());
        return;
    }
    let WeightTolerance { grams, percent_bp } = s.tolerance;
    out!(
        "GS1 company prefix: {}",
        s.company_prefix
            .as_deref()
            .unwrap_or("(none: cartons have no SSCC)")
    );
    out!("SSCC extension digit: {}", s.extension);
    out!("default box: {}", s.default_box);
    out!(
        "weight tolerance: {grams} g or {}.{:02} %, whichever is larger",
        percent_bp / 100,
        percent_bp % 100
    );
    out!(
        "every carton weighed: {}",
        if s.weigh { "yes" } else { "no" }
    );
}
