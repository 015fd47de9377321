#!/usr/bin/env python3
"""RELIABILITY.md from bench/soak.py's soak.json: `render(result)`, or run as
`soak_report.py soak.json > RELIABILITY.md` to write it again from saved results."""

import collections
import datetime as dt
import json
import sys

# The hand-out floor of a 2-minute token: a quarter of its lifetime (psn_core::refresh).
FLOOR = 30
# A slow answer (20 s) plus the lock wait: a call can end this long after the token it saw.
SLACK = 25
EXIT_KINDS = {0: "served", 1: "other", 3: "no account", 4: "new NPSSO needed",
              6: "temporary (Sony down, rate limited, offline)", 7: "keychain"}


def windows_of(result, t0, t1, account):
    """The fault windows (names) a call from t0 to t1 falls in: keyring windows first, so a
    keychain failure of the revoked account is matched to the keyring that was down."""
    grace = result["access_ttl"]
    found = []
    for name, _, start, end in result["windows"]:
        if name.startswith("keyring"):
            # A keyring down: calls in flight when it went fail (exit 7), as do calls until it
            # answers again, and those waiting on its unlock prompt come back up to a minute later.
            if t1 >= start and t0 <= end + 75:
                found.insert(0, name)
        elif name == "revoked":
            if account == result["revoked"] and t0 >= start:
                found.append(name)
        elif start <= t0 <= end + grace:
            found.append(name)
    return found


def window_of(result, t0, account, t1=None):
    """The first fault window a call falls in, else None."""
    found = windows_of(result, t0, t0 if t1 is None else t1, account)
    return found[0] if found else None


def stamp(t):
    return dt.datetime.fromtimestamp(t, dt.timezone.utc).strftime("%H:%M:%S")


