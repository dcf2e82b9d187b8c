"""test_check_reg: the registration layer of `dnsdeps check`, in the mini-internet.

The demo world in its outage variant (data/demo/purism.toml: sm. no longer
delegates puri.sm., whose servers still answer; example.sm. is healthy) plus
a real HTTPS RDAP server (certificate from a throw-away CA, --ca-file) and a
real WHOIS server on loopback. Each test sets what the registry says, then
runs `check` and asserts the verdict, the REG_* codes and the sentence:
the Purism outage from WHOIS "Status: Suspended" (and the registry's
nameservers examined without --ns), serverHold, clientHold, expired (with
--now), expiring in 5 days, registry and registrar expiries that differ,
nameservers that differ, no RDAP and no WHOIS known (the DNS verdict stays
ok), the look-up running while the DNS is walked, `report` judging the
saved evidence exactly as `check` did, and an RDAP host that failed not asked
again in the same run (the WHOIS fallback then runs as after the failure).
Destinations a server supplies (a registrar link, a redirect, a WHOIS
referral) to loopback, or not https, are not followed: a listener there
counts no connection, and REG_REFERRAL_REFUSED says what was refused.
"""

import json
import re
import socket
import threading
import time

import pytest

from helpers import scenario
from minternet import World
from minternet.regservers import Listener, RdapServer, WhoisServer, json_reply, redirect_reply

RDAP_IP, WHOIS_IP = "127.77.0.1", "127.77.0.2"
TEST_ARGS = ("--timeout", "500", "--retries", "0", "--reg-timeout", "3000")
NOW = "2026-03-01T12:00:00Z"
PURI_NS = ["ns1.puri.sm", "ns2.puri.sm", "ns3.dnshost.test"]
EXAMPLE_NS = ["ns1.example.sm", "ns2.example.sm"]

# puri.sm's WHOIS answer during the outage, as the .sm registry gave it in
# February 2018 (tests/unit/data/reg/puri.sm.whois), with this world's servers.
PURISM_WHOIS = """Domain: puri.sm
Status: Suspended

Owner:
      Purism SPC
      San Francisco CA
      US

DNS Servers:
      ns1.puri.sm
      ns2.puri.sm
      ns3.dnshost.test

Registration date: 2014-11-12
Last update: 2018-02-20
"""


def rdap_domain(name, status=("active", "client transfer prohibited"), expires="2030-01-01T00:00:00Z",
                ns=(), related=None):
    doc = {
        "objectClassName": "domain", "ldhName": name, "status": list(status),
        "events": [{"eventAction": "registration", "eventDate": "2015-05-05T00:00:00Z"},
                   {"eventAction": "expiration", "eventDate": expires}],
        "nameservers": [{"objectClassName": "nameserver", "ldhName": n} for n in ns],
        "entities": [{"objectClassName": "entity", "roles": ["registrar"],
                      "vcardArray": ["vcard", [["version", {}, "text", "4.0"],
                                               ["fn", {}, "text", "Test Registrar"]]]}],
    }
    if related:
        doc["links"] = [{"rel": "related", "type": "application/rdap+json", "href": related}]
    return json.dumps(doc).encode()


class Routes(dict):
    """The RDAP server's routes, noting when each path was asked for and
    holding chosen answers back for a while."""

    def __init__(self):
        super().__init__()
        self.asked = {}
        self.delay = {}
        self.times = []  # (monotonic time, path) of every request

    def get(self, path, default=None):
        self.times.append((time.monotonic(), path))
        self.asked.setdefault(path, time.monotonic())
        if path in self.delay:
            time.sleep(self.delay[path])
        return super().get(path, default)


@pytest.fixture(scope="module")
def bed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("checkreg")
    with World.from_file(scenario("purism"), variant="outage") as world, \
            RdapServer(RDAP_IP) as rdap, WhoisServer(WHOIS_IP) as whois:
        rdap.routes = Routes()
        # The registry's own nameserver domain is registered, as nic.sm is in
        # the real world: otherwise every check would (rightly) report its
        # nameservers as hijackable and hide what each test is about.
        rdap.routes["/rdap/domain/nic.sm"] = json_reply(rdap_domain(
            "nic.sm", status=("active", "server transfer prohibited", "server delete prohibited",
                              "server update prohibited"), expires="2040-01-01T00:00:00Z"))
        whois.answers["nic.sm"] = (b"Domain: nic.sm\nStatus: Active\nExpiration date: 2040-01-01\n")
        files = {}
        for name, services in (("boot-rdap", [[["sm"], [rdap.url("/rdap/")]]]),
                               ("boot-none", [])):
            files[name] = tmp / f"{name}.json"
            files[name].write_text(json.dumps({"version": "1.0", "publication":
                                               "2026-01-01T00:00:00Z", "services": services}))
        files["whois"] = tmp / "whois-servers"
        files["whois"].write_text(f"sm {WHOIS_IP}:43\n")
        files["no-whois"] = tmp / "no-whois-servers"
        files["no-whois"].write_text("# no server known\n")
        yield {"world": world, "rdap": rdap, "whois": whois, "ca": rdap.ca_file,
               "files": {k: str(v) for k, v in files.items()}, "tmp": tmp}


