//! `suppliers add|list|link|products` and `dropship pos|po ...`:
//! dropshipping suppliers and their purchase orders (issue 15 item 4).

use super::Failure;
use clap::Subcommand;
use packbench_core::documents::Lang;
use packbench_core::ops::{self, Actor, PurchaseOrderFile, SupplierInput};
use packbench_core::store::Store;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum SuppliersCommand {
    /// Add a supplier (or change the details of the one of that name).
    Add {
        name: String,
        /// Where its purchase orders are mailed (none: they are not mailed).
        #[arg(long, default_value = "")]
        email: String,
        #[arg(long, default_value = "")]
        inn: String,
        #[arg(long, default_value = "")]
        phone: String,
    },
    /// Every supplier with its products and open purchase orders.
    List,
    /// Say which supplier ships a product to the customer; `--none`: the
    /// warehouse ships it again.
    Link {
        sku: String,
        #[arg(required_unless_present = "none")]
        supplier: Option<String>,
        #[arg(long, conflicts_with = "supplier")]
        none: bool,
    },
    /// The SKUs a supplier ships.
    Products { supplier: String },
}

#[derive(Subcommand)]
pub enum DropshipCommand {
    /// Purchase orders waiting for the supplier's tracking number (`--all`:
    /// every one, newest first).
    Pos {
        #[arg(long)]
        all: bool,
    },
    /// One purchase order.
    #[command(subcommand)]
    Po(PoCommand),
}

#[derive(Subcommand)]
pub enum PoCommand {
    /// Its supplier, order, lines, mail and shipping state.
    Show { number: String },
    /// Write its PDF (default: NUMBER.pdf here).
    Pdf {
        number: String,
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// ru or en (default: the store's language for mail).
        #[arg(long)]
        lang: Option<String>,
    },
    /// Write its CSV (- or nothing: standard output).
    Csv {
        number: String,
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        #[arg(long)]
        lang: Option<String>,
    },
    /// The supplier's tracking number: its lines ship as a part of the order.
    Tracking {
        number: String,
        tracking: String,
        /// The carrier the supplier shipped with.
        #[arg(long)]
        carrier: String,
    },
    /// Mail it to the supplier again (after its address was added, or the
    /// store's mail was set up).
    Mail { number: String },
}

fn print_suppliers(json: bool, list: &[ops::Supplier]) {
    if json {
        out!("{}", serde_json::to_string(list).unwrap_or_default());
        return;
    }
    if list.is_empty() {
        out!("no suppliers; add one with `suppliers add NAME --email ADDRESS`");
    }
    for s in list {
        out!(
            "{}\t{}\t{} products\t{} open purchase orders{}",
            s.name,
            if s.email.is_empty() {
                "no e-mail (purchase orders are not mailed)"
            } else {
                &s.email
            },
            s.products,
            s.open_orders,
            if s.inn.is_empty() {
                String::new()
            } else {
                format!("\tINN {}", s.inn)
            }
        );
    }
}

pub async fn suppliers(
    store: &Store,
    actor: &Actor,
    json: bool,
    command: SuppliersCommand,
) -> Result<u8, Failure> {
    match command {
        SuppliersCommand::Add {
            name,
            email,
            inn,
            phone,
        } => {
            let s = ops::save_supplier(
                store,
                actor,
                &SupplierInput {
                    name,
                    email,
                    inn,
                    phone,
                },
            )
            .await?;
            print_suppliers(json, &[s]);
        }
        SuppliersCommand::List => print_suppliers(json, &ops::suppliers(store).await?),
        SuppliersCommand::Link {
            sku,
            supplier,
            none,
        } => {
            let to = if none { None } else { supplier.as_deref() };
            let linked = ops::link_product(store, actor, &sku, to).await?;
            if json {
                out!(
                    "{}",
                    serde_json::json!({"sku": sku.trim(), "supplier": linked})
                );
            } else {
                match linked {
                    Some(s) => out!("{} is shipped by {} from now on", sku.trim(), s.name),
                    None => out!("{} ships from the warehouse from now on", sku.trim()),
                }
            }
        }
        SuppliersCommand::Products { supplier } => {
            let skus = ops::supplier_products(store, &supplier).await?;
            if json {
                out!("{}", serde_json::to_string(&skus).unwrap_or_default());
            } else {
                for s in skus {
                    out!("{s}");
                }
            }
        }
    }
    Ok(0)
}

fn lang(text: Option<String>) -> Result<Option<Lang>, Failure> {
    text.map(|t| Lang::parse(&t).map_err(super::usage))
        .transpose()
}

