//! The order desk on a real database, on SQLite and PostgreSQL: payments and
//! refunds beside fulfilment, service notes, statuses set by hand, overdue.

mod common;

use common::{clock, packer, TestDb};
use packbench_core::domain::{EventKind, OrderStatus, PaymentStatus};
use packbench_core::ops::{self, Actor, OrderFilter, PaymentInput, PaymentKind, Role};
use packbench_core::store::Store;
use packbench_core::Error;

fn manager() -> Actor {
    Actor::new("Мария", "office", Role::Supervisor)
}

async fn demo(db: &TestDb) -> Store {
    let store = db.store.clone().with_clock(clock());
    ops::load_demo(&store, &Actor::new("admin", "office", Role::Admin), 1)
        .await
        .unwrap();
    store
}

/// The demo's first order in `status`.
async fn first_in(store: &Store, status: OrderStatus) -> ops::OrderDetail {
    let filter = OrderFilter {
        statuses: vec![status],
        limit: 1000,
        ..Default::default()
    };
    let list = ops::list_orders(store, &filter).await.unwrap();
    let number = &list
        .last()
        .unwrap_or_else(|| panic!("a demo order in {status}"))
        .number;
    ops::order_detail(store, number).await.unwrap()
}

fn money(kind: PaymentKind, amount_minor: i64, currency: &str) -> PaymentInput {
    PaymentInput {
        kind,
        amount: packbench_core::domain::money::format_minor(
            amount_minor,
            packbench_core::domain::money::exponent_of(currency),
        ),
        currency: currency.into(),
        method: "карта".into(),
        note: String::new(),
    }
}

on_both_engines!(
    payments_and_refunds_move_the_payment_state_and_the_balance,
    |db| {
        let store = demo(&db).await;
        let order = first_in(&store, OrderStatus::New).await;
        let number = order.head.number.clone();
        // Start from an unpaid order whatever the demo made of it.
        let order = if order.payments.is_empty() {
            order
        } else {
            let net = order.paid_minor;
            ops::record_payment(
                &store,
                &manager(),
                &number,
                &money(PaymentKind::Refund, net, &order.head.currency),
            )
            .await
            .unwrap()
        };
        let total = order.total_minor;
        let cur = order.head.currency.clone();
        let part = total / 3;
        let after_part = ops::record_payment(
            &store,
            &manager(),
            &number,
            &money(PaymentKind::Payment, part, &cur),
        )
        .await
        .unwrap();
        assert_eq!(after_part.head.payment_status, PaymentStatus::PartiallyPaid);
        assert_eq!(after_part.balance_minor, order.balance_minor - part);
        let paid = ops::record_payment(
            &store,
            &manager(),
            &number,
            &money(PaymentKind::Payment, after_part.balance_minor, &cur),
        )
        .await
        .unwrap();
        assert_eq!(paid.head.payment_status, PaymentStatus::Paid);
        assert_eq!(paid.balance_minor, 0, "nothing left to pay");
        let refunded = ops::record_payment(
            &store,
            &manager(),
            &number,
            &money(PaymentKind::Refund, 100, &cur),
        )
        .await
        .unwrap();
        assert_eq!(
            refunded.head.payment_status,
            PaymentStatus::PartiallyRefunded
        );
        assert_eq!(refunded.balance_minor, 100);
        let entry = refunded
            .events
            .iter()
            .rev()
            .find(|e| e.kind == EventKind::RefundRecorded)
            .expect("the refund is in the history");
        assert_eq!(entry.before.as_ref().unwrap()["payment_status"], "paid");
        assert_eq!(
            entry.after.as_ref().unwrap()["payment_status"],
            "partially_refunded"
        );
        assert_eq!(entry.after.as_ref().unwrap()["method"], "карта");
    }
);

on_both_engines!(
    a_payment_in_another_currency_or_too_big_a_refund_changes_nothing,
    |db| {
        let store = demo(&db).await;
        let order = first_in(&store, OrderStatus::Confirmed).await;
        let number = &order.head.number;
        let other = if order.head.currency == "EUR" {
            "RUB"
        } else {
            "EUR"
        };
        let err = ops::record_payment(
            &store,
            &manager(),
            number,
            &money(PaymentKind::Payment, 500, other),
        )
        .await
        .unwrap_err();
        assert!(
            matches!(err, Error::Invalid(_)) && err.to_string().contains(other),
            "{err}"
        );
        let too_much = order.paid_minor + 1;
        let err = ops::record_payment(
            &store,
            &manager(),
            number,
            &money(PaymentKind::Refund, too_much, &order.head.currency),
        )
        .await
        .unwrap_err();
        assert!(matches!(err, Error::Invalid(_)), "{err}");
        let after = ops::order_detail(&store, number).await.unwrap();
        assert_eq!(after.payments, order.payments, "the ledger is unchanged");
        assert_eq!(after.head.payment_status, order.head.payment_status);
    }
);

on_both_engines!(
    an_order_imported_paid_opens_its_ledger_with_that_payment,
    |db| {
        let store = demo(&db).await;
        let paid = first_in(&store, OrderStatus::Confirmed).await;
        if paid.head.payment_status == PaymentStatus::Paid {
            assert_eq!(paid.payments.len(), 1, "{:?}", paid.payments);
            assert_eq!(paid.payments[0].amount_minor, paid.total_minor);
            assert_eq!(paid.balance_minor, 0);
        }
        let filter = OrderFilter {
            limit: 1000,
            ..Default::default()
        };
        for summary in ops::list_orders(&store, &filter).await.unwrap() {
            let d = ops::order_detail(&store, &summary.number).await.unwrap();
            match d.head.payment_status {
                PaymentStatus::Paid => assert_eq!(d.balance_minor, 0, "{} is paid", d.head.number),
                PaymentStatus::AwaitingPayment => {
                    assert_eq!(d.paid_minor, 0, "{} awaits payment", d.head.number)
                }
                PaymentStatus::Refunded => {
                    assert_eq!(d.paid_minor, 0, "{} is refunded", d.head.number)
                }
                _ => {}
            }
        }
    }
);

on_both_engines!(
    a_pinned_note_shows_first_and_every_note_is_in_the_history,
    |db| {
        let store = demo(&db).await;
        let number = first_in(&store, OrderStatus::Confirmed).await.head.number;
        let empty = ops::add_note(&store, &manager(), &number, "   ", false)
            .await
            .unwrap_err();
        assert!(matches!(empty, Error::Invalid(_)), "{empty}");
        ops::add_note(&store, &manager(), &number, "доставка после 18:00", false)
            .await
            .unwrap();
        let with_pin = ops::add_note(
            &store,
            &manager(),
            &number,
            "позвонить перед доставкой",
            true,
        )
        .await
        .unwrap();
        assert_eq!(with_pin.notes.len(), 2);
        assert_eq!(
            with_pin.notes[0].text, "позвонить перед доставкой",
            "pinned first"
        );
        assert!(with_pin.notes[0].pinned);
        assert_eq!(with_pin.notes[0].user, "Мария");
        let later = with_pin.notes[1].id;
        let refused = ops::pin_note(&store, &packer("S1"), &number, later, true)
            .await
            .unwrap_err();
        assert!(matches!(refused, Error::Forbidden { .. }), "{refused}");
        let repinned = ops::pin_note(&store, &manager(), &number, later, true)
            .await
            .unwrap();
        assert!(repinned.notes.iter().all(|n| n.pinned));
        let kinds: Vec<_> = repinned.events.iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds.iter().filter(|k| **k == EventKind::NoteAdded).count(),
            2
        );
        assert!(kinds.contains(&EventKind::NotePinned));
        let other = first_in(&store, OrderStatus::New).await.head.number;
        let wrong = ops::pin_note(&store, &manager(), &other, later, true)
            .await
            .unwrap_err();
        assert!(
            matches!(wrong, Error::NotFound { .. }),
            "a note of another order: {wrong}"
        );
    }
);

on_both_engines!(
    statuses_set_by_hand_follow_the_matrix_one_order_at_a_time,
    |db| {
        let store = demo(&db).await;
        let shipped = first_in(&store, OrderStatus::Shipped).await.head.number;
        let fresh = first_in(&store, OrderStatus::New).await.head.number;
        let numbers = vec![shipped.clone(), fresh.clone()];
        let moved = ops::move_orders(&store, &manager(), &numbers, OrderStatus::Delivered, None)
            .await
            .unwrap();
        assert_eq!(moved[0].status, Some(OrderStatus::Delivered), "{moved:?}");
        assert!(moved[0].refused.is_none());
        let why = moved[1]
            .refused
            .as_deref()
            .expect("a new order is not delivered");
        assert!(
            why.contains("new") && why.contains("delivered"),
            "names both statuses: {why}"
        );
        assert_eq!(
            ops::order_detail(&store, &fresh).await.unwrap().head.status,
            OrderStatus::New,
            "the refused one is unchanged"
        );
        let completed = ops::move_orders(
            &store,
            &manager(),
            std::slice::from_ref(&shipped),
            OrderStatus::Completed,
            None,
        )
        .await
        .unwrap();
        assert_eq!(completed[0].status, Some(OrderStatus::Completed));
        let detail = ops::order_detail(&store, &shipped).await.unwrap();
        let kinds: Vec<_> = detail.events.iter().map(|e| e.kind).collect();
        assert!(
            kinds.contains(&EventKind::Delivered) && kinds.contains(&EventKind::Completed),
            "{kinds:?}"
        );
        let not_by_hand = ops::move_orders(
            &store,
            &manager(),
            std::slice::from_ref(&fresh),
            OrderStatus::Shipped,
            None,
        )
        .await
        .unwrap_err();
        assert!(matches!(not_by_hand, Error::Invalid(_)), "{not_by_hand}");
    }
);

