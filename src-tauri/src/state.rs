//! What the shell keeps between commands: the open store, this station's
//! settings, and why the database could not be opened (if it could not).

use crate::error::IpcError;
use packbench_core::clock::{Clock, SystemClock};
use packbench_core::config::{BackupSettings, StationConfig};
use packbench_core::documents::PrintSettings;
use packbench_core::error::ErrorCode;
use packbench_core::ops::{Actor, Session, SignInInfo, SignedIn};
use packbench_core::secrets::{self, OsKeyring, SecretStore};
use packbench_core::store::{DbTarget, Engine, OpenOptions, Store};
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{RwLock, RwLockReadGuard};

/// What the UI needs to draw its frame and decide its first screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct AppInfo {
    pub version: String,
    pub station: String,
    /// Who is signed in at this station; `None`: the sign-in screen.
    pub signed_in: Option<SignedIn>,
    /// What the sign-in screen needs (none while the database is closed).
    pub sign_in: Option<SignInInfo>,
    /// "SQLite /path" or "PostgreSQL postgres://user@host/db" (no password).
    pub database: String,
    /// "SQLite" or "PostgreSQL".
    pub engine: String,
    /// PACKBENCH_DATABASE_URL chose the database: the database setting is
    /// saved but not used while it is set.
    pub database_from_env: bool,
    pub language: String,
    pub auto_finish: bool,
    /// The character this station's scanner sends for GS ("" = none).
    pub scan_gs_substitute: String,
    /// This table's scale ("" = weights are typed).
    pub scale_device: String,
    /// No orders yet: the UI offers the demo warehouse.
    pub empty_database: bool,
    /// The database could not be opened; the UI shows this and the settings.
    pub startup_error: Option<String>,
    /// Where the database password comes from (`missing`: ask for it).
    pub database_password: DbPassword,
    /// The first-run wizard's step to go on from when an administrator
    /// signs in (`language`: nobody can sign in yet); None: not shown.
    pub setup_resume: Option<packbench_core::ops::SetupStep>,
}

/// The settings a station may change from the UI. Who works at it is not
/// a setting: people sign in with their PIN or badge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Settings {
    pub station: String,
    /// Minutes without work before the station signs its user out.
    pub session_idle_minutes: u32,
    /// "" = the default local file.
    pub database: String,
    pub language: String,
    pub auto_finish: bool,
    /// The character the scanner sends for the GS separator; "" = none.
    pub scan_gs_substitute: String,
    /// The serial device of this table's scale; "" = weights are typed.
    pub scale_device: String,
}

impl From<&StationConfig> for Settings {
    fn from(c: &StationConfig) -> Self {
        Self {
            station: c.station.clone(),
            session_idle_minutes: c.session_idle_minutes,
            database: c.database.clone(),
            language: c.language.clone(),
            auto_finish: c.auto_finish,
            scan_gs_substitute: c.scan_gs_substitute.clone(),
            scale_device: c.scale_device.clone(),
        }
    }
}

impl Settings {
    fn applied_to(self, config: &StationConfig) -> StationConfig {
        StationConfig {
            station: self.station,
            session_idle_minutes: self.session_idle_minutes,
            database: self.database,
            language: self.language,
            auto_finish: self.auto_finish,
            scan_gs_substitute: self.scan_gs_substitute,
            scale_device: self.scale_device,
            ..config.clone()
        }
    }
}

