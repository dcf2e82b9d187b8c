"""test_check: `dnsdeps check` in every scenario world, one case per [[expect]] block.

Each case runs `check --json` and asserts the verdict (status, layer), the exit
status and the mandatory/forbidden finding codes, then runs the text report and
asserts it opens with the domain and the same verdict, with no raw control
characters. The other tests keep the spec honest: every code of
docs/findings.md is mandatory somewhere (or allow-listed with a reason), every
code the spec names exists, and every check_*.toml world is used.
"""

import glob
import json
import os
import re

import pytest

import checkspec as cs
from helpers import SCENARIOS
from minternet.demo import EXPECTED_NS

CASES = cs.cases()
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")  # all but \n


@pytest.fixture(scope="module")
def worlds():
    w = cs.Worlds()
    yield w
    w.close()


def run(world, case, json_output, save=None):
    argv = case.argv(json_output)
    if save:
        argv[1:1] = ["--save-evidence", save]
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}  # no colour: not a tty
    r = world.run_dnsdeps(*argv, timeout=60, env=env)
    where = f"dnsdeps {' '.join(argv)} (exit {r.returncode})"
    return r, where


def check_doc(doc, case, where):
    """The check/1 object's shape, and what a verdict must always be."""
    assert doc.get("schema") == "dnsdeps.check/1", where
    assert doc.get("domain") == case.domain, where
    v = doc["verdict"]
    assert v["status"] in cs.EXIT_FOR_STATUS and v["layer"] in cs.LAYERS, where
    assert isinstance(v["summary"], str) and v["summary"] and "\n" not in v["summary"], where
    for f in doc["findings"]:
        assert set(f) >= {"code", "severity", "layer", "message", "advice"}, f
        assert f["severity"] in cs.SEVERITIES and f["layer"] in cs.LAYERS, f
        assert f["message"] and "\n" not in f["message"], f
    for f in doc["findings"]:  # the advice is said once, after the message
        assert f["advice"][:40].lower() not in f["message"].lower(), f"{where}: {f}"
    said_once(doc, where)
    if v["status"] == "ok":
        serious = [f["code"] for f in doc["findings"]
                   if cs.SEVERITIES.index(f["severity"]) >= cs.SEVERITIES.index("warning")]
        assert not serious, f"{where}: status ok with findings {serious}"


def said_once(doc, where):
    """One fact, said once, and counted as it is: the summary's "(N more
    problems and M notices)" matches the list; a network or operator
    a diversity finding names is not a DEPS_SPOF_* finding too."""
    sev = [f["severity"] for f in doc["findings"]]
    problems = sum(cs.SEVERITIES.index(s) >= cs.SEVERITIES.index("warning") for s in sev)
    notices = sev.count("notice")
    summary = doc["verdict"]["summary"]
    assert "more finding" not in summary, f"{where}: {summary}"
    m = re.search(r"\((\d+) more problems?(?: and (\d+) notices?)?\)", summary)
    if m:
        assert int(m.group(1)) == problems - 1, f"{where}: {problems} problems: {summary}"
        assert int(m.group(2) or 0) == notices, f"{where}: {notices} notices: {summary}"
    m = re.search(r"\((\d+) notices?\)", summary)
    if m and "problem" not in summary[m.start():]:
        assert int(m.group(1)) == notices, f"{where}: {notices} notices: {summary}"
    msgs = {f["code"]: f["message"] for f in doc["findings"]}
    for f in doc["findings"]:
        if f["code"] == "DEPS_SPOF_NETWORK":
            net = f["message"].split(" is a single point")[0].split()[-1]
            for code in ("ADDR_ONE_PREFIX_V4", "ADDR_ONE_PREFIX_V6"):
                assert not msgs.get(code, "").endswith(" " + net), f"{where}: {net} said twice"
        if f["code"] == "DEPS_SPOF_OPERATOR" and "NS_ONE_OPERATOR" in msgs:
            op = f["message"].split(" is a single point")[0].split()[-1]
            assert f" under {op}:" not in msgs["NS_ONE_OPERATOR"], f"{where}: {op} said twice"


