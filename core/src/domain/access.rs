//! Who may do what: the one table of op × role, the actions that need a
//! supervisor's approval, and the rules for logins, PINs and passwords.
//! Ops check this table (through [`super::Actor::may`]) before they touch
//! anything; the UI only hides what the table refuses.

use super::actor::Role;
use serde::{Deserialize, Serialize};

const PICKER: Role = Role::Picker;
const PACKER: Role = Role::Packer;
const MANAGER: Role = Role::Manager;
const SUPERVISOR: Role = Role::Supervisor;
const ADMIN: Role = Role::Admin;

const EVERYONE: &[Role] = &[PICKER, PACKER, MANAGER, SUPERVISOR, ADMIN];
const PACKING: &[Role] = &[PACKER, SUPERVISOR, ADMIN];
const PICKING: &[Role] = &[PICKER, SUPERVISOR, ADMIN];
const DESK: &[Role] = &[MANAGER, SUPERVISOR, ADMIN];
const LEAD: &[Role] = &[SUPERVISOR, ADMIN];
const OWNER: &[Role] = &[ADMIN];
const STOCK: &[Role] = &[PICKER, PACKER, SUPERVISOR, ADMIN];
const RETURNS: &[Role] = &[PACKER, MANAGER, SUPERVISOR, ADMIN];

