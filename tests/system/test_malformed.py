"""test_malformed: crafted servers send the malformed packets they are meant to, and trace survives them."""

import struct

import pytest

from helpers import answer_rdata, dump, problem_addresses, states, trace, world_fixture
from minternet import client
from minternet import dnswire as w

world = world_fixture("malformed")

QID = 0x4D2E
GOOD = "127.0.8.1"
BAD = {"short": "127.0.8.11", "ptrloop": "127.0.8.12", "ptrend": "127.0.8.13",
       "wrongid": "127.0.8.14", "wrongq": "127.0.8.15", "longlabel": "127.0.8.16",
       "misframed": "127.0.8.17"}


def ask(addr, name, tcp=False, qtype="A"):
    q = w.build_query(name, qtype, qid=QID, edns=None)
    raw = (client.tcp_exchange if tcp else client.udp_exchange)(addr, q)
    assert raw, f"no reply from {addr}"
    return q, raw


def _question(name):
    return w.encode_name(name) + struct.pack("!HH", 1, 1)


# ---- the crafted bytes arrive as designed -----------------------------------

@pytest.mark.parametrize("tcp", [False, True])
def test_short_header(world, tcp):
    _, raw = ask(BAD["short"], "www.short.test.", tcp)
    assert raw == struct.pack("!HHH", QID, 0x8400, 1) + b"\x00"
    with pytest.raises(w.WireError, match="short header"):
        w.parse_message(raw)


@pytest.mark.parametrize("tcp", [False, True])
def test_pointer_loop(world, tcp):
    _, raw = ask(BAD["ptrloop"], "www.ptrloop.test.", tcp)
    qsec = _question("www.ptrloop.test.")
    assert raw[:12] == struct.pack("!HHHHHH", QID, 0x8400, 1, 1, 0, 0)
    assert raw[12:12 + len(qsec)] == qsec
    owner_at = 12 + len(qsec)
    assert raw[owner_at:owner_at + 2] == struct.pack("!H", 0xC000 | owner_at), "points to itself"
    with pytest.raises(w.WireError, match="pointer"):
        w.parse_message(raw)


def test_pointer_past_the_end(world):
    _, raw = ask(BAD["ptrend"], "www.ptrend.test.")
    owner_at = 12 + len(_question("www.ptrend.test."))
    target = struct.unpack("!H", raw[owner_at:owner_at + 2])[0]
    assert target & 0xC000 == 0xC000 and (target & 0x3FFF) >= len(raw)
    with pytest.raises(w.WireError):
        w.parse_message(raw)


@pytest.mark.parametrize("tcp", [False, True])
def test_wrong_id(world, tcp):
    _, raw = ask(BAD["wrongid"], "www.wrongid.test.", tcp)
    m = w.parse_message(raw)
    assert m.id == QID ^ 0x5A5A
    assert m.question == [("www.wrongid.test.", 1, 1)] and m.aa and m.rcode == 0
    assert [rr.data for rr in m.answer] == ["127.0.0.1"]


def test_wrong_question(world):
    _, raw = ask(BAD["wrongq"], "www.wrongq.test.")
    m = w.parse_message(raw)
    assert m.id == QID
    assert m.question == [("wrong-question.invalid.", 1, 1)]
    assert [(rr.name, rr.data) for rr in m.answer] == [("wrong-question.invalid.", "127.0.0.1")]


def test_label_longer_than_63(world):
    _, raw = ask(BAD["longlabel"], "www.longlabel.test.")
    owner_at = 12 + len(_question("www.longlabel.test."))
    assert raw[owner_at] == 64 and raw[owner_at + 1:owner_at + 65] == b"a" * 64
    with pytest.raises(w.WireError, match="length > 63"):
        w.parse_message(raw)


def test_ns_name_past_rdlength(world):
    _, raw = ask(BAD["misframed"], "www.misframed.test.")
    at = 12 + len(_question("www.misframed.test."))
    assert raw[6:8] == b"\x00\x02", "two answers"
    assert raw[at + 2:at + 4] == b"\x00\x02" and raw[at + 10:at + 12] == b"\x00\x02", "NS, RDLENGTH 2"
    assert raw[at + 12:at + 18] == b"\x03ns1\xc0\x0c", "a 6-byte name in it"
    assert raw[at + 20:at + 22] == b"\x00\x01" and raw[-4:] == bytes([127, 0, 0, 66])


def test_hundred_ns_referral(world):
    _, raw = ask("127.0.8.20", "www.sub.many.test.")
    m = w.parse_message(raw)
    assert m.id == QID and not m.aa and m.answer == []
    ns = m.rrs("authority", "NS", "sub.many.test.")
    assert sorted(rr.data for rr in ns) == sorted(f"ns{i}.sub.many.test." for i in range(1, 101))
    glue = m.rrs("additional", "A")
    assert len(glue) == 100 and {rr.data for rr in glue} == {"127.0.8.21"}
    assert len(raw) > 1232


def test_template_reply_nxdomain(world):
    _, raw = ask("127.0.8.30", "anything.nxd.test.", qtype="MX")
    assert raw == struct.pack("!HHHHHH", QID, 0x8403, 1, 0, 0, 0) + \
        w.encode_name("anything.nxd.test.") + struct.pack("!HH", 15, 1)


@pytest.mark.parametrize("zone", sorted(BAD))
def test_good_server_serves_every_fault_zone(world, zone):
    m = w.parse_message(ask(GOOD, f"www.{zone}.test.")[1])
    assert m.aa and [rr.data for rr in m.answer] == ["127.0.0.80"]


# ---- dnsdeps trace ----------------------------------------------------------

@pytest.mark.parametrize("zone, expected", [
    ("short", {"malformed"}),
    ("ptrloop", {"malformed"}),
    ("ptrend", {"malformed"}),
    ("longlabel", {"malformed"}),
    ("misframed", {"malformed"}),
    ("wrongid", {"mismatch"}),
    ("wrongq", {"mismatch"}),
])
def test_trace_resolves_through_the_good_server(world, zone, expected):
    r, doc, took = trace(world, f"www.{zone}.test.", "A")
    assert r.returncode == 1, dump(doc)
    assert doc["result"]["status"] == "answer", dump(doc)
    assert answer_rdata(doc, "A") == ["127.0.0.80"]
    assert states(doc, BAD[zone], zone=f"{zone}.test.") == expected, dump(doc)
    assert states(doc, GOOD, zone=f"{zone}.test.") == {"answer"}, dump(doc)
    assert BAD[zone] in problem_addresses(doc)
    assert took < 5


def test_trace_hundred_ns_referral_is_bounded(world):
    r, doc, took = trace(world, "www.sub.many.test.", "A")
    assert took < 10 and doc["stats"]["queries"] <= 50, dump(doc)
    if doc["result"]["status"] == "answer":
        assert answer_rdata(doc, "A") == ["127.0.0.80"]
    else:
        assert doc["result"]["code"] in {"ALL_SERVERS_FAILED", "QUERY_LIMIT"}, dump(doc)
        assert states(doc, "127.0.8.20") == {"malformed"}, dump(doc)


def test_trace_template_nxdomain(world):
    r, doc, _ = trace(world, "www.nxd.test.", "A")
    assert r.returncode == 2, dump(doc)
    assert (doc["result"]["status"], doc["result"]["zone"]) == ("nxdomain", "nxd.test."), dump(doc)
    assert states(doc, "127.0.8.30") == {"nxdomain"}
