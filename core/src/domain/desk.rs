//! The order desk's rules: an order a manager enters by hand (a phone
//! order), and an edit of an order after it was placed: which changes are
//! allowed in which status, the lines checked and priced in integer minor
//! units, and the before/after the history keeps.

use super::buyer::BusinessBuyer;
use super::customer::CustomerInput;
use super::money::{exponent_of, format_minor, parse_minor, Currency};
use super::{NewLine, NewOrder, OrderHead, OrderLine, OrderStatus, PaymentStatus};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// The VAT rate a line gets when the manager names none: 22 %, the
/// Russian standard rate since 1 January 2026.
pub const DEFAULT_TAX_RATE_BP: i64 = 2200;

/// One line as the manager typed it. Amounts are text as typed ("1 290,50");
/// core reads them in the order's currency. `id` names a line the order has
/// (an edit); a line without one is new.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LineInput {
    #[serde(default)]
    pub id: Option<i64>,
    pub sku: String,
    pub quantity: i64,
    pub unit_price: String,
    /// Discount on the whole line; empty: none.
    #[serde(default)]
    pub discount: String,
    /// Basis points (22 % = 2200); none: [`DEFAULT_TAX_RATE_BP`].
    #[serde(default)]
    pub tax_rate_bp: Option<i64>,
}

/// A line checked and priced: what is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricedLine {
    pub id: Option<i64>,
    pub line: NewLine,
}

impl LineInput {
    /// Checks the line (`n` counts from 1) and prices it; `name` is the
    /// product's name, none when no product has this SKU.
    pub fn priced(
        &self,
        n: usize,
        currency: &str,
        name: Option<&str>,
    ) -> Result<PricedLine, String> {
        let sku = self.sku.trim();
        if sku.is_empty() {
            return Err(format!(
                "line {n} has no SKU; scan the product or search for it"
            ));
        }
        let Some(name) = name else {
            return Err(format!(
                "line {n}: no product has the SKU {sku}; scan the product or search for it by name"
            ));
        };
        if self.quantity < 1 {
            return Err(format!(
                "line {n} ({sku}): the quantity is {}; it must be at least 1 (remove the line to drop it)",
                self.quantity
            ));
        }
        if self.quantity > 100_000 {
            return Err(format!(
                "line {n} ({sku}): {} units is more than 100 000; check the quantity",
                self.quantity
            ));
        }
        let exp = exponent_of(currency);
        let price = parse_minor(&self.unit_price, exp)
            .map_err(|e| format!("line {n} ({sku}), the price: {e}"))?;
        if price < 0 {
            return Err(format!(
                "line {n} ({sku}): the price is negative; a price is 0 or more"
            ));
        }
        let discount = if self.discount.trim().is_empty() {
            0
        } else {
            parse_minor(&self.discount, exp)
                .map_err(|e| format!("line {n} ({sku}), the discount: {e}"))?
        };
        let gross = price
            .checked_mul(self.quantity)
            .ok_or_else(|| format!("line {n} ({sku}): the amount is too large"))?;
        if discount < 0 || discount > gross {
            return Err(format!(
                "line {n} ({sku}): the discount {} is not between 0 and the line's {} {currency}",
                format_minor(discount, exp),
                format_minor(gross, exp)
            ));
        }
        let tax = self.tax_rate_bp.unwrap_or(DEFAULT_TAX_RATE_BP);
        if !(0..=10_000).contains(&tax) {
            return Err(format!(
                "line {n} ({sku}): a tax rate of {tax} basis points is outside 0-100 %"
            ));
        }
        Ok(PricedLine {
            id: self.id,
            line: NewLine {
                sku: sku.to_string(),
                name: name.to_string(),
                quantity: self.quantity,
                unit_price_minor: price,
                discount_minor: discount,
                tax_rate_bp: tax,
            },
        })
    }
}

