//! Pure types and rules: no I/O here. Everything is unit-tested inline,
//! without a database.

#[macro_use]
pub mod names;

pub mod access;
pub mod actor;
pub mod barcode;
pub mod buyer;
pub mod carton;
pub mod customer;
pub mod desk;
// Dropshipping (issue 15 item 4).
pub mod dropship;
pub mod event;
pub mod filter;
pub mod gs1;
pub mod lifecycle;
pub mod money;
pub mod notify;
pub mod order;
pub mod payment;
pub mod picking;
pub mod product;
// Issue 15 item 3: receipts under 54-ФЗ.
pub mod receipt;
pub mod scan;
pub mod scanner_check;
pub mod search;
pub mod status;
pub mod stock;
pub mod tax_id;
pub mod time;

pub use access::{Credential, Op, Override, SecretKind};
pub use actor::{Actor, Approver, Role};
pub use event::EventKind;
pub use money::{format_minor, parse_minor, Currency};
pub use names::Named;
pub use order::{NewLine, NewOrder, OrderHead, OrderLine, PaymentStatus};
pub use picking::{PickLine, PickList, PickListStatus, PickOutcome, PickScanResult};
pub use product::{NewProduct, ProductBarcode, StockEntry};
pub use scan::{ProductHit, ScanKind, ScanOutcome, ScanResult};
pub use status::{OrderStatus, PackingOpening, TransitionMatrix};
