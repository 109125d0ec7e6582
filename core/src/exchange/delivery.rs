//! Carriers' status exports: what happened to each parcel after it left.
//!
//! Carriers (СДЭК, Почта России, Boxberry, DPD...) let a store download its
//! parcels' statuses as a CSV or XLSX file. Each writes its own columns, so
//! the reader looks for one column of each kind under the names they use
//! (matched without regard to case or surrounding spaces):
//!
//! | kind     | required | headers                                                        |
//! |----------|----------|----------------------------------------------------------------|
//! | tracking | yes      | `tracking`, `tracking number`, `трек-номер`, `трек номер`, `номер отправления`, `шпи`, `номер заказа сдэк`, `номер накладной`, `barcode` |
//! | status   | yes      | `status`, `статус`, `статус отправления`, `операция`, `state`   |
//! | time     | yes      | `time`, `date`, `status date`, `дата`, `дата и время`, `дата статуса`, `дата операции`, `время` |
//! | place    |          | `place`, `city`, `location`, `место`, `место операции`, `город`, `пункт` |
//!
//! Times are `2026-11-28 14:05`, `28.11.2026 14:05[:SS]`, `28.11.2026` or
//! RFC 3339; one without a zone is on the store's clock (the caller says
//! how far east of UTC it is), as carriers write local time.
//!
//! The carrier's words become a [`ParcelState`] by what they say (see
//! [`parcel_state`]): a status that says the parcel was handed to its
//! addressee is `delivered`, one that says it goes back is `returning`, a
//! failed attempt or a loss is a `problem`, anything else is `in_transit`.

use super::orders::parse_time;
use super::table::{Col, Table};
use super::RowError;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

crate::named_enum! {
    /// Where a parcel is, as far as its carrier says.
    pub enum ParcelState("parcel state") {
        InTransit = "in_transit",
        Delivered = "delivered",
        Returning = "returning",
        Problem = "problem",
    }
}

/// One movement of one parcel, as a carrier's file reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParcelMovement {
    /// The file's data row (1 is the first row after the header).
    pub row: usize,
    pub tracking_number: String,
    pub at: DateTime<Utc>,
    pub state: ParcelState,
    /// The carrier's own words.
    pub status: String,
    pub place: String,
}

/// A carrier's status file, read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedMovements {
    pub movements: Vec<ParcelMovement>,
    /// Rows that could not be read, each with its reason.
    pub errors: Vec<RowError>,
    /// Data rows in the file, empty ones included.
    pub rows: usize,
}

const TRACKING: [&str; 9] = [
    "tracking",
    "tracking number",
    "трек-номер",
    "трек номер",
    "номер отправления",
    "шпи",
    "номер заказа сдэк",
    "номер накладной",
    "barcode",
];
const STATUS: [&str; 5] = [
    "status",
    "статус",
    "статус отправления",
    "операция",
    "state",
];
const TIME: [&str; 8] = [
    "time",
    "date",
    "status date",
    "дата",
    "дата и время",
    "дата статуса",
    "дата операции",
    "время",
];
const PLACE: [&str; 7] = [
    "place",
    "city",
    "location",
    "место",
    "место операции",
    "город",
    "пункт",
];

/// The longest tracking number taken: longer is not one (a pasted text).
const MAX_TRACKING: usize = 64;
const MAX_TEXT: usize = 500;

fn first_present(table: &Table, names: &[&str]) -> Col {
    names
        .iter()
        .map(|n| table.col(n))
        .find(|c| c.is_present())
        .unwrap_or_else(|| table.col(names[0]))
}

