//! Receipts under 54-ФЗ: what a cash receipt (кассовый чек) says, built
//! from an order's data by one rule. Money is in kopecks and every sum adds
//! up exactly: a line's amount is its price times its quantity, the lines
//! add up to the receipt's total, and the payments add up to it too. No
//! I/O here: the register driver (`crate::register`) sends what this
//! builds, the store keeps it.
//!
//! The VAT of a line is the order line's own rate (`tax_rate_bp`, the rate
//! the УПД and the invoice print): 22 % is `vat22`, 10 % `vat10`, 0 "без
//! НДС" (`none`), as the documents say it. A receipt for money taken before
//! the goods are handed over (a prepayment or an advance) states VAT at the
//! calculated rate instead (22/122, 10/110 ...), as the Tax Code asks of
//! advances (art. 164 p. 4).

use super::money::{main_tax_rate_bp, vat_included};

crate::named_enum! {
    /// приход or возврат прихода.
    pub enum ReceiptKind("receipt kind") {
        /// Приход: money taken from the buyer.
        Sell = "sell",
        /// Возврат прихода: money given back.
        SellRefund = "sell_refund",
    }
}

crate::named_enum! {
    /// What money a receipt is for (and so its lines' method sign).
    pub enum ReceiptPurpose("receipt purpose") {
        /// The whole order paid before it is handed over (полная предоплата).
        Prepayment = "prepayment",
        /// Part of the order paid before it is handed over (аванс).
        Advance = "advance",
        /// The goods handed over (полный расчёт, with what was prepaid
        /// offset; or in part on credit when money is still to come).
        Settlement = "settlement",
        /// Money for goods handed over earlier on credit (оплата кредита).
        CreditPayment = "credit_payment",
        /// Money given back.
        Refund = "refund",
    }
}

crate::named_enum! {
    /// Признак способа расчёта (tag 1214).
    pub enum MethodSign("payment method sign") {
        FullPrepayment = "full_prepayment",
        Prepayment = "prepayment",
        Advance = "advance",
        FullPayment = "full_payment",
        PartialPayment = "partial_payment",
        Credit = "credit",
        CreditPayment = "credit_payment",
    }
}

impl MethodSign {
    /// Its value in the fiscal data format (tag 1214).
    pub fn tag(self) -> u8 {
        match self {
            MethodSign::FullPrepayment => 1,
            MethodSign::Prepayment => 2,
            MethodSign::Advance => 3,
            MethodSign::FullPayment => 4,
            MethodSign::PartialPayment => 5,
            MethodSign::Credit => 6,
            MethodSign::CreditPayment => 7,
        }
    }

    /// Money taken before the goods are handed over: VAT at the
    /// calculated rate, no marking codes yet.
    pub fn is_before_handover(self) -> bool {
        matches!(
            self,
            MethodSign::FullPrepayment | MethodSign::Prepayment | MethodSign::Advance
        )
    }
}

crate::named_enum! {
    /// Признак предмета расчёта (tag 1212, ФФД 1.2).
    pub enum SubjectSign("payment subject sign") {
        /// Товар.
        Commodity = "commodity",
        /// Услуга: delivery.
        Service = "service",
        /// Платёж: an advance or a credit payment with no goods named.
        Payment = "payment",
        /// A marked good whose code is not on the receipt (prepaid,
        /// not packed yet).
        MarkedWithoutCode = "marked_without_code",
        /// A marked good with its code on the line.
        MarkedWithCode = "marked_with_code",
    }
}

impl SubjectSign {
    /// Its value in the fiscal data format (tag 1212, ФФД 1.2).
    pub fn tag(self) -> u8 {
        match self {
            SubjectSign::Commodity => 1,
            SubjectSign::Service => 4,
            SubjectSign::Payment => 10,
            SubjectSign::MarkedWithoutCode => 32,
            SubjectSign::MarkedWithCode => 33,
        }
    }
}

crate::named_enum! {
    /// How the money moved (the receipt's payments).
    pub enum PaymentType("receipt payment type") {
        /// Наличными.
        Cash = "cash",
        /// Безналичными: a card, a transfer, a payment service.
        Electronic = "electronic",
        /// Зачёт предоплаты: money taken earlier on a prepayment receipt.
        Prepayment = "prepayment",
        /// Постоплата (кредит): money still to come.
        Credit = "credit",
    }
}

