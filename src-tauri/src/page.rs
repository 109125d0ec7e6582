//! A fresh page when WebKit's web process has grown past the station's
//! limit.
//!
//! Over a shift WebKitGTK's web process grows by about 8 MB per 1,000
//! scans in WebKit's own heap, which nothing the page does gives back
//! (BENCHMARKS.md, "Memory over a shift"); a new web process starts at the
//! level the first one had. So the station reads the web process's memory
//! every so often, and once it is over the limit it tells the page
//! (`page-renewal-due`). The page waits for a quiet moment (the packing
//! table between orders, nothing queued, no key for `quiet_ms`) and asks
//! for [`renew_page`]: the web process is ended and the page loaded again
//! in a new one. Who is signed in is kept by core, so the packer is back on
//! the packing table a second later; nothing the page held is lost,
//! because it renews only when it holds nothing, and the keys typed while
//! the new page loads are held and given to it ([`crate::keyhold`]). The
//! app's own process gains too: WebKit keeps a record of every key event
//! in the window (its user-gesture tokens) with the web process's proxy,
//! and lets it go only with that process.
//!
//! The limit and the quiet time are the station's environment
//! (`PACKBENCH_PAGE_LIMIT_MB`, 0 turns it off; `PACKBENCH_PAGE_QUIET_SECONDS`;
//! `PACKBENCH_PAGE_CHECK_SECONDS`, how often memory is read).

use crate::error::IpcError;
use crate::state::AppState;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use tauri::{AppHandle, Runtime};
use tauri_specta::Event;

/// `page-renewal-due`: the web process holds `web_mb` MB of its own
/// (anonymous) memory, over the station's `limit_mb`. The page asks for
/// `renew_page` once nothing has happened for `quiet_ms` and it holds
/// nothing a reload would lose.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, tauri_specta::Event,
)]
pub struct PageRenewalDue {
    pub web_mb: u32,
    pub limit_mb: u32,
    pub quiet_ms: u32,
}

/// A renewal at most this often, whatever the memory says.
pub const RENEW_AT_MOST_EVERY: Duration = Duration::from_secs(10 * 60);

/// When the page was last renewed in this run.
static LAST_RENEWAL: std::sync::Mutex<Option<std::time::Instant>> = std::sync::Mutex::new(None);

/// True within [`RENEW_AT_MOST_EVERY`] of the last renewal, `since` ago.
fn resting(since: Option<Duration>) -> bool {
    since.is_some_and(|s| s < RENEW_AT_MOST_EVERY)
}

fn since_last_renewal() -> Option<Duration> {
    LAST_RENEWAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .map(|t| t.elapsed())
}

/// When the page is renewed, from the station's environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageLimits {
    /// The web process's anonymous memory above which the page is renewed;
    /// 0: never.
    pub limit_mb: u32,
    /// How long the station must be quiet before the page renews.
    pub quiet: Duration,
    /// How often the web process's memory is read.
    pub check_every: Duration,
}

impl Default for PageLimits {
    /// 90 MB: a fresh web process settles near 75-80 MB of anonymous
    /// memory in its first few hundred scans and grows about 7-8 MB per
    /// 1,000 after, so a station renews after about 1,500-2,000 scans
    /// (about an hour at a scan every 2 s), at its next quiet moment, and
    /// the shift's memory stays within about 15 MB of where it settled.
    /// 10 s of quiet: the keys typed while the new page loads are held and
    /// given to it (crate::keyhold), so a renewal between two orders costs
    /// the packer a second's flicker, not a scan.
    fn default() -> Self {
        PageLimits {
            limit_mb: 90,
            quiet: Duration::from_secs(10),
            check_every: Duration::from_secs(30),
        }
    }
}

impl PageLimits {
    /// The defaults, with what the environment sets. A value that is not a
    /// whole number is an error naming the variable.
    pub fn from_env() -> Result<Self, String> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let mut limits = PageLimits::default();
        let number = |name: &str| -> Result<Option<u32>, String> {
            var(name)
                .map(|v| {
                    v.trim().parse::<u32>().map_err(|_| {
                        format!("{name} must be a whole number (megabytes or seconds), not '{v}'")
                    })
                })
                .transpose()
        };
        if let Some(mb) = number("PACKBENCH_PAGE_LIMIT_MB")? {
            limits.limit_mb = mb;
        }
        if let Some(s) = number("PACKBENCH_PAGE_QUIET_SECONDS")? {
            limits.quiet = Duration::from_secs(s.into());
        }
        if let Some(s) = number("PACKBENCH_PAGE_CHECK_SECONDS")? {
            if s == 0 {
                return Err("PACKBENCH_PAGE_CHECK_SECONDS must be at least 1".into());
            }
            limits.check_every = Duration::from_secs(s.into());
        }
        Ok(limits)
    }

    /// The event to send when the web processes hold `web_mb`, the last
    /// renewal `since` ago (none yet: `None`), or none: never within
    /// [`RENEW_AT_MOST_EVERY`] of the last, so a limit below what a fresh
    /// page holds does not reload the page at every quiet moment.
    pub fn due(&self, web_mb: u32, since: Option<Duration>) -> Option<PageRenewalDue> {
        if resting(since) {
            return None;
        }
        (self.limit_mb > 0 && web_mb > self.limit_mb).then(|| PageRenewalDue {
            web_mb,
            limit_mb: self.limit_mb,
            quiet_ms: u32::try_from(self.quiet.as_millis()).unwrap_or(u32::MAX),
        })
    }
}

