//! `webhooks`: what a supervisor does around packbench-server: the shops'
//! secrets (never on the server's command line), the log of deliveries,
//! and the inbox of bodies kept for a person to look at.

use super::Failure;
use clap::Subcommand;
use packbench_core::ops::{self, Actor, DeliveryLog, WebhookChannel};
use packbench_core::store::Store;
use std::io::Read;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum WebhooksCommand {
    /// Set the secret a channel signs its deliveries with: Shopify's app
    /// client secret, the WooCommerce webhook's secret, or the web form's
    /// own. Read from a file (or - for standard input), so it stays out of
    /// the shell's history and the process list.
    SetSecret {
        #[arg(long, value_name = "shopify|woocommerce|web")]
        channel: String,
        #[arg(long, value_name = "FILE")]
        secret_file: PathBuf,
    },
    /// Which channels have a secret, who set it, and its fingerprint (the
    /// first 8 hex digits of its SHA-256), never the secret.
    Status,
    /// Every delivery the server answered, newest first: what it did and why
    /// (refused ones with the sender's address).
    Log {
        #[arg(long, default_value_t = 50)]
        limit: i64,
        /// The next page: deliveries older than this one.
        #[arg(long)]
        before: Option<i64>,
    },
    /// The deliveries whose bodies wait for a person: unreadable ones, and
    /// changes an order refused.
    Inbox {
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// One delivery, and its kept body (to a file with --body-out, else on
    /// standard output after the details).
    Show {
        id: i64,
        #[arg(long, value_name = "FILE")]
        body_out: Option<PathBuf>,
    },
    /// A kept delivery dealt with: it leaves the inbox (the log keeps it).
    Dismiss { id: i64 },
}

fn channel(text: &str) -> Result<WebhookChannel, Failure> {
    WebhookChannel::parse(text).map_err(|e| super::usage(format!("--channel: {e}")))
}

fn read_secret(path: &PathBuf) -> Result<String, Failure> {
    let mut bytes = Vec::new();
    let read = if path.as_os_str() == "-" {
        std::io::stdin().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::File::open(path).and_then(|mut f| f.read_to_end(&mut bytes).map(|_| ()))
    };
    read.map_err(|e| super::usage(format!("cannot read {}: {e}", path.display())))?;
    String::from_utf8(bytes).map_err(|_| {
        super::usage(format!(
            "{} is not text; put the secret in it as the shop shows it",
            path.display()
        ))
    })
}

pub async fn run(
    store: &Store,
    actor: &Actor,
    json: bool,
    command: WebhooksCommand,
) -> Result<u8, Failure> {
    match command {
        WebhooksCommand::SetSecret {
            channel: c,
            secret_file,
        } => {
            let channel = channel(&c)?;
            let secret = read_secret(&secret_file)?;
            let info = ops::set_webhook_secret(store, actor, channel, &secret).await?;
            if json {
                out!("{}", serde_json::to_string(&info).unwrap_or_default());
            } else {
                out!(
                    "the {} secret is set (fingerprint {}); the server uses it from the next delivery",
                    info.channel,
                    info.fingerprint.unwrap_or_default()
                );
            }
        }
        WebhooksCommand::Status => {
            let all = ops::webhook_secrets(store, actor).await?;
            if json {
                out!("{}", serde_json::to_string(&all).unwrap_or_default());
            } else {
                for s in all {
                    match (s.set, s.set_by, s.set_at, s.fingerprint) {
                        (true, Some(by), Some(at), Some(fp)) => out!(
                            "{:<12} set by {by} at {}, fingerprint {fp}",
                            s.channel.as_str(),
                            at.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M")
                        ),
                        _ => out!(
                            "{:<12} no secret: its deliveries are refused (webhooks set-secret --channel {})",
                            s.channel.as_str(),
                            s.channel
                        ),
                    }
                }
            }
        }
        WebhooksCommand::Log { limit, before } => {
            let rows = ops::webhook_deliveries(store, actor, false, limit, before).await?;
            print_rows(json, &rows, "no deliveries yet");
        }
        WebhooksCommand::Inbox { limit } => {
            let rows = ops::webhook_deliveries(store, actor, true, limit, None).await?;
            print_rows(
                json,
                &rows,
                "the inbox is empty: no kept body waits for a person",
            );
        }
        WebhooksCommand::Show { id, body_out } => {
            let (row, body) = ops::webhook_delivery(store, actor, id).await?;
            if json {
                let body_text = body.as_deref().map(String::from_utf8_lossy);
                out!(
                    "{}",
                    serde_json::json!({"delivery": row, "body": body_text})
                );
                return Ok(0);
            }
            print_row(&row);
            out!("reason: {}", row.reason);
            match (body, body_out) {
                (None, _) => out!("(no body kept)"),
                (Some(bytes), Some(path)) => {
                    std::fs::write(&path, &bytes).map_err(|e| {
                        super::usage(format!("cannot write {}: {e}", path.display()))
                    })?;
                    out!("body ({} bytes) written to {}", bytes.len(), path.display());
                }
                (Some(bytes), None) => {
                    out!("body ({} bytes):", bytes.len());
                    out!("{}", String::from_utf8_lossy(&bytes));
                }
            }
        }
        WebhooksCommand::Dismiss { id } => {
            let row = ops::dismiss_webhook_delivery(store, actor, id).await?;
            if json {
                out!("{}", serde_json::to_string(&row).unwrap_or_default());
            } else {
                out!("delivery {id} dismissed; it stays in the log");
            }
        }
    }
    Ok(0)
}

fn print_rows(json: bool, rows: &[DeliveryLog], empty: &str) {
    if json {
        out!("{}", serde_json::to_string(rows).unwrap_or_default());
        return;
    }
    if rows.is_empty() {
        out!("{empty}");
    }
    for r in rows {
        print_row(r);
    }
}

fn print_row(r: &DeliveryLog) {
    let when = r
        .received_at
        .with_timezone(&chrono::Local)
        .format("%Y-%m-%d %H:%M:%S");
    let order = r.order.as_deref().unwrap_or("-");
    let kept = match (r.kept, &r.handled_by) {
        (true, Some(by)) => format!(" [kept, dismissed by {by}]"),
        (true, None) => " [kept]".to_string(),
        _ => String::new(),
    };
    out!(
        "#{:<6} {when} {:<11} {:<14} order {order:<12} from {}{kept}",
        r.id,
        r.channel.as_str(),
        r.outcome.as_str(),
        r.remote
    );
    if !r.reason.is_empty() {
        out!("        {}", r.reason);
    }
}
