//! The store's lifecycle: its names for the standard stages, its own
//! statuses inside a stage (sub-stages such as "ждёт звонка" inside `new`),
//! the time each may hold an order, and which transitions of the matrix the
//! editor may not touch because the packing rules depend on them.
//!
//! The rules key on the stage ([`OrderStatus`]); a sub-stage is data
//! attached to a stage: an order in "ждёт звонка" is `new` for every rule.

use super::OrderStatus;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};

/// The longest limit a status may have: a year, in minutes.
pub const MAX_LIMIT_MINUTES: i64 = 366 * 24 * 60;
const MAX_LABEL_CHARS: usize = 60;
const MAX_CODE_CHARS: usize = 40;

/// One status as the store names it: a standard stage (its `code` is the
/// stage's name) or one of the store's own inside a stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StatusDef {
    pub code: String,
    /// The standard stage it is (or belongs to, for the store's own).
    pub stage: OrderStatus,
    /// One of the ten standard stages (renamed at most); the store's own
    /// statuses can be removed, the standard ones cannot.
    pub standard: bool,
    pub position: i64,
    pub label_en: String,
    pub label_ru: String,
    /// How long an order may stay in it before it is overdue; none: no
    /// limit. A sub-stage without a limit of its own takes its stage's.
    pub max_minutes: Option<i64>,
}

impl StatusDef {
    pub fn label(&self, russian: bool) -> &str {
        if russian {
            &self.label_ru
        } else {
            &self.label_en
        }
    }

    pub fn labels(&self) -> Labels {
        Labels {
            en: self.label_en.clone(),
            ru: self.label_ru.clone(),
        }
    }
}

/// A name in both languages (the store's name of a status).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Labels {
    pub en: String,
    pub ru: String,
}

impl Labels {
    pub fn get(&self, russian: bool) -> &str {
        if russian {
            &self.ru
        } else {
            &self.en
        }
    }
}

/// Why the editor may not forbid a transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Lock {
    /// packing → ready: finishing a pack.
    Finishing,
    /// ready → shipped: the hand-over.
    HandOver,
    /// ready → packing: taking a packed order apart, on purpose.
    TakeApart,
}

impl Lock {
    /// The lock on `from -> to`, if the packing rules depend on it.
    pub fn of(from: OrderStatus, to: OrderStatus) -> Option<Lock> {
        use OrderStatus::*;
        match (from, to) {
            (Packing, Ready) => Some(Lock::Finishing),
            (Ready, Shipped) => Some(Lock::HandOver),
            (Ready, Packing) => Some(Lock::TakeApart),
            _ => None,
        }
    }

    pub fn why(self) -> &'static str {
        match self {
            Lock::Finishing => "finishing a pack moves an order there",
            Lock::HandOver => "the hand-over to the carrier moves an order there",
            Lock::TakeApart => "taking a packed order apart moves it back there",
        }
    }
}

/// One cell of the matrix as the editor shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TransitionCell {
    pub from: OrderStatus,
    pub to: OrderStatus,
    pub allowed: bool,
    /// Set when the editor may not forbid it, with the reason.
    pub locked: Option<Lock>,
}

/// The whole lifecycle: every status (stages in their order, each
/// followed by its sub-stages) and every cell of the matrix between stages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Lifecycle {
    pub statuses: Vec<StatusDef>,
    pub transitions: Vec<TransitionCell>,
}

impl Lifecycle {
    /// Builds the view from the stored statuses and allowed pairs; the
    /// statuses come sorted: each stage, then its sub-stages.
    pub fn new(mut statuses: Vec<StatusDef>, allowed: &super::TransitionMatrix) -> Lifecycle {
        statuses.sort_by_key(|s| (s.stage, !s.standard, s.position));
        let mut transitions = Vec::new();
        for &from in OrderStatus::ALL {
            for &to in OrderStatus::ALL {
                if from != to {
                    transitions.push(TransitionCell {
                        from,
                        to,
                        allowed: allowed.allows(from, to),
                        locked: Lock::of(from, to),
                    });
                }
            }
        }
        Lifecycle {
            statuses,
            transitions,
        }
    }

    pub fn find(&self, code: &str) -> Option<&StatusDef> {
        self.statuses.iter().find(|s| s.code == code)
    }