def check(bed, domain, *args, via="rdap", fmt="json", timeout=60):
    """Run check; via: "rdap" (bootstrap to the RDAP server), "whois" (no RDAP
    service, the WHOIS table), "none" (neither known)."""
    f = bed["files"]
    boot = f["boot-rdap"] if via == "rdap" else f["boot-none"]
    table = f["whois"] if via == "whois" else f["no-whois"]
    argv = ["check", *TEST_ARGS, "--rdap-bootstrap", boot, "--whois-servers", table,
            "--ca-file", bed["ca"], *args, domain]
    if fmt == "json":
        argv.insert(1, "--json")
    t0 = time.monotonic()
    r = bed["world"].run_dnsdeps(*argv, timeout=timeout)
    took = time.monotonic() - t0
    assert r.returncode in (0, 1, 2, 3), f"{argv}: exit {r.returncode}\n{r.stderr}"
    assert "Sanitizer" not in r.stderr and "runtime error" not in r.stderr, r.stderr
    if fmt != "json":
        return r, None, took, t0
    try:
        doc = json.loads(r.stdout)
    except ValueError:
        raise AssertionError(f"{argv}: not JSON\n{r.stdout}\n{r.stderr}") from None
    assert r.returncode == {"ok": 0, "warning": 1, "critical": 2, "unknown": 3}[
        doc["verdict"]["status"]], doc["verdict"]
    return r, doc, took, t0


def codes(doc):
    return {f["code"] for f in doc["findings"]}


def reg_codes(doc):
    return {c for c in codes(doc) if c.startswith("REG_")}


def verdict(doc):
    return doc["verdict"]["status"], doc["verdict"]["layer"]


def explain(doc):
    return json.dumps({"verdict": doc["verdict"],
                       "findings": [(f["code"], f["message"]) for f in doc["findings"]],
                       "registration": {k: v for k, v in doc.get("registration", {}).items()
                                        if k != "record"}}, indent=1)


def route(bed, name, body):
    bed["rdap"].routes[f"/rdap/domain/{name}"] = json_reply(body)


# ---- the outage, from WHOIS ---------------------------------------------------

def test_purism_outage_suspended(bed):
    bed["whois"].answers["puri.sm"] = PURISM_WHOIS.encode()
    _, doc, _, _ = check(bed, "puri.sm.", via="whois")
    assert verdict(doc) == ("critical", "registration"), explain(doc)
    assert {"PARENT_NXDOMAIN_ALL", "REG_SUSPENDED"} <= codes(doc), explain(doc)
    assert "REG_DATA_UNAVAILABLE" not in codes(doc)
    s = doc["verdict"]["summary"]
    assert "no longer delegates puri.sm" in s, s
    assert "while your nameservers still answer" in s, s
    assert "the registry has suspended the domain" in s, s
    reg = doc["registration"]
    assert reg["domain"] == "puri.sm" and reg["result"] == "found", reg
    assert reg["record"]["source"] == {"protocol": "whois", "where": f"{WHOIS_IP}:43"}
    assert [x["code"] for x in reg["record"]["statuses"]] == ["Suspended"]
    assert reg["record"]["nameservers"] == PURI_NS
    # No --ns: the registry's nameservers were examined, and the one that
    # can still be reached (out of bailiwick) answers for puri.sm.
    ns = {n["name"]: n for n in doc["delegation"]["nameservers"]}
    assert "ns3.dnshost.test." in ns, explain(doc)
    answered = [s for s in ns["ns3.dnshost.test."]["servers"]
                if s["soa_udp"]["state"] == "answer" and s["soa_udp"]["aa"]]
    assert answered, ns["ns3.dnshost.test."]


def test_purism_text_has_a_registration_section(bed):
    bed["whois"].answers["puri.sm"] = PURISM_WHOIS.encode()
    r, _, _, _ = check(bed, "puri.sm.", "-v", via="whois", fmt="text")
    assert r.returncode == 2, r.stdout
    assert "Registration (the registry's record)" in r.stdout, r.stdout
    assert f"Registration of puri.sm (whois {WHOIS_IP}:43)" in r.stdout
    assert "Suspended [suspended]" in r.stdout
    assert "REG_SUSPENDED" in r.stdout