macro_rules! ops {
    ($( $(#[$doc:meta])* $name:ident = $code:literal, $roles:expr, $what:literal; )*) => {
        /// Everything a user can do that changes data or reads the audit
        /// trail. Reading orders is open to every signed-in user.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "specta", derive(specta::Type))]
        #[serde(rename_all = "snake_case")]
        pub enum Op { $( $(#[$doc])* $name, )* }

        impl Op {
            pub const ALL: &'static [Op] = &[$(Op::$name),*];

            /// The roles that may do it.
            pub fn roles(self) -> &'static [Role] {
                match self { $(Op::$name => $roles,)* }
            }

            /// Its stable name (docs, the CLI's `users permissions`).
            pub fn code(self) -> &'static str {
                match self { $(Op::$name => $code,)* }
            }

            /// What it is, in words, for a refusal.
            pub fn describe(self) -> &'static str {
                match self { $(Op::$name => $what,)* }
            }
        }
    };
}

ops! {
    ClaimOrder = "claim_order", PACKING, "claim an order for packing";
    OpenForPacking = "open_for_packing", PACKING, "open an order at the packing table";
    RecordScan = "record_scan", PACKING, "scan items into a box";
    UndoScan = "undo_scan", PACKING, "take a scanned item back out";
    FinishPacking = "finish_packing", PACKING, "finish packing";
    /// Releasing another station's claim also needs a supervisor.
    ReleaseClaim = "release_claim", PACKING, "release a packing claim";
    /// Needs a supervisor's approval.
    TakeApart = "take_apart", PACKING, "take a packed order apart";
    ShipOrder = "ship_order", PACKING, "hand an order over for shipping";
    OpenCarton = "open_carton", PACKING, "open a carton for an order";
    /// A weight outside the tolerance also needs a supervisor's approval.
    CloseCarton = "close_carton", PACKING, "weigh and close a carton";
    SetCartons = "set_cartons", LEAD, "change the box types, GS1 prefix and weight tolerance";
    ReceiveStock = "receive_stock", STOCK, "receive goods into a bin";
    MoveStock = "move_stock", STOCK, "move stock between bins";
    AdjustStock = "adjust_stock", LEAD, "adjust stock with a reason";
    /// Approving a count also needs a supervisor's approval.
    CountStock = "count_stock", STOCK, "count a bin";
    EditProducts = "edit_products", LEAD, "add or change products and bins";
    /// A refund also needs `record_payment`.
    ReceiveReturn = "receive_return", RETURNS, "take a return back";
    CreatePickList = "create_pick_list", PICKING, "make a pick list";
    PickScan = "pick_scan", PICKING, "pick items";
    ShortPick = "short_pick", PICKING, "report a short pick";
    CompletePickList = "complete_pick_list", PICKING, "complete a pick list";
    CreateOrder = "create_order", DESK, "create an order";
    EditOrder = "edit_order", DESK, "edit an order";
    AssignOrder = "assign_order", DESK, "give an order to a manager";
    HoldOrder = "hold_order", DESK, "put an order on hold or release it";
    ReserveAgain = "reserve_again", DESK, "reserve stock again";
    SetExpectedDate = "set_expected_date", DESK, "set a back-order's expected day";
    SplitOrder = "split_order", DESK, "split an order";
    ConfirmOrder = "confirm_order", DESK, "confirm an order";
    CancelOrder = "cancel_order", DESK, "cancel an order";
    MoveOrders = "move_orders", DESK, "move orders to another status";
    SetSubStatus = "set_sub_status", DESK, "set an order's step";
    RecordPayment = "record_payment", DESK, "record a payment or refund";
    AddNote = "add_note", EVERYONE, "write a note on an order";
    PinNote = "pin_note", DESK, "pin a note";
    Print = "print", EVERYONE, "print documents";
    ImportOrders = "import_orders", DESK, "import orders";
    ImportProducts = "import_products", LEAD, "import products";
    /// Carriers' status files: parcels delivered, stalled.
    ImportDeliveryStatus = "import_delivery_status", DESK, "import a carrier's delivery status file";
    SetSeller = "set_seller", LEAD, "change the seller's details";
    EditLifecycle = "edit_lifecycle", OWNER, "change the order statuses";
    LoadDemo = "load_demo", OWNER, "load the demo warehouse";
    ManageUsers = "manage_users", OWNER, "manage users";
    ReadAudit = "read_audit", EVERYONE, "read the audit trail";
    /// Stage times, stalls and each packer's and station's work.
    ViewDashboard = "view_dashboard", LEAD, "see the supervisor's dashboard";
    SaveFilter = "save_filter", EVERYONE, "save or delete a named order filter";
    ExportOrders = "export_orders", DESK, "export orders to CSV or XLSX";
    EditTemplates = "edit_templates", OWNER, "edit the customer message templates";
    SetMail = "set_mail", OWNER, "set up the store's mail server and carriers";
    RetryMessage = "retry_message", LEAD, "send a customer message again";
    /// Replaces the whole database with a backup (anyone may when the
    /// database file is damaged: nobody can sign in then).
    RestoreBackup = "restore_backup", OWNER, "restore the database from a backup";
    // Issue 15: orders that arrive by themselves.
    /// The secret a shop's webhooks (or the web form) sign orders with.
    SetWebhookSecret = "set_webhook_secret", LEAD, "set a shop's webhook secret";
    // Issue 15 item 2: the documents in each channel's parcels.
    SetPackingDocuments = "set_packing_documents", LEAD, "choose which documents go into each sales channel's parcels";
    // Issue 15 item 4: dropshipping.
    /// Suppliers and which products each ships to the customer.
    ManageSuppliers = "manage_suppliers", LEAD, "add or change dropshipping suppliers and the products they ship";
    /// A supplier's tracking number ships its part of the order; also
    /// mailing a purchase order again.
    ShipPurchaseOrder = "ship_purchase_order", DESK, "enter a supplier's tracking number or mail a purchase order again";
    // Issue 15 item 3: receipts under 54-ФЗ.
    /// Preparing a receipt by hand (they are also prepared by payments and
    /// shipments when the settings say so).
    PrepareReceipt = "prepare_receipt", DESK, "prepare an order's receipt";
    /// Handing receipts to the cash register (or asking it again).
    SendReceipt = "send_receipt", DESK, "send receipts to the cash register";
    /// The taxation system, when receipts are prepared, the register.
    SetReceipts = "set_receipts", OWNER, "change the receipt settings and the cash register";
    // Issue 15 item 1: stock and order status back to the shop; the watched folder.
    /// A channel's shop API address and access token (or key and secret).
    SetShopApi = "set_shop_api", LEAD, "connect a shop's API for stock and order status";
    /// A call the shop refused, sent again once its cause is fixed.
    RetryShopCall = "retry_shop_call", LEAD, "send a call to the shop again";
    /// The folder a shop's cron drops its order exports into.
    SetWatchFolder = "set_watch_folder", LEAD, "set the folder order exports are imported from";
}

/// The op × role table as Markdown (docs/PERMISSIONS.md is this, checked
/// by a test).
pub fn permissions_markdown() -> String {
    let mut out = String::from(
        "# Who may do what\n\n\
         Generated from `core/src/domain/access.rs` (`packbench-cli users permissions`); \
         a test keeps this file in step. Reading orders is open to every signed-in user. \
         A manager who works named sales channels touches only those channels' orders. \
         Shipping short, taking a packed box apart and releasing another station's claim \
         also need a supervisor's approval (PIN or badge at the station) when a packer does them.\n\n\
         | op | what | picker | packer | manager | supervisor | admin |\n\
         |---|---|---|---|---|---|---|\n",
    );
    for op in Op::ALL {
        let mark = |r: Role| if op.roles().contains(&r) { "✔" } else { "" };
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} | {} |\n",
            op.code(),
            op.describe(),
            mark(Role::Picker),
            mark(Role::Packer),
            mark(Role::Manager),
            mark(Role::Supervisor),
            mark(Role::Admin)
        ));
    }
    out
}

crate::named_enum! {
    /// What a packer or picker may not decide alone: a supervisor approves
    /// it at the station with their PIN or badge, and the history records
    /// both people.
    pub enum Override("approval") {
        ShortShip = "short_ship",
        ReleaseOtherClaim = "release_other_claim",
        TakeApart = "take_apart",
        AcceptDifference = "accept_difference",
        ApproveCycleCount = "approve_cycle_count",
    }
}

