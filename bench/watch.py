#!/usr/bin/python3
"""bench/watch.py: `dnsdeps watch` on the generated world of bench/live_world.py (one root
server, two servers per TLD, hosting operators with two NSD servers each, every domain a
zone of its own) for a few intervals. Prints, per round the service logged, how late it
started; the service's RSS (sampled every second, and the peak, VmHWM); the rounds
committed; and the store's size per domain-round. A benchmark that prints figures, not a
test: run it as root (it enters a private network namespace).

    bench/watch.sh [--domains N] [--interval 60] [--intervals 3] [--concurrency 200]
                   [--watch-args '...'] [--dnsdeps PATH]
"""

import argparse
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "system"))

import minternet.world as world_module  # noqa: E402
from live_world import LiveWorld, portfolio  # noqa: E402
from minternet import netns  # noqa: E402


def status_kb(pid, key):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def logical(path):
    """(bytes, domain-rounds) of the store as a reader sees it now (WAL frames included)."""
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        size = db.execute("PRAGMA page_size").fetchone()[0]
        n = db.execute("SELECT count(*) FROM rounds").fetchone()[0]
        db.close()
        return pages * size, n
    except sqlite3.Error:
        return 0, 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--domains", type=int, default=10000)
    ap.add_argument("--operators", type=int, default=24)
    ap.add_argument("--interval", type=int, default=60)
    ap.add_argument("--intervals", type=int, default=3, help="run this many intervals")
    ap.add_argument("--concurrency", type=int, default=200)
    ap.add_argument("--watch-args", default="--no-registration --qps 0 --per-server 8",
                    help="more options for dnsdeps watch")
    ap.add_argument("--dnsdeps", default=os.environ.get("DNSDEPS",
                                                       os.path.join(ROOT, "build", "dnsdeps")))
    a = ap.parse_args()
    a.dnsdeps = os.path.abspath(a.dnsdeps)
    if not os.access(a.dnsdeps, os.X_OK):
        sys.exit(f"bench/watch: no dnsdeps at {a.dnsdeps} (build it, or give --dnsdeps)")
    netns.enter()
    world_module.START_TIMEOUT = max(world_module.START_TIMEOUT, 300.0)
    data, domains, _ = portfolio(a.domains, a.operators)
    world = LiveWorld.from_dict(data, source="bench/watch")
    print(f"world: {len(domains)} domains, {len(data['zone'])} zones, {os.cpu_count()} CPUs",
          flush=True)
    with world, tempfile.TemporaryDirectory(prefix="bench-watch-") as tmp:
        print(f"world: up in {world.bringup_seconds:.1f} s", flush=True)
        dfile = os.path.join(tmp, "domains.txt")
        with open(dfile, "w") as f:
            f.write("\n".join(domains) + "\n")
        store = os.path.join(tmp, "watch.db")
        log = os.path.join(tmp, "watch.log")
        cmd = [a.dnsdeps, "watch", "--root-hints", world.root_hints, "--store", store,
               "--interval", f"{a.interval}s", "--concurrency", str(a.concurrency),
               "--list", dfile, *a.watch_args.split()]
        print("$ " + " ".join(cmd[:1] + ["watch"] + cmd[4:]), flush=True)
        t0 = time.monotonic()
        with open(log, "wb") as lf:
            p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=lf, stderr=lf)
            rss, first = [], None
            while time.monotonic() - t0 < a.interval * a.intervals + 5 and p.poll() is None:
                rss.append(status_kb(p.pid, "VmRSS"))
                if first is None and time.monotonic() - t0 >= a.interval + 5:
                    first = logical(store)  # every domain has its first round
                time.sleep(1)
            last = logical(store)
            hwm = status_kb(p.pid, "VmHWM")
            p.send_signal(signal.SIGTERM)
            rc = p.wait(600)
        wall = time.monotonic() - t0
        text = open(log, encoding="utf-8", errors="replace").read()
        if rc != 0:
            sys.exit(f"bench/watch: dnsdeps watch exit {rc}: {text[-2000:]}")
        lags = [(int(n), float(s), int(l)) for n, s, l in re.findall(
            r"round: (\d+) domain\(s\) checked in ([0-9.]+) s, started at most (\d+) s late",
            text)]
        db = sqlite3.connect(store)
        n_rounds = db.execute("SELECT count(*) FROM rounds").fetchone()[0]
        n_events = db.execute("SELECT count(*) FROM events").fetchone()[0]
        statuses = db.execute("SELECT status, count(*) FROM rounds GROUP BY status").fetchall()
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()
        size = os.path.getsize(store)
        per_domain_interval = n_rounds / max(len(domains), 1) / (wall / a.interval)
        print(f"\nran {wall:.0f} s ({a.intervals} intervals of {a.interval} s): "
              f"{len(lags)} rounds logged, {n_rounds} domain-rounds committed "
              f"({per_domain_interval:.2f} per domain per interval), {n_events} events, "
              f"statuses {dict(statuses)}")
        if lags:
            late = sorted(l for _, _, l in lags)
            print(f"schedule lag (s a round's first domain started after it was due): "
                  f"median {late[len(late) // 2]}, max {late[-1]}; "
                  f"round length median {sorted(s for _, s, _ in lags)[len(lags) // 2]:.1f} s,"
                  f" max {max(s for _, s, _ in lags):.1f} s; "
                  f"domains per round median {sorted(n for n, _, _ in lags)[len(lags) // 2]}")
        print(f"RSS: peak {hwm / 1024:.1f} MiB (VmHWM), last {rss[-1] / 1024 if rss else 0:.1f}"
              f" MiB, median {sorted(rss)[len(rss) // 2] / 1024 if rss else 0:.1f} MiB")
        print(f"store: {size} bytes after a checkpoint, {size / max(n_rounds, 1):.0f} bytes per "
              f"domain-round on average (first rounds store what each domain says)")
        if first and last[1] > first[1]:
            print(f"store growth after the first interval: {last[0] - first[0]} bytes for "
                  f"{last[1] - first[1]} domain-rounds, "
                  f"{(last[0] - first[0]) / (last[1] - first[1]):.0f} bytes per domain-round "
                  f"(nothing changed: a round row, its index entries, the domain's state)")


if __name__ == "__main__":
    main()
