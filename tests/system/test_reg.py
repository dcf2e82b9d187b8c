"""test_reg: `dnsdeps reg` against real registration servers on loopback.

A real HTTPS RDAP server (certificate from a CA made at start, given with
--ca-file) and a real WHOIS server serve the Purism outage (WHOIS "Status:
Suspended"), healthy and held domains, and misbehaviour: a 10 MB body, a
trickled body, a redirect to http, HTTP 429, a WHOIS server that never
closes, binary garbage. Each must end in a record or a clear reason within
the timeout: no hang, no crash.
"""

import json
import os
import subprocess
import time

import pytest

from helpers import REPO
from minternet.regservers import (RdapServer, WhoisServer, huge_reply, json_reply,
                                  rate_limited_reply, redirect_reply, trickle_reply)

DNSDEPS = os.path.abspath(os.environ.get("DNSDEPS", os.path.join(REPO, "build", "dnsdeps")))
UNIT_DATA = os.path.join(REPO, "tests", "unit", "data", "reg")
TIMEOUT_MS = 2000
RDAP_IP, WHOIS_IP = "127.77.0.1", "127.77.0.2"


def rdap_domain(name, status=("active",), expires="2030-01-01T00:00:00Z", related=None):
    doc = {
        "objectClassName": "domain", "ldhName": name, "status": list(status),
        "events": [{"eventAction": "registration", "eventDate": "2015-05-05T00:00:00Z"},
                   {"eventAction": "expiration", "eventDate": expires}],
        "nameservers": [{"objectClassName": "nameserver", "ldhName": "ns1." + name}],
        "secureDNS": {"delegationSigned": False},
        "entities": [{"objectClassName": "entity", "roles": ["registrar"],
                      "publicIds": [{"type": "IANA Registrar ID", "identifier": "9999"}],
                      "vcardArray": ["vcard", [["version", {}, "text", "4.0"],
                                               ["fn", {}, "text", "Test Registrar"]]]}],
    }
    if related:
        doc["links"] = [{"rel": "related", "type": "application/rdap+json", "href": related}]
    return json.dumps(doc).encode()


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("reg")
    with open(os.path.join(UNIT_DATA, "puri.sm.whois"), "rb") as f:
        purism = f.read()
    answers = {"puri.sm": purism, "never.sm": "never-close", "huge.sm": "huge",
               "garbage.sm": "garbage"}
    with RdapServer(RDAP_IP) as rdap, WhoisServer(WHOIS_IP, answers=answers) as whois:
        routes = {
            "/rdap/domain/good.test": json_reply(rdap_domain(
                "good.test", related=rdap.url("/registrar/domain/good.test"))),
            "/registrar/domain/good.test": json_reply(rdap_domain(
                "good.test", expires="2031-06-01T00:00:00Z")),
            "/rdap/domain/hold.test": json_reply(rdap_domain(
                "hold.test", status=("client hold", "server hold"))),
            "/rdap/domain/huge.test": huge_reply(),
            "/rdap/domain/trickle.test": trickle_reply(),
            "/rdap/domain/downgrade.test": redirect_reply(
                f"http://{RDAP_IP}:80/rdap/domain/good.test"),
            "/rdap/domain/retry.test": rate_limited_reply(1, then=json_reply(
                rdap_domain("retry.test"))),
            "/rdap/domain/limited.test": rate_limited_reply(3600),
            "/rdap/domain/garbage.test": json_reply(bytes(range(256)) * 64),
        }
        rdap.routes.update(routes)
        boot = tmp / "dns.json"
        boot.write_text(json.dumps({"version": "1.0", "publication": "2026-01-01T00:00:00Z",
                                    "services": [[["test"], [rdap.url("/rdap/")]]]}))
        table = tmp / "whois-servers"
        table.write_text(f"sm {WHOIS_IP}:43\n")
        yield {"rdap": rdap, "whois": whois, "boot": str(boot), "table": str(table),
               "ca": rdap.ca_file}


def reg(s, name, *extra, ca=True):
    args = [DNSDEPS, "reg", name, "--json", "--timeout", str(TIMEOUT_MS),
            "--rdap-bootstrap", s["boot"], "--whois-servers", s["table"]]
    if ca:
        args += ["--ca-file", s["ca"]]
    t0 = time.monotonic()
    r = subprocess.run(args + list(extra), capture_output=True, text=True, timeout=60)
    elapsed = time.monotonic() - t0
    assert r.returncode >= 0, f"dnsdeps died by signal {-r.returncode}: {r.stderr}"
    assert r.returncode != 99, f"sanitizer report: {r.stderr}"
    doc = json.loads(r.stdout) if r.stdout.strip() else None
    return r, doc, elapsed


