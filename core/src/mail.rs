//! Delivering outbox messages through the store's SMTP server (lettre,
//! rustls). The sender claims one due message at a time, hands it to the
//! server and records the answer; see store::outbox for the lease that
//! makes a dead sender's message go again with the same Message-ID.

use crate::domain::notify::{MailSecurity, MailSettings};
use crate::store::outbox::{self, MessageStatus, OutboxMessage};
use crate::store::Store;
use crate::{Error, Result};
use lettre::message::{header::ContentType, Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::Serialize;
use std::time::Duration;

/// How long the server may take to answer before the attempt counts as
/// failed (and is retried later).
const SMTP_TIMEOUT: Duration = Duration::from_secs(15);

/// Why a message did not go: the server's own words, and whether trying
/// again could help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendFailure {
    pub words: String,
    pub permanent: bool,
}

/// A connection to the store's mail server.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    security: MailSecurity,
    port: u16,
}

impl Mailer {
    /// A mailer for these settings; `password` from the keyring (or the
    /// environment, for the CLI). Refuses settings that cannot work.
    pub fn new(settings: &MailSettings, password: Option<&str>) -> Result<Mailer> {
        settings.validate().map_err(Error::Invalid)?;
        let host = settings.host.trim();
        let builder = match settings.security {
            MailSecurity::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host),
            MailSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host),
            MailSecurity::None => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(
                host,
            )),
        }
        .map_err(|e| Error::Invalid(format!("the mail server {host}: {e}")))?;
        let mut builder = builder.port(settings.port).timeout(Some(SMTP_TIMEOUT));
        let user = settings.user.trim();
        if !user.is_empty() {
            let password = password.ok_or_else(|| {
                Error::Invalid(format!(
                    "no password is kept for {user} at {host}; enter it in Settings → Mail"
                ))
            })?;
            builder = builder.credentials(Credentials::new(user.to_string(), password.to_string()));
        }
        let from_name = settings.from_name.trim();
        let from = Mailbox::new(
            (!from_name.is_empty()).then(|| from_name.to_string()),
            settings
                .from_address
                .trim()
                .parse()
                .map_err(|e| Error::Invalid(format!("the sender address: {e}")))?,
        );
        Ok(Mailer {
            transport: builder.build(),
            from,
            security: settings.security,
            port: settings.port,
        })
    }

    /// Hands one message to the server.
    pub async fn send(&self, m: &OutboxMessage) -> std::result::Result<(), SendFailure> {
        self.send_with(m, &[]).await
    }

    /// Hands one message to the server with its files (a purchase order's
    /// PDF and CSV): the text first, then each file, as multipart/mixed.
    pub async fn send_with(
        &self,
        m: &OutboxMessage,
        files: &[outbox::Attachment],
    ) -> std::result::Result<(), SendFailure> {
        let to: Mailbox = m.recipient.parse().map_err(|e| SendFailure {
            words: format!(
                "the address {:?} is not an e-mail address: {e}",
                m.recipient
            ),
            permanent: true,
        })?;
        let builder = Message::builder()
            .message_id(Some(m.message_id.clone()))
            .from(self.from.clone())
            .to(to)
            .subject(m.subject.clone());
        let built = if files.is_empty() {
            builder.header(ContentType::TEXT_PLAIN).body(m.body.clone())
        } else {
            let mut parts = MultiPart::mixed().singlepart(SinglePart::plain(m.body.clone()));
            for f in files {
                let kind = ContentType::parse(&f.content_type).map_err(|e| SendFailure {
                    words: format!(
                        "the file {} has a bad type {:?}: {e}",
                        f.file_name, f.content_type
                    ),
                    permanent: true,
                })?;
                parts = parts
                    .singlepart(Attachment::new(f.file_name.clone()).body(f.content.clone(), kind));
            }
            builder.multipart(parts)
        };
        let message = built.map_err(|e| SendFailure {
            words: format!("the message cannot be built: {e}"),
            permanent: true,
        })?;
        match self.transport.send(message).await {
            Ok(_) => Ok(()),
            Err(e) => {
                let words = self.explain(e.to_string());
                // A 5xx answer about this message (a refused recipient)
                // will not change; a refused login (530, 534, 535) may,
                // once someone fixes the password.
                let login = ["530", "534", "535"].iter().any(|c| words.contains(c))
                    || words.to_lowercase().contains("auth");
                Err(SendFailure {
                    permanent: e.is_permanent() && !login,
                    words,
                })
            }
        }
    }

    /// Asks the server whether it answers and takes the login.
    pub async fn test(&self) -> std::result::Result<(), String> {
        match self.transport.test_connection().await {
            Ok(true) => Ok(()),
            Ok(false) => Err("the server did not answer as a mail server".into()),
            Err(e) => Err(self.explain(e.to_string())),
        }
    }

    /// The transport's words, with what to change when they are about
    /// encryption (rustls says "corrupt message" when a server answers a
    /// TLS greeting in plain SMTP).
    fn explain(&self, words: String) -> String {
        let lower = words.to_lowercase();
        let hint = if self.security == MailSecurity::Tls
            && (lower.contains("corrupt message") || lower.contains("invalidcontenttype"))
        {
            Some(format!(
                "the server does not speak TLS on port {}: TLS from the first byte is usually port 465; for port 587 or 25 choose STARTTLS",
                self.port
            ))
        } else if lower.contains("certificate") {
            Some("the server's certificate is not trusted (self-signed, expired or for another name); ask whoever runs the server for one from a public authority".to_string())
        } else {
            None
        };
        match hint {
            Some(hint) => format!("{hint} ({words})"),
            None => words,
        }
    }
}

/// What one run of the sender did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SendReport {
    pub sent: usize,
    pub failed: usize,
    pub given_up: usize,
}

/// The sender's first step: claims the next due message in its own short
/// transaction (held by this sender's lease); `None` when nothing is due.
/// The steps are public so tests can stop a sender between them and show
/// what a crash there does.
pub async fn claim(store: &Store) -> Result<Option<OutboxMessage>> {
    let mut tx = store.write().await?;
    let m = outbox::claim_next(&mut tx, store.now_ms()).await?;
    tx.commit().await?;
    Ok(m)
}

/// Records what the server said about a claimed message.
pub async fn record(
    store: &Store,
    m: &OutboxMessage,
    outcome: std::result::Result<(), SendFailure>,
) -> Result<MessageStatus> {
    let mut tx = store.write().await?;
    let now = store.now_ms();
    let status = match outcome {
        Ok(()) => {
            outbox::mark_sent(&mut tx, m.id, now).await?;
            MessageStatus::Sent
        }
        Err(f) => outbox::mark_failed(&mut tx, m, &f.words, f.permanent, now).await?,
    };
    tx.commit().await?;
    Ok(status)
}

/// Sends every message that is due, one after another; each is claimed,
/// handed to the server and recorded in its own transactions, so packing
/// never waits for the mail server.
pub async fn send_due(store: &Store, mailer: &Mailer) -> Result<SendReport> {
    let mut report = SendReport::default();
    while let Some(m) = claim(store).await? {
        let files = {
            let mut conn = store.pool().acquire().await?;
            outbox::attachments(&mut conn, m.id).await?
        };
        let outcome = mailer.send_with(&m, &files).await;
        match record(store, &m, outcome).await? {
            MessageStatus::Sent => report.sent += 1,
            MessageStatus::GivenUp => report.given_up += 1,
            _ => report.failed += 1,
        }
    }
    Ok(report)
}
