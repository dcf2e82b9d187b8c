#!/usr/bin/python3
"""make-fixtures: record the DNSSEC evidence fixtures of the unit tests from the test bed.

    sudo DNSDEPS=build/dnsdeps python3 tests/unit/data/dnssec/make-fixtures.py

Brings up tests/system/scenarios/dnssec.toml, runs `dnsdeps check --save-evidence`
for every case of tests/system/test_dnssec.py (plus good.test. with the built-in
trust anchor, which rejects the test bed's root), keeps only the sections check
gathers itself (no registration, no dependencies) and abridges the exchanges (their
record texts; the dnssec section keeps the records it judges), then judges the
result offline with `dnsdeps report --json`. A fixture is written to
tests/unit/data/evidence/dnssec-NAME.json, with its "expect" member (the exact
codes, status and layer test_checks asserts), only when that judgement agrees
with the case's verdict and mandatory and forbidden codes: the expectations come
from the spec, the run only fills in the codes the spec ignores (notices such as
NS_ONE_OPERATOR). The signatures keep their recorded times, and every document is
judged at its own time, so the fixtures stay valid forever.
"""

import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(HERE))))
sys.path.insert(0, os.path.join(REPO, "tests", "system"))

from minternet import World, netns  # noqa: E402
import test_dnssec as spec  # noqa: E402

KEEP = ("schema", "tool", "time", "domain", "options", "chain", "parent", "nameservers",
        "exchanges", "dnssec")
XKEEP = ("id", "server", "address", "protocol", "qname", "qtype", "result", "rcode", "flags")
OUT = os.path.join(REPO, "tests", "unit", "data", "evidence")


def abridge(doc):
    doc = {k: doc[k] for k in KEEP if k in doc}
    # The parent's DS answers keep their size and authority section: that is where
    # the NSEC/NSEC3 proof of "no DS" is, and the judge leaves an answer without them
    # unjudged.
    ds = {s["ds"]["exchange"] for s in doc.get("parent", {}).get("servers", [])
          if s.get("ds", {}).get("exchange") is not None}
    doc["exchanges"] = [{k: x[k] for k in XKEEP + (("size", "authority") if i in ds else ())
                         if k in x}
                        for i, x in enumerate(doc.get("exchanges", []))]
    return doc


def judge(world, path):
    r = world.run_dnsdeps("report", "--json", path, hints=False)
    return json.loads(r.stdout)


def main():
    netns.enter()
    # plain.test. -> plain, plain.deleg.test. -> plain-deleg
    cases = [("-".join(c["domain"].rstrip(".").split(".")[:-1]), c, True) for c in spec.SPEC]
    cases.append(("builtin-anchor", spec.case("good.test.", "critical", "dnssec",
                                               mandatory=["DNSSEC_CHAIN_BROKEN"],
                                               forbidden=spec.others("DNSSEC_CHAIN_BROKEN")),
                  False))
    with World.from_file(os.path.join(REPO, "tests", "system", "scenarios", "dnssec.toml")) as w, \
            tempfile.TemporaryDirectory() as tmp:
        for name, c, anchor in cases:
            raw = os.path.join(tmp, name + ".raw.json")
            w.run_dnsdeps("check", *spec.TEST_ARGS, "--save-evidence", raw, c["domain"],
                          anchor=anchor)
            with open(raw, encoding="utf-8") as f:
                doc = abridge(json.load(f))
            cut = os.path.join(tmp, name + ".json")
            with open(cut, "w", encoding="utf-8") as f:
                json.dump(doc, f)
            got = judge(w, cut)
            codes = sorted({f["code"] for f in got["findings"]})
            v = got["verdict"]
            problems = []
            if (v["status"], v["layer"]) != (c["status"], c["layer"]):
                problems.append(f"verdict {v['status']}/{v['layer']}")
            if set(c["mandatory"]) - set(codes) or set(c["forbidden"]) & set(codes):
                problems.append(f"codes {codes}")
            if problems:
                sys.exit(f"{name}: {', '.join(problems)} disagree with the spec {c}")
            doc["expect"] = {"codes": codes, "status": v["status"], "layer": v["layer"],
                             "why": c["why"] or "the test bed's good.test. judged from the "
                                                "built-in root KSKs"}
            dest = os.path.join(OUT, f"dnssec-{name}.json")
            with open(dest, "w", encoding="utf-8") as f:
                json.dump(doc, f, indent=1)
                f.write("\n")
            print(f"{dest}: {v['status']}/{v['layer']} {' '.join(codes)}")


if __name__ == "__main__":
    main()
