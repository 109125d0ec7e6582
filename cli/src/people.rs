//! Signing in on the command line, users, tokens and the audit trail.
//!
//! The CLI acts as a named user, never as an implicit admin: `--user LOGIN`
//! with the PIN or password in `$PACKBENCH_PIN` (or typed when asked), or a
//! script's API token in `$PACKBENCH_TOKEN`.

use crate::{usage, Failure};
use chrono::{DateTime, Offset, Utc};
use clap::{Args, Subcommand};
use packbench_core::domain::EventKind;
use packbench_core::ops::{
    self, Actor, AuditEntry, AuditFilter, Credential, Op, Role, UserInput, UserView,
};
use packbench_core::store::Store;
use std::io::IsTerminal;
use std::path::PathBuf;

/// Reads a secret from the environment, else asks for it on the terminal
/// (not echoed); with neither, says how to give it.
fn secret(env: &str, prompt: &str) -> Result<String, Failure> {
    if let Ok(v) = std::env::var(env) {
        if !v.is_empty() {
            return Ok(v);
        }
    }
    if std::io::stdin().is_terminal() {
        return rpassword::prompt_password(prompt)
            .map_err(|e| usage(format!("cannot read the secret from the terminal: {e}")));
    }
    Err(usage(format!(
        "no secret given: set ${env}, or run in a terminal to be asked for it"
    )))
}

/// Signs in as `--user` (PIN from $PACKBENCH_PIN or the prompt) or with the
/// token in $PACKBENCH_TOKEN; the actor of this one command.
pub async fn sign_in(store: &Store, user: Option<&str>, station: &str) -> Result<Actor, Failure> {
    let credential = match (std::env::var("PACKBENCH_TOKEN").ok().filter(|t| !t.is_empty()), user) {
        (_, Some(login)) => Credential::Secret {
            login: login.to_string(),
            secret: secret("PACKBENCH_PIN", &format!("PIN or password for {login}: "))?,
        },
        (Some(token), None) => Credential::Token { token },
        (None, None) => {
            return Err(Failure::from(packbench_core::Error::NotSignedIn(
                "sign in first: --user LOGIN with the PIN in $PACKBENCH_PIN (or typed when asked), or an API token in $PACKBENCH_TOKEN".into(),
            )))
        }
    };
    Ok(ops::act_as(store, station, &credential).await?)
}

/// A supervisor's approval given on the command line: `--approver LOGIN`
/// with their PIN in $PACKBENCH_APPROVER_PIN (or typed when asked).
#[derive(Args, Debug, Clone, Default)]
pub struct ApprovalArgs {
    /// A supervisor approving this (short-ship, another station's claim,
    /// a packed box taken apart); their PIN in $PACKBENCH_APPROVER_PIN.
    #[arg(long, value_name = "LOGIN")]
    pub approver: Option<String>,
}

impl ApprovalArgs {
    pub fn credential(&self) -> Result<Option<Credential>, Failure> {
        match &self.approver {
            None => Ok(None),
            Some(login) => Ok(Some(Credential::Secret {
                login: login.clone(),
                secret: secret(
                    "PACKBENCH_APPROVER_PIN",
                    &format!("PIN or password of the approving supervisor {login}: "),
                )?,
            })),
        }
    }
}

#[derive(Subcommand)]
pub enum UsersCommand {
    /// The first administrator of a database without users (PIN from
    /// $PACKBENCH_PIN or typed); no sign-in needed, refused once users exist.
    FirstAdmin {
        #[arg(long)]
        login: String,
        #[arg(long)]
        name: String,
    },
    /// Every user (admins).
    List,
    /// Add a user; their PIN or password from $PACKBENCH_NEW_PIN or typed.
    Add {
        #[arg(long)]
        login: String,
        #[arg(long)]
        name: String,
        /// picker, packer, manager, supervisor, admin; repeat for several.
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        /// A sales channel a manager works; repeat; none = every channel.
        #[arg(long = "channel")]
        channels: Vec<String>,
        /// The barcode on their badge.
        #[arg(long)]
        badge: Option<String>,
    },
    /// Change a user: only what is given changes.
    Edit {
        login: String,
        #[arg(long)]
        name: Option<String>,
        /// The roles now (repeat); replaces the old ones.
        #[arg(long = "role")]
        roles: Vec<String>,
        /// The channels now (repeat); replaces the old ones.
        #[arg(long = "channel")]
        channels: Vec<String>,
        /// Every channel again (drop the channel list).
        #[arg(long)]
        all_channels: bool,
        /// A new badge barcode ("" removes the badge).
        #[arg(long)]
        badge: Option<String>,
        /// A new PIN or password, from $PACKBENCH_NEW_PIN or typed.
        #[arg(long)]
        new_pin: bool,
    },
    /// Deactivate a user: they can no longer sign in; their history stays.
    Deactivate { login: String },
    /// Activate a deactivated user again.
    Activate { login: String },
    /// A new API token for a user's scripts (shown once).
    Token {
        login: String,
        /// What uses it, e.g. "nightly export".
        #[arg(long)]
        name: String,
    },
    /// Revoke a user's API token by its number.
    Revoke { login: String, id: i64 },
    /// The table of who may do what.
    Permissions,
    /// Who the given credentials sign in as.
    Whoami,
}