def spofs_grouped(text, where):
    """What fails as one is one entry of the text's single points of failure:
    no two entries carry the same advice."""
    if "  single points of failure\n" not in text:
        return
    part = text.split("  single points of failure\n", 1)[1].split("  hijack risks", 1)[0]
    advice = [line.strip() for line in part.splitlines() if line.strip().startswith("->")]
    assert len(advice) == len(set(advice)), f"{where}: one failure listed twice:\n{part}"


def usable_named(doc, saved, where):
    """"every usable nameserver of X (NS a, b and c)" names no NS name that
    does not resolve (a dead name protects nothing)."""
    with open(saved, encoding="utf-8") as f:
        ev = json.load(f)
    dead = {n["name"] for n in ev["nameservers"]
            if n.get("resolution", {}).get("state") in ("nxdomain", "nodata") and not n["glue"]}
    for f in doc["findings"]:
        m = re.search(r"every usable nameserver of \S+ \(NS ([^)]*)\)", f["message"])
        if m:
            named = set(re.split(r", | and ", m.group(1)))
            assert not named & dead, f"{where}: {f['message']} names dead {named & dead}"


def codes_of(doc):
    return {f["code"] for f in doc["findings"]}


def explain(doc):
    lines = [f"verdict: {doc['verdict']['status']}/{doc['verdict']['layer']}: "
             f"{doc['verdict']['summary']}"]
    lines += [f"  {f['severity']:8} {f['code']}: {f['message']}" for f in doc["findings"]]
    return "\n".join(lines)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_check(worlds, case, tmp_path):
    world = worlds.get(case)
    r, where = run(world, case, json_output=True)
    try:
        doc = json.loads(r.stdout)
    except ValueError as e:
        raise AssertionError(f"{where}: not JSON ({e})\n{r.stdout}\n{r.stderr}") from None
    check_doc(doc, case, where)
    found = codes_of(doc)
    msg = f"{where}\n{case.why}\n{explain(doc)}"
    v = doc["verdict"]
    assert (v["status"], v["layer"]) == (case.status, case.layer), msg
    assert r.returncode == case.exit, msg
    assert not set(case.mandatory) - found, f"missing {sorted(set(case.mandatory) - found)}\n{msg}"
    assert not set(case.forbidden) & found, f"forbidden {sorted(set(case.forbidden) & found)}\n{msg}"
    for s in case.summary:
        assert s in v["summary"], msg

    saved = str(tmp_path / "evidence.json")
    t, twhere = run(world, case, json_output=False, save=saved)
    assert t.returncode == r.returncode, f"{twhere}: exit differs from --json's {r.returncode}"
    # `report` judges the saved evidence offline and prints exactly what check printed.
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    rep = world.run_dnsdeps("report", saved, hints=False, timeout=60, env=env)
    assert (rep.returncode, rep.stdout) == (t.returncode, t.stdout), \
        f"dnsdeps report {saved} differs from {twhere}:\n{rep.stderr}\n{rep.stdout}"
    asked_once(saved, twhere)
    summary_claims_hold(v["summary"], saved, twhere)
    usable_named(doc, saved, twhere)
    spofs_grouped(t.stdout, twhere)
    bad = sorted({hex(ord(ch)) for ch in CONTROL.findall(t.stdout)})
    assert not bad, f"{twhere}: raw control characters {bad} in the text report:\n{t.stdout!r}"
    first = t.stdout.split("\n", 1)[0].split()
    assert first[:2] == [case.domain, case.status.upper()], f"{twhere}:\n{t.stdout}"
    if case.layer != "none":
        assert f"(layer: {case.layer})" in t.stdout.split("\n", 1)[0], f"{twhere}:\n{t.stdout}"
    # Text escapes what came from the network as src/core/esc.c does (a
    # backslash doubled, so an escape in a name cannot pass for another).
    shown = terminal_escape(v["summary"])
    assert " ".join(shown.split()) in " ".join(t.stdout.split()), \
        f"{twhere}: the text report lacks the verdict's summary\n{t.stdout}"


def _soa(server):
    """The SOA response that decides a server's fate (src/checks/common.c)."""
    return server["soa_udp"] if server["soa_udp"]["state"] != "skipped" else server["soa_tcp"]


