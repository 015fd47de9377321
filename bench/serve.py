#!/usr/bin/env python3
"""`psn-auth serve` over time, for bench/run: started against a stand-in that issues 2-minute
access tokens (so it refreshes every minute), it keeps DIR fresh for --minutes while this
samples its resident memory (VmRSS), open files and threads once a minute and counts the
distinct tokens it served. Memory must not grow. Writes JSON to --out; the environment (the file
vault, the endpoints) is the caller's.

usage: serve.py --out FILE --minutes M --dir DIR BINARY
"""

import argparse
import json
import os
import subprocess
import time

from window import status_kb, stop


def sample(pid, started):
    return {
        "minute": round((time.monotonic() - started) / 60, 2),
        "rss_kb": status_kb(pid, "VmRSS"),
        "open_files": len(os.listdir(f"/proc/{pid}/fd")),
        "threads": int(status_kb(pid, "Threads")),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--minutes", type=float, default=60)
    ap.add_argument("--dir", required=True)
    ap.add_argument("binary")
    args = ap.parse_args()
    token_file = os.path.join(args.dir, "access_token")
    proc = subprocess.Popen([os.path.abspath(args.binary), "serve", "--dir", args.dir],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            if os.path.exists(token_file):
                break
            if proc.poll() is not None:
                raise SystemExit(f"serve.py: psn-auth serve exited with {proc.returncode}")
            time.sleep(0.1)
        started = time.monotonic()
        time.sleep(5)
        samples = [sample(proc.pid, started)]
        tokens = set()
        next_sample = started + 60
        while time.monotonic() - started < args.minutes * 60:
            with open(token_file) as f:
                tokens.add(f.read().strip())
            if time.monotonic() >= next_sample:
                samples.append(sample(proc.pid, started))
                next_sample += 60
            time.sleep(1)
        samples.append(sample(proc.pid, started))
        if proc.poll() is not None:
            raise SystemExit(f"serve.py: psn-auth serve exited with {proc.returncode}")
    finally:
        stop(proc)
    with open(args.out, "w") as f:
        json.dump({"minutes": args.minutes, "tokens_served": len(tokens), "samples": samples},
                  f, indent=2)


if __name__ == "__main__":
    main()
