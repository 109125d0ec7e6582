//! People: the first administrator, log-in by PIN, password, badge or API
//! token, lock-out, sessions, users and their tokens, supervisor approvals,
//! and the audit trail. Secrets are hashed here and never stored or logged
//! as they are.

use crate::domain::access::{self, Credential, Op, Override, SecretKind};
use crate::domain::{Actor, Approver, EventKind, Role};
use crate::store::events::{self, AuditEntry, AuditFilter};
use crate::store::users::{self, UserRow, UserWrite};
use crate::store::{settings, Store};
use crate::{Error, Result};
use argon2::password_hash::{rand_core::OsRng, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};

/// argon2id with 19 MiB and 2 passes (OWASP's minimum for argon2id).
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a PIN or password (on a blocking thread: it takes tens of ms).
async fn hash_secret(secret: String) -> Result<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        argon2()
            .hash_password(secret.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| Error::Invalid(format!("the secret could not be hashed: {e}")))
    })
    .await
    .map_err(|e| Error::Invalid(format!("hashing stopped: {e}")))?
}

/// A stored hash that every unknown login is checked against, so a wrong
/// login takes as long as a wrong PIN.
static DUMMY_HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();

async fn verify_secret(hash: Option<String>, secret: String) -> Result<bool> {
    tokio::task::spawn_blocking(move || {
        let stored = match hash {
            Some(h) => h,
            None => DUMMY_HASH
                .get_or_init(|| {
                    let salt = SaltString::generate(&mut OsRng);
                    argon2()
                        .hash_password(b"no such user", &salt)
                        .map(|h| h.to_string())
                        .unwrap_or_default()
                })
                .clone(),
        };
        let parsed = PasswordHash::new(&stored)
            .map_err(|e| Error::Damaged(format!("a user's stored PIN hash: {e}")))?;
        Ok(argon2().verify_password(secret.as_bytes(), &parsed).is_ok())
    })
    .await
    .map_err(|e| Error::Invalid(format!("checking stopped: {e}")))?
}

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Equal without telling, by the time taken, where two hashes differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Who is signed in, as the shells show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SignedIn {
    pub name: String,
    pub login: String,
    pub roles: Vec<Role>,
    pub channels: Vec<String>,
    /// The ops this user may do (the UI hides the others).
    pub may: Vec<Op>,
}

/// A station's signed-in user. The shell keeps it and asks it for the actor
/// of every command; it runs out after `idle` without a command.
#[derive(Debug, Clone)]
pub struct Session {
    actor: Actor,
    user_id: i64,
    last_seen_ms: i64,
    idle_ms: i64,
}

impl Session {
    fn new(row: &UserRow, station: &str, now_ms: i64, idle_minutes: u32) -> Self {
        Self {
            actor: Actor::signed_in(
                row.name.clone(),
                row.login.clone(),
                station.to_string(),
                row.roles.clone(),
                row.channels.clone(),
            ),
            user_id: row.id,
            last_seen_ms: now_ms,
            idle_ms: i64::from(idle_minutes.max(1)) * 60_000,
        }
    }

    pub fn user_id(&self) -> i64 {
        self.user_id
    }

    /// Who is signed in.
    pub fn signed_in(&self) -> SignedIn {
        let a = &self.actor;
        SignedIn {
            name: a.user.clone(),
            login: a.login.clone(),
            roles: a.roles.clone(),
            channels: a.channels.clone(),
            may: Op::ALL
                .iter()
                .copied()
                .filter(|op| a.may(*op).is_ok())
                .collect(),
        }
    }

    /// The actor of a command at `now_ms`, or "sign in again" when the
    /// session sat idle too long; a command keeps it alive.
    pub fn actor_at(&mut self, now_ms: i64) -> Result<Actor> {
        if now_ms - self.last_seen_ms > self.idle_ms {
            return Err(Error::NotSignedIn(format!(
                "{} was signed out after {} minutes without work: sign in again",
                self.actor.user,
                self.idle_ms / 60_000
            )));
        }
        self.last_seen_ms = self.last_seen_ms.max(now_ms);
        Ok(self.actor.clone())
    }