fn roles(names: &[String]) -> Result<Vec<Role>, Failure> {
    names
        .iter()
        .map(|r| Role::parse(r).map_err(usage))
        .collect()
}

fn find(users: &[UserView], login: &str) -> Result<UserView, Failure> {
    let folded = login.trim().to_lowercase();
    users
        .iter()
        .find(|u| u.login == folded)
        .cloned()
        .ok_or_else(|| Failure::from(packbench_core::Error::not_found("user", login)))
}

fn input_of(u: &UserView) -> UserInput {
    UserInput {
        login: u.login.clone(),
        name: u.name.clone(),
        roles: u.roles.clone(),
        channels: u.channels.clone(),
        active: u.active,
        secret: None,
        badge: None,
    }
}

pub fn permissions(json: bool) {
    if json {
        let table: Vec<_> = Op::ALL
            .iter()
            .map(|op| serde_json::json!({"op": op.code(), "what": op.describe(), "roles": op.roles()}))
            .collect();
        out!("{}", serde_json::Value::from(table));
        return;
    }
    out!(
        "{}",
        packbench_core::domain::access::permissions_markdown().trim_end()
    );
}

fn print_user(json: bool, u: &UserView) {
    if json {
        out!("{}", serde_json::to_string(u).unwrap_or_default());
    } else {
        let roles: Vec<&str> = u.roles.iter().map(|r| r.as_str()).collect();
        out!(
            "{:<16} {:<24} {:<24} {:<10} {}{}{}",
            u.login,
            u.name,
            roles.join(","),
            if u.active { "active" } else { "inactive" },
            if u.has_badge { "badge " } else { "" },
            u.secret_kind.as_str(),
            if u.channels.is_empty() {
                String::new()
            } else {
                format!(" channels: {}", u.channels.join(", "))
            }
        );
    }
}

pub async fn first_admin(
    store: &Store,
    station: &str,
    json: bool,
    login: &str,
    name: &str,
) -> Result<u8, Failure> {
    let pin = secret("PACKBENCH_PIN", &format!("PIN or password for {login}: "))?;
    let session = ops::create_first_admin(store, station, name, login, &pin, 1).await?;
    let who = session.signed_in();
    if json {
        out!("{}", serde_json::to_string(&who).unwrap_or_default());
    } else {
        out!("{} ({}) is the administrator", who.name, who.login);
    }
    Ok(0)
}

pub async fn users(
    store: &Store,
    actor: &Actor,
    json: bool,
    command: UsersCommand,
) -> Result<u8, Failure> {
    match command {
        UsersCommand::FirstAdmin { .. } | UsersCommand::Permissions => {
            unreachable!("handled before signing in")
        }
        UsersCommand::Whoami => {
            if json {
                out!(
                    "{}",
                    serde_json::json!({"name": actor.user, "login": actor.login, "roles": actor.roles})
                );
            } else {
                out!("{} ({}): {}", actor.user, actor.login, actor.role_names());
            }
        }
        UsersCommand::List => {
            for u in ops::list_users(store, actor).await? {
                print_user(json, &u);
            }
        }
        UsersCommand::Add {
            login,
            name,
            roles: role_names,
            channels,
            badge,
        } => {
            let input = UserInput {
                login: login.clone(),
                name,
                roles: roles(&role_names)?,
                channels,
                active: true,
                secret: Some(secret(
                    "PACKBENCH_NEW_PIN",
                    &format!("PIN or password for the new user {login}: "),
                )?),
                badge,
            };
            print_user(json, &ops::save_user(store, actor, &input).await?);
        }
        UsersCommand::Edit {
            login,
            name,
            roles: role_names,
            channels,
            all_channels,
            badge,
            new_pin,
        } => {
            let old = find(&ops::list_users(store, actor).await?, &login)?;
            let mut input = input_of(&old);
            if let Some(n) = name {
                input.name = n;
            }
            if !role_names.is_empty() {
                input.roles = roles(&role_names)?;
            }
            if all_channels {
                input.channels.clear();
            } else if !channels.is_empty() {
                input.channels = channels;
            }
            input.badge = badge;
            if new_pin {
                input.secret = Some(secret(
                    "PACKBENCH_NEW_PIN",
                    &format!("new PIN or password for {login}: "),
                )?);
            }
            print_user(json, &ops::save_user(store, actor, &input).await?);
        }
        UsersCommand::Deactivate { login } => set_active(store, actor, json, &login, false).await?,
        UsersCommand::Activate { login } => set_active(store, actor, json, &login, true).await?,
        UsersCommand::Token { login, name } => {
            let token = ops::create_token(store, actor, &login, &name).await?;
            if json {
                out!("{}", serde_json::json!({"token": token}));
            } else {
                out!("{token}");
                eprintln!("packbench-cli: keep this token secret; it is shown only once. Scripts use it as $PACKBENCH_TOKEN.");
            }
        }
        UsersCommand::Revoke { login, id } => {
            ops::revoke_token(store, actor, &login, id).await?;
            if !json {
                out!("token {id} of {login} revoked");
            }
        }
    }
    Ok(0)
}