def render(r):
    started, ended = r["started"], r["ended"]
    calls = sorted(r["calls"])
    # The latest expiry any consumer was handed for each account, before each call.
    last_expiry = {}
    outside = collections.Counter()
    inside = collections.defaultdict(collections.Counter)
    unjustified = []
    warned = collections.Counter()
    shortest = None
    shortest_outside = None
    for t0, t1, n, account, how, code, left, kind in calls:
        found = windows_of(r, t0, t1, account)
        w = found[0] if found else None
        if code == 0:
            expiry = t1 + left
            last_expiry[account] = max(last_expiry.get(account, 0), expiry)
            shortest = left if shortest is None else min(shortest, left)
            if w is None:
                shortest_outside = left if shortest_outside is None else min(shortest_outside, left)
            if kind:
                warned[kind] += 1
        if w is None:
            outside[code] += 1
            continue
        inside[w][code] += 1
        if code == 0:
            continue
        # A failure inside a window is justified when only the user can fix it (the revoked
        # account), the keychain was down, or the token last handed out was under its floor.
        expiry = last_expiry.get(account, 0)
        justified = (
            ("revoked" in found and code == 4)
            or (code == 7 and any(x.startswith("keyring") for x in found))
            or (code == 6 and t0 >= expiry - FLOOR - SLACK)
        )
        if not justified:
            unjustified.append((t0, account, w, code, round(expiry - t0, 1)))
    made = len(calls)
    served = sum(1 for c in calls if c[5] == 0)
    outside_failed = sum(v for k, v in outside.items() if k != 0)

    # Refreshes against the rule's minimum: a 2-minute token is renewed with a minute left, so an
    # account needs one refresh a minute while it is served; never two within 20 s.
    per_account = collections.defaultdict(list)
    for ms, account in r["refreshes"]:
        per_account[account].append(ms / 1000)
    revoke_at = next((s for n, _, s, _ in r["windows"] if n == "revoked"), ended)
    refresh_rows = []
    duplicates = 0
    for account in r["accounts"]:
        times = sorted(t for t in per_account[account] if started <= t <= ended)
        until = revoke_at if account == r["revoked"] else ended
        minimum = int((until - started) // (r["access_ttl"] / 2))
        close = sum(1 for a, b in zip(times, times[1:]) if b - a < 20)
        duplicates += close
        refresh_rows.append((account, len(times), minimum, close))

    quarters = collections.Counter()
    for ms, _ in r["requests"]:
        t = ms / 1000
        if started <= t <= ended:
            quarters[int((t - started) // 900)] += 1
    busiest = max(quarters.values()) if quarters else 0

    reads = r["reads"]
    present = [x for x in reads if x[1]]
    expired_reads = [x for x in present if x[2] is not None and x[2] < 0]
    reads_outside_missing = [x for x in reads if not x[1] and window_of(r, x[0], None) is None]

    def growth(name):
        s = r["samples"][name]
        return (s[0], s[-1]) if s else (None, None)

    growth_rows = []
    grew = False
    for name in ("watcher", "serve"):
        first, last = growth(name)
        if not first:
            continue
        growth_rows.append((name, first, last))
        # Memory settles after the first refreshes; growth is judged against the sample a
        # quarter in (allocator warm-up), with a 1 MiB allowance.
        samples = r["samples"][name]
        base = samples[len(samples) // 4]
        if last["rss_kb"] > base["rss_kb"] + 1024 or last["open_files"] > first["open_files"] + 2 \
                or last["threads"] > first["threads"] + 2:
            grew = True

    intact = r["intact"]
    kept = all(v["listed"] for v in intact.values())
    healthy = all(v["token_exit"] == 0 for a, v in intact.items() if a != r["revoked"])
    revoked_says = intact[r["revoked"]]["token_exit"] == 4

    checks = [
        ("consumer calls failed outside fault windows", outside_failed, outside_failed == 0),
        ("failures inside windows with a token still above its floor", len(unjustified),
         not unjustified),
        ("expired tokens served by `serve`", len(expired_reads), not expired_reads),
        ("serve's file missing outside fault windows", len(reads_outside_missing),
         not reads_outside_missing),
        ("two refreshes of one account within 20 s", duplicates, duplicates == 0),
        ("requests to Sony in the busiest 15 minutes (Sony limits near 300)", busiest,
         busiest < 300),
        ("watcher and serve: growth in memory, files or threads", "yes" if grew else "none",
         not grew),
        ("accounts still stored at the end", f"{sum(v['listed'] for v in intact.values())} of "
         f"{len(intact)}", kept),
        ("accounts not revoked still hand out a token", "yes" if healthy else "no", healthy),
        ("the revoked account says a new NPSSO is needed (exit 4)",
         "yes" if revoked_says else "no", revoked_says),
        ("logs holding a secret", f"{len(r['leaks'])} of {r['log_files']}", not r["leaks"]),
    ]
    ok = all(c[2] for c in checks)

    lines = [
        "# Reliability",
        "",
        "Generated by `bench/soak --minutes {:g}` ({}); do not edit by hand. A soak is a "
        "benchmark, not a test: `scripts/test` runs none of it.".format(
            r["minutes"], dt.datetime.fromtimestamp(started, dt.timezone.utc).strftime("%Y-%m-%d")),
        "",
        f"For {r['minutes']:g} minutes the stand-in for Sony issued {r['access_ttl']}-second access "
        f"tokens and {r['refresh_ttl'] // 3600}-hour refresh tokens to {len(r['accounts'])} "
        f"accounts, while the watcher, `psn-auth serve` and {r['consumers']} consumers (each "
        "calling `psn-auth token --json` once a second, every fourth through `exec`) ran side by "
        "side through the fault schedule below. A call counts as inside a fault window from the "
        f"fault's start until {r['access_ttl']} s after its end (one token lifetime); for the "
        "revoked account, from the revocation on.",
        "",
        "## Verdict",
        "",
        "| check | result | ok |",
        "|---|---|---|",
    ]
    lines += [f"| {name} | {value} | {'yes' if good else '**NO**'} |" for name, value, good in checks]
    lines += ["", "All checks hold." if ok else "**Some checks failed.**", ""]

    lines += ["## Faults", "", "| at (UTC) | fault | lasted |", "|---|---|---|"]
    for name, what, start, end in r["windows"]:
        lines.append(f"| {stamp(start)} | {what} | {end - start:.0f} s |")
    lines.append("")

    lines += ["## Consumer calls", "",
              f"{made} calls made, {served} served. Shortest token lifetime handed out: "
              f"{shortest:.0f} s ({shortest_outside:.0f} s outside fault windows)."
              if shortest is not None else f"{made} calls made, {served} served.",
              "", "| where | calls | served | failed, by exit code |", "|---|---|---|---|"]

    def failed_text(counter):
        parts = [f"{k} ({EXIT_KINDS.get(k, '?')}): {v}" for k, v in sorted(counter.items()) if k]
        return ", ".join(parts) or "none"

    lines.append(f"| outside fault windows | {sum(outside.values())} | {outside[0]} | "
                 f"{failed_text(outside)} |")
    for name, counter in inside.items():
        lines.append(f"| in `{name}` | {sum(counter.values())} | {counter[0]} | "
                     f"{failed_text(counter)} |")
    lines.append("")
    if warned:
        lines.append("Handed out through a failed refresh, with a warning naming it: " + ", ".join(
            f"{k} {v}" for k, v in sorted(warned.items())) + ".")
        lines.append("")
    if unjustified:
        lines += ["Failures with a token still above its floor (at, account, window, exit, "
                  "seconds the last token had left):", ""]
        lines += [f"- {stamp(t)} {a} {w} {c} {left}" for t, a, w, c, left in unjustified[:20]]
        lines.append("")

    lines += ["## Refreshes", "",
              "A 2-minute token is renewed with a minute left (the rule's margin is half a short "
              "token's lifetime), so an account needs one refresh a minute while it is served. "
              "Refreshes counted are the stand-in's successful ones, whoever asked.", "",
              "| account | made | minimum needed | two within 20 s |", "|---|---|---|---|"]
    for account, count, minimum, close in refresh_rows:
        note = " (revoked)" if account == r["revoked"] else ""
        lines.append(f"| {account}{note} | {count} | {minimum} | {close} |")
    lines += ["", "Requests to Sony per 15 minutes: " + ", ".join(
        f"{quarters[q]}" for q in sorted(quarters)) + ".", ""]

    lines += ["## Processes", "", "| process | at start | at end |", "|---|---|---|"]
    for name, first, last in growth_rows:
        def fmt(s):
            return (f"{s['rss_kb'] / 1024:.1f} MiB, {s['open_files']} files, "
                    f"{s['threads']} threads")
        lines.append(f"| {name} | {fmt(first)} | {fmt(last)} |")
    lines += ["", f"`serve`'s `{r['accounts'][0]}/token.json` (an account never revoked) was read "
              f"{len(reads)} times: present {len(present)}, "
              f"never expired ({len(expired_reads)} expired).", ""]
    lines += ["## At the end", ""]
    for account, v in intact.items():
        lines.append(f"- {account}: {'stored' if v['listed'] else 'MISSING'}, "
                     f"`psn-auth token` exit {v['token_exit']}")
    lines += ["", f"{r['log_files']} log files scanned for every secret the stand-in issued: "
              f"{len(r['leaks'])} held one.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    with open(sys.argv[1]) as f:
        sys.stdout.write(render(json.load(f)))