    /// The same session at another station name (settings changed).
    pub fn at_station(mut self, station: &str) -> Self {
        self.actor.station = station.to_string();
        self
    }
}

/// What the UI's sign-in screen shows before anyone signs in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SignInInfo {
    /// No users yet: the first administrator must be created.
    pub needs_first_admin: bool,
    /// The demo's users and their PINs and badges, while the demo is loaded.
    pub demo_users: Vec<DemoUser>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DemoUser {
    pub name: String,
    pub login: String,
    pub roles: Vec<Role>,
    pub pin: String,
    pub badge: String,
}

const DEMO_KEY: &str = "demo.users";

pub async fn sign_in_info(store: &Store) -> Result<SignInInfo> {
    let mut conn = store.pool().acquire().await?;
    let count = users::count(&mut conn).await?;
    // The demo's logins whose PIN is still the one shown.
    let unchanged: Vec<String> = settings::get(&mut conn, DEMO_KEY)
        .await?
        .unwrap_or_default();
    Ok(SignInInfo {
        needs_first_admin: count == 0,
        demo_users: demo_users()
            .into_iter()
            .filter(|u| unchanged.contains(&u.login))
            .collect(),
    })
}

/// The demo warehouse's people: one of every role, PIN and badge public.
pub fn demo_users() -> Vec<DemoUser> {
    let user = |name: &str, login: &str, roles: &[Role], pin: &str, badge: &str| DemoUser {
        name: name.into(),
        login: login.into(),
        roles: roles.to_vec(),
        pin: pin.into(),
        badge: badge.into(),
    };
    vec![
        user(
            "Ольга Смирнова",
            "olga",
            &[Role::Admin],
            "1111",
            "BADGE-0001",
        ),
        user(
            "Мария Иванова",
            "maria",
            &[Role::Supervisor],
            "2222",
            "BADGE-0002",
        ),
        user(
            "Анна Петрова",
            "anna",
            &[Role::Packer],
            "3333",
            "BADGE-0003",
        ),
        user("Иван Козлов", "ivan", &[Role::Picker], "4444", "BADGE-0004"),
        user(
            "Елена Соколова",
            "elena",
            &[Role::Manager],
            "5555",
            "BADGE-0005",
        ),
    ]
}

/// Creates the demo's users that do not exist yet (called with the demo).
pub(super) async fn add_demo_users(store: &Store, actor: &Actor) -> Result<()> {
    let mut added = Vec::new();
    for u in demo_users() {
        let hash = hash_secret(u.pin.clone()).await?;
        added.push((u, hash));
    }
    let mut tx = store.write().await?;
    let now = store.now_ms();
    for (u, hash) in &added {
        if users::by_login(&mut tx, &u.login).await?.is_some() {
            continue;
        }
        let badge = sha256_hex(&u.badge);
        users::insert(
            &mut tx,
            &UserWrite {
                login: &u.login,
                name: &u.name,
                roles: &u.roles,
                channels: &[],
                active: true,
                secret: Some((SecretKind::Pin, hash)),
                badge_hash: Some(Some(&badge)),
            },
            now,
        )
        .await?;
        events::record(
            &mut tx,
            None,
            now,
            actor,
            EventKind::UserCreated,
            None,
            Some(json!({"login": u.login, "name": u.name, "roles": u.roles})),
        )
        .await?;
    }
    let logins: Vec<String> = added.iter().map(|(u, _)| u.login.clone()).collect();
    settings::put(&mut tx, DEMO_KEY, &logins).await?;
    tx.commit().await?;
    Ok(())
}