/// An order a manager enters by hand.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PhoneOrderInput {
    pub customer: CustomerInput,
    pub lines: Vec<LineInput>,
    #[serde(default)]
    pub delivery_method: String,
    /// As typed; empty: free delivery.
    #[serde(default)]
    pub delivery_cost: String,
    #[serde(default)]
    pub comment: String,
    /// Empty: roubles.
    #[serde(default)]
    pub currency: String,
    /// The manager responsible for it; none: nobody yet.
    #[serde(default)]
    pub manager: Option<String>,
    /// Where it came from; empty: "phone".
    #[serde(default)]
    pub channel: String,
}

fn currency_of(text: &str) -> Result<String, String> {
    let code = if text.trim().is_empty() {
        "RUB"
    } else {
        text.trim()
    };
    Currency::parse(code).map(|_| code.to_ascii_uppercase())
}

fn delivery_cost(text: &str, currency: &str) -> Result<i64, String> {
    if text.trim().is_empty() {
        return Ok(0);
    }
    let cost =
        parse_minor(text, exponent_of(currency)).map_err(|e| format!("the delivery cost: {e}"))?;
    if cost < 0 {
        return Err("the delivery cost is negative; it is 0 or more".into());
    }
    Ok(cost)
}

fn short_text(what: &str, text: &str, max: usize) -> Result<String, String> {
    let t = text.trim();
    if t.chars().count() > max {
        return Err(format!("the {what} is longer than {max} characters"));
    }
    Ok(t.to_string())
}

impl PhoneOrderInput {
    /// The order to store under `number`; `name_of` finds a product's name
    /// by SKU. Totals follow from the lines in minor units.
    pub fn to_new_order(
        &self,
        number: &str,
        name_of: impl Fn(&str) -> Option<String>,
        now: DateTime<Utc>,
    ) -> Result<NewOrder, String> {
        let customer = self.customer.check()?;
        let currency = currency_of(&self.currency)?;
        if self.lines.is_empty() {
            return Err("the order has no lines; scan or search for at least one product".into());
        }
        let mut lines = Vec::with_capacity(self.lines.len());
        for (i, l) in self.lines.iter().enumerate() {
            let name = name_of(l.sku.trim());
            lines.push(l.priced(i + 1, &currency, name.as_deref())?.line);
        }
        let channel = if self.channel.trim().is_empty() {
            "phone".to_string()
        } else {
            short_text("channel", &self.channel, 60)?
        };
        let order = NewOrder {
            number: number.to_string(),
            channel,
            customer_name: customer.name,
            email: customer.email,
            phone: customer.phone,
            shipping_address: customer.address,
            delivery_method: short_text("delivery method", &self.delivery_method, 100)?,
            delivery_cost_minor: delivery_cost(&self.delivery_cost, &currency)?,
            currency,
            payment_status: PaymentStatus::AwaitingPayment,
            comment: short_text("comment", &self.comment, 2000)?,
            created_at: now,
            status: OrderStatus::New,
            lines,
        };
        order.validate()?;
        Ok(order)
    }
}

/// A change to an order after it was placed: only the fields given change.
/// `lines`, when given, is the whole new list: lines with an `id` keep
/// (and may change) that line, lines without one are added, and lines of
/// the order not named are removed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OrderEdit {
    #[serde(default)]
    pub number: Option<String>,
    #[serde(default)]
    pub customer_name: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub shipping_address: Option<String>,
    #[serde(default)]
    pub delivery_method: Option<String>,
    #[serde(default)]
    pub delivery_cost: Option<String>,
    #[serde(default)]
    pub comment: Option<String>,
    #[serde(default)]
    pub lines: Option<Vec<LineInput>>,
    /// A business buyer's legal name, ИНН, КПП and legal address (for
    /// ТОРГ-12 and УПД); "" clears one.
    #[serde(default)]
    pub buyer_name: Option<String>,
    #[serde(default)]
    pub buyer_inn: Option<String>,
    #[serde(default)]
    pub buyer_kpp: Option<String>,
    #[serde(default)]
    pub buyer_address: Option<String>,
}

