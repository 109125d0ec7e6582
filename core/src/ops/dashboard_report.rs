//! The whole dashboard as a PDF report: every chart's numbers as a table,
//! read from the chart's own CSV (ops::dashboard_csv), so the report, the
//! CSV and the screen's "Numbers" never differ.

use super::dashboard::{dashboard_csv, Dashboard, DashboardChart};
use crate::documents::report::{tables_pdf, Section};
use crate::documents::Lang;
use crate::error::{Error, Result};

fn chart_title(chart: DashboardChart, russian: bool) -> &'static str {
    use DashboardChart as C;
    match (chart, russian) {
        (C::Statuses, false) => "Orders per status now",
        (C::Statuses, true) => "Заказы по статусам сейчас",
        (C::Stages, false) => "Time in each stage",
        (C::Stages, true) => "Время на каждом этапе",
        (C::Histogram, false) => "How long each stage took",
        (C::Histogram, true) => "Сколько длился каждый этап",
        (C::Stalls, false) => "Where orders wait longest",
        (C::Stalls, true) => "Где заказы ждут дольше всего",
        (C::Hours, false) => "Packing per hour of the day",
        (C::Hours, true) => "Упаковка по часам дня",
        (C::Packers, false) => "Packers",
        (C::Packers, true) => "Упаковщики",
        (C::Stations, false) => "Stations",
        (C::Stations, true) => "Рабочие места",
        (C::Days, false) => "The trend over days",
        (C::Days, true) => "По дням",
    }
}

/// The dashboard as an A4 PDF in English or Russian.
pub fn dashboard_pdf(d: &Dashboard, russian: bool) -> Result<Vec<u8>> {
    let mut sections = Vec::new();
    for &chart in DashboardChart::ALL {
        let csv = dashboard_csv(d, chart, russian)?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(csv.as_bytes());
        let header = reader
            .headers()
            .map_err(|e| {
                Error::Invalid(format!("the {} table cannot be read: {e}", chart.as_str()))
            })?
            .iter()
            .map(str::to_string)
            .collect();
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| {
                Error::Invalid(format!("the {} table cannot be read: {e}", chart.as_str()))
            })?;
            rows.push(record.iter().map(str::to_string).collect());
        }
        sections.push(Section {
            title: chart_title(chart, russian).to_string(),
            header,
            rows,
        });
    }
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
