"""test_postgresql: the store on a real PostgreSQL 15 server (minternet/pgserver.py,
started here in the test namespace) shared by several `dnsdeps watch` workers on the
demo world (data/demo/purism.toml), with a real HTTP receiver for the alerts:

- the store's unit tests (tests/unit/test_store.c) run their table on the server;
- three workers, one killed with SIGKILL while it holds domains: every domain is
  checked in every interval (the dead worker's domains come back when its lease
  ends), none twice; the registry then stops delegating puri.sm: exactly one alert;
- the database restarted (pg_ctl restart) during the rounds: the workers carry on,
  no round is stored twice and none is lost after the restart;
- the web side on this store (test_web's helpers and browser): the dashboard in
  headless Chromium shows every domain, then the incident after the flip without a
  reload; the latest evidence document from the API replays (`dnsdeps report`) to the
  verdict the API shows, its row's size in the database printed.
"""

import os
import signal
import subprocess
import time

import pytest

from helpers import scenario
from minternet import World, default_dnsdeps
from minternet.common import MinternetError
from minternet.pgserver import Postgres
import test_watch
import test_web
from test_watch import PURI, Hook, no_sanitizer, undelegate
from test_web import browser  # noqa: F401 (the fixture, shared)

INTERVAL, LEASE = 4, 3
DOMAINS = ("puri.sm", "dnshost.test", "example.sm")
FAST = ("--timeout", "400", "--retries", "0", "--jitter", "0s", "--no-deps",
        "--no-registration", "--concurrency", "1", "--interval", f"{INTERVAL}s",
        "--lease", f"{LEASE}s", "--alert-after", "1")


@pytest.fixture
def world():
    with World.from_file(scenario("purism")) as w:
        yield w


@pytest.fixture
def pg():
    with Postgres() as p:
        yield p


class Worker(test_watch.Watch):
    """One `dnsdeps watch` worker on the shared store (test_watch's service and
    log), named, with the test's short interval in FAST."""

    def __init__(self, world, pg, name, logdir, *args):
        super().__init__(world, pg.uri, "--worker", name, *FAST, *args, *DOMAINS,
                         interval=None, log=os.path.join(logdir, name + ".log"))

    def stop(self, sig=signal.SIGTERM, timeout=20):
        return super().stop(sig, timeout)


def rounds(pg):
    """{domain: [round times]} from the shared store."""
    out = {}
    try:
        rows = pg.query("SELECT domain, time FROM rounds ORDER BY domain, time, id")
    except MinternetError:
        return out  # not created yet
    for d, t in rows:
        out.setdefault(d, []).append(int(t))
    return out


