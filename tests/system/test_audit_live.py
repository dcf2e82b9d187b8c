"""test_audit_live: `dnsdeps audit` on a generated world of 200 domains, one in five
broken on purpose (bench/live_world.py: lame, half-dead, undelegated, NS names that
do not exist): per-domain verdicts, the same objects as `check --json`, the summary
recomputed from the lines, CSV, bad input lines, --resume (also after a cut line),
Ctrl-C mid-run, and --zone FILE --live."""

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest

from helpers import REPO
from minternet import default_dnsdeps

sys.path.insert(0, os.path.join(REPO, "bench"))
from live_world import LiveWorld, portfolio  # noqa: E402

NOW = "2026-01-01T00:00:00Z"
OPTS = ("--timeout", "500", "--retries", "0", "--qps", "0", "--no-progress", "--now", NOW)

# kind of domain -> (status, layer, codes that must be there)
EXPECT = {
    "ok": ("ok", "none", set()),
    "vanity": ("ok", "none", set()),
    "two-ops": ("ok", "none", set()),
    "lame": ("critical", "nameservers", {"SERVERS_ALL_LAME", "SERVER_REFUSED"}),
    "half-dead": ("warning", "nameservers", {"SERVER_UNREACHABLE"}),
    "undelegated": ("critical", "registration", {"PARENT_NXDOMAIN_ALL"}),
    "ns-nxdomain": ("critical", "nameservers", {"NS_NAME_NXDOMAIN"}),
}
IDN = "bücher.shop"
IDN_ACE = "xn--bcher-kva.shop."
BAD_LINES = ["bad..name.shop", "two words.shop", "x" * 70 + ".shop"]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    data, domains, kinds = portfolio(200, n_ops=8, broken=0.2, seed=7)
    d = tmp_path_factory.mktemp("audit")
    with LiveWorld.from_dict(data, source="test_audit_live") as w:
        w.domains, w.kinds, w.tmp = domains, kinds, d
        w.tld_zone = {z["origin"]: z["records"] for z in data["zone"]}
        lines = ["# a portfolio", ""]
        for i, name in enumerate(domains):
            lines.append(name.rstrip(".") if i % 2 else name.upper())
            if i == 10:
                lines += ["   # indented comment", IDN + "   # an IDN"] + BAD_LINES
        w.list = d / "domains.txt"
        w.list.write_text("\n".join(lines) + "\n", encoding="utf-8")
        yield w


def audit(world, *args, timeout=120):
    return world.run_dnsdeps("audit", *OPTS, *args, timeout=timeout)


def jsonl(text):
    return [json.loads(line) for line in text.splitlines()]


@pytest.fixture(scope="module")
def run(world):
    summary = world.tmp / "summary.json"
    r = audit(world, "--summary-json", str(summary), str(world.list))
    assert r.returncode == 2, r.stderr  # some domains are critical
    return r, jsonl(r.stdout), json.loads(summary.read_text())


def codes(doc):
    return {f["code"] for f in doc["findings"]}


def test_one_line_per_domain(world, run):
    _, docs, _ = run
    seen = Counter(d["domain"] for d in docs)
    assert set(seen) == set(world.domains) | {IDN_ACE}
    assert max(seen.values()) == 1
    assert all(d["schema"] == "dnsdeps.check/1" and d["judged_at"] == NOW for d in docs)


def test_verdicts_per_kind(world, run):
    _, docs, _ = run
    for d in docs:
        if d["domain"] == IDN_ACE:
            assert d["verdict"]["status"] == "critical"
            assert d["verdict"]["layer"] == "registration"
            continue
        kind = world.kinds[d["domain"]]
        status, layer, must = EXPECT[kind]
        assert (d["verdict"]["status"], d["verdict"]["layer"]) == (status, layer), (kind, d)
        assert must <= codes(d), (kind, d["findings"])
    assert Counter(world.kinds.values())["lame"] >= 5  # the world has every kind


def test_bad_lines_are_reported_and_skipped(world, run):
    r, _, summary = run
    for i, bad in enumerate(BAD_LINES):
        line = 2 + 11 + 2 + i + 1  # header lines, 11 domains, comment, IDN
        assert f"domains.txt:{line}:" in r.stderr, r.stderr
    assert summary["domains"]["bad_lines"] == len(BAD_LINES)
    assert "'two words.shop'" in r.stderr