/// A new user, or changes to one (found by login).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UserInput {
    pub login: String,
    pub name: String,
    pub roles: Vec<Role>,
    /// For managers: the sales channels they work; empty = every channel.
    pub channels: Vec<String>,
    pub active: bool,
    /// A new PIN (4–8 digits) or password (8+ characters); `None` keeps it.
    pub secret: Option<String>,
    /// A new badge barcode; `Some("")` removes the badge, `None` keeps it.
    pub badge: Option<String>,
}

/// A user as the admin sees them (no secrets, no hashes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UserView {
    pub id: i64,
    pub login: String,
    pub name: String,
    pub roles: Vec<Role>,
    pub channels: Vec<String>,
    pub active: bool,
    pub secret_kind: SecretKind,
    pub has_badge: bool,
    pub created_at: DateTime<Utc>,
}

impl From<&UserRow> for UserView {
    fn from(r: &UserRow) -> Self {
        Self {
            id: r.id,
            login: r.login.clone(),
            name: r.name.clone(),
            roles: r.roles.clone(),
            channels: r.channels.clone(),
            active: r.active,
            secret_kind: r.secret_kind,
            has_badge: r.badge_hash.is_some(),
            created_at: r.created_at,
        }
    }
}

struct Checked {
    login: String,
    name: String,
    roles: Vec<Role>,
    channels: Vec<String>,
    secret: Option<(SecretKind, String)>,
    badge: Option<Option<String>>,
}

async fn check_input(input: &UserInput) -> Result<Checked> {
    let login = access::check_login(&input.login).map_err(Error::Invalid)?;
    let name = input.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(Error::Invalid(
            "a user needs a name (up to 100 characters), as the history will show it".into(),
        ));
    }
    let mut roles = input.roles.clone();
    roles.sort();
    roles.dedup();
    if roles.is_empty() {
        return Err(Error::Invalid(
            "a user needs at least one role: picker, packer, manager, supervisor or admin".into(),
        ));
    }
    let mut channels: Vec<String> = input
        .channels
        .iter()
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect();
    channels.sort();
    channels.dedup();
    if let Some(bad) = channels.iter().find(|c| c.contains(',')) {
        return Err(Error::Invalid(format!(
            "{bad:?} cannot be a channel name: no commas"
        )));
    }
    let secret = match input.secret.as_deref() {
        None => None,
        Some(s) => {
            let kind = SecretKind::of(s).map_err(Error::Invalid)?;
            Some((kind, hash_secret(s.to_string()).await?))
        }
    };
    let badge = match input.badge.as_deref().map(str::trim) {
        None => None,
        Some("") => Some(None),
        Some(code) if code.chars().count() < 4 => {
            return Err(Error::Invalid(format!(
                "{code:?} is too short for a badge: use a barcode of at least 4 characters"
            )))
        }
        Some(code) => Some(Some(sha256_hex(code))),
    };
    Ok(Checked {
        login,
        name,
        roles,
        channels,
        secret,
        badge,
    })
}

