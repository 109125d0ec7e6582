//! Dropshipping (issue 15 item 4): suppliers who ship some products
//! straight to the customer.
//!
//! Confirming an order puts the lines of those products on one purchase
//! order per supplier, in the confirmation's transaction (never two for
//! the same order and supplier), and queues it to the supplier's e-mail
//! with its PDF and CSV when the store's mail is on. Those lines are not
//! reserved, picked or packed here; they wait as `awaiting_supplier` until
//! the supplier's tracking number is entered, which ships them as a
//! shipment of their own. The order ships in parts and becomes `shipped`
//! when its last part leaves, and that moment brings its settlement
//! receipt (docs/RECEIPTS.md). See docs/DROPSHIPPING.md.

use super::orders::order_detail_in;
use super::shipping::carrier_in;
use crate::documents::purchase_order::{PurchaseOrderLineView, PurchaseOrderView, SupplierParty};
use crate::documents::{Lang, Party};
use crate::domain::access::Op;
use crate::domain::dropship::{
    check_supplier_parcel, parse_purchase_order_number, DropshipState, SupplierInput,
};
use crate::domain::notify::NotifyEvent;
use crate::domain::{Actor, EventKind, OrderHead, OrderLine, OrderStatus};
use crate::store::dropship::{self as ds, PurchaseOrderHead, PurchaseOrderLine, Supplier};
use crate::store::orders::head_by_number;
use crate::store::outbox::{self, Attachment, MessageStatus};
use crate::store::{events, parcels, Store};
use crate::{Error, Result};
use serde::Serialize;
use serde_json::json;
use sqlx::AnyConnection;
use std::collections::BTreeMap;

/// A purchase order with its lines, as its screen and `po show` show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PurchaseOrder {
    #[serde(flatten)]
    pub head: PurchaseOrderHead,
    pub lines: Vec<PurchaseOrderLine>,
    /// Sent to the supplier's address (or on its way there).
    pub mailed: bool,
}

/// A file made from a purchase order: its name and bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PurchaseOrderFile {
    pub file_name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Every supplier, by name.
pub async fn suppliers(store: &Store) -> Result<Vec<Supplier>> {
    let mut conn = store.pool().acquire().await?;
    ds::suppliers(&mut conn).await
}

/// Adds a supplier, or changes the details of the one of that name.
pub async fn save_supplier(
    store: &Store,
    actor: &Actor,
    input: &SupplierInput,
) -> Result<Supplier> {
    actor.may(Op::ManageSuppliers)?;
    let s = input.check().map_err(Error::Invalid)?;
    let mut tx = store.write().await?;
    let now = store.now_ms();
    let before = ds::supplier_by_name(&mut tx, &s.name).await.ok();
    let (_, new) = ds::save_supplier(&mut tx, &s, now).await?;
    events::record(
        &mut tx,
        None,
        now,
        actor,
        EventKind::SupplierChanged,
        before.map(|b| json!({"supplier": b.name, "email": b.email, "inn": b.inn, "phone": b.phone})),
        Some(json!({"supplier": s.name, "email": s.email, "inn": s.inn, "phone": s.phone, "new": new})),
    )
    .await?;
    let saved = ds::supplier_by_name(&mut tx, &s.name).await?;
    tx.commit().await?;
    Ok(saved)
}

/// Says which supplier ships a product to the customer (`None`: the
/// warehouse ships it from its own stock again). Orders confirmed from now
/// on follow it; orders confirmed before keep their purchase orders.
pub async fn link_product(
    store: &Store,
    actor: &Actor,
    sku: &str,
    supplier: Option<&str>,
) -> Result<Option<Supplier>> {
    actor.may(Op::ManageSuppliers)?;
    let mut tx = store.write().await?;
    let now = store.now_ms();
    let (product_id, was) = ds::product_by_sku(&mut tx, sku).await?;
    let supplier = match supplier.map(str::trim).filter(|s| !s.is_empty()) {
        Some(name) => Some(ds::supplier_by_name(&mut tx, name).await.map_err(|_| {
            Error::Invalid(format!(
                "there is no supplier {name:?}; add it first (suppliers add), or check the name in the suppliers' list"
            ))
        })?),
        None => None,
    };
    ds::link_product(&mut tx, product_id, supplier.as_ref().map(|s| s.id)).await?;
    events::record(
        &mut tx,
        None,
        now,
        actor,
        EventKind::SupplierChanged,
        Some(json!({"sku": sku.trim(), "supplier_id": was})),
        Some(json!({"sku": sku.trim(), "supplier": supplier.as_ref().map(|s| &s.name)})),
    )
    .await?;
    let supplier = match supplier {
        Some(s) => Some(ds::supplier_by_name(&mut tx, &s.name).await?),
        None => None,
    };
    tx.commit().await?;
    Ok(supplier)
}

