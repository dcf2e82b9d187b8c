"""checkspec: what `dnsdeps check` must say in each scenario world, and the world helpers it needs.

The scenario loader (minternet/scenario.py) rejects unknown top-level keys, so the
expectations live here, keyed by scenario file, in the spirit of Zonemaster's test
zones: each case names the verdict and the finding codes that MUST and MUST NOT be
there; other codes are ignored.

    "check_parent.toml": [                     # tests/system/scenarios/ or data/demo/
        expect("lag.test.", "critical", "registry",
               mandatory=["PARENT_NXDOMAIN_SOME"],
               forbidden=["PARENT_NXDOMAIN_ALL"],
               why="the stale server c.nic says NXDOMAIN"),
    ]

expect(domain, status, layer, exit=None, mandatory=(), forbidden=(), args=(),
       variant=None, summary=(), why="")
  status/layer: verdict.status / verdict.layer of `check --json`; exit defaults to
  the monitoring-plugin status for `status` (0 ok, 1 warning, 2 critical, 3 unknown);
  args: extra options after TEST_ARGS; variant: the scenario variant; summary:
  substrings the verdict's summary must contain.

A world can also get extras that the scenario format has no word for
(WORLD_EXTRAS): `udp_only` maps an address of a `dead` server to a real server;
a relay then answers UDP on that address by asking the real server, and nothing
listens on TCP (a nameserver behind a firewall that drops TCP/53).
"""

import os
import re
import select
import socket
import threading

from helpers import DEMO_WORLDS, REPO, SCENARIOS
from minternet import MinternetError, World
from minternet.demo import EXPECTED_NS

TEST_ARGS = ("--timeout", "500", "--retries", "0")
EXIT_FOR_STATUS = {"ok": 0, "warning": 1, "critical": 2, "unknown": 3}
LAYERS = {"none", "root", "registry", "registration", "nameservers", "dnssec"}
SEVERITIES = ("info", "notice", "warning", "error", "critical")
FINDINGS_DOC = os.path.join(REPO, "docs", "findings.md")

# Lameness codes: a case about one kind of lameness forbids the others.
LAME = ["SERVER_TIMEOUT", "SERVER_UNREACHABLE", "SERVER_REFUSED", "SERVER_SERVFAIL",
        "SERVER_NOT_AUTHORITATIVE", "SERVER_NXDOMAIN", "SERVER_BAD_REPLY"]


class Case:
    def __init__(self, file, domain, status, layer, exit, mandatory, forbidden, args, variant,
                 summary, why):
        self.file = file
        self.domain = domain
        self.status = status
        self.layer = layer
        self.exit = EXIT_FOR_STATUS.get(status) if exit is None else exit
        self.mandatory = list(mandatory)
        self.forbidden = list(forbidden)
        self.args = list(args)
        self.variant = variant
        self.summary = list(summary)
        self.why = why

    @property
    def id(self):
        opt = f" {self.args[0]}" if self.args else ""  # "-6", "--ns": one world, two cases
        return f"{self.file}{'@' + self.variant if self.variant else ''}:{self.domain}{opt}"

    @property
    def world_key(self):
        return (self.file, self.variant)

    def argv(self, json_output):
        return ["check", *(["--json"] if json_output else []), *TEST_ARGS, *self.args,
                self.domain]


def expect(domain, status, layer, exit=None, mandatory=(), forbidden=(), args=(), variant=None,
           summary=(), why=""):
    return dict(domain=domain, status=status, layer=layer, exit=exit, mandatory=mandatory,
                forbidden=forbidden, args=args, variant=variant, summary=summary, why=why)


def lame_case(domain, code, status="warning", why=""):
    """One bad server next to a good one: its lameness code and no other."""
    return expect(domain, status, "nameservers", mandatory=[code],
                  forbidden=[c for c in LAME if c != code] + ["SERVERS_ALL_LAME"], why=why)


