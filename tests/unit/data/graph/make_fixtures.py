"""make_fixtures: the hand-made dependency graphs of the unit tests.

Each graph is written twice:
- tests/unit/data/graph/NAME.json: the evidence document test_graph reads, with
  an "expect_graph" member (resolvable, SPOFs, hijack risks, counts...);
- tests/unit/data/evidence/deps-NAME.json: the same graph on top of the healthy
  example.test. record, with the "expect" member test_checks reads (exact
  finding codes, status, layer), so that every DEPS_* code has its fixture.

The documents are generated from the small descriptions below so that a
reader can check each expectation against a picture of the graph. Run from
anywhere: python3 tests/unit/data/graph/make_fixtures.py
"""

import copy
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
EVIDENCE = os.path.join(HERE, "..", "evidence")

LOCK = ["ok", "clientTransferProhibited"]


def reg(domain, registrar, expires="2031-01-01T00:00:00Z", statuses=LOCK, result="found",
        rid=None, lock=True):
    return {"domain": domain, "result": result, "reason": None,
            "source": "rdap https://rdap.test/domain/" + domain,
            "registrar": registrar, "registrar_id": rid, "expires": expires,
            "statuses": list(statuses), "transfer_lock": lock}


def unavailable(domain):
    return {"domain": domain, "result": "unavailable", "reason": "timeout: no answer",
            "source": None, "registrar": None, "registrar_id": None, "expires": None,
            "statuses": [], "transfer_lock": None}


def world(roots, zones, hosts, asn=None, regs=(), truncated=False, registration=True):
    """zones: {name: (parent, [ns...], {ns: [glue]})}; hosts: {name: (zone, [addrs], state)}."""
    asn = asn or {}
    zl = []
    for name, (parent, ns, glue) in zones.items():
        zl.append({"name": name, "parent": parent, "depth": 0, "ns": ns,
                   "glue": [{"name": n, "address": a} for n, al in glue.items() for a in al]})
    hl = []
    for name, (zone, addrs, state) in hosts.items():
        hl.append({"name": name, "zone": zone, "state": state, "addresses": addrs,
                   "depth": 1, "followed": True, "message": None})
    al = []
    for h in hosts.values():
        for a in h[1]:
            if a not in [x["address"] for x in al]:
                al.append({"address": a, "asn": asn.get(a), "prefix": None, "detail": None})
    return {"max_depth": 3, "truncated": truncated, "registration": registration,
            "asn_source": "zone asn.test." if asn else None,
            "roots": [{"name": r, "zone": z, "state": s, "message": None} for r, z, s in roots],
            "zones": zl, "hosts": hl, "addresses": al, "registrations": list(regs)}


# The registries' own servers: two operators, two networks, two ASes each.
TLDS_ZONES = {
    ".": (None, [], {}),
    "test.": (".", ["a.nic.test.", "b.nicbak.test."],
              {"a.nic.test.": ["192.0.2.1"], "b.nicbak.test.": ["198.51.100.1"]}),
    "net.": (".", ["a.nic.net.", "b.nicbak.net."],
             {"a.nic.net.": ["192.0.2.2"], "b.nicbak.net.": ["198.51.100.2"]}),
}
TLDS_HOSTS = {
    "a.nic.test.": ("test.", ["192.0.2.1"], "ok"),
    "b.nicbak.test.": ("test.", ["198.51.100.1"], "ok"),
    "a.nic.net.": ("net.", ["192.0.2.2"], "ok"),
    "b.nicbak.net.": ("net.", ["198.51.100.2"], "ok"),
}
TLDS_ASN = {"192.0.2.1": 64496, "198.51.100.1": 64497, "192.0.2.2": 64496,
            "198.51.100.2": 64497}
TLDS_REGS = [reg(d, "TLD Registry", "2040-01-01T00:00:00Z", rid="9")
             for d in ("nic.test", "nic.net")] + \
            [reg(d, "Backup Registry", "2040-01-01T00:00:00Z", rid="10")
             for d in ("nicbak.test", "nicbak.net")]


def tlds(zones, hosts, asn, regs):
    z = dict(TLDS_ZONES)
    z.update(zones)
    h = dict(TLDS_HOSTS)
    h.update(hosts)
    a = dict(TLDS_ASN)
    a.update(asn)
    return z, h, a, TLDS_REGS + regs


