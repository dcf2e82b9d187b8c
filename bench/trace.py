#!/usr/bin/python3
"""bench/trace.py: times `dnsdeps trace` against `drill -T` (ldnsutils) on the same
names in the mini-internet and prints both medians. A benchmark that prints
figures, not a test: run it as root (it enters a private network namespace).

    /usr/bin/python3 bench/trace.py [--runs N] [--dnsdeps PATH]
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "system"))

from minternet import netns  # noqa: E402
from minternet.world import World  # noqa: E402

NAMES = [
    ("healthy.toml", "www.example.test.", "A"),
    ("healthy.toml", "www.glueless.test.", "A"),
    ("demo", "puri.sm.", "SOA"),
    ("failures.toml", "www.silent.test.", "A"),
]


def timed(cmd, runs):
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--dnsdeps", default=os.path.join(ROOT, "build", "dnsdeps"))
    a = ap.parse_args()
    netns.enter()
    print("%-22s %-5s %14s %14s" % ("name", "type", "dnsdeps (ms)", "drill -T (ms)"))
    for scen, name, qtype in NAMES:
        path = (os.path.join(ROOT, "data", "demo", "purism.toml") if scen == "demo"
                else os.path.join(ROOT, "tests", "system", "scenarios", scen))
        with World.from_file(path) as w:
            hints = str(w.root_hints)
            dd = timed([a.dnsdeps, "trace", "--root-hints", hints, "--timeout", "1000",
                        "--retries", "0", name, qtype], a.runs)
            dr = timed(["drill", "-T", "-r", hints, name, qtype], a.runs)
            print("%-22s %-5s %14.1f %14.1f" % (name, qtype, dd, dr))
    print("(medians of %d runs each, process start included; dnsdeps asks every server "
          "of every zone, drill -T one)" % a.runs)


if __name__ == "__main__":
    main()