async fn write_user(store: &Store, actor: &Actor, input: &UserInput) -> Result<UserView> {
    let c = check_input(input).await?;
    let mut tx = store.write().await?;
    let now = store.now_ms();
    if let Some(b) = c.badge.as_ref().and_then(|b| b.as_deref()) {
        if let Some(owner) = users::by_badge(&mut tx, b).await? {
            if owner.login != c.login {
                return Err(Error::Conflict(format!(
                    "this badge already belongs to {}: scan another one",
                    owner.name
                )));
            }
        }
    }
    let write = UserWrite {
        login: &c.login,
        name: &c.name,
        roles: &c.roles,
        channels: &c.channels,
        active: input.active,
        secret: c.secret.as_ref().map(|(k, h)| (*k, h.as_str())),
        badge_hash: c.badge.as_ref().map(|b| b.as_deref()),
    };
    let existing = users::by_login(&mut tx, &c.login).await?;
    let id = match &existing {
        Some(old) => {
            if old.id
                == users::by_login(&mut tx, &actor.login)
                    .await?
                    .map(|u| u.id)
                    .unwrap_or(-1)
                && (!input.active || !c.roles.contains(&Role::Admin))
                && old.roles.contains(&Role::Admin)
            {
                return Err(Error::Refused(
                    "you cannot take your own admin role or deactivate yourself: ask another admin"
                        .into(),
                ));
            }
            users::update(&mut tx, old.id, &write, now).await?;
            old.id
        }
        None => {
            if write.secret.is_none() {
                return Err(Error::Invalid(format!(
                    "{} is a new user: give them a PIN (4 to 8 digits) or a password",
                    c.name
                )));
            }
            users::insert(&mut tx, &write, now).await?
        }
    };
    if c.secret.is_some() || c.badge.is_some() || !input.active {
        // The sign-in screen no longer shows a demo PIN that is not theirs.
        let demo: Option<Vec<String>> = settings::get(&mut tx, DEMO_KEY).await?;
        if let Some(mut logins) = demo.filter(|l| l.contains(&c.login)) {
            logins.retain(|l| *l != c.login);
            settings::put(&mut tx, DEMO_KEY, &logins).await?;
        }
    }
    let row = users::by_id(&mut tx, id)
        .await?
        .ok_or_else(|| Error::not_found("user", c.login.clone()))?;
    let view = UserView::from(&row);
    let describe = |u: &UserView| {
        json!({"login": u.login, "name": u.name, "roles": u.roles, "channels": u.channels,
               "active": u.active, "badge": u.has_badge})
    };
    let mut after = describe(&view);
    if c.secret.is_some() {
        after["secret_changed"] = json!(true);
    }
    events::record(
        &mut tx,
        None,
        now,
        actor,
        if existing.is_some() {
            EventKind::UserChanged
        } else {
            EventKind::UserCreated
        },
        existing.as_ref().map(|o| describe(&UserView::from(o))),
        Some(after),
    )
    .await?;
    tx.commit().await?;
    Ok(view)
}

/// Creates the first administrator of a database that has no users, and
/// signs them in. Refused once any user exists.
pub async fn create_first_admin(
    store: &Store,
    station: &str,
    name: &str,
    login: &str,
    secret: &str,
    idle_minutes: u32,
) -> Result<Session> {
    {
        let mut conn = store.pool().acquire().await?;
        if users::count(&mut conn).await? > 0 {
            return Err(Error::Refused(
                "this database already has users: sign in, and ask an admin to add you".into(),
            ));
        }
    }
    let system = Actor::new("Packbench", station, Role::Admin);
    let input = UserInput {
        login: login.into(),
        name: name.into(),
        roles: vec![Role::Admin],
        channels: Vec::new(),
        active: true,
        secret: Some(secret.into()),
        badge: None,
    };
    write_user(store, &system, &input).await?;
    log_in(
        store,
        station,
        &Credential::Secret {
            login: login.into(),
            secret: secret.into(),
        },
        idle_minutes,
    )
    .await
}