/// The head of an order after an edit (every field, changed or not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeadValues {
    pub number: String,
    pub customer_name: String,
    pub phone: String,
    pub email: String,
    pub shipping_address: String,
    pub delivery_method: String,
    pub delivery_cost_minor: i64,
    pub comment: String,
}

/// What an edit does to the lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineChange {
    Update { id: i64, line: NewLine },
    Insert { line: NewLine },
    Delete { id: i64 },
}

/// An edit worked out: the new head, the line changes in order (with the
/// position each line takes), and the history's before and after (only
/// what changed). Empty `before`/`after`: nothing changed.
#[derive(Debug, Clone, PartialEq)]
pub struct EditPlan {
    pub head: HeadValues,
    pub lines: Vec<(i64, LineChange)>,
    pub before: Map<String, Value>,
    pub after: Map<String, Value>,
}

impl EditPlan {
    pub fn changes_anything(&self) -> bool {
        !self.after.is_empty() || !self.before.is_empty()
    }

    pub fn changes_lines(&self) -> bool {
        !self.lines.is_empty()
    }
}

fn line_json(l: &NewLine) -> Value {
    json!({"sku": l.sku, "name": l.name, "quantity": l.quantity,
        "unit_price_minor": l.unit_price_minor, "discount_minor": l.discount_minor,
        "tax_rate_bp": l.tax_rate_bp})
}

fn stored_line(l: &OrderLine) -> NewLine {
    NewLine {
        sku: l.sku.clone(),
        name: l.name.clone(),
        quantity: l.quantity,
        unit_price_minor: l.unit_price_minor,
        discount_minor: l.discount_minor,
        tax_rate_bp: l.tax_rate_bp,
    }
}

/// Whether an order in `status` may be edited (`lines`: its lines too),
/// with words saying what to do when it may not. A released order's
/// packed units go back to be scanned again when its lines change.
pub fn check_editable(head: &OrderHead, lines: bool) -> Result<(), String> {
    use OrderStatus::*;
    let n = &head.number;
    match head.status {
        New | Confirmed => Ok(()),
        Picking if !lines => Ok(()),
        Picking => Err(format!(
            "order {n} is on a pick list; its lines change after the pick list is completed or the line is picked short"
        )),
        Packing => Err(format!(
            "order {n} is being packed at station {}; release it there (or a supervisor releases it) before editing, so nobody packs against changed lines",
            head.claimed_station.as_deref().unwrap_or("?")
        )),
        Ready => Err(format!(
            "order {n} is packed; take it apart at the packing station (F6) and release it, then edit it"
        )),
        Shipped | Delivered | Completed | Returned | Cancelled => Err(format!(
            "order {n} is {}; an order is edited only until it is shipped",
            head.status
        )),
    }
}

impl OrderEdit {
    /// The business buyer's details after this edit, checked; None when the
    /// edit leaves them as they are.
    pub fn plan_buyer(&self, current: &BusinessBuyer) -> Result<Option<BusinessBuyer>, String> {
        if self.buyer_name.is_none()
            && self.buyer_inn.is_none()
            && self.buyer_kpp.is_none()
            && self.buyer_address.is_none()
        {
            return Ok(None);
        }
        let edited = current.edited(
            self.buyer_name.as_deref(),
            self.buyer_inn.as_deref(),
            self.buyer_kpp.as_deref(),
            self.buyer_address.as_deref(),
        )?;
        Ok((edited != *current).then_some(edited))
    }

