//! ATOL Online's JSON protocol, v5 (ФФД 1.2): the common protocol of
//! online registers (ATOL's cloud, and services that speak it). Three
//! calls, each one HTTP request:
//!
//! - `POST {url}/getToken` `{"login", "pass"}` → `{"token", "error"}`;
//! - `POST {url}/{group_code}/sell` (or `sell_refund`) with the header
//!   `Token` and `{"external_id", "timestamp", "receipt": {"client",
//!   "company", "items", "payments", "vats", "total"}}` → `{"uuid",
//!   "status": "wait", "error"}`;
//! - `GET {url}/{group_code}/report/{uuid}` with `Token` → `{"uuid",
//!   "status": "wait" | "done" | "fail", "error", "payload": {"fn_number",
//!   "fiscal_document_number", "fiscal_document_attribute",
//!   "receipt_datetime", "shift_number", "ecr_registration_number",
//!   "fns_site", ...}}`.
//!
//! Money goes as roubles with kopecks (a JSON number), a marked good's code
//! as `mark_code.gs1m` (the code's bytes in base64, GS separators kept).
//! The transport is `crate::shop_http` (hyper over rustls, one connection
//! per request).

use super::{Answer, CashRegister, ToRegister};
use crate::domain::receipt::{AtolSettings, PaymentType, ReceiptKind};
use crate::exchange::shop_api::ShopRequest;
use crate::store::receipts::FiscalAttributes;
use base64::Engine;
use serde_json::{json, Value};
use std::time::Duration;

/// A register behind ATOL Online's protocol.
pub struct AtolOnline {
    settings: AtolSettings,
    password: Option<String>,
}

impl AtolOnline {
    pub fn new(settings: AtolSettings, password: Option<String>) -> Self {
        Self { settings, password }
    }
}

/// Roubles with kopecks as the protocol's number.
fn money(minor: i64) -> Value {
    json!(minor as f64 / 100.0)
}

/// The protocol's payment type number.
fn payment_type(kind: PaymentType) -> u8 {
    match kind {
        PaymentType::Cash => 0,
        PaymentType::Electronic => 1,
        PaymentType::Prepayment => 2,
        PaymentType::Credit => 3,
    }
}

/// The operation a receipt's kind is registered by.
pub fn operation(kind: ReceiptKind) -> &'static str {
    match kind {
        ReceiptKind::Sell => "sell",
        ReceiptKind::SellRefund => "sell_refund",
    }
}

/// The body of the registration request, exactly as it is sent.
pub fn request_body(r: &ToRegister, s: &AtolSettings) -> Value {
    let client = if r.contact.contains('@') {
        json!({ "email": r.contact })
    } else {
        json!({ "phone": r.contact })
    };
    let items: Vec<Value> = r
        .lines
        .iter()
        .map(|l| {
            let mut item = json!({
                // The protocol takes 128 characters of a name.
                "name": l.name.chars().take(128).collect::<String>(),
                "price": money(l.price_minor),
                "quantity": l.quantity,
                "sum": money(l.amount_minor),
                // 0: штуки (units).
                "measure": 0,
                "payment_method": l.method.as_str(),
                "payment_object": l.subject.tag(),
                "vat": { "type": l.vat.as_str(), "sum": money(l.vat_minor) },
            });
            if let Some(code) = &l.marking_code {
                item["mark_processing_mode"] = json!("0");
                item["mark_code"] = json!({
                    "gs1m": base64::engine::general_purpose::STANDARD.encode(code.as_bytes())
                });
            }
            item
        })
        .collect();
    let payments: Vec<Value> = r
        .payments
        .iter()
        .map(|p| json!({ "type": payment_type(p.kind), "sum": money(p.amount_minor) }))
        .collect();
    let vats: Vec<Value> = crate::domain::receipt::vat_totals(&r.lines)
        .into_iter()
        .map(|(tag, sum)| json!({ "type": tag.as_str(), "sum": money(sum) }))
        .collect();
    let mut receipt = json!({
        "client": client,
        "company": {
            "email": s.company_email,
            "sno": r.taxation.as_str(),
            "inn": s.inn,
            "payment_address": s.payment_address,
        },
        "items": items,
        "payments": payments,
        "total": money(r.total_minor),
    });
    if !vats.is_empty() {
        receipt["vats"] = json!(vats);
    }
    json!({
        "external_id": r.external_id,
        "timestamp": r.timestamp,
        "receipt": receipt,
    })
}