impl PaymentType {
    /// How a payment ledger entry's method ("наличные", "карта", "cash",
    /// "СБП" ...) pays: cash when it says cash, else electronic.
    pub fn of_method(method: &str) -> PaymentType {
        let m = method.to_lowercase();
        if m.contains("нал") && !m.contains("безнал") || m.contains("cash") {
            PaymentType::Cash
        } else {
            PaymentType::Electronic
        }
    }
}

crate::named_enum! {
    /// Where a receipt stands. Only `fiscalised` is fiscal, and only a
    /// register's answer makes it so (the database refuses fiscal
    /// attributes on any other state).
    pub enum ReceiptState("receipt state") {
        /// Built from the order; no register has it. Not fiscal.
        Prepared = "prepared",
        /// Being handed to the register now.
        Sending = "sending",
        /// The register took it and has not answered yet.
        Sent = "sent",
        /// The register answered with its fiscal attributes.
        Fiscalised = "fiscalised",
        /// The register refused it or did not answer: the reason says
        /// which; it can be sent again.
        Failed = "failed",
    }
}

crate::named_enum! {
    /// When the store's receipts are prepared (a store setting).
    pub enum ReceiptMoment("receipt moment") {
        /// Only when someone asks (`receipts prepare`): for a store whose
        /// receipts are made elsewhere (the payment service's register).
        Manual = "manual",
        /// When money is recorded (card payments online): a prepayment
        /// receipt before the goods leave, a settlement receipt when they
        /// are shipped that offsets it.
        AtPayment = "at_payment",
        /// When the goods are shipped (cash on delivery): one settlement
        /// receipt, credit for money still to come, a credit-payment
        /// receipt when it comes.
        AtShipment = "at_shipment",
    }
}

crate::named_enum! {
    /// The store's taxation system (СНО), a store setting.
    pub enum Taxation("taxation system") {
        /// ОСН.
        Osn = "osn",
        /// УСН доходы.
        UsnIncome = "usn_income",
        /// УСН доходы минус расходы.
        UsnIncomeOutcome = "usn_income_outcome",
        /// ЕСХН.
        Esn = "esn",
        /// Патент.
        Patent = "patent",
    }
}

crate::named_enum! {
    /// The VAT of a receipt line as the fiscal data format names it.
    pub enum VatTag("VAT rate") {
        /// Без НДС.
        None = "none",
        Vat0 = "vat0",
        Vat5 = "vat5",
        Vat7 = "vat7",
        Vat10 = "vat10",
        Vat20 = "vat20",
        Vat22 = "vat22",
        /// 5/105: calculated, for prepayments at 5 %.
        Vat105 = "vat105",
        Vat107 = "vat107",
        Vat110 = "vat110",
        Vat120 = "vat120",
        Vat122 = "vat122",
    }
}

impl VatTag {
    /// The tag of an order line's rate (basis points, the rate type the
    /// documents use; 0 is "без НДС"), at the calculated rate for money
    /// taken before the goods are handed over. A rate the receipt format
    /// has no tag for is refused with what to do.
    pub fn of_rate(rate_bp: i64, before_handover: bool) -> Result<VatTag, String> {
        use VatTag::*;
        Ok(match (rate_bp, before_handover) {
            (0, _) => None,
            (500, false) => Vat5,
            (700, false) => Vat7,
            (1000, false) => Vat10,
            (2000, false) => Vat20,
            (2200, false) => Vat22,
            (500, true) => Vat105,
            (700, true) => Vat107,
            (1000, true) => Vat110,
            (2000, true) => Vat120,
            (2200, true) => Vat122,
            _ => {
                return Err(format!(
                    "a line is taxed at {}%, which a receipt cannot state (54-ФЗ knows 0, 5, 7, 10, 20 and 22 %); correct the line's VAT rate on the order",
                    super::money::format_minor(rate_bp, 2)
                ))
            }
        })
    }

    /// The rate in words: "22 %", "22/122", "без НДС".
    pub fn words(self) -> &'static str {
        use VatTag::*;
        match self {
            None => "без НДС",
            Vat0 => "0 %",
            Vat5 => "5 %",
            Vat7 => "7 %",
            Vat10 => "10 %",
            Vat20 => "20 %",
            Vat22 => "22 %",
            Vat105 => "5/105",
            Vat107 => "7/107",
            Vat110 => "10/110",
            Vat120 => "20/120",
            Vat122 => "22/122",
        }
    }
}

