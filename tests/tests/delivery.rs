//! Delivery status on a real database, SQLite and PostgreSQL: a carrier's
//! status file (its own Russian headers, Moscow times) is matched to the
//! parcels by tracking number; an order becomes delivered only when every
//! one of its parcels was handed over; the same file imported twice
//! changes nothing; unknown parcels and bad rows are reported and lose
//! nothing; parcels without movement past their carrier's days are stalled.

mod common;

use common::{clock, packer, TestDb};
use packbench_core::clock::FixedClock;
use packbench_core::ops::{self, Actor, Role};
use packbench_core::store::Store;
use packbench_core::Error;
use std::sync::Arc;

const MUG: &str = "4006381333931";
const KETTLE: &str = "4601234567893";
const MSK: i32 = 180;

fn admin() -> Actor {
    Actor::new("admin", "office", Role::Admin)
}

fn manager() -> Actor {
    Actor::new("elena", "office", Role::Manager)
}

/// Order 2001 (a kettle in one carton, two mugs in another) shipped by
/// СДЭК as 1084563217 and 1084563218; 2002 (a mug) by the store's own
/// courier as K-17; 2003 confirmed, not shipped. All at 2026-11-20 09:00 UTC.
async fn shipped(db: &TestDb) -> (Store, Arc<FixedClock>) {
    let time = clock();
    let store = db.store.clone().with_clock(time.clone());
    common::mugs_and_kettles(&store).await;
    let station = packer("station-1");
    let scan = |number: &'static str, code: &'static str, id: &'static str| {
        let store = store.clone();
        let station = station.clone();
        async move {
            ops::record_scan(&store, &station, number, code, id)
                .await
                .unwrap();
        }
    };
    ops::claim_order(&store, &station, "2001").await.unwrap();
    scan("2001", "BOX-L", "t-1").await;
    scan("2001", KETTLE, "t-2").await;
    ops::close_carton(&store, &station, "2001", Some("1.6 kg"), None, None)
        .await
        .unwrap();
    scan("2001", "BOX-S", "t-3").await;
    scan("2001", MUG, "t-4").await;
    scan("2001", MUG, "t-5").await;
    common::finish(&store, &station, "2001", None)
        .await
        .unwrap();
    let t = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    ops::ship_parcels(
        &store,
        &station,
        "2001",
        "cdek",
        &t(&["1084563217", "1084563218"]),
    )
    .await
    .unwrap();
    ops::claim_order(&store, &station, "2002").await.unwrap();
    scan("2002", MUG, "u-1").await;
    common::finish(&store, &station, "2002", None)
        .await
        .unwrap();
    ops::ship_order(&store, &station, "2002", "Курьер магазина", "K-17")
        .await
        .unwrap();
    (store, time)
}

async fn status(store: &Store, number: &str) -> String {
    ops::order_detail(store, number)
        .await
        .unwrap()
        .head
        .status
        .as_str()
        .to_string()
}

/// СДЭК's export as a Russian Excel saves it: semicolons, its own headers,
/// times on the Moscow clock.
const FIRST: &str = "Номер заказа СДЭК;Статус;Дата статуса;Город\n\
    1084563217;Принят на склад отправителя;20.11.2026 15:10;Москва\n\
    1084563218;Принят на склад отправителя;20.11.2026 15:10;Москва\n\
    1084563217;Вручен;22.11.2026 12:30;Казань\n\
    1084563218;В пути;22.11.2026 08:00;Нижний Новгород\n\
    9999999999;Вручен;22.11.2026 10:00;Тула\n\
    1084563218;Вручен;позавчера;Казань\n";

const SECOND: &str = "Номер заказа СДЭК;Статус;Дата статуса;Город\n\
    1084563217;Вручен;22.11.2026 12:30;Казань\n\
    1084563218;Вручен;23.11.2026 17:45;Казань\n";

