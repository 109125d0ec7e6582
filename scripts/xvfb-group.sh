# Sourced by scripts/e2e.sh and scripts/bundle-check.sh: the clean-up of a
# run under xvfb-run started with `setsid ... & xvfb_pid=$!` (its own
# process group: xvfb-run, Xvfb and everything started inside), and of the
# run's temp folder `$work`. Set `xvfb_pid` once the group is started.
xvfb_pid=
cleanup() {
  local rc=$?
  if [[ -n $xvfb_pid ]] && kill -0 "$xvfb_pid" 2>/dev/null; then
    kill -TERM -- "-$xvfb_pid" 2>/dev/null || true
    for _ in $(seq 1 30); do
      kill -0 "$xvfb_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL -- "-$xvfb_pid" 2>/dev/null || true
  fi
  # A killed web process may still be flushing its shader cache: try again
  # briefly, and never let a leftover temp folder fail a green run.
  rm -rf "$work" 2>/dev/null || { sleep 1; rm -rf "$work" 2>/dev/null || true; }
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
