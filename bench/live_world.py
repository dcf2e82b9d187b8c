"""live_world: a generated mini-internet of many domains, for the live audit.

    python3 bench/live_world.py --domains 10000 [--broken 0.05] -- CMD ...

enters a private network namespace, brings up the world (one root server,
TLD servers, hosting operators with two NSD servers each, every domain a
zone of its own on its operator's servers), writes the list of domains,
runs CMD through the shell with these variables set, and stops the world:

    ROOT_HINTS   the world's root hints file
    DOMAINS      the list of every domain, one per line
    EXPECT       JSON: domain -> kind (see KINDS)
    WORLD_DIR    the world's directory (zones, nsd.conf, logs)

The system test (tests/system/test_audit_live.py) imports portfolio() and
LiveWorld from here, so the benchmark and the test run the same world.
"""

import argparse
import json
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "system"))

import minternet.world as world_module  # noqa: E402
from minternet import World, netns  # noqa: E402

# What a domain of the world is made to be:
#   ok           two NS at one operator, out of bailiwick
#   vanity       in-bailiwick NS names with glue, served by an operator
#   two-ops      one NS at each of two operators
#   lame         delegated to an operator whose servers do not load the zone (REFUSED)
#   half-dead    one NS at an operator, one NS whose address has no server
#   undelegated  in the list but not in its TLD's zone (NXDOMAIN)
#   ns-nxdomain  every NS name of the delegation does not exist
#   half-silent  one NS at an operator, one NS whose server never answers (timeouts);
#                only with silent > 0
KINDS = ("ok", "vanity", "two-ops", "lame", "half-dead", "undelegated", "ns-nxdomain",
         "half-silent")
BROKEN = ("lame", "half-dead", "undelegated", "ns-nxdomain")
DEAD_ADDR = "127.0.9.9"  # nothing listens here: ICMP port unreachable
SILENT_ADDR = "127.0.9.10"  # a server that never answers


def _addr(op, i):
    """Operator op's server i (1, 2): the two in different /24 and /16 prefixes."""
    return f"127.{i * 10 + op // 250}.{op % 250}.1"


