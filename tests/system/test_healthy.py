"""test_healthy: the healthy three-level tree serves what healthy.toml says, and trace walks it."""

import json

import pytest

from helpers import answer_rdata, check_text_layout, dump, entries, trace, world_fixture
from minternet.client import drill

world = world_fixture("healthy")

ROOTS = ["127.0.0.2", "127.0.0.3", "fd00::2", "fd00::3"]


# ---- the world serves what the file says -----------------------------------

@pytest.mark.parametrize("server", ROOTS)
def test_roots_refer_to_the_tlds(world, server):
    r = drill(server, "www.example.test.")
    assert r.rcode == "NOERROR" and "aa" not in r.flags, r
    assert r.rdata("AUTHORITY", "NS") == ["ns1.nic.test.", "ns2.nic.test."]
    assert r.rdata("ADDITIONAL", "A") == ["127.0.1.1", "127.0.1.2"]
    r = drill(server, "www.example.")
    assert r.rdata("AUTHORITY", "NS") == ["a.nic.example.", "b.nic.example."], r


@pytest.mark.parametrize("server", ["127.0.1.1", "127.0.1.2", "fd00::1:1"])
def test_test_tld_delegates_with_and_without_glue(world, server):
    r = drill(server, "www.example.test.")
    assert "aa" not in r.flags
    assert r.rdata("AUTHORITY", "NS") == ["ns.dns.example.", "ns1.example.test."], r
    assert [x[0] for x in r.records("ADDITIONAL", "A")] == ["ns1.example.test."]
    r = drill(server, "www.glueless.test.")
    assert r.rdata("AUTHORITY", "NS") == ["ns1.hosting.example.", "ns2.hosting.example."], r
    assert r.records("ADDITIONAL", "A") == [] and r.records("ADDITIONAL", "AAAA") == []


@pytest.mark.parametrize("server", ["127.0.3.1", "127.0.3.2", "fd00::3:1", "fd00::3:2"])
def test_domain_servers_answer_authoritatively(world, server):
    r = drill(server, "www.example.test.")
    assert r.rcode == "NOERROR" and "aa" in r.flags, r
    assert r.rdata("ANSWER", "A") == ["127.0.0.80"]
    r = drill(server, "www.example.test.", "AAAA")
    assert r.rdata("ANSWER", "AAAA") == ["fd00::80"], r
    r = drill(server, "nope.example.test.")
    assert r.rcode == "NXDOMAIN" and "aa" in r.flags, r


def test_glueless_names_resolve_under_the_other_tld(world):
    r = drill("127.0.2.2", "ns1.hosting.example.")
    assert r.rdata("AUTHORITY", "NS") == ["ns1.hosting.example.", "ns2.hosting.example."], r
    for server in ("127.0.4.1", "127.0.4.2"):
        r = drill(server, "ns2.hosting.example.")
        assert "aa" in r.flags and r.rdata("ANSWER", "A") == ["127.0.4.2"], r
        r = drill(server, "www.glueless.test.")
        assert "aa" in r.flags and r.rdata("ANSWER", "A") == ["127.0.0.81"], r


def test_a_server_without_the_zone_refuses(world):
    r = drill("127.0.4.1", "www.example.test.")
    assert r.rcode == "REFUSED", r


# ---- dnsdeps trace ----------------------------------------------------------

def test_trace_healthy_three_levels(world):
    r, doc, _ = trace(world, "www.example.test.", "A")
    assert r.returncode == 0, dump(doc)
    res = doc["result"]
    assert (res["status"], res["code"], res["zone"]) == ("answer", None, "example.test."), res
    assert answer_rdata(doc, "A") == ["127.0.0.80"]
    assert doc["query"] == {"name": "www.example.test.", "type": "A"}
    assert [s["zone"] for s in doc["steps"]][:1] == ["."]
    walked = [s["zone"] for s in doc["steps"]]
    assert walked.index("test.") < walked.index("example.test."), walked
    q = "www.example.test."
    for s in entries(doc, zone=".", qname=q):
        assert (s["state"], s["referral"], s["aa"]) == ("referral", "test.", False), s
    assert {s["address"] for s in entries(doc, zone=".", qname=q)} >= {"127.0.0.2", "127.0.0.3"}
    final = entries(doc, zone="example.test.", qname=q)
    assert {s["address"] for s in final} >= {"127.0.3.1", "127.0.3.2"}
    assert all(s["state"] == "answer" and s["aa"] is True for s in final), dump(doc)
    assert doc["problems"] == [] and doc["stats"]["timeouts"] == 0
    assert not any(step["disagreement"] for step in doc["steps"])


def test_trace_glueless_out_of_bailiwick(world):
    r, doc, _ = trace(world, "www.glueless.test.", "A")
    assert r.returncode == 0, dump(doc)
    assert doc["result"]["status"] == "answer"
    assert answer_rdata(doc, "A") == ["127.0.0.81"]
    asked = {s["address"] for s in entries(doc, zone="glueless.test.", qname="www.glueless.test.")}
    assert asked == {"127.0.4.1", "127.0.4.2"}, dump(doc)


