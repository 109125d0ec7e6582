//! Cartons at the packing table: an order packs into one or several boxes,
//! each with its box type, its own SSCC and a weight checked against its
//! goods and the empty box. Scans go into the open carton; the first
//! accepted scan opens one of the store's default box when none is open.

use crate::domain::access::{Credential, Op, Override};
use crate::domain::carton::{
    check_company_prefix, parse_weight, sscc, weight_verdict, BoxType, WeightTolerance,
    WeightVerdict,
};
use crate::domain::scan::ScanOutcome;
use crate::domain::{Actor, EventKind, OrderHead};
use crate::error::RefusalDetail;
use crate::store::cartons::{self, Carton, Closing};
use crate::store::orders::head_by_number;
use crate::store::{events, settings, Store};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::AnyConnection;

/// The settings key of [`CartonSettings`].
const SETTINGS: &str = "cartons";

/// How the store packs into cartons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CartonSettings {
    /// The store's GS1 company prefix (7-10 digits); without it cartons
    /// have no SSCC.
    pub company_prefix: Option<String>,
    /// The SSCC's extension digit (0-9), chosen by the store.
    pub extension: u8,
    /// The box a carton opened without a box scan gets.
    pub default_box: String,
    pub tolerance: WeightTolerance,
    /// Every carton is weighed before it closes (else a weight is checked
    /// when one is given).
    pub weigh: bool,
}

impl Default for CartonSettings {
    fn default() -> Self {
        CartonSettings {
            company_prefix: None,
            extension: 0,
            default_box: "M".into(),
            tolerance: WeightTolerance::default(),
            weigh: false,
        }
    }
}

pub async fn carton_settings(store: &Store) -> Result<CartonSettings> {
    let mut conn = store.pool().acquire().await?;
    settings_in(&mut conn).await
}

async fn settings_in(conn: &mut AnyConnection) -> Result<CartonSettings> {
    Ok(settings::get(conn, SETTINGS).await?.unwrap_or_default())
}

/// Changes how the store packs into cartons; checked first.
pub async fn set_carton_settings(
    store: &Store,
    actor: &Actor,
    new: &CartonSettings,
) -> Result<CartonSettings> {
    actor.may(Op::SetCartons)?;
    let mut new = new.clone();
    new.company_prefix = new
        .company_prefix
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string);
    if let Some(prefix) = &new.company_prefix {
        check_company_prefix(prefix).map_err(Error::Invalid)?;
    }
    if new.extension > 9 {
        return Err(Error::Invalid(format!(
            "the SSCC extension digit {} is not 0-9",
            new.extension
        )));
    }
    new.tolerance.validate().map_err(Error::Invalid)?;
    let mut tx = store.write().await?;
    if cartons::box_type(&mut tx, new.default_box.trim())
        .await?
        .is_none()
    {
        return Err(Error::Invalid(format!(
            "there is no box type {:?}; add it first or pick one of the store's boxes",
            new.default_box
        )));
    }
    settings::put(&mut tx, SETTINGS, &new).await?;
    tx.commit().await?;
    Ok(new)
}

/// The store's box types.
pub async fn box_types(store: &Store) -> Result<Vec<BoxType>> {
    let mut conn = store.pool().acquire().await?;
    cartons::box_types(&mut conn).await
}

/// Adds or changes a box type.
pub async fn save_box_type(store: &Store, actor: &Actor, b: &BoxType) -> Result<Vec<BoxType>> {
    actor.may(Op::SetCartons)?;
    b.validate().map_err(Error::Invalid)?;
    let mut tx = store.write().await?;
    cartons::save_box_type(&mut tx, b).await?;
    let all = cartons::box_types(&mut tx).await?;
    tx.commit().await?;
    Ok(all)
}

/// An order's cartons, first first.
pub async fn cartons_of(store: &Store, number: &str) -> Result<Vec<Carton>> {
    let mut conn = store.pool().acquire().await?;
    let head = head_by_number(&mut conn, store.engine(), number, false).await?;
    cartons::of_order(&mut conn, head.id).await
}

/// Opens the order's next carton in a box of the store's (`box_code`: its
/// code or the barcode on it; the default box when None). An empty open
/// carton changes its box instead; one with goods in it must be closed
/// first.
pub async fn open_carton(
    store: &Store,
    actor: &Actor,
    number: &str,
    box_code: Option<&str>,
) -> Result<Carton> {
    actor.may(Op::OpenCarton)?;
    let mut tx = store.write().await?;
    let now = store.now_ms();
    let head = head_by_number(&mut tx, store.engine(), number, true).await?;
    packing_here(&head, actor)?;
    let settings = settings_in(&mut tx).await?;
    let wanted = box_code.map(str::trim).unwrap_or(&settings.default_box);
    let b = cartons::box_type(&mut tx, wanted).await?.ok_or_else(|| {
        Error::Invalid(format!(
            "{wanted:?} is not one of the store's boxes; see `packbench-cli boxes list`"
        ))
    })?;
    let carton = match open_or_change(&mut tx, &head, &b.code, &settings, actor, now).await? {
        Ok(carton) => carton,
        Err(open) => {
            return Err(Error::RefusedWith(
                format!(
                    "carton {} of order {} has {} units in it; close it (with its weight) before opening another",
                    open.seq, head.number, open.units
                ),
                RefusalDetail::CloseCartonFirst {
                    seq: open.seq,
                    units: open.units,
                },
            ))
        }
    };
    tx.commit().await?;
    Ok(carton)
}

