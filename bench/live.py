#!/usr/bin/python3
"""bench/live.py: `dnsdeps audit` on a generated world of many domains (bench/live_world.py:
one root server, two servers per TLD, hosting operators with two NSD servers each, every
domain a zone of its own), and zonemaster-cli on a sample of the same domains. Prints
domains/s, peak RSS (/usr/bin/time -v), the CPU that dnsdeps and the NSD servers used, and
the queries per domain. A benchmark that prints figures, not a test: run it as root (it
installs zonemaster-cli and time with apt-get when missing, then enters a private network
namespace).

    bench/live.sh [--domains N] [--concurrency 100,200,400] [--repeat N] [--sample N]
                  [--polite] [--dnsdeps PATH]
"""

import argparse
import json
import os
import random
import re
import shutil
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

ZONEMASTER = "zonemaster-cli"
TIME = "/usr/bin/time"


def apt_install(pkg, binary):
    """Install a Debian package when its binary is missing; None or why it is not there."""
    if shutil.which(binary):
        return None
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    print(f"bench/live: installing {pkg} (apt-get)...", file=sys.stderr, flush=True)
    for cmd in (["apt-get", "update", "-qq"],
                ["apt-get", "install", "-y", "-qq", "--no-install-recommends", pkg]):
        r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
        if r.returncode != 0:
            return f"{' '.join(cmd)} failed: {(r.stderr or r.stdout).strip()[-300:]}"
    return None if shutil.which(binary) else f"apt-get ran, but {binary} is not on PATH"


def cpu_seconds(pgids):
    """User + system CPU seconds of every process in the given process groups."""
    ticks = sum(int(f[11]) + int(f[12]) for _, f in world_module.group_stats(pgids))
    return ticks / os.sysconf("SC_CLK_TCK")


def steal_seconds():
    """CPU seconds the hypervisor gave to others, all CPUs, since boot (/proc/stat):
    when it grows during a run, the machine was shared and the figures are low."""
    with open("/proc/stat") as f:
        fields = f.readline().split()
    return int(fields[8]) / os.sysconf("SC_CLK_TCK") if len(fields) > 8 else 0.0


def timev(text, key):
    m = re.search(r"^\s*" + re.escape(key) + r": (.*)$", text, re.M)
    return m.group(1).strip() if m else "?"


def wall_seconds(text):
    v = timev(text, "Elapsed (wall clock) time (h:mm:ss or m:ss)")
    parts = [float(p) for p in v.split(":")]
    return sum(p * 60 ** i for i, p in enumerate(reversed(parts)))


def run_audit(a, world, domains_file, conc, tmp):
    out = os.path.join(tmp, f"audit-{conc}.jsonl")
    summary = os.path.join(tmp, f"summary-{conc}.json")
    limits = [] if a.polite else ["--qps", "0", "--per-server", str(a.per_server)]
    cmd = [TIME, "-v", a.dnsdeps, "audit", "--root-hints", world.root_hints, *limits,
           "--concurrency", str(conc), "--no-progress",
           "--summary-json", summary, "--output", out, *a.audit_args.split(), domains_file]
    nsd0, steal0 = cpu_seconds(set(world.process_groups())), steal_seconds()
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=3600)
    nsd = cpu_seconds(set(world.process_groups())) - nsd0
    steal = steal_seconds() - steal0
    if r.returncode not in (0, 1, 2):
        sys.exit(f"bench/live: dnsdeps audit failed ({r.returncode}): {r.stderr[-2000:]}")
    s = json.load(open(summary))
    wall = wall_seconds(r.stderr)
    rss = int(timev(r.stderr, "Maximum resident set size (kbytes)")) * 1024
    user = float(timev(r.stderr, "User time (seconds)"))
    sys_ = float(timev(r.stderr, "System time (seconds)"))
    n = s["domains"]["checked"]
    perf = s["performance"]
    print("%6d %8d %7.1f %10.0f %9.1f %9.1f %9.1f %7.1f %8.1f %6d  %s" % (
        conc, n, wall, n / wall, rss / 1048576, user + sys_, nsd, steal,
        perf["queries"] / max(n, 1), perf["idle_rounds"],
        " ".join(f"{k} {v}" for k, v in s["status"].items() if v)),
        flush=True)
    return out