    /// Works the edit out against the stored order; `name_of` finds a
    /// product's name by SKU. Checks every rule but the number's
    /// uniqueness (the store knows the other numbers).
    pub fn plan(
        &self,
        head: &OrderHead,
        lines: &[OrderLine],
        name_of: impl Fn(&str) -> Option<String>,
    ) -> Result<EditPlan, String> {
        let mut before = Map::new();
        let mut after = Map::new();
        let mut field = |key: &str, old: Value, new: Value| {
            if old != new {
                before.insert(key.to_string(), old);
                after.insert(key.to_string(), new);
            }
        };
        let number = match &self.number {
            Some(n) => {
                let n = n.trim();
                if n.is_empty() || n.len() > 64 || n.chars().any(char::is_control) {
                    return Err(format!(
                        "{n:?} cannot be an order number; use up to 64 characters"
                    ));
                }
                n.to_string()
            }
            None => head.number.clone(),
        };
        field("number", json!(head.number), json!(number));
        let text =
            |given: &Option<String>, old: &str, what: &str, max: usize| -> Result<String, String> {
                match given {
                    Some(t) => short_text(what, t, max),
                    None => Ok(old.to_string()),
                }
            };
        let customer_name = text(
            &self.customer_name,
            &head.customer_name,
            "customer's name",
            200,
        )?;
        if customer_name.is_empty() {
            return Err("the customer's name is empty; type the name the parcel goes to".into());
        }
        let phone = text(&self.phone, &head.phone, "phone", 40)?;
        super::customer::check_phone(&phone)?;
        let email = text(&self.email, &head.email, "e-mail", 200)?;
        super::customer::check_email(&email)?;
        let shipping_address = text(
            &self.shipping_address,
            &head.shipping_address,
            "address",
            1000,
        )?;
        let delivery_method = text(
            &self.delivery_method,
            &head.delivery_method,
            "delivery method",
            100,
        )?;
        let comment = text(&self.comment, &head.comment, "comment", 2000)?;
        let delivery_cost_minor = match &self.delivery_cost {
            Some(c) => delivery_cost(c, &head.currency)?,
            None => head.delivery_cost_minor,
        };
        field(
            "customer_name",
            json!(head.customer_name),
            json!(customer_name),
        );
        field("phone", json!(head.phone), json!(phone));
        field("email", json!(head.email), json!(email));
        field(
            "shipping_address",
            json!(head.shipping_address),
            json!(shipping_address),
        );
        field(
            "delivery_method",
            json!(head.delivery_method),
            json!(delivery_method),
        );
        field(
            "delivery_cost_minor",
            json!(head.delivery_cost_minor),
            json!(delivery_cost_minor),
        );
        field("comment", json!(head.comment), json!(comment));

        let mut changes = Vec::new();
        if let Some(wanted) = &self.lines {
            if wanted.is_empty() {
                return Err(format!(
                    "order {} would have no lines; cancel the order instead",
                    head.number
                ));
            }
            let mut old_lines = Vec::new();
            let mut new_lines = Vec::new();
            let mut kept = std::collections::BTreeSet::new();
            for (i, input) in wanted.iter().enumerate() {
                let position = i as i64 + 1;
                let name_given = name_of(input.sku.trim());
                let stored = input.id.map(|id| {
                    lines.iter().find(|l| l.id == id).ok_or_else(|| {
                        format!("line {position}: order {} has no line {id}", head.number)
                    })
                });
                let stored = stored.transpose()?;
                // A line kept with its product: the stored name stands, even
                // for a product renamed since.
                let name = match stored {
                    Some(s) if s.sku == input.sku.trim() => Some(s.name.clone()),
                    _ => name_given,
                };
                let priced = input.priced(i + 1, &head.currency, name.as_deref())?;
                match stored {
                    Some(s) => {
                        if !kept.insert(s.id) {
                            return Err(format!("line {position}: line {} is named twice", s.id));
                        }
                        let old = stored_line(s);
                        if old != priced.line || s.position != position {
                            if old != priced.line {
                                old_lines.push(line_json(&old));
                                new_lines.push(line_json(&priced.line));
                            }
                            changes.push((
                                position,
                                LineChange::Update {
                                    id: s.id,
                                    line: priced.line,
                                },
                            ));
                        }
                    }
                    None => {
                        new_lines.push(line_json(&priced.line));
                        changes.push((position, LineChange::Insert { line: priced.line }));
                    }
                }
            }
            for l in lines.iter().filter(|l| !kept.contains(&l.id)) {
                old_lines.push(line_json(&stored_line(l)));
                changes.push((0, LineChange::Delete { id: l.id }));
            }
            if !old_lines.is_empty() || !new_lines.is_empty() {
                before.insert("lines".into(), Value::Array(old_lines));
                after.insert("lines".into(), Value::Array(new_lines));
            }
            // Moving lines only (no content change) is not worth a history
            // entry nor a reservation move.
            if !after.contains_key("lines") {
                changes.clear();
            }
        }
        Ok(EditPlan {
            head: HeadValues {
                number,
                customer_name,
                phone,
                email,
                shipping_address,
                delivery_method,
                delivery_cost_minor,
                comment,
            },
            lines: changes,
            before,
            after,
        })
    }
}