def summary_claims_hold(summary, saved, where):
    """A verdict's sentence claims only what the evidence shows: each phrase
    about servers answering, not answering, timing out or not being asked
    must match the exchanges and responses saved with it."""
    with open(saved, encoding="utf-8") as f:
        doc = json.load(f)
    servers = [s for ns in doc["nameservers"] for s in ns["servers"]]
    asked = [s for s in servers if _soa(s)["state"] != "skipped"]
    good = [s for s in asked if _soa(s)["state"] == "answer" and _soa(s)["aa"]]
    results = {x["result"] for x in doc["exchanges"]}
    msg = f"{where}: the summary claims what the evidence does not show\n{summary}"
    if "still answer" in summary:
        assert good, msg
    m = re.search(r"none of the (\d+) nameserver address(?:es)? asked answers", summary)
    if m:
        assert int(m.group(1)) == len(asked) and asked and not good, msg
    if "no nameserver answers" in summary:  # asked, and silent or lame
        assert asked and not good, msg
    if "none was asked" in summary:
        assert not asked, msg
    if "timed out" in summary:
        assert "timeout" in results, msg
    m = re.search(r"NXDOMAIN from (\d+) of (\d+) servers", summary)
    if m:
        parent = [p for p in doc["parent"]["servers"]
                  if p["delegation"]["state"] != "skipped"]
        nx = [p for p in parent if p["delegation"]["state"] == "nxdomain"]
        assert (len(nx), len(parent)) == (int(m.group(1)), int(m.group(2))), msg


def test_check_of_the_root_is_a_usage_error(worlds):
    """`check .` said CRITICAL with an empty "NO_PARENT: " line; the root has no
    delegation to judge, so it is refused: exit 3, one line, nothing asked."""
    world = worlds.get(CASES[0])
    r = world.run_dnsdeps("check", "--json", *cs.TEST_ARGS, ".", timeout=60)
    assert r.returncode == 3 and r.stdout == "", (r.returncode, r.stdout)
    assert len(r.stderr.splitlines()) == 1 and "root zone" in r.stderr, r.stderr


def asked_once(saved, where):
    """One run asks a question of an address once (src/probe/probe.c): an
    exchange marked shared repeats an earlier one's question, address and
    outcome, and a question asked again over the network is one whose
    earlier reply may not be reused: a failure, or a reply with no record
    that has a TTL (BADVERS, REFUSED, NODATA without SOA)."""
    with open(saved, encoding="utf-8") as f:
        exchanges = json.load(f)["exchanges"]
    first = {}
    for x in exchanges:
        key = (x["address"], x.get("port", 53), x.get("protocol", "udp"), x["qname"].lower(),
               x["qtype"], json.dumps(x.get("query_edns"), sort_keys=True))
        if x.get("shared"):
            assert key in first, f"{where}: shared exchange {x['id']} repeats no earlier one"
            o = first[key]
            assert (x["result"], x.get("rcode"), x.get("size"), x.get("rtt_ms"), x["answer"]) == \
                (o["result"], o.get("rcode"), o.get("size"), o.get("rtt_ms"), o["answer"]), \
                f"{where}: shared exchange {x['id']} differs from {o['id']}"
        elif key in first:
            o = first[key]
            ttls = [int(rr.split("\t")[1]) for sec in ("answer", "authority", "additional")
                    for rr in o[sec] if "\tOPT\t" not in rr]
            assert o["result"] != "ok" or not ttls or min(ttls) == 0, \
                f"{where}: exchanges {first[key]['id']} and {x['id']} ask the same question twice"
            first[key] = x
        else:
            first[key] = x


