//! Cash registers: the interface a receipt goes through to become fiscal,
//! and its drivers. Only a register makes a receipt fiscal: the default
//! driver ([`NotFiscal`]) keeps receipts prepared and says so; the ATOL
//! Online driver ([`atol::AtolOnline`]) speaks the common JSON protocol of
//! online registers (v5, ФФД 1.2) over HTTPS. See docs/RECEIPTS.md.

pub mod atol;

use crate::domain::receipt::{
    ReceiptKind, ReceiptLine, ReceiptPayment, RegisterSettings, Taxation,
};
use crate::store::receipts::FiscalAttributes;
use std::future::Future;

/// A receipt as it goes to a register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToRegister {
    /// Unique per receipt; the register registers it once.
    pub external_id: String,
    pub kind: ReceiptKind,
    pub taxation: Taxation,
    /// The buyer's e-mail, or phone as +7….
    pub contact: String,
    pub lines: Vec<ReceiptLine>,
    pub payments: Vec<ReceiptPayment>,
    pub total_minor: i64,
    /// When it is sent, as the protocol writes it (dd.mm.yyyy HH:MM:SS,
    /// this station's time).
    pub timestamp: String,
}

/// What a register said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// There is no register: the receipt stays prepared, not fiscal.
    NotFiscal(String),
    /// Taken; the fiscal answer comes later (ask again with `check`).
    Accepted { uuid: String },
    /// Registered, with the fiscal drive's attributes.
    Fiscalised {
        uuid: Option<String>,
        attributes: FiscalAttributes,
    },
    /// The register refused the receipt: the reason is its own.
    Refused {
        uuid: Option<String>,
        reason: String,
    },
    /// No answer (refused connection, time out, a broken reply): the
    /// receipt may or may not have reached it; sending again is safe, the
    /// external id is registered once.
    Unreachable(String),
}

/// The interface every register's driver offers.
pub trait CashRegister {
    /// Its name, kept with each receipt it was given.
    fn name(&self) -> &'static str;

    /// Hands a receipt over.
    fn register(&self, receipt: &ToRegister) -> impl Future<Output = Answer> + Send;

    /// Asks what became of a receipt handed over earlier as `uuid`.
    fn check(&self, receipt: &ToRegister, uuid: &str) -> impl Future<Output = Answer> + Send;
}

/// No register: receipts are prepared, kept and shown, and never called
/// fiscal.
#[derive(Debug, Clone, Copy, Default)]
pub struct NotFiscal;

const NO_REGISTER: &str =
    "no cash register is connected: the receipt is prepared and kept, not fiscalised; connect the shop's online register in the receipt settings";

impl CashRegister for NotFiscal {
    fn name(&self) -> &'static str {
        "none"
    }

    async fn register(&self, _receipt: &ToRegister) -> Answer {
        Answer::NotFiscal(NO_REGISTER.into())
    }

    async fn check(&self, _receipt: &ToRegister, _uuid: &str) -> Answer {
        Answer::NotFiscal(NO_REGISTER.into())
    }
}

/// The register the store's settings name, with the sending station's
/// password for it.
pub enum Register {
    NotFiscal(NotFiscal),
    Atol(atol::AtolOnline),
}

impl Register {
    pub fn from_settings(settings: &RegisterSettings, password: Option<&str>) -> Register {
        match settings {
            RegisterSettings::None => Register::NotFiscal(NotFiscal),
            RegisterSettings::AtolOnline(a) => Register::Atol(atol::AtolOnline::new(
                a.clone(),
                password.map(str::to_string),
            )),
        }
    }
}

impl CashRegister for Register {
    fn name(&self) -> &'static str {
        match self {
            Register::NotFiscal(r) => r.name(),
            Register::Atol(r) => r.name(),
        }
    }

    async fn register(&self, receipt: &ToRegister) -> Answer {
        match self {
            Register::NotFiscal(r) => r.register(receipt).await,
            Register::Atol(r) => r.register(receipt).await,
        }
    }

    async fn check(&self, receipt: &ToRegister, uuid: &str) -> Answer {
        match self {
            Register::NotFiscal(r) => r.check(receipt, uuid).await,
            Register::Atol(r) => r.check(receipt, uuid).await,
        }
    }
}

/// The keyring key of a register's password.
pub fn password_key(settings: &RegisterSettings) -> Option<String> {
    match settings {
        RegisterSettings::None => None,
        RegisterSettings::AtolOnline(a) => Some(format!("atol-online:{}@{}", a.login, a.url)),
    }
}
