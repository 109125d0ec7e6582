//! Documents from the database: the seller's details, the view of each
//! document built from real order data, and rendering for previews.

use super::Actor;
use super::Role;
use crate::documents::{
    self, DocFormat, DocumentKind, DocumentSettings, InvoiceLine, InvoiceView, LabelView,
    ManifestParcel, ManifestView, PackingSlipLine, PackingSlipView, Party, PickListView, Seller,
};
use crate::store::orders::{head_by_number, lines, LineRow, OrderHead};
use crate::store::{record_event, Store};
use crate::{Error, Result};
use chrono::{DateTime, Local, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::{AnyConnection, Row};

/// Which document: an order's, a pick list's, or a carrier's day.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DocumentKey {
    Order { number: String },
    PickList { id: i64 },
    Manifest { carrier: String, date: NaiveDate },
}

impl DocumentKey {
    pub fn order(number: impl Into<String>) -> Self {
        DocumentKey::Order {
            number: number.into(),
        }
    }

    /// Refuses a key that does not name this kind of document.
    pub fn check(&self, kind: DocumentKind) -> Result<()> {
        let fits = match self {
            DocumentKey::Order { .. } => kind.is_per_order(),
            DocumentKey::PickList { .. } => kind == DocumentKind::PickList,
            DocumentKey::Manifest { .. } => kind == DocumentKind::Manifest,
        };
        if fits {
            Ok(())
        } else {
            Err(Error::Invalid(format!(
                "a {} is printed for {}",
                kind.as_str().replace('_', " "),
                match kind {
                    DocumentKind::PickList => "a pick list id",
                    DocumentKind::Manifest => "a carrier and a day",
                    _ => "an order number",
                }
            )))
        }
    }

    /// A short name for titles and logs: "1001", "pick list 3", "СДЭК 2026-11-20".
    pub fn describe(&self) -> String {
        match self {
            DocumentKey::Order { number } => number.clone(),
            DocumentKey::PickList { id } => format!("pick list {id}"),
            DocumentKey::Manifest { carrier, date } => format!("{carrier} {date}"),
        }
    }
}

const SELLER_KEY: &str = "seller";

/// The shop's details as printed on documents; empty until set.
pub async fn seller(store: &Store) -> Result<Seller> {
    let mut conn = store.pool().acquire().await?;
    seller_in(&mut conn).await
}

async fn seller_in(conn: &mut AnyConnection) -> Result<Seller> {
    let text: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
        .bind(SELLER_KEY)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(text
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default())
}

/// Sets the shop's details (a supervisor's job: they go on every invoice).
pub async fn set_seller(store: &Store, actor: &Actor, seller: &Seller) -> Result<Seller> {
    actor.require(Role::Supervisor)?;
    let mut clean = seller.clone();
    for field in [
        &mut clean.name,
        &mut clean.address,
        &mut clean.phone,
        &mut clean.email,
        &mut clean.inn,
        &mut clean.kpp,
        &mut clean.bank_name,
        &mut clean.bik,
        &mut clean.account,
        &mut clean.corr_account,
    ] {
        *field = field.trim().to_string();
    }
    if clean.name.is_empty() {
        return Err(Error::Invalid(
            "the seller needs a name; it heads every invoice".into(),
        ));
    }
    for (what, value, lengths) in [
        ("INN", &clean.inn, &[10usize, 12][..]),
        ("KPP", &clean.kpp, &[9][..]),
        ("BIK", &clean.bik, &[9][..]),
        ("account", &clean.account, &[20][..]),
        ("correspondent account", &clean.corr_account, &[20][..]),
    ] {
        if !value.is_empty()
            && (!value.bytes().all(|b| b.is_ascii_digit()) || !lengths.contains(&value.len()))
        {
            return Err(Error::Invalid(format!(
                "the {what} {value:?} should be {} digits",
                lengths
                    .iter()
                    .map(|l| l.to_string())
                    .collect::<Vec<_>>()
                    .join(" or ")
            )));
        }
    }
    let mut tx = store.write().await?;
    let before = seller_in(&mut tx).await?;
    let value = serde_json::to_string(&clean).unwrap_or_default();
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES ($1, $2) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(SELLER_KEY)
    .bind(&value)
    .execute(&mut *tx)
    .await?;
    record_event(
        &mut tx,
        None,
        store.now_ms(),
        actor,
        "seller_changed",
        Some(json!(before)),
        Some(json!(clean)),
    )
    .await?;
    tx.commit().await?;
    Ok(clean)
}

/// The calendar day of a stored time, at this station.
fn local_day(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&Local).date_naive()
}

/// Units in the box: what was packed, or what was ordered before packing.
fn units_in_box(order_lines: &[LineRow]) -> (i64, bool) {
    let packed: i64 = order_lines.iter().map(|l| l.packed).sum();
    if packed > 0 {
        (packed, true)
    } else {
        (order_lines.iter().map(|l| l.quantity).sum(), false)
    }
}

