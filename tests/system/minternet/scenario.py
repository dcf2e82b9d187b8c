"""scenario: read, check and vary a world description (TOML).

    description = "one line"

    [[server]]
    name = "a.root.test."           # host name; the root servers' names go into the hints
    address = "127.0.0.2"           # IPv4 in 127.0.0.0/8 (optional if ipv6 is given)
    ipv6 = ["fd00::2"]              # optional, in fd00::/8 (or ::1)
    behaviour = "nsd"               # nsd | silent | refused | dead | crafted
    # crafted only: fault = "short-header" (see faults.FAULTS) with its parameters,
    # or reply = "{id} 8403 0001 0000 0000 0000 {question}" (hex template)

    [[zone]]
    origin = "example.test."
    id = "fake-copy"                 # optional; needed only when two zones share an origin
    servers = ["ns1.example.test."]  # the nsd servers that load it
    records = '''
    @    NS ns1
    ns1  A  127.0.3.1
    '''                               # zone-file syntax; an SOA is added if missing

    [variant.outage]
    description = "one line"
    [[variant.outage.edit]]
    zone = "sm."                             # a zone id or origin
    remove = ["puri NS ns1.puri.sm."]       # records, compared with whitespace squeezed
    remove_subtree = ["puri.sm."]           # every record owned by the name or below
    replace = [["old record", "new record"]]
    add = ["new record"]
    servers = ["..."]                       # new server list for the zone
    dnssec = { expiration = "-1d" }          # replace the zone's signing (false: unsigned)
    [variant.outage.server."ns1.puri.sm."]
    behaviour = "dead"                      # any server field except name

A zone is signed at bring-up when it has a dnssec table (ldns-keygen, ldns-signzone;
keys per origin, shared by every copy of the origin; the DS goes into every copy of
the closest enclosing zone of the world; a signed root gives World.trust_anchor):

    [[zone]]
    origin = "example.test."
    dnssec = { algorithm = 13,             # 13 ECDSAP256SHA256 (default), 8 RSASHA256,
                                           # 5 RSASHA1 (RSA keys are 1024 bits)
               inception = "-1h",          # relative to bring-up (s, m, h, d) or
               expiration = "+30d",        # YYYYMMDDhhmmss (UTC)
               ds = "ksk",                 # DS in the parent for: ksk | none |
                                           # unpublished (a KSK not in the zone: a botched rollover)
               ds_digest = [2],            # digest types of the DS (1 SHA-1, 2 SHA-256, 4 SHA-384)
               serve = "signed",           # signed | unsigned (keys and DS made, zone served unsigned)
               cds = "none",               # none | ksk | other (CDS/CDNSKEY for a standby KSK
                                           # published beside the active one) | delete
               denial = "nsec",            # nsec | nsec3 | nsec3-optout (ldns-signzone -n, -n -p)
               break_denial = false }      # true: every RRSIG over NSEC/NSEC3 has one byte of
                                           # its signature changed (a broken signer)

A stale server is a second copy of the zone (own id, own servers) signed differently,
e.g. dnssec = { expiration = "-1d", inception = "-30d" }.

Every remove/replace must match, so a variant never silently does nothing.
"""

import copy
import ipaddress
import os
import tomllib

from . import faults
from .common import MinternetError

BEHAVIOURS = ("nsd", "silent", "refused", "dead", "crafted")
V4_NET = ipaddress.ip_network("127.0.0.0/8")
V6_NETS = (ipaddress.ip_network("fd00::/8"), ipaddress.ip_network("::1/128"))
SERVER_KEYS = {"name", "address", "ipv6", "behaviour", "fault", "reply", "answer",
               "referral", "glue", "ns_count", "comment"}
ZONE_KEYS = {"origin", "id", "servers", "records", "dnssec", "comment"}
EDIT_KEYS = {"zone", "remove", "remove_subtree", "replace", "add", "servers", "dnssec"}
DNSSEC_KEYS = {"algorithm", "inception", "expiration", "ds", "ds_digest", "serve", "cds",
               "denial", "break_denial", "comment"}
DNSSEC_DEFAULTS = {"algorithm": 13, "inception": "-1h", "expiration": "+30d", "ds": "ksk",
                   "ds_digest": [2], "serve": "signed", "cds": "none", "denial": "nsec",
                   "break_denial": False}
DNSSEC_CHOICES = {"algorithm": (5, 8, 13), "ds": ("ksk", "none", "unpublished"),
                  "serve": ("signed", "unsigned"), "cds": ("none", "ksk", "other", "delete"),
                  "denial": ("nsec", "nsec3", "nsec3-optout"), "break_denial": (False, True)}


