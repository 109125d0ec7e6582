#!/usr/bin/env python3
"""A packing shift as a station lives it, with no WebDriver (`make soak`'s
shift part; BENCHMARKS.md, "A shift with no WebDriver"): the release app
started directly on a throw-away demo database and Xvfb display, a packer
signed in by her badge, then the soak's kind of shift typed by xdotool as a
keyboard-wedge scanner types it: each order's number, every unit's
barcode, a tracking label. Nothing reads the page: the pace is fixed
(PACE_MS between bursts, ORDER_MS after an order's number and after its
last unit), and the CLI counts the shipped orders at the end. PSS and
anonymous memory of the app's process and of its WebKit children
(smaps_rollup) every EVERY scans, then the least-squares slope after
WARMUP scans, MB per 1,000 scans.

    scripts/shift.py SCANS [EVERY]
    scripts/shift.py 2000 250

APP and CLI name the binaries (default: the release builds in
$CARGO_TARGET_DIR, as `cargo build --release -p packbench -p packbench-cli`
leaves them); CSV=FILE keeps the samples; IDLE_S=N leaves the station idle
for N seconds after the shift, a sample every 30 s. BREAK_EVERY=N and
BREAK_S=S: the packer steps away for S seconds after about every N scans
(between orders), where the app may renew its page (`page-renewal-due`,
PACKBENCH_PAGE_LIMIT_MB); each sample names the web process, so a
renewal shows as a new pid. PLOT=FILE.png draws the samples (needs
matplotlib). SUMMARY=FILE.json keeps the figures. GOAL_SLOPE=MB: the
run fails when the summed PSS grows by that much per 1,000 scans or more
after the warm-up. The run fails on any order not shipped, except one whose
log shows a burst that reached the app in two pieces (a tail of one of its
codes refused: the typist's keys held apart, not the app's doing; the kinds
of refusal read are listed in `split_bursts`), which is named and counted as
`split_bursts`. The screen in the middle of every break is kept beside a
failed run's database (break-NNNNN.png, by ImageMagick's `import`).
"""
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time


def ean13(twelve):
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(twelve))
    return twelve + str((10 - total % 10) % 10)


def split_bursts(log_path, unshipped, tracking_of):
    """Of the orders not shipped, those whose log shows a burst split in two:
    an unknown or invalid barcode scanned into the order, or a tracking
    number its shipment refused, that is a proper tail of one of its codes (a unit's
    barcode, its tracking label, the next order's number), or a scan at the
    idle station, found as no order, that is a proper tail of its number.
    Returns ([(number, tail)], [numbers with no such tail])."""
    unknown = {}
    # Codes scanned at an idle station that named no order (an order's
    # number that came in two pieces: "0758" of 70758).
    not_opened = []
    try:
        with open(log_path, encoding="utf-8") as f:
            for line in f:
                m = (re.search(r" scan order=(\S+) code=(\S+) .*verdict=(?:unknown|invalid)_barcode", line)
                     or re.search(r" not shipped order=(\S+) carrier=.*? tracking=(\S+)", line))
                if m:
                    unknown.setdefault(m.group(1), []).append(m.group(2))
                m = re.search(r" not opened at packing order=(\S+) refused=.* was not found", line)
                if m:
                    not_opened.append(m.group(1))
    except OSError:
        pass
    split, unexplained = [], []
    for number, lines in unshipped:
        codes = [code for _, code, _ in lines] + [tracking_of.get(number, ""), str(int(number) + 1)]
        tail = next((u for u in unknown.get(number, []) for c in codes if len(u) < len(c) and c.endswith(u)), None)
        if not tail:
            tail = next((u for u in not_opened if len(u) < len(number) and number.endswith(u)), None)
        if tail:
            split.append((number, tail))
        else:
            unexplained.append(number)
    return split, unexplained


def memory(pid):
    """PSS and anonymous MB of the app (pid) and of its WebKit children."""
    def rollup(p):
        fields = {}
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    parts = line.split()
                    if len(parts) >= 2 and parts[0].endswith(":"):
                        fields[parts[0][:-1]] = int(parts[1])
        except OSError:
            return 0, 0
        return fields.get("Pss", 0) / 1024, fields.get("Anonymous", 0) / 1024

    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    app = rollup(pid)
    web = [rollup(c) for c in children]
    def comm(p):
        try:
            with open(f"/proc/{p}/comm") as f:
                return f.read()
        except OSError:
            return ""

    page = [c for c in children if comm(c).startswith("WebKitWebProces")]
    return {
        "page_pid": ",".join(page),
        # What the station compares with PACKBENCH_PAGE_LIMIT_MB: the web
        # process alone, without the network process.
        "page_anon": sum(rollup(c)[1] for c in page),
        "app_pss": app[0],
        "app_anon": app[1],
        "web_pss": sum(w[0] for w in web),
        "web_anon": sum(w[1] for w in web),
    }


