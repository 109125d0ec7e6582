//! This station's own settings: kept in a file on the machine, not in the
//! (possibly shared) database, because they describe this packing table.

use crate::store::DbTarget;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct StationConfig {
    pub station: String,
    /// Minutes without a command after which the signed-in user is signed
    /// out (1 to 720). Who works here is not a setting: people sign in.
    pub session_idle_minutes: u32,
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
    /// The character this station's scanner sends instead of the GS
    /// separator of a GS1 DataMatrix (some scanners cannot send Ctrl+]).
    /// Empty: none, the scanner sends GS itself.
    pub scan_gs_substitute: String,
    /// The serial device of this table's scale (`/dev/ttyUSB0`), which
    /// sends its weight as a line of text. Empty: weights are typed.
    pub scale_device: String,
    /// Backups of the SQLite database: where, how often, how many kept.
    pub backup: BackupSettings,
}

/// This station's backups of its SQLite database (a PostgreSQL server is
/// backed up on the server, with pg_dump: see the README).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct BackupSettings {
    /// The folder backups go to (a full path). Empty: `backups` beside the
    /// database file.
    pub folder: String,
    /// Minutes between scheduled backups; 0: only when asked.
    pub every_minutes: u32,
    /// How many of the newest backups the folder keeps (1 to 1000).
    pub keep: u32,
}

impl Default for BackupSettings {
    /// Hourly, the last day's worth kept: a station that never opens the
    /// settings still has a copy less than an hour old.
    fn default() -> Self {
        Self {
            folder: String::new(),
            every_minutes: 60,
            keep: 24,
        }
    }
}

/// A week: a schedule longer than that is a typing mistake.
pub const MAX_BACKUP_EVERY_MINUTES: u32 = 7 * 24 * 60;
pub const MAX_BACKUPS_KEPT: u32 = 1000;

impl BackupSettings {
    pub fn check(&self) -> Result<()> {
        let folder = self.folder.trim();
        if !folder.is_empty()
            && (!Path::new(folder).is_absolute()
                || folder.chars().count() > 1024
                || folder.chars().any(char::is_control))
        {
            return Err(Error::Invalid(format!(
                "the backup folder {folder:?} is not a full path; give one such as \
                 /media/backup/packbench, or leave it empty for a backups folder beside the database"
            )));
        }
        if self.every_minutes > MAX_BACKUP_EVERY_MINUTES {
            return Err(Error::Invalid(format!(
                "back up every 1 to {MAX_BACKUP_EVERY_MINUTES} minutes (0: only when asked), not {}",
                self.every_minutes
            )));
        }
        if !(1..=MAX_BACKUPS_KEPT).contains(&self.keep) {
            return Err(Error::Invalid(format!(
                "keep 1 to {MAX_BACKUPS_KEPT} backups, not {}",
                self.keep
            )));
        }
        Ok(())
    }

    /// Where the backups of the database file `database` go.
    pub fn folder_for(&self, database: &Path) -> PathBuf {
        let folder = self.folder.trim();
        if folder.is_empty() {
            database
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
                .join("backups")
        } else {
            PathBuf::from(folder)
        }
    }
}

