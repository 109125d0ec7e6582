//! The store's lifecycle: names, its own statuses inside the stages,
//! limits and the transition matrix, edited by an admin; and putting an
//! order in one of the store's own statuses.

use super::orders::{order_detail_in, OrderDetail};
use crate::domain::access::Op;
use crate::domain::lifecycle::{self, Lifecycle, NewStatus};
use crate::domain::{Actor, EventKind, OrderStatus};
use crate::store::orders::head_by_number;
use crate::store::statuses::{self, transition_matrix};
use crate::store::{events, Store};
use crate::{Error, Result};
use serde_json::json;
use sqlx::AnyConnection;

async fn lifecycle_in(conn: &mut AnyConnection) -> Result<Lifecycle> {
    let defs = statuses::all(conn).await?;
    let matrix = transition_matrix(conn).await?;
    Ok(Lifecycle::new(defs, &matrix))
}

/// Every status with the store's names and limits, and the matrix.
pub async fn lifecycle(store: &Store) -> Result<Lifecycle> {
    let mut tx = store.read().await?;
    let life = lifecycle_in(&mut tx).await?;
    tx.commit().await?;
    Ok(life)
}

/// Runs one change of the lifecycle in a transaction with its history
/// entry (before and after), and returns the lifecycle as it is now.
async fn change<F>(
    store: &Store,
    actor: &Actor,
    what: serde_json::Value,
    edit: F,
) -> Result<Lifecycle>
where
    F: for<'c> FnOnce(
        &'c mut AnyConnection,
    ) -> std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<serde_json::Value>> + Send + 'c>,
    >,
{
    let mut tx = store.write().await?;
    let before = edit(&mut tx).await?;
    let after = lifecycle_in(&mut tx).await?;
    events::record(
        &mut tx,
        None,
        store.now_ms(),
        actor,
        EventKind::LifecycleChanged,
        Some(before),
        Some(what),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Gives a status (a stage or the store's own) new names.
pub async fn rename_status(
    store: &Store,
    actor: &Actor,
    code: &str,
    label_en: &str,
    label_ru: &str,
) -> Result<Lifecycle> {
    actor.may(Op::EditLifecycle)?;
    let (en, ru) = lifecycle::check_labels(label_en, label_ru)?;
    let code = code.trim().to_string();
    let what = json!({"status": code, "label_en": en, "label_ru": ru});
    change(store, actor, what, move |tx| {
        Box::pin(async move {
            let old = statuses::get(tx, &code).await?;
            statuses::rename(tx, &old.code, &en, &ru).await?;
            Ok(json!({"status": old.code, "label_en": old.label_en, "label_ru": old.label_ru}))
        })
    })
    .await
}

/// Sets how long an order may stay in a status (none: no limit).
pub async fn set_status_limit(
    store: &Store,
    actor: &Actor,
    code: &str,
    max_minutes: Option<i64>,
) -> Result<Lifecycle> {
    actor.may(Op::EditLifecycle)?;
    let minutes = lifecycle::check_limit(max_minutes)?;
    let code = code.trim().to_string();
    let what = json!({"status": code, "max_minutes": minutes});
    change(store, actor, what, move |tx| {
        Box::pin(async move {
            let old = statuses::get(tx, &code).await?;
            statuses::set_limit(tx, &old.code, minutes).await?;
            Ok(json!({"status": old.code, "max_minutes": old.max_minutes}))
        })
    })
    .await
}

/// Adds one of the store's own statuses inside a stage.
pub async fn add_status(store: &Store, actor: &Actor, status: &NewStatus) -> Result<Lifecycle> {
    actor.may(Op::EditLifecycle)?;
    let s = status.check()?;
    let what = json!({"added": s.code, "stage": s.stage, "label_en": s.label_en,
        "label_ru": s.label_ru, "max_minutes": s.max_minutes});
    change(store, actor, what, move |tx| {
        Box::pin(async move {
            if !statuses::insert(tx, &s).await? {
                return Err(Error::Conflict(format!(
                    "a status with the code {} exists already; choose another code",
                    s.code
                )));
            }
            Ok(json!(null))
        })
    })
    .await
}

/// Removes one of the store's own statuses; refused while orders are in it.
pub async fn remove_status(store: &Store, actor: &Actor, code: &str) -> Result<Lifecycle> {
    actor.may(Op::EditLifecycle)?;
    let code = code.trim().to_string();
    let what = json!({"removed": code});
    change(store, actor, what, move |tx| {
        Box::pin(async move {
            let old = statuses::get(tx, &code).await?;
            if old.standard {
                return Err(Error::Invalid(format!(
                    "{} is a standard stage and stays; rename it if the store calls it otherwise",
                    old.code
                )));
            }
            let n = statuses::orders_in(tx, &old.code).await?;
            if n > 0 {
                return Err(Error::Conflict(format!(
                    "{n} orders are in {} ({}); move them out of it first",
                    old.code, old.label_en
                )));
            }
            statuses::delete(tx, &old.code).await?;
            Ok(json!(old))
        })
    })
    .await
}

/// Allows or forbids `from -> to`; the transitions the packing rules
/// depend on are locked and stay allowed.
pub async fn set_transition(
    store: &Store,
    actor: &Actor,
    from: OrderStatus,
    to: OrderStatus,
    allowed: bool,
) -> Result<Lifecycle> {
    actor.may(Op::EditLifecycle)?;
    lifecycle::check_edit(from, to, allowed)?;
    let what = json!({"from": from, "to": to, "allowed": allowed});
    change(store, actor, what, move |tx| {
        Box::pin(async move {
            let was = transition_matrix(tx).await?.allows(from, to);
            statuses::set_transition(tx, from, to, allowed).await?;
            Ok(json!({"from": from, "to": to, "allowed": was}))
        })
    })
    .await
}

/// Puts an order in one of the store's own statuses inside its stage, or
/// (`None`) back in the bare stage; its time in status starts again.
pub async fn set_sub_status(
    store: &Store,
    actor: &Actor,
    number: &str,
    code: Option<&str>,
) -> Result<OrderDetail> {
    actor.may(Op::SetSubStatus)?;
    let mut tx = store.write().await?;
    let head = head_by_number(&mut tx, store.engine(), number, true).await?;
    actor.may_on(Op::SetSubStatus, &head.channel)?;
    let code = code.map(str::trim).filter(|c| !c.is_empty());
    if let Some(code) = code {
        let def = statuses::get(&mut tx, code).await?;
        lifecycle::check_sub_stage(&head.number, head.status, &def)?;
    }
    if head.sub_status.as_deref() != code {
        let now = store.now_ms();
        if !statuses::set_sub_status(&mut tx, head.id, head.status, code, now).await? {
            return Err(Error::changed_meanwhile(&head.number));
        }
        events::record(
            &mut tx,
            Some(head.id),
            now,
            actor,
            EventKind::SubStatusSet,
            Some(json!({"status": head.status, "sub_status": head.sub_status})),
            Some(json!({"status": head.status, "sub_status": code})),
        )
        .await?;
    }
    let detail = order_detail_in(&mut tx, store.engine(), &head.number).await?;
    tx.commit().await?;
    Ok(detail)
}