# The Purism outage: check the nameservers the owner knows, as `dnsdeps demo` does.
PURI_NS = [arg for ns in EXPECTED_NS["puri.sm."] for arg in ("--ns", ns)]

SPEC = {
    "check_parent.toml": [
        expect("healthy.test.", "ok", "none", mandatory=["DELEGATION_TTL"],
               forbidden=["NO_IPV6", "NS_ONE_OPERATOR", "NS_ONE_TLD", "NS_ALL_IN_BAILIWICK",
                          "ADDR_ONE_PREFIX_V4", "ADDR_ONE_PREFIX_V6"],
               why="delegated alike by all three test. servers; two names, two operators, "
                   "IPv4 and IPv6 in two networks each"),
        expect("healthy.test.", "unknown", "none", args=["-6"],
               mandatory=["SERVERS_NOT_ASKED"],
               forbidden=["PARENT_UNKNOWN", "PARENT_ALL_FAILED", "SERVERS_ALL_LAME"],
               why="-6: the root has IPv6, test.'s servers do not; dnsdeps could not ask them "
                   "(it said critical, layer registry)"),
        expect("www.healthy.test.", "ok", "none",
               forbidden=["PARENT_NOT_DELEGATED", "PARENT_NXDOMAIN_ALL", "HOST_NXDOMAIN",
                          "HOST_NO_ADDRESS", "HOST_LOOKUP_FAILED"],
               summary=["www.healthy.test is a name in the zone healthy.test and resolves "
                        "(127.0.0.80)", "healthy.test is healthy"],
               why="a host name in a healthy zone: the zone is judged, the name resolves "
                   "(it said CRITICAL, layer registration, \"not registered\")"),
        expect("nope.healthy.test.", "critical", "nameservers", mandatory=["HOST_NXDOMAIN"],
               forbidden=["PARENT_NOT_DELEGATED", "PARENT_NXDOMAIN_ALL"],
               summary=["nope.healthy.test does not exist in the zone healthy.test",
                        "healthy.test is healthy"],
               why="a name the zone does not have: the name is at fault, not the registration"),
        expect("txt.healthy.test.", "warning", "nameservers", mandatory=["HOST_NO_ADDRESS"],
               forbidden=["PARENT_NOT_DELEGATED", "HOST_NXDOMAIN"],
               why="the name holds only a TXT record"),
        expect("loop.healthy.test.", "critical", "nameservers", mandatory=["HOST_LOOKUP_FAILED"],
               forbidden=["PARENT_NOT_DELEGATED", "HOST_NXDOMAIN", "HOST_NO_ADDRESS"],
               why="the name is a CNAME loop in a healthy zone: its look-up fails"),
        expect("lag.test.", "critical", "registry", mandatory=["PARENT_NXDOMAIN_SOME"],
               forbidden=["PARENT_NXDOMAIN_ALL", "PARENT_NOT_DELEGATED", "PARENT_NS_DISAGREE",
                          "PARENT_SERVER_FAILED", "SERVERS_ALL_LAME"],
               why="publication lag: the stale c.nic.test. says NXDOMAIN, a.nic and b.nic "
                   "delegate"),
        expect("nodata.test.", "critical", "registry", mandatory=["PARENT_NODATA_SOME"],
               forbidden=["PARENT_NXDOMAIN_SOME", "PARENT_NOT_DELEGATED", "PARENT_NXDOMAIN_ALL"],
               why="the stale copy has the name (a TXT) but no delegation"),
        expect("nsdiff.test.", "warning", "registry", mandatory=["PARENT_NS_DISAGREE"],
               forbidden=["NS_PARENT_CHILD_DIFFER", "PARENT_NXDOMAIN_SOME", "PARENT_NODATA_SOME",
                          "PARENT_GLUE_DISAGREE"],
               why="the stale copy lists one NS of the two the zone publishes"),
        expect("gluediff.test.", "warning", "registry",
               mandatory=["PARENT_GLUE_DISAGREE", "GLUE_MISMATCH"],
               forbidden=["PARENT_NS_DISAGREE", "SERVER_UNREACHABLE", "SERVER_TIMEOUT"],
               why="the stale copy has the old glue of ns1.gluediff.test. (the old address "
                   "still serves the zone)"),
        expect("unregistered.test.", "critical", "registration",
               mandatory=["PARENT_NXDOMAIN_ALL"],
               forbidden=["PARENT_NXDOMAIN_SOME", "PARENT_SERVER_FAILED", "PARENT_ALL_FAILED"],
               why="in no copy of test."),
        expect("notdelegated.test.", "critical", "registration",
               mandatory=["PARENT_NOT_DELEGATED"],
               forbidden=["PARENT_NXDOMAIN_ALL", "PARENT_NODATA_SOME"],
               why="the name exists (a TXT) in every copy of test., without NS"),
    ],
    "check_registry.toml": [
        expect("x.flaky.", "warning", "registry", mandatory=["PARENT_SERVER_FAILED"],
               forbidden=["PARENT_ALL_FAILED", "SERVER_REFUSED", "REGISTRY_SERVER_FAILED"],
               why="one of the two flaky. servers answers REFUSED"),
        expect("x.down.", "critical", "registry", mandatory=["PARENT_ALL_FAILED"],
               forbidden=["PARENT_NXDOMAIN_ALL", "SERVERS_ALL_LAME", "ROOT_ALL_FAILED"],
               why="the down. servers answer REFUSED or nothing"),
        expect("shop.co.reg.", "warning", "registry", mandatory=["REGISTRY_SERVER_FAILED"],
               forbidden=["PARENT_SERVER_FAILED", "PARENT_ALL_FAILED"],
               why="on the way to co.reg., one reg. server answers REFUSED"),
        expect("shop.co.lag.", "critical", "registry", mandatory=["REGISTRY_REFERRAL_DISAGREE"],
               forbidden=["PARENT_NXDOMAIN_SOME", "PARENT_NXDOMAIN_ALL"],
               why="one lag. server has a copy without co.lag. and says NXDOMAIN"),
        expect("shop.co.gone.", "critical", "registry",
               forbidden=["SERVERS_ALL_LAME", "PARENT_NXDOMAIN_ALL", "ROOT_ALL_FAILED"],
               why="every gone. server fails above co.gone.; the walk stops there, so which "
                   "zone is the parent cannot be known: only the layer is asserted"),
        expect("x.lost.", "critical", "registry", mandatory=["PARENT_ALL_FAILED"],
               forbidden=["SERVERS_ALL_LAME", "PARENT_NXDOMAIN_ALL"],
               why="lost. is delegated to ns.lost. without glue: nobody reaches the TLD"),
    ],
    "check_root.toml": [
        expect("ok.test.", "ok", "none", mandatory=["ROOT_SERVER_FAILED"],
               forbidden=["ROOT_ALL_FAILED", "ROOT_REFERRAL_DISAGREE"],
               why="one of two root servers answers REFUSED: a notice, not a problem"),
        expect("ok.test.", "critical", "root", variant="disagree",
               mandatory=["ROOT_REFERRAL_DISAGREE"],
               forbidden=["ROOT_ALL_FAILED", "PARENT_NXDOMAIN_ALL"],
               why="b.root says NXDOMAIN where a.root refers to test."),
        expect("ok.test.", "critical", "root", variant="down", mandatory=["ROOT_ALL_FAILED"],
               forbidden=["PARENT_ALL_FAILED", "REGISTRY_ALL_FAILED"],
               why="both root servers answer, uselessly (REFUSED, SERVFAIL)"),
        expect("ok.test.", "unknown", "root", variant="silent", mandatory=["ROOT_ALL_FAILED"],
               forbidden=["PARENT_ALL_FAILED", "REGISTRY_ALL_FAILED"],
               why="no root server answers: this machine is cut off, nothing can be judged"),
    ],
    "check_servers.toml": [
        lame_case("refused.test.", "SERVER_REFUSED"),
        lame_case("servfail.test.", "SERVER_SERVFAIL"),
        lame_case("noaa.test.", "SERVER_NOT_AUTHORITATIVE",
                  why="NOERROR without AA and without data"),
        lame_case("nxdomain.test.", "SERVER_NXDOMAIN", status="critical",
                  why="an error: resolvers that ask it cache the NXDOMAIN"),
        lame_case("timeout.test.", "SERVER_TIMEOUT"),
        lame_case("unreachable.test.", "SERVER_UNREACHABLE"),
        lame_case("badreply.test.", "SERVER_BAD_REPLY", why="a 7-byte reply"),
        expect("alllame.test.", "critical", "nameservers",
               mandatory=["SERVERS_ALL_LAME", "SERVER_REFUSED", "SERVER_TIMEOUT",
                          "SERVER_UNREACHABLE"],
               forbidden=["PARENT_NXDOMAIN_ALL", "PARENT_ALL_FAILED"],
               why="REFUSED, silent and nothing listening: the domain is down, the registry "
                   "is not to blame"),
        expect("notcp.test.", "warning", "nameservers", mandatory=["SERVER_NO_TCP"],
               forbidden=LAME + ["SERVERS_ALL_LAME"],
               why="udponly.broken.test. answers over UDP only (relay, see WORLD_EXTRAS)"),
        expect("edns.test.", "warning", "nameservers", mandatory=["SERVER_EDNS_BROKEN"],
               forbidden=LAME + ["SERVERS_ALL_LAME", "SERVER_NO_TCP", "ZONE_SERIAL_DIFFER"],
               why="noedns.broken.test. answers a version-1 query NOERROR without OPT"),
        expect("serial.test.", "warning", "nameservers", mandatory=["ZONE_SERIAL_DIFFER"],
               forbidden=["CHILD_NS_DISAGREE", "NS_PARENT_CHILD_DIFFER"] + LAME,
               why="ns-b still serves serial 1, ns-a serial 2"),
        expect("childns.test.", "warning", "nameservers", mandatory=["CHILD_NS_DISAGREE"],
               forbidden=["ZONE_SERIAL_DIFFER", "NS_PARENT_CHILD_DIFFER"] + LAME,
               why="ns-b's copy lists only ns-b (same serial)"),
    ],
    "check_delegation.toml": [
        expect("pcdiff.test.", "warning", "nameservers", mandatory=["NS_PARENT_CHILD_DIFFER"],
               forbidden=["CHILD_NS_DISAGREE", "PARENT_NS_DISAGREE"] + LAME,
               why="test. lists ns-a and ns-b, the zone ns-a and ns-c"),
        expect("gluebad.test.", "warning", "nameservers", mandatory=["GLUE_MISMATCH"],
               forbidden=["PARENT_GLUE_DISAGREE", "GLUE_MISSING"] + LAME,
               why="glue 127.0.20.2, the zone says 127.0.20.1"),
        expect("noglue.test.", "critical", "nameservers", mandatory=["GLUE_MISSING"],
               forbidden=["GLUE_MISMATCH", "NS_NAME_NXDOMAIN", "NS_NAME_NO_ADDRESS"],
               why="ns1.noglue.test. has no glue (an error: it cannot be reached through it)"),
        expect("nsnx.test.", "critical", "nameservers", mandatory=["NS_NAME_NXDOMAIN"],
               forbidden=["NS_NAME_NO_ADDRESS", "SERVERS_ALL_LAME", "GLUE_MISSING"],
               why="an NS name (with an ESC byte in it) does not exist"),
        expect("nsnoaddr.test.", "warning", "nameservers", mandatory=["NS_NAME_NO_ADDRESS"],
               forbidden=["NS_NAME_NXDOMAIN", "NS_NAME_CNAME"],
               why="an NS name with only a TXT record"),
        expect("nscname.test.", "warning", "nameservers", mandatory=["NS_NAME_CNAME"],
               forbidden=["NS_NAME_NO_ADDRESS", "NS_NAME_NXDOMAIN"] + LAME,
               why="an NS name that is a CNAME to a working server"),
        expect("onens.test.", "warning", "nameservers", mandatory=["NS_TOO_FEW"],
               forbidden=["ADDR_TOO_FEW"], why="one name with an IPv4 and an IPv6 address"),
        expect("oneaddr.test.", "critical", "nameservers", mandatory=["NS_SAME_ADDRESS"],
               forbidden=["NS_TOO_FEW", "ADDR_TOO_FEW"],
               why="two names, one address (in the glue): one server posing as two, an error "
                   "(Zonemaster DEL_NS_SAME_IP); ADDR_TOO_FEW would say the same fact again"),
        expect("onenet.test.", "warning", "nameservers",
               mandatory=["ADDR_ONE_PREFIX_V4", "NS_ONE_OPERATOR", "DEPS_SPOF_INHERENT"],
               forbidden=["DEPS_SPOF_NETWORK", "DEPS_SPOF_OPERATOR"],
               why="one /24 and one operator: ADDR_ONE_PREFIX_V4 and NS_ONE_OPERATOR say it, "
                   "not again as DEPS_SPOF_NETWORK and DEPS_SPOF_OPERATOR"),
        expect("oneaddr1.test.", "warning", "nameservers", mandatory=["NS_TOO_FEW", "ADDR_TOO_FEW"],
               forbidden=["NS_SAME_ADDRESS"], why="one name, one IPv4 address"),
        expect("sameaddr.test.", "critical", "nameservers", mandatory=["NS_SAME_ADDRESS"],
               forbidden=["NS_TOO_FEW", "ADDR_TOO_FEW"],
               why="ns-b and ns-b4 both have the address 127.0.21.1 in their own records "
                   "(Zonemaster CHILD_NS_SAME_IP)"),
        expect("prefix4.test.", "unknown", "none", args=["-6"], mandatory=["SERVERS_NOT_ASKED"],
               forbidden=["PARENT_UNKNOWN", "SERVERS_ALL_LAME", "NS_NAME_NO_ADDRESS"],
               why="-6 where no server of the root or test. has IPv6: dnsdeps could not look, "
                   "nobody is to blame (it was critical, layer registry)"),
        expect("prefix4.test.", "warning", "nameservers", mandatory=["ADDR_ONE_PREFIX_V4"],
               forbidden=["ADDR_ONE_PREFIX_V6", "NO_IPV6"], why="127.0.20.1 and 127.0.20.2"),
        expect("prefix6.test.", "warning", "nameservers", mandatory=["ADDR_ONE_PREFIX_V6"],
               forbidden=["ADDR_ONE_PREFIX_V4"], why="fd00:20::1 and fd00:20::2"),
        expect("noipv6.test.", "ok", "none", mandatory=["NO_IPV6"],
               forbidden=["ADDR_ONE_PREFIX_V4", "ADDR_TOO_FEW"],
               why="a notice only: the verdict stays ok"),
        expect("oneop.test.", "ok", "none", mandatory=["NS_ONE_OPERATOR"],
               forbidden=["NS_ONE_TLD", "NS_ALL_IN_BAILIWICK"],
               why="ns1 and ns2 under prov.test."),
        expect("onetld.test.", "ok", "none", mandatory=["NS_ONE_TLD"],
               forbidden=["NS_ONE_OPERATOR"], why="two operators, both under example."),
        expect("inbail.test.", "ok", "none", mandatory=["NS_ALL_IN_BAILIWICK"],
               forbidden=["NS_ONE_OPERATOR", "GLUE_MISSING"], why="ns1 and ns2 inside it"),
    ],
    "healthy.toml": [
        expect("example.test.", "warning", "nameservers", args=["-6"],
               mandatory=["ADDR_ONE_PREFIX_V6"], forbidden=["GLUE_MISMATCH", "NO_IPV6"],
               why="-6: the IPv4 glue cannot be compared with authoritative IPv4 addresses "
                   "nobody asked for (it said GLUE_MISMATCH)"),
        expect("glueless.test.", "unknown", "none", args=["-6"], mandatory=["SERVERS_NOT_ASKED"],
               forbidden=["SERVERS_ALL_LAME", "NS_NAME_NO_ADDRESS"],
               why="-6: the root and test. have IPv6, but hosting.example.'s servers (and so "
                   "the NS names' addresses) have none; it said critical, layer nameservers"),
    ],
    "purism.toml": [
        expect("puri.sm.", "ok", "none", forbidden=["PARENT_NXDOMAIN_ALL", "SERVERS_ALL_LAME"],
               why="before the outage"),
        expect("puri.sm.", "critical", "registration", variant="outage", args=PURI_NS,
               mandatory=["PARENT_NXDOMAIN_ALL"],
               forbidden=["SERVERS_ALL_LAME", "NS_NAME_NXDOMAIN", "PARENT_SERVER_FAILED",
                          "PARENT_ALL_FAILED"] + LAME,
               summary=["registrar"],
               why="the registry stopped delegating puri.sm. while its servers still answer"),
        expect("puri.sm.", "critical", "registration", variant="outage",
               mandatory=["PARENT_NXDOMAIN_ALL"], forbidden=["SERVERS_ALL_LAME"] + LAME,
               summary=["none was asked", "--ns NAME"],
               why="without --ns and without registration data no nameserver of puri.sm. is "
                   "known, so none was asked: the summary may not say that none answers"),
        expect("example.sm.", "ok", "none", variant="outage",
               why="the healthy neighbour is untouched by the outage"),
    ],
}

