#!/usr/bin/env python3
"""Window start-up and memory for bench/run: the app against the hello-world.

For each run of each program (alternating, so both see the same machine load): spawn it with
PSN_AUTH_TRACE_STARTUP=1, time from just before the spawn until its `first-paint-ms N` line
appears on stderr, wait SETTLE seconds, sum VmRSS (and Pss) over the process and every
descendant (WebKitWebProcess, WebKitNetworkProcess, ...), then stop the whole tree.
One unmeasured warm-up run of each comes first. Writes JSON to --out.

usage: window.py --out FILE --runs N --settle S NAME=BINARY [NAME=BINARY ...]
"""

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time

FIRST_PAINT = re.compile(rb"first-paint-ms (\d+)")


def children_map():
    """pid -> [child pids], from /proc/*/stat."""
    kids = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        # comm may hold spaces and parentheses: the fields after the last ')' are fixed.
        rest = stat[stat.rfind(b")") + 2 :].split()
        kids.setdefault(int(rest[1]), []).append(int(entry))
    return kids


def tree(pid):
    kids = children_map()
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def status_kb(pid, field):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def pss_kb(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def comm(pid):
    """The program's name (argv[0]'s last part; /proc/PID/comm cuts it at 15 characters)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            argv0 = f.read().split(b"\0")[0].decode(errors="replace")
        if argv0:
            return os.path.basename(argv0)
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return "?"


def alive(pid):
    """Running (not gone, not a zombie waiting for someone else to reap it)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except OSError:
        return False
    return stat[stat.rfind(b")") + 2 :][:1] != b"Z"


def stop(proc):
    """SIGTERM the program and its descendants, wait (bounded), SIGKILL what is left."""
    pids = tree(proc.pid)
    for p in pids:
        try:
            os.kill(p, signal.SIGTERM)
        except ProcessLookupError:
            pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(alive(p) for p in pids[1:]):
        time.sleep(0.05)
    for p in pids[1:]:
        if alive(p):
            try:
                os.kill(p, signal.SIGKILL)
            except ProcessLookupError:
                pass


def one_run(binary, env, settle, timeout):
    seen = threading.Event()
    result = {}
    log = []

    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [binary], env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, start_new_session=True,
    )

    def read_stderr():
        for line in proc.stderr:
            if not seen.is_set():
                m = FIRST_PAINT.search(line)
                if m:
                    result["spawn_to_paint_ms"] = (time.perf_counter() - t0) * 1000
                    result["self_reported_ms"] = int(m.group(1))
                    seen.set()
                    continue
            log.append(line.decode(errors="replace").rstrip())

    reader = threading.Thread(target=read_stderr, daemon=True)
    reader.start()
    try:
        if not seen.wait(timeout):
            raise RuntimeError(
                f"{binary}: no first-paint line within {timeout} s (exit {proc.poll()}); "
                f"stderr: {' | '.join(log[-10:])}"
            )
        time.sleep(settle)
        if proc.poll() is not None:
            raise RuntimeError(f"{binary} exited ({proc.returncode}) before it settled")
        procs = []
        for p in tree(proc.pid):
            procs.append({"pid": p, "comm": comm(p), "rss_kb": status_kb(p, "VmRSS"),
                          "pss_kb": pss_kb(p)})
        result["rss_kb"] = sum(p["rss_kb"] for p in procs)
        result["pss_kb"] = sum(p["pss_kb"] for p in procs)
        result["processes"] = procs
    finally:
        stop(proc)
        reader.join(timeout=2)
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--settle", type=float, default=3.0)
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("programs", nargs="+", help="NAME=BINARY")
    args = ap.parse_args()

    programs = [p.split("=", 1) for p in args.programs]
    env = dict(os.environ, PSN_AUTH_TRACE_STARTUP="1")
    results = {name: {"binary": os.path.basename(binary), "runs": []} for name, binary in programs}

    for i in range(args.runs + 1):
        # Alternate the order too, so neither always runs right after the other.
        order = programs if i % 2 == 0 else list(reversed(programs))
        for name, binary in order:
            r = one_run(binary, env, args.settle, args.timeout)
            if i == 0:
                print(f"  {name}: warm-up {r['spawn_to_paint_ms']:.0f} ms", file=sys.stderr)
                continue
            results[name]["runs"].append(r)
            print(
                f"  {name}: run {i}: first paint {r['spawn_to_paint_ms']:.0f} ms from spawn "
                f"({r['self_reported_ms']} ms self-reported), RSS {r['rss_kb'] / 1024:.1f} MiB "
                f"in {len(r['processes'])} processes",
                file=sys.stderr,
            )
        time.sleep(0.5)

    with open(args.out, "w") as f:
        json.dump({"settle_s": args.settle, "programs": results}, f, indent=1)


if __name__ == "__main__":
    main()
