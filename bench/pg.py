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

With --audit (bench/pg-audit.sh), the distributed one-shot audit instead (`dnsdeps audit
--queue`): for each worker count, the list enqueued in a fresh database and N workers
until the queue is empty: domains per second, each worker's CPU seconds per 1,000
domains and the database's, statements and transactions per domain, the database's
bytes per domain, and a projection of the machines a 2-million-delegation zone needs in
one hour (its assumptions printed with it). Then (unless --no-compare) the same list
audited by 3 workers, one killed with SIGKILL mid-run and started again, compared with a
single-process `dnsdeps audit`: rows, duplicates, verdicts and summary.
"""

import argparse
import json
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
QUEUE_TABLES = ("audit_queue", "audit_results", "audit_workers")
# Statements of this program's own look-ups, not the workers'.
OWN = ("query NOT LIKE '%pg_stat%' AND query NOT LIKE '%pg_total%'"
       " AND query NOT LIKE '%count(DISTINCT%' AND query NOT LIKE '%FILTER (WHERE done%'")
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
    stmts = int(pg.query(f"SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE {OWN}")
                [0][0])
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


# ---- the distributed audit (--audit) ---------------------------------------------------

def audit_cmd(a, world, *args):
    return [a.dnsdeps, "audit", "--root-hints", world.root_hints, *args]


def start_worker(a, world, pg, tmp, job, name, extra=()):
    log = open(os.path.join(tmp, f"{job}-{name}.log"), "ab")
    cmd = audit_cmd(a, world, "--queue", pg.uri, "--job", job, "--worker", "--worker-name", name,
                    "--concurrency", str(a.concurrency), *a.audit_args.split(), *extra)
    return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=log), log


def reap(p, log):
    """(exit status, CPU seconds) of a worker."""
    _, status, ru = os.wait4(p.pid, 0)
    log.close()
    return os.waitstatus_to_exitcode(status), ru.ru_utime + ru.ru_stime


def enqueue(a, world, pg, dfile, job):
    r = subprocess.run(audit_cmd(a, world, "--queue", pg.uri, "--job", job, "--enqueue", dfile),
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"bench/pg: enqueue failed: {r.stderr}")


def audit_one(pg, a, world, dfile, tmp, n):
    """n workers on a fresh queue: figures per domain; returns (domains/s, worker CPU s per
    1,000, database CPU s per 1,000, bytes per domain)."""
    pg.query("DROP SCHEMA public CASCADE; CREATE SCHEMA public;"
             " CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
    job = f"bench{n}"
    enqueue(a, world, pg, dfile, job)
    time.sleep(1)  # the loading's backend has ended and its CPU is the postmaster's
    cpu0 = db_cpu(pg)
    pg.query("SELECT pg_stat_statements_reset(), pg_stat_reset()")
    t0 = time.monotonic()
    procs = [start_worker(a, world, pg, tmp, job, f"w{i}") for i in range(n)]
    ends = [reap(p, log) for p, log in procs]
    wall = time.monotonic() - t0
    if any(rc != 0 for rc, _ in ends):
        sys.exit(f"bench/pg: a worker failed: {ends}; see {tmp}")
    cpus = [c for _, c in ends]
    time.sleep(1)  # the workers' backends have ended (autovacuum may come later: not counted)
    dbcpu = db_cpu(pg) - cpu0
    sizes = "+".join(f"pg_total_relation_size('{t}')" for t in QUEUE_TABLES)
    rows, size, doc = (float(x) for x in pg.query(
        f"SELECT count(*), {sizes}, avg(pg_column_size(doc)) FROM audit_results")[0])
    stmts = int(pg.query(f"SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE {OWN}")
                [0][0])
    xacts = int(pg.query("SELECT xact_commit FROM pg_stat_database WHERE datname = 'postgres'")
                [0][0])
    if int(rows) != a.domains:
        sys.exit(f"bench/pg: {int(rows)} rows for {a.domains} domains")
    k = rows / 1000
    print(f"\n{n} worker(s): {a.domains} domains in {wall:.1f} s, {rows / wall:.0f} domains/s")
    print("  worker CPU s per 1,000 domains: " + ", ".join(f"{c / k:.2f}" for c in cpus)
          + f" (total {sum(cpus) / k:.2f}); database {dbcpu / k:.2f}"
          f" ({100 * dbcpu / max(dbcpu + sum(cpus), 1e-9):.0f}% of all CPU used)")
    print(f"  statements per domain {stmts / rows:.2f}, transactions per domain "
          f"{xacts / rows:.3f}")
    print(f"  database: {size / rows:.0f} bytes per domain (queue, results, indexes); "
          f"the JSONB document {doc:.0f} bytes on average", flush=True)
    return rows / wall, sum(cpus) / k, dbcpu / k, size / rows


def projection(per_worker_cpu, db_cpu_k, bytes_per_domain):
    """Machines for 2,000,000 delegations in one hour, from the CPU the bench measured."""
    zone, seconds, cores, usable = 2_000_000, 3600, 8, 0.7
    rate = zone / seconds
    w_cores = rate * per_worker_cpu / 1000
    d_cores = rate * db_cpu_k / 1000
    print(f"\nprojection: {zone:,} delegations in one hour = {rate:.0f} domains/s")
    print("  assumptions: CPU is the limit (each worker's concurrency hides the network's "
          "latency: on the Internet a domain's ~20-60 queries take seconds, so a worker "
          "needs --concurrency in the thousands and the file descriptors for it); the "
          "CPU per domain measured here holds (the test bed's domains are simple: real "
          "ones have more NS names, CNAMEs and DNSSEC, count 2-3x); no registration "
          "look-ups (--no-registration: RDAP/WHOIS rate limits, not CPU, would decide); "
          f"machines of {cores} cores used at {usable:.0%}; the remote servers answer")
    print(f"  worker CPU {w_cores:.1f} cores -> {max(1, -(-w_cores // (cores * usable))):.0f}"
          f" worker machine(s) ({3 * w_cores:.1f} cores, "
          f"{max(1, -(-3 * w_cores // (cores * usable))):.0f} machine(s), if real domains "
          "cost 3x)")
    print(f"  database CPU {d_cores:.2f} cores: one PostgreSQL server; "
          f"{zone * bytes_per_domain / 1e9:.1f} GB for the job's tables")


def audit_compare(pg, a, world, dfile, tmp):
    """3 workers, one killed mid-run and started again, against one `dnsdeps audit`."""
    single_json = os.path.join(tmp, "single.json")
    t0 = time.monotonic()
    r = subprocess.run(audit_cmd(a, world, "--concurrency", str(a.concurrency),
                                 *a.audit_args.split(), "--no-progress", "--summary-json",
                                 single_json, dfile), capture_output=True, text=True)
    single_s = time.monotonic() - t0
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    single = {d["domain"]: (d["verdict"]["status"], d["verdict"]["layer"],
                            sorted({f["code"] for f in d["findings"]})) for d in lines}
    pg.query("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    enqueue(a, world, pg, dfile, "compare")
    t0 = time.monotonic()
    procs = {f"k{i}": start_worker(a, world, pg, tmp, "compare", f"k{i}") for i in (1, 2, 3)}
    while int(pg.query("SELECT count(*) FROM audit_results")[0][0]) < a.domains // 3:
        time.sleep(0.5)
    held = pg.query("SELECT count(*) FROM audit_queue WHERE lease_owner = 'k2' AND done = 0")
    procs["k2"][0].send_signal(signal.SIGKILL)
    killed = reap(*procs["k2"])[0]
    procs["k2"] = start_worker(a, world, pg, tmp, "compare", "k2")
    ends = {k: reap(*v)[0] for k, v in procs.items()}
    dist_s = time.monotonic() - t0
    got = {}
    for d, st, layer, codes in pg.query("SELECT domain, doc->'verdict'->>'status',"
                                        " doc->'verdict'->>'layer', codes FROM audit_results"):
        got.setdefault(d, []).append((st, layer, sorted(json.loads(codes))))
    dup = sum(1 for v in got.values() if len(v) > 1)
    missing = set(single) - set(got)
    differ = [d for d in single if d in got and got[d][0] != single[d]]
    s = subprocess.run(audit_cmd(a, world, "--queue", pg.uri, "--job", "compare", "--json"),
                       capture_output=True, text=True)
    same_summary = s.returncode == r.returncode and \
        {k: v for k, v in json.loads(s.stdout).items() if k != "performance"} == \
        {k: v for k, v in json.load(open(single_json)).items() if k != "performance"}
    print(f"\nkill test: {a.domains} domains; single audit {single_s:.1f} s (exit {r.returncode});"
          f" 3 workers {dist_s:.1f} s, k2 killed (status {killed}) holding {held[0][0]} domains"
          f" and started again; exits {ends}")
    print(f"  rows {sum(map(len, got.values()))}, domains {len(got)}, duplicates {dup}, "
          f"missing {len(missing)}, verdicts differing from the single audit {len(differ)}"
          f"{' ' + str(differ[:5]) if differ else ''}; summary and exit status "
          f"{'the same' if same_summary else 'DIFFERENT'} (summary exit {s.returncode})",
          flush=True)


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
    ap.add_argument("--audit", action="store_true",
                    help="the distributed audit (dnsdeps audit --queue) instead of watch")
    # 4 workers x (2 in flight + 2 idle TCP connections) stay within the 16 TCP
    # connections a test-bed NSD takes (docs/postgresql.md: the fleet shares them).
    ap.add_argument("--audit-args", default="--no-registration --qps 0 --per-server 2"
                    " --timeout 2000 --retries 1 --now 2026-01-01",
                    help="more options for dnsdeps audit (workers and the single audit)")
    ap.add_argument("--no-compare", action="store_true",
                    help="with --audit: no kill test against a single audit")
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
        if not a.audit:
            for n in (int(x) for x in a.workers.split(",")):
                one(pg, a, world, dfile, tmp, n)
            return
        runs = [audit_one(pg, a, world, dfile, tmp, int(x)) for x in a.workers.split(",")]
        one_worker = runs[0]
        projection(one_worker[1], one_worker[2], one_worker[3])
        if not a.no_compare:
            audit_compare(pg, a, world, dfile, tmp)


if __name__ == "__main__":
    main()
