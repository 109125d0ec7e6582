//! Customer messages on the command line: the mail server (`mail`), the
//! outbox and its sender, templates and carriers. A station without the
//! app (a server, cron) sends due mail with `mail send`.

use super::{usage, Failure};
use clap::Subcommand;
use packbench_core::documents::Lang;
use packbench_core::ops::{
    self, Actor, Carrier, MailSecurity, MailSettings, MessageStatus, NotifyEvent,
};
use packbench_core::secrets::{OsKeyring, SecretStore};
use packbench_core::store::Store;

#[derive(Subcommand)]
pub enum MailCommand {
    /// The mail server settings.
    Show,
    /// Change the mail server settings (only the options given change).
    /// The password: $PACKBENCH_SMTP_PASSWORD, kept in the OS keyring.
    Set {
        #[arg(long)]
        host: Option<String>,
        #[arg(long)]
        port: Option<u16>,
        /// starttls, tls, or none (a server on this computer only).
        #[arg(long)]
        security: Option<String>,
        /// The mail server's login ("" for none). Not `--user`: that is
        /// who runs the command.
        #[arg(long = "smtp-user")]
        smtp_user: Option<String>,
        /// The sender address customers see.
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        from_name: Option<String>,
        /// ru or en: the language customers are written in.
        #[arg(long)]
        lang: Option<String>,
        #[arg(long, conflicts_with = "disable")]
        enable: bool,
        #[arg(long)]
        disable: bool,
    },
    /// Connect and log in without sending anything.
    Test,
    /// Send every message that is due, then stop.
    Send,
}

/// The password: $PACKBENCH_SMTP_PASSWORD, else the keyring.
fn password(settings: &MailSettings) -> Option<String> {
    std::env::var("PACKBENCH_SMTP_PASSWORD")
        .ok()
        .filter(|p| !p.is_empty())
        .or_else(|| OsKeyring.get(&settings.keyring_key()).ok().flatten())
}

fn show(json: bool, s: &MailSettings) {
    if json {
        out!("{}", serde_json::to_string(s).unwrap_or_default());
        return;
    }
    out!(
        "mail {}: {}:{} ({}), user {:?}, from {} <{}>, customers written to in {}",
        if s.enabled { "on" } else { "off" },
        s.host,
        s.port,
        s.security,
        s.user,
        s.from_name,
        s.from_address,
        s.lang.as_str()
    );
}

pub async fn mail(
    store: &Store,
    actor: &Actor,
    json: bool,
    command: MailCommand,
) -> Result<u8, Failure> {
    match command {
        MailCommand::Show => show(json, &ops::mail_settings(store).await?),
        MailCommand::Set {
            host,
            port,
            security,
            smtp_user,
            from,
            from_name,
            lang,
            enable,
            disable,
        } => {
            let mut s = ops::mail_settings(store).await?;
            if let Some(v) = host {
                s.host = v;
            }
            if let Some(v) = port {
                s.port = v;
            }
            if let Some(v) = security {
                s.security = MailSecurity::parse(&v).map_err(usage)?;
            }
            if let Some(v) = smtp_user {
                s.user = v;
            }
            if let Some(v) = from {
                s.from_address = v;
            }
            if let Some(v) = from_name {
                s.from_name = v;
            }
            if let Some(v) = lang {
                s.lang = Lang::parse(&v).map_err(usage)?;
            }
            if enable {
                s.enabled = true;
            }
            if disable {
                s.enabled = false;
            }
            let saved = ops::save_mail_settings(store, actor, &s).await?;
            if let Ok(pw) = std::env::var("PACKBENCH_SMTP_PASSWORD") {
                if !pw.is_empty() {
                    OsKeyring.set(&saved.keyring_key(), &pw).map_err(|e| {
                        usage(format!(
                            "the settings are saved but the password could not be kept: {e}"
                        ))
                    })?;
                }
            }
            show(json, &saved);
        }
        MailCommand::Test => {
            let s = ops::mail_settings(store).await?;
            ops::test_mail(&s, password(&s).as_deref()).await?;
            out!(
                "the mail server {}:{} answers and takes the login",
                s.host,
                s.port
            );
        }
        MailCommand::Send => {
            let s = ops::mail_settings(store).await?;
            if !s.enabled {
                return Err(usage(
                    "customer mail is off; turn it on with `mail set --enable`",
                ));
            }
            let r = ops::send_due(store, password(&s).as_deref()).await?;
            if json {
                out!("{}", serde_json::to_string(&r).unwrap_or_default());
            } else {
                out!(
                    "{} sent, {} failed (retried later), {} given up",
                    r.sent,
                    r.failed,
                    r.given_up
                );
            }
        }
    }
    Ok(0)
}

