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

    /// A refusal whose figures a station shows in its own language (the
    /// sentence is for the CLI and the log).
    #[error("{0}")]
    RefusedWith(String, RefusalDetail),

    #[error("{0}")]
    Invalid(String),

    #[error("you may not {action}: that is for {needed}; you are signed in as {actual}")]
    Forbidden {
        action: &'static str,
        needed: String,
        actual: String,
    },

    /// A packer or picker asked for what a supervisor must approve: the
    /// station asks for a supervisor's PIN or badge and tries again.
    #[error("{} needs a supervisor's approval: ask a supervisor to enter their PIN or scan their badge", .0.describe())]
    NeedsApproval(crate::domain::access::Override),

    /// No one is signed in (or the session ran out): sign in first.
    #[error("{0}")]
    NotSignedIn(String),

    /// A login and PIN (or a badge, or a token) that do not match a user:
    /// the message never says whether the user exists.
    #[error("{0}")]
    WrongCredentials(String),

    /// Too many wrong PINs: the login is locked for a while.
    #[error("{0}")]
    LockedOut(String),

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
    Migration(sqlx::migrate::MigrateError),
}

impl Error {
    /// A stable code for the shells (CLI exit status, UI `{code, message}`).
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::NotFound { .. } => ErrorCode::NotFound,
            Error::InvalidTransition { .. } => ErrorCode::InvalidTransition,
            Error::Conflict(_) => ErrorCode::Conflict,
            Error::Refused(_) | Error::RefusedWith(..) => ErrorCode::Refused,
            Error::Invalid(_) => ErrorCode::Invalid,
            Error::Forbidden { .. } => ErrorCode::Forbidden,
            Error::NeedsApproval(_) => ErrorCode::NeedsApproval,
            Error::NotSignedIn(_) => ErrorCode::NotSignedIn,
            Error::WrongCredentials(_) => ErrorCode::WrongCredentials,
            Error::LockedOut(_) => ErrorCode::LockedOut,
            Error::Unavailable(_) => ErrorCode::Unavailable,
            Error::Damaged(_) => ErrorCode::Damaged,
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
                | Error::RefusedWith(..)
                | Error::Forbidden { .. }
                | Error::NeedsApproval(_)
                | Error::NotSignedIn(_)
                | Error::WrongCredentials(_)
                | Error::LockedOut(_)
        )
    }

    /// The figures behind a refusal, when it has them.
    pub fn detail(&self) -> Option<&RefusalDetail> {
        match self {
            Error::RefusedWith(_, d) => Some(d),
            _ => None,
        }
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

/// What a refusal is about, in figures (for the UI, which says it in the
/// station's language instead of reading core's English sentence).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RefusalDetail {
    /// A carton's weight off the tolerance (`difference_g` = weighed minus
    /// expected).
    WeightOff {
        seq: i64,
        weight_g: i64,
        expected_g: i64,
        allowed_g: i64,
        difference_g: i64,
    },
    /// A carton with goods in it is still open: close it before another.
    CloseCartonFirst { seq: i64, units: i64 },
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        if let Some(error) = DiskTrouble::of(&e).map(|t| t.error(None)) {
            tracing::warn!(error = %e, "the database's disk or file refused");
            return error;
        }
        match e {
            // A column that does not decode is bad stored data (store/codec.rs
            // says which value and why), not a broken connection.
            sqlx::Error::ColumnDecode { index, source } => {
                Error::Damaged(format!("column {index}: {source}"))
            }
            other => match out_of_reach(&other) {
                Some(message) => {
                    tracing::warn!(error = %other, "the database is out of reach");
                    Error::Unavailable(message)
                }
                None => Error::Storage(other),
            },
        }
    }
}

/// The database server stopped, the network dropped or nothing answered in
/// time: said in words a packer can act on (the driver's are logged), never
/// as a storage error.
fn out_of_reach(e: &sqlx::Error) -> Option<String> {
    let check = "check that the server is running and the network is up, then do it again";
    let lost = || {
        format!("the connection to the database server broke off before it answered, so this may not have been saved; {check}")
    };
    match e {
        // No connection within the store's acquire timeout: nothing of
        // this was sent.
        sqlx::Error::PoolTimedOut => Some(format!(
            "the database server could not be reached, so this was not saved; {check}"
        )),
        sqlx::Error::Io(_) => Some(lost()),
        // PostgreSQL's connection exceptions (class 08) and its shutting
        // down or starting up (57P01-57P03).
        sqlx::Error::Database(d) => match d.code().as_deref() {
            Some(c) if c.starts_with("08") || matches!(c, "57P01" | "57P02" | "57P03") => {
                Some(lost())
            }
            _ => None,
        },
        _ => None,
    }
}

impl From<sqlx::migrate::MigrateError> for Error {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        use sqlx::migrate::MigrateError;
        // A full disk, a read-only or a damaged file stops an upgrade as it
        // stops any write: say that, not "migration failed".
        if let MigrateError::Execute(inner) | MigrateError::ExecuteMigration(inner, _) = &e {
            if let Some(trouble) = DiskTrouble::of(inner) {
                tracing::warn!(error = %e, "the upgrade of the database stopped");
                return trouble.error(None);
            }
        }
        Error::Migration(e)
    }
}

