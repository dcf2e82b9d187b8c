"""test_dnssec: DNSSEC in `dnsdeps check`, over the signed world of scenarios/dnssec.toml.

The world is signed at bring-up (minternet/world.py Signer): a signed root and test.,
and one domain per DNSSEC situation. First the harness is checked on its own terms
(ldns-verify-zone on the zone files it wrote, drill for what the servers serve), then
each case runs `check --json` with the world's trust anchor and asserts the verdict
and the mandatory and forbidden finding codes (other codes are ignored), and that
the servers a per-server finding must name are named. Last, the evidence is judged
again offline: `report` gives the same verdict, and `--now` / `--trust-anchor` move
the judgement as they should.
"""

import calendar
import json
import re
import subprocess
import time

import pytest

from helpers import scenario
from minternet import World
from minternet.client import DrillResult
from minternet.common import find_tool

TEST_ARGS = ("--timeout", "500", "--retries", "0")
EXIT_FOR_STATUS = {"ok": 0, "warning": 1, "critical": 2, "unknown": 3}
DAY = 86400

BOGUS = ["DNSSEC_DS_UNSIGNED", "DNSSEC_DS_NO_MATCH", "DNSSEC_BOGUS", "DNSSEC_CHAIN_BROKEN"]
PER_SERVER = ["DNSSEC_SIG_EXPIRED", "DNSSEC_SIG_NOT_YET_VALID", "DNSSEC_SIG_INVALID"]
OTHER = ["DNSSEC_SIG_EXPIRING", "DNSSEC_DNSKEY_DISAGREE", "DNSSEC_ALGORITHM_DEPRECATED",
         "DNSSEC_DS_SHA1_ONLY", "DNSSEC_CDS_INCONSISTENT", "DNSSEC_CDS_DELETE",
         "DNSSEC_DS_DENIAL_FAILS"]
ALL = BOGUS + PER_SERVER + OTHER + ["DNSSEC_UNSIGNED"]


def case(domain, status, layer, mandatory=(), forbidden=(), names=(), not_names=(), why=""):
    """names / not_names: strings the mandatory findings' messages must (not) contain."""
    return dict(domain=domain, status=status, layer=layer, mandatory=list(mandatory),
                forbidden=[c for c in forbidden if c not in mandatory], names=list(names),
                not_names=list(not_names), why=why)


def others(*keep):
    return [c for c in ALL if c not in keep]


