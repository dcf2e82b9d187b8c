"""checkspec: reads what `dnsdeps check` must say in each scenario world, and the world helpers it needs.

Each world carries its own expectations, in the spirit of Zonemaster's test zones: an
`[[expect]]` block per case names the verdict and the finding codes that MUST and MUST
NOT be there; other codes are ignored. The scenario loader (minternet/scenario.py)
builds the world and leaves these blocks to this module.

    [[expect]]                                  # tests/system/scenarios/ or data/demo/
    domain = "lag.test."
    status = "critical"                         # verdict.status of `check --json`
    layer = "registry"                          # verdict.layer
    mandatory = ["PARENT_NXDOMAIN_SOME"]
    forbidden = ["PARENT_NXDOMAIN_ALL"]
    why = "the stale server c.nic says NXDOMAIN"

Other keys: exit (default: the monitoring-plugin status for `status`, 0 ok, 1 warning,
2 critical, 3 unknown); args (extra options after TEST_ARGS); variant (the scenario
variant); summary (substrings the verdict's summary must contain); forbid_other_lame
(true: every lameness code of LAME not mandatory here is forbidden).

A world can also get extras that the scenario format has no word for (`[extras]`):
`udp_only` maps an address of a `dead` server to a real server; a relay then answers
UDP on that address by asking the real server, and nothing listens on TCP (a
nameserver behind a firewall that drops TCP/53).
"""

import os
import re
import select
import socket
import threading
import tomllib

from helpers import DEMO_WORLDS, REPO, SCENARIOS
from minternet import MinternetError, World

TEST_ARGS = ("--timeout", "500", "--retries", "0")
EXIT_FOR_STATUS = {"ok": 0, "warning": 1, "critical": 2, "unknown": 3}
LAYERS = {"none", "root", "registry", "registration", "nameservers", "dnssec"}
SEVERITIES = ("info", "notice", "warning", "error", "critical")
FINDINGS_DOC = os.path.join(REPO, "docs", "findings.md")

# Lameness codes: a case about one kind of lameness forbids the others.
LAME = ["SERVER_TIMEOUT", "SERVER_UNREACHABLE", "SERVER_REFUSED", "SERVER_SERVFAIL",
        "SERVER_NOT_AUTHORITATIVE", "SERVER_NXDOMAIN", "SERVER_BAD_REPLY"]


EXPECT_KEYS = {"domain", "status", "layer", "exit", "mandatory", "forbidden", "args", "variant",
               "summary", "why", "forbid_other_lame"}


class Case:
    def __init__(self, file, e):
        unknown = set(e) - EXPECT_KEYS
        if unknown:
            raise MinternetError(f"{file}: [[expect]] {e.get('domain')}: unknown keys "
                                 f"{sorted(unknown)}")
        self.file = file
        self.domain = e["domain"]
        self.status = e["status"]
        self.layer = e["layer"]
        self.exit = e.get("exit", EXIT_FOR_STATUS.get(self.status))
        self.mandatory = list(e.get("mandatory", ()))
        self.forbidden = list(e.get("forbidden", ()))
        if e.get("forbid_other_lame"):
            self.forbidden += [c for c in LAME if c not in self.mandatory]
        self.args = list(e.get("args", ()))
        self.variant = e.get("variant")
        self.summary = list(e.get("summary", ()))
        self.why = e.get("why", "")

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


def scenario_files():
    """Every scenario file of both folders, by name."""
    out = {}
    for d in (SCENARIOS, DEMO_WORLDS):
        for name in sorted(os.listdir(d)):
            if name.endswith(".toml"):
                out.setdefault(name, os.path.join(d, name))
    return out


def _load(file):
    with open(scenario_path(file), "rb") as f:
        return tomllib.load(f)


def spec():
    """{file: [Case]} for every scenario file with [[expect]] blocks."""
    out = {}
    for file in scenario_files():
        entries = _load(file).get("expect", [])
        if entries:
            out[file] = [Case(file, e) for e in entries]
    return out


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
    """Every [[expect]] case, grouped by world (file, variant) in file order."""
    out = [c for entries in spec().values() for c in entries]
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
    """Start the [extras] of file in the running world; returns what to close."""
    extras = _load(file).get("extras", {})
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
