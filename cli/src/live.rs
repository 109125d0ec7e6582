//! `watch`: what another station sees: one line per commit that touched
//! orders, as the desktop app's `orders-changed` event gets it.

use super::Failure;
use clap::Args;
use packbench_core::ops::ChangeFeed;
use packbench_core::store::Store;

#[derive(Args, Debug)]
pub struct WatchArgs {
    /// Stop after this many changes (0: until interrupted).
    #[arg(long, default_value_t = 0)]
    pub count: usize,
}

/// Microseconds since the Unix epoch (for measuring across processes).
pub fn now_us() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_micros())
}

pub async fn watch(store: &Store, json: bool, args: &WatchArgs) -> Result<u8, Failure> {
    let mut feed = ChangeFeed::start(store).await?;
    if json {
        out!("{}", serde_json::json!({ "watching": store.describe() }));
    } else {
        out!("watching {} (Ctrl+C stops)", store.describe());
    }
    let mut seen = 0;
    while args.count == 0 || seen < args.count {
        let numbers = feed.next(store).await?;
        let at_us = now_us();
        seen += 1;
        if json {
            out!(
                "{}",
                serde_json::json!({ "at_us": at_us, "orders": numbers })
            );
        } else {
            out!(
                "{} {}",
                chrono::Local::now().format("%H:%M:%S%.3f"),
                numbers.join(" ")
            );
        }
    }
    feed.close().await;
    Ok(0)
}
