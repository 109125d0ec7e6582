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

    /// Stored data that cannot be read as what it should be (a status the
    /// code does not know, a time no calendar holds, a damaged record):
    /// shown as it is, never replaced by a default.
    #[error("stored data is damaged and was not used: {0}; nothing was changed. Ask a supervisor to look at the database (the app's log has the details)")]
    Damaged(String),

    #[error("storage error: {0}")]
    Storage(sqlx::Error),

    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
}

impl Error {
    /// A stable code for the shells (CLI exit status, UI `{code, message}`).
    pub fn code(&self) -> &'static str {
        match self {
            Error::NotFound { .. } => "not_found",
            Error::InvalidTransition { .. } => "invalid_transition",
            Error::Conflict(_) => "conflict",
            Error::Refused(_) => "refused",
            Error::Invalid(_) => "invalid",
            Error::Forbidden { .. } => "forbidden",
            Error::Unavailable(_) => "unavailable",
            Error::Damaged(_) => "damaged",
            Error::Storage(_) => "storage",
            Error::Migration(_) => "migration",
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

    /// Another station changed the order between our read and our write.
    pub fn changed_meanwhile(number: &str) -> Self {
        Error::Conflict(format!("order {number} changed meanwhile; open it again"))
    }

    /// The trimmed reason a user gave, or `Invalid` with `ask` (what to say
    /// and where it is kept) when they gave none.
    pub fn require_reason<'a>(reason: &'a str, ask: &str) -> Result<&'a str> {
        let reason = reason.trim();
        if reason.is_empty() {
            Err(Error::Invalid(ask.to_string()))
        } else {
            Ok(reason)
        }
    }

    pub fn not_found(what: &'static str, key: impl Into<String>) -> Self {
        Error::NotFound {
            what,
            key: key.into(),
        }
    }
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        match e {
            // A column that does not decode is bad stored data (store/codec.rs
            // says which value and why), not a broken connection.
            sqlx::Error::ColumnDecode { index, source } => {
                Error::Damaged(format!("column {index}: {source}"))
            }
            other => Error::Storage(other),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
