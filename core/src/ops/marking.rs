//! The marking codes (Честный ЗНАК) packed per order or per day, as CSV for
//! the marketplace or the EDO operator. Codes are written as scanned: their
//! GS separators (0x1D) stay in the cell, so the operator's system reads the
//! code it issued.

use crate::domain::barcode::{self, ScanCode};
use crate::store::orders::head_by_number;
use crate::store::scans::{self, PackedMarking};
use crate::store::Store;
use crate::{Error, Result};
use chrono::{Local, NaiveDate, TimeZone, Utc};

/// Which codes: one order's, or those packed on one local day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarkingScope {
    Order(String),
    Day(NaiveDate),
}

pub async fn packed_marking_codes(
    store: &Store,
    scope: &MarkingScope,
) -> Result<Vec<PackedMarking>> {
    let mut tx = store.read().await?;
    let codes = match scope {
        MarkingScope::Order(number) => {
            let head = head_by_number(&mut tx, store.engine(), number, false).await?;
            scans::marking_codes(&mut tx, head.id).await?
        }
        MarkingScope::Day(day) => {
            let start = |d: NaiveDate| {
                d.and_hms_opt(0, 0, 0)
                    .and_then(|t| Local.from_local_datetime(&t).earliest())
                    .map(|t| t.with_timezone(&Utc).timestamp_millis())
                    .ok_or_else(|| Error::Invalid(format!("{d} has no midnight here")))
            };
            let from = start(*day)?;
            let until = start(day.succ_opt().unwrap_or(*day))?;
            scans::marking_codes_between(&mut tx, from, until).await?
        }
    };
    tx.commit().await?;
    Ok(codes)
}

/// The codes as CSV: order, packed at (UTC), SKU, GTIN, serial, code.
pub fn marking_codes_csv(codes: &[PackedMarking]) -> Result<Vec<u8>> {
    let err =
        |e: csv::Error| Error::Invalid(format!("the marking codes could not be written: {e}"));
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["order", "packed_at_utc", "sku", "gtin", "serial", "code"])
        .map_err(err)?;
    for c in codes {
        let parsed = match barcode::classify(&c.code) {
            Ok(ScanCode::Gs1(g)) => Some(g),
            _ => None,
        };
        let field = |ai: &str| {
            parsed
                .as_ref()
                .and_then(|g| g.get(ai))
                .unwrap_or_default()
                .to_string()
        };
        w.write_record([
            c.number.clone(),
            c.at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            c.sku.clone(),
            field("01"),
            field("21"),
            c.code.clone(),
        ])
        .map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| Error::Invalid(format!("the marking codes could not be written: {e}")))
}