def zonemaster(a, world, names, tmp):
    """Wall seconds of zonemaster-cli over names, one after the other."""
    t0 = time.monotonic()
    levels = {}
    for name in names:
        r = subprocess.run([ZONEMASTER, "--hints", world.root_hints, "--no-progress", "--no-ipv6",
                            "--level", "WARNING", name], capture_output=True, text=True,
                           errors="replace", timeout=900)
        if r.returncode != 0:
            return None, f"zonemaster-cli exit {r.returncode}: {r.stderr.strip()[-300:]}"
        worst = "ok"
        for lvl in ("CRITICAL", "ERROR", "WARNING"):
            if re.search(r"\b" + lvl + r"\b", r.stdout):
                worst = lvl.lower()
                break
        levels[worst] = levels.get(worst, 0) + 1
    return time.monotonic() - t0, levels


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--domains", type=int, default=10000)
    ap.add_argument("--operators", type=int, default=24)
    ap.add_argument("--broken", type=float, default=0.0, help="share of broken domains (0)")
    ap.add_argument("--silent", type=float, default=0.0,
                    help="share of domains with one server that never answers (0)")
    ap.add_argument("--concurrency", default="100,200,400")
    ap.add_argument("--per-server", type=int, default=8)
    ap.add_argument("--polite", action="store_true",
                    help="dnsdeps's default limits (no --qps 0, no --per-server)")
    ap.add_argument("--repeat", type=int, default=1,
                    help="run the concurrency list this many times (the spread shows the noise)")
    ap.add_argument("--audit-args", default="",
                    help="more options for dnsdeps audit, e.g. '--no-deps --no-registration'")
    ap.add_argument("--sample", type=int, default=10, help="domains given to zonemaster-cli")
    ap.add_argument("--dnsdeps", default=os.environ.get("DNSDEPS",
                                                       os.path.join(ROOT, "build", "dnsdeps")))
    a = ap.parse_args()
    a.dnsdeps = os.path.abspath(a.dnsdeps)
    if not os.access(a.dnsdeps, os.X_OK):
        sys.exit(f"bench/live: no dnsdeps at {a.dnsdeps} (build it, or give --dnsdeps)")
    zm_why = None
    if not netns.inside():  # apt-get needs the network: before the namespace
        if apt_install("time", TIME):
            sys.exit("bench/live: /usr/bin/time is missing")
        zm_why = apt_install(ZONEMASTER, ZONEMASTER)
    netns.enter()
    world_module.START_TIMEOUT = max(world_module.START_TIMEOUT, 300.0)
    data, domains, kinds = portfolio(a.domains, a.operators, broken=a.broken, silent=a.silent)
    world = LiveWorld.from_dict(data, source="bench/live")
    nsd = sum(1 for s in world.servers if s.behaviour == "nsd")
    print(f"world: {len(domains)} domains ({a.broken:.0%} broken, {a.silent:.0%} with a silent "
          f"server), {len(data['zone'])} zones, "
          f"{nsd} NSD servers (server-count 1), {os.cpu_count()} CPUs", flush=True)
    with world, tempfile.TemporaryDirectory(prefix="bench-live-") as tmp:
        print(f"world: up in {world.bringup_seconds:.1f} s", flush=True)
        dfile = os.path.join(tmp, "domains.txt")
        with open(dfile, "w") as f:
            f.write("\n".join(domains) + "\n")
        limits = "(default limits)" if a.polite else f"--qps 0 --per-server {a.per_server}"
        print(f"\ndnsdeps audit {limits} {a.audit_args} (all {len(domains)} domains):")
        print("%6s %8s %7s %10s %9s %9s %9s %7s %8s %6s  %s" % (
            "conc", "domains", "wall s", "domains/s", "RSS MiB", "cpu s", "NSD cpu", "steal",
            "q/domain", "idle", "verdicts"))
        for _ in range(a.repeat):
            for conc in [int(c) for c in a.concurrency.split(",")]:
                run_audit(a, world, dfile, conc, tmp)
        sample = random.Random(3).sample(domains, min(a.sample, len(domains)))
        if not sample:
            return
        sfile = os.path.join(tmp, "sample.txt")
        with open(sfile, "w") as f:
            f.write("\n".join(sample) + "\n")
        t0 = time.monotonic()
        r = subprocess.run([a.dnsdeps, "audit", "--root-hints", world.root_hints, "--no-progress",
                            sfile], capture_output=True, text=True, timeout=600)
        dd = time.monotonic() - t0
        print(f"\nsample of {len(sample)} domains: dnsdeps audit (polite defaults) "
              f"{dd:.2f} s ({len(sample) / dd:.1f} domains/s)")
        if shutil.which(ZONEMASTER) and not zm_why:
            secs, levels = zonemaster(a, world, sample, tmp)
            if secs is None:
                print(f"  zonemaster-cli could not run: {levels}")
            else:
                print(f"  zonemaster-cli --no-ipv6, one domain after the other: {secs:.1f} s "
                      f"({secs / len(sample):.2f} s per domain, {len(sample) / secs:.2f} domains/s;"
                      f" worst levels {levels})")
        else:
            print(f"  zonemaster-cli not run: {zm_why or 'not installed'}")
        print("\n(wall, RSS and cpu s from /usr/bin/time -v of the dnsdeps process; NSD cpu: "
              "CPU seconds of every NSD process over the same run;\n steal: CPU seconds "
              "the hypervisor gave to other machines during the run (/proc/stat);\n idle: times "
              "the network went idle while answers already known waited (see docs/audit.md))")


if __name__ == "__main__":
    main()
