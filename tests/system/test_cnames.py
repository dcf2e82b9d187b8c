"""test_cnames: a CNAME chain across zones, loops inside and across zones, an overlong chain."""

from helpers import answer_rdata, dump, entries, trace, world_fixture
from minternet.client import drill

world = world_fixture("cnames")


# ---- the world serves what the file says -----------------------------------

def test_chain_zone_serves_the_cnames(world):
    r = drill("127.0.20.1", "www.chain.test.")
    assert "aa" in r.flags, r
    assert sorted((x[0], x[4]) for x in r.records("ANSWER", "CNAME")) == [
        ("a.chain.test.", "b.other.test."), ("www.chain.test.", "a.chain.test.")]
    r = drill("127.0.20.2", "b.other.test.")
    assert r.rdata("ANSWER", "A") == ["127.0.0.82"], r


def test_loop_records_are_served(world):
    r = drill("127.0.20.1", "loop1.chain.test.")
    assert {(x[0], x[4]) for x in r.records("ANSWER", "CNAME")} >= {
        ("loop1.chain.test.", "loop2.chain.test.")}, r
    r = drill("127.0.20.2", "y.other.test.")
    assert r.rdata("ANSWER", "CNAME") == ["x.chain.test."], r
    r = drill("127.0.20.2", "l40.other.test.")
    assert r.rdata("ANSWER", "CNAME") == ["l41.chain.test."], r
    r = drill("127.0.20.1", "l41.chain.test.")
    assert r.rdata("ANSWER", "A") == ["127.0.0.99"], r
    r = drill("127.0.20.1", "l1.chain.test.")
    assert r.rdata("ANSWER", "CNAME") == ["l2.other.test."], r


# ---- dnsdeps trace ----------------------------------------------------------

def test_trace_follows_a_cname_chain_across_zones(world):
    r, doc, _ = trace(world, "www.chain.test.", "A")
    assert r.returncode == 0, dump(doc)
    assert doc["result"]["status"] == "answer", dump(doc)
    assert doc["cname_chain"] == ["www.chain.test.", "a.chain.test.", "b.other.test."]
    assert answer_rdata(doc, "A") == ["127.0.0.82"]
    assert {s["state"] for s in entries(doc, zone="chain.test.", qname="www.chain.test.")} \
        == {"cname"}, dump(doc)
    assert {s["state"] for s in entries(doc, zone="other.test.", qname="b.other.test.")} \
        == {"answer"}, dump(doc)


def test_trace_cname_loop_in_one_zone(world):
    r, doc, _ = trace(world, "loop1.chain.test.", "A")
    assert r.returncode == 2, dump(doc)
    assert (doc["result"]["status"], doc["result"]["code"]) == ("failed", "CNAME_LOOP"), dump(doc)


def test_trace_cname_loop_across_zones(world):
    r, doc, _ = trace(world, "x.chain.test.", "A")
    assert r.returncode == 2, dump(doc)
    assert (doc["result"]["status"], doc["result"]["code"]) == ("failed", "CNAME_LOOP"), dump(doc)
    assert doc["cname_chain"][:3] == ["x.chain.test.", "y.other.test.", "x.chain.test."] or \
        doc["cname_chain"][:2] == ["x.chain.test.", "y.other.test."], dump(doc)


def test_trace_forty_cnames_is_too_long(world):
    r, doc, took = trace(world, "l1.chain.test.", "A")
    assert r.returncode == 2, dump(doc)
    assert (doc["result"]["status"], doc["result"]["code"]) == \
        ("failed", "CNAME_CHAIN_TOO_LONG"), dump(doc)
    assert len(doc["cname_chain"]) < 41
    assert took < 10
