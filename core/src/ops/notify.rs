//! Customer messages: the mail server settings, the templates with a
//! preview, the outbox, and the carriers whose tracking links messages
//! carry. Messages themselves are queued by the events (store::events).

use crate::documents::Lang;
use crate::domain::access::Op;
use crate::domain::notify::{self, MailSettings, NotifyEvent, Template, Vars};
use crate::domain::Actor;
use crate::mail::{self, Mailer, SendReport};
use crate::store::outbox::{self, Carrier, MessageStatus, OutboxMessage};
use crate::store::{orders, settings, Store};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};

pub async fn mail_settings(store: &Store) -> Result<MailSettings> {
    let mut conn = store.pool().acquire().await?;
    outbox::mail_settings(&mut conn).await
}

/// Saves the mail server settings (the password goes to the keyring, by
/// the caller: core never stores it).
pub async fn save_mail_settings(
    store: &Store,
    actor: &Actor,
    settings_in: &MailSettings,
) -> Result<MailSettings> {
    actor.may(Op::SetMail)?;
    settings_in.validate().map_err(Error::Invalid)?;
    let clean = MailSettings {
        host: settings_in.host.trim().to_string(),
        user: settings_in.user.trim().to_string(),
        from_address: settings_in.from_address.trim().to_string(),
        from_name: settings_in.from_name.trim().to_string(),
        ..settings_in.clone()
    };
    let mut tx = store.write().await?;
    settings::put(&mut tx, outbox::MAIL_SETTINGS, &clean).await?;
    tx.commit().await?;
    Ok(clean)
}

/// Every template, each event in Russian and English.
pub async fn templates(store: &Store) -> Result<Vec<Template>> {
    let mut conn = store.pool().acquire().await?;
    let mut all = Vec::new();
    for event in NotifyEvent::ALL {
        for lang in [Lang::Ru, Lang::En] {
            all.push(outbox::template(&mut conn, *event, lang).await?);
        }
    }
    Ok(all)
}

/// A template filled in: with an order's own values, or a sample.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Preview {
    pub subject: String,
    pub body: String,
}

fn sample(lang: Lang) -> Vars {
    let ru = lang == Lang::Ru;
    Vars {
        number: "1001".into(),
        customer: if ru {
            "Мария Иванова"
        } else {
            "Mary Smith"
        }
        .into(),
        total: if ru { "1 590,00 ₽" } else { "RUB 1,590.00" }.into(),
        carrier: "СДЭК".into(),
        tracking: "1234567890".into(),
        tracking_link: "https://www.cdek.ru/ru/tracking?order_id=1234567890".into(),
        expected_date: if ru { "05.12.2026" } else { "5 Dec 2026" }.into(),
        store: if ru { "Магазин" } else { "The shop" }.into(),
        store_phone: "+7 495 000-00-00".into(),
    }
}

/// Fills in a template as typed (not yet saved): errors name the bad
/// placeholder.
pub async fn preview_template(
    store: &Store,
    lang: Lang,
    subject: &str,
    body: &str,
    order_number: Option<&str>,
) -> Result<Preview> {
    let vars = match order_number.map(str::trim).filter(|n| !n.is_empty()) {
        Some(number) => {
            let mut conn = store.pool().acquire().await?;
            let head = orders::head_by_number(&mut conn, store.engine(), number, false).await?;
            let (mut vars, _) = outbox::order_vars(&mut conn, head.id, lang, None).await?;
            if vars.expected_date.is_empty() {
                vars.expected_date = sample(lang).expected_date;
            }
            vars
        }
        None => sample(lang),
    };
    Ok(Preview {
        subject: notify::render(subject, &vars)
            .map_err(|e| Error::Invalid(format!("subject: {e}")))?,
        body: notify::render(body, &vars).map_err(|e| Error::Invalid(format!("text: {e}")))?,
    })
}