impl Override {
    pub fn describe(self) -> &'static str {
        match self {
            Override::ShortShip => "shipping an order short",
            Override::ReleaseOtherClaim => "releasing another station's claim",
            Override::TakeApart => "taking a packed order apart",
            Override::AcceptDifference => "accepting a weight or count difference",
            Override::ApproveCycleCount => "approving a cycle count",
        }
    }
}

/// How a person proves who they are. Secrets never appear in `Debug`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Credential {
    /// A login and its PIN or password.
    Secret { login: String, secret: String },
    /// The barcode on the person's badge.
    Badge { code: String },
    /// A script's API token (`pbt_<id>_<secret>`).
    Token { token: String },
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credential::Secret { login, .. } => write!(f, "Secret {{ login: {login:?}, .. }}"),
            Credential::Badge { .. } => f.write_str("Badge { .. }"),
            Credential::Token { .. } => f.write_str("Token { .. }"),
        }
    }
}

/// A PIN (4–8 digits) or a password (8 characters or more).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum SecretKind {
    Pin,
    Password,
}

impl SecretKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SecretKind::Pin => "pin",
            SecretKind::Password => "password",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "pin" => Some(SecretKind::Pin),
            "password" => Some(SecretKind::Password),
            _ => None,
        }
    }

    /// What kind a new secret is: all digits → a PIN, which must then be
    /// 4 to 8 of them; anything else → a password of at least 8 characters.
    pub fn of(secret: &str) -> Result<Self, String> {
        let chars = secret.chars().count();
        if !secret.is_empty() && secret.chars().all(|c| c.is_ascii_digit()) {
            if (4..=8).contains(&chars) {
                Ok(SecretKind::Pin)
            } else {
                Err(format!(
                    "a PIN has 4 to 8 digits; this one has {chars}: choose another"
                ))
            }
        } else if chars >= 8 {
            Ok(SecretKind::Password)
        } else {
            Err("a password has at least 8 characters (or use a PIN of 4 to 8 digits)".into())
        }
    }
}

/// A login as stored and compared: trimmed, lower case.
pub fn fold_login(login: &str) -> String {
    login.trim().to_lowercase()
}

/// A new login: letters, digits, '.', '-' or '_', 2 to 32 of them.
pub fn check_login(login: &str) -> Result<String, String> {
    let folded = fold_login(login);
    let ok_char = |c: char| c.is_alphanumeric() || matches!(c, '.' | '-' | '_');
    if !(2..=32).contains(&folded.chars().count()) || !folded.chars().all(ok_char) {
        return Err(format!(
            "{login:?} cannot be a login: use 2 to 32 letters, digits, '.', '-' or '_'"
        ));
    }
    Ok(folded)
}

/// Failed log-ins that lock a login, and for how long.
pub const LOCK_AFTER: i64 = 10;
pub const LOCK_FOR_MS: i64 = 15 * 60 * 1000;

/// How long a station's session lasts without a command, by default.
pub const DEFAULT_IDLE_MINUTES: u32 = 30;

/// "14 min" / "40 s": the lock's time left, rounded up.
pub fn time_left(ms: i64) -> String {
    if ms >= 60_000 {
        format!("{} min", (ms + 59_999) / 60_000)
    } else {
        format!("{} s", ((ms + 999) / 1000).max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_and_passwords_are_told_apart_and_checked() {
        assert_eq!(SecretKind::of("1234"), Ok(SecretKind::Pin));
        assert_eq!(SecretKind::of("12345678"), Ok(SecretKind::Pin));
        assert!(SecretKind::of("123").unwrap_err().contains("4 to 8 digits"));
        assert!(SecretKind::of("123456789").is_err());
        assert_eq!(SecretKind::of("секретный"), Ok(SecretKind::Password));
        assert!(SecretKind::of("short")
            .unwrap_err()
            .contains("8 characters"));
        assert!(SecretKind::of("").is_err());
    }

    #[test]
    fn logins_fold_and_refuse_spaces() {
        assert_eq!(check_login(" Анна.П ").unwrap(), "анна.п");
        assert!(check_login("a b").is_err());
        assert!(check_login("a").is_err());
    }

    #[test]
    fn every_op_has_an_admin_and_a_unique_code() {
        let mut codes: Vec<&str> = Op::ALL.iter().map(|o| o.code()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), Op::ALL.len());
        for op in Op::ALL {
            assert!(op.roles().contains(&Role::Admin), "{op:?}");
        }
    }

    #[test]
    fn locks_show_the_time_left_rounded_up() {
        assert_eq!(time_left(LOCK_FOR_MS), "15 min");
        assert_eq!(time_left(61_000), "2 min");
        assert_eq!(time_left(40_200), "41 s");
    }
}