class ScenarioError(MinternetError):
    """The scenario file is wrong (a mistake of the test, not of DNS)."""


def canonical(name):
    name = name.strip().lower()
    return name if name.endswith(".") else name + "."


def is_subdomain(name, parent):
    name, parent = canonical(name), canonical(parent)
    return parent == "." or name == parent or name.endswith("." + parent)


def check_address(addr, where):
    try:
        ip = ipaddress.ip_address(addr)
    except ValueError:
        raise ScenarioError(f"{where}: {addr!r} is not an IP address") from None
    if ip.version == 4 and ip not in V4_NET:
        raise ScenarioError(f"{where}: {addr} is outside 127.0.0.0/8")
    if ip.version == 6 and not any(ip in n for n in V6_NETS):
        raise ScenarioError(f"{where}: {addr} is outside fd00::/8 and ::1")
    return str(ip)


class Record:
    """One record of a zone text: its lines, owner and type (best effort)."""

    def __init__(self, text, owner, tokens):
        self.text = text
        self.owner = owner
        self.tokens = tokens

    @property
    def key(self):
        return squeeze(self.text)

    def type_and_rdata(self):
        toks = self.tokens
        for i, t in enumerate(toks[:3]):
            if t.upper() not in ("IN", "CH", "HS") and not t[0].isdigit():
                return t.upper(), toks[i + 1:]
        return None, []


def check_time(value, where):
    """A signing time: relative ("+30d", "-1h", "+90s") or absolute YYYYMMDDhhmmss."""
    v = str(value)
    if len(v) == 14 and v.isdigit():
        return v
    if len(v) >= 3 and v[0] in "+-" and v[1:-1].isdigit() and v[-1] in "smhd":
        return v
    raise ScenarioError(f"{where}: {value!r} is neither +/-N[smhd] nor YYYYMMDDhhmmss")


def check_dnssec(d, where):
    """The zone's signing options with defaults filled in; None when unsigned."""
    if d is None or d is False:
        return None
    if not isinstance(d, dict):
        raise ScenarioError(f"{where}: dnssec must be a table (or false)")
    unknown = set(d) - DNSSEC_KEYS
    if unknown:
        raise ScenarioError(f"{where}: unknown dnssec keys {sorted(unknown)}")
    out = dict(DNSSEC_DEFAULTS)
    out.update(d)
    for key, allowed in DNSSEC_CHOICES.items():
        if out[key] not in allowed:
            raise ScenarioError(f"{where}: dnssec {key} must be one of "
                                f"{', '.join(map(str, allowed))}")
    if not out["ds_digest"] or any(t not in (1, 2, 4) for t in out["ds_digest"]):
        raise ScenarioError(f"{where}: dnssec ds_digest must list 1, 2 or 4")
    for key in ("inception", "expiration"):
        out[key] = check_time(out[key], f"{where}: dnssec {key}")
    out.pop("comment", None)
    return out


def squeeze(text):
    return " ".join(text.replace("(", " ").replace(")", " ").split())


def _strip_comment(line):
    out, quoted = [], False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        if ch == ";" and not quoted:
            break
        out.append(ch)
    return "".join(out)


def split_records(text, origin):
    """Group zone text into Records (directives are Records with owner None)."""
    records, owner, cur_origin = [], origin, origin
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        body = _strip_comment(line)
        if not body.strip():
            i += 1
            continue
        group = [line]
        depth = body.count("(") - body.count(")")
        while depth > 0 and i + 1 < len(lines):
            i += 1
            group.append(lines[i])
            b = _strip_comment(lines[i])
            depth += b.count("(") - b.count(")")
        i += 1
        joined = " ".join(_strip_comment(g) for g in group).replace("(", " ").replace(")", " ")
        tokens = joined.split()
        if body.lstrip().startswith("$"):
            if tokens[0].upper() == "$ORIGIN" and len(tokens) > 1:
                cur_origin = absolute(tokens[1], cur_origin)
            records.append(Record("\n".join(group), None, tokens))
            continue
        if body[0] in " \t":
            rec_tokens = tokens
        else:
            owner = absolute(tokens[0], cur_origin)
            rec_tokens = tokens[1:]
        records.append(Record("\n".join(group), owner, rec_tokens))
    return records


def absolute(name, origin):
    if name == "@":
        return canonical(origin)
    if name.endswith("."):
        return canonical(name)
    return canonical(name + ("" if origin == "." else "." + origin.rstrip(".")))


