#!/usr/bin/python3
"""bench/failpath.py: what one fault costs, and what politeness costs.

1. The world of tests/system/scenarios/failpath.toml: a TLD whose two servers never
   answer (quiet.), and three zones under test. with one nameserver of three that never
   answers, does not exist or answers REFUSED. `dnsdeps check` with its defaults (1500 ms
   per question, two retries within it) is timed on each, best of --repeat runs, and so
   is zonemaster-cli (--no-ipv6, the world's root hints) when it can be installed.
2. An audit of --domains (10,000) domains of bench/live_world.py's portfolio (1 root, 2
   servers per TLD, 2 per hosting operator) with dnsdeps's default limits (per address: 8
   in flight, --server-qps 500; no global cap) against no rate limit at all (--qps 0
   --server-qps 0, the engine's speed), in --runs alternating runs (the machine's noise falls
   on both), each with the load average; --variant adds options (or "@PATH" another build)
   to compare, --old-default audit's old global --qps 500 once.

Run as root (apt-get for zonemaster-cli and time, then a private network namespace):

    bench/failpath.sh [--repeat N] [--domains N] [--runs N] [--variant OPTS] [--old-default]
                      [--audit-only] [--no-zonemaster] [--dnsdeps PATH]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "system"))

from live import ZONEMASTER, apt_install  # noqa: E402
from live_world import LiveWorld, portfolio  # noqa: E402
from minternet import World, netns  # noqa: E402
import minternet.world as world_module  # noqa: E402

CASES = [("silent TLD (2 of 2)", "www.x.quiet."), ("one silent NS of 3", "onesilent.test."),
         ("one dead NS of 3", "onedead.test."), ("one REFUSED NS of 3", "onerefused.test.")]


def best(fn, repeat):
    return min(fn() for _ in range(repeat))


def timed(argv, timeout=600):
    t0 = time.monotonic()
    subprocess.run(argv, capture_output=True, text=True, errors="replace", timeout=timeout)
    return time.monotonic() - t0


def faults(a, zm):
    path = os.path.join(ROOT, "tests", "system", "scenarios", "failpath.toml")
    with World.from_file(path, dnsdeps=a.dnsdeps) as world:
        print(f"one fault, one check each (best of {a.repeat}):")
        print("%-22s %12s %16s" % ("case", "dnsdeps s", "zonemaster-cli s"))
        for label, name in CASES:
            dd = best(lambda: timed([a.dnsdeps, "check", "--root-hints", world.root_hints,
                                     "--no-registration", name]), a.repeat)
            zms = "-"
            if zm:
                zms = "%.2f" % best(lambda: timed([ZONEMASTER, "--hints", world.root_hints,
                                                   "--no-progress", "--no-ipv6", name]),
                                    a.repeat)
            print("%-22s %12.2f %16s" % (label, dd, zms), flush=True)
        print(f"  dnsdeps: {a.dnsdeps} check --no-registration NAME (defaults: --timeout 1500 "
              "--retries 2)")
        if zm:
            print(f"  zonemaster-cli --hints ROOT --no-progress --no-ipv6 NAME")


def audit_rate(a, world, dfile, limits, tmp):
    summary = os.path.join(tmp, "summary.json")
    binary = a.dnsdeps
    if limits[:1] and limits[0].startswith("@"):  # "@PATH options": another build
        binary, limits = limits[0][1:], limits[1:]
    t0 = time.monotonic()
    r = subprocess.run([binary, "audit", "--root-hints", world.root_hints, *limits,
                        "--no-progress", "--summary-json", summary, "--output", os.devnull,
                        dfile], capture_output=True, text=True, timeout=3600)
    wall = time.monotonic() - t0
    if r.returncode not in (0, 1, 2):
        sys.exit(f"bench/failpath: audit failed ({r.returncode}): {r.stderr[-1000:]}")
    n = json.load(open(summary))["domains"]["checked"]
    return n, wall


def politeness(a):
    """The default limits against none at all, in alternating runs (the machine is shared:
    alternating spreads its noise over both), then the old global --qps 500 if asked."""
    data, domains, _ = portfolio(a.domains)
    world = LiveWorld.from_dict(data, source="bench/failpath")
    variants = [("default limits", []), ("--qps 0 --server-qps 0", ["--qps", "0", "--server-qps", "0"])]
    variants += [(v, v.split()) for v in a.variant]
    if a.old_default:
        variants.append(("--qps 500 (old default)", ["--qps", "500"]))
    rates = {label: [] for label, _ in variants}
    with world, tempfile.TemporaryDirectory(prefix="bench-failpath-") as tmp:
        dfile = os.path.join(tmp, "domains.txt")
        with open(dfile, "w") as f:
            f.write("\n".join(domains) + "\n")
        print(f"\naudit of {len(domains)} domains (concurrency 200, the default), "
              f"{a.runs} alternating runs each:")
        for i in range(a.runs):
            for label, limits in variants:
                if i > 0 and label.endswith("(old default)"):
                    continue  # 20 domains/s: once is enough
                n, wall = audit_rate(a, world, dfile, limits, tmp)
                rates[label].append(n / wall)
                print("  run %d %-26s %6d domains in %6.1f s: %7.0f domains/s  (load %.1f)"
                      % (i + 1, label, n, wall, n / wall, os.getloadavg()[0]), flush=True)
        print("median domains/s:")
        for label, _ in variants:
            r = sorted(rates[label])
            print("  %-32s %7.0f  (runs: %s)" % (label, r[len(r) // 2],
                                                  ", ".join("%.0f" % x for x in rates[label])))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--domains", type=int, default=10000)
    ap.add_argument("--no-zonemaster", action="store_true")
    ap.add_argument("--runs", type=int, default=3, help="alternating audit runs per variant")
    ap.add_argument("--variant", action="append", default=[],
                    help="more audit options to compare, e.g. '--server-qps 1000', "
                    "'@/path/to/dnsdeps' for another build with its defaults")
    ap.add_argument("--old-default", action="store_true", help="also audit's old --qps 500")
    ap.add_argument("--audit-only", action="store_true", help="skip the single-fault cases")
    ap.add_argument("--dnsdeps", default=os.environ.get("DNSDEPS",
                                                       os.path.join(ROOT, "build", "dnsdeps")))
    a = ap.parse_args()
    a.dnsdeps = os.path.abspath(a.dnsdeps)
    zm_why = "--no-zonemaster" if a.no_zonemaster or a.audit_only else None
    if not netns.inside() and not zm_why:  # apt-get needs the network: before the namespace
        zm_why = apt_install(ZONEMASTER, ZONEMASTER)
    netns.enter()
    world_module.START_TIMEOUT = max(world_module.START_TIMEOUT, 300.0)
    if zm_why:
        print(f"zonemaster-cli not run: {zm_why}")
    if not a.audit_only:
        faults(a, not zm_why)
    politeness(a)


if __name__ == "__main__":
    main()