# The scenarios (healthy chain, botched rollover, expired RRSIG, RRSIG expiring
# in 3 days, one of two servers stale, DS for an unsigned zone, algorithm 5, CDS
# disagreeing with DS), and a few more so that every DNSSEC code is made here.
SPEC = [
    case("good.test.", "ok", "none", forbidden=ALL,
         why="healthy chain: root -> test. -> good.test., valid for 30 days"),
    case("rollover.test.", "critical", "dnssec", mandatory=["DNSSEC_DS_NO_MATCH"],
         forbidden=others("DNSSEC_DS_NO_MATCH"),
         why="botched KSK rollover: the DS names a key the zone no longer publishes"),
    case("expired.test.", "critical", "dnssec",
         mandatory=["DNSSEC_BOGUS", "DNSSEC_SIG_EXPIRED"],
         forbidden=others("DNSSEC_BOGUS", "DNSSEC_SIG_EXPIRED"),
         names=["ns-a.host.test.", "ns-b.host.test.", "expired on"],
         why="every signature expired a day ago"),
    case("expiring.test.", "warning", "dnssec", mandatory=["DNSSEC_SIG_EXPIRING"],
         forbidden=others("DNSSEC_SIG_EXPIRING"),
         names=["ns-a.host.test.", "ns-b.host.test.", "(in 2 days", "UTC"],
         why="signatures expire in 3 days (a little less by the time check runs)"),
    case("stale.test.", "critical", "dnssec", mandatory=["DNSSEC_SIG_EXPIRED"],
         forbidden=others("DNSSEC_SIG_EXPIRED"),
         names=["ns-b.host.test. (127.0.21.1 and fd00:21::1)"], not_names=["ns-a.host.test."],
         why="ns-b serves an old copy with expired signatures; ns-a is fine"),
    case("nokeys.test.", "critical", "dnssec", mandatory=["DNSSEC_DS_UNSIGNED"],
         forbidden=others("DNSSEC_DS_UNSIGNED"),
         why="DS at test., zone served unsigned"),
    case("alg5.test.", "warning", "dnssec", mandatory=["DNSSEC_ALGORITHM_DEPRECATED"],
         forbidden=others("DNSSEC_ALGORITHM_DEPRECATED"), names=["RSASHA1"],
         why="RSASHA1 keys validate, but RFC 8624 says not to sign with them"),
    case("sha1.test.", "warning", "dnssec", mandatory=["DNSSEC_DS_SHA1_ONLY"],
         forbidden=others("DNSSEC_DS_SHA1_ONLY"), why="the only DS uses SHA-1"),
    case("cds.test.", "warning", "dnssec", mandatory=["DNSSEC_CDS_INCONSISTENT"],
         forbidden=others("DNSSEC_CDS_INCONSISTENT"), names=["while the DS at the parent is"],
         why="CDS/CDNSKEY name a standby KSK; the DS is for the active one"),
    case("cdsdelete.test.", "ok", "none", mandatory=["DNSSEC_CDS_DELETE"],
         forbidden=others("DNSSEC_CDS_DELETE"), why="the delete signal is a notice"),
    case("notyet.test.", "critical", "dnssec",
         mandatory=["DNSSEC_BOGUS", "DNSSEC_SIG_NOT_YET_VALID"],
         forbidden=others("DNSSEC_BOGUS", "DNSSEC_SIG_NOT_YET_VALID"),
         names=["not valid before"], why="inception two days ahead"),
    case("halfsigned.test.", "critical", "dnssec",
         mandatory=["DNSSEC_SIG_INVALID", "DNSSEC_DNSKEY_DISAGREE"],
         forbidden=others("DNSSEC_SIG_INVALID", "DNSSEC_DNSKEY_DISAGREE"),
         names=["ns-b.host.test."], why="ns-b serves the zone unsigned"),
    case("plain.test.", "ok", "none", mandatory=["DNSSEC_UNSIGNED"],
         forbidden=others("DNSSEC_UNSIGNED"),
         names=["proves it with NSEC"], why="an ordinary unsigned delegation, proven by NSEC"),
    case("plain.optout.test.", "ok", "none", mandatory=["DNSSEC_UNSIGNED"],
         forbidden=others("DNSSEC_UNSIGNED"), names=["4 prove it with NSEC3"],
         why="an unsigned delegation in a zone signed with NSEC3 opt-out"),
    case("plain.deleg.test.", "critical", "dnssec",
         mandatory=["DNSSEC_DS_DENIAL_FAILS", "DNSSEC_UNSIGNED"],
         forbidden=others("DNSSEC_DS_DENIAL_FAILS", "DNSSEC_UNSIGNED"),
         names=["ns-b.host.test. (127.0.21.1)", "NSEC3: their signatures do not verify"],
         not_names=["ns-a.host.test."],
         why="ns-a proves the missing DS with NSEC3, ns-b's NSEC3 signatures do not verify"),
    case("plain.broken.test.", "critical", "dnssec", mandatory=["DNSSEC_CHAIN_BROKEN"],
         forbidden=others("DNSSEC_CHAIN_BROKEN"),
         names=["no server of it proves that", "answers SERVFAIL"],
         why="no server of the signed parent proves that there is no DS"),
    case("x.sub.optout.test.", "ok", "none", mandatory=["DNSSEC_UNSIGNED"],
         forbidden=others("DNSSEC_UNSIGNED"), names=["sub.optout.test"],
         why="the chain ends, proven, at the unsigned sub.optout.test."),
    case("x.sub.broken.test.", "critical", "dnssec", mandatory=["DNSSEC_CHAIN_BROKEN"],
         forbidden=others("DNSSEC_CHAIN_BROKEN"),
         names=["says sub.broken.test. has no DS", "does not prove it"],
         why="broken.test. says sub.broken.test. has no DS without a valid proof"),
]


@pytest.fixture(scope="module")
def world():
    with World.from_file(scenario("dnssec")) as w:
        yield w