class ServerSpec:
    def __init__(self, d, where):
        unknown = set(d) - SERVER_KEYS
        if unknown:
            raise ScenarioError(f"{where}: unknown keys {sorted(unknown)}")
        if "name" not in d:
            raise ScenarioError(f"{where}: a server needs a name")
        self.name = canonical(d["name"])
        where = f"{where} ({self.name})"
        self.address = check_address(d["address"], where) if d.get("address") else None
        self.ipv6 = [check_address(a, where) for a in d.get("ipv6", [])]
        if self.address and ":" in self.address:
            raise ScenarioError(f"{where}: address is for IPv4; put IPv6 in ipv6 = [...]")
        if any(":" not in a for a in self.ipv6):
            raise ScenarioError(f"{where}: ipv6 holds an IPv4 address")
        if not self.address and not self.ipv6:
            raise ScenarioError(f"{where}: a server needs an address")
        self.behaviour = d.get("behaviour", "nsd")
        if self.behaviour not in BEHAVIOURS:
            raise ScenarioError(f"{where}: behaviour must be one of {', '.join(BEHAVIOURS)}")
        self.params = {k: d[k] for k in ("fault", "reply", "answer", "referral", "glue",
                                         "ns_count") if k in d}
        if self.behaviour == "crafted":
            self._check_crafted(where)
        elif self.params:
            raise ScenarioError(f"{where}: {sorted(self.params)} only apply to crafted servers")
        self.zones = []

    def _check_crafted(self, where):
        p = self.params
        if ("fault" in p) == ("reply" in p):
            raise ScenarioError(f"{where}: a crafted server needs exactly one of fault, reply")
        if "reply" in p:
            try:
                faults.check_template(p["reply"])
            except ValueError as e:
                raise ScenarioError(f"{where}: bad reply template: {e}") from None
            return
        if p["fault"] not in faults.FAULTS:
            raise ScenarioError(f"{where}: unknown fault {p['fault']!r}; "
                                f"known: {', '.join(faults.FAULTS)}")
        if p["fault"] == "many-ns":
            if "referral" not in p or "glue" not in p:
                raise ScenarioError(f"{where}: many-ns needs referral and glue")
            p["referral"] = canonical(p["referral"])
            check_address(p["glue"], where)
            if not 1 <= int(p.get("ns_count", 100)) <= 1000:
                raise ScenarioError(f"{where}: ns_count must be 1..1000")
        if "answer" in p:
            check_address(p["answer"], where)

    @property
    def addresses(self):
        return ([self.address] if self.address else []) + self.ipv6


class ZoneSpec:
    def __init__(self, d, where):
        unknown = set(d) - ZONE_KEYS
        if unknown:
            raise ScenarioError(f"{where}: unknown keys {sorted(unknown)}")
        if "origin" not in d:
            raise ScenarioError(f"{where}: a zone needs an origin")
        self.origin = canonical(d["origin"])
        self.id = d.get("id", self.origin)
        self.servers = [canonical(s) for s in d.get("servers", [])]
        self.records = split_records(d.get("records", ""), self.origin)
        self.dnssec = check_dnssec(d.get("dnssec"), f"{where} ({self.origin})")

    def text(self):
        return "\n".join(r.text for r in self.records) + "\n"


