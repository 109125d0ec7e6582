//! Customer e-mail through a real SMTP server on loopback (Debian's
//! aiosmtpd, scripts/smtp-sink.py), on SQLite and PostgreSQL: messages
//! queued with their events, delivered with Cyrillic and the tracking link
//! intact, sent once even when the sender dies between its steps (the only
//! repeat: after the server accepted it, with the same Message-ID), and a
//! server that refuses the login or is down fails visibly without holding
//! anything up.

mod common;

use common::{clock, TestDb};
use packbench_core::documents::Lang;
use packbench_core::mail;
use packbench_core::ops::{
    self, Actor, MailSecurity, MailSettings, MessageStatus, NotifyEvent, OrderFilter, Role,
};
use packbench_core::store::Store;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

const USER: &str = "shop";
const PASSWORD: &str = "Почта-2026";

/// The SMTP server for one test: stopped when dropped.
struct Sink {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Sink {
    fn start() -> Sink {
        let port = free_port();
        let dir = tempfile::tempdir().unwrap();
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut child = Command::new("/usr/bin/python3")
            .arg(root.join("scripts/smtp-sink.py"))
            .arg(port.to_string())
            .arg(dir.path())
            .arg(USER)
            .arg(PASSWORD)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs scripts/smtp-sink.py (install python3-aiosmtpd: scripts/install-deps.sh)");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(
            line.trim(),
            "ready",
            "the SMTP sink did not start (install python3-aiosmtpd: scripts/install-deps.sh)"
        );
        Sink { child, port, dir }
    }