/// Reads the web process's memory every `check_every` and tells the page
/// while it is over the limit (again at every reading, so a page that
/// missed one, or was busy, hears it later).
pub fn watch<R: Runtime>(app: AppHandle<R>) {
    let limits = match PageLimits::from_env() {
        Ok(l) => l,
        Err(e) => {
            tracing::error!("the page is never renewed: {e}");
            return;
        }
    };
    if limits.limit_mb == 0 {
        return;
    }
    std::thread::spawn(move || loop {
        std::thread::sleep(limits.check_every);
        let since = since_last_renewal();
        // Nothing to read while no renewal may come.
        if resting(since) {
            continue;
        }
        let Some(web_mb) = web_process_mb(std::process::id()) else {
            continue;
        };
        if since.is_some_and(|s| {
            s >= RENEW_AT_MOST_EVERY && s < RENEW_AT_MOST_EVERY + limits.check_every
        }) && web_mb > limits.limit_mb
        {
            tracing::warn!(
                web_mb,
                limit_mb = limits.limit_mb,
                "the page is over its limit again within minutes of a renewal: the limit may be below what a fresh page holds"
            );
        }
        if let Some(due) = limits.due(web_mb, since) {
            tracing::debug!(
                web_mb,
                limit_mb = limits.limit_mb,
                "the page is due for renewal"
            );
            if let Err(e) = due.emit(&app) {
                tracing::warn!(error = %e, "cannot emit page-renewal-due");
            }
        }
    });
}

/// The anonymous memory (MB) of the WebKit web processes started under
/// `root` (children, or further down when WebKit's sandbox puts bubblewrap
/// in between), from /proc; none when there is none (yet) or /proc cannot
/// be read.
pub fn web_process_mb(root: u32) -> Option<u32> {
    let mut procs = Vec::new();
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| n.parse::<u32>().ok()) else {
            continue;
        };
        if let Some((comm, ppid)) = std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .ok()
            .as_deref()
            .and_then(name_and_parent)
        {
            procs.push((pid, ppid, comm));
        }
    }
    let mut kb = 0u64;
    let mut found = false;
    for pid in web_processes_under(root, &procs) {
        let Ok(rollup) = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")) else {
            continue;
        };
        if let Some(anon) = rollup_field_kb(&rollup, "Anonymous") {
            kb += anon;
            found = true;
        }
    }
    found.then(|| u32::try_from(kb / 1024).unwrap_or(u32::MAX))
}

/// The web processes ("WebKitWebProces": the kernel cuts names to 15
/// characters) among the descendants of `root`, from (pid, parent, name).
fn web_processes_under(root: u32, procs: &[(u32, u32, String)]) -> Vec<u32> {
    let mut under = vec![root];
    let mut web = Vec::new();
    let mut i = 0;
    while let Some(&parent) = under.get(i) {
        i += 1;
        for (pid, ppid, comm) in procs {
            if *ppid == parent && !under.contains(pid) {
                under.push(*pid);
                if comm.starts_with("WebKitWebProces") {
                    web.push(*pid);
                }
            }
        }
    }
    web
}

/// The name and the parent's pid in a /proc/PID/stat line (the name may
/// hold spaces and parentheses: it ends at the last ')').
fn name_and_parent(stat: &str) -> Option<(String, u32)> {
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let ppid = stat
        .get(close + 1..)?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some((stat.get(open + 1..close)?.to_string(), ppid))
}

fn rollup_field_kb(rollup: &str, field: &str) -> Option<u64> {
    rollup.lines().find_map(|line| {
        let rest = line.strip_prefix(field)?.strip_prefix(':')?;
        rest.split_whitespace().next()?.parse().ok()
    })
}

/// What [`PageRenewer`] is asked to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageCall {
    /// Hold the window's keys, end the web process, load the page anew.
    Renew,
    /// The new page listens: give it the keys held.
    Ready,
}