on_both_engines!(
    an_order_is_delivered_when_every_parcel_is_handed_over_and_nothing_twice,
    |db| {
        let (store, _) = shipped(&db).await;
        let first =
            ops::import_delivery_statuses(&store, &manager(), "cdek-22.csv", FIRST.as_bytes(), MSK)
                .await
                .unwrap();
        assert_eq!(first.rows, 6);
        assert_eq!(first.recorded, 5, "the bad row is not recorded");
        assert_eq!(first.already_known, 0);
        assert_eq!(first.parcels, 2);
        // One of two parcels handed over: the order is still on its way.
        assert!(first.delivered.is_empty(), "{first:?}");
        assert_eq!(status(&store, "2001").await, "shipped");
        // The unknown number is named with its row, and kept.
        assert_eq!(first.unknown.len(), 1);
        assert_eq!(first.unknown[0].tracking_number, "9999999999");
        assert_eq!(first.unknown[0].rows, [5]);
        assert_eq!(first.errors.len(), 1);
        assert_eq!(first.errors[0].row, 6);
        assert!(
            first.errors[0]
                .message
                .contains("\"позавчера\" is not a time"),
            "{:?}",
            first.errors
        );

        let second = ops::import_delivery_statuses(
            &store,
            &manager(),
            "cdek-23.csv",
            SECOND.as_bytes(),
            MSK,
        )
        .await
        .unwrap();
        assert_eq!((second.recorded, second.already_known), (1, 1));
        assert_eq!(second.delivered, ["2001"]);
        assert_eq!(status(&store, "2001").await, "delivered");
        // The order's history says who marked it and why it moved.
        let history = ops::parcel_movements(&store, "2001").await.unwrap();
        let seen: Vec<(&str, &str, &str)> = history
            .iter()
            .map(|m| (m.tracking_number.as_str(), m.at.as_str(), m.state.as_str()))
            .collect();
        assert_eq!(
            seen,
            [
                ("1084563217", "2026-11-20T12:10:00Z", "in_transit"),
                ("1084563218", "2026-11-20T12:10:00Z", "in_transit"),
                ("1084563218", "2026-11-22T05:00:00Z", "in_transit"),
                ("1084563217", "2026-11-22T09:30:00Z", "delivered"),
                ("1084563218", "2026-11-23T14:45:00Z", "delivered"),
            ]
        );
        assert_eq!(history[3].place, "Казань");

        // The same files again: nothing new, nothing moved twice.
        for file in [FIRST, SECOND] {
            let again = ops::import_delivery_statuses(
                &store,
                &manager(),
                "again.csv",
                file.as_bytes(),
                MSK,
            )
            .await
            .unwrap();
            assert_eq!(again.recorded, 0, "{again:?}");
            assert!(again.delivered.is_empty() && again.not_moved.is_empty());
        }
        assert_eq!(
            ops::parcel_movements(&store, "2001").await.unwrap().len(),
            5
        );

        // A packer does not import them; a file that is not a status file
        // is refused with what it lacks.
        let e = ops::import_delivery_statuses(
            &store,
            &packer("station-1"),
            "x.csv",
            SECOND.as_bytes(),
            MSK,
        )
        .await
        .unwrap_err();
        assert!(matches!(e, Error::Forbidden { .. }), "{e:?}");
        let e = ops::import_delivery_statuses(
            &store,
            &manager(),
            "orders.csv",
            b"number,sku,quantity\n1,PB-001,1\n",
            MSK,
        )
        .await
        .unwrap_err();
        assert!(e.to_string().contains("not a carrier's status file"), "{e}");
    }
);

on_both_engines!(
    parcels_without_movement_past_their_carriers_days_are_stalled,
    |db| {
        let (store, time) = shipped(&db).await;
        assert!(ops::stalled_parcels(&store).await.unwrap().is_empty());
        // Six days later: СДЭК allows 5 days, so both cartons of 2001 and
        // the store's own courier's parcel are stalled.
        time.advance(chrono::Duration::days(6));
        let stalled = ops::stalled_parcels(&store).await.unwrap();
        let seen: Vec<(&str, &str, u32, u32)> = stalled
            .iter()
            .map(|p| {
                (
                    p.order.as_str(),
                    p.tracking_number.as_str(),
                    p.days_still,
                    p.stall_days,
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                ("2001", "1084563217", 6, 5),
                ("2001", "1084563218", 6, 5),
                ("2002", "K-17", 6, 5),
            ]
        );
        assert_eq!(stalled[0].carrier_name, "СДЭК");
        assert_eq!(stalled[0].last_moved_at, None);

        // A movement yesterday: that parcel is moving again; its twin is not.
        let file = "Трек-номер,Статус,Дата и время,Место\n\
            1084563217,Прибыл в сортировочный центр,25.11.2026 12:00,Владимир\n";
        ops::import_delivery_statuses(&store, &manager(), "f.csv", file.as_bytes(), MSK)
            .await
            .unwrap();
        let stalled = ops::stalled_parcels(&store).await.unwrap();
        let numbers: Vec<&str> = stalled.iter().map(|p| p.tracking_number.as_str()).collect();
        assert_eq!(numbers, ["1084563218", "K-17"]);

        // A week for СДЭК: none of its parcels is stalled at six days.
        let days = ops::set_stall_days(&store, &admin(), "cdek", 7)
            .await
            .unwrap();
        assert!(days.iter().any(|c| c.code == "cdek" && c.stall_days == 7));
        let numbers: Vec<String> = ops::stalled_parcels(&store)
            .await
            .unwrap()
            .into_iter()
            .map(|p| p.tracking_number)
            .collect();
        assert_eq!(numbers, ["K-17"]);

        for (carrier, days, words) in [
            ("cdek", 0, "1 to 365 days"),
            ("cdek", 366, "1 to 365 days"),
            ("nobody", 5, "no carrier \"nobody\""),
        ] {
            let e = ops::set_stall_days(&store, &admin(), carrier, days)
                .await
                .unwrap_err();
            assert!(e.to_string().contains(words), "{e}");
        }
        let e = ops::set_stall_days(&store, &packer("station-1"), "cdek", 3)
            .await
            .unwrap_err();
        assert!(matches!(e, Error::Forbidden { .. }), "{e:?}");
    }
);