/// The store's receipt settings (kept in the database, the same for every
/// station): when receipts are prepared, the taxation system, and the
/// register they go to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReceiptSettings {
    pub moment: ReceiptMoment,
    /// The store's СНО; a receipt cannot be prepared before it is set.
    pub taxation: Option<Taxation>,
    pub register: RegisterSettings,
}

impl Default for ReceiptSettings {
    fn default() -> Self {
        Self {
            moment: ReceiptMoment::Manual,
            taxation: None,
            register: RegisterSettings::None,
        }
    }
}

/// The register receipts are sent to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RegisterSettings {
    /// No register: receipts are prepared and kept, never fiscal.
    None,
    /// An online register behind ATOL Online's JSON protocol (v5, ФФД 1.2):
    /// ATOL's own cloud, or any service that speaks it.
    AtolOnline(AtolSettings),
}

/// ATOL Online's connection: the password is kept in each sending
/// station's keyring, never here.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AtolSettings {
    /// The protocol's base, https://online.atol.ru/possystem/v5.
    pub url: String,
    /// The register group (group_code).
    pub group_code: String,
    pub login: String,
    /// The shop's INN as registered with the register.
    pub inn: String,
    /// Место расчётов: the shop's site address.
    pub payment_address: String,
    /// The shop's e-mail printed on receipts.
    pub company_email: String,
    /// How long to wait for the register's answer, seconds.
    pub timeout_s: u32,
}

impl ReceiptSettings {
    /// The settings cleaned, or what is wrong and what to do.
    pub fn check(&self) -> Result<ReceiptSettings, String> {
        let mut clean = self.clone();
        if clean.moment != ReceiptMoment::Manual && clean.taxation.is_none() {
            return Err(
                "say the store's taxation system (СНО) before receipts are prepared by themselves"
                    .into(),
            );
        }
        if let RegisterSettings::AtolOnline(a) = &mut clean.register {
            for f in [
                &mut a.url,
                &mut a.group_code,
                &mut a.login,
                &mut a.inn,
                &mut a.payment_address,
                &mut a.company_email,
            ] {
                *f = f.trim().to_string();
            }
            a.url = a.url.trim_end_matches('/').to_string();
            check_register_url(&a.url)?;
            for (what, value) in [
                ("group code", &a.group_code),
                ("login", &a.login),
                ("place of settlement (the shop's site)", &a.payment_address),
            ] {
                if value.is_empty() {
                    return Err(format!(
                        "the register's {what} is empty; copy it from the register's account"
                    ));
                }
            }
            super::tax_id::check_inn(&a.inn)?;
            if a.inn.is_empty() {
                return Err(
                    "the shop's INN is empty; the register refuses receipts without it".into(),
                );
            }
            if !a.company_email.contains('@') {
                return Err(format!(
                    "{:?} is not an e-mail; the shop's e-mail goes on every receipt",
                    a.company_email
                ));
            }
            if !(1..=120).contains(&a.timeout_s) {
                return Err("wait 1 to 120 seconds for the register's answer".into());
            }
        }
        Ok(clean)
    }
}

/// A register's address: https, or plain http only to this machine (a
/// receipt carries the buyer's e-mail and the register's password).
pub fn check_register_url(url: &str) -> Result<(), String> {
    use crate::shop_http::{transport, Transport};
    match transport(url) {
        Some(Transport::Tls | Transport::LoopbackHttp) => Ok(()),
        None => Err(format!(
            "{url:?} is not an address; give it as https://online.atol.ru/possystem/v5"
        )),
        Some(Transport::PlainHttp | Transport::Other) => Err(format!(
            "{url} is not https: the receipt and the register's password would cross the network readable by anyone; use the https address"
        )),
    }
}

/// One line of a receipt. `amount_minor` is always `price_minor ×
/// quantity`, exactly.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReceiptLine {
    pub name: String,
    pub price_minor: i64,
    pub quantity: i64,
    pub amount_minor: i64,
    pub vat: VatTag,
    pub vat_minor: i64,
    pub method: MethodSign,
    pub subject: SubjectSign,
    /// A marked good's code (GS separators kept), one unit per line.
    pub marking_code: Option<String>,
    /// The order line it comes from (none for delivery or an advance).
    pub order_line_id: Option<i64>,
}

/// One payment of a receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReceiptPayment {
    pub kind: PaymentType,
    pub amount_minor: i64,
}

/// A receipt as built from an order, before any register saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptDraft {
    pub kind: ReceiptKind,
    pub purpose: ReceiptPurpose,
    pub taxation: Taxation,
    pub contact: String,
    pub lines: Vec<ReceiptLine>,
    pub payments: Vec<ReceiptPayment>,
}

