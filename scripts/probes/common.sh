# Shared by the probes (sourced): the window of a process, and memory read
# from smaps_rollup as anonymous memory (PSS would move whenever another
# WebKit program starts or stops on the machine).

# The id of the first visible window of process $1 (30 s at most); $2 names
# the probe in the error.
window_of() {
  local win=
  for _ in $(seq 150); do
    win=$(xdotool search --pid "$1" --onlyvisible 2>/dev/null | head -n 1 || true)
    [[ -n $win ]] && break
    sleep 0.2
  done
  [[ -n $win ]] || { echo "$2: the window did not show" >&2; return 1; }
  echo "$win"
}

anon_kb() { awk '/^Anonymous:/ { print $2 }' "/proc/$1/smaps_rollup" 2>/dev/null || echo 0; }

# "LABEL: NAME X MB, WebKit children Y MB (anonymous)" for process $2.
report_memory() {
  local web=0 c
  for c in $(pgrep -P "$2"); do web=$((web + $(anon_kb "$c"))); done
  LC_ALL=C printf '%s: %s %.1f MB, WebKit children %.1f MB (anonymous)\n' "$1" "$3" \
    "$(echo "$(anon_kb "$2") / 1024" | bc -l)" "$(echo "$web / 1024" | bc -l)"
}
