#!/usr/bin/env python3
"""The soak's measuring half; bench/soak starts it inside Xvfb and a private D-Bus session with
temporary XDG folders. Not meant to be run by hand.

For --minutes it runs, against the stand-in (2-minute access tokens, 4-hour refresh tokens):
- gnome-keyring (managed here, so it can be killed and started again) and dunst;
- three accounts signed in with `psn-auth login`;
- the watcher (`psn-auth-watcher`) and `psn-auth serve --dir DIR`, logging at info;
- 20 consumers, each calling `psn-auth token --json --account A` (every fourth one through
  `exec`) once a second, and a reader of serve's files;
- the fault schedule (FAULTS), placed at fractions of the run.
Then it writes OUT/RELIABILITY.md and OUT/soak.json.

usage: soak.py --minutes M --out DIR --bin TARGET_RELEASE --sandbox XDG_SANDBOX
"""

import argparse
import datetime as dt
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from window import status_kb  # noqa: E402

ACCESS_TTL = 120
REFRESH_TTL = 4 * 3600
CONSUMERS = 20
KEYRING_PASSWORD = b"psn-auth-soak"
# A call made within this long after a fault ended still counts as inside it: the fault's effect
# (an access token not renewed) lasts until the next refresh, at most one token lifetime.
GRACE = ACCESS_TTL
# (fraction of the run, name, what it does, how long in seconds)
FAULTS = [
    (0.08, "keyring", "gnome-keyring killed, started again 5 s later", 5),
    (0.20, "http_500", "Sony answers 500 to every refresh", 60),
    (0.36, "http_429", "Sony answers 429 with Retry-After: 30", 60),
    (0.52, "refused", "connections to Sony refused", 90),
    (0.68, "slow", "every answer from Sony takes 20 s", 60),
    (0.84, "revoked", "the third account's refresh token revoked", 0),
]
KEYRING_CRASH_RESTART = 10
WARNING_KIND = re.compile(r"refresh, which failed \(([a-z_]+)\)")


def now():
    return time.time()


class StandIn:
    def __init__(self, binary, env):
        self.proc = subprocess.Popen([binary], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     env=env, text=True, bufsize=1)
        self.lock = threading.Lock()
        info = {}
        while len(info) < 3:
            key, value = self.proc.stdout.readline().split(" ", 1)
            info[key] = value.strip()
        self.url, self.npsso = info["URL"], info["NPSSO"]

    def send(self, command):
        with self.lock:
            self.proc.stdin.write(command + "\n")
            self.proc.stdin.flush()
            answer = self.proc.stdout.readline().strip()
        if answer.startswith("error"):
            raise SystemExit(f"soak: stand-in: {answer}")
        return answer

    def stop(self):
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(timeout=10)


class Keyring:
    def __init__(self, log):
        self.log = log
        self.proc = None
        self.killing = False

    def start(self):
        self.proc = subprocess.Popen(
            # --replace: D-Bus activation may have started a locked one meanwhile.
            ["gnome-keyring-daemon", "--replace", "--foreground", "--unlock",
             "--components=secrets"],
            stdin=subprocess.PIPE, stdout=self.log, stderr=self.log)
        self.proc.stdin.write(KEYRING_PASSWORD)
        self.proc.stdin.close()
        for _ in range(100):
            owned = subprocess.run(
                ["dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus",
                 "/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner",
                 "string:org.freedesktop.secrets"], capture_output=True, text=True)
            if "true" in owned.stdout:
                return
            time.sleep(0.1)
        raise SystemExit("soak: gnome-keyring did not start")

    def kill(self):
        self.killing = True
        self.proc.kill()
        self.proc.wait()

    def crashed(self):
        """True when the daemon died without being killed here (gnome-keyring has crashed under
        many short-lived clients: an assertion in its session negotiation)."""
        return not self.killing and self.proc.poll() is not None


def sample(pid):
    try:
        return {"rss_kb": status_kb(pid, "VmRSS"), "open_files": len(os.listdir(f"/proc/{pid}/fd")),
                "threads": int(status_kb(pid, "Threads"))}
    except OSError:
        return None