def run_check(world, domain, *extra, anchor=True, save=None):
    argv = ["check", "--json", *TEST_ARGS, *extra]
    if save:
        argv += ["--save-evidence", save]
    r = world.run_dnsdeps(*argv, domain, anchor=anchor, timeout=60)
    where = f"dnsdeps {' '.join(argv)} {domain} (exit {r.returncode})\nstderr: {r.stderr}"
    try:
        doc = json.loads(r.stdout)
    except ValueError:
        raise AssertionError(f"{where}: not JSON:\n{r.stdout}") from None
    return r, doc, where


def report(world, path, *extra, json_output=True):
    argv = ["report", *(["--json"] if json_output else []), *extra, path]
    r = world.run_dnsdeps(*argv, hints=False, timeout=60)
    if not json_output:
        return r, None
    try:
        return r, json.loads(r.stdout)
    except ValueError:
        raise AssertionError(f"dnsdeps {' '.join(argv)}: not JSON:\n{r.stdout}\n{r.stderr}") \
            from None


def codes(doc):
    return {f["code"] for f in doc["findings"]}


def show(doc):
    v = doc["verdict"]
    return "\n".join([f"verdict {v['status']}/{v['layer']}: {v['summary']}"] +
                     [f"  {f['severity']:8} {f['code']}: {f['message']}"
                      for f in doc["findings"]])


# ---- the harness: what the world wrote and serves ---------------------------

def zone_file(world, origin, ident=None):
    z = [z for z in world.scenario.zones if z.origin == origin and (ident is None or z.id == ident)]
    assert len(z) == 1, (origin, ident)
    return world._zone_path(z[0])


def verify_zone(path, at=None):
    argv = [find_tool("ldns-verify-zone", "ldnsutils")]
    if at is not None:
        argv += ["-t", time.strftime("%Y%m%d%H%M%S", time.gmtime(at))]
    return subprocess.run(argv + [path], capture_output=True, text=True, timeout=30)


@pytest.mark.parametrize("origin", [".", "test.", "good.test.", "expiring.test.", "alg5.test.",
                                    "cds.test."])
def test_signed_zones_verify(world, origin):
    """ldns-verify-zone, independent of dnsdeps, finds the signed zones valid now."""
    r = verify_zone(zone_file(world, origin))
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.parametrize("origin,ident", [("expired.test.", None), ("notyet.test.", None),
                                          ("stale.test.", "stale-old")])
def test_badly_timed_zones_do_not_verify(world, origin, ident):
    r = verify_zone(zone_file(world, origin, ident))
    assert r.returncode != 0, r.stdout + r.stderr
    assert re.search(r"expired|not incepted|before", r.stdout + r.stderr, re.I), \
        r.stdout + r.stderr


def test_fresh_copy_of_stale_verifies(world):
    r = verify_zone(zone_file(world, "stale.test.", "stale-fresh"))
    assert r.returncode == 0, r.stdout + r.stderr


def drill_do(server, name, rtype):
    argv = [find_tool("drill", "ldnsutils"), "-D", "-p", "53", f"@{server}", name, rtype]
    return DrillResult(subprocess.run(argv, capture_output=True, text=True, timeout=10))


def ds_tags(world, domain):
    r = drill_do("127.0.1.1", domain, "DS")
    return {int(x.split()[0]) for x in r.rdata("ANSWER", "DS")}


def key_tags(rdata):
    out = set()
    for line in rdata:
        m = re.search(r"id = (\d+)", line)
        if m:
            out.add(int(m.group(1)))
    return out


def test_world_serves_the_chain(world):
    r = drill_do("127.0.0.2", ".", "DNSKEY")
    assert r.records("ANSWER", "DNSKEY") and r.records("ANSWER", "RRSIG"), r
    with open(world.trust_anchor, encoding="utf-8") as f:
        anchor = f.read().split()
    assert anchor[anchor.index("DS") + 1] in {str(t) for t in
                                              key_tags(r.rdata("ANSWER", "DNSKEY"))}
    r = drill_do("127.0.0.2", "test.", "DS")
    assert r.records("ANSWER", "DS") and r.records("ANSWER", "RRSIG"), r
    assert ds_tags(world, "good.test.")


def test_rollover_ds_names_an_unpublished_key(world):
    keys = key_tags(drill_do("127.0.20.1", "rollover.test.", "DNSKEY").rdata("ANSWER", "DNSKEY"))
    assert keys and not ds_tags(world, "rollover.test.") & keys


