"""test_failpath: one fault costs about one timeout window (issue 17).

Each case of scenarios/failpath.toml is checked with the default options
(1500 ms, two retries) and its evidence is read: a silent address is waited
for once, by questions started together (no question starts waiting after
another one to that address has timed out: those end at once, "not asked");
a dead address (nothing listens) and a REFUSED one cost no wait at all. The
time of each case is measured by bench/failpath.sh, not asserted here.
"""

import json
import re

import pytest

from helpers import world_fixture

world = world_fixture("failpath")

WINDOW_MS = 1500  # the default --timeout: the whole of one question, retries included


def check(world, tmp_path, domain):
    saved = tmp_path / "evidence.json"
    r = world.run_dnsdeps("check", "--json", "--save-evidence", str(saved), domain, timeout=120)
    assert "Sanitizer" not in r.stderr and "runtime error" not in r.stderr, r.stderr
    doc = json.loads(r.stdout)
    return doc, json.loads(saved.read_text())


def codes(doc):
    return {f["code"] for f in doc["findings"]}


def waits(ev, addresses):
    """The exchanges that really waited at these addresses (sent, no reply)."""
    return [x for x in ev["exchanges"] if x["address"] in addresses and x["result"] == "timeout"
            and not (x.get("detail") or "").startswith("not asked:") and not x.get("shared")]


def held(ev, addresses):
    return [x for x in ev["exchanges"] if x["address"] in addresses and x["result"] == "timeout"
            and (x.get("detail") or "").startswith("not asked:")]


def waited_ms(x):
    m = re.match(r"no reply in (\d+) ms after (\d+) sends?", x.get("detail") or "")
    assert m, x
    return int(m.group(1))


def assert_one_window(ev, addresses):
    w = waits(ev, addresses)
    assert w, "the silent servers were asked"
    # each question waited one window, its three sends included (not one per send)
    assert all(waited_ms(x) < WINDOW_MS * 1.5 for x in w), [x["detail"] for x in w]
    starts = sorted(x["t_ms"] for x in w)
    # every wait began before the first one ended: none waited after another
    assert starts[-1] - starts[0] < WINDOW_MS, [(x["address"], x["qname"], x["qtype"], x["t_ms"])
                                                 for x in w]
    return w


def test_silent_tld(world, tmp_path):
    doc, ev = check(world, tmp_path, "www.x.quiet.")
    assert doc["verdict"]["status"] == "critical", doc["verdict"]
    assert "REGISTRY_ALL_FAILED" in codes(doc), codes(doc)
    silent = {"127.0.9.1", "127.0.9.2"}
    w = assert_one_window(ev, silent)
    assert {x["address"] for x in w} == silent  # both were asked, at once
    # the look-ups of ns1/ns2.nic.quiet. went nowhere near a second wait
    later = [x for x in ev["exchanges"] if x["address"] in silent and x not in w]
    assert all(x["result"] == "timeout" for x in later), later


@pytest.mark.parametrize("zone,bad,code", [
    ("onesilent", "127.0.9.13", "SERVER_TIMEOUT"),
])
def test_one_silent_ns(world, tmp_path, zone, bad, code):
    doc, ev = check(world, tmp_path, f"{zone}.test.")
    assert doc["verdict"]["status"] == "warning", doc["verdict"]
    assert code in codes(doc), codes(doc)
    assert_one_window(ev, {bad})
    good = [x for x in ev["exchanges"] if x["address"] in (f"127.0.9.{bad[-2]}1", f"127.0.9.{bad[-2]}2")]
    assert good and all(x["result"] == "ok" for x in good)


@pytest.mark.parametrize("zone,bad,code,result", [
    ("onedead", "127.0.9.23", "SERVER_UNREACHABLE", "unreachable"),
    ("onerefused", "127.0.9.33", "SERVER_REFUSED", "ok"),
])
def test_one_failing_ns_costs_no_wait(world, tmp_path, zone, bad, code, result):
    doc, ev = check(world, tmp_path, f"{zone}.test.")
    assert doc["verdict"]["status"] == "warning", doc["verdict"]
    assert code in codes(doc), codes(doc)
    asked = [x for x in ev["exchanges"] if x["address"] == bad]
    assert asked and {x["result"] for x in asked} == {result}, asked
    assert waits(ev, {bad}) == [] and held(ev, {bad}) == []
    if result == "ok":
        assert {x["rcode"] for x in asked} == {"REFUSED"}