def test_report_judges_the_saved_evidence_as_check_did(bed):
    bed["whois"].answers["puri.sm"] = PURISM_WHOIS.encode()
    saved = bed["tmp"] / "puri.sm.evidence.json"
    r, doc, _, _ = check(bed, "puri.sm.", "--save-evidence", str(saved), via="whois")
    ev = json.loads(saved.read_text())
    assert ev["registration"]["record"]["raw"] == PURISM_WHOIS
    again = bed["world"].run_dnsdeps("report", "--json", str(saved), hints=False)
    assert again.returncode == r.returncode, again.stderr
    assert json.loads(again.stdout) == doc
    text = bed["world"].run_dnsdeps("report", str(saved), hints=False)
    assert "the registry has suspended the domain" in text.stdout


# ---- RDAP statuses and dates --------------------------------------------------

@pytest.mark.parametrize("status,code,words", [
    ("server hold", "REG_SERVER_HOLD", "the registry has put the domain on hold (serverHold)"),
    ("client hold", "REG_CLIENT_HOLD", "your registrar has put the domain on hold (clientHold)"),
])
def test_holds(bed, status, code, words):
    route(bed, "puri.sm", rdap_domain("puri.sm", status=(status, "client transfer prohibited"),
                                      ns=PURI_NS))
    _, doc, _, _ = check(bed, "puri.sm.", "--now", NOW)
    assert verdict(doc) == ("critical", "registration"), explain(doc)
    assert code in codes(doc) and "PARENT_NXDOMAIN_ALL" in codes(doc), explain(doc)
    assert words in doc["verdict"]["summary"], doc["verdict"]["summary"]
    assert "while your nameservers still answer" in doc["verdict"]["summary"]
    assert doc["registration"]["record"]["source"]["protocol"] == "rdap"


@pytest.mark.parametrize("status,code,words", [
    ("redemption period", "REG_REDEMPTION", "the registry is deleting the domain"),
    ("pending delete", "REG_PENDING_DELETE", "the registry is deleting the domain"),
    ("inactive", "REG_INACTIVE", "the problem is the registration, not your DNS"),
])
def test_deletion_and_inactive(bed, status, code, words):
    route(bed, "puri.sm", rdap_domain("puri.sm", status=(status,), ns=PURI_NS))
    _, doc, _, _ = check(bed, "puri.sm.", "--now", NOW)
    assert verdict(doc) == ("critical", "registration"), explain(doc)
    assert code in codes(doc), explain(doc)
    assert words in doc["verdict"]["summary"], doc["verdict"]["summary"]


def test_not_found_at_the_registry(bed):
    bed["rdap"].routes.pop("/rdap/domain/puri.sm", None)  # the server answers RDAP 404
    _, doc, _, _ = check(bed, "puri.sm.", "--now", NOW)
    assert verdict(doc) == ("critical", "registration"), explain(doc)
    assert reg_codes(doc) == {"REG_NOT_FOUND"}, explain(doc)
    assert doc["registration"]["result"] == "not-found"
    s = doc["verdict"]["summary"]
    assert "the registry has no record of the domain" in s, s
    # nothing from the registry to examine: the domain's servers go unasked,
    # and the sentence says so instead of claiming that none answers
    assert "none was asked" in s and "no nameserver answers" not in s, s


def test_no_transfer_lock(bed):
    route(bed, "example.sm", rdap_domain("example.sm", status=("active",), ns=EXAMPLE_NS))
    _, doc, _, _ = check(bed, "example.sm.", "--now", NOW)
    assert verdict(doc) == ("ok", "none"), explain(doc)
    assert reg_codes(doc) == {"REG_NO_TRANSFER_LOCK", "REG_NO_REGISTRY_LOCK"}, explain(doc)
    assert "(3 notices)" in doc["verdict"]["summary"], doc["verdict"]["summary"]


def test_expired_with_now(bed):
    route(bed, "puri.sm", rdap_domain("puri.sm", expires="2026-02-10T00:00:00Z", ns=PURI_NS))
    _, doc, _, _ = check(bed, "puri.sm.", "--now", NOW)
    assert verdict(doc) == ("critical", "registration"), explain(doc)
    assert "REG_EXPIRED" in codes(doc), explain(doc)
    assert "the registration expired on 2026-02-10" in doc["verdict"]["summary"]
    assert doc["registration"]["expires_in_days"] < 0
    # The same registry answer a month earlier: not expired, not yet.
    _, doc, _, _ = check(bed, "puri.sm.", "--now", "2025-12-01T00:00:00Z")
    assert "REG_EXPIRED" not in codes(doc) and "REG_EXPIRES_SOON" not in codes(doc)
    assert "expired" not in doc["verdict"]["summary"]