impl ReceiptDraft {
    pub fn total_minor(&self) -> i64 {
        self.lines.iter().map(|l| l.amount_minor).sum()
    }
}

/// What was sold on one order line, as the receipt needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Goods {
    pub order_line_id: Option<i64>,
    pub name: String,
    pub quantity: i64,
    /// After the line's discount, VAT included.
    pub amount_minor: i64,
    pub rate_bp: i64,
    pub marked: bool,
    /// The codes packed on this line, one per unit (may be fewer than the
    /// units before packing).
    pub codes: Vec<String>,
}

/// The order as the receipt rule reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderForReceipt {
    pub number: String,
    pub email: String,
    pub phone: String,
    pub goods: Vec<Goods>,
    pub delivery_method: String,
    pub delivery_minor: i64,
}

impl OrderForReceipt {
    pub fn total_minor(&self) -> i64 {
        self.goods.iter().map(|g| g.amount_minor).sum::<i64>() + self.delivery_minor
    }

    /// Delivery is taxed like the goods it carries (the documents' rule).
    pub fn delivery_rate_bp(&self) -> i64 {
        main_tax_rate_bp(self.goods.iter().map(|g| (g.rate_bp, g.amount_minor)))
    }

    /// Where the register sends the receipt: the e-mail, else the phone
    /// as +7… digits. A buyer with neither cannot get an online receipt.
    pub fn contact(&self) -> Result<String, String> {
        let email = self.email.trim();
        if email.contains('@') {
            return Ok(email.to_string());
        }
        let digits: String = self.phone.chars().filter(char::is_ascii_digit).collect();
        let phone = match digits.len() {
            11 if digits.starts_with('8') => format!("+7{}", &digits[1..]),
            11 if digits.starts_with('7') => format!("+{digits}"),
            10 => format!("+7{digits}"),
            n if (11..=15).contains(&n) && self.phone.trim().starts_with('+') => {
                format!("+{digits}")
            }
            _ => {
                return Err(format!(
                    "order {} has no e-mail or phone the receipt can be sent to; add the buyer's e-mail to the order",
                    self.number
                ))
            }
        };
        Ok(phone)
    }
}

/// Shares `total` among `weights` in proportion, by largest remainder: the
/// shares add up to `total` exactly (the first of equal remainders gets
/// the kopeck). All-zero weights share nothing.
pub fn spread(total: i64, weights: &[i64]) -> Vec<i64> {
    let sum: i128 = weights.iter().map(|&w| i128::from(w.max(0))).sum();
    if sum == 0 {
        return vec![0; weights.len()];
    }
    let mut shares: Vec<i64> = Vec::with_capacity(weights.len());
    let mut remainders: Vec<(i128, usize)> = Vec::with_capacity(weights.len());
    for (i, &w) in weights.iter().enumerate() {
        let exact = i128::from(total) * i128::from(w.max(0));
        shares.push((exact / sum) as i64);
        remainders.push((exact % sum, i));
    }
    let mut left = total - shares.iter().sum::<i64>();
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in remainders {
        if left <= 0 {
            break;
        }
        shares[i] += 1;
        left -= 1;
    }
    shares
}

/// One line's units as receipt lines whose price × quantity is exact:
/// `amount` over `quantity` units is ⌊amount/quantity⌋ for some units and a
/// kopeck more for the rest (two lines when it does not divide); a marked
/// good with codes is one line per unit, each with its code.
fn unit_lines(
    g: &Goods,
    amount: i64,
    method: MethodSign,
    vat: VatTag,
    rate_bp: i64,
    out: &mut Vec<ReceiptLine>,
) {
    let quantity = g.quantity.max(1);
    let base = amount.div_euclid(quantity);
    let more = amount.rem_euclid(quantity);
    let line = |price: i64, quantity: i64, subject, code: Option<String>| ReceiptLine {
        name: g.name.clone(),
        price_minor: price,
        quantity,
        amount_minor: price * quantity,
        vat,
        vat_minor: vat_included(price * quantity, rate_bp),
        method,
        subject,
        marking_code: code,
        order_line_id: g.order_line_id,
    };
    let with_codes = g.marked && !method.is_before_handover();
    if with_codes && !g.codes.is_empty() {
        // Units with a code, one line each; the kopecks more go first.
        let mut unit = 0;
        for code in g.codes.iter().take(quantity as usize) {
            let price = base + i64::from(unit < more);
            out.push(line(
                price,
                1,
                SubjectSign::MarkedWithCode,
                Some(code.clone()),
            ));
            unit += 1;
        }
        let rest = quantity - unit;
        if rest > 0 {
            let more_rest = (more - unit).max(0);
            if more_rest > 0 {
                out.push(line(
                    base + 1,
                    more_rest,
                    SubjectSign::MarkedWithoutCode,
                    None,
                ));
            }
            if rest - more_rest > 0 {
                out.push(line(
                    base,
                    rest - more_rest,
                    SubjectSign::MarkedWithoutCode,
                    None,
                ));
            }
        }
        return;
    }
    let subject = if g.marked {
        SubjectSign::MarkedWithoutCode
    } else {
        SubjectSign::Commodity
    };
    if more > 0 {
        out.push(line(base + 1, more, subject, None));
    }
    if quantity - more > 0 {
        out.push(line(base, quantity - more, subject, None));
    }
}

