//! People and trust: the op × role table enforced by core, sign-in by PIN,
//! badge and token, lock-out, deactivated users, sessions, supervisor
//! approvals recorded with both names, and the audit trail. On SQLite and
//! PostgreSQL.

mod common;

use common::{clock, TestDb};
use packbench_core::documents::{DocumentKind, DocumentSettings, PrintSettings, Seller};
use packbench_core::domain::{EventKind, OrderStatus};
use packbench_core::exchange::OrderFormat;
use packbench_core::ops::{
    self, Actor, AdjustReason, AuditFilter, Credential, DocumentKey, Op, OrderEdit, PaymentInput,
    PaymentKind, PhoneOrderInput, PickSelection, Role, UserInput,
};
use packbench_core::store::Store;
use packbench_core::Error;

async fn demo(db: &TestDb) -> Store {
    let store = db.store.clone().with_clock(clock());
    ops::load_demo_first_run(&store, "office", 1).await.unwrap();
    store
}

fn pin(login: &str, secret: &str) -> Credential {
    Credential::Secret {
        login: login.into(),
        secret: secret.into(),
    }
}

async fn events(store: &Store) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM events")
        .fetch_one(store.pool())
        .await
        .unwrap()
}

/// Calls `op` as `actor` with arguments that get past the role check; what
/// happens after it (done, refused by a rule, not found) does not matter
/// here, only whether the role check let it through.
async fn call(store: &Store, actor: &Actor, op: Op) -> Result<(), Error> {
    let no_print = PrintSettings {
        auto_print: false,
        ..PrintSettings::default()
    };
    let n = "1002";
    match op {
        Op::ClaimOrder => ops::claim_order(store, actor, n).await.map(drop),
        Op::OpenForPacking => ops::open_for_packing(store, actor, n).await.map(drop),
        Op::RecordScan => {
            ops::record_scan(store, actor, n, "0000000", &format!("m-{}", actor.login))
                .await
                .map(drop)
        }
        Op::UndoScan => ops::undo_last_scan(store, actor, n).await.map(drop),
        Op::FinishPacking => ops::finish_packing(store, actor, n, None, &no_print, None)
            .await
            .map(drop),
        Op::ReleaseClaim => ops::release_claim(store, actor, n, None).await.map(drop),
        Op::TakeApart => ops::take_apart(store, actor, n, "why", None)
            .await
            .map(drop),
        Op::ShipOrder => ops::ship_order(store, actor, n, "СДЭК", "X1")
            .await
            .map(drop),
        Op::OpenCarton => ops::open_carton(store, actor, n, None).await.map(drop),
        Op::CloseCarton => ops::close_carton(store, actor, n, Some("1 kg"), None, None)
            .await
            .map(drop),
        Op::SetCartons => ops::set_carton_settings(
            store,
            actor,
            &ops::CartonSettings {
                default_box: "no-such-box".into(),
                ..Default::default()
            },
        )
        .await
        .map(drop),
        Op::ReceiveStock => ops::receive_stock(store, actor, "no-such-bin", "0000000", 1, "rs-1")
            .await
            .map(drop),
        Op::MoveStock => ops::move_stock(store, actor, "no-such-bin", "X", "0000000", 1, "ms-1")
            .await
            .map(drop),
        Op::AdjustStock => ops::adjust_stock(
            store,
            actor,
            "no-such-bin",
            "0000000",
            1,
            AdjustReason::Found,
            None,
        )
        .await
        .map(drop),
        Op::CountStock => ops::start_count(store, actor, "no-such-bin")
            .await
            .map(drop),
        Op::EditProducts => ops::save_bin(store, actor, "", "").await.map(drop),
        Op::ReceiveReturn => ops::receive_return(
            store,
            actor,
            "no-such-order",
            &ops::ReturnInput {
                items: Vec::new(),
                outcome: ops::ReturnOutcome::None,
                refund: None,
                method: String::new(),
                note: String::new(),
                exchange: Vec::new(),
            },
        )
        .await
        .map(drop),
        Op::CreatePickList => ops::create_pick_list(store, actor, PickSelection::NextConfirmed(1))
            .await
            .map(drop),
        Op::PickScan => ops::pick_scan(store, actor, 999_999, None, "0000000", "p-1")
            .await
            .map(drop),
        Op::ShortPick => ops::short_pick(store, actor, 999_999, 1, "empty shelf")
            .await
            .map(drop),
        Op::CompletePickList => ops::complete_pick_list(store, actor, 999_999)
            .await
            .map(drop),
        Op::CreateOrder => ops::create_order(store, actor, &PhoneOrderInput::default())
            .await
            .map(drop),
        Op::EditOrder => ops::edit_order(store, actor, n, &OrderEdit::default())
            .await
            .map(drop),
        Op::AssignOrder => ops::assign_order(store, actor, n, Some("Елена"))
            .await
            .map(drop),
        Op::HoldOrder => ops::hold_order(store, actor, n, None).await.map(drop),
        Op::ReserveAgain => ops::reserve_again(store, actor, n).await.map(drop),
        Op::SetExpectedDate => ops::set_expected_date(store, actor, n, 1, None)
            .await
            .map(drop),
        Op::SplitOrder => ops::split_order(store, actor, n, &[]).await.map(drop),
        Op::ConfirmOrder => ops::confirm_order(store, actor, n).await.map(drop),
        Op::CancelOrder => ops::cancel_order(store, actor, "no-such-order", "why")
            .await
            .map(drop),
        Op::MoveOrders => ops::move_orders(store, actor, &[], OrderStatus::Delivered, None)
            .await
            .map(drop),
        Op::SetSubStatus => ops::set_sub_status(store, actor, n, None).await.map(drop),
        Op::RecordPayment => ops::record_payment(
            store,
            actor,
            n,
            &PaymentInput {
                kind: PaymentKind::Payment,
                amount: "abc".into(),
                currency: "RUB".into(),
                method: "cash".into(),
                note: String::new(),
            },
        )
        .await
        .map(drop),
        Op::AddNote => ops::add_note(store, actor, n, "", false).await.map(drop),
        Op::PinNote => ops::pin_note(store, actor, n, 999_999, true)
            .await
            .map(drop),
        Op::Print => ops::print_document(
            store,
            actor,
            DocumentKind::Invoice,
            &DocumentKey::order("no-such-order"),
            &DocumentSettings::for_kind(DocumentKind::Invoice),
        )
        .await
        .map(drop),
        Op::ImportOrders => ops::import_orders(store, actor, b"", OrderFormat::Packbench)
            .await
            .map(drop),
        Op::ImportProducts => ops::import_products(store, actor, b"").await.map(drop),
        Op::SetWebhookSecret => ops::webhook_secrets(store, actor).await.map(drop),
        // Issue 15 item 4: dropshipping (an empty name is refused after the
        // role check; no such purchase order).
        Op::ManageSuppliers => ops::save_supplier(store, actor, &Default::default())
            .await
            .map(drop),
        Op::ShipPurchaseOrder => ops::ship_purchase_order(store, actor, "PO-999999", "cdek", "1")
            .await
            .map(drop),
        Op::SetPackingDocuments => {
            ops::set_packing_documents(store, actor, &ops::PackingDocuments::default())
                .await
                .map(drop)
        }
        // Issue 15 item 3: receipts under 54-ФЗ.
        Op::PrepareReceipt => ops::prepare_receipt(store, actor, "no-such-order")
            .await
            .map(drop),
        Op::SendReceipt => ops::send_receipts(store, actor, Some("no-such-order"), None)
            .await
            .map(drop),
        Op::SetReceipts => {
            ops::set_receipt_settings(store, actor, &ops::ReceiptSettings::default())
                .await
                .map(drop)
        }
        // Issue 15 item 1: the shops' APIs and the watched folder (no such
        // call; a relative folder is refused after the role check).
        Op::SetShopApi => ops::shop_apis(store, actor).await.map(drop),
        Op::RetryShopCall => ops::retry_shop_call(store, actor, 999_999).await.map(drop),
        Op::SetWatchFolder => ops::set_watch_folder(
            store,
            actor,
            &ops::WatchFolderSettings {
                folder: "relative/folder".into(),
                ..Default::default()
            },
        )
        .await
        .map(drop),
        Op::ImportDeliveryStatus => ops::import_delivery_statuses(store, actor, "x.csv", b"", 180)
            .await
            .map(drop),
        Op::SetSeller => ops::set_seller(store, actor, &Seller::default())
            .await
            .map(drop),
        Op::EditLifecycle => ops::rename_status(store, actor, "no_such_status", "x", "x")
            .await
            .map(drop),
        Op::LoadDemo => ops::load_demo(store, actor, 1).await.map(drop),
        Op::ManageUsers => ops::list_users(store, actor).await.map(drop),
        Op::ReadAudit => ops::audit(store, actor, &AuditFilter::default())
            .await
            .map(drop),
        Op::ViewDashboard => ops::dashboard(
            store,
            actor,
            &ops::DashboardQuery {
                from: store.now() - chrono::Duration::days(1),
                to: store.now(),
                channel: None,
                station: None,
                utc_offset_minutes: 180,
            },
        )
        .await
        .map(drop),
        // An empty name is refused after the role check.
        Op::SaveFilter => ops::save_filter(store, actor, "", &Default::default())
            .await
            .map(drop),
        Op::EditTemplates => ops::save_template(
            store,
            actor,
            ops::NotifyEvent::Packed,
            packbench_core::documents::Lang::Ru,
            "",
            "",
            true,
        )
        .await
        .map(drop),
        Op::SetMail => ops::save_mail_settings(store, actor, &ops::MailSettings::default())
            .await
            .map(drop),
        Op::RetryMessage => ops::retry_message(store, actor, 999_999).await.map(drop),
        // The rule a restore checks before it touches the file (the file
        // work is in backup.rs).
        Op::RestoreBackup => ops::may_restore(Some(actor), false),
        Op::ExportOrders => ops::export_orders(
            store,
            actor,
            &ops::ExportRequest {
                filter: ops::OrderFilter {
                    search: Some("no-such-customer-anywhere".into()),
                    ..Default::default()
                },
                format: ops::ExportFormat::Csv,
                rows: ops::ExportRows::Orders,
                lang: packbench_core::documents::Lang::Ru,
                utc_offset_minutes: 180,
            },
            |_, _| {},
        )
        .await
        .map(drop),
    }
}