def test_nokeys_has_ds_but_no_dnskey(world):
    assert ds_tags(world, "nokeys.test.")
    r = drill_do("127.0.21.1", "nokeys.test.", "DNSKEY")
    assert r.rcode == "NOERROR" and not r.records("ANSWER", "DNSKEY"), r


def test_plain_has_no_ds(world):
    assert not ds_tags(world, "plain.test.")


# ---- dnsdeps check -------------------------------------------------------------

@pytest.mark.parametrize("c", SPEC, ids=[c["domain"] for c in SPEC])
def test_check(world, c):
    r, doc, where = run_check(world, c["domain"])
    v = doc["verdict"]
    assert (v["status"], v["layer"]) == (c["status"], c["layer"]), \
        f"{where}\n{show(doc)}\nexpected {c['status']}/{c['layer']}: {c['why']}"
    assert r.returncode == EXIT_FOR_STATUS[c["status"]], where
    got = codes(doc)
    missing = set(c["mandatory"]) - got
    unwanted = set(c["forbidden"]) & got
    assert not missing and not unwanted, \
        f"{where}\n{show(doc)}\nmissing {sorted(missing)}, forbidden {sorted(unwanted)}: {c['why']}"
    text = " ".join(f["message"] for f in doc["findings"] if f["code"] in c["mandatory"])
    for s in c["names"]:
        assert s in text, f"{where}: {s!r} not in the messages\n{show(doc)}"
    for s in c["not_names"]:
        assert s not in text, f"{where}: {s!r} in the messages\n{show(doc)}"
    for f in doc["findings"]:
        if f["code"].startswith("DNSSEC_"):
            assert f["layer"] == "dnssec", f


def test_bogus_sentence_says_what_to_do(world):
    _, doc, where = run_check(world, "rollover.test.")
    s = doc["verdict"]["summary"]
    assert s.startswith("Validating resolvers cannot resolve rollover.test: the DS at the "
                        "registry"), where + "\n" + s
    assert "matches no key served by your nameservers" in s, s
    assert "publish the key again or remove the DS through your registrar" in s, s


def test_check_text_has_a_dnssec_section(world):
    r = world.run_dnsdeps("check", "-v", *TEST_ARGS, "stale.test.", timeout=60)
    assert r.returncode == 2, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("stale.test.  CRITICAL  (layer: dnssec)"), r.stdout
    sec = r.stdout[r.stdout.index("\nDNSSEC"):r.stdout.index("\nFindings")]
    assert "trust anchor: file " in sec, sec
    assert re.search(r"ns-b\.host\.test\.\s+127\.0\.21\.1 .*expired", sec), sec
    assert re.search(r"ns-a\.host\.test\.\s+127\.0\.20\.1 .*valid until", sec), sec


# ---- judged again, offline -------------------------------------------------------

@pytest.fixture(scope="module")
def saved(world, tmp_path_factory):
    """good.test.'s evidence, saved by check."""
    path = str(tmp_path_factory.mktemp("dnssec") / "good.json")
    r, doc, where = run_check(world, "good.test.", save=path)
    assert doc["verdict"]["status"] == "ok", where
    with open(path, encoding="utf-8") as f:
        ev = json.load(f)
    return path, doc, ev


def test_evidence_keeps_the_records(saved):
    _, _, ev = saved
    sec = ev["dnssec"]
    assert sec["anchor"]["source"].startswith("file ") and sec["anchor"]["records"]
    assert [z["zone"] for z in sec["zones"]] == [".", "test."]
    for z in sec["zones"]:
        assert any("\tDNSKEY\t" in x for x in z["dnskey"]["records"]), z
        assert any("\tRRSIG\tDNSKEY " in x for x in z["dnskey"]["records"]), z
    assert any("\tRRSIG\tDS " in x for x in sec["zones"][1]["ds"]["records"])
    assert any("\tRRSIG\tDS " in x for p in sec["parent"] for x in p["rrsigs"]), sec["parent"]
    addrs = {(s["name"], s["address"]) for s in sec["servers"]}
    assert addrs == {("ns-a.host.test.", "127.0.20.1"), ("ns-a.host.test.", "fd00:20::1"),
                     ("ns-b.host.test.", "127.0.21.1"), ("ns-b.host.test.", "fd00:21::1")}
    for s in sec["servers"]:
        for k in ("dnskey_udp", "dnskey_tcp", "soa", "ns"):
            assert s[k]["state"] == "answer", (s["address"], k, s[k])
            assert any("\tRRSIG\t" in x for x in s[k]["records"]), (s["address"], k)
        assert ev["exchanges"][s["dnskey_tcp"]["exchange"]]["protocol"] == "tcp"
        assert ev["exchanges"][s["dnskey_udp"]["exchange"]]["protocol"] == "udp"


