#!/usr/bin/python3
"""bench/web.py: `dnsdeps watch --http` serving a store of N domains (10,000 by default).
The store is made real: one round of puri.sm on the demo world (data/demo/purism.toml)
by `dnsdeps watch --once`, whose row (verdict, findings with advice, facts) is then
given to N domains with SQLite, a tenth of them warning and a twentieth critical; the
service then starts on that store with a one-day interval, so no check runs while it is
measured. Prints the /metrics render time (median and worst of 20, over HTTP on
loopback; the first request separately: it parses every domain's facts, the next ones
only those of rounds that changed, here none) and the dashboard's table page load in headless Chromium: from navigation
start to the table showing its first page with the count of all N domains (median and
worst of 5 loads, each in a fresh tab). A benchmark that prints figures, not a test: run
it as root (it enters a private network namespace).

    bench/web.sh [--domains N] [--dnsdeps PATH]
"""

import argparse
import json
import os
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "system"))

from minternet import World, netns  # noqa: E402

PORT = 8490


def make_store(world, dnsdeps, path, n):
    r = subprocess.run([dnsdeps, "watch", "--once", "--root-hints", world.root_hints,
                        "--store", path, "--no-registration", "--timeout", "400",
                        "--retries", "0", "puri.sm"], capture_output=True, text=True, timeout=120)
    assert r.returncode in (0, 1), r.stderr
    db = sqlite3.connect(path)
    (t, summary, findings, facts, digest), = db.execute(
        "SELECT r.time, c.summary, c.findings, c.facts, r.digest FROM rounds r"
        " JOIN contents c ON c.id = r.content")
    due = int(time.time()) + 86400
    names = [f"d{i:05d}.example." for i in range(n)]
    with db:
        db.execute("DELETE FROM domains")
        db.execute("DELETE FROM rounds")
        db.execute("DELETE FROM contents")
        for i, name in enumerate(names):
            status = 2 if i % 20 == 0 else 1 if i % 10 == 0 else 0
            content = db.execute("INSERT INTO contents(key, summary, findings, facts)"
                                 " VALUES(?, ?, ?, ?)", (name, summary.replace("puri.sm", name),
                                                         findings, facts)).lastrowid
            cur = db.execute("INSERT INTO rounds(domain, time, status, layer, content, digest)"
                             " VALUES(?, ?, ?, ?, ?, ?)",
                             (name, t, status, 4 if status else 0, content, digest))
            db.execute("INSERT INTO domains(name, grp, next_due, last_round) VALUES(?, '', ?, ?)",
                       (name, due, cur.lastrowid))
    db.close()
    return names


def timed_get(url):
    t0 = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as r:
        body = r.read()
    return (time.perf_counter() - t0) * 1000, body


def browser(tmp):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    opts = webdriver.ChromeOptions()
    opts.binary_location = shutil.which("chromium")
    for a in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--disable-dev-shm-usage", f"--user-data-dir={tmp}/profile", "--window-size=1400,900"):
        opts.add_argument(a)
    return webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=opts)


def page_load(driver, url, n):
    """ms from navigation start to the first page of the table with all n counted."""
    driver.get("about:blank")
    driver.get(url)
    deadline = time.monotonic() + 60
    want = f"{n} of {n} domains"
    while time.monotonic() < deadline:
        ms = driver.execute_script(
            "const c = document.getElementById('count');"
            "return c && c.textContent === arguments[0] &&"
            " document.querySelectorAll('#domains tbody tr').length > 0 ? performance.now() : null;",
            want)
        if ms is not None:
            return ms
        time.sleep(0.005)
    raise SystemExit("the table did not load within 60 s")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--domains", type=int, default=10000)
    ap.add_argument("--dnsdeps", default=os.environ.get("DNSDEPS",
                                                       os.path.join(ROOT, "build", "dnsdeps")))
    a = ap.parse_args()
    a.dnsdeps = os.path.abspath(a.dnsdeps)
    netns.enter()
    tmp = tempfile.mkdtemp(prefix="dnsdeps-web-bench-")
    store = os.path.join(tmp, "watch.db")
    with World.from_file(os.path.join(ROOT, "data", "demo", "purism.toml")) as world:
        names = make_store(world, a.dnsdeps, store, a.domains)
        listing = os.path.join(tmp, "list")
        with open(listing, "w") as f:
            f.write("\n".join(names) + "\n")
        log = open(os.path.join(tmp, "log"), "wb")
        p = subprocess.Popen([a.dnsdeps, "watch", "--root-hints", world.root_hints, "--store",
                              store, "--interval", "1d", "--jitter", "0s", "--no-registration",
                              "--list", listing, "--http", str(PORT)], stdout=log, stderr=log)
        base = f"http://127.0.0.1:{PORT}"
        try:
            for _ in range(200):
                try:
                    timed_get(base + "/api/v1/incidents")  # up, and no domain read yet
                    break
                except OSError:
                    time.sleep(0.1)
            metrics = [timed_get(base + "/metrics") for _ in range(21)]
            lines = metrics[0][1].count(b"\n")
            cold = metrics[0][0]  # the first read parses every domain's facts
            ms = sorted(m[0] for m in metrics[1:])
            api_ms, body = timed_get(base + "/api/v1/domains")
            assert len(json.loads(body)["domains"]) == a.domains
            d = browser(tmp)
            try:
                loads = sorted(page_load(d, base + "/", a.domains) for _ in range(5))
            finally:
                d.quit()
        finally:
            p.send_signal(signal.SIGTERM)
            p.wait(30)
            log.close()
    print(f"domains: {a.domains}")
    print(f"/metrics: {lines} lines, {len(metrics[0][1])} bytes; first (every domain's facts "
          f"parsed) {cold:.1f} ms; then (rounds unchanged) median {statistics.median(ms):.1f} ms, "
          f"worst {ms[-1]:.1f} ms (20 requests)")
    print(f"/api/v1/domains: {len(body)} bytes in {api_ms:.1f} ms")
    print(f"dashboard table page load (navigation start to the first page, all counted): "
          f"median {statistics.median(loads):.0f} ms, worst {loads[-1]:.0f} ms (5 loads)")
    shutil.rmtree(tmp, ignore_errors=True)


main()