/// The receipt lines of an order's goods and delivery for `total` (the
/// order's total, or less: a partial refund or a share), spread over the
/// lines in proportion, delivery as its own service line. Lines that come
/// to nothing are left out.
pub fn order_lines(
    order: &OrderForReceipt,
    total: i64,
    method: MethodSign,
) -> Result<Vec<ReceiptLine>, String> {
    let before = method.is_before_handover();
    let mut weights: Vec<i64> = order.goods.iter().map(|g| g.amount_minor).collect();
    weights.push(order.delivery_minor);
    let shares = spread(total, &weights);
    let mut out = Vec::new();
    for (g, &amount) in order.goods.iter().zip(&shares) {
        if amount <= 0 {
            continue;
        }
        let vat = VatTag::of_rate(g.rate_bp, before)?;
        unit_lines(g, amount, method, vat, g.rate_bp, &mut out);
    }
    let delivery = shares.last().copied().unwrap_or(0);
    if delivery > 0 {
        let rate = order.delivery_rate_bp();
        let vat = VatTag::of_rate(rate, before)?;
        let method_name = order.delivery_method.trim();
        out.push(ReceiptLine {
            name: if method_name.is_empty() {
                "Доставка".into()
            } else {
                format!("Доставка ({method_name})")
            },
            price_minor: delivery,
            quantity: 1,
            amount_minor: delivery,
            vat,
            vat_minor: vat_included(delivery, rate),
            method,
            subject: SubjectSign::Service,
            marking_code: None,
            order_line_id: None,
        });
    }
    Ok(out)
}

/// One line for money with no goods named: an advance (аванс) or a credit
/// payment (оплата кредита), VAT at the order's main rate (calculated for
/// an advance).
pub fn payment_line(
    order: &OrderForReceipt,
    amount: i64,
    method: MethodSign,
) -> Result<ReceiptLine, String> {
    let rate = order.delivery_rate_bp();
    let vat = VatTag::of_rate(rate, true)?;
    let name = match method {
        MethodSign::CreditPayment => format!("Оплата по заказу {}", order.number),
        _ => format!("Предоплата по заказу {}", order.number),
    };
    Ok(ReceiptLine {
        name,
        price_minor: amount,
        quantity: 1,
        amount_minor: amount,
        vat,
        vat_minor: vat_included(amount, rate),
        method,
        subject: SubjectSign::Payment,
        marking_code: None,
        order_line_id: None,
    })
}

/// The receipt for a payment taken before the goods are handed over: the
/// whole order at once is a full prepayment with its lines; part of it is
/// an advance.
pub fn prepayment(
    order: &OrderForReceipt,
    taxation: Taxation,
    amount: i64,
    paid_by: PaymentType,
) -> Result<ReceiptDraft, String> {
    let contact = order.contact()?;
    let total = order.total_minor();
    let (purpose, lines) = if amount >= total && total > 0 {
        (
            ReceiptPurpose::Prepayment,
            order_lines(order, total, MethodSign::FullPrepayment)?,
        )
    } else {
        (
            ReceiptPurpose::Advance,
            vec![payment_line(order, amount, MethodSign::Advance)?],
        )
    };
    let sum = lines.iter().map(|l| l.amount_minor).sum();
    Ok(ReceiptDraft {
        kind: ReceiptKind::Sell,
        purpose,
        taxation,
        contact,
        lines,
        payments: payments([(paid_by, sum)]),
    })
}

