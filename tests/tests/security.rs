//! The app's own security, read from what ships: the Tauri version in
//! Cargo.lock, the content security policy, the window's capabilities, and
//! that the app and the CLI make actors only by signing people in.

mod common;

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn version(text: &str) -> (u64, u64, u64) {
    let mut parts = text
        .split(['.', '-'])
        .map(|p| p.parse::<u64>().unwrap_or(0));
    (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    )
}

#[test]
fn tauri_is_at_or_above_the_fixed_release() {
    // GHSA-7gmj-67g7-phm9 is fixed in tauri 2.11.1.
    let lock = read("Cargo.lock");
    let mut found = Vec::new();
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"tauri\"" {
            let v = lines
                .next()
                .and_then(|l| l.strip_prefix("version = \""))
                .and_then(|l| l.strip_suffix('"'))
                .expect("a version follows the name");
            found.push(v.to_string());
        }
    }
    assert!(!found.is_empty(), "Cargo.lock holds tauri");
    for v in found {
        assert!(version(&v) >= (2, 11, 1), "tauri {v} is older than 2.11.1");
    }
}

#[test]
fn the_window_loads_nothing_from_outside_and_may_only_listen_for_events() {
    let conf: serde_json::Value = serde_json::from_str(&read("src-tauri/tauri.conf.json")).unwrap();
    let csp = conf["app"]["security"]["csp"]
        .as_str()
        .expect("a content security policy is set");
    for part in [
        "default-src 'self'",
        "script-src 'self'",
        "connect-src ipc: http://ipc.localhost",
    ] {
        assert!(csp.contains(part), "the CSP keeps {part:?}: {csp}");
    }
    assert!(
        !csp.contains("http:") || csp.matches("http:").count() == 1,
        "{csp}"
    );
    assert!(!csp.contains("https:"), "no remote content: {csp}");
    assert!(!csp.contains("unsafe-eval"), "{csp}");
    let dir = root().join("src-tauri/capabilities");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let cap: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let permissions: Vec<&str> = cap["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().expect("plain permission names"))
            .collect();
        assert_eq!(
            permissions,
            ["core:event:allow-listen", "core:event:allow-unlisten"],
            "{}: only listening for the app's own events",
            path.display()
        );
        assert!(cap.get("remote").is_none(), "no remote URL gets the IPC");
    }
}

#[test]
fn the_app_and_the_cli_make_actors_only_by_signing_people_in() {
    let mut offenders = Vec::new();
    for dir in ["src-tauri/src", "cli/src"] {
        for entry in std::fs::read_dir(root().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            // The benchmarks run on databases they generate themselves.
            if path.file_name().is_some_and(|n| {
                n == "bench.rs"
                    || n == "bench_finding.rs"
                    || n == "bench_warehouse.rs"
                    || n == "bench_live.rs"
                    || n == "bench_dashboard.rs"
            }) {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            if text.contains("Actor::new(") || text.contains("Actor {") {
                offenders.push(path.display().to_string());
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "an actor outside a session would bypass sign-in: {offenders:?}"
    );
}

#[test]
fn the_permission_table_in_the_docs_is_the_one_core_checks() {
    let table = packbench_core::domain::access::permissions_markdown();
    let path = root().join("docs/PERMISSIONS.md");
    if std::env::var_os("PACKBENCH_WRITE_DOCS").is_some() {
        std::fs::write(&path, &table).unwrap();
    }
    assert_eq!(
        std::fs::read_to_string(&path).unwrap_or_default(),
        table,
        "docs/PERMISSIONS.md is stale: run with PACKBENCH_WRITE_DOCS=1"
    );
}

/// What the server says about this connection's encryption.
async fn encrypted(url: &str) -> bool {
    use packbench_core::store::{DbTarget, Store};
    let store = Store::open(&DbTarget::parse(url).unwrap()).await.unwrap();
    let ssl: bool =
        sqlx::query_scalar::<_, bool>("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            .fetch_one(store.pool())
            .await
            .unwrap();
    store.close().await;
    ssl
}

#[tokio::test]
async fn a_postgres_url_that_asks_for_tls_gets_an_encrypted_connection() {
    let Some(url) = common::pg_url() else {
        eprintln!("engine: PostgreSQL SKIPPED by PACKBENCH_SKIP_PG=1");
        return;
    };
    let with = |mode: &str| {
        let sep = if url.contains('?') { '&' } else { '?' };
        format!("{url}{sep}sslmode={mode}")
    };
    assert!(
        encrypted(&with("require")).await,
        "sslmode=require against the test server's self-signed certificate is encrypted \
         (an old test server without TLS? scripts/pg-test-server.sh stop, then start)"
    );
    assert!(
        !encrypted(&with("disable")).await,
        "and disable is not: the check can tell"
    );
}
