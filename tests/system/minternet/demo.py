"""demo: `dnsdeps demo` - the puri.sm outage replayed on a private mini-internet.

    python3 demo.py --dnsdeps /path/to/dnsdeps --worlds /path/to/demo-worlds

Enters a fresh private network namespace, brings up WORLD_FILE and the .sm
registry's WHOIS server (REGISTRY: "Status: Suspended" in the outage, as in
February 2018; .sm has no RDAP service), runs the main command on each domain
in the healthy world and then in the "outage" variant, and tears everything
down. It finds its files only through its own location
and its arguments, so it works installed ($datadir/dnsdeps/minternet/).
Exit 0 when the demo ran (whatever the verdicts), 1 when it could not.
"""

import argparse
import os
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from minternet import MinternetError, World, netns  # noqa: E402
from minternet.regservers import WhoisServer  # noqa: E402

WORLD_FILE = "purism.toml"
VARIANT = "outage"
DOMAINS = ["puri.sm.", "example.sm."]
HEADERS = [
    "World 1: before the outage - sm. delegates puri.sm. to its three nameservers",
    "World 2: the sm registry stops delegating puri.sm. (its own servers still answer)",
]
COMMAND_TIMEOUT = 120


# The nameservers each domain's owner knows it runs (`check --ns NAME[/ADDR]`
# examines them even when the parent no longer lists them). The demo does not
# need them any more: when the parent does not delegate the domain, `check`
# examines the nameservers the registry's record lists.
EXPECTED_NS = {
    "puri.sm.": ["ns1.puri.sm/127.0.11.1", "ns2.puri.sm/127.0.11.2", "ns3.dnshost.test"],
    "example.sm.": [],
}

# The .sm registry's WHOIS answers in each world, in the registry's 2018 format
# (tests/unit/data/reg/puri.sm.whois) with this world's nameservers.
WHOIS_IP = "127.77.0.2"
PURI_WHOIS = """Domain: puri.sm
Status: {status}

Owner:
      Purism SPC
      San Francisco CA
      US

DNS Servers:
      ns1.puri.sm
      ns2.puri.sm
      ns3.dnshost.test

Registration date: 2014-11-12
Last update: {updated}
"""
EXAMPLE_WHOIS = """Domain: example.sm
Status: Active

DNS Servers:
      ns1.example.sm
      ns2.example.sm

Registration date: 2009-04-01
Last update: 2017-05-02
"""
# The registry's own domain, under which its nameservers are named.
NIC_WHOIS = """Domain: nic.sm
Status: Active

DNS Servers:
      a.nic.sm
      b.nic.sm
      c.nic.sm
      d.nic.sm

Registration date: 1995-06-20
Last update: 2017-01-10
"""
REGISTRY = {
    None: {"puri.sm": PURI_WHOIS.format(status="Active", updated="2017-11-13"),
           "example.sm": EXAMPLE_WHOIS, "nic.sm": NIC_WHOIS},
    VARIANT: {"puri.sm": PURI_WHOIS.format(status="Suspended", updated="2018-02-20"),
              "example.sm": EXAMPLE_WHOIS, "nic.sm": NIC_WHOIS},
}


def main_command(dnsdeps):
    """The main job: `dnsdeps check DOMAIN`, the registry's WHOIS server named."""
    def command(domain, whois_table):
        return ["check", domain, "--whois-servers", whois_table]
    return command


def run_world(path, variant, header, dnsdeps, command):
    """Bring one world up, run the command on every domain; exit statuses by domain."""
    statuses = {}
    answers = {q: a.encode() for q, a in REGISTRY[variant].items()}
    with World.from_file(path, variant=variant, dnsdeps=dnsdeps) as world, \
            WhoisServer(WHOIS_IP, answers=answers), \
            tempfile.TemporaryDirectory(prefix="dnsdeps-demo-") as tmp:
        table = os.path.join(tmp, "whois-servers")
        with open(table, "w") as f:
            f.write(f"sm {WHOIS_IP}:43\n")
        print(f"\n=== {header} ===")
        print(f"({len(world.servers)} servers up in {world.bringup_seconds:.2f} s; "
              f"the sm registry's WHOIS on {WHOIS_IP})")
        for domain in DOMAINS:
            args = command(domain, table)
            print(f"\n$ dnsdeps {' '.join(args)}", flush=True)
            try:
                r = world.run_dnsdeps(*args, timeout=COMMAND_TIMEOUT, capture=False)
            except subprocess.TimeoutExpired:
                print(f"dnsdeps demo: no result after {COMMAND_TIMEOUT} s")
                statuses[domain] = None
                continue
            sys.stdout.flush()
            statuses[domain] = r.returncode
    return statuses


def describe(status):
    if status is None:
        return "timeout"
    if status < 0:
        return f"killed by signal {-status}"
    return {0: "0 ok", 1: "1 warning", 2: "2 critical"}.get(status, f"{status} error")


def parse_args(argv):
    p = argparse.ArgumentParser(prog="dnsdeps demo")
    p.add_argument("--dnsdeps", required=True, help="the dnsdeps program to run")
    p.add_argument("--worlds", required=True, help="directory holding " + WORLD_FILE)
    return p.parse_args(argv)


def main(argv):
    args = parse_args(argv)
    dnsdeps = os.path.abspath(args.dnsdeps)
    path = os.path.join(os.path.abspath(args.worlds), WORLD_FILE)
    script = os.path.abspath(__file__)
    netns.enter(argv=[sys.executable, script, "--dnsdeps", dnsdeps, "--worlds", os.path.abspath(args.worlds)],
                fresh=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    if not os.access(dnsdeps, os.X_OK):
        raise MinternetError(f"{dnsdeps} is not an executable program")
    command = main_command(dnsdeps)
    print("dnsdeps demo: a mini-internet of real DNS servers on 127.0.0.0/8 in a private")
    print("network namespace; nothing leaves this machine. Every command below also")
    print("gets --root-hints naming this world's root servers.")
    results = []
    for variant, header in zip((None, VARIANT), HEADERS):
        results.append(run_world(path, variant, header, dnsdeps, command))
    print("\n=== Summary (exit status of dnsdeps) ===")
    print(f"  {'domain':<14} {'before':<12} {'outage':<12}")
    for domain in DOMAINS:
        print(f"  {domain:<14} {describe(results[0][domain]):<12} {describe(results[1][domain]):<12}")
    ran = all(s is not None and 0 <= s <= 2 for r in results for s in r.values())
    if not ran:
        print("dnsdeps demo: dnsdeps did not run to a verdict every time", file=sys.stderr)
    return 0 if ran else 1


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except MinternetError as e:
        print(f"dnsdeps demo: {e}", file=sys.stderr)
        sys.exit(1)
