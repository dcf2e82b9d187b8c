#!/usr/bin/python3
"""bench/pg.py: N `dnsdeps watch` workers sharing one PostgreSQL 15 store
(tests/system/minternet/pgserver.py: a real server in a temporary directory) on the
generated world of bench/live_world.py. The interval is short so that the workers are
always busy: the domain-rounds they store per second is their throughput. For each
worker count it prints the throughput; each worker's CPU seconds (user + system, from
wait4) per 1,000 domain-rounds; the database's (the postmaster and its backends, from
/proc) per 1,000; statements (pg_stat_statements) and transactions per domain-round;
and the database's growth per domain-round once every domain has a round (tables and
indexes, pg_total_relation_size). A benchmark that prints figures, not a test: run it as
root (it enters a private network namespace).

    bench/pg.sh [--domains N] [--workers 1,2,4] [--seconds 60] [--concurrency 100]
                [--watch-args '...'] [--dnsdeps PATH]
"""

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "system"))

import minternet.world as world_module  # noqa: E402
from live_world import LiveWorld, portfolio  # noqa: E402
from minternet import netns  # noqa: E402
from minternet.pgserver import Postgres  # noqa: E402

TABLES = ("domains", "rounds", "contents", "events", "incidents", "outbox")
HZ = os.sysconf("SC_CLK_TCK")


def proc_cpu(pid, children=True):
    """CPU seconds of a process (and of its reaped children)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])
    if children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / HZ


def db_cpu(pg):
    """The postmaster, its reaped backends, and the live ones."""
    pm = pg.postmaster_pid()
    total = proc_cpu(pm)
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open(f"/proc/{pid}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                if ppid == pm:
                    total += proc_cpu(int(pid), children=False)
            except (OSError, ValueError, IndexError):
                pass
    return total


def one(pg, a, world, dfile, tmp, n):
    pg.query("DROP SCHEMA public CASCADE; CREATE SCHEMA public;"
             " CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
    sizes = "+".join(f"coalesce(pg_total_relation_size('{t}'), 0)" for t in TABLES)
    cmd = [a.dnsdeps, "watch", "--root-hints", world.root_hints, "--store", pg.uri,
           "--interval", f"{a.interval}s", "--jitter", "0s", "--concurrency", str(a.concurrency),
           "--list", dfile, *a.watch_args.split()]
    cpu0 = db_cpu(pg)
    pg.query("SELECT pg_stat_statements_reset(), pg_stat_reset()")
    procs, t0, first = [], time.monotonic(), None
    for i in range(n):
        log = open(os.path.join(tmp, f"w{n}-{i}.log"), "wb")
        procs.append((subprocess.Popen(cmd + ["--worker", f"w{i}"], stdin=subprocess.DEVNULL,
                                       stdout=log, stderr=log), log))
    while time.monotonic() - t0 < a.seconds:
        time.sleep(1)
        if first is None:
            rows = pg.query(f"SELECT count(DISTINCT domain), count(*), {sizes} FROM rounds")
            if rows and int(rows[0][0]) >= a.domains:
                first = (time.monotonic(), int(rows[0][1]), int(rows[0][2]))
    cpus = []
    for p, log in procs:
        p.send_signal(signal.SIGTERM)
        _, status, ru = os.wait4(p.pid, 0)
        log.close()
        if status != 0:
            sys.exit(f"bench/pg: a worker ended with status {status}: see {log.name}")
        cpus.append(ru.ru_utime + ru.ru_stime)
    wall = time.monotonic() - t0
    n_rounds, size = (int(x) for x in pg.query(f"SELECT count(*), {sizes} FROM rounds")[0])
    stmts = int(pg.query("SELECT coalesce(sum(calls), 0) FROM pg_stat_statements"
                         " WHERE query NOT LIKE '%pg_stat%' AND query NOT LIKE '%pg_total%'"
                         " AND query NOT LIKE '%count(DISTINCT%'")[0][0])
    xacts = int(pg.query("SELECT xact_commit FROM pg_stat_database"
                         " WHERE datname = 'postgres'")[0][0])
    dbcpu = db_cpu(pg) - cpu0
    k = max(n_rounds, 1) / 1000
    print(f"\n{n} worker(s), {wall:.0f} s: {n_rounds} domain-rounds, "
          f"{n_rounds / wall:.1f} per second")
    print("  worker CPU s per 1,000 domain-rounds: " + ", ".join(f"{c / k:.2f}" for c in cpus)
          + f" (total {sum(cpus) / k:.2f}); database {dbcpu / k:.2f}"
          f" ({100 * dbcpu / max(dbcpu + sum(cpus), 1e-9):.0f}% of all CPU used)")
    print(f"  statements per domain-round {stmts / max(n_rounds, 1):.1f}, "
          f"transactions {xacts / max(n_rounds, 1):.2f} (some of this program's queries included)")
    if first and n_rounds > first[1]:
        print(f"  database growth once every domain had a round: {size - first[2]} bytes for "
              f"{n_rounds - first[1]} domain-rounds, "
              f"{(size - first[2]) / (n_rounds - first[1]):.0f} bytes per domain-round")
    print(f"  database: {size} bytes in all ({size / max(n_rounds, 1):.0f} per domain-round)",
          flush=True)
    # The latest evidence document of each domain: one row per domain, replaced each round.
    ev = pg.query("SELECT count(*), coalesce(avg(size), 0)::bigint,"
                  " coalesce(avg(octet_length(data)), 0)::bigint,"
                  " pg_total_relation_size('evidence') FROM evidence")[0]
    rows_, doc, packed, total = (int(x) for x in ev)
    print(f"  evidence: {rows_} domains, documents {doc} bytes on average, {packed} compressed;"
          f" the table with its TOAST and index {total} bytes, {total / max(rows_, 1):.0f}"
          " per domain", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--domains", type=int, default=2000)
    ap.add_argument("--operators", type=int, default=24)
    ap.add_argument("--workers", default="1,2,4")
    ap.add_argument("--seconds", type=int, default=60, help="run each worker count this long")
    ap.add_argument("--interval", type=int, default=5, help="short: the workers stay busy")
    ap.add_argument("--concurrency", type=int, default=100)
    ap.add_argument("--watch-args", default="--no-registration --qps 0 --per-server 8",
                    help="more options for dnsdeps watch")
    ap.add_argument("--dnsdeps", default=os.environ.get("DNSDEPS",
                                                       os.path.join(ROOT, "build", "dnsdeps")))
    a = ap.parse_args()
    a.dnsdeps = os.path.abspath(a.dnsdeps)
    if not os.access(a.dnsdeps, os.X_OK):
        sys.exit(f"bench/pg: no dnsdeps at {a.dnsdeps} (build it, or give --dnsdeps)")
    netns.enter()
    world_module.START_TIMEOUT = max(world_module.START_TIMEOUT, 300.0)
    data, domains, _ = portfolio(a.domains, a.operators)
    world = LiveWorld.from_dict(data, source="bench/pg")
    print(f"world: {len(domains)} domains, {len(data['zone'])} zones, {os.cpu_count()} CPUs",
          flush=True)
    opts = "-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all"
    with world, Postgres(options=opts) as pg, \
            tempfile.TemporaryDirectory(prefix="bench-pg-") as tmp:
        print(f"world: up in {world.bringup_seconds:.1f} s", flush=True)
        dfile = os.path.join(tmp, "domains.txt")
        with open(dfile, "w") as f:
            f.write("\n".join(domains) + "\n")
        for n in (int(x) for x in a.workers.split(",")):
            one(pg, a, world, dfile, tmp, n)


if __name__ == "__main__":
    main()