on_both_engines!(
    cancelling_a_selection_needs_a_reason_and_releases_stock,
    |db| {
        let store = demo(&db).await;
        let confirmed = first_in(&store, OrderStatus::Confirmed).await;
        let number = confirmed.head.number.clone();
        let sku = confirmed.lines[0].sku.clone();
        let reserved_before: i64 = ops::product_by_sku(&store, &sku)
            .await
            .unwrap()
            .stock
            .iter()
            .map(|(_, _, r)| r)
            .sum();
        let no_reason = ops::move_orders(
            &store,
            &manager(),
            std::slice::from_ref(&number),
            OrderStatus::Cancelled,
            None,
        )
        .await
        .unwrap();
        assert!(
            no_reason[0]
                .refused
                .as_deref()
                .unwrap_or("")
                .contains("why"),
            "{no_reason:?}"
        );
        let cancelled = ops::move_orders(
            &store,
            &manager(),
            std::slice::from_ref(&number),
            OrderStatus::Cancelled,
            Some("клиент передумал"),
        )
        .await
        .unwrap();
        assert_eq!(cancelled[0].status, Some(OrderStatus::Cancelled));
        let reserved_after: i64 = ops::product_by_sku(&store, &sku)
            .await
            .unwrap()
            .stock
            .iter()
            .map(|(_, _, r)| r)
            .sum();
        assert!(
            reserved_after < reserved_before,
            "the reservation is released: {reserved_before} → {reserved_after}"
        );
    }
);

on_both_engines!(
    the_overdue_filter_lists_only_orders_past_their_limit,
    |db| {
        let clock = clock();
        let store = db.store.clone().with_clock(clock.clone());
        ops::load_demo(&store, &Actor::new("admin", "office", Role::Admin), 1)
            .await
            .unwrap();
        let overdue = OrderFilter {
            overdue: true,
            limit: 1000,
            ..Default::default()
        };
        assert!(
            ops::list_orders(&store, &overdue).await.unwrap().is_empty(),
            "nothing is late at load"
        );
        // Two days later every confirmed order is past its 24-hour limit.
        clock.advance(chrono::Duration::hours(48));
        let late = ops::list_orders(&store, &overdue).await.unwrap();
        assert!(!late.is_empty());
        assert!(late.iter().all(|o| o.overdue), "{late:?}");
        let counts = ops::status_counts(&store).await.unwrap();
        let confirmed = counts
            .iter()
            .find(|c| c.status == OrderStatus::Confirmed)
            .unwrap();
        assert_eq!(
            confirmed.overdue,
            late.iter()
                .filter(|o| o.status == OrderStatus::Confirmed)
                .count() as i64,
            "the tab's count and the filter agree"
        );
    }
);

fn admin() -> Actor {
    Actor::new("admin", "office", Role::Admin)
}

on_both_engines!(
    the_store_renames_a_stage_and_the_order_shows_the_new_name,
    |db| {
        let store = demo(&db).await;
        let life = ops::rename_status(
            &store,
            &admin(),
            "ready",
            "Ready for pickup",
            "Ждёт курьера",
        )
        .await
        .unwrap();
        let ready = life.find("ready").unwrap();
        assert_eq!(
            (ready.label_en.as_str(), ready.label_ru.as_str()),
            ("Ready for pickup", "Ждёт курьера")
        );
        assert!(ready.standard);
        let order = first_in(&store, OrderStatus::Ready).await;
        assert_eq!(order.status_name.ru, "Ждёт курьера");
        assert_eq!(order.status_name.en, "Ready for pickup");
        // Only an admin edits the lifecycle, and a name cannot be empty.
        let e = ops::rename_status(&store, &manager(), "ready", "X", "Х")
            .await
            .unwrap_err();
        assert!(matches!(e, Error::Forbidden { .. }), "{e}");
        let e = ops::rename_status(&store, &admin(), "ready", "X", "  ")
            .await
            .unwrap_err();
        assert!(e.to_string().contains("Russian name is empty"), "{e}");
        let e = ops::rename_status(&store, &admin(), "packed", "X", "Х")
            .await
            .unwrap_err();
        assert!(matches!(e, Error::NotFound { .. }), "{e}");
        assert_eq!(
            ops::lifecycle(&store)
                .await
                .unwrap()
                .find("ready")
                .unwrap()
                .label_ru,
            "Ждёт курьера",
            "a refused edit changed nothing"
        );
    }
);