/// Checks a credential: the user it proves, or why not. Wrong secrets count
/// toward the lock-out of the typed login (known or not).
async fn verify(store: &Store, credential: &Credential) -> Result<UserRow> {
    let now = store.now_ms();
    let mut conn = store.pool().acquire().await?;
    let locked = |login: &str, until: i64| {
        Error::LockedOut(format!(
            "{login} is locked after {} wrong attempts: try again in {}, or ask a supervisor",
            access::LOCK_AFTER,
            access::time_left(until - now)
        ))
    };
    match credential {
        Credential::Secret { login, secret } => {
            let login = access::fold_login(login);
            let (failures, locked_until) = users::failures(&mut conn, &login).await?;
            if let Some(until) = locked_until.filter(|u| *u > now) {
                return Err(locked(&login, until));
            }
            let failures = if locked_until.is_some() { 0 } else { failures };
            let user = users::by_login(&mut conn, &login).await?;
            drop(conn);
            let right =
                verify_secret(user.as_ref().map(|u| u.secret_hash.clone()), secret.clone()).await?;
            let mut tx = store.write().await?;
            if right {
                let user = user.expect("a right secret has a user");
                users::clear_failures(&mut tx, &login).await?;
                tx.commit().await?;
                if !user.active {
                    return Err(Error::Refused(format!(
                        "{} is deactivated: ask an admin to activate the account",
                        user.name
                    )));
                }
                return Ok(user);
            }
            let failures = failures + 1;
            if failures >= access::LOCK_AFTER {
                let until = now + access::LOCK_FOR_MS;
                users::set_failures(&mut tx, &login, 0, Some(until)).await?;
                if let Some(u) = &user {
                    let who = Actor::new(u.name.clone(), "", Role::Packer);
                    events::record(
                        &mut tx,
                        None,
                        now,
                        &who,
                        EventKind::LockedOut,
                        None,
                        Some(json!({"login": login, "until": until})),
                    )
                    .await?;
                }
                tx.commit().await?;
                return Err(locked(&login, until));
            }
            users::set_failures(&mut tx, &login, failures, None).await?;
            tx.commit().await?;
            Err(Error::WrongCredentials(format!(
                "wrong login or PIN ({} of {} attempts before the login is locked for 15 minutes)",
                failures,
                access::LOCK_AFTER
            )))
        }
        Credential::Badge { code } => {
            let user = users::by_badge(&mut conn, &sha256_hex(code.trim()))
                .await?
                .ok_or_else(|| {
                    Error::WrongCredentials(
                        "this badge is not registered: sign in with your PIN, or ask an admin to register the badge"
                            .into(),
                    )
                })?;
            if !user.active {
                return Err(Error::Refused(format!(
                    "this is the badge of {}, who is deactivated: ask an admin",
                    user.name
                )));
            }
            let (_, locked_until) = users::failures(&mut conn, &user.login).await?;
            if let Some(until) = locked_until.filter(|u| *u > now) {
                return Err(locked(&user.login, until));
            }
            Ok(user)
        }
        Credential::Token { token } => {
            let bad = || {
                Error::WrongCredentials(
                    "this API token is not valid (mistyped, revoked or for another database): ask an admin for a new one"
                        .into(),
                )
            };
            let rest = token.trim().strip_prefix("pbt_").ok_or_else(bad)?;
            let (id, secret) = rest.split_once('_').ok_or_else(bad)?;
            let id: i64 = id.parse().map_err(|_| bad())?;
            let row = users::token(&mut conn, id).await?.ok_or_else(bad)?;
            if row.revoked_at.is_some() || !same(&row.secret_hash, &sha256_hex(secret)) {
                return Err(bad());
            }
            let user = users::by_id(&mut conn, row.user_id)
                .await?
                .ok_or_else(bad)?;
            if !user.active {
                return Err(Error::Refused(format!(
                    "the token belongs to {}, who is deactivated: ask an admin",
                    user.name
                )));
            }
            users::token_used(&mut conn, id, now).await?;
            Ok(user)
        }
    }
}

/// Signs a user in at `station`: a session the shell keeps.
pub async fn log_in(
    store: &Store,
    station: &str,
    credential: &Credential,
    idle_minutes: u32,
) -> Result<Session> {
    let user = verify(store, credential).await?;
    let session = Session::new(&user, station, store.now_ms(), idle_minutes);
    // A token's use is kept in its own row, not in the history.
    if !matches!(credential, Credential::Token { .. }) {
        let mut tx = store.write().await?;
        events::record(
            &mut tx,
            None,
            store.now_ms(),
            &session.actor,
            EventKind::SignedIn,
            None,
            Some(json!({"by": match credential {
                Credential::Badge { .. } => "badge",
                _ => user.secret_kind.as_str(),
            }})),
        )
        .await?;
        tx.commit().await?;
    }
    Ok(session)
}