/// The SKUs a supplier ships.
pub async fn supplier_products(store: &Store, supplier: &str) -> Result<Vec<String>> {
    let mut conn = store.pool().acquire().await?;
    let s = ds::supplier_by_name(&mut conn, supplier).await?;
    ds::skus_of(&mut conn, s.id).await
}

/// Purchase orders newest first: those waiting for the supplier's tracking
/// number (`open_only`), or all of them (at most 500).
pub async fn purchase_orders(store: &Store, open_only: bool) -> Result<Vec<PurchaseOrderHead>> {
    let mut conn = store.pool().acquire().await?;
    let state = open_only.then_some(DropshipState::AwaitingSupplier);
    ds::pos(&mut conn, state, None, 500).await
}

/// An order's purchase orders.
pub async fn order_purchase_orders(store: &Store, number: &str) -> Result<Vec<PurchaseOrderHead>> {
    let mut tx = store.read().await?;
    let head = head_by_number(&mut tx, store.engine(), number, false).await?;
    let out = ds::pos(&mut tx, None, Some(head.id), 500).await?;
    tx.commit().await?;
    Ok(out)
}

async fn po_in(conn: &mut AnyConnection, number: &str) -> Result<PurchaseOrder> {
    let id = parse_purchase_order_number(number).map_err(Error::Invalid)?;
    let head = ds::po(conn, id).await?;
    let lines = ds::po_lines(conn, id).await?;
    Ok(PurchaseOrder {
        mailed: matches!(
            head.mail_status,
            Some(MessageStatus::Queued | MessageStatus::Sending | MessageStatus::Sent)
        ),
        head,
        lines,
    })
}

/// A purchase order by its number ("PO-000012", or 12).
pub async fn purchase_order(store: &Store, number: &str) -> Result<PurchaseOrder> {
    let mut tx = store.read().await?;
    let po = po_in(&mut tx, number).await?;
    tx.commit().await?;
    Ok(po)
}

/// The language purchase orders are written in: the store's language for
/// mail (Settings → Mail).
async fn store_lang(conn: &mut AnyConnection) -> Result<Lang> {
    Ok(outbox::mail_settings(conn).await?.lang)
}

async fn view_in(
    conn: &mut AnyConnection,
    store: &Store,
    po: &PurchaseOrder,
) -> Result<PurchaseOrderView> {
    let order: OrderHead =
        crate::store::orders::head_by_number(conn, store.engine(), &po.head.order_number, false)
            .await?;
    let buyer = super::documents::seller_in(conn).await?;
    let h = &po.head;
    Ok(PurchaseOrderView {
        number: h.number.clone(),
        date: h.created_at.with_timezone(&chrono::Local).date_naive(),
        order_number: order.number.clone(),
        buyer,
        supplier: SupplierParty {
            name: h.supplier.clone(),
            email: h.supplier_email.clone(),
            inn: h.supplier_inn.clone(),
            phone: h.supplier_phone.clone(),
        },
        // The supplier ships to the customer: the name, address and phone
        // the courier needs, never the customer's e-mail.
        ship_to: Party {
            name: order.customer_name.clone(),
            address: order.shipping_address.clone(),
            phone: order.phone.clone(),
            email: String::new(),
        },
        delivery_method: order.delivery_method.clone(),
        comment: order.comment.clone(),
        lines: po
            .lines
            .iter()
            .map(|l| PurchaseOrderLineView {
                sku: l.sku.clone(),
                name: l.name.clone(),
                quantity: l.quantity,
                barcode: l.barcode.clone(),
            })
            .collect(),
    })
}