#[derive(Subcommand)]
pub enum OutboxCommand {
    /// Messages, newest first.
    List {
        /// queued, sending, sent, failed, given_up or skipped.
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        order: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// Send a failed or given-up message again at once.
    Retry { id: i64 },
}

pub async fn outbox(
    store: &Store,
    actor: &Actor,
    json: bool,
    command: OutboxCommand,
) -> Result<u8, Failure> {
    let list = match command {
        OutboxCommand::List {
            status,
            order,
            limit,
        } => {
            let status = status
                .map(|s| MessageStatus::parse(&s))
                .transpose()
                .map_err(usage)?;
            ops::outbox(store, status, order.as_deref(), limit).await?
        }
        OutboxCommand::Retry { id } => vec![ops::retry_message(store, actor, id).await?],
    };
    if json {
        out!("{}", serde_json::to_string(&list).unwrap_or_default());
        return Ok(0);
    }
    for m in &list {
        out!(
            "{:>6} {:<9} {:<16} {:<10} {:<28} {}{}",
            m.id,
            m.status.as_str(),
            m.event.as_str(),
            m.order_number.as_deref().unwrap_or("-"),
            m.recipient,
            m.subject,
            m.last_error
                .as_deref()
                .map(|e| format!("  [{e}]"))
                .unwrap_or_default()
        );
    }
    Ok(0)
}

#[derive(Subcommand)]
pub enum TemplatesCommand {
    /// Every message's subject and text, in Russian and English.
    List,
    /// Change a message's wording (checked by filling it in first).
    Set {
        /// confirmed, back_ordered, packed, shipped, at_pickup_point, delivered.
        event: String,
        #[arg(long, default_value = "ru")]
        lang: String,
        #[arg(long)]
        subject: String,
        /// The text; \n for a new line.
        #[arg(long)]
        body: String,
    },
    /// Go back to Packbench's own wording.
    Reset {
        event: String,
        #[arg(long, default_value = "ru")]
        lang: String,
    },
}

pub async fn templates(
    store: &Store,
    actor: &Actor,
    json: bool,
    command: TemplatesCommand,
) -> Result<u8, Failure> {
    let shown = match command {
        TemplatesCommand::List => ops::templates(store).await?,
        TemplatesCommand::Set {
            event,
            lang,
            subject,
            body,
        } => vec![
            ops::save_template(
                store,
                actor,
                NotifyEvent::parse(&event).map_err(usage)?,
                Lang::parse(&lang).map_err(usage)?,
                &subject,
                &body.replace("\\n", "\n"),
                false,
            )
            .await?,
        ],
        TemplatesCommand::Reset { event, lang } => vec![
            ops::save_template(
                store,
                actor,
                NotifyEvent::parse(&event).map_err(usage)?,
                Lang::parse(&lang).map_err(usage)?,
                "",
                "",
                true,
            )
            .await?,
        ],
    };
    if json {
        out!("{}", serde_json::to_string(&shown).unwrap_or_default());
        return Ok(0);
    }
    for t in &shown {
        out!(
            "== {} ({}){}\n{}\n\n{}\n",
            t.event.as_str(),
            t.lang.as_str(),
            if t.edited {
                ", the store's wording"
            } else {
                ""
            },
            t.subject,
            t.body
        );
    }
    Ok(0)
}

#[derive(Subcommand)]
pub enum CarriersCommand {
    /// The carriers with their tracking links and number patterns.
    List,
    /// Add or change a carrier by its code.
    Set {
        code: String,
        #[arg(long)]
        name: String,
        /// The tracking link with {tracking} where the number goes.
        #[arg(long, default_value = "")]
        url: String,
        /// A regular expression tracking numbers must match.
        #[arg(long, default_value = "")]
        pattern: String,
        /// Not offered at hand-over.
        #[arg(long)]
        inactive: bool,
    },
}

pub async fn carriers(
    store: &Store,
    actor: &Actor,
    json: bool,
    command: CarriersCommand,
) -> Result<u8, Failure> {
    let list = match command {
        CarriersCommand::List => ops::carrier_list(store).await?,
        CarriersCommand::Set {
            code,
            name,
            url,
            pattern,
            inactive,
        } => {
            let c = Carrier {
                code,
                name,
                tracking_url: url,
                tracking_pattern: pattern,
                active: !inactive,
            };
            ops::save_carrier(store, actor, &c).await?
        }
    };
    if json {
        out!("{}", serde_json::to_string(&list).unwrap_or_default());
        return Ok(0);
    }
    for c in &list {
        out!(
            "{:<14} {:<18} {:<8} {}  {}",
            c.code,
            c.name,
            if c.active { "active" } else { "inactive" },
            c.tracking_url,
            c.tracking_pattern
        );
    }
    Ok(0)
}