def terminal_escape(s):
    """What dd_esc_msg makes of a summary or a message (src/core/esc.c): a name's
    escape as dd_esc_name writes it (\\DDD as the byte: \\xHH when not printable;
    \\\\ and \\. kept), the rest as dd_esc: printable text kept, a backslash
    doubled, control characters and bidi overrides as \\xHH per UTF-8 byte."""
    out = []
    i = 0
    while i < len(s):
        ch = s[i]
        m = re.match(r"\\([0-2][0-9][0-9])", s[i:])
        if m and int(m.group(1)) < 256:
            v = int(m.group(1))
            out.append("\\" + chr(v) if chr(v) in ".\\" else chr(v) if 0x20 < v < 0x7f
                       else "\\x%02x" % v)
            i += 4
            continue
        if ch == "\\" and s[i + 1:i + 2] in (".", "\\"):
            out.append(s[i:i + 2])
            i += 2
            continue
        cp = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif cp < 0x20 or cp == 0x7f or 0x80 <= cp <= 0x9f or 0x202a <= cp <= 0x202e \
                or 0x2066 <= cp <= 0x2069:
            out.append("".join("\\x%02x" % b for b in ch.encode()))
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def test_a_name_is_escaped_once_in_sentences(worlds):
    """A server-supplied NS name with an ESC in a label (ldns: ns\\027[1m.gone.test.)
    is shown as ns\\x1b[1m.gone.test. in the findings' sentences as in the name
    columns: one escaping, never the doubled "\\\\027" a literal backslash would
    give; no raw control byte reaches the terminal."""
    case = next(c for c in CASES if c.domain == "nsnx.test.")
    world = worlds.get(case)
    r = world.run_dnsdeps(*case.argv(False), timeout=60)
    assert "ns\\x1b[1m.gone.test." in r.stdout, r.stdout
    assert "\\027" not in r.stdout and "\x1b" not in r.stdout, r.stdout
    sentences = [ln for ln in r.stdout.splitlines() if "gone.test" in ln and " " in ln.strip()]
    assert any("\\x1b" in ln for ln in sentences), r.stdout


# ---- the spec itself -------------------------------------------------------------------

def other_suites_mandatory():
    """Codes asserted by the suites of OTHER_SUITES (each code named in its
    file: in a SPEC table or in an assertion)."""
    found = set()
    here = os.path.dirname(os.path.abspath(__file__))
    for prefix, name in cs.OTHER_SUITES.items():
        with open(os.path.join(here, name), encoding="utf-8") as f:
            found |= set(re.findall(r'"(%s[A-Z0-9_]+)"' % prefix, f.read()))
    return found


def test_every_documented_code_has_a_scenario():
    documented = cs.documented_codes()
    assert len(documented) >= 30, f"only {len(documented)} codes read from {cs.FINDINGS_DOC}"
    mandatory = {code for c in CASES for code in c.mandatory} | other_suites_mandatory()
    missing = sorted(set(documented) - mandatory - set(cs.NOT_FROM_SCENARIOS))
    assert not missing, f"codes without a scenario that makes them mandatory: {missing}"
    stale = sorted(set(cs.NOT_FROM_SCENARIOS) & mandatory)
    assert not stale, f"allow-listed, yet a scenario makes them mandatory: {stale}"


def test_spec_names_only_documented_codes():
    documented = cs.documented_codes()
    named = {code for c in CASES for code in c.mandatory + c.forbidden}
    named |= set(cs.NOT_FROM_SCENARIOS)
    assert not named - set(documented), f"not in docs/findings.md: {sorted(named - set(documented))}"
    for c in CASES:
        both = set(c.mandatory) & set(c.forbidden)
        assert not both, f"{c.id}: both mandatory and forbidden: {sorted(both)}"


def test_documented_severity_and_layer_are_known():
    for code, (sev, layer) in cs.documented_codes().items():
        assert sev in cs.SEVERITIES and layer in cs.LAYERS, (code, sev, layer)


def test_spec_cases_are_well_formed():
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids)), "two cases with one id"
    for c in CASES:
        assert c.status in cs.EXIT_FOR_STATUS and c.layer in cs.LAYERS, c.id
        assert c.domain.endswith("."), f"{c.id}: write domains fully qualified"
        cs.scenario_path(c.file)
    statuses = {(c.status, c.layer) for c in CASES}
    assert ("ok", "none") in statuses
    purism = [c for c in CASES if c.file == "purism.toml" and c.variant == "outage"
              and c.domain == "puri.sm."]
    assert purism and purism[0].status == "critical" and purism[0].layer == "registration" \
        and "PARENT_NXDOMAIN_ALL" in purism[0].mandatory
    # the case checks the nameservers the owner knows, as `dnsdeps demo` does
    assert purism[0].args == [a for ns in EXPECTED_NS["puri.sm."] for a in ("--ns", ns)]


def test_every_check_world_is_in_the_spec():
    files = {os.path.basename(p) for p in glob.glob(os.path.join(SCENARIOS, "check_*.toml"))}
    assert files, "no check_*.toml scenarios"
    have = set(cs.spec())
    assert files <= have, f"worlds without [[expect]]: {sorted(files - have)}"