/// What `renew_page` and `page_ready` call: set by `on_start` with the
/// app's handle. The work is done on GTK's main thread; the receiver gets
/// its result (for `Ready`, how many key events were given back).
pub type PageRenewer = Box<
    dyn Fn(PageCall) -> Result<std::sync::mpsc::Receiver<Result<usize, String>>, String>
        + Send
        + Sync,
>;

/// Renews the main window's page (ending its web process and loading the
/// page in a new one) and gives the new page the keys typed meanwhile
/// ([`crate::keyhold`]).
pub fn renewer<R: Runtime>(app: AppHandle<R>) -> PageRenewer {
    Box::new(move |call| {
        use tauri::Manager;
        let window = app
            .get_webview_window("main")
            .ok_or("the window is not open")?;
        let (tx, rx) = std::sync::mpsc::channel();
        window
            .with_webview(move |platform| {
                #[cfg(target_os = "linux")]
                let result = {
                    use webkit2gtk::WebViewExt;
                    let view = platform.inner();
                    match call {
                        PageCall::Renew => crate::keyhold::renew(&view, || {
                            view.terminate_web_process();
                            view.reload();
                        })
                        .map(|()| 0),
                        PageCall::Ready => Ok(crate::keyhold::give_back(&view)),
                    }
                };
                #[cfg(not(target_os = "linux"))]
                let result = {
                    let _ = platform;
                    match call {
                        PageCall::Renew => {
                            Err("the page is renewed only on Linux (WebKitGTK)".to_string())
                        }
                        PageCall::Ready => Ok(0),
                    }
                };
                let _ = tx.send(result);
            })
            .map_err(|e| e.to_string())?;
        Ok(rx)
    })
}

/// Watches the main window's keys, so a renewal can hold them
/// ([`crate::keyhold`]).
pub fn watch_keys<R: Runtime>(app: &AppHandle<R>) {
    use tauri::Manager;
    let Some(window) = app.get_webview_window("main") else {
        tracing::warn!("no main window: its keys are not held while the page is renewed");
        return;
    };
    if let Err(e) = window.with_webview(|platform| {
        #[cfg(target_os = "linux")]
        crate::keyhold::attach(&platform.inner());
        #[cfg(not(target_os = "linux"))]
        let _ = platform;
    }) {
        tracing::warn!(error = %e, "the window's keys are not held while the page is renewed");
    }
}

/// Asks GTK's main thread for `call` and waits for its result.
async fn page_call(state: &AppState, call: PageCall) -> Result<usize, IpcError> {
    let renewer = state
        .page_renewer
        .get()
        .ok_or_else(|| IpcError::unavailable("the app is still starting: try again in a moment"))?;
    let rx = renewer(call).map_err(|e| IpcError::unavailable(format!("the window: {e}")))?;
    let answer =
        tauri::async_runtime::spawn_blocking(move || rx.recv_timeout(Duration::from_secs(10)))
            .await
            .map_err(|e| IpcError::unavailable(format!("the window did not answer: {e}")))?;
    match answer {
        Ok(result) => result.map_err(IpcError::unavailable),
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => Err(IpcError::unavailable(
            "the window did not answer within 10 s: it may be busy; try again",
        )),
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => Err(IpcError::unavailable(
            "the window is closing: nothing was done",
        )),
    }
}

/// Ends the web process and loads the page again in a new one. The page
/// asks for it at a quiet moment after `page-renewal-due`; its reply never
/// arrives when it works (the page that asked is gone), the new page starts
/// as at start-up, with whoever is signed in still signed in, and gets the
/// keys typed while it loaded once it calls `page_ready`. Refused within a
/// second of the last key in the window (a scan being typed).
#[tauri::command]
#[specta::specta]
pub async fn renew_page(state: tauri::State<'_, AppState>) -> Result<(), IpcError> {
    let before = web_process_mb(std::process::id());
    page_call(&state, PageCall::Renew).await?;
    *LAST_RENEWAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(std::time::Instant::now());
    tracing::info!(web_mb = ?before, "the page is renewed in a new web process");
    Ok(())
}

