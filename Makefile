# Packbench: `make run` to use it, `make test` for what CI checks.
# The steps live in scripts/ so that they can clean up after themselves
# (trap) and be run alone.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

# Build outside the work tree: CI clones the repository afresh for every run,
# and a target/ inside the clone would make each run a cold build (minutes on
# 2 cores). One cache per machine keeps repeated runs incremental, for CI and
# for every work tree of a developer alike. Set CARGO_TARGET_DIR to override.
CARGO_TARGET_DIR ?= $(or $(HOME),/tmp)/.cache/packbench/target
export CARGO_TARGET_DIR

PG := scripts/pg-test-server.sh
BENCH_ARGS ?=

.PHONY: help run test bench soak fuzz bundle lint fmt clean-db pg-start pg-stop

help:
	@echo "make run       build and start Packbench"
	@echo "make test      formatting, clippy and all tests on SQLite and PostgreSQL (what CI runs)"
	@echo "make bench     the CLI's benchmarks, on SQLite and PostgreSQL (BENCH_ARGS=... passes options)"
	@echo "make soak      the long runs of the real app: a shift of 5,000 scans with memory sampled (WebDriver, then xdotool with breaks), 50 kills mid-storm (scripts/soak.sh)"
	@echo "make bundle    the .deb package (app, CLI, order server and its systemd unit, icons, desktop entry) and its install check (scripts/bundle.sh)"
	@echo "make fuzz      the long property runs: 10,000 stock sequences per engine, then the fuzzed inputs for PACKBENCH_FUZZ_SECONDS (default 300)"
	@echo "make lint      rustfmt check and clippy"
	@echo "make fmt       format the code"
	@echo "make clean-db  stop the throw-away PostgreSQL test server and delete its data"
	@echo "build cache: $(CARGO_TARGET_DIR)"

# Starts the desktop app (scripts/run-app.sh: installs what is missing, builds
# the UI and a self-contained binary, runs it; under Xvfb on a headless
# machine). Without src-tauri/ it would build the CLI and say how to use it.
run:
	@if [[ -d src-tauri ]]; then \
		exec scripts/run-app.sh; \
	fi; \
	scripts/install-deps.sh; \
	cargo build --release -p packbench-cli; \
	cli="$(CARGO_TARGET_DIR)/release/packbench-cli"; \
	echo; \
	echo "The desktop app is not here yet; the command-line tool is built:"; \
	echo "  $$cli"; \
	echo; \
	echo "Try:"; \
	echo "  $$cli init --demo      # a database with demo orders and products"; \
	echo "  $$cli --help           # every command"; \
	echo "  PACKBENCH_DATABASE_URL=postgres://... $$cli ...   # use a PostgreSQL server instead of SQLite"

test:
	scripts/test.sh

bench:
	scripts/bench.sh $(BENCH_ARGS)

soak:
	scripts/soak.sh

bundle:
	scripts/bundle.sh

# 10 000 random order sequences per engine; stock must stay true.
fuzz:
	scripts/fuzz.sh

lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings

fmt:
	cargo fmt --all

clean-db pg-stop:
	$(PG) stop

pg-start:
	$(PG) start
	@echo "PACKBENCH_TEST_PG_URL=$$($(PG) url)"