on_both_engines!(
    a_store_status_inside_a_stage_holds_orders_with_its_own_limit,
    |db| {
        let clock = clock();
        let store = db.store.clone().with_clock(clock.clone());
        ops::load_demo(&store, &admin(), 1).await.unwrap();
        let call = ops::NewStatus {
            code: String::new(),
            stage: OrderStatus::New,
            label_en: "Awaiting call".into(),
            label_ru: "Ждёт звонка".into(),
            max_minutes: Some(60),
        };
        let life = ops::add_status(&store, &admin(), &call).await.unwrap();
        let def = life
            .find("awaiting_call")
            .expect("the code made from the name");
        assert_eq!((def.stage, def.standard), (OrderStatus::New, false));
        let e = ops::add_status(&store, &admin(), &call).await.unwrap_err();
        assert!(e.to_string().contains("exists already"), "{e}");

        let order = first_in(&store, OrderStatus::New).await;
        let number = order.head.number.clone();
        let d = ops::set_sub_status(&store, &manager(), &number, Some("awaiting_call"))
            .await
            .unwrap();
        assert_eq!(d.head.status, OrderStatus::New, "the rules still see new");
        assert_eq!(d.head.sub_status.as_deref(), Some("awaiting_call"));
        assert_eq!(d.status_name.ru, "Ждёт звонка");
        assert_eq!(d.events.last().unwrap().kind, EventKind::SubStatusSet);

        // The stage `new` has no limit; the store's status inside it has one.
        let new_overdue = |counts: Vec<ops::StatusCount>| {
            counts
                .iter()
                .find(|c| c.status == OrderStatus::New)
                .unwrap()
                .overdue
        };
        assert_eq!(new_overdue(ops::status_counts(&store).await.unwrap()), 0);
        clock.advance(chrono::Duration::minutes(61));
        assert_eq!(new_overdue(ops::status_counts(&store).await.unwrap()), 1);
        let late = ops::list_orders(
            &store,
            &OrderFilter {
                overdue: true,
                statuses: vec![OrderStatus::New],
                limit: 100,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(late.len(), 1);
        assert_eq!(late[0].number, number);
        assert_eq!(late[0].sub_status.as_deref(), Some("awaiting_call"));

        // In use: it cannot be removed.
        let e = ops::remove_status(&store, &admin(), "awaiting_call")
            .await
            .unwrap_err();
        assert!(
            e.to_string().contains("1 orders are in awaiting_call"),
            "{e}"
        );
        // Confirming moves the order to another stage and out of it.
        let c = ops::confirm_order(&store, &manager(), &number)
            .await
            .unwrap();
        assert_eq!(c.order.head.sub_status, None);
        assert_eq!(c.order.status_name.en, "Confirmed");
        let e = ops::set_sub_status(&store, &manager(), &number, Some("awaiting_call"))
            .await
            .unwrap_err();
        assert!(
            e.to_string().contains("is confirmed") && e.to_string().contains("inside new"),
            "{e}"
        );
        let e = ops::set_sub_status(&store, &manager(), &number, Some("ready"))
            .await
            .unwrap_err();
        assert!(e.to_string().contains("is a stage"), "{e}");
        let life = ops::remove_status(&store, &admin(), "awaiting_call")
            .await
            .unwrap();
        assert!(life.find("awaiting_call").is_none());
        let e = ops::remove_status(&store, &admin(), "new")
            .await
            .unwrap_err();
        assert!(e.to_string().contains("standard stage"), "{e}");
    }
);

on_both_engines!(
    the_matrix_is_edited_but_the_transitions_packing_needs_stay,
    |db| {
        let store = demo(&db).await;
        let life = ops::set_transition(
            &store,
            &admin(),
            OrderStatus::New,
            OrderStatus::Cancelled,
            false,
        )
        .await
        .unwrap();
        let cell = life
            .transitions
            .iter()
            .find(|c| c.from == OrderStatus::New && c.to == OrderStatus::Cancelled)
            .unwrap();
        assert!(!cell.allowed && cell.locked.is_none());
        let order = first_in(&store, OrderStatus::New).await;
        let e = ops::cancel_order(&store, &manager(), &order.head.number, "передумал")
            .await
            .unwrap_err();
        assert!(
            matches!(
                e,
                Error::InvalidTransition {
                    from: OrderStatus::New,
                    to: OrderStatus::Cancelled
                }
            ),
            "{e}"
        );
        assert!(
            !ops::order_detail(&store, &order.head.number)
                .await
                .unwrap()
                .next_by_hand
                .contains(&OrderStatus::Cancelled),
            "the order screen no longer offers it"
        );
        for (from, to) in [
            (OrderStatus::Packing, OrderStatus::Ready),
            (OrderStatus::Ready, OrderStatus::Shipped),
            (OrderStatus::Ready, OrderStatus::Packing),
        ] {
            let e = ops::set_transition(&store, &admin(), from, to, false)
                .await
                .unwrap_err()
                .to_string();
            assert!(e.contains("locked"), "{e}");
        }
        // Allowed again, the order can be cancelled.
        ops::set_transition(
            &store,
            &admin(),
            OrderStatus::New,
            OrderStatus::Cancelled,
            true,
        )
        .await
        .unwrap();
        ops::cancel_order(&store, &manager(), &order.head.number, "передумал")
            .await
            .unwrap();
        let limit = ops::set_status_limit(&store, &admin(), "new", Some(90))
            .await
            .unwrap();
        assert_eq!(limit.find("new").unwrap().max_minutes, Some(90));
        let e = ops::set_status_limit(&store, &admin(), "new", Some(-5))
            .await
            .unwrap_err();
        assert!(e.to_string().contains("out of range"), "{e}");
    }
);

// ---- phone orders and edits ----

/// Two demo products with free stock: (sku, free).
async fn two_products(store: &Store) -> Vec<(String, i64)> {
    let found = ops::find_products(store, "PB-").await.unwrap();
    let with_stock: Vec<_> = found
        .into_iter()
        .filter(|p| p.free >= 5)
        .map(|p| (p.sku, p.free))
        .take(3)
        .collect();
    assert!(
        with_stock.len() == 3,
        "three demo products with stock: {with_stock:?}"
    );
    with_stock
}

fn line_of(sku: &str, quantity: i64, price: &str) -> ops::LineInput {
    ops::LineInput {
        id: None,
        sku: sku.into(),
        quantity,
        unit_price: price.into(),
        discount: String::new(),
        tax_rate_bp: None,
    }
}

fn phone_order(lines: Vec<ops::LineInput>, phone: &str) -> ops::PhoneOrderInput {
    ops::PhoneOrderInput {
        customer: ops::CustomerInput {
            id: None,
            name: "Петров Иван".into(),
            phone: phone.into(),
            email: "ivan@example.ru".into(),
            address: "Казань, ул. Баумана, 1".into(),
        },
        lines,
        delivery_method: "СДЭК".into(),
        delivery_cost: "350".into(),
        comment: String::new(),
        currency: String::new(),
        manager: Some("Мария".into()),
        channel: String::new(),
    }
}

async fn reserved(store: &Store, sku: &str) -> i64 {
    ops::product_by_sku(store, sku)
        .await
        .unwrap()
        .stock
        .iter()
        .map(|(_, _, r)| r)
        .sum()
}

on_both_engines!(
    a_phone_order_takes_the_next_free_number_and_finds_its_customer_again,
    |db| {
        let store = demo(&db).await;
        let products = two_products(&store).await;
        let (a, b) = (&products[0].0, &products[1].0);
        let first = ops::create_order(
            &store,
            &manager(),
            &phone_order(
                vec![line_of(a, 2, "1 290,50"), line_of(b, 1, "990")],
                "+7 912 345-67-89",
            ),
        )
        .await
        .unwrap();
        assert_eq!(first.head.status, OrderStatus::New);
        assert_eq!(first.head.channel, "phone");
        assert_eq!(first.head.manager.as_deref(), Some("Мария"));
        assert_eq!(first.goods_total_minor, 2 * 129_050 + 99_000);
        assert_eq!(first.total_minor, 2 * 129_050 + 99_000 + 35_000);
        assert_eq!(first.head.payment_status, PaymentStatus::AwaitingPayment);
        assert_eq!(first.events[0].kind, EventKind::Created);
        let n: i64 = first.head.number.parse().expect("a number of the sequence");

        // A shop's file brings in the sequence's next number meanwhile.
        let csv = format!(
            "number,currency,customer_name,sku,quantity,unit_price\n{},RUB,Сидорова Анна,{a},1,100\n",
            n + 1
        );
        let imported = ops::import_orders(
            &store,
            &manager(),
            csv.as_bytes(),
            packbench_core::exchange::OrderFormat::Packbench,
        )
        .await
        .unwrap();
        assert_eq!(imported.imported, 1, "{imported:?}");
        let second = ops::create_order(
            &store,
            &manager(),
            &phone_order(vec![line_of(b, 1, "990")], "89123456789"),
        )
        .await
        .unwrap();
        assert_eq!(
            second.head.number,
            (n + 2).to_string(),
            "the imported number is skipped"
        );
        let found = ops::find_customers(&store, "912 345 67 89").await.unwrap();
        assert_eq!(
            found.len(),
            1,
            "one customer however the phone is written: {found:?}"
        );
        assert_eq!(found[0].name, "Петров Иван");
        assert_eq!(
            ops::find_customers(&store, "петров").await.unwrap().len(),
            1,
            "by the start of a word of the name, in any case"
        );

        // Bad input changes nothing and uses no number.
        for (bad, says) in [
            (
                phone_order(vec![line_of(a, -1, "10")], ""),
                "quantity is -1",
            ),
            (phone_order(vec![line_of(a, 1, "-10")], ""), "negative"),
            (
                phone_order(vec![line_of("NO-SUCH", 1, "10")], ""),
                "NO-SUCH",
            ),
        ] {
            let e = ops::create_order(&store, &manager(), &bad)
                .await
                .unwrap_err();
            assert!(
                matches!(e, Error::Invalid(_)) && e.to_string().contains(says),
                "{e}"
            );
        }
        let third = ops::create_order(
            &store,
            &manager(),
            &phone_order(vec![line_of(b, 1, "990")], ""),
        )
        .await
        .unwrap();
        assert_eq!(third.head.number, (n + 3).to_string());
        let mine = ops::list_orders(
            &store,
            &OrderFilter {
                manager: Some("Мария".into()),
                limit: 100,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(mine.len(), 3, "the manager's orders: {mine:?}");
    }
);

on_both_engines!(
    an_edit_moves_the_reservation_and_writes_one_history_entry,
    |db| {
        let store = demo(&db).await;
        let products = two_products(&store).await;
        let (a, b, c) = (&products[0].0, &products[1].0, &products[2].0);
        let order = ops::create_order(
            &store,
            &manager(),
            &phone_order(
                vec![line_of(a, 2, "100"), line_of(b, 1, "200")],
                "+7 900 000-00-01",
            ),
        )
        .await
        .unwrap();
        let number = order.head.number.clone();
        let (ra, rb, rc) = (
            reserved(&store, a).await,
            reserved(&store, b).await,
            reserved(&store, c).await,
        );
        ops::confirm_order(&store, &manager(), &number)
            .await
            .unwrap();
        assert_eq!(reserved(&store, a).await, ra + 2);
        assert_eq!(reserved(&store, b).await, rb + 1);

        // 2 → 3 of a, b removed, c added; the phone changed.
        let la = &order.lines[0];
        let mut keep = line_of(a, 3, "100");
        keep.id = Some(la.id);
        keep.tax_rate_bp = Some(la.tax_rate_bp);
        keep.discount = "0".into();
        let edit = ops::OrderEdit {
            phone: Some("+7 900 000-00-02".into()),
            lines: Some(vec![keep, line_of(c, 1, "300")]),
            ..Default::default()
        };
        let edited = ops::edit_order(&store, &manager(), &number, &edit)
            .await
            .unwrap();
        assert!(edited.unreserved_skus.is_empty());
        let o = &edited.order;
        assert_eq!(o.lines.len(), 2);
        assert_eq!(
            (o.lines[0].sku.as_str(), o.lines[0].quantity),
            (a.as_str(), 3)
        );
        assert_eq!(o.lines[1].sku, *c);
        assert_eq!(o.goods_total_minor, 3 * 10_000 + 30_000);
        assert_eq!(
            reserved(&store, a).await,
            ra + 3,
            "the reservation follows the line"
        );
        assert_eq!(
            reserved(&store, b).await,
            rb,
            "the removed line's units are free again"
        );
        assert_eq!(reserved(&store, c).await, rc + 1);
        let last = o.events.last().unwrap();
        assert_eq!(last.kind, EventKind::Edited);
        let before = last.before.as_ref().unwrap();
        let after = last.after.as_ref().unwrap();
        assert_eq!(before["phone"], "+7 900 000-00-01");
        assert_eq!(after["phone"], "+7 900 000-00-02");
        assert_eq!(before["lines"][0]["quantity"], 2);
        assert_eq!(after["lines"][0]["quantity"], 3);
        assert!(
            before.get("customer_name").is_none(),
            "only what changed: {before}"
        );
        let edits = o
            .events
            .iter()
            .filter(|e| e.kind == EventKind::Edited)
            .count();
        assert_eq!(edits, 1);

        // Renumbered: the old number still finds it; a taken number is refused.
        let renamed = ops::edit_order(
            &store,
            &manager(),
            &number,
            &ops::OrderEdit {
                number: Some("Т-77".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(renamed.order.head.number, "Т-77");
        assert_eq!(
            ops::order_detail(&store, &number)
                .await
                .unwrap()
                .head
                .number,
            "Т-77"
        );
        assert_eq!(
            ops::find_order(&store, &number).await.unwrap().as_deref(),
            Some("Т-77")
        );
        let e = ops::edit_order(
            &store,
            &manager(),
            "Т-77",
            &ops::OrderEdit {
                number: Some("1001".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
        assert!(matches!(e, Error::Conflict(_)), "{e}");

        // A negative quantity is refused and changes nothing.
        let before_bad = ops::order_detail(&store, "Т-77").await.unwrap();
        let mut neg = line_of(a, -3, "100");
        neg.id = Some(before_bad.lines[0].id);
        let e = ops::edit_order(
            &store,
            &manager(),
            "Т-77",
            &ops::OrderEdit {
                lines: Some(vec![neg]),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
        assert!(e.to_string().contains("quantity is -3"), "{e}");
        assert_eq!(
            ops::order_detail(&store, "Т-77").await.unwrap().lines,
            before_bad.lines
        );

        // A shipped order is not edited.
        let shipped = first_in(&store, OrderStatus::Shipped).await;
        let e = ops::edit_order(
            &store,
            &manager(),
            &shipped.head.number,
            &ops::OrderEdit {
                comment: Some("поздно".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
        assert!(e.to_string().contains("until it is shipped"), "{e}");

        let assigned = ops::assign_order(&store, &manager(), "Т-77", Some("Ольга"))
            .await
            .unwrap();
        assert_eq!(assigned.head.manager.as_deref(), Some("Ольга"));
        assert_eq!(assigned.events.last().unwrap().kind, EventKind::Assigned);
    }
);

// ---- back-orders, substitutes, splits, holds ----

/// A phone order for more «Кружка «Утро»» (PB-0001) than is free, and one
/// other product; confirmed. Returns (number, free units of PB-0001 before).
async fn short_order(store: &Store) -> (String, i64) {
    let free = ops::find_products(store, "PB-0001").await.unwrap()[0].free;
    assert!(free > 0, "the demo has some PB-0001 free");
    let order = ops::create_order(
        store,
        &manager(),
        &phone_order(
            vec![
                line_of("PB-0001", free + 2, "450"),
                line_of("PB-0002", 1, "300"),
            ],
            "+7 900 111-22-33",
        ),
    )
    .await
    .unwrap();
    let c = ops::confirm_order(store, &manager(), &order.head.number)
        .await
        .unwrap();
    assert_eq!(c.unreserved_skus, vec!["PB-0001".to_string()]);
    (order.head.number, free)
}

on_both_engines!(
    a_line_stock_cannot_cover_is_back_ordered_with_a_date_and_can_be_substituted,
    |db| {
        let store = demo(&db).await;
        let (number, _free) = short_order(&store).await;
        let order = ops::order_detail(&store, &number).await.unwrap();
        let (mug, other) = (&order.lines[0], &order.lines[1]);
        assert_eq!(mug.backordered, 2, "two units missing: {mug:?}");
        assert_eq!(other.backordered, 0);
        let dated = ops::set_expected_date(&store, &manager(), &number, mug.id, Some("2026-12-05"))
            .await
            .unwrap();
        assert_eq!(
            dated.lines[0].expected_on,
            chrono::NaiveDate::from_ymd_opt(2026, 12, 5)
        );
        let e = ops::set_expected_date(&store, &manager(), &number, mug.id, Some("05.12"))
            .await
            .unwrap_err();
        assert!(e.to_string().contains("YYYY-MM-DD"), "{e}");
        let e = ops::set_expected_date(&store, &manager(), &number, other.id, Some("2026-12-05"))
            .await
            .unwrap_err();
        assert!(e.to_string().contains("not back-ordered"), "{e}");

        // Other mugs with free stock stand in for it.
        let alts = ops::alternatives(&store, &number, mug.id).await.unwrap();
        assert!(!alts.is_empty(), "the demo has other mugs");
        assert!(alts
            .iter()
            .all(|p| p.sku != "PB-0001" && p.free > 0 && p.name.starts_with("Кружка")));
        let substitute = alts
            .iter()
            .find(|p| p.free >= mug.quantity)
            .expect("a mug with enough stock");
        let mut line = line_of(&substitute.sku, mug.quantity, "450");
        line.id = Some(mug.id);
        let mut keep = line_of("PB-0002", 1, "300");
        keep.id = Some(other.id);
        keep.tax_rate_bp = Some(other.tax_rate_bp);
        line.tax_rate_bp = Some(mug.tax_rate_bp);
        let edited = ops::edit_order(
            &store,
            &manager(),
            &number,
            &ops::OrderEdit {
                lines: Some(vec![line, keep]),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert!(edited.unreserved_skus.is_empty());
        assert_eq!(edited.order.lines[0].sku, substitute.sku);
        assert_eq!(edited.order.lines[0].backordered, 0);
        assert_eq!(
            edited.order.lines[0].expected_on, None,
            "nothing is awaited any more"
        );
    }
);

on_both_engines!(
    a_split_ships_what_is_there_and_the_rest_follows_as_a_linked_order,
    |db| {
        let store = demo(&db).await;
        let (number, free) = short_order(&store).await;
        let before = ops::order_detail(&store, &number).await.unwrap();
        // Paid in full by card before the split.
        let paid = ops::record_payment(
            &store,
            &manager(),
            &number,
            &money(PaymentKind::Payment, before.total_minor, "RUB"),
        )
        .await
        .unwrap();
        assert_eq!(paid.head.payment_status, PaymentStatus::Paid);
        let reserved_before = reserved(&store, "PB-0001").await;
        ops::set_expected_date(
            &store,
            &manager(),
            &number,
            before.lines[0].id,
            Some("2026-12-05"),
        )
        .await
        .unwrap();

        let split = ops::split_order(&store, &manager(), &number, &[])
            .await
            .unwrap();
        let (kept, rest) = (&split.kept, &split.split);
        assert_eq!(rest.head.number, format!("{number}-2"));
        assert_eq!(rest.split_from_number.as_deref(), Some(number.as_str()));
        assert_eq!(kept.split_into, vec![rest.head.number.clone()]);
        assert_eq!(kept.lines[0].quantity, free, "what the shelf has ships now");
        assert_eq!(kept.lines[0].backordered, 0);
        assert_eq!(rest.head.status, OrderStatus::Confirmed);
        assert_eq!(rest.lines.len(), 1);
        assert_eq!(
            (rest.lines[0].sku.as_str(), rest.lines[0].quantity),
            ("PB-0001", 2)
        );
        assert_eq!(rest.lines[0].backordered, 2, "still waiting for stock");
        assert_eq!(
            rest.lines[0].expected_on,
            chrono::NaiveDate::from_ymd_opt(2026, 12, 5),
            "the awaited day goes with the awaited units"
        );
        assert_eq!(
            reserved(&store, "PB-0001").await,
            reserved_before,
            "the reservation did not grow or shrink"
        );
        assert_eq!(
            kept.total_minor + rest.total_minor,
            before.total_minor,
            "nothing is lost or added"
        );
        assert_eq!(kept.head.payment_status, PaymentStatus::Paid);
        assert_eq!(
            rest.head.payment_status,
            PaymentStatus::Paid,
            "the money moved with the goods"
        );
        assert_eq!(rest.paid_minor, rest.total_minor);
        assert_eq!(kept.balance_minor, 0);
        assert_eq!(kept.events.last().unwrap().kind, EventKind::Split);

        // A packed order is not split; nothing is back-ordered any more here.
        let e = ops::split_order(&store, &manager(), &number, &[])
            .await
            .unwrap_err();
        assert!(e.to_string().contains("nothing"), "{e}");

        let held = ops::hold_order(&store, &manager(), &rest.head.number, Some("нет в наличии"))
            .await
            .unwrap();
        assert_eq!(held.head.hold_reason.as_deref(), Some("нет в наличии"));
        let listed = ops::list_orders(
            &store,
            &OrderFilter {
                search: Some(rest.head.number.clone()),
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(listed[0].hold_reason.as_deref(), Some("нет в наличии"));
        // A held order is neither packed nor picked until the hold is released.
        let e = ops::open_for_packing(&store, &common::packer("Стол 1"), &rest.head.number)
            .await
            .unwrap_err();
        assert!(
            matches!(e, Error::Refused(_)) && e.to_string().contains("on hold"),
            "{e}"
        );
        let e = ops::create_pick_list(
            &store,
            &manager(),
            ops::PickSelection::Orders(vec![rest.head.number.clone()]),
        )
        .await
        .unwrap_err();
        assert!(e.to_string().contains("on hold"), "{e}");
        let released = ops::hold_order(&store, &manager(), &rest.head.number, None)
            .await
            .unwrap();
        assert_eq!(released.head.hold_reason, None);
        assert_eq!(
            released
                .events
                .iter()
                .filter(|e| e.kind == EventKind::Held)
                .count(),
            2
        );
    }
);

on_both_engines!(
    units_packed_beyond_the_books_are_found_at_shipment_and_stock_never_goes_negative,
    |db| {
        let store = demo(&db).await;
        let (number, _free) = short_order(&store).await;
        let order = ops::order_detail(&store, &number).await.unwrap();
        assert_eq!(order.lines[0].backordered, 2);
        // The packer finds every unit on the shelf: the books were short.
        let packer = common::packer("Стол 1");
        ops::open_for_packing(&store, &packer, &number)
            .await
            .unwrap();
        for line in &order.lines {
            let code = ops::product_by_sku(&store, &line.sku)
                .await
                .unwrap()
                .barcodes
                .iter()
                .find(|b| b.units == 1)
                .unwrap()
                .code
                .clone();
            for k in 0..line.quantity {
                let r = ops::record_scan(
                    &store,
                    &packer,
                    &number,
                    &code,
                    &format!("found-{}-{k}", line.id),
                )
                .await
                .unwrap();
                assert!(r.outcome.is_accepted(), "{r:?}");
            }
        }
        common::finish(&store, &packer, &number, None)
            .await
            .unwrap();
        ops::ship_order(&store, &packer, &number, "СДЭК", "1000000001")
            .await
            .unwrap();
        let mug = ops::product_by_sku(&store, "PB-0001").await.unwrap();
        assert!(
            mug.stock
                .iter()
                .all(|(_, on_hand, reserved)| *on_hand >= 0 && *reserved >= 0),
            "never below zero: {:?}",
            mug.stock
        );
        assert_eq!(
            mug.stock.iter().map(|(_, on_hand, _)| on_hand).sum::<i64>(),
            0,
            "every mug the books had, and the two found, left with the parcel"
        );
        let mut conn = store.pool().acquire().await.unwrap();
        let found: i64 = sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(delta), 0) AS BIGINT) FROM stock_moves WHERE reason LIKE 'found at shipment%'",
        )
        .fetch_one(&mut *conn)
        .await
        .unwrap();
        assert_eq!(found, 2, "the correction is a stock move of its own");
    }
);

on_both_engines!(
    a_packed_order_is_edited_after_its_take_apart_and_its_units_are_scanned_again,
    |db| {
        let store = demo(&db).await;
        let order = ops::create_order(
            &store,
            &manager(),
            &phone_order(vec![line_of("PB-0002", 2, "300")], "+7 900 222-33-44"),
        )
        .await
        .unwrap();
        let number = order.head.number.clone();
        ops::confirm_order(&store, &manager(), &number)
            .await
            .unwrap();
        let packer = common::packer("Стол 1");
        ops::open_for_packing(&store, &packer, &number)
            .await
            .unwrap();
        let code = ops::product_by_sku(&store, "PB-0002")
            .await
            .unwrap()
            .barcodes
            .iter()
            .find(|b| b.units == 1)
            .unwrap()
            .code
            .clone();
        for k in 0..2 {
            ops::record_scan(&store, &packer, &number, &code, &format!("ta-{k}"))
                .await
                .unwrap();
        }
        common::finish(&store, &packer, &number, None)
            .await
            .unwrap();
        // Packed: the edit is refused and says what to do.
        let three = |id: i64| ops::OrderEdit {
            lines: Some(vec![ops::LineInput {
                id: Some(id),
                ..line_of("PB-0002", 3, "300")
            }]),
            ..Default::default()
        };
        let line_id = order.lines[0].id;
        let e = ops::edit_order(&store, &manager(), &number, &three(line_id))
            .await
            .unwrap_err();
        assert!(e.to_string().contains("take it apart"), "{e}");
        // Taken apart and released: the edit goes through and the two units
        // go back to be scanned again; the ledger agrees.
        ops::take_apart(
            &store,
            &packer,
            &number,
            "клиент добавил товар",
            Some(&common::maria_approves()),
        )
        .await
        .unwrap();
        ops::release_claim(&store, &packer, &number, None)
            .await
            .unwrap();
        let edited = ops::edit_order(&store, &manager(), &number, &three(line_id))
            .await
            .unwrap();
        assert_eq!(edited.order.head.status, OrderStatus::Confirmed);
        assert_eq!(
            (edited.order.lines[0].quantity, edited.order.lines[0].packed),
            (3, 0)
        );
        assert_eq!(
            edited.order.events.last().unwrap().after.as_ref().unwrap()["unpacked_units"],
            2
        );
        let live: i64 = edited
            .order
            .scans
            .iter()
            .map(|s| match s.outcome.as_str() {
                "accepted" => 1,
                "undo" => -1,
                _ => 0,
            })
            .sum();
        assert_eq!(live, 0, "every accepted scan has its undo in the ledger");
        ops::open_for_packing(&store, &packer, &number)
            .await
            .unwrap();
        for k in 0..3 {
            let r = ops::record_scan(&store, &packer, &number, &code, &format!("ta2-{k}"))
                .await
                .unwrap();
            assert!(r.outcome.is_accepted(), "{r:?}");
        }
        let done = common::finish(&store, &packer, &number, None)
            .await
            .unwrap();
        assert_eq!(done.head.status, OrderStatus::Ready);
    }
);

// ---------------------------------------------------------------------------
// Finding orders: filters, groups, saved filters and exports.

const FIND_PRODUCTS: &str = "sku,name,category\n\
PB-A,Кружка «Утро»,Посуда\n\
PB-B,\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",Декор\n\
PB-C,Notebook A5,Канцелярия\n";

const FIND_ORDERS: &str = "number,channel,created_at,customer_name,email,phone,delivery_method,delivery_cost,currency,payment_status,comment,sku,item_name,quantity,unit_price\n\
5001,web,2026-10-01T10:00:00+03:00,Иванова Мария,maria@example.ru,+7 912 345-67-89,СДЭК,300.00,RUB,paid,,PB-A,Кружка «Утро»,2,450.00\n\
5001,,,,,,,,,,,PB-C,Notebook A5,1,390.00\n\
5002,shopify,2026-10-15T12:00:00+03:00,Петров Пётр,petr@example.ru,89031112233,Почта России,250,RUB,awaiting_payment,,PB-B,Подарочный набор,1,1000\n\
5003,phone,2026-11-02T09:30:00+03:00,Иванова Мария,maria@example.ru,8 (912) 345 67 89,Самовывоз,0,RUB,paid,позвонить перед доставкой,PB-A,Кружка «Утро»,5,450\n\
5004,web,2026-11-10T18:00:00+03:00,Sidorov Ivan,ivan@example.com,+44 20 7946 0958,DPD,500,RUB,refunded,,PB-C,Notebook A5,2,390\n\
5004,,,,,,,,,,,PB-B,Подарочный набор,1,1000\n";

async fn find_desk(db: &TestDb) -> Store {
    let store = db.store.clone().with_clock(clock());
    let admin = Actor::new("admin", "office", Role::Admin);
    let p = ops::import_products(&store, &admin, FIND_PRODUCTS.as_bytes())
        .await
        .unwrap();
    assert_eq!(p.imported, 3, "{:?}", p.errors);
    let o = ops::import_orders(
        &store,
        &admin,
        FIND_ORDERS.as_bytes(),
        packbench_core::exchange::OrderFormat::Packbench,
    )
    .await
    .unwrap();
    assert_eq!(o.imported, 4, "{:?}", o.errors);
    store
}

async fn found(store: &Store, filter: OrderFilter) -> Vec<String> {
    ops::list_orders(store, &filter)
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.number)
        .collect()
}

fn ms(rfc3339: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .unwrap()
        .timestamp_millis()
}

on_both_engines!(filters_find_what_a_manager_is_told_on_the_phone, |db| {
    let store = find_desk(&db).await;
    let f = |edit: &dyn Fn(&mut OrderFilter)| {
        let mut f = OrderFilter::default();
        edit(&mut f);
        f
    };
    for phone in [
        "+7 912 345-67-89",
        "89123456789",
        "9123456789",
        "8 912 345 67 89",
    ] {
        assert_eq!(
            found(&store, f(&|f| f.search = Some(phone.into()))).await,
            ["5003", "5001"],
            "the customer's phone typed as {phone}"
        );
    }
    assert_eq!(
        found(&store, f(&|f| f.search = Some("позвонить".into()))).await,
        ["5003"],
        "comment words"
    );
    assert_eq!(
        found(
            &store,
            f(&|f| {
                f.created_from = Some(ms("2026-10-10T00:00:00+03:00"));
                f.created_to = Some(ms("2026-11-05T00:00:00+03:00"));
            })
        )
        .await,
        ["5003", "5002"]
    );
    assert_eq!(
        found(
            &store,
            f(&|f| f.delivery_methods = vec!["СДЭК".into(), "Самовывоз".into()])
        )
        .await,
        ["5003", "5001"]
    );
    assert_eq!(
        found(&store, f(&|f| f.payment = vec![PaymentStatus::Paid])).await,
        ["5003", "5001"]
    );
    assert_eq!(
        found(&store, f(&|f| f.channels = vec!["shopify".into()])).await,
        ["5002"]
    );
    assert_eq!(
        found(
            &store,
            f(&|f| {
                f.total_min = Some("1 500,00".into());
                f.total_max = Some("2250".into());
            })
        )
        .await,
        ["5003", "5001"],
        "totals include delivery: 1590.00 and 2250.00"
    );
    assert_eq!(
        found(&store, f(&|f| f.delivery_cost_max = Some("0".into()))).await,
        ["5003"]
    );
    assert_eq!(
        found(&store, f(&|f| f.units_min = Some(3))).await,
        ["5004", "5003", "5001"]
    );
    assert_eq!(
        found(&store, f(&|f| f.product = Some("PB-C".into()))).await,
        ["5004", "5001"],
        "by SKU"
    );
    assert_eq!(
        found(&store, f(&|f| f.product = Some("кружка".into()))).await,
        ["5003", "5001"],
        "by a word of the name, typed in lower case"
    );
    ops::add_note(
        &store,
        &manager(),
        "5002",
        "Клиент просил подарочную упаковку",
        false,
    )
    .await
    .unwrap();
    assert_eq!(
        found(&store, f(&|f| f.note = Some("подарочную".into()))).await,
        ["5002"]
    );
    // Filters combine: paid, by СДЭК, with a mug.
    assert_eq!(
        found(
            &store,
            f(&|f| {
                f.payment = vec![PaymentStatus::Paid];
                f.delivery_methods = vec!["СДЭК".into()];
                f.product = Some("Кружка".into());
            })
        )
        .await,
        ["5001"]
    );
    // Pages: two at a time, the next starting after the last row.
    let first = ops::list_orders(&store, &f(&|f| f.limit = 2))
        .await
        .unwrap();
    let numbers: Vec<_> = first.iter().map(|o| o.number.as_str()).collect();
    assert_eq!(numbers, ["5004", "5003"]);
    let before = first.last().unwrap().id;
    assert_eq!(
        found(
            &store,
            f(&|f| {
                f.limit = 2;
                f.before = Some(before);
            })
        )
        .await,
        ["5002", "5001"]
    );
    assert_eq!(
        ops::count_orders(&store, &f(&|f| f.payment = vec![PaymentStatus::Paid]))
            .await
            .unwrap(),
        2
    );
    let row = &first[1];
    assert_eq!(
        (row.units, row.total_minor, row.payment_status),
        (5, 225_000, PaymentStatus::Paid),
        "the list shows what the order holds"
    );
    let e = ops::list_orders(&store, &f(&|f| f.total_min = Some("много".into())))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Invalid(m) if m.contains("lowest total")),
        "{e}"
    );
});

// A search narrowed by status, payment, channel or delivery is answered
// by the text index, which keeps those values beside the words
// (migration 0031): it must follow every change of them.
on_both_engines!(a_search_with_filters_follows_the_orders_changes, |db| {
    let store = find_desk(&db).await;
    let search = |edit: &dyn Fn(&mut OrderFilter)| {
        let mut f = OrderFilter {
            search: Some("иванова".into()),
            ..Default::default()
        };
        edit(&mut f);
        f
    };
    assert_eq!(
        found(&store, search(&|f| f.payment = vec![PaymentStatus::Paid])).await,
        ["5003", "5001"]
    );
    assert_eq!(
        found(&store, search(&|f| f.channels = vec!["web".into()])).await,
        ["5001"]
    );
    assert_eq!(
        found(
            &store,
            search(&|f| {
                f.payment = vec![PaymentStatus::Paid, PaymentStatus::Refunded];
                f.delivery_methods = vec!["Самовывоз".into(), "DPD".into()];
            })
        )
        .await,
        ["5003"],
        "any of a column's values, every column"
    );
    // A value with a space and Cyrillic letters is one facet.
    let post = OrderFilter {
        search: Some("петров".into()),
        delivery_methods: vec!["Почта России".into()],
        ..Default::default()
    };
    assert_eq!(found(&store, post.clone()).await, ["5002"]);
    assert_eq!(
        found(
            &store,
            OrderFilter {
                delivery_methods: vec!["Почта".into()],
                ..post
            }
        )
        .await,
        Vec::<String>::new(),
        "a delivery method is matched whole, not by its words"
    );
    // The payment state moves: the refund takes 5001 out of "paid".
    let order = ops::order_detail(&store, "5001").await.unwrap();
    ops::record_payment(
        &store,
        &manager(),
        "5001",
        &money(PaymentKind::Refund, order.paid_minor, &order.head.currency),
    )
    .await
    .unwrap();
    assert_eq!(
        found(&store, search(&|f| f.payment = vec![PaymentStatus::Paid])).await,
        ["5003"]
    );
    assert_eq!(
        found(
            &store,
            search(&|f| f.payment = vec![PaymentStatus::Refunded])
        )
        .await,
        ["5001"]
    );
    assert_eq!(
        ops::count_orders(&store, &search(&|f| f.payment = vec![PaymentStatus::Paid]))
            .await
            .unwrap(),
        1
    );
    // The status moves: confirming 5003 puts it under "confirmed".
    let confirmed = search(&|f| f.statuses = vec![OrderStatus::Confirmed]);
    assert_eq!(found(&store, confirmed.clone()).await, Vec::<String>::new());
    ops::confirm_order(&store, &manager(), "5003")
        .await
        .unwrap();
    assert_eq!(found(&store, confirmed).await, ["5003"]);
    assert_eq!(
        found(&store, search(&|f| f.statuses = vec![OrderStatus::New])).await,
        ["5001"]
    );
    // The customer's words still find the order after the changes.
    assert_eq!(found(&store, search(&|_| {})).await, ["5003", "5001"]);
});

// PostgreSQL reads the newest 20,000 orders before asking the text index
// for older ones, and may walk further first when the matches found say
// the page fills soon (store::order_query::page): a page that spans the
// newest orders and older ones, and pages after it, hold every match
// once and newest first. The ids jump by 20 million, so the older orders
// lie far below every walk.
on_both_engines!(a_search_page_spans_the_newest_orders_and_older_ones, |db| {
    let store = find_desk(&db).await;
    let jump = match db.target {
        packbench_core::store::DbTarget::SqliteFile(_) => {
            "UPDATE sqlite_sequence SET seq = 20000000 WHERE name = 'orders'"
        }
        _ => "SELECT setval(pg_get_serial_sequence('orders', 'id'), 20000000)",
    };
    sqlx::query(jump).execute(store.pool()).await.unwrap();
    let later = "number,channel,created_at,customer_name,email,phone,delivery_method,delivery_cost,currency,payment_status,comment,sku,item_name,quantity,unit_price\n\
5005,web,2026-11-20T10:00:00+03:00,Иванова Мария,maria@example.ru,+7 912 345-67-89,СДЭК,300,RUB,paid,,PB-A,Кружка «Утро»,1,450\n\
5006,web,2026-11-21T10:00:00+03:00,Иванова Мария,maria@example.ru,+7 912 345-67-89,СДЭК,300,RUB,paid,,PB-A,Кружка «Утро»,1,450\n\
5007,web,2026-11-22T10:00:00+03:00,Иванова Мария,maria@example.ru,+7 912 345-67-89,СДЭК,300,RUB,awaiting_payment,,PB-A,Кружка «Утро»,1,450\n";
    let o = ops::import_orders(
        &store,
        &Actor::new("admin", "office", Role::Admin),
        later.as_bytes(),
        packbench_core::exchange::OrderFormat::Packbench,
    )
    .await
    .unwrap();
    assert_eq!(o.imported, 3, "{:?}", o.errors);
    let id_of = |number: &'static str| {
        let store = store.clone();
        async move { ops::order_detail(&store, number).await.unwrap().head.id }
    };
    assert!(
        id_of("5005").await > 20_000_000,
        "the ids jumped past the gap"
    );
    let paid = |limit: i64, before: Option<i64>| OrderFilter {
        search: Some("иванова".into()),
        payment: vec![PaymentStatus::Paid],
        limit,
        before,
        ..Default::default()
    };
    assert_eq!(
        found(&store, paid(50, None)).await,
        ["5006", "5005", "5003", "5001"],
        "the newest and the older matches, once each"
    );
    assert_eq!(found(&store, paid(3, None)).await, ["5006", "5005", "5003"]);
    assert_eq!(
        found(&store, paid(3, Some(id_of("5003").await))).await,
        ["5001"],
        "the next page starts below the last row"
    );
    assert_eq!(
        found(&store, paid(1, Some(id_of("5005").await))).await,
        ["5003"],
        "a page that starts just above the gap"
    );
});

on_both_engines!(groups_count_an_order_once_in_each_of_its_categories, |db| {
    use ops::GroupBy;
    let store = find_desk(&db).await;
    let groups = |by| {
        let store = store.clone();
        async move {
            ops::group_orders(&store, &OrderFilter::default(), by, 180)
                .await
                .unwrap()
                .into_iter()
                .map(|g| (g.key, g.orders))
                .collect::<Vec<_>>()
        }
    };
    let by_category = groups(GroupBy::Category).await;
    assert_eq!(
        by_category,
        [
            ("Декор".to_string(), 2),
            ("Канцелярия".to_string(), 2),
            ("Посуда".to_string(), 2)
        ],
        "5001 has a mug and a notebook: it counts once in each"
    );
    assert_eq!(
        groups(GroupBy::Day).await,
        [
            ("2026-11-10".to_string(), 1),
            ("2026-11-02".to_string(), 1),
            ("2026-10-15".to_string(), 1),
            ("2026-10-01".to_string(), 1)
        ],
        "days in the user's time zone, newest first"
    );
    assert_eq!(groups(GroupBy::Status).await, [("new".to_string(), 4)]);
    assert_eq!(
        groups(GroupBy::Payment).await,
        [
            ("paid".to_string(), 2),
            ("awaiting_payment".to_string(), 1),
            ("refunded".to_string(), 1)
        ]
    );
    let paid_only = OrderFilter {
        payment: vec![PaymentStatus::Paid],
        ..Default::default()
    };
    let delivery = ops::group_orders(&store, &paid_only, GroupBy::DeliveryMethod, 180)
        .await
        .unwrap();
    assert_eq!(delivery.len(), 2, "{delivery:?}");
    assert!(delivery.iter().all(|g| g.orders == 1));
});

/// Every grouping as the hourly counts give it equals the one counted from
/// the orders, over all orders and over a range with ragged ends (status,
/// channel and delivery method under a payment filter come from the
/// crossed counts of migration 0034), and categories under a payment
/// filter (migration 0032) equal a plain count of the orders' lines.
async fn assert_tally_matches_orders(store: &Store, when: &str) {
    use ops::GroupBy;
    use packbench_core::store::order_query;
    let ragged = OrderFilter {
        created_from: Some(ms("2026-10-01T10:17:00+03:00")),
        created_to: Some(ms("2026-11-10T18:00:01+03:00")),
        ..Default::default()
    };
    let one_status = OrderFilter {
        statuses: vec![OrderStatus::New, OrderStatus::Confirmed],
        ..Default::default()
    };
    let paid_ragged = OrderFilter {
        payment: vec![PaymentStatus::Paid, PaymentStatus::PartiallyRefunded],
        ..ragged.clone()
    };
    let refunded = OrderFilter {
        payment: vec![PaymentStatus::Refunded],
        ..Default::default()
    };
    for filter in [
        OrderFilter::default(),
        ragged,
        one_status,
        paid_ragged,
        refunded,
    ] {
        for by in [
            GroupBy::Status,
            GroupBy::Payment,
            GroupBy::Day,
            GroupBy::DeliveryMethod,
            GroupBy::Channel,
            GroupBy::Category,
        ] {
            if by == GroupBy::Channel && !filter.statuses.is_empty() {
                continue;
            }
            let kept: Vec<(String, i64)> = ops::group_orders(store, &filter, by, 180)
                .await
                .unwrap()
                .into_iter()
                .map(|g| (g.key, g.orders))
                .collect();
            let mut conn = store.pool().acquire().await.unwrap();
            let mut counted = order_query::counted_rows(
                &mut conn,
                store.engine(),
                &filter,
                by,
                180,
                store.now_ms(),
            )
            .await
            .unwrap();
            counted.sort();
            let mut kept_sorted = kept.clone();
            kept_sorted.sort();
            assert_eq!(kept_sorted, counted, "{when}: {by:?} of {filter:?}");
            if by == GroupBy::Category && !filter.payment.is_empty() {
                assert_eq!(
                    kept_sorted,
                    plain_category_counts(store, &filter).await,
                    "{when}: categories of {filter:?}"
                );
            }
        }
    }
}

/// How many orders of the filter's payment states and creation range have
/// a line of each category, counted from the lines and products alone.
async fn plain_category_counts(store: &Store, filter: &OrderFilter) -> Vec<(String, i64)> {
    let states: Vec<String> = filter
        .payment
        .iter()
        .map(|p| format!("'{}'", p.as_str()))
        .collect();
    let sql = format!(
        "SELECT COALESCE(p.category, '') AS k, CAST(COUNT(DISTINCT o.id) AS BIGINT) AS n \
         FROM orders o JOIN order_lines l ON l.order_id = o.id \
         LEFT JOIN products p ON p.id = l.product_id \
         WHERE o.payment_status IN ({}) AND o.created_at >= $1 AND o.created_at < $2 \
         GROUP BY COALESCE(p.category, '')",
        states.join(", ")
    );
    let mut rows: Vec<(String, i64)> = sqlx::query_as(&sql)
        .bind(filter.created_from.unwrap_or(i64::MIN))
        .bind(filter.created_to.unwrap_or(i64::MAX))
        .fetch_all(store.pool())
        .await
        .unwrap();
    rows.sort();
    rows
}

on_both_engines!(
    group_counts_kept_per_hour_stay_true_through_every_change,
    |db| {
        let store = find_desk(&db).await;
        let admin = Actor::new("admin", "office", Role::Admin);
        assert_tally_matches_orders(&store, "after the import").await;
        // Orders move through their statuses and payments.
        ops::confirm_order(&store, &manager(), "5001")
            .await
            .unwrap();
        ops::confirm_order(&store, &manager(), "5003")
            .await
            .unwrap();
        assert_tally_matches_orders(&store, "after confirming").await;
        // An unpaid order paid in part, in full, refunded in part and in
        // full: its categories follow it from one payment state to the next.
        let unpaid = ops::order_detail(&store, "5002").await.unwrap();
        let (total, cur) = (unpaid.total_minor, unpaid.head.currency.clone());
        for (kind, amount, state) in [
            (
                PaymentKind::Payment,
                total / 2,
                PaymentStatus::PartiallyPaid,
            ),
            (PaymentKind::Payment, total - total / 2, PaymentStatus::Paid),
            (PaymentKind::Refund, 100, PaymentStatus::PartiallyRefunded),
            (PaymentKind::Refund, total - 100, PaymentStatus::Refunded),
        ] {
            let after = ops::record_payment(&store, &manager(), "5002", &money(kind, amount, &cur))
                .await
                .unwrap();
            assert_eq!(after.head.payment_status, state);
            assert_tally_matches_orders(&store, &format!("after 5002 became {state:?}")).await;
        }
        // A product moves to another category: its orders go with it.
        let moved = "sku,name,category\nPB-A,Кружка «Утро»,Кухня\n";
        ops::import_products(&store, &admin, moved.as_bytes())
            .await
            .unwrap();
        assert_tally_matches_orders(&store, "after a category change").await;
        // A new order's lines are re-imported: one line leaves, another comes.
        let again = FIND_ORDERS.replace(
        "5002,shopify,2026-10-15T12:00:00+03:00,Петров Пётр,petr@example.ru,89031112233,Почта России,250,RUB,awaiting_payment,,PB-B,Подарочный набор,1,1000",
        "5002,shopify,2026-10-15T12:00:00+03:00,Петров Пётр,petr@example.ru,89031112233,Почта России,250,RUB,awaiting_payment,,PB-C,Notebook A5,3,390",
    );
        let r = ops::import_orders(
            &store,
            &admin,
            again.as_bytes(),
            packbench_core::exchange::OrderFormat::Packbench,
        )
        .await
        .unwrap();
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert_tally_matches_orders(&store, "after a re-import").await;
        // Lines of a product the catalogue did not know find it when it comes.
        let unknown = "number,channel,created_at,customer_name,currency,payment_status,sku,item_name,quantity,unit_price\n\
5100,web,2026-11-20T23:59:59+03:00,Новиков Олег,RUB,paid,PB-NEW,Лампа,1,900\n";
        ops::import_orders(
            &store,
            &admin,
            unknown.as_bytes(),
            packbench_core::exchange::OrderFormat::Packbench,
        )
        .await
        .unwrap();
        assert_tally_matches_orders(&store, "with an unknown product").await;
        ops::import_products(
            &store,
            &admin,
            "sku,name,category\nPB-NEW,Лампа,Свет\n".as_bytes(),
        )
        .await
        .unwrap();
        assert_tally_matches_orders(&store, "after the product arrived").await;
        let light = ops::group_orders(&store, &OrderFilter::default(), ops::GroupBy::Category, 180)
            .await
            .unwrap();
        assert!(
            light.iter().any(|g| g.key == "Свет" && g.orders == 1),
            "{light:?}"
        );
    }
);

on_both_engines!(
    an_order_refused_by_the_store_is_reported_and_the_rest_kept,
    |db| {
        let store = find_desk(&db).await;
        let admin = Actor::new("admin", "office", Role::Admin);
        let long = "N".repeat(70);
        let file = format!(
        "number,channel,created_at,customer_name,currency,payment_status,sku,item_name,quantity,unit_price\n\
6001,web,2026-11-20T10:00:00+03:00,Новиков Олег,RUB,paid,PB-A,Кружка,1,450\n\
{long},web,2026-11-20T10:05:00+03:00,Орлова Анна,RUB,paid,PB-A,Кружка,1,450\n\
6003,web,2026-11-20T10:10:00+03:00,Зайцев Иван,RUB,paid,PB-C,Notebook A5,2,390\n"
    );
        let r = ops::import_orders(
            &store,
            &admin,
            file.as_bytes(),
            packbench_core::exchange::OrderFormat::Packbench,
        )
        .await
        .unwrap();
        assert_eq!((r.imported, r.failed), (2, 1), "{:?}", r.errors);
        assert_eq!(
            r.errors[0].row, 2,
            "the refused order's data row (1 is the first after the header)"
        );
        assert!(
            r.errors[0].message.contains("64 characters"),
            "{:?}",
            r.errors
        );
        // The orders around it are whole: lines, units, total, one history entry.
        for (number, units, total) in [("6001", 1, 45_000), ("6003", 2, 78_000)] {
            let o = ops::order_detail(&store, number).await.unwrap();
            assert_eq!(o.lines.len(), 1, "{number}");
            let row = ops::list_orders(
                &store,
                &OrderFilter {
                    search: Some(number.into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
            assert_eq!(
                (row[0].units, row[0].total_minor),
                (units, total),
                "{number}"
            );
            let imported = o
                .events
                .iter()
                .filter(|e| e.kind == EventKind::Imported)
                .count();
            assert_eq!(imported, 1, "{number}: {:?}", o.events);
        }
    }
);

on_both_engines!(a_saved_filter_is_kept_by_name_for_the_whole_store, |db| {
    let store = find_desk(&db).await;
    let filter = OrderFilter {
        delivery_methods: vec!["СДЭК".into()],
        payment: vec![PaymentStatus::Paid],
        limit: 50,
        before: Some(99),
        ..Default::default()
    };
    let saved = ops::save_filter(&store, &manager(), "Оплаченные СДЭК", &filter)
        .await
        .unwrap();
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0].saved_by, "Мария");
    assert_eq!(saved[0].filter.before, None, "the page is not saved");
    assert_eq!(found(&store, saved[0].filter.clone()).await, ["5001"]);
    let e = ops::save_filter(&store, &manager(), "Все", &OrderFilter::default())
        .await
        .unwrap_err();
    assert!(e.to_string().contains("every order"), "{e}");
    let packer = packer("Стол 1");
    let left = ops::delete_saved_filter(&store, &packer, "Оплаченные СДЭК")
        .await
        .unwrap();
    assert!(left.is_empty());
});

/// Reads an XLSX with openpyxl (Debian's python3-openpyxl) and prints each
/// cell of the first sheet as `row|col|type|value`.
fn read_xlsx(path: &std::path::Path) -> Vec<(usize, usize, String, String)> {
    let script = r#"
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.worksheets[0]
for r, row in enumerate(ws.iter_rows(), 1):
    for c, cell in enumerate(row, 1):
        if cell.value is not None:
            v = cell.value.isoformat() if hasattr(cell.value, 'isoformat') else repr(cell.value)
            print(f'{r}|{c}|{cell.data_type}|{v}')
"#;
    let out = std::process::Command::new("/usr/bin/python3")
        .arg("-c")
        .arg(script)
        .arg(path)
        .env("LC_ALL", "C.UTF-8")
        .output()
        .expect("Debian's python3 runs");
    assert!(
        out.status.success(),
        "openpyxl could not read the export (install python3-openpyxl: scripts/install-deps.sh): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let mut p = l.splitn(4, '|');
            (
                p.next().unwrap().parse().unwrap(),
                p.next().unwrap().parse().unwrap(),
                p.next().unwrap().to_string(),
                p.next().unwrap().to_string(),
            )
        })
        .collect()
}

on_both_engines!(
    exports_are_read_back_as_numbers_dates_and_inert_text,
    |db| {
        use ops::{ExportFormat, ExportRequest, ExportRows};
        use packbench_core::documents::Lang;
        let store = find_desk(&db).await;
        let request = |format, rows| ExportRequest {
            filter: OrderFilter::default(),
            format,
            rows,
            lang: Lang::Ru,
            utc_offset_minutes: 180,
        };
        let mut seen = Vec::new();
        let xlsx = ops::export_orders(
            &store,
            &manager(),
            &request(ExportFormat::Xlsx, ExportRows::Lines),
            |done, total| seen.push((done, total)),
        )
        .await
        .unwrap();
        assert_eq!((xlsx.orders, xlsx.rows), (4, 6));
        assert_eq!(seen.last(), Some(&(4, 4)), "progress reaches the end");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("orders.xlsx");
        std::fs::write(&path, &xlsx.bytes).unwrap();
        let cells = read_xlsx(&path);
        let at = |r: usize, c: usize| {
            cells
                .iter()
                .find(|x| x.0 == r && x.1 == c)
                .map(|x| (x.2.as_str(), x.3.as_str()))
        };
        let col = |name: &str| {
            cells
                .iter()
                .find(|x| x.0 == 1 && x.3 == format!("'{name}'"))
                .unwrap_or_else(|| panic!("a column {name}: {cells:?}"))
                .1
        };
        // Newest first: 5004's two lines, then 5003, 5002, 5001's two.
        assert_eq!(at(2, col("Номер")), Some(("s", "'5004'")));
        assert_eq!(
            at(2, col("Создан")),
            Some(("d", "2026-11-10T18:00:00")),
            "a real date, in the user's time zone"
        );
        assert_eq!(at(2, col("Итого")), Some(("n", "2280")));
        assert_eq!(at(2, col("Валюта")), Some(("s", "'RUB'")));
        assert_eq!(at(2, col("Оплата")), Some(("s", "'возвращён'")));
        let gift = cells
            .iter()
            .find(|x| x.1 == col("Артикул") && x.3 == "'PB-B'")
            .unwrap()
            .0;
        assert_eq!(at(gift, col("Товар")), Some(("s", "'Подарочный набор'")));
        assert_eq!(at(7, col("Цена")), Some(("n", "390")));
        assert_eq!(at(7, col("НДС, %")), Some(("n", "0")));
        // A line named like a formula (the shop sent it so).
        let admin = Actor::new("admin", "office", Role::Admin);
        let line = "number,currency,sku,item_name,quantity,unit_price\n\
5005,RUB,PB-B,\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",1,10\n";
        ops::import_orders(
            &store,
            &admin,
            line.as_bytes(),
            packbench_core::exchange::OrderFormat::Packbench,
        )
        .await
        .unwrap();
        let only = ExportRequest {
            filter: OrderFilter {
                search: Some("5005".into()),
                ..Default::default()
            },
            ..request(ExportFormat::Xlsx, ExportRows::Lines)
        };
        let x = ops::export_orders(&store, &manager(), &only, |_, _| {})
            .await
            .unwrap();
        std::fs::write(&path, &x.bytes).unwrap();
        let cells = read_xlsx(&path);
        let name = cells
            .iter()
            .find(|c| c.0 == 2 && c.1 == col("Товар"))
            .unwrap();
        assert_eq!(
            (name.2.as_str(), name.3.as_str()),
            ("s", "'=HYPERLINK(\"http://x\",\"y\")'"),
            "text, never a formula"
        );
        let csv = ops::export_orders(
            &store,
            &manager(),
            &ExportRequest {
                format: ExportFormat::Csv,
                ..only
            },
            |_, _| {},
        )
        .await
        .unwrap();
        let text = String::from_utf8(csv.bytes).unwrap();
        assert!(
            text.contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""),
            "the CSV cell starts with an apostrophe: {text}"
        );
    }
);

// ---------------------------------------------------------------------------
// Importing: XLSX, Windows-1251, mapped columns, re-import, cancel, report.

const SHOPIFY: &str = "Name,Email,Financial Status,Currency,Shipping,Shipping Method,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Shipping Name,Phone\n\
#7001,anna@example.ru,pending,RUB,300.00,СДЭК,2026-11-01 10:00:00 +0300,2,Кружка «Утро»,450.00,PB-A,Анна Смирнова,+7 900 111-22-33\n\
#7002,oleg@example.ru,paid,RUB,0,Самовывоз,2026-11-02 11:00:00 +0300,1,Notebook A5,390.00,PB-C,Олег Петров,89005554433\n";

fn admin_actor() -> Actor {
    Actor::new("admin", "office", Role::Admin)
}

on_both_engines!(
    imports_read_xlsx_windows_1251_and_mapped_columns_and_update_new_orders,
    |db| {
        use ops::ImportKind;
        use std::sync::atomic::AtomicBool;
        let store = db.store.clone().with_clock(clock());
        let no = AtomicBool::new(false);
        // Products from old Russian Excel: Windows-1251, `;`, its own headers.
        let (cp1251, _, _) = encoding_rs::WINDOWS_1251
        .encode("Артикул;Наименование;Категория\nPB-A;Кружка «Утро»;Посуда\nPB-C;Блокнот A5;Канцелярия\n");
        let preview = ops::preview_import(&store, &cp1251, ImportKind::Products, None)
            .await
            .unwrap();
        assert_eq!(preview.encoding, "windows-1251");
        assert_eq!(preview.headers, ["Артикул", "Наименование", "Категория"]);
        assert!(
            preview.file_error.is_some(),
            "no sku column until it is mapped"
        );
        let mapping: Vec<(String, String)> = [
            ("sku", "Артикул"),
            ("name", "Наименование"),
            ("category", "Категория"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        let mut steps = Vec::new();
        let p = ops::import_file(
            &store,
            &admin_actor(),
            &cp1251,
            ImportKind::Products,
            &mapping,
            |d, t| steps.push((d, t)),
            &no,
        )
        .await
        .unwrap();
        assert_eq!(p.imported, 2, "{:?}", p.errors);
        assert_eq!(steps.last(), Some(&(2, 2)));
        assert_eq!(
            ops::product_by_sku(&store, "PB-C").await.unwrap().name,
            "Блокнот A5"
        );
        // The mapping is remembered for the next file of the kind.
        let again = ops::preview_import(&store, &cp1251, ImportKind::Products, None)
            .await
            .unwrap();
        assert_eq!(again.file_error, None);
        assert_eq!(again.items, 2);

        // A Shopify export; imported twice, it adds nothing the second time.
        let first = ops::import_orders(
            &store,
            &admin_actor(),
            SHOPIFY.as_bytes(),
            packbench_core::exchange::OrderFormat::Shopify,
        )
        .await
        .unwrap();
        assert_eq!(first.imported, 2, "{:?}", first.errors);
        let same = ops::import_orders(
            &store,
            &admin_actor(),
            SHOPIFY.as_bytes(),
            packbench_core::exchange::OrderFormat::Shopify,
        )
        .await
        .unwrap();
        assert_eq!((same.imported, same.updated, same.skipped), (0, 0, 2));
        // The shop changed 7001 (three mugs now) before anyone confirmed it.
        let changed = SHOPIFY.replace(",2,Кружка", ",3,Кружка");
        ops::confirm_order(&store, &manager(), "7002")
            .await
            .unwrap();
        let changed = changed.replace("1,Notebook A5", "4,Notebook A5");
        let r = ops::import_orders(
            &store,
            &admin_actor(),
            changed.as_bytes(),
            packbench_core::exchange::OrderFormat::Shopify,
        )
        .await
        .unwrap();
        assert_eq!((r.imported, r.updated, r.skipped), (0, 1, 1), "{r:?}");
        let o = ops::order_detail(&store, "7001").await.unwrap();
        assert_eq!(o.units, 3, "a new order takes the file's version");
        assert_eq!(o.total_minor, 300 * 100 + 3 * 450 * 100);
        assert!(o.events.iter().any(|e| e.kind == EventKind::Edited));
        let kept = ops::order_detail(&store, "7002").await.unwrap();
        assert_eq!(kept.units, 1, "a confirmed order is left as it is");
        assert!(
            r.warning_details
                .iter()
                .any(|w| w.order.as_deref() == Some("7002") && w.message.contains("already")),
            "{r:?}"
        );
        assert_eq!(
            found(
                &store,
                OrderFilter {
                    search: Some("8 900 111 22 33".into()),
                    ..Default::default()
                }
            )
            .await,
            ["7001"],
            "found by the phone in another formatting"
        );

        // An XLSX workbook written by an independent writer (openpyxl).
        let dir = tempfile::tempdir().unwrap();
        let xlsx = dir.path().join("orders.xlsx");
        let script = r#"
import sys, datetime, openpyxl
wb = openpyxl.Workbook()
ws = wb.active
ws.append(["number", "currency", "created_at", "customer_name", "sku", "item_name", "quantity", "unit_price"])
ws.append(["8001", "RUB", datetime.datetime(2026, 11, 5, 14, 30), "Ирина Белова", "PB-A", "Кружка «Утро»", 2, 450.5])
ws.append([8002, "RUB", None, "Иван Белов", "PB-C", "Блокнот", 1, 390])
wb.save(sys.argv[1])
"#;
        let ok = std::process::Command::new("/usr/bin/python3")
            .args(["-c", script])
            .arg(&xlsx)
            .status()
            .expect("Debian's python3 runs");
        assert!(
            ok.success(),
            "openpyxl wrote the workbook (python3-openpyxl)"
        );
        let bytes = std::fs::read(&xlsx).unwrap();
        let preview = ops::preview_import(&store, &bytes, ImportKind::Packbench, None)
            .await
            .unwrap();
        assert_eq!(preview.encoding, "xlsx");
        assert_eq!(preview.rows[1][0], "8002", "whole numbers read without .0");
        let x = ops::import_file(
            &store,
            &admin_actor(),
            &bytes,
            ImportKind::Packbench,
            &[],
            |_, _| {},
            &no,
        )
        .await
        .unwrap();
        assert_eq!(x.imported, 2, "{:?}", x.errors);
        let o = ops::order_detail(&store, "8001").await.unwrap();
        assert_eq!(o.lines[0].unit_price_minor, 45_050);
        let local = o.head.created_at.with_timezone(&chrono::Local);
        assert_eq!(
            local.format("%Y-%m-%d %H:%M").to_string(),
            "2026-11-05 14:30",
            "an Excel date is this computer's local time"
        );

        // Cancelled before the first chunk: nothing is written, and it says so.
        let stop = AtomicBool::new(true);
        let c = ops::import_file(
            &store,
            &admin_actor(),
            FIND_ORDERS.as_bytes(),
            ImportKind::Packbench,
            &[],
            |_, _| {},
            &stop,
        )
        .await
        .unwrap();
        assert!(c.cancelled);
        assert_eq!(c.imported, 0);
        assert!(ops::order_detail(&store, "5001").await.is_err());

        // The report a user saves: row-numbered, in Russian.
        let bad = "number,currency,sku,quantity,unit_price\n9001,RUB,PB-A,два,10\n9002,RUB,NEW-SKU,1,10\n";
        let r = ops::import_orders(
            &store,
            &admin_actor(),
            bad.as_bytes(),
            packbench_core::exchange::OrderFormat::Packbench,
        )
        .await
        .unwrap();
        let report = String::from_utf8(ops::import_report_csv(&r, true).unwrap()).unwrap();
        let lines: Vec<&str> = report.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(lines[0], "строка;заказ;что;сообщение");
        assert!(lines[1].starts_with("1;9001;ошибка;"), "{report}");
        assert!(lines[2].starts_with("2;9002;предупреждение;"), "{report}");
    }
);