/// The page listens for keys (called once by every page as it starts):
/// the keys typed while a renewal loaded it are given to it now, in the
/// order typed. How many key events (a press and a release each) it gets;
/// 0 on a page that is not a renewal.
#[tauri::command]
#[specta::specta]
pub async fn page_ready(state: tauri::State<'_, AppState>) -> Result<u32, IpcError> {
    let n = page_call(&state, PageCall::Ready).await?;
    let since = since_last_renewal().filter(|s| *s < Duration::from_secs(60));
    if n > 0 || since.is_some() {
        tracing::info!(
            key_events = n,
            since_renewal_ms = since.map(|s| u64::try_from(s.as_millis()).unwrap_or(u64::MAX)),
            "the renewed page listens: the keys typed while it loaded are given to it"
        );
    }
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_string())
        }
    }

    #[test]
    fn the_environment_sets_the_limits_and_a_bad_value_is_named() {
        assert_eq!(
            PageLimits::from_vars(vars(&[])).unwrap(),
            PageLimits::default()
        );
        let set = PageLimits::from_vars(vars(&[
            ("PACKBENCH_PAGE_LIMIT_MB", "1"),
            ("PACKBENCH_PAGE_QUIET_SECONDS", " 2 "),
            ("PACKBENCH_PAGE_CHECK_SECONDS", "1"),
        ]))
        .unwrap();
        assert_eq!(set.limit_mb, 1);
        assert_eq!(set.quiet, Duration::from_secs(2));
        assert_eq!(set.check_every, Duration::from_secs(1));
        let err = PageLimits::from_vars(vars(&[("PACKBENCH_PAGE_LIMIT_MB", "200MB")])).unwrap_err();
        assert!(
            err.contains("PACKBENCH_PAGE_LIMIT_MB") && err.contains("200MB"),
            "{err}"
        );
        assert!(PageLimits::from_vars(vars(&[("PACKBENCH_PAGE_CHECK_SECONDS", "0")])).is_err());
    }

    #[test]
    fn renewal_is_due_only_over_the_limit_not_soon_after_the_last_and_never_when_off() {
        let limits = PageLimits {
            limit_mb: 130,
            quiet: Duration::from_secs(30),
            check_every: Duration::from_secs(30),
        };
        assert_eq!(limits.due(130, None), None);
        let due = Some(PageRenewalDue {
            web_mb: 131,
            limit_mb: 130,
            quiet_ms: 30_000,
        });
        assert_eq!(limits.due(131, None), due);
        // Not again within ten minutes of the last renewal, then again.
        assert_eq!(limits.due(500, Some(Duration::from_secs(9 * 60))), None);
        assert_eq!(limits.due(131, Some(RENEW_AT_MOST_EVERY)), due);
        let off = PageLimits {
            limit_mb: 0,
            ..limits
        };
        assert_eq!(off.due(10_000, None), None);
    }

    #[test]
    fn web_processes_are_found_under_the_app_through_a_sandbox() {
        let stat = |line: &str| name_and_parent(line).unwrap();
        assert_eq!(
            stat("4242 (WebKitWebProces) S 4200 4242 4200 0 -1"),
            ("WebKitWebProces".into(), 4200)
        );
        // A name with spaces and parentheses does not shift the fields.
        assert_eq!(stat("7 (a) b (c) S 4200 1"), ("a) b (c".into(), 4200));
        assert_eq!(name_and_parent("garbage"), None);
        let procs = vec![
            (4242, 4200, "WebKitWebProces".to_string()),
            (4243, 4200, "WebKitNetworkPr".to_string()),
            // Under WebKit's sandbox: app -> bwrap -> bwrap -> web process.
            (4300, 4200, "bwrap".to_string()),
            (4301, 4300, "bwrap".to_string()),
            (4302, 4301, "WebKitWebProces".to_string()),
            // Another app's web process.
            (5001, 5000, "WebKitWebProces".to_string()),
        ];
        let mut found = web_processes_under(4200, &procs);
        found.sort_unstable();
        assert_eq!(found, vec![4242, 4302]);
        assert!(web_processes_under(4999, &procs).is_empty());
    }

    #[test]
    fn the_memory_of_a_child_named_as_a_web_process_is_read() {
        // A real child process under WebKit's name (the kernel names a
        // process after its executable), and nothing for a parent with none.
        let dir = tempfile::tempdir().unwrap();
        let fake = dir.path().join("WebKitWebProcess");
        std::fs::copy("/bin/sleep", &fake).unwrap();
        let mut child = std::process::Command::new(&fake).arg("30").spawn().unwrap();
        let stat = format!("/proc/{}/stat", child.id());
        let named = (0..200).any(|_| {
            let ok = std::fs::read_to_string(&stat).is_ok_and(|s| s.contains("(WebKitWebProces)"));
            if !ok {
                std::thread::sleep(Duration::from_millis(10));
            }
            ok
        });
        let mb = web_process_mb(std::process::id());
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(named, "the child never ran under its name");
        // sleep holds well under a megabyte of its own.
        assert_eq!(mb, Some(0));
        assert_eq!(web_process_mb(child.id()), None);
    }

    #[test]
    fn the_anonymous_line_of_a_rollup_is_read() {
        let rollup = "00400000-7ffd [rollup]\nRss:  200 kB\nPss:  150 kB\nPss_Anon:  90 kB\nAnonymous:  120 kB\n";
        assert_eq!(rollup_field_kb(rollup, "Anonymous"), Some(120));
        assert_eq!(rollup_field_kb(rollup, "Pss"), Some(150));
        assert_eq!(rollup_field_kb(rollup, "Swap"), None);
    }
}
