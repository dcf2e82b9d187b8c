"""world: bring a scenario up as real servers on loopback, and tear it down.

    with World.from_file("tests/system/scenarios/healthy.toml") as world:
        r = world.run_dnsdeps("trace", "--json", "www.example.test.", "A")

One NSD per `nsd` server, one fakeserver process for the silent, refused and
crafted ones, nothing for dead ones. Zones with a dnssec table are signed first
(ldns-keygen, ldns-signzone; see scenario.py); a signed root leaves its DS in
World.trust_anchor for `dnsdeps check --trust-anchor`. Every process is started in its own
process group (and dies with its parent thread); stop() ends exactly those
groups. Start-up waits until every server answers a real query.
"""

import ctypes
import json
import os
import random
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

from . import dnswire as w
from .client import udp_exchange
from . import netns
from . import scenario as sc
from .common import MinternetError, find_tool

HERE = os.path.dirname(os.path.abspath(__file__))
START_TIMEOUT = float(os.environ.get("MINTERNET_START_TIMEOUT", "15"))
SIGN_TIMEOUT = 30
KEY_ALGORITHMS = {13: ("ECDSAP256SHA256", None), 8: ("RSASHA256", 1024), 5: ("RSASHA1", 1024)}
PR_SET_PDEATHSIG = 1


def default_dnsdeps():
    """$DNSDEPS, else <repo>/build/dnsdeps (meaningful in the source tree only)."""
    env = os.environ.get("DNSDEPS")
    if env:
        return os.path.abspath(env)
    return os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(HERE))),
                        "build", "dnsdeps")


def _child_setup():
    """In the child before exec: own process group; SIGKILL if the parent dies."""
    os.setsid()
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


class Server:
    """A running (or dead-by-design) server of the world."""

    def __init__(self, spec):
        self.spec = spec
        self.name = spec.name
        self.address = spec.address
        self.ipv6 = list(spec.ipv6)
        self.behaviour = spec.behaviour
        self.params = dict(spec.params)
        self.zones = [z.origin for z in spec.zones]
        self.process = None
        self.dir = None

    @property
    def addresses(self):
        return self.spec.addresses

    def __repr__(self):
        return f"<Server {self.name} {self.behaviour} {' '.join(self.addresses)}>"


