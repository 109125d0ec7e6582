//! `receipts show|prepare|send|request|settings`: receipts under 54-ФЗ
//! (issue 15 item 3). Nothing here is fiscal unless the store's cash
//! register answered with its fiscal attributes.

use super::{usage, Failure};
use clap::Subcommand;
use packbench_core::domain::format_minor;
use packbench_core::ops::{
    self, Actor, AtolSettings, ReceiptMoment, ReceiptSettings, ReceiptState, ReceiptView,
    RegisterSettings, Taxation,
};
use packbench_core::secrets::{OsKeyring, SecretStore};
use packbench_core::store::Store;

#[derive(Subcommand)]
pub enum ReceiptsCommand {
    /// An order's receipts: lines, VAT, payment signs and where each stands.
    Show { order: String },
    /// Prepare the receipt an order is due now (a prepayment for money
    /// without a receipt, or the settlement once shipped).
    Prepare { order: String },
    /// Hand the order's receipts that are not fiscal yet to the cash
    /// register (all orders' without ORDER), or ask it again. The
    /// register's password: $PACKBENCH_REGISTER_PASSWORD, else the keyring.
    Send { order: Option<String> },
    /// The exact request the register driver sends for a receipt (JSON).
    Request { receipt_id: i64 },
    /// The receipt settings; with options, change them (only those given).
    Settings {
        /// manual, at_payment or at_shipment.
        #[arg(long)]
        moment: Option<String>,
        /// The store's СНО: osn, usn_income, usn_income_outcome, esn, patent.
        #[arg(long)]
        taxation: Option<String>,
        /// none (receipts stay prepared) or atol_online.
        #[arg(long)]
        register: Option<String>,
        /// ATOL Online: the protocol's address (https://online.atol.ru/possystem/v5).
        #[arg(long)]
        url: Option<String>,
        #[arg(long)]
        group_code: Option<String>,
        /// The register account's login ($PACKBENCH_REGISTER_PASSWORD is
        /// kept in this station's keyring).
        #[arg(long)]
        login: Option<String>,
        /// The shop's INN as the register knows it.
        #[arg(long)]
        inn: Option<String>,
        /// Место расчётов: the shop's site.
        #[arg(long)]
        payment_address: Option<String>,
        /// The shop's e-mail on receipts.
        #[arg(long)]
        company_email: Option<String>,
        /// Seconds to wait for the register's answer.
        #[arg(long)]
        timeout: Option<u32>,
    },
}

fn password(settings: &RegisterSettings) -> Option<String> {
    std::env::var("PACKBENCH_REGISTER_PASSWORD")
        .ok()
        .filter(|p| !p.is_empty())
        .or_else(|| {
            packbench_core::register::password_key(settings)
                .and_then(|key| OsKeyring.get(&key).ok().flatten())
        })
}

fn rub(minor: i64) -> String {
    format_minor(minor, 2)
}

/// Where a receipt stands, in plain words.
fn state_words(r: &ReceiptView) -> String {
    let row = &r.receipt;
    match row.state {
        ReceiptState::Prepared if row.register.is_empty() || row.register == "none" => {
            "prepared, NOT fiscalised: no cash register has it".into()
        }
        ReceiptState::Prepared => "prepared, NOT fiscalised".into(),
        ReceiptState::Sending => "being sent to the register, NOT fiscalised yet".into(),
        ReceiptState::Sent => {
            "taken by the register, waiting for its answer: NOT fiscalised yet".into()
        }
        ReceiptState::Fiscalised => match &r.fiscal {
            Some(f) => format!(
                "FISCALISED by the register: ФН {} ФД {} ФПД {} at {}",
                f.fn_number, f.fd_number, f.fpd, f.fiscal_time
            ),
            None => "fiscalised".into(),
        },
        ReceiptState::Failed => format!("NOT fiscalised, failed: {}", row.reason),
    }
}

fn show(json: bool, shown: &ops::OrderReceipts) {
    if json {
        out!("{}", serde_json::to_string(shown).unwrap_or_default());
        return;
    }
    out!(
        "order {}: receipts {} (register: {})",
        shown.number,
        shown.moment.as_str(),
        shown.register
    );
    if let Some(p) = &shown.problem {
        out!("a receipt cannot be prepared now: {p}");
    }
    if shown.receipts.is_empty() {
        out!("no receipt yet");
    }
    for r in &shown.receipts {
        let row = &r.receipt;
        out!(
            "receipt {} · {} · {} · {} {} · to {} · {}",
            row.id,
            match row.kind {
                ops::ReceiptKind::Sell => "приход",
                ops::ReceiptKind::SellRefund => "возврат прихода",
            },
            row.purpose.as_str(),
            rub(row.total_minor),
            row.currency,
            row.contact,
            state_words(r)
        );
        for l in &r.lines {
            out!(
                "  {}\t{} × {}\t= {}\t{} (VAT {})\t{}\t{}{}",
                l.name,
                rub(l.price_minor),
                l.quantity,
                rub(l.amount_minor),
                l.vat.words(),
                rub(l.vat_minor),
                l.method.as_str(),
                l.subject.as_str(),
                l.marking_code
                    .as_deref()
                    .map(|c| format!("\tcode {}", c.replace('\u{1d}', "<GS>")))
                    .unwrap_or_default()
            );
        }
        for p in &r.payments {
            out!("  paid {}: {}", p.kind.as_str(), rub(p.amount_minor));
        }
    }
}