def test_expiring_in_5_days(bed):
    route(bed, "example.sm", rdap_domain("example.sm", expires="2026-03-06T12:00:00Z",
                                         ns=EXAMPLE_NS))
    _, doc, _, _ = check(bed, "example.sm.", "--now", NOW)
    assert verdict(doc) == ("critical", "registration"), explain(doc)
    assert reg_codes(doc) == {"REG_EXPIRES_IMMINENT", "REG_NO_REGISTRY_LOCK"}, explain(doc)
    assert doc["registration"]["expires_in_days"] == 5
    s = doc["verdict"]["summary"]
    assert s.startswith("example.sm still resolves, but its registration is in danger"), s
    assert "in 5 days" in s, s
    # thresholds: 5 days is only a warning when "critical" means 3 days
    _, doc, _, _ = check(bed, "example.sm.", "--now", NOW, "--expiry-crit", "3")
    assert verdict(doc) == ("warning", "registration"), explain(doc)
    assert "REG_EXPIRES_SOON" in codes(doc)
    _, doc, _, _ = check(bed, "example.sm.", "--now", NOW, "--expiry-crit", "3",
                         "--expiry-warn", "4")
    assert verdict(doc) == ("ok", "none"), explain(doc)


def test_registry_and_registrar_expiry_differ(bed):
    rdap = bed["rdap"]
    route(bed, "example.sm", rdap_domain("example.sm", expires="2027-01-10T00:00:00Z",
                                         ns=EXAMPLE_NS,
                                         related=rdap.url("/registrar/domain/example.sm")))
    rdap.routes["/registrar/domain/example.sm"] = json_reply(
        rdap_domain("example.sm", expires="2028-01-10T00:00:00Z", ns=EXAMPLE_NS))
    _, doc, _, _ = check(bed, "example.sm.", "--now", NOW)
    assert verdict(doc) == ("warning", "registration"), explain(doc)
    assert "REG_EXPIRY_DIFFER" in codes(doc), explain(doc)
    rec = doc["registration"]["record"]
    assert rec["expires"] == "2027-01-10T00:00:00Z"
    assert rec["registrar_expires"] == "2028-01-10T00:00:00Z"
    msg = [f["message"] for f in doc["findings"] if f["code"] == "REG_EXPIRY_DIFFER"][0]
    assert "2027-01-10" in msg and "2028-01-10" in msg


def test_nameservers_differ(bed):
    route(bed, "example.sm", rdap_domain("example.sm", ns=["ns1.example.sm", "ns9.elsewhere.test"]))
    _, doc, _, _ = check(bed, "example.sm.", "--now", NOW)
    assert verdict(doc) == ("warning", "registration"), explain(doc)
    assert "REG_NS_DIFFER" in codes(doc), explain(doc)
    msg = [f["message"] for f in doc["findings"] if f["code"] == "REG_NS_DIFFER"][0]
    assert "ns9.elsewhere.test." in msg and "ns2.example.sm." in msg, msg
    # the parent delegates: the registry's list adds no server to examine
    assert "ns9.elsewhere.test." not in {n["name"] for n in doc["delegation"]["nameservers"]}


def test_healthy_registration_keeps_ok(bed):
    route(bed, "example.sm", rdap_domain(
        "example.sm", ns=EXAMPLE_NS,
        status=("active", "client transfer prohibited", "server update prohibited",
                "server delete prohibited", "server transfer prohibited")))
    _, doc, _, _ = check(bed, "example.sm.", "--now", NOW)
    assert verdict(doc) == ("ok", "none"), explain(doc)
    assert reg_codes(doc) == set(), explain(doc)
    assert doc["registration"]["result"] == "found"


def test_one_lookup_per_registrable_domain(bed):
    """Two names under one registrable domain in one run: one WHOIS query."""
    whois = bed["whois"]
    whois.answers["example.sm"] = b"Domain: example.sm\nStatus: Active\n"
    before = whois.queries.count("example.sm")
    r = bed["world"].run_dnsdeps("check", "--json", *TEST_ARGS, "--rdap-bootstrap",
                                 bed["files"]["boot-none"], "--whois-servers",
                                 bed["files"]["whois"], "example.sm.", "www.example.sm.",
                                 timeout=60)
    docs = json.loads(r.stdout)  # several domains with --json: one array
    assert [d["domain"] for d in docs] == ["example.sm.", "www.example.sm."], r.stdout
    assert all(d["registration"]["domain"] == "example.sm" for d in docs)
    assert all(d["registration"]["record"]["statuses"][0]["code"] == "Active" for d in docs)
    assert whois.queries.count("example.sm") - before == 1, whois.queries