fn mail_words(po: &ops::PurchaseOrderHead) -> String {
    match (&po.mail_status, &po.mail_problem) {
        (Some(s), None) => format!("mail {s}"),
        (Some(s), Some(p)) => format!("mail {s}: {p}"),
        (None, Some(p)) => format!("NOT MAILED: {p}"),
        (None, None) => "not mailed".into(),
    }
}

fn write_file(file: &PurchaseOrderFile, out: Option<PathBuf>, stdout: bool) -> Result<(), Failure> {
    let target = match out {
        Some(p) if p.as_os_str() == "-" => None,
        Some(p) => Some(p),
        None if stdout => None,
        None => Some(PathBuf::from(&file.file_name)),
    };
    match target {
        Some(path) => {
            std::fs::write(&path, &file.bytes)
                .map_err(|e| super::usage(format!("cannot write {}: {e}", path.display())))?;
            eprintln!("written to {}", path.display());
        }
        None => {
            use std::io::Write;
            std::io::stdout()
                .write_all(&file.bytes)
                .map_err(|e| super::usage(format!("cannot write {}: {e}", file.file_name)))?;
        }
    }
    Ok(())
}

pub async fn dropship(
    store: &Store,
    actor: &Actor,
    json: bool,
    command: DropshipCommand,
) -> Result<u8, Failure> {
    match command {
        DropshipCommand::Pos { all } => {
            let list = ops::purchase_orders(store, !all).await?;
            if json {
                out!("{}", serde_json::to_string(&list).unwrap_or_default());
            } else if list.is_empty() {
                out!("no purchase order waits for a supplier");
            } else {
                for po in list {
                    out!(
                        "{}\torder {}\t{}\t{} units\t{}\t{}{}",
                        po.number,
                        po.order_number,
                        po.supplier,
                        po.units,
                        po.state,
                        mail_words(&po),
                        po.tracking_number
                            .map(|t| format!("\t{} {t}", po.carrier.unwrap_or_default()))
                            .unwrap_or_default()
                    );
                }
            }
        }
        DropshipCommand::Po(PoCommand::Show { number }) => {
            let po = ops::purchase_order(store, &number).await?;
            if json {
                out!("{}", serde_json::to_string(&po).unwrap_or_default());
            } else {
                let h = &po.head;
                out!(
                    "{} for order {} ({})",
                    h.number,
                    h.order_number,
                    h.order_status
                );
                out!(
                    "supplier: {} {}",
                    h.supplier,
                    if h.supplier_email.is_empty() {
                        "(no e-mail)".to_string()
                    } else {
                        format!("<{}>", h.supplier_email)
                    }
                );
                out!("state: {}", h.state);
                out!("{}", mail_words(h));
                if let Some(t) = &h.tracking_number {
                    out!("shipped: {} {t}", h.carrier.as_deref().unwrap_or_default());
                }
                for l in &po.lines {
                    out!("  {}\t{}\t× {}", l.sku, l.name, l.quantity);
                }
            }
        }
        DropshipCommand::Po(PoCommand::Pdf {
            number,
            out,
            lang: l,
        }) => {
            let file = ops::purchase_order_pdf(store, &number, lang(l)?).await?;
            write_file(&file, out, false)?;
        }
        DropshipCommand::Po(PoCommand::Csv {
            number,
            out,
            lang: l,
        }) => {
            let file = ops::purchase_order_csv(store, &number, lang(l)?).await?;
            write_file(&file, out, true)?;
        }
        DropshipCommand::Po(PoCommand::Tracking {
            number,
            tracking,
            carrier,
        }) => {
            let order =
                ops::ship_purchase_order(store, actor, &number, &carrier, &tracking).await?;
            if json {
                out!("{}", serde_json::to_string(&order).unwrap_or_default());
            } else {
                out!(
                    "{} shipped with {} {}; order {} is {}",
                    number.trim(),
                    carrier.trim(),
                    tracking.trim(),
                    order.head.number,
                    order.head.status
                );
            }
        }
        DropshipCommand::Po(PoCommand::Mail { number }) => {
            let po = ops::mail_purchase_order(store, actor, &number).await?;
            if json {
                out!("{}", serde_json::to_string(&po).unwrap_or_default());
            } else {
                out!(
                    "{} queued to {} <{}>",
                    po.head.number,
                    po.head.supplier,
                    po.head.supplier_email
                );
            }
        }
    }
    Ok(0)
}
