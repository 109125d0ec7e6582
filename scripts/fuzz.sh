#!/usr/bin/env bash
# The long property run (make fuzz): 10 000 random order sequences per
# engine through core (tests/tests/stock_property.rs), on SQLite and the
# throw-away PostgreSQL test server. make test runs a short version.
# PACKBENCH_PROPERTY_SEQUENCES and PACKBENCH_PROPERTY_SEED change the run.
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
trap 'scripts/pg-test-server.sh stop || true' EXIT
scripts/pg-test-server.sh start
export PACKBENCH_TEST_PG_URL=$(scripts/pg-test-server.sh url) PACKBENCH_REQUIRE_PG=1
export PACKBENCH_PROPERTY_SEQUENCES=${PACKBENCH_PROPERTY_SEQUENCES:-10000}
unset PACKBENCH_SKIP_PG
cargo test -p packbench-tests --test stock_property -- --nocapture