/// Saves the store's wording of a message (checked by filling it in), or
/// with `reset` goes back to Packbench's.
pub async fn save_template(
    store: &Store,
    actor: &Actor,
    event: NotifyEvent,
    lang: Lang,
    subject: &str,
    body: &str,
    reset: bool,
) -> Result<Template> {
    actor.may(Op::EditTemplates)?;
    if !reset {
        if subject.trim().is_empty() || body.trim().is_empty() {
            return Err(Error::Invalid(
                "a message needs a subject and a text; reset it to go back to the standard wording"
                    .into(),
            ));
        }
        preview_template(store, lang, subject, body, None).await?;
    }
    let mut tx = store.write().await?;
    let text = (!reset).then_some((subject.trim(), body));
    outbox::save_template(&mut tx, event, lang, text, &actor.user, store.now_ms()).await?;
    let saved = outbox::template(&mut tx, event, lang).await?;
    tx.commit().await?;
    Ok(saved)
}

/// The outbox, newest first.
pub async fn outbox(
    store: &Store,
    status: Option<MessageStatus>,
    order_number: Option<&str>,
    limit: i64,
) -> Result<Vec<OutboxMessage>> {
    let mut conn = store.pool().acquire().await?;
    outbox::list(&mut conn, status, order_number, limit).await
}

/// Sends a failed or given-up message again at once.
pub async fn retry_message(store: &Store, actor: &Actor, id: i64) -> Result<OutboxMessage> {
    actor.may(Op::RetryMessage)?;
    let mut tx = store.write().await?;
    if !outbox::retry_now(&mut tx, id, store.now_ms()).await? {
        let m = outbox::by_id(&mut tx, id).await?;
        return Err(Error::Refused(format!(
            "message {id} is {}; only a failed or given-up message is sent again",
            m.status
        )));
    }
    let m = outbox::by_id(&mut tx, id).await?;
    tx.commit().await?;
    Ok(m)
}

/// Sends what is due through the store's server (`password` from the
/// keyring). Does nothing while mail is off.
pub async fn send_due(store: &Store, password: Option<&str>) -> Result<SendReport> {
    let settings = mail_settings(store).await?;
    if !settings.enabled {
        return Ok(SendReport::default());
    }
    let mailer = Mailer::new(&settings, password)?;
    mail::send_due(store, &mailer).await
}

/// Connects to the server with these settings and logs in, without sending.
pub async fn test_mail(settings: &MailSettings, password: Option<&str>) -> Result<()> {
    Mailer::new(settings, password)?
        .test()
        .await
        .map_err(|e| Error::Unavailable(format!("the mail server {}: {e}", settings.host.trim())))
}

/// Every carrier with its tracking link and pattern.
pub async fn carrier_list(store: &Store) -> Result<Vec<Carrier>> {
    let mut conn = store.pool().acquire().await?;
    outbox::carriers(&mut conn).await
}

/// Adds or changes a carrier (by code).
pub async fn save_carrier(store: &Store, actor: &Actor, c: &Carrier) -> Result<Vec<Carrier>> {
    actor.may(Op::SetMail)?;
    let code = c.code.trim();
    if code.is_empty()
        || !code
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
    {
        return Err(Error::Invalid(
            "a carrier's code is Latin letters, digits and _ (e.g. cdek)".into(),
        ));
    }
    if c.name.trim().is_empty() {
        return Err(Error::Invalid("the carrier needs a name".into()));
    }
    let url = c.tracking_url.trim();
    if !(url.is_empty() || url.starts_with("https://") || url.starts_with("http://")) {
        return Err(Error::Invalid(format!(
            "the tracking link {url:?} must start with https://"
        )));
    }
    if !url.is_empty() && !url.contains("{tracking}") {
        return Err(Error::Invalid(
            "the tracking link needs {tracking} where the number goes".into(),
        ));
    }
    if let Err(e) = regex::Regex::new(c.tracking_pattern.trim()) {
        return Err(Error::Invalid(format!(
            "the tracking number pattern is not a valid regular expression: {e}"
        )));
    }
    let clean = Carrier {
        code: code.to_string(),
        name: c.name.trim().to_string(),
        tracking_url: url.to_string(),
        tracking_pattern: c.tracking_pattern.trim().to_string(),
        active: c.active,
    };
    let mut tx = store.write().await?;
    outbox::save_carrier(&mut tx, &clean).await?;
    let all = outbox::carriers(&mut tx).await?;
    tx.commit().await?;
    Ok(all)
}