#[cfg(test)]
use tests as tests_support;

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn names(sku: &str) -> Option<String> {
        match sku {
            "PB-1" => Some("Кружка".into()),
            "PB-2" => Some("Чайник".into()),
            _ => None,
        }
    }

    fn line(sku: &str, qty: i64, price: &str) -> LineInput {
        LineInput {
            id: None,
            sku: sku.into(),
            quantity: qty,
            unit_price: price.into(),
            discount: String::new(),
            tax_rate_bp: None,
        }
    }

    fn phone_order(lines: Vec<LineInput>) -> PhoneOrderInput {
        PhoneOrderInput {
            customer: CustomerInput {
                name: "Петров Иван".into(),
                phone: "89123456789".into(),
                ..Default::default()
            },
            lines,
            delivery_cost: "350".into(),
            ..Default::default()
        }
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 29, 10, 0, 0).unwrap()
    }

    #[test]
    fn a_phone_order_is_priced_in_minor_units_from_what_was_typed() {
        let mut l = line("PB-1", 3, "1 290,50");
        l.discount = "100".into();
        let o = phone_order(vec![l, line("PB-2", 1, "2500")])
            .to_new_order("1201", names, now())
            .unwrap();
        assert_eq!(o.channel, "phone");
        assert_eq!(o.currency, "RUB");
        assert_eq!(o.lines[0].name, "Кружка");
        assert_eq!(o.lines[0].unit_price_minor, 129_050);
        assert_eq!(o.lines[0].amount_minor(), 3 * 129_050 - 10_000);
        assert_eq!(o.lines[0].tax_rate_bp, DEFAULT_TAX_RATE_BP);
        assert_eq!(o.total_minor(), 3 * 129_050 - 10_000 + 250_000 + 35_000);
    }

    #[test]
    fn bad_lines_are_refused_with_what_to_do() {
        let bad = |l: LineInput| {
            phone_order(vec![l])
                .to_new_order("1", names, now())
                .unwrap_err()
        };
        assert!(bad(line("PB-1", -2, "10")).contains("quantity is -2"));
        assert!(bad(line("PB-1", 0, "10")).contains("at least 1"));
        assert!(bad(line("PB-1", 1, "-10")).contains("negative"));
        assert!(bad(line("NOPE", 1, "10")).contains("no product has the SKU NOPE"));
        assert!(bad(line("PB-1", 1, "десять")).contains("the price"));
        let mut d = line("PB-1", 1, "10");
        d.discount = "11".into();
        assert!(bad(d).contains("discount"));
        assert!(phone_order(vec![])
            .to_new_order("1", names, now())
            .unwrap_err()
            .contains("no lines"));
    }

    pub(super) fn stored() -> (OrderHead, Vec<OrderLine>) {
        let head = OrderHead {
            id: 7,
            number: "1201".into(),
            channel: "phone".into(),
            customer_name: "Петров Иван".into(),
            email: String::new(),
            phone: "89123456789".into(),
            shipping_address: "Казань".into(),
            delivery_method: "СДЭК".into(),
            delivery_cost_minor: 35_000,
            currency: "RUB".into(),
            payment_status: PaymentStatus::AwaitingPayment,
            comment: String::new(),
            status: OrderStatus::Confirmed,
            status_changed_at: now(),
            created_at: now(),
            claimed_station: None,
            claimed_by: None,
            carrier: None,
            tracking_number: None,
            shipped_at: None,
            short_reason: None,
            sub_status: None,
            manager: None,
            hold_reason: None,
            split_from: None,
        };
        let l = |id: i64, sku: &str, name: &str, qty: i64| OrderLine {
            id,
            position: id,
            product_id: Some(id),
            sku: sku.into(),
            name: name.into(),
            quantity: qty,
            unit_price_minor: 10_000,
            discount_minor: 0,
            tax_rate_bp: 2200,
            amount_minor: qty * 10_000,
            packed: 0,
            bin: None,
            backordered: 0,
            expected_on: None,
            dropship: None,
            supplier: None,
            purchase_order: None,
            supplier_tracking: None,
        };
        (
            head,
            vec![l(1, "PB-1", "Кружка", 2), l(2, "PB-2", "Чайник", 1)],
        )
    }

    #[test]
    fn an_edit_keeps_only_what_changed_for_the_history() {
        let (head, lines) = stored();
        let mut keep = line("PB-1", 3, "100");
        keep.id = Some(1);
        keep.tax_rate_bp = Some(2200);
        let edit = OrderEdit {
            phone: Some("+7 912 000-00-00".into()),
            lines: Some(vec![keep]),
            ..Default::default()
        };
        let plan = edit.plan(&head, &lines, names).unwrap();
        assert_eq!(plan.before["phone"], "89123456789");
        assert_eq!(plan.after["phone"], "+7 912 000-00-00");
        assert!(!plan.after.contains_key("customer_name"));
        assert_eq!(plan.before["lines"][0]["quantity"], 2);
        assert_eq!(plan.after["lines"][0]["quantity"], 3);
        assert_eq!(plan.before["lines"][1]["sku"], "PB-2", "the removed line");
        assert_eq!(plan.lines.len(), 2);
        assert!(matches!(plan.lines[1].1, LineChange::Delete { id: 2 }));

        let same = OrderEdit {
            customer_name: Some(" Петров Иван ".into()),
            ..Default::default()
        };
        assert!(!same.plan(&head, &lines, names).unwrap().changes_anything());
        let none = OrderEdit {
            lines: Some(vec![]),
            ..Default::default()
        };
        assert!(none
            .plan(&head, &lines, names)
            .unwrap_err()
            .contains("cancel"));
    }

    #[test]
    fn a_shipped_or_packed_order_is_not_edited_and_says_what_to_do() {
        let (mut head, _) = stored();
        assert!(check_editable(&head, true).is_ok());
        head.status = OrderStatus::Ready;
        assert!(check_editable(&head, false)
            .unwrap_err()
            .contains("take it apart"));
        head.status = OrderStatus::Shipped;
        assert!(check_editable(&head, false)
            .unwrap_err()
            .contains("until it is shipped"));
        head.status = OrderStatus::Picking;
        assert!(check_editable(&head, false).is_ok());
        assert!(check_editable(&head, true)
            .unwrap_err()
            .contains("pick list"));
    }
}