def one_operator():
    z, h, a, r = tlds(
        {"example.test.": ("test.", ["ns1.dnsprov.net.", "ns2.dnsprov.net."], {}),
         "dnsprov.net.": ("net.", ["ns1.dnsprov.net.", "ns2.dnsprov.net."],
                          {"ns1.dnsprov.net.": ["203.0.113.1"],
                           "ns2.dnsprov.net.": ["203.0.114.1"]})},
        {"ns1.dnsprov.net.": ("dnsprov.net.", ["203.0.113.1"], "ok"),
         "ns2.dnsprov.net.": ("dnsprov.net.", ["203.0.114.1"], "ok")},
        {"203.0.113.1": 64510, "203.0.114.1": 64510},
        [reg("example.test", "Registrar One", rid="1001"),
         reg("dnsprov.net", "Registrar One", "2031-01-01T00:00:00Z", rid="1001")])
    return world([("example.test.", "example.test.", "ok")], z, h, a, r), {
        "resolvable": True,
        "spofs": ["registry test. inherent", "registrar Registrar One inherent",
                  "registry net. avoidable", "operator dnsprov.net avoidable",
                  "as AS64510 avoidable"],
        "hijacks": [],
        "counts": {"zones": [5, 1], "servers": [6, 0], "registries": 2, "registrars": [3, 0],
                   "operators": [5, 0], "networks": 4, "ases": 3},
    }, ["DEPS_SPOF_INHERENT", "DEPS_SPOF_REGISTRY", "DEPS_SPOF_OPERATOR", "DEPS_SPOF_AS"], \
        ("ok", "none")


def registry_registrar():
    z, h, a, r = tlds(
        {"example.test.": ("test.", ["ns.alpha.net.", "ns.beta.net."], {}),
         "alpha.net.": ("net.", ["ns.alpha.net."], {"ns.alpha.net.": ["203.0.113.1"]}),
         "beta.net.": ("net.", ["ns.beta.net."], {"ns.beta.net.": ["203.0.120.1"]})},
        {"ns.alpha.net.": ("alpha.net.", ["203.0.113.1"], "ok"),
         "ns.beta.net.": ("beta.net.", ["203.0.120.1"], "ok")},
        {"203.0.113.1": 64510, "203.0.120.1": 64511},
        [reg("example.test", "Registrar One", rid="1001"),
         reg("alpha.net", "Registrar Two", "2031-01-01T00:00:00Z", rid="1002"),
         reg("beta.net", "Registrar Two", "2031-01-01T00:00:00Z", rid="1002")])
    return world([("example.test.", "example.test.", "ok")], z, h, a, r), {
        "resolvable": True,
        "spofs": ["registry test. inherent", "registrar Registrar One inherent",
                  "registry net. avoidable", "registrar Registrar Two avoidable"],
        "hijacks": [],
    }, ["DEPS_SPOF_INHERENT", "DEPS_SPOF_REGISTRY", "DEPS_SPOF_REGISTRAR"], ("ok", "none")


def single_server():
    z, h, a, r = tlds(
        {"example.test.": ("test.", ["ns1.example.test."],
                           {"ns1.example.test.": ["203.0.113.53"]})},
        {"ns1.example.test.": ("example.test.", ["203.0.113.53"], "ok")},
        {"203.0.113.53": 64510},
        [reg("example.test", "Registrar One", rid="1001")])
    return world([("example.test.", "example.test.", "ok")], z, h, a, r), {
        "resolvable": True,
        "spofs": ["registry test. inherent", "registrar Registrar One inherent",
                  "operator example.test avoidable", "network 203.0.113.0/24 avoidable",
                  "as AS64510 avoidable", "server ns1.example.test. avoidable"],
        "hijacks": [],
        "counts": {"zones": [3, 1], "servers": [3, 1], "registries": 1, "registrars": [3, 0],
                   "operators": [3, 1], "networks": 3, "ases": 3},
    }, ["DEPS_SPOF_INHERENT", "DEPS_SPOF_OPERATOR", "DEPS_SPOF_NETWORK", "DEPS_SPOF_AS",
        "DEPS_SPOF_SERVER"], ("ok", "none")


