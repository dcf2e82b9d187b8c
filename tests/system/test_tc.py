"""test_tc: an answer too large for UDP (TC, then TCP), and a server whose TCP fails after TC."""

import pytest

from helpers import answer_rdata, dump, entries, problem_addresses, states, trace, world_fixture
from minternet import client
from minternet import dnswire as w
from minternet.client import drill

world = world_fixture("tc")

BIG = "big.big.test."


# ---- the world serves what the file says -----------------------------------

@pytest.mark.parametrize("edns", [None, 1232])
def test_big_answer_is_truncated_over_udp(world, edns):
    raw = client.udp_exchange("127.0.23.1", w.build_query(BIG, "TXT", qid=7, edns=edns))
    m = w.parse_message(raw)
    assert m.tc and m.aa and m.id == 7, m.flags
    assert len(raw) <= (edns or 512)


def test_big_answer_arrives_whole_over_tcp(world):
    raw = client.tcp_exchange("127.0.23.1", w.build_query(BIG, "TXT", qid=8))
    m = w.parse_message(raw)
    assert not m.tc and m.aa
    txt = m.rrs("answer", "TXT", BIG)
    assert len(txt) == 12 and sum(len(rr.rdata) for rr in txt) > 1232 * 2
    assert sorted(rr.data[0][:3] for rr in txt) == [f"{i:02d}-" for i in range(12)]


def test_drill_sees_tc_and_gets_it_all_over_tcp(world):
    r = drill("127.0.23.1", BIG, "TXT")
    assert "tc" in r.flags, r
    r = drill("127.0.23.1", BIG, "TXT", tcp=True)
    assert "tc" not in r.flags and len(r.records("ANSWER", "TXT")) == 12, r


def test_truncating_server_sets_tc_and_hangs_up_on_tcp(world):
    q = w.build_query("www.trunc.test.", "A", qid=9)
    m = w.parse_message(client.udp_exchange("127.0.23.2", q))
    assert m.tc and m.id == 9 and m.answer == []
    assert client.tcp_exchange("127.0.23.2", q) == b""


# ---- dnsdeps trace ----------------------------------------------------------

def test_trace_retries_over_tcp(world):
    r, doc, _ = trace(world, BIG, "TXT")
    assert r.returncode == 0, dump(doc)
    assert doc["result"]["status"] == "answer", dump(doc)
    assert len(answer_rdata(doc, "TXT")) == 12
    final = entries(doc, zone="big.test.", qname=BIG)
    assert [(s["protocol"], s["state"]) for s in final] == [("tcp", "answer")], dump(doc)
    assert final[0]["size"] > 1232
    asked = len([s for step in doc["steps"] for s in step["servers"]])
    assert doc["stats"]["queries"] >= asked + 1, "the UDP exchange that got TC is counted"


def test_trace_tcp_failure_after_tc_is_truncated(world):
    r, doc, _ = trace(world, "www.trunc.test.", "A")
    assert r.returncode == 1, dump(doc)
    assert doc["result"]["status"] == "answer"
    assert states(doc, "127.0.23.2", zone="trunc.test.") == {"truncated"}, dump(doc)
    assert {s["protocol"] for s in entries(doc, "127.0.23.2")} == {"tcp"}, dump(doc)
    assert states(doc, "127.0.23.1", zone="trunc.test.") == {"answer"}
    assert "127.0.23.2" in problem_addresses(doc)