# ---- nothing known ----------------------------------------------------------------

def test_no_rdap_no_whois_known(bed):
    _, plain, _, _ = check(bed, "example.sm.", "--now", NOW, "--no-registration")
    assert "registration" not in plain and reg_codes(plain) == set()
    _, doc, took, _ = check(bed, "example.sm.", "--now", NOW, via="none")
    assert verdict(doc) == verdict(plain) == ("ok", "none"), explain(doc)
    assert reg_codes(doc) == {"REG_DATA_UNAVAILABLE"}, explain(doc)
    reg = doc["registration"]
    assert reg["result"] == "unavailable" and reg["record"] is None
    assert reg["reason"] in ("no-source", "network", "timeout"), reg
    assert ".sm" in reg["why"], reg
    assert "notice" in doc["verdict"]["summary"], doc["verdict"]["summary"]
    assert took < 20


# ---- at the same time as the DNS --------------------------------------------------

SILENT = "127.0.99.99"


@pytest.fixture
def silent_server():
    """A nameserver address that takes queries (UDP, and TCP connections) and
    never answers: every question to it lasts the whole --timeout."""
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        udp.bind((SILENT, 53))
        tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        tcp.bind((SILENT, 53))
        tcp.listen(16)
        yield SILENT
    finally:
        udp.close()
        tcp.close()


def test_lookup_runs_while_the_dns_is_walked(bed, silent_server):
    """A silent nameserver (--ns) makes the DNS part last about --timeout
    (500 ms); the RDAP answer is held back 1.5 s. The request must reach the
    RDAP server before the DNS part is over, and the DNS part must be over
    before the answer comes: the two overlap, so the check lasts as long as
    the slower one, not the sum."""
    hold = 1.5
    route(bed, "example.sm", rdap_domain("example.sm", ns=EXAMPLE_NS))
    path = "/rdap/domain/example.sm"
    routes = bed["rdap"].routes
    routes.asked.pop(path, None)
    routes.delay[path] = hold
    saved = bed["tmp"] / "slow.evidence.json"
    try:
        _, doc, took, t0 = check(bed, "example.sm.", "--now", NOW, "--save-evidence", str(saved),
                                 "--ns", f"ghost.example.sm/{silent_server}")
    finally:
        routes.delay.pop(path, None)
    assert doc["registration"]["result"] == "found", explain(doc)
    ev = json.loads(saved.read_text())
    # an exchange ends with its reply, or --timeout (500 ms) after it began
    dns_end = max(x["t_ms"] + (x["rtt_ms"] if x["rtt_ms"] is not None else 500)
                  for x in ev["exchanges"]) / 1000
    asked = routes.asked[path] - t0
    assert asked < dns_end, f"RDAP asked at {asked:.3f} s, DNS over at {dns_end:.3f} s"
    assert dns_end < hold, f"the DNS walk took {dns_end:.3f} s: too slow to tell"
    # The slower source sets the pace (plus start-up).
    assert dns_end >= 0.4, f"the silent server did not slow the DNS part ({dns_end:.3f} s)"
    assert hold <= took < hold + 1.0, f"{took:.2f} s"


# ---- a registry host that failed is not asked again ----------------------------------

CLOSING_RDAP, REFUSED_RDAP = "127.77.0.3", "127.77.0.4"


@pytest.fixture
def closing_server():
    """An HTTPS address that accepts TCP connections and closes them at once (the
    TLS handshake fails); yields the list of connections accepted."""
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((CLOSING_RDAP, 443))
    srv.listen(16)
    srv.settimeout(0.1)
    accepted, stop = [], threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            accepted.append(time.monotonic())
            conn.close()

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    try:
        yield accepted
    finally:
        stop.set()
        t.join()
        srv.close()


def audit_in_turn(bed, rdap_ip, table, *names):
    """`audit --concurrency 1`: the domains one after the other in one process, so
    one registration fetcher, the first look-up over before the second starts. The
    registry's RDAP service for .sm is https://RDAP_IP/rdap/."""
    boot = bed["tmp"] / f"boot-{rdap_ip}.json"
    boot.write_text(json.dumps({"version": "1.0", "publication": "2026-01-01T00:00:00Z",
                                "services": [[["sm"], [f"https://{rdap_ip}/rdap/"]]]}))
    lst = bed["tmp"] / "in-turn.txt"
    lst.write_text("".join(n + "\n" for n in names))
    r = bed["world"].run_dnsdeps("audit", "--concurrency", "1", "--no-deps", "--no-progress",
                                 *TEST_ARGS, "--rdap-bootstrap", str(boot), "--whois-servers",
                                 bed["files"][table], "--ca-file", bed["ca"], str(lst),
                                 timeout=60)
    assert r.returncode in (0, 1, 2, 3), r.stderr
    assert "Sanitizer" not in r.stderr and "runtime error" not in r.stderr, r.stderr
    docs = [json.loads(line) for line in r.stdout.splitlines() if line.strip()]
    assert [d["domain"] for d in docs] == list(names), r.stdout + r.stderr
    return [d["registration"] for d in docs]