/// What the database engine said about its disk or file that a person can
/// act on: the disk is full, the file cannot be written, the file is
/// damaged. Each stops one statement or transaction, which is rolled back:
/// what was committed before stays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DiskTrouble {
    /// SQLITE_FULL (13), PostgreSQL `disk_full` (53100).
    Full { server: bool },
    /// SQLITE_READONLY (8 and its extended codes), PostgreSQL
    /// `read_only_sql_transaction` (25006).
    ReadOnly { server: bool },
    /// SQLITE_CORRUPT (11) or SQLITE_NOTADB (26), with SQLite's words.
    Corrupt(String),
}

impl DiskTrouble {
    pub(crate) fn of(e: &sqlx::Error) -> Option<DiskTrouble> {
        use sqlx::error::DatabaseError;
        let sqlx::Error::Database(d) = e else {
            return None;
        };
        if let Some(sqlite) = d.try_downcast_ref::<sqlx::sqlite::SqliteError>() {
            let code: i32 = sqlite.code()?.parse().ok()?;
            // Extended result codes keep the primary code in the low byte.
            return match code & 0xff {
                13 => Some(DiskTrouble::Full { server: false }),
                8 => Some(DiskTrouble::ReadOnly { server: false }),
                11 | 26 => Some(DiskTrouble::Corrupt(sqlite.message().to_string())),
                _ => None,
            };
        }
        match d.code().as_deref() {
            Some("53100") => Some(DiskTrouble::Full { server: true }),
            Some("25006") => Some(DiskTrouble::ReadOnly { server: true }),
            _ => None,
        }
    }

    /// The error a person reads, naming the file when it is known.
    pub(crate) fn error(&self, file: Option<&std::path::Path>) -> Error {
        let kept = "so this change was not saved (everything saved before it is kept)";
        let file = file.map_or_else(
            || "the database file".to_string(),
            |f| f.display().to_string(),
        );
        match self {
            DiskTrouble::Full { server: false } => Error::Unavailable(format!(
                "the disk that holds {file} is full, {kept}; free space on that disk (or move the database to a bigger one), then do it again"
            )),
            DiskTrouble::Full { server: true } => Error::Unavailable(format!(
                "the database server's disk is full, {kept}; ask whoever runs the server to free space on it, then do it again"
            )),
            DiskTrouble::ReadOnly { server: false } => Error::Unavailable(format!(
                "{file} is read-only, {kept}; make the file, its folder and its -wal and -shm files writable for the user who runs Packbench (or copy it off a read-only disk), then do it again"
            )),
            DiskTrouble::ReadOnly { server: true } => Error::Unavailable(format!(
                "the database server accepts no changes (it is read-only: a standby, or switched to read-only), {kept}; ask whoever runs the server, then do it again"
            )),
            DiskTrouble::Corrupt(why) => Error::Damaged(damaged_file(&file, why)),
        }
    }
}

/// What a damaged database file is, and what to do about it.
pub(crate) fn damaged_file(file: &str, why: &str) -> String {
    format!(
        "{file} is damaged ({why}): restore the newest backup (Settings → Backups in the app, or \
         `packbench-cli backup restore FILE`), or save what can still be read with the sqlite3 \
         tool's `.recover` command"
    )
}

crate::named_enum! {
    /// What kind of failure an [`Error`] is, as the shells name it: the UI's
    /// `{code, message}` carries it (exported to TypeScript, so the UI can
    /// only test for codes that exist), the CLI maps it to an exit status.
    pub enum ErrorCode("error code") {
        NotFound = "not_found",
        InvalidTransition = "invalid_transition",
        Conflict = "conflict",
        Refused = "refused",
        Invalid = "invalid",
        Forbidden = "forbidden",
        /// A supervisor must approve: ask for their PIN or badge, try again.
        NeedsApproval = "needs_approval",
        /// Sign in first (or again: the session ran out).
        NotSignedIn = "not_signed_in",
        WrongCredentials = "wrong_credentials",
        LockedOut = "locked_out",
        Unavailable = "unavailable",
        /// Stored data that cannot be read as what it should be.
        Damaged = "damaged",
        Storage = "storage",
        Migration = "migration",
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_out_of_reach_is_unavailable_not_a_storage_error() {
        let timed_out = Error::from(sqlx::Error::PoolTimedOut);
        assert_eq!(timed_out.code(), ErrorCode::Unavailable);
        assert!(
            timed_out.to_string().contains("was not saved"),
            "no connection was had, so nothing was sent: {timed_out}"
        );
        let cut = Error::from(sqlx::Error::Io(std::io::ErrorKind::ConnectionReset.into()));
        assert_eq!(cut.code(), ErrorCode::Unavailable);
        assert!(
            cut.to_string().contains("may not have been saved"),
            "a connection cut mid-way may have committed: {cut}"
        );
        assert_eq!(
            Error::from(sqlx::Error::PoolClosed).code(),
            ErrorCode::Storage,
            "a pool closed by the app itself is not the server's absence"
        );
    }

    #[test]
    fn every_code_travels_as_its_snake_case_name() {
        for code in ErrorCode::ALL {
            assert_eq!(
                serde_json::to_value(code).unwrap(),
                serde_json::Value::from(code.as_str()),
                "serde and as_str agree, so the UI and the CLI name it alike"
            );
        }
        assert_eq!(Error::not_found("order", "1").code(), ErrorCode::NotFound);
        assert_eq!(
            Error::from(sqlx::Error::ColumnDecode {
                index: "created_at".into(),
                source: "out of range".into()
            })
            .code(),
            ErrorCode::Damaged,
            "a column that does not decode is damaged data, not a storage failure"
        );
    }
}