def slope(xs, ys):
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den * 1000 if den else 0.0


def plot(samples, png):
    """PSS of the app, its WebKit processes and their sum against scans; a
    dotted line where the page's web process was a new one."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    xs = [s for s, _ in samples]
    fig, ax = plt.subplots(figsize=(11, 4.5), dpi=100)
    ax.plot(xs, [m["app_pss"] + m["web_pss"] for _, m in samples], label="sum (PSS)", linewidth=2)
    ax.plot(xs, [m["web_pss"] for _, m in samples], label="WebKit processes (PSS)")
    ax.plot(xs, [m["app_pss"] for _, m in samples], label="app (PSS)")
    ax.plot(xs, [m["web_anon"] for _, m in samples], label="web processes, anonymous", linestyle="--")
    for (_, a), (x, b) in zip(samples, samples[1:]):
        if a["page_pid"] != b["page_pid"]:
            ax.axvline(x, color="grey", linestyle=":", linewidth=1)
            ax.annotate("new web process", (x, 10), rotation=90, fontsize=8, color="grey", ha="right")
    ax.axhline(250, color="red", linewidth=0.8, label="250 MB goal")
    ax.set_xlabel("scans")
    ax.set_ylabel("MB")
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(png)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    scans_goal = int(sys.argv[1])
    every = int(sys.argv[2]) if len(sys.argv) > 2 else 250
    pace = int(os.environ.get("PACE_MS", "150")) / 1000
    order_pause = int(os.environ.get("ORDER_MS", "400")) / 1000
    target = os.environ.get("CARGO_TARGET_DIR", os.path.expanduser("~/.cache/packbench/target"))
    app_bin = os.environ.get("APP", f"{target}/release/packbench")
    cli_bin = os.environ.get("CLI", f"{target}/release/packbench-cli")
    work = tempfile.mkdtemp(prefix="packbench-shift.")
    env = dict(os.environ)
    env.update(
        PACKBENCH_DATABASE_URL=f"{work}/packbench.db",
        PACKBENCH_CONFIG=f"{work}/station.json",
        XDG_DATA_HOME=f"{work}/data",
        XDG_CONFIG_HOME=f"{work}/config",
        XDG_CACHE_HOME=f"{work}/cache",
        NO_AT_BRIDGE="1",
        LANG="ru_RU.UTF-8",
    )
    env.pop("PACKBENCH_STATION", None)
    with open(env["PACKBENCH_CONFIG"], "w") as f:
        json.dump({"station": "probe", "language": "ru", "session_idle_minutes": 720}, f)

    def cli(*args, **kw):
        return subprocess.run([cli_bin, *args], env={**env, **kw}, check=True, capture_output=True, text=True).stdout

    cli("init", "--demo")
    admin = {"PACKBENCH_USER": "olga", "PACKBENCH_PIN": "1111"}
    cli("users", "add", "--login", "shift", "--name", "Смена", "--role", "packer", "--badge", "BADGE-SHIFT", PACKBENCH_NEW_PIN="9999", **admin)
    bin_ = json.loads(cli("products", "show", "PB-0001", "--json", **admin))["default_bin"]

    # The soak's shift: 1 to 6 units on 1 to 3 lines of twelve products;
    # each order is its units plus 2 bursts (its number, the tracking label).
    rng = random.Random(12)
    products = [(f"SHIFT-{i:02d}", ean13(f"460998{i:06d}")) for i in range(1, 13)]
    with open(f"{work}/products.csv", "w") as f:
        f.write("sku,name,weight_g,bin,barcodes,stock\n")
        for i, (sku, code) in enumerate(products, 1):
            f.write(f"{sku},Товар смены {i},200,{bin_},{code},100000\n")
    cli("import", "products", f"{work}/products.csv", **admin)
    plan = []
    remaining = scans_goal
    while remaining > 0:
        units = 1 + rng.randrange(6)
        rest = remaining - units - 2
        if rest != 0 and rest < 3:
            units = remaining - 2
        remaining -= units + 2
        picked = rng.sample(products, 1 + rng.randrange(min(3, units)))
        qty = {sku: 1 for sku, _ in picked}
        for _ in range(units - len(picked)):
            qty[rng.choice(picked)[0]] += 1
        plan.append((str(70001 + len(plan)), [(sku, code, qty[sku]) for sku, code in picked]))
    with open(f"{work}/orders.csv", "w") as f:
        f.write("number,customer_name,delivery_method,currency,payment_status,sku,item_name,quantity,unit_price\n")
        for number, lines in plan:
            for sku, _, q in lines:
                f.write(f"{number},Смена {number},СДЭК,RUB,paid,{sku},{sku},{q},100.00\n")
    cli("import", "orders", f"{work}/orders.csv", **admin)
    for number, _ in plan:
        cli("orders", "confirm", number, **admin)

    display = f":{300 + random.randrange(100)}"
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1366x900x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    env["DISPLAY"] = display
    log = open(f"{work}/app.log", "w")
    app = subprocess.Popen([app_bin], env=env, stdout=log, stderr=subprocess.STDOUT)
    ok = False
    try:
        win = None
        for _ in range(150):
            out = subprocess.run(["xdotool", "search", "--pid", str(app.pid), "--onlyvisible"],
                                 env=env, capture_output=True, text=True).stdout.split()
            if out:
                win = out[0]
                break
            time.sleep(0.2)
        if not win:
            sys.exit("shift: the window did not show")
        time.sleep(4)

        # A burst's keys must reach the X server within the scanner's 35 ms
        # of each other, or the page takes the burst for two (one a tail of
        # digits, which no product has): xdotool at a higher priority than
        # the app, where it can be (root), so a busy machine does not
        # split it.
        key = ["nice", "-n", "-10", "xdotool"] if os.geteuid() == 0 else ["xdotool"]

        def burst(code):
            subprocess.run([*key, "key", "--delay", "0", *code, "Return"], env=env, check=True)

        subprocess.run(["xdotool", "windowfocus", "--sync", win], env=env, check=True)
        subprocess.run(["xdotool", "type", "--delay", "5", "BADGE-SHIFT"], env=env, check=True)
        subprocess.run(["xdotool", "key", "Return"], env=env, check=True)
        time.sleep(5)

        samples = []
        scans = 0
        t0 = time.time()

        def sample():
            m = memory(app.pid)
            samples.append((scans, m))
            print(f"{scans} scans, {time.time() - t0:.0f} s: PSS app {m['app_pss']:.1f} + web {m['web_pss']:.1f} = "
                  f"{m['app_pss'] + m['web_pss']:.1f} MB; anonymous app {m['app_anon']:.1f}, web {m['web_anon']:.1f}"
                  f" (web process {m['page_pid']}: {m['page_anon']:.1f})",
                  flush=True)

        def counted():
            nonlocal scans
            scans += 1
            if scans % every == 0:
                sample()

        sample()
        tracking = 9_000_000_000
        tracking_of = {}
        break_every = int(os.environ.get("BREAK_EVERY", "0"))
        break_s = float(os.environ.get("BREAK_S", "0"))
        last_break = 0
        for number, lines in plan:
            if break_every and scans - last_break >= break_every:
                last_break = scans
                # The screen in the middle of the break (kept with a failed
                # run): a page is renewed only with nothing left in a field.
                time.sleep(break_s / 2)
                subprocess.run(["import", "-window", "root", f"{work}/break-{scans:05d}.png"],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                time.sleep(break_s / 2)
            burst(number)
            time.sleep(order_pause)
            counted()
            for sku, code, q in lines:
                for _ in range(q):
                    burst(code)
                    time.sleep(pace)
                    counted()
            time.sleep(order_pause)
            tracking += 1
            tracking_of[number] = str(tracking)
            burst(str(tracking))
            time.sleep(order_pause)
            counted()
        wall = time.time() - t0
        time.sleep(2)
        # IDLE_S: the station left alone after the shift, a sample every 30 s
        # (does the web process give back what the shift grew?).
        idle = int(os.environ.get("IDLE_S", "0"))
        for waited in range(30, idle + 1, 30):
            time.sleep(30)
            m = memory(app.pid)
            print(f"idle {waited} s after the shift: PSS app {m['app_pss']:.1f} + web {m['web_pss']:.1f} = "
                  f"{m['app_pss'] + m['web_pss']:.1f} MB; anonymous app {m['app_anon']:.1f}, web {m['web_anon']:.1f}",
                  flush=True)
        shipped = json.loads(cli("orders", "list", "--status", "shipped", "--limit", str(len(plan) + 100), "--json", **admin))
        mine = {o["number"] for o in shipped} & {n for n, _ in plan}
        print(f"{scans} scans, {len(plan)} orders in {wall:.0f} s ({wall / scans * 1000:.0f} ms a scan); shipped {len(mine)} of {len(plan)}")
        warmup = int(os.environ.get("WARMUP", str(max(every, scans // 10 // every * every))))
        after = [(s, m) for s, m in samples if s >= warmup]
        if len(after) >= 3:
            xs = [s for s, _ in after]
            for key in ("app_pss", "web_pss", "app_anon", "web_anon"):
                print(f"slope after {warmup} scans, {key}: {slope(xs, [m[key] for _, m in after]):.2f} MB per 1,000 scans")
            print(f"slope after {warmup} scans, total PSS: "
                  f"{slope(xs, [m['app_pss'] + m['web_pss'] for _, m in after]):.2f} MB per 1,000 scans")
        if os.environ.get("CSV"):
            with open(os.environ["CSV"], "w") as f:
                f.write("scans,app_pss_mb,web_pss_mb,app_anon_mb,web_anon_mb,web_process,web_process_anon_mb\n")
                for s, m in samples:
                    f.write(f"{s},{m['app_pss']:.1f},{m['web_pss']:.1f},{m['app_anon']:.1f},{m['web_anon']:.1f},{m['page_pid']},{m['page_anon']:.1f}\n")
        if os.environ.get("PLOT"):
            try:
                plot(samples, os.environ["PLOT"])
            except Exception as e:  # a plot that cannot be drawn hides no result
                print(f"shift: no plot: {e}", flush=True)
        total = [m["app_pss"] + m["web_pss"] for _, m in samples]
        pages = []
        for _, m in samples:
            if m["page_pid"] and (not pages or pages[-1] != m["page_pid"]):
                pages.append(m["page_pid"])
        per1000 = slope([s for s, _ in after], [m["app_pss"] + m["web_pss"] for _, m in after]) if len(after) >= 3 else None
        summary = {
            "scans": scans,
            "orders": len(plan),
            "shipped": len(mine),
            "wall_s": round(wall, 1),
            "warmup_scans": warmup,
            "slope_total_pss_mb_per_1000_scans": None if per1000 is None else round(per1000, 2),
            "total_pss_mb": {"start": round(total[0], 1), "after_warmup": round(after[0][1]["app_pss"] + after[0][1]["web_pss"], 1) if after else None,
                             "end": round(total[-1], 1), "max": round(max(total), 1)},
            "web_processes_seen": len(pages),
            "breaks": {"every_scans": break_every, "seconds": break_s},
        }
        print("renewals of the page (a new web process):", max(0, len(pages) - 1), flush=True)
        if os.environ.get("SUMMARY"):
            with open(os.environ["SUMMARY"], "w") as f:
                json.dump(summary, f, indent=2)
        # An order not shipped is the app's fault unless the station's log
        # shows why it is not: a burst that reached the app in two pieces
        # (xdotool, or Xvfb busy repainting, held its keys apart for more
        # than a scanner's 35 ms), so a tail of one of the order's codes was
        # scanned on its own and refused (split_bursts lists how), as a
        # packer would see it in red and scan again. Those are counted apart;
        # any other order not shipped fails the run.
        unshipped = [(n, lines) for n, lines in plan if n not in mine]
        split, unexplained = split_bursts(f"{work}/data/packbench/packbench.log", unshipped, tracking_of)
        for number, tail in split:
            print(f"shift: order {number} not shipped: a burst reached the app in two pieces, its tail \"{tail}\" "
                  f"refused (the typist's keys, not the app)", flush=True)
        summary["split_bursts"] = len(split)
        if os.environ.get("SUMMARY"):
            with open(os.environ["SUMMARY"], "w") as f:
                json.dump(summary, f, indent=2)
        if unexplained:
            sys.exit(f"shift: {len(unexplained)} orders not shipped with no split burst to explain it "
                     f"({', '.join(unexplained[:10])}): a scan lost or refused (see {work}/data/packbench/packbench.log)")
        goal = os.environ.get("GOAL_SLOPE")
        if goal:
            if per1000 is None:
                sys.exit(f"shift: {len(after)} samples after the warm-up of {warmup} scans: a trend needs 3 or more (a smaller EVERY or more SCANS)")
            if per1000 >= float(goal):
                sys.exit(f"shift: the summed PSS grew {per1000:.2f} MB per 1,000 scans after {warmup} scans, the goal is under {goal}")
            print(f"shift: the summed PSS grew {per1000:.2f} MB per 1,000 scans after {warmup} scans, under the goal of {goal}", flush=True)
        ok = True
    finally:
        app.terminate()
        app.wait()
        xvfb.terminate()
        # A failed run keeps its database and logs to look at.
        if ok and not os.environ.get("KEEP"):
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"shift: the run's database and logs are in {work}", flush=True)


if __name__ == "__main__":
    main()
