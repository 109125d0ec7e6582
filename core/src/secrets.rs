//! Passwords a station needs (its PostgreSQL server's) live in the OS
//! keyring, never in a settings file. Without a keyring the station asks
//! for the password at start and keeps it in memory only.

use crate::store::DbTarget;

/// Where a station keeps its passwords.
pub trait SecretStore: Send + Sync {
    /// The secret saved under `key`; `Ok(None)` when there is none, `Err`
    /// (why) when there is no keyring to ask.
    fn get(&self, key: &str) -> Result<Option<String>, String>;
    fn set(&self, key: &str, secret: &str) -> Result<(), String>;
}

/// The desktop's keyring (Secret Service on Linux: GNOME Keyring, KWallet).
pub struct OsKeyring;

const SERVICE: &str = "packbench";

/// One keyring call at a time in this process. GNOME Keyring 42 aborts
/// (`GLib-ERROR` in `aes_negotiate`: "assertion 'client' failed") when
/// calls of one process overlap: each call opens and closes its own
/// session, and closing one drops the state another is still negotiating.
/// Eight threads setting and reading at once brought the daemon down once
/// here (rarely: four later runs of 3,200 calls did not); the same calls one
/// at a time, or from four processes at once, never did. A dead daemon loses
/// every password it was keeping unlocked until the next login, so the calls
/// wait for each other (each takes a few milliseconds, and a station makes a
/// handful a day).
static ONE_CALL_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn one_call_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    // The guard protects no data: a call that panicked leaves nothing to mend.
    ONE_CALL_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl SecretStore for OsKeyring {
    fn get(&self, key: &str) -> Result<Option<String>, String> {
        let _turn = one_call_at_a_time();
        let entry = keyring::Entry::new(SERVICE, key).map_err(|e| e.to_string())?;
        match entry.get_password() {
            Ok(secret) => Ok(Some(secret)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(format!("the keyring cannot be read: {e}")),
        }
    }

    fn set(&self, key: &str, secret: &str) -> Result<(), String> {
        let _turn = one_call_at_a_time();
        keyring::Entry::new(SERVICE, key)
            .and_then(|entry| entry.set_password(secret))
            .map_err(|e| format!("the keyring cannot keep the password: {e}"))
    }
}

/// A machine with no keyring at all.
pub struct NoKeyring;

impl SecretStore for NoKeyring {
    fn get(&self, _key: &str) -> Result<Option<String>, String> {
        Err("this machine has no keyring".into())
    }

    fn set(&self, _key: &str, _secret: &str) -> Result<(), String> {
        Err("this machine has no keyring".into())
    }
}

/// The user-and-password part of a URL: (start, end) byte offsets of the
/// password (after `user:`, before `@`), if it has one.
fn password_span(url: &str) -> Option<(usize, usize)> {
    let scheme_end = url.find("://")? + 3;
    let rest = &url[scheme_end..];
    let authority_len = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..authority_len];
    let at = authority.rfind('@')?;
    let colon = authority[..at].find(':')?;
    Some((scheme_end + colon + 1, scheme_end + at))
}

/// A URL without its password, and the password it had.
pub fn split_password(url: &str) -> (String, Option<String>) {
    match password_span(url) {
        Some((start, end)) => (
            format!("{}{}", &url[..start - 1], &url[end..]),
            Some(url[start..end].to_string()).filter(|p| !p.is_empty()),
        ),
        None => (url.to_string(), None),
    }
}

/// `url` (without a password) with `password` put in after the user.
pub fn with_password(url: &str, password: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_string();
    };
    let rest = &url[scheme_end..];
    let authority_len = rest.find(['/', '?']).unwrap_or(rest.len());
    match rest[..authority_len].rfind('@') {
        Some(at) => format!(
            "{}{}:{}{}",
            &url[..scheme_end],
            &rest[..at],
            password,
            &rest[at..]
        ),
        None => url.to_string(),
    }
}

/// The keyring entry of a database: its URL without password or options.
pub fn key_for(url: &str) -> String {
    let (bare, _) = split_password(url);
    let bare = bare.split('?').next().unwrap_or(&bare);
    format!("database {bare}")
}

