#!/usr/bin/env bash
# End-to-end tests in the real desktop app: the self-contained binary under
# Xvfb, driven by tauri-driver + WebKitWebDriver (tests/e2e/run.mjs).
#
#   scripts/e2e.sh                       build what is stale, run, report
#   E2E_UPDATE_DOCS=1 scripts/e2e.sh     also copy the screenshots to
#                                        docs/screenshots/ (for the README)
#   E2E_ONLY=printing scripts/e2e.sh     the first-run scenario and those
#                                        whose name contains "printing"
#   E2E_PROFILE=release scripts/e2e.sh   test the optimised build (what a
#                                        user runs; the figures for
#                                        BENCHMARKS.md); default: debug
#   E2E_APP_LANG=C.UTF-8 scripts/e2e.sh  the app in another locale (default:
#                                        ru_RU.UTF-8, a Russian station's)
#   E2E_BUILD_ONLY=1 scripts/e2e.sh      build the UI, the app and the CLI
#                                        (in $CARGO_TARGET_DIR/PROFILE), run
#                                        nothing (make soak's shift)
#
# The app gets a throw-away data directory (database, station.json, XDG
# dirs), so a developer's own data is never touched and every run starts
# from the welcome screen. Screenshots and perf.json land in artifacts/e2e/.
# Everything started here is stopped on exit, however the run ends. The last
# line is the runner's `N passed, N failed`; the exit code is non-zero when a
# scenario failed or the run could not start.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

say() { echo "e2e: $*" >&2; }

# ---- inside xvfb-run: tauri-driver, then the scenarios -------------------
if [[ ${1:-} == --inside-xvfb ]]; then
  port=$2
  driver_log=$3
  run_log=$4
  # The app (tauri-driver starts it, with its environment) runs in the
  # locale of a Russian station, as its first users run it: WebKit's date
  # fields, GTK's dialogs and the tools it calls see ru_RU.UTF-8
  # (install-deps.sh generates it; C.UTF-8 where it could not).
  # E2E_APP_LANG=C.UTF-8 runs it in the C locale instead. The runner
  # itself and the CLI calls it makes keep this shell's locale.
  app_lang=${E2E_APP_LANG:-}
  if [[ -z $app_lang ]]; then
    if locale -a 2>/dev/null | grep -qiE '^ru_RU\.utf-?8$'; then app_lang=ru_RU.UTF-8; else app_lang=C.UTF-8; fi
  fi
  [[ $app_lang == ru_RU.UTF-8 ]] || say "the app runs in $app_lang, not in a Russian station's ru_RU.UTF-8"
  export E2E_APP_LANG=$app_lang # for the runner's second station
  env -u LC_ALL -u LANGUAGE LANG="$app_lang" \
    tauri-driver --port "$port" --native-port "$((port + 1))" >"$driver_log" 2>&1 &
  driver=$!
  # tauri-driver and the WebKitWebDriver it starts go with us.
  trap 'kill "$driver" 2>/dev/null || true; pkill -TERM -P "$driver" 2>/dev/null || true; wait "$driver" 2>/dev/null || true' EXIT
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
    if ! kill -0 "$driver" 2>/dev/null; then
      say "tauri-driver exited:"
      cat "$driver_log" >&2
      exit 1
    fi
    sleep 0.1
  done
  set +e
  node tests/e2e/run.mjs 2>&1 | tee "$run_log"
  rc=${PIPESTATUS[0]}
  exit "$rc"
fi

# ---- outside: check, build, prepare --------------------------------------
: "${CARGO_TARGET_DIR:=${HOME:-/tmp}/.cache/packbench/target}"
export CARGO_TARGET_DIR
# The test build's own settings (clippy inside it): run alone, this script
# reuses what make test built instead of building the workspace again.
# shellcheck source=scripts/clippy-env.sh
source scripts/clippy-env.sh

