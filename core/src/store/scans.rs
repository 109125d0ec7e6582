//! The scan ledger: append-only, one row per scan, refused ones too.

use crate::domain::scan::ScanOutcome;
use crate::ops::Actor;
use crate::Result;
use sqlx::{AnyConnection, Row};

/// A scan recorded earlier under the same client scan id.
pub async fn earlier(
    conn: &mut AnyConnection,
    scan_id: &str,
) -> Result<Option<(String, ScanOutcome)>> {
    let row = sqlx::query("SELECT code, detail FROM scans WHERE scan_id = $1")
        .bind(scan_id)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let code: String = row.try_get(0)?;
    let detail: String = row.try_get(1)?;
    let outcome = serde_json::from_str(&detail).unwrap_or(ScanOutcome::InvalidBarcode {
        reason: "the earlier verdict could not be read back".into(),
    });
    Ok(Some((code, outcome)))
}

pub struct NewScan<'a> {
    pub scan_id: &'a str,
    pub order_id: i64,
    pub actor: &'a Actor,
    pub at_ms: i64,
    pub code: &'a str,
    pub outcome: &'a ScanOutcome,
    pub marking_code: Option<&'a str>,
    pub reverses: Option<i64>,
}

pub async fn append(conn: &mut AnyConnection, s: NewScan<'_>) -> Result<i64> {
    let (line_id, units) = match s.outcome {
        ScanOutcome::Accepted { line_id, units, .. } => (Some(*line_id), *units),
        _ => (None, 0),
    };
    let kind = if s.reverses.is_some() {
        "undo"
    } else {
        s.outcome.kind()
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO scans (scan_id, order_id, station, user_name, at, code, outcome, detail, \
         line_id, units, marking_code, reverses) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(s.scan_id)
    .bind(s.order_id)
    .bind(&s.actor.station)
    .bind(&s.actor.user)
    .bind(s.at_ms)
    .bind(s.code)
    .bind(kind)
    .bind(serde_json::to_string(s.outcome).unwrap_or_default())
    .bind(line_id)
    .bind(units)
    .bind(s.marking_code)
    .bind(s.reverses)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// The last accepted scan of the order that no undo has reversed yet.
pub async fn last_undoable(
    conn: &mut AnyConnection,
    order_id: i64,
) -> Result<Option<(i64, i64, i64, String)>> {
    let row = sqlx::query(
        "SELECT s.id, s.line_id, s.units, s.code FROM scans s \
         WHERE s.order_id = $1 AND s.outcome = 'accepted' \
           AND NOT EXISTS (SELECT 1 FROM scans u WHERE u.reverses = s.id) \
         ORDER BY s.id DESC LIMIT 1",
    )
    .bind(order_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?)))
        .transpose()
}

/// Whether this marking code (Chestny ZNAK) is already packed in the order
/// and not undone: one physical item cannot go into the box twice.
pub async fn marking_code_packed(
    conn: &mut AnyConnection,
    order_id: i64,
    marking: &str,
) -> Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM scans s WHERE s.order_id = $1 AND s.marking_code = $2 \
         AND s.outcome = 'accepted' AND NOT EXISTS (SELECT 1 FROM scans u WHERE u.reverses = s.id)",
    )
    .bind(order_id)
    .bind(marking)
    .fetch_one(&mut *conn)
    .await?;
    Ok(n > 0)
}
