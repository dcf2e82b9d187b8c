"""test_audit_zone: `dnsdeps audit --zone` on the real .gov zone, with figures
recomputed independently (awk over the file, plain Python), and on small
zones written here: a hijackable NS domain, bad input, standard input.

No network: the audit is offline."""

import csv
import io
import json
import os
import subprocess

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
GOV = os.path.join(REPO, "tests", "data", "zones", "gov-2026-08-22.zone")
DNSDEPS = os.path.abspath(os.environ.get("DNSDEPS", os.path.join(REPO, "build", "dnsdeps")))


def audit(*args, stdin=None):
    return subprocess.run([DNSDEPS, "audit", *args], input=stdin, capture_output=True,
                          text=True, timeout=120)


def awk(program, path):
    return subprocess.run(["awk", program, path], capture_output=True, text=True,
                          check=True).stdout


@pytest.fixture(scope="module")
def gov_json():
    assert os.path.exists(GOV), f"the .gov zone is missing at {GOV}"
    r = audit("--zone", GOV, "--json")
    # .gov has in-bailiwick NS names without glue (exit 1) and no hijackable one.
    assert r.returncode == 1, r.stderr
    return json.loads(r.stdout)


@pytest.fixture(scope="module")
def gov_sets():
    """delegation -> set of NS names, read with plain Python (BIND export:
    absolute names, one record per line, owner TTL class type rdata)."""
    sets = {}
    with open(GOV) as f:
        for line in f:
            fields = line.split()
            if len(fields) == 5 and fields[3] == "NS" and fields[0].lower() != "gov.":
                sets.setdefault(fields[0].lower(), set()).add(fields[4].lower())
    return sets


def test_gov_counts_match_awk(gov_json):
    ns_lines = int(awk('$4 == "NS" { n++ } END { print n }', GOV))
    delegations = int(awk('$4 == "NS" && tolower($1) != "gov." { o[tolower($1)] = 1 } '
                          'END { for (k in o) n++; print n }', GOV))
    signed = int(awk('$4 == "DS" { o[tolower($1)] = 1 } END { for (k in o) n++; print n }', GOV))
    records = int(awk('!/^;/ && NF { n++ } END { print n }', GOV))
    ns_names = int(awk('$4 == "NS" { o[tolower($5)] = 1 } END { for (k in o) n++; print n }',
                       GOV))
    apex_ns = int(awk('$4 == "NS" && tolower($1) == "gov." { n++ } END { print n }', GOV))
    assert gov_json["schema"] == "dnsdeps.zoneaudit/1"
    assert gov_json["zone"] == "gov."
    assert gov_json["records"]["total"] == records
    assert gov_json["records"]["ns"] == ns_lines
    assert gov_json["delegations"]["total"] == delegations
    assert gov_json["delegations"]["signed"] == signed
    assert gov_json["ns_names"]["total"] == ns_names
    assert gov_json["ns_names"]["apex"] == apex_ns
    hist = gov_json["delegations"]["ns_count"]
    assert sum(hist.values()) == delegations


def test_gov_ns_shape_matches_python(gov_json, gov_sets):
    d = gov_json["delegations"]
    assert d["single_ns"] == sum(1 for s in gov_sets.values() if len(s) == 1)
    assert d["ns_count"]["2"] == sum(1 for s in gov_sets.values() if len(s) == 2)
    assert d["ns_count"]["6+"] == sum(1 for s in gov_sets.values() if len(s) >= 6)
    in_bailiwick_only = sum(1 for s in gov_sets.values() if all(n.endswith(".gov.") for n in s))
    assert d["in_bailiwick_only"] == in_bailiwick_only


def test_gov_concentration_matches_python(gov_json, gov_sets):
    """The top operators are plain two-label domains under com/net, so the
    suffix rule of Python below is exact for them."""
    ops = gov_json["operators"]
    top = ops["top"]
    total = len(gov_sets)
    for row in top[:3]:
        name = row["operator"]
        assert name.count(".") == 2 and name.split(".")[1] in ("com", "net", "org")
        users = sum(1 for s in gov_sets.values() if any(n.endswith("." + name) for n in s))
        assert row["delegations"] == users
        assert row["share"] == pytest.approx(users / total)
    # counts are sorted, most delegations first
    assert [r["delegations"] for r in top] == sorted((r["delegations"] for r in top),
                                                     reverse=True)
    for entry in ops["takedown"]:
        names = entry["operators"]
        assert len(names) == entry["top"]
        down = sum(1 for s in gov_sets.values()
                   if all(any(n.endswith("." + o) for o in names) for n in s))
        if all(o.count(".") == 2 for o in names):
            assert entry["delegations_down"] == down
    # a takedown by more operators can only take more delegations down
    downs = [e["delegations_down"] for e in ops["takedown"]]
    assert downs == sorted(downs)
    print("\n.gov concentration:", json.dumps(ops["takedown"], indent=1))


def test_gov_csv_one_row_per_delegation(gov_sets):
    r = audit("--zone", GOV, "--csv")
    assert r.returncode == 1, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert len(rows) == len(gov_sets)
    by_name = {row["delegation"]: row for row in rows}
    assert set(by_name) == set(gov_sets)
    for name in ("18f.gov.", "13thjudicialil.gov."):
        row = by_name[name]
        assert set(row["ns"].split()) == gov_sets[name]
        assert int(row["ns_count"]) == len(gov_sets[name])


