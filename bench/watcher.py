#!/usr/bin/env python3
"""The watcher's memory for bench/run: `psn-auth-watcher` (tray, refresh, reminders; it links no
WebKit), started RUNS times against the stand-in with one account signed in. After SETTLE
seconds, VmRSS and Pss are summed over the process and every descendant (there should be none:
no WebKit process runs in the background), then the process is stopped. Writes JSON to --out.

usage: watcher.py --out FILE --runs N --settle S BINARY
"""

import argparse
import json
import os
import subprocess
import time

from window import comm, pss_kb, status_kb, stop, tree


def measure(binary, settle):
    proc = subprocess.Popen([binary], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(settle)
        if proc.poll() is not None:
            raise SystemExit(f"watcher.py: the watcher exited with {proc.returncode}")
        pids = tree(proc.pid)
        return {
            "rss_kb": sum(status_kb(p, "VmRSS") for p in pids),
            "pss_kb": sum(pss_kb(p) for p in pids),
            "processes": [{"pid": p, "comm": comm(p), "rss_kb": status_kb(p, "VmRSS")} for p in pids],
        }
    finally:
        stop(proc)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--settle", type=float, default=5)
    ap.add_argument("binary")
    args = ap.parse_args()
    runs = [measure(os.path.abspath(args.binary), args.settle) for _ in range(args.runs)]
    with open(args.out, "w") as f:
        json.dump({"runs": runs}, f, indent=2)


if __name__ == "__main__":
    main()
