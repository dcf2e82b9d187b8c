#!/usr/bin/python3
"""bench/adaptive.py: would an adaptive timeout (Unbound's infra cache: per server address,
srtt and rttvar from the replies seen, RTO = srtt + 4 * rttvar between a floor and the
configured --timeout) make one fault cheaper without timing out servers that answer?

`dnsdeps check --save-evidence` of --domains domains of bench/live_world.py's portfolio in
one run (one resolver, so each address's replies come one after another), plus the
single-fault cases of tests/system/scenarios/failpath.toml. The exchanges of the evidence
(start t_ms, round trip rtt_ms, result) are replayed through the estimator in time order:

  false timeouts   replies that came later than the window the estimator would have
                   given at their start (each would have been a timeout, and the address
                   then held as silent: a server reported silent that answered)
  saved            for each real timeout, the configured window less the adaptive one
                   (0 when the address had fewer than --min-samples replies before it)

Run as root (a private network namespace):

    bench/adaptive.sh [--domains N] [--floors 50,200,400,800] [--dnsdeps PATH]
"""

import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "system"))

from live_world import LiveWorld, portfolio  # noqa: E402
from minternet import World, netns  # noqa: E402
import minternet.world as world_module  # noqa: E402

TIMEOUT_MS = 1500.0


class Rtt:
    """Unbound's util/rtt.c estimator (RFC 6298's smoothing), per address."""

    def __init__(self):
        self.srtt, self.rttvar, self.n = 0.0, 0.0, 0

    def update(self, ms):
        if self.n == 0:
            self.srtt, self.rttvar = ms, ms / 2
        else:
            delta = ms - self.srtt
            self.srtt += delta / 8
            self.rttvar += (abs(delta) - self.rttvar) / 4
        self.n += 1

    def window(self, floor, min_samples):
        if self.n < min_samples:
            return TIMEOUT_MS
        return min(max(self.srtt + 4 * self.rttvar, floor), TIMEOUT_MS)


def exchanges(evdir):
    seen, out = set(), []
    for path in glob.glob(os.path.join(evdir, "*.json")):
        for x in json.load(open(path)).get("exchanges", []):
            if x.get("shared") or x.get("t_ms") is None:
                continue
            key = (x["address"], x.get("protocol", "udp"), x["qname"], x["qtype"], x["t_ms"])
            if key in seen:
                continue
            seen.add(key)
            out.append(x)
    return out


def replay(xs, floor, min_samples):
    """(answered, false timeouts, worst false, timeouts, timeouts shortened, ms saved)."""
    events = []
    for x in xs:
        if x.get("protocol", "udp") != "udp":
            continue
        answered = x.get("rtt_ms") is not None and x["rtt_ms"] >= 0
        events.append((x["t_ms"], 0, x, answered))
        if answered:
            events.append((x["t_ms"] + x["rtt_ms"], 1, x, True))
    events.sort(key=lambda e: (e[0], e[1]))
    est, answered, false, worst, tos, shortened, saved = {}, 0, 0, 0.0, 0, 0, 0.0
    for _, kind, x, ok in events:
        r = est.setdefault(x["address"], Rtt())
        if kind == 1:
            r.update(x["rtt_ms"])
            continue
        w = r.window(floor, min_samples)
        if ok:
            answered += 1
            if x["rtt_ms"] > w:
                false += 1
                worst = max(worst, x["rtt_ms"])
        elif x.get("result") == "timeout" and not str(x.get("detail", "")).startswith("not asked"):
            tos += 1
            if w < TIMEOUT_MS:
                shortened += 1
                saved += TIMEOUT_MS - w
    return answered, false, worst, tos, shortened, saved


def check_all(a, hints, names, evdir):
    subprocess.run([a.dnsdeps, "check", "--root-hints", hints, "--no-registration",
                    "--save-evidence", os.path.join(evdir, "%s.json"), *names],
                   capture_output=True, text=True, timeout=3600)


def report(label, xs, a):
    rtts = sorted(x["rtt_ms"] for x in xs if x.get("rtt_ms") is not None and x["rtt_ms"] >= 0)
    if rtts:
        print(f"{label}: {len(xs)} exchanges, reply round trips median "
              f"{rtts[len(rtts) // 2]:.1f} ms, 99th {rtts[int(len(rtts) * .99)]:.1f} ms, "
              f"max {rtts[-1]:.1f} ms (load {os.getloadavg()[0]:.1f})")
    print("  %6s %9s %15s %12s %9s %11s %10s" % ("floor", "answered", "false timeouts",
                                                 "worst ms", "timeouts", "shortened", "saved s"))
    for floor in [float(f) for f in a.floors.split(",")]:
        ans, false, worst, tos, short, saved = replay(xs, floor, a.min_samples)
        print("  %6.0f %9d %15d %12.1f %9d %11d %10.2f" % (floor, ans, false, worst, tos,
                                                           short, saved / 1000))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--domains", type=int, default=256, help="at most 256 (one check run)")
    ap.add_argument("--floors", default="50,200,400,800")
    ap.add_argument("--min-samples", type=int, default=3)
    ap.add_argument("--dnsdeps", default=os.environ.get("DNSDEPS",
                                                       os.path.join(ROOT, "build", "dnsdeps")))
    a = ap.parse_args()
    a.dnsdeps = os.path.abspath(a.dnsdeps)
    netns.enter()
    world_module.START_TIMEOUT = max(world_module.START_TIMEOUT, 300.0)
    with tempfile.TemporaryDirectory(prefix="bench-adaptive-") as tmp:
        path = os.path.join(ROOT, "tests", "system", "scenarios", "failpath.toml")
        with World.from_file(path, dnsdeps=a.dnsdeps) as world:
            d = os.path.join(tmp, "faults")
            os.mkdir(d)
            check_all(a, world.root_hints, ["www.x.quiet.", "onesilent.test.", "onedead.test.",
                                            "onerefused.test."], d)
            report("single faults (failpath.toml, one run)", exchanges(d), a)
        data, domains, _ = portfolio(a.domains, silent=0.05)
        with LiveWorld.from_dict(data, source="bench/adaptive") as world:
            d = os.path.join(tmp, "portfolio")
            os.mkdir(d)
            check_all(a, world.root_hints, domains, d)
            report(f"\n{len(domains)} domains (5% with a silent server) in one check run",
                   exchanges(d), a)


if __name__ == "__main__":
    main()
