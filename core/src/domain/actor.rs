//! Who does something, and what their roles let them do. An [`Actor`] is
//! made by core when a user logs in (`ops::log_in`), never from a setting:
//! the shells hold the session and hand its actor to every op.

use super::access::{Op, Override};
use serde::{Deserialize, Serialize};

/// What a user may do; a user may hold several roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Picker,
    Packer,
    /// Takes orders, answers customers; works the sales channels given.
    Manager,
    Supervisor,
    Admin,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Picker,
        Role::Packer,
        Role::Manager,
        Role::Supervisor,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Picker => "picker",
            Role::Packer => "packer",
            Role::Manager => "manager",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        let folded = text.trim().to_lowercase();
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == folded)
            .ok_or_else(|| {
                format!("{text:?} is not a role; use picker, packer, manager, supervisor or admin")
            })
    }

    /// May approve what a packer or picker may not decide alone.
    pub fn approves(self) -> bool {
        matches!(self, Role::Supervisor | Role::Admin)
    }
}

/// Role names for messages: "packer, picker" ("no role" for none).
pub fn role_names(roles: &[Role]) -> String {
    if roles.is_empty() {
        return "no role".into();
    }
    roles
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The second person on an action: a supervisor who gave their PIN or
/// badge at the station. Made only by core after checking the credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Approver {
    name: String,
    login: String,
}

impl Approver {
    pub(crate) fn new(name: String, login: String) -> Self {
        Self { name, login }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn login(&self) -> &str {
        &self.login
    }
}

/// Who does something, and at which station. Written on every event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Actor {
    /// The name shown and written in the history.
    pub user: String,
    /// The login the user signs in with ("" for the system's own actors).
    pub login: String,
    pub station: String,
    pub roles: Vec<Role>,
    /// The sales channels a manager works; empty = every channel.
    pub channels: Vec<String>,
    /// A supervisor who approved this one action, if one had to.
    #[serde(skip)]
    approver: Option<Approver>,
}

impl Actor {
    /// An actor with one role. Core makes actors when a user logs in; this
    /// constructor is for tests, benchmarks and core's own system actors
    /// (a test checks that the app and the CLI never call it).
    pub fn new(user: impl Into<String>, station: impl Into<String>, role: Role) -> Self {
        let user = user.into();
        Self {
            login: user.to_lowercase(),
            user,
            station: station.into(),
            roles: vec![role],
            channels: Vec::new(),
            approver: None,
        }
    }

    pub(crate) fn signed_in(
        user: String,
        login: String,
        station: String,
        roles: Vec<Role>,
        channels: Vec<String>,
    ) -> Self {
        Self {
            user,
            login,
            station,
            roles,
            channels,
            approver: None,
        }
    }

    /// The same person with other sales channels (tests of channel rules).
    pub fn working_channels(mut self, channels: &[&str]) -> Self {
        self.channels = channels.iter().map(|c| c.to_string()).collect();
        self
    }

    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    pub fn approver(&self) -> Option<&Approver> {
        self.approver.as_ref()
    }

    pub(crate) fn approved_by(mut self, approver: Approver) -> Self {
        self.approver = Some(approver);
        self
    }

    /// The role names, for messages: "packer, picker".
    pub fn role_names(&self) -> String {
        role_names(&self.roles)
    }

    /// Refused unless one of the actor's roles may do `op` (the table in
    /// [`super::access`]). Every op calls this before it touches anything.
    pub fn may(&self, op: Op) -> crate::Result<()> {
        if self.roles.iter().any(|r| op.roles().contains(r)) {
            Ok(())
        } else {
            Err(crate::Error::Forbidden {
                action: op.describe(),
                needed: role_names(op.roles()),
                actual: self.role_names(),
            })
        }
    }

    /// As [`Actor::may`], for an op on an order of sales channel `channel`:
    /// a manager (who is not also a supervisor or admin) touches only the
    /// channels they work.
    pub fn may_on(&self, op: Op, channel: &str) -> crate::Result<()> {
        self.may(op)?;
        let by_other_role = self
            .roles
            .iter()
            .any(|r| *r != Role::Manager && op.roles().contains(r));
        if by_other_role || self.channels.is_empty() || self.channels.iter().any(|c| c == channel) {
            Ok(())
        } else {
            Err(crate::Error::Forbidden {
                action: op.describe(),
                needed: format!("a manager of the {channel:?} channel"),
                actual: format!("a manager of {}", self.channels.join(", ")),
            })
        }
    }

    /// Ok when the actor may decide `what` alone (a supervisor or admin) or
    /// a supervisor approved it at the station; else the op asks for one.
    pub fn approved_for(&self, what: Override) -> crate::Result<()> {
        if self.roles.iter().any(|r| r.approves()) || self.approver.is_some() {
            Ok(())
        } else {
            Err(crate::Error::NeedsApproval(what))
        }
    }
}
