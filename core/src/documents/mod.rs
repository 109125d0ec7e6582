//! Documents: a view struct in, PDF or ZPL bytes out.
//!
//! Nothing here reads the database: [`crate::ops`] builds the views from
//! orders and pick lists, so a document can be rendered (and tested) from
//! data alone. Every document exists in Russian and English; amounts are
//! integer minor units formatted in the order's currency.

mod barcode;
mod format;
pub mod invoice;
pub mod label;
mod layout;
pub mod manifest;
pub mod packing_slip;
pub mod pick_list;
pub mod propis;
// Dropshipping (issue 15 item 4).
pub mod purchase_order;
pub mod report;
pub mod return_note;
pub mod sales_receipt;
pub mod test_sheet;
pub mod torg12;
mod trade;
pub mod upd;
mod words;
pub(crate) use words::payment_status as payment_status_words;
pub mod zpl;

pub use crate::domain::money::vat_included;
pub use barcode::{sscc, sscc_human, Code128Part, Symbol};
pub use format::{amount, date, money, weight_kg};
pub use invoice::{InvoiceLine, InvoiceTotals, InvoiceView, Labels, VatSum};
pub use label::LabelView;
pub use manifest::{ManifestParcel, ManifestView};
pub use packing_slip::{PackingSlipLine, PackingSlipView};
pub use pick_list::{PickListLineView, PickListView};
pub use trade::{TradeDocument, TradeView};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The language a document is printed in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    #[default]
    Ru,
    En,
}

impl Lang {
    pub fn parse(text: &str) -> Result<Lang, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "ru" | "rus" | "russian" => Ok(Lang::Ru),
            "en" | "eng" | "english" => Ok(Lang::En),
            other => Err(format!(
                "{other:?} is not a document language; use ru or en"
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }
}

/// What is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    Invoice,
    PackingSlip,
    Label,
    PickList,
    Manifest,
    ReturnNote,
    /// Товарный чек: for a private buyer, in the parcel.
    SalesReceipt,
    /// ТОРГ-12: for a business buyer.
    Torg12,
    /// УПД: for a business buyer.
    Upd,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 9] = [
        DocumentKind::Invoice,
        DocumentKind::PackingSlip,
        DocumentKind::Label,
        DocumentKind::PickList,
        DocumentKind::Manifest,
        DocumentKind::ReturnNote,
        DocumentKind::SalesReceipt,
        DocumentKind::Torg12,
        DocumentKind::Upd,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Invoice => "invoice",
            DocumentKind::PackingSlip => "packing_slip",
            DocumentKind::Label => "label",
            DocumentKind::PickList => "pick_list",
            DocumentKind::Manifest => "manifest",
            DocumentKind::ReturnNote => "return_note",
            DocumentKind::SalesReceipt => "sales_receipt",
            DocumentKind::Torg12 => "torg12",
            DocumentKind::Upd => "upd",
        }
    }

    pub fn parse(text: &str) -> Result<DocumentKind, String> {
        if let Ok(trade) = TradeDocument::parse(text) {
            return Ok(trade.into());
        }
        let t = text.trim().to_ascii_lowercase().replace('-', "_");
        DocumentKind::ALL
            .into_iter()
            .find(|k| k.as_str() == t)
            .ok_or_else(|| {
                format!("{text:?} is not a document; use invoice, packing-slip, label, pick-list, manifest, return-note, sales-receipt, torg12 or upd")
            })
    }

    /// The Russian trade document this is, if it is one (printed in
    /// Russian whatever the station's language: they are Russian forms).
    pub fn trade(self) -> Option<TradeDocument> {
        match self {
            DocumentKind::SalesReceipt => Some(TradeDocument::SalesReceipt),
            DocumentKind::Torg12 => Some(TradeDocument::Torg12),
            DocumentKind::Upd => Some(TradeDocument::Upd),
            _ => None,
        }
    }

    /// The paper it is printed on unless the station says otherwise.
    pub fn default_paper(self) -> Paper {
        match self {
            DocumentKind::Label => Paper::Label4x6,
            _ => Paper::A4,
        }
    }

    /// Whether the document belongs to one order (its number is the key).
    pub fn is_per_order(self) -> bool {
        matches!(
            self,
            DocumentKind::Invoice
                | DocumentKind::PackingSlip
                | DocumentKind::Label
                | DocumentKind::SalesReceipt
                | DocumentKind::Torg12
                | DocumentKind::Upd
        )
    }
}