/// The protocol's error object in words: "code 33: text".
fn error_words(v: &Value) -> Option<String> {
    let e = v.get("error").filter(|e| !e.is_null())?;
    let code = e.get("code").map(|c| c.to_string()).unwrap_or_default();
    let text = e
        .get("text")
        .and_then(Value::as_str)
        .unwrap_or("no text")
        .to_string();
    Some(format!("error {code}: {text}"))
}

/// A value as text, whether the register sent it as a string or a number.
fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The fiscal attributes of a `done` report, if they are all there.
fn attributes(payload: &Value) -> Option<FiscalAttributes> {
    Some(FiscalAttributes {
        fn_number: text(payload.get("fn_number"))?,
        fd_number: text(payload.get("fiscal_document_number"))?,
        fpd: text(payload.get("fiscal_document_attribute"))?,
        fiscal_time: text(payload.get("receipt_datetime"))?,
        shift_number: text(payload.get("shift_number")),
        registration_number: text(payload.get("ecr_registration_number")),
        fns_site: text(payload.get("fns_site")),
    })
}

/// What a report (or a registration's answer) says.
fn read_report(v: &Value) -> Answer {
    let uuid = text(v.get("uuid"));
    match v.get("status").and_then(Value::as_str) {
        Some("done") => match v.get("payload").and_then(attributes) {
            Some(attributes) => Answer::Fiscalised { uuid, attributes },
            None => Answer::Unreachable(
                "the register says done but its answer lacks the fiscal attributes (ФН, ФД, ФПД, time); ask it again".into(),
            ),
        },
        Some("wait") => match uuid {
            Some(uuid) => Answer::Accepted { uuid },
            None => Answer::Unreachable("the register answered without the receipt's id".into()),
        },
        _ => Answer::Refused {
            uuid,
            reason: error_words(v).unwrap_or_else(|| "the register refused the receipt without a reason".into()),
        },
    }
}

impl AtolOnline {
    fn timeout(&self) -> Duration {
        Duration::from_secs(u64::from(self.settings.timeout_s.max(1)))
    }

    /// One call: the JSON answer, or why there is none.
    async fn call(
        &self,
        method: &'static str,
        url: String,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Result<(u16, Value), String> {
        let mut headers = vec![(
            "Content-Type".to_string(),
            "application/json; charset=utf-8".to_string(),
        )];
        if let Some(t) = token {
            headers.push(("Token".into(), t.into()));
        }
        let request = ShopRequest {
            method,
            url,
            headers,
            body: body.map(|b| b.to_string().into_bytes()),
        };
        let limit = self.timeout();
        let answer = tokio::time::timeout(
            limit,
            crate::shop_http::send(&request, limit + Duration::from_secs(1)),
        )
        .await
        .map_err(|_| format!("the register did not answer within {} s", limit.as_secs()))??;
        let value: Value = serde_json::from_slice(&answer.body).map_err(|_| {
            format!(
                "the register answered HTTP {} with something that is not the protocol's JSON: {}",
                answer.status,
                String::from_utf8_lossy(&answer.body[..answer.body.len().min(200)])
            )
        })?;
        Ok((answer.status, value))
    }

    /// A token for the next calls, or the answer that stops them.
    async fn token(&self) -> Result<String, Answer> {
        let Some(pass) = &self.password else {
            return Err(Answer::Refused {
                uuid: None,
                reason: "no password for the register is kept at this station; enter it in the receipt settings".into(),
            });
        };
        let body = json!({ "login": self.settings.login, "pass": pass });
        match self
            .call(
                "POST",
                format!("{}/getToken", self.settings.url),
                None,
                Some(&body),
            )
            .await
        {
            Err(why) => Err(Answer::Unreachable(why)),
            Ok((_, v)) => match (text(v.get("token")), error_words(&v)) {
                (Some(token), None) => Ok(token),
                (_, Some(why)) => Err(Answer::Refused {
                    uuid: None,
                    reason: format!(
                        "the register refused the login {}: {why}",
                        self.settings.login
                    ),
                }),
                (None, None) => Err(Answer::Unreachable(
                    "the register's login answer holds no token".into(),
                )),
            },
        }
    }
}

impl CashRegister for AtolOnline {
    fn name(&self) -> &'static str {
        "atol_online"
    }