class Scenario:
    def __init__(self, data, variant=None, source="<dict>"):
        self.source = source
        self.description = data.get("description", "")
        self.variants = sorted(data.get("variant", {}))
        self.variant = variant
        # expect and extras: what a test expects of the world (tests/system/checkspec.py)
        unknown = set(data) - {"description", "server", "zone", "variant", "comment", "expect",
                               "extras"}
        if unknown:
            raise ScenarioError(f"{source}: unknown top-level keys {sorted(unknown)}")
        data = copy.deepcopy(data)
        vdata = None
        if variant is not None:
            if variant not in data.get("variant", {}):
                raise ScenarioError(f"{source}: no variant {variant!r} (have {self.variants})")
            vdata = data["variant"][variant]
            self._override_servers(data, vdata)
        self.servers = {}
        for i, s in enumerate(data.get("server", [])):
            spec = ServerSpec(s, f"{source}: server #{i + 1}")
            if spec.name in self.servers:
                raise ScenarioError(f"{source}: server {spec.name} defined twice")
            self.servers[spec.name] = spec
        self.zones = [ZoneSpec(z, f"{source}: zone #{i + 1}")
                      for i, z in enumerate(data.get("zone", []))]
        if vdata is not None:
            for j, e in enumerate(vdata.get("edit", [])):
                self._edit(e, f"{source}: variant {variant} edit #{j + 1}")
        self._check()

    def _override_servers(self, data, vdata):
        unknown = set(vdata) - {"description", "edit", "server", "comment"}
        if unknown:
            raise ScenarioError(f"{self.source}: variant {self.variant}: unknown keys "
                                f"{sorted(unknown)}")
        by_name = {canonical(s["name"]): s for s in data.get("server", []) if "name" in s}
        for name, fields in vdata.get("server", {}).items():
            if canonical(name) not in by_name:
                raise ScenarioError(f"{self.source}: variant {self.variant}: no server {name}")
            if "name" in fields:
                raise ScenarioError(f"{self.source}: variant {self.variant}: cannot rename")
            target = by_name[canonical(name)]
            if fields.get("behaviour", "crafted") != "crafted":
                for k in ("fault", "reply", "answer", "referral", "glue", "ns_count"):
                    target.pop(k, None)
            target.update(fields)

    def zone(self, ref):
        """The zone whose id is ref, else the only zone whose origin is ref."""
        hits = [z for z in self.zones if z.id == ref]
        if not hits:
            hits = [z for z in self.zones if z.origin == canonical(ref)]
        if len(hits) != 1:
            raise ScenarioError(f"{self.source}: {'no' if not hits else 'more than one'} "
                                f"zone {ref!r}" + (" (give it an id)" if hits else ""))
        return hits[0]

    def _edit(self, e, where):
        unknown = set(e) - EDIT_KEYS
        if unknown:
            raise ScenarioError(f"{where}: unknown keys {sorted(unknown)}")
        if "zone" not in e:
            raise ScenarioError(f"{where}: an edit names its zone")
        z = self.zone(e["zone"])
        for line in e.get("remove", []):
            keep = [r for r in z.records if r.key != squeeze(line)]
            if len(keep) == len(z.records):
                raise ScenarioError(f"{where}: no record {line!r} in {z.origin}")
            z.records = keep
        for name in e.get("remove_subtree", []):
            keep = [r for r in z.records if r.owner is None or not is_subdomain(r.owner, name)]
            if len(keep) == len(z.records):
                raise ScenarioError(f"{where}: nothing at or below {name} in {z.origin}")
            z.records = keep
        for old, new in e.get("replace", []):
            hits = [i for i, r in enumerate(z.records) if r.key == squeeze(old)]
            if not hits:
                raise ScenarioError(f"{where}: no record {old!r} in {z.origin}")
            for i in hits:
                z.records[i] = split_records(new, z.origin)[0]
        for line in e.get("add", []):
            z.records.extend(split_records(line, z.origin))
        if "servers" in e:
            z.servers = [canonical(s) for s in e["servers"]]
        if "dnssec" in e:
            z.dnssec = check_dnssec(e["dnssec"], f"{where} ({z.origin})")

    def _check(self):
        seen = {}
        for s in self.servers.values():
            for a in s.addresses:
                if a in seen:
                    raise ScenarioError(f"{self.source}: {a} used by {seen[a]} and {s.name}")
                seen[a] = s.name
        ids = set()
        for z in self.zones:
            if z.id in ids:
                raise ScenarioError(f"{self.source}: zone id {z.id!r} used twice")
            ids.add(z.id)
            for name in z.servers:
                s = self.servers.get(name)
                if s is None:
                    raise ScenarioError(f"{self.source}: zone {z.origin}: no server {name}")
                if any(o.origin == z.origin for o in s.zones):
                    raise ScenarioError(f"{self.source}: {name} is given {z.origin} twice")
                if s.behaviour == "nsd":
                    s.zones.append(z)
            for r in z.records:
                rtype, rdata = r.type_and_rdata()
                if rtype in ("A", "AAAA") and rdata:
                    check_address(rdata[0], f"{self.source}: zone {z.origin}: {r.key!r}")
                if r.owner and not is_subdomain(r.owner, z.origin):
                    raise ScenarioError(f"{self.source}: zone {z.origin}: {r.owner} is "
                                        "outside the zone")

    def root_servers(self):
        """The servers of the first zone whose origin is ".", in file order."""
        for z in self.zones:
            if z.origin == ".":
                return [self.servers[n] for n in z.servers]
        return []


def load(path, variant=None):
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise ScenarioError(f"{path}: {e}") from None
    return Scenario(data, variant, source=os.path.basename(path))