on_both_engines!(
    every_op_is_refused_to_every_role_the_table_leaves_out,
    |db| {
        let store = demo(&db).await;
        let mut walked = 0;
        for op in Op::ALL {
            for role in Role::ALL {
                let actor = Actor::new(format!("{role:?}"), "Стол 1", role);
                let before = events(&store).await;
                let result = call(&store, &actor, *op).await;
                let allowed = op.roles().contains(&role);
                match (&result, allowed) {
                    (Err(Error::Forbidden { .. }), true) => {
                        panic!("{op:?} refused to {role:?}, which the table allows: {result:?}")
                    }
                    (Err(Error::Forbidden { action, .. }), false) => {
                        assert_eq!(*action, op.describe());
                        assert_eq!(
                            events(&store).await,
                            before,
                            "{op:?} by {role:?} changed nothing"
                        );
                    }
                    (_, false) => panic!("{op:?} let {role:?} through: {result:?}"),
                    (_, true) => {}
                }
                walked += 1;
            }
        }
        assert_eq!(walked, Op::ALL.len() * Role::ALL.len());
    }
);

on_both_engines!(a_manager_works_only_the_orders_of_their_channels, |db| {
    let store = demo(&db).await;
    // A packer writes notes but pins none, not even a new one.
    let packer = Actor::new("Анна", "Стол 1", Role::Packer);
    ops::add_note(&store, &packer, "1002", "коробка мятая", false)
        .await
        .unwrap();
    let pinned = ops::add_note(&store, &packer, "1002", "хрупкое", true)
        .await
        .unwrap_err();
    assert!(matches!(pinned, Error::Forbidden { .. }), "{pinned}");
    let detail = ops::order_detail(&store, "1002").await.unwrap();
    let channel = detail.head.channel.clone();
    let other = Actor::new("Елена", "office", Role::Manager).working_channels(&["no-such-shop"]);
    let e = ops::hold_order(&store, &other, "1002", Some("ждём звонка"))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Forbidden { .. }), "{e}");
    assert!(e.to_string().contains(&channel), "names the channel: {e}");
    let hers = Actor::new("Елена", "office", Role::Manager).working_channels(&[&channel]);
    ops::hold_order(&store, &hers, "1002", Some("ждём звонка"))
        .await
        .unwrap();
});

