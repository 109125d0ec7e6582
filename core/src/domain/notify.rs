//! Telling customers where their order is: the events that send a message,
//! the templates (Russian and English, editable by an admin), how a
//! template is filled in, and the store's mail server settings.

use crate::documents::Lang;
use serde::{Deserialize, Serialize};

crate::named_enum! {
    /// What a customer is told about.
    pub enum NotifyEvent("customer message") {
        Confirmed = "confirmed",
        /// Part of the order waits for stock; says the expected day.
        BackOrdered = "back_ordered",
        Packed = "packed",
        /// With the carrier's tracking link.
        Shipped = "shipped",
        /// The store's step `at_pickup_point` inside "shipped".
        AtPickupPoint = "at_pickup_point",
        Delivered = "delivered",
        // Dropshipping (issue 15 item 4): written to the supplier, not the
        // customer; {number} is the customer's order, the purchase order
        // itself goes as PDF and CSV attachments.
        /// A purchase order for the lines the supplier ships.
        PurchaseOrder = "purchase_order",
        /// The order was cancelled: the supplier should not ship.
        PurchaseOrderCancelled = "purchase_order_cancelled",
    }
}

/// The placeholders a template may use, each `{name}`.
pub const PLACEHOLDERS: [&str; 9] = [
    "number",
    "customer",
    "total",
    "carrier",
    "tracking",
    "tracking_link",
    "expected_date",
    "store",
    "store_phone",
];

/// A template: the subject and the plain-text body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Template {
    pub event: NotifyEvent,
    pub lang: Lang,
    pub subject: String,
    pub body: String,
    /// Changed from Packbench's own wording by the store.
    pub edited: bool,
}

/// Values for a template's placeholders.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vars {
    pub number: String,
    pub customer: String,
    pub total: String,
    pub carrier: String,
    pub tracking: String,
    pub tracking_link: String,
    pub expected_date: String,
    pub store: String,
    pub store_phone: String,
}

impl Vars {
    fn get(&self, name: &str) -> Option<&str> {
        Some(match name {
            "number" => &self.number,
            "customer" => &self.customer,
            "total" => &self.total,
            "carrier" => &self.carrier,
            "tracking" => &self.tracking,
            "tracking_link" => &self.tracking_link,
            "expected_date" => &self.expected_date,
            "store" => &self.store,
            "store_phone" => &self.store_phone,
            _ => return None,
        })
    }
}

