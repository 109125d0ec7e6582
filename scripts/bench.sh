#!/usr/bin/env bash
# `make bench`: the CLI's benchmarks, on SQLite and on a throw-away PostgreSQL
# server that is stopped afterwards. Not part of `make test`: benchmarks
# measure, they do not pass or fail a build. Extra arguments go to
# `packbench-cli bench` (make bench BENCH_ARGS="...").
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

banner() { printf '\n== %s\n' "$*"; }

scripts/install-deps.sh

# The build cache and the compiler wrapper of make test and scripts/e2e.sh,
# so the release build of the benchmarks is the one the two-station run
# below uses too (built once, not twice).
: "${CARGO_TARGET_DIR:=${HOME:-/tmp}/.cache/packbench/target}"
export CARGO_TARGET_DIR
# shellcheck source=scripts/clippy-env.sh
source scripts/clippy-env.sh

pg_started=
stop_pg() {
  if [[ -n $pg_started ]]; then
    pg_started=
    scripts/pg-test-server.sh stop || true
  fi
}
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

banner "benchmarks (release build; PostgreSQL at $pg_url)"
rc=0
# The same set of packages as scripts/e2e.sh's release build, so the
# features (and so the build) are the same.
cargo build --release -p packbench -p packbench-cli -p packbench-server
"$CARGO_TARGET_DIR/release/packbench-cli" bench --pg-url "$pg_url" "$@" || rc=$?
# helper-38: two stations. A change at one real app shows on a second app's
# orders list (the e2e scenario "two-stations", release build, SQLite and this
# server; p50/p95/p99/max per kind in artifacts/e2e/perf.json, live_stations).
# BENCH_LIVE_APP=0 leaves it out.
if [[ ${BENCH_LIVE_APP:-1} != 0 ]]; then
  banner "two app stations live (scripts/e2e.sh, release build)"
  E2E_PROFILE=release E2E_ONLY=two-stations PACKBENCH_E2E_PG_URL=$pg_url \
    PACKBENCH_E2E_LIVE_CYCLES=${PACKBENCH_E2E_LIVE_CYCLES:-100} scripts/e2e.sh || rc=$?
fi
stop_pg
exit "$rc"