/// Whether a PostgreSQL target names a user but carries no password.
pub fn lacks_password(target: &DbTarget) -> bool {
    match target {
        DbTarget::Postgres(url) => password_span(url).is_none() && url.contains('@'),
        DbTarget::SqliteFile(_) => false,
    }
}

/// The target with its password filled in: from `remembered` (typed this
/// run) or the keyring. Unchanged when it has one, or none is known.
pub fn complete(target: DbTarget, keyring: &dyn SecretStore, remembered: Option<&str>) -> DbTarget {
    match &target {
        DbTarget::Postgres(url) if lacks_password(&target) => {
            let found = remembered
                .map(str::to_string)
                .or_else(|| keyring.get(&key_for(url)).ok().flatten());
            match found {
                Some(pw) => DbTarget::Postgres(with_password(url, &pw)),
                None => target,
            }
        }
        _ => target,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_comes_out_of_the_url_and_goes_back_in() {
        let url = "postgres://pb:S3cr%40t@db.local:5432/shop?sslmode=require";
        let (bare, pw) = split_password(url);
        assert_eq!(bare, "postgres://pb@db.local:5432/shop?sslmode=require");
        assert_eq!(pw.as_deref(), Some("S3cr%40t"));
        assert_eq!(with_password(&bare, "S3cr%40t"), url);
        assert_eq!(key_for(url), "database postgres://pb@db.local:5432/shop");
        assert_eq!(split_password("postgres://pb@h/db").1, None);
        assert_eq!(split_password("/var/lib/packbench.db").1, None);
        assert!(lacks_password(&DbTarget::Postgres(
            "postgres://pb@h/db".into()
        )));
        assert!(!lacks_password(&DbTarget::Postgres(
            "postgres://h/db".into()
        )));
    }

    #[test]
    fn without_a_keyring_a_typed_password_still_completes_the_url() {
        let t = complete(
            DbTarget::Postgres("postgres://pb@h/db".into()),
            &NoKeyring,
            Some("x"),
        );
        assert_eq!(t, DbTarget::Postgres("postgres://pb:x@h/db".into()));
        let t = complete(
            DbTarget::Postgres("postgres://pb@h/db".into()),
            &NoKeyring,
            None,
        );
        assert_eq!(t, DbTarget::Postgres("postgres://pb@h/db".into()));
    }

    /// Screens and background tasks of one station can reach the keyring at
    /// the same moment (the database's and the mail server's passwords at
    /// start, a register's on saving). Without the one-call-at-a-time lock
    /// GNOME Keyring 42 aborted once under such calls (rarely, so this test
    /// shows they all work rather than proving the lock), and every password
    /// it kept was gone with it.
    #[test]
    fn passwords_kept_from_eight_threads_at_once_all_come_back() {
        match std::env::var("PACKBENCH_TEST_KEYRING").as_deref() {
            Ok("1") => {}
            _ => {
                assert!(
                    std::env::var("PACKBENCH_SKIP_KEYRING").as_deref() == Ok("1"),
                    "no test keyring: run under scripts/with-keyring.sh (make test does), \
                     or set PACKBENCH_SKIP_KEYRING=1 to skip it knowingly"
                );
                eprintln!("keyring: SKIPPED by PACKBENCH_SKIP_KEYRING=1");
                return;
            }
        }
        let threads: Vec<_> = (0..8)
            .map(|t| {
                std::thread::spawn(move || {
                    let mut failures = Vec::new();
                    for i in 0..60 {
                        let key = format!("test: thread {t} key {}", i % 4);
                        let secret = format!("secret {t}/{i}");
                        if let Err(e) = OsKeyring.set(&key, &secret) {
                            failures.push(format!("set {key}: {e}"));
                            continue;
                        }
                        match OsKeyring.get(&key) {
                            Ok(Some(back)) if back == secret => {}
                            other => failures.push(format!("get {key}: {other:?}")),
                        }
                    }
                    failures
                })
            })
            .collect();
        let failures: Vec<String> = threads
            .into_iter()
            .flat_map(|t| t.join().expect("a keyring thread panicked"))
            .collect();
        assert!(
            failures.is_empty(),
            "{} of 960 keyring calls failed, the first: {:?}",
            failures.len(),
            failures.first()
        );
    }
}