    /// The name of an order's status: its sub-stage's if it has one,
    /// otherwise its stage's.
    pub fn name(&self, stage: OrderStatus, sub: Option<&str>, russian: bool) -> String {
        sub.and_then(|c| self.find(c))
            .or_else(|| self.find(stage.as_str()))
            .map(|s| s.label(russian).to_string())
            .unwrap_or_else(|| stage.as_str().to_string())
    }
}

/// A status the store adds inside a stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NewStatus {
    /// Its code for the CLI and imports; empty: made from the English label.
    #[serde(default)]
    pub code: String,
    pub stage: OrderStatus,
    pub label_en: String,
    pub label_ru: String,
    pub max_minutes: Option<i64>,
}

impl NewStatus {
    /// Trimmed and checked; the code made from the English label when none
    /// was given.
    pub fn check(&self) -> Result<NewStatus> {
        let (label_en, label_ru) = check_labels(&self.label_en, &self.label_ru)?;
        let code = if self.code.trim().is_empty() {
            code_from(&label_en).ok_or_else(|| {
                Error::Invalid(format!(
                    "no code can be made from {label_en:?}; give the status a code of Latin letters, digits and _"
                ))
            })?
        } else {
            self.code.trim().to_ascii_lowercase()
        };
        check_code(&code)?;
        Ok(NewStatus {
            code,
            stage: self.stage,
            label_en,
            label_ru,
            max_minutes: check_limit(self.max_minutes)?,
        })
    }
}

/// Both labels trimmed, neither empty nor longer than a tab can show.
pub fn check_labels(en: &str, ru: &str) -> Result<(String, String)> {
    let mut out = Vec::with_capacity(2);
    for (lang, text) in [("English", en), ("Russian", ru)] {
        let text = text.trim();
        if text.is_empty() {
            return Err(Error::Invalid(format!(
                "the {lang} name is empty; every status needs a name in both languages"
            )));
        }
        if text.chars().count() > MAX_LABEL_CHARS {
            return Err(Error::Invalid(format!(
                "the {lang} name {text:?} is longer than {MAX_LABEL_CHARS} characters; a shorter one fits the tabs"
            )));
        }
        out.push(text.to_string());
    }
    let ru = out.pop().unwrap_or_default();
    let en = out.pop().unwrap_or_default();
    Ok((en, ru))
}

/// A limit in minutes: none, or 1 minute to a year.
pub fn check_limit(minutes: Option<i64>) -> Result<Option<i64>> {
    match minutes {
        Some(m) if !(1..=MAX_LIMIT_MINUTES).contains(&m) => Err(Error::Invalid(format!(
            "a limit of {m} minutes is out of range; give 1 to {MAX_LIMIT_MINUTES} minutes, or none"
        ))),
        other => Ok(other),
    }
}

fn check_code(code: &str) -> Result<()> {
    if code.is_empty()
        || code.len() > MAX_CODE_CHARS
        || !code.starts_with(|c: char| c.is_ascii_lowercase())
        || !code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return Err(Error::Invalid(format!(
            "{code:?} cannot be a status code; use up to {MAX_CODE_CHARS} Latin letters, digits and _, starting with a letter"
        )));
    }
    if OrderStatus::parse(code).is_ok() {
        return Err(Error::Invalid(format!(
            "{code:?} is a standard stage; give the store's own status another code"
        )));
    }
    Ok(())
}

/// `"Awaiting call!"` → `awaiting_call`; none when nothing Latin is left.
fn code_from(label: &str) -> Option<String> {
    let mut code = String::new();
    for c in label.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            code.push(c);
        } else if !code.is_empty() && !code.ends_with('_') {
            code.push('_');
        }
    }
    let code = code.trim_end_matches('_');
    let code = code.trim_start_matches(|c: char| c.is_ascii_digit() || c == '_');
    let code: String = code.chars().take(MAX_CODE_CHARS).collect();
    let code = code.trim_end_matches('_').to_string();
    (!code.is_empty()).then_some(code)
}

/// Whether the editor may set `from -> to` to `allowed`: a locked
/// transition stays allowed, and a stage does not lead to itself.
pub fn check_edit(from: OrderStatus, to: OrderStatus, allowed: bool) -> Result<()> {
    if from == to {
        return Err(Error::Invalid(format!(
            "{from} → {to}: a stage does not lead to itself; its own statuses are changed inside it"
        )));
    }
    match Lock::of(from, to) {
        Some(lock) if !allowed => Err(Error::Invalid(format!(
            "{from} → {to} is locked: {}; the packing rules depend on it",
            lock.why()
        ))),
        _ => Ok(()),
    }
}