    /// Every message received so far, in order.
    fn received(&self) -> Vec<serde_json::Value> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort_by_key(|p| {
            p.file_stem()
                .and_then(|s| s.to_str())
                .and_then(|s| s.parse::<u64>().ok())
        });
        files
            .iter()
            .map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
            .collect()
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn admin() -> Actor {
    Actor::new("Ольга", "office", Role::Admin)
}

fn settings(port: u16) -> MailSettings {
    MailSettings {
        enabled: true,
        host: "127.0.0.1".into(),
        port,
        security: MailSecurity::None,
        user: USER.into(),
        from_address: "shop@packbench-demo.ru".into(),
        from_name: "Магазин «Пакбенч»".into(),
        lang: Lang::Ru,
        events: NotifyEvent::ALL.to_vec(),
    }
}

async fn demo(db: &TestDb) -> (Store, std::sync::Arc<packbench_core::clock::FixedClock>) {
    let clock = clock();
    let store = db.store.clone().with_clock(clock.clone());
    ops::load_demo(&store, &admin(), 1).await.unwrap();
    (store, clock)
}

/// A confirmed demo order whose customer has an e-mail address.
async fn confirmed_with_email(store: &Store) -> (String, String) {
    let list = ops::list_orders(
        store,
        &OrderFilter {
            statuses: vec![packbench_core::domain::OrderStatus::Confirmed],
            limit: 500,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    for o in list.iter().rev() {
        let d = ops::order_detail(store, &o.number).await.unwrap();
        if !d.head.email.is_empty() && d.lines.iter().all(|l| l.product_id.is_some()) {
            return (o.number.clone(), d.head.email.clone());
        }
    }
    panic!("the demo has a confirmed order with an e-mail address")
}

async fn messages(store: &Store, number: &str) -> Vec<ops::OutboxMessage> {
    ops::outbox(store, None, Some(number), 100).await.unwrap()
}

on_both_engines!(
    packing_and_shipping_mail_the_customer_in_russian_with_the_tracking_link,
    |db| {
        let sink = Sink::start();
        let (store, _) = demo(&db).await;
        ops::save_mail_settings(&store, &admin(), &settings(sink.port))
            .await
            .unwrap();
        let (number, email) = confirmed_with_email(&store).await;
        common::pack_and_ship(&store, &number, "СДЭК", "1234567890").await;
        let queued = messages(&store, &number).await;
        let events: Vec<_> = queued.iter().map(|m| (m.event, m.status)).collect();
        assert_eq!(
            events,
            [
                (NotifyEvent::Shipped, MessageStatus::Queued),
                (NotifyEvent::Packed, MessageStatus::Queued)
            ],
            "one message per event, queued with it"
        );
        let report = ops::send_due(&store, Some(PASSWORD)).await.unwrap();
        assert_eq!((report.sent, report.failed), (2, 0));
        let got = sink.received();
        assert_eq!(got.len(), 2);
        let shipped = &got[1];
        assert_eq!(shipped["subject"], format!("Заказ {number} отправлен"));
        assert_eq!(shipped["rcpt_tos"][0], email.as_str());
        assert_eq!(shipped["charset"], "utf-8");
        let text = shipped["text"].as_str().unwrap();
        assert!(
            text.contains("https://www.cdek.ru/ru/tracking?order_id=1234567890"),
            "{text}"
        );
        assert!(text.contains("передан в службу доставки «СДЭК»"), "{text}");
        assert!(shipped["from"]
            .as_str()
            .unwrap()
            .contains("Магазин «Пакбенч»"));
        let sent = messages(&store, &number).await;
        assert!(sent.iter().all(|m| m.status == MessageStatus::Sent));
        assert_eq!(shipped["message_id"], sent[0].message_id.as_str());
        // Nothing is due any more: a second run sends nothing.
        let again = ops::send_due(&store, Some(PASSWORD)).await.unwrap();
        assert_eq!(again.sent, 0);
        assert_eq!(sink.received().len(), 2);
    }
);

on_both_engines!(
    a_sender_that_dies_between_its_steps_sends_each_message_once,
    |db| {
        let sink = Sink::start();
        let (store, clock) = demo(&db).await;
        ops::save_mail_settings(&store, &admin(), &settings(sink.port))
            .await
            .unwrap();
        let (number, _) = confirmed_with_email(&store).await;
        common::pack(&store, &number).await;
        let mailer = mail::Mailer::new(&settings(sink.port), Some(PASSWORD)).unwrap();

        // Dies after claiming, before the server saw anything: the lease holds
        // the message from other senders, then runs out and it goes once.
        let claimed = mail::claim(&store)
            .await
            .unwrap()
            .expect("a message is due");
        assert_eq!(ops::send_due(&store, Some(PASSWORD)).await.unwrap().sent, 0);
        clock.advance(chrono::Duration::milliseconds(
            packbench_core::store::outbox::LEASE_MS + 1,
        ));
        assert_eq!(ops::send_due(&store, Some(PASSWORD)).await.unwrap().sent, 1);
        let got = sink.received();
        assert_eq!(got.len(), 1, "sent once");
        assert_eq!(got[0]["message_id"], claimed.message_id.as_str());

        // Dies after the server accepted it, before recording that: the one
        // allowed repeat, with the same Message-ID.
        ops::ship_order(
            &store,
            &common::packer("station-1"),
            &number,
            "Почта России",
            "RA123456789RU",
        )
        .await
        .unwrap();
        let m = mail::claim(&store)
            .await
            .unwrap()
            .expect("the shipped message");
        mailer.send(&m).await.unwrap();
        clock.advance(chrono::Duration::milliseconds(
            packbench_core::store::outbox::LEASE_MS + 1,
        ));
        assert_eq!(ops::send_due(&store, Some(PASSWORD)).await.unwrap().sent, 1);
        let got = sink.received();
        assert_eq!(got.len(), 3);
        assert_eq!(got[1]["message_id"], got[2]["message_id"]);
        assert!(got[2]["text"]
            .as_str()
            .unwrap()
            .contains("https://www.pochta.ru/tracking#RA123456789RU"));

        // Dies after recording: nothing more goes.
        clock.advance(chrono::Duration::hours(1));
        assert_eq!(ops::send_due(&store, Some(PASSWORD)).await.unwrap().sent, 0);
        assert_eq!(sink.received().len(), 3);
        let all = messages(&store, &number).await;
        assert!(
            all.iter().all(|m| m.status == MessageStatus::Sent),
            "{all:?}"
        );
    }
);

on_both_engines!(
    a_refused_login_or_a_server_that_is_down_fails_visibly_and_retries,
    |db| {
        let sink = Sink::start();
        let (store, clock) = demo(&db).await;
        ops::save_mail_settings(&store, &admin(), &settings(sink.port))
            .await
            .unwrap();
        let (number, _) = confirmed_with_email(&store).await;
        // Packing is never held up by mail: the message waits in the outbox.
        common::pack(&store, &number).await;
        let report = ops::send_due(&store, Some("wrong password")).await.unwrap();
        assert_eq!((report.sent, report.failed), (0, 1));
        let m = &messages(&store, &number).await[0];
        assert_eq!(m.status, MessageStatus::Failed);
        let words = m.last_error.clone().unwrap_or_default();
        assert!(words.contains("535"), "the server's own words: {words}");
        assert!(sink.received().is_empty());
        // Not due again until its backoff has passed.
        assert_eq!(ops::send_due(&store, Some(PASSWORD)).await.unwrap().sent, 0);
        clock.advance(chrono::Duration::minutes(2));
        assert_eq!(ops::send_due(&store, Some(PASSWORD)).await.unwrap().sent, 1);
        assert_eq!(sink.received().len(), 1);

        // A server that is down: the next message fails with the reason, and a
        // supervisor can send it again at once when it is back.
        let down = free_port();
        ops::save_mail_settings(&store, &admin(), &settings(down))
            .await
            .unwrap();
        ops::ship_order(
            &store,
            &common::packer("station-1"),
            &number,
            "СДЭК",
            "1234567890",
        )
        .await
        .unwrap();
        let report = ops::send_due(&store, Some(PASSWORD)).await.unwrap();
        assert_eq!(report.failed, 1);
        let m = messages(&store, &number).await[0].clone();
        assert_eq!(m.status, MessageStatus::Failed);
        assert!(m.last_error.is_some());
        ops::save_mail_settings(&store, &admin(), &settings(sink.port))
            .await
            .unwrap();
        let packer = common::packer("station-1");
        let refused = ops::retry_message(&store, &packer, m.id).await.unwrap_err();
        assert!(
            matches!(refused, packbench_core::Error::Forbidden { .. }),
            "{refused}"
        );
        ops::retry_message(&store, &common::supervisor(), m.id)
            .await
            .unwrap();
        assert_eq!(ops::send_due(&store, Some(PASSWORD)).await.unwrap().sent, 1);
        assert_eq!(sink.received().len(), 2);
    }
);

on_both_engines!(
    an_admin_edits_a_template_and_a_typo_is_named_before_saving,
    |db| {
        let (store, _) = demo(&db).await;
        let e = ops::save_template(
            &store,
            &admin(),
            NotifyEvent::Shipped,
            Lang::Ru,
            "Заказ {nomer} в пути",
            "Трек: {tracking}",
            false,
        )
        .await
        .unwrap_err();
        assert!(e.to_string().contains("{nomer}"), "{e}");
        let saved = ops::save_template(
            &store,
            &admin(),
            NotifyEvent::Shipped,
            Lang::Ru,
            "Ваш заказ {number} в пути",
            "Трек: {tracking}\n{tracking_link}",
            false,
        )
        .await
        .unwrap();
        assert!(saved.edited);
        let preview = ops::preview_template(&store, Lang::Ru, &saved.subject, &saved.body, None)
            .await
            .unwrap();
        assert_eq!(preview.subject, "Ваш заказ 1001 в пути");
        let back = ops::save_template(
            &store,
            &admin(),
            NotifyEvent::Shipped,
            Lang::Ru,
            "",
            "",
            true,
        )
        .await
        .unwrap();
        assert!(!back.edited);
        assert_eq!(back.subject, "Заказ {number} отправлен");
        let all = ops::templates(&store).await.unwrap();
        assert_eq!(all.len(), NotifyEvent::ALL.len() * 2);
    }
);

on_both_engines!(
    a_server_that_cannot_encrypt_never_gets_the_message_or_the_password_in_clear,
    |db| {
        let sink = Sink::start();
        let (store, clock) = demo(&db).await;
        let mut secure = settings(sink.port);
        secure.security = MailSecurity::StartTls;
        ops::save_mail_settings(&store, &admin(), &secure)
            .await
            .unwrap();
        let (number, _) = confirmed_with_email(&store).await;
        common::pack(&store, &number).await;
        // STARTTLS asked of a server that does not offer it, then TLS from
        // the first byte asked of a server that speaks plain SMTP: both
        // fail with words that say so, and nothing reaches the server.
        for (security, words) in [
            (MailSecurity::StartTls, ["starttls", "tls"]),
            // ...and what to change: the usual port, or STARTTLS.
            (MailSecurity::Tls, ["port 465", "choose starttls"]),
        ] {
            let mut s = settings(sink.port);
            s.security = security;
            ops::save_mail_settings(&store, &admin(), &s).await.unwrap();
            clock.advance(chrono::Duration::hours(1));
            let report = ops::send_due(&store, Some(PASSWORD)).await.unwrap();
            assert_eq!((report.sent, report.failed), (0, 1), "{security:?}");
            let m = &messages(&store, &number).await[0];
            assert_eq!(m.status, MessageStatus::Failed, "{security:?}");
            let error = m.last_error.clone().unwrap_or_default().to_lowercase();
            assert!(
                words.iter().all(|w| error.contains(w)),
                "{security:?}: the error says what failed: {error}"
            );
            assert!(sink.received().is_empty(), "{security:?}");
        }
    }
);