pub struct AppState {
    /// `None` until the database is open, and for good if it could not be.
    /// Held for writing while it opens, so the first commands wait for it
    /// instead of reporting a database that is merely not open yet.
    pub store: Arc<RwLock<Option<Store>>>,
    pub config: RwLock<StationConfig>,
    pub startup_error: Arc<RwLock<Option<String>>>,
    config_path: PathBuf,
    /// When opening the database last failed: `app_info` tries again (the
    /// UI's Retry), but not straight after a failure it is only reporting.
    failed_at: Arc<std::sync::Mutex<Option<Instant>>>,
    /// The clock every store this state opens runs on: the wall clock,
    /// except where a test or the fixture recorder pins time.
    clock: Arc<dyn Clock>,
    /// Who is signed in at this station.
    session: std::sync::Mutex<Option<Session>>,
    /// Where the database password is kept.
    keyring: Arc<dyn SecretStore>,
    /// A database password typed this run, when the keyring could not keep
    /// it: in memory only, asked for again at the next start.
    db_password: std::sync::Mutex<Option<String>>,
    /// Tells the window how far a long job (an export, an import) is; set
    /// once the event loop runs (`on_start`).
    pub progress: std::sync::OnceLock<ProgressSink>,
    /// Ends the web process and loads the page in a new one (`renew_page`);
    /// set once the event loop runs (`on_start`).
    pub page_renewer: std::sync::OnceLock<crate::page::PageRenewer>,
    /// The mail server's password typed this run when no keyring could keep
    /// it (key: the server, as `MailSettings::keyring_key`).
    mail_password: std::sync::Mutex<Option<(String, String)>>,
    /// Set by `cancel_import`: the running import stops after its chunk.
    pub import_cancel: Arc<std::sync::atomic::AtomicBool>,
    /// The database is closed because its file is damaged: the start
    /// screen offers the newest backup, which anyone may restore then.
    damaged: Arc<std::sync::atomic::AtomicBool>,
}

/// Sends a progress event to the window.
pub type ProgressSink = Box<dyn Fn(crate::changes::Progress) + Send + Sync>;

/// Where a mail password just typed is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum PasswordKept {
    Keyring,
    /// No keyring: typed again after a restart.
    ThisRun,
}

/// Where the password of the station's database comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum DbPassword {
    /// SQLite, or a server that takes no password.
    NotUsed,
    /// PACKBENCH_DATABASE_URL carries it.
    FromEnvironment,
    /// The OS keyring keeps it.
    Keyring,
    /// Typed this run; no keyring could keep it: asked again next start.
    ThisRunOnly,
    /// The server needs one and none is known: ask for it.
    Missing,
}

/// A failure younger than this is reported, not retried.
const RETRY_AFTER: Duration = Duration::from_secs(2);

type Opening = std::pin::Pin<Box<dyn Future<Output = ()> + Send>>;

impl AppState {
    /// The mail server's password: from the keyring, else typed this run.
    pub fn mail_password(&self, settings: &packbench_core::ops::MailSettings) -> Option<String> {
        // A server without a login needs none: the keyring is not asked
        // (without a keyring service that question can take seconds).
        if settings.user.trim().is_empty() {
            return None;
        }
        let key = settings.keyring_key();
        if let Ok(Some(pw)) = self.keyring.get(&key) {
            return Some(pw);
        }
        let kept = self.mail_password.lock().unwrap_or_else(|e| e.into_inner());
        kept.as_ref()
            .filter(|(k, _)| *k == key)
            .map(|(_, pw)| pw.clone())
    }

    /// Keeps the mail server's password in the keyring; without one, for
    /// this run only (said in the reply so the admin knows).
    pub fn keep_mail_password(
        &self,
        settings: &packbench_core::ops::MailSettings,
        password: &str,
    ) -> PasswordKept {
        let key = settings.keyring_key();
        match self.keyring.set(&key, password) {
            Ok(()) => PasswordKept::Keyring,
            Err(e) => {
                tracing::warn!(error = %e, "no keyring for the mail password");
                *self.mail_password.lock().unwrap_or_else(|e| e.into_inner()) =
                    Some((key, password.to_string()));
                PasswordKept::ThisRun
            }
        }
    }

    /// Tells the window how far a long job is (nothing before the event
    /// loop runs).
    pub fn report_progress(&self, job: &str, done: usize, total: usize) {
        if let Some(sink) = self.progress.get() {
            sink(crate::changes::Progress {
                job: job.to_string(),
                done,
                total,
            });
        }
    }

    /// The state at once, and the work that opens the database. The window
    /// can appear while that runs (an unreachable PostgreSQL server takes
    /// a while to give up); commands wait for it. A settings file that
    /// cannot be read leaves the defaults in place and no database open.
    pub fn opening(config_path: PathBuf) -> (Self, Opening) {
        Self::opening_with_clock(config_path, Arc::new(SystemClock))
    }

    /// As [`AppState::opening`], with every store on `clock` (tests and the
    /// UI's fixture recorder pin time with `FixedClock`).
    pub fn opening_with_clock(config_path: PathBuf, clock: Arc<dyn Clock>) -> (Self, Opening) {
        Self::opening_with(config_path, clock, Arc::new(OsKeyring))
    }

