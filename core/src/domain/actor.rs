//! Who does something, and what their role lets them do.

use serde::{Deserialize, Serialize};

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Picker,
    Packer,
    Supervisor,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Picker => "picker",
            Role::Packer => "packer",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "picker" => Ok(Role::Picker),
            "packer" => Ok(Role::Packer),
            "supervisor" => Ok(Role::Supervisor),
            "admin" => Ok(Role::Admin),
            other => Err(format!(
                "{other:?} is not a role; use picker, packer, supervisor or admin"
            )),
        }
    }
}

/// Who does something, and at which station. Written on every event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Actor {
    pub user: String,
    pub station: String,
    pub role: Role,
}

impl Actor {
    pub fn new(user: impl Into<String>, station: impl Into<String>, role: Role) -> Self {
        Self {
            user: user.into(),
            station: station.into(),
            role,
        }
    }

    pub fn require(&self, needed: Role) -> crate::Result<()> {
        let rank = |r: Role| match r {
            Role::Picker | Role::Packer => 0,
            Role::Supervisor => 1,
            Role::Admin => 2,
        };
        if rank(self.role) >= rank(needed) {
            Ok(())
        } else {
            Err(crate::Error::Forbidden {
                needed: needed.as_str(),
                actual: self.role.as_str(),
            })
        }
    }
}
