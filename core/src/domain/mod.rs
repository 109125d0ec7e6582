//! Pure types and rules: no I/O here.

pub mod barcode;
pub mod gs1;
pub mod money;
pub mod order;
pub mod product;
pub mod scan;
pub mod search;
pub mod status;

pub use money::{format_minor, parse_minor, Currency};
pub use order::{NewLine, NewOrder, PaymentStatus};
pub use product::{NewProduct, ProductBarcode, StockEntry};
pub use status::{OrderStatus, TransitionMatrix};