/// Opens the next carton in `box_code`, or changes the box of the open one
/// while it is empty; an open carton with goods in it comes back as Err.
async fn open_or_change(
    tx: &mut AnyConnection,
    head: &OrderHead,
    box_code: &str,
    settings: &CartonSettings,
    actor: &Actor,
    now: i64,
) -> Result<std::result::Result<Carton, Carton>> {
    Ok(match cartons::open_one(tx, head.id).await? {
        Some(open) if open.units > 0 => Err(open),
        Some(open) => {
            cartons::set_box(tx, open.id, box_code).await?;
            Ok(cartons::by_id(tx, open.id).await?)
        }
        None => Ok(open_in(tx, head, box_code, settings, actor, now).await?),
    })
}

/// A scanned code that no product carries may be a box's barcode: the
/// order's next carton opens in that box (at the packing table, without a
/// key). None when the code is not one of the store's boxes.
pub(super) async fn box_scan(
    tx: &mut AnyConnection,
    head: &OrderHead,
    code: &str,
    actor: &Actor,
    now: i64,
) -> Result<Option<ScanOutcome>> {
    let Some(b) = cartons::box_type(tx, code).await? else {
        return Ok(None);
    };
    let settings = settings_in(tx).await?;
    Ok(Some(
        match open_or_change(tx, head, &b.code, &settings, actor, now).await? {
            Ok(carton) => ScanOutcome::BoxOpened {
                seq: carton.seq,
                box_type: b.code,
            },
            Err(open) => ScanOutcome::CloseCartonFirst {
                seq: open.seq,
                units: open.units,
            },
        },
    ))
}

fn packing_here(head: &OrderHead, actor: &Actor) -> Result<()> {
    if head.packing_at(&actor.station) {
        Ok(())
    } else {
        Err(Error::Refused(format!(
            "order {} is not being packed at station {}; open it at the packing table first",
            head.number, actor.station
        )))
    }
}

/// A new carton with its SSCC (when the store has a company prefix), in the
/// caller's transaction.
async fn open_in(
    tx: &mut AnyConnection,
    head: &OrderHead,
    box_code: &str,
    settings: &CartonSettings,
    actor: &Actor,
    now: i64,
) -> Result<Carton> {
    let code = match &settings.company_prefix {
        Some(prefix) => {
            let serial =
                cartons::next_sscc_serial(tx, &format!("{}{prefix}", settings.extension)).await?;
            Some(sscc(settings.extension, prefix, serial).map_err(Error::Refused)?)
        }
        None => None,
    };
    cartons::open(
        tx,
        head.id,
        box_code,
        code.as_deref(),
        &actor.station,
        &actor.user,
        now,
    )
    .await
}

/// The carton an accepted scan goes into: the open one, or a new one in
/// the default box.
pub(super) async fn carton_for_scan(
    tx: &mut AnyConnection,
    head: &OrderHead,
    actor: &Actor,
    now: i64,
) -> Result<i64> {
    if let Some(id) = cartons::open_id(tx, head.id).await? {
        return Ok(id);
    }
    let settings = settings_in(tx).await?;
    Ok(
        open_in(tx, head, &settings.default_box, &settings, actor, now)
            .await?
            .id,
    )
}

/// A closed carton and what its weight said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CartonClosed {
    pub carton: Carton,
    /// None when it closed without a weight.
    pub verdict: Option<WeightVerdict>,
    pub message: String,
}

/// Closes the order's open carton. `weight` is what was typed or what the
/// scale sent (`1.234 kg`, `1234 g`, a scale's line); with the store's
/// `weigh` setting it is required. A weight outside the tolerance refuses
/// to close, with the difference in words, unless `reason` is given and a
/// supervisor approves (their PIN or badge as `approval` when the packer
/// is not one).
pub async fn close_carton(
    store: &Store,
    actor: &Actor,
    number: &str,
    weight: Option<&str>,
    reason: Option<&str>,
    approval: Option<&Credential>,
) -> Result<CartonClosed> {
    actor.may(Op::CloseCarton)?;
    match close_once(store, actor, number, weight, reason).await {
        Err(Error::NeedsApproval(what)) if approval.is_some() => {
            let approved = super::people::approved(store, actor, approval, what).await?;
            close_once(store, &approved, number, weight, reason).await
        }
        other => other,
    }
}

