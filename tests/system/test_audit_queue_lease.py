"""test_audit_queue_lease: a distributed audit worker renews the leases of the domains it
still checks (src/audit/queue.c, every third of --lease), so a check that lasts longer
than the lease is not taken by another worker and checked twice. A world of its own
(bench/live_world.py's half-silent kind: one NS never answers, so a domain's check lasts
the --timeout of 4 s) and its own PostgreSQL: test_audit_queue.py's world uses the same
addresses. Two workers, a 2-second lease (whole seconds: with 1 s a lease can end between
two renewals, docs/postgresql.md) and a 4-second timeout: without renewal the first worker
to finish takes the other's domains whose leases ended, and the sum of what the workers
took exceeds the domains (and one of them drops results another stored first)."""

import os
import re
import subprocess
import sys

from helpers import REPO
from minternet import default_dnsdeps
from minternet.pgserver import Postgres

sys.path.insert(0, os.path.join(REPO, "bench"))
from live_world import LiveWorld, portfolio  # noqa: E402

N = 12
NOW = "2026-01-01T00:00:00Z"
OPTS = ("--timeout", "4000", "--retries", "0", "--qps", "0", "--no-progress", "--now", NOW,
        "--no-registration", "--concurrency", str(N // 2))
PROGRESS = re.compile(r"(\d+) taken, (\d+) stored, (\d+) dropped .* (\d+) lease renewals;")


def test_a_check_longer_than_the_lease_is_checked_once(tmp_path):
    data, domains, kinds = portfolio(N, n_ops=2, silent=1.0, seed=5)
    assert all(kinds[d] == "half-silent" for d in domains)
    lst = tmp_path / "domains.txt"
    lst.write_text("\n".join(domains) + "\n", encoding="utf-8")
    with LiveWorld.from_dict(data, source="test_audit_queue_lease") as w, Postgres() as pg:
        def argv(*args):
            return [default_dnsdeps(), "audit", "--root-hints", w.root_hints,
                    "--queue", pg.uri, "--job", "lease", *args]
        r = subprocess.run(argv("--enqueue", str(lst)), capture_output=True, text=True,
                           timeout=60)
        assert r.returncode == 0, r.stderr
        ps = [subprocess.Popen(argv(*OPTS, "--worker", "--worker-name", f"l{i}",
                                    "--lease", "2s"),
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True) for i in (1, 2)]
        try:
            outs = [p.communicate(timeout=120) for p in ps]
        finally:
            for p in ps:
                if p.poll() is None:
                    p.kill()
        errs = [e for _, e in outs]
        assert [p.returncode for p in ps] == [0, 0], errs
        rows = pg.query("SELECT domain, worker FROM audit_results WHERE job = 'lease'")
        started = pg.query("SELECT worker, domains FROM audit_workers WHERE job = 'lease'")
    assert sorted(d for d, _ in rows) == sorted(domains), rows
    last = [PROGRESS.findall(e)[-1] for e in errs]
    taken = [int(t) for t, _, _, _ in last]
    dropped = [int(d) for _, _, d, _ in last]
    renewals = [int(n) for _, _, _, n in last]
    # Both worked, each domain was taken (and so checked) once, no result was dropped.
    assert all(t > 0 for t in taken) and sum(taken) == N, errs
    assert dropped == [0, 0], errs
    assert all(n > 0 for n in renewals), errs
    assert sum(int(n) for _, n in started) == N, started