# Extras the scenario format cannot say, applied after the world is up.
WORLD_EXTRAS = {
    "check_servers.toml": {"udp_only": {"127.0.30.9": "127.0.20.1"}},
}

# Codes of docs/findings.md that no scenario needs to make mandatory, with the reason.
NOT_FROM_SCENARIOS = {
    "REGISTRY_ALL_FAILED":
        "the walk ends at a zone whose servers all fail, and check takes that zone as the "
        "parent (src/probe/check.c parent_step), so it becomes PARENT_ALL_FAILED; "
        "only hand-written evidence (unit tests) reaches it",
    "PARENT_UNKNOWN":
        "check takes the deepest zone the walk asked about the domain as the parent, so the "
        "parent is unknown only in evidence without any walk (unit tests)",
}


# Codes whose scenarios live in another suite: test_check.py requires each
# such code to be named (in a SPEC table or an assertion) in that file.
OTHER_SUITES = {
    "DNSSEC_": "test_dnssec.py",
    "REG_": "test_check_reg.py",
    "DEPS_": "test_deps.py",
}


def cases():
    """Every case of SPEC, grouped by world (file, variant) in file order."""
    out = []
    for file, entries in SPEC.items():
        for e in entries:
            out.append(Case(file, **e))
    order = []
    for c in out:
        if c.world_key not in order:
            order.append(c.world_key)
    return sorted(out, key=lambda c: order.index(c.world_key))