def portfolio(n_domains, n_ops=24, tlds=("shop", "corp", "home", "site"), broken=0.0,
              seed=1, silent=0.0):
    """(world dict, [domains], {domain: kind}). Servers: 1 root, 2 per TLD, 2 per operator
    (and one silent server when silent > 0). broken: share of domains of the BROKEN kinds;
    silent: share of half-silent domains."""
    rnd = random.Random(seed)
    servers = [{"name": "a.root-servers.test.", "address": "127.0.0.2"}]
    zones = []
    root = ["@ NS a.root-servers.test.", "a.root-servers.test. A 127.0.0.2"]
    tld_recs = {t: [] for t in tlds}
    for ti, t in enumerate(tlds):
        ns = [f"ns{i}.nic.{t}." for i in (1, 2)]
        for i, n in enumerate(ns):
            a = f"127.{3 + i}.{ti}.53"
            servers.append({"name": n, "address": a})
            root += [f"{t}. NS {n}", f"{n} A {a}"]
            tld_recs[t] += [f"@ NS {n}", f"{n} A {a}"]
        zones.append({"origin": f"{t}.", "servers": ns, "records": None})
    ops = []
    op_zones = []
    for k in range(n_ops):
        t = tlds[k % len(tlds)]
        dom = f"op{k}.{t}."
        ns = [f"ns{i}.{dom}" for i in (1, 2)]
        for i, n in enumerate(ns):
            servers.append({"name": n, "address": _addr(k, i + 1)})
            tld_recs[t] += [f"op{k} NS {n}", f"{n} A {_addr(k, i + 1)}"]
        recs = [f"@ NS {n}" for n in ns] + [f"{n} A {_addr(k, i + 1)}" for i, n in enumerate(ns)]
        ops.append({"dom": dom, "ns": ns, "zones": []})
        op_zones.append({"origin": dom, "servers": ns, "records": recs})
    # The dead host lives in op0's zone: its name resolves, nothing answers there.
    op_zones[0]["records"].append(f"dead.{ops[0]['dom']} A {DEAD_ADDR}")
    if silent > 0:
        servers.append({"name": "quiet.silent.test.", "address": SILENT_ADDR,
                        "behaviour": "silent"})
        op_zones[0]["records"].append(f"quiet.{ops[0]['dom']} A {SILENT_ADDR}")
    domains, expect, dom_zones = [], {}, []
    n_broken = int(round(n_domains * broken))
    n_silent = int(round(n_domains * silent))
    kinds = []
    for i in range(n_domains):
        if i < n_silent:
            kinds.append("half-silent")
        elif i < n_silent + n_broken:
            kinds.append(BROKEN[i % len(BROKEN)])
        else:
            kinds.append(("ok", "ok", "ok", "ok", "ok", "ok", "vanity", "two-ops")[i % 8])
    rnd.shuffle(kinds)
    for i, kind in enumerate(kinds):
        t = tlds[i % len(tlds)]
        name = f"d{i:05d}.{t}."
        k = rnd.randrange(n_ops)
        op = ops[k]
        other = ops[(k + 1) % n_ops]
        domains.append(name)
        expect[name] = kind
        recs, deleg, serve = [], [], op["ns"]
        if kind in ("ok", "lame"):
            deleg = list(op["ns"])
        elif kind == "vanity":
            deleg = [f"ns{j}.{name}" for j in (1, 2)]
            recs = [f"ns{j}.{name} A {_addr(k, j)}" for j in (1, 2)]
            glue = [f"ns{j}.{name} A {_addr(k, j)}" for j in (1, 2)]
        elif kind == "two-ops":
            deleg = [op["ns"][0], other["ns"][1]]
            serve = [op["ns"][0], other["ns"][1]]
        elif kind == "half-dead":
            deleg = [op["ns"][0], f"dead.{ops[0]['dom']}"]
            serve = [op["ns"][0]]
        elif kind == "half-silent":
            deleg = [op["ns"][0], f"quiet.{ops[0]['dom']}"]
            serve = [op["ns"][0]]
        elif kind == "ns-nxdomain":
            deleg = [f"gone{j}.{op['dom']}" for j in (1, 2)]
        if kind != "undelegated":
            tld_recs[t] += [f"{name} NS {n}" for n in deleg]
            if kind == "vanity":
                tld_recs[t] += glue
        if kind in ("lame", "undelegated"):
            continue  # no server loads the zone
        dom_zones.append({"origin": name, "servers": serve,
                          "records": "\n".join([f"@ NS {n}" for n in deleg] + recs) + "\n"})
    zones.insert(0, {"origin": ".", "servers": ["a.root-servers.test."],
                     "records": "\n".join(root) + "\n"})
    for z in zones[1:]:
        z["records"] = "\n".join(tld_recs[z["origin"].rstrip(".")]) + "\n"
    for z in op_zones:
        z["records"] = "\n".join(z["records"]) + "\n"
    data = {"description": f"generated portfolio of {n_domains} domains",
            "server": servers, "zone": zones + op_zones + dom_zones}
    return data, domains, expect


class LiveWorld(World):
    """A World that checks readiness with one zone per server (the last it loads):
    NSD answers only after loading every zone, and probing thousands of zones
    at once would need more sockets than select() takes."""

    def _probes(self):
        probes = []
        for s in self.servers:
            if s.behaviour == "nsd" and s.zones:
                for a in s.addresses:
                    probes.append((s, a, s.zones[-1], "SOA", self._nsd_ok))
        return probes


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--domains", type=int, default=10000)
    ap.add_argument("--operators", type=int, default=24)
    ap.add_argument("--broken", type=float, default=0.0)
    ap.add_argument("--silent", type=float, default=0.0)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        ap.error("give a command after --")
    netns.enter()
    data, domains, expect = portfolio(args.domains, args.operators, broken=args.broken,
                                     silent=args.silent)
    world_module.START_TIMEOUT = max(world_module.START_TIMEOUT, 300.0)
    world = LiveWorld.from_dict(data, source="live_world")
    nsd = sum(1 for s in world.servers if s.behaviour == "nsd")
    print(f"world: {len(domains)} domains, {len(data['zone'])} zones, {nsd} NSD servers",
          file=sys.stderr, flush=True)
    with world:
        print(f"world: up in {world.bringup_seconds:.1f} s", file=sys.stderr, flush=True)
        dlist = os.path.join(world.dir, "domains.txt")
        with open(dlist, "w") as f:
            f.write("\n".join(domains) + "\n")
        with open(os.path.join(world.dir, "expect.json"), "w") as f:
            json.dump(expect, f)
        env = dict(os.environ, ROOT_HINTS=world.root_hints, DOMAINS=dlist,
                   EXPECT=os.path.join(world.dir, "expect.json"), WORLD_DIR=world.dir)
        rc = subprocess.call(cmd, env=env)
    sys.exit(rc)


if __name__ == "__main__":
    main()
