#!/usr/bin/env bash
# `make bench`: the CLI's benchmarks, on SQLite and on a throw-away PostgreSQL
# server that is stopped afterwards. Not part of `make test`: benchmarks
# measure, they do not pass or fail a build. Extra arguments go to
# `packbench-cli bench` (make bench BENCH_ARGS="...").
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

banner() { printf '\n== %s\n' "$*"; }

scripts/install-deps.sh

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
cargo run --release -p packbench-cli -- bench --pg-url "$pg_url" "$@" || rc=$?
stop_pg
exit "$rc"
