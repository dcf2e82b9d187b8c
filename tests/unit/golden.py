#!/usr/bin/python3
"""golden.py: every saved evidence document under tests/unit/data renders
byte-identical text, JSON and graph output to the golden file recorded for it
(tests/unit/data/golden/<dir>/<name>.out). A refactoring of the renderers, the
checks or the evidence loader must not change a byte; a deliberate change
re-records with --update and shows up in the diff.

usage: golden.py DNSDEPS DATADIR [--update]"""
import json
import os
import subprocess
import sys

REPORT = [[], ["-v"], ["-q"], ["--format", "json"]]
GRAPH = [["--format", "text"], ["--format", "json"], ["--format", "dot"]]


def documents(data):
    for top, dirs, files in os.walk(data):
        dirs[:] = sorted(d for d in dirs if d != "golden")
        for f in sorted(files):
            if not f.endswith(".json"):
                continue
            path = os.path.join(top, f)
            with open(path, "rb") as fh:
                head = fh.read(200)
            if b'"dnsdeps.evidence/' in head:
                yield path


def run(cmd):
    env = dict(os.environ, NO_COLOR="1", TZ="UTC", LC_ALL="C")
    p = subprocess.run(cmd, capture_output=True, env=env, timeout=60)
    return (b"=== %s (exit %d)\n" % (" ".join(cmd[1:]).encode(), p.returncode)
            + p.stdout + b"--- stderr\n" + p.stderr)


def render(exe, data, path):
    rel = os.path.relpath(path, data)
    out = b""
    for args in REPORT:
        out += run([exe, "report", *args, rel])
    with open(path) as fh:
        if "dependencies" in json.load(fh):
            for args in GRAPH:
                out += run([exe, "graph", "--evidence", rel, *args])
    return out


def main():
    exe, data = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    update = "--update" in sys.argv[3:]
    os.chdir(data)  # paths in the output are relative: the same in any checkout
    golden = os.path.join(data, "golden")
    bad = seen = 0
    for path in documents(data):
        rel = os.path.relpath(path, data)
        gold = os.path.join(golden, rel[:-5] + ".out")
        got = render(exe, data, path)
        seen += 1
        if update:
            os.makedirs(os.path.dirname(gold), exist_ok=True)
            with open(gold, "wb") as fh:
                fh.write(got)
            continue
        try:
            with open(gold, "rb") as fh:
                want = fh.read()
        except FileNotFoundError:
            want = None
        if want != got:
            bad += 1
            print("DIFFERS: %s (golden %s)" % (rel, os.path.relpath(gold, data)))
    if seen == 0:
        print("no evidence documents found under", data)
        return 1
    print("%d documents, %d differ" % (seen, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