def hijacks():
    """Seven NS names, each under a domain with another problem; ns.good.net. keeps
    the domain resolvable on its own."""
    bad = {"gone": "unregistered", "dark": "not-delegated", "old": "expired",
           "held": "on-hold", "dying": "pending-delete", "soon": "expires-first",
           "loose": "no-transfer-lock", "mystery": None}
    ns = ["ns.good.net."] + [f"ns.{d}.net." for d in bad]
    zones = {"example.test.": ("test.", ns, {}),
             "good.net.": ("net.", ["ns.good.net."], {"ns.good.net.": ["203.0.113.1"]})}
    hosts = {"ns.good.net.": ("good.net.", ["203.0.113.1"], "ok")}
    regs = [reg("example.test", "Registrar One", "2030-06-01T00:00:00Z", rid="1001"),
            reg("good.net", "Registrar Two", "2031-01-01T00:00:00Z", rid="1002")]
    for i, d in enumerate(bad):
        name = f"ns.{d}.net."
        if d in ("gone", "dark"):
            hosts[name] = ("net.", [], "nxdomain")  # NXDOMAIN from the registry
        else:
            zones[f"{d}.net."] = ("net.", [name], {name: [f"203.0.{114 + i}.1"]})
            hosts[name] = (f"{d}.net.", [f"203.0.{114 + i}.1"], "ok")
    regs += [reg("gone.net", None, None, [], result="not-found", lock=None),
             reg("old.net", "Registrar Two", "2025-01-01T00:00:00Z", rid="1002"),
             reg("held.net", "Registrar Two", statuses=["clientHold"], rid="1002",
                 lock=False),
             reg("dying.net", "Registrar Two", statuses=["pendingDelete",
                                                         "clientTransferProhibited"],
                 rid="1002"),
             reg("soon.net", "Registrar Two", "2027-01-01T00:00:00Z", rid="1002"),
             reg("loose.net", "Registrar Two", statuses=["ok"], rid="1002", lock=False),
             unavailable("mystery.net")]
    z, h, a, r = tlds(zones, hosts, {"203.0.113.1": 64510}, regs)
    return world([("example.test.", "example.test.", "ok")], z, h, a, r), {
        "resolvable": True,
        "spofs": ["registry test. inherent", "registrar Registrar One inherent",
                  "registry net. avoidable"],
        "hijacks": ["unregistered gone.net", "not-delegated dark.net", "expired old.net",
                    "on-hold held.net", "no-transfer-lock held.net",
                    "pending-delete dying.net", "expires-first soon.net",
                    "no-transfer-lock loose.net"],
        "reg_unknown": ["dark.net", "mystery.net"],
    }, ["DEPS_SPOF_INHERENT", "DEPS_SPOF_REGISTRY", "DEPS_NS_DOMAIN_UNREGISTERED", "DEPS_NS_DOMAIN_NOT_DELEGATED",
        "DEPS_NS_DOMAIN_EXPIRED", "DEPS_NS_DOMAIN_ON_HOLD", "DEPS_NS_DOMAIN_NO_TRANSFER_LOCK",
        "DEPS_NS_DOMAIN_PENDING_DELETE", "DEPS_NS_DOMAIN_EXPIRES_FIRST",
        "DEPS_NS_DOMAIN_NO_TRANSFER_LOCK", "DEPS_REGISTRATION_UNKNOWN"], \
        ("critical", "nameservers")