async fn set_active(
    store: &Store,
    actor: &Actor,
    json: bool,
    login: &str,
    active: bool,
) -> Result<(), Failure> {
    let old = find(&ops::list_users(store, actor).await?, login)?;
    let input = UserInput {
        active,
        ..input_of(&old)
    };
    print_user(json, &ops::save_user(store, actor, &input).await?);
    Ok(())
}

#[derive(Args)]
pub struct AuditArgs {
    /// Done or approved by this person (their name as the history shows
    /// it; `--user` is who signs in).
    #[arg(long)]
    who: Option<String>,
    /// At this station (`--station` is this command's own station).
    #[arg(long = "at-station")]
    at_station: Option<String>,
    /// One order's number.
    #[arg(long)]
    order: Option<String>,
    /// An event kind (e.g. packed_short); repeat for several.
    #[arg(long = "kind")]
    kinds: Vec<String>,
    /// From this day (YYYY-MM-DD, UTC) or time (RFC 3339).
    #[arg(long)]
    from: Option<String>,
    /// Up to this day (inclusive) or time.
    #[arg(long)]
    to: Option<String>,
    /// At most this many entries (default 200; --csv writes them all).
    #[arg(long, default_value_t = 200)]
    limit: i64,
    /// Write the entries to this CSV file instead.
    #[arg(long)]
    csv: Option<PathBuf>,
    /// The CSV's language: ru or en.
    #[arg(long, default_value = "ru")]
    lang: String,
}

/// Audit days are UTC days.
fn when(text: &str, end_of_day: bool) -> Result<DateTime<Utc>, Failure> {
    crate::finding::when(
        text,
        end_of_day,
        chrono::FixedOffset::east_opt(0).unwrap_or(Utc.fix()),
    )
}

pub async fn audit(store: &Store, actor: &Actor, json: bool, a: AuditArgs) -> Result<u8, Failure> {
    let filter = AuditFilter {
        user: a.who,
        station: a.at_station,
        order: a.order,
        kinds: a
            .kinds
            .iter()
            .map(|k| EventKind::parse(k).map_err(usage))
            .collect::<Result<_, _>>()?,
        from: a.from.as_deref().map(|t| when(t, false)).transpose()?,
        to: a.to.as_deref().map(|t| when(t, true)).transpose()?,
        before_id: None,
        limit: a.limit,
    };
    if let Some(path) = a.csv {
        let russian = match a.lang.as_str() {
            "ru" => true,
            "en" => false,
            other => return Err(usage(format!("language {other:?}: use ru or en"))),
        };
        let csv = ops::audit_csv(store, actor, &filter, russian).await?;
        std::fs::write(&path, csv)
            .map_err(|e| usage(format!("cannot write {}: {e}", path.display())))?;
        if !json {
            out!("audit trail written to {}", path.display());
        }
        return Ok(0);
    }
    for e in ops::audit(store, actor, &filter).await? {
        print_entry(json, &e);
    }
    Ok(0)
}

fn print_entry(json: bool, e: &AuditEntry) {
    if json {
        out!("{}", serde_json::to_string(e).unwrap_or_default());
        return;
    }
    out!(
        "{}  {:<20} {:<14} {:<10} {:<18}{}",
        e.at.format("%Y-%m-%d %H:%M:%S"),
        e.user,
        e.station,
        e.order_number.as_deref().unwrap_or("-"),
        e.kind.as_str(),
        e.approved_by
            .as_deref()
            .map(|a| format!("  approved by {a}"))
            .unwrap_or_default()
    );
}