def scenario_path(file):
    for d in (SCENARIOS, DEMO_WORLDS):
        path = os.path.join(d, file)
        if os.path.exists(path):
            return path
    raise FileNotFoundError(f"no scenario file {file} in {SCENARIOS} or {DEMO_WORLDS}")


# ---- docs/findings.md ---------------------------------------------------------------

CODE_RE = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")


def _cells(line):
    return [c.strip().strip("`").strip() for c in line.strip().strip("|").split("|")]


def documented_codes(path=FINDINGS_DOC):
    """{code: (severity, layer)} from the Markdown tables of docs/findings.md.

    A table counts when its header has the columns code, severity and layer
    (any case, any order); every row whose code cell is UPPER_SNAKE is a code."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    codes = {}
    cols = None
    for line in lines:
        if not line.lstrip().startswith("|"):
            cols = None
            continue
        cells = [c.lower() for c in _cells(line)]
        if {"code", "severity", "layer"} <= set(cells):
            cols = (cells.index("code"), cells.index("severity"), cells.index("layer"))
            continue
        if cols is None or set("".join(cells)) <= set("-: "):
            continue
        raw = _cells(line)
        if max(cols) >= len(raw) or not CODE_RE.match(raw[cols[0]]):
            continue
        code, sev, layer = raw[cols[0]], raw[cols[1]].lower(), raw[cols[2]].lower()
        if code in codes:
            raise ValueError(f"{path}: {code} documented twice")
        codes[code] = (sev, layer)
    return codes


# ---- worlds ------------------------------------------------------------------------------

class UdpRelay:
    """Answers UDP on `address` port 53 by asking `target`; no TCP listener at all."""

    def __init__(self, address, target):
        self.address, self.target = address, target
        fam = socket.AF_INET6 if ":" in address else socket.AF_INET
        self.sock = socket.socket(fam, socket.SOCK_DGRAM)
        self.sock.bind((address, 53))
        self.stop_r, self.stop_w = os.pipe()
        self.thread = threading.Thread(target=self._serve, name=f"udp-relay-{address}",
                                       daemon=True)
        self.thread.start()

    def _serve(self):
        fam = socket.AF_INET6 if ":" in self.target else socket.AF_INET
        pending = {}  # upstream socket -> client address
        try:
            while True:
                ready, _, _ = select.select([self.sock, self.stop_r, *pending], [], [], 1.0)
                if self.stop_r in ready:
                    return
                if not ready:
                    for up in pending:  # a second without a reply: give up on them
                        up.close()
                    pending.clear()
                    continue
                for s in ready:
                    if s is self.sock:
                        data, peer = self.sock.recvfrom(65535)
                        up = socket.socket(fam, socket.SOCK_DGRAM)
                        up.connect((self.target, 53))
                        up.send(data)
                        if len(pending) < 256:
                            pending[up] = peer
                        else:
                            up.close()
                    elif s in pending:
                        try:
                            self.sock.sendto(s.recv(65535), pending[s])
                        except OSError:
                            pass
                        s.close()
                        del pending[s]
        finally:
            for up in pending:
                up.close()

    def close(self):
        os.write(self.stop_w, b"x")
        self.thread.join(5)
        self.sock.close()
        os.close(self.stop_r)
        os.close(self.stop_w)


def start_extras(world, file):
    """Start the WORLD_EXTRAS of file in the running world; returns what to close."""
    extras = WORLD_EXTRAS.get(file, {})
    started = []
    dead = {a for s in world.servers if s.behaviour == "dead" for a in s.addresses}
    try:
        for address, target in extras.get("udp_only", {}).items():
            if address not in dead:
                raise MinternetError(f"{file}: udp_only address {address} must belong to a "
                                     "'dead' server, so that nothing else listens there")
            started.append(UdpRelay(address, target))
    except BaseException:
        for x in started:
            x.close()
        raise
    return started


class Worlds:
    """At most one world alive: asking for another stops the current one first."""

    def __init__(self):
        self.key = None
        self.world = None
        self.extras = []

    def get(self, case):
        if self.key != case.world_key:
            self.close()
            world = World.from_file(scenario_path(case.file), variant=case.variant)
            world.start()
            self.world, self.key = world, case.world_key
            self.extras = start_extras(world, case.file)
        return self.world

    def close(self):
        for x in self.extras:
            x.close()
        self.extras = []
        if self.world is not None:
            self.world.stop()
        self.world, self.key = None, None
