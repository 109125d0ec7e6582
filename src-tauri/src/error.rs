//! The one error the UI sees: `{code, message, detail}` (docs/IPC.md).

use packbench_core::error::{ErrorCode, RefusalDetail};
use serde::Serialize;

/// A failed command as the UI receives it. `code` is core's error code (a
/// closed set, exported to TypeScript); the UI may translate by it.
/// `message` is an English sentence fit to show. `detail` carries the
/// figures of a refusal that has them, for the UI to say in its language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
    pub detail: Option<RefusalDetail>,
}

impl IpcError {
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self {
            code: ErrorCode::Unavailable,
            message: message.into(),
            detail: None,
        }
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Self {
            code: ErrorCode::Invalid,
            message: message.into(),
            detail: None,
        }
    }
}

impl From<packbench_core::Error> for IpcError {
    fn from(e: packbench_core::Error) -> Self {
        use packbench_core::Error;
        // Raw driver text means nothing at a packing table and may name
        // tables or queries: keep it in the log, show what to do instead.
        let message = match &e {
            Error::Storage(detail) => {
                tracing::error!(error = %detail, "storage error");
                "the database could not do this just now; try again, and if it keeps failing ask a supervisor to look at the app's log".to_string()
            }
            Error::Migration(detail) => {
                tracing::error!(error = %detail, "migration error");
                "the database could not be brought up to date for this version of Packbench; ask a supervisor to look at the app's log".to_string()
            }
            other => other.to_string(),
        };
        Self {
            code: e.code(),
            detail: e.detail().cloned(),
            message,
        }
    }
}

impl std::fmt::Display for IpcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for IpcError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_domain_error_keeps_its_code_and_sentence() {
        let e: IpcError = packbench_core::Error::not_found("order", "1001").into();
        assert_eq!(e.code, ErrorCode::NotFound);
        assert_eq!(e.message, "order 1001 was not found");
    }

    #[test]
    fn a_storage_error_is_shown_without_driver_detail() {
        let e: IpcError = packbench_core::Error::Storage(sqlx::Error::PoolClosed).into();
        assert_eq!(e.code, ErrorCode::Storage);
        assert!(
            !e.message.contains("pool"),
            "the driver's text stays in the log: {}",
            e.message
        );
    }
}