/// The receipt at the hand-over of the goods: every line with its marking
/// codes. What was prepaid on earlier receipts is offset; money taken and
/// not yet receipted is paid now (`paid_now`, by its type); the rest is
/// credit (постоплата), and the lines say partial payment or credit then.
pub fn settlement(
    order: &OrderForReceipt,
    taxation: Taxation,
    prepaid: i64,
    paid_now: (PaymentType, i64),
) -> Result<ReceiptDraft, String> {
    let contact = order.contact()?;
    let total = order.total_minor();
    let offset = prepaid.clamp(0, total);
    let now = paid_now.1.clamp(0, total - offset);
    let credit = total - offset - now;
    let method = if credit == 0 {
        MethodSign::FullPayment
    } else if offset + now > 0 {
        MethodSign::PartialPayment
    } else {
        MethodSign::Credit
    };
    Ok(ReceiptDraft {
        kind: ReceiptKind::Sell,
        purpose: ReceiptPurpose::Settlement,
        taxation,
        contact,
        lines: order_lines(order, total, method)?,
        payments: payments([
            (PaymentType::Prepayment, offset),
            (paid_now.0, now),
            (PaymentType::Credit, credit),
        ]),
    })
}

/// The receipt for money paid for goods handed over earlier on credit.
pub fn credit_payment(
    order: &OrderForReceipt,
    taxation: Taxation,
    amount: i64,
    paid_by: PaymentType,
) -> Result<ReceiptDraft, String> {
    Ok(ReceiptDraft {
        kind: ReceiptKind::Sell,
        purpose: ReceiptPurpose::CreditPayment,
        taxation,
        contact: order.contact()?,
        lines: vec![payment_line(order, amount, MethodSign::CreditPayment)?],
        payments: payments([(paid_by, amount)]),
    })
}

/// The refund receipt (возврат прихода) for `amount` given back: the
/// returned goods (`returned`: what came back, with their codes) when a
/// return is refunded, else the lines of the receipt the money was taken
/// on (`taken`), shared in proportion to the amount, with its method sign.
pub fn refund(
    order: &OrderForReceipt,
    taxation: Taxation,
    amount: i64,
    paid_back: PaymentType,
    returned: Option<&[Goods]>,
    taken: &[ReceiptLine],
) -> Result<ReceiptDraft, String> {
    let contact = order.contact()?;
    let lines = match returned {
        Some(goods) => {
            let back = OrderForReceipt {
                goods: goods.to_vec(),
                delivery_minor: 0,
                ..order.clone()
            };
            order_lines(&back, amount, MethodSign::FullPayment)?
        }
        None => {
            if taken.is_empty() {
                return Err(format!(
                    "order {} has no receipt the money was taken on, so no refund receipt can mirror it; prepare the sale receipt first",
                    order.number
                ));
            }
            let shares = spread(
                amount,
                &taken.iter().map(|l| l.amount_minor).collect::<Vec<_>>(),
            );
            let mut out = Vec::new();
            for (l, &share) in taken.iter().zip(&shares) {
                if share <= 0 {
                    continue;
                }
                let g = Goods {
                    order_line_id: l.order_line_id,
                    name: l.name.clone(),
                    quantity: l.quantity,
                    amount_minor: share,
                    rate_bp: rate_of(l.vat),
                    marked: l.marking_code.is_some(),
                    codes: l.marking_code.iter().cloned().collect(),
                };
                let before = out.len();
                unit_lines(&g, share, l.method, l.vat, rate_of(l.vat), &mut out);
                for x in &mut out[before..] {
                    x.subject = if x.marking_code.is_some() {
                        SubjectSign::MarkedWithCode
                    } else {
                        l.subject
                    };
                }
            }
            out
        }
    };
    let sum = lines.iter().map(|l| l.amount_minor).sum();
    Ok(ReceiptDraft {
        kind: ReceiptKind::SellRefund,
        purpose: ReceiptPurpose::Refund,
        taxation,
        contact,
        lines,
        payments: payments([(paid_back, sum)]),
    })
}

/// The rate (basis points) a VAT tag stands for.
pub fn rate_of(vat: VatTag) -> i64 {
    use VatTag::*;
    match vat {
        None | Vat0 => 0,
        Vat5 | Vat105 => 500,
        Vat7 | Vat107 => 700,
        Vat10 | Vat110 => 1000,
        Vat20 | Vat120 => 2000,
        Vat22 | Vat122 => 2200,
    }
}

