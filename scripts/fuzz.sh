#!/usr/bin/env bash
# The long property runs (make fuzz), both run even when the other fails:
#
# 1. 10 000 random order sequences per engine through core
#    (tests/tests/stock_property.rs), on SQLite and the throw-away
#    PostgreSQL test server. PACKBENCH_PROPERTY_SEQUENCES and
#    PACKBENCH_PROPERTY_SEED change the run.
# 2. The fuzzed inputs (tests/tests/fuzz_props.rs: scans, GS1 codes, order
#    and product imports, station settings) for PACKBENCH_FUZZ_SECONDS in
#    all (default 300), shared out evenly between the properties, batch
#    after batch from a fresh seed. PACKBENCH_FUZZ_SEED repeats a run and
#    PACKBENCH_FUZZ_CASES sets the cases of a batch. A failure prints the
#    smallest input proptest shrank it to and the variables that repeat it.
#
# make test runs a short version of both.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# The build cache make uses (Makefile), also when this script runs alone.
: "${CARGO_TARGET_DIR:=${HOME:-/tmp}/.cache/packbench/target}"
export CARGO_TARGET_DIR
# The same build as make test's (clippy inside it), so neither rebuilds
# the other's workspace crates.
# shellcheck source=scripts/clippy-env.sh
source scripts/clippy-env.sh
log=$(mktemp)
# A server that already runs is used and left running; one started here
# is stopped at the end.
pg_started=
if ! scripts/pg-test-server.sh status >/dev/null 2>&1; then
  pg_started=1
fi
trap '[[ -z $pg_started ]] || scripts/pg-test-server.sh stop || true; rm -f "$log"' EXIT
scripts/pg-test-server.sh start
export PACKBENCH_TEST_PG_URL=$(scripts/pg-test-server.sh url) PACKBENCH_REQUIRE_PG=1
export PACKBENCH_PROPERTY_SEQUENCES=${PACKBENCH_PROPERTY_SEQUENCES:-10000}
unset PACKBENCH_SKIP_PG

printf '\n== stock property: %s order sequences per engine\n' "$PACKBENCH_PROPERTY_SEQUENCES"
stock_rc=0
cargo test -p packbench-tests --test stock_property -- --nocapture || stock_rc=$?

budget=${PACKBENCH_FUZZ_SECONDS:-300}
seed=${PACKBENCH_FUZZ_SEED:-$(od -An -N6 -tu8 /dev/urandom | tr -d ' ')}
threads=$(nproc)
# Built before the clock starts, so the budget is spent on cases.
cargo test -p packbench-tests --test fuzz_props --no-run
properties=$(cargo test -q -p packbench-tests --test fuzz_props -- --list 2>/dev/null | grep -c ': test$' || true)
if ((properties == 0)); then
  echo "tests/tests/fuzz_props.rs lists no properties" >&2
  exit 1
fi
if ((threads > properties)); then
  threads=$properties
fi
# The properties run `threads` at a time, each for an equal share.
per_property=$(awk -v b="$budget" -v t="$threads" -v p="$properties" 'BEGIN { s = b * t / p; printf "%.1f", (s < 1 ? 1 : s) }')
printf '\n== fuzzed inputs: %s properties, %s s each, %s at a time (PACKBENCH_FUZZ_SEED=%s)\n' \
  "$properties" "$per_property" "$threads" "$seed"
started=$SECONDS
fuzz_rc=0
PACKBENCH_FUZZ_PROPERTY_SECONDS=$per_property PACKBENCH_FUZZ_SEED=$seed RUST_BACKTRACE=0 \
  cargo test -p packbench-tests --test fuzz_props -- --nocapture --test-threads "$threads" \
  2>&1 | tee "$log" || fuzz_rc=$?

cases=$(grep -o 'fuzz: [a-z0-9_]*: [0-9]* cases passed' "$log" | awk '{ n += $3 } END { print n + 0 }')
printf '\n== fuzzed inputs: %s cases passed in %s s (PACKBENCH_FUZZ_SEED=%s)\n' \
  "$cases" "$((SECONDS - started))" "$seed"
grep -o 'fuzz: [a-z0-9_]*: [0-9]* cases passed.*' "$log" || true
if ((fuzz_rc != 0)); then
  printf '\n== fuzzed inputs FAILED; each failure with its smallest input:\n'
  # From the failure's first line to the end of its message.
  awk '/fuzz: .* (FAILED|gave up)/ { on = 1 }
       on && /^(note: |thread |test |failures:)/ { on = 0 }
       on' "$log"
fi
if ((stock_rc != 0)); then
  printf '\n== stock property FAILED (cargo test exit code %s)\n' "$stock_rc"
fi
if ((stock_rc != 0 || fuzz_rc != 0)); then
  exit 1
fi