def test_same_objects_as_check(world, run):
    _, docs, _ = run
    by = {d["domain"]: d for d in docs}
    sample = [next(n for n in world.domains if world.kinds[n] == k) for k in EXPECT]
    r = world.run_dnsdeps("check", "--json", "--jsonl", "--timeout", "500", "--retries", "0", "--now", NOW,
                          *sample)
    for c in jsonl(r.stdout):
        a = by[c["domain"]]
        assert a["verdict"] == c["verdict"]
        assert [(f["code"], f["severity"], f["layer"]) for f in a["findings"]] == \
            [(f["code"], f["severity"], f["layer"]) for f in c["findings"]]
        for k in ("parent_zone", "parent_ns", "child_ns"):
            assert a["delegation"][k] == c["delegation"][k]
        assert set(a) == set(c)


def operator(ns):
    return ".".join(ns.rstrip(".").split(".")[-2:]) + "."


def test_summary_matches_the_lines(run):
    _, docs, s = run
    assert s["schema"] == "dnsdeps.auditsummary/1"
    assert s["domains"]["checked"] == len(docs) and not s["domains"]["interrupted"]
    assert s["status"] == {k: n for k, n in {**{k: 0 for k in s["status"]},
                                             **Counter(d["verdict"]["status"] for d in docs)}.items()}
    layers = Counter(d["verdict"]["layer"] for d in docs)
    assert {k: v for k, v in s["layer"].items() if v} == dict(layers)
    per_code = Counter(c for d in docs for c in codes(d))
    assert {f["code"]: f["domains"] for f in s["findings"]} == dict(per_code)
    ops = Counter(o for d in docs for o in {operator(n) for n in
                                          d["delegation"]["parent_ns"] + d["delegation"]["child_ns"]})
    top = s["operators"]["top"]
    assert s["operators"]["total"] == len(ops)
    assert [(t["operator"], t["domains"]) for t in top] == \
        sorted(ops.items(), key=lambda kv: (-kv[1], kv[0]))[:20]
    assert abs(top[0]["share"] - top[0]["domains"] / len(docs)) < 1e-6
    # No registry answers in the test bed: every registrar is unknown.
    assert s["registrars"] == {"total": 0, "unknown": len(docs), "top": []}
    assert s["performance"]["queries"] > 0


def test_text_summary_on_stderr(run):
    r, docs, s = run
    assert f"audit: {len(docs)} domains checked" in r.stderr
    assert f"registrars (0 in all; not known for {len(docs)} domains)" in r.stderr
    crit = s["status"]["critical"]
    assert f"critical {crit} (" in r.stderr


def test_csv(world, run):
    _, docs, _ = run
    out = world.tmp / "out.csv"
    r = audit(world, "--csv", "--output", str(out), str(world.list))
    assert r.returncode == 2, r.stderr
    raw = out.read_bytes()
    assert raw.endswith(b"\r\n") and r.stdout == ""
    rows = list(csv.reader(io.StringIO(raw.decode("ascii"), newline="")))
    assert rows[0] == ["domain", "status", "layer", "top_finding", "expiry", "registrar",
                       "ns_count", "operators", "spofs"]
    by = {d["domain"]: d for d in docs}
    assert sorted(r[0] for r in rows[1:]) == sorted(by)
    for row in rows[1:]:
        assert len(row) == 9
        d = by[row[0]]
        ns = set(d["delegation"]["parent_ns"]) | set(d["delegation"]["child_ns"])
        assert row[1:3] == [d["verdict"]["status"], d["verdict"]["layer"]]
        assert row[3] == (d["findings"][0]["code"] if d["findings"] else "")
        assert row[4:6] == ["unknown", "unknown"]
        assert int(row[6]) == len(ns)
        assert set(row[7].split()) == {operator(n) for n in ns}


def test_csv_spofs(world, tmp_path):
    """The SPOF column names the subjects of the DEPS_SPOF_* findings (not the inherent
    one). Which lookup records what depends on which domain shares the run's cache
    first, so both runs go one domain at a time, in the same order."""
    sample = tmp_path / "sample.txt"
    sample.write_text("\n".join(world.domains[:25]) + "\n")
    one = ("--concurrency", "1", str(sample))
    r = audit(world, "--csv", *one)
    rows = list(csv.reader(io.StringIO(r.stdout, newline="")))[1:]
    docs = {d["domain"]: d for d in jsonl(audit(world, *one).stdout)}
    assert len(rows) == 25 and set(docs) == {row[0] for row in rows}
    with_spofs = 0
    for row in rows:
        findings = docs[row[0]]["findings"]
        spofs = [f["message"].split(" is a single point of failure")[0] for f in findings
                 if f["code"].startswith("DEPS_SPOF_") and f["code"] != "DEPS_SPOF_INHERENT"]
        said = [f["message"] for f in findings
                if f["code"] in ("NS_ONE_OPERATOR", "ADDR_ONE_PREFIX_V4", "ADDR_ONE_PREFIX_V6")]
        column = row[8].split("; ") if row[8] else []
        # every finding's subject is in the column, in its order; what the column has
        # besides is a fact a diversity finding states already (said once)
        assert [c for c in column if c in spofs] == spofs, row[0]
        for c in column:
            name = c.split(" ", 1)[-1]
            assert c in spofs or any(f" {name}" in m for m in said), (row[0], c)
        with_spofs += bool(spofs)
    assert with_spofs > 0


