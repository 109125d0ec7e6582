#!/usr/bin/env bash
# `make soak`: the long runs of the real app (release build, under Xvfb,
# driven by keystrokes as a scanner types; tests/e2e/run.mjs through
# scripts/e2e.sh):
#
#   - a shift of PACKBENCH_E2E_SOAK_SCANS scanner bursts (default 5,000):
#     orders claimed by their number, every unit scanned, finished by
#     themselves, shipped by their tracking label; RSS and PSS of the app
#     and its WebKit processes sampled every 250 scans. Fails when the
#     summed PSS grows by 5 MB per 1,000 scans or more after the warm-up
#     (the issue's goal; make test's short run only fails a runaway leak).
#   - the app killed with SIGKILL mid-storm PACKBENCH_E2E_KILLS times
#     (default 50); after each restart every scan the screen showed as
#     accepted is in the ledger, once.
#
#   scripts/soak.sh                              both, then the plot
#   PACKBENCH_E2E_SOAK_SCANS=20000 scripts/soak.sh   a longer shift
#   SOAK_ONLY=soak scripts/soak.sh               the shift alone
#   SOAK_UPDATE_DOCS=1 scripts/soak.sh           also copy the plot to docs/soak-pss.png
#   PACKBENCH_E2E_SOAK_PRINT=1 scripts/soak.sh   the packs print on the CUPS PDF queue
#   PACKBENCH_E2E_SOAK_SMAPS=1 scripts/soak.sh   also keep every process's smaps at each sample
#   PACKBENCH_E2E_SEED=N scripts/soak.sh         the kills' moments of an earlier run
#
# Output in artifacts/e2e/: soak.csv (one row per sample), soak-pss.png (the
# plot), perf.json (`soak`: the slope, the levels, the time). The last line
# is the runner's `N passed, N failed`.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { echo "soak: $*" >&2; }

export E2E_PROFILE=${E2E_PROFILE:-release}
export E2E_ONLY=${SOAK_ONLY:-soak,crash}
export PACKBENCH_E2E_SOAK_SCANS=${PACKBENCH_E2E_SOAK_SCANS:-5000}
export PACKBENCH_E2E_SOAK_EVERY=${PACKBENCH_E2E_SOAK_EVERY:-250}
export PACKBENCH_E2E_KILLS=${PACKBENCH_E2E_KILLS:-50}
# The goal, not make test's bound against a runaway leak.
export PACKBENCH_E2E_SOAK_GOAL=1

log=$(mktemp "${TMPDIR:-/tmp}/packbench-soak.XXXXXX")
trap 'rm -f "$log"' EXIT
set +e
scripts/e2e.sh 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e

csv=artifacts/e2e/soak.csv
png=artifacts/e2e/soak-pss.png
if [[ -s $csv ]]; then
  # The plot needs matplotlib (PyPI); a missing one is installed, and a
  # plot that cannot be drawn does not hide the run's own result.
  if ! python3 -c 'import matplotlib' 2>/dev/null; then
    say "installing matplotlib for the plot (python3 -m pip install matplotlib)"
    python3 -m pip install --quiet matplotlib || say "could not install matplotlib: no plot"
  fi
  # The warm-up the runner left out of its slope (perf.json), so the
  # plot's line is the figure asserted.
  warmup=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["soak"]["warmup_scans"])' \
    artifacts/e2e/perf.json 2>/dev/null || echo "$PACKBENCH_E2E_SOAK_EVERY")
  if python3 scripts/soak-plot.py "$csv" "$png" --warmup "$warmup" \
    --title "Packbench soak: PSS over ${PACKBENCH_E2E_SOAK_SCANS} scans ($E2E_PROFILE build, $(date +%Y-%m-%d))"; then
    if [[ ${SOAK_UPDATE_DOCS:-} == 1 && $rc -eq 0 ]]; then
      cp "$png" docs/soak-pss.png
      say "plot copied to docs/soak-pss.png"
    fi
  fi
else
  say "no samples in $csv (the soak scenario did not run to its first sample)"
fi
# The runner's summary stays the last line.
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1 || true)
echo "${summary:-0 passed, 1 failed}"
exit "$rc"
