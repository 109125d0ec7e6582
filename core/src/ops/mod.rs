//! Use-cases: one function per thing a user does. Each takes the store and an
//! actor, runs in one transaction, writes its event rows, returns a view.

mod catalog;
mod documents;
mod orders;
mod overview;
mod packing;
mod picking;
mod printing;
mod shipping;
mod stock;

pub use catalog::{
    import_orders, import_products, load_demo, product_by_sku, DemoSummary, ImportSummary,
    ProductView,
};
pub use documents::{
    invoice_view, label_view, manifest_view, packing_slip_view, pick_list_view, render_document,
    render_with_sscc, seller, set_seller, DocumentKey,
};
use orders::order_detail_in;
pub use orders::{cancel_order, confirm_order, list_orders, order_detail, OrderDetail};
pub use overview::{
    carriers, changes_since, find_order, is_empty, status_counts, test_database, ChangeCursor,
    DbTest, StatusCount,
};
pub use packing::{
    claim_order, finish_packing, record_scan, release_claim, undo_last_scan, UndoResult,
};
pub use picking::{
    complete_pick_list, create_pick_list, open_pick_lists, pick_list, pick_scan, short_pick,
    PickLine, PickList, PickListSummary, PickOutcome, PickScanResult, PickSelection,
};
pub use printing::{
    list_printers, order_print_jobs, preview_document, print_after_pack, print_document,
    print_jobs, print_order_documents, retry_print_job, DocumentPreview, PrintJob, PrintStatus,
    Printer, PrinterState, LP_TIMEOUT, PREVIEW_PAGES,
};
pub use shipping::ship_order;

pub use crate::store::orders::{OrderFilter, OrderSummary};

use serde::{Deserialize, Serialize};

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Picker,
    Packer,
    Supervisor,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Picker => "picker",
            Role::Packer => "packer",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "picker" => Ok(Role::Picker),
            "packer" => Ok(Role::Packer),
            "supervisor" => Ok(Role::Supervisor),
            "admin" => Ok(Role::Admin),
            other => Err(format!(
                "{other:?} is not a role; use picker, packer, supervisor or admin"
            )),
        }
    }
}

/// Who does something, and at which station. Written on every event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Actor {
    pub user: String,
    pub station: String,
    pub role: Role,
}

impl Actor {
    pub fn new(user: impl Into<String>, station: impl Into<String>, role: Role) -> Self {
        Self {
            user: user.into(),
            station: station.into(),
            role,
        }
    }

    pub(crate) fn require(&self, needed: Role) -> crate::Result<()> {
        let rank = |r: Role| match r {
            Role::Picker | Role::Packer => 0,
            Role::Supervisor => 1,
            Role::Admin => 2,
        };
        if rank(self.role) >= rank(needed) {
            Ok(())
        } else {
            Err(crate::Error::Forbidden {
                needed: needed.as_str(),
                actual: self.role.as_str(),
            })
        }
    }
}
