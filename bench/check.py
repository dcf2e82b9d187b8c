#!/usr/bin/python3
"""bench/check.py: times `dnsdeps check` against `zonemaster-cli --hints` on the same
domains in the mini-internet and prints the medians. A benchmark that prints figures,
not a test: run it as root (it installs zonemaster-cli with apt-get if it is missing,
then enters a private network namespace).

    /usr/bin/python3 bench/check.py [--runs N] [--budget SECONDS] [--dnsdeps PATH]

Wall time of the whole process (start included), median of N runs each (fewer when
a cell has used up its time budget, never fewer than 3):
dnsdeps with its defaults (timeout 1500 ms, 2 retries), dnsdeps with the test
suite's --timeout 500 --retries 0, and zonemaster-cli with its defaults (every
test module). Domains: healthy.test. (all servers answer) and timeout.test. (one
of its two nameservers never answers).
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "system"))

from minternet import netns  # noqa: E402
from minternet.world import World  # noqa: E402

SCENARIOS = os.path.join(ROOT, "tests", "system", "scenarios")
DOMAINS = [
    ("check_parent.toml", "healthy.test.", "healthy"),
    ("check_servers.toml", "timeout.test.", "one silent server"),
]
ZONEMASTER = "zonemaster-cli"
EXIT_NAMES = {0: "ok", 1: "warning", 2: "critical", 3: "unknown"}


def ensure_zonemaster():
    """Install zonemaster-cli (Debian package) when missing; None or why it is not there."""
    if shutil.which(ZONEMASTER):
        return None
    if os.geteuid() != 0:
        return "zonemaster-cli is not installed and installing it needs root"
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    print("bench/check: installing zonemaster-cli (apt-get)...", flush=True)
    for cmd in (["apt-get", "update", "-qq"],
                ["apt-get", "install", "-y", "-qq", "--no-install-recommends", ZONEMASTER]):
        try:
            r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
        except (OSError, subprocess.TimeoutExpired) as e:
            return f"{' '.join(cmd)}: {e}"
        if r.returncode != 0:
            return f"{' '.join(cmd)} failed: {(r.stderr or r.stdout).strip()[-300:]}"
    return None if shutil.which(ZONEMASTER) else "apt-get ran, but zonemaster-cli is not on PATH"


def timed(cmd, runs, budget, limit):
    """Median wall time (ms) over up to `runs` runs (at least 3, then stopping once
    `budget` seconds are spent), the number of runs, and every run's exit status and
    the first lines of its stderr."""
    times, results = [], set()
    start = time.perf_counter()
    while len(times) < runs and (len(times) < 3 or time.perf_counter() - start < budget):
        t0 = time.perf_counter()
        r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                           errors="replace", timeout=limit)
        times.append((time.perf_counter() - t0) * 1000)
        results.add((r.returncode, r.stderr.strip()[:300]))
    return statistics.median(times), len(times), results


def cell(median, n):
    return "%.1f (%d)" % (median, n)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15, help="runs per cell (15)")
    ap.add_argument("--budget", type=float, default=60,
                    help="seconds per cell after which no new run starts (60; at least 3 runs)")
    ap.add_argument("--dnsdeps", default=os.environ.get("DNSDEPS",
                                                       os.path.join(ROOT, "build", "dnsdeps")))
    a = ap.parse_args()
    a.dnsdeps = os.path.abspath(a.dnsdeps)
    if not netns.inside():
        why = ensure_zonemaster()  # before the namespace: apt-get needs the network
        if why:
            print(f"bench/check: {why}", flush=True)
    netns.enter()
    zm_why = None if shutil.which(ZONEMASTER) else "zonemaster-cli is not installed"
    print("%-15s %-18s %15s %18s %17s  %s" % ("domain", "", "dnsdeps", "dnsdeps -t500 -r0",
                                              "zonemaster-cli", "dnsdeps verdict"))
    for scen, domain, what in DOMAINS:
        with World.from_file(os.path.join(SCENARIOS, scen)) as w:
            base = [a.dnsdeps, "check", "--root-hints", w.root_hints]
            dd = timed(base + [domain], a.runs, a.budget, 120)
            fast = timed(base + ["--timeout", "500", "--retries", "0", domain], a.runs, a.budget,
                         120)
            zm_cell = "-"
            if zm_why is None:
                zm = timed([ZONEMASTER, "--hints", w.root_hints, "--no-progress", domain], a.runs,
                           a.budget, 900)
                failed = [err or f"exit {rc}" for rc, err in zm[2] if rc != 0]
                if failed:
                    zm_why = failed[0]
                else:
                    zm_cell = cell(zm[0], zm[1])
            verdicts = "/".join(sorted({EXIT_NAMES.get(rc, f"exit {rc}")
                                        for rc, _ in dd[2] | fast[2]}))
            print("%-15s %-18s %15s %18s %17s  %s" % (domain, what, cell(dd[0], dd[1]),
                                                      cell(fast[0], fast[1]), zm_cell, verdicts),
                  flush=True)
    print("(milliseconds: median wall time with process start, number of runs in brackets;\n"
          " dnsdeps with its defaults (timeout 1500 ms, 2 retries) and with --timeout 500 "
          "--retries 0;\n zonemaster-cli %s with its defaults, every test module)" % zm_version())
    if zm_why:
        print(f"zonemaster-cli could not run here: {zm_why}")


def zm_version():
    try:
        r = subprocess.run([ZONEMASTER, "--version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return "(not installed)"
    for line in r.stdout.splitlines():
        if line.startswith("CLI version:"):
            return line.split(":", 1)[1].strip()
    return "(version unknown)"


if __name__ == "__main__":
    main()
