//! Documents from the database: the seller's details, the view of each
//! document built from real order data, and rendering for previews.

use crate::documents::{
    self, DocFormat, DocumentKey, DocumentKind, DocumentSettings, InvoiceLine, InvoiceView,
    LabelView, ManifestView, PackingSlipLine, PackingSlipView, Party, PickListView, Seller,
    TradeDocument, TradeView,
};
use crate::domain::access::Op;
use crate::domain::buyer::BusinessBuyer;
use crate::domain::money::main_tax_rate_bp;
use crate::domain::tax_id;
use crate::domain::{Actor, EventKind, OrderHead, OrderLine};
use crate::store::orders::{self, head_by_number, lines};
use crate::store::{buyers, events, notes, pick_lists, settings, statuses, stock, Store};
use crate::{Error, Result};
use chrono::{DateTime, Local, NaiveDate, TimeZone, Utc};
use serde_json::json;
use sqlx::AnyConnection;

use crate::store::settings::SELLER as SELLER_KEY;

/// The shop's details as printed on documents; empty until set.
pub async fn seller(store: &Store) -> Result<Seller> {
    let mut conn = store.pool().acquire().await?;
    seller_in(&mut conn).await
}

/// The seller's details; empty until a supervisor sets them. A damaged
/// record is an error: an invoice never goes out with a guessed seller.
pub(super) async fn seller_in(conn: &mut AnyConnection) -> Result<Seller> {
    Ok(settings::get(conn, SELLER_KEY).await?.unwrap_or_default())
}

/// Sets the demo shop's details unless the store has its own.
pub(super) async fn seed_seller(conn: &mut AnyConnection, seller: &Seller) -> Result<()> {
    settings::put_if_absent(conn, SELLER_KEY, seller).await
}