def parse_time(text):
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--out", required=True)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--sandbox", required=True)
    args = ap.parse_args()
    out, bindir = args.out, args.bin
    cli = os.path.join(bindir, "psn-auth")
    logs = os.path.join(out, "logs")
    os.makedirs(logs, exist_ok=True)
    run_secs = args.minutes * 60

    keyring = Keyring(open(os.path.join(logs, "gnome-keyring.log"), "ab"))
    keyring.start()
    dunst = subprocess.Popen(["dunst"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    standin_env = dict(os.environ, PSN_STANDIN_ACCESS_TTL_SECS=str(ACCESS_TTL),
                       PSN_STANDIN_REFRESH_TTL_SECS=str(REFRESH_TTL))
    standin = StandIn(os.path.join(bindir, "psn-standin"), standin_env)
    env = dict(os.environ, PSN_AUTH_BASE_URL=standin.url, PSN_API_BASE_URL=standin.url)
    env.pop("PSN_AUTH_LOG", None)

    accounts = [(f"{7000000000000000001 + i}", f"Soak_Player_{i + 1}") for i in range(3)]
    for account_id, online in accounts:
        standin.send(f"account {account_id} {online}")
        done = subprocess.run([cli, "login"], input=standin.npsso, env=env, text=True,
                              capture_output=True)
        if done.returncode != 0:
            raise SystemExit(f"soak: login failed ({done.returncode}): {done.stderr}")
    ids = [a for a, _ in accounts]
    revoked = ids[2]

    served_dir = os.path.join(args.sandbox, "run", "served")
    daemon_env = dict(env, PSN_AUTH_LOG="info")
    watcher = subprocess.Popen([os.path.join(bindir, "psn-auth-watcher")], env=daemon_env,
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=open(os.path.join(logs, "watcher.stderr.log"), "ab"))
    serve = subprocess.Popen([cli, "serve", "--dir", served_dir], env=daemon_env,
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=open(os.path.join(logs, "serve.stderr.log"), "ab"))
    time.sleep(5)
    for name, proc in (("watcher", watcher), ("serve", serve)):
        if proc.poll() is not None:
            raise SystemExit(f"soak: {name} exited with {proc.returncode}")

    started = now()
    stop_at = started + run_secs
    calls = []  # (start, end, consumer, account, how, exit, seconds_left, warned_kind)
    calls_lock = threading.Lock()
    stopping = threading.Event()

    def consumer(n):
        account = ids[n % len(ids)]
        through_exec = n % 4 == 3
        if through_exec:
            argv = [cli, "exec", "--account", account, "--", "sh", "-c",
                    'printf "%s" "$PSN_ACCESS_EXPIRES_AT"']
        else:
            argv = [cli, "token", "--json", "--account", account]
        log = open(os.path.join(logs, f"consumer-{n:02}.stderr.log"), "a")
        while not stopping.is_set():
            t0 = now()
            done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)
            t1 = now()
            left = None
            if done.returncode == 0:
                expires = done.stdout if through_exec else json.loads(done.stdout)["expiresAt"]
                left = parse_time(expires.strip()) - t1
            kind = None
            if done.stderr:
                log.write(done.stderr)
                log.flush()
                found = WARNING_KIND.search(done.stderr)
                kind = found.group(1) if found else None
            with calls_lock:
                calls.append((t0, t1, n, account, "exec" if through_exec else "token",
                              done.returncode, left, kind))
            time.sleep(max(0.0, 1.0 - (t1 - t0)))

    reads = []  # (time, present, seconds_left)

    def reader():
        # An account that is never revoked: the top-level files mirror the active account, which
        # is the last signed in (the one revoked), whose files rightly go when it is.
        path = os.path.join(served_dir, ids[0], "token.json")
        while not stopping.is_set():
            t = now()
            try:
                with open(path) as f:
                    left = parse_time(json.load(f)["expiresAt"]) - t
                reads.append((t, True, left))
            except (OSError, ValueError):
                reads.append((t, False, None))
            time.sleep(1)

    windows = []  # (name, what, start, end)
    keyring_lock = threading.Lock()

    def supervise_keyring():
        # A crash is an unscheduled fault: recorded as a window, and the daemon started again
        # (unlocked, as a user unlocking at the prompt would) after KEYRING_CRASH_RESTART s.
        # The window begins when the daemon was last seen alive (polled often, so calls that
        # met the crash are not counted outside it).
        alive_at = now()
        while not stopping.is_set():
            time.sleep(0.2)
            with keyring_lock:
                if not keyring.crashed():
                    alive_at = now()
                    continue
                begin = alive_at
                print("soak: gnome-keyring crashed; starting it again", file=sys.stderr, flush=True)
                time.sleep(KEYRING_CRASH_RESTART)
                keyring.start()
                windows.append(("keyring_crash", "gnome-keyring crashed by itself (not scheduled); "
                                f"started again, unlocked, {KEYRING_CRASH_RESTART} s later",
                                begin, now()))
    samples = {"watcher": [], "serve": []}

    def take_samples():
        for name, proc in (("watcher", watcher), ("serve", serve)):
            s = sample(proc.pid)
            if s:
                samples[name].append(dict(s, minute=round((now() - started) / 60, 2)))

    def schedule():
        for fraction, name, what, secs in FAULTS:
            at = started + fraction * run_secs
            while now() < at and not stopping.is_set():
                time.sleep(0.5)
            if stopping.is_set():
                return
            begin = now()
            print(f"soak: {what}", file=sys.stderr, flush=True)
            if name == "keyring":
                with keyring_lock:
                    keyring.kill()
                    time.sleep(secs)
                    keyring.start()
                    keyring.killing = False
            elif name == "http_500":
                standin.send("fault refresh 500")
                time.sleep(secs)
                standin.send("clear")
            elif name == "http_429":
                standin.send("fault refresh 429 30")
                time.sleep(secs)
                standin.send("clear")
            elif name == "refused":
                standin.send(f"refuse {secs}")
                time.sleep(secs)
            elif name == "slow":
                standin.send("slow 20")
                time.sleep(secs)
                standin.send("slow 0")
            elif name == "revoked":
                standin.send(f"revoke {revoked}")
            windows.append((name, what, begin, now()))

    threads = [threading.Thread(target=consumer, args=(n,), daemon=True) for n in range(CONSUMERS)]
    threads.append(threading.Thread(target=reader, daemon=True))
    threads.append(threading.Thread(target=supervise_keyring, daemon=True))
    faults = threading.Thread(target=schedule, daemon=True)
    for t in threads:
        t.start()
    faults.start()
    take_samples()
    next_sample = started + 60
    while now() < stop_at:
        time.sleep(1)
        if now() >= next_sample:
            take_samples()
            next_sample += 60
        for name, proc in (("watcher", watcher), ("serve", serve)):
            if proc.poll() is not None:
                raise SystemExit(f"soak: {name} exited with {proc.returncode} during the run")
    take_samples()
    stopping.set()
    for t in threads:
        t.join(timeout=330)
    faults.join(timeout=5)
    ended = now()

    # The end state: every account still there; the revoked one stopped and saying so.
    status = subprocess.run([cli, "status", "--json"], env=env, capture_output=True, text=True)
    listed = [a["accountId"] for a in json.loads(status.stdout)["accounts"]] if status.stdout else []
    intact = {}
    for account in ids:
        done = subprocess.run([cli, "token", "--account", account], env=env,
                              capture_output=True, text=True)
        intact[account] = {"listed": account in listed, "token_exit": done.returncode}

    report = json.loads(standin.send("report"))
    for proc in (watcher, serve):
        proc.send_signal(signal.SIGTERM)
    for proc in (watcher, serve):
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    standin.stop()
    keyring.killing = True
    if keyring.proc.poll() is None:
        keyring.kill()
    dunst.kill()

    # Every log: ours and the app's log folder under the sandbox (the keyring's files and the
    # served folder hold secrets by design and are not logs).
    log_files = [os.path.join(logs, f) for f in os.listdir(logs)]
    for root, _, files in os.walk(args.sandbox):
        log_files += [os.path.join(root, f) for f in files if f.endswith(".log")]
    app_logs = os.path.join(logs, "app")
    os.makedirs(app_logs, exist_ok=True)
    for path in log_files:
        if not path.startswith(logs):
            shutil.copy(path, app_logs)
    secrets = [s for s in report["issued"] if len(s) >= 16]
    leaks = []
    for path in log_files:
        with open(path, "rb") as f:
            text = f.read().decode("utf-8", "replace")
        for secret in secrets:
            if secret in text or secret[:48] in text:
                leaks.append(os.path.relpath(path, out) if path.startswith(out) else path)
                break

    result = {
        "minutes": args.minutes, "started": started, "ended": ended,
        "access_ttl": ACCESS_TTL, "refresh_ttl": REFRESH_TTL, "consumers": CONSUMERS,
        "accounts": ids, "revoked": revoked, "windows": windows, "calls": calls, "reads": reads,
        "samples": samples, "intact": intact, "log_files": len(log_files), "leaks": leaks,
        "requests": report["requests"], "refreshes": report["refreshes"],
    }
    with open(os.path.join(out, "soak.json"), "w") as f:
        json.dump(result, f)
    import soak_report
    with open(os.path.join(out, "RELIABILITY.md"), "w") as f:
        f.write(soak_report.render(result))


if __name__ == "__main__":
    main()