def wait_for(what, timeout, step=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = what()
        if v:
            return v
        time.sleep(step)
    raise AssertionError(f"not after {timeout}s")


def first_lease_owner(pg, timeout):
    """The first worker seen holding a domain's lease, polled inside the server
    every 2 ms (a lease lasts as long as a round's checks, tens of ms here: a
    psql per poll, from a loaded machine, can miss every one of them)."""
    rows = pg.query(
        "CREATE FUNCTION pg_temp.first_owner(t float) RETURNS text AS $$"
        " DECLARE o text; deadline timestamptz := clock_timestamp() + t * interval '1 second';"
        " BEGIN LOOP"
        "  SELECT lease_owner INTO o FROM domains WHERE lease_owner IS NOT NULL LIMIT 1;"
        "  IF o IS NOT NULL OR clock_timestamp() > deadline THEN RETURN o; END IF;"
        "  PERFORM pg_sleep(0.002);"
        " END LOOP; END $$ LANGUAGE plpgsql;"
        f" SELECT pg_temp.first_owner({timeout})")
    owners = [r[0] for r in rows if r[0] != "CREATE FUNCTION"]  # psql's command tag
    assert owners, f"no lease held within {timeout}s"
    return owners[0]


def check_schedule(by_domain, since, until, slack):
    """Every domain checked in every interval of [since, until], none twice."""
    for d in DOMAINS:
        times = [t for t in by_domain.get(d + ".", []) if since <= t <= until]
        assert times, (d, by_domain)
        gaps = [b - a for a, b in zip(times, times[1:])]
        assert all(g >= INTERVAL - 1 for g in gaps), (d, times)  # none twice
        assert all(g <= INTERVAL + slack for g in gaps), (d, times)  # none left out
        assert times[0] - since <= INTERVAL + slack and until - times[-1] <= INTERVAL + slack, \
            (d, times, since, until)


def test_store_unit_tests_on_postgresql(pg):
    binary = os.path.join(os.path.dirname(os.path.abspath(default_dnsdeps())),
                          "tests", "unit", "test_store")
    assert os.path.exists(binary), binary
    r = subprocess.run([binary], env={**os.environ, "DNSDEPS_TEST_PG": pg.uri},
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    out = r.stdout + r.stderr
    assert "[  PASSED  ] 9 test(s)" in out and "FAILED" not in out, out  # PostgreSQL's table ran


def test_three_workers_one_killed(world, pg, tmp_path):
    with Hook() as hook:
        # Critical alerts only: a warning from a query lost on this loaded machine
        # (400 ms, no retry) is not what this test counts.
        ws = [Worker(world, pg, f"w{i}", str(tmp_path), "--webhook", hook.url + " critical")
              for i in (1, 2, 3)]
        try:
            wait_for(lambda: sum(map(len, rounds(pg).values())) >= 2 * len(DOMAINS), 30)
            t0 = int(time.time())
            # Kill a worker while it holds a domain (mid-round).
            owner = first_lease_owner(pg, 6 * INTERVAL)
            dead = int(owner[1:]) - 1
            ws[dead].p.send_signal(signal.SIGKILL)
            assert ws[dead].p.wait(10) == -signal.SIGKILL
            time.sleep(4 * INTERVAL)
            t1 = int(time.time())
            check_schedule(rounds(pg), t0, t1, LEASE + 2)
            # The dead worker's leases ended: its domains were taken by the others.
            assert (owner,) not in pg.query("SELECT lease_owner FROM domains"
                                            " WHERE lease_owner IS NOT NULL")
            # The world flips: one alert, whichever worker sees it.
            undelegate(world)
            wait_for(lambda: hook.kinds(), 4 * INTERVAL)
            time.sleep(3 * INTERVAL)
        finally:
            rcs = [w.stop(timeout=30) for w in ws]
            texts = [w.text() for w in ws]
        assert sorted(rcs) == [-signal.SIGKILL, 0, 0] and rcs[dead] == -signal.SIGKILL, texts
        for t in texts:
            no_sanitizer(t)
        opens = [a for a in hook.alerts if a[2]["kind"] == "open"]
        assert len(opens) == 1 and opens[0][2]["domain"] == "puri.sm.", hook.kinds()
        assert pg.query("SELECT count(*) FROM outbox WHERE kind = 'open'") == [("1",)]
        assert pg.query("SELECT count(*) FROM outbox WHERE delivered IS NULL") == [("0",)]
        # The rounds were shared: more than one worker stored some.
        assert sum("alert queued" in t or "round:" in t for t in texts) >= 2


def test_database_restart_during_rounds(world, pg, tmp_path):
    """example.sm's servers are silent, so its checks last a while: the database
    is restarted while one is in flight, the worker keeps its result and stores it
    when the database is back."""
    silent = ("ns1.example.sm.", "ns2.example.sm.")
    for name in silent:
        world.pause(name)
    ws = [Worker(world, pg, f"w{i}", str(tmp_path)) for i in (1, 2)]
    try:
        wait_for(lambda: sum(map(len, rounds(pg).values())) >= len(DOMAINS), 30)
        before = rounds(pg)
        wait_for(lambda: pg.query("SELECT name FROM domains WHERE name = 'example.sm.'"
                                  " AND lease_owner IS NOT NULL"), 6 * INTERVAL, step=0.01)
        pg.pg_ctl("restart")
        t_up = int(time.time())
        time.sleep(4 * INTERVAL)
        t1 = int(time.time())
        after = rounds(pg)
    finally:
        for name in silent:
            world.resume(name)
        rcs = [w.stop(timeout=30) for w in ws]
    texts = [w.text() for w in ws]
    assert rcs == [0, 0], texts
    for t in texts:
        no_sanitizer(t)
    assert any("results kept" in t and "kept result(s) stored" in t for t in texts), texts
    for d, times in before.items():
        assert after[d][:len(times)] == times  # nothing stored was lost
    # The workers came back to work: every domain in every interval after the restart,
    # the kept round of example.sm included, none twice.
    check_schedule(after, t_up - 2, t1, LEASE + 2)


# ---- the web side on a PostgreSQL store ------------------------------------------------

WEB_FAST = ("--timeout", "400", "--retries", "0", "--jitter", "0s", "--no-deps",
            "--no-registration", "--alert-after", "1", "--recover-after", "1")


def web_watch(world, pg, port, tmp_path):
    return test_web.Watch(world, pg.uri, port, *WEB_FAST, "--http", str(port), *DOMAINS,
                          log=str(tmp_path / "watch.log"))


def test_dashboard_on_postgresql(world, pg, tmp_path, browser):  # noqa: F811
    from selenium.webdriver.common.by import By
    w = web_watch(world, pg, 8491, tmp_path)
    try:
        rows = test_web.wait_for(lambda: test_web.all_checked(w.base, len(DOMAINS)), 30,
                                 "every domain checked")
        api_rows = {r["domain"]: (r["status"], r["layer"]) for r in rows}
        assert set(api_rows) == {d + "." for d in DOMAINS}, api_rows
        browser.get(w.base + "/")
        test_web.until(browser, lambda d: len(test_web.table_rows(d)) == len(DOMAINS), 15,
                       "the table")
        assert test_web.table_rows(browser) == api_rows
        assert test_web.table_rows(browser)[PURI] == ("ok", "none")
        test_web.shot(browser, "pg-table-ok")
        # dnshost.test's warning is an incident of its own: one more after the flip.
        before = int(browser.find_element(By.ID, "open-count").text)
        loaded = browser.execute_script("return performance.timeOrigin")
        saved = test_web.undelegate(world)
        test_web.until(browser, lambda d: test_web.table_rows(d).get(PURI) ==
                       ("critical", "registration"), 20, "puri.sm critical in the table")
        test_web.until(browser, lambda d: d.find_element(By.ID, "open-count").text ==
                       str(before + 1), 10, "the new incident counted in the header")
        assert browser.execute_script("return performance.timeOrigin") == loaded  # no reload
        browser.find_element(By.ID, "nav-incidents").click()
        puri_open = "#incidents tbody tr.open[data-domain='puri.sm.']"
        test_web.until(browser, lambda d: d.find_elements(By.CSS_SELECTOR, puri_open), 10,
                       "puri.sm's incident on the incidents page")
        row = browser.find_element(By.CSS_SELECTOR, puri_open)
        assert "registration" in row.text and "critical" in row.text, row.text
        test_web.shot(browser, "pg-incidents")
        row.find_element(By.CSS_SELECTOR, "a").click()
        test_web.until(browser, lambda d: d.find_elements(By.ID, "evidence-link"), 10,
                       "the domain page")
        link = browser.find_element(By.ID, "evidence-link")
        assert link.get_attribute("href").endswith("/api/v1/domains/puri.sm./evidence")
        assert link.get_attribute("download") == "puri.sm.evidence.json"
        test_web.shot(browser, "pg-domain")
        world.edit({"zone": "sm.", "add": saved})
    finally:
        assert w.stop() == 0, w.text()
    no_sanitizer(w.text())


def test_evidence_on_postgresql(world, pg, tmp_path):
    w = web_watch(world, pg, 8492, tmp_path)
    try:
        test_web.wait_for(lambda: test_web.all_checked(w.base, len(DOMAINS)), 30,
                          "every domain checked")
        assert test_web.evidence_replayed(world, w.base, tmp_path)["status"] == "ok"
        saved = test_web.undelegate(world)
        test_web.checked(w.base, "critical")
        r = test_web.evidence_replayed(world, w.base, tmp_path)
        assert (r["status"], r["layer"]) == ("critical", "registration")
        world.edit({"zone": "sm.", "add": saved})
    finally:
        assert w.stop() == 0, w.text()
    no_sanitizer(w.text())
    # One row per domain, replaced each round (docs/postgresql.md gives the figures).
    (n, size, data, total), = pg.query(
        "SELECT count(*), avg(size)::bigint, avg(octet_length(data))::bigint,"
        " pg_total_relation_size('evidence') FROM evidence")
    assert int(n) == len(DOMAINS), n
    print(f"\nevidence on PostgreSQL: {n} rows, documents {size} bytes on average,"
          f" compressed {data}, table with its index and TOAST {total} bytes")
