"""test_failures: REFUSED, silent and dead servers, with and without a good sibling."""

import socket

import pytest

from helpers import answer_rdata, dump, problem_addresses, states, trace, world_fixture
from minternet import client
from minternet import dnswire as w
from minternet.client import drill

world = world_fixture("failures")


# ---- the world serves what the file says -----------------------------------

@pytest.mark.parametrize("server", ["127.0.7.1", "127.0.7.11", "127.0.7.21"])
def test_good_siblings_answer(world, server):
    zone = {"127.0.7.1": "refused", "127.0.7.11": "silent", "127.0.7.21": "dead"}[server]
    r = drill(server, f"www.{zone}.test.")
    assert "aa" in r.flags and r.rdata("ANSWER", "A") == ["127.0.0.80"], r


@pytest.mark.parametrize("server", ["127.0.7.2", "127.0.7.31"])
def test_refused_server_answers_refused(world, server):
    r = drill(server, "www.refused.test.")
    assert r.rcode == "REFUSED" and "aa" not in r.flags and r.sections["ANSWER"] == [], r
    q = w.build_query("www.refused.test.", "A", qid=0xBEEF, edns=None)
    for raw in (client.udp_exchange(server, q), client.tcp_exchange(server, q)):
        m = w.parse_message(raw)
        assert (m.id, m.qr, m.rcode_name) == (0xBEEF, True, "REFUSED")
        assert m.question == [("www.refused.test.", 1, 1)]


@pytest.mark.parametrize("server", ["127.0.7.12", "127.0.7.32"])
def test_silent_server_does_not_answer_within_a_second(world, server):
    q = w.build_query("www.silent.test.", "A")
    assert client.udp_exchange(server, q, timeout=1.0) is None
    assert client.tcp_exchange(server, q, timeout=1.0) is None, "TCP: accepted, never answered"


@pytest.mark.parametrize("server", ["127.0.7.22", "127.0.7.33"])
def test_dead_address_has_no_listener(world, server):
    q = w.build_query("www.dead.test.", "A")
    with pytest.raises(ConnectionRefusedError):
        client.udp_exchange(server, q, timeout=1.0)
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((server, 53), timeout=1.0).close()


def test_tld_delegates_to_the_failing_servers(world):
    r = drill("127.0.1.1", "www.allbad.test.")
    assert r.rdata("AUTHORITY", "NS") == ["ns1.allbad.test.", "ns2.allbad.test.",
                                          "ns3.allbad.test."], r


# ---- dnsdeps trace ----------------------------------------------------------

def _resolved_despite(world, zone, good, bad, accepted):
    r, doc, took = trace(world, f"www.{zone}.test.", "A")
    assert r.returncode == 1, dump(doc)
    assert doc["result"]["status"] == "answer", dump(doc)
    assert answer_rdata(doc, "A") == ["127.0.0.80"]
    assert states(doc, bad) <= accepted, dump(doc)
    assert states(doc, good) == {"answer"}, dump(doc)
    assert bad in problem_addresses(doc), dump(doc)
    return doc, took


def test_trace_refused_server(world):
    _resolved_despite(world, "refused", "127.0.7.1", "127.0.7.2", {"refused"})


def test_trace_silent_server_costs_one_timeout(world):
    doc, took = _resolved_despite(world, "silent", "127.0.7.11", "127.0.7.12", {"timeout"})
    assert doc["stats"]["timeouts"] == 1, dump(doc)
    assert took < 5, f"trace took {took:.1f} s with --timeout 500 --retries 0"


def test_trace_dead_server(world):
    doc, took = _resolved_despite(world, "dead", "127.0.7.21", "127.0.7.22", {"unreachable", "timeout"})
    assert took < 5


def test_trace_all_servers_failed(world):
    r, doc, took = trace(world, "www.allbad.test.", "A")
    assert r.returncode == 2, dump(doc)
    res = doc["result"]
    assert (res["status"], res["code"], res["zone"]) == \
        ("failed", "ALL_SERVERS_FAILED", "allbad.test."), dump(doc)
    assert states(doc, "127.0.7.31") == {"refused"}
    assert states(doc, "127.0.7.32") == {"timeout"}
    assert states(doc, "127.0.7.33") <= {"unreachable", "timeout"}
    assert problem_addresses(doc) >= {"127.0.7.31", "127.0.7.32", "127.0.7.33"}
    assert doc["answer"] == []
    assert took < 5