async fn close_once(
    store: &Store,
    actor: &Actor,
    number: &str,
    weight: Option<&str>,
    reason: Option<&str>,
) -> Result<CartonClosed> {
    let weighed = weight
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .map(parse_weight)
        .transpose()
        .map_err(Error::Invalid)?;
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    let mut tx = store.write().await?;
    let now = store.now_ms();
    let head = head_by_number(&mut tx, store.engine(), number, true).await?;
    packing_here(&head, actor)?;
    let settings = settings_in(&mut tx).await?;
    let Some(open) = cartons::open_one(&mut tx, head.id).await? else {
        return Err(Error::Refused(format!(
            "order {} has no open carton to close",
            head.number
        )));
    };
    let contents = cartons::contents(&mut tx, open.id).await?;
    if contents.is_empty() {
        return Err(Error::Refused(format!(
            "carton {} of order {} is empty; scan goods into it, or scan another box to change it",
            open.seq, head.number
        )));
    }
    let b = cartons::box_type(&mut tx, &open.box_type)
        .await?
        .ok_or_else(|| Error::not_found("box type", open.box_type.clone()))?;
    let verdict = match weighed {
        Some(g) => Some(weight_verdict(&contents, b.tare_g, g, settings.tolerance)),
        None if settings.weigh => {
            return Err(Error::Refused(format!(
                "weigh carton {} before closing it: type its weight or read it from the scale",
                open.seq
            )))
        }
        None => None,
    };
    // A difference over the tolerance needs a reason and a supervisor.
    if let Some(
        v @ WeightVerdict::Off {
            expected_g,
            allowed_g,
            difference_g,
        },
    ) = &verdict
    {
        if reason.is_none() {
            let weight_g = weighed.unwrap_or_default();
            return Err(Error::RefusedWith(
                v.message(weight_g),
                RefusalDetail::WeightOff {
                    seq: open.seq,
                    weight_g,
                    expected_g: *expected_g,
                    allowed_g: *allowed_g,
                    difference_g: *difference_g,
                },
            ));
        }
        actor.approved_for(Override::AcceptDifference)?;
    }
    let expected_g = match &verdict {
        Some(WeightVerdict::Within { expected_g, .. } | WeightVerdict::Off { expected_g, .. }) => {
            Some(*expected_g)
        }
        _ => None,
    };
    let note = match &verdict {
        Some(WeightVerdict::Off { .. }) => reason.map(str::to_string),
        Some(v @ WeightVerdict::Unknown { .. }) => Some(v.message(weighed.unwrap_or_default())),
        _ => None,
    };
    let approver = actor.approver().map(|a| a.name().to_string());
    if !cartons::close(
        &mut tx,
        open.id,
        &Closing {
            user: &actor.user,
            at_ms: now,
            weight_g: weighed,
            expected_g,
            note: note.as_deref(),
            approved_by: approver.as_deref(),
        },
    )
    .await?
    {
        return Err(Error::changed_meanwhile(&head.number));
    }
    events::record(
        &mut tx,
        Some(head.id),
        now,
        actor,
        EventKind::CartonClosed,
        None,
        Some(json!({
            "carton": open.seq,
            "sscc": open.sscc,
            "box": open.box_type,
            "units": open.units,
            "weight_g": weighed,
            "expected_g": expected_g,
            "note": note,
        })),
    )
    .await?;
    let carton = cartons::by_id(&mut tx, open.id).await?;
    tx.commit().await?;
    let message = match (&verdict, weighed) {
        (Some(v), Some(g)) => v.message(g),
        _ => format!("carton {} closed without a weight", carton.seq),
    };
    Ok(CartonClosed {
        carton,
        verdict,
        message,
    })
}

/// Closes the open carton at the end of packing when the store does not
/// weigh every carton (an order packed into one box never sees a carton
/// step); with `weigh` on, an open carton with goods must be weighed first.
/// An empty open carton is left out.
pub(super) async fn close_at_finish(
    tx: &mut AnyConnection,
    head: &OrderHead,
    actor: &Actor,
    now: i64,
) -> Result<()> {
    let Some(open) = cartons::open_one(tx, head.id).await? else {
        return Ok(());
    };
    if open.units <= 0 {
        return Ok(());
    }
    if settings_in(tx).await?.weigh {
        return Err(Error::Refused(format!(
            "weigh carton {} of order {} and close it before finishing",
            open.seq, head.number
        )));
    }
    cartons::close(
        tx,
        open.id,
        &Closing {
            user: &actor.user,
            at_ms: now,
            weight_g: None,
            expected_g: None,
            note: None,
            approved_by: None,
        },
    )
    .await?;
    Ok(())
}
