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
from minternet.regservers import (RdapServer, Reply, WhoisServer, huge_reply, json_reply,
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
    quota = b"% Quota exceeded for your address, please try again later.\r\n"
    answers = {"puri.sm": purism, "never.sm": "never-close", "huge.sm": "huge",
               "garbage.sm": "garbage", "quota.sm": [quota, b"Domain: quota.sm\nStatus: Active\n"],
               "refused.sm": [quota], "x.both": b"Domain: x.both\nStatus: Active\n"}
    # 503 without Retry-After, then the record: dnsdeps backs off and retries.
    busy = Reply(503, b"busy\n", then=json_reply(rdap_domain("busy.test")))
    # A quota notice with status 200, then the record: a rate limit all the same.
    notice = json_reply(json.dumps({"notices": [{"title": "Query quota exceeded",
                                                 "description": ["Try again later."]}]}).encode())
    notice.then = json_reply(rdap_domain("quota.test"))
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
            "/rdap/domain/busy.test": busy,
            "/rdap/domain/quota.test": notice,
            "/rdap/domain/x.both": Reply(500, b"oops\n"),
            "/rdap/domain/garbage.test": json_reply(bytes(range(256)) * 64),
        }
        rdap.routes.update(routes)
        boot = tmp / "dns.json"
        boot.write_text(json.dumps({"version": "1.0", "publication": "2026-01-01T00:00:00Z",
                                    "services": [[["test", "both"], [rdap.url("/rdap/")]]]}))
        table = tmp / "whois-servers"
        table.write_text(f"sm {WHOIS_IP}:43\nboth {WHOIS_IP}:43\n")
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
    assert servers["rdap"].hits["/rdap/domain/retry.test"] == 2
    # Waited as told, counted at the server: the second request came at least
    # Retry-After (1 s) after the first, and not much later.
    at = [t for t, p in servers["rdap"].arrivals if p == "/rdap/domain/retry.test"]
    assert len(at) == 2 and 1.0 <= at[1] - at[0] < 3.0, at
    assert elapsed >= 1.0
    url = servers["rdap"].url("/rdap/domain/retry.test")
    assert doc["tried"] == [
        {"protocol": "rdap", "where": url,
         "outcome": "HTTP 429 (Retry-After 1 s), retried after 1"},
        {"protocol": "rdap", "where": url, "outcome": "found"}], doc["tried"]


def test_every_source_tried_is_reported(servers):
    """RDAP answers 500, WHOIS has the record: both are listed, in order, with
    what each gave; an expiry in the past is marked."""
    r, doc, _ = reg(servers, "x.both", "--now", "2026-01-01")
    assert r.returncode == 0, r.stderr
    assert doc["source"]["protocol"] == "whois" and doc["result"] == "found", doc
    url = servers["rdap"].url("/rdap/domain/x.both")
    assert doc["tried"] == [
        {"protocol": "rdap", "where": url,
         "outcome": f"http-error (RDAP {url}: HTTP status 500)"},
        {"protocol": "whois", "where": f"{WHOIS_IP}:43", "outcome": "found"}], doc["tried"]
    assert doc["expired"] is None  # this answer publishes no expiry
    r, doc, _ = reg(servers, "good.test", "--now", "2030-06-01")
    assert doc["expired"] is True and doc["expires"] == "2030-01-01T00:00:00Z"
    assert [t["outcome"] for t in doc["tried"]] == ["found", "the registrar's record: found"]
    r, doc, _ = reg(servers, "good.test", "--now", "2029-06-01")
    assert doc["expired"] is False


def test_503_backoff_then_success(servers):
    """No Retry-After: the first backoff is 1 s times 0.5 to 1.5 (jitter)."""
    r, doc, elapsed = reg(servers, "busy.test")
    assert r.returncode == 0, r.stderr
    assert doc["domain"] == "busy.test"
    assert servers["rdap"].hits["/rdap/domain/busy.test"] == 2
    assert 0.5 <= elapsed < 5


def test_rdap_quota_notice_in_200_is_a_rate_limit(servers):
    r, doc, elapsed = reg(servers, "quota.test")
    assert r.returncode == 0, r.stderr
    assert doc["result"] == "found" and doc["domain"] == "quota.test", doc
    assert servers["rdap"].hits["/rdap/domain/quota.test"] == 2
    assert doc["tried"][0]["outcome"] == ("quota notice (Query quota exceeded), "
                                          "retried after 1"), doc["tried"]
    assert elapsed >= 0.5


def test_whois_quota_answer_is_retried(servers):
    """A WHOIS "quota exceeded" answer is a rate limit: backoff, ask again."""
    r, doc, elapsed = reg(servers, "quota.sm")
    assert r.returncode == 0, r.stderr
    assert doc["result"] == "found" and doc["domain"] == "quota.sm", doc
    assert servers["whois"].queries.count("quota.sm") == 2
    assert elapsed >= 0.5


def test_whois_quota_answer_to_the_end_is_an_error(servers):
    """Never anything but the quota notice: after the bounded retries, the result
    is "error" (never "not-found", never "found"), exit 3."""
    r, doc, elapsed = reg(servers, "refused.sm")
    assert r.returncode == 3, r.stdout + r.stderr
    assert doc["result"] == "error" and "Quota exceeded" in doc["detail"], doc
    assert 2 <= servers["whois"].queries.count("refused.sm") <= 4
    assert elapsed < 20


def test_429_long_retry_after_is_rate_limited(servers):
    r, doc, elapsed = reg(servers, "limited.test")
    assert r.returncode == 3
    assert doc["reason"] == "rate-limited"
    assert "429" in doc["why"] and "3600" in doc["why"]
    assert elapsed < 5


@pytest.mark.parametrize("name,reason,words", [
    ("huge.test", "too-large", "larger than 1048576 bytes"),
    ("trickle.test", "timeout", "timed out"),
    ("downgrade.test", "network", "http"),
    ("garbage.test", "unparseable", "json"),
    ("never.sm", "timeout", "deadline"),
    ("huge.sm", "too-large", "larger than 1048576 bytes"),
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


def test_cache_between_runs(servers, tmp_path):
    """--reg-cache: the second run takes the record from the file and asks
    nobody; --reg-cache-ttl 1 more than 2 s later asks again (times are kept in
    whole seconds)."""
    cache = str(tmp_path / "reg.sqlite")
    path = "/rdap/domain/good.test"
    before = servers["rdap"].hits.get(path, 0)
    r, first, _ = reg(servers, "good.test", "--reg-cache", cache)
    assert r.returncode == 0, r.stderr
    assert servers["rdap"].hits[path] == before + 1
    r, second, _ = reg(servers, "good.test", "--reg-cache", cache)
    assert r.returncode == 0, r.stderr
    assert servers["rdap"].hits[path] == before + 1  # not asked
    assert [t["protocol"] for t in second["tried"]] == ["cache"], second["tried"]
    assert second["tried"][0]["where"] == cache
    for k in ("expires", "registrar", "registrar_expires", "statuses", "source"):
        assert second[k] == first[k], k
    time.sleep(2.2)
    r, third, _ = reg(servers, "good.test", "--reg-cache", cache, "--reg-cache-ttl", "1")
    assert servers["rdap"].hits[path] == before + 2
    assert third["tried"][0]["protocol"] == "rdap"
