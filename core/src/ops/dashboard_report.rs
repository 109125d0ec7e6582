//! The whole dashboard as a PDF report: every chart's table
//! (ops::dashboard_table), the same tables the screen shows a click away
//! and each chart's CSV holds, so the three never differ.

use super::dashboard::{dashboard_tables, Dashboard};
use crate::documents::report::{tables_pdf, Section};
use crate::documents::Lang;
use crate::error::{Error, Result};

/// The dashboard as an A4 PDF in English or Russian.
pub fn dashboard_pdf(d: &Dashboard, russian: bool) -> Result<Vec<u8>> {
    let sections: Vec<Section> = dashboard_tables(d, russian)
        .into_iter()
        .map(|t| Section {
            title: t.title,
            header: t.columns,
            rows: t.rows.into_iter().map(|r| r.cells).collect(),
        })
        .collect();
    let offset = chrono::FixedOffset::east_opt(d.utc_offset_minutes * 60)
        .ok_or_else(|| Error::Invalid("the dashboard's time zone is out of range".into()))?;
    let (from, to, now) = (
        d.from.with_timezone(&offset).format("%Y-%m-%d %H:%M"),
        d.to.with_timezone(&offset).format("%Y-%m-%d %H:%M"),
        d.now.with_timezone(&offset).format("%Y-%m-%d %H:%M"),
    );
    let all = if russian { "все" } else { "all" };
    let channel = d.channel.as_deref().unwrap_or(all);
    let station = d.station.as_deref().unwrap_or(all);
    let (title, subtitle, lang) = if russian {
        (
            "Packbench: панель смены",
            format!(
                "{from} — {to} · канал: {channel} · рабочее место: {station} · посчитано {now}"
            ),
            Lang::Ru,
        )
    } else {
        (
            "Packbench: shift dashboard",
            format!("{from} — {to} · channel: {channel} · station: {station} · counted {now}"),
            Lang::En,
        )
    };
    Ok(tables_pdf(title, &subtitle, &sections, lang))
}