impl Default for StationConfig {
    fn default() -> Self {
        Self {
            station: "station-1".into(),
            session_idle_minutes: crate::domain::access::DEFAULT_IDLE_MINUTES,
            database: String::new(),
            language: "ru".into(),
            auto_finish: true,
            print: crate::documents::PrintSettings::default(),
            scan_gs_substitute: String::new(),
            scale_device: String::new(),
            backup: BackupSettings::default(),
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
        // Read as bytes: a file that is not UTF-8 text is as damaged as one
        // that is not JSON, and serde says where.
        match std::fs::read(path) {
            Ok(bytes) => {
                let mut config: StationConfig = serde_json::from_slice(&bytes).map_err(|e| {
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
                // Nor must a scanner setting: without it a scanner that sends
                // GS itself still scans, and the settings screen shows it empty.
                if let Err(problem) = check_gs_substitute(&config.scan_gs_substitute) {
                    tracing::warn!(file = %path.display(), "GS substitute dropped: {problem}");
                    config.scan_gs_substitute.clear();
                }
                // Nor must a backup setting: the defaults back up instead.
                if let Err(problem) = config.backup.check() {
                    tracing::warn!(file = %path.display(), "backup settings put back to their defaults: {problem}");
                    config.backup = BackupSettings::default();
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
        if !(1..=720).contains(&self.session_idle_minutes) {
            return Err(Error::Invalid(format!(
                "a session lasts 1 to 720 minutes without work, not {}",
                self.session_idle_minutes
            )));
        }
        if self.language != "ru" && self.language != "en" {
            return Err(Error::Invalid(format!(
                "language {:?} is not offered; choose ru or en",
                self.language
            )));
        }
        if !self.database.trim().is_empty() {
            DbTarget::parse(&self.database)?;
        }
        check_gs_substitute(&self.scan_gs_substitute)?;
        let scale = self.scale_device.trim();
        if !scale.is_empty()
            && (!scale.starts_with('/') || scale.len() > 256 || scale.chars().any(char::is_control))
        {
            return Err(Error::Invalid(format!(
                "the scale device {scale:?} is not a device path; give one such as /dev/ttyUSB0, or leave it empty to type weights"
            )));
        }
        self.backup.check()?;
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
        // A password never goes into the file: the keyring keeps it
        // (crate::secrets), or the station asks for it at start.
        let kept = StationConfig {
            database: crate::secrets::split_password(&self.database).0,
            ..self.clone()
        };
        let text = serde_json::to_string_pretty(&kept).unwrap_or_default();
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
}

/// Checks the character a scanner sends in place of GS: empty (none), or
/// one visible character that cannot occur inside a GS1 field. Letters,
/// digits and the punctuation GS1 allows in serials and crypto tails (its
/// character set 82: `! " % & ' ( ) * + , - . / : ; < = > ? _`) would split
/// a marking code wherever the code itself holds that character.
pub fn check_gs_substitute(substitute: &str) -> Result<()> {
    let mut chars = substitute.chars();
    let Some(c) = chars.next() else {
        return Ok(());
    };
    let suggest = "for example ~ | ^ or #";
    if chars.next().is_some() {
        return Err(Error::Invalid(format!(
            "the GS substitute must be a single character ({suggest}), not {substitute:?}"
        )));
    }
    if c.is_control() || c.is_whitespace() {
        return Err(Error::Invalid(format!(
            "the GS substitute must be a visible character ({suggest}), not U+{:04X}",
            u32::from(c)
        )));
    }
    if c.is_alphanumeric() {
        return Err(Error::Invalid(format!(
            "the GS substitute cannot be the letter or digit {c:?}: letters and digits occur in \
             codes; choose a sign ({suggest})"
        )));
    }
    // The GS1 reader is asked rather than given a second copy of the list.
    if crate::domain::barcode::parse_gs1(&format!("21{c}")).is_ok() {
        return Err(Error::Invalid(format!(
            "the GS substitute cannot be {c:?}: marking codes may hold it; choose a sign \
             they never hold ({suggest})"
        )));
    }
    Ok(())
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
    fn a_settings_file_that_is_not_text_is_damaged_like_one_that_is_not_json() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("station.json");
        for bytes in [
            &b"\xff\xfe{\"station\": 1}"[..],
            &b"{\"station\": \"\xd0\"}"[..],
        ] {
            std::fs::write(&path, bytes).unwrap();
            let err = StationConfig::load_from(&path).unwrap_err();
            let text = err.to_string();
            assert!(
                matches!(err, Error::Invalid(_))
                    && text.contains("station.json")
                    && text.contains("damaged"),
                "the same refusal as malformed JSON, not an unreadable disk: {err:?}"
            );
        }
    }

    #[test]
    fn backup_settings_default_when_absent_and_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("station.json");
        // A file from before backups existed.
        std::fs::write(&path, r#"{"station":"Стол 5","language":"en"}"#).unwrap();
        let loaded = StationConfig::load_from(&path).unwrap();
        assert_eq!(loaded.backup, BackupSettings::default());
        assert_eq!(
            loaded.backup.folder_for(Path::new("/data/pb/packbench.db")),
            PathBuf::from("/data/pb/backups"),
            "an empty folder means backups beside the database"
        );
        let refused = |b: BackupSettings| {
            StationConfig {
                backup: b,
                ..Default::default()
            }
            .save_to(&path)
            .unwrap_err()
            .to_string()
        };
        let e = refused(BackupSettings {
            folder: "backups".into(),
            ..Default::default()
        });
        assert!(e.contains("full path"), "{e}");
        let e = refused(BackupSettings {
            keep: 0,
            ..Default::default()
        });
        assert!(e.contains("keep 1 to 1000"), "{e}");
        let e = refused(BackupSettings {
            every_minutes: MAX_BACKUP_EVERY_MINUTES + 1,
            ..Default::default()
        });
        assert!(e.contains("every 1 to"), "{e}");
        let kept = StationConfig {
            backup: BackupSettings {
                folder: "/media/usb/pb".into(),
                every_minutes: 0,
                keep: 3,
            },
            ..Default::default()
        };
        kept.save_to(&path).unwrap();
        assert_eq!(StationConfig::load_from(&path).unwrap(), kept);
        // Written by hand: the station still opens, backing up as by default.
        std::fs::write(&path, r#"{"station":"Стол 5","backup":{"keep":0}}"#).unwrap();
        let loaded = StationConfig::load_from(&path).unwrap();
        assert_eq!(loaded.station, "Стол 5");
        assert_eq!(loaded.backup, BackupSettings::default());
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
    fn a_gs_substitute_is_one_sign_that_no_marking_code_holds() {
        for ok in ["", "~", "|", "^", "#", "§"] {
            assert!(
                check_gs_substitute(ok).is_ok(),
                "{ok:?} is a fine substitute"
            );
        }
        let refused = |s: &str| check_gs_substitute(s).unwrap_err().to_string();
        assert!(refused("~~").contains("single character"));
        assert!(
            refused("A").contains("letter or digit"),
            "letters occur in serials"
        );
        assert!(
            refused("ж").contains("letter or digit"),
            "so do letters of any alphabet"
        );
        assert!(refused("7").contains("letter or digit"));
        assert!(refused(" ").contains("visible"));
        assert!(
            refused("\u{1d}").contains("visible"),
            "GS itself needs no substitute"
        );
        for sign in ["%", "/", "_", "!", "+"] {
            assert!(
                refused(sign).contains("marking codes may hold it"),
                "{sign:?} occurs in serials and crypto tails"
            );
        }
    }

    #[test]
    fn a_bad_gs_substitute_is_refused_on_save_and_dropped_on_load() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("station.json");
        let c = StationConfig {
            scan_gs_substitute: "%".into(),
            ..Default::default()
        };
        assert!(c.save_to(&path).is_err());
        assert!(!path.exists(), "nothing written");
        let c = StationConfig {
            scan_gs_substitute: "~".into(),
            ..Default::default()
        };
        c.save_to(&path).unwrap();
        assert_eq!(
            StationConfig::load_from(&path).unwrap().scan_gs_substitute,
            "~"
        );
        // Written by hand: the station still opens, without a substitute.
        std::fs::write(&path, r#"{"station":"Стол 4","scan_gs_substitute":"AB"}"#).unwrap();
        let loaded = StationConfig::load_from(&path).unwrap();
        assert_eq!(loaded.station, "Стол 4");
        assert_eq!(loaded.scan_gs_substitute, "");
    }

    #[test]
    fn a_scale_device_is_a_device_path_or_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("station.json");
        for bad in ["ttyUSB0", "COM3", "/dev/tty\nUSB0"] {
            let c = StationConfig {
                scale_device: bad.replace("\\n", "\n"),
                ..Default::default()
            };
            let e = c.save_to(&path).unwrap_err().to_string();
            assert!(e.contains("/dev/ttyUSB0"), "{e}");
        }
        assert!(!path.exists(), "nothing written");
        let c = StationConfig {
            scale_device: "/dev/ttyUSB0".into(),
            ..Default::default()
        };
        c.save_to(&path).unwrap();
        assert_eq!(
            StationConfig::load_from(&path).unwrap().scale_device,
            "/dev/ttyUSB0"
        );
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
