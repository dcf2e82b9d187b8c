"""test_audit_queue: the distributed audit (`dnsdeps audit --queue`) on a real PostgreSQL 15
server (minternet/pgserver.py) and the generated world of bench/live_world.py (1,200
domains, one in five broken on purpose), compared with a single-process `dnsdeps audit`
of the same list:

- three workers, one killed with SIGKILL mid-run and started again under its name:
  exactly one row per domain, none missing, each with the verdict and findings of the
  single audit, and `--queue --wait` prints the same summary with the same exit status;
- enqueueing the same list again adds nothing;
- `--queue` alone before the end prints the progress and exits 75;
- the database restarted (pg_ctl restart) while two workers run: they keep their
  results, store them when it is back, and nothing is lost or stored twice; a
  `--queue --wait` started before the restart waits through it;
- the queue's usage errors.
"""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from helpers import REPO
from minternet import default_dnsdeps
from minternet.pgserver import Postgres

sys.path.insert(0, os.path.join(REPO, "bench"))
from live_world import LiveWorld, portfolio  # noqa: E402

N = 1200
NOW = "2026-01-01T00:00:00Z"
# Generous timeouts: the workers, the servers and the database share two CPUs here.
OPTS = ("--timeout", "2000", "--retries", "1", "--qps", "0", "--no-progress", "--now", NOW,
        "--no-registration", "--concurrency", "100")
NOT_DONE = 75
# The per-server limits are each worker's: a worker has up to --per-server queries in
# flight to an address and keeps 2 idle TCP connections to it (src/net/net.c), so three
# workers at the audit's default of 8 would exceed the 16 connections an NSD of the world
# takes (tcp-count), and its refusals would be findings (SERVER_NO_TCP) a single audit
# does not see. The fleet shares the servers' budget (docs/postgresql.md): 3 x (2 + 2),
# with room for the connections of the killed worker the kernel has not closed yet.
FLEET = ("--per-server", "2")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    data, domains, kinds = portfolio(N, n_ops=8, broken=0.2, seed=11)
    d = tmp_path_factory.mktemp("queue")
    with LiveWorld.from_dict(data, source="test_audit_queue") as w:
        w.domains, w.tmp = domains, d
        w.list = d / "domains.txt"
        w.list.write_text("\n".join(domains) + "\n", encoding="utf-8")
        yield w


@pytest.fixture(scope="module")
def pg():
    with Postgres() as p:
        yield p


def argv(world, *args):
    return [default_dnsdeps(), "audit", "--root-hints", world.root_hints, *args]


def run(world, *args, timeout=300):
    return subprocess.run(argv(world, *args), stdin=subprocess.DEVNULL, capture_output=True,
                          encoding="utf-8", errors="replace", timeout=timeout)


def verdicts(docs):
    """domain -> (status, layer, sorted codes)"""
    return {d["domain"]: (d["verdict"]["status"], d["verdict"]["layer"],
                          sorted({f["code"] for f in d["findings"]})) for d in docs}


def comparable(summary):
    """The summary without the run's own figures (time, queries, memory)."""
    return {k: v for k, v in summary.items() if k != "performance"}


@pytest.fixture(scope="module")
def single(world):
    """The single-process audit of the list: its lines, JSON summary and exit status."""
    sj = world.tmp / "single.json"
    r = run(world, *OPTS, "--summary-json", str(sj), str(world.list))
    assert r.returncode in (1, 2), r.stderr
    docs = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(docs) == N
    return verdicts(docs), json.loads(sj.read_text()), r.returncode


def enqueue(world, pg, job):
    r = run(world, "--queue", pg.uri, "--job", job, "--enqueue", str(world.list))
    assert r.returncode == 0, r.stderr
    return r.stderr


class Worker:
    def __init__(self, world, pg, job, name, logdir, *extra):
        self.log = open(os.path.join(logdir, f"{job}-{name}.log"), "a")
        self.p = subprocess.Popen(argv(world, *OPTS, "--queue", pg.uri, "--job", job,
                                       "--worker", "--worker-name", name, *FLEET, *extra),
                                  stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log)

    def wait(self, timeout=300):
        try:
            return self.p.wait(timeout)
        finally:
            self.log.close()

    def text(self):
        with open(self.log.name) as f:
            return f.read()


def rows(pg, job):
    """domain -> [(status, layer, codes, doc)] of the job's stored results."""
    out = {}
    for d, doc in pg.query(f"SELECT domain, doc FROM audit_results WHERE job = '{job}'"):
        out.setdefault(d, []).append(json.loads(doc))
    return out


def done(pg, job):
    return int(pg.query(f"SELECT count(*) FROM audit_queue WHERE job = '{job}' AND done > 0")
               [0][0])