def test_resume_after_a_cut_line(world, run):
    _, docs, _ = run
    out = world.tmp / "resume.jsonl"
    lines = [json.dumps(d) for d in docs[:50]]
    out.write_text("\n".join(lines) + "\n" + json.dumps(docs[50])[:100])  # a crash cut the last line
    summary = world.tmp / "resume-summary.json"
    r = audit(world, "--resume", str(out), "--summary-json", str(summary), str(world.list))
    assert r.returncode == 2, r.stderr
    again = jsonl(out.read_text())
    seen = Counter(d["domain"] for d in again)
    assert set(seen) == {d["domain"] for d in docs} and max(seen.values()) == 1
    s = json.loads(summary.read_text())
    assert s["domains"]["skipped"] == 50
    assert s["domains"]["checked"] == len(docs) - 50
    # the summary covers the whole file: the 50 resumed results count too
    assert s["domains"]["resumed"] == 50 and s["domains"]["total"] == len(docs)
    whole = json.loads((world.tmp / "summary.json").read_text())
    assert s["status"] == whole["status"], (s["status"], whole["status"])


def test_resume_judges_the_whole_file(world, run, tmp_path):
    """A critical domain checked before the resume still sets the exit status."""
    _, docs, _ = run
    crit = next(d for d in docs if d["verdict"]["status"] == "critical")
    fine = [d["domain"] for d in docs if d["verdict"]["status"] == "ok"][:2]
    lst = tmp_path / "l.txt"
    lst.write_text("\n".join([crit["domain"], *fine]) + "\n")
    out = tmp_path / "out.jsonl"
    out.write_text(json.dumps(crit) + "\n")
    summary = tmp_path / "s.json"
    r = audit(world, "--resume", str(out), "--summary-json", str(summary), str(lst))
    assert r.returncode == 2, r.stderr
    s = json.loads(summary.read_text())
    assert s["domains"]["checked"] == 2 and s["domains"]["total"] == 3
    assert "the summary and the exit status cover 3" in r.stderr


def test_resume_refuses_to_mix_formats(world, tmp_path):
    out = tmp_path / "x.jsonl"
    out.write_text('{"schema":"dnsdeps.check/1","domain":"a.shop.","verdict":{}}\n')
    r = audit(world, "--csv", "--resume", str(out), str(world.list))
    assert r.returncode == 3 and "same format" in r.stderr


def test_ctrl_c_leaves_a_valid_partial_output(world):
    out = world.tmp / "partial.jsonl"
    summary = world.tmp / "partial-summary.json"
    argv = [world.dnsdeps or default_dnsdeps(), "audit",
            "--root-hints", world.root_hints, *OPTS, "--qps", "100", "--concurrency", "4",
            "--output", str(out), "--summary-json", str(summary), str(world.list)]
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (not out.exists() or out.read_text().count("\n") < 10):
        time.sleep(0.05)
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=30)
    assert p.returncode == 130, err
    assert "interrupted" in err
    docs = jsonl(out.read_text())  # every line whole and valid
    assert 10 <= len(docs) < 200
    s = json.loads(summary.read_text())
    assert s["domains"]["interrupted"] and s["domains"]["checked"] == len(docs)
    # ... and --resume finishes the job.
    r = audit(world, "--resume", str(out), str(world.list))
    assert r.returncode == 2, r.stderr
    seen = Counter(d["domain"] for d in jsonl(out.read_text()))
    assert len(seen) == 201 and max(seen.values()) == 1


def test_zone_live(world, run):
    _, docs, _ = run
    zone = world.tmp / "shop.zone"
    zone.write_text("$ORIGIN shop.\n$TTL 3600\n@ SOA ns1.nic.shop. h.shop. 1 2 3 4 5\n"
                    "@ NS ns1.nic.shop.\n" + world.tld_zone["shop."])
    r = audit(world, "--zone", str(zone), "--live")
    got = jsonl(r.stdout)
    delegated = {line.split()[0] if line.split()[0].endswith(".") else line.split()[0] + ".shop."
                 for line in world.tld_zone["shop."].splitlines()
                 if " NS " in line and not line.startswith("@")}
    assert {d["domain"] for d in got} == delegated
    by = {d["domain"]: d for d in docs}
    for d in got:
        if d["domain"] in by:
            assert d["verdict"] == by[d["domain"]]["verdict"]
    assert r.returncode == 2, r.stderr