on_both_engines!(
    people_sign_in_by_pin_and_badge_and_ten_wrong_pins_lock_the_login,
    |db| {
        let store = demo(&db).await;
        let session = ops::log_in(&store, "Стол 1", &pin("anna", "3333"), 30)
            .await
            .unwrap();
        assert_eq!(session.signed_in().name, "Анна Петрова");
        assert_eq!(session.signed_in().roles, vec![Role::Packer]);
        assert!(session.signed_in().may.contains(&Op::RecordScan));
        assert!(!session.signed_in().may.contains(&Op::CancelOrder));
        let by_badge = ops::log_in(
            &store,
            "Стол 1",
            &Credential::Badge {
                code: "BADGE-0003".into(),
            },
            30,
        )
        .await
        .unwrap();
        assert_eq!(by_badge.signed_in().login, "anna");
        let stranger = ops::log_in(
            &store,
            "Стол 1",
            &Credential::Badge {
                code: "BADGE-9999".into(),
            },
            30,
        )
        .await
        .unwrap_err();
        assert!(matches!(stranger, Error::WrongCredentials(_)), "{stranger}");

        // A wrong PIN never says whether the login exists.
        let unknown = ops::log_in(&store, "Стол 1", &pin("nobody", "1234"), 30)
            .await
            .unwrap_err();
        let known = ops::log_in(&store, "Стол 1", &pin("ivan", "1234"), 30)
            .await
            .unwrap_err();
        assert_eq!(unknown.to_string(), known.to_string());
        for attempt in 2..=9 {
            let e = ops::log_in(&store, "Стол 1", &pin("ivan", "0000"), 30)
                .await
                .unwrap_err();
            assert!(matches!(e, Error::WrongCredentials(_)), "{e}");
            assert!(e.to_string().contains(&format!("{attempt} of 10")), "{e}");
        }
        let locked = ops::log_in(&store, "Стол 1", &pin("ivan", "0000"), 30)
            .await
            .unwrap_err();
        assert!(matches!(locked, Error::LockedOut(_)), "{locked}");
        assert!(locked.to_string().contains("15 min"), "{locked}");
        // Locked: even the right PIN (and his badge) waits.
        let right = ops::log_in(&store, "Стол 1", &pin("ivan", "4444"), 30)
            .await
            .unwrap_err();
        assert!(matches!(right, Error::LockedOut(_)), "{right}");
        let badge = ops::log_in(
            &store,
            "Стол 1",
            &Credential::Badge {
                code: "BADGE-0004".into(),
            },
            30,
        )
        .await
        .unwrap_err();
        assert!(matches!(badge, Error::LockedOut(_)), "{badge}");
        let trail = ops::audit(
            &store,
            &Actor::new("admin", "office", Role::Admin),
            &AuditFilter {
                kinds: vec![EventKind::LockedOut],
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(trail.len(), 1);
        assert_eq!(trail[0].user, "Иван Козлов");
    }
);

on_both_engines!(
    a_deactivated_user_cannot_sign_in_and_their_history_stays,
    |db| {
        let store = demo(&db).await;
        let admin = ops::log_in(&store, "office", &pin("olga", "1111"), 30)
            .await
            .unwrap();
        let mut admin_session = admin.clone();
        let admin = admin_session.actor_at(store.now_ms()).unwrap();
        let anna = ops::list_users(&store, &admin)
            .await
            .unwrap()
            .into_iter()
            .find(|u| u.login == "anna")
            .unwrap();
        ops::save_user(
            &store,
            &admin,
            &UserInput {
                login: anna.login.clone(),
                name: anna.name.clone(),
                roles: anna.roles.clone(),
                channels: anna.channels.clone(),
                active: false,
                secret: None,
                badge: None,
            },
        )
        .await
        .unwrap();
        let badge = ops::log_in(
            &store,
            "Стол 1",
            &Credential::Badge {
                code: "BADGE-0003".into(),
            },
            30,
        )
        .await
        .unwrap_err();
        assert!(matches!(badge, Error::Refused(_)), "{badge}");
        assert!(badge.to_string().contains("deactivated"), "{badge}");
        let shown = ops::sign_in_info(&store).await.unwrap().demo_users;
        assert_eq!(
            shown.len(),
            4,
            "the sign-in screen stops offering her: {shown:?}"
        );
        assert!(shown.iter().all(|u| u.login != "anna"));
        let by_pin = ops::log_in(&store, "Стол 1", &pin("anna", "3333"), 30)
            .await
            .unwrap_err();
        assert!(by_pin.to_string().contains("deactivated"), "{by_pin}");
        // Nor can an admin take their own admin role.
        let me = UserInput {
            login: "olga".into(),
            name: "Ольга Смирнова".into(),
            roles: vec![Role::Packer],
            channels: Vec::new(),
            active: true,
            secret: None,
            badge: None,
        };
        let e = ops::save_user(&store, &admin, &me).await.unwrap_err();
        assert!(matches!(e, Error::Refused(_)), "{e}");
        // Bad input says what is wrong and adds no one.
        let bad = UserInput {
            login: "new user".into(),
            name: "Новый".into(),
            roles: vec![Role::Packer],
            channels: Vec::new(),
            active: true,
            secret: Some("12".into()),
            badge: None,
        };
        let e = ops::save_user(&store, &admin, &bad).await.unwrap_err();
        assert!(matches!(e, Error::Invalid(_)), "{e}");
        assert_eq!(ops::list_users(&store, &admin).await.unwrap().len(), 5);
    }
);

on_both_engines!(a_script_signs_in_with_its_token_until_it_is_revoked, |db| {
    let store = demo(&db).await;
    let admin = Actor::new("Ольга", "office", Role::Admin);
    let token = ops::create_token(&store, &admin, "maria", "nightly export")
        .await
        .unwrap();
    assert!(token.starts_with("pbt_"), "{token}");
    let stored: Vec<String> = sqlx::query_scalar("SELECT secret_hash FROM api_tokens")
        .fetch_all(store.pool())
        .await
        .unwrap();
    assert!(
        stored.iter().all(|h| !token.contains(h.as_str())),
        "only a hash is kept"
    );
    let session = ops::log_in(
        &store,
        "cron",
        &Credential::Token {
            token: token.clone(),
        },
        1,
    )
    .await
    .unwrap();
    assert_eq!(session.signed_in().login, "maria");
    // The last hex digit changed (to one it is not).
    let last = if token.ends_with('0') { '1' } else { '0' };
    let mangled = format!("{}{last}", &token[..token.len() - 1]);
    let e = ops::log_in(&store, "cron", &Credential::Token { token: mangled }, 1)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::WrongCredentials(_)), "{e}");
    let id: i64 = token.split('_').nth(1).unwrap().parse().unwrap();
    ops::revoke_token(&store, &admin, "maria", id)
        .await
        .unwrap();
    let e = ops::log_in(&store, "cron", &Credential::Token { token }, 1)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::WrongCredentials(_)), "{e}");
});