impl From<TradeDocument> for DocumentKind {
    fn from(trade: TradeDocument) -> Self {
        match trade {
            TradeDocument::SalesReceipt => DocumentKind::SalesReceipt,
            TradeDocument::Torg12 => DocumentKind::Torg12,
            TradeDocument::Upd => DocumentKind::Upd,
        }
    }
}

/// Bytes for a laser printer or for a Zebra-compatible thermal printer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum DocFormat {
    #[default]
    Pdf,
    Zpl,
}

impl DocFormat {
    pub fn parse(text: &str) -> Result<DocFormat, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "pdf" => Ok(DocFormat::Pdf),
            "zpl" => Ok(DocFormat::Zpl),
            other => Err(format!("{other:?} is not a format; use pdf or zpl")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DocFormat::Pdf => "pdf",
            DocFormat::Zpl => "zpl",
        }
    }

    pub fn extension(self) -> &'static str {
        self.as_str()
    }
}

/// Paper sizes: office sheets and the two common shipping label rolls.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Paper {
    #[default]
    A4,
    A5,
    /// 4 x 6 inches (101.6 x 152.4 mm), the courier standard.
    #[serde(rename = "label_4x6")]
    Label4x6,
    /// 100 x 150 mm, common with Russian carriers.
    #[serde(rename = "label_100x150")]
    Label100x150,
}

impl Paper {
    pub fn parse(text: &str) -> Result<Paper, String> {
        match text.trim().to_ascii_lowercase().replace(' ', "").as_str() {
            "a4" => Ok(Paper::A4),
            "a5" => Ok(Paper::A5),
            "4x6" | "4x6in" | "label_4x6" => Ok(Paper::Label4x6),
            "100x150" | "100x150mm" | "label_100x150" => Ok(Paper::Label100x150),
            other => Err(format!(
                "{other:?} is not a paper size; use a4, a5, 4x6 or 100x150"
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Paper::A4 => "a4",
            Paper::A5 => "a5",
            Paper::Label4x6 => "label_4x6",
            Paper::Label100x150 => "label_100x150",
        }
    }

    /// Width and height in millimetres, portrait.
    pub fn size_mm(self) -> (f32, f32) {
        match self {
            Paper::A4 => (210.0, 297.0),
            Paper::A5 => (148.0, 210.0),
            Paper::Label4x6 => (101.6, 152.4),
            Paper::Label100x150 => (100.0, 150.0),
        }
    }

    pub fn is_label(self) -> bool {
        matches!(self, Paper::Label4x6 | Paper::Label100x150)
    }

    /// The CUPS `media` option that asks the printer for this paper.
    pub fn cups_media(self) -> &'static str {
        match self {
            Paper::A4 => "A4",
            Paper::A5 => "A5",
            Paper::Label4x6 => "Custom.4x6in",
            Paper::Label100x150 => "Custom.100x150mm",
        }
    }
}

/// Thermal printer resolution in dots per inch (ZPL is laid out in dots).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Dpi {
    #[default]
    #[serde(rename = "203")]
    D203,
    #[serde(rename = "300")]
    D300,
}

impl Dpi {
    pub fn parse(text: &str) -> Result<Dpi, String> {
        match text.trim() {
            "203" | "200" | "8" => Ok(Dpi::D203),
            "300" | "12" => Ok(Dpi::D300),
            other => Err(format!(
                "{other:?} is not a printer resolution; use 203 or 300"
            )),
        }
    }

