//! `shops`: stock and order status back to the shops' APIs (issue 15 item
//! 1): a channel's API settings (the token read from a file, never shown
//! again), the queue of calls, a retry, one pass of the sender; and
//! `import watch-once DIR`, one pass of the watched folder.

use super::Failure;
use clap::{Args, Subcommand};
use packbench_core::ops::{self, Actor, ShopCallState, WebhookChannel};
use packbench_core::store::Store;
use std::io::Read;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum ShopsCommand {
    /// Connect a channel's shop API. Shopify: --url https://SHOP.myshopify.com
    /// --location LOCATION_ID --secret-file FILE (the Admin API access
    /// token, shpat_...). WooCommerce: --url https://shop.example.ru --key
    /// ck_... --secret-file FILE (the consumer secret, cs_...).
    Set {
        #[arg(long, value_name = "shopify|woocommerce")]
        channel: String,
        #[arg(long)]
        url: String,
        /// Shopify's location whose stock Packbench keeps.
        #[arg(long)]
        location: Option<String>,
        /// Shopify's Admin API version (default 2024-10).
        #[arg(long)]
        api_version: Option<String>,
        /// WooCommerce's consumer key.
        #[arg(long)]
        key: Option<String>,
        /// The token or consumer secret, from a file (- for standard
        /// input); without it, the one set before is kept.
        #[arg(long, value_name = "FILE")]
        secret_file: Option<PathBuf>,
    },
    /// Disconnect a channel's shop API (calls still waiting are failed).
    Remove {
        #[arg(long, value_name = "shopify|woocommerce")]
        channel: String,
    },
    /// Which shops are connected (never the secrets: a fingerprint).
    Status,
    /// The calls to the shops, newest first, with the shop's words for
    /// the failed ones.
    Calls {
        /// Only pending, sending, done, failed or replaced calls.
        #[arg(long)]
        state: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// Send a failed call again (its cause fixed), or --all-failed.
    Retry {
        id: Option<i64>,
        #[arg(long)]
        all_failed: bool,
    },
    /// Send the calls that are due now, once (packbench-server does it
    /// every few seconds).
    Sync,
}

/// `import watch-once DIR`: the watched folder's look, twice: a file whose
/// size did not change between the two is imported and moved.
#[derive(Args)]
pub struct WatchOnceArgs {
    pub dir: PathBuf,
    /// Seconds between the two looks (a file still being written changes
    /// in between and is left for the next run).
    #[arg(long, default_value_t = 2)]
    pub settle: u64,
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
            "{} is not text; put the token in it as the shop shows it",
            path.display()
        ))
    })
}

fn print_json(value: &impl serde::Serialize) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_else(|_| "{}".into())
    );
}

fn show_apis(json: bool, apis: &[ops::ShopApiInfo]) {
    if json {
        print_json(&apis);
        return;
    }
    for a in apis {
        if a.connected {
            println!(
                "{:<12} {}  location {}  key {}  secret {}  set by {} at {}",
                a.channel.as_str(),
                a.base_url,
                if a.location_id.is_empty() {
                    "-"
                } else {
                    &a.location_id
                },
                a.api_key_hint.as_deref().unwrap_or("-"),
                a.secret_fingerprint.as_deref().unwrap_or("-"),
                a.set_by.as_deref().unwrap_or("?"),
                a.set_at.map(|t| t.to_rfc3339()).unwrap_or_default()
            );
        } else {
            println!("{:<12} not connected", a.channel.as_str());
        }
    }
}

pub async fn run(
    store: &Store,
    actor: &Actor,
    json: bool,
    command: ShopsCommand,
) -> Result<u8, Failure> {
    match command {
        ShopsCommand::Set {
            channel: c,
            url,
            location,
            api_version,
            key,
            secret_file,
        } => {
            let secret = secret_file.as_ref().map(read_secret).transpose()?;
            let input = ops::ShopApiInput {
                channel: Some(channel(&c)?),
                base_url: url,
                api_version: api_version.unwrap_or_default(),
                location_id: location.unwrap_or_default(),
                api_key: key.unwrap_or_default(),
                api_secret: secret,
            };
            let info = ops::set_shop_api(store, actor, &input).await?;
            show_apis(json, &[info]);
        }
        ShopsCommand::Remove { channel: c } => {
            let info = ops::remove_shop_api(store, actor, channel(&c)?).await?;
            show_apis(json, &[info]);
        }
        ShopsCommand::Status => show_apis(json, &ops::shop_apis(store, actor).await?),
        ShopsCommand::Calls { state, limit } => {
            let state = state
                .map(|s| ShopCallState::parse(&s))
                .transpose()
                .map_err(|e| super::usage(format!("--state: {e}")))?;
            let q = ops::shop_calls(store, actor, state, limit).await?;
            if json {
                print_json(&q);
            } else {
                println!(
                    "pending {}, sending {}, done {}, failed {}, replaced {}",
                    q.pending, q.sending, q.done, q.failed, q.replaced
                );
                for c in &q.calls {
                    let target = c
                        .sku
                        .clone()
                        .or_else(|| c.order_number.clone())
                        .unwrap_or_default();
                    println!(
                        "{:>6} {:<12} {:<8} {:<14} {:<9} attempts {}{}",
                        c.id,
                        c.channel.as_str(),
                        c.kind.as_str(),
                        target,
                        c.state.as_str(),
                        c.attempts,
                        c.last_error
                            .as_deref()
                            .map(|e| format!("  {e}"))
                            .unwrap_or_default()
                    );
                }
            }
        }
        ShopsCommand::Retry { id, all_failed } => match (id, all_failed) {
            (Some(id), false) => {
                let c = ops::retry_shop_call(store, actor, id).await?;
                if json {
                    print_json(&c);
                } else {
                    println!("call {} is {} again", c.id, c.state);
                }
            }
            (None, true) => {
                let n = ops::retry_failed_shop_calls(store, actor).await?;
                println!("{n} failed calls go again");
            }
            _ => {
                return Err(super::usage(
                    "give one call's number, or --all-failed".to_string(),
                ))
            }
        },
        ShopsCommand::Sync => {
            actor.may(ops::Op::RetryShopCall)?;
            let pass = ops::send_shop_calls(store).await?;
            if json {
                print_json(&pass);
            } else {
                for line in &pass.lines {
                    println!("{line}");
                }
                println!(
                    "done {}, tried again later {}, failed {}",
                    pass.done, pass.retrying, pass.failed
                );
            }
            return Ok(u8::from(pass.failed > 0));
        }
    }
    Ok(0)
}

pub async fn watch_once(
    store: &Store,
    actor: &Actor,
    json: bool,
    args: WatchOnceArgs,
) -> Result<u8, Failure> {
    let settings = ops::WatchFolderSettings {
        folder: args.dir.display().to_string(),
        ..ops::watch_folder_settings(store).await?
    };
    let mut watch = ops::FolderWatch::new(&args.dir);
    watch.look(store, actor, &settings).await?;
    tokio::time::sleep(std::time::Duration::from_secs(args.settle)).await;
    let files = watch.look(store, actor, &settings).await?;
    if json {
        print_json(&files);
    } else {
        if files.is_empty() {
            println!("nothing to import in {}", args.dir.display());
        }
        for f in &files {
            println!(
                "{}: {}{}{}",
                f.name,
                f.outcome,
                f.moved_to
                    .as_deref()
                    .map(|m| format!(" → {m}"))
                    .unwrap_or_default(),
                f.reason
                    .as_deref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default()
            );
        }
    }
    Ok(u8::from(
        files.iter().any(|f| f.outcome != ops::WatchOutcome::Done),
    ))
}
