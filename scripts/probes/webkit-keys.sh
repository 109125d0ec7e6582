#!/usr/bin/env bash
# What WebKitGTK keeps per key a scanner types (BENCHMARKS.md, "Typing into a
# field"): a bare WebKitGTK window (webkit-keys.py, no Tauri) on a throw-away
# Xvfb display; xdotool types ROUNDS rounds of BURSTS scanner bursts (twelve
# digits and Enter, 1 ms apart); after each round the anonymous memory of
# the window's process and of its WebKit children (smaps_rollup: PSS would
# move whenever another WebKit program starts or stops on the machine).
#
#   scripts/probes/webkit-keys.sh VARIANT [BURSTS] [ROUNDS]
#   VARIANT: input, prevent, scanner, body, paint, gtk (see webkit-keys.py)
#
# Run it with WEBKIT_DISABLE_COMPOSITING_MODE=1, as Packbench runs WebKit.
set -euo pipefail
variant=${1:?usage: webkit-keys.sh VARIANT [BURSTS] [ROUNDS]}
bursts=${2:-1000}
rounds=${3:-3}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/probes/common.sh
. "$here/common.sh"
for tool in Xvfb xdotool /usr/bin/python3; do
  command -v "$tool" >/dev/null || { echo "webkit-keys: $tool is missing (scripts/install-deps.sh)" >&2; exit 1; }
done
display=:$((200 + RANDOM % 100))
Xvfb "$display" -screen 0 1024x600x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
export DISPLAY=$display NO_AT_BRIDGE=1
/usr/bin/python3 "$here/webkit-keys.py" "$variant" &
app=$!
trap 'kill $app $xvfb 2>/dev/null || true' EXIT
win=$(window_of "$app" webkit-keys)
# The page loads and focuses its field.
sleep 3
xdotool windowfocus --sync "$win"
report() { report_memory "$variant $1" "$app" window; }
burst=(1 2 3 4 5 6 7 8 9 0 1 2 Return)
report start
for r in $(seq "$rounds"); do
  for _ in $(seq $((bursts / 10))); do
    keys=()
    for _ in 1 2 3 4 5 6 7 8 9 10; do keys+=("${burst[@]}"); done
    xdotool key --delay 1 "${keys[@]}"
  done
  # Let the last events drain before reading.
  sleep 3
  report "after round $r ($bursts bursts)"
done
