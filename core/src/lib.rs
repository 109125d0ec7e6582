//! Packbench core: the domain, storage, scanning and import/export.
//!
//! Nothing here knows about Tauri or the terminal: the desktop app and the
//! command-line tool are thin shells over [`ops`].

pub mod clock;
pub mod config;
pub mod demo;
pub mod documents;
pub mod domain;
pub mod error;
pub mod exchange;
pub mod logfile;
pub mod mail;
pub mod ops;
// Cash registers for receipts under 54-ФЗ (issue 15 item 3).
pub mod register;
pub mod scale;
pub mod secrets;
// Stock and order status back to the shop (issue 15 item 1).
pub mod shop_http;
pub mod store;

pub use error::{Error, Result};

/// A folder of a unit test's own under the system's temp folder (not made):
/// `packbench-WHAT-PID-NANOS`, unlike any other run's.
#[cfg(test)]
pub(crate) fn test_dir(what: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!(
        "packbench-{what}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ))
}
