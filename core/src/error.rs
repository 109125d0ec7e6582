//! Domain errors: each variant is a fact the user can act on.

use crate::domain::OrderStatus;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{what} {key} was not found")]
    NotFound { what: &'static str, key: String },

    #[error("cannot move the order from {from} to {to}")]
    InvalidTransition { from: OrderStatus, to: OrderStatus },

    #[error("{0}")]
    Conflict(String),

    #[error("{0}")]
    Refused(String),

    #[error("{0}")]
    Invalid(String),

    #[error("only a {needed} may do this; you are signed in as {actual}")]
    Forbidden {
        needed: &'static str,
        actual: &'static str,
    },

    #[error("the database is unavailable: {0}")]
    Unavailable(String),

    #[error("storage error: {0}")]
    Storage(#[from] sqlx::Error),

    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
}

impl Error {
    /// A stable code for the shells (CLI exit status, UI `{code, message}`).
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::NotFound { .. } => ErrorCode::NotFound,
            Error::InvalidTransition { .. } => ErrorCode::InvalidTransition,
            Error::Conflict(_) => ErrorCode::Conflict,
            Error::Refused(_) => ErrorCode::Refused,
            Error::Invalid(_) => ErrorCode::Invalid,
            Error::Forbidden { .. } => ErrorCode::Forbidden,
            Error::Unavailable(_) => ErrorCode::Unavailable,
            Error::Storage(_) => ErrorCode::Storage,
            Error::Migration(_) => ErrorCode::Migration,
        }
    }

    /// A rule said no (as opposed to bad input or a broken database).
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            Error::NotFound { .. }
                | Error::InvalidTransition { .. }
                | Error::Conflict(_)
                | Error::Refused(_)
                | Error::Forbidden { .. }
        )
    }

    pub fn not_found(what: &'static str, key: impl Into<String>) -> Self {
        Error::NotFound {
            what,
            key: key.into(),
        }
    }
}

/// What kind of failure an [`Error`] is, as the shells name it: the UI's
/// `{code, message}` carries it (exported to TypeScript, so the UI can only
/// test for codes that exist), the CLI maps it to an exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    NotFound,
    InvalidTransition,
    Conflict,
    Refused,
    Invalid,
    Forbidden,
    Unavailable,
    Storage,
    Migration,
}

impl ErrorCode {
    /// The code as it travels: the same snake_case string serde writes.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::NotFound => "not_found",
            ErrorCode::InvalidTransition => "invalid_transition",
            ErrorCode::Conflict => "conflict",
            ErrorCode::Refused => "refused",
            ErrorCode::Invalid => "invalid",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::Unavailable => "unavailable",
            ErrorCode::Storage => "storage",
            ErrorCode::Migration => "migration",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_travels_as_its_snake_case_name() {
        let codes = [
            ErrorCode::NotFound,
            ErrorCode::InvalidTransition,
            ErrorCode::Conflict,
            ErrorCode::Refused,
            ErrorCode::Invalid,
            ErrorCode::Forbidden,
            ErrorCode::Unavailable,
            ErrorCode::Storage,
            ErrorCode::Migration,
        ];
        for code in codes {
            assert_eq!(
                serde_json::to_value(code).unwrap(),
                serde_json::Value::from(code.as_str()),
                "serde and as_str agree, so the UI and the CLI name it alike"
            );
        }
        assert_eq!(Error::not_found("order", "1").code().as_str(), "not_found");
    }
}