    async fn register(&self, receipt: &ToRegister) -> Answer {
        let token = match self.token().await {
            Ok(t) => t,
            Err(answer) => return answer,
        };
        let url = format!(
            "{}/{}/{}",
            self.settings.url,
            self.settings.group_code,
            operation(receipt.kind)
        );
        let body = request_body(receipt, &self.settings);
        match self.call("POST", url, Some(&token), Some(&body)).await {
            Err(why) => Answer::Unreachable(why),
            Ok((_, v)) => {
                // Code 10: this external id was registered before (an
                // answer lost on the way): it is the same receipt.
                let duplicate = v
                    .get("error")
                    .and_then(|e| e.get("code"))
                    .and_then(Value::as_i64)
                    == Some(10);
                match (duplicate, text(v.get("uuid"))) {
                    (true, Some(uuid)) => Answer::Accepted { uuid },
                    _ if error_words(&v).is_some() => read_report(&json!({
                        "status": "fail", "uuid": v.get("uuid"), "error": v.get("error")
                    })),
                    _ => read_report(&v),
                }
            }
        }
    }

    async fn check(&self, _receipt: &ToRegister, uuid: &str) -> Answer {
        let token = match self.token().await {
            Ok(t) => t,
            Err(answer) => return answer,
        };
        let url = format!(
            "{}/{}/report/{uuid}",
            self.settings.url, self.settings.group_code
        );
        match self.call("GET", url, Some(&token), None).await {
            Err(why) => Answer::Unreachable(why),
            Ok((_, v)) => read_report(&v),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_done_report_gives_the_fiscal_attributes_and_a_fail_its_reason() {
        let done = json!({"uuid": "u-1", "status": "done", "error": null, "payload": {
            "fn_number": "9999078900006369", "fiscal_document_number": 133,
            "fiscal_document_attribute": 3449555941u64, "receipt_datetime": "20.11.2026 12:00:00",
            "shift_number": 23, "ecr_registration_number": "0000111118041361", "fns_site": "www.nalog.ru"}});
        match read_report(&done) {
            Answer::Fiscalised { uuid, attributes } => {
                assert_eq!(uuid.as_deref(), Some("u-1"));
                assert_eq!(attributes.fd_number, "133");
                assert_eq!(attributes.fpd, "3449555941");
            }
            other => panic!("{other:?}"),
        }
        let half = json!({"uuid": "u-1", "status": "done", "payload": {"fn_number": "1"}});
        assert!(
            matches!(read_report(&half), Answer::Unreachable(_)),
            "never fiscal without every attribute"
        );
        let fail = json!({"uuid": "u-2", "status": "fail", "error": {"code": 32, "text": "Ошибка валидации"}});
        match read_report(&fail) {
            Answer::Refused { reason, .. } => {
                assert!(reason.contains("32") && reason.contains("валидации"))
            }
            other => panic!("{other:?}"),
        }
    }
}