    pub fn value(self) -> u32 {
        match self {
            Dpi::D203 => 203,
            Dpi::D300 => 300,
        }
    }
}

/// How one kind of document is printed at a station: which printer, paper,
/// format, resolution and language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct DocumentSettings {
    /// A CUPS queue name; None: kept in the print queue until one is chosen.
    pub printer: Option<String>,
    pub paper: Paper,
    pub format: DocFormat,
    pub dpi: Dpi,
    pub lang: Lang,
}

impl Default for DocumentSettings {
    fn default() -> Self {
        DocumentSettings::for_kind(DocumentKind::Invoice)
    }
}

impl DocumentSettings {
    pub fn for_kind(kind: DocumentKind) -> Self {
        DocumentSettings {
            printer: None,
            paper: kind.default_paper(),
            format: DocFormat::Pdf,
            dpi: Dpi::D203,
            lang: Lang::Ru,
        }
    }

    /// The same settings printing to `printer`.
    pub fn on(mut self, printer: impl Into<String>) -> Self {
        self.printer = Some(printer.into());
        self
    }

    /// Refuses combinations no printer can honour (ZPL is for labels only,
    /// labels go on label paper).
    pub fn check(&self, kind: DocumentKind) -> crate::Result<()> {
        if self.format == DocFormat::Zpl && kind != DocumentKind::Label {
            return Err(crate::Error::Invalid(format!(
                "ZPL is for shipping labels; print the {} as PDF",
                kind.as_str().replace('_', " ")
            )));
        }
        if kind == DocumentKind::Label && !self.paper.is_label() {
            return Err(crate::Error::Invalid(
                "a shipping label is printed on 4x6 in or 100x150 mm label paper".into(),
            ));
        }
        if kind != DocumentKind::Label && self.paper.is_label() {
            return Err(crate::Error::Invalid(format!(
                "the {} is printed on A4 or A5 paper, not on labels",
                kind.as_str().replace('_', " ")
            )));
        }
        if self.paper == Paper::A5 && kind != DocumentKind::PackingSlip {
            return Err(crate::Error::Invalid(format!(
                "only the packing slip fits on A5; print the {} on A4",
                kind.as_str().replace('_', " ")
            )));
        }
        Ok(())
    }
}

/// A station's printing: one setting per document kind, and whether the
/// invoice and label print by themselves when packing finishes. The desktop
/// app keeps it in the station's configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct PrintSettings {
    pub auto_print: bool,
    pub invoice: DocumentSettings,
    pub packing_slip: DocumentSettings,
    pub label: DocumentSettings,
    pub pick_list: DocumentSettings,
    pub manifest: DocumentSettings,
    pub return_note: DocumentSettings,
    pub sales_receipt: DocumentSettings,
    pub torg12: DocumentSettings,
    pub upd: DocumentSettings,
}

impl Default for PrintSettings {
    fn default() -> Self {
        PrintSettings {
            auto_print: true,
            invoice: DocumentSettings::for_kind(DocumentKind::Invoice),
            packing_slip: DocumentSettings::for_kind(DocumentKind::PackingSlip),
            label: DocumentSettings::for_kind(DocumentKind::Label),
            pick_list: DocumentSettings::for_kind(DocumentKind::PickList),
            manifest: DocumentSettings::for_kind(DocumentKind::Manifest),
            return_note: DocumentSettings::for_kind(DocumentKind::ReturnNote),
            sales_receipt: DocumentSettings::for_kind(DocumentKind::SalesReceipt),
            torg12: DocumentSettings::for_kind(DocumentKind::Torg12),
            upd: DocumentSettings::for_kind(DocumentKind::Upd),
        }
    }
}