on_both_engines!(the_audit_trail_finds_a_short_ship_with_both_names, |db| {
    let store = demo(&db).await;
    let packer = ops::log_in(&store, "Стол 1", &pin("anna", "3333"), 30)
        .await
        .unwrap()
        .actor_at(store.now_ms())
        .unwrap();
    let number = "1001";
    let ops::Opened::Packing { order } = ops::open_for_packing(&store, &packer, number)
        .await
        .unwrap()
    else {
        panic!("the demo's order 1001 is confirmed, ready to pack");
    };
    let first = &order.lines[0];
    let code = ops::product_by_sku(&store, &first.sku)
        .await
        .unwrap()
        .barcodes[0]
        .code
        .clone();
    ops::record_scan(&store, &packer, number, &code, "a1")
        .await
        .unwrap();
    let reason = Some("нет на складе");
    let alone = common::finish(&store, &packer, number, reason)
        .await
        .unwrap_err();
    assert!(matches!(alone, Error::NeedsApproval(_)), "{alone}");
    // A packer's PIN approves nothing.
    let e = common::finish_approved(&store, &packer, number, reason, Some(&pin("anna", "3333")))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Forbidden { .. }), "{e}");
    common::finish_approved(
        &store,
        &packer,
        number,
        reason,
        Some(&common::maria_approves()),
    )
    .await
    .unwrap();
    let reader = Actor::new("Ольга", "office", Role::Picker);
    let found = ops::audit(
        &store,
        &reader,
        &AuditFilter {
            user: Some("Мария Иванова".into()),
            kinds: vec![EventKind::PackedShort],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].user, "Анна Петрова");
    assert_eq!(found[0].approved_by.as_deref(), Some("Мария Иванова"));
    assert_eq!(found[0].order_number.as_deref(), Some(number));
    assert_eq!(found[0].station, "Стол 1");
    let csv = ops::audit_csv(
        &store,
        &reader,
        &AuditFilter {
            order: Some(number.into()),
            ..Default::default()
        },
        true,
    )
    .await
    .unwrap();
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let headers = rows.headers().unwrap().clone();
    assert_eq!(&headers[1], "кто");
    let short: Vec<csv::StringRecord> = rows
        .records()
        .map(Result::unwrap)
        .filter(|r| &r[5] == "Упакован с недовложением")
        .collect();
    assert_eq!(short.len(), 1, "{csv}");
    assert_eq!(&short[0][1], "Анна Петрова");
    assert_eq!(&short[0][2], "Мария Иванова");
});

on_both_engines!(the_first_admin_is_made_once, |db| {
    let store = db.store.clone().with_clock(clock());
    assert!(ops::sign_in_info(&store).await.unwrap().needs_first_admin);
    let session = ops::create_first_admin(&store, "office", "Ольга", "olga", "2580", 30)
        .await
        .unwrap();
    assert_eq!(session.signed_in().roles, vec![Role::Admin]);
    assert!(!ops::sign_in_info(&store).await.unwrap().needs_first_admin);
    let again = ops::create_first_admin(&store, "office", "Пётр", "petr", "2580", 30)
        .await
        .unwrap_err();
    assert!(matches!(again, Error::Refused(_)), "{again}");
    let hash: String = sqlx::query_scalar("SELECT secret_hash FROM users WHERE login = 'olga'")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );
});
