"""test_loops: zones whose servers can never be found, and servers that refer up or sideways."""

from helpers import dump, states, trace, world_fixture
from minternet.client import drill

world = world_fixture("loops")

LOOP_CODES = {"REFERRAL_LOOP", "NO_ADDRESSES", "DEPTH_LIMIT", "QUERY_LIMIT"}


# ---- the world serves what the file says -----------------------------------

def test_cycle_zones_are_delegated_without_glue(world):
    r = drill("127.0.1.1", "www.a-cycle.test.")
    assert r.rdata("AUTHORITY", "NS") == ["ns.b-cycle.example."] and \
        r.sections["ADDITIONAL"] == [], r
    r = drill("127.0.2.1", "www.b-cycle.example.")
    assert r.rdata("AUTHORITY", "NS") == ["ns.a-cycle.test."] and \
        r.sections["ADDITIONAL"] == [], r
    r = drill("127.0.21.1", "www.a-cycle.test.")
    assert "aa" in r.flags and r.rdata("ANSWER", "A") == ["127.0.0.80"], r


def test_up_server_refers_back_up(world):
    r = drill("127.0.21.3", "www.up.test.")
    assert "aa" not in r.flags and r.rdata("AUTHORITY", "NS") == ["ns1.nic.test."], r
    assert [x[0] for x in r.records("AUTHORITY", "NS")] == ["test."]


def test_self_server_refers_to_itself(world):
    r = drill("127.0.21.4", "www.self.test.")
    assert "aa" not in r.flags, r
    assert [(x[0], x[4]) for x in r.records("AUTHORITY", "NS")] == [("self.test.", "ns.self.test.")]


# ---- dnsdeps trace ----------------------------------------------------------

def test_trace_mutually_dependent_zones(world):
    r, doc, took = trace(world, "www.a-cycle.test.", "A")
    assert r.returncode == 2, dump(doc)
    assert doc["result"]["status"] == "failed" and doc["result"]["code"] in LOOP_CODES, dump(doc)
    assert doc["stats"]["queries"] < 100 and took < 10, dump(doc)


def test_trace_child_refers_back_up(world):
    r, doc, _ = trace(world, "www.up.test.", "A")
    assert r.returncode == 2, dump(doc)
    assert doc["result"]["status"] == "failed", dump(doc)
    assert doc["result"]["code"] in {"REFERRAL_LOOP", "ALL_SERVERS_FAILED"}, dump(doc)
    assert states(doc, "127.0.21.3", zone="up.test.") == {"lame"}, dump(doc)


def test_trace_child_refers_to_itself(world):
    r, doc, _ = trace(world, "www.self.test.", "A")
    assert r.returncode == 2, dump(doc)
    assert doc["result"]["status"] == "failed", dump(doc)
    assert doc["result"]["code"] in {"REFERRAL_LOOP", "ALL_SERVERS_FAILED"}, dump(doc)
    assert states(doc, "127.0.21.4", zone="self.test.") == {"lame"}, dump(doc)