def test_purism_whois_suspended(servers):
    r, doc, _ = reg(servers, "puri.sm")
    assert r.returncode == 0, r.stderr
    assert doc["schema"] == "dnsdeps.registration/1"
    assert doc["source"] == {"protocol": "whois", "where": f"{WHOIS_IP}:43"}
    assert doc["domain"] == "puri.sm"
    assert [s["code"] for s in doc["statuses"]] == ["Suspended"]
    assert doc["statuses"][0]["class"] == "suspended"
    assert doc["nameservers"] == ["ns1.dnsimple.com", "ns2.dnsimple-edge.net"]
    assert "Status: Suspended" in doc["raw"]
    assert "puri.sm" in servers["whois"].queries


def test_purism_text_output(servers):
    args = [DNSDEPS, "reg", "www.puri.sm", "--timeout", str(TIMEOUT_MS),
            "--whois-servers", servers["table"], "--rdap-bootstrap", servers["boot"]]
    r = subprocess.run(args, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "Registration of puri.sm (whois 127.77.0.2:43)" in r.stdout
    assert "Suspended [suspended]" in r.stdout


def test_rdap_with_registrar_record(servers):
    r, doc, _ = reg(servers, "good.test")
    assert r.returncode == 0, r.stderr
    assert doc["source"]["protocol"] == "rdap"
    assert doc["source"]["where"] == servers["rdap"].url("/rdap/domain/good.test")
    assert doc["registrar"]["name"] == "Test Registrar"
    assert doc["registrar"]["iana_id"] == "9999"
    assert doc["expires"] == "2030-01-01T00:00:00Z"
    assert doc["registrar_expires"] == "2031-06-01T00:00:00Z"
    assert doc["registrar_view"]["expires"] == "2031-06-01T00:00:00Z"
    assert doc["dnssec"] == {"delegationSigned": False}


def test_rdap_holds(servers):
    r, doc, _ = reg(servers, "hold.test")
    assert r.returncode == 0, r.stderr
    assert [s["code"] for s in doc["statuses"]] == ["clientHold", "serverHold"]
    assert all(s["epp"] for s in doc["statuses"])


def test_rdap_not_found(servers):
    r, doc, _ = reg(servers, "nosuch.test")
    assert r.returncode == 0, r.stderr
    assert doc["result"] == "not-found"


def test_without_ca_file_tls_fails(servers):
    r, doc, elapsed = reg(servers, "good.test", ca=False)
    assert r.returncode == 3
    assert doc["result"] == "unavailable" and doc["reason"] == "network"
    assert "certificate" in doc["why"].lower() or "ssl" in doc["why"].lower()


def test_429_retry_after_honoured(servers):
    r, doc, elapsed = reg(servers, "retry.test")
    assert r.returncode == 0, r.stderr
    assert doc["domain"] == "retry.test"
    assert elapsed >= 1.0  # waited for Retry-After: 1
    assert servers["rdap"].hits["/rdap/domain/retry.test"] == 2


def test_429_long_retry_after_is_rate_limited(servers):
    r, doc, elapsed = reg(servers, "limited.test")
    assert r.returncode == 3
    assert doc["reason"] == "rate-limited"
    assert "429" in doc["why"] and "3600" in doc["why"]
    assert elapsed < 5


@pytest.mark.parametrize("name,reason,words", [
    ("huge.test", "too-large", "larger"),
    ("trickle.test", "timeout", "timed out"),
    ("downgrade.test", "network", "http"),
    ("garbage.test", "unparseable", "json"),
    ("never.sm", "timeout", "deadline"),
    ("huge.sm", "too-large", "larger"),
    ("garbage.sm", "unparseable", "binary"),
])
def test_bad_servers_give_clear_errors(servers, name, reason, words):
    r, doc, elapsed = reg(servers, name)
    assert r.returncode == 3, r.stdout + r.stderr
    assert doc["result"] == "unavailable"
    assert doc["reason"] == reason, doc
    assert words in doc["why"].lower(), doc["why"]
    # The whole look-up is bounded by the per-request timeout (plus start-up).
    assert elapsed < TIMEOUT_MS / 1000 + 3, f"took {elapsed:.1f}s"


def test_no_source_known(servers, tmp_path):
    empty = tmp_path / "empty-table"
    empty.write_text("# nothing\n")
    args = [DNSDEPS, "reg", "example.zz", "--json", "--timeout", str(TIMEOUT_MS),
            "--rdap-bootstrap", servers["boot"], "--whois-servers", str(empty)]
    r = subprocess.run(args, capture_output=True, text=True, timeout=60)
    doc = json.loads(r.stdout)
    assert r.returncode == 3
    # No table entry: IANA's WHOIS is asked, and cannot be reached from the
    # private namespace: unavailable, saying so, not guessed.
    assert doc["result"] == "unavailable"
    assert "iana" in doc["why"].lower()


def test_malformed_bootstrap_refused(servers):
    bad = os.path.join(REPO, "tests", "data", "bootstrap", "malformed-dns_bad_url.json")
    args = [DNSDEPS, "reg", "good.test", "--rdap-bootstrap", bad]
    r = subprocess.run(args, capture_output=True, text=True, timeout=60)
    assert r.returncode == 3
    assert "not an http(s) URL" in r.stderr
