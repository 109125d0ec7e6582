#!/usr/bin/env bash
# `make run`: builds Packbench with the UI inside it and starts it.
#
# The binary is self-contained (custom-protocol: the UI is embedded, no dev
# server). On a machine without a display (a server, CI, a container) it
# starts a virtual one (Xvfb :99) and says how to look at it.
#
#   scripts/run-app.sh            build and start
#   PACKBENCH_DATABASE_URL=postgres://user:pass@host/db scripts/run-app.sh
#                                 use a shared PostgreSQL server instead
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-${HOME:-/tmp}/.cache/packbench/target}
say() { printf 'run-app: %s\n' "$*"; }

# System packages (WebKitGTK...) and ui/node_modules when missing.
scripts/install-deps.sh

say "building the UI (ui/dist)"
npm --prefix ui run build

# tauri/custom-protocol embeds ui/dist and serves it from inside the binary;
# without it a Tauri debug binary expects the Vite dev server.
say "building the desktop app (a cold build takes several minutes)"
cargo build -p packbench --bin packbench --features tauri/custom-protocol
app="$CARGO_TARGET_DIR/debug/packbench"

xvfb_pid=
stop_xvfb() {
  if [[ -n $xvfb_pid ]]; then
    kill "$xvfb_pid" 2>/dev/null || true
    xvfb_pid=
  fi
}
trap stop_xvfb EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ -z ${DISPLAY:-} ]]; then
  display=:99
  if [[ -e /tmp/.X11-unix/X99 ]] || [[ -e /tmp/.X99-lock ]]; then
    say "no DISPLAY set; using the X server already running on $display"
  else
    say "no DISPLAY set (a headless machine): starting a virtual screen, Xvfb $display"
    Xvfb "$display" -screen 0 1366x900x24 -nolisten tcp &
    xvfb_pid=$!
    for _ in $(seq 50); do
      [[ -e /tmp/.X11-unix/X99 ]] && break
      sleep 0.1
    done
  fi
  export DISPLAY=$display
  say "the window is on $DISPLAY; to see it:  DISPLAY=$DISPLAY import -window root packbench.png"
fi

echo
"$app" --where | sed 's/^/  /'
if [[ -n ${PACKBENCH_DATABASE_URL:-} ]]; then
  say "the database comes from PACKBENCH_DATABASE_URL (it wins over the settings screen)"
fi
say "starting $app (close the window or press Ctrl-C to stop)"
echo
status=0
"$app" || status=$?
exit "$status"