/// Units of one line to move to a new order when the order is split.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SplitLine {
    pub line_id: i64,
    pub quantity: i64,
}

/// One line's part of a split: what stays (none: the line goes) and what
/// moves, the line's discount shared in proportion (the moved part's share
/// rounded down, so the two parts add up to the line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineSplit {
    pub line_id: i64,
    pub kept: Option<NewLine>,
    pub moved: NewLine,
    /// The day the moved units are expected, when they were the line's
    /// back-ordered ones.
    pub expected_on: Option<chrono::NaiveDate>,
}

/// What a split moves: the lines and units named, or (none named) every
/// line's back-ordered units; the order keeps at least one unit.
pub fn plan_split(
    head: &OrderHead,
    lines: &[OrderLine],
    wanted: &[SplitLine],
) -> Result<Vec<LineSplit>, String> {
    let n = &head.number;
    if !matches!(head.status, OrderStatus::New | OrderStatus::Confirmed) {
        return Err(format!(
            "order {n} is {}; an order is split while it is new or confirmed, before picking starts",
            head.status
        ));
    }
    let wanted: Vec<SplitLine> = if wanted.is_empty() {
        lines
            .iter()
            .filter(|l| l.backordered > 0)
            .map(|l| SplitLine {
                line_id: l.id,
                quantity: l.backordered,
            })
            .collect()
    } else {
        wanted.to_vec()
    };
    if wanted.is_empty() {
        return Err(format!(
            "nothing of order {n} is back-ordered; name the lines and units to move to the new order"
        ));
    }
    let mut out: Vec<LineSplit> = Vec::new();
    let mut moved_units = 0;
    for w in &wanted {
        let Some(l) = lines.iter().find(|l| l.id == w.line_id) else {
            return Err(format!("order {n} has no line {}", w.line_id));
        };
        if out.iter().any(|s| s.line_id == l.id) {
            return Err(format!("line {} ({}) is named twice", l.position, l.sku));
        }
        let movable = l.quantity - l.packed;
        if w.quantity < 1 || w.quantity > movable {
            return Err(format!(
                "line {} ({}): {} units cannot move; 1 to {movable} can (the units not packed yet)",
                l.position, l.sku, w.quantity
            ));
        }
        moved_units += w.quantity;
        let moved_discount = l.discount_minor * w.quantity / l.quantity;
        let part = |quantity: i64, discount_minor: i64| NewLine {
            sku: l.sku.clone(),
            name: l.name.clone(),
            quantity,
            unit_price_minor: l.unit_price_minor,
            discount_minor,
            tax_rate_bp: l.tax_rate_bp,
        };
        out.push(LineSplit {
            line_id: l.id,
            kept: (w.quantity < l.quantity)
                .then(|| part(l.quantity - w.quantity, l.discount_minor - moved_discount)),
            moved: part(w.quantity, moved_discount),
            expected_on: l.expected_on.filter(|_| l.backordered > 0),
        });
    }
    let units: i64 = lines.iter().map(|l| l.quantity).sum();
    if moved_units >= units {
        return Err(format!(
            "the split would move all of order {n}; nothing would ship now — leave it whole instead"
        ));
    }
    Ok(out)
}