/// Sets the shop's details (a supervisor's job: they go on every invoice).
pub async fn set_seller(store: &Store, actor: &Actor, seller: &Seller) -> Result<Seller> {
    actor.may(Op::SetSeller)?;
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
    // The INN's and KPP's rules are the ones a business buyer's follow,
    // check digits included (the first-run wizard says each at its field:
    // `ops::seller_problems`).
    tax_id::check_inn(&clean.inn).map_err(Error::Invalid)?;
    clean.kpp = clean.kpp.to_uppercase();
    tax_id::check_kpp(&clean.kpp).map_err(Error::Invalid)?;
    tax_id::check_kpp_fits_inn(&clean.inn, &clean.kpp).map_err(Error::Invalid)?;
    for (what, value, lengths) in [
        ("BIK", &clean.bik, &[9usize][..]),
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
    // A damaged record is replaced by what the supervisor typed now; the
    // history keeps why the old one could not be read.
    let before = match seller_in(&mut tx).await {
        Ok(old) => json!(old),
        Err(Error::Damaged(why)) => json!({ "damaged": why }),
        Err(e) => return Err(e),
    };
    settings::put(&mut tx, SELLER_KEY, &clean).await?;
    events::record(
        &mut tx,
        None,
        store.now_ms(),
        actor,
        EventKind::SellerChanged,
        Some(before),
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
fn units_in_box(order_lines: &[OrderLine]) -> (i64, bool) {
    let packed: i64 = order_lines.iter().map(|l| l.packed).sum();
    if packed > 0 {
        (packed, true)
    } else {
        (order_lines.iter().map(|l| l.quantity).sum(), false)
    }
}

async fn order_in(
    conn: &mut AnyConnection,
    store: &Store,
    number: &str,
) -> Result<(OrderHead, Vec<OrderLine>)> {
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

pub async fn invoice_view(store: &Store, number: &str) -> Result<InvoiceView> {
    let mut tx = store.read().await?;
    let (view, _) = invoice_view_in(&mut tx, store, number).await?;
    tx.commit().await?;
    Ok(view)
}

/// The invoice's view, and the order's head, read in `conn`'s transaction.
async fn invoice_view_in(
    conn: &mut AnyConnection,
    store: &Store,
    number: &str,
) -> Result<(InvoiceView, OrderHead)> {
    let (head, order_lines) = order_in(conn, store, number).await?;
    let seller = seller_in(conn).await?;
    let status = statuses::get(
        conn,
        head.sub_status.as_deref().unwrap_or(head.status.as_str()),
    )
    .await?;
    let view = InvoiceView {
        status: status.labels(),
        number: head.number.clone(),
        date: local_day(head.created_at),
        seller,
        buyer: buyer(&head),
        currency: head.currency.clone(),
        payment: head.payment_status,
        delivery_method: head.delivery_method.clone(),
        delivery_cost_minor: head.delivery_cost_minor,
        delivery_tax_rate_bp: main_tax_rate_bp(
            order_lines.iter().map(|l| (l.tax_rate_bp, l.amount_minor)),
        ),
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
    };
    Ok((view, head))
}

/// The business buyer's details on an order (empty: a private buyer).
pub async fn order_buyer(store: &Store, number: &str) -> Result<BusinessBuyer> {
    let mut conn = store.pool().acquire().await?;
    let head = head_by_number(&mut conn, store.engine(), number, false).await?;
    buyers::of_order(&mut conn, head.id).await
}

/// The view of a товарный чек, ТОРГ-12 or УПД: the order's invoice view
/// and its business buyer, dated the day the order shipped (or today,
/// while it has not: the document goes with the goods).
pub async fn trade_view(store: &Store, number: &str) -> Result<TradeView> {
    let mut tx = store.read().await?;
    let (mut invoice, head) = invoice_view_in(&mut tx, store, number).await?;
    let buyer = buyers::of_order(&mut tx, head.id).await?;
    tx.commit().await?;
    invoice.date = local_day(head.shipped_at.unwrap_or_else(|| store.now()));
    Ok(TradeView { invoice, buyer })
}

/// An order's товарный чек, ТОРГ-12 or УПД as PDF (in Russian: they are
/// Russian documents). ТОРГ-12 and УПД need the buyer's legal name and INN
/// on the order, and say so.
pub async fn render_trade_document(
    store: &Store,
    which: TradeDocument,
    number: &str,
) -> Result<Vec<u8>> {
    let view = trade_view(store, number).await?;
    match which {
        TradeDocument::SalesReceipt => documents::sales_receipt::pdf(&view.invoice),
        TradeDocument::Torg12 => documents::torg12::pdf(&view),
        TradeDocument::Upd => documents::upd::pdf(&view),
    }
}

pub async fn packing_slip_view(store: &Store, number: &str) -> Result<PackingSlipView> {
    let mut tx = store.read().await?;
    let (head, order_lines) = order_in(&mut tx, store, number).await?;
    let seller = seller_in(&mut tx).await?;
    // The bin the units were reserved in (the first by name), else the
    // product's default bin.
    let reserved = stock::reservations(&mut tx, head.id).await?;
    let marking_codes = crate::store::scans::marking_codes(&mut tx, head.id)
        .await?
        .into_iter()
        .map(|m| (m.sku, m.code))
        .collect();
    tx.commit().await?;
    Ok(PackingSlipView {
        marking_codes,
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
                            .filter(|r| r.product_id == p)
                            .map(|r| r.bin.clone())
                            .min()
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
    let weight = orders::weight_g(&mut tx, head.id, packed).await?;
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
        carton: None,
    })
}

/// The label of one carton: its SSCC, "k of n" (of several), its units and its weight
/// (as weighed, else as it should weigh, else its goods' weight).
pub async fn carton_label_view(store: &Store, number: &str, seq: i64) -> Result<LabelView> {
    let cartons = {
        let mut conn = store.pool().acquire().await?;
        let head =
            crate::store::orders::head_by_number(&mut conn, store.engine(), number, false).await?;
        crate::store::cartons::of_order(&mut conn, head.id).await?
    };
    let carton = cartons
        .iter()
        .find(|c| c.seq == seq)
        .ok_or_else(|| Error::not_found("carton", format!("{number} #{seq}")))?;
    let goods_g = {
        let mut conn = store.pool().acquire().await?;
        crate::store::cartons::contents(&mut conn, carton.id)
            .await?
            .iter()
            .map(|c| c.unit_weight_g * c.units)
            .sum::<i64>()
    };
    let mut view = label_view(store, number, carton.sscc.as_deref()).await?;
    // "1 of 1" says nothing: one carton's label is the order's, with its SSCC.
    view.carton = (cartons.len() > 1).then_some((carton.seq, cartons.len() as i64));
    view.units = carton.units;
    view.weight_g = carton.weight_g.or(carton.expected_g).unwrap_or(goods_g);
    Ok(view)
}

pub async fn pick_list_view(store: &Store, id: i64) -> Result<PickListView> {
    let mut conn = store.pool().acquire().await?;
    let list = pick_lists::get(&mut conn, id).await?;
    let mut view = PickListView::from(&list);
    view.notes = notes::pinned_of(&mut conn, &list.orders).await?;
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
    let (carrier, _) = super::shipping::carrier_in(&mut tx, carrier).await?;
    let which = crate::store::shipments::Parcels::Shipped {
        carrier: &carrier,
        from_ms: start,
        until_ms: end,
    };
    let parcels = crate::store::shipments::parcels(&mut tx, &which).await?;
    tx.commit().await?;
    Ok(ManifestView {
        carrier,
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

/// One carton's label (PDF or ZPL as the settings say).
pub async fn render_carton_label(
    store: &Store,
    number: &str,
    seq: i64,
    settings: &DocumentSettings,
) -> Result<Vec<u8>> {
    settings.check(DocumentKind::Label)?;
    let view = carton_label_view(store, number, seq).await?;
    match settings.format {
        DocFormat::Pdf => documents::label::pdf(&view, settings.paper, settings.lang),
        DocFormat::Zpl => documents::zpl::label(&view, settings.paper, settings.dpi, settings.lang)
            .map(String::into_bytes),
    }
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
        (DocumentKind::Manifest, DocumentKey::Handover { id }) => {
            documents::manifest::pdf(&super::shipping::handover(store, *id).await?.view, lang)
        }
        (DocumentKind::ReturnNote, DocumentKey::Return { id }) => {
            super::returns::return_note(store, *id, lang).await
        }
        // Russian forms, in Russian whatever the station's language.
        (
            DocumentKind::SalesReceipt | DocumentKind::Torg12 | DocumentKind::Upd,
            DocumentKey::Order { number },
        ) => match kind.trade() {
            Some(which) => render_trade_document(store, which, number).await,
            None => Err(Error::Invalid(format!(
                "{} is not a trade document",
                kind.as_str()
            ))),
        },
        // A key that names another kind of document: check says which.
        _ => key.check(kind).and(Err(Error::Invalid(format!(
            "{} cannot be printed for {}",
            kind.as_str(),
            key.describe()
        )))),
    }
}
