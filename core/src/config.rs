//! This station's own settings: kept in a file on the machine, not in the
//! (possibly shared) database, because they describe this packing table.

use crate::domain::{Actor, Role};
use crate::store::DbTarget;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct StationConfig {
    pub station: String,
    pub user: String,
    pub role: Role,
    /// Empty: the default SQLite file. Else a path, a sqlite: or postgres:// URL.
    pub database: String,
    /// "ru" or "en".
    pub language: String,
    /// Finish packing by itself when the last unit is scanned.
    pub auto_finish: bool,
    /// Printer, paper and format per document; print invoice and label when
    /// packing finishes (on by default; with no printer chosen the jobs wait
    /// in the print queue).
    pub print: crate::documents::PrintSettings,
}

impl Default for StationConfig {
    fn default() -> Self {
        Self {
            station: "station-1".into(),
            user: std::env::var("USER")
                .ok()
                .filter(|u| !u.is_empty())
                .unwrap_or_else(|| "packer".into()),
            role: Role::Packer,
            database: String::new(),
            language: "ru".into(),
            auto_finish: true,
            print: crate::documents::PrintSettings::default(),
        }
    }
}

impl StationConfig {
    /// `$PACKBENCH_CONFIG` or `<config dir>/packbench/station.json`.
    pub fn path() -> PathBuf {
        if let Ok(p) = std::env::var("PACKBENCH_CONFIG") {
            if !p.trim().is_empty() {
                return PathBuf::from(p);
            }
        }
        dirs::config_dir()
            .unwrap_or_else(|| PathBuf::from("."))
            .join("packbench")
            .join("station.json")
    }

    /// Reads the settings; a missing file gives the defaults, a broken one
    /// an error that says which file and what is wrong.
    pub fn load() -> Result<Self> {
        Self::load_from(&Self::path())
    }

    pub fn load_from(path: &Path) -> Result<Self> {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let mut config: StationConfig = serde_json::from_str(&text).map_err(|e| {
                    Error::Invalid(format!(
                        "the settings file {} is damaged ({e}); fix it or delete it to start with defaults",
                        path.display()
                    ))
                })?;
                // A print setting no printer can honour (written by hand) must
                // not keep the station from opening: that document goes back
                // to its own paper and format, and the log says so.
                let (print, fixed) = config.print.fitted();
                config.print = print;
                for problem in fixed {
                    tracing::warn!(file = %path.display(), "print setting put back to its default: {problem}");
                }
                config.validate().map_err(|e| {
                    Error::Invalid(format!("the settings file {}: {e}", path.display()))
                })?;
                Ok(config)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(Error::Unavailable(format!(
                "cannot read the settings file {}: {e}",
                path.display()
            ))),
        }
    }

    pub fn validate(&self) -> Result<()> {
        let field = |name: &str, v: &str| {
            if v.trim().is_empty() || v.chars().count() > 64 || v.chars().any(char::is_control) {
                Err(Error::Invalid(format!(
                    "the {name} must be 1 to 64 characters without control characters"
                )))
            } else {
                Ok(())
            }
        };
        field("station name", &self.station)?;
        field("user name", &self.user)?;
        if self.language != "ru" && self.language != "en" {
            return Err(Error::Invalid(format!(
                "language {:?} is not offered; choose ru or en",
                self.language
            )));
        }
        if !self.database.trim().is_empty() {
            DbTarget::parse(&self.database)?;
        }
        self.print.check()
    }

    pub fn save(&self) -> Result<()> {
        self.save_to(&Self::path())
    }

    /// Writes through a temporary file, so a crash never leaves half a file.
    pub fn save_to(&self, path: &Path) -> Result<()> {
        self.validate()?;
        let io = |e: std::io::Error| {
            Error::Unavailable(format!(
                "cannot write the settings file {}: {e}",
                path.display()
            ))
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let tmp = path.with_extension("json.tmp");
        let text = serde_json::to_string_pretty(self).unwrap_or_default();
        std::fs::write(&tmp, text).map_err(io)?;
        std::fs::rename(&tmp, path).map_err(io)?;
        Ok(())
    }

    /// `PACKBENCH_DATABASE_URL` first (as for the CLI), then the setting,
    /// then the default file.
    pub fn db_target(&self) -> Result<DbTarget> {
        match Self::database_override() {
            Some(v) => DbTarget::parse(&v),
            None if !self.database.trim().is_empty() => DbTarget::parse(&self.database),
            None => DbTarget::from_env_or_default(),
        }
    }

    /// The database named by `PACKBENCH_DATABASE_URL`, which wins over the
    /// saved setting (the settings screen says so).
    pub fn database_override() -> Option<String> {
        std::env::var("PACKBENCH_DATABASE_URL")
            .ok()
            .filter(|v| !v.trim().is_empty())
    }

    pub fn actor(&self) -> Actor {
        Actor::new(self.user.clone(), self.station.clone(), self.role)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_survive_a_save_and_load() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("station.json");
        let c = StationConfig {
            station: "Стол 2".into(),
            language: "en".into(),
            ..Default::default()
        };
        c.save_to(&path).unwrap();
        assert_eq!(StationConfig::load_from(&path).unwrap(), c);
    }

    #[test]
    fn a_missing_file_gives_defaults_and_a_damaged_one_names_itself() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("station.json");
        assert_eq!(StationConfig::load_from(&path).unwrap().language, "ru");
        std::fs::write(&path, "{not json").unwrap();
        let err = StationConfig::load_from(&path).unwrap_err().to_string();
        assert!(
            err.contains("station.json") && err.contains("damaged"),
            "{err}"
        );
    }

    #[test]
    fn bad_settings_are_refused_before_they_are_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("station.json");
        let c = StationConfig {
            language: "de".into(),
            ..Default::default()
        };
        assert!(c.save_to(&path).is_err());
        assert!(!path.exists(), "nothing half-written");
    }

    #[test]
    fn print_settings_no_printer_can_honour_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("station.json");
        let mut c = StationConfig::default();
        c.print.invoice.format = crate::documents::DocFormat::Zpl;
        let err = c.save_to(&path).unwrap_err().to_string();
        assert!(err.contains("ZPL is for shipping labels"), "{err}");
        let mut c = StationConfig::default();
        c.print.label.paper = crate::documents::Paper::A4;
        assert!(c
            .save_to(&path)
            .unwrap_err()
            .to_string()
            .contains("label paper"));
        assert!(!path.exists());
        // A file written by hand with such a setting still opens: that
        // document is back on its own paper, its printer kept.
        std::fs::write(
            &path,
            r#"{"station":"Стол 3","print":{"packing_slip":{"printer":"Office","paper":"label_4x6"}}}"#,
        )
        .unwrap();
        let loaded = StationConfig::load_from(&path).unwrap();
        assert_eq!(loaded.station, "Стол 3");
        assert_eq!(loaded.print.packing_slip.paper, crate::documents::Paper::A4);
        assert_eq!(loaded.print.packing_slip.printer.as_deref(), Some("Office"));
    }
}