/// Why an order waits: a short reason, or none to release the hold.
pub fn check_hold_reason(reason: Option<&str>) -> Result<Option<String>, String> {
    match reason.map(str::trim).filter(|r| !r.is_empty()) {
        None => Ok(None),
        Some(r) if r.chars().count() > 200 || r.chars().any(char::is_control) => {
            Err("a hold reason is at most 200 characters on one line, such as «ждём оплату»".into())
        }
        Some(r) => Ok(Some(r.to_string())),
    }
}

#[cfg(test)]
mod split_tests {
    use super::*;

    #[test]
    fn a_split_moves_the_back_ordered_units_and_shares_the_discount() {
        let (head, mut lines) = tests_support::stored();
        lines[0].quantity = 3;
        lines[0].discount_minor = 100;
        lines[0].backordered = 2;
        let plan = plan_split(&head, &lines, &[]).unwrap();
        assert_eq!(plan.len(), 1);
        let s = &plan[0];
        assert_eq!(s.moved.quantity, 2);
        assert_eq!(s.moved.discount_minor, 66);
        let kept = s.kept.as_ref().unwrap();
        assert_eq!((kept.quantity, kept.discount_minor), (1, 34));
        assert_eq!(
            kept.amount_minor() + s.moved.amount_minor(),
            3 * lines[0].unit_price_minor - 100,
            "the two parts add up to the line"
        );
        let all = [
            SplitLine {
                line_id: 1,
                quantity: 3,
            },
            SplitLine {
                line_id: 2,
                quantity: 1,
            },
        ];
        assert!(plan_split(&head, &lines, &all)
            .unwrap_err()
            .contains("leave it whole"));
        lines[0].backordered = 0;
        assert!(plan_split(&head, &lines, &[])
            .unwrap_err()
            .contains("nothing"));
        let too_many = [SplitLine {
            line_id: 1,
            quantity: 4,
        }];
        assert!(plan_split(&head, &lines, &too_many)
            .unwrap_err()
            .contains("1 to 3"));
    }
}
