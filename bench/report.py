#!/usr/bin/env python3
"""Writes BENCHMARKS.md from one run of bench/run.

usage: report.py OUT_DIR ELAPSED_SECONDS BUILD_SECONDS > BENCHMARKS.md
Reads OUT_DIR/signin.json, OUT_DIR/token.json (hyperfine --export-json), OUT_DIR/window.json
(bench/window.py) and OUT_DIR/sizes.json, and describes the machine it runs on.
bench/notes.md (the analysis of the targets, written by hand) is copied in at the end.
"""

import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# ours/theirs must be at most this.
WATCHER_TARGET_MIB = 40

TARGETS = {
    "signin": 0.07,
    "token": 0.05,
    "paint": 1.2,
    "memory": 1.2,
    "size": 1.6,
    "deb": 3.5,
}


def load(out, name):
    with open(os.path.join(out, name)) as f:
        return json.load(f)


def cmd_version(*argv):
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "not found"


def machine():
    model, cores = "unknown", os.cpu_count()
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kb = int(f.readline().split()[1])
    os_name = platform.system()
    try:
        with open("/etc/os-release") as f:
            rel = dict(l.rstrip().split("=", 1) for l in f if "=" in l)
        os_name = rel.get("PRETTY_NAME", os_name).strip('"')
        deb = open("/etc/debian_version").read().strip() if os.path.exists("/etc/debian_version") else ""
        if deb and deb not in os_name:
            os_name += f" ({deb})"
    except OSError:
        pass
    with open(os.path.join(ROOT, "bench/node/node_modules/psn-api/package.json")) as f:
        psn_api = json.load(f)["version"]
    with open(os.path.join(ROOT, "Cargo.lock"), "rb") as f:
        lock = tomllib.load(f)
    tauri = next(p["version"] for p in lock["package"] if p["name"] == "tauri")
    webkit = cmd_version("pkg-config", "--modversion", "webkit2gtk-4.1")
    return [
        ("CPU", f"{model}, {cores} cores"),
        ("Memory", f"{mem_kb / 1024 / 1024:.1f} GiB"),
        ("OS", f"{os_name}, Linux {platform.release()}"),
        ("Load average (1, 5, 15 min)", load_average()),
        ("rustc", cmd_version("rustc", "--version")),
        ("Tauri", f"{tauri} (app and hello-world), WebKitGTK {webkit}"),
        ("Node.js", cmd_version("node", "--version")),
        ("psn-api", psn_api),
        ("hyperfine", cmd_version("hyperfine", "--version")),
        ("Display", "Xvfb, 1280x900x24"),
    ]


def load_average():
    path = os.path.join(OUT, "loadavg")
    if not os.path.exists(path):
        return "not recorded"
    lines = open(path).read().split("\n")
    return f"{lines[0]} before measuring, {lines[1] if len(lines) > 1 and lines[1] else '?'} after"


def ms(s):
    return f"{s * 1000:.1f} ms"


def hyper(out, name):
    """Both commands of a hyperfine export: [(label, dict)] with seconds."""
    rows = []
    for r in load(out, name)["results"]:
        times = r["times"]
        rows.append((r["command"], {
            "median": r["median"], "mean": r["mean"], "stddev": r.get("stddev") or 0.0,
            "min": r["min"], "max": r["max"], "runs": len(times),
            "p25": statistics.quantiles(times, n=4)[0] if len(times) > 1 else times[0],
            "p75": statistics.quantiles(times, n=4)[2] if len(times) > 1 else times[0],
        }))
    return rows


def verdict(ratio, target):
    return "**pass**" if ratio <= target else "**miss**"