pub async fn run(
    store: &Store,
    actor: &Actor,
    json: bool,
    command: ReceiptsCommand,
) -> Result<u8, Failure> {
    match command {
        ReceiptsCommand::Show { order } => show(json, &ops::order_receipts(store, &order).await?),
        ReceiptsCommand::Prepare { order } => {
            show(json, &ops::prepare_receipt(store, actor, &order).await?)
        }
        ReceiptsCommand::Send { order } => {
            let settings = ops::receipt_settings(store).await?;
            let pw = password(&settings.register);
            let sent = ops::send_receipts(store, actor, order.as_deref(), pw.as_deref()).await?;
            if json {
                out!("{}", serde_json::to_string(&sent).unwrap_or_default());
            } else if sent.is_empty() {
                out!("no receipt waits for the register");
            }
            let mut failed = false;
            for s in &sent {
                failed |= s.state == ReceiptState::Failed;
                if !json {
                    out!(
                        "order {} receipt {}: {}{}",
                        s.number,
                        s.receipt_id,
                        s.state.as_str(),
                        if s.reason.is_empty() {
                            String::new()
                        } else {
                            format!(" ({})", s.reason)
                        }
                    );
                }
            }
            return Ok(u8::from(failed));
        }
        ReceiptsCommand::Request { receipt_id } => {
            let request = ops::receipt_request(store, receipt_id).await?;
            out!(
                "{}",
                serde_json::to_string_pretty(&request).unwrap_or_default()
            );
        }
        ReceiptsCommand::Settings {
            moment,
            taxation,
            register,
            url,
            group_code,
            login,
            inn,
            payment_address,
            company_email,
            timeout,
        } => {
            let mut s: ReceiptSettings = ops::receipt_settings(store).await?;
            let changing = moment.is_some()
                || taxation.is_some()
                || register.is_some()
                || url.is_some()
                || group_code.is_some()
                || login.is_some()
                || inn.is_some()
                || payment_address.is_some()
                || company_email.is_some()
                || timeout.is_some();
            if let Some(m) = moment {
                s.moment = ReceiptMoment::parse(&m).map_err(usage)?;
            }
            if let Some(t) = taxation {
                s.taxation = Some(Taxation::parse(&t).map_err(usage)?);
            }
            match register.as_deref().map(str::trim) {
                Some("none") => s.register = RegisterSettings::None,
                Some("atol_online") if !matches!(s.register, RegisterSettings::AtolOnline(_)) => {
                    s.register = RegisterSettings::AtolOnline(AtolSettings {
                        url: "https://online.atol.ru/possystem/v5".into(),
                        group_code: String::new(),
                        login: String::new(),
                        inn: String::new(),
                        payment_address: String::new(),
                        company_email: String::new(),
                        timeout_s: 15,
                    });
                }
                Some("atol_online") => {}
                Some(other) => {
                    return Err(usage(format!(
                        "{other:?} is not a register; use none or atol_online"
                    )))
                }
                None => {}
            }
            if let RegisterSettings::AtolOnline(a) = &mut s.register {
                for (field, value) in [
                    (&mut a.url, url),
                    (&mut a.group_code, group_code),
                    (&mut a.login, login),
                    (&mut a.inn, inn),
                    (&mut a.payment_address, payment_address),
                    (&mut a.company_email, company_email),
                ] {
                    if let Some(v) = value {
                        *field = v;
                    }
                }
                if let Some(t) = timeout {
                    a.timeout_s = t;
                }
            }
            if changing {
                s = ops::set_receipt_settings(store, actor, &s).await?;
                if let (Ok(pw), Some(key)) = (
                    std::env::var("PACKBENCH_REGISTER_PASSWORD"),
                    packbench_core::register::password_key(&s.register),
                ) {
                    if !pw.is_empty() {
                        OsKeyring.set(&key, &pw).map_err(|e| {
                            usage(format!(
                                "the settings are saved but the password could not be kept: {e}"
                            ))
                        })?;
                    }
                }
            }
            if json {
                out!("{}", serde_json::to_string(&s).unwrap_or_default());
            } else {
                out!(
                    "receipts prepared {}, taxation {}",
                    s.moment.as_str(),
                    s.taxation.map(|t| t.as_str()).unwrap_or("not set")
                );
                match &s.register {
                    RegisterSettings::None => {
                        out!("register: none (receipts are prepared, never fiscalised)")
                    }
                    RegisterSettings::AtolOnline(a) => out!(
                        "register: ATOL Online at {} group {} login {} INN {} place {} e-mail {} (wait {} s)",
                        a.url,
                        a.group_code,
                        a.login,
                        a.inn,
                        a.payment_address,
                        a.company_email,
                        a.timeout_s
                    ),
                }
            }
        }
    }
    Ok(0)
}
