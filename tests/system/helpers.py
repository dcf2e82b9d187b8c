"""helpers: scenario lookup, world fixtures and the `dnsdeps trace` contract for the system tests."""

import json
import os
import time

import pytest

from minternet import World

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SCENARIOS = os.path.join(HERE, "scenarios")
DEMO_WORLDS = os.path.join(REPO, "data", "demo")


def scenario(name):
    """Path of tests/system/scenarios/NAME.toml or data/demo/NAME.toml."""
    for d in (SCENARIOS, DEMO_WORLDS):
        path = os.path.join(d, name + ".toml")
        if os.path.exists(path):
            return path
    raise FileNotFoundError(f"no scenario {name}")


def world_fixture(name, variant=None):
    """A module-scoped fixture that brings one world up for a test module.

    Keep one world per module: two worlds alive at once fight over addresses."""

    @pytest.fixture(scope="module")
    def fixture():
        with World.from_file(scenario(name), variant=variant) as world:
            yield world

    return fixture


# ---- the `dnsdeps trace --json` contract (schema dnsdeps.trace/1) -----------

STATES = {"answer", "referral", "cname", "nxdomain", "nodata", "refused", "servfail",
          "notauth", "rcode", "lame", "timeout", "unreachable", "malformed", "mismatch",
          "truncated", "skipped"}  # skipped: address family not in use (-4, -6)
STATUSES = {"answer", "nodata", "nxdomain", "failed"}
CODES = {None, "ALL_SERVERS_FAILED", "REFERRAL_LOOP", "CNAME_LOOP", "CNAME_CHAIN_TOO_LONG",
         "DEPTH_LIMIT", "QUERY_LIMIT", "NO_ADDRESSES"}
EXIT_FOR_STATUS = {"answer": (0, 1), "nodata": (0, 1), "nxdomain": (2,), "failed": (2,)}


def check_contract(doc):
    """Assert that a trace document has the documented shape and vocabulary."""
    assert doc.get("schema") == "dnsdeps.trace/1", doc.get("schema")
    for key in ("query", "result", "answer", "cname_chain", "steps", "problems", "stats"):
        assert key in doc, f"missing {key}"
    assert set(doc["query"]) >= {"name", "type"}
    res = doc["result"]
    assert res["status"] in STATUSES, res
    assert res["code"] in CODES, res
    assert isinstance(res["zone"], str) and res["zone"].endswith("."), res
    assert isinstance(res["message"], str) and "\n" not in res["message"], res
    assert all(isinstance(a, str) and len(a.split("\t")) == 5 for a in doc["answer"]), doc["answer"]
    assert all(isinstance(n, str) for n in doc["cname_chain"])
    for step in doc["steps"]:
        assert set(step) >= {"zone", "qname", "servers", "disagreement", "next"}, step
        assert isinstance(step["disagreement"], bool)
        for s in step["servers"]:
            assert set(s) >= {"name", "address", "protocol", "state", "rcode", "aa",
                              "referral", "rtt_ms", "size", "detail"}, s
            assert s["protocol"] in ("udp", "tcp"), s
            assert s["state"] in STATES, s
    for p in doc["problems"]:
        assert set(p) >= {"zone", "server", "address", "state", "message"}, p
        assert p["state"] in STATES, p
    st = doc["stats"]
    assert isinstance(st["queries"], int) and st["queries"] >= 0
    assert isinstance(st["timeouts"], int) and st["timeouts"] >= 0


TEST_OPTS = ("--timeout", "500", "--retries", "0")


def trace(world, name, rtype=None, *opts, limit=60):
    """Run `dnsdeps trace --json` in world; returns (CompletedProcess, doc, seconds)."""
    args = ["trace", "--json", *TEST_OPTS, *opts, name] + ([rtype] if rtype else [])
    t0 = time.monotonic()
    r = world.run_dnsdeps(*args, timeout=limit)
    took = time.monotonic() - t0
    assert r.returncode in (0, 1, 2), \
        f"dnsdeps {' '.join(args)} exited {r.returncode}\nstdout: {r.stdout}\nstderr: {r.stderr}"
    try:
        doc = json.loads(r.stdout)
    except ValueError as e:
        raise AssertionError(f"not JSON ({e}):\n{r.stdout}\nstderr: {r.stderr}") from None
    check_contract(doc)
    assert r.returncode in EXIT_FOR_STATUS[doc["result"]["status"]], \
        f"exit {r.returncode} for status {doc['result']['status']}"
    return r, doc, took