def backups():
    """example.test. with two backups: one at the same DNS operator, one whose
    servers have no address (it does not resolve)."""
    z, h, a, r = tlds(
        {"example.test.": ("test.", ["ns1.dnsprov.net.", "ns2.dnsprov.net."], {}),
         "dnsprov.net.": ("net.", ["ns1.dnsprov.net.", "ns2.dnsprov.net."],
                          {"ns1.dnsprov.net.": ["203.0.113.1"],
                           "ns2.dnsprov.net.": ["203.0.114.1"]}),
         "example-backup.net.": ("net.", ["ns1.dnsprov.net.", "ns2.dnsprov.net."], {}),
         "broken.net.": ("net.", ["ns.nowhere.net."], {})},
        {"ns1.dnsprov.net.": ("dnsprov.net.", ["203.0.113.1"], "ok"),
         "ns2.dnsprov.net.": ("dnsprov.net.", ["203.0.114.1"], "ok"),
         "ns.nowhere.net.": ("net.", [], "nxdomain")},
        {"203.0.113.1": 64510, "203.0.114.1": 64511},
        [reg("example.test", "Registrar One", rid="1001"),
         reg("dnsprov.net", "Registrar Two", "2031-01-01T00:00:00Z", rid="1002"),
         reg("example-backup.net", "Registrar Three", "2031-01-01T00:00:00Z", rid="1003"),
         reg("broken.net", "Registrar Three", "2031-01-01T00:00:00Z", rid="1003"),
         reg("nowhere.net", "Registrar Three", "2031-01-01T00:00:00Z", rid="1003")])
    return world([("example.test.", "example.test.", "ok"),
                  ("example-backup.net.", "example-backup.net.", "ok"),
                  ("broken.net.", "broken.net.", "ok")], z, h, a, r), {
        "resolvable": True,
        "spofs": ["registry test. inherent", "registrar Registrar One inherent",
                  "registry net. avoidable", "registrar Registrar Two avoidable",
                  "operator dnsprov.net avoidable"],
        "hijacks": ["not-delegated nowhere.net"],
        "backups": {"example-backup.net.": True, "broken.net.": False},
        "group": ["registry net.", "registrar Registrar Two", "operator dnsprov.net"],
    }, ["DEPS_SPOF_INHERENT", "DEPS_SPOF_REGISTRY", "DEPS_SPOF_REGISTRAR",
        "DEPS_SPOF_OPERATOR", "DEPS_NS_DOMAIN_NOT_DELEGATED", "DEPS_BACKUP_SHARES",
        "DEPS_BACKUP_SHARES", "DEPS_BACKUP_DOWN", "DEPS_BACKUP_SHARED_SPOF",
        "DEPS_BACKUP_SHARED_SPOF", "DEPS_BACKUP_SHARED_SPOF"], ("critical", "nameservers")


def truncated():
    """A graph cut short, with nothing known of registrations or ASes."""
    z, h, _, _ = tlds(
        {"example.test.": ("test.", ["ns1.example.test.", "ns.far.net."],
                           {"ns1.example.test.": ["203.0.113.53"]})},
        {"ns1.example.test.": ("example.test.", ["203.0.113.53"], "ok")}, {}, [])
    doc = world([("example.test.", "example.test.", "ok")], z, h, None, [], truncated=True,
                registration=False)
    return doc, {
        "resolvable": True,
        # ns.far.net. was never looked at: no address, so it does not count.
        "spofs": ["registry test. inherent",
                  "registrar registrar of example.test (unknown) inherent",
                  "operator example.test avoidable", "network 203.0.113.0/24 avoidable",
                  "server ns1.example.test. avoidable"],
        "hijacks": [],
        "reg_unknown": ["far.net", "nic.test", "nicbak.test"],
        "truncated": True,
    }, ["DEPS_SPOF_INHERENT", "DEPS_SPOF_OPERATOR", "DEPS_SPOF_NETWORK", "DEPS_SPOF_SERVER",
        "DEPS_REGISTRATION_UNKNOWN", "DEPS_INCOMPLETE"], ("ok", "none")


CASES = {"one-operator": one_operator, "registry-registrar": registry_registrar,
         "single-server": single_server, "hijacks": hijacks, "backups": backups,
         "truncated": truncated}


def main():
    with open(os.path.join(EVIDENCE, "healthy.json")) as f:
        healthy = json.load(f)
    base_codes = healthy["expect"]["codes"]
    for name, make in CASES.items():
        deps, expect_graph, codes, (status, layer) = make()
        doc = {"schema": "dnsdeps.evidence/1", "tool": "dnsdeps make_fixtures",
               "time": "2026-06-01T00:00:00Z", "domain": "example.test.",
               "parent": {"zone": "test.", "error": None, "servers": []},
               "dependencies": deps, "expect_graph": expect_graph}
        with open(os.path.join(HERE, name + ".json"), "w") as f:
            json.dump(doc, f, indent=1)
            f.write("\n")
        full = copy.deepcopy(healthy)
        full["time"] = "2026-06-01T00:00:00Z"
        full["dependencies"] = deps
        full["expect"] = {"what": f"dependencies: {name} (tests/unit/data/graph/"
                                  "make_fixtures.py)",
                          "status": status, "layer": layer,
                          "codes": sorted(base_codes + codes)}
        with open(os.path.join(EVIDENCE, f"deps-{name}.json"), "w") as f:
            json.dump(full, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
