"""test_purism: the demo world (data/demo/purism.toml) before and during the puri.sm outage."""

import pytest

from helpers import check_text_layout, dump, entries, scenario, trace
from minternet import World
from minternet.client import drill

SM = ["127.0.10.1", "127.0.10.2", "127.0.10.3", "127.0.10.4"]
PURI = ["127.0.11.1", "127.0.11.2", "127.0.12.1"]


@pytest.fixture(scope="module", params=[None, "outage"], ids=["before", "outage"])
def world(request):
    """Both worlds, one after the other (pytest ends one before it starts the next)."""
    with World.from_file(scenario("purism"), variant=request.param) as w:
        yield w


def outage(world):
    return world.scenario.variant == "outage"


# ---- the world serves what the file says -----------------------------------

def test_root_delegates_sm_to_four_servers(world):
    r = drill("127.0.0.2", "puri.sm.", "SOA")
    assert r.rdata("AUTHORITY", "NS") == ["a.nic.sm.", "b.nic.sm.", "c.nic.sm.", "d.nic.sm."], r
    assert r.rdata("ADDITIONAL", "A") == SM


@pytest.mark.parametrize("server", SM)
def test_sm_servers_delegate_puri_sm_until_the_outage(world, server):
    r = drill(server, "puri.sm.", "SOA")
    if outage(world):
        assert r.rcode == "NXDOMAIN" and "aa" in r.flags, r
        assert r.rdata("AUTHORITY", "SOA")[0].split()[2] == "2018021402"
    else:
        assert r.rcode == "NOERROR" and "aa" not in r.flags, r
        assert r.rdata("AUTHORITY", "NS") == ["ns1.puri.sm.", "ns2.puri.sm.", "ns3.dnshost.test."]
        assert r.rdata("ADDITIONAL", "A") == ["127.0.11.1", "127.0.11.2"]


@pytest.mark.parametrize("server", SM)
def test_sm_servers_keep_delegating_example_sm(world, server):
    r = drill(server, "www.example.sm.")
    assert r.rdata("AUTHORITY", "NS") == ["ns1.example.sm.", "ns2.example.sm."], r


@pytest.mark.parametrize("server", PURI)
def test_puri_sm_servers_answer_in_both_worlds(world, server):
    r = drill(server, "puri.sm.", "SOA")
    assert r.rcode == "NOERROR" and "aa" in r.flags, r
    assert r.rdata("ANSWER", "SOA")[0].startswith("ns1.puri.sm. hostmaster.puri.sm. 2018021001")
    r = drill(server, "puri.sm.", "NS")
    assert r.rdata("ANSWER", "NS") == ["ns1.puri.sm.", "ns2.puri.sm.", "ns3.dnshost.test."], r


def test_out_of_bailiwick_server_is_reachable_through_test(world):
    r = drill("127.0.1.2", "ns3.dnshost.test.")
    assert r.rdata("AUTHORITY", "NS") == ["ns3.dnshost.test."] and \
        r.rdata("ADDITIONAL", "A") == ["127.0.12.1"], r


# ---- dnsdeps trace ----------------------------------------------------------

def test_trace_puri_sm(world):
    r, doc, _ = trace(world, "puri.sm.", "SOA")
    if outage(world):
        assert r.returncode == 2, dump(doc)
        assert (doc["result"]["status"], doc["result"]["zone"]) == ("nxdomain", "sm."), dump(doc)
        assert {s["state"] for s in entries(doc, zone="sm.", qname="puri.sm.")} == {"nxdomain"}
        assert {s["address"] for s in entries(doc, zone="sm.", qname="puri.sm.")} == set(SM)
    else:
        assert r.returncode == 0, dump(doc)
        assert doc["result"]["status"] == "answer" and doc["result"]["zone"] == "puri.sm."
        asked = {s["address"] for s in entries(doc, zone="puri.sm.", qname="puri.sm.")}
        assert asked == set(PURI), dump(doc)


def test_trace_healthy_neighbour(world):
    r, doc, _ = trace(world, "example.sm.", "SOA")
    assert r.returncode == 0, dump(doc)
    assert doc["result"]["status"] == "answer" and doc["result"]["zone"] == "example.sm."


def test_check_text_is_short(world, tmp_path):
    counts, text = check_text_layout(world, "puri.sm.", "--no-registration",
                                     saved=str(tmp_path / "ev.json"))
    first = text.splitlines()[0]
    if outage(world):
        assert first == "puri.sm.  CRITICAL  (layer: registration)", text
        assert "  CRITICAL  PARENT_NXDOMAIN_ALL: " in text
        assert "\n  registration  CRITICAL  PARENT_NXDOMAIN_ALL" in text
    print(world.scenario.variant, "puri.sm. lines (default, -v, -q):", counts)