/// Whether an order in `stage` may be put in the store's status `def`.
pub fn check_sub_stage(number: &str, stage: OrderStatus, def: &StatusDef) -> Result<()> {
    if def.standard {
        return Err(Error::Invalid(format!(
            "{} is a stage, not one of the store's own statuses; stages change by confirming, packing, shipping or setting the status",
            def.code
        )));
    }
    if def.stage != stage {
        return Err(Error::Invalid(format!(
            "order {number} is {stage}, and {} ({}) is a status inside {}; move the order to {} first",
            def.code, def.label_en, def.stage, def.stage
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::TransitionMatrix;

    fn def(code: &str, stage: OrderStatus, standard: bool) -> StatusDef {
        StatusDef {
            code: code.into(),
            stage,
            standard,
            position: 1,
            label_en: format!("{code} en"),
            label_ru: format!("{code} ru"),
            max_minutes: None,
        }
    }

    #[test]
    fn the_three_transitions_packing_depends_on_are_locked_and_stay_allowed() {
        let life = Lifecycle::new(vec![], &TransitionMatrix::standard());
        let locked: Vec<_> = life
            .transitions
            .iter()
            .filter(|c| c.locked.is_some())
            .map(|c| (c.from, c.to))
            .collect();
        use OrderStatus::*;
        assert_eq!(
            locked,
            vec![(Packing, Ready), (Ready, Packing), (Ready, Shipped)]
        );
        assert!(life.transitions.iter().all(|c| c.from != c.to));
        assert_eq!(life.transitions.len(), 90);
        let e = check_edit(Ready, Shipped, false).unwrap_err().to_string();
        assert!(
            e.contains("ready") && e.contains("shipped") && e.contains("hand-over"),
            "{e}"
        );
        assert!(check_edit(Ready, Shipped, true).is_ok());
        assert!(check_edit(New, Cancelled, false).is_ok());
        assert!(check_edit(New, New, true).is_err());
    }

    #[test]
    fn a_new_status_gets_a_code_from_its_english_name_and_refuses_bad_input() {
        let s = NewStatus {
            code: String::new(),
            stage: OrderStatus::New,
            label_en: "  Awaiting call! ".into(),
            label_ru: "Ждёт звонка".into(),
            max_minutes: Some(120),
        }
        .check()
        .unwrap();
        assert_eq!(s.code, "awaiting_call");
        assert_eq!(s.label_en, "Awaiting call!");
        let bad = |code: &str, en: &str, ru: &str, limit: Option<i64>| {
            NewStatus {
                code: code.into(),
                stage: OrderStatus::New,
                label_en: en.into(),
                label_ru: ru.into(),
                max_minutes: limit,
            }
            .check()
            .unwrap_err()
            .to_string()
        };
        assert!(bad("", "Ждёт", "Ждёт", None).contains("no code"));
        assert!(bad("ready", "R", "Р", None).contains("standard stage"));
        assert!(bad("9x", "R", "Р", None).contains("cannot be a status code"));
        assert!(bad("x-y", "R", "Р", None).contains("cannot be a status code"));
        assert!(bad("x", "R", " ", None).contains("Russian name is empty"));
        assert!(bad("x", "R", "Р", Some(0)).contains("out of range"));
        assert!(bad("x", &"a".repeat(61), "Р", None).contains("longer than 60"));
        assert_eq!(code_from("2nd try, please"), Some("nd_try_please".into()));
    }

    #[test]
    fn an_order_names_its_sub_stage_and_sub_stages_belong_to_one_stage() {
        let life = Lifecycle::new(
            vec![
                def("awaiting_call", OrderStatus::New, false),
                def("new", OrderStatus::New, true),
            ],
            &TransitionMatrix::standard(),
        );
        assert_eq!(life.statuses[0].code, "new", "a stage comes before its own");
        assert_eq!(life.name(OrderStatus::New, None, true), "new ru");
        assert_eq!(
            life.name(OrderStatus::New, Some("awaiting_call"), false),
            "awaiting_call en"
        );
        let sub = life.find("awaiting_call").unwrap();
        assert!(check_sub_stage("1001", OrderStatus::New, sub).is_ok());
        let e = check_sub_stage("1001", OrderStatus::Confirmed, sub)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("1001 is confirmed") && e.contains("inside new"),
            "{e}"
        );
        assert!(check_sub_stage("1001", OrderStatus::New, life.find("new").unwrap()).is_err());
    }
}