def test_failed_rdap_host_asked_once(bed, closing_server):
    """The RDAP host fails the first look-up (TLS): the second domain of the TLD in
    the same run is not sent to it, and says so, with the same reason."""
    first, second = audit_in_turn(bed, CLOSING_RDAP, "no-whois", "example.sm.", "puri.sm.")
    assert len(closing_server) == 1, closing_server
    url = f"https://{CLOSING_RDAP}/rdap/domain/"
    assert first["result"] == "unavailable" and first["reason"] == "network", first
    assert first["why"].startswith(f"RDAP {url}example.sm: "), first
    assert "not asked" not in first["why"], first
    assert second["result"] == "unavailable" and second["reason"] == first["reason"], second
    assert re.match(re.escape(f"RDAP {url}puri.sm: not asked: the same host failed ") +
                    r"\d+ s ago \(.", second["why"]), second


def test_failed_rdap_host_then_whois_as_after_the_failure(bed):
    """Nothing listens at the RDAP address (connection refused); a WHOIS server is
    known for .sm. Both domains get their WHOIS record, noting the RDAP failure: the
    real one, then "not asked" for the second."""
    whois = bed["whois"]
    whois.answers["example.sm"] = b"Domain: example.sm\nStatus: Active\n"
    whois.answers["puri.sm"] = PURISM_WHOIS.encode()
    before = list(whois.queries)
    first, second = audit_in_turn(bed, REFUSED_RDAP, "whois", "example.sm.", "puri.sm.")
    assert whois.queries[len(before):].count("example.sm") == 1, whois.queries
    assert whois.queries[len(before):].count("puri.sm") == 1, whois.queries
    url = f"https://{REFUSED_RDAP}/rdap/domain/"
    for doc, name in ((first, "example.sm"), (second, "puri.sm")):
        assert doc["result"] == "found" and doc["reason"] is None, doc
        assert doc["record"]["source"] == {"protocol": "whois", "where": f"{WHOIS_IP}:43"}, doc
        assert doc["why"].startswith(f"RDAP failed (RDAP {url}{name}: "), doc
    assert "not asked" not in first["why"], first
    # (the outcome's "why" holds 191 bytes: the RDAP failure is cut, not the end)
    failure = re.match(r"RDAP failed \(RDAP \S+: (.*)\), WHOIS used$", first["why"]).group(1)
    m = re.match(re.escape(f"RDAP failed (RDAP {url}puri.sm: not asked: the same host failed ") +
                 r"\d+ s ago \((.*)\), WHOIS used$", second["why"])
    assert m and (failure + ")").startswith(m.group(1)), second["why"]


def test_audit_stays_within_the_registry_rate(bed):
    """An audit of 24 domains under one registry, all at once (--concurrency 24),
    with --reg-rate 120 --reg-burst 4: counted at the RDAP server, no stretch of
    the run gets more than the burst plus 2 requests a second, so the 24 look-ups
    take at least 10 s; every domain still gets its record."""
    names = [f"rate{i:02d}.sm" for i in range(24)]
    for n in names:
        route(bed, n, rdap_domain(n, ns=EXAMPLE_NS))
    boot = bed["files"]["boot-rdap"]
    lst = bed["tmp"] / "rate.txt"
    lst.write_text("".join(n + ".\n" for n in names))
    routes = bed["rdap"].routes
    start = len(routes.times)
    t0 = time.monotonic()
    r = bed["world"].run_dnsdeps("audit", "--concurrency", "24", "--no-deps", "--no-progress",
                                 *TEST_ARGS, "--reg-rate", "120", "--reg-burst", "4",
                                 "--rdap-bootstrap", boot, "--whois-servers",
                                 bed["files"]["no-whois"], "--ca-file", bed["ca"], str(lst),
                                 timeout=120)
    took = time.monotonic() - t0
    assert r.returncode in (0, 1, 2, 3), r.stderr
    assert "Sanitizer" not in r.stderr and "runtime error" not in r.stderr, r.stderr
    docs = [json.loads(line) for line in r.stdout.splitlines() if line.strip()]
    assert sorted(d["domain"].rstrip(".") for d in docs) == names, r.stdout + r.stderr
    for d in docs:
        assert d["registration"]["result"] == "found", d["registration"]
    times = sorted(t for t, _ in routes.times[start:])
    assert len(times) >= 24, routes.times[start:]
    # Token bucket: in any stretch [a, b] at most burst + rate * (b - a) requests
    # (a little slack for the server's own clock).
    for i in range(len(times)):
        for k in range(i, len(times)):
            allowed = 4 + 2.0 * (times[k] - times[i] + 0.25)
            assert k - i + 1 <= allowed, (k - i + 1, times[k] - times[i])
    assert took >= (len(times) - 4) / 2.0 - 0.5, took
    print(f"{len(times)} RDAP requests in {times[-1] - times[0]:.1f} s "
          f"(audit {took:.1f} s) at --reg-rate 120 --reg-burst 4")


