#!/usr/bin/env bash
# What Packbench's processes keep per key a scanner types (BENCHMARKS.md,
# "Typing into a field"), with no WebDriver: the release app started
# directly on a throw-away database and Xvfb display, a packer signed in by
# their badge typed with xdotool (the packing screen, its order field
# focused), then ROUNDS rounds of KEYS presses cycling through the given
# xdotool key names, 1 ms apart; after each round the anonymous memory of
# the app's process and of its WebKit children (smaps_rollup).
#
#   scripts/probes/app-keys.sh KEYS ROUNDS KEY...
#   scripts/probes/app-keys.sh 13000 3 1 2 3 4 5 6 7 8 9 0 1 2 Return   scanner bursts
#   scripts/probes/app-keys.sh 20000 3 q                                 letters into the field
#   BLANK=1 scripts/probes/app-keys.sh 20000 3 q                         focus on the page, not the field
#
# APP and CLI name the binaries (default: the release builds in
# $CARGO_TARGET_DIR, as `cargo build --release -p packbench -p packbench-cli`
# leaves them).
set -euo pipefail
# shellcheck source=scripts/probes/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
count=${1:?usage: app-keys.sh KEYS ROUNDS KEY...}
rounds=${2:?usage: app-keys.sh KEYS ROUNDS KEY...}
shift 2
keys=("$@")
((${#keys[@]})) || { echo "app-keys: name at least one key" >&2; exit 2; }
target=${CARGO_TARGET_DIR:-$HOME/.cache/packbench/target}
app=${APP:-$target/release/packbench}
cli=${CLI:-$target/release/packbench-cli}
dir=$(mktemp -d "${TMPDIR:-/tmp}/packbench-keys.XXXXXX")
export PACKBENCH_DATABASE_URL=$dir/packbench.db PACKBENCH_CONFIG=$dir/station.json
export XDG_DATA_HOME=$dir/data XDG_CONFIG_HOME=$dir/config XDG_CACHE_HOME=$dir/cache
export NO_AT_BRIDGE=1 LANG=ru_RU.UTF-8
echo '{"station": "probe", "language": "ru", "session_idle_minutes": 720}' >"$PACKBENCH_CONFIG"
"$cli" init >/dev/null
PACKBENCH_PIN=1111 "$cli" users first-admin --login olga --name Olga >/dev/null
PACKBENCH_USER=olga PACKBENCH_PIN=1111 PACKBENCH_NEW_PIN=3333 \
  "$cli" users add --login anna --name Anna --role packer --badge BADGE-0003 >/dev/null
display=:$((300 + RANDOM % 100))
Xvfb "$display" -screen 0 1366x768x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
export DISPLAY=$display
"$app" >"$dir/app.log" 2>&1 &
pid=$!
trap 'kill $pid $xvfb 2>/dev/null || true; rm -rf "$dir"' EXIT
win=$(window_of "$pid" app-keys)
# Signed in once the app's memory settles after the badge (the sign-in and
# the packing screen load); the probe reads growth, not levels.
sleep 4
xdotool windowfocus --sync "$win"
xdotool type --delay 5 BADGE-0003
xdotool key Return
sleep 5
if [[ -n ${BLANK:-} ]]; then
  xdotool mousemove 200 300 click 1
  sleep 1
fi
report() { report_memory "$1" "$pid" app; }
report start
for r in $(seq "$rounds"); do
  sent=0
  while ((sent < count)); do
    batch=()
    for k in $(seq 100); do batch+=("${keys[$(((sent + k - 1) % ${#keys[@]}))]}"); done
    xdotool key --delay 1 "${batch[@]}"
    sent=$((sent + 100))
  done
  sleep 3
  report "after round $r ($count keys)"
done