def test_report_judges_as_check_did(world, saved):
    path, doc, _ = saved
    r, again = report(world, path)
    assert r.returncode == 0, r.stderr
    assert again["verdict"] == doc["verdict"] and codes(again) == codes(doc)


def test_report_now_moves_the_judgement(world, saved):
    path, _, ev = saved
    t = calendar.timegm(time.strptime(ev["time"], "%Y-%m-%dT%H:%M:%SZ"))
    later = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t + 27 * DAY))
    r, doc = report(world, path, "--now", later)
    assert doc["verdict"]["status"] == "warning" and "DNSSEC_SIG_EXPIRING" in codes(doc), show(doc)
    much_later = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t + 31 * DAY))
    r, doc = report(world, path, "--now", much_later)
    assert r.returncode == 2 and doc["verdict"]["layer"] == "dnssec", show(doc)
    # the root and test. expired too: the chain breaks before the domain's own keys
    assert {"DNSSEC_CHAIN_BROKEN"} <= codes(doc), show(doc)


def test_headline_ranks_a_deadline_over_lost_redundancy(world, tmp_path):
    """onenet.test.'s IPv4 addresses share a /24 (a warning from the start); a few days
    before its signatures expire, the headline is the signatures (the domain stops
    resolving then), not the /24 (it keeps resolving): both warnings, ranked by
    consequence (docs/findings.md)."""
    path = str(tmp_path / "onenet.json")
    r, doc, where = run_check(world, "onenet.test.", save=path)
    assert doc["verdict"]["status"] == "warning" and \
        "ADDR_ONE_PREFIX_V4" in codes(doc), where + "\n" + show(doc)
    with open(path, encoding="utf-8") as f:
        t = calendar.timegm(time.strptime(json.load(f)["time"], "%Y-%m-%dT%H:%M:%SZ"))
    later = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t + 27 * DAY))
    r, doc = report(world, path, "--now", later)
    assert {"ADDR_ONE_PREFIX_V4", "DNSSEC_SIG_EXPIRING"} <= codes(doc), show(doc)
    assert doc["findings"][0]["code"] == "DNSSEC_SIG_EXPIRING", show(doc)
    assert (doc["verdict"]["status"], doc["verdict"]["layer"]) == ("warning", "dnssec"), show(doc)
    assert "signature" in doc["verdict"]["summary"], show(doc)


def test_builtin_anchor_rejects_the_private_root(world, tmp_path):
    path = str(tmp_path / "good-builtin.json")
    r, doc, where = run_check(world, "good.test.", anchor=False, save=path)
    assert (doc["verdict"]["status"], doc["verdict"]["layer"]) == ("critical", "dnssec"), \
        where + "\n" + show(doc)
    broken = [f for f in doc["findings"] if f["code"] == "DNSSEC_CHAIN_BROKEN"]
    assert broken and "trust anchor" in broken[0]["message"], show(doc)
    assert "20326" in broken[0]["message"], show(doc)  # the root KSK the built-in anchor names
    # the same evidence, judged with the world's anchor instead, is fine
    r, again = report(world, path, "--trust-anchor", world.trust_anchor)
    assert again["verdict"]["status"] == "ok", show(again)


def test_bad_trust_anchor_file_is_a_usage_error(world, tmp_path):
    bad = tmp_path / "anchor.txt"
    bad.write_text("this is not a DS record\n")
    r = world.run_dnsdeps("check", "--trust-anchor", str(bad), *TEST_ARGS, "good.test.",
                          anchor=False, timeout=60)
    assert r.returncode == 3 and "--trust-anchor" in r.stderr and "line 1" in r.stderr, r.stderr
    r = world.run_dnsdeps("check", "--trust-anchor", str(tmp_path / "missing"), *TEST_ARGS,
                          "good.test.", anchor=False, timeout=60)
    assert r.returncode == 3 and "--trust-anchor" in r.stderr, r.stderr