def test_gov_text_report():
    r = audit("--zone", GOV, "--top", "3")
    assert r.returncode == 1, r.stderr
    assert "Zone gov.:" in r.stdout
    assert "If the top operator fails:" in r.stdout
    assert "records/s" in r.stdout


HIJACK_ZONE = """\
$ORIGIN example.
$TTL 3600
@        SOA  ns1.nic hostmaster.nic ( 1 7200 900 1209600 300 )
@        NS   ns1.nic
nic      NS   ns1.nic
ns1.nic  A    192.0.2.1
shop     NS   ns1.dnshost.example.   ; dnshost.example is not delegated
         NS   ns2.dnshost
news     NS   ns1.dnshost
mail     NS   ns1.provider.net.
         NS   ns1.dnshost
"""


def test_hijackable_ns_domain(tmp_path):
    zone = tmp_path / "hijack.zone"
    zone.write_text(HIJACK_ZONE)
    r = audit("--zone", str(zone), "--json")
    assert r.returncode == 2, r.stderr  # hijackable NS names: critical
    j = json.loads(r.stdout)
    h = j["hijack"]
    assert h["domains_total"] == 1
    assert h["domains"][0]["domain"] == "dnshost.example."
    assert sorted(h["domains"][0]["ns"]) == ["ns1.dnshost.example.", "ns2.dnshost.example."]
    assert h["domains"][0]["delegations"] == 3
    assert h["delegations"] == 3          # shop, news, mail
    assert h["delegations_all_ns"] == 2   # shop, news: nothing else to fall back on
    assert j["delegations"]["total"] == 4
    assert j["glue"]["missing_names"] == 2  # ns1/ns2.dnshost have no address
    r = audit("--zone", str(zone))
    assert r.returncode == 2
    assert "dnshost.example. (3 delegations): ns1.dnshost.example. ns2.dnshost.example." \
        in r.stdout


def test_stdin_and_origin(tmp_path):
    body = "$TTL 60\nfoo NS ns1.op.net.\nbar NS ns1.op.net.\n     NS ns2.op.net.\n"
    r = audit("--zone", "-", "--origin", "t", "--json", stdin=body)
    assert r.returncode == 0, r.stderr
    j = json.loads(r.stdout)
    assert j["zone"] == "t."
    assert j["delegations"]["total"] == 2
    assert j["operators"]["takedown"][0]["delegations_down"] == 2
    r = audit("--zone", "-", stdin=body.replace("foo", "foo.t."))
    assert r.returncode == 3
    assert "relative name with no origin" in r.stderr


@pytest.mark.parametrize("body,line,what", [
    ("$TTL 60\n@ SOA a. b. 1 2 3 4 5\nx NS ( ns.\n", 4, "'(' not closed"),
    ("$TTL 60\n@ SOA a. b. 1 2 3 4 5\n\nx 60 IN A 300.1.1.1\n", 4, "bad A address"),
    ("$INCLUDE /etc/passwd\n", 1, "$INCLUDE is not supported"),
    ("$TTL 60\nx 60 IN \x1b]0;pwned\x07 NS ns.\n", 2, "bad record type '\\x1b]0'"),
])
def test_bad_input_names_file_and_line(tmp_path, body, line, what):
    zone = tmp_path / "bad.zone"
    zone.write_bytes(body.encode())
    r = audit("--zone", str(zone), "--origin", "example")
    assert r.returncode == 3
    assert f"bad.zone:{line}: " in r.stderr
    assert what in r.stderr
    assert "\x1b" not in r.stderr and r.stdout == ""


def test_usage_errors(tmp_path):
    r = audit("--zone", str(tmp_path / "missing.zone"))
    assert r.returncode == 3 and "cannot open" in r.stderr
    r = audit("--zone", GOV, "--json", "--csv")
    assert r.returncode == 3 and "exclude each other" in r.stderr
    r = audit()
    assert r.returncode == 3 and "--zone" in r.stderr
    out = tmp_path / "report.json"
    r = audit("--zone", GOV, "--json", "--output", str(out))
    assert r.returncode == 1 and r.stdout == ""
    assert json.loads(out.read_text())["zone"] == "gov."


def test_origin_must_agree_with_the_soa(tmp_path):
    zone = tmp_path / "x.zone"
    zone.write_text("$ORIGIN foo.\n$TTL 60\n@ SOA ns1.example. h.example. 1 2 3 4 5\n"
                    "sub NS ns1.other.\n")
    r = audit("--zone", str(zone), "--origin", "example")
    assert r.returncode == 3 and r.stdout == ""
    assert "--origin example is not the owner of the zone's SOA record" in r.stderr
    assert audit("--zone", str(zone), "--origin", "foo").returncode == 0


def test_a_line_that_is_not_a_record(tmp_path):
    zone = tmp_path / "x.zone"
    zone.write_text("$TTL 60\n@ SOA ns1.example. h.example. 1 2 3 4 5\nsub NS ns1.other.\n"
                    "this is not a record\n")
    r = audit("--zone", str(zone), "--origin", "example")
    assert r.returncode == 3 and "x.zone:4: bad record type 'is'" in r.stderr, r.stderr
