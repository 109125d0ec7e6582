//! Times as the database keeps them: UTC milliseconds since the epoch.

use chrono::{DateTime, Utc};

/// A stored time, checked on the way in (store/codec.rs refuses a number no
/// calendar holds instead of reading it as 1970).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Millis(pub DateTime<Utc>);

/// A stored time that may be absent (NULL).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaybeMillis(pub Option<DateTime<Utc>>);

impl From<Millis> for DateTime<Utc> {
    fn from(m: Millis) -> Self {
        m.0
    }
}

impl From<MaybeMillis> for Option<DateTime<Utc>> {
    fn from(m: MaybeMillis) -> Self {
        m.0
    }
}

/// A calendar day stored as `YYYY-MM-DD` text, or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaybeDay(pub Option<chrono::NaiveDate>);

impl From<MaybeDay> for Option<chrono::NaiveDate> {
    fn from(d: MaybeDay) -> Self {
        d.0
    }
}

/// The day `YYYY-MM-DD` names, or why it names none.
pub fn parse_day(text: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("{text:?} is not a date; write it as YYYY-MM-DD, e.g. 2026-12-05"))
}

/// The time a stored number of milliseconds names, or why it names none.
pub fn from_millis(ms: i64) -> Result<DateTime<Utc>, String> {
    DateTime::from_timestamp_millis(ms)
        .ok_or_else(|| format!("{ms} ms since 1970 is not a time any calendar holds"))
}