async fn weight_g(conn: &mut AnyConnection, order_id: i64, packed: bool) -> Result<i64> {
    let column = if packed { "l.packed" } else { "l.quantity" };
    let sql = format!(
        "SELECT CAST(COALESCE(SUM({column} * p.weight_g), 0) AS BIGINT) FROM order_lines l \
         JOIN products p ON p.id = l.product_id WHERE l.order_id = $1"
    );
    Ok(sqlx::query_scalar(&sql)
        .bind(order_id)
        .fetch_one(&mut *conn)
        .await?)
}

async fn order_in(
    conn: &mut AnyConnection,
    store: &Store,
    number: &str,
) -> Result<(OrderHead, Vec<LineRow>)> {
    let head = head_by_number(conn, store.engine(), number, false).await?;
    let order_lines = lines(conn, head.id).await?;
    Ok((head, order_lines))
}

fn buyer(head: &OrderHead) -> Party {
    Party {
        name: head.customer_name.clone(),
        address: head.shipping_address.clone(),
        phone: head.phone.clone(),
        email: head.email.clone(),
    }
}

/// The rate most of the goods are taxed at (by amount; the higher rate on
/// a tie): delivery is taxed like the goods it carries.
fn main_rate(order_lines: &[LineRow]) -> i64 {
    let mut by_rate: std::collections::BTreeMap<i64, i64> = Default::default();
    for l in order_lines {
        *by_rate.entry(l.tax_rate_bp).or_default() +=
            l.quantity * l.unit_price_minor - l.discount_minor;
    }
    by_rate
        .into_iter()
        .max_by_key(|&(rate, amount)| (amount, rate))
        .map(|(rate, _)| rate)
        .unwrap_or(0)
}

pub async fn invoice_view(store: &Store, number: &str) -> Result<InvoiceView> {
    let mut tx = store.read().await?;
    let (head, order_lines) = order_in(&mut tx, store, number).await?;
    let seller = seller_in(&mut tx).await?;
    tx.commit().await?;
    Ok(InvoiceView {
        number: head.number.clone(),
        date: local_day(head.created_at),
        seller,
        buyer: buyer(&head),
        currency: head.currency.clone(),
        payment: head.payment_status,
        delivery_method: head.delivery_method.clone(),
        delivery_cost_minor: head.delivery_cost_minor,
        delivery_tax_rate_bp: main_rate(&order_lines),
        lines: order_lines
            .iter()
            .map(|l| InvoiceLine {
                sku: l.sku.clone(),
                name: l.name.clone(),
                quantity: l.quantity,
                unit_price_minor: l.unit_price_minor,
                discount_minor: l.discount_minor,
                tax_rate_bp: l.tax_rate_bp,
            })
            .collect(),
    })
}

pub async fn packing_slip_view(store: &Store, number: &str) -> Result<PackingSlipView> {
    let mut tx = store.read().await?;
    let (head, order_lines) = order_in(&mut tx, store, number).await?;
    let seller = seller_in(&mut tx).await?;
    // The bin the units were reserved in, else the product's default bin.
    let reserved: Vec<(i64, String)> = sqlx::query(
        "SELECT product_id, MIN(bin) FROM reservations WHERE order_id = $1 GROUP BY product_id",
    )
    .bind(head.id)
    .fetch_all(&mut *tx)
    .await?
    .iter()
    .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
    .collect::<Result<_>>()?;
    tx.commit().await?;
    Ok(PackingSlipView {
        number: head.number.clone(),
        date: local_day(head.created_at),
        from: Party::from_seller(&seller),
        ship_to: buyer(&head),
        delivery_method: head.delivery_method.clone(),
        comment: head.comment.clone(),
        lines: order_lines
            .iter()
            .map(|l| PackingSlipLine {
                sku: l.sku.clone(),
                name: l.name.clone(),
                bin: l
                    .product_id
                    .and_then(|p| {
                        reserved
                            .iter()
                            .find(|(id, _)| *id == p)
                            .map(|(_, b)| b.clone())
                    })
                    .or_else(|| l.bin.clone()),
                quantity: l.quantity,
                packed: l.packed,
            })
            .collect(),
    })
}

/// The label's view; `sscc` is the carton's when the parcel has one.
pub async fn label_view(store: &Store, number: &str, sscc: Option<&str>) -> Result<LabelView> {
    if let Some(code) = sscc {
        if !crate::domain::barcode::is_valid_sscc(code) {
            return Err(Error::Invalid(format!(
                "{code} is not an SSCC: 18 digits with a valid check digit"
            )));
        }
    }
    let mut tx = store.read().await?;
    let (head, order_lines) = order_in(&mut tx, store, number).await?;
    let seller = seller_in(&mut tx).await?;
    let (units, packed) = units_in_box(&order_lines);
    let weight = weight_g(&mut tx, head.id, packed).await?;
    tx.commit().await?;
    Ok(LabelView {
        number: head.number.clone(),
        sender: Party::from_seller(&seller),
        recipient: buyer(&head),
        delivery_method: head
            .carrier
            .clone()
            .filter(|c| !c.is_empty())
            .unwrap_or_else(|| head.delivery_method.clone()),
        tracking: head.tracking_number.clone(),
        weight_g: weight,
        units,
        sscc: sscc.map(str::to_string),
    })
}