impl PrintSettings {
    /// Every document's settings checked against its kind: the first
    /// that cannot be printed, named.
    pub fn check(&self) -> crate::Result<()> {
        for kind in DocumentKind::ALL {
            self.for_kind(kind).check(kind)?;
        }
        Ok(())
    }

    /// The same settings with every document that cannot be printed as set
    /// (a label on A4, ZPL for an invoice...) put back on its own paper and
    /// format, keeping its printer and language; and what was changed.
    pub fn fitted(mut self) -> (PrintSettings, Vec<String>) {
        let mut changed = Vec::new();
        for kind in DocumentKind::ALL {
            let slot = match kind {
                DocumentKind::Invoice => &mut self.invoice,
                DocumentKind::PackingSlip => &mut self.packing_slip,
                DocumentKind::Label => &mut self.label,
                DocumentKind::PickList => &mut self.pick_list,
                DocumentKind::Manifest => &mut self.manifest,
                DocumentKind::ReturnNote => &mut self.return_note,
                DocumentKind::SalesReceipt => &mut self.sales_receipt,
                DocumentKind::Torg12 => &mut self.torg12,
                DocumentKind::Upd => &mut self.upd,
            };
            if let Err(e) = slot.check(kind) {
                changed.push(e.to_string());
                *slot = DocumentSettings {
                    printer: slot.printer.take(),
                    lang: slot.lang,
                    ..DocumentSettings::for_kind(kind)
                };
            }
        }
        (self, changed)
    }

    pub fn for_kind(&self, kind: DocumentKind) -> &DocumentSettings {
        match kind {
            DocumentKind::Invoice => &self.invoice,
            DocumentKind::PackingSlip => &self.packing_slip,
            DocumentKind::Label => &self.label,
            DocumentKind::PickList => &self.pick_list,
            DocumentKind::Manifest => &self.manifest,
            DocumentKind::ReturnNote => &self.return_note,
            DocumentKind::SalesReceipt => &self.sales_receipt,
            DocumentKind::Torg12 => &self.torg12,
            DocumentKind::Upd => &self.upd,
        }
    }
}

/// Who sells and ships: printed on invoices, labels and manifests.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct Seller {
    pub name: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    /// ИНН: 10 digits for a company, 12 for a sole trader.
    pub inn: String,
    /// КПП: companies only.
    pub kpp: String,
    pub bank_name: String,
    /// БИК.
    pub bik: String,
    /// Расчётный счёт.
    pub account: String,
    /// Корреспондентский счёт.
    pub corr_account: String,
}

impl Seller {
    /// The demo warehouse's shop (invented details in the right shapes).
    pub fn demo() -> Seller {
        Seller {
            name: "ООО «Пакбенч»".into(),
            address: "420021, г. Казань, ул. Складская, д. 7, стр. 2".into(),
            phone: "+7 843 200-10-20".into(),
            email: "shop@packbench.example".into(),
            // Check digits valid: the seller's INN is checked like a buyer's.
            inn: "1655123453".into(),
            kpp: "165501001".into(),
            bank_name: "ПАО «Банк Примерный», г. Казань".into(),
            bik: "049205999".into(),
            account: "40702810900000012345".into(),
            corr_account: "30101810000000000999".into(),
        }
    }

    pub fn is_set(&self) -> bool {
        !self.name.trim().is_empty()
    }
}

/// A person or company at one end of a parcel.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Party {
    pub name: String,
    pub address: String,
    pub phone: String,
    pub email: String,
}

impl Party {
    pub fn from_seller(seller: &Seller) -> Party {
        Party {
            name: seller.name.clone(),
            address: seller.address.clone(),
            phone: seller.phone.clone(),
            email: seller.email.clone(),
        }
    }
}

/// A rendering failure: a view that cannot become this document.
pub(crate) fn invalid(message: impl Into<String>) -> crate::Error {
    crate::Error::Invalid(message.into())
}