missing=()
for tool in xvfb-run Xvfb WebKitWebDriver tauri-driver node npm cargo xdotool import; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if ((${#missing[@]})); then
  say "missing: ${missing[*]}; running scripts/install-deps.sh"
  scripts/install-deps.sh
  hash -r
  for tool in "${missing[@]}"; do
    command -v "$tool" >/dev/null || {
      say "still missing after scripts/install-deps.sh: $tool"
      exit 1
    }
  done
fi

# The UI, when ui/dist is missing or older than any of its sources.
if [[ ! -f ui/dist/index.html ]] ||
  [[ -n $(find ui/src ui/index.html ui/package.json ui/vite.config.ts -newer ui/dist/index.html -print -quit 2>/dev/null) ]]; then
  say "building the UI (ui/dist is missing or stale)"
  if [[ ! -d ui/node_modules ]]; then
    npm --prefix ui ci --no-audit --no-fund
  fi
  npm --prefix ui run build
fi

if [[ ! -d tests/e2e/node_modules ]]; then
  say "npm ci in tests/e2e"
  npm --prefix tests/e2e ci --ignore-scripts --no-audit --no-fund
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/packbench-e2e.XXXXXX")
# shellcheck source=scripts/xvfb-group.sh
. "$ROOT/scripts/xvfb-group.sh"

# custom-protocol: the UI is served from inside the binary, not from the
# dev server; a plain `cargo build` binary shows "Could not connect to
# localhost". Both builds land on the same target/debug/packbench, so another
# build in the shared cache (clippy, cargo test, a developer's cargo build)
# can replace ours between our build and its start. Hence a copy of our own,
# checked to hold this UI build (its hashed bundle name); cargo re-links the
# file on every build, so a retry is cheap.
profile=${E2E_PROFILE:-debug}
case $profile in
debug | release) ;;
*)
  say "E2E_PROFILE must be debug or release, not '$profile'"
  exit 2
  ;;
esac
asset=$(basename "$(ls ui/dist/assets/index-*.js | head -n 1)")
for try in 1 2 3 4 5; do
  say "building the app and the CLI ($profile)"
  if [[ $profile == debug ]]; then
    # The binaries `cargo test --workspace` builds (make test has just
    # built them; nothing is compiled twice): the same features, the same
    # dependencies. The app serves its UI from inside (custom-protocol is a
    # default feature of src-tauri).
    cargo test --workspace --no-run
  else
    cargo build --release -p packbench -p packbench-cli -p packbench-server
  fi
  cp "$CARGO_TARGET_DIR/$profile/packbench" "$work/packbench"
  if grep -q -a -F "$asset" "$work/packbench"; then break; fi
  if ((try == 5)); then
    say "the built binary does not contain ui/dist ($asset): is something else building packbench?"
    exit 1
  fi
  say "target/debug/packbench was replaced by another build; building again"
done
if [[ ${E2E_BUILD_ONLY:-} == 1 ]]; then
  say "built $CARGO_TARGET_DIR/$profile/packbench and packbench-cli"
  exit 0
fi
cp "$CARGO_TARGET_DIR/$profile/packbench-cli" "$work/packbench-cli"
cp "$CARGO_TARGET_DIR/$profile/packbench-server" "$work/packbench-server"
mkdir -p "$work/xdg/config" "$work/xdg/data" "$work/xdg/cache" "$work/xdg/runtime"
chmod 700 "$work/xdg/runtime"

# The printing scenario prints to the CUPS test queues (a cups-pdf printer
# writing PDFs to a folder); make test has set them up already.
if [[ -z ${PACKBENCH_TEST_PRINTER:-} ]]; then
  say "setting up the CUPS test printers (scripts/cups-test-printer.sh)"
  while IFS= read -r setting; do
    export "${setting?}"
  done < <(scripts/cups-test-printer.sh)
fi

artifacts=$ROOT/artifacts/e2e
rm -rf "$artifacts"
mkdir -p "$artifacts"

# Two free ports for tauri-driver (it and the WebKitWebDriver behind it).
port=${E2E_PORT:-4444}
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
while port_busy "$port" || port_busy "$((port + 1))"; do port=$((port + 2)); done

export PACKBENCH_E2E_APP=$work/packbench
export PACKBENCH_E2E_CLI=$work/packbench-cli
export PACKBENCH_E2E_SERVER=$work/packbench-server
export PACKBENCH_E2E_OUT=$artifacts
export PACKBENCH_E2E_PROFILE=$profile
export PACKBENCH_E2E_PORT=$port
export PACKBENCH_DATABASE_URL=$work/packbench.db
export PACKBENCH_CONFIG=$work/station.json
# Exports (orders, audit, import reports) land here.
export PACKBENCH_EXPORT_DIR=$artifacts/exports
export XDG_CONFIG_HOME=$work/xdg/config XDG_DATA_HOME=$work/xdg/data
export XDG_CACHE_HOME=$work/xdg/cache XDG_RUNTIME_DIR=$work/xdg/runtime
# No accessibility bus here: without this GTK waits for it at start-up.
export NO_AT_BRIDGE=1
# WebKit's WebDriver session ends with the page's web process, so the app
# must not renew its page on its own in a scenario's quiet moment: only the
# "a fresh page" scenario turns it on, for its own app. The soak measures
# the web process's growth as it is.
export PACKBENCH_PAGE_LIMIT_MB=0
unset PACKBENCH_STATION

say "running (data in $work, tauri-driver on port $port)"
out=$work/run.log
rc=0
# setsid: one process group to stop in cleanup. The runner's output goes to
# the terminal and to a log, whose summary line is repeated last.
setsid xvfb-run -a -s "-screen 0 1366x900x24 -nolisten tcp" \
  "$ROOT/scripts/e2e.sh" --inside-xvfb "$port" "$artifacts/tauri-driver.log" "$out" &
xvfb_pid=$!
wait "$xvfb_pid" || rc=$?
xvfb_pid=

summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1 || true)

if [[ ${E2E_UPDATE_DOCS:-} == 1 && $rc -eq 0 ]]; then
  mkdir -p docs/screenshots
  for f in "$artifacts"/{ru,en}-*.png; do
    name=$(basename "$f")
    # As taken (1366x900), unless heavy: then narrowed to 1100 px.
    if (($(stat -c %s "$f") <= 300 * 1024)); then
      cp "$f" "docs/screenshots/$name"
    else
      convert "$f" -resize 1100x -define png:compression-level=9 "docs/screenshots/$name"
    fi
  done
  say "screenshots copied to docs/screenshots/"
fi

say "screenshots and perf.json in ${artifacts#"$ROOT"/}/"
if [[ -z $summary ]]; then
  say "the runner printed no summary (exit code $rc)"
  ((rc != 0)) || rc=1
  echo "0 passed, 1 failed"
else
  echo "$summary"
fi
exit "$rc"
