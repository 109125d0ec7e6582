#!/usr/bin/env python3
"""PSS against scans from the soak run's samples (artifacts/e2e/soak.csv).

    scripts/soak-plot.py artifacts/e2e/soak.csv docs/soak-pss.png [--title TEXT]

Draws the app, its WebKit web and network processes and their sum, marks
the end of the warm-up, the least-squares line of the sum after it (the
figure `make soak` asserts) and the 250 MB goal; and, when the samples have
it, the sum's anonymous and shared-memory part with its own line (what a
leak grows: PSS of files moves when other processes map the same
libraries). Needs matplotlib
(`python3 -m pip install matplotlib`; scripts/soak.sh installs it).
"""

import argparse
import csv
import sys

GOAL_MB = 250


def least_squares(xs, ys):
    n = len(xs)
    mx = sum(xs) / n
    my = sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    slope = sxy / sxx if sxx else 0.0
    return slope, my - slope * mx


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("csv", help="soak.csv written by tests/e2e/run.mjs")
    ap.add_argument("png", help="where the picture goes")
    ap.add_argument("--warmup", type=int, default=None,
                    help="scans of warm-up (default: the second sample's scan count)")
    ap.add_argument("--title", default=None)
    args = ap.parse_args()

    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        sys.exit("soak-plot: matplotlib is missing: python3 -m pip install matplotlib")

    with open(args.csv, newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r.get("total_pss_mb")]
    if len(rows) < 2:
        sys.exit(f"soak-plot: {args.csv} has {len(rows)} samples; a plot needs two or more")

    def col(name):
        return [float(r[name]) for r in rows]

    scans = col("scans")
    warmup = args.warmup if args.warmup is not None else scans[1]
    total = col("total_pss_mb")

    fig, ax = plt.subplots(figsize=(10, 6), dpi=100)
    ax.plot(scans, total, "o-", color="black", lw=2, ms=4, label="sum (app + WebKit)")
    ax.plot(scans, col("webkit_web_pss_mb"), "s-", color="tab:blue", ms=3, label="WebKitWebProcess")
    ax.plot(scans, col("app_pss_mb"), "^-", color="tab:orange", ms=3, label="packbench (app)")
    ax.plot(scans, col("webkit_network_pss_mb"), "v-", color="tab:green", ms=3, label="WebKitNetworkProcess")
    if any(v > 0 for v in col("other_pss_mb")):
        ax.plot(scans, col("other_pss_mb"), ".-", color="tab:gray", label="other children")

    if rows[0].get("total_pss_anon_mb"):
        anon = col("total_pss_anon_mb")
        ax.plot(scans, anon, "d--", color="tab:purple", ms=3, lw=1,
                label="sum: anonymous + shared memory")
        part = [(x, y) for x, y in zip(scans, anon) if x >= warmup]
        if len(part) >= 2:
            slope, intercept = least_squares([x for x, _ in part], [y for _, y in part])
            xs = [part[0][0], part[-1][0]]
            ax.plot(xs, [slope * x + intercept for x in xs], ":", color="tab:purple", lw=1.5,
                    label=f"its part after warm-up: {slope * 1000:+.1f} MB per 1,000 scans")

    after = [(x, y) for x, y in zip(scans, total) if x >= warmup]
    if len(after) >= 2:
        slope, intercept = least_squares([x for x, _ in after], [y for _, y in after])
        xs = [after[0][0], after[-1][0]]
        ax.plot(xs, [slope * x + intercept for x in xs], "--", color="tab:red", lw=1.5,
                label=f"sum after warm-up: {slope * 1000:+.1f} MB per 1,000 scans")
    ax.axvline(warmup, color="gray", ls=":", lw=1)
    ax.text(warmup, ax.get_ylim()[1] * 0.02, " warm-up ends", color="gray", fontsize=8)
    ax.axhline(GOAL_MB, color="tab:red", ls=":", lw=1)
    ax.text(scans[-1], GOAL_MB, f"goal {GOAL_MB} MB ", color="tab:red", fontsize=8,
            ha="right", va="bottom")

    ax.set_xlabel("scans")
    ax.set_ylabel("PSS, MB")
    ax.set_ylim(bottom=0)
    ax.set_xlim(left=0)
    ax.grid(True, alpha=0.3)
    ax.set_title(args.title or f"Packbench soak: PSS over {int(scans[-1]):,} scans")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.11), ncol=3, fontsize=9, frameon=False)
    fig.tight_layout()
    fig.savefig(args.png)
    print(f"soak-plot: {args.png} ({len(rows)} samples)")


if __name__ == "__main__":
    main()