def main():
    global OUT
    OUT, elapsed, build = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
    signin = hyper(OUT, "signin.json")
    token = hyper(OUT, "token.json")
    window = load(OUT, "window.json")
    sizes = load(OUT, "sizes.json")

    app_runs = window["programs"]["app"]["runs"]
    hello_runs = window["programs"]["hello"]["runs"]

    def med(runs, key):
        return statistics.median(r[key] for r in runs)

    paint = (med(app_runs, "spawn_to_paint_ms"), med(hello_runs, "spawn_to_paint_ms"))
    rss = (med(app_runs, "rss_kb"), med(hello_runs, "rss_kb"))
    pss = (med(app_runs, "pss_kb"), med(hello_runs, "pss_kb"))

    rows = []  # (measure, ours, theirs, ratio, target key)
    rows.append(("Sign-in (`psn-auth login` vs psn-api's two exchanges)",
                 f"{ms(signin[0][1]['median'])} ± {ms(signin[0][1]['stddev'])}",
                 f"{ms(signin[1][1]['median'])} ± {ms(signin[1][1]['stddev'])}",
                 signin[0][1]["median"] / signin[1][1]["median"], "signin"))
    rows.append(("Getting a token (`psn-auth token` vs psn-api's refresh)",
                 f"{ms(token[0][1]['median'])} ± {ms(token[0][1]['stddev'])}",
                 f"{ms(token[1][1]['median'])} ± {ms(token[1][1]['stddev'])}",
                 token[0][1]["median"] / token[1][1]["median"], "token"))
    if len(token) > 2:
        rows.append(("Getting a token from the file vault (`PSN_AUTH_VAULT=file psn-auth token` vs psn-api's refresh)",
                     f"{ms(token[2][1]['median'])} ± {ms(token[2][1]['stddev'])}",
                     f"{ms(token[1][1]['median'])} ± {ms(token[1][1]['stddev'])}",
                     token[2][1]["median"] / token[1][1]["median"], "token"))
    rows.append(("First paint, from spawn (app vs hello-world)",
                 f"{paint[0]:.0f} ms", f"{paint[1]:.0f} ms", paint[0] / paint[1], "paint"))
    rows.append(("Memory, RSS of the process tree (app vs hello-world)",
                 f"{rss[0] / 1024:.1f} MiB", f"{rss[1] / 1024:.1f} MiB", rss[0] / rss[1], "memory"))
    rows.append(("App binary size (app vs hello-world)",
                 f"{sizes['app'] / 1e6:.2f} MB", f"{sizes['hello'] / 1e6:.2f} MB",
                 sizes["app"] / sizes["hello"], "size"))
    rows.append((".deb size (the app, CLI and tray watcher vs the hello-world's, both xz -9)",
                 f"{sizes['deb'] / 2**20:.2f} MiB", f"{sizes['hello_deb'] / 2**20:.2f} MiB",
                 sizes["deb"] / sizes["hello_deb"], "deb"))

    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    p = print
    p("# Benchmarks")
    p()
    p("<!-- Generated by bench/run (bench/report.py): edit bench/notes.md or the scripts instead. -->")
    p()
    p(f"Measured on {date} by one run of:")
    p()
    p("```sh")
    p("bench/run")
    p("```")
    p()
    p(f"which took {elapsed / 60:.1f} minutes on the machine below ({build / 60:.1f} of them "
      "building; from scratch the release builds took about 10 minutes here). It "
      "rewrites this file with that run's figures. What it does and how to read the figures: "
      "[How it measures](#how-it-measures).")
    p()
    p("## Results")
    p()
    p("Times are medians (± standard deviation); the ratio is ours/theirs, and the target is the "
      "largest ratio we accept.")
    p()
    p("| Measure | PSN Auth | Baseline | Ratio | Target | Result |")
    p("| --- | ---: | ---: | ---: | ---: | --- |")
    for measure, ours, theirs, ratio, key in rows:
        p(f"| {measure} | {ours} | {theirs} | {ratio:.2f} | ≤ {TARGETS[key]} | "
          f"{verdict(ratio, TARGETS[key])} |")
    p()
    passed = sum(r[3] <= TARGETS[r[4]] for r in rows)
    p(f"{passed} of {len(rows)} targets met.")
    serve = load(OUT, "serve.json") if os.path.exists(os.path.join(OUT, "serve.json")) else None
    if serve:
        first, last = serve["samples"][0], serve["samples"][-1]
        p()
        p(f"On a server (`psn-auth serve`, 2-minute access tokens, watched {serve['minutes']:g} min, "
          f"{serve['tokens_served']} tokens served): RSS {first['rss_kb'] / 1024:.1f} MiB at the "
          f"start, {last['rss_kb'] / 1024:.1f} MiB at the end (most "
          f"{max(s['rss_kb'] for s in serve['samples']) / 1024:.1f} MiB); open files "
          f"{first['open_files']} → {last['open_files']}; threads {first['threads']} → "
          f"{last['threads']}.")
        p()
    watcher = load(OUT, "watcher.json") if os.path.exists(os.path.join(OUT, "watcher.json")) else None
    if watcher:
        w_rss = statistics.median(r["rss_kb"] for r in watcher["runs"]) / 1024
        w_pss = statistics.median(r["pss_kb"] for r in watcher["runs"]) / 1024
        procs = ", ".join(q["comm"] for q in watcher["runs"][-1]["processes"])
        p()
        p(f"Background (the watcher, `psn-auth-watcher`, window closed): "
          f"**{w_rss:.1f} MiB RSS** ({w_pss:.1f} MiB PSS) over its process tree ({procs}), "
          f"median of {len(watcher['runs'])}; target ≤ {WATCHER_TARGET_MIB} MiB: "
          f"{'met' if w_rss <= WATCHER_TARGET_MIB else 'not met'}.")
    p()

    p("### Sign-in and getting a token (hyperfine)")
    p()
    p("| Command | Runs | Median | Mean ± σ | Min | Max | Middle half |")
    p("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for title, res in (("Sign-in", signin), ("Getting a token", token)):
        for label, r in res:
            p(f"| {title}: {label} | {r['runs']} | {ms(r['median'])} | {ms(r['mean'])} ± "
              f"{ms(r['stddev'])} | {ms(r['min'])} | {ms(r['max'])} | "
              f"{ms(r['p25'])} – {ms(r['p75'])} |")
    p()

    p(f"### The window ({len(app_runs)} runs each, after one warm-up; memory {window['settle_s']:g} s after first paint)")
    p()
    p("| Program | First paint from spawn: median | min | max | Self-reported (from `main`): median | "
      "RSS: median | min | max | PSS: median |")
    p("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, runs in (("PSN Auth app", app_runs), ("Tauri hello-world", hello_runs)):
        paints = [r["spawn_to_paint_ms"] for r in runs]
        rsses = [r["rss_kb"] / 1024 for r in runs]
        p(f"| {name} | {statistics.median(paints):.0f} ms | {min(paints):.0f} ms | "
          f"{max(paints):.0f} ms | {med(runs, 'self_reported_ms'):.0f} ms | "
          f"{statistics.median(rsses):.1f} MiB | {min(rsses):.1f} MiB | {max(rsses):.1f} MiB | "
          f"{med(runs, 'pss_kb') / 1024:.1f} MiB |")
    p()
    p(f"PSS (shared pages split between the processes that map them) ratio: "
      f"{pss[0] / pss[1]:.2f}. Processes in the last run's tree:")
    p()
    for name, runs in (("PSN Auth app", app_runs), ("Tauri hello-world", hello_runs)):
        procs = ", ".join(f"{q['comm']} {q['rss_kb'] / 1024:.1f} MiB" for q in runs[-1]["processes"])
        p(f"- {name}: {procs}")
    p()
    p("Per run (first paint from spawn / RSS):")
    p()
    for name, runs in (("PSN Auth app", app_runs), ("Tauri hello-world", hello_runs)):
        each = ", ".join(f"{r['spawn_to_paint_ms']:.0f} ms / {r['rss_kb'] / 1024:.1f} MiB" for r in runs)
        p(f"- {name}: {each}")
    p()

    p("### Size (release binaries, stripped, as built by the workspace's release profile)")
    p()
    p("| Binary | Bytes | vs hello-world |")
    p("| --- | ---: | ---: |")
    for label, key in (("`psn-auth-app` (the app)", "app"), ("`psn-auth` (the CLI)", "cli"),
                       ("`psn-auth-watcher` (the tray)", "watcher"),
                       ("`bench-hello` (Tauri hello-world)", "hello")):
        if key in sizes:
            p(f"| {label} | {sizes[key]:,} | {sizes[key] / sizes['hello']:.2f} |")
    p()

    p("### Package (`.deb`, Tauri's bundler, both repacked by `dpkg-deb` with xz at level 9; "
      "the app's also carries the CLI, the tray watcher, their man pages and completions)")
    p()
    p("| Package | .deb | Installed | vs hello-world (.deb / installed) |")
    p("| --- | ---: | ---: | ---: |")
    for label, key in (("`psn-auth` (app and CLI)", "deb"), ("Tauri hello-world", "hello_deb")):
        p(f"| {label} | {sizes[key] / 2**20:.2f} MiB | {sizes[key + '_installed'] / 2**20:.2f} MiB | "
          f"{sizes[key] / sizes['hello_deb']:.2f} / "
          f"{sizes[key + '_installed'] / sizes['hello_deb_installed']:.2f} |")
    p()

    p("## Machine")
    p()
    p("| | |")
    p("| --- | --- |")
    for k, v in machine():
        p(f"| {k} | {v} |")
    p()

    with open(os.path.join(ROOT, "bench/notes.md")) as f:
        sys.stdout.write(f.read())


if __name__ == "__main__":
    main()