fn file_stem(number: &str) -> String {
    number
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

async fn files_in(
    conn: &mut AnyConnection,
    store: &Store,
    po: &PurchaseOrder,
    lang: Lang,
) -> Result<(PurchaseOrderFile, PurchaseOrderFile)> {
    let view = view_in(conn, store, po).await?;
    let stem = file_stem(&po.head.number);
    let pdf = crate::documents::purchase_order::pdf(&view, lang)?;
    let csv =
        crate::exchange::purchase_order::purchase_order_csv(&view, lang).map_err(Error::Invalid)?;
    Ok((
        PurchaseOrderFile {
            file_name: format!("{stem}.pdf"),
            content_type: "application/pdf".into(),
            bytes: pdf,
        },
        PurchaseOrderFile {
            file_name: format!("{stem}.csv"),
            content_type: "text/csv; charset=utf-8".into(),
            bytes: csv,
        },
    ))
}

/// The purchase order as PDF, in the store's language unless `lang` says.
pub async fn purchase_order_pdf(
    store: &Store,
    number: &str,
    lang: Option<Lang>,
) -> Result<PurchaseOrderFile> {
    let mut tx = store.read().await?;
    let po = po_in(&mut tx, number).await?;
    let lang = match lang {
        Some(l) => l,
        None => store_lang(&mut tx).await?,
    };
    let (pdf, _) = files_in(&mut tx, store, &po, lang).await?;
    tx.commit().await?;
    Ok(pdf)
}

/// The purchase order as CSV, in the store's language unless `lang` says.
pub async fn purchase_order_csv(
    store: &Store,
    number: &str,
    lang: Option<Lang>,
) -> Result<PurchaseOrderFile> {
    let mut tx = store.read().await?;
    let po = po_in(&mut tx, number).await?;
    let lang = match lang {
        Some(l) => l,
        None => store_lang(&mut tx).await?,
    };
    let (_, csv) = files_in(&mut tx, store, &po, lang).await?;
    tx.commit().await?;
    Ok(csv)
}

/// Queues the purchase order to its supplier with its PDF and CSV, when
/// the supplier has an address and the store's mail sends purchase orders;
/// otherwise records why not. Returns the reason it was not mailed.
async fn mail_in(
    conn: &mut AnyConnection,
    store: &Store,
    po_id: i64,
    now: i64,
) -> Result<Option<String>> {
    let po = po_in(conn, &crate::domain::dropship::purchase_order_number(po_id)).await?;
    let mail = outbox::mail_settings(conn).await?;
    let problem = if po.head.supplier_email.trim().is_empty() {
        Some(format!(
            "{} has no e-mail address: send the PDF or CSV to the supplier yourself, or add the address and mail the purchase order again",
            po.head.supplier
        ))
    } else if !mail.enabled {
        Some(
            "the store's mail is not set up (Settings → Mail): send the PDF or CSV to the supplier yourself"
                .to_string(),
        )
    } else if !mail.sends(NotifyEvent::PurchaseOrder) {
        Some(
            "the store's mail settings do not send purchase orders (Settings → Mail): send the PDF or CSV yourself"
                .to_string(),
        )
    } else {
        None
    };
    if let Some(p) = &problem {
        ds::set_mail(conn, po_id, None, Some(p)).await?;
        return Ok(problem);
    }
    let (pdf, csv) = files_in(conn, store, &po, mail.lang).await?;
    let files: Vec<Attachment> = [pdf, csv]
        .into_iter()
        .map(|f| Attachment {
            file_name: f.file_name,
            content_type: f.content_type,
            content: f.bytes,
        })
        .collect();
    let (message, status) = outbox::queue_to(
        conn,
        po.head.order_id,
        NotifyEvent::PurchaseOrder,
        &po.head.supplier_email,
        &files,
        now,
    )
    .await?;
    let problem = (status != MessageStatus::Queued)
        .then(|| format!("the message could not be queued ({status})"));
    ds::set_mail(conn, po_id, Some(message), problem.as_deref()).await?;
    Ok(problem)
}

/// Confirmation's part (in its transaction, before stock is reserved):
/// the order's lines that suppliers ship go on one purchase order per
/// supplier, each mailed when it can be. A purchase order that exists
/// already for the order and supplier (a retried or repeated
/// confirmation) takes the lines and is not made or mailed again.
pub(super) async fn order_from_suppliers(
    conn: &mut AnyConnection,
    store: &Store,
    actor: &Actor,
    head: &OrderHead,
) -> Result<()> {
    let wanted = ds::lines_to_order(conn, head.id).await?;
    if wanted.is_empty() {
        return Ok(());
    }
    let mut by_supplier: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for (line, supplier) in wanted {
        by_supplier.entry(supplier).or_default().push(line);
    }
    let now = store.now_ms();
    let mut made = Vec::new();
    for (supplier, line_ids) in by_supplier {
        let (po_id, new) = match ds::po_of(conn, head.id, supplier).await? {
            Some((id, DropshipState::AwaitingSupplier)) => (id, false),
            // The supplier's purchase order for this order has shipped or
            // was cancelled: these lines stay with the warehouse.
            Some(_) => continue,
            None => (
                ds::insert_po(conn, head.id, supplier, actor, now).await?,
                true,
            ),
        };
        for line in &line_ids {
            ds::attach_line(conn, *line, po_id).await?;
        }
        if new {
            let problem = mail_in(conn, store, po_id, now).await?;
            let po = ds::po(conn, po_id).await?;
            made.push(json!({"number": po.number, "supplier": po.supplier,
                "units": po.units, "mailed": problem.is_none(), "not_mailed": problem}));
        }
    }
    if !made.is_empty() {
        events::record(
            conn,
            Some(head.id),
            now,
            actor,
            EventKind::PurchaseOrdered,
            None,
            Some(json!({"purchase_orders": made})),
        )
        .await?;
    }
    Ok(())
}

/// Cancellation's part: refused when a part of the order has left (the
/// supplier's parcel or the warehouse's: the goods are on their way, so
/// it comes back as a return); otherwise the purchase orders still waiting
/// are cancelled and each supplier that was mailed one is mailed that it
/// is cancelled.
pub(super) async fn cancel_purchase_orders(
    conn: &mut AnyConnection,
    store: &Store,
    actor: &Actor,
    head: &OrderHead,
) -> Result<()> {
    let all = ds::pos(conn, None, Some(head.id), 500).await?;
    if let Some(shipped) = all.iter().find(|p| p.state == DropshipState::Shipped) {
        return Err(Error::Refused(format!(
            "{} shipped its part of order {} already ({} {}): the order cannot be cancelled; take the goods back as a return",
            shipped.supplier,
            head.number,
            shipped.carrier.as_deref().unwrap_or(""),
            shipped.tracking_number.as_deref().unwrap_or("")
        )));
    }
    if all.is_empty() {
        return Ok(());
    }
    let parts = ds::parts(conn, head.id).await?;
    if parts.warehouse_shipped > 0 {
        return Err(Error::Refused(format!(
            "the warehouse's parcel of order {} left already ({} {}): the order cannot be cancelled; take the goods back as a return",
            head.number,
            head.carrier.as_deref().unwrap_or(""),
            head.tracking_number.as_deref().unwrap_or("")
        )));
    }
    let now = store.now_ms();
    let cancelled = ds::cancel_open(conn, head.id, now).await?;
    if cancelled.is_empty() {
        return Ok(());
    }
    let mail = outbox::mail_settings(conn).await?;
    let mut told = Vec::new();
    for po in all.iter().filter(|p| cancelled.contains(&p.id)) {
        // Only a supplier that was sent the purchase order is told.
        let was_mailed = matches!(
            po.mail_status,
            Some(MessageStatus::Queued | MessageStatus::Sending | MessageStatus::Sent)
        );
        let tell = was_mailed
            && mail.sends(NotifyEvent::PurchaseOrderCancelled)
            && !po.supplier_email.trim().is_empty();
        if tell {
            outbox::queue_to(
                conn,
                head.id,
                NotifyEvent::PurchaseOrderCancelled,
                &po.supplier_email,
                &[],
                now,
            )
            .await?;
        }
        told.push(json!({"number": po.number, "supplier": po.supplier, "supplier_told": tell}));
    }
    events::record(
        conn,
        Some(head.id),
        now,
        actor,
        EventKind::PurchaseOrderCancelled,
        None,
        Some(json!({"purchase_orders": told})),
    )
    .await
}

/// Whether the warehouse's parcel may leave now, and what follows: refused
/// when it left already; otherwise the number of purchase orders still
/// waiting (0: this parcel is the order's last part, and it ships).
pub(super) async fn warehouse_part(conn: &mut AnyConnection, head: &OrderHead) -> Result<i64> {
    let parts = ds::parts(conn, head.id).await?;
    if parts.warehouse_shipped > 0 {
        return Err(Error::Conflict(format!(
            "the warehouse's parcel of order {} left already ({} {}); the order waits for {} supplier parcel(s): enter their tracking numbers under Purchase orders",
            head.number,
            head.carrier.as_deref().unwrap_or("?"),
            head.tracking_number.as_deref().unwrap_or("?"),
            parts.awaiting
        )));
    }
    Ok(parts.awaiting)
}

/// The warehouse's parcel left while suppliers' parts still wait: the
/// order keeps its status and names this parcel's carrier and tracking
/// number (the customer's message about it reads them).
pub(super) async fn warehouse_part_left(
    conn: &mut AnyConnection,
    order_id: i64,
    carrier: &str,
    tracking: &str,
    now: i64,
) -> Result<()> {
    ds::set_order_parcel(conn, order_id, carrier, tracking, now).await
}

/// Refuses to take apart a box whose parcel left already.
pub(super) async fn refuse_if_warehouse_shipped(
    conn: &mut AnyConnection,
    head: &OrderHead,
) -> Result<()> {
    if ds::parts(conn, head.id).await?.warehouse_shipped > 0 {
        return Err(Error::Refused(format!(
            "the warehouse's parcel of order {} left already; it cannot be opened again",
            head.number
        )));
    }
    Ok(())
}

/// Refuses to pack an order the warehouse has nothing of.
pub(super) fn refuse_nothing_to_pack(head: &OrderHead, lines: &[OrderLine]) -> Result<()> {
    if !lines.is_empty() && lines.iter().all(OrderLine::is_dropship) {
        let mut pos: Vec<&str> = lines
            .iter()
            .filter_map(|l| l.purchase_order.as_deref())
            .collect();
        pos.dedup();
        return Err(Error::Refused(format!(
            "order {} has nothing to pack here: suppliers ship all its lines ({})",
            head.number,
            pos.join(", ")
        )));
    }
    Ok(())
}

/// Refuses to change or split lines that a supplier was asked to ship.
pub(super) fn refuse_line_changes(head: &OrderHead, lines: &[OrderLine]) -> Result<()> {
    if let Some(l) = lines.iter().find(|l| l.is_dropship()) {
        return Err(Error::Refused(format!(
            "order {} has lines a supplier ships ({} on {}); the purchase order went to {}, so its lines cannot change: cancel the order and place a new one",
            head.number,
            l.sku,
            l.purchase_order.as_deref().unwrap_or("?"),
            l.supplier.as_deref().unwrap_or("the supplier")
        )));
    }
    Ok(())
}

/// Enters the supplier's tracking number for a purchase order: its lines
/// leave as a part of the order (a shipment with that tracking number,
/// which the carriers' status files are matched by). When it was the last
/// part, the order becomes `shipped`; otherwise it keeps its status and
/// the history says which part left. Returns the order.
pub async fn ship_purchase_order(
    store: &Store,
    actor: &Actor,
    number: &str,
    carrier: &str,
    tracking: &str,
) -> Result<super::OrderDetail> {
    actor.may(Op::ShipPurchaseOrder)?;
    let (carrier, tracking) = check_supplier_parcel(carrier, tracking).map_err(Error::Invalid)?;
    let id = parse_purchase_order_number(number).map_err(Error::Invalid)?;
    let mut tx = store.write().await?;
    let now = store.now_ms();
    let po = ds::po(&mut tx, id).await?;
    let head = head_by_number(&mut tx, store.engine(), &po.order_number, true).await?;
    actor.may_on(Op::ShipPurchaseOrder, &head.channel)?;
    // Read again under the order's lock: another station may have entered it.
    let po = ds::po(&mut tx, id).await?;
    match po.state {
        DropshipState::AwaitingSupplier => {}
        DropshipState::Shipped => {
            return Err(Error::Conflict(format!(
                "{} was shipped already with {} {}; a second tracking number is not taken",
                po.number,
                po.carrier.as_deref().unwrap_or("?"),
                po.tracking_number.as_deref().unwrap_or("?")
            )))
        }
        DropshipState::Cancelled => {
            return Err(Error::Refused(format!(
                "{} was cancelled with order {}; nothing of it ships",
                po.number, head.number
            )))
        }
    }
    if !matches!(
        head.status,
        OrderStatus::Confirmed | OrderStatus::Picking | OrderStatus::Packing | OrderStatus::Ready
    ) {
        return Err(Error::Refused(format!(
            "order {} is {}; a supplier's parcel ships only for an order being worked on",
            head.number, head.status
        )));
    }
    let (carrier, pattern) = carrier_in(&mut tx, &carrier).await?;
    if let Some(re) = &pattern {
        if !re.is_match(&tracking) {
            return Err(Error::Invalid(format!(
                "{tracking} is not a {carrier} tracking number (they look like {}); check the number the supplier sent",
                re.as_str()
            )));
        }
    }
    if let Some(other) = parcels::order_of_tracking(&mut tx, &tracking).await? {
        let (other_number, _) = parcels::number_and_status(&mut tx, other).await?;
        return Err(Error::Conflict(format!(
            "the tracking number {tracking} is already a parcel of order {other_number}; check the number the supplier sent"
        )));
    }
    if !ds::mark_po_shipped(&mut tx, po.id, &carrier, &tracking, actor, now).await? {
        return Err(Error::changed_meanwhile(&head.number));
    }
    ds::insert_shipment(&mut tx, head.id, po.id, &carrier, &tracking, actor, now).await?;
    let parts = ds::parts(&mut tx, head.id).await?;
    let last = parts.awaiting == 0 && (parts.warehouse_lines == 0 || parts.warehouse_shipped > 0);
    let part = json!({"purchase_order": po.number, "supplier": po.supplier,
        "carrier": carrier, "tracking": tracking});
    if last {
        if !ds::mark_order_shipped(&mut tx, head.id, head.status, &carrier, &tracking, now).await? {
            return Err(Error::changed_meanwhile(&head.number));
        }
        events::record(
            &mut tx,
            Some(head.id),
            now,
            actor,
            EventKind::Shipped,
            Some(json!({"status": head.status})),
            Some(json!({"status": OrderStatus::Shipped, "carrier": carrier,
                "tracking": tracking, "part": part})),
        )
        .await?;
    } else {
        ds::set_order_parcel(&mut tx, head.id, &carrier, &tracking, now).await?;
        events::record(
            &mut tx,
            Some(head.id),
            now,
            actor,
            EventKind::PartShipped,
            Some(json!({"status": head.status})),
            Some(json!({"status": head.status, "part": part,
                "suppliers_waiting": parts.awaiting,
                "warehouse_waiting": parts.warehouse_lines > 0 && parts.warehouse_shipped == 0})),
        )
        .await?;
    }
    // Issue 15: the settlement receipt comes with the order's last part,
    // whichever part that is; the hook makes it only once the order is
    // `shipped` (the warehouse's parcel takes the same path).
    super::receipts::after_shipment(&mut tx, store, actor, &head.number, now).await?;
    let detail = order_detail_in(&mut tx, store.engine(), &head.number).await?;
    tx.commit().await?;
    Ok(detail)
}

/// Mails a purchase order to its supplier again: after the supplier's
/// address was added, mail was set up, or the first message was given up.
/// Refused once the supplier shipped it or the order was cancelled.
pub async fn mail_purchase_order(
    store: &Store,
    actor: &Actor,
    number: &str,
) -> Result<PurchaseOrder> {
    actor.may(Op::ShipPurchaseOrder)?;
    let id = parse_purchase_order_number(number).map_err(Error::Invalid)?;
    let mut tx = store.write().await?;
    let po = ds::po(&mut tx, id).await?;
    let head = head_by_number(&mut tx, store.engine(), &po.order_number, true).await?;
    actor.may_on(Op::ShipPurchaseOrder, &head.channel)?;
    if po.state != DropshipState::AwaitingSupplier {
        return Err(Error::Refused(format!(
            "{} is {}; only a purchase order waiting for the supplier is mailed again",
            po.number, po.state
        )));
    }
    if matches!(
        po.mail_status,
        Some(MessageStatus::Queued | MessageStatus::Sending)
    ) {
        return Err(Error::Refused(format!(
            "{} is on its way to {} already (in the outbox)",
            po.number, po.supplier_email
        )));
    }
    let now = store.now_ms();
    if let Some(problem) = mail_in(&mut tx, store, id, now).await? {
        return Err(Error::Refused(format!(
            "{} is not mailed: {problem}",
            po.number
        )));
    }
    events::record(
        &mut tx,
        Some(head.id),
        now,
        actor,
        EventKind::PurchaseOrdered,
        None,
        Some(json!({"mailed_again": po.number, "supplier": po.supplier, "to": po.supplier_email})),
    )
    .await?;
    let out = po_in(&mut tx, &po.number).await?;
    tx.commit().await?;
    Ok(out)
}