/// Reads a carrier's status file. The file is refused as a whole only when
/// it cannot be read or lacks a tracking, status or time column; a bad row
/// is reported with its number and the rest is read.
pub fn parse_movements(bytes: &[u8], utc_offset_minutes: i32) -> Result<ParsedMovements, String> {
    let offset = FixedOffset::east_opt(utc_offset_minutes.saturating_mul(60)).ok_or_else(|| {
        format!("{utc_offset_minutes} minutes is not a time zone's offset from UTC")
    })?;
    let table = Table::read(bytes)?;
    let tracking = first_present(&table, &TRACKING);
    let status = first_present(&table, &STATUS);
    let time = first_present(&table, &TIME);
    let place = first_present(&table, &PLACE);
    let mut missing = Vec::new();
    for (col, names) in [
        (tracking, &TRACKING[..]),
        (status, &STATUS[..]),
        (time, &TIME[..]),
    ] {
        if !col.is_present() {
            missing.push(format!("\"{}\"", names[..3].join("\" or \"")));
        }
    }
    if !missing.is_empty() {
        return Err(format!(
            "this is not a carrier's status file: it has no column {}; the file needs a tracking \
             number, a status and a time on each row (the columns it has: {})",
            missing.join(", no column "),
            table.headers_as_written().join(", ")
        ));
    }
    let mut out = ParsedMovements {
        rows: table.rows.len(),
        ..Default::default()
    };
    for row in &table.rows {
        let number = row.get(tracking);
        let said = row.get(status);
        let when = row.get(time);
        if number.is_empty() && said.is_empty() && when.is_empty() {
            continue;
        }
        let fail = |message: String| RowError {
            row: row.number,
            order: None,
            message,
        };
        let number: String = number.chars().filter(|c| !c.is_whitespace()).collect();
        let number = number.to_uppercase();
        if number.is_empty() {
            out.errors
                .push(fail("the row has no tracking number".into()));
            continue;
        }
        if number.chars().count() > MAX_TRACKING || number.chars().any(char::is_control) {
            out.errors.push(fail(format!(
                "\"{}\" is not a tracking number (at most {MAX_TRACKING} letters and digits)",
                number.chars().take(40).collect::<String>()
            )));
            continue;
        }
        if said.is_empty() {
            out.errors
                .push(fail(format!("parcel {number}: the row has no status")));
            continue;
        }
        let Some(at) = read_time(when, &offset) else {
            out.errors.push(fail(format!(
                "parcel {number}: \"{when}\" is not a time; write it as 28.11.2026 14:05 or 2026-11-28 14:05"
            )));
            continue;
        };
        out.movements.push(ParcelMovement {
            row: row.number,
            tracking_number: number,
            at,
            state: parcel_state(said),
            status: said.chars().take(MAX_TEXT).collect(),
            place: row.get(place).chars().take(MAX_TEXT).collect(),
        });
    }
    Ok(out)
}

/// A time as carriers write it; one without a zone is on the store's clock.
fn read_time(text: &str, offset: &FixedOffset) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let zoned = DateTime::parse_from_rfc3339(text).is_ok()
        || [
            "%Y-%m-%d %H:%M:%S %z",
            "%Y-%m-%d %H:%M %z",
            "%Y-%m-%dT%H:%M:%S%z",
        ]
        .iter()
        .any(|f| DateTime::parse_from_str(text, f).is_ok());
    if zoned {
        return parse_time(text);
    }
    let local = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .chain(&["%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%y %H:%M"])
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
        .or_else(|| {
            ["%Y-%m-%d", "%d.%m.%Y"]
                .iter()
                .find_map(|f| NaiveDate::parse_from_str(text, f).ok())
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        })?;
    offset
        .from_local_datetime(&local)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