def max_excess(times, per_s):
    """The largest (requests in [a, b]) - per_s * (b - a) over every stretch
    whose ends are arrivals: what a token bucket bounds by its burst. O(n)."""
    best, low = 0.0, None
    for k, t in enumerate(times):
        v = k - per_s * t  # i - per_s * t_i for i = k
        low = v if low is None or v < low else low
        best = max(best, (k + 1 - per_s * t) - low)
    return best


def per_second(times):
    """Arrivals in each whole second from the first (a list)."""
    counts = [0] * (int(times[-1] - times[0]) + 1)
    for t in times:
        counts[int(t - times[0])] += 1
    return counts


AUDIT_10K, RATE_10K, BURST_10K = 10000, 18000, 20  # 300 a second
LATE_10K = 1.0  # s: how late the test server may take an arrival


def test_audit_of_10000_domains_stays_within_the_registry_rate(bed):
    """An audit of 10,000 domains under one registry (its WHOIS server: one
    connection per query), with --reg-rate 18000 --reg-burst 20 (300 a
    second). Counted at the server, connections as it accepts them: every
    domain asked once; in any stretch of the run at most
    burst + rate x (length + 1 s) (the token bucket's bound; the 1 s is the
    server's own lateness: one Python thread accepting on a busy machine, a
    sanitizer build beside it, was seen 0.55 s late, then catching up), the
    whole run at least as long as the rate demands; the measured rate and the
    busiest second are printed. A bucket 10 % too fast would exceed the bound
    by a thousand, one twice too fast by ten thousand."""
    names = [f"k{i:05d}.sm" for i in range(AUDIT_10K)]
    whois = bed["whois"]
    for n in names:
        whois.answers[n] = f"Domain: {n}\nStatus: Active\nExpiration date: 2030-01-01\n".encode()
    lst = bed["tmp"] / "tenk.txt"
    lst.write_text("".join(n + ".\n" for n in names))
    start, qstart = len(whois.accept_times), len(whois.queries)
    t0 = time.monotonic()
    r = bed["world"].run_dnsdeps("audit", "--concurrency", "400", "--no-deps", "--no-progress",
                                 "--server-qps", "0", *TEST_ARGS[:4], "--reg-timeout", "20000",
                                 "--reg-rate", str(RATE_10K), "--reg-burst", str(BURST_10K),
                                 "--rdap-bootstrap", bed["files"]["boot-none"], "--whois-servers",
                                 bed["files"]["whois"], str(lst), timeout=900)
    took = time.monotonic() - t0
    assert r.returncode in (0, 1, 2, 3), r.stderr[-2000:]
    assert "Sanitizer" not in r.stderr and "runtime error" not in r.stderr, r.stderr[-4000:]
    docs = [json.loads(line) for line in r.stdout.splitlines() if line.strip()]
    assert len(docs) == AUDIT_10K, (len(docs), r.stderr[-2000:])
    bad = [d["registration"] for d in docs if d["registration"]["result"] != "found"]
    assert not bad, (len(bad), bad[:3])
    assert sorted(whois.queries[qstart:]) == sorted(names), len(whois.queries) - qstart
    times = whois.accept_times[start:]
    assert len(times) == AUDIT_10K, len(times)
    per_s = RATE_10K / 60.0
    excess = max_excess(times, per_s)
    seconds = per_second(times)
    assert excess <= BURST_10K + per_s * LATE_10K, (excess, seconds)
    span = times[-1] - times[0]
    assert span >= (AUDIT_10K - BURST_10K) / per_s - LATE_10K, (span, seconds)
    print(f"{AUDIT_10K} domains: {len(times)} WHOIS connections in {span:.1f} s at the server, "
          f"{(len(times) - 1) / span:.1f} a second (configured {per_s:.0f}, burst {BURST_10K}); "
          f"busiest second {max(seconds)}, largest excess over rate x time {excess:.1f} "
          f"(the burst bounds it: {BURST_10K}); audit {took:.1f} s; per second: {seconds}")