def test_dnskey_anchor_works_like_ds(world, tmp_path):
    """An anchor file of DNSKEY records (as /usr/share/dns/root.key) validates too."""
    r = drill_do("127.0.0.2", ".", "DNSKEY")
    keys = [" ".join(x[:4]) + " " + x[4].split(";")[0] for x in r.records("ANSWER", "DNSKEY")
            if x[4].startswith("257 ")]
    assert keys, r
    f = tmp_path / "root.key"
    f.write_text("; the test bed's root KSK\n" + "\n".join(keys) + "\n")
    r = world.run_dnsdeps("check", "--json", "--trust-anchor", str(f), *TEST_ARGS, "good.test.",
                          anchor=False, timeout=60)
    doc = json.loads(r.stdout)
    assert doc["verdict"]["status"] == "ok", show(doc)
    assert not {c for c in codes(doc) if c.startswith("DNSSEC_")}, show(doc)

def test_ds_denial_in_the_json(world):
    """check --json lists each parent server address's proof of "no DS"."""
    _, doc, where = run_check(world, "plain.deleg.test.")
    got = {(d["name"], d["address"]): d for d in doc["dnssec"]["ds_denial"]}
    assert len(got) == 4, f"{where}: {doc['dnssec']['ds_denial']}"
    for (name, _addr), d in got.items():
        assert d["records"] == "NSEC3", (where, d)
        if name == "ns-a.host.test.":
            assert d["proof"] == "proven" and d["signatures"]["signatures"] == "valid", (where, d)
        else:
            assert d["proof"] == "their signatures do not validate", (where, d)
            assert d["signatures"]["signatures"] == "does not verify", (where, d)
            assert isinstance(d["signatures"]["exchange"], int), (where, d)
    _, plain, _ = run_check(world, "good.test.")
    assert plain["dnssec"]["ds_denial"] == [], "a domain with a DS has no denial to judge"


def test_sig_warn_moves_the_expiring_window(world, tmp_path):
    """--sig-warn DAYS (check, report) replaces the 7 days of DNSSEC_SIG_EXPIRING."""
    _, doc, where = run_check(world, "expiring.test.", "--sig-warn", "2")
    assert "DNSSEC_SIG_EXPIRING" not in codes(doc), f"{where}: expires in ~71 h, window 2 days"
    save = str(tmp_path / "good.json")
    _, doc, where = run_check(world, "good.test.", "--sig-warn", "31", save=save)
    expiring = [f for f in doc["findings"] if f["code"] == "DNSSEC_SIG_EXPIRING"]
    assert expiring and "expire within 31 days" in expiring[0]["message"], f"{where}\n{show(doc)}"
    _, again = report(world, save)
    assert "DNSSEC_SIG_EXPIRING" not in codes(again), "report: the default 7 days again"
    _, again = report(world, save, "--sig-warn", "31")
    assert "DNSSEC_SIG_EXPIRING" in codes(again)
    r = world.run_dnsdeps("check", "--sig-warn", "0", "good.test.", timeout=60)
    assert r.returncode == 3 and "sig-warn" in r.stderr, (r.returncode, r.stderr)



def test_audit_takes_the_trust_anchor(world, tmp_path):
    """audit reads --trust-anchor as check does: under the world's private root a
    signed healthy domain is not CRITICAL (it was, for every signed domain)."""
    lst = tmp_path / "list"
    lst.write_text("good.test\n")
    _, doc, where = run_check(world, "good.test.")
    r = world.run_dnsdeps("audit", "--trust-anchor", world.trust_anchor, *TEST_ARGS,
                          "--no-progress", str(lst), timeout=60)
    got = json.loads(r.stdout.splitlines()[0])
    assert got["verdict"] == doc["verdict"], (got["verdict"], where)
    assert not set(codes(got)) & set(BOGUS), codes(got)
    r = world.run_dnsdeps("audit", *TEST_ARGS, "--no-progress", str(lst), timeout=60)
    assert set(codes(json.loads(r.stdout.splitlines()[0]))) & set(BOGUS)  # the IANA anchor