/// Payments that are not nothing, in order.
fn payments<const N: usize>(parts: [(PaymentType, i64); N]) -> Vec<ReceiptPayment> {
    parts
        .into_iter()
        .filter(|(_, amount)| *amount > 0)
        .map(|(kind, amount_minor)| ReceiptPayment { kind, amount_minor })
        .collect()
}

/// VAT by tag across the lines (the receipt's totals per rate), in the
/// order the tags first appear; "без НДС" left out.
pub fn vat_totals(lines: &[ReceiptLine]) -> Vec<(VatTag, i64)> {
    let mut out: Vec<(VatTag, i64)> = Vec::new();
    for l in lines.iter().filter(|l| l.vat != VatTag::None) {
        match out.iter_mut().find(|(t, _)| *t == l.vat) {
            Some((_, sum)) => *sum += l.vat_minor,
            None => out.push((l.vat, l.vat_minor)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn goods(id: i64, quantity: i64, amount: i64, rate_bp: i64) -> Goods {
        Goods {
            order_line_id: Some(id),
            name: format!("Товар {id}"),
            quantity,
            amount_minor: amount,
            rate_bp,
            marked: false,
            codes: vec![],
        }
    }

    fn order() -> OrderForReceipt {
        OrderForReceipt {
            number: "1001".into(),
            email: "maria@example.ru".into(),
            phone: String::new(),
            // 3 mugs for 1000.00 after a discount: 333.34 + 2 × 333.33.
            goods: vec![goods(1, 3, 100_000, 2200), goods(2, 1, 2_500, 1000)],
            delivery_method: "СДЭК".into(),
            delivery_minor: 30_000,
        }
    }

    fn check_exact(d: &ReceiptDraft) {
        for l in &d.lines {
            assert_eq!(l.amount_minor, l.price_minor * l.quantity, "{l:?}");
        }
        assert_eq!(
            d.payments.iter().map(|p| p.amount_minor).sum::<i64>(),
            d.total_minor(),
            "the payments add up to the lines"
        );
    }

    #[test]
    fn a_line_that_does_not_divide_splits_into_exact_lines_and_delivery_is_a_service() {
        let d = settlement(
            &order(),
            Taxation::Osn,
            0,
            (PaymentType::Electronic, 132_500),
        )
        .unwrap();
        check_exact(&d);
        assert_eq!(d.total_minor(), 132_500, "to the kopeck: the order's total");
        let mugs: Vec<_> = d
            .lines
            .iter()
            .filter(|l| l.order_line_id == Some(1))
            .collect();
        assert_eq!(
            mugs.iter()
                .map(|l| (l.price_minor, l.quantity))
                .collect::<Vec<_>>(),
            vec![(33_334, 1), (33_333, 2)]
        );
        let delivery = d.lines.last().unwrap();
        assert_eq!(delivery.subject, SubjectSign::Service);
        assert_eq!(delivery.name, "Доставка (СДЭК)");
        assert_eq!(
            delivery.vat,
            VatTag::Vat22,
            "delivery goes at the goods' main rate"
        );
        assert_eq!(d.lines[0].method, MethodSign::FullPayment);
        assert_eq!(
            d.payments,
            vec![ReceiptPayment {
                kind: PaymentType::Electronic,
                amount_minor: 132_500
            }]
        );
    }

    #[test]
    fn a_prepayment_states_vat_at_the_calculated_rate_and_no_codes() {
        let mut o = order();
        o.goods[0].marked = true;
        o.goods[0].codes = vec!["010460...".into()];
        let d = prepayment(&o, Taxation::Osn, 132_500, PaymentType::Electronic).unwrap();
        check_exact(&d);
        assert_eq!(d.purpose, ReceiptPurpose::Prepayment);
        assert!(d
            .lines
            .iter()
            .all(|l| l.method == MethodSign::FullPrepayment));
        assert_eq!(d.lines[0].vat, VatTag::Vat122);
        assert!(d.lines.iter().all(|l| l.marking_code.is_none()));
        assert_eq!(d.lines[0].subject, SubjectSign::MarkedWithoutCode);
        let part = prepayment(&o, Taxation::Osn, 50_000, PaymentType::Cash).unwrap();
        assert_eq!(part.purpose, ReceiptPurpose::Advance);
        assert_eq!(part.lines.len(), 1);
        assert_eq!(part.lines[0].subject, SubjectSign::Payment);
        assert_eq!(part.lines[0].vat, VatTag::Vat122);
        assert_eq!(part.payments[0].kind, PaymentType::Cash);
    }

    #[test]
    fn marked_units_carry_one_code_each_and_the_kopecks_still_add_up() {
        let mut o = order();
        o.goods[0].marked = true;
        o.goods[0].codes = vec!["A".into(), "B".into()];
        let d = settlement(&o, Taxation::Osn, 132_500, (PaymentType::Electronic, 0)).unwrap();
        check_exact(&d);
        let mugs: Vec<_> = d
            .lines
            .iter()
            .filter(|l| l.order_line_id == Some(1))
            .collect();
        assert_eq!(mugs.len(), 3);
        assert_eq!(mugs[0].marking_code.as_deref(), Some("A"));
        assert_eq!(mugs[1].marking_code.as_deref(), Some("B"));
        assert_eq!(mugs[0].subject, SubjectSign::MarkedWithCode);
        assert_eq!(
            mugs[2].subject,
            SubjectSign::MarkedWithoutCode,
            "the third was not scanned"
        );
        assert_eq!(mugs.iter().map(|l| l.amount_minor).sum::<i64>(), 100_000);
        assert_eq!(
            d.payments[0].kind,
            PaymentType::Prepayment,
            "offset of what was prepaid"
        );
    }

    #[test]
    fn money_still_to_come_is_credit() {
        let d = settlement(&order(), Taxation::Osn, 0, (PaymentType::Cash, 0)).unwrap();
        assert!(d.lines.iter().all(|l| l.method == MethodSign::Credit));
        assert_eq!(
            d.payments,
            vec![ReceiptPayment {
                kind: PaymentType::Credit,
                amount_minor: 132_500
            }]
        );
        let part = settlement(&order(), Taxation::Osn, 32_500, (PaymentType::Cash, 0)).unwrap();
        assert!(part
            .lines
            .iter()
            .all(|l| l.method == MethodSign::PartialPayment));
        check_exact(&part);
    }

    #[test]
    fn shares_add_up_exactly_for_odd_splits() {
        assert_eq!(spread(100, &[1, 1, 1]), vec![34, 33, 33]);
        assert_eq!(spread(1, &[5, 5]), vec![1, 0]);
        assert_eq!(spread(0, &[3, 4]), vec![0, 0]);
        assert_eq!(spread(10, &[0, 0]), vec![0, 0]);
        for total in [1, 7, 99, 1_001_001] {
            let s = spread(total, &[33_333, 33_333, 33_334, 7]);
            assert_eq!(s.iter().sum::<i64>(), total);
        }
    }

    #[test]
    fn a_partial_refund_shares_the_taken_lines() {
        let sold = settlement(
            &order(),
            Taxation::Osn,
            0,
            (PaymentType::Electronic, 132_500),
        )
        .unwrap();
        let r = refund(
            &order(),
            Taxation::Osn,
            10_001,
            PaymentType::Electronic,
            None,
            &sold.lines,
        )
        .unwrap();
        check_exact(&r);
        assert_eq!(r.total_minor(), 10_001);
        assert_eq!(r.kind, ReceiptKind::SellRefund);
        assert!(r.lines.iter().all(|l| l.method == MethodSign::FullPayment));
    }

    #[test]
    fn rates_map_to_tags_and_others_are_refused() {
        assert_eq!(VatTag::of_rate(2200, false), Ok(VatTag::Vat22));
        assert_eq!(VatTag::of_rate(2200, true), Ok(VatTag::Vat122));
        assert_eq!(VatTag::of_rate(500, true), Ok(VatTag::Vat105));
        assert_eq!(VatTag::of_rate(0, true), Ok(VatTag::None));
        let e = VatTag::of_rate(1800, false).unwrap_err();
        assert!(e.contains("18.00%"), "{e}");
    }

    #[test]
    fn the_contact_is_the_email_else_the_phone() {
        let mut o = order();
        assert_eq!(o.contact().unwrap(), "maria@example.ru");
        o.email.clear();
        o.phone = "8 (912) 345-67-89".into();
        assert_eq!(o.contact().unwrap(), "+79123456789");
        o.phone.clear();
        assert!(o.contact().unwrap_err().contains("e-mail"));
    }

    #[test]
    fn the_ledger_method_says_cash_or_electronic() {
        assert_eq!(
            PaymentType::of_method("Наличные курьеру"),
            PaymentType::Cash
        );
        assert_eq!(PaymentType::of_method("cash"), PaymentType::Cash);
        assert_eq!(
            PaymentType::of_method("безналичный"),
            PaymentType::Electronic
        );
        assert_eq!(PaymentType::of_method("карта"), PaymentType::Electronic);
    }
}