def entries(doc, address=None, zone=None, qname=None):
    """The server entries of all steps, filtered by address, zone and/or qname."""
    out = []
    for step in doc["steps"]:
        if zone is not None and step["zone"] != zone:
            continue
        if qname is not None and step["qname"] != qname:
            continue
        for s in step["servers"]:
            if address is None or s["address"] == address:
                out.append(s)
    return out


def states(doc, address, zone=None):
    """The set of states recorded for one server address."""
    found = entries(doc, address, zone)
    assert found, f"{address} was never asked:\n{json.dumps(doc, indent=1)}"
    return {s["state"] for s in found}


def problem_addresses(doc):
    return {p["address"] for p in doc["problems"]}


def answer_rdata(doc, rtype):
    """The rdata of the answer lines of one type."""
    return sorted(a.split("\t")[4] for a in doc["answer"] if a.split("\t")[3] == rtype)


def dump(doc):
    return json.dumps(doc, indent=1)


# ---- the `dnsdeps check` text (issue 13): short by default, -v, -q ------------

TEXT_LAYERS = ["root", "registry", "registration", "nameservers", "DNSSEC", "dependencies"]


def check_text_layout(world, domain, *extra, saved=None):
    """Run check in its three text lengths and assert their structure, and that
    `report` renders the saved evidence the same three ways; returns the line
    counts (default, -v, -q) and the default text."""
    base = ("check", "--timeout", "500", "--retries", "0", *extra)
    runs = {lvl: world.run_dnsdeps(*base, *([lvl] if lvl else []),
                                   *(["--save-evidence", saved] if saved and not lvl else []),
                                   domain, timeout=120)
            for lvl in ("", "-v", "-q")}
    rc = {r.returncode for r in runs.values()}
    assert len(rc) == 1 and rc <= {0, 1, 2}, {k: (r.returncode, r.stderr) for k, r in runs.items()}
    text = runs[""].stdout
    lines = text.splitlines()
    # the verdict first: the status line, then the sentence
    assert lines[0].startswith(domain + "  "), text
    assert lines[0].split()[1] in ("OK", "WARNING", "CRITICAL", "UNKNOWN"), text
    # what needs action (only when something does), then one line per layer
    layers = lines[lines.index("Layers:") + 1:]
    assert [ln.split()[0] for ln in layers] == TEXT_LAYERS, text
    if "Needs action (" in text:
        assert text.index("Needs action (") < text.index("\nLayers:"), text
        advice = [ln.strip() for ln in lines if ln.strip().startswith("-> ")]
        assert len(advice) == len(set(advice)), text  # each advice once
    else:
        assert lines[0].split()[1] == "OK", text
    assert "Delegation, from the root down" not in text and "\nFindings\n" not in text
    assert 8 <= len(lines) <= 25, (len(lines), text)
    # -v: today's full tables, after the same verdict
    full = runs["-v"].stdout
    assert full.splitlines()[:2] == lines[:2]
    assert "Delegation, from the root down" in full and "\nFindings\n" in full
    assert len(full.splitlines()) > len(lines)
    # -q: the verdict line alone
    quiet = runs["-q"].stdout.splitlines()
    assert quiet == [lines[0] + "  " + lines[1]], runs["-q"].stdout
    if saved:  # report: the same text from the saved evidence (-v has RTTs: other runs)
        for lvl, r in runs.items():
            again = world.run_dnsdeps("report", *([lvl] if lvl else []), saved, hints=False)
            assert again.returncode == r.returncode, (lvl, again.stderr)
            if lvl == "-v":
                assert again.stdout.splitlines()[:2] == lines[:2]
                assert "Delegation, from the root down" in again.stdout
            else:
                assert again.stdout == r.stdout, lvl
    return (len(lines), len(full.splitlines()), len(quiet)), text