class World:
    def __init__(self, scenario, dnsdeps=None):
        self.scenario = scenario
        self.dnsdeps = dnsdeps
        self.servers = [Server(s) for s in scenario.servers.values()]
        self.root_hints = None
        self.trust_anchor = None  # DS of the root KSK when the root is signed
        self.dir = None
        self.bringup_seconds = None
        self._procs = []        # Popen objects we started (each a group leader)
        self._fake = None
        self._added_v6 = []
        self._started = False
        self._serials = {}      # origin -> SOA serial of a generated SOA, after edits

    @classmethod
    def from_file(cls, path, variant=None, dnsdeps=None):
        return cls(sc.load(path, variant), dnsdeps=dnsdeps)

    @classmethod
    def from_dict(cls, data, variant=None, dnsdeps=None, source="<dict>"):
        return cls(sc.Scenario(data, variant, source), dnsdeps=dnsdeps)

    def server(self, name):
        name = sc.canonical(name)
        for s in self.servers:
            if s.name == name:
                return s
        raise KeyError(f"no server {name} in {self.scenario.source}")

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    # ---- bring-up -----------------------------------------------------

    def start(self):
        if self._started:
            raise MinternetError("world already started")
        netns.require_inside()
        self._started = True
        t0 = time.monotonic()
        try:
            self.dir = tempfile.mkdtemp(prefix="minternet-")
            self._write_zones()
            self._write_hints()
            for s in self.servers:
                for a in s.ipv6:
                    if netns.add_ipv6(a):
                        self._added_v6.append(a)
            self._start_nsds()
            self._start_fake()
            self._wait_ready(t0 + START_TIMEOUT)
        except BaseException:
            self.stop()
            raise
        self.bringup_seconds = time.monotonic() - t0

    def _zone_path(self, zone):
        i = self.scenario.zones.index(zone)
        name = "root" if zone.origin == "." else zone.origin.rstrip(".")
        return os.path.join(self.dir, "zones", f"{i:03d}-{name}.zone")

    def _write_zones(self):
        os.makedirs(os.path.join(self.dir, "zones"), exist_ok=True)
        texts = []
        for z in self.scenario.zones:
            text = z.text()
            if not any(r.type_and_rdata()[0] == "SOA" for r in z.records if r.owner):
                primary = z.servers[0] if z.servers else "localhost."
                rname = "hostmaster." + ("" if z.origin == "." else z.origin)
                serial = self._serials.get(z.origin, 1)
                text = (f"{z.origin} 3600 IN SOA {primary} {rname} {serial} 3600 900 604800 300\n"
                        + text)
            texts.append(f"$ORIGIN {z.origin}\n$TTL 3600\n{text}")
        if any(z.dnssec for z in self.scenario.zones):
            texts = Signer(self).sign(texts)
        for z, text in zip(self.scenario.zones, texts):
            with open(self._zone_path(z), "w", encoding="utf-8") as f:
                f.write(text)

    def _write_hints(self):
        roots = self.scenario.root_servers()
        self.root_hints = os.path.join(self.dir, "root.hints")
        lines = ["; root hints of the mini-internet " + self.scenario.source]
        for s in roots:
            lines.append(f".\t3600000\tNS\t{s.name}")
        for s in roots:
            if s.address:
                lines.append(f"{s.name}\t3600000\tA\t{s.address}")
            for a in s.ipv6:
                lines.append(f"{s.name}\t3600000\tAAAA\t{a}")
        with open(self.root_hints, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")

    def _nsd_conf(self, s):
        d = s.dir
        out = ["server:"]
        out += [f"\tip-address: {a}" for a in s.addresses]
        out += [
            "\tport: 53",
            '\tusername: ""',
            '\tchroot: ""',
            f'\tzonesdir: "{d}"',
            f'\tpidfile: "{d}/nsd.pid"',
            f'\tzonelistfile: "{d}/zone.list"',
            f'\txfrdfile: "{d}/xfrd.state"',
            '\tdatabase: ""',
            f'\tlogfile: "{d}/nsd.log"',
            "\tserver-count: 1",
            "\trrl-ratelimit: 0",
            "\trrl-size: 1",     # the default table (1M entries) makes start-up slow
            "\ttcp-count: 16",
            "\tzonefiles-write: 0",
            "\tverbosity: 1",
            "\thide-version: yes",
            "\treuseport: no",
            f"\tdo-ip6: {'yes' if s.ipv6 else 'no'}",
            "remote-control:",
            "\tcontrol-enable: no",
        ]
        for z in s.spec.zones:
            out += ["zone:", f'\tname: "{z.origin}"', f'\tzonefile: "{self._zone_path(z)}"']
        return "\n".join(out) + "\n"

    def _start_nsds(self):
        nsd = [s for s in self.servers if s.behaviour == "nsd"]
        if not nsd:
            return
        binary = find_tool("nsd", "nsd")
        for i, s in enumerate(nsd):
            s.dir = os.path.join(self.dir, f"nsd{i:03d}")
            os.makedirs(s.dir)
            conf = os.path.join(s.dir, "nsd.conf")
            with open(conf, "w", encoding="utf-8") as f:
                f.write(self._nsd_conf(s))
            with open(os.path.join(s.dir, "nsd.out"), "wb") as out:
                s.process = subprocess.Popen([binary, "-d", "-c", conf], stdin=subprocess.DEVNULL,
                                             stdout=out, stderr=subprocess.STDOUT,
                                             preexec_fn=_child_setup, cwd=s.dir)
            self._procs.append(s.process)

    def _start_fake(self):
        fake = [s for s in self.servers if s.behaviour in ("silent", "refused", "crafted")]
        if not fake:
            return
        spec = [dict(name=s.name, addresses=s.addresses, behaviour=s.behaviour, **s.params)
                for s in fake]
        path = os.path.join(self.dir, "fakeserver.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(spec, f)
        errlog = open(os.path.join(self.dir, "fakeserver.err"), "wb")
        with errlog:
            self._fake = subprocess.Popen([sys.executable, os.path.join(HERE, "fakeserver.py"), path],
                                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                          stderr=errlog, preexec_fn=_child_setup)
        self._procs.append(self._fake)
        for s in fake:
            s.process = self._fake

    def _probes(self):
        """(server, address, qname, qtype, check) for every server that must answer."""
        probes = []
        for s in self.servers:
            if s.behaviour == "nsd":
                zones = s.zones or ["."]
                check = self._nsd_ok if s.zones else None
                for a in s.addresses:
                    probes += [(s, a, z, "SOA", check) for z in zones]
            elif s.behaviour in ("refused", "crafted"):
                probes += [(s, a, "probe.invalid.", "A", None) for a in s.addresses]
        return probes

    @staticmethod
    def _nsd_ok(raw):
        try:
            m = w.parse_message(raw)
        except w.WireError as e:
            return f"unparsable reply ({e})"
        if m.rcode != 0 or not m.aa:
            return f"{m.rcode_name}, aa={m.aa}: the zone did not load"
        return None

    def _wait_fake(self, deadline):
        if self._fake is None:
            return
        buf = b""
        while b"\n" not in buf:
            left = deadline - time.monotonic()
            if left <= 0 or self._fake.poll() is not None:
                raise MinternetError("fakeserver did not start: " +
                                     self._read(os.path.join(self.dir, "fakeserver.err")))
            r, _, _ = select.select([self._fake.stdout], [], [], min(left, 0.2))
            if r:
                chunk = os.read(self._fake.stdout.fileno(), 100)
                if not chunk:
                    continue
                buf += chunk
        if not buf.startswith(b"ready"):
            raise MinternetError(f"fakeserver said {buf!r}")

    def _wait_ready(self, deadline):
        self._wait_fake(deadline)
        pending = {}
        for p in self._probes():
            addr = p[1]
            fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
            sock = socket.socket(fam, socket.SOCK_DGRAM)
            sock.setblocking(False)
            sock.connect((addr, 53))
            pending[sock] = [p, random.randrange(1, 0x10000), 0.0]
        try:
            self._poll_probes(pending, deadline)
        finally:
            for sock in pending:
                sock.close()

    def _poll_probes(self, pending, deadline):
        while pending:
            now = time.monotonic()
            if now > deadline:
                left = sorted({f"{p[0][0].name} ({p[0][1]})" for p in pending.values()})
                raise MinternetError(f"servers not answering after {START_TIMEOUT:.0f}s: "
                                     + ", ".join(left) + self._logs())
            for s in self.servers:
                if s.process is not None and s.process.poll() is not None:
                    raise MinternetError(f"{s.name} exited with {s.process.returncode}"
                                         + self._logs(s))
            for sock, st in pending.items():
                if now - st[2] >= 0.05:
                    p = st[0]
                    try:
                        sock.send(w.build_query(p[2], p[3], st[1]))
                    except OSError:
                        pass  # not bound yet: ECONNREFUSED; retry
                    st[2] = now
            ready, _, _ = select.select(list(pending), [], [], 0.02)
            for sock in ready:
                try:
                    raw = sock.recv(65535)
                except OSError:
                    continue
                (s, addr, qname, _, check), qid = pending[sock][0], pending[sock][1]
                if len(raw) < 2 or int.from_bytes(raw[:2], "big") != qid:
                    if s.behaviour == "crafted":
                        del pending[sock]  # whatever it sends, it is up
                        sock.close()
                    continue
                problem = check(raw) if check else None
                if problem:
                    raise MinternetError(f"{s.name} at {addr} for {qname}: {problem}"
                                         + self._logs(s))
                del pending[sock]
                sock.close()

    @staticmethod
    def _read(path, limit=4000):
        try:
            with open(path, "rb") as f:
                return f.read()[-limit:].decode("utf-8", "replace")
        except OSError:
            return ""

    def _logs(self, only=None):
        out = []
        for s in [only] if only else self.servers:
            if s.dir:
                text = self._read(os.path.join(s.dir, "nsd.log")) + \
                    self._read(os.path.join(s.dir, "nsd.out"))
                if "error" in text or only:
                    out.append(f"\n--- {s.name} ---\n{text}")
        return "".join(out)

    # ---- teardown -----------------------------------------------------

    def process_groups(self):
        return [p.pid for p in self._procs]

    def stop(self):
        """End every process group we started, then remove our traces."""
        groups = self.process_groups()
        for pgid in groups:
            try:
                os.killpg(pgid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 3
        for p in self._procs:
            try:
                p.wait(max(0.01, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
        for _ in range(100):
            left = group_members(groups)
            if not left:
                break
            if time.monotonic() > deadline:
                for pgid in groups:
                    try:
                        os.killpg(pgid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
            time.sleep(0.03)
        for p in self._procs:
            if p.poll() is None:
                p.kill()
            p.wait()
            if p.stdout:
                p.stdout.close()
        self._procs = []
        self._fake = None
        for a in self._added_v6:
            netns.del_ipv6(a)
        self._added_v6 = []
        if self.dir and not os.environ.get("MINTERNET_KEEP"):
            shutil.rmtree(self.dir, ignore_errors=True)

    # ---- changing the world while it runs --------------------------------

    def edit(self, edit, timeout=10):
        """Apply one edit, as a variant's [[variant.X.edit]] table gives it ({"zone": "sm.",
        "remove_subtree": [...], "add": [...], ...}), to the running world: the zone's SOA
        serial is raised, its file written again, and every NSD serving it reloads (SIGHUP);
        returns once each of them answers with the new serial. Unsigned zones only."""
        z = self.scenario.zone(edit["zone"])
        if z.dnssec:
            raise MinternetError(f"{z.origin}: editing a signed zone in a running world")
        self.scenario._edit(edit, "World.edit")
        serial = self._raise_serial(z)
        path = self._zone_path(z)
        self._write_zones()
        st = os.stat(path)
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))
        servers = [s for s in self.servers if s.behaviour == "nsd" and z in s.spec.zones]
        for s in servers:
            s.process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + timeout
        for s in servers:
            for a in s.addresses:
                while self._serial_of(a, z.origin) != serial:
                    if time.monotonic() > deadline:
                        raise MinternetError(f"{s.name} ({a}) did not reload {z.origin}")
                    time.sleep(0.05)

    def _raise_serial(self, z):
        """The zone's next SOA serial: its own SOA record rewritten, or the generated one's."""
        for i, r in enumerate(z.records):
            rtype, rdata = r.type_and_rdata()
            if r.owner and rtype == "SOA":
                serial = int(rdata[2]) + 1
                head = r.tokens[:len(r.tokens) - len(rdata)]
                text = " ".join([r.owner] + head + rdata[:2] + [str(serial)] + rdata[3:])
                z.records[i] = sc.split_records(text, z.origin)[0]
                return serial
        self._serials[z.origin] = self._serials.get(z.origin, 1) + 1
        return self._serials[z.origin]

    @staticmethod
    def _serial_of(address, origin):
        try:
            raw = udp_exchange(address, w.build_query(origin, "SOA"), timeout=0.5)
            m = w.parse_message(raw) if raw else None
        except (OSError, w.WireError):
            return None
        for rr in m.rrs("answer", "SOA") if m else []:
            return int(rr.data.split()[2])
        return None

    def pause(self, name):
        """Make an NSD server silent: SIGSTOP to its process group (NSD answers from a
        forked child), so its queries time out until resume()."""
        os.killpg(self.server(name).process.pid, signal.SIGSTOP)

    def resume(self, name):
        os.killpg(self.server(name).process.pid, signal.SIGCONT)

    # ---- running dnsdeps ----------------------------------------------

    def run_dnsdeps(self, *args, hints=True, anchor=True, timeout=120, env=None, capture=True):
        """Run dnsdeps in the world; --root-hints goes right after the subcommand, and
        for `check` in a world with a signed root, --trust-anchor (unless anchor=False).

        Returns a CompletedProcess; with capture=False the output goes to ours."""
        binary = self.dnsdeps or default_dnsdeps()
        if not os.access(binary, os.X_OK):
            raise MinternetError(f"no dnsdeps binary at {binary} (set DNSDEPS)")
        argv = [binary, *args]
        if hints and args:
            argv = [binary, args[0], "--root-hints", self.root_hints, *args[1:]]
        if anchor and args and args[0] == "check" and self.trust_anchor:
            argv[2:2] = ["--trust-anchor", self.trust_anchor]
        return subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=capture,
                              encoding="utf-8", errors="replace", timeout=timeout, env=env)


class Signer:
    """Signs a world's zones at bring-up: keys per origin (every copy of an origin
    shares them), DS records in every copy of the closest enclosing zone, CDS and
    CDNSKEY, then ldns-signzone with explicit inception and expiration."""

    def __init__(self, world):
        self.world = world
        self.zones = world.scenario.zones
        self.dir = os.path.join(world.dir, "keys")
        self.now = time.time()
        self.keygen = find_tool("ldns-keygen", "ldnsutils")
        self.key2ds = find_tool("ldns-key2ds", "ldnsutils")
        self.signzone = find_tool("ldns-signzone", "ldnsutils")
        self.keys = {}  # origin -> {"spec", "ksk", "zsk", "old", "standby"} (base names)

    def _run(self, *argv):
        r = subprocess.run(argv, cwd=self.dir, capture_output=True, encoding="utf-8",
                           errors="replace", timeout=SIGN_TIMEOUT, stdin=subprocess.DEVNULL)
        if r.returncode != 0:
            raise MinternetError(f"{' '.join(argv)} failed: {r.stderr.strip()}")
        return r.stdout

    def _keygen(self, origin, alg, ksk):
        name, bits = KEY_ALGORITHMS[alg]
        argv = [self.keygen, "-a", name, "-r", "/dev/urandom"]
        argv += ["-b", str(bits)] if bits else []
        argv += ["-k"] if ksk else []
        return self._run(*argv, origin).strip()

    def _make_keys(self, origin, spec):
        alg = spec["algorithm"]
        k = {"spec": spec, "ksk": self._keygen(origin, alg, True),
             "zsk": self._keygen(origin, alg, False), "old": None, "standby": None}
        if spec["ds"] == "unpublished":
            k["old"] = self._keygen(origin, alg, True)
        if spec["cds"] == "other":
            k["standby"] = self._keygen(origin, alg, True)
        return k

    def _ds(self, base, digest):
        flag = {1: "-1", 2: "-2", 4: "-4"}[digest]
        return self._run(self.key2ds, "-n", flag, base + ".key").strip()

    def _dnskey(self, base):
        with open(os.path.join(self.dir, base + ".key"), encoding="utf-8") as f:
            return f.read().split(";")[0].strip()

    @staticmethod
    def _retype(line, new):
        """The record line with its type (DS, DNSKEY) replaced by new (CDS, CDNSKEY)."""
        toks = line.split()
        i = next(n for n, t in enumerate(toks) if t in ("DS", "DNSKEY"))
        return " ".join(toks[:i] + [new] + toks[i + 1:])

    def _time(self, spec):
        if len(spec) == 14:
            return spec
        unit = {"s": 1, "m": 60, "h": 3600, "d": 86400}[spec[-1]]
        t = self.now + int(spec[:-1]) * unit
        return time.strftime("%Y%m%d%H%M%S", time.gmtime(t))

    def _enclosing(self, origin):
        above = [z.origin for z in self.zones
                 if z.origin != origin and sc.is_subdomain(origin, z.origin)]
        return max(above, key=len) if above else None

    def sign(self, texts):
        os.makedirs(self.dir)
        texts = list(texts)
        for z in self.zones:
            if z.dnssec and z.origin not in self.keys:
                self.keys[z.origin] = self._make_keys(z.origin, z.dnssec)
        for origin, k in self.keys.items():
            spec = k["spec"]
            parent = self._enclosing(origin)
            if spec["ds"] == "none" or parent is None:
                continue
            base = k["old"] if spec["ds"] == "unpublished" else k["ksk"]
            lines = "".join(self._ds(base, d) + "\n" for d in spec["ds_digest"])
            for i, z in enumerate(self.zones):
                if z.origin == parent:
                    texts[i] += lines
        for i, z in enumerate(self.zones):
            if z.dnssec:
                texts[i] = self._sign_one(i, z, texts[i])
        if "." in self.keys:
            self.world.trust_anchor = os.path.join(self.world.dir, "trust-anchor.ds")
            with open(self.world.trust_anchor, "w", encoding="utf-8") as f:
                f.write(self._ds(self.keys["."]["ksk"], 2) + "\n")
        return texts

    def _sign_one(self, i, z, text):
        spec, k = z.dnssec, self.keys[z.origin]
        if spec["serve"] == "unsigned":
            return text
        if spec["cds"] in ("ksk", "other"):
            base = k["ksk"] if spec["cds"] == "ksk" else k["standby"]
            if spec["cds"] == "other":
                text += self._dnskey(base) + "\n"
            text += self._retype(self._ds(base, 2), "CDS") + "\n"
            text += self._retype(self._dnskey(base), "CDNSKEY") + "\n"
        elif spec["cds"] == "delete":
            text += f"{z.origin} CDS 0 0 0 00\n{z.origin} CDNSKEY 0 3 0 AA==\n"
        name = "root" if z.origin == "." else z.origin.rstrip(".")
        unsigned = os.path.join(self.dir, f"{i:03d}-{name}.unsigned")
        signed = os.path.join(self.dir, f"{i:03d}-{name}.signed")
        with open(unsigned, "w", encoding="utf-8") as f:
            f.write(text)
        denial = {"nsec": [], "nsec3": ["-n"], "nsec3-optout": ["-n", "-p"]}[spec["denial"]]
        self._run(self.signzone, *denial, "-i", self._time(spec["inception"]),
                  "-e", self._time(spec["expiration"]), "-o", z.origin, "-f", signed,
                  unsigned, k["ksk"], k["zsk"])
        with open(signed, encoding="utf-8") as f:
            text = f.read()
        return self._break_denial(text) if spec["break_denial"] else text

    @staticmethod
    def _break_denial(text):
        """The signed zone with one base64 character changed in the signature of every
        RRSIG that covers NSEC or NSEC3: the records stay, their proofs no longer verify."""
        out, broken = [], 0
        for line in text.splitlines():
            toks = line.split()
            if len(toks) >= 13 and toks[3] == "RRSIG" and toks[4] in ("NSEC", "NSEC3"):
                sig = toks[-1]
                toks[-1] = ("B" if sig[0] != "B" else "C") + sig[1:]
                line = "\t".join(toks)
                broken += 1
            out.append(line)
        if not broken:
            raise MinternetError("break_denial: no RRSIG over NSEC/NSEC3 in the signed zone")
        return "\n".join(out) + "\n"


def group_stats(pgids):
    """(pid, /proc/PID/stat fields after the command name) of every process in
    any of the given process groups: fields[0] is the state, [2] the group,
    [11] and [12] user and system CPU ticks."""
    pgids = set(pgids)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read().decode("latin-1")
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        if int(fields[2]) in pgids:
            yield int(entry), fields


def group_members(pgids):
    """PIDs of live (non-zombie) processes in any of the given process groups."""
    return [pid for pid, fields in group_stats(pgids) if fields[0] != "Z"]