/// The actor of one command of a shell that signs in per command (the CLI,
/// a script with its token): checked like a sign-in, but no session and no
/// "signed in" entry in the history, which would bury the changes.
pub async fn act_as(store: &Store, station: &str, credential: &Credential) -> Result<Actor> {
    let user = verify(store, credential).await?;
    Ok(Session::new(&user, station, store.now_ms(), 1).actor)
}

/// The actor for an action that may need a supervisor: as it is when the
/// actor may decide alone; else approved by the supervisor whose
/// credential was given at the station, or "ask a supervisor".
pub(super) async fn approved(
    store: &Store,
    actor: &Actor,
    approval: Option<&Credential>,
    what: Override,
) -> Result<Actor> {
    if actor.approved_for(what).is_ok() {
        return Ok(actor.clone());
    }
    let Some(credential) = approval else {
        return Err(Error::NeedsApproval(what));
    };
    let user = verify(store, credential).await?;
    if !user.roles.iter().any(|r| r.approves()) {
        return Err(Error::Forbidden {
            action: "approve this",
            needed: "a supervisor or admin".into(),
            actual: format!(
                "{} ({})",
                user.name,
                crate::domain::actor::role_names(&user.roles)
            ),
        });
    }
    Ok(actor
        .clone()
        .approved_by(Approver::new(user.name, user.login)))
}

/// Every user, for the admin.
pub async fn list_users(store: &Store, actor: &Actor) -> Result<Vec<UserView>> {
    actor.may(Op::ManageUsers)?;
    let mut conn = store.pool().acquire().await?;
    Ok(users::list(&mut conn)
        .await?
        .iter()
        .map(UserView::from)
        .collect())
}

/// The names of the users (a filter's choices); open to every signed-in user.
pub async fn user_names(store: &Store, actor: &Actor) -> Result<Vec<String>> {
    actor.may(Op::ReadAudit)?;
    let mut conn = store.pool().acquire().await?;
    Ok(users::list(&mut conn)
        .await?
        .into_iter()
        .map(|u| u.name)
        .collect())
}

/// Adds a user or changes one (found by login): name, roles, channels,
/// active, and a new PIN/password or badge when given.
pub async fn save_user(store: &Store, actor: &Actor, input: &UserInput) -> Result<UserView> {
    actor.may(Op::ManageUsers)?;
    write_user(store, actor, input).await
}

/// A new API token for a user's scripts, shown once: `pbt_<id>_<secret>`.
pub async fn create_token(store: &Store, actor: &Actor, login: &str, name: &str) -> Result<String> {
    actor.may(Op::ManageUsers)?;
    let name = Error::require_reason(name, "name the token (what script uses it)")?;
    let secret: String = {
        use rand::Rng;
        let mut rng = rand::rngs::OsRng;
        (0..32)
            .map(|_| format!("{:02x}", rng.gen::<u8>()))
            .collect()
    };
    let mut tx = store.write().await?;
    let now = store.now_ms();
    let user = users::by_login(&mut tx, &access::fold_login(login))
        .await?
        .ok_or_else(|| Error::not_found("user", login))?;
    let id = users::insert_token(&mut tx, user.id, name, &sha256_hex(&secret), now).await?;
    events::record(
        &mut tx,
        None,
        now,
        actor,
        EventKind::TokenCreated,
        None,
        Some(json!({"login": user.login, "token": id, "name": name})),
    )
    .await?;
    tx.commit().await?;
    Ok(format!("pbt_{id}_{secret}"))
}

