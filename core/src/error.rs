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
    pub fn code(&self) -> &'static str {
        match self {
            Error::NotFound { .. } => "not_found",
            Error::InvalidTransition { .. } => "invalid_transition",
            Error::Conflict(_) => "conflict",
            Error::Refused(_) => "refused",
            Error::Invalid(_) => "invalid",
            Error::Forbidden { .. } => "forbidden",
            Error::Unavailable(_) => "unavailable",
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

    pub fn not_found(what: &'static str, key: impl Into<String>) -> Self {
        Error::NotFound {
            what,
            key: key.into(),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
