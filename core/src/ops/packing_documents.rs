//! Which documents go into the parcel, per sales channel: a store setting
//! every station shares. A private buyer from the web shop gets a товарный
//! чек; a company buying through the wholesale channel gets a ТОРГ-12 or an
//! УПД; every parcel gets its label. After a pack the station prints what
//! the order's channel lists (`ops::print_after_pack`), and so does "print
//! again".

use crate::documents::DocumentKind;
use crate::domain::access::Op;
use crate::domain::Actor;
use crate::store::orders::head_by_number;
use crate::store::{buyers, settings, Store};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;

/// The key the setting is kept under.
const KEY: &str = "packing_documents";

/// The documents printed after a pack, per sales channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PackingDocuments {
    /// For the orders of every channel not listed in `channels`.
    pub default: Vec<DocumentKind>,
    /// Channels with documents of their own.
    pub channels: Vec<ChannelDocuments>,
}

/// One sales channel's documents, in the order they print.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ChannelDocuments {
    pub channel: String,
    pub documents: Vec<DocumentKind>,
}

impl Default for PackingDocuments {
    /// What every station printed before channels had a say: the invoice
    /// and the shipping label.
    fn default() -> Self {
        PackingDocuments {
            default: vec![DocumentKind::Invoice, DocumentKind::Label],
            channels: Vec::new(),
        }
    }
}

/// The documents that can go into a parcel: those made for one order.
pub const PARCEL_DOCUMENTS: [DocumentKind; 6] = [
    DocumentKind::Invoice,
    DocumentKind::PackingSlip,
    DocumentKind::Label,
    DocumentKind::SalesReceipt,
    DocumentKind::Torg12,
    DocumentKind::Upd,
];

impl PackingDocuments {
    /// The same setting trimmed and checked: documents made for one order
    /// only, each once per list; every channel named once.
    pub fn cleaned(&self) -> Result<PackingDocuments> {
        let list = |docs: &[DocumentKind], whose: &str| -> Result<Vec<DocumentKind>> {
            let mut out = Vec::with_capacity(docs.len());
            for &kind in docs {
                if !PARCEL_DOCUMENTS.contains(&kind) {
                    return Err(Error::Invalid(format!(
                        "the {} is not printed for one order, so it cannot go into {whose}'s parcels; \
                         choose among the invoice, packing slip, label, товарный чек, ТОРГ-12 and УПД",
                        kind.as_str().replace('_', " ")
                    )));
                }
                if !out.contains(&kind) {
                    out.push(kind);
                }
            }
            Ok(out)
        };
        let mut channels: Vec<ChannelDocuments> = Vec::with_capacity(self.channels.len());
        for c in &self.channels {
            let channel = c.channel.trim().to_string();
            if channel.is_empty() {
                return Err(Error::Invalid(
                    "a channel's documents need the channel's name, as orders carry it (e.g. shopify)"
                        .into(),
                ));
            }
            if channels
                .iter()
                .any(|o| o.channel.to_lowercase() == channel.to_lowercase())
            {
                return Err(Error::Invalid(format!(
                    "the channel {channel:?} is listed twice; keep one list of documents for it"
                )));
            }
            channels.push(ChannelDocuments {
                documents: list(&c.documents, &format!("the channel {channel:?}"))?,
                channel,
            });
        }
        Ok(PackingDocuments {
            default: list(&self.default, "every other channel")?,
            channels,
        })
    }

    /// What a channel's parcels get (letter case aside).
    pub fn for_channel(&self, channel: &str) -> &[DocumentKind] {
        let channel = channel.trim().to_lowercase();
        self.channels
            .iter()
            .find(|c| c.channel.to_lowercase() == channel)
            .map_or(&self.default[..], |c| &c.documents[..])
    }
}

/// The setting and the channels the store's orders came from, for the
/// settings screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PackingDocumentsView {
    pub documents: PackingDocuments,
    /// Every channel orders have come from, by name.
    pub known_channels: Vec<String>,
    /// The documents a parcel can get, in the order a screen lists them.
    pub choices: Vec<DocumentKind>,
}

pub(crate) async fn read(conn: &mut AnyConnection) -> Result<PackingDocuments> {
    Ok(settings::get(conn, KEY).await?.unwrap_or_default())
}

/// The setting as kept, with the channels orders came from.
pub async fn packing_documents(store: &Store) -> Result<PackingDocumentsView> {
    let mut conn = store.pool().acquire().await?;
    let documents = read(&mut conn).await?;
    // The hourly counts carry every channel an order ever had: a small
    // table, where the orders are a million rows.
    let known_channels: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT key FROM order_tally WHERE dim = 'channel' ORDER BY key",
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(PackingDocumentsView {
        documents,
        known_channels,
        choices: PARCEL_DOCUMENTS.to_vec(),
    })
}

/// Keeps which documents print after a pack, per channel.
pub async fn set_packing_documents(
    store: &Store,
    actor: &Actor,
    documents: &PackingDocuments,
) -> Result<PackingDocuments> {
    actor.may(Op::SetPackingDocuments)?;
    let clean = documents.cleaned()?;
    let mut tx = store.write().await?;
    settings::put(&mut tx, KEY, &clean).await?;
    tx.commit().await?;
    Ok(clean)
}

/// What one order's parcel gets, in the order they print. ТОРГ-12 and УПД
/// are made out to a business buyer: an order without one (a private buyer
/// in a channel that sells to both) gets neither, where a print job would
/// only fail.
pub(crate) async fn for_order(store: &Store, number: &str) -> Result<Vec<DocumentKind>> {
    let mut conn = store.pool().acquire().await?;
    let head = head_by_number(&mut conn, store.engine(), number, false).await?;
    let setting = read(&mut conn).await?;
    let wanted = setting.for_channel(&head.channel).to_vec();
    let business = if wanted
        .iter()
        .any(|k| matches!(k, DocumentKind::Torg12 | DocumentKind::Upd))
    {
        !buyers::of_order(&mut conn, head.id).await?.is_empty()
    } else {
        false
    };
    Ok(wanted
        .into_iter()
        .filter(|k| business || !matches!(k, DocumentKind::Torg12 | DocumentKind::Upd))
        .collect())
}