def test_cache_shared_by_audit_and_check(bed):
    """An audit with --reg-cache fills it; a check of one of its domains with the
    same file then asks the RDAP server nothing for that domain."""
    names = [f"cached{i}.sm" for i in range(3)]
    for n in names:
        route(bed, n, rdap_domain(n, ns=EXAMPLE_NS))
    cache = str(bed["tmp"] / "shared.sqlite")
    lst = bed["tmp"] / "cached.txt"
    lst.write_text("".join(n + ".\n" for n in names))
    common = ("--rdap-bootstrap", bed["files"]["boot-rdap"], "--whois-servers",
              bed["files"]["no-whois"], "--ca-file", bed["ca"], "--reg-cache", cache)
    routes = bed["rdap"].routes
    start = len(routes.times)
    r = bed["world"].run_dnsdeps("audit", "--no-deps", "--no-progress", *TEST_ARGS, *common,
                                 str(lst), timeout=60)
    assert r.returncode in (0, 1, 2, 3), r.stderr
    asked = [p for _, p in routes.times[start:]]
    for n in names:
        assert asked.count(f"/rdap/domain/{n}") == 1, asked
    start = len(routes.times)
    r, doc, _, _ = check(bed, "cached1.sm", "--reg-cache", cache, "--no-deps")
    assert doc["registration"]["result"] == "found", explain(doc)
    asked = [p for _, p in routes.times[start:]]
    assert "/rdap/domain/cached1.sm" not in asked, asked
    assert doc["registration"]["why"].startswith("from the registration cache: the answer of ")


# ---- destinations a server supplies ---------------------------------------------

HOSTILE_IP = "127.0.0.1"  # loopback, and named in none of the operator's files


def refused_msg(doc):
    return [f["message"] for f in doc["findings"] if f["code"] == "REG_REFERRAL_REFUSED"]


def test_registrar_link_to_loopback_is_not_followed(bed):
    with Listener(HOSTILE_IP, 443) as trap:
        route(bed, "example.sm", rdap_domain("example.sm", ns=EXAMPLE_NS,
                                             related=f"https://{HOSTILE_IP}/registrar/x"))
        _, doc, _, _ = check(bed, "example.sm.", "--now", NOW)
    assert trap.accepted == 0
    assert "REG_REFERRAL_REFUSED" in codes(doc), explain(doc)
    msg = refused_msg(doc)[0]
    assert f"https://{HOSTILE_IP}/registrar/x" in msg and "loopback address 127.0.0.1" in msg, msg
    assert doc["registration"]["result"] == "found", explain(doc)  # the registry's record stands


def test_registrar_link_over_http_is_not_followed(bed):
    with Listener(HOSTILE_IP, 80) as trap:
        route(bed, "example.sm", rdap_domain("example.sm", ns=EXAMPLE_NS,
                                             related=f"http://{HOSTILE_IP}/registrar/x"))
        _, doc, _, _ = check(bed, "example.sm.", "--now", NOW)
    assert trap.accepted == 0
    assert "not https" in refused_msg(doc)[0], explain(doc)


def test_redirect_to_loopback_is_not_followed(bed):
    with Listener(HOSTILE_IP, 443) as trap:
        bed["rdap"].routes["/rdap/domain/example.sm"] = redirect_reply(
            f"https://{HOSTILE_IP}/rdap/domain/example.sm")
        _, doc, _, _ = check(bed, "example.sm.", "--now", NOW)
    assert trap.accepted == 0
    assert {"REG_REFERRAL_REFUSED", "REG_DATA_UNAVAILABLE"} <= codes(doc), explain(doc)
    msg = refused_msg(doc)[0]
    assert "a redirect from https://127.77.0.1" in msg and "loopback" in msg, msg


def test_whois_referral_to_loopback_is_not_followed(bed):
    with WhoisServer(HOSTILE_IP) as trap:
        bed["whois"].answers["example.sm"] = (
            "Domain: example.sm\nStatus: Active\nExpiration date: 2030-01-01\n"
            f"Registrar WHOIS Server: {HOSTILE_IP}\n"
            "DNS Servers:\n      ns1.example.sm\n      ns2.example.sm\n").encode()
        _, doc, _, _ = check(bed, "example.sm.", "--now", NOW, via="whois")
    assert trap.queries == []
    assert "REG_REFERRAL_REFUSED" in codes(doc), explain(doc)
    msg = refused_msg(doc)[0]
    assert "registrar WHOIS referral 127.0.0.1" in msg and "loopback" in msg, msg
    assert doc["registration"]["result"] == "found", explain(doc)