def test_trace_nxdomain(world):
    r, doc, _ = trace(world, "nope.example.test.", "A")
    assert r.returncode == 2, dump(doc)
    assert (doc["result"]["status"], doc["result"]["zone"]) == ("nxdomain", "example.test.")
    assert {s["state"] for s in entries(doc, zone="example.test.", qname="nope.example.test.")} \
        == {"nxdomain"}, dump(doc)


def test_trace_nodata(world):
    r, doc, _ = trace(world, "www.example.test.", "TXT")
    assert r.returncode == 0, dump(doc)
    assert doc["result"]["status"] == "nodata" and doc["answer"] == []
    assert {s["state"] for s in entries(doc, zone="example.test.", qname="www.example.test.")} \
        == {"nodata"}, dump(doc)


@pytest.mark.parametrize("flag, v6", [("-6", True), ("-4", False)])
def test_trace_one_address_family(world, flag, v6):
    r, doc, _ = trace(world, "www.example.test.", "A", flag)
    assert r.returncode == 0, dump(doc)
    asked = {s["address"] for s in entries(doc) if s["state"] != "skipped"}
    assert asked and all((":" in a) == v6 for a in asked), asked
    # The other family's addresses are listed, but as skipped, never asked.
    skipped = {s["address"] for s in entries(doc) if s["state"] == "skipped"}
    assert skipped and all((":" in a) != v6 for a in skipped), skipped


@pytest.mark.parametrize("args", [["exa mple.test."], ["a..test."], ["x" * 64 + ".test."],
                                  ["www.example.test.", "NOSUCHTYPE"], ["--bogus", "x.test."], []])
def test_trace_usage_errors_exit_3(world, args):
    r = world.run_dnsdeps("trace", *args, timeout=30)
    assert r.returncode == 3, (r.returncode, r.stdout, r.stderr)
    assert r.stderr.strip(), "a usage error says why"


def test_trace_honours_the_query_rate_limit(world):
    # 18 queries at 5 per second with one second of burst (5 tokens) cannot
    # finish in less than (18 - 5) / 5 = 2.6 s; without the limit they take
    # milliseconds. A lower bound: it cannot pass by luck on a slow machine.
    r, doc, _ = trace(world, "www.example.test.", "A", "--qps", "5")
    assert r.returncode == 0, dump(doc)
    queries = doc["stats"]["queries"]
    assert queries > 5
    assert doc["stats"]["elapsed_ms"] >= (queries - 5) / 5 * 1000 - 50, doc["stats"]


# ---- check's walk minimises the question (RFC 9156) --------------------------

def check_evidence(world, name, tmp_path):
    saved = str(tmp_path / "evidence.json")
    r = world.run_dnsdeps("check", "--no-deps", "--no-registration", "--json",
                          "--save-evidence", saved, name, timeout=60)
    assert r.returncode in (0, 1, 2), r.stderr
    with open(saved, encoding="utf-8") as f:
        return json.load(f)


def questions(ev, addresses):
    return [(x["qname"], x["qtype"]) for x in ev["exchanges"] if x["address"] in addresses]


def test_check_asks_each_zone_for_one_label_more(world, tmp_path):
    ev = check_evidence(world, "example.test.", tmp_path)
    root = questions(ev, ROOTS)
    assert ("test.", "NS") in root, root
    assert not [q for q in root if q[0].endswith("example.test.")], root
    tld = questions(ev, ["127.0.1.1", "127.0.1.2"])
    assert ("example.test.", "NS") in tld and ("example.test.", "DS") in tld, tld
    assert [s["zone"] for s in ev["chain"]] == [".", "test."]


def test_check_asks_again_with_the_whole_name_below_an_empty_non_terminal(world, tmp_path):
    # www.example.test has an address but is no cut: asked "www.example.test. NS", the
    # example.test servers answer NODATA, so they are asked the whole name, which does not exist.
    ev = check_evidence(world, "x.www.example.test.", tmp_path)
    asked = questions(ev, ["127.0.3.1", "127.0.3.2"])
    assert ("www.example.test.", "NS") in asked and ("x.www.example.test.", "NS") in asked, asked
    first = asked.index(("www.example.test.", "NS"))
    assert first < asked.index(("x.www.example.test.", "NS"))
    assert not [q for q in questions(ev, ROOTS) if q[0].endswith("example.test.")]
    # a name in the zone example.test.: that zone is judged (its parent's step ends the
    # chain), and the name itself does not exist
    assert ev["host"]["zone"] == ev["domain"] == "example.test." and \
        ev["chain"][-1]["zone"] == "test.", ev["host"]
    assert ev["host"]["resolution"]["state"] == "nxdomain", ev["host"]


def test_check_text_is_short(world, tmp_path):
    counts, text = check_text_layout(world, "example.test.", "--no-registration",
                                     saved=str(tmp_path / "ev.json"))
    # every test-bed address shares a /24: the one warning of a healthy domain
    assert text.splitlines()[0] in ("example.test.  OK",
                                    "example.test.  WARNING  (layer: nameservers)"), text
    print("healthy example.test. lines (default, -v, -q):", counts)