def test_live_options_need_live_with_zone(world, tmp_path):
    z = tmp_path / "z.zone"
    z.write_text("$ORIGIN shop.\n@ 3600 SOA a. b. 1 2 3 4 5\n@ NS a.\n")
    r = world.run_dnsdeps("audit", "--zone", str(z), "--concurrency", "3", hints=False)
    assert r.returncode == 3 and "--live" in r.stderr


def test_one_run_walks_a_shared_nameserver_once(world, tmp_path):
    """Two domains of one TLD at the same operator, checked in one run: the dependency walk of
    their nameservers is made once and handed to the other domain (walk_shared), with
    the same findings about it, and no question is asked twice over the network."""
    ok = [d for d in world.domains if world.kinds[d] == "ok"]
    by_ns = {}
    for d in ok:
        recs = [r for r in world.tld_zone[d.split(".", 1)[1]].splitlines()
                if r.startswith(d + " NS ")]
        key = (d.split(".", 1)[1],) + tuple(sorted(r.split()[-1] for r in recs))
        by_ns.setdefault(key, []).append(d)
    pair = next(v[:2] for v in by_ns.values() if len(v) >= 2)
    pattern = str(tmp_path / "ev-%s.json")
    r = subprocess.run([default_dnsdeps(), "check", "--root-hints", world.root_hints,
                        "--timeout", "500", "--retries", "0", "--no-registration", "--json",
                        "--save-evidence", pattern, *pair], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    evs = [json.load(open(pattern.replace("%s", d.rstrip(".")), encoding="utf-8"))
           for d in pair]
    hosts = [{h["name"]: h for h in ev["dependencies"]["hosts"]} for ev in evs]
    assert set(hosts[0]) == set(hosts[1])
    shared = [n for n in hosts[0] if hosts[0][n].get("walk_shared") or
              hosts[1][n].get("walk_shared")]
    assert shared, "no nameserver walk was shared between the two domains"
    for n in shared:
        # Made for one domain, reused by the other: never both.
        assert not (hosts[0][n].get("walk_shared") and hosts[1][n].get("walk_shared")), n
        a, b = hosts[0][n], hosts[1][n]
        assert (a["zone"], a["state"], a["addresses"]) == (b["zone"], b["state"],
                                                            b["addresses"]), n
    seen = {}
    for ev in evs:
        for x in ev["exchanges"]:
            if x.get("shared") or x["result"] != "ok":
                continue
            key = (x["address"], x.get("protocol", "udp"), x["qname"].lower(), x["qtype"],
                   json.dumps(x.get("query_edns"), sort_keys=True))
            assert key not in seen, f"asked twice in one run: {key}"
            seen[key] = x



# ---- the input is looked at before any query (issue 13, issue 17) -----------------

def test_refused_inputs_before_any_query(world, tmp_path):
    nul = tmp_path / "nul.bin"
    nul.write_bytes(b"\0" * 1_000_000)
    noise = tmp_path / "noise.txt"
    noise.write_text("hello world\nthis is prose\nnot a list\n" + world.domains[0] + "\n")
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing\n\n")
    for path, why in [("/dev/zero", "binary input"), (str(nul), "binary input"),
                      (str(noise), "3 of 4 lines are not domain names"),
                      (str(empty), "no domain names in the list"),
                      (str(tmp_path / "missing"), "No such file or directory")]:
        t0 = time.monotonic()
        r = audit(world, path, timeout=20)
        assert r.returncode == 3, (path, r.returncode, r.stderr)
        assert r.stdout == "" and len(r.stderr.splitlines()) == 1, (path, r.stderr)
        assert why in r.stderr, (path, r.stderr)
        assert time.monotonic() - t0 < 10, path


def test_binary_input_on_a_pipe(world):
    argv = [world.dnsdeps or default_dnsdeps(), "audit", "--root-hints", world.root_hints,
            *OPTS, "-"]
    p = subprocess.run(argv, input=b"example.shop\n\0\0\0", capture_output=True, timeout=20)
    assert p.returncode == 3 and b"binary input" in p.stderr and p.stdout == b""


def test_duplicates_are_checked_once(world, tmp_path):
    names = world.domains[:3]
    lst = tmp_path / "dups.txt"
    lst.write_text("\n".join([names[0], names[1], names[0].upper(), names[2],
                              names[1].rstrip(".")]) + "\n")
    summary = tmp_path / "s.json"
    r = audit(world, "--summary-json", str(summary), str(lst))
    docs = jsonl(r.stdout)
    assert sorted(d["domain"] for d in docs) == sorted(names)
    s = json.loads(summary.read_text())
    assert s["domains"]["checked"] == 3 and s["domains"]["duplicates"] == 2
    assert "2 listed twice (dropped)" in r.stderr