    /// As [`AppState::opening_with_clock`], keeping passwords in `keyring`.
    pub fn opening_with(
        config_path: PathBuf,
        clock: Arc<dyn Clock>,
        keyring: Arc<dyn SecretStore>,
    ) -> (Self, Opening) {
        let mut remembered = None;
        let (config, target) = match StationConfig::load_from(&config_path) {
            Ok(mut c) => {
                // A password in the file (written by an older version or by
                // hand) moves to the keyring and out of the file; without a
                // keyring it is used this run and the file is left alone.
                if let (bare, Some(pw)) = secrets::split_password(&c.database) {
                    c.database = bare;
                    match keyring.set(&secrets::key_for(&c.database), &pw) {
                        Ok(()) => {
                            if let Err(e) = c.save_to(&config_path) {
                                tracing::warn!(error = %e, "the password moved to the keyring but the settings file could not be rewritten");
                            }
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, "no keyring for the database password")
                        }
                    }
                    remembered = Some(pw);
                }
                let target = c
                    .db_target()
                    .map(|t| secrets::complete(t, keyring.as_ref(), remembered.as_deref()));
                (c, target)
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot read the station settings");
                (StationConfig::default(), Err(e))
            }
        };
        let store = Arc::new(RwLock::new(None));
        let startup_error = Arc::new(RwLock::new(None));
        let mut store_slot = store.clone().try_write_owned().expect("a new lock is free");
        let error_slot = startup_error.clone();
        let failed_at = Arc::new(std::sync::Mutex::new(None));
        let failed_slot = failed_at.clone();
        let damaged = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let damaged_slot = damaged.clone();
        let opening_clock = clock.clone();
        let opening = Box::pin(async move {
            match open(target, opening_clock).await {
                Ok(s) => *store_slot = Some(s),
                // Written before the store lock is released: whoever waited
                // for the store then finds the reason.
                Err(e) => {
                    damaged_slot.store(e.code == ErrorCode::Damaged, Ordering::Relaxed);
                    *error_slot.write().await = Some(e.message);
                    *failed_slot.lock().unwrap() = Some(Instant::now());
                }
            }
            drop(store_slot);
        });
        let state = Self {
            store,
            config: RwLock::new(config),
            startup_error,
            config_path,
            failed_at,
            clock,
            session: std::sync::Mutex::new(None),
            keyring,
            db_password: std::sync::Mutex::new(remembered),
            progress: std::sync::OnceLock::new(),
            page_renewer: std::sync::OnceLock::new(),
            mail_password: std::sync::Mutex::new(None),
            import_cancel: Default::default(),
            damaged,
        };
        (state, opening)
    }

    /// Reads the settings and opens the database right away (tests, tools).
    pub async fn open(config_path: PathBuf) -> Self {
        Self::open_with_clock(config_path, Arc::new(SystemClock)).await
    }

    /// As [`AppState::open`], on a given clock.
    pub async fn open_with_clock(config_path: PathBuf, clock: Arc<dyn Clock>) -> Self {
        let (state, opening) = Self::opening_with_clock(config_path, clock);
        opening.await;
        state
    }

    /// As [`AppState::open`], keeping passwords in `keyring` (tests of a
    /// station without one).
    pub async fn open_with_keyring(config_path: PathBuf, keyring: Arc<dyn SecretStore>) -> Self {
        let (state, opening) = Self::opening_with(config_path, Arc::new(SystemClock), keyring);
        opening.await;
        state
    }

    /// The open store, or why there is none.
    pub async fn store(&self) -> Result<RwLockReadGuard<'_, Store>, IpcError> {
        let guard = self.store.read().await;
        match RwLockReadGuard::try_map(guard, Option::as_ref) {
            Ok(store) => Ok(store),
            Err(_) => Err(IpcError::unavailable(
                self.startup_error
                    .read()
                    .await
                    .clone()
                    .unwrap_or_else(|| "the database is not open".into()),
            )),
        }
    }

    /// The open store as a handle of its own (a pool), for commands that
    /// wait on lp or pdftoppm for seconds: they must not hold the lock a
    /// settings change waits for, or every scan would wait behind them.
    pub async fn store_handle(&self) -> Result<Store, IpcError> {
        Ok(Store::clone(&*self.store().await?))
    }

    /// The signed-in user's actor for one command, or "sign in": nobody
    /// is signed in, or the session ran out (then it is ended here).
    pub fn actor(&self) -> Result<Actor, IpcError> {
        let now = self.clock.now().timestamp_millis();
        let mut slot = self.session.lock().unwrap();
        let Some(session) = slot.as_mut() else {
            return Err(packbench_core::Error::NotSignedIn(
                "nobody is signed in at this station: sign in with your PIN or badge".into(),
            )
            .into());
        };
        match session.actor_at(now) {
            Ok(actor) => Ok(actor),
            Err(e) => {
                *slot = None;
                Err(e.into())
            }
        }
    }

    /// Keeps the session of a user who just signed in (replacing whoever
    /// was signed in: the quick switch at a shared station).
    pub fn begin_session(&self, session: Session) -> SignedIn {
        let who = session.signed_in();
        *self.session.lock().unwrap() = Some(session);
        who
    }

    pub fn end_session(&self) {
        *self.session.lock().unwrap() = None;
    }

    fn signed_in(&self) -> Option<SignedIn> {
        self.session
            .lock()
            .unwrap()
            .as_ref()
            .map(Session::signed_in)
    }

    /// The target with the password the keyring or this run knows.
    fn completed(
        &self,
        target: packbench_core::Result<DbTarget>,
    ) -> packbench_core::Result<DbTarget> {
        let remembered = self.db_password.lock().unwrap().clone();
        target.map(|t| secrets::complete(t, self.keyring.as_ref(), remembered.as_deref()))
    }

    fn password_state(&self, config: &StationConfig, open: bool) -> DbPassword {
        let Ok(target) = config.db_target() else {
            return DbPassword::NotUsed;
        };
        let DbTarget::Postgres(url) = &target else {
            return DbPassword::NotUsed;
        };
        if !secrets::lacks_password(&target) {
            return if StationConfig::database_override().is_some() {
                DbPassword::FromEnvironment
            } else {
                DbPassword::NotUsed
            };
        }
        if self.db_password.lock().unwrap().is_some() {
            return DbPassword::ThisRunOnly;
        }
        match self.keyring.get(&secrets::key_for(url)) {
            Ok(Some(_)) => DbPassword::Keyring,
            _ if open => DbPassword::NotUsed,
            _ => DbPassword::Missing,
        }
    }

    /// The database password typed at the start screen: kept in the keyring
    /// (or for this run), and the database opened with it.
    pub async fn unlock_database(&self, password: String) -> Result<AppInfo, IpcError> {
        if password.is_empty() {
            return Err(IpcError::invalid("type the database password"));
        }
        let config = self.config.read().await.clone();
        let target = config.db_target()?;
        let DbTarget::Postgres(url) = &target else {
            return Err(IpcError::invalid(
                "this station's database takes no password",
            ));
        };
        let key = secrets::key_for(url);
        {
            let mut store = self.store.write().await;
            let opened = open(
                Ok(secrets::complete(
                    target.clone(),
                    &secrets::NoKeyring,
                    Some(&password),
                )),
                self.clock.clone(),
            )
            .await;
            if let Err(e) = &opened {
                return Err(IpcError::unavailable(e.message.clone()));
            }
            match self.keyring.set(&key, &password) {
                Ok(()) => *self.db_password.lock().unwrap() = None,
                Err(_) => *self.db_password.lock().unwrap() = Some(password),
            }
            self.record(&mut store, opened).await;
        }
        self.info().await
    }

    pub async fn station(&self) -> (String, u32) {
        let c = self.config.read().await;
        (c.station.clone(), c.session_idle_minutes)
    }

    pub async fn info(&self) -> Result<AppInfo, IpcError> {
        self.retry_if_closed().await;
        let store = self.store.read().await;
        let config = self.config.read().await.clone();
        let startup_error = self.startup_error.read().await.clone();
        let (database, engine, empty_database, sign_in) = match store.as_ref() {
            Some(s) => (
                s.describe().to_string(),
                s.engine().name().to_string(),
                packbench_core::ops::is_empty(s).await?,
                Some(packbench_core::ops::sign_in_info(s).await?),
            ),
            None => match config.db_target() {
                Ok(t) => (t.describe(), t.engine().name().to_string(), false, None),
                Err(_) => (config.database.clone(), String::new(), false, None),
            },
        };
        // The wizard's standing; one that cannot be read shows no wizard.
        let setup_resume = match store.as_ref() {
            Some(s) => packbench_core::ops::setup_status(s, &config)
                .await
                .ok()
                .and_then(|status| status.resume_at),
            None => None,
        };
        let database_password = self.password_state(&config, store.is_some());
        Ok(AppInfo {
            version: env!("CARGO_PKG_VERSION").to_string(),
            station: config.station,
            signed_in: self.signed_in(),
            sign_in,
            database,
            engine,
            database_from_env: StationConfig::database_override().is_some(),
            language: config.language,
            auto_finish: config.auto_finish,
            scan_gs_substitute: config.scan_gs_substitute,
            scale_device: config.scale_device,
            empty_database,
            database_password,
            startup_error,
            setup_resume,
        })
    }

    /// Starts over when the database could not be opened before (the
    /// server is back, the settings file was mended): reads the settings
    /// again and opens the database they name.
    async fn retry_if_closed(&self) {
        let stale = |at: &Option<Instant>| at.is_some_and(|t| t.elapsed() >= RETRY_AFTER);
        if !stale(&self.failed_at.lock().unwrap()) {
            return;
        }
        let mut store = self.store.write().await;
        if store.is_some() || !stale(&self.failed_at.lock().unwrap()) {
            return; // another command got here first
        }
        let opened = match StationConfig::load_from(&self.config_path) {
            Ok(config) => {
                let target = self.completed(config.db_target());
                *self.config.write().await = config;
                open(target, self.clock.clone()).await
            }
            Err(e) => Err(IpcError::unavailable(e.to_string())),
        };
        self.record(&mut store, opened).await;
    }

    /// Keeps an opening's outcome: the store, or why there is none.
    async fn record(&self, store: &mut Option<Store>, opened: Result<Store, IpcError>) {
        match opened {
            Ok(new_store) => {
                if let Some(old) = store.replace(new_store) {
                    old.close().await;
                }
                *self.startup_error.write().await = None;
                *self.failed_at.lock().unwrap() = None;
                self.damaged.store(false, Ordering::Relaxed);
            }
            Err(e) => {
                self.damaged
                    .store(e.code == ErrorCode::Damaged, Ordering::Relaxed);
                *self.startup_error.write().await = Some(e.message);
                *self.failed_at.lock().unwrap() = Some(Instant::now());
            }
        }
    }

    /// The clock this station's stores run on.
    pub fn clock(&self) -> Arc<dyn Clock> {
        self.clock.clone()
    }

    /// The database is closed because its file is damaged.
    pub fn database_damaged(&self) -> bool {
        self.damaged.load(Ordering::Relaxed)
    }

    /// Closes a database found damaged (or unwritable) after it opened: the
    /// start screen says why. A damaged file is not opened again by itself
    /// (it would open: only the check finds the damage); the user restores
    /// a backup, or chooses another database.
    pub async fn close_unusable(&self, error: IpcError) {
        let mut store = self.store.write().await;
        if let Some(old) = store.take() {
            old.close().await;
        }
        let damaged = error.code == ErrorCode::Damaged;
        self.damaged.store(damaged, Ordering::Relaxed);
        *self.startup_error.write().await = Some(error.message);
        *self.failed_at.lock().unwrap() = (!damaged).then(Instant::now);
        self.end_session();
    }

    /// Closes the database, lets `work` replace its file (a restore), and
    /// opens it again (an older backup is brought up to date): once it was
    /// replaced, whoever was signed in signs in again, as the users are the
    /// file's. Meanwhile commands say the database is being replaced. The outcome of `work`, and the station as it is now.
    pub async fn replace_database<T, F, Fut>(&self, work: F) -> Result<(T, AppInfo), IpcError>
    where
        F: FnOnce(DbTarget) -> Fut,
        Fut: Future<Output = packbench_core::Result<T>>,
    {
        let target = self.completed(self.config.read().await.db_target())?;
        {
            let mut store = self.store.write().await;
            if let Some(old) = store.take() {
                old.close().await;
            }
            *self.startup_error.write().await =
                Some("the database is being replaced by a backup; wait a moment".into());
        }
        // With the lock free, the station's own tasks (the change watcher
        // has a connection of its own) see the store gone and let go of
        // the file, which `work` waits for.
        let outcome = work(target.clone()).await;
        {
            let mut store = self.store.write().await;
            let opened = open(Ok(target), self.clock.clone()).await;
            self.record(&mut store, opened).await;
        }
        if outcome.is_ok() {
            self.end_session();
        }
        Ok((outcome?, self.info().await?))
    }

    /// This station's printing, checked and saved to its settings file.
    pub async fn save_print_settings(
        &self,
        print: PrintSettings,
    ) -> Result<PrintSettings, IpcError> {
        let mut config = self.config.write().await;
        let next = StationConfig {
            print,
            ..config.clone()
        };
        next.save_to(&self.config_path)?;
        *config = next;
        Ok(config.print.clone())
    }

    /// This station's backups, checked and saved to its settings file.
    pub async fn save_backup_settings(
        &self,
        backup: BackupSettings,
    ) -> Result<BackupSettings, IpcError> {
        let mut config = self.config.write().await;
        let next = StationConfig {
            backup,
            ..config.clone()
        };
        next.save_to(&self.config_path)?;
        *config = next;
        Ok(config.backup.clone())
    }

    pub async fn settings(&self) -> Settings {
        Settings::from(&*self.config.read().await)
    }

    /// Saves the settings. A new database is opened before anything is
    /// saved: one that cannot be opened is refused, so the station keeps
    /// working on the old one. When the database could not be opened and
    /// the setting is unchanged, the rest is saved and opening is retried.
    pub async fn save_settings(&self, settings: Settings) -> Result<AppInfo, IpcError> {
        {
            let mut store = self.store.write().await;
            let mut config = self.config.write().await;
            let mut next = settings.applied_to(&config);
            next.validate()?;
            // A password typed into the URL goes to the keyring (or, with
            // none, stays in memory for this run), never into the file.
            let (bare, typed) = secrets::split_password(&next.database);
            next.database = bare;
            if let Some(pw) = &typed {
                match self.keyring.set(&secrets::key_for(&next.database), pw) {
                    Ok(()) => *self.db_password.lock().unwrap() = None,
                    Err(e) => {
                        tracing::warn!(error = %e, "the database password is kept for this run only");
                        *self.db_password.lock().unwrap() = Some(pw.clone());
                    }
                }
            }
            let target = next.db_target()?;
            let changed = config.db_target().ok().as_ref() != Some(&target);
            let opened = if changed || store.is_none() || typed.is_some() {
                match open(self.completed(Ok(target)), self.clock.clone()).await {
                    Err(e) if changed || typed.is_some() => {
                        return Err(IpcError::unavailable(e.message))
                    }
                    outcome => Some(outcome),
                }
            } else {
                None
            };
            if let Err(e) = next.save_to(&self.config_path) {
                if let Some(Ok(s)) = opened {
                    s.close().await;
                }
                return Err(e.into());
            }
            if let Some(outcome) = opened {
                // Another database has other users: sign in there again.
                if changed {
                    self.end_session();
                }
                self.record(&mut store, outcome).await;
            }
            let mut slot = self.session.lock().unwrap();
            if let Some(session) = slot.take() {
                *slot = Some(session.at_station(&next.station));
            }
            drop(slot);
            *config = next;
        }
        self.info().await
    }
}

/// The station's pool. On SQLite every connection is a worker thread with
/// its own page cache and statements, and one packer's commands never need
/// eight at once: four keep a scan, a list and the dashboard apart without
/// the memory of eight (BENCHMARKS.md, "Memory over a shift").
fn station_pool(target: &DbTarget) -> OpenOptions {
    let defaults = OpenOptions::default();
    match target.engine() {
        Engine::Sqlite => OpenOptions {
            max_connections: 4,
            ..defaults
        },
        Engine::Postgres => defaults,
    }
}

async fn open(
    target: packbench_core::Result<DbTarget>,
    clock: Arc<dyn Clock>,
) -> Result<Store, IpcError> {
    let target = target.map_err(|e| IpcError::unavailable(e.to_string()))?;
    match Store::open_with(&target, station_pool(&target)).await {
        Ok(s) => {
            let s = s.with_clock(clock);
            tracing::info!(database = %s.describe(), "database open");
            Ok(s)
        }
        Err(e) => {
            tracing::error!(database = %target.describe(), error = %e, "cannot open the database");
            Err(IpcError::from(e))
        }
    }
}