pub async fn pick_list_view(store: &Store, id: i64) -> Result<PickListView> {
    let list = super::pick_list(store, id).await?;
    let mut view = PickListView::from(&list);
    view.date = local_day(list.created_at);
    Ok(view)
}

/// Every parcel handed to `carrier` on `date` (this station's calendar day).
pub async fn manifest_view(store: &Store, carrier: &str, date: NaiveDate) -> Result<ManifestView> {
    let carrier = carrier.trim();
    if carrier.is_empty() {
        return Err(Error::Invalid(
            "name the carrier the manifest is for".into(),
        ));
    }
    let start = date
        .and_hms_opt(0, 0, 0)
        .and_then(|t| Local.from_local_datetime(&t).earliest())
        .map(|t| t.with_timezone(&Utc).timestamp_millis())
        .ok_or_else(|| Error::Invalid(format!("{date} has no midnight here")))?;
    let next = date.succ_opt().unwrap_or(date);
    let end = next
        .and_hms_opt(0, 0, 0)
        .and_then(|t| Local.from_local_datetime(&t).earliest())
        .map(|t| t.with_timezone(&Utc).timestamp_millis())
        .unwrap_or(start + 86_400_000);
    let mut tx = store.read().await?;
    let seller = seller_in(&mut tx).await?;
    let rows = sqlx::query(
        "SELECT o.number, o.tracking_number, o.customer_name, o.shipping_address, o.currency, \
           o.delivery_cost_minor, \
           (SELECT CAST(COALESCE(SUM(l.quantity * l.unit_price_minor - l.discount_minor), 0) AS BIGINT) \
              FROM order_lines l WHERE l.order_id = o.id), \
           (SELECT CAST(COALESCE(SUM(l.packed), 0) AS BIGINT) FROM order_lines l WHERE l.order_id = o.id), \
           (SELECT CAST(COALESCE(SUM(l.packed * p.weight_g), 0) AS BIGINT) \
              FROM order_lines l JOIN products p ON p.id = l.product_id WHERE l.order_id = o.id) \
         FROM orders o WHERE o.carrier = $1 AND o.shipped_at >= $2 AND o.shipped_at < $3 \
         ORDER BY o.shipped_at, o.id",
    )
    .bind(carrier)
    .bind(start)
    .bind(end)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let parcels = rows
        .iter()
        .map(|r| {
            let goods: i64 = r.try_get(6)?;
            let delivery: i64 = r.try_get(5)?;
            Ok(ManifestParcel {
                number: r.try_get(0)?,
                tracking: r.try_get(1)?,
                recipient: r.try_get(2)?,
                address: r.try_get(3)?,
                currency: r.try_get(4)?,
                value_minor: goods + delivery,
                units: r.try_get(7)?,
                weight_g: r.try_get(8)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(ManifestView {
        carrier: carrier.to_string(),
        date,
        sender: seller,
        parcels,
    })
}

/// Renders one document as the settings say (paper, format, resolution,
/// language): the bytes a preview shows and a printer receives.
pub async fn render_document(
    store: &Store,
    kind: DocumentKind,
    key: &DocumentKey,
    settings: &DocumentSettings,
) -> Result<Vec<u8>> {
    render_with_sscc(store, kind, key, settings, None).await
}

/// [`render_document`], with the carton's SSCC on a label.
pub async fn render_with_sscc(
    store: &Store,
    kind: DocumentKind,
    key: &DocumentKey,
    settings: &DocumentSettings,
    sscc: Option<&str>,
) -> Result<Vec<u8>> {
    settings.check(kind)?;
    key.check(kind)?;
    let lang = settings.lang;
    match (kind, key) {
        (DocumentKind::Invoice, DocumentKey::Order { number }) => {
            documents::invoice::pdf(&invoice_view(store, number).await?, lang)
        }
        (DocumentKind::PackingSlip, DocumentKey::Order { number }) => documents::packing_slip::pdf(
            &packing_slip_view(store, number).await?,
            lang,
            settings.paper,
        ),
        (DocumentKind::Label, DocumentKey::Order { number }) => {
            let view = label_view(store, number, sscc).await?;
            match settings.format {
                DocFormat::Pdf => documents::label::pdf(&view, settings.paper, lang),
                DocFormat::Zpl => documents::zpl::label(&view, settings.paper, settings.dpi, lang)
                    .map(String::into_bytes),
            }
        }
        (DocumentKind::PickList, DocumentKey::PickList { id }) => {
            documents::pick_list::pdf(&pick_list_view(store, *id).await?, lang)
        }
        (DocumentKind::Manifest, DocumentKey::Manifest { carrier, date }) => {
            documents::manifest::pdf(&manifest_view(store, carrier, *date).await?, lang)
        }
        _ => Err(Error::Invalid(format!(
            "{} cannot be printed for {}",
            kind.as_str(),
            key.describe()
        ))),
    }
}