/// Which document: an order's, a pick list's, a carrier's day, a closed
/// hand-over's manifest, or a return's note.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DocumentKey {
    Order { number: String },
    PickList { id: i64 },
    Manifest { carrier: String, date: NaiveDate },
    Handover { id: i64 },
    Return { id: i64 },
}

impl DocumentKey {
    pub fn order(number: impl Into<String>) -> Self {
        DocumentKey::Order {
            number: number.into(),
        }
    }

    /// Refuses a key that does not name this kind of document.
    pub fn check(&self, kind: DocumentKind) -> crate::Result<()> {
        let fits = match self {
            DocumentKey::Order { .. } => kind.is_per_order(),
            DocumentKey::PickList { .. } => kind == DocumentKind::PickList,
            DocumentKey::Manifest { .. } | DocumentKey::Handover { .. } => {
                kind == DocumentKind::Manifest
            }
            DocumentKey::Return { .. } => kind == DocumentKind::ReturnNote,
        };
        if fits {
            Ok(())
        } else {
            Err(crate::Error::Invalid(format!(
                "a {} is printed for {}",
                kind.as_str().replace('_', " "),
                match kind {
                    DocumentKind::PickList => "a pick list id",
                    DocumentKind::Manifest => "a carrier and a day, or a hand-over",
                    DocumentKind::ReturnNote => "a return",
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
            DocumentKey::Handover { id } => format!("hand-over {id}"),
            DocumentKey::Return { id } => format!("return {id}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_the_way_the_cli_and_settings_write_them() {
        assert_eq!(
            DocumentKind::parse("packing-slip"),
            Ok(DocumentKind::PackingSlip)
        );
        assert_eq!(DocumentKind::parse("pick_list"), Ok(DocumentKind::PickList));
        assert!(DocumentKind::parse("receipt").is_err());
        assert_eq!(Paper::parse("4x6"), Ok(Paper::Label4x6));
        assert_eq!(Paper::parse("100x150"), Ok(Paper::Label100x150));
        assert_eq!(Dpi::parse("300"), Ok(Dpi::D300));
        assert_eq!(Lang::parse("EN"), Ok(Lang::En));
        assert_eq!(DocFormat::parse("zpl"), Ok(DocFormat::Zpl));
    }

    #[test]
    fn settings_refuse_what_no_printer_can_do() {
        let zpl_invoice = DocumentSettings {
            format: DocFormat::Zpl,
            ..DocumentSettings::for_kind(DocumentKind::Invoice)
        };
        assert!(zpl_invoice.check(DocumentKind::Invoice).is_err());
        let a4_label = DocumentSettings::for_kind(DocumentKind::Invoice);
        assert!(a4_label.check(DocumentKind::Label).is_err());
        let a5_slip = DocumentSettings {
            paper: Paper::A5,
            ..DocumentSettings::for_kind(DocumentKind::PackingSlip)
        };
        assert!(a5_slip.check(DocumentKind::PackingSlip).is_ok());
        assert!(
            PrintSettings::default().auto_print,
            "auto-print is on by default"
        );
    }

    #[test]
    fn print_settings_round_trip_through_json_as_the_app_stores_them() {
        let settings = PrintSettings {
            label: DocumentSettings {
                printer: Some("Zebra".into()),
                paper: Paper::Label100x150,
                format: DocFormat::Zpl,
                dpi: Dpi::D300,
                lang: Lang::En,
            },
            ..PrintSettings::default()
        };
        let json = serde_json::to_string(&settings).unwrap();
        assert!(
            json.contains("\"label_100x150\"") && json.contains("\"300\""),
            "{json}"
        );
        let back: PrintSettings = serde_json::from_str(&json).unwrap();
        assert_eq!(back, settings);
        let partial: PrintSettings = serde_json::from_str(r#"{"auto_print": false}"#).unwrap();
        assert_eq!(
            partial.label.paper,
            Paper::Label4x6,
            "missing fields take defaults"
        );
    }
}