pub async fn revoke_token(store: &Store, actor: &Actor, login: &str, id: i64) -> Result<()> {
    actor.may(Op::ManageUsers)?;
    let mut tx = store.write().await?;
    let now = store.now_ms();
    let user = users::by_login(&mut tx, &access::fold_login(login))
        .await?
        .ok_or_else(|| Error::not_found("user", login))?;
    if !users::revoke_token(&mut tx, user.id, id, now).await? {
        return Err(Error::not_found("token", id.to_string()));
    }
    events::record(
        &mut tx,
        None,
        now,
        actor,
        EventKind::TokenRevoked,
        None,
        Some(json!({"login": user.login, "token": id})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The audit trail, newest first.
pub async fn audit(store: &Store, actor: &Actor, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
    actor.may(Op::ReadAudit)?;
    let mut conn = store.pool().acquire().await?;
    events::audit(&mut conn, filter).await
}

/// The audit trail as CSV (up to 100 000 entries), in English or Russian
/// headers; cells a spreadsheet would run are neutralised.
pub async fn audit_csv(
    store: &Store,
    actor: &Actor,
    filter: &AuditFilter,
    russian: bool,
) -> Result<String> {
    actor.may(Op::ReadAudit)?;
    let mut conn = store.pool().acquire().await?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let header: [&str; 8] = if russian {
        [
            "время (UTC)",
            "кто",
            "одобрил",
            "станция",
            "заказ",
            "событие",
            "до",
            "после",
        ]
    } else {
        [
            "time (UTC)",
            "who",
            "approved by",
            "station",
            "order",
            "event",
            "before",
            "after",
        ]
    };
    let write_err = |e: csv::Error| Error::Invalid(format!("the CSV could not be written: {e}"));
    out.write_record(header).map_err(write_err)?;
    let mut page = AuditFilter {
        limit: 1000,
        ..filter.clone()
    };
    let mut written = 0;
    loop {
        let rows = events::audit(&mut conn, &page).await?;
        for e in &rows {
            let json = |v: &Option<serde_json::Value>| {
                v.as_ref().map(|v| v.to_string()).unwrap_or_default()
            };
            out.write_record([
                e.at.format("%Y-%m-%d %H:%M:%S").to_string(),
                safe_cell(&e.user),
                safe_cell(e.approved_by.as_deref().unwrap_or("")),
                safe_cell(&e.station),
                safe_cell(e.order_number.as_deref().unwrap_or("")),
                e.kind.label(russian).to_string(),
                safe_cell(&json(&e.before)),
                safe_cell(&json(&e.after)),
            ])
            .map_err(write_err)?;
        }
        written += rows.len();
        match rows.last() {
            Some(last) if rows.len() as i64 == page.limit && written < 100_000 => {
                page.before_id = Some(last.id)
            }
            _ => break,
        }
    }
    let bytes = out
        .into_inner()
        .map_err(|e| Error::Invalid(format!("the CSV could not be written: {e}")))?;
    String::from_utf8(bytes).map_err(|e| Error::Invalid(format!("the CSV is not text: {e}")))
}

pub use crate::exchange::safe_cell;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised() {
        assert_eq!(safe_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(safe_cell("+7 912"), "'+7 912");
        assert_eq!(safe_cell("@SUM"), "'@SUM");
        assert_eq!(safe_cell("\tx"), "'\tx");
        assert_eq!(safe_cell("Анна"), "Анна");
    }

    #[test]
    fn a_session_runs_out_after_its_idle_time() {
        let row = UserRow {
            id: 1,
            login: "anna".into(),
            name: "Анна".into(),
            roles: vec![Role::Packer],
            channels: vec![],
            active: true,
            secret_kind: SecretKind::Pin,
            secret_hash: String::new(),
            badge_hash: None,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        };
        let mut s = Session::new(&row, "Стол 1", 0, 30);
        assert!(s.actor_at(29 * 60_000).is_ok());
        // Work keeps it alive: 29 minutes after the last command is fine.
        assert!(s.actor_at(58 * 60_000).is_ok());
        let e = s.actor_at(89 * 60_000).unwrap_err();
        assert!(matches!(e, Error::NotSignedIn(_)), "{e}");
        assert!(e.to_string().contains("sign in again"));
    }
}