/// What a carrier's words say of the parcel. Negative phrases are read
/// first: "не вручено" (not handed over) contains "вручено", and "прибыло
/// в место вручения" (arrived where it is handed over) is still on its way.
pub fn parcel_state(status: &str) -> ParcelState {
    let s = status.to_lowercase().replace('ё', "е");
    let has = |words: &[&str]| words.iter().any(|w| s.contains(w));
    if has(&[
        "не вруч",
        "не достав",
        "неудачн",
        "утер",
        "утрач",
        "поврежд",
        "not delivered",
        "failed",
        "lost",
        "damaged",
        "exception",
    ]) {
        ParcelState::Problem
    } else if has(&["возврат", "return"]) {
        ParcelState::Returning
    } else if has(&[
        "место вручения",
        "прибыл",
        "ожидает",
        "out for delivery",
        "arrived",
    ]) {
        // Waiting where it is to be handed over: still on its way.
        ParcelState::InTransit
    } else if has(&[
        "вручен",
        "вручение",
        "доставлен",
        "получен адресатом",
        "получено адресатом",
        "выдан",
        "delivered",
    ]) {
        ParcelState::Delivered
    } else {
        ParcelState::InTransit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MSK: i32 = 180;

    #[test]
    fn the_carriers_words_say_where_the_parcel_is() {
        for (said, state) in [
            ("Вручено адресату", ParcelState::Delivered),
            ("Вручение адресату", ParcelState::Delivered),
            ("Заказ вручен", ParcelState::Delivered),
            ("Выдан получателю", ParcelState::Delivered),
            ("DELIVERED", ParcelState::Delivered),
            ("Не вручено: адресат отсутствует", ParcelState::Problem),
            ("Неудачная попытка вручения", ParcelState::Problem),
            ("Утеряно", ParcelState::Problem),
            ("Возврат отправителю", ParcelState::Returning),
            ("Return to sender", ParcelState::Returning),
            ("Прибыло в место вручения", ParcelState::InTransit),
            ("Ожидает адресата в месте вручения", ParcelState::InTransit),
            (
                "Принят на склад в городе отправителе",
                ParcelState::InTransit,
            ),
            ("In transit", ParcelState::InTransit),
        ] {
            assert_eq!(parcel_state(said), state, "{said}");
        }
    }

    #[test]
    fn a_russian_post_file_is_read_with_its_own_headers_and_local_times() {
        let file = "ШПИ;Операция;Дата операции;Место операции\n\
                    RA123456789RU;Прием;27.11.2026 10:15;Москва 101000\n\
                    ra 123456789 ru;Вручение адресату;28.11.2026 14:05;Казань 420000\n";
        let p = parse_movements(file.as_bytes(), MSK).unwrap();
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        assert_eq!(p.movements.len(), 2);
        let m = &p.movements[1];
        assert_eq!(m.tracking_number, "RA123456789RU");
        assert_eq!(m.state, ParcelState::Delivered);
        assert_eq!(m.place, "Казань 420000");
        assert_eq!(m.at.to_rfc3339(), "2026-11-28T11:05:00+00:00");
    }

    #[test]
    fn bad_rows_are_named_and_the_rest_is_read() {
        let file = "Трек-номер,Статус,Дата статуса\n\
                    1234567890,Вручен,2026-11-28 12:00\n\
                    ,Вручен,2026-11-28 12:00\n\
                    1234567891,,2026-11-28 12:00\n\
                    1234567892,Вручен,вчера\n\
                    ,,\n\
                    1234567893,Принят,2026-11-28T09:00:00Z\n";
        let p = parse_movements(file.as_bytes(), MSK).unwrap();
        // The row of empty cells is passed over (and not counted as data).
        assert_eq!(p.rows, 5);
        assert_eq!(
            p.movements
                .iter()
                .map(|m| m.tracking_number.as_str())
                .collect::<Vec<_>>(),
            ["1234567890", "1234567893"]
        );
        let rows: Vec<usize> = p.errors.iter().map(|e| e.row).collect();
        assert_eq!(rows, [2, 3, 4]);
        assert!(p.errors[2].message.contains("\"вчера\" is not a time"));
        assert_eq!(p.movements[1].at.to_rfc3339(), "2026-11-28T09:00:00+00:00");
    }

    #[test]
    fn a_file_without_the_needed_columns_is_refused_with_what_it_has() {
        let e = parse_movements(b"number,sku\n1001,PB-1\n", MSK).unwrap_err();
        assert!(e.contains("no column \"tracking\""), "{e}");
        assert!(e.contains("the columns it has: number, sku"), "{e}");
    }
}
