#!/usr/bin/python3
"""layers.py: the includes keep to docs/architecture.md's layering. Each rule
names a folder of src/ and the headers its files must not include; a file
that does fails the test with its line. (The probe records the trust anchor
from src/evidence and never includes the validator, src/dnssec; only
src/net includes uv.h; src/audit, src/zone and src/reg compute and
src/report renders them.)

usage: layers.py SRCDIR"""
import os
import re
import sys

# folder -> include prefixes it must not use
FORBIDDEN = {
    "core": ["net/", "dns/", "probe/", "evidence/", "dnssec/", "checks/", "report/", "cli/"],
    "dns": ["net/", "probe/", "evidence/", "dnssec/", "checks/", "report/", "cli/", "uv.h"],
    "evidence": ["net/", "probe/", "dnssec/", "checks/", "report/", "cli/", "uv.h"],
    "probe": ["dnssec/", "checks/", "report/", "cli/", "uv.h"],
    "dnssec": ["net/", "probe/", "checks/", "report/", "cli/", "uv.h"],
    "checks": ["net/", "probe/", "report/", "cli/", "uv.h"],
    "report": ["net/", "probe/", "cli/", "uv.h"],
    # they compute, report/ renders (and the audit driver is handed its
    # line renderer), so none of them includes report/
    "audit": ["report/", "cli/"],
    "zone": ["report/", "cli/"],
    "reg": ["report/", "cli/"],
}
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]')


def main():
    src = sys.argv[1]
    bad = []
    for folder, banned in FORBIDDEN.items():
        for name in sorted(os.listdir(os.path.join(src, folder))):
            if not name.endswith((".c", ".h")):
                continue
            path = os.path.join(src, folder, name)
            with open(path, encoding="utf-8") as fh:
                for no, line in enumerate(fh, 1):
                    m = INCLUDE.match(line)
                    if m and any(m.group(1).startswith(b) for b in banned):
                        bad.append("%s:%d: src/%s must not include %s"
                                   % (path, no, folder, m.group(1)))
    for b in bad:
        print(b)
    print("%d include(s) against the layering" % len(bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