/// Fills in `{placeholder}`s; `{{` and `}}` are literal braces. An unknown
/// or unclosed placeholder is an error naming it, so a typo in an edited
/// template is caught when it is saved, not when a customer gets it.
pub fn render(template: &str, vars: &Vars) -> Result<String, String> {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if let Some(t) = tail.strip_prefix("{{") {
            out.push('{');
            rest = t;
        } else if let Some(t) = tail.strip_prefix("}}") {
            out.push('}');
            rest = t;
        } else if tail.starts_with('}') {
            return Err("a lone \"}\" in the template; write \"}}\" for a brace".into());
        } else {
            let end = tail.find('}').ok_or_else(|| {
                format!(
                    "\"{}\" is not closed; placeholders look like {{number}}",
                    tail.chars().take(20).collect::<String>()
                )
            })?;
            let name = tail[1..end].trim();
            let value = vars.get(name).ok_or_else(|| {
                format!(
                    "{{{name}}} is not a placeholder; use one of {}",
                    PLACEHOLDERS
                        .iter()
                        .map(|p| format!("{{{p}}}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })?;
            out.push_str(value);
            rest = &tail[end + 1..];
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// Packbench's own wording of a message.
pub fn default_template(event: NotifyEvent, lang: Lang) -> (&'static str, &'static str) {
    use NotifyEvent::*;
    match (event, lang) {
        (Confirmed, Lang::Ru) => (
            "Заказ {number} подтверждён",
            "Здравствуйте, {customer}!\n\nВаш заказ {number} на сумму {total} подтверждён, мы начали его собирать.\n\nСпасибо за покупку!\n{store}\n{store_phone}",
        ),
        (BackOrdered, Lang::Ru) => (
            "Заказ {number}: часть товаров поступит {expected_date}",
            "Здравствуйте, {customer}!\n\nЧасть товаров из заказа {number} сейчас нет на складе. Мы ожидаем их {expected_date} и сразу отправим заказ.\n\n{store}\n{store_phone}",
        ),
        (Packed, Lang::Ru) => (
            "Заказ {number} собран",
            "Здравствуйте, {customer}!\n\nВаш заказ {number} собран и упакован. Скоро передадим его в службу доставки.\n\n{store}",
        ),
        (Shipped, Lang::Ru) => (
            "Заказ {number} отправлен",
            "Здравствуйте, {customer}!\n\nВаш заказ {number} передан в службу доставки «{carrier}».\nТрек-номер: {tracking}\nОтследить посылку: {tracking_link}\n\n{store}\n{store_phone}",
        ),
        (AtPickupPoint, Lang::Ru) => (
            "Заказ {number} ждёт вас в пункте выдачи",
            "Здравствуйте, {customer}!\n\nВаш заказ {number} прибыл в пункт выдачи «{carrier}». Трек-номер: {tracking}\n{tracking_link}\n\n{store}",
        ),
        (Delivered, Lang::Ru) => (
            "Заказ {number} доставлен",
            "Здравствуйте, {customer}!\n\nВаш заказ {number} доставлен. Спасибо, что выбрали нас!\n\n{store}\n{store_phone}",
        ),
        (PurchaseOrder, Lang::Ru) => (
            "Заказ поставщику по заказу {number}",
            "Здравствуйте!\n\nПросим отправить покупателю товары по нашему заказу {number}. Список товаров и адрес доставки — во вложении (PDF и CSV).\nПосле отправки, пожалуйста, сообщите трек-номер посылки.\n\n{store}\n{store_phone}",
        ),
        (PurchaseOrderCancelled, Lang::Ru) => (
            "Отмена заказа поставщику по заказу {number}",
            "Здравствуйте!\n\nПокупатель отменил заказ {number}. Пожалуйста, не отправляйте товары по нашему заказу поставщику для него. Если посылка уже отправлена, сообщите трек-номер.\n\n{store}\n{store_phone}",
        ),
        (PurchaseOrder, Lang::En) => (
            "Purchase order for order {number}",
            "Hello,\n\nplease ship the goods of our order {number} to the customer. The items and the delivery address are attached (PDF and CSV).\nOnce shipped, please send us the parcel's tracking number.\n\n{store}\n{store_phone}",
        ),
        (PurchaseOrderCancelled, Lang::En) => (
            "Purchase order for order {number} is cancelled",
            "Hello,\n\nthe customer cancelled order {number}. Please do not ship our purchase order for it. If the parcel has left already, please send us its tracking number.\n\n{store}\n{store_phone}",
        ),
        (Confirmed, Lang::En) => (
            "Order {number} is confirmed",
            "Hello {customer},\n\nyour order {number} of {total} is confirmed and we have started packing it.\n\nThank you!\n{store}\n{store_phone}",
        ),
        (BackOrdered, Lang::En) => (
            "Order {number}: some items arrive on {expected_date}",
            "Hello {customer},\n\nsome items of order {number} are out of stock. We expect them on {expected_date} and will send the order right away.\n\n{store}\n{store_phone}",
        ),
        (Packed, Lang::En) => (
            "Order {number} is packed",
            "Hello {customer},\n\nyour order {number} is packed and will be handed to the carrier soon.\n\n{store}",
        ),
        (Shipped, Lang::En) => (
            "Order {number} is on its way",
            "Hello {customer},\n\nyour order {number} was handed to {carrier}.\nTracking number: {tracking}\nTrack it: {tracking_link}\n\n{store}\n{store_phone}",
        ),
        (AtPickupPoint, Lang::En) => (
            "Order {number} is waiting at the pickup point",
            "Hello {customer},\n\nyour order {number} has arrived at the {carrier} pickup point. Tracking number: {tracking}\n{tracking_link}\n\n{store}",
        ),
        (Delivered, Lang::En) => (
            "Order {number} is delivered",
            "Hello {customer},\n\nyour order {number} was delivered. Thank you for shopping with us!\n\n{store}\n{store_phone}",
        ),
    }
}

crate::named_enum! {
    /// How the connection to the mail server is protected.
    pub enum MailSecurity("mail security") {
        /// Plain connection upgraded with STARTTLS (port 587).
        StartTls = "starttls",
        /// TLS from the first byte (port 465).
        Tls = "tls",
        /// No encryption: only for a server on this computer (127.0.0.1,
        /// localhost), where nothing crosses a network.
        None = "none",
    }
}

/// The store's mail server and what customers are told. The password is
/// kept in the OS keyring, never here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MailSettings {
    /// Messages are queued on the events only when this is on.
    pub enabled: bool,
    pub host: String,
    pub port: u16,
    pub security: MailSecurity,
    /// Empty: the server takes mail without a login.
    pub user: String,
    /// The sender address customers see (and reply to).
    pub from_address: String,
    pub from_name: String,
    /// The language customers are written in.
    pub lang: Lang,
    /// The events that send a message (all by default).
    pub events: Vec<NotifyEvent>,
}

impl Default for MailSettings {
    fn default() -> Self {
        MailSettings {
            enabled: false,
            host: String::new(),
            port: 587,
            security: MailSecurity::StartTls,
            user: String::new(),
            from_address: String::new(),
            from_name: String::new(),
            lang: Lang::Ru,
            events: NotifyEvent::ALL.to_vec(),
        }
    }
}

/// Whether `host` is this computer.
pub fn is_loopback(host: &str) -> bool {
    let h = host.trim().trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost")
        || h.parse::<std::net::IpAddr>()
            .map(|ip| ip.is_loopback())
            .unwrap_or(false)
}

impl MailSettings {
    /// Checks what can be checked without the server.
    pub fn validate(&self) -> Result<(), String> {
        if !self.enabled && self.host.trim().is_empty() {
            return Ok(());
        }
        if self.host.trim().is_empty() {
            return Err("the mail server's host is empty; enter it, e.g. smtp.yandex.ru".into());
        }
        if self.port == 0 {
            return Err("the mail server's port is 0; use 587 (STARTTLS) or 465 (TLS)".into());
        }
        if self.security == MailSecurity::None && !is_loopback(&self.host) {
            return Err(format!(
                "mail to {} would cross the network unencrypted; choose STARTTLS or TLS \
                 (no encryption is allowed only for a server on this computer)",
                self.host.trim()
            ));
        }
        let at = self.from_address.trim();
        if at.parse::<lettre::Address>().is_err() {
            return Err(format!(
                "the sender address {at:?} is not an e-mail address; enter the shop's address, e.g. shop@example.ru"
            ));
        }
        Ok(())
    }

    /// Where the keyring keeps this server's password.
    pub fn keyring_key(&self) -> String {
        format!(
            "smtp {}@{}:{}",
            self.user.trim(),
            self.host.trim(),
            self.port
        )
    }

    pub fn sends(&self, event: NotifyEvent) -> bool {
        self.enabled && self.events.contains(&event)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> Vars {
        Vars {
            number: "1001".into(),
            customer: "Иванова Мария".into(),
            tracking: "1234567890".into(),
            tracking_link: "https://www.cdek.ru/ru/tracking?order_id=1234567890".into(),
            carrier: "СДЭК".into(),
            ..Default::default()
        }
    }

    #[test]
    fn every_default_template_fills_in() {
        for event in NotifyEvent::ALL {
            for lang in [Lang::Ru, Lang::En] {
                let (s, b) = default_template(*event, lang);
                render(s, &vars()).unwrap();
                let body = render(b, &vars()).unwrap();
                assert!(body.contains("1001"), "{event} {lang:?}: {body}");
            }
        }
        let (_, shipped) = default_template(NotifyEvent::Shipped, Lang::Ru);
        assert!(render(shipped, &vars())
            .unwrap()
            .contains("https://www.cdek.ru/ru/tracking?order_id=1234567890"));
    }

    #[test]
    fn a_typo_in_a_placeholder_is_named() {
        let e = render("Заказ {nomer}", &vars()).unwrap_err();
        assert!(e.contains("{nomer}") && e.contains("{number}"), "{e}");
        assert!(render("Заказ {number", &vars())
            .unwrap_err()
            .contains("not closed"));
        assert_eq!(render("{{x}} {number}", &vars()).unwrap(), "{x} 1001");
    }

    #[test]
    fn plain_text_mail_is_only_for_this_computer() {
        let mut s = MailSettings {
            enabled: true,
            host: "smtp.example.ru".into(),
            security: MailSecurity::None,
            from_address: "shop@example.ru".into(),
            ..Default::default()
        };
        assert!(s.validate().unwrap_err().contains("unencrypted"));
        s.host = "127.0.0.1".into();
        assert_eq!(s.validate(), Ok(()));
        s.from_address = "магазин".into();
        assert!(s.validate().unwrap_err().contains("sender address"));
    }
}