def wait_for(what, timeout, step=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if what():
            return
        time.sleep(step)
    raise AssertionError(f"not after {timeout}s")


def check_results(pg, job, single):
    by_domain = rows(pg, job)
    assert sorted(by_domain) == sorted(single[0]), "a domain is missing or extra"
    twice = [d for d, docs in by_domain.items() if len(docs) != 1]
    assert not twice, twice
    got = verdicts(docs[0] for docs in by_domain.values())
    differ = {d: (got[d][:2], single[0][d][:2], set(got[d][2]) ^ set(single[0][d][2]))
              for d in got if got[d] != single[0][d]}
    why = [f["message"] for d in differ for f in by_domain[d][0]["findings"]
           if f["code"] not in single[0][d][2]]
    assert not differ, (differ, why)
    # The row's document is the JSON Lines object: the audit's keys, the domain's name.
    doc = by_domain[sorted(by_domain)[0]][0]
    assert {"domain", "verdict", "findings", "evidence"} <= set(doc) or \
        {"domain", "verdict", "findings"} <= set(doc), sorted(doc)


def test_three_workers_one_killed(world, pg, single, tmp_path):
    job = "kill"
    assert "1200 domains added, 0 already there" in enqueue(world, pg, job)
    ws = [Worker(world, pg, job, f"w{i}", str(tmp_path), "--lease", "15s") for i in (1, 2, 3)]
    waiter = subprocess.Popen(argv(world, "--queue", pg.uri, "--job", job, "--wait", "--json",
                                   "--summary", str(tmp_path / "summary.txt")),
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, encoding="utf-8")
    try:
        wait_for(lambda: done(pg, job) >= N // 5, 120)
        held = pg.query(f"SELECT count(*) FROM audit_queue WHERE job = '{job}'"
                        " AND lease_owner = 'w2' AND done = 0")
        ws[1].p.send_signal(signal.SIGKILL)
        assert ws[1].wait(10) == -signal.SIGKILL
        assert int(held[0][0]) > 0  # it died holding domains
        ws[1] = Worker(world, pg, job, "w2", str(tmp_path), "--lease", "15s")
        rcs = [w.wait(300) for w in ws]
        assert rcs == [0, 0, 0], [w.text() for w in ws]
        out, err = waiter.communicate(timeout=120)
    finally:
        for w in ws:
            if w.p.poll() is None:
                w.p.kill()
        if waiter.poll() is None:
            waiter.kill()
    check_results(pg, job, single)
    assert waiter.returncode == single[2], err
    assert comparable(json.loads(out)) == comparable(single[1])
    assert "left" in err  # --wait showed the progress
    text = (tmp_path / "summary.txt").read_text()
    assert text.startswith("audit: 1200 domains checked") and "status:" in text, text
    # Progress on each worker's standard error, at a bounded rate.
    for w in ws:
        t = w.text()
        assert "stored" in t and "AddressSanitizer" not in t, t
        assert t.count("taken,") <= 20, t


def test_enqueue_again_adds_nothing(world, pg):
    job = "again"
    assert "1200 domains added, 0 already there" in enqueue(world, pg, job)
    assert "0 domains added, 1200 already there" in enqueue(world, pg, job)
    assert pg.query(f"SELECT count(*), count(DISTINCT domain) FROM audit_queue"
                    f" WHERE job = '{job}'") == [("1200", "1200")]


def test_summary_before_the_end_shows_progress(world, pg):
    job = "progress"
    enqueue(world, pg, job)
    r = run(world, "--queue", pg.uri, "--job", job)
    assert r.returncode == NOT_DONE, r.stderr
    assert r.stdout == f"dnsdeps audit: job '{job}': 0 done, 0 in flight, 1200 left\n"
    r = run(world, "--queue", pg.uri, "--job", "nothing-here")
    assert r.returncode == 3 and "has no domains" in r.stderr


def test_database_restart_during_the_run(world, pg, single, tmp_path):
    job = "restart"
    enqueue(world, pg, job)
    ws = [Worker(world, pg, job, f"r{i}", str(tmp_path)) for i in (1, 2)]
    waiter = subprocess.Popen(argv(world, "--queue", pg.uri, "--job", job, "--wait", "--json"),
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, encoding="utf-8")
    try:
        wait_for(lambda: done(pg, job) >= N // 5, 120)
        r = run(world, "--queue", pg.uri, "--job", job)
        assert r.returncode == NOT_DONE and " left" in r.stdout, r.stdout + r.stderr
        pg.pg_ctl("restart")
        rcs = [w.wait(300) for w in ws]
        out, err = waiter.communicate(timeout=120)
    finally:
        for p in [w.p for w in ws] + [waiter]:
            if p.poll() is None:
                p.kill()
    # --wait outlived the restart too.
    assert waiter.returncode == single[2], err
    assert comparable(json.loads(out)) == comparable(single[1])
    texts = [w.text() for w in ws]
    assert rcs == [0, 0], texts
    assert any("the store is unreachable" in t for t in texts), texts
    assert any("the store is back" in t for t in texts), texts
    check_results(pg, job, single)
    r = run(world, "--queue", pg.uri, "--job", job, "--json")
    assert r.returncode == single[2], r.stderr
    assert comparable(json.loads(r.stdout)) == comparable(single[1])


def test_queue_usage_errors(world, pg, tmp_path):
    """The queue's options and steps are checked before anything is stored."""
    cases = [
        (["--enqueue", str(world.list)], "go with --queue URI"),
        (["--worker"], "go with --queue URI"),
        (["--queue", pg.uri, str(world.list)], "the list is --enqueue FILE"),
        (["--queue", pg.uri, "--enqueue", str(world.list), "--worker"], "one at a time"),
        (["--queue", pg.uri, "--worker", "--output", str(tmp_path / "x")], "no --output"),
        (["--queue", pg.uri, "--csv"], "no csv"),
    ]
    for args, message in cases:
        r = run(world, *args)
        assert r.returncode == 3 and message in r.stderr, (args, r.stderr)
    r = run(world, "--queue", f"sqlite:{tmp_path}/q.db", "--enqueue", str(world.list))
    assert r.returncode == 3 and "takes a PostgreSQL database" in r.stderr, r.stderr
    assert not (tmp_path / "q.db").exists()
