#!/usr/bin/env bash
# `make test`: what CI runs (.ci/run). Installs what is missing, checks
# formatting and lints, then runs the whole workspace's tests on SQLite and on
# a throw-away PostgreSQL server, which is stopped afterwards whatever happens.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

banner() { printf '\n== %s\n' "$*"; }

banner "system packages and toolchain"
scripts/install-deps.sh

# The desktop shell embeds ui/dist when it compiles (clippy included), so the
# UI is built and checked first.
banner "UI: build, svelte-check, eslint + prettier, vitest"
npm --prefix ui run build
npm --prefix ui run check
npm --prefix ui run lint
npm --prefix ui test

banner "rustfmt"
cargo fmt --all --check

# Clippy runs inside the test build (scripts/clippy-env.sh says why).
# shellcheck source=scripts/clippy-env.sh
source scripts/clippy-env.sh

banner "PostgreSQL test server"
pg_started=
stop_pg() {
  if [[ -n $pg_started ]]; then
    pg_started=
    banner "stopping the PostgreSQL test server"
    scripts/pg-test-server.sh stop || true
  fi
}
# Ctrl-C, a kill or any failure below still stops the server.
trap stop_pg EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# A server that already runs (a developer's, with a benchmark database in
# it) is used and left running: only one started here is stopped.
if ! scripts/pg-test-server.sh status >/dev/null 2>&1; then
  pg_started=1
fi
scripts/pg-test-server.sh start
pg_url=$(scripts/pg-test-server.sh url)

banner "CUPS test printers"
# Printing tests send real jobs to these queues; the script prints the
# queue names and where their output lands as NAME=value lines.
cups_env=$(scripts/cups-test-printer.sh)
while IFS= read -r setting; do
  export "${setting?}"
done <<<"$cups_env"

banner "clippy and tests on SQLite and PostgreSQL ($pg_url)"
# PACKBENCH_REQUIRE_PG=1: a test that finds no PostgreSQL URL fails instead
# of skipping, so a green run always means both engines were exercised. For
# the same reason a PACKBENCH_SKIP_PG=1 (the tests' opt-out for running them
# by hand without a server) left in the caller's environment is dropped.
unset PACKBENCH_SKIP_PG
# --no-fail-fast: one failing test binary should not hide the others' results.
rc=0
# packbench-server has no tests of its own, so cargo test does not build its
# binary; tests/tests/webhooks.rs runs it, and the .deb below packages it.
cargo build -p packbench-server || rc=$?
# scripts/with-keyring.sh: a private D-Bus session with GNOME Keyring, so
# the tests of keeping passwords out of files use a real OS keyring.
PACKBENCH_TEST_PG_URL=$pg_url PACKBENCH_REQUIRE_PG=1 \
  scripts/with-keyring.sh cargo test --workspace --no-fail-fast || rc=$?

stop_pg

# ---- the .deb (scripts/bundle.sh; issue 14) ----------------------------------
banner "the .deb of this build: contents, dependencies, a start under Xvfb (scripts/bundle.sh --debug)"
# The debug binaries cargo test has just built, packaged by the Tauri bundler
# as `make bundle` packages the release ones (nothing is compiled again),
# then scripts/bundle-check.sh: the control file and contents, apt-get
# install --simulate on this machine and on a clean Debian 12, and the app
# started from the package extracted with dpkg-deb -x, under Xvfb.
deb_rc=0
scripts/bundle.sh --debug || deb_rc=$?
# -------------------------------------------------------------------------------

banner "end to end in the real app (scripts/e2e.sh)"
# The built app under Xvfb, driven by keystrokes through tauri-driver; its
# last line is its own `N passed, N failed`. It runs even when cargo test
# failed, and either failing fails the whole run.
e2e_rc=0
scripts/e2e.sh || e2e_rc=$?

if ((rc != 0)); then
  banner "tests FAILED (cargo test exit code $rc)"
fi
if ((e2e_rc != 0)); then
  banner "end-to-end tests FAILED (scripts/e2e.sh exit code $e2e_rc)"
  ((rc != 0)) || rc=$e2e_rc
fi
if ((deb_rc != 0)); then
  banner "the .deb check FAILED (scripts/bundle.sh --debug exit code $deb_rc)"
  ((rc != 0)) || rc=$deb_rc
fi
exit "$rc"
